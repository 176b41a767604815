/* reports/suite.c — reports over many runs: junit.xml (one testcase per
 * scenario x seed), index.html (aggregates first, charts, failing seeds,
 * then every seed), summary.md and suite.json (the aggregates), and a
 * failover histogram per scenario that ran with several seeds. Runs
 * without a dir kept no files: they are counted, not linked. */
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

/* ---- charts ----------------------------------------------------------------- */

#define MAX_FAILING_LISTED 200  /* failing seeds in index.html */
#define MAX_FAILING_JSON 100    /* failing seeds per scenario in suite.json */
#define MAX_FAILING_MD 10       /* reproduce commands in summary.md */
#define MAX_SEED_ROWS 2000      /* rows of the per-seed table */
#define OPEN_SEED_ROWS 50       /* the table starts open up to this many */

/* The bounds marked on a failover chart: the checker's largest, and the
 * crash lower bound of election-spec.md 6.1 (LDs - RP). */
static size_t failover_marks(rep_chart_opts *o, const rep_run *runs, size_t n,
			     size_t first)
{
	int64_t bound = 0;
	for (size_t j = first; j < n; j++)
		if (same_scenario(&runs[j], &runs[first]))
			for (size_t f = 0; f < runs[j].result->nfailovers; f++)
				if (runs[j].result->failovers[f].bound_ns > bound &&
				    runs[j].result->failovers[f].bound_ns != INT64_MAX)
					bound = runs[j].result->failovers[f].bound_ns;
	const sim_election *e = &runs[first].scenario->defaults;
	int64_t lo = (e->lease_duration_ns / LE_NS_PER_S) * LE_NS_PER_S - e->retry_period_ns;
	o->nmarks = 0;
	if (bound > 0) {
		o->mark_ns[o->nmarks] = bound;
		o->mark_label[o->nmarks++] = "bound";
	}
	if (lo > 0) {
		o->mark_ns[o->nmarks] = lo;
		o->mark_label[o->nmarks++] = "election-spec.md 6.1 min";
	}
	return o->nmarks;
}

static void file_name_of(const rep_run *r, char *buf, size_t cap)
{
	const char *base = strrchr(scenario_key(r), '/');
	base = base ? base + 1 : scenario_key(r);
	snprintf(buf, cap, "failover-histogram-%s", base);
	char *dot = strrchr(buf, '.');
	if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		*dot = '\0';
	strncat(buf, ".svg", cap - strlen(buf) - 1);
}

/* Index of the summary of runs[i]'s scenario. */
static size_t summary_of(const rep_summary *sum, size_t ns, const rep_run *r)
{
	for (size_t g = 0; g < ns; g++)
		if (sum[g].scenario == r->scenario ||
		    !strcmp(sum[g].scenario->file[0] ? sum[g].scenario->file : sum[g].scenario->name,
			    scenario_key(r)))
			return g;
	return 0;
}

/* Per scenario with several seeds: a failover histogram (also written as
 * failover-histogram-NAME.svg) and, for safety findings, the overlap
 * sizes; over several scenarios, their failover CDFs on one chart. */
static int index_charts(rbuf *idx, rbuf *scratch, const rep_run *runs, size_t n,
			const rep_summary *sum, size_t ns, const char *dir,
			char *err, size_t errcap)
{
	rep_series all[8];
	size_t nall = 0;
	int rc = LE_OK;
	rb_puts(idx, "<h2 id=\"charts\">Charts</h2><div class=\"charts\">");
	for (size_t g = 0; g < ns && nall < 8; g++)
		if (sum[g].failovers)
			all[nall++] = (rep_series){sum[g].scenario->name, sum[g].failover_ns,
						   sum[g].failovers};
	if (nall > 1) {
		rep_chart_opts o = {.title = "failover time, every scenario (CDF)",
				    .x_label = "failover time (cause to new leader)"};
		rep_chart_cdf(idx, all, nall, &o);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!first_of_scenario(runs, i))
			continue;
		const rep_summary *s = &sum[summary_of(sum, ns, &runs[i])];
		if (s->seeds < 2)
			continue;
		if (s->failovers) {
			rep_series one = {s->scenario->name, s->failover_ns, s->failovers};
			char title[SIM_NAME_MAX + 64];
			snprintf(title, sizeof title, "%s: failover time over %zu seeds",
				 s->scenario->name, s->seeds);
			rep_chart_opts o = {.title = title,
					    .x_label = "failover time (cause to new leader)",
					    .y_label = "failovers"};
			failover_marks(&o, runs, n, i);
			scratch->len = 0;
			rep_chart_hist(scratch, &one, 1, &o);
			char name[SIM_PATH_MAX + 32];
			file_name_of(&runs[i], name, sizeof name);
			rc = rep_write_buf(scratch, dir, name, err, errcap);
			rb_put(idx, scratch->p, scratch->len);
		}
		if (s->overlaps) {
			rep_series one = {s->scenario->name, s->overlap_ns, s->overlaps};
			char title[SIM_NAME_MAX + 64];
			snprintf(title, sizeof title, "%s: overlap length (two leaders at once)",
				 s->scenario->name);
			rep_chart_opts o = {.title = title, .x_label = "overlap length",
					    .y_label = "overlaps"};
			rep_chart_hist(idx, &one, 1, &o);
		}
	}
	rb_puts(idx, "</div>");
	return rc;
}

