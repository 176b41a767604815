/* Unit tests for the MultiLock in the election core (elector/elector.c,
 * "the MultiLock's sequences"; election-spec.md 3.3): the lock kinds
 * configmapsleases and endpointsleases, whose Get, Create and Update are
 * sequences of requests to the primary (the annotation object) and the
 * secondary (the Lease of the same namespace/name).
 *
 * The upstream behaviour every test compares against is client-go's
 * tools/leaderelection/resourcelock/multilock.go at v0.27.0 (the last
 * release that had it; "multilock.go:N" below is its line N), leaselock.go
 * and configmaplock.go of the same tag, and tryAcquireOrRenew in
 * leaderelection.go at v0.27.0 (lines 314-372).
 *
 * The driver is le_test_driver.h's, but the store here holds two objects,
 * chosen by each request's `target`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "le_test_driver.h"

/* ---- a two-object store -------------------------------------------------- */

typedef struct obj {
	bool present;
	bool has_record; /* an annotation object may have none */
	le_record rec;
	unsigned rv;
	int writes;
	/* the next answer to a request for this object, instead of serving it */
	int fail_status;
	const char *fail_reason;
	int fail_count;
} obj;

typedef struct ms {
	drv d;
	obj o[2];            /* 0 = primary (configmaps), 1 = secondary (leases) */
	unsigned revision;   /* one counter for both, like the apiserver's */
	char rvbuf[LE_RV_MAX];
	unsigned char raw[1024];
	char trace[2048];    /* "GET cm, GET lease, ..." of served requests */
} ms;

static obj *target_obj(ms *m, const le_request *q)
{
	assert_true(q->target == LE_LOCK_CONFIGMAPS || q->target == LE_LOCK_LEASES ||
		    q->target == LE_LOCK_ENDPOINTS);
	return &m->o[q->target == LE_LOCK_LEASES ? 1 : 0];
}

static void trace_add(ms *m, const le_request *q)
{
	size_t n = strlen(m->trace);
	snprintf(m->trace + n, sizeof m->trace - n, "%s%s %s", n ? ", " : "",
		 op_name(q->op),
		 q->target == LE_LOCK_LEASES ? "lease"
		 : q->target == LE_LOCK_ENDPOINTS ? "ep" : "cm");
}

static void m_reply(ms *m, int status, const le_record *rec, const char *rv,
		    const char *reason)
{
	size_t n = rec ? key_of(rec, m->raw, sizeof m->raw) : 0;
	reply_raw(&m->d, status, rec, rv, rec ? m->raw : NULL, n, reason);
}

static const char *rv_of(ms *m, const obj *o)
{
	snprintf(m->rvbuf, sizeof m->rvbuf, "%u", o->rv);
	return m->rvbuf;
}

/* Answer the request in flight as a resourceVersion-CAS apiserver would
 * (ConfigMap PUT on a missing object: 404; Lease create-on-update is not
 * used by client-go's lock, which always sends a resourceVersion). */
static void m_serve(ms *m)
{
	drv *d = &m->d;
	assert_true(d->pending);
	le_request q = d->req;
	obj *o = target_obj(m, &q);
	trace_add(m, &q);
	if (o->fail_count > 0) {
		o->fail_count--;
		m_reply(m, o->fail_status, NULL, NULL, o->fail_reason);
		return;
	}
	switch (q.op) {
	case LE_OP_GET:
		if (!o->present)
			m_reply(m, 404, NULL, NULL, "NotFound");
		else
			m_reply(m, 200, o->has_record ? &o->rec : NULL, rv_of(m, o), NULL);
		return;
	case LE_OP_CREATE:
		if (o->present) {
			m_reply(m, 409, NULL, NULL, "AlreadyExists");
			return;
		}
		break;
	case LE_OP_UPDATE:
		if (!o->present) {
			m_reply(m, 404, NULL, NULL, "NotFound");
			return;
		}
		if (strcmp(q.resource_version, rv_of(m, o)) != 0) {
			m_reply(m, 409, NULL, NULL, "Conflict");
			return;
		}
		break;
	}
	o->rec = q.record;
	o->present = o->has_record = true;
	o->rv = ++m->revision;
	o->writes++;
	m_reply(m, q.op == LE_OP_CREATE ? 201 : 200, &o->rec, rv_of(m, o), NULL);
}

