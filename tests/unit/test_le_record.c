/* Tests for the record, its comparison key, the time formats and the JSON
 * codecs (elector/record.c, elector/timefmt.c, elector/strerror.c).
 *
 * Fixtures: tests/fixtures/records/ (copies of the records real clients write,
 * bodies real clients wrote). Expected epoch seconds were computed with
 * `date -u -d <time> +%s`, independently of the code under test. */
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

#include "leaselab/elector.h"
#include "leaselab/record.h"

#define NS INT64_C(1000000000)

/* ---- helpers ------------------------------------------------------------ */

/* Reads a fixture, from the repo root (how ci/run-tests runs us) or relative
 * to the binary (build/tests/ -> ../../tests/fixtures/records). */
static char *read_fixture(const char *name, size_t *len)
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
			snprintf(path, sizeof(path), "%s/../../tests/fixtures/records/%s",
				 exe, name);
			f = fopen(path, "rb");
		}
	}
	if (f == NULL)
		fail_msg("cannot open fixture %s", name);
	char *buf = malloc(8192);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 8191, f);
	fclose(f);
	/* Fixtures end with the closing brace; drop a trailing newline. */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* An exact-size heap copy without a terminator: ASan flags any read past len. */
static char *unterminated_copy(const char *s, size_t len)
{
	char *p = malloc(len > 0 ? len : 1);
	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static int decode_text(le_lock_kind kind, const char *text, le_record *r,
		       bool *present, char *rv, size_t rvcap, char *err,
		       size_t errcap)
{
	size_t len = strlen(text);
	char *copy = unterminated_copy(text, len);
	int rc = le_record_from_object_json(kind, copy, len, r, present, rv, rvcap,
					    err, errcap);
	free(copy);
	return rc;
}

static void make_record(le_record *r)
{
	le_record_clear(r);
	strcpy(r->holder, "pod-a");
	r->holder_set = true;
	r->lease_duration_s = 15;
	r->has_acquire_time = true;
	r->acquire_wall_ns = 1709980086 * NS + 504283000;
	r->has_renew_time = true;
	r->renew_wall_ns = 1709980409 * NS + 498343000;
	r->transitions = 5;
}

static void assert_records_equal(const le_record *a, const le_record *b)
{
	assert_string_equal(a->holder, b->holder);
	assert_int_equal(a->holder_set, b->holder_set);
	assert_int_equal(a->lease_duration_s, b->lease_duration_s);
	assert_int_equal(a->has_acquire_time, b->has_acquire_time);
	assert_int_equal(a->has_renew_time, b->has_renew_time);
	assert_true(a->acquire_wall_ns == b->acquire_wall_ns);
	assert_true(a->renew_wall_ns == b->renew_wall_ns);
	assert_int_equal(a->transitions, b->transitions);
	assert_string_equal(a->strategy, b->strategy);
	assert_string_equal(a->preferred_holder, b->preferred_holder);
}

static int64_t floor_to(int64_t ns, int64_t unit)
{
	int64_t q = ns / unit;
	if (ns % unit < 0)
		q--;
	return q * unit;
}

/* ---- error names, lock kinds -------------------------------------------- */

static void test_strerror_names_every_code(void **state)
{
	(void)state;
	const int codes[] = {LE_OK,        LE_EINVAL,    LE_EPARSE, LE_ENOMEM,
			     LE_ERANGE,    LE_ENOTFOUND, LE_ECONFLICT, LE_EIO,
			     LE_ESTATE,    LE_ETIMEDOUT};
	const size_t n = sizeof(codes) / sizeof(codes[0]);
	for (size_t i = 0; i < n; i++) {
		const char *s = le_strerror(codes[i]);
		assert_non_null(s);
		assert_string_not_equal(s, le_strerror(-1000));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, le_strerror(codes[j]));
	}
	assert_string_equal(le_strerror(LE_EPARSE), "malformed input");
	assert_string_equal(le_strerror(12345), "unknown error");
}

static void test_lock_kind_names_round_trip(void **state)
{
	(void)state;
	const le_lock_kind kinds[] = {LE_LOCK_LEASES, LE_LOCK_ENDPOINTS,
				      LE_LOCK_CONFIGMAPS};
	const char *names[] = {"leases", "endpoints", "configmaps"};
	for (size_t i = 0; i < 3; i++) {
		le_lock_kind k = (le_lock_kind)99;
		assert_string_equal(le_lock_kind_name(kinds[i]), names[i]);
		assert_int_equal(le_lock_kind_parse(names[i], &k), LE_OK);
		assert_int_equal(k, kinds[i]);
	}
	const char *bad[] = {"", "lease", "Leases", "endpoints ", "configmap", "leases\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		le_lock_kind k = LE_LOCK_ENDPOINTS;
		assert_int_equal(le_lock_kind_parse(bad[i], &k), LE_EINVAL);
		assert_int_equal(k, LE_LOCK_ENDPOINTS);
	}
	assert_int_equal(le_lock_kind_parse(NULL, NULL), LE_EINVAL);
}

static void test_record_clear_empties_everything(void **state)
{
	(void)state;
	le_record r;
	memset(&r, 0x5a, sizeof(r));
	le_record_clear(&r);
	assert_string_equal(r.holder, "");
	assert_false(r.holder_set);
	assert_int_equal(r.lease_duration_s, 0);
	assert_false(r.has_acquire_time);
	assert_false(r.has_renew_time);
	assert_int_equal(r.transitions, 0);
	assert_string_equal(r.strategy, "");
	assert_string_equal(r.preferred_holder, "");
}

/* ---- time formats ------------------------------------------------------- */

struct fmt_case {
	int64_t ns;
	const char *micro;
	const char *whole;
};

static void test_format_times_truncate_toward_the_past(void **state)
{
	(void)state;
	static const struct fmt_case cases[] = {
		{0, "1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00Z"},
		{999, "1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00Z"},
		{999999999, "1970-01-01T00:00:00.999999Z", "1970-01-01T00:00:00Z"},
		{-1, "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59Z"},
		{-1500000000, "1969-12-31T23:59:58.500000Z", "1969-12-31T23:59:58Z"},
		{1704161045 * NS + 123456789, "2024-01-02T02:04:05.123456Z",
		 "2024-01-02T02:04:05Z"},
		{1709208000 * NS, "2024-02-29T12:00:00.000000Z", "2024-02-29T12:00:00Z"},
		{951868800 * NS - 1, "2000-02-29T23:59:59.999999Z", "2000-02-29T23:59:59Z"},
		{-2203891201 * NS, "1900-02-28T23:59:59.000000Z", "1900-02-28T23:59:59Z"},
		{-2203891201 * NS + NS, "1900-03-01T00:00:00.000000Z", "1900-03-01T00:00:00Z"},
		{INT64_MAX, "2262-04-11T23:47:16.854775Z", "2262-04-11T23:47:16Z"},
		{INT64_MIN, "1677-09-21T00:12:43.145224Z", "1677-09-21T00:12:43Z"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(le_format_micro_time(cases[i].ns, buf, 28), 27);
		assert_string_equal(buf, cases[i].micro);
		assert_true(le_is_micro_time(buf));
		assert_int_equal(le_format_time(cases[i].ns, buf, 21), 20);
		assert_string_equal(buf, cases[i].whole);
	}
}

static void test_format_times_reject_small_buffers(void **state)
{
	(void)state;
	char buf[32];
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(le_format_micro_time(0, buf, 27), LE_ERANGE);
	assert_int_equal(le_format_time(0, buf, 20), LE_ERANGE);
	assert_int_equal(le_format_time(0, NULL, 0), LE_ERANGE);
	/* nothing was written */
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'x');
}

