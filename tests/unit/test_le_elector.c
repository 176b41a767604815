/* Unit tests for the election core (elector/elector.c, profile.c,
 * log_format.c) against election-spec.md sections 1, 2, 5 and 6.
 *
 * The scripted driver (le_test_driver.h) feeds inputs at chosen clock
 * readings, collects every output, and answers requests either by hand or
 * from a tiny compare-and-swap store. test_le_elector_spec.c holds the
 * findings of the spec review and the timing checks of election-spec.md 6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "le_test_driver.h"
/* ---- 1. configuration -------------------------------------------------- */

typedef struct validation_case {
	const char *what;
	int64_t ld, rd, rp;
	bool started_cb, stopped_cb, lock;
	const char *identity;
	const char *text; /* NULL = valid */
} validation_case;

static void test_validation_errors_in_client_go_order(void **state)
{
	(void)state;
	static char long_id[LE_ID_MAX + 1];
	memset(long_id, 'x', LE_ID_MAX);
	long_id[LE_ID_MAX] = '\0';
	static char max_id[LE_ID_MAX];
	memset(max_id, 'y', LE_ID_MAX - 1);
	max_id[LE_ID_MAX - 1] = '\0';
	const validation_case cases[] = {
		{"defaults", 15 * S, 10 * S, 2 * S, 1, 1, 1, "a", NULL},
		{"LD == RD", 10 * S, 10 * S, 2 * S, 1, 1, 1, "a",
		 "leaseDuration must be greater than renewDeadline"},
		{"LD <= RD wins over an empty identity", 5 * S, 10 * S, 2 * S, 1, 1, 1, "",
		 "leaseDuration must be greater than renewDeadline"},
		{"RD == 1.2 RP", 15 * S, 12 * S / 10, 1 * S, 1, 1, 1, "a",
		 "renewDeadline must be greater than retryPeriod*JitterFactor"},
		{"1.2 x 3ns truncates to 3: RD 4 passes", 5, 4, 3, 1, 1, 1, "a", NULL},
		{"1.2 x 3ns truncates to 3: RD 3 fails", 5, 3, 3, 1, 1, 1, "a",
		 "renewDeadline must be greater than retryPeriod*JitterFactor"},
		{"LD zero", 0, -5, -10, 1, 1, 1, "a",
		 "leaseDuration must be greater than zero"},
		{"RD zero", 5 * S, 0, -1, 1, 1, 1, "a",
		 "renewDeadline must be greater than zero"},
		{"RP zero", 15 * S, 10 * S, 0, 1, 1, 1, "a",
		 "retryPeriod must be greater than zero"},
		{"RP zero before a missing callback", 15 * S, 10 * S, 0, 0, 1, 1, "a",
		 "retryPeriod must be greater than zero"},
		{"no OnStartedLeading", 15 * S, 10 * S, 2 * S, 0, 0, 0, "a",
		 "OnStartedLeading callback must not be nil"},
		{"no OnStoppedLeading", 15 * S, 10 * S, 2 * S, 1, 0, 0, "a",
		 "OnStoppedLeading callback must not be nil"},
		{"no lock", 15 * S, 10 * S, 2 * S, 1, 1, 0, "", "Lock must not be nil."},
		{"empty identity", 15 * S, 10 * S, 2 * S, 1, 1, 1, "", "Lock identity is empty"},
		{"NULL identity", 15 * S, 10 * S, 2 * S, 1, 1, 1, NULL, "Lock identity is empty"},
		{"identity of LE_ID_MAX bytes", 15 * S, 10 * S, 2 * S, 1, 1, 1, long_id,
		 "Lock identity is too long: 256 bytes (at most 255)"},
		{"identity of LE_ID_MAX-1 bytes", 15 * S, 10 * S, 2 * S, 1, 1, 1, max_id, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const validation_case *k = &cases[i];
		le_config c = cfg_with(NULL);
		c.lease_duration_ns = k->ld;
		c.renew_deadline_ns = k->rd;
		c.retry_period_ns = k->rp;
		c.has_started_leading_cb = k->started_cb;
		c.has_stopped_leading_cb = k->stopped_cb;
		c.has_lock = k->lock;
		c.identity = k->identity;
		char err[256] = "";
		int rc = le_config_validate(&c, err, sizeof err);
		le_elector *e = le_elector_new(&c, err, sizeof err);
		if (!k->text) {
			if (rc != LE_OK || !e)
				fail_msg("case '%s': unexpected error '%s'", k->what, err);
		} else {
			if (rc != LE_EINVAL || e || strcmp(err, k->text) != 0)
				fail_msg("case '%s': rc %d err '%s', want '%s'", k->what,
					 rc, err, k->text);
		}
		le_elector_free(e);
	}
	char err[64];
	assert_int_equal(le_config_validate(NULL, err, sizeof err), LE_EINVAL);
}

static void test_defaults_are_client_go(void **state)
{
	(void)state;
	le_config c;
	le_config_defaults(&c);
	assert_int_equal(c.lease_duration_ns, 15 * S);
	assert_int_equal(c.renew_deadline_ns, 10 * S);
	assert_int_equal(c.retry_period_ns, 2 * S);
	assert_int_equal(c.lock_kind, LE_LOCK_LEASES);
	assert_ptr_equal(c.profile, &le_profile_client_go);
	assert_false(c.release_on_cancel);
	assert_true(c.has_started_leading_cb && c.has_stopped_leading_cb && c.has_lock);
	/* The config handed back keeps copies, not the caller's strings. */
	char id[] = "pod-a";
	c.identity = id;
	c.lock_name = "my-lease";
	le_elector *e = le_elector_new(&c, NULL, 0);
	assert_non_null(e);
	id[0] = 'X';
	assert_string_equal(le_elector_config(e)->identity, "pod-a");
	assert_ptr_equal(le_elector_config(e)->profile, &le_profile_client_go);
	le_elector_free(e);
}

/* Two drivers' last outputs as one sequence, each with or without its
 * logs (seq_of keeps one sequence at a time, hence the copies). */
static void same_seq(const char *what, const char *na, drv *a, bool logs_a,
		     const char *nb, drv *b, bool logs_b)
{
	char x[2048], y[2048];
	snprintf(x, sizeof x, "%s", seq_of(a, logs_a));
	snprintf(y, sizeof y, "%s", seq_of(b, logs_b));
	if (strcmp(x, y) != 0)
		fail_msg("%s: %s [%s], %s [%s]", what, na, x, nb, y);
}

/* le_elector_new_shared: electors made from one configuration (the
 * simulator's big fleets) behave as electors with their own copy, read
 * the caller's configuration where it is and cost a configuration less. */
static void shared_step(drv *own, drv *shared, const char *what)
{
	same_seq(what, "own copy", own, true, "shared", shared, true);
	assert_int_equal(own->writes, shared->writes);
	assert_string_equal(own->st.holder, shared->st.holder);
	assert_int_equal(own->st.renew_wall_ns, shared->st.renew_wall_ns);
	assert_int_equal(own->st.transitions, shared->st.transitions);
	for (size_t i = 0; i < own->nout; i++)
		if (own->out[i].kind == LE_OUT_LOG) {
			char la[512], lb[512];
			le_log_format(own->e, &own->out[i].log, la, sizeof la);
			le_log_format(shared->e, &shared->out[i].log, lb, sizeof lb);
			assert_string_equal(la, lb);
		}
}

static void test_shared_configuration_behaves_as_a_copy(void **state)
{
	(void)state;
	le_config k = cfg_with(&le_profile_client_go);
	k.identity = "not-anyones"; /* ignored: each elector has its own */
	k.release_on_cancel = true;
	le_config mine = k;
	mine.identity = "pod-b";
	drv own, shared;
	drv_init(&own, &mine);
	drv_init(&shared, &mine);
	le_elector_free(shared.e);
	char id[] = "pod-b", err[256] = "";
	shared.e = le_elector_new_shared(&k, id, err, sizeof err);
	if (!shared.e)
		fail_msg("le_elector_new_shared: %s", err);
	id[0] = 'X'; /* the identity is copied */
	assert_string_equal(le_elector_identity(shared.e), "pod-b");
	assert_string_equal(le_elector_identity(own.e), "pod-b");
	assert_ptr_equal(le_elector_config(shared.e), &k); /* not copied */
	assert_true(le_elector_memory(shared.e) + sizeof(le_config) <=
		    le_elector_memory(own.e));

	become_leader(&own);
	become_leader(&shared);
	shared_step(&own, &shared, "acquire");
	for (int i = 0; i < 3; i++) { /* a renew is in flight after each */
		serve(&own);
		serve(&shared);
		shared_step(&own, &shared, "renewed");
		fire(&own);
		fire(&shared);
		shared_step(&own, &shared, "renew sent");
	}
	serve(&own);
	serve(&shared);
	assert_int_equal(own.writes, 5); /* the create and four renewals */
	cancel(&own);
	cancel(&shared);
	shared_step(&own, &shared, "cancel");
	serve(&own); /* the release: its GET, then its UPDATE */
	serve(&shared);
	shared_step(&own, &shared, "release read");
	serve(&own);
	serve(&shared);
	shared_step(&own, &shared, "released");
	assert_string_equal(shared.st.holder, "");
	le_stats sa, sb;
	le_elector_stats(own.e, &sa);
	le_elector_stats(shared.e, &sb);
	assert_memory_equal(&sa, &sb, sizeof sa);
	drv_free(&own);
	drv_free(&shared);
}

/* no_logs: the same outputs but the logs, step for step, over a term
 * (acquire, renewals, a release), and not one LE_OUT_LOG. */
static void quiet_step(drv *loud, drv *quiet, const char *what)
{
	same_seq(what, "with logs", loud, false, "no_logs", quiet, true);
	for (size_t i = 0; i < quiet->nout; i++)
		assert_int_not_equal(quiet->out[i].kind, LE_OUT_LOG);
	assert_int_equal(loud->writes, quiet->writes);
	assert_int_equal(loud->st.renew_wall_ns, quiet->st.renew_wall_ns);
}

static void test_no_logs_changes_nothing_but_the_logs(void **state)
{
	(void)state;
	le_config c = cfg_with(&le_profile_client_go);
	c.release_on_cancel = true;
	le_config q = c;
	q.no_logs = true;
	drv loud, quiet;
	drv_init(&loud, &c);
	drv_init(&quiet, &q);
	become_leader(&loud);
	become_leader(&quiet);
	quiet_step(&loud, &quiet, "acquire");
	size_t logs = 0;
	for (int i = 0; i < 3; i++) {
		serve(&loud);
		serve(&quiet);
		for (size_t j = 0; j < loud.nout; j++)
			logs += loud.out[j].kind == LE_OUT_LOG;
		quiet_step(&loud, &quiet, "renewed");
		fire(&loud);
		fire(&quiet);
		quiet_step(&loud, &quiet, "renew sent");
	}
	assert_true(logs > 0); /* the loud one did log: the test can fail */
	serve(&loud);
	serve(&quiet);
	cancel(&loud);
	cancel(&quiet);
	quiet_step(&loud, &quiet, "cancel");
	serve(&loud);
	serve(&quiet);
	serve(&loud);
	serve(&quiet);
	quiet_step(&loud, &quiet, "released");
	assert_string_equal(quiet.st.holder, "");
	drv_free(&loud);
	drv_free(&quiet);
}

static void test_shared_configuration_errors(void **state)
{
	(void)state;
	le_config k = cfg_with(&le_profile_client_go);
	char err[256] = "";
	/* the identity given is what is validated */
	assert_null(le_elector_new_shared(&k, "", err, sizeof err));
	char want[256] = "";
	le_config v = k;
	v.identity = "";
	assert_int_equal(le_config_validate(&v, want, sizeof want), LE_EINVAL);
	assert_string_equal(err, want);
	assert_null(le_elector_new_shared(NULL, "pod-a", err, sizeof err));
	assert_non_null(strstr(err, "no configuration"));
	/* an own copy fills in client-go's profile; a shared one cannot */
	k.profile = NULL;
	assert_null(le_elector_new_shared(&k, "pod-a", err, sizeof err));
	assert_non_null(strstr(err, "no profile"));
	le_elector *e = le_elector_new(&k, err, sizeof err);
	assert_non_null(e);
	assert_ptr_equal(le_elector_config(e)->profile, &le_profile_client_go);
	le_elector_free(e);
}

static void test_profile_find_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(le_profile_find("client-go"), &le_profile_client_go);
	assert_ptr_equal(le_profile_find("client-go-2018"), &le_profile_client_go_2018);
	assert_ptr_equal(le_profile_find("sidecar-0.5"), &le_profile_sidecar_05);
	assert_null(le_profile_find("client-go-2019"));
	assert_null(le_profile_find(NULL));
	/* the three differ where the spec says they do */
	assert_true(le_profile_client_go.fast_path && !le_profile_client_go_2018.fast_path);
	assert_true(le_profile_sidecar_05.transitions_reset_on_renew &&
		    !le_profile_client_go_2018.transitions_reset_on_renew);
	assert_true(le_profile_sidecar_05.rerun_after_loss &&
		    !le_profile_sidecar_05.on_new_leader_wired);
}

