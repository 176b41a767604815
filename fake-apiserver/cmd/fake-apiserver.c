/* leaselab — bin/fake-apiserver: a Kubernetes-compatible apiserver for
 * leases, endpoints and configmaps that lies on purpose (fault rules set
 * through its admin API). See docs/fake-apiserver.md.
 *
 * Prints "listening on http[s]://HOST:PORT" on stdout once it serves.
 * Exit codes: 0 after SIGTERM/SIGINT, 3 bad flags or input files, 4 could
 * not start (bind, event loop). */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "../http/fahttp.h"

#define EXIT_BAD_INPUT 3
#define EXIT_START 4

static const char usage[] =
	"usage: fake-apiserver [flags]\n"
	"\n"
	"A fake Kubernetes apiserver for leases, endpoints and configmaps, with\n"
	"fault injection (latency, loss, partitions, errors) through an admin API.\n"
	"\n"
	"  --listen HOST:PORT     address to serve on (default 127.0.0.1:0; port 0\n"
	"                         picks a free one; the bound address is printed)\n"
	"  --state-file PATH      journal every committed write to PATH (fsync'd\n"
	"                         before the reply) and replay it on start\n"
	"  --tokens FILE          bearer tokens, one \"token,user[,group...]\" a line;\n"
	"                         requests then need a known token (or a client cert)\n"
	"  --policy FILE          RBAC-lite rules, one a line:\n"
	"                         <subjects|*> <verbs|*> <resources|*> <namespaces|*> [names|*]\n"
	"                         (a subject is USER, user:USER or group:GROUP);\n"
	"                         needs --tokens or --client-ca\n"
	"  --tls-cert FILE        serve HTTPS with this certificate (PEM chain)\n"
	"  --tls-key FILE         and this private key (PEM)\n"
	"  --client-ca FILE       verify client certificates against this CA; a\n"
	"                         verified certificate's CN is the user, O the groups\n"
	"  --admin-token TOKEN    bearer token for /leaselab/v1/...; required with\n"
	"                         --tokens, --client-ca or --policy (else: open)\n"
	"  --seed N               seed for uids and fault draws (default 1)\n"
	"  --max-connections N    open connections before new ones get 503 (1024)\n"
	"  --idle-timeout D       close a connection idle this long (60s)\n"
	"  --request-timeout D    close a connection that takes longer to send a\n"
	"                         whole request (30s), or makes no write progress\n"
	"  --watch-backlog-max SIZE\n"
	"                         bytes all watches together may have queued for\n"
	"                         clients that stopped reading (64Mi; suffix Ki,\n"
	"                         Mi, Gi); past it the largest backlogs are cut off\n"
	"  --history-max N        keep only the newest N writes of the store's\n"
	"                         history (10000; 0 keeps all); a watch or a\n"
	"                         history read from before them gets 410 Gone\n"
	"  --log-requests         one line per request on stderr\n"
	"  --coordinated-leader-election\n"
	"                         run the coordinated leader election controller\n"
	"                         (KEP-4355): elect among LeaseCandidates and write\n"
	"                         their Leases, as kube-apiserver does with its\n"
	"                         CoordinatedLeaderElection feature gate\n"
	"  --help                 this text\n"
	"\n"
	"With no --tokens and no --client-ca every client is \"system:admin\", or\n"
	"the X-Leaselab-Identity header when a request sends one.\n";

typedef struct flags {
	const char *listen;
	const char *state_file;
	const char *tokens;
	const char *policy;
	const char *tls_cert;
	const char *tls_key;
	const char *client_ca;
	const char *admin_token;
	uint64_t seed;
	uint64_t max_connections;
	uint64_t history_max;
	uint64_t watch_backlog_max;
	int64_t idle_timeout_ns;
	int64_t request_timeout_ns;
	bool log_requests;
	bool coordinated;
} flags;

/* The history a server keeps unless told (--history-max): some 30 MB at
 * about 3 KiB a write, hours of renewals for a few leases. Unbounded, a
 * long run's memory grew without end; a tool that needs every write (the
 * live harness's checker) asks for 0. */
#define HISTORY_MAX_DEFAULT 10000

static int bad_flag(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "fake-apiserver: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, " (see --help)\n");
	return EXIT_BAD_INPUT;
}

