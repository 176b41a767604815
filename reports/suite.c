/* reports/suite.c — reports over many runs: junit.xml (one testcase per
 * scenario x seed), index.html (the scenario table), and a failover
 * histogram per scenario that ran with several seeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

static const char *scenario_key(const rep_run *r)
{
	return r->scenario->file[0] ? r->scenario->file : r->scenario->name;
}

/* Runs are grouped by scenario in the order the scenarios first appear. */
static bool same_scenario(const rep_run *a, const rep_run *b)
{
	return strcmp(scenario_key(a), scenario_key(b)) == 0;
}

/* The first run of its scenario: the runs of a scenario share one
 * testsuite, one histogram. */
static bool first_of_scenario(const rep_run *runs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same_scenario(&runs[j], &runs[i]))
			return false;
	return true;
}

/* ---- junit.xml ------------------------------------------------------------ */

static void junit_testcase(rbuf *b, const rep_run *r)
{
	rb_puts(b, "    <testcase classname=\"");
	rb_html(b, scenario_key(r));
	rb_puts(b, "\" name=\"seed ");
	rb_i64(b, (int64_t)r->seed);
	rb_puts(b, "\" time=\"");
	rb_printf(b, "%.6f", r->sim_wall_seconds);
	rb_puts(b, "\"");
	if (r->result->exit_code == 0) {
		rb_puts(b, "/>\n");
		return;
	}
	rb_puts(b, ">\n      <failure message=\"");
	rb_html(b, r->result->verdict);
	rb_puts(b, "\" type=\"");
	rb_puts(b, r->result->exit_code == SIM_EXIT_SAFETY ? "safety" : "liveness");
	rb_puts(b, "\">");
	rb_html(b, r->result->verdict);
	rb_puts(b, "\nreproduce: ");
	rb_html(b, r->repro_command ? r->repro_command : "");
	rb_puts(b, "</failure>\n    </testcase>\n");
}

/* The testsuite of the scenario whose first run is runs[first]. */
static void junit_testsuite(rbuf *b, const rep_run *runs, size_t n, size_t first)
{
	size_t tests = 0, fails = 0;
	double secs = 0;
	for (size_t j = first; j < n; j++) {
		if (!same_scenario(&runs[j], &runs[first]))
			continue;
		tests++;
		fails += runs[j].result->exit_code != 0;
		secs += runs[j].sim_wall_seconds;
	}
	const sim_scenario *sc = runs[first].scenario;
	rb_puts(b, "  <testsuite name=\"");
	rb_html(b, sc->name[0] ? sc->name : scenario_key(&runs[first]));
	rb_puts(b, "\" tests=\"");
	rb_i64(b, (int64_t)tests);
	rb_puts(b, "\" failures=\"");
	rb_i64(b, (int64_t)fails);
	rb_puts(b, "\" errors=\"0\" skipped=\"0\" time=\"");
	rb_printf(b, "%.6f", secs);
	rb_puts(b, "\">\n");
	for (size_t j = first; j < n; j++)
		if (same_scenario(&runs[j], &runs[first]))
			junit_testcase(b, &runs[j]);
	rb_puts(b, "  </testsuite>\n");
}

static void junit(rbuf *b, const rep_run *runs, size_t n)
{
	size_t failures = 0;
	for (size_t i = 0; i < n; i++)
		failures += runs[i].result->exit_code != 0;
	rb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"leaselab\" tests=\"");
	rb_i64(b, (int64_t)n);
	rb_puts(b, "\" failures=\"");
	rb_i64(b, (int64_t)failures);
	rb_puts(b, "\" errors=\"0\">\n");
	for (size_t i = 0; i < n; i++)
		if (first_of_scenario(runs, i))
			junit_testsuite(b, runs, n, i);
	rb_puts(b, "</testsuites>\n");
}

/* Path of a run's dir relative to the suite dir, for links. */
static const char *rel(const char *dir, const char *sub)
{
	size_t n = strlen(dir);
	if (strncmp(sub, dir, n) == 0 && sub[n] == '/')
		return sub + n + 1;
	return sub;
}

/* ---- failover histograms ------------------------------------------------- */