/* ---- 2. acquire --------------------------------------------------------- */

static void test_acquire_missing_lease_creates_then_renews_at_once(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	start(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:ATTEMPTING SEND:GET");
	int64_t t_start = d.mono;
	d.mono += 20 * MS;
	serve(&d); /* 404 */
	assert_string_equal(SEQ_ALL(&d), "SEND:CREATE");
	const le_record *r = &d.req.record;
	assert_string_equal(r->holder, "pod-a");
	assert_true(r->holder_set);
	assert_int_equal(r->lease_duration_s, 15);
	assert_int_equal(r->transitions, 0);
	/* record times are the wall clock of the attempt's start */
	assert_int_equal(r->acquire_wall_ns, wall_at(t_start));
	assert_int_equal(r->renew_wall_ns, wall_at(t_start));
	d.mono += 20 * MS;
	serve(&d); /* 201 */
	assert_string_equal(SEQ_ALL(&d), "NL:pod-a LOG:ACQUIRED STARTED SEND:UPDATE");
	/* the renew pass's first attempt is the fast path, on the cached rv */
	assert_string_equal(d.req.resource_version, "1");
	assert_int_equal(d.req.record.acquire_wall_ns, wall_at(t_start));
	assert_int_equal(d.req.record.renew_wall_ns, wall_at(d.mono));
	assert_true(le_elector_is_leader(d.e));
	assert_string_equal(le_elector_leader(d.e), "pod-a");
	drv_free(&d);
}

/* The output buffers (le_io, 5 KB): given back by le_elector_outputs_done
 * once the outputs are drained, even with a request in flight, and kept
 * without it; a write whose buffers went while it was in flight is still
 * observed as it was sent. */
static void test_output_buffers_only_while_outputs_are_pending(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	size_t idle = le_elector_memory(d.e);
	assert_true(idle > 0 && idle < 3 * 1024);
	assert_int_equal(le_elector_start(d.e, now_of(&d), d.rnd), LE_OK);
	size_t busy = le_elector_memory(d.e);
	assert_true(busy >= idle + 5000); /* the GET's SEND is queued */
	le_elector_outputs_done(d.e);     /* not drained yet: kept */
	assert_int_equal(le_elector_memory(d.e), busy);
	d.drains = 0; /* this drain keeps them (le_test_driver.h) */
	drain(&d);
	assert_int_equal(le_elector_memory(d.e), busy);
	le_elector_outputs_done(d.e); /* drained: given back, GET in flight */
	assert_int_equal(le_elector_memory(d.e), idle);
	d.mono += 20 * MS;
	d.drains = 0;
	serve(&d); /* 404 -> SEND:CREATE, kept by this drain */
	assert_int_equal(d.req.op, LE_OP_CREATE);
	assert_int_equal(le_elector_memory(d.e), busy);
	le_elector_outputs_done(d.e);
	assert_int_equal(le_elector_memory(d.e), idle);
	le_request sent = d.req;
	d.mono += 20 * MS;
	d.drains = 0;
	serve(&d); /* 201: observed is the record the CREATE carried */
	assert_true(le_elector_is_leader(d.e));
	le_record o;
	assert_true(le_elector_observed_record(d.e, &o));
	assert_string_equal(o.holder, sent.record.holder);
	assert_int_equal(o.renew_wall_ns, sent.record.renew_wall_ns);
	assert_int_equal(o.acquire_wall_ns, sent.record.acquire_wall_ns);
	/* without the call they stay, input after input (no malloc per
	 * input for a driver of a few electors) */
	for (int k = 0; k < 3; k++) {
		d.mono += 20 * MS;
		d.drains = 0;
		if (d.pending)
			serve(&d); /* the renew's answer */
		else
			fire(&d); /* the next renew */
		assert_int_equal(le_elector_memory(d.e), busy);
	}
	le_elector_outputs_done(d.e);
	assert_int_equal(le_elector_memory(d.e), idle);
	drv_free(&d);
}

/* A spare slot (le_elector_set_io_spare) passes one output block between
 * electors that give theirs back: the first to give one back leaves it
 * there, the next input takes it, a full slot sends a block to free. */
static void test_io_spare_passes_one_block_between_electors(void **state)
{
	(void)state;
	void *slot = NULL;
	drv a, b;
	le_config ca = cfg_with(NULL), cb = cfg_with(NULL);
	cb.identity = "pod-b";
	drv_init(&a, &ca);
	drv_init(&b, &cb);
	le_elector_set_io_spare(a.e, &slot);
	le_elector_set_io_spare(b.e, &slot);
	size_t idle = le_elector_memory(a.e);
	assert_int_equal(le_elector_start(a.e, now_of(&a), a.rnd), LE_OK);
	a.drains = 0;
	drain(&a);
	le_elector_outputs_done(a.e);
	assert_non_null(slot);
	assert_int_equal(le_elector_memory(a.e), idle);
	void *block = slot;
	assert_int_equal(le_elector_start(b.e, now_of(&b), b.rnd), LE_OK);
	assert_null(slot); /* b's input took it */
	b.drains = 0;
	drain(&b);
	assert_int_equal(b.req.op, LE_OP_GET);
	le_elector_outputs_done(b.e);
	assert_ptr_equal(slot, block);
	/* a's next input takes it back; b's while a holds it mallocs, and the
	 * second to give one back finds the slot full and frees its own */
	a.mono += 20 * MS;
	a.drains = 0;
	serve(&a); /* 404 -> SEND:CREATE */
	assert_int_equal(a.req.op, LE_OP_CREATE);
	assert_null(slot);
	b.mono += 20 * MS;
	b.drains = 0;
	serve(&b);
	le_elector_outputs_done(a.e);
	assert_ptr_equal(slot, block);
	le_elector_outputs_done(b.e); /* freed: ASan sees a leak or a double free */
	assert_ptr_equal(slot, block);
	drv_free(&a);
	drv_free(&b);
	free(slot);
}

static void test_create_conflict_is_a_failed_attempt(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	start(&d);
	reply(&d, 404, NULL, NULL);
	assert_int_equal(d.req.op, LE_OP_CREATE);
	reply(&d, 409, NULL, NULL); /* another candidate created it first */
	assert_string_equal(SEQ_ALL(&d), "LOG:CREATE_ERROR LOG:FAILED_ACQUIRE");
	assert_int_equal(find_log(&d, LE_MSG_CREATE_ERROR)->log.status, 409);
	assert_false(le_elector_leading(d.e));
	assert_int_equal(le_elector_next_deadline(d.e), d.mono + 2 * S);
	drv_free(&d);
}

static void test_acquire_never_held_record_no_new_leader(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record empty;
	memset(&empty, 0, sizeof empty); /* holder absent, duration 0 */
	store_put(&d, &empty);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE"); /* free: taken at once */
	assert_int_equal(d.req.record.transitions, 1);
	serve(&d);
	assert_string_equal(SEQ(&d), "NL:pod-a STARTED SEND:UPDATE");
	assert_int_equal(d.new_leaders, 1); /* never "" */
	drv_free(&d);
}

static void test_acquire_released_record_taken_on_first_sight(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record held = rec_make("pod-b", 15, wall_at(T0 - 100 * S), wall_at(T0 - 1 * S), 3);
	store_put(&d, &held);
	start(&d);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:HELD_BY NL:pod-b LOG:FAILED_ACQUIRE");
	assert_string_equal(find_log(&d, LE_MSG_HELD_BY)->text, "pod-b");
	/* pod-b releases: holder "", leaseDurationSeconds 1, transitions kept */
	le_record released = rec_make("", 1, wall_at(d.mono), wall_at(d.mono), 3);
	store_put(&d, &released);
	assert_true(poll_once(&d));
	assert_int_equal(d.req.record.transitions, 4);
	assert_int_equal(d.req.record.acquire_wall_ns, wall_at(d.mono));
	serve(&d);
	assert_true(le_elector_leading(d.e));
	drv_free(&d);
}

static void test_new_leader_reports_empty_holder_after_failed_takeover(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record held = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &held);
	start(&d);
	serve(&d);
	le_record released = rec_make("", 1, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &released);
	assert_true(poll_once(&d));
	reply(&d, 409, NULL, NULL); /* pod-c got there first */
	assert_string_equal(SEQ_ALL(&d), "LOG:UPDATE_ERROR NL: LOG:FAILED_ACQUIRE");
	assert_string_equal(le_elector_leader(d.e), "");
	assert_int_equal(d.new_leaders, 2);
	drv_free(&d);
}

