/* What the sidecar prints and serves: event lines (elector/io/events.c) and
 * /metrics (elector/io/metrics.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "leaselab/run.h"

#include "io_test.h"

/* 2024-03-03T14:39:10.661727Z */
#define WALL (INT64_C(1709476750) * LE_NS_PER_S + INT64_C(661727123))

static void test_json_line_shape(void **state)
{
	(void)state;
	char buf[1024];
	le_event ev = {.kind = LE_EV_NEW_LEADER,
		       .wall_ns = WALL,
		       .identity = "pod-a",
		       .leader = "pod-b",
		       .text = "pod-b is the leader"};
	int n = le_event_format_json(&ev, buf, sizeof buf);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(
		buf,
		"{\"ts\":\"2024-03-03T14:39:10.661727Z\",\"level\":\"info\",\"event\":\"new_"
		"leader\","
		"\"identity\":\"pod-a\",\"leader\":\"pod-b\",\"msg\":\"pod-b is the leader\"}");

	le_event st = {.kind = LE_EV_STARTED_LEADING,
		       .wall_ns = WALL,
		       .identity = "pod-a",
		       .text = "pod-a became leader"};
	le_event_format_json(&st, buf, sizeof buf);
	assert_string_equal(buf, "{\"ts\":\"2024-03-03T14:39:10.661727Z\",\"level\":\"info\","
				 "\"event\":\"started_leading\","
				 "\"identity\":\"pod-a\",\"msg\":\"pod-a became leader\"}");
	st.kind = LE_EV_STOPPED_LEADING;
	le_event_format_json(&st, buf, sizeof buf);
	assert_contains(buf, "\"event\":\"stopped_leading\"");
}

static void test_json_escapes_and_extras(void **state)
{
	(void)state;
	char buf[1024];
	const char *msg = "error retrieving resource lock default/elect-nginx-deploy: endpoints "
			  "\"elect-nginx-deploy\" "
			  "is forbidden\tx\n";
	le_event ev = {.kind = LE_EV_LOG,
		       .wall_ns = WALL,
		       .identity = "a\\b",
		       .text = msg,
		       .verbosity = 4,
		       .is_error = true,
		       .status = 403};
	assert_true(le_event_format_json(&ev, buf, sizeof buf) > 0);
	cJSON *j = cJSON_Parse(buf); /* must be valid JSON whatever the text */
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "msg")->valuestring, msg);
	assert_string_equal(cJSON_GetObjectItem(j, "identity")->valuestring, "a\\b");
	assert_string_equal(cJSON_GetObjectItem(j, "level")->valuestring, "error");
	assert_string_equal(cJSON_GetObjectItem(j, "event")->valuestring, "log");
	assert_int_equal(cJSON_GetObjectItem(j, "v")->valueint, 4);
	assert_int_equal(cJSON_GetObjectItem(j, "status")->valueint, 403);
	assert_null(cJSON_GetObjectItem(j, "leader"));
	cJSON_Delete(j);

	/* too small a buffer is an error, never a cut-off line */
	assert_int_equal(le_event_format_json(&ev, buf, 40), LE_ERANGE);
}

static void test_text_line_is_klog_like(void **state)
{
	(void)state;
	char buf[512], want[128];
	le_event ev = {
		.kind = LE_EV_LOG,
		.wall_ns = WALL,
		.identity = "x",
		.text = "lock is held by nginx-deploy-5ff9c9d8c7-hcbct and has not yet expired"};
	int n = le_event_format_text(&ev, 8, buf, sizeof buf);
	assert_int_equal(n, (int)strlen(buf));
	time_t secs = (time_t)(WALL / LE_NS_PER_S);
	struct tm tm;
	localtime_r(&secs, &tm);
	snprintf(want, sizeof want, "I%02d%02d %02d:%02d:%02d.661727       8 elector] ",
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	assert_int_equal(strncmp(buf, want, strlen(want)), 0);
	assert_string_equal(buf + strlen(want), ev.text);
	ev.is_error = true;
	le_event_format_text(&ev, 8, buf, sizeof buf);
	assert_int_equal(buf[0], 'E');
	ev.msg = LE_MSG_STARTUP_FAILED; /* 0.5's glog.Fatalf */
	le_event_format_text(&ev, 8, buf, sizeof buf);
	assert_int_equal(buf[0], 'F');
	le_event_format_json(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "\"level\":\"fatal\""));
	ev.msg = LE_MSG_DUPLICATE_IDENTITY; /* a warning, though is_error */
	le_event_format_text(&ev, 8, buf, sizeof buf);
	assert_int_equal(buf[0], 'W');
	le_event_format_json(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "\"level\":\"warning\""));
}

static void test_metrics_exposition(void **state)
{
	(void)state;
	le_run_metrics m;
	memset(&m, 0, sizeof m);
	m.name = "elect-nginx-deploy";
	m.leading = true;
	m.core.slowpath = 3;
	m.core.renew_failures = 2;
	m.core.acquisitions = 4;
	m.core.duplicate_identity = 5;
	m.transitions_observed = 7;
	m.last_renew_age_ns = 1500 * LE_NS_PER_MS;
	le_run_metrics_count_error(&m, 403);
	le_run_metrics_count_error(&m, 0);
	le_run_metrics_count_error(&m, 403);
	char buf[16384];
	int n = le_metrics_render(&m, buf, sizeof buf);
	assert_int_equal(n, (int)strlen(buf));
	assert_contains(buf, "# TYPE leader_election_master_status gauge\n");
	assert_contains(buf, "\nleader_election_master_status{name=\"elect-nginx-deploy\"} 1\n");
	assert_contains(buf, "\nleader_election_slowpath_total{name=\"elect-nginx-deploy\"} 3\n");
	assert_contains(
		buf,
		"\nleader_election_transitions_observed_total{name=\"elect-nginx-deploy\"} 7\n");
	assert_contains(buf,
			"\nleader_election_renew_failures_total{name=\"elect-nginx-deploy\"} 2\n");
	assert_contains(buf,
			"\nleader_election_acquisitions_total{name=\"elect-nginx-deploy\"} 4\n");
	assert_contains(
		buf, "\nleader_election_duplicate_identity_total{name=\"elect-nginx-deploy\"} 5\n");
	assert_contains(buf, "\nleader_election_request_errors_total{name=\"elect-nginx-deploy\","
			     "code=\"403\"} 2\n");
	assert_contains(buf, "\nleader_election_request_errors_total{name=\"elect-nginx-deploy\","
			     "code=\"0\"} 1\n");
	assert_contains(
		buf,
		"\nleader_election_last_renew_age_seconds{name=\"elect-nginx-deploy\"} 1.500\n");
	/* every sample line belongs to a declared family */
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		assert_int_equal(strncmp(line, "leader_election_", 16), 0);
	}

	m.leading = false;
	m.last_renew_age_ns = -1; /* never renewed: no stale-looking zero */
	m.name = "we\"ird\\name";
	le_metrics_render(&m, buf, sizeof buf);
	assert_contains(buf, "leader_election_master_status{name=\"we\\\"ird\\\\name\"} 0\n");
	assert_null(strstr(buf, "last_renew_age"));
	assert_int_equal(le_metrics_render(&m, buf, 100), LE_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_line_shape),
		cmocka_unit_test(test_json_escapes_and_extras),
		cmocka_unit_test(test_text_line_is_klog_like),
		cmocka_unit_test(test_metrics_exposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
