/* Unit tests for the report writers: the JSON's documented fields, the JUnit
 * XML's structure and counts, one lane per pod and one overlap mark per
 * overlap in the timeline, and thinning of long runs. Histories are built by
 * hand so the tests do not depend on the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leaselab/report.h"

#define S (INT64_C(1000000000))

typedef struct fixture {
	sim_scenario sc;
	sim_pod_spec pods[3];
	sim_fault faults[1];
	sim_history h;
	sim_check_result r;
	sim_overlap overlaps[2];
	sim_failover failovers[2];
	sim_violation violations[1];
	sim_lead_interval leading[2];
	char dir[256];
} fixture;

static void add_pod(sim_history *h, const char *name)
{
	int32_t i = (int32_t)h->npods;
	assert_int_equal(sim_history_identity(h, name), i);
	assert_int_equal(sim_history_add_pod(h, name, i, i, -1), i);
}

static void ev(sim_history *h, int64_t t, sim_ev_kind k, int32_t pod,
	       int32_t holder, int32_t fault, int64_t a)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->ev = realloc(h->ev, h->cap * sizeof *h->ev);
		assert_non_null(h->ev);
	}
	/* a: the lease's transitions, or was_leader */
	h->ev[h->n] = (sim_event){.t_ns = t, .kind = k, .pod = pod,
				  .holder = holder, .fault = fault};
	if (k == SIM_EV_LEASE_WRITE)
		h->ev[h->n].transitions = a;
	else if (k == SIM_EV_STOPPED_LEADING || k == SIM_EV_POD_DEATH)
		h->ev[h->n].was_leader = a != 0;
	h->n++;
}

/* Three pods; pod 0 leads, is paused 20 s..40 s, pod 1 takes over at 35 s
 * while pod 0 still acts until 41 s: one overlap 35..41 s. Pod 2 follows. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	sim_scenario *sc = &f->sc;
	snprintf(sc->name, sizeof sc->name, "pause-split-brain");
	snprintf(sc->file, sizeof sc->file, "scenarios/bugs/pause.yaml");
	snprintf(sc->description, sizeof sc->description, "a <paused> leader & a new one");
	sc->duration_ns = 60 * S;
	sc->defaults.profile = NULL;
	sc->defaults.lock_kind = LE_LOCK_LEASES;
	sc->defaults.lock_namespace = "default";
	sc->defaults.lock_name = "my-lease";
	sc->defaults.lease_duration_ns = 15 * S;
	sc->defaults.renew_deadline_ns = 10 * S;
	sc->defaults.retry_period_ns = 2 * S;
	sc->pods = f->pods;
	sc->npods = 3;
	for (int i = 0; i < 3; i++)
		f->pods[i].election = sc->defaults;
	sc->faults = f->faults;
	sc->nfaults = 1;
	f->faults[0].action = SIM_ACT_PAUSE;
	snprintf(f->faults[0].label, sizeof f->faults[0].label, "pause leader 20s");
	sc->expect.max_leaders = 1;
	sc->expect.expect_violation = true;
	sc->expect.violation = SIM_INV_SAFETY;

	sim_history *h = &f->h;
	sim_history_init(h);
	h->seed = 7;
	h->end_ns = 60 * S;
	add_pod(h, "pod-a");
	add_pod(h, "pod-b");
	add_pod(h, "pod-c");
	for (int i = 0; i < 3; i++)
		ev(h, 0, SIM_EV_POD_START, i, -1, -1, 0);
	ev(h, 1 * S, SIM_EV_LEASE_WRITE, 0, 0, -1, 0);
	ev(h, 1 * S, SIM_EV_STARTED_LEADING, 0, -1, -1, 0);
	for (int64_t t = 3; t < 20; t += 2)
		ev(h, t * S, SIM_EV_LEASE_WRITE, 0, 0, -1, 0);
	ev(h, 20 * S, SIM_EV_FAULT_START, 0, -1, 0, 0);
	ev(h, 20 * S, SIM_EV_PAUSE, 0, -1, -1, 0);
	ev(h, 35 * S, SIM_EV_LEASE_WRITE, 1, 1, -1, 1);
	ev(h, 35 * S, SIM_EV_STARTED_LEADING, 1, -1, -1, 0);
	ev(h, 40 * S, SIM_EV_RESUME, 0, -1, -1, 0);
	ev(h, 40 * S, SIM_EV_FAULT_END, 0, -1, 0, 0);
	ev(h, 41 * S, SIM_EV_STOPPED_LEADING, 0, -1, -1, 1);
	ev(h, 41 * S, SIM_EV_ACTING_END, 0, -1, -1, 0);

	sim_check_result *r = &f->r;
	/* what the checker makes of that history: pod-a acts 1..41 s (paused
	 * included), pod-b from 35 s to the end */
	f->leading[0] = (sim_lead_interval){0, 1 * S, 41 * S};
	f->leading[1] = (sim_lead_interval){1, 35 * S, 60 * S};
	r->leading = f->leading;
	r->nleading = 2;
	r->exit_code = 0;
	r->expectations_met = true;
	r->max_leaders_seen = 2;
	f->overlaps[0] = (sim_overlap){0, 1, 35 * S, 41 * S, 3};
	r->overlaps = f->overlaps;
	r->noverlaps = 1;
	f->failovers[0] = (sim_failover){SIM_FO_PAUSE, 0, 1, 20 * S, 35 * S, 24 * S, true};
	r->failovers = f->failovers;
	r->nfailovers = 1;
	f->violations[0] = (sim_violation){SIM_INV_SAFETY, 35 * S, "pod-a and pod-b both lead"};
	r->violations = f->violations;
	r->nviolations = 1;
	snprintf(r->verdict, sizeof r->verdict, "PASS: expected safety violation found");

	snprintf(f->dir, sizeof f->dir, "/tmp/leaselab-rep-test-%d", (int)getpid());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	sim_history_free(&f->h);
	free(f);
	return 0;
}

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static rep_run run_of(fixture *f, const char *sub)
{
	static char dir[512];
	snprintf(dir, sizeof dir, "%s/%s", f->dir, sub);
	return (rep_run){.scenario = &f->sc, .seed = 7, .history = &f->h,
			 .result = &f->r,
			 .repro_command = "bin/sim run scenarios/bugs/pause.yaml --seed 7",
			 .sim_wall_seconds = 0.001, .dir = dir};
}

