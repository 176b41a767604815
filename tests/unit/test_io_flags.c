/* bin/elector's command line (elector/io/sidecar.c) and Go durations
 * (elector/io/duration.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../elector/io/sidecar.h"
#include "leaselab/run.h"

#include "io_test.h"

#define S  LE_NS_PER_S
#define MS LE_NS_PER_MS

/* ---- durations ------------------------------------------------------------ */

static void test_parse_duration_go_syntax(void **state)
{
	static const struct {
		const char *in;
		int64_t ns;
	} cases[] = {
		{"10s", 10 * S},
		{"500ms", 500 * MS},
		{"1m30s", 90 * S},
		{"1.5s", 1500 * MS},
		{".5s", 500 * MS},
		{"2h", 7200 * S},
		{"1h2m3s4ms5us6ns", 3723 * S + 4 * MS + 5000 + 6},
		{"1\xc2\xb5s", 1000},
		{"0", 0},
		{"0s", 0},
		{"+3s", 3 * S},
		{"-1.5m", -90 * S},
		{"0.4s", 400 * MS},
		{"1.000000001s", S + 1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t ns = -42;
		char err[256];
		if (le_parse_duration(cases[i].in, &ns, err, sizeof err) != LE_OK)
			fail_msg("%s: %s", cases[i].in, err);
		if (ns != cases[i].ns)
			fail_msg("%s: got %lld, want %lld", cases[i].in, (long long)ns,
				 (long long)cases[i].ns);
	}
}

static void test_parse_duration_rejects(void **state)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{"", "empty duration"},
		{"10", "missing unit in duration \"10\""},
		{"10x", "unknown unit \"x\" in duration \"10x\""},
		{"s", "invalid duration \"s\""},
		{".s", "invalid duration \".s\""},
		{"1.5.5s", "missing unit in duration \"1.5.5s\""},
		{"-", "invalid duration"},
		{"3000000h", "too large"},
		{"99999999999999999999s", "too large"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t ns;
		char err[256] = "";
		if (le_parse_duration(cases[i].in, &ns, err, sizeof err) == LE_OK)
			fail_msg("\"%s\" was accepted as %lld", cases[i].in, (long long)ns);
		assert_contains(err, cases[i].msg);
	}
}

static void test_format_duration_like_go(void **state)
{
	static const struct {
		int64_t ns;
		const char *out;
	} cases[] = {
		{0, "0s"},
		{1, "1ns"},
		{1500, "1.5\xc2\xb5s"},
		{500 * MS, "500ms"},
		{1500 * MS, "1.5s"},
		{10 * S, "10s"},
		{90 * S, "1m30s"},
		{3600 * S, "1h0m0s"},
		{-2 * S, "-2s"},
		{S + 1, "1.000000001s"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];
		le_format_duration(cases[i].ns, buf, sizeof buf);
		assert_string_equal(buf, cases[i].out);
	}
}

/* ---- flags ------------------------------------------------------------------ */

typedef struct parsed {
	int rc;
	le_sidecar_opts o;
	char err[512];
} parsed;

static parsed parse(const char *a0, ...)
{
	char *argv[32] = {"elector"};
	int argc = 1;
	va_list ap;
	va_start(ap, a0);
	for (const char *a = a0; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	parsed p;
	memset(&p, 0, sizeof p);
	p.rc = le_sidecar_parse(argc, argv, "pod-abc", &p.o, p.err, sizeof p.err);
	return p;
}

static void test_defaults(void **state)
{
	(void)state;
	parsed p = parse("--election=elect-nginx-deploy", NULL);
	assert_int_equal(p.rc, LE_OK);
	assert_string_equal(p.o.election, "elect-nginx-deploy");
	assert_string_equal(p.o.id, "pod-abc"); /* the hostname */
	assert_true(p.o.id_from_hostname);
	assert_string_equal(p.o.election_namespace, "default");
	assert_int_equal(p.o.lock, LE_LOCK_LEASES);
	assert_true(p.o.release_on_cancel);
	assert_ptr_equal(p.o.profile, &le_profile_client_go);
	assert_int_equal(p.o.healthz_tolerance_ns, 20 * S);
	assert_false(p.o.use_cluster_credentials);
	assert_null(p.o.http);
	assert_false(p.o.log_json);

	le_config c;
	char err[512];
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lease_duration_ns, 15 * S);
	assert_int_equal(c.renew_deadline_ns, 10 * S);
	assert_int_equal(c.retry_period_ns, 2 * S);
	assert_string_equal(c.identity, "pod-abc");
	assert_string_equal(c.lock_name, "elect-nginx-deploy");
	assert_string_equal(c.lock_namespace, "default");
}

