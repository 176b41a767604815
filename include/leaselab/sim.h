/* leaselab — the deterministic simulator, its scenarios, history and checker.
 *
 *   scenario file (YAML) --sim_scenario_load--> sim_scenario
 *   sim_scenario + seed  --sim_world_run-------> sim_history (events, true time)
 *   sim_scenario + sim_history --sim_check-----> sim_check_result (verdicts)
 *
 * The checker reads only the history (and the scenario's expectations), so the
 * live harness can feed it a history read back from JSON lines.
 *
 * All times are true (virtual) time in ns since the start of the run unless
 * the name says otherwise. A node's own clock is offset + rate applied to
 * true time (sim_clock). Same scenario + seed + binary = byte-identical
 * history (sim_history_write_jsonl).
 */
#ifndef LEASELAB_SIM_H
#define LEASELAB_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leaselab/candidate.h"
#include "leaselab/elector.h"
#include "leaselab/fake_apiserver.h"
#include "leaselab/record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIM_NAME_MAX 128
#define SIM_TEXT_MAX 2048
#define SIM_PATH_MAX 1024

/* Exit codes of bin/sim (architecture.md, "The checker"). */
enum sim_exit {
	SIM_EXIT_PASS = 0,
	SIM_EXIT_SAFETY = 1,
	SIM_EXIT_LIVENESS = 2,
	SIM_EXIT_BAD_INPUT = 3,
	SIM_EXIT_INTERNAL = 4,
};

/* ---- scenario ------------------------------------------------------------ */

/* Election settings; scenario-wide defaults, overridable per pod. */
typedef struct sim_election {
	const le_profile *profile;     /* never NULL after parsing */
	/* kept by the scenario (sim_scenario_keep) or the caller's own, as a
	 * pod's name: at most 63 and LE_NAME_MAX - 1 bytes */
	const char *lock_namespace;
	const char *lock_name;
	int64_t lease_duration_ns;
	int64_t renew_deadline_ns;
	int64_t retry_period_ns;
	int64_t request_timeout_ns;    /* 0 = profile default, -1 = none */
	/* last, together: 64 bytes, where the enum after profile took 72 (a
	 * pod spec each, 10,000 of them in a big fleet) */
	le_lock_kind lock_kind;
	bool release_on_cancel;
} sim_election;

/* Latency of one network leg (pod -> apiserver "to", apiserver -> pod
 * "from"); same shape as the fake apiserver's fault latencies. */
typedef fa_latency sim_latency;