/* Serve until nothing is in flight; returns how many requests that took. */
static int m_serve_all(ms *m)
{
	int n = 0;
	while (m->d.pending) {
		m_serve(m);
		n++;
		assert_true(n < 32);
	}
	return n;
}

/* Serve until the elector leads (its first renew attempt stays in flight)
 * or nothing is in flight. */
static void m_serve_to_lead(ms *m)
{
	int n = 0;
	while (m->d.pending && m->d.started == 0) {
		m_serve(m);
		assert_true(++n < 32);
	}
}

static void m_put(ms *m, int i, const le_record *r)
{
	m->o[i].rec = *r;
	m->o[i].present = m->o[i].has_record = true;
	m->o[i].rv = ++m->revision;
}

static le_config cfg_ml(le_lock_kind kind)
{
	le_config c = cfg_with(&le_profile_client_go_1_27);
	c.lock_kind = kind;
	return c;
}

static void m_init(ms *m, le_lock_kind kind)
{
	memset(m, 0, sizeof *m);
	le_config c = cfg_ml(kind);
	drv_init(&m->d, &c);
}

/* ---- which releases have the MultiLock (interface.go) ------------------- */

/* interface.go: v0.23.0 makes endpoints and configmaps locks; v0.24.0
 * refuses them ("migrate to endpointsleases"); v0.28.0 adds "(using version
 * v0.27.x)". */
static void test_annotation_kinds_only_until_1_23(void **state)
{
	(void)state;
	char err[256];
	const le_profile *has[] = {&le_profile_client_go_1_23, &le_profile_client_go_1_14,
				   &le_profile_client_go_1_11, &le_profile_sidecar_05,
				   &le_profile_python_22_6};
	for (size_t i = 0; i < sizeof has / sizeof has[0]; i++) {
		assert_int_equal(le_profile_lock_check(has[i], LE_LOCK_ENDPOINTS, err,
						       sizeof err), LE_OK);
		assert_int_equal(le_profile_lock_check(has[i], LE_LOCK_CONFIGMAPS, err,
						       sizeof err), LE_OK);
	}
	le_config c = cfg_ml(LE_LOCK_CONFIGMAPS);
	c.profile = &le_profile_client_go_1_27;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "configmaps lock is removed, migrate to configmapsleases");
	c.lock_kind = LE_LOCK_ENDPOINTS;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "endpoints lock is removed, migrate to endpointsleases");
	const le_profile *v28[] = {&le_profile_client_go_1_31, &le_profile_client_go_1_34,
				   &le_profile_client_go_head};
	for (size_t i = 0; i < sizeof v28 / sizeof v28[0]; i++) {
		c.profile = v28[i];
		assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
		assert_string_equal(err, "endpoints lock is removed, migrate to "
					 "endpointsleases (using version v0.27.x)");
	}
	/* the Lease is always there */
	c.lock_kind = LE_LOCK_LEASES;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_OK);
	/* 1.23 still has the MultiLock */
	c.profile = &le_profile_client_go_1_23;
	c.lock_kind = LE_LOCK_ENDPOINTS_LEASES;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_OK);
}

