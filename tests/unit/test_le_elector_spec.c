/* The election core against election-spec.md, line by line: the findings of
 * an adversarial review (each test names the section it holds the core to),
 * robustness against inputs no sane driver sends, and the timing bounds of
 * election-spec.md 6 measured on the core itself.
 *
 * The scripted driver is le_test_driver.h (shared with test_le_elector.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "le_test_driver.h"

/* ---- 2.8, 5.2: the old wait.Poll (renew_poll_waitfor) ------------------ */

/* 0.5 (10 s / 5 s / 2.5 s) leads; its pass starts now. */
static int64_t leader_05(drv *d, uint64_t rnd)
{
	le_config c = cfg_05();
	drv_init(d, &c);
	become_leader(d);
	d->rnd = rnd;
	assert_false(d->pending); /* Poll: the first attempt comes after RP */
	assert_int_equal(le_elector_next_deadline(d->e), d->mono + 2500 * MS);
	return d->mono;
}

/* WaitFor runs the condition once more when the deadline closes the poll:
 * with the coin on "deadline first" a pass makes 2 attempts (+2.5, +5). */
static void test_05_pass_makes_a_final_attempt_at_the_deadline(void **state)
{
	(void)state;
	drv d;
	int64_t p = leader_05(&d, 0);
	fire(&d);
	assert_int_equal(d.mono, p + 2500 * MS);
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR");
	assert_int_equal(le_elector_next_deadline(d.e), p + 5 * S);
	fire(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET"); /* the last attempt */
	assert_true(le_elector_leading(d.e));
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d),
			    "LOG:GET_ERROR LOG:FAILED_RENEW STOPPED:1 SEND:GET");
	assert_int_equal(d.mono, p + 5 * S);
	drv_free(&d);
}

/* Coin on "tick first": the +5 s tick is an attempt of its own, then the
 * closed poll gives one more: 3 attempts. */
static void test_05_pass_makes_three_attempts_when_the_tick_wins(void **state)
{
	(void)state;
	drv d;
	int64_t p = leader_05(&d, 1);
	fire(&d);
	reply(&d, 500, NULL, NULL);
	fire(&d);
	assert_int_equal(d.mono, p + 5 * S);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	d.mono += 20 * MS;
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR SEND:GET");
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d),
			    "LOG:GET_ERROR LOG:FAILED_RENEW STOPPED:1 SEND:GET");
	drv_free(&d);
}

/* The final attempt can succeed: the pass succeeds and the leader goes on. */
static void test_05_final_attempt_that_succeeds_keeps_leading(void **state)
{
	(void)state;
	drv d;
	int64_t p = leader_05(&d, 0);
	fire(&d);
	reply(&d, 503, NULL, NULL);
	fire(&d);
	serve(&d); /* GET: still ours */
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	d.mono += 10 * MS;
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:RENEWED");
	assert_true(le_elector_leading(d.e));
	/* outer loop period 0: the next pass starts now, first attempt RP on */
	assert_int_equal(le_elector_next_deadline(d.e), p + 5 * S + 10 * MS + 2500 * MS);
	drv_free(&d);
}

/* The old poller drops a tick that comes while an attempt runs (client-go
 * HEAD keeps one): an attempt from +2 s to +4.5 s is followed at +6 s. */
static void test_2018_poll_drops_ticks_that_come_during_an_attempt(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2018);
	drv_init(&d, &c);
	become_leader(&d);
	int64_t p = d.mono;
	fire(&d);
	assert_int_equal(d.mono, p + 2 * S);
	d.mono = p + 4500 * MS;
	reply(&d, 500, NULL, NULL);
	assert_false(d.pending);
	assert_int_equal(le_elector_next_deadline(d.e), p + 6 * S);
	/* an attempt that ends exactly on a tick gets that tick */
	fire(&d);
	d.mono = p + 8 * S;
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR SEND:GET");
	drv_free(&d);
}

/* A request that hung past the deadline is followed by one more attempt
 * (kubernetes#65090): if the apiserver is back, the leader renews as if
 * nothing had happened. */
static void test_2018_hung_request_is_followed_by_a_final_attempt(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2018);
	drv_init(&d, &c);
	become_leader(&d);
	fire(&d);
	d.mono += 3600 * S;
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR SEND:GET");
	serve(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:RENEWED");
	assert_true(le_elector_leading(d.e));
	assert_int_equal(d.stopped, 0);
	drv_free(&d);
}

/* ---- 2.4 (HEAD): one record R for the whole attempt --------------------- */

/* client-go's tryAcquireOrRenew builds R once; the fast path copies the
 * observed acquireTime and transitions into it, and the slow path after a
 * failed fast path only overwrites what its branch sets. */
