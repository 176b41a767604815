/* sim/world.c — the deterministic simulator: pods running the real election
 * core against the real store, in virtual time.
 *
 * One thread, one event queue (sim_heap, ordered by (true time, sequence)).
 * Everything that happens is an event: a pod starts, a core's timer falls
 * due, a request reaches the apiserver, a commit finishes, a response reaches
 * its pod, a fault starts or ends. The loop (world_run.c) hands faults to
 * world_faults.c and the rest here. Handlers feed the core its inputs with
 * the pod's own clock readings and a draw from the pod's own PRNG stream,
 * then carry out the outputs it queued (drain) and re-arm the pod's timer
 * (arm).
 *
 * A pod ("node" here) is a process that is waiting to start, running,
 * terminating (SIGTERM seen, core cancelled) or dead, possibly paused
 * (SIGSTOP: nothing is processed, timers and responses wait; on resume what
 * fell due runs in order at the resume time). Its incarnation counter
 * changes at every start and death, so events meant for an earlier process
 * (responses, grace-period kills, work ticks) are recognised and dropped.
 *
 * The per-event path does not allocate (pools and arrays grow geometrically
 * and are reused), format, or log. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/internal/assert.h"
#include "chooser.h"
#include "text.h"
#include "world_int.h"

/* A process whose core returned by itself (client-go: leadership lost, Run
 * returned, main exits) is restarted by the kubelet after its crash-loop
 * back-off; the first back-off is 10 s. */
#define SIM_CRASHLOOP_BACKOFF_NS (INT64_C(10) * LE_NS_PER_S)

static inline uint64_t pack(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

/* ---- node clock and draws ---------------------------------------------- */

static inline le_time node_time(const sim_node *n, int64_t t)
{
	return (le_time){sim_clock_mono_ns(&n->clock, t),
			 sim_clock_wall_ns(&n->clock, t)};
}

/* True time at which d_ns will have passed on the node's own clock. */
static int64_t node_after(const sim_world *w, const sim_node *n, int64_t d_ns)
{
	int64_t t = sim_clock_true_at_mono(
		&n->clock, sim_clock_mono_ns(&n->clock, w->now) + d_ns);
	return t < w->now ? w->now : t;
}

static inline uint64_t draw(sim_world *w, sim_node *n)
{
	uint64_t v = fa_rng_next(&n->rng);
	if (w->ch)
		v = sim__choose_jitter(w->ch, n, v);
	if (w->trace_n && n->pod == w->trace_pod) {
		if (*w->trace_n < w->trace_cap)
			w->trace[*w->trace_n] = v;
		(*w->trace_n)++;
	}
	return v;
}

/* ---- request slots ------------------------------------------------------- */

static uint32_t req_alloc(sim_world *w)
{
	if (w->free_req != NO_SLOT) {
		uint32_t i = w->free_req;
		w->free_req = w->reqs[i]->next_free;
		return i;
	}
	if (w->nreqs == w->reqs_cap) {
		size_t cap = w->reqs_cap ? w->reqs_cap * 2 : 16;
		sim_req **v = realloc(w->reqs, cap * sizeof *v);
		if (!v)
			goto oom;
		w->reqs = v;
		w->reqs_cap = cap;
	}
	/* a small fleet's slot holds its records whole as well (sim_req) */
	size_t extra = w->big_fleet ? 0
				    : sizeof(le_request) + sizeof(le_record) + SIM_RAW_MAX +
					      LE_RV_MAX;
	sim_req *r = sim_text_alloc(&w->pool, sizeof *r + extra,
				    _Alignof(sim_req));
	if (!r)
		goto oom;
	r->has_full = extra != 0;
	w->reqs[w->nreqs] = r;
	return (uint32_t)w->nreqs++;
oom:
	sim__fail(w, LE_ENOMEM, "out of memory for a request in flight");
	return NO_SLOT;
}

static void req_free(sim_world *w, uint32_t i)
{
	w->reqs[i]->next_free = w->free_req;
	w->free_req = i;
}

/* Bounded copy, always terminated (the per-event path formats nothing). */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	if (src)
		for (; i + 1 < cap && src[i]; i++)
			dst[i] = src[i];
	dst[i] = '\0';
}

/* false when out of memory for the reason */
static bool req_set_status(sim_world *w, sim_req *r, int status,
			   const char *reason)
{
	r->status = status;
	r->has_record = r->record_present = r->has_rv = r->has_raw = false;
	r->raw_len = 0;
	char cut[32];
	copy_str(cut, sizeof cut, reason);
	r->reason = sim_strtab_intern(&w->strs, cut);
	if (r->reason == UINT32_MAX) {
		r->reason = 0;
		sim__fail(w, LE_ENOMEM, "out of memory for a response's reason");
		return false;
	}
	return true;
}

/* rec: the answer's record (sim__resp_record) */
static size_t req_raw_of(const sim_req *r, const le_record *rec,
			 unsigned char *buf, size_t cap)
{
	if (r->raw_len == 0 || !r->has_record)
		return 0;
	if (r->has_full) {
		size_t n = r->raw_len < cap ? r->raw_len : cap;
		memcpy(buf, sim__req_full_raw(r), n);
		return n;
	}
	size_t n = le_record_key(rec, buf, cap);
	LE_ASSERT(n == r->raw_len); /* what req_copy_response checked */
	return n;
}

size_t sim__req_raw(const sim_world *w, const sim_req *r, unsigned char *buf,
		    size_t cap)
{
	if (r->raw_len == 0 || !r->has_record)
		return 0;
	le_record tmp;
	return req_raw_of(r, sim__resp_record(w, r, &tmp), buf, cap);
}

const char *sim__req_rv(const sim_world *w, const sim_req *r,
			char buf[LE_RV_MAX])
{
	if (r->has_full)
		return sim__req_full(r)->resource_version;
	sim_rv_unpack(&w->strs, r->req.resource_version, buf);
	return buf;
}

const char *sim__resp_rv(const sim_world *w, const sim_req *r,
			 char buf[LE_RV_MAX])
{
	if (r->has_full)
		return sim__req_full_rv(r);
	sim_rv_unpack(&w->strs, r->rv, buf);
	return buf;
}

const le_record *sim__req_record(const sim_world *w, const sim_req *r,
				 le_record *tmp)
{
	if (r->has_full)
		return &sim__req_full(r)->record;
	sim_rec_unpack(&w->strs, &r->req.record, tmp);
	return tmp;
}

const le_record *sim__resp_record(const sim_world *w, const sim_req *r,
				  le_record *tmp)
{
	if (r->has_full)
		return sim__req_full_rec(r);
	sim_rec_unpack(&w->strs, &r->record, tmp);
	return tmp;
}

/* w->last_rec becomes the packed record p, whose record is rec. */
static void last_set(sim_world *w, const sim_rec *p, const le_record *rec)
{
	w->last_rec.key_len = le_record_key(rec, w->last_rec.key,
					    sizeof w->last_rec.key);
	w->last_rec.packed = *p;
	w->last_rec.valid = true;
	w->last_rec.unpacked = rec == &w->last_rec.rec;
}

static bool last_is(const sim_world *w, const sim_rec *p)
{
	return w->last_rec.valid && sim_rec_equal(&w->last_rec.packed, p);
}

/* The key of the packed record p, whose record is rec: w->last_rec's,
 * built only when p differs from the last one. */
static const unsigned char *last_key(sim_world *w, const sim_rec *p,
				     const le_record *rec, size_t *len)
{
	if (!last_is(w, p))
		last_set(w, p, rec);
	*len = w->last_rec.key_len;
	return w->last_rec.key;
}

/* A big fleet's delivered record, unpacked, and its key: w->last_rec's
 * when the packed record is the last one (valid until the next call). */
static const le_record *last_record(sim_world *w, const sim_rec *p,
				    const unsigned char **key, size_t *len)
{
	bool same = last_is(w, p);
	if (!same || !w->last_rec.unpacked) {
		sim_rec_unpack(&w->strs, p, &w->last_rec.rec);
		w->last_rec.unpacked = true;
	}
	if (!same)
		last_set(w, p, &w->last_rec.rec);
	*key = w->last_rec.key;
	*len = w->last_rec.key_len;
	return &w->last_rec.rec;
}

