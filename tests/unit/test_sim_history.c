/* Unit tests for the history as a contract (sim/history.c,
 * sim/history_read.c): the push API a driver uses without the world, the
 * version-2 JSON lines, and the reader's errors on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/sim.h"

#define S(x) ((int64_t)(x) * 1000000000)
/* A wall time past 2^53 ns, where a double would round. */
#define WALL (INT64_C(1767225600) * 1000000000 + 123456789)

/* Two pods, one lease write with every field, a cut, a work write. */
static void build(sim_history *h)
{
	sim_history_init(h);
	h->seed = UINT64_C(18446744073709551615);
	h->end_ns = S(60);
	snprintf(h->driver, sizeof h->driver, "live");
	h->time_scale_ppm = 250000;
	int32_t a = sim_history_identity(h, "pod-a");
	int32_t b = sim_history_identity(h, "pod \"b\"\n");
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(sim_history_add_pod(h, "pod-a", a, 0, -1), 0);
	assert_int_equal(sim_history_add_pod(h, "pod \"b\"\n", b, 1, -1), 1);
	sim_event e = sim_event_make(0, SIM_EV_POD_START, 0);
	e.restarts = 2;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
	e = sim_event_make(S(1), SIM_EV_LEASE_WRITE, 0);
	e.holder = a;
	e.transitions = 7;
	e.resource_version = INT64_C(9007199254740993); /* 2^53 + 1 */
	e.lease_duration_s = 15;
	e.has_acquire_time = e.has_renew_time = true;
	e.acquire_wall_ns = WALL;
	e.renew_wall_ns = WALL + 1;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
	e = sim_event_make(S(1), SIM_EV_STARTED_LEADING, 0);
	e.term = 1;
	e.token = 7;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
	e = sim_event_make(S(2), SIM_EV_CUT, 1);
	e.fault = 0;
	e.direction = SIM_DIR_FROM;
	e.partition = FA_PART_REFUSED;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
	e = sim_event_make(S(3), SIM_EV_WORK, 0);
	e.token = 7;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
	e = sim_event_make(S(4), SIM_EV_STOPPED_LEADING, 0);
	e.was_leader = true;
	assert_int_equal(sim_history_push(h, &e), LE_OK);
}

static bool ev_equal(const sim_event *a, const sim_event *b)
{
	return a->t_ns == b->t_ns && a->kind == b->kind &&
	       a->pod == b->pod && a->holder == b->holder && a->fault == b->fault &&
	       a->restarts == b->restarts && a->was_leader == b->was_leader &&
	       a->grace_period_ns == b->grace_period_ns && a->term == b->term &&
	       a->token == b->token && a->transitions == b->transitions &&
	       a->resource_version == b->resource_version &&
	       a->lease_duration_s == b->lease_duration_s &&
	       a->has_acquire_time == b->has_acquire_time &&
	       a->has_renew_time == b->has_renew_time &&
	       a->acquire_wall_ns == b->acquire_wall_ns &&
	       a->renew_wall_ns == b->renew_wall_ns &&
	       a->direction == b->direction && a->partition == b->partition;
}

static char *to_text(const sim_history *h, const sim_scenario *sc, size_t *len)
{
	char *text = sim_history_text(h, sc, len);
	assert_non_null(text);
	return text;
}

static int read_text(const char *text, sim_history *h, sim_scenario *sc,
		     char *err, size_t errcap)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	int rc = sim_history_read_jsonl(f, "h.jsonl", h, sc, err, errcap);
	fclose(f);
	return rc;
}

static void test_push_assigns_seq_and_refuses_time_going_back(void **state)
{
	(void)state;
	sim_history h;
	build(&h);
	sim_event e = sim_event_make(S(3), SIM_EV_PAUSE, 0);
	assert_int_equal(sim_history_push(&h, &e), LE_EINVAL);
	e = sim_event_make(S(5), SIM_EV_PAUSE, 2); /* no pod 2 */
	assert_int_equal(sim_history_push(&h, &e), LE_EINVAL);
	e = sim_event_make(S(5), SIM_EV_NEW_LEADER, 0);
	e.holder = 5; /* no identity 5 */
	assert_int_equal(sim_history_push(&h, &e), LE_EINVAL);
	e = sim_event_make(S(5), (sim_ev_kind)99, 0);
	assert_int_equal(sim_history_push(&h, &e), LE_EINVAL);
	assert_int_equal(h.n, 6);
	assert_int_equal(sim_history_identity(&h, ""), -1);
	assert_int_equal(sim_history_identity(&h, "pod-a"), 0);
	sim_history_free(&h);
}

