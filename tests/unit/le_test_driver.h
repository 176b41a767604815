/* A scripted driver for the election core, shared by the test_le_elector*
 * suites. It feeds inputs at chosen clock readings, collects every output,
 * and answers requests either by hand (reply) or from a tiny
 * compare-and-swap store (serve), so each test puts the core in the state it
 * needs in a few lines. No JSON: records are built field by field.
 *
 * Include after <cmocka.h>. Everything is static inline so that a suite that
 * does not use a helper does not warn. */
#ifndef LE_TEST_DRIVER_H
#define LE_TEST_DRIVER_H

#ifdef NDEBUG
#error "unit tests are never built with NDEBUG"
#endif

#include <stdio.h>
#include <string.h>

#include "leaselab/elector.h"

#define S LE_NS_PER_S
#define MS LE_NS_PER_MS
#define T0 (1000 * S)                          /* mono at start */
#define WALL0 INT64_C(1700000000000000000)     /* wall - mono */

typedef struct cap_out {
	le_output_kind kind;
	le_request req;      /* SEND */
	uint64_t id;         /* ABORT */
	bool was_leader;     /* STOPPED_LEADING */
	le_log log;          /* LOG (arg points at text) */
	char text[512];      /* LOG arg / NEW_LEADER identity */
	int64_t at_mono;
} cap_out;

typedef struct drv {
	le_elector *e;
	int64_t mono;
	int64_t wall_step;   /* added to the wall clock only (NTP step) */
	uint64_t rnd;        /* the draw handed with every input */
	cap_out out[64];     /* outputs of the last input */
	size_t nout;
	bool pending;        /* a request is in flight */
	le_request req;
	int started, stopped, done, new_leaders, aborts, sends;
	unsigned drains;     /* drain() calls (le_elector_outputs_done) */
	/* the store: the object (st_present) and the record in it
	 * (st_has_record: false for an Endpoints object with no annotation) */
	bool st_present;
	bool st_has_record;
	le_record st;
	unsigned st_rv;
	int writes;
	char rvbuf[LE_RV_MAX];
	unsigned char raw[1024];
} drv;

/* a + b, clamped to the int64 range (tests drive absurd clocks too) */
static inline int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static inline le_time now_of(const drv *d)
{
	return (le_time){.mono_ns = d->mono,
			 .wall_ns = sat_add(sat_add(d->mono, WALL0), d->wall_step)};
}

static inline int64_t wall_at(int64_t mono) { return mono + WALL0; }

static inline void drain(drv *d)
{
	le_output o;
	d->nout = 0;
	while (le_elector_next_output(d->e, &o)) {
		assert_true(d->nout < 64);
		cap_out *c = &d->out[d->nout++];
		memset(c, 0, sizeof *c);
		c->kind = o.kind;
		c->at_mono = d->mono;
		switch (o.kind) {
		case LE_OUT_SEND:
			assert_false(d->pending); /* one request at a time */
			c->req = *o.u.request;
			d->req = c->req;
			d->pending = true;
			d->sends++;
			break;
		case LE_OUT_ABORT:
			c->id = o.u.request_id;
			assert_true(d->pending);
			assert_int_equal(c->id, d->req.id);
			d->pending = false;
			d->aborts++;
			break;
		case LE_OUT_STARTED_LEADING:
			d->started++;
			break;
		case LE_OUT_STOPPED_LEADING:
			c->was_leader = o.u.was_leader;
			d->stopped++;
			break;
		case LE_OUT_NEW_LEADER:
			snprintf(c->text, sizeof c->text, "%s", o.u.identity);
			d->new_leaders++;
			break;
		case LE_OUT_LOG:
			c->log = o.u.log;
			if (o.u.log.arg) {
				snprintf(c->text, sizeof c->text, "%s", o.u.log.arg);
				c->log.arg = c->text;
			}
			break;
		case LE_OUT_DONE:
			d->done++;
			break;
		}
	}
	/* Every other drain says it is done with the outputs, so that every
	 * test runs the core both with its output buffers given back between
	 * inputs (as the simulator drives it) and kept (as run.c does). */
	if (d->drains++ % 2)
		le_elector_outputs_done(d->e);
}

static inline le_config cfg_with(const le_profile *p)
{
	le_config c;
	le_config_defaults(&c);
	c.identity = "pod-a";
	c.lock_namespace = "default";
	c.lock_name = "my-lease";
	c.name = "my-lease";
	c.profile = p;
	return c;
}

/* The 0.5 sidecar's timing: --ttl=10s gives 10 s / 5 s / 2.5 s. */
static inline le_config cfg_05(void)
{
	le_config c = cfg_with(&le_profile_sidecar_05);
	c.lock_kind = LE_LOCK_ENDPOINTS;
	c.lease_duration_ns = 10 * S;
	c.renew_deadline_ns = 5 * S;
	c.retry_period_ns = 2500 * MS;
	return c;
}

