/* Tests for the fake apiserver's fault model (fake-apiserver/faults.c,
 * rng.c): every fault kind with a seeded stream, composition of rules,
 * determinism, the JSON form of a rule and its errors. A tiny driver here
 * carries decisions out against a real store, the way the HTTP front end
 * and the simulator do, to show what commits and what does not. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "leaselab/fake_apiserver.h"

#define MS INT64_C(1000000)
#define NOW INT64_C(1709979204000000000)

static fa_fault_rule rule_for(const char *identity)
{
	fa_fault_rule r;
	memset(&r, 0, sizeof(r));
	snprintf(r.identity, sizeof(r.identity), "%s", identity);
	return r;
}

/* ---- the PRNG ------------------------------------------------------------------ */

static void test_rng_is_seeded_and_uniform(void **state)
{
	(void)state;
	fa_rng a, b, c;
	fa_rng_seed(&a, 1);
	fa_rng_seed(&b, 1);
	fa_rng_seed(&c, 2);
	bool differs = false;
	for (int i = 0; i < 100; i++) {
		uint64_t x = fa_rng_next(&a);
		assert_int_equal(x, fa_rng_next(&b));
		differs |= x != fa_rng_next(&c);
	}
	assert_true(differs);
	/* Seed 0 still gives a live state (splitmix64 seeding). */
	fa_rng_seed(&a, 0);
	assert_true(a.s[0] | a.s[1] | a.s[2] | a.s[3]);
	double sum = 0, lo = 1, hi = 0;
	for (int i = 0; i < 100000; i++) {
		double u = fa_rng_unit(&a);
		assert_true(u >= 0.0 && u < 1.0);
		sum += u;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	assert_true(fabs(sum / 100000 - 0.5) < 0.01);
	assert_true(lo < 0.001 && hi > 0.999);
}

/* ---- decisions ------------------------------------------------------------------ */

static void test_no_rules_no_faults_no_draws(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_rng rng, before;
	fa_rng_seed(&rng, 5);
	before = rng;
	fa_decision d;
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_false(d.refused || d.blackhole || d.drop_request || d.drop_response);
	assert_int_equal(d.error_code, 0);
	assert_int_equal(d.request_delay_ns + d.response_delay_ns + d.commit_delay_ns, 0);
	assert_memory_equal(&rng, &before, sizeof(rng));
	fa_faults_free(f);
}

static void test_server_down_and_partitions(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_rng rng;
	fa_rng_seed(&rng, 5);
	fa_decision d;
	fa_faults_set_down(f, true);
	assert_true(fa_faults_down(f));
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_true(d.refused);
	fa_faults_set_down(f, false);
	assert_false(fa_faults_down(f));

	fa_fault_rule r = rule_for("pod-a");
	r.partition = FA_PART_REFUSED;
	int id = fa_faults_add(f, &r);
	assert_true(id >= 0);
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_true(d.refused);
	assert_false(d.blackhole);
	fa_faults_decide(f, "pod-b", &rng, &d);
	assert_false(d.refused || d.blackhole);

	r.partition = FA_PART_BLACKHOLE;
	int id2 = fa_faults_add(f, &r);
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_true(d.blackhole);
	assert_false(d.refused);
	/* Healing: remove the rules. */
	assert_int_equal(fa_faults_remove(f, id2), LE_OK);
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_true(d.refused);
	assert_int_equal(fa_faults_remove(f, id), LE_OK);
	assert_int_equal(fa_faults_remove(f, id), LE_ENOTFOUND);
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_false(d.refused || d.blackhole);
	fa_faults_free(f);
}

/* What a driver does with a decision for one lock update. Returns the
 * status the client sees: 0 when nothing comes back. */
static int drive_update(fa_store *s, const fa_decision *d, const char *rv,
			const char *identity)
{
	if (d->refused || d->blackhole || d->drop_request)
		return 0;
	if (d->error_code != 0)
		return d->error_code;
	fa_lock_scratch sc;
	le_response resp;
	le_record r;
	le_record_clear(&r);
	snprintf(r.holder, sizeof(r.holder), "%s", identity);
	r.holder_set = true;
	r.lease_duration_s = 15;
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, identity, NOW,
			     &sc, &resp);
	return d->drop_response ? 0 : resp.status;
}