static void test_write_read_round_trip_is_exact(void **state)
{
	(void)state;
	sim_history h, back;
	build(&h);
	size_t len, len2;
	char *text = to_text(&h, NULL, &len);
	char err[256] = "";
	assert_int_equal(read_text(text, &back, NULL, err, sizeof err), LE_OK);
	assert_int_equal(back.n, h.n);
	assert_int_equal(back.npods, 2);
	assert_string_equal(back.pods[1].name, "pod \"b\"\n");
	assert_string_equal(back.identities[1], "pod \"b\"\n");
	assert_true(back.seed == UINT64_C(18446744073709551615));
	assert_string_equal(back.driver, "live");
	assert_int_equal(back.time_scale_ppm, 250000);
	for (size_t i = 0; i < h.n; i++)
		assert_true(ev_equal(&back.ev[i], &h.ev[i]));
	assert_int_equal(back.ev[1].acquire_wall_ns, WALL);
	assert_int_equal(back.ev[1].resource_version, INT64_C(9007199254740993));
	/* and writing it again gives the same bytes */
	char *again = to_text(&back, NULL, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	free(text);
	free(again);
	sim_history_free(&back);
	sim_history_free(&h);
}

static void test_header_carries_the_scenario_for_the_checker(void **state)
{
	(void)state;
	sim_pod_spec pods[2] = {0};
	sim_fault faults[1] = {0};
	sim_scenario sc = {.pods = pods, .npods = 2, .faults = faults, .nfaults = 1};
	snprintf(sc.name, sizeof sc.name, "rt");
	snprintf(sc.file, sizeof sc.file, "scenarios/x/rt.yaml");
	sc.duration_ns = S(60);
	sc.defaults.profile = &le_profile_client_go;
	sc.latency_to = (fa_latency){FA_LAT_PARETO, 1000, 2000000, 1.5};
	sc.expect = (sim_expect){.max_leaders = 1, .failover_max_ns = S(20),
				 .expect_violation = true,
				 .violation = SIM_INV_STABILITY,
				 .check_liveness = true};
	for (int i = 0; i < 2; i++) {
		pods[i].name = i ? "pod-b" : "pod-a";
		pods[i].election.profile = i ? &le_profile_sidecar_05
					     : &le_profile_client_go;
		pods[i].election.lease_duration_ns = S(15);
		pods[i].election.renew_deadline_ns = S(10);
		pods[i].election.retry_period_ns = S(2);
		pods[i].clock_rate_ppm = -500;
		pods[i].stop_delay_ns = S(1);
	}
	faults[0].action = SIM_ACT_APISERVER;
	faults[0].at_ns = S(10);
	faults[0].duration_ns = S(5);
	faults[0].apiserver.commit_delay_ns = S(3);
	faults[0].replacement_profile = &le_profile_client_go_2018;
	snprintf(faults[0].label, sizeof faults[0].label, "slow etcd");
	sim_history h, back;
	build(&h);
	size_t len;
	char *text = to_text(&h, &sc, &len);
	sim_scenario got;
	char err[256] = "";
	assert_int_equal(read_text(text, &back, &got, err, sizeof err), LE_OK);
	assert_string_equal(got.name, "rt");
	assert_string_equal(got.file, "scenarios/x/rt.yaml");
	assert_int_equal(got.duration_ns, S(60));
	assert_int_equal(got.latency_to.kind, FA_LAT_PARETO);
	assert_int_equal(got.latency_to.b_ns, 2000000);
	assert_true(got.latency_to.alpha == 1.5);
	assert_int_equal(got.npods, 2);
	assert_ptr_equal(got.pods[1].election.profile, &le_profile_sidecar_05);
	assert_int_equal(got.pods[1].election.lease_duration_ns, S(15));
	assert_int_equal(got.pods[0].clock_rate_ppm, -500);
	assert_int_equal(got.pods[0].stop_delay_ns, S(1));
	assert_int_equal(got.nfaults, 1);
	assert_int_equal(got.faults[0].action, SIM_ACT_APISERVER);
	assert_int_equal(got.faults[0].apiserver.commit_delay_ns, S(3));
	assert_ptr_equal(got.faults[0].replacement_profile, &le_profile_client_go_2018);
	assert_string_equal(got.faults[0].label, "slow etcd");
	assert_true(got.expect.expect_violation);
	assert_int_equal(got.expect.violation, SIM_INV_STABILITY);
	assert_int_equal(got.expect.failover_max_ns, S(20));
	assert_false(got.expect.check_stability);
	/* without the scenario in the header, asking for it is an error */
	sim_history_free(&back);
	sim_scenario_free(&got);
	free(text);
	text = to_text(&h, NULL, &len);
	assert_int_equal(read_text(text, &back, &got, err, sizeof err), LE_EINVAL);
	assert_non_null(strstr(err, "h.jsonl:1: scenario: "));
	assert_non_null(strstr(err, "--scenario"));
	free(text);
	sim_scenario_free(&got);
	sim_history_free(&h);
}

/* Bad input: each case names the line and the field. */
typedef struct bad_case {
	const char *name;
	const char *text;
	const char *want; /* substring of the error */
} bad_case;

#define HDR "{\"history\":\"leaselab\",\"version\":2,\"seed\":1,\"end_ns\":100,"
#define PODS "\"pods\":[{\"index\":0,\"name\":\"a\",\"identity\":0,\"spec\":0,\"replaces\":-1}],\"identities\":[\"a\"]"
#define EV0 "{\"seq\":0,\"t_ns\":5,\"kind\":\"pod-start\",\"pod\":0,\"holder\":-1,\"fault\":-1,\"restarts\":0}\n"

static const bad_case bad_cases[] = {
	{"empty", "", "h.jsonl:1: empty"},
	{"not json", "hello\n", "h.jsonl:1: not JSON"},
	{"not a history", "{\"a\":1}\n", "h.jsonl:1: not a leaselab history"},
	{"version 1",
	 "{\"history\":\"leaselab-sim\",\"version\":1,\"scenario\":\"x\",\"seed\":1}\n",
	 "h.jsonl:1: version: a version 1 history"},
	{"duplicate field", HDR "\"version\":3}\n", "field \"version\" appears twice"},
	{"future version", "{\"history\":\"leaselab\",\"version\":3}\n",
	 "h.jsonl:1: version: version 3 is not one"},
	{"seed negative", "{\"history\":\"leaselab\",\"version\":2,\"seed\":-1}\n",
	 "h.jsonl:1: seed: expected an unsigned integer"},
	{"no pods", HDR "\"events\":0,\"identities\":[]}\n", "h.jsonl:1: pods: missing"},
	{"pod identity out of range",
	 HDR "\"events\":0,\"pods\":[{\"index\":0,\"name\":\"a\",\"identity\":3,\"spec\":0,\"replaces\":-1}],\"identities\":[\"a\"]}\n",
	 "h.jsonl:1: pods[0].identity: out of range"},
	{"truncated line", HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"ki",
	 "h.jsonl:2: the last line has no newline"},
	{"fewer events", HDR "\"events\":2," PODS "}\n" EV0,
	 "h.jsonl:3: events: the header announces 2 events, the file has 1"},
	{"unknown kind",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"kind\":\"pod-explode\",\"pod\":0}\n",
	 "h.jsonl:2: kind: unknown event kind \"pod-explode\""},
	{"seq gap",
	 HDR "\"events\":1," PODS "}\n{\"seq\":1,\"t_ns\":5,\"kind\":\"pod-start\"}\n",
	 "h.jsonl:2: seq: 1 where 0 was due"},
	{"time backwards",
	 HDR "\"events\":2," PODS "}\n" EV0 "{\"seq\":1,\"t_ns\":4,\"kind\":\"pause\",\"pod\":0}\n",
	 "h.jsonl:3: t_ns: 4 is before the previous event's 5"},
	{"pod out of range",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"kind\":\"pause\",\"pod\":1}\n",
	 "h.jsonl:2: pod: 1 out of range [-1, 0]"},
	{"transitions beyond int32 (the Lease API's type)",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"kind\":\"lease-write\",\"pod\":0,"
	 "\"holder\":0,\"fault\":-1,\"transitions\":2147483648,\"resource_version\":1,"
	 "\"lease_duration_s\":15}\n",
	 "h.jsonl:2: transitions: 2147483648 out of range [-2147483648, 2147483647]"},
	{"fraction",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5.5,\"kind\":\"pause\",\"pod\":0}\n",
	 "h.jsonl:2: t_ns: expected an integer"},
	{"huge integer",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":99999999999999999999,\"kind\":\"pause\"}\n",
	 "h.jsonl:2: t_ns: 99999999999999999999 out of range"},
	{"bool as number",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"kind\":\"stopped-leading\",\"was_leader\":1}\n",
	 "h.jsonl:2: was_leader: expected true or false"},
	{"bad direction",
	 HDR "\"events\":1," PODS "}\n{\"seq\":0,\"t_ns\":5,\"kind\":\"cut\",\"pod\":0,\"direction\":\"up\"}\n",
	 "h.jsonl:2: direction: unknown direction \"up\""},
	{"trailing text", HDR "\"events\":0," PODS "} x\n", "h.jsonl:1: not JSON: text after"},
	{"unterminated string", "{\"history\":\"leaselab\n", "h.jsonl:1: unterminated"},
	{"unbalanced nested", HDR "\"events\":0,\"pods\":[{]," PODS "}\n", "h.jsonl:1: not JSON"},
};

static void test_bad_input_names_line_and_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const bad_case *c = &bad_cases[i];
		sim_history h;
		char err[512] = "";
		int rc = read_text(c->text, &h, NULL, err, sizeof err);
		if (rc == LE_OK || !strstr(err, c->want))
			fail_msg("%s: rc %d, error \"%s\", wanted \"%s\"", c->name, rc,
				 err, c->want);
		assert_int_equal(h.n, 0); /* nothing half-read is left */
		assert_null(h.ev);
	}
}

