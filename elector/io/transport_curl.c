/* libcurl multi on libevent (the "hiperfifo" pattern): libcurl tells us which
 * sockets to watch and when to call it back; libevent watches them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <openssl/crypto.h>

#include "io_internal.h"
#include "transport_curl.h"

#define BODY_MAX	 (1024 * 1024) /* a lock object is a few hundred bytes */
#define TOKEN_REREAD_NS	 (60 * INT64_C(1000000000))
#define SAFETY_MARGIN_MS 1000

typedef struct xfer {
	struct xfer *next;
	le_curl *owner;
	uint64_t id;
	int tag;
	CURL *easy;
	struct curl_slist *headers;
	char *body; /* response body */
	size_t len, cap;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
} xfer;

typedef struct sockinfo {
	struct sockinfo *next, *prev;
	struct event *ev;
} sockinfo;

struct le_curl {
	struct event_base *base;
	CURLM *multi;
	CURLSH *share;
	struct event *timer;
	sockinfo *socks; /* watched sockets (freed on cleanup even if
			    libcurl never says REMOVE for them) */
	xfer *xfers;
	size_t n;
	le_curl_done_fn done;
	void *ud;
	/* copied configuration */
	char *server;
	struct curl_blob ca, cert, key;
	char *token;
	char *token_file;
	int64_t token_read_mono_ns;
	char *userpwd;
	bool insecure;
	char *user_agent;
	char *identity_header; /* "X-Leaselab-Identity: <id>" or NULL */
};

static void check_done(le_curl *c);

/* ---- libevent <-> libcurl glue ------------------------------------------ */

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	le_curl *c = arg;
	int running;
	int action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
		     ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(c->multi, fd, action, &running);
	check_done(c);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	le_curl *c = arg;
	int running;
	(void)fd, (void)what;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static void sock_free(le_curl *c, sockinfo *si)
{
	if (si->prev)
		si->prev->next = si->next;
	else
		c->socks = si->next;
	if (si->next)
		si->next->prev = si->prev;
	if (si->ev)
		event_free(si->ev);
	free(si);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	le_curl *c = userp;
	sockinfo *si = socketp;
	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (si)
			sock_free(c, si);
		curl_multi_assign(c->multi, s, NULL);
		return 0;
	}
	short kind = (short)(EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
			     ((what & CURL_POLL_OUT) ? EV_WRITE : 0));
	if (!si) {
		si = calloc(1, sizeof *si);
		if (!si)
			return -1;
		si->next = c->socks;
		if (c->socks)
			c->socks->prev = si;
		c->socks = si;
		curl_multi_assign(c->multi, s, si);
	} else if (si->ev) {
		event_free(si->ev);
	}
	si->ev = event_new(c->base, s, kind, on_socket_event, c);
	if (!si->ev)
		return -1;
	event_add(si->ev, NULL);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	le_curl *c = userp;
	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(c->timer);
	} else {
		struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
		evtimer_add(c->timer, &tv);
	}
	return 0;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	xfer *x = userdata;
	size_t n = size * nmemb;
	if (x->len + n > BODY_MAX) {
		x->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 1024;
		while (cap < x->len + n + 1)
			cap *= 2;
		char *b = realloc(x->body, cap);
		if (!b)
			return 0;
		x->body = b;
		x->cap = cap;
	}
	memcpy(x->body + x->len, ptr, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

/* ---- transfers ------------------------------------------------------------ */

static void xfer_unlink(le_curl *c, xfer *x)
{
	for (xfer **p = &c->xfers; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			c->n--;
			return;
		}
}

static void xfer_free(le_curl *c, xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(c->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->headers);
	free(x->body);
	free(x);
}

static void check_done(le_curl *c)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		xfer *x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (!x)
			continue;
		CURLcode res = msg->data.result;
		long status = 0;
		char error[CURL_ERROR_SIZE + 64] = "";
		if (res == CURLE_OK) {
			curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		} else if (x->too_big) {
			snprintf(error, sizeof error, "response body larger than %d bytes",
				 BODY_MAX);
		} else {
			snprintf(error, sizeof error, "%s",
				 x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
		}
		/* Detach first: the callback may send or abort requests. */
		xfer_unlink(c, x);
		c->done(c->ud, x->id, x->tag, (int)status, x->body ? x->body : "", x->len, error);
		xfer_free(c, x);
	}
}

/* The bearer token, re-read from tokenFile now and then (service-account
 * tokens rotate). A failed re-read keeps the previous token. */
