/* sim/live/live.c — `bin/sim live`: one scenario file against real
 * processes in real time (docs/live.md).
 *
 *   bin/sim live SCENARIO.yaml [--elector 'TEMPLATE'] [--time-scale F]
 *                [--runs N] [--out DIR] [--leader-regex RE]
 *                [--follower-regex RE] [--new-leader-regex RE]
 *                [--status-url TEMPLATE] [--startup-timeout D]
 *
 * A run: a temporary folder, bin/fake-apiserver on 127.0.0.1 (one token and
 * kubeconfig per pod), one process group per pod started on the scenario's
 * schedule, the scenario's faults carried out for real at their (scaled)
 * times, every observation stamped on the harness's CLOCK_MONOTONIC. At the
 * end the apiserver's committed writes are merged in and the history goes
 * to the simulator's checker and report writer (sim_check, rep_write_run):
 * one judge for both drivers. Everything started is stopped and the folder
 * removed on every way out, SIGINT and SIGTERM included.
 *
 * architecture.md seam 2: this room and bin/sim are the only places outside
 * the real driver that read clocks and sleep. */

/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "leaselab/internal/live.h"
#include "leaselab/report.h"
#include "live_int.h"
#include "../args.h"

#define MAX_RUNS 1000
#define POLL_MAX_MS 10          /* how late a death or a due action may be seen */
#define STATUS_POLL_NS (50 * 1000000LL)
#define CLOCK_TOLERANCE_NS (100 * 1000000LL) /* pipe + scheduling slack */
#define CLOCK_TOLERANCE_FRAC 0.02
#define SIM_SEEDS 100           /* the simulator's distribution for --runs */
#define MAX_SLOTS 256

/* The one piece of mutable state outside a run: a signal handler can set
 * nothing else. The loop polls it every POLL_MAX_MS. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* ---- options --------------------------------------------------------------- */

typedef struct lv_opts {
	const char *argv0;
	const char *file;
	const char *elector_tpl;     /* NULL = bin/elector */
	double scale;
	int runs;
	const char *out_dir;
	const char *leader_re, *follower_re, *new_leader_re;
	const char *status_url;
	int64_t startup_timeout_ns;
	char bindir[SIM_PATH_MAX];   /* where bin/sim lives: bin/elector, bin/fake-apiserver */
} lv_opts;

static const char usage_text[] =
	"usage: bin/sim live SCENARIO.yaml [--elector 'TEMPLATE'] [--time-scale F]\n"
	"                   [--runs N] [--out DIR] [--leader-regex RE]\n"
	"                   [--follower-regex RE] [--new-leader-regex RE]\n"
	"                   [--status-url TEMPLATE] [--startup-timeout D]\n"
	"\n"
	"Run the scenario against real processes (bin/elector by default) and a\n"
	"real bin/fake-apiserver on 127.0.0.1, with real signals and libfaketime\n"
	"clocks; judge the history with the simulator's checker (docs/live.md).\n"
	"\n"
	"  --elector TEMPLATE     command per pod, run by /bin/sh; placeholders {id}\n"
	"                         {kubeconfig} {server} {token} {namespace} {name}\n"
	"                         {lease_duration} {renew_deadline} {retry_period}\n"
	"                         (seconds as decimals); needs --leader-regex or\n"
	"                         --status-url\n"
	"  --time-scale F         scale every duration of the scenario (0 < F <= 10)\n"
	"  --runs N               repeat; print the live failover distribution beside\n"
	"                         the simulator's for the same settings\n"
	"  --out DIR              DIR/run-K/history.jsonl, the reports, DIR/live.md\n"
	"  --leader-regex RE      a line matching RE: the pod started leading\n"
	"  --follower-regex RE    a line matching RE: the pod stopped leading\n"
	"  --new-leader-regex RE  group 1 of a match: the leader the pod now reports\n"
	"  --status-url TEMPLATE  poll {\"name\": ...} (the 0.5 sidecar's /) per pod\n"
	"  --startup-timeout D    how long to wait for the first leader (default 10s)\n"
	"\n"
	"Exit: as bin/sim run (0 pass, 1 safety, 2 liveness, 3 bad input,\n"
	"4 internal error, a clock fault that did not bite, or interrupted).\n";

/* ---- one run's state -------------------------------------------------------- */

typedef struct lv_pod {
	char name[LE_ID_MAX];
	char identity[LE_ID_MAX];    /* "" = unknown until its lease writes show it */
	char user[LE_ID_MAX];        /* token user: fault rules key on it */
	char token[40];
	char kubeconfig[SIM_PATH_MAX];
	char ftfile[SIM_PATH_MAX];   /* timestamp file ("" = no dynamic clock) */
	char status_url[256];
	int32_t spec;
	const le_profile *profile;
	lv_proc proc;
	bool alive, paused, leading, deleted, killed, sigterm_sent, matched;
	int restarts;
	int64_t spawn_ns;            /* harness time of the last spawn */
	int64_t next_status_ns;
	char last_leader[LE_ID_MAX];
	/* libfaketime: fake - real = (rate - 1) * (t - spawn) + off */
	bool faked;
	double ft_rate;
	int64_t ft_off_ns;
	double base_rate;            /* the pod's own rate (scenario clockRate) */
	/* the clock check */
	size_t samples;
	int64_t max_dev_ns, last_meas_ns;
	int64_t seg_t0_ns, seg_w0_ns, seg_t1_ns, seg_w1_ns; /* this rate segment */
	size_t seg_samples;
	char last[LV_LAST_LINES][200];
	size_t nlast;
} lv_pod;

typedef enum act_kind {
	ACT_START = 1,   /* a: scenario pod */
	ACT_FAULT_START, /* a: fault */
	ACT_FAULT_END,
	ACT_GRACE_KILL,  /* a: pod, b: restarts at delete time */
	ACT_REPLACE,     /* a: pod replaced, b: fault */
} act_kind;

typedef struct lv_act {
	int64_t t_ns;
	act_kind kind;
	int32_t a, b;
	bool done;
} lv_act;

typedef struct fault_state {
	int32_t *targets;
	size_t ntargets;
	int rules[MAX_SLOTS];
	size_t nrules;
	bool went_down;
} fault_state;

typedef struct lv_run {
	const lv_opts *o;
	const sim_scenario *sc;
	int index;
	char tmp[SIM_PATH_MAX];
	char server[128];
	const char *ftlib;
	lv_apiserver api;
	bool api_up;
	lv_matchers m;
	lv_pod *pods;
	size_t npods, pods_cap;
	size_t slots_used;
	char slot_user[MAX_SLOTS][LE_ID_MAX];
	char slot_token[MAX_SLOTS][40];
	lv_act *acts;
	size_t nacts, acts_cap;
	fault_state *fs;
	lv_history *h;
	int64_t t0_mono_ns, wall0_ns;
	int64_t first_start_ns;
	bool any_leader;
	uint64_t rng;
	int code;                    /* sim_exit when something went wrong */
	char err[LV_ERR_MAX * 2];
	void *status_curl;
	int64_t end_ns;
} lv_run;

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
}

static int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
}

static int64_t now_ns(const lv_run *r)
{
	return mono_ns() - r->t0_mono_ns;
}

static double secs(int64_t ns) { return (double)ns / 1e9; }

static int fail(lv_run *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(lv_run *r, int code, const char *fmt, ...)
{
	if (r->code == SIM_EXIT_PASS) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof r->err, fmt, ap);
		va_end(ap);
		r->code = code;
	}
	return code;
}

static uint64_t rng_next(lv_run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void schedule(lv_run *r, int64_t t_ns, act_kind k, int32_t a, int32_t b)
{
	if (r->nacts == r->acts_cap) {
		size_t cap = r->acts_cap ? r->acts_cap * 2 : 32;
		lv_act *p = realloc(r->acts, cap * sizeof *p);
		if (!p) {
			fail(r, SIM_EXIT_INTERNAL, "out of memory scheduling");
			return;
		}
		r->acts = p;
		r->acts_cap = cap;
	}
	r->acts[r->nacts++] = (lv_act){t_ns, k, a, b, false};
}

static void record(lv_run *r, int64_t t, sim_ev_kind k, int32_t pod,
		   const char *holder, int32_t fault, int64_t a, int64_t b)
{
	if (lv_history_push(r->h, t, k, pod, holder, fault, a, b) != LE_OK)
		fail(r, SIM_EXIT_INTERNAL, "out of memory recording the history");
}

/* ---- scenario: scaling and what cannot be done live -------------------------- */

static int64_t scale_ns(int64_t ns, double f)
{
	if (ns <= 0 || ns == INT64_MAX)
		return ns;
	double v = (double)ns * f;
	return v >= 9e18 ? INT64_MAX : (int64_t)llround(v);
}

static void scale_latency(fa_latency *l, double f)
{
	l->a_ns = scale_ns(l->a_ns, f);
	l->b_ns = scale_ns(l->b_ns, f);
}

static void scale_election(sim_election *e, double f)
{
	e->lease_duration_ns = scale_ns(e->lease_duration_ns, f);
	e->renew_deadline_ns = scale_ns(e->renew_deadline_ns, f);
	e->retry_period_ns = scale_ns(e->retry_period_ns, f);
	e->request_timeout_ns = scale_ns(e->request_timeout_ns, f);
}

/* Every duration, not clock offsets or steps (a -30 s offset is a clock
 * reading, not a span of the run) and not rates. */
static void scale_scenario(sim_scenario *sc, double f)
{
	if (f == 1.0)
		return;
	sc->duration_ns = scale_ns(sc->duration_ns, f);
	scale_election(&sc->defaults, f);
	scale_latency(&sc->latency_to, f);
	scale_latency(&sc->latency_from, f);
	for (size_t i = 0; i < sc->npods; i++) {
		sim_pod_spec *p = &sc->pods[i];
		scale_election(&p->election, f);
		p->start_ns = scale_ns(p->start_ns, f);
		p->grace_period_ns = scale_ns(p->grace_period_ns, f);
		p->replacement_start_ns = scale_ns(p->replacement_start_ns, f);
		p->work_period_ns = scale_ns(p->work_period_ns, f);
		p->stop_delay_ns = scale_ns(p->stop_delay_ns, f);
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		sim_fault *x = &sc->faults[i];
		x->at_ns = scale_ns(x->at_ns, f);
		x->duration_ns = scale_ns(x->duration_ns, f);
		scale_latency(&x->latency, f);
		if (x->grace_period_ns > 0)
			x->grace_period_ns = scale_ns(x->grace_period_ns, f);
		scale_latency(&x->apiserver.request_latency, f);
		scale_latency(&x->apiserver.response_latency, f);
		x->apiserver.commit_delay_ns = scale_ns(x->apiserver.commit_delay_ns, f);
	}
	sc->expect.failover_max_ns = scale_ns(sc->expect.failover_max_ns, f);
	sc->expect.leaderless_max_ns = scale_ns(sc->expect.leaderless_max_ns, f);
	sc->expect.liveness_within_ns = scale_ns(sc->expect.liveness_within_ns, f);
}

static bool needs_clock(const sim_scenario *sc)
{
	for (size_t i = 0; i < sc->npods; i++)
		if (sc->pods[i].clock_offset_ns || sc->pods[i].clock_rate_ppm)
			return true;
	for (size_t i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].action == SIM_ACT_CLOCK_RATE)
			return true;
	return false;
}

