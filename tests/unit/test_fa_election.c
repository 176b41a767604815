/* The coordinated leader election controller (include/leaselab/election.h):
 * the choice order over candidate sets, each rule of one election step, the
 * Lease update after AlreadyExists, and the workqueue that drives the steps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- a handover driven end to end --------------------------------------- */

/* A small world in one test: the controller, one le_cand per pod (the core's
 * candidate publisher) and a coordinated client per pod reduced to its
 * rules (every RP a GET; the holder renews unless preferredHolder is set;
 * a Lease counts as expired LD after the client last saw it change).
 * Candidate writes take 1 ms, other requests none; informers have no lag,
 * clocks agree: what is left is the controller's and the candidates' own
 * timing. */
#define HW_PODS 3
#define HW_RP (2 * S)
#define HW_LD_S 15

typedef struct hw {
	int64_t t;
	fa_election *e;
	bool lease_exists;
	le_record lease;
	uint64_t rv;
	uint64_t lease_rv;
	le_cand *cand[HW_PODS];
	bool cand_present[HW_PODS];
	le_lease_candidate cobj[HW_PODS];
	char crv[HW_PODS][LE_RV_MAX];
	const char *name[HW_PODS];
	int64_t next_try[HW_PODS];
	le_record seen[HW_PODS];
	int64_t observed[HW_PODS];
	/* what happened */
	int64_t prefer_at, install_at, acquired_at;
	char acquired_by[LE_NAME_MAX];
} hw;

static le_time hw_now(const hw *w)
{
	return at(w->t);
}

static int hw_pod(const hw *w, const char *name)
{
	for (int i = 0; i < HW_PODS; i++)
		if (w->name[i] && !strcmp(w->name[i], name))
			return i;
	return -1;
}

static void hw_lease_written(hw *w)
{
	w->lease_rv = ++w->rv;
	fa_election_on_lease_event(w->e, hw_now(w), "kube-system", "kcm");
}

static void hw_cand_written(hw *w, int p, le_cand_event ev)
{
	snprintf(w->crv[p], LE_RV_MAX, "%llu", (unsigned long long)++w->rv);
	if (ev == LE_CAND_EV_DELETE) {
		le_cand_on_observed(w->cand[p], hw_now(w), ev, NULL, NULL);
		fa_election_on_candidate_event(w->e, hw_now(w), &w->cobj[p]);
		return;
	}
	le_cand_on_observed(w->cand[p], hw_now(w), ev, &w->cobj[p], w->crv[p]);
	fa_election_on_candidate_event(w->e, hw_now(w), &w->cobj[p]);
}

static void hw_cand_requests(hw *w)
{
	for (int p = 0; p < HW_PODS; p++) {
		le_cand_request r;
		while (w->cand[p] && le_cand_next_request(w->cand[p], &r)) {
			/* the answer to a ping comes after it: a renewTime
			 * equal to the pingTime would count as neither
			 * (ping_outstanding) */
			w->t += LE_NS_PER_MS;
			r.object.renew_wall_ns = hw_now(w).wall_ns;
			int status = 200;
			if (r.op == LE_CAND_CREATE) {
				if (w->cand_present[p]) {
					status = 409;
				} else {
					w->cobj[p] = r.object;
					w->cobj[p].creation_wall_ns =
					    hw_now(w).wall_ns;
					w->cand_present[p] = true;
					status = 201;
				}
			} else if (!w->cand_present[p]) {
				status = 404;
			} else if (strcmp(r.resource_version, w->crv[p])) {
				status = 409;
			} else {
				int64_t created = w->cobj[p].creation_wall_ns;
				w->cobj[p] = r.object;
				w->cobj[p].creation_wall_ns = created;
			}
			if (getenv("HW_TRACE"))
				fprintf(stderr,
					"%9.3f cand %s op %d rv %s -> %d\n",
					(double)w->t / S, w->name[p], r.op,
					r.resource_version, status);
			le_cand_on_response(w->cand[p], hw_now(w), r.id,
					    status);
			if (status < 300)
				hw_cand_written(w, p,
						r.op == LE_CAND_CREATE
						    ? LE_CAND_EV_ADD
						    : LE_CAND_EV_UPDATE);
		}
	}
}