static void test_multilock_kinds_only_in_releases_that_had_them(void **state)
{
	(void)state;
	char err[256];
	le_config c = cfg_ml(LE_LOCK_CONFIGMAPS_LEASES);
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_OK);
	c.lock_kind = LE_LOCK_ENDPOINTS_LEASES;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_OK);
	/* v0.28.0 interface.go:182-185 (27bbe7653): removed, in its words */
	c.profile = &le_profile_client_go_1_34;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "endpointsleases lock is removed, migrate to leases");
	c.lock_kind = LE_LOCK_CONFIGMAPS_LEASES;
	c.profile = &le_profile_client_go_1_31;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "configmapsleases lock is removed, migrated to leases");
	c.profile = &le_profile_client_go_head;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	/* before ba49d2a18 (1.17) resourcelock.New's default case */
	c.profile = &le_profile_client_go_1_14;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	assert_string_equal(err, "Invalid lock-type configmapsleases");
	c.profile = &le_profile_sidecar_05;
	assert_int_equal(le_config_validate(&c, err, sizeof err), LE_EINVAL);
	/* the names round-trip */
	le_lock_kind k;
	assert_int_equal(le_lock_kind_parse("configmapsleases", &k), LE_OK);
	assert_int_equal(k, LE_LOCK_CONFIGMAPS_LEASES);
	assert_int_equal(le_lock_kind_parse("endpointsleases", &k), LE_OK);
	assert_int_equal(k, LE_LOCK_ENDPOINTS_LEASES);
	assert_string_equal(le_lock_kind_name(LE_LOCK_CONFIGMAPS_LEASES), "configmapsleases");
	assert_true(le_lock_kind_is_multi(LE_LOCK_ENDPOINTS_LEASES));
	assert_false(le_lock_kind_is_multi(LE_LOCK_CONFIGMAPS));
	assert_int_equal(le_lock_kind_primary(LE_LOCK_ENDPOINTS_LEASES), LE_LOCK_ENDPOINTS);
	assert_int_equal(le_lock_kind_primary(LE_LOCK_LEASES), LE_LOCK_LEASES);
	/* 1.27 has no fast path and an unbounded release (PR #122069 is 1.30,
	 * PR #124588 1.31); expiry uses the record's duration (b4217e149) */
	assert_false(le_profile_client_go_1_27.fast_path);
	assert_false(le_profile_client_go_1_27.release_bounded_by_rd);
	assert_true(le_profile_client_go_1_27.expiry_uses_record_duration);
	assert_true(le_profile_client_go_1_27.change_detect_raw);
}

/* ---- Create: both objects ------------------------------------------------ */

/* Neither object exists: Get fails on the primary with NotFound
 * (multilock.go:39-42), so tryAcquireOrRenew creates: the primary, then the
 * secondary (:64-70). A renewal is Get (both) then Update: the primary, a
 * Get of the secondary, the secondary (:73-83). */
static void test_empty_store_creates_both_then_renews_both(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	start(&m.d);
	m_serve_to_lead(&m);
	assert_string_equal(m.trace, "GET cm, CREATE cm, CREATE lease");
	assert_int_equal(m.d.started, 1);
	assert_true(le_elector_is_leader(m.d.e));
	for (int i = 0; i < 2; i++) {
		assert_string_equal(m.o[i].rec.holder, "pod-a");
		assert_int_equal(m.o[i].rec.transitions, 0);
		assert_int_equal(m.o[i].writes, 1);
	}
	/* the renew pass's first attempt (no fast path in 1.27) */
	m.trace[0] = '\0';
	m.d.mono += 10 * MS;
	m_serve_all(&m);
	assert_string_equal(m.trace,
			    "GET cm, GET lease, UPDATE cm, GET lease, UPDATE lease");
	assert_int_equal(m.o[0].writes, 2);
	assert_int_equal(m.o[1].writes, 2);
	assert_int_equal(m.o[1].rec.renew_wall_ns, m.o[0].rec.renew_wall_ns);
	le_stats st;
	le_elector_stats(m.d.e, &st);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.duplicate_identity, 0);
	drv_free(&m.d);
}

/* endpointsleases: the same, with Endpoints as the primary. */
static void test_endpointsleases_primary_is_endpoints(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_ENDPOINTS_LEASES);
	start(&m.d);
	m_serve_to_lead(&m);
	assert_string_equal(m.trace, "GET ep, CREATE ep, CREATE lease");
	assert_true(le_elector_is_leader(m.d.e));
	drv_free(&m.d);
}

/* ---- primary only -------------------------------------------------------- */

/* Only the ConfigMap exists, held by an old client (multilock.go:46-48,
 * "Lock is held by old client"): Get returns the primary's record alone,
 * so the follower waits LD from first sight like on a ConfigMap lock. Its
 * takeover then updates the primary and, the Lease being missing, creates
 * it (:78-80) with the same record. */
static void test_primary_only_held_by_old_client_then_taken_lease_created(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record old = rec_make("pod-b", 15, wall_at(T0 - 100 * S), wall_at(T0), 4);
	m_put(&m, 0, &old);
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(m.trace, "GET cm, GET lease");
	assert_string_equal(le_elector_leader(m.d.e), "pod-b");
	assert_non_null(find_log(&m.d, LE_MSG_HELD_BY));
	assert_int_equal(m.d.started, 0);
	/* nothing changes: the first attempt after T0 + 15 s takes it */
	while (m.d.started == 0) {
		m.trace[0] = '\0';
		fire(&m.d);
		m_serve_to_lead(&m);
	}
	assert_true(m.d.mono > T0 + 15 * S);
	assert_string_equal(m.trace, "GET cm, GET lease, UPDATE cm, GET lease, CREATE lease");
	for (int i = 0; i < 2; i++) {
		assert_string_equal(m.o[i].rec.holder, "pod-a");
		assert_int_equal(m.o[i].rec.transitions, 5); /* takeover: +1 */
	}
	assert_int_equal(m.o[1].writes, 1);
	drv_free(&m.d);
}

