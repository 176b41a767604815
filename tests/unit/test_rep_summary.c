/* Unit tests for the aggregates over seeds (reports/summary.c), the suite
 * files that show them (suite.json, summary.md, index.html; reports/suite.c)
 * and the charts (reports/chart.c). The figures are computed against known
 * sets, so a wrong percentile method fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "leaselab/report.h"

#define S INT64_C(1000000000)
#define NRUNS 12

static void test_percentile_is_nearest_rank(void **state)
{
	(void)state;
	int64_t v[100];
	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	assert_int_equal(rep_percentile(v, 100, 50), 50);
	assert_int_equal(rep_percentile(v, 100, 90), 90);
	assert_int_equal(rep_percentile(v, 100, 99), 99);
	assert_int_equal(rep_percentile(v, 100, 100), 100);
	assert_int_equal(rep_percentile(v, 100, 0), 1);
	/* rank ceil(p/100 n): p50 of 4 is the 2nd, p99 of 4 the 4th, p50 of
	 * 5 the 3rd (no interpolation) */
	assert_int_equal(rep_percentile(v, 4, 50), 2);
	assert_int_equal(rep_percentile(v, 4, 99), 4);
	assert_int_equal(rep_percentile(v, 5, 50), 3);
	assert_int_equal(rep_percentile(v, 10, 90), 9);
	assert_int_equal(rep_percentile(v, 10, 99), 10);
	assert_int_equal(rep_percentile(v, 1, 99), 1);
	assert_int_equal(rep_percentile(v, 0, 50), 0);
}

/* A known suite: scenario A, 10 seeds, seed k has one failover of k s
 * (k = 1..10); seed 4 also has a 3.5 s overlap and fails (safety), seed 9
 * a second overlap of 1.25 s; seed 7 is leaderless for 12 s. Scenario B
 * expects a bug: seed 1 reproduces it, seed 2 does not. */
typedef struct known {
	sim_scenario a, b;
	sim_check_result r[NRUNS];
	sim_failover fo[NRUNS];
	sim_overlap ov[2];
	rep_run runs[NRUNS];
	char repro[NRUNS][SIM_PATH_MAX + 64];
	char dir[256];
} known;

static int setup(void **state)
{
	known *k = calloc(1, sizeof *k);
	snprintf(k->a.name, sizeof k->a.name, "alpha");
	snprintf(k->a.file, sizeof k->a.file, "scenarios/x/alpha.yaml");
	snprintf(k->b.name, sizeof k->b.name, "beta");
	snprintf(k->b.file, sizeof k->b.file, "scenarios/x/beta.yaml");
	k->b.expect.expect_violation = true;
	for (int i = 0; i < NRUNS; i++) {
		sim_check_result *r = &k->r[i];
		bool a = i < 10;
		k->fo[i] = (sim_failover){.cause = SIM_FO_CRASH,
					  .from_pod = 0,
					  .to_pod = 1,
					  .cause_ns = 30 * S,
					  .leader_ns = 30 * S + (i + 1) * S,
					  .bound_ns = 24 * S,
					  .within_bound = true};
		r->failovers = a ? &k->fo[i] : NULL;
		r->nfailovers = a ? 1 : 0;
		r->leaderless_max_ns = i == 6 ? 12 * S : (i + 1) * S / 2;
		snprintf(r->verdict, sizeof r->verdict, "PASS");
		k->runs[i] =
		    (rep_run){.scenario = a ? &k->a : &k->b,
			      .seed = a ? (uint64_t)i + 1 : (uint64_t)i - 9,
			      .result = r,
			      .repro_command = k->repro[i]};
		snprintf(k->repro[i], sizeof k->repro[i],
			 "bin/sim run %s --seed %d", a ? k->a.file : k->b.file,
			 (int)k->runs[i].seed);
	}
	k->ov[0] = (sim_overlap){0, 1, 40 * S, 40 * S + 35 * S / 10, 0};
	k->ov[1] = (sim_overlap){0, 1, 50 * S, 50 * S + 125 * S / 100, 0};
	k->r[3].overlaps = &k->ov[0];
	k->r[3].noverlaps = 1;
	k->r[3].exit_code = SIM_EXIT_SAFETY;
	snprintf(k->r[3].verdict, sizeof k->r[3].verdict,
		 "SAFETY VIOLATED (safety): two");
	k->r[8].overlaps = &k->ov[1];
	k->r[8].noverlaps = 1;
	k->r[8].exit_code = SIM_EXIT_SAFETY;
	k->r[11].exit_code = SIM_EXIT_SAFETY; /* beta seed 2: bug not found */
	snprintf(k->dir, sizeof k->dir, "/tmp/leaselab-test-rep-summary-%d",
		 (int)getpid());
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	known *k = *state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
	if (system(cmd) != 0)
		return -1;
	free(k);
	return 0;
}

