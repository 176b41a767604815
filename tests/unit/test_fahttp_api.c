/* The fake apiserver's request handler, driven directly (no sockets): the
 * Kubernetes REST paths, every error status with its Status body,
 * discovery, Tables, watches and the fault decisions. */
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
#define LEASES "/apis/coordination.k8s.io/v1/namespaces/default/leases"
#define CANDS_B_EARLY "/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates"
#define TABLE_ACCEPT                                                         \
	"application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;" \
	"v=v1beta1;g=meta.k8s.io,application/json"

typedef struct fx {
	fa_store *store;
	fa_faults *faults;
	fa_authz *authz;
	fahttp_ctx *ctx;
	int64_t now;
} fx;

static fx *fx_new(const fahttp_options *opt)
{
	fx *x = calloc(1, sizeof(*x));
	x->store = fa_store_new(7);
	x->faults = fa_faults_new();
	x->authz = fa_authz_new();
	x->ctx = fahttp_ctx_new(x->store, x->authz, x->faults, opt);
	x->now = NOW;
	assert_non_null(x->ctx);
	return x;
}

static int setup(void **state)
{
	*state = fx_new(NULL);
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

typedef struct req_opts {
	const char *accept;
	const char *content_type;
	const char *authorization;
	const char *identity;
} req_opts;

static fahttp_response do_req(fx *x, const char *method, const char *target,
			      const char *body, const req_opts *o)
{
	req_opts none = {0};
	if (o == NULL)
		o = &none;
	/* the body is handed over without a terminating NUL, as on the wire */
	size_t n = body != NULL ? strlen(body) : 0;
	char *copy = n > 0 ? malloc(n) : NULL;
	if (n > 0)
		memcpy(copy, body, n);
	fahttp_request rq = {
		.method = method,
		.target = target,
		.accept = o->accept,
		.content_type = o->content_type != NULL ? o->content_type
			       : body != NULL        ? "application/json"
						     : NULL,
		.authorization = o->authorization,
		.identity_header = o->identity,
		.body = copy,
		.body_len = n,
		.now_wall_ns = x->now,
	};
	fahttp_response r;
	fahttp_handle(x->ctx, &rq, &r);
	free(copy);
	return r;
}

static cJSON *parse(const fahttp_response *r)
{
	assert_non_null(r->body);
	cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);
	assert_non_null(j);
	return j;
}

static const char *str_at(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *cur = o;
	char *save = NULL;
	for (char *t = strtok_r(buf, ".", &save); t != NULL; t = strtok_r(NULL, ".", &save))
		cur = cJSON_GetObjectItemCaseSensitive(cur, t);
	return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

static void assert_status(fahttp_response *r, int code, const char *reason,
			  const char *message_part)
{
	assert_int_equal(r->action, FAHTTP_ACT_REPLY);
	assert_int_equal(r->code, code);
	assert_string_equal(r->content_type, FAHTTP_CT_JSON);
	cJSON *j = parse(r);
	assert_string_equal(str_at(j, "kind"), "Status");
	assert_string_equal(str_at(j, "status"), "Failure");
	assert_string_equal(str_at(j, "reason"), reason);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
	assert_int_equal((int)c->valuedouble, code);
	if (message_part != NULL && strstr(str_at(j, "message"), message_part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", str_at(j, "message"), message_part);
	cJSON_Delete(j);
	fahttp_response_free(r);
}

static void expect_code(fahttp_response r, int code)
{
	if (r.code != code)
		fail_msg("got %d, want %d: %.*s", r.code, code, (int)r.body_len,
			 r.body != NULL ? r.body : "");
	fahttp_response_free(&r);
}

static const char npm_lease[] =
	"{\"metadata\": {\"name\": \"npm-lease\", \"namespace\": \"default\"}, "
	"\"spec\": {\"acquireTime\": \"2026-11-23T19:20:33.042000Z\", "
	"\"holderIdentity\": \"npm-a\", \"renewTime\": "
	"\"2026-11-23T19:20:33.042000Z\", \"unknownField\": null}}";

static char *create_lease(fx *x, const char *name, const char *holder)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"%s\"}},"
		 "\"spec\":{\"holderIdentity\":\"%s\",\"leaseDurationSeconds\":15,"
		 "\"leaseTransitions\":0}}",
		 name, holder, holder);
	fahttp_response r = do_req(x, "POST", LEASES, body, NULL);
	assert_int_equal(r.code, 201);
	cJSON *j = parse(&r);
	char *rv = strdup(str_at(j, "metadata.resourceVersion"));
	cJSON_Delete(j);
	fahttp_response_free(&r);
	return rv;
}

/* ---- the happy paths ------------------------------------------------------- */

static void test_create_without_kind_then_get(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", LEASES, npm_lease, NULL);
	assert_int_equal(r.code, 201);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "Lease");
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1");
	assert_non_null(str_at(j, "metadata.uid"));
	char rv[32];
	snprintf(rv, sizeof(rv), "%s", str_at(j, "metadata.resourceVersion"));
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "/npm-lease?pretty=true&whatever=1", NULL, NULL);
	assert_int_equal(r.code, 200);
	j = parse(&r);
	assert_string_equal(str_at(j, "spec.holderIdentity"), "npm-a");
	assert_string_equal(str_at(j, "metadata.resourceVersion"), rv);
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

static void test_update_cas_and_conflict(void **state)
{
	fx *x = *state;
	char *rv = create_lease(x, "a", "pod-1");
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"%s\"},"
		 "\"spec\":{\"holderIdentity\":\"pod-2\",\"leaseTransitions\":1}}", rv);
	fahttp_response r = do_req(x, "PUT", LEASES "/a", body, NULL);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "spec.holderIdentity"), "pod-2");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	/* the same resourceVersion again: someone else wrote in between */
	r = do_req(x, "PUT", LEASES "/a", body, NULL);
	assert_status(&r, 409, "Conflict", "the object has been modified");
	/* name in the body differs from the URL */
	r = do_req(x, "PUT", LEASES "/b", body, NULL);
	assert_status(&r, 400, "BadRequest", "does not match the name on the URL");
	free(rv);
}

static void test_create_existing_is_already_exists(void **state)
{
	fx *x = *state;
	free(create_lease(x, "dup", "p"));
	fahttp_response r = do_req(x, "POST", LEASES,
				   "{\"metadata\":{\"name\":\"dup\"}}", NULL);
	assert_status(&r, 409, "AlreadyExists",
		      "leases.coordination.k8s.io \"dup\" already exists");
}

static void test_delete_answers_success_status(void **state)
{
	fx *x = *state;
	free(create_lease(x, "gone", "p"));
	/* a precondition on a stale uid fails */
	fahttp_response r = do_req(x, "DELETE", LEASES "/gone",
				   "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
				   "\"preconditions\":{\"uid\":\"nope\"}}",
				   NULL);
	assert_status(&r, 409, "Conflict", "Precondition failed");
	r = do_req(x, "DELETE", LEASES "/gone",
		   "{\"propagationPolicy\":\"Background\"}", NULL);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "Status");
	assert_string_equal(str_at(j, "status"), "Success");
	assert_string_equal(str_at(j, "details.name"), "gone");
	assert_string_equal(str_at(j, "details.kind"), "leases");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "GET", LEASES "/gone", NULL, NULL);
	assert_status(&r, 404, "NotFound",
		      "leases.coordination.k8s.io \"gone\" not found");
	r = do_req(x, "DELETE", LEASES "/gone", NULL, NULL);
	assert_status(&r, 404, "NotFound", "not found");
}

