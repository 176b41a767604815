/* leaselab — bounds on what an HTTP client can hold of an evhttp server:
 * connection limit, idle / slow-request / write-stall timeouts, an accept
 * loop that backs off. See include/leaselab/internal/httpguard.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/listener.h>

#include "leaselab/internal/httpguard.h"

#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_IDLE_NS (60LL * 1000000000LL)
#define DEFAULT_REQUEST_NS (30LL * 1000000000LL)
#define DEFAULT_STALL_NS (30LL * 1000000000LL)
/* A connection over the limit gets this long to send its first request. */
#define OVER_LIMIT_IDLE_NS (1000000000LL)
#define ACCEPT_PAUSE_MS 100
#define SWEEP_NS (20LL * 1000000LL)
#define ACCEPT_REPORT_NS (60LL * 1000000000LL)

typedef enum conn_state {
	CONN_READY,    /* connected or between requests, nothing received */
	CONN_READING,  /* part of a request received */
	CONN_BUSY,     /* a whole request is with the server */
} conn_state;

typedef struct conn {
	struct conn *prev, *next;
	struct bufferevent *bev;   /* evhttp's; we hold a reference too */
	conn_state state;
	bool over_limit;
	int64_t since_ns;          /* when the state began (monotonic) */
	int slot;                  /* its index in by_fd, or -1 */
} conn;

struct le_httpguard {
	struct event_base *base;
	struct evhttp *http;
	le_httpguard_config cfg;
	conn *conns;
	/* conns by socket, filled on first lookup (evhttp sets the socket
	 * after make_bev): a request's connection is found in O(1), twice a
	 * request, instead of walking every open connection */
	conn **by_fd;
	size_t by_fd_cap;
	struct event *sweep;
	struct event *resume;      /* re-enables accepts after a pause */
	struct evconnlistener *listener;
	int64_t last_report_ns;    /* of accept() failing; 0 = never */
	uint64_t failed_accepts;   /* since that report */
	le_httpguard_stats stats;
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void say(const le_httpguard *g, const char *line)
{
	if (g->cfg.log != NULL)
		g->cfg.log(g->cfg.log_ud, line);
}

static struct timeval tv_of(int64_t ns)
{
	struct timeval tv = {(time_t)(ns / 1000000000LL),
			     (suseconds_t)((ns % 1000000000LL) / 1000)};
	return tv;
}

/* ---- connections ------------------------------------------------------------ */

static void set_state(conn *c, conn_state st)
{
	c->state = st;
	c->since_ns = mono_ns();
}

/* Bytes were added to the connection's input: a request has begun. */
static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
		     void *arg)
{
	conn *c = arg;
	if (info->n_added > 0 && c->state == CONN_READY)
		set_state(c, CONN_READING);
}

static void conn_unlink(le_httpguard *g, conn *c)
{
	if (c->slot >= 0 && (size_t)c->slot < g->by_fd_cap && g->by_fd[c->slot] == c)
		g->by_fd[c->slot] = NULL;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	g->stats.open--;
}

/* Drops our reference: the bufferevent is freed and its socket closed. */
static void conn_release(le_httpguard *g, conn *c)
{
	conn_unlink(g, c);
	evbuffer_remove_cb(bufferevent_get_input(c->bev), on_input, c);
	bufferevent_decref(c->bev);
	free(c);
}

/* evhttp frees a connection's bufferevent without telling anyone, so the
 * guard holds a reference and notices the free by the callbacks it clears
 * (evhttp keeps an event callback on every live connection). */
static bool released_by_evhttp(const conn *c)
{
	bufferevent_event_cb ecb = NULL;
	bufferevent_getcb(c->bev, NULL, NULL, &ecb, NULL);
	return ecb == NULL;
}

static void remember_fd(le_httpguard *g, conn *c, evutil_socket_t fd)
{
	if (fd < 0 || fd > 1 << 20)
		return;
	if ((size_t)fd >= g->by_fd_cap) {
		size_t cap = g->by_fd_cap ? g->by_fd_cap : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		conn **n = realloc(g->by_fd, cap * sizeof(*n));
		if (n == NULL)
			return; /* the walk still finds it */
		memset(n + g->by_fd_cap, 0, (cap - g->by_fd_cap) * sizeof(*n));
		g->by_fd = n;
		g->by_fd_cap = cap;
	}
	if (g->by_fd[fd] != NULL && g->by_fd[fd] != c)
		g->by_fd[fd]->slot = -1; /* a stale entry: that socket was reused */
	g->by_fd[fd] = c;
	c->slot = (int)fd;
}

