/* The fake apiserver's libevent server, in process: the test drives the
 * event loop itself (non-blocking turns) and plays the clients on loopback
 * sockets, so every step is ordered, with no threads and no sleeps that
 * decide the outcome. Covers: keep-alive, a delayed client not holding up
 * another, black holes and lost answers holding the connection until the
 * client leaves, refused connections, watch streams (events, server down),
 * transport-level errors as Status bodies, freeing with requests pending. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <event2/event.h>

#include "../../fake-apiserver/http/fahttp.h"

#define LEASES "/apis/coordination.k8s.io/v1/namespaces/default/leases"

typedef struct fx {
	struct event_base *base;
	fa_store *store;
	fa_faults *faults;
	fahttp_ctx *ctx;
	fahttp_server *srv;
	int port;
} fx;

static int setup(void **state)
{
	fx *x = calloc(1, sizeof(*x));
	x->base = event_base_new();
	x->store = fa_store_new(5);
	x->faults = fa_faults_new();
	x->ctx = fahttp_ctx_new(x->store, NULL, x->faults, NULL);
	fahttp_server_config cfg = {.listen = "127.0.0.1:0"};
	char err[256];
	x->srv = fahttp_server_new(x->base, x->ctx, &cfg, err, sizeof(err));
	if (x->srv == NULL)
		fail_msg("server: %s", err);
	const char *addr = fahttp_server_address(x->srv);
	assert_non_null(strstr(addr, "127.0.0.1:"));
	x->port = atoi(strchr(addr, ':') + 1);
	assert_true(x->port > 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	fahttp_server_free(x->srv); /* with whatever is still pending */
	fahttp_ctx_free(x->ctx);
	fa_faults_free(x->faults);
	fa_store_free(x->store);
	event_base_free(x->base);
	free(x);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pump(fx *x, double seconds)
{
	double end = now_s() + seconds;
	do {
		event_base_loop(x->base, EVLOOP_NONBLOCK);
		usleep(500);
	} while (now_s() < end);
}

static int dial(fx *x)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)x->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void send_req(int fd, const char *method, const char *target,
		     const char *identity, const char *body)
{
	char buf[2048];
	int n = snprintf(buf, sizeof(buf),
			 "%s %s HTTP/1.1\r\nHost: t\r\n%s%s%sContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n%s",
			 method, target, identity ? "X-Leaselab-Identity: " : "",
			 identity ? identity : "", identity ? "\r\n" : "",
			 body ? strlen(body) : 0, body ? body : "");
	assert_int_equal(send(fd, buf, (size_t)n, MSG_NOSIGNAL), n);
}

typedef struct client_buf {
	char data[65536];
	size_t len;
	bool closed;
} client_buf;