static void test_slow_path_after_fast_path_keeps_the_copied_fields(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	int64_t acquired = d.st.acquire_wall_ns;
	serve(&d);
	fire(&d); /* the next pass: fast-path UPDATE in flight */
	d.mono += 10 * MS;
	/* someone else wrote holder "" (say, a stale release: hazard H2) */
	le_record released = rec_make("", 1, wall_at(d.mono), wall_at(d.mono), 4);
	store_put(&d, &released);
	serve(&d); /* 409 */
	serve(&d); /* GET: "" is free, a takeover */
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	assert_int_equal(d.req.record.transitions, 5);
	assert_int_equal(d.req.record.acquire_wall_ns, acquired);
	drv_free(&d);

	/* the object was deleted: 404, then a CREATE with the copied fields */
	drv_init(&d, &c);
	become_leader(&d);
	acquired = d.st.acquire_wall_ns;
	serve(&d);
	fire(&d);
	d.st_present = false;
	serve(&d); /* 404 */
	assert_string_equal(SEQ_ALL(&d), "LOG:FAST_PATH_FAILED SEND:GET");
	serve(&d); /* 404 */
	assert_int_equal(d.req.op, LE_OP_CREATE);
	assert_int_equal(d.req.record.acquire_wall_ns, acquired);
	assert_int_equal(d.req.record.transitions, 0); /* copied, not reset */
	drv_free(&d);
}

/* ---- 2.2, 2.6: cancel while an acquire attempt is in flight ------------ */

/* The cancelled request makes tryAcquireOrRenew return false; acquire still
 * runs maybeReportTransition and logs the failure before it stops. */
static void test_cancel_during_an_acquire_attempt_reports_what_it_saw(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	le_record released = rec_make("", 1, wall_at(d.mono), wall_at(d.mono), 0);
	store_put(&d, &released);
	assert_true(poll_once(&d)); /* saw "", takeover UPDATE in flight */
	cancel(&d);
	assert_string_equal(SEQ_ALL(&d),
			    "ABORT LOG:ABORTED NL: LOG:FAILED_ACQUIRE STOPPED:0 DONE");
	drv_free(&d);
}

/* ---- 7 H1: release delays the stop ------------------------------------ */

/* 15/10/2, ReleaseOnCancel, the apiserver black-holed after a renewal
 * completing at S: the pass starting at S + RP fails at S + RP + RD = S + 12
 * (2.3's worst case), then the release GET hangs until the 5 s client
 * timeout, so the leader acts until S + 17 s. */
static void test_h1_blackholed_leader_stops_at_s_plus_17(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	d.mono += 30 * MS;
	serve(&d);
	int64_t s_done = d.mono;
	while (!le_elector_done(d.e)) {
		fire(&d); /* nothing is ever answered */
		if (find_log(&d, LE_MSG_FAILED_RENEW))
			assert_int_equal(d.mono, s_done + 12 * S);
	}
	assert_true(le_elector_leading(d.e) == false);
	assert_int_equal(d.mono, s_done + 17 * S);
	assert_string_equal(SEQ_ALL(&d), "ABORT LOG:ABORTED LOG:RELEASE_FAILED STOPPED:1 DONE");
	drv_free(&d);
}

/* ---- 2.4 step 4: a record with leaseDurationSeconds 0 ------------------- */

/* observedTime is read after the GET returns, later than the attempt's now:
 * with duration 0 the record is still valid on the attempt that first sees
 * it, and taken on the next one if it has not changed. */
static void test_zero_duration_record_is_held_once_then_taken(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 0, wall_at(T0), wall_at(T0), 2);
	store_put(&d, &b);
	start(&d);
	d.mono += 10 * MS;
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:HELD_BY NL:pod-b LOG:FAILED_ACQUIRE");
	fire(&d);
	d.mono += 10 * MS;
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	assert_int_equal(d.req.record.transitions, 3);
	drv_free(&d);
}

/* ---- 2.4 / 5.2: a missing record ----------------------------------------- */

typedef struct missing_case {
	const le_profile *profile;
	int64_t take_after; /* from the first GET that finds no record */
	const char *held_by; /* the held-by text on that GET, NULL = none */
} missing_case;

/* client-go (1.11 and later) reads a missing annotation as an empty record:
 * a change, stamped, and held for LD by the 1.11 rules (the holder "" is not
 * special there). 0.5 skips the checks and takes it at once. */
