/* Tests for the fake apiserver's store (fake-apiserver/store.c,
 * object_json.c, status.c): both paths (in-process lock path and
 * JSON), the apiserver's status codes and exact messages, CAS, create on
 * update, preconditions, history, watchers, the commit hook, restore.
 *
 * Expected texts are the real apiserver's (k8s.io/apimachinery errors,
 * the registry store and etcd3 storage); times were computed with
 * `date -u -d 2024-03-09T10:13:24Z +%s` = 1709979204. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "leaselab/fake_apiserver.h"
#include "le_death_test.h"

#include "fa_json_test.h"

/* ---- helpers ---------------------------------------------------------------- */

/* The annotation key has dots: look it up directly. */
static const char *leader_annotation(const cJSON *o)
{
	const cJSON *ann = jget(o, "metadata.annotations");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, LE_LEADER_ANNOTATION);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static le_record rec_of(const char *holder, int32_t dur_s, int32_t transitions,
			int64_t wall_ns)
{
	le_record r;
	le_record_clear(&r);
	snprintf(r.holder, sizeof(r.holder), "%s", holder);
	r.holder_set = true;
	r.lease_duration_s = dur_s;
	r.has_acquire_time = r.has_renew_time = true;
	r.acquire_wall_ns = r.renew_wall_ns = wall_ns;
	r.transitions = transitions;
	return r;
}

static char *read_fixture(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "tests/fixtures/records/%s", name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		char exe[2048];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			char *slash = strrchr(exe, '/');
			if (slash != NULL)
				*slash = '\0';
			snprintf(path, sizeof(path),
				 "%s/../../tests/fixtures/records/%s", exe, name);
			f = fopen(path, "rb");
		}
	}
	assert_non_null(f);
	static char buf[8192];
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int setup(void **state)
{
	*state = fa_store_new(42);
	return *state == NULL;
}

static int teardown(void **state)
{
	fa_store_free(*state);
	return 0;
}

/* Creates a lease over the lock path; returns its resourceVersion. */
static void lock_create(fa_store *s, fa_resource res, const char *name,
			const char *holder, char rv_out[LE_RV_MAX])
{
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of(holder, 15, 0, NOW);
	fa_store_lock_create(s, res, "default", name, &r, holder, NOW, &sc, &resp);
	assert_int_equal(resp.status, 201);
	if (rv_out != NULL)
		snprintf(rv_out, LE_RV_MAX, "%s", resp.resource_version);
}

/* ---- the lock path ------------------------------------------------------------ */

static void test_lock_create_then_get_returns_the_record(void **state)
{
	fa_store *s = *state;
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-a", 15, 3, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "my-lease", &r, "pod-a",
			     NOW, &sc, &resp);
	assert_int_equal(resp.status, 201);
	assert_string_equal(resp.resource_version, "1");
	assert_true(resp.record_present);

	fa_lock_scratch sc2;
	le_response got;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "my-lease", &sc2, &got);
	assert_int_equal(got.status, 200);
	assert_null(got.reason);
	assert_string_equal(got.resource_version, "1");
	assert_string_equal(got.record->holder, "pod-a");
	assert_int_equal(got.record->lease_duration_s, 15);
	assert_int_equal(got.record->transitions, 3);
	/* A Lease's MicroTime keeps microseconds: .504283999 reads back .504283. */
	assert_int_equal(got.record->renew_wall_ns, NOW - 999);
	unsigned char key[640];
	size_t n = le_record_key(&r, key, sizeof(key));
	assert_int_equal(got.raw_len, n);
	assert_memory_equal(got.raw, key, n);
	assert_int_equal(fa_store_revision(s), 1);
}

/* Keys that differ only in their namespace, resource or name each find
 * their own object, whatever was looked up just before (find() tries the
 * last key found first), and a key next to a found one is still 404. */
static void
test_lookups_alternating_between_near_keys_find_each_its_own(void **state)
{
	fa_store *s = *state;
	struct {
		fa_resource res;
		const char *ns, *name, *holder;
	} k[] = {
		{FA_RES_LEASES, "default", "a", "pod-a"},
		{FA_RES_LEASES, "other", "a", "pod-b"},
		{FA_RES_CONFIGMAPS, "default", "a", "pod-c"},
		{FA_RES_LEASES, "default", "b", "pod-d"},
	};
	fa_lock_scratch sc;
	le_response resp;
	for (size_t i = 0; i < 4; i++) {
		le_record r = rec_of(k[i].holder, 15, 0, NOW);
		fa_store_lock_create(s, k[i].res, k[i].ns, k[i].name, &r,
				     k[i].holder, NOW, &sc, &resp);
		assert_int_equal(resp.status, 201);
	}
	static const int order[] = {0, 0, 1, 0, 2, 2, 3, 1, 3, 0};
	for (size_t j = 0; j < sizeof order / sizeof order[0]; j++) {
		int i = order[j];
		fa_store_lock_get(s, k[i].res, k[i].ns, k[i].name, &sc, &resp);
		assert_int_equal(resp.status, 200);
		assert_string_equal(resp.record->holder, k[i].holder);
		fa_store_lock_get(s, FA_RES_LEASES, k[i].ns, "ab", &sc, &resp);
		assert_int_equal(resp.status, 404);
	}
	assert_true(fa_store_exists(s, FA_RES_CONFIGMAPS, "default", "a"));
	assert_false(fa_store_exists(s, FA_RES_CONFIGMAPS, "other", "a"));
}

/* The in-process path hands a reader the record as the HTTP path would
 * have parsed it from its writer's text (election-spec.md 3.2, 3.4):
 * client-go's annotation keeps whole seconds, a Lease's MicroTime and the
 * Python client's annotation microseconds. sidecar-0.5 compares parsed
 * records, so with the writer's nanoseconds two renewals within one wall
 * second read as a change in the simulator and as none live. */
static void test_lock_path_keeps_the_times_the_wire_keeps(void **state)
{
	fa_store *s = *state;
	static const struct {
		fa_resource res;
		unsigned dialect;
		int64_t unit_ns;
	} cases[] = {
		{FA_RES_ENDPOINTS, 0, NS},
		{FA_RES_CONFIGMAPS, 0, NS},
		{FA_RES_CONFIGMAPS, LE_DIALECT_PYTHON, 1000},
		{FA_RES_LEASES, 0, 1000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "w%zu", i);
		fa_lock_scratch sc;
		le_response resp;
		le_record r = rec_of("pod-a", 3, 0, NOW);
		r.dialect = cases[i].dialect;
		fa_store_lock_create(s, cases[i].res, "default", name, &r, "pod-a",
				     NOW, &sc, &resp);
		assert_int_equal(resp.status, 201);
		fa_store_lock_get(s, cases[i].res, "default", name, &sc, &resp);
		assert_int_equal(resp.status, 200);
		le_record first = *resp.record;
		char rv[LE_RV_MAX];
		snprintf(rv, sizeof(rv), "%s", resp.resource_version);
		int64_t want = NOW - NOW % cases[i].unit_ns;
		assert_int_equal(first.acquire_wall_ns, want);
		assert_int_equal(first.renew_wall_ns, want);

		/* A renewal 0.3 s later, in the same wall second. */
		r.renew_wall_ns = NOW + 300000000;
		fa_store_lock_update(s, cases[i].res, "default", name, &r, rv,
				     "pod-a", NOW, &sc, &resp);
		assert_int_equal(resp.status, 200);
		fa_store_lock_get(s, cases[i].res, "default", name, &sc, &resp);
		int64_t want2 = NOW + 300000000 - (NOW + 300000000) % cases[i].unit_ns;
		assert_int_equal(resp.record->renew_wall_ns, want2);
		/* Whole seconds: the renewal reads as the record before it. */
		assert_int_equal(resp.record->renew_wall_ns == first.renew_wall_ns,
				 cases[i].unit_ns == NS);
	}
}

static void test_lock_get_missing_is_404_in_the_apiservers_words(void **state)
{
	fa_store *s = *state;
	static const struct {
		fa_resource res;
		const char *msg;
	} cases[] = {
		{FA_RES_LEASES, "leases.coordination.k8s.io \"x\" not found"},
		{FA_RES_ENDPOINTS, "endpoints \"x\" not found"},
		{FA_RES_CONFIGMAPS, "configmaps \"x\" not found"},
	};
	for (size_t i = 0; i < 3; i++) {
		fa_lock_scratch sc;
		le_response resp;
		fa_store_lock_get(s, cases[i].res, "default", "x", &sc, &resp);
		assert_int_equal(resp.status, 404);
		assert_string_equal(resp.reason, "NotFound");
		assert_string_equal(resp.message, cases[i].msg);
		assert_null(resp.record);

		fa_status st;
		assert_null(fa_store_get_json(s, cases[i].res, "default", "x", &st));
		assert_int_equal(st.code, 404);
		assert_string_equal(st.message, cases[i].msg);
	}
}