static bool has_rate_fault(const sim_scenario *sc)
{
	for (size_t i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].action == SIM_ACT_CLOCK_RATE)
			return true;
	return false;
}

/* Features the simulator models that a real process cannot be made to do;
 * each refusal says why (docs/live.md, "What cannot be done live"). */
static int check_feasible(const sim_scenario *sc, const lv_opts *o, char *err,
			  size_t errcap)
{
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		if (f->action == SIM_ACT_TIME_SKEW) {
			snprintf(err, errcap, "%s:%d: fault '%s': time-skew cannot be done "
				 "live: libfaketime steps CLOCK_MONOTONIC together with the "
				 "wall clock, and FAKETIME_DONT_FAKE_MONOTONIC makes absolute "
				 "monotonic waits return at once (docs/live.md, \"Clocks\")",
				 sc->file, f->line, f->label);
			return LE_EINVAL;
		}
	}
	for (size_t i = 0; i < sc->npods; i++) {
		const sim_pod_spec *p = &sc->pods[i];
		if (p->work_period_ns > 0 || p->stop_delay_ns > 0) {
			snprintf(err, errcap, "%s: pods[%zu] (%s): %s is simulated user "
				 "code; a live pod runs its own, so the scenario cannot be "
				 "run live", sc->file, i, p->name,
				 p->work_period_ns > 0 ? "guarded work (workPeriod)" : "stopDelay");
			return LE_EINVAL;
		}
		if (o->elector_tpl && p->identity[0] && strcmp(p->identity, p->name) &&
		    !strstr(o->elector_tpl, "{id}")) {
			snprintf(err, errcap, "--elector: the template has no {id}, but "
				 "pods[%zu] (%s) needs the identity '%s'", i, p->name,
				 p->identity);
			return LE_EINVAL;
		}
	}
	return LE_OK;
}

static int check_template(const char *tpl, const lv_opts *o, char *err, size_t errcap)
{
	static const char *const known[] = {"{id}", "{kubeconfig}", "{server}",
		"{token}", "{namespace}", "{name}", "{lease_duration}",
		"{renew_deadline}", "{retry_period}"};
	for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strncmp(p, known[i], strlen(known[i])) == 0;
		if (!ok) {
			const char *e = strchr(p, '}');
			snprintf(err, errcap, "--elector: unknown placeholder '%.*s' (known: "
				 "{id} {kubeconfig} {server} {token} {namespace} {name} "
				 "{lease_duration} {renew_deadline} {retry_period})",
				 e ? (int)(e - p + 1) : (int)strlen(p), p);
			return LE_EINVAL;
		}
	}
	if (!strstr(tpl, "{kubeconfig}") &&
	    !(strstr(tpl, "{server}") && strstr(tpl, "{token}"))) {
		snprintf(err, errcap, "--elector: the template needs {kubeconfig}, or "
			 "{server} and {token}: each pod must reach the fake apiserver "
			 "with its own token");
		return LE_EINVAL;
	}
	static const char *const timing[] = {"{lease_duration}", "{renew_deadline}",
					     "{retry_period}"};
	for (size_t i = 0; i < 3; i++)
		if (!strstr(tpl, timing[i])) {
			snprintf(err, errcap, "--elector: the template has no %s: the "
				 "checker's bounds come from the scenario's settings, so the "
				 "elector must be given them", timing[i]);
			return LE_EINVAL;
		}
	if (!o->leader_re && !o->status_url) {
		snprintf(err, errcap, "--elector: a foreign elector needs --leader-regex "
			 "(and --follower-regex) or --status-url to be observed");
		return LE_EINVAL;
	}
	if (o->status_url && !strstr(tpl, "{id}")) {
		snprintf(err, errcap, "--status-url: the template needs {id} so that the "
			 "leader named by the URL can be matched to the pod");
		return LE_EINVAL;
	}
	return LE_OK;
}

/* ---- pods ------------------------------------------------------------------------ */

static const char *pod_identity(const lv_pod *p)
{
	return p->identity[0] ? p->identity : p->name;
}

static void remember_line(lv_pod *p, const char *line)
{
	if (p->nlast == LV_LAST_LINES) {
		memmove(p->last[0], p->last[1], sizeof p->last[0] * (LV_LAST_LINES - 1));
		p->nlast--;
	}
	snprintf(p->last[p->nlast++], sizeof p->last[0], "%s", line);
}

static void last_lines(const lv_pod *p, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	if (p->nlast == 0)
		snprintf(buf, cap, " (no output)");
	for (size_t i = 0; i < p->nlast && n + 1 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "\n    | %s", p->last[i]);
}

/* Format seconds as the decimal a template gets ("1.5"). */
static void secs_text(int64_t ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.9g", (double)ns / 1e9);
}

static void go_duration(int64_t ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%" PRId64 "ns", ns);
}

/* The pod's settings: its own (per-pod overrides are resolved by the
 * parser), with a replacement's profile. */
static const sim_election *pod_election(const lv_run *r, const lv_pod *p)
{
	return &r->sc->pods[p->spec].election;
}

