/* Unit tests for the checker (sim/check.c): synthetic histories built by
 * hand, no engine. Times in the helpers are seconds (doubles) for
 * readability; the checker sees ns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/sim.h"

#define S(x) ((int64_t)((x) * 1e9 + ((x) >= 0 ? 0.5 : -0.5)))
#define MAXEV 256

typedef struct fx {
	sim_scenario sc;
	sim_pod_spec pods[4];
	sim_fault faults[4];
	sim_history h;
	sim_event ev[MAXEV];
	sim_pod_info pinfo[4];
	char ids[4][LE_ID_MAX];
	const char *idp[4];
	sim_check_result r;
	int64_t acquire_wall_ns; /* of the last write_lease */
} fx;

/* n pods a, b, c... with client-go 15 s / 10 s / 2 s, no latency, a run of
 * 120 s; every pod starts at 0. */
static void fx_init(fx *f, int npods)
{
	memset(f, 0, sizeof *f);
	snprintf(f->sc.name, sizeof f->sc.name, "synthetic");
	f->sc.duration_ns = S(120);
	for (int i = 0; i < npods; i++) {
		sim_pod_spec *p = &f->pods[i];
		snprintf(f->ids[i], sizeof f->ids[i], "pod-%c", 'a' + i);
		p->name = f->ids[i];
		p->identity = "";
		p->election.profile = &le_profile_client_go;
		p->election.lock_kind = LE_LOCK_LEASES;
		p->election.lock_namespace = p->election.lock_name = "";
		p->election.lease_duration_ns = S(15);
		p->election.renew_deadline_ns = S(10);
		p->election.retry_period_ns = S(2);
		f->pinfo[i].name = p->name;
		f->pinfo[i].identity = i;
		f->pinfo[i].spec = i;
		f->pinfo[i].replaces = -1;
		f->idp[i] = f->ids[i];
	}
	f->sc.pods = f->pods;
	f->sc.npods = (size_t)npods;
	f->sc.faults = f->faults;
	f->sc.expect.max_leaders = 1;
	f->sc.expect.check_liveness = true;
	f->sc.expect.check_stability = true;
	f->h.ev = f->ev;
	f->h.cap = MAXEV;
	f->h.pods = f->pinfo;
	f->h.npods = (size_t)npods;
	f->h.identities = f->idp;
	f->h.nidentities = (size_t)npods;
	f->h.end_ns = S(120);
}

static sim_event *ev(fx *f, double t, sim_ev_kind k, int pod)
{
	assert_true(f->h.n < MAXEV);
	sim_event *e = &f->ev[f->h.n];
	memset(e, 0, sizeof *e);
	e->t_ns = S(t);
	e->kind = k;
	e->pod = pod;
	e->holder = -1;
	e->fault = -1;
	f->h.n++;
	return e;
}

static void starts(fx *f)
{
	for (size_t i = 0; i < f->h.npods; i++)
		ev(f, 0, SIM_EV_POD_START, (int)i);
}

/* A lease commit by `pod`: holder identity (-1 = ""), transitions, and
 * an acquireTime that differs from the last write's when acquire_changed
 * (the checker compares the two). */
static void write_lease(fx *f, double t, int pod, int holder, int64_t trans,
			bool acquire_changed)
{
	sim_event *e = ev(f, t, SIM_EV_LEASE_WRITE, pod);
	e->holder = holder;
	e->transitions = trans;
	e->lease_duration_s = holder < 0 ? 1 : 15;
	if (acquire_changed)
		f->acquire_wall_ns += S(1);
	e->has_acquire_time = true;
	e->acquire_wall_ns = f->acquire_wall_ns;
	e->has_renew_time = true;
	e->renew_wall_ns = S(t);
}

/* A guarded write with fencing token `token`. */
static void work(fx *f, double t, int pod, int64_t token)
{
	sim_event *e = ev(f, t, SIM_EV_WORK, pod);
	e->token = token;
}

static void fault(fx *f, double t, double until, sim_action a, int pod)
{
	int idx = (int)f->sc.nfaults++;
	f->faults[idx].action = a;
	f->faults[idx].at_ns = S(t);
	f->faults[idx].duration_ns = S(until - t);
	ev(f, t, SIM_EV_FAULT_START, pod)->fault = idx;
	if (until > t)
		ev(f, until, SIM_EV_FAULT_END, pod)->fault = idx;
}

/* A fault window in two steps, for histories where events fall inside it. */
static int fault_start(fx *f, double t, sim_action a, int pod)
{
	int idx = (int)f->sc.nfaults++;
	f->faults[idx].action = a;
	f->faults[idx].at_ns = S(t);
	ev(f, t, SIM_EV_FAULT_START, pod)->fault = idx;
	return idx;
}

static void fault_end(fx *f, double t, int idx, int pod)
{
	f->faults[idx].duration_ns = S(t) - f->faults[idx].at_ns;
	ev(f, t, SIM_EV_FAULT_END, pod)->fault = idx;
}