static void test_article_flags_and_separate_values(void **state)
{
	(void)state;
	/* The article's args, and 0.5's space-separated / single-dash forms. */
	parsed p = parse("--election=elect-nginx-deploy", "--http=0.0.0.0:4444", "-id", "me",
			 "--election-namespace", "test-leader-elector", "--use-cluster-credentials",
			 NULL);
	assert_int_equal(p.rc, LE_OK);
	assert_string_equal(p.o.http, "0.0.0.0:4444");
	assert_string_equal(p.o.id, "me");
	assert_false(p.o.id_from_hostname);
	assert_string_equal(p.o.election_namespace, "test-leader-elector");
	assert_true(p.o.use_cluster_credentials);
}

static void test_modern_flags(void **state)
{
	(void)state;
	parsed p = parse("--election=e", "--lock=endpoints", "--kubeconfig=/k", "--context=dev",
			 "--lease-duration=2s", "--renew-deadline=1500ms", "--retry-period=0.4s",
			 "--release-on-cancel=false", "--profile=client-go-2018",
			 "--healthz-tolerance=1m", "--log-format=json", "--v=5",
			 "--request-timeout=750ms", NULL);
	assert_int_equal(p.rc, LE_OK);
	assert_int_equal(p.o.lock, LE_LOCK_ENDPOINTS);
	assert_string_equal(p.o.kubeconfig, "/k");
	assert_string_equal(p.o.context, "dev");
	assert_false(p.o.release_on_cancel);
	assert_ptr_equal(p.o.profile, &le_profile_client_go_2018);
	assert_int_equal(p.o.healthz_tolerance_ns, 60 * S);
	assert_true(p.o.log_json);
	assert_int_equal(p.o.verbosity, 5);

	le_config c;
	char err[512];
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lease_duration_ns, 2 * S);
	assert_int_equal(c.renew_deadline_ns, 1500 * MS);
	assert_int_equal(c.retry_period_ns, 400 * MS);
	assert_int_equal(c.request_timeout_ns, 750 * MS);
	assert_int_equal(c.lock_kind, LE_LOCK_ENDPOINTS);
	assert_false(c.release_on_cancel);
	assert_ptr_equal(c.profile, &le_profile_client_go_2018);
}

static void test_ttl_derives_all_three(void **state)
{
	(void)state;
	le_config c;
	char err[512];
	parsed p = parse("--election=e", "--ttl=10s", NULL);
	assert_int_equal(p.rc, LE_OK);
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lease_duration_ns, 10 * S);
	assert_int_equal(c.renew_deadline_ns, 5 * S);
	assert_int_equal(c.retry_period_ns, 2500 * MS);

	/* an explicit flag overrides its derived value, in any order */
	p = parse("--retry-period=1s", "--election=e", "--ttl=8s", NULL);
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lease_duration_ns, 8 * S);
	assert_int_equal(c.renew_deadline_ns, 4 * S);
	assert_int_equal(c.retry_period_ns, 1 * S);

	/* the sidecar-0.5 profile defaults to 0.5's ttl of 10s */
	p = parse("--election=e", "--profile=sidecar-0.5", NULL);
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lease_duration_ns, 10 * S);
	assert_int_equal(c.renew_deadline_ns, 5 * S);
	assert_int_equal(c.retry_period_ns, 2500 * MS);
	assert_ptr_equal(c.profile, &le_profile_sidecar_05);
}

/* 0.5 had only the Endpoints lock: its profile defaults to it, in any flag
 * order, and an explicit --lock still wins. */
static void test_05_profile_defaults_to_endpoints_lock(void **state)
{
	(void)state;
	le_config c;
	char err[512];
	parsed p = parse("--election=e", "--profile=sidecar-0.5", NULL);
	assert_int_equal(p.rc, LE_OK);
	assert_int_equal(p.o.lock, LE_LOCK_ENDPOINTS);
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	assert_int_equal(c.lock_kind, LE_LOCK_ENDPOINTS);

	p = parse("--lock=leases", "--election=e", "--profile=sidecar-0.5", NULL);
	assert_int_equal(p.o.lock, LE_LOCK_LEASES);
	p = parse("--profile=sidecar-0.5", "--lock=configmaps", "--election=e", NULL);
	assert_int_equal(p.o.lock, LE_LOCK_CONFIGMAPS);
	p = parse("--election=e", "--profile=client-go-2018", NULL);
	assert_int_equal(p.o.lock, LE_LOCK_LEASES);
}

