/* leaselab — the coordinated leader election controller (KEP-4355) as
 * kube-apiserver runs it, sans-IO (docs/coordinated.md, election-spec.md 8).
 *
 * After kubernetes/kubernetes pkg/controlplane/controller/leaderelection/
 * (leaderelection_controller.go, election.go, leasecandidategc_controller.go):
 * one workqueue of Lease keys (namespace, name), one worker. An informer
 * event on a Lease adds its key; an event on a LeaseCandidate adds the key
 * of the Lease it names, unless the candidate is "pending" (pingTime after
 * renewTime: an election is already waiting for it). Each time a key is
 * processed the controller reads its informer view (the Lease and the
 * candidates) and takes ONE election step (reconcileElectionStep):
 *
 *   - no live candidate for the Lease: nothing, and no requeue;
 *   - no election needed (the Lease is valid, has a holder, no candidate is
 *     older than 15 minutes, and the best candidate already holds it or the
 *     strategy is not OldestEmulationVersion): nothing, requeue in 5 s;
 *   - some candidate renewed more than 5 s ago and was not pinged (or acked
 *     its last ping over 5 s ago): ping it (UPDATE with pingTime = now),
 *     requeue in 5 s;
 *   - some ping is younger than 5 s and unanswered: wait, requeue in 5 s;
 *   - otherwise elect among the candidates that renewed in the last 5 s:
 *     CREATE the Lease (holder, strategy, leaseDurationSeconds 5,
 *     renewTime now); if it exists, GET it and UPDATE it: an expired Lease
 *     or one without holder gets the electee as holder (preferredHolder
 *     cleared), a valid Lease held by someone else gets preferredHolder =
 *     the electee. Requeue in 5 s; a failed CREATE/GET/UPDATE does not
 *     requeue (upstream returns noRequeue with the error).
 *
 * Requeues are the workqueue's AddAfter: a key waiting for two times waits
 * for the earlier; an Add while the key is being processed runs it again
 * after Done. Expired candidates (renewTime older than 30 minutes) are
 * ignored by the election and deleted by the GC, every 30 minutes.
 *
 * Like the elector, this code reads no clock and does no I/O. Every input
 * takes the controller's time (le_time: monotonic for its timers, wall for
 * pingTime, renewTime and the expiry tests). A driver feeds the informer
 * events and the answers and carries out the requests it drains.
 */
#ifndef LEASELAB_ELECTION_H
#define LEASELAB_ELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/candidate.h"
#include "leaselab/elector.h"
#include "leaselab/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* defaultRequeueInterval */
#define FA_ELECTION_REQUEUE_NS (5 * LE_NS_PER_S)
/* electionDuration: how long a ping may stay unanswered, and how fresh a
 * renewTime must be to count as an answer */
#define FA_ELECTION_DURATION_NS (5 * LE_NS_PER_S)
/* defaultLeaseDurationSeconds: what the controller writes into the Lease */
#define FA_ELECTION_LEASE_DURATION_S 5
/* leaseCandidateValidDuration; half of it forces an election */
#define FA_CANDIDATE_VALID_NS (30 * 60 * LE_NS_PER_S)
/* LeaseCandidateGCPeriod */
#define FA_CANDIDATE_GC_PERIOD_NS (30 * 60 * LE_NS_PER_S)
/* Limits: Lease keys one controller tracks, candidates one step reads. */
#define FA_ELECTION_KEYS_MAX 16
#define FA_ELECTION_CANDIDATES_MAX 128

/* ---- one election step, pure ------------------------------------------ */

/* What the informer shows for one Lease key. */
typedef struct fa_election_view {
	const char *namespace_; /* the Lease key */
	const char *name;
	const le_record *lease; /* NULL = the Lease does not exist */
	/* the candidate informer's list, in its order (ties go to the earlier):
	 * those of another namespace or Lease are skipped */
	const le_lease_candidate *candidates;
	const char (*candidate_rvs)[LE_RV_MAX]; /* each one's resourceVersion */
	size_t n_candidates;
} fa_election_view;

typedef enum fa_election_outcome {
	FA_ELECT_NONE = 0,	   /* no live candidate: nothing, no requeue */
	FA_ELECT_NOT_NEEDED = 1,   /* the holder is already the best */
	FA_ELECT_PING = 2,	   /* pings to send (pings[]) */
	FA_ELECT_WAIT = 3,	   /* a ping is younger than 5 s, unanswered */
	FA_ELECT_NO_ACKED = 4,	   /* "no available candidates": no requeue */
	FA_ELECT_BAD_STRATEGY = 5, /* two candidates at one binary version
				      disagree on strategy: no requeue */
	FA_ELECT_CREATE = 6,	   /* write the Lease (lease, holder) */
} fa_election_outcome;

typedef struct fa_election_step {
	fa_election_outcome outcome;
	/* FA_ELECT_PING: indices into view->candidates, in view order; upstream
	 * sends them one by one and stops at the first error. */
	size_t n_pings;
	size_t pings[FA_ELECTION_CANDIDATES_MAX];
	/* FA_ELECT_CREATE: the Lease to create (holder_set false when the
	 * strategy is not OldestEmulationVersion: another controller's job). */
	le_record lease;
	/* The requeue if nothing fails: FA_ELECTION_REQUEUE_NS or 0. */
	int64_t requeue_ns;
	/* How many candidates were live, and the best of them (-1 if none):
	 * for logs and the checker. */
	size_t n_live;
	long best;
} fa_election_step;