static void test_patches(void **state)
{
	fx *x = *state;
	free(create_lease(x, "p", "one"));
	req_opts merge = {.content_type = "application/merge-patch+json"};
	fahttp_response r = do_req(x, "PATCH", LEASES "/p",
				   "{\"spec\":{\"holderIdentity\":\"two\"}}", &merge);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "spec.holderIdentity"), "two");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	/* kubectl label: strategic merge patch, with an ordering directive */
	req_opts smp = {.content_type = "application/strategic-merge-patch+json"};
	r = do_req(x, "PATCH", LEASES "/p",
		   "{\"metadata\":{\"labels\":{\"tier\":\"gold\"}},"
		   "\"$setElementOrder/x\":[]}",
		   &smp);
	assert_int_equal(r.code, 200);
	j = parse(&r);
	assert_string_equal(str_at(j, "metadata.labels.tier"), "gold");
	assert_string_equal(str_at(j, "metadata.labels.app"), "one");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "PATCH", LEASES "/p", "{\"$patch\":\"replace\"}", &smp);
	assert_status(&r, 400, "BadRequest", "$patch");

	req_opts jp = {.content_type = "application/json-patch+json"};
	r = do_req(x, "PATCH", LEASES "/p",
		   "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":\"two\"},"
		   "{\"op\":\"replace\",\"path\":\"/spec/holderIdentity\",\"value\":\"three\"},"
		   "{\"op\":\"add\",\"path\":\"/metadata/labels/a~1b\",\"value\":\"c\"}]",
		   &jp);
	assert_int_equal(r.code, 200);
	j = parse(&r);
	assert_string_equal(str_at(j, "spec.holderIdentity"), "three");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(j, "metadata"), "labels");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(labels, "a/b")->valuestring, "c");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "PATCH", LEASES "/p",
		   "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":\"x\"}]", &jp);
	assert_status(&r, 422, "Invalid", "test failed");

	req_opts apply = {.content_type = "application/apply-patch+yaml"};
	r = do_req(x, "PATCH", LEASES "/p", "spec: {}", &apply);
	assert_status(&r, 415, "UnsupportedMediaType", "apply-patch+yaml");
	r = do_req(x, "PATCH", LEASES "/missing", "{}", &merge);
	assert_status(&r, 404, "NotFound", "\"missing\" not found");
}

static void test_list_all_namespaces_and_selectors(void **state)
{
	fx *x = *state;
	free(create_lease(x, "x1", "alpha"));
	free(create_lease(x, "x2", "beta"));
	fahttp_response r = do_req(x, "POST",
				   "/apis/coordination.k8s.io/v1/namespaces/other/leases",
				   "{\"metadata\":{\"name\":\"x3\"}}", NULL);
	expect_code(r, 201);

	r = do_req(x, "GET", "/apis/coordination.k8s.io/v1/leases?limit=500", NULL, NULL);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "LeaseList");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 3);
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "?labelSelector=app%3Dbeta", NULL, NULL);
	j = parse(&r);
	cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(str_at(cJSON_GetArrayItem(items, 0), "metadata.name"), "x2");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "?fieldSelector=metadata.name!%3Dx1", NULL, NULL);
	j = parse(&r);
	items = cJSON_GetObjectItemCaseSensitive(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(str_at(cJSON_GetArrayItem(items, 0), "metadata.name"), "x2");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "?fieldSelector=spec.holderIdentity%3Dx", NULL, NULL);
	assert_status(&r, 400, "BadRequest", "field label not supported");
	r = do_req(x, "GET", LEASES "?labelSelector=app%20in%20(", NULL, NULL);
	assert_status(&r, 400, "BadRequest", "label selector");
}

static void test_namespaces_always_exist(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "GET", "/api/v1/namespaces/anything-at-all", NULL, NULL);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "Namespace");
	assert_string_equal(str_at(j, "metadata.name"), "anything-at-all");
	assert_string_equal(str_at(j, "status.phase"), "Active");
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

/* ---- every error status with a Status body ------------------------------------ */

static void test_unknown_paths_404(void **state)
{
	fx *x = *state;
	static const char *const paths[] = {
		"/nope", "/api/v2", "/api/v1/leases",
		"/apis/coordination.k8s.io/v1/namespaces/default/configmaps",
		"/api/v1/namespaces/default/pods",
		LEASES "/a/status", "/apis/apps/v1", "/leaselab/v1/nothing"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fahttp_response r = do_req(x, "GET", paths[i], NULL, NULL);
		assert_status(&r, 404, "NotFound", NULL);
	}
}

static void test_wrong_methods_405(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", LEASES "/a", "{}", NULL);
	assert_status(&r, 405, "MethodNotAllowed", "does not allow this method");
	r = do_req(x, "PUT", LEASES, "{}", NULL);
	assert_status(&r, 405, "MethodNotAllowed", NULL);
	r = do_req(x, "DELETE", "/api", NULL, NULL);
	assert_status(&r, 405, "MethodNotAllowed", NULL);
	r = do_req(x, "POST", "/apis/coordination.k8s.io/v1/leases", "{}", NULL);
	assert_status(&r, 405, "MethodNotAllowed", NULL);
	r = do_req(x, "OPTIONS", LEASES, NULL, NULL);
	assert_status(&r, 405, "MethodNotAllowed", NULL);
	r = do_req(x, "GET", "/leaselab/v1/down", NULL, NULL);
	assert_status(&r, 405, "MethodNotAllowed", NULL);
}

static void test_malformed_json_400(void **state)
{
	fx *x = *state;
	static const char *const bodies[] = {
		"{\"metadata\":", "{} trailing", "[1,2]", "\"a string\"", "", "   ",
		"{\"metadata\":{\"name\":5}}"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		fahttp_response r = do_req(x, "POST", LEASES, bodies[i],
					   &(req_opts){.content_type = "application/json"});
		assert_status(&r, 400, "BadRequest", NULL);
	}
	fahttp_response r = do_req(x, "GET", LEASES "/a%zz", NULL, NULL);
	assert_status(&r, 400, "BadRequest", "percent escape");
	r = do_req(x, "GET", "no-slash", NULL, NULL);
	assert_status(&r, 400, "BadRequest", "must start with '/'");
	r = do_req(x, "GET", LEASES "?watch=1&resourceVersion=abc", NULL, NULL);
	assert_status(&r, 400, "BadRequest", "resourceVersion");
}

static void test_body_over_3mib_413(void **state)
{
	fx *x = *state;
	size_t n = FAHTTP_MAX_BODY + 1;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	fahttp_response r = do_req(x, "POST", LEASES, big, NULL);
	assert_status(&r, 413, "RequestEntityTooLarge", "3145728");
	free(big);
}