static void test_missing_record_after_a_held_one(void **state)
{
	(void)state;
	const missing_case cases[] = {
		{&le_profile_client_go_2018, 16 * S, ""},
		{&le_profile_client_go_1_23, 0, NULL}, /* the last with Endpoints */
		{&le_profile_sidecar_05, 0, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		c.lock_kind = LE_LOCK_ENDPOINTS;
		drv_init(&d, &c);
		le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &b);
		start_booted(&d);
		serve(&d);
		assert_non_null(find_log(&d, LE_MSG_HELD_BY));
		d.st_has_record = false; /* the annotation is removed */
		d.st_rv++;
		fire(&d);
		serve(&d);
		int64_t first = d.mono;
		const cap_out *h = find_log(&d, LE_MSG_HELD_BY);
		if (cases[i].held_by) {
			assert_non_null(h);
			assert_string_equal(h->text, cases[i].held_by);
		} else {
			assert_null(h);
		}
		while (!(d.pending && d.req.op == LE_OP_UPDATE))
			poll_once(&d);
		if (d.mono - first != cases[i].take_after)
			fail_msg("%s: taken %lld ns after, want %lld", cases[i].profile->name,
				 (long long)(d.mono - first), (long long)cases[i].take_after);
		assert_int_equal(d.req.record.transitions, 1);
		drv_free(&d);
	}
}

/* ---- 5.4: the 0.5 log levels -------------------------------------------- */

typedef struct level_case {
	const le_profile *profile;
	int held_by, renewed;
} level_case;

static void test_log_levels_per_profile(void **state)
{
	(void)state;
	const level_case cases[] = {
		{&le_profile_client_go, 4, 5},
		{&le_profile_sidecar_05, 0, 4},
	};
	for (size_t i = 0; i < 2; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		drv_init(&d, &c);
		le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &b);
		start_booted(&d);
		serve(&d);
		assert_int_equal(find_log(&d, LE_MSG_HELD_BY)->log.verbosity, cases[i].held_by);
		drv_free(&d);

		drv_init(&d, &c);
		become_leader(&d);
		if (!d.pending)
			fire(&d);
		while (d.pending)
			serve(&d);
		assert_int_equal(find_log(&d, LE_MSG_RENEWED)->log.verbosity, cases[i].renewed);
		drv_free(&d);
	}
}

/* ---- 5.2: the election/ program around the 0.5 core -------------------- */

static void test_05_startup_creates_the_object_then_reports_the_holder(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_05();
	drv_init(&d, &c);
	start(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	serve(&d); /* 404 */
	assert_string_equal(SEQ_ALL(&d), "SEND:CREATE");
	assert_true(d.req.no_record); /* POST {metadata:{name}} */
	serve(&d);
	assert_true(d.st_present && !d.st_has_record);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET"); /* getCurrentLeader */
	serve(&d);
	/* callback(""): the sidecar prints " is the leader" */
	assert_string_equal(SEQ_ALL(&d), "NL: LOG:ATTEMPTING SEND:GET");
	serve(&d); /* no annotation: taken without looking */
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:ACQUIRED STARTED NL:pod-a");
	assert_false(le_elector_fatal(d.e));
	drv_free(&d);

	/* the object exists: GET, GET, report its holder */
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 10, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "NL:pod-b LOG:ATTEMPTING SEND:GET");
	assert_int_equal(d.writes, 0);
	drv_free(&d);
}

typedef struct fatal_case {
	const char *what;
	int get_status;     /* startup GET */
	int create_status;  /* 0 = no create */
	const char *reason; /* of the failing response */
	bool fatal;
} fatal_case;

static void test_05_startup_errors_are_fatal_except_conflict(void **state)
{
	(void)state;
	const fatal_case cases[] = {
		{"no RBAC (the article's F line)", 403, 0, "Forbidden", true},
		{"apiserver down", 0, 0, NULL, true},
		{"two pods start together", 404, 409, "AlreadyExists", true},
		{"create conflict is tolerated", 404, 409, "Conflict", false},
		{"create forbidden", 404, 403, "Forbidden", true},
	};
	static const char forbidden[] =
		"endpoints \"my-lease\" is forbidden: User \"system:serviceaccount:default:default\" "
		"cannot get resource \"endpoints\"";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const fatal_case *k = &cases[i];
		drv d;
		le_config c = cfg_05();
		drv_init(&d, &c);
		start(&d);
		le_response r = {.id = d.req.id, .status = k->get_status,
				 .reason = k->create_status ? "NotFound" : k->reason,
				 .message = k->create_status ? NULL : forbidden};
		d.pending = false;
		assert_int_equal(le_elector_on_response(d.e, now_of(&d), &r, 0), LE_OK);
		drain(&d);
		if (k->create_status) {
			assert_int_equal(d.req.op, LE_OP_CREATE);
			le_response cr = {.id = d.req.id, .status = k->create_status,
					  .reason = k->reason, .message = "boom"};
			d.pending = false;
			assert_int_equal(le_elector_on_response(d.e, now_of(&d), &cr, 0), LE_OK);
			drain(&d);
		}
		if (!k->fatal) {
			assert_string_equal(SEQ_ALL(&d), "SEND:GET");
			assert_false(le_elector_fatal(d.e));
			drv_free(&d);
			continue;
		}
		if (strcmp(SEQ_ALL(&d), "LOG:STARTUP_FAILED DONE") != 0)
			fail_msg("%s: got '%s'", k->what, SEQ_ALL(&d));
		assert_true(le_elector_fatal(d.e));
		assert_true(le_elector_done(d.e));
		assert_int_equal(d.stopped, 0); /* Run never ran */
		assert_int_equal(le_elector_next_deadline(d.e), INT64_MAX);
		const cap_out *o = find_log(&d, LE_MSG_STARTUP_FAILED);
		assert_true(o->log.is_error);
		char buf[512];
		le_log_format(d.e, &o->log, buf, sizeof buf);
		if (k->get_status == 403)
			assert_string_equal(buf, "failed to create election: endpoints \"my-lease\" is forbidden: "
						 "User \"system:serviceaccount:default:default\" cannot get "
						 "resource \"endpoints\"");
		drv_free(&d);
	}
}

