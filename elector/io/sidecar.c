/* bin/elector's command line: leader-elector:0.5's flags, the modern ones,
 * and the checks that turn a bad value into one line naming the flag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_internal.h"
#include "sidecar.h"
#include "leaselab/internal/names.h"

/* The help text in paragraphs (ISO C caps one string literal at 4095). */
static const char *const help_text[] = {
	"Usage: elector --election=NAME [flags]\n"
	"\n",
	"Leader election sidecar, a drop-in for k8s.gcr.io/leader-elector:0.5 that\n"
	"behaves like client-go's leaderelection. Every pod running it with the same\n"
	"--election campaigns for one lock object; the winner holds it and renews it\n"
	"while it lives. With --http, every pod answers who leads, so the container\n"
	"next to it can ask: curl http://localhost:4040/  ->  {\"name\":\"<leader id>\"}\n"
	"\n",
	"Flags of leader-elector:0.5:\n"
	"  --election=NAME               name of the lock object (required)\n"
	"  --id=ID                       this candidate's identity (default: the hostname,\n"
	"                                which is the pod name in Kubernetes)\n"
	"  --election-namespace=NS       namespace of the lock object (default \"default\")\n"
	"  --ttl=DURATION                set all timings from one value: lease duration = ttl,\n"
	"                                renew deadline = ttl/2, retry period = ttl/4\n"
	"                                (0.5's default was 10s)\n"
	"  --use-cluster-credentials     use the pod's service account only (otherwise the\n"
	"                                kubeconfig rules below, then the service account)\n"
	"  --http=HOST:PORT              serve the status endpoints, e.g. 0.0.0.0:4040:\n"
	"                                  /         {\"name\":\"<leader>\"} (kept current)\n"
	"                                  /healthz  200 ok, or 500 once this leader has failed\n"
	"                                            to renew for lease duration + tolerance\n"
	"                                  /metrics  Prometheus metrics\n"
	"\n",
	"Lock and timing:\n"
	"  --lock=KIND                   leases | endpoints | configmaps | endpointsleases |\n"
	"                                configmapsleases (default leases, endpoints under\n"
	"                                --profile=sidecar-0.5: 0.5 had no other lock;\n"
	"                                Kubernetes removed endpoints and configmaps as locks\n"
	"                                in 1.24: use them only to interoperate). The last\n"
	"                                two are client-go's MultiLock for migrating to a\n"
	"                                Lease (the annotation object, then the Lease of the\n"
	"                                same name); only --profile=client-go-1.27 and\n"
	"                                client-go-1.23 have them; endpoints and configmaps\n"
	"                                need --profile=client-go-1.23 or older\n"
	"  --lease-duration=DURATION     how long followers wait after the last change they\n"
	"                                saw before taking over (default 15s)\n"
	"  --renew-deadline=DURATION     how long the leader keeps retrying a renewal before\n"
	"                                it gives up leadership (default 10s)\n"
	"  --retry-period=DURATION       time between attempts (default 2s)\n"
	"  --request-timeout=DURATION    per-request timeout (default max(1s, renew deadline/2))\n"
	"  --release-on-cancel=BOOL      on SIGTERM, hand the lock over at once by writing an\n"
	"                                empty holder (default true)\n"
	"  --profile=NAME                client-go (default: the newest GA release, 1.36) |\n"
	"                                client-go-head | client-go-1.34 | client-go-1.31 |\n"
	"                                client-go-1.14 | client-go-1.11 | sidecar-0.5 |\n"
	"                                python-22.6 (--profile=help lists them, with the\n"
	"                                old names client-go-2024 and client-go-2018):\n"
	"                                reproduce a release's behaviour,\n"
	"                                bugs included (sidecar-0.5 defaults to --ttl=10s\n"
	"                                and --lock=endpoints, and its / serves the leader\n"
	"                                as 0.5 knew it: a follower keeps the name it saw at\n"
	"                                startup)\n"
	"  --liberal-records=BOOL        read annotation records other clients wrote (a\n"
	"                                string leaseDurationSeconds, times without a zone);\n"
	"                                Go rejects them, so by default, as in every Go\n"
	"                                profile, such a lock is never acquired (default false)\n"
	"  Rules (checked at startup): lease duration > renew deadline > 1.2 x retry period,\n"
	"  lease duration >= 1s. Keep retry period + renew deadline well below the lease\n"
	"  duration, or two pods can lead at once.\n"
	"\n",
	"Connecting to the apiserver (as kubectl finds it):\n"
	"  --coordinated                 coordinated leader election (KEP-4355): publish a\n"
	"                                LeaseCandidate named --id and take the lease only\n"
	"                                when the apiserver's election controller names this\n"
	"                                candidate holder (docs/coordinated.md)\n"
	"  --binary-version=V            with --coordinated: this binary's version, e.g. 1.33.0\n"
	"  --emulation-version=V         with --coordinated: the version it behaves as\n"
	"                                (<= --binary-version); the lowest one leads\n"
	"  --candidate-api-version=V     v1beta1 (default, Kubernetes 1.33+) or v1alpha2 (1.32)\n"
	"  --kubeconfig=PATH             use this kubeconfig file only\n"
	"  --context=NAME                kubeconfig context (default: current-context)\n"
	"  Without --kubeconfig: $KUBECONFIG (colon-separated list, merged as kubectl\n"
	"  does), then ~/.kube/config, then the service account of the pod.\n"
	"\n",
	"Output:\n"
	"  --healthz-tolerance=DURATION  extra time before /healthz fails (default 20s)\n"
	"  --log-format=FORMAT           text (default: klog-style lines on stderr, \"<id> is\n"
	"                                the leader\" on stdout) or json (one object per line\n"
	"                                on stdout: ts, level, event, identity, msg)\n"
	"  --v=N                         log verbosity (default 4, which shows \"lock is held\n"
	"                                by ...\" as 0.5 did; 5 adds every renewal)\n"
	"  -h, --help                    this text\n"
	"  --version                     print the version\n"
	"\n",
	"Durations are written as in Go: 500ms, 10s, 1m30s.\n"
	"Signals: SIGTERM or SIGINT releases the lock (unless --release-on-cancel=false)\n"
	"and exits 0; a second signal exits at once.\n"
	"Exit codes: 0 stopped by a signal; 3 bad flag, kubeconfig, certificate or --http\n"
	"address (taken or not local), nothing started; 255 with --profile=sidecar-0.5\n"
	"when its startup fails (as 0.5 did: \"failed to create election\"); 1 otherwise.\n"
	"\n",
	"Example (the article's sidecar, in the pod's container list):\n"
	"  args: [\"--election=elect-nginx-deploy\", \"--http=0.0.0.0:4444\"]\n"
	"and on a workstation, against the cluster in ~/.kube/config:\n"
	"  elector --election=elect-nginx-deploy --id=me --http=127.0.0.1:4444\n"
	"The pod's service account needs get, create and update on the lock object:\n"
	"see examples/k8s/rbac.yaml and docs/sidecar.md.\n",
	NULL,
};

