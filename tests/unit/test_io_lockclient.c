/* The REST shapes of the locks (elector/io/lockclient.c): paths, request
 * bodies (whole cached object on PUT), responses into le_response, and
 * Status bodies into clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "leaselab/fake_apiserver.h"
#include "leaselab/kube.h"

#include "io_test.h"

#define ARTICLE_403                                                                                \
	"endpoints \"elect-nginx-deploy\" is forbidden: User "                                     \
	"\"system:serviceaccount:test-leader-elector:default\" "                                   \
	"cannot get resource \"endpoints\" in API group \"\" in the namespace \"default\""

static le_record record_of(const char *holder, int32_t transitions)
{
	le_record r;
	le_record_clear(&r);
	snprintf(r.holder, sizeof r.holder, "%s", holder);
	r.holder_set = true;
	r.lease_duration_s = 15;
	r.has_acquire_time = r.has_renew_time = true;
	r.acquire_wall_ns = INT64_C(1709460000) * LE_NS_PER_S;
	r.renew_wall_ns = r.acquire_wall_ns + 123456000;
	r.transitions = transitions;
	return r;
}

static const char *str_at(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
	if (b)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	if (c)
		x = cJSON_GetObjectItemCaseSensitive(x, c);
	return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* ---- paths and Status ------------------------------------------------------ */

static void test_lock_paths(void **state)
{
	char buf[256];
	(void)state;
	assert_true(le_lock_path(LE_LOCK_LEASES, "default", "my-lease", buf, sizeof buf) > 0);
	assert_string_equal(buf, "/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease");
	le_lock_path(LE_LOCK_ENDPOINTS, "kube-system", NULL, buf, sizeof buf);
	assert_string_equal(buf, "/api/v1/namespaces/kube-system/endpoints");
	le_lock_path(LE_LOCK_CONFIGMAPS, "ns", "cm", buf, sizeof buf);
	assert_string_equal(buf, "/api/v1/namespaces/ns/configmaps/cm");
	assert_int_equal(le_lock_path(LE_LOCK_LEASES, "default", "x", buf, 10), LE_ERANGE);
}

static void test_status_403_message_verbatim(void **state)
{
	char reason[64], msg[1024];
	(void)state;
	/* The body a real apiserver sends for the article's RBAC failure. */
	const char *body =
		"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
		"\"message\":\""
		"endpoints \\\"elect-nginx-deploy\\\" is forbidden: User "
		"\\\"system:serviceaccount:test-leader-elector:default\\\" cannot get resource "
		"\\\"endpoints\\\" in API group \\\"\\\" in the namespace \\\"default\\\""
		"\","
		"\"reason\":\"Forbidden\",\"details\":{\"name\":\"elect-nginx-deploy\",\"kind\":"
		"\"endpoints\"},"
		"\"code\":403}";
	le_kube_decode_status(403, body, strlen(body), reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "Forbidden");
	assert_string_equal(msg, ARTICLE_403);
}

static void test_status_403_from_fake_apiserver_authz(void **state)
{
	char reason[64], msg[1024], err[256];
	(void)state;
	/* The same message produced by the fake apiserver's authorizer and
	 * Status encoder, decoded by ours: what the live test relies on. */
	fa_authz *a = fa_authz_new();
	assert_non_null(a);
	assert_int_equal(fa_authz_add_rule(a,
					   "system:serviceaccount:test-leader-elector:default "
					   "get,create,update leases default",
					   err, sizeof err),
			 0);
	fa_status st;
	memset(&st, 0, sizeof st);
	assert_false(fa_authz_allow(a, "system:serviceaccount:test-leader-elector:default", "get",
				    FA_RES_ENDPOINTS, "default", "elect-nginx-deploy", &st));
	assert_int_equal(st.code, 403);
	char *body = fa_status_to_json(&st, "elect-nginx-deploy", FA_RES_ENDPOINTS);
	assert_non_null(body);
	le_kube_decode_status(403, body, strlen(body), reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "Forbidden");
	assert_string_equal(msg, ARTICLE_403);
	free(body);
	fa_authz_free(a);
}

