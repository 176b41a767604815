/* sim/heap.c — the simulator's event queue: a 4-ary min-heap of fixed-size
 * entries ordered by (time, sequence number).
 *
 * 4-ary rather than binary: half the depth, and the four children of a node
 * sit in two adjacent cache lines (32-byte entries), which is what the
 * pop-heavy simulator loop spends its time on. The sequence number makes the
 * order total, so a run never depends on how the heap breaks ties. */
#include <stdlib.h>

#include "leaselab/internal/assert.h"
#include "sim_engine.h"

static inline bool ev_less(const sim_heap_ev *a, const sim_heap_ev *b)
{
	return a->t_ns < b->t_ns || (a->t_ns == b->t_ns && a->seq < b->seq);
}

int sim_heap_init(sim_heap *h, size_t cap)
{
	h->n = 0;
	h->next_seq = 0;
	h->cap = cap ? cap : 64;
	h->v = malloc(h->cap * sizeof *h->v);
	if (!h->v) {
		h->cap = 0;
		return LE_ENOMEM;
	}
	return LE_OK;
}

void sim_heap_free(sim_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int sim_heap_push(sim_heap *h, int64_t t_ns, uint32_t kind, uint32_t node,
		  uint64_t arg)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		sim_heap_ev *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return LE_ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	/* 2^64 pushes do not happen; a wrapped sequence would break ties
	 * against older events. */
	LE_ASSERT(h->next_seq < UINT64_MAX);
	sim_heap_ev ev = {t_ns, h->next_seq++, kind, node, arg};
	size_t i = h->n++, from = i;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!ev_less(&ev, &h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		from = i;
		i = parent;
	}
	h->v[i] = ev;
	/* Heap order on the path just moved: parent <= ev < the entry it
	 * displaced downwards. Two comparisons, not a scan. */
	LE_ASSERT(i == 0 || !ev_less(&ev, &h->v[(i - 1) / 4]));
	LE_ASSERT(from == i || ev_less(&ev, &h->v[from]));
	return LE_OK;
}

bool sim_heap_pop(sim_heap *h, sim_heap_ev *out)
{
	if (h->n == 0)
		return false;
	/* The root is the least of its children, or the pop returns the
	 * wrong event: at most four comparisons. */
	for (size_t c = 1; c < h->n && c <= 4; c++)
		LE_ASSERT(!ev_less(&h->v[c], &h->v[0]));
	*out = h->v[0];
	sim_heap_ev last = h->v[--h->n];
	size_t n = h->n, i = 0;
	if (n == 0)
		return true;
	/* Floyd's pop: move the hole down to a leaf along the least
	 * children, then let `last` (a leaf's entry, so it usually belongs
	 * near the bottom) rise from there. That skips the comparison with
	 * `last` on every level on the way down, the one the CPU cannot
	 * predict. Any valid heap pops the same sequence, since the order is
	 * total: the layout differs, the run does not. */
	for (;;) {
		size_t first = 4 * i + 1;
		if (first >= n)
			break;
		size_t best = first;
		if (first + 4 <= n) {
			/* all four: a tournament of two pairs */
			size_t a = ev_less(&h->v[first + 1], &h->v[first]) ? first + 1 : first;
			size_t b = ev_less(&h->v[first + 3], &h->v[first + 2]) ? first + 3
									  : first + 2;
			best = ev_less(&h->v[b], &h->v[a]) ? b : a;
		} else {
			for (size_t c = first + 1; c < n; c++)
				if (ev_less(&h->v[c], &h->v[best]))
					best = c;
		}
		h->v[i] = h->v[best];
		i = best;
	}
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!ev_less(&last, &h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	h->v[i] = last;
	/* In order with its parent (the rise stopped there). */
	LE_ASSERT(i == 0 || !ev_less(&last, &h->v[(i - 1) / 4]));
	return true;
}

bool sim_heap_check(const sim_heap *h)
{
	if (h->n > h->cap || (h->n > 0 && h->v == NULL))
		return false;
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].seq >= h->next_seq)
			return false;
		if (i > 0 && ev_less(&h->v[i], &h->v[(i - 1) / 4]))
			return false;
	}
	return true;
}
