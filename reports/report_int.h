/* reports/report_int.h — helpers shared by the report writers. */
#ifndef LEASELAB_REPORTS_INT_H
#define LEASELAB_REPORTS_INT_H

#include "leaselab/report.h"
#include "model.h"
#include "rbuf.h"

int rep_mkdirs(const char *dir, char *err, size_t errcap);
int rep_write_buf(const rbuf *b, const char *dir, const char *name, char *err,
		  size_t errcap);
const char *rep_pod_name(const sim_history *h, int32_t pod);
const char *rep_identity(const sim_history *h, int32_t id);
/* Failover durations (new leader − cause) of failovers that found a new
 * leader, sorted; out needs r->nfailovers slots. Returns the count. */
size_t rep_failover_times(const sim_check_result *r, int64_t *out);
int64_t rep_percentile(const int64_t *sorted, size_t n, int pct);
void rep_timeline_html(rbuf *b, const rep_run *run, const rep_model *m);

/* Render a run's files into memory (report.json, summary.md,
 * timeline.html, in that order) without touching the filesystem: what
 * rep_write_run costs before the kernel's share. */
#define REP_RUN_FILES 3
extern const char *const rep_run_file_names[REP_RUN_FILES];
int rep_render_run(const rep_run *run, rbuf out[REP_RUN_FILES], char *err,
		   size_t errcap);

#endif
