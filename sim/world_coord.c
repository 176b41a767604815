/* sim/world_coord.c — coordinated leader election in the simulated world
 * (docs/coordinated.md): the election controller as an actor on the
 * store's side, and each coordinated pod's LeaseCandidate publisher
 * (le_cand). Both are the sans-IO machines the real drivers use; this file
 * carries out their requests against the world's store.
 *
 * Modelled: the controller's own timing (its workqueue's requeues, the
 * ping wait, the GC) and the candidates' (5-minute renewals, ping answers,
 * back-off); the scenario's `controller:` block gives the controller a
 * clock of its own (offset and rate), a latency on each leg of its writes,
 * GETs and GC deletes, and an informer lag (a Lease or LeaseCandidate change
 * reaches its event handlers that late). Its listers are local reads of the
 * store as it is when it reads them. Not modelled: latency on the
 * candidates' own requests (they commit at the instant they are made).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "leaselab/election.h"
#include "chooser.h"
#include "world_int.h"

#define COORD_ROUNDS_MAX 64 /* request/event rounds at one instant */

/* A change the controller's informers have not delivered yet. */
typedef struct coord_note {
	int64_t at;	       /* true time it reaches the handlers */
	uint32_t epoch;	       /* the controller instance it was sent to */
	bool lease;	       /* the Lease changed (else a candidate) */
	le_lease_candidate c;  /* the candidate as the change left it */
} coord_note;

/* A controller request in flight (controller.latency). */
typedef struct coord_call {
	bool used;
	bool answered;	       /* committed; the answer is on its way */
	uint32_t epoch;	       /* an answer to a restarted controller is lost */
	fa_election_request r;
	int status;	       /* the store's answer */
	bool present;	       /* LEASE_GET: a record came back */
	le_record lease;
	char rv[LE_RV_MAX];
} coord_call;

struct sim_coord {
	fa_election *e;	  /* NULL while a controller-restart has it down */
	bool paused;	  /* controller-pause: runs nothing, events queue */
	uint32_t gen;	  /* the live EV_COORD entry's generation */
	int64_t timer_at; /* its time, NO_TIME if none */
	bool pump_queued; /* an EV_COORD_PUMP at now is queued */
	le_lease_candidate *view;
	char (*view_rv)[LE_RV_MAX];
	size_t view_cap;
	sim_clock clock;  /* its kube-apiserver's clocks */
	fa_rng rng;	  /* its latency draws */
	uint32_t epoch;	  /* controller instances started so far */
	coord_note *notes; /* informer lag: FIFO, notes[note_head, nnotes) */
	size_t note_head, nnotes, notes_cap;
	coord_call *calls; /* controller.latency: requests in flight */
	size_t ncalls;
};

/* The controller's clocks. Its monotonic clock reads true time (plus its
 * rate's drift) from 0, as it did before it had a clock of its own. */
static le_time ctl_time(const sim_world *w)
{
	return (le_time){sim_clock_mono_ns(&w->coord->clock, w->now),
			 sim_clock_wall_ns(&w->coord->clock, w->now)};
}

static le_time pod_time(const sim_node *n, int64_t t)
{
	return (le_time){sim_clock_mono_ns(&n->clock, t),
			 sim_clock_wall_ns(&n->clock, t)};
}

static const char *lock_ns(const sim_world *w)
{
	return w->sc->defaults.lock_namespace;
}
static const char *lock_name(const sim_world *w)
{
	return w->sc->defaults.lock_name;
}

bool sim__coord_enabled(const sim_scenario *sc)
{
	for (size_t i = 0; i < sc->npods; i++)
		if (sc->pods[i].coordinated)
			return true;
	return false;
}

/* ---- the store ------------------------------------------------------------
 */