static void test_request_loss_commits_nothing_response_loss_commits(void **state)
{
	(void)state;
	fa_store *s = fa_store_new(1);
	fa_faults *f = fa_faults_new();
	fa_rng rng;
	fa_rng_seed(&rng, 5);
	fa_lock_scratch sc;
	le_response resp;
	le_record r;
	le_record_clear(&r);
	snprintf(r.holder, sizeof(r.holder), "pod-a");
	r.lease_duration_s = 15;
	fa_store_lock_create(s, FA_RES_LEASES, "default", "l", &r, "pod-a", NOW, &sc,
			     &resp);
	assert_int_equal(resp.status, 201);

	fa_fault_rule lose_req = rule_for("pod-b");
	lose_req.request_loss = 1.0;
	int id = fa_faults_add(f, &lose_req);
	fa_decision d;
	fa_faults_decide(f, "pod-b", &rng, &d);
	assert_true(d.drop_request);
	assert_int_equal(drive_update(s, &d, "1", "pod-b"), 0);
	assert_int_equal(fa_store_revision(s), 1);
	fa_faults_remove(f, id);

	fa_fault_rule lose_resp = rule_for("pod-b");
	lose_resp.response_loss = 1.0;
	fa_faults_add(f, &lose_resp);
	fa_faults_decide(f, "pod-b", &rng, &d);
	assert_true(d.drop_response);
	assert_false(d.drop_request);
	assert_int_equal(drive_update(s, &d, "1", "pod-b"), 0); /* client sees nothing */
	assert_int_equal(fa_store_revision(s), 2);              /* but it committed */
	fa_store_lock_get(s, FA_RES_LEASES, "default", "l", &sc, &resp);
	assert_string_equal(resp.record->holder, "pod-b");
	assert_string_equal(fa_store_history_at(s, 1)->identity, "pod-b");
	/* pod-a is unaffected. */
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_false(d.drop_response || d.drop_request);
	fa_faults_free(f);
	fa_store_free(s);
}

static void test_error_injection_rate_and_statuses(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_rng rng;
	fa_rng_seed(&rng, 11);
	fa_fault_rule r = rule_for("*");
	r.error_code = 503;
	r.error_rate = 0.3;
	fa_faults_add(f, &r);
	enum { N = 20000 };
	int errors = 0;
	fa_decision d;
	for (int i = 0; i < N; i++) {
		fa_faults_decide(f, "pod-a", &rng, &d);
		if (d.error_code != 0) {
			assert_int_equal(d.error_code, 503);
			errors++;
		}
	}
	assert_true(fabs((double)errors / N - 0.3) < 0.015);

	/* error_rate 0 means always; 429 carries Retry-After. */
	fa_faults_clear(f);
	r.error_code = 429;
	r.error_rate = 0;
	r.retry_after_s = 7;
	fa_faults_add(f, &r);
	for (int i = 0; i < 100; i++) {
		fa_faults_decide(f, "x", &rng, &d);
		assert_int_equal(d.error_code, 429);
		assert_int_equal(d.retry_after_s, 7);
	}
	static const struct {
		int code;
		const char *reason, *msg;
	} statuses[] = {
		{429, "TooManyRequests", "Too many requests, please try again later."},
		{500, "InternalError", "Internal error occurred: injected fault"},
		{503, "ServiceUnavailable",
		 "the server is currently unable to handle the request"},
		{504, "Timeout",
		 "Timeout: request did not complete within requested timeout - "
		 "context deadline exceeded"},
	};
	for (size_t i = 0; i < 4; i++) {
		fa_status st;
		fa_status_injected(&st, statuses[i].code, 7);
		assert_int_equal(st.code, statuses[i].code);
		assert_string_equal(st.reason, statuses[i].reason);
		assert_string_equal(st.message, statuses[i].msg);
		if (statuses[i].code == 429)
			assert_int_equal(st.retry_after_s, 7);
	}
	fa_faults_free(f);
}