static void test_bad_flags_name_the_flag(void **state)
{
	static const struct {
		const char *args[5];
		const char *msg;
	} cases[] = {
		{{NULL}, "--election cannot be empty"},
		{{"--election="}, "--election cannot be empty"},
		{{"--election=e", "--bogus=1"}, "unknown flag: --bogus"},
		{{"--election=e", "--ttl=ten"}, "--ttl=ten: invalid duration"},
		{{"--election=e", "--ttl=10"}, "--ttl=10: missing unit"},
		{{"--election=e", "--ttl=-5s"}, "--ttl=-5s: must be greater than zero"},
		{{"--election=e", "--lease-duration=0s"},
		 "--lease-duration=0s: must be greater than zero"},
		{{"--election=e", "--lock=etcd"},
		 "--lock=etcd: expected leases, endpoints, configmaps, endpointsleases or configmapsleases"},
		{{"--election=e", "--profile=k8s"},
		 "--profile=k8s: expected client-go, client-go-head, client-go-1.34, client-go-1.31, client-go-1.27, client-go-1.23, client-go-1.14, client-go-1.11, sidecar-0.5 or python-22.6 (see --profile=help)"},
		{{"--election=e", "--release-on-cancel=maybe"},
		 "--release-on-cancel=maybe: expected true or false"},
		{{"--election=e", "--log-format=xml"}, "--log-format=xml: expected text or json"},
		{{"--election=e", "--http=4040"}, "--http=4040: expected HOST:PORT"},
		{{"--election=e", "--http=host:99999"}, "--http=host:99999: expected HOST:PORT"},
		{{"--election=e", "--v=x"}, "--v=x: expected a number"},
		{{"--election=e", "--id="}, "--id: must not be empty"},
		{{"--election=e", "--renew-deadline"}, "flag needs an argument: --renew-deadline"},
		{{"--election=e", "stray"}, "unexpected argument \"stray\""},
		{{"--election=e", "--election-namespace="}, "--election-namespace cannot be empty"},
		/* issue 14: names the apiserver would refuse forever, and a flag
		 * that swallowed the next one */
		{{"--election=MyLock"}, "--election=\"MyLock\": not a valid lock name: a DNS subdomain"},
		{{"--election=a..b"}, "not a valid lock name"},
		{{"--election=-a"}, "not a valid lock name"},
		{{"--election=e", "--election-namespace=../../x"},
		 "--election-namespace=\"../../x\": not a valid namespace: a DNS label"},
		{{"--election=e", "--election-namespace=a.b"}, "not a valid namespace"},
		{{"--election", "--id=x"},
		 "flag needs an argument: --election (the next argument, \"--id=x\", is a flag"},
		{{"--election=e", "--election-namespace", "--http=127.0.0.1:1"},
		 "flag needs an argument: --election-namespace"},
		/* --coordinated: what the apiserver's LeaseCandidate validation
		 * would refuse on every retry */
		{{"--election=e", "--binary-version=1.33.0"},
		 "--binary-version: only with --coordinated"},
		{{"--election=e", "--candidate-api-version=v1"},
		 "--candidate-api-version=v1: expected v1beta1 (Kubernetes 1.33+) or v1alpha2 (1.32)"},
		{{"--election=e", "--coordinated", "--emulation-version=1.32.0"},
		 "--coordinated needs --binary-version=MAJOR.MINOR.PATCH"},
		{{"--election=e", "--coordinated", "--binary-version=1.33.0"},
		 "--coordinated needs --emulation-version=MAJOR.MINOR.PATCH"},
		{{"--election=e", "--coordinated", "--binary-version=1.33", "--emulation-version=1.32.0"},
		 "--binary-version=1.33: not a semantic version MAJOR.MINOR.PATCH"},
		{{"--election=e", "--coordinated", "--binary-version=1.31.0",
		  "--emulation-version=1.32.0"},
		 "--binary-version=1.31.0 is below --emulation-version=1.32.0"},
		{{"--election=e", "--coordinated", "--lock=endpoints", "--profile=client-go-1.23"},
		 "--coordinated: needs --lock=leases"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parsed p = parse(cases[i].args[0], cases[i].args[1], cases[i].args[2],
				 cases[i].args[3], cases[i].args[4], NULL);
		if (p.rc == LE_OK)
			fail_msg("case %zu (%s) was accepted", i, cases[i].msg);
		assert_int_equal(p.rc, LE_EINVAL);
		assert_contains(p.err, cases[i].msg);
		assert_null(strchr(p.err, '\n')); /* one line */
	}
}

static void test_timing_validation_names_rule_and_values(void **state)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{{"--lease-duration=10s", "--renew-deadline=10s"},
		 "invalid timing: leaseDuration must be greater than renewDeadline "
		 "(--lease-duration=10s, "
		 "--renew-deadline=10s, --retry-period=2s)"},
		{{"--renew-deadline=2s", "--retry-period=2s"},
		 "invalid timing: renewDeadline must be greater than retryPeriod*JitterFactor "
		 "(--lease-duration=15s, "
		 "--renew-deadline=2s, --retry-period=2s)"},
		{{"--ttl=2s", "--retry-period=1s"},
		 "renewDeadline must be greater than retryPeriod*JitterFactor "
		 "(--lease-duration=2s, --renew-deadline=1s, "
		 "--retry-period=1s; derived from --ttl=2s)"},
		{{"--lease-duration=900ms", "--renew-deadline=600ms", "--retry-period=100ms"},
		 "--lease-duration=900ms is below 1s"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parsed p = parse("--election=e", cases[i].args[0], cases[i].args[1],
				 cases[i].args[2], NULL);
		assert_int_equal(p.rc, LE_OK);
		le_config c;
		char err[512] = "";
		assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_EINVAL);
		assert_contains(err, cases[i].msg);
	}
}