static void test_create_existing_is_409_already_exists(void **state)
{
	fa_store *s = *state;
	lock_create(s, FA_RES_LEASES, "my-lease", "a", NULL);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("b", 15, 0, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "my-lease", &r, "b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 409);
	assert_string_equal(resp.reason, "AlreadyExists");
	assert_string_equal(resp.message,
			    "leases.coordination.k8s.io \"my-lease\" already exists");

	fa_status st;
	cJSON *body = J("{\"metadata\":{\"name\":\"my-lease\"},\"spec\":{}}");
	assert_null(fa_store_create_json(s, FA_RES_LEASES, "default", body, "b",
					 NOW, &st));
	assert_int_equal(st.code, 409);
	assert_string_equal(st.reason, "AlreadyExists");
	assert_string_equal(st.message,
			    "leases.coordination.k8s.io \"my-lease\" already exists");
	cJSON_Delete(body);
	assert_int_equal(fa_store_revision(s), 1);
}

static void test_stale_update_is_409_conflict(void **state)
{
	fa_store *s = *state;
	static const struct {
		fa_resource res;
		const char *msg;
	} cases[] = {
		{FA_RES_LEASES,
		 "Operation cannot be fulfilled on leases.coordination.k8s.io "
		 "\"l\": the object has been modified; please apply your changes "
		 "to the latest version and try again"},
		{FA_RES_ENDPOINTS,
		 "Operation cannot be fulfilled on endpoints \"l\": the object has "
		 "been modified; please apply your changes to the latest version "
		 "and try again"},
		{FA_RES_CONFIGMAPS,
		 "Operation cannot be fulfilled on configmaps \"l\": the object has "
		 "been modified; please apply your changes to the latest version "
		 "and try again"},
	};
	for (size_t i = 0; i < 3; i++) {
		char rv[LE_RV_MAX];
		lock_create(s, cases[i].res, "l", "a", rv);
		fa_lock_scratch sc;
		le_response resp;
		le_record r = rec_of("b", 15, 1, NOW);
		fa_store_lock_update(s, cases[i].res, "default", "l", &r, rv, "b",
				     NOW, &sc, &resp);
		assert_int_equal(resp.status, 200);
		/* The same rv again is stale now. */
		fa_store_lock_update(s, cases[i].res, "default", "l", &r, rv, "c",
				     NOW, &sc, &resp);
		assert_int_equal(resp.status, 409);
		assert_string_equal(resp.reason, "Conflict");
		assert_string_equal(resp.message, cases[i].msg);

		/* The JSON path says the same. */
		fa_status st;
		cJSON *obj = fa_store_get_json(s, cases[i].res, "default", "l", &st);
		assert_non_null(obj);
		cJSON_ReplaceItemInObjectCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
			"resourceVersion", cJSON_CreateString(rv));
		assert_null(fa_store_update_json(s, cases[i].res, "default", "l", obj,
						 "c", NOW, &st));
		assert_int_equal(st.code, 409);
		assert_string_equal(st.reason, "Conflict");
		assert_string_equal(st.message, cases[i].msg);
		cJSON_Delete(obj);
	}
}

/* The precondition is the revision's text exactly, as the apiserver
 * compares it: a leading zero, a sign, a space, a suffix or a number past
 * 2^64 is another version (409), the exact text commits. */
static void test_update_resource_version_is_the_exact_text(void **state)
{
	fa_store *s = *state;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "a", rv);
	char buf[LE_RV_MAX + 8];
	const char *forms[] = {"0%s", "+%s", " %s", "%s ", "%sx", "%s0", "-%s",
			       "99999999999999999999999%s"};
	le_record r = rec_of("b", 15, 1, NOW);
	fa_lock_scratch sc;
	le_response resp;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(buf, sizeof(buf), forms[i], rv);
		fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, buf, "b",
				     NOW, &sc, &resp);
		if (resp.status != 409)
			fail_msg("resourceVersion \"%s\" (current %s): %d, want 409",
				 buf, rv, resp.status);
	}
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, "0", "b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 409);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 200);
}

static void test_lease_update_without_resource_version_is_422(void **state)
{
	fa_store *s = *state;
	lock_create(s, FA_RES_LEASES, "l", "a", NULL);
	const char *msg = "leases.coordination.k8s.io \"l\" is invalid: "
			  "metadata.resourceVersion: Invalid value: 0x0: must be "
			  "specified for an update";
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("b", 15, 1, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, "", "b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 422);
	assert_string_equal(resp.reason, "Invalid");
	assert_string_equal(resp.message, msg);

	fa_status st;
	cJSON *body = J("{\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":\"b\"}}");
	assert_null(fa_store_update_json(s, FA_RES_LEASES, "default", "l", body,
					 "b", NOW, &st));
	assert_int_equal(st.code, 422);
	assert_string_equal(st.message, msg);
	assert_string_equal(st.field, "metadata.resourceVersion");
	cJSON_Delete(body);
	assert_int_equal(fa_store_revision(s), 1);
}

static void test_annotation_update_without_resource_version_is_unconditional(void **state)
{
	fa_store *s = *state;
	for (fa_resource res = FA_RES_ENDPOINTS; res <= FA_RES_CONFIGMAPS; res++) {
		lock_create(s, res, "l", "a", NULL);
		fa_lock_scratch sc;
		le_response resp;
		le_record r = rec_of("b", 15, 1, NOW);
		fa_store_lock_update(s, res, "default", "l", &r, NULL, "b", NOW, &sc,
				     &resp);
		assert_int_equal(resp.status, 200);
		assert_string_equal(resp.record->holder, "b");

		fa_status st;
		cJSON *body = J("{\"metadata\":{\"name\":\"l\",\"annotations\":"
				"{\"x\":\"y\"}}}");
		cJSON *out = fa_store_update_json(s, res, "default", "l", body, "c",
						  NOW, &st);
		assert_non_null(out);
		assert_int_equal(st.code, 200);
		assert_string_equal(jstr(out, "metadata.annotations.x"), "y");
		cJSON_Delete(out);
		cJSON_Delete(body);
	}
}

/* fa_store_get_text / fa_store_update_text: the same bytes as printing
 * the JSON path's object, and the cached text follows every write (an
 * update over JSON, one over the lock path, a delete). */
static void test_text_is_the_printed_object_at_every_revision(void **state)
{
	fa_store *s = *state;
	fa_status st;
	size_t len = 0;
	assert_null(fa_store_get_text(s, FA_RES_LEASES, "default", "t", &len, &st));
	assert_int_equal(st.code, 404);
	assert_false(fa_store_exists(s, FA_RES_LEASES, "default", "t"));
	cJSON *body = J("{\"metadata\":{\"name\":\"t\"},\"spec\":{\"holderIdentity\":\"a\"}}");
	char *text = fa_store_update_text(s, FA_RES_LEASES, "default", "t", body, "c", NOW,
					  &len, &st);
	cJSON_Delete(body);
	assert_non_null(text);
	assert_int_equal(st.code, 201);
	assert_int_equal(len, strlen(text));
	assert_true(fa_store_exists(s, FA_RES_LEASES, "default", "t"));
	for (int step = 0; step < 3; step++) {
		/* twice: the second answer comes from the cache */
		for (int k = 0; k < 2; k++) {
			char *got = fa_store_get_text(s, FA_RES_LEASES, "default", "t", &len, &st);
			cJSON *obj = fa_store_get_json(s, FA_RES_LEASES, "default", "t", &st);
			char *want = cJSON_PrintUnformatted(obj);
			assert_string_equal(got, want);
			assert_int_equal(len, strlen(want));
			if (step == 0 && k == 0)
				assert_string_equal(got, text);
			if (step == 1)
				assert_non_null(strstr(got, "\"holderIdentity\":\"b\""));
			if (step == 2)
				assert_non_null(strstr(got, "\"holderIdentity\":\"d\""));
			free(got);
			free(want);
			cJSON_Delete(obj);
		}
		if (step == 0) {
			cJSON *cur = fa_store_get_json(s, FA_RES_LEASES, "default", "t", &st);
			char b2[256];
			snprintf(b2, sizeof(b2),
				 "{\"metadata\":{\"name\":\"t\",\"resourceVersion\":\"%s\"},"
				 "\"spec\":{\"holderIdentity\":\"b\"}}",
				 jstr(cur, "metadata.resourceVersion"));
			cJSON_Delete(cur);
			body = J(b2);
			char *t2 = fa_store_update_text(s, FA_RES_LEASES, "default", "t", body,
							"c", NOW, &len, &st);
			cJSON_Delete(body);
			assert_int_equal(st.code, 200);
			assert_non_null(strstr(t2, "\"holderIdentity\":\"b\""));
			free(t2);
		} else if (step == 1) {
			fa_lock_scratch sc;
			le_response resp;
			le_record r = rec_of("d", 15, 1, NOW);
			cJSON *cur = fa_store_get_json(s, FA_RES_LEASES, "default", "t", &st);
			fa_store_lock_update(s, FA_RES_LEASES, "default", "t", &r,
					     jstr(cur, "metadata.resourceVersion"), "d", NOW, &sc,
					     &resp);
			cJSON_Delete(cur);
			assert_int_equal(resp.status, 200);
		}
	}
	free(text);
	cJSON *gone = fa_store_delete_json(s, FA_RES_LEASES, "default", "t", NULL, NULL, "c",
					   NOW, &st);
	assert_non_null(gone);
	cJSON_Delete(gone);
	assert_null(fa_store_get_text(s, FA_RES_LEASES, "default", "t", &len, &st));
	assert_int_equal(st.code, 404);
	assert_false(fa_store_exists(s, FA_RES_LEASES, "default", "t"));
}

static void test_create_on_update_per_resource(void **state)
{
	fa_store *s = *state;
	static const struct {
		fa_resource res;
		int status;
	} cases[] = {{FA_RES_LEASES, 201}, {FA_RES_ENDPOINTS, 201},
		     {FA_RES_CONFIGMAPS, 404}};
	for (size_t i = 0; i < 3; i++) {
		fa_lock_scratch sc;
		le_response resp;
		le_record r = rec_of("a", 15, 0, NOW);
		fa_store_lock_update(s, cases[i].res, "default", "lock", &r, "", "a",
				     NOW, &sc, &resp);
		assert_int_equal(resp.status, cases[i].status);

		fa_status st;
		cJSON *body = J("{\"metadata\":{\"name\":\"json\"},"
				"\"spec\":{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":5}}");
		cJSON *out = fa_store_update_json(s, cases[i].res, "default", "json",
						  body, "a", NOW, &st);
		assert_int_equal(st.code, cases[i].status);
		if (cases[i].status == 404) {
			assert_null(out);
			assert_string_equal(resp.message, "configmaps \"lock\" not found");
			assert_string_equal(st.message, "configmaps \"json\" not found");
		} else {
			assert_non_null(out);
			assert_non_null(jstr(out, "metadata.uid"));
		}
		cJSON_Delete(out);
		cJSON_Delete(body);
	}
	/* Two creates in leases and two in endpoints. */
	assert_int_equal(fa_store_revision(s), 4);
}