/* OnStoppedLeading GETs the holder and reports it ("" when the GET fails);
 * only then does wait.Forever run acquire again. */
static void test_05_after_a_loss_reports_the_holder_then_campaigns(void **state)
{
	(void)state;
	for (int failing = 0; failing < 2; failing++) {
		drv d;
		leader_05(&d, 0);
		le_record b = rec_make("pod-b", 10, wall_at(d.mono), wall_at(d.mono), 1);
		store_put(&d, &b);
		fire(&d);
		serve(&d); /* held by pod-b now: fails */
		fire(&d);
		serve(&d);
		assert_string_equal(SEQ(&d), "STOPPED:1 SEND:GET");
		if (failing) {
			reply(&d, 500, NULL, NULL);
			assert_string_equal(SEQ_ALL(&d),
					    "LOG:GET_LEADER_FAILED NL: LOG:ATTEMPTING SEND:GET");
			const cap_out *o = find_log(&d, LE_MSG_GET_LEADER_FAILED);
			char buf[128];
			le_log_format(d.e, &o->log, buf, sizeof buf);
			assert_string_equal(buf, "failed to get leader: InternalError");
			assert_true(o->log.is_error);
		} else {
			serve(&d);
			assert_string_equal(SEQ_ALL(&d), "NL:pod-b LOG:ATTEMPTING SEND:GET");
		}
		assert_false(le_elector_done(d.e));
		drv_free(&d);
	}
}

static void test_05_cancel_during_startup_ends_without_stopped_leading(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_05();
	drv_init(&d, &c);
	start(&d);
	cancel(&d);
	assert_string_equal(SEQ_ALL(&d), "ABORT LOG:ABORTED DONE");
	assert_false(le_elector_fatal(d.e));
	assert_int_equal(d.stopped, 0);
	drv_free(&d);
}

/* ---- robustness ---------------------------------------------------------- */

/* A late driver: the acquire wait fell due before this response's time, so
 * the core sends a GET inside this very input. A response naming that new
 * id cannot be real (the driver has not seen the SEND): it is ignored. */
static void test_response_for_a_request_sent_in_the_same_input_is_ignored(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	int64_t wake = le_elector_next_deadline(d.e);
	d.mono = wake + 1 * S;
	le_response r = {.id = d.req.id + 1, .status = 404};
	assert_int_equal(le_elector_on_response(d.e, now_of(&d), &r, 0), LE_OK);
	drain(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	assert_int_equal(d.req.id, r.id);
	serve(&d); /* the real answer is still taken */
	assert_string_equal(SEQ_ALL(&d), "LOG:HELD_BY LOG:FAILED_ACQUIRE");
	drv_free(&d);
}

static void test_extreme_clock_readings_do_not_overflow(void **state)
{
	(void)state;
	const int64_t monos[] = {INT64_MIN, INT64_MIN + 1, -1, 0, INT64_MAX - 1, INT64_MAX};
	for (size_t i = 0; i < sizeof monos / sizeof monos[0]; i++) {
		drv d;
		le_config c = cfg_with(NULL);
		c.release_on_cancel = true;
		drv_init(&d, &c);
		d.mono = monos[i];
		start(&d);
		serve(&d);
		if (d.pending)
			serve(&d);
		char err[128];
		le_elector_check(d.e, INT64_MIN, INT64_MAX, err, sizeof err);
		le_elector_check(d.e, INT64_MAX, INT64_MAX, err, sizeof err);
		le_elector_check(d.e, INT64_MIN, INT64_MIN, err, sizeof err);
		int64_t t = le_elector_next_deadline(d.e);
		assert_true(t >= d.mono);
		if (t != INT64_MAX) {
			d.mono = t;
			assert_int_equal(le_elector_on_timer(d.e, now_of(&d), UINT64_MAX), LE_OK);
			drain(&d);
		}
		le_response r = {.id = d.pending ? d.req.id : 0, .status = 500};
		d.pending = false;
		assert_int_equal(le_elector_on_response(d.e, now_of(&d), &r, UINT64_MAX), LE_OK);
		drain(&d);
		assert_int_equal(le_elector_cancel(d.e, now_of(&d), 0), LE_OK);
		drain(&d);
		d.mono = INT64_MIN;
		le_elector_on_timer(d.e, now_of(&d), 0);
		drain(&d);
		drv_free(&d);
	}
}

static void test_validation_of_huge_retry_periods(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	char err[128] = "";
	c.retry_period_ns = INT64_MAX;
	c.renew_deadline_ns = INT64_MAX - 1;
	c.lease_duration_ns = INT64_MAX;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "renewDeadline must be greater than retryPeriod*JitterFactor");
	c.retry_period_ns = INT64_MIN;
	c.renew_deadline_ns = 10 * S;
	c.lease_duration_ns = 15 * S;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "retryPeriod must be greater than zero");
}