const char *const *le_sidecar_help(void)
{
	return help_text;
}

/* ---- flag table ---------------------------------------------------------- */

typedef enum flag_kind { F_STRING, F_BOOL, F_DURATION, F_INT, F_SPECIAL } flag_kind;

typedef struct flag_def {
	const char *name;
	flag_kind kind;
} flag_def;

static const flag_def flags[] = {
	{"election", F_STRING},
	{"id", F_STRING},
	{"election-namespace", F_STRING},
	{"ttl", F_DURATION},
	{"use-cluster-credentials", F_BOOL},
	{"http", F_STRING},
	{"lock", F_SPECIAL},
	{"kubeconfig", F_STRING},
	{"context", F_STRING},
	{"lease-duration", F_DURATION},
	{"renew-deadline", F_DURATION},
	{"retry-period", F_DURATION},
	{"request-timeout", F_DURATION},
	{"release-on-cancel", F_BOOL},
	{"liberal-records", F_BOOL},
	{"profile", F_SPECIAL},
	{"healthz-tolerance", F_DURATION},
	{"log-format", F_SPECIAL},
	{"v", F_INT},
	{"help", F_BOOL},
	{"h", F_BOOL},
	{"version", F_BOOL},
	{"coordinated", F_BOOL},
	{"binary-version", F_STRING},
	{"emulation-version", F_STRING},
	{"candidate-api-version", F_SPECIAL},
};

