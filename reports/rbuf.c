/* reports/rbuf.c — see rbuf.h. */
#include "rbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leaselab/internal/json.h"

void rb_init(rbuf *b, size_t cap)
{
	b->len = 0;
	b->oom = false;
	b->cap = cap ? cap : 256;
	b->p = malloc(b->cap);
	if (!b->p) {
		b->cap = 0;
		b->oom = true;
	}
}

void rb_free(rbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static bool rb_reserve(rbuf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void rb_put(rbuf *b, const char *s, size_t n)
{
	if (!rb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rb_puts(rbuf *b, const char *s)
{
	rb_put(b, s, strlen(s));
}

void rb_putc(rbuf *b, char c)
{
	if (!rb_reserve(b, 1))
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void rb_i64(rbuf *b, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (!rb_reserve(b, (size_t)n + 1))
		return;
	if (v < 0)
		b->p[b->len++] = '-';
	while (n)
		b->p[b->len++] = tmp[--n];
	b->p[b->len] = '\0';
}

void rb_secs(rbuf *b, int64_t ns)
{
	/* round half away from zero, as printf("%.3f") does for these values */
	bool neg = ns < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int64_t ms = (int64_t)((u + 500000) / 1000000);
	if (neg && ms)
		rb_putc(b, '-');
	rb_i64(b, ms / 1000);
	char frac[5] = {'.', (char)('0' + ms % 1000 / 100),
			(char)('0' + ms % 100 / 10), (char)('0' + ms % 10), 0};
	rb_put(b, frac, 4);
}

void rb_fixed2(rbuf *b, double v)
{
	if (!isfinite(v))
		v = 0;
	int64_t c = (int64_t)llround(v * 100.0);
	if (c < 0) {
		rb_putc(b, '-');
		c = -c;
	}
	rb_i64(b, c / 100);
	int64_t f = c % 100;
	if (f) {
		char frac[4] = {'.', (char)('0' + f / 10), (char)('0' + f % 10), 0};
		rb_put(b, frac, f % 10 ? 3 : 2);
	}
}

void rb_json_str(rbuf *b, const char *s)
{
	if (!s) /* a hand-built scenario's string */
		s = "";
	size_t n = strlen(s);
	rb_putc(b, '"');
	/* One pass when it fits in what is left, as it nearly always does. */
	size_t room = b->oom ? 0 : b->cap - b->len;
	size_t need = le_json_escape(s, n, room ? b->p + b->len : NULL, room, 0);
	if (need >= room && rb_reserve(b, need))
		le_json_escape(s, n, b->p + b->len, need + 1, 0);
	if (!b->oom)
		b->len += need;
	rb_putc(b, '"');
}

void rb_html(rbuf *b, const char *s)
{
	if (!s) /* a hand-built scenario's string */
		s = "";
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		rb_put(b, run, (size_t)(s - run));
		rb_puts(b, rep);
		run = s + 1;
	}
	rb_put(b, run, (size_t)(s - run));
}

void rb_printf(rbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0 && rb_reserve(b, (size_t)n)) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

int rb_write_file(const rbuf *b, const char *path)
{
	if (b->oom)
		return -ENOMEM;
	/* A fresh inode is cheaper than truncating the old one (no blocks to
	 * free first), and a reader that has the old file open keeps it
	 * whole. This is not atomic: a new reader may see a partial file. */
	(void)unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->p + off, b->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0)
		return -errno;
	return 0;
}