static void test_status_without_status_body(void **state)
{
	char reason[64], msg[1024];
	(void)state;
	const char *html = "<html>\r\n<body>502 Bad Gateway</body>\r\n</html>";
	le_kube_decode_status(502, html, strlen(html), reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "");
	assert_string_equal(msg, "the server returned 502 Bad Gateway: <html>  <body>502 Bad "
				 "Gateway</body>  </html>");

	le_kube_decode_status(401, "", 0, reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "Unauthorized");
	assert_string_equal(msg, "the server returned 401 Unauthorized with an empty body");

	const char *no_msg = "{\"kind\":\"Status\",\"code\":429,\"reason\":\"TooManyRequests\"}";
	le_kube_decode_status(429, no_msg, strlen(no_msg), reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "TooManyRequests");
	assert_contains(msg, "the server returned 429 Too Many Requests");

	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	le_kube_decode_status(500, big, strlen(big), reason, sizeof reason, msg, sizeof msg);
	assert_string_equal(reason, "InternalError");
	assert_true(strlen(msg) < 300); /* a snippet, not the whole page */
	assert_contains(msg, "...");
}

/* ---- requests -------------------------------------------------------------- */

static void test_get_with_client_go_timeout_query(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_LEASES, "default", "my-lease");
	le_request req = {.id = 1, .op = LE_OP_GET};
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 5 * LE_NS_PER_S, &h, err, sizeof err),
			 LE_OK);
	assert_string_equal(h.method, "GET");
	assert_string_equal(
		h.path,
		"/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease?timeout=5s");
	assert_null(h.body);
	assert_int_equal(le_lock_client_build(c, &req, 1500 * LE_NS_PER_MS, &h, err, sizeof err),
			 LE_OK);
	assert_string_equal(
		h.path,
		"/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease?timeout=1.5s");
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.path,
			    "/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease");
	le_lock_client_free(c);
}

static void test_create_lease(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_LEASES, "default", "my-lease");
	le_request req = {.id = 2, .op = LE_OP_CREATE, .record = record_of("pod-a", 0)};
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.method, "POST");
	assert_string_equal(h.path, "/apis/coordination.k8s.io/v1/namespaces/default/leases");
	assert_int_equal(h.body_len, strlen(h.body));
	cJSON *o = cJSON_Parse(h.body);
	assert_non_null(o);
	assert_string_equal(str_at(o, "apiVersion", NULL, NULL), "coordination.k8s.io/v1");
	assert_string_equal(str_at(o, "kind", NULL, NULL), "Lease");
	assert_string_equal(str_at(o, "metadata", "name", NULL), "my-lease");
	assert_string_equal(str_at(o, "metadata", "namespace", NULL), "default");
	assert_string_equal(str_at(o, "spec", "holderIdentity", NULL), "pod-a");
	assert_string_equal(str_at(o, "spec", "renewTime", NULL), "2024-03-03T10:00:00.123456Z");
	assert_null(str_at(o, "metadata", "resourceVersion", NULL));
	cJSON_Delete(o);
	le_lock_client_free(c);
}

static void test_create_configmap_carries_annotation(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_CONFIGMAPS, "ns", "cm");
	le_request req = {.id = 2, .op = LE_OP_CREATE, .record = record_of("pod-b", 3)};
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.path, "/api/v1/namespaces/ns/configmaps");
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "kind", NULL, NULL), "ConfigMap");
	assert_string_equal(str_at(o, "apiVersion", NULL, NULL), "v1");
	const char *ann = str_at(o, "metadata", "annotations", LE_LEADER_ANNOTATION);
	assert_non_null(ann);
	le_record back;
	char perr[256];
	assert_int_equal(le_record_decode_annotation(ann, strlen(ann), &back, perr, sizeof perr),
			 LE_OK);
	assert_string_equal(back.holder, "pod-b");
	assert_int_equal(back.transitions, 3);
	assert_null(cJSON_GetObjectItem(o, "spec"));
	cJSON_Delete(o);
	le_lock_client_free(c);
}

