/* Unit tests for the simulated world (sim/world.c): pods running the real
 * election core against the real store in virtual time, with faults. The
 * scenarios are built in C (sim_fixture.h), not parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/sim_engine.h"
#include "../../sim/world_int.h"
#include "sim_fixture.h"

#define LAT FX_US(100) /* near-zero latency, one way */

typedef struct run {
	sim_world *w;
	const sim_history *h;
} run;

static run run_scenario(const sim_scenario *sc, uint64_t seed)
{
	char err[512] = "";
	run r = {0};
	r.w = sim_world_new(sc, seed, err, sizeof err);
	if (!r.w)
		fail_msg("sim_world_new: %s", err);
	if (sim_world_run(r.w, err, sizeof err) != LE_OK)
		fail_msg("sim_world_run: %s", err);
	r.h = sim_world_history(r.w);
	return r;
}

static const sim_event *ev_at(const sim_history *h, long i)
{
	assert_true(i >= 0 && (size_t)i < h->n);
	return &h->ev[i];
}

/* The pod leading when the run settled: the first STARTED_LEADING. */
static int32_t first_leader(const sim_history *h)
{
	long i = fx_find(h, SIM_EV_STARTED_LEADING, -2, 0);
	assert_true(i >= 0);
	return h->ev[i].pod;
}

/* ---- a big fleet's shared configurations ------------------------------------ */

static bool is_shared_config(const sim_world *w, const le_config *c)
{
	for (uint32_t i = 0; i < w->nshared_cfg; i++)
		if (w->shared_cfg[i] == c)
			return true;
	return false;
}

/* In a big fleet, electors whose configurations differ only in identity
 * share one (le_elector_new_shared); past SIM_SHARED_CFG_MAX distinct ones
 * an elector has its own copy. Either way each runs with its pod's
 * settings and its own identity. A small fleet shares nothing. */
static void test_big_fleet_shares_configurations(void **state)
{
	(void)state;
	enum { PODS = 150, DISTINCT = 80 };
	sim_scenario *sc = fx_scenario(PODS, FX_S(1), LAT);
	assert_non_null(sc);
	for (size_t i = 0; i < PODS; i++) {
		char name[16];
		snprintf(name, sizeof name, "pod-%03zu", i);
		sc->pods[i].name = sim_scenario_keep(sc, name);
		sc->pods[i].election.lease_duration_ns = FX_S(15 + (int64_t)(i % DISTINCT));
	}
	run r = run_scenario(sc, 1);
	assert_int_equal(r.w->nshared_cfg, SIM_SHARED_CFG_MAX);
	size_t shared = 0, own = 0;
	for (size_t i = 0; i < r.w->nnodes; i++) {
		const sim_node *n = r.w->nodes[i];
		assert_non_null(n->e);
		const le_config *c = le_elector_config(n->e);
		assert_int_equal(c->lease_duration_ns, n->ps->election.lease_duration_ns);
		assert_string_equal(le_elector_identity(n->e), n->identity);
		if (is_shared_config(r.w, c)) {
			shared++;
			assert_null(c->identity); /* the shared one has none */
		} else {
			own++;
			assert_string_equal(c->identity, n->identity);
		}
	}
	/* 64 settings shared (by one or two pods each), 16 had no room */
	assert_int_equal(shared + own, PODS);
	assert_true(own >= DISTINCT - SIM_SHARED_CFG_MAX);
	assert_true(shared >= SIM_SHARED_CFG_MAX);
	/* the first leader wrote its own lease duration */
	long wi = fx_find(r.h, SIM_EV_LEASE_WRITE, -2, 0);
	assert_true(wi >= 0);
	const sim_event *w0 = &r.h->ev[wi];
	assert_int_equal(w0->lease_duration_s * FX_S(1),
			 sc->pods[r.h->pods[w0->pod].spec].election.lease_duration_ns);
	sim_world_free(r.w);

	sim_scenario *small = fx_scenario(3, FX_S(1), LAT);
	assert_non_null(small);
	r = run_scenario(small, 1);
	assert_int_equal(r.w->nshared_cfg, 0);
	sim_world_free(r.w);
	fx_free(small);
	fx_free(sc);
}

/* ---- election in steady state ------------------------------------------------ */

static void test_three_pods_elect_exactly_one_leader(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(60), LAT);
	run r = run_scenario(sc, 1);
	const sim_history *h = r.h;
	assert_int_equal(h->npods, 3);
	assert_int_equal(h->nidentities, 3);
	assert_int_equal(fx_count(h, SIM_EV_POD_START, -2), 3);
	assert_int_equal(fx_count(h, SIM_EV_STARTED_LEADING, -2), 1);
	assert_int_equal(fx_count(h, SIM_EV_STOPPED_LEADING, -2), 0);
	int32_t leader = first_leader(h);
	int32_t leader_id = h->pods[leader].identity;
	/* every write is the leader's, transitions stay 0, the first one
	 * (the create) sets acquireTime, renewals keep it */
	size_t writes = 0;
	int64_t last_rv = 0, first_acquire = 0;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind != SIM_EV_LEASE_WRITE)
			continue;
		assert_int_equal(e->pod, leader);
		assert_int_equal(e->holder, leader_id);
		assert_int_equal(e->transitions, 0);
		assert_int_equal(e->lease_duration_s, 15);
		assert_true(e->has_acquire_time && e->has_renew_time);
		if (writes == 0)
			first_acquire = e->acquire_wall_ns;
		assert_int_equal(e->acquire_wall_ns, first_acquire);
		assert_true(e->renew_wall_ns >= e->acquire_wall_ns);
		assert_true(e->resource_version > last_rv);
		last_rv = e->resource_version;
		writes++;
	}
	/* renewals every RP plus a round trip: ~30 in 60 s */
	assert_in_range(writes, 29, 32);
	/* every pod learns who leads (OnNewLeader fires for self too) */
	for (int32_t p = 0; p < 3; p++) {
		long i = fx_find(h, SIM_EV_NEW_LEADER, p, 0);
		assert_true(i >= 0);
		assert_int_equal(h->ev[i].holder, leader_id);
	}
	/* events are in time order (their index is the global sequence) */
	for (size_t i = 1; i < h->n; i++)
		assert_true(h->ev[i].t_ns >= h->ev[i - 1].t_ns);
	assert_int_equal(h->end_ns, FX_S(60));
	assert_true(h->events_processed > h->n);
	sim_world_free(r.w);
	fx_free(sc);
}