static void test_verdicts_name_an_expected_bug_as_a_bug(void **state)
{
	known *k = *state;
	assert_int_equal(rep_verdict_of(&k->a, &k->r[0]), REP_V_PASS);
	assert_int_equal(rep_verdict_of(&k->a, &k->r[3]), REP_V_SAFETY);
	assert_int_equal(rep_verdict_of(&k->b, &k->r[10]),
			 REP_V_BUG_REPRODUCED);
	assert_int_equal(rep_verdict_of(&k->b, &k->r[11]), REP_V_BUG_MISSING);
	assert_string_equal(rep_verdict_label(REP_V_BUG_REPRODUCED),
			    "BUG REPRODUCED (expected)");
	assert_string_equal(rep_verdict_label(REP_V_BUG_MISSING),
			    "FAIL: expected bug not reproduced");
}

static void test_summary_figures_of_a_known_set(void **state)
{
	known *k = *state;
	rep_summary *s;
	size_t n;
	assert_int_equal(rep_summarize(k->runs, NRUNS, &s, &n), LE_OK);
	assert_int_equal(n, 2);
	assert_ptr_equal(s[0].scenario, &k->a);
	assert_int_equal(s[0].seeds, 10);
	assert_int_equal(s[0].verdicts[REP_V_PASS], 8);
	assert_int_equal(s[0].verdicts[REP_V_SAFETY], 2);
	assert_int_equal(s[0].split_brain_seeds, 2);
	assert_int_equal(s[0].failovers, 10);
	assert_int_equal(s[0].failover_min_ns, 1 * S);
	assert_int_equal(s[0].failover_p50_ns, 5 * S);
	assert_int_equal(s[0].failover_p90_ns, 9 * S);
	assert_int_equal(s[0].failover_p99_ns, 10 * S);
	assert_int_equal(s[0].failover_max_ns, 10 * S);
	assert_int_equal(s[0].overlaps, 2);
	assert_int_equal(s[0].overlap_max_ns, 35 * S / 10);
	assert_int_equal(s[0].overlap_max_seed, 4);
	assert_int_equal(s[0].leaderless_max_ns, 12 * S);
	assert_int_equal(s[0].leaderless_max_seed, 7);
	assert_int_equal(s[1].seeds, 2);
	assert_int_equal(s[1].verdicts[REP_V_BUG_REPRODUCED], 1);
	assert_int_equal(s[1].verdicts[REP_V_BUG_MISSING], 1);
	assert_int_equal(s[1].failovers, 0);
	assert_int_equal(s[1].failover_p50_ns, -1);
	char line[1024];
	rep_summary_line(&s[0], line, sizeof line);
	assert_string_equal(
	    line,
	    "alpha: 10 seeds: 8 pass, 2 SAFETY VIOLATED; split brain in 2 of "
	    "10 seeds (20.0 %); failover p50 5.000 s, p90 9.000 s, p99 "
	    "10.000 s, max 10.000 s (10); largest overlap 3.500 s (seed 4); "
	    "longest leaderless 12.000 s (seed 7)");
	rep_summary_line(&s[1], line, sizeof line);
	assert_non_null(strstr(line, "1 BUG REPRODUCED (expected), 1 FAIL: "
				     "expected bug not reproduced"));
	rep_summaries_free(s, n);
}

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *p = malloc((size_t)n + 1);
	size_t got = fread(p, 1, (size_t)n, f);
	p[got] = '\0';
	fclose(f);
	return p;
}

static double num(cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, "."))
		o = cJSON_GetObjectItem(o, tok);
	assert_non_null(o);
	assert_true(cJSON_IsNumber(o));
	return o->valuedouble;
}