/* false when the response's raw record is not the key of its record, which
 * sim_req cannot hold (see raw_len) */
static bool req_copy_response(sim_world *w, sim_req *r,
			      const le_response *resp)
{
	if (!req_set_status(w, r, resp->status, resp->reason))
		return true;
	if (resp->record && r->has_full) {
		le_record_copy(sim__req_full_rec(r), resp->record);
		r->has_record = true;
	} else if (resp->record) {
		if (!sim_rec_pack(&w->strs, resp->record, &r->record)) {
			sim__fail(w, LE_ENOMEM, "out of memory for a record");
			return true;
		}
		r->has_record = true;
	}
	r->record_present = resp->record_present;
	if (resp->resource_version && r->has_full) {
		copy_str(sim__req_full_rv(r), LE_RV_MAX, resp->resource_version);
		r->has_rv = true;
	} else if (resp->resource_version) {
		if (!sim_rv_pack(&w->strs, resp->resource_version, &r->rv)) {
			sim__fail(w, LE_ENOMEM, "out of memory for a resourceVersion");
			return true;
		}
		r->has_rv = true;
	}
	if (resp->raw && resp->raw_len <= SIM_RAW_MAX) {
		if (resp->raw_len > 0 && r->has_full && resp->record) {
			memcpy(sim__req_full_raw(r), resp->raw, resp->raw_len);
		} else if (resp->raw_len > 0) {
			/* r->record is resp->record packed (above) */
			size_t klen = 0;
			const unsigned char *key = NULL;
			if (resp->record && !r->has_full)
				key = last_key(w, &r->record, resp->record,
					       &klen);
			if (!key || klen != resp->raw_len ||
			    memcmp(key, resp->raw, resp->raw_len) != 0)
				return false;
		}
		r->raw_len = (uint16_t)resp->raw_len;
		r->has_raw = true;
	}
	return true;
}

/* ---- the core's inputs and outputs --------------------------------------- */
static void drain(sim_world *w, sim_node *n);

static void check_input(sim_world *w, const sim_node *n, int rc,
			const char *what)
{
	if (w->ch)
		sim__choose_settle(w->ch);
	if (rc != LE_OK)
		sim__fail(w, LE_ESTATE, "pod %s: the elector refused %s at t=%lld ns: %s",
			  sim__node_name(w, n), what, (long long)w->now,
			  le_strerror(rc));
}

/* ---- the network and the store ------------------------------------------ */

static const sim_election *node_election(const sim_node *n)
{
	return &n->ps->election;
}

/* ---- event-triggered faults (when:) --------------------------------------
 * An armed fault (its `at` passed, not fired yet) whose trigger is this
 * event of this pod starts now: its start is queued at the current instant,
 * ahead of whatever the caller queues next at the same instant. */
static bool trigger(sim_world *w, sim_trigger_kind kind, const sim_node *n)
{
	if (!w->any_trigger)
		return false;
	bool fired = false;
	for (size_t i = 0; i < w->sc->nfaults; i++) {
		const sim_fault *f = &w->sc->faults[i];
		fault_run *fr = &w->fr[i];
		if (f->when.kind != kind || fr->fired || w->now < f->at_ns)
			continue;
		if (f->when.pod[0] &&
		    strcmp(f->when.pod, sim__node_name(w, n)) != 0)
			continue;
		if (kind == SIM_WHEN_LEASE_WRITE && ++fr->writes_seen < f->when.count)
			continue;
		fr->fired = true;
		sim__push(w, w->now, EV_FAULT_START, 0, (uint64_t)i);
		fired = true;
	}
	return fired;
}

/* A renewal: an update of the record by the pod that holds it and leads. */
static bool is_renew(const sim_world *w, const sim_node *n, const sim_req *r)
{
	return r->req.op == LE_OP_UPDATE && n->inc == r->inc && sim__alive(n) &&
	       n->e && le_elector_leading(n->e) &&
	       strcmp(r->has_full ? sim__req_full(r)->record.holder
			      : sim_strtab_str(&w->strs, r->req.record.holder),
		      n->identity) == 0;
}

/* *dst = *req, its record through le_record_copy: the fields around the
 * record are copied whole, the record's strings to their NULs. */
static void request_copy(le_request *dst, const le_request *req)
{
	const size_t at = offsetof(le_request, record), after = at + sizeof(le_record);
	memcpy(dst, req, at);
	le_record_copy(&dst->record, &req->record);
	memcpy((char *)dst + after, (const char *)req + after, sizeof *req - after);
}

static void send_request(sim_world *w, sim_node *n, const le_request *req)
{
	uint32_t i = req_alloc(w);
	if (i == NO_SLOT)
		return;
	sim_req *r = w->reqs[i];
	r->node = (uint32_t)n->pod;
	r->inc = n->inc;
	r->core = n->core;
	if (r->has_full) {
		/* whole; the packed form keeps only the scalar fields */
		request_copy(sim__req_full(r), req);
		sim_wire_pack_scalars(req, &r->req);
	} else if (!sim_wire_pack(&w->strs, req, &r->req)) {
		req_free(w, i);
		sim__fail(w, LE_ENOMEM, "out of memory for a request's strings");
		return;
	}
	r->triggered = false;
	sim_leg leg;
	sim_net_leg(w->sc, n->netf, n->nnetf, SIM_DIR_TO, &w->sc->latency_to,
		    &n->net_rng, w->ch, &leg);
	fa_faults_decide(w->faults, n->identity, &n->net_rng, &r->dec);
	if (leg.refused || r->dec.refused || w->down_count > 0) {
		req_set_status(w, r, 0, NULL);
		sim__push(w, w->now + SIM_REFUSED_NS, EV_DELIVER, 0, i);
		return;
	}
	if (leg.lost || r->dec.blackhole || r->dec.drop_request) {
		req_free(w, i);
		return;
	}
	sim__push(w, w->now + leg.delay_ns + r->dec.request_delay_ns, EV_ARRIVE, 0, i);
}

static void response_leg(sim_world *w, uint32_t i)
{
	sim_req *r = w->reqs[i];
	sim_node *n = w->nodes[r->node];
	if (n->inc != r->inc || n->core != r->core || !sim__alive(n)) {
		/* nobody is listening any more */
		req_free(w, i);
		return;
	}
	sim_leg leg;
	sim_net_leg(w->sc, n->netf, n->nnetf, SIM_DIR_FROM,
		    &w->sc->latency_from, &n->net_rng, w->ch, &leg);
	if (leg.lost || leg.refused) {
		req_free(w, i);
		return;
	}
	sim__push(w, w->now + leg.delay_ns + r->dec.response_delay_ns, EV_DELIVER, 0, i);
}

/* A lease-write event for the record just committed by pod (-1: the
 * election controller), whose holder is history identity holder: the
 * write took the store's newest revision. */
sim_event sim__lease_write_event(const sim_world *w, int32_t pod,
				 int32_t holder, const le_record *rec)
{
	sim_event e = sim_event_make(w->now, SIM_EV_LEASE_WRITE, pod);
	e.holder = holder;
	e.transitions = rec->transitions;
	e.resource_version = (int64_t)fa_store_revision(w->store);
	e.lease_duration_s = rec->lease_duration_s;
	e.has_acquire_time = rec->has_acquire_time;
	e.acquire_wall_ns = rec->has_acquire_time ? rec->acquire_wall_ns : 0;
	e.has_renew_time = rec->has_renew_time;
	e.renew_wall_ns = rec->has_renew_time ? rec->renew_wall_ns : 0;
	return e;
}

/* rec: the record the store wrote (its answer to r) */
static void record_lease_write(sim_world *w, const sim_node *n,
			       const sim_req *r, const le_record *rec)
{
	int32_t holder = strcmp(rec->holder, n->identity) == 0
				 ? n->identity_idx
				 : sim_history_identity(&w->h, rec->holder);
	if (holder < -1) {
		sim__fail(w, LE_ENOMEM, "out of memory for an identity");
		return;
	}
	sim_event e = sim__lease_write_event(w, n->pod, holder, rec);
	if (le_lock_kind_is_multi(n->lock_kind))
		e.object = (uint8_t)(1 + r->req.target);
	sim__record(w, &e);
}

