/* The second fidelity pass (issue 15): profiles named after releases, Go's
 * strictness on annotation records, and each finding of the line-by-line
 * review against upstream, driven through the core with scripted inputs
 * (le_test_driver.h). Each test names the election-spec.md section it holds
 * the core to, and fails if the fix it covers is taken out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "le_test_driver.h"

/* What the Python client 22.6 writes into the ConfigMap's annotation
 * (tests/fixtures/records/python-22.6-configmap-update.json). */
static const char python_record[] =
	"{\"holderIdentity\": \"py-a\", \"leaseDurationSeconds\": \"4\", "
	"\"acquireTime\": \"2026-11-23 19:20:19.872660\", "
	"\"renewTime\": \"2026-11-23 19:20:19.920464\"}";

static const char go_record[] =
	"{\"holderIdentity\":\"pod-b\",\"leaseDurationSeconds\":10,"
	"\"acquireTime\":\"2018-07-12T09:34:59Z\",\"renewTime\":\"2018-07-12T10:13:39Z\","
	"\"leaderTransitions\":0}";

/* ---- 2.8: profiles named after releases ---------------------------------- */

static void test_profiles_named_after_releases_with_aliases(void **state)
{
	(void)state;
	const char *names[] = {"client-go-head", "client-go-1.34", "client-go-1.31",
			       "client-go-1.27", "client-go-1.23", "client-go-1.14",
			       "client-go-1.11", "sidecar-0.5", "python-22.6"};
	size_t n = 0;
	for (; le_profile_at(n); n++) {
		assert_true(n < 9);
		assert_string_equal(le_profile_at(n)->name, names[n]);
		assert_ptr_equal(le_profile_find(names[n]), le_profile_at(n));
	}
	assert_int_equal(n, 9);
	/* client-go is the newest GA (1.36 behaves as 1.34), not master */
	assert_ptr_equal(le_profile_find("client-go"), &le_profile_client_go_1_34);
	assert_ptr_equal(le_profile_find("client-go-2024"), &le_profile_client_go_1_31);
	assert_ptr_equal(le_profile_find("client-go-2018"), &le_profile_client_go_1_11);
	assert_null(le_profile_find("client-go-1.35"));
	const le_profile *to = NULL;
	assert_string_equal(le_profile_alias_at(0, &to), "client-go");
	assert_ptr_equal(to, &le_profile_client_go_1_34);
	assert_null(le_profile_alias_at(3, &to));
	le_config c;
	le_config_defaults(&c);
	assert_ptr_equal(c.profile, &le_profile_client_go_1_34);
	assert_int_equal(c.lock_build, LE_LOCK_BUILT_FROM_KUBECONFIG);

	/* each release differs from its neighbour where 2.8 says */
	const le_profile *h = &le_profile_client_go_head, *p34 = &le_profile_client_go_1_34,
			 *p31 = &le_profile_client_go_1_31, *p14 = &le_profile_client_go_1_14,
			 *p11 = &le_profile_client_go_1_11;
	assert_true(h->release_retry_on_conflict && !p34->release_retry_on_conflict);
	assert_true(p34->release_get_first && !p31->release_get_first);
	assert_true(p31->release_bounded_by_rd && !p14->release_bounded_by_rd);
	/* 1.27: no fast path (1.30) and an unbounded release (1.31), the
	 * record's duration for expiry (1.27), the MultiLock (1.17-1.27) */
	const le_profile *p27 = &le_profile_client_go_1_27;
	assert_true(p31->fast_path && !p27->fast_path);
	assert_true(p31->release_bounded_by_rd && !p27->release_bounded_by_rd);
	assert_true(p27->expiry_uses_record_duration && !p14->expiry_uses_record_duration);
	assert_true(p27->change_detect_raw && !p14->change_detect_raw);
	assert_int_equal(p27->multilock, LE_MULTILOCK_SUPPORTED);
	assert_int_equal(p31->multilock, LE_MULTILOCK_REMOVED);
	assert_int_equal(p14->multilock, LE_MULTILOCK_NOT_YET);
	assert_true(p14->release_writes_zero_duration && !p31->release_writes_zero_duration);
	assert_true(p14->release_supported && !p11->release_supported);
	assert_true(p14->empty_holder_is_free && !p11->empty_holder_is_free);
	assert_true(p14->renew_deadline_aborts_request && !p11->renew_deadline_aborts_request);
	assert_true(h->logs_structured && p34->logs_structured && !p31->logs_structured);
	for (size_t i = 0; i < 7; i++) /* every Go profile is strict */
		assert_true(le_profile_at(i)->strict_annotation_records);
	assert_false(le_profile_python_22_6.strict_annotation_records);
	assert_int_equal(le_profile_python_22_6.writer_dialect, LE_DIALECT_PYTHON);
}