static void check(fx *f)
{
	/* The checker assumes time order; the helpers append in order. */
	for (size_t i = 1; i < f->h.n; i++)
		assert_true(f->ev[i].t_ns >= f->ev[i - 1].t_ns);
	assert_int_equal(sim_check(&f->sc, &f->h, &f->r), LE_OK);
}

static size_t count_inv(const fx *f, sim_invariant inv)
{
	size_t n = 0;
	for (size_t i = 0; i < f->r.nviolations; i++)
		n += f->r.violations[i].inv == inv;
	return n;
}

static void teardown(fx *f) { sim_check_result_free(&f->r); }

/* ---- safety ----------------------------------------------------------- */

static void test_one_leader_passes(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	write_lease(&f, 0.01, 0, 0, 0, true);
	ev(&f, 0.01, SIM_EV_STARTED_LEADING, 0);
	write_lease(&f, 2, 0, 0, 0, false);
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	assert_true(f.r.expectations_met);
	assert_int_equal(f.r.noverlaps, 0);
	assert_int_equal(f.r.nviolations, 0);
	assert_int_equal(f.r.max_leaders_seen, 1);
	assert_non_null(strstr(f.r.verdict, "PASS"));
	teardown(&f);
}

static void test_overlap_reported_with_pods_and_length(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 30.5, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	assert_int_equal(f.r.noverlaps, 1);
	assert_int_equal(f.r.overlaps[0].pod_a, 0);
	assert_int_equal(f.r.overlaps[0].pod_b, 1);
	assert_true(f.r.overlaps[0].start_ns == S(20));
	assert_true(f.r.overlaps[0].end_ns == S(30.5));
	assert_int_equal(f.r.max_leaders_seen, 2);
	assert_non_null(strstr(f.r.verdict, "SAFETY VIOLATED"));
	assert_non_null(strstr(f.r.verdict, "pod-a and pod-b"));
	assert_non_null(strstr(f.r.verdict, "(10.500 s)"));
	teardown(&f);
}

static void test_handover_at_same_instant_is_no_overlap(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 20, SIM_EV_STARTED_LEADING, 1);
	f.sc.expect.check_stability = false;
	check(&f);
	assert_int_equal(f.r.noverlaps, 0);
	assert_int_equal(f.r.max_leaders_seen, 1);
	teardown(&f);
}

static void test_paused_leader_still_counts(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 10, 10, SIM_ACT_PAUSE, 0);
	ev(&f, 10, SIM_EV_PAUSE, 0);
	ev(&f, 26, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 40, SIM_EV_RESUME, 0);
	ev(&f, 40, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	assert_int_equal(f.r.noverlaps, 1);
	assert_true(f.r.overlaps[0].start_ns == S(26));
	assert_true(f.r.overlaps[0].end_ns == S(40));
	/* The failover is measured from the pause. */
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].cause, SIM_FO_PAUSE);
	assert_true(f.r.failovers[0].cause_ns == S(10));
	assert_true(f.r.failovers[0].leader_ns == S(26));
	assert_int_equal(f.r.failovers[0].to_pod, 1);
	/* The intervals the reports draw are the ones judged: pod 0 acts
	 * through its pause until it stops, pod 1 to the end of the run. */
	assert_int_equal(f.r.nleading, 2);
	assert_int_equal(f.r.leading[0].pod, 0);
	assert_true(f.r.leading[0].start_ns == S(1));
	assert_true(f.r.leading[0].end_ns == S(40));
	assert_int_equal(f.r.leading[1].pod, 1);
	assert_true(f.r.leading[1].start_ns == S(26));
	assert_true(f.r.leading[1].end_ns == f.h.end_ns);
	teardown(&f);
}

static void test_acting_end_extends_leadership(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	f.pods[0].stop_delay_ns = S(3);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 21, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 23, SIM_EV_ACTING_END, 0);
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_true(f.r.overlaps[0].start_ns == S(21));
	assert_true(f.r.overlaps[0].end_ns == S(23));
	teardown(&f);

	/* A live history (no scenario spec, so no known stop_delay): the
	 * ACTING_END event alone says when user code noticed. */
	fx_init(&f, 2);
	f.pinfo[0].spec = -1;
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 21, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 24.5, SIM_EV_ACTING_END, 0);
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_true(f.r.overlaps[0].end_ns == S(24.5));
	teardown(&f);
}

static void test_stopped_leading_ends_without_acting_end(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 21, SIM_EV_STARTED_LEADING, 1);
	f.sc.expect.check_stability = false;
	check(&f);
	assert_int_equal(f.r.noverlaps, 0);
	assert_int_equal(count_inv(&f, SIM_INV_SAFETY), 0);
	teardown(&f);
}

static void test_acting_end_missing_in_live_history_uses_stop(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	/* A live history: pods not tied to scenario specs. */
	f.pinfo[0].spec = -1;
	f.pinfo[1].spec = -1;
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 21, SIM_EV_STARTED_LEADING, 1);
	f.sc.expect.check_stability = false;
	check(&f);
	assert_int_equal(f.r.noverlaps, 0);
	teardown(&f);
}