/* The observed record keeps its strings at their length: identities up to
 * 31 bytes inline, longer ones (and strategy, preferredHolder) on the heap;
 * the raw record's head likewise (64 bytes inline).
 * Every length comes back whole, through the leader, the reported leader,
 * the copy of the record and change detection, and the heap copies count
 * in le_elector_memory. */
static void test_observed_record_keeps_long_strings_whole(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	size_t idle = le_elector_memory(d.e);
	char id31[32], id32[33], id253[254], pref[254];
	memset(id31, 'b', 31), id31[31] = '\0';
	memset(id32, 'c', 32), id32[32] = '\0';
	memset(id253, 'd', 253), id253[253] = '\0';
	memset(pref, 'p', 253), pref[253] = '\0';
	const char *ids[] = {id31, id32, id253, "pod-b"};
	start(&d);
	for (int k = 0; k < 4; k++) {
		le_record held = rec_make(ids[k], 15, wall_at(d.mono), wall_at(d.mono), k);
		snprintf(held.strategy, sizeof held.strategy, "%s", k == 2 ? pref : "");
		snprintf(held.preferred_holder, sizeof held.preferred_holder, "%s",
			 k == 2 ? pref : "");
		store_put(&d, &held);
		if (k > 0)
			fire(&d);
		serve(&d);
		assert_string_equal(find_log(&d, LE_MSG_HELD_BY)->text, ids[k]);
		assert_string_equal(le_elector_leader(d.e), ids[k]);
		assert_string_equal(le_elector_reported_leader(d.e), ids[k]);
		le_record o;
		assert_true(le_elector_observed_record(d.e, &o));
		assert_string_equal(o.holder, ids[k]);
		assert_string_equal(o.strategy, held.strategy);
		assert_string_equal(o.preferred_holder, held.preferred_holder);
		assert_int_equal(o.transitions, k);
		/* heap: the long holder, reported leader, strategy, preferred,
		 * and from the first key over 64 bytes (31 + a 253-byte holder;
		 * 31 + 32 still fit) the 256-byte block of the raw record's
		 * head, kept once made */
		size_t heap = (k >= 2 ? 256 : 0) +
			      (k == 1 ? 2 * 33 : k == 2 ? 4 * 254 : 0);
		le_elector_outputs_done(d.e);
		assert_int_equal(le_elector_memory(d.e), idle + heap);
	}
	drv_free(&d);
}

/* observe at O (the response's time), then attempts at O+LD-1ns (held) or
 * O+LD (taken: valid only while observedTime + LD is strictly after now) */
static void expiry_boundary(int64_t delta_ns, bool taken)
{
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record held = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &held);
	start(&d);
	d.mono += 300 * MS; /* latency: observedTime is the response's time */
	serve(&d);
	int64_t observed = d.mono;
	for (int k = 1; k <= 5; k++) {
		assert_false(poll_once(&d));
		assert_int_equal(d.mono, observed + 2 * k * S);
	}
	fire(&d); /* attempt at O+12 s, answered at O+13 s + delta */
	d.mono += 1 * S + delta_ns;
	serve(&d);
	assert_false(d.pending);
	bool took = poll_once(&d); /* at O+15 s + delta */
	assert_int_equal(d.mono, observed + 15 * S + delta_ns);
	assert_int_equal(took, taken);
	if (taken)
		assert_int_equal(d.req.record.transitions, 1);
	drv_free(&d);
}

static void test_held_record_taken_only_when_ld_has_passed(void **state)
{
	(void)state;
	expiry_boundary(-1, false);
	expiry_boundary(0, true);
}

static void test_takeover_increments_transitions_renew_keeps_them(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	int64_t b_acquired = wall_at(T0 - 500 * S);
	le_record held = rec_make("pod-b", 15, b_acquired, wall_at(T0 - 30 * S), 7);
	store_put(&d, &held);
	start(&d);
	serve(&d); /* first sight: held */
	while (!poll_once(&d))
		;
	int64_t took_at = d.mono;
	assert_int_equal(d.req.record.transitions, 8);
	assert_int_equal(d.req.record.acquire_wall_ns, wall_at(took_at));
	serve(&d);
	for (int i = 0; i < 3; i++) { /* fast-path renewals */
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_int_equal(d.req.record.transitions, 8);
		assert_int_equal(d.req.record.acquire_wall_ns, wall_at(took_at));
		assert_int_equal(d.req.record.renew_wall_ns, wall_at(d.mono));
		serve(&d);
		fire(&d);
	}
	assert_int_equal(d.st.transitions, 8);
	assert_int_equal(d.st.acquire_wall_ns, wall_at(took_at));
	drv_free(&d);
}

typedef struct jitter_case {
	uint64_t rnd;
	int64_t lo, hi; /* wait in [lo, hi] */
} jitter_case;