static void test_unsupported_content_type_415(void **state)
{
	fx *x = *state;
	req_opts pb = {.content_type = "application/vnd.kubernetes.protobuf"};
	fahttp_response r = do_req(x, "POST", LEASES, "k8s\0", &pb);
	assert_status(&r, 415, "UnsupportedMediaType", "vnd.kubernetes.protobuf");
	req_opts yaml = {.content_type = "application/yaml"};
	r = do_req(x, "PUT", LEASES "/a", "metadata: {}", &yaml);
	assert_status(&r, 415, "UnsupportedMediaType", NULL);
	/* parameters and case do not matter for JSON */
	req_opts json = {.content_type = "Application/JSON; charset=utf-8"};
	r = do_req(x, "POST", LEASES, "{\"metadata\":{\"name\":\"ct\"}}", &json);
	expect_code(r, 201);
}

static void test_invalid_object_422_names_field(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", LEASES,
				   "{\"metadata\":{\"name\":\"Bad_Name\"}}", NULL);
	assert_int_equal(r.code, 422);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "reason"), "Invalid");
	const cJSON *causes = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(j, "details"), "causes");
	assert_string_equal(str_at(cJSON_GetArrayItem(causes, 0), "field"), "metadata.name");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "POST", LEASES,
		   "{\"metadata\":{\"name\":\"neg\"},\"spec\":{\"leaseDurationSeconds\":-1}}",
		   NULL);
	assert_status(&r, 422, "Invalid", "spec.leaseDurationSeconds");
}

/* The causes of a 422 as "field|reason|message" lines, in order. */
static void causes_text(const cJSON *status, char *buf, size_t cap)
{
	const cJSON *causes = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(status, "details"), "causes");
	size_t o = 0;
	buf[0] = '\0';
	const cJSON *c;
	cJSON_ArrayForEach(c, causes)
	{
		const char *f = str_at(c, "field");
		o += (size_t)snprintf(buf + o, cap - o, "%s|%s|%s\n", f != NULL ? f : "",
				      str_at(c, "reason"), str_at(c, "message"));
	}
}

/* errors.NewInvalid: one cause per field error, the message lists them
 * all as "[a, b]" when there are several (ValidateObjectMeta's, then
 * ValidateLeaseSpec's, in upstream's order). */
static void test_invalid_lease_lists_every_field_error(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", LEASES,
				   "{\"metadata\":{\"name\":\"Bad_Name\"},\"spec\":{"
				   "\"leaseDurationSeconds\":0,\"leaseTransitions\":-1,"
				   "\"preferredHolder\":\"pod-b\"}}",
				   NULL);
	assert_int_equal(r.code, 422);
	cJSON *j = parse(&r);
	const char *msg = str_at(j, "message");
	const char *head = "Lease.coordination.k8s.io \"Bad_Name\" is invalid: "
			   "[metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
			   "subdomain must consist of";
	const char *tail = "*'), spec.leaseDurationSeconds: Invalid value: 0: must be greater "
			   "than 0, spec.leaseTransitions: Invalid value: -1: must be greater "
			   "than or equal to 0, spec.preferredHolder: Forbidden: may only be "
			   "specified if `strategy` is defined]";
	if (strncmp(msg, head, strlen(head)) != 0 || strlen(msg) < strlen(tail) ||
	    strcmp(msg + strlen(msg) - strlen(tail), tail) != 0)
		fail_msg("message: %s", msg);
	char causes[4096];
	causes_text(j, causes, sizeof(causes));
	const char *want_tail =
		"spec.leaseDurationSeconds|FieldValueInvalid|Invalid value: 0: must be greater than 0\n"
		"spec.leaseTransitions|FieldValueInvalid|Invalid value: -1: must be greater than "
		"or equal to 0\n"
		"spec.preferredHolder|FieldValueForbidden|Forbidden: may only be specified if "
		"`strategy` is defined\n";
	if (strncmp(causes, "metadata.name|FieldValueInvalid|Invalid value: \"Bad_Name\": a "
			    "lowercase RFC 1123 subdomain",
		    60) != 0 ||
	    strcmp(causes + strlen(causes) - strlen(want_tail), want_tail) != 0)
		fail_msg("causes:\n%s", causes);
	assert_string_equal(str_at(j, "details.kind"), "Lease");
	assert_string_equal(str_at(j, "details.name"), "Bad_Name");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	/* one error: no brackets, as upstream's aggregate of one */
	r = do_req(x, "POST", LEASES,
		   "{\"metadata\":{\"name\":\"neg\"},\"spec\":{\"leaseDurationSeconds\":-1}}",
		   NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "message"),
			    "Lease.coordination.k8s.io \"neg\" is invalid: "
			    "spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0");
	causes_text(j, causes, sizeof(causes));
	assert_string_equal(causes, "spec.leaseDurationSeconds|FieldValueInvalid|Invalid "
				    "value: -1: must be greater than 0\n");
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

/* ValidateLeaseCandidateSpec reports every error too, the update's
 * immutable leaseName after the spec's. */