/* The ConfigMap names me and the Lease is missing (a restart under the
 * same identity after a partial create): Get returns the Lease's NotFound
 * (:47 only forgives it for another holder), so tryAcquireOrRenew calls
 * Create (leaderelection.go:324-337): the primary's AlreadyExists is not an
 * error (:66) and the Lease is created. The elector leads at once with R's
 * transitions 0, the ConfigMap untouched. */
static void test_primary_mine_lease_missing_is_not_found_then_create(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record mine = rec_make("pod-a", 15, wall_at(T0 - 50 * S), wall_at(T0 - S), 3);
	m_put(&m, 0, &mine);
	start(&m.d);
	m_serve_to_lead(&m);
	assert_string_equal(m.trace, "GET cm, GET lease, CREATE cm, CREATE lease");
	assert_int_equal(m.d.started, 1);
	assert_int_equal(m.o[0].writes, 0);
	assert_int_equal(m.o[1].rec.transitions, 0);
	assert_string_equal(m.o[1].rec.holder, "pod-a");
	le_stats st;
	le_elector_stats(m.d.e, &st);
	assert_int_equal(st.errors, 0); /* the AlreadyExists was swallowed */
	drv_free(&m.d);
}

/* ---- both exist ----------------------------------------------------------- */

/* Both agree (holder pod-b): Get returns the primary's record with the raw
 * records joined by "," (:60, ConcatRawRecord :102-104). A renewal that
 * changes only the Lease therefore counts as a change for the follower,
 * which restarts its LD count: it does not take over at T0 + 15 s although
 * the ConfigMap has not changed since T0. */
static void test_joined_raw_record_sees_a_lease_only_change(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record b = rec_make("pod-b", 15, wall_at(T0 - 100 * S), wall_at(T0), 1);
	m_put(&m, 0, &b);
	m_put(&m, 1, &b);
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(le_elector_leader(m.d.e), "pod-b");
	/* pod-b renews the Lease alone, in a later second, at T0 + 10 s */
	bool renewed = false;
	while (m.d.mono < T0 + 20 * S) {
		fire(&m.d);
		if (!renewed && m.d.mono >= T0 + 10 * S) {
			le_record b2 = b;
			b2.renew_wall_ns = wall_at(T0 + 10 * S);
			m_put(&m, 1, &b2);
			renewed = true;
		}
		m_serve_all(&m);
		assert_int_equal(m.d.started, 0);
	}
	assert_int_equal(m.o[0].writes + m.o[1].writes, 0);

	/* the same store on a plain ConfigMap lock: taken after T0 + 15 s */
	drv p;
	le_config c = cfg_with(&le_profile_client_go_1_23); /* 1.24 removed it */
	c.lock_kind = LE_LOCK_CONFIGMAPS;
	drv_init(&p, &c);
	p.st = b;
	p.st_present = p.st_has_record = true;
	p.st_rv = 1;
	start(&p);
	serve(&p);
	while (p.started == 0 && p.mono < T0 + 20 * S) {
		fire(&p);
		while (p.pending)
			serve(&p);
	}
	assert_int_equal(p.started, 1);
	drv_free(&p);
	drv_free(&m.d);
}

/* The holders differ (a Lease-only client took the Lease while the
 * ConfigMap still names the old leader): the holder reads
 * leaderelection.k8s.io/unknown (:53-59), OnNewLeader reports it, and it is
 * held like any other holder; taken once neither record has changed for
 * LD, with the ConfigMap's transitions + 1 written to both. */