static void test_latency_bounds(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_rng rng;
	fa_rng_seed(&rng, 3);
	fa_fault_rule r = rule_for("");
	r.request_latency = (fa_latency){FA_LAT_FIXED, 100 * MS, 0, 0};
	r.response_latency = (fa_latency){FA_LAT_UNIFORM, 10 * MS, 50 * MS, 0};
	r.commit_delay_ns = 5 * MS;
	fa_faults_add(f, &r);
	fa_decision d;
	double sum = 0;
	for (int i = 0; i < 10000; i++) {
		fa_faults_decide(f, "p", &rng, &d);
		assert_int_equal(d.request_delay_ns, 100 * MS);
		assert_int_equal(d.commit_delay_ns, 5 * MS);
		assert_true(d.response_delay_ns >= 10 * MS && d.response_delay_ns < 50 * MS);
		sum += (double)d.response_delay_ns;
	}
	assert_true(fabs(sum / 10000 - 30.0 * MS) < 1.0 * MS);

	/* Pareto: never below the scale, capped at b, with a real tail. */
	fa_faults_clear(f);
	r = rule_for("");
	r.request_latency = (fa_latency){FA_LAT_PARETO, 10 * MS, 2000 * MS, 1.5};
	fa_faults_add(f, &r);
	int capped = 0, above_100ms = 0;
	for (int i = 0; i < 20000; i++) {
		fa_faults_decide(f, "p", &rng, &d);
		assert_true(d.request_delay_ns >= 10 * MS);
		assert_true(d.request_delay_ns <= 2000 * MS);
		capped += d.request_delay_ns == 2000 * MS;
		above_100ms += d.request_delay_ns > 100 * MS;
	}
	/* P(X > x) = (a/x)^alpha: 10^-1.5 = 3.2% above 100 ms, 200^-1.5 =
	 * 0.035% at the cap. */
	assert_true(fabs(above_100ms / 20000.0 - 0.0316) < 0.006);
	assert_true(capped >= 1 && capped < 30);
	fa_faults_free(f);
}

/* A rule's delays are fa_latency_draw's, draw for draw, so a latency means
 * the same in a store rule as in the simulator's network model (which calls
 * fa_latency_draw directly). Uniform and an uncapped Pareto are the cases two
 * samplers once disagreed on: a float-scaled uniform, and no cap at all. */
static void test_rule_delays_are_the_shared_sampler(void **state)
{
	(void)state;
	const fa_latency lats[] = {
		{FA_LAT_UNIFORM, 1 * MS, 9 * MS, 0},
		{FA_LAT_PARETO, 1 * MS, 0, 0.05}, /* tail so heavy most draws hit the cap */
	};
	for (size_t k = 0; k < sizeof(lats) / sizeof(lats[0]); k++) {
		fa_faults *f = fa_faults_new();
		fa_fault_rule r = rule_for("");
		r.response_latency = lats[k];
		assert_true(fa_faults_add(f, &r) >= 0);
		fa_rng a, b;
		fa_rng_seed(&a, 11);
		fa_rng_seed(&b, 11);
		int64_t max = 0;
		for (int i = 0; i < 2000; i++) {
			fa_decision d;
			fa_faults_decide(f, "p", &a, &d);
			int64_t want = fa_latency_draw(&lats[k], &b);
			assert_int_equal(d.response_delay_ns, want);
			if (want > max)
				max = want;
		}
		if (lats[k].kind == FA_LAT_PARETO)
			assert_int_equal(max, INT64_C(3600) * 1000 * MS); /* an hour */
		fa_faults_free(f);
	}
}

static void test_later_rules_override_and_identities_match(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_rng rng;
	fa_rng_seed(&rng, 3);
	fa_fault_rule all = rule_for("*");
	all.request_latency = (fa_latency){FA_LAT_FIXED, 10 * MS, 0, 0};
	all.response_latency = (fa_latency){FA_LAT_FIXED, 20 * MS, 0, 0};
	fa_fault_rule slow_b = rule_for("pod-b");
	slow_b.request_latency = (fa_latency){FA_LAT_FIXED, 900 * MS, 0, 0};
	fa_faults_add(f, &all);
	fa_faults_add(f, &slow_b);
	fa_decision d;
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_int_equal(d.request_delay_ns, 10 * MS);
	assert_int_equal(d.response_delay_ns, 20 * MS);
	fa_faults_decide(f, "pod-b", &rng, &d);
	assert_int_equal(d.request_delay_ns, 900 * MS); /* overridden */
	assert_int_equal(d.response_delay_ns, 20 * MS); /* kept from "*" */
	/* An unset field of a later rule does not clear an earlier one. */
	fa_fault_rule err_b = rule_for("pod-b");
	err_b.error_code = 500;
	fa_faults_add(f, &err_b);
	fa_faults_decide(f, "pod-b", &rng, &d);
	assert_int_equal(d.error_code, 500);
	assert_int_equal(d.request_delay_ns, 900 * MS);
	fa_faults_decide(f, "pod-a", &rng, &d);
	assert_int_equal(d.error_code, 0);
	/* Invalid rules are refused. */
	fa_fault_rule bad = rule_for("x");
	bad.request_loss = 1.5;
	assert_int_equal(fa_faults_add(f, &bad), LE_EINVAL);
	bad = rule_for("x");
	bad.error_code = 418;
	assert_int_equal(fa_faults_add(f, &bad), LE_EINVAL);
	fa_faults_free(f);
}

