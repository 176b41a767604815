/* The timing property test (election-spec.md 6.1 / 6.2), asserted on simulated
 * histories: it is a property of the model (the real core against the real
 * store in virtual time), not a timing of this machine.
 *
 * 6.1 crash: one leader, one follower, 15 s / 10 s / 2 s, near-zero latency.
 * The leader is killed (kill -9) once settled, at 60 s + U[0, RP) drawn from
 * the seed; "new leader" is the follower's STARTED_LEADING. Over 10,000
 * seeds: min >= 13 s, max <= 23.8 s, mean within 2 % of 17.4 s.
 *
 * 6.2 release: the same pair with ReleaseOnCancel; the leader is deleted
 * (SIGTERM) at the same kind of instant; from the release commit to the
 * follower's STARTED_LEADING takes <= 2.2 RP plus two round trips. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/sim_engine.h"
#include "sim_fixture.h"

#ifndef SEEDS
#define SEEDS 10000
#endif
#define LAT FX_US(10) /* one way: "near-zero" */
#define RP FX_S(2)

typedef struct stats {
	size_t n;
	int64_t min_ns, max_ns;
	double sum_s, sumsq_s;
} stats;

static void stats_add(stats *s, int64_t v)
{
	if (s->n == 0 || v < s->min_ns)
		s->min_ns = v;
	if (s->n == 0 || v > s->max_ns)
		s->max_ns = v;
	double x = (double)v / 1e9;
	s->sum_s += x;
	s->sumsq_s += x * x;
	s->n++;
}

static double stats_mean(const stats *s)
{
	return s->sum_s / (double)s->n;
}

static double stats_sd(const stats *s)
{
	double m = stats_mean(s);
	return sqrt(s->sumsq_s / (double)s->n - m * m);
}

/* The crash instant: settled (60 s) plus a seed-drawn phase in [0, RP). */
static int64_t crash_at(uint64_t seed)
{
	fa_rng r;
	sim_rng_stream(&r, seed, SIM_STREAM_FAULTS, 1000);
	return FX_S(60) + (int64_t)sim_rng_below(&r, (uint64_t)RP);
}

static sim_scenario *pair(const le_profile *prof, int64_t ld, int64_t rd,
			  int64_t rp, bool release)
{
	sim_scenario *sc = fx_scenario(2, FX_S(100), LAT);
	for (size_t i = 0; i < sc->npods; i++) {
		sim_election *e = &sc->pods[i].election;
		e->profile = prof;
		e->lease_duration_ns = ld;
		e->renew_deadline_ns = rd;
		e->retry_period_ns = rp;
		e->release_on_cancel = release;
	}
	return sc;
}

/* Run one seed; returns the failover time measured from the event
 * `from_kind` by the old leader (or its death) to the other pod's
 * STARTED_LEADING, or -1 if there was none. */
static int64_t one_failover(sim_scenario *sc, uint64_t seed, int64_t at,
			    bool release)
{
	/* long enough for the slowest failover (6.1: 23.8 s; 6.2: 4.4 s) */
	sc->faults[0].at_ns = at;
	sc->duration_ns = at + (release ? FX_S(6) : FX_S(25));
	char err[512];
	sim_world *w = sim_world_new(sc, seed, err, sizeof err);
	if (!w)
		fail_msg("seed %llu: %s", (unsigned long long)seed, err);
	if (sim_world_run(w, err, sizeof err) != LE_OK)
		fail_msg("seed %llu: %s", (unsigned long long)seed, err);
	const sim_history *h = sim_world_history(w);
	long s0 = fx_find(h, SIM_EV_STARTED_LEADING, -2, 0);
	assert_true(s0 >= 0);
	int32_t old = h->ev[s0].pod;
	int64_t from = -1;
	if (release) {
		/* the release commit: holder "" written by the old leader */
		for (size_t i = 0; i < h->n; i++) {
			const sim_event *e = &h->ev[i];
			if (e->kind == SIM_EV_LEASE_WRITE && e->pod == old && e->holder == -1) {
				from = e->t_ns;
				break;
			}
		}
	} else {
		long d = fx_find(h, SIM_EV_POD_DEATH, old, 0);
		if (d >= 0)
			from = h->ev[d].t_ns;
	}
	assert_true(from >= at);
	int64_t out = -1;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind == SIM_EV_STARTED_LEADING && e->pod != old && e->t_ns >= from) {
			out = e->t_ns - from;
			break;
		}
	}
	sim_world_free(w);
	return out;
}

