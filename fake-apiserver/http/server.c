/* leaselab — fake-apiserver HTTP: the server. One libevent loop, evhttp,
 * TLS through OpenSSL bufferevents; the handler (handler.c) decides, this
 * file carries it out.
 *
 * A request that cannot be answered inside evhttp's callback becomes an
 * `op` on the server's list: waiting out a fault delay (a libevent timer,
 * so other clients are served meanwhile), held without an answer (black
 * hole, lost request, lost response), being closed (refused), or
 * streaming (watch, history follow). evhttp does not read a connection
 * while its request is pending, so for held and streaming ops a second
 * read event on the socket notices the client leaving (EOF) and frees the
 * connection; the connection's close callback frees the op. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fahttp.h"
#include "leaselab/internal/httpguard.h"

/* A watch whose client stops reading is cut off past this much backlog
 * (or after the write-stall timeout, whichever comes first). */
#define STREAM_BACKLOG_MAX ((size_t)2 << 20)
/* What all streams together may have queued (--watch-backlog-max): 32
 * watchers at the per-stream cap. Past it the largest backlogs are cut
 * off first, so one burst of events cannot pin 1024 x 2 MiB. */
#define STREAM_BACKLOG_TOTAL_DEFAULT ((size_t)64 << 20)
#define MAX_HEADERS_SIZE 65536
/* evhttp's own body limit, enforced while reading (a Content-Length above
 * it is refused before the body is read). The handler answers 413 with a
 * Status above FAHTTP_MAX_BODY (3 MiB); evhttp's limit sits a little above
 * that, because what evhttp refuses itself gets libevent 2.1's built-in
 * text/html error page (there is no hook to replace it): bodies just over
 * 3 MiB still get the apiserver's Status, absurd ones are cut off at once. */
#define EVHTTP_BODY_LIMIT (FAHTTP_MAX_BODY + ((size_t)64 << 10))

typedef enum op_state {
	OP_DELAY_EXEC,  /* request delay: the store has not seen it yet */
	OP_DELAY_SEND,  /* response delay: answered, not yet sent */
	OP_HELD,        /* never answered */
	OP_CLOSING,     /* refused: the connection closes on the next turn */
	OP_WATCH,
	OP_FOLLOW,
} op_state;

typedef struct op {
	struct op *prev, *next;
	fahttp_server *srv;
	struct evhttp_request *req;
	struct evhttp_connection *evcon;
	op_state state;
	bool listed;
	struct event *timer;
	struct event *detect;
	fahttp_request rq;
	fahttp_call call;
	fa_decision dec;
	fahttp_response resp;
	bool first_event_sent;
	size_t follow_next;
	char method[16];
	char cert_user[LE_ID_MAX];
	char cert_groups[512];
} op;

struct fahttp_server {
	struct event_base *base;
	struct evhttp *http;
	fahttp_ctx *ctx;
	SSL_CTX *ssl;
	char address[80];
	op *ops;
	size_t nops;
	op *spare;       /* freed ops kept for reuse (next = link) */
	size_t nspare;
	void (*log)(void *ud, const char *line);
	void *log_ud;
	le_httpguard *guard;
	size_t backlog_total_max;  /* bytes all streams may have queued */
};

/* Ops are a few KiB; allocating one per request made glibc consolidate its
 * fast bins on every request. A short free list avoids that. */
#define SPARE_OPS_MAX 64

/* The front end's clocks (the real-time driver's; fahttp.h). */
static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t fahttp_wall_now_ns(void) { return clock_ns(CLOCK_REALTIME); }
int64_t fahttp_mono_now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

static const char *reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Unknown";
	}
}

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	default: return "UNKNOWN";
	}
}

/* ---- ops -------------------------------------------------------------------- */

static void op_list(op *o)
{
	if (o->listed)
		return;
	fahttp_server *s = o->srv;
	o->next = s->ops;
	o->prev = NULL;
	if (s->ops != NULL)
		s->ops->prev = o;
	s->ops = o;
	s->nops++;
	o->listed = true;
}

static void op_unlist(op *o)
{
	if (!o->listed)
		return;
	fahttp_server *s = o->srv;
	if (o->prev != NULL)
		o->prev->next = o->next;
	else
		s->ops = o->next;
	if (o->next != NULL)
		o->next->prev = o->prev;
	s->nops--;
	o->listed = false;
}

