/* sim/text.c — see text.h. Blocks double from 1 KB to 256 KB: a 3-pod
 * history takes one small block, 10,000 pods a few large ones. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct sim_text {
	struct sim_text *next;
	size_t used, cap;
	char buf[];
};

enum { TEXT_BLOCK_FIRST = 1024, TEXT_BLOCK_MAX = 256 * 1024 };

/* Room for n bytes at `align` in *t's newest block, a new one if need be
 * (twice the last, at most TEXT_BLOCK_MAX unless n needs more). */
static char *take(struct sim_text **t, size_t n, size_t align)
{
	struct sim_text *b = *t;
	size_t pad = 0;
	if (b)
		pad = (size_t)(-(uintptr_t)(b->buf + b->used) & (align - 1));
	if (!b || b->cap - b->used < pad + n) {
		size_t cap = b ? b->cap * 2 : TEXT_BLOCK_FIRST;
		if (cap > TEXT_BLOCK_MAX)
			cap = TEXT_BLOCK_MAX;
		if (cap < n + align)
			cap = n + align;
		struct sim_text *nb = malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->used = 0;
		nb->cap = cap;
		*t = b = nb;
		pad = (size_t)(-(uintptr_t)b->buf & (align - 1));
	}
	char *k = b->buf + b->used + pad;
	b->used += pad + n;
	return k;
}

const char *sim_text_keep(struct sim_text **t, const char *s, size_t max)
{
	size_t n = strnlen(s ? s : "", max - 1);
	char *k = take(t, n + 1, 1);
	if (!k)
		return NULL;
	memcpy(k, s ? s : "", n);
	k[n] = '\0';
	return k;
}

void *sim_text_alloc(struct sim_text **t, size_t n, size_t align)
{
	char *k = take(t, n, align);
	if (k)
		memset(k, 0, n);
	return k;
}

void sim_text_free(struct sim_text **t)
{
	for (struct sim_text *b = *t, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	*t = NULL;
}