/* Walks day by day over the whole int64 range (1677..2262) with a naive
 * calendar and checks that formatting agrees, and that parsing it back gives
 * the same instant. Independent of the era arithmetic in timefmt.c. */
static void test_format_and_parse_agree_with_a_naive_calendar(void **state)
{
	(void)state;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	/* start at 1677-09-22 00:00:00 UTC = -9223286400 s (INT64_MIN is on the 21st) */
	int64_t sec = -9223372037 + (86400 - (43 + 12 * 60)); /* next midnight */
	int y = 1677, m = 9, d = 22;
	int checked = 0;
	while (sec < INT64_C(9223372036) - 86400) {
		char want[32], got[32];
		snprintf(want, sizeof(want), "%04d-%02d-%02dT07:08:09.000001Z", y, m, d);
		int64_t ns = (sec + 7 * 3600 + 8 * 60 + 9) * NS + 1000;
		assert_int_equal(le_format_micro_time(ns, got, sizeof(got)), 27);
		if (strcmp(want, got) != 0)
			fail_msg("day %d: want %s got %s", checked, want, got);
		int64_t back = 0;
		assert_int_equal(le_parse_time(got, &back), LE_OK);
		assert_true(back == ns);
		/* next day */
		sec += 86400;
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int len = mdays[m - 1] + (m == 2 && leap);
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		checked++;
	}
	assert_true(checked > 213000);
	assert_int_equal(y, 2262);
}

struct parse_case {
	const char *s;
	int rc;
	int64_t ns;
};

