/* le_run end to end in one process (elector/io/run.c, transport_curl.c,
 * status_http.c): real electors, real libcurl, real HTTP, against a small
 * apiserver this test serves from the fake apiserver's store (fa_store JSON
 * path + fa_authz) on 127.0.0.1. Short timings: LD 2s, RD 1.5s, RP 0.4s.
 *
 * What it pins down: acquire/renew/release on the wire, the leader context
 * (thread, le_ctx_wait, le_ctx_fd) ending promptly, OnNewLeader, the status
 * server's three answers, the 403 text reaching the log verbatim, aborted
 * requests when the apiserver hangs, cancellation from another thread, a
 * signal, and a second cancel that cuts the release short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "leaselab/fake_apiserver.h"
#include "leaselab/run.h"

#include "io_test.h"

#define MS	LE_NS_PER_MS
#define S	LE_NS_PER_S
#define SA_USER "system:serviceaccount:test-leader-elector:default"
#define ARTICLE_403                                                                                \
	"endpoints \"elect-nginx-deploy\" is forbidden: User "                                     \
	"\"system:serviceaccount:test-leader-elector:default\" "                                   \
	"cannot get resource \"endpoints\" in API group \"\" in the namespace \"default\""

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * S + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* ---- a small apiserver over fa_store ------------------------------------ */

typedef struct api {
	struct event_base *base;
	struct evhttp *http;
	struct event *stop_ev;
	int stop_pipe[2];
	int port;
	pthread_t thread;
	pthread_mutex_t mu;
	fa_store *store;
	fa_authz *authz; /* used while deny is set */
	atomic_bool deny;
	atomic_bool stall; /* accept requests, never answer */
	atomic_int requests;
} api;

static bool parse_path(const char *path, fa_resource *res, char *ns, char *name)
{
	const char *p;
	if (!strncmp(path, "/apis/coordination.k8s.io/v1/namespaces/", 40))
		p = path + 40;
	else if (!strncmp(path, "/api/v1/namespaces/", 19))
		p = path + 19;
	else
		return false;
	char plural[64];
	name[0] = '\0';
	int n = sscanf(p, "%63[^/]/%63[^/]/%253[^/?]", ns, plural, name);
	return n >= 2 && fa_resource_parse(plural, res) == 0;
}

static void api_reply_json(struct evhttp_request *req, int code, char *json)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, json, strlen(json));
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "application/json");
	evhttp_send_reply(req, code, code < 300 ? "OK" : "Error", b);
	evbuffer_free(b);
	free(json);
}

static void api_handle(struct evhttp_request *req, void *arg)
{
	api *a = arg;
	atomic_fetch_add(&a->requests, 1);
	if (atomic_load(&a->stall))
		return; /* the client times out; evhttp frees req when it hangs up */
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	fa_resource res;
	char ns[64], name[256];
	if (!path || !parse_path(path, &res, ns, name)) {
		evhttp_send_error(req, 404, "no such path");
		return;
	}
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	char *body = malloc(len + 1);
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *verb = cmd == EVHTTP_REQ_GET    ? "get"
			   : cmd == EVHTTP_REQ_POST ? "create"
						    : "update";
	int64_t now = (int64_t)time(NULL) * S;
	fa_status st;
	memset(&st, 0, sizeof st);
	cJSON *obj = NULL;

	pthread_mutex_lock(&a->mu);
	if (atomic_load(&a->deny) && !fa_authz_allow(a->authz, SA_USER, verb, res, ns, name, &st)) {
		/* st says 403 */
	} else if (cmd == EVHTTP_REQ_GET) {
		obj = fa_store_get_json(a->store, res, ns, name, &st);
	} else {
		cJSON *j = cJSON_Parse(body);
		if (cmd == EVHTTP_REQ_POST)
			obj = fa_store_create_json(a->store, res, ns, j, SA_USER, now, &st);
		else
			obj = fa_store_update_json(a->store, res, ns, name, j, SA_USER, now, &st);
		cJSON_Delete(j);
	}
	pthread_mutex_unlock(&a->mu);
	free(body);
	if (obj) {
		api_reply_json(req, cmd == EVHTTP_REQ_POST ? 201 : 200,
			       cJSON_PrintUnformatted(obj));
		cJSON_Delete(obj);
	} else {
		api_reply_json(req, st.code, fa_status_to_json(&st, name, res));
	}
}