/* bin/sim prove --timing critical: a lease held by another pod, observed
 * now, expires LD later on the monotonic clock; the draw asked for an
 * instant in [RP, 2.2 RP) from now makes the failed attempt's acquire wait
 * end within a microsecond after it; outside that range there is none. */
static void test_a_critical_draw_ends_the_acquire_wait_just_after_the_instant(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	le_elector *e = le_elector_new(&c, NULL, 0);
	le_time now = {.mono_ns = T0, .wall_ns = WALL0 + T0};
	int64_t exp = 0;
	uint64_t d = 0;
	assert_int_equal(le_elector_start(e, now, 0), LE_OK);
	assert_false(le_elector_expiry_mono(e, now, &exp)); /* nothing observed */
	int64_t rp = c.retry_period_ns;
	assert_false(le_elector_draw_after(e, T0, T0 + rp - 1, &d));
	assert_false(le_elector_draw_after(e, T0, T0 + rp + 6 * rp / 5, &d));
	assert_true(le_elector_draw_after(e, T0, T0 + rp, &d));
	int64_t at = T0 + rp + 987654321;
	assert_true(le_elector_draw_after(e, T0, at, &d));
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	le_response r = {.id = 1, .status = 200, .record = &b, .record_present = true,
			 .resource_version = "7"};
	assert_int_equal(le_elector_on_response(e, now, &r, d), LE_OK);
	int64_t wake = le_elector_next_deadline(e);
	assert_true(wake >= at && wake <= at + 1000);
	assert_true(le_elector_expiry_mono(e, now, &exp));
	/* observedTime as the core records it (here a nanosecond past now) */
	assert_true(exp >= T0 + 15 * S && exp <= T0 + 15 * S + 1000);
	le_elector_free(e);
}

/* A driver that never drains: inputs are refused before the queue could
 * overflow, nothing already queued is lost, and draining lets it go on. */
static void test_undrained_outputs_refuse_inputs_instead_of_overflowing(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	le_elector *e = le_elector_new(&c, NULL, 0);
	le_time now = {.mono_ns = T0, .wall_ns = WALL0 + T0};
	assert_int_equal(le_elector_start(e, now, 0), LE_OK);
	uint64_t id = 1;
	le_record b = rec_make("pod-b", 15, WALL0, WALL0, 0);
	int refused = 0, polls = 0;
	for (int i = 0; i < 100; i++) {
		le_response r = {.id = id, .status = 200, .record = &b,
				 .record_present = true, .resource_version = "7"};
		if (le_elector_on_response(e, now, &r, 0) == LE_ESTATE) {
			refused++;
			break;
		}
		id++;
		now.mono_ns = le_elector_next_deadline(e);
		if (le_elector_on_timer(e, now, 0) == LE_ESTATE) {
			refused++;
			break;
		}
		polls++; /* each one sent a GET */
	}
	assert_int_equal(refused, 1);
	/* Nothing was lost: the first outputs are still the first. (A SEND's
	 * request pointer is only good until the next input, so these stale
	 * ones are not looked into.) */
	le_output o;
	int n = 0, sends = 0;
	assert_true(le_elector_next_output(e, &o));
	assert_int_equal(o.kind, LE_OUT_LOG);
	assert_int_equal(o.u.log.msg, LE_MSG_ATTEMPTING_ACQUIRE);
	assert_true(le_elector_next_output(e, &o));
	assert_int_equal(o.kind, LE_OUT_SEND);
	while (le_elector_next_output(e, &o)) {
		n++;
		sends += o.kind == LE_OUT_SEND;
	}
	assert_true(n > 20);
	assert_int_equal(sends, polls); /* one per poll, all still queued */
	assert_false(le_elector_next_output(e, NULL));
	assert_int_equal(le_elector_on_timer(e, now, 0), LE_OK);
	le_elector_free(e);
}