static void test_holders_differ_read_unknown_leader(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record b = rec_make("pod-b", 15, wall_at(T0 - 100 * S), wall_at(T0 - 60 * S), 2);
	le_record c = rec_make("pod-c", 15, wall_at(T0 - 5 * S), wall_at(T0), 7);
	m_put(&m, 0, &b);
	m_put(&m, 1, &c);
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(le_elector_leader(m.d.e), LE_UNKNOWN_LEADER);
	assert_string_equal(LE_UNKNOWN_LEADER, "leaderelection.k8s.io/unknown");
	le_record obs;
	assert_true(le_elector_observed_record(m.d.e, &obs));
	assert_int_equal(obs.transitions, 2); /* the rest is the primary's */
	assert_int_equal(obs.renew_wall_ns, wall_at(T0 - 60 * S));
	const cap_out *h = find_log(&m.d, LE_MSG_HELD_BY);
	assert_non_null(h);
	assert_string_equal(h->text, LE_UNKNOWN_LEADER);
	bool reported = false;
	for (size_t i = 0; i < m.d.nout; i++)
		if (m.d.out[i].kind == LE_OUT_NEW_LEADER)
			reported = strcmp(m.d.out[i].text, LE_UNKNOWN_LEADER) == 0;
	assert_true(reported);
	while (m.d.started == 0) {
		fire(&m.d);
		m_serve_all(&m);
	}
	assert_true(m.d.mono > T0 + 15 * S);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(m.o[i].rec.holder, "pod-a");
		assert_int_equal(m.o[i].rec.transitions, 3);
	}
	drv_free(&m.d);
}

/* The re-encoded primary (json.Marshal of the record with the unknown
 * holder) stands in the joined raw record: when the Lease's holder goes
 * back to agreeing with the ConfigMap, the raw record changes and the
 * follower's LD count starts again. */
static void test_unknown_then_agreeing_is_a_change(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record b = rec_make("pod-b", 15, wall_at(T0 - 100 * S), wall_at(T0), 2);
	le_record c = rec_make("pod-c", 15, wall_at(T0), wall_at(T0), 7);
	m_put(&m, 0, &b);
	m_put(&m, 1, &c);
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(le_elector_leader(m.d.e), LE_UNKNOWN_LEADER);
	/* at T0 + 12 s the Lease agrees again (same second as the CM) */
	while (m.d.mono < T0 + 12 * S) {
		fire(&m.d);
		m_serve_all(&m);
	}
	m_put(&m, 1, &b);
	while (m.d.mono < T0 + 24 * S) {
		fire(&m.d);
		m_serve_all(&m);
		assert_int_equal(m.d.started, 0); /* counted again from ~12 s */
	}
	assert_string_equal(le_elector_leader(m.d.e), "pod-b");
	drv_free(&m.d);
}

/* ---- failures inside the sequences ---------------------------------------- */

/* The secondary's Update fails (409: a Lease-only client wrote the Lease
 * between the MultiLock's Get and Update of it): the Update fails after the
 * primary was written (:74-82), the attempt fails, the elector does not
 * lead, and the ConfigMap names it. */
static void test_failed_secondary_write_fails_the_attempt(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record rel = rec_make("", 1, wall_at(T0 - 10 * S), wall_at(T0 - 10 * S), 2);
	m_put(&m, 0, &rel);
	m_put(&m, 1, &rel);
	start(&m.d);
	/* GET cm, GET lease, UPDATE cm, GET lease: then someone writes */
	for (int i = 0; i < 4; i++)
		m_serve(&m);
	assert_int_equal(m.d.req.op, LE_OP_UPDATE);
	assert_int_equal(m.d.req.target, LE_LOCK_LEASES);
	le_record c = rec_make("pod-c", 15, wall_at(T0), wall_at(T0), 3);
	m_put(&m, 1, &c);
	m_serve(&m); /* 409 */
	assert_string_equal(m.trace, "GET cm, GET lease, UPDATE cm, GET lease, UPDATE lease");
	assert_non_null(find_log(&m.d, LE_MSG_UPDATE_ERROR));
	assert_int_equal(find_log(&m.d, LE_MSG_UPDATE_ERROR)->log.status, 409);
	assert_int_equal(m.d.started, 0);
	assert_false(m.d.pending);
	assert_string_equal(m.o[0].rec.holder, "pod-a");
	assert_string_equal(m.o[1].rec.holder, "pod-c");
	/* the next attempt sees the two holders differ: held */
	fire(&m.d);
	m_serve_all(&m);
	assert_string_equal(le_elector_leader(m.d.e), LE_UNKNOWN_LEADER);
	assert_int_equal(m.d.started, 0);
	drv_free(&m.d);
}