static void test_invalid_leasecandidate_lists_every_field_error(void **state)
{
	static const struct {
		const char *body;
		const char *message;
		const char *causes;
	} cases[] = {
		{"{\"metadata\":{\"name\":\"c\"},\"spec\":{}}",
		 "LeaseCandidate.coordination.k8s.io \"c\" is invalid: [spec.leaseName: "
		 "Required value, spec.binaryVersion: Required value, spec.strategy: "
		 "Required value]",
		 "spec.leaseName|FieldValueRequired|Required value\n"
		 "spec.binaryVersion|FieldValueRequired|Required value\n"
		 "spec.strategy|FieldValueRequired|Required value\n"},
		/* a binaryVersion that does not parse is 0.0.0 below the
		 * emulationVersion as well */
		{"{\"metadata\":{\"name\":\"c\"},\"spec\":{\"leaseName\":\"kcm\","
		 "\"emulationVersion\":\"1.31.0\",\"binaryVersion\":\"bad\","
		 "\"strategy\":\"NoSuchStrategy\"}}",
		 "LeaseCandidate.coordination.k8s.io \"c\" is invalid: [spec.binaryVersion: "
		 "Invalid value: \"bad\": must be a valid semantic version, "
		 "spec.binaryVersion: Invalid value: \"bad\": must be greater than or equal "
		 "to `emulationVersion`, spec.strategy.strategy: Unsupported value: "
		 "\"NoSuchStrategy\": supported values: \"OldestEmulationVersion\"]",
		 "spec.binaryVersion|FieldValueInvalid|Invalid value: \"bad\": must be a valid "
		 "semantic version\n"
		 "spec.binaryVersion|FieldValueInvalid|Invalid value: \"bad\": must be greater "
		 "than or equal to `emulationVersion`\n"
		 "spec.strategy.strategy|FieldValueNotSupported|Unsupported value: "
		 "\"NoSuchStrategy\": supported values: \"OldestEmulationVersion\"\n"},
	};
	fx *x = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fahttp_response r = do_req(x, "POST", CANDS_B_EARLY, cases[i].body, NULL);
		if (r.code != 422)
			fail_msg("case %zu: got %d: %.*s", i, r.code, (int)r.body_len, r.body);
		cJSON *j = parse(&r);
		assert_string_equal(str_at(j, "message"), cases[i].message);
		char causes[4096];
		causes_text(j, causes, sizeof(causes));
		assert_string_equal(causes, cases[i].causes);
		cJSON_Delete(j);
		fahttp_response_free(&r);
	}
	/* an update: the spec's errors, then the immutable leaseName */
	fahttp_response r = do_req(x, "POST", CANDS_B_EARLY,
				   "{\"metadata\":{\"name\":\"u\"},\"spec\":{\"leaseName\":"
				   "\"kcm\",\"binaryVersion\":\"1.32.0\",\"strategy\":"
				   "\"OldestEmulationVersion\",\"emulationVersion\":\"1.31.0\"}}",
				   NULL);
	assert_int_equal(r.code, 201);
	cJSON *j = parse(&r);
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"u\",\"resourceVersion\":\"%s\"},\"spec\":{"
		 "\"leaseName\":\"other\",\"binaryVersion\":\"1.32.0\",\"strategy\":"
		 "\"OldestEmulationVersion\"}}",
		 str_at(j, "metadata.resourceVersion"));
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "PUT", CANDS_B_EARLY "/u", body, NULL);
	assert_int_equal(r.code, 422);
	j = parse(&r);
	assert_string_equal(str_at(j, "message"),
			    "LeaseCandidate.coordination.k8s.io \"u\" is invalid: "
			    "[spec.emulationVersion: Required value: must be specified when "
			    "`strategy` is 'OldestEmulationVersion', spec.leaseName: Invalid "
			    "value: \"other\": field is immutable]");
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

static void test_not_acceptable_406(void **state)
{
	fx *x = *state;
	req_opts pb = {.accept = "application/vnd.kubernetes.protobuf"};
	fahttp_response r = do_req(x, "GET", LEASES, NULL, &pb);
	assert_status(&r, 406, "NotAcceptable", "application/json");
	/* protobuf first, JSON as the fallback: JSON */
	req_opts both = {.accept = "application/vnd.kubernetes.protobuf, application/json"};
	r = do_req(x, "GET", LEASES, NULL, &both);
	expect_code(r, 200);
}

static void test_tokens_401_and_identity(void **state)
{
	fx *x = *state;
	fahttp_ctx_free(x->ctx);
	fahttp_options opt = {.tokens_configured = true};
	x->ctx = fahttp_ctx_new(x->store, x->authz, x->faults, &opt);
	assert_int_equal(fa_authz_add_token(x->authz, "s3cret", "alice"), LE_OK);
	fahttp_response r = do_req(x, "GET", LEASES, NULL, NULL);
	assert_status(&r, 401, "Unauthorized", "Unauthorized");
	r = do_req(x, "GET", LEASES, NULL, &(req_opts){.authorization = "Bearer wrong"});
	assert_status(&r, 401, "Unauthorized", NULL);
	/* the test header is ignored once authentication is configured */
	r = do_req(x, "GET", LEASES, NULL, &(req_opts){.identity = "mallory"});
	assert_status(&r, 401, "Unauthorized", NULL);
	r = do_req(x, "POST", LEASES, "{\"metadata\":{\"name\":\"t\"}}",
		   &(req_opts){.authorization = "bearer s3cret"});
	expect_code(r, 201);
	size_t n = fa_store_history_len(x->store);
	assert_string_equal(fa_store_history_at(x->store, n - 1)->identity, "alice");
	/* healthz stays open */
	r = do_req(x, "GET", "/healthz", NULL, NULL);
	expect_code(r, 200);
}

static void test_identity_header_without_auth(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", LEASES, "{\"metadata\":{\"name\":\"h\"}}",
				   &(req_opts){.identity = "pod-7"});
	expect_code(r, 201);
	r = do_req(x, "POST", LEASES, "{\"metadata\":{\"name\":\"h2\"}}", NULL);
	expect_code(r, 201);
	assert_string_equal(fa_store_history_at(x->store, 0)->identity, "pod-7");
	assert_string_equal(fa_store_history_at(x->store, 1)->identity, "system:admin");
}

static void test_policy_403(void **state)
{
	fx *x = *state;
	char err[256];
	assert_int_equal(fa_authz_add_rule(x->authz, "pod-a get,list leases default",
					   err, sizeof(err)),
			 LE_OK);
	fahttp_response r = do_req(x, "GET", LEASES, NULL, &(req_opts){.identity = "pod-a"});
	expect_code(r, 200);
	r = do_req(x, "POST", LEASES, "{\"metadata\":{\"name\":\"f\"}}",
		   &(req_opts){.identity = "pod-a"});
	assert_status(&r, 403, "Forbidden",
		      "User \"pod-a\" cannot create resource \"leases\" in API group "
		      "\"coordination.k8s.io\" in the namespace \"default\"");
	r = do_req(x, "GET", "/api/v1/namespaces/default/configmaps/c", NULL,
		   &(req_opts){.identity = "pod-a"});
	assert_status(&r, 403, "Forbidden", "configmaps \"c\" is forbidden");
}

/* ---- discovery --------------------------------------------------------------- */

static const cJSON *find_named(const cJSON *arr, const char *key, const char *val)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		const char *v = str_at(it, key);
		if (v != NULL && strcmp(v, val) == 0)
			return it;
	}
	return NULL;
}

static void test_discovery_legacy_documents(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "GET", "/api", NULL, NULL);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIVersions");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "versions"), 0)
				    ->valuestring,
			    "v1");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", "/apis", NULL, NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIGroupList");
	const cJSON *g = find_named(cJSON_GetObjectItemCaseSensitive(j, "groups"), "name",
				    "coordination.k8s.io");
	assert_non_null(g);
	assert_string_equal(str_at(g, "preferredVersion.groupVersion"), "coordination.k8s.io/v1");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", "/api/v1", NULL, NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIResourceList");
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "resources");
	const cJSON *ep = find_named(res, "name", "endpoints");
	const cJSON *cm = find_named(res, "name", "configmaps");
	assert_non_null(ep);
	assert_non_null(cm);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ep, "namespaced")));
	assert_string_equal(str_at(ep, "kind"), "Endpoints");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ep, "shortNames"), 0)
				    ->valuestring,
			    "ep");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cm, "shortNames"), 0)
				    ->valuestring,
			    "cm");
	const cJSON *verbs = cJSON_GetObjectItemCaseSensitive(cm, "verbs");
	bool has_watch = false, has_patch = false;
	const cJSON *v;
	cJSON_ArrayForEach(v, verbs)
	{
		has_watch |= strcmp(v->valuestring, "watch") == 0;
		has_patch |= strcmp(v->valuestring, "patch") == 0;
	}
	assert_true(has_watch && has_patch);
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", "/apis/coordination.k8s.io/v1", NULL, NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "groupVersion"), "coordination.k8s.io/v1");
	const cJSON *lease = find_named(cJSON_GetObjectItemCaseSensitive(j, "resources"),
					"name", "leases");
	assert_string_equal(str_at(lease, "kind"), "Lease");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", "/version", NULL, NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "major"), "1");
	assert_non_null(str_at(j, "gitVersion"));
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