/* Holder i: "pod-i-" and 9*i x's, so the texts differ in length too. */
static void queued_holder(char *buf, size_t cap, int i)
{
	int n = snprintf(buf, cap, "pod-%d-", i);
	for (int k = 0; k < 9 * i && (size_t)n + 1 < cap; k++)
		buf[n++] = 'x';
	buf[n] = '\0';
}

/* Count the "held by" logs among the next `take` outputs, checking that
 * each names holder number *seen, in order. */
static void drain_held_by(le_elector *e, int take, int *seen)
{
	le_output o;
	char want[160];
	for (int k = 0; k < take && le_elector_next_output(e, &o); k++) {
		if (o.kind != LE_OUT_LOG || o.u.log.msg != LE_MSG_HELD_BY)
			continue;
		queued_holder(want, sizeof want, *seen);
		assert_string_equal(o.u.log.arg, want);
		(*seen)++;
	}
}

/* The texts of queued outputs survive later inputs, whether the driver
 * drained none, some or all of what came before: each "held by" log names
 * the holder of the response it answered, in order. */
static void test_queued_output_texts_survive_later_inputs(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	le_elector *e = le_elector_new(&c, NULL, 0);
	le_time now = {.mono_ns = T0, .wall_ns = WALL0 + T0};
	assert_int_equal(le_elector_start(e, now, 0), LE_OK);
	int seen = 0;
	for (int i = 0; i < 12; i++) {
		char holder[160];
		queued_holder(holder, sizeof holder, i);
		le_record b = rec_make(holder, 15, WALL0, WALL0, 0);
		le_response r = {.id = (uint64_t)i + 1, .status = 200, .record = &b,
				 .record_present = true, .resource_version = "7"};
		assert_int_equal(le_elector_on_response(e, now, &r, 0), LE_OK);
		now.mono_ns = le_elector_next_deadline(e);
		assert_int_equal(le_elector_on_timer(e, now, 0), LE_OK);
		/* drain nothing, two outputs, or everything */
		drain_held_by(e, i % 3 == 0 ? 0 : i % 3 == 1 ? 2 : 1000, &seen);
	}
	drain_held_by(e, 1000, &seen);
	assert_int_equal(seen, 12);
	le_elector_free(e);
}

static void test_null_arguments_are_refused(void **state)
{
	(void)state;
	le_time now = {0, 0};
	le_output o;
	assert_int_equal(le_elector_start(NULL, now, 0), LE_EINVAL);
	assert_int_equal(le_elector_on_timer(NULL, now, 0), LE_EINVAL);
	assert_int_equal(le_elector_on_response(NULL, now, NULL, 0), LE_EINVAL);
	assert_int_equal(le_elector_cancel(NULL, now, 0), LE_EINVAL);
	assert_false(le_elector_next_output(NULL, &o));
	assert_int_equal(le_elector_next_deadline(NULL), INT64_MAX);
	assert_false(le_elector_is_leader(NULL));
	assert_string_equal(le_elector_leader(NULL), "");
	assert_false(le_elector_done(NULL));
	assert_false(le_elector_fatal(NULL));
	assert_false(le_elector_leading(NULL));
	le_record none;
	assert_false(le_elector_observed_record(NULL, &none));
	assert_null(le_elector_config(NULL));
	le_stats st;
	le_elector_stats(NULL, &st);
	assert_int_equal(st.attempts, 0);
	le_elector_free(NULL);
	le_config c = cfg_with(NULL);
	le_elector *e = le_elector_new(&c, NULL, 0);
	assert_int_equal(le_elector_on_response(e, now, NULL, 0), LE_EINVAL);
	le_elector_stats(e, NULL);
	le_elector_free(e);
}

/* ---- 6. timing bounds, measured on the core --------------------------- */

/* A two-pod world in virtual time: one shared store answering at once
 * (r = 0), pods with their own PRNG streams (splitmix64). The leader a
 * crashes (or, with release, is cancelled) at X; b's takeover commit comes
 * T later. */
typedef struct mc_pod {
	le_elector *e;
	bool alive;
	uint64_t rng;
} mc_pod;

typedef struct mc_world {
	int64_t now;
	bool st_present, st_has_record;
	le_record st;
	unsigned rv;
	int64_t b_commit; /* first commit with holder b, INT64_MAX until then */
} mc_world;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static le_time mc_time(const mc_world *w) { return (le_time){w->now, w->now + WALL0}; }

