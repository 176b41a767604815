/* JSON string escaping: see include/leaselab/internal/json.h. */
#include <stdbool.h>
#include <string.h>

#include "leaselab/internal/json.h"

/* The escape for s[i] (length in *len, bytes of s consumed in *skip), or
 * NULL when the byte is written as it is. */
static const char *escape_at(const unsigned char *s, size_t n, size_t i,
			     unsigned flags, char tmp[8], size_t *len,
			     size_t *skip)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = s[i];
	*skip = 1;
	*len = 2;
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: break;
	}
	bool html = (flags & LE_JSON_GO_HTML_SAFE) != 0;
	if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
		memcpy(tmp, "\\u00", 4);
		tmp[4] = hex[c >> 4];
		tmp[5] = hex[c & 0xf];
		*len = 6;
		return tmp;
	}
	if (html && c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
		*len = 6;
		*skip = 3;
		return s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
	}
	return NULL;
}

size_t le_json_escape(const char *s, size_t n, char *buf, size_t cap,
		      unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t total = 0;    /* length of the whole escaped text */
	size_t written = 0;  /* bytes in buf; stops growing once one did not fit */
	bool full = cap == 0;
	size_t run = 0;      /* start of the pending unescaped run */
	for (size_t i = 0; i <= n; i++) {
		char tmp[8];
		size_t len = 0, skip = 1;
		const char *esc = i < n ? escape_at(u, n, i, flags, tmp, &len, &skip)
				       : NULL;
		if (esc == NULL && i < n)
			continue;
		/* flush s[run..i), then the escape (if any) whole or not at all */
		size_t plain = i - run;
		if (!full) {
			size_t room = cap - 1 - written;
			size_t k = plain < room ? plain : room;
			memcpy(buf + written, s + run, k);
			written += k;
			full = k < plain;
		}
		total += plain;
		if (esc != NULL) {
			if (!full && len <= cap - 1 - written) {
				memcpy(buf + written, esc, len);
				written += len;
			} else {
				full = true;
			}
			total += len;
		}
		i += skip - 1;
		run = i + 1;
	}
	if (cap > 0)
		buf[written] = '\0';
	return total;
}
