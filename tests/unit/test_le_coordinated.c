/* The coordinated client (le_config.coordinated; election-spec.md 8):
 * tryCoordinatedRenew driven with scripted inputs, one rule per test. The
 * store plays the apiserver's election controller by writing the Lease
 * itself (store_put).
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

#define OEV "OldestEmulationVersion"

static le_config cfg_coord(void)
{
	le_config c = cfg_with(&le_profile_client_go);
	c.coordinated = true;
	return c;
}

/* What the controller writes when it installs `holder`. */
static le_record installed(const char *holder, int32_t lds, int64_t mono,
			   int32_t transitions)
{
	le_record r = rec_make(holder, lds, wall_at(mono), wall_at(mono),
			       transitions);
	snprintf(r.strategy, sizeof r.strategy, "%s", OEV);
	return r;
}

/* Installed as holder by the controller, then acquired: the first renew
 * pass's immediate GET is in flight. */
static void coordinated_leader(drv *d)
{
	le_config c = cfg_coord();
	drv_init(d, &c);
	le_record r = installed("pod-a", 15, d->mono, 3);
	store_put(d, &r);
	start(d);
	serve(d); /* GET */
	assert_string_equal(SEQ(d), "SEND:UPDATE");
	serve(d); /* the renew that acquires */
	assert_int_equal(d->started, 1);
	assert_true(d->pending);
	assert_int_equal(d->req.op, LE_OP_GET);
}

/* ---- Get only: a 404 fails the attempt and creates nothing ------------- */

static void test_404_creates_nothing(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	start(&d);
	for (int i = 0; i < 5; i++) {
		assert_true(d.pending);
		assert_int_equal(d.req.op, LE_OP_GET);
		serve(&d); /* 404 */
		assert_non_null(find_log(&d, LE_MSG_LEASE_NOT_FOUND));
		assert_non_null(find_log(&d, LE_MSG_FAILED_ACQUIRE));
		assert_false(d.pending);
		fire(&d);
	}
	assert_int_equal(d.writes, 0);
	assert_false(d.st_present);
	assert_int_equal(d.started, 0);
	drv_free(&d);
}

/* The default stays uncoordinated: the same 404 makes a CREATE. */
static void test_default_is_uncoordinated(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go);
	assert_false(c.coordinated);
	drv_init(&d, &c);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ(&d), "SEND:CREATE");
	drv_free(&d);
}

static void test_get_error_fails_the_attempt(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	start(&d);
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR LOG:FAILED_ACQUIRE");
	assert_false(d.pending);
	drv_free(&d);
}

/* ---- never a takeover --------------------------------------------------- */

static void test_never_takes_over_a_held_or_expired_lease(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	le_record r = installed("pod-b", 15, d.mono, 0);
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:HELD_COORDINATED NL:pod-b LOG:FAILED_ACQUIRE");
	assert_int_equal(find_log(&d, LE_MSG_HELD_COORDINATED)->log.verbosity, 6);
	assert_string_equal(find_log(&d, LE_MSG_HELD_COORDINATED)->text, "pod-b");
	/* pod-b stops renewing: long past its expiry the lease is still not
	 * taken, only reported expired */
	int expired = 0;
	while (d.mono < T0 + 120 * S) {
		fire(&d);
		serve(&d);
		assert_false(d.pending);
		if (find_log(&d, LE_MSG_LEASE_EXPIRED))
			expired++;
	}
	assert_true(expired > 10);
	assert_int_equal(d.writes, 0);
	assert_string_equal(d.st.holder, "pod-b");
	assert_int_equal(d.started, 0);
	/* an empty holder is not free either */
	le_record rel = installed("", 1, d.mono, 0);
	rel.strategy[0] = '\0';
	store_put(&d, &rel);
	fire(&d);
	serve(&d);
	assert_false(d.pending);
	assert_int_equal(d.writes, 0);
	drv_free(&d);
}