typedef struct sim_pod_spec {
	/* Pod name and elector identity (NULL or "" = the pod name, see
	 * sim_pod_identity), at most LE_ID_MAX - 1 bytes: strings the
	 * scenario keeps (sim_scenario_keep) or the caller's own, which must
	 * outlive the scenario. Replicas used to cost 512 bytes each here. */
	const char *name;
	const char *identity;
	sim_election election;
	int64_t start_ns;              /* process start (true time) */
	int64_t clock_offset_ns;       /* node wall clock = true + offset */
	/* Termination: on delete (graceful) the process gets SIGTERM, and is
	 * killed after grace_period_ns. 0.5's run.sh is PID 1 and ignores
	 * SIGTERM (election-spec.md 6.4): sigterm_ignored (below, with the
	 * other flags, so that the struct has no holes). */
	int64_t grace_period_ns;       /* default 30 s */
	/* Time a replacement pod (Deployment) takes to start. */
	int64_t replacement_start_ns;  /* default 2 s */
	/* Guarded work: while it believes it leads, the pod writes to a
	 * fenced resource every work_period_ns with its lease's transitions as
	 * token; a write whose token is older than the resource's newest is
	 * "damage". 0 = off. */
	int64_t work_period_ns;
	/* How long user code takes to notice the leader context ended (the
	 * pod keeps acting as leader that long after STOPPED_LEADING). */
	int64_t stop_delay_ns;
	/* The kubelet's liveness probe on the healthz check (election-spec.md
	 * 2.7, kubernetes#70819 / PR #70971): every probe_period_ns (true
	 * time, the kubelet's) it runs le_elector_check with
	 * healthz_tolerance_ns; a paused process does not answer, which
	 * fails too. After probe_failure_threshold failures in a row the
	 * container is killed (the process is wedged: modelled as kill -9)
	 * and restarted at once with the same identity. 0 = no probe. */
	int64_t probe_period_ns;
	int64_t probe_failure_threshold; /* default 3 (the kubelet's) */
	int64_t healthz_tolerance_ns;    /* default 20 s (kube-controller-manager) */
	/* When the core ends by itself after losing the lease (client-go: Run
	 * returns), the process does not exit but runs a new election at
	 * once (KEP-5366 "rejoin without exit"); the lost term's user code
	 * keeps acting until it notices (stop_delay_ns), not cut by an exit.
	 * false = exit, restarted after the crash-loop back-off. */
	bool rejoin_on_loss;
	/* On SIGTERM the leader's user code drains first (its context is
	 * cancelled, it takes stop_delay_ns) and only then is the core
	 * cancelled, so ReleaseOnCancel releases after the drain (client-go#728,
	 * kubernetes#139991's proposal). false = upstream: cancel at once, the
	 * release runs while the code still drains. */
	bool release_after_drain;
	/* When the core is done, the process waits for its user code to
	 * finish draining (stop_delay_ns) before it exits, as a manager with
	 * a graceful shutdown does; false = it exits at once and the code
	 * dies with it. */
	bool wait_for_drain;
	/* controller-runtime#2719: a pod that is not leading when SIGTERM
	 * comes starts its leader-only work anyway (for stop_delay_ns, with
	 * the fencing token it last had, 0 if it never led). */
	bool shutdown_starts_work;
	/* Coordinated leader election (docs/coordinated.md): the elector runs
	 * with le_config.coordinated and the pod publishes a LeaseCandidate
	 * (le_cand) with these versions; a start at or after upgrade_at_ns (a
	 * restart, the upgrade) publishes the upgrade_* versions. The
	 * election controller runs when any pod is coordinated. */
	bool coordinated;
	bool sigterm_ignored;          /* see grace_period_ns */
	int32_t clock_rate_ppm;        /* node clocks run at (1 + ppm/1e6) */
	const char *binary_version;    /* kept, as the name; NULL = "" */
	const char *emulation_version;
	int64_t upgrade_at_ns;            /* NO upgrade: INT64_MAX */
	const char *upgrade_binary_version;
	const char *upgrade_emulation_version;
} sim_pod_spec;

typedef enum sim_action {
	SIM_ACT_POD_KILL = 1,    /* kill -9 (grace 0); `replace` starts a new pod */
	SIM_ACT_POD_DELETE,      /* SIGTERM, kill after the grace period; replace */
	SIM_ACT_POD_FAILURE,     /* process dead for `duration`, then restarts
				    with the same name and identity */
	SIM_ACT_RESTART,         /* kill -9 then restart at once (same identity) */
	SIM_ACT_PAUSE,           /* SIGSTOP for `duration` (GC / STW / VM pause) */
	SIM_ACT_PARTITION,       /* pod <-> apiserver cut, per direction */
	SIM_ACT_DELAY,           /* extra latency per direction */
	SIM_ACT_LOSS,            /* packet loss probability per direction */
	SIM_ACT_TIME_SKEW,       /* wall clock step by time_offset (mono untouched,
				    except profiles whose observedTime is wall) */
	SIM_ACT_CLOCK_RATE,      /* node clock rate (ppm) for `duration` */
	SIM_ACT_APISERVER,       /* store fault rule: errors, slow commit, down */
	/* coordinated election (docs/coordinated.md): need a coordinated pod */
	SIM_ACT_DELETE_CANDIDATE,   /* DELETE the selected pods' LeaseCandidates */
	SIM_ACT_CONTROLLER_RESTART, /* the election controller's apiserver
				       restarts: down for `duration` (0: at
				       once), then a fresh controller */
	SIM_ACT_CONTROLLER_PAUSE,   /* the controller runs nothing for
				       `duration`; informer events queue up */
} sim_action;
#define SIM_ACT_LAST SIM_ACT_CONTROLLER_PAUSE