static int parse_u64(const char *s, uint64_t *out)
{
	if (s[0] == '\0' || s[0] == '-')
		return -1;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno != 0 || end == NULL || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* N, NKi, NMi or NGi (binary units, as Kubernetes quantities write them). */
static int parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}};
	char num[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (n > 2 && strcmp(s + n - 2, units[k].suffix) == 0) {
			shift = units[k].shift;
			n -= 2;
		}
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	uint64_t v;
	if (parse_u64(num, &v) != 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

/* Returns 0, or the exit code (-1 for --help). */
static int parse_flags(int argc, char **argv, flags *f)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{"--listen", offsetof(flags, listen)},
		{"--state-file", offsetof(flags, state_file)},
		{"--tokens", offsetof(flags, tokens)},
		{"--policy", offsetof(flags, policy)},
		{"--tls-cert", offsetof(flags, tls_cert)},
		{"--tls-key", offsetof(flags, tls_key)},
		{"--client-ca", offsetof(flags, client_ca)},
		{"--admin-token", offsetof(flags, admin_token)},
	};
	memset(f, 0, sizeof(*f));
	f->listen = "127.0.0.1:0";
	f->seed = 1;
	f->history_max = HISTORY_MAX_DEFAULT;
	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *arg = argv[i], *val = NULL;
		const char *eq = strchr(arg, '=');
		if (strncmp(arg, "--", 2) != 0 || (eq != NULL && (size_t)(eq - arg) >= sizeof(name)))
			return bad_flag("unexpected argument \"%s\"%s", arg, "");
		if (eq != NULL) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
		}
		if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
			return -1;
		if (strcmp(name, "--log-requests") == 0 ||
		    strcmp(name, "--coordinated-leader-election") == 0) {
			if (val != NULL)
				return bad_flag("%s takes no value%s", name, "");
			if (name[2] == 'l')
				f->log_requests = true;
			else
				f->coordinated = true;
			continue;
		}
		static const char *const numeric[] = {"--seed", "--max-connections",
						      "--idle-timeout", "--request-timeout",
						      "--history-max", "--watch-backlog-max"};
		bool known = false;
		for (size_t k = 0; k < sizeof(numeric) / sizeof(numeric[0]); k++)
			known = known || strcmp(name, numeric[k]) == 0;
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			known = known || strcmp(name, strs[k].name) == 0;
		if (!known)
			return bad_flag("unknown flag %s%s", name, "");
		if (val == NULL) {
			if (i + 1 >= argc)
				return bad_flag("%s needs a value%s", name, "");
			val = argv[++i];
		}
		if (strcmp(name, "--seed") == 0) {
			if (parse_u64(val, &f->seed) != 0)
				return bad_flag("--seed: expected an unsigned integer, got \"%s\"%s",
						val, "");
			continue;
		}
		if (strcmp(name, "--history-max") == 0) {
			if (parse_u64(val, &f->history_max) != 0 || f->history_max > 100000000)
				return bad_flag("--history-max: expected 0..100000000 (0: keep all), "
						"got \"%s\"%s", val, "");
			continue;
		}
		if (strcmp(name, "--watch-backlog-max") == 0) {
			if (parse_size(val, &f->watch_backlog_max) != 0 ||
			    f->watch_backlog_max < ((uint64_t)64 << 10) ||
			    f->watch_backlog_max > ((uint64_t)1 << 40))
				return bad_flag("--watch-backlog-max: expected bytes from 64Ki to "
						"1Ti (suffix Ki, Mi, Gi), got \"%s\"%s", val, "");
			continue;
		}
		if (strcmp(name, "--max-connections") == 0) {
			if (parse_u64(val, &f->max_connections) != 0 || f->max_connections == 0 ||
			    f->max_connections > 1000000)
				return bad_flag("--max-connections: expected 1..1000000, got \"%s\"%s",
						val, "");
			continue;
		}
		if (strcmp(name, "--idle-timeout") == 0 || strcmp(name, "--request-timeout") == 0) {
			char derr[160];
			int64_t ns = 0;
			if (le_parse_duration(val, &ns, derr, sizeof(derr)) != LE_OK || ns <= 0)
				return bad_flag("%s: expected a positive duration like 30s, got \"%s\"",
						name, val);
			if (name[2] == 'i')
				f->idle_timeout_ns = ns;
			else
				f->request_timeout_ns = ns;
			continue;
		}
		if (val[0] == '\0')
			return bad_flag("%s needs a non-empty value%s", name, "");
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			if (strcmp(name, strs[k].name) == 0)
				*(const char **)((char *)f + strs[k].off) = val;
	}
	if ((f->tls_cert == NULL) != (f->tls_key == NULL))
		return bad_flag("--tls-cert and --tls-key go together%s%s", "", "");
	if (f->client_ca != NULL && f->tls_cert == NULL)
		return bad_flag("--client-ca needs --tls-cert and --tls-key%s%s", "", "");
	/* Fail closed: a policy over identities anyone can claim (the
	 * X-Leaselab-Identity header) protects nothing. */
	if (f->policy != NULL && f->tokens == NULL && f->client_ca == NULL)
		return bad_flag("--policy needs --tokens or --client-ca: without "
				"authentication anyone can claim any user%s%s", "", "");
	if ((f->tokens != NULL || f->client_ca != NULL || f->policy != NULL) &&
	    f->admin_token == NULL)
		return bad_flag("--tokens, --client-ca and --policy need --admin-token: "
				"the admin API reads every object and takes the server "
				"down%s%s", "", "");
	return 0;
}