static void test_suite_json_and_summary_md_carry_the_figures(void **state)
{
	known *k = *state;
	char err[256] = "";
	assert_int_equal(
	    rep_write_suite(k->runs, NRUNS, k->dir, err, sizeof err), LE_OK);
	char *js = slurp(k->dir, "suite.json");
	assert_non_null(js);
	cJSON *j = cJSON_Parse(js);
	assert_non_null(j);
	assert_int_equal((int)num(j, "version"), 1);
	assert_int_equal((int)num(j, "runs"), NRUNS);
	assert_int_equal((int)num(j, "exit_code"), 1);
	assert_string_equal(cJSON_GetObjectItem(j, "percentile")->valuestring,
			    "nearest-rank");
	cJSON *sc = cJSON_GetObjectItem(j, "scenarios");
	assert_int_equal(cJSON_GetArraySize(sc), 2);
	cJSON *a = cJSON_GetArrayItem(sc, 0);
	assert_int_equal((int)num(a, "seeds"), 10);
	assert_int_equal((int)num(a, "verdicts.pass"), 8);
	assert_int_equal((int)num(a, "verdicts.safety"), 2);
	assert_int_equal((int)num(a, "split_brain.seeds"), 2);
	assert_true(num(a, "split_brain.share") == 0.2);
	assert_true(num(a, "failover.p50_ns") == 5e9);
	assert_true(num(a, "failover.p90_ns") == 9e9);
	assert_true(num(a, "failover.p99_ns") == 10e9);
	assert_true(num(a, "failover.max_ns") == 10e9);
	assert_true(num(a, "overlap.max_ns") == 3.5e9);
	assert_int_equal((int)num(a, "overlap.max_seed"), 4);
	assert_true(num(a, "leaderless.max_ns") == 12e9);
	assert_int_equal((int)num(a, "failing_count"), 2);
	cJSON *failing = cJSON_GetObjectItem(a, "failing");
	assert_int_equal(cJSON_GetArraySize(failing), 2);
	assert_string_equal(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(failing, 0), "repro")
		->valuestring,
	    "bin/sim run scenarios/x/alpha.yaml --seed 4");
	assert_true(cJSON_IsNull(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(failing, 0), "dir")));
	cJSON *b = cJSON_GetArrayItem(sc, 1);
	assert_int_equal((int)num(b, "verdicts.bug_reproduced"), 1);
	assert_int_equal((int)num(b, "verdicts.bug_missing"), 1);
	assert_true(cJSON_IsNull(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(b, "failover"), "p50_ns")));
	cJSON_Delete(j);
	free(js);

	char *md = slurp(k->dir, "summary.md");
	assert_non_null(md);
	assert_non_null(strstr(
	    md, "| alpha | 10 | 8 pass, 2 SAFETY VIOLATED | 20.0 % | 5.000 s | "
		"9.000 s | 10.000 s | 10.000 s | 3.500 s | 12.000 s |\n"));
	assert_non_null(strstr(
	    md,
	    "| beta | 2 | 1 **BUG REPRODUCED (expected)**, 1 FAIL: expected "
	    "bug not reproduced | 0.0 % | – |"));
	assert_non_null(strstr(md, "## Failing seeds (3 of 3)"));
	assert_non_null(
	    strstr(md, "bin/sim run scenarios/x/beta.yaml --seed 2\n"));
	free(md);

	char *idx = slurp(k->dir, "index.html");
	assert_non_null(idx);
	const char *sum = strstr(idx, "id=\"summary\""),
		   *fail = strstr(idx, "id=\"failing\""),
		   *seeds = strstr(idx, "id=\"seeds\"");
	assert_true(sum && fail && seeds && sum < fail && fail < seeds);
	/* the failing seeds lead the per-seed table */
	const char *row = strstr(seeds, "<tr class=\"run\">");
	assert_non_null(row);
	assert_true(strstr(row, "v-safety") < strstr(row, "v-pass"));
	/* runs without files are counted, not linked */
	assert_null(strstr(idx, "timeline.html"));
	assert_non_null(strstr(idx, "9.000 s"));
	free(idx);
}