/* The scenario's name of an action, "pod-kill", ... ("unknown" out of range),
 * from the one fault-model table (sim/fault_model.c): what the scenario
 * writer, the history header and the reports print. */
const char *sim_fault_action_name(sim_action a);

typedef enum sim_mode {
	SIM_MODE_ONE = 0,        /* one matching pod (drawn from the fault stream) */
	SIM_MODE_ALL,
	SIM_MODE_FIXED,          /* `value` pods */
	SIM_MODE_FIXED_PERCENT,  /* `value` percent of matching pods, rounded down, min 1 */
} sim_mode;

typedef enum sim_role {
	SIM_ROLE_ANY = 0,
	SIM_ROLE_LEADER,         /* pods that believe they lead at fault time */
	SIM_ROLE_FOLLOWER,
} sim_role;

typedef enum sim_direction {
	SIM_DIR_BOTH = 0,
	SIM_DIR_TO,              /* requests: pod -> apiserver */
	SIM_DIR_FROM,            /* responses: apiserver -> pod */
} sim_direction;

/* Event-triggered faults (when:): the fault starts at the first such
 * event at or after `at` (then only an arming time), once. */
typedef enum sim_trigger_kind {
	SIM_WHEN_NONE = 0,
	SIM_WHEN_RENEW_REQUEST,  /* a leader's renew request reaches the store */
	SIM_WHEN_RENEW_RESPONSE, /* the answer to it is about to be sent */
	SIM_WHEN_LEASE_WRITE,    /* the count-th lease write commits */
	SIM_WHEN_STARTED_LEADING,
	SIM_WHEN_STOPPED_LEADING,
} sim_trigger_kind;

typedef struct sim_trigger {
	sim_trigger_kind kind;
	char pod[LE_ID_MAX];           /* the pod whose event it is; "" = any */
	int64_t count;                 /* LEASE_WRITE: the count-th since `at` */
} sim_trigger;

#define SIM_SELECT_MAX 16
typedef struct sim_fault {
	sim_action action;
	char label[SIM_NAME_MAX];      /* for reports; default "<action> <target>" */
	int64_t at_ns;
	int64_t duration_ns;           /* 0 = until the end (where it applies) */
	/* at: {uniform: [at_ns, at_max_ns]}: the start is drawn per seed when
	 * the world is built; 0 = at_ns exactly. */
	int64_t at_max_ns;
	sim_trigger when;              /* kind NONE = starts at `at` */
	sim_mode mode;
	int value;
	/* selector: by pod names (any of), and/or by role */
	char names[SIM_SELECT_MAX][LE_ID_MAX];
	int nnames;
	sim_role role;
	sim_direction direction;
	fa_partition partition_kind;   /* refused | blackhole (default blackhole) */
	sim_latency latency;           /* DELAY */
	double loss;                   /* LOSS: probability */
	int64_t time_offset_ns;        /* TIME_SKEW */
	bool time_skew_monotonic;      /* TIME_SKEW: the monotonic clock jumps
					  too, forward (a VM suspend); only the
					  wall step is undone at the end */
	int32_t rate_ppm;              /* CLOCK_RATE */
	bool replace;                  /* POD_KILL / POD_DELETE: Deployment replacement */
	int64_t grace_period_ns;       /* POD_DELETE; -1 = the pod's own */
	fa_fault_rule apiserver;       /* APISERVER: the store rule (identity ""
					  or a pod identity) */
	bool apiserver_down;           /* APISERVER: whole server down */
	/* A replacement pod may run another image: settings override (NULL
	 * fields = same as the killed pod). */
	const le_profile *replacement_profile;
	int line;                      /* where it was defined (for errors) */
} sim_fault;

