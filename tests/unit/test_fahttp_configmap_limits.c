/* ConfigMap data as the apiserver takes it (issue 14): data is
 * map[string]string (400 otherwise), binaryData base64, keys are config
 * keys and not in both maps, and keys plus values stay within 1 MiB (422). */
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
#define CMS "/api/v1/namespaces/default/configmaps"

static int post(fahttp_ctx *c, const char *body, char *msg, size_t cap)
{
	fahttp_request rq = {.method = "POST", .target = CMS,
			     .content_type = "application/json",
			     .body = body, .body_len = strlen(body), .now_wall_ns = NOW};
	fahttp_response r;
	fahttp_handle(c, &rq, &r);
	int code = r.code;
	snprintf(msg, cap, "%.*s", (int)r.body_len, r.body != NULL ? r.body : "");
	fahttp_response_free(&r);
	return code;
}

static void test_configmap_data_is_checked_as_the_apiserver_does(void **state)
{
	(void)state;
	fa_store *s = fa_store_new(1);
	fa_faults *f = fa_faults_new();
	fahttp_ctx *c = fahttp_ctx_new(s, NULL, f, NULL);
	static const struct {
		const char *body;
		int code;
		const char *msg;
	} cases[] = {
		{"{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":5}}", 400,
		 "cannot unmarshal number 5 into Go struct field ConfigMap.data of type string"},
		{"{\"metadata\":{\"name\":\"b\"},\"data\":\"x\"}", 400,
		 "ConfigMap.data of type map[string]string"},
		{"{\"metadata\":{\"name\":\"c\"},\"data\":{\"bad key!\":\"v\"}}", 422,
		 "a valid config key must consist of alphanumeric characters"},
		{"{\"metadata\":{\"name\":\"d\"},\"binaryData\":{\"k\":\"not base64!\"}}", 400,
		 "illegal base64 data at input byte 3"},
		{"{\"metadata\":{\"name\":\"e\"},\"binaryData\":{\"k\":\"aGk=\"},\"data\":{\"k\":\"x\"}}",
		 422, "duplicate of key present in data"},
		{"{\"metadata\":{\"name\":\"UPPER\"}}", 422, "RFC 1123 subdomain"},
		{"{\"metadata\":{\"name\":\"ok\"},\"binaryData\":{\"b\":\"aGk=\"},\"data\":{\"k\":\"x\"}}",
		 201, NULL},
	};
	char msg[4096];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code = post(c, cases[i].body, msg, sizeof(msg));
		if (code != cases[i].code ||
		    (cases[i].msg != NULL && strstr(msg, cases[i].msg) == NULL))
			fail_msg("case %zu: HTTP %d %s, want %d with \"%s\"", i, code, msg,
				 cases[i].code, cases[i].msg);
	}
	/* 1 MiB of keys and values is the most; one byte more is 422 */
	size_t n = (size_t)1 << 20;
	char *big = malloc(n + 200);
	for (int over = 0; over <= 1; over++) {
		size_t vlen = n - 1 + (size_t)over; /* key "k" is one byte */
		int at = snprintf(big, 200, "{\"metadata\":{\"name\":\"big%d\"},\"data\":{\"k\":\"", over);
		memset(big + at, 'x', vlen);
		snprintf(big + at + vlen, 200, "\"}}");
		int code = post(c, big, msg, sizeof(msg));
		assert_int_equal(code, over ? 422 : 201);
		if (over)
			assert_non_null(strstr(msg, "Too long: must have at most 1048576 bytes"));
	}
	free(big);
	fahttp_ctx_free(c);
	fa_faults_free(f);
	fa_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configmap_data_is_checked_as_the_apiserver_does),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