/* ---- index.html ----------------------------------------------------------- */

static const char INDEX_CSS[] =
	"body{font:13px system-ui,sans-serif;margin:16px;color:#222;max-width:1400px}"
	"table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;"
	"text-align:left}td.n,th.n{text-align:right;white-space:nowrap}"
	".v-pass{color:#1a7f37}.v-bug_reproduced{color:#8a4b00;background:#fff3d6;font-weight:600}"
	".v-bug_missing,.v-safety,.v-liveness,.v-error{color:#cf222e;font-weight:600}"
	".charts svg{display:block;margin:10px 0;border:1px solid #eee}"
	"code{font-size:12px}.wrap{overflow-x:auto}summary{cursor:pointer;font-weight:600}";

static void index_head(rbuf *b, const rep_run *runs, size_t n)
{
	size_t cnt[REP_V_COUNT] = {0};
	for (size_t i = 0; i < n; i++)
		cnt[rep_verdict_of(runs[i].scenario, runs[i].result)]++;
	rb_puts(b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width\">"
		   "<title>leaselab suite</title><style>");
	rb_puts(b, INDEX_CSS);
	rb_puts(b, "</style></head><body><h1>leaselab suite</h1><p id=\"totals\">");
	rb_i64(b, (int64_t)n);
	rb_puts(b, " runs:");
	const char *sep = " ";
	for (int v = 0; v < REP_V_COUNT; v++) {
		if (!cnt[v])
			continue;
		rb_puts(b, sep);
		rb_puts(b, "<span class=\"v-");
		rb_puts(b, rep_verdict_key((rep_verdict)v));
		rb_puts(b, "\">");
		rb_i64(b, (int64_t)cnt[v]);
		rb_putc(b, ' ');
		rb_puts(b, v == REP_V_PASS ? "pass" : rep_verdict_label((rep_verdict)v));
		rb_puts(b, "</span>");
		sep = ", ";
	}
	rb_puts(b, ". <a href=\"summary.md\">summary.md</a> · <a href=\"suite.json\">suite.json</a>"
		   " · <a href=\"junit.xml\">junit.xml</a></p>");
}

static void cell_secs(rbuf *b, int64_t ns, const char *seed_note, uint64_t seed)
{
	rb_puts(b, "<td class=\"n\">");
	if (ns < 0) {
		rb_puts(b, "–</td>");
		return;
	}
	rb_secs(b, ns);
	rb_puts(b, " s");
	if (seed_note) {
		rb_puts(b, " <small>(seed ");
		rb_i64(b, (int64_t)seed);
		rb_puts(b, ")</small>");
	}
	rb_puts(b, "</td>");
}

/* The worst verdict class a scenario had, for its row's colour. */
static rep_verdict worst_of(const rep_summary *s)
{
	static const rep_verdict order[] = {REP_V_ERROR, REP_V_SAFETY, REP_V_BUG_MISSING,
					    REP_V_LIVENESS, REP_V_BUG_REPRODUCED};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (s->verdicts[order[i]])
			return order[i];
	return REP_V_PASS;
}