static void api_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	event_base_loopbreak(((api *)arg)->base);
}

static void *api_thread(void *arg)
{
	event_base_dispatch(((api *)arg)->base);
	return NULL;
}

static api *api_start(void)
{
	api *a = calloc(1, sizeof *a);
	char err[256];
	pthread_mutex_init(&a->mu, NULL);
	a->store = fa_store_new(42);
	a->authz = fa_authz_new();
	/* the article's service account may use leases only */
	assert_int_equal(fa_authz_add_rule(a->authz, SA_USER " get,create,update leases default",
					   err, sizeof err),
			 0);
	a->base = event_base_new();
	a->http = evhttp_new(a->base);
	evhttp_set_gencb(a->http, api_handle, a);
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT);
	struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(a->http, "127.0.0.1", 0);
	assert_non_null(bs);
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &sl);
	a->port = ntohs(sin.sin_port);
	assert_int_equal(pipe(a->stop_pipe), 0);
	a->stop_ev = event_new(a->base, a->stop_pipe[0], EV_READ, api_stop_cb, a);
	event_add(a->stop_ev, NULL);
	pthread_create(&a->thread, NULL, api_thread, a);
	return a;
}

static void api_stop(api *a)
{
	assert_int_equal(write(a->stop_pipe[1], "x", 1), 1);
	pthread_join(a->thread, NULL);
	event_free(a->stop_ev);
	evhttp_free(a->http);
	event_base_free(a->base);
	close(a->stop_pipe[0]);
	close(a->stop_pipe[1]);
	fa_store_free(a->store);
	fa_authz_free(a->authz);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/* The lock record as the store holds it; holder "?" if none. */
static void store_holder(api *a, fa_resource res, const char *name, char *out, size_t cap)
{
	fa_status st;
	pthread_mutex_lock(&a->mu);
	cJSON *o = fa_store_get_json(a->store, res, "default", name, &st);
	pthread_mutex_unlock(&a->mu);
	snprintf(out, cap, "?");
	if (!o)
		return;
	char *text = cJSON_PrintUnformatted(o);
	le_record rec;
	bool present;
	char perr[256];
	if (le_record_from_object_json((le_lock_kind)res, text, strlen(text), &rec, &present, NULL,
				       0, perr, sizeof perr) == LE_OK)
		snprintf(out, cap, "%s", rec.holder);
	free(text);
	cJSON_Delete(o);
}

/* ---- an elector in a thread ------------------------------------------------ */

typedef struct node {
	le_runner *r;
	pthread_t thread;
	int rc;
	char err[512];
	pthread_mutex_t mu;
	char log[32768]; /* "<event>|<text>\n" lines */
	atomic_int started, stopped, work_ticks;
	atomic_bool fd_became_readable;
	atomic_bool work_returned;
	atomic_llong ctx_done_mono_ns;
	char last_new_leader[LE_ID_MAX];
	atomic_bool returned;
	char identity[64];
} node;

static void on_event(const le_event *ev, void *user)
{
	node *n = user;
	static const char *const kinds[] = {"?", "started", "stopped", "new_leader", "log"};
	pthread_mutex_lock(&n->mu);
	size_t len = strlen(n->log);
	if (len + strlen(ev->text) + 32 < sizeof n->log)
		snprintf(n->log + len, sizeof n->log - len, "%s|%s\n", kinds[ev->kind], ev->text);
	pthread_mutex_unlock(&n->mu);
}

static void lead(le_leader_ctx *ctx, void *user)
{
	node *n = user;
	atomic_fetch_add(&n->started, 1);
	assert_string_equal(le_ctx_identity(ctx), n->identity);
	while (!le_ctx_wait(ctx, 50 * MS))
		atomic_fetch_add(&n->work_ticks, 1);
	atomic_store(&n->ctx_done_mono_ns, mono_ns());
	assert_true(le_ctx_done(ctx));
	struct pollfd p = {le_ctx_fd(ctx), POLLIN, 0};
	atomic_store(&n->fd_became_readable, poll(&p, 1, 0) == 1 && (p.revents & POLLIN));
	atomic_store(&n->work_returned, true);
}

static void stopped(void *user)
{
	atomic_fetch_add(&((node *)user)->stopped, 1);
}

static void new_leader(const char *id, void *user)
{
	node *n = user;
	pthread_mutex_lock(&n->mu);
	snprintf(n->last_new_leader, sizeof n->last_new_leader, "%s", id);
	pthread_mutex_unlock(&n->mu);
}

static void *node_thread(void *arg)
{
	node *n = arg;
	n->rc = le_runner_run(n->r, n->err, sizeof n->err);
	atomic_store(&n->returned, true);
	return NULL;
}

typedef struct node_opts {
	le_lock_kind kind;
	const char *name;
	const char *server; /* NULL = the api */
	bool signals;
	bool restart;
	const le_profile *profile;    /* NULL = client-go */
	int64_t healthz_tolerance_ns; /* 0 = default */
} node_opts;

static node *node_start(api *a, const char *id, const node_opts *o)
{
	node *n = calloc(1, sizeof *n);
	char server[64];
	pthread_mutex_init(&n->mu, NULL);
	snprintf(n->identity, sizeof n->identity, "%s", id);
	snprintf(server, sizeof server, "http://127.0.0.1:%d", a ? a->port : 1);
	le_kube_config kc;
	memset(&kc, 0, sizeof kc);
	kc.server = (char *)(o->server ? o->server : server);
	kc.source = (char *)"test";
	le_run_config rc;
	le_run_config_defaults(&rc);
	rc.elector.identity = id;
	rc.elector.lock_kind = o->kind;
	rc.elector.lock_namespace = "default";
	rc.elector.lock_name = o->name ? o->name : "my-lease";
	rc.elector.lease_duration_ns = 2 * S;
	rc.elector.renew_deadline_ns = 1500 * MS;
	rc.elector.retry_period_ns = 400 * MS;
	rc.kube = &kc;
	rc.http_addr = "127.0.0.1:0";
	rc.verbosity = 4;
	rc.handle_signals = o->signals;
	rc.restart_after_loss = o->restart;
	if (o->profile)
		rc.elector.profile = o->profile;
	if (o->healthz_tolerance_ns)
		rc.healthz_tolerance_ns = o->healthz_tolerance_ns;
	rc.callbacks = (le_callbacks){lead, stopped, new_leader, on_event, n};
	char err[512];
	n->r = le_runner_new(&rc, err, sizeof err);
	if (!n->r)
		fail_msg("le_runner_new: %s", err);
	assert_true(le_runner_http_port(n->r) > 0);
	pthread_create(&n->thread, NULL, node_thread, n);
	return n;
}

static void node_join(node *n)
{
	pthread_join(n->thread, NULL);
	le_runner_free(n->r);
	pthread_mutex_destroy(&n->mu);
	free(n);
}

static bool wait_for(bool (*cond)(void *), void *arg, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (cond(arg))
			return true;
		sleep_ms(10);
	}
	return cond(arg);
}

