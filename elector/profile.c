/* leaselab — behaviour profiles and configuration (election-spec.md 1, 2.8,
 * 5.2; architecture.md seam 4).
 *
 * A profile is a set of named switches, one per historical deviation from
 * client-go HEAD; the core reads the flags and never the profile's name
 * (only le_log_format picks its words by name).
 */
#include <stdio.h>
#include <string.h>

#include "leaselab/elector.h"

/* Every profile is named after the first release with its behaviour
 * (election-spec.md 2.8). Each comment block says what the profile changes
 * against its newer neighbour, and the upstream commit or PR with the first
 * release that shipped it. Field values are written out in full so that a
 * profile can be read on its own. */

/* client-go-head: master 32ce75a / 1.37.0-alpha.1, the only release with
 * 1b1630d32 (2026-03): release retries on 409 Conflict, GET then Update
 * again, until its RD deadline (election-spec.md 2.5 step 4). Everything the
 * election-spec.md section 2 describes. */
const le_profile le_profile_client_go_head = {
	.name = "client-go-head",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = true,
	.empty_holder_is_free = true,
	.fast_path = true,
	.change_detect_raw = true,
	.release_supported = true,
	.release_bounded_by_rd = true,
	.release_get_first = true,
	.release_retry_on_conflict = true,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = true,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = true,
	.multilock = LE_MULTILOCK_REMOVED,
	.annotation_locks = LE_ANNOTATION_LOCKS_REMOVED_V027,
};

/* client-go-1.34: GA 1.34, 1.35 and 1.36 (the newest GA, so also
 * "client-go"). PR #132849 (2025-07, first in 1.34): release GETs first
 * for a fresh resourceVersion, but gives up on the first 409 (no retry:
 * that is head). Words: the contextual-logging texts of 1.35/1.36
 * ("Attempting to acquire leader lease..." lock=...); 1.34 itself still
 * printed the klog.Infof texts of client-go-1.31. */
const le_profile le_profile_client_go_1_34 = {
	.name = "client-go-1.34",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = true,
	.empty_holder_is_free = true,
	.fast_path = true,
	.change_detect_raw = true,
	.release_supported = true,
	.release_bounded_by_rd = true,
	.release_get_first = true,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = true,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = true,
	.multilock = LE_MULTILOCK_REMOVED,
	.annotation_locks = LE_ANNOTATION_LOCKS_REMOVED_V027,
};

/* client-go-1.31: 1.31-1.33 (was "client-go-2024"). PR #124588 (2024-04,
 * first in 1.31; 1.30 used context.TODO): release bounded by RD. Release
 * writes with the cached object's resourceVersion (no GET first) and gives
 * up on the first 409: kubernetes#131867 — a renewal cancelled on the client
 * side that still committed makes the release 409, and the lease stays held
 * until it expires. Since 1.30 it also has the fast path (PR #122069) and
 * the record's duration for expiry (PR #114872, 1.27). klog.Infof words. */
const le_profile le_profile_client_go_1_31 = {
	.name = "client-go-1.31",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = true,
	.empty_holder_is_free = true,
	.fast_path = true,
	.change_detect_raw = true,
	.release_supported = true,
	.release_bounded_by_rd = true,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = true,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_REMOVED,
	.annotation_locks = LE_ANNOTATION_LOCKS_REMOVED_V027,
};

/* client-go-1.27: 1.27-1.29. b4217e149 (PR #114872, first in 1.27): expiry
 * uses the record's leaseDurationSeconds. Against 1.31 it lacks the fast
 * path (PR #122069, 1.30) and its release runs on context.TODO, unbounded
 * (PR #124588 bounded it in 1.31). It has raw-byte change detection
 * (ba49d2a18, 1.17), release writing duration 1 (710705cfe, 1.20) and the
 * kubeconfig request timeout (5b14150b0, 2020-10). 1.27 is the last
 * release with the MultiLock kinds (27bbe7653 removed them in 1.28; 1.28
 * and 1.29 behave the same on the other locks). klog.Infof words. */
const le_profile le_profile_client_go_1_27 = {
	.name = "client-go-1.27",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = true,
	.empty_holder_is_free = true,
	.fast_path = false,
	.change_detect_raw = true,
	.release_supported = true,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = true,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_SUPPORTED,
	.annotation_locks = LE_ANNOTATION_LOCKS_REMOVED,
};