/* Reads what is there without blocking. */
static void drain(int fd, client_buf *b)
{
	for (;;) {
		ssize_t r = recv(fd, b->data + b->len, sizeof(b->data) - 1 - b->len, MSG_DONTWAIT);
		if (r > 0) {
			b->len += (size_t)r;
			b->data[b->len] = '\0';
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			b->closed = true;
		return;
	}
}

/* A whole Content-Length response at the start of b? */
static bool complete(const client_buf *b)
{
	const char *end = strstr(b->data, "\r\n\r\n");
	const char *cl = strstr(b->data, "Content-Length: ");
	return end != NULL && cl != NULL && cl < end &&
	       b->len >= (size_t)(end - b->data) + 4 + strtoul(cl + 16, NULL, 10);
}

/* Pumps until fd has a whole response, is closed, or seconds pass. */
static void await(fx *x, int fd, client_buf *b, double seconds)
{
	double end = now_s() + seconds;
	while (now_s() < end) {
		event_base_loop(x->base, EVLOOP_NONBLOCK);
		drain(fd, b);
		if (b->closed || complete(b))
			return;
		usleep(500);
	}
}

static int status_of(const client_buf *b)
{
	int code = 0;
	if (sscanf(b->data, "HTTP/1.1 %d", &code) != 1)
		return -1;
	return code;
}

static void add_rule(fx *x, const char *json)
{
	fa_fault_rule r;
	char err[200];
	cJSON *j = cJSON_Parse(json);
	assert_int_equal(fa_fault_rule_from_json(j, &r, err, sizeof(err)), LE_OK);
	cJSON_Delete(j);
	assert_true(fa_faults_add(x->faults, &r) >= 0);
}

static void test_keep_alive_and_status_bodies(void **state)
{
	fx *x = *state;
	int fd = dial(x);
	client_buf b = {0};
	send_req(fd, "POST", LEASES, NULL, "{\"metadata\":{\"name\":\"k\"}}");
	await(x, fd, &b, 5);
	assert_int_equal(status_of(&b), 201);
	memset(&b, 0, sizeof(b));
	send_req(fd, "GET", LEASES "/missing", NULL, NULL); /* same connection */
	await(x, fd, &b, 5);
	assert_int_equal(status_of(&b), 404);
	assert_non_null(strstr(b.data, "Content-Type: application/json"));
	assert_non_null(strstr(b.data, "\"kind\":\"Status\""));
	close(fd);

	/* what is not HTTP at all: libevent's 400, the connection closed, the
	 * server unharmed */
	fd = dial(x);
	memset(&b, 0, sizeof(b));
	const char junk[] = "GET /\x01 what HTTP/9.9\r\n\r\n";
	assert_int_equal(send(fd, junk, sizeof(junk) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(junk) - 1);
	await(x, fd, &b, 5);
	assert_int_equal(status_of(&b), 400);
	assert_non_null(strstr(b.data, "Connection: close"));
	close(fd);
	/* a body over 3 MiB: 413 with a Status */
	fd = dial(x);
	memset(&b, 0, sizeof(b));
	size_t big = ((size_t)3 << 20) + 100;
	char head[200];
	int hl = snprintf(head, sizeof(head),
			  "POST " LEASES " HTTP/1.1\r\nHost: t\r\nContent-Type: "
			  "application/json\r\nContent-Length: %zu\r\n\r\n",
			  big);
	assert_int_equal(send(fd, head, (size_t)hl, MSG_NOSIGNAL), hl);
	char *body = malloc(big);
	memset(body, ' ', big);
	size_t sent = 0;
	double end = now_s() + 10;
	while (sent < big && now_s() < end) {
		ssize_t w = send(fd, body + sent, big - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0)
			sent += (size_t)w;
		event_base_loop(x->base, EVLOOP_NONBLOCK);
	}
	free(body);
	assert_int_equal(sent, big);
	await(x, fd, &b, 5);
	assert_int_equal(status_of(&b), 413);
	assert_non_null(strstr(b.data, "\"kind\":\"Status\""));
	assert_non_null(strstr(b.data, "\"code\":413"));
	close(fd);
	pump(x, 0.02);
	assert_int_equal(fahttp_server_pending(x->srv), 0);
}

static void test_delay_does_not_block_others(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"slow\",\"requestLatency\":\"1s\"}");
	int slow = dial(x), quick = dial(x);
	client_buf bs = {0}, bq = {0};
	send_req(slow, "GET", "/version", "slow", NULL);
	pump(x, 0.02);
	assert_int_equal(fahttp_server_pending(x->srv), 1);
	send_req(quick, "GET", "/version", "quick", NULL);
	await(x, quick, &bq, 5);
	assert_int_equal(status_of(&bq), 200);
	drain(slow, &bs);
	assert_int_equal(bs.len, 0); /* still waiting out its delay */
	await(x, slow, &bs, 5);
	assert_int_equal(status_of(&bs), 200);
	assert_int_equal(fahttp_server_pending(x->srv), 0);
	close(slow);
	close(quick);
}

static void test_request_delay_before_commit_response_delay_after(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"req\",\"requestLatency\":\"1s\"}");
	add_rule(x, "{\"identity\":\"resp\",\"responseLatency\":\"1s\"}");
	int a = dial(x), b = dial(x);
	client_buf ba = {0}, bb = {0};
	uint64_t rev = fa_store_revision(x->store);
	send_req(a, "POST", LEASES, "req", "{\"metadata\":{\"name\":\"rq\"}}");
	send_req(b, "POST", LEASES, "resp", "{\"metadata\":{\"name\":\"rs\"}}");
	pump(x, 0.1);
	drain(a, &ba);
	drain(b, &bb);
	assert_int_equal(ba.len + bb.len, 0); /* neither answered yet */
	/* only the response-delayed write has committed */
	assert_int_equal(fa_store_revision(x->store), rev + 1);
	assert_non_null(fa_store_history_at(x->store, fa_store_history_len(x->store) - 1));
	assert_string_equal(fa_store_history_at(x->store, fa_store_history_len(x->store) - 1)
				    ->name,
			    "rs");
	await(x, a, &ba, 5);
	await(x, b, &bb, 5);
	assert_int_equal(status_of(&ba), 201);
	assert_int_equal(status_of(&bb), 201);
	assert_int_equal(fa_store_revision(x->store), rev + 2);
	close(a);
	close(b);
}