/* reconcileElectionStep up to the CREATE. More than
 * FA_ELECTION_CANDIDATES_MAX candidates for the Lease: LE_ERANGE. */
int fa_election_reconcile(const fa_election_view *view, int64_t now_wall_ns,
			  fa_election_step *out);

typedef enum fa_election_update_kind {
	FA_ELECT_UPD_NONE = 0,	  /* already as wanted: no write */
	FA_ELECT_UPD_INSTALL = 1, /* holder := electee, preferredHolder cleared,
				     renewTime now, leaseDurationSeconds 5,
				     acquireTime cleared */
	FA_ELECT_UPD_PREFER = 2,  /* preferredHolder := electee */
	FA_ELECT_UPD_STRATEGY = 3, /* only spec.strategy changed */
	FA_ELECT_UPD_PANIC = 4,	   /* upstream dereferences a nil holder here
				      (a custom strategy on a Lease without
				      holder): the goroutine panics; no write */
} fa_election_update_kind;

/* The CREATE met AlreadyExists and the GET returned `existing`: what to
 * UPDATE it to (the electee and strategy are step->lease's). Fills *out
 * (a copy of existing, changed) and returns the kind. */
fa_election_update_kind fa_election_update(const le_record *existing,
					   const fa_election_step *step,
					   int64_t now_wall_ns, le_record *out);

/* isLeaseExpired: renewTime or leaseDurationSeconds absent, or renewTime +
 * duration strictly before now. */
bool fa_election_lease_expired(const le_record *lease, int64_t now_wall_ns);
/* isLeaseCandidateExpired: no renewTime, or renewTime + 30 min before now. */
bool fa_election_candidate_expired(const le_lease_candidate *c,
				   int64_t now_wall_ns);
/* The enqueue filter: pingTime set and renewTime before it. */
bool fa_election_candidate_pending(const le_lease_candidate *c);

/* ---- the controller: queue, worker, GC -------------------------------- */

typedef enum fa_election_op {
	FA_ELOP_VIEW = 1,	  /* read the informer's view of the key, then
				     call fa_election_on_view */
	FA_ELOP_PING = 2,	  /* UPDATE candidate (pingTime = now), rv */
	FA_ELOP_LEASE_CREATE = 3, /* CREATE lease */
	FA_ELOP_LEASE_GET = 4,	  /* GET the Lease from the server (not the
				     informer), then fa_election_on_lease */
	FA_ELOP_LEASE_UPDATE = 5, /* UPDATE lease with rv */
	FA_ELOP_GC = 6,		  /* the GC's pass: for each candidate expired
				     in the informer, GET it, and DELETE it if
				     still expired (fa_election_candidate_expired) */
} fa_election_op;

typedef struct fa_election_request {
	uint64_t id;
	fa_election_op op;
	char namespace_[LE_NAME_MAX];
	char name[LE_NAME_MAX];		     /* the Lease's name */
	le_lease_candidate candidate;	     /* PING: the object to write */
	char resource_version[LE_RV_MAX];    /* PING, LEASE_UPDATE */
	le_record lease;		     /* LEASE_CREATE, LEASE_UPDATE */
	fa_election_update_kind update_kind; /* LEASE_UPDATE */
} fa_election_request;

typedef struct fa_election fa_election;

fa_election *fa_election_new(void);
void fa_election_free(fa_election *e);

/* The informers have synced: `cands` is the candidate informer's list
 * (each is enqueued as an ADD event would); the GC runs now and every 30
 * minutes. LE_ESTATE if started. */
int fa_election_start(fa_election *e, le_time now,
		      const le_lease_candidate *cands, size_t n);
/* Informer events (ADD, UPDATE and DELETE alike). LE_ERANGE when a new key
 * would exceed FA_ELECTION_KEYS_MAX. */
int fa_election_on_lease_event(fa_election *e, le_time now, const char *ns,
			       const char *name);
int fa_election_on_candidate_event(fa_election *e, le_time now,
				   const le_lease_candidate *c);
int fa_election_on_timer(fa_election *e, le_time now);
/* The answer to FA_ELOP_VIEW. */
int fa_election_on_view(fa_election *e, le_time now, uint64_t id,
			const fa_election_view *view);
/* The answer to PING, LEASE_CREATE, LEASE_UPDATE and GC: status as HTTP
 * (2xx success, 409 conflict or AlreadyExists, 0 no response). */
int fa_election_on_response(fa_election *e, le_time now, uint64_t id,
			    int status);
/* The answer to LEASE_GET: status, and the live Lease and its rv on 200. */
int fa_election_on_lease(fa_election *e, le_time now, uint64_t id, int status,
			 const le_record *lease, const char *rv);
/* Monotonic time of the next timer, INT64_MAX if none. */
int64_t fa_election_next_deadline(const fa_election *e);
/* The request to carry out, if one is waiting. One is outstanding at a
 * time (one worker); the GC's pass is separate and may overlap it. */
bool fa_election_next_request(fa_election *e, fa_election_request *out);
/* The last completed step of each key, for logs and checks. */
const fa_election_step *fa_election_last_step(const fa_election *e,
					      const char *ns, const char *name);

typedef struct fa_election_stats {
	uint64_t steps, pings, creates, installs, prefers, failures, gc_passes;
} fa_election_stats;
void fa_election_stats_get(const fa_election *e, fa_election_stats *out);

#ifdef __cplusplus
}
#endif
#endif