static void test_parse_time_reads_every_client_layout(void **state)
{
	(void)state;
	const int64_t t = 1795461619 * NS; /* 2026-11-23T19:20:19Z */
	const struct parse_case cases[] = {
		{"2026-11-23T19:20:19Z", LE_OK, t},
		{"2026-11-23T19:20:19.872660Z", LE_OK, t + 872660000},
		{"2026-11-23 19:20:19.872660", LE_OK, t + 872660000}, /* python, no zone */
		{"2026-11-23 19:20:19", LE_OK, t},
		{"2026-11-23T19:20:19+00:00", LE_OK, t},
		{"2026-11-23T19:20:19.000Z", LE_OK, t},
		{"2026-11-23T19:20:19.1Z", LE_OK, t + 100000000},
		{"2026-11-23T19:20:19.123456789Z", LE_OK, t + 123456789},
		{"2026-11-23T19:20:19.1234567891234Z", LE_OK, t + 123456789}, /* truncated */
		{"2026-11-23T21:20:19+02:00", LE_OK, t},
		{"2026-11-23T14:50:19-04:30", LE_OK, t},
		{"2026-11-23T21:20:19+0200", LE_OK, t},
		{"2026-11-23t19:20:19z", LE_OK, t},
		{"2026-11-24T00:20:19.5+05:00", LE_OK, t + 500000000},
		{"1969-12-31T23:59:59.999999999Z", LE_OK, -1},
		{"2262-04-11T23:47:16.854775807Z", LE_OK, INT64_MAX},
		{"1677-09-21T00:12:44Z", LE_OK, -9223372036 * NS},
		{"2262-04-11T23:47:16.854775808Z", LE_EPARSE, 0}, /* past int64 */
		/* the first, partial second of int64 is refused, so that a time
		 * read always survives being truncated and written back */
		{"1677-09-21T00:12:43.999999999Z", LE_EPARSE, 0},
		{"1677-09-21T00:12:43.145224192Z", LE_EPARSE, 0},
		{"9999-12-31T23:59:59Z", LE_EPARSE, 0},
		{"", LE_EPARSE, 0},
		{"2026-11-23", LE_EPARSE, 0},
		{"2026-11-23T19:20", LE_EPARSE, 0},
		{"2026-11-23T19:20:19.Z", LE_EPARSE, 0},
		{"2026-13-23T19:20:19Z", LE_EPARSE, 0},
		{"2026-02-29T19:20:19Z", LE_EPARSE, 0}, /* not a leap year */
		{"2026-04-31T19:20:19Z", LE_EPARSE, 0},
		{"2026-11-00T19:20:19Z", LE_EPARSE, 0},
		{"2026-11-23T24:00:00Z", LE_EPARSE, 0},
		{"2026-11-23T19:60:19Z", LE_EPARSE, 0},
		{"2026-11-23T19:20:60Z", LE_EPARSE, 0},
		{"2026-11-23T19:20:19+24:00", LE_EPARSE, 0},
		{"2026-11-23T19:20:19+00", LE_EPARSE, 0},
		{"2026-11-23T19:20:19Z ", LE_EPARSE, 0},
		{" 2026-11-23T19:20:19Z", LE_EPARSE, 0},
		{"2026-11-23X19:20:19Z", LE_EPARSE, 0},
		{"26-11-23T19:20:19Z", LE_EPARSE, 0},
		{"2026-11-23T9:20:19Z", LE_EPARSE, 0},
		{"1709980086", LE_EPARSE, 0},
		{"yesterday", LE_EPARSE, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ns = 42;
		int rc = le_parse_time(cases[i].s, &ns);
		if (rc != cases[i].rc)
			fail_msg("le_parse_time(\"%s\") = %d, want %d", cases[i].s, rc,
				 cases[i].rc);
		if (rc == LE_OK && ns != cases[i].ns)
			fail_msg("le_parse_time(\"%s\") = %lld ns, want %lld", cases[i].s,
				 (long long)ns, (long long)cases[i].ns);
		if (rc != LE_OK)
			assert_true(ns == 42); /* untouched on error */
	}
	int64_t ns;
	assert_int_equal(le_parse_time(NULL, &ns), LE_EPARSE);
}

static void test_is_micro_time_wants_exactly_six_digits(void **state)
{
	(void)state;
	const char *good[] = {
		"2024-01-02T02:04:05.123456Z",
		"2024-01-02T02:04:05.000000Z",
		"2024-01-02T02:04:05.123456+00:00",
		"2024-01-02T02:04:05.123456-07:30",
	};
	const char *bad[] = {
		"2024-01-02T02:04:05Z",            /* no fraction */
		"2024-01-02T02:04:05.123Z",        /* 3 digits */
		"2024-01-02T02:04:05.12345Z",      /* 5 digits */
		"2024-01-02T02:04:05.1234567Z",    /* 7 digits */
		"2024-01-02T02:04:05.123456789Z",  /* 9 digits */
		"2024-01-02 02:04:05.123456Z",     /* space */
		"2024-01-02T02:04:05.123456",      /* no zone */
		"2024-01-02T02:04:05.123456z",     /* lower-case zone */
		"2024-01-02T02:04:05.123456+0000", /* offset without colon */
		"2024-02-30T02:04:05.123456Z",     /* no such day */
		"",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!le_is_micro_time(good[i]))
			fail_msg("rejected %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (le_is_micro_time(bad[i]))
			fail_msg("accepted %s", bad[i]);
	assert_false(le_is_micro_time(NULL));
}

/* ---- fixtures ----------------------------------------------------------- */

struct fixture_case {
	const char *file;
	le_lock_kind kind;
	bool present;
	const char *rv;
	const char *holder;
	bool holder_set;
	int32_t duration_s;
	bool has_acquire;
	int64_t acquire_ns;
	bool has_renew;
	int64_t renew_ns;
	int32_t transitions;
};

static void test_every_fixture_reads_with_exact_fields(void **state)
{
	(void)state;
	const struct fixture_case cases[] = {
		{"client-go-lease.json", LE_LOCK_LEASES, true, "281984532",
		 "5f7349fc-6e3b-46d2-9d7b-9a2062e7d94e", true, 15,
		 true, 1709980086 * NS + 504283000, true, 1709980409 * NS + 498343000, 5},
		{"client-go-lease-released.json", LE_LOCK_LEASES, true, "281984601",
		 "", true, 1,
		 true, 1709980502 * NS + 117305000, true, 1709980502 * NS + 117305000, 5},
		{"npm-lease-create.json", LE_LOCK_LEASES, true, "",
		 "npm-a", true, 0,
		 true, 1795461633 * NS + 42000000, true, 1795461633 * NS + 42000000, 0},
		{"npm-lease-release.json", LE_LOCK_LEASES, true, "113",
		 "", false, 0,
		 true, 1795461633 * NS + 42000000, false, 0, 0},
		{"python-22.6-configmap-create.json", LE_LOCK_CONFIGMAPS, true, "",
		 "py-a", true, 4,
		 true, 1795461619 * NS + 872660000, true, 1795461619 * NS + 872660000, 0},
		{"python-22.6-configmap-update.json", LE_LOCK_CONFIGMAPS, true, "101",
		 "py-a", true, 4,
		 true, 1795461619 * NS + 872660000, true, 1795461619 * NS + 920464000, 0},
		{"sidecar-0.5-endpoints.json", LE_LOCK_ENDPOINTS, true, "1843444",
		 "nginx-deploy-5ff9c9d8c7-hcbct", true, 10,
		 true, 1709476749 * NS, true, 1709477243 * NS, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fixture_case *c = &cases[i];
		size_t len;
		char *text = read_fixture(c->file, &len);
		char *copy = unterminated_copy(text, len);
		le_record r;
		bool present = !c->present;
		char rv[LE_RV_MAX] = "garbage";
		char err[LE_ERRMSG_MAX] = "";
		int rc = le_record_from_object_json(c->kind, copy, len, &r, &present, rv,
						    sizeof(rv), err, sizeof(err));
		if (rc != LE_OK)
			fail_msg("%s: %s", c->file, err);
		assert_int_equal(present, c->present);
		assert_string_equal(rv, c->rv);
		assert_string_equal(r.holder, c->holder);
		assert_int_equal(r.holder_set, c->holder_set);
		assert_int_equal(r.lease_duration_s, c->duration_s);
		assert_int_equal(r.has_acquire_time, c->has_acquire);
		assert_int_equal(r.has_renew_time, c->has_renew);
		if (c->has_acquire)
			assert_true(r.acquire_wall_ns == c->acquire_ns);
		if (c->has_renew)
			assert_true(r.renew_wall_ns == c->renew_ns);
		assert_int_equal(r.transitions, c->transitions);
		assert_string_equal(r.strategy, "");
		assert_string_equal(r.preferred_holder, "");
		free(copy);
		free(text);
	}
}

/* The writer must reproduce client-go's Lease spec text exactly. */
static void test_lease_spec_writer_matches_client_go_bytes(void **state)
{
	(void)state;
	const char *files[] = {"client-go-lease.json", "client-go-lease-released.json"};
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *text = read_fixture(files[i], &len);
		char err[LE_ERRMSG_MAX];
		le_record r;
		assert_int_equal(le_record_from_object_json(LE_LOCK_LEASES, text, len, &r,
							    NULL, NULL, 0, err,
							    sizeof(err)),
				 LE_OK);
		const char *start = strstr(text, "\"spec\":");
		const char *end = strrchr(text, '}'); /* closes the whole object */
		assert_non_null(start);
		start += strlen("\"spec\":");
		size_t want_len = (size_t)(end - start);

		cJSON *spec = le_record_to_lease_spec(&r);
		assert_non_null(spec);
		char *printed = cJSON_PrintUnformatted(spec);
		assert_non_null(printed);
		if (strlen(printed) != want_len || memcmp(printed, start, want_len) != 0)
			fail_msg("%s: wrote %s, want %.*s", files[i], printed,
				 (int)want_len, start);
		cJSON_free(printed);
		cJSON_Delete(spec);
		free(text);
	}
}

/* The writer must reproduce the 0.5 sidecar's annotation value exactly. */
static void test_annotation_writer_matches_sidecar_bytes(void **state)
{
	(void)state;
	size_t len;
	char *text = read_fixture("sidecar-0.5-endpoints.json", &len);
	cJSON *obj = cJSON_ParseWithLength(text, len);
	assert_non_null(obj);
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "annotations");
	const char *want = cJSON_GetObjectItemCaseSensitive(ann, LE_LEADER_ANNOTATION)
				   ->valuestring;
	le_record r;
	char err[LE_ERRMSG_MAX];
	assert_int_equal(le_record_decode_annotation(want, strlen(want), &r, err,
						     sizeof(err)),
			 LE_OK);
	char out[1024];
	int n = le_record_encode_annotation(&r, out, sizeof(out));
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
	cJSON_Delete(obj);
	free(text);
}

/* ---- writers ------------------------------------------------------------ */

static void test_annotation_encoding_shapes(void **state)
{
	(void)state;
	le_record r;
	char out[1024];

	make_record(&r);
	int n = le_record_encode_annotation(&r, out, sizeof(out));
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "{\"holderIdentity\":\"pod-a\",\"leaseDurationSeconds\":15,"
				 "\"acquireTime\":\"2024-03-09T10:28:06Z\","
				 "\"renewTime\":\"2024-03-09T10:33:29Z\",\"leaderTransitions\":5}");

	/* absent times are null; an unset holder is written as "" */
	le_record_clear(&r);
	r.lease_duration_s = 10;
	le_record_encode_annotation(&r, out, sizeof(out));
	assert_string_equal(out, "{\"holderIdentity\":\"\",\"leaseDurationSeconds\":10,"
				 "\"acquireTime\":null,\"renewTime\":null,"
				 "\"leaderTransitions\":0}");

	/* strategy and preferredHolder only when set, after the classic fields */
	make_record(&r);
	strcpy(r.strategy, "OldestEmulationVersion");
	strcpy(r.preferred_holder, "pod-b");
	le_record_encode_annotation(&r, out, sizeof(out));
	assert_non_null(strstr(out, "\"leaderTransitions\":5,\"strategy\":"
				    "\"OldestEmulationVersion\",\"preferredHolder\":\"pod-b\"}"));

	/* Go's HTML-safe escaping */
	make_record(&r);
	strcpy(r.holder, "a\"b\\c<d>&e\n\x01\xe2\x80\xa8z\xc3\xa9");
	le_record_encode_annotation(&r, out, sizeof(out));
	assert_non_null(strstr(out, "{\"holderIdentity\":\"a\\\"b\\\\c\\u003cd\\u003e"
				    "\\u0026e\\n\\u0001\\u2028z\xc3\xa9\","));
}

