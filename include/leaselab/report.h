/* leaselab — reports: one writer, fed by the checker's results and the
 * history, used by `sim run` and everything after it.
 *
 * For each run (scenario x seed), under <dir>:
 *   report.json    everything (schema: docs/report-format.md, "version": 1)
 *   summary.md     verdict, failover table, overlaps, repro command
 *   timeline.html  self-contained SVG timeline (no network access)
 * For a suite (several runs), under <dir>:
 *   junit.xml      one testcase per scenario x seed
 *   index.html     aggregates per scenario first, charts, failing seeds,
 *                  then the per-seed table (collapsed for large runs)
 *   summary.md     the aggregates as one markdown table (CI job summary)
 *   suite.json     the aggregates (docs/report-format.md, "suite.json")
 *   failover-histogram-<scenario>.svg (when a scenario has several seeds)
 */
#ifndef LEASELAB_REPORT_H
#define LEASELAB_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "leaselab/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A run's files are written only when dir is set: a suite may hold runs
 * that were simulated and counted but kept no files (bin/sim --keep). */
typedef struct rep_run {
	const sim_scenario *scenario;
	uint64_t seed;
	const sim_history *history;
	const sim_check_result *result;
	const char *repro_command;   /* "bin/sim run FILE --seed N" */
	double sim_wall_seconds;     /* how long the simulation itself took */
	const char *dir;             /* where this run's files go (created);
					NULL = none (counted, not linked) */
} rep_run;

/* Write report.json, summary.md and timeline.html into run->dir.
 * LE_OK or a negative error with err filled (file and reason). */
int rep_write_run(const rep_run *run, char *err, size_t errcap);

/* Write junit.xml, index.html and histograms over runs into dir. The runs'
 * own files must already exist (index.html links to them relatively). */
int rep_write_suite(const rep_run *runs, size_t nruns, const char *dir,
		    char *err, size_t errcap);

/* mkdir -p dir (mode 0755 before the umask): the one directory maker of the
 * report writers and of bin/sim's run, explore and live output folders.
 * LE_OK, or LE_EIO (LE_ERANGE: the path is too long) with err naming the
 * part that could not be made and why; err may be NULL. errno is left as the
 * failing mkdir set it (ENAMETOOLONG for a path too long), so a caller may
 * word its own message. */
int rep_mkdirs(const char *dir, char *err, size_t errcap);

/* ---- verdicts in words that mean what they say --------------------------- */

typedef enum rep_verdict {
	REP_V_PASS = 0,
	REP_V_BUG_REPRODUCED,   /* expect: violation, and it was found (exit 0) */
	REP_V_BUG_MISSING,      /* expect: violation, none found (a failure) */
	REP_V_SAFETY,           /* unexpected safety violation (exit 1) */
	REP_V_LIVENESS,         /* unexpected liveness violation (exit 2) */
	REP_V_ERROR,            /* bad input or internal error (exit 3, 4) */
	REP_V_COUNT
} rep_verdict;

rep_verdict rep_verdict_of(const sim_scenario *sc, const sim_check_result *r);
/* "PASS", "BUG REPRODUCED (expected)", "FAIL: expected bug not reproduced",
 * "SAFETY VIOLATED", "LIVENESS VIOLATED", "ERROR". */
const char *rep_verdict_label(rep_verdict v);
/* Short keys for JSON and CSS: "pass", "bug_reproduced", "bug_missing",
 * "safety", "liveness", "error". */
const char *rep_verdict_key(rep_verdict v);

/* ---- aggregates over seeds ------------------------------------------------ */

/* The one percentile method of every report, the command line and the
 * charts: nearest rank. Of n sorted values, the p-th percentile is the
 * value at rank ceil(p/100 * n) (1-based), so p50 of {1,2,3,4} is 2 and
 * p99 of 100 values is the 99th; p 0 gives the minimum, 0 when n is 0. */
int64_t rep_percentile(const int64_t *sorted, size_t n, int pct);

/* One scenario over its seeds. Times in ns; -1 where there was nothing. */
typedef struct rep_summary {
	const sim_scenario *scenario;
	size_t seeds;
	size_t verdicts[REP_V_COUNT];
	size_t split_brain_seeds;   /* seeds with at least one overlap */
	size_t failovers;           /* that found a new leader */
	size_t failovers_no_leader; /* that found none by the end */
	int64_t failover_p50_ns, failover_p90_ns, failover_p99_ns;
	int64_t failover_min_ns, failover_max_ns;
	size_t overlaps;
	int64_t overlap_max_ns;     /* the largest overlap */
	uint64_t overlap_max_seed;
	int64_t leaderless_max_ns;  /* the longest leaderless stretch */
	uint64_t leaderless_max_seed;
	int64_t *failover_ns;       /* every failover time, sorted (owned) */
	int64_t *overlap_ns;        /* every overlap length, sorted (owned) */
	/* handovers by preferredHolder that ended (coordinated election) */
	size_t handovers;
	int64_t handover_min_ns, handover_p50_ns, handover_p99_ns, handover_max_ns;
	int64_t *handover_ns;       /* sorted (owned) */
} rep_summary;

/* Group runs by scenario (file, in first-appearance order) and aggregate.
 * *out is malloc'd (free with rep_summaries_free). LE_OK or LE_ENOMEM. */
int rep_summarize(const rep_run *runs, size_t n, rep_summary **out,
		  size_t *nout);
void rep_summaries_free(rep_summary *s, size_t n);
/* The command line's one line per scenario, no newline:
 * "NAME: 100 seeds: 98 pass, 2 SAFETY VIOLATED; split brain 2 % of seeds;
 *  failover p50 10.7 s p90 .. p99 .. max ..; largest overlap 3.2 s
 *  (seed 7); longest leaderless 14.1 s (seed 3)" */
void rep_summary_line(const rep_summary *s, char *buf, size_t cap);

/* ---- charts: one small SVG axis module ------------------------------------ */

/* One data set on a chart; several series are overlaid on one chart
 * (scenarios, settings, a live run against the simulator). */
typedef struct rep_series {
	const char *label;    /* legend text */
	const int64_t *v_ns;  /* values in ns, sorted ascending */
	size_t n;
} rep_series;

#define REP_CHART_MARKS 4
typedef struct rep_chart_opts {
	const char *title;
	const char *x_label;  /* "failover time" (the unit, s, is added) */
	const char *y_label;  /* "failovers" (histogram count axis) */
	size_t nmarks;        /* vertical reference lines, e.g. bounds */
	int64_t mark_ns[REP_CHART_MARKS];
	const char *mark_label[REP_CHART_MARKS];
} rep_chart_opts;

/* A histogram (counts on y, seconds on x; bars for one series, outlines for
 * several) or a CDF (share of values <= x, 0-100 %), with both axes
 * labelled, ticks at round numbers, the p50 and p99 of each series marked
 * (rep_percentile) and a legend; labels are placed inside the drawing
 * area. The SVG is <svg class="chart ..."> with a viewBox, so it scales to
 * its container. Returns a malloc'd NUL-terminated string, NULL when out
 * of memory. Code inside reports/ appends to its buffer with
 * rep_chart_hist / rep_chart_cdf (reports/report_int.h). */
char *rep_chart_hist_svg(const rep_series *s, size_t n, const rep_chart_opts *o);
char *rep_chart_cdf_svg(const rep_series *s, size_t n, const rep_chart_opts *o);

#ifdef __cplusplus
}
#endif
#endif
