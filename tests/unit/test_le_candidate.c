/* Coordinated leader election pieces in the core (include/leaselab/candidate.h,
 * election-spec.md 8): tolerant versions, the election controller's choice
 * order on candidate sets, and the LeaseCandidate publisher driven with
 * scripted inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "leaselab/candidate.h"

#define S LE_NS_PER_S
#define MS LE_NS_PER_MS
#define T0 (1000 * S)
#define WALL0 INT64_C(1700000000000000000)

static le_time at(int64_t mono) { return (le_time){mono, mono + WALL0}; }

/* ---- versions ------------------------------------------------------------ */

static le_semver sv(const char *s)
{
	le_semver v;
	char err[128] = "";
	if (le_semver_parse(s, &v, err, sizeof err) != LE_OK)
		fail_msg("parse %s: %s", s, err);
	return v;
}

static void test_semver_tolerant(void **state)
{
	(void)state;
	le_semver v = sv("v1.31");
	assert_int_equal(v.major, 1);
	assert_int_equal(v.minor, 31);
	assert_int_equal(v.patch, 0);
	v = sv(" 1.32.0-alpha.1+abc ");
	assert_int_equal(v.minor, 32);
	assert_string_equal(v.pre, "alpha.1");
	v = sv("1.033.02");
	assert_int_equal(v.minor, 33);
	assert_int_equal(v.patch, 2);
	static const char *bad[] = {"", "abc", "1..2", "1.2.3.4", "1.2x",
				    "1.2.3-", "1.2.3-a..b", "1.2.3-a$", "v"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char err[128] = "";
		assert_int_equal(le_semver_parse(bad[i], &v, err, sizeof err), LE_EPARSE);
		assert_non_null(strstr(err, "version \""));
	}
}

static int cmp(const char *a, const char *b)
{
	le_semver x = sv(a), y = sv(b);
	return le_semver_compare(&x, &y);
}

static void test_semver_precedence(void **state)
{
	(void)state;
	assert_true(cmp("1.31.0", "1.32.0") < 0);
	assert_true(cmp("1.31.10", "1.31.9") > 0);
	assert_true(cmp("1.32.0-alpha.1", "1.32.0") < 0);
	assert_true(cmp("1.32.0-alpha.1", "1.32.0-alpha.2") < 0);
	assert_true(cmp("1.32.0-alpha.10", "1.32.0-alpha.9") > 0);
	assert_true(cmp("1.32.0-alpha.2", "1.32.0-beta.0") < 0);
	assert_true(cmp("1.32.0-1", "1.32.0-alpha") < 0); /* numeric first */
	assert_true(cmp("1.32.0-alpha", "1.32.0-alpha.1") < 0);
	assert_int_equal(cmp("v1.32", "1.32.0+build.7"), 0);
	assert_int_equal(cmp("2.0.0", "10.0.0"), -1);
}

/* ---- the controller's choice order -------------------------------------- */

static le_lease_candidate cand(const char *name, const char *emu, const char *bin,
			       int64_t created_s)
{
	le_lease_candidate c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.emulation_version, sizeof c.emulation_version, "%s", emu);
	snprintf(c.binary_version, sizeof c.binary_version, "%s", bin);
	snprintf(c.strategy, sizeof c.strategy, LE_STRATEGY_OEV);
	c.creation_wall_ns = WALL0 + created_s * S;
	return c;
}

static const char *pick(const le_lease_candidate *cs, size_t n)
{
	long i = le_candidate_pick(cs, n);
	return i < 0 ? "(none)" : cs[i].name;
}

static void test_pick_lowest_emulation_version_first(void **state)
{
	(void)state;
	/* a rolling upgrade 1.32 -> 1.33: the new binary emulates 1.32 until
	 * the upgrade is done, so the old binary stays preferred by binary */
	le_lease_candidate cs[] = {
		cand("new-a", "1.33.0", "1.33.0", 1),
		cand("old-b", "1.32.0", "1.32.4", 5),
		cand("new-c", "1.32.0", "1.33.0", 0),
	};
	assert_string_equal(pick(cs, 3), "old-b");
	/* emulation outranks binary: a lower binary with a newer emulation
	 * loses */
	le_lease_candidate ds[] = {
		cand("x", "1.33.0", "1.31.0", 0),
		cand("y", "1.32.0", "1.33.0", 9),
	};
	assert_string_equal(pick(ds, 2), "y");
}