static void test_death_ends_leadership(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 10, 10, SIM_ACT_POD_KILL, 0);
	ev(&f, 10, SIM_EV_POD_DEATH, 0);
	ev(&f, 25, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_int_equal(f.r.noverlaps, 0);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].cause, SIM_FO_CRASH);
	assert_int_equal(f.r.failovers[0].from_pod, 0);
	assert_int_equal(f.r.failovers[0].to_pod, 1);
	assert_true(f.r.failovers[0].cause_ns == S(10));
	assert_true(f.r.failovers[0].leader_ns == S(25));
	assert_true(f.r.failovers[0].within_bound);
	teardown(&f);
}

static void test_damage_counted_inside_overlap(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	work(&f, 2, 1, 1);  /* synthetic: token 1 seen first */
	work(&f, 3, 0, 0);  /* stale, before the overlap: not counted in it */
	work(&f, 5, 1, 1);  /* equal to the highest: not stale */
	ev(&f, 20, SIM_EV_STARTED_LEADING, 1);
	work(&f, 21, 1, 1);
	work(&f, 22, 0, 0); /* stale token: damage */
	ev(&f, 30, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	work(&f, 31, 1, 1);
	ev(&f, 40, SIM_EV_STOPPED_LEADING, 1)->was_leader = true;
	work(&f, 50, 0, 0); /* outside any overlap */
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_int_equal(f.r.overlaps[0].stale_writes, 1);
	assert_int_equal(f.r.stale_writes, 3);
	assert_non_null(strstr(f.r.verdict, "1 stale guarded writes"));
	teardown(&f);
}

static void test_more_leaders_allowed_by_max_leaders(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 3);
	f.sc.expect.max_leaders = 2;
	f.sc.expect.check_stability = false;
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 2, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_int_equal(f.r.noverlaps, 0);
	assert_int_equal(f.r.max_leaders_seen, 2);
	sim_check_result_free(&f.r);
	ev(&f, 3, SIM_EV_STARTED_LEADING, 2);
	ev(&f, 7, SIM_EV_STOPPED_LEADING, 2)->was_leader = true;
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_true(f.r.overlaps[0].start_ns == S(3));
	assert_true(f.r.overlaps[0].end_ns == S(7));
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	teardown(&f);
}

/* Overlaps above max_leaders name pods that were acting then: pod-c ends
 * (closing the first overlap) at the very instant pod-d's start makes three
 * again, so the second overlap is pod-a (acting longest) with pod-d, never
 * pod-c, which no longer acts. */
static void test_overlap_above_max_leaders_names_acting_pods(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 4);
	f.sc.expect.max_leaders = 2;
	f.sc.expect.check_stability = false;
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 2, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 3, SIM_EV_STARTED_LEADING, 2);
	ev(&f, 25, SIM_EV_STOPPED_LEADING, 2)->was_leader = true;
	ev(&f, 25, SIM_EV_STARTED_LEADING, 3);
	ev(&f, 40, SIM_EV_STOPPED_LEADING, 3)->was_leader = true;
	check(&f);
	assert_int_equal(f.r.noverlaps, 2);
	assert_int_equal(f.r.overlaps[0].pod_a, 0);
	assert_int_equal(f.r.overlaps[0].pod_b, 2);
	assert_true(f.r.overlaps[1].start_ns == S(25));
	assert_true(f.r.overlaps[1].end_ns == S(40));
	assert_int_equal(f.r.overlaps[1].pod_a, 0);
	assert_int_equal(f.r.overlaps[1].pod_b, 3);
	assert_null(strstr(f.r.violations[1].text, "pod-c"));
	assert_non_null(strstr(f.r.violations[1].text, "pod-a and pod-d both acting"));
	teardown(&f);
}

/* Hazard H4: pod-b runs under pod-a's identity, starts at 20 s and leads at
 * once while pod-a renews on. The holder never changes and pod-a never
 * stops: no failover, no change of leader, and no "stop" of pod-a (its last
 * renewal before 20 s is no stop) - only the overlap, which says the two
 * share the identity. */
static void shared_identity_history(fx *f, bool shared)
{
	fx_init(f, 3);
	if (shared)
		f->pinfo[1].identity = 0;
	ev(f, 0, SIM_EV_POD_START, 0);
	ev(f, 0, SIM_EV_POD_START, 2);
	write_lease(f, 0, 0, 0, 1, true);
	ev(f, 0, SIM_EV_STARTED_LEADING, 0);
	for (int k = 1; k <= 9; k++)
		write_lease(f, 2 * k, 0, 0, 1, false);
	ev(f, 20, SIM_EV_POD_START, 1);
	if (shared) {
		write_lease(f, 20.01, 1, 0, 1, false);
	} else {
		write_lease(f, 20.01, 1, 1, 2, true);
	}
	ev(f, 20.01, SIM_EV_STARTED_LEADING, 1);
}

