/* leaselab — the coordinated leader election controller, sans-IO
 * (include/leaselab/election.h). Facts from kubernetes/kubernetes
 * pkg/controlplane/controller/leaderelection/ (leaderelection_controller.go
 * at 7a4c962, election.go, leasecandidategc_controller.go); the code is our
 * own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/election.h"

#define NO_TIME INT64_MAX

/* ---- expiry tests ------------------------------------------------------ */

bool fa_election_lease_expired(const le_record *l, int64_t now_wall_ns)
{
	if (!l->has_renew_time || l->lease_duration_s <= 0)
		return true;
	return l->renew_wall_ns + (int64_t)l->lease_duration_s * LE_NS_PER_S <
	       now_wall_ns;
}

bool fa_election_candidate_expired(const le_lease_candidate *c,
				   int64_t now_wall_ns)
{
	return !c->has_renew_time ||
	       c->renew_wall_ns + FA_CANDIDATE_VALID_NS < now_wall_ns;
}

bool fa_election_candidate_pending(const le_lease_candidate *c)
{
	/* upstream reads RenewTime.Before(PingTime); a nil renewTime is
	 * before any time (metav1.Time's Before on nil) */
	return c->has_ping_time &&
	       (!c->has_renew_time || c->renew_wall_ns < c->ping_wall_ns);
}

/* ---- one step ------------------------------------------------------------ */

static le_semver binary_or_zero(const le_lease_candidate *c)
{
	le_semver v;
	if (le_semver_parse(c->binary_version, &v, NULL, 0) != LE_OK)
		memset(&v, 0, sizeof v);
	return v;
}

/* pickBestStrategy: the strategy of the highest binary version; two
 * candidates at the same binary version with different strategies are an
 * error. */
static bool pick_strategy(const le_lease_candidate *cs, size_t n,
			  const char **out)
{
	const char *strategy = cs[0].strategy;
	le_semver high = binary_or_zero(&cs[0]);
	for (size_t i = 1; i < n; i++) {
		le_semver bv = binary_or_zero(&cs[i]);
		int c = le_semver_compare(&high, &bv);
		if (c < 0) {
			strategy = cs[i].strategy;
			high = bv;
		} else if (c == 0 && strcmp(cs[i].strategy, strategy) != 0) {
			return false;
		}
	}
	*out = strategy;
	return true;
}

static bool holder_is(const le_record *l, const char *name)
{
	return l->holder_set && strcmp(l->holder, name) == 0;
}

/* electionNeeded. live[] are the candidates for the Lease. */
static bool election_needed(const le_record *lease,
			    const le_lease_candidate *live, size_t n,
			    int64_t now)
{
	if (!lease || fa_election_lease_expired(lease, now) ||
	    !lease->holder_set || !lease->holder[0])
		return true;
	/* every 15 minutes an election refreshes all candidates */
	for (size_t i = 0; i < n; i++)
		if (live[i].has_renew_time &&
		    live[i].renew_wall_ns + FA_CANDIDATE_VALID_NS / 2 < now)
			return true;
	const char *strategy;
	if (!pick_strategy(live, n, &strategy) ||
	    strcmp(strategy, LE_STRATEGY_OEV))
		return false;
	long best = le_candidate_pick(live, n);
	return best >= 0 && !holder_is(lease, live[best].name);
}

static size_t collect_live(const fa_election_view *v, const char *ns,
			   const char *name, int64_t now,
			   le_lease_candidate *live, size_t *idx)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n_candidates; i++) {
		const le_lease_candidate *c = &v->candidates[i];
		if (strcmp(c->lease_name, name) ||
		    (ns && strcmp(c->namespace_, ns)) ||
		    fa_election_candidate_expired(c, now))
			continue;
		if (n < FA_ELECTION_CANDIDATES_MAX) {
			live[n] = *c;
			idx[n] = i;
		}
		n++;
	}
	return n;
}