static void test_discovery_aggregated_only_when_asked(void **state)
{
	fx *x = *state;
	req_opts v2 = {.accept = "application/json;g=apidiscovery.k8s.io;v=v2;"
				 "as=APIGroupDiscoveryList,application/json"};
	fahttp_response r = do_req(x, "GET", "/apis", NULL, &v2);
	assert_string_equal(r.content_type, FAHTTP_CT_DISCOVERY_V2);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIGroupDiscoveryList");
	assert_string_equal(str_at(j, "apiVersion"), "apidiscovery.k8s.io/v2");
	const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "items"), 0);
	assert_string_equal(str_at(item, "metadata.name"), "coordination.k8s.io");
	const cJSON *ver = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(item, "versions"), 0);
	const cJSON *lease = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ver, "resources"), 0);
	assert_string_equal(str_at(lease, "resource"), "leases");
	assert_string_equal(str_at(lease, "scope"), "Namespaced");
	assert_string_equal(str_at(lease, "responseKind.kind"), "Lease");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", "/api", NULL, &v2);
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIGroupDiscoveryList");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	/* a version we do not serve falls through to the plain document */
	req_opts beta = {.accept = "application/json;g=apidiscovery.k8s.io;v=v2beta1;"
				   "as=APIGroupDiscoveryList,application/json"};
	r = do_req(x, "GET", "/apis", NULL, &beta);
	assert_string_equal(r.content_type, FAHTTP_CT_JSON);
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "APIGroupList");
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

/* ---- Tables ------------------------------------------------------------------------ */

static void test_table_for_leases_has_holder(void **state)
{
	fx *x = *state;
	free(create_lease(x, "t1", "holder-one"));
	x->now = NOW + INT64_C(200) * 1000000000; /* 3m20s later */
	req_opts t = {.accept = TABLE_ACCEPT};
	fahttp_response r = do_req(x, "GET", LEASES, NULL, &t);
	assert_int_equal(r.code, 200);
	assert_string_equal(r.content_type, FAHTTP_CT_TABLE_V1);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "Table");
	assert_string_equal(str_at(j, "apiVersion"), "meta.k8s.io/v1");
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columnDefinitions");
	assert_int_equal(cJSON_GetArraySize(cols), 3);
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 0), "name"), "Name");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 1), "name"), "Holder");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 2), "name"), "Age");
	const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0);
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(row, "cells");
	assert_string_equal(cJSON_GetArrayItem(cells, 0)->valuestring, "t1");
	assert_string_equal(cJSON_GetArrayItem(cells, 1)->valuestring, "holder-one");
	assert_string_equal(cJSON_GetArrayItem(cells, 2)->valuestring, "3m20s");
	assert_string_equal(str_at(row, "object.kind"), "PartialObjectMetadata");
	assert_string_equal(str_at(row, "object.metadata.namespace"), "default");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "/t1?includeObject=Object", NULL, &t);
	j = parse(&r);
	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0);
	assert_string_equal(str_at(row, "object.kind"), "Lease");
	assert_string_equal(str_at(row, "object.spec.holderIdentity"), "holder-one");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "?includeObject=None", NULL, &t);
	j = parse(&r);
	row = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0);
	assert_null(cJSON_GetObjectItemCaseSensitive(row, "object"));
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

static void test_table_for_endpoints_and_configmaps(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(
		x, "POST", "/api/v1/namespaces/default/endpoints",
		"{\"metadata\":{\"name\":\"svc\"},\"subsets\":[{\"addresses\":["
		"{\"ip\":\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"}],\"ports\":[{\"port\":80},"
		"{\"port\":443}]}]}",
		NULL);
	expect_code(r, 201);
	r = do_req(x, "POST", "/api/v1/namespaces/default/endpoints",
		   "{\"metadata\":{\"name\":\"empty\"}}", NULL);
	expect_code(r, 201);
	req_opts t = {.accept = TABLE_ACCEPT};
	r = do_req(x, "GET", "/api/v1/namespaces/default/endpoints", NULL, &t);
	cJSON *j = parse(&r);
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columnDefinitions");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 1), "name"), "Endpoints");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(j, "rows");
	/* sorted by name: empty, svc */
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
						       cJSON_GetArrayItem(rows, 0), "cells"),
					       1)->valuestring,
			    "<none>");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
						       cJSON_GetArrayItem(rows, 1), "cells"),
					       1)->valuestring,
			    "10.0.0.1:80,10.0.0.1:443,10.0.0.2:80 + 1 more...");
	cJSON_Delete(j);
	fahttp_response_free(&r);

	r = do_req(x, "POST", "/api/v1/namespaces/default/configmaps",
		   "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"1\",\"b\":\"2\"},"
		   "\"binaryData\":{\"c\":\"AA==\"}}",
		   NULL);
	expect_code(r, 201);
	r = do_req(x, "GET", "/api/v1/configmaps", NULL, &t);
	j = parse(&r);
	cols = cJSON_GetObjectItemCaseSensitive(j, "columnDefinitions");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 1), "name"), "Data");
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0), "cells");
	assert_int_equal((int)cJSON_GetArrayItem(cells, 1)->valuedouble, 3);
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

static void test_human_age(void **state)
{
	(void)state;
	static const struct {
		int64_t secs;
		const char *want;
	} cases[] = {
		{0, "0s"},        {59, "59s"},         {119, "119s"},     {120, "2m"},
		{200, "3m20s"},   {600, "10m"},        {10799, "179m"},   {10800, "3h"},
		{11100, "3h5m"},  {28800, "8h"},       {172799, "47h"},   {172800, "2d"},
		{180000, "2d2h"}, {691200, "8d"},      {63072000, "2y"},  {63158400, "2y1d"},
		{252288000, "8y"},
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fahttp_human_age(NOW + cases[i].secs * INT64_C(1000000000), NOW, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%lld s: got %s, want %s", (long long)cases[i].secs, buf,
				 cases[i].want);
	}
	fahttp_human_age(NOW, 0, buf, sizeof(buf));
	assert_string_equal(buf, "<unknown>");
	fahttp_human_age(NOW, NOW + INT64_C(5000000000), buf, sizeof(buf));
	assert_string_equal(buf, "<invalid>");
	fahttp_human_age(NOW, NOW + INT64_C(500000000), buf, sizeof(buf));
	assert_string_equal(buf, "0s");
}

/* ---- watches ------------------------------------------------------------------------- */