static void shell_quote(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 3) {
		out[0] = '\0';
		return;
	}
	out[n++] = '\'';
	for (; *s && n + 5 < cap; s++) {
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *s;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

static int expand_template(const lv_run *r, const lv_pod *p, const char *tpl,
			   char *out, size_t cap)
{
	const sim_election *e = pod_election(r, p);
	char ld[32], rd[32], rp[32];
	secs_text(e->lease_duration_ns, ld, sizeof ld);
	secs_text(e->renew_deadline_ns, rd, sizeof rd);
	secs_text(e->retry_period_ns, rp, sizeof rp);
	struct { const char *key, *val; } v[] = {
		{"{id}", pod_identity(p)}, {"{kubeconfig}", p->kubeconfig},
		{"{server}", r->server}, {"{token}", p->token},
		{"{namespace}", e->lock_namespace}, {"{name}", e->lock_name},
		{"{lease_duration}", ld}, {"{renew_deadline}", rd}, {"{retry_period}", rp},
	};
	size_t n = 0;
	for (const char *s = tpl; *s;) {
		bool hit = false;
		for (size_t i = 0; i < sizeof v / sizeof v[0] && !hit; i++) {
			size_t kl = strlen(v[i].key);
			if (strncmp(s, v[i].key, kl) != 0)
				continue;
			char q[SIM_PATH_MAX + 8];
			shell_quote(v[i].val, q, sizeof q);
			size_t ql = strlen(q);
			if (n + ql + 1 >= cap)
				return LE_ERANGE;
			memcpy(out + n, q, ql);
			n += ql;
			s += kl;
			hit = true;
		}
		if (!hit) {
			if (n + 2 >= cap)
				return LE_ERANGE;
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return LE_OK;
}

static int write_kubeconfig(const lv_run *r, const lv_pod *p)
{
	FILE *f = fopen(p->kubeconfig, "w");
	if (!f)
		return LE_EIO;
	fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: live\n"
		   "  cluster:\n    server: %s\nusers:\n- name: %s\n  user:\n"
		   "    token: %s\ncontexts:\n- name: live\n  context: {cluster: live, "
		   "user: %s}\ncurrent-context: live\n",
		r->server, p->user, p->token, p->user);
	return fclose(f) == 0 ? LE_OK : LE_EIO;
}

/* A new pod (original or replacement): history entry, token slot,
 * kubeconfig. Returns its index or -1 (r->code set). */
static int32_t pod_new(lv_run *r, int32_t spec, const char *name,
		       const le_profile *profile, int32_t replaces)
{
	if (r->slots_used >= MAX_SLOTS) {
		fail(r, SIM_EXIT_BAD_INPUT, "more than %d pods in one live run", MAX_SLOTS);
		return -1;
	}
	if (r->npods == r->pods_cap) {
		size_t cap = r->pods_cap ? r->pods_cap * 2 : 8;
		lv_pod *np = realloc(r->pods, cap * sizeof *np);
		if (!np) {
			fail(r, SIM_EXIT_INTERNAL, "out of memory");
			return -1;
		}
		r->pods = np;
		r->pods_cap = cap;
	}
	const sim_pod_spec *ps = &r->sc->pods[spec];
	lv_pod *p = &r->pods[r->npods];
	memset(p, 0, sizeof *p);
	p->proc.out_fd = -1;
	p->spec = spec;
	p->profile = profile;
	snprintf(p->name, sizeof p->name, "%s", name);
	/* A replacement is a new pod: its identity is its own name, unless
	 * the spec pins one (duplicate-identity scenarios). */
	if (ps->identity[0])
		snprintf(p->identity, sizeof p->identity, "%s", ps->identity);
	else if (!r->o->elector_tpl || strstr(r->o->elector_tpl, "{id}"))
		snprintf(p->identity, sizeof p->identity, "%s", name);
	size_t slot = r->slots_used++;
	snprintf(p->user, sizeof p->user, "%s", r->slot_user[slot]);
	snprintf(p->token, sizeof p->token, "%s", r->slot_token[slot]);
	snprintf(p->kubeconfig, sizeof p->kubeconfig, "%s/%s.kubeconfig", r->tmp, p->user);
	p->base_rate = 1.0 + (double)ps->clock_rate_ppm / 1e6;
	p->ft_rate = p->base_rate;
	p->ft_off_ns = ps->clock_offset_ns;
	p->faked = ps->clock_offset_ns || ps->clock_rate_ppm;
	if (r->ftlib && has_rate_fault(r->sc)) {
		p->faked = true;
		snprintf(p->ftfile, sizeof p->ftfile, "%s/%s.faketime", r->tmp, p->user);
	}
	if (r->o->status_url) {
		char q[LE_ID_MAX];
		snprintf(q, sizeof q, "%s", pod_identity(p));
		const char *tpl = r->o->status_url;
		const char *at = strstr(tpl, "{id}");
		if (at)
			snprintf(p->status_url, sizeof p->status_url, "%.*s%s%s",
				 (int)(at - tpl), tpl, q, at + 4);
		else
			snprintf(p->status_url, sizeof p->status_url, "%s", tpl);
	}
	if (write_kubeconfig(r, p) != LE_OK) {
		fail(r, SIM_EXIT_INTERNAL, "%s: %s", p->kubeconfig, strerror(errno));
		return -1;
	}
	int32_t hp = lv_history_add_pod(r->h, name, p->identity, spec, replaces);
	if (hp < 0 || (size_t)hp != r->npods) {
		fail(r, SIM_EXIT_INTERNAL, "out of memory adding a pod to the history");
		return -1;
	}
	return (int32_t)r->npods++;
}

static void default_argv(const lv_run *r, const lv_pod *p, char store[16][SIM_PATH_MAX],
			 char *argv[17])
{
	const sim_election *e = pod_election(r, p);
	char ld[32], rd[32], rp[32];
	go_duration(e->lease_duration_ns, ld, sizeof ld);
	go_duration(e->renew_deadline_ns, rd, sizeof rd);
	go_duration(e->retry_period_ns, rp, sizeof rp);
	int n = 0;
	snprintf(store[n++], SIM_PATH_MAX, "%s/elector", r->o->bindir);
	snprintf(store[n++], SIM_PATH_MAX, "--id=%s", pod_identity(p));
	snprintf(store[n++], SIM_PATH_MAX, "--election=%s", e->lock_name);
	snprintf(store[n++], SIM_PATH_MAX, "--election-namespace=%s", e->lock_namespace);
	snprintf(store[n++], SIM_PATH_MAX, "--lock=%s", le_lock_kind_name(e->lock_kind));
	snprintf(store[n++], SIM_PATH_MAX, "--kubeconfig=%s", p->kubeconfig);
	snprintf(store[n++], SIM_PATH_MAX, "--profile=%s", p->profile->name);
	snprintf(store[n++], SIM_PATH_MAX, "--lease-duration=%s", ld);
	snprintf(store[n++], SIM_PATH_MAX, "--renew-deadline=%s", rd);
	snprintf(store[n++], SIM_PATH_MAX, "--retry-period=%s", rp);
	snprintf(store[n++], SIM_PATH_MAX, "--release-on-cancel=%s",
		 e->release_on_cancel ? "true" : "false");
	snprintf(store[n++], SIM_PATH_MAX, "--log-format=json");
	if (e->request_timeout_ns > 0) {
		char rt[32];
		go_duration(e->request_timeout_ns, rt, sizeof rt);
		snprintf(store[n++], SIM_PATH_MAX, "--request-timeout=%s", rt);
	}
	for (int i = 0; i < n; i++)
		argv[i] = store[i];
	argv[n] = NULL;
}

static void pod_spawn(lv_run *r, int32_t i)
{
	lv_pod *p = &r->pods[i];
	char store[16][SIM_PATH_MAX];
	char *argv[17];
	char cmd[8192], line[8200];
	if (r->o->elector_tpl) {
		if (expand_template(r, p, r->o->elector_tpl, cmd, sizeof cmd) != LE_OK) {
			fail(r, SIM_EXIT_BAD_INPUT, "--elector: the command for pod %s is "
			     "longer than %zu bytes", p->name, sizeof cmd);
			return;
		}
		snprintf(line, sizeof line, "exec %s", cmd);
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = line;
		argv[3] = NULL;
	} else {
		default_argv(r, p, store, argv);
	}
	char ld_preload[SIM_PATH_MAX + 16], ft[128], ftfile[SIM_PATH_MAX + 32];
	char *env[8] = {"LD_PRELOAD=", "FAKETIME=", "FAKETIME_TIMESTAMP_FILE=",
			"FAKETIME_NO_CACHE=", "FAKETIME_DONT_FAKE_MONOTONIC=", NULL};
	int64_t t = now_ns(r);
	/* Each spawn starts libfaketime's clock afresh: the offset is the
	 * pod's wall offset, the rate its own. */
	p->ft_rate = p->base_rate;
	p->ft_off_ns = r->sc->pods[p->spec].clock_offset_ns;
	if (p->faked) {
		char spec[64];
		lv_faketime_spec(p->ft_off_ns, p->ft_rate, spec, sizeof spec);
		snprintf(ld_preload, sizeof ld_preload, "LD_PRELOAD=%s", r->ftlib);
		env[0] = ld_preload;
		if (p->ftfile[0]) {
			if (lv_faketime_write(p->ftfile, spec, r->err, sizeof r->err) != LE_OK) {
				fail(r, SIM_EXIT_INTERNAL, "%s", r->err);
				return;
			}
			snprintf(ftfile, sizeof ftfile, "FAKETIME_TIMESTAMP_FILE=%s", p->ftfile);
			env[2] = ftfile;
			env[3] = "FAKETIME_NO_CACHE=1";
		} else {
			snprintf(ft, sizeof ft, "FAKETIME=%s", spec);
			env[1] = ft;
		}
	}
	char err[LV_ERR_MAX];
	if (lv_proc_spawn(&p->proc, argv, env, err, sizeof err) != LE_OK) {
		fail(r, SIM_EXIT_BAD_INPUT, "pod %s: %s", p->name, err);
		return;
	}
	p->spawn_ns = t;
	p->seg_samples = 0;
	p->alive = true;
	p->paused = false;
	p->leading = false;
	p->killed = false;
	p->next_status_ns = t;
	if (r->first_start_ns < 0)
		r->first_start_ns = t;
	record(r, t, SIM_EV_POD_START, i, NULL, -1, p->restarts, 0);
}

/* The pod is gone: by our SIGKILL (death) or by itself (exit). */
static void pod_gone(lv_run *r, int32_t i, bool killed, int32_t fault, int64_t t)
{
	lv_pod *p = &r->pods[i];
	if (!p->alive)
		return;
	record(r, t, killed ? SIM_EV_POD_DEATH : SIM_EV_POD_EXIT, i, NULL, fault,
	       p->leading, 0);
	p->alive = false;
	p->leading = false;
	p->paused = false;
}

static void pod_kill(lv_run *r, int32_t i, int32_t fault)
{
	lv_pod *p = &r->pods[i];
	int64_t t = now_ns(r);
	lv_proc_signal(&p->proc, SIGKILL);
	lv_proc_signal(&p->proc, SIGCONT);
	p->killed = true;
	pod_gone(r, i, true, fault, t);
}

/* ---- observations ------------------------------------------------------------ */

static void clock_sample(lv_run *r, lv_pod *p, int64_t t, int64_t pod_wall)
{
	int64_t real_wall = r->wall0_ns + t;
	int64_t meas = pod_wall - real_wall;
	double e = (double)(t - p->spawn_ns);
	int64_t expect = p->faked ? p->ft_off_ns + (int64_t)((p->ft_rate - 1.0) * e) : 0;
	int64_t dev = llabs(meas - expect);
	int64_t tol = CLOCK_TOLERANCE_NS + (int64_t)(CLOCK_TOLERANCE_FRAC * e);
	if (dev > p->max_dev_ns)
		p->max_dev_ns = dev;
	p->samples++;
	p->last_meas_ns = meas;
	if (p->seg_samples++ == 0) {
		p->seg_t0_ns = t;
		p->seg_w0_ns = pod_wall;
	}
	p->seg_t1_ns = t;
	p->seg_w1_ns = pod_wall;
	if (dev > tol)
		fail(r, SIM_EXIT_INTERNAL, "pod %s: %s: its clock reads %+.3f s from the "
		     "harness's at %.3f s, expected %+.3f s (rate x%.3f, offset %+.3f s); "
		     "tolerance %.3f s",
		     p->name, p->faked ? "the clock fault did not bite"
				       : "its clock is off without a clock fault",
		     secs(meas), secs(t), secs(expect), p->ft_rate, secs(p->ft_off_ns),
		     secs(tol));
}

typedef struct line_ctx {
	lv_run *r;
	int32_t pod;
} line_ctx;

static void on_line(void *user, const char *line)
{
	line_ctx *c = user;
	lv_run *r = c->r;
	lv_pod *p = &r->pods[c->pod];
	int64_t t = now_ns(r);
	remember_line(p, line);
	lv_obs ob;
	lv_observe_line(&r->m, line, &ob);
	if (ob.has_wall)
		clock_sample(r, p, t, ob.wall_ns);
	switch (ob.kind) {
	case LV_OBS_STARTED:
		p->matched = true;
		r->any_leader = true;
		if (!p->leading) {
			p->leading = true;
			record(r, t, SIM_EV_STARTED_LEADING, c->pod, NULL, -1, 0, 0);
		}
		break;
	case LV_OBS_STOPPED:
		p->matched = true;
		if (p->leading) {
			p->leading = false;
			record(r, t, SIM_EV_STOPPED_LEADING, c->pod, NULL, -1, 1, 0);
		}
		break;
	case LV_OBS_NEW_LEADER:
		p->matched = true;
		record(r, t, SIM_EV_NEW_LEADER, c->pod, ob.leader, -1, 0, 0);
		break;
	case LV_OBS_LOG:
		p->matched = true;
		break;
	default:
		break;
	}
}

static void poll_status(lv_run *r, int32_t i, int64_t t)
{
	lv_pod *p = &r->pods[i];
	if (!p->alive || p->paused || t < p->next_status_ns)
		return;
	p->next_status_ns = t + STATUS_POLL_NS;
	char name[LE_ID_MAX];
	if (lv_status_poll(r->status_curl, p->status_url, name, sizeof name) != LE_OK)
		return;
	t = now_ns(r);
	p->matched = true;
	if (strcmp(name, p->last_leader) != 0) {
		snprintf(p->last_leader, sizeof p->last_leader, "%s", name);
		if (name[0])
			record(r, t, SIM_EV_NEW_LEADER, i, name, -1, 0, 0);
	}
	bool leads = name[0] && !strcmp(name, pod_identity(p));
	if (leads && !p->leading) {
		r->any_leader = true;
		record(r, t, SIM_EV_STARTED_LEADING, i, NULL, -1, 0, 0);
	} else if (!leads && p->leading) {
		record(r, t, SIM_EV_STOPPED_LEADING, i, NULL, -1, 1, 0);
	}
	p->leading = leads;
}

/* A process ended without us killing it. */
static void on_exit_seen(lv_run *r, int32_t i)
{
	lv_pod *p = &r->pods[i];
	int64_t t = now_ns(r);
	int st = p->proc.status;
	bool by_signal = WIFSIGNALED(st);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!p->sigterm_sent && !p->matched) {
		char lines[LV_LAST_LINES * 210];
		last_lines(p, lines, sizeof lines);
		fail(r, SIM_EXIT_BAD_INPUT, "pod %s: its elector %s %d at %.3f s before "
		     "reporting anything (bad flags or command?); last output:%s", p->name,
		     by_signal ? "died of signal" : "exited with status",
		     by_signal ? WTERMSIG(st) : code, secs(t), lines);
	}
	pod_gone(r, i, by_signal && WTERMSIG(st) == SIGKILL, -1, t);
}

/* ---- faults ---------------------------------------------------------------------- */

static bool selected(const lv_run *r, const sim_fault *f, const lv_pod *p)
{
	if (!p->alive)
		return false;
	if (f->role == SIM_ROLE_LEADER && !p->leading)
		return false;
	if (f->role == SIM_ROLE_FOLLOWER && p->leading)
		return false;
	if (f->nnames == 0)
		return true;
	for (int k = 0; k < f->nnames; k++)
		if (!strcmp(f->names[k], p->name) ||
		    !strcmp(f->names[k], r->sc->pods[p->spec].name))
			return true;
	return false;
}

/* Which pods a fault hits: every match in pod order, cut to the mode's
 * count (mode `one` draws from a stream seeded by the run number). */
static int select_targets(lv_run *r, const sim_fault *f, fault_state *fs)
{
	free(fs->targets);
	fs->targets = calloc(r->npods ? r->npods : 1, sizeof *fs->targets);
	fs->ntargets = 0;
	if (!fs->targets)
		return LE_ENOMEM;
	for (size_t i = 0; i < r->npods; i++)
		if (selected(r, f, &r->pods[i]))
			fs->targets[fs->ntargets++] = (int32_t)i;
	size_t want = fs->ntargets;
	switch (f->mode) {
	case SIM_MODE_ONE:
		want = fs->ntargets ? 1 : 0;
		if (fs->ntargets > 1)
			fs->targets[0] = fs->targets[rng_next(r) % fs->ntargets];
		break;
	case SIM_MODE_FIXED:
		want = (size_t)f->value < fs->ntargets ? (size_t)f->value : fs->ntargets;
		break;
	case SIM_MODE_FIXED_PERCENT:
		want = fs->ntargets * (size_t)f->value / 100;
		if (want == 0 && fs->ntargets)
			want = 1;
		break;
	default:
		break;
	}
	fs->ntargets = want;
	return LE_OK;
}

static void latency_json(cJSON *o, const char *key, const fa_latency *l)
{
	if (l->kind == FA_LAT_FIXED && l->a_ns == 0)
		return;
	char a[32], b[32];
	le_format_duration(l->a_ns, a, sizeof a);
	le_format_duration(l->b_ns, b, sizeof b);
	cJSON *j = cJSON_AddObjectToObject(o, key);
	cJSON_AddStringToObject(j, "kind", l->kind == FA_LAT_UNIFORM  ? "uniform"
					   : l->kind == FA_LAT_PARETO ? "pareto"
								      : "fixed");
	cJSON_AddStringToObject(j, "a", a);
	cJSON_AddStringToObject(j, "b", b);
	if (l->kind == FA_LAT_PARETO)
		cJSON_AddNumberToObject(j, "alpha", l->alpha);
}

static void add_rule(lv_run *r, fault_state *fs, cJSON *rule)
{
	char *text = cJSON_PrintUnformatted(rule);
	cJSON_Delete(rule);
	if (!text) {
		fail(r, SIM_EXIT_INTERNAL, "out of memory");
		return;
	}
	char err[LV_ERR_MAX];
	int id = lv_apiserver_add_rule(&r->api, text, err, sizeof err);
	free(text);
	if (id < 0)
		fail(r, SIM_EXIT_INTERNAL, "%s", err);
	else if (fs && fs->nrules < MAX_SLOTS)
		fs->rules[fs->nrules++] = id;
}

/* The network faults of one pod as a fake-apiserver rule on its token
 * user. Per direction: "to" is the request leg, "from" the response leg. */
static cJSON *network_rule(const sim_fault *f, const char *user)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "identity", user);
	bool to = f->direction != SIM_DIR_FROM, from = f->direction != SIM_DIR_TO;
	switch (f->action) {
	case SIM_ACT_PARTITION:
		if (to && from)
			cJSON_AddStringToObject(o, "partition",
						f->partition_kind == FA_PART_REFUSED ? "refused"
										     : "blackhole");
		else if (to)
			cJSON_AddNumberToObject(o, "requestLoss", 1.0);
		else
			cJSON_AddNumberToObject(o, "responseLoss", 1.0);
		break;
	case SIM_ACT_DELAY:
		if (to)
			latency_json(o, "requestLatency", &f->latency);
		if (from)
			latency_json(o, "responseLatency", &f->latency);
		break;
	case SIM_ACT_LOSS:
		if (to)
			cJSON_AddNumberToObject(o, "requestLoss", f->loss);
		if (from)
			cJSON_AddNumberToObject(o, "responseLoss", f->loss);
		break;
	default:
		break;
	}
	return o;
}

