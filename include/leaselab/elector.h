/* leaselab — the election core: client-go's tools/leaderelection as a sans-IO
 * state machine (architecture.md seam 1; election-spec.md is the spec).
 *
 * The core never reads a clock, sleeps, draws randomness or does I/O. A driver
 * (le_run() in real time, the simulator in virtual time, a unit test with a
 * script) feeds it inputs, each stamped with the node's clock, and carries out
 * the outputs it queues:
 *
 *   inputs                      outputs (drain with le_elector_next_output)
 *   le_elector_start            LE_OUT_SEND      send request id N
 *   le_elector_on_timer         LE_OUT_ABORT     abort request N (no response
 *   le_elector_on_response                       is expected any more)
 *   le_elector_cancel           LE_OUT_STARTED_LEADING / STOPPED_LEADING
 *                               LE_OUT_NEW_LEADER LE_OUT_LOG  LE_OUT_DONE
 *
 * Timers follow ngtcp2: after every input the driver asks
 * le_elector_next_deadline() for the monotonic time at which it must call
 * le_elector_on_timer(); INT64_MAX means "no timer". Calling on_timer early
 * is harmless (nothing is due, nothing happens).
 *
 * Per-request client timeouts and the renew deadline are enforced by the core
 * itself: when one passes it queues LE_OUT_ABORT and treats the request as
 * failed. A driver may therefore forget about timeouts; a response that
 * arrives for an aborted or unknown request id is ignored.
 *
 * Not thread-safe: one elector is driven from one thread.
 */
#ifndef LEASELAB_ELECTOR_H
#define LEASELAB_ELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_NS_PER_MS INT64_C(1000000)
#define LE_NS_PER_S INT64_C(1000000000)

/* A node's two clock readings (architecture.md seam 2): mono_ns for every
 * duration and expiry decision, wall_ns only for the times written into the
 * record. */
typedef struct le_time {
	int64_t mono_ns;
	int64_t wall_ns;
} le_time;

/* ---- durations in Go syntax ("10s", "500ms", "1m30s", "1.5h") ---------- */

/* Parse a Go duration. Units: ns, us (or µs), ms, s, m, h; "0" alone is
 * allowed. Returns LE_OK, or LE_EINVAL (bad syntax / unknown unit) or
 * LE_ERANGE (overflow) with the reason in err. */
int le_parse_duration(const char *s, int64_t *ns, char *err, size_t errcap);
/* Format as Go's time.Duration.String(): "1m30s", "1.5s", "500ms", "0s".
 * Returns the length (truncated to cap-1). */
int le_format_duration(int64_t ns, char *buf, size_t cap);

/* ---- behaviour profiles (architecture.md seam 4, election-spec.md 2.8, 5) --
 * Each historical deviation from client-go HEAD is one named flag. */
