/* Unit tests for the search room's pieces: --set overrides spliced into
 * the YAML (sim/override.c) and the sweep's statistics (sim/sweep.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/search.h"

static const char base[] =
	"name: t\n"
	"duration: 60s\n"
	"election:\n"
	"  leaseDuration: 15s   # a comment stays\n"
	"  renewDeadline: 10s\n"
	"network:\n"
	"  latency: {min: 1ms, max: 3ms}\n"
	"pods:\n"
	"  - name: a\n"
	"  - name: b\n"
	"    start: 2s\n"
	"faults:\n"
	"  - action: pause\n"
	"    at: 30s\n"
	"    duration: 25s\n"
	"    selector: {role: leader}\n";

static char *apply(const char *path, const char *value, int want_rc, char *err)
{
	sim_override ov;
	char arg[600];
	snprintf(arg, sizeof arg, "%s=%s", path, value);
	assert_int_equal(sim_override_parse(arg, &ov, err, 512), LE_OK);
	char *out = NULL;
	int rc = sim_override_text(base, strlen(base), "t.yaml", &ov, 1, &out, NULL,
				   err, 512);
	assert_int_equal(rc, want_rc);
	return out;
}

static void test_scalar_is_replaced_in_place(void **state)
{
	(void)state;
	char err[512] = "";
	char *t = apply("election.leaseDuration", "30s", LE_OK, err);
	assert_non_null(strstr(t, "  leaseDuration: 30s   # a comment stays\n"));
	assert_null(strstr(t, "15s"));
	free(t);
	t = apply("faults[0].duration", "2s", LE_OK, err);
	assert_non_null(strstr(t, "    duration: 2s\n"));
	free(t);
	/* inside a flow mapping */
	t = apply("network.latency.max", "9ms", LE_OK, err);
	assert_non_null(strstr(t, "{min: 1ms, max: 9ms}"));
	free(t);
}

static void test_missing_keys_are_added(void **state)
{
	(void)state;
	char err[512] = "";
	/* block mapping: a line with the mapping's indentation */
	char *t = apply("election.retryPeriod", "2s", LE_OK, err);
	assert_non_null(strstr(t, "  renewDeadline: 10s\n  retryPeriod: 2s\nnetwork:"));
	free(t);
	/* flow mapping: at its start */
	t = apply("faults[0].selector.pods", "[a]", LE_OK, err);
	assert_non_null(strstr(t, "selector: {pods: [a], role: leader}"));
	free(t);
	/* missing mappings on the way nest; at the end of the document */
	t = apply("expect.failover.max", "40s", LE_OK, err);
	assert_non_null(strstr(t, "selector: {role: leader}\nexpect: {failover: {max: 40s}}\n"));
	free(t);
	/* the result parses as a scenario with the new values */
	sim_override ov[2] = {{"election.leaseDuration", "30s"}, {"pods[1].start", "3s"}};
	sim_scenario sc;
	assert_int_equal(sim_scenario_parse_with(base, strlen(base), "t.yaml", ov, 2, &sc,
						 err, sizeof err), LE_OK);
	assert_int_equal(sc.defaults.lease_duration_ns, 30 * LE_NS_PER_S);
	sim_scenario_free(&sc);
}

static void test_values_that_are_not_plain_are_quoted(void **state)
{
	(void)state;
	char err[512] = "";
	char *t = apply("name", "a: b # c", LE_OK, err);
	assert_non_null(strstr(t, "name: \"a: b # c\"\n"));
	free(t);
}

static void test_bad_paths_name_the_line(void **state)
{
	(void)state;
	char err[512] = "";
	assert_null(apply("faults[3].at", "1s", LE_EINVAL, err));
	assert_string_equal(err, "t.yaml:13: --set faults[3].at: faults has 1 element, "
			    "so [3] names none");
	assert_null(apply("network", "1s", LE_EINVAL, err));
	assert_non_null(strstr(err, "t.yaml:7: --set network: network is a mapping"));
	assert_null(apply("duration.x", "1s", LE_EINVAL, err));
	assert_non_null(strstr(err, "duration is a value, not a mapping with key 'x'"));
	assert_null(apply("a..b", "1", LE_EINVAL, err));
	assert_non_null(strstr(err, "bad path"));
	/* an unknown field is the parser's error, at the added line */
	sim_override ov = {"election.leaseDurationx", "1s"};
	sim_scenario sc;
	assert_int_not_equal(sim_scenario_parse_with(base, strlen(base), "t.yaml", &ov, 1,
						     &sc, err, sizeof err), LE_OK);
	assert_non_null(strstr(err, "t.yaml:6:3: election.leaseDurationx: unknown key"));
	assert_non_null(strstr(err, "(after --set election.leaseDurationx=1s)"));
	sim_override bad;
	assert_int_equal(sim_override_parse("novalue", &bad, err, sizeof err), LE_EINVAL);
}

static void test_wilson_and_percentiles(void **state)
{
	(void)state;
	double lo, hi;
	sim_wilson(0, 200, &lo, &hi);
	assert_true(lo == 0 && hi > 0.0188 && hi < 0.0189);
	sim_wilson(200, 200, &lo, &hi);
	assert_true(hi == 1 && lo > 0.981 && lo < 0.982);
	sim_wilson(45, 200, &lo, &hi);
	assert_true(lo > 0.172 && lo < 0.174 && hi > 0.287 && hi < 0.289);
	double v[100];
	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	assert_true(sim_percentile(v, 100, 0.5) == 50);
	assert_true(sim_percentile(v, 100, 0.99) == 99);
	assert_true(sim_percentile(v, 100, 1.0) == 100);
	assert_true(sim_percentile(v, 1, 0.99) == 1);
	char unit[8];
	double x;
	assert_true(sim_number_unit("10.5s", &x, unit, sizeof unit) && x == 10.5 &&
		    !strcmp(unit, "s"));
	assert_true(sim_number_unit("0.77x", &x, unit, sizeof unit) && !strcmp(unit, "x"));
	assert_false(sim_number_unit("s10", &x, unit, sizeof unit));
	assert_false(sim_number_unit("1s2", &x, unit, sizeof unit));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_is_replaced_in_place),
		cmocka_unit_test(test_missing_keys_are_added),
		cmocka_unit_test(test_values_that_are_not_plain_are_quoted),
		cmocka_unit_test(test_bad_paths_name_the_line),
		cmocka_unit_test(test_wilson_and_percentiles),
	};
	return cmocka_run_group_tests_name("sim_search", tests, NULL, NULL);
}
