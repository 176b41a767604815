/* Unit tests for sim/wire.c: interned strings, and records and requests
 * packed for flight give back the very bytes they were made from (what the
 * store, the core and the state hash read must not change). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/wire.h"

static void test_strtab_interns_once(void **state)
{
	(void)state;
	sim_strtab t = {0};
	assert_int_equal(sim_strtab_intern(&t, ""), 0);
	assert_int_equal(sim_strtab_intern(&t, NULL), 0);
	assert_string_equal(sim_strtab_str(&t, 0), "");
	char name[32];
	uint32_t ids[3000];
	for (int i = 0; i < 3000; i++) { /* past several index growths */
		snprintf(name, sizeof name, "pod-%d", i);
		ids[i] = sim_strtab_intern(&t, name);
		assert_true(ids[i] > 0 && ids[i] != UINT32_MAX);
	}
	for (int i = 2999; i >= 0; i--) {
		snprintf(name, sizeof name, "pod-%d", i);
		assert_int_equal(sim_strtab_intern(&t, name), ids[i]);
		assert_string_equal(sim_strtab_str(&t, ids[i]), name);
	}
	assert_int_equal(t.n, 3000);
	sim_strtab_free(&t);
}

/* A record as producers leave it: zeroed, then filled. */
static le_record record_of(unsigned k)
{
	le_record r;
	memset(&r, 0, sizeof r);
	static const char *const holders[] = {"", "pod-a", "a-much-longer-identity_0f9e2c1d"};
	snprintf(r.holder, sizeof r.holder, "%s", holders[k % 3]);
	r.holder_set = k % 3 != 0;
	r.lease_duration_s = (int32_t)(k % 40);
	r.has_acquire_time = k & 1;
	r.has_renew_time = k & 2;
	r.acquire_wall_ns = (int64_t)k * 1000003;
	r.renew_wall_ns = (int64_t)k * 7000001;
	r.transitions = (int32_t)k;
	if (k % 5 == 0)
		snprintf(r.strategy, sizeof r.strategy, "OldestEmulationVersion");
	if (k % 7 == 0)
		snprintf(r.preferred_holder, sizeof r.preferred_holder, "pod-b");
	if (k % 11 == 0) { /* a holder cut to LE_ID_MAX - 1 bytes, and its hash */
		memset(r.holder, 'h', LE_ID_MAX - 1);
		r.holder[LE_ID_MAX - 1] = '\0';
		r.holder_truncated = true;
		r.holder_hash = 0x123456789abcdefULL;
	}
	r.dialect = k % 4;
	return r;
}

/* b is a as every reader sees it: each field, each string to its NUL, the
 * comparison key and the state hash (what follows a NUL is not a field). */
static void assert_record_same(const le_record *a, const le_record *b)
{
	assert_string_equal(a->holder, b->holder);
	assert_string_equal(a->strategy, b->strategy);
	assert_string_equal(a->preferred_holder, b->preferred_holder);
	assert_int_equal(a->holder_set, b->holder_set);
	assert_int_equal(a->lease_duration_s, b->lease_duration_s);
	assert_int_equal(a->has_acquire_time, b->has_acquire_time);
	assert_int_equal(a->has_renew_time, b->has_renew_time);
	assert_int_equal(a->acquire_wall_ns, b->acquire_wall_ns);
	assert_int_equal(a->renew_wall_ns, b->renew_wall_ns);
	assert_int_equal(a->transitions, b->transitions);
	assert_int_equal(a->holder_truncated, b->holder_truncated);
	assert_int_equal(a->holder_hash, b->holder_hash);
	assert_int_equal(a->dialect, b->dialect);
	unsigned char ka[1024], kb[1024];
	size_t na = le_record_key(a, ka, sizeof ka), nb = le_record_key(b, kb, sizeof kb);
	assert_int_equal(na, nb);
	assert_memory_equal(ka, kb, na);
	assert_true(le_record_state_hash(1, a, 0) == le_record_state_hash(1, b, 0));
}

static void test_record_round_trip_is_what_readers_see(void **state)
{
	(void)state;
	sim_strtab t = {0};
	for (unsigned k = 0; k < 200; k++) {
		le_record in = record_of(k), out;
		memset(&out, 0xa5, sizeof out);
		sim_rec p;
		assert_true(sim_rec_pack(&t, &in, &p));
		sim_rec_unpack(&t, &p, &out);
		assert_record_same(&in, &out);
	}
	/* the longest strategy a record holds */
	le_record in = record_of(1), out;
	memset(in.strategy, 's', LE_STRATEGY_MAX - 1);
	sim_rec p;
	assert_true(sim_rec_pack(&t, &in, &p));
	sim_rec_unpack(&t, &p, &out);
	assert_record_same(&in, &out);
	sim_strtab_free(&t);
}