typedef struct le_profile {
	const char *name;
	/* Renew pass: first attempt immediately (HEAD) or only after RP (Poll,
	 * 2015–2018 and 0.5). */
	bool renew_first_attempt_immediate;
	/* Renew pass deadline aborts the request in flight (HEAD); when false it
	 * is checked only between attempts, so a hung request never ends the
	 * pass (2018, 0.5; kubernetes#65090). */
	bool renew_deadline_aborts_request;
	/* Gap between renew passes: RP (HEAD, since PR #65667) or 0. */
	bool renew_pass_gap_is_rp;
	/* Expiry uses the record's leaseDurationSeconds (HEAD, PR #114872) or
	 * the elector's own LD (before 2023, 0.5; kubernetes#47671). */
	bool expiry_uses_record_duration;
	/* A record with holder "" is free (1.14+). */
	bool empty_holder_is_free;
	/* Optimistic fast-path Update for the leader (PR #122069). */
	bool fast_path;
	/* Change detection by raw bytes (HEAD) or by parsed-record equality
	 * (0.5 / before 2019-08). */
	bool change_detect_raw;
	/* Release on cancel exists at all (PR #71490); the config's
	 * release_on_cancel only takes effect when this is true. */
	bool release_supported;
	/* Release is bounded by RD (PR #124588); otherwise unbounded. */
	bool release_bounded_by_rd;
	/* Release GETs first for a fresh resourceVersion (PR #132849). */
	bool release_get_first;
	/* Release retries on 409 until its deadline (client-go 2026). */
	bool release_retry_on_conflict;
	/* The renewing holder writes leaderTransitions as 0 (0.5). */
	bool transitions_reset_on_renew;
	/* OnNewLeader is wired (not in 0.5: followers' view goes stale). */
	bool on_new_leader_wired;
	/* observedTime comes from the wall clock (0.5, Go 1.6: NTP steps change
	 * expiry decisions; hazard H5). */
	bool observed_time_uses_wall_clock;
	/* After leadership is lost, acquire again with the same state (0.5's
	 * wait.Forever(Run, 0)) instead of ending. */
	bool rerun_after_loss;
	/* Default per-request client timeout: max(1 s, RD/2) (HEAD) or none. */
	bool default_request_timeout;
	/* The renew pass is the old wait.Poll, run by wait.WaitFor (k8s <= 1.11
	 * and 0.5; election-spec.md 2.8): a tick that comes while an attempt runs is dropped,
	 * not kept, and when the deadline closes the poll the condition runs
	 * once more. So a 0.5 pass makes 2-3 attempts (+2.5 s, +5 s and maybe
	 * one more: Go's select tosses a coin when the +5 s tick and the deadline
	 * fall due together; the core takes the lowest bit of `rnd`), and a
	 * request that hung past the deadline is followed by one last attempt. */
	bool renew_poll_waitfor;
	/* A GET that finds the object without a record (a missing annotation)
	 * skips the change detection and the held check and takes it at once
	 * (0.5). Otherwise the missing record reads as an empty one (client-go). */
	bool missing_record_skips_checks;
	/* klog levels of the 2016 vendored code (0.5, election-spec.md 5.4): "lock is held
	 * by" at Info, "renewed" at V4; le_log_format uses the 0.5 words. */
	bool logs_2016;
	/* Run the contrib election/ program around the core (0.5, election-spec.md 5.2).
	 * At start: GET the lock object; on 404 POST one without a record (a
	 * request with no_record); any error other than a 409 with reason
	 * "Conflict" (so also AlreadyExists when two pods start together) is
	 * fatal: LE_MSG_STARTUP_FAILED, then LE_OUT_DONE with no STOPPED_LEADING,
	 * and le_elector_fatal() turns true (0.5 exits with glog.Fatalf). Then it
	 * GETs the object again and reports its holder. The sidecar's leader
	 * callback is reported as LE_OUT_NEW_LEADER: that holder ("" if none) at
	 * start, self with STARTED_LEADING, and after every STOPPED_LEADING the
	 * holder read by one more GET ("" if it fails), before acquiring again. */
	bool contrib_election_main;
	/* Release writes {leaderTransitions} alone: holder "", duration 0, no
	 * times (1.14-1.19; a Lease refuses it with 422, client-go#754). */
	bool release_writes_zero_duration;
	/* Annotation records are decoded as Go's json.Unmarshal does: a record
	 * with another client's shapes (le_record.dialect != 0) fails every
	 * GET (election-spec.md 3.3). All the Go profiles; le_config's
	 * liberal_records turns it off for one elector. */
	bool strict_annotation_records;
	/* LE_DIALECT_* shapes this client writes (0 = client-go's). */
	unsigned writer_dialect;
	/* Log words of the contextual-logging code (1.35+): "Attempting to
	 * acquire leader lease..." lock="ns/name"; otherwise the klog.Infof
	 * words of 2016-2025. */
	bool logs_structured;
	/* The MultiLock kinds (endpointsleases, configmapsleases) in this
	 * release's resourcelock.New (election-spec.md 3.3): not yet (before
	 * 1.17: "Invalid lock-type"), there (1.17-1.27), or removed (1.28+,
	 * 27bbe7653: "configmapsleases lock is removed, migrated to leases"). */
	enum le_multilock_era {
		LE_MULTILOCK_NOT_YET = 0,
		LE_MULTILOCK_SUPPORTED = 1,
		LE_MULTILOCK_REMOVED = 2,
	} multilock;
	/* The plain annotation kinds (endpoints, configmaps) in resourcelock.New
	 * (election-spec.md 3.3): there (<= 1.23), removed in 1.24 ("endpoints
	 * lock is removed, migrate to endpointsleases"), and from 1.28 the
	 * same words with " (using version v0.27.x)" after them. */
	enum le_annotation_lock_era {
		LE_ANNOTATION_LOCKS_SUPPORTED = 0,
		LE_ANNOTATION_LOCKS_REMOVED = 1,
		LE_ANNOTATION_LOCKS_REMOVED_V027 = 2,
	} annotation_locks;
} le_profile;