static void test_shared_identity_join_is_no_failover(void **state)
{
	(void)state;
	fx f;
	shared_identity_history(&f, true);
	for (int k = 11; k <= 59; k++) { /* both renew the one lease */
		write_lease(&f, 2 * k, 0, 0, 1, false);
		write_lease(&f, 2 * k + 0.5, 1, 0, 1, false);
	}
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_int_equal(f.r.overlaps[0].pod_a, 0);
	assert_int_equal(f.r.overlaps[0].pod_b, 1);
	assert_true(f.r.overlaps[0].start_ns == S(20.01));
	assert_int_equal(f.r.nfailovers, 0);
	assert_int_equal(count_inv(&f, SIM_INV_FAILOVER), 0);
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 0);
	assert_non_null(strstr(f.r.violations[0].text, "both as identity pod-a"));
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 0);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	teardown(&f);

	/* Control: with its own identity pod-b really takes the lease over
	 * from a pod-a that never stopped: a failover and a change of leader. */
	shared_identity_history(&f, false);
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_null(strstr(f.r.violations[0].text, "both as identity"));
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].from_pod, 0);
	assert_int_equal(f.r.failovers[0].to_pod, 1);
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 1);
	teardown(&f);
}

/* Once pod-a (sharing its identity with pod-b) dies, pod-b leading on is
 * leadership going on, not a failover without a new leader. */
static void test_shared_identity_survivor_keeps_leading(void **state)
{
	(void)state;
	fx f;
	shared_identity_history(&f, true);
	fault(&f, 30, 30, SIM_ACT_POD_KILL, 0);
	ev(&f, 30, SIM_EV_POD_DEATH, 0);
	for (int k = 16; k <= 59; k++)
		write_lease(&f, 2 * k, 1, 0, 1, false);
	check(&f);
	assert_int_equal(f.r.noverlaps, 1);
	assert_true(f.r.overlaps[0].end_ns == S(30));
	assert_int_equal(count_inv(&f, SIM_INV_FAILOVER), 0);
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 0);
	assert_int_equal(count_inv(&f, SIM_INV_LIVENESS), 0);
	teardown(&f);
}

/* ---- failover --------------------------------------------------------- */

/* Crash of the leader at 10 s, the other pod leads at 10 + after. */
static void crash_history(fx *f, double after)
{
	fx_init(f, 2);
	starts(f);
	write_lease(f, 0, 0, 0, 0, true);
	ev(f, 0, SIM_EV_STARTED_LEADING, 0);
	fault(f, 10, 10, SIM_ACT_POD_KILL, 0);
	ev(f, 10, SIM_EV_POD_DEATH, 0);
	write_lease(f, 10 + after, 1, 1, 1, true);
	ev(f, 10 + after, SIM_EV_STARTED_LEADING, 1);
}

static void test_crash_failover_bound_is_derived_from_15_10_2(void **state)
{
	(void)state;
	fx f;
	/* LDs + 4.4 RP + 2 rG + rU = 15 + 8.8 + 0 = 23.8 s with no latency. */
	crash_history(&f, 23.8);
	check(&f);
	assert_int_equal(f.r.nfailovers, 1);
	assert_true(f.r.failovers[0].bound_ns == S(23.8));
	assert_true(f.r.failovers[0].within_bound);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);

	crash_history(&f, 23.9);
	check(&f);
	assert_false(f.r.failovers[0].within_bound);
	assert_int_equal(count_inv(&f, SIM_INV_FAILOVER), 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	assert_non_null(strstr(f.r.verdict, "(failover)"));
	assert_non_null(strstr(f.r.verdict, "took 23.900 s"));
	teardown(&f);
}

static void test_crash_bound_uses_latency_or_request_timeout(void **state)
{
	(void)state;
	fx f;
	/* 10 ms each way: r = 20 ms, so 23.8 + 3 x 0.02 = 23.86 s. */
	crash_history(&f, 1);
	f.sc.latency_to = (fa_latency){ .kind = FA_LAT_FIXED, .a_ns = S(0.01) };
	f.sc.latency_from = (fa_latency){ .kind = FA_LAT_FIXED, .a_ns = S(0.01) };
	check(&f);
	assert_true(f.r.failovers[0].bound_ns == S(23.86));
	teardown(&f);

	/* An unbounded tail: the client timeout max(1 s, RD/2) = 5 s is the
	 * worst r, so 23.8 + 15 = 38.8 s. */
	crash_history(&f, 1);
	f.sc.latency_to = (fa_latency){ .kind = FA_LAT_PARETO, .a_ns = S(0.01),
					.alpha = 1.5 };
	check(&f);
	assert_true(f.r.failovers[0].bound_ns == S(38.8));
	teardown(&f);
}

static void test_explicit_failover_max_wins(void **state)
{
	(void)state;
	fx f;
	crash_history(&f, 12);
	f.sc.expect.failover_max_ns = S(11);
	check(&f);
	assert_true(f.r.failovers[0].bound_ns == S(11));
	assert_false(f.r.failovers[0].within_bound);
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	teardown(&f);
}

