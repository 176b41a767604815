/* libFuzzer target for the election core (elector/elector.c).
 *
 * The input is a configuration followed by a script of inputs: start,
 * timers (exactly at the deadline, early, late, far), responses (served by a
 * small compare-and-swap store, or made up: any status, NULL or odd records,
 * unknown and repeated ids, raw bytes or none), cancels, wall-clock steps,
 * other writers, bursts of inputs without draining, absurd clock readings.
 * Whatever the script, the core must not crash, trip a sanitizer or an
 * assertion, and its output stream must keep these invariants:
 *   - STARTED_LEADING and STOPPED_LEADING alternate; was_leader is true
 *     exactly when a STARTED is open; one STOPPED per Run (a Run begins with
 *     "attempting to acquire"), and DONE only after the Run has stopped;
 *   - nothing at all comes out after DONE; start and cancel then say
 *     LE_ESTATE; the deadline is INT64_MAX; fatal only with DONE;
 *   - at most one request in flight: a SEND only when the last one was
 *     answered or aborted, ABORT only for the request in flight, ids rise;
 *   - le_elector_leading() agrees with the stream;
 *   - one input queues at most 24 outputs (the ring's reserve), with at
 *     most 1024 bytes of texts, NULs included (the text arena's reserve);
 *   - with a clock that only moves forward, the next deadline after an
 *     input it took is later than that input's time (no timer left
 *     overdue, so a driver that fires on time always makes progress).
 * Any violation aborts, so libFuzzer reports it as a crash.
 *
 *   make build/fuzz/fuzz_elector
 *   build/fuzz/fuzz_elector -max_total_time=300 out/fuzz/fuzz_elector \
 *       tests/fuzz/corpus/fuzz_elector
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/elector.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)
#define OUTPUTS_PER_INPUT_MAX 24
#define TEXT_BYTES_PER_INPUT_MAX 1024

static size_t text_bytes; /* texts of the outputs take_outputs last read */

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_elector: invariant broken: %s\n", what);
		abort();
	}
}

/* ---- reading the script -------------------------------------------------- */

typedef struct src {
	const uint8_t *p;
	size_t n;
} src;

static uint8_t u8(src *s)
{
	if (s->n == 0)
		return 0;
	s->n--;
	return *s->p++;
}