/* The built-in profiles, named after the first release with their
 * behaviour (election-spec.md 2.8; docs/profiles.md): "client-go-head"
 * (1.37.0-alpha.1: release retries on 409), "client-go-1.34" (1.34-1.36:
 * release GETs first, no retry), "client-go-1.31" (1.31-1.33: release
 * bounded by RD, no GET first: #131867), "client-go-1.27" (1.27-1.29: the
 * record's duration for expiry, no fast path, release unbounded; the last
 * release with the MultiLock), "client-go-1.23" (1.20-1.23: the local LD
 * for expiry; the last release with plain annotation locks), "client-go-1.14" (1.14-1.19:
 * release writes duration 0, refused on a Lease), "client-go-1.11" (<= 1.11),
 * "sidecar-0.5", and the foreign writer "python-22.6". Aliases: "client-go"
 * is the newest GA (client-go-1.34); the old names "client-go-2024" and
 * "client-go-2018" are client-go-1.31 and client-go-1.11. NULL if unknown. */
const le_profile *le_profile_find(const char *name);
/* The i-th built-in profile / alias (for --profile help), NULL past the
 * end; *target receives what the alias names. */
const le_profile *le_profile_at(size_t i);
/* LE_OK when release p's resourcelock.New makes a lock of this kind;
 * otherwise LE_EINVAL and client-go's words in err ("endpoints lock is
 * removed, migrate to endpointsleases", "Invalid lock-type
 * configmapsleases"; election-spec.md 3.3). le_config_validate calls it. */
int le_profile_lock_check(const le_profile *p, le_lock_kind kind, char *err,
			  size_t errcap);
const char *le_profile_alias_at(size_t i, const le_profile **target);
extern const le_profile le_profile_client_go_head;
extern const le_profile le_profile_client_go_1_34;
extern const le_profile le_profile_client_go_1_31;
extern const le_profile le_profile_client_go_1_27;
extern const le_profile le_profile_client_go_1_23;
extern const le_profile le_profile_client_go_1_14;
extern const le_profile le_profile_client_go_1_11;
extern const le_profile le_profile_sidecar_05;
extern const le_profile le_profile_python_22_6;
/* Old spellings of the same objects: client-go is the newest GA. */
#define le_profile_client_go le_profile_client_go_1_34
#define le_profile_client_go_2024 le_profile_client_go_1_31
#define le_profile_client_go_2018 le_profile_client_go_1_11

/* How the lock's client was built (election-spec.md 2.8): NewFromKubeconfig
 * gives every request a timeout of max(1 s, RD/2) (in releases whose
 * profile has default_request_timeout); a hand-built LeaseLock{Client: ...}
 * has none, so a GET can hang as long as the server holds it. */
typedef enum le_lock_build {
	LE_LOCK_BUILT_FROM_KUBECONFIG = 0,
	LE_LOCK_BUILT_BY_HAND = 1,
} le_lock_build;