static void release_history(fx *f, double leader_at)
{
	fx_init(f, 2);
	starts(f);
	write_lease(f, 0, 0, 0, 0, true);
	ev(f, 0, SIM_EV_STARTED_LEADING, 0);
	fault(f, 10, 10, SIM_ACT_POD_DELETE, 0);
	ev(f, 10, SIM_EV_POD_SIGTERM, 0);
	write_lease(f, 10.5, 0, -1, 0, true); /* release */
	ev(f, 10.5, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(f, 10.5, SIM_EV_POD_EXIT, 0);
	write_lease(f, leader_at, 1, 1, 1, true);
	ev(f, leader_at, SIM_EV_STARTED_LEADING, 1);
}

static void test_release_failover_bound(void **state)
{
	(void)state;
	fx f;
	/* 2.2 RP + rG + rU = 4.4 s, from the release's commit at 10.5 s. */
	release_history(&f, 14.9);
	check(&f);
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].cause, SIM_FO_RELEASE);
	assert_true(f.r.failovers[0].cause_ns == S(10.5));
	assert_true(f.r.failovers[0].bound_ns == S(4.4));
	assert_true(f.r.failovers[0].within_bound);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);

	release_history(&f, 15);
	check(&f);
	assert_false(f.r.failovers[0].within_bound);
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	teardown(&f);
}

static void test_release_bound_is_crash_bound_for_old_followers(void **state)
{
	(void)state;
	fx f;
	release_history(&f, 20);
	f.pods[1].election.profile = &le_profile_client_go_2018;
	check(&f);
	assert_true(f.r.failovers[0].bound_ns == S(23.8));
	assert_true(f.r.failovers[0].within_bound);
	teardown(&f);
}

static void test_no_new_leader_is_a_failover_violation(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 10, 10, SIM_ACT_POD_KILL, 0);
	ev(&f, 10, SIM_EV_POD_DEATH, 0);
	check(&f);
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].to_pod, -1);
	assert_false(f.r.failovers[0].within_bound);
	assert_true(count_inv(&f, SIM_INV_FAILOVER) == 1);
	assert_true(count_inv(&f, SIM_INV_LIVENESS) == 1);
	teardown(&f);

	/* ... but not when nobody is left alive to take over. */
	fx_init(&f, 1);
	starts(&f);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 10, 10, SIM_ACT_POD_KILL, 0);
	ev(&f, 10, SIM_EV_POD_DEATH, 0);
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);
}

static void test_failover_waits_for_a_replacement_to_start(void **state)
{
	(void)state;
	fx f;
	/* One pod; killed; its replacement starts 2 s later and leads 20 s
	 * after that: the bound runs from the replacement's start. */
	fx_init(&f, 2);
	f.pinfo[1].replaces = 0;
	ev(&f, 0, SIM_EV_POD_START, 0);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 10, 10, SIM_ACT_POD_KILL, 0);
	ev(&f, 10, SIM_EV_POD_DEATH, 0);
	ev(&f, 12, SIM_EV_POD_START, 1);
	ev(&f, 33, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_true(f.r.failovers[0].bound_ns == S(25.8));
	assert_true(f.r.failovers[0].within_bound);
	teardown(&f);
}

static void test_outage_during_failover_extends_derived_bound(void **state)
{
	(void)state;
	fx f;
	/* The leader gives up at 40 s inside a 30 s..70 s apiserver outage;
	 * nobody can take over before 70 s. The derived bound (23.8 s) grows
	 * by the 30 s of outage after the loss: 53.8 s. */
	fx_init(&f, 2);
	f.sc.duration_ns = f.h.end_ns = S(180);
	starts(&f);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	int out = fault_start(&f, 30, SIM_ACT_APISERVER, -1);
	ev(&f, 40, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	fault_end(&f, 70, out, -1);
	ev(&f, 72, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_int_equal(f.r.nfailovers, 1);
	assert_int_equal(f.r.failovers[0].cause, SIM_FO_LOST);
	assert_true(f.r.failovers[0].cause_ns == S(40));
	assert_true(f.r.failovers[0].bound_ns == S(53.8));
	assert_true(f.r.failovers[0].within_bound);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);

	/* An explicit failover.max is taken as written. */
	fx_init(&f, 2);
	f.sc.duration_ns = f.h.end_ns = S(180);
	f.sc.expect.failover_max_ns = S(30);
	starts(&f);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	out = fault_start(&f, 30, SIM_ACT_APISERVER, -1);
	ev(&f, 40, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	fault_end(&f, 70, out, -1);
	ev(&f, 72, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_false(f.r.failovers[0].within_bound);
	teardown(&f);
}

static void test_liveness_not_judged_while_a_fault_lasts(void **state)
{
	(void)state;
	fx f;
	/* A partition until the end of the run never heals. */
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 0, SIM_EV_STARTED_LEADING, 0);
	fault_start(&f, 10, SIM_ACT_APISERVER, -1);
	ev(&f, 20, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LIVENESS), 0);
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 0);
	teardown(&f);
}

/* ---- lease history ------------------------------------------------------ */