/* The candidate's object as the store holds it, and its rv. */
static bool cand_get(sim_world *w, const char *name, le_lease_candidate *out,
		     char *rv)
{
	fa_status st;
	cJSON *o = fa_store_get_json(w->store, FA_RES_LEASECANDIDATES,
				     lock_ns(w), name, &st);
	if (!o)
		return false;
	char err[128];
	bool ok =
	    le_lease_candidate_from_json(o, out, err, sizeof err) == LE_OK;
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	const cJSON *r =
	    cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	snprintf(rv, LE_RV_MAX, "%s", cJSON_IsString(r) ? r->valuestring : "");
	cJSON_Delete(o);
	return ok;
}

static sim_node *node_named(sim_world *w, const char *name)
{
	for (size_t i = 0; i < w->nnodes; i++)
		if (!strcmp(w->nodes[i]->identity, name))
			return w->nodes[i];
	return NULL;
}

static void cand_requests(sim_world *w, sim_node *n);

static void schedule_pump(sim_world *w)
{
	if (w->coord->pump_queued)
		return;
	w->coord->pump_queued = true;
	sim__push(w, w->now, EV_COORD_PUMP, 0, 0);
}

/* ---- the controller's informers ---------------------------------------------
 * With no informerLag a change is handed to the controller at once, as
 * before the lag existed; with one, it is queued and handed over that much
 * later (the changes keep their order: the lag is the same for all). */

static bool note_push(sim_world *w, bool lease, const le_lease_candidate *c)
{
	struct sim_coord *co = w->coord;
	/* the delivered notes at the front make room: a FIFO that is never
	 * empty (a change each round trip, under a lag) must not grow */
	if (co->note_head > 0 && co->nnotes == co->notes_cap) {
		co->nnotes -= co->note_head;
		memmove(co->notes, co->notes + co->note_head,
			co->nnotes * sizeof *co->notes);
		co->note_head = 0;
	}
	if (co->nnotes == co->notes_cap) {
		size_t cap = co->notes_cap ? co->notes_cap * 2 : 16;
		coord_note *v = realloc(co->notes, cap * sizeof *v);
		if (!v) {
			sim__fail(w, LE_ENOMEM,
				  "out of memory for the controller's informer");
			return false;
		}
		co->notes = v;
		co->notes_cap = cap;
	}
	coord_note *nt = &co->notes[co->nnotes++];
	memset(nt, 0, sizeof *nt);
	nt->at = w->now + w->sc->controller.informer_lag_ns;
	nt->epoch = co->epoch;
	nt->lease = lease;
	if (c)
		nt->c = *c;
	sim__push(w, nt->at, EV_COORD_NOTE, 0, 0);
	return true;
}

static void notify_lease(sim_world *w)
{
	fa_election *e = w->coord->e;
	if (w->sc->controller.informer_lag_ns > 0)
		note_push(w, true, NULL);
	else if (e)
		fa_election_on_lease_event(e, ctl_time(w), lock_ns(w),
					   lock_name(w));
}

static void notify_candidate(sim_world *w, const le_lease_candidate *c)
{
	fa_election *e = w->coord->e;
	if (w->sc->controller.informer_lag_ns > 0)
		note_push(w, false, c);
	else if (e)
		fa_election_on_candidate_event(e, ctl_time(w), c);
}

/* Hand over every note due by now, to the instance it was sent to. */
static void notes_due(sim_world *w)
{
	struct sim_coord *co = w->coord;
	while (co->note_head < co->nnotes &&
	       co->notes[co->note_head].at <= w->now) {
		const coord_note *nt = &co->notes[co->note_head++];
		if (!co->e || nt->epoch != co->epoch)
			continue; /* a restarted controller lists afresh */
		if (nt->lease)
			fa_election_on_lease_event(co->e, ctl_time(w),
						   lock_ns(w), lock_name(w));
		else
			fa_election_on_candidate_event(co->e, ctl_time(w),
						       &nt->c);
	}
}

/* A candidate object changed: the controller's informer hears of it
 * (notify_candidate), its own pod's one network leg later. `gone`: the
 * object a DELETE removed (NULL for the GC's, whose own pass the
 * controller needs no event for). */
