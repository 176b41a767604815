/* sim/world_int.h — private to the simulated world (world_run.c, the loop;
 * world_faults.c, fault selection and effects; world.c, pods and requests;
 * world_base.c, shared helpers): the node, request and world structs, the
 * queue's event kinds, and the functions the floors share (double
 * underscore: internal). */
#ifndef LEASELAB_SIM_WORLD_INT_H
#define LEASELAB_SIM_WORLD_INT_H

#include "sim_engine.h"
#include "wire.h"

/* "never" for true times held in the structs below */
#define NO_TIME INT64_MAX

enum ev_kind {
	EV_POD_START = 1, /* node; arg = incarnation when scheduled */
	EV_TIMER,         /* node; arg = timer generation */
	EV_ARRIVE,        /* arg = request slot: reaches the apiserver */
	EV_COMMIT,        /* arg = request slot: slow commit finishes */
	EV_DELIVER,       /* arg = request slot: response reaches the pod */
	EV_FAULT_START,   /* arg = fault index */
	EV_FAULT_END,     /* arg = fault index */
	EV_GRACE_KILL,    /* node; arg = incarnation */
	EV_SIGTERM,       /* node; arg = incarnation (held while paused) */
	EV_ACTING_END,    /* node; arg = incarnation << 32 | term */
	EV_WORK,          /* node; arg = incarnation << 32 | term */
	EV_REPLACE,       /* node = the pod replaced; arg = fault index */
	EV_TRIGGER_ARRIVE, /* arg = request slot: arrives after a when: fault */
	EV_RESPOND,       /* arg = request slot: answer leaves after a when: fault */
	EV_PROBE,         /* node; arg = incarnation: the kubelet probes */
	EV_COORD,         /* arg = generation: the controller's or a candidate's timer */
	EV_COORD_PUMP,    /* run the controller and the candidates at now */
	EV_COORD_WATCH,   /* node; arg = incarnation: its candidate informer */
	EV_COORD_NOTE,    /* the controller's informers hear of a change (informerLag) */
	EV_COORD_CALL,    /* arg = call slot: a controller request reaches the
			     store, or its answer reaches the controller */
};

typedef enum node_state {
	NODE_WAITING = 0, /* not started yet */
	NODE_RUNNING,
	NODE_TERMINATING, /* SIGTERM handled: the core is cancelled */
	NODE_DEAD,
} node_state;

typedef struct sim_node {
	/* history pod index (== index in w->nodes): its name, scenario pod
	 * (spec) and what it replaced are w->h.pods[pod]'s (sim__node_name) */
	int32_t pod;
	/* ps->election's lock names, w->locks[lock_id] (not read through ps:
	 * a cache miss a commit at 10,000) */
	uint32_t lock_id;
	const sim_pod_spec *ps;
	const le_profile *profile;
	const char *identity; /* the history's, at most LE_ID_MAX-1 bytes */
	int32_t identity_idx;
	uint32_t term;  /* user code: this leadership term (see `acting`) */
	sim_clock clock;
	fa_rng rng;     /* the core's draws */
	fa_rng net_rng; /* this pod's network legs and store fault rules */
	le_elector *e;
	struct le_cand *cand; /* coordinated pods: the LeaseCandidate publisher */
	/* the one-byte fields together: 264 bytes, a 272-byte malloc chunk
	 * (296 took 304) */
	uint8_t state;  /* node_state */
	uint8_t lock_kind; /* le_lock_kind, ps->election's */
	bool acting;    /* user code: from STARTED_LEADING to ACTING_END */
	bool paused;
	bool deleted;   /* SIGTERM sent by a delete: never restarted */
	bool cancel_after_drain; /* SIGTERM seen: cancel the core at acting end */
	bool exit_after_drain;   /* core done: exit at acting end */
	uint32_t inc;   /* incarnation */
	uint32_t core;  /* elector generation within the process (rejoin) */
	int32_t restarts;
	/* timer: one live heap entry at timer_at for the core's deadline */
	uint32_t timer_gen;
	int64_t timer_at;
	int64_t timer_want;
	int64_t probe_fails; /* liveness probe failures in a row */
	/* user code (with `acting` and `term` above) */
	int64_t token;  /* fencing token of this term */
	/* held while paused (NO_TIME = nothing held) */
	int64_t work_due;
	int64_t acting_end_due;
	int64_t sigterm_due;
	uint32_t *pend; /* request slots whose responses arrived */
	/* network faults active on this pod (scenario fault indexes; a
	 * scenario has at most 10,000) */
	int32_t *netf;
	/* 16 bits: a paused pod holds the answers to what it had in flight */
	uint16_t npend, pend_cap;
	uint16_t nnetf, netf_cap;
} sim_node;

/* Lock names that nodes share (sim_node.lock_id). */
typedef struct sim_lock_names {
	const char *ns, *name;
} sim_lock_names;

#define SIM_RAW_MAX 640 /* the store's raw buffer (fa_lock_scratch.raw) */

