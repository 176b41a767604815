/* The fake apiserver's HTTP plumbing: request targets, routes, Accept
 * negotiation, label and field selectors, JSON Patch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../fake-apiserver/http/fahttp.h"

static void route_of(const char *target, fahttp_route *r)
{
	fahttp_uri u;
	char err[160];
	assert_int_equal(fahttp_uri_parse(target, &u, err, sizeof(err)), LE_OK);
	fahttp_route_parse(&u, r);
	fahttp_uri_free(&u);
}

static void test_uri_segments_and_query(void **state)
{
	(void)state;
	fahttp_uri u;
	char err[160];
	assert_int_equal(fahttp_uri_parse("//api/v1//namespaces/a%2Db/?x=1&label"
					  "Selector=a%3Db%2Cc+in+(d)&flag&x=2#frag",
					  &u, err, sizeof(err)),
			 LE_OK);
	assert_int_equal(u.nseg, 4);
	assert_string_equal(u.seg[3], "a-b");
	assert_string_equal(fahttp_uri_query(&u, "labelSelector"), "a=b,c in (d)");
	assert_string_equal(fahttp_uri_query(&u, "x"), "1"); /* the first one */
	assert_string_equal(fahttp_uri_query(&u, "flag"), "");
	assert_null(fahttp_uri_query(&u, "frag"));
	fahttp_uri_free(&u);

	assert_int_equal(fahttp_uri_parse("http://127.0.0.1:6443/version?a=b", &u, err,
					  sizeof(err)),
			 LE_OK);
	assert_int_equal(u.nseg, 1);
	assert_string_equal(u.seg[0], "version");
	fahttp_uri_free(&u);

	static const char *const bad[] = {"relative", "/a%2", "/a%zz", "/a%00b",
					  "/?k=%G1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(fahttp_uri_parse(bad[i], &u, err, sizeof(err)), LE_EPARSE);
		assert_true(err[0] != '\0');
	}
	assert_true(fahttp_query_true("1") && fahttp_query_true("true") &&
		    fahttp_query_true("True"));
	assert_false(fahttp_query_true("yes") || fahttp_query_true("") ||
		     fahttp_query_true(NULL));
}