static cJSON *store_rule(const fa_fault_rule *x, const char *user)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "identity", user);
	latency_json(o, "requestLatency", &x->request_latency);
	latency_json(o, "responseLatency", &x->response_latency);
	if (x->request_loss > 0)
		cJSON_AddNumberToObject(o, "requestLoss", x->request_loss);
	if (x->response_loss > 0)
		cJSON_AddNumberToObject(o, "responseLoss", x->response_loss);
	if (x->partition)
		cJSON_AddStringToObject(o, "partition", x->partition == FA_PART_REFUSED
							      ? "refused" : "blackhole");
	if (x->error_code) {
		cJSON_AddNumberToObject(o, "error", x->error_code);
		if (x->error_rate > 0)
			cJSON_AddNumberToObject(o, "errorRate", x->error_rate);
		if (x->retry_after_s > 0)
			cJSON_AddNumberToObject(o, "retryAfter", x->retry_after_s);
	}
	if (x->commit_delay_ns > 0) {
		char d[32];
		le_format_duration(x->commit_delay_ns, d, sizeof d);
		cJSON_AddStringToObject(o, "commitDelay", d);
	}
	return o;
}

/* A rate change from now on, without a step: libfaketime applies a rate to
 * the whole time since the process started, so the offset absorbs it. */