static void test_acquire_wait_is_uniform_rp_to_2_2rp(void **state)
{
	(void)state;
	const jitter_case cases[] = {
		{0, 2 * S, 2 * S},                                       /* exactly RP */
		{UINT64_C(1) << 63, 3200 * MS, 3200 * MS},               /* RP + 0.6 RP */
		{UINT64_MAX, 4400 * MS - 1000, 4400 * MS - 1},           /* just under 2.2 RP */
		{UINT64_C(0x7ff), 2 * S, 2 * S},                         /* low bits unused */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		drv d;
		le_config c = cfg_with(NULL);
		drv_init(&d, &c);
		le_record held = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &held);
		start(&d);
		d.mono += 100 * MS;
		d.rnd = cases[i].rnd; /* the draw of the input that ends the try */
		serve(&d);
		/* timed from the END of the attempt */
		int64_t wait = le_elector_next_deadline(d.e) - d.mono;
		if (wait < cases[i].lo || wait > cases[i].hi)
			fail_msg("rnd %#llx: wait %lld not in [%lld, %lld]",
				 (unsigned long long)cases[i].rnd, (long long)wait,
				 (long long)cases[i].lo, (long long)cases[i].hi);
		drv_free(&d);
	}
	/* odd retry periods keep the bound strict too */
	le_config c = cfg_with(NULL);
	c.retry_period_ns = 1234567891;
	c.renew_deadline_ns = 2 * c.retry_period_ns;
	c.lease_duration_ns = 3 * c.retry_period_ns;
	drv d;
	drv_init(&d, &c);
	start(&d);
	d.rnd = UINT64_MAX;
	reply(&d, 500, NULL, NULL);
	int64_t wait = le_elector_next_deadline(d.e) - d.mono;
	assert_true((double)(wait - c.retry_period_ns) < 1.2 * (double)c.retry_period_ns);
	assert_true(wait > c.retry_period_ns * 2);
	drv_free(&d);
}

/* ---- 3. renew ----------------------------------------------------------- */

static void test_renew_by_fast_path_every_rp(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	int64_t acquired = d.st.acquire_wall_ns;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_string_equal(d.req.resource_version, rv_str(&d));
		d.mono += 40 * MS; /* PUT latency */
		serve(&d);
		assert_string_equal(SEQ_ALL(&d), "LOG:RENEWED");
		assert_int_equal(find_log(&d, LE_MSG_RENEWED)->log.verbosity, 5);
		/* RP exactly, from the end of the pass */
		assert_int_equal(le_elector_next_deadline(d.e), d.mono + 2 * S);
		fire(&d);
	}
	assert_int_equal(d.st.acquire_wall_ns, acquired);
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.attempts, 6); /* acquire + 5 renew attempts */
	assert_int_equal(st.requests, 7); /* GET, CREATE, 5 UPDATEs */
	assert_int_equal(st.slowpath, 0);
	assert_int_equal(st.acquisitions, 1);
	assert_int_equal(st.errors, 0);
	drv_free(&d);
}

static void test_fast_path_conflict_falls_back_to_slow_path(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	fire(&d); /* second pass */
	/* a cancelled-but-committed write of ours bumped the rv (#131867) */
	store_put(&d, &d.st);
	int64_t attempt_start = d.mono;
	d.mono += 10 * MS;
	serve(&d); /* 409 */
	assert_string_equal(SEQ_ALL(&d), "LOG:FAST_PATH_FAILED SEND:GET");
	assert_int_equal(find_log(&d, LE_MSG_FAST_PATH_FAILED)->log.verbosity, 2);
	serve(&d); /* GET: still ours */
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	assert_string_equal(d.req.resource_version, rv_str(&d));
	/* same attempt: its `now` is still the attempt's start */
	assert_int_equal(d.req.record.renew_wall_ns, wall_at(attempt_start));
	assert_int_equal(d.req.record.acquire_wall_ns, d.st.acquire_wall_ns);
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:RENEWED");
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.slowpath, 1);
	assert_int_equal(st.errors, 1);
	assert_true(le_elector_leading(d.e));
	drv_free(&d);
}

static void test_renew_ticks_coalesce_and_pass_fails_at_deadline(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	int64_t p = d.mono; /* pass start; deadline p + 10 s */
	/* attempt 1 at +0 fails at +0.5 */
	d.mono = p + 500 * MS;
	reply(&d, 500, NULL, NULL);
	assert_int_equal(d.req.op, LE_OP_GET); /* fast path failed -> slow path */
	reply(&d, 500, NULL, NULL);
	assert_false(d.pending);
	assert_int_equal(le_elector_next_deadline(d.e), p + 2 * S);
	/* attempt 2 at +2 runs past the +4 tick: the next starts at its end */
	fire(&d);
	assert_int_equal(d.mono, p + 2 * S);
	d.mono = p + 4500 * MS;
	reply(&d, 500, NULL, NULL);
	reply(&d, 500, NULL, NULL);
	assert_true(d.pending); /* attempt 3 began in the same input */
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	reply(&d, 500, NULL, NULL);
	reply(&d, 500, NULL, NULL);
	assert_int_equal(le_elector_next_deadline(d.e), p + 6 * S);
	fire(&d);
	reply(&d, 500, NULL, NULL);
	reply(&d, 500, NULL, NULL);
	assert_int_equal(le_elector_next_deadline(d.e), p + 8 * S);
	fire(&d);
	reply(&d, 500, NULL, NULL);
	reply(&d, 500, NULL, NULL);
	/* the next tick (+10) is not before the deadline: the pass fails there */
	assert_int_equal(le_elector_next_deadline(d.e), p + 10 * S);
	fire(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:FAILED_RENEW STOPPED:1 DONE");
	assert_string_equal(find_log(&d, LE_MSG_FAILED_RENEW)->text,
			    "context deadline exceeded");
	assert_int_equal(d.stopped, 1);
	assert_int_equal(le_elector_next_deadline(d.e), INT64_MAX);
	assert_true(le_elector_done(d.e));
	drv_free(&d);
}

static void test_renew_deadline_aborts_hung_request(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL); /* request timeout max(1 s, RD/2) = 5 s */
	drv_init(&d, &c);
	become_leader(&d);
	int64_t p = d.mono;
	assert_int_equal(d.req.timeout_ns, 5 * S);
	fire(&d); /* the PUT hangs: the client timeout aborts it at +5 */
	assert_int_equal(d.mono, p + 5 * S);
	assert_string_equal(SEQ_ALL(&d),
			    "ABORT LOG:ABORTED LOG:FAST_PATH_FAILED SEND:GET");
	uint64_t get_id = d.req.id;
	fire(&d); /* the GET hangs too: the pass deadline aborts it at +10 */
	assert_int_equal(d.mono, p + 10 * S);
	assert_string_equal(SEQ_ALL(&d),
			    "ABORT LOG:ABORTED LOG:FAILED_RENEW STOPPED:1 DONE");
	assert_int_equal(d.out[0].id, get_id);
	/* a late answer to an aborted request is ignored */
	le_response late = {.id = get_id, .status = 200};
	assert_int_equal(le_elector_on_response(d.e, now_of(&d), &late, 0), LE_OK);
	drain(&d);
	assert_int_equal(d.nout, 0);
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.aborted, 2);
	assert_int_equal(st.renew_failures, 1);
	assert_int_equal(st.losses, 1);
	drv_free(&d);
}

static void test_request_timeout_aborts_in_acquire(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.request_timeout_ns = 3 * S;
	drv_init(&d, &c);
	start(&d);
	uint64_t id = d.req.id;
	assert_int_equal(d.req.timeout_ns, 3 * S);
	fire(&d);
	assert_int_equal(d.mono, T0 + 3 * S);
	assert_string_equal(SEQ_ALL(&d), "ABORT LOG:ABORTED LOG:GET_ERROR LOG:FAILED_ACQUIRE");
	assert_int_equal(find_log(&d, LE_MSG_GET_ERROR)->log.status, 0);
	/* its response, arriving later, is ignored: no create, no leadership */
	le_response r = {.id = id, .status = 404};
	assert_int_equal(le_elector_on_response(d.e, now_of(&d), &r, 0), LE_OK);
	drain(&d);
	assert_int_equal(d.nout, 0);
	le_stats st;
	le_elector_stats(d.e, &st);
	assert_int_equal(st.aborted, 1);
	assert_int_equal(st.errors, 1);
	drv_free(&d);
}

typedef struct timeout_case {
	const le_profile *profile;
	int64_t configured, rd, want;
} timeout_case;

static void test_request_timeout_defaults(void **state)
{
	(void)state;
	const timeout_case cases[] = {
		{&le_profile_client_go, 0, 10 * S, 5 * S},
		{&le_profile_client_go, 0, 1500 * MS, 1 * S}, /* max(1 s, RD/2) */
		{&le_profile_client_go, 3 * S, 10 * S, 3 * S},
		{&le_profile_client_go, -1, 10 * S, 0},
		{&le_profile_client_go_2018, 0, 10 * S, 0},
		{&le_profile_sidecar_05, 0, 10 * S, 0},
		{&le_profile_sidecar_05, 7 * S, 10 * S, 7 * S},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		le_config c = cfg_with(cases[i].profile);
		c.request_timeout_ns = cases[i].configured;
		c.renew_deadline_ns = cases[i].rd;
		c.retry_period_ns = cases[i].rd / 2 - 1;
		drv d;
		drv_init(&d, &c);
		start(&d);
		assert_int_equal(d.req.timeout_ns, cases[i].want);
		int64_t deadline = le_elector_next_deadline(d.e);
		assert_int_equal(deadline, cases[i].want ? T0 + cases[i].want : INT64_MAX);
		drv_free(&d);
	}
}