/* What a fault means for any driver (the simulator's world, the live
 * harness), from the one fault-model table (sim/fault_model.c):
 * sim_fault_lasts: it has an end to undo (a lasting kind, duration > 0);
 * sim_fault_pod_specific: it hits selected pods, not the whole store (every
 * kind but an apiserver fault without a selector, or one that takes the
 * server down). */
bool sim_fault_lasts(const sim_fault *f);
bool sim_fault_pod_specific(const sim_fault *f);
/* controller-restart / controller-pause: they hit the election controller,
 * no pod. */
bool sim_fault_on_controller(const sim_fault *f);

typedef enum sim_invariant {
	SIM_INV_NONE = 0,
	SIM_INV_SAFETY,          /* at most maxLeaders at any instant */
	SIM_INV_FAILOVER,        /* new leader within the bound */
	SIM_INV_LEASE_HISTORY,   /* transitions +1 per change of holder, ... */
	SIM_INV_LIVENESS,        /* some pod leads after faults heal */
	SIM_INV_STABILITY,       /* no change of leader without a fault */
	SIM_INV_LEADERLESS,      /* leaderless time bounded */
	SIM_INV_COORDINATION,    /* coordinated election: once the controller
				    has settled, no available candidate runs
				    an older version than the holder */
	SIM_INV_HANDOVER,        /* coordinated election: the preferredHolder
				    leads within election-spec.md 8.1's bound */
	SIM_INV_COUNT
} sim_invariant;

const char *sim_invariant_name(sim_invariant inv); /* "safety", "failover", ... */

typedef struct sim_expect {
	int max_leaders;               /* default 1 */
	int64_t failover_max_ns;       /* 0 = derived (election-spec.md 6.1/6.2) */
	int64_t leaderless_max_ns;     /* 0 = not checked */
	int64_t liveness_within_ns;    /* after the last fault heals; 0 = derived */
	bool expect_violation;         /* the scenario must find a bug */
	sim_invariant violation;       /* which one (SIM_INV_NONE = any) */
	bool check_stability;          /* default true */
	/* At most this many changes of leader in any hour of the run,
	 * faults or not (kubernetes#108380: flapping under an overloaded
	 * apiserver); 0 = not checked. */
	int64_t max_changes_per_hour;
	bool check_liveness;           /* default true */
} sim_expect;

/* The election controller's side of a coordinated election
 * (docs/coordinated.md, "The controller's own timing"): the clocks of the
 * kube-apiserver it runs in, the latency of the requests it makes to the
 * store, and how late its informers hear of a change. Only with a
 * coordinated pod; all zero = the controller reads true time and acts at
 * once. */
typedef struct sim_controller_spec {
	bool present;                  /* the scenario has a controller: key */
	int64_t clock_offset_ns;       /* its wall clock = true + offset */
	int32_t clock_rate_ppm;        /* its clocks run at (1 + ppm/1e6) */
	sim_latency latency;           /* each leg of each write, GET and GC
					  delete (its listers are local) */
	int64_t informer_lag_ns;       /* a Lease or LeaseCandidate change
					  reaches its event handlers this late */
} sim_controller_spec;

/* The scenario key timing: one run's timing choices as bin/sim prove made
 * them (docs/prove.md, "Replaying a choice path"): every draw within
 * window_ns of a fault's start or end is a choice point of `points`
 * values from its minimum to its maximum, the first `depth` of them take
 * path[0..npath) (0 = the minimum; past npath, 0), and every other draw is
 * the seeded one; or, with critical, --timing critical's draws. */
#define SIM_TIMING_PATH_MAX 32
typedef struct sim_timing_spec {
	bool present;
	bool critical;
	int64_t window_ns;
	uint32_t points;
	uint32_t depth;
	uint8_t path[SIM_TIMING_PATH_MAX];
	uint32_t npath;
} sim_timing_spec;