/* ---- installed by the controller: acquire, strategy carried ------------- */

static void test_installed_holder_acquires_and_carries_strategy(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	le_record r = installed("pod-a", 15, d.mono - 5 * S, 3);
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ(&d), "SEND:UPDATE");
	const le_record *w = &d.req.record;
	assert_string_equal(w->holder, "pod-a");
	assert_string_equal(w->strategy, OEV);
	assert_string_equal(w->preferred_holder, "");
	assert_int_equal(w->transitions, 3); /* kept: the controller counted */
	assert_int_equal(w->acquire_wall_ns, wall_at(T0 - 5 * S));
	assert_int_equal(w->renew_wall_ns, wall_at(T0));
	assert_int_equal(w->lease_duration_s, 15);
	serve(&d);
	assert_int_equal(d.started, 1);
	assert_true(le_elector_is_leader(d.e));
	/* the controller wrote in my name: not a duplicate identity */
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.duplicate_identity, 0);
	drv_free(&d);
}

/* A custom strategy (a qualified name with "/") is carried as it is. */
static void test_custom_strategy_carried(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	le_record r = installed("pod-a", 15, d.mono, 0);
	snprintf(r.strategy, sizeof r.strategy, "example.com/newest-first");
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	assert_string_equal(d.req.record.strategy, "example.com/newest-first");
	drv_free(&d);
}

/* The longest strategy a record holds (the core keeps long ones apart
 * from its inline buffer) is carried whole, renew after renew, and so is
 * one that shrinks back to a short one. */
static void test_long_strategy_carried(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	le_record r = installed("pod-a", 15, d.mono, 0);
	char longest[LE_STRATEGY_MAX];
	memset(longest, 'x', sizeof longest - 1);
	longest[sizeof longest - 1] = '\0';
	memcpy(longest, "example.com/", 12);
	snprintf(r.strategy, sizeof r.strategy, "%s", longest);
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	assert_string_equal(d.req.record.strategy, longest);
	serve(&d); /* written */
	le_record obs;
	assert_true(le_elector_observed_record(d.e, &obs));
	assert_string_equal(obs.strategy, longest);
	for (int k = 0; k < 2; k++) { /* the next renews carry it too */
		fire(&d);
		serve(&d);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_string_equal(d.req.record.strategy, longest);
		serve(&d);
	}
	drv_free(&d);
}

/* ---- no fast path: every renew attempt starts with a GET ---------------- */

static void test_no_fast_path(void **state)
{
	(void)state;
	drv d;
	coordinated_leader(&d);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(d.req.op, LE_OP_GET);
		serve(&d);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_string_equal(d.req.record.strategy, OEV);
		serve(&d);
		assert_non_null(find_log(&d, LE_MSG_RENEWED));
		fire(&d); /* next pass after RP */
	}
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.slowpath, 6);
	drv_free(&d);
}

/* ---- end of term --------------------------------------------------------- */

static void test_preferred_holder_ends_the_term(void **state)
{
	(void)state;
	drv d;
	coordinated_leader(&d);
	serve(&d);
	serve(&d); /* renewed once */
	/* the controller names a better candidate */
	le_record r = d.st;
	snprintf(r.preferred_holder, sizeof r.preferred_holder, "pod-b");
	store_put(&d, &r);
	int writes = d.writes;
	int64_t pass = le_elector_next_deadline(d.e);
	fire(&d);
	assert_int_equal(d.mono, pass);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:END_OF_TERM");
	const cap_out *o = find_log(&d, LE_MSG_END_OF_TERM);
	assert_int_equal(o->log.verbosity, 4);
	assert_string_equal(o->text, "pod-b");
	/* every attempt of the pass refuses; the pass fails at RD */
	while (d.stopped == 0) {
		fire(&d);
		if (d.pending) {
			assert_int_equal(d.req.op, LE_OP_GET);
			serve(&d);
		}
	}
	assert_int_equal(d.writes, writes);
	assert_int_equal(d.mono, pass + 10 * S);
	assert_false(le_elector_leading(d.e));
	/* the lease was left to expire, unchanged: preferredHolder kept */
	assert_string_equal(d.st.preferred_holder, "pod-b");
	assert_string_equal(d.st.holder, "pod-a");
	drv_free(&d);
}