static void test_create_without_record_for_05_startup(void **state)
{
	(void)state;
	/* 0.5 created its Endpoints as {metadata:{name}} and wrote the record
	 * only when it acquired (the core marks that request no_record). */
	le_lock_client *c = le_lock_client_new(LE_LOCK_ENDPOINTS, "default", "e");
	le_request req = {
		.id = 1, .op = LE_OP_CREATE, .record = record_of("ignored", 0), .no_record = true};
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.method, "POST");
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "name", NULL), "e");
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "metadata"), "annotations"));
	assert_null(strstr(h.body, "ignored"));
	cJSON_Delete(o);
	le_lock_client_free(c);
}

/* GET -> cache; UPDATE PUTs that object with only rv and record changed. */
static void test_update_endpoints_keeps_whole_object(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_ENDPOINTS, "default", "elect-nginx-deploy");
	const char *got =
		"{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"elect-"
		"nginx-deploy\","
		"\"namespace\":\"default\",\"uid\":\"34bd01ff-be9e-402b-bc46-39c1be5720ba\","
		"\"resourceVersion\":\"1843444\","
		"\"labels\":{\"app\":\"nginx\"},\"annotations\":{\"team\":\"web\",\"control-plane."
		"alpha.kubernetes.io/leader\":"
		"\"{\\\"holderIdentity\\\":\\\"old\\\",\\\"leaseDurationSeconds\\\":10,"
		"\\\"acquireTime\\\":\\\"2024-03-03T14:39:09Z\\\","
		"\\\"renewTime\\\":\\\"2024-03-03T14:47:23Z\\\",\\\"leaderTransitions\\\":0}\"}},"
		"\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.7\"}]}]}";
	le_response resp;
	le_lock_client_response(c, 7, LE_OP_GET, 200, got, strlen(got), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.id, 7);
	assert_non_null(resp.record);
	assert_true(resp.record_present);
	assert_string_equal(resp.record->holder, "old");
	assert_string_equal(resp.resource_version, "1843444");
	/* raw = the annotation text exactly as stored */
	const char *want_raw = "{\"holderIdentity\":\"old\",\"leaseDurationSeconds\":10,"
			       "\"acquireTime\":\"2024-03-03T14:39:09Z\","
			       "\"renewTime\":\"2024-03-03T14:47:23Z\",\"leaderTransitions\":0}";
	assert_int_equal(resp.raw_len, strlen(want_raw));
	assert_memory_equal(resp.raw, want_raw, resp.raw_len);

	le_request req = {.id = 8, .op = LE_OP_UPDATE, .record = record_of("new", 1)};
	snprintf(req.resource_version, sizeof req.resource_version, "1843444");
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 5 * LE_NS_PER_S, &h, err, sizeof err),
			 LE_OK);
	assert_string_equal(h.method, "PUT");
	assert_string_equal(h.path,
			    "/api/v1/namespaces/default/endpoints/elect-nginx-deploy?timeout=5s");
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "uid", NULL),
			    "34bd01ff-be9e-402b-bc46-39c1be5720ba");
	assert_string_equal(str_at(o, "metadata", "resourceVersion", NULL), "1843444");
	assert_string_equal(str_at(o, "metadata", "labels", "app"), "nginx");
	assert_string_equal(str_at(o, "metadata", "annotations", "team"), "web");
	const cJSON *subsets = cJSON_GetObjectItem(o, "subsets");
	assert_true(cJSON_IsArray(subsets) && cJSON_GetArraySize(subsets) == 1);
	const char *ann = str_at(o, "metadata", "annotations", LE_LEADER_ANNOTATION);
	le_record back;
	char perr[256];
	assert_int_equal(le_record_decode_annotation(ann, strlen(ann), &back, perr, sizeof perr),
			 LE_OK);
	assert_string_equal(back.holder, "new");
	assert_int_equal(back.transitions, 1);
	cJSON_Delete(o);

	/* the PUT's rv comes from the request (the core's CAS), not the cache */
	snprintf(req.resource_version, sizeof req.resource_version, "99");
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "resourceVersion", NULL), "99");
	cJSON_Delete(o);
	le_lock_client_free(c);
}

