/* sim/live: private interfaces of the live harness (docs/live.md).
 *
 *   live.c          the command line; live_run.c, live_pods.c,
 *                   live_observers.c, live_faults.c, live_report.c carry
 *                   out one run (their shared state: live_run.h)
 *   proc.c          spawn / signal / reap, one process group per pod
 *   faketime.c      libfaketime specs, timestamp files, the preload check
 *   apiserver.c     bin/fake-apiserver: start, admin API, committed writes
 *   observe.c       what a pod prints: JSON events, regexes, status URL
 *   live_history.c  the adapter onto the simulator's history (the only
 *                   file that knows the history API)
 *
 * Times are ns on the harness's CLOCK_MONOTONIC since the run started,
 * unless the name says wall. */
#ifndef LEASELAB_LIVE_INT_H
#define LEASELAB_LIVE_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "leaselab/sim.h"

#define LV_LAST_LINES 8
#define LV_LINE_MAX 4096
#define LV_ERR_MAX 1024

/* ---- proc.c ------------------------------------------------------------------ */

typedef struct lv_proc {
	pid_t pid;                /* also the process group id; 0 = none */
	int out_fd;               /* read end of stdout+stderr, -1 = closed */
	char buf[LV_LINE_MAX];
	size_t blen;
	bool exited;              /* reaped */
	int status;               /* waitpid status once exited */
} lv_proc;

/* Start argv (argv[0] looked up in PATH) in a new process group, stdout
 * and stderr on one pipe, SIGKILL when the harness dies (PR_SET_PDEATHSIG).
 * env: "NAME=VALUE" entries put on top of the harness's environment (NULL
 * ends it; "NAME=" with nothing after unsets NAME). An exec failure is
 * reported here, not as an exit status. */
int lv_proc_spawn(lv_proc *p, char *const argv[], char *const env[], char *err,
		  size_t errcap);
/* Signal the whole group (no-op when gone). */
void lv_proc_signal(lv_proc *p, int sig);
/* Reap without blocking; true when the process has exited. */
bool lv_proc_reap(lv_proc *p);
/* SIGKILL the group and wait for it (bounded); closes the pipe. */
void lv_proc_stop(lv_proc *p);
/* Read what is available; calls on_line for each complete line. Returns
 * false once the pipe is closed. */
bool lv_proc_read(lv_proc *p, void (*on_line)(void *user, const char *line),
		  void *user);

/* ---- faketime.c ----------------------------------------------------------- */

/* The library: $LEASELAB_FAKETIME_LIB, else Debian's libfaketimeMT.so.1.
 * NULL with err filled when it is not there. */
const char *lv_faketime_lib(char *err, size_t errcap);
/* libfaketime's spec for "rate x real elapsed + offset". */
void lv_faketime_spec(int64_t offset_ns, double rate, char *buf, size_t cap);
/* Rewrite a timestamp file atomically (write a temp file, rename). */
int lv_faketime_write(const char *path, const char *spec, char *err,
		      size_t errcap);
/* Can LD_PRELOAD reach this program? false (with the reason) for a
 * statically linked ELF executable. Scripts and unknown files: true. */
bool lv_preload_reaches(const char *program, char *why, size_t cap);

/* ---- apiserver.c ------------------------------------------------------------ */

typedef struct lv_apiserver {
	lv_proc proc;
	char url[128];            /* http://127.0.0.1:PORT */
	char admin_token[40];
	void *curl;               /* CURL * */
} lv_apiserver;

int lv_apiserver_start(lv_apiserver *a, const char *bin, const char *tokens_file,
		       uint64_t seed, char *err, size_t errcap);
void lv_apiserver_stop(lv_apiserver *a);
/* POST one rule (JSON text); its id or a negative error. */
int lv_apiserver_add_rule(lv_apiserver *a, const char *rule_json, char *err,
			  size_t errcap);
int lv_apiserver_remove_rule(lv_apiserver *a, int id, char *err, size_t errcap);
int lv_apiserver_set_down(lv_apiserver *a, bool down, char *err, size_t errcap);
/* Every committed write as JSON lines (caller frees). */
char *lv_apiserver_history(lv_apiserver *a, char *err, size_t errcap);

/* ---- observe.c ---------------------------------------------------------------- */

typedef enum lv_obs_kind {
	LV_OBS_NONE = 0,
	LV_OBS_STARTED,           /* started leading */
	LV_OBS_STOPPED,           /* stopped leading */
	LV_OBS_NEW_LEADER,        /* leader: who the pod now reports */
	LV_OBS_LOG,               /* any other line bin/elector logs */
} lv_obs_kind;

typedef struct lv_obs {
	lv_obs_kind kind;
	char leader[LE_ID_MAX];
	bool has_wall;            /* the line carried the pod's own time */
	int64_t wall_ns;
} lv_obs;

typedef struct lv_matchers {
	bool json;                /* bin/elector's --log-format=json */
	bool have_leader, have_follower, have_new_leader;
	regex_t leader, follower, new_leader; /* new_leader: group 1 = id */
} lv_matchers;

int lv_matchers_init(lv_matchers *m, bool json, const char *leader_re,
		     const char *follower_re, const char *new_leader_re,
		     char *err, size_t errcap);
void lv_matchers_free(lv_matchers *m);
void lv_observe_line(const lv_matchers *m, const char *line, lv_obs *out);
/* The `name` of a status URL's {"name": ...} answer ("" = none). LE_OK or
 * a negative error when the URL did not answer. */
int lv_status_poll(void *curl, const char *url, char *name, size_t cap);

/* ---- live_history.c ------------------------------------------------------- */

typedef struct lv_history lv_history;

/* time_scale: --time-scale, recorded in the history's header. */
lv_history *lv_history_new(uint64_t seed, double time_scale);
void lv_history_free(lv_history *h);
int32_t lv_history_add_pod(lv_history *h, const char *name, const char *identity,
			   int32_t spec, int32_t replaces);
/* Set a pod's identity once it is known (learned from its lease writes). */
int lv_history_set_identity(lv_history *h, int32_t pod, const char *identity);
int lv_history_push(lv_history *h, int64_t t_ns, sim_ev_kind kind, int32_t pod,
		    const char *holder, int32_t fault, int64_t a, int64_t b);
/* a, b by kind: pod-start restarts; pod-death / pod-exit / stopped-leading
 * was_leader; pod-sigterm grace_period_ns; cut / uncut direction, partition.
 * Events may come in any order. */
/* A committed write of the lock, from the fake apiserver's history. */
int lv_history_push_write(lv_history *h, int64_t t_ns, int32_t pod,
			  const le_record *rec, int64_t resource_version);
/* Order events by time (stable: pushes with equal times keep their order),
 * number the leadership terms, and set the end of the run. */
int lv_history_finish(lv_history *h, int64_t end_ns);
const sim_history *lv_history_view(const lv_history *h);

#endif