static void test_unknown_fields_are_ignored(void **state)
{
	(void)state;
	const char *text = HDR "\"events\":1,\"future\":{\"x\":[1,2]}," PODS "}\n"
			   "{\"seq\":0,\"t_ns\":5,\"kind\":\"pause\",\"pod\":0,\"note\":\"hi\"}\n";
	sim_history h;
	char err[256] = "";
	assert_int_equal(read_text(text, &h, NULL, err, sizeof err), LE_OK);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.ev[0].kind, SIM_EV_PAUSE);
	assert_int_equal(h.ev[0].fault, -1);
	assert_string_equal(h.driver, "sim");
	sim_history_free(&h);
}

/* A kind's own fields share storage with other kinds' (sim_event's union):
 * a line that also carries another kind's fields keeps its own intact. */
static void test_other_kinds_fields_are_ignored(void **state)
{
	(void)state;
	const char *text =
		HDR "\"events\":3," PODS "}\n"
		"{\"seq\":0,\"t_ns\":5,\"kind\":\"pod-start\",\"pod\":0,\"restarts\":2,"
		"\"term\":7,\"transitions\":9,\"was_leader\":true}\n"
		"{\"seq\":1,\"t_ns\":6,\"kind\":\"lease-write\",\"pod\":0,\"holder\":0,"
		"\"transitions\":4,\"resource_version\":11,\"lease_duration_s\":15,"
		"\"renew_wall_ns\":1000,\"restarts\":5,\"term\":0,\"direction\":\"to\","
		"\"grace_period_ns\":3}\n"
		"{\"seq\":2,\"t_ns\":7,\"kind\":\"acting-end\",\"pod\":0,\"term\":3,"
		"\"probe_failures\":8,\"restarts\":1}\n";
	sim_history h;
	char err[256] = "";
	assert_int_equal(read_text(text, &h, NULL, err, sizeof err), LE_OK);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.ev[0].restarts, 2);
	const sim_event *w = &h.ev[1];
	assert_int_equal(w->transitions, 4);
	assert_int_equal(w->resource_version, 11);
	assert_int_equal(w->lease_duration_s, 15);
	assert_false(w->has_acquire_time);
	assert_true(w->has_renew_time);
	assert_int_equal(w->renew_wall_ns, 1000);
	assert_int_equal(w->object, 0);
	assert_false(w->has_preferred);
	assert_int_equal(h.ev[2].term, 3);
	sim_history_free(&h);
}