/* ---- configuration (election-spec.md 1) ---------------------------------- */
typedef struct le_config {
	const char *identity;       /* copied; "" fails validation */
	le_lock_kind lock_kind;
	const char *lock_namespace; /* copied */
	const char *lock_name;      /* copied */
	int64_t lease_duration_ns;  /* LD */
	int64_t renew_deadline_ns;  /* RD */
	int64_t retry_period_ns;    /* RP */
	bool release_on_cancel;
	/* Per-request client timeout; 0 = what lock_build and the profile
	 * give (max(1 s, RD/2) from a kubeconfig, or none); < 0 = none. */
	int64_t request_timeout_ns;
	const le_profile *profile;  /* NULL = client-go */
	/* client-go requires OnStartedLeading/OnStoppedLeading callbacks and a
	 * lock; a sans-IO core has outputs instead, so validation asks the driver
	 * to vouch for them (checks 6-8 of election-spec.md 1.2). */
	bool has_started_leading_cb;
	bool has_stopped_leading_cb;
	bool has_lock;
	const char *name;           /* for metrics and healthz; may be NULL */
	le_lock_build lock_build;   /* default: LE_LOCK_BUILT_FROM_KUBECONFIG */
	/* Read annotation records liberally (another client's shapes) even
	 * under a Go profile: a tool's choice, not what Go does. */
	bool liberal_records;
	/* client-go's Config.Coordinated (KEP-4355, election-spec.md 8): both
	 * loops call tryCoordinatedRenew instead of tryAcquireOrRenew. It only
	 * GETs (a 404 fails the attempt and creates nothing), never takes the
	 * lease over (the apiserver's election controller writes the holder),
	 * tests expiry non-strictly (observedTime + the record's duration
	 * before now), has no fast path, carries `strategy` forward and stops
	 * renewing while `preferredHolder` is set ("end of term"). */
	bool coordinated;
	/* The driver has no use for LE_OUT_LOG (the simulator): the core
	 * queues none, which saves a slot and a copy of the text a step.
	 * Nothing else changes: a log never steers the election. */
	bool no_logs;
} le_config;

/* Fill *c with client-go's defaults: LD 15 s, RD 10 s, RP 2 s, Lease lock,
 * profile client-go (the newest GA), a lock built from a kubeconfig, Go's
 * strict records, callbacks and lock vouched for. */
void le_config_defaults(le_config *c);

/* Validate in client-go's order with its exact error texts (election-spec.md 1.2).
 * Returns LE_OK or LE_EINVAL with the text in err. */
int le_config_validate(const le_config *c, char *err, size_t errcap);

/* ---- requests and responses (architecture.md seam 3) -------------------- */
typedef enum le_op {
	LE_OP_GET = 0,
	LE_OP_CREATE = 1,
	LE_OP_UPDATE = 2,
} le_op;

/* A request the driver must send. For CREATE/UPDATE, record is what to write;
 * UPDATE is a compare-and-swap on resource_version (the lock's cached
 * object). Annotation locks keep the rest of the cached object (and the
 * object's other annotations) unchanged: that is the transport's job.
 * `target` is the object the request is for (namespace and name are the
 * lock's): the lock kind itself, or, for a MultiLock, its primary
 * (endpoints / configmaps) or its secondary (leases); never a MultiLock
 * kind. A MultiLock's Get, Create and Update are sequences of such
 * requests, one at a time (election-spec.md 3.3). */
typedef struct le_request {
	uint64_t id;
	le_op op;
	le_record record;                   /* CREATE / UPDATE */
	char resource_version[LE_RV_MAX];   /* UPDATE */
	int64_t timeout_ns;                 /* informational; the core enforces it */
	/* CREATE only: create the object with no record at all (0.5's startup
	 * POST of {metadata:{name}}; profile flag contrib_election_main). */
	bool no_record;
	le_lock_kind target;
} le_request;

/* What came back. status is the HTTP status code (200, 201, 404, 409, 403,
 * 500, ...) or 0 when no response arrived (connection refused, reset, client
 * timeout). reason/message are the Status object's, when there was one. For
 * a successful GET/CREATE/UPDATE: record (present=false for a missing
 * annotation), resource_version, and raw = the bytes used for change
 * detection (the annotation text, or le_record_key() for an in-process
 * store). Pointers need only live for the duration of the call. */
typedef struct le_response {
	uint64_t id;
	int status;
	const char *reason;    /* e.g. "Conflict", "NotFound"; may be NULL */
	const char *message;   /* e.g. the apiserver's 403 text; may be NULL */
	const le_record *record;
	bool record_present;
	const char *resource_version;
	const void *raw;
	size_t raw_len;
} le_response;

