/* bench_sim — how fast the simulator runs the article's embedded demo:
 * three processes electing on Lease default/my-lease with 15 s / 10 s / 2 s,
 * near-zero latency, the leader doing its "business" every 5 s, for one
 * simulated hour. Prints wall time, simulator events per second and the
 * simulated-time speed-up (median of several runs), and peak memory.
 * Target: >= 1,000,000x real time. Figures are printed, never asserted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "leaselab/sim.h"
#include "../tests/unit/sim_fixture.h"

#define RUNS 9
#define SIM_SECONDS 3600

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	sim_scenario *sc = fx_scenario(3, FX_S(SIM_SECONDS), FX_US(50));
	if (!sc)
		return 1;
	snprintf(sc->name, sizeof sc->name, "article-embedded-demo");
	for (size_t i = 0; i < sc->npods; i++)
		sc->pods[i].work_period_ns = FX_S(5);

	double wall[RUNS];
	uint64_t events = 0;
	size_t history = 0, writes = 0;
	for (int r = 0; r < RUNS; r++) {
		char err[512];
		double t0 = now_s();
		sim_world *w = sim_world_new(sc, (uint64_t)r + 1, err, sizeof err);
		if (!w || sim_world_run(w, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_sim: %s\n", err);
			return 1;
		}
		wall[r] = now_s() - t0;
		const sim_history *h = sim_world_history(w);
		events = h->events_processed;
		history = h->n;
		writes = fx_count(h, SIM_EV_LEASE_WRITE, -2);
		sim_world_free(w);
	}
	qsort(wall, RUNS, sizeof wall[0], cmp_double);
	double med = wall[RUNS / 2];
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	printf("sim: article demo (3 pods, Lease, 15s/10s/2s, 50us latency), %d s simulated, median of %d runs\n",
	       SIM_SECONDS, RUNS);
	printf("  wall time        %.3f ms (min %.3f, max %.3f)\n", med * 1e3,
	       wall[0] * 1e3, wall[RUNS - 1] * 1e3);
	printf("  simulator events %" PRIu64 " (%.2f M events/s)\n", events,
	       (double)events / med / 1e6);
	printf("  history          %zu events, %zu lease writes\n", history, writes);
	printf("  speed-up         %.0fx real time (target >= 1000000x): %s\n",
	       SIM_SECONDS / med, SIM_SECONDS / med >= 1e6 ? "met" : "MISSED");
	printf("  peak memory      %ld KiB (max RSS of this process)\n", ru.ru_maxrss);
	fx_free(sc);
	return 0;
}