static void commit(sim_world *w, uint32_t i)
{
	sim_req *r = w->reqs[i];
	sim_node *n = w->nodes[r->node];
	le_response resp;
	/* the object the request names: the lock's, or one of a MultiLock's
	 * two (election-spec.md 3.3) */
	le_request q;
	const le_request *qp = sim__req_full(r);
	if (!qp) {
		sim_wire_unpack(&w->strs, &r->req, &q);
		qp = &q;
	}
	const sim_lock_names *lk = &w->locks[n->lock_id];
	fa_store_lock_do(w->store, r->req.target, lk->ns, lk->name, qp,
			 n->identity,
			 SIM_WALL_EPOCH_NS + w->now, &w->scratch, &resp);
	if (!req_copy_response(w, r, &resp)) {
		sim__fail(w, LE_EINVAL, "pod %s: the store's raw record at t=%lld ns "
			  "is not the key of its record", sim__node_name(w, n),
			  (long long)w->now);
		req_free(w, i);
		return;
	}
	bool wrote = r->req.op != LE_OP_GET && (r->status == 200 || r->status == 201) &&
		     r->has_record;
	if (wrote) {
		record_lease_write(w, n, r, resp.record);
		trigger(w, SIM_WHEN_LEASE_WRITE, n);
		sim__coord_lease_written(w);
	}
	if (r->dec.drop_response) {
		req_free(w, i);
		return;
	}
	if (wrote && is_renew(w, n, r) && trigger(w, SIM_WHEN_RENEW_RESPONSE, n)) {
		sim__push(w, w->now, EV_RESPOND, 0, i);
		return;
	}
	response_leg(w, i);
}

static void on_arrive(sim_world *w, uint32_t i);

/* The store faults of a request are decided when it is sent; a when:
 * renew-request fault started on its arrival decides them again, so that
 * it applies to the very request that triggered it. */
static void on_trigger_arrive(sim_world *w, uint32_t i)
{
	sim_req *r = w->reqs[i];
	sim_node *n = w->nodes[r->node];
	int64_t request_delay_ns = r->dec.request_delay_ns;
	fa_faults_decide(w->faults, n->identity, &n->net_rng, &r->dec);
	r->dec.request_delay_ns = request_delay_ns;
	if (r->dec.refused) {
		req_set_status(w, r, 0, NULL);
		sim__push(w, w->now + SIM_REFUSED_NS, EV_DELIVER, 0, i);
		return;
	}
	if (r->dec.blackhole || r->dec.drop_request) {
		req_free(w, i);
		return;
	}
	on_arrive(w, i);
}

static void on_arrive(sim_world *w, uint32_t i)
{
	sim_req *r = w->reqs[i];
	if (!r->triggered && is_renew(w, w->nodes[r->node], r) &&
	    trigger(w, SIM_WHEN_RENEW_REQUEST, w->nodes[r->node])) {
		r->triggered = true;
		sim__push(w, w->now, EV_TRIGGER_ARRIVE, 0, i);
		return;
	}
	if (w->down_count > 0) { /* the server went down while it travelled */
		req_set_status(w, r, 0, NULL);
		sim__push(w, w->now + SIM_REFUSED_NS, EV_DELIVER, 0, i);
		return;
	}
	if (r->dec.error_code) {
		fa_status st;
		fa_status_injected(&st, r->dec.error_code, r->dec.retry_after_s);
		req_set_status(w, r, st.code ? st.code : r->dec.error_code, st.reason);
		response_leg(w, i);
		return;
	}
	if (r->dec.commit_delay_ns > 0) {
		sim__push(w, w->now + r->dec.commit_delay_ns, EV_COMMIT, 0, i);
		return;
	}
	commit(w, i);
}

static void pend_push(sim_world *w, sim_node *n, uint32_t i)
{
	if (n->npend == n->pend_cap) {
		size_t cap = n->pend_cap ? n->pend_cap * 2u : 8;
		uint32_t *v = NULL;
		if (cap <= UINT16_MAX)
			v = realloc(n->pend, cap * sizeof *v);
		if (!v) {
			sim__fail(w, LE_ENOMEM, "out of memory holding a response");
			return;
		}
		n->pend = v;
		n->pend_cap = (uint16_t)cap;
	}
	n->pend[n->npend++] = i;
}

static void on_deliver(sim_world *w, uint32_t i)
{
	sim_req *r = w->reqs[i];
	sim_node *n = w->nodes[r->node];
	if (n->inc != r->inc || n->core != r->core || !sim__alive(n)) {
		req_free(w, i);
		return;
	}
	if (n->paused) {
		r->due_ns = w->now;
		pend_push(w, n, i);
		return;
	}
	unsigned char raw[SIM_RAW_MAX];
	const unsigned char *rawp = raw;
	char rv_buf[LE_RV_MAX];
	const char *rv = r->has_rv ? sim__resp_rv(w, r, rv_buf) : NULL;
	size_t raw_len = 0;
	const le_record *rec = NULL;
	if (r->has_record && r->has_full) {
		rec = sim__req_full_rec(r);
		raw_len = req_raw_of(r, rec, raw, sizeof raw);
	} else if (r->has_record) {
		size_t klen;
		rec = last_record(w, &r->record, &rawp, &klen);
		/* req_copy_response checked it */
		LE_ASSERT(r->raw_len == 0 || klen == r->raw_len);
		raw_len = r->raw_len ? klen : 0;
	}
	le_response resp = {
		.id = r->req.id,
		.status = r->status,
		.reason = r->reason ? sim_strtab_str(&w->strs, r->reason) : NULL,
		.message = NULL,
		.record = rec,
		.record_present = r->record_present,
		.resource_version = r->has_rv ? rv : NULL,
		.raw = r->has_raw ? rawp : NULL,
		.raw_len = raw_len,
	};
	int rc = le_elector_on_response(n->e, node_time(n, w->now), &resp,
					draw(w, n));
	req_free(w, i);
	check_input(w, n, rc, "a response");
	drain(w, n);
	sim__arm(w, n);
}

/* ---- user code: acting as leader, guarded work ----------------------------- */

static void acting_end(sim_world *w, sim_node *n)
{
	if (!n->acting)
		return;
	n->acting = false;
	n->acting_end_due = NO_TIME;
	n->work_due = NO_TIME;
	sim_event e = sim_event_make(w->now, SIM_EV_ACTING_END, n->pod);
	e.term = n->term;
	sim__record(w, &e);
}

static void started_leading(sim_world *w, sim_node *n)
{
	acting_end(w, n); /* the previous term's code, if it still ran */
	n->acting = true;
	n->term++;
	le_record obs;
	n->token = le_elector_observed_record(n->e, &obs) ? obs.transitions : 0;
	sim_event e = sim_event_make(w->now, SIM_EV_STARTED_LEADING, n->pod);
	e.term = n->term;
	e.token = n->token;
	sim__record(w, &e);
	trigger(w, SIM_WHEN_STARTED_LEADING, n);
	if (n->ps->work_period_ns > 0)
		sim__push(w, node_after(w, n, n->ps->work_period_ns), EV_WORK,
			  (uint32_t)n->pod, pack(n->inc, n->term));
}

static void stopped_leading(sim_world *w, sim_node *n, bool was_leader)
{
	sim_event e = sim_event_make(w->now, SIM_EV_STOPPED_LEADING, n->pod);
	e.was_leader = was_leader;
	sim__record(w, &e);
	trigger(w, SIM_WHEN_STOPPED_LEADING, n);
	if (!n->acting)
		return;
	if (n->ps->stop_delay_ns <= 0) {
		acting_end(w, n);
		return;
	}
	sim__push(w, node_after(w, n, n->ps->stop_delay_ns), EV_ACTING_END,
		  (uint32_t)n->pod, pack(n->inc, n->term));
}