static void test_report_json_has_documented_fields(void **state)
{
	fixture *f = *state;
	rep_run run = run_of(f, "run");
	char err[256] = "";
	assert_int_equal(rep_write_run(&run, err, sizeof err), LE_OK);
	char *s = slurp(run.dir, "report.json");
	assert_non_null(s);
	cJSON *j = cJSON_Parse(s);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "version")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "scenario"), "name")->valuestring,
			    "pause-split-brain");
	assert_int_equal(cJSON_GetObjectItem(j, "seed")->valuedouble, 7);
	assert_string_equal(cJSON_GetObjectItem(j, "repro")->valuestring,
			    "bin/sim run scenarios/bugs/pause.yaml --seed 7");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "pods")), 3);
	/* leadership: pod-a 1..41 s, pod-b 35..60 s */
	cJSON *lead = cJSON_GetObjectItem(j, "leadership");
	assert_int_equal(cJSON_GetArraySize(lead), 2);
	cJSON *l0 = cJSON_GetArrayItem(lead, 0);
	assert_string_equal(cJSON_GetObjectItem(l0, "pod")->valuestring, "pod-a");
	assert_true(cJSON_GetObjectItem(l0, "end_ns")->valuedouble == (double)(41 * S));
	cJSON *ov = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "overlaps"), 0);
	assert_non_null(ov);
	assert_true(cJSON_GetObjectItem(ov, "length_ns")->valuedouble == (double)(6 * S));
	assert_int_equal(cJSON_GetObjectItem(ov, "stale_writes")->valueint, 3);
	cJSON *fo = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "failovers"), 0);
	assert_string_equal(cJSON_GetObjectItem(fo, "cause")->valuestring, "pause");
	assert_true(cJSON_GetObjectItem(fo, "duration_ns")->valuedouble == (double)(15 * S));
	cJSON *lease = cJSON_GetObjectItem(j, "lease");
	assert_int_equal(cJSON_GetObjectItem(lease, "writes")->valueint, 11);
	cJSON *terms = cJSON_GetObjectItem(lease, "terms");
	assert_int_equal(cJSON_GetArraySize(terms), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(terms, 1), "holder")->valuestring, "pod-b");
	assert_string_equal(cJSON_GetObjectItem(lease, "write_log")->valuestring, "history.jsonl");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(terms, 0), "writes")->valueint, 10);
	cJSON *faults = cJSON_GetObjectItem(j, "faults");
	assert_int_equal(cJSON_GetArraySize(faults), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(faults, 0), "label")->valuestring,
			    "pause leader 20s");
	cJSON *verdict = cJSON_GetObjectItem(j, "verdict");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(verdict, "expectations_met")));
	assert_int_equal(cJSON_GetObjectItem(verdict, "max_leaders_seen")->valueint, 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "violations"), 0),
						"invariant")->valuestring, "safety");
	cJSON_Delete(j);
	free(s);

	s = slurp(run.dir, "summary.md");
	assert_non_null(s);
	assert_non_null(strstr(s, "bin/sim run scenarios/bugs/pause.yaml --seed 7"));
	assert_non_null(strstr(s, "| pod-a + pod-b | 35.000 s | 41.000 s | 6.000 s | 3 |"));
	assert_non_null(strstr(s, "| count | min | p50 |"));
	free(s);
}

