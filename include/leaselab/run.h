/* leaselab — le_run(): the election core driven in real time, and the API for
 * programs that embed it.
 *
 * le_run is the real-time driver of the sans-IO core (leaselab/elector.h):
 * CLOCK_MONOTONIC for every duration, the wall clock only for the times
 * written into the record, getrandom(2) for the acquire loop's jitter,
 * libcurl's multi interface on a libevent loop for the apiserver, and the
 * same loop for the optional status server (/, /healthz, /metrics).
 *
 * The article's Go program in C (examples/embedded.c has the whole thing):
 *
 *   static void lead(le_leader_ctx *ctx, void *user) {
 *           while (!le_ctx_wait(ctx, 5 * LE_NS_PER_S))
 *                   puts("leader run business");
 *   }
 *   ...
 *   le_run_config rc;
 *   le_run_config_defaults(&rc);                  // 15 s / 10 s / 2 s, Lease
 *   rc.elector.identity = id;
 *   rc.elector.lock_namespace = "default";
 *   rc.elector.lock_name = "my-lease";
 *   rc.kube = &kube;                              // le_kube_config_load()
 *   rc.callbacks.on_started_leading = lead;       // runs in its own thread
 *   rc.callbacks.on_stopped_leading = stopped;
 *   rc.callbacks.on_new_leader = new_leader;
 *   rc.handle_signals = true;                     // SIGTERM/SIGINT cancel
 *   return le_run(&rc, err, sizeof err);
 *
 * Threads: le_run blocks its caller and runs everything on that thread,
 * except on_started_leading, which gets a thread of its own (client-go runs
 * OnStartedLeading in a goroutine). Its le_leader_ctx is the leader's
 * context: done as soon as leadership ends. le_run waits for that thread
 * before it returns, so leader work must return once le_ctx_done() is true.
 */
#ifndef LEASELAB_RUN_H
#define LEASELAB_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/candidate.h"
#include "leaselab/elector.h"
#include "leaselab/kube.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the leader's context ---------------------------------------------- */

/* Live from "started leading" until leadership ends (renew deadline passed,
 * release done, le_run cancelled). Every function here is thread-safe. */
typedef struct le_leader_ctx le_leader_ctx;

/* True once leadership has ended. */
bool le_ctx_done(le_leader_ctx *ctx);
/* Block until the context is done or timeout_ns passes (< 0: no limit).
 * Returns true if done: `while (!le_ctx_wait(ctx, period)) work();` runs
 * work every period and stops promptly when leadership ends. */
bool le_ctx_wait(le_leader_ctx *ctx, int64_t timeout_ns);
/* A descriptor that becomes readable (POLLIN, and stays so) when the context
 * is done, for poll/epoll/event loops. Do not read or close it. */
int le_ctx_fd(le_leader_ctx *ctx);
/* The identity that leads in this context. */
const char *le_ctx_identity(le_leader_ctx *ctx);

/* ---- events: what the elector did, with timestamps -------------------- */

typedef enum le_event_kind {
	LE_EV_STARTED_LEADING = 1,
	LE_EV_STOPPED_LEADING,
	LE_EV_NEW_LEADER,
	LE_EV_LOG,
} le_event_kind;

typedef struct le_event {
	le_event_kind kind;
	int64_t wall_ns;      /* when it happened (wall clock) */
	const char *identity; /* this elector's identity */
	const char *leader;   /* NEW_LEADER: the observed holder ("" = none) */
	const char *text;     /* human text in the profile's words
				 (le_log_format), never NULL */
	int verbosity;	      /* klog V-level of a LOG; 0 otherwise */
	bool is_error;
	le_msg msg; /* LOG: which message; 0 for driver messages */
	int status; /* HTTP status behind the message, 0 if none */
} le_event;

/* One klog-style line: "I0303 14:39:10.661727 8 elector] <text>" (E for
 * errors, F for the sidecar-0.5 startup failure). No trailing newline. Returns the length
 * (truncated to cap-1). */
int le_event_format_text(const le_event *ev, long pid, char *buf, size_t cap);
/* One JSON line: {"ts":"<RFC 3339, µs, UTC>","level":"info"|"error"|"fatal",
 * "event":"started_leading"|"stopped_leading"|"new_leader"|"log",
 * "identity":"<self>","leader":"<holder>" (new_leader only),"v":N (logs
 * above V0),"status":N (when known),"msg":"<text>"}. No trailing newline.
 * Returns the length, or LE_ERANGE if cap is too small. */
int le_event_format_json(const le_event *ev, char *buf, size_t cap);