/* client-go-1.23: 1.20-1.23. 710705cfe (first in 1.20): release writes
 * leaseDurationSeconds 1 and the times, so a Lease accepts it; 5b14150b0
 * (2020-10, first in 1.20): the kubeconfig request timeout. Against 1.27 it
 * uses the local LD for expiry (PR #114872 came in 1.27). 1.23 is the last
 * release with the plain annotation kinds endpoints and configmaps (1.24's
 * resourcelock.New refuses them); it has the MultiLock. 1.24-1.26 behave
 * the same on the other locks. klog.Infof words. */
const le_profile le_profile_client_go_1_23 = {
	.name = "client-go-1.23",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = false,
	.empty_holder_is_free = true,
	.fast_path = false,
	.change_detect_raw = true,
	.release_supported = true,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = true,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_SUPPORTED,
	.annotation_locks = LE_ANNOTATION_LOCKS_SUPPORTED,
};

/* client-go-1.14: 1.14-1.19. PR #71490 (2018-11, first in 1.14):
 * ReleaseOnCancel, and holder "" counts as free. Its release writes
 * {leaderTransitions} alone: holder "", leaseDurationSeconds 0, no times
 * (710705cfe fixed that in 1.20); Lease validation refuses 0 with 422, so
 * on a Lease the release fails and followers wait the full LD
 * (client-go#754). Release is unbounded (context.TODO). Against 1.31 it
 * also lacks: the fast path, the record's duration for expiry (local LD),
 * raw-byte change detection (1.17), the kubeconfig request timeout. The
 * renew pass is PollImmediateUntil with RD enforced around each attempt
 * (PR #65094, 1.12) and RP between passes (PR #65667, 1.12). */
const le_profile le_profile_client_go_1_14 = {
	.name = "client-go-1.14",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = false,
	.empty_holder_is_free = true,
	.fast_path = false,
	.change_detect_raw = false,
	.release_supported = true,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = false,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = true,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_NOT_YET,
	.annotation_locks = LE_ANNOTATION_LOCKS_SUPPORTED,
};

/* client-go-1.11: k8s <= 1.11, before PR #65094 (was "client-go-2018").
 * Poll-based renew whose deadline is only looked at between attempts
 * (wait.WaitFor: dropped ticks, one more attempt when the deadline closes
 * the poll), no client timeout, the local LD for expiry, struct equality
 * for change detection, holder "" not special, no release, no fast path. */
const le_profile le_profile_client_go_1_11 = {
	.name = "client-go-1.11",
	.renew_first_attempt_immediate = false,
	.renew_deadline_aborts_request = false,
	.renew_pass_gap_is_rp = false,
	.expiry_uses_record_duration = false,
	.empty_holder_is_free = false,
	.fast_path = false,
	.change_detect_raw = false,
	.release_supported = false,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = false,
	.renew_poll_waitfor = true,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_NOT_YET,
	.annotation_locks = LE_ANNOTATION_LOCKS_SUPPORTED,
};

/* kubernetes/contrib election/ leader-elector:0.5 (election-spec.md 5.2): the 2018 core as
 * vendored in 2016, plus the holder writing transitions 0, a missing
 * annotation taken without looking, OnNewLeader not wired, the wall clock
 * (Go 1.6) for observedTime, wait.Forever(Run, 0) re-running acquire after a
 * loss, the 2016 log levels, and the election/ program around it (startup
 * GET/POST/GET, fatal exits, its leader callback). Go: strict records. */
const le_profile le_profile_sidecar_05 = {
	.name = "sidecar-0.5",
	.renew_first_attempt_immediate = false,
	.renew_deadline_aborts_request = false,
	.renew_pass_gap_is_rp = false,
	.expiry_uses_record_duration = false,
	.empty_holder_is_free = false,
	.fast_path = false,
	.change_detect_raw = false,
	.release_supported = false,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = true,
	.on_new_leader_wired = false,
	.observed_time_uses_wall_clock = true,
	.rerun_after_loss = true,
	.default_request_timeout = false,
	.renew_poll_waitfor = true,
	.missing_record_skips_checks = true,
	.logs_2016 = true,
	.contrib_election_main = true,
	.release_writes_zero_duration = false,
	.strict_annotation_records = true,
	.writer_dialect = 0,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_NOT_YET,
	.annotation_locks = LE_ANNOTATION_LOCKS_SUPPORTED,
};

/* python-22.6: the kubernetes Python client's leaderelection (22.6), a
 * foreign writer on an annotation lock. Its record shape is exact
 * (tests/fixtures/records/python-22.6-configmap-*.json: the duration as a
 * string, times without a zone), it reads records liberally, and it has no
 * release. Its timing is approximated by client-go-1.14's loops without a
 * release (no fast path, local LD, struct comparison, no request timeout);
 * unlike Python, the acquire wait here is jittered. */