static void set_rate(lv_run *r, lv_pod *p, double rate)
{
	if (!p->ftfile[0] || !p->alive)
		return;
	double e = (double)(now_ns(r) - p->spawn_ns);
	int64_t fake_rel = p->ft_off_ns + (int64_t)((p->ft_rate - 1.0) * e);
	p->ft_off_ns = fake_rel - (int64_t)((rate - 1.0) * e);
	p->ft_rate = rate;
	p->seg_samples = 0;
	char spec[64];
	lv_faketime_spec(p->ft_off_ns, p->ft_rate, spec, sizeof spec);
	char err[LV_ERR_MAX];
	if (lv_faketime_write(p->ftfile, spec, err, sizeof err) != LE_OK)
		fail(r, SIM_EXIT_INTERNAL, "%s", err);
}

static void print_segment(const lv_pod *p, const char *what)
{
	/* A rate over less than half a second of log lines is noise. */
	if (p->seg_samples < 2 || p->seg_t1_ns - p->seg_t0_ns < LE_NS_PER_S / 2)
		return;
	double meas = (double)(p->seg_w1_ns - p->seg_w0_ns) /
		      (double)(p->seg_t1_ns - p->seg_t0_ns);
	printf("  clock of %s %s: rate x%.3f set, x%.3f measured from its log over "
	       "%.3f s (%zu lines)\n", p->name, what, p->ft_rate, meas,
	       secs(p->seg_t1_ns - p->seg_t0_ns), p->seg_samples);
}

static bool pod_specific(const sim_fault *f)
{
	if (f->action != SIM_ACT_APISERVER)
		return true;
	return !f->apiserver_down && (f->nnames > 0 || f->role != SIM_ROLE_ANY);
}

static void apply_to_target(lv_run *r, int32_t fi, int32_t i)
{
	const sim_fault *f = &r->sc->faults[fi];
	fault_state *fs = &r->fs[fi];
	lv_pod *p = &r->pods[i];
	int64_t t = now_ns(r);
	switch (f->action) {
	case SIM_ACT_POD_KILL:
		p->deleted = f->replace;
		pod_kill(r, i, fi);
		if (f->replace)
			schedule(r, t + r->sc->pods[p->spec].replacement_start_ns, ACT_REPLACE,
				 i, fi);
		break;
	case SIM_ACT_POD_DELETE: {
		const sim_pod_spec *ps = &r->sc->pods[p->spec];
		int64_t grace = f->grace_period_ns >= 0 ? f->grace_period_ns
							: ps->grace_period_ns;
		p->deleted = true;
		record(r, t, SIM_EV_POD_SIGTERM, i, NULL, fi, grace, 0);
		if (f->replace)
			schedule(r, t + ps->replacement_start_ns, ACT_REPLACE, i, fi);
		if (grace <= 0) {
			pod_kill(r, i, fi);
			break;
		}
		/* 0.5's run.sh is PID 1 and ignores SIGTERM (election-spec.md
		 * 6.4): the signal is not delivered, as it would not be. */
		if (!ps->sigterm_ignored) {
			lv_proc_signal(&p->proc, SIGTERM);
			p->sigterm_sent = true;
		}
		schedule(r, t + grace, ACT_GRACE_KILL, i, p->restarts);
		break;
	}
	case SIM_ACT_POD_FAILURE:
		pod_kill(r, i, fi);
		break;
	case SIM_ACT_RESTART:
		pod_kill(r, i, fi);
		if (!p->deleted) {
			p->restarts++;
			lv_proc_stop(&p->proc);
			pod_spawn(r, i);
		}
		break;
	case SIM_ACT_PAUSE:
		lv_proc_signal(&p->proc, SIGSTOP);
		p->paused = true;
		record(r, t, SIM_EV_PAUSE, i, NULL, fi, 0, 0);
		break;
	case SIM_ACT_PARTITION:
	case SIM_ACT_DELAY:
	case SIM_ACT_LOSS:
		add_rule(r, fs, network_rule(f, p->user));
		if (f->action == SIM_ACT_PARTITION)
			record(r, t, SIM_EV_CUT, i, NULL, fi, f->direction, f->partition_kind);
		break;
	case SIM_ACT_CLOCK_RATE:
		print_segment(p, "before the fault");
		set_rate(r, p, 1.0 + (double)f->rate_ppm / 1e6);
		break;
	case SIM_ACT_APISERVER:
		add_rule(r, fs, store_rule(&f->apiserver, p->user));
		break;
	default:
		break;
	}
}

static void undo_on_target(lv_run *r, int32_t fi, int32_t i)
{
	const sim_fault *f = &r->sc->faults[fi];
	lv_pod *p = &r->pods[i];
	int64_t t = now_ns(r);
	switch (f->action) {
	case SIM_ACT_POD_FAILURE:
		if (!p->deleted && !p->alive) {
			p->restarts++;
			lv_proc_stop(&p->proc);
			pod_spawn(r, i);
		}
		break;
	case SIM_ACT_PAUSE:
		if (p->paused) {
			lv_proc_signal(&p->proc, SIGCONT);
			p->paused = false;
			record(r, t, SIM_EV_RESUME, i, NULL, fi, 0, 0);
		}
		break;
	case SIM_ACT_PARTITION:
		record(r, t, SIM_EV_UNCUT, i, NULL, fi, f->direction, f->partition_kind);
		break;
	case SIM_ACT_CLOCK_RATE:
		print_segment(p, "during the fault");
		set_rate(r, p, p->base_rate);
		break;
	default:
		break;
	}
}

static bool fault_has_end(const sim_fault *f)
{
	if (f->duration_ns <= 0)
		return false;
	switch (f->action) {
	case SIM_ACT_POD_KILL:
	case SIM_ACT_POD_DELETE:
	case SIM_ACT_RESTART:
		return false;
	default:
		return true;
	}
}

static void fault_start(lv_run *r, int32_t fi)
{
	const sim_fault *f = &r->sc->faults[fi];
	fault_state *fs = &r->fs[fi];
	int64_t t = now_ns(r);
	char err[LV_ERR_MAX];
	if (!pod_specific(f)) {
		record(r, t, SIM_EV_FAULT_START, -1, NULL, fi, 0, 0);
		if (f->apiserver_down) {
			if (lv_apiserver_set_down(&r->api, true, err, sizeof err) != LE_OK)
				fail(r, SIM_EXIT_INTERNAL, "%s", err);
			fs->went_down = true;
		} else if (f->apiserver.identity[0] && strcmp(f->apiserver.identity, "*")) {
			/* A rule on an identity: on the token users of the pods
			 * that carry it. */
			for (size_t i = 0; i < r->npods; i++)
				if (!strcmp(pod_identity(&r->pods[i]), f->apiserver.identity))
					add_rule(r, fs, store_rule(&f->apiserver, r->pods[i].user));
		} else {
			add_rule(r, fs, store_rule(&f->apiserver, "*"));
		}
	} else {
		if (select_targets(r, f, fs) != LE_OK) {
			fail(r, SIM_EXIT_INTERNAL, "out of memory");
			return;
		}
		if (fs->ntargets == 0)
			record(r, t, SIM_EV_FAULT_START, -1, NULL, fi, 0, 0);
		for (size_t k = 0; k < fs->ntargets; k++) {
			record(r, t, SIM_EV_FAULT_START, fs->targets[k], NULL, fi, 0, 0);
			apply_to_target(r, fi, fs->targets[k]);
		}
	}
	if (fault_has_end(f))
		schedule(r, f->at_ns + f->duration_ns, ACT_FAULT_END, fi, 0);
}

static void fault_end(lv_run *r, int32_t fi)
{
	const sim_fault *f = &r->sc->faults[fi];
	fault_state *fs = &r->fs[fi];
	int64_t t = now_ns(r);
	char err[LV_ERR_MAX];
	for (size_t k = 0; k < fs->nrules; k++)
		if (lv_apiserver_remove_rule(&r->api, fs->rules[k], err, sizeof err) != LE_OK)
			fail(r, SIM_EXIT_INTERNAL, "%s", err);
	fs->nrules = 0;
	if (!pod_specific(f)) {
		if (fs->went_down &&
		    lv_apiserver_set_down(&r->api, false, err, sizeof err) != LE_OK)
			fail(r, SIM_EXIT_INTERNAL, "%s", err);
		fs->went_down = false;
		record(r, t, SIM_EV_FAULT_END, -1, NULL, fi, 0, 0);
		return;
	}
	if (fs->ntargets == 0)
		record(r, t, SIM_EV_FAULT_END, -1, NULL, fi, 0, 0);
	for (size_t k = 0; k < fs->ntargets; k++) {
		undo_on_target(r, fi, fs->targets[k]);
		record(r, now_ns(r), SIM_EV_FAULT_END, fs->targets[k], NULL, fi, 0, 0);
	}
}

/* A Deployment's replacement: "<spec name>-<5 lowercase letters>". */
static void replace_pod(lv_run *r, int32_t old, int32_t fi)
{
	const lv_pod *o = &r->pods[old];
	char name[LE_ID_MAX], suffix[6];
	for (int k = 0; k < 5; k++)
		suffix[k] = (char)('a' + rng_next(r) % 26);
	suffix[5] = '\0';
	snprintf(name, sizeof name, "%.*s-%s", LE_ID_MAX - 8, r->sc->pods[o->spec].name,
		 suffix);
	const le_profile *prof = r->sc->faults[fi].replacement_profile
					 ? r->sc->faults[fi].replacement_profile
					 : o->profile;
	int32_t n = pod_new(r, o->spec, name, prof, old);
	if (n >= 0)
		pod_spawn(r, n);
}