static void test_uid_precondition(void **state)
{
	fa_store *s = *state;
	fa_status st;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "a", rv);
	cJSON *obj = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
	char uid[LE_UID_MAX];
	snprintf(uid, sizeof(uid), "%s", jstr(obj, "metadata.uid"));

	/* A different uid on a live object. */
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	cJSON_ReplaceItemInObjectCaseSensitive(
		meta, "uid", cJSON_CreateString("11111111-2222-4333-8444-555555555555"));
	assert_null(fa_store_update_json(s, FA_RES_LEASES, "default", "l", obj, "a",
					 NOW, &st));
	char want[768];
	snprintf(want, sizeof(want),
		 "Operation cannot be fulfilled on leases.coordination.k8s.io \"l\": "
		 "StorageError: invalid object, Code: 4, Key: "
		 "/registry/leases/default/l, ResourceVersion: 0, "
		 "AdditionalErrorMsg: Precondition failed: UID in precondition: "
		 "11111111-2222-4333-8444-555555555555, UID in object meta: %s",
		 uid);
	assert_int_equal(st.code, 409);
	assert_string_equal(st.reason, "Conflict");
	assert_string_equal(st.message, want);

	/* The right uid of a deleted object: the object meta is empty, and
	 * no create on update happens. */
	cJSON_ReplaceItemInObjectCaseSensitive(meta, "uid", cJSON_CreateString(uid));
	cJSON *del = fa_store_delete_json(s, FA_RES_LEASES, "default", "l", NULL,
					  NULL, "admin", NOW, &st);
	assert_non_null(del);
	cJSON_Delete(del);
	assert_null(fa_store_update_json(s, FA_RES_LEASES, "default", "l", obj, "a",
					 NOW, &st));
	snprintf(want, sizeof(want),
		 "Operation cannot be fulfilled on leases.coordination.k8s.io \"l\": "
		 "StorageError: invalid object, Code: 4, Key: "
		 "/registry/leases/default/l, ResourceVersion: 0, "
		 "AdditionalErrorMsg: Precondition failed: UID in precondition: "
		 "%s, UID in object meta: ",
		 uid);
	assert_int_equal(st.code, 409);
	assert_string_equal(st.message, want);

	/* The lock path's cached object carried that uid too. */
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("a", 15, 1, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "a", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 409);
	assert_string_equal(resp.message, want);
	cJSON_Delete(obj);
	assert_null(fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st));
}

/* ---- validation ------------------------------------------------------------------ */

static void test_invalid_bodies_are_422_naming_the_field(void **state)
{
	fa_store *s = *state;
	static const struct {
		fa_resource res;
		const char *body;
		const char *field;
		const char *msg;
	} cases[] = {
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"leaseDurationSeconds\":0}}",
		 "spec.leaseDurationSeconds",
		 "Lease.coordination.k8s.io \"l\" is invalid: "
		 "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"leaseDurationSeconds\":-5}}",
		 "spec.leaseDurationSeconds",
		 "Lease.coordination.k8s.io \"l\" is invalid: "
		 "spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0"},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"leaseTransitions\":-1}}",
		 "spec.leaseTransitions",
		 "Lease.coordination.k8s.io \"l\" is invalid: spec.leaseTransitions: "
		 "Invalid value: -1: must be greater than or equal to 0"},
		{FA_RES_LEASES, "{\"metadata\":{},\"spec\":{}}", "metadata.name",
		 "Lease.coordination.k8s.io \"\" is invalid: metadata.name: Required "
		 "value: name or generateName is required"},
		{FA_RES_ENDPOINTS, "{\"metadata\":{\"name\":\"Bad_Name\"}}",
		 "metadata.name",
		 "Endpoints \"Bad_Name\" is invalid: metadata.name: Invalid value: "
		 "\"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower "
		 "case alphanumeric characters, '-' or '.', and must start and end "
		 "with an alphanumeric character (e.g. 'example.com', regex used for "
		 "validation is "
		 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
		{FA_RES_CONFIGMAPS, "{\"metadata\":{\"name\":\"a..b\"}}",
		 "metadata.name", NULL},
		{FA_RES_CONFIGMAPS, "{\"metadata\":{\"name\":\"-a\"}}",
		 "metadata.name", NULL},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"strategy\":\"Newest\"}}",
		 "spec.strategy",
		 "Lease.coordination.k8s.io \"l\" is invalid: spec.strategy: "
		 "Unsupported value: \"Newest\": supported values: "
		 "\"OldestEmulationVersion\""},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"strategy\":\"a/b/c\"}}",
		 "spec.strategy", NULL},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"strategy\":\"Ex.com/x\"}}",
		 "spec.strategy", NULL},
		{FA_RES_LEASES,
		 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"preferredHolder\":\"a\"}}",
		 "spec.preferredHolder",
		 "Lease.coordination.k8s.io \"l\" is invalid: spec.preferredHolder: "
		 "Forbidden: may only be specified if `strategy` is defined"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fa_status st;
		cJSON *body = J(cases[i].body);
		assert_null(fa_store_create_json(s, cases[i].res, "default", body,
						 "a", NOW, &st));
		assert_int_equal(st.code, 422);
		assert_string_equal(st.reason, "Invalid");
		assert_string_equal(st.field, cases[i].field);
		if (cases[i].msg != NULL)
			assert_string_equal(st.message, cases[i].msg);
		cJSON_Delete(body);
	}
	/* A name of 254 characters is too long; 253 is fine. */
	char body[600], name[300];
	memset(name, 'a', 254);
	name[254] = '\0';
	snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"%s\"}}", name);
	cJSON *b = J(body);
	fa_status st;
	assert_null(fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 422);
	assert_non_null(strstr(st.message, "must be no more than 253 characters"));
	cJSON_Delete(b);
	name[253] = '\0';
	snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"%s\"}}", name);
	b = J(body);
	cJSON *ok = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a",
					 NOW, &st);
	assert_non_null(ok);
	assert_int_equal(st.code, 201);
	cJSON_Delete(ok);
	cJSON_Delete(b);
	assert_int_equal(fa_store_revision(s), 1);

	/* The lock path validates what it is asked to write, too. */
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("a", 0, 0, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "l", &r, "a", NOW, &sc,
			     &resp);
	assert_int_equal(resp.status, 422);
	assert_string_equal(resp.message,
			    "Lease.coordination.k8s.io \"l\" is invalid: "
			    "spec.leaseDurationSeconds: Invalid value: 0: must be "
			    "greater than 0");
	r = rec_of("a", 10, -2, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "l", &r, "a", NOW, &sc,
			     &resp);
	assert_int_equal(resp.status, 422);
	assert_string_equal(sc.status.field, "spec.leaseTransitions");
	r = rec_of("a", 10, 0, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "Not_A_Name", &r, "a",
			     NOW, &sc, &resp);
	assert_int_equal(resp.status, 422);
	assert_string_equal(sc.status.field, "metadata.name");
	assert_int_equal(fa_store_revision(s), 1);
}

static void test_update_validates_after_the_cas(void **state)
{
	fa_store *s = *state;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "a", rv);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("a", 0, 0, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "a", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 422);
	assert_string_equal(sc.status.field, "spec.leaseDurationSeconds");
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, "999", "a", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 409);
	assert_int_equal(fa_store_revision(s), 1);
}