/* Carry out a pod's outputs, answering its requests at once. */
static void mc_drain(mc_world *w, mc_pod *p, const char *id)
{
	for (;;) {
		le_output o;
		bool have = false;
		le_request q;
		while (le_elector_next_output(p->e, &o))
			if (o.kind == LE_OUT_SEND) {
				q = *o.u.request;
				have = true;
			}
		if (!have)
			return;
		char rvs[16];
		le_response r = {.id = q.id};
		unsigned char raw[600];
		bool write = false;
		if (q.op == LE_OP_GET) {
			r.status = w->st_present ? 200 : 404;
		} else if (q.op == LE_OP_CREATE) {
			r.status = w->st_present ? 409 : 201;
			r.reason = w->st_present ? "AlreadyExists" : NULL;
			write = !w->st_present;
		} else {
			snprintf(rvs, sizeof rvs, "%u", w->rv);
			r.status = !w->st_present ? 404 : strcmp(q.resource_version, rvs) ? 409 : 200;
			r.reason = r.status == 409 ? "Conflict" : NULL;
			write = r.status == 200;
		}
		if (write) {
			w->st_present = true;
			w->st_has_record = !(q.op == LE_OP_CREATE && q.no_record);
			if (w->st_has_record)
				w->st = q.record;
			w->rv++;
			if (w->st_has_record && strcmp(q.record.holder, "b") == 0 &&
			    w->b_commit == INT64_MAX && strcmp(id, "b") == 0)
				w->b_commit = w->now;
		}
		snprintf(rvs, sizeof rvs, "%u", w->rv);
		if (r.status < 300 && w->st_has_record) {
			r.record = &w->st;
			r.record_present = true;
			r.raw = raw;
			r.raw_len = key_of(&w->st, raw, sizeof raw);
		}
		r.resource_version = r.status < 300 ? rvs : NULL;
		assert_int_equal(le_elector_on_response(p->e, mc_time(w), &r, splitmix(&p->rng)), LE_OK);
	}
}

typedef struct mc_stats {
	int64_t min, max;
	double sum;
	int n;
} mc_stats;

/* One run: a leads from 0, b starts at 0.3 s, a stops at X in [40, 60) s. */
static int64_t mc_run(const le_config *base, uint64_t seed, bool release)
{
	mc_world w;
	memset(&w, 0, sizeof w);
	w.b_commit = INT64_MAX;
	uint64_t s = seed;
	int64_t x = 40 * S + (int64_t)(splitmix(&s) % (uint64_t)(20 * S));
	mc_pod pods[2];
	const char *ids[2] = {"a", "b"};
	for (int i = 0; i < 2; i++) {
		le_config c = *base;
		c.identity = ids[i];
		c.release_on_cancel = release;
		pods[i].e = le_elector_new(&c, NULL, 0);
		assert_non_null(pods[i].e);
		pods[i].alive = false;
		pods[i].rng = seed * 2 + (uint64_t)i + 1;
	}
	int64_t starts[2] = {0, 300 * MS};
	bool stopped_a = false;
	while (w.b_commit == INT64_MAX) {
		int64_t next = INT64_MAX;
		int who = -1; /* 0/1 timer, 2/3 start, 4 stop a */
		for (int i = 0; i < 2; i++) {
			if (!pods[i].alive && !(i == 0 && stopped_a) && starts[i] < next) {
				next = starts[i];
				who = 2 + i;
			}
			int64_t t = pods[i].alive ? le_elector_next_deadline(pods[i].e) : INT64_MAX;
			if (t < next) {
				next = t;
				who = i;
			}
		}
		if (!stopped_a && x <= next) {
			next = x;
			who = 4;
		}
		assert_true(who >= 0);
		assert_true(next < 600 * S);
		w.now = next;
		if (who == 4) {
			stopped_a = true;
			if (release) {
				assert_int_equal(le_elector_cancel(pods[0].e, mc_time(&w), 0), LE_OK);
				mc_drain(&w, &pods[0], "a");
				assert_true(le_elector_done(pods[0].e));
			}
			pods[0].alive = false;
		} else if (who >= 2) {
			mc_pod *p = &pods[who - 2];
			p->alive = true;
			starts[who - 2] = INT64_MAX;
			assert_int_equal(le_elector_start(p->e, mc_time(&w), splitmix(&p->rng)), LE_OK);
			mc_drain(&w, p, ids[who - 2]);
		} else {
			mc_pod *p = &pods[who];
			assert_int_equal(le_elector_on_timer(p->e, mc_time(&w), splitmix(&p->rng)), LE_OK);
			mc_drain(&w, p, ids[who]);
		}
		if (who == 2 || who == 0)
			assert_true(stopped_a || le_elector_leading(pods[0].e));
	}
	for (int i = 0; i < 2; i++)
		le_elector_free(pods[i].e);
	return w.b_commit - x;
}

static mc_stats mc_many(const le_config *c, int runs, bool release)
{
	mc_stats st = {INT64_MAX, INT64_MIN, 0, 0};
	for (int i = 0; i < runs; i++) {
		int64_t t = mc_run(c, (uint64_t)i + 1, release);
		st.min = t < st.min ? t : st.min;
		st.max = t > st.max ? t : st.max;
		st.sum += (double)t;
		st.n++;
	}
	return st;
}

