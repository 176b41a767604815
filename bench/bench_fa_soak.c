/* leaselab — bench_fa_soak: does bin/fake-apiserver --history-max N stay
 * flat in memory under sustained load?
 *
 * Starts bin/fake-apiserver --history-max N on 127.0.0.1:0 (fork/exec,
 * reads the address it prints) and drives it from one thread with epoll:
 *   writers     keep-alive connections doing CAS PUTs on a few leases
 *               (two or more connections share each lease, so some PUTs
 *               get 409 and the writer re-reads with a GET);
 *   watchers    long watches on the lease collection, read and discarded;
 *   churners    a connection opened, one watch with timeoutSeconds=1 and
 *               a resourceVersion from the recent past (replayed from the
 *               history ring, or 410 when it was dropped), closed;
 *               again and again (connection and stream state churn);
 *   a stalled   watcher that reads nothing for STALL_S, then reads what
 *               the kernel holds: the server must have cut it off (its
 *               backlog bound), so that ends in EOF; it reconnects;
 *   a follower  of /leaselab/v1/history?follow=1, read and discarded.
 * The server's RSS (/proc/PID/status VmRSS) is sampled every second. The
 * RSS comes and goes with the stalled watcher (its backlog is allowed to
 * reach 2 MiB before the cut), so the growth compares like with like: the
 * first and the last window after the warm-up (each a tenth of the
 * measured time, at least 5 s or half of it), their peaks (peak growth,
 * the figure) and their floors (floor growth: what stays behind).
 *
 *   bench_fa_soak [--duration S] [--warmup S] [--history-max N (0: keep all)]
 *                 [--writers N] [--leases N] [--watchers N]
 *                 [--stall S] [--max-growth-kib K] [--max-floor-growth-kib K]
 *                 [--no-json] [--verbose] [--server PATH]
 *
 * Defaults: 20 s, warm-up 8 s (make bench); the real soak is
 * --duration 3600. --max-growth-kib / --max-floor-growth-kib make the exit
 * status 1 when the peak / floor growth exceeds K (tests/live/test_fa_soak.sh).
 * --stall S: how long the stalled watcher reads nothing (default 6). --no-json: figures are
 * printed only, not written to out/bench.json.
 * Figures: fa_soak_rss_growth_kib (baseline: the 10 MB target),
 * fa_soak_writes_per_s. */
#include <dirent.h>
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "bench_json.h"
#include "bench_util.h"

#define LEASES "/apis/coordination.k8s.io/v1/namespaces/default/leases"
#define MAX_CONNS 256
#define TARGET_GROWTH_KIB (10 * 1024)
#define MAX_SAMPLES 100000
/* churners and the stalled watcher reconnect: a few descriptors come and go */
#define FD_SLACK 8

typedef enum kind { K_WRITER, K_WATCHER, K_CHURNER, K_STALLED, K_FOLLOWER } kind;

typedef struct sconn {
	kind kind;
	int fd;
	int idx;
	int lease;
	bool want_get;          /* writer: re-read before the next PUT */
	char rv[32];
	long transitions;
	char out[1024];
	size_t out_len, out_off;
	char in[16384];
	size_t in_len;
	double opened;
	bool draining;          /* stalled: done stalling, reading to EOF */
} sconn;

typedef struct soak {
	char host[64];
	int port;
	int ep;
	sconn conns[MAX_CONNS];
	int nconns;
	long writes, conflicts, gets, errors, watch_bytes, reconnects, stalled_cut, stalled_kept;
	char recent_rv[32];     /* a resourceVersion a writer saw lately */
} soak;

