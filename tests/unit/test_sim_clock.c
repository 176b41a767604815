/* Unit tests for node clocks (sim/clock.c) and PRNG stream splitting
 * (sim/rng.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/sim_engine.h"

#define S(x) ((int64_t)(x) * LE_NS_PER_S)

static void test_zero_rate_clock_is_true_time_plus_offset(void **state)
{
	(void)state;
	sim_clock c;
	sim_clock_init(&c, 0, S(3), 0);
	assert_int_equal(sim_clock_wall_ns(&c, 0), SIM_WALL_EPOCH_NS + S(3));
	assert_int_equal(sim_clock_wall_ns(&c, S(10)), SIM_WALL_EPOCH_NS + S(13));
	assert_int_equal(sim_clock_mono_ns(&c, S(10)) - sim_clock_mono_ns(&c, 0), S(10));
	/* a negative offset (clock behind) is fine */
	sim_clock_init(&c, S(5), -S(7), 0);
	assert_int_equal(sim_clock_wall_ns(&c, S(5)), SIM_WALL_EPOCH_NS - S(2));
}

static void test_rate_scales_both_clocks(void **state)
{
	(void)state;
	sim_clock c;
	sim_clock_init(&c, 0, 0, 100); /* 100 ppm fast */
	int64_t m0 = sim_clock_mono_ns(&c, 0), w0 = sim_clock_wall_ns(&c, 0);
	assert_int_equal(sim_clock_mono_ns(&c, S(1)) - m0, S(1) + 100000);
	assert_int_equal(sim_clock_wall_ns(&c, S(1)) - w0, S(1) + 100000);
	assert_int_equal(sim_clock_mono_ns(&c, S(3600)) - m0, S(3600) + S(3600) / 10000);
	sim_clock_init(&c, 0, 0, -500000); /* half speed */
	m0 = sim_clock_mono_ns(&c, 0);
	assert_int_equal(sim_clock_mono_ns(&c, S(10)) - m0, S(5));
	/* 1 ns at 100 ppm slow: floor keeps readings integral and monotone */
	sim_clock_init(&c, 0, 0, -100);
	int64_t prev = sim_clock_mono_ns(&c, 0);
	for (int64_t t = 1; t < 100000; t += 997) {
		int64_t m = sim_clock_mono_ns(&c, t);
		assert_true(m >= prev);
		prev = m;
	}
}

static void test_wall_step_leaves_mono_alone(void **state)
{
	(void)state;
	sim_clock c;
	sim_clock_init(&c, 0, 0, 250);
	int64_t mono_before = sim_clock_mono_ns(&c, S(20));
	int64_t wall_before = sim_clock_wall_ns(&c, S(20));
	sim_clock_step_wall(&c, S(10), S(3600));
	assert_int_equal(sim_clock_mono_ns(&c, S(20)), mono_before);
	assert_int_equal(sim_clock_wall_ns(&c, S(20)), wall_before + S(3600));
	/* backwards too */
	sim_clock_step_wall(&c, S(15), -S(7200));
	assert_int_equal(sim_clock_mono_ns(&c, S(20)), mono_before);
	assert_int_equal(sim_clock_wall_ns(&c, S(20)), wall_before - S(3600));
}

static void test_rate_change_is_continuous(void **state)
{
	(void)state;
	sim_clock c;
	sim_clock_init(&c, 0, S(1), 0);
	int64_t m = sim_clock_mono_ns(&c, S(100)), w = sim_clock_wall_ns(&c, S(100));
	sim_clock_set_rate(&c, S(100), 1000000); /* twice as fast from t=100 */
	assert_int_equal(sim_clock_mono_ns(&c, S(100)), m);
	assert_int_equal(sim_clock_wall_ns(&c, S(100)), w);
	assert_int_equal(sim_clock_mono_ns(&c, S(110)), m + S(20));
	assert_int_equal(sim_clock_wall_ns(&c, S(110)), w + S(20));
	/* the past before the change is not rewritten for t >= base: only
	 * future readings change */
	sim_clock_set_rate(&c, S(110), 0);
	assert_int_equal(sim_clock_mono_ns(&c, S(120)), m + S(30));
}

