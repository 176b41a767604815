/* leaselab — coordinated leader election (KEP-4355, election-spec.md 8):
 * the LeaseCandidate object, the election controller's choice order, and
 * the candidate side of a coordinated client as a sans-IO state machine.
 *
 * The candidate follows client-go's tools/leaderelection/leasecandidate.go:
 * a one-item workqueue fed by an informer on the candidate's own object.
 * Each time the item is processed (ensureLease) it reads the INFORMER'S
 * copy: absent, it CREATEs the object; present, it UPDATEs that copy with
 * renewTime = now (the copy's resourceVersion, so a stale copy gets 409).
 * A success requeues the item 5 minutes later; an error requeues it with
 * the workqueue's default controller rate limiter, 5 ms * 2^n capped at
 * 1000 s, where n counts every failure since the process started:
 * leasecandidate.go never calls Forget, so the backoff never resets (the
 * limiter's 10 qps / 100 burst bucket is not modelled; it only matters
 * after 100 failures within seconds). An informer UPDATE event whose
 * object has pingTime after renewTime (the controller asking "are you
 * there?") adds the item at once.
 *
 * Like the elector, the core reads no clock and does no I/O: a driver feeds
 * le_cand_start / on_observed / on_timer / on_response and carries out the
 * requests it drains with le_cand_next_request.
 */
#ifndef LEASELAB_CANDIDATE_H
#define LEASELAB_CANDIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/elector.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_VERSION_MAX 64
/* The strategy the built-in controller implements. */
#define LE_STRATEGY_OEV "OldestEmulationVersion"
/* client-go's requeueInterval: a candidate renews every 5 minutes. */
#define LE_CAND_RENEW_INTERVAL_NS (300 * LE_NS_PER_S)

/* coordination.k8s.io/v1beta1 LeaseCandidate (v1alpha2 has the same spec). */
typedef struct le_lease_candidate {
	char name[LE_NAME_MAX];
	char namespace_[LE_NAME_MAX];
	char lease_name[LE_NAME_MAX];
	char binary_version[LE_VERSION_MAX];
	char emulation_version[LE_VERSION_MAX];
	char strategy[LE_STRATEGY_MAX];
	bool has_renew_time;
	int64_t renew_wall_ns;
	bool has_ping_time;
	int64_t ping_wall_ns;
	int64_t creation_wall_ns; /* metadata.creationTimestamp */
} le_lease_candidate;

/* ---- versions and the controller's choice order -------------------------- */

/* A version as blang/semver's ParseTolerant reads it: spaces trimmed, a
 * leading "v" dropped, "1.31" read as 1.31.0; a pre-release after "-" and
 * build metadata after "+" (ignored in comparisons). */
typedef struct le_semver {
	uint64_t major, minor, patch;
	char pre[LE_VERSION_MAX]; /* "" = a release */
} le_semver;

/* LE_OK, or LE_EPARSE with what is wrong and where in err. */
int le_semver_parse(const char *s, le_semver *v, char *err, size_t errcap);
/* blang/semver's strict Parse, which the apiserver's LeaseCandidate
 * validation uses: exactly MAJOR.MINOR.PATCH, no "v", no spaces, no
 * leading zeros in a number or a numeric pre-release identifier, build
 * metadata of [0-9A-Za-z-] identifiers. LE_OK with *v filled, or
 * LE_EPARSE with what is wrong in err. */
int le_semver_parse_strict(const char *s, le_semver *v, char *err, size_t errcap);
/* Semantic Versioning 2.0 precedence: < 0, 0, > 0. */
int le_semver_compare(const le_semver *a, const le_semver *b);

/* A candidate the OldestEmulationVersion strategy can consider: both its
 * versions parse. */
bool le_candidate_valid_oev(const le_lease_candidate *c);
/* The election controller's compare (election-spec.md 8): lower
 * emulationVersion, then lower binaryVersion, then the older creation wins;
 * -1 when a is better, 1 when b is. At equal creation times a wins, so in
 * le_candidate_pick the earlier of two equal candidates is chosen. */
int le_candidate_compare(const le_lease_candidate *a, const le_lease_candidate *b);
/* The index of the best valid candidate in cs[0..n), or -1 if none. */
long le_candidate_pick(const le_lease_candidate *cs, size_t n);

