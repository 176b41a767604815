/* leaselab — JSON string escaping, the one implementation every writer of
 * JSON text uses (lock records, event lines, status bodies, reports, the
 * simulator's history). Not installed: libleaselab-core defines it and
 * every other library links that. */
#ifndef LEASELAB_INTERNAL_JSON_H
#define LEASELAB_INTERNAL_JSON_H

#include <stddef.h>

/* Also \u-escape <, > and & and U+2028 / U+2029, as Go's encoding/json
 * does by default (HTML-safe output): what a lock record written by
 * client-go looks like byte for byte. */
#define LE_JSON_GO_HTML_SAFE 1u

/* Escapes s[0..n) for use between the quotes of a JSON string: quote and
 * backslash get a backslash; \n, \r, \t their short forms; every other byte
 * below 0x20 is \u00xx (lower-case hex). Other bytes, DEL and invalid UTF-8
 * included, pass through unchanged, so decoding gives back exactly s.
 *
 * Writes at most cap-1 bytes to buf and a NUL (nothing when cap is 0; buf
 * may then be NULL) and never splits an escape sequence. Returns the length
 * of the whole escaped text, as snprintf does: the output was cut short
 * exactly when the result is >= cap. */
size_t le_json_escape(const char *s, size_t n, char *buf, size_t cap,
		      unsigned flags);

#endif