static void run_action(lv_run *r, lv_act *a)
{
	a->done = true;
	switch (a->kind) {
	case ACT_START: {
		const sim_pod_spec *ps = &r->sc->pods[a->a];
		int32_t i = pod_new(r, a->a, ps->name, ps->election.profile, -1);
		if (i >= 0)
			pod_spawn(r, i);
		break;
	}
	case ACT_FAULT_START:
		fault_start(r, a->a);
		break;
	case ACT_FAULT_END:
		fault_end(r, a->a);
		break;
	case ACT_GRACE_KILL:
		if (r->pods[a->a].alive && r->pods[a->a].restarts == a->b)
			pod_kill(r, a->a, -1);
		break;
	case ACT_REPLACE:
		replace_pod(r, a->a, a->b);
		break;
	}
}

/* ---- the loop --------------------------------------------------------------------- */

static lv_act *next_action(lv_run *r)
{
	lv_act *best = NULL;
	for (size_t i = 0; i < r->nacts; i++)
		if (!r->acts[i].done && (!best || r->acts[i].t_ns < best->t_ns))
			best = &r->acts[i];
	return best;
}

static void check_startup(lv_run *r, int64_t t)
{
	if (r->any_leader || r->first_start_ns < 0 ||
	    t < r->first_start_ns + r->o->startup_timeout_ns)
		return;
	char lines[LV_LAST_LINES * 210] = "";
	const lv_pod *p = r->npods ? &r->pods[0] : NULL;
	if (p)
		last_lines(p, lines, sizeof lines);
	const char *how = r->o->status_url ? "--status-url never named it"
			  : r->o->leader_re ? "--leader-regex never matched"
					    : "no started_leading event";
	fail(r, SIM_EXIT_BAD_INPUT, "no pod reported leading within the start-up "
	     "timeout of %.3f s (%s); pod %s's last output:%s",
	     secs(r->o->startup_timeout_ns), how, p ? p->name : "-", lines);
}

static void loop(lv_run *r)
{
	struct pollfd *pfd = NULL;
	size_t pfd_cap = 0;
	for (;;) {
		int64_t t = now_ns(r);
		if (stop_signal) {
			fail(r, SIM_EXIT_INTERNAL, "interrupted by %s at %.3f s: everything "
			     "it started is stopped", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
			     secs(t));
			break;
		}
		if (r->code != SIM_EXIT_PASS)
			break;
		lv_act *a = next_action(r);
		if (a && a->t_ns <= t && a->t_ns < r->sc->duration_ns) {
			run_action(r, a);
			continue;
		}
		if (t >= r->sc->duration_ns)
			break;
		check_startup(r, t);
		int64_t wait = r->sc->duration_ns - t;
		if (a && a->t_ns - t < wait)
			wait = a->t_ns - t;
		int ms = (int)(wait / 1000000) + 1;
		if (ms > POLL_MAX_MS)
			ms = POLL_MAX_MS;
		if (pfd_cap < r->npods + 1) {
			pfd_cap = r->npods + 8;
			struct pollfd *np = realloc(pfd, pfd_cap * sizeof *np);
			if (!np) {
				fail(r, SIM_EXIT_INTERNAL, "out of memory");
				break;
			}
			pfd = np;
		}
		for (size_t i = 0; i < r->npods; i++)
			pfd[i] = (struct pollfd){r->pods[i].proc.out_fd, POLLIN, 0};
		pfd[r->npods] = (struct pollfd){r->api.proc.out_fd, POLLIN, 0};
		poll(pfd, r->npods + 1, ms);
		for (size_t i = 0; i < r->npods; i++) {
			line_ctx c = {r, (int32_t)i};
			lv_proc_read(&r->pods[i].proc, on_line, &c);
			lv_pod *p = &r->pods[i];
			if (p->alive && lv_proc_reap(&p->proc)) {
				lv_proc_read(&p->proc, on_line, &c);
				on_exit_seen(r, (int32_t)i);
			}
			if (r->o->status_url)
				poll_status(r, (int32_t)i, now_ns(r));
		}
		char sink[4096];
		if (r->api.proc.out_fd >= 0 && (pfd[r->npods].revents & POLLIN)) {
			ssize_t n = read(r->api.proc.out_fd, sink, sizeof sink);
			(void)n;
		}
		if (lv_proc_reap(&r->api.proc)) {
			fail(r, SIM_EXIT_INTERNAL, "the fake apiserver exited during the run "
			     "(status %d)", r->api.proc.status);
			break;
		}
	}
	free(pfd);
}

/* ---- after the run: committed writes, identities, the clock check ------------- */

static int32_t pod_by_user(const lv_run *r, const char *user)
{
	for (size_t i = 0; i < r->npods; i++)
		if (!strcmp(r->pods[i].user, user))
			return (int32_t)i;
	return -1;
}

static void merge_writes(lv_run *r, const char *text)
{
	const sim_election *e = &r->sc->defaults;
	/* a MultiLock's writes are followed on its primary only */
	le_lock_kind kind = le_lock_kind_primary(e->lock_kind);
	const char *res = le_lock_kind_name(kind);
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		cJSON *j = cJSON_ParseWithLength(line, n);
		line += n + (nl ? 1 : 0);
		if (!j)
			continue;
		const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "op"));
		const char *rs = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "resource"));
		const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "namespace"));
		const char *nm = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "name"));
		const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "identity"));
		const char *rev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "revision"));
		const cJSON *wall = cJSON_GetObjectItemCaseSensitive(j, "serverWallNs");
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "object");
		if (!op || strcmp(op, "delete") == 0 || !rs || strcmp(rs, res) || !ns ||
		    strcmp(ns, e->lock_namespace) || !nm || strcmp(nm, e->lock_name) ||
		    !cJSON_IsNumber(wall) || !obj) {
			cJSON_Delete(j);
			continue;
		}
		char *ot = cJSON_PrintUnformatted(obj);
		le_record rec;
		bool present = false;
		char rv[32], err[256];
		int rc = ot ? le_record_from_object_json(kind, ot, strlen(ot), &rec,
							 &present, rv, sizeof rv, err, sizeof err)
			    : LE_ENOMEM;
		free(ot);
		int32_t pod = who ? pod_by_user(r, who) : -1;
		if (rc == LE_OK && present) {
			int64_t t = (int64_t)wall->valuedouble - r->wall0_ns;
			if (pod >= 0 && !r->pods[pod].identity[0] && rec.holder[0]) {
				snprintf(r->pods[pod].identity, sizeof r->pods[pod].identity,
					 "%s", rec.holder);
				lv_history_set_identity(r->h, pod, rec.holder);
			}
			if (lv_history_push_write(r->h, t, pod, &rec,
						  rev ? strtoll(rev, NULL, 10) : 0) != LE_OK)
				fail(r, SIM_EXIT_INTERNAL, "out of memory");
		}
		cJSON_Delete(j);
	}
}

static void report_clocks(lv_run *r)
{
	for (size_t i = 0; i < r->npods; i++) {
		lv_pod *p = &r->pods[i];
		if (!p->faked)
			continue;
		if (p->samples == 0) {
			fail(r, SIM_EXIT_BAD_INPUT, "pod %s: a clock fault was set but its "
			     "output carries no timestamps, so whether it bit cannot be "
			     "checked (bin/elector's JSON log has them)", p->name);
			continue;
		}
		printf("  clock of %s: offset %+.3f s measured at its last line (libfaketime "
		       "%+.3f s, rate x%.3f), max deviation from the expected clock %.3f s "
		       "over %zu lines\n", p->name, secs(p->last_meas_ns), secs(p->ft_off_ns),
		       p->ft_rate, secs(p->max_dev_ns), p->samples);
		print_segment(p, "at the end");
	}
}

/* ---- setup and teardown ------------------------------------------------------- */

/* The run's folder is flat: kubeconfigs, tokens, timestamp files. */
static void remove_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[SIM_PATH_MAX + 256];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

static void teardown(lv_run *r)
{
	for (size_t i = 0; i < r->npods; i++)
		lv_proc_stop(&r->pods[i].proc);
	if (r->api_up)
		lv_apiserver_stop(&r->api);
	r->api_up = false;
	if (r->tmp[0])
		remove_tmp(r->tmp);
	r->tmp[0] = '\0';
}

static int write_tokens(lv_run *r, char *path, size_t cap)
{
	snprintf(path, cap, "%s/tokens", r->tmp);
	FILE *f = fopen(path, "w");
	if (!f)
		return LE_EIO;
	for (size_t k = 0; k < MAX_SLOTS; k++) {
		unsigned char b[12];
		if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
			memset(b, (int)k, sizeof b);
		for (size_t i = 0; i < sizeof b; i++)
			snprintf(r->slot_token[k] + 2 * i, 3, "%02x", b[i]);
		if (k < r->sc->npods)
			snprintf(r->slot_user[k], LE_ID_MAX, "%s", r->sc->pods[k].name);
		else
			snprintf(r->slot_user[k], LE_ID_MAX, "replacement-%zu", k - r->sc->npods);
		fprintf(f, "%s,%s\n", r->slot_token[k], r->slot_user[k]);
	}
	return fclose(f) == 0 ? LE_OK : LE_EIO;
}