static void test_pick_oldest_creation_breaks_ties(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {
		cand("b", "1.32.0", "1.32.0", 20),
		cand("a", "1.32.0", "1.32.0", 10),
		cand("c", "1.32.0", "1.32.0", 30),
	};
	assert_string_equal(pick(cs, 3), "a");
	/* all equal: the first in the list */
	le_lease_candidate ds[] = {
		cand("first", "1.32.0", "1.32.0", 10),
		cand("second", "1.32.0", "1.32.0", 10),
	};
	assert_string_equal(pick(ds, 2), "first");
	assert_int_equal(le_candidate_compare(&ds[0], &ds[1]), -1);
	assert_int_equal(le_candidate_compare(&ds[1], &ds[0]), -1);
}

static void test_pick_skips_invalid_candidates(void **state)
{
	(void)state;
	le_lease_candidate cs[] = {
		cand("no-emulation", "", "1.30.0", 0),
		cand("garbage", "latest", "1.30.0", 0),
		cand("ok", "1.33.0", "1.33.0", 100),
	};
	assert_string_equal(pick(cs, 3), "ok");
	assert_false(le_candidate_valid_oev(&cs[0]));
	assert_string_equal(pick(cs, 2), "(none)");
	assert_string_equal(pick(cs, 0), "(none)");
	/* a pre-release ranks before its release */
	le_lease_candidate ds[] = {
		cand("ga", "1.33.0", "1.33.0", 0),
		cand("rc", "1.33.0-rc.1", "1.33.0-rc.1", 9),
	};
	assert_string_equal(pick(ds, 2), "rc");
}

/* ---- strategies ------------------------------------------------------------ */

