/* bench/bench_explore.c — explore's throughput: seeds per second on one
 * core for a 60 s three-pod swarm scenario (scenarios/explore/client-go-3.yaml,
 * every fault kind), each seed drawn, simulated, judged, and shrunk when it
 * violates an invariant, as one explore worker does. Prints the figure and
 * writes it to out/bench.json as "explore_seeds_per_s_per_core"
 * (bench/bench_json.h).
 *
 *   build/bench/bench_explore [SEEDS]   (default 20000)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leaselab/explore.h"
#include "bench_json.h"

#define BASE "scenarios/explore/client-go-3.yaml"

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t seeds = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
	if (!seeds)
		seeds = 20000;
	sim_scenario base;
	char err[1024];
	if (sim_scenario_load(BASE, &base, err, sizeof err) != LE_OK) {
		fprintf(stderr, "bench_explore: %s\n", err);
		return 1;
	}
	sim_explore_opts o;
	sim_explore_opts_init(&o);
	uint64_t violating = 0, shrink_runs = 0;
	double t0 = mono_s();
	for (uint64_t s = 1; s <= seeds; s++) {
		sim_explore_case c;
		sim_invariant inv;
		if (sim_explore_draw(&base, s, &o, &c) != LE_OK ||
		    sim_explore_judge(&c.sc, s, &o, &inv, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_explore: seed %" PRIu64 ": %s\n", s, err);
			return 1;
		}
		if (inv != SIM_INV_NONE) {
			char removed[512];
			violating++;
			int r = sim_explore_shrink(&c, s, &o, inv, removed, sizeof removed);
			shrink_runs += r > 0 ? (uint64_t)r : 0;
		}
		sim_explore_case_free(&c);
	}
	double el = mono_s() - t0;
	double rate = (double)seeds / el;
	printf("explore: %s, every fault kind, %" PRIu64 " seeds on one core\n", BASE, seeds);
	printf("  seeds/s per core %.0f (target >= 10000, aim 25000): %s\n", rate,
	       rate >= 10000 ? "ok" : "BELOW TARGET");
	printf("  violating seeds  %" PRIu64 " (%.1f%%), %" PRIu64 " shrinking simulations\n",
	       violating, 100.0 * (double)violating / (double)seeds, shrink_runs);
	printf("  wall time        %.3f s\n", el);
	bench_figure("bench_explore", "explore_seeds_per_s_per_core", rate, "seeds/s", "target",
		     10000);
	sim_scenario_free(&base);
	return 0;
}
