/* sim/live/live_run.h — one live run's state and the functions the run's
 * files call across (private to sim/live; the helpers they drive are in
 * live_int.h). Who owns what:
 *
 *   live.c           the command line: flags, the scenario scaled and
 *                    refused where it cannot be done live, --runs
 *   live_run.c       one run: its clocks, the schedule of actions, setup
 *                    and teardown, the event loop, the judged result
 *   live_pods.c      templates and process control: tokens' kubeconfigs,
 *                    bin/elector's argv or the --elector template, spawn,
 *                    kill, a Deployment's replacement pods
 *   live_observers.c what pods show: their lines and status URLs turned into
 *                    history events, the clock check, the apiserver's
 *                    committed writes merged in after the run
 *   live_faults.c    the scenario's faults carried out: signals, fault rules
 *                    through the admin API, libfaketime rates
 *   live_report.c    a run's printed result and files, and --runs' live
 *                    failovers beside the simulator's
 *
 * Times are ns on the harness's CLOCK_MONOTONIC since the run started,
 * unless the name says wall. */
#ifndef LEASELAB_LIVE_RUN_H
#define LEASELAB_LIVE_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "leaselab/sim.h"
#include "live_int.h"

#define MAX_SLOTS 256           /* tokens, so pods (replacements included) a run */

/* live.c: the one piece of mutable state outside a run, set by the SIGINT /
 * SIGTERM handler; the loop polls it. */
extern volatile sig_atomic_t lv_stop_signal;

typedef struct lv_opts {
	const char *argv0;
	const char *file;
	const char *elector_tpl;     /* NULL = bin/elector */
	double scale;
	int runs;
	const char *out_dir;
	const char *leader_re, *follower_re, *new_leader_re;
	const char *status_url;
	int64_t startup_timeout_ns;
	char bindir[SIM_PATH_MAX];   /* where bin/sim lives: bin/elector, bin/fake-apiserver */
} lv_opts;

typedef struct lv_pod {
	char name[LE_ID_MAX];
	char identity[LE_ID_MAX];    /* "" = unknown until its lease writes show it */
	char user[LE_ID_MAX];        /* token user: fault rules key on it */
	char token[40];
	char kubeconfig[SIM_PATH_MAX];
	char ftfile[SIM_PATH_MAX];   /* timestamp file ("" = no dynamic clock) */
	char status_url[256];
	int32_t spec;
	const le_profile *profile;
	lv_proc proc;
	bool alive, paused, leading, deleted, killed, sigterm_sent, matched;
	int restarts;
	int64_t spawn_ns;            /* harness time of the last spawn */
	int64_t next_status_ns;
	char last_leader[LE_ID_MAX];
	/* libfaketime: fake - real = (rate - 1) * (t - spawn) + off */
	bool faked;
	double ft_rate;
	int64_t ft_off_ns;
	double base_rate;            /* the pod's own rate (scenario clockRate) */
	/* the clock check */
	size_t samples;
	int64_t max_dev_ns, last_meas_ns;
	int64_t seg_t0_ns, seg_w0_ns, seg_t1_ns, seg_w1_ns; /* this rate segment */
	size_t seg_samples;
	char last[LV_LAST_LINES][200];
	size_t nlast;
} lv_pod;

/* The schedule of a run: actions due at a harness time. */
typedef enum lv_act_kind {
	LV_ACT_START = 1,   /* a: scenario pod */
	LV_ACT_FAULT_START, /* a: fault */
	LV_ACT_FAULT_END,
	LV_ACT_GRACE_KILL,  /* a: pod, b: restarts at delete time */
	LV_ACT_REPLACE,     /* a: pod replaced, b: fault */
} lv_act_kind;

typedef struct lv_act {
	int64_t t_ns;
	lv_act_kind kind;
	int32_t a, b;
	bool done;
} lv_act;

/* What a started fault did, so that its end can undo it. */
typedef struct lv_fault_state {
	int32_t *targets;
	size_t ntargets;
	int rules[MAX_SLOTS];
	size_t nrules;
	bool went_down;
} lv_fault_state;

typedef struct lv_run {
	const lv_opts *o;
	const sim_scenario *sc;
	int index;
	char tmp[SIM_PATH_MAX];
	char server[128];
	const char *ftlib;
	lv_apiserver api;
	bool api_up;
	lv_matchers m;
	lv_pod *pods;
	size_t npods, pods_cap;
	size_t slots_used;
	char slot_user[MAX_SLOTS][LE_ID_MAX];
	char slot_token[MAX_SLOTS][40];
	lv_act *acts;
	size_t nacts, acts_cap;
	lv_fault_state *fs;
	lv_history *h;
	int64_t t0_mono_ns, wall0_ns;
	int64_t first_start_ns;
	bool any_leader;
	uint64_t rng;
	int code;                    /* sim_exit when something went wrong */
	char err[LV_ERR_MAX * 2];
	void *status_curl;
	int64_t end_ns;
} lv_run;