static void cand_changed(sim_world *w, const char *name, bool deleted,
			 const le_lease_candidate *gone)
{
	le_lease_candidate c;
	char rv[LE_RV_MAX];
	sim_node *n = node_named(w, name);
	if (!deleted && cand_get(w, name, &c, rv))
		notify_candidate(w, &c);
	if (deleted && gone)
		notify_candidate(w, gone);
	/* the pod's own informer sees it one network leg later (a renewTime
	 * written in answer to a ping is then later than the pingTime) */
	if (n && n->cand) {
		sim_leg leg;
		sim_net_leg(w->sc, n->netf, n->nnetf, SIM_DIR_FROM,
			    &w->sc->latency_from, &n->net_rng, w->ch, &leg);
		sim__push(w, w->now + leg.delay_ns, EV_COORD_WATCH,
			  (uint32_t)n->pod, n->inc);
	}
	schedule_pump(w);
}

/* The pod's candidate informer catches up with the store. */
static void cand_watch(sim_world *w, sim_node *n, uint64_t inc)
{
	if (!n->cand || n->inc != inc)
		return;
	le_lease_candidate c;
	char rv[LE_RV_MAX];
	le_time t = pod_time(n, w->now);
	if (cand_get(w, n->identity, &c, rv))
		le_cand_on_observed(n->cand, t, LE_CAND_EV_UPDATE, &c, rv);
	else
		le_cand_on_observed(n->cand, t, LE_CAND_EV_DELETE, NULL, NULL);
	cand_requests(w, n);
	schedule_pump(w);
}

static int cand_write(sim_world *w, const le_lease_candidate *c, const char *rv,
		      bool create, const char *who, int64_t wall_ns)
{
	cJSON *body = le_lease_candidate_to_json(c);
	if (!body) {
		sim__fail(w, LE_ENOMEM, "out of memory for a LeaseCandidate");
		return 0;
	}
	if (!create) {
		cJSON *md = cJSON_GetObjectItemCaseSensitive(body, "metadata");
		cJSON_AddStringToObject(md, "resourceVersion", rv);
	}
	fa_status st;
	cJSON *res =
	    create ? fa_store_create_json(w->store, FA_RES_LEASECANDIDATES,
					  lock_ns(w), body, who, wall_ns, &st)
		   : fa_store_update_json(w->store, FA_RES_LEASECANDIDATES,
					  lock_ns(w), c->name, body, who,
					  wall_ns, &st);
	cJSON_Delete(body);
	int status = res ? (create ? 201 : 200) : st.code;
	cJSON_Delete(res);
	return status;
}

/* ---- the controller ---------------------------------------------------------
 */

static void record_controller_write(sim_world *w, const le_record *rec)
{
	int32_t holder = rec->holder_set && rec->holder[0]
			     ? sim_history_identity(&w->h, rec->holder)
			     : -1;
	if (holder < -1) {
		sim__fail(w, LE_ENOMEM, "out of memory for an identity");
		return;
	}
	sim_event e = sim__lease_write_event(w, -1, holder, rec);
	if (rec->preferred_holder[0]) {
		int32_t p = sim_history_identity(&w->h, rec->preferred_holder);
		if (p < 0) {
			sim__fail(w, LE_ENOMEM, "out of memory for an identity");
			return;
		}
		e.has_preferred = true;
		e.preferred = p;
	}
	sim__record(w, &e);
}