static void test_microtime_needs_exactly_six_digits(void **state)
{
	fa_store *s = *state;
	static const struct {
		const char *time, *rest, *part;
	} cases[] = {
		{"2024-03-09T10:13:24Z", "Z", ".000000"},
		{"2024-03-09T10:13:24.504Z", ".504Z", ".000000"},
		{"2024-03-09T10:13:24.504283999Z", "999Z", "Z07:00"},
		{"2024-03-09 10:13:24.504283", " 10:13:24.504283", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[300], want[600];
		snprintf(body, sizeof(body),
			 "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"renewTime\":\"%s\"}}",
			 cases[i].time);
		cJSON *b = J(body);
		fa_status st;
		assert_null(fa_store_create_json(s, FA_RES_LEASES, "default", b, "a",
						 NOW, &st));
		assert_int_equal(st.code, 400);
		assert_string_equal(st.reason, "BadRequest");
		assert_string_equal(st.field, "spec.renewTime");
		if (cases[i].part != NULL) {
			snprintf(want, sizeof(want),
				 "Lease in version \"v1\" cannot be handled as a Lease: "
				 "parsing time \"%s\" as "
				 "\"2006-01-02T15:04:05.000000Z07:00\": cannot parse "
				 "\"%s\" as \"%s\"",
				 cases[i].time, cases[i].rest, cases[i].part);
			assert_string_equal(st.message, want);
		}
		cJSON_Delete(b);
	}
	/* Six digits with any offset are accepted and stored in UTC. */
	cJSON *b = J("{\"metadata\":{\"name\":\"l\"},\"spec\":{\"renewTime\":"
		     "\"2024-03-09T12:13:24.504283+02:00\",\"leaseDurationSeconds\":5}}");
	fa_status st;
	cJSON *out = fa_store_create_json(s, FA_RES_LEASES, "default", b, "a", NOW, &st);
	assert_non_null(out);
	assert_string_equal(jstr(out, "spec.renewTime"), "2024-03-09T10:13:24.504283Z");
	cJSON_Delete(out);
	cJSON_Delete(b);
}

static void test_wrong_types_and_mismatched_names_are_400(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"l\"},\"spec\":"
		     "{\"leaseDurationSeconds\":\"4\"}}");
	assert_null(fa_store_create_json(s, FA_RES_LEASES, "default", b, "a", NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message,
			    "Lease in version \"v1\" cannot be handled as a Lease: "
			    "json: cannot unmarshal string into Go struct field "
			    "LeaseSpec.spec.leaseDurationSeconds of type int32");
	cJSON_Delete(b);

	lock_create(s, FA_RES_ENDPOINTS, "e", "a", NULL);
	b = J("{\"metadata\":{\"name\":\"other\"}}");
	assert_null(fa_store_update_json(s, FA_RES_ENDPOINTS, "default", "e", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message, "the name of the object (other) does not "
					"match the name on the URL (e)");
	cJSON_Delete(b);

	b = J("{\"metadata\":{\"name\":\"e\",\"namespace\":\"kube-system\"}}");
	assert_null(fa_store_update_json(s, FA_RES_ENDPOINTS, "default", "e", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message, "the namespace of the provided object does "
					"not match the namespace sent on the request");
	cJSON_Delete(b);

	b = J("[1,2]");
	assert_null(fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 400);
	cJSON_Delete(b);

	b = J("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
	assert_null(fa_store_create_json(s, FA_RES_ENDPOINTS, "default", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 400);
	cJSON_Delete(b);

	b = J("{\"metadata\":{\"name\":\"x\",\"annotations\":{\"a\":1}}}");
	assert_null(fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 400);
	assert_string_equal(st.message,
			    "ConfigMap in version \"v1\" cannot be handled as a "
			    "ConfigMap: json: cannot unmarshal number 1 into Go "
			    "struct field ObjectMeta.metadata.annotations of type string");
	cJSON_Delete(b);
	assert_int_equal(fa_store_revision(s), 1);
}

/* ---- CAS and revisions ----------------------------------------------------------------- */

/* Many clients, half over the lock path and half over JSON, each doing
 * read-modify-CAS of one lease, interleaved by a seeded stream. Every
 * success adds one transition; every failure is a 409 Conflict. */
static void test_cas_under_contention_loses_no_update(void **state)
{
	fa_store *s = *state;
	enum { CLIENTS = 8, STEPS = 4000 };
	lock_create(s, FA_RES_LEASES, "hot", "c0", NULL);
	struct {
		le_record rec;
		char rv[LE_RV_MAX];
		cJSON *obj;
		bool fresh;
	} c[CLIENTS];
	memset(c, 0, sizeof(c));
	fa_rng rng;
	fa_rng_seed(&rng, 7);
	int successes = 0, conflicts = 0;
	for (int step = 0; step < STEPS; step++) {
		int i = (int)(fa_rng_next(&rng) % CLIENTS);
		bool json = i % 2 == 1;
		char id[16];
		snprintf(id, sizeof(id), "c%d", i);
		fa_lock_scratch sc;
		le_response resp;
		fa_status st;
		if (!c[i].fresh) { /* read */
			if (json) {
				cJSON_Delete(c[i].obj);
				c[i].obj = fa_store_get_json(s, FA_RES_LEASES, "default",
							     "hot", &st);
				assert_non_null(c[i].obj);
			} else {
				fa_store_lock_get(s, FA_RES_LEASES, "default", "hot",
						  &sc, &resp);
				assert_int_equal(resp.status, 200);
				c[i].rec = *resp.record;
				snprintf(c[i].rv, sizeof(c[i].rv), "%s",
					 resp.resource_version);
			}
			c[i].fresh = true;
			continue;
		}
		int code; /* modify + CAS */
		if (json) {
			cJSON *spec = cJSON_GetObjectItemCaseSensitive(c[i].obj, "spec");
			cJSON *t = cJSON_GetObjectItemCaseSensitive(spec, "leaseTransitions");
			cJSON_SetNumberValue(t, t->valuedouble + 1);
			cJSON_ReplaceItemInObjectCaseSensitive(
				spec, "holderIdentity", cJSON_CreateString(id));
			cJSON *out = fa_store_update_json(s, FA_RES_LEASES, "default",
							  "hot", c[i].obj, id,
							  NOW + step, &st);
			code = st.code;
			if (out != NULL) {
				cJSON_Delete(c[i].obj);
				c[i].obj = out;
			}
		} else {
			le_record r = c[i].rec;
			r.transitions++;
			snprintf(r.holder, sizeof(r.holder), "%s", id);
			r.renew_wall_ns = NOW + step;
			fa_store_lock_update(s, FA_RES_LEASES, "default", "hot", &r,
					     c[i].rv, id, NOW + step, &sc, &resp);
			code = resp.status;
			if (code == 200) {
				c[i].rec = *resp.record;
				snprintf(c[i].rv, sizeof(c[i].rv), "%s",
					 resp.resource_version);
			}
		}
		if (code == 200) {
			successes++;
		} else {
			assert_int_equal(code, 409);
			conflicts++;
			c[i].fresh = false;
		}
	}
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "hot", &sc, &resp);
	assert_int_equal(resp.record->transitions, successes);
	assert_true(successes > 100);
	assert_true(conflicts > 100);
	assert_int_equal(fa_store_revision(s), 1 + successes);
	for (int i = 0; i < CLIENTS; i++)
		cJSON_Delete(c[i].obj);
}

static void test_revision_is_global_and_monotonic(void **state)
{
	fa_store *s = *state;
	uint64_t last = 0;
	fa_status st;
	for (int round = 0; round < 5; round++) {
		/* the three lock objects (leasecandidates hold no record) */
		for (fa_resource res = 0; res <= FA_RES_CONFIGMAPS; res++) {
			char name[16], rv[LE_RV_MAX];
			snprintf(name, sizeof(name), "o%d", round);
			lock_create(s, res, name, "a", rv);
			assert_int_equal(strtoull(rv, NULL, 10), last + 1);
			last++;
		}
	}
	/* A JSON delete also takes a revision; failures take none. */
	cJSON *d = fa_store_delete_json(s, FA_RES_ENDPOINTS, "default", "o2", NULL,
					NULL, "a", NOW, &st);
	assert_non_null(d);
	assert_int_equal(strtoull(jstr(d, "metadata.resourceVersion"), NULL, 10),
			 last + 1);
	cJSON_Delete(d);
	assert_null(fa_store_delete_json(s, FA_RES_ENDPOINTS, "default", "o2", NULL,
					 NULL, "a", NOW, &st));
	assert_int_equal(st.code, 404);
	assert_int_equal(fa_store_revision(s), last + 1);
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_CONFIGMAPS, "default", "o4", &sc, &resp);
	assert_string_equal(resp.resource_version, "15");
}

/* ---- lock path vs JSON path ------------------------------------------------------------- */

static void test_lock_writes_are_visible_as_json(void **state)
{
	fa_store *s = *state;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "my-lease", "pod-a", rv);
	fa_status st;
	cJSON *o = fa_store_get_json(s, FA_RES_LEASES, "default", "my-lease", &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	assert_string_equal(jstr(o, "kind"), "Lease");
	assert_string_equal(jstr(o, "apiVersion"), "coordination.k8s.io/v1");
	assert_string_equal(jstr(o, "metadata.name"), "my-lease");
	assert_string_equal(jstr(o, "metadata.namespace"), "default");
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "1");
	assert_string_equal(jstr(o, "metadata.creationTimestamp"), "2024-03-09T10:13:24Z");
	const char *uid = jstr(o, "metadata.uid");
	assert_non_null(uid);
	assert_int_equal(strlen(uid), 36);
	assert_int_equal(uid[14], '4');
	assert_non_null(strchr("89ab", uid[19]));
	assert_string_equal(jstr(o, "spec.holderIdentity"), "pod-a");
	assert_int_equal(jget(o, "spec.leaseDurationSeconds")->valueint, 15);
	assert_string_equal(jstr(o, "spec.renewTime"), "2024-03-09T10:13:24.504283Z");
	cJSON_Delete(o);

	/* Lock update, then JSON read. */
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW + 2 * NS);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "my-lease", &r, rv,
			     "pod-b", NOW + 2 * NS, &sc, &resp);
	assert_int_equal(resp.status, 200);
	o = fa_store_get_json(s, FA_RES_LEASES, "default", "my-lease", &st);
	assert_string_equal(jstr(o, "spec.holderIdentity"), "pod-b");
	assert_int_equal(jget(o, "spec.leaseTransitions")->valueint, 1);
	assert_string_equal(jstr(o, "spec.renewTime"), "2024-03-09T10:13:26.504283Z");
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "2");

	/* JSON update, then lock read. */
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "holderIdentity",
					       cJSON_CreateString("kubectl"));
	cJSON_ReplaceItemInObjectCaseSensitive(spec, "leaseDurationSeconds",
					       cJSON_CreateNumber(30));
	cJSON *out = fa_store_update_json(s, FA_RES_LEASES, "default", "my-lease", o,
					  "kubectl", NOW, &st);
	assert_non_null(out);
	assert_int_equal(st.code, 200);
	fa_store_lock_get(s, FA_RES_LEASES, "default", "my-lease", &sc, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "kubectl");
	assert_int_equal(resp.record->lease_duration_s, 30);
	assert_int_equal(resp.record->transitions, 1);
	assert_string_equal(resp.resource_version, "3");
	cJSON_Delete(out);
	cJSON_Delete(o);
}

static void test_lock_updates_keep_the_rest_of_the_object(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\":"
		     "{\"name\":\"e\",\"labels\":{\"app\":\"nginx\"},\"annotations\":"
		     "{\"keep\":\"me\",\"" LE_LEADER_ANNOTATION "\":"
		     "\"{\\\"holderIdentity\\\":\\\"a\\\",\\\"leaseDurationSeconds\\\":10}\"}},"
		     "\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}]}],"
		     "\"x-unknown\":{\"deep\":[1,2,3]}}");
	cJSON *created = fa_store_create_json(s, FA_RES_ENDPOINTS, "default", b,
					      "a", NOW, &st);
	assert_non_null(created);
	assert_int_equal(st.code, 201);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("b", 10, 1, NOW + NS);
	fa_store_lock_update(s, FA_RES_ENDPOINTS, "default", "e", &r,
			     jstr(created, "metadata.resourceVersion"), "b", NOW, &sc,
			     &resp);
	assert_int_equal(resp.status, 200);

	cJSON *o = fa_store_get_json(s, FA_RES_ENDPOINTS, "default", "e", &st);
	assert_string_equal(jstr(o, "metadata.labels.app"), "nginx");
	assert_string_equal(jstr(o, "metadata.annotations.keep"), "me");
	assert_string_equal(jget(o, "subsets")->child->child->child->child->valuestring,
			    "10.0.0.1");
	assert_int_equal(cJSON_GetArraySize(jget(o, "x-unknown.deep")), 3);
	assert_string_equal(jstr(o, "metadata.uid"), jstr(created, "metadata.uid"));
	char want[512];
	assert_true(le_record_encode_annotation(&r, want, sizeof(want)) > 0);
	assert_string_equal(leader_annotation(o), want);
	/* The lock read sees the record it wrote. */
	fa_store_lock_get(s, FA_RES_ENDPOINTS, "default", "e", &sc, &resp);
	assert_string_equal(resp.record->holder, "b");
	assert_int_equal(resp.record->transitions, 1);
	cJSON_Delete(o);
	cJSON_Delete(created);
	cJSON_Delete(b);

	/* An unknown Lease spec field survives a lock update too. */
	b = J("{\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":\"a\","
	      "\"leaseDurationSeconds\":10,\"futureField\":\"x\"}}");
	created = fa_store_create_json(s, FA_RES_LEASES, "default", b, "a", NOW, &st);
	assert_non_null(created);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r,
			     jstr(created, "metadata.resourceVersion"), "b", NOW, &sc,
			     &resp);
	assert_int_equal(resp.status, 200);
	o = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
	assert_string_equal(jstr(o, "spec.futureField"), "x");
	assert_string_equal(jstr(o, "spec.holderIdentity"), "b");
	cJSON_Delete(o);
	cJSON_Delete(created);
	cJSON_Delete(b);
}