static void test_update_lease_replaces_spec_and_raw_is_client_go_json(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_LEASES, "default", "my-lease");
	const char *got =
		"{\"apiVersion\":\"coordination.k8s.io/"
		"v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"my-lease\","
		"\"namespace\":\"default\",\"resourceVersion\":\"281984532\",\"uid\":\"c23ee08c\","
		"\"labels\":{\"x\":\"y\"}},\"spec\":{\"acquireTime\":\"2024-03-09T10:28:06."
		"504283Z\","
		"\"holderIdentity\":\"5f7349fc\",\"leaseDurationSeconds\":15,\"leaseTransitions\":"
		"5,"
		"\"renewTime\":\"2024-03-09T10:33:29.498343Z\",\"preferredHolder\":\"z\","
		"\"strategy\":\"OldestEmulationVersion\"}}";
	le_response resp;
	le_lock_client_response(c, 3, LE_OP_GET, 200, got, strlen(got), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "5f7349fc");
	assert_int_equal(resp.record->transitions, 5);
	assert_string_equal(resp.resource_version, "281984532");
	char want[512];
	int n = le_record_encode_annotation(resp.record, want, sizeof want);
	assert_true(n > 0);
	assert_int_equal(resp.raw_len, (size_t)n);
	assert_memory_equal(resp.raw, want, (size_t)n);

	le_request req = {.id = 4, .op = LE_OP_UPDATE, .record = record_of("me", 6)};
	snprintf(req.resource_version, sizeof req.resource_version, "281984532");
	le_http_request h;
	char err[256];
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "uid", NULL), "c23ee08c");
	assert_string_equal(str_at(o, "metadata", "labels", "x"), "y");
	assert_string_equal(str_at(o, "spec", "holderIdentity", NULL), "me");
	assert_int_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(o, "spec"), "leaseTransitions")->valueint,
		6);
	/* the whole spec is the new record: strategy/preferredHolder gone */
	assert_null(str_at(o, "spec", "preferredHolder", NULL));
	assert_null(str_at(o, "spec", "strategy", NULL));
	cJSON_Delete(o);

	/* a successful PUT's answer becomes the new cache */
	const char *put =
		"{\"kind\":\"Lease\",\"metadata\":{\"name\":\"my-lease\",\"namespace\":\"default\","
		"\"resourceVersion\":\"281984533\",\"uid\":\"c23ee08c\"},\"spec\":{"
		"\"holderIdentity\":\"me\","
		"\"leaseDurationSeconds\":15}}";
	le_lock_client_response(c, 4, LE_OP_UPDATE, 200, put, strlen(put), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.resource_version, "281984533");
	char *cached = le_lock_client_cached_json(c);
	assert_non_null(strstr(cached, "281984533"));
	assert_null(strstr(cached, "\"x\":\"y\"")); /* the old labels went with the old object */
	free(cached);
	le_lock_client_free(c);
}