static const flag_def *find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strlen(flags[i].name) == len && !strncmp(flags[i].name, name, len))
			return &flags[i];
	return NULL;
}

/* A space-separated value that is itself one of our flags ("--election
 * --id=x") is a forgotten value, not a name starting with dashes. */
static bool looks_like_flag(const char *a)
{
	if (a[0] != '-' || !a[1])
		return false;
	const char *name = a + (a[1] == '-' ? 2 : 1);
	const char *eq = strchr(name, '=');
	return find_flag(name, eq ? (size_t)(eq - name) : strlen(name)) != NULL;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "t") || !strcmp(v, "T") ||
	    !strcmp(v, "TRUE") || !strcmp(v, "True"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "f") || !strcmp(v, "F") ||
		 !strcmp(v, "FALSE") || !strcmp(v, "False"))
		*out = false;
	else
		return LE_EINVAL;
	return LE_OK;
}

/* Store one flag's value. */
static int set_flag(le_sidecar_opts *o, const flag_def *f, const char *v, char *err, size_t errcap)
{
	const char *n = f->name;
	if (f->kind == F_BOOL) {
		bool b;
		if (parse_bool(v, &b) != LE_OK) {
			snprintf(err, errcap, "--%s=%s: expected true or false", n, v);
			return LE_EINVAL;
		}
		if (!strcmp(n, "use-cluster-credentials"))
			o->use_cluster_credentials = b;
		else if (!strcmp(n, "release-on-cancel"))
			o->release_on_cancel = b;
		else if (!strcmp(n, "liberal-records"))
			o->liberal_records = b;
		else if (!strcmp(n, "coordinated"))
			o->coordinated = b;
		else if (!strcmp(n, "version"))
			o->version = b;
		else
			o->help = b;
		return LE_OK;
	}
	if (f->kind == F_DURATION) {
		int64_t ns;
		char derr[256];
		if (le_parse_duration(v, &ns, derr, sizeof derr) != LE_OK) {
			snprintf(err, errcap, "--%s=%s: %s", n, v, derr);
			return LE_EINVAL;
		}
		if (ns <= 0) {
			snprintf(err, errcap, "--%s=%s: must be greater than zero", n, v);
			return LE_EINVAL;
		}
		if (!strcmp(n, "ttl"))
			o->ttl_ns = ns;
		else if (!strcmp(n, "lease-duration"))
			o->lease_duration_ns = ns;
		else if (!strcmp(n, "renew-deadline"))
			o->renew_deadline_ns = ns;
		else if (!strcmp(n, "retry-period"))
			o->retry_period_ns = ns;
		else if (!strcmp(n, "request-timeout"))
			o->request_timeout_ns = ns;
		else
			o->healthz_tolerance_ns = ns;
		return LE_OK;
	}
	if (f->kind == F_INT) {
		char *end;
		long x = strtol(v, &end, 10);
		if (!*v || *end || x < 0 || x > 10) {
			snprintf(err, errcap, "--%s=%s: expected a number from 0 to 10", n, v);
			return LE_EINVAL;
		}
		o->verbosity = (int)x;
		return LE_OK;
	}
	if (!strcmp(n, "lock")) {
		if (le_lock_kind_parse(v, &o->lock) != LE_OK) {
			snprintf(err, errcap,
				 "--lock=%s: expected leases, endpoints, configmaps, "
				 "endpointsleases or configmapsleases",
				 v);
			return LE_EINVAL;
		}
		return LE_OK;
	}
	if (!strcmp(n, "profile")) {
		if (!strcmp(v, "help")) {
			o->profile_help = true;
			return LE_OK;
		}
		o->profile = le_profile_find(v);
		if (!o->profile) {
			snprintf(err, errcap,
				 "--profile=%s: expected client-go, client-go-head, client-go-1.34, "
				 "client-go-1.31, client-go-1.27, client-go-1.23, client-go-1.14, client-go-1.11, "
				 "sidecar-0.5 or python-22.6 (see --profile=help)",
				 v);
			return LE_EINVAL;
		}
		return LE_OK;
	}
	if (!strcmp(n, "candidate-api-version")) {
		if (strcmp(v, "v1beta1") && strcmp(v, "v1alpha2")) {
			snprintf(err, errcap,
				 "--candidate-api-version=%s: expected v1beta1 (Kubernetes 1.33+) "
				 "or v1alpha2 (1.32)",
				 v);
			return LE_EINVAL;
		}
		o->candidate_api_version = v;
		return LE_OK;
	}
	if (!strcmp(n, "log-format")) {
		if (strcmp(v, "text") && strcmp(v, "json")) {
			snprintf(err, errcap, "--log-format=%s: expected text or json", v);
			return LE_EINVAL;
		}
		o->log_json = !strcmp(v, "json");
		return LE_OK;
	}
	/* strings */
	if (!strcmp(n, "id")) {
		if (strlen(v) >= sizeof o->id) {
			snprintf(err, errcap, "--id: longer than %d bytes", LE_ID_MAX - 1);
			return LE_EINVAL;
		}
		snprintf(o->id, sizeof o->id, "%s", v);
		if (!*v) {
			snprintf(err, errcap,
				 "--id: must not be empty (leave it out to use the hostname)");
			return LE_EINVAL;
		}
	} else if (!strcmp(n, "election")) {
		o->election = v;
	} else if (!strcmp(n, "election-namespace")) {
		o->election_namespace = v;
	} else if (!strcmp(n, "http")) {
		char host[256];
		int port;
		if (!io_split_hostport(v, host, sizeof host, &port)) {
			snprintf(err, errcap,
				 "--http=%s: expected HOST:PORT, e.g. 0.0.0.0:4040 or 127.0.0.1:0",
				 v);
			return LE_EINVAL;
		}
		o->http = v;
	} else if (!strcmp(n, "kubeconfig")) {
		o->kubeconfig = v;
	} else if (!strcmp(n, "binary-version")) {
		o->binary_version = v;
	} else if (!strcmp(n, "emulation-version")) {
		o->emulation_version = v;
	} else {
		o->context = v;
	}
	return LE_OK;
}