static void test_client_sent_server_fields_are_ignored_on_create(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J(read_fixture("client-go-lease.json"));
	cJSON *o = fa_store_create_json(s, FA_RES_LEASES, "default", b, "a", NOW, &st);
	assert_non_null(o);
	assert_string_not_equal(jstr(o, "metadata.uid"),
				"c23ee08c-de1d-4254-9c13-1a6c7d25ba87");
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "1");
	assert_string_equal(jstr(o, "metadata.creationTimestamp"), "2024-03-09T10:13:24Z");
	assert_string_equal(jstr(o, "spec.acquireTime"), "2024-03-09T10:28:06.504283Z");
	cJSON_Delete(o);
	cJSON_Delete(b);
}

/* A custom strategy is a qualified name with a "/" (election-spec.md 8):
 * accepted, and preferredHolder with it. */
static void test_custom_lease_strategy_is_accepted(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"cs\"},\"spec\":{\"strategy\":"
		     "\"example.com/newest-first\",\"preferredHolder\":\"b\"}}");
	cJSON *o = fa_store_create_json(s, FA_RES_LEASES, "default", b, "a", NOW, &st);
	assert_non_null(o);
	assert_string_equal(jstr(o, "spec.strategy"), "example.com/newest-first");
	assert_string_equal(jstr(o, "spec.preferredHolder"), "b");
	cJSON_Delete(o);
	cJSON_Delete(b);
}

static void test_real_clients_bodies_are_accepted(void **state)
{
	fa_store *s = *state;
	static const struct {
		const char *file;
		fa_resource res;
		const char *name;
		const char *holder; /* NULL: holderIdentity absent / null */
		int32_t duration;
	} cases[] = {
		{"client-go-lease.json", FA_RES_LEASES, "my-lease",
		 "5f7349fc-6e3b-46d2-9d7b-9a2062e7d94e", 15},
		{"client-go-lease-released.json", FA_RES_LEASES, "my-lease2", "", 1},
		{"npm-lease-create.json", FA_RES_LEASES, "nodejs-leader-election",
		 "npm-a", 0},
		{"npm-lease-release.json", FA_RES_LEASES, "npm-released", NULL, 0},
		{"python-22.6-configmap-create.json", FA_RES_CONFIGMAPS,
		 "examplepython", "py-a", 4},
		{"python-22.6-configmap-update.json", FA_RES_CONFIGMAPS, "py2", "py-a", 4},
		{"sidecar-0.5-endpoints.json", FA_RES_ENDPOINTS, "elect-nginx-deploy",
		 "nginx-deploy-5ff9c9d8c7-hcbct", 10},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *b = J(read_fixture(cases[i].file));
		/* Rename so that fixtures sharing a name can coexist. */
		cJSON *meta = cJSON_GetObjectItemCaseSensitive(b, "metadata");
		cJSON_ReplaceItemInObjectCaseSensitive(meta, "name",
						       cJSON_CreateString(cases[i].name));
		fa_status st;
		cJSON *o = fa_store_create_json(s, cases[i].res, "default", b,
						"client", NOW, &st);
		assert_non_null(o);
		assert_int_equal(st.code, 201);
		assert_string_equal(jstr(o, "metadata.namespace"), "default");
		fa_lock_scratch sc;
		le_response resp;
		fa_store_lock_get(s, cases[i].res, "default", cases[i].name, &sc, &resp);
		assert_int_equal(resp.status, 200);
		assert_true(resp.record_present);
		if (cases[i].holder != NULL) {
			assert_true(resp.record->holder_set);
			assert_string_equal(resp.record->holder, cases[i].holder);
		} else {
			assert_false(resp.record->holder_set);
		}
		assert_int_equal(resp.record->lease_duration_s, cases[i].duration);
		/* What came in verbatim goes out verbatim (nulls dropped). */
		if (cases[i].res != FA_RES_LEASES)
			assert_string_equal(leader_annotation(o), leader_annotation(b));
		if (cases[i].holder == NULL && cases[i].res == FA_RES_LEASES)
			assert_null(jget(o, "spec.holderIdentity"));
		cJSON_Delete(o);

		/* And the same body is a valid update (create-on-update for
		 * configmaps is refused, so update what exists). */
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "uid");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
		if (cases[i].res != FA_RES_LEASES) {
			o = fa_store_update_json(s, cases[i].res, "default",
						 cases[i].name, b, "client", NOW, &st);
			assert_non_null(o);
			assert_int_equal(st.code, 200);
			cJSON_Delete(o);
		}
		cJSON_Delete(b);
	}
}

static void test_undecodable_annotation_is_stored_but_fails_lock_reads(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"e\",\"annotations\":{\""
		     LE_LEADER_ANNOTATION "\":\"not json\"}}}");
	cJSON *o = fa_store_create_json(s, FA_RES_ENDPOINTS, "default", b, "a", NOW, &st);
	assert_non_null(o);
	assert_string_equal(leader_annotation(o), "not json");
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_ENDPOINTS, "default", "e", &sc, &resp);
	assert_int_equal(resp.status, 500);
	/* A lock write replaces it. */
	le_record r = rec_of("b", 10, 0, NOW);
	fa_store_lock_update(s, FA_RES_ENDPOINTS, "default", "e", &r,
			     jstr(o, "metadata.resourceVersion"), "b", NOW, &sc, &resp);
	assert_int_equal(resp.status, 200);
	fa_store_lock_get(s, FA_RES_ENDPOINTS, "default", "e", &sc, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.record->holder, "b");
	cJSON_Delete(o);
	cJSON_Delete(b);

	/* No annotation at all: an empty record, not present. */
	b = J("{\"metadata\":{\"name\":\"bare\"}}");
	o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	assert_non_null(o);
	fa_store_lock_get(s, FA_RES_CONFIGMAPS, "default", "bare", &sc, &resp);
	assert_int_equal(resp.status, 200);
	assert_false(resp.record_present);
	assert_int_equal(resp.raw_len, 0);
	cJSON_Delete(o);
	cJSON_Delete(b);
}

/* ---- patch, delete, list ------------------------------------------------------------ */

static void test_merge_patch(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"c\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		     "\"data\":{\"k\":\"v\"}}");
	cJSON *o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	cJSON_Delete(o);
	cJSON_Delete(b);
	cJSON *p = J("{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"}},"
		     "\"data\":{\"k2\":\"v2\"}}");
	o = fa_store_patch_json(s, FA_RES_CONFIGMAPS, "default", "c", p, "a", NOW, &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	assert_null(jget(o, "metadata.labels.a"));
	assert_string_equal(jstr(o, "metadata.labels.b"), "2");
	assert_string_equal(jstr(o, "metadata.labels.c"), "3");
	assert_string_equal(jstr(o, "data.k"), "v");
	assert_string_equal(jstr(o, "data.k2"), "v2");
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "2");
	cJSON_Delete(o);
	cJSON_Delete(p);

	/* The patched result is validated like an update. */
	lock_create(s, FA_RES_LEASES, "l", "a", NULL);
	p = J("{\"spec\":{\"leaseDurationSeconds\":0}}");
	assert_null(fa_store_patch_json(s, FA_RES_LEASES, "default", "l", p, "a",
					NOW, &st));
	assert_int_equal(st.code, 422);
	assert_string_equal(st.field, "spec.leaseDurationSeconds");
	cJSON_Delete(p);
	/* A resourceVersion in the patch is a precondition. */
	p = J("{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"holderIdentity\":\"z\"}}");
	assert_null(fa_store_patch_json(s, FA_RES_LEASES, "default", "l", p, "a",
					NOW, &st));
	assert_int_equal(st.code, 409);
	cJSON_Delete(p);
	p = J("{\"spec\":{\"holderIdentity\":\"z\"}}");
	o = fa_store_patch_json(s, FA_RES_LEASES, "default", "l", p, "a", NOW, &st);
	assert_non_null(o);
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "l", &sc, &resp);
	assert_string_equal(resp.record->holder, "z");
	assert_int_equal(resp.record->lease_duration_s, 15);
	cJSON_Delete(o);
	assert_null(fa_store_patch_json(s, FA_RES_LEASES, "default", "nope", p, "a",
					NOW, &st));
	assert_int_equal(st.code, 404);
	cJSON_Delete(p);
}

static void test_delete_preconditions(void **state)
{
	fa_store *s = *state;
	fa_status st;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_ENDPOINTS, "e", "a", rv);
	cJSON *o = fa_store_get_json(s, FA_RES_ENDPOINTS, "default", "e", &st);
	char uid[LE_UID_MAX];
	snprintf(uid, sizeof(uid), "%s", jstr(o, "metadata.uid"));
	cJSON_Delete(o);
	char want[768];
	assert_null(fa_store_delete_json(s, FA_RES_ENDPOINTS, "default", "e", "wrong",
					 NULL, "a", NOW, &st));
	snprintf(want, sizeof(want),
		 "Operation cannot be fulfilled on endpoints \"e\": StorageError: "
		 "invalid object, Code: 4, Key: /registry/services/endpoints/default/e, "
		 "ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in "
		 "precondition: wrong, UID in object meta: %s",
		 uid);
	assert_int_equal(st.code, 409);
	assert_string_equal(st.message, want);
	assert_null(fa_store_delete_json(s, FA_RES_ENDPOINTS, "default", "e", uid,
					 "7", "a", NOW, &st));
	assert_int_equal(st.code, 409);
	assert_string_equal(st.message,
			    "Operation cannot be fulfilled on endpoints \"e\": "
			    "StorageError: invalid object, Code: 4, Key: "
			    "/registry/services/endpoints/default/e, ResourceVersion: 0, "
			    "AdditionalErrorMsg: Precondition failed: ResourceVersion in "
			    "precondition: 7, ResourceVersion in object meta: 1");
	o = fa_store_delete_json(s, FA_RES_ENDPOINTS, "default", "e", uid, rv, "a",
				 NOW, &st);
	assert_non_null(o);
	assert_int_equal(st.code, 200);
	assert_string_equal(jstr(o, "metadata.uid"), uid);
	assert_non_null(leader_annotation(o));
	cJSON_Delete(o);
	assert_null(fa_store_get_json(s, FA_RES_ENDPOINTS, "default", "e", &st));
	assert_int_equal(st.code, 404);
	/* Recreated: a new uid. */
	lock_create(s, FA_RES_ENDPOINTS, "e", "a", NULL);
	o = fa_store_get_json(s, FA_RES_ENDPOINTS, "default", "e", &st);
	assert_string_not_equal(jstr(o, "metadata.uid"), uid);
	cJSON_Delete(o);
}

