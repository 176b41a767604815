/* Tests for the store's LeaseCandidate resource (FA_RES_LEASECANDIDATES,
 * coordination.k8s.io/v1beta1): JSON in and out, the validation of
 * upstream pkg/apis/coordination/validation (ValidateLeaseCandidate and
 * ValidateLeaseCandidateUpdate), the registry strategy (create on PUT, no
 * unconditional update), the lock path's refusal, history and watchers,
 * restore, and the candidate.h JSON conversions and strict semver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "leaselab/candidate.h"
#include "leaselab/fake_apiserver.h"

#include "fa_json_test.h"

#define LC FA_RES_LEASECANDIDATES

/* A valid candidate body with one spec field replaced ("" = left out). */
static cJSON *cand_body(const char *name, const char *lease, const char *bv,
			const char *ev, const char *strategy)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "{\"apiVersion\":\"coordination.k8s.io/v1beta1\","
		 "\"kind\":\"LeaseCandidate\",\"metadata\":{\"name\":\"%s\"},"
		 "\"spec\":{}}",
		 name);
	cJSON *b = J(text);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(b, "spec");
	if (lease[0])
		cJSON_AddStringToObject(spec, "leaseName", lease);
	if (bv[0])
		cJSON_AddStringToObject(spec, "binaryVersion", bv);
	if (ev[0])
		cJSON_AddStringToObject(spec, "emulationVersion", ev);
	if (strategy[0])
		cJSON_AddStringToObject(spec, "strategy", strategy);
	return b;
}

static int setup(void **state)
{
	*state = fa_store_new(7);
	return *state == NULL;
}

static int teardown(void **state)
{
	fa_store_free(*state);
	return 0;
}

/* ---- names ------------------------------------------------------------------ */

static void test_resource_names(void **state)
{
	(void)state;
	fa_resource r;
	assert_int_equal(fa_resource_parse("leasecandidates", &r), LE_OK);
	assert_int_equal(r, LC);
	assert_string_equal(fa_resource_kind(LC), "LeaseCandidate");
	assert_string_equal(fa_resource_group(LC), "coordination.k8s.io");
	assert_string_equal(fa_resource_version(LC), "v1beta1");
	assert_string_equal(fa_resource_api_version(LC), "coordination.k8s.io/v1beta1");
	assert_string_equal(fa_resource_api_version(FA_RES_LEASES),
			    "coordination.k8s.io/v1");
	assert_string_equal(fa_resource_version(FA_RES_CONFIGMAPS), "v1");
}

/* ---- create / get / list / update / patch / delete ----------------------------- */

static void test_create_get_roundtrip(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = cand_body("kube-controller-manager-node1", "kube-controller-manager",
			     "1.33.0", "1.32.0", "OldestEmulationVersion");
	cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(b, "spec"), "renewTime",
				"2024-03-09T11:13:24.504283+01:00");
	cJSON *o = fa_store_create_json(s, LC, "kube-system", b, "kcm", NOW, &st);
	cJSON_Delete(b);
	assert_non_null(o);
	assert_int_equal(st.code, 201);
	assert_string_equal(jstr(o, "kind"), "LeaseCandidate");
	assert_string_equal(jstr(o, "apiVersion"), "coordination.k8s.io/v1beta1");
	assert_string_equal(jstr(o, "metadata.namespace"), "kube-system");
	assert_string_equal(jstr(o, "metadata.creationTimestamp"), "2024-03-09T10:13:24Z");
	assert_string_equal(jstr(o, "spec.leaseName"), "kube-controller-manager");
	assert_string_equal(jstr(o, "spec.binaryVersion"), "1.33.0");
	assert_string_equal(jstr(o, "spec.emulationVersion"), "1.32.0");
	/* MicroTime back in UTC, as the apiserver writes it */
	assert_string_equal(jstr(o, "spec.renewTime"), "2024-03-09T10:13:24.504283Z");
	/* no lock record is grafted onto a candidate */
	assert_null(jget(o, "spec.holderIdentity"));
	assert_null(jget(o, "metadata.annotations"));
	cJSON_Delete(o);

	o = fa_store_get_json(s, LC, "kube-system", "kube-controller-manager-node1", &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	le_lease_candidate c;
	char err[256];
	assert_int_equal(le_lease_candidate_from_json(o, &c, err, sizeof err), LE_OK);
	assert_string_equal(c.name, "kube-controller-manager-node1");
	assert_string_equal(c.namespace_, "kube-system");
	assert_string_equal(c.lease_name, "kube-controller-manager");
	assert_string_equal(c.strategy, LE_STRATEGY_OEV);
	assert_true(c.has_renew_time);
	assert_int_equal(c.renew_wall_ns, NOW - 999);
	assert_false(c.has_ping_time);
	assert_int_equal(c.creation_wall_ns, INT64_C(1709979204) * NS);
	cJSON_Delete(o);

	/* a lease of the same name is another object */
	assert_false(fa_store_exists(s, FA_RES_LEASES, "kube-system",
				     "kube-controller-manager-node1"));
	assert_true(fa_store_exists(s, LC, "kube-system", "kube-controller-manager-node1"));
}