typedef struct sim_scenario {
	char file[SIM_PATH_MAX];
	/* what sim_scenario_keep kept (sim/text.h); freed by sim_scenario_free */
	struct sim_text *text;
	char name[SIM_NAME_MAX];
	char description[SIM_TEXT_MAX];
	int64_t duration_ns;
	uint64_t seed;                 /* default seed when none is given */
	sim_election defaults;
	sim_latency latency_to;        /* network defaults for every pod */
	sim_latency latency_from;
	sim_pod_spec *pods;
	size_t npods;
	sim_fault *faults;
	size_t nfaults;
	sim_expect expect;
	sim_controller_spec controller;
	sim_timing_spec timing;
} sim_scenario;

/* A copy of s (at most LE_ID_MAX - 1 bytes) that lives until
 * sim_scenario_free(sc): for pod names and identities. NULL when out of
 * memory. */
const char *sim_scenario_keep(sim_scenario *sc, const char *s);
/* Whether two settings are the same, field by field (their lock strings
 * by content: they are pointers, so memcmp would not do). */
bool sim_election_equal(const sim_election *a, const sim_election *b);
/* The elector identity pod p runs under: its identity, or its name. */
const char *sim_pod_identity(const sim_pod_spec *p);

/* Parse a scenario. On error returns LE_EPARSE/LE_EINVAL with
 * "file:line:column: key: what was expected" in err. */
int sim_scenario_load(const char *path, sim_scenario *out, char *err,
		      size_t errcap);
int sim_scenario_parse(const char *text, size_t len, const char *filename,
		       sim_scenario *out, char *err, size_t errcap);
void sim_scenario_free(sim_scenario *s);

/* ---- history ------------------------------------------------------------- */

/* The history is the one contract between a driver (the simulator, the
 * live harness) and the checker: whatever the checker judges is in it as a
 * named field with its unit, and the judgement ("acquireTime changed",
 * "this guarded write was stale") is made by the checker, not the driver.
 * Format: docs/history-format.md (version 2). */
#define SIM_HISTORY_VERSION 2

typedef enum sim_ev_kind {
	SIM_EV_POD_START = 1,    /* restarts */
	SIM_EV_POD_DEATH,        /* killed (kill -9 or grace period over):
				    was_leader, fault (-1 = grace period) */
	SIM_EV_POD_EXIT,         /* exited by itself (after SIGTERM/release) */
	SIM_EV_POD_SIGTERM,      /* grace_period_ns, fault = the delete */
	SIM_EV_PAUSE,            /* fault */
	SIM_EV_RESUME,           /* fault */
	SIM_EV_STARTED_LEADING,  /* term, token */
	SIM_EV_STOPPED_LEADING,  /* was_leader */
	SIM_EV_ACTING_END,       /* term: user code noticed (stop_delay after
				    STOPPED) */
	SIM_EV_NEW_LEADER,       /* holder: the identity the pod now reports */
	SIM_EV_LEASE_WRITE,      /* store commit by `pod`: holder (-1 =
				    released), transitions, resource_version,
				    lease_duration_s, acquire/renew times */
	SIM_EV_FAULT_START,      /* fault; pod = one target (-1 = none / all) */
	SIM_EV_FAULT_END,
	SIM_EV_CUT,              /* pod's network cut (partition) begins:
				    direction, partition */
	SIM_EV_UNCUT,
	SIM_EV_WORK,             /* guarded write with fencing token `token` */
	SIM_EV_ROGUE_START,      /* user code starts leader-only work though the
				    core never said it leads: term, token */
	SIM_EV_PROBE_RESTART,    /* the liveness probe failed probe_failures
				    times in a row: the kubelet kills the
				    container (pod-death, pod-start follow) */
	SIM_EV_KIND_COUNT
} sim_ev_kind;

/* "pod-start", "lease-write", ... ("unknown" out of range) */
const char *sim_ev_kind_name(sim_ev_kind k);
/* The kind named `name`, or 0 when there is none. */
sim_ev_kind sim_ev_kind_from_name(const char *name);