static void hw_ctl_requests(hw *w)
{
	fa_election_request r;
	while (fa_election_next_request(w->e, &r)) {
		le_time now = hw_now(w);
		if (getenv("HW_TRACE"))
			fprintf(stderr, "%9.3f op %d %s holder=%s pref=%s\n",
				(double)w->t / S, r.op, r.candidate.name,
				r.lease.holder, r.lease.preferred_holder);
		if (r.op == FA_ELOP_VIEW) {
			le_lease_candidate cs[HW_PODS];
			char rvs[HW_PODS][LE_RV_MAX];
			size_t n = 0;
			for (int p = 0; p < HW_PODS; p++)
				if (w->cand_present[p]) {
					cs[n] = w->cobj[p];
					memcpy(rvs[n++], w->crv[p], LE_RV_MAX);
				}
			fa_election_view v = {NULL,
					      NULL,
					      w->lease_exists ? &w->lease
							      : NULL,
					      cs,
					      (const char(*)[LE_RV_MAX])rvs,
					      n};
			fa_election_on_view(w->e, now, r.id, &v);
		} else if (r.op == FA_ELOP_PING) {
			int p = hw_pod(w, r.candidate.name);
			int status = p < 0 || !w->cand_present[p] ? 404
				     : strcmp(r.resource_version, w->crv[p])
					 ? 409
					 : 200;
			if (status == 200)
				w->cobj[p] = r.candidate;
			fa_election_on_response(w->e, now, r.id, status);
			if (status == 200)
				hw_cand_written(w, p, LE_CAND_EV_UPDATE);
		} else if (r.op == FA_ELOP_LEASE_CREATE) {
			int status = w->lease_exists ? 409 : 201;
			if (status == 201) {
				w->lease = r.lease;
				w->lease_exists = true;
				w->install_at = w->t;
			}
			fa_election_on_response(w->e, now, r.id, status);
			if (status == 201)
				hw_lease_written(w);
		} else if (r.op == FA_ELOP_LEASE_GET) {
			char rv[LE_RV_MAX];
			snprintf(rv, sizeof rv, "%llu",
				 (unsigned long long)w->lease_rv);
			fa_election_on_lease(w->e, now, r.id, 200, &w->lease,
					     rv);
		} else if (r.op == FA_ELOP_LEASE_UPDATE) {
			char rv[LE_RV_MAX];
			snprintf(rv, sizeof rv, "%llu",
				 (unsigned long long)w->lease_rv);
			int status = strcmp(rv, r.resource_version) ? 409 : 200;
			if (status == 200) {
				w->lease = r.lease;
				if (r.update_kind == FA_ELECT_UPD_PREFER &&
				    w->prefer_at < 0)
					w->prefer_at = w->t;
				if (r.update_kind == FA_ELECT_UPD_INSTALL)
					w->install_at = w->t;
			}
			fa_election_on_response(w->e, now, r.id, status);
			if (status == 200)
				hw_lease_written(w);
		} else if (r.op == FA_ELOP_GC) {
			fa_election_on_response(w->e, now, r.id, 200);
		}
	}
}

/* One coordinated client attempt (election-spec.md 8). */
static void hw_client(hw *w, int p)
{
	w->next_try[p] = w->t + HW_RP;
	if (!w->lease_exists)
		return;
	le_record *l = &w->lease;
	if (memcmp(&w->seen[p], l, sizeof *l)) {
		w->seen[p] = *l;
		w->observed[p] = w->t;
	}
	if (!l->holder_set || strcmp(l->holder, w->name[p]) ||
	    l->preferred_holder[0])
		return;
	if (w->observed[p] + (int64_t)l->lease_duration_s * S < w->t)
		return; /* expired: a coordinated client never takes over */
	bool first = l->lease_duration_s == FA_ELECTION_LEASE_DURATION_S;
	l->renew_wall_ns = hw_now(w).wall_ns;
	l->has_renew_time = true;
	l->lease_duration_s = HW_LD_S;
	if (first && w->install_at >= 0 && w->acquired_at < 0 &&
	    w->prefer_at >= 0) {
		w->acquired_at = w->t;
		snprintf(w->acquired_by, sizeof w->acquired_by, "%s",
			 w->name[p]);
	}
	w->seen[p] = *l;
	w->observed[p] = w->t;
	hw_lease_written(w);
}

/* hw_client with the controller down: its informer sees nothing. */
static void hw_client_quiet(hw *w, int p)
{
	fa_election *e = w->e;
	fa_election *off = fa_election_new();
	w->e = off;
	hw_client(w, p);
	w->e = e;
	fa_election_free(off);
}