static inline void drv_init(drv *d, const le_config *c)
{
	memset(d, 0, sizeof *d);
	char err[256] = "";
	d->e = le_elector_new(c, err, sizeof err);
	if (!d->e)
		fail_msg("le_elector_new: %s", err);
	d->mono = T0;
}

static inline void drv_free(drv *d) { le_elector_free(d->e); }

static inline void start(drv *d)
{
	assert_int_equal(le_elector_start(d->e, now_of(d), d->rnd), LE_OK);
	drain(d);
}

/* Jump to the next timer and fire it. */
static inline void fire(drv *d)
{
	int64_t t = le_elector_next_deadline(d->e);
	assert_true(t != INT64_MAX);
	if (t > d->mono)
		d->mono = t;
	assert_int_equal(le_elector_on_timer(d->e, now_of(d), d->rnd), LE_OK);
	drain(d);
}

static inline void cancel(drv *d)
{
	assert_int_equal(le_elector_cancel(d->e, now_of(d), d->rnd), LE_OK);
	drain(d);
}

/* The comparison key the in-process store hands over as raw bytes: the
 * record at whole-second precision (what le_record_key documents). */
static inline size_t key_of(const le_record *r, unsigned char *buf, size_t cap)
{
	int n = snprintf((char *)buf, cap, "%s|%d|%d|%lld|%lld|%d|%s|%s",
			 r->holder, r->holder_set, r->lease_duration_s,
			 r->has_acquire_time ? (long long)(r->acquire_wall_ns / S) : -1LL,
			 r->has_renew_time ? (long long)(r->renew_wall_ns / S) : -1LL,
			 r->transitions, r->strategy, r->preferred_holder);
	return (size_t)n;
}

static inline void reply_raw(drv *d, int status, const le_record *rec,
			     const char *rv, const void *raw, size_t raw_len,
			     const char *reason)
{
	assert_true(d->pending);
	d->pending = false;
	le_response r = {
		.id = d->req.id,
		.status = status,
		.reason = reason,
		.record = rec,
		.record_present = rec != NULL,
		.resource_version = rv,
		.raw = raw,
		.raw_len = raw_len,
	};
	assert_int_equal(le_elector_on_response(d->e, now_of(d), &r, d->rnd), LE_OK);
	drain(d);
}

static inline void reply(drv *d, int status, const le_record *rec, const char *rv)
{
	size_t n = rec ? key_of(rec, d->raw, sizeof d->raw) : 0;
	const char *reason = status == 404   ? "NotFound"
			     : status == 409 ? "Conflict"
			     : status == 403 ? "Forbidden"
			     : status >= 500 ? "InternalError"
					     : NULL;
	reply_raw(d, status, rec, rv, rec ? d->raw : NULL, n, reason);
}

static inline const char *rv_str(drv *d)
{
	snprintf(d->rvbuf, sizeof d->rvbuf, "%u", d->st_rv);
	return d->rvbuf;
}

/* Answer the request in flight as a resourceVersion-CAS store would. */
static inline void serve(drv *d)
{
	assert_true(d->pending);
	le_request q = d->req;
	switch (q.op) {
	case LE_OP_GET:
		if (!d->st_present)
			reply(d, 404, NULL, NULL);
		else
			reply(d, 200, d->st_has_record ? &d->st : NULL, rv_str(d));
		return;
	case LE_OP_CREATE:
		if (d->st_present) {
			reply_raw(d, 409, NULL, NULL, NULL, 0, "AlreadyExists");
			return;
		}
		break;
	case LE_OP_UPDATE:
		if (!d->st_present) {
			reply(d, 404, NULL, NULL);
			return;
		}
		if (strcmp(q.resource_version, rv_str(d)) != 0) {
			reply(d, 409, NULL, NULL);
			return;
		}
		break;
	}
	bool with_record = !(q.op == LE_OP_CREATE && q.no_record);
	if (with_record)
		d->st = q.record;
	d->st_present = true;
	d->st_has_record = with_record;
	d->st_rv++;
	d->writes++;
	reply(d, q.op == LE_OP_CREATE ? 201 : 200, with_record ? &d->st : NULL,
	      rv_str(d));
}

/* Someone else writes the store (another candidate). */
static inline void store_put(drv *d, const le_record *r)
{
	d->st = *r;
	d->st_present = true;
	d->st_has_record = true;
	d->st_rv++;
}

static inline le_record rec_make(const char *holder, int32_t lds,
				 int64_t acquire_wall, int64_t renew_wall,
				 int32_t transitions)
{
	le_record r;
	memset(&r, 0, sizeof r);
	snprintf(r.holder, sizeof r.holder, "%s", holder);
	r.holder_set = true;
	r.lease_duration_s = lds;
	r.has_acquire_time = r.has_renew_time = true;
	r.acquire_wall_ns = acquire_wall;
	r.renew_wall_ns = renew_wall;
	r.transitions = transitions;
	return r;
}