/* The ping loop: who to ping, and whether a vote must wait. */
static bool ping_loop(const le_lease_candidate *live, const size_t *idx,
		      size_t n, int64_t now, fa_election_step *out)
{
	bool can_vote = true;
	for (size_t i = 0; i < n; i++) {
		const le_lease_candidate *c = &live[i];
		if (c->has_ping_time &&
		    c->ping_wall_ns + FA_ELECTION_DURATION_NS > now &&
		    c->has_renew_time && c->renew_wall_ns < c->ping_wall_ns) {
			can_vote = false; /* still waiting for its answer */
			continue;
		}
		if (c->has_renew_time &&
		    c->renew_wall_ns + FA_ELECTION_DURATION_NS > now)
			continue; /* fresh enough */
		/* a second ping only if the first was answered */
		if (!c->has_ping_time ||
		    (c->ping_wall_ns + FA_ELECTION_DURATION_NS < now &&
		     c->has_renew_time && c->ping_wall_ns < c->renew_wall_ns)) {
			out->pings[out->n_pings++] = idx[i];
			can_vote = false;
		}
	}
	return can_vote;
}

/* "election is ongoing as long as unexpired PingTimes exist" */
static bool ping_outstanding(const le_lease_candidate *live, size_t n,
			     int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		const le_lease_candidate *c = &live[i];
		if (!c->has_ping_time)
			continue;
		if (c->has_renew_time && c->ping_wall_ns < c->renew_wall_ns)
			continue;
		if (c->ping_wall_ns + FA_ELECTION_DURATION_NS > now)
			return true;
	}
	return false;
}

static void elect(const le_lease_candidate *live, size_t n, int64_t now,
		  le_lease_candidate *acked, fa_election_step *out)
{
	size_t na = 0;
	for (size_t i = 0; i < n; i++)
		if (live[i].renew_wall_ns + FA_ELECTION_DURATION_NS > now)
			acked[na++] = live[i];
	if (!na) {
		out->outcome = FA_ELECT_NO_ACKED;
		return;
	}
	const char *strategy;
	if (!pick_strategy(acked, na, &strategy)) {
		out->outcome = FA_ELECT_BAD_STRATEGY;
		return;
	}
	le_record *l = &out->lease;
	le_record_clear(l);
	snprintf(l->strategy, sizeof l->strategy, "%s", strategy);
	l->lease_duration_s = FA_ELECTION_LEASE_DURATION_S;
	l->has_renew_time = true;
	l->renew_wall_ns = now;
	if (!strcmp(strategy, LE_STRATEGY_OEV)) {
		long best = le_candidate_pick(acked, na);
		if (best < 0) { /* "should not happen": no valid versions */
			out->outcome = FA_ELECT_NO_ACKED;
			return;
		}
		snprintf(l->holder, sizeof l->holder, "%s", acked[best].name);
		l->holder_set = true;
	}
	out->outcome = FA_ELECT_CREATE;
	out->requeue_ns = FA_ELECTION_REQUEUE_NS;
}

static int reconcile_key(const fa_election_view *v, const char *ns,
			 const char *name, int64_t now, fa_election_step *out)
{
	memset(out, 0, sizeof *out);
	out->best = -1;
	le_lease_candidate *live =
	    malloc(2 * FA_ELECTION_CANDIDATES_MAX * sizeof *live);
	size_t *idx = malloc(FA_ELECTION_CANDIDATES_MAX * sizeof *idx);
	if (!live || !idx) {
		free(live);
		free(idx);
		return LE_ENOMEM;
	}
	int rc = LE_OK;
	size_t n = collect_live(v, ns, name, now, live, idx);
	out->n_live = n;
	if (n > FA_ELECTION_CANDIDATES_MAX) {
		rc = LE_ERANGE;
		goto done;
	}
	if (!n) {
		out->outcome = FA_ELECT_NONE;
		goto done;
	}
	long best = le_candidate_pick(live, n);
	out->best = best < 0 ? -1 : (long)idx[best];
	out->requeue_ns = FA_ELECTION_REQUEUE_NS;
	if (!election_needed(v->lease, live, n, now)) {
		out->outcome = FA_ELECT_NOT_NEEDED;
		goto done;
	}
	if (!ping_loop(live, idx, n, now, out)) {
		out->outcome = out->n_pings ? FA_ELECT_PING : FA_ELECT_WAIT;
		goto done;
	}
	if (ping_outstanding(live, n, now)) {
		out->outcome = FA_ELECT_WAIT;
		out->requeue_ns = 0; /* upstream: noRequeue here */
		goto done;
	}
	out->requeue_ns = 0;
	elect(live, n, now, live + FA_ELECTION_CANDIDATES_MAX, out);
done:
	free(live);
	free(idx);
	return rc;
}