static conn *find_conn(le_httpguard *g, struct bufferevent *bev)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	if (fd >= 0 && (size_t)fd < g->by_fd_cap && g->by_fd[fd] != NULL &&
	    g->by_fd[fd]->bev == bev)
		return g->by_fd[fd];
	for (conn *c = g->conns; c != NULL; c = c->next) {
		if (c->bev != bev)
			continue;
		remember_fd(g, c, fd);
		/* move to the front: the next lookup is likely the same one */
		if (c != g->conns) {
			c->prev->next = c->next;
			if (c->next != NULL)
				c->next->prev = c->prev;
			c->prev = NULL;
			c->next = g->conns;
			g->conns->prev = c;
			g->conns = c;
		}
		return c;
	}
	return NULL;
}

/* Closes c now, through evhttp (which frees its requests and state), and
 * drops the guard's reference, so the socket is closed here and not on some
 * later read. reset: with an RST (SO_LINGER 0) rather than a FIN, for a
 * client that is still sending (a slow request, a flood behind an absurd
 * Content-Length): a FIN alone reaches a client that is not reading, and
 * a socket shut for reading stops opening its receive window, so a client
 * stalled on a full window would only learn of the close from its next
 * zero-window probe, seconds later on a loaded machine. Only for
 * connections evhttp has not handed to the server (ready or reading), so
 * no request callback of the server is pending on it. */
static void close_now(le_httpguard *g, conn *c, bool reset)
{
	bufferevent_data_cb rcb = NULL;
	bufferevent_event_cb ecb = NULL;
	void *evcon = NULL;
	bufferevent_getcb(c->bev, &rcb, NULL, &ecb, &evcon);
	evutil_socket_t s = bufferevent_getfd(c->bev);
	if (reset && s >= 0) {
		struct linger lg = {1, 0};
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	/* evhttp keeps its connection as the argument of its bufferevent
	 * callbacks (evhttp_connection_base_bufferevent_new) */
	if (ecb != NULL && evcon != NULL)
		evhttp_connection_free(evcon);
	else if (s >= 0)
		shutdown(s, SHUT_RDWR);
	conn_release(g, c);
}

/* Closes the connection idle longest (not skip), to make room for one that
 * wants to talk. Returns whether there was one. */
static bool shed_oldest_idle(le_httpguard *g, const conn *skip)
{
	conn *oldest = NULL;
	for (conn *c = g->conns; c != NULL; c = c->next)
		if (c != skip && c->state == CONN_READY && !c->over_limit &&
		    !released_by_evhttp(c) && bufferevent_getfd(c->bev) >= 0 &&
		    (oldest == NULL || c->since_ns < oldest->since_ns))
			oldest = c;
	if (oldest == NULL)
		return false;
	g->stats.idle_closed++;
	close_now(g, oldest, false);
	return true;
}

static struct bufferevent *make_bev(struct event_base *base, void *arg)
{
	le_httpguard *g = arg;
	struct bufferevent *bev =
		g->cfg.make_bev != NULL
			? g->cfg.make_bev(base, g->cfg.make_bev_ud)
			: bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	conn *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return bev; /* unguarded rather than refused */
	if (evbuffer_add_cb(bufferevent_get_input(bev), on_input, c) == NULL) {
		free(c);
		return bev;
	}
	bufferevent_incref(bev);
	c->bev = bev;
	c->slot = -1;
	set_state(c, CONN_READY);
	/* at the limit an idle connection makes way; only when every one is
	 * busy does the newcomer get the refusal */
	c->over_limit = g->stats.open >= g->cfg.max_connections && !shed_oldest_idle(g, NULL);
	c->next = g->conns;
	if (g->conns != NULL)
		g->conns->prev = c;
	g->conns = c;
	g->stats.open++;
	return bev;
}

struct bufferevent *le_httpguard_inner(struct bufferevent *bev)
{
	return bev;
}

/* ---- requests --------------------------------------------------------------------- */

static void on_complete(struct evhttp_request *req, void *arg)
{
	le_httpguard *g = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	conn *c = evcon != NULL ? find_conn(g, evhttp_connection_get_bufferevent(evcon)) : NULL;
	if (c != NULL)
		set_state(c, CONN_READY);
}

/* evhttp parses any "HTTP/N.N" (even "HTTP/-1.1") and echoes it back. */
static bool refuse_version(struct evhttp_request *req)
{
	if (req->major == 1 && (req->minor == 0 || req->minor == 1))
		return false;
	req->major = 1;
	req->minor = 1;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
	evhttp_send_reply(req, 505, "HTTP Version Not Supported", NULL);
	return true;
}

bool le_httpguard_admit(le_httpguard *g, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	conn *c = evcon != NULL ? find_conn(g, evhttp_connection_get_bufferevent(evcon)) : NULL;
	if (c != NULL) {
		set_state(c, CONN_BUSY);
		evhttp_request_set_on_complete_cb(req, on_complete, g);
	}
	if (refuse_version(req))
		return false;
	if (c == NULL || !c->over_limit)
		return true;
	g->stats.refused++;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "Retry-After", "1");
	evhttp_add_header(h, "Content-Type", g->cfg.refusal_content_type != NULL
						     ? g->cfg.refusal_content_type
						     : "text/plain; charset=utf-8");
	struct evbuffer *b = evbuffer_new();
	const char *body = g->cfg.refusal_body != NULL ? g->cfg.refusal_body
						       : "too many connections\n";
	if (b != NULL)
		evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, 503, "Service Unavailable", b);
	if (b != NULL)
		evbuffer_free(b);
	return false;
}