/* ---- callbacks --------------------------------------------------------- */
typedef struct le_callbacks {
	/* OnStartedLeading: called in a new thread; ctx is done when
	 * leadership ends. le_run joins the thread before it returns. */
	void (*on_started_leading)(le_leader_ctx *ctx, void *user);
	/* OnStoppedLeading: on le_run's thread, after ctx is done. Called
	 * once per le_run (also if leadership was never gained), as client-go
	 * does, plus once after every loss when restart_after_loss is set. */
	void (*on_stopped_leading)(void *user);
	/* OnNewLeader: on le_run's thread, for every change of the observed
	 * holder (self and "" included), when the profile wires it. */
	void (*on_new_leader)(const char *identity, void *user);
	/* Every event, in order, on le_run's thread (also the ones above). */
	void (*on_event)(const le_event *ev, void *user);
	void *user;
} le_callbacks;

/* ---- configuration ------------------------------------------------------ */
typedef struct le_run_config {
	le_config elector;	    /* identity, lock, timings, profile */
	const le_kube_config *kube; /* the apiserver; copied by le_runner_new */
	le_callbacks callbacks;
	/* "host:port" for the status server ("" host or "0.0.0.0" = every
	 * interface, port 0 = any; the bound address is logged). NULL = none.
	 *   /        {"name":"<leader>"} (leader-elector:0.5's answer)
	 *   /healthz 200 "ok" or 500 with the error (election-spec.md 2.7)
	 *   /metrics Prometheus text */
	const char *http_addr;
	int64_t healthz_tolerance_ns;
	/* SIGTERM and SIGINT cancel le_run (release, then return). With this
	 * or http_addr set, SIGPIPE is ignored if it had its default action
	 * (a status client hanging up must not kill the process). */
	bool handle_signals;
	/* After losing leadership, campaign again with a fresh elector (what
	 * a sidecar wants) instead of returning (what client-go's Run does). */
	bool restart_after_loss;
	/* Log verbosity passed to on_event (klog -v): LOG events above it are
	 * not delivered. */
	int verbosity;
	/* Coordinated leader election (docs/coordinated.md): with
	 * elector.coordinated set, also publish this LeaseCandidate (le_cand,
	 * candidate.h; its strings are copied) and keep it renewed. NULL = no
	 * candidate. The candidate's informer is a GET of its own object every
	 * retry period (client-go watches it), which is how pings are seen. */
	const le_cand_config *candidate;
	/* "v1beta1" (NULL: the default, 1.33+) or "v1alpha2" (1.32). */
	const char *candidate_api_version;
} le_run_config;

/* le_config_defaults() plus: release on cancel (client-go's default is off;
 * kube-scheduler turns it on), healthz tolerance 20 s, verbosity 0, no HTTP,
 * no signals, return after loss. */
void le_run_config_defaults(le_run_config *c);

/* ---- running ------------------------------------------------------------ */
typedef struct le_runner le_runner;

/* Validate (le_config_validate, the kube config, the HTTP address), bind
 * the status server, set up libcurl. NULL with err filled on failure;
 * nothing is started then. */
le_runner *le_runner_new(const le_run_config *c, char *err, size_t errcap);
/* Run until cancelled (or, without restart_after_loss, until leadership is
 * lost). Returns LE_OK, or a negative code with err filled when the loop
 * itself failed, or LE_ESTATE with the error when the elector ended fatally
 * (the sidecar-0.5 profile's startup failed, where 0.5 exits: never
 * restarted). May be called once. */
int le_runner_run(le_runner *r, char *err, size_t errcap);
/* Cancel from any thread or from a signal handler (async-signal-safe): the
 * elector releases the lease if configured, stops leading, and run returns.
 * A second cancel abandons the release and returns at once. */
void le_runner_cancel(le_runner *r);
/* The bound status-server port, 0 if none. */
int le_runner_http_port(const le_runner *r);
/* Snapshot of the observed leader / our leadership, from any thread. */
bool le_runner_is_leader(le_runner *r);
void le_runner_leader(le_runner *r, char *buf, size_t cap);
void le_runner_free(le_runner *r);

/* le_runner_new + le_runner_run + le_runner_free. */
int le_run(const le_run_config *c, char *err, size_t errcap);

/* ---- metrics ------------------------------------------------------------ */

/* What /metrics reports; le_run keeps it, le_metrics_render prints it. */
#define LE_METRICS_CODES 16
typedef struct le_run_metrics {
	const char *name; /* lock name, the `name` label */
	bool leading;
	le_stats core;		       /* the core's counters */
	uint64_t transitions_observed; /* changes of the observed holder */
	uint64_t restarts;	       /* elector restarted after a loss */
	int64_t last_renew_age_ns;     /* since our last successful write; < 0 if never */
	struct {
		int code; /* HTTP status, 0 = no response */
		uint64_t count;
	} errors[LE_METRICS_CODES]; /* request errors by code; count 0 ends */
} le_run_metrics;

/* Count one request error with this HTTP status (0 = transport). */
void le_run_metrics_count_error(le_run_metrics *m, int code);
/* Prometheus text exposition format 0.0.4. Returns the length, or
 * LE_ERANGE if cap is too small. */
int le_metrics_render(const le_run_metrics *m, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