int fa_election_reconcile(const fa_election_view *view, int64_t now_wall_ns,
			  fa_election_step *out)
{
	if (!view || !view->name || !out)
		return LE_EINVAL;
	return reconcile_key(view, view->namespace_, view->name, now_wall_ns,
			     out);
}

fa_election_update_kind fa_election_update(const le_record *existing,
					   const fa_election_step *step,
					   int64_t now_wall_ns, le_record *out)
{
	*out = *existing;
	const le_record *want = &step->lease;
	/* upstream dereferences existing.Spec.HolderIdentity unguarded */
	if (!existing->holder_set)
		return FA_ELECT_UPD_PANIC;
	bool expired = fa_election_lease_expired(existing, now_wall_ns);
	bool no_holder = !existing->holder[0];
	bool expired_new = expired && want->holder_set &&
			   strcmp(existing->holder, want->holder) != 0;
	bool different =
	    want->holder_set && strcmp(existing->holder, want->holder) != 0;
	bool strategy_changed = strcmp(existing->strategy, want->strategy) != 0;
	fa_election_update_kind kind = FA_ELECT_UPD_NONE;
	if (strategy_changed) {
		snprintf(out->strategy, sizeof out->strategy, "%s",
			 want->strategy);
		kind = FA_ELECT_UPD_STRATEGY;
	}
	if (no_holder || expired_new) {
		if (!want->holder_set) /* the log line dereferences the electee
					*/
			return FA_ELECT_UPD_PANIC;
		out->preferred_holder[0] = '\0';
		snprintf(out->holder, sizeof out->holder, "%s", want->holder);
		out->has_renew_time = true;
		out->renew_wall_ns = now_wall_ns;
		out->lease_duration_s = FA_ELECTION_LEASE_DURATION_S;
		out->has_acquire_time = false;
		out->acquire_wall_ns = 0;
		return FA_ELECT_UPD_INSTALL;
	}
	if (different &&
	    strcmp(existing->preferred_holder, want->holder) != 0) {
		snprintf(out->preferred_holder, sizeof out->preferred_holder,
			 "%s", want->holder);
		return FA_ELECT_UPD_PREFER;
	}
	return kind;
}

/* ---- the controller: a workqueue of keys, one worker, the GC ------------ */

typedef enum work_phase {
	W_IDLE = 0,
	W_VIEW, /* asked for the informer's view */
	W_PING, /* pinging ping_cands[ping_next] */
	W_CREATE,
	W_GET,
	W_UPDATE,
} work_phase;

typedef struct key_state {
	char ns[LE_NAME_MAX];
	char name[LE_NAME_MAX];
	bool queued;	     /* in the ready queue */
	uint64_t queued_seq; /* FIFO order of the ready queue */
	bool processing;
	bool dirty;	   /* added while processing: run again after Done */
	int64_t wait_mono; /* AddAfter: ready at, NO_TIME if not waiting */
	fa_election_step last;
	bool has_last;
} key_state;

struct fa_election {
	bool started;
	key_state keys[FA_ELECTION_KEYS_MAX];
	size_t n_keys;
	uint64_t seq;
	uint64_t next_id;

	/* the worker */
	work_phase phase;
	size_t cur;	  /* key being processed */
	uint64_t work_id; /* outstanding request, 0 = none */
	bool work_emit;	  /* work_req not drained yet */
	fa_election_request work_req;
	fa_election_step step;
	le_lease_candidate ping_cands[FA_ELECTION_CANDIDATES_MAX];
	char ping_rvs[FA_ELECTION_CANDIDATES_MAX][LE_RV_MAX];
	size_t ping_next;