/* One event: the fields every kind has, then the kind's own (sim_ev_kind
 * above, and the table in docs/history-format.md). The kinds' own fields
 * share storage, so read and set only those of e->kind: sim_event_make
 * zeroes them, and pod/holder/fault are -1 when they do not apply. Times
 * without "wall" in the name are true time in ns since the start of the
 * run. An event's seq (its place in the global order, "seq" in the JSON
 * lines) is its index in the history. 64 bytes: a 10,000-pod history
 * holds some 30,000 of them, two thirds new-leader events that have no
 * fields of their own (with a seq field and 64-bit counts, 80 bytes). */
typedef struct sim_event {
	int64_t t_ns;            /* true time */
	sim_ev_kind kind;
	int32_t pod;             /* index into history pods, -1 = none */
	int32_t holder;          /* identity index, -1 = "" / none */
	int32_t fault;           /* index into the scenario's faults, -1 = none */
	union {
		/* pod-start: 0 = first start of this pod */
		int32_t restarts;
		/* pod-death, stopped-leading */
		bool was_leader;
		/* pod-sigterm */
		int64_t grace_period_ns;
		/* probe-restart: consecutive failed probes */
		int64_t probe_failures;
		/* started-leading, rogue-start: term (the pod's leadership
		 * term, from 1) and token (the fencing token: the lease's
		 * transitions when the term began); acting-end: term; work:
		 * token */
		struct {
			int64_t term;
			int64_t token;
		};
		/* cut, uncut */
		struct {
			sim_direction direction;
			fa_partition partition;
		};
		/* lease-write: the record as committed */
		struct {
			int64_t resource_version; /* the store's revision of this write */
			int64_t acquire_wall_ns;  /* acquireTime, wall ns as written */
			int64_t renew_wall_ns;    /* renewTime, wall ns as written */
			/* int32 in the Lease API as in le_record */
			int32_t transitions;      /* leaseTransitions / leaderTransitions */
			int32_t lease_duration_s; /* leaseDurationSeconds */
			/* preferredHolder (coordinated election: the
			 * controller's writes): identity index, when
			 * has_preferred */
			int32_t preferred;
			/* which times the record has */
			bool has_acquire_time;
			bool has_renew_time;
			bool has_preferred;
			/* the object written: 0 = the pod's lock; for a
			 * MultiLock pod 1 + the le_lock_kind of the object
			 * (its primary or LE_LOCK_LEASES) */
			uint8_t object;
		};
	};
} sim_event;

typedef struct sim_pod_info {
	const char *name;        /* kept by the history (sim_history_add_pod) */
	int32_t identity;        /* index into identities */
	int32_t spec;            /* index into scenario pods it derives from */
	int32_t replaces;        /* pod it replaced, -1 = none */
} sim_pod_info;

typedef struct sim_history {
	sim_event *ev;
	size_t n, cap;
	sim_pod_info *pods;
	size_t npods, pods_cap;
	/* identities[i]: kept by the history, like the pods' names, in its
	 * text blocks (private: `text`, sim/text.h), which never move, so a
	 * name's pointer is valid until sim_history_free. Add them with
	 * sim_history_identity and sim_history_add_pod. */
	const char **identities;
	size_t nidentities, identities_cap;
	struct sim_text *text;
	/* sim_history_identity's hash index over identities[0..id_indexed):
	 * open addressing, id_index_cap slots (a power of two), each an
	 * identity index + 1 (0: empty). Private. */
	uint32_t *id_index;
	size_t id_index_cap, id_indexed;
	uint64_t seed;
	int64_t end_ns;          /* true time the run ended */
	uint64_t events_processed; /* simulator events (for benches) */
	char driver[16];         /* "sim" (default) or "live" */
	/* Live runs may scale the scenario's durations: real s per scenario s
	 * in millionths (1000000 = real time; 0 is read as 1000000). */
	int64_t time_scale_ppm;
} sim_history;

/* An empty history, driver "sim", time scale 1. */
void sim_history_init(sim_history *h);
void sim_history_free(sim_history *h);