const le_profile le_profile_python_22_6 = {
	.name = "python-22.6",
	.renew_first_attempt_immediate = true,
	.renew_deadline_aborts_request = true,
	.renew_pass_gap_is_rp = true,
	.expiry_uses_record_duration = false,
	.empty_holder_is_free = false,
	.fast_path = false,
	.change_detect_raw = false,
	.release_supported = false,
	.release_bounded_by_rd = false,
	.release_get_first = false,
	.release_retry_on_conflict = false,
	.transitions_reset_on_renew = false,
	.on_new_leader_wired = true,
	.observed_time_uses_wall_clock = false,
	.rerun_after_loss = false,
	.default_request_timeout = false,
	.renew_poll_waitfor = false,
	.missing_record_skips_checks = false,
	.logs_2016 = false,
	.contrib_election_main = false,
	.release_writes_zero_duration = false,
	.strict_annotation_records = false,
	.writer_dialect = LE_DIALECT_PYTHON,
	.logs_structured = false,
	.multilock = LE_MULTILOCK_NOT_YET,
	.annotation_locks = LE_ANNOTATION_LOCKS_SUPPORTED,
};

static const le_profile *const all_profiles[] = {
	&le_profile_client_go_head, &le_profile_client_go_1_34,
	&le_profile_client_go_1_31, &le_profile_client_go_1_27,
	&le_profile_client_go_1_23, &le_profile_client_go_1_14,
	&le_profile_client_go_1_11, &le_profile_sidecar_05,
	&le_profile_python_22_6,
};

/* Names kept working so scenarios, scripts and histories written before
 * the release names still run. */
static const struct {
	const char *alias;
	const le_profile *profile;
} aliases[] = {
	{"client-go", &le_profile_client_go_1_34},      /* the newest GA */
	{"client-go-2024", &le_profile_client_go_1_31}, /* old name */
	{"client-go-2018", &le_profile_client_go_1_11}, /* old name */
};

const le_profile *le_profile_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof all_profiles / sizeof all_profiles[0]; i++)
		if (strcmp(all_profiles[i]->name, name) == 0)
			return all_profiles[i];
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return aliases[i].profile;
	return NULL;
}

const le_profile *le_profile_at(size_t i)
{
	return i < sizeof all_profiles / sizeof all_profiles[0] ? all_profiles[i]
								: NULL;
}

const char *le_profile_alias_at(size_t i, const le_profile **target)
{
	if (i >= sizeof aliases / sizeof aliases[0])
		return NULL;
	if (target)
		*target = aliases[i].profile;
	return aliases[i].alias;
}

void le_config_defaults(le_config *c)
{
	memset(c, 0, sizeof *c);
	c->identity = NULL; /* no default: the caller must choose one */
	c->lock_kind = LE_LOCK_LEASES;
	c->lock_namespace = "default";
	c->lock_name = NULL;
	c->lease_duration_ns = 15 * LE_NS_PER_S;
	c->renew_deadline_ns = 10 * LE_NS_PER_S;
	c->retry_period_ns = 2 * LE_NS_PER_S;
	c->release_on_cancel = false;
	c->request_timeout_ns = 0;
	c->profile = &le_profile_client_go;
	c->lock_build = LE_LOCK_BUILT_FROM_KUBECONFIG;
	c->liberal_records = false;
	c->has_started_leading_cb = true;
	c->has_stopped_leading_cb = true;
	c->has_lock = true;
	c->name = NULL;
}

static int fail(char *err, size_t errcap, const char *text)
{
	if (err && errcap)
		snprintf(err, errcap, "%s", text);
	return LE_EINVAL;
}

/* A string the elector copies into a fixed buffer of `cap` bytes. */
static int check_len(const char *s, size_t cap, const char *what, char *err,
		     size_t errcap)
{
	size_t n = s ? strlen(s) : 0;
	if (n < cap)
		return LE_OK;
	if (err && errcap)
		snprintf(err, errcap, "%s is too long: %zu bytes (at most %zu)",
			 what, n, cap - 1);
	return LE_EINVAL;
}

/* Duration(1.2 * float64(RP)), truncated to ns. A product beyond int64 (a
 * retry period above ~7.7e18 ns) is clamped instead of overflowing: no
 * renew deadline can exceed it, so the check then fails as it should. */