static void test_list_is_typed(void **state)
{
	fa_store *s = *state;
	fa_status st;
	const char *names[] = {"b", "a"};
	for (int i = 0; i < 2; i++) {
		cJSON *b = cand_body(names[i], "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV);
		cJSON_Delete(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
		cJSON_Delete(b);
		assert_int_equal(st.code, 201);
	}
	cJSON *l = fa_store_list_json(s, LC, NULL, &st);
	assert_string_equal(jstr(l, "kind"), "LeaseCandidateList");
	assert_string_equal(jstr(l, "apiVersion"), "coordination.k8s.io/v1beta1");
	const cJSON *items = jget(l, "items");
	assert_int_equal(cJSON_GetArraySize(items), 2);
	assert_string_equal(jstr(cJSON_GetArrayItem(items, 0), "metadata.name"), "a");
	cJSON_Delete(l);
	l = fa_store_list_json(s, FA_RES_LEASES, NULL, &st);
	assert_int_equal(cJSON_GetArraySize(jget(l, "items")), 0);
	cJSON_Delete(l);
}

static void test_update_cas_and_create_on_put(void **state)
{
	fa_store *s = *state;
	fa_status st;
	/* AllowCreateOnUpdate: a PUT of a missing candidate creates it */
	cJSON *b = cand_body("c1", "l", "1.32.0", "1.31.0", LE_STRATEGY_OEV);
	cJSON *o = fa_store_update_json(s, LC, "default", "c1", b, "x", NOW, &st);
	assert_non_null(o);
	assert_int_equal(st.code, 201);
	char rv[32];
	snprintf(rv, sizeof rv, "%s", jstr(o, "metadata.resourceVersion"));
	cJSON_Delete(o);
	/* AllowUnconditionalUpdate is false: no resourceVersion is 422 */
	assert_null(fa_store_update_json(s, LC, "default", "c1", b, "x", NOW, &st));
	assert_int_equal(st.code, 422);
	assert_string_equal(st.message,
			    "leasecandidates.coordination.k8s.io \"c1\" is invalid: "
			    "metadata.resourceVersion: Invalid value: 0x0: must be "
			    "specified for an update");
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(b, "metadata");
	cJSON_AddStringToObject(meta, "resourceVersion", rv);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "spec"),
					       "emulationVersion",
					       cJSON_CreateString("1.32.0"));
	o = fa_store_update_json(s, LC, "default", "c1", b, "x", NOW, &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	assert_string_equal(jstr(o, "spec.emulationVersion"), "1.32.0");
	cJSON_Delete(o);
	/* the same (now stale) resourceVersion again: 409 */
	assert_null(fa_store_update_json(s, LC, "default", "c1", b, "x", NOW, &st));
	assert_int_equal(st.code, 409);
	assert_string_equal(st.reason, "Conflict");
	assert_non_null(strstr(st.message, "leasecandidates.coordination.k8s.io \"c1\""));
	cJSON_Delete(b);
}

static void test_lease_name_is_immutable(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = cand_body("c1", "old", "1.32.0", "1.32.0", LE_STRATEGY_OEV);
	cJSON_Delete(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
	cJSON_Delete(b);
	cJSON *patch = J("{\"spec\":{\"leaseName\":\"new\"}}");
	assert_null(fa_store_patch_json(s, LC, "default", "c1", patch, "x", NOW, &st));
	assert_int_equal(st.code, 422);
	assert_string_equal(st.message,
			    "LeaseCandidate.coordination.k8s.io \"c1\" is invalid: "
			    "spec.leaseName: Invalid value: \"new\": field is immutable");
	assert_string_equal(st.field, "spec.leaseName");
	cJSON_Delete(patch);
	/* a patch of another field goes through */
	patch = J("{\"spec\":{\"pingTime\":\"2024-03-09T10:13:25.000000Z\"}}");
	cJSON *o = fa_store_patch_json(s, LC, "default", "c1", patch, "ctrl", NOW, &st);
	assert_non_null(o);
	assert_string_equal(jstr(o, "spec.pingTime"), "2024-03-09T10:13:25.000000Z");
	assert_string_equal(jstr(o, "spec.leaseName"), "old");
	cJSON_Delete(o);
	cJSON_Delete(patch);
}

static void test_delete(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = cand_body("c1", "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV);
	cJSON_Delete(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
	cJSON_Delete(b);
	cJSON *o = fa_store_delete_json(s, LC, "default", "c1", NULL, NULL, "gc", NOW, &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	assert_string_equal(jstr(o, "spec.leaseName"), "l");
	cJSON_Delete(o);
	assert_null(fa_store_get_json(s, LC, "default", "c1", &st));
	assert_int_equal(st.code, 404);
	assert_string_equal(st.message,
			    "leasecandidates.coordination.k8s.io \"c1\" not found");
}

/* ---- validation ---------------------------------------------------------------- */

typedef struct vcase {
	const char *name, *lease, *bv, *ev, *strategy;
	const char *field;   /* NULL: accepted */
	const char *body;    /* the message after "<field>: " */
	/* the errors after the first, ", F: B" each, when there are more
	 * (the message then lists them all in brackets) */
	const char *more;
} vcase;

/* An emulationVersion that does not parse is 0.0.0 to the later checks,
 * so OldestEmulationVersion finds it missing as well. */
#define OEV_NEEDS_EV                                             \
	", spec.emulationVersion: Required value: must be specified " \
	"when `strategy` is 'OldestEmulationVersion'"

static const vcase vcases[] = {
	{"ok", "l", "1.32.0", "1.31.0", LE_STRATEGY_OEV, NULL, NULL, NULL},
	{"Upper_Case.ok", "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV, NULL, NULL, NULL},
	{"custom", "l", "1.32.0", "", "example.com/mine", NULL, NULL, NULL},
	{"pre", "l", "1.32.0", "1.32.0-alpha.1+build.5", LE_STRATEGY_OEV, NULL, NULL, NULL},
	{"no-lease", "", "1.32.0", "1.32.0", LE_STRATEGY_OEV, "spec.leaseName",
	 "Required value", NULL},
	{"bad-ev", "l", "1.32.0", "1.31", LE_STRATEGY_OEV, "spec.emulationVersion",
	 "Invalid value: \"1.31\": must be a valid semantic version", OEV_NEEDS_EV},
	{"v-ev", "l", "1.32.0", "v1.31.0", LE_STRATEGY_OEV, "spec.emulationVersion",
	 "Invalid value: \"v1.31.0\": must be a valid semantic version", OEV_NEEDS_EV},
	{"lz-ev", "l", "1.32.0", "1.031.0", LE_STRATEGY_OEV, "spec.emulationVersion",
	 "Invalid value: \"1.031.0\": must be a valid semantic version", OEV_NEEDS_EV},
	{"no-bv", "l", "", "1.32.0", LE_STRATEGY_OEV, "spec.binaryVersion",
	 "Required value", NULL},
	{"bad-bv", "l", "1.32.x", "1.32.0", LE_STRATEGY_OEV, "spec.binaryVersion",
	 "Invalid value: \"1.32.x\": must be a valid semantic version",
	 /* and, as 0.0.0, below the emulationVersion */
	 ", spec.binaryVersion: Invalid value: \"1.32.x\": must be greater than or "
	 "equal to `emulationVersion`"},
	{"bv-lt-ev", "l", "1.31.0", "1.32.0", LE_STRATEGY_OEV, "spec.binaryVersion",
	 "Invalid value: \"1.31.0\": must be greater than or equal to `emulationVersion`", NULL},
	{"pre-lt", "l", "1.32.0-rc.1", "1.32.0", LE_STRATEGY_OEV, "spec.binaryVersion",
	 "Invalid value: \"1.32.0-rc.1\": must be greater than or equal to `emulationVersion`", NULL},
	{"no-strategy", "l", "1.32.0", "1.32.0", "", "spec.strategy", "Required value", NULL},
	{"oev-no-ev", "l", "1.32.0", "", LE_STRATEGY_OEV, "spec.emulationVersion",
	 "Required value: must be specified when `strategy` is 'OldestEmulationVersion'", NULL},
	{"oev-zero-ev", "l", "1.32.0", "0.0.0", LE_STRATEGY_OEV, "spec.emulationVersion",
	 "Required value: must be specified when `strategy` is 'OldestEmulationVersion'", NULL},
	{"unknown", "l", "1.32.0", "1.32.0", "Newest", "spec.strategy.strategy",
	 "Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\"", NULL},
	{"bad-name_", "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV, NULL, NULL, NULL},
	{"bad name", "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV, "metadata.name",
	 "Invalid value: \"bad name\": a valid config key must consist of alphanumeric "
	 "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
	 "regex used for validation is '[-._a-zA-Z0-9]+')", NULL},
	{"..x", "l", "1.32.0", "1.32.0", LE_STRATEGY_OEV, "metadata.name",
	 "Invalid value: \"..x\": must not start with '..'", NULL},
};

static void test_validation_table(void **state)
{
	fa_store *s = *state;
	for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
		const vcase *c = &vcases[i];
		fa_status st;
		cJSON *b = cand_body(c->name, c->lease, c->bv, c->ev, c->strategy);
		cJSON *o = fa_store_create_json(s, LC, "default", b, "x", NOW, &st);
		cJSON_Delete(b);
		if (c->field == NULL) {
			if (o == NULL)
				fail_msg("case %s: refused: %s", c->name, st.message);
			assert_int_equal(st.code, 201);
			cJSON_Delete(o);
			continue;
		}
		char want[1024];
		if (c->more == NULL)
			snprintf(want, sizeof want,
				 "LeaseCandidate.coordination.k8s.io \"%s\" is invalid: %s: %s",
				 c->name, c->field, c->body);
		else
			snprintf(want, sizeof want,
				 "LeaseCandidate.coordination.k8s.io \"%s\" is invalid: "
				 "[%s: %s%s]",
				 c->name, c->field, c->body, c->more);
		if (o != NULL)
			fail_msg("case %s: accepted", c->name);
		assert_int_equal(st.code, 422);
		assert_string_equal(st.reason, "Invalid");
		assert_string_equal(st.message, want);
		assert_string_equal(st.field, c->field);
	}
}

static void test_decode_errors_name_the_version(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"leaseName\":5}}");
	assert_null(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message,
			    "LeaseCandidate in version \"v1beta1\" cannot be handled as a "
			    "LeaseCandidate: json: cannot unmarshal number 5 into Go struct "
			    "field LeaseCandidateSpec.spec.leaseName of type string");
	cJSON_Delete(b);
	b = J("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"pingTime\":\"2024-03-09T10:13:25Z\"}}");
	assert_null(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
	assert_int_equal(st.code, 400);
	assert_non_null(strstr(st.message, "LeaseCandidate in version \"v1beta1\" cannot "
					   "be handled as a LeaseCandidate: parsing time"));
	cJSON_Delete(b);
	b = J("{\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":{\"name\":\"c\"}}");
	assert_null(fa_store_create_json(s, LC, "default", b, "x", NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message, "the API version in the data "
			    "(coordination.k8s.io/v1) does not match the expected API "
			    "version (coordination.k8s.io/v1beta1)");
	cJSON_Delete(b);
}

/* Lease validation is unchanged by the candidates' rules. */
static void test_lease_keeps_subdomain_names(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"Upper\"},\"spec\":{}}");
	assert_null(fa_store_create_json(s, FA_RES_LEASES, "default", b, "x", NOW, &st));
	assert_int_equal(st.code, 422);
	assert_non_null(strstr(st.message, "RFC 1123 subdomain"));
	cJSON_Delete(b);
}

/* ---- the lock path, history, watchers, restore ------------------------------------ */

static void test_lock_path_refuses_candidates(void **state)
{
	fa_store *s = *state;
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, LC, "default", "c", &sc, &resp);
	assert_int_equal(resp.status, 400);
	assert_string_equal(resp.message, "leasecandidates hold no lock record: use the "
					  "JSON path");
	le_record r;
	le_record_clear(&r);
	fa_store_lock_create(s, LC, "default", "c", &r, "x", NOW, &sc, &resp);
	assert_int_equal(resp.status, 400);
	fa_store_lock_update(s, LC, "default", "c", &r, "1", "x", NOW, &sc, &resp);
	assert_int_equal(resp.status, 400);
	assert_int_equal(fa_store_revision(s), 0);
}

typedef struct seen {
	int n;
	fa_resource res;
	char type[16];
	char lease[64];
} seen;

static void on_watch(void *ud, fa_resource res, const char *type, const void *obj)
{
	seen *w = ud;
	w->n++;
	w->res = res;
	snprintf(w->type, sizeof w->type, "%s", type);
	const char *l = jstr(obj, "spec.leaseName");
	snprintf(w->lease, sizeof w->lease, "%s", l ? l : "");
}

static void test_history_and_watch(void **state)
{
	fa_store *s = *state;
	fa_status st;
	seen w = {0};
	int h = fa_store_watch_add(s, on_watch, &w);
	cJSON *b = cand_body("c", "the-lease", "1.32.0", "1.32.0", LE_STRATEGY_OEV);
	cJSON_Delete(fa_store_create_json(s, LC, "default", b, "kcm-1", NOW, &st));
	cJSON_Delete(b);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.res, LC);
	assert_string_equal(w.type, "ADDED");
	assert_string_equal(w.lease, "the-lease");
	fa_store_watch_remove(s, h);
	assert_int_equal(fa_store_history_len(s), 1);
	const fa_history_entry *e = fa_store_history_at(s, 0);
	assert_int_equal(e->res, LC);
	assert_false(e->record_present);
	assert_string_equal(e->identity, "kcm-1");
	char *line = fa_store_history_json(s, 0);
	assert_non_null(strstr(line, "\"resource\":\"leasecandidates\""));
	assert_non_null(strstr(line, "\"leaseName\":\"the-lease\""));
	free(line);
}

static void test_restore_keeps_identity(void **state)
{
	fa_store *s = *state;
	char err[256];
	cJSON *o = J("{\"kind\":\"LeaseCandidate\",\"apiVersion\":"
		     "\"coordination.k8s.io/v1beta1\",\"metadata\":{\"name\":\"c\","
		     "\"namespace\":\"kube-system\",\"uid\":\"u-1\",\"resourceVersion\":"
		     "\"41\",\"creationTimestamp\":\"2024-03-09T10:13:24Z\"},\"spec\":"
		     "{\"leaseName\":\"l\",\"binaryVersion\":\"1.32.0\","
		     "\"emulationVersion\":\"1.32.0\",\"strategy\":\"OldestEmulationVersion\"}}");
	assert_int_equal(fa_store_restore_json(s, LC, o, false, err, sizeof err), LE_OK);
	cJSON_Delete(o);
	assert_int_equal(fa_store_revision(s), 41);
	fa_status st;
	o = fa_store_get_json(s, LC, "kube-system", "c", &st);
	assert_string_equal(jstr(o, "metadata.uid"), "u-1");
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "41");
	assert_string_equal(jstr(o, "spec.binaryVersion"), "1.32.0");
	cJSON_Delete(o);
}

/* ---- candidate.h: JSON and strict semver --------------------------------------------- */

static void test_candidate_to_json_roundtrip(void **state)
{
	(void)state;
	le_lease_candidate c = {0}, back;
	snprintf(c.name, sizeof c.name, "a");
	snprintf(c.namespace_, sizeof c.namespace_, "kube-system");
	snprintf(c.lease_name, sizeof c.lease_name, "l");
	snprintf(c.binary_version, sizeof c.binary_version, "1.33.0");
	snprintf(c.emulation_version, sizeof c.emulation_version, "1.32.0");
	snprintf(c.strategy, sizeof c.strategy, LE_STRATEGY_OEV);
	c.has_renew_time = true;
	c.renew_wall_ns = NOW - 999;
	cJSON *o = le_lease_candidate_to_json(&c);
	assert_non_null(o);
	assert_string_equal(jstr(o, "apiVersion"), "coordination.k8s.io/v1beta1");
	assert_string_equal(jstr(o, "spec.renewTime"), "2024-03-09T10:13:24.504283Z");
	assert_null(jget(o, "spec.pingTime"));
	char err[128];
	assert_int_equal(le_lease_candidate_from_json(o, &back, err, sizeof err), LE_OK);
	assert_memory_equal(&c, &back, sizeof c);
	cJSON_Delete(o);
	o = J("{\"spec\":{\"binaryVersion\":3}}");
	assert_int_equal(le_lease_candidate_from_json(o, &back, err, sizeof err), LE_EPARSE);
	assert_string_equal(err, "spec.binaryVersion: not a string");
	cJSON_Delete(o);
}

static void test_semver_strict(void **state)
{
	(void)state;
	static const char *const good[] = {"0.0.0", "1.32.0", "1.32.0-alpha.0",
					   "1.32.0+abc.1", "1.2.3-0.a-b.10+x-y"};
	static const char *const bad[] = {"1.32", "v1.32.0", " 1.32.0", "01.2.3",
					  "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b",
					  "1.2.3.4", "1.2.3x", "1.2.3-a_b", ""};
	le_semver v;
	char err[128];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (le_semver_parse_strict(good[i], &v, err, sizeof err) != LE_OK)
			fail_msg("%s refused: %s", good[i], err);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (le_semver_parse_strict(bad[i], &v, err, sizeof err) == LE_OK)
			fail_msg("%s accepted", bad[i]);
	assert_int_equal(le_semver_parse_strict("1.2.3-rc.1", &v, err, sizeof err), LE_OK);
	assert_int_equal(v.minor, 2);
	assert_string_equal(v.pre, "rc.1");
	assert_int_equal(le_semver_parse_strict("01.2.3", &v, err, sizeof err), LE_EPARSE);
	assert_string_equal(err, "version \"01.2.3\": the major number has a leading zero");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_resource_names),
		T(test_create_get_roundtrip),
		T(test_list_is_typed),
		T(test_update_cas_and_create_on_put),
		T(test_lease_name_is_immutable),
		T(test_delete),
		T(test_validation_table),
		T(test_decode_errors_name_the_version),
		T(test_lease_keeps_subdomain_names),
		T(test_lock_path_refuses_candidates),
		T(test_history_and_watch),
		T(test_restore_keeps_identity),
		T(test_candidate_to_json_roundtrip),
		T(test_semver_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