/* --coordinated and its versions, checked as the apiserver's
 * ValidateLeaseCandidate would check the candidate (election-spec.md 8):
 * a candidate it refuses would be retried forever. */
static int coordinated_check(const le_sidecar_opts *o, char *err, size_t errcap)
{
	static const char *const names[] = {"binary-version", "emulation-version"};
	const char *vals[] = {o->binary_version, o->emulation_version};
	le_semver sv[2];
	char verr[LE_ERRMSG_MAX];
	if (!o->coordinated) {
		for (int i = 0; i < 2; i++)
			if (vals[i]) {
				snprintf(err, errcap, "--%s: only with --coordinated", names[i]);
				return LE_EINVAL;
			}
		if (o->candidate_api_version) {
			snprintf(err, errcap, "--candidate-api-version: only with --coordinated");
			return LE_EINVAL;
		}
		return LE_OK;
	}
	if (o->lock != LE_LOCK_LEASES) {
		snprintf(err, errcap, "--coordinated: needs --lock=leases (the controller "
				      "writes a Lease), not --lock=%s",
			 le_lock_kind_name(o->lock));
		return LE_EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		if (!vals[i] || !*vals[i]) {
			snprintf(err, errcap, "--coordinated needs --%s=MAJOR.MINOR.PATCH, e.g. --%s=1.33.0",
				 names[i], names[i]);
			return LE_EINVAL;
		}
		if (le_semver_parse_strict(vals[i], &sv[i], verr, sizeof verr) != LE_OK) {
			snprintf(err, errcap,
				 "--%s=%s: not a semantic version MAJOR.MINOR.PATCH (the apiserver "
				 "refuses it): %s",
				 names[i], vals[i], verr);
			return LE_EINVAL;
		}
	}
	if (le_semver_compare(&sv[0], &sv[1]) < 0) {
		snprintf(err, errcap,
			 "--binary-version=%s is below --emulation-version=%s (a binary emulates "
			 "its own or an older version)",
			 vals[0], vals[1]);
		return LE_EINVAL;
	}
	char kerr[512];
	size_t n = strlen(o->id);
	bool key_ok = n > 0 && n <= 253 && strcmp(o->id, ".") && strncmp(o->id, "..", 2);
	for (size_t i = 0; key_ok && i < n; i++) {
		char ch = o->id[i];
		key_ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
	}
	if (!key_ok) {
		snprintf(kerr, sizeof kerr,
			 "--id=%.253s: with --coordinated the identity names the LeaseCandidate: "
			 "letters, digits, '-', '_' and '.' only",
			 o->id);
		snprintf(err, errcap, "%s", kerr);
		return LE_EINVAL;
	}
	return LE_OK;
}