/* ---- timeouts ------------------------------------------------------------------------ */

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	le_httpguard *g = arg;
	int64_t now = mono_ns();
	for (conn *c = g->conns, *next; c != NULL; c = next) {
		next = c->next;
		if (released_by_evhttp(c)) {
			conn_release(g, c);
			continue;
		}
		int64_t limit;
		if (c->state == CONN_READY)
			limit = c->over_limit ? OVER_LIMIT_IDLE_NS : g->cfg.idle_timeout_ns;
		else if (c->state == CONN_READING)
			limit = g->cfg.request_timeout_ns;
		else
			continue;
		if (now - c->since_ns < limit)
			continue;
		if (bufferevent_getfd(c->bev) < 0)
			continue;
		bool idle = c->state == CONN_READY;
		if (idle)
			g->stats.idle_closed++;
		else
			g->stats.slow_closed++;
		close_now(g, c, !idle);
	}
}

/* ---- accepts ----------------------------------------------------------------------------- */

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	le_httpguard *g = arg;
	if (g->listener != NULL)
		evconnlistener_enable(g->listener);
}

typedef struct find_guard {
	struct evconnlistener *lev;
	le_httpguard *g;
} find_guard;

static int match_sweep(const struct event_base *base, const struct event *ev,
		       void *arg)
{
	find_guard *f = arg;
	if (event_get_callback(ev) != on_sweep)
		return 0;
	le_httpguard *g = event_get_callback_arg(ev);
	if (g->listener != f->lev)
		return 0;
	f->g = g;
	return 1;
}

/* evhttp_bind_listener made http the listener's argument, so the error
 * callback gets http, not the guard: find the guard through its sweep
 * timer on the same base (accept errors are rare and paused, so the walk
 * is cheap). */
static void on_accept_error(struct evconnlistener *lev, void *arg)
{
	find_guard f = {lev, NULL};
	int e = EVUTIL_SOCKET_ERROR();
	event_base_foreach_event(evconnlistener_get_base(lev), match_sweep, &f);
	le_httpguard *g = f.g;
	if (g == NULL)
		return; /* not ours (cannot happen: every guarded listener has one) */
	g->stats.accept_errors++;
	g->failed_accepts++;
	int64_t now = mono_ns();
	if (g->last_report_ns == 0 || now - g->last_report_ns >= ACCEPT_REPORT_NS) {
		char line[240];
		snprintf(line, sizeof(line),
			 "accept(): %s (%llu time%s since the last report); pausing new "
			 "connections %d ms at a time, closing idle ones (reported at most "
			 "once a minute)",
			 evutil_socket_error_to_string(e),
			 (unsigned long long)g->failed_accepts, g->failed_accepts == 1 ? "" : "s",
			 ACCEPT_PAUSE_MS);
		say(g, line);
		g->last_report_ns = now;
		g->failed_accepts = 0;
	}
	shed_oldest_idle(g, NULL);
	/* the listening socket stays readable: without a pause the loop would
	 * spin on it */
	evconnlistener_disable(lev);
	struct timeval tv = {0, ACCEPT_PAUSE_MS * 1000};
	evtimer_add(g->resume, &tv);
}