static void ctl_view(sim_world *w, uint64_t id)
{
	struct sim_coord *co = w->coord;
	fa_lock_scratch scratch;
	le_response resp;
	fa_store_lock_get(w->store, FA_RES_LEASES, lock_ns(w), lock_name(w),
			  &scratch, &resp);
	const le_record *lease =
	    resp.status == 200 && resp.record_present ? resp.record : NULL;
	if (w->nnodes > co->view_cap) { /* replacements are new pods */
		size_t cap = w->nnodes * 2;
		le_lease_candidate *v = realloc(co->view, cap * sizeof *v);
		if (v)
			co->view = v;
		char(*rv)[LE_RV_MAX] = realloc(co->view_rv, cap * sizeof *rv);
		if (rv)
			co->view_rv = rv;
		if (!v || !rv) {
			sim__fail(w, LE_ENOMEM,
				  "out of memory for the controller's view");
			return;
		}
		co->view_cap = cap;
	}
	size_t n = 0;
	for (size_t i = 0; i < w->nnodes && n < co->view_cap; i++) {
		if (cand_get(w, w->nodes[i]->identity, &co->view[n],
			     co->view_rv[n]))
			n++;
	}
	fa_election_view v = {lock_ns(w),
			      lock_name(w),
			      lease,
			      co->view,
			      (const char(*)[LE_RV_MAX])co->view_rv,
			      n};
	fa_election_on_view(co->e, ctl_time(w), id, &v);
}

/* The store's side of a controller request: the write, GET or GC delete
 * happens now; what it answered is kept in k for ctl_answer. The Lease
 * write's own event and a pinged candidate's change are left to the caller
 * (k->wrote), which orders them against the answer. */
static void ctl_commit(sim_world *w, coord_call *k)
{
	const fa_election_request *r = &k->r;
	le_time now = ctl_time(w);
	fa_lock_scratch scratch;
	le_response resp;
	k->answered = true;
	switch (r->op) {
	case FA_ELOP_VIEW: break; /* a lister read: ctl_view, never here */
	case FA_ELOP_PING:
		k->status =
		    cand_write(w, &r->candidate, r->resource_version, false,
			       "leader-election-controller", now.wall_ns);
		break;
	case FA_ELOP_LEASE_CREATE:
	case FA_ELOP_LEASE_UPDATE:
		if (r->op == FA_ELOP_LEASE_CREATE)
			fa_store_lock_create(w->store, FA_RES_LEASES,
					     r->namespace_, r->name, &r->lease,
					     "leader-election-controller",
					     now.wall_ns, &scratch, &resp);
		else
			fa_store_lock_update(w->store, FA_RES_LEASES,
					     r->namespace_, r->name, &r->lease,
					     r->resource_version,
					     "leader-election-controller",
					     now.wall_ns, &scratch, &resp);
		k->status = resp.status;
		if ((resp.status == 200 || resp.status == 201) && resp.record)
			record_controller_write(w, resp.record);
		break;
	case FA_ELOP_LEASE_GET:
		fa_store_lock_get(w->store, FA_RES_LEASES, r->namespace_,
				  r->name, &scratch, &resp);
		k->status = resp.status;
		k->present = resp.record_present && resp.record;
		if (k->present)
			k->lease = *resp.record;
		snprintf(k->rv, sizeof k->rv, "%s",
			 resp.resource_version ? resp.resource_version : "");
		break;
	case FA_ELOP_GC:
		for (size_t i = 0; i < w->nnodes; i++) {
			le_lease_candidate c;
			char rv[LE_RV_MAX];
			const char *name = w->nodes[i]->identity;
			if (!cand_get(w, name, &c, rv) ||
			    !fa_election_candidate_expired(&c, now.wall_ns))
				continue;
			fa_status st;
			cJSON *gone = fa_store_delete_json(
			    w->store, FA_RES_LEASECANDIDATES, lock_ns(w), name,
			    NULL, NULL, "leader-election-controller",
			    now.wall_ns, &st);
			if (gone)
				cand_changed(w, name, true, NULL);
			cJSON_Delete(gone);
		}
		k->status = 200;
		break;
	}
}

/* What the request's write changed, as the informers report it. */
static void ctl_written(sim_world *w, const coord_call *k)
{
	if (k->r.op == FA_ELOP_PING && k->status == 200)
		cand_changed(w, k->r.candidate.name, false, NULL);
	if ((k->r.op == FA_ELOP_LEASE_CREATE ||
	     k->r.op == FA_ELOP_LEASE_UPDATE) &&
	    (k->status == 200 || k->status == 201))
		notify_lease(w);
}

