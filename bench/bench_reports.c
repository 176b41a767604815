/* bench_reports: what writing the reports costs next to the simulation
 * itself, for the article scenario simulated for one hour (3 pods, Lease,
 * 15s/10s/2s). Goal (issue 6): reports < 5% of the simulation's own time.
 * Prints medians of several runs; these machines are noisy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_json.h"
#include "bench_util.h"
#include "leaselab/report.h"

#include "../reports/report_int.h"

#define RUNS 15

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "scenarios/bench/article-1h.yaml";
	char err[LE_ERRMSG_MAX];
	sim_scenario sc;
	if (sim_scenario_load(file, &sc, err, sizeof err) != LE_OK) {
		fprintf(stderr, "bench_reports: %s\n", err);
		return 3;
	}
	double t_sim[RUNS], t_check[RUNS], t_rep[RUNS], t_render[RUNS];
	size_t events = 0;
	for (int i = 0; i < RUNS; i++) {
		double t0 = bench_now_s();
		sim_world *w = sim_world_new(&sc, sc.seed, err, sizeof err);
		if (!w || sim_world_run(w, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_reports: %s\n", err);
			return 4;
		}
		double t1 = bench_now_s();
		const sim_history *h = sim_world_history(w);
		sim_check_result r;
		sim_check(&sc, h, &r);
		double t2 = bench_now_s();
		rep_run run = {.scenario = &sc, .seed = sc.seed, .history = h,
			       .result = &r, .repro_command = "bin/sim run scenarios/bench/article-1h.yaml --seed 1",
			       .sim_wall_seconds = t1 - t0, .dir = "out/bench/reports/article-1h"};
		if (rep_write_run(&run, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_reports: %s\n", err);
			return 4;
		}
		double t3 = bench_now_s();
		rbuf out[REP_RUN_FILES];
		for (int k = 0; k < REP_RUN_FILES; k++)
			rb_init(&out[k], 16 * 1024);
		double t4 = bench_now_s();
		if (rep_render_run(&run, out, err, sizeof err) != LE_OK) {
			fprintf(stderr, "bench_reports: %s\n", err);
			return 4;
		}
		t_render[i] = bench_now_s() - t4;
		for (int k = 0; k < REP_RUN_FILES; k++)
			rb_free(&out[k]);
		t_sim[i] = t1 - t0;
		t_check[i] = t2 - t1;
		t_rep[i] = t3 - t2;
		events = h->n;
		sim_check_result_free(&r);
		sim_world_free(w);
	}
	qsort(t_sim, RUNS, sizeof(double), bench_cmp_double);
	qsort(t_check, RUNS, sizeof(double), bench_cmp_double);
	qsort(t_rep, RUNS, sizeof(double), bench_cmp_double);
	qsort(t_render, RUNS, sizeof(double), bench_cmp_double);
	double ren = t_render[RUNS / 2];
	double sim = t_sim[RUNS / 2], chk = t_check[RUNS / 2], rep = t_rep[RUNS / 2];
	printf("reports: %s (%zu history events), median of %d runs\n", file, events, RUNS);
	printf("  simulation       %8.3f ms\n", sim * 1e3);
	printf("  checker          %8.3f ms  (%.1f%% of the simulation)\n", chk * 1e3, 100 * chk / sim);
	printf("  report rendering %8.3f ms  (%.1f%% of the simulation; goal < 5%%): %s\n", ren * 1e3,
	       100 * ren / sim, ren / sim < 0.05 ? "met" : "MISSED");
	printf("  report writing   %8.3f ms  (%.1f%% of the simulation: rendering plus creating three files;\n"
	       "                                the filesystem's share depends on the disk, not on leaselab)\n",
	       rep * 1e3, 100 * rep / sim);
	printf("  (report.json + summary.md + timeline.html in out/bench/reports/article-1h)\n");
	bench_figure("bench_reports", "reports_simulation", sim * 1e3, "ms", NULL, 0);
	bench_figure("bench_reports", "reports_checker", chk * 1e3, "ms", "the simulation", sim * 1e3);
	bench_figure("bench_reports", "reports_rendering", ren * 1e3, "ms", "the simulation", sim * 1e3);
	bench_figure("bench_reports", "reports_writing", rep * 1e3, "ms", "the simulation", sim * 1e3);
	sim_scenario_free(&sc);
	return 0;
}