static void test_transitions_grow_by_one_per_holder_change(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	f.sc.expect.check_liveness = false;
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 2, 0, 0, 0, false);
	write_lease(&f, 20, 1, 1, 1, true);
	write_lease(&f, 22, 1, 1, 1, false);
	write_lease(&f, 24, 1, -1, 1, true); /* release: not judged */
	write_lease(&f, 26, 0, 0, 2, true);  /* takeover from "" */
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 0);
	teardown(&f);
}

static void test_transitions_skip_is_violation(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 20, 1, 1, 2, true);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	assert_non_null(strstr(f.r.verdict, "transitions 2, expected 1"));
	teardown(&f);
}

static void test_transitions_reset_on_renew(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 20, 1, 1, 1, true);
	write_lease(&f, 22, 1, 1, 0, false); /* 0.5 writes 0 on renew */
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	teardown(&f);

	/* With the sidecar-0.5 profile it is that profile's known behaviour:
	 * noted, not a violation... */
	fx_init(&f, 2);
	f.pods[1].election.profile = le_profile_find("sidecar-0.5");
	assert_non_null(f.pods[1].election.profile);
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 20, 1, 1, 1, true);
	write_lease(&f, 22, 1, 1, 0, false);
	f.sc.expect.check_liveness = false;
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 0);
	assert_non_null(strstr(f.r.verdict, "transitions 0 (sidecar-0.5"));
	teardown(&f);

	/* ... unless the scenario expects exactly that violation. */
	fx_init(&f, 2);
	f.pods[1].election.profile = le_profile_find("sidecar-0.5");
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 20, 1, 1, 1, true);
	write_lease(&f, 22, 1, 1, 0, false);
	f.sc.expect.expect_violation = true;
	f.sc.expect.violation = SIM_INV_LEASE_HISTORY;
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	assert_non_null(strstr(f.r.verdict, "expected lease-history violation"));
	teardown(&f);
}

static void test_acquire_time_change_without_takeover(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	write_lease(&f, 0, 0, 0, 0, true);
	write_lease(&f, 2, 0, 0, 0, true);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 1);
	assert_non_null(strstr(f.r.verdict, "changed acquireTime"));
	teardown(&f);
}

static void test_write_from_dead_pod(void **state)
{
	(void)state;
	fx f;
	/* 50 ms to the apiserver: a commit 30 ms after the death may be a
	 * request sent before it; one 2 s after cannot be. */
	fx_init(&f, 2);
	f.sc.latency_to = (fa_latency){ .kind = FA_LAT_FIXED, .a_ns = S(0.05) };
	f.sc.expect.check_liveness = false;
	starts(&f);
	write_lease(&f, 0.05, 0, 0, 0, true);
	ev(&f, 10, SIM_EV_POD_DEATH, 0);
	write_lease(&f, 10.03, 0, 0, 0, false);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 0);
	write_lease(&f, 12, 0, 0, 0, false);
	sim_check_result_free(&f.r);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEASE_HISTORY), 1);
	assert_non_null(strstr(f.r.violations[0].text, "after it died"));
	teardown(&f);
}

/* ---- liveness, stability, leaderless ------------------------------------- */

static void test_liveness_after_heal(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	fault(&f, 10, 30, SIM_ACT_APISERVER, -1);
	check(&f);
	/* Nobody ever led; the apiserver was back at 30 s. */
	assert_int_equal(count_inv(&f, SIM_INV_LIVENESS), 1);
	assert_int_equal(f.r.violations[0].t_ns, S(53.8));
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	teardown(&f);

	fx_init(&f, 2);
	starts(&f);
	fault(&f, 10, 30, SIM_ACT_APISERVER, -1);
	ev(&f, 40, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LIVENESS), 0);
	teardown(&f);

	/* A scenario may switch it off. */
	fx_init(&f, 2);
	f.sc.expect.check_liveness = false;
	starts(&f);
	fault(&f, 10, 30, SIM_ACT_APISERVER, -1);
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);
}

static void test_leader_change_without_fault_is_instability(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 50, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 52, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	/* Both the loss and the change of leader are reported. */
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 2);
	assert_non_null(strstr(f.r.violations[0].text, "pod-a stopped leading at 50.000 s"));
	assert_non_null(strstr(f.r.violations[1].text, "leader changed from pod-a to pod-b at 52.000 s"));
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	teardown(&f);

	/* The same change right after a fault is a failover. */
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	fault(&f, 40, 45, SIM_ACT_PARTITION, 0);
	ev(&f, 50, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 52, SIM_EV_STARTED_LEADING, 1);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_STABILITY), 0);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);
}