static void test_annotation_encoding_respects_capacity(void **state)
{
	(void)state;
	le_record r;
	make_record(&r);
	char full[1024];
	int n = le_record_encode_annotation(&r, full, sizeof(full));
	assert_true(n > 0);
	char *exact = malloc((size_t)n + 1); /* ASan checks the bound */
	assert_non_null(exact);
	assert_int_equal(le_record_encode_annotation(&r, exact, (size_t)n + 1), n);
	assert_string_equal(exact, full);
	assert_int_equal(le_record_encode_annotation(&r, exact, (size_t)n), LE_ERANGE);
	assert_string_equal(exact, "");
	assert_int_equal(le_record_encode_annotation(&r, exact, 1), LE_ERANGE);
	free(exact);
	assert_int_equal(le_record_encode_annotation(&r, full, 0), LE_EINVAL);
	assert_int_equal(le_record_encode_annotation(NULL, full, sizeof(full)), LE_EINVAL);
}

static void test_lease_spec_encoding_shapes(void **state)
{
	(void)state;
	le_record r;
	le_record_clear(&r);
	r.lease_duration_s = 1;
	cJSON *spec = le_record_to_lease_spec(&r);
	char *s = cJSON_PrintUnformatted(spec);
	assert_string_equal(s, "{\"holderIdentity\":\"\",\"leaseDurationSeconds\":1,"
			       "\"acquireTime\":null,\"renewTime\":null,\"leaseTransitions\":0}");
	cJSON_free(s);
	cJSON_Delete(spec);

	make_record(&r);
	r.acquire_wall_ns = -1; /* pre-epoch, floor */
	strcpy(r.strategy, "OldestEmulationVersion");
	strcpy(r.preferred_holder, "pod-b");
	spec = le_record_to_lease_spec(&r);
	s = cJSON_PrintUnformatted(spec);
	assert_string_equal(s, "{\"holderIdentity\":\"pod-a\",\"leaseDurationSeconds\":15,"
			       "\"acquireTime\":\"1969-12-31T23:59:59.999999Z\","
			       "\"renewTime\":\"2024-03-09T10:33:29.498343Z\","
			       "\"leaseTransitions\":5,\"strategy\":\"OldestEmulationVersion\","
			       "\"preferredHolder\":\"pod-b\"}");
	cJSON_free(s);
	cJSON_Delete(spec);
}

/* ---- round trips -------------------------------------------------------- */

static void round_trip_records(le_record *recs, size_t *n)
{
	size_t k = 0;
	make_record(&recs[k++]);

	le_record_clear(&recs[k]);
	recs[k].holder_set = true; /* released: "" */
	recs[k].lease_duration_s = 1;
	k++;

	make_record(&recs[k]);
	strcpy(recs[k].holder, "quote\" back\\ <tag> & \t\x7f \xe2\x80\xa9 caf\xc3\xa9");
	strcpy(recs[k].strategy, "OldestEmulationVersion");
	strcpy(recs[k].preferred_holder, "node-\xf0\x9f\x98\x80");
	recs[k].transitions = INT32_MAX;
	recs[k].lease_duration_s = INT32_MAX;
	k++;

	make_record(&recs[k]);
	memset(recs[k].holder, 'h', LE_ID_MAX - 1); /* longest identity */
	recs[k].holder[LE_ID_MAX - 1] = '\0';
	memset(recs[k].preferred_holder, 'p', LE_ID_MAX - 1);
	recs[k].preferred_holder[LE_ID_MAX - 1] = '\0';
	memset(recs[k].strategy, 's', LE_STRATEGY_MAX - 1);
	recs[k].strategy[LE_STRATEGY_MAX - 1] = '\0';
	recs[k].acquire_wall_ns = -123456789012345678; /* 1966 */
	recs[k].has_renew_time = false;
	recs[k].renew_wall_ns = 0;
	k++;
	*n = k;
}

static void test_annotation_round_trip_keeps_every_field(void **state)
{
	(void)state;
	le_record recs[8];
	size_t n;
	round_trip_records(recs, &n);
	for (size_t i = 0; i < n; i++) {
		char out[4096], err[LE_ERRMSG_MAX] = "";
		int len = le_record_encode_annotation(&recs[i], out, sizeof(out));
		assert_true(len > 0);
		char *copy = unterminated_copy(out, (size_t)len);
		le_record back;
		int rc = le_record_decode_annotation(copy, (size_t)len, &back, err,
						     sizeof(err));
		free(copy);
		if (rc != LE_OK)
			fail_msg("record %zu: %s in %s", i, err, out);
		/* annotation times have whole-second precision */
		le_record want = recs[i];
		want.acquire_wall_ns = want.has_acquire_time
					       ? floor_to(want.acquire_wall_ns, NS) : 0;
		want.renew_wall_ns = want.has_renew_time ? floor_to(want.renew_wall_ns, NS) : 0;
		assert_records_equal(&back, &want);
	}
}

static void test_lease_spec_round_trip_keeps_every_field(void **state)
{
	(void)state;
	le_record recs[8];
	size_t n;
	round_trip_records(recs, &n);
	for (size_t i = 0; i < n; i++) {
		cJSON *spec = le_record_to_lease_spec(&recs[i]);
		assert_non_null(spec);
		char *spec_text = cJSON_PrintUnformatted(spec);
		char obj[4096], err[LE_ERRMSG_MAX] = "", rv[LE_RV_MAX];
		snprintf(obj, sizeof(obj),
			 "{\"kind\":\"Lease\",\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":%s}",
			 spec_text);
		le_record back, direct;
		bool present = false;
		int rc = decode_text(LE_LOCK_LEASES, obj, &back, &present, rv, sizeof(rv),
				     err, sizeof(err));
		if (rc != LE_OK)
			fail_msg("record %zu: %s in %s", i, err, obj);
		assert_true(present);
		assert_string_equal(rv, "7");
		/* MicroTime: microsecond precision */
		le_record want = recs[i];
		want.acquire_wall_ns = want.has_acquire_time
					       ? floor_to(want.acquire_wall_ns, 1000) : 0;
		want.renew_wall_ns = want.has_renew_time
					     ? floor_to(want.renew_wall_ns, 1000) : 0;
		assert_records_equal(&back, &want);
		assert_int_equal(le_record_from_lease_spec(spec, &direct, err, sizeof(err)),
				 LE_OK);
		assert_records_equal(&direct, &want);
		cJSON_free(spec_text);
		cJSON_Delete(spec);
	}
}

/* ---- liberal and strict reading ----------------------------------------- */