static void on_work(sim_world *w, sim_node *n, uint64_t arg)
{
	if (arg != pack(n->inc, n->term) || !n->acting)
		return;
	if (n->paused) {
		if (n->work_due == NO_TIME)
			n->work_due = w->now;
		return;
	}
	/* Whether it was stale is the checker's judgement, from the tokens. */
	sim_event e = sim_event_make(w->now, SIM_EV_WORK, n->pod);
	e.token = n->token;
	sim__record(w, &e);
	sim__push(w, node_after(w, n, n->ps->work_period_ns), EV_WORK,
		  (uint32_t)n->pod, arg);
}

static void node_exit(sim_world *w, sim_node *n);

static void on_acting_end(sim_world *w, sim_node *n, uint64_t arg)
{
	if (arg != pack(n->inc, n->term) || !n->acting)
		return;
	if (n->paused) {
		if (n->acting_end_due == NO_TIME)
			n->acting_end_due = w->now;
		return;
	}
	acting_end(w, n);
	if (n->exit_after_drain) {
		node_exit(w, n);
		return;
	}
	if (n->cancel_after_drain && n->state == NODE_TERMINATING && n->e) {
		n->cancel_after_drain = false;
		check_input(w, n, le_elector_cancel(n->e, node_time(n, w->now), draw(w, n)),
			    "cancel");
		drain(w, n);
		sim__arm(w, n);
	}
}

/* ---- the node life cycle ----------------------------------------------------- */

static void clear_process(sim_world *w, sim_node *n)
{
	le_elector_free(n->e);
	n->e = NULL;
	sim__coord_node_stopped(w, n);
	n->state = NODE_DEAD;
	n->inc++;
	n->paused = false;
	n->timer_gen++;
	n->timer_at = n->timer_want = NO_TIME;
	n->work_due = n->acting_end_due = n->sigterm_due = NO_TIME;
	for (size_t k = 0; k < n->npend; k++)
		req_free(w, n->pend[k]);
	n->npend = 0;
}

static void fill_config(const sim_node *n, le_config *c);
static le_elector *node_elector(sim_world *w, const sim_node *n, char *err,
				size_t errcap);

/* KEP-5366 "rejoin without exit": the process stays, a new core runs the
 * election again at once; the lost term's user code is not cut short. */
static bool node_rejoin(sim_world *w, sim_node *n)
{
	if (!n->ps->rejoin_on_loss || n->deleted || n->state != NODE_RUNNING)
		return false;
	char err[LE_ERRMSG_MAX];
	le_elector *e = node_elector(w, n, err, sizeof err);
	if (!e) {
		sim__fail(w, LE_EINVAL, "pod %s: cannot rejoin: %s",
			  sim__node_name(w, n), err);
		return true;
	}
	le_elector_free(n->e);
	n->e = e;
	if (w->big_fleet)
		le_elector_set_io_spare(n->e, &w->io_spare);
	n->core++; /* answers to the old core's requests are dropped */
	n->timer_gen++;
	n->timer_at = n->timer_want = NO_TIME;
	check_input(w, n, le_elector_start(n->e, node_time(n, w->now), draw(w, n)),
		    "rejoin");
	drain(w, n);
	sim__arm(w, n);
	return true;
}

static void node_exit(sim_world *w, sim_node *n)
{
	if (node_rejoin(w, n))
		return;
	if (n->ps->wait_for_drain && n->acting && n->ps->stop_delay_ns > 0 &&
	    !n->exit_after_drain) {
		n->exit_after_drain = true; /* on_acting_end exits */
		return;
	}
	n->exit_after_drain = false;
	acting_end(w, n);
	sim__note(w, SIM_EV_POD_EXIT, n->pod, -1);
	bool restart = !n->deleted;
	clear_process(w, n);
	if (restart)
		sim__push(w, w->now + SIM_CRASHLOOP_BACKOFF_NS, EV_POD_START,
			  (uint32_t)n->pod, n->inc);
}

void sim__node_kill(sim_world *w, sim_node *n, int32_t fault)
{
	if (!sim__alive(n))
		return;
	bool leading = n->e && le_elector_leading(n->e);
	acting_end(w, n);
	sim_event e = sim_event_make(w->now, SIM_EV_POD_DEATH, n->pod);
	e.fault = fault;
	e.was_leader = leading;
	sim__record(w, &e);
	clear_process(w, n);
}

static void fill_config(const sim_node *n, le_config *c)
{
	const sim_election *el = node_election(n);
	memset(c, 0, sizeof *c);
	c->identity = n->identity;
	c->lock_kind = el->lock_kind;
	c->lock_namespace = el->lock_namespace;
	c->lock_name = el->lock_name;
	c->lease_duration_ns = el->lease_duration_ns;
	c->renew_deadline_ns = el->renew_deadline_ns;
	c->retry_period_ns = el->retry_period_ns;
	c->release_on_cancel = el->release_on_cancel;
	c->request_timeout_ns = el->request_timeout_ns;
	c->profile = n->profile;
	c->has_started_leading_cb = true;
	c->has_stopped_leading_cb = true;
	c->has_lock = true;
	c->name = NULL;
	c->coordinated = n->ps->coordinated;
	c->no_logs = true; /* drain() has no use for them */
}

/* The configuration a big fleet's elector shares with the others like it:
 * found, or added (NULL when there are too many or no memory: then the
 * elector takes its own copy, which behaves the same). */
static const le_config *shared_config(sim_world *w, const le_config *c)
{
	/* fill_config zeroes c first, so its bytes are the key: equal but for
	 * the identity. Its strings compare by pointer, and the scenario keeps
	 * a replica set's once; equal names kept twice only share less. */
	le_config key;
	memcpy(&key, c, sizeof key);
	key.identity = NULL;
	uint32_t last = w->last_shared_cfg;
	if (last < w->nshared_cfg && memcmp(w->shared_cfg[last], &key, sizeof key) == 0)
		return w->shared_cfg[last];
	for (uint32_t i = 0; i < w->nshared_cfg; i++)
		if (memcmp(w->shared_cfg[i], &key, sizeof key) == 0) {
			w->last_shared_cfg = i;
			return w->shared_cfg[i];
		}
	if (w->nshared_cfg == SIM_SHARED_CFG_MAX)
		return NULL;
	if (!w->shared_cfg &&
	    !(w->shared_cfg = calloc(SIM_SHARED_CFG_MAX, sizeof *w->shared_cfg)))
		return NULL;
	le_config *k = malloc(sizeof *k);
	if (!k)
		return NULL;
	memcpy(k, &key, sizeof key); /* no identity: each elector has its own */
	w->last_shared_cfg = w->nshared_cfg;
	w->shared_cfg[w->nshared_cfg++] = k;
	return k;
}

/* A new elector for n: in a big fleet with a configuration it shares (the
 * strings it points at, the scenario's, outlive the world). */
static le_elector *node_elector(sim_world *w, const sim_node *n, char *err,
				size_t errcap)
{
	le_config c;
	fill_config(n, &c);
	const le_config *shared = w->big_fleet ? shared_config(w, &c) : NULL;
	if (shared)
		return le_elector_new_shared(shared, n->identity, err, errcap);
	return le_elector_new(&c, err, errcap);
}

void sim__node_start(sim_world *w, sim_node *n)
{
	char err[LE_ERRMSG_MAX];
	n->e = node_elector(w, n, err, sizeof err);
	if (!n->e) {
		sim__fail(w, LE_EINVAL, "pod %s: cannot start its elector: %s",
			  sim__node_name(w, n), err);
		return;
	}
	if (w->big_fleet)
		le_elector_set_io_spare(n->e, &w->io_spare);
	if (n->state != NODE_WAITING)
		n->restarts++;
	n->inc++;
	n->state = NODE_RUNNING;
	n->paused = false;
	n->acting = false;
	n->probe_fails = 0;
	n->cancel_after_drain = n->exit_after_drain = false;
	sim_event e = sim_event_make(w->now, SIM_EV_POD_START, n->pod);
	e.restarts = n->restarts;
	sim__record(w, &e);
	if (n->ps->probe_period_ns > 0)
		sim__push(w, w->now + n->ps->probe_period_ns, EV_PROBE,
			  (uint32_t)n->pod, n->inc);
	check_input(w, n, le_elector_start(n->e, node_time(n, w->now), draw(w, n)),
		    "start");
	drain(w, n);
	sim__arm(w, n);
	sim__coord_node_started(w, n);
}