/* ---- outputs -------------------------------------------------------------- */
typedef enum le_output_kind {
	LE_OUT_SEND = 1,          /* .request */
	LE_OUT_ABORT,             /* .request_id */
	LE_OUT_STARTED_LEADING,   /* OnStartedLeading: start the leader's work */
	LE_OUT_STOPPED_LEADING,   /* OnStoppedLeading; .was_leader says whether
				     the leader's context was live (it is now
				     cancelled). Emitted once per Run exit. */
	LE_OUT_NEW_LEADER,        /* OnNewLeader(.identity), "" included; with
				     contrib_election_main (0.5): the
				     sidecar's leader callback instead */
	LE_OUT_LOG,               /* .log */
	LE_OUT_DONE,              /* Run returned; no more outputs, no timers */
} le_output_kind;

/* Log messages are codes plus arguments, formatted only when a driver wants
 * text (le_log_format), so the simulator's per-event path formats nothing. */
typedef enum le_msg {
	LE_MSG_ATTEMPTING_ACQUIRE = 1, /* "attempting to acquire leader lease ns/name..." */
	LE_MSG_ACQUIRED,         /* "successfully acquired lease ns/name" */
	LE_MSG_FAILED_ACQUIRE,   /* V4 "failed to acquire lease ns/name" */
	LE_MSG_RENEWED,          /* V5 "successfully renewed lease ns/name" */
	LE_MSG_FAILED_RENEW,     /* "failed to renew lease ns/name: <detail>" */
	LE_MSG_HELD_BY,          /* "lock is held by <holder> and has not yet expired" */
	LE_MSG_FAST_PATH_FAILED, /* V2 "Failed to update lease optimistically, falling back to slow path" */
	LE_MSG_GET_ERROR,        /* "error retrieving resource lock ns/name: <detail>" */
	LE_MSG_CREATE_ERROR,     /* "error initially creating leader election record: <detail>" */
	LE_MSG_UPDATE_ERROR,     /* "Failed to update lock: <detail>" */
	LE_MSG_RELEASE_CONFLICT, /* V4 "Conflict when releasing lease, retrying" */
	LE_MSG_RELEASE_FAILED,   /* "Failed to release lease: <detail>" */
	LE_MSG_RELEASED,         /* "released lease ns/name" */
	LE_MSG_IS_THE_LEADER,    /* "<holder> is the leader" (0.5 stdout; new leader) */
	LE_MSG_REQUEST_ABORTED,  /* V4 request N aborted: <detail> */
	LE_MSG_STARTUP_FAILED,   /* 0.5 fatal: "failed to create election: <detail>" */
	LE_MSG_GET_LEADER_FAILED, /* 0.5: "failed to get leader: <detail>" */
	/* A warning (is_error, V0; arg = the foreign renewTime): the record
	 * shows this identity renewed by a write this elector did not make, so
	 * another process runs under the same identity and both lead. The
	 * rule and its limits: elector.c, own_write_check. */
	LE_MSG_DUPLICATE_IDENTITY,
	/* tryCoordinatedRenew (le_config.coordinated, election-spec.md 8) */
	LE_MSG_LEASE_NOT_FOUND,  /* "lease lock not found: ns/name" */
	LE_MSG_LEASE_EXPIRED,    /* "lock has expired: ns/name" */
	LE_MSG_HELD_COORDINATED, /* V6 "lock is held by <holder> and has not yet expired: ns/name" */
	LE_MSG_END_OF_TERM,      /* V4 "lock is marked as 'end of term': ns/name"
				    (arg = the preferredHolder) */
} le_msg;

typedef struct le_log {
	int verbosity;          /* klog V-level: 0 = always shown */
	bool is_error;
	le_msg msg;
	const char *arg;        /* holder / detail, or NULL; valid until next input */
	int status;             /* HTTP status behind the message, 0 if none */
} le_log;

typedef struct le_output {
	le_output_kind kind;
	union {
		const le_request *request;   /* SEND; valid until the next input */
		uint64_t request_id;         /* ABORT */
		const char *identity;        /* NEW_LEADER; valid until next input */
		bool was_leader;             /* STOPPED_LEADING */
		le_log log;                  /* LOG */
	} u;
} le_output;

struct le_elector; /* declared below; needed here at file scope */

/* Text of a log output in the profile's words (client-go HEAD or 0.5).
 * Returns the length (truncated to cap-1). */
int le_log_format(const struct le_elector *e, const le_log *log, char *buf,
		  size_t cap);

