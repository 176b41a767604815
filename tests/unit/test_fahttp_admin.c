/* The fake apiserver's admin API (/leaselab/v1): fault rules in and out,
 * server down/up, history, its token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../fake-apiserver/http/fahttp.h"

#define NOW INT64_C(1700000000000000000)

typedef struct fx {
	fa_store *store;
	fa_faults *faults;
	fahttp_ctx *ctx;
} fx;

static int setup_with(void **state, const char *admin_token)
{
	fx *x = calloc(1, sizeof(*x));
	x->store = fa_store_new(3);
	x->faults = fa_faults_new();
	fahttp_options opt = {.admin_token = admin_token};
	x->ctx = fahttp_ctx_new(x->store, NULL, x->faults, &opt);
	*state = x;
	return x->ctx != NULL ? 0 : -1;
}

static int setup(void **state)
{
	return setup_with(state, NULL);
}

static int setup_token(void **state)
{
	return setup_with(state, "adm1n");
}

static int teardown(void **state)
{
	fx *x = *state;
	fahttp_ctx_free(x->ctx);
	fa_faults_free(x->faults);
	fa_store_free(x->store);
	free(x);
	return 0;
}

static fahttp_response req(fx *x, const char *method, const char *target,
			   const char *body, const char *auth)
{
	fahttp_request rq = {.method = method,
			     .target = target,
			     .authorization = auth,
			     .content_type = "application/json",
			     .body = body,
			     .body_len = body != NULL ? strlen(body) : 0,
			     .now_wall_ns = NOW};
	fahttp_response r;
	fahttp_handle(x->ctx, &rq, &r);
	return r;
}

static cJSON *json_of(fahttp_response *r, int want_code)
{
	if (r->code != want_code)
		fail_msg("HTTP %d, want %d: %.*s", r->code, want_code, (int)r->body_len,
			 r->body != NULL ? r->body : "");
	cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);
	assert_non_null(j);
	fahttp_response_free(r);
	return j;
}

static int num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsNumber(v));
	return (int)v->valuedouble;
}

static void test_rules_add_list_remove_clear(void **state)
{
	fx *x = *state;
	fahttp_response r = req(x, "POST", "/leaselab/v1/faults",
				"{\"identity\":\"pod-a\",\"requestLatency\":\"100ms\","
				"\"responseLoss\":0.5}",
				NULL);
	cJSON *j = json_of(&r, 201);
	int id_a = num(j, "id");
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(j, "rule");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(rule, "identity")->valuestring,
			    "pod-a");
	cJSON_Delete(j);

	r = req(x, "POST", "/leaselab/v1/faults",
		"{\"rules\":[{\"identity\":\"pod-b\",\"partition\":\"refused\"},"
		"{\"identity\":\"*\",\"error\":503,\"errorRate\":0.1}]}",
		NULL);
	j = json_of(&r, 201);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 2);
	int id_b = num(cJSON_GetArrayItem(items, 0), "id");
	cJSON_Delete(j);
	assert_true(id_a != id_b);

	r = req(x, "GET", "/leaselab/v1/faults", NULL, NULL);
	j = json_of(&r, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 3);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "down")));
	cJSON_Delete(j);

	/* the rules are live: pod-b is refused */
	fa_decision d;
	fa_faults_decide(x->faults, "pod-b", fahttp_ctx_rng(x->ctx), &d);
	assert_true(d.refused);

	char path[64];
	snprintf(path, sizeof(path), "/leaselab/v1/faults/%d", id_b);
	r = req(x, "GET", path, NULL, NULL);
	j = json_of(&r, 200);
	assert_int_equal(num(j, "id"), id_b);
	cJSON_Delete(j);
	r = req(x, "DELETE", path, NULL, NULL);
	j = json_of(&r, 200);
	cJSON_Delete(j);
	fa_faults_decide(x->faults, "pod-b", fahttp_ctx_rng(x->ctx), &d);
	assert_false(d.refused);
	r = req(x, "DELETE", path, NULL, NULL);
	j = json_of(&r, 404);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "kind")->valuestring, "Status");
	cJSON_Delete(j);
	r = req(x, "GET", "/leaselab/v1/faults/abc", NULL, NULL);
	cJSON_Delete(json_of(&r, 404));

	r = req(x, "DELETE", "/leaselab/v1/faults", NULL, NULL);
	j = json_of(&r, 200);
	assert_int_equal(num(j, "cleared"), 2);
	cJSON_Delete(j);
	r = req(x, "GET", "/leaselab/v1/faults", NULL, NULL);
	j = json_of(&r, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 0);
	cJSON_Delete(j);
	fa_faults_decide(x->faults, "pod-a", fahttp_ctx_rng(x->ctx), &d);
	assert_int_equal(d.request_delay_ns, 0);
}

