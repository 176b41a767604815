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

/* client-go master (2026): everything election-spec.md section 2 describes. */
const le_profile le_profile_client_go = {
	.name = "client-go",
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
};

/* client-go 1.30-1.33 (2024-04 .. 2025-07): HEAD's algorithm, but release
 * writes with the cached object's resourceVersion (no GET first, PR #132849)
 * and gives up on the first 409 (no retry): kubernetes#131867 — a renewal
 * cancelled on the client side that still committed makes the release 409,
 * and the lease stays held until it expires. */
const le_profile le_profile_client_go_2024 = {
	.name = "client-go-2024",
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
};

/* client-go before PR #65094 (k8s <= 1.11): Poll-based renew whose deadline is
 * only looked at between attempts (wait.WaitFor: dropped ticks, one more
 * attempt when the deadline closes the poll), no client timeout, the local LD
 * for expiry, struct equality for change detection, a missing annotation read
 * as an empty record, no release, no fast path. */
const le_profile le_profile_client_go_2018 = {
	.name = "client-go-2018",
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
};

/* kubernetes/contrib election/ leader-elector:0.5 (election-spec.md 5.2): the 2018 core as
 * vendored in 2016, plus the holder writing transitions 0, a missing
 * annotation taken without looking, OnNewLeader not wired, the wall clock
 * (Go 1.6) for observedTime, wait.Forever(Run, 0) re-running acquire after a
 * loss, the 2016 log levels, and the election/ program around it (startup
 * GET/POST/GET, fatal exits, its leader callback). */
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
};

const le_profile *le_profile_find(const char *name)
{
	static const le_profile *const all[] = {
		&le_profile_client_go,
		&le_profile_client_go_2024,
		&le_profile_client_go_2018,
		&le_profile_sidecar_05,
	};
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
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
	    (int)c->lock_kind > LE_LOCK_CONFIGMAPS)
		return fail(err, errcap, "lock kind is not leases, endpoints or configmaps");
	return LE_OK;
}