static void test_update_null_annotations_and_no_cache(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_CONFIGMAPS, "default", "cm");
	le_request req = {.id = 1, .op = LE_OP_UPDATE, .record = record_of("a", 0)};
	snprintf(req.resource_version, sizeof req.resource_version, "5");
	le_http_request h;
	char err[256];
	/* no cached object yet: a fresh one with the rv */
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "resourceVersion", NULL), "5");
	assert_string_equal(str_at(o, "metadata", "name", NULL), "cm");
	assert_non_null(str_at(o, "metadata", "annotations", LE_LEADER_ANNOTATION));
	cJSON_Delete(o);

	/* an object whose annotations are null (a record-less ConfigMap) */
	const char *got =
		"{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\","
		"\"resourceVersion\":\"6\",\"annotations\":null},\"data\":{\"k\":\"v\"}}";
	le_response resp;
	le_lock_client_response(c, 2, LE_OP_GET, 200, got, strlen(got), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_false(resp.record_present);
	assert_int_equal(resp.raw_len, 0);
	snprintf(req.resource_version, sizeof req.resource_version, "6");
	assert_int_equal(le_lock_client_build(c, &req, 0, &h, err, sizeof err), LE_OK);
	o = cJSON_Parse(h.body);
	assert_non_null(str_at(o, "metadata", "annotations", LE_LEADER_ANNOTATION));
	assert_string_equal(str_at(o, "data", "k", NULL), "v");
	cJSON_Delete(o);
	le_lock_client_free(c);
}

/* ---- responses ------------------------------------------------------------ */

static void test_error_responses(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_LEASES, "default", "my-lease");
	le_response resp;
	const char *conflict =
		"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
		"\"Operation "
		"cannot be fulfilled on leases.coordination.k8s.io \\\"my-lease\\\": the object "
		"has been "
		"modified; please apply your changes to the latest version and try again\","
		"\"reason\":\"Conflict\",\"code\":409}";
	le_lock_client_response(c, 9, LE_OP_UPDATE, 409, conflict, strlen(conflict), NULL, &resp);
	assert_int_equal(resp.id, 9);
	assert_int_equal(resp.status, 409);
	assert_string_equal(resp.reason, "Conflict");
	assert_string_equal(
		resp.message,
		"Operation cannot be fulfilled on leases.coordination.k8s.io \"my-lease\": "
		"the object has been modified; please apply your changes to the latest version "
		"and try again");
	assert_null(resp.record);

	le_lock_client_response(c, 10, LE_OP_GET, 0, NULL, 0,
				"Failed to connect to 127.0.0.1 port 9: Connection refused", &resp);
	assert_int_equal(resp.status, 0);
	assert_string_equal(resp.message,
			    "Failed to connect to 127.0.0.1 port 9: Connection refused");

	/* a 200 that is not a lock object is a failed attempt, not a crash */
	le_lock_client_response(c, 11, LE_OP_GET, 200, "OK", 2, NULL, &resp);
	assert_int_equal(resp.status, 0);
	assert_contains(resp.message, "get leases default/my-lease: the server returned 200 with a "
				      "body that is not a JSON object: OK");
	assert_null(resp.record);
	le_lock_client_free(c);

	c = le_lock_client_new(LE_LOCK_ENDPOINTS, "default", "e");
	const char *bad = "{\"metadata\":{\"name\":\"e\",\"annotations\":{\"control-plane.alpha."
			  "kubernetes.io/leader\":\"{not json\"}}}";
	le_lock_client_response(c, 12, LE_OP_GET, 200, bad, strlen(bad), NULL, &resp);
	assert_int_equal(resp.status, 0);
	assert_contains(resp.message, "error unmarshaling leader election record");
	assert_null(le_lock_client_cached_json(c)); /* not cached */
	le_lock_client_free(c);
}

/* A MultiLock client (election-spec.md 3.3): each request goes to the
 * object its target names, and each object's PUT carries that object's
 * cached fields. */