static op *op_alloc(fahttp_server *s)
{
	op *o = s->spare;
	if (o == NULL)
		return calloc(1, sizeof(*o));
	s->spare = o->next;
	s->nspare--;
	memset(o, 0, sizeof(*o));
	return o;
}

/* Frees the op; the request and connection are not touched. */
static void op_free(op *o)
{
	fahttp_server *s = o->srv;
	op_unlist(o);
	if (o->timer != NULL)
		event_free(o->timer);
	if (o->detect != NULL)
		event_free(o->detect);
	fahttp_call_free(&o->call);
	fahttp_response_free(&o->resp);
	if (s->nspare < SPARE_OPS_MAX) {
		o->next = s->spare;
		s->spare = o;
		s->nspare++;
	} else {
		free(o);
	}
}

/* The op is done with its request: forget the connection callbacks. */
static void op_release(op *o)
{
	if (o->evcon != NULL)
		evhttp_connection_set_closecb(o->evcon, NULL, NULL);
	op_free(o);
}

static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	op *o = arg;
	/* When libevent gave up on the connection itself (EOF, write error),
	 * it detached the unanswered request and left it to us; when we freed
	 * the connection, it frees the request after this callback. */
	if (o->req != NULL && evhttp_request_get_connection(o->req) == NULL)
		evhttp_request_free(o->req);
	o->evcon = NULL;
	op_free(o);
}

static void drop_connection(op *o)
{
	if (o->evcon != NULL)
		evhttp_connection_free(o->evcon); /* on_conn_close frees o */
	else
		op_free(o);
}

static evutil_socket_t op_fd(const op *o)
{
	if (o->evcon == NULL)
		return -1;
	return bufferevent_getfd(evhttp_connection_get_bufferevent(o->evcon));
}

/* Readable while the request is pending: EOF means the client left. */
static void on_peer_readable(evutil_socket_t fd, short what, void *arg)
{
	op *o = arg;
	unsigned char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	/* a TLS alert record (close_notify) is a goodbye too */
	if (n <= 0 || (o->srv->ssl != NULL && c == 0x15)) {
		drop_connection(o);
		return;
	}
	/* pipelined data: evhttp reads it after this answer; stop looking */
	event_del(o->detect);
}

/* Registers o as holding its connection: the close callback and, with
 * watch_eof, the EOF watch. A request still "on the wire" (request delay)
 * gets no EOF watch: like a packet already sent, it reaches the store even
 * if the client gives up on it meanwhile. */
static void op_hold_connection(op *o, bool watch_eof)
{
	op_list(o);
	evhttp_connection_set_closecb(o->evcon, on_conn_close, o);
	evutil_socket_t fd = op_fd(o);
	if (watch_eof && o->detect == NULL && fd >= 0) {
		o->detect = event_new(o->srv->base, fd, EV_READ | EV_PERSIST,
				      on_peer_readable, o);
		if (o->detect != NULL)
			event_add(o->detect, NULL);
	}
}

static void arm_timer(op *o, int64_t delay_ns, event_callback_fn fn)
{
	if (o->timer == NULL) {
		o->timer = evtimer_new(o->srv->base, fn, o);
	} else {
		evtimer_del(o->timer);
		evtimer_assign(o->timer, o->srv->base, fn, o);
	}
	if (delay_ns < 0)
		delay_ns = 0;
	struct timeval tv = {(time_t)(delay_ns / 1000000000LL),
			     (suseconds_t)((delay_ns % 1000000000LL) / 1000)};
	if (o->timer != NULL)
		evtimer_add(o->timer, &tv);
}

/* ---- answers ------------------------------------------------------------------ */

static void free_body(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

static void log_request(const op *o, int code)
{
	if (o->srv->log == NULL)
		return;
	char line[1024];
	snprintf(line, sizeof(line), "%s %s %.700s -> %d", o->call.identity, o->method,
		 o->rq.target != NULL ? o->rq.target : "?", code);
	o->srv->log(o->srv->log_ud, line);
}

static void add_headers(struct evhttp_request *req, const fahttp_response *r)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type",
			  r->content_type != NULL ? r->content_type : FAHTTP_CT_JSON);
	if (r->retry_after_s > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", r->retry_after_s);
		evhttp_add_header(h, "Retry-After", ra);
	}
	if (r->close_after)
		evhttp_add_header(h, "Connection", "close");
}