static void deliver_sigterm(sim_world *w, sim_node *n)
{
	n->sigterm_due = NO_TIME;
	if (n->ps->sigterm_ignored || n->state != NODE_RUNNING)
		return;
	n->state = NODE_TERMINATING;
	if (n->ps->shutdown_starts_work && !n->acting && n->ps->stop_delay_ns > 0) {
		/* controller-runtime#2719: shutting down starts leader work */
		n->acting = true;
		sim_event e = sim_event_make(w->now, SIM_EV_ROGUE_START, n->pod);
		e.term = n->term;
		e.token = n->token;
		sim__record(w, &e);
		sim__push(w, node_after(w, n, n->ps->stop_delay_ns), EV_ACTING_END,
			  (uint32_t)n->pod, pack(n->inc, n->term));
		if (n->ps->work_period_ns > 0)
			sim__push(w, w->now, EV_WORK, (uint32_t)n->pod,
				  pack(n->inc, n->term));
	}
	if (n->ps->release_after_drain && n->acting) {
		/* the leader context is cancelled: the code drains, then the
		 * core is cancelled (and releases) at its acting end */
		n->cancel_after_drain = true;
		if (n->ps->stop_delay_ns > 0) {
			sim__push(w, node_after(w, n, n->ps->stop_delay_ns),
				  EV_ACTING_END, (uint32_t)n->pod,
				  pack(n->inc, n->term));
			return;
		}
		acting_end(w, n);
	}
	n->cancel_after_drain = false;
	check_input(w, n, le_elector_cancel(n->e, node_time(n, w->now), draw(w, n)),
		    "cancel");
	drain(w, n);
	sim__arm(w, n);
}

/* Carry out what the core queued. DONE ends the process, so it is handled
 * after the loop (the outputs' pointers belong to the core). */
static void drain(sim_world *w, sim_node *n)
{
	if (!n->e)
		return;
	le_output o;
	bool done = false;
	while (le_elector_next_output(n->e, &o)) {
		switch (o.kind) {
		case LE_OUT_SEND:
			send_request(w, n, o.u.request);
			break;
		case LE_OUT_ABORT:
			/* The core ignores a late answer; the wire does not
			 * care that the client hung up. */
			break;
		case LE_OUT_STARTED_LEADING:
			started_leading(w, n);
			break;
		case LE_OUT_STOPPED_LEADING:
			stopped_leading(w, n, o.u.was_leader);
			break;
		case LE_OUT_NEW_LEADER: {
			int32_t id = sim_history_identity(&w->h, o.u.identity);
			if (id < -1)
				sim__fail(w, LE_ENOMEM, "out of memory for an identity");
			sim_event e = sim_event_make(w->now, SIM_EV_NEW_LEADER, n->pod);
			e.holder = id < 0 ? -1 : id;
			sim__record(w, &e);
			break;
		}
		case LE_OUT_LOG: /* none: fill_config asks for no_logs */
			break;
		case LE_OUT_DONE:
			done = true;
			break;
		}
	}
	/* every output is carried out (a SEND's request copied): in a big
	 * fleet the core may drop its output buffers until its next input
	 * (6 KB a candidate), into the world's one spare block that the next
	 * input takes (w->io_spare); a small one keeps them, which is faster */
	if (w->big_fleet)
		le_elector_outputs_done(n->e);
	if (done)
		node_exit(w, n);
}

/* Keep one live heap entry no later than the core's next deadline. A later
 * deadline keeps the earlier entry, which re-queues itself when it fires
 * early (cheaper than a push per input, and an early fire never reaches the
 * core). An earlier one (a request's answer came before its timeout) moves
 * the entry up where that is cheap, a small queue; else a new entry goes
 * in and the old one, stale, pops as a no-op. */
void sim__arm(sim_world *w, sim_node *n)
{
	if (!n->e || n->paused) {
		n->timer_want = NO_TIME;
		return;
	}
	int64_t d = le_elector_next_deadline(n->e);
	int64_t want = NO_TIME;
	if (d != INT64_MAX) {
		want = sim_clock_true_at_mono(&n->clock, d);
		if (want < w->now)
			want = w->now;
	}
	n->timer_want = want;
	if (want >= n->timer_at)
		return;
	if (n->timer_at != NO_TIME &&
	    sim_heap_advance(&w->heap, EV_TIMER, (uint32_t)n->pod, n->timer_gen,
			     want)) {
		n->timer_at = want;
		return;
	}
	n->timer_gen++;
	n->timer_at = want;
	sim__push(w, want, EV_TIMER, (uint32_t)n->pod, n->timer_gen);
}

static void on_timer(sim_world *w, sim_node *n, uint64_t gen)
{
	if (gen != n->timer_gen)
		return;
	n->timer_at = NO_TIME;
	if (!n->e || n->paused || n->timer_want == NO_TIME)
		return;
	if (w->now < n->timer_want) {
		n->timer_at = n->timer_want;
		sim__push(w, n->timer_want, EV_TIMER, (uint32_t)n->pod, gen);
		return;
	}
	check_input(w, n, le_elector_on_timer(n->e, node_time(n, w->now), draw(w, n)),
		    "a timer");
	drain(w, n);
	sim__arm(w, n);
}

/* The kubelet's liveness probe (sim_pod_spec.probe_period_ns): the healthz
 * check on the pod's own monotonic clock; a stopped process does not
 * answer. At the threshold the container is killed and started again. */
static void on_probe(sim_world *w, sim_node *n, uint64_t inc)
{
	if (inc != n->inc || !sim__alive(n) || !n->e)
		return;
	bool ok = !n->paused &&
		  le_elector_check(n->e, sim_clock_mono_ns(&n->clock, w->now),
				   n->ps->healthz_tolerance_ns, NULL, 0) == LE_OK;
	n->probe_fails = ok ? 0 : n->probe_fails + 1;
	if (n->probe_fails < n->ps->probe_failure_threshold) {
		sim__push(w, w->now + n->ps->probe_period_ns, EV_PROBE,
			  (uint32_t)n->pod, n->inc);
		return;
	}
	sim_event e = sim_event_make(w->now, SIM_EV_PROBE_RESTART, n->pod);
	e.probe_failures = n->probe_fails;
	sim__record(w, &e);
	sim__node_kill(w, n, -1);
	if (!n->deleted)
		sim__node_start(w, n);
}

/* ---- pause and resume -------------------------------------------------------- */

void sim__node_pause(sim_world *w, sim_node *n, int32_t fault)
{
	if (!sim__alive(n) || n->paused)
		return;
	n->paused = true;
	sim__note(w, SIM_EV_PAUSE, n->pod, fault);
}

typedef struct held {
	int64_t due;
	uint32_t kind;
	uint64_t arg;
} held;

/* Everything that fell due during the pause runs now, in the order it fell
 * due (the process's monotonic clock kept running). */
