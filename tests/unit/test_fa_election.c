/* The coordinated leader election controller (include/leaselab/election.h):
 * the choice order over candidate sets, each rule of one election step, the
 * Lease update after AlreadyExists, and the workqueue that drives the steps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "leaselab/election.h"

#define S LE_NS_PER_S
#define WALL0 INT64_C(1700000000000000000)
#define NOW (WALL0 + 3600 * S)

static le_time at(int64_t mono)
{
	return (le_time){mono, mono + WALL0};
}

/* A candidate for kube-system/kcm that renewed `age_s` seconds before NOW. */
static le_lease_candidate cand(const char *name, const char *ev, const char *bv,
			       int64_t age_s)
{
	le_lease_candidate c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.namespace_, sizeof c.namespace_, "kube-system");
	snprintf(c.lease_name, sizeof c.lease_name, "kcm");
	snprintf(c.emulation_version, sizeof c.emulation_version, "%s", ev);
	snprintf(c.binary_version, sizeof c.binary_version, "%s", bv);
	snprintf(c.strategy, sizeof c.strategy, LE_STRATEGY_OEV);
	c.has_renew_time = true;
	c.renew_wall_ns = NOW - age_s * S;
	c.creation_wall_ns = WALL0;
	return c;
}

static le_record lease(const char *holder, int64_t renew_age_s, int ld_s)
{
	le_record r;
	le_record_clear(&r);
	if (holder) {
		snprintf(r.holder, sizeof r.holder, "%s", holder);
		r.holder_set = true;
	}
	r.has_renew_time = true;
	r.renew_wall_ns = NOW - renew_age_s * S;
	r.lease_duration_s = ld_s;
	r.has_acquire_time = true;
	r.acquire_wall_ns = WALL0;
	snprintf(r.strategy, sizeof r.strategy, LE_STRATEGY_OEV);
	return r;
}

static fa_election_step step(const le_record *l, const le_lease_candidate *cs,
			     size_t n)
{
	fa_election_view v = {"kube-system", "kcm", l, cs, NULL, n};
	fa_election_step st;
	assert_int_equal(fa_election_reconcile(&v, NOW, &st), LE_OK);
	return st;
}

/* The holder elected over cs when there is no Lease and all acked. */
static const char *elected(const le_lease_candidate *cs, size_t n)
{
	static fa_election_step st;
	st = step(NULL, cs, n);
	assert_int_equal(st.outcome, FA_ELECT_CREATE);
	return st.lease.holder;
}

/* ---- the choice order ---------------------------------------------------- */

static void test_choice_order_over_candidate_sets(void **state)
{
	(void)state;
	/* lowest emulationVersion first, even with a higher binary */
	le_lease_candidate a[] = {cand("new", "1.32", "1.32", 1),
				  cand("old", "1.31", "1.33", 1)};
	assert_string_equal(elected(a, 2), "old");
	/* then the lowest binaryVersion */
	le_lease_candidate b[] = {cand("b33", "1.31", "1.33", 1),
				  cand("b32", "1.31", "1.32", 1),
				  cand("b34", "1.31", "1.34", 1)};
	assert_string_equal(elected(b, 3), "b32");
	/* then the older creationTimestamp */
	le_lease_candidate c[] = {cand("young", "1.31", "1.31", 1),
				  cand("elder", "1.31", "1.31", 1)};
	c[0].creation_wall_ns = WALL0 + 10 * S;
	assert_string_equal(elected(c, 2), "elder");
	/* all equal: the first in the informer's order */
	le_lease_candidate d[] = {cand("x", "1.31", "1.31", 1),
				  cand("y", "1.31", "1.31", 1)};
	assert_string_equal(elected(d, 2), "x");
	/* a candidate whose version does not parse is never chosen */
	le_lease_candidate e[] = {cand("bad", "one", "1.30", 1),
				  cand("good", "1.31", "1.31", 1)};
	assert_string_equal(elected(e, 2), "good");
	/* semantic precedence, not text: 1.9 < 1.10 */
	le_lease_candidate f[] = {cand("ten", "1.10", "1.10", 1),
				  cand("nine", "1.9", "1.9", 1)};
	assert_string_equal(elected(f, 2), "nine");
}

