/* reports/rbuf.h — a growable output buffer with the few formatters the
 * report writers need (integers, fixed-point seconds, JSON and HTML escaping).
 * The number formatters avoid printf on purpose: a one-hour run writes
 * thousands of numbers and the whole report must cost a few percent of the
 * simulation (rb_printf is for the rare figure that needs a format). */
#ifndef LEASELAB_REPORTS_RBUF_H
#define LEASELAB_REPORTS_RBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom; /* sticky: set when an allocation failed */
} rbuf;

void rb_init(rbuf *b, size_t cap);
void rb_free(rbuf *b);
void rb_put(rbuf *b, const char *s, size_t n);
void rb_puts(rbuf *b, const char *s);
void rb_putc(rbuf *b, char c);
void rb_i64(rbuf *b, int64_t v);
/* ns as seconds with millisecond precision, rounded: 12345678901 -> "12.346". */
void rb_secs(rbuf *b, int64_t ns);
/* v rounded to two decimals, trailing zeros dropped: 12.5 -> "12.5",
 * 3.004 -> "3" (SVG coordinates; NaN and infinities as 0). */
void rb_fixed2(rbuf *b, double v);
void rb_json_str(rbuf *b, const char *s);     /* "..." escaped */
void rb_html(rbuf *b, const char *s);         /* &<>"' escaped, no quotes */
void rb_printf(rbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write the buffer to path (created/truncated). 0 or -errno. */
int rb_write_file(const rbuf *b, const char *path);

#endif