static void index_summary(rbuf *b, const rep_summary *sum, size_t ns)
{
	rb_puts(b, "<h2 id=\"summary\">Scenarios</h2><div class=\"wrap\"><table class=\"summary\">"
		   "<tr><th>scenario</th><th class=\"n\">seeds</th><th>verdicts</th>"
		   "<th class=\"n\">split brain</th><th class=\"n\">failovers</th>"
		   "<th class=\"n\">p50</th><th class=\"n\">p90</th><th class=\"n\">p99</th>"
		   "<th class=\"n\">max</th><th class=\"n\">largest overlap</th>"
		   "<th class=\"n\">longest leaderless</th></tr>");
	for (size_t g = 0; g < ns; g++) {
		const rep_summary *s = &sum[g];
		rb_puts(b, "<tr><td class=\"v-");
		rb_puts(b, rep_verdict_key(worst_of(s)));
		rb_puts(b, "\">");
		rb_html(b, s->scenario->name);
		rb_puts(b, "</td><td class=\"n\">");
		rb_i64(b, (int64_t)s->seeds);
		rb_puts(b, "</td><td>");
		const char *sep = "";
		for (int v = 0; v < REP_V_COUNT; v++) {
			if (!s->verdicts[v])
				continue;
			rb_puts(b, sep);
			rb_puts(b, "<span class=\"v-");
			rb_puts(b, rep_verdict_key((rep_verdict)v));
			rb_puts(b, "\">");
			rb_i64(b, (int64_t)s->verdicts[v]);
			rb_putc(b, ' ');
			rb_puts(b, v == REP_V_PASS ? "pass" : rep_verdict_label((rep_verdict)v));
			rb_puts(b, "</span>");
			sep = ", ";
		}
		rb_puts(b, "</td><td class=\"n\">");
		rb_printf(b, "%.1f %%", s->seeds ? 100.0 * (double)s->split_brain_seeds / (double)s->seeds : 0.0);
		rb_puts(b, "</td><td class=\"n\">");
		rb_i64(b, (int64_t)s->failovers);
		if (s->failovers_no_leader) {
			rb_puts(b, " <small>+");
			rb_i64(b, (int64_t)s->failovers_no_leader);
			rb_puts(b, " without a leader</small>");
		}
		rb_puts(b, "</td>");
		cell_secs(b, s->failover_p50_ns, NULL, 0);
		cell_secs(b, s->failover_p90_ns, NULL, 0);
		cell_secs(b, s->failover_p99_ns, NULL, 0);
		cell_secs(b, s->failover_max_ns, NULL, 0);
		cell_secs(b, s->overlap_max_ns, "seed", s->overlap_max_seed);
		cell_secs(b, s->leaderless_max_ns, "seed", s->leaderless_max_seed);
		rb_puts(b, "</tr>");
	}
	rb_puts(b, "</table></div><p><small>Percentiles by nearest rank over every failover "
		   "that found a new leader; split brain = share of seeds with two leaders at "
		   "once.</small></p>");
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

static bool is_failing(const rep_run *r)
{
	return r->result->exit_code != SIM_EXIT_PASS;
}

static void links(rbuf *b, const rep_run *r, const char *dir)
{
	if (!r->dir) {
		rb_puts(b, "<small>not kept</small>");
		return;
	}
	const char *rd = rel(dir, r->dir);
	rb_puts(b, "<a href=\"");
	rb_html(b, rd);
	rb_puts(b, "/timeline.html\">timeline</a> · <a href=\"");
	rb_html(b, rd);
	rb_puts(b, "/summary.md\">summary</a> · <a href=\"");
	rb_html(b, rd);
	rb_puts(b, "/report.json\">json</a>");
}

static void verdict_cell(rbuf *b, const rep_run *r)
{
	rep_verdict v = rep_verdict_of(r->scenario, r->result);
	rb_puts(b, "<td class=\"v-");
	rb_puts(b, rep_verdict_key(v));
	rb_puts(b, "\" title=\"");
	rb_html(b, r->result->verdict);
	rb_puts(b, "\">");
	rb_puts(b, rep_verdict_label(v));
	rb_puts(b, "</td>");
}

static void index_failing(rbuf *b, const rep_run *runs, size_t n, const char *dir)
{
	size_t total = 0, shown = 0;
	for (size_t i = 0; i < n; i++)
		total += is_failing(&runs[i]);
	rb_puts(b, "<h2 id=\"failing\">Failing seeds</h2>");
	if (total == 0) {
		rb_puts(b, "<p>None: every run met its expectations.</p>");
		return;
	}
	rb_puts(b, "<div class=\"wrap\"><table class=\"failing\"><tr><th>scenario</th><th class=\"n\">"
		   "seed</th><th>verdict</th><th>reproduce</th><th>report</th></tr>");
	for (size_t i = 0; i < n && shown < MAX_FAILING_LISTED; i++) {
		if (!is_failing(&runs[i]))
			continue;
		shown++;
		rb_puts(b, "<tr><td>");
		rb_html(b, runs[i].scenario->name);
		rb_puts(b, "</td><td class=\"n\">");
		rb_i64(b, (int64_t)runs[i].seed);
		rb_puts(b, "</td>");
		verdict_cell(b, &runs[i]);
		rb_puts(b, "<td><code>");
		rb_html(b, runs[i].repro_command ? runs[i].repro_command : "");
		rb_puts(b, "</code></td><td>");
		links(b, &runs[i], dir);
		rb_puts(b, "</td></tr>");
	}
	rb_puts(b, "</table></div>");
	if (shown < total) {
		rb_puts(b, "<p>");
		rb_i64(b, (int64_t)(total - shown));
		rb_puts(b, " more failing seeds in <a href=\"junit.xml\">junit.xml</a>.</p>");
	}
}

static void seed_row(rbuf *b, const rep_run *r, const char *dir)
{
	int64_t slow = slowest_failover(r->result);
	rb_puts(b, "<tr class=\"run\"><td>");
	rb_html(b, r->scenario->name[0] ? r->scenario->name : scenario_key(r));
	rb_puts(b, "</td><td class=\"n\">");
	rb_i64(b, (int64_t)r->seed);
	rb_puts(b, "</td>");
	verdict_cell(b, r);
	rb_puts(b, "<td class=\"n\">");
	rb_i64(b, (int64_t)r->result->nfailovers);
	rb_puts(b, "</td>");
	cell_secs(b, slow, NULL, 0);
	rb_puts(b, "<td class=\"n\">");
	rb_i64(b, (int64_t)r->result->noverlaps);
	rb_puts(b, "</td><td>");
	links(b, r, dir);
	rb_puts(b, "</td></tr>");
}

/* Every seed, failing ones first; collapsed when long, cut at
 * MAX_SEED_ROWS (junit.xml has them all). */
static void index_seeds(rbuf *b, const rep_run *runs, size_t n, const char *dir)
{
	size_t shown = 0;
	rb_puts(b, "<h2 id=\"seeds\">Every seed</h2><details");
	rb_puts(b, n <= OPEN_SEED_ROWS ? " open" : "");
	rb_puts(b, "><summary>");
	rb_i64(b, (int64_t)n);
	rb_puts(b, " runs, failing first</summary><div class=\"wrap\"><table class=\"seeds\">"
		   "<tr><th>scenario</th><th class=\"n\">seed</th><th>verdict</th><th class=\"n\">"
		   "failovers</th><th class=\"n\">slowest</th><th class=\"n\">overlaps</th>"
		   "<th>report</th></tr>");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n && shown < MAX_SEED_ROWS; i++)
			if (is_failing(&runs[i]) == (pass == 0)) {
				seed_row(b, &runs[i], dir);
				shown++;
			}
	rb_puts(b, "</table></div>");
	if (shown < n) {
		rb_puts(b, "<p>");
		rb_i64(b, (int64_t)(n - shown));
		rb_puts(b, " more runs in <a href=\"junit.xml\">junit.xml</a>.</p>");
	}
	rb_puts(b, "</details>");
}