static void test_multilock_two_objects_two_caches(void **state)
{
	(void)state;
	le_lock_client *c = le_lock_client_new(LE_LOCK_CONFIGMAPS_LEASES, "kube-system", "kcm");
	assert_non_null(c);
	le_http_request h;
	char err[256];
	le_response resp;
	le_request g = {.id = 1, .op = LE_OP_GET, .target = LE_LOCK_CONFIGMAPS};
	assert_int_equal(le_lock_client_build(c, &g, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.path, "/api/v1/namespaces/kube-system/configmaps/kcm");
	const char *cm =
		"{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"kcm\","
		"\"namespace\":\"kube-system\",\"uid\":\"cm-uid\",\"resourceVersion\":\"10\","
		"\"annotations\":{\"control-plane.alpha.kubernetes.io/leader\":"
		"\"{\\\"holderIdentity\\\":\\\"a\\\",\\\"leaseDurationSeconds\\\":15,"
		"\\\"acquireTime\\\":\\\"2024-03-03T14:39:09Z\\\","
		"\\\"renewTime\\\":\\\"2024-03-03T14:47:23Z\\\",\\\"leaderTransitions\\\":2}\"}}}";
	le_lock_client_response(c, 1, LE_OP_GET, 200, cm, strlen(cm), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "a");
	assert_string_equal(resp.resource_version, "10");

	le_request gl = {.id = 2, .op = LE_OP_GET, .target = LE_LOCK_LEASES};
	assert_int_equal(le_lock_client_build(c, &gl, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.path, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm");
	const char *lease =
		"{\"kind\":\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":{"
		"\"name\":\"kcm\",\"namespace\":\"kube-system\",\"uid\":\"lease-uid\","
		"\"resourceVersion\":\"11\"},\"spec\":{\"holderIdentity\":\"b\","
		"\"leaseDurationSeconds\":15,\"leaseTransitions\":5}}";
	le_lock_client_response(c, 2, LE_OP_GET, 200, lease, strlen(lease), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "b");
	assert_string_equal(resp.resource_version, "11");

	le_request pc = {.id = 3, .op = LE_OP_UPDATE, .target = LE_LOCK_CONFIGMAPS,
			 .record = record_of("me", 3)};
	snprintf(pc.resource_version, sizeof pc.resource_version, "10");
	assert_int_equal(le_lock_client_build(c, &pc, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.method, "PUT");
	assert_string_equal(h.path, "/api/v1/namespaces/kube-system/configmaps/kcm");
	cJSON *o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "uid", NULL), "cm-uid");
	assert_non_null(str_at(o, "metadata", "annotations", LE_LEADER_ANNOTATION));
	cJSON_Delete(o);

	le_request pl = {.id = 4, .op = LE_OP_UPDATE, .target = LE_LOCK_LEASES,
			 .record = record_of("me", 3)};
	snprintf(pl.resource_version, sizeof pl.resource_version, "11");
	assert_int_equal(le_lock_client_build(c, &pl, 0, &h, err, sizeof err), LE_OK);
	assert_string_equal(h.path, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm");
	o = cJSON_Parse(h.body);
	assert_string_equal(str_at(o, "metadata", "uid", NULL), "lease-uid");
	assert_string_equal(str_at(o, "spec", "holderIdentity", NULL), "me");
	cJSON_Delete(o);
	/* an answer to the Lease's request is read as a Lease */
	le_lock_client_response(c, 4, LE_OP_UPDATE, 200, lease, strlen(lease), NULL, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "b");
	/* the primary's cached object is still the ConfigMap */
	char *cached = le_lock_client_cached_json(c);
	assert_non_null(strstr(cached, "cm-uid"));
	free(cached);
	le_lock_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_paths),
		cmocka_unit_test(test_status_403_message_verbatim),
		cmocka_unit_test(test_status_403_from_fake_apiserver_authz),
		cmocka_unit_test(test_status_without_status_body),
		cmocka_unit_test(test_get_with_client_go_timeout_query),
		cmocka_unit_test(test_create_lease),
		cmocka_unit_test(test_create_configmap_carries_annotation),
		cmocka_unit_test(test_create_without_record_for_05_startup),
		cmocka_unit_test(test_update_endpoints_keeps_whole_object),
		cmocka_unit_test(test_update_lease_replaces_spec_and_raw_is_client_go_json),
		cmocka_unit_test(test_update_null_annotations_and_no_cache),
		cmocka_unit_test(test_error_responses),
		cmocka_unit_test(test_multilock_two_objects_two_caches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