static void test_leaderless_total_and_longest(void **state)
{
	(void)state;
	fx f;
	fx_init(&f, 2);
	f.sc.expect.check_stability = false;
	f.sc.duration_ns = f.h.end_ns = S(60);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(&f, 10, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	ev(&f, 20, SIM_EV_STARTED_LEADING, 1);
	ev(&f, 30, SIM_EV_STOPPED_LEADING, 1)->was_leader = true;
	ev(&f, 35, SIM_EV_STARTED_LEADING, 0);
	check(&f);
	assert_true(f.r.leaderless_total_ns == S(15));
	assert_true(f.r.leaderless_max_ns == S(10));
	assert_int_equal(count_inv(&f, SIM_INV_LEADERLESS), 0);
	sim_check_result_free(&f.r);

	f.sc.expect.leaderless_max_ns = S(8);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEADERLESS), 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	assert_non_null(strstr(f.r.verdict, "no leader for 10.000 s from 10.000 s"));
	sim_check_result_free(&f.r);

	f.sc.expect.leaderless_max_ns = S(12);
	check(&f);
	assert_int_equal(count_inv(&f, SIM_INV_LEADERLESS), 0);
	teardown(&f);
}

/* ---- expectations ------------------------------------------------------- */

static void overlap_history(fx *f)
{
	fx_init(f, 2);
	starts(f);
	ev(f, 1, SIM_EV_STARTED_LEADING, 0);
	ev(f, 20, SIM_EV_STARTED_LEADING, 1);
	ev(f, 30, SIM_EV_STOPPED_LEADING, 0)->was_leader = true;
	f->sc.expect.check_stability = false;
}

static void test_expect_violation_inverts_only_the_named_invariant(void **state)
{
	(void)state;
	fx f;
	overlap_history(&f);
	f.sc.expect.expect_violation = true;
	f.sc.expect.violation = SIM_INV_SAFETY;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	assert_true(f.r.expectations_met);
	assert_non_null(strstr(f.r.verdict, "BUG REPRODUCED (expected safety violation)"));
	teardown(&f);

	/* Expecting another invariant: not met, exit by that invariant's class. */
	overlap_history(&f);
	f.sc.expect.expect_violation = true;
	f.sc.expect.violation = SIM_INV_LEADERLESS;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_LIVENESS);
	assert_false(f.r.expectations_met);
	assert_non_null(strstr(f.r.verdict, "expected bug not reproduced (a leaderless violation"));
	teardown(&f);

	/* "any" is met by whatever is violated. */
	overlap_history(&f);
	f.sc.expect.expect_violation = true;
	f.sc.expect.violation = SIM_INV_NONE;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_PASS);
	teardown(&f);

	/* A clean history that was expected to fail safety: exit 1. */
	fx_init(&f, 2);
	starts(&f);
	ev(&f, 1, SIM_EV_STARTED_LEADING, 0);
	f.sc.expect.expect_violation = true;
	f.sc.expect.violation = SIM_INV_SAFETY;
	check(&f);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	assert_non_null(strstr(f.r.verdict, "FAIL: expected bug not reproduced (a safety violation"));
	teardown(&f);
}

static void test_safety_outranks_liveness_in_exit_code(void **state)
{
	(void)state;
	fx f;
	overlap_history(&f);
	f.sc.expect.leaderless_max_ns = S(0.5);
	fault(&f, 40, 40, SIM_ACT_POD_KILL, 1);
	ev(&f, 40, SIM_EV_POD_DEATH, 1);
	check(&f);
	assert_true(count_inv(&f, SIM_INV_LEADERLESS) == 1);
	assert_int_equal(f.r.exit_code, SIM_EXIT_SAFETY);
	teardown(&f);
}

static void test_invariant_names(void **state)
{
	(void)state;
	assert_string_equal(sim_invariant_name(SIM_INV_SAFETY), "safety");
	assert_string_equal(sim_invariant_name(SIM_INV_FAILOVER), "failover");
	assert_string_equal(sim_invariant_name(SIM_INV_LEASE_HISTORY), "lease-history");
	assert_string_equal(sim_invariant_name(SIM_INV_LIVENESS), "liveness");
	assert_string_equal(sim_invariant_name(SIM_INV_STABILITY), "stability");
	assert_string_equal(sim_invariant_name(SIM_INV_LEADERLESS), "leaderless");
}

/* ---- coordinated election: the handover by preferredHolder -------------- */

/* pod-a leads; at 10 s the controller (pod -1) names pod-b preferredHolder;
 * pod-a's term ends at 20 s; pod-b leads at `b_leads` (< 0: never). Both
 * coordinated unless `a_plain`. The bound is 15 + 10 + 4.4 s = 29.4 s. */