void sim__node_resume(sim_world *w, sim_node *n, int32_t fault)
{
	if (!sim__alive(n) || !n->paused)
		return;
	n->paused = false;
	sim__note(w, SIM_EV_RESUME, n->pod, fault);
	size_t cap = n->npend + 4, nh = 0;
	held *hs = malloc(cap * sizeof *hs);
	if (!hs) {
		sim__fail(w, LE_ENOMEM, "out of memory resuming pod %s",
			  sim__node_name(w, n));
		return;
	}
	for (size_t k = 0; k < n->npend; k++)
		hs[nh++] = (held){w->reqs[n->pend[k]]->due_ns, EV_DELIVER, n->pend[k]};
	n->npend = 0;
	int64_t deadline = n->e ? le_elector_next_deadline(n->e) : INT64_MAX;
	int64_t timer_due = deadline == INT64_MAX
				    ? NO_TIME
				    : sim_clock_true_at_mono(&n->clock, deadline);
	if (timer_due <= w->now)
		hs[nh++] = (held){timer_due, EV_TIMER, 0};
	if (n->work_due != NO_TIME)
		hs[nh++] = (held){n->work_due, EV_WORK, pack(n->inc, n->term)};
	if (n->acting_end_due != NO_TIME)
		hs[nh++] = (held){n->acting_end_due, EV_ACTING_END, pack(n->inc, n->term)};
	if (n->sigterm_due != NO_TIME)
		hs[nh++] = (held){n->sigterm_due, EV_SIGTERM, n->inc};
	n->work_due = n->acting_end_due = n->sigterm_due = NO_TIME;
	/* stable insertion sort: equal times keep the order above */
	for (size_t a = 1; a < nh; a++) {
		held x = hs[a];
		size_t b = a;
		for (; b > 0 && hs[b - 1].due > x.due; b--)
			hs[b] = hs[b - 1];
		hs[b] = x;
	}
	for (size_t k = 0; k < nh; k++) {
		uint32_t node = hs[k].kind == EV_DELIVER ? 0 : (uint32_t)n->pod;
		uint64_t arg = hs[k].arg;
		if (hs[k].kind == EV_TIMER) {
			n->timer_gen++;
			n->timer_at = n->timer_want = w->now;
			arg = n->timer_gen;
		}
		sim__push(w, w->now, hs[k].kind, node, arg);
	}
	free(hs);
	if (timer_due > w->now)
		sim__arm(w, n);
	sim__coord_kick(w); /* its candidate's held timer */
}

/* ---- pods: creation, deletion, replacement ------------------------------------ */

/* *id: the w->locks entry of el's lock names, added when new. Replicas
 * share the scenario's copies, so the last entry is the usual answer; a
 * pod with names of its own adds one (at most one a node). */
static bool lock_names_id(sim_world *w, const sim_election *el, uint32_t *id)
{
	sim_lock_names want = {el->lock_namespace, el->lock_name};
	if (w->nlocks && w->locks[w->nlocks - 1].ns == want.ns &&
	    w->locks[w->nlocks - 1].name == want.name) {
		*id = w->nlocks - 1;
		return true;
	}
	if (w->nlocks == w->locks_cap) {
		uint32_t cap = w->locks_cap ? w->locks_cap * 2 : 4;
		sim_lock_names *v = realloc(w->locks, cap * sizeof *v);
		if (!v)
			return false;
		w->locks = v;
		w->locks_cap = cap;
	}
	w->locks[w->nlocks] = want;
	*id = w->nlocks++;
	return true;
}

static sim_node *node_new(sim_world *w, const sim_pod_spec *ps, int32_t spec,
			  const char *name, const le_profile *profile,
			  int32_t replaces, sim_stream node_stream,
			  sim_stream net_stream, uint64_t stream_index)
{
	if (w->nnodes == w->nodes_cap) {
		size_t cap = w->nodes_cap ? w->nodes_cap * 2 : 8;
		sim_node **v = realloc(w->nodes, cap * sizeof *v);
		if (!v)
			return NULL;
		w->nodes = v;
		w->nodes_cap = cap;
	}
	/* name and identity cut to LE_ID_MAX-1 bytes; the node reads the
	 * history's copies, which live as long as the world (a copy of its
	 * own was 32 bytes a pod) */
	const char *id = ps->identity && ps->identity[0] ? ps->identity : name;
	char name_cut[LE_ID_MAX], id_cut[LE_ID_MAX];
	size_t name_len = strnlen(name, LE_ID_MAX - 1);
	size_t id_len = strnlen(id, LE_ID_MAX - 1);
	memcpy(name_cut, name, name_len);
	name_cut[name_len] = '\0';
	memcpy(id_cut, id, id_len);
	id_cut[id_len] = '\0';
	sim_node *n = sim_text_alloc(&w->pool, sizeof *n, _Alignof(sim_node));
	if (!n)
		return NULL;
	n->ps = ps;
	n->profile = profile ? profile : &le_profile_client_go;
	n->identity_idx = sim_history_identity(&w->h, id_cut);
	int32_t pod = n->identity_idx < 0
			      ? n->identity_idx
			      : sim_history_add_pod(&w->h, name_cut, n->identity_idx,
						    spec, replaces);
	if (pod < 0)
		return NULL; /* n stays in the pool until the world goes */
	n->pod = pod;
	n->identity = w->h.identities[n->identity_idx];
	/* the lock's names (kept once for a replica set by the scenario):
	 * a commit then reads no pod spec, a cache miss apiece at 10,000 */
	if (!lock_names_id(w, &ps->election, &n->lock_id))
		return NULL;
	n->lock_kind = ps->election.lock_kind;
	sim_clock_init(&n->clock, w->now, ps->clock_offset_ns, ps->clock_rate_ppm);
	sim_rng_stream(&n->rng, w->seed, node_stream, stream_index);
	sim_rng_stream(&n->net_rng, w->seed, net_stream, stream_index);
	n->state = NODE_WAITING;
	n->timer_at = n->timer_want = NO_TIME;
	n->work_due = n->acting_end_due = n->sigterm_due = NO_TIME;
	w->nodes[w->nnodes++] = n;
	return n;
}

static bool name_taken(const sim_world *w, const char *name)
{
	for (size_t i = 0; i < w->h.npods; i++)
		if (strcmp(w->h.pods[i].name, name) == 0)
			return true;
	return false;
}

/* A Deployment's replacement: "<spec name>-<5 random lowercase letters>". */
static void on_replace(sim_world *w, sim_node *old, int32_t fault)
{
	const sim_pod_spec *ps = old->ps;
	char name[LE_ID_MAX];
	for (int tries = 0;; tries++) {
		char suffix[6];
		for (int k = 0; k < 5; k++)
			suffix[k] = (char)('a' + sim_rng_below(&w->fault_rng, 26));
		suffix[5] = '\0';
		snprintf(name, sizeof name, "%.*s-%s", LE_ID_MAX - 8, ps->name, suffix);
		if (!name_taken(w, name) || tries == 100)
			break;
	}
	const le_profile *profile = old->profile;
	if (fault >= 0 && w->sc->faults[fault].replacement_profile)
		profile = w->sc->faults[fault].replacement_profile;
	int32_t spec = w->h.pods[old->pod].spec;
	sim_node *n = node_new(w, ps, spec, name, profile, old->pod,
			       SIM_STREAM_NODE_REPL, SIM_STREAM_NET_REPL,
			       w->nrepl++);
	if (!n) {
		sim__fail(w, LE_ENOMEM, "out of memory starting a replacement pod");
		return;
	}
	sim__node_start(w, n);
}

void sim__node_delete(sim_world *w, sim_node *n, const sim_fault *f,
		      int32_t fault)
{
	if (!sim__alive(n))
		return;
	int64_t grace = f->grace_period_ns >= 0 ? f->grace_period_ns
						: n->ps->grace_period_ns;
	n->deleted = true;
	sim_event e = sim_event_make(w->now, SIM_EV_POD_SIGTERM, n->pod);
	e.fault = fault;
	e.grace_period_ns = grace;
	sim__record(w, &e);
	if (f->replace)
		sim__push(w, w->now + n->ps->replacement_start_ns, EV_REPLACE,
			  (uint32_t)n->pod, (uint64_t)fault);
	if (grace <= 0) {
		sim__node_kill(w, n, fault);
		return;
	}
	sim__push(w, w->now + grace, EV_GRACE_KILL, (uint32_t)n->pod, n->inc);
	if (n->paused)
		n->sigterm_due = w->now; /* handled when the process runs again */
	else
		deliver_sigterm(w, n);
}

/* ---- the events of pods and requests (the loop is in world_run.c) ------------ */