/* ---- 4. release and cancel --------------------------------------------- */

static void renew_once_then_cancel(drv *d)
{
	become_leader(d);
	serve(d);  /* the pass's first renew succeeds */
	d->mono += 1 * S; /* between passes */
	cancel(d);
}

static void test_release_gets_then_writes_empty_holder(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	renew_once_then_cancel(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	assert_true(le_elector_leading(d.e)); /* the context lives on during release */
	d.mono += 30 * MS;
	int32_t transitions = d.st.transitions;
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "SEND:UPDATE");
	const le_record *r = &d.req.record;
	assert_string_equal(r->holder, "");
	assert_true(r->holder_set);
	assert_int_equal(r->lease_duration_s, 1);
	assert_int_equal(r->acquire_wall_ns, wall_at(d.mono));
	assert_int_equal(r->renew_wall_ns, wall_at(d.mono));
	assert_int_equal(r->transitions, transitions);
	assert_string_equal(d.req.resource_version, rv_str(&d));
	serve(&d);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	assert_string_equal(d.st.holder, "");
	assert_false(le_elector_is_leader(d.e));
	assert_string_equal(le_elector_leader(d.e), "");
	assert_false(le_elector_leading(d.e));
	assert_int_equal(d.stopped, 1);
	drv_free(&d);
}

static void test_release_retries_on_conflict(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_head); /* 1b1630d32 */
	c.release_on_cancel = true;
	drv_init(&d, &c);
	renew_once_then_cancel(&d);
	serve(&d); /* GET */
	/* a write of ours that the client gave up on commits now */
	store_put(&d, &d.st);
	serve(&d); /* PUT -> 409 */
	assert_string_equal(SEQ_ALL(&d), "LOG:RELEASE_CONFLICT SEND:GET");
	serve(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	assert_string_equal(d.req.resource_version, rv_str(&d));
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:RELEASED STOPPED:1 DONE");
	assert_string_equal(d.st.holder, "");
	drv_free(&d);
}

/* kubernetes#131867 as client-go 1.30-1.33 had it: release PUTs with the
 * cached resourceVersion at once, and a write of ours that committed after
 * the client gave up makes it 409 -- no GET first, no retry: the lease stays
 * held until it expires. */
static void test_release_2024_conflict_gives_up(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2024);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	renew_once_then_cancel(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE); /* no GET first */
	store_put(&d, &d.st); /* the abandoned renewal commits: rv moves */
	serve(&d);            /* PUT with the stale rv -> 409 */
	assert_string_equal(SEQ_ALL(&d), "LOG:RELEASE_FAILED STOPPED:1 DONE");
	assert_string_not_equal(d.st.holder, ""); /* still held */
	drv_free(&d);
}

static void test_release_trusts_local_view_hazard_h2(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	/* pod-a is paused; pod-b takes over meanwhile */
	d.mono += 40 * S;
	le_record b = rec_make("pod-b", 15, wall_at(d.mono), wall_at(d.mono), d.st.transitions + 1);
	store_put(&d, &b);
	cancel(&d);
	serve(&d); /* the GET sees pod-b, but IsLeader() reads the local record */
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	assert_string_equal(d.req.resource_version, rv_str(&d));
	serve(&d);
	assert_string_equal(d.st.holder, ""); /* pod-b's lease was wiped */
	assert_int_equal(d.st.transitions, b.transitions);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	drv_free(&d);
}

static void test_release_bounded_by_renew_deadline(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	c.request_timeout_ns = -1;
	drv_init(&d, &c);
	renew_once_then_cancel(&d);
	int64_t cancelled = d.mono;
	fire(&d); /* the GET hangs */
	assert_int_equal(d.mono, cancelled + 10 * S);
	assert_string_equal(SEQ_ALL(&d),
			    "ABORT LOG:ABORTED LOG:RELEASE_FAILED STOPPED:1 DONE");
	drv_free(&d);
}

static void test_release_skipped_without_profile_support(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2018);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	cancel(&d);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	drv_free(&d);
}

static void test_failed_renew_releases_too(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	while (!find_log(&d, LE_MSG_FAILED_RENEW)) {
		if (d.pending)
			reply(&d, 500, NULL, NULL);
		else
			fire(&d);
	}
	/* after the failed pass, release runs before OnStoppedLeading (H1) */
	assert_true(d.pending);
	assert_int_equal(d.req.op, LE_OP_GET);
	assert_non_null(find_log(&d, LE_MSG_FAILED_RENEW));
	assert_int_equal(d.stopped, 0);
	assert_true(le_elector_leading(d.e));
	serve(&d);
	serve(&d);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	assert_string_equal(d.st.holder, "");
	drv_free(&d);
}

typedef struct cancel_case {
	const char *what;
	void (*setup)(drv *d);
	const char *want; /* SEQ_ALL after cancel */
	bool was_leader;
} cancel_case;

static void setup_nothing(drv *d) { (void)d; }
static void setup_acquire_waiting(drv *d)
{
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(d, &b);
	start(d);
	serve(d);
	d->mono += 1 * S;
}
static void setup_acquire_inflight(drv *d) { start(d); }
static void setup_renew_inflight(drv *d) { become_leader(d); }
static void setup_renew_waiting_tick(drv *d)
{
	become_leader(d);
	reply(d, 500, NULL, NULL);
	reply(d, 500, NULL, NULL);
}
static void setup_renew_gap(drv *d)
{
	become_leader(d);
	serve(d);
	d->mono += 1 * S;
}

static void test_cancel_in_each_state(void **state)
{
	(void)state;
	const cancel_case cases[] = {
		/* Run defers OnStoppedLeading before acquire looks at ctx */
		{"before start", setup_nothing, "LOG:ATTEMPTING STOPPED:0 DONE", false},
		{"acquire, waiting", setup_acquire_waiting, "STOPPED:0 DONE", false},
		{"acquire, request in flight", setup_acquire_inflight,
		 "ABORT LOG:ABORTED LOG:FAILED_ACQUIRE STOPPED:0 DONE", false},
		{"renew, request in flight", setup_renew_inflight,
		 "ABORT LOG:ABORTED LOG:FAILED_RENEW STOPPED:1 DONE", true},
		{"renew, waiting for a tick", setup_renew_waiting_tick,
		 "LOG:FAILED_RENEW STOPPED:1 DONE", true},
		{"renew, between passes", setup_renew_gap, "STOPPED:1 DONE", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		drv d;
		le_config c = cfg_with(NULL);
		drv_init(&d, &c);
		cases[i].setup(&d);
		cancel(&d);
		if (strcmp(SEQ_ALL(&d), cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].what, SEQ_ALL(&d),
				 cases[i].want);
		const cap_out *f = find_log(&d, LE_MSG_FAILED_RENEW);
		if (f)
			assert_string_equal(f->text, "context canceled");
		assert_true(le_elector_done(&*d.e));
		assert_false(le_elector_leading(d.e));
		assert_int_equal(le_elector_next_deadline(d.e), INT64_MAX);
		assert_int_equal(d.stopped, 1); /* every case: OnStoppedLeading is deferred */
		/* after DONE: no more inputs make sense, none has an effect */
		assert_int_equal(le_elector_cancel(d.e, now_of(&d), 0), LE_ESTATE);
		assert_int_equal(le_elector_start(d.e, now_of(&d), 0), LE_ESTATE);
		d.mono += 100 * S;
		assert_int_equal(le_elector_on_timer(d.e, now_of(&d), 0), LE_OK);
		drain(&d);
		assert_int_equal(d.nout, 0);
		drv_free(&d);
	}
}

static void test_cancel_during_release_lets_it_finish(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	renew_once_then_cancel(&d);
	cancel(&d); /* again: the release keeps going */
	assert_int_equal(d.nout, 0);
	assert_true(d.pending);
	serve(&d);
	serve(&d);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	assert_int_equal(d.stopped, 1);
	assert_int_equal(d.done, 1);
	drv_free(&d);
}

static void test_start_twice_and_unknown_responses(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	start(&d);
	assert_int_equal(le_elector_start(d.e, now_of(&d), 0), LE_ESTATE);
	le_response bogus = {.id = d.req.id + 7, .status = 404};
	assert_int_equal(le_elector_on_response(d.e, now_of(&d), &bogus, 0), LE_OK);
	drain(&d);
	assert_int_equal(d.nout, 0);
	assert_true(d.pending);
	/* an early timer call is harmless */
	assert_int_equal(le_elector_on_timer(d.e, now_of(&d), 0), LE_OK);
	drain(&d);
	assert_int_equal(d.nout, 0);
	drv_free(&d);
}

/* ---- 5. callbacks and healthz ---------------------------------------- */

static void test_callbacks_order_and_counts_over_a_term(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 2);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	while (!poll_once(&d))
		;
	serve(&d);
	assert_string_equal(SEQ_ALL(&d), "NL:pod-a LOG:ACQUIRED STARTED SEND:UPDATE");
	for (int i = 0; i < 5; i++) {
		serve(&d);
		fire(&d);
	}
	d.st_rv += 10; /* the leader is cut off from its own lease */
	while (!le_elector_done(d.e)) {
		if (d.pending)
			reply(&d, 503, NULL, NULL);
		else
			fire(&d);
	}
	assert_int_equal(d.started, 1);
	assert_int_equal(d.stopped, 1);
	assert_int_equal(d.done, 1);
	assert_int_equal(d.new_leaders, 2); /* pod-b, then self */
	drv_free(&d);
}