	/* the GC */
	int64_t gc_next_mono;
	uint64_t gc_id;
	bool gc_emit;
	fa_election_request gc_req;

	fa_election_stats stats;
};

fa_election *fa_election_new(void)
{
	fa_election *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->next_id = 1;
	e->gc_next_mono = NO_TIME;
	return e;
}

void fa_election_free(fa_election *e)
{
	free(e);
}

static key_state *find_key(fa_election *e, const char *ns, const char *name)
{
	for (size_t i = 0; i < e->n_keys; i++)
		if (!strcmp(e->keys[i].ns, ns) &&
		    !strcmp(e->keys[i].name, name))
			return &e->keys[i];
	return NULL;
}

static key_state *get_key(fa_election *e, const char *ns, const char *name)
{
	key_state *k = find_key(e, ns, name);
	if (k || e->n_keys == FA_ELECTION_KEYS_MAX)
		return k;
	if (strlen(ns) >= LE_NAME_MAX || strlen(name) >= LE_NAME_MAX)
		return NULL;
	k = &e->keys[e->n_keys++];
	memset(k, 0, sizeof *k);
	snprintf(k->ns, sizeof k->ns, "%s", ns);
	snprintf(k->name, sizeof k->name, "%s", name);
	k->wait_mono = NO_TIME;
	return k;
}

/* workqueue Add: dedup while queued; mark dirty while processing */
static void add(fa_election *e, key_state *k)
{
	if (k->processing) {
		k->dirty = true;
	} else if (!k->queued) {
		k->queued = true;
		k->queued_seq = ++e->seq;
	}
}

static void add_after(fa_election *e, key_state *k, int64_t now_mono, int64_t d)
{
	if (d <= 0) {
		add(e, k);
		return;
	}
	if (now_mono + d < k->wait_mono)
		k->wait_mono = now_mono + d;
}

static void emit_work(fa_election *e, fa_election_op op)
{
	key_state *k = &e->keys[e->cur];
	fa_election_request *r = &e->work_req;
	memset(r, 0, sizeof *r);
	r->id = e->work_id = e->next_id++;
	r->op = op;
	snprintf(r->namespace_, sizeof r->namespace_, "%s", k->ns);
	snprintf(r->name, sizeof r->name, "%s", k->name);
	e->work_emit = true;
}

/* Take the next ready key, if the worker is free. */
static void pump(fa_election *e)
{
	if (e->phase != W_IDLE)
		return;
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < e->n_keys; i++)
		if (e->keys[i].queued &&
		    (best == SIZE_MAX ||
		     e->keys[i].queued_seq < e->keys[best].queued_seq))
			best = i;
	if (best == SIZE_MAX)
		return;
	key_state *k = &e->keys[best];
	k->queued = false;
	k->processing = true;
	e->cur = best;
	e->phase = W_VIEW;
	emit_work(e, FA_ELOP_VIEW);
}

/* processNextElectionItem's end: Done, then AddAfter. */
static void finish(fa_election *e, int64_t now_mono, int64_t requeue_ns,
		   bool failed)
{
	key_state *k = &e->keys[e->cur];
	k->last = e->step;
	k->has_last = true;
	k->processing = false;
	if (k->dirty) {
		k->dirty = false;
		add(e, k);
	}
	if (requeue_ns > 0)
		add_after(e, k, now_mono, requeue_ns);
	if (failed)
		e->stats.failures++;
	e->phase = W_IDLE;
	e->work_id = 0;
	e->work_emit = false;
	pump(e);
}

int fa_election_start(fa_election *e, le_time now,
		      const le_lease_candidate *cands, size_t n)
{
	if (!e)
		return LE_EINVAL;
	if (e->started)
		return LE_ESTATE;
	e->started = true;
	e->gc_next_mono = now.mono_ns; /* wait.Until runs the GC at once */
	/* the list is enqueued before the worker starts, so one key is queued
	 * once however many candidates name it */
	int rc = LE_OK;
	for (size_t i = 0; i < n; i++) {
		if (fa_election_candidate_pending(&cands[i]))
			continue;
		key_state *k =
		    get_key(e, cands[i].namespace_, cands[i].lease_name);
		if (!k) {
			rc = LE_ERANGE;
			continue;
		}
		add(e, k);
	}
	fa_election_on_timer(e, now);
	return rc;
}

