/* leaselab — reports: one writer, fed by the checker's results and the
 * history, used by `sim run` and everything after it.
 *
 * For each run (scenario x seed), under <dir>:
 *   report.json    everything (schema: docs/report-format.md, "version": 1)
 *   summary.md     verdict, failover table, overlaps, repro command
 *   timeline.html  self-contained SVG timeline (no network access)
 * For a suite (several runs), under <dir>:
 *   junit.xml      one testcase per scenario x seed
 *   index.html     the scenario table linking to each run's report
 *   failover-histogram.svg (when a scenario has several seeds)
 */
#ifndef LEASELAB_REPORT_H
#define LEASELAB_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "leaselab/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rep_run {
	const sim_scenario *scenario;
	uint64_t seed;
	const sim_history *history;
	const sim_check_result *result;
	const char *repro_command;   /* "bin/sim run FILE --seed N" */
	double sim_wall_seconds;     /* how long the simulation itself took */
	const char *dir;             /* where this run's files go (created) */
} rep_run;

/* Write report.json, summary.md and timeline.html into run->dir.
 * LE_OK or a negative error with err filled (file and reason). */
int rep_write_run(const rep_run *run, char *err, size_t errcap);

/* Write junit.xml, index.html and histograms over runs into dir. The runs'
 * own files must already exist (index.html links to them relatively). */
int rep_write_suite(const rep_run *runs, size_t nruns, const char *dir,
		    char *err, size_t errcap);

#ifdef __cplusplus
}
#endif
#endif
