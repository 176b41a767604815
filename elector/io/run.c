/* le_run: the real-time driver of the election core.
 *
 * One libevent loop on the caller's thread carries everything: the core's
 * timer (re-armed at le_elector_next_deadline() after every input), libcurl's
 * sockets and timers (transport_curl.c), the status server (status_http.c),
 * signals and the cancel pipe. The core sees CLOCK_MONOTONIC for durations
 * and CLOCK_REALTIME only for record times, and a getrandom(2) draw with
 * every input. Leader work runs in its own thread with an le_leader_ctx. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <event2/http.h>

#include "run_internal.h"
#include "transport_curl.h"

#define PENDING_MAX 8

/* ---- clocks and randomness (CLOCK_MONOTONIC is io_mono_ns, clock.c) ---- */

static le_time now_time(void)
{
	struct timespec ts;
	le_time t;
	t.mono_ns = io_mono_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	t.wall_ns = (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
	return t;
}

static uint64_t random_draw(le_runner *r)
{
	uint64_t v;
	if (getrandom(&v, sizeof v, 0) == (ssize_t)sizeof v)
		return v;
	/* getrandom cannot fail for 8 bytes once the pool is initialised;
	 * if it somehow does, a splitmix64 step over the clock still
	 * decorrelates the electors' jitter. */
	v = (uint64_t)io_mono_ns() + 0x9e3779b97f4a7c15u * ++r->fallback_counter;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9u;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebu;
	return v ^ (v >> 31);
}

/* ---- the leader's context ------------------------------------------------ */

struct le_leader_ctx {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC */
	bool done;
	int fd_r, fd_w; /* fd_w is closed when done: fd_r reads EOF */
	char identity[LE_ID_MAX];
	le_runner *r;
	pthread_t thread;
	bool has_thread;
	atomic_bool finished; /* the leader thread returned */
	struct le_leader_ctx *next;
};

static le_leader_ctx *ctx_new(le_runner *r)
{
	le_leader_ctx *c = calloc(1, sizeof *c);
	int fds[2];
	if (!c)
		return NULL;
	if (pipe(fds) != 0) {
		free(c);
		return NULL;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&c->mu, NULL);
	c->fd_r = fds[0];
	c->fd_w = fds[1];
	c->r = r;
	atomic_init(&c->finished, false);
	snprintf(c->identity, sizeof c->identity, "%s", r->identity);
	return c;
}

static void ctx_cancel(le_leader_ctx *c)
{
	pthread_mutex_lock(&c->mu);
	if (!c->done) {
		c->done = true;
		/* A byte makes fd_r readable for poll(POLLIN) too, not just
		 * POLLHUP; nobody reads it, so it stays readable. */
		ssize_t w = write(c->fd_w, "x", 1);
		(void)w;
		close(c->fd_w);
		c->fd_w = -1;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
}

static void ctx_free(le_leader_ctx *c)
{
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	close(c->fd_r);
	if (c->fd_w >= 0)
		close(c->fd_w);
	free(c);
}

bool le_ctx_done(le_leader_ctx *c)
{
	pthread_mutex_lock(&c->mu);
	bool d = c->done;
	pthread_mutex_unlock(&c->mu);
	return d;
}

bool le_ctx_wait(le_leader_ctx *c, int64_t timeout_ns)
{
	int64_t now = io_mono_ns();
	if (timeout_ns > INT64_MAX - now)
		timeout_ns = -1; /* beyond the clock's range: no limit */
	pthread_mutex_lock(&c->mu);
	if (timeout_ns < 0) {
		while (!c->done)
			pthread_cond_wait(&c->cv, &c->mu);
	} else {
		int64_t deadline = now + timeout_ns;
		struct timespec ts = {(time_t)(deadline / LE_NS_PER_S),
				      (long)(deadline % LE_NS_PER_S)};
		int rc = 0;
		while (!c->done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	bool d = c->done;
	pthread_mutex_unlock(&c->mu);
	return d;
}

int le_ctx_fd(le_leader_ctx *c)
{
	return c->fd_r;
}

const char *le_ctx_identity(le_leader_ctx *c)
{
	return c->identity;
}

static void *leader_thread(void *arg)
{
	le_leader_ctx *c = arg;
	c->r->cfg.callbacks.on_started_leading(c, c->r->cfg.callbacks.user);
	atomic_store(&c->finished, true);
	return NULL;
}

/* Join leader threads that have returned (all of them when wait is set). */
static void reap_contexts(le_runner *r, bool wait)
{
	for (le_leader_ctx **p = &r->ctxs; *p;) {
		le_leader_ctx *c = *p;
		if (c != r->live && (wait || !c->has_thread || atomic_load(&c->finished))) {
			if (c->has_thread)
				pthread_join(c->thread, NULL);
			*p = c->next;
			ctx_free(c);
		} else {
			p = &c->next;
		}
	}
}

/* ---- events ------------------------------------------------------------- */

void io_emit(le_runner *r, le_event_kind kind, const char *text, const le_log *log,
	     const char *leader)
{
	if (!r->cfg.callbacks.on_event)
		return;
	le_event ev = {
		.kind = kind,
		.wall_ns = now_time().wall_ns,
		.identity = r->identity,
		.leader = leader,
		.text = text ? text : "",
		.verbosity = log ? log->verbosity : 0,
		.is_error = log ? log->is_error : false,
		.msg = log ? log->msg : 0,
		.status = log ? log->status : 0,
	};
	r->cfg.callbacks.on_event(&ev, r->cfg.callbacks.user);
}

void io_emitf(le_runner *r, bool is_error, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	le_log l = {0, is_error, 0, NULL, 0};
	io_emit(r, LE_EV_LOG, text, &l, NULL);
}

/* ---- carrying out the core's outputs ------------------------------------- */

static void push_failure(le_runner *r, const le_request *req, const char *msg)
{
	if (r->npending == PENDING_MAX)
		return; /* the core times the request out instead */
	r->pending[r->npending].id = req->id;
	r->pending[r->npending].op = req->op;
	snprintf(r->pending[r->npending].msg, sizeof r->pending[0].msg, "%s", msg);
	r->npending++;
}

static void send_request(le_runner *r, const le_request *req)
{
	le_http_request h;
	char err[LE_ERRMSG_MAX];
	if (le_lock_client_build(r->lock, req, req->timeout_ns, &h, err, sizeof err) != LE_OK ||
	    le_curl_send(r->curl, req->id, (int)req->op, &h, req->timeout_ns, err, sizeof err) !=
		    LE_OK)
		push_failure(r, req, err);
}

static void started_leading(le_runner *r)
{
	char text[LE_ID_MAX + 32];
	le_leader_ctx *c = ctx_new(r);
	r->leading_reported = true;
	if (c) {
		c->next = r->ctxs;
		r->ctxs = c;
		r->live = c;
	}
	snprintf(text, sizeof text, "%s became leader", r->identity);
	io_emit(r, LE_EV_STARTED_LEADING, text, NULL, NULL);
	if (!c) {
		io_emitf(r, true, "cannot create the leader context: %s", strerror(errno));
		return;
	}
	if (r->cfg.callbacks.on_started_leading) {
		int rc = pthread_create(&c->thread, NULL, leader_thread, c);
		if (rc == 0)
			c->has_thread = true;
		else
			io_emitf(r, true, "cannot start the leader thread: %s", strerror(rc));
	}
}

static void stopped_leading(le_runner *r, bool was_leader)
{
	if (r->live) {
		ctx_cancel(r->live);
		r->live = NULL;
	}
	if (was_leader || r->leading_reported) {
		char text[LE_ID_MAX + 32];
		snprintf(text, sizeof text, "%s stopped leading", r->identity);
		io_emit(r, LE_EV_STOPPED_LEADING, text, NULL, NULL);
	}
	r->leading_reported = false;
	r->stop_reported = true;
	if (r->cfg.callbacks.on_stopped_leading)
		r->cfg.callbacks.on_stopped_leading(r->cfg.callbacks.user);
	reap_contexts(r, false);
}

static void new_leader(le_runner *r, const char *id)
{
	char text[LE_ID_MAX + 64];
	le_log l = {0, false, LE_MSG_IS_THE_LEADER, id, 0};
	r->metrics.transitions_observed++;
	le_log_format(r->e, &l, text, sizeof text);
	io_emit(r, LE_EV_NEW_LEADER, text, NULL, id);
	if (r->cfg.callbacks.on_new_leader)
		r->cfg.callbacks.on_new_leader(id, r->cfg.callbacks.user);
}

static void log_output(le_runner *r, const le_log *l)
{
	char text[1536];
	if (l->verbosity > r->cfg.verbosity)
		return;
	/* "" = the profile's program never printed this message. */
	if (le_log_format(r->e, l, text, sizeof text) <= 0)
		return;
	if (l->is_error)
		snprintf(r->last_error, sizeof r->last_error, "%s", text);
	io_emit(r, LE_EV_LOG, text, l, NULL);
}

static void drain(le_runner *r)
{
	le_output o;
	while (le_elector_next_output(r->e, &o)) {
		switch (o.kind) {
		case LE_OUT_SEND:
			send_request(r, o.u.request);
			break;
		case LE_OUT_ABORT:
			le_curl_abort(r->curl, o.u.request_id);
			break;
		case LE_OUT_STARTED_LEADING:
			started_leading(r);
			break;
		case LE_OUT_STOPPED_LEADING:
			stopped_leading(r, o.u.was_leader);
			break;
		case LE_OUT_NEW_LEADER:
			new_leader(r, o.u.identity);
			break;
		case LE_OUT_LOG:
			log_output(r, &o.u.log);
			break;
		case LE_OUT_DONE:
			r->elector_done = true;
			break;
		}
	}
}

static void arm_timer(le_runner *r)
{
	int64_t deadline = r->finished ? INT64_MAX : le_elector_next_deadline(r->e);
	if (deadline == INT64_MAX) {
		evtimer_del(r->core_timer);
		return;
	}
	int64_t delay = deadline - io_mono_ns();
	if (delay < 0)
		delay = 0;
	delay += 999; /* round up to whole µs: never fire before the deadline */
	struct timeval tv = {(time_t)(delay / LE_NS_PER_S),
			     (suseconds_t)(delay % LE_NS_PER_S / 1000)};
	evtimer_add(r->core_timer, &tv);
}

static void finish(le_runner *r)
{
	r->finished = true;
	le_curl_abort_all(r->curl);
	if (r->cand_curl)
		le_curl_abort_all(r->cand_curl);
	if (r->cand_timer)
		evtimer_del(r->cand_timer);
	event_base_loopbreak(r->base);
}

static int restart_elector(le_runner *r)
{
	char err[LE_ERRMSG_MAX];
	le_stats s;
	le_elector_stats(r->e, &s);
	io_stats_add(&r->metrics.core, &s);
	le_curl_abort_all(r->curl); /* ids restart at the new elector */
	le_elector *e = le_elector_new(&r->cfg.elector, err, sizeof err);
	if (!e) {
		io_emitf(r, true, "cannot restart the elector: %s", err);
		return LE_EINVAL;
	}
	le_elector_free(r->e);
	r->e = e;
	r->elector_done = false;
	r->stop_reported = false;
	r->metrics.restarts++;
	io_emitf(r, false, "leadership lost: campaigning again for %s %s/%s",
		 le_lock_kind_name(r->cfg.elector.lock_kind), r->cfg.elector.lock_namespace,
		 r->cfg.elector.lock_name);
	return le_elector_start(r->e, now_time(), random_draw(r));
}

/* After every input: carry out the outputs (and any request that failed
 * before it left), restart or finish when the core is done, re-arm the
 * timer, refresh the snapshot other threads read. */
static void after_input(le_runner *r)
{
	for (;;) {
		drain(r);
		if (r->npending > 0) {
			pending_failure p = r->pending[0];
			memmove(r->pending, r->pending + 1, --r->npending * sizeof r->pending[0]);
			le_response resp;
			le_lock_client_response(r->lock, p.id, p.op, 0, NULL, 0, p.msg, &resp);
			le_run_metrics_count_error(&r->metrics, 0);
			le_elector_on_response(r->e, now_time(), &resp, random_draw(r));
			continue;
		}
		if (!r->elector_done || r->finished)
			break;
		r->fatal = le_elector_fatal(r->e);
		if (r->fatal || r->cancelled || !r->cfg.restart_after_loss ||
		    restart_elector(r) != LE_OK) {
			finish(r);
			break;
		}
	}
	arm_timer(r);
	pthread_mutex_lock(&r->snap_mu);
	snprintf(r->snap_leader, sizeof r->snap_leader, "%s", le_elector_leader(r->e));
	r->snap_leading = le_elector_leading(r->e);
	pthread_mutex_unlock(&r->snap_mu);
}

/* ---- inputs ------------------------------------------------------------- */

static void on_core_timer(evutil_socket_t fd, short what, void *arg)
{
	le_runner *r = arg;
	(void)fd, (void)what;
	le_elector_on_timer(r->e, now_time(), random_draw(r));
	after_input(r);
}

static void on_http_done(void *ud, uint64_t id, int tag, int status, const char *body, size_t len,
			 const char *error)
{
	le_runner *r = ud;
	le_response resp;
	le_op op = (le_op)tag;
	le_lock_client_response(r->lock, id, op, status, body, len, error, &resp);
	bool ok = resp.status >= 200 && resp.status < 300;
	if (!ok && !(op == LE_OP_GET && resp.status == 404))
		le_run_metrics_count_error(&r->metrics, resp.status);
	if (ok && op != LE_OP_GET && resp.record && !strcmp(resp.record->holder, r->identity)) {
		r->last_write_mono_ns = io_mono_ns();
		r->has_write = true;
	}
	le_elector_on_response(r->e, now_time(), &resp, random_draw(r));
	after_input(r);
}

static void force_stop(le_runner *r)
{
	io_emitf(r, false, "cancelled again: stopping now without waiting for the release");
	if (!r->stop_reported)
		stopped_leading(r, r->live != NULL);
	finish(r);
}

static void on_cancel_pipe(evutil_socket_t fd, short what, void *arg)
{
	le_runner *r = arg;
	char buf[64];
	(void)what;
	while (read(fd, buf, sizeof buf) > 0)
		;
	int n = atomic_load(&r->cancels);
	if (n <= r->cancels_seen || r->finished)
		return;
	r->cancels_seen = n;
	if (!r->cancelled) {
		r->cancelled = true;
		const le_profile *p =
			r->cfg.elector.profile ? r->cfg.elector.profile : &le_profile_client_go;
		bool release = le_elector_leading(r->e) && r->cfg.elector.release_on_cancel &&
			       p->release_supported;
		io_emitf(r, false, "cancelled: %s",
			 release ? "releasing the lease, then stopping" : "stopping");
		le_elector_cancel(r->e, now_time(), random_draw(r));
		after_input(r);
		n--;
	}
	if (n >= 1 && !r->finished)
		force_stop(r);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig, (void)what;
	le_runner_cancel(arg);
}

void le_runner_cancel(le_runner *r)
{
	int saved = errno;
	atomic_fetch_add(&r->cancels, 1);
	ssize_t w = write(r->cancel_pipe[1], "c", 1);
	(void)w; /* a full pipe already holds a wake-up */
	errno = saved;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- the LeaseCandidate publisher (coordinated election) ------------------ */

#define CAND_TAG_REQ 1
#define CAND_TAG_GET 2
#define CAND_GET_ID_BASE (UINT64_C(1) << 62) /* apart from le_cand's ids */
#define CAND_TIMEOUT_NS (10 * LE_NS_PER_S)

static void cand_path(le_runner *r, bool object, char *buf, size_t cap)
{
	snprintf(buf, cap, "/apis/coordination.k8s.io/%s/namespaces/%s/leasecandidates%s%s",
		 r->cand_av, r->ns, object ? "/" : "", object ? r->cand_name : "");
}

static void cand_get(le_runner *r)
{
	char path[LE_NAME_MAX * 2 + 128], err[LE_ERRMSG_MAX];
	cand_path(r, true, path, sizeof path);
	le_http_request h = {"GET", path, NULL, 0};
	r->cand_get_inflight = true;
	if (le_curl_send(r->cand_curl, CAND_GET_ID_BASE + ++r->cand_get_seq, CAND_TAG_GET, &h,
			 CAND_TIMEOUT_NS, err, sizeof err) != LE_OK) {
		r->cand_get_inflight = false;
		io_emitf(r, true, "lease candidate %s/%s: cannot send the GET: %s", r->ns,
			 r->cand_name, err);
	}
}

static void cand_send(le_runner *r, const le_cand_request *q)
{
	char path[LE_NAME_MAX * 2 + 128], err[LE_ERRMSG_MAX] = "out of memory";
	char av[64];
	le_lease_candidate obj = q->object;
	snprintf(obj.name, sizeof obj.name, "%s", r->cand_name);
	snprintf(obj.namespace_, sizeof obj.namespace_, "%s", r->ns);
	cJSON *j = le_lease_candidate_to_json(&obj);
	snprintf(av, sizeof av, "coordination.k8s.io/%s", r->cand_av);
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(j, "metadata");
	char *body = NULL;
	if (j && cJSON_ReplaceItemInObjectCaseSensitive(j, "apiVersion", cJSON_CreateString(av)) &&
	    (q->op != LE_CAND_UPDATE ||
	     cJSON_AddStringToObject(meta, "resourceVersion", q->resource_version)))
		body = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	cand_path(r, q->op == LE_CAND_UPDATE, path, sizeof path);
	le_http_request h = {q->op == LE_CAND_UPDATE ? "PUT" : "POST", path, body,
			     body ? strlen(body) : 0};
	/* libcurl reads the body while the request runs: keep it until the
	 * next one (le_cand has one request in flight at most) */
	free(r->cand_body);
	r->cand_body = body;
	int rc = body ? le_curl_send(r->cand_curl, q->id, CAND_TAG_REQ, &h, CAND_TIMEOUT_NS, err,
				     sizeof err)
		      : LE_ENOMEM;
	if (rc != LE_OK) {
		io_emitf(r, true, "lease candidate %s/%s: cannot send: %s", r->ns, r->cand_name,
			 err);
		le_cand_on_response(r->cand, now_time(), q->id, 0);
	}
}

static void cand_after_input(le_runner *r)
{
	le_cand_request q;
	while (le_cand_next_request(r->cand, &q))
		cand_send(r, &q);
	if (r->finished) {
		evtimer_del(r->cand_timer);
		return;
	}
	int64_t deadline = le_cand_next_deadline(r->cand);
	if (!r->cand_get_inflight && r->cand_poll_mono_ns < deadline)
		deadline = r->cand_poll_mono_ns;
	if (deadline == INT64_MAX) {
		evtimer_del(r->cand_timer);
		return;
	}
	int64_t delay = deadline - io_mono_ns();
	if (delay < 0)
		delay = 0;
	delay += 999;
	struct timeval tv = {(time_t)(delay / LE_NS_PER_S),
			     (suseconds_t)(delay % LE_NS_PER_S / 1000)};
	evtimer_add(r->cand_timer, &tv);
}

/* The object a 2xx answer carries, as the informer would see it. */
static bool cand_parse(const char *body, size_t len, le_lease_candidate *obj, char *rv,
		       size_t rvcap)
{
	char err[LE_ERRMSG_MAX];
	cJSON *j = cJSON_ParseWithLength(body ? body : "", len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(j, "metadata"), "resourceVersion");
	bool ok = j && cJSON_IsString(v) &&
		  le_lease_candidate_from_json(j, obj, err, sizeof err) == LE_OK;
	if (ok)
		snprintf(rv, rvcap, "%s", v->valuestring);
	cJSON_Delete(j);
	return ok;
}

static void on_cand_http_done(void *ud, uint64_t id, int tag, int status, const char *body,
			      size_t len, const char *error)
{
	le_runner *r = ud;
	le_time now = now_time();
	le_lease_candidate obj;
	char rv[LE_RV_MAX];
	bool ok = status >= 200 && status < 300;
	bool parsed = ok && cand_parse(body, len, &obj, rv, sizeof rv);
	if (tag == CAND_TAG_GET) {
		r->cand_get_inflight = false;
		r->cand_poll_mono_ns = io_mono_ns() + r->cfg.elector.retry_period_ns;
		if (parsed)
			le_cand_on_observed(r->cand, now,
					    r->cand_synced ? LE_CAND_EV_UPDATE : LE_CAND_EV_ADD, &obj,
					    rv);
		else if (status == 404 && r->cand_synced)
			le_cand_on_observed(r->cand, now, LE_CAND_EV_DELETE, NULL, NULL);
		else if (status != 404)
			io_emitf(r, true, "lease candidate %s/%s: GET failed: %s", r->ns,
				 r->cand_name, status ? "HTTP error" : (error ? error : "no answer"));
		if (!r->cand_synced && (parsed || status == 404)) {
			r->cand_synced = true;
			le_cand_start(r->cand, now);
		}
	} else {
		le_cand_on_response(r->cand, now, id, status);
		if (parsed) {
			le_cand_on_observed(r->cand, now,
					    status == 201 ? LE_CAND_EV_ADD : LE_CAND_EV_UPDATE, &obj,
					    rv);
			if (!r->cand_published) {
				r->cand_published = true;
				io_emitf(r, false,
					 "lease candidate %s/%s published for lease %s: "
					 "binaryVersion %s, emulationVersion %s",
					 r->ns, r->cand_name, r->cand_lease, obj.binary_version,
					 obj.emulation_version);
			}
		} else if (!ok) {
			io_emitf(r, true, "lease candidate %s/%s: write failed: %s%.*s", r->ns,
				 r->cand_name, status ? "" : (error ? error : "no answer"),
				 status ? (int)(len < 300 ? len : 300) : 0, body ? body : "");
		}
	}
	cand_after_input(r);
}

static void on_cand_timer(evutil_socket_t fd, short what, void *arg)
{
	le_runner *r = arg;
	(void)fd, (void)what;
	if (!r->cand_get_inflight && io_mono_ns() >= r->cand_poll_mono_ns)
		cand_get(r);
	if (r->cand_synced)
		le_cand_on_timer(r->cand, now_time());
	cand_after_input(r);
}

static int cand_setup(le_runner *r, const le_run_config *c, const char *ua, char *err,
		      size_t errcap)
{
	const le_cand_config *cc = c->candidate;
	const char *av = c->candidate_api_version ? c->candidate_api_version : "v1beta1";
	if (strcmp(av, "v1beta1") && strcmp(av, "v1alpha2")) {
		snprintf(err, errcap, "candidate API version \"%.32s\": expected v1beta1 or v1alpha2",
			 av);
		return LE_EINVAL;
	}
	snprintf(r->cand_av, sizeof r->cand_av, "%s", av);
	r->cand_name = dup_or_null(cc->name ? cc->name : r->identity);
	r->cand_lease = dup_or_null(cc->lease_name ? cc->lease_name : r->name);
	r->cand_bv = dup_or_null(cc->binary_version);
	r->cand_ev = dup_or_null(cc->emulation_version);
	r->cand_strategy = dup_or_null(cc->strategy);
	le_cand_config k = *cc;
	k.name = r->cand_name;
	k.namespace_ = r->ns;
	k.lease_name = r->cand_lease;
	k.binary_version = r->cand_bv;
	k.emulation_version = r->cand_ev;
	k.strategy = r->cand_strategy;
	r->cand = le_cand_new(&k, err, errcap);
	if (!r->cand)
		return LE_EINVAL;
	r->cand_timer = evtimer_new(r->base, on_cand_timer, r);
	if (!r->cand_timer) {
		snprintf(err, errcap, "cannot set up the event loop");
		return LE_ENOMEM;
	}
	r->cand_curl =
		le_curl_new(r->base, c->kube, ua, r->identity, on_cand_http_done, r, err, errcap);
	return r->cand_curl ? LE_OK : LE_EINVAL;
}

/* ---- construction -------------------------------------------------------- */

void le_run_config_defaults(le_run_config *c)
{
	memset(c, 0, sizeof *c);
	le_config_defaults(&c->elector);
	/* A program that can be cancelled should hand the lease over at once
	 * rather than make the others wait a lease duration (kube-scheduler
	 * does the same). */
	c->elector.release_on_cancel = true;
	c->healthz_tolerance_ns = 20 * LE_NS_PER_S;
}

le_runner *le_runner_new(const le_run_config *c, char *err, size_t errcap)
{
	le_runner *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	r->cancel_pipe[0] = r->cancel_pipe[1] = -1;
	pthread_mutex_init(&r->snap_mu, NULL);
	atomic_init(&r->cancels, 0);
	r->cfg = *c;
	/* Own copies: the caller's strings may go away; restarts need them. */
	r->identity = dup_or_null(c->elector.identity);
	r->ns = dup_or_null(c->elector.lock_namespace);
	r->name = dup_or_null(c->elector.lock_name);
	r->metric_name = dup_or_null(c->elector.name ? c->elector.name : c->elector.lock_name);
	r->cfg.elector.identity = r->identity;
	r->cfg.elector.lock_namespace = r->ns;
	r->cfg.elector.lock_name = r->name;
	r->cfg.elector.name = r->metric_name;
	r->metrics.name = r->metric_name;
	r->cfg.http_addr = NULL;
	if (!c->kube || !c->kube->server) {
		snprintf(err, errcap, "no apiserver configuration (le_run_config.kube is not set)");
		goto fail;
	}
	if (!r->identity || !r->ns || !r->name) {
		snprintf(err, errcap, "%s",
			 !r->identity ? "identity is not set"
			 : !r->ns     ? "lock namespace is not set"
				      : "lock name is not set");
		goto fail;
	}
	r->e = le_elector_new(&r->cfg.elector, err, errcap);
	if (!r->e)
		goto fail;

	struct event_config *ec = event_config_new();
	if (ec) {
		event_config_set_flag(ec, EVENT_BASE_FLAG_PRECISE_TIMER);
		r->base = event_base_new_with_config(ec);
		event_config_free(ec);
	}
	if (!r->base || pipe(r->cancel_pipe) != 0) {
		snprintf(err, errcap, "cannot set up the event loop: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < 2; i++) { /* the signal path must never block */
		fcntl(r->cancel_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(r->cancel_pipe[i], F_SETFL, O_NONBLOCK);
	}
	r->core_timer = evtimer_new(r->base, on_core_timer, r);
	r->cancel_ev =
		event_new(r->base, r->cancel_pipe[0], EV_READ | EV_PERSIST, on_cancel_pipe, r);
	if (!r->core_timer || !r->cancel_ev || event_add(r->cancel_ev, NULL) != 0) {
		snprintf(err, errcap, "cannot set up the event loop");
		goto fail;
	}
	r->lock = le_lock_client_new(c->elector.lock_kind, r->ns, r->name);
	char ua[LE_ID_MAX + 64];
	snprintf(ua, sizeof ua, "leaselab-elector/1 (%s)", r->identity);
	if (!r->lock) {
		snprintf(err, errcap, "out of memory");
		goto fail;
	}
	r->curl = le_curl_new(r->base, c->kube, ua, r->identity, on_http_done, r, err, errcap);
	if (!r->curl)
		goto fail;
	if (c->candidate && cand_setup(r, c, ua, err, errcap) != LE_OK)
		goto fail;
	r->kube_source = dup_or_null(c->kube->source);
	r->kube_server = dup_or_null(c->kube->server);
	if (c->http_addr && io_status_http_start(r, c->http_addr, err, errcap) != LE_OK)
		goto fail;
	if (c->http_addr || c->handle_signals) {
		/* A status-server client that hangs up mid-reply must not kill
		 * the process: writes to its socket would raise SIGPIPE. Only
		 * the default disposition is changed, never a program's own. */
		struct sigaction sa;
		if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
			sa.sa_handler = SIG_IGN;
			sigaction(SIGPIPE, &sa, NULL);
		}
	}
	if (c->handle_signals) {
		r->sigterm = evsignal_new(r->base, SIGTERM, on_signal, r);
		r->sigint = evsignal_new(r->base, SIGINT, on_signal, r);
		if (!r->sigterm || !r->sigint || evsignal_add(r->sigterm, NULL) ||
		    evsignal_add(r->sigint, NULL)) {
			snprintf(err, errcap, "cannot install the SIGTERM/SIGINT handlers");
			goto fail;
		}
	}
	return r;
fail:
	le_runner_free(r);
	return NULL;
}

int le_runner_run(le_runner *r, char *err, size_t errcap)
{
	char ld[32], rd[32], rp[32];
	const le_config *ec = &r->cfg.elector;
	if (r->ran) {
		snprintf(err, errcap, "le_runner_run may be called only once");
		return LE_ESTATE;
	}
	r->ran = true;
	le_format_duration(ec->lease_duration_ns, ld, sizeof ld);
	le_format_duration(ec->renew_deadline_ns, rd, sizeof rd);
	le_format_duration(ec->retry_period_ns, rp, sizeof rp);
	io_emitf(r, false,
		 "starting: identity %s, lock %s %s/%s, lease duration %s, renew deadline %s, "
		 "retry period %s, profile %s, apiserver %s via %s",
		 r->identity, le_lock_kind_name(ec->lock_kind), r->ns, r->name, ld, rd, rp,
		 ec->profile ? ec->profile->name : "client-go", r->kube_server,
		 r->kube_source ? r->kube_source : "?");
	if (r->http)
		io_emitf(r, false, "serving /, /healthz and /metrics on http://%s:%d", r->http_host,
			 r->http_port);

	le_elector_start(r->e, now_time(), random_draw(r));
	after_input(r);
	if (r->cand) {
		cand_get(r);
		cand_after_input(r);
	}
	if (!r->finished && event_base_dispatch(r->base) < 0) {
		snprintf(err, errcap, "the event loop failed");
		return LE_EIO;
	}
	le_curl_abort_all(r->curl);
	if (r->cand_curl)
		le_curl_abort_all(r->cand_curl);
	if (r->live) { /* the loop broke with a leader still live: end it */
		ctx_cancel(r->live);
		r->live = NULL;
	}
	reap_contexts(r, true);
	if (r->fatal) { /* the 0.5 program's startup failed: it exits here */
		snprintf(err, errcap, "%s",
			 r->last_error[0] ? r->last_error : "leader election could not start");
		return LE_ESTATE;
	}
	return LE_OK;
}

int le_runner_http_port(const le_runner *r)
{
	return r->http ? r->http_port : 0;
}

bool le_runner_is_leader(le_runner *r)
{
	pthread_mutex_lock(&r->snap_mu);
	bool v = r->snap_leading;
	pthread_mutex_unlock(&r->snap_mu);
	return v;
}

void le_runner_leader(le_runner *r, char *buf, size_t cap)
{
	pthread_mutex_lock(&r->snap_mu);
	snprintf(buf, cap, "%s", r->snap_leader);
	pthread_mutex_unlock(&r->snap_mu);
}

void le_runner_free(le_runner *r)
{
	if (!r)
		return;
	if (r->live)
		ctx_cancel(r->live);
	r->live = NULL;
	reap_contexts(r, true);
	io_status_http_stop(r);
	if (r->sigterm)
		event_free(r->sigterm);
	if (r->sigint)
		event_free(r->sigint);
	le_curl_free(r->curl);
	le_curl_free(r->cand_curl);
	if (r->cand_timer)
		event_free(r->cand_timer);
	le_cand_free(r->cand);
	free(r->cand_name);
	free(r->cand_lease);
	free(r->cand_bv);
	free(r->cand_ev);
	free(r->cand_strategy);
	free(r->cand_body);
	le_lock_client_free(r->lock);
	if (r->core_timer)
		event_free(r->core_timer);
	if (r->cancel_ev)
		event_free(r->cancel_ev);
	if (r->base)
		event_base_free(r->base);
	for (int i = 0; i < 2; i++)
		if (r->cancel_pipe[i] >= 0)
			close(r->cancel_pipe[i]);
	le_elector_free(r->e);
	pthread_mutex_destroy(&r->snap_mu);
	free(r->identity);
	free(r->ns);
	free(r->name);
	free(r->metric_name);
	free(r->kube_source);
	free(r->kube_server);
	free(r);
}

int le_run(const le_run_config *c, char *err, size_t errcap)
{
	le_runner *r = le_runner_new(c, err, errcap);
	if (!r)
		return LE_EINVAL;
	int rc = le_runner_run(r, err, errcap);
	le_runner_free(r);
	return rc;
}
