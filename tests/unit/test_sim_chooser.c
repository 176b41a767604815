/* The chooser seam and the state hashes bin/sim prove --timing extremes
 * relies on (sim/chooser.h, le_elector_state_hash): hashing reads and
 * changes nothing, equal states hash equal wherever in time they are,
 * different ones differ, and the walk covers exactly the choice tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/chooser.h"
#include "sim_fixture.h"

/* wall readings, exact (FX_S goes through a double) */
#define W0 (INT64_C(1767225600) * LE_NS_PER_S)
#define W1 (INT64_C(1767229999) * LE_NS_PER_S)

static le_config cfg(void)
{
	le_config c;
	le_config_defaults(&c);
	c.identity = "pod-a";
	c.lock_namespace = "default";
	c.lock_name = "my-lease";
	c.name = "my-lease";
	return c;
}

static void drain(le_elector *e, uint64_t *last_id)
{
	le_output o;
	while (le_elector_next_output(e, &o))
		if (o.kind == LE_OUT_SEND)
			*last_id = o.u.request->id;
}

/* start, then a 404 answer to its GET: the acquire fails (Create not yet
 * answered), so the state holds request ids, deadlines, an observed time */
static le_elector *elector_at(int64_t mono0, int64_t wall0, int steps)
{
	le_config c = cfg();
	le_elector *e = le_elector_new(&c, NULL, 0);
	assert_non_null(e);
	uint64_t id = 0;
	assert_int_equal(le_elector_start(e, (le_time){mono0, wall0}, 7), LE_OK);
	drain(e, &id);
	if (steps > 0) {
		le_response r = {.id = id, .status = 404, .reason = "NotFound"};
		assert_int_equal(le_elector_on_response(e, (le_time){mono0 + FX_MS(2), wall0 + FX_MS(2)},
							&r, 9),
				 LE_OK);
		drain(e, &id);
	}
	return e;
}

static void test_equal_elector_states_hash_equal_at_any_instant(void **state)
{
	(void)state;
	le_elector *a = elector_at(FX_S(1000), W0, 1);
	le_elector *b = elector_at((INT64_C(4321) * LE_NS_PER_S), W1, 1);
	le_elector *c = elector_at(FX_S(1000), W0, 0);
	uint64_t ha = le_elector_state_hash(a, (le_time){FX_S(1000) + FX_MS(5), W0 + FX_MS(5)});
	uint64_t hb = le_elector_state_hash(b, (le_time){(INT64_C(4321) * LE_NS_PER_S) + FX_MS(5), W1 + FX_MS(5)});
	uint64_t hc = le_elector_state_hash(c, (le_time){FX_S(1000) + FX_MS(5), W0 + FX_MS(5)});
	assert_true(ha == hb);
	assert_true(ha != hc); /* one input fewer */
	/* the same state seen a millisecond later is not the same state:
	 * its deadlines are nearer */
	assert_true(ha != le_elector_state_hash(a, (le_time){FX_S(1000) + FX_MS(6),
							      W0 + FX_MS(6)}));
	/* started, its GET in flight: only deadlines and the attempt's time
	 * tell two instants apart, and a shift of both clocks does not */
	le_elector *d = elector_at(INT64_C(7777) * LE_NS_PER_S, W1, 0);
	uint64_t hd = le_elector_state_hash(d, (le_time){INT64_C(7777) * LE_NS_PER_S + FX_MS(5), W1 + FX_MS(5)});
	assert_true(hc == hd);
	assert_true(hc != le_elector_state_hash(c, (le_time){FX_S(1000) + FX_MS(6), W0 + FX_MS(6)}));
	le_elector_free(a);
	le_elector_free(b);
	le_elector_free(c);
	le_elector_free(d);
}

static sim_scenario *three_pods(void)
{
	sim_scenario *sc = fx_scenario(3, FX_S(40), FX_MS(1));
	assert_non_null(sc);
	sc->latency_to = (sim_latency){.kind = FA_LAT_UNIFORM, .a_ns = FX_MS(1), .b_ns = FX_MS(3)};
	sc->latency_from = sc->latency_to;
	sc->pods[1].start_ns = FX_S(1);
	sc->pods[2].start_ns = FX_S(2);
	sim_fault *f = fx_fault(sc, SIM_ACT_PAUSE, FX_S(10));
	f->role = SIM_ROLE_LEADER;
	f->duration_ns = FX_S(20);
	return sc;
}

static sim_history *run(const sim_scenario *sc, uint64_t seed, sim_chooser *ch,
			sim_world **wout)
{
	char err[256];
	sim_world *w = sim_world_new(sc, seed, err, sizeof err);
	assert_non_null(w);
	sim_world_set_chooser(w, ch);
	assert_int_equal(sim_world_run(w, err, sizeof err), LE_OK);
	*wout = w;
	return (sim_history *)sim_world_history(w);
}

static void assert_same_history(const sim_history *a, const sim_history *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->ev[i].t_ns, b->ev[i].t_ns);
		assert_int_equal(a->ev[i].kind, b->ev[i].kind);
		assert_int_equal(a->ev[i].pod, b->ev[i].pod);
	}
}

/* One run with the hash read at every event boundary after its first
 * choice, and the same run with hashing off: the same history. */
