/* libFuzzer target for the record codecs and the time parser.
 *
 * Every input goes to: le_record_decode_annotation, le_record_from_object_json
 * for the three lock kinds, and le_parse_time / le_is_micro_time. Inputs that
 * decode are then round-tripped:
 *   annotation:  decode -> encode -> decode must give the same record at
 *                whole-second precision, and encoding is idempotent;
 *   Lease:       object -> le_record_to_lease_spec -> text -> object must give
 *                the same record at microsecond precision;
 *   time:        parse -> format (MicroTime) -> parse gives the instant
 *                truncated to the microsecond.
 * Any mismatch aborts, so the fuzzer reports it as a crash.
 *
 *   make build/fuzz/fuzz_record
 *   build/fuzz/fuzz_record -max_total_time=60 out/fuzz/fuzz_record \
 *       tests/fuzz/corpus/fuzz_record
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "leaselab/record.h"

#define NS INT64_C(1000000000)

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_record: invariant broken: %s\n", what);
		abort();
	}
}

static int64_t floor_to(int64_t ns, int64_t unit)
{
	int64_t q = ns / unit;
	if (ns % unit < 0)
		q--;
	return q * unit;
}

/* r as it reads back after a write whose times have `unit` precision. A
 * writer always emits holderIdentity, so an absent holder comes back as "". */
static le_record as_written(const le_record *r, int64_t unit)
{
	le_record w = *r;
	w.holder_set = true;
	w.acquire_wall_ns = w.has_acquire_time ? floor_to(w.acquire_wall_ns, unit) : 0;
	w.renew_wall_ns = w.has_renew_time ? floor_to(w.renew_wall_ns, unit) : 0;
	return w;
}

/* r as it reads back after le_record_encode_annotation: a record read in
 * the Python client's dialect is written back in it (record.h): times at
 * microseconds, and no leaderTransitions, strategy or preferredHolder. Any
 * other is written in client-go's shapes, so it reads back with none of
 * the dialect bits the liberal reader set (they are part of the key). */
static le_record as_annotated(const le_record *r)
{
	if (r->dialect != LE_DIALECT_PYTHON) {
		le_record w = as_written(r, NS);
		w.dialect = 0;
		return w;
	}
	le_record w = as_written(r, 1000);
	w.transitions = 0;
	w.strategy[0] = '\0';
	w.preferred_holder[0] = '\0';
	return w;
}

static int same_record(const le_record *a, const le_record *b)
{
	return strcmp(a->holder, b->holder) == 0 && a->holder_set == b->holder_set &&
	       a->lease_duration_s == b->lease_duration_s &&
	       a->has_acquire_time == b->has_acquire_time &&
	       a->has_renew_time == b->has_renew_time &&
	       a->acquire_wall_ns == b->acquire_wall_ns &&
	       a->renew_wall_ns == b->renew_wall_ns && a->transitions == b->transitions &&
	       strcmp(a->strategy, b->strategy) == 0 &&
	       strcmp(a->preferred_holder, b->preferred_holder) == 0;
}

static void check_key(const le_record *a, const le_record *b)
{
	unsigned char ka[1024], kb[1024];
	size_t la = le_record_key(a, ka, sizeof(ka));
	size_t lb = le_record_key(b, kb, sizeof(kb));
	check(la <= 640, "key fits 640 bytes");
	check(la == lb && memcmp(ka, kb, la) == 0, "equal records give equal keys");
}

static void round_trip_annotation(const le_record *r)
{
	char text[8192], again[8192], err[LE_ERRMSG_MAX];
	int n = le_record_encode_annotation(r, text, sizeof(text));
	check(n > 0, "a decoded record encodes");
	le_record back;
	int rc = le_record_decode_annotation(text, (size_t)n, &back, err, sizeof(err));
	if (rc != LE_OK)
		fprintf(stderr, "%s\n%s\n", text, err);
	check(rc == LE_OK, "an encoded annotation decodes");
	le_record want = as_annotated(r);
	check(same_record(&back, &want), "annotation round trip keeps the record");
	check_key(&back, &want);
	int m = le_record_encode_annotation(&back, again, sizeof(again));
	check(m == n && memcmp(text, again, (size_t)n) == 0, "encoding is idempotent");
}

static void round_trip_lease(const le_record *r)
{
	cJSON *spec = le_record_to_lease_spec(r);
	if (spec == NULL)
		return; /* out of memory */
	char *spec_text = cJSON_PrintUnformatted(spec);
	check(spec_text != NULL, "spec prints");
	size_t cap = strlen(spec_text) + 64;
	char *obj = malloc(cap);
	check(obj != NULL, "malloc");
	int n = snprintf(obj, cap, "{\"kind\":\"Lease\",\"spec\":%s}", spec_text);
	le_record back;
	bool present = false;
	char err[LE_ERRMSG_MAX];
	int rc = le_record_from_object_json(LE_LOCK_LEASES, obj, (size_t)n, &back,
					    &present, NULL, 0, err, sizeof(err));
	if (rc != LE_OK)
		fprintf(stderr, "%s\n%s\n", obj, err);
	check(rc == LE_OK && present, "a written Lease spec reads back");
	le_record want = as_written(r, 1000);
	check(same_record(&back, &want), "Lease spec round trip keeps the record");
	free(obj);
	cJSON_free(spec_text);
	cJSON_Delete(spec);
}

static void fuzz_time(const char *s)
{
	int64_t ns = 0;
	bool micro = le_is_micro_time(s);
	if (le_parse_time(s, &ns) != LE_OK) {
		/* le_is_micro_time may accept a well-formed time outside the
		 * int64 range (the apiserver checks the shape only). */
		return;
	}
	char buf[32];
	check(le_format_micro_time(ns, buf, sizeof(buf)) == 27, "formats");
	check(le_is_micro_time(buf), "formatted MicroTime is strict");
	int64_t back = 0;
	check(le_parse_time(buf, &back) == LE_OK, "formatted time parses");
	check(back == floor_to(ns, 1000), "MicroTime round trip truncates to us");
	check(le_format_time(ns, buf, sizeof(buf)) == 20, "formats whole seconds");
	check(le_parse_time(buf, &back) == LE_OK && back == floor_to(ns, NS),
	      "metav1.Time round trip truncates to s");
	(void)micro;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	char err[LE_ERRMSG_MAX];
	le_record r;

	if (le_record_decode_annotation(json, size, &r, err, sizeof(err)) == LE_OK)
		round_trip_annotation(&r);
	else
		check(err[0] != '\0', "an error is described");

	static const le_lock_kind kinds[] = {LE_LOCK_LEASES, LE_LOCK_ENDPOINTS,
					     LE_LOCK_CONFIGMAPS};
	for (size_t i = 0; i < 3; i++) {
		bool present = false;
		char rv[LE_RV_MAX];
		int rc = le_record_from_object_json(kinds[i], json, size, &r, &present, rv,
						    sizeof(rv), err, sizeof(err));
		if (rc != LE_OK) {
			check(rc == LE_EPARSE && err[0] != '\0', "an error is described");
			continue;
		}
		check(strlen(rv) < sizeof(rv), "rv terminated");
		if (kinds[i] == LE_LOCK_LEASES)
			round_trip_lease(&r);
		else if (present)
			round_trip_annotation(&r);
	}

	/* The time parser takes a C string. */
	if (size < 256) {
		char s[256];
		memcpy(s, data, size);
		s[size] = '\0';
		fuzz_time(s);
	}
	return 0;
}