static void test_timing_warning_for_overlap(void **state)
{
	(void)state;
	le_config c;
	char err[512], warn[512];
	parsed p = parse("--election=e", "--lease-duration=10s", "--renew-deadline=9s",
			 "--retry-period=7s", NULL);
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err),
			 LE_OK); /* validation passes... */
	le_sidecar_timing_warning(&c, warn, sizeof warn);
	assert_contains(warn,
			"retry period 7s + renew deadline 9s is not below lease duration 10s");

	p = parse("--election=e", NULL); /* ...the defaults leave 3s of slack */
	assert_int_equal(le_sidecar_config(&p.o, &c, err, sizeof err), LE_OK);
	le_sidecar_timing_warning(&c, warn, sizeof warn);
	assert_string_equal(warn, "");
}

static void test_help_and_version(void **state)
{
	(void)state;
	parsed p = parse("--help", NULL);
	assert_int_equal(p.rc, LE_OK); /* no --election needed */
	assert_true(p.o.help);
	p = parse("-h", NULL);
	assert_true(p.o.help);
	p = parse("--version", NULL);
	assert_true(p.o.version);

	char all[8192] = "";
	for (const char *const *h = le_sidecar_help(); *h; h++)
		strncat(all, *h, sizeof all - strlen(all) - 1);
	static const char *const every_flag[] = {
		"--election=",
		"--id=",
		"--election-namespace=",
		"--ttl=",
		"--use-cluster-credentials",
		"--http=",
		"--lock=",
		"--kubeconfig=",
		"--context=",
		"--lease-duration=",
		"--renew-deadline=",
		"--retry-period=",
		"--request-timeout=",
		"--release-on-cancel=",
		"--profile=",
		"--healthz-tolerance=",
		"--log-format=",
		"--v=",
		"--help",
		"--version",
		"--election=elect-nginx-deploy",
		"--http=0.0.0.0:4444",
	};
	for (size_t i = 0; i < sizeof every_flag / sizeof every_flag[0]; i++)
		assert_contains(all, every_flag[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_duration_go_syntax),
		cmocka_unit_test(test_parse_duration_rejects),
		cmocka_unit_test(test_format_duration_like_go),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_article_flags_and_separate_values),
		cmocka_unit_test(test_modern_flags),
		cmocka_unit_test(test_ttl_derives_all_three),
		cmocka_unit_test(test_05_profile_defaults_to_endpoints_lock),
		cmocka_unit_test(test_bad_flags_name_the_flag),
		cmocka_unit_test(test_timing_validation_names_rule_and_values),
		cmocka_unit_test(test_timing_warning_for_overlap),
		cmocka_unit_test(test_help_and_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