/* sim_world_shed frees the pods, electors, request slots, store and queue
 * (a small fleet's and a big one's, whose slots differ) and leaves the
 * history byte for byte; the world then refuses to run again, and a second
 * shed is harmless. */
static void test_shed_keeps_the_history_and_frees_the_rest(void **state)
{
	(void)state;
	const size_t sizes[] = {3, SIM_BIG_FLEET_PODS + 20};
	for (size_t k = 0; k < 2; k++) {
		sim_scenario *sc = fx_scenario(sizes[k], FX_S(30), LAT);
		run r = run_scenario(sc, 1);
		assert_int_equal(r.w->big_fleet, k == 1);
		assert_int_equal(r.w->nnodes, sizes[k]);
		assert_non_null(r.w->pool);
		size_t la, lb;
		char *a = sim_history_text(r.h, sc, &la);
		assert_non_null(a);
		sim_world_shed(r.w);
		assert_ptr_equal(sim_world_history(r.w), r.h);
		char *b = sim_history_text(r.h, sc, &lb);
		assert_non_null(b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		assert_int_equal(r.w->nnodes, 0);
		assert_null(r.w->nodes);
		assert_null(r.w->pool);
		assert_null(r.w->store);
		assert_int_equal(r.w->nreqs, 0);
		sim_world_shed(r.w);
		char err[128];
		assert_int_equal(sim_world_run(r.w, err, sizeof err), LE_ESTATE);
		free(a);
		free(b);
		sim_world_free(r.w);
		fx_free(sc);
	}
}

/* ---- process faults ------------------------------------------------------------- */

static void test_kill_leader_new_leader_after_about_lease_duration(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		sim_scenario *sc = fx_scenario(3, FX_S(90), LAT);
		sim_fault *f = fx_fault(sc, SIM_ACT_POD_KILL, FX_S(30));
		f->role = SIM_ROLE_LEADER;
		run r = run_scenario(sc, seed);
		const sim_history *h = r.h;
		int32_t old = first_leader(h);
		long death = fx_find(h, SIM_EV_POD_DEATH, -2, 0);
		assert_true(death >= 0);
		assert_int_equal(ev_at(h, death)->pod, old);
		assert_int_equal(ev_at(h, death)->fault, 0);
		assert_int_equal(ev_at(h, death)->t_ns, FX_S(30));
		/* the leader was acting: its acting ends with its death */
		assert_true(fx_find(h, SIM_EV_ACTING_END, old, FX_S(30)) == death - 1);
		long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
		assert_true(next >= 0);
		const sim_event *s = ev_at(h, next);
		assert_int_not_equal(s->pod, old);
		/* election-spec.md 6.1: [LD - RP, LD + 4.4 RP] plus round trips */
		int64_t fo = s->t_ns - FX_S(30);
		assert_in_range(fo, FX_S(13), FX_S(23.8) + FX_MS(2));
		/* the takeover write: transitions 0 -> 1, acquireTime changed */
		long w = fx_find(h, SIM_EV_LEASE_WRITE, s->pod, FX_S(30));
		assert_true(w >= 0 && w < next);
		assert_int_equal(ev_at(h, w)->transitions, 1);
		long prev = w - 1;
		while (prev >= 0 && ev_at(h, prev)->kind != SIM_EV_LEASE_WRITE)
			prev--;
		assert_true(prev >= 0);
		assert_true(ev_at(h, w)->acquire_wall_ns > ev_at(h, prev)->acquire_wall_ns);
		assert_int_equal(ev_at(h, w)->holder, h->pods[s->pod].identity);
		/* the dead pod writes nothing after it died */
		assert_int_equal(fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(30) + 1), -1);
		assert_int_equal(fx_count(h, SIM_EV_STARTED_LEADING, -2), 2);
		sim_world_free(r.w);
		fx_free(sc);
	}
}

static void test_graceful_delete_with_release_hands_over_fast(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		sim_scenario *sc = fx_scenario(3, FX_S(60), LAT);
		for (size_t i = 0; i < sc->npods; i++)
			sc->pods[i].election.release_on_cancel = true;
		sim_fault *f = fx_fault(sc, SIM_ACT_POD_DELETE, FX_S(30));
		f->role = SIM_ROLE_LEADER;
		run r = run_scenario(sc, seed);
		const sim_history *h = r.h;
		int32_t old = first_leader(h);
		long term = fx_find(h, SIM_EV_POD_SIGTERM, old, 0);
		assert_true(term >= 0);
		assert_int_equal(ev_at(h, term)->grace_period_ns, FX_S(30));
		/* the release: holder "" written by the old leader */
		long rel = fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(30));
		assert_true(rel >= 0);
		assert_int_equal(ev_at(h, rel)->holder, -1);
		assert_int_equal(ev_at(h, rel)->lease_duration_s, 1);
		/* it exits by itself, well before the grace period ends */
		long ex = fx_find(h, SIM_EV_POD_EXIT, old, 0);
		assert_true(ex > rel);
		assert_true(ev_at(h, ex)->t_ns < FX_S(31));
		assert_int_equal(fx_count(h, SIM_EV_POD_DEATH, old), 0);
		long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
		assert_true(next >= 0);
		assert_int_not_equal(ev_at(h, next)->pod, old);
		/* election-spec.md 6.2: <= 2.2 RP + a GET and a PUT */
		int64_t fo = ev_at(h, next)->t_ns - ev_at(h, rel)->t_ns;
		assert_true(fo <= FX_S(4.4) + 4 * LAT);
		/* no pod restarts a deleted pod */
		assert_int_equal(fx_count(h, SIM_EV_POD_START, old), 1);
		sim_world_free(r.w);
		fx_free(sc);
	}
}