static void test_healthz_tolerates_ld_plus_tolerance(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	char err[128] = "";
	start(&d);
	assert_int_equal(le_elector_check(d.e, d.mono + 1000 * S, 20 * S, err, sizeof err), LE_OK);
	serve(&d);
	serve(&d); /* leader, observedTime = now */
	int64_t observed = d.mono;
	assert_int_equal(le_elector_check(d.e, observed + 35 * S, 20 * S, err, sizeof err), LE_OK);
	assert_int_equal(le_elector_check(d.e, observed + 35 * S + 1, 20 * S, err, sizeof err),
			 LE_ETIMEDOUT);
	assert_string_equal(err, "failed election to renew leadership on lease my-lease");
	d.mono += 1 * S;
	serve(&d); /* a renewal moves observedTime */
	assert_int_equal(le_elector_check(d.e, observed + 35 * S + 1, 20 * S, err, sizeof err), LE_OK);
	drv_free(&d);
}

/* ---- 6. what each profile changes --------------------------------------- */

static void test_2018_hung_request_never_ends_the_pass(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2018);
	drv_init(&d, &c);
	become_leader(&d);
	int64_t p = d.mono;
	assert_false(d.pending); /* Poll: the first attempt comes after RP */
	fire(&d);
	assert_int_equal(d.mono, p + 2 * S);
	assert_int_equal(d.req.op, LE_OP_GET); /* no fast path */
	assert_int_equal(d.req.timeout_ns, 0);
	assert_int_equal(le_elector_next_deadline(d.e), INT64_MAX);
	d.mono += 3600 * S;
	assert_int_equal(le_elector_on_timer(d.e, now_of(&d), 0), LE_OK);
	drain(&d);
	assert_int_equal(d.nout, 0);
	assert_true(le_elector_leading(d.e));
	/* when the call finally returns, the closed poll gets one more
	 * attempt (wait.WaitFor); when that fails too, the pass is over */
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR SEND:GET");
	reply(&d, 500, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR LOG:FAILED_RENEW STOPPED:1 DONE");
	assert_string_equal(find_log(&d, LE_MSG_FAILED_RENEW)->text,
			    "timed out waiting for the condition");
	drv_free(&d);
}

static void test_2018_renew_pass_poll_timing(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_2018);
	drv_init(&d, &c);
	become_leader(&d);
	for (int i = 0; i < 3; i++) {
		int64_t pass = d.mono;
		assert_int_equal(le_elector_next_deadline(d.e), pass + 2 * S);
		fire(&d);
		serve(&d); /* GET */
		d.mono += 100 * MS;
		serve(&d); /* PUT */
		assert_string_equal(SEQ_ALL(&d), "LOG:RENEWED");
		/* outer loop period 0: the next pass starts now, its attempt RP later */
	}
	drv_free(&d);
}

typedef struct expiry_case {
	const le_profile *profile;
	int64_t first_take_after_observed;
} expiry_case;

static void test_expiry_record_duration_vs_local_ld(void **state)
{
	(void)state;
	/* pod-b writes leaseDurationSeconds 60; our LD is 15 (#47671). The
	 * observing GET answers at once, but observedTime is read after it
	 * returned (2.4 step 3), so the poll exactly 60 s later still finds the
	 * lease valid and the one after takes it. */
	const expiry_case cases[] = {
		{&le_profile_client_go, 62 * S},
		{&le_profile_client_go_2018, 16 * S},
	};
	for (size_t i = 0; i < 2; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		drv_init(&d, &c);
		le_record b = rec_make("pod-b", 60, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &b);
		start(&d);
		serve(&d);
		int64_t observed = d.mono;
		while (!poll_once(&d))
			;
		assert_int_equal(d.mono - observed, cases[i].first_take_after_observed);
		drv_free(&d);
	}
}

static void test_empty_holder_not_special_in_2018(void **state)
{
	(void)state;
	const expiry_case cases[] = {
		{&le_profile_client_go, 0},
		{&le_profile_client_go_2018, 16 * S}, /* waits out its own LD */
	};
	for (size_t i = 0; i < 2; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		drv_init(&d, &c);
		le_record released = rec_make("", 1, wall_at(T0), wall_at(T0), 4);
		store_put(&d, &released);
		start(&d);
		serve(&d);
		int64_t observed = d.mono;
		while (!(d.pending && d.req.op == LE_OP_UPDATE))
			poll_once(&d);
		assert_int_equal(d.mono - observed, cases[i].first_take_after_observed);
		assert_int_equal(d.req.record.transitions, 5);
		drv_free(&d);
	}
}

typedef struct change_case {
	const le_profile *profile;
	int64_t take_after_first_sight;
} change_case;

static void test_change_detection_raw_bytes_vs_parsed_record(void **state)
{
	(void)state;
	/* At +10 s the same record comes back with different raw bytes (say,
	 * re-serialized annotation JSON). Raw comparison restamps
	 * observedTime; parsed equality does not. */
	const change_case cases[] = {
		{&le_profile_client_go, 26 * S},
		{&le_profile_client_go_2018, 16 * S},
	};
	for (size_t i = 0; i < 2; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		drv_init(&d, &c);
		le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &b);
		start(&d);
		serve(&d);
		int64_t first = d.mono;
		static const char other[] = "{\"holderIdentity\": \"pod-b\"}";
		for (int k = 0; k < 4; k++)
			assert_false(poll_once(&d));
		do { /* from +10 s on, the other bytes */
			fire(&d);
			reply_raw(&d, 200, &b, rv_str(&d), other, sizeof other - 1, NULL);
			if (d.mono == first + 10 * S)
				assert_false(d.pending);
		} while (!d.pending);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_int_equal(d.mono - first, cases[i].take_after_first_sight);
		drv_free(&d);
	}
}

typedef struct restart_case {
	const le_profile *profile;
	int32_t want_transitions;
} restart_case;

static void test_same_identity_renews_and_05_resets_transitions(void **state)
{
	(void)state;
	/* A restarted process with the recorded identity renews at once; the
	 * 0.5 holder writes leaderTransitions 0, the others keep it. */
	const restart_case cases[] = {
		{&le_profile_client_go, 5},
		{&le_profile_client_go_2018, 5},
		{&le_profile_sidecar_05, 0},
	};
	for (size_t i = 0; i < 3; i++) {
		drv d;
		le_config c = cfg_with(cases[i].profile);
		drv_init(&d, &c);
		int64_t acquired = wall_at(T0 - 3600 * S);
		le_record mine = rec_make("pod-a", 15, acquired, wall_at(T0 - 1 * S), 5);
		store_put(&d, &mine);
		start_booted(&d);
		serve(&d);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		assert_int_equal(d.req.record.transitions, cases[i].want_transitions);
		assert_int_equal(d.req.record.acquire_wall_ns, acquired);
		drv_free(&d);
	}
}

static void test_05_transitions_read_one_after_takeover_then_zero(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_sidecar_05);
	c.lease_duration_ns = 10 * S;
	c.renew_deadline_ns = 5 * S;
	c.retry_period_ns = 2500 * MS;
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 10, wall_at(T0 - 60 * S), wall_at(T0 - 30 * S), 0);
	store_put(&d, &b);
	start_booted(&d);
	serve(&d);
	while (!poll_once(&d))
		;
	assert_int_equal(d.req.record.transitions, 1);
	serve(&d);
	fire(&d);
	serve(&d);
	serve(&d);
	assert_int_equal(d.st.transitions, 0);
	/* OnNewLeader is not wired in 0.5: what it reports is the sidecar's
	 * callback only, the holder at startup and itself on becoming leader */
	assert_int_equal(d.new_leaders, 2);
	drv_free(&d);
}

