/* Scenario inputs that cannot stall bin/sim (issue 14): nesting depth,
 * simulated duration and the smallest retry period are capped, each with an
 * error naming the limit and where; document size was capped before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../sim/scenario_int.h"
#include "leaselab/sim.h"

static int parse(const char *yaml, size_t len, sim_scenario *s, char *err, size_t cap)
{
	return sim_scenario_parse(yaml, len, "t.yaml", s, err, cap);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 200 KB of nesting used to take over a minute in libyaml's loader. */
static void test_deep_nesting_is_refused_at_once(void **state)
{
	(void)state;
	static const char *const shapes[][2] = {{"[", "]"}, {"{a: ", "}"}};
	for (int k = 0; k < 2; k++) {
		size_t depth = 100000, o = strlen(shapes[k][0]), c = strlen(shapes[k][1]);
		const char *head = "name: x\nduration: 10s\npods: ";
		size_t hl = strlen(head), len = hl + depth * (o + c) + 1;
		char *y = malloc(len + 1);
		memcpy(y, head, hl);
		for (size_t i = 0; i < depth; i++)
			memcpy(y + hl + i * o, shapes[k][0], o);
		for (size_t i = 0; i < depth; i++)
			memcpy(y + hl + depth * o + i * c, shapes[k][1], c);
		y[len - 1] = '\n';
		y[len] = 0;
		sim_scenario s;
		char err[512];
		double t0 = now_s();
		assert_int_equal(parse(y, len, &s, err, sizeof err), LE_EINVAL);
		double took = now_s() - t0;
		if (strstr(err, "nested more than 64 levels deep") == NULL ||
		    strncmp(err, "t.yaml:3:", 9) != 0)
			fail_msg("error: %s", err);
		if (took > 2.0)
			fail_msg("refusing took %.1fs", took);
		free(y);
	}
	/* 64 levels are fine as far as depth goes (the schema then objects) */
	char y[1024];
	int n = snprintf(y, sizeof y, "name: x\nduration: 10s\npods: ");
	for (int i = 0; i < 63; i++)
		y[n++] = '[';
	for (int i = 0; i < 63; i++)
		y[n++] = ']';
	y[n++] = '\n';
	y[n] = 0;
	sim_scenario s;
	char err[512];
	assert_int_not_equal(parse(y, (size_t)n, &s, err, sizeof err), LE_OK);
	assert_null(strstr(err, "levels deep"));
}

static void test_duration_and_retry_period_are_capped(void **state)
{
	(void)state;
	static const struct {
		const char *yaml, *msg;
	} cases[] = {
		{"name: x\nduration: 1000000h\npods:\n- name: a\n",
		 "t.yaml:2:1: duration: 1000000h0m0s is longer than a scenario may run (at "
		 "most 24h of simulated time)"},
		{"name: x\nduration: 10s\nelection:\n  retryPeriod: 1ns\npods:\n- name: a\n",
		 "t.yaml:4:3: election.retryPeriod: retryPeriod 1ns is below the smallest a "
		 "scenario may use (1ms; pod a)"},
		{"name: x\nduration: 10s\npods:\n- name: a\n  election:\n    ttl: 3ms\n",
		 "pods[0].election.ttl: retryPeriod 750µs is below the smallest a scenario may use (1ms; pod a)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_scenario s;
		char err[512];
		assert_int_equal(parse(cases[i].yaml, strlen(cases[i].yaml), &s, err, sizeof err),
				 LE_EINVAL);
		if (strstr(err, cases[i].msg) == NULL)
			fail_msg("case %zu: %s\nwant: %s", i, err, cases[i].msg);
	}
	/* the limits themselves are allowed */
	const char *ok = "name: x\nduration: 24h\nelection:\n  retryPeriod: 1ms\n"
			 "  renewDeadline: 10ms\n  leaseDuration: 15ms\npods:\n- name: a\n";
	sim_scenario s;
	char err[512];
	if (parse(ok, strlen(ok), &s, err, sizeof err) != LE_OK)
		fail_msg("%s", err);
	sim_scenario_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deep_nesting_is_refused_at_once),
		cmocka_unit_test(test_duration_and_retry_period_are_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
