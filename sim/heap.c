/* sim/heap.c — the simulator's event queue: a 4-ary min-heap of fixed-size
 * entries ordered by (time, sequence number).
 *
 * 4-ary rather than binary: half the depth, and the four children of a node
 * sit in two adjacent cache lines (32-byte entries), which is what the
 * pop-heavy simulator loop spends its time on. The sequence number makes the
 * order total, so a run never depends on how the heap breaks ties.
 *
 * With 10,000 pods the heap holds some 20,000 events, most of them timers
 * seconds ahead, and every pop walks seven levels of cache misses. The
 * calendar (sim_heap_calendar) keeps the heap to the events of the next
 * few tens of milliseconds: an event due later is appended to the bucket
 * of its time, and a bucket enters the heap when time reaches it, so the
 * heap stays in cache and each event costs one append and one small-heap
 * push and pop. The heap then holds exactly the events due before
 * `horizon`, every other one is at or after it, so the heap's least is
 * the least of all: the pop order is the same (t, seq) order.
 *
 * An event pushed while it is earlier than every pending one skips the
 * heap: it waits in the front slot, and the next pop returns it at once.
 * In the article's run half of all events are such (a request's legs,
 * 50 us apart, between timers seconds apart), and each one saves a sift
 * up and a sift down. */
#include <stdlib.h>
#include <string.h>

#include "leaselab/internal/assert.h"
#include "sim_engine.h"

static inline bool ev_less(const sim_heap_ev *a, const sim_heap_ev *b)
{
	return a->t_ns < b->t_ns || (a->t_ns == b->t_ns && a->seq < b->seq);
}

int sim_heap_init(sim_heap *h, size_t cap)
{
	memset(h, 0, sizeof *h);
	h->cap = cap ? cap : 64;
	h->v = malloc(h->cap * sizeof *h->v);
	if (!h->v) {
		h->cap = 0;
		return LE_ENOMEM;
	}
	return LE_OK;
}

/* The calendar's memory given back and its fields zero: width 0, off. */
static void calendar_off(sim_heap *h)
{
	free(h->b);
	free(h->pool);
	free(h->pool_next);
	if (h->far) {
		sim_heap_free(h->far);
		free(h->far);
	}
	h->b = NULL;
	h->pool = NULL;
	h->pool_next = NULL;
	h->far = NULL;
	h->pool_n = h->pool_cap = 0;
	h->free_head = SIM_WAIT_END;
	h->width = h->horizon = 0;
	h->nb = h->cur = h->waiting = 0;
}

void sim_heap_free(sim_heap *h)
{
	free(h->v);
	calendar_off(h);
	memset(h, 0, sizeof *h);
}

/* The hole at i moved up past every ancestor later than ev: where ev
 * goes (the caller stores it). */
static inline size_t rise(sim_heap *h, size_t i, const sim_heap_ev *ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!ev_less(ev, &h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	return i;
}

/* ev (its seq set) into the heap proper. */
static int heap_insert(sim_heap *h, sim_heap_ev ev)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		sim_heap_ev *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return LE_ENOMEM;
		h->v = v;
		h->cap = cap;
	}
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

/* ev into bucket k: its first chunk, or a new one (free or grown). */
static int bucket_add(sim_heap *h, size_t k, const sim_heap_ev *ev)
{
	sim_bucket *b = &h->b[k];
	if (b->head == SIM_WAIT_END || b->n == SIM_WAIT_CHUNK) {
		uint32_t i = h->free_head;
		if (i != SIM_WAIT_END) {
			h->free_head = h->pool_next[i];
		} else {
			if (h->pool_n == h->pool_cap) {
				if (h->pool_cap >= SIM_WAIT_END / 2)
					return LE_ENOMEM;
				uint32_t cap = h->pool_cap ? h->pool_cap * 2 : 64;
				sim_wait *v = realloc(h->pool, cap * sizeof *v);
				if (!v)
					return LE_ENOMEM;
				h->pool = v; /* larger than pool_cap says until both grew */
				uint32_t *nx = realloc(h->pool_next, cap * sizeof *nx);
				if (!nx)
					return LE_ENOMEM;
				h->pool_next = nx;
				h->pool_cap = cap;
			}
			i = h->pool_n++;
		}
		h->pool_next[i] = b->head;
		b->head = i;
		b->n = 0;
	}
	h->pool[b->head].ev[b->n++] = *ev;
	return LE_OK;
}

/* Bucket k's events into the heap, its chunks freed. */
static int bucket_drain(sim_heap *h, size_t k)
{
	sim_bucket *b = &h->b[k];
	while (b->head != SIM_WAIT_END) {
		uint32_t c = b->head;
		sim_wait *w = &h->pool[c];
		while (b->n) {
			if (heap_insert(h, w->ev[b->n - 1]) != LE_OK)
				return LE_ENOMEM;
			b->n--;
			h->waiting--;
		}
		b->head = h->pool_next[c];
		b->n = b->head == SIM_WAIT_END ? 0 : SIM_WAIT_CHUNK;
		h->pool_next[c] = h->free_head;
		h->free_head = c;
	}
	return LE_OK;
}