static void handover_fx(fx *f, double b_leads, bool a_plain)
{
	fx_init(f, 2);
	for (int i = 0; i < 2; i++) {
		f->pods[i].coordinated = !(i == 0 && a_plain);
		f->pods[i].binary_version = i ? "1.31.0" : "1.32.0";
		f->pods[i].emulation_version = f->pods[i].binary_version;
		f->pods[i].upgrade_at_ns = INT64_MAX;
	}
	starts(f);
	write_lease(f, 0.01, 0, 0, 0, true);
	ev(f, 0.01, SIM_EV_STARTED_LEADING, 0);
	write_lease(f, 8, 0, 0, 0, false);
	sim_event *named = ev(f, 10, SIM_EV_LEASE_WRITE, -1);
	named->holder = 0;
	named->lease_duration_s = 15;
	named->has_renew_time = true;
	named->renew_wall_ns = S(8);
	named->has_preferred = true;
	named->preferred = 1;
	ev(f, 20, SIM_EV_STOPPED_LEADING, 0);
	ev(f, 20, SIM_EV_ACTING_END, 0);
	if (b_leads >= 0) {
		sim_event *inst = ev(f, b_leads - 1, SIM_EV_LEASE_WRITE, -1);
		inst->holder = 1;
		inst->lease_duration_s = 5;
		write_lease(f, b_leads, 1, 1, 0, false);
		ev(f, b_leads, SIM_EV_STARTED_LEADING, 1);
	}
	check(f);
}

static void test_handover_within_bound_passes_and_is_measured(void **state)
{
	(void)state;
	fx f;
	handover_fx(&f, 30, false);
	assert_int_equal(count_inv(&f, SIM_INV_HANDOVER), 0);
	assert_int_equal(f.r.nhandovers, 1);
	assert_int_equal(f.r.handovers[0].from_identity, 0);
	assert_int_equal(f.r.handovers[0].to_identity, 1);
	assert_int_equal(f.r.handovers[0].leader_ns - f.r.handovers[0].named_ns, S(20));
	assert_int_equal(f.r.handovers[0].bound_ns, S(29.4));
	assert_true(f.r.handovers[0].within_bound);
	teardown(&f);
}

static void test_handover_past_bound_is_a_violation(void **state)
{
	(void)state;
	fx f;
	handover_fx(&f, 40, false); /* 30 s > 29.4 s */
	assert_int_equal(count_inv(&f, SIM_INV_HANDOVER), 1);
	assert_false(f.r.handovers[0].within_bound);
	assert_int_equal(f.r.handovers[0].leader_ns, -1);
	teardown(&f);
	handover_fx(&f, -1, false); /* never */
	assert_int_equal(count_inv(&f, SIM_INV_HANDOVER), 1);
	teardown(&f);
}

/* An uncoordinated holder ignores preferredHolder: nothing to judge. */
static void test_handover_from_uncoordinated_holder_is_not_judged(void **state)
{
	(void)state;
	fx f;
	handover_fx(&f, -1, true);
	assert_int_equal(count_inv(&f, SIM_INV_HANDOVER), 0);
	assert_int_equal(f.r.nhandovers, 0);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_leader_passes),
		cmocka_unit_test(test_overlap_reported_with_pods_and_length),
		cmocka_unit_test(test_handover_at_same_instant_is_no_overlap),
		cmocka_unit_test(test_paused_leader_still_counts),
		cmocka_unit_test(test_acting_end_extends_leadership),
		cmocka_unit_test(test_stopped_leading_ends_without_acting_end),
		cmocka_unit_test(test_acting_end_missing_in_live_history_uses_stop),
		cmocka_unit_test(test_death_ends_leadership),
		cmocka_unit_test(test_damage_counted_inside_overlap),
		cmocka_unit_test(test_more_leaders_allowed_by_max_leaders),
		cmocka_unit_test(test_overlap_above_max_leaders_names_acting_pods),
		cmocka_unit_test(test_shared_identity_join_is_no_failover),
		cmocka_unit_test(test_shared_identity_survivor_keeps_leading),
		cmocka_unit_test(test_crash_failover_bound_is_derived_from_15_10_2),
		cmocka_unit_test(test_crash_bound_uses_latency_or_request_timeout),
		cmocka_unit_test(test_explicit_failover_max_wins),
		cmocka_unit_test(test_release_failover_bound),
		cmocka_unit_test(test_release_bound_is_crash_bound_for_old_followers),
		cmocka_unit_test(test_no_new_leader_is_a_failover_violation),
		cmocka_unit_test(test_failover_waits_for_a_replacement_to_start),
		cmocka_unit_test(test_outage_during_failover_extends_derived_bound),
		cmocka_unit_test(test_liveness_not_judged_while_a_fault_lasts),
		cmocka_unit_test(test_transitions_grow_by_one_per_holder_change),
		cmocka_unit_test(test_transitions_skip_is_violation),
		cmocka_unit_test(test_transitions_reset_on_renew),
		cmocka_unit_test(test_acquire_time_change_without_takeover),
		cmocka_unit_test(test_write_from_dead_pod),
		cmocka_unit_test(test_liveness_after_heal),
		cmocka_unit_test(test_leader_change_without_fault_is_instability),
		cmocka_unit_test(test_leaderless_total_and_longest),
		cmocka_unit_test(test_expect_violation_inverts_only_the_named_invariant),
		cmocka_unit_test(test_safety_outranks_liveness_in_exit_code),
		cmocka_unit_test(test_invariant_names),
		cmocka_unit_test(test_handover_within_bound_passes_and_is_measured),
		cmocka_unit_test(test_handover_past_bound_is_a_violation),
		cmocka_unit_test(test_handover_from_uncoordinated_holder_is_not_judged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