static void test_routes(void **state)
{
	(void)state;
	fahttp_route r;
	route_of("/apis/coordination.k8s.io/v1/namespaces/ns1/leases/l1", &r);
	assert_int_equal(r.kind, FAHTTP_R_OBJECT);
	assert_int_equal(r.res, FA_RES_LEASES);
	assert_string_equal(r.ns, "ns1");
	assert_string_equal(r.name, "l1");
	assert_false(r.watch_path);

	route_of("/apis/coordination.k8s.io/v1/leases", &r);
	assert_int_equal(r.kind, FAHTTP_R_COLLECTION);
	assert_true(r.all_namespaces);

	route_of("/api/v1/watch/namespaces/x/configmaps", &r);
	assert_int_equal(r.kind, FAHTTP_R_COLLECTION);
	assert_int_equal(r.res, FA_RES_CONFIGMAPS);
	assert_true(r.watch_path);
	assert_string_equal(r.ns, "x");

	route_of("/api/v1/endpoints", &r);
	assert_int_equal(r.kind, FAHTTP_R_COLLECTION);
	assert_int_equal(r.res, FA_RES_ENDPOINTS);

	route_of("/api/v1/namespaces/kube-system", &r);
	assert_int_equal(r.kind, FAHTTP_R_NAMESPACE);
	assert_string_equal(r.name, "kube-system");
	route_of("/api/v1/namespaces", &r);
	assert_int_equal(r.kind, FAHTTP_R_NAMESPACES);
	route_of("/apis/coordination.k8s.io/v1alpha2/namespaces/k/leasecandidates/c", &r);
	assert_int_equal(r.kind, FAHTTP_R_OBJECT);
	assert_int_equal(r.res, FA_RES_LEASECANDIDATES);
	assert_true(r.alpha2);
	route_of("/apis/coordination.k8s.io/v1beta1/namespaces/k/leasecandidates/c", &r);
	assert_false(r.alpha2);

	static const struct {
		const char *target;
		fahttp_route_kind kind;
	} docs[] = {
		{"/", FAHTTP_R_ROOT},
		{"/api", FAHTTP_R_API},
		{"/apis", FAHTTP_R_APIS},
		{"/api/v1", FAHTTP_R_CORE_V1},
		{"/apis/coordination.k8s.io", FAHTTP_R_GROUP},
		{"/apis/coordination.k8s.io/v1/", FAHTTP_R_COORD_V1},
		{"/version", FAHTTP_R_VERSION},
		{"/readyz", FAHTTP_R_HEALTHZ},
		{"/apis/authentication.k8s.io/v1/selfsubjectreviews", FAHTTP_R_SELF_REVIEW},
		{"/leaselab/v1/faults/3", FAHTTP_R_ADMIN},
		/* leases live only in their group, the rest only in core */
		{"/api/v1/namespaces/a/leases", FAHTTP_R_NOT_FOUND},
		{"/apis/coordination.k8s.io/v1/namespaces/a/endpoints", FAHTTP_R_NOT_FOUND},
		{"/api/v1/namespaces/a/configmaps/c/status", FAHTTP_R_NOT_FOUND},
		{"/api/v1/configmaps/c", FAHTTP_R_NOT_FOUND},
		{"/api/v1/watch/namespaces", FAHTTP_R_NOT_FOUND},
		{"/apis/coordination.k8s.io/v2/leases", FAHTTP_R_NOT_FOUND},
		/* leasecandidates only at v1beta1, v1alpha2 and v1alpha1, leases only at v1 */
		{"/apis/coordination.k8s.io/v1beta1", FAHTTP_R_COORD_CAND},
		{"/apis/coordination.k8s.io/v1alpha2", FAHTTP_R_COORD_CAND},
		{"/apis/coordination.k8s.io/v1beta1/namespaces/a/leasecandidates",
		 FAHTTP_R_COLLECTION},
		{"/apis/coordination.k8s.io/v1alpha2/leasecandidates", FAHTTP_R_COLLECTION},
		{"/apis/coordination.k8s.io/v1/namespaces/a/leasecandidates", FAHTTP_R_NOT_FOUND},
		{"/apis/coordination.k8s.io/v1beta1/namespaces/a/leases", FAHTTP_R_NOT_FOUND},
		{"/api/v1/namespaces/a/leasecandidates", FAHTTP_R_NOT_FOUND},
		{"/apis/coordination.k8s.io/v1alpha1/leasecandidates", FAHTTP_R_COLLECTION},
		{"/apis/coordination.k8s.io/v1alpha1", FAHTTP_R_COORD_CAND},
		{"/apis/coordination.k8s.io/v1alpha1/namespaces/a/leases", FAHTTP_R_NOT_FOUND},
		{"/apis/coordination.k8s.io/v1alpha3/leasecandidates", FAHTTP_R_NOT_FOUND},
		{"/metrics", FAHTTP_R_NOT_FOUND},
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		route_of(docs[i].target, &r);
		if (r.kind != docs[i].kind)
			fail_msg("%s: route %d, want %d", docs[i].target, r.kind, docs[i].kind);
	}

	char long_name[400];
	memset(long_name, 'a', sizeof(long_name));
	memcpy(long_name, "/api/v1/namespaces/d/configmaps/", 32);
	long_name[sizeof(long_name) - 1] = '\0';
	route_of(long_name, &r);
	assert_int_equal(r.kind, FAHTTP_R_OBJECT);
	assert_true(r.too_long);
}