/* Splits a body of watch lines; returns the count, types in out. */
static int watch_lines(const fahttp_response *r, char types[][16], char names[][64],
		       int max)
{
	int n = 0;
	const char *p = r->body, *end = r->body + r->body_len;
	while (p != NULL && p < end && n < max) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl); /* every event ends with a newline */
		cJSON *ev = cJSON_ParseWithLength(p, (size_t)(nl - p));
		assert_non_null(ev);
		snprintf(types[n], 16, "%s", str_at(ev, "type"));
		const char *nm = str_at(ev, "object.metadata.name");
		snprintf(names[n], 64, "%s", nm != NULL ? nm : "");
		cJSON_Delete(ev);
		n++;
		p = nl + 1;
	}
	return n;
}

static void test_watch_synthetic_added_then_resume(void **state)
{
	fx *x = *state;
	free(create_lease(x, "w1", "a"));
	char *rv2 = create_lease(x, "w2", "b");
	fahttp_response r = do_req(x, "GET", LEASES "?watch=1", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH);
	assert_int_equal(r.code, 200);
	char types[8][16], names[8][64];
	assert_int_equal(watch_lines(&r, types, names, 8), 2);
	assert_string_equal(types[0], "ADDED");
	assert_string_equal(names[0], "w1");
	assert_string_equal(names[1], "w2");
	assert_int_equal(r.watch.filter.res, FA_RES_LEASES);
	assert_int_equal(r.watch.timeout_s, 0);
	fahttp_response_free(&r);

	/* changes after rv2: a MODIFIED and a DELETED, in commit order */
	req_opts merge = {.content_type = "application/merge-patch+json"};
	r = do_req(x, "PATCH", LEASES "/w1", "{\"spec\":{\"holderIdentity\":\"c\"}}", &merge);
	expect_code(r, 200);
	r = do_req(x, "DELETE", LEASES "/w2", NULL, NULL);
	expect_code(r, 200);
	char target[256];
	snprintf(target, sizeof(target),
		 "/apis/coordination.k8s.io/v1/watch/namespaces/default/leases"
		 "?resourceVersion=%s&timeoutSeconds=30&allowWatchBookmarks=true",
		 rv2);
	r = do_req(x, "GET", target, NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH);
	assert_int_equal(r.watch.timeout_s, 30);
	assert_int_equal(watch_lines(&r, types, names, 8), 2);
	assert_string_equal(types[0], "MODIFIED");
	assert_string_equal(names[0], "w1");
	assert_string_equal(types[1], "DELETED");
	assert_string_equal(names[1], "w2");
	fahttp_response_free(&r);

	/* one object by name (the /watch/ path form) */
	r = do_req(x, "GET",
		   "/apis/coordination.k8s.io/v1/watch/namespaces/default/leases/w1", NULL,
		   NULL);
	assert_int_equal(watch_lines(&r, types, names, 8), 1);
	assert_string_equal(names[0], "w1");
	assert_true(r.watch.filter.has_name_eq);
	assert_string_equal(r.watch.filter.name_eq, "w1");
	fahttp_response_free(&r);
	free(rv2);
}

static void test_watch_table_events_and_initial_events_end(void **state)
{
	fx *x = *state;
	free(create_lease(x, "tw", "h"));
	req_opts t = {.accept = TABLE_ACCEPT};
	fahttp_response r = do_req(x, "GET", LEASES "?watch=true&sendInitialEvents=true",
				   NULL, &t);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH);
	assert_string_equal(r.content_type, FAHTTP_CT_TABLE_V1);
	const char *nl = memchr(r.body, '\n', r.body_len);
	cJSON *ev = cJSON_ParseWithLength(r.body, (size_t)(nl - r.body));
	assert_string_equal(str_at(ev, "type"), "ADDED");
	assert_string_equal(str_at(ev, "object.kind"), "Table");
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
					   cJSON_GetObjectItemCaseSensitive(ev, "object"), "rows"),
				   0),
		"cells");
	assert_string_equal(cJSON_GetArrayItem(cells, 1)->valuestring, "h");
	cJSON_Delete(ev);
	/* then the bookmark that ends the initial events */
	ev = cJSON_ParseWithLength(nl + 1, r.body_len - (size_t)(nl + 1 - r.body) - 1);
	assert_string_equal(str_at(ev, "type"), "BOOKMARK");
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ev, "object"),
						 "metadata"),
		"annotations");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(ann, "k8s.io/initial-events-end")
				    ->valuestring,
			    "true");
	cJSON_Delete(ev);

	/* a later event of the same stream has no column definitions */
	cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"tw\",\"namespace\":\"default\","
				 "\"resourceVersion\":\"9\"},\"spec\":{}}");
	size_t len;
	char *line = fahttp_watch_event(&r.watch, "MODIFIED", obj, false, NOW, &len);
	assert_int_equal(line[len - 1], '\n');
	ev = cJSON_ParseWithLength(line, len);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(ev, "object"), "columnDefinitions")));
	cJSON_Delete(ev);
	free(line);
	cJSON_Delete(obj);
	fahttp_response_free(&r);
}

static void test_watch_event_json_puts_kind_back(void **state)
{
	(void)state;
	fahttp_watch_spec w;
	memset(&w, 0, sizeof(w));
	w.filter.res = FA_RES_CONFIGMAPS;
	w.format = FAHTTP_FMT_JSON;
	cJSON *item = cJSON_Parse("{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"}}");
	size_t len;
	char *line = fahttp_watch_event(&w, "ADDED", item, true, NOW, &len);
	assert_string_equal(line, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\","
				  "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\"},"
				  "\"data\":{\"k\":\"v\"}}}\n");
	assert_int_equal(len, strlen(line));
	free(line);
	cJSON_Delete(item);
}

static void test_watch_too_old_is_410_error_event(void **state)
{
	fx *x = *state;
	free(create_lease(x, "e", "h"));
	/* resourceVersion "0" means "any": the current state, then changes */
	fahttp_ctx *c2 = fahttp_ctx_new(x->store, NULL, x->faults, NULL);
	fahttp_request rq = {.method = "GET",
			     .target = LEASES "?watch=1&resourceVersion=0",
			     .now_wall_ns = NOW};
	fahttp_response r;
	fahttp_handle(c2, &rq, &r);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH); /* "0" = from now */
	fahttp_response_free(&r);
	/* a revision before the store's when the context was made: gone */
	fahttp_ctx_free(c2);
	fa_store *s2 = fa_store_new(1);
	char err[200];
	cJSON *o = cJSON_Parse("{\"metadata\":{\"name\":\"old\",\"namespace\":\"default\","
			       "\"resourceVersion\":\"50\"},\"spec\":{}}");
	assert_int_equal(fa_store_restore_json(s2, FA_RES_LEASES, o, false, err, sizeof(err)),
			 LE_OK);
	cJSON_Delete(o);
	c2 = fahttp_ctx_new(s2, NULL, x->faults, NULL);
	rq.target = LEASES "?watch=1&resourceVersion=7";
	fahttp_handle(c2, &rq, &r);
	assert_int_equal(r.action, FAHTTP_ACT_REPLY);
	assert_int_equal(r.code, 200);
	cJSON *ev = cJSON_ParseWithLength(r.body, r.body_len);
	assert_string_equal(str_at(ev, "type"), "ERROR");
	assert_string_equal(str_at(ev, "object.reason"), "Expired");
	assert_int_equal((int)cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(ev, "object"), "code")
				 ->valuedouble,
			 410);
	cJSON_Delete(ev);
	fahttp_response_free(&r);
	fahttp_ctx_free(c2);
	fa_store_free(s2);
}