static bool is_leader(void *arg)
{
	return le_runner_is_leader(((node *)arg)->r);
}

static bool returned(void *arg)
{
	return atomic_load(&((node *)arg)->returned);
}

static bool log_has(node *n, const char *needle)
{
	pthread_mutex_lock(&n->mu);
	bool found = strstr(n->log, needle) != NULL;
	pthread_mutex_unlock(&n->mu);
	return found;
}

/* GET http://127.0.0.1:<port><path> from the node's status server. */
static long status_get(node *n, const char *path, char *body, size_t cap)
{
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", le_runner_http_port(n->r), path);
	FILE *mem = fmemopen(body, cap, "w");
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	fclose(mem);
	return code;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_lead_serve_and_release_on_cancel(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	sleep_ms(300);
	assert_int_equal(atomic_load(&n->started), 1);
	assert_true(atomic_load(&n->work_ticks) > 0); /* leader work runs in its thread */

	char body[16384], holder[LE_ID_MAX];
	assert_int_equal(status_get(n, "/", body, sizeof body), 200);
	assert_string_equal(body, "{\"name\":\"pod-a\"}");
	assert_int_equal(status_get(n, "/any/path", body, sizeof body),
			 200); /* 0.5 answered every path */
	assert_string_equal(body, "{\"name\":\"pod-a\"}");
	assert_int_equal(status_get(n, "/healthz", body, sizeof body), 200);
	assert_string_equal(body, "ok");
	assert_int_equal(status_get(n, "/metrics", body, sizeof body), 200);
	assert_contains(body, "leader_election_master_status{name=\"my-lease\"} 1\n");
	assert_contains(body, "leader_election_acquisitions_total{name=\"my-lease\"} 1\n");
	assert_contains(body, "leader_election_last_renew_age_seconds{name=\"my-lease\"} ");
	store_holder(a, FA_RES_LEASES, "my-lease", holder, sizeof holder);
	assert_string_equal(holder, "pod-a");
	assert_true(log_has(n, "started|pod-a became leader"));
	assert_true(log_has(n, "log|\"Successfully acquired lease\" lock=\"default/my-lease\""));
	assert_true(log_has(n, "new_leader|pod-a is the leader"));

	/* cancel from this thread: release, leader work ends, Run returns */
	int64_t t0 = mono_ns();
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 3 * S));
	assert_true(mono_ns() - t0 < 1 * S);
	assert_int_equal(n->rc, LE_OK);
	assert_true(atomic_load(&n->work_returned)); /* joined before Run returned */
	assert_true(atomic_load(&n->fd_became_readable));
	assert_int_equal(atomic_load(&n->stopped), 1);
	assert_true(log_has(n, "stopped|pod-a stopped leading"));
	store_holder(a, FA_RES_LEASES, "my-lease", holder, sizeof holder);
	assert_string_equal(holder, ""); /* released */
	node_join(n);
	api_stop(a);
}

