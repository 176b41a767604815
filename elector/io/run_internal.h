/* The runner's state, shared by run.c and status_http.c (private). */
#ifndef LEASELAB_IO_RUN_INTERNAL_H
#define LEASELAB_IO_RUN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "io_internal.h"
#include "leaselab/kube.h"
#include "leaselab/run.h"

struct le_curl;
struct evhttp;
struct evhttp_bound_socket;

/* A request that failed before it left (encode error, libcurl refused it):
 * answered with status 0 once the output queue is drained. */
typedef struct pending_failure {
	uint64_t id;
	le_op op;
	char msg[LE_ERRMSG_MAX];
} pending_failure;

struct le_runner {
	le_run_config cfg; /* strings below are the runner's copies */
	char *identity, *ns, *name, *metric_name;
	char *kube_source, *kube_server;

	struct event_base *base;
	struct event *core_timer; /* at le_elector_next_deadline() */
	struct event *cancel_ev;  /* read end of cancel_pipe */
	struct event *sigterm, *sigint;
	int cancel_pipe[2];
	atomic_int cancels; /* le_runner_cancel calls so far */
	int cancels_seen;

	struct le_curl *curl;
	le_lock_client *lock;
	le_elector *e;
	bool elector_done;     /* the core said LE_OUT_DONE */
	bool fatal;	       /* ...and le_elector_fatal(): 0.5 exits */
	char last_error[1536]; /* the last error log line, for fatal */
	bool cancelled;
	bool finished; /* the loop is stopping */
	bool ran;
	bool leading_reported; /* STARTED event sent, STOPPED not yet */
	bool stop_reported;    /* on_stopped_leading ran for this elector */
	uint64_t fallback_counter;

	pending_failure pending[8];
	size_t npending;

	le_leader_ctx *ctxs; /* every context not yet joined */
	le_leader_ctx *live; /* the current term's, or NULL */

	/* What /metrics shows, less the live elector's counters: .core holds
	 * the sums of electors replaced by restarts (io_fill_metrics adds the
	 * current one's). */
	le_run_metrics metrics;
	int64_t last_write_mono_ns;
	bool has_write;

	/* status server */
	struct evhttp *http;
	struct le_httpguard *http_guard; /* bounds on status clients */
	char http_host[256];
	int http_port;

	/* the LeaseCandidate publisher (cfg.candidate), NULL without one */
	le_cand *cand;
	struct le_curl *cand_curl;
	struct event *cand_timer;
	char *cand_name, *cand_lease, *cand_bv, *cand_ev, *cand_strategy;
	char cand_av[16];       /* v1beta1 | v1alpha2 */
	char *cand_body;        /* the request body libcurl is sending */
	bool cand_synced;       /* the informer's first GET answered */
	bool cand_get_inflight;
	bool cand_published;    /* logged once */
	uint64_t cand_get_seq;
	int64_t cand_poll_mono_ns; /* next informer GET */

	/* read by other threads */
	pthread_mutex_t snap_mu;
	char snap_leader[LE_ID_MAX];
	bool snap_leading;
};

void io_emit(le_runner *r, le_event_kind kind, const char *text, const le_log *log,
	     const char *leader);
void io_emitf(le_runner *r, bool is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int io_status_http_start(le_runner *r, const char *addr, char *err, size_t errcap);
void io_status_http_stop(le_runner *r);
void io_fill_metrics(le_runner *r, le_run_metrics *m);
void io_stats_add(le_stats *sum, const le_stats *s);

#endif
