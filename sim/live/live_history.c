/* sim/live/live_history.c — the adapter between what the harness saw and
 * the simulator's history (include/leaselab/sim.h), so that the checker and
 * the report writer judge a live run exactly as a simulated one. This is
 * the only file of sim/live that knows the history's layout.
 *
 * Events from different sources (pod output, the harness's own actions,
 * the apiserver's committed writes fetched at the end) arrive out of
 * order; lv_history_finish sorts them by time, stably. */
#include <stdlib.h>
#include <string.h>

#include "../sim_engine.h"
#include "live_int.h"

struct lv_history {
	sim_history h;
};

lv_history *lv_history_new(uint64_t seed)
{
	lv_history *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	sim_history_init(&h->h);
	h->h.seed = seed;
	return h;
}

void lv_history_free(lv_history *h)
{
	if (!h)
		return;
	sim_history_free(&h->h);
	free(h);
}

int32_t lv_history_add_pod(lv_history *h, const char *name, const char *identity,
			   int32_t spec, int32_t replaces)
{
	int32_t id = sim_history_identity(&h->h, identity && *identity ? identity : name);
	if (id < 0)
		return LE_ENOMEM;
	return sim_history_add_pod(&h->h, name, id, spec, replaces);
}

int lv_history_set_identity(lv_history *h, int32_t pod, const char *identity)
{
	int32_t id = sim_history_identity(&h->h, identity);
	if (id < 0)
		return LE_ENOMEM;
	h->h.pods[pod].identity = id;
	return LE_OK;
}

int lv_history_push(lv_history *h, int64_t t_ns, sim_ev_kind kind, int32_t pod,
		    const char *holder, int32_t fault, int64_t a, int64_t b)
{
	int32_t hid = -1;
	if (holder && *holder && (hid = sim_history_identity(&h->h, holder)) < 0)
		return LE_ENOMEM;
	return sim_history_push(&h->h, t_ns, kind, pod, hid, fault, a, b, 0, 0);
}

int lv_history_push_write(lv_history *h, int64_t t_ns, int32_t pod,
			  const char *holder, int64_t transitions, int64_t rv,
			  int64_t lease_duration_s, bool acquire_changed)
{
	int32_t hid = -1;
	if (holder && *holder && (hid = sim_history_identity(&h->h, holder)) < 0)
		return LE_ENOMEM;
	return sim_history_push(&h->h, t_ns, SIM_EV_LEASE_WRITE, pod, hid, -1,
				transitions, rv, lease_duration_s, acquire_changed);
}

static int by_time(const void *a, const void *b)
{
	const sim_event *x = a, *y = b;
	if (x->t_ns != y->t_ns)
		return (x->t_ns > y->t_ns) - (x->t_ns < y->t_ns);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void lv_history_finish(lv_history *h, int64_t end_ns)
{
	qsort(h->h.ev, h->h.n, sizeof *h->h.ev, by_time);
	for (size_t i = 0; i < h->h.n; i++)
		h->h.ev[i].seq = i;
	h->h.end_ns = end_ns;
}

const sim_history *lv_history_view(const lv_history *h)
{
	return &h->h;
}