static void test_follower_sees_leader_and_takes_over_after_release(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES};
	node *na = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, na, 3 * S));
	node *nb = node_start(a, "pod-b", &o);
	char body[4096];
	int64_t end = mono_ns() + 3 * S;
	while (mono_ns() < end && !log_has(nb, "new_leader|pod-a is the leader"))
		sleep_ms(20);
	assert_true(log_has(nb, "new_leader|pod-a is the leader"));
	assert_string_equal(nb->last_new_leader, "pod-a");
	assert_false(le_runner_is_leader(nb->r));
	assert_int_equal(status_get(nb, "/", body, sizeof body), 200);
	assert_string_equal(body, "{\"name\":\"pod-a\"}");
	assert_int_equal(status_get(nb, "/healthz", body, sizeof body),
			 200); /* a follower is healthy */
	assert_int_equal(atomic_load(&nb->started), 0);

	/* graceful hand-over: within 2.2 RP + requests (election-spec.md 6.2) */
	le_runner_cancel(na->r);
	int64_t t0 = mono_ns();
	assert_true(wait_for(is_leader, nb, 3 * S));
	int64_t took = mono_ns() - t0;
	if (took > 880 * MS + 1000 * MS)
		fail_msg("takeover after release took %lld ms", (long long)(took / MS));
	assert_true(wait_for(returned, na, 2 * S));
	assert_int_equal(status_get(nb, "/", body, sizeof body), 200);
	assert_string_equal(body, "{\"name\":\"pod-b\"}");
	le_runner_cancel(nb->r);
	assert_true(wait_for(returned, nb, 3 * S));
	node_join(na);
	node_join(nb);
	api_stop(a);
}

