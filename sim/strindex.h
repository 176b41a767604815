/* sim/strindex.h — an open-addressing index from strings to ids 1..n, for
 * tables that keep their strings themselves: the history's identities
 * (sim/history.c) and the interned strings of requests in flight
 * (sim/wire.c). A slot holds an id, 0 = empty; cap is a power of two and
 * the caller keeps it at least twice the ids it holds. */
#ifndef LEASELAB_SIM_STRINDEX_H
#define LEASELAB_SIM_STRINDEX_H

#include <stddef.h>
#include <stdint.h>

/* The string of id (1-based) in the caller's table. */
typedef const char *(*sim_strindex_str)(const void *table, uint32_t id);

void sim_strindex_put(uint32_t *slots, size_t cap, uint32_t id, const char *s);
/* The id of s, or 0 when the index does not hold it. */
uint32_t sim_strindex_find(const uint32_t *slots, size_t cap, const char *s,
			   sim_strindex_str str, const void *table);

#endif