/* sim_rec_equal is record equality as readers see it: two packings of
 * one record are equal, and records that differ in any field (the
 * world's last-record cache would hand a follower a stale record) are
 * not. */
static void test_packed_records_equal_exactly_when_records_do(void **state)
{
	(void)state;
	sim_strtab t = {0};
	enum { N = 120 };
	sim_rec p[N];
	le_record r[N];
	for (unsigned k = 0; k < N; k++) {
		r[k] = record_of(k);
		assert_true(sim_rec_pack(&t, &r[k], &p[k]));
		sim_rec again;
		memset(&again, 0x5a, sizeof again); /* padding differs */
		assert_true(sim_rec_pack(&t, &r[k], &again));
		assert_true(sim_rec_equal(&p[k], &again));
	}
	for (unsigned a = 0; a < N; a++)
		for (unsigned b = 0; b < N; b++) {
			unsigned char ka[1024], kb[1024];
			size_t na = le_record_key(&r[a], ka, sizeof ka);
			size_t nb = le_record_key(&r[b], kb, sizeof kb);
			bool same = na == nb && memcmp(ka, kb, na) == 0 &&
				    r[a].holder_hash == r[b].holder_hash &&
				    r[a].acquire_wall_ns == r[b].acquire_wall_ns &&
				    r[a].renew_wall_ns == r[b].renew_wall_ns;
			assert_int_equal(sim_rec_equal(&p[a], &p[b]), same);
		}
	/* one field at a time */
	sim_rec q = p[1];
	q.renew_wall_ns++;
	assert_false(sim_rec_equal(&p[1], &q));
	q = p[1];
	q.holder_truncated = !q.holder_truncated;
	assert_false(sim_rec_equal(&p[1], &q));
	q = p[1];
	q.preferred++;
	assert_false(sim_rec_equal(&p[1], &q));
	sim_strtab_free(&t);
}

static void test_request_round_trip(void **state)
{
	(void)state;
	sim_strtab t = {0};
	le_request q;
	memset(&q, 0, sizeof q);
	q.id = 42;
	q.op = LE_OP_UPDATE;
	q.record = record_of(3);
	snprintf(q.resource_version, sizeof q.resource_version, "%s", "12345");
	q.timeout_ns = 10000000000;
	q.target = LE_LOCK_LEASES;
	sim_wire_req w;
	assert_true(sim_wire_pack(&t, &q, &w));
	le_request back;
	sim_wire_unpack(&t, &w, &back);
	assert_int_equal(back.id, 42);
	assert_int_equal(back.op, LE_OP_UPDATE);
	assert_int_equal(back.timeout_ns, q.timeout_ns);
	assert_int_equal(back.target, q.target);
	assert_false(back.no_record);
	assert_string_equal(back.resource_version, "12345");
	assert_record_same(&back.record, &q.record);
	sim_strtab_free(&t);
}

/* A resourceVersion comes back as the text it was, cut to LE_RV_MAX - 1
 * bytes; the store's decimal numbers take no string table entry, anything
 * else (leading zeros, signs, spaces, letters, numbers past 2^63 - 2) is
 * kept as text. */
static void test_resource_version_round_trip(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool number;
	} cases[] = {
		{"", true}, {"0", true}, {"1", true}, {"12345", true},
		{"9223372036854775806", true}, {"9223372036854775807", false},
		{"18446744073709551615", false}, {"99999999999999999999", false},
		{"01", false}, {"00", false}, {"-1", false}, {"+1", false},
		{"1 ", false}, {" 1", false}, {"abc", false},
		{"1234567890123456789012345678901", false},
		{"1234567890123456789012345678901234567890", false},
	};
	sim_strtab t = {0};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t before = t.n;
		uint64_t rv;
		assert_true(sim_rv_pack(&t, cases[i].text, &rv));
		char back[LE_RV_MAX], want[LE_RV_MAX];
		snprintf(want, sizeof want, "%s", cases[i].text);
		sim_rv_unpack(&t, rv, back);
		assert_string_equal(back, want);
		if (cases[i].number) {
			assert_false(rv & SIM_RV_TEXT);
			assert_int_equal(t.n, before);
		} else {
			assert_true(rv & SIM_RV_TEXT);
		}
	}
	sim_strtab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtab_interns_once),
		cmocka_unit_test(test_record_round_trip_is_what_readers_see),
		cmocka_unit_test(test_packed_records_equal_exactly_when_records_do),
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_resource_version_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