static inline const char *msg_name(le_msg m)
{
	switch (m) {
	case LE_MSG_ATTEMPTING_ACQUIRE: return "ATTEMPTING";
	case LE_MSG_ACQUIRED: return "ACQUIRED";
	case LE_MSG_FAILED_ACQUIRE: return "FAILED_ACQUIRE";
	case LE_MSG_RENEWED: return "RENEWED";
	case LE_MSG_FAILED_RENEW: return "FAILED_RENEW";
	case LE_MSG_HELD_BY: return "HELD_BY";
	case LE_MSG_FAST_PATH_FAILED: return "FAST_PATH_FAILED";
	case LE_MSG_GET_ERROR: return "GET_ERROR";
	case LE_MSG_CREATE_ERROR: return "CREATE_ERROR";
	case LE_MSG_UPDATE_ERROR: return "UPDATE_ERROR";
	case LE_MSG_RELEASE_CONFLICT: return "RELEASE_CONFLICT";
	case LE_MSG_RELEASE_FAILED: return "RELEASE_FAILED";
	case LE_MSG_RELEASED: return "RELEASED";
	case LE_MSG_IS_THE_LEADER: return "IS_THE_LEADER";
	case LE_MSG_REQUEST_ABORTED: return "ABORTED";
	case LE_MSG_STARTUP_FAILED: return "STARTUP_FAILED";
	case LE_MSG_GET_LEADER_FAILED: return "GET_LEADER_FAILED";
	case LE_MSG_DUPLICATE_IDENTITY: return "DUPLICATE_IDENTITY";
	case LE_MSG_LEASE_NOT_FOUND: return "LEASE_NOT_FOUND";
	case LE_MSG_LEASE_EXPIRED: return "LEASE_EXPIRED";
	case LE_MSG_HELD_COORDINATED: return "HELD_COORDINATED";
	case LE_MSG_END_OF_TERM: return "END_OF_TERM";
	}
	return "?";
}

static inline const char *op_name(le_op op)
{
	return op == LE_OP_GET ? "GET" : op == LE_OP_CREATE ? "CREATE" : "UPDATE";
}

/* The last input's outputs as one line, e.g. "NL:pod-a STARTED SEND:UPDATE".
 * with_logs adds "LOG:<code>" entries. */
static inline const char *seq_of(drv *d, bool with_logs)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->nout; i++) {
		const cap_out *c = &d->out[i];
		char item[600];
		switch (c->kind) {
		case LE_OUT_SEND: snprintf(item, sizeof item, "SEND:%s", op_name(c->req.op)); break;
		case LE_OUT_ABORT: snprintf(item, sizeof item, "ABORT"); break;
		case LE_OUT_STARTED_LEADING: snprintf(item, sizeof item, "STARTED"); break;
		case LE_OUT_STOPPED_LEADING: snprintf(item, sizeof item, "STOPPED:%d", c->was_leader); break;
		case LE_OUT_NEW_LEADER: snprintf(item, sizeof item, "NL:%s", c->text); break;
		case LE_OUT_LOG:
			if (!with_logs)
				continue;
			snprintf(item, sizeof item, "LOG:%s", msg_name(c->log.msg));
			break;
		case LE_OUT_DONE: snprintf(item, sizeof item, "DONE"); break;
		default: snprintf(item, sizeof item, "?"); break;
		}
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "", item);
	}
	return buf;
}
#define SEQ(d) seq_of((d), false)
#define SEQ_ALL(d) seq_of((d), true)

static inline const cap_out *find_log(const drv *d, le_msg m)
{
	for (size_t i = 0; i < d->nout; i++)
		if (d->out[i].kind == LE_OUT_LOG && d->out[i].log.msg == m)
			return &d->out[i];
	return NULL;
}

/* Start, and for a profile that runs the 0.5 program first (startup GET,
 * POST, GET), serve its startup from the store: afterwards the first acquire
 * attempt's GET is in flight, as right after start() for other profiles. */
static inline void start_booted(drv *d)
{
	start(d);
	if (!le_elector_config(d->e)->profile->contrib_election_main)
		return;
	int nl = d->new_leaders;
	while (d->new_leaders == nl && !le_elector_done(d->e))
		serve(d);
	assert_false(le_elector_done(d->e));
}

/* Become leader on an empty store: GET 404, CREATE, then the immediate
 * first renew attempt of the pass is in flight (HEAD) or scheduled (Poll). */
static inline void become_leader(drv *d)
{
	start_booted(d);
	serve(d); /* GET -> 404, or (0.5) the record-less object */
	if (d->pending)
		serve(d); /* CREATE -> 201, or (0.5) UPDATE -> 200 */
	assert_int_equal(d->started, 1);
	assert_true(le_elector_leading(d->e));
}

/* Follower loop: fire the next timer; answer a GET from the store. Returns
 * true when that attempt went on to write (a takeover UPDATE in flight). */
static inline bool poll_once(drv *d)
{
	fire(d);
	if (!d->pending)
		return false;
	assert_int_equal(d->req.op, LE_OP_GET);
	serve(d);
	return d->pending && d->req.op == LE_OP_UPDATE;
}

#endif