static void test_list_is_sorted_and_scoped(void **state)
{
	fa_store *s = *state;
	const char *keys[][2] = {{"zeta", "b"}, {"alpha", "a"}, {"kube-system", "a"},
				 {"alpha", "c"}};
	for (size_t i = 0; i < 4; i++) {
		fa_lock_scratch sc;
		le_response resp;
		le_record r = rec_of("h", 10, 0, NOW);
		fa_store_lock_create(s, FA_RES_LEASES, keys[i][0], keys[i][1], &r, "h",
				     NOW, &sc, &resp);
		assert_int_equal(resp.status, 201);
	}
	lock_create(s, FA_RES_ENDPOINTS, "not-a-lease", "h", NULL);
	fa_status st;
	cJSON *l = fa_store_list_json(s, FA_RES_LEASES, NULL, &st);
	assert_non_null(l);
	assert_string_equal(jstr(l, "kind"), "LeaseList");
	assert_string_equal(jstr(l, "apiVersion"), "coordination.k8s.io/v1");
	assert_string_equal(jstr(l, "metadata.resourceVersion"), "5");
	const cJSON *items = jget(l, "items");
	assert_int_equal(cJSON_GetArraySize(items), 4);
	const char *want[][2] = {{"alpha", "a"}, {"alpha", "c"}, {"kube-system", "a"},
				 {"zeta", "b"}};
	for (int i = 0; i < 4; i++) {
		const cJSON *it = cJSON_GetArrayItem(items, i);
		assert_string_equal(jstr(it, "metadata.namespace"), want[i][0]);
		assert_string_equal(jstr(it, "metadata.name"), want[i][1]);
		assert_null(jget(it, "kind"));
	}
	cJSON_Delete(l);
	l = fa_store_list_json(s, FA_RES_LEASES, "alpha", &st);
	assert_int_equal(cJSON_GetArraySize(jget(l, "items")), 2);
	cJSON_Delete(l);
	l = fa_store_list_json(s, FA_RES_CONFIGMAPS, "alpha", &st);
	assert_string_equal(jstr(l, "kind"), "ConfigMapList");
	assert_int_equal(cJSON_GetArraySize(jget(l, "items")), 0);
	cJSON_Delete(l);
}

/* ---- history, watchers, hook, restore ------------------------------------------------ */

static void test_history_records_every_write_in_order(void **state)
{
	fa_store *s = *state;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "pod-a", rv);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW + NS);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-b",
			     NOW + NS, &sc, &resp);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-c",
			     NOW + NS, &sc, &resp); /* 409: not recorded */
	fa_status st;
	cJSON *d = fa_store_delete_json(s, FA_RES_LEASES, "default", "l", NULL, NULL,
					"admin", NOW + 2 * NS, &st);
	cJSON_Delete(d);
	assert_int_equal(fa_store_history_len(s), 3);
	const fa_history_entry *e = fa_store_history_at(s, 0);
	assert_int_equal(e->kind, FA_WRITE_CREATE);
	assert_int_equal(e->revision, 1);
	assert_string_equal(e->identity, "pod-a");
	assert_string_equal(e->record.holder, "pod-a");
	assert_int_equal(e->server_wall_ns, NOW);
	e = fa_store_history_at(s, 1);
	assert_int_equal(e->kind, FA_WRITE_UPDATE);
	assert_int_equal(e->revision, 2);
	assert_string_equal(e->identity, "pod-b");
	assert_string_equal(e->record.holder, "pod-b");
	assert_int_equal(e->record.transitions, 1);
	e = fa_store_history_at(s, 2);
	assert_int_equal(e->kind, FA_WRITE_DELETE);
	assert_int_equal(e->revision, 3);
	assert_string_equal(e->identity, "admin");
	assert_string_equal(e->name, "l");
	assert_string_equal(e->ns, "default");
	assert_null(fa_store_history_at(s, 3));

	/* The JSON line carries the object as it was committed. */
	char *line = fa_store_history_json(s, 1);
	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	cJSON *j = J(line);
	assert_string_equal(jstr(j, "op"), "update");
	assert_string_equal(jstr(j, "revision"), "2");
	assert_string_equal(jstr(j, "identity"), "pod-b");
	assert_string_equal(jstr(j, "resource"), "leases");
	assert_string_equal(jstr(j, "time"), "2024-03-09T10:13:25.504283Z");
	assert_string_equal(jstr(j, "object.metadata.resourceVersion"), "2");
	assert_string_equal(jstr(j, "object.spec.holderIdentity"), "pod-b");
	cJSON_Delete(j);
	free(line);
	line = fa_store_history_json(s, 0);
	j = J(line);
	assert_string_equal(jstr(j, "object.spec.holderIdentity"), "pod-a");
	cJSON_Delete(j);
	free(line);

	fa_store_set_history(s, false);
	lock_create(s, FA_RES_LEASES, "l2", "x", NULL);
	assert_int_equal(fa_store_history_len(s), 3);
}

static void test_history_keeps_json_written_objects(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"name\":\"c\",\"annotations\":{\"" LE_LEADER_ANNOTATION
		     "\":\"{\\\"holderIdentity\\\":\\\"v1\\\"}\"}},\"data\":{\"k\":\"1\"}}");
	cJSON *o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	cJSON_Delete(o);
	cJSON_Delete(b);
	b = J("{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"2\"}}");
	o = fa_store_update_json(s, FA_RES_CONFIGMAPS, "default", "c", b, "b", NOW, &st);
	cJSON_Delete(o);
	cJSON_Delete(b);
	char *line = fa_store_history_json(s, 0);
	cJSON *j = J(line);
	assert_string_equal(jstr(j, "object.data.k"), "1");
	assert_string_equal(leader_annotation(jget(j, "object")),
			    "{\"holderIdentity\":\"v1\"}");
	assert_true(fa_store_history_at(s, 0)->record_present);
	cJSON_Delete(j);
	free(line);
	line = fa_store_history_json(s, 1);
	j = J(line);
	assert_string_equal(jstr(j, "object.data.k"), "2");
	assert_null(leader_annotation(jget(j, "object")));
	assert_false(fa_store_history_at(s, 1)->record_present);
	cJSON_Delete(j);
	free(line);
}

typedef struct seen {
	int n;
	char types[16][12];
	char rvs[16][24];
	char holders[16][64];
} seen;

static void on_watch(void *ud, fa_resource res, const char *type, const void *obj)
{
	seen *w = ud;
	if (w->n >= 16)
		return;
	snprintf(w->types[w->n], sizeof(w->types[0]), "%s", type);
	const char *rv = jstr(obj, "metadata.resourceVersion");
	const char *h = res == FA_RES_LEASES ? jstr(obj, "spec.holderIdentity") : "-";
	snprintf(w->rvs[w->n], sizeof(w->rvs[0]), "%s", rv ? rv : "?");
	snprintf(w->holders[w->n], sizeof(w->holders[0]), "%s", h ? h : "?");
	w->n++;
}

static void test_watchers_see_added_modified_deleted(void **state)
{
	fa_store *s = *state;
	seen w = {0}, w2 = {0};
	int h = fa_store_watch_add(s, on_watch, &w);
	assert_true(h > 0);
	int h2 = fa_store_watch_add(s, on_watch, &w2);
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "pod-a", rv);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-b", NOW,
			     &sc, &resp);
	fa_store_watch_remove(s, h2);
	fa_status st;
	cJSON *d = fa_store_delete_json(s, FA_RES_LEASES, "default", "l", NULL, NULL,
					"x", NOW, &st);
	cJSON_Delete(d);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.types[0], "ADDED");
	assert_string_equal(w.rvs[0], "1");
	assert_string_equal(w.holders[0], "pod-a");
	assert_string_equal(w.types[1], "MODIFIED");
	assert_string_equal(w.rvs[1], "2");
	assert_string_equal(w.holders[1], "pod-b");
	assert_string_equal(w.types[2], "DELETED");
	assert_string_equal(w.rvs[2], "3");
	assert_int_equal(w2.n, 2);
	fa_store_watch_remove(s, h);
	lock_create(s, FA_RES_LEASES, "l", "pod-a", NULL);
	assert_int_equal(w.n, 3);
}

typedef struct hook_state {
	int calls;
	int fail_at; /* the call number that fails (1-based), 0 = never */
	bool last_deleted;
} hook_state;

static int on_commit(void *ud, fa_resource res, const void *obj, bool deleted)
{
	hook_state *h = ud;
	h->calls++;
	h->last_deleted = deleted;
	assert_non_null(jstr(obj, "metadata.resourceVersion"));
	return h->calls == h->fail_at ? -1 : 0;
}

static void test_commit_hook_failure_rolls_back(void **state)
{
	fa_store *s = *state;
	hook_state h = {0, 2, false};
	seen w = {0};
	fa_store_watch_add(s, on_watch, &w);
	fa_store_set_commit_hook(s, on_commit, &h);
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "pod-a", rv); /* call 1: ok */
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-b", NOW,
			     &sc, &resp); /* call 2: vetoed */
	assert_int_equal(resp.status, 500);
	assert_string_equal(resp.reason, "InternalError");
	assert_int_equal(fa_store_revision(s), 1);
	assert_int_equal(fa_store_history_len(s), 1);
	assert_int_equal(w.n, 1);
	fa_store_lock_get(s, FA_RES_LEASES, "default", "l", &sc, &resp);
	assert_string_equal(resp.record->holder, "pod-a");
	assert_string_equal(resp.resource_version, "1");
	fa_status st;
	cJSON *o = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
	assert_string_equal(jstr(o, "spec.holderIdentity"), "pod-a");
	cJSON_Delete(o);

	/* The same write goes through next time, at the next revision. */
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.resource_version, "2");

	/* A vetoed create leaves nothing; a vetoed delete leaves the object. */
	h.fail_at = h.calls + 1;
	cJSON *b = J("{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"}}");
	assert_null(fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a",
					 NOW, &st));
	assert_int_equal(st.code, 500);
	assert_null(fa_store_get_json(s, FA_RES_CONFIGMAPS, "default", "c", &st));
	assert_int_equal(st.code, 404);
	h.fail_at = h.calls + 1;
	assert_null(fa_store_delete_json(s, FA_RES_LEASES, "default", "l", NULL,
					 NULL, "a", NOW, &st));
	assert_int_equal(st.code, 500);
	assert_true(h.last_deleted);
	o = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
	assert_non_null(o);
	assert_string_equal(jstr(o, "metadata.resourceVersion"), "2");
	cJSON_Delete(o);
	/* A vetoed JSON update keeps the old base. */
	h.fail_at = h.calls + 1;
	o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	assert_null(o);
	h.fail_at = 0;
	o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	assert_non_null(o);
	cJSON_Delete(o);
	cJSON *b2 = J("{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"changed\"}}");
	h.fail_at = h.calls + 1;
	assert_null(fa_store_update_json(s, FA_RES_CONFIGMAPS, "default", "c", b2,
					 "a", NOW, &st));
	o = fa_store_get_json(s, FA_RES_CONFIGMAPS, "default", "c", &st);
	assert_string_equal(jstr(o, "data.k"), "v");
	cJSON_Delete(o);
	cJSON_Delete(b2);
	cJSON_Delete(b);
	assert_int_equal(fa_store_revision(s), 3);
	assert_int_equal(fa_store_history_len(s), 3);
}