int le_sidecar_parse(int argc, char *const *argv, const char *hostname, le_sidecar_opts *o,
		     char *err, size_t errcap)
{
	memset(o, 0, sizeof *o);
	o->election_namespace = "default";
	o->lock = LE_LOCK_LEASES;
	o->release_on_cancel = true;
	o->profile = &le_profile_client_go;
	o->healthz_tolerance_ns = 20 * LE_NS_PER_S;
	o->verbosity = 4;
	bool id_set = false, lock_set = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1]) {
			snprintf(err, errcap,
				 "unexpected argument \"%s\" (flags are written --name=value)", a);
			return LE_EINVAL;
		}
		/* Go accepts -name and --name alike. */
		const char *name = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const flag_def *f = find_flag(name, len);
		if (!f) {
			snprintf(err, errcap, "unknown flag: --%.*s (see elector --help)", (int)len,
				 name);
			return LE_EINVAL;
		}
		const char *v;
		if (eq) {
			v = eq + 1;
		} else if (f->kind == F_BOOL) {
			v = "true";
		} else if (i + 1 < argc && !looks_like_flag(argv[i + 1])) {
			v = argv[++i];
		} else if (i + 1 < argc) {
			snprintf(err, errcap,
				 "flag needs an argument: --%s (the next argument, \"%s\", is a "
				 "flag; write --%s=VALUE)",
				 f->name, argv[i + 1], f->name);
			return LE_EINVAL;
		} else {
			snprintf(err, errcap, "flag needs an argument: --%s", f->name);
			return LE_EINVAL;
		}
		if (set_flag(o, f, v, err, errcap) != LE_OK)
			return LE_EINVAL;
		if (!strcmp(f->name, "id"))
			id_set = true;
		if (!strcmp(f->name, "lock"))
			lock_set = true;
	}
	/* 0.5 had no other lock (election-spec.md 5.2). */
	if (!lock_set && o->profile == &le_profile_sidecar_05)
		o->lock = LE_LOCK_ENDPOINTS;
	if (o->help || o->version || o->profile_help)
		return LE_OK;
	/* (--coordinated says its own words: it needs a Lease) */
	if (!o->coordinated) {
		const le_profile *p = o->profile ? o->profile : &le_profile_client_go;
		char why[160];
		if (le_profile_lock_check(p, o->lock, why, sizeof why) != LE_OK) {
			snprintf(err, errcap,
				 "--lock=%s: %s (--profile=%s; %s has it: see "
				 "--profile=help)",
				 le_lock_kind_name(o->lock), why, p->name,
				 le_lock_kind_is_multi(o->lock) ? "client-go-1.27 or client-go-1.23"
				 : "client-go-1.23 or older");
			return LE_EINVAL;
		}
	}
	if (!o->election || !*o->election) {
		snprintf(err, errcap,
			 "--election cannot be empty (the name of the lock object, e.g. "
			 "--election=my-app)");
		return LE_EINVAL;
	}
	if (!*o->election_namespace) {
		snprintf(err, errcap, "--election-namespace cannot be empty");
		return LE_EINVAL;
	}
	/* Checked here, at start-up: the apiserver would refuse these names
	 * (422 or 404) on every retry, forever. */
	if (!le_dns_subdomain_ok(o->election, strlen(o->election))) {
		snprintf(err, errcap,
			 "--election=\"%.300s\": not a valid lock name: a DNS subdomain "
			 "(at most 253 lowercase letters, digits, '-' and '.', starting "
			 "and ending with a letter or digit), e.g. --election=my-app",
			 o->election);
		return LE_EINVAL;
	}
	if (!le_dns_label_ok(o->election_namespace, strlen(o->election_namespace))) {
		snprintf(err, errcap,
			 "--election-namespace=\"%.300s\": not a valid namespace: a DNS "
			 "label (at most 63 lowercase letters, digits and '-', starting "
			 "and ending with a letter or digit), e.g. default",
			 o->election_namespace);
		return LE_EINVAL;
	}
	if (!id_set) {
		char host[LE_ID_MAX] = "";
		if (hostname)
			snprintf(host, sizeof host, "%s", hostname);
		else if (gethostname(host, sizeof host - 1) != 0)
			host[0] = '\0';
		if (!*host) {
			snprintf(err, errcap, "--id: no hostname to default to; pass --id");
			return LE_EINVAL;
		}
		snprintf(o->id, sizeof o->id, "%s", host);
		o->id_from_hostname = true;
	}
	return coordinated_check(o, err, errcap);
}