enum { NB = 40, W = 640, H = 220, PADL = 40, PADB = 30 };

/* The failover durations of every seed of one scenario, pooled. */
typedef struct hist_data {
	int64_t *t;          /* k durations (malloc'd) */
	size_t k, seeds;
	int64_t lo, hi;      /* shortest, longest */
	int64_t bound;       /* the largest bound the checker used */
	int64_t xmax;        /* right end of the x axis */
	size_t bins[NB], peak;
} hist_data;

/* Gathers the data; false (nothing allocated) when fewer than two seeds
 * ran or no failover found a leader. */
static bool hist_gather(hist_data *d, const rep_run *runs, size_t n, size_t first)
{
	size_t total = 0;
	memset(d, 0, sizeof *d);
	for (size_t j = first; j < n; j++)
		if (same_scenario(&runs[j], &runs[first])) {
			total += runs[j].result->nfailovers;
			d->seeds++;
		}
	if (d->seeds < 2 || total == 0)
		return false;
	d->t = malloc(total * sizeof *d->t);
	if (!d->t)
		return false;
	for (size_t j = first; j < n; j++) {
		if (!same_scenario(&runs[j], &runs[first]))
			continue;
		d->k += rep_failover_times(runs[j].result, d->t + d->k);
		for (size_t f = 0; f < runs[j].result->nfailovers; f++)
			if (runs[j].result->failovers[f].bound_ns > d->bound)
				d->bound = runs[j].result->failovers[f].bound_ns;
	}
	if (d->k == 0) {
		free(d->t);
		return false;
	}
	d->lo = d->hi = d->t[0];
	for (size_t i = 1; i < d->k; i++) {
		if (d->t[i] < d->lo)
			d->lo = d->t[i];
		if (d->t[i] > d->hi)
			d->hi = d->t[i];
	}
	d->xmax = d->hi > d->bound ? d->hi : d->bound;
	if (d->xmax <= 0)
		d->xmax = 1;
	d->peak = 1;
	for (size_t i = 0; i < d->k; i++) {
		size_t bi = (size_t)((double)d->t[i] / (double)d->xmax * (NB - 1));
		if (bi >= NB)
			bi = NB - 1;
		if (++d->bins[bi] > d->peak)
			d->peak = d->bins[bi];
	}
	return true;
}

static void hist_open(rbuf *b, const hist_data *d)
{
	rb_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"");
	rb_i64(b, W + PADL + 10);
	rb_puts(b, "\" height=\"");
	rb_i64(b, H + PADB + 20);
	rb_puts(b, "\"><text x=\"");
	rb_i64(b, PADL);
	rb_puts(b, "\" y=\"14\" font-size=\"12\">failover time over ");
	rb_i64(b, (int64_t)d->seeds);
	rb_puts(b, " seeds (");
	rb_i64(b, (int64_t)d->k);
	rb_puts(b, " failovers), min ");
	rb_secs(b, d->lo);
	rb_puts(b, " s, max ");
	rb_secs(b, d->hi);
	rb_puts(b, " s</text>");
}

static void hist_bars(rbuf *b, const hist_data *d)
{
	double bw = (double)W / NB;
	for (size_t i = 0; i < NB; i++) {
		if (!d->bins[i])
			continue;
		double hgt = (double)d->bins[i] / (double)d->peak * (H - 30);
		rb_puts(b, "<rect fill=\"#1f6feb\" x=\"");
		rb_fixed2(b, PADL + bw * (double)i);
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, 20 + (H - 30) - hgt + 10);
		rb_puts(b, "\" width=\"");
		rb_fixed2(b, bw - 1);
		rb_puts(b, "\" height=\"");
		rb_fixed2(b, hgt);
		rb_puts(b, "\"><title>");
		rb_i64(b, (int64_t)d->bins[i]);
		rb_puts(b, "</title></rect>");
	}
}

/* Bounds: the checker's upper bound, and the crash lower bound of
 * election-spec.md 6.1 (LDs - RP). */