/* The store's invariants from the outside: whatever is written, refused,
 * vetoed or restored, the revision never goes back and the history's
 * revisions strictly grow. */
static void test_revision_never_goes_back_and_history_is_in_revision_order(void **state)
{
	fa_store *s = *state;
	hook_state h = {0, 0, false};
	fa_store_set_commit_hook(s, on_commit, &h);
	char rv[LE_RV_MAX], err[256];
	fa_lock_scratch sc;
	le_response resp;
	uint64_t last = fa_store_revision(s);
	lock_create(s, FA_RES_LEASES, "l", "pod-a", rv);
	assert_true(fa_store_revision(s) > last);
	last = fa_store_revision(s);
	for (int i = 0; i < 20; i++) {
		le_record r = rec_of(i % 2 ? "pod-a" : "pod-b", 15, i, NOW + i * NS);
		/* a stale version every third write, a veto every fifth */
		const char *want = i % 3 == 2 ? "1" : rv;
		h.fail_at = i % 5 == 4 ? h.calls + 1 : 0;
		fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, want,
				     "pod-a", NOW + i * NS, &sc, &resp);
		uint64_t now = fa_store_revision(s);
		if (resp.status == 200) {
			assert_true(now == last + 1);
			snprintf(rv, sizeof rv, "%s", resp.resource_version);
		} else {
			assert_true(resp.status == 409 || resp.status == 500);
			assert_true(now == last);
		}
		last = now;
	}
	/* An object restored at an older revision does not pull it back. */
	cJSON *o = J("{\"metadata\":{\"name\":\"old\",\"namespace\":\"default\","
		     "\"resourceVersion\":\"1\"},\"spec\":{}}");
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, o, false, err,
					       sizeof(err)),
			 LE_OK);
	cJSON_Delete(o);
	assert_true(fa_store_revision(s) == last);
	lock_create(s, FA_RES_LEASES, "l2", "pod-c", NULL);
	assert_true(fa_store_revision(s) == last + 1);
	size_t n = fa_store_history_len(s);
	assert_true(n >= 2);
	for (size_t i = 1; i < n; i++)
		assert_true(fa_store_history_at(s, i - 1)->revision <
			    fa_store_history_at(s, i)->revision);
	assert_true(fa_store_history_at(s, n - 1)->revision == fa_store_revision(s));
}

/* A lock GET's raw record is the key of the record it answers with, and
 * of the current one, through every way the record changes: the store keeps
 * the key a revision, so a stale one would go out here. */
static void assert_get_keyed(fa_store *s, const char *holder)
{
	fa_lock_scratch sc;
	le_response got;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "l", &sc, &got);
	assert_int_equal(got.status, 200);
	assert_string_equal(got.record->holder, holder);
	unsigned char key[640];
	size_t n = le_record_key(got.record, key, sizeof(key));
	assert_int_equal(got.raw_len, n);
	assert_memory_equal(got.raw, key, n);
}

static void test_lock_answers_carry_the_current_key(void **state)
{
	fa_store *s = *state;
	hook_state h = {0, 0, false};
	fa_store_set_commit_hook(s, on_commit, &h);
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_LEASES, "l", "pod-a", rv);
	assert_get_keyed(s, "pod-a");
	assert_get_keyed(s, "pod-a"); /* the kept key */
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r, rv, "pod-b", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 200);
	snprintf(rv, sizeof(rv), "%s", resp.resource_version);
	assert_get_keyed(s, "pod-b");
	/* vetoed: the record and its key stay pod-b's */
	h.fail_at = h.calls + 1;
	le_record r2 = rec_of("pod-c", 15, 2, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l", &r2, rv, "pod-c", NOW,
			     &sc, &resp);
	assert_int_equal(resp.status, 500);
	assert_get_keyed(s, "pod-b");
	h.fail_at = 0;
	/* the JSON path */
	fa_status st;
	cJSON *o = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
	cJSON_ReplaceItemInObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "spec"), "holderIdentity",
		cJSON_CreateString("pod-d"));
	cJSON *u = fa_store_update_json(s, FA_RES_LEASES, "default", "l", o, "pod-d",
					NOW, &st);
	assert_non_null(u);
	assert_get_keyed(s, "pod-d");
	/* a restore at the same revision with another holder */
	cJSON_ReplaceItemInObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(u, "spec"), "holderIdentity",
		cJSON_CreateString("pod-e"));
	char err[256];
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, u, false, err,
					       sizeof(err)),
			 LE_OK);
	assert_get_keyed(s, "pod-e");
	cJSON_Delete(o);
	cJSON_Delete(u);
	/* deleted and created again */
	o = fa_store_delete_json(s, FA_RES_LEASES, "default", "l", NULL, NULL, "a",
				 NOW, &st);
	assert_non_null(o);
	cJSON_Delete(o);
	lock_create(s, FA_RES_LEASES, "l", "pod-f", NULL);
	assert_get_keyed(s, "pod-f");
}

/* A commit hook that writes to the store itself and then vetoes: the
 * rollback would hand back a revision the inner write already used. */
static int writing_hook(void *ud, fa_resource res, const void *obj, bool deleted)
{
	fa_store *s = ud;
	fa_store_set_commit_hook(s, NULL, NULL);
	lock_create(s, FA_RES_LEASES, "inner", "pod-z", NULL);
	return -1;
}

static void veto_after_writing_from_the_hook(void *arg)
{
	(void)arg;
	fa_store *s = fa_store_new(1);
	lock_create(s, FA_RES_LEASES, "l", "pod-a", NULL);
	fa_store_set_commit_hook(s, writing_hook, s);
	fa_lock_scratch sc;
	le_response resp;
	le_record r = rec_of("pod-b", 15, 1, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "other", &r, "pod-b",
			     NOW, &sc, &resp);
	fa_store_free(s);
}

static void test_rollback_after_a_nested_commit_aborts_naming_the_invariant(void **state)
{
	(void)state;
	le_expect_invariant_failure(veto_after_writing_from_the_hook, NULL,
				    "s->revision == o->rv");
}

static void test_restore_replays_a_journal(void **state)
{
	fa_store *s = *state;
	char err[256];
	cJSON *o = J(read_fixture("client-go-lease.json"));
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, o, false, err,
					       sizeof(err)),
			 LE_OK);
	assert_int_equal(fa_store_revision(s), 281984532);
	fa_status st;
	cJSON *g = fa_store_get_json(s, FA_RES_LEASES, "default", "my-lease", &st);
	assert_string_equal(jstr(g, "metadata.uid"), "c23ee08c-de1d-4254-9c13-1a6c7d25ba87");
	assert_string_equal(jstr(g, "metadata.resourceVersion"), "281984532");
	assert_string_equal(jstr(g, "metadata.creationTimestamp"), "2024-03-09T10:13:24Z");
	cJSON_Delete(g);
	/* A later version of the same object replaces it. */
	cJSON *o2 = J(read_fixture("client-go-lease-released.json"));
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, o2, false, err,
					       sizeof(err)),
			 LE_OK);
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "my-lease", &sc, &resp);
	assert_string_equal(resp.resource_version, "281984601");
	assert_string_equal(resp.record->holder, "");
	assert_true(resp.record->holder_set);
	/* The next write continues from the restored revision. */
	le_record r = rec_of("pod-z", 15, 6, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "my-lease", &r,
			     "281984601", "pod-z", NOW, &sc, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.resource_version, "281984602");
	assert_int_equal(fa_store_history_len(s), 1); /* restores are not writes */
	/* Restoring a delete removes it; its uid is remembered. */
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, o2, true, err,
					       sizeof(err)),
			 LE_OK);
	assert_null(fa_store_get_json(s, FA_RES_LEASES, "default", "my-lease", &st));
	/* Bad input names the problem. */
	cJSON *bad = J("{\"metadata\":{\"name\":\"x\",\"namespace\":\"default\","
		       "\"resourceVersion\":\"abc\"}}");
	assert_int_equal(fa_store_restore_json(s, FA_RES_LEASES, bad, false, err,
					       sizeof(err)),
			 LE_EPARSE);
	assert_non_null(strstr(err, "metadata.resourceVersion \"abc\""));
	cJSON_Delete(bad);
	cJSON_Delete(o2);
	cJSON_Delete(o);
}

/* ---- status JSON, uids, fa_store_lock_do ---------------------------------------- */