static void
test_candidates_of_other_leases_and_expired_are_skipped(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("other", "1.20", "1.20", 1),
				   cand("stale", "1.20", "1.20", 30 * 60 + 1),
				   cand("ns", "1.20", "1.20", 1),
				   cand("mine", "1.31", "1.31", 1)};
	snprintf(cs[0].lease_name, sizeof cs[0].lease_name, "scheduler");
	snprintf(cs[2].namespace_, sizeof cs[2].namespace_, "default");
	fa_election_step st = step(NULL, cs, 4);
	assert_int_equal(st.n_live, 1);
	assert_string_equal(st.lease.holder, "mine");
	/* at exactly 30 minutes a candidate is still live (strict Before) */
	cs[1].renew_wall_ns = NOW - 30 * 60 * S;
	assert_int_equal(step(NULL, cs, 4).n_live, 2);
}

/* ---- the rules of one step ----------------------------------------------- */

static void test_no_candidate_does_nothing_and_does_not_requeue(void **state)
{
	(void)state;
	le_record l = lease("a", 100, 15);
	fa_election_step st = step(&l, NULL, 0);
	assert_int_equal(st.outcome, FA_ELECT_NONE);
	assert_int_equal(st.requeue_ns, 0);
}

static void test_created_lease_has_holder_strategy_and_5s(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 1)};
	fa_election_step st = step(NULL, cs, 1);
	assert_int_equal(st.outcome, FA_ELECT_CREATE);
	assert_true(st.lease.holder_set);
	assert_string_equal(st.lease.strategy, LE_STRATEGY_OEV);
	assert_int_equal(st.lease.lease_duration_s,
			 FA_ELECTION_LEASE_DURATION_S);
	assert_int_equal(st.lease.renew_wall_ns, NOW);
	assert_false(st.lease.has_acquire_time);
	assert_int_equal(st.requeue_ns, FA_ELECTION_REQUEUE_NS);
}

static void test_best_holder_of_valid_lease_needs_no_election(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 100),
				   cand("b", "1.32", "1.32", 100)};
	le_record l = lease("a", 1, 15);
	fa_election_step st = step(&l, cs, 2);
	assert_int_equal(st.outcome, FA_ELECT_NOT_NEEDED);
	assert_int_equal(st.requeue_ns, FA_ELECTION_REQUEUE_NS);
	assert_int_equal(st.n_pings, 0);
	/* the same Lease expired (renew + 15 s strictly before now): election
	 */
	l = lease("a", 16, 15);
	assert_int_equal(step(&l, cs, 2).outcome, FA_ELECT_PING);
	l = lease("a", 15, 15); /* at exactly renew + LD it is still valid */
	assert_int_equal(step(&l, cs, 2).outcome, FA_ELECT_NOT_NEEDED);
	/* an empty holder needs one too */
	l = lease("", 1, 15);
	assert_int_equal(step(&l, cs, 2).outcome, FA_ELECT_PING);
}

static void
test_candidate_older_than_15_minutes_forces_an_election(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 15 * 60 + 1)};
	le_record l = lease("a", 1, 15);
	fa_election_step st = step(&l, cs, 1);
	assert_int_equal(st.outcome, FA_ELECT_PING);
	cs[0].renew_wall_ns = NOW - 15 * 60 * S;
	assert_int_equal(step(&l, cs, 1).outcome, FA_ELECT_NOT_NEEDED);
}

static void test_stale_candidates_are_pinged_fresh_ones_not(void **state)
{
	(void)state;
	/* a better candidate "b" appeared: election needed; a and b renewed
	 * over 5 s ago, c 4 s ago */
	le_lease_candidate cs[] = {cand("a", "1.32", "1.32", 6),
				   cand("b", "1.31", "1.31", 60),
				   cand("c", "1.33", "1.33", 4)};
	le_record l = lease("a", 1, 15);
	fa_election_step st = step(&l, cs, 3);
	assert_int_equal(st.outcome, FA_ELECT_PING);
	assert_int_equal(st.n_pings, 2);
	assert_int_equal(st.pings[0], 0);
	assert_int_equal(st.pings[1], 1);
	assert_int_equal(st.requeue_ns, FA_ELECTION_REQUEUE_NS);
	/* exactly 5 s old: not fresh (After is strict), pinged */
	cs[2].renew_wall_ns = NOW - 5 * S;
	assert_int_equal(step(&l, cs, 3).n_pings, 3);
}