/* ValidateCoordinatedLeaseStrategy (the Lease's and the LeaseCandidate's
 * spec.strategy): one of the built-in strategies (OldestEmulationVersion),
 * or a custom strategy, any name with a "/" that is a Kubernetes qualified
 * name (a DNS-subdomain prefix, "/", a name of at most 63 characters).
 * LE_OK, or LE_EINVAL with the apiserver's words after the field path
 * ("Unsupported value: ..." or "Invalid value: ...") in err. "" is
 * invalid here: callers test for an absent strategy first. */
int le_strategy_validate(const char *strategy, char *err, size_t errcap);

/* ---- the object as JSON ------------------------------------------------- */

/* A coordination.k8s.io/v1beta1 LeaseCandidate (a cJSON object, returned
 * as void *; the caller cJSON_Deletes it): kind, apiVersion, metadata
 * name and namespace, spec leaseName, binaryVersion, emulationVersion,
 * strategy, and renewTime / pingTime as MicroTime when set. Empty strings
 * are left out. NULL on OOM. */
void *le_lease_candidate_to_json(const le_lease_candidate *c);
/* Reads metadata.name, .namespace, .creationTimestamp and the spec from
 * an object (cJSON *) of any of the versions (v1alpha2 and v1beta1 share
 * the spec). Absent fields are empty / unset. LE_OK, or LE_EPARSE with the
 * field at fault in err (a wrong type, a bad time, too long). */
int le_lease_candidate_from_json(const void *obj, le_lease_candidate *out,
				 char *err, size_t errcap);

/* ---- the candidate side of a coordinated client ------------------------- */

typedef struct le_cand_config {
	const char *name;             /* the candidate's name: its identity */
	const char *namespace_;       /* kube-system for the control plane */
	const char *lease_name;       /* the Lease it is a candidate for */
	const char *binary_version;
	const char *emulation_version;
	const char *strategy;         /* NULL = OldestEmulationVersion */
	int64_t renew_interval_ns;    /* 0 = LE_CAND_RENEW_INTERVAL_NS */
} le_cand_config;

typedef enum le_cand_op {
	LE_CAND_CREATE = 1,
	LE_CAND_UPDATE = 2,
} le_cand_op;

/* What to send: the whole object, and for UPDATE the resourceVersion of
 * the informer's copy it was made from. */
typedef struct le_cand_request {
	uint64_t id;
	le_cand_op op;
	le_lease_candidate object;
	char resource_version[LE_RV_MAX];
} le_cand_request;

/* An informer event on the candidate's own object. */
typedef enum le_cand_event {
	LE_CAND_EV_ADD = 1,
	LE_CAND_EV_UPDATE = 2, /* also a resync */
	LE_CAND_EV_DELETE = 3,
} le_cand_event;

typedef struct le_cand le_cand;

/* NULL with the reason in err when a field is missing or too long. */
le_cand *le_cand_new(const le_cand_config *c, char *err, size_t errcap);
void le_cand_free(le_cand *c);

/* The informer has synced: process the item now. LE_ESTATE if started. */
int le_cand_start(le_cand *c, le_time now);
/* The informer's cache changed (obj and rv are the new copy; ignored for
 * DELETE). An UPDATE with pingTime after renewTime adds the item. */
int le_cand_on_observed(le_cand *c, le_time now, le_cand_event ev,
			const le_lease_candidate *obj, const char *rv);
int le_cand_on_timer(le_cand *c, le_time now);
/* The answer to request id: a 2xx status is success, anything else
 * (0 = no response) an error. A stale id is ignored (LE_OK). */
int le_cand_on_response(le_cand *c, le_time now, uint64_t id, int status);
/* Monotonic time of the next timer, INT64_MAX if none. */
int64_t le_cand_next_deadline(const le_cand *c);
/* The request to send, if one is waiting; it stays valid until the next
 * input. */
bool le_cand_next_request(le_cand *c, le_cand_request *out);

typedef struct le_cand_stats {
	uint64_t creates, updates, failures, pings_answered;
	int64_t last_backoff_ns; /* the rate limiter's last delay */
} le_cand_stats;
void le_cand_stats_get(const le_cand *c, le_cand_stats *out);

#ifdef __cplusplus
}
#endif
#endif