static int dial(soak *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	inet_pton(AF_INET, s->host, &a.sin_addr);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void build(soak *s, sconn *c)
{
	if (c->kind == K_WRITER && !c->want_get) {
		char body[512];
		int bl = snprintf(body, sizeof(body),
				  "{\"metadata\":{\"name\":\"soak-%d\",\"namespace\":\"default\","
				  "\"resourceVersion\":\"%s\"},\"spec\":{\"holderIdentity\":"
				  "\"soak-%d\",\"leaseDurationSeconds\":15,\"leaseTransitions\":%ld}}",
				  c->lease, c->rv, c->idx, ++c->transitions);
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "PUT " LEASES "/soak-%d HTTP/1.1\r\nHost: %s:%d\r\n"
					      "Content-Type: application/json\r\n"
					      "Content-Length: %d\r\n\r\n%s",
					      c->lease, s->host, s->port, bl, body);
	} else if (c->kind == K_WRITER) {
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "GET " LEASES "/soak-%d HTTP/1.1\r\nHost: %s:%d\r\n"
					      "Accept: application/json\r\n\r\n",
					      c->lease, s->host, s->port);
	} else if (c->kind == K_CHURNER) {
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "GET " LEASES "?watch=1&timeoutSeconds=1&resourceVersion=%s "
					      "HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
					      s->recent_rv, s->host, s->port);
	} else if (c->kind == K_FOLLOWER) {
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "GET /leaselab/v1/history?follow=1 HTTP/1.1\r\n"
					      "Host: %s:%d\r\n\r\n",
					      s->host, s->port);
	} else {
		c->out_len = (size_t)snprintf(c->out, sizeof(c->out),
					      "GET " LEASES "?watch=1 HTTP/1.1\r\nHost: %s:%d\r\n\r\n",
					      s->host, s->port);
	}
	c->out_off = 0;
}

static int flush_out(sconn *c)
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

static int open_conn(soak *s, sconn *c)
{
	c->fd = dial(s);
	if (c->fd < 0)
		return -1;
	c->in_len = 0;
	c->opened = bench_now_s();
	c->draining = false;
	uint32_t evs = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
	if (c->kind == K_STALLED)
		evs = EPOLLOUT | EPOLLET | EPOLLRDHUP; /* never reads */
	struct epoll_event ev = {.events = evs, .data.ptr = c};
	epoll_ctl(s->ep, EPOLL_CTL_ADD, c->fd, &ev);
	build(s, c);
	return flush_out(c);
}

static void close_conn(soak *s, sconn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
}

static void reopen(soak *s, sconn *c)
{
	close_conn(s, c);
	s->reconnects++;
	if (open_conn(s, c) != 0) {
		s->errors++;
		close_conn(s, c);
	}
}

/* A whole Content-Length response in c->in: its length, 0 if not yet,
 * -1 if unparseable. */
static long response_len(sconn *c, int *code)
{
	c->in[c->in_len] = '\0';
	char *end = strstr(c->in, "\r\n\r\n");
	if (end == NULL)
		return 0;
	if (sscanf(c->in, "HTTP/1.%*d %d", code) != 1)
		return -1;
	long clen = -1;
	for (char *p = c->in; p < end; p++)
		if ((p == c->in || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
			clen = strtol(p + 15, NULL, 10);
	if (clen < 0)
		return -1;
	long total = (long)(end - c->in) + 4 + clen;
	return (long)c->in_len >= total ? total : 0;
}

static void take_rv(sconn *c, char *into, size_t cap)
{
	const char *k = strstr(c->in, "\"resourceVersion\":\"");
	if (k == NULL)
		return;
	k += 19;
	size_t n = strcspn(k, "\"");
	if (n < cap) {
		memcpy(into, k, n);
		into[n] = '\0';
	}
}

/* Returns -1 when the connection should be reopened. */
static int writer_readable(soak *s, sconn *c)
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
	for (;;) {
		int code = 0;
		long n = response_len(c, &code);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (c->want_get) {
			s->gets++;
			if (code == 200) {
				take_rv(c, c->rv, sizeof(c->rv));
				c->want_get = false;
			} else {
				s->errors++;
			}
		} else if (code == 200) {
			s->writes++;
			take_rv(c, c->rv, sizeof(c->rv));
			snprintf(s->recent_rv, sizeof(s->recent_rv), "%s", c->rv);
		} else if (code == 409) {
			s->conflicts++;
			c->want_get = true;
		} else {
			s->errors++;
			c->want_get = true;
		}
		memmove(c->in, c->in + n, c->in_len - (size_t)n);
		c->in_len -= (size_t)n;
		build(s, c);
		if (flush_out(c) != 0)
			return -1;
	}
}

/* Watchers, churners, the follower: read and discard; -1 at EOF. */
static int drain(soak *s, sconn *c)
{
	char buf[65536];
	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (r <= 0)
			return -1;
		s->watch_bytes += r;
	}
}

static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long kib = -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Descriptors the server holds: a leak of connections shows here. */
static long fd_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	long n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Blocking one-shot request with Connection: close; the HTTP status or -1. */
static int simple_request(soak *s, const char *req)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	inet_pton(AF_INET, s->host, &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	send(fd, req, strlen(req), MSG_NOSIGNAL);
	char buf[4096];
	ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	int code = -1;
	if (r > 0) {
		buf[r] = '\0';
		if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
			code = -1;
	}
	return code;
}

