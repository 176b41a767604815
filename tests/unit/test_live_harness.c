/* sim/live's pure parts: what a pod's output line means (bin/elector's JSON
 * events, foreign regexes), libfaketime specs and their atomic rewrite, the
 * preload check, and the history adapter that turns out-of-order
 * observations into a history the checker accepts. The harness itself is
 * tested end to end by tests/live/test_sim_live_*.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../sim/live/live_int.h"
#include "../../sim/live/live_run.h"

static void test_elector_json_events_are_observed(void **state)
{
	(void)state;
	lv_matchers m;
	char err[256];
	assert_int_equal(lv_matchers_init(&m, true, NULL, NULL, NULL, err, sizeof err), LE_OK);
	lv_obs o;
	lv_observe_line(&m, "{\"ts\":\"2026-12-02T05:30:01.250000Z\",\"level\":\"info\","
			    "\"event\":\"started_leading\",\"identity\":\"a\",\"msg\":\"x\"}", &o);
	assert_int_equal(o.kind, LV_OBS_STARTED);
	assert_true(o.has_wall);
	assert_int_equal(o.wall_ns % LE_NS_PER_S, 250000000);
	lv_observe_line(&m, "{\"ts\":\"2026-12-02T05:30:02Z\",\"event\":\"new_leader\","
			    "\"identity\":\"a\",\"leader\":\"b\",\"msg\":\"\"}", &o);
	assert_int_equal(o.kind, LV_OBS_NEW_LEADER);
	assert_string_equal(o.leader, "b");
	lv_observe_line(&m, "{\"event\":\"stopped_leading\",\"identity\":\"a\"}", &o);
	assert_int_equal(o.kind, LV_OBS_STOPPED);
	assert_false(o.has_wall);
	lv_observe_line(&m, "{\"ts\":\"2026-12-02T05:30:02Z\",\"event\":\"log\"}", &o);
	assert_int_equal(o.kind, LV_OBS_LOG);
	lv_observe_line(&m, "I1202 05:30:02.000000 1 elector] started leading", &o);
	assert_int_equal(o.kind, LV_OBS_NONE); /* text lines mean nothing in JSON mode */
	lv_matchers_free(&m);
}

static void test_regexes_map_lines_to_leadership(void **state)
{
	(void)state;
	lv_matchers m;
	char err[256];
	assert_int_equal(lv_matchers_init(&m, false, " started leading$", " stopped leading$",
					  " new leader (.+)$", err, sizeof err), LE_OK);
	lv_obs o;
	lv_observe_line(&m, "py-a started leading", &o);
	assert_int_equal(o.kind, LV_OBS_STARTED);
	lv_observe_line(&m, "py-a stopped leading", &o);
	assert_int_equal(o.kind, LV_OBS_STOPPED);
	lv_observe_line(&m, "py-a new leader py-b", &o);
	assert_int_equal(o.kind, LV_OBS_NEW_LEADER);
	assert_string_equal(o.leader, "py-b");
	lv_observe_line(&m, "py-a started leading soon", &o);
	assert_int_equal(o.kind, LV_OBS_NONE);
	lv_matchers_free(&m);
}

static void test_bad_regexes_name_the_flag(void **state)
{
	(void)state;
	lv_matchers m;
	char err[256] = "";
	assert_int_equal(lv_matchers_init(&m, false, "(", NULL, NULL, err, sizeof err), LE_EINVAL);
	assert_non_null(strstr(err, "--leader-regex '('"));
	assert_int_equal(lv_matchers_init(&m, false, NULL, NULL, "new leader .*", err, sizeof err),
			 LE_EINVAL);
	assert_non_null(strstr(err, "--new-leader-regex"));
	assert_non_null(strstr(err, "group"));
}

static void test_faketime_spec_and_atomic_rewrite(void **state)
{
	(void)state;
	char spec[64], err[256];
	lv_faketime_spec(-30 * LE_NS_PER_S, 1.0, spec, sizeof spec);
	assert_string_equal(spec, "-30.000000 x1.000000");
	lv_faketime_spec(1500000000, 0.4, spec, sizeof spec);
	assert_string_equal(spec, "+1.500000 x0.400000");
	char dir[] = "/tmp/test_live_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], tmp[140], line[64] = "";
	snprintf(path, sizeof path, "%s/ft", dir);
	assert_int_equal(lv_faketime_write(path, "+0.000000 x2.000000", err, sizeof err), LE_OK);
	assert_int_equal(lv_faketime_write(path, spec, err, sizeof err), LE_OK);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_string_equal(line, "+1.500000 x0.400000\n");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0); /* renamed, not left */
	unlink(path);
	rmdir(dir);
}

static void test_missing_faketime_library_is_named(void **state)
{
	(void)state;
	char err[512] = "";
	setenv("LEASELAB_FAKETIME_LIB", "/nonexistent/libfaketimeMT.so.1", 1);
	assert_null(lv_faketime_lib(err, sizeof err));
	assert_non_null(strstr(err, "libfaketime is missing (/nonexistent/libfaketimeMT.so.1"));
	unsetenv("LEASELAB_FAKETIME_LIB");
}