/* ---- the elector ------------------------------------------------------- */
typedef struct le_elector le_elector;

/* Validates c (le_config_validate) and allocates. NULL with err filled on
 * failure. */
le_elector *le_elector_new(const le_config *c, char *err, size_t errcap);
/* As le_elector_new with c's identity replaced by `identity` (copied),
 * for a driver of many electors that differ only in identity (a replica
 * set): c and its strings are not copied but read where they are, so they
 * must stay unchanged until every elector made from them is freed, and its
 * profile must be set (NULL is an error here, not client-go's). This
 * spares each elector a configuration copy and the lock's names, about
 * 100 bytes (1 MB at 10,000 candidates). */
le_elector *le_elector_new_shared(const le_config *c, const char *identity,
				  char *err, size_t errcap);
void le_elector_free(le_elector *e);

/* Inputs. Each takes the node's clock; `rnd` is a uniform 64-bit draw from
 * the driver's random stream, used when the input leads to a jittered wait
 * (the acquire loop's U[RP, 2.2 RP), from the top 53 bits) or to the coin of
 * renew_poll_waitfor (the lowest bit), and ignored otherwise. Return LE_OK,
 * or LE_ESTATE when the call makes no sense now (e.g. start twice) or when
 * so many outputs are still undrained that the queue could overflow (the
 * input is then not taken: drain and call again), or LE_ENOMEM when the
 * 6 KB it needs for outputs and requests cannot be had after
 * le_elector_outputs_done gave them back (the input is then not taken
 * either). A response is taken only
 * for the request in flight, and only if its SEND came out of an earlier
 * input; anything else is ignored. */
int le_elector_start(le_elector *e, le_time now, uint64_t rnd);
int le_elector_on_timer(le_elector *e, le_time now, uint64_t rnd);
int le_elector_on_response(le_elector *e, le_time now, const le_response *r,
			   uint64_t rnd);
/* The context is cancelled (SIGTERM, shutdown): abort what is in flight,
 * release if configured, stop leading, finish with LE_OUT_DONE. */
int le_elector_cancel(le_elector *e, le_time now, uint64_t rnd);

/* Monotonic time of the next timer, INT64_MAX if none. */
int64_t le_elector_next_deadline(const le_elector *e);

/* Drain outputs in order. Returns false when the queue is empty. The output
 * (and pointers inside it) stay valid until the next input call. */
bool le_elector_next_output(le_elector *e, le_output *out);

/* Optional: the driver has drained the outputs and is done with them and
 * with every pointer in them (a SEND's request, a text), which may dangle
 * from here on. With nothing left to drain the elector gives back the 6 KB
 * its outputs and requests take, until its next input allocates them
 * again; without this call it keeps them. For drivers of many electors
 * (the simulator from 100 pods: 10,000 candidates take 1.1 KB each, not
 * 7 KB); a malloc and a free per input is its cost. */
void le_elector_outputs_done(le_elector *e);

/* Optional, with le_elector_outputs_done: a slot of the driver's where an
 * elector that gives its output block back leaves it (when the slot is
 * empty) and where its next input takes one from (when it is not), so a
 * driver of thousands that gives every block back passes one between
 * them instead of a malloc and a free an input. One slot may serve any
 * number of electors driven from one thread; the driver frees what it
 * holds (free(*slot)) once they are done. NULL (the default): malloc and
 * free. */
void le_elector_set_io_spare(le_elector *e, void **slot);

/* The bytes the elector holds on the heap now (itself, its strings, its
 * output buffers while it has them, a MultiLock's state). */
size_t le_elector_memory(const le_elector *e);

/* ---- observation ---------------------------------------------------------- */
bool le_elector_is_leader(const le_elector *e);      /* observed holder == me */
const char *le_elector_leader(const le_elector *e);  /* observed holder ("" if none) */
/* The identity the last LE_OUT_NEW_LEADER carried ("" before any): what
 * OnNewLeader was last told. With contrib_election_main (0.5) it is the
 * sidecar's own view, which on a follower goes stale, since nothing tells
 * it about a change of holder until it loses leadership itself
 * (election-spec.md 5.2, contrib#2930); le_elector_leader() is current. */
