/* libFuzzer target: bytes in, bytes out, through the real HTTP server.
 *
 * Each input is written as-is to a TCP connection to a fahttp_server on
 * 127.0.0.1 (evhttp's parser, server.c, the connection guard), whose store
 * journals to a state file (journal.c) and whose clients authenticate with
 * bearer tokens against a policy (authz.c); then the client half-closes and
 * reads until the server closes or goes quiet. Tokens the dictionary knows:
 * "t-admin" (root), "t-dev" (group dev: leases in default), the admin token
 * "adm". Every 256 inputs the world is rebuilt and the journal replayed, so
 * replay and compaction see what the writes left.
 * Checks: no crash (ASan/UBSan); any answer starts with an HTTP/N.N status
 * line whose code is 100..599. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "../../fake-apiserver/http/fahttp.h"

#define REBUILD_EVERY 256
#define QUIET_TURNS_MAX 200

typedef struct world {
	char dir[64];
	char journal_path[96];
	struct event_base *base;
	fa_store *store;
	fa_authz *authz;
	fa_faults *faults;
	fahttp_journal *journal;
	fahttp_ctx *ctx;
	fahttp_server *srv;
	unsigned port;
	unsigned inputs;
} world;

static world W; /* the harness's own state; libFuzzer calls us in one thread */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static void world_up(void)
{
	char path[128], err[512];
	W.base = event_base_new();
	W.store = fa_store_new(1);
	W.authz = fa_authz_new();
	W.faults = fa_faults_new();
	snprintf(path, sizeof(path), "%s/tokens", W.dir);
	write_file(path, "t-admin,root\nt-dev,dana,dev\n");
	if (fa_authz_load_tokens(W.authz, path, err, sizeof(err)) != LE_OK)
		abort();
	snprintf(path, sizeof(path), "%s/policy", W.dir);
	write_file(path, "root * * *\ngroup:dev get,list,watch,create,update,patch,delete leases default\n"
			 "dana get configmaps default cfg\n");
	if (fa_authz_load_policy(W.authz, path, err, sizeof(err)) != LE_OK)
		abort();
	W.journal = fahttp_journal_open(W.journal_path, W.store, NULL, err, sizeof(err));
	if (W.journal == NULL) {
		fprintf(stderr, "fuzz_fa_http: %s\n", err);
		abort();
	}
	fahttp_options opt = {.tokens_configured = true, .admin_token = "adm", .seed = 1};
	W.ctx = fahttp_ctx_new(W.store, W.authz, W.faults, &opt);
	fahttp_server_config cfg = {.listen = "127.0.0.1:0"};
	W.srv = fahttp_server_new(W.base, W.ctx, &cfg, err, sizeof(err));
	if (W.ctx == NULL || W.srv == NULL) {
		fprintf(stderr, "fuzz_fa_http: %s\n", err);
		abort();
	}
	const char *colon = strrchr(fahttp_server_address(W.srv), ':');
	W.port = (unsigned)strtoul(colon + 1, NULL, 10);
}

static void world_down(void)
{
	fahttp_server_free(W.srv);
	fahttp_ctx_free(W.ctx);
	fahttp_journal_close(W.journal);
	fa_faults_free(W.faults);
	fa_authz_free(W.authz);
	fa_store_free(W.store);
	event_base_free(W.base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(W.dir, sizeof(W.dir), "%s/fuzz_fa_http.%d", base, (int)getpid());
	if (mkdir(W.dir, 0700) != 0 && errno != EEXIST)
		abort();
	snprintf(W.journal_path, sizeof(W.journal_path), "%s/state.jsonl", W.dir);
	unlink(W.journal_path);
	world_up();
	return 0;
}

static void check_answer(const char *buf, size_t n)
{
	if (n == 0)
		return; /* held (a black hole) or closed: allowed */
	/* evhttp echoes the client's version, even "HTTP/1.-1", in the text/html
	 * errors it sends itself (400, 501: requests that never reach us); our
	 * answers must say 1.0 or 1.1 */
	const char *sp = n >= 12 ? memchr(buf, ' ', n < 16 ? n : 16) : NULL;
	if (n < 12 || memcmp(buf, "HTTP/", 5) != 0 || sp == NULL || (size_t)(sp - buf) + 4 > n) {
		fprintf(stderr, "not an HTTP answer: %.*s\n", (int)(n < 80 ? n : 80), buf);
		abort();
	}
	int code = atoi(sp + 1);
	bool evhttps_own = false;
	static const char html[] = "Content-Type: text/html";
	for (size_t i = 0; !evhttps_own && i + sizeof(html) - 1 <= n; i++)
		evhttps_own = memcmp(buf + i, html, sizeof(html) - 1) == 0;
	if (!(buf[5] == '1' && buf[6] == '.' && (buf[7] == '0' || buf[7] == '1')) && !evhttps_own) {
		fprintf(stderr, "we answered with a version we do not speak: %.*s\n",
			(int)(n < 80 ? n : 80), buf);
		abort();
	}
	if (code < 100 || code > 599) {
		fprintf(stderr, "status code %d\n", code);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (++W.inputs % REBUILD_EVERY == 0) {
		world_down();
		world_up(); /* replays the journal the last world wrote */
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)W.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS)
		abort();
	char answer[4096];
	size_t sent = 0, got = 0;
	bool half_closed = false, eof = false;
	for (int quiet = 0; !eof && quiet < QUIET_TURNS_MAX; quiet++) {
		event_base_loop(W.base, EVLOOP_NONBLOCK);
		if (sent < size) {
			ssize_t w = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (w > 0) {
				sent += (size_t)w;
				quiet = 0;
			} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				sent = size; /* the server closed on us */
			}
		} else if (!half_closed) {
			shutdown(fd, SHUT_WR);
			half_closed = true;
		}
		for (;;) {
			char tmp[4096];
			ssize_t r = recv(fd, tmp, sizeof(tmp), 0);
			if (r > 0) {
				size_t keep = got < sizeof(answer) ? sizeof(answer) - got : 0;
				memcpy(answer + got, tmp, (size_t)r < keep ? (size_t)r : keep);
				got += (size_t)r < keep ? (size_t)r : keep;
				quiet = 0;
				continue;
			}
			if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				eof = true;
			break;
		}
	}
	close(fd);
	event_base_loop(W.base, EVLOOP_NONBLOCK);
	check_answer(answer, got);
	return 0;
}