/* ---- 3.3: Go's strictness -------------------------------------------------- */

static void test_decoders_mark_foreign_shapes_and_strict_rejects_them(void **state)
{
	(void)state;
	le_record r;
	char err[LE_ERRMSG_MAX];
	assert_int_equal(le_record_decode_annotation(python_record, strlen(python_record),
						     &r, err, sizeof err),
			 LE_OK);
	assert_int_equal(r.dialect, LE_DIALECT_PYTHON);
	assert_int_equal(r.lease_duration_s, 4);
	assert_int_equal(le_record_decode_annotation_strict(python_record,
							    strlen(python_record), &r,
							    err, sizeof err),
			 LE_EPARSE);
	assert_non_null(strstr(err, "cannot unmarshal string into Go struct field "
				    "LeaderElectionRecord.leaseDurationSeconds of type int"));
	assert_string_equal(r.holder, ""); /* nothing half-read */

	/* a zone-less time alone is refused too */
	const char *no_zone = "{\"holderIdentity\":\"x\",\"leaseDurationSeconds\":4,"
			      "\"renewTime\":\"2026-11-23 19:20:19\"}";
	assert_int_equal(le_record_decode_annotation_strict(no_zone, strlen(no_zone), &r,
							    err, sizeof err),
			 LE_EPARSE);
	assert_non_null(strstr(err, "parsing time"));

	/* what Go writes, and RFC 3339 with an offset, pass */
	assert_int_equal(le_record_decode_annotation_strict(go_record, strlen(go_record), &r,
							    err, sizeof err),
			 LE_OK);
	assert_int_equal(r.dialect, 0);
	const char *offset = "{\"holderIdentity\":\"x\",\"leaseDurationSeconds\":4,"
			     "\"renewTime\":\"2026-11-23T19:20:19.5+02:00\"}";
	assert_int_equal(le_record_decode_annotation_strict(offset, strlen(offset), &r, err,
							    sizeof err),
			 LE_OK);
}

static void test_python_writer_shape_round_trips(void **state)
{
	(void)state;
	le_record r = rec_make("py-a", 4, INT64_C(1795461619872660000),
			       INT64_C(1795461619920464000), 3);
	r.dialect = LE_DIALECT_PYTHON;
	char buf[512];
	assert_true(le_record_encode_annotation(&r, buf, sizeof buf) > 0);
	assert_string_equal(buf, python_record); /* no transitions: Python has none */
	le_record back;
	char err[LE_ERRMSG_MAX];
	assert_int_equal(le_record_decode_annotation(buf, strlen(buf), &back, err, sizeof err),
			 LE_OK);
	assert_int_equal(back.dialect, LE_DIALECT_PYTHON);
	assert_int_equal(back.renew_wall_ns, r.renew_wall_ns);
	/* the in-process store's raw key tells the shapes apart */
	unsigned char k1[700], k2[700];
	size_t n1 = le_record_key(&r, k1, sizeof k1);
	r.dialect = 0;
	size_t n2 = le_record_key(&r, k2, sizeof k2);
	assert_true(n1 != n2 || memcmp(k1, k2, n1) != 0);
}

/* A ConfigMap lock whose record Python wrote, unchanged ever since: a Go
 * elector's every GET fails and it never takes the lock; a liberal one
 * takes it once LD has passed. */