/* A request in flight, from SEND to its response's delivery (or loss).
 * In a big fleet (sim_world.big_fleet) its two records are packed (sim/wire.h):
 * 10,000 candidates that start together have 10,000 of these at once. In
 * a small one the slot also holds them whole (`full` and after it, in the
 * same allocation), which spares the packing (a tenth of a 3-pod run);
 * sim__req_record and sim__resp_record give either. req's other fields
 * are set in both. */
typedef struct sim_req {
	uint32_t node, inc, core;
	uint32_t next_free;
	sim_wire_req req;
	fa_decision dec;
	int64_t due_ns;        /* when its response reached the (paused) pod */
	bool triggered;        /* a when: renew-request fault already fired on it */
	/* small fleets: after the slot, in the same allocation, the request
	 * as sent, the answer's record and its raw record (sim__req_full,
	 * sim__req_full_rec/_raw); a flag, not a pointer, so that the slot is
	 * 232 bytes, a malloc size class below 248 */
	bool has_full;
	/* the response */
	bool has_record, record_present, has_rv, has_raw;
	uint16_t raw_len;      /* see below; at most SIM_RAW_MAX */
	int status;
	uint32_t reason;       /* w->strs id, at most 31 bytes of it (0: none) */
	uint64_t rv;           /* big fleets: sim_rv_pack (when has_rv) */
	sim_rec record;
	/* The raw record the in-process store answered with is
	 * le_record_key(&record) (fa_store_lock_do; commit checks it), so a
	 * big fleet's slot keeps only its length and sim__req_raw rebuilds
	 * the bytes: 640 bytes less a request, and every candidate has one in
	 * flight at once when they all start together. A small fleet's slot
	 * keeps the bytes (sim__req_full_raw): two fewer keys a response. */
} sim_req;

static inline le_request *sim__req_full(const sim_req *r)
{
	return r->has_full ? (le_request *)(void *)(uintptr_t)(r + 1) : NULL;
}

static inline le_record *sim__req_full_rec(const sim_req *r)
{
	return r->has_full ? (le_record *)(sim__req_full(r) + 1) : NULL;
}

static inline unsigned char *sim__req_full_raw(const sim_req *r)
{
	return r->has_full ? (unsigned char *)(sim__req_full_rec(r) + 1) : NULL;
}

/* small fleets: the answer's resourceVersion text (when has_rv) */
static inline char *sim__req_full_rv(const sim_req *r)
{
	return r->has_full ? (char *)(sim__req_full_raw(r) + SIM_RAW_MAX) : NULL;
}

/* The request's resourceVersion / the answer's (when has_rv), as text: in
 * the slot, or unpacked into buf. */
const char *sim__req_rv(const sim_world *w, const sim_req *r,
			char buf[LE_RV_MAX]);
const char *sim__resp_rv(const sim_world *w, const sim_req *r,
			 char buf[LE_RV_MAX]);

/* A delivered response's raw record: writes r->raw_len bytes (at most cap)
 * into buf and returns how many. */
size_t sim__req_raw(const sim_world *w, const sim_req *r, unsigned char *buf,
		    size_t cap);
/* The request's record / the answer's (when has_record), whole: in the
 * slot, or unpacked into *tmp. */
const le_record *sim__req_record(const sim_world *w, const sim_req *r,
				 le_record *tmp);
const le_record *sim__resp_record(const sim_world *w, const sim_req *r,
				  le_record *tmp);

/* What a started fault did, so that its end can undo it. */
typedef struct fault_run {
	int32_t *targets;
	uint32_t *target_inc;
	int32_t *saved_rate;
	size_t ntargets;
	int *rule_ids;
	size_t nrules;
	bool hit; /* delete-candidate: some object was deleted */
	/* when: faults */
	bool fired;
	int64_t writes_seen;
} fault_run;