static void test_05_reruns_acquire_after_loss(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_05();
	drv_init(&d, &c);
	become_leader(&d);
	int64_t p = d.mono;
	fire(&d); /* +2.5 s */
	reply(&d, 500, NULL, NULL);
	/* +5 s: the deadline closes the poll, which runs one last attempt */
	fire(&d);
	assert_int_equal(d.mono, p + 5 * S);
	assert_string_equal(SEQ_ALL(&d), "SEND:GET");
	reply(&d, 500, NULL, NULL);
	/* Run returns: OnStoppedLeading GETs the holder for the sidecar */
	assert_string_equal(SEQ_ALL(&d), "LOG:GET_ERROR LOG:FAILED_RENEW STOPPED:1 SEND:GET");
	assert_false(le_elector_leading(d.e));
	serve(&d);
	/* ... and wait.Forever runs Run again with the same state */
	assert_string_equal(SEQ_ALL(&d), "NL:pod-a LOG:ATTEMPTING SEND:GET");
	assert_false(le_elector_done(d.e));
	serve(&d); /* its own record, still there: it leads again */
	serve(&d);
	assert_int_equal(d.started, 2);
	assert_int_equal(d.new_leaders, 4); /* "", pod-a, pod-a, pod-a */
	cancel(&d);
	assert_string_equal(SEQ(&d), "STOPPED:1 DONE");
	assert_int_equal(d.stopped, 2);
	drv_free(&d);
}

static void test_05_wall_clock_step_expires_lease_h5(void **state)
{
	(void)state;
	const le_profile *profiles[] = {&le_profile_sidecar_05, &le_profile_client_go};
	for (size_t i = 0; i < 2; i++) {
		drv d;
		le_config c = cfg_with(profiles[i]);
		c.lease_duration_ns = 10 * S;
		c.renew_deadline_ns = 5 * S;
		c.retry_period_ns = 2500 * MS;
		drv_init(&d, &c);
		le_record b = rec_make("pod-b", 10, wall_at(T0), wall_at(T0), 0);
		store_put(&d, &b);
		start_booted(&d);
		serve(&d);
		d.wall_step = 10 * S; /* NTP steps the wall clock forward */
		bool took = poll_once(&d);
		assert_int_equal(took, profiles[i] == &le_profile_sidecar_05);
		drv_free(&d);
	}
}

/* ---- 7. log text ---------------------------------------------------------- */

typedef struct words_case {
	const le_profile *profile;
	le_msg msg;
	const char *arg;
	const char *want;
} words_case;

static void test_log_words_per_profile(void **state)
{
	(void)state;
	/* klog.Infof words (client-go-1.31 and older) */
	const le_profile *go = &le_profile_client_go_1_31, *v05 = &le_profile_sidecar_05;
	/* contextual logging (1.35+: client-go = client-go-1.34, head) */
	const le_profile *ctx = &le_profile_client_go, *head = &le_profile_client_go_head;
	const words_case cases[] = {
		{ctx, LE_MSG_ATTEMPTING_ACQUIRE, NULL,
		 "\"Attempting to acquire leader lease...\" lock=\"default/my-lease\""},
		{ctx, LE_MSG_FAILED_RENEW, "context deadline exceeded",
		 "\"Failed to renew lease\" lock=\"default/my-lease\" err=\"context deadline exceeded\""},
		{ctx, LE_MSG_HELD_BY, "pod-b",
		 "\"Lease is held by and has not yet expired\" lock=\"default/my-lease\" holder=\"pod-b\""},
		{ctx, LE_MSG_GET_ERROR, "boom",
		 "\"Error retrieving lease lock\" err=\"boom\" lock=\"default/my-lease\""},
		{ctx, LE_MSG_UPDATE_ERROR, "conflict",
		 "\"Failed to update lease\" err=\"conflict\" lock=\"default/my-lease\""},
		{head, LE_MSG_RELEASE_CONFLICT, NULL,
		 "\"Conflict when releasing lease, retrying\" lock=\"default/my-lease\""},
		{head, LE_MSG_RELEASE_FAILED, "boom",
		 "\"Failed to release lease\" err=\"boom\" lock=\"default/my-lease\""},
		{go, LE_MSG_RELEASE_FAILED, "boom", "Failed to release lock: boom"},
		{go, LE_MSG_FAST_PATH_FAILED, "boom",
		 "Failed to update lock optimitically: boom, falling back to slow path"},
		{&le_profile_client_go_1_11, LE_MSG_HELD_BY, "pod-b",
		 "lock is held by pod-b and has not yet expired"},
		{go, LE_MSG_ATTEMPTING_ACQUIRE, NULL, "attempting to acquire leader lease default/my-lease..."},
		{go, LE_MSG_ACQUIRED, NULL, "successfully acquired lease default/my-lease"},
		{go, LE_MSG_FAILED_RENEW, "context deadline exceeded",
		 "failed to renew lease default/my-lease: context deadline exceeded"},
		{go, LE_MSG_HELD_BY, "pod-b", "lock is held by pod-b and has not yet expired"},
		{go, LE_MSG_GET_ERROR, "boom", "error retrieving resource lock default/my-lease: boom"},
		{go, LE_MSG_UPDATE_ERROR, "conflict", "Failed to update lock: conflict"},
		{v05, LE_MSG_ATTEMPTING_ACQUIRE, NULL, ""},
		{v05, LE_MSG_ACQUIRED, NULL, "sucessfully acquired lease default/my-lease"},
		{v05, LE_MSG_FAILED_ACQUIRE, NULL, "failed to renew lease default/my-lease"},
		{v05, LE_MSG_RENEWED, NULL, "succesfully renewed lease default/my-lease"},
		{v05, LE_MSG_FAILED_RENEW, "timed out waiting for the condition",
		 "failed to renew lease default/my-lease"},
		{v05, LE_MSG_HELD_BY, "pod-b", "lock is held by pod-b and has not yet expired"},
		{v05, LE_MSG_GET_ERROR, "boom", "error retrieving endpoint: boom"},
		{v05, LE_MSG_CREATE_ERROR, "boom", "error initially creating endpoints: boom"},
		{v05, LE_MSG_UPDATE_ERROR, "Operation cannot be fulfilled", "err: Operation cannot be fulfilled"},
		{v05, LE_MSG_IS_THE_LEADER, "pod-b", "pod-b is the leader"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		le_config c = cfg_with(cases[i].profile);
		le_elector *e = le_elector_new(&c, NULL, 0);
		le_log log = {.msg = cases[i].msg, .arg = cases[i].arg};
		char buf[256];
		int n = le_log_format(e, &log, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, (int)strlen(cases[i].want));
		le_elector_free(e);
	}
	/* truncation keeps a terminated prefix and says how much was written */
	le_config c = cfg_with(go);
	le_elector *e = le_elector_new(&c, NULL, 0);
	le_log log = {.msg = LE_MSG_ACQUIRED};
	char small[11];
	assert_int_equal(le_log_format(e, &log, small, sizeof small), 10);
	assert_string_equal(small, "successful");
	le_elector_free(e);
}

static void test_log_outputs_format_end_to_end(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 0);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	const cap_out *o = find_log(&d, LE_MSG_HELD_BY);
	assert_non_null(o);
	assert_int_equal(o->log.verbosity, 4);
	char buf[256];
	le_log_format(d.e, &o->log, buf, sizeof buf);
	assert_string_equal(buf, "\"Lease is held by and has not yet expired\" "
				 "lock=\"default/my-lease\" holder=\"pod-b\"");
	drv_free(&d);
}

/* ---- duplicate identity (elector.c, own_write_check) ------------------- */

static uint64_t dup_count(const drv *d)
{
	le_stats st;
	le_elector_stats(d->e, &st);
	return st.duplicate_identity;
}

/* Another process under "pod-a" renews the lock: same holder, its own
 * renewTime, a new resourceVersion. */
static void foreign_renew(drv *d, int64_t renew_wall)
{
	le_record r = d->st;
	r.renew_wall_ns = renew_wall;
	store_put(d, &r);
}

static void test_duplicate_identity_not_flagged_on_own_renewals(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	for (int i = 0; i < 3; i++) {
		serve(&d); /* fast path */
		fire(&d);
	}
	/* the slow path reads back our own last write: not foreign */
	store_put(&d, &d.st);
	serve(&d); /* 409 */
	serve(&d); /* GET */
	assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
	assert_string_equal(SEQ(&d), "SEND:UPDATE");
	serve(&d);
	assert_int_equal(dup_count(&d), 0);
	assert_true(le_elector_leading(d.e));
	drv_free(&d);
}

/* A renew whose write committed but whose answer was lost (timeout, or a
 * 5xx after the commit): the next GET shows a renewTime whose answer we
 * never got, and it is still ours. */