int fa_election_on_lease_event(fa_election *e, le_time now, const char *ns,
			       const char *name)
{
	(void)now;
	if (!e || !ns || !name)
		return LE_EINVAL;
	if (!e->started)
		return LE_ESTATE;
	key_state *k = get_key(e, ns, name);
	if (!k)
		return LE_ERANGE;
	add(e, k);
	pump(e);
	return LE_OK;
}

int fa_election_on_candidate_event(fa_election *e, le_time now,
				   const le_lease_candidate *c)
{
	if (!e || !c)
		return LE_EINVAL;
	if (!e->started)
		return LE_ESTATE;
	if (fa_election_candidate_pending(c))
		return LE_OK; /* an election is already waiting for it */
	return fa_election_on_lease_event(e, now, c->namespace_, c->lease_name);
}

int fa_election_on_timer(fa_election *e, le_time now)
{
	if (!e)
		return LE_EINVAL;
	if (!e->started)
		return LE_ESTATE;
	for (size_t i = 0; i < e->n_keys; i++) {
		key_state *k = &e->keys[i];
		if (k->wait_mono <= now.mono_ns) {
			k->wait_mono = NO_TIME;
			add(e, k);
		}
	}
	if (e->gc_next_mono <= now.mono_ns && !e->gc_id) {
		memset(&e->gc_req, 0, sizeof e->gc_req);
		e->gc_req.id = e->gc_id = e->next_id++;
		e->gc_req.op = FA_ELOP_GC;
		e->gc_emit = true;
		e->gc_next_mono =
		    NO_TIME; /* set when the pass ends (wait.Until) */
		e->stats.gc_passes++;
	}
	pump(e);
	return LE_OK;
}

static void ping_emit(fa_election *e, int64_t now_wall)
{
	emit_work(e, FA_ELOP_PING);
	e->work_req.candidate = e->ping_cands[e->ping_next];
	e->work_req.candidate.has_ping_time = true;
	e->work_req.candidate.ping_wall_ns = now_wall;
	snprintf(e->work_req.resource_version, LE_RV_MAX, "%s",
		 e->ping_rvs[e->ping_next]);
	e->stats.pings++;
}

int fa_election_on_view(fa_election *e, le_time now, uint64_t id,
			const fa_election_view *view)
{
	if (!e || !view)
		return LE_EINVAL;
	if (e->phase != W_VIEW || id != e->work_id)
		return LE_OK; /* stale */
	key_state *k = &e->keys[e->cur];
	fa_election_view v = *view;
	v.namespace_ = k->ns;
	v.name = k->name;
	e->stats.steps++;
	int rc = fa_election_reconcile(&v, now.wall_ns, &e->step);
	if (rc != LE_OK) {
		finish(e, now.mono_ns, FA_ELECTION_REQUEUE_NS, true);
		return rc;
	}
	switch (e->step.outcome) {
	case FA_ELECT_PING:
		for (size_t i = 0; i < e->step.n_pings; i++) {
			size_t j = e->step.pings[i];
			e->ping_cands[i] = view->candidates[j];
			snprintf(e->ping_rvs[i], LE_RV_MAX, "%s",
				 view->candidate_rvs ? view->candidate_rvs[j]
						     : "");
		}
		e->ping_next = 0;
		e->phase = W_PING;
		ping_emit(e, now.wall_ns);
		return LE_OK;
	case FA_ELECT_CREATE:
		e->phase = W_CREATE;
		emit_work(e, FA_ELOP_LEASE_CREATE);
		e->work_req.lease = e->step.lease;
		return LE_OK;
	case FA_ELECT_NO_ACKED:
	case FA_ELECT_BAD_STRATEGY:
		finish(e, now.mono_ns, e->step.requeue_ns, true);
		return LE_OK;
	default:
		finish(e, now.mono_ns, e->step.requeue_ns, false);
		return LE_OK;
	}
}