static void test_black_hole_held_until_client_leaves(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"hole\",\"partition\":\"blackhole\"}");
	add_rule(x, "{\"identity\":\"lossy\",\"responseLoss\":1}");
	int fd = dial(x), fd2 = dial(x);
	client_buf b = {0};
	send_req(fd, "GET", "/version", "hole", NULL);
	uint64_t rev = fa_store_revision(x->store);
	send_req(fd2, "POST", LEASES, "lossy", "{\"metadata\":{\"name\":\"lost\"}}");
	await(x, fd, &b, 0.2);
	assert_int_equal(b.len, 0);
	assert_false(b.closed);
	assert_int_equal(fahttp_server_pending(x->srv), 2);
	assert_int_equal(fa_store_revision(x->store), rev + 1); /* committed, unanswered */
	close(fd);
	close(fd2);
	pump(x, 0.05);
	/* the server noticed and let go of both connections */
	assert_int_equal(fahttp_server_pending(x->srv), 0);
}

static void test_refused_closes_at_once(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"no\",\"partition\":\"refused\"}");
	int fd = dial(x);
	client_buf b = {0};
	send_req(fd, "GET", "/version", "no", NULL);
	await(x, fd, &b, 5);
	assert_true(b.closed);
	assert_int_equal(b.len, 0);
	close(fd);
	assert_int_equal(fahttp_server_pending(x->srv), 0);
}

static void test_watch_stream_and_server_down(void **state)
{
	fx *x = *state;
	int w = dial(x), c = dial(x);
	client_buf bw = {0}, bc = {0};
	send_req(c, "POST", LEASES, NULL, "{\"metadata\":{\"name\":\"wl\"},\"spec\":{}}");
	await(x, c, &bc, 5);
	assert_int_equal(status_of(&bc), 201);
	send_req(w, "GET", LEASES "?watch=1", NULL, NULL);
	double end = now_s() + 5;
	while (strstr(bw.data, "\"type\":\"ADDED\"") == NULL && now_s() < end) {
		pump(x, 0.005);
		drain(w, &bw);
	}
	assert_non_null(strstr(bw.data, "Transfer-Encoding: chunked"));
	assert_non_null(strstr(bw.data, "\"type\":\"ADDED\""));
	memset(&bc, 0, sizeof(bc));
	send_req(c, "DELETE", LEASES "/wl", NULL, NULL);
	await(x, c, &bc, 5);
	assert_int_equal(status_of(&bc), 200);
	end = now_s() + 5;
	while (strstr(bw.data, "\"type\":\"DELETED\"") == NULL && now_s() < end) {
		pump(x, 0.005);
		drain(w, &bw);
	}
	assert_non_null(strstr(bw.data, "\"type\":\"DELETED\""));
	assert_int_equal(fahttp_server_pending(x->srv), 1);

	/* the server goes down: the watch is cut, new requests refused */
	memset(&bc, 0, sizeof(bc));
	send_req(c, "POST", "/leaselab/v1/down", NULL, NULL);
	await(x, c, &bc, 5);
	assert_int_equal(status_of(&bc), 200);
	end = now_s() + 5;
	while (!bw.closed && now_s() < end) {
		pump(x, 0.005);
		drain(w, &bw);
	}
	assert_true(bw.closed);
	assert_int_equal(fahttp_server_pending(x->srv), 0);
	close(w);
	close(c);
}

static void test_watch_client_leaving_is_noticed(void **state)
{
	fx *x = *state;
	int w = dial(x);
	send_req(w, "GET", LEASES "?watch=true&timeoutSeconds=60", NULL, NULL);
	pump(x, 0.05);
	assert_int_equal(fahttp_server_pending(x->srv), 1);
	close(w);
	pump(x, 0.05);
	assert_int_equal(fahttp_server_pending(x->srv), 0);
}

static void test_free_with_requests_pending(void **state)
{
	fx *x = *state;
	add_rule(x, "{\"identity\":\"hole\",\"partition\":\"blackhole\"}");
	add_rule(x, "{\"identity\":\"slow\",\"requestLatency\":\"10s\"}");
	int a = dial(x), b = dial(x), c = dial(x);
	send_req(a, "GET", "/version", "hole", NULL);
	send_req(b, "GET", "/version", "slow", NULL);
	send_req(c, "GET", LEASES "?watch=1", NULL, NULL);
	pump(x, 0.05);
	assert_int_equal(fahttp_server_pending(x->srv), 3);
	/* teardown frees the server now; ASan checks nothing leaks */
	fahttp_server_free(x->srv);
	x->srv = NULL;
	client_buf bb = {0};
	drain(a, &bb);
	assert_true(bb.closed);
	close(a);
	close(b);
	close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_alive_and_status_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay_does_not_block_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_delay_before_commit_response_delay_after,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_black_hole_held_until_client_leaves, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_closes_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_stream_and_server_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_client_leaving_is_noticed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_free_with_requests_pending, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
