/* reports/report_int.h — helpers shared by the report writers.
 *
 * Floors, lowest first: rbuf.c (bytes), model.c (lanes, names, failover
 * figures, the percentile), summary.c (verdict words, aggregates over
 * seeds), chart.c (SVG axes: histograms, CDFs), files.c (directories and
 * files); then the writers: timeline.c, report.c (calls timeline.c),
 * suite.c (calls report.c). A writer calls only downwards. */
#ifndef LEASELAB_REPORTS_INT_H
#define LEASELAB_REPORTS_INT_H

#include "leaselab/report.h"
#include "model.h"
#include "rbuf.h"

/* chart.c: the charts of leaselab/report.h, appended to b. */
void rep_chart_hist(rbuf *b, const rep_series *s, size_t n, const rep_chart_opts *o);
void rep_chart_cdf(rbuf *b, const rep_series *s, size_t n, const rep_chart_opts *o);

/* files.c: buf written to dir/name (0 or LE_EIO + message); rep_mkdirs,
 * its directory maker, is public (leaselab/report.h). */
int rep_write_buf(const rbuf *b, const char *dir, const char *name, char *err,
		  size_t errcap);
/* timeline.c (report.c renders it with the run's other files). */
void rep_timeline_html(rbuf *b, const rep_run *run, const rep_model *m);

/* Render a run's files into memory (report.json, summary.md,
 * timeline.html, in that order) without touching the filesystem: what
 * rep_write_run costs before the kernel's share. */
#define REP_RUN_FILES 3
extern const char *const rep_run_file_names[REP_RUN_FILES];
int rep_render_run(const rep_run *run, rbuf out[REP_RUN_FILES], char *err,
		   size_t errcap);

#endif