static void ctl_answer(sim_world *w, const coord_call *k)
{
	fa_election *e = w->coord->e;
	le_time now = ctl_time(w);
	if (k->r.op == FA_ELOP_LEASE_GET)
		fa_election_on_lease(e, now, k->r.id, k->status,
				     k->present ? &k->lease : NULL, k->rv);
	else
		fa_election_on_response(e, now, k->r.id, k->status);
}

/* One leg, through the chooser seam as a pod's legs are (seeded without
 * a chooser; prove's timing choices see it). */
static int64_t ctl_leg(sim_world *w)
{
	return sim_choose_latency(w->ch, &w->sc->controller.latency,
				  &w->coord->rng);
}

static void ctl_request(sim_world *w, const fa_election_request *r)
{
	struct sim_coord *co = w->coord;
	if (r->op == FA_ELOP_VIEW) {
		ctl_view(w, r->id);
		return;
	}
	if (w->sc->controller.latency.kind == FA_LAT_NONE) {
		/* at once: the answer first, then the write's events */
		coord_call k = {.used = true, .epoch = co->epoch, .r = *r};
		ctl_commit(w, &k);
		ctl_answer(w, &k);
		ctl_written(w, &k);
		return;
	}
	size_t slot = 0;
	while (slot < co->ncalls && co->calls[slot].used)
		slot++;
	if (slot == co->ncalls) {
		size_t cap = co->ncalls ? co->ncalls * 2 : 8;
		coord_call *v = realloc(co->calls, cap * sizeof *v);
		if (!v) {
			sim__fail(w, LE_ENOMEM,
				  "out of memory for the controller's requests");
			return;
		}
		memset(v + co->ncalls, 0, (cap - co->ncalls) * sizeof *v);
		co->calls = v;
		co->ncalls = cap;
	}
	coord_call *k = &co->calls[slot];
	memset(k, 0, sizeof *k);
	k->used = true;
	k->epoch = co->epoch;
	k->r = *r;
	sim__push(w, w->now + ctl_leg(w), EV_COORD_CALL, 0, slot);
}

/* A call's leg is over: the request reaches the store, or the answer the
 * controller (dropped when the controller that asked is gone). */
static void ctl_call_event(sim_world *w, size_t slot)
{
	struct sim_coord *co = w->coord;
	coord_call *k = &co->calls[slot];
	if (!k->answered) {
		ctl_commit(w, k);
		ctl_written(w, k);
		sim__push(w, w->now + ctl_leg(w), EV_COORD_CALL, 0, slot);
		return;
	}
	if (co->e && k->epoch == co->epoch)
		ctl_answer(w, k);
	k->used = false;
	schedule_pump(w);
}

/* ---- the candidates
 * ---------------------------------------------------------- */

static void cand_requests(sim_world *w, sim_node *n)
{
	le_cand_request r;
	while (n->cand && !n->paused && le_cand_next_request(n->cand, &r)) {
		le_time t = pod_time(n, w->now);
		int status =
		    cand_write(w, &r.object, r.resource_version,
			       r.op == LE_CAND_CREATE, n->identity, t.wall_ns);
		le_cand_on_response(n->cand, t, r.id, status);
		if (status == 200 || status == 201)
			cand_changed(w, r.object.name, false, NULL);
	}
}