static void test_unanswered_young_ping_waits(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.32", "1.32", 1),
				   cand("b", "1.31", "1.31", 60)};
	cs[1].has_ping_time = true;
	cs[1].ping_wall_ns =
	    NOW - 2 * S; /* pinged 2 s ago, renewed before that */
	le_record l = lease("a", 1, 15);
	fa_election_step st = step(&l, cs, 2);
	assert_int_equal(st.outcome, FA_ELECT_WAIT);
	assert_int_equal(st.n_pings, 0);
	assert_int_equal(st.requeue_ns, FA_ELECTION_REQUEUE_NS);
	assert_true(fa_election_candidate_pending(&cs[1]));
}

static void
test_unanswered_old_ping_is_not_repeated_and_does_not_block(void **state)
{
	(void)state;
	/* b was pinged 6 s ago and never answered; a answered its ping */
	le_lease_candidate cs[] = {cand("a", "1.32", "1.32", 1),
				   cand("b", "1.31", "1.31", 60)};
	cs[0].has_ping_time = true;
	cs[0].ping_wall_ns = NOW - 2 * S;
	cs[1].has_ping_time = true;
	cs[1].ping_wall_ns = NOW - 6 * S;
	fa_election_step st = step(NULL, cs, 2);
	/* b is not pinged again (it never acked the first); only the acked
	 * candidate can be elected, although b is better */
	assert_int_equal(st.outcome, FA_ELECT_CREATE);
	assert_string_equal(st.lease.holder, "a");
}

static void test_acked_ping_is_repeated_after_5s(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 7)};
	cs[0].has_ping_time = true;
	cs[0].ping_wall_ns = NOW - 8 * S; /* acked 1 s after the ping */
	fa_election_step st = step(NULL, cs, 1);
	assert_int_equal(st.outcome, FA_ELECT_PING);
	assert_int_equal(st.n_pings, 1);
}

static void test_nobody_acked_is_no_available_candidates(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 60)};
	cs[0].has_ping_time = true;
	cs[0].ping_wall_ns = NOW - 10 * S;
	fa_election_step st = step(NULL, cs, 1);
	assert_int_equal(st.outcome, FA_ELECT_NO_ACKED);
	assert_int_equal(st.requeue_ns, 0);
}

static void test_strategy_conflict_at_one_binary_version(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 1),
				   cand("b", "1.31", "1.31", 1)};
	snprintf(cs[1].strategy, sizeof cs[1].strategy, "example.com/mine");
	assert_int_equal(step(NULL, cs, 2).outcome, FA_ELECT_BAD_STRATEGY);
	/* the highest binary's strategy wins; a custom one names no holder */
	snprintf(cs[1].binary_version, sizeof cs[1].binary_version, "1.32");
	fa_election_step st = step(NULL, cs, 2);
	assert_int_equal(st.outcome, FA_ELECT_CREATE);
	assert_false(st.lease.holder_set);
	assert_string_equal(st.lease.strategy, "example.com/mine");
}

/* ---- the update after AlreadyExists ------------------------------------- */

static fa_election_step want(const char *holder)
{
	le_lease_candidate cs[] = {cand(holder, "1.31", "1.31", 1)};
	return step(NULL, cs, 1);
}

static void test_update_installs_electee_on_expired_lease(void **state)
{
	(void)state;
	fa_election_step st = want("b");
	le_record l = lease("a", 20, 15), out;
	snprintf(l.preferred_holder, sizeof l.preferred_holder, "b");
	l.transitions = 3;
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_INSTALL);
	assert_string_equal(out.holder, "b");
	assert_string_equal(out.preferred_holder, "");
	assert_int_equal(out.lease_duration_s, 5);
	assert_int_equal(out.renew_wall_ns, NOW);
	assert_false(out.has_acquire_time);
	assert_int_equal(out.transitions,
			 3); /* the controller does not count */
	/* an empty holder is installed even while "valid" */
	l = lease("", 1, 15);
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_INSTALL);
}