static int attempts_until_takeover(const le_profile *p, bool liberal, int max_polls,
				   const char **first_error)
{
	drv d;
	le_config c = cfg_with(p);
	c.lock_kind = LE_LOCK_CONFIGMAPS;
	c.liberal_records = liberal;
	drv_init(&d, &c);
	le_record py;
	char err[LE_ERRMSG_MAX];
	assert_int_equal(le_record_decode_annotation(python_record, strlen(python_record),
						     &py, err, sizeof err),
			 LE_OK);
	store_put(&d, &py);
	static char text[512];
	*first_error = NULL;
	start(&d);
	serve(&d);
	const cap_out *o = find_log(&d, LE_MSG_GET_ERROR);
	if (o) {
		snprintf(text, sizeof text, "%s", o->text);
		*first_error = text;
	}
	for (int i = 1; i <= max_polls; i++) {
		if (poll_once(&d)) {
			drv_free(&d);
			return i;
		}
		assert_false(d.pending);
	}
	drv_free(&d);
	return -1;
}

static void test_go_profiles_never_acquire_a_python_record(void **state)
{
	(void)state;
	const char *e;
	/* Go: 100 polls (>= 200 s against LD 15 s) and never: every Go
	 * release that still has a ConfigMap lock (1.24 removed it) */
	size_t go = 0;
	for (size_t i = 0; le_profile_at(i); i++) {
		const le_profile *p = le_profile_at(i);
		/* (0.5's program exits on a failed start-up GET: its own test) */
		if (!p->strict_annotation_records || p->contrib_election_main ||
		    p->annotation_locks != LE_ANNOTATION_LOCKS_SUPPORTED)
			continue;
		assert_int_equal(attempts_until_takeover(p, false, 100, &e), -1);
		assert_non_null(e);
		assert_non_null(strstr(e, "cannot unmarshal string"));
		go++;
	}
	assert_int_equal(go, 3); /* 1.23, 1.14, 1.11 */
	/* the tool's choice, and the Python profile itself, read it */
	assert_true(attempts_until_takeover(&le_profile_client_go_1_23, true, 100, &e) > 0);
	assert_null(e);
	assert_true(attempts_until_takeover(&le_profile_python_22_6, false, 100, &e) > 0);
	assert_null(e);
}

static void test_python_profile_writes_python_records(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_python_22_6);
	c.lock_kind = LE_LOCK_CONFIGMAPS;
	drv_init(&d, &c);
	start(&d);
	serve(&d); /* GET 404 */
	assert_int_equal(d.req.op, LE_OP_CREATE);
	assert_int_equal(d.req.record.dialect, LE_DIALECT_PYTHON);
	drv_free(&d);
}

/* ---- 3.1: strategy and holder lengths ------------------------------------ */

static void test_long_holder_and_custom_strategy_are_read(void **state)
{
	(void)state;
	char holder[601], strategy[318], json[1400];
	memset(holder, 'h', 600);
	holder[600] = '\0';
	/* a qualified name: 253-byte prefix, "/", 63-byte name = 317 bytes */
	memset(strategy, 'p', 253);
	strategy[253] = '/';
	memset(strategy + 254, 'n', 63);
	strategy[317] = '\0';
	snprintf(json, sizeof json,
		 "{\"kind\":\"Lease\",\"metadata\":{\"resourceVersion\":\"7\"},\"spec\":"
		 "{\"holderIdentity\":\"%s\",\"leaseDurationSeconds\":15,"
		 "\"strategy\":\"%s\"}}",
		 holder, strategy);
	le_record r, r2;
	bool present;
	char rv[LE_RV_MAX], err[LE_ERRMSG_MAX];
	assert_int_equal(le_record_from_object_json(LE_LOCK_LEASES, json, strlen(json), &r,
						    &present, rv, sizeof rv, err, sizeof err),
			 LE_OK);
	assert_true(r.holder_truncated);
	assert_int_equal(strlen(r.holder), LE_ID_MAX - 1);
	assert_string_equal(r.strategy, strategy);
	/* another long holder with the same start is a different record */
	holder[599] = 'x';
	snprintf(json, sizeof json,
		 "{\"spec\":{\"holderIdentity\":\"%s\",\"leaseDurationSeconds\":15,"
		 "\"strategy\":\"%s\"}}",
		 holder, strategy);
	assert_int_equal(le_record_from_object_json(LE_LOCK_LEASES, json, strlen(json), &r2,
						    &present, rv, sizeof rv, err, sizeof err),
			 LE_OK);
	unsigned char k1[700], k2[700];
	size_t n1 = le_record_key(&r, k1, sizeof k1), n2 = le_record_key(&r2, k2, sizeof k2);
	assert_true(n1 != n2 || memcmp(k1, k2, n1) != 0);

	/* the core: every GET of such a lock works, and the 255-byte identity
	 * that equals the holder's first bytes is not taken for the holder */
	char me[LE_ID_MAX];
	memset(me, 'h', LE_ID_MAX - 1);
	me[LE_ID_MAX - 1] = '\0';
	drv d;
	le_config c = cfg_with(NULL);
	c.identity = me;
	drv_init(&d, &c);
	store_put(&d, &r);
	start(&d);
	d.mono += 1 * MS;
	serve(&d);
	assert_null(find_log(&d, LE_MSG_GET_ERROR));
	assert_non_null(find_log(&d, LE_MSG_HELD_BY));
	assert_false(le_elector_is_leader(d.e));
	drv_free(&d);
}