/* The end of the calendar's window: buckets cover [horizon, end). The
 * calendar is flattened before the window could pass INT64_MAX (refill). */
static int64_t window_end(const sim_heap *h)
{
	return h->horizon + (int64_t)h->nb * h->width;
}

/* The horizon past which the window would overflow. */
static int64_t horizon_max(const sim_heap *h)
{
	return INT64_MAX - ((int64_t)h->nb + 2) * h->width;
}

/* ev where it waits: the heap (before horizon), its bucket, or far. */
static int place(sim_heap *h, const sim_heap_ev *ev)
{
	if (!h->width || ev->t_ns < h->horizon)
		return heap_insert(h, *ev);
	int rc;
	if (ev->t_ns < window_end(h))
		rc = bucket_add(h, (h->cur + (size_t)((ev->t_ns - h->horizon) / h->width)) % h->nb,
				ev);
	else
		rc = heap_insert(h->far, *ev);
	h->waiting += rc == LE_OK;
	return rc;
}

/* Whether ev, just pushed, is earlier than every pending event. Its seq
 * is the largest yet, so only a strictly earlier time is earlier. With
 * the calendar and an empty heap the buckets' least is not known, but
 * every one of them is at or after horizon. */
static bool before_all(const sim_heap *h, const sim_heap_ev *ev)
{
	if (h->flat)
		return false;
	if (h->has_front)
		return ev->t_ns < h->front.t_ns;
	if (h->n)
		return ev->t_ns < h->v[0].t_ns;
	return !h->width || ev->t_ns < h->horizon;
}

int sim_heap_push(sim_heap *h, int64_t t_ns, uint32_t kind, uint32_t node,
		  uint64_t arg)
{
	/* 2^64 pushes do not happen; a wrapped sequence would break ties
	 * against older events. */
	LE_ASSERT(h->next_seq < UINT64_MAX);
	sim_heap_ev ev = {t_ns, h->next_seq, kind, node, arg};
	int rc = LE_OK;
	if (!before_all(h, &ev)) {
		rc = place(h, &ev);
	} else {
		/* the front it displaces is still earlier than the rest */
		if (h->has_front)
			rc = place(h, &h->front);
		if (rc == LE_OK) {
			h->front = ev;
			h->has_front = true;
		}
	}
	h->next_seq += rc == LE_OK;
	return rc;
}

static bool is_ev(const sim_heap_ev *ev, uint32_t kind, uint32_t node,
		  uint64_t arg)
{
	return ev->kind == kind && ev->node == node && ev->arg == arg;
}

bool sim_heap_advance(sim_heap *h, uint32_t kind, uint32_t node, uint64_t arg,
		      int64_t t_ns)
{
	LE_ASSERT(h->next_seq < UINT64_MAX);
	if (h->flat)
		return false;
	if (h->has_front && is_ev(&h->front, kind, node, arg)) {
		/* earlier than the earliest: still the earliest */
		LE_ASSERT(t_ns < h->front.t_ns);
		h->front.t_ns = t_ns;
		h->front.seq = h->next_seq++;
		return true;
	}
	if (h->width || h->n > SIM_HEAP_SCAN)
		return false;
	size_t i = 0;
	while (i < h->n && !is_ev(&h->v[i], kind, node, arg))
		i++;
	if (i == h->n)
		return false;
	LE_ASSERT(t_ns < h->v[i].t_ns);
	sim_heap_ev ev = h->v[i];
	ev.t_ns = t_ns;
	ev.seq = h->next_seq++;
	i = rise(h, i, &ev); /* a smaller key: up towards the root */
	h->v[i] = ev;
	if (h->has_front && i == 0 && ev_less(&ev, &h->front)) {
		/* it passed the front: they trade places (the old front is at
		 * or before every event in the heap, so it is a root) */
		h->v[0] = h->front;
		h->front = ev;
	}
	return true;
}

size_t sim_heap_len(const sim_heap *h)
{
	return h->n + h->has_front + h->waiting;
}

static bool heap_take(sim_heap *h, sim_heap_ev *out);

/* Until the heap holds something or nothing waits: the current bucket
 * into the heap and the window one bucket on, and far events the window
 * now reaches into their buckets. With nothing in the buckets the window
 * jumps to the first far event. LE_ENOMEM leaves what was not moved where
 * it was (nothing is lost; the caller fails the run). */
static int refill(sim_heap *h)
{
	while (h->n == 0 && h->waiting) {
		int64_t t = h->waiting == h->far->n ? h->far->v[0].t_ns : h->horizon;
		if (t >= horizon_max(h) || h->horizon >= horizon_max(h))
			return sim_heap_flatten(h); /* near the end of time: one heap */
		if (h->waiting == h->far->n) /* every bucket is empty: jump */
			h->horizon += (t - h->horizon) / h->width * h->width;
		if (bucket_drain(h, h->cur) != LE_OK)
			return LE_ENOMEM;
		h->horizon += h->width;
		h->cur = (h->cur + 1) % h->nb;
		while (h->far->n && h->far->v[0].t_ns < window_end(h)) {
			sim_heap_ev ev = h->far->v[0];
			h->waiting--;
			if (place(h, &ev) != LE_OK) {
				h->waiting++;
				return LE_ENOMEM;
			}
			heap_take(h->far, &ev);
		}
	}
	return LE_OK;
}

