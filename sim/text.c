/* sim/text.c — see text.h. Blocks double from 1 KB to 256 KB: a 3-pod
 * history takes one small block, 10,000 pods a few large ones. */
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct sim_text {
	struct sim_text *next;
	size_t used, cap;
	char buf[];
};

enum { TEXT_BLOCK_FIRST = 1024, TEXT_BLOCK_MAX = 256 * 1024 };

const char *sim_text_keep(struct sim_text **t, const char *s, size_t max)
{
	size_t n = strnlen(s ? s : "", max - 1);
	struct sim_text *b = *t;
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = b ? b->cap * 2 : TEXT_BLOCK_FIRST;
		if (cap > TEXT_BLOCK_MAX)
			cap = TEXT_BLOCK_MAX;
		if (cap < n + 1)
			cap = n + 1;
		struct sim_text *nb = malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->used = 0;
		nb->cap = cap;
		*t = b = nb;
	}
	char *k = b->buf + b->used;
	memcpy(k, s ? s : "", n);
	k[n] = '\0';
	b->used += n + 1;
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
