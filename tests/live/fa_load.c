/* leaselab — tests/live/fa_load: load for bin/fake-apiserver, for the live
 * tests. Plain HTTP/1.1 keep-alive over blocking sockets, one thread per
 * client.
 *
 *   fa_load stress HOST:PORT [--clients 64] [--rounds 1000] [--lease NAME]
 *       Each client does ROUNDS read-modify-CAS rounds on one lease: GET it,
 *       PUT it back with spec.leaseTransitions + 1 and the resourceVersion
 *       it read. 200 counts as an increment; 409 (someone else got there
 *       first) sends the client round again with a fresh read. Anything else
 *       is an error. Exit 0 when there were no errors and the final value is
 *       the initial one plus the increments.
 *   fa_load writer HOST:PORT --out FILE [--writers 4] [--prefix crash]
 *       Writer w increments lease PREFIX-w until the server goes away, then
 *       writes "PREFIX-w VALUE" (the last acknowledged value) to FILE.
 *   fa_load check HOST:PORT FILE
 *       Every lease in FILE must hold VALUE or VALUE+1 (the one write that
 *       may have committed without its answer getting through).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>

#define NS_PATH "/apis/coordination.k8s.io/v1/namespaces/default/leases"

typedef struct conn {
	int fd;
	char host[64];
	int port;
	char *buf;      /* bytes read and not yet consumed */
	size_t len, cap;
} conn;

typedef struct http_resp {
	int code;
	char *body;     /* NUL-terminated, malloc'd */
	size_t body_len;
} http_resp;

static int conn_open(conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
	if (inet_pton(AF_INET, c->host, &a.sin_addr) != 1 ||
	    connect(c->fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->len = 0;
	return 0;
}

static int parse_addr(const char *addr, conn *c)
{
	const char *colon = strrchr(addr, ':');
	if (colon == NULL || (size_t)(colon - addr) >= sizeof(c->host))
		return -1;
	memcpy(c->host, addr, (size_t)(colon - addr));
	c->host[colon - addr] = '\0';
	c->port = atoi(colon + 1);
	c->fd = -1;
	return c->port > 0 ? 0 : -1;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fill(conn *c)
{
	if (c->cap - c->len < 4096) {
		size_t cap = c->cap ? c->cap * 2 : 16384;
		char *b = realloc(c->buf, cap);
		if (b == NULL)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	ssize_t r;
	do
		r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	c->len += (size_t)r;
	c->buf[c->len] = '\0';
	return 0;
}

/* One request, one response (Content-Length bodies only). -1: the
 * connection failed. */
static int request(conn *c, const char *method, const char *path,
		   const char *body, http_resp *out)
{
	char head[512];
	size_t bl = body != NULL ? strlen(body) : 0;
	int hl = snprintf(head, sizeof(head),
			  "%s %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: application/json\r\n"
			  "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			  method, path, c->host, c->port, bl);
	memset(out, 0, sizeof(*out));
	if (c->fd < 0 && conn_open(c) != 0)
		return -1;
	if (send_all(c->fd, head, (size_t)hl) != 0 || (bl > 0 && send_all(c->fd, body, bl) != 0))
		return -1;
	char *end;
	while (c->len == 0 || (end = strstr(c->buf, "\r\n\r\n")) == NULL)
		if (fill(c) != 0)
			return -1;
	size_t hdr = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%*d %d", &out->code) != 1)
		return -1;
	size_t clen = 0;
	for (char *p = c->buf; p < end; p++)
		if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
			clen = strtoul(p + 15, NULL, 10);
	while (c->len < hdr + clen)
		if (fill(c) != 0)
			return -1;
	out->body = malloc(clen + 1);
	if (out->body == NULL)
		return -1;
	memcpy(out->body, c->buf + hdr, clen);
	out->body[clen] = '\0';
	out->body_len = clen;
	memmove(c->buf, c->buf + hdr + clen, c->len - hdr - clen);
	c->len -= hdr + clen;
	if (c->len < c->cap)
		c->buf[c->len] = '\0';
	return 0;
}

static void conn_close(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

/* spec.leaseTransitions of a Lease body, -1 if unreadable. */
static long transitions_of(cJSON *o)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(o, "spec"), "leaseTransitions");
	return cJSON_IsNumber(t) ? (long)t->valuedouble : (cJSON_IsObject(o) ? 0 : -1);
}

/* GET the lease and PUT it back with transitions + 1. Returns the HTTP
 * code of the PUT (0 on a bad GET), -1 when the connection failed; *value
 * gets the value written. */
static int cas_round(conn *c, const char *name, long *value)
{
	char path[256];
	snprintf(path, sizeof(path), NS_PATH "/%s", name);
	http_resp r;
	if (request(c, "GET", path, NULL, &r) != 0) {
		free(r.body);
		return -1;
	}
	cJSON *o = r.code == 200 ? cJSON_Parse(r.body) : NULL;
	free(r.body);
	long t = transitions_of(o);
	if (t < 0) {
		cJSON_Delete(o);
		return 0;
	}
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
	if (spec == NULL)
		spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "leaseTransitions");
	cJSON_AddNumberToObject(spec, "leaseTransitions", (double)(t + 1));
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	int rc = request(c, "PUT", path, body, &r);
	free(body);
	free(r.body);
	if (rc != 0)
		return -1;
	*value = t + 1;
	return r.code;
}

static int ensure_lease(conn *c, const char *name)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"holderIdentity\":\"fa-load\","
		 "\"leaseDurationSeconds\":15,\"leaseTransitions\":0}}",
		 name);
	http_resp r;
	int rc = request(c, "POST", NS_PATH, body, &r);
	free(r.body);
	return rc == 0 && (r.code == 201 || r.code == 409) ? 0 : -1;
}

static long read_value(conn *c, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), NS_PATH "/%s", name);
	http_resp r;
	if (request(c, "GET", path, NULL, &r) != 0 || r.code != 200) {
		free(r.body);
		return -1;
	}
	cJSON *o = cJSON_Parse(r.body);
	free(r.body);
	long t = transitions_of(o);
	cJSON_Delete(o);
	return t;
}