static void test_true_at_mono_is_the_exact_inverse(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 1);
	const int32_t rates[] = {0, 1, -1, 100, -100, 123457, -999000, 999999, 5000000};
	for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
		sim_clock c;
		sim_clock_init(&c, S(2), -S(40), rates[k]);
		sim_clock_step_wall(&c, S(3), S(9)); /* must not matter for mono */
		for (int i = 0; i < 2000; i++) {
			int64_t m = sim_clock_mono_ns(&c, S(2)) +
				    (int64_t)sim_rng_below(&r, (uint64_t)S(100000));
			int64_t t = sim_clock_true_at_mono(&c, m);
			/* the smallest true time whose reading reaches m */
			assert_true(sim_clock_mono_ns(&c, t) >= m);
			assert_true(sim_clock_mono_ns(&c, t - 1) < m);
		}
	}
	sim_clock c;
	sim_clock_init(&c, 0, 0, 0);
	assert_int_equal(sim_clock_true_at_mono(&c, INT64_MAX), INT64_MAX);
	/* a deadline a crawling clock would reach only after int64 time */
	sim_clock_init(&c, 0, 0, -999999);
	assert_int_equal(sim_clock_true_at_mono(&c, sim_clock_mono_ns(&c, 0) + S(100000)),
			 INT64_MAX);
	assert_int_equal(sim_clock_true_at_mono(&c, sim_clock_mono_ns(&c, S(5))), S(5));
}

static void test_streams_depend_only_on_seed_kind_and_index(void **state)
{
	(void)state;
	uint64_t a = sim_stream_seed(1, SIM_STREAM_NODE, 0);
	assert_int_equal(a, sim_stream_seed(1, SIM_STREAM_NODE, 0));
	assert_int_not_equal(a, sim_stream_seed(2, SIM_STREAM_NODE, 0));
	assert_int_not_equal(a, sim_stream_seed(1, SIM_STREAM_NET, 0));
	assert_int_not_equal(a, sim_stream_seed(1, SIM_STREAM_NODE, 1));
	assert_int_not_equal(sim_stream_seed(1, SIM_STREAM_NODE, 1),
			     sim_stream_seed(1, SIM_STREAM_NODE_REPL, 1));
	/* seed 0 is a seed like any other */
	fa_rng r0, r1;
	sim_rng_stream(&r0, 0, SIM_STREAM_NODE, 0);
	sim_rng_stream(&r1, 0, SIM_STREAM_NODE, 1);
	assert_int_not_equal(fa_rng_next(&r0), fa_rng_next(&r1));
}

static void test_rng_below_is_in_range_and_covers_it(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 99);
	int seen[26] = {0};
	for (int i = 0; i < 26000; i++) {
		uint64_t v = sim_rng_below(&r, 26);
		assert_true(v < 26);
		seen[v]++;
	}
	for (int i = 0; i < 26; i++)
		assert_in_range(seen[i], 800, 1200);
	assert_int_equal(sim_rng_below(&r, 1), 0);
}

static void test_latency_samples_stay_in_their_distribution(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 5);
	fa_latency none = {.kind = FA_LAT_NONE};
	fa_latency fixed = {.kind = FA_LAT_FIXED, .a_ns = 1234};
	fa_latency uni = {.kind = FA_LAT_UNIFORM, .a_ns = 1000, .b_ns = 2000};
	fa_latency par = {.kind = FA_LAT_PARETO, .a_ns = 1000, .b_ns = 50000, .alpha = 1.5};
	assert_int_equal(fa_latency_draw(&none, &r), 0);
	assert_int_equal(fa_latency_draw(&fixed, &r), 1234);
	int64_t pmax = 0;
	for (int i = 0; i < 10000; i++) {
		int64_t u = fa_latency_draw(&uni, &r);
		assert_in_range(u, 1000, 1999);
		int64_t p = fa_latency_draw(&par, &r);
		assert_in_range(p, 1000, 50000);
		if (p > pmax)
			pmax = p;
	}
	assert_int_equal(pmax, 50000); /* the cap is reached: a long tail */
	char err[128];
	fa_latency bad = {.kind = FA_LAT_UNIFORM, .a_ns = 5, .b_ns = 1};
	assert_int_equal(sim_latency_check(&bad, "latency_to", err, sizeof err), LE_EINVAL);
	assert_non_null(strstr(err, "latency_to"));
	fa_latency badp = {.kind = FA_LAT_PARETO, .a_ns = 5, .alpha = 0};
	assert_int_equal(sim_latency_check(&badp, "x", err, sizeof err), LE_EINVAL);
	assert_int_equal(sim_latency_check(&par, "x", err, sizeof err), LE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_rate_clock_is_true_time_plus_offset),
		cmocka_unit_test(test_rate_scales_both_clocks),
		cmocka_unit_test(test_wall_step_leaves_mono_alone),
		cmocka_unit_test(test_rate_change_is_continuous),
		cmocka_unit_test(test_true_at_mono_is_the_exact_inverse),
		cmocka_unit_test(test_streams_depend_only_on_seed_kind_and_index),
		cmocka_unit_test(test_rng_below_is_in_range_and_covers_it),
		cmocka_unit_test(test_latency_samples_stay_in_their_distribution),
	};
	return cmocka_run_group_tests_name("sim_clock", tests, NULL, NULL);
}
