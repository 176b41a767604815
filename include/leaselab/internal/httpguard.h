/* leaselab — bounds on what an HTTP client can hold of an evhttp server
 * (libevent 2.1), shared by bin/fake-apiserver and the elector's --http
 * status endpoint. Private: not installed.
 *
 * evhttp alone never closes an idle or slow connection, has no connection
 * limit, and its listener logs every failed accept() (millions of lines when
 * file descriptors run out). The guard adds, per server:
 *   - a connection limit: past it, the first request on a new connection is
 *     answered with the configured refusal (503) and the connection closed;
 *   - an idle timeout (connected or between requests, no byte sent) and a
 *     request timeout (first byte to a whole request: slow senders);
 *   - a write-stall timeout (output pending, no progress: readers that
 *     stopped reading);
 *   - an accept loop that pauses when accept() fails (EMFILE...) and logs
 *     it once per episode.
 * It wraps every connection's bufferevent in a pass-through filter, which
 * is how it learns of bytes arriving and of the connection going away.
 * Connections busy with a request (waiting for the handler, a fault delay,
 * a stream) are not timed out: the server decides about those.
 * No global state.
 */
#ifndef LEASELAB_INTERNAL_HTTPGUARD_H
#define LEASELAB_INTERNAL_HTTPGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct evhttp;
struct evhttp_request;
struct evhttp_bound_socket;
struct bufferevent;

typedef struct le_httpguard le_httpguard;

typedef struct le_httpguard_config {
	size_t max_connections;          /* 0 = 1024 */
	int64_t idle_timeout_ns;         /* 0 = 60 s */
	int64_t request_timeout_ns;      /* 0 = 30 s */
	int64_t write_stall_timeout_ns;  /* 0 = 30 s */
	/* The answer past max_connections (sent with Connection: close). */
	const char *refusal_content_type;
	const char *refusal_body;
	/* Makes each connection's inner bufferevent (TLS); NULL = a plain
	 * socket bufferevent. */
	struct bufferevent *(*make_bev)(struct event_base *base, void *ud);
	void *make_bev_ud;
	/* One line per event worth telling (accept trouble); NULL = quiet. */
	void (*log)(void *ud, const char *line);
	void *log_ud;
} le_httpguard_config;

/* Installs itself on http (its bufferevent callback); http must outlive
 * it... until le_httpguard_free, which must come before evhttp_free. */
le_httpguard *le_httpguard_new(struct event_base *base, struct evhttp *http,
			       const le_httpguard_config *cfg);
/* Listens on host:port (an IP literal) through the guard's own listener.
 * NULL with err set on failure (errno kept). */
struct evhttp_bound_socket *le_httpguard_bind(le_httpguard *g, const char *host,
					      unsigned port, char *err,
					      size_t errcap);
/* Call first thing in the request callback. false: the request was
 * answered already (505 for an HTTP version other than 1.0/1.1, or the
 * refusal when the connection is over the limit); do nothing more with it. true: go on (the connection counts as busy until the reply is
 * complete). */
bool le_httpguard_admit(le_httpguard *g, struct evhttp_request *req);
/* The bufferevent under evhttp's one for a connection (the TLS or socket
 * bufferevent the filter wraps), e.g. for SSL state or output backlog. */
struct bufferevent *le_httpguard_inner(struct bufferevent *evhttp_bev);
/* Open connections, and how many were closed by each timeout and refused. */
typedef struct le_httpguard_stats {
	size_t open;
	uint64_t idle_closed, slow_closed, refused, accept_errors;
} le_httpguard_stats;
void le_httpguard_get_stats(const le_httpguard *g, le_httpguard_stats *out);
void le_httpguard_free(le_httpguard *g);

#endif