/* The Lease was never read and its Get inside Update fails with a 500:
 * LeaseLock.Update has no object (leaselock.go:70-72, "lease not
 * initialized") and fails without a request; the primary was written. */
static void test_secondary_get_error_without_cache_fails_locally(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record rel = rec_make("", 1, wall_at(T0 - 10 * S), wall_at(T0 - 10 * S), 2);
	m_put(&m, 0, &rel); /* an old client released; no Lease yet */
	start(&m.d);
	m_serve(&m); /* GET cm */
	m_serve(&m); /* GET lease: 404, held by "" (not me): the primary alone */
	assert_int_equal(m.d.req.op, LE_OP_UPDATE);
	m_serve(&m); /* UPDATE cm */
	m.o[1].fail_status = 500;
	m.o[1].fail_reason = "InternalError";
	m.o[1].fail_count = 1;
	m_serve(&m); /* GET lease: 500 */
	assert_false(m.d.pending);
	assert_string_equal(m.trace, "GET cm, GET lease, UPDATE cm, GET lease");
	const cap_out *u = find_log(&m.d, LE_MSG_UPDATE_ERROR);
	assert_non_null(u);
	assert_string_equal(u->text, "lease not initialized, call get or create first");
	assert_int_equal(m.d.started, 0);
	assert_string_equal(m.o[0].rec.holder, "pod-a");
	assert_false(m.o[1].present);
	drv_free(&m.d);
}

/* A Get error of the secondary inside Update with a Lease already cached
 * goes on to Update it with the cached resourceVersion (:78-82: only
 * NotFound is special). */
static void test_secondary_get_error_updates_with_cached_lease(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	start(&m.d);
	m_serve_to_lead(&m); /* leader: both created */
	assert_int_equal(m.d.started, 1);
	m.trace[0] = '\0';
	m_serve(&m); /* GET cm */
	m_serve(&m); /* GET lease (rv cached) */
	m_serve(&m); /* UPDATE cm */
	m.o[1].fail_status = 503;
	m.o[1].fail_reason = "ServiceUnavailable";
	m.o[1].fail_count = 1;
	m_serve(&m); /* GET lease: 503 */
	assert_true(m.d.pending);
	assert_int_equal(m.d.req.op, LE_OP_UPDATE);
	assert_int_equal(m.d.req.target, LE_LOCK_LEASES);
	assert_string_equal(m.d.req.resource_version, rv_of(&m, &m.o[1]));
	m_serve(&m);
	assert_int_equal(m.o[1].writes, 2);
	assert_null(find_log(&m.d, LE_MSG_UPDATE_ERROR));
	drv_free(&m.d);
}

/* A primary Get error ends the Get before the secondary is asked
 * (:39-42); a record Go cannot decode does too (configmaplock.go Get). */
static void test_primary_errors_end_the_get(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	m.o[0].fail_status = 500;
	m.o[0].fail_reason = "InternalError";
	m.o[0].fail_count = 1;
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(m.trace, "GET cm");
	assert_non_null(find_log(&m.d, LE_MSG_GET_ERROR));

	le_record py = rec_make("py-1", 4, wall_at(T0), wall_at(T0), 0);
	py.dialect = LE_DIALECT_PYTHON;
	m_put(&m, 0, &py);
	m.trace[0] = '\0';
	fire(&m.d);
	m_serve_all(&m);
	assert_string_equal(m.trace, "GET cm");
	const cap_out *g = find_log(&m.d, LE_MSG_GET_ERROR);
	assert_non_null(g);
	assert_non_null(strstr(g->text, "json: cannot unmarshal string"));
	drv_free(&m.d);
}

/* A primary Create that fails with anything but AlreadyExists ends the
 * Create (:65-68); the Lease is not attempted. A failed Lease create after
 * a successful primary create fails the attempt (:69). */
static void test_create_failures(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	m.o[0].fail_status = 403;
	m.o[0].fail_reason = "Forbidden";
	m.o[0].fail_count = 1; /* the first GET: 403 */
	start(&m.d);
	m_serve_all(&m);
	assert_string_equal(m.trace, "GET cm");
	m.o[0].fail_count = 0;
	m.o[1].present = true; /* a Lease-only client created it meanwhile */
	m.o[1].has_record = true;
	m.o[1].rec = rec_make("pod-c", 15, wall_at(T0), wall_at(T0), 0);
	m.o[1].rv = ++m.revision;
	m.trace[0] = '\0';
	fire(&m.d);
	m_serve_all(&m);
	assert_string_equal(m.trace, "GET cm, CREATE cm, CREATE lease");
	assert_non_null(find_log(&m.d, LE_MSG_CREATE_ERROR));
	assert_int_equal(m.d.started, 0);
	assert_string_equal(m.o[0].rec.holder, "pod-a");
	assert_string_equal(m.o[1].rec.holder, "pod-c");
	drv_free(&m.d);
}