static int setup(lv_run *r)
{
	const char *base = getenv("TMPDIR");
	snprintf(r->tmp, sizeof r->tmp, "%s/leaselab-live-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(r->tmp)) {
		r->tmp[0] = '\0';
		return fail(r, SIM_EXIT_INTERNAL, "mkdtemp: %s", strerror(errno));
	}
	char tokens[SIM_PATH_MAX + 16], bin[SIM_PATH_MAX + 32];
	if (write_tokens(r, tokens, sizeof tokens) != LE_OK)
		return fail(r, SIM_EXIT_INTERNAL, "%s: %s", tokens, strerror(errno));
	snprintf(bin, sizeof bin, "%s/fake-apiserver", r->o->bindir);
	char err[LV_ERR_MAX];
	if (lv_apiserver_start(&r->api, bin, tokens, (uint64_t)r->index + 1, err,
			       sizeof err) != LE_OK)
		return fail(r, SIM_EXIT_INTERNAL, "%s", err);
	r->api_up = true;
	snprintf(r->server, sizeof r->server, "%s", r->api.url);
	/* The scenario's network: one rule for everyone, before any pod. */
	fa_fault_rule base_rule = {.request_latency = r->sc->latency_to,
				   .response_latency = r->sc->latency_from};
	add_rule(r, NULL, store_rule(&base_rule, "*"));
	for (size_t i = 0; i < r->sc->npods; i++)
		schedule(r, r->sc->pods[i].start_ns, ACT_START, (int32_t)i, 0);
	for (size_t i = 0; i < r->sc->nfaults; i++)
		schedule(r, r->sc->faults[i].at_ns, ACT_FAULT_START, (int32_t)i, 0);
	return r->code;
}

/* ---- one run, judged -------------------------------------------------------------- */

typedef struct run_out {
	sim_check_result result;
	int code;
	double wall_s;
} run_out;

static void print_result(const sim_history *h, const sim_check_result *res)
{
	for (size_t i = 0; i < res->nfailovers; i++) {
		const sim_failover *f = &res->failovers[i];
		const char *from = f->from_pod >= 0 ? h->pods[f->from_pod].name : "-";
		if (f->to_pod < 0)
			printf("  failover (%s) from %s at %.3f s -> no new leader by the end%s\n",
			       sim_failover_cause_name(f->cause), from, secs(f->cause_ns),
			       f->within_bound ? "" : "  EXCEEDED");
		else
			printf("  failover (%s) from %s at %.3f s -> %s leads at %.3f s: %.3f s "
			       "(bound %.3f s)%s\n", sim_failover_cause_name(f->cause), from,
			       secs(f->cause_ns), h->pods[f->to_pod].name, secs(f->leader_ns),
			       secs(f->leader_ns - f->cause_ns), secs(f->bound_ns),
			       f->within_bound ? "" : "  EXCEEDED");
	}
	for (size_t i = 0; i < res->noverlaps; i++) {
		const sim_overlap *o = &res->overlaps[i];
		printf("  overlap: %s and %s both leading from %.3f s to %.3f s (%.3f s)\n",
		       h->pods[o->pod_a].name, h->pods[o->pod_b].name, secs(o->start_ns),
		       secs(o->end_ns), secs(o->end_ns - o->start_ns));
	}
	for (size_t i = 0; i < res->nviolations && i < 10; i++) {
		const sim_violation *v = &res->violations[i];
		if (v->inv != SIM_INV_SAFETY && v->inv != SIM_INV_FAILOVER)
			printf("  violation (%s) at %.3f s: %s\n", sim_invariant_name(v->inv),
			       secs(v->t_ns), v->text);
	}
	printf("  leaderless: %.3f s in total, longest %.3f s; at most %d leader%s at once\n",
	       secs(res->leaderless_total_ns), secs(res->leaderless_max_ns),
	       res->max_leaders_seen, res->max_leaders_seen == 1 ? "" : "s");
}

static int mkdirs(const char *dir)
{
	char path[SIM_PATH_MAX];
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_outputs(const lv_run *r, const sim_history *h, run_out *out,
			 const char *repro)
{
	char dir[SIM_PATH_MAX], path[SIM_PATH_MAX + 32], err[LE_ERRMSG_MAX] = "";
	snprintf(dir, sizeof dir, "%s/run-%d", r->o->out_dir, r->index + 1);
	if (mkdirs(dir) != 0) {
		fprintf(stderr, "sim live: %s: %s\n", dir, strerror(errno));
		return SIM_EXIT_INTERNAL;
	}
	snprintf(path, sizeof path, "%s/history.jsonl", dir);
	FILE *f = fopen(path, "w");
	int rc = f ? sim_history_write_jsonl(h, r->sc, f) : LE_EIO;
	if (!f || fclose(f) != 0 || rc != LE_OK) {
		fprintf(stderr, "sim live: %s: cannot write the history\n", path);
		return SIM_EXIT_INTERNAL;
	}
	rep_run rr = {.scenario = r->sc, .seed = (uint64_t)r->index + 1, .history = h,
		      .result = &out->result, .repro_command = repro,
		      .sim_wall_seconds = out->wall_s, .dir = dir};
	if (rep_write_run(&rr, err, sizeof err) != LE_OK) {
		fprintf(stderr, "sim live: report in %s: %s\n", dir, err);
		return SIM_EXIT_INTERNAL;
	}
	return SIM_EXIT_PASS;
}

/* The simulator's true time 0 is a whole second of wall time
 * (SIM_WALL_EPOCH_NS). Records carry wall times in whole seconds (0.5's
 * annotation), so where the run falls within a wall second changes when a
 * follower sees a renewal as a change: start live runs on the same phase,
 * or their failovers are drawn from another distribution. */
static void align_to_wall_second(void)
{
	int64_t w = wall_ns();
	int64_t rest = LE_NS_PER_S - w % LE_NS_PER_S;
	struct timespec d = {0, (long)(rest % LE_NS_PER_S)};
	while (d.tv_nsec > 0 && nanosleep(&d, &d) != 0 && errno == EINTR && !stop_signal)
		;
}

static void run_once(const lv_opts *o, const sim_scenario *sc, int index,
		     const char *ftlib, run_out *out)
{
	lv_run r = {.o = o, .sc = sc, .index = index, .ftlib = ftlib,
		    .first_start_ns = -1, .rng = (uint64_t)index * 7919 + 1};
	r.api.proc.out_fd = -1;
	memset(out, 0, sizeof *out);
	char err[LV_ERR_MAX];
	r.h = lv_history_new((uint64_t)index + 1, o->scale);
	r.fs = calloc(sc->nfaults ? sc->nfaults : 1, sizeof *r.fs);
	if (!r.h || !r.fs ||
	    lv_matchers_init(&r.m, o->elector_tpl == NULL, o->leader_re, o->follower_re,
			     o->new_leader_re, err, sizeof err) != LE_OK) {
		fail(&r, r.h && r.fs ? SIM_EXIT_BAD_INPUT : SIM_EXIT_INTERNAL, "%s",
		     r.h && r.fs ? err : "out of memory");
		goto done;
	}
	if (o->status_url && !(r.status_curl = curl_easy_init())) {
		fail(&r, SIM_EXIT_INTERNAL, "curl_easy_init failed");
		goto done;
	}
	align_to_wall_second();
	r.t0_mono_ns = mono_ns();
	r.wall0_ns = wall_ns();
	if (setup(&r) == SIM_EXIT_PASS)
		loop(&r);
	r.end_ns = now_ns(&r);
	out->wall_s = secs(r.end_ns);
	/* Stop the pods first: their last writes are in before the history. */
	for (size_t i = 0; i < r.npods; i++)
		lv_proc_stop(&r.pods[i].proc);
	if (r.code == SIM_EXIT_PASS) {
		char *text = lv_apiserver_history(&r.api, err, sizeof err);
		if (!text)
			fail(&r, SIM_EXIT_INTERNAL, "%s", err);
		else
			merge_writes(&r, text);
		free(text);
	}
	teardown(&r);
	if (r.code == SIM_EXIT_PASS)
		report_clocks(&r);
done:
	teardown(&r);
	if (r.code != SIM_EXIT_PASS) {
		fprintf(stderr, "sim live: %s: run %d: %s\n", sc->file, index + 1, r.err);
		out->code = r.code;
		out->result.exit_code = r.code;
	} else {
		const sim_history *h = lv_history_view(r.h);
		if (lv_history_finish(r.h, r.end_ns) != LE_OK ||
		    sim_check(sc, h, &out->result) != LE_OK)
			out->code = SIM_EXIT_INTERNAL;
		else
			out->code = out->result.exit_code;
		printf("%s (live run %d, time scale %g): %s\n", sc->name, index + 1, o->scale,
		       out->result.verdict);
		print_result(h, &out->result);
		if (o->out_dir) {
			char repro[SIM_PATH_MAX + 64];
			snprintf(repro, sizeof repro, "%s live %s --time-scale %g", o->argv0,
				 sc->file, o->scale);
			int wc = write_outputs(&r, h, out, repro);
			if (wc != SIM_EXIT_PASS)
				out->code = wc;
		}
	}
	fflush(stdout);
	lv_matchers_free(&r.m);
	if (r.status_curl)
		curl_easy_cleanup(r.status_curl);
	for (size_t i = 0; r.fs && i < sc->nfaults; i++)
		free(r.fs[i].targets);
	free(r.fs);
	free(r.pods);
	free(r.acts);
	lv_history_free(r.h);
}

/* ---- --runs: live beside the simulator ------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

typedef struct dist {
	int64_t *v;
	size_t n, cap;
} dist;

static void dist_add_result(dist *d, const sim_check_result *res)
{
	for (size_t k = 0; k < res->nfailovers; k++) {
		const sim_failover *f = &res->failovers[k];
		if (f->to_pod < 0)
			continue;
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 64;
			int64_t *p = realloc(d->v, cap * sizeof *p);
			if (!p)
				return;
			d->v = p;
			d->cap = cap;
		}
		d->v[d->n++] = f->leader_ns - f->cause_ns;
	}
}

static int64_t pct(const dist *d, double q)
{
	size_t i = (size_t)ceil(q * (double)d->n) - 1;
	return d->v[i < d->n ? i : d->n - 1];
}

static void dist_line(const char *label, dist *d, char *buf, size_t cap)
{
	if (d->n == 0) {
		snprintf(buf, cap, "%-22s no failovers", label);
		return;
	}
	qsort(d->v, d->n, sizeof *d->v, cmp_i64);
	snprintf(buf, cap, "%-22s min %.3f s  p50 %.3f s  p99 %.3f s  max %.3f s  (%zu failovers)",
		 label, secs(d->v[0]), secs(pct(d, 0.5)), secs(pct(d, 0.99)),
		 secs(d->v[d->n - 1]), d->n);
}

static void compare_with_sim(const lv_opts *o, const sim_scenario *sc, dist *live)
{
	dist sim = {0};
	for (uint64_t seed = 1; seed <= SIM_SEEDS; seed++) {
		char err[LE_ERRMSG_MAX];
		sim_world *w = sim_world_new(sc, seed, err, sizeof err);
		if (!w)
			break;
		sim_check_result res;
		if (sim_world_run(w, err, sizeof err) == LE_OK &&
		    sim_check(sc, sim_world_history(w), &res) == LE_OK) {
			dist_add_result(&sim, &res);
			sim_check_result_free(&res);
		}
		sim_world_free(w);
	}
	char a[256], b[256], label[64];
	snprintf(label, sizeof label, "live (%d runs):", o->runs);
	dist_line(label, live, a, sizeof a);
	snprintf(label, sizeof label, "simulator (%d seeds):", SIM_SEEDS);
	dist_line(label, &sim, b, sizeof b);
	size_t outside = 0;
	for (size_t i = 0; i < live->n && sim.n; i++)
		outside += live->v[i] < sim.v[0] || live->v[i] > sim.v[sim.n - 1];
	printf("failover, time scale %g:\n  %s\n  %s\n", o->scale, a, b);
	if (sim.n)
		printf("  %zu of %zu live failovers outside the simulator's range [%.3f s, %.3f s]%s\n",
		       outside, live->n, secs(sim.v[0]), secs(sim.v[sim.n - 1]),
		       outside ? "  <-- OUTSIDE" : "");
	if (o->out_dir) {
		char path[SIM_PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/live.md", o->out_dir);
		FILE *f = fopen(path, "w");
		if (f) {
			fprintf(f, "# %s, live (driver: live)\n\n`%s live %s --time-scale %g "
				   "--runs %d`\n\nEvery duration of the scenario scaled by %g.\n\n"
				   "```\n%s\n%s\n%zu of %zu live failovers outside the "
				   "simulator's range\n```\n", sc->name, o->argv0, sc->file,
				o->scale, o->runs, o->scale, a, b, outside, live->n);
			fclose(f);
		}
	}
	free(sim.v);
}

/* ---- the command line -------------------------------------------------------------- */

static int bad(const char *fmt, const char *a)
{
	fprintf(stderr, "sim live: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n(see bin/sim live --help)\n");
	return SIM_EXIT_BAD_INPUT;
}

static int parse(int argc, char **argv, lv_opts *o)
{
	o->scale = 1.0;
	o->runs = 1;
	o->startup_timeout_ns = 10 * LE_NS_PER_S;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return SIM_EXIT_PASS;
		}
		static const char *const with_value[] = {"--elector", "--time-scale",
			"--runs", "--out", "--leader-regex", "--follower-regex",
			"--new-leader-regex", "--status-url", "--startup-timeout"};
		const char *flag = NULL;
		for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
			if (sim__flag_is(a, with_value[k]))
				flag = with_value[k];
		if (!flag) {
			if (a[0] == '-')
				return bad("unknown flag '%s'", a);
			if (o->file)
				return bad("one scenario file per live run; '%s' is a second", a);
			o->file = a;
			continue;
		}
		if (!(v = sim__flag_value(argc, argv, &i, flag)) || !*v)
			return bad("%s: missing value", flag);
		char *end;
		if (!strcmp(flag, "--elector")) {
			o->elector_tpl = v;
		} else if (!strcmp(flag, "--time-scale")) {
			o->scale = strtod(v, &end);
			if (*end || !(o->scale > 0 && o->scale <= 10))
				return bad("--time-scale: expected a factor in (0, 10], got '%s'", v);
		} else if (!strcmp(flag, "--runs")) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > MAX_RUNS)
				return bad("--runs: expected a count from 1 to 1000, got '%s'", v);
			o->runs = (int)n;
		} else if (!strcmp(flag, "--out")) {
			o->out_dir = v;
		} else if (!strcmp(flag, "--leader-regex")) {
			o->leader_re = v;
		} else if (!strcmp(flag, "--follower-regex")) {
			o->follower_re = v;
		} else if (!strcmp(flag, "--new-leader-regex")) {
			o->new_leader_re = v;
		} else if (!strcmp(flag, "--status-url")) {
			o->status_url = v;
		} else {
			char err[128];
			if (le_parse_duration(v, &o->startup_timeout_ns, err, sizeof err) != LE_OK ||
			    o->startup_timeout_ns <= 0)
				return bad("--startup-timeout: expected a duration such as 10s, got '%s'", v);
		}
	}
	if (!o->file)
		return bad("no scenario file given%s", "");
	if (!o->elector_tpl && (o->leader_re || o->follower_re || o->status_url))
		return bad("%s needs --elector: bin/elector is observed through its JSON "
			   "events", o->leader_re ? "--leader-regex" : o->follower_re
			   ? "--follower-regex" : "--status-url");
	return -1;
}