/* Sends a whole reply; the body moves into the output buffer. A HEAD
 * reply says how long the body would be and sends none (evhttp would send
 * it anyway). */
static void send_reply(struct evhttp_request *req, fahttp_response *r)
{
	add_headers(req, r);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		char len[24];
		snprintf(len, sizeof(len), "%zu", r->body != NULL ? r->body_len : 0);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Length", len);
	} else if (r->body != NULL && r->body_len > 0) {
		struct evbuffer *out = evhttp_request_get_output_buffer(req);
		if (evbuffer_add_reference(out, r->body, r->body_len, free_body, NULL) == 0)
			r->body = NULL;
	}
	evhttp_send_reply(req, r->code, reason_phrase(r->code), NULL);
}

static void send_chunk(op *o, const char *data, size_t len)
{
	if (len == 0 || o->evcon == NULL)
		return;
	struct evbuffer *b = evbuffer_new();
	if (b == NULL)
		return;
	evbuffer_add(b, data, len);
	evhttp_send_reply_chunk(o->req, b);
	evbuffer_free(b);
}

static bool is_stream(const op *o)
{
	return (o->state == OP_WATCH || o->state == OP_FOLLOW) && o->evcon != NULL;
}

/* Bytes queued for a stream's client that the kernel has not taken yet. */
static size_t backlog_bytes(const op *o)
{
	/* the guard's filter passes output straight down: count both */
	struct bufferevent *bev = evhttp_connection_get_bufferevent(o->evcon);
	struct bufferevent *inner = le_httpguard_inner(bev);
	size_t n = evbuffer_get_length(bufferevent_get_output(bev));
	if (inner != bev)
		n += evbuffer_get_length(bufferevent_get_output(inner));
	return n;
}

static size_t streams_backlog(const fahttp_server *s)
{
	size_t total = 0;
	for (const op *o = s->ops; o != NULL; o = o->next)
		if (is_stream(o))
			total += backlog_bytes(o);
	return total;
}

/* The stream with the most queued, NULL when none has anything queued. */
static op *largest_backlog(fahttp_server *s)
{
	op *worst = NULL;
	size_t worst_n = 0;
	for (op *o = s->ops; o != NULL; o = o->next) {
		size_t n = is_stream(o) ? backlog_bytes(o) : 0;
		if (n > worst_n) {
			worst = o;
			worst_n = n;
		}
	}
	return worst;
}

static void on_stream_timeout(evutil_socket_t fd, short what, void *arg)
{
	op *o = arg;
	struct evhttp_request *req = o->req;
	evhttp_connection_set_closecb(o->evcon, NULL, NULL);
	o->evcon = NULL;
	op_free(o);
	evhttp_send_reply_end(req);
}

static void start_stream(op *o)
{
	fahttp_response *r = &o->resp;
	o->state = r->action == FAHTTP_ACT_WATCH ? OP_WATCH : OP_FOLLOW;
	o->follow_next = r->follow_from;
	o->first_event_sent = r->body_len > 0;
	add_headers(o->req, r);
	evhttp_send_reply_start(o->req, 200, "OK");
	send_chunk(o, r->body, r->body_len);
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	op_hold_connection(o, true);
	if (o->state == OP_WATCH && r->watch.timeout_s > 0)
		arm_timer(o, r->watch.timeout_s * 1000000000LL, on_stream_timeout);
}

static void close_all_faultable(fahttp_server *s)
{
	op *o = s->ops;
	while (o != NULL) {
		op *next = o->next;
		if (o->state != OP_FOLLOW && !o->call.admin)
			drop_connection(o);
		o = next;
	}
}