static bool ok_status(int status)
{
	return status >= 200 && status < 300;
}

int fa_election_on_response(fa_election *e, le_time now, uint64_t id,
			    int status)
{
	if (!e)
		return LE_EINVAL;
	if (id && id == e->gc_id) {
		e->gc_id = 0;
		e->gc_emit = false;
		e->gc_next_mono = now.mono_ns + FA_CANDIDATE_GC_PERIOD_NS;
		return LE_OK;
	}
	if (!id || id != e->work_id)
		return LE_OK;
	switch (e->phase) {
	case W_PING:
		if (!ok_status(status)) {
			finish(e, now.mono_ns, FA_ELECTION_REQUEUE_NS, true);
		} else if (++e->ping_next < e->step.n_pings) {
			ping_emit(e, now.wall_ns);
		} else {
			finish(e, now.mono_ns, FA_ELECTION_REQUEUE_NS, false);
		}
		return LE_OK;
	case W_CREATE:
		if (ok_status(status)) {
			e->stats.creates++;
			finish(e, now.mono_ns, FA_ELECTION_REQUEUE_NS, false);
		} else if (status == 409) { /* AlreadyExists: GET it */
			e->phase = W_GET;
			emit_work(e, FA_ELOP_LEASE_GET);
		} else {
			finish(e, now.mono_ns, 0, true);
		}
		return LE_OK;
	case W_UPDATE:
		if (ok_status(status)) {
			if (e->work_req.update_kind == FA_ELECT_UPD_INSTALL)
				e->stats.installs++;
			else if (e->work_req.update_kind == FA_ELECT_UPD_PREFER)
				e->stats.prefers++;
		}
		finish(e, now.mono_ns,
		       ok_status(status) ? FA_ELECTION_REQUEUE_NS : 0,
		       !ok_status(status));
		return LE_OK;
	default: return LE_OK;
	}
}

int fa_election_on_lease(fa_election *e, le_time now, uint64_t id, int status,
			 const le_record *lease, const char *rv)
{
	if (!e)
		return LE_EINVAL;
	if (e->phase != W_GET || !id || id != e->work_id)
		return LE_OK;
	if (status != 200 || !lease) {
		finish(e, now.mono_ns, 0, true);
		return LE_OK;
	}
	le_record upd;
	fa_election_update_kind kind =
	    fa_election_update(lease, &e->step, now.wall_ns, &upd);
	if (kind == FA_ELECT_UPD_NONE) {
		finish(e, now.mono_ns, FA_ELECTION_REQUEUE_NS, false);
		return LE_OK;
	}
	if (kind == FA_ELECT_UPD_PANIC) {
		finish(e, now.mono_ns, 0, true);
		return LE_OK;
	}
	e->phase = W_UPDATE;
	emit_work(e, FA_ELOP_LEASE_UPDATE);
	e->work_req.lease = upd;
	e->work_req.update_kind = kind;
	snprintf(e->work_req.resource_version, LE_RV_MAX, "%s", rv ? rv : "");
	return LE_OK;
}

int64_t fa_election_next_deadline(const fa_election *e)
{
	int64_t t = e->gc_id ? NO_TIME : e->gc_next_mono;
	for (size_t i = 0; i < e->n_keys; i++)
		if (e->keys[i].wait_mono < t)
			t = e->keys[i].wait_mono;
	return t;
}

bool fa_election_next_request(fa_election *e, fa_election_request *out)
{
	if (e->work_emit) {
		e->work_emit = false;
		*out = e->work_req;
		return true;
	}
	if (e->gc_emit) {
		e->gc_emit = false;
		*out = e->gc_req;
		return true;
	}
	return false;
}

const fa_election_step *fa_election_last_step(const fa_election *e,
					      const char *ns, const char *name)
{
	for (size_t i = 0; i < e->n_keys; i++)
		if (!strcmp(e->keys[i].ns, ns) &&
		    !strcmp(e->keys[i].name, name))
			return e->keys[i].has_last ? &e->keys[i].last : NULL;
	return NULL;
}

void fa_election_stats_get(const fa_election *e, fa_election_stats *out)
{
	*out = e->stats;
}