static void test_preload_reaches_dynamic_programs_and_scripts(void **state)
{
	(void)state;
	char why[512] = "";
	assert_true(lv_preload_reaches("/bin/sh", why, sizeof why));
	assert_true(lv_preload_reaches("sh", why, sizeof why)); /* via PATH */
	assert_true(lv_preload_reaches("/nonexistent", why, sizeof why));
}

static void test_history_adapter_sorts_and_numbers_terms(void **state)
{
	(void)state;
	lv_history *h = lv_history_new(7, 0.1);
	assert_non_null(h);
	assert_int_equal(lv_history_add_pod(h, "a", "a", 0, -1), 0);
	assert_int_equal(lv_history_add_pod(h, "b", "", 1, -1), 1);
	/* Observations first, the apiserver's writes after, as live.c does. */
	assert_int_equal(lv_history_push(h, 0, SIM_EV_POD_START, 0, NULL, -1, 0, 0), LE_OK);
	assert_int_equal(lv_history_push(h, 30, SIM_EV_STARTED_LEADING, 0, NULL, -1, 0, 0), LE_OK);
	assert_int_equal(lv_history_push(h, 50, SIM_EV_STOPPED_LEADING, 0, NULL, -1, 1, 0), LE_OK);
	assert_int_equal(lv_history_push(h, 60, SIM_EV_STARTED_LEADING, 0, NULL, -1, 0, 0), LE_OK);
	le_record rec = {.holder = "a", .holder_set = true, .lease_duration_s = 15,
			 .transitions = 4};
	assert_int_equal(lv_history_push_write(h, 29, 0, &rec, 12), LE_OK);
	assert_int_equal(lv_history_set_identity(h, 1, "uuid-b"), LE_OK);
	assert_int_equal(lv_history_finish(h, 100), LE_OK);
	const sim_history *v = lv_history_view(h);
	assert_string_equal(v->driver, "live");
	assert_int_equal(v->time_scale_ppm, 100000);
	assert_int_equal(v->n, 5);
	for (size_t i = 1; i < v->n; i++)
		assert_true(v->ev[i - 1].t_ns <= v->ev[i].t_ns);
	assert_int_equal(v->ev[1].kind, SIM_EV_LEASE_WRITE);
	assert_int_equal(v->ev[1].transitions, 4);
	assert_int_equal(v->ev[1].resource_version, 12);
	assert_int_equal(v->ev[2].kind, SIM_EV_STARTED_LEADING);
	assert_int_equal(v->ev[2].term, 1);
	assert_int_equal(v->ev[2].token, 4); /* transitions when the term began */
	assert_true(v->ev[3].was_leader);
	assert_int_equal(v->ev[4].term, 2);
	assert_string_equal(v->identities[v->pods[1].identity], "uuid-b");
	assert_int_equal(v->end_ns, 100);
	lv_history_free(h);
}

/* A pod killed while its pipe still holds a "leading" line: the line,
 * read after the death, starts no leadership (a dead pod leading to the
 * end of the run was a false overlap, seen in the embedded kill demo). */
static void test_a_line_read_after_death_starts_no_leadership(void **state)
{
	(void)state;
	lv_run r;
	memset(&r, 0, sizeof r);
	char err[256];
	int rc = lv_matchers_init(&r.m, false, "^leader run business$",
				  "^leader stopped$", NULL, err, sizeof err);
	assert_int_equal(rc, LE_OK);
	r.h = lv_history_new(1, 1.0);
	assert_non_null(r.h);
	lv_pod pod;
	memset(&pod, 0, sizeof pod);
	snprintf(pod.name, sizeof pod.name, "p");
	r.pods = &pod;
	r.npods = 1;
	assert_int_equal(lv_history_add_pod(r.h, "p", "p", 0, -1), 0);
	pod.alive = true;
	lv_line_ctx c = {&r, 0};
	lv_on_line(&c, "leader run business");
	assert_true(pod.leading);
	lv_pod_gone(&r, 0, true, -1, lv_now_ns(&r));
	assert_false(pod.leading);
	lv_on_line(&c, "leader run business"); /* still in the pipe */
	assert_false(pod.leading);
	assert_int_equal(lv_history_finish(r.h, lv_now_ns(&r) + 1), LE_OK);
	const sim_history *v = lv_history_view(r.h);
	size_t starts = 0;
	for (size_t i = 0; i < v->n; i++)
		starts += v->ev[i].kind == SIM_EV_STARTED_LEADING;
	assert_int_equal(starts, 1);
	assert_int_equal(r.code, SIM_EXIT_PASS);
	lv_history_free(r.h);
	lv_matchers_free(&r.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elector_json_events_are_observed),
		cmocka_unit_test(test_regexes_map_lines_to_leadership),
		cmocka_unit_test(test_bad_regexes_name_the_flag),
		cmocka_unit_test(test_faketime_spec_and_atomic_rewrite),
		cmocka_unit_test(test_missing_faketime_library_is_named),
		cmocka_unit_test(test_preload_reaches_dynamic_programs_and_scripts),
		cmocka_unit_test(test_history_adapter_sorts_and_numbers_terms),
		cmocka_unit_test(
			test_a_line_read_after_death_starts_no_leadership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