static void test_negotiation(void **state)
{
	(void)state;
	unsigned t = FAHTTP_CAN_TABLE, d = FAHTTP_CAN_DISCOVERY;
	assert_int_equal(fahttp_negotiate(NULL, t), FAHTTP_FMT_JSON);
	assert_int_equal(fahttp_negotiate("", t), FAHTTP_FMT_JSON);
	assert_int_equal(fahttp_negotiate("*/*", t), FAHTTP_FMT_JSON);
	/* kubectl get: Table v1 first */
	assert_int_equal(fahttp_negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,"
					  "application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
					  "application/json",
					  t),
			 FAHTTP_FMT_TABLE_V1);
	assert_int_equal(fahttp_negotiate("application/json; as=Table; v=v1beta1; "
					  "g=meta.k8s.io, application/json",
					  t),
			 FAHTTP_FMT_TABLE_V1BETA1);
	/* an endpoint without Tables takes the JSON fallback */
	assert_int_equal(fahttp_negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,"
					  "application/json",
					  0),
			 FAHTTP_FMT_JSON);
	assert_int_equal(fahttp_negotiate("application/json;g=apidiscovery.k8s.io;v=v2;"
					  "as=APIGroupDiscoveryList,application/json",
					  d),
			 FAHTTP_FMT_DISCOVERY_V2);
	assert_int_equal(fahttp_negotiate("application/json;g=apidiscovery.k8s.io;v=v2beta1;"
					  "as=APIGroupDiscoveryList,application/json",
					  d),
			 FAHTTP_FMT_JSON);
	assert_int_equal(fahttp_negotiate("application/json;as=PartialObjectMetadataList;"
					  "v=v1;g=meta.k8s.io",
					  t),
			 FAHTTP_FMT_NONE);
	assert_int_equal(fahttp_negotiate("application/vnd.kubernetes.protobuf", t),
			 FAHTTP_FMT_NONE);
	assert_int_equal(fahttp_negotiate("application/json;q=0, text/html", t),
			 FAHTTP_FMT_NONE);

	char mt[64];
	fahttp_media_type(" Application/Merge-Patch+JSON ; charset=utf-8", mt, sizeof(mt));
	assert_string_equal(mt, "application/merge-patch+json");
	fahttp_media_type(NULL, mt, sizeof(mt));
	assert_string_equal(mt, "");
}

static bool labels_match(const char *sel, const char *labels_json)
{
	fahttp_selector s;
	char err[300];
	assert_int_equal(fahttp_selector_parse(sel, &s, err, sizeof(err)), LE_OK);
	cJSON *l = cJSON_Parse(labels_json);
	bool m = fahttp_selector_matches(&s, l);
	cJSON_Delete(l);
	fahttp_selector_free(&s);
	return m;
}

static void test_label_selectors(void **state)
{
	(void)state;
	const char *ab = "{\"app\":\"web\",\"tier\":\"gold\"}";
	assert_true(labels_match("", ab));
	assert_true(labels_match("app=web", ab));
	assert_true(labels_match("app==web,tier", ab));
	assert_false(labels_match("app=db", ab));
	assert_true(labels_match("app!=db", ab));
	assert_true(labels_match("missing!=x", ab));
	assert_true(labels_match("app in (db, web)", ab));
	assert_false(labels_match("app notin (web)", ab));
	assert_true(labels_match("!missing", ab));
	assert_false(labels_match("!app", ab));
	assert_false(labels_match("tier", "null"));
	assert_true(labels_match("!tier", "null"));

	fahttp_selector s;
	char err[300];
	static const char *const bad[] = {"app=web,", "app in web", "app in (a", "=x",
					  "a b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (fahttp_selector_parse(bad[i], &s, err, sizeof(err)) != LE_EPARSE)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_non_null(strstr(err, "label selector"));
	}
}

static void test_field_selectors_and_filters(void **state)
{
	(void)state;
	fahttp_filter f;
	memset(&f, 0, sizeof(f));
	f.res = FA_RES_LEASES;
	f.all_namespaces = true;
	char err[300];
	assert_int_equal(fahttp_field_selector_parse("metadata.name=a,metadata.namespace!=kube-system",
						     &f, err, sizeof(err)),
			 LE_OK);
	cJSON *a = cJSON_Parse("{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\"}}");
	cJSON *b = cJSON_Parse("{\"metadata\":{\"name\":\"b\",\"namespace\":\"default\"}}");
	cJSON *k = cJSON_Parse("{\"metadata\":{\"name\":\"a\",\"namespace\":\"kube-system\"}}");
	assert_true(fahttp_filter_matches(&f, FA_RES_LEASES, a));
	assert_false(fahttp_filter_matches(&f, FA_RES_LEASES, b));
	assert_false(fahttp_filter_matches(&f, FA_RES_LEASES, k));
	assert_false(fahttp_filter_matches(&f, FA_RES_CONFIGMAPS, a));
	f.all_namespaces = false;
	snprintf(f.ns, sizeof(f.ns), "other");
	assert_false(fahttp_filter_matches(&f, FA_RES_LEASES, a));
	fahttp_filter_free(&f);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(k);

	memset(&f, 0, sizeof(f));
	assert_int_equal(fahttp_field_selector_parse("spec.holderIdentity=x", &f, err,
						     sizeof(err)),
			 LE_EPARSE);
	assert_non_null(strstr(err, "field label not supported: spec.holderIdentity"));
	assert_int_equal(fahttp_field_selector_parse("metadata.name", &f, err, sizeof(err)),
			 LE_EPARSE);
}