/* What lv_on_line is handed for one pod's pipe. */
typedef struct lv_line_ctx {
	lv_run *r;
	int32_t pod;
} lv_line_ctx;

/* One run's verdict for --runs: the checker's result, the exit code, the
 * run's length in seconds. */
typedef struct lv_run_out {
	sim_check_result result;
	int code;
	double wall_s;
} lv_run_out;

/* Failover durations (ns), live or simulated, for --runs. */
typedef struct lv_dist {
	int64_t *v;
	size_t n, cap;
} lv_dist;

static inline double lv_secs(int64_t ns) { return (double)ns / 1e9; }

/* ---- live_run.c ------------------------------------------------------------- */

int64_t lv_now_ns(const lv_run *r);
/* The run's first error wins: r->code and r->err; returns code. */
int lv_fail(lv_run *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The run's own stream (seeded by the run number): mode `one`, names. */
uint64_t lv_rng_next(lv_run *r);
void lv_schedule(lv_run *r, int64_t t_ns, lv_act_kind k, int32_t a, int32_t b);
void lv_record(lv_run *r, int64_t t, sim_ev_kind k, int32_t pod,
	       const char *holder, int32_t fault, int64_t a, int64_t b);
/* Run index (0-based) once and judge it into out. */
void lv_run_once(const lv_opts *o, const sim_scenario *sc, int index,
		 const char *ftlib, lv_run_out *out);

/* ---- live_pods.c ------------------------------------------------------------ */

/* The identity a pod elects with: its own, else its name. */
const char *lv_pod_identity(const lv_pod *p);
/* A new pod (original or replacement): history entry, token slot,
 * kubeconfig. Returns its index or -1 (r->code set). */
int32_t lv_pod_new(lv_run *r, int32_t spec, const char *name,
		   const le_profile *profile, int32_t replaces);
void lv_pod_spawn(lv_run *r, int32_t i);
/* The pod is gone: by our SIGKILL (death) or by itself (exit). */
void lv_pod_gone(lv_run *r, int32_t i, bool killed, int32_t fault, int64_t t);
void lv_pod_kill(lv_run *r, int32_t i, int32_t fault);
/* A Deployment's replacement for pod old, for fault fi. */
void lv_pod_replace(lv_run *r, int32_t old, int32_t fi);

/* ---- live_observers.c ------------------------------------------------------- */

/* A pod's last LV_LAST_LINES lines, for error messages. */
void lv_remember_line(lv_pod *p, const char *line);
void lv_last_lines(const lv_pod *p, char *buf, size_t cap);
/* lv_proc_read's callback; user is an lv_line_ctx. */
void lv_on_line(void *user, const char *line);
void lv_poll_status(lv_run *r, int32_t i, int64_t t);
/* A process ended without us killing it. */
void lv_on_exit_seen(lv_run *r, int32_t i);
/* The rate a pod's log shows over the current rate segment. */
void lv_print_clock_segment(const lv_pod *p, const char *what);
/* The apiserver's committed writes (JSON lines) into the history. */
void lv_merge_writes(lv_run *r, const char *text);
void lv_report_clocks(lv_run *r);

/* ---- live_faults.c ---------------------------------------------------------- */

struct cJSON;
/* POST rule (consumed) to the apiserver; its id is kept in fs (if any). */
void lv_add_rule(lv_run *r, lv_fault_state *fs, struct cJSON *rule);
/* A store fault rule as the admin API's JSON, on token user `user`. */
struct cJSON *lv_store_rule(const fa_fault_rule *x, const char *user);
void lv_fault_start(lv_run *r, int32_t fi);
void lv_fault_end(lv_run *r, int32_t fi);

/* ---- live_report.c ---------------------------------------------------------- */

void lv_print_result(const sim_history *h, const sim_check_result *res);
/* DIR/run-K/history.jsonl and the reports. */
int lv_write_outputs(const lv_run *r, const sim_history *h, lv_run_out *out,
		     const char *repro);
void lv_dist_add_result(lv_dist *d, const sim_check_result *res);
void lv_compare_with_sim(const lv_opts *o, const sim_scenario *sc, lv_dist *live);

#endif