static void hist_marks(rbuf *b, const hist_data *d, const sim_election *e)
{
	int64_t marks[2] = {d->bound, (e->lease_duration_ns / LE_NS_PER_S) * LE_NS_PER_S - e->retry_period_ns};
	const char *names[2] = {"bound", "6.1 min"};
	for (int i = 0; i < 2; i++) {
		if (marks[i] <= 0 || marks[i] > d->xmax)
			continue;
		double x = PADL + (double)marks[i] / (double)d->xmax * (W * (NB - 1.0) / NB);
		rb_puts(b, "<line stroke=\"#e02424\" stroke-dasharray=\"4 3\" x1=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" x2=\"");
		rb_fixed2(b, x);
		rb_puts(b, "\" y1=\"20\" y2=\"");
		rb_i64(b, H);
		rb_puts(b, "\"/><text font-size=\"11\" fill=\"#e02424\" x=\"");
		rb_fixed2(b, x + 3);
		rb_puts(b, "\" y=\"30\">");
		rb_puts(b, names[i]);
		rb_puts(b, " ");
		rb_secs(b, marks[i]);
		rb_puts(b, " s</text>");
	}
}

/* The x axis from 0 s to xmax, and the end of the svg. */
static void hist_axis_close(rbuf *b, const hist_data *d)
{
	rb_puts(b, "<line stroke=\"#888\" x1=\"");
	rb_i64(b, PADL);
	rb_puts(b, "\" x2=\"");
	rb_i64(b, PADL + W);
	rb_puts(b, "\" y1=\"");
	rb_i64(b, H);
	rb_puts(b, "\" y2=\"");
	rb_i64(b, H);
	rb_puts(b, "\"/><text font-size=\"11\" x=\"");
	rb_i64(b, PADL);
	rb_puts(b, "\" y=\"");
	rb_i64(b, H + 16);
	rb_puts(b, "\">0 s</text><text font-size=\"11\" text-anchor=\"end\" x=\"");
	rb_i64(b, PADL + W);
	rb_puts(b, "\" y=\"");
	rb_i64(b, H + 16);
	rb_puts(b, "\">");
	rb_secs(b, d->xmax);
	rb_puts(b, " s</text></svg>\n");
}

/* Histogram of failover durations over every seed of one scenario, with the
 * bounds the checker used marked. Returns false when there is nothing to
 * draw. */
static bool histogram(rbuf *b, const rep_run *runs, size_t n, size_t first)
{
	hist_data d;
	if (!hist_gather(&d, runs, n, first))
		return false;
	hist_open(b, &d);
	hist_bars(b, &d);
	hist_marks(b, &d, &runs[first].scenario->defaults);
	hist_axis_close(b, &d);
	free(d.t);
	return true;
}

static void file_name_of(const rep_run *r, char *buf, size_t cap)
{
	const char *base = strrchr(scenario_key(r), '/');
	base = base ? base + 1 : scenario_key(r);
	size_t n = strlen(base);
	const char *pre = "failover-histogram-";
	if (n > cap - strlen(pre) - 5)
		n = cap - strlen(pre) - 5;
	memcpy(buf, pre, strlen(pre));
	memcpy(buf + strlen(pre), base, n);
	buf[strlen(pre) + n] = '\0';
	char *dot = strrchr(buf, '.');
	if (dot && strcmp(dot, ".yaml") == 0)
		*dot = '\0';
	strncat(buf, ".svg", cap - strlen(buf) - 1);
}

/* ---- index.html ----------------------------------------------------------- */

static void index_head(rbuf *b)
{
	rb_puts(b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaselab suite</title>"
		   "<style>body{font:13px system-ui,sans-serif;margin:16px}table{border-collapse:collapse}"
		   "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.pass{color:#1a7f37}"
		   ".fail{color:#cf222e;font-weight:600}</style></head><body><h1>leaselab suite</h1><table>"
		   "<tr><th>scenario</th><th>seed</th><th>verdict</th><th>failovers</th><th>slowest</th>"
		   "<th>overlaps</th><th>report</th></tr>");
}

/* The slowest failover that found a leader, or -1. */
static int64_t slowest_failover(const sim_check_result *res)
{
	int64_t slow = -1;
	for (size_t f = 0; f < res->nfailovers; f++)
		if (res->failovers[f].to_pod >= 0 &&
		    res->failovers[f].leader_ns - res->failovers[f].cause_ns > slow)
			slow = res->failovers[f].leader_ns - res->failovers[f].cause_ns;
	return slow;
}