static void test_status_json_shapes(void **state)
{
	(void)state;
	fa_store *s = fa_store_new(1);
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(s, FA_RES_LEASES, "default", "my-lease", &sc, &resp);
	char *j = fa_status_to_json(&sc.status, "my-lease", FA_RES_LEASES);
	assert_string_equal(j,
			    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			    "\"status\":\"Failure\",\"message\":\"leases.coordination.k8s.io "
			    "\\\"my-lease\\\" not found\",\"reason\":\"NotFound\","
			    "\"details\":{\"name\":\"my-lease\",\"group\":"
			    "\"coordination.k8s.io\",\"kind\":\"leases\"},\"code\":404}");
	free(j);
	fa_store_lock_get(s, FA_RES_ENDPOINTS, "default", "e", &sc, &resp);
	j = fa_status_to_json(&sc.status, "e", FA_RES_ENDPOINTS);
	assert_string_equal(j,
			    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			    "\"status\":\"Failure\",\"message\":\"endpoints \\\"e\\\" not "
			    "found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"e\","
			    "\"kind\":\"endpoints\"},\"code\":404}");
	free(j);

	le_record r = rec_of("a", 0, 0, NOW);
	fa_store_lock_create(s, FA_RES_LEASES, "default", "l", &r, "a", NOW, &sc, &resp);
	j = fa_status_to_json(&sc.status, "l", FA_RES_LEASES);
	cJSON *o = J(j);
	assert_string_equal(jstr(o, "reason"), "Invalid");
	assert_int_equal(jget(o, "code")->valueint, 422);
	assert_string_equal(jstr(o, "details.kind"), "Lease");
	assert_string_equal(jstr(o, "details.group"), "coordination.k8s.io");
	const cJSON *cause = cJSON_GetArrayItem(jget(o, "details.causes"), 0);
	assert_string_equal(jstr(cause, "reason"), "FieldValueInvalid");
	assert_string_equal(jstr(cause, "field"), "spec.leaseDurationSeconds");
	assert_string_equal(jstr(cause, "message"),
			    "Invalid value: 0: must be greater than 0");
	cJSON_Delete(o);
	free(j);

	/* The storage layer's 422 names the resource, not the kind. */
	lock_create(s, FA_RES_LEASES, "l2", "a", NULL);
	r = rec_of("a", 10, 0, NOW);
	fa_store_lock_update(s, FA_RES_LEASES, "default", "l2", &r, "", "a", NOW,
			     &sc, &resp);
	j = fa_status_to_json(&sc.status, "l2", FA_RES_LEASES);
	o = J(j);
	assert_string_equal(jstr(o, "details.kind"), "leases");
	cJSON_Delete(o);
	free(j);

	fa_status st;
	memset(&st, 0, sizeof(st));
	st.code = 401;
	snprintf(st.reason, sizeof(st.reason), "Unauthorized");
	snprintf(st.message, sizeof(st.message), "Unauthorized");
	j = fa_status_to_json(&st, NULL, FA_RES_LEASES);
	assert_string_equal(j, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			       "\"status\":\"Failure\",\"message\":\"Unauthorized\","
			       "\"reason\":\"Unauthorized\",\"code\":401}");
	free(j);

	fa_status_injected(&st, 429, 3);
	j = fa_status_to_json(&st, "l", FA_RES_LEASES);
	assert_string_equal(j, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			       "\"status\":\"Failure\",\"message\":\"Too many requests, "
			       "please try again later.\",\"reason\":\"TooManyRequests\","
			       "\"details\":{\"retryAfterSeconds\":3},\"code\":429}");
	free(j);
	fa_status_ok(&st, 200);
	assert_int_equal(st.code, 200);
	assert_string_equal(st.reason, "");
	fa_store_free(s);
}

static void test_uids_are_v4_and_seeded(void **state)
{
	(void)state;
	fa_store *a = fa_store_new(99), *b = fa_store_new(99), *c = fa_store_new(100);
	char ua[3][LE_UID_MAX];
	for (int i = 0; i < 3; i++) {
		fa_store *s = i == 0 ? a : i == 1 ? b : c;
		lock_create(s, FA_RES_LEASES, "l", "x", NULL);
		fa_status st;
		cJSON *o = fa_store_get_json(s, FA_RES_LEASES, "default", "l", &st);
		snprintf(ua[i], sizeof(ua[i]), "%s", jstr(o, "metadata.uid"));
		cJSON_Delete(o);
		const char *u = ua[i];
		assert_int_equal(strlen(u), 36);
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(u[k], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[k]));
		}
		assert_int_equal(u[14], '4');
		assert_non_null(strchr("89ab", u[19]));
	}
	assert_string_equal(ua[0], ua[1]);
	assert_string_not_equal(ua[0], ua[2]);
	fa_store_free(a);
	fa_store_free(b);
	fa_store_free(c);
}

static void test_generate_name(void **state)
{
	fa_store *s = *state;
	fa_status st;
	cJSON *b = J("{\"metadata\":{\"generateName\":\"lock-\"}}");
	cJSON *o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", b, "a", NOW, &st);
	assert_non_null(o);
	const char *name = jstr(o, "metadata.name");
	assert_int_equal(strlen(name), 10);
	assert_memory_equal(name, "lock-", 5);
	cJSON_Delete(o);
	cJSON_Delete(b);
}

/* fa_store_lock_do, the simulator's (and bench_elector's) way in: the
 * core's request by op, answered with the request's id. */
static void test_lock_do_carries_out_requests_keeping_their_ids(void **state)
{
	fa_store *s = *state;
	fa_lock_scratch sc;
	le_request req;
	memset(&req, 0, sizeof(req));
	le_response resp;
	req.id = 7;
	req.op = LE_OP_GET;
	fa_store_lock_do(s, LE_LOCK_ENDPOINTS, "default", "e", &req, "pod-a",
			 NOW, &sc, &resp);
	assert_int_equal(resp.id, 7);
	assert_int_equal(resp.status, 404);
	req.id = 8;
	req.op = LE_OP_CREATE;
	req.record = rec_of("pod-a", 10, 0, NOW);
	fa_store_lock_do(s, LE_LOCK_ENDPOINTS, "default", "e", &req, "pod-a",
			 NOW, &sc, &resp);
	assert_int_equal(resp.id, 8);
	assert_int_equal(resp.status, 201);
	req.id = 9;
	req.op = LE_OP_UPDATE;
	snprintf(req.resource_version, sizeof(req.resource_version), "%s",
		 resp.resource_version);
	req.record.renew_wall_ns += NS;
	fa_store_lock_do(s, LE_LOCK_ENDPOINTS, "default", "e", &req, "pod-a",
			 NOW + NS, &sc, &resp);
	assert_int_equal(resp.id, 9);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.resource_version, "2");
	assert_string_equal(fa_store_history_at(s, 1)->identity, "pod-a");
	req.id = 10;
	req.op = (le_op)99;
	fa_store_lock_do(s, LE_LOCK_ENDPOINTS, "default", "e", &req, "pod-a",
			 NOW, &sc, &resp);
	assert_int_equal(resp.id, 10);
	assert_int_equal(resp.status, 400);
}

/* ---- the hot path ------------------------------------------------------------------ */

static size_t json_allocs;
static void *counting_malloc(size_t n)
{
	json_allocs++;
	return malloc(n);
}

static void noop_watch(void *ud, fa_resource res, const char *type, const void *obj)
{
	(void)ud, (void)res, (void)type, (void)obj;
}

/* The in-process path neither builds nor parses JSON once an object
 * exists, even after a JSON reader has cached a view; a watcher does make
 * it build the committed object (and that is counted here too). */
static void test_lock_path_builds_no_json(void **state)
{
	fa_store *s = *state;
	char rv[LE_RV_MAX];
	lock_create(s, FA_RES_ENDPOINTS, "e", "a", rv);
	fa_status st;
	cJSON *o = fa_store_get_json(s, FA_RES_ENDPOINTS, "default", "e", &st);
	cJSON_Delete(o);
	cJSON_Hooks hooks = {counting_malloc, free};
	cJSON_InitHooks(&hooks);
	json_allocs = 0;
	fa_lock_scratch sc;
	le_response resp;
	for (int i = 0; i < 1000; i++) {
		le_record r = rec_of(i % 2 ? "a" : "b", 10, i, NOW + i);
		fa_store_lock_update(s, FA_RES_ENDPOINTS, "default", "e", &r, rv,
				     "a", NOW + i, &sc, &resp);
		if (resp.status != 200)
			break;
		snprintf(rv, sizeof(rv), "%s", resp.resource_version);
		fa_store_lock_get(s, FA_RES_ENDPOINTS, "default", "e", &sc, &resp);
	}
	size_t quiet = json_allocs;
	int h = fa_store_watch_add(s, noop_watch, NULL);
	le_record r = rec_of("c", 10, 0, NOW);
	fa_store_lock_update(s, FA_RES_ENDPOINTS, "default", "e", &r, rv, "c", NOW,
			     &sc, &resp);
	size_t watched = json_allocs;
	cJSON_InitHooks(NULL);
	fa_store_watch_remove(s, h);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.resource_version, "1002");
	assert_int_equal(quiet, 0);
	assert_true(watched > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_lock_create_then_get_returns_the_record),
		T(test_lookups_alternating_between_near_keys_find_each_its_own),
		T(test_lock_path_keeps_the_times_the_wire_keeps),
		T(test_lock_get_missing_is_404_in_the_apiservers_words),
		T(test_create_existing_is_409_already_exists),
		T(test_stale_update_is_409_conflict),
		T(test_update_resource_version_is_the_exact_text),
		T(test_lock_answers_carry_the_current_key),
		T(test_lease_update_without_resource_version_is_422),
		T(test_annotation_update_without_resource_version_is_unconditional),
		T(test_create_on_update_per_resource),
		T(test_text_is_the_printed_object_at_every_revision),
		T(test_uid_precondition),
		T(test_invalid_bodies_are_422_naming_the_field),
		T(test_update_validates_after_the_cas),
		T(test_microtime_needs_exactly_six_digits),
		T(test_wrong_types_and_mismatched_names_are_400),
		T(test_cas_under_contention_loses_no_update),
		T(test_revision_is_global_and_monotonic),
		T(test_lock_writes_are_visible_as_json),
		T(test_lock_updates_keep_the_rest_of_the_object),
		T(test_client_sent_server_fields_are_ignored_on_create),
		T(test_custom_lease_strategy_is_accepted),
		T(test_real_clients_bodies_are_accepted),
		T(test_undecodable_annotation_is_stored_but_fails_lock_reads),
		T(test_merge_patch),
		T(test_delete_preconditions),
		T(test_list_is_sorted_and_scoped),
		T(test_history_records_every_write_in_order),
		T(test_history_keeps_json_written_objects),
		T(test_watchers_see_added_modified_deleted),
		T(test_commit_hook_failure_rolls_back),
		T(test_revision_never_goes_back_and_history_is_in_revision_order),
		T(test_rollback_after_a_nested_commit_aborts_naming_the_invariant),
		T(test_restore_replays_a_journal),
		T(test_status_json_shapes),
		T(test_uids_are_v4_and_seeded),
		T(test_generate_name),
		T(test_lock_do_carries_out_requests_keeping_their_ids),
		T(test_lock_path_builds_no_json),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