void sim__node_event(sim_world *w, const sim_heap_ev *ev)
{
	sim_node *n = NULL;
	switch (ev->kind) {
	case EV_ARRIVE:
		on_arrive(w, (uint32_t)ev->arg);
		return;
	case EV_COMMIT:
		commit(w, (uint32_t)ev->arg);
		return;
	case EV_DELIVER:
		on_deliver(w, (uint32_t)ev->arg);
		return;
	case EV_TRIGGER_ARRIVE:
		on_trigger_arrive(w, (uint32_t)ev->arg);
		return;
	case EV_RESPOND:
		response_leg(w, (uint32_t)ev->arg);
		return;
	case EV_COORD:
	case EV_COORD_PUMP:
	case EV_COORD_WATCH:
	case EV_COORD_NOTE:
	case EV_COORD_CALL:
		sim__coord_event(w, ev);
		return;
	default:
		break;
	}
	n = w->nodes[ev->node];
	switch (ev->kind) {
	case EV_POD_START:
		if (n->state != NODE_RUNNING && n->state != NODE_TERMINATING &&
		    n->inc == ev->arg)
			sim__node_start(w, n);
		break;
	case EV_TIMER:
		on_timer(w, n, ev->arg);
		break;
	case EV_GRACE_KILL:
		if (n->inc == ev->arg)
			sim__node_kill(w, n, -1);
		break;
	case EV_SIGTERM:
		if (n->inc != ev->arg || !sim__alive(n))
			break;
		if (n->paused)
			n->sigterm_due = w->now;
		else
			deliver_sigterm(w, n);
		break;
	case EV_ACTING_END:
		on_acting_end(w, n, ev->arg);
		break;
	case EV_WORK:
		on_work(w, n, ev->arg);
		break;
	case EV_PROBE:
		on_probe(w, n, ev->arg);
		break;
	case EV_REPLACE:
		on_replace(w, n, (int32_t)ev->arg);
		break;
	default:
		sim__fail(w, LE_ESTATE, "unknown simulator event %u", ev->kind);
	}
}

/* ---- construction --------------------------------------------------------------- */

typedef struct pod_name_ref {
	const char *name;
	size_t i;
} pod_name_ref;