static void hw_add_pod(hw *w, int p, const char *name, const char *ev)
{
	le_cand_config cc = {name, "kube-system", "kcm", ev, ev, NULL, 0};
	char err[128];
	w->name[p] = name;
	w->cand[p] = le_cand_new(&cc, err, sizeof err);
	assert_non_null(w->cand[p]);
	le_cand_start(w->cand[p], hw_now(w));
	w->next_try[p] = w->t + (int64_t)p * S / 3; /* out of phase */
	hw_cand_requests(w);
	hw_ctl_requests(w);
}

static void hw_run_until(hw *w, int64_t end)
{
	while (w->t < end) {
		int64_t next = end;
		int64_t d = fa_election_next_deadline(w->e);
		if (d < next)
			next = d;
		for (int p = 0; p < HW_PODS; p++) {
			if (!w->cand[p])
				continue;
			if (le_cand_next_deadline(w->cand[p]) < next)
				next = le_cand_next_deadline(w->cand[p]);
			if (w->next_try[p] < next)
				next = w->next_try[p];
		}
		w->t = next > w->t ? next : w->t;
		fa_election_on_timer(w->e, hw_now(w));
		for (int p = 0; p < HW_PODS; p++) {
			if (!w->cand[p])
				continue;
			le_cand_on_timer(w->cand[p], hw_now(w));
			if (w->next_try[p] <= w->t)
				hw_client(w, p);
		}
		for (int k = 0; k < 4; k++) {
			hw_cand_requests(w);
			hw_ctl_requests(w);
		}
	}
}

static void hw_init(hw *w)
{
	memset(w, 0, sizeof *w);
	w->e = fa_election_new();
	w->prefer_at = w->install_at = w->acquired_at = -1;
	for (int p = 0; p < HW_PODS; p++)
		w->next_try[p] = INT64_MAX;
	assert_int_equal(fa_election_start(w->e, hw_now(w), NULL, 0), LE_OK);
	hw_ctl_requests(w);
}

static void hw_free(hw *w)
{
	for (int p = 0; p < HW_PODS; p++)
		le_cand_free(w->cand[p]);
	fa_election_free(w->e);
}

/* "new" (1.32) leads alone; "old" (1.31) joins at 60 s + offset: the
 * controller prefers it, "new" ends its term, the Lease expires, the
 * controller installs "old", which renews. */