/* One row of the table; dir is the suite's, for relative links. */
static void index_row(rbuf *b, const rep_run *r, const char *dir)
{
	const sim_check_result *res = r->result;
	int64_t slow = slowest_failover(res);
	rb_puts(b, "<tr class=\"run\"><td>");
	rb_html(b, r->scenario->name[0] ? r->scenario->name : scenario_key(r));
	rb_puts(b, "</td><td>");
	rb_i64(b, (int64_t)r->seed);
	rb_puts(b, res->exit_code == 0 ? "</td><td class=\"pass\">" : "</td><td class=\"fail\">");
	rb_html(b, res->verdict);
	rb_puts(b, "</td><td>");
	rb_i64(b, (int64_t)res->nfailovers);
	rb_puts(b, "</td><td>");
	if (slow >= 0) {
		rb_secs(b, slow);
		rb_puts(b, " s");
	} else {
		rb_puts(b, "–");
	}
	rb_puts(b, "</td><td>");
	rb_i64(b, (int64_t)res->noverlaps);
	rb_puts(b, "</td><td>");
	if (r->dir) {
		const char *rd = rel(dir, r->dir);
		rb_puts(b, "<a href=\"");
		rb_html(b, rd);
		rb_puts(b, "/timeline.html\">timeline</a> · <a href=\"");
		rb_html(b, rd);
		rb_puts(b, "/summary.md\">summary</a> · <a href=\"");
		rb_html(b, rd);
		rb_puts(b, "/report.json\">json</a>");
	}
	rb_puts(b, "</td></tr>");
}

static void index_table(rbuf *b, const rep_run *runs, size_t n, const char *dir)
{
	size_t pass = 0;
	for (size_t i = 0; i < n; i++) {
		pass += runs[i].result->exit_code == 0;
		index_row(b, &runs[i], dir);
	}
	rb_puts(b, "</table><p>");
	rb_i64(b, (int64_t)pass);
	rb_puts(b, " of ");
	rb_i64(b, (int64_t)n);
	rb_puts(b, " runs met their expectations. <a href=\"junit.xml\">junit.xml</a></p>");
}

/* One failover-histogram-NAME.svg per scenario with several seeds, each
 * also inlined into the index under the scenario's name. scratch is
 * reused for every histogram. */
static int write_histograms(rbuf *idx, rbuf *scratch, const rep_run *runs,
			    size_t n, const char *dir, char *err, size_t errcap)
{
	int rc = LE_OK;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!first_of_scenario(runs, i))
			continue;
		scratch->len = 0;
		if (!histogram(scratch, runs, n, i))
			continue;
		char name[SIM_PATH_MAX];
		file_name_of(&runs[i], name, sizeof name);
		rc = rep_write_buf(scratch, dir, name, err, errcap);
		rb_puts(idx, "<h2>");
		rb_html(idx, runs[i].scenario->name);
		rb_puts(idx, "</h2>");
		rb_put(idx, scratch->p, scratch->len);
	}
	return rc;
}

int rep_write_suite(const rep_run *runs, size_t n, const char *dir, char *err,
		    size_t errcap)
{
	int rc = rep_mkdirs(dir, err, errcap);
	if (rc)
		return rc;
	rbuf b, idx;
	rb_init(&b, 16 * 1024);
	rb_init(&idx, 16 * 1024);
	junit(&b, runs, n);
	rc = rep_write_buf(&b, dir, "junit.xml", err, errcap);
	if (rc == 0) {
		index_head(&idx);
		index_table(&idx, runs, n, dir);
		rc = write_histograms(&idx, &b, runs, n, dir, err, errcap);
	}
	rb_puts(&idx, "<script>document.body.setAttribute('data-rendered','ok');</script></body></html>\n");
	if (rc == 0)
		rc = rep_write_buf(&idx, dir, "index.html", err, errcap);
	rb_free(&idx);
	rb_free(&b);
	return rc;
}