/* Index of identity `id`, added when new: >= 0, -1 for "" / NULL (no
 * holder), LE_ENOMEM (< -1). */
int32_t sim_history_identity(sim_history *h, const char *id);
/* Append a pod (identity from sim_history_identity, spec = index of the
 * scenario pod it runs as, replaces = pod index or -1); returns its index
 * or a negative error. */
int32_t sim_history_add_pod(sim_history *h, const char *name,
			    int32_t identity, int32_t spec, int32_t replaces);
/* Append *ev (its seq is assigned: the history's length). Events must come
 * in time order: LE_EINVAL if ev->t_ns is before the last event's, or an
 * index names no pod / identity; LE_ENOMEM. Amortised O(1), no formatting:
 * this is the simulator's per-event path. */
int sim_history_push(sim_history *h, const sim_event *ev);
/* An event of `kind` at t_ns by pod, every other field empty: fill in the
 * kind's fields, then sim_history_push. */
sim_event sim_event_make(int64_t t_ns, sim_ev_kind kind, int32_t pod);

/* Deterministic JSON lines, version 2: a header line (driver, seed, scale,
 * the scenario's name, file, expectations, pods' settings and faults, when
 * sc is given; the run's pods and identities) then one line per event. */
int sim_history_write_jsonl(const sim_history *h, const sim_scenario *sc,
			    FILE *out);
/* The same JSON lines in memory: a malloc'd, NUL-terminated copy (*len
 * bytes, free it), NULL when there is no memory. */
char *sim_history_text(const sim_history *h, const sim_scenario *sc,
		       size_t *len);
/* Read a history written by sim_history_write_jsonl (version 2) into *h
 * (initialised here; sim_history_free it). `filename` is for messages.
 * When sc is not NULL it receives the scenario the header describes
 * (sim_scenario_free it): enough for sim_check without the scenario file.
 * Errors: LE_EPARSE / LE_EINVAL with "file:line: field: what" in err
 * (a version-1 file says so), LE_ENOMEM. */
int sim_history_read_jsonl(FILE *in, const char *filename, sim_history *h,
			   sim_scenario *sc, char *err, size_t errcap);

/* ---- the world ------------------------------------------------------------ */
typedef struct sim_world sim_world;

sim_world *sim_world_new(const sim_scenario *sc, uint64_t seed, char *err,
			 size_t errcap);
void sim_world_free(sim_world *w);
/* Run to scenario duration. LE_OK or a negative error (internal). */
int sim_world_run(sim_world *w, char *err, size_t errcap);
const sim_history *sim_world_history(const sim_world *w);
/* After the run: free everything but the history (pods, electors, request
 * slots, the store, the event queue), so that checking the history and
 * writing its reports do not add to the run's peak memory. The world then
 * only answers sim_world_history and sim_world_free. */
void sim_world_shed(sim_world *w);

/* ---- the checker ------------------------------------------------------------ */

typedef struct sim_overlap {
	int32_t pod_a, pod_b;
	int64_t start_ns, end_ns;
	int64_t stale_writes;    /* guarded-work damage inside the overlap */
} sim_overlap;

typedef enum sim_failover_cause {
	SIM_FO_CRASH = 1,        /* leader died (kill, failure, restart) */
	SIM_FO_RELEASE,          /* leader released (graceful) */
	SIM_FO_LOST,             /* leader stepped down (renew failed) */
	SIM_FO_PAUSE,            /* leader paused, someone else took over */
	SIM_FO_OTHER,
} sim_failover_cause;

/* "crash", "release", "lost", "pause", "other": the one spelling the CLI,
 * report.json and the timeline share. */
const char *sim_failover_cause_name(sim_failover_cause c);

typedef struct sim_failover {
	sim_failover_cause cause;
	int32_t from_pod, to_pod;    /* to_pod -1 = no new leader by the end */
	int64_t cause_ns;            /* when the old leader stopped / died */
	int64_t leader_ns;           /* new leader started leading */
	int64_t bound_ns;            /* the bound it is checked against */
	bool within_bound;
} sim_failover;