static void find_bindir(const char *argv0, char *out, size_t cap)
{
	char self[SIM_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
	} else {
		snprintf(self, sizeof self, "%s", argv0);
	}
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(self, sizeof self, ".");
	snprintf(out, cap, "%s", self);
}

/* bin/sim's order of severity: 4 > 3 > 1 > 2 > 0. */
static int exit_rank(int code)
{
	switch (code) {
	case SIM_EXIT_PASS: return 0;
	case SIM_EXIT_LIVENESS: return 1;
	case SIM_EXIT_SAFETY: return 2;
	case SIM_EXIT_BAD_INPUT: return 3;
	default: return 4;
	}
}

int sim_live_main(int argc, char **argv, const char *argv0)
{
	lv_opts o = {.argv0 = argv0};
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	find_bindir(argv0, o.bindir, sizeof o.bindir);
	sim_scenario sc;
	char err[LE_ERRMSG_MAX * 2] = "";
	if (sim_scenario_load(o.file, &sc, err, sizeof err) != LE_OK) {
		fprintf(stderr, "%s\n", err[0] ? err : o.file);
		return SIM_EXIT_BAD_INPUT;
	}
	if (!sc.file[0])
		snprintf(sc.file, sizeof sc.file, "%s", o.file);
	if (!sc.name[0])
		snprintf(sc.name, sizeof sc.name, "%s", o.file);
	scale_scenario(&sc, o.scale);
	char desc[SIM_TEXT_MAX];
	snprintf(desc, sizeof desc, "[live run, time scale %g: every duration x%g] %s",
		 o.scale, o.scale, sc.description);
	snprintf(sc.description, sizeof sc.description, "%s", desc);
	const char *ftlib = NULL;
	int code = SIM_EXIT_PASS;
	if ((o.elector_tpl && check_template(o.elector_tpl, &o, err, sizeof err) != LE_OK) ||
	    check_feasible(&sc, &o, err, sizeof err) != LE_OK ||
	    (needs_clock(&sc) && !(ftlib = lv_faketime_lib(err, sizeof err)))) {
		fprintf(stderr, "sim live: %s\n", err);
		code = SIM_EXIT_BAD_INPUT;
	}
	if (code == SIM_EXIT_PASS && ftlib) {
		char prog[SIM_PATH_MAX];
		if (o.elector_tpl)
			snprintf(prog, sizeof prog, "%.*s", (int)strcspn(o.elector_tpl, " \t"),
				 o.elector_tpl);
		else
			snprintf(prog, sizeof prog, "%s/elector", o.bindir);
		if (!lv_preload_reaches(prog, err, sizeof err)) {
			fprintf(stderr, "sim live: %s\n", err);
			code = SIM_EXIT_BAD_INPUT;
		}
	}
	if (code != SIM_EXIT_PASS) {
		sim_scenario_free(&sc);
		return code;
	}
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	struct sigaction old_int, old_term;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("# live: %s live %s --time-scale %g%s%s\n", argv0, sc.file, o.scale,
	       o.elector_tpl ? " --elector " : "", o.elector_tpl ? o.elector_tpl : "");
	fflush(stdout);
	dist live = {0};
	int worst = SIM_EXIT_PASS, passed = 0;
	for (int k = 0; k < o.runs && !stop_signal; k++) {
		run_out out;
		run_once(&o, &sc, k, ftlib, &out);
		if (out.code == SIM_EXIT_PASS)
			passed++;
		else if (exit_rank(out.code) > exit_rank(worst))
			worst = out.code;
		if (out.code == SIM_EXIT_PASS || out.code == SIM_EXIT_SAFETY ||
		    out.code == SIM_EXIT_LIVENESS)
			dist_add_result(&live, &out.result);
		sim_check_result_free(&out.result);
		if (worst == SIM_EXIT_BAD_INPUT || worst == SIM_EXIT_INTERNAL)
			break;
	}
	if (stop_signal && worst == SIM_EXIT_PASS)
		worst = SIM_EXIT_INTERNAL;
	if (o.runs > 1) {
		printf("%s: %d/%d live runs passed\n", sc.name, passed, o.runs);
		compare_with_sim(&o, &sc, &live);
	}
	free(live.v);
	curl_global_cleanup();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sim_scenario_free(&sc);
	return worst;
}