/* Every <text x=".."> of an svg lies inside its 720-unit-wide viewBox. */
static void assert_texts_inside(const char *svg)
{
	const char *p = svg;
	int texts = 0;
	while ((p = strstr(p, "<text "))) {
		const char *x = strstr(p, " x=\"");
		const char *end = strchr(p, '>');
		p++;
		const char *rot = strstr(p, "rotate(");
		if (!x || x > end || (rot && rot < end))
			continue;
		double v = atof(x + 4);
		assert_true(v >= 0 && v <= 720);
		texts++;
	}
	assert_true(texts > 10);
}

static void test_histogram_has_axes_ticks_and_percentile_marks(void **state)
{
	(void)state;
	int64_t v[10];
	for (int i = 0; i < 10; i++)
		v[i] = (i + 1) * S;
	rep_series s = {"alpha", v, 10};
	rep_chart_opts o = {.title = "t",
			    .x_label = "failover time",
			    .y_label = "failovers",
			    .nmarks = 1,
			    .mark_ns = {24 * S},
			    .mark_label = {"bound"}};
	char *svg = rep_chart_hist_svg(&s, 1, &o);
	assert_non_null(svg);
	assert_non_null(strstr(svg, "class=\"chart hist\""));
	assert_non_null(strstr(svg, "viewBox=\"0 0 720 "));
	assert_non_null(strstr(svg, "class=\"x-label\""));
	assert_non_null(strstr(svg, ">failover time (s)</text>"));
	assert_non_null(strstr(svg, ">failovers</text>"));
	assert_non_null(strstr(svg, ">p50 5.000 s</text>"));
	assert_non_null(strstr(svg, ">p99 10.000 s</text>"));
	assert_non_null(strstr(svg, ">bound 24.000 s</text>"));
	/* x axis to 25 s (covers the bound) in 5 s ticks; counts up to 1 */
	assert_non_null(strstr(svg, ">0 s</text>"));
	assert_non_null(strstr(svg, ">25 s</text>"));
	assert_non_null(strstr(svg, "class=\"tick y\""));
	assert_non_null(
	    strstr(svg, "n = 10, p50 5.000 s, p99 10.000 s, max 10.000 s"));
	assert_texts_inside(svg);
	free(svg);
}

static void test_cdf_overlays_several_series(void **state)
{
	(void)state;
	int64_t a[3] = {1 * S, 2 * S, 3 * S}, b[2] = {10 * S, 20 * S};
	rep_series s[2] = {{"simulated", a, 3}, {"live", b, 2}};
	rep_chart_opts o = {.title = "live vs simulated",
			    .x_label = "failover time"};
	char *svg = rep_chart_cdf_svg(s, 2, &o);
	assert_non_null(svg);
	int paths = 0;
	for (const char *p = svg; (p = strstr(p, "<path class=\"series\""));
	     p++)
		paths++;
	assert_int_equal(paths, 2);
	assert_non_null(strstr(svg, ">simulated: n = 3, p50 2.000 s"));
	assert_non_null(
	    strstr(svg, ">live: n = 2, p50 10.000 s, p99 20.000 s"));
	assert_non_null(strstr(svg, ">100 %</text>"));
	assert_non_null(strstr(svg, "class=\"y-label\""));
	assert_texts_inside(svg);
	free(svg);
}

static void test_chart_takes_negative_and_empty_series(void **state)
{
	(void)state;
	int64_t v[2] = {-1 * S, 2 * S};
	rep_series s[2] = {{"odd", v, 2}, {"empty", NULL, 0}};
	rep_chart_opts o = {.title = "t", .x_label = "x", .y_label = "y"};
	char *svg = rep_chart_hist_svg(s, 2, &o);
	assert_non_null(svg);
	assert_non_null(strstr(svg, ">empty: n = 0</text>"));
	free(svg);
	svg = rep_chart_hist_svg(NULL, 0, &o);
	assert_non_null(svg);
	assert_non_null(strstr(svg, ">no data</text>"));
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percentile_is_nearest_rank),
	    cmocka_unit_test_setup_teardown(
		test_verdicts_name_an_expected_bug_as_a_bug, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_figures_of_a_known_set,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_suite_json_and_summary_md_carry_the_figures, setup,
		teardown),
	    cmocka_unit_test(
		test_histogram_has_axes_ticks_and_percentile_marks),
	    cmocka_unit_test(test_cdf_overlays_several_series),
	    cmocka_unit_test(test_chart_takes_negative_and_empty_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
