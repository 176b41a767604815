/* Authentication and authorization through the handler, as documented in
 * docs/fake-apiserver.md ("Who is calling"): a matrix of subject x verb x
 * resource x namespace x admin path against one policy, plus the cases that
 * used to fail open (issue 14): the admin API without its token, a user
 * named like a group, certificate groups, a PUT that creates, the
 * namespace list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../fake-apiserver/http/fahttp.h"

#define NOW INT64_C(1700000000000000000)
#define ADMIN_TOKEN "adm1n"

/* The documented policy of the matrix. */
static const char *const policy[] = {
	"root * * *",
	"group:ops * leases,configmaps *",
	"alice get,list,watch leases team-a",
	"updater get,update leases team-a",
	"user:cm-reader get configmaps team-b cfg",
};

static const char *const tokens[][3] = {
	{"t-root", "root", ""},
	{"t-alice", "alice", "devs"},
	{"t-bob", "bob", "devs,ops"},
	{"t-ops", "ops", ""},     /* a user named like the group */
	{"t-upd", "updater", ""},
	{"t-cm", "cm-reader", ""},
};

typedef struct fx {
	fa_store *store;
	fa_faults *faults;
	fa_authz *authz;
	fahttp_ctx *ctx;
} fx;

static void write_tokens(fa_authz *a)
{
	char path[] = "/tmp/leaselab-authz-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		fprintf(f, "%s,%s%s%s\n", tokens[i][0], tokens[i][1],
			tokens[i][2][0] != '\0' ? "," : "", tokens[i][2]);
	fclose(f);
	char err[256];
	assert_int_equal(fa_authz_load_tokens(a, path, err, sizeof(err)), LE_OK);
	unlink(path);
}

static fx *fx_new(const char *admin_token)
{
	fx *x = calloc(1, sizeof(*x));
	x->store = fa_store_new(7);
	x->faults = fa_faults_new();
	x->authz = fa_authz_new();
	write_tokens(x->authz);
	char err[256];
	for (size_t i = 0; i < sizeof(policy) / sizeof(policy[0]); i++)
		assert_int_equal(fa_authz_add_rule(x->authz, policy[i], err, sizeof(err)),
				 LE_OK);
	fahttp_options opt = {.tokens_configured = true,
			      .client_certs_configured = true,
			      .admin_token = admin_token};
	x->ctx = fahttp_ctx_new(x->store, x->authz, x->faults, &opt);
	assert_non_null(x->ctx);
	return x;
}

static int setup(void **state)
{
	*state = fx_new(ADMIN_TOKEN);
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	fahttp_ctx_free(x->ctx);
	fa_authz_free(x->authz);
	fa_faults_free(x->faults);
	fa_store_free(x->store);
	free(x);
	return 0;
}

typedef struct who {
	const char *token;       /* bearer token, or NULL */
	const char *cert_user;   /* a verified certificate's CN, or NULL */
	const char *cert_groups;
} who;

static fahttp_response req(fx *x, const who *w, const char *method,
			   const char *target, const char *body)
{
	char auth[64] = "";
	if (w->token != NULL)
		snprintf(auth, sizeof(auth), "Bearer %s", w->token);
	fahttp_request rq = {
		.method = method,
		.target = target,
		.content_type = body != NULL ? "application/json" : NULL,
		.authorization = w->token != NULL ? auth : NULL,
		.cert_user = w->cert_user,
		.cert_groups = w->cert_groups,
		.body = body,
		.body_len = body != NULL ? strlen(body) : 0,
		.now_wall_ns = NOW,
	};
	fahttp_response r;
	fahttp_handle(x->ctx, &rq, &r);
	return r;
}

static int code_of(fx *x, const who *w, const char *method, const char *target,
		   const char *body)
{
	fahttp_response r = req(x, w, method, target, body);
	int code = r.code;
	if (r.action == FAHTTP_ACT_WATCH)
		code = 200;
	fahttp_response_free(&r);
	return code;
}

static const who root = {.token = "t-root"};

static void seed_objects(fx *x)
{
	static const char *const paths[] = {
		"/apis/coordination.k8s.io/v1/namespaces/team-a/leases",
		"/apis/coordination.k8s.io/v1/namespaces/team-b/leases",
		"/api/v1/namespaces/team-a/configmaps",
		"/api/v1/namespaces/team-b/configmaps",
		"/api/v1/namespaces/team-a/endpoints",
		"/api/v1/namespaces/team-b/endpoints",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *b = strstr(paths[i], "configmaps") != NULL
					? "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"k\":\"v\"}}"
					: "{\"metadata\":{\"name\":\"cfg\"}}";
		assert_int_equal(code_of(x, &root, "POST", paths[i], b), 201);
	}
}