static void test_sigterm_ignored_pod_is_killed_after_grace(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(2, FX_S(120), LAT);
	for (size_t i = 0; i < sc->npods; i++) {
		sc->pods[i].sigterm_ignored = true; /* 0.5's run.sh as PID 1 */
		sc->pods[i].election.release_on_cancel = true;
	}
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_DELETE, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	run r = run_scenario(sc, 3);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	/* it keeps leading and renewing until SIGKILL at 30 + 30 s */
	long death = fx_find(h, SIM_EV_POD_DEATH, old, 0);
	assert_true(death >= 0);
	assert_int_equal(ev_at(h, death)->t_ns, FX_S(60));
	long last = fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(58));
	assert_true(last >= 0 && last < death);
	assert_int_equal(fx_count(h, SIM_EV_STOPPED_LEADING, old), 0);
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
	assert_true(next > death);
	assert_true(ev_at(h, next)->t_ns - FX_S(60) >= FX_S(13));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_pause_longer_than_lease_duration_overlaps(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(100), LAT);
	for (size_t i = 0; i < sc->npods; i++)
		sc->pods[i].work_period_ns = FX_S(1);
	sim_fault *f = fx_fault(sc, SIM_ACT_PAUSE, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(25);
	run r = run_scenario(sc, 5);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long p = fx_find(h, SIM_EV_PAUSE, old, 0), q = fx_find(h, SIM_EV_RESUME, old, 0);
	assert_true(p >= 0 && q > p);
	assert_int_equal(ev_at(h, q)->t_ns, FX_S(55));
	/* someone else took over during the pause */
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
	assert_true(next > p && next < q);
	/* nothing happens in a paused process (a write already on the wire
	 * may still commit) */
	for (long i = p + 1; i < q; i++)
		assert_true(ev_at(h, i)->pod != old ||
			    ev_at(h, i)->kind == SIM_EV_LEASE_WRITE);
	/* on resume it still believes it leads until its renew pass gives
	 * up: two pods acting at once, for seconds */
	int most = 0;
	int64_t overlap = fx_max_overlap(h, &most);
	assert_int_equal(most, 2);
	assert_true(overlap >= FX_S(5));
	long stop = fx_find(h, SIM_EV_STOPPED_LEADING, old, FX_S(55));
	assert_true(stop > q);
	/* the resumed leader's guarded writes carry an older token: damage */
	long dmg = -1;
	int64_t fence = -1;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind != SIM_EV_WORK)
			continue;
		/* the new leader's writes are never stale */
		if (e->pod == ev_at(h, next)->pod)
			assert_true(e->token >= fence);
		if (dmg < 0 && (long)i > q && e->pod == old && e->token < fence)
			dmg = (long)i;
		if (e->token > fence)
			fence = e->token;
	}
	assert_true(dmg > q);
	assert_true(ev_at(h, dmg)->token < 1);
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_pause_shorter_than_slack_keeps_one_leader(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(60), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_PAUSE, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(2);
	run r = run_scenario(sc, 5);
	const sim_history *h = r.h;
	int most = 0;
	assert_int_equal(fx_max_overlap(h, &most), 0);
	assert_int_equal(most, 1);
	assert_int_equal(fx_count(h, SIM_EV_STARTED_LEADING, -2), 1);
	/* the held responses and timers ran at the resume: it renewed */
	int32_t old = first_leader(h);
	long w = fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(32));
	assert_true(w >= 0 && ev_at(h, w)->t_ns < FX_S(33));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_pod_failure_restarts_same_name_and_identity(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(2, FX_S(80), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_FAILURE, FX_S(20));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(5);
	run r = run_scenario(sc, 9);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	assert_int_equal(h->npods, 2);
	long death = fx_find(h, SIM_EV_POD_DEATH, old, 0);
	long start = fx_find(h, SIM_EV_POD_START, old, FX_S(20));
	assert_true(death >= 0 && start > death);
	assert_int_equal(ev_at(h, start)->t_ns, FX_S(25));
	assert_int_equal(ev_at(h, start)->restarts, 1);
	long end = fx_find(h, SIM_EV_FAULT_END, old, 0);
	assert_true(end > start);
	/* same identity, back within LD of its last renew: it still is the
	 * holder and renews at once, without waiting (election-spec.md 2.4) */
	long again = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(20));
	assert_true(again > start);
	assert_int_equal(ev_at(h, again)->pod, old);
	assert_true(ev_at(h, again)->t_ns < FX_S(26));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_replacement_pods_get_new_names(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(60), LAT);
	sc->pods[1].identity = "fixed-id";
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_KILL, FX_S(20));
	f->mode = SIM_MODE_ALL;
	f->replace = true;
	run r = run_scenario(sc, 11);
	const sim_history *h = r.h;
	assert_int_equal(h->npods, 6);
	for (size_t k = 3; k < 6; k++) {
		const sim_pod_info *p = &h->pods[k];
		const sim_pod_info *o = &h->pods[p->replaces];
		assert_int_equal(p->spec, o->spec);
		/* "<name>-" then 5 lowercase letters, like a ReplicaSet */
		size_t bl = strlen(sc->pods[p->spec].name);
		assert_int_equal(strlen(p->name), bl + 6);
		assert_memory_equal(p->name, sc->pods[p->spec].name, bl);
		assert_int_equal(p->name[bl], '-');
		for (size_t c = bl + 1; c < bl + 6; c++)
			assert_true(p->name[c] >= 'a' && p->name[c] <= 'z');
		/* its own name as identity unless the spec fixes one */
		if (p->spec == 1)
			assert_string_equal(h->identities[p->identity], "fixed-id");
		else
			assert_string_equal(h->identities[p->identity], p->name);
		long s = fx_find(h, SIM_EV_POD_START, (int32_t)k, 0);
		assert_true(s >= 0);
		assert_int_equal(ev_at(h, s)->t_ns, FX_S(22)); /* replacement_start */
	}
	assert_string_not_equal(h->pods[3].name, h->pods[4].name);
	assert_int_equal(h->nidentities, 5); /* pod-b's replacement reuses fixed-id */
	/* the new pods elect a leader among themselves */
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(20));
	assert_true(next >= 0 && ev_at(h, next)->pod >= 3);
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_restart_keeps_identity_and_renews(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(2, FX_S(40), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_RESTART, FX_S(20));
	f->role = SIM_ROLE_LEADER;
	run r = run_scenario(sc, 4);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long death = fx_find(h, SIM_EV_POD_DEATH, old, 0);
	long start = fx_find(h, SIM_EV_POD_START, old, FX_S(20));
	assert_true(death >= 0 && start == death + 1);
	assert_int_equal(ev_at(h, start)->t_ns, FX_S(20));
	long again = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(20));
	assert_int_equal(ev_at(h, again)->pod, old);
	sim_world_free(r.w);
	fx_free(sc);
}