struct sim_world {
	const sim_scenario *sc;
	uint64_t seed;
	sim_history h;
	sim_heap heap;
	fa_store *store;
	fa_faults *faults;
	int down_count;
	fa_lock_scratch scratch;
	fa_rng fault_rng;
	sim_node **nodes;
	size_t nnodes, nodes_cap;
	sim_req **reqs;       /* slots, allocated once each and reused */
	/* A big fleet's last packed record, its key (le_record_key) and,
	 * once a delivery needed it, the record unpacked: between two writes
	 * every follower's GET answers the same record, and its key was built
	 * twice a poll (checked at the store, rebuilt at delivery). */
	struct {
		bool valid, unpacked;
		sim_rec packed;
		size_t key_len;
		unsigned char key[SIM_RAW_MAX];
		le_record rec;
	} last_rec;
	sim_lock_names *locks; /* sim_node.lock_id */
	uint32_t nlocks, locks_cap;
	sim_strtab strs;      /* the strings of the records in flight */
	/* the nodes and request slots, which live as long as the world:
	 * without a malloc header apiece (sim_text_alloc) */
	struct sim_text *pool;
	/* SIM_BIG_FLEET_PODS or more: le_elector_outputs_done after each
	 * drain, requests in flight packed (sim_req), the loop prefetches
	 * the next event's node. Memory and cache, never behaviour. */
	bool big_fleet;
	void *io_spare;       /* a big fleet's output block between inputs */
	/* a big fleet's elector configurations, each shared by the electors
	 * whose configurations differ only in identity
	 * (le_elector_new_shared); at most SIM_SHARED_CFG_MAX, past that an
	 * elector has its own copy */
	le_config **shared_cfg;
	uint32_t nshared_cfg, last_shared_cfg;
	size_t nreqs, reqs_cap;
	uint32_t free_req;
	fault_run *fr;
	uint32_t nrepl;
	bool any_trigger;     /* some fault has a when: */
	int64_t now;
	struct sim_chooser
	    *ch; /* timing draws as choices (sim/chooser.h); NULL: seeded */
	struct sim_chooser *own_ch; /* the scenario's timing: (or NULL) */
	bool ran;
	bool shed;     /* sim_world_shed: only the history is left */
	struct sim_coord *coord; /* the election controller; NULL = none */
	/* test hook (sim_world_trace_draws): one pod's draws */
	int32_t trace_pod;
	uint64_t *trace;
	size_t trace_cap;
	size_t *trace_n;
	/* first error of the run (sticky) */
	int rc;
	char err[512];
};

/* A node's pod name: the history's copy. */
static inline const char *sim__node_name(const sim_world *w, const sim_node *n)
{
	return w->h.pods[n->pod].name;
}

#define NO_SLOT UINT32_MAX
#define SIM_BIG_FLEET_PODS 100 /* sim_world.big_fleet */
/* Past this many distinct elector configurations in a big fleet (each
 * found by a linear search), an elector gets its own copy. */
#define SIM_SHARED_CFG_MAX 64
/* The event queue's calendar for a big fleet: 2048 buckets of 10 ms, so
 * the buckets reach 20.48 s ahead (every retry period, jitter and lease
 * of the usual settings) and the rest waits in the far heap. At 10,000
 * candidates some 31,000 events wait in the buckets at the peak (1 MB of
 * chunks whatever their size: the buckets are full, not sparse). */
#define SIM_CALENDAR_WIDTH_NS (10 * LE_NS_PER_MS)
#define SIM_CALENDAR_BUCKETS 2048

static inline bool sim__alive(const sim_node *n)
{
	return n->state == NODE_RUNNING || n->state == NODE_TERMINATING;
}

/* The world is built in floors; each calls only the floors below it:
 *   world_run.c     the event loop: dispatches to faults or to world.c
 *   world_faults.c  who a fault hits and what it does to them
 *   world.c         pods, requests, the store; construction
 *   world_base.c    the run's error, the event queue, the history */

/* world_base.c */
void sim__fail(sim_world *w, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sim__push(sim_world *w, int64_t t_ns, uint32_t kind, uint32_t node,
	       uint64_t arg);
/* Append an event to the run's history (e->t_ns is the world's now). */
void sim__record(sim_world *w, const sim_event *e);
sim_event sim__lease_write_event(const sim_world *w, int32_t pod,
				 int32_t holder, const le_record *rec);
/* An event with no fields of its own: fault-start/-end, pause, resume... */
void sim__note(sim_world *w, sim_ev_kind kind, int32_t pod, int32_t fault);

/* world.c */
/* Every queued event but a fault's start or end. */
void sim__node_event(sim_world *w, const sim_heap_ev *ev);
void sim__arm(sim_world *w, sim_node *n);
void sim__node_start(sim_world *w, sim_node *n);
void sim__node_kill(sim_world *w, sim_node *n, int32_t fault);
void sim__node_delete(sim_world *w, sim_node *n, const sim_fault *f,
		      int32_t fault);
void sim__node_pause(sim_world *w, sim_node *n, int32_t fault);
void sim__node_resume(sim_world *w, sim_node *n, int32_t fault);

/* world_coord.c: coordinated election (docs/coordinated.md) */
bool sim__coord_enabled(const sim_scenario *sc);
int sim__coord_init(sim_world *w);
void sim__coord_free(sim_world *w);
void sim__coord_lease_written(sim_world *w);
void sim__coord_node_started(sim_world *w, sim_node *n);
void sim__coord_node_stopped(sim_world *w, sim_node *n);
void sim__coord_kick(sim_world *w);
void sim__coord_event(sim_world *w, const sim_heap_ev *ev);
/* Faults on it: DELETE the pod's LeaseCandidate (false: it has none);
 * stop / start the controller (restart); pause or resume it. */
bool sim__coord_delete_candidate(sim_world *w, sim_node *n);
void sim__coord_controller_stop(sim_world *w);
void sim__coord_controller_start(sim_world *w);
void sim__coord_controller_pause(sim_world *w, bool paused);

/* world_faults.c */
void sim__fault_start(sim_world *w, int32_t fault);
void sim__fault_end(sim_world *w, int32_t fault);

#endif