static char *patched(const char *doc, const char *ops, int *rc)
{
	cJSON *d = cJSON_Parse(doc), *o = cJSON_Parse(ops);
	char err[400];
	*rc = fahttp__json_patch(d, o, err, sizeof(err));
	char *out = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	cJSON_Delete(o);
	return out;
}

static void test_json_patch(void **state)
{
	(void)state;
	int rc;
	char *out = patched("{\"a\":{\"b\":[1,2]},\"c\":1}",
			    "[{\"op\":\"add\",\"path\":\"/a/b/1\",\"value\":9},"
			    "{\"op\":\"add\",\"path\":\"/a/b/-\",\"value\":3},"
			    "{\"op\":\"remove\",\"path\":\"/c\"},"
			    "{\"op\":\"copy\",\"from\":\"/a/b/0\",\"path\":\"/d\"},"
			    "{\"op\":\"move\",\"from\":\"/d\",\"path\":\"/e~1f\"},"
			    "{\"op\":\"replace\",\"path\":\"/a/b/0\",\"value\":0},"
			    "{\"op\":\"test\",\"path\":\"/a/b\",\"value\":[0,9,2,3]}]",
			    &rc);
	assert_int_equal(rc, LE_OK);
	assert_string_equal(out, "{\"a\":{\"b\":[0,9,2,3]},\"e/f\":1}");
	free(out);

	static const struct {
		const char *ops;
		int rc;
	} bad[] = {
		{"[{\"op\":\"remove\",\"path\":\"/nope\"}]", LE_EINVAL},
		{"[{\"op\":\"replace\",\"path\":\"/a/x/y\",\"value\":1}]", LE_EINVAL},
		{"[{\"op\":\"add\",\"path\":\"/a/b/7\",\"value\":1}]", LE_EINVAL},
		{"[{\"op\":\"add\",\"path\":\"/a/b/01\",\"value\":1}]", LE_EINVAL},
		{"[{\"op\":\"test\",\"path\":\"/c\",\"value\":2}]", LE_EINVAL},
		{"[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/z\"}]", LE_EINVAL},
		{"[{\"op\":\"frob\",\"path\":\"/c\"}]", LE_EPARSE},
		{"[{\"op\":\"add\",\"path\":\"c\",\"value\":1}]", LE_EPARSE},
		{"[{\"op\":\"add\",\"path\":\"/c\"}]", LE_EPARSE},
		{"[1]", LE_EPARSE},
		{"{}", LE_EPARSE},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = patched("{\"a\":{\"b\":[1,2]},\"c\":1}", bad[i].ops, &rc);
		if (rc != bad[i].rc)
			fail_msg("%s: rc %d, want %d", bad[i].ops, rc, bad[i].rc);
		free(out);
	}
}

static void test_strategic_directives(void **state)
{
	(void)state;
	char err[300];
	cJSON *p = cJSON_Parse("{\"metadata\":{\"labels\":{\"a\":\"b\"},\"$retainKeys\":[]},"
			       "\"$setElementOrder/subsets\":[{\"ip\":\"x\"}]}");
	assert_true(fahttp__strip_strategic(p, err, sizeof(err)));
	char *s = cJSON_PrintUnformatted(p);
	assert_string_equal(s, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
	free(s);
	cJSON_Delete(p);
	p = cJSON_Parse("{\"spec\":{\"$patch\":\"delete\"}}");
	assert_false(fahttp__strip_strategic(p, err, sizeof(err)));
	assert_non_null(strstr(err, "$patch"));
	cJSON_Delete(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_segments_and_query),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_label_selectors),
		cmocka_unit_test(test_field_selectors_and_filters),
		cmocka_unit_test(test_json_patch),
		cmocka_unit_test(test_strategic_directives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