static void hw_handover(hw *w, int64_t join_ns)
{
	hw_init(w);
	hw_add_pod(w, 0, "new", "1.32.0");
	hw_run_until(w, join_ns);
	assert_true(w->lease_exists);
	assert_string_equal(w->lease.holder, "new");
	w->install_at = -1;
	hw_add_pod(w, 1, "old", "1.31.0");
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* election-spec.md 8.1: a handover by preferredHolder takes between LD - RP
 * and LD + 2 * 5 s + RP here (the clients' attempts are exactly RP apart and
 * requests take no time). 100 phases of the join against the clients'
 * attempts and the controller's requeues, drawn from a fixed LCG. */
#define HW_RUNS 100
static void test_handover_by_preferred_holder_within_bound(void **state)
{
	(void)state;
	int64_t h[HW_RUNS];
	uint64_t x = 18;
	for (int k = 0; k < HW_RUNS; k++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		hw w;
		hw_handover(&w, 60 * S + (int64_t)((x >> 33) % (10 * S)));
		hw_run_until(&w, w.t + 120 * S);
		assert_true(w.prefer_at >= 0);
		assert_true(w.acquired_at >= 0);
		assert_string_equal(w.acquired_by, "old");
		assert_string_equal(w.lease.holder, "old");
		assert_string_equal(w.lease.preferred_holder, "");
		h[k] = w.acquired_at - w.prefer_at;
		assert_true(h[k] >= HW_LD_S * S - HW_RP);
		assert_true(h[k] <=
			    HW_LD_S * S + 2 * FA_ELECTION_REQUEUE_NS + HW_RP);
		hw_free(&w);
	}
	qsort(h, HW_RUNS, sizeof h[0], cmp_i64);
	/* nearest rank */
	printf("handover by preferredHolder, LD %d s, RP %lld s, %d phases: "
	       "min %.3f s, "
	       "p50 %.3f s, p99 %.3f s, max %.3f s\n",
	       HW_LD_S, (long long)(HW_RP / S), HW_RUNS, (double)h[0] / S,
	       (double)h[HW_RUNS / 2 - 1] / S,
	       (double)h[HW_RUNS * 99 / 100 - 1] / S,
	       (double)h[HW_RUNS - 1] / S);
}

/* kubernetes#138066: "old"'s candidate is deleted right after the controller
 * names it preferredHolder (10 s later, mid-handover). "new" ends its term
 * anyway; the controller keeps electing "new", which writes nothing; nobody
 * leads until "old"'s le_cand re-creates its candidate at its next 5-minute
 * renewal. */
static void
test_deleted_preferred_candidate_stalls_until_its_renewal(void **state)
{
	(void)state;
	hw w;
	hw_handover(&w, 60 * S);
	int64_t old_start = w.t;
	while (w.prefer_at < 0)
		hw_run_until(&w, w.t + LE_NS_PER_MS);
	/* mid-handover: "new" has stopped renewing, its Lease not yet expired
	 */
	hw_run_until(&w, w.prefer_at + 10 * S);
	assert_string_equal(w.lease.holder, "new");
	int64_t deleted = w.t;
	w.cand_present[1] = false;
	hw_cand_written(&w, 1, LE_CAND_EV_DELETE);
	hw_run_until(&w, deleted + 400 * S);
	assert_true(w.acquired_at >= 0);
	assert_string_equal(w.acquired_by, "old");
	/* the stall ends when the candidate is re-created: on its renewal
	 * schedule, 300 s after it started (a ping's answer does not move it)
	 */
	assert_true(w.install_at >= old_start + LE_CAND_RENEW_INTERVAL_NS);
	assert_true(w.install_at <= old_start + LE_CAND_RENEW_INTERVAL_NS +
					FA_ELECTION_DURATION_NS);
	printf("preferred candidate deleted at %.3f s after it started: "
	       "leaderless until "
	       "%.3f s (%.3f s after the deletion)\n",
	       (double)(deleted - old_start) / S,
	       (double)(w.install_at - old_start) / S,
	       (double)(w.install_at - deleted) / S);
	hw_free(&w);
}

/* The controller's apiserver restarts mid-election: the new controller keeps
 * no memory of the old one's pings or preference; it lists the candidates
 * (Run) and its Lease informer's initial ADD enqueues the Lease, and the
 * election goes on from what the objects say. Down for 3 s right after
 * preferredHolder was written, the handover still ends within the bound
 * plus the time the controller was away. */
static void test_controller_restart_mid_election_recovers(void **state)
{
	(void)state;
	hw w;
	hw_handover(&w, 60 * S);
	while (w.prefer_at < 0)
		hw_run_until(&w, w.t + LE_NS_PER_MS);
	fa_election_free(w.e);
	w.e = fa_election_new();
	/* while it is down nothing runs it: start it 3 s later */
	fa_election *down = w.e;
	w.e = NULL;
	int64_t back = w.t + 3 * S;
	while (w.t < back) { /* the clients and candidates go on alone */
		int64_t next = back;
		for (int p = 0; p < HW_PODS; p++)
			if (w.cand[p] && w.next_try[p] < next)
				next = w.next_try[p];
		w.t = next;
		for (int p = 0; p < HW_PODS; p++)
			if (w.cand[p] && w.next_try[p] <= w.t)
				hw_client_quiet(&w, p);
	}
	w.e = down;
	le_lease_candidate cs[HW_PODS];
	size_t n = 0;
	for (int p = 0; p < HW_PODS; p++)
		if (w.cand_present[p])
			cs[n++] = w.cobj[p];
	assert_int_equal(fa_election_start(w.e, hw_now(&w), cs, n), LE_OK);
	fa_election_on_lease_event(w.e, hw_now(&w), "kube-system", "kcm");
	hw_ctl_requests(&w);
	hw_run_until(&w, w.t + 120 * S);
	assert_string_equal(w.acquired_by, "old");
	assert_string_equal(w.lease.preferred_holder, "");
	assert_true(w.acquired_at - w.prefer_at <=
		    HW_LD_S * S + 2 * FA_ELECTION_REQUEUE_NS + HW_RP + 3 * S);
	printf("controller restarted (3 s down) after preferredHolder: "
	       "handover %.3f s\n",
	       (double)(w.acquired_at - w.prefer_at) / S);
	hw_free(&w);
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
	    cmocka_unit_test(test_handover_by_preferred_holder_within_bound),
	    cmocka_unit_test(
		test_deleted_preferred_candidate_stalls_until_its_renewal),
	    cmocka_unit_test(test_controller_restart_mid_election_recovers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