static int cmp_pod_name(const void *a, const void *b)
{
	const pod_name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The first pod (*dup_i, SIZE_MAX for none) whose name an earlier one
 * (*dup_j, the first of them) has: sorted, so O(n log n) where comparing
 * each pod with all before it made 10,000 replicas cost 50 M strcmp. */
static int find_duplicate_name(const sim_scenario *sc, size_t *dup_i, size_t *dup_j)
{
	*dup_i = *dup_j = SIZE_MAX;
	if (sc->npods < 2)
		return LE_OK;
	pod_name_ref *v = malloc(sc->npods * sizeof *v);
	if (!v)
		return LE_ENOMEM;
	for (size_t i = 0; i < sc->npods; i++)
		v[i] = (pod_name_ref){sc->pods[i].name, i};
	qsort(v, sc->npods, sizeof *v, cmp_pod_name);
	for (size_t k = 1; k < sc->npods; k++) {
		/* v[k-1] is the first of its group when the name changes there */
		if (strcmp(v[k - 1].name, v[k].name) == 0 && v[k].i < *dup_i &&
		    (k == 1 || strcmp(v[k - 2].name, v[k].name) != 0)) {
			*dup_i = v[k].i;
			*dup_j = v[k - 1].i;
		}
	}
	free(v);
	return LE_OK;
}

static int check_pod(const sim_scenario *sc, size_t i, size_t dup_i, size_t dup_j,
		     char *err, size_t errcap)
{
	const sim_pod_spec *p = &sc->pods[i];
	char what[LE_ID_MAX + 32];
	snprintf(what, sizeof what, "pods[%zu] (%s)", i, p->name);
	if (!p->name[0]) {
		snprintf(err, errcap, "pods[%zu]: a pod needs a name", i);
		return LE_EINVAL;
	}
	if (i == dup_i && p->name[0]) {
		snprintf(err, errcap, "%s: the name is also used by pods[%zu]", what, dup_j);
		return LE_EINVAL;
	}
	if (p->clock_rate_ppm <= -1000000 || p->clock_rate_ppm > 10000000) {
		snprintf(err, errcap, "%s: clock rate %d ppm is outside (-1000000, 10000000]",
			 what, (int)p->clock_rate_ppm);
		return LE_EINVAL;
	}
	if (p->start_ns < 0 || p->grace_period_ns < 0 ||
	    p->replacement_start_ns < 0 || p->work_period_ns < 0 ||
	    p->stop_delay_ns < 0) {
		snprintf(err, errcap, "%s: start, grace period, replacement start, work period and stop delay must not be negative",
			 what);
		return LE_EINVAL;
	}
	le_config c;
	sim_node tmp = {.ps = p, .profile = p->election.profile};
	char id[LE_ID_MAX];
	snprintf(id, sizeof id, "%s", sim_pod_identity(p));
	tmp.identity = id;
	fill_config(&tmp, &c);
	char e[LE_ERRMSG_MAX];
	if (le_config_validate(&c, e, sizeof e) != LE_OK) {
		snprintf(err, errcap, "%s: %s", what, e);
		return LE_EINVAL;
	}
	return LE_OK;
}

static int check_fault(const sim_scenario *sc, size_t i, char *err, size_t errcap)
{
	const sim_fault *f = &sc->faults[i];
	char what[SIM_NAME_MAX + 48];
	snprintf(what, sizeof what, "faults[%zu] (%s, line %d)", i, f->label, f->line);
	if (f->action < SIM_ACT_POD_KILL || f->action > SIM_ACT_LAST) {
		snprintf(err, errcap, "%s: unknown action %d", what, (int)f->action);
		return LE_EINVAL;
	}
	if (f->at_ns < 0 || f->duration_ns < 0) {
		snprintf(err, errcap, "%s: at and duration must not be negative", what);
		return LE_EINVAL;
	}
	if (f->action >= SIM_ACT_DELETE_CANDIDATE && !sim__coord_enabled(sc)) {
		snprintf(err, errcap,
			 "%s: %s needs a coordinated pod (no election controller runs)",
			 what, sim_fault_action_name(f->action));
		return LE_EINVAL;
	}
	if ((f->mode == SIM_MODE_FIXED || f->mode == SIM_MODE_FIXED_PERCENT) &&
	    f->value <= 0) {
		snprintf(err, errcap, "%s: mode fixed/fixed-percent needs a value > 0", what);
		return LE_EINVAL;
	}
	if ((int)f->mode < SIM_MODE_ONE || f->mode > SIM_MODE_FIXED_PERCENT ||
	    (int)f->role < SIM_ROLE_ANY || f->role > SIM_ROLE_FOLLOWER ||
	    (int)f->direction < SIM_DIR_BOTH || f->direction > SIM_DIR_FROM ||
	    (int)f->partition_kind < FA_PART_NONE ||
	    f->partition_kind > FA_PART_BLACKHOLE) {
		snprintf(err, errcap, "%s: unknown mode, role, direction or partition kind",
			 what);
		return LE_EINVAL;
	}
	if (f->nnames < 0 || f->nnames > SIM_SELECT_MAX) {
		snprintf(err, errcap, "%s: %d names (at most %d)", what, f->nnames,
			 SIM_SELECT_MAX);
		return LE_EINVAL;
	}
	if (f->action == SIM_ACT_LOSS && !(f->loss >= 0.0 && f->loss <= 1.0)) {
		snprintf(err, errcap, "%s: loss must be a probability in [0, 1]", what);
		return LE_EINVAL;
	}
	if (f->action == SIM_ACT_CLOCK_RATE &&
	    (f->rate_ppm <= -1000000 || f->rate_ppm > 10000000)) {
		snprintf(err, errcap, "%s: clock rate %d ppm is outside (-1000000, 10000000]",
			 what, (int)f->rate_ppm);
		return LE_EINVAL;
	}
	if (f->action == SIM_ACT_DELAY)
		return sim_latency_check(&f->latency, what, err, errcap);
	return LE_OK;
}

static int check_scenario(const sim_scenario *sc, char *err, size_t errcap)
{
	if (!sc) {
		snprintf(err, errcap, "no scenario");
		return LE_EINVAL;
	}
	if (sc->duration_ns <= 0) {
		snprintf(err, errcap, "scenario %s: duration must be > 0", sc->name);
		return LE_EINVAL;
	}
	if (sc->npods == 0 || !sc->pods) {
		snprintf(err, errcap, "scenario %s: no pods", sc->name);
		return LE_EINVAL;
	}
	if (sc->nfaults > 0 && !sc->faults) {
		snprintf(err, errcap, "scenario %s: %zu faults but no fault list",
			 sc->name, sc->nfaults);
		return LE_EINVAL;
	}
	int rc = sim_latency_check(&sc->latency_to, "latency to the apiserver", err, errcap);
	if (rc == LE_OK)
		rc = sim_latency_check(&sc->latency_from, "latency from the apiserver", err, errcap);
	/* the strings a hand-built scenario must give (the parser always
	 * does): everything after reads them */
	for (size_t i = 0; rc == LE_OK && i < sc->npods; i++) {
		const sim_pod_spec *p = &sc->pods[i];
		const char *missing =
			!p->name ? "a name"
			: !p->election.lock_namespace || !p->election.lock_name
				? "a lock namespace and name"
			: p->coordinated && (!p->binary_version || !p->emulation_version ||
					     (p->upgrade_at_ns != INT64_MAX &&
					      (!p->upgrade_binary_version ||
					       !p->upgrade_emulation_version)))
				? "its versions (coordinated)"
				: NULL;
		if (missing) {
			snprintf(err, errcap, "pods[%zu]: a pod needs %s", i, missing);
			rc = LE_EINVAL;
		}
	}
	if (rc == LE_OK && (!sc->defaults.lock_namespace || !sc->defaults.lock_name)) {
		snprintf(err, errcap, "scenario %s: the defaults need a lock namespace and name",
			 sc->name);
		rc = LE_EINVAL;
	}
	size_t dup_i = SIZE_MAX, dup_j = SIZE_MAX;
	if (rc == LE_OK && find_duplicate_name(sc, &dup_i, &dup_j) != LE_OK) {
		snprintf(err, errcap, "scenario %s: out of memory", sc->name);
		rc = LE_ENOMEM;
	}
	for (size_t i = 0; rc == LE_OK && i < sc->npods; i++)
		rc = check_pod(sc, i, dup_i, dup_j, err, errcap);
	for (size_t i = 0; rc == LE_OK && i < sc->nfaults; i++)
		rc = check_fault(sc, i, err, errcap);
	return rc;
}

sim_world *sim_world_new(const sim_scenario *sc, uint64_t seed, char *err,
			 size_t errcap)
{
	if (check_scenario(sc, err, errcap) != LE_OK)
		return NULL;
	sim_world *w = calloc(1, sizeof *w);
	if (!w)
		goto oom;
	w->sc = sc;
	w->seed = seed;
	/* Below this many pods everything stays in cache: the malloc and
	 * free per input, the packing and the peek cost more than they save
	 * (the histories are the same either way). */
	w->big_fleet = sc->npods >= SIM_BIG_FLEET_PODS;
	w->free_req = NO_SLOT;
	sim_history_init(&w->h);
	w->h.seed = seed;
	if (sim_heap_init(&w->heap, 256) != LE_OK)
		goto oom;
	/* A fleet's timers spread over seconds: the calendar keeps the heap
	 * to the next few tens of milliseconds (sim/heap.c); a chooser reads
	 * the heap as every pending event, so it flattens the queue again. */
	if (w->big_fleet && sim_heap_calendar(&w->heap, SIM_CALENDAR_WIDTH_NS,
					      SIM_CALENDAR_BUCKETS) != LE_OK)
		goto oom;
	w->store = fa_store_new(sim_stream_seed(seed, SIM_STREAM_STORE, 0));
	w->faults = fa_faults_new();
	w->fr = calloc(sc->nfaults ? sc->nfaults : 1, sizeof *w->fr);
	if (!w->store || !w->faults || !w->fr)
		goto oom;
	/* The history's LEASE_WRITE events are the record of every commit;
	 * the store's own copy (a whole record per write) would only cost
	 * memory and time. */
	fa_store_set_history(w->store, false);
	sim_rng_stream(&w->fault_rng, seed, SIM_STREAM_FAULTS, 0);
	for (size_t i = 0; i < sc->npods; i++) {
		const sim_pod_spec *ps = &sc->pods[i];
		sim_node *n = node_new(w, ps, (int32_t)i, ps->name,
				       ps->election.profile, -1, SIM_STREAM_NODE,
				       SIM_STREAM_NET, i);
		if (!n)
			goto oom;
		sim__push(w, ps->start_ns, EV_POD_START, (uint32_t)n->pod, n->inc);
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		int64_t at = f->at_ns;
		if (f->at_max_ns > f->at_ns) {
			/* its own stream: drawing it shifts no other draw */
			fa_rng r;
			sim_rng_stream(&r, seed, SIM_STREAM_FAULTS, 1 + (uint64_t)i);
			at += (int64_t)sim_rng_below(&r, (uint64_t)(f->at_max_ns - f->at_ns) + 1);
		}
		if (f->when.kind != SIM_WHEN_NONE)
			w->any_trigger = true; /* started by its event (trigger()) */
		else
			sim__push(w, at, EV_FAULT_START, 0, i);
	}
	if (w->rc != LE_OK || sim__coord_init(w) != LE_OK)
		goto oom;
	if (sc->timing.present) {
		/* replay one run's timing choices (docs/prove.md) */
		const sim_timing_spec *t = &sc->timing;
		sim_chooser_opts co = {.points = t->points,
				       .window_ns = t->window_ns,
				       .depth_max = t->depth,
				       .critical = t->critical};
		w->own_ch = sim_chooser_new(&co);
		if (!w->own_ch ||
		    sim_chooser_replay(w->own_ch, sc, t->path, t->npath) != LE_OK)
			goto oom;
		sim_world_set_chooser(w, NULL);
	}
	return w;
oom:
	snprintf(err, errcap, "out of memory creating the simulated world");
	sim_world_free(w);
	return NULL;
}

/* Everything but the history and the world itself; what it frees it
 * leaves NULL and counted empty, so that it can run twice. */
static void release_run(sim_world *w)
{
	for (size_t i = 0; i < w->nnodes; i++) {
		sim_node *n = w->nodes[i];
		le_elector_free(n->e);
		le_cand_free(n->cand);
		free(n->pend);
		free(n->netf);
	}
	w->nnodes = w->nodes_cap = 0;
	free(w->io_spare); /* after the electors that lend it */
	w->io_spare = NULL;
	for (uint32_t i = 0; i < w->nshared_cfg; i++)
		free(w->shared_cfg[i]); /* after the electors that read them */
	free(w->shared_cfg);
	w->shared_cfg = NULL;
	w->nshared_cfg = 0;
	if (w->ch == w->own_ch)
		w->ch = NULL;
	sim_chooser_free(w->own_ch);
	w->own_ch = NULL;
	free(w->nodes);
	w->nodes = NULL;
	free(w->locks);
	w->locks = NULL;
	w->nlocks = w->locks_cap = 0;
	free(w->reqs);
	w->reqs = NULL;
	w->nreqs = w->reqs_cap = 0;
	w->free_req = NO_SLOT;
	sim_text_free(&w->pool); /* the nodes and request slots */
	sim_strtab_free(&w->strs);
	if (w->fr)
		for (size_t i = 0; i < w->sc->nfaults; i++) {
			free(w->fr[i].targets);
			free(w->fr[i].target_inc);
			free(w->fr[i].saved_rate);
			free(w->fr[i].rule_ids);
		}
	free(w->fr);
	w->fr = NULL;
	fa_faults_free(w->faults);
	w->faults = NULL;
	sim__coord_free(w);
	fa_store_free(w->store);
	w->store = NULL;
	sim_heap_free(&w->heap);
}

void sim_world_shed(sim_world *w)
{
	if (!w || w->shed)
		return;
	release_run(w);
	w->ran = w->shed = true;
}

void sim_world_free(sim_world *w)
{
	if (!w)
		return;
	release_run(w);
	sim_history_free(&w->h);
	free(w);
}

const sim_history *sim_world_history(const sim_world *w)
{
	return &w->h;
}

void sim_world_trace_draws(sim_world *w, int32_t pod, uint64_t *buf,
			   size_t cap, size_t *n)
{
	if (pod < 0 || (size_t)pod >= w->nnodes)
		return;
	w->trace_pod = pod;
	w->trace = buf;
	w->trace_cap = cap;
	w->trace_n = n;
	if (n)
		*n = 0;
}