static void test_forbidden_message_reaches_log_verbatim(void **state)
{
	(void)state;
	api *a = api_start();
	atomic_store(&a->deny, true);
	/* client-go-1.23's klog.Infof words print the message unquoted (and
	 * 1.23 is the last release with an Endpoints lock) */
	node_opts o = {.kind = LE_LOCK_ENDPOINTS, .name = "elect-nginx-deploy",
		       .profile = &le_profile_client_go_1_23};
	node *n = node_start(a, "pod-a", &o);
	int64_t end = mono_ns() + 4 * S;
	while (mono_ns() < end && atomic_load(&a->requests) < 3)
		sleep_ms(20);
	assert_true(atomic_load(&a->requests) >= 3); /* keeps retrying */
	assert_true(log_has(
		n, "log|error retrieving resource lock default/elect-nginx-deploy: " ARTICLE_403
		   "\n"));
	assert_false(le_runner_is_leader(n->r));
	char body[16384];
	assert_int_equal(status_get(n, "/metrics", body, sizeof body), 200);
	assert_contains(
		body,
		"leader_election_request_errors_total{name=\"elect-nginx-deploy\",code=\"403\"} ");
	assert_contains(body, "leader_election_master_status{name=\"elect-nginx-deploy\"} 0\n");

	/* fix the RBAC: it leads, on the Endpoints annotation */
	atomic_store(&a->deny, false);
	assert_true(wait_for(is_leader, n, 4 * S));
	char holder[LE_ID_MAX];
	store_holder(a, FA_RES_ENDPOINTS, "elect-nginx-deploy", holder, sizeof holder);
	assert_string_equal(holder, "pod-a");
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 3 * S));
	node_join(n);
	api_stop(a);
}

static void test_connection_refused_is_counted_and_retried(void **state)
{
	(void)state;
	node_opts o = {.kind = LE_LOCK_LEASES, .server = "http://127.0.0.1:1"};
	node *n = node_start(NULL, "pod-a", &o);
	sleep_ms(1200);
	assert_true(log_has(n, "log|\"Error retrieving lease lock\" err=\""));
	char body[16384];
	assert_int_equal(status_get(n, "/metrics", body, sizeof body), 200);
	assert_contains(body,
			"leader_election_request_errors_total{name=\"my-lease\",code=\"0\"} ");
	assert_null(strstr(body, "last_renew_age")); /* never renewed */
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 2 * S));
	assert_int_equal(atomic_load(&n->stopped), 1); /* OnStoppedLeading runs on every Run exit */
	assert_int_equal(atomic_load(&n->started), 0);
	node_join(n);
}

static void test_hung_apiserver_ends_leadership_at_renew_deadline(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	int64_t t0 = mono_ns();
	atomic_store(&a->stall, true);
	/* no restart_after_loss: like client-go's Run, it returns on loss */
	assert_true(wait_for(returned, n, 5 * S));
	int64_t took = atomic_load(&n->ctx_done_mono_ns) - t0;
	/* Renews stop landing at t0. The renew pass gives up within RP + RD
	 * of the last success; then release runs *before* the leader's
	 * context is cancelled (client-go order, hazard H1 in the spec), and
	 * its GET hangs for the request timeout max(1s, RD/2) = 1s. Never
	 * earlier than RD after the last pass started (>= t0 - RP). */
	if (took > 1900 * MS + 1000 * MS + 500 * MS || took < 1100 * MS)
		fail_msg("leader context ended %lld ms after the apiserver hung",
			 (long long)(took / MS));
	assert_true(log_has(n, "log|\"Failed to renew lease\" lock=\"default/my-lease\""));
	assert_true(log_has(n, "stopped|pod-a stopped leading"));
	assert_int_equal(n->rc, LE_OK);
	node_join(n);
	api_stop(a);
}

/* kubernetes#70819: with 2018's client-go a hung renew request is never
 * aborted, so the process keeps "leading" forever; /healthz is what notices
 * (election-spec.md 2.7): unhealthy once LD + tolerance passed without a renewal. */
static void test_healthz_catches_a_wedged_leader(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES,
		       .profile = &le_profile_client_go_2018,
		       .healthz_tolerance_ns = 300 * MS};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	char body[4096];
	assert_int_equal(status_get(n, "/healthz", body, sizeof body), 200);
	atomic_store(&a->stall, true);
	sleep_ms(2000 + 300 + 700);		/* LD + tolerance, and the last renew's age */
	assert_true(le_runner_is_leader(n->r)); /* wedged: still thinks it leads */
	assert_int_equal(status_get(n, "/healthz", body, sizeof body), 500);
	assert_string_equal(body, "failed election to renew leadership on lease my-lease");
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 2 * S));
	node_join(n);
	api_stop(a);
}