int le_sidecar_config(const le_sidecar_opts *o, le_config *c, char *err, size_t errcap)
{
	char verr[LE_ERRMSG_MAX], ld[32], rd[32], rp[32], src[96] = "";
	le_config_defaults(c);
	c->identity = o->id;
	c->lock_kind = o->lock;
	c->lock_namespace = o->election_namespace;
	c->lock_name = o->election;
	c->name = o->election;
	c->profile = o->profile;
	c->release_on_cancel = o->release_on_cancel;
	c->request_timeout_ns = o->request_timeout_ns;
	c->liberal_records = o->liberal_records;
	c->coordinated = o->coordinated;

	int64_t ttl = o->ttl_ns;
	if (!ttl && o->profile == &le_profile_sidecar_05)
		ttl = 10 * LE_NS_PER_S; /* 0.5's --ttl default */
	if (ttl) {
		c->lease_duration_ns = ttl;
		c->renew_deadline_ns = ttl / 2;
		c->retry_period_ns = ttl / 4;
		char t[32];
		le_format_duration(ttl, t, sizeof t);
		snprintf(src, sizeof src, "; derived from %s=%s",
			 o->ttl_ns ? "--ttl" : "the sidecar-0.5 default ttl", t);
	}
	if (o->lease_duration_ns)
		c->lease_duration_ns = o->lease_duration_ns;
	if (o->renew_deadline_ns)
		c->renew_deadline_ns = o->renew_deadline_ns;
	if (o->retry_period_ns)
		c->retry_period_ns = o->retry_period_ns;

	le_format_duration(c->lease_duration_ns, ld, sizeof ld);
	le_format_duration(c->renew_deadline_ns, rd, sizeof rd);
	le_format_duration(c->retry_period_ns, rp, sizeof rp);
	if (le_config_validate(c, verr, sizeof verr) != LE_OK) {
		snprintf(err, errcap,
			 "invalid timing: %s (--lease-duration=%s, --renew-deadline=%s, "
			 "--retry-period=%s%s)",
			 verr, ld, rd, rp, src);
		return LE_EINVAL;
	}
	if (c->lease_duration_ns < LE_NS_PER_S) {
		snprintf(err, errcap,
			 "invalid timing: --lease-duration=%s is below 1s; the record stores whole "
			 "seconds, so it would "
			 "write leaseDurationSeconds=0, which the apiserver rejects%s",
			 ld, src);
		return LE_EINVAL;
	}
	return LE_OK;
}

void le_sidecar_candidate(const le_sidecar_opts *o, le_cand_config *cc)
{
	memset(cc, 0, sizeof *cc);
	cc->name = o->id;
	cc->namespace_ = o->election_namespace;
	cc->lease_name = o->election;
	cc->binary_version = o->binary_version;
	cc->emulation_version = o->emulation_version;
	cc->strategy = LE_STRATEGY_OEV;
}

void le_sidecar_timing_warning(const le_config *c, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (c->retry_period_ns + c->renew_deadline_ns >= c->lease_duration_ns) {
		char ld[32], rd[32], rp[32];
		le_format_duration(c->lease_duration_ns, ld, sizeof ld);
		le_format_duration(c->renew_deadline_ns, rd, sizeof rd);
		le_format_duration(c->retry_period_ns, rp, sizeof rp);
		snprintf(buf, cap,
			 "warning: retry period %s + renew deadline %s is not below lease duration "
			 "%s: a leader that "
			 "stops renewing can still think it leads after another pod has taken over",
			 rp, rd, ld);
	}
}