/* End of term also keeps an installed-but-not-yet-acquired holder out. */
static void test_preferred_holder_blocks_acquire(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	drv_init(&d, &c);
	le_record r = installed("pod-a", 15, d.mono, 0);
	snprintf(r.preferred_holder, sizeof r.preferred_holder, "pod-b");
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:END_OF_TERM NL:pod-a LOG:FAILED_ACQUIRE");
	assert_int_equal(d.started, 0);
	assert_int_equal(d.writes, 0);
	drv_free(&d);
}

/* ---- the non-strict expiry test ----------------------------------------- */

/* observedTime is stamped at T0+1 s (when the GET returns); the UPDATE is
 * refused, so it stays. The next attempt comes RP (2 s, rnd 0) after the
 * refusal. With leaseDurationSeconds 2 that attempt is at exactly
 * observedTime + 2 s: not before now, so not expired (isLeaseValid's strict
 * test would call the lease invalid there), and it renews. */
static void run_boundary(drv *d, int64_t refuse_after_ns)
{
	le_config c = cfg_coord();
	drv_init(d, &c);
	le_record r = installed("pod-a", 2, d->mono, 0);
	store_put(d, &r);
	start(d);
	d->mono += 1 * S;
	serve(d);
	assert_int_equal(d->req.op, LE_OP_UPDATE);
	d->mono += refuse_after_ns;
	reply(d, 409, NULL, NULL);
	assert_false(d->pending);
	fire(d);
	assert_int_equal(d->mono, T0 + 3 * S + refuse_after_ns);
	serve(d); /* same record: observedTime stays at T0+1 s */
}

static void test_expiry_boundary_is_not_expired(void **state)
{
	(void)state;
	drv d;
	run_boundary(&d, 0);
	assert_string_equal(SEQ(&d), "SEND:UPDATE");
	assert_null(find_log(&d, LE_MSG_LEASE_EXPIRED));
	drv_free(&d);
}

static void test_expiry_past_boundary_stops_renewing(void **state)
{
	(void)state;
	drv d;
	run_boundary(&d, 1);
	assert_string_equal(SEQ_ALL(&d), "LOG:LEASE_EXPIRED LOG:FAILED_ACQUIRE");
	assert_false(d.pending);
	drv_free(&d);
}

/* The expiry uses the FETCHED record's duration, under every profile. */
static void test_expiry_uses_fetched_duration(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_coord();
	c.profile = &le_profile_client_go_1_11; /* local LD for isLeaseValid */
	drv_init(&d, &c);
	le_record r = installed("pod-b", 1, d.mono, 0);
	store_put(&d, &r);
	start(&d);
	serve(&d);
	assert_non_null(find_log(&d, LE_MSG_HELD_COORDINATED));
	fire(&d); /* >= RP later: past 1 s, though LD (15 s) is not */
	serve(&d);
	assert_non_null(find_log(&d, LE_MSG_LEASE_EXPIRED));
	drv_free(&d);
}

/* ---- handover: the controller installs the better candidate ------------- */