static int64_t jittered_retry_period(int64_t rp_ns)
{
	double j = 1.2 * (double)rp_ns;
	if (j >= 0x1p63)
		return INT64_MAX;
	if (j < -0x1p63)
		return INT64_MIN;
	return (int64_t)j;
}

int le_config_validate(const le_config *c, char *err, size_t errcap)
{
	if (!c)
		return fail(err, errcap, "le_config_validate: config is NULL");
	/* client-go's checks, in its order and with its words (election-spec.md 1.2). The
	 * 1.2 x RP product is a float multiply truncated to ns, as Go's
	 * time.Duration(JitterFactor * float64(RetryPeriod)). */
	if (c->lease_duration_ns <= c->renew_deadline_ns)
		return fail(err, errcap,
			    "leaseDuration must be greater than renewDeadline");
	if (c->renew_deadline_ns <= jittered_retry_period(c->retry_period_ns))
		return fail(err, errcap,
			    "renewDeadline must be greater than retryPeriod*JitterFactor");
	if (c->lease_duration_ns < 1)
		return fail(err, errcap, "leaseDuration must be greater than zero");
	if (c->renew_deadline_ns < 1)
		return fail(err, errcap, "renewDeadline must be greater than zero");
	if (c->retry_period_ns < 1)
		return fail(err, errcap, "retryPeriod must be greater than zero");
	if (!c->has_started_leading_cb)
		return fail(err, errcap, "OnStartedLeading callback must not be nil");
	if (!c->has_stopped_leading_cb)
		return fail(err, errcap, "OnStoppedLeading callback must not be nil");
	if (!c->has_lock)
		return fail(err, errcap, "Lock must not be nil.");
	if (!c->identity || !c->identity[0])
		return fail(err, errcap, "Lock identity is empty");
	/* Ours: the elector keeps fixed-size copies. */
	int rc;
	if ((rc = check_len(c->identity, LE_ID_MAX, "Lock identity", err,
			    errcap)) != LE_OK ||
	    (rc = check_len(c->lock_namespace, LE_NAME_MAX, "lock namespace",
			    err, errcap)) != LE_OK ||
	    (rc = check_len(c->lock_name, LE_NAME_MAX, "lock name", err,
			    errcap)) != LE_OK ||
	    (rc = check_len(c->name, LE_NAME_MAX, "name", err, errcap)) != LE_OK)
		return rc;
	if ((int)c->lock_kind < LE_LOCK_LEASES ||
	    (int)c->lock_kind > LE_LOCK_CONFIGMAPS_LEASES)
		return fail(err, errcap,
			    "lock kind is not leases, endpoints, configmaps, "
			    "endpointsleases or configmapsleases");
	const le_profile *p = c->profile ? c->profile : &le_profile_client_go;
	return le_profile_lock_check(p, c->lock_kind, err, errcap);
}

/* Whether release p's resourcelock.New makes a lock of this kind, and its
 * error words when it does not (LE_EINVAL). */
int le_profile_lock_check(const le_profile *p, le_lock_kind kind, char *err,
			  size_t errcap)
{
	/* resourcelock.New's words for a MultiLock kind the release does not
	 * have (interface.go: v0.16 had no such case, v0.28 removed them). */
	if (le_lock_kind_is_multi(kind) &&
	    p->multilock != LE_MULTILOCK_SUPPORTED) {
		if (err && errcap) {
			if (p->multilock == LE_MULTILOCK_REMOVED)
				snprintf(err, errcap, "%s lock is removed, %s to leases",
					 le_lock_kind_name(kind),
					 kind == LE_LOCK_CONFIGMAPS_LEASES
						 ? "migrated" : "migrate");
			else
				snprintf(err, errcap, "Invalid lock-type %s",
					 le_lock_kind_name(kind));
		}
		return LE_EINVAL;
	}
	/* The same function's words for endpoints and configmaps, removed in
	 * 1.24 (interface.go v0.24.0) and reworded in 1.28 (v0.28.0). */
	if ((kind == LE_LOCK_ENDPOINTS ||
	     kind == LE_LOCK_CONFIGMAPS) &&
	    p->annotation_locks != LE_ANNOTATION_LOCKS_SUPPORTED) {
		if (err && errcap)
			snprintf(err, errcap, "%s lock is removed, migrate to %s%s",
				 le_lock_kind_name(kind),
				 kind == LE_LOCK_ENDPOINTS
					 ? "endpointsleases" : "configmapsleases",
				 p->annotation_locks ==
						 LE_ANNOTATION_LOCKS_REMOVED_V027
					 ? " (using version v0.27.x)" : "");
		return LE_EINVAL;
	}
	return LE_OK;
}