static void test_timeline_has_a_lane_per_pod_and_a_mark_per_overlap(void **state)
{
	fixture *f = *state;
	/* a second overlap, to see the count follow the data */
	f->overlaps[1] = (sim_overlap){1, 2, 50 * S, 50 * S + 1000, 0};
	f->r.noverlaps = 2;
	rep_run run = run_of(f, "tl");
	char err[256] = "";
	assert_int_equal(rep_write_run(&run, err, sizeof err), LE_OK);
	char *s = slurp(run.dir, "timeline.html");
	assert_non_null(s);
	assert_int_equal(count(s, "<g class=\"lane\""), 3);
	assert_int_equal(count(s, "<g class=\"overlap\">"), 2);
	assert_int_equal(count(s, "class=\"lane-lease\""), 1);
	assert_int_equal(count(s, "class=\"fault\""), 1);
	assert_int_equal(count(s, "class=\"failover"), 1);
	/* an expected bug that was found reads as a bug, not as a pass */
	assert_non_null(strstr(s, "<span class=\"verdict bug\">BUG REPRODUCED (expected)</span>"));
	/* the failover is labelled with its duration (20 s -> 35 s) */
	assert_int_equal(count(s, "class=\"folbl\""), 1);
	assert_non_null(strstr(s, ">15.000 s</text>"));
	/* settings, the holder legend (identities pod-a, pod-b held it) */
	assert_non_null(strstr(s, "<table class=\"settings\">"));
	assert_non_null(strstr(s, "<td>15.000 s</td>"));
	const char *key = strstr(s, "lease holder (store):");
	assert_non_null(key);
	assert_true(strstr(key, "</span>pod-a") && strstr(key, "</span>pod-b"));
	/* a tick per event, and the history's lines (header + one per event)
	 * for the hover text */
	assert_int_equal(count(s, "<line class=\"ev\""), (int)f->h.n);
	const char *ta = strstr(s, "<textarea id=\"events\" hidden readonly>");
	assert_non_null(ta);
	const char *te = strstr(ta, "</textarea>");
	int nl = 0;
	for (const char *q = ta; q < te; q++)
		nl += *q == '\n';
	assert_int_equal(nl, (int)f->h.n); /* n + 1 lines, n newlines between */
	/* scales to the window: a viewBox, no fixed width */
	assert_non_null(strstr(s, "<svg id=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
	/* escaped, self-contained */
	assert_non_null(strstr(s, "a &lt;paused&gt; leader &amp; a new one"));
	assert_null(strstr(s, "http://") == NULL ? NULL : strstr(s, "src=\"http"));
	assert_null(strstr(s, "<script src"));
	free(s);
}

static void test_junit_counts_and_structure(void **state)
{
	fixture *f = *state;
	rep_run runs[3];
	char dirs[3][300];
	sim_check_result failed = f->r;
	failed.exit_code = 1;
	snprintf(failed.verdict, sizeof failed.verdict, "SAFETY VIOLATED: 2 leaders");
	for (int i = 0; i < 3; i++) {
		runs[i] = run_of(f, "x");
		snprintf(dirs[i], sizeof dirs[i], "%s/suite/seed-%d", f->dir, i);
		runs[i].dir = dirs[i];
		runs[i].seed = (uint64_t)i + 1;
		if (i == 1)
			runs[i].result = &failed;
		char err[256];
		assert_int_equal(rep_write_run(&runs[i], err, sizeof err), LE_OK);
	}
	char sdir[300], err[256] = "";
	snprintf(sdir, sizeof sdir, "%s/suite", f->dir);
	assert_int_equal(rep_write_suite(runs, 3, sdir, err, sizeof err), LE_OK);
	char *x = slurp(sdir, "junit.xml");
	assert_non_null(x);
	assert_non_null(strstr(x, "<testsuites name=\"leaselab\" tests=\"3\" failures=\"1\""));
	assert_int_equal(count(x, "<testsuite "), 1);
	assert_non_null(strstr(x, "<testsuite name=\"pause-split-brain\" tests=\"3\" failures=\"1\""));
	assert_int_equal(count(x, "<testcase "), 3);
	assert_int_equal(count(x, "<failure "), 1);
	assert_non_null(strstr(x, "SAFETY VIOLATED: 2 leaders\nreproduce: bin/sim run scenarios/bugs/pause.yaml --seed 7</failure>"));
	free(x);
	char *idx = slurp(sdir, "index.html");
	assert_non_null(idx);
	assert_int_equal(count(idx, "<tr class=\"run\">"), 3);
	assert_non_null(strstr(idx, "href=\"seed-1/timeline.html\""));
	/* several seeds with failovers: a failover histogram, and one of the
	 * overlap lengths (the fixture has a split brain) */
	assert_int_equal(count(idx, "class=\"chart hist\""), 2);
	assert_int_equal(count(idx, ": failover time over 3 seeds<"), 1);
	assert_int_equal(count(idx, ": overlap length (two leaders at once)<"), 1);
	free(idx);
	char *svg = slurp(sdir, "failover-histogram-pause.svg");
	assert_non_null(svg);
	free(svg);
}

static void test_long_runs_are_thinned_but_overlaps_kept(void **state)
{
	fixture *f = *state;
	sim_history *h = &f->h;
	/* pod-c flaps leadership 20,000 times in one hour: far more than can
	 * be drawn */
	h->n = 0;
	for (int i = 0; i < 3; i++)
		ev(h, 0, SIM_EV_POD_START, i, -1, -1, 0);
	for (int64_t k = 0; k < 20000; k++) {
		ev(h, k * 180000000, SIM_EV_STARTED_LEADING, 2, -1, -1, 0);
		ev(h, k * 180000000 + 90000000, SIM_EV_ACTING_END, 2, -1, -1, 0);
	}
	h->end_ns = 3600 * S;
	f->sc.duration_ns = 3600 * S;
	sim_lead_interval *lead = calloc(20000, sizeof *lead);
	assert_non_null(lead);
	for (int64_t k = 0; k < 20000; k++)
		lead[k] = (sim_lead_interval){2, k * 180000000, k * 180000000 + 90000000};
	f->r.leading = lead;
	f->r.nleading = 20000;
	f->overlaps[0] = (sim_overlap){0, 2, 1000 * S, 1000 * S + 5, 0};
	f->r.noverlaps = 1;
	rep_run run = run_of(f, "long");
	char err[256] = "";
	assert_int_equal(rep_write_run(&run, err, sizeof err), LE_OK);
	char *s = slurp(run.dir, "timeline.html");
	assert_non_null(s);
	size_t segs = count(s, "class=\"seg ");
	assert_true(segs < 4000);
	assert_true(count(s, "class=\"seg mixed\"") > 0);
	assert_int_equal(count(s, "<g class=\"overlap\">"), 1);
	free(s);
	/* the JSON keeps every leadership interval */
	char *js = slurp(run.dir, "report.json");
	cJSON *j = cJSON_Parse(js);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "leadership")), 20000);
	cJSON_Delete(j);
	free(js);
	free(lead);
}