/* ---- stress ------------------------------------------------------------------ */

typedef struct stress_worker {
	pthread_t th;
	const char *addr;
	const char *lease;
	int rounds;
	long ok, conflicts, errors;
	int first_error;
} stress_worker;

static void *stress_main(void *arg)
{
	stress_worker *w = arg;
	conn c;
	parse_addr(w->addr, &c);
	for (int i = 0; i < w->rounds; i++) {
		long v;
		int code = cas_round(&c, w->lease, &v);
		if (code == 200) {
			w->ok++;
		} else if (code == 409) {
			w->conflicts++;
		} else {
			if (w->errors++ == 0)
				w->first_error = code;
			conn_close(&c);
			parse_addr(w->addr, &c);
		}
	}
	conn_close(&c);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_stress(const char *addr, int clients, int rounds, const char *lease)
{
	conn c;
	if (parse_addr(addr, &c) != 0 || ensure_lease(&c, lease) != 0) {
		fprintf(stderr, "fa_load: cannot create lease %s at %s\n", lease, addr);
		return 2;
	}
	long initial = read_value(&c, lease);
	stress_worker *ws = calloc((size_t)clients, sizeof(*ws));
	double t0 = now_s();
	for (int i = 0; i < clients; i++) {
		ws[i] = (stress_worker){.addr = addr, .lease = lease, .rounds = rounds};
		pthread_create(&ws[i].th, NULL, stress_main, &ws[i]);
	}
	long ok = 0, conflicts = 0, errors = 0;
	int first_error = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(ws[i].th, NULL);
		ok += ws[i].ok;
		conflicts += ws[i].conflicts;
		if (errors == 0 && ws[i].errors > 0)
			first_error = ws[i].first_error;
		errors += ws[i].errors;
	}
	double dt = now_s() - t0;
	long final = read_value(&c, lease);
	conn_close(&c);
	free(ws);
	printf("clients=%d rounds=%d increments=%ld conflicts=%ld errors=%ld "
	       "initial=%ld final=%ld elapsed=%.2fs requests/s=%.0f\n",
	       clients, rounds, ok, conflicts, errors, initial, final, dt,
	       (double)(2L * clients * rounds) / dt);
	if (errors > 0) {
		printf("FAIL: %ld errors (first: HTTP %d; -1 = connection failed)\n",
		       errors, first_error);
		return 1;
	}
	if (final != initial + ok) {
		printf("FAIL: final value %ld != initial %ld + increments %ld\n", final,
		       initial, ok);
		return 1;
	}
	if (ok == 0) {
		printf("FAIL: no increment succeeded\n");
		return 1;
	}
	return 0;
}