static void test_update_prefers_electee_on_valid_lease(void **state)
{
	(void)state;
	fa_election_step st = want("b");
	le_record l = lease("a", 1, 15), out;
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_PREFER);
	assert_string_equal(out.holder, "a");
	assert_string_equal(out.preferred_holder, "b");
	assert_int_equal(out.renew_wall_ns, l.renew_wall_ns);
	/* already preferred: nothing to write */
	assert_int_equal(fa_election_update(&out, &st, NOW, &l),
			 FA_ELECT_UPD_NONE);
}

static void test_update_strategy_only_and_panic(void **state)
{
	(void)state;
	fa_election_step st = want("a");
	le_record l = lease("a", 1, 15), out;
	l.strategy[0] = '\0';
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_STRATEGY);
	assert_string_equal(out.strategy, LE_STRATEGY_OEV);
	/* a Lease without holderIdentity: upstream dereferences nil */
	l = lease(NULL, 1, 15);
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_PANIC);
}

/* kubernetes#138066: the preferred holder's candidate is gone; the old holder
 * stopped renewing (end of term) and its Lease expired. The election picks
 * the old holder again, which the update does not count as a new holder, so
 * nothing is written: preferredHolder stays and the client never renews. */
static void test_deleted_preferred_candidate_stalls(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {cand("a", "1.32", "1.32", 1)};
	le_record l = lease("a", 20, 15), out;
	snprintf(l.preferred_holder, sizeof l.preferred_holder, "b");
	fa_election_step st = step(&l, cs, 1);
	assert_int_equal(st.outcome, FA_ELECT_CREATE);
	assert_string_equal(st.lease.holder, "a");
	assert_int_equal(fa_election_update(&l, &st, NOW, &out),
			 FA_ELECT_UPD_NONE);
	assert_string_equal(out.preferred_holder, "b");
}

/* ---- the controller ------------------------------------------------------ */

static fa_election_request next(fa_election *e, fa_election_op op)
{
	fa_election_request r;
	assert_true(fa_election_next_request(e, &r));
	assert_int_equal(r.op, op);
	return r;
}

static void test_controller_pings_then_elects_then_requeues(void **state)
{
	(void)state;
	fa_election *e = fa_election_new();
	int64_t t = NOW - WALL0;
	le_lease_candidate cs[] = {cand("a", "1.31", "1.31", 60)};
	const char rvs[1][LE_RV_MAX] = {"7"};
	fa_election_view v = {NULL, NULL, NULL, cs, rvs, 1};
	assert_int_equal(fa_election_start(e, at(t), cs, 1), LE_OK);
	fa_election_request r = next(e, FA_ELOP_VIEW);
	assert_string_equal(r.name, "kcm");
	fa_election_request gc = next(e, FA_ELOP_GC);
	assert_false(fa_election_next_request(e, &r));
	assert_int_equal(fa_election_on_view(e, at(t), r.id, &v), LE_OK);
	r = next(e, FA_ELOP_PING);
	assert_string_equal(r.candidate.name, "a");
	assert_true(r.candidate.has_ping_time);
	assert_int_equal(r.candidate.ping_wall_ns, NOW);
	assert_string_equal(r.resource_version, "7");
	/* the candidate answers while the ping is in flight: the key runs again
	 * right after Done */
	cs[0].has_ping_time = true;
	cs[0].ping_wall_ns = NOW;
	cs[0].renew_wall_ns = NOW + S / 10;
	fa_election_on_candidate_event(e, at(t + S / 10), &cs[0]);
	assert_int_equal(fa_election_on_response(e, at(t + S / 5), r.id, 200),
			 LE_OK);
	r = next(e, FA_ELOP_VIEW);
	assert_int_equal(fa_election_on_view(e, at(t + S / 5), r.id, &v),
			 LE_OK);
	r = next(e, FA_ELOP_LEASE_CREATE);
	assert_string_equal(r.lease.holder, "a");
	assert_int_equal(fa_election_on_response(e, at(t + S / 4), r.id, 201),
			 LE_OK);
	/* the earliest AddAfter stands: 5 s after the ping step */
	assert_int_equal(fa_election_next_deadline(e), t + S / 5 + 5 * S);
	fa_election_stats st;
	fa_election_stats_get(e, &st);
	assert_int_equal(st.pings, 1);
	assert_int_equal(st.creates, 1);
	/* the GC's next pass is 30 minutes after this one ends */
	fa_election_on_response(e, at(t + S), gc.id, 200);
	assert_int_equal(fa_election_next_deadline(e), t + S / 5 + 5 * S);
	fa_election_on_timer(e, at(t + 6 * S));
	next(e, FA_ELOP_VIEW);
	fa_election_free(e);
}

