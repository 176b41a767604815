/* bench_sweep — how long a 20-point x 200-seed sweep takes: the LD sweep of
 * scenarios/sweep/blackhole-leader.yaml (RD 10 s, RP 2 s, the leader
 * black-holed at a seed-drawn time in [30 s, 40 s)), LD = 10.5 s .. 20 s in
 * 0.5 s steps, 200 seeds a point: 4,000 parsed, simulated and checked runs,
 * as `bin/sim sweep` does them (sim_run_point). Prints the wall time, runs
 * per second and the boundary it saw. Run from the repository root (make
 * bench). Figures are printed, never asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_json.h"
#include "bench_util.h"
#include "../sim/search.h"

#define POINTS 20
#define SEEDS 200
#define BASE "scenarios/sweep/blackhole-leader.yaml"

int main(void)
{
	char err[LE_ERRMSG_MAX] = "";
	char *text = NULL;
	size_t len = 0;
	if (sim_read_file(BASE, &text, &len, err, sizeof err) != LE_OK) {
		fprintf(stderr, "bench_sweep: %s (run from the repository root)\n", err);
		return 1;
	}
	sim_jitter jit = {.path = "faults[0].at", .lo = 30, .hi = 40, .unit = "s"};
	double t0 = bench_now_s(), last_fail = 0;
	size_t runs = 0;
	for (int i = 0; i < POINTS; i++) {
		sim_override ov = {.path = "election.leaseDuration"};
		double ld = 10.5 + 0.5 * i;
		snprintf(ov.value, sizeof ov.value, "%.9gs", ld);
		sim_point_stats st;
		if (sim_run_point(text, len, BASE, &ov, 1, &jit, 1, 1, SEEDS, &st, NULL,
				  NULL, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_sweep: %s\n", err);
			return 1;
		}
		runs += st.seeds;
		if (st.failing)
			last_fail = ld;
	}
	double wall = bench_now_s() - t0;
	printf("sweep %d points x %d seeds (%zu runs): %.3f s wall, %.0f runs/s; "
	       "last failing LD %.1f s (RP + RD = 12 s)\n", POINTS, SEEDS, runs, wall,
	       (double)runs / wall, last_fail);
	bench_figure("bench_sweep", "sweep_runs_per_s", (double)runs / wall, "runs/s", NULL, 0);
	bench_figure("bench_sweep", "sweep_wall", wall, "s", NULL, 0);
	free(text);
	return 0;
}