int sim_heap_calendar(sim_heap *h, int64_t width_ns, size_t nb)
{
	if (h->n || h->has_front || h->width)
		return LE_ESTATE;
	if (width_ns <= 0 || nb == 0 || width_ns > INT64_MAX / 4 / (int64_t)nb)
		return LE_EINVAL;
	if (nb > SIZE_MAX / sizeof *h->b)
		return LE_EINVAL;
	h->b = malloc(nb * sizeof *h->b);
	h->far = calloc(1, sizeof *h->far);
	if (!h->b || !h->far || sim_heap_init(h->far, 64) != LE_OK) {
		calendar_off(h);
		return LE_ENOMEM;
	}
	for (size_t k = 0; k < nb; k++)
		h->b[k] = (sim_bucket){SIM_WAIT_END, 0};
	h->free_head = SIM_WAIT_END;
	h->width = width_ns;
	h->nb = nb;
	h->cur = 0;
	h->horizon = 0;
	h->waiting = 0;
	return LE_OK;
}

int sim_heap_flatten(sim_heap *h)
{
	h->flat = true;
	if (h->has_front) {
		if (heap_insert(h, h->front) != LE_OK)
			return LE_ENOMEM;
		h->has_front = false;
	}
	if (!h->width)
		return LE_OK;
	for (size_t k = 0; k < h->nb; k++)
		if (bucket_drain(h, k) != LE_OK)
			return LE_ENOMEM;
	sim_heap_ev ev;
	while (h->far->n) {
		if (heap_insert(h, h->far->v[0]) != LE_OK)
			return LE_ENOMEM;
		heap_take(h->far, &ev);
		h->waiting--;
	}
	calendar_off(h);
	return LE_OK;
}

const sim_heap_ev *sim_heap_peek(sim_heap *h)
{
	if (h->has_front)
		return &h->front;
	if (h->n == 0 && h->width && (h->oom || refill(h) != LE_OK)) {
		h->oom = true;
		return NULL;
	}
	return h->n ? &h->v[0] : NULL;
}

bool sim_heap_pop(sim_heap *h, sim_heap_ev *out)
{
	if (h->has_front) {
		*out = h->front;
		h->has_front = false;
		return true;
	}
	if (h->n == 0 && h->width && (h->oom || refill(h) != LE_OK)) {
		h->oom = true;
		return false;
	}
	return heap_take(h, out);
}

static bool heap_take(sim_heap *h, sim_heap_ev *out)
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
	i = rise(h, i, &last);
	h->v[i] = last;
	/* In order with its parent (the rise stopped there). */
	LE_ASSERT(i == 0 || !ev_less(&last, &h->v[(i - 1) / 4]));
	return true;
}

static bool order_ok(const sim_heap *h, uint64_t next_seq)
{
	if (h->n > h->cap || (h->n > 0 && h->v == NULL))
		return false;
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].seq >= next_seq)
			return false;
		if (i > 0 && ev_less(&h->v[i], &h->v[(i - 1) / 4]))
			return false;
	}
	return true;
}

bool sim_heap_check(const sim_heap *h)
{
	if (!order_ok(h, h->next_seq))
		return false;
	/* the front: handed out, before the heap's least and the buckets' */
	if (h->has_front &&
	    (h->flat || h->front.seq >= h->next_seq ||
	     (h->n && !ev_less(&h->front, &h->v[0])) ||
	     (h->width && h->front.t_ns >= h->horizon)))
		return false;
	if (!h->width)
		return true;
	size_t waiting = h->far->n;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].t_ns >= h->horizon)
			return false;
	for (size_t k = 0; k < h->nb; k++) {
		int64_t lo = h->horizon + (int64_t)k * h->width;
		size_t len = 0;
		size_t chunks = 0;
		const sim_bucket *b = &h->b[(h->cur + k) % h->nb];
		if (b->n > SIM_WAIT_CHUNK || (b->head == SIM_WAIT_END && b->n))
			return false;
		for (uint32_t c = b->head, n = b->n; c != SIM_WAIT_END;
		     c = h->pool_next[c], n = SIM_WAIT_CHUNK) {
			if (c >= h->pool_n || ++chunks > h->pool_n)
				return false;
			for (uint32_t i = 0; i < n; i++, len++) {
				const sim_heap_ev *ev = &h->pool[c].ev[i];
				if (ev->t_ns < lo || ev->t_ns >= lo + h->width || ev->seq >= h->next_seq)
					return false;
			}
		}
		waiting += len;
	}
	for (size_t i = 0; i < h->far->n; i++)
		if (h->far->v[i].t_ns < window_end(h))
			return false;
	return waiting == h->waiting && order_ok(h->far, h->next_seq);
}