/* subject x verb x resource x namespace: allowed (not 401/403) or not. */
static void test_matrix_matches_the_documented_policy(void **state)
{
	fx *x = *state;
	seed_objects(x);
	static const who subjects[] = {
		{.token = "t-alice"},
		{.token = "t-bob"},
		{.token = "t-ops"},
		{.token = "t-upd"},
		{.token = "t-cm"},
		{.cert_user = "carol", .cert_groups = "ops"},
		{.cert_user = "ops"},
		{.token = NULL},
	};
	enum { ALICE, BOB, OPS_USER, UPD, CM, CAROL, OPS_CERT, ANON, NSUBJ };
	static const struct {
		const char *verb;   /* get list watch update patch delete */
		const char *res;    /* leases configmaps endpoints */
		const char *ns;
		int allowed[NSUBJ]; /* 1 allowed, 0 403, -1 401 */
	} rows[] = {
		{"get", "leases", "team-a", {1, 1, 0, 1, 0, 1, 0, -1}},
		{"list", "leases", "team-a", {1, 1, 0, 0, 0, 1, 0, -1}},
		{"watch", "leases", "team-a", {1, 1, 0, 0, 0, 1, 0, -1}},
		{"update", "leases", "team-a", {0, 1, 0, 1, 0, 1, 0, -1}},
		{"patch", "leases", "team-a", {0, 1, 0, 0, 0, 1, 0, -1}},
		{"get", "leases", "team-b", {0, 1, 0, 0, 0, 1, 0, -1}},
		{"get", "configmaps", "team-b", {0, 1, 0, 0, 1, 1, 0, -1}},
		{"list", "configmaps", "team-b", {0, 1, 0, 0, 0, 1, 0, -1}},
		{"get", "configmaps", "team-a", {0, 1, 0, 0, 0, 1, 0, -1}},
		{"get", "endpoints", "team-a", {0, 0, 0, 0, 0, 0, 0, -1}},
		{"delete", "endpoints", "team-b", {0, 0, 0, 0, 0, 0, 0, -1}},
		{"delete", "configmaps", "team-b", {0, 1, 0, 0, 0, 1, 0, -1}},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *grp = strcmp(rows[i].res, "leases") == 0
					  ? "/apis/coordination.k8s.io/v1"
					  : "/api/v1";
		char coll[200], obj[220];
		snprintf(coll, sizeof(coll), "%s/namespaces/%s/%s", grp, rows[i].ns,
			 rows[i].res);
		snprintf(obj, sizeof(obj), "%s/cfg", coll);
		for (int s = 0; s < NSUBJ; s++) {
			const char *v = rows[i].verb, *m = "GET", *t = obj, *b = NULL;
			char watch[240];
			if (strcmp(v, "list") == 0) {
				t = coll;
			} else if (strcmp(v, "watch") == 0) {
				snprintf(watch, sizeof(watch), "%s?watch=1", coll);
				t = watch;
			} else if (strcmp(v, "update") == 0) {
				m = "PUT";
				b = "{\"metadata\":{\"name\":\"cfg\"}}";
			} else if (strcmp(v, "patch") == 0) {
				m = "PATCH";
				b = "{}";
			} else if (strcmp(v, "delete") == 0) {
				m = "DELETE";
			}
			int code;
			if (strcmp(m, "PATCH") == 0) {
				fahttp_request rq = {.method = m, .target = t,
						     .content_type = "application/merge-patch+json",
						     .body = b, .body_len = 2, .now_wall_ns = NOW};
				char auth[64];
				if (subjects[s].token != NULL) {
					snprintf(auth, sizeof(auth), "Bearer %s", subjects[s].token);
					rq.authorization = auth;
				}
				rq.cert_user = subjects[s].cert_user;
				rq.cert_groups = subjects[s].cert_groups;
				fahttp_response r;
				fahttp_handle(x->ctx, &rq, &r);
				code = r.code;
				fahttp_response_free(&r);
			} else {
				code = code_of(x, &subjects[s], m, t, b);
			}
			int want = rows[i].allowed[s];
			bool ok = want == 1 ? code != 401 && code != 403
					    : code == (want == 0 ? 403 : 401);
			if (!ok)
				fail_msg("row %zu (%s %s %s), subject %d: HTTP %d, want %s", i,
					 v, rows[i].res, rows[i].ns, s, code,
					 want == 1 ? "allowed" : want == 0 ? "403" : "401");
		}
	}
}