static uint64_t un(src *s, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | u8(s);
	return v;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* ---- the world ------------------------------------------------------------ */

typedef struct world {
	le_elector *e;
	size_t idle_bytes;  /* le_elector_memory before any input */
	const le_profile *prof;
	int64_t mono, wall_off;
	int64_t high_mono;  /* the latest time any input carried */
	bool wild;          /* the clock has gone backwards at least once */
	/* the store */
	bool st_present, st_has_record;
	le_record st;
	unsigned rv;
	char rvbuf[16];
	unsigned char raw[700];
	/* what the output stream has told us */
	bool leading, in_run, done, started_once;
	uint64_t outstanding;  /* the request in flight, 0 if none */
	uint64_t last_send;
	uint64_t last_answered;
	le_request req;        /* copy of the request in flight */
	int runs;
} world;

static const char *const holders[] = {"", "me", "other", "third"};

static le_time now_of(const world *w)
{
	return (le_time){w->mono, sat_add(w->mono, w->wall_off)};
}

/* Read every queued output and check the stream. `answered` is the id a
 * response in this input named, if it was the one in flight. `burst`: the
 * outputs of several inputs, whose SEND pointers may be stale. */
static size_t take_outputs(world *w, uint64_t answered, bool burst)
{
	le_output o;
	size_t n = 0;
	uint64_t pending_answer = answered;
	const le_request *newest = NULL;
	text_bytes = 0;
	while (le_elector_next_output(w->e, &o)) {
		n++;
		if (o.kind == LE_OUT_NEW_LEADER && o.u.identity)
			text_bytes += strlen(o.u.identity) + 1;
		if (o.kind == LE_OUT_LOG && o.u.log.arg)
			text_bytes += strlen(o.u.log.arg) + 1;
		check(!w->done, "an output after DONE");
		switch (o.kind) {
		case LE_OUT_SEND:
			if (pending_answer && w->outstanding == pending_answer) {
				w->outstanding = 0; /* the response was taken */
				pending_answer = 0;
			}
			check(w->outstanding == 0, "a second request in flight");
			check(o.u.request != NULL, "SEND without a request");
			if (!burst) {
				check(o.u.request->id > w->last_send, "request ids do not rise");
				w->last_send = o.u.request->id;
				w->outstanding = o.u.request->id;
				w->req = *o.u.request;
				check(w->req.op == LE_OP_GET || w->req.op == LE_OP_CREATE ||
				      w->req.op == LE_OP_UPDATE, "unknown op");
				check(!w->req.no_record || w->req.op == LE_OP_CREATE,
				      "no_record on a non-CREATE");
			} else {
				w->outstanding = UINT64_MAX; /* known after the burst */
				newest = o.u.request;
			}
			break;
		case LE_OUT_ABORT:
			check(w->outstanding != 0, "ABORT with nothing in flight");
			check(burst || w->outstanding == UINT64_MAX ||
			      o.u.request_id == w->outstanding, "ABORT of another request");
			if (o.u.request_id == pending_answer)
				pending_answer = 0; /* aborted first: the answer is ignored */
			w->outstanding = 0;
			break;
		case LE_OUT_STARTED_LEADING:
			check(!w->leading, "STARTED twice");
			check(w->in_run, "STARTED outside a Run");
			w->leading = true;
			break;
		case LE_OUT_STOPPED_LEADING:
			check(o.u.was_leader == w->leading, "was_leader disagrees");
			check(w->in_run, "STOPPED outside a Run");
			w->leading = false;
			w->in_run = false;
			break;
		case LE_OUT_NEW_LEADER:
			check(o.u.identity != NULL, "NEW_LEADER without identity");
			check(strlen(o.u.identity) < LE_ID_MAX, "identity too long");
			break;
		case LE_OUT_LOG: {
			if (o.u.log.msg == LE_MSG_ATTEMPTING_ACQUIRE) {
				check(!w->in_run, "a Run inside a Run");
				w->in_run = true;
				w->runs++;
			}
			char buf[80];
			size_t cap = (size_t)(w->runs % 3 == 0 ? sizeof buf : 1 + n % 40);
			int len = le_log_format(w->e, &o.u.log, buf, cap);
			check(len >= 0 && (size_t)len < cap && strlen(buf) == (size_t)len,
			      "le_log_format length");
			break;
		}
		case LE_OUT_DONE:
			check(!w->in_run && !w->leading, "DONE inside a Run");
			check(w->outstanding == 0 || w->outstanding == pending_answer,
			      "DONE with a request in flight");
			w->done = true;
			w->outstanding = 0;
			pending_answer = 0;
			break;
		default:
			check(0, "unknown output kind");
		}
	}
	if (pending_answer && w->outstanding == pending_answer)
		w->outstanding = 0; /* taken, nothing sent after it */
	if (burst && w->outstanding == UINT64_MAX) {
		/* Earlier SENDs of the burst may point at later requests; the
		 * newest one's slot is current, so its pointer is good. */
		w->req = *newest;
		check(w->req.id > w->last_send, "request ids do not rise");
		w->outstanding = w->last_send = w->req.id;
	}
	/* Every other drain (by the outputs seen so far) gives the output
	 * buffers back, as the simulator does: what was copied out above must
	 * be all this driver uses of them, and the core must run on. */
	if ((n + w->runs) & 1) {
		size_t before = le_elector_memory(w->e);
		le_elector_outputs_done(w->e);
		check(le_elector_memory(w->e) <= before, "outputs_done grew the elector");
		/* what stays beyond an idle elector is its strings too long
		 * to keep inline (holder, reported leader, preferredHolder,
		 * two strategies), the raw record's 256-byte head and the 16
		 * own-write keys past the inline two (128 bytes): less than the
		 * 6 KB output block */
		check(le_elector_memory(w->e) >= w->idle_bytes &&
			      le_elector_memory(w->e) - w->idle_bytes <=
				      3 * LE_ID_MAX + 2 * LE_STRATEGY_MAX + 256 + 16 * 8,
		      "outputs_done kept the output buffers");
	}
	check(le_elector_leading(w->e) == w->leading, "le_elector_leading disagrees");
	check(le_elector_done(w->e) == w->done, "le_elector_done disagrees");
	if (le_elector_fatal(w->e))
		check(w->done && w->prof->contrib_election_main, "fatal without DONE");
	if (w->done)
		check(le_elector_next_deadline(w->e) == INT64_MAX, "a timer after DONE");
	return n;
}

/* After one input at the world's time: drain and check. */
static void after_input(world *w, int rc, uint64_t answered)
{
	check(rc == LE_OK || rc == LE_ESTATE, "unexpected return code");
	size_t n = take_outputs(w, rc == LE_OK ? answered : 0, false);
	check(n <= OUTPUTS_PER_INPUT_MAX, "one input queued too many outputs");
	check(text_bytes <= TEXT_BYTES_PER_INPUT_MAX, "one input queued too many text bytes");
	if (rc == LE_OK && !w->wild && w->mono >= w->high_mono) {
		int64_t t = le_elector_next_deadline(w->e);
		check(t == INT64_MAX || t > w->mono, "a timer left overdue");
	}
	if (w->mono > w->high_mono)
		w->high_mono = w->mono;
	else if (w->mono < w->high_mono)
		w->wild = true;
}

static void set_clock(world *w, int64_t mono)
{
	w->mono = mono;
	if (mono < w->high_mono)
		w->wild = true;
}

/* ---- responses ------------------------------------------------------------ */

static const char *rv_str(world *w)
{
	snprintf(w->rvbuf, sizeof w->rvbuf, "%u", w->rv);
	return w->rvbuf;
}

static size_t key_of(const le_record *r, unsigned char *buf, size_t cap)
{
	int n = snprintf((char *)buf, cap, "%s|%d|%d|%lld|%lld|%d", r->holder,
			 r->holder_set, r->lease_duration_s,
			 (long long)(r->acquire_wall_ns / S), (long long)(r->renew_wall_ns / S),
			 r->transitions);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* The store's answer to the request in flight. */
static void serve(world *w, src *s)
{
	if (!w->outstanding)
		return;
	le_request q = w->req;
	le_response r = {.id = q.id};
	bool write = false;
	switch (q.op) {
	case LE_OP_GET:
		r.status = w->st_present ? 200 : 404;
		r.reason = w->st_present ? NULL : "NotFound";
		break;
	case LE_OP_CREATE:
		write = !w->st_present;
		r.status = write ? 201 : 409;
		r.reason = write ? NULL : (u8(s) & 1 ? "AlreadyExists" : "Conflict");
		break;
	case LE_OP_UPDATE:
		if (!w->st_present) {
			r.status = 404;
		} else if (strcmp(q.resource_version, rv_str(w)) != 0) {
			r.status = 409;
			r.reason = "Conflict";
		} else {
			write = true;
			r.status = 200;
		}
		break;
	}
	if (write) {
		w->st_present = true;
		w->st_has_record = !(q.op == LE_OP_CREATE && q.no_record);
		if (w->st_has_record)
			w->st = q.record;
		w->rv++;
	}
	if (r.status < 300) {
		r.resource_version = rv_str(w);
		if (w->st_has_record) {
			r.record = &w->st;
			r.record_present = true;
			r.raw = w->raw;
			r.raw_len = key_of(&w->st, w->raw, sizeof w->raw);
		}
	}
	set_clock(w, sat_add(w->mono, (int64_t)(u8(s) % 8) * 3 * MS));
	int rc = le_elector_on_response(w->e, now_of(w), &r, un(s, 8));
	after_input(w, rc, q.id);
	w->last_answered = q.id;
}

static void random_record(src *s, le_record *r)
{
	memset(r, 0, sizeof *r);
	uint8_t h = u8(s);
	if (h & 0x80) { /* an unterminated holder: the core must terminate it */
		memset(r->holder, 'x', sizeof r->holder);
	} else {
		snprintf(r->holder, sizeof r->holder, "%s", holders[h % 4]);
	}
	r->holder_set = u8(s) & 1;
	uint8_t d = u8(s);
	r->lease_duration_s = d & 0x80 ? (int32_t)(uint32_t)un(s, 4) : (int32_t)(d % 20);
	r->has_acquire_time = u8(s) & 1;
	r->has_renew_time = u8(s) & 1;
	r->acquire_wall_ns = (int64_t)un(s, 8);
	r->renew_wall_ns = (int64_t)un(s, 8);
	uint8_t t = u8(s);
	r->transitions = t & 0x80 ? (int32_t)(uint32_t)un(s, 4) : (int32_t)(t % 5);
	if (u8(s) & 1)
		memset(r->strategy, 's', sizeof r->strategy);
}

/* A made-up response: any id, any status, any shape. */
static void invent(world *w, src *s)
{
	static const int statuses[] = {200, 201, 404, 409, 0, 403, 422, 429, 500, 503, 302, -1};
	static const char *const reasons[] = {NULL, "Conflict", "AlreadyExists", "NotFound", ""};
	le_record rec;
	unsigned char raw[1100]; /* more than the core keeps verbatim (1024) */
	uint8_t k = u8(s);
	uint64_t id;
	switch (k % 4) {
	case 0: id = w->outstanding; break;
	case 1: id = w->last_answered; break;     /* a duplicate */
	case 2: id = w->last_send + 1 + u8(s) % 3; break; /* not sent yet */
	default: id = un(s, 8); break;
	}
	le_response r = {.id = id};
	uint8_t st = u8(s);
	r.status = st & 0x80 ? (int)(int32_t)un(s, 4) : statuses[st % 12];
	r.reason = reasons[u8(s) % 5];
	r.message = u8(s) & 1 ? "boom" : NULL;
	uint8_t shape = u8(s);
	if (shape & 1) {
		random_record(s, &rec);
		r.record = &rec;
	}
	r.record_present = shape & 2; /* may claim a record it lacks */
	if (shape & 4) {
		size_t len = u8(s) % 64;
		for (size_t i = 0; i < len; i++)
			raw[i] = u8(s);
		if (shape & 32) { /* long: a prefix, then filler, then a tail byte */
			memset(raw + len, 'r', sizeof raw - len);
			len = sizeof raw - 1 - u8(s) % 60;
			raw[len - 1] = u8(s);
		}
		r.raw = raw;
		r.raw_len = len;
	}
	if (shape & 8)
		r.resource_version = shape & 16 ? "" : rv_str(w);
	uint64_t answered = id && id == w->outstanding ? id : 0;
	int rc = le_elector_on_response(w->e, now_of(w), &r, un(s, 8));
	after_input(w, rc, answered);
	if (answered)
		w->last_answered = id;
}

/* ---- the script ----------------------------------------------------------- */

static const int64_t timing[][3] = {
	{15 * S, 10 * S, 2 * S},
	{10 * S, 5 * S, 2500 * MS},
	{3 * S, 2 * S, 1 * S},
	{5, 4, 3},
	{INT64_C(3000000000000000000), INT64_C(2000000000000000000), INT64_C(1000000000000000000)},
};

static const int64_t wild_times[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1,
				     INT64_MAX - 2 * S, INT64_MAX - 1, INT64_MAX};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	src s = {data, size};
	world w;
	memset(&w, 0, sizeof w);
	static const le_profile *const profiles[] = {
		&le_profile_client_go, &le_profile_client_go_2018, &le_profile_sidecar_05,
		&le_profile_client_go_1_27 /* the MultiLock kinds */};
	le_config c;
	le_config_defaults(&c);
	c.identity = "me";
	c.lock_name = "lock";
	c.name = "lock";
	c.profile = w.prof = profiles[u8(&s) % 4];
	uint8_t t = u8(&s);
	if (t < 200) {
		const int64_t *tm = timing[t % 5];
		c.lease_duration_ns = tm[0];
		c.renew_deadline_ns = tm[1];
		c.retry_period_ns = tm[2];
	} else { /* anything: validation must refuse what it must */
		c.lease_duration_ns = (int64_t)un(&s, 8);
		c.renew_deadline_ns = (int64_t)un(&s, 8);
		c.retry_period_ns = (int64_t)un(&s, 8);
	}
	uint8_t f = u8(&s);
	c.release_on_cancel = f & 1;
	static const int64_t timeouts[] = {0, -1, 1 * MS, 3 * S, 20 * S};
	c.request_timeout_ns = timeouts[(f >> 1) % 5];
	c.lock_kind = (le_lock_kind)((f >> 4) % 5); /* 3, 4: MultiLock */
	char err[LE_ERRMSG_MAX];
	w.e = le_elector_new(&c, err, sizeof err);
	if (!w.e) {
		check(err[0] != '\0', "le_elector_new failed without a message");
		return 0;
	}
	w.mono = (int64_t)(un(&s, 2)) * S;
	w.high_mono = w.mono;
	w.wall_off = INT64_C(1700000000) * S;
	w.idle_bytes = le_elector_memory(w.e);

	int steps = 0;
	while (s.n > 0 && steps++ < 400) {
		uint8_t op = u8(&s);
		int rc;
		switch (op % 14) {
		case 0: { /* start */
			bool was_idle = !w.started_once && !w.done;
			rc = le_elector_start(w.e, now_of(&w), un(&s, 8));
			check(was_idle ? rc == LE_OK || rc == LE_ESTATE : rc == LE_ESTATE,
			      "start twice accepted");
			if (rc == LE_OK)
				w.started_once = true;
			after_input(&w, rc, 0);
			break;
		}
		case 1: case 2: case 3: { /* the timer, on time */
			int64_t d = le_elector_next_deadline(w.e);
			if (d == INT64_MAX)
				break;
			if (d > w.mono)
				set_clock(&w, d);
			rc = le_elector_on_timer(w.e, now_of(&w), un(&s, 8));
			after_input(&w, rc, 0);
			break;
		}
		case 4: { /* the timer, early or late */
			int64_t d = le_elector_next_deadline(w.e);
			int64_t delta = (int64_t)(int8_t)u8(&s) * (u8(&s) & 1 ? 1 : MS);
			if (d != INT64_MAX)
				set_clock(&w, sat_add(d, delta));
			rc = le_elector_on_timer(w.e, now_of(&w), un(&s, 8));
			after_input(&w, rc, 0);
			break;
		}
		case 5: { /* time passes */
			static const int64_t scale[] = {1, 1000, MS, 100 * MS, S};
			int64_t step = (int64_t)un(&s, 2) * scale[u8(&s) % 5];
			set_clock(&w, sat_add(w.mono, step));
			rc = le_elector_on_timer(w.e, now_of(&w), un(&s, 8));
			after_input(&w, rc, 0);
			break;
		}
		case 6: case 7: case 8:
			serve(&w, &s);
			break;
		case 9:
			invent(&w, &s);
			break;
		case 10: {
			bool was_done = w.done;
			rc = le_elector_cancel(w.e, now_of(&w), un(&s, 8));
			check(was_done ? rc == LE_ESTATE : rc == LE_OK, "cancel");
			after_input(&w, rc, 0);
			break;
		}
		case 11: { /* the world changes: a wall step or another writer */
			uint8_t k = u8(&s);
			if (k & 1) {
				w.wall_off = sat_add(w.wall_off, (int64_t)(int16_t)un(&s, 2) * S);
			} else if (k & 2) {
				random_record(&s, &w.st);
				w.st.holder[LE_ID_MAX - 1] = '\0';
				w.st_present = true;
				w.st_has_record = !(k & 4);
				w.rv++;
			} else {
				w.st_present = false;
			}
			break;
		}
		case 12: { /* a burst of inputs with nobody draining */
			int k = 1 + u8(&s) % 40;
			for (int i = 0; i < k; i++) {
				int64_t d = le_elector_next_deadline(w.e);
				if (d != INT64_MAX && d > w.mono)
					set_clock(&w, d);
				rc = le_elector_on_timer(w.e, now_of(&w), un(&s, 8));
				check(rc == LE_OK || rc == LE_ESTATE, "burst input");
				if (w.mono > w.high_mono)
					w.high_mono = w.mono;
			}
			take_outputs(&w, 0, true);
			break;
		}
		case 13: { /* absurd clocks, observers */
			set_clock(&w, wild_times[u8(&s) % 8]);
			w.wild = true;
			char buf[64];
			le_elector_check(w.e, w.mono, (int64_t)un(&s, 8), buf, sizeof buf);
			(void)le_elector_is_leader(w.e);
			(void)le_elector_leader(w.e);
			le_record obs;
			check(le_elector_observed_record(w.e, &obs), "observed record");
			check(strcmp(obs.holder, le_elector_leader(w.e)) == 0,
			      "observed holder is the leader");
			le_stats st;
			le_elector_stats(w.e, &st);
			check(st.requests >= w.last_send || w.last_send == 0, "stats.requests");
			rc = le_elector_on_timer(w.e, now_of(&w), un(&s, 8));
			after_input(&w, rc, 0);
			break;
		}
		}
	}
	if (w.done) {
		check(le_elector_start(w.e, now_of(&w), 0) == LE_ESTATE, "start after DONE");
		check(le_elector_cancel(w.e, now_of(&w), 0) == LE_ESTATE, "cancel after DONE");
		le_elector_on_timer(w.e, now_of(&w), 0);
		le_response r = {.id = w.last_send, .status = 200};
		le_elector_on_response(w.e, now_of(&w), &r, 0);
		le_output o;
		check(!le_elector_next_output(w.e, &o), "an output after DONE");
	}
	le_elector_free(w.e);
	return 0;
}