/* ---- 2.4 step 3: observedTime after the Get returns ------------------------ */

static void test_zero_duration_record_held_on_first_sight_at_zero_latency(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	le_record b = rec_make("pod-b", 0, wall_at(T0), wall_at(T0), 2);
	store_put(&d, &b);
	start(&d);
	serve(&d); /* answered at the very instant it was sent */
	assert_non_null(find_log(&d, LE_MSG_HELD_BY));
	assert_false(d.pending);
	assert_true(poll_once(&d)); /* unchanged on the next attempt: taken */
	assert_int_equal(d.req.record.transitions, 3);
	drv_free(&d);
}

/* ---- 2.4 step 2: a failed Create empties the cached object --------------- */

static void test_failed_create_makes_next_fast_path_fail_without_a_request(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d); /* first renew */
	fire(&d);  /* next pass: fast path */
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	d.st_present = false; /* someone deleted the Lease */
	serve(&d);            /* 404 -> GET */
	assert_int_equal(d.req.op, LE_OP_GET);
	serve(&d); /* 404 -> CREATE */
	assert_int_equal(d.req.op, LE_OP_CREATE);
	le_record b = rec_make("pod-b", 15, wall_at(d.mono), wall_at(d.mono), 1);
	store_put(&d, &b); /* pod-b created it first */
	serve(&d);         /* 409 AlreadyExists */
	assert_non_null(find_log(&d, LE_MSG_CREATE_ERROR));
	assert_true(le_elector_is_leader(d.e)); /* the local view still says me */
	int sends = d.sends;
	fire(&d); /* next attempt: the fast path cannot send anything */
	assert_string_equal(SEQ_ALL(&d), "LOG:FAST_PATH_FAILED SEND:GET");
	assert_string_equal(find_log(&d, LE_MSG_FAST_PATH_FAILED)->text,
			    "resource name may not be empty");
	assert_int_equal(d.sends, sends + 1);
	serve(&d); /* the GET refills the cache and sees pod-b */
	assert_false(le_elector_is_leader(d.e));
	drv_free(&d);
}

/* ---- 2.5 step 4: release retries until RD, however many 409s --------------- */

static void test_release_retries_bounded_by_deadline_not_count(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_head);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	d.mono += 1 * S;
	cancel(&d); /* between passes: release starts, GET in flight */
	int64_t rel_start = d.mono;
	int conflicts = 0;
	while (d.mono + 10 * MS < rel_start + 10 * S) {
		assert_int_equal(d.req.op, LE_OP_GET);
		serve(&d);
		assert_int_equal(d.req.op, LE_OP_UPDATE);
		store_put(&d, &d.st); /* a late write moves the resourceVersion */
		d.mono += 5 * MS;
		serve(&d); /* 409 */
		assert_non_null(find_log(&d, LE_MSG_RELEASE_CONFLICT));
		conflicts++;
		d.mono += 5 * MS;
	}
	assert_true(conflicts > 900); /* far past any count (the old one was 64) */
	assert_true(d.pending);
	fire(&d); /* the RD deadline */
	assert_int_equal(d.mono, rel_start + 10 * S);
	assert_string_equal(SEQ_ALL(&d), "ABORT LOG:ABORTED LOG:RELEASE_FAILED STOPPED:1 DONE");
	drv_free(&d);
}