static void test_kind_names_round_trip(void **state)
{
	(void)state;
	for (int k = 1; k < SIM_EV_KIND_COUNT; k++)
		assert_int_equal(sim_ev_kind_from_name(sim_ev_kind_name((sim_ev_kind)k)), k);
	assert_int_equal(sim_ev_kind_from_name("unknown"), 0);
	assert_int_equal(sim_ev_kind_from_name(NULL), 0);
}

/* Every action is written by its fault-model name and read back to the same
 * action; an alias the parser takes ("container-kill") is not a header name,
 * and an empty one is missing. */
static void test_fault_actions_round_trip_by_their_model_names(void **state)
{
	(void)state;
	sim_pod_spec pods[1] = {0};
	pods[0].name = "pod-a";
	pods[0].election.profile = &le_profile_client_go;
	sim_history h;
	build(&h);
	for (int a = SIM_ACT_POD_KILL; a <= SIM_ACT_LAST; a++) {
		sim_fault f = {.action = (sim_action)a, .at_ns = S(1)};
		sim_scenario sc = {.pods = pods, .npods = 1, .faults = &f, .nfaults = 1,
				   .duration_ns = S(60), .expect = {.max_leaders = 1},
				   .defaults = pods[0].election};
		size_t len;
		char *text = to_text(&h, &sc, &len);
		char want[64];
		snprintf(want, sizeof want, "\"action\":\"%s\"",
			 sim_fault_action_name((sim_action)a));
		char *at = strstr(text, want);
		assert_non_null(at);
		sim_history back;
		sim_scenario got;
		char err[256] = "";
		if (read_text(text, &back, &got, err, sizeof err) != LE_OK)
			fail_msg("action %s: %s", sim_fault_action_name((sim_action)a), err);
		assert_int_equal(got.faults[0].action, a);
		sim_history_free(&back);
		sim_scenario_free(&got);

		/* The same header with another name in the action's place. */
		static const struct { const char *name, *why; } bad[] = {
			{"container-kill", "faults[0].action: unknown name"},
			{"", "faults[0].action: missing"},
		};
		size_t off = (size_t)(at - text) + strlen("\"action\":\"");
		size_t old = strlen(sim_fault_action_name((sim_action)a));
		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			char *t2 = malloc(len + 32);
			assert_non_null(t2);
			memcpy(t2, text, off);
			strcpy(t2 + off, bad[k].name);
			strcat(t2, text + off + old);
			err[0] = '\0';
			assert_int_not_equal(read_text(t2, &back, &got, err, sizeof err), LE_OK);
			if (!strstr(err, bad[k].why))
				fail_msg("action \"%s\": error \"%s\"", bad[k].name, err);
			free(t2);
		}
		free(text);
	}
	sim_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_assigns_seq_and_refuses_time_going_back),
		cmocka_unit_test(test_write_read_round_trip_is_exact),
		cmocka_unit_test(test_header_carries_the_scenario_for_the_checker),
		cmocka_unit_test(test_bad_input_names_line_and_field),
		cmocka_unit_test(test_unknown_fields_are_ignored),
		cmocka_unit_test(test_other_kinds_fields_are_ignored),
		cmocka_unit_test(test_kind_names_round_trip),
		cmocka_unit_test(test_fault_actions_round_trip_by_their_model_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
