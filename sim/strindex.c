/* sim/strindex.c — see strindex.h. */
#include <string.h>

#include "strindex.h"

static size_t str_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void sim_strindex_put(uint32_t *slots, size_t cap, uint32_t id, const char *s)
{
	size_t m = cap - 1, k = str_hash(s) & m;
	while (slots[k])
		k = (k + 1) & m;
	slots[k] = id;
}

uint32_t sim_strindex_find(const uint32_t *slots, size_t cap, const char *s,
			   sim_strindex_str str, const void *table)
{
	if (cap == 0)
		return 0;
	size_t m = cap - 1;
	for (size_t k = str_hash(s) & m; slots[k]; k = (k + 1) & m)
		if (strcmp(str(table, slots[k]), s) == 0)
			return slots[k];
	return 0;
}