static void on_close_now(evutil_socket_t fd, short what, void *arg)
{
	op *o = arg;
	evutil_socket_t sfd = op_fd(o);
	if (sfd >= 0) {
		/* reset, not a graceful close: the client sees it at once */
		struct linger lg = {1, 0};
		setsockopt(sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	drop_connection(o);
}

/* Carries out resp (final answer, stream, hold or close). */
static void deliver(op *o)
{
	log_request(o, o->resp.action == FAHTTP_ACT_REPLY ||
				       o->resp.action == FAHTTP_ACT_WATCH ||
				       o->resp.action == FAHTTP_ACT_FOLLOW
			       ? o->resp.code
			       : 0);
	switch (o->resp.action) {
	case FAHTTP_ACT_REPLY: {
		struct evhttp_request *req = o->req;
		fahttp_response r = o->resp;
		memset(&o->resp, 0, sizeof(o->resp));
		op_release(o);
		send_reply(req, &r);
		fahttp_response_free(&r);
		return;
	}
	case FAHTTP_ACT_WATCH:
	case FAHTTP_ACT_FOLLOW:
		start_stream(o);
		return;
	case FAHTTP_ACT_HOLD:
		o->state = OP_HELD;
		op_hold_connection(o, true);
		return;
	case FAHTTP_ACT_CLOSE:
	default:
		o->state = OP_CLOSING;
		op_hold_connection(o, true);
		arm_timer(o, 0, on_close_now);
		return;
	}
}

static void on_send_timer(evutil_socket_t fd, short what, void *arg)
{
	deliver(arg);
}

static void execute(op *o)
{
	fahttp_server *s = o->srv;
	o->rq.now_wall_ns = fahttp_wall_now_ns();
	if (o->dec.error_code != 0) {
		fahttp_reply_injected(&o->resp, o->dec.error_code, o->dec.retry_after_s);
	} else {
		fahttp_execute(s->ctx, &o->rq, &o->call, &o->resp);
		if (o->dec.drop_response) {
			fahttp_response_free(&o->resp);
			o->resp.action = FAHTTP_ACT_HOLD;
		}
	}
	if (o->resp.went_down)
		close_all_faultable(s);
	bool streams = o->resp.action == FAHTTP_ACT_WATCH ||
		       o->resp.action == FAHTTP_ACT_FOLLOW;
	if (o->dec.response_delay_ns > 0 && o->resp.action == FAHTTP_ACT_REPLY && !streams) {
		o->state = OP_DELAY_SEND;
		op_hold_connection(o, true);
		arm_timer(o, o->dec.response_delay_ns, on_send_timer);
		return;
	}
	deliver(o);
}

static void on_exec_timer(evutil_socket_t fd, short what, void *arg)
{
	execute(arg);
}

/* ---- TLS ------------------------------------------------------------------------ */

static void openssl_error(const char *what, const char *file, char *err,
			  size_t errcap)
{
	char e[256] = "unknown OpenSSL error";
	unsigned long code = ERR_get_error();
	if (code != 0)
		ERR_error_string_n(code, e, sizeof(e));
	snprintf(err, errcap, "%s %s: %s", what, file, e);
	ERR_clear_error();
}

static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
	fahttp_server *s = arg;
	SSL *ssl = SSL_new(s->ssl);
	if (ssl == NULL)
		return NULL;
	struct bufferevent *bev = bufferevent_openssl_socket_new(
		base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL)
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* The verified client certificate's CN (user) and O values (groups). */
static void client_cert(op *o)
{
	if (o->srv->ssl == NULL || o->evcon == NULL)
		return;
	SSL *ssl = bufferevent_openssl_get_ssl(
		le_httpguard_inner(evhttp_connection_get_bufferevent(o->evcon)));
	if (ssl == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return;
	X509 *cert = SSL_get1_peer_certificate(ssl);
	if (cert == NULL)
		return;
	X509_NAME *subj = X509_get_subject_name(cert);
	int len = X509_NAME_get_text_by_NID(subj, NID_commonName, o->cert_user,
					    sizeof(o->cert_user));
	if (len <= 0)
		o->cert_user[0] = '\0';
	size_t g = 0;
	for (int i = -1;;) {
		i = X509_NAME_get_index_by_NID(subj, NID_organizationName, i);
		if (i < 0)
			break;
		ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, v);
		if (n > 0 && g + (size_t)n + 2 < sizeof(o->cert_groups)) {
			if (g > 0)
				o->cert_groups[g++] = ',';
			memcpy(o->cert_groups + g, utf8, (size_t)n);
			g += (size_t)n;
			o->cert_groups[g] = '\0';
		}
		OPENSSL_free(utf8);
	}
	X509_free(cert);
}

/* ---- requests ------------------------------------------------------------------ */

static void fill_request(op *o)
{
	struct evhttp_request *req = o->req;
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	snprintf(o->method, sizeof(o->method), "%s",
		 method_name(evhttp_request_get_command(req)));
	o->rq.method = o->method;
	o->rq.target = evhttp_request_get_uri(req);
	o->rq.accept = evhttp_find_header(h, "Accept");
	o->rq.content_type = evhttp_find_header(h, "Content-Type");
	o->rq.authorization = evhttp_find_header(h, "Authorization");
	o->rq.identity_header = evhttp_find_header(h, "X-Leaselab-Identity");
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	/* a NUL after the body, so string functions stop there too */
	evbuffer_add(in, "", 1);
	o->rq.body = (const char *)evbuffer_pullup(in, -1);
	o->rq.body_len = o->rq.body != NULL ? len : 0;
	client_cert(o);
	o->rq.cert_user = o->cert_user[0] != '\0' ? o->cert_user : NULL;
	o->rq.cert_groups = o->cert_groups[0] != '\0' ? o->cert_groups : NULL;
	o->rq.now_wall_ns = fahttp_wall_now_ns();
}

static void on_request(struct evhttp_request *req, void *arg)
{
	fahttp_server *s = arg;
	if (evhttp_request_get_uri(req) == NULL) {
		/* evhttp answers what it cannot parse itself, before calling us */
		evhttp_send_error(req, 400, NULL);
		return;
	}
	if (!le_httpguard_admit(s->guard, req))
		return; /* over the connection limit: refused */
	op *o = op_alloc(s);
	if (o == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	o->srv = s;
	o->req = req;
	o->evcon = evhttp_request_get_connection(req);
	fill_request(o);
	fahttp_begin(s->ctx, &o->rq, &o->call);
	if (fahttp_call_faultable(&o->call))
		fa_faults_decide(fahttp_ctx_faults(s->ctx), o->call.identity,
				 fahttp_ctx_rng(s->ctx), &o->dec);
	if (o->dec.refused) {
		o->resp.action = FAHTTP_ACT_CLOSE;
		deliver(o);
		return;
	}
	if (o->dec.blackhole || o->dec.drop_request) {
		o->resp.action = FAHTTP_ACT_HOLD;
		deliver(o);
		return;
	}
	int64_t delay = o->dec.request_delay_ns + o->dec.commit_delay_ns;
	if (delay > 0) {
		o->state = OP_DELAY_EXEC;
		op_hold_connection(o, false);
		arm_timer(o, delay, on_exec_timer);
		return;
	}
	execute(o);
}

/* ---- streams ------------------------------------------------------------------- */

static void stream_history(op *o)
{
	fa_store *st = fahttp_ctx_store(o->srv->ctx);
	size_t len = fa_store_history_len(st), first = fa_store_history_first(st);
	if (o->follow_next < first) {
		/* the follower fell behind a bounded history: say what it lost */
		char mark[200];
		int n = snprintf(mark, sizeof(mark),
				 "{\"type\":\"DROPPED\",\"from\":%zu,\"to\":%zu,\"message\":"
				 "\"history entries %zu..%zu were dropped (--history-max)\"}\n",
				 o->follow_next, first, o->follow_next, first - 1);
		send_chunk(o, mark, (size_t)n);
		o->follow_next = first;
	}
	for (; o->follow_next < len; o->follow_next++) {
		char *line = fa_store_history_json(st, o->follow_next);
		if (line == NULL)
			continue;
		size_t n = strlen(line);
		line[n] = '\n';
		send_chunk(o, line, n + 1);
		free(line);
	}
}

/* Cuts off the streams with the largest backlogs until all of them
 * together hold at most backlog_total_max; *total is kept up to date.
 * *next is the caller's iterator: moved on when its op is the one cut.
 * O(streams) per stream cut, and nothing when under the bound. */
static void bound_total_backlog(fahttp_server *s, size_t *total, op **next)
{
	fahttp_ctx *c = s->ctx;
	while (*total > s->backlog_total_max) {
		op *worst = largest_backlog(s);
		if (worst == NULL)
			break;
		size_t n = backlog_bytes(worst);
		*total = *total > n ? *total - n : 0;
		if (worst == *next)
			*next = worst->next;
		c->stream_backlog_closed++;
		drop_connection(worst);
	}
	if (*total > c->stream_backlog_peak)
		c->stream_backlog_peak = *total;
}

static void on_event(void *ud, fa_resource res, const char *type,
		     const cJSON *obj)
{
	fahttp_server *s = ud;
	int64_t now = 0;
	size_t total = streams_backlog(s);
	op *o = s->ops;
	while (o != NULL) {
		op *next = o->next;
		size_t before = is_stream(o) ? backlog_bytes(o) : 0;
		if (o->state == OP_WATCH &&
		    fahttp_filter_matches(&o->resp.watch.filter, res, obj)) {
			if (now == 0)
				now = fahttp_wall_now_ns();
			size_t len;
			char *ev = fahttp_watch_event(&o->resp.watch, type, obj,
						      !o->first_event_sent, now, &len);
			if (ev != NULL) {
				send_chunk(o, ev, len);
				o->first_event_sent = true;
				free(ev);
			}
		} else if (o->state == OP_FOLLOW) {
			stream_history(o);
		}
		if (is_stream(o)) {
			size_t after = backlog_bytes(o);
			total = total + after >= before ? total + after - before : 0;
			if (after > STREAM_BACKLOG_MAX) {
				total = total > after ? total - after : 0;
				drop_connection(o);
			}
		}
		bound_total_backlog(s, &total, &next);
		o = next;
	}
}

/* ---- lifecycle ------------------------------------------------------------------ */

static int parse_listen(const char *listen, char *host, size_t hostcap,
			unsigned *port, char *err, size_t errcap)
{
	const char *colon = strrchr(listen, ':');
	if (colon == NULL || colon == listen || colon[1] == '\0') {
		snprintf(err, errcap, "--listen \"%s\": expected HOST:PORT, e.g. 127.0.0.1:0",
			 listen);
		return LE_EINVAL;
	}
	size_t hl = (size_t)(colon - listen);
	if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
		listen++;
		hl -= 2;
	}
	if (hl >= hostcap) {
		snprintf(err, errcap, "--listen \"%s\": host too long", listen);
		return LE_EINVAL;
	}
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, hostcap, "127.0.0.1");
	char *end = NULL;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (end == NULL || *end != '\0' || p > 65535) {
		snprintf(err, errcap, "--listen \"%s\": port must be 0..65535", listen);
		return LE_EINVAL;
	}
	unsigned char tmp[16];
	if (inet_pton(AF_INET, host, tmp) != 1 && inet_pton(AF_INET6, host, tmp) != 1) {
		snprintf(err, errcap, "--listen \"%s\": host must be an IP address", listen);
		return LE_EINVAL;
	}
	*port = (unsigned)p;
	return LE_OK;
}

static int setup_tls(fahttp_server *s, const fahttp_server_config *cfg,
		     char *err, size_t errcap)
{
	if (cfg->tls_cert == NULL && cfg->tls_key == NULL) {
		if (cfg->client_ca != NULL) {
			snprintf(err, errcap, "--client-ca needs --tls-cert and --tls-key");
			return LE_EINVAL;
		}
		return LE_OK;
	}
	if (cfg->tls_cert == NULL || cfg->tls_key == NULL) {
		snprintf(err, errcap, "--tls-cert and --tls-key go together");
		return LE_EINVAL;
	}
	s->ssl = SSL_CTX_new(TLS_server_method());
	if (s->ssl == NULL) {
		openssl_error("TLS context", "", err, errcap);
		return LE_EINVAL;
	}
	SSL_CTX_set_min_proto_version(s->ssl, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(s->ssl, cfg->tls_cert) != 1) {
		openssl_error("--tls-cert", cfg->tls_cert, err, errcap);
		return LE_EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(s->ssl, cfg->tls_key, SSL_FILETYPE_PEM) != 1) {
		openssl_error("--tls-key", cfg->tls_key, err, errcap);
		return LE_EINVAL;
	}
	if (SSL_CTX_check_private_key(s->ssl) != 1) {
		openssl_error("--tls-key does not match --tls-cert", cfg->tls_key, err,
			      errcap);
		return LE_EINVAL;
	}
	if (cfg->client_ca != NULL) {
		if (SSL_CTX_load_verify_locations(s->ssl, cfg->client_ca, NULL) != 1) {
			openssl_error("--client-ca", cfg->client_ca, err, errcap);
			return LE_EINVAL;
		}
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->client_ca);
		if (names != NULL)
			SSL_CTX_set_client_CA_list(s->ssl, names);
		/* a certificate is optional (tokens still work); a bad one fails
		 * the handshake */
		SSL_CTX_set_verify(s->ssl, SSL_VERIFY_PEER, NULL);
	}
	return LE_OK;
}