/* Release (1.27: no Get first, Update with context.TODO) goes through the
 * MultiLock's Update: both objects end with holder "". */
static void test_release_writes_both(void **state)
{
	(void)state;
	ms m;
	memset(&m, 0, sizeof m);
	le_config c = cfg_ml(LE_LOCK_CONFIGMAPS_LEASES);
	c.release_on_cancel = true;
	drv_init(&m.d, &c);
	start(&m.d);
	m_serve_all(&m); /* leader, and its first renewal */
	cancel(&m.d);
	m.trace[0] = '\0';
	m_serve_all(&m);
	assert_string_equal(m.trace, "UPDATE cm, GET lease, UPDATE lease");
	for (int i = 0; i < 2; i++) {
		assert_string_equal(m.o[i].rec.holder, "");
		assert_int_equal(m.o[i].rec.lease_duration_s, 1);
	}
	assert_int_equal(m.d.done, 1);
	drv_free(&m.d);
}

/* The Lease write is not a compare-and-swap against what the attempt's
 * Get saw: Update Gets the Lease again after writing the primary
 * (multilock.go:78) and LeaseLock.Update PUTs with that fresh
 * resourceVersion (leaselock.go:69-82). A Lease-only client that took the
 * Lease between the two Gets is overwritten, and both lead
 * (scenarios/bugs/mixed-lock-types-multilock.yaml, its race variant). */
static void test_lease_write_overwrites_a_takeover_between_the_gets(void **state)
{
	(void)state;
	ms m;
	m_init(&m, LE_LOCK_CONFIGMAPS_LEASES);
	le_record rel = rec_make("", 1, wall_at(T0 - 10 * S), wall_at(T0 - 10 * S), 2);
	m_put(&m, 0, &rel);
	m_put(&m, 1, &rel);
	start(&m.d);
	m_serve(&m); /* GET cm: released */
	m_serve(&m); /* GET lease: released */
	m_serve(&m); /* UPDATE cm */
	/* pod-c (Lease only) takes the released Lease now */
	le_record c = rec_make("pod-c", 15, wall_at(T0), wall_at(T0), 3);
	m_put(&m, 1, &c);
	m_serve_to_lead(&m); /* GET lease (pod-c's), UPDATE lease */
	assert_string_equal(m.trace, "GET cm, GET lease, UPDATE cm, GET lease, UPDATE lease");
	assert_int_equal(m.d.started, 1);
	assert_string_equal(m.o[1].rec.holder, "pod-a"); /* pod-c's write is gone */
	assert_int_equal(m.o[1].rec.transitions, 3);     /* the CM's 2 + 1 */
	drv_free(&m.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multilock_kinds_only_in_releases_that_had_them),
		cmocka_unit_test(test_annotation_kinds_only_until_1_23),
		cmocka_unit_test(test_empty_store_creates_both_then_renews_both),
		cmocka_unit_test(test_endpointsleases_primary_is_endpoints),
		cmocka_unit_test(test_primary_only_held_by_old_client_then_taken_lease_created),
		cmocka_unit_test(test_primary_mine_lease_missing_is_not_found_then_create),
		cmocka_unit_test(test_joined_raw_record_sees_a_lease_only_change),
		cmocka_unit_test(test_holders_differ_read_unknown_leader),
		cmocka_unit_test(test_unknown_then_agreeing_is_a_change),
		cmocka_unit_test(test_failed_secondary_write_fails_the_attempt),
		cmocka_unit_test(test_secondary_get_error_without_cache_fails_locally),
		cmocka_unit_test(test_secondary_get_error_updates_with_cached_lease),
		cmocka_unit_test(test_primary_errors_end_the_get),
		cmocka_unit_test(test_create_failures),
		cmocka_unit_test(test_release_writes_both),
		cmocka_unit_test(test_lease_write_overwrites_a_takeover_between_the_gets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