static const char *current_token(le_curl *c)
{
	if (c->token_file && io_mono_ns() - c->token_read_mono_ns > TOKEN_REREAD_NS) {
		FILE *fp = fopen(c->token_file, "r");
		c->token_read_mono_ns = io_mono_ns();
		if (fp) {
			char buf[8192];
			size_t n = fread(buf, 1, sizeof buf - 1, fp);
			fclose(fp);
			while (n > 0 &&
			       (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
				n--;
			buf[n] = '\0';
			if (n > 0) {
				char *t = strdup(buf);
				if (t) {
					if (c->token) {
						OPENSSL_cleanse(c->token, strlen(c->token));
						free(c->token);
					}
					c->token = t;
				}
			}
			OPENSSL_cleanse(buf, sizeof buf);
		}
	}
	return c->token;
}

int le_curl_send(le_curl *c, uint64_t id, int tag, const le_http_request *req, int64_t timeout_ns,
		 char *err, size_t errcap)
{
	xfer *x = calloc(1, sizeof *x);
	size_t ulen = strlen(c->server) + strlen(req->path) + 1;
	char *url = malloc(ulen);
	if (!x || !url || !(x->easy = curl_easy_init())) {
		free(url);
		free(x);
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	snprintf(url, ulen, "%s%s", c->server, req->path);
	x->owner = c;
	x->id = id;
	x->tag = tag;
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	free(url); /* libcurl copies strings */
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_SHARE, c->share);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
	}
	if (timeout_ns > 0) {
		long ms = (long)(timeout_ns / 1000000) + SAFETY_MARGIN_MS;
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
	}
	if (c->user_agent)
		curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	/* TLS: our CA (or the system's), our client certificate. */
	if (c->ca.data)
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &c->ca);
	if (c->cert.data) {
		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &c->cert);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &c->key);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (c->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->userpwd) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, c->userpwd);
	}
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	if (h && req->body)
		h = curl_slist_append(h, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip for small bodies. */
	if (h)
		h = curl_slist_append(h, "Expect:");
	if (h && c->identity_header)
		h = curl_slist_append(h, c->identity_header);
	const char *token = current_token(c);
	if (h && token) {
		size_t n = strlen(token) + 32;
		char *auth = malloc(n);
		if (auth) {
			snprintf(auth, n, "Authorization: Bearer %s", token);
			h = curl_slist_append(h, auth);
			OPENSSL_cleanse(auth, n);
			free(auth);
		}
	}
	x->headers = h;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	CURLMcode mc = curl_multi_add_handle(c->multi, e);
	if (!h || mc != CURLM_OK) {
		snprintf(err, errcap, "cannot start request: %s",
			 h ? curl_multi_strerror(mc) : "out of memory");
		xfer_free(c, x);
		return LE_EIO;
	}
	x->next = c->xfers;
	c->xfers = x;
	c->n++;
	return LE_OK;
}

void le_curl_abort(le_curl *c, uint64_t id)
{
	for (xfer *x = c->xfers; x; x = x->next)
		if (x->id == id) {
			xfer_unlink(c, x);
			xfer_free(c, x);
			return;
		}
}

void le_curl_abort_all(le_curl *c)
{
	while (c->xfers) {
		xfer *x = c->xfers;
		xfer_unlink(c, x);
		xfer_free(c, x);
	}
}

size_t le_curl_in_flight(const le_curl *c)
{
	return c->n;
}

/* ---- construction -------------------------------------------------------- */

static bool copy_blob(struct curl_blob *b, const char *data, size_t len)
{
	if (!data)
		return true;
	b->data = malloc(len ? len : 1);
	if (!b->data)
		return false;
	memcpy(b->data, data, len);
	b->len = len;
	b->flags = CURL_BLOB_NOCOPY;
	return true;
}

static void free_blob(struct curl_blob *b)
{
	if (b->data) {
		OPENSSL_cleanse(b->data, b->len);
		free(b->data);
	}
}

le_curl *le_curl_new(struct event_base *base, const le_kube_config *kc, const char *user_agent,
		     const char *identity, le_curl_done_fn done, void *ud, char *err, size_t errcap)
{
	/* Reference-counted and thread-safe in libcurl >= 7.84; paired with
	 * the cleanup in le_curl_free. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errcap, "cannot initialise libcurl");
		return NULL;
	}
	le_curl *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->base = base;
	c->done = done;
	c->ud = ud;
	c->server = strdup(kc->server);
	c->insecure = kc->insecure_skip_tls_verify;
	if (!c->server || !copy_blob(&c->ca, kc->ca_pem, kc->ca_pem_len) ||
	    !copy_blob(&c->cert, kc->client_cert_pem, kc->client_cert_pem_len) ||
	    !copy_blob(&c->key, kc->client_key_pem, kc->client_key_pem_len))
		goto oom;
	if ((kc->token && !(c->token = strdup(kc->token))) ||
	    (kc->token_file && !(c->token_file = strdup(kc->token_file))) ||
	    (user_agent && !(c->user_agent = strdup(user_agent))))
		goto oom;
	c->token_read_mono_ns = io_mono_ns();
	if (identity) {
		size_t n = strlen(identity) + 32;
		c->identity_header = malloc(n);
		if (!c->identity_header)
			goto oom;
		snprintf(c->identity_header, n, "X-Leaselab-Identity: %s", identity);
	}
	if (kc->username) {
		size_t n = strlen(kc->username) + (kc->password ? strlen(kc->password) : 0) + 2;
		c->userpwd = malloc(n);
		if (!c->userpwd)
			goto oom;
		snprintf(c->userpwd, n, "%s:%s", kc->username, kc->password ? kc->password : "");
	}
	c->multi = curl_multi_init();
	c->share = curl_share_init();
	c->timer = evtimer_new(base, on_timeout, c);
	if (!c->multi || !c->share || !c->timer)
		goto oom;
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
oom:
	snprintf(err, errcap, "out of memory setting up libcurl");
	if (c)
		le_curl_free(c);
	else
		curl_global_cleanup();
	return NULL;
}

void le_curl_free(le_curl *c)
{
	if (!c)
		return;
	if (c->multi)
		le_curl_abort_all(c);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	while (c->socks)
		sock_free(c, c->socks);
	if (c->share)
		curl_share_cleanup(c->share);
	if (c->timer)
		event_free(c->timer);
	free(c->server);
	free_blob(&c->ca);
	free_blob(&c->cert);
	free_blob(&c->key);
	if (c->token) {
		OPENSSL_cleanse(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->token_file);
	if (c->userpwd) {
		OPENSSL_cleanse(c->userpwd, strlen(c->userpwd));
		free(c->userpwd);
	}
	free(c->user_agent);
	free(c->identity_header);
	free(c);
	curl_global_cleanup();
}