static void test_same_seed_same_decisions(void **state)
{
	(void)state;
	fa_faults *f = fa_faults_new();
	fa_fault_rule r = rule_for("*");
	r.request_latency = (fa_latency){FA_LAT_PARETO, 5 * MS, 5000 * MS, 1.2};
	r.response_latency = (fa_latency){FA_LAT_UNIFORM, 1 * MS, 9 * MS, 0};
	r.request_loss = 0.1;
	r.response_loss = 0.1;
	r.error_code = 504;
	r.error_rate = 0.2;
	fa_faults_add(f, &r);
	fa_rng a, b, c;
	fa_rng_seed(&a, 1234);
	fa_rng_seed(&b, 1234);
	fa_rng_seed(&c, 1235);
	int same_as_c = 0;
	for (int i = 0; i < 1000; i++) {
		fa_decision da, db, dc;
		fa_faults_decide(f, "p", &a, &da);
		fa_faults_decide(f, "p", &b, &db);
		fa_faults_decide(f, "p", &c, &dc);
		assert_memory_equal(&da, &db, sizeof(da));
		same_as_c += memcmp(&da, &dc, sizeof(da)) == 0;
	}
	assert_true(same_as_c < 500);
	fa_faults_free(f);
}

/* ---- rules as JSON ------------------------------------------------------------------ */

static void test_rule_json_round_trip(void **state)
{
	(void)state;
	cJSON *j = cJSON_Parse(
		"{\"identity\":\"pod-a\","
		"\"requestLatency\":{\"kind\":\"pareto\",\"a\":\"100ms\",\"b\":\"2s\",\"alpha\":1.5},"
		"\"responseLatency\":{\"kind\":\"uniform\",\"a\":250,\"b\":\"1m30s\"},"
		"\"requestLoss\":0.1,\"responseLoss\":0.25,\"partition\":\"blackhole\","
		"\"error\":429,\"errorRate\":0.5,\"retryAfter\":3,\"commitDelay\":\"1.5s\"}");
	assert_non_null(j);
	fa_fault_rule r;
	char err[512];
	assert_int_equal(fa_fault_rule_from_json(j, &r, err, sizeof(err)), LE_OK);
	assert_string_equal(r.identity, "pod-a");
	assert_int_equal(r.request_latency.kind, FA_LAT_PARETO);
	assert_int_equal(r.request_latency.a_ns, 100 * MS);
	assert_int_equal(r.request_latency.b_ns, 2000 * MS);
	assert_true(r.request_latency.alpha == 1.5);
	assert_int_equal(r.response_latency.kind, FA_LAT_UNIFORM);
	assert_int_equal(r.response_latency.a_ns, 250 * MS);
	assert_int_equal(r.response_latency.b_ns, 90000 * MS);
	assert_true(r.request_loss == 0.1);
	assert_true(r.response_loss == 0.25);
	assert_int_equal(r.partition, FA_PART_BLACKHOLE);
	assert_int_equal(r.error_code, 429);
	assert_true(r.error_rate == 0.5);
	assert_int_equal(r.retry_after_s, 3);
	assert_int_equal(r.commit_delay_ns, 1500 * MS);

	cJSON *back = fa_fault_rule_to_json(&r);
	fa_fault_rule r2;
	assert_int_equal(fa_fault_rule_from_json(back, &r2, err, sizeof(err)), LE_OK);
	assert_memory_equal(&r, &r2, sizeof(r));
	char *text = cJSON_PrintUnformatted(back);
	assert_non_null(strstr(text, "\"commitDelay\":\"1500ms\""));
	assert_non_null(strstr(text, "\"b\":\"90s\""));
	free(text);
	cJSON_Delete(back);
	cJSON_Delete(j);

	/* A bare duration is a fixed latency. */
	j = cJSON_Parse("{\"requestLatency\":\"250us\",\"responseLatency\":40}");
	assert_int_equal(fa_fault_rule_from_json(j, &r, err, sizeof(err)), LE_OK);
	assert_int_equal(r.request_latency.kind, FA_LAT_FIXED);
	assert_int_equal(r.request_latency.a_ns, 250000);
	assert_int_equal(r.response_latency.a_ns, 40 * MS);
	assert_string_equal(r.identity, "");
	cJSON_Delete(j);
}