static void test_controller_updates_after_already_exists(void **state)
{
	(void)state;
	fa_election *e = fa_election_new();
	int64_t t = NOW - WALL0;
	le_lease_candidate cs[] = {cand("a", "1.32", "1.32", 1),
				   cand("b", "1.31", "1.31", 1)};
	le_record l = lease("a", 1, 15);
	fa_election_view v = {NULL, NULL, &l, cs, NULL, 2};
	assert_int_equal(fa_election_start(e, at(t), cs, 2), LE_OK);
	fa_election_request r = next(e, FA_ELOP_VIEW);
	next(e, FA_ELOP_GC);
	fa_election_on_view(e, at(t), r.id, &v);
	r = next(e, FA_ELOP_LEASE_CREATE);
	assert_string_equal(r.lease.holder, "b");
	fa_election_on_response(e, at(t), r.id, 409);
	r = next(e, FA_ELOP_LEASE_GET);
	fa_election_on_lease(e, at(t), r.id, 200, &l, "42");
	r = next(e, FA_ELOP_LEASE_UPDATE);
	assert_int_equal(r.update_kind, FA_ELECT_UPD_PREFER);
	assert_string_equal(r.lease.preferred_holder, "b");
	assert_string_equal(r.resource_version, "42");
	/* a failed update does not requeue (noRequeue with the error) */
	fa_election_on_response(e, at(t), r.id, 409);
	assert_int_equal(fa_election_next_deadline(e), INT64_MAX);
	assert_false(fa_election_next_request(e, &r));
	fa_election_free(e);
}

static void test_pending_candidate_event_is_ignored(void **state)
{
	(void)state;
	fa_election *e = fa_election_new();
	le_lease_candidate c = cand("a", "1.31", "1.31", 60);
	c.has_ping_time = true;
	c.ping_wall_ns = NOW;
	assert_int_equal(fa_election_start(e, at(0), &c, 1), LE_OK);
	fa_election_request r;
	assert_true(fa_election_next_request(e, &r));
	assert_int_equal(r.op, FA_ELOP_GC); /* no VIEW: the event was dropped */
	assert_false(fa_election_next_request(e, &r));
	fa_election_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_choice_order_over_candidate_sets),
	    cmocka_unit_test(
		test_candidates_of_other_leases_and_expired_are_skipped),
	    cmocka_unit_test(
		test_no_candidate_does_nothing_and_does_not_requeue),
	    cmocka_unit_test(test_created_lease_has_holder_strategy_and_5s),
	    cmocka_unit_test(test_best_holder_of_valid_lease_needs_no_election),
	    cmocka_unit_test(
		test_candidate_older_than_15_minutes_forces_an_election),
	    cmocka_unit_test(test_stale_candidates_are_pinged_fresh_ones_not),
	    cmocka_unit_test(test_unanswered_young_ping_waits),
	    cmocka_unit_test(
		test_unanswered_old_ping_is_not_repeated_and_does_not_block),
	    cmocka_unit_test(test_acked_ping_is_repeated_after_5s),
	    cmocka_unit_test(test_nobody_acked_is_no_available_candidates),
	    cmocka_unit_test(test_strategy_conflict_at_one_binary_version),
	    cmocka_unit_test(test_update_installs_electee_on_expired_lease),
	    cmocka_unit_test(test_update_prefers_electee_on_valid_lease),
	    cmocka_unit_test(test_update_strategy_only_and_panic),
	    cmocka_unit_test(test_deleted_preferred_candidate_stalls),
	    cmocka_unit_test(test_controller_pings_then_elects_then_requeues),
	    cmocka_unit_test(test_controller_updates_after_already_exists),
	    cmocka_unit_test(test_pending_candidate_event_is_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
