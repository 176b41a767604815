/* The status server (--http), on le_run's event loop:
 *   /healthz  200 "ok", or 500 with the error (election-spec.md 2.7)
 *   /metrics  Prometheus text (metrics.c)
 *   anything else: {"name":"<leader>"}, leader-elector:0.5's answer on every
 *   path. The name follows every observed change of holder, except under
 *   --profile=sidecar-0.5, where it is what 0.5 served: the leader as its
 *   own callbacks reported it, so a follower keeps the name it saw at
 *   startup (election-spec.md 5.2-5.3, contrib#2930). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "leaselab/internal/httpguard.h"
#include "run_internal.h"

/* The status endpoint answers GETs of a few bytes; in a pod it listens on
 * 0.0.0.0, so it bounds what any client can make it hold. */
#define STATUS_MAX_BODY 4096
#define STATUS_MAX_HEADERS 8192
#define STATUS_MAX_CONNECTIONS 64
#define STATUS_IDLE_NS (10LL * LE_NS_PER_S)
#define STATUS_REQUEST_NS (5LL * LE_NS_PER_S)

void io_stats_add(le_stats *sum, const le_stats *s)
{
	sum->attempts += s->attempts;
	sum->requests += s->requests;
	sum->aborted += s->aborted;
	sum->slowpath += s->slowpath;
	sum->acquisitions += s->acquisitions;
	sum->losses += s->losses;
	sum->renew_failures += s->renew_failures;
	sum->errors += s->errors;
	sum->duplicate_identity += s->duplicate_identity;
}

void io_fill_metrics(le_runner *r, le_run_metrics *m)
{
	le_stats s;
	*m = r->metrics;
	le_elector_stats(r->e, &s);
	io_stats_add(&m->core, &s);
	m->leading = le_elector_leading(r->e);
	m->core.master_status = s.master_status; /* a gauge: the live elector's */
	m->last_renew_age_ns = r->has_write ? io_mono_ns() - r->last_write_mono_ns : -1;
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *ctype,
		  const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	if (!b) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void handle(struct evhttp_request *req, void *arg)
{
	if (!le_httpguard_admit(((le_runner *)arg)->http_guard, req))
		return;
	le_runner *r = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!path)
		path = "/";

	if (!strcmp(path, "/healthz")) {
		char err[LE_ERRMSG_MAX];
		if (le_elector_check(r->e, io_mono_ns(), r->cfg.healthz_tolerance_ns, err,
				     sizeof err) == LE_OK)
			reply(req, 200, "OK", "text/plain; charset=utf-8", "ok", 2);
		else
			reply(req, 500, "Internal Server Error", "text/plain; charset=utf-8", err,
			      strlen(err));
		return;
	}
	if (!strcmp(path, "/metrics")) {
		le_run_metrics m;
		char *buf = malloc(16384);
		io_fill_metrics(r, &m);
		int n = buf ? le_metrics_render(&m, buf, 16384) : LE_ENOMEM;
		if (n < 0)
			reply(req, 500, "Internal Server Error", "text/plain", "metrics do not fit",
			      18);
		else
			reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", buf,
			      (size_t)n);
		free(buf);
		return;
	}
	/* 0.5 wrote json.Marshal's bytes with no newline; Go sniffed the type
	 * as text/plain, which clients of the sidecar may rely on. */
	const le_profile *p = le_elector_config(r->e)->profile;
	const char *leader = p->contrib_election_main ? le_elector_reported_leader(r->e)
						      : le_elector_leader(r->e);
	char body[2 * LE_ID_MAX + 32];
	size_t n = (size_t)snprintf(body, sizeof body, "{\"name\":");
	io_json_quote(leader, body, sizeof body - 1, &n);
	body[n++] = '}';
	body[n] = '\0';
	reply(req, 200, "OK", "text/plain; charset=utf-8", body, n);
}

int io_status_http_start(le_runner *r, const char *addr, char *err, size_t errcap)
{
	char host[256];
	int port;
	if (!io_split_hostport(addr, host, sizeof host, &port)) {
		snprintf(err, errcap,
			 "status server address \"%s\": expected host:port, e.g. 0.0.0.0:4040 or "
			 "127.0.0.1:0",
			 addr);
		return LE_EINVAL;
	}
	if (!*host)
		snprintf(host, sizeof host, "0.0.0.0");
	r->http = evhttp_new(r->base);
	if (!r->http) {
		snprintf(err, errcap, "cannot create the status server");
		return LE_ENOMEM;
	}
	evhttp_set_allowed_methods(r->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						    EVHTTP_REQ_PUT);
	evhttp_set_gencb(r->http, handle, r);
	evhttp_set_max_body_size(r->http, STATUS_MAX_BODY);
	evhttp_set_max_headers_size(r->http, STATUS_MAX_HEADERS);
	le_httpguard_config gc = {
		.max_connections = STATUS_MAX_CONNECTIONS,
		.idle_timeout_ns = STATUS_IDLE_NS,
		.request_timeout_ns = STATUS_REQUEST_NS,
		.write_stall_timeout_ns = STATUS_IDLE_NS,
	};
	r->http_guard = le_httpguard_new(r->base, r->http, &gc);
	char berr[200] = "";
	struct evhttp_bound_socket *bs =
		r->http_guard != NULL
			? le_httpguard_bind(r->http_guard, host, (unsigned)port, berr, sizeof berr)
			: NULL;
	if (!bs) {
		snprintf(err, errcap,
			 "cannot listen on %s for the status server (address in use, or not an "
			 "address of this host)",
			 addr);
		evhttp_free(r->http);
		le_httpguard_free(r->http_guard);
		r->http = NULL;
		r->http_guard = NULL;
		return LE_EIO;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	r->http_port = port;
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			r->http_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			r->http_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	snprintf(r->http_host, sizeof r->http_host, "%s", host);
	return LE_OK;
}

void io_status_http_stop(le_runner *r)
{
	if (r->http)
		evhttp_free(r->http);
	le_httpguard_free(r->http_guard);
	r->http = NULL;
	r->http_guard = NULL;
}
