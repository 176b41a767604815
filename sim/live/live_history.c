/* sim/live/live_history.c — the adapter between what the harness saw and
 * the simulator's history (include/leaselab/sim.h, docs/history-format.md
 * version 2), so that the checker and the report writer judge a live run
 * exactly as a simulated one. This is the only file of sim/live that knows
 * the history's layout.
 *
 * Events from different sources (pod output, the harness's own actions,
 * the apiserver's committed writes fetched at the end) arrive out of
 * order, and the history takes them in time order only: they are kept
 * here and pushed, sorted stably, by lv_history_finish. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "live_int.h"

/* A pending event and its place in arrival order, which breaks ties
 * between events at the same time (the sort is then stable). */
typedef struct lv_pending {
	sim_event e;
	size_t order;
} lv_pending;

struct lv_history {
	sim_history h;
	lv_pending *ev;          /* pending, in arrival order */
	size_t n, cap;
};

lv_history *lv_history_new(uint64_t seed, double time_scale)
{
	lv_history *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	sim_history_init(&h->h);
	h->h.seed = seed;
	snprintf(h->h.driver, sizeof h->h.driver, "live");
	h->h.time_scale_ppm = (int64_t)llround(time_scale * 1e6);
	return h;
}

void lv_history_free(lv_history *h)
{
	if (!h)
		return;
	sim_history_free(&h->h);
	free(h->ev);
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

static sim_event *append(lv_history *h, int64_t t_ns, sim_ev_kind kind, int32_t pod)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		lv_pending *p = realloc(h->ev, cap * sizeof *p);
		if (!p)
			return NULL;
		h->ev = p;
		h->cap = cap;
	}
	lv_pending *p = &h->ev[h->n];
	p->e = sim_event_make(t_ns, kind, pod);
	p->order = h->n++;
	return &p->e;
}

int lv_history_push(lv_history *h, int64_t t_ns, sim_ev_kind kind, int32_t pod,
		    const char *holder, int32_t fault, int64_t a, int64_t b)
{
	int32_t hid = -1;
	if (holder && *holder && (hid = sim_history_identity(&h->h, holder)) < 0)
		return LE_ENOMEM;
	sim_event *e = append(h, t_ns, kind, pod);
	if (!e)
		return LE_ENOMEM;
	e->holder = hid;
	e->fault = fault;
	switch (kind) {
	case SIM_EV_POD_START:
		e->restarts = (int32_t)a;
		break;
	case SIM_EV_POD_DEATH:
	case SIM_EV_POD_EXIT:
	case SIM_EV_STOPPED_LEADING:
		e->was_leader = a != 0;
		break;
	case SIM_EV_POD_SIGTERM:
		e->grace_period_ns = a;
		break;
	case SIM_EV_CUT:
	case SIM_EV_UNCUT:
		e->direction = (sim_direction)a;
		e->partition = (fa_partition)b;
		break;
	default:
		break;
	}
	return LE_OK;
}

int lv_history_push_write(lv_history *h, int64_t t_ns, int32_t pod,
			  const le_record *rec, int64_t resource_version)
{
	int32_t hid = -1;
	if (rec->holder[0] && (hid = sim_history_identity(&h->h, rec->holder)) < 0)
		return LE_ENOMEM;
	sim_event *e = append(h, t_ns, SIM_EV_LEASE_WRITE, pod);
	if (!e)
		return LE_ENOMEM;
	e->holder = hid;
	e->transitions = rec->transitions;
	e->resource_version = resource_version;
	e->lease_duration_s = rec->lease_duration_s;
	e->has_acquire_time = rec->has_acquire_time;
	e->has_renew_time = rec->has_renew_time;
	e->acquire_wall_ns = rec->acquire_wall_ns;
	e->renew_wall_ns = rec->renew_wall_ns;
	return LE_OK;
}

static int by_time(const void *a, const void *b)
{
	const lv_pending *x = a, *y = b;
	if (x->e.t_ns != y->e.t_ns)
		return (x->e.t_ns > y->e.t_ns) - (x->e.t_ns < y->e.t_ns);
	return (x->order > y->order) - (x->order < y->order);
}

/* A term's fencing token is the lease's transitions when it began: the
 * pod's own last committed write at or before its started-leading. */
static int64_t token_at(const lv_history *h, size_t upto, int32_t pod)
{
	for (size_t i = upto; i-- > 0;) {
		const sim_event *e = &h->ev[i].e;
		if (e->kind == SIM_EV_LEASE_WRITE && e->pod == pod)
			return e->transitions;
	}
	return 0;
}

int lv_history_finish(lv_history *h, int64_t end_ns)
{
	qsort(h->ev, h->n, sizeof *h->ev, by_time);
	int64_t *terms = calloc(h->h.npods ? h->h.npods : 1, sizeof *terms);
	if (!terms)
		return LE_ENOMEM;
	int rc = LE_OK;
	for (size_t i = 0; i < h->n && rc == LE_OK; i++) {
		sim_event *e = &h->ev[i].e;
		if (e->kind == SIM_EV_STARTED_LEADING && e->pod >= 0) {
			e->term = ++terms[e->pod];
			e->token = token_at(h, i, e->pod);
		}
		rc = sim_history_push(&h->h, e);
	}
	free(terms);
	h->h.end_ns = end_ns;
	return rc;
}

const sim_history *lv_history_view(const lv_history *h)
{
	return &h->h;
}