static void test_duplicate_identity_lost_renew_answer_not_flagged(void **state)
{
	(void)state;
	static const int lost_status[] = {0, 504, 500};
	for (size_t k = 0; k < sizeof lost_status / sizeof lost_status[0]; k++) {
		drv d;
		le_config c = cfg_with(NULL);
		drv_init(&d, &c);
		become_leader(&d);
		serve(&d);
		fire(&d); /* the next renewal's fast path is in flight */
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		store_put(&d, &d.req.record); /* it commits ... */
		reply(&d, lost_status[k], NULL, NULL); /* ... the answer is lost */
		assert_int_equal(d.req.op, LE_OP_GET);
		serve(&d);
		assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
		assert_int_equal(dup_count(&d), 0);
		/* and a foreign write after it is still seen */
		serve(&d); /* slow-path UPDATE */
		fire(&d);
		foreign_renew(&d, wall_at(d.mono) - 700 * MS);
		serve(&d); /* 409 */
		serve(&d); /* GET */
		assert_non_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
		assert_int_equal(dup_count(&d), 1);
		drv_free(&d);
	}
}

/* Three writes of unknown fate in a row (more than the keys kept inline
 * in the elector): the first committed, the answers and the GETs after
 * them were lost. The GET that finally answers shows the first one's
 * renewTime, and it is still ours: every key was kept. */
static void test_duplicate_identity_three_lost_writes_still_ours(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	for (int i = 0; i < 3; i++) {
		fire(&d);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		if (i == 0)
			store_put(&d, &d.req.record); /* it commits */
		reply(&d, 0, NULL, NULL);         /* the answer is lost */
		assert_int_equal(d.req.op, LE_OP_GET);
		if (i < 2)
			reply(&d, 0, NULL, NULL); /* and the GET's too */
	}
	serve(&d); /* the GET answers: the first write's record */
	assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
	assert_int_equal(dup_count(&d), 0);
	drv_free(&d);
}

static void test_duplicate_identity_foreign_renewal_flagged_once_each(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	fire(&d);
	int64_t foreign = wall_at(d.mono) - 300 * MS;
	foreign_renew(&d, foreign);
	serve(&d); /* fast path: 409 */
	serve(&d); /* GET: pod-a, a renewTime we never wrote */
	const cap_out *o = find_log(&d, LE_MSG_DUPLICATE_IDENTITY);
	assert_non_null(o);
	assert_int_equal(o->log.verbosity, 0);
	assert_true(o->log.is_error);
	char when[32], text[512];
	le_format_micro_time(foreign, when, sizeof when);
	assert_string_equal(o->log.arg, when);
	le_log_format(d.e, &o->log, text, sizeof text);
	assert_non_null(strstr(text, "duplicate identity: lock default/my-lease shows holder "
				     "pod-a renewed at "));
	assert_non_null(strstr(text, when));
	assert_non_null(strstr(text, "--id"));
	assert_int_equal(dup_count(&d), 1);
	/* the elector still renews (it cannot tell which process is right) */
	assert_string_equal(SEQ(&d), "SEND:UPDATE");
	reply(&d, 500, NULL, NULL); /* did not commit */
	/* the same foreign write read again is not a second duplicate */
	fire(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE); /* fast path */
	reply(&d, 500, NULL, NULL);
	assert_int_equal(d.req.op, LE_OP_GET);
	serve(&d);
	assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
	assert_int_equal(dup_count(&d), 1);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	serve(&d);
	fire(&d);
	foreign_renew(&d, wall_at(d.mono) - 100 * MS);
	serve(&d);
	serve(&d);
	assert_int_equal(dup_count(&d), 2);
	drv_free(&d);
}

/* Before this elector has written, holder == me is the record a previous
 * run of the same pod left: taken over silently, as client-go does. */
static void test_duplicate_identity_not_judged_before_first_write(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record mine = rec_make("pod-a", 15, wall_at(T0 - 60 * S), wall_at(T0 - S), 3);
	store_put(&d, &mine);
	start(&d);
	serve(&d); /* GET: held by "me" */
	assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	serve(&d);
	assert_int_equal(d.started, 1);
	assert_int_equal(dup_count(&d), 0);
	drv_free(&d);
}

/* 0.5 (Endpoints, whole seconds, no fast path: a GET every attempt): a
 * foreign write in another second is seen; one in the same second as ours
 * is not (the limit of the rule). */
static void test_duplicate_identity_05_whole_seconds(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_05();
	drv_init(&d, &c);
	become_leader(&d);
	fire(&d); /* first renew attempt, +2.5 s: GET */
	int64_t ours = d.st.renew_wall_ns;
	foreign_renew(&d, ours + 200 * MS); /* same second */
	serve(&d);
	assert_null(find_log(&d, LE_MSG_DUPLICATE_IDENTITY));
	serve(&d); /* UPDATE */
	fire(&d);
	foreign_renew(&d, wall_at(d.mono) - 1500 * MS);
	serve(&d);
	const cap_out *o = find_log(&d, LE_MSG_DUPLICATE_IDENTITY);
	assert_non_null(o);
	char when[32];
	le_format_time(wall_at(d.mono) - 1500 * MS, when, sizeof when);
	assert_string_equal(o->log.arg, when);
	assert_int_equal(dup_count(&d), 1);
	drv_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation_errors_in_client_go_order),
		cmocka_unit_test(test_defaults_are_client_go),
		cmocka_unit_test(test_profile_find_by_name),
		cmocka_unit_test(test_acquire_missing_lease_creates_then_renews_at_once),
		cmocka_unit_test(test_output_buffers_only_while_outputs_are_pending),
		cmocka_unit_test(test_io_spare_passes_one_block_between_electors),
		cmocka_unit_test(test_create_conflict_is_a_failed_attempt),
		cmocka_unit_test(test_acquire_never_held_record_no_new_leader),
		cmocka_unit_test(test_acquire_released_record_taken_on_first_sight),
		cmocka_unit_test(test_new_leader_reports_empty_holder_after_failed_takeover),
		cmocka_unit_test(test_observed_record_keeps_long_strings_whole),
		cmocka_unit_test(test_held_record_taken_only_when_ld_has_passed),
		cmocka_unit_test(test_takeover_increments_transitions_renew_keeps_them),
		cmocka_unit_test(test_acquire_wait_is_uniform_rp_to_2_2rp),
		cmocka_unit_test(test_renew_by_fast_path_every_rp),
		cmocka_unit_test(test_fast_path_conflict_falls_back_to_slow_path),
		cmocka_unit_test(test_renew_ticks_coalesce_and_pass_fails_at_deadline),
		cmocka_unit_test(test_renew_deadline_aborts_hung_request),
		cmocka_unit_test(test_request_timeout_aborts_in_acquire),
		cmocka_unit_test(test_request_timeout_defaults),
		cmocka_unit_test(test_release_gets_then_writes_empty_holder),
		cmocka_unit_test(test_release_retries_on_conflict),
		cmocka_unit_test(test_release_2024_conflict_gives_up),
		cmocka_unit_test(test_release_trusts_local_view_hazard_h2),
		cmocka_unit_test(test_release_bounded_by_renew_deadline),
		cmocka_unit_test(test_release_skipped_without_profile_support),
		cmocka_unit_test(test_failed_renew_releases_too),
		cmocka_unit_test(test_cancel_in_each_state),
		cmocka_unit_test(test_cancel_during_release_lets_it_finish),
		cmocka_unit_test(test_start_twice_and_unknown_responses),
		cmocka_unit_test(test_callbacks_order_and_counts_over_a_term),
		cmocka_unit_test(test_healthz_tolerates_ld_plus_tolerance),
		cmocka_unit_test(test_2018_hung_request_never_ends_the_pass),
		cmocka_unit_test(test_2018_renew_pass_poll_timing),
		cmocka_unit_test(test_expiry_record_duration_vs_local_ld),
		cmocka_unit_test(test_empty_holder_not_special_in_2018),
		cmocka_unit_test(test_change_detection_raw_bytes_vs_parsed_record),
		cmocka_unit_test(test_same_identity_renews_and_05_resets_transitions),
		cmocka_unit_test(test_05_transitions_read_one_after_takeover_then_zero),
		cmocka_unit_test(test_05_reruns_acquire_after_loss),
		cmocka_unit_test(test_05_wall_clock_step_expires_lease_h5),
		cmocka_unit_test(test_log_words_per_profile),
		cmocka_unit_test(test_log_outputs_format_end_to_end),
		cmocka_unit_test(test_duplicate_identity_not_flagged_on_own_renewals),
		cmocka_unit_test(test_duplicate_identity_lost_renew_answer_not_flagged),
		cmocka_unit_test(test_duplicate_identity_three_lost_writes_still_ours),
		cmocka_unit_test(test_duplicate_identity_foreign_renewal_flagged_once_each),
		cmocka_unit_test(test_duplicate_identity_not_judged_before_first_write),
		cmocka_unit_test(test_duplicate_identity_05_whole_seconds),
		cmocka_unit_test(test_shared_configuration_behaves_as_a_copy),
		cmocka_unit_test(test_no_logs_changes_nothing_but_the_logs),
		cmocka_unit_test(test_shared_configuration_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