static void test_handover_to_the_preferred_holder(void **state)
{
	(void)state;
	drv a, b;
	coordinated_leader(&a);
	serve(&a);
	serve(&a);
	le_config cb = cfg_coord();
	cb.identity = "pod-b";
	drv_init(&b, &cb);
	b.mono = a.mono;
	b.st = a.st;
	b.st_present = true;
	b.st_has_record = true;
	b.st_rv = a.st_rv;
	start(&b);
	serve(&b);
	assert_non_null(find_log(&b, LE_MSG_HELD_COORDINATED));
	/* the controller: pod-a's lease now names pod-b; later, once it has
	 * expired, it installs pod-b with one more transition */
	le_record pref = b.st;
	snprintf(pref.preferred_holder, sizeof pref.preferred_holder, "pod-b");
	store_put(&b, &pref);
	fire(&b);
	serve(&b);
	assert_non_null(find_log(&b, LE_MSG_HELD_COORDINATED));
	le_record next = installed("pod-b", 15, b.mono, pref.transitions + 1);
	store_put(&b, &next);
	fire(&b);
	serve(&b);
	assert_string_equal(SEQ(&b), "SEND:UPDATE");
	assert_int_equal(b.req.record.transitions, 4);
	assert_string_equal(b.req.record.strategy, OEV);
	serve(&b);
	assert_int_equal(b.started, 1);
	drv_free(&a);
	drv_free(&b);
}

/* ---- the words ---------------------------------------------------------- */

static void expect_text(const le_profile *p, le_msg m, const char *arg,
			const char *want)
{
	le_config c = cfg_coord();
	c.profile = p;
	char err[128];
	le_elector *e = le_elector_new(&c, err, sizeof err);
	assert_non_null(e);
	le_log l = {.msg = m, .arg = arg};
	char buf[256];
	le_log_format(e, &l, buf, sizeof buf);
	assert_string_equal(buf, want);
	le_elector_free(e);
}

static void test_log_words(void **state)
{
	(void)state;
	const le_profile *s = &le_profile_client_go_head, *o = &le_profile_client_go_1_31;
	expect_text(s, LE_MSG_LEASE_NOT_FOUND, "NotFound",
		    "\"Lease lock not found\" lock=\"default/my-lease\" err=\"NotFound\"");
	expect_text(s, LE_MSG_LEASE_EXPIRED, NULL,
		    "\"Lease has expired\" lock=\"default/my-lease\"");
	expect_text(s, LE_MSG_HELD_COORDINATED, "pod-b",
		    "\"Lease is held and has not yet expired\" lock=\"default/my-lease\" holder=\"pod-b\"");
	expect_text(s, LE_MSG_END_OF_TERM, "pod-b",
		    "\"Lease is marked as 'end of term'\" lock=\"default/my-lease\"");
	expect_text(o, LE_MSG_LEASE_NOT_FOUND, "NotFound",
		    "lease lock not found: default/my-lease");
	expect_text(o, LE_MSG_LEASE_EXPIRED, NULL, "lock has expired: default/my-lease");
	expect_text(o, LE_MSG_HELD_COORDINATED, "pod-b",
		    "lock is held by pod-b and has not yet expired: default/my-lease");
	expect_text(o, LE_MSG_END_OF_TERM, "pod-b",
		    "lock is marked as 'end of term': default/my-lease");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_404_creates_nothing),
		cmocka_unit_test(test_default_is_uncoordinated),
		cmocka_unit_test(test_get_error_fails_the_attempt),
		cmocka_unit_test(test_never_takes_over_a_held_or_expired_lease),
		cmocka_unit_test(test_installed_holder_acquires_and_carries_strategy),
		cmocka_unit_test(test_custom_strategy_carried),
		cmocka_unit_test(test_long_strategy_carried),
		cmocka_unit_test(test_no_fast_path),
		cmocka_unit_test(test_preferred_holder_ends_the_term),
		cmocka_unit_test(test_preferred_holder_blocks_acquire),
		cmocka_unit_test(test_expiry_boundary_is_not_expired),
		cmocka_unit_test(test_expiry_past_boundary_stops_renewing),
		cmocka_unit_test(test_expiry_uses_fetched_duration),
		cmocka_unit_test(test_handover_to_the_preferred_holder),
		cmocka_unit_test(test_log_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
