/* Helpers shared inside libleaselab-io (not part of the public API). */
#ifndef LEASELAB_IO_INTERNAL_H
#define LEASELAB_IO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write s as a JSON string literal (with the quotes) at buf[*n], advancing
 * *n; never writes past cap-1 and keeps buf NUL-terminated. Returns false
 * if it did not fit. */
bool io_json_quote(const char *s, char *buf, size_t cap, size_t *n);

/* Split "host:port", "[v6]:port", ":port" into host (""= any) and port.
 * Returns false on a malformed address. */
bool io_split_hostport(const char *addr, char *host, size_t hostcap, int *port);

/* CLOCK_MONOTONIC in ns (clock.c: the I/O layer is the real-time driver). */
int64_t io_mono_ns(void);

#endif
