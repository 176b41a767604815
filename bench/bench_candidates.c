/* bench_candidates — many candidates on one Lease: bin/sim runs
 * scenarios/faults/thousand-candidates.yaml with 1,000, 3,000 and 10,000
 * replicas for 600 simulated seconds (--set pods[0].replicas=N --set
 * duration=600s), as a user would; each run is its own process, so its
 * peak RSS (wait4) is its own. Prints, and writes to out/bench.json, the
 * median wall time and peak RSS per candidate of RUNS runs for each N, and
 * the time per candidate at 10,000 against that at 1,000 (1.0 = linear);
 * then one run of 100,000 replicas for 60 simulated seconds (not repeated:
 * about 40 s and 1.4 GB). Targets (issue 17): 10,000 candidates in <= 3 s and
 * <= 2 KiB each, 100,000 x 60 s in <= 30 s. Run
 * from the repository root (make bench). Figures are never asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_json.h"
#include "bench_util.h"

#define RUNS 3
#define SCENARIO "scenarios/faults/thousand-candidates.yaml"

/* One bin/sim run: wall seconds and peak RSS (KiB); -1 when it failed. */
static int run_once(int n, const char *duration, double *wall, long *rss_kib)
{
	char set[64], dur[64];
	snprintf(set, sizeof set, "pods[0].replicas=%d", n);
	snprintf(dur, sizeof dur, "duration=%s", duration);
	fflush(stdout); /* else the child's freopen writes our buffer again */
	double t0 = bench_now_s();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execl("bin/sim", "bin/sim", "run", SCENARIO, "--set", set, "--set",
		      dur, "--quiet", (char *)NULL);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall = bench_now_s() - t0;
	*rss_kib = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(void)
{
	static const int ns[] = {1000, 3000, 10000};
	double per_cand_us[3] = {0}, rss_kib[3] = {0};
	printf("candidates: %s, 600 s simulated, median of %d runs (bin/sim run ... "
	       "--set pods[0].replicas=N --set duration=600s)\n", SCENARIO, RUNS);
	for (int k = 0; k < 3; k++) {
		double wall[RUNS], kib[RUNS];
		for (int r = 0; r < RUNS; r++) {
			long rss;
			if (run_once(ns[k], "600s", &wall[r], &rss) != 0) {
				fprintf(stderr, "bench_candidates: bin/sim failed with %d candidates "
					"(run from the repository root after make all)\n", ns[k]);
				return 1;
			}
			kib[r] = (double)rss / ns[k];
		}
		qsort(wall, RUNS, sizeof wall[0], bench_cmp_double);
		qsort(kib, RUNS, sizeof kib[0], bench_cmp_double);
		double w = wall[RUNS / 2], c = kib[RUNS / 2];
		per_cand_us[k] = w / ns[k] * 1e6;
		rss_kib[k] = c * ns[k];
		printf("  %6d candidates  %7.3f s wall  %6.1f KiB peak RSS per candidate  %6.1f us/candidate\n",
		       ns[k], w, c, per_cand_us[k]);
		char name[64];
		snprintf(name, sizeof name, "candidates_%d_wall", ns[k]);
		bench_figure("bench_candidates", name, w, "s", ns[k] == 10000 ? "target" : NULL, 3.0);
		snprintf(name, sizeof name, "candidates_%d_rss_per_candidate", ns[k]);
		bench_figure("bench_candidates", name, c, "KiB", ns[k] == 10000 ? "target" : NULL, 2.0);
	}
	printf("  time per candidate at 10000 vs 1000: %.2f (1.00 = linear)\n",
	       per_cand_us[2] / per_cand_us[0]);
	bench_figure("bench_candidates", "candidates_time_per_candidate_10000", per_cand_us[2],
		     "us", "time per candidate at 1000", per_cand_us[0]);
	/* What one more candidate costs, the process's fixed part (code,
	 * libraries, the scenario's defaults) taken out: the growth of the
	 * peak RSS from 1,000 to 10,000 candidates over the 9,000 added. */
	double marginal = (rss_kib[2] - rss_kib[0]) / (ns[2] - ns[0]);
	printf("  peak RSS per added candidate, 1000 -> 10000: %.2f KiB\n", marginal);
	bench_figure("bench_candidates", "candidates_marginal_rss_per_candidate_10000",
		     marginal, "KiB", "target", 2.0);

	double w;
	long rss;
	if (run_once(100000, "60s", &w, &rss) != 0) {
		fprintf(stderr, "bench_candidates: bin/sim failed with 100000 candidates\n");
		return 1;
	}
	printf("  100000 candidates x 60 s  %7.3f s wall  %6.1f KiB peak RSS per candidate (one run)\n",
	       w, (double)rss / 100000);
	bench_figure("bench_candidates", "candidates_100000_60s_wall", w, "s", "target", 30.0);
	bench_figure("bench_candidates", "candidates_100000_60s_rss_per_candidate",
		     (double)rss / 100000, "KiB", "target", 2.0);
	return 0;
}
