/* leaselab — bench_fa_http: bin/fake-apiserver's HTTP throughput and
 * latency, next to nginx serving a static file of the same size.
 *
 * Starts bin/fake-apiserver on 127.0.0.1:0 itself (fork/exec, reads the
 * address it prints), then drives it from one thread with epoll over
 * keep-alive connections, one request in flight per connection:
 *   GET+PUT  each connection alternates GET and PUT (a CAS with the
 *            resourceVersion it last saw) on a lease of its own, so every
 *            PUT succeeds and commits;
 *   GET      GETs only, the like-for-like figure against nginx.
 * with 1 and 64 connections, RUNS runs of SECONDS each; prints the median
 * requests/s and p50/p99 latency. If nginx is installed it serves a file as
 * large as the lease GET body (one worker process, like our one event
 * loop) and is measured with the same client; if wrk is installed it
 * measures both GET endpoints as a second opinion.
 * Targets (this 2-core machine): >= 20,000 requests/s, >= half of nginx.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "bench_json.h"
#include "bench_util.h"

#define RUNS 3
/* seconds a run measures; --load-only S changes it */
static double SECONDS = 2.0;
#define WARMUP_S 0.3
#define MAX_CONNS 64
#define MAX_SAMPLES 4000000

#define LEASES "/apis/coordination.k8s.io/v1/namespaces/default/leases"

/* ---- the client ------------------------------------------------------------- */

typedef enum mode { MODE_GET_PUT, MODE_GET } mode;

typedef struct bconn {
	int fd;
	int idx;
	bool next_put;
	char rv[32];
	long transitions;
	char out[1024];
	size_t out_len, out_off;
	char in[16384];
	size_t in_len;
	double started;
} bconn;

typedef struct bench {
	const char *host;
	int port;
	const char *get_path_fmt; /* "%d" gets the connection index */
	mode mode;
	double *lat;
	size_t nlat;
	long requests, errors;
	bool measuring;
	pid_t server;   /* whose CPU is measured */
} bench;

static int dial(const char *host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &a.sin_addr);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void build_request(bench *b, bconn *c)
{
	char path[256];
	snprintf(path, sizeof(path), b->get_path_fmt, c->idx);
	if (b->mode == MODE_GET_PUT && c->next_put) {
		char body[512];
		int bl = snprintf(body, sizeof(body),
				  "{\"metadata\":{\"name\":\"bench-%d\",\"namespace\":\"default\","
				  "\"resourceVersion\":\"%s\"},\"spec\":{\"holderIdentity\":"
				  "\"bench\",\"leaseDurationSeconds\":15,\"leaseTransitions\":%ld}}",
				  c->idx, c->rv, ++c->transitions);
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "PUT %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: "
					      "application/json\r\nContent-Length: %d\r\n\r\n%s",
					      path, b->host, b->port, bl, body);
	} else {
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: "
					      "application/json\r\n\r\n",
					      path, b->host, b->port);
	}
	c->out_off = 0;
	c->next_put = !c->next_put;
	c->started = bench_now_s();
}

static int flush_out(bconn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w <= 0)
			return -1;
		c->out_off += (size_t)w;
	}
	return 0;
}

/* A whole response in c->in? Returns its length (and the code), 0 if not
 * yet, -1 if unparseable. */