static int usage(const char *why)
{
	fprintf(stderr,
		"bench_fa_soak: %s\nusage: bench_fa_soak [--duration S] [--warmup S] "
		"[--history-max N] [--writers N] [--leases N] [--watchers N] "
		"[--stall S] [--max-growth-kib K] [--max-floor-growth-kib K] [--no-json] "
		"[--verbose] [--server PATH]\n",
		why);
	return 3;
}

static bool num_arg(const char *v, double lo, double hi, double *out)
{
	char *end = NULL;
	if (v == NULL)
		return false;
	double d = strtod(v, &end);
	if (end == v || *end != '\0' || d < lo || d > hi)
		return false;
	*out = d;
	return true;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	double duration = 20, warmup = 8, history_max = 4096, writers = 16, leases = 4,
	       watchers = 4, max_growth = -1, max_floor_growth = -1, stall_s = 6;
	bool json = true, verbose = false;
	const char *server = "bin/fake-apiserver";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		double *num = NULL, lo = 0, hi = 0;
		if (strcmp(a, "--duration") == 0)
			num = &duration, lo = 1, hi = 86400;
		else if (strcmp(a, "--warmup") == 0)
			num = &warmup, lo = 0, hi = 86400;
		else if (strcmp(a, "--history-max") == 0)
			num = &history_max, lo = 0, hi = 1e8;
		else if (strcmp(a, "--writers") == 0)
			num = &writers, lo = 1, hi = 128;
		else if (strcmp(a, "--leases") == 0)
			num = &leases, lo = 1, hi = 128;
		else if (strcmp(a, "--watchers") == 0)
			num = &watchers, lo = 0, hi = 64;
		else if (strcmp(a, "--max-growth-kib") == 0)
			num = &max_growth, lo = 0, hi = 1e9;
		else if (strcmp(a, "--max-floor-growth-kib") == 0)
			num = &max_floor_growth, lo = 0, hi = 1e9;
		else if (strcmp(a, "--stall") == 0)
			num = &stall_s, lo = 0.5, hi = 3600;
		else if (strcmp(a, "--no-json") == 0)
			json = false;
		else if (strcmp(a, "--verbose") == 0)
			verbose = true;
		else if (strcmp(a, "--server") == 0 && v != NULL)
			server = argv[++i];
		else {
			char why[160];
			snprintf(why, sizeof(why), "unknown or incomplete argument \"%s\"", a);
			return usage(why);
		}
		if (num != NULL) {
			if (!num_arg(v, lo, hi, num)) {
				char why[200];
				snprintf(why, sizeof(why), "%s: expected a number in %g..%g, got \"%s\"",
					 a, lo, hi, v != NULL ? v : "");
				return usage(why);
			}
			i++;
		}
	}
	if (warmup + 2 > duration)
		return usage("--warmup must end at least 2 s before --duration");

	static soak s;
	char addr[96];
	char hm[32];
	snprintf(hm, sizeof(hm), "%lu", (unsigned long)history_max);
	const char *const flags[] = {"--history-max", hm, NULL};
	pid_t pid = bench_start_fake_apiserver(server, flags, addr, sizeof(addr));
	if (pid < 0) {
		fprintf(stderr, "bench_fa_soak: cannot start %s (run from the repository root "
				"after make all)\n", server);
		return 1;
	}
	sscanf(addr, "%63[^:]:%d", s.host, &s.port);
	snprintf(s.recent_rv, sizeof(s.recent_rv), "1");
	for (int l = 0; l < (int)leases; l++) {
		char req[640], body[256];
		int bl = snprintf(body, sizeof(body),
				  "{\"metadata\":{\"name\":\"soak-%d\"},\"spec\":{\"holderIdentity\":"
				  "\"soak\",\"leaseDurationSeconds\":15,\"leaseTransitions\":0}}",
				  l);
		snprintf(req, sizeof(req),
			 "POST " LEASES " HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
			 addr, bl, body);
		if (simple_request(&s, req) != 201) {
			fprintf(stderr, "bench_fa_soak: cannot create lease soak-%d\n", l);
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
			return 1;
		}
	}
	s.ep = epoll_create1(0);
	int nw = (int)writers, nwa = (int)watchers;
	for (int i = 0; i < nw + nwa + 4 && s.nconns < MAX_CONNS; i++) {
		sconn *c = &s.conns[s.nconns];
		c->idx = s.nconns++;
		if (i < nw) {
			c->kind = K_WRITER;
			c->lease = i % (int)leases;
			c->want_get = true;
		} else if (i < nw + nwa) {
			c->kind = K_WATCHER;
		} else if (i < nw + nwa + 2) {
			c->kind = K_CHURNER;
		} else if (i == nw + nwa + 2) {
			c->kind = K_STALLED;
		} else {
			c->kind = K_FOLLOWER;
		}
		if (open_conn(&s, c) != 0) {
			fprintf(stderr, "bench_fa_soak: cannot connect to %s\n", addr);
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
			return 1;
		}
	}
	printf("bench_fa_soak: bin/fake-apiserver --history-max %.0f at %s; %d writers on %d "
	       "leases, %d watchers, 2 churning watchers, 1 stalled watcher, 1 history "
	       "follower; %.0f s (warm-up %.0f s)\n",
	       history_max, addr, nw, (int)leases, nwa, duration, warmup);
	fflush(stdout);

	double t0 = bench_now_s(), next_sample = t0 + 1, warm_end = t0 + warmup, end = t0 + duration;
	long rss0 = rss_kib(pid), rss_warm = -1, rss_max = -1, rss_last = rss0;
	static double samp_t[MAX_SAMPLES];
	static long samp_rss[MAX_SAMPLES];
	size_t nsamp = 0;
	long writes_warm = 0, fds_warm = -1, fds_max = -1;
	double report_every = duration >= 600 ? 300 : duration, next_report = t0 + report_every;
	struct epoll_event evs[64];
	for (;;) {
		double t = bench_now_s();
		if (t >= end)
			break;
		if (t >= next_sample) {
			next_sample += 1;
			long r = rss_kib(pid);
			if (r < 0) {
				fprintf(stderr, "bench_fa_soak: the server (pid %d) is gone\n", (int)pid);
				return 1;
			}
			rss_last = r;
			long fds = fd_count(pid);
			if (verbose)
				printf("  t=%5.1f s: RSS %ld KiB, %ld fds, %ld writes, stalled cut %ld, "
				       "%ld reconnects\n",
				       t - t0, r, fds, s.writes, s.stalled_cut, s.reconnects);
			if (rss_warm < 0 && t >= warm_end) {
				rss_warm = r;
				rss_max = r;
				writes_warm = s.writes;
				fds_warm = fds_max = fds;
			}
			if (rss_warm >= 0 && nsamp < MAX_SAMPLES) {
				samp_t[nsamp] = t;
				samp_rss[nsamp++] = r;
			}
			if (rss_warm >= 0) {
				if (r > rss_max)
					rss_max = r;
				if (fds > fds_max)
					fds_max = fds;
			}
			for (int i = 0; i < s.nconns; i++) {
				sconn *c = &s.conns[i];
				if (c->fd < 0) {
					reopen(&s, c);
					continue;
				}
				double age = t - c->opened;
				/* a churner's watch ends after 1 s: the server closes it */
				if (c->kind == K_CHURNER && age > 5) {
					s.errors++;
					reopen(&s, c);
				}
				if (c->kind == K_STALLED && !c->draining && age > stall_s) {
					c->draining = true;
					struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
								 .data.ptr = c};
					epoll_ctl(s.ep, EPOLL_CTL_MOD, c->fd, &ev);
					if (drain(&s, c) < 0) {
						s.stalled_cut++;
						reopen(&s, c);
					}
				} else if (c->kind == K_STALLED && age > stall_s + 4) {
					/* still streaming after the stall: never cut off */
					s.stalled_kept++;
					reopen(&s, c);
				}
			}
		}
		if (t >= next_report && t < end - 1) {
			next_report += report_every;
			printf("  t=%5.0f s: RSS %ld KiB (after warm-up %ld, max %ld), %ld writes, "
			       "%ld conflicts\n",
			       t - t0, rss_last, rss_warm, rss_max, s.writes, s.conflicts);
			fflush(stdout);
		}
		int n = epoll_wait(s.ep, evs, 64, 100);
		for (int i = 0; i < n; i++) {
			sconn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			int rc = 0;
			if (evs[i].events & EPOLLOUT)
				rc = flush_out(c);
			if (rc == 0 && c->kind == K_STALLED) {
				if (c->draining && drain(&s, c) < 0) {
					s.stalled_cut++;
					reopen(&s, c);
				}
				continue;
			}
			if (rc == 0 && (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
				rc = c->kind == K_WRITER ? writer_readable(&s, c) : drain(&s, c);
			if (rc < 0) {
				if (c->kind != K_CHURNER)
					s.errors++;
				reopen(&s, c);
			}
		}
	}
	double measured = bench_now_s() - warm_end;
	for (int i = 0; i < s.nconns; i++)
		close_conn(&s, &s.conns[i]);
	close(s.ep);
	/* the server is still whole and answering */
	char state[256];
	snprintf(state, sizeof(state), "GET /leaselab/v1/state HTTP/1.1\r\nHost: %s\r\n"
		 "Connection: close\r\n\r\n", addr);
	int state_code = simple_request(&s, state);
	kill(pid, SIGTERM);
	int status = 0;
	waitpid(pid, &status, 0);

	/* the first and the last window after the warm-up */
	double span = end - warm_end, win = span / 10;
	if (win < 5)
		win = span / 2 < 5 ? span / 2 : 5;
	long first_max = -1, first_min = -1, last_max = -1, last_min = -1;
	for (size_t i = 0; i < nsamp; i++) {
		long r = samp_rss[i];
		if (samp_t[i] < warm_end + win) {
			first_max = first_max < 0 || r > first_max ? r : first_max;
			first_min = first_min < 0 || r < first_min ? r : first_min;
		}
		if (samp_t[i] >= end - win) {
			last_max = last_max < 0 || r > last_max ? r : last_max;
			last_min = last_min < 0 || r < last_min ? r : last_min;
		}
	}
	long growth = last_max - first_max, floor_growth = last_min - first_min;
	double wps = (double)(s.writes - writes_warm) / measured;
	printf("RSS: %ld KiB at start, %ld after the warm-up, %ld at the end, max %ld; first "
	       "%.0f s after the warm-up %ld..%ld, last %.0f s %ld..%ld: peak growth %ld KiB "
	       "(target < %d), floor growth %ld KiB\n",
	       rss0, rss_warm, rss_last, rss_max, win, first_min, first_max, win, last_min,
	       last_max, growth, TARGET_GROWTH_KIB, floor_growth);
	printf("load: %.0f committed writes/s after the warm-up (%ld writes, %ld conflicts, "
	       "%ld re-reads in all), %.1f MB of watch streams, %ld reconnects, stalled "
	       "watcher cut off %ld times (not cut %ld), %ld errors\n",
	       wps, s.writes, s.conflicts, s.gets, (double)s.watch_bytes / 1e6, s.reconnects,
	       s.stalled_cut, s.stalled_kept, s.errors);
	printf("descriptors: %ld after the warm-up, max %ld after it (%d connections open, "
	       "churners reconnecting)\n",
	       fds_warm, fds_max, s.nconns);
	bool ok = true;
	if (fds_max > fds_warm + FD_SLACK) {
		printf("FAIL: the server's descriptors grew from %ld to %ld: connections leak\n",
		       fds_warm, fds_max);
		ok = false;
	}
	if (state_code != 200) {
		printf("FAIL: /leaselab/v1/state answered %d after the soak\n", state_code);
		ok = false;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("FAIL: the server did not exit 0 on SIGTERM (status %d)\n", status);
		ok = false;
	}
	if (s.errors > 0) {
		printf("FAIL: %ld errors (non-200/409 answers or broken connections)\n", s.errors);
		ok = false;
	}
	if (max_growth >= 0 && growth > (long)max_growth) {
		printf("FAIL: peak RSS grew %ld KiB after the warm-up (bound %.0f)\n", growth,
		       max_growth);
		ok = false;
	}
	if (max_floor_growth >= 0 && floor_growth > (long)max_floor_growth) {
		printf("FAIL: floor RSS grew %ld KiB after the warm-up (bound %.0f)\n", floor_growth,
		       max_floor_growth);
		ok = false;
	}
	if (json) {
		bench_figure("bench_fa_soak", "fa_soak_rss_growth_kib", (double)growth, "KiB",
			     "target: < 10 MB growth over the soak", TARGET_GROWTH_KIB);
		bench_figure("bench_fa_soak", "fa_soak_writes_per_s", wps, "writes/s", NULL, 0);
	}
	return ok ? 0 : 1;
}