struct evhttp_bound_socket *le_httpguard_bind(le_httpguard *g, const char *host,
					      unsigned port, char *err,
					      size_t errcap)
{
	char ports[16];
	snprintf(ports, sizeof(ports), "%u", port);
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int gai = getaddrinfo(host, ports, &hints, &ai);
	if (gai != 0 || ai == NULL) {
		snprintf(err, errcap, "%s: %s", host, gai != 0 ? gai_strerror(gai) : "no address");
		errno = EINVAL;
		return NULL;
	}
	struct sockaddr_storage ss;
	socklen_t sl = (socklen_t)ai->ai_addrlen;
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	struct evconnlistener *lev = evconnlistener_new_bind(
		g->base, NULL, NULL,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 128,
		(struct sockaddr *)&ss, (int)sl);
	if (lev == NULL) {
		snprintf(err, errcap, "%s", strerror(errno));
		return NULL;
	}
	struct evhttp_bound_socket *bs = evhttp_bind_listener(g->http, lev);
	if (bs == NULL) {
		evconnlistener_free(lev);
		snprintf(err, errcap, "evhttp_bind_listener failed");
		return NULL;
	}
	evconnlistener_set_error_cb(lev, on_accept_error);
	g->listener = lev;
	return bs;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

le_httpguard *le_httpguard_new(struct event_base *base, struct evhttp *http,
			       const le_httpguard_config *cfg)
{
	le_httpguard *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->base = base;
	g->http = http;
	if (cfg != NULL)
		g->cfg = *cfg;
	if (g->cfg.max_connections == 0) {
		/* below the descriptor limit, so the limit answers before
		 * accept() starts failing */
		g->cfg.max_connections = DEFAULT_MAX_CONNECTIONS;
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < DEFAULT_MAX_CONNECTIONS + 64)
			g->cfg.max_connections = rl.rlim_cur > 96 ? (size_t)rl.rlim_cur - 64 : 32;
	}
	if (g->cfg.idle_timeout_ns <= 0)
		g->cfg.idle_timeout_ns = DEFAULT_IDLE_NS;
	if (g->cfg.request_timeout_ns <= 0)
		g->cfg.request_timeout_ns = DEFAULT_REQUEST_NS;
	if (g->cfg.write_stall_timeout_ns <= 0)
		g->cfg.write_stall_timeout_ns = DEFAULT_STALL_NS;
	/* often enough to close what evhttp let go of without a visible delay */
	int64_t every = SWEEP_NS;
	g->sweep = event_new(base, -1, EV_PERSIST, on_sweep, g);
	g->resume = evtimer_new(base, on_resume, g);
	if (g->sweep == NULL || g->resume == NULL) {
		le_httpguard_free(g);
		return NULL;
	}
	struct timeval tv = tv_of(every);
	event_add(g->sweep, &tv);
	evhttp_set_bevcb(http, make_bev, g);
	/* evhttp's own timeouts apply while it reads or writes: a connection
	 * whose output makes no progress (a watcher that stopped reading) is
	 * closed after the write-stall timeout */
	struct timeval wtv = tv_of(g->cfg.write_stall_timeout_ns);
	evhttp_set_timeout_tv(http, &wtv);
	return g;
}

void le_httpguard_get_stats(const le_httpguard *g, le_httpguard_stats *out)
{
	*out = g->stats;
}

void le_httpguard_free(le_httpguard *g)
{
	if (g == NULL)
		return;
	/* after evhttp_free every connection is released; before it, this
	 * only drops the guard's references (evhttp still holds its own) */
	while (g->conns != NULL)
		conn_release(g, g->conns);
	if (g->sweep != NULL)
		event_free(g->sweep);
	if (g->resume != NULL)
		event_free(g->resume);
	free(g->by_fd);
	free(g);
}