static void test_unwritable_dir_is_a_clear_error(void **state)
{
	fixture *f = *state;
	rep_run run = run_of(f, "x");
	run.dir = "/proc/leaselab-cannot-write-here";
	char err[256] = "";
	assert_int_not_equal(rep_write_run(&run, err, sizeof err), LE_OK);
	assert_non_null(strstr(err, "/proc/leaselab-cannot-write-here"));
}

/* rep_mkdirs is mkdir -p: nested parts made, an existing folder fine; a
 * part that is a file fails with err naming that part and errno kept for
 * callers that word their own message (bin/sim run, explore, live). */
static void test_mkdirs_makes_parents_and_names_what_failed(void **state)
{
	fixture *f = *state;
	char path[600], file[300], err[700] = "";
	snprintf(path, sizeof path, "%s/a/b/c", f->dir);
	assert_int_equal(rep_mkdirs(path, err, sizeof err), LE_OK);
	assert_int_equal(access(path, W_OK), 0);
	assert_int_equal(rep_mkdirs(path, err, sizeof err), LE_OK); /* exists */

	snprintf(file, sizeof file, "%s/a/plain", f->dir);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/under/it", file);
	errno = 0;
	assert_int_equal(rep_mkdirs(path, err, sizeof err), LE_EIO);
	assert_int_equal(errno, ENOTDIR);
	char want[800];
	snprintf(want, sizeof want, "%s/under: %s", file, strerror(ENOTDIR));
	assert_string_equal(err, want);
	assert_int_equal(rep_mkdirs(path, NULL, 0), LE_EIO); /* err optional */
	remove(file);

	char lng[SIM_PATH_MAX + 8];
	memset(lng, 'x', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	char lerr[sizeof lng + 32];
	assert_int_equal(rep_mkdirs(lng, lerr, sizeof lerr), LE_ERANGE);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_non_null(strstr(lerr, ": path too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_json_has_documented_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_has_a_lane_per_pod_and_a_mark_per_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit_counts_and_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_runs_are_thinned_but_overlaps_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_dir_is_a_clear_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdirs_makes_parents_and_names_what_failed, setup, teardown),
	};
	return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