static void test_bad_rules_are_400_and_add_nothing(void **state)
{
	fx *x = *state;
	static const struct {
		const char *body, *in_message;
	} bad[] = {
		{"{\"identity\":\"a\",\"error\":418}", "error"},
		{"{\"identity\":\"a\",\"bogus\":1}", "unknown key \"bogus\""},
		{"{\"requestLoss\":2}", "requestLoss"},
		{"{\"partition\":\"sideways\"}", "partition"},
		/* one bad rule in a list: none of the list is added */
		{"[{\"identity\":\"ok\"},{\"identity\":\"a\",\"requestLatency\":\"soon\"}]",
		 "rules[1]"},
		{"42", "expected a JSON object"},
		{"{", "expected a JSON object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fahttp_response r = req(x, "POST", "/leaselab/v1/faults", bad[i].body, NULL);
		cJSON *j = json_of(&r, 400);
		const char *msg = cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring;
		if (strstr(msg, bad[i].in_message) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].body, msg,
				 bad[i].in_message);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "reason")->valuestring,
				    "BadRequest");
		cJSON_Delete(j);
	}
	fahttp_response r = req(x, "GET", "/leaselab/v1/state", NULL, NULL);
	cJSON *j = json_of(&r, 200);
	assert_int_equal(num(j, "faultRules"), 0);
	cJSON_Delete(j);
}

static void test_down_and_up(void **state)
{
	fx *x = *state;
	fahttp_response r = req(x, "POST", "/leaselab/v1/down", NULL, NULL);
	assert_true(r.went_down);
	cJSON_Delete(json_of(&r, 200));
	assert_true(fa_faults_down(x->faults));
	/* down twice: it did not just go down */
	r = req(x, "POST", "/leaselab/v1/down", NULL, NULL);
	assert_false(r.went_down);
	cJSON_Delete(json_of(&r, 200));
	r = req(x, "GET", "/leaselab/v1/state", NULL, NULL);
	cJSON *j = json_of(&r, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "down")));
	cJSON_Delete(j);
	r = req(x, "POST", "/leaselab/v1/up", NULL, NULL);
	cJSON_Delete(json_of(&r, 200));
	assert_false(fa_faults_down(x->faults));
}

static void test_history_lines_since_and_follow(void **state)
{
	fx *x = *state;
	for (int i = 0; i < 3; i++) {
		char body[128];
		snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"h%d\"}}", i);
		fahttp_request rq = {.method = "POST",
				     .target = "/api/v1/namespaces/ns/configmaps",
				     .identity_header = "writer-x",
				     .body = body,
				     .body_len = strlen(body),
				     .now_wall_ns = NOW};
		fahttp_response r;
		fahttp_handle(x->ctx, &rq, &r);
		assert_int_equal(r.code, 201);
		fahttp_response_free(&r);
	}
	fahttp_response r = req(x, "GET", "/leaselab/v1/history", NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.content_type, FAHTTP_CT_JSONL);
	int lines = 0;
	for (size_t i = 0; i < r.body_len; i++)
		lines += r.body[i] == '\n';
	assert_int_equal(lines, 3);
	assert_non_null(strstr(r.body, "\"identity\":\"writer-x\""));
	assert_non_null(strstr(r.body, "\"name\":\"h2\""));
	assert_int_equal(r.action, FAHTTP_ACT_REPLY);
	fahttp_response_free(&r);

	r = req(x, "GET", "/leaselab/v1/history?since=2&follow=1", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_FOLLOW);
	assert_int_equal(r.follow_from, 3);
	assert_null(strstr(r.body, "\"name\":\"h1\""));
	assert_non_null(strstr(r.body, "\"name\":\"h2\""));
	fahttp_response_free(&r);

	r = req(x, "GET", "/leaselab/v1/history?since=99&follow=true", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_FOLLOW);
	assert_int_equal(r.follow_from, 3);
	assert_int_equal(r.body_len, 0);
	fahttp_response_free(&r);

	r = req(x, "GET", "/leaselab/v1/history?since=-1", NULL, NULL);
	cJSON_Delete(json_of(&r, 400));
}

static void test_admin_token(void **state)
{
	fx *x = *state;
	fahttp_response r = req(x, "GET", "/leaselab/v1/state", NULL, NULL);
	cJSON *j = json_of(&r, 401);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "reason")->valuestring,
			    "Unauthorized");
	cJSON_Delete(j);
	r = req(x, "GET", "/leaselab/v1/state", NULL, "Bearer adm1");
	cJSON_Delete(json_of(&r, 401));
	r = req(x, "GET", "/leaselab/v1/state", NULL, "Bearer adm1nn");
	cJSON_Delete(json_of(&r, 401));
	r = req(x, "POST", "/leaselab/v1/down", NULL, "Bearer adm1n");
	cJSON_Delete(json_of(&r, 200));
	/* the Kubernetes API does not need it (no auth configured there) */
	r = req(x, "POST", "/leaselab/v1/up", NULL, "Bearer adm1n");
	cJSON_Delete(json_of(&r, 200));
	r = req(x, "GET", "/api", NULL, NULL);
	cJSON_Delete(json_of(&r, 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rules_add_list_remove_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rules_are_400_and_add_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_down_and_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_lines_since_and_follow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_admin_token, setup_token, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