/* ---- summary.md and suite.json ---------------------------------------------- */

static void md_secs(rbuf *b, int64_t ns)
{
	if (ns < 0) {
		rb_puts(b, " – |");
		return;
	}
	rb_putc(b, ' ');
	rb_secs(b, ns);
	rb_puts(b, " s |");
}

static void suite_md(rbuf *b, const rep_run *runs, size_t n, const rep_summary *sum,
		     size_t ns)
{
	size_t failing = 0;
	for (size_t i = 0; i < n; i++)
		failing += is_failing(&runs[i]);
	rb_puts(b, "# leaselab: ");
	rb_i64(b, (int64_t)ns);
	rb_puts(b, ns == 1 ? " scenario, " : " scenarios, ");
	rb_i64(b, (int64_t)n);
	rb_puts(b, " runs, ");
	rb_i64(b, (int64_t)failing);
	rb_puts(b, " failing\n\n| scenario | seeds | verdicts | split brain | failover p50 | p90 | "
		   "p99 | max | largest overlap | longest leaderless |\n"
		   "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t g = 0; g < ns; g++) {
		const rep_summary *s = &sum[g];
		rb_puts(b, "| ");
		rb_puts(b, s->scenario->name);
		rb_puts(b, " | ");
		rb_i64(b, (int64_t)s->seeds);
		rb_puts(b, " | ");
		const char *sep = "";
		for (int v = 0; v < REP_V_COUNT; v++) {
			if (!s->verdicts[v])
				continue;
			rb_puts(b, sep);
			rb_i64(b, (int64_t)s->verdicts[v]);
			rb_putc(b, ' ');
			rb_puts(b, v == REP_V_PASS ? "pass"
				   : v == REP_V_BUG_REPRODUCED ? "**BUG REPRODUCED (expected)**"
				   : rep_verdict_label((rep_verdict)v));
			sep = ", ";
		}
		rb_puts(b, " | ");
		rb_printf(b, "%.1f %%", s->seeds ? 100.0 * (double)s->split_brain_seeds / (double)s->seeds : 0.0);
		rb_puts(b, " |");
		md_secs(b, s->failover_p50_ns);
		md_secs(b, s->failover_p90_ns);
		md_secs(b, s->failover_p99_ns);
		md_secs(b, s->failover_max_ns);
		md_secs(b, s->overlap_max_ns);
		md_secs(b, s->leaderless_max_ns);
		rb_putc(b, '\n');
	}
	rb_puts(b, "\nPercentiles: nearest rank over every failover that found a new leader.\n");
	if (failing == 0)
		return;
	rb_puts(b, "\n## Failing seeds (");
	rb_i64(b, (int64_t)(failing < MAX_FAILING_MD ? failing : MAX_FAILING_MD));
	rb_puts(b, " of ");
	rb_i64(b, (int64_t)failing);
	rb_puts(b, ")\n\n```\n");
	size_t shown = 0;
	for (size_t i = 0; i < n && shown < MAX_FAILING_MD; i++)
		if (is_failing(&runs[i])) {
			rb_puts(b, runs[i].repro_command ? runs[i].repro_command : "");
			rb_putc(b, '\n');
			shown++;
		}
	rb_puts(b, "```\n");
}