/* A PUT that would create is a create to the authorizer. */
static void test_put_that_creates_needs_create(void **state)
{
	fx *x = *state;
	const who upd = {.token = "t-upd"};
	const char *p = "/apis/coordination.k8s.io/v1/namespaces/team-a/leases/fresh";
	const char *b = "{\"metadata\":{\"name\":\"fresh\"}}";
	assert_int_equal(code_of(x, &upd, "PUT", p, b), 403);
	assert_int_equal(code_of(x, &upd, "POST",
				 "/apis/coordination.k8s.io/v1/namespaces/team-a/leases", b),
			 403);
	assert_null(fa_store_get_json(x->store, FA_RES_LEASES, "team-a", "fresh",
				      &(fa_status){0}));
	/* once it exists the same PUT is an update, which is allowed */
	fahttp_response r = req(x, &root, "PUT", p, b);
	assert_int_equal(r.code, 201);
	cJSON *j = cJSON_ParseWithLength(r.body, r.body_len);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "metadata");
	char upd_body[200];
	snprintf(upd_body, sizeof(upd_body),
		 "{\"metadata\":{\"name\":\"fresh\",\"resourceVersion\":\"%s\"}}",
		 cJSON_GetObjectItemCaseSensitive(m, "resourceVersion")->valuestring);
	cJSON_Delete(j);
	fahttp_response_free(&r);
	assert_int_equal(code_of(x, &upd, "PUT", p, upd_body), 200);
}

/* The namespace list shows what the caller may read, nothing more. */
static void test_namespace_list_is_filtered(void **state)
{
	fx *x = *state;
	seed_objects(x);
	const who alice = {.token = "t-alice"};
	fahttp_response r = req(x, &alice, "GET", "/api/v1/namespaces", NULL);
	assert_int_equal(r.code, 200);
	cJSON *j = cJSON_ParseWithLength(r.body, r.body_len);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0),
							  "metadata");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "name")->valuestring,
			    "team-a");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	/* root sees every namespace in use and the usual four */
	r = req(x, &root, "GET", "/api/v1/namespaces", NULL);
	j = cJSON_ParseWithLength(r.body, r.body_len);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 6);
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

/* The admin API: its own token, never a user's, never nothing. */
static void test_admin_path_needs_the_admin_token(void **state)
{
	fx *x = *state;
	static const char *const paths[][2] = {
		{"GET", "/leaselab/v1/history"},
		{"GET", "/leaselab/v1/state"},
		{"POST", "/leaselab/v1/down"},
		{"GET", "/leaselab/v1/faults"},
	};
	const who anon = {0}, user = {.token = "t-root"}, cert = {.cert_user = "root"};
	const who admin = {.token = ADMIN_TOKEN};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(code_of(x, &anon, paths[i][0], paths[i][1], NULL), 401);
		assert_int_equal(code_of(x, &user, paths[i][0], paths[i][1], NULL), 401);
		assert_int_equal(code_of(x, &cert, paths[i][0], paths[i][1], NULL), 401);
	}
	assert_int_equal(code_of(x, &admin, "GET", "/leaselab/v1/history", NULL), 200);
	assert_int_equal(code_of(x, &admin, "POST", "/leaselab/v1/up", NULL), 200);
}

/* With authentication on and no --admin-token the admin API is closed,
 * not open: an embedder that forgets the token fails closed. */
static void test_admin_closed_without_token_when_auth_is_on(void **state)
{
	(void)state;
	fx *x = fx_new(NULL);
	const who anon = {0};
	assert_int_equal(code_of(x, &anon, "GET", "/leaselab/v1/history", NULL), 403);
	assert_int_equal(code_of(x, &root, "POST", "/leaselab/v1/down", NULL), 403);
	/* still up: the refused down did nothing */
	assert_int_equal(code_of(x, &root, "GET",
				 "/apis/coordination.k8s.io/v1/namespaces/x/leases", NULL),
			 200);
	teardown((void **)&x);
}

/* Users and groups are separate: "ops" the user is not "group:ops". */
static void test_user_named_like_a_group_gets_no_group_rules(void **state)
{
	fx *x = *state;
	const char *p = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
	assert_int_equal(code_of(x, &(who){.token = "t-ops"}, "GET", p, NULL), 403);
	assert_int_equal(code_of(x, &(who){.cert_user = "ops"}, "GET", p, NULL), 403);
	assert_int_equal(code_of(x, &(who){.token = "t-bob"}, "GET", p, NULL), 200);
	/* a certificate's O values are groups the policy sees */
	assert_int_equal(code_of(x, &(who){.cert_user = "carol", .cert_groups = "x,ops"},
				 "GET", p, NULL),
			 200);
	assert_int_equal(code_of(x, &(who){.cert_user = "carol", .cert_groups = "x"},
				 "GET", p, NULL),
			 403);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matrix_matches_the_documented_policy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_that_creates_needs_create, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_namespace_list_is_filtered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_admin_path_needs_the_admin_token, setup,
						teardown),
		cmocka_unit_test(test_admin_closed_without_token_when_auth_is_on),
		cmocka_unit_test_setup_teardown(
			test_user_named_like_a_group_gets_no_group_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