static void test_strategy_validation(void **state)
{
	(void)state;
	char err[768];
	assert_int_equal(le_strategy_validate(LE_STRATEGY_OEV, err, sizeof err), LE_OK);
	assert_int_equal(le_strategy_validate("example.com/newest-first", err, sizeof err),
			 LE_OK);
	assert_int_equal(le_strategy_validate("a.b/My_Name.1", err, sizeof err), LE_OK);
	assert_int_equal(le_strategy_validate("Newest", err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "Unsupported value: \"Newest\": supported values: "
				 "\"OldestEmulationVersion\"");
	assert_int_equal(le_strategy_validate("", err, sizeof err), LE_EINVAL);
	static const struct {
		const char *s, *want;
	} bad[] = {
		{"/x", "prefix part must be non-empty"},
		{"Example.com/x", "prefix part a lowercase RFC 1123 subdomain"},
		{"a..b/x", "prefix part a lowercase RFC 1123 subdomain"},
		{"example.com/", "name part must be non-empty"},
		{"example.com/-x", "name part must consist of alphanumeric"},
		{"example.com/x y", "name part must consist of alphanumeric"},
		{"a/b/c", "a qualified name must consist of"},
		{"example.com/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		 "name part must be no more than 63 characters"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		assert_int_equal(le_strategy_validate(bad[i].s, err, sizeof err), LE_EINVAL);
		assert_true(strncmp(err, "Invalid value: \"", 16) == 0);
		if (!strstr(err, bad[i].want))
			fail_msg("%s: got %s", bad[i].s, err);
	}
}

/* ---- the publisher -------------------------------------------------------- */

typedef struct pub {
	le_cand *c;
	le_cand_request req;
	bool has_req;
	int64_t mono;
} pub;

static void pub_init(pub *p)
{
	le_cand_config cfg = {
		.name = "kcm-1_abc",
		.namespace_ = "kube-system",
		.lease_name = "kube-controller-manager",
		.binary_version = "1.33.1",
		.emulation_version = "1.32.0",
	};
	char err[128] = "";
	memset(p, 0, sizeof *p);
	p->c = le_cand_new(&cfg, err, sizeof err);
	if (!p->c)
		fail_msg("le_cand_new: %s", err);
	p->mono = T0;
}

static bool pump(pub *p)
{
	p->has_req = le_cand_next_request(p->c, &p->req);
	return p->has_req;
}

static void answer(pub *p, int status)
{
	assert_int_equal(le_cand_on_response(p->c, at(p->mono), p->req.id, status), LE_OK);
	pump(p);
}

static void tick(pub *p)
{
	int64_t t = le_cand_next_deadline(p->c);
	assert_true(t != INT64_MAX);
	p->mono = t;
	assert_int_equal(le_cand_on_timer(p->c, at(p->mono)), LE_OK);
	pump(p);
}

/* The server's copy after the write, as the informer delivers it. */
static void echo(pub *p, le_cand_event ev, const char *rv)
{
	le_lease_candidate o = p->req.object;
	o.creation_wall_ns = WALL0 + T0;
	assert_int_equal(le_cand_on_observed(p->c, at(p->mono), ev, &o, rv), LE_OK);
	pump(p);
}

static void test_publisher_creates_then_renews_every_5_minutes(void **state)
{
	(void)state;
	pub p;
	pub_init(&p);
	assert_int_equal(le_cand_start(p.c, at(p.mono)), LE_OK);
	assert_int_equal(le_cand_start(p.c, at(p.mono)), LE_ESTATE);
	assert_true(pump(&p));
	assert_int_equal(p.req.op, LE_CAND_CREATE);
	assert_string_equal(p.req.object.name, "kcm-1_abc");
	assert_string_equal(p.req.object.lease_name, "kube-controller-manager");
	assert_string_equal(p.req.object.binary_version, "1.33.1");
	assert_string_equal(p.req.object.emulation_version, "1.32.0");
	assert_string_equal(p.req.object.strategy, LE_STRATEGY_OEV);
	assert_true(p.req.object.has_renew_time);
	assert_int_equal(p.req.object.renew_wall_ns, WALL0 + T0);
	assert_false(p.req.object.has_ping_time);
	answer(&p, 201);
	assert_false(p.has_req);
	assert_int_equal(le_cand_next_deadline(p.c), T0 + 300 * S);
	echo(&p, LE_CAND_EV_ADD, "7");
	assert_false(p.has_req); /* its own create: nothing to answer */
	tick(&p);
	assert_true(p.has_req);
	assert_int_equal(p.req.op, LE_CAND_UPDATE);
	assert_string_equal(p.req.resource_version, "7");
	assert_int_equal(p.req.object.renew_wall_ns, WALL0 + T0 + 300 * S);
	answer(&p, 200);
	echo(&p, LE_CAND_EV_UPDATE, "8"); /* renewTime now newest: no ping */
	assert_false(p.has_req);
	assert_int_equal(le_cand_next_deadline(p.c), T0 + 600 * S);
	le_cand_free(p.c);
}

static void test_publisher_answers_a_ping_at_once(void **state)
{
	(void)state;
	pub p;
	pub_init(&p);
	le_cand_start(p.c, at(p.mono));
	pump(&p);
	answer(&p, 201);
	echo(&p, LE_CAND_EV_ADD, "7");
	/* 40 s later the controller pings: pingTime after renewTime */
	p.mono += 40 * S;
	le_lease_candidate o = p.req.object;
	o.has_ping_time = true;
	o.ping_wall_ns = WALL0 + p.mono;
	assert_int_equal(le_cand_on_observed(p.c, at(p.mono), LE_CAND_EV_UPDATE, &o, "9"),
			 LE_OK);
	assert_true(pump(&p));
	assert_int_equal(p.req.op, LE_CAND_UPDATE);
	assert_string_equal(p.req.resource_version, "9");
	assert_int_equal(p.req.object.renew_wall_ns, WALL0 + p.mono);
	assert_true(p.req.object.has_ping_time); /* the clone keeps pingTime */
	/* a second ping event while the renew is in flight runs once more
	 * after it (workqueue: dirty while processing) */
	assert_int_equal(le_cand_on_observed(p.c, at(p.mono), LE_CAND_EV_UPDATE, &o, "9"),
			 LE_OK);
	assert_false(pump(&p));
	answer(&p, 200);
	assert_true(p.has_req);
	assert_int_equal(p.req.op, LE_CAND_UPDATE);
	answer(&p, 409); /* stale copy (rv 9 was already used) */
	le_cand_stats st;
	le_cand_stats_get(p.c, &st);
	assert_int_equal(st.pings_answered, 2);
	assert_int_equal(st.failures, 1);
	/* the 5-minute requeue from the create keeps its earlier time, but the
	 * 5 ms retry comes first */
	assert_int_equal(le_cand_next_deadline(p.c), p.mono + 5 * MS);
	/* a ping seen on an ADD is not answered (only UpdateFunc looks) */
	pub q;
	pub_init(&q);
	le_cand_start(q.c, at(q.mono));
	pump(&q);
	answer(&q, 201);
	o.ping_wall_ns = WALL0 + q.mono + 10 * S;
	le_cand_on_observed(q.c, at(q.mono), LE_CAND_EV_ADD, &o, "3");
	assert_false(pump(&q));
	le_cand_free(q.c);
	le_cand_free(p.c);
}

/* The informer has not yet seen the create: the next pass creates again
 * and gets 409; the deletion of the object makes it create anew. */
static void test_publisher_works_from_the_informer_copy(void **state)
{
	(void)state;
	pub p;
	pub_init(&p);
	le_cand_start(p.c, at(p.mono));
	pump(&p);
	answer(&p, 201);
	tick(&p);
	assert_int_equal(p.req.op, LE_CAND_CREATE);
	answer(&p, 409);
	echo(&p, LE_CAND_EV_ADD, "4");
	tick(&p);
	assert_int_equal(p.req.op, LE_CAND_UPDATE);
	assert_string_equal(p.req.resource_version, "4");
	answer(&p, 200);
	le_cand_on_observed(p.c, at(p.mono), LE_CAND_EV_DELETE, NULL, NULL);
	tick(&p);
	assert_int_equal(p.req.op, LE_CAND_CREATE);
	le_cand_free(p.c);
}

/* 5 ms * 2^n, and n is never reset: leasecandidate.go calls no Forget. */
static void test_backoff_doubles_and_never_resets(void **state)
{
	(void)state;
	pub p;
	pub_init(&p);
	le_cand_start(p.c, at(p.mono));
	pump(&p);
	int64_t want[] = {5 * MS, 10 * MS, 20 * MS, 40 * MS};
	for (int i = 0; i < 3; i++) {
		answer(&p, 0);
		assert_int_equal(le_cand_next_deadline(p.c), p.mono + want[i]);
		tick(&p);
		assert_true(p.has_req);
	}
	answer(&p, 201);
	assert_int_equal(le_cand_next_deadline(p.c), p.mono + 300 * S);
	tick(&p);
	answer(&p, 503);
	le_cand_stats st;
	le_cand_stats_get(p.c, &st);
	assert_int_equal(st.last_backoff_ns, want[3]);
	/* capped at 1000 s */
	for (int i = 0; i < 40; i++) {
		tick(&p);
		answer(&p, 500);
	}
	le_cand_stats_get(p.c, &st);
	assert_int_equal(st.last_backoff_ns, 1000 * S);
	/* stale and unknown answers are ignored */
	assert_int_equal(le_cand_on_response(p.c, at(p.mono), 12345, 200), LE_OK);
	assert_int_equal(le_cand_next_deadline(p.c), p.mono + 1000 * S);
	le_cand_free(p.c);
}

static void test_publisher_config_errors(void **state)
{
	(void)state;
	char err[128] = "";
	le_cand_config cfg = {.name = "a", .namespace_ = "kube-system",
			      .lease_name = "l", .binary_version = ""};
	assert_null(le_cand_new(&cfg, err, sizeof err));
	assert_string_equal(err, "le_cand_new: binary_version is required");
	char longv[LE_VERSION_MAX + 8];
	memset(longv, '1', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	cfg.binary_version = longv;
	assert_null(le_cand_new(&cfg, err, sizeof err));
	assert_non_null(strstr(err, "binary_version is longer than 63 bytes"));
	assert_null(le_cand_new(NULL, err, sizeof err));
	assert_int_equal(le_cand_on_observed(NULL, at(0), LE_CAND_EV_ADD, NULL, NULL),
			 LE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semver_tolerant),
		cmocka_unit_test(test_semver_precedence),
		cmocka_unit_test(test_pick_lowest_emulation_version_first),
		cmocka_unit_test(test_pick_oldest_creation_breaks_ties),
		cmocka_unit_test(test_pick_skips_invalid_candidates),
		cmocka_unit_test(test_strategy_validation),
		cmocka_unit_test(test_publisher_creates_then_renews_every_5_minutes),
		cmocka_unit_test(test_publisher_answers_a_ping_at_once),
		cmocka_unit_test(test_publisher_works_from_the_informer_copy),
		cmocka_unit_test(test_backoff_doubles_and_never_resets),
		cmocka_unit_test(test_publisher_config_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