/* ---- crash writers -------------------------------------------------------------------- */

typedef struct writer {
	pthread_t th;
	const char *addr;
	char lease[64];
	long acked;
	long writes;
} writer;

static void *writer_main(void *arg)
{
	writer *w = arg;
	conn c;
	parse_addr(w->addr, &c);
	w->acked = -1;
	if (ensure_lease(&c, w->lease) == 0)
		w->acked = read_value(&c, w->lease);
	while (w->acked >= 0) {
		long v;
		int code = cas_round(&c, w->lease, &v);
		if (code < 0)
			break; /* the server went away */
		if (code == 200) {
			w->acked = v;
			w->writes++;
		} else {
			fprintf(stderr, "fa_load: writer %s: unexpected HTTP %d\n", w->lease, code);
			break;
		}
	}
	conn_close(&c);
	return NULL;
}

static int run_writers(const char *addr, int n, const char *prefix, const char *out)
{
	writer *ws = calloc((size_t)n, sizeof(*ws));
	for (int i = 0; i < n; i++) {
		ws[i].addr = addr;
		snprintf(ws[i].lease, sizeof(ws[i].lease), "%s-%d", prefix, i);
		pthread_create(&ws[i].th, NULL, writer_main, &ws[i]);
	}
	FILE *f = fopen(out, "w");
	long total = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(ws[i].th, NULL);
		total += ws[i].writes;
		if (f != NULL && ws[i].acked >= 0)
			fprintf(f, "%s %ld\n", ws[i].lease, ws[i].acked);
	}
	if (f == NULL || fclose(f) != 0) {
		fprintf(stderr, "fa_load: cannot write %s\n", out);
		free(ws);
		return 2;
	}
	printf("writes acknowledged: %ld\n", total);
	free(ws);
	return 0;
}

static int run_check(const char *addr, const char *file)
{
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "fa_load: cannot read %s\n", file);
		return 2;
	}
	conn c;
	parse_addr(addr, &c);
	char lease[64];
	long acked;
	int bad = 0, n = 0;
	while (fscanf(f, "%63s %ld", lease, &acked) == 2) {
		long now = read_value(&c, lease);
		n++;
		if (now != acked && now != acked + 1) {
			printf("LOST: %s holds %ld after restart, last acknowledged %ld\n",
			       lease, now, acked);
			bad++;
		}
	}
	fclose(f);
	conn_close(&c);
	/* A cycle killed before any write was answered (a slow start on a
	 * loaded machine) has nothing to lose; the caller counts the load. */
	if (n == 0)
		printf("no acknowledged writes to check\n");
	return bad == 0 ? 0 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: fa_load stress HOST:PORT [--clients N] [--rounds N] [--lease NAME]\n"
			"       fa_load writer HOST:PORT --out FILE [--writers N] [--prefix P]\n"
			"       fa_load check HOST:PORT FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *mode = argv[1], *addr = argv[2];
	int clients = 64, rounds = 1000, writers = 4;
	const char *lease = "stress", *prefix = "crash", *out = NULL;
	for (int i = 3; i < argc; i++) {
		bool has = i + 1 < argc;
		if (strcmp(argv[i], "--clients") == 0 && has)
			clients = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && has)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--lease") == 0 && has)
			lease = argv[++i];
		else if (strcmp(argv[i], "--writers") == 0 && has)
			writers = atoi(argv[++i]);
		else if (strcmp(argv[i], "--prefix") == 0 && has)
			prefix = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && has)
			out = argv[++i];
		else if (strcmp(mode, "check") == 0 && i == 3)
			out = argv[i];
		else
			return usage();
	}
	if (clients <= 0 || rounds <= 0 || writers <= 0)
		return usage();
	if (strcmp(mode, "stress") == 0)
		return run_stress(addr, clients, rounds, lease);
	if (strcmp(mode, "writer") == 0 && out != NULL)
		return run_writers(addr, writers, prefix, out);
	if (strcmp(mode, "check") == 0 && out != NULL)
		return run_check(addr, out);
	return usage();
}