fahttp_server *fahttp_server_new(struct event_base *base, fahttp_ctx *ctx,
				 const fahttp_server_config *cfg, char *err,
				 size_t errcap)
{
	fahttp_server *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	s->base = base;
	s->ctx = ctx;
	s->log = cfg->log;
	s->log_ud = cfg->log_ud;
	s->backlog_total_max = cfg->watch_backlog_total_max > 0
				       ? cfg->watch_backlog_total_max
				       : STREAM_BACKLOG_TOTAL_DEFAULT;
	ctx->stream_backlog_max = s->backlog_total_max;
	char host[64];
	unsigned port;
	if (parse_listen(cfg->listen != NULL ? cfg->listen : "127.0.0.1:0", host,
			 sizeof(host), &port, err, errcap) != LE_OK)
		goto fail;
	s->http = evhttp_new(base);
	if (s->http == NULL) {
		snprintf(err, errcap, "evhttp_new failed");
		goto fail;
	}
	if (setup_tls(s, cfg, err, errcap) != LE_OK)
		goto fail;
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
						    EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
						    EVHTTP_REQ_PATCH);
	evhttp_set_max_body_size(s->http, (ev_ssize_t)EVHTTP_BODY_LIMIT);
	evhttp_set_max_headers_size(s->http, MAX_HEADERS_SIZE);
	evhttp_set_flags(s->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(s->http, on_request, s);
	le_httpguard_config gc = {
		.max_connections = cfg->max_connections,
		.idle_timeout_ns = cfg->idle_timeout_ns,
		.request_timeout_ns = cfg->request_timeout_ns,
		.write_stall_timeout_ns = cfg->write_stall_timeout_ns,
		.refusal_content_type = FAHTTP_CT_JSON,
		.refusal_body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
				"\"status\":\"Failure\",\"message\":\"too many open connections "
				"to the fake apiserver; retry later\",\"reason\":"
				"\"ServiceUnavailable\",\"code\":503}",
		.make_bev = s->ssl != NULL ? make_tls_bev : NULL,
		.make_bev_ud = s,
		.log = cfg->log_events,
		.log_ud = cfg->log_ud,
	};
	s->guard = le_httpguard_new(base, s->http, &gc);
	if (s->guard == NULL) {
		snprintf(err, errcap, "out of memory");
		goto fail;
	}
	char lerr[256];
	struct evhttp_bound_socket *sock =
		le_httpguard_bind(s->guard, host, port, lerr, sizeof(lerr));
	if (sock == NULL) {
		snprintf(err, errcap, "cannot listen on %s: %s", cfg->listen, lerr);
		goto fail;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd = evhttp_bound_socket_get_fd(sock);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(err, errcap, "getsockname: %s", strerror(errno));
		goto fail;
	}
	char ip[64];
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(s->address, sizeof(s->address), "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(s->address, sizeof(s->address), "%s:%u", ip, ntohs(a->sin_port));
	}
	fahttp_ctx_set_server_address(ctx, s->address);
	fahttp_ctx_set_event_hook(ctx, on_event, s);
	return s;
fail:
	if (s->http != NULL)
		evhttp_free(s->http);
	le_httpguard_free(s->guard);
	if (s->ssl != NULL)
		SSL_CTX_free(s->ssl);
	free(s);
	return NULL;
}

const char *fahttp_server_address(const fahttp_server *s)
{
	return s->address;
}

bool fahttp_server_tls(const fahttp_server *s)
{
	return s->ssl != NULL;
}

size_t fahttp_server_pending(const fahttp_server *s)
{
	return s->nops;
}

void fahttp_server_free(fahttp_server *s)
{
	if (s == NULL)
		return;
	fahttp_ctx_set_event_hook(s->ctx, NULL, NULL);
	/* evhttp_free frees every connection and the requests on them */
	while (s->ops != NULL)
		op_release(s->ops);
	while (s->spare != NULL) {
		op *o = s->spare;
		s->spare = o->next;
		free(o);
	}
	evhttp_free(s->http);
	le_httpguard_free(s->guard);
	if (s->ssl != NULL)
		SSL_CTX_free(s->ssl);
	free(s);
}

void fahttp_server_guard_stats(const fahttp_server *s, size_t *open,
			       uint64_t *idle_closed, uint64_t *slow_closed,
			       uint64_t *refused)
{
	le_httpguard_stats st;
	le_httpguard_get_stats(s->guard, &st);
	*open = st.open;
	*idle_closed = st.idle_closed;
	*slow_closed = st.slow_closed;
	*refused = st.refused;
}