/* 1.14-1.19 (client-go#754): release writes duration 0, a Lease says 422. */
static void test_1_14_release_writes_zero_duration(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_1_14);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	become_leader(&d);
	serve(&d);
	d.mono += 1 * S;
	cancel(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE); /* no GET first */
	assert_int_equal(d.req.record.lease_duration_s, 0);
	assert_true(d.req.record.holder_set);
	assert_string_equal(d.req.record.holder, "");
	assert_false(d.req.record.has_renew_time);
	assert_false(d.req.record.has_acquire_time);
	assert_int_equal(le_elector_next_deadline(d.e), INT64_MAX); /* unbounded */
	reply(&d, 422, NULL, NULL);
	assert_string_equal(SEQ_ALL(&d), "LOG:RELEASE_FAILED STOPPED:1 DONE");
	drv_free(&d);
}

/* ---- 2.6: the leader_election_master_status gauge ------------------------- */

static void test_master_status_follows_upstream_on_off_points(void **state)
{
	(void)state;
	le_stats st;
	for (int k = 0; k < 3; k++) {
		drv d;
		le_config c = cfg_with(NULL);
		drv_init(&d, &c);
		assert_false(le_elector_master_status(d.e));
		become_leader(&d);
		assert_true(le_elector_master_status(d.e)); /* leaderOn */
		if (k == 0) { /* cancel between passes: wait.Until just stops */
			serve(&d);
			d.mono += 1 * S;
			cancel(&d);
			assert_true(le_elector_done(d.e));
			assert_true(le_elector_master_status(d.e));
		} else if (k == 1) { /* cancel inside a pass: leaderOff */
			cancel(&d);
			assert_false(le_elector_master_status(d.e));
		} else { /* the pass fails: leaderOff */
			while (!le_elector_done(d.e)) {
				if (d.pending)
					reply(&d, 500, NULL, NULL);
				else
					fire(&d);
			}
			assert_false(le_elector_master_status(d.e));
		}
		le_elector_stats(d.e, &st);
		assert_int_equal(st.master_status, k == 0 ? 1 : 0);
		assert_false(le_elector_leading(d.e));
		drv_free(&d);
	}
}

/* ---- 2.1: cancel before the first attempt --------------------------------- */

static void test_cancel_before_start_reports_stopped_leading(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(NULL);
	drv_init(&d, &c);
	cancel(&d);
	assert_string_equal(SEQ_ALL(&d), "LOG:ATTEMPTING STOPPED:0 DONE");
	assert_int_equal(d.sends, 0);
	drv_free(&d);
	/* 0.5's program exits before Run: nothing to report */
	c = cfg_05();
	drv_init(&d, &c);
	cancel(&d);
	assert_string_equal(SEQ_ALL(&d), "DONE");
	drv_free(&d);
}

/* ---- 2.8: request timeout by how the lock was built ------------------------ */

static void test_request_timeout_kubeconfig_vs_hand_built(void **state)
{
	(void)state;
	struct {
		le_lock_build build;
		int64_t explicit_ns;
		int64_t want_ns;
	} cases[] = {
		{LE_LOCK_BUILT_FROM_KUBECONFIG, 0, 5 * S}, /* max(1 s, RD/2) */
		{LE_LOCK_BUILT_BY_HAND, 0, 0},             /* none at all */
		{LE_LOCK_BUILT_BY_HAND, 3 * S, 3 * S},     /* the caller's own */
	};
	for (size_t i = 0; i < 3; i++) {
		drv d;
		le_config c = cfg_with(NULL);
		c.lock_build = cases[i].build;
		c.request_timeout_ns = cases[i].explicit_ns;
		drv_init(&d, &c);
		start(&d);
		assert_int_equal(d.req.timeout_ns, cases[i].want_ns);
		int64_t t = le_elector_next_deadline(d.e);
		if (cases[i].want_ns)
			assert_int_equal(t, d.mono + cases[i].want_ns);
		else /* the acquire GET can hang for ever */
			assert_int_equal(t, INT64_MAX);
		drv_free(&d);
	}
}

/* ---- log words: HEAD's under the newer profiles ----------------------------- */

