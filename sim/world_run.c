/* sim/world_run.c — the top floor of the simulated world: the event loop.
 * It pops events in (true time, sequence) order and hands each to the part
 * that owns it: fault starts and ends to world_faults.c, everything about
 * pods and requests to world.c. Neither calls back up here, and faults act
 * on pods only through world.c's life-cycle functions, so the call graph
 * has no cycle: run -> faults -> world -> base. */
#include <stdio.h>

#include "leaselab/internal/assert.h"
#include "chooser.h"
#include "world_int.h"

/* More events than this at one instant means the run no longer advances. */
#define SIM_SAME_INSTANT_MAX 1000000

static void dispatch(sim_world *w, const sim_heap_ev *ev)
{
	switch (ev->kind) {
	case EV_FAULT_START:
		sim__fault_start(w, (int32_t)ev->arg);
		break;
	case EV_FAULT_END:
		sim__fault_end(w, (int32_t)ev->arg);
		break;
	default:
		sim__node_event(w, ev);
		break;
	}
}

/* What the prefetch takes of an elector: its 552 bytes
 * (elector/elector.c), which the core is private about; a little more or
 * less costs a line, never a wrong result. */
#define ELECTOR_BYTES 576

static void prefetch_node(const sim_node *n)
{
	for (size_t o = 0; o < sizeof *n; o += 64)
		__builtin_prefetch((const char *)n + o);
}

/* The next events' memory is, with 10,000 pods, a cache miss apiece:
 * start fetching it while this event runs. The node of the event after
 * next (the least of the root's children), and the next event's node
 * again with its elector, whose address that node (fetched one event
 * earlier) now gives without a wait. Hints only: nothing is read
 * through them that the run then uses, so runs are the same. */
static void prefetch_ahead(sim_world *w)
{
	const sim_heap_ev *next = sim_heap_peek(&w->heap);
	if (!next || next->node >= w->nnodes)
		return;
	const sim_heap *h = &w->heap;
	const sim_heap_ev *after = NULL;
	if (h->has_front && h->n) /* next is the front, the heap's root after */
		after = &h->v[0];
	for (size_t c = 1; !h->has_front && c <= 4 && c < h->n; c++)
		if (!after || h->v[c].t_ns < after->t_ns ||
		    (h->v[c].t_ns == after->t_ns && h->v[c].seq < after->seq))
			after = &h->v[c];
	if (after && after->node < w->nnodes)
		prefetch_node(w->nodes[after->node]);
	const sim_node *n = w->nodes[next->node];
	prefetch_node(n);
	uint32_t k = next->kind;
	bool slot = k == EV_ARRIVE || k == EV_COMMIT || k == EV_DELIVER ||
		    k == EV_TRIGGER_ARRIVE || k == EV_RESPOND;
	if (slot && next->arg < w->nreqs) {
		const char *r = (const char *)w->reqs[next->arg];
		for (size_t o = 0; o < sizeof(sim_req); o += 64)
			__builtin_prefetch(r + o);
	}
	/* the apiserver's side of a request does not touch the elector */
	if (n->e && (k == EV_TIMER || k == EV_DELIVER))
		for (size_t o = 0; o < ELECTOR_BYTES; o += 64)
			__builtin_prefetch((const char *)n->e + o);
}

int sim_world_run(sim_world *w, char *err, size_t errcap)
{
	if (w->ran) {
		snprintf(err, errcap, "sim_world_run: this world has already run");
		return LE_ESTATE;
	}
	w->ran = true;
	int64_t end = w->sc->duration_ns;
	int64_t last_t = -1;
	uint64_t same = 0;
	sim_heap_ev ev;
	while (w->rc == LE_OK) {
		const sim_heap_ev *top = sim_heap_peek(&w->heap);
		if (!top || top->t_ns > end)
			break;
		if (w->ch && sim__choose_boundary(w->ch)) {
			end = w->now; /* explored from here before: a partial
					 run */
			break;
		}
		sim_heap_pop(&w->heap, &ev);
		/* The next event's node is, with 10,000 of them, a cache miss:
		 * start fetching it now, while this event runs. A hint only:
		 * nothing is read through it, so runs are the same. */
		if (w->big_fleet)
			prefetch_ahead(w);
		/* Handlers only schedule at now or later: simulated time never
		 * goes backwards, and the history relies on it. */
		LE_ASSERT(ev.t_ns >= w->now);
		w->now = ev.t_ns;
		w->h.events_processed++;
		if (ev.t_ns == last_t) {
			if (++same > SIM_SAME_INSTANT_MAX)
				sim__fail(w, LE_ESTATE, "no progress: over %d events at t=%lld ns",
					  SIM_SAME_INSTANT_MAX, (long long)ev.t_ns);
		} else {
			last_t = ev.t_ns;
			same = 0;
		}
		dispatch(w, &ev);
	}
	if (w->heap.oom)
		sim__fail(w, LE_ENOMEM, "out of memory moving events into the event queue");
	w->h.end_ns = end;
	if (w->rc != LE_OK) {
		snprintf(err, errcap, "%s", w->err);
		return w->rc;
	}
	return LE_OK;
}