static void test_second_cancel_cuts_release_short(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	atomic_store(&a->stall, true); /* the release's requests will hang */
	le_runner_cancel(n->r);
	sleep_ms(100);
	assert_false(atomic_load(&n->returned));
	int64_t t0 = mono_ns();
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 1 * S));
	assert_true(mono_ns() - t0 < 500 * MS);
	assert_true(atomic_load(&n->work_returned));
	assert_int_equal(atomic_load(&n->stopped), 1);
	node_join(n);
	api_stop(a);
}

static void test_sigterm_cancels_when_handling_signals(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES, .signals = true};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	assert_int_equal(kill(getpid(), SIGTERM), 0);
	assert_true(wait_for(returned, n, 3 * S));
	char holder[LE_ID_MAX];
	store_holder(a, FA_RES_LEASES, "my-lease", holder, sizeof holder);
	assert_string_equal(holder, "");
	node_join(n);
	api_stop(a);
}

static void test_restart_after_loss_campaigns_again(void **state)
{
	(void)state;
	api *a = api_start();
	node_opts o = {.kind = LE_LOCK_LEASES, .restart = true};
	node *n = node_start(a, "pod-a", &o);
	assert_true(wait_for(is_leader, n, 3 * S));
	atomic_store(&a->stall, true);
	int64_t end = mono_ns() + 5 * S;
	while (mono_ns() < end && atomic_load(&n->stopped) == 0)
		sleep_ms(20);
	assert_int_equal(atomic_load(&n->stopped), 1);
	assert_false(atomic_load(&n->returned)); /* still campaigning */
	atomic_store(&a->stall, false);
	/* same identity as the recorded holder: it renews at once (election-spec.md 2.4) */
	end = mono_ns() + 5 * S;
	while (mono_ns() < end && atomic_load(&n->started) < 2)
		sleep_ms(20);
	assert_int_equal(atomic_load(&n->started), 2);
	assert_true(log_has(n, "leadership lost: campaigning again"));
	char body[16384];
	assert_int_equal(status_get(n, "/metrics", body, sizeof body), 200);
	assert_contains(body, "leader_election_restarts_total{name=\"my-lease\"} 1\n");
	assert_contains(body, "leader_election_acquisitions_total{name=\"my-lease\"} 2\n");
	le_runner_cancel(n->r);
	assert_true(wait_for(returned, n, 3 * S));
	node_join(n);
	api_stop(a);
}

static void test_runner_new_rejects_bad_config(void **state)
{
	(void)state;
	le_kube_config kc;
	memset(&kc, 0, sizeof kc);
	kc.server = (char *)"http://127.0.0.1:1";
	le_run_config rc;
	char err[512];
	le_run_config_defaults(&rc);
	rc.elector.identity = "a";
	rc.elector.lock_namespace = "default";
	rc.elector.lock_name = "x";
	rc.elector.renew_deadline_ns = 20 * S;
	rc.kube = &kc;
	assert_null(le_runner_new(&rc, err, sizeof err));
	assert_string_equal(err, "leaseDuration must be greater than renewDeadline");

	le_run_config_defaults(&rc);
	rc.elector.identity = "a";
	rc.elector.lock_namespace = "default";
	rc.elector.lock_name = "x";
	rc.kube = &kc;
	rc.http_addr = "nonsense";
	assert_null(le_runner_new(&rc, err, sizeof err));
	assert_contains(err, "status server address \"nonsense\"");
	rc.kube = NULL;
	rc.http_addr = NULL;
	assert_null(le_runner_new(&rc, err, sizeof err));
	assert_contains(err, "no apiserver configuration");
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lead_serve_and_release_on_cancel),
		cmocka_unit_test(test_follower_sees_leader_and_takes_over_after_release),
		cmocka_unit_test(test_forbidden_message_reaches_log_verbatim),
		cmocka_unit_test(test_connection_refused_is_counted_and_retried),
		cmocka_unit_test(test_hung_apiserver_ends_leadership_at_renew_deadline),
		cmocka_unit_test(test_healthz_catches_a_wedged_leader),
		cmocka_unit_test(test_second_cancel_cuts_release_short),
		cmocka_unit_test(test_sigterm_cancels_when_handling_signals),
		cmocka_unit_test(test_restart_after_loss_campaigns_again),
		cmocka_unit_test(test_runner_new_rejects_bad_config),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