/* ---- faults ---------------------------------------------------------------------------- */

static void add_rule(fx *x, const char *json)
{
	fahttp_response r = do_req(x, "POST", "/leaselab/v1/faults", json, NULL);
	if (r.code != 201)
		fail_msg("rule %s: %d %.*s", json, r.code, (int)r.body_len, r.body);
	fahttp_response_free(&r);
}

static void test_fault_injected_429_has_retry_after(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"pod-a\",\"error\":429,\"retryAfter\":7}");
	fahttp_response r = do_req(x, "GET", LEASES, NULL, &(req_opts){.identity = "pod-a"});
	assert_int_equal(r.retry_after_s, 7);
	assert_status(&r, 429, "TooManyRequests", NULL);
	/* another client is not affected */
	r = do_req(x, "GET", LEASES, NULL, &(req_opts){.identity = "pod-b"});
	expect_code(r, 200);
	/* the admin API never is */
	r = do_req(x, "GET", "/leaselab/v1/state", NULL, &(req_opts){.identity = "pod-a"});
	expect_code(r, 200);
}

static void test_fault_losses_and_partitions(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"lose-req\",\"requestLoss\":1}");
	add_rule(x, "{\"identity\":\"lose-resp\",\"responseLoss\":1}");
	add_rule(x, "{\"identity\":\"hole\",\"partition\":\"blackhole\"}");
	add_rule(x, "{\"identity\":\"refuse\",\"partition\":\"refused\"}");
	add_rule(x, "{\"identity\":\"slow\",\"requestLatency\":\"250ms\","
		    "\"responseLatency\":\"1s\"}");
	const char *body = "{\"metadata\":{\"name\":\"l\"}}";
	uint64_t rev = fa_store_revision(x->store);

	fahttp_response r = do_req(x, "POST", LEASES, body, &(req_opts){.identity = "lose-req"});
	assert_int_equal(r.action, FAHTTP_ACT_HOLD);
	assert_true(r.decision.drop_request);
	assert_int_equal(fa_store_revision(x->store), rev); /* nothing committed */
	fahttp_response_free(&r);

	r = do_req(x, "POST", LEASES, body, &(req_opts){.identity = "hole"});
	assert_int_equal(r.action, FAHTTP_ACT_HOLD);
	assert_int_equal(fa_store_revision(x->store), rev);
	fahttp_response_free(&r);

	r = do_req(x, "POST", LEASES, body, &(req_opts){.identity = "refuse"});
	assert_int_equal(r.action, FAHTTP_ACT_CLOSE);
	assert_int_equal(fa_store_revision(x->store), rev);
	fahttp_response_free(&r);

	r = do_req(x, "POST", LEASES, body, &(req_opts){.identity = "lose-resp"});
	assert_int_equal(r.action, FAHTTP_ACT_HOLD);
	assert_null(r.body);
	assert_int_equal(fa_store_revision(x->store), rev + 1); /* committed */
	fahttp_response_free(&r);

	r = do_req(x, "GET", LEASES "/l", NULL, &(req_opts){.identity = "slow"});
	assert_int_equal(r.code, 200);
	assert_int_equal(r.decision.request_delay_ns, INT64_C(250000000));
	assert_int_equal(r.decision.response_delay_ns, INT64_C(1000000000));
	fahttp_response_free(&r);

	/* server down: every client refused, until up */
	r = do_req(x, "POST", "/leaselab/v1/down", NULL, NULL);
	assert_true(r.went_down);
	fahttp_response_free(&r);
	r = do_req(x, "GET", "/version", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_CLOSE);
	fahttp_response_free(&r);
	r = do_req(x, "POST", "/leaselab/v1/up", NULL, NULL);
	assert_false(r.went_down);
	fahttp_response_free(&r);
	r = do_req(x, "GET", "/version", NULL, NULL);
	expect_code(r, 200);
}

#define CANDS_B "/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates"
#define CANDS_A "/apis/coordination.k8s.io/v1alpha2/namespaces/kube-system/leasecandidates"

static bool body_has(const fahttp_response *r, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; r->body != NULL && i + n <= r->body_len; i++)
		if (memcmp(r->body + i, needle, n) == 0)
			return true;
	return false;
}

/* One stored LeaseCandidate, answered in the version of the path: a body
 * sent to v1alpha2 is read as v1beta1, and every apiVersion that goes out
 * on a v1alpha2 path says v1alpha2. */
static void test_leasecandidates_in_both_versions(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", CANDS_A,
				   "{\"apiVersion\":\"coordination.k8s.io/v1alpha2\","
				   "\"kind\":\"LeaseCandidate\",\"metadata\":{\"name\":\"c1\"},"
				   "\"spec\":{\"leaseName\":\"kcm\",\"binaryVersion\":\"1.32.0\","
				   "\"emulationVersion\":\"1.31.0\",\"strategy\":"
				   "\"OldestEmulationVersion\"}}",
				   NULL);
	assert_int_equal(r.code, 201);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1alpha2");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "GET", CANDS_B "/c1", NULL, NULL);
	assert_int_equal(r.code, 200);
	j = parse(&r);
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1beta1");
	assert_string_equal(str_at(j, "spec.emulationVersion"), "1.31.0");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "GET", CANDS_A, NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_false(body_has(&r, "v1beta1"));
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "LeaseCandidateList");
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1alpha2");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	/* the watch's ADDED event too */
	r = do_req(x, "GET", CANDS_A "?watch=1", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH);
	assert_true(body_has(&r, "\"apiVersion\":\"coordination.k8s.io/v1alpha2\""));
	assert_true(r.watch.alpha2);
	fahttp_response_free(&r);
	/* leases are not served at v1beta1 */
	r = do_req(x, "GET", "/apis/coordination.k8s.io/v1beta1/namespaces/default/leases",
		   NULL, NULL);
	assert_int_equal(r.code, 404);
	fahttp_response_free(&r);
}

#define CANDS_1 "/apis/coordination.k8s.io/v1alpha1/namespaces/kube-system/leasecandidates"

/* v1alpha1 (1.31) has preferredStrategies, a list, where v1beta1 has
 * strategy: a body sent there is stored as v1beta1 with the first entry as
 * the strategy, and every answer on a v1alpha1 path (object, list, watch
 * event, discovery) says v1alpha1 with the strategy as a one-entry list. */