static void log_line(void *ud, const char *line)
{
	(void)ud;
	fprintf(stderr, "fake-apiserver: %s\n", line);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

static int64_t wall_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	flags f;
	int rc = parse_flags(argc, argv, &f);
	if (rc == -1) {
		fputs(usage, stdout);
		return 0;
	}
	if (rc != 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);

	char err[1024];
	int exit_code = EXIT_START;
	fa_store *store = fa_store_new(f.seed);
	if (store != NULL)
		fa_store_set_history_max(store, (size_t)f.history_max);
	fa_authz *authz = fa_authz_new();
	fa_faults *faults = fa_faults_new();
	fahttp_journal *journal = NULL;
	fahttp_ctx *ctx = NULL;
	fahttp_server *srv = NULL;
	fahttp_election *election = NULL;
	struct event_base *base = NULL;
	struct event *sigterm = NULL, *sigint = NULL;
	if (store == NULL || authz == NULL || faults == NULL) {
		fprintf(stderr, "fake-apiserver: out of memory\n");
		goto out;
	}
	exit_code = EXIT_BAD_INPUT;
	if (f.tokens != NULL &&
	    fa_authz_load_tokens(authz, f.tokens, err, sizeof(err)) != LE_OK) {
		fprintf(stderr, "fake-apiserver: --tokens: %s\n", err);
		goto out;
	}
	if (f.policy != NULL &&
	    fa_authz_load_policy(authz, f.policy, err, sizeof(err)) != LE_OK) {
		fprintf(stderr, "fake-apiserver: --policy: %s\n", err);
		goto out;
	}
	if (f.state_file != NULL) {
		size_t replayed = 0;
		journal = fahttp_journal_open(f.state_file, store, &replayed, err,
					      sizeof(err));
		if (journal == NULL) {
			fprintf(stderr, "fake-apiserver: --state-file: %s\n", err);
			goto out;
		}
		fprintf(stderr, "fake-apiserver: replayed %zu journal lines from %s "
			"(revision %llu)\n", replayed, f.state_file,
			(unsigned long long)fa_store_revision(store));
		size_t dropped = fahttp_journal_dropped_bytes(journal);
		if (dropped > 0)
			fprintf(stderr, "fake-apiserver: W %s: dropped a torn last line "
				"of %zu bytes (a write never acknowledged, or a file cut "
				"short)\n", f.state_file, dropped);
	}
	fahttp_options opt = {
		.tokens_configured = f.tokens != NULL,
		.client_certs_configured = f.client_ca != NULL,
		.admin_token = f.admin_token,
		.seed = f.seed,
		.start_wall_ns = wall_now_ns(),
	};
	ctx = fahttp_ctx_new(store, authz, faults, &opt);
	/* evhttp turns a connection's read interest off and on around every
	 * request; the changelist folds those into one epoll_ctl (or none) per
	 * loop turn. */
	struct event_config *ecfg = event_config_new();
	if (ecfg != NULL) {
		event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		base = event_base_new_with_config(ecfg);
		event_config_free(ecfg);
	}
	if (ctx == NULL || base == NULL) {
		fprintf(stderr, "fake-apiserver: out of memory\n");
		exit_code = EXIT_START;
		goto out;
	}
	fahttp_server_config cfg = {
		.listen = f.listen,
		.tls_cert = f.tls_cert,
		.tls_key = f.tls_key,
		.client_ca = f.client_ca,
		.log = f.log_requests ? log_line : NULL,
		.log_events = log_line,
		.max_connections = (size_t)f.max_connections,
		.idle_timeout_ns = f.idle_timeout_ns,
		.request_timeout_ns = f.request_timeout_ns,
		.write_stall_timeout_ns = f.request_timeout_ns,
		.watch_backlog_total_max = (size_t)f.watch_backlog_max,
	};
	srv = fahttp_server_new(base, ctx, &cfg, err, sizeof(err));
	if (srv == NULL) {
		fprintf(stderr, "fake-apiserver: %s\n", err);
		/* unreadable TLS files are bad input; a busy port is not */
		exit_code = strncmp(err, "cannot listen", 13) == 0 ? EXIT_START : EXIT_BAD_INPUT;
		goto out;
	}
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	if (sigterm == NULL || sigint == NULL || event_add(sigterm, NULL) != 0 ||
	    event_add(sigint, NULL) != 0) {
		fprintf(stderr, "fake-apiserver: cannot install signal handlers\n");
		exit_code = EXIT_START;
		goto out;
	}
	if (f.coordinated &&
	    (election = fahttp_election_new(base, store, log_line, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fake-apiserver: %s\n", err);
		exit_code = EXIT_START;
		goto out;
	}
	printf("listening on %s://%s\n", fahttp_server_tls(srv) ? "https" : "http",
	       fahttp_server_address(srv));
	fflush(stdout);
	fprintf(stderr, "fake-apiserver: seed %llu%s%s%s%s\n", (unsigned long long)f.seed,
		f.tokens != NULL ? ", tokens" : "", f.client_ca != NULL ? ", client certs" : "",
		f.policy != NULL ? ", policy" : "",
		f.coordinated ? ", coordinated leader election" : "");
	exit_code = event_base_dispatch(base) < 0 ? EXIT_START : 0;
out:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	fahttp_election_free(election);
	fahttp_server_free(srv);
	fahttp_ctx_free(ctx);
	if (base != NULL)
		event_base_free(base);
	fahttp_journal_close(journal);
	fa_faults_free(faults);
	fa_authz_free(authz);
	fa_store_free(store);
	return exit_code;
}