static void test_hashing_does_not_change_the_run(void **state)
{
	(void)state;
	sim_scenario *sc = three_pods();
	sim_chooser_opts o = {.points = 2, .window_ns = FX_S(60), .depth_max = 1,
			      .state_hash = true};
	sim_chooser_stats son = {0}, soff = {0};
	sim_chooser *on = sim_chooser_new(&o);
	o.state_hash = false;
	sim_chooser *off = sim_chooser_new(&o);
	assert_int_equal(sim_chooser_reset(on, sc, &son), LE_OK);
	assert_int_equal(sim_chooser_reset(off, sc, &soff), LE_OK);
	sim_world *wa, *wb;
	sim_history *a = run(sc, 3, on, &wa);
	sim_history *b = run(sc, 3, off, &wb);
	assert_true(son.states > 100); /* the hash was read, many times */
	assert_int_equal(soff.states, 0);
	assert_same_history(a, b);
	assert_true(sim_world_state_hash(wa) == sim_world_state_hash(wb));
	sim_world_free(wa);
	sim_world_free(wb);
	sim_chooser_free(on);
	sim_chooser_free(off);
	fx_free(sc);
}

/* Without a chooser a world draws as it always did; a chooser whose
 * windows hold no draw changes nothing either. */
static void test_a_chooser_outside_its_windows_keeps_the_seeded_draws(void **state)
{
	(void)state;
	sim_scenario *sc = three_pods();
	sim_chooser_opts o = {.points = 2, .window_ns = 0, .depth_max = 8, .state_hash = false};
	sim_chooser *ch = sim_chooser_new(&o);
	sim_chooser_stats st = {0};
	sim_explore_opts eo;
	sim_explore_opts_init(&eo);
	sim_invariant inv;
	char err[256];
	sc->nfaults = 0; /* no fault, no window */
	assert_int_equal(sim_chooser_judge(ch, sc, 5, &eo, false, &inv, &st, err, sizeof err), LE_OK);
	assert_int_equal(st.runs, 1);
	assert_int_equal(st.depth, 0);
	assert_int_equal(sim_chooser_reset(ch, sc, &st), LE_OK);
	/* The same run, and each pod's core handed the same draws. Not the
	 * same event queue: a world without a chooser moves a timer entry
	 * earlier where one with a chooser leaves it to pop stale
	 * (sim_heap_advance; the chooser's boundaries and state hash count
	 * those entries), so only events_processed may differ. */
	enum { CAP = 2048 };
	for (int32_t pod = 0; pod < 3; pod++) {
		uint64_t da[CAP], db[CAP];
		size_t na = 0, nb = 0;
		sim_world *xa = sim_world_new(sc, 5, err, sizeof err);
		sim_world *xb = sim_world_new(sc, 5, err, sizeof err);
		assert_non_null(xa);
		assert_non_null(xb);
		sim_world_set_chooser(xb, ch);
		sim_world_trace_draws(xa, pod, da, CAP, &na);
		sim_world_trace_draws(xb, pod, db, CAP, &nb);
		assert_int_equal(sim_world_run(xa, err, sizeof err), LE_OK);
		assert_int_equal(sim_world_run(xb, err, sizeof err), LE_OK);
		assert_true(na > 10);
		assert_int_equal(na, nb);
		size_t kept = na < CAP ? na : CAP;
		assert_memory_equal(da, db, kept * sizeof da[0]);
		sim_world_free(xa);
		sim_world_free(xb);
		assert_int_equal(sim_chooser_reset(ch, sc, &st), LE_OK);
	}
	sim_world *wa, *wb;
	sim_history *a = run(sc, 5, NULL, &wa);
	sim_history *b = run(sc, 5, ch, &wb);
	assert_same_history(a, b);
	assert_true(a->events_processed <= b->events_processed);
	sim_world *wc;
	run(sc, 6, NULL, &wc); /* another seed: other latencies */
	assert_true(sim_world_state_hash(wa) != sim_world_state_hash(wc));
	sim_world_free(wa);
	sim_world_free(wb);
	sim_world_free(wc);
	sim_chooser_free(ch);
	fx_free(sc);
}

/* The walk runs every leaf once: d binary points give 2^d runs without
 * hashing, and hashing never gives more. */
static void test_the_walk_covers_the_tree_and_merging_only_cuts_it(void **state)
{
	(void)state;
	sim_scenario *sc = three_pods();
	sim_explore_opts eo;
	sim_explore_opts_init(&eo);
	sim_invariant inv_off, inv_on;
	char err[256];
	sim_chooser_opts o = {.points = 2, .window_ns = FX_S(2), .depth_max = 4, .state_hash = false};
	sim_chooser *off = sim_chooser_new(&o);
	sim_chooser_stats soff = {0}, son = {0};
	assert_int_equal(sim_chooser_judge(off, sc, 1, &eo, false, &inv_off, &soff, err, sizeof err),
			 LE_OK);
	assert_int_equal(soff.depth, 4);
	assert_int_equal(soff.runs, 16);
	o.state_hash = true;
	sim_chooser *on = sim_chooser_new(&o);
	assert_int_equal(sim_chooser_judge(on, sc, 1, &eo, false, &inv_on, &son, err, sizeof err),
			 LE_OK);
	assert_true(son.runs <= soff.runs);
	assert_int_equal(inv_on, inv_off); /* a 14 s leader pause breaks safety */
	assert_int_equal(inv_off, SIM_INV_SAFETY);
	sim_chooser_free(off);
	sim_chooser_free(on);
	fx_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_elector_states_hash_equal_at_any_instant),
		cmocka_unit_test(test_hashing_does_not_change_the_run),
		cmocka_unit_test(test_a_chooser_outside_its_windows_keeps_the_seeded_draws),
		cmocka_unit_test(test_the_walk_covers_the_tree_and_merging_only_cuts_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