/* ---- network and store faults ------------------------------------------------ */

static void test_partition_of_leader_cuts_and_heals(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(120), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_PARTITION, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(40);
	run r = run_scenario(sc, 2);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long cut = fx_find(h, SIM_EV_CUT, old, 0), uncut = fx_find(h, SIM_EV_UNCUT, old, 0);
	assert_true(cut >= 0 && uncut > cut);
	assert_int_equal(ev_at(h, uncut)->t_ns, FX_S(70));
	assert_int_equal(ev_at(h, cut)->partition, FA_PART_BLACKHOLE);
	/* no write of the cut-off pod reaches the store while cut */
	long w = fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(30) + 1);
	assert_true(w < 0 || ev_at(h, w)->t_ns > FX_S(70));
	/* it gives up within RP + RD of its last renew (6.2/2.3) */
	long stop = fx_find(h, SIM_EV_STOPPED_LEADING, old, 0);
	assert_true(stop > cut);
	assert_true(ev_at(h, stop)->t_ns <= FX_S(30) + FX_S(12) + FX_MS(5));
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
	assert_int_not_equal(ev_at(h, next)->pod, old);
	int most = 0;
	assert_int_equal(fx_max_overlap(h, &most), 0);
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_refused_partition_fails_requests_at_once(void **state)
{
	(void)state;
	/* a lone pod whose every connection is refused never leads: its
	 * requests fail in SIM_REFUSED_NS, so it retries at the acquire
	 * pace (U[RP, 2.2 RP)), never hanging on a client timeout */
	sim_scenario *sc = fx_scenario(1, FX_S(30), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_PARTITION, 0);
	f->partition_kind = FA_PART_REFUSED;
	f->direction = SIM_DIR_TO;
	f->duration_ns = FX_S(20);
	run r = run_scenario(sc, 2);
	const sim_history *h = r.h;
	long s = fx_find(h, SIM_EV_STARTED_LEADING, 0, 0);
	assert_true(s >= 0);
	assert_true(ev_at(h, s)->t_ns >= FX_S(20));
	assert_true(ev_at(h, s)->t_ns < FX_S(20) + FX_S(4.4) + FX_MS(2));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_apiserver_down_makes_leader_step_down(void **state)
{
	(void)state;
	sim_scenario *sc = fx_scenario(3, FX_S(90), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_APISERVER, FX_S(30));
	f->apiserver_down = true;
	f->duration_ns = FX_S(20);
	run r = run_scenario(sc, 8);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long fs = fx_find(h, SIM_EV_FAULT_START, -2, 0);
	assert_int_equal(ev_at(h, fs)->pod, -1);
	/* no commits while down */
	long w = fx_find(h, SIM_EV_LEASE_WRITE, -2, FX_S(30));
	assert_true(ev_at(h, w)->t_ns >= FX_S(50));
	long stop = fx_find(h, SIM_EV_STOPPED_LEADING, old, 0);
	assert_true(stop >= 0 && ev_at(h, stop)->t_ns < FX_S(43));
	/* liveness: someone leads again after the heal */
	long again = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(50));
	assert_true(again >= 0 && ev_at(h, again)->t_ns < FX_S(50) + FX_S(20));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_store_error_rule_for_one_pod(void **state)
{
	(void)state;
	/* 500 for every request of the leader: it cannot renew, steps down,
	 * and the others take over */
	sim_scenario *sc = fx_scenario(3, FX_S(90), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_APISERVER, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	f->apiserver.error_code = 500;
	f->duration_ns = FX_S(50);
	run r = run_scenario(sc, 8);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long fs = fx_find(h, SIM_EV_FAULT_START, -2, 0);
	assert_int_equal(ev_at(h, fs)->pod, old);
	long stop = fx_find(h, SIM_EV_STOPPED_LEADING, old, 0);
	assert_true(stop >= 0 && ev_at(h, stop)->t_ns < FX_S(43));
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(30));
	assert_true(next >= 0);
	assert_int_not_equal(ev_at(h, next)->pod, old);
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_clock_faults_keep_client_go_stable(void **state)
{
	(void)state;
	/* client-go decides with mono: a wall step of an hour changes nothing;
	 * a 5% fast clock on the leader neither */
	sim_scenario *sc = fx_scenario(3, FX_S(120), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_TIME_SKEW, FX_S(20));
	f->mode = SIM_MODE_ALL;
	f->time_offset_ns = FX_S(3600);
	f->duration_ns = FX_S(30);
	f = fx_fault(sc, SIM_ACT_CLOCK_RATE, FX_S(40));
	f->role = SIM_ROLE_LEADER;
	f->rate_ppm = 50000;
	f->duration_ns = FX_S(60);
	run r = run_scenario(sc, 6);
	const sim_history *h = r.h;
	assert_int_equal(fx_count(h, SIM_EV_STARTED_LEADING, -2), 1);
	assert_int_equal(fx_count(h, SIM_EV_FAULT_END, -2), 4);
	/* the fast leader renews more often: RP on its clock is shorter */
	int32_t old = first_leader(h);
	size_t before = 0, during = 0;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind != SIM_EV_LEASE_WRITE || e->pod != old)
			continue;
		if (e->t_ns >= FX_S(0) && e->t_ns < FX_S(40))
			before++;
		else if (e->t_ns >= FX_S(40) && e->t_ns < FX_S(100))
			during++;
	}
	assert_in_range(before, 20, 21);
	assert_in_range(during, 31, 32); /* 60 s / (2 s / 1.05) */
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_slow_follower_clock_breaks_safety(void **state)
{
	(void)state;
	/* election-spec.md 6.3: the leader measures RP + RD on its clock, the
	 * follower LD on its own. A follower clock running 2x fast measures
	 * LD = 15 s in 7.5 s: it takes over while the leader renews happily
	 * (the takeover itself is CAS-safe, but the old leader acts on until
	 * its renew fails). Here: leader partitioned at 30, follower 2x. */
	sim_scenario *sc = fx_scenario(2, FX_S(80), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_CLOCK_RATE, FX_S(10));
	f->role = SIM_ROLE_FOLLOWER;
	f->rate_ppm = 1000000;
	f = fx_fault(sc, SIM_ACT_PARTITION, FX_S(30));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(30);
	run r = run_scenario(sc, 12);
	const sim_history *h = r.h;
	int most = 0;
	int64_t ov = fx_max_overlap(h, &most);
	assert_int_equal(most, 2);
	assert_true(ov > 0);
	sim_world_free(r.w);
	/* control: the same run with equal clock rates has no overlap */
	sc->faults[0].rate_ppm = 0;
	r = run_scenario(sc, 12);
	assert_int_equal(fx_max_overlap(r.h, &most), 0);
	assert_int_equal(most, 1);
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_write_commits_after_client_gave_up(void **state)
{
	(void)state;
	/* election-spec.md 4 / #12: requests of the leader take 6 s to arrive,
	 * longer than its 5 s client timeout. The renew PUT it abandoned
	 * still commits, yet the leader gives up leading. */
	sim_scenario *sc = fx_scenario(3, FX_S(80), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_DELAY, FX_S(20));
	f->role = SIM_ROLE_LEADER;
	f->direction = SIM_DIR_TO;
	f->latency = (sim_latency){.kind = FA_LAT_FIXED, .a_ns = FX_S(6)};
	f->duration_ns = FX_S(40);
	run r = run_scenario(sc, 1);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	long w = fx_find(h, SIM_EV_LEASE_WRITE, old, FX_S(20));
	long stop = fx_find(h, SIM_EV_STOPPED_LEADING, old, 0);
	assert_true(w >= 0 && stop > w);
	/* sent after 20 s, arrived 6 s later: after its 5 s timeout */
	assert_true(ev_at(h, w)->t_ns >= FX_S(26));
	assert_true(ev_at(h, stop)->t_ns <= FX_S(32.1));
	/* the late write restarted the followers' LD countdown */
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(20));
	assert_true(ev_at(h, next)->t_ns >= ev_at(h, w)->t_ns + FX_S(15));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_dead_pods_in_flight_write_still_commits(void **state)
{
	(void)state;
	/* the leader's requests take 1 s; it is killed while a renew is on
	 * the wire. The write lands after the death, recorded as its own. */
	sim_scenario *sc = fx_scenario(3, FX_S(60), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_DELAY, FX_S(20));
	f->nnames = 1;
	snprintf(f->names[0], sizeof f->names[0], "pod-a");
	f->direction = SIM_DIR_TO;
	f->latency = (sim_latency){.kind = FA_LAT_FIXED, .a_ns = FX_S(1)};
	f->duration_ns = FX_S(30);
	f = fx_fault(sc, SIM_ACT_POD_KILL, FX_S(32.5));
	f->nnames = 1;
	snprintf(f->names[0], sizeof f->names[0], "pod-a");
	run r = run_scenario(sc, 1);
	const sim_history *h = r.h;
	assert_int_equal(first_leader(h), 0);
	long death = fx_find(h, SIM_EV_POD_DEATH, 0, 0);
	assert_true(death >= 0);
	assert_int_equal(ev_at(h, death)->t_ns, FX_S(32.5));
	long w = fx_find(h, SIM_EV_LEASE_WRITE, 0, FX_S(32.5));
	assert_true(w > death);
	assert_true(ev_at(h, w)->t_ns < FX_S(33.5));
	assert_int_equal(ev_at(h, w)->holder, h->pods[0].identity);
	/* failover counts from that last write, not from the death */
	long next = fx_find(h, SIM_EV_STARTED_LEADING, -2, FX_S(32.5));
	assert_true(ev_at(h, next)->t_ns >= ev_at(h, w)->t_ns + FX_S(15));
	sim_world_free(r.w);
	fx_free(sc);
}

static void test_slow_commit_keeps_leader_renewing(void **state)
{
	(void)state;
	/* etcd commits take 3 s (< the 5 s client timeout): renewals land
	 * every RP + 3 s, nobody takes over */
	sim_scenario *sc = fx_scenario(3, FX_S(90), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_APISERVER, FX_S(20));
	f->apiserver.commit_delay_ns = FX_S(3);
	f->duration_ns = FX_S(60);
	run r = run_scenario(sc, 3);
	const sim_history *h = r.h;
	int32_t old = first_leader(h);
	assert_int_equal(fx_count(h, SIM_EV_STARTED_LEADING, -2), 1);
	size_t during = 0;
	for (size_t i = 0; i < h->n; i++)
		if (h->ev[i].kind == SIM_EV_LEASE_WRITE && h->ev[i].pod == old &&
		    h->ev[i].t_ns > FX_S(25) && h->ev[i].t_ns <= FX_S(75))
			during++;
	assert_in_range(during, 9, 11); /* 50 s / 5 s */
	sim_world_free(r.w);
	fx_free(sc);
}

/* ---- random mixes of every fault ------------------------------------------------- */

/* A pod's life as the history tells it must make sense whatever the faults:
 * it starts only when not running, a dead pod says nothing (only its
 * in-flight writes may still land), leading happens between start and
 * death, pause/resume pair up. */
static void check_lifecycle(const sim_history *h)
{
	enum { DOWN, UP, PAUSED } st[64];
	bool leading[64] = {0};
	assert_true(h->npods <= 64);
	for (size_t p = 0; p < h->npods; p++)
		st[p] = DOWN;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (i)
			assert_true(e->t_ns >= h->ev[i - 1].t_ns);
		assert_true(e->t_ns <= h->end_ns);
		if (e->pod < 0)
			continue;
		assert_true((size_t)e->pod < h->npods);
		size_t p = (size_t)e->pod;
		switch (e->kind) {
		case SIM_EV_POD_START:
			assert_int_equal(st[p], DOWN);
			st[p] = UP;
			break;
		case SIM_EV_POD_DEATH:
		case SIM_EV_POD_EXIT:
			assert_int_not_equal(st[p], DOWN);
			st[p] = DOWN;
			leading[p] = false;
			break;
		case SIM_EV_PAUSE:
			assert_int_equal(st[p], UP);
			st[p] = PAUSED;
			break;
		case SIM_EV_RESUME:
			assert_int_equal(st[p], PAUSED);
			st[p] = UP;
			break;
		case SIM_EV_STARTED_LEADING:
			assert_int_equal(st[p], UP);
			assert_false(leading[p]);
			leading[p] = true;
			break;
		case SIM_EV_STOPPED_LEADING:
			assert_int_equal(st[p], UP);
			leading[p] = false;
			break;
		case SIM_EV_NEW_LEADER:
		case SIM_EV_WORK:
			assert_int_equal(st[p], UP);
			break;
		case SIM_EV_ACTING_END:
			/* a paused leader's code ends only by its death */
			if (st[p] == PAUSED) {
				assert_true(i + 1 < h->n);
				assert_int_equal(h->ev[i + 1].kind, SIM_EV_POD_DEATH);
				assert_int_equal(h->ev[i + 1].pod, e->pod);
			} else {
				assert_int_equal(st[p], UP);
			}
			break;
		case SIM_EV_LEASE_WRITE:
			assert_true(e->holder >= -1 && (size_t)(e->holder + 1) <= h->nidentities);
			break;
		default:
			break;
		}
	}
}

static void test_random_fault_mixes_run_clean(void **state)
{
	(void)state;
	static const sim_action actions[] = {
		SIM_ACT_POD_KILL, SIM_ACT_POD_DELETE, SIM_ACT_POD_FAILURE,
		SIM_ACT_RESTART, SIM_ACT_PAUSE, SIM_ACT_PARTITION, SIM_ACT_DELAY,
		SIM_ACT_LOSS, SIM_ACT_TIME_SKEW, SIM_ACT_CLOCK_RATE, SIM_ACT_APISERVER,
	};
	const size_t nact = sizeof actions / sizeof actions[0];
	for (uint64_t seed = 1; seed <= 150; seed++) {
		fa_rng r;
		fa_rng_seed(&r, seed * 7919);
		size_t npods = 2 + (size_t)sim_rng_below(&r, 3);
		sim_scenario *sc = fx_scenario(npods, FX_S(150), FX_MS(1));
		for (size_t i = 0; i < npods; i++) {
			sim_pod_spec *p = &sc->pods[i];
			p->election.release_on_cancel = sim_rng_below(&r, 2);
			p->work_period_ns = FX_MS(500) * (int64_t)sim_rng_below(&r, 3);
			p->stop_delay_ns = FX_MS(300) * (int64_t)sim_rng_below(&r, 3);
			p->sigterm_ignored = sim_rng_below(&r, 4) == 0;
			p->grace_period_ns = FX_S(5);
			p->clock_offset_ns = FX_S(1) * ((int64_t)sim_rng_below(&r, 7) - 3);
			if (sim_rng_below(&r, 4) == 0) {
				p->election.profile = &le_profile_sidecar_05;
				p->election.lease_duration_ns = FX_S(10);
				p->election.renew_deadline_ns = FX_S(5);
				p->election.retry_period_ns = FX_S(2.5);
			}
		}
		for (int k = 0; k < 10; k++) {
			sim_fault *f = fx_fault(sc, actions[sim_rng_below(&r, nact)],
						FX_MS(500) * (int64_t)sim_rng_below(&r, 240));
			f->duration_ns = FX_S(1) * (int64_t)sim_rng_below(&r, 40);
			f->mode = (sim_mode)sim_rng_below(&r, 4);
			f->value = 1 + (int)sim_rng_below(&r, 60);
			f->role = (sim_role)sim_rng_below(&r, 3);
			f->direction = (sim_direction)sim_rng_below(&r, 3);
			f->partition_kind = sim_rng_below(&r, 2) ? FA_PART_REFUSED : FA_PART_BLACKHOLE;
			f->latency = (sim_latency){.kind = FA_LAT_UNIFORM, .a_ns = FX_MS(10), .b_ns = FX_S(7)};
			f->loss = 0.5;
			f->time_offset_ns = FX_S(30) * ((int64_t)sim_rng_below(&r, 3) - 1);
			f->rate_ppm = (int32_t)sim_rng_below(&r, 600000) - 300000;
			f->replace = sim_rng_below(&r, 2);
			f->apiserver_down = sim_rng_below(&r, 3) == 0;
			f->apiserver.error_code = sim_rng_below(&r, 2) ? 503 : 0;
			f->apiserver.commit_delay_ns = FX_MS(100) * (int64_t)sim_rng_below(&r, 30);
			f->apiserver.response_loss = 0.2;
		}
		run rr = run_scenario(sc, seed);
		check_lifecycle(rr.h);
		/* same seed, same history */
		run again = run_scenario(sc, seed);
		assert_int_equal(rr.h->n, again.h->n);
		assert_memory_equal(rr.h->ev, again.h->ev, rr.h->n * sizeof *rr.h->ev);
		sim_world_free(again.w);
		sim_world_free(rr.w);
		fx_free(sc);
	}
}

/* ---- determinism, streams, errors -------------------------------------------------- */

static sim_scenario *busy_scenario(size_t npods)
{
	sim_scenario *sc = fx_scenario(npods, FX_S(120), 0);
	sc->latency_to = (sim_latency){.kind = FA_LAT_UNIFORM, .a_ns = FX_US(50), .b_ns = FX_MS(3)};
	sc->latency_from = (sim_latency){.kind = FA_LAT_PARETO, .a_ns = FX_US(80), .b_ns = FX_MS(800), .alpha = 1.2};
	for (size_t i = 0; i < npods; i++)
		sc->pods[i].work_period_ns = FX_MS(700);
	sim_fault *f = fx_fault(sc, SIM_ACT_POD_KILL, FX_S(40));
	f->role = SIM_ROLE_LEADER;
	f->replace = true;
	f = fx_fault(sc, SIM_ACT_LOSS, FX_S(70));
	f->mode = SIM_MODE_ALL;
	f->loss = 0.3;
	f->duration_ns = FX_S(20);
	return sc;
}

static char *history_text(const sim_scenario *sc, uint64_t seed, size_t *len)
{
	run r = run_scenario(sc, seed);
	char *buf = sim_history_text(r.h, sc, len);
	assert_non_null(buf);
	sim_world_free(r.w);
	return buf;
}

/* A '.' outside a JSON string: a number with a fraction. */
static bool has_fraction_outside_strings(const char *s, size_t n)
{
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		if (in_str && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			in_str = !in_str;
		else if (!in_str && s[i] == '.')
			return true;
	}
	return false;
}

static void test_same_seed_gives_byte_identical_jsonl(void **state)
{
	(void)state;
	sim_scenario *sc = busy_scenario(3);
	size_t l1, l2, l3;
	char *a = history_text(sc, 77, &l1);
	char *b = history_text(sc, 77, &l2);
	char *c = history_text(sc, 78, &l3);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	assert_true(l1 != l3 || memcmp(a, c, l1) != 0);
	/* header names the seed, pods and identities; events name pods */
	assert_non_null(strstr(a, "\"seed\":77,"));
	assert_non_null(strstr(a, "\"identities\":[\"pod-a\",\"pod-b\",\"pod-c\""));
	assert_non_null(strstr(a, "\"kind\":\"lease-write\""));
	assert_non_null(strstr(a, "\"pod_name\":\"pod-a\""));
	assert_non_null(strstr(a, "\"fault_label\":\"fault 0\""));
	/* integers only: no decimal point outside strings */
	assert_false(has_fraction_outside_strings(a, l1));
	/* one line per event plus the header */
	size_t lines = 0;
	for (size_t i = 0; i < l1; i++)
		lines += a[i] == '\n';
	run r = run_scenario(sc, 77);
	assert_int_equal(lines, r.h->n + 1);
	sim_world_free(r.w);
	free(a);
	free(b);
	free(c);
	fx_free(sc);
}

static void test_adding_a_pod_keeps_pod0_draws(void **state)
{
	(void)state;
	enum { CAP = 4096 };
	uint64_t *d3 = calloc(CAP, sizeof *d3), *d4 = calloc(CAP, sizeof *d4);
	size_t n3 = 0, n4 = 0;
	char err[256];
	sim_scenario *s3 = busy_scenario(3), *s4 = busy_scenario(4);
	sim_world *w3 = sim_world_new(s3, 123, err, sizeof err);
	sim_world *w4 = sim_world_new(s4, 123, err, sizeof err);
	assert_non_null(w3);
	assert_non_null(w4);
	sim_world_trace_draws(w3, 0, d3, CAP, &n3);
	sim_world_trace_draws(w4, 0, d4, CAP, &n4);
	assert_int_equal(sim_world_run(w3, err, sizeof err), LE_OK);
	assert_int_equal(sim_world_run(w4, err, sizeof err), LE_OK);
	/* the runs differ (a fourth pod competes), so pod 0 may draw a
	 * different number of times, but its draws are the same stream */
	assert_true(n3 > 10 && n4 > 10);
	size_t n = n3 < n4 ? n3 : n4;
	if (n > CAP)
		n = CAP;
	assert_memory_equal(d3, d4, n * sizeof *d3);
	/* ... which is the stream split for (seed, node, spec 0) */
	fa_rng ref;
	sim_rng_stream(&ref, 123, SIM_STREAM_NODE, 0);
	for (size_t i = 0; i < n; i++)
		assert_true(d3[i] == fa_rng_next(&ref));
	/* and another pod's stream differs */
	size_t nb = 0;
	uint64_t *db = calloc(CAP, sizeof *db);
	sim_world *wb = sim_world_new(s3, 123, err, sizeof err);
	sim_world_trace_draws(wb, 1, db, CAP, &nb);
	assert_int_equal(sim_world_run(wb, err, sizeof err), LE_OK);
	assert_true(nb > 0);
	assert_true(db[0] != d3[0]);
	sim_world_free(w3);
	sim_world_free(w4);
	sim_world_free(wb);
	fx_free(s3);
	fx_free(s4);
	free(d3);
	free(d4);
	free(db);
}

static void test_bad_scenarios_are_rejected_with_a_reason(void **state)
{
	(void)state;
	char err[512];
	sim_scenario *sc = fx_scenario(2, FX_S(10), LAT);
	sc->pods[1].election.renew_deadline_ns = FX_S(20); /* RD >= LD */
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[1] (pod-b)"));
	assert_non_null(strstr(err, "leaseDuration must be greater than renewDeadline"));
	fx_free(sc);

	sc = fx_scenario(2, FX_S(10), LAT);
	fx_name(sc, 1, "pod-a");
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "also used by pods[0]"));
	fx_free(sc);

	sc = fx_scenario(1, FX_S(10), LAT);
	sc->latency_from = (sim_latency){.kind = FA_LAT_FIXED, .a_ns = -5};
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "latency from the apiserver"));
	fx_free(sc);

	sc = fx_scenario(1, FX_S(10), LAT);
	sim_fault *f = fx_fault(sc, SIM_ACT_LOSS, FX_S(1));
	f->loss = 1.5;
	f->line = 12;
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "line 12"));
	assert_non_null(strstr(err, "probability"));
	fx_free(sc);

	sc = fx_scenario(1, 0, LAT);
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "duration"));
	fx_free(sc);

	/* a hand-built spec's strings are pointers: a missing one is an
	 * error naming the pod, never a crash */
	sc = fx_scenario(2, FX_S(10), LAT);
	sc->pods[1].name = NULL;
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[1]: a pod needs a name"));
	fx_name(sc, 1, "pod-b");
	sc->pods[1].election.lock_name = NULL;
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[1]: a pod needs a lock namespace and name"));
	sc->pods[1].election.lock_name = "my-lease";
	sc->pods[0].coordinated = true;
	sc->pods[0].upgrade_at_ns = INT64_MAX;
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[0]: a pod needs its versions (coordinated)"));
	sc->pods[0].coordinated = false;
	sc->defaults.lock_namespace = NULL;
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "the defaults need a lock namespace and name"));
	fx_free(sc);

	/* a world runs once */
	sc = fx_scenario(1, FX_S(1), LAT);
	sim_world *w = sim_world_new(sc, 1, err, sizeof err);
	assert_int_equal(sim_world_run(w, err, sizeof err), LE_OK);
	assert_int_equal(sim_world_run(w, err, sizeof err), LE_ESTATE);
	sim_world_free(w);
	fx_free(sc);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(sim_ev_kind_name(SIM_EV_POD_START), "pod-start");
	assert_string_equal(sim_ev_kind_name(SIM_EV_LEASE_WRITE), "lease-write");
	assert_string_equal(sim_ev_kind_name(SIM_EV_WORK), "work");
	assert_string_equal(sim_ev_kind_name((sim_ev_kind)0), "unknown");
	assert_string_equal(sim_ev_kind_name((sim_ev_kind)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_pods_elect_exactly_one_leader),
		cmocka_unit_test(test_shed_keeps_the_history_and_frees_the_rest),
		cmocka_unit_test(test_kill_leader_new_leader_after_about_lease_duration),
		cmocka_unit_test(test_graceful_delete_with_release_hands_over_fast),
		cmocka_unit_test(test_sigterm_ignored_pod_is_killed_after_grace),
		cmocka_unit_test(test_pause_longer_than_lease_duration_overlaps),
		cmocka_unit_test(test_pause_shorter_than_slack_keeps_one_leader),
		cmocka_unit_test(test_pod_failure_restarts_same_name_and_identity),
		cmocka_unit_test(test_replacement_pods_get_new_names),
		cmocka_unit_test(test_restart_keeps_identity_and_renews),
		cmocka_unit_test(test_partition_of_leader_cuts_and_heals),
		cmocka_unit_test(test_refused_partition_fails_requests_at_once),
		cmocka_unit_test(test_apiserver_down_makes_leader_step_down),
		cmocka_unit_test(test_store_error_rule_for_one_pod),
		cmocka_unit_test(test_clock_faults_keep_client_go_stable),
		cmocka_unit_test(test_slow_follower_clock_breaks_safety),
		cmocka_unit_test(test_write_commits_after_client_gave_up),
		cmocka_unit_test(test_dead_pods_in_flight_write_still_commits),
		cmocka_unit_test(test_slow_commit_keeps_leader_renewing),
		cmocka_unit_test(test_random_fault_mixes_run_clean),
		cmocka_unit_test(test_same_seed_gives_byte_identical_jsonl),
		cmocka_unit_test(test_adding_a_pod_keeps_pod0_draws),
		cmocka_unit_test(test_bad_scenarios_are_rejected_with_a_reason),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_big_fleet_shares_configurations),
	};
	return cmocka_run_group_tests_name("sim_world", tests, NULL, NULL);
}