const char *le_elector_reported_leader(const le_elector *e);
/* A copy of the observed record (observedRecord) into *out; false (and
 * *out untouched) when e or out is NULL. The elector keeps it compactly,
 * so there is no pointer to hand out. */
bool le_elector_observed_record(const le_elector *e, le_record *out);
/* The configuration: the elector's copy (le_elector_new) or the shared
 * one it was made from (le_elector_new_shared), whose identity is not the
 * elector's: le_elector_identity is. */
const le_config *le_elector_config(const le_elector *e);
const char *le_elector_identity(const le_elector *e);
bool le_elector_done(const le_elector *e);
/* True when the elector is done because the 0.5 startup failed
 * (contrib_election_main): that program exits with glog.Fatalf (status 255)
 * and its container restarts; a driver should not simply start it again. */
bool le_elector_fatal(const le_elector *e);
/* True from STARTED_LEADING until STOPPED_LEADING: the leader's context is
 * live. */
bool le_elector_leading(const le_elector *e);
/* The leader_election_master_status gauge (see le_stats.master_status). */
bool le_elector_master_status(const le_elector *e);

/* Healthz (election-spec.md 2.7): LE_OK when healthy; otherwise LE_ETIMEDOUT with
 * "failed election to renew leadership on lease <name>" in err. */
int le_elector_check(const le_elector *e, int64_t mono_now_ns,
		     int64_t tolerance_ns, char *err, size_t errcap);

/* Counters an operator would alert on (also used by /metrics). Each stops
 * at 2^32 - 1 (the elector keeps them in 32 bits): 136 years of attempts
 * at a 1 s retry period. */
typedef struct le_stats {
	uint64_t attempts;        /* tryAcquireOrRenew calls */
	uint64_t requests;        /* requests sent */
	uint64_t aborted;         /* requests aborted (deadline / timeout) */
	uint64_t slowpath;        /* leader_election_slowpath_total */
	uint64_t acquisitions;    /* became leader */
	uint64_t losses;          /* stopped leading after leading */
	uint64_t renew_failures;  /* failed renew passes */
	uint64_t errors;          /* non-2xx/404 responses + transport failures */
	uint64_t duplicate_identity; /* foreign writes seen under my identity
					(LE_MSG_DUPLICATE_IDENTITY) */
	/* leader_election_master_status as upstream sets it: 1 from a
	 * successful acquire until a renew pass fails; a cancel between
	 * passes (and so Run's return) leaves it at 1 (election-spec.md 2.6). */
	uint64_t master_status;
} le_stats;
void le_elector_stats(const le_elector *e, le_stats *out);

/* For a driver that explores choices (bin/sim prove, docs/prove.md).
 * le_elector_state_hash: a 64-bit hash of every field that affects what
 * the core does next, its times taken relative to `now` (the clock
 * readings an input at this instant would carry); stats and the log
 * texts are left out. Equal states hash equal; reading it changes
 * nothing. le_elector_draws_used: how many of the driver's draws reached
 * a decision so far (a draw passed with an input the core did not need
 * is not counted), so a driver can tell which draws mattered. */
uint64_t le_elector_state_hash(const le_elector *e, le_time now);
uint64_t le_elector_draws_used(const le_elector *e);
/* le_elector_expiry_mono: the instant on the monotonic clock of `now` at
 * which the observed lease expires (observedTime + the observed record's
 * duration, converted from the wall clock for profiles whose observedTime
 * is wall); false when nothing has been observed. le_elector_draw_after:
 * a driver draw that makes a failed acquire attempt's wait, taken at
 * now_mono_ns, end at or within a microsecond after at_mono_ns; false when
 * at_mono_ns is outside [now + RP, now + 2.2 RP). */
bool le_elector_expiry_mono(const le_elector *e, le_time now, int64_t *mono_ns);
bool le_elector_draw_after(const le_elector *e, int64_t now_mono_ns, int64_t at_mono_ns,
			   uint64_t *draw);
/* Fold a record into hash h (its wall times relative to wall_now_ns). */
uint64_t le_record_state_hash(uint64_t h, const le_record *r,
			      int64_t wall_now_ns);

#ifdef __cplusplus
}
#endif
#endif