static void test_bad_rule_json_names_the_key(void **state)
{
	(void)state;
	static const struct {
		const char *json, *err;
	} cases[] = {
		{"[]", "fault rule: expected a JSON object"},
		{"{\"requestLos\":0.5}",
		 "fault rule: unknown key \"requestLos\" (expected identity, "
		 "requestLatency, responseLatency, requestLoss, responseLoss, "
		 "partition, error, errorRate, retryAfter, commitDelay)"},
		{"{\"requestLatency\":{\"kind\":\"fixed\",\"a\":\"abc\"}}",
		 "fault rule: requestLatency.a: invalid duration \"abc\" (use e.g. "
		 "\"250ms\", \"2s\", \"1m30s\", or integer milliseconds)"},
		{"{\"responseLatency\":{\"kind\":\"gauss\"}}",
		 "fault rule: responseLatency.kind: expected \"fixed\", \"uniform\", "
		 "\"pareto\" or \"none\""},
		{"{\"responseLatency\":{\"a\":\"1s\"}}",
		 "fault rule: responseLatency.kind: required"},
		{"{\"requestLatency\":{\"kind\":\"uniform\",\"a\":\"2s\",\"b\":\"1s\"}}",
		 "fault rule: requestLatency: a uniform latency needs 0 <= a <= b"},
		{"{\"requestLatency\":{\"kind\":\"pareto\",\"a\":\"1s\"}}",
		 "fault rule: requestLatency: a Pareto latency needs a shape alpha > 0"},
		{"{\"requestLoss\":1.5}",
		 "fault rule: requestLoss: expected a probability between 0 and 1"},
		{"{\"partition\":\"sometimes\"}",
		 "fault rule: partition: expected \"refused\", \"blackhole\" or \"none\""},
		{"{\"error\":418}", "fault rule: error: expected 429, 500, 503 or 504"},
		{"{\"retryAfter\":-1}",
		 "fault rule: retryAfter: expected whole seconds between 0 and 86400"},
		{"{\"commitDelay\":\"5 minutes\"}",
		 "fault rule: commitDelay: invalid duration \"5 minutes\" (use e.g. "
		 "\"250ms\", \"2s\", \"1m30s\", or integer milliseconds)"},
		{"{\"identity\":7}",
		 "fault rule: identity: expected a string (a client identity, or \"*\" "
		 "for all)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = cJSON_Parse(cases[i].json);
		assert_non_null(j);
		fa_fault_rule r;
		char err[512] = "";
		assert_int_equal(fa_fault_rule_from_json(j, &r, err, sizeof(err)),
				 LE_EINVAL);
		assert_string_equal(err, cases[i].err);
		cJSON_Delete(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_is_seeded_and_uniform),
		cmocka_unit_test(test_no_rules_no_faults_no_draws),
		cmocka_unit_test(test_server_down_and_partitions),
		cmocka_unit_test(test_request_loss_commits_nothing_response_loss_commits),
		cmocka_unit_test(test_error_injection_rate_and_statuses),
		cmocka_unit_test(test_latency_bounds),
		cmocka_unit_test(test_rule_delays_are_the_shared_sampler),
		cmocka_unit_test(test_later_rules_override_and_identities_match),
		cmocka_unit_test(test_same_seed_same_decisions),
		cmocka_unit_test(test_rule_json_round_trip),
		cmocka_unit_test(test_bad_rule_json_names_the_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