static void test_log_words_follow_the_release(void **state)
{
	(void)state;
	struct {
		const le_profile *p;
		const char *want;
	} cases[] = {
		{&le_profile_client_go_head, "\"Successfully acquired lease\" lock=\"default/my-lease\""},
		{&le_profile_client_go_1_34, "\"Successfully acquired lease\" lock=\"default/my-lease\""},
		{&le_profile_client_go_1_31, "successfully acquired lease default/my-lease"},
		{&le_profile_client_go_1_14, "successfully acquired lease default/my-lease"},
		{&le_profile_client_go_1_11, "successfully acquired lease default/my-lease"},
	};
	for (size_t i = 0; i < 5; i++) {
		drv d;
		le_config c = cfg_with(cases[i].p);
		drv_init(&d, &c);
		become_leader(&d);
		char buf[256] = "";
		le_log log = {.msg = LE_MSG_ACQUIRED};
		le_log_format(d.e, &log, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		drv_free(&d);
	}
}

/* ---- 9: the checklist, item by item -------------------------------------- */

static void test_spec_9_checklist(void **state)
{
	(void)state;
	drv d;
	le_config c = cfg_with(&le_profile_client_go_head);
	c.release_on_cancel = true;
	drv_init(&d, &c);
	/* monotonic clock for expiry: a wall-clock step changes nothing */
	le_record b = rec_make("pod-b", 15, wall_at(T0), wall_at(T0), 4);
	store_put(&d, &b);
	start(&d);
	serve(&d);
	d.wall_step = 3600 * S;
	int64_t seen = d.mono;
	while (!poll_once(&d))
		;
	/* strict > with the record's duration, then transitions + 1 on takeover */
	assert_true(d.mono - seen >= 15 * S);
	assert_int_equal(d.req.record.transitions, 5);
	/* per-request timeout <= RD/2 */
	assert_true(d.req.timeout_ns > 0 && d.req.timeout_ns <= c.renew_deadline_ns / 2);
	serve(&d);
	int64_t acquired = d.req.record.acquire_wall_ns;
	/* fast path renews keep acquireTime and transitions */
	serve(&d);
	assert_int_equal(d.st.acquire_wall_ns, acquired);
	assert_int_equal(d.st.transitions, 5);
	/* the cached object survives an Update error: the fast path after a 500
	 * falls back to a GET, and the next fast path writes the GET's rv */
	fire(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	reply(&d, 500, NULL, NULL);
	assert_int_equal(d.req.op, LE_OP_GET);
	serve(&d);
	serve(&d);
	fire(&d);
	assert_int_equal(d.req.op, LE_OP_UPDATE);
	assert_string_equal(d.req.resource_version, rv_str(&d));
	serve(&d);
	/* release: RD deadline, GET first, retry on 409 */
	d.mono += 1 * S;
	cancel(&d);
	assert_int_equal(le_elector_next_deadline(d.e), d.mono + 5 * S); /* request */
	assert_int_equal(d.req.op, LE_OP_GET);
	serve(&d);
	store_put(&d, &d.st);
	serve(&d);
	assert_non_null(find_log(&d, LE_MSG_RELEASE_CONFLICT));
	serve(&d);
	serve(&d);
	assert_string_equal(d.st.holder, "");
	assert_int_equal(d.st.lease_duration_s, 1);
	assert_int_equal(d.st.transitions, 5);
	assert_true(le_elector_done(d.e));
	drv_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_named_after_releases_with_aliases),
		cmocka_unit_test(test_decoders_mark_foreign_shapes_and_strict_rejects_them),
		cmocka_unit_test(test_python_writer_shape_round_trips),
		cmocka_unit_test(test_go_profiles_never_acquire_a_python_record),
		cmocka_unit_test(test_python_profile_writes_python_records),
		cmocka_unit_test(test_long_holder_and_custom_strategy_are_read),
		cmocka_unit_test(test_zero_duration_record_held_on_first_sight_at_zero_latency),
		cmocka_unit_test(test_failed_create_makes_next_fast_path_fail_without_a_request),
		cmocka_unit_test(test_release_retries_bounded_by_deadline_not_count),
		cmocka_unit_test(test_1_14_release_writes_zero_duration),
		cmocka_unit_test(test_master_status_follows_upstream_on_off_points),
		cmocka_unit_test(test_cancel_before_start_reports_stopped_leading),
		cmocka_unit_test(test_request_timeout_kubeconfig_vs_hand_built),
		cmocka_unit_test(test_log_words_follow_the_release),
		cmocka_unit_test(test_spec_9_checklist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
