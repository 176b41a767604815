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
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (same_scenario(&runs[j], &runs[i]))
				first = false;
		if (!first)
			continue;
		size_t tests = 0, fails = 0;
		double secs = 0;
		for (size_t j = i; j < n; j++) {
			if (!same_scenario(&runs[j], &runs[i]))
				continue;
			tests++;
			fails += runs[j].result->exit_code != 0;
			secs += runs[j].sim_wall_seconds;
		}
		rb_puts(b, "  <testsuite name=\"");
		rb_html(b, runs[i].scenario->name[0] ? runs[i].scenario->name : scenario_key(&runs[i]));
		rb_puts(b, "\" tests=\"");
		rb_i64(b, (int64_t)tests);
		rb_puts(b, "\" failures=\"");
		rb_i64(b, (int64_t)fails);
		rb_puts(b, "\" errors=\"0\" skipped=\"0\" time=\"");
		rb_printf(b, "%.6f", secs);
		rb_puts(b, "\">\n");
		for (size_t j = i; j < n; j++) {
			const rep_run *r = &runs[j];
			if (!same_scenario(r, &runs[i]))
				continue;
			rb_puts(b, "    <testcase classname=\"");
			rb_html(b, scenario_key(r));
			rb_puts(b, "\" name=\"seed ");
			rb_i64(b, (int64_t)r->seed);
			rb_puts(b, "\" time=\"");
			rb_printf(b, "%.6f", r->sim_wall_seconds);
			rb_puts(b, "\"");
			if (r->result->exit_code == 0) {
				rb_puts(b, "/>\n");
				continue;
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
		rb_puts(b, "  </testsuite>\n");
	}
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

/* Histogram of failover durations over every seed of one scenario, with the
 * bounds the checker used marked. Returns false when there is nothing to
 * draw. */
static bool histogram(rbuf *b, const rep_run *runs, size_t n, size_t first)
{
	size_t total = 0, seeds = 0;
	for (size_t j = first; j < n; j++)
		if (same_scenario(&runs[j], &runs[first])) {
			total += runs[j].result->nfailovers;
			seeds++;
		}
	if (seeds < 2 || total == 0)
		return false;
	int64_t *t = malloc(total * sizeof *t);
	if (!t)
		return false;
	size_t k = 0;
	int64_t bound = 0;
	for (size_t j = first; j < n; j++) {
		if (!same_scenario(&runs[j], &runs[first]))
			continue;
		k += rep_failover_times(runs[j].result, t + k);
		for (size_t f = 0; f < runs[j].result->nfailovers; f++)
			if (runs[j].result->failovers[f].bound_ns > bound)
				bound = runs[j].result->failovers[f].bound_ns;
	}
	if (k == 0) {
		free(t);
		return false;
	}
	int64_t lo = t[0], hi = t[0];
	for (size_t i = 1; i < k; i++) {
		if (t[i] < lo)
			lo = t[i];
		if (t[i] > hi)
			hi = t[i];
	}
	int64_t xmax = hi > bound ? hi : bound;
	if (xmax <= 0)
		xmax = 1;
	enum { NB = 40, W = 640, H = 220, PADL = 40, PADB = 30 };
	size_t bins[NB] = {0}, peak = 1;
	for (size_t i = 0; i < k; i++) {
		size_t bi = (size_t)((double)t[i] / (double)xmax * (NB - 1));
		if (bi >= NB)
			bi = NB - 1;
		if (++bins[bi] > peak)
			peak = bins[bi];
	}
	const sim_election *e = &runs[first].scenario->defaults;
	rb_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"");
	rb_i64(b, W + PADL + 10);
	rb_puts(b, "\" height=\"");
	rb_i64(b, H + PADB + 20);
	rb_puts(b, "\"><text x=\"");
	rb_i64(b, PADL);
	rb_puts(b, "\" y=\"14\" font-size=\"12\">failover time over ");
	rb_i64(b, (int64_t)seeds);
	rb_puts(b, " seeds (");
	rb_i64(b, (int64_t)k);
	rb_puts(b, " failovers), min ");
	rb_secs(b, lo);
	rb_puts(b, " s, max ");
	rb_secs(b, hi);
	rb_puts(b, " s</text>");
	double bw = (double)W / NB;
	for (size_t i = 0; i < NB; i++) {
		if (!bins[i])
			continue;
		double hgt = (double)bins[i] / (double)peak * (H - 30);
		rb_puts(b, "<rect fill=\"#1f6feb\" x=\"");
		rb_fixed2(b, PADL + bw * (double)i);
		rb_puts(b, "\" y=\"");
		rb_fixed2(b, 20 + (H - 30) - hgt + 10);
		rb_puts(b, "\" width=\"");
		rb_fixed2(b, bw - 1);
		rb_puts(b, "\" height=\"");
		rb_fixed2(b, hgt);
		rb_puts(b, "\"><title>");
		rb_i64(b, (int64_t)bins[i]);
		rb_puts(b, "</title></rect>");
	}
	/* bounds: the checker's upper bound, and the crash lower bound of
	 * election-spec.md 6.1 (LDs - RP) */
	int64_t marks[2] = {bound, (e->lease_duration_ns / LE_NS_PER_S) * LE_NS_PER_S - e->retry_period_ns};
	const char *names[2] = {"bound", "election-spec.md 6.1 min"};
	for (int i = 0; i < 2; i++) {
		if (marks[i] <= 0 || marks[i] > xmax)
			continue;
		double x = PADL + (double)marks[i] / (double)xmax * (W * (NB - 1.0) / NB);
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
	rb_secs(b, xmax);
	rb_puts(b, " s</text></svg>\n");
	free(t);
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

int rep_write_suite(const rep_run *runs, size_t n, const char *dir, char *err,
		    size_t errcap)
{
	int rc = rep_mkdirs(dir, err, errcap);
	if (rc)
		return rc;
	rbuf b;
	rb_init(&b, 16 * 1024);
	junit(&b, runs, n);
	rc = rep_write_buf(&b, dir, "junit.xml", err, errcap);

	rbuf idx;
	rb_init(&idx, 16 * 1024);
	rb_puts(&idx, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>leaselab suite</title>"
		      "<style>body{font:13px system-ui,sans-serif;margin:16px}table{border-collapse:collapse}"
		      "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.pass{color:#1a7f37}"
		      ".fail{color:#cf222e;font-weight:600}</style></head><body><h1>leaselab suite</h1><table>"
		      "<tr><th>scenario</th><th>seed</th><th>verdict</th><th>failovers</th><th>slowest</th>"
		      "<th>overlaps</th><th>report</th></tr>");
	size_t pass = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const rep_run *r = &runs[i];
		const sim_check_result *res = r->result;
		int64_t slow = -1;
		for (size_t f = 0; f < res->nfailovers; f++)
			if (res->failovers[f].to_pod >= 0 &&
			    res->failovers[f].leader_ns - res->failovers[f].cause_ns > slow)
				slow = res->failovers[f].leader_ns - res->failovers[f].cause_ns;
		pass += res->exit_code == 0;
		rb_puts(&idx, "<tr class=\"run\"><td>");
		rb_html(&idx, r->scenario->name[0] ? r->scenario->name : scenario_key(r));
		rb_puts(&idx, "</td><td>");
		rb_i64(&idx, (int64_t)r->seed);
		rb_puts(&idx, res->exit_code == 0 ? "</td><td class=\"pass\">" : "</td><td class=\"fail\">");
		rb_html(&idx, res->verdict);
		rb_puts(&idx, "</td><td>");
		rb_i64(&idx, (int64_t)res->nfailovers);
		rb_puts(&idx, "</td><td>");
		if (slow >= 0) {
			rb_secs(&idx, slow);
			rb_puts(&idx, " s");
		} else {
			rb_puts(&idx, "–");
		}
		rb_puts(&idx, "</td><td>");
		rb_i64(&idx, (int64_t)res->noverlaps);
		rb_puts(&idx, "</td><td>");
		if (r->dir) {
			const char *rd = rel(dir, r->dir);
			rb_puts(&idx, "<a href=\"");
			rb_html(&idx, rd);
			rb_puts(&idx, "/timeline.html\">timeline</a> · <a href=\"");
			rb_html(&idx, rd);
			rb_puts(&idx, "/summary.md\">summary</a> · <a href=\"");
			rb_html(&idx, rd);
			rb_puts(&idx, "/report.json\">json</a>");
		}
		rb_puts(&idx, "</td></tr>");
	}
	rb_puts(&idx, "</table><p>");
	rb_i64(&idx, (int64_t)pass);
	rb_puts(&idx, " of ");
	rb_i64(&idx, (int64_t)n);
	rb_puts(&idx, " runs met their expectations. <a href=\"junit.xml\">junit.xml</a></p>");

	for (size_t i = 0; i < n && rc == 0; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (same_scenario(&runs[j], &runs[i]))
				first = false;
		if (!first)
			continue;
		b.len = 0;
		if (!histogram(&b, runs, n, i))
			continue;
		char name[SIM_PATH_MAX];
		file_name_of(&runs[i], name, sizeof name);
		rc = rep_write_buf(&b, dir, name, err, errcap);
		rb_puts(&idx, "<h2>");
		rb_html(&idx, runs[i].scenario->name);
		rb_puts(&idx, "</h2>");
		rb_put(&idx, b.p, b.len);
	}
	rb_puts(&idx, "<script>document.body.setAttribute('data-rendered','ok');</script></body></html>\n");
	if (rc == 0)
		rc = rep_write_buf(&idx, dir, "index.html", err, errcap);
	rb_free(&idx);
	rb_free(&b);
	return rc;
}