/* Everything due at now, until nothing more comes; then one timer. */
static void pump(sim_world *w)
{
	struct sim_coord *co = w->coord;
	co->pump_queued = false;
	for (int round = 0; round < COORD_ROUNDS_MAX && w->rc == LE_OK;
	     round++) {
		bool any = false;
		fa_election_request r;
		if (co->e && !co->paused) {
			fa_election_on_timer(co->e, ctl_time(w));
			while (co->e && fa_election_next_request(co->e, &r)) {
				ctl_request(w, &r);
				any = true;
			}
		}
		for (size_t i = 0; i < w->nnodes; i++) {
			sim_node *n = w->nodes[i];
			if (!n->cand || n->paused)
				continue;
			le_cand_on_timer(n->cand, pod_time(n, w->now));
			cand_requests(w, n);
		}
		if (!any && !co->pump_queued)
			break;
		co->pump_queued = false;
	}
	/* the next timer: the controller's, and every running candidate's (a
	 * candidate's monotonic deadline read on its node's clock) */
	int64_t at = INT64_MAX;
	if (co->e && !co->paused) {
		int64_t d = fa_election_next_deadline(co->e);
		if (d != INT64_MAX)
			at = sim_clock_true_at_mono(&co->clock, d);
	}
	for (size_t i = 0; i < w->nnodes; i++) {
		sim_node *n = w->nodes[i];
		if (!n->cand || n->paused)
			continue;
		int64_t d = le_cand_next_deadline(n->cand);
		if (d == INT64_MAX)
			continue;
		int64_t t = sim_clock_true_at_mono(&n->clock, d);
		if (t < at)
			at = t;
	}
	if (at < w->now)
		at = w->now;
	if (at != co->timer_at) {
		co->gen++;
		co->timer_at = at;
		if (at != NO_TIME && at != INT64_MAX)
			sim__push(w, at, EV_COORD, 0, co->gen);
	}
}

/* ---- hooks for world.c
 * ----------------------------------------------------------- */

int sim__coord_init(sim_world *w)
{
	if (!sim__coord_enabled(w->sc))
		return LE_OK;
	struct sim_coord *co = calloc(1, sizeof *co);
	if (!co)
		return LE_ENOMEM;
	w->coord = co;
	co->e = fa_election_new();
	co->view_cap = w->sc->npods < FA_ELECTION_CANDIDATES_MAX
			   ? w->sc->npods
			   : FA_ELECTION_CANDIDATES_MAX;
	co->view = calloc(co->view_cap ? co->view_cap : 1, sizeof *co->view);
	co->view_rv =
	    calloc(co->view_cap ? co->view_cap : 1, sizeof *co->view_rv);
	co->timer_at = NO_TIME;
	const sim_controller_spec *cs = &w->sc->controller;
	sim_clock_init(&co->clock, w->now, cs->clock_offset_ns,
		       cs->clock_rate_ppm);
	co->clock.base_mono_ns = w->now;
	sim_rng_stream(&co->rng, w->seed, SIM_STREAM_CONTROLLER, 0);
	if (!co->e || !co->view || !co->view_rv)
		return LE_ENOMEM;
	/* kube-apiserver is up from the start: nothing to list yet */
	fa_election_start(co->e, ctl_time(w), NULL, 0);
	schedule_pump(w);
	return LE_OK;
}

void sim__coord_free(sim_world *w)
{
	struct sim_coord *co = w->coord;
	if (!co)
		return;
	fa_election_free(co->e);
	free(co->view);
	free(co->view_rv);
	free(co->notes);
	free(co->calls);
	free(co);
	w->coord = NULL;
}

void sim__coord_lease_written(sim_world *w)
{
	if (!w->coord)
		return;
	notify_lease(w);
	schedule_pump(w);
}

void sim__coord_node_started(sim_world *w, sim_node *n)
{
	if (!w->coord || !n->ps->coordinated)
		return;
	const sim_pod_spec *ps = n->ps;
	bool up = w->now >= ps->upgrade_at_ns;
	le_cand_config cc = {
	    .name = n->identity,
	    .namespace_ = lock_ns(w),
	    .lease_name = lock_name(w),
	    .binary_version =
		up ? ps->upgrade_binary_version : ps->binary_version,
	    .emulation_version =
		up ? ps->upgrade_emulation_version : ps->emulation_version,
	};
	char err[LE_ERRMSG_MAX];
	le_cand_free(n->cand);
	n->cand = le_cand_new(&cc, err, sizeof err);
	if (!n->cand) {
		sim__fail(w, LE_EINVAL,
			  "pod %s: cannot start its candidate: %s",
			  sim__node_name(w, n), err);
		return;
	}
	/* its informer's initial list: the object a previous run left */
	le_lease_candidate c;
	char rv[LE_RV_MAX];
	le_time t = pod_time(n, w->now);
	if (cand_get(w, n->identity, &c, rv))
		le_cand_on_observed(n->cand, t, LE_CAND_EV_ADD, &c, rv);
	le_cand_start(n->cand, t);
	schedule_pump(w);
}