struct decode_case {
	const char *name;
	le_lock_kind kind;
	const char *json;
	int rc;
	const char *err_part; /* for errors: must appear in the message */
};

#define ANN(v) "{\"metadata\":{\"annotations\":{\"control-plane.alpha.kubernetes.io/leader\":" v "}}}"
#define SPEC(v) "{\"kind\":\"Lease\",\"spec\":" v "}"

static void test_malformed_and_foreign_records(void **state)
{
	(void)state;
	const struct decode_case cases[] = {
		/* malformed */
		{"not JSON", LE_LOCK_LEASES, "hello", LE_EPARSE, "invalid JSON at byte 0"},
		{"truncated", LE_LOCK_LEASES, SPEC("{\"holderIdentity\":\"a\""), LE_EPARSE,
		 "invalid JSON"},
		{"empty", LE_LOCK_LEASES, "", LE_EPARSE, "empty input"},
		{"trailing garbage", LE_LOCK_LEASES, "{} x", LE_EPARSE,
		 "unexpected data after the JSON value at byte 3"},
		{"array", LE_LOCK_LEASES, "[1,2]", LE_EPARSE, "expected a JSON object, got an array"},
		{"spec is a string", LE_LOCK_LEASES, SPEC("\"x\""), LE_EPARSE,
		 "spec: expected an object, got \"x\""},
		{"holder is a number", LE_LOCK_LEASES, SPEC("{\"holderIdentity\":5}"), LE_EPARSE,
		 "spec.holderIdentity: expected a string, got 5"},
		{"duration abc", LE_LOCK_LEASES, SPEC("{\"leaseDurationSeconds\":\"abc\"}"),
		 LE_EPARSE, "spec.leaseDurationSeconds: expected an integer, got \"abc\""},
		{"duration 1e20", LE_LOCK_LEASES, SPEC("{\"leaseDurationSeconds\":1e20}"),
		 LE_EPARSE, "spec.leaseDurationSeconds: expected an integer between 0 and "
			    "2147483647, got 1e+20"},
		{"duration negative", LE_LOCK_LEASES, SPEC("{\"leaseDurationSeconds\":-3}"),
		 LE_EPARSE, "spec.leaseDurationSeconds: must not be negative, got -3"},
		{"duration negative string", LE_LOCK_CONFIGMAPS,
		 ANN("\"{\\\"leaseDurationSeconds\\\":\\\"-3\\\"}\""), LE_EPARSE,
		 "leader\"].leaseDurationSeconds: must not be negative"},
		{"duration fraction", LE_LOCK_LEASES, SPEC("{\"leaseDurationSeconds\":4.5}"),
		 LE_EPARSE, "spec.leaseDurationSeconds: expected an integer, got 4.5"},
		{"duration too big string", LE_LOCK_LEASES,
		 SPEC("{\"leaseDurationSeconds\":\"2147483648\"}"), LE_EPARSE,
		 "spec.leaseDurationSeconds: expected an integer between"},
		{"duration bool", LE_LOCK_LEASES, SPEC("{\"leaseDurationSeconds\":true}"),
		 LE_EPARSE, "spec.leaseDurationSeconds: expected an integer, got true"},
		{"transitions negative", LE_LOCK_LEASES, SPEC("{\"leaseTransitions\":-1}"),
		 LE_EPARSE, "spec.leaseTransitions: must not be negative"},
		{"bad time", LE_LOCK_LEASES, SPEC("{\"renewTime\":\"yesterday\"}"), LE_EPARSE,
		 "spec.renewTime: expected an RFC 3339 time"},
		{"time is a number", LE_LOCK_LEASES, SPEC("{\"acquireTime\":1709980086}"),
		 LE_EPARSE, "spec.acquireTime: expected a time string, got 1709980086"},
		{"identity longer than any we run under: no limit (3.1)", LE_LOCK_LEASES,
		 SPEC("{\"holderIdentity\":\""
		      "0123456789012345678901234567890123456789012345678901234567890123"
		      "0123456789012345678901234567890123456789012345678901234567890123"
		      "0123456789012345678901234567890123456789012345678901234567890123"
		      "0123456789012345678901234567890123456789012345678901234567890123\"}"),
		 LE_OK, NULL},
		{"strategy is an object", LE_LOCK_LEASES, SPEC("{\"strategy\":{}}"), LE_EPARSE,
		 "spec.strategy: expected a string, got an object"},
		{"annotation not a string", LE_LOCK_ENDPOINTS, ANN("{\"holderIdentity\":\"a\"}"),
		 LE_EPARSE, "leader\"]: expected a string holding the record as JSON, got an object"},
		{"annotation invalid JSON", LE_LOCK_ENDPOINTS, ANN("\"{holder\""), LE_EPARSE,
		 "leader\"]: invalid JSON"},
		{"annotation empty string", LE_LOCK_ENDPOINTS, ANN("\"\""), LE_EPARSE,
		 "leader\"]: empty input"},
		{"annotation is a JSON array", LE_LOCK_ENDPOINTS, ANN("\"[]\""), LE_EPARSE,
		 "leader\"]: expected a JSON object, got an array"},
		{"annotations is a list", LE_LOCK_CONFIGMAPS,
		 "{\"metadata\":{\"annotations\":[]}}", LE_EPARSE,
		 "metadata.annotations: expected an object, got an array"},
		{"metadata is a string", LE_LOCK_CONFIGMAPS, "{\"metadata\":\"x\"}", LE_EPARSE,
		 "metadata: expected an object"},
		{"resourceVersion is a number", LE_LOCK_LEASES,
		 "{\"metadata\":{\"resourceVersion\":5}}", LE_EPARSE,
		 "metadata.resourceVersion: expected a string, got 5"},
		{"resourceVersion too long", LE_LOCK_LEASES,
		 "{\"metadata\":{\"resourceVersion\":\"123456789012345678901234567890123\"}}",
		 LE_EPARSE, "metadata.resourceVersion: longer than 31 bytes"},
		{"wrong kind", LE_LOCK_LEASES, "{\"kind\":\"ConfigMap\",\"spec\":{}}", LE_EPARSE,
		 "kind: expected \"Lease\", got \"ConfigMap\""},
		{"annotation transitions field", LE_LOCK_ENDPOINTS,
		 ANN("\"{\\\"leaderTransitions\\\":\\\"x\\\"}\""), LE_EPARSE,
		 "leader\"].leaderTransitions: expected an integer, got \"x\""},
		/* foreign but valid */
		{"no metadata, no spec", LE_LOCK_LEASES, "{}", LE_OK, NULL},
		{"null spec", LE_LOCK_LEASES, SPEC("null"), LE_OK, NULL},
		{"all nulls", LE_LOCK_LEASES,
		 SPEC("{\"holderIdentity\":null,\"leaseDurationSeconds\":null,"
		      "\"acquireTime\":null,\"renewTime\":null,\"leaseTransitions\":null,"
		      "\"strategy\":null,\"preferredHolder\":null}"),
		 LE_OK, NULL},
		{"unknown fields", LE_LOCK_LEASES,
		 "{\"kind\":\"Lease\",\"status\":{\"x\":[1,{}]},\"spec\":{\"extra\":true}}",
		 LE_OK, NULL},
		{"null annotations", LE_LOCK_ENDPOINTS, "{\"metadata\":{\"annotations\":null}}",
		 LE_OK, NULL},
		{"other annotations only", LE_LOCK_CONFIGMAPS,
		 "{\"metadata\":{\"annotations\":{\"a\":\"b\"}},\"data\":{}}", LE_OK, NULL},
		{"spec with whitespace and BOM-free padding", LE_LOCK_LEASES,
		 " \n\t{ \"spec\" : { \"leaseDurationSeconds\" : \"7\" } }\n ", LE_OK, NULL},
		{"annotation with newer client fields", LE_LOCK_ENDPOINTS,
		 ANN("\"{\\\"holderIdentity\\\":\\\"a\\\",\\\"strategy\\\":\\\"\\\","
		     "\\\"preferredHolder\\\":\\\"\\\"}\""),
		 LE_OK, NULL},
		{"empty kind", LE_LOCK_ENDPOINTS, "{\"kind\":\"\"}", LE_OK, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decode_case *c = &cases[i];
		le_record r;
		bool present = true;
		char rv[LE_RV_MAX] = "junk";
		char err[LE_ERRMSG_MAX] = "";
		int rc = decode_text(c->kind, c->json, &r, &present, rv, sizeof(rv), err,
				     sizeof(err));
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc, err);
		if (c->err_part != NULL && strstr(err, c->err_part) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", c->name, err, c->err_part);
		if (rc != LE_OK) {
			/* a failed read leaves an empty record, not half of one */
			assert_false(present);
			assert_string_equal(rv, "");
			assert_false(r.holder_set);
			assert_int_equal(r.lease_duration_s, 0);
		}
	}
}

static void test_liberal_reads_give_the_values_meant(void **state)
{
	(void)state;
	le_record r;
	bool present;
	char err[LE_ERRMSG_MAX] = "";

	/* string duration with spaces around the JSON, missing transitions */
	assert_int_equal(decode_text(LE_LOCK_LEASES,
				     " \n{ \"spec\" : { \"leaseDurationSeconds\" : \"7\" } }\n ",
				     &r, &present, NULL, 0, err, sizeof(err)),
			 LE_OK);
	assert_int_equal(r.lease_duration_s, 7);
	assert_true(present);
	assert_false(r.holder_set);

	/* no annotation: empty record, not present */
	present = true;
	assert_int_equal(decode_text(LE_LOCK_CONFIGMAPS,
				     "{\"metadata\":{\"annotations\":{\"a\":\"b\"},"
				     "\"resourceVersion\":\"9\"}}",
				     &r, &present, NULL, 0, err, sizeof(err)),
			 LE_OK);
	assert_false(present);
	assert_false(r.holder_set);

	/* empty strategy/preferredHolder from newer clients read as absent */
	assert_int_equal(decode_text(LE_LOCK_ENDPOINTS,
				     ANN("\"{\\\"holderIdentity\\\":\\\"a\\\",\\\"strategy\\\":"
					 "\\\"\\\",\\\"preferredHolder\\\":\\\"\\\","
					 "\\\"leaderTransitions\\\":\\\"3\\\"}\""),
				     &r, &present, NULL, 0, err, sizeof(err)),
			 LE_OK);
	assert_true(present);
	assert_string_equal(r.holder, "a");
	assert_int_equal(r.transitions, 3);
	assert_string_equal(r.strategy, "");

	/* an empty time string is absent; a numeric duration as 15.0 is 15 */
	assert_int_equal(decode_text(LE_LOCK_LEASES,
				     SPEC("{\"renewTime\":\"\",\"leaseDurationSeconds\":15.0,"
					  "\"strategy\":\"OldestEmulationVersion\","
					  "\"preferredHolder\":\"b\"}"),
				     &r, &present, NULL, 0, err, sizeof(err)),
			 LE_OK);
	assert_false(r.has_renew_time);
	assert_int_equal(r.lease_duration_s, 15);
	assert_string_equal(r.strategy, "OldestEmulationVersion");
	assert_string_equal(r.preferred_holder, "b");

	/* a NULL spec is the empty record */
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(le_record_from_lease_spec(NULL, &r, err, sizeof(err)), LE_OK);
	assert_false(r.holder_set);
	assert_int_equal(r.lease_duration_s, 0);
}

/* Only len bytes are read: a valid object followed by more text beyond len. */
static void test_readers_stop_at_len(void **state)
{
	(void)state;
	const char *text = "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":3}GARBAGE";
	size_t len = strlen("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":3}");
	le_record r;
	char err[LE_ERRMSG_MAX] = "";
	char *copy = unterminated_copy(text, len);
	assert_int_equal(le_record_decode_annotation(copy, len, &r, err, sizeof(err)), LE_OK);
	assert_string_equal(r.holder, "a");
	assert_int_equal(r.lease_duration_s, 3);
	/* one byte short is truncated JSON */
	assert_int_equal(le_record_decode_annotation(copy, len - 1, &r, err, sizeof(err)),
			 LE_EPARSE);
	assert_non_null(strstr(err, "invalid JSON"));
	free(copy);
	/* errors do not need a message buffer */
	assert_int_equal(le_record_decode_annotation("[", 1, &r, NULL, 0), LE_EPARSE);
	assert_int_equal(le_record_decode_annotation(NULL, 0, &r, err, sizeof(err)),
			 LE_EPARSE);
	/* a tiny message buffer is truncated, still terminated */
	char small[8];
	assert_int_equal(le_record_decode_annotation("5", 1, &r, small, sizeof(small)),
			 LE_EPARSE);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* ---- comparison key ----------------------------------------------------- */

static size_t key_of(const le_record *r, unsigned char *buf)
{
	return le_record_key(r, buf, 1024);
}

static void mutate(le_record *r, int which)
{
	switch (which) {
	case 0: strcpy(r->holder, "pod-b"); break;
	case 1: r->holder_set = !r->holder_set; break;
	case 2: r->lease_duration_s++; break;
	case 3: r->acquire_wall_ns += NS; break;
	case 4: r->renew_wall_ns += NS; break;
	case 5: r->has_acquire_time = false; break;
	case 6: r->has_renew_time = false; break;
	case 7: r->transitions++; break;
	case 8: strcpy(r->strategy, "OldestEmulationVersion"); break;
	case 9: strcpy(r->preferred_holder, "pod-b"); break;
	case 10: strcpy(r->holder, "pod-a "); break;
	/* moving bytes between fields must not alias */
	case 11: strcpy(r->holder, "pod-"); strcpy(r->strategy, "a"); break;
	case 12: r->transitions = -1; break;
	}
}

static void test_key_changes_with_every_field(void **state)
{
	(void)state;
	enum { N = 13 };
	unsigned char keys[N + 1][1024];
	size_t lens[N + 1];
	le_record base;
	make_record(&base);
	lens[N] = key_of(&base, keys[N]);
	for (int i = 0; i < N; i++) {
		le_record r = base;
		mutate(&r, i);
		lens[i] = key_of(&r, keys[i]);
	}
	/* all pairwise distinct, including from the base */
	for (int i = 0; i <= N; i++)
		for (int j = 0; j < i; j++)
			if (lens[i] == lens[j] && memcmp(keys[i], keys[j], lens[i]) == 0)
				fail_msg("mutations %d and %d give the same key", i, j);
}

/* le_record_copy gives what every reader of the source sees: the same key
 * for the base and each mutation, every field, each string through its
 * NUL, a string that fills its field whole; the bytes after a NUL are left
 * as they were. */
static void test_copy_is_what_readers_see(void **state)
{
	(void)state;
	unsigned char a[1024], b[1024];
	for (int i = -1; i < 13; i++) {
		le_record src, dst;
		make_record(&src);
		if (i >= 0)
			mutate(&src, i);
		memset(&dst, 0x5a, sizeof(dst));
		le_record_copy(&dst, &src);
		size_t la = key_of(&src, a), lb = key_of(&dst, b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		assert_string_equal(dst.holder, src.holder);
		assert_string_equal(dst.strategy, src.strategy);
		assert_string_equal(dst.preferred_holder, src.preferred_holder);
		assert_int_equal(dst.holder_set, src.holder_set);
		assert_int_equal(dst.lease_duration_s, src.lease_duration_s);
		assert_int_equal(dst.has_acquire_time, src.has_acquire_time);
		assert_int_equal(dst.has_renew_time, src.has_renew_time);
		assert_int_equal(dst.acquire_wall_ns, src.acquire_wall_ns);
		assert_int_equal(dst.renew_wall_ns, src.renew_wall_ns);
		assert_int_equal(dst.transitions, src.transitions);
		assert_int_equal(dst.holder_truncated, src.holder_truncated);
		assert_int_equal(dst.holder_hash, src.holder_hash);
		assert_int_equal(dst.dialect, src.dialect);
		assert_true(le_record_state_hash(7, &dst, 0) ==
			    le_record_state_hash(7, &src, 0));
		/* what follows the holder's NUL is not written */
		size_t hl = strlen(src.holder);
		assert_int_equal((unsigned char)dst.holder[hl + 1], 0x5a);
	}
	/* a string with no NUL in its field is copied whole */
	le_record src, dst;
	make_record(&src);
	memset(src.preferred_holder, 'p', sizeof(src.preferred_holder));
	memset(&dst, 0, sizeof(dst));
	le_record_copy(&dst, &src);
	assert_memory_equal(dst.preferred_holder, src.preferred_holder,
			    sizeof(src.preferred_holder));
	/* onto itself: nothing changes */
	le_record_copy(&src, &src);
	assert_int_equal(src.preferred_holder[0], 'p');
}

static void test_key_ignores_what_a_reader_cannot_see(void **state)
{
	(void)state;
	unsigned char a[1024], b[1024];
	le_record base, r;
	make_record(&base);
	size_t la = key_of(&base, a);

	/* sub-second changes within the same whole second */
	r = base;
	r.renew_wall_ns = floor_to(r.renew_wall_ns, NS) + NS - 1;
	r.acquire_wall_ns = floor_to(r.acquire_wall_ns, NS);
	size_t lb = key_of(&r, b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);

	/* bytes after the terminators, and absent times' values */
	r = base;
	r.has_renew_time = false;
	la = key_of(&r, a);
	memset(r.holder + 6, 'x', 20);
	memset(r.strategy + 1, 'y', 20);
	r.renew_wall_ns = 12345;
	lb = key_of(&r, b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);

	/* a pre-epoch time floors: -0.1 s, -0.9 s and -1.0 s are all second -1;
	 * 0 and -1.000000001 s are not */
	r = base;
	r.acquire_wall_ns = -NS / 10;
	la = key_of(&r, a);
	const int64_t same[] = {-NS / 10 * 9, -NS};
	for (size_t i = 0; i < 2; i++) {
		r.acquire_wall_ns = same[i];
		lb = key_of(&r, b);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
	}
	const int64_t other[] = {0, -NS - 1};
	for (size_t i = 0; i < 2; i++) {
		r.acquire_wall_ns = other[i];
		lb = key_of(&r, b);
		assert_int_equal(la, lb);
		assert_memory_not_equal(a, b, la);
	}
}

static void test_key_is_bounded_and_truncates_deterministically(void **state)
{
	(void)state;
	le_record r;
	make_record(&r);
	memset(r.holder, 'h', LE_ID_MAX - 1);
	r.holder[LE_ID_MAX - 1] = '\0';
	memset(r.preferred_holder, 'p', LE_ID_MAX - 1);
	r.preferred_holder[LE_ID_MAX - 1] = '\0';
	memset(r.strategy, 's', LE_STRATEGY_MAX - 1);
	r.strategy[LE_STRATEGY_MAX - 1] = '\0';
	unsigned char full[1024];
	size_t n = le_record_key(&r, full, sizeof(full));
	assert_true(n <= 640); /* fits fake_apiserver.h's raw[640] */
	assert_true(n > 2 * (LE_ID_MAX - 1));

	for (size_t cap = 0; cap < n + 4; cap += 7) {
		unsigned char *buf = malloc(cap + 1);
		assert_non_null(buf);
		buf[cap] = 0xee; /* guard */
		size_t m = le_record_key(&r, buf, cap);
		assert_int_equal(m, cap < n ? cap : n);
		assert_memory_equal(buf, full, m);
		if (cap < n)
			assert_int_equal(buf[cap], 0xee);
		free(buf);
	}
	/* the whole scalar part survives a short buffer: a duration change shows */
	unsigned char a[40], b[40];
	le_record r2 = r;
	r2.lease_duration_s++;
	assert_int_equal(le_record_key(&r, a, sizeof(a)), sizeof(a));
	assert_int_equal(le_record_key(&r2, b, sizeof(b)), sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
}

/* The key's bytes as record.c's layout comment gives them: the same on
 * every host (big-endian), whole seconds floored, lengths, then the text. */
static void test_key_layout_is_the_documented_bytes(void **state)
{
	(void)state;
	le_record r;
	make_record(&r);
	/* not in the key: the holder is not truncated */
	r.holder_hash = 0x0102030405060708ULL;
	static const unsigned char want[] = {
		/* flags: holder set, acquire time, renew time */
		0x07,
		/* leaseDurationSeconds 15 */
		0x00, 0x00, 0x00, 0x0f,
		/* acquire 1709980086 s, renew 1709980409 s */
		0x00, 0x00, 0x00, 0x00, 0x65, 0xec, 0x39, 0xb6,
		0x00, 0x00, 0x00, 0x00, 0x65, 0xec, 0x3a, 0xf9,
		/* transitions 5 */
		0x00, 0x00, 0x00, 0x05,
		/* lengths of holder, strategy, preferred holder */
		0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
		'p', 'o', 'd', '-', 'a',
	};
	unsigned char buf[1024];
	assert_int_equal(key_of(&r, buf), sizeof want);
	assert_memory_equal(buf, want, sizeof want);
}

/* Records that decode from the same wire text give the same key. */
static void test_key_equal_for_equal_wire_records(void **state)
{
	(void)state;
	size_t len;
	char *text = read_fixture("client-go-lease.json", &len);
	le_record r1, r2;
	char err[LE_ERRMSG_MAX];
	memset(&r1, 0x11, sizeof(r1));
	memset(&r2, 0x22, sizeof(r2));
	assert_int_equal(le_record_from_object_json(LE_LOCK_LEASES, text, len, &r1, NULL,
						    NULL, 0, err, sizeof(err)),
			 LE_OK);
	assert_int_equal(le_record_from_object_json(LE_LOCK_LEASES, text, len, &r2, NULL,
						    NULL, 0, err, sizeof(err)),
			 LE_OK);
	unsigned char a[1024], b[1024];
	size_t la = key_of(&r1, a), lb = key_of(&r2, b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(text);
}

/* docs/record-formats.md, "What Go refuses": the strict decoder's column of
 * its table, row by row (the known gaps included, so that closing one
 * fails here and the table is updated with it). */
static void test_strict_decoder_follows_go_as_documented(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		int rc;
		const char *err; /* part of the message when refused */
	} rows[] = {
		{"{\"holderIdentity\":\"x\",\"leaseDurationSeconds\":\"4\"}", LE_EPARSE,
		 "json: cannot unmarshal string into Go struct field "
		 "LeaderElectionRecord.leaseDurationSeconds of type int"},
		{"{\"holderIdentity\":\"x\",\"renewTime\":\"2026-11-23 19:20:19.872660\"}",
		 LE_EPARSE, "parsing time as \"2006-01-02T15:04:05Z07:00\""},
		{"{\"holderIdentity\":\"x\",\"renewTime\":\"2026-11-23T19:20:19\"}", LE_EPARSE,
		 "(a time without a zone)"},
		{"{\"holderIdentity\":\"x\",\"renewTime\":\"2026-11-23T19:20:19.5+02:00\"}",
		 LE_OK, NULL},
		{"{\"holderIdentity\":null,\"acquireTime\":null,\"future\":[1]}", LE_OK, NULL},
		{"{}", LE_OK, NULL},
		{"{\"holderIdentity\":\"x\",\"leaseDurationSeconds\":15.0}", LE_OK, NULL}, /* gap */
		{"{\"holderIdentity\":\"x\",\"renewTime\":\"\"}", LE_EPARSE,
		 "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\""},
		{"{\"holderIdentity\":\"x\",\"leaderTransitions\":-1}", LE_EPARSE,
		 "must not be negative"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		le_record r;
		char err[LE_ERRMSG_MAX] = "";
		int rc = le_record_decode_annotation_strict(rows[i].json, strlen(rows[i].json),
							    &r, err, sizeof err);
		if (rc != rows[i].rc || (rows[i].err && !strstr(err, rows[i].err)))
			fail_msg("row %zu %s: rc %d, error \"%s\"", i, rows[i].json, rc, err);
	}
	le_record r;
	char err[LE_ERRMSG_MAX];
	const char *gap = "{\"leaseDurationSeconds\":15.0}";
	assert_int_equal(le_record_decode_annotation_strict(gap, strlen(gap), &r, err, sizeof err),
			 LE_OK);
	assert_int_equal(r.lease_duration_s, 15);
	/* the liberal reader still takes "" as absent */
	const char *empty = "{\"renewTime\":\"\"}";
	assert_int_equal(le_record_decode_annotation(empty, strlen(empty), &r, err, sizeof err),
			 LE_OK);
	assert_false(r.has_renew_time);
}

/* docs/record-formats.md, "What the Python client writes": str() of a
 * datetime drops a zero fraction, the keys keep the dict's order with
 * json.dumps' separators, and there is no leaderTransitions. */
static void test_python_encoder_writes_str_of_a_datetime(void **state)
{
	(void)state;
	le_record r;
	le_record_clear(&r);
	snprintf(r.holder, sizeof r.holder, "py-a");
	r.holder_set = true;
	r.lease_duration_s = 4;
	r.has_renew_time = true;
	r.renew_wall_ns = INT64_C(1795461619) * NS; /* 2026-11-23 19:20:19 UTC */
	r.transitions = 7;
	r.dialect = LE_DIALECT_PYTHON;
	char out[512];
	assert_true(le_record_encode_annotation(&r, out, sizeof out) > 0);
	assert_string_equal(out, "{\"holderIdentity\": \"py-a\", \"leaseDurationSeconds\": \"4\", "
				 "\"acquireTime\": null, \"renewTime\": \"2026-11-23 19:20:19\"}");
	/* and the fixture's annotation, byte for byte */
	size_t len;
	char *text = read_fixture("python-22.6-configmap-update.json", &len);
	cJSON *obj = cJSON_Parse(text);
	assert_non_null(obj);
	const char *want = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "annotations"),
		LE_LEADER_ANNOTATION)->valuestring;
	char errbuf[LE_ERRMSG_MAX];
	assert_int_equal(le_record_decode_annotation(want, strlen(want), &r, errbuf,
						     sizeof errbuf), LE_OK);
	assert_int_equal(r.dialect, LE_DIALECT_PYTHON);
	assert_true(le_record_encode_annotation(&r, out, sizeof out) > 0);
	assert_string_equal(out, want);
	cJSON_Delete(obj);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_names_every_code),
		cmocka_unit_test(test_lock_kind_names_round_trip),
		cmocka_unit_test(test_record_clear_empties_everything),
		cmocka_unit_test(test_format_times_truncate_toward_the_past),
		cmocka_unit_test(test_format_times_reject_small_buffers),
		cmocka_unit_test(test_format_and_parse_agree_with_a_naive_calendar),
		cmocka_unit_test(test_parse_time_reads_every_client_layout),
		cmocka_unit_test(test_is_micro_time_wants_exactly_six_digits),
		cmocka_unit_test(test_every_fixture_reads_with_exact_fields),
		cmocka_unit_test(test_lease_spec_writer_matches_client_go_bytes),
		cmocka_unit_test(test_annotation_writer_matches_sidecar_bytes),
		cmocka_unit_test(test_annotation_encoding_shapes),
		cmocka_unit_test(test_annotation_encoding_respects_capacity),
		cmocka_unit_test(test_lease_spec_encoding_shapes),
		cmocka_unit_test(test_annotation_round_trip_keeps_every_field),
		cmocka_unit_test(test_lease_spec_round_trip_keeps_every_field),
		cmocka_unit_test(test_malformed_and_foreign_records),
		cmocka_unit_test(test_liberal_reads_give_the_values_meant),
		cmocka_unit_test(test_readers_stop_at_len),
		cmocka_unit_test(test_key_changes_with_every_field),
		cmocka_unit_test(test_copy_is_what_readers_see),
		cmocka_unit_test(test_key_ignores_what_a_reader_cannot_see),
		cmocka_unit_test(test_key_is_bounded_and_truncates_deterministically),
		cmocka_unit_test(test_key_layout_is_the_documented_bytes),
		cmocka_unit_test(test_key_equal_for_equal_wire_records),
		cmocka_unit_test(test_strict_decoder_follows_go_as_documented),
		cmocka_unit_test(test_python_encoder_writes_str_of_a_datetime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