static long response_len(bconn *c, int *code)
{
	c->in[c->in_len] = '\0';
	char *end = strstr(c->in, "\r\n\r\n");
	if (end == NULL)
		return 0;
	if (sscanf(c->in, "HTTP/1.%*d %d", code) != 1)
		return -1;
	long clen = 0;
	for (char *p = c->in; p < end; p++)
		if ((p == c->in || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
			clen = strtol(p + 15, NULL, 10);
	long total = (long)(end - c->in) + 4 + clen;
	return (long)c->in_len >= total ? total : 0;
}

static void take_rv(bconn *c)
{
	const char *k = strstr(c->in, "\"resourceVersion\":\"");
	if (k == NULL)
		return;
	k += 19;
	size_t n = strcspn(k, "\"");
	if (n < sizeof(c->rv)) {
		memcpy(c->rv, k, n);
		c->rv[n] = '\0';
	}
}

static int on_readable(bench *b, bconn *c)
{
	for (;;) {
		ssize_t r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (r <= 0)
			return -1;
		c->in_len += (size_t)r;
		if (c->in_len >= sizeof(c->in) - 1)
			return -1;
	}
	int code = 0;
	long n = response_len(c, &code);
	if (n <= 0)
		return (int)n;
	if (b->measuring) {
		if (b->nlat < MAX_SAMPLES)
			b->lat[b->nlat++] = bench_now_s() - c->started;
		b->requests++;
		if (code != 200)
			b->errors++;
	}
	if (b->mode == MODE_GET_PUT)
		take_rv(c);
	memmove(c->in, c->in + n, c->in_len - (size_t)n);
	c->in_len -= (size_t)n;
	build_request(b, c);
	return flush_out(c);
}

/* user + system CPU seconds of pid so far */
static double cpu_s(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	unsigned long ut = 0, st = 0;
	int n = fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
	fclose(f);
	return n == 2 ? (double)(ut + st) / (double)sysconf(_SC_CLK_TCK) : 0;
}

typedef struct result {
	double rps, p50_us, p99_us;
	double cpu_us;  /* the server's CPU per request (user + system) */
	long errors;
} result;

static int run_once(bench *b, int nconns, result *out)
{
	int ep = epoll_create1(0);
	bconn *cs = calloc((size_t)nconns, sizeof(*cs));
	for (int i = 0; i < nconns; i++) {
		cs[i].idx = i;
		cs[i].fd = dial(b->host, b->port);
		if (cs[i].fd < 0)
			return -1;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = &cs[i]};
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
		snprintf(cs[i].rv, sizeof(cs[i].rv), "0");
		/* GET+PUT starts with a GET, so the PUT has a resourceVersion */
		build_request(b, &cs[i]);
	}
	b->nlat = 0;
	b->requests = 0;
	b->errors = 0;
	b->measuring = false;
	double t0 = bench_now_s(), start = 0, cpu0 = 0;
	int failed = 0;
	struct epoll_event evs[MAX_CONNS];
	for (;;) {
		double t = bench_now_s();
		if (!b->measuring && t - t0 >= WARMUP_S) {
			b->measuring = true;
			start = t;
			cpu0 = cpu_s(b->server);
		}
		if (b->measuring && t - start >= SECONDS)
			break;
		int n = epoll_wait(ep, evs, MAX_CONNS, 100);
		for (int i = 0; i < n; i++) {
			bconn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			int rc = 0;
			if (evs[i].events & EPOLLOUT)
				rc = flush_out(c);
			if (rc == 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				rc = on_readable(b, c);
			if (rc < 0) {
				close(c->fd);
				c->fd = -1;
				failed++;
			}
		}
	}
	double dt = bench_now_s() - start;
	double cpu = cpu_s(b->server) - cpu0;
	for (int i = 0; i < nconns; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	close(ep);
	free(cs);
	qsort(b->lat, b->nlat, sizeof(double), bench_cmp_double);
	out->rps = (double)b->requests / dt;
	out->p50_us = b->nlat ? b->lat[b->nlat / 2] * 1e6 : 0;
	out->p99_us = b->nlat ? b->lat[(size_t)((double)b->nlat * 0.99)] * 1e6 : 0;
	out->errors = b->errors + failed;
	out->cpu_us = b->requests > 0 ? cpu * 1e6 / (double)b->requests : 0;
	return 0;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), bench_cmp_double);
	return v[n / 2];
}

/* One configuration measured RUNS times, interleaved with the others so a
 * burst of load from elsewhere on the machine hits them all alike. */
typedef struct config {
	const char *label;
	int nconns;
	bench b;
	double rps[RUNS], p50[RUNS], p99[RUNS];
	long errors;
	bool on;
	double cpu[RUNS];
} config;

static void report(config *c)
{
	double rps = median(c->rps, RUNS), p50 = median(c->p50, RUNS), p99 = median(c->p99, RUNS),
	       cpu = median(c->cpu, RUNS);
	printf("%-44s %3d conn: %8.0f req/s  p50 %7.1f us  p99 %7.1f us  server CPU %5.2f "
	       "us/req%s\n",
	       c->label, c->nconns, rps, p50, p99, cpu, c->errors ? "  ERRORS" : "");
	if (c->errors)
		printf("  %ld non-200 answers or failed connections\n", c->errors);
}

/* ---- servers ---------------------------------------------------------------------- */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	socklen_t l = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &l) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static const char *find_program(const char *name, const char *const *dirs, char *buf,
				size_t cap)
{
	for (int i = 0; dirs[i] != NULL; i++) {
		snprintf(buf, cap, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

static const char *const bin_dirs[] = {"/usr/sbin", "/usr/bin", "/usr/local/sbin",
				       "/usr/local/bin", "/sbin", NULL};

/* nginx serving dir/file with one worker, in the foreground. */
static pid_t start_nginx(const char *nginx, const char *dir, int port)
{
	char conf[512];
	snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f,
		"worker_processes 1;\ndaemon off;\nmaster_process off;\npid %s/nginx.pid;\n"
		"error_log %s/error.log;\nevents { worker_connections 1024; }\n"
		"http { access_log off; keepalive_requests 1000000;\n"
		"  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
		"  uwsgi_temp_path %s; scgi_temp_path %s;\n"
		"  server { listen 127.0.0.1:%d; location / { root %s; } } }\n",
		dir, dir, dir, dir, dir, dir, dir, port, dir);
	fclose(f);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(nginx, "nginx", "-p", dir, "-c", conf, "-e", "/dev/null", (char *)NULL);
		_exit(127);
	}
	/* wait until it accepts */
	for (int i = 0; i < 200; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(fd);
		if (ok)
			return pid;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Blocking one-shot request for setup; returns the body length or -1. */
static long simple_request(const char *host, int port, const char *req)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	send(fd, req, strlen(req), MSG_NOSIGNAL);
	char buf[16384];
	size_t got = 0;
	for (;;) {
		ssize_t r = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		buf[got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		const char *cl = strstr(buf, "Content-Length:");
		if (end != NULL && cl != NULL &&
		    got >= (size_t)(end - buf) + 4 + strtoul(cl + 15, NULL, 10))
			break;
	}
	close(fd);
	buf[got] = '\0';
	char *end = strstr(buf, "\r\n\r\n");
	return end != NULL ? (long)(got - (size_t)(end - buf) - 4) : -1;
}

static double wrk_rps(const char *wrk, const char *url)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "%s -t1 -c64 -d2s %s 2>/dev/null", wrk, url);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	char line[256];
	double rps = -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if (sscanf(line, "Requests/sec: %lf", &rps) == 1)
			break;
	pclose(p);
	return rps;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	/* --load-only S: only GET+PUT over 64 connections for S seconds, the
	 * server's pid printed first, for a profiler to attach to */
	double load_only = 0;
	if (argc == 3 && strcmp(argv[1], "--load-only") == 0) {
		load_only = strtod(argv[2], NULL);
		if (load_only <= 0) {
			fprintf(stderr, "bench_fa_http: --load-only: expected seconds > 0, got \"%s\"\n",
				argv[2]);
			return 3;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: bench_fa_http [--load-only SECONDS]\n");
		return 3;
	}
	char addr[64];
	pid_t fa = bench_start_fake_apiserver("bin/fake-apiserver", NULL, addr, sizeof(addr));
	if (fa < 0) {
		fprintf(stderr, "bench_fa_http: cannot start bin/fake-apiserver (run from the "
				"repository root after make all)\n");
		return 1;
	}
	char host[64];
	int port = 0;
	sscanf(addr, "%63[^:]:%d", host, &port);
	printf("bench_fa_http: bin/fake-apiserver at %s, client: 1 thread, epoll, keep-alive, "
	       "1 request in flight per connection\n",
	       addr);
	long body_len = -1;
	for (int i = 0; i < MAX_CONNS; i++) {
		char req[512], body[256];
		int bl = snprintf(body, sizeof(body),
				  "{\"metadata\":{\"name\":\"bench-%d\"},\"spec\":{\"holderIdentity\":"
				  "\"bench\",\"leaseDurationSeconds\":15,\"leaseTransitions\":0}}",
				  i);
		snprintf(req, sizeof(req),
			 "POST " LEASES " HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
			 addr, bl, body);
		if (simple_request(host, port, req) < 0) {
			fprintf(stderr, "bench_fa_http: cannot create lease bench-%d\n", i);
			stop(fa);
			return 1;
		}
	}
	char get0[640];
	snprintf(get0, sizeof(get0), "GET " LEASES "/bench-0 HTTP/1.1\r\nHost: %s\r\n"
		 "Connection: close\r\n\r\n", addr);
	body_len = simple_request(host, port, get0);

	double *lat = malloc(MAX_SAMPLES * sizeof(double));
	bench fa_gp = {.host = host, .port = port, .get_path_fmt = LEASES "/bench-%d",
		       .mode = MODE_GET_PUT, .lat = lat, .server = fa};
	bench fa_get = fa_gp;
	fa_get.mode = MODE_GET;
	if (load_only > 0) {
		printf("server pid %d\n", (int)fa);
		fflush(stdout);
		SECONDS = load_only;
		result r;
		int rc = run_once(&fa_gp, 64, &r);
		/* CPU per request: steadier than req/s on a loaded machine */
		printf("GET+PUT 64 conn: %.0f req/s, p50 %.1f us, p99 %.1f us, %ld errors; server "
		       "CPU %.2f us a request\n",
		       r.rps, r.p50_us, r.p99_us, r.errors, r.cpu_us);
		stop(fa);
		free(lat);
		return rc == 0 && r.errors == 0 ? 0 : 1;
	}
	config cfgs[4] = {
		{"fake-apiserver GET+PUT (every PUT commits)", 1, fa_gp, {0}, {0}, {0}, 0, true, {0}},
		{"fake-apiserver GET+PUT (every PUT commits)", 64, fa_gp, {0}, {0}, {0}, 0, true, {0}},
		{"fake-apiserver GET", 64, fa_get, {0}, {0}, {0}, 0, true, {0}},
		{"nginx", 64, fa_get, {0}, {0}, {0}, 0, false, {0}},
	};

	char wrkbuf[256], nginxbuf[256], dir[] = "/tmp/bench_fa_http.XXXXXX", label[96];
	const char *wrk = find_program("wrk", bin_dirs, wrkbuf, sizeof(wrkbuf));
	const char *nginx = find_program("nginx", bin_dirs, nginxbuf, sizeof(nginxbuf));
	pid_t np = -1;
	int nport = 0;
	bool have_dir = false;
	if (nginx == NULL) {
		printf("nginx: skipped: nginx not installed (ci/bootstrap --bench installs "
		       "nginx-light and wrk)\n");
	} else if (mkdtemp(dir) == NULL) {
		printf("nginx: skipped: no temporary directory\n");
		nginx = NULL;
	} else {
		have_dir = true;
		char file[512];
		snprintf(file, sizeof(file), "%s/lease.json", dir);
		FILE *f = fopen(file, "w");
		for (long i = 0; f != NULL && i < body_len; i++)
			fputc(i == 0 ? '{' : i == body_len - 1 ? '}' : ' ', f);
		if (f != NULL)
			fclose(f);
		nport = free_port();
		np = start_nginx(nginx, dir, nport);
		if (np < 0) {
			printf("nginx: skipped: it did not start (see %s/error.log)\n", dir);
			nginx = NULL;
		} else {
			snprintf(label, sizeof(label), "nginx static file (%ld bytes, 1 worker)",
				 body_len);
			cfgs[3].label = label;
			cfgs[3].b.host = "127.0.0.1";
			cfgs[3].b.port = nport;
			cfgs[3].b.server = np;
			cfgs[3].b.get_path_fmt = "/lease.json";
			cfgs[3].on = true;
		}
	}
	double ratio_gp[RUNS], ratio_get[RUNS];
	for (int run = 0; run < RUNS; run++) {
		for (int i = 0; i < 4; i++) {
			if (!cfgs[i].on)
				continue;
			result r;
			if (run_once(&cfgs[i].b, cfgs[i].nconns, &r) != 0)
				r = (result){.errors = 1};
			cfgs[i].rps[run] = r.rps;
			cfgs[i].p50[run] = r.p50_us;
			cfgs[i].p99[run] = r.p99_us;
			cfgs[i].cpu[run] = r.cpu_us;
			cfgs[i].errors += r.errors;
		}
		if (cfgs[3].on) {
			ratio_gp[run] = cfgs[1].rps[run] / cfgs[3].rps[run];
			ratio_get[run] = cfgs[2].rps[run] / cfgs[3].rps[run];
		}
	}
	printf("medians of %d interleaved runs of %.1f s each:\n", RUNS, SECONDS);
	for (int i = 0; i < 4; i++)
		if (cfgs[i].on)
			report(&cfgs[i]);

	if (wrk == NULL) {
		printf("wrk: skipped: wrk not installed\n");
	} else {
		char url[256];
		snprintf(url, sizeof(url), "http://%s" LEASES "/bench-0", addr);
		double wfa = wrk_rps(wrk, url);
		printf("wrk -t1 -c64 -d2s GET: fake-apiserver %.0f req/s", wfa);
		if (nginx != NULL) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d/lease.json", nport);
			double wng = wrk_rps(wrk, url);
			printf(", nginx %.0f req/s (ratio %.2f)", wng, wng > 0 ? wfa / wng : 0);
		}
		printf("\n");
	}
	stop(fa);
	stop(np);
	if (have_dir) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_fa_http: could not remove %s\n", dir);
	}

	double gp64 = median(cfgs[1].rps, RUNS);
	printf("summary: GET+PUT %.0f req/s with 1 connection, %.0f with 64 (target >= 20000: %s)\n",
	       median(cfgs[0].rps, RUNS), gp64, gp64 >= 20000 ? "met" : "NOT met");
	if (cfgs[3].on) {
		double rgp = median(ratio_gp, RUNS), rget = median(ratio_get, RUNS);
		printf("summary: vs nginx GET (64 conn, median of per-run ratios): GET+PUT %.2f, "
		       "GET %.2f (issue 17's target for GET+PUT >= 0.8: %s)\n",
		       rgp, rget, rgp >= 0.8 ? "met" : "NOT met");
	}
	static const char *names[] = {"fa_http_getput_1conn_rps", "fa_http_getput_64conn_rps",
				      "fa_http_get_64conn_rps", "nginx_static_get_64conn_rps"};
	double ng = cfgs[3].on ? median(cfgs[3].rps, RUNS) : 0;
	for (int i = 0; i < 4; i++) {
		if (!cfgs[i].on)
			continue;
		bool vs = cfgs[3].on && (i == 1 || i == 2);
		bench_figure("bench_fa_http", names[i], median(cfgs[i].rps, RUNS), "req/s",
			     vs ? "nginx static-file GET, 64 conn" : NULL, ng);
	}
	free(lat);
	return 0;
}