static void json_ns(rbuf *b, const char *key, int64_t ns)
{
	rb_puts(b, ",\"");
	rb_puts(b, key);
	rb_puts(b, "\":");
	if (ns < 0)
		rb_puts(b, "null");
	else
		rb_i64(b, ns);
}

static void json_scenario(rbuf *b, const rep_summary *s, const rep_run *runs, size_t n)
{
	rb_puts(b, "{\"name\":");
	rb_json_str(b, s->scenario->name);
	rb_puts(b, ",\"file\":");
	rb_json_str(b, s->scenario->file);
	rb_puts(b, ",\"seeds\":");
	rb_i64(b, (int64_t)s->seeds);
	rb_puts(b, ",\"verdicts\":{");
	for (int v = 0; v < REP_V_COUNT; v++) {
		rb_puts(b, v ? ",\"" : "\"");
		rb_puts(b, rep_verdict_key((rep_verdict)v));
		rb_puts(b, "\":");
		rb_i64(b, (int64_t)s->verdicts[v]);
	}
	rb_puts(b, "},\"split_brain\":{\"seeds\":");
	rb_i64(b, (int64_t)s->split_brain_seeds);
	rb_puts(b, ",\"share\":");
	rb_printf(b, "%.6f", s->seeds ? (double)s->split_brain_seeds / (double)s->seeds : 0.0);
	rb_puts(b, "},\"failover\":{\"count\":");
	rb_i64(b, (int64_t)s->failovers);
	rb_puts(b, ",\"no_new_leader\":");
	rb_i64(b, (int64_t)s->failovers_no_leader);
	json_ns(b, "min_ns", s->failover_min_ns);
	json_ns(b, "p50_ns", s->failover_p50_ns);
	json_ns(b, "p90_ns", s->failover_p90_ns);
	json_ns(b, "p99_ns", s->failover_p99_ns);
	json_ns(b, "max_ns", s->failover_max_ns);
	rb_puts(b, "},\"overlap\":{\"count\":");
	rb_i64(b, (int64_t)s->overlaps);
	json_ns(b, "max_ns", s->overlap_max_ns);
	rb_puts(b, ",\"max_seed\":");
	if (s->overlaps)
		rb_i64(b, (int64_t)s->overlap_max_seed);
	else
		rb_puts(b, "null");
	rb_puts(b, "},\"leaderless\":{");
	rb_puts(b, "\"max_ns\":");
	if (s->leaderless_max_ns < 0)
		rb_puts(b, "null,\"max_seed\":null}");
	else {
		rb_i64(b, s->leaderless_max_ns);
		rb_puts(b, ",\"max_seed\":");
		rb_i64(b, (int64_t)s->leaderless_max_seed);
		rb_putc(b, '}');
	}
	size_t listed = 0, failing = 0;
	rb_puts(b, ",\"failing\":[");
	for (size_t i = 0; i < n; i++) {
		if (!is_failing(&runs[i]) ||
		    strcmp(scenario_key(&runs[i]),
			   s->scenario->file[0] ? s->scenario->file : s->scenario->name))
			continue;
		if (failing++ >= MAX_FAILING_JSON)
			continue;
		rb_puts(b, listed++ ? ",{\"seed\":" : "{\"seed\":");
		rb_i64(b, (int64_t)runs[i].seed);
		rb_puts(b, ",\"verdict\":");
		rb_json_str(b, rep_verdict_key(rep_verdict_of(runs[i].scenario, runs[i].result)));
		rb_puts(b, ",\"text\":");
		rb_json_str(b, runs[i].result->verdict);
		rb_puts(b, ",\"repro\":");
		rb_json_str(b, runs[i].repro_command ? runs[i].repro_command : "");
		rb_puts(b, ",\"dir\":");
		if (runs[i].dir)
			rb_json_str(b, runs[i].dir);
		else
			rb_puts(b, "null");
		rb_putc(b, '}');
	}
	rb_puts(b, "],\"failing_count\":");
	rb_i64(b, (int64_t)failing);
	rb_putc(b, '}');
}