static double secs(int64_t ns) { return (double)ns / (double)S; }

/* Runs per figure: the standard error of the means below is about 0.03 s
 * (30000 runs give 17.357 s, 13.022 s and 1.677 s). */
#define MC_RUNS 4000

/* 6.1: crash -> new leader commit in [LDs - RP, LDs + 4.4 RP] with r = 0,
 * mean about LDs + 2m - RP/2 (m = 0.8375 RP): 13 .. 23.8 s, 17.4 s. */
static void test_crash_failover_within_6_1(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	mc_stats st = mc_many(&c, MC_RUNS, false);
	double mean = st.sum / st.n / (double)S;
	printf("    6.1 client-go 15/10/2: min %.2f s, max %.2f s, mean %.3f s (n=%d)\n",
	       secs(st.min), secs(st.max), mean, st.n);
	assert_true(st.min >= 13 * S);
	assert_true(st.max <= 23800 * MS);
	assert_true(mean > 17.25 && mean < 17.45);
	/* the tails are reached, not just the middle */
	assert_true(st.min < 13500 * MS && st.max > 22 * S);
}

/* 6.1 for the 0.5 sidecar: 7.5 .. 21 s. The spec's mean (12.9 s) comes from
 * LD + 2m - RP/2, which takes the wait after observedTime + LD as a full
 * residual m; with LD only 2.5 polls long that is a little short: the
 * process gives 13.0 s. */
static void test_crash_failover_sidecar_05_within_6_1(void **state)
{
	(void)state;
	le_config c = cfg_05();
	mc_stats st = mc_many(&c, MC_RUNS, false);
	double mean = st.sum / st.n / (double)S;
	printf("    6.1 sidecar-0.5 10/5/2.5: min %.2f s, max %.2f s, mean %.3f s (n=%d)\n",
	       secs(st.min), secs(st.max), mean, st.n);
	assert_true(st.min >= 7500 * MS);
	assert_true(st.max <= 21 * S);
	assert_true(mean > 12.92 && mean < 13.12);
}

/* 6.2: a release is taken at the next poll: T < 2.2 RP, mean m = 1.675 s. */
static void test_release_failover_within_6_2(void **state)
{
	(void)state;
	le_config c = cfg_with(NULL);
	mc_stats st = mc_many(&c, MC_RUNS, true);
	double mean = st.sum / st.n / (double)S;
	printf("    6.2 client-go release: min %.3f s, max %.3f s, mean %.3f s (n=%d)\n",
	       secs(st.min), secs(st.max), mean, st.n);
	assert_true(st.min >= 0);
	assert_true(st.max < 4400 * MS);
	assert_true(mean > 1.6 && mean < 1.75);
	assert_true(st.max > 4 * S); /* the tail is reached */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_05_pass_makes_a_final_attempt_at_the_deadline),
		cmocka_unit_test(test_05_pass_makes_three_attempts_when_the_tick_wins),
		cmocka_unit_test(test_05_final_attempt_that_succeeds_keeps_leading),
		cmocka_unit_test(test_2018_poll_drops_ticks_that_come_during_an_attempt),
		cmocka_unit_test(test_2018_hung_request_is_followed_by_a_final_attempt),
		cmocka_unit_test(test_slow_path_after_fast_path_keeps_the_copied_fields),
		cmocka_unit_test(test_cancel_during_an_acquire_attempt_reports_what_it_saw),
		cmocka_unit_test(test_zero_duration_record_is_held_once_then_taken),
		cmocka_unit_test(test_h1_blackholed_leader_stops_at_s_plus_17),
		cmocka_unit_test(test_missing_record_after_a_held_one),
		cmocka_unit_test(test_log_levels_per_profile),
		cmocka_unit_test(test_05_startup_creates_the_object_then_reports_the_holder),
		cmocka_unit_test(test_05_startup_errors_are_fatal_except_conflict),
		cmocka_unit_test(test_05_after_a_loss_reports_the_holder_then_campaigns),
		cmocka_unit_test(test_05_cancel_during_startup_ends_without_stopped_leading),
		cmocka_unit_test(test_response_for_a_request_sent_in_the_same_input_is_ignored),
		cmocka_unit_test(test_extreme_clock_readings_do_not_overflow),
		cmocka_unit_test(test_validation_of_huge_retry_periods),
		cmocka_unit_test(test_undrained_outputs_refuse_inputs_instead_of_overflowing),
		cmocka_unit_test(test_a_critical_draw_ends_the_acquire_wait_just_after_the_instant),
		cmocka_unit_test(test_queued_output_texts_survive_later_inputs),
		cmocka_unit_test(test_null_arguments_are_refused),
		cmocka_unit_test(test_crash_failover_within_6_1),
		cmocka_unit_test(test_crash_failover_sidecar_05_within_6_1),
		cmocka_unit_test(test_release_failover_within_6_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