static void print_stats(const char *what, const stats *s)
{
	print_message("%s over %zu seeds: min %.4f s, mean %.4f s (sd %.3f), max %.4f s\n",
		      what, s->n, (double)s->min_ns / 1e9, stats_mean(s), stats_sd(s),
		      (double)s->max_ns / 1e9);
}

static void test_crash_failover_matches_spec_6_1(void **state)
{
	(void)state;
	sim_scenario *sc = pair(&le_profile_client_go, FX_S(15), FX_S(10), RP, false);
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_KILL, 0);
	f->role = SIM_ROLE_LEADER;
	stats s = {0};
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		int64_t t = one_failover(sc, seed, crash_at(seed), false);
		if (t < 0)
			fail_msg("seed %llu: no new leader", (unsigned long long)seed);
		stats_add(&s, t);
	}
	print_stats("crash -> new leader (15/10/2)", &s);
	assert_true(s.min_ns >= FX_S(13));
	assert_true(s.max_ns <= FX_S(23.8));
	assert_true(fabs(stats_mean(&s) - 17.4) <= 0.02 * 17.4);
	/* the model's own mean (renewal theory: LD + 2m - RP/2 with
	 * m = E[W^2] / 2E[W] = 0.8375 RP) is 17.35 s; 10,000 seeds pin the
	 * mean to about +-0.03 s */
	assert_true(fabs(stats_mean(&s) - 17.35) <= 0.06);
	fx_free(sc);
}

static void test_release_failover_within_spec_6_2(void **state)
{
	(void)state;
	sim_scenario *sc = pair(&le_profile_client_go, FX_S(15), FX_S(10), RP, true);
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_DELETE, 0);
	f->role = SIM_ROLE_LEADER;
	stats s = {0};
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		int64_t t = one_failover(sc, seed, crash_at(seed), true);
		if (t < 0)
			fail_msg("seed %llu: no new leader", (unsigned long long)seed);
		stats_add(&s, t);
	}
	print_stats("release -> new leader (15/10/2)", &s);
	/* T <= 2.2 RP + rG + rU: the follower's next poll, then a GET and a
	 * PUT (two round trips) */
	assert_true(s.max_ns <= FX_S(4.4) + 4 * LAT);
	assert_true(s.min_ns >= 4 * LAT);
	/* mean ~ m + rG + rU = 1.675 s */
	assert_true(fabs(stats_mean(&s) - 1.675) <= 0.05);
	fx_free(sc);
}

/* The 0.5 sidecar (ttl 10 s: 10 / 5 / 2.5, local LD, Endpoints lock):
 * 7.5 s <= T <= 21 s, mean ~ 12.9 s (election-spec.md 6.1). Fewer seeds: it
 * is the same machinery with other numbers. */
static void test_sidecar_05_crash_failover(void **state)
{
	(void)state;
	sim_scenario *sc = pair(&le_profile_sidecar_05, FX_S(10), FX_S(5), FX_S(2.5), false);
	for (size_t i = 0; i < sc->npods; i++)
		sc->pods[i].election.lock_kind = LE_LOCK_ENDPOINTS;
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_KILL, 0);
	f->role = SIM_ROLE_LEADER;
	stats s = {0};
	for (uint64_t seed = 1; seed <= SEEDS / 4; seed++) {
		fa_rng r;
		sim_rng_stream(&r, seed, SIM_STREAM_FAULTS, 1000);
		int64_t at = FX_S(60) + (int64_t)sim_rng_below(&r, (uint64_t)FX_S(2.5));
		int64_t t = one_failover(sc, seed, at, false);
		if (t < 0)
			fail_msg("seed %llu: no new leader", (unsigned long long)seed);
		stats_add(&s, t);
	}
	print_stats("crash -> new leader (sidecar 0.5, 10/5/2.5)", &s);
	assert_true(s.min_ns >= FX_S(7.5));
	assert_true(s.max_ns <= FX_S(21) + 4 * LAT);
	assert_true(fabs(stats_mean(&s) - 12.9) <= 0.02 * 12.9);
	/* The spec's 12.9 s takes the overshoot past LD as the stationary
	 * residual m = 2.09 s; LD = 10 s is only 2.5 mean waits after the
	 * observation, and the exact overshoot there is 2.16 s, so the
	 * model's mean is 13.01 s (renewal theory, checked by Monte Carlo
	 * and by 50,000 seeds of this test: 13.009 s). */
	assert_true(fabs(stats_mean(&s) - 13.006) <= 0.12);
	fx_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_failover_matches_spec_6_1),
		cmocka_unit_test(test_release_failover_within_spec_6_2),
		cmocka_unit_test(test_sidecar_05_crash_failover),
	};
	return cmocka_run_group_tests_name("sim_timing", tests, NULL, NULL);
}