void sim__coord_node_stopped(sim_world *w, sim_node *n)
{
	le_cand_free(n->cand);
	n->cand = NULL;
	if (w->coord)
		schedule_pump(w);
}

void sim__coord_kick(sim_world *w)
{
	if (w->coord)
		schedule_pump(w);
}

void sim__coord_event(sim_world *w, const sim_heap_ev *ev)
{
	if (!w->coord)
		return;
	if (ev->kind == EV_COORD_WATCH) {
		cand_watch(w, w->nodes[ev->node], ev->arg);
		return;
	}
	if (ev->kind == EV_COORD_NOTE) {
		notes_due(w);
		schedule_pump(w);
		return;
	}
	if (ev->kind == EV_COORD_CALL) {
		ctl_call_event(w, (size_t)ev->arg);
		return;
	}
	if (ev->kind == EV_COORD) {
		if (ev->arg != w->coord->gen)
			return; /* superseded */
		w->coord->timer_at = NO_TIME;
	}
	pump(w);
}

/* ---- faults (world_faults.c) ------------------------------------------------
 */

bool sim__coord_delete_candidate(sim_world *w, sim_node *n)
{
	le_lease_candidate c;
	char rv[LE_RV_MAX];
	if (!w->coord || !cand_get(w, n->identity, &c, rv))
		return false;
	fa_status st;
	cJSON *gone = fa_store_delete_json(w->store, FA_RES_LEASECANDIDATES,
					   lock_ns(w), n->identity, NULL, NULL,
					   "kubectl", SIM_WALL_EPOCH_NS + w->now,
					   &st);
	if (!gone)
		return false;
	cJSON_Delete(gone);
	cand_changed(w, n->identity, true, &c);
	return true;
}

void sim__coord_controller_stop(sim_world *w)
{
	struct sim_coord *co = w->coord;
	if (!co || !co->e)
		return;
	fa_election_free(co->e); /* its queue, pings and timers are lost */
	co->e = NULL;
	co->epoch++; /* and the answers and events on their way to it */
	co->gen++;
	co->timer_at = NO_TIME;
	schedule_pump(w);
}

/* A fresh controller, as kube-apiserver starts it: the candidate informer's
 * list, then the Lease informer's initial ADD. */
void sim__coord_controller_start(sim_world *w)
{
	struct sim_coord *co = w->coord;
	if (!co || co->e)
		return;
	co->e = fa_election_new();
	le_lease_candidate *list =
	    calloc(w->nnodes ? w->nnodes : 1, sizeof *list);
	if (!co->e || !list) {
		free(list);
		sim__fail(w, LE_ENOMEM, "out of memory restarting the controller");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < w->nnodes && n < FA_ELECTION_CANDIDATES_MAX;
	     i++) {
		char rv[LE_RV_MAX];
		if (cand_get(w, w->nodes[i]->identity, &list[n], rv))
			n++;
	}
	le_time now = ctl_time(w);
	int rc = fa_election_start(co->e, now, list, n);
	free(list);
	if (rc != LE_OK) {
		sim__fail(w, rc, "the restarted controller does not start: %s",
			  le_strerror(rc));
		return;
	}
	fa_election_on_lease_event(co->e, now, lock_ns(w), lock_name(w));
	schedule_pump(w);
}

void sim__coord_controller_pause(sim_world *w, bool paused)
{
	if (!w->coord)
		return;
	w->coord->paused = paused;
	w->coord->gen++;
	w->coord->timer_at = NO_TIME;
	schedule_pump(w);
}