static void test_leasecandidates_v1alpha1_preferred_strategies(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", CANDS_1,
				   "{\"apiVersion\":\"coordination.k8s.io/v1alpha1\","
				   "\"kind\":\"LeaseCandidate\",\"metadata\":{\"name\":\"c1\"},"
				   "\"spec\":{\"leaseName\":\"kcm\",\"binaryVersion\":\"1.31.0\","
				   "\"emulationVersion\":\"1.31.0\",\"preferredStrategies\":"
				   "[\"OldestEmulationVersion\",\"example.com/other\"]}}",
				   NULL);
	assert_int_equal(r.code, 201);
	cJSON *j = parse(&r);
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1alpha1");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(j, "spec");
	const cJSON *ps = cJSON_GetObjectItemCaseSensitive(spec, "preferredStrategies");
	assert_int_equal(cJSON_GetArraySize(ps), 1);
	assert_string_equal(cJSON_GetArrayItem(ps, 0)->valuestring, "OldestEmulationVersion");
	assert_null(cJSON_GetObjectItemCaseSensitive(spec, "strategy"));
	char rv[32];
	snprintf(rv, sizeof(rv), "%s", str_at(j, "metadata.resourceVersion"));
	cJSON_Delete(j);
	fahttp_response_free(&r);

	/* stored as v1beta1 with a strategy */
	r = do_req(x, "GET", CANDS_B "/c1", NULL, NULL);
	j = parse(&r);
	assert_string_equal(str_at(j, "spec.strategy"), "OldestEmulationVersion");
	assert_false(body_has(&r, "preferredStrategies"));
	cJSON_Delete(j);
	fahttp_response_free(&r);

	/* a list, and a watch's initial events */
	r = do_req(x, "GET", CANDS_1, NULL, NULL);
	assert_int_equal(r.code, 200);
	assert_false(body_has(&r, "v1beta1"));
	assert_false(body_has(&r, "\"strategy\""));
	j = parse(&r);
	assert_string_equal(str_at(j, "kind"), "LeaseCandidateList");
	assert_string_equal(str_at(j, "apiVersion"), "coordination.k8s.io/v1alpha1");
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "GET", CANDS_1 "?watch=1", NULL, NULL);
	assert_int_equal(r.action, FAHTTP_ACT_WATCH);
	assert_true(r.watch.alpha1);
	assert_true(body_has(&r, "\"apiVersion\":\"coordination.k8s.io/v1alpha1\""));
	assert_true(body_has(&r, "\"preferredStrategies\":[\"OldestEmulationVersion\"]"));
	/* and an event as it commits */
	cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"c1\"},\"spec\":{\"leaseName\":"
				 "\"kcm\",\"binaryVersion\":\"1.31.0\",\"strategy\":"
				 "\"OldestEmulationVersion\"}}");
	size_t len;
	char *ev = fahttp_watch_event(&r.watch, "MODIFIED", obj, false, NOW, &len);
	assert_non_null(ev);
	assert_non_null(strstr(ev, "\"apiVersion\":\"coordination.k8s.io/v1alpha1\""));
	assert_non_null(strstr(ev, "\"preferredStrategies\":[\"OldestEmulationVersion\"]"));
	assert_null(strstr(ev, "\"strategy\""));
	assert_int_equal(ev[len - 1], '\n');
	free(ev);
	cJSON_Delete(obj);
	fahttp_response_free(&r);

	/* a merge patch in v1alpha1's terms */
	r = do_req(x, "PATCH", CANDS_1 "/c1",
		   "{\"spec\":{\"preferredStrategies\":[\"example.com/mine\"]}}",
		   &(req_opts){.content_type = "application/merge-patch+json"});
	assert_int_equal(r.code, 200);
	assert_true(body_has(&r, "\"preferredStrategies\":[\"example.com/mine\"]"));
	fahttp_response_free(&r);

	/* not a list of strings: 400 naming the v1alpha1 field */
	r = do_req(x, "POST", CANDS_1,
		   "{\"metadata\":{\"name\":\"c2\"},\"spec\":{\"leaseName\":\"kcm\","
		   "\"binaryVersion\":\"1.31.0\",\"preferredStrategies\":\"OldestEmulationVersion\"}}",
		   NULL);
	assert_status(&r, 400, "BadRequest", "spec.preferredStrategies");

	/* discovery */
	r = do_req(x, "GET", "/apis/coordination.k8s.io/v1alpha1", NULL, NULL);
	assert_int_equal(r.code, 200);
	j = parse(&r);
	assert_string_equal(str_at(j, "groupVersion"), "coordination.k8s.io/v1alpha1");
	assert_true(body_has(&r, "\"name\":\"leasecandidates\""));
	cJSON_Delete(j);
	fahttp_response_free(&r);
	r = do_req(x, "GET", "/apis/coordination.k8s.io", NULL, NULL);
	assert_true(body_has(&r, "\"groupVersion\":\"coordination.k8s.io/v1alpha1\""));
	fahttp_response_free(&r);
}

static void test_leasecandidate_table_columns(void **state)
{
	fx *x = *state;
	fahttp_response r = do_req(x, "POST", CANDS_B,
				   "{\"metadata\":{\"name\":\"c1\"},\"spec\":{\"leaseName\":"
				   "\"kcm\",\"binaryVersion\":\"1.33.0\",\"emulationVersion\":"
				   "\"1.32.0\",\"strategy\":\"OldestEmulationVersion\"}}",
				   NULL);
	assert_int_equal(r.code, 201);
	fahttp_response_free(&r);
	req_opts o = {.accept = TABLE_ACCEPT};
	r = do_req(x, "GET", CANDS_A, NULL, &o);
	assert_int_equal(r.code, 200);
	cJSON *j = parse(&r);
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columnDefinitions");
	static const char *const want[] = {"Name", "LeaseName", "BinaryVersion",
					   "EmulationVersion", "Age"};
	assert_int_equal(cJSON_GetArraySize(cols), 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(str_at(cJSON_GetArrayItem(cols, i), "name"), want[i]);
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "rows"), 0), "cells");
	assert_string_equal(cJSON_GetArrayItem(cells, 1)->valuestring, "kcm");
	assert_string_equal(cJSON_GetArrayItem(cells, 2)->valuestring, "1.33.0");
	assert_string_equal(cJSON_GetArrayItem(cells, 3)->valuestring, "1.32.0");
	cJSON_Delete(j);
	fahttp_response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_without_kind_then_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_cas_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_existing_is_already_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_answers_success_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_all_namespaces_and_selectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespaces_always_exist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_paths_404, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_methods_405, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_json_400, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_over_3mib_413, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_content_type_415, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_object_422_names_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_lease_lists_every_field_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_leasecandidate_lists_every_field_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_acceptable_406, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens_401_and_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_header_without_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_403, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discovery_legacy_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discovery_aggregated_only_when_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_for_leases_has_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_for_endpoints_and_configmaps, setup, teardown),
		cmocka_unit_test(test_human_age),
		cmocka_unit_test_setup_teardown(test_watch_synthetic_added_then_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_table_events_and_initial_events_end, setup, teardown),
		cmocka_unit_test(test_watch_event_json_puts_kind_back),
		cmocka_unit_test_setup_teardown(test_watch_too_old_is_410_error_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_injected_429_has_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_losses_and_partitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leasecandidates_in_both_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leasecandidates_v1alpha1_preferred_strategies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_leasecandidate_table_columns, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
