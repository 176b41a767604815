/* bench_sim — how fast the simulator runs the article's embedded demo:
 * three processes electing on Lease default/my-lease with 15 s / 10 s / 2 s,
 * near-zero latency, the leader doing its "business" every 5 s, for one
 * simulated hour. Prints wall time, simulator events per second and the
 * simulated-time speed-up (median of several runs), and peak memory.
 * The baseline for events/s, measured in the same run: the simulator's own
 * 4-ary heap (sim/heap.c) alone, popping the least event and pushing it
 * back a pseudo-random 1..10 ms later, with BARE_LIVE timers live (about
 * what three pods keep: a retry or renew timer each, the business timer,
 * requests in flight). Target: >= 4,000,000x real time and at least half
 * the bare heap's rate (issue 17). Figures are printed and written to
 * out/bench.json (bench/bench_json.h), never asserted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "leaselab/sim.h"
#include "../sim/sim_engine.h"
#include "bench_json.h"
#include "bench_util.h"
#include "../tests/unit/sim_fixture.h"

#define RUNS 9
#define SIM_SECONDS 3600
#define BARE_LIVE 8
#define BARE_EVENTS 5000000

/* Events per second of the bare heap (median of RUNS). */
static double bare_heap_rate(void)
{
	double r[RUNS];
	for (int k = 0; k < RUNS; k++) {
		sim_heap h;
		if (sim_heap_init(&h, BARE_LIVE) != LE_OK)
			return 0;
		uint64_t x = 0x9e3779b97f4a7c15ULL + (uint64_t)k;
		for (uint32_t i = 0; i < BARE_LIVE; i++)
			sim_heap_push(&h, (int64_t)i * 1000, 1, i, 0);
		double t0 = bench_now_s();
		sim_heap_ev ev;
		for (long i = 0; i < BARE_EVENTS && sim_heap_pop(&h, &ev); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			sim_heap_push(&h, ev.t_ns + 1000000 + (int64_t)(x % 9000000), ev.kind,
				      ev.node, ev.arg);
		}
		r[k] = BARE_EVENTS / (bench_now_s() - t0);
		sim_heap_free(&h);
	}
	qsort(r, RUNS, sizeof r[0], bench_cmp_double);
	return r[RUNS / 2];
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
		double t0 = bench_now_s();
		sim_world *w = sim_world_new(sc, (uint64_t)r + 1, err, sizeof err);
		if (!w || sim_world_run(w, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_sim: %s\n", err);
			return 1;
		}
		wall[r] = bench_now_s() - t0;
		const sim_history *h = sim_world_history(w);
		events = h->events_processed;
		history = h->n;
		writes = fx_count(h, SIM_EV_LEASE_WRITE, -2);
		sim_world_free(w);
	}
	qsort(wall, RUNS, sizeof wall[0], bench_cmp_double);
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
	printf("  speed-up         %.0fx real time (target >= 4000000x): %s\n",
	       SIM_SECONDS / med, SIM_SECONDS / med >= 4e6 ? "met" : "MISSED");
	printf("  peak memory      %ld KiB (max RSS of this process)\n", ru.ru_maxrss);
	double bare = bare_heap_rate(), rate = (double)events / med;
	printf("  bare 4-ary heap  %.2f M events/s with %d live timers; simulator at %.2f of it "
	       "(target >= 0.5): %s\n", bare / 1e6, BARE_LIVE, rate / bare,
	       rate >= bare / 2 ? "met" : "MISSED");
	char bname[96];
	snprintf(bname, sizeof bname, "bare 4-ary heap, %d live timers", BARE_LIVE);
	bench_figure("bench_sim", "sim_article_events_per_s", rate, "events/s", bname, bare);
	bench_figure("bench_sim", "sim_article_speedup", SIM_SECONDS / med, "x real time",
		     "target", 4e6);
	bench_figure("bench_sim", "sim_article_wall", med * 1e3, "ms", NULL, 0);
	bench_figure("bench_sim", "sim_article_peak_rss", (double)ru.ru_maxrss, "KiB", NULL, 0);
	fx_free(sc);
	return 0;
}