/* A handover by preferredHolder (election-spec.md 8.1): the controller
 * named `to` preferredHolder on a Lease held by the coordinated `from`. */
typedef struct sim_handover {
	int32_t from_identity, to_identity;
	int64_t named_ns;            /* the controller's write */
	int64_t leader_ns;           /* `to` started leading; -1 = not by the end */
	int64_t bound_ns;
	bool within_bound;
} sim_handover;

typedef struct sim_violation {
	sim_invariant inv;
	int64_t t_ns;
	char text[256];
} sim_violation;

/* A pod acting as leader, as the checker defines it: from STARTED_LEADING to
 * the first of ACTING_END (user code noticed), its death, or the end of the
 * run; a paused leader still acts. Reports draw these, so what they show as
 * leading is exactly what the safety check judged. */
typedef struct sim_lead_interval {
	int32_t pod;
	int64_t start_ns, end_ns;
} sim_lead_interval;

/* A liveness-probe restart (probe-restart event), with what the checker
 * makes of it: whether the pod was acting as leader until then, and how
 * long after the last fault that hit it (the failover as a cluster with
 * the probe sees it: the wedged leader stops acting only now). */
typedef struct sim_probe_restart {
	int32_t pod;
	int64_t t_ns;
	int64_t failures;            /* failed probes in a row */
	bool was_acting;
	int32_t fault;               /* last fault that hit the pod, -1 = none */
	int64_t fault_ns;            /* when it started (-1 = none) */
} sim_probe_restart;

typedef struct sim_check_result {
	int exit_code;               /* sim_exit, after expectations */
	bool expectations_met;
	int max_leaders_seen;
	sim_overlap *overlaps;       size_t noverlaps;
	sim_failover *failovers;     size_t nfailovers;
	sim_handover *handovers;     size_t nhandovers; /* ended ones */
	sim_violation *violations;   size_t nviolations;
	int64_t leaderless_total_ns;
	int64_t leaderless_max_ns;
	int64_t stale_writes;
	char verdict[256];           /* one line: "PASS ...", "SAFETY VIOLATED ..." */
	sim_lead_interval *leading;  /* sorted by start */
	size_t nleading;
	sim_probe_restart *probe_restarts; size_t nprobe_restarts;
} sim_check_result;

/* Check a history against the scenario's invariants and expectations.
 * An `expect: violation` scenario passes (exit 0) iff the named invariant
 * is violated. */
int sim_check(const sim_scenario *sc, const sim_history *h,
	      sim_check_result *out);
void sim_check_result_free(sim_check_result *r);

/* ---- clocks and randomness (shared by the world and its tests) ----------- */
typedef struct sim_clock {
	int64_t offset_ns;           /* wall = true + offset (+ rate drift) */
	int32_t rate_ppm;
	int64_t base_true_ns;        /* drift accumulates from here */
	int64_t base_mono_ns;
	int64_t base_wall_ns;
} sim_clock;
void sim_clock_init(sim_clock *c, int64_t true_ns, int64_t offset_ns,
		    int32_t rate_ppm);
int64_t sim_clock_mono_ns(const sim_clock *c, int64_t true_ns);
int64_t sim_clock_wall_ns(const sim_clock *c, int64_t true_ns);
/* The true time at which this clock's mono reading reaches mono_ns. */
int64_t sim_clock_true_at_mono(const sim_clock *c, int64_t mono_ns);
void sim_clock_set_rate(sim_clock *c, int64_t true_ns, int32_t rate_ppm);
void sim_clock_step_wall(sim_clock *c, int64_t true_ns, int64_t step_ns);
/* The monotonic clock jumps forward by step_ns > 0 (a VM suspend). */
void sim_clock_step_mono(sim_clock *c, int64_t true_ns, int64_t step_ns);

#ifdef __cplusplus
}
#endif
#endif