static void suite_json(rbuf *b, const rep_run *runs, size_t n, const rep_summary *sum,
		       size_t ns)
{
	int worst = 0;
	for (size_t i = 0; i < n; i++) {
		int c = runs[i].result->exit_code;
		/* bin/sim's order: 4 > 3 > 1 > 2 > 0 */
		int rank = c == 0 ? 0 : c == 2 ? 1 : c == 1 ? 2 : c == 3 ? 3 : 4;
		int wrank = worst == 0 ? 0 : worst == 2 ? 1 : worst == 1 ? 2 : worst == 3 ? 3 : 4;
		if (rank > wrank)
			worst = c;
	}
	rb_puts(b, "{\"version\":1,\"percentile\":\"nearest-rank\",\"runs\":");
	rb_i64(b, (int64_t)n);
	rb_puts(b, ",\"exit_code\":");
	rb_i64(b, worst);
	rb_puts(b, ",\"scenarios\":[");
	for (size_t g = 0; g < ns; g++) {
		if (g)
			rb_putc(b, ',');
		json_scenario(b, &sum[g], runs, n);
	}
	rb_puts(b, "]}\n");
}

int rep_write_suite(const rep_run *runs, size_t n, const char *dir, char *err,
		    size_t errcap)
{
	int rc = rep_mkdirs(dir, err, errcap);
	if (rc)
		return rc;
	rep_summary *sum = NULL;
	size_t ns = 0;
	if (rep_summarize(runs, n, &sum, &ns) != LE_OK) {
		snprintf(err, errcap, "out of memory summarizing %zu runs", n);
		return LE_ENOMEM;
	}
	rbuf b, idx;
	rb_init(&b, 16 * 1024);
	rb_init(&idx, 16 * 1024);
	junit(&b, runs, n);
	rc = rep_write_buf(&b, dir, "junit.xml", err, errcap);
	if (rc == 0) {
		b.len = 0;
		suite_json(&b, runs, n, sum, ns);
		rc = rep_write_buf(&b, dir, "suite.json", err, errcap);
	}
	if (rc == 0) {
		b.len = 0;
		suite_md(&b, runs, n, sum, ns);
		rc = rep_write_buf(&b, dir, "summary.md", err, errcap);
	}
	if (rc == 0) {
		index_head(&idx, runs, n);
		index_summary(&idx, sum, ns);
		rc = index_charts(&idx, &b, runs, n, sum, ns, dir, err, errcap);
		index_failing(&idx, runs, n, dir);
		index_seeds(&idx, runs, n, dir);
	}
	rb_puts(&idx, "<script>window.onerror=function(m){document.body.setAttribute('data-error',String(m));};"
		      "document.body.setAttribute('data-rendered','ok');</script></body></html>\n");
	if (rc == 0 && (idx.oom || b.oom)) {
		snprintf(err, errcap, "out of memory rendering the suite report");
		rc = LE_ENOMEM;
	}
	if (rc == 0)
		rc = rep_write_buf(&idx, dir, "index.html", err, errcap);
	rb_free(&idx);
	rb_free(&b);
	rep_summaries_free(sum, ns);
	return rc;
}
