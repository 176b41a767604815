/* bin/sim advise: the envelope of LD/RD/RP settings, analytic and simulated.
 *
 *   bin/sim advise --lease-duration LD --renew-deadline RD --retry-period RP
 *                  [--profile P] [--replicas N] [--request-timeout T]
 *                  [--compare NAME|LD/RD/RP]... [--preset NAME]
 *                  [--seeds K] [--format table|markdown|json]
 *
 * For each setting: the analytic figures of election-spec.md 6 (r ~ 0),
 * each confirmed by simulating a built-in scenario for K seeds (1..K):
 * crash failover and graceful handover percentiles; and by bisection (K
 * seeds a point): the longest pause with no two leaders, the slowest
 * leader clock with no two leaders, the longest apiserver outage (refused,
 * black-holed) with no loss of leadership; and how soon a leader exists
 * after an outage that did cost it. The verdicts are sim_check's; the
 * scenarios are YAML texts run through sim_run_point, like a sweep's.
 * Presets and their sources: docs/advise.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "args.h"

#define MAX_SETTINGS 8

typedef struct preset {
	const char *name, *what;
	double ld, rd, rp;
} preset;

/* Sources: docs/advise.md. */
static const preset presets[] = {
	{"client-go", "client-go / controller-runtime defaults", 15, 10, 2},
	{"kube-controller-manager", "kube-controller-manager --leader-elect-* defaults", 15, 10, 2},
	{"kube-scheduler", "kube-scheduler --leader-elect-* defaults", 15, 10, 2},
	{"openshift", "OpenShift's published defaults (library-go)", 137, 107, 26},
	{"sidecar-0.5", "leader-elector:0.5 sidecar, --ttl 10s", 10, 5, 2.5},
};

typedef struct setting {
	char label[64];
	const char *profile;
	double ld, rd, rp;        /* s */
	double t;                 /* request timeout, s; 0 = the profile's */
	bool t_given;
	int replicas;
} setting;

typedef struct measure {
	bool ok;                  /* simulated */
	int edge;                 /* bisection: 0 bracketed, 1 fails at both
				     ends, 2 holds at both ends */
	double lo, hi;            /* bisection interval, or */
	double p50, p99, max, mean;
	size_t n;
} measure;

typedef struct envelope {
	setting s;
	double t_eff;             /* request timeout in effect, s (0 = none) */
	/* analytic */
	double a_pause, a_ratio, a_out_refused, a_out_black, a_heal;
	double a_crash_min, a_crash_mean, a_crash_max, a_release_max, a_release_mean;
	bool no_release;          /* the profile cannot release: 6.1 applies */
	double slack, slack_lost;
	/* simulated */
	measure crash, release, pause, rate, out_refused, out_black, heal;
	char warn[6][200];
	int nwarn;
} envelope;

typedef struct adv {
	setting set[MAX_SETTINGS];
	size_t nset;
	uint64_t seeds;
	const char *format;
	const char *profile;
	int replicas;
	double t;
	bool t_given;
} adv;

static const char advise_usage[] =
	"usage: bin/sim advise --lease-duration LD --renew-deadline RD --retry-period RP\n"
	"                      [--profile P] [--replicas N] [--request-timeout T]\n"
	"                      [--compare NAME|LD/RD/RP]... [--preset NAME]\n"
	"                      [--seeds K] [--format table|markdown|json]\n"
	"\n"
	"The envelope of the settings (election-spec.md 6), analytic and confirmed by\n"
	"simulation (K seeds, default 200, seeds 1..K): longest safe pause, tolerated\n"
	"clock-rate ratio, longest apiserver outage (refused, black-holed) without\n"
	"losing leadership and the time to a leader after it heals, crash failover and\n"
	"graceful handover p50/p99/max, the slack LD - (RP + RD + rU), warnings.\n"
	"Presets (docs/advise.md): client-go, kube-controller-manager, kube-scheduler,\n"
	"openshift, sidecar-0.5. --replicas: pods in the fleet (default 2).\n"
	"\n"
	"Exit: 0 done, 3 bad input (client-go's own validation text), 4 internal.\n";

static bool parse_secs(const char *v, double *out)
{
	int64_t ns;
	char why[128];
	if (le_parse_duration(v, &ns, why, sizeof why) != LE_OK || ns < 0)
		return false;
	*out = (double)ns / 1e9;
	return true;
}

static const preset *find_preset(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

/* client-go's NewLeaderElector checks, in its order and words
 * (election-spec.md 1.2). */
static const char *validate(const setting *s)
{
	int64_t ld = (int64_t)llround(s->ld * 1e9), rd = (int64_t)llround(s->rd * 1e9);
	int64_t rp = (int64_t)llround(s->rp * 1e9);
	if (ld <= rd)
		return "leaseDuration must be greater than renewDeadline";
	if (rd <= (int64_t)(1.2 * (double)rp))
		return "renewDeadline must be greater than retryPeriod*JitterFactor";
	if (ld < 1)
		return "leaseDuration must be greater than zero";
	if (rd < 1)
		return "renewDeadline must be greater than zero";
	if (rp < 1)
		return "retryPeriod must be greater than zero";
	return NULL;
}

/* ---- scenarios ---------------------------------------------------------------- */

static double settle(const setting *s) { return 2 * s->ld + 5 * s->rp; }

/* The YAML of one experiment; `faults` is the faults: list's text. */
static void scenario_text(const setting *s, const char *name, double duration,
			  bool release, const char *faults, char *out, size_t cap)
{
	char rt[64] = "";
	if (s->t_given)
		snprintf(rt, sizeof rt, "  requestTimeout: %.9gs\n", s->t);
	snprintf(out, cap,
		 "name: advise-%s\n"
		 "duration: %.9gs\n"
		 "seed: 1\n"
		 "election:\n"
		 "  profile: %s\n"
		 "  lock: %s\n"
		 "  name: advise\n"
		 "  leaseDuration: %.9gs\n"
		 "  renewDeadline: %.9gs\n"
		 "  retryPeriod: %.9gs\n"
		 "%s"
		 "  releaseOnCancel: %s\n"
		 "network:\n"
		 "  latency: {min: 10us, max: 20us}\n"
		 "pods:\n"
		 "  - {name: p, replicas: %d}\n"
		 "faults:\n%s",
		 name, duration, s->profile,
		 /* the 0.5 sidecar has only the annotation locks */
		 !strcmp(s->profile, "sidecar-0.5") ? "endpoints" : "leases", s->ld, s->rd, s->rp, rt,
		 release ? "true" : "false", s->replicas, faults);
}

typedef struct run_ctx {
	char text[4096];
	sim_jitter jit;
	const char *what;
} run_ctx;

static int point(const run_ctx *c, const char *path, double x, const char *unit,
		 uint64_t seeds, sim_point_stats *st, sim_point_hook hook, void *hctx)
{
	sim_override ov;
	size_t nov = 0;
	if (path) {
		snprintf(ov.path, sizeof ov.path, "%s", path);
		snprintf(ov.value, sizeof ov.value, "%.9g%s", x, unit);
		nov = 1;
	}
	char err[LE_ERRMSG_MAX] = "";
	int rc = sim_run_point(c->text, strlen(c->text), c->what, &ov, nov, &c->jit, 1,
			       1, (size_t)seeds, st, hook, hctx, err, sizeof err);
	if (rc != LE_OK)
		fprintf(stderr, "sim advise: %s: %s\n", c->what, err);
	return rc;
}

typedef bool (*failing_fn)(const sim_point_stats *st);
static bool two_leaders(const sim_point_stats *st) { return st->safety > 0; }
static bool lost_lead(const sim_point_stats *st) { return st->disturbed > 0; }

/* Bisect path in [lo, hi] to `prec` between the end that passes and the
 * end that fails (either way round); [m->lo, m->hi] brackets the change.
 * When both ends agree, m->lo == m->hi is the end that was reached. */
static int bisect(const run_ctx *c, const char *path, const char *unit, double lo,
		  double hi, double prec, uint64_t seeds, failing_fn fails, measure *m)
{
	sim_point_stats st;
	int rc;
	memset(m, 0, sizeof *m);
	if ((rc = point(c, path, lo, unit, seeds, &st, NULL, NULL)) != LE_OK)
		return rc;
	bool lo_fails = fails(&st);
	if ((rc = point(c, path, hi, unit, seeds, &st, NULL, NULL)) != LE_OK)
		return rc;
	m->ok = true;
	if (fails(&st) == lo_fails) {
		m->lo = lo;
		m->hi = hi;
		m->edge = lo_fails ? 1 : 2;
		return LE_OK;
	}
	while (hi - lo > prec) {
		double x = (lo + hi) / 2;
		if ((rc = point(c, path, x, unit, seeds, &st, NULL, NULL)) != LE_OK)
			return rc;
		if (fails(&st) == lo_fails)
			lo = x;
		else
			hi = x;
	}
	m->lo = lo;
	m->hi = hi;
	return LE_OK;
}

static void from_stats(measure *m, const sim_point_stats *st)
{
	m->ok = true;
	m->p50 = st->fo_p50_s;
	m->p99 = st->fo_p99_s;
	m->max = st->fo_max_s;
	m->mean = st->fo_mean_s;
	m->n = st->nfailovers;
}

/* Heal -> first leader, from the checker's leading intervals. */
typedef struct heal_ctx {
	double *v;
	size_t n, cap;
} heal_ctx;

static void heal_hook(void *ctx, const sim_scenario *sc, const sim_check_result *res)
{
	heal_ctx *h = ctx;
	if (sc->nfaults == 0)
		return;
	int64_t heal = sc->faults[0].at_ns + sc->faults[0].duration_ns;
	int64_t best = -1;
	for (size_t i = 0; i < res->nleading; i++) {
		const sim_lead_interval *l = &res->leading[i];
		if (l->end_ns > heal && (best < 0 || l->start_ns < best))
			best = l->start_ns;
	}
	if (best < 0)
		return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		double *nv = realloc(h->v, h->cap * sizeof *nv);
		if (!nv)
			return;
		h->v = nv;
	}
	h->v[h->n++] = best > heal ? (double)(best - heal) / 1e9 : 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int simulate(envelope *e, uint64_t seeds)
{
	const setting *s = &e->s;
	run_ctx c;
	char f[1024];
	double at = settle(s), tail = 2 * s->ld + 12 * s->rp + 10;
	int rc;
	sim_point_stats st;
	memset(&c, 0, sizeof c);
	snprintf(c.jit.path, sizeof c.jit.path, "faults[0].at");
	snprintf(c.jit.unit, sizeof c.jit.unit, "s");
	c.jit.lo = at;
	c.jit.hi = at + s->rp;

	/* crash: kill -9 of the leader at a random phase (6.1) */
	c.what = "advise crash";
	snprintf(f, sizeof f, "  - {action: pod-kill, at: %.9gs, selector: {role: leader}}\n", at);
	scenario_text(s, "crash", at + tail, false, f, c.text, sizeof c.text);
	if ((rc = point(&c, NULL, 0, "", seeds, &st, NULL, NULL)) != LE_OK)
		return rc;
	from_stats(&e->crash, &st);

	/* graceful handover: SIGTERM with ReleaseOnCancel (6.2) */
	c.what = "advise release";
	snprintf(f, sizeof f, "  - {action: pod-delete, at: %.9gs, selector: {role: leader}}\n", at);
	scenario_text(s, "release", at + tail, true, f, c.text, sizeof c.text);
	if ((rc = point(&c, NULL, 0, "", seeds, &st, NULL, NULL)) != LE_OK)
		return rc;
	from_stats(&e->release, &st);

	double prec = s->ld / 150;
	/* pause: longest with no two leaders (6.3) */
	c.what = "advise pause";
	snprintf(f, sizeof f, "  - {action: pause, at: %.9gs, duration: %.9gs, "
		 "selector: {role: leader}}\n", at, s->ld);
	scenario_text(s, "pause", at + 3 * s->ld + tail, false, f, c.text, sizeof c.text);
	if ((rc = bisect(&c, "faults[0].duration", "s", s->rp / 2, 2 * s->ld, prec, seeds,
			 two_leaders, &e->pause)) != LE_OK)
		return rc;

	/* clock rate: the leader's clock slow, then it is black-holed (6.3) */
	c.what = "advise clock rate";
	snprintf(f, sizeof f,
		 "  - {action: partition, at: %.9gs, duration: %.9gs, selector: {role: leader},"
		 " direction: both, kind: blackhole}\n"
		 "  - {action: clock-rate, at: %.9gs, duration: %.9gs, selector: {role: leader},"
		 " rate: 0.5x}\n", at, 3 * s->ld, at - s->rp, 4 * s->ld + s->rp);
	scenario_text(s, "clock-rate", at + 4 * s->ld + tail, false, f, c.text, sizeof c.text);
	if ((rc = bisect(&c, "faults[1].rate", "x", 0.3, 1.0, 0.002, seeds, two_leaders,
			 &e->rate)) != LE_OK)
		return rc;

	/* apiserver outage: refused, then black-holed: longest kept */
	static const char *const kinds[] = {"refused", "blackhole"};
	char all[512] = "";
	for (int r = 0, k = 0; r < s->replicas; r++)
		k += snprintf(all + k, sizeof all - (size_t)k > 0 ? sizeof all - (size_t)k : 0,
			      "%sp-%d", r ? ", " : "", r);
	for (int k = 0; k < 2; k++) {
		c.what = k ? "advise outage (black-holed)" : "advise outage (refused)";
		snprintf(f, sizeof f, "  - {action: partition, at: %.9gs, duration: %.9gs, "
			 "mode: all, selector: {pods: [%s]}, direction: both, kind: %s}\n", at, s->rd,
			 all, kinds[k]);
		scenario_text(s, "outage", at + 3 * s->ld + tail, false, f, c.text,
			      sizeof c.text);
		if ((rc = bisect(&c, "faults[0].duration", "s", s->rp / 10, 2 * s->ld, prec,
				 seeds, lost_lead, k ? &e->out_black : &e->out_refused)) != LE_OK)
			return rc;
	}
	/* an outage long enough to cost leadership: heal -> leader */
	c.what = "advise outage heal";
	double d = s->ld + s->rd + 2 * s->rp;
	snprintf(f, sizeof f, "  - {action: partition, at: %.9gs, duration: %.9gs, "
		 "mode: all, selector: {pods: [%s]}, direction: both, kind: refused}\n",
		 at, d, all);
	scenario_text(s, "heal", at + d + tail, false, f, c.text, sizeof c.text);
	heal_ctx h = {0};
	rc = point(&c, NULL, 0, "", seeds, &st, heal_hook, &h);
	if (rc == LE_OK && h.n) {
		qsort(h.v, h.n, sizeof *h.v, cmp_d);
		e->heal.ok = true;
		e->heal.n = h.n;
		e->heal.p50 = sim_percentile(h.v, h.n, 0.5);
		e->heal.p99 = sim_percentile(h.v, h.n, 0.99);
		e->heal.max = h.v[h.n - 1];
	}
	free(h.v);
	return rc;
}

static void analyse(envelope *e)
{
	const setting *s = &e->s;
	double lds = floor(s->ld);
	const le_profile *p = le_profile_find(s->profile);
	e->t_eff = s->t_given ? s->t :
		   p && p->default_request_timeout ? fmax(1, s->rd / 2) : 0;
	e->a_pause = s->ld - s->rp;
	e->a_ratio = s->ld / (s->rp + s->rd);
	/* Any phase: the renew pass tries at S + RP, then every RP (a refused
	 * call fails at once) or every T (a black-holed one hangs for its
	 * timeout; the poll is not sliding), until RD is over: the outage
	 * must end by the last attempt that starts inside RD. */
	e->a_out_refused = s->rp * (ceil(s->rd / s->rp - 1e-9) - 1);
	e->a_out_black = e->t_eff > 0 && e->t_eff < s->rd ?
			 e->t_eff * (ceil(s->rd / e->t_eff - 1e-9) - 1) : 0;
	e->a_heal = 2.2 * s->rp;
	e->a_crash_min = lds - s->rp;
	e->a_crash_mean = lds + 2 * 0.8375 * s->rp - s->rp / 2;
	e->a_crash_max = lds + 4.4 * s->rp;
	e->no_release = p && !p->release_supported;
	e->a_release_max = e->no_release ? e->a_crash_max : 2.2 * s->rp;
	e->a_release_mean = e->no_release ? e->a_crash_mean : 0.8375 * s->rp;
	e->slack = s->ld - (s->rp + s->rd);
	e->slack_lost = s->ld - (s->rp + s->rd + (e->t_eff > 0 ? e->t_eff : s->rd));
	e->nwarn = 0;
	if (e->t_eff >= s->rd && e->t_eff > 0)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "request timeout %.3g s >= RD "
			 "%.3g s: one hung request uses the whole renew deadline", e->t_eff, s->rd);
	if (e->slack <= 0)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "no slack: LD <= RP + RD, a "
			 "cut-off leader overlaps its successor (validation allows it)");
	else if (e->slack < s->rp)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "fragile: slack %.3g s is "
			 "under one retry period", e->slack);
	if (e->slack_lost < 0)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "a lost renewal answer "
			 "(rU = %s %.3g s) leaves %.3g s of slack: two leaders possible",
			 e->t_eff > 0 ? "request timeout" : "RD, no timeout",
			 e->t_eff > 0 ? e->t_eff : s->rd, e->slack_lost);
	if (e->a_ratio < 1.1)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "clock-rate tolerance %.3g: "
			 "well under the package doc's LD/RD = %.3g", e->a_ratio, s->ld / s->rd);
	if (s->ld < 1)
		snprintf(e->warn[e->nwarn++], sizeof e->warn[0], "LD under 1 s is written as "
			 "leaseDurationSeconds 0, which the apiserver refuses");
}

/* ---- output ------------------------------------------------------------------- */

typedef struct row {
	const char *name;
	void (*cell)(const envelope *e, char *out, size_t cap);
} row;

static void c_set(const envelope *e, char *o, size_t n)
{
	snprintf(o, n, "%.6g/%.6g/%.6g s%s", e->s.ld, e->s.rd, e->s.rp, "");
}
/* "sim 13.46-13.52 s", or what held over the whole range searched */
static void sim_interval(const measure *m, const char *unit, char *o, size_t n)
{
	if (!m->ok)
		snprintf(o, n, "not simulated");
	else if (m->edge == 1)
		snprintf(o, n, "sim: fails everywhere in %.4g-%.4g%s", m->lo, m->hi, unit);
	else if (m->edge == 2)
		snprintf(o, n, "sim: holds over all of %.4g-%.4g%s", m->lo, m->hi, unit);
	else
		snprintf(o, n, "sim %.4g-%.4g%s", m->lo, m->hi, unit);
}

static void c_pause(const envelope *e, char *o, size_t n)
{
	char t[128];
	sim_interval(&e->pause, " s", t, sizeof t);
	snprintf(o, n, "%.4g s; %s", e->a_pause, t);
}
static void c_rate(const envelope *e, char *o, size_t n)
{
	double b = (e->rate.lo + e->rate.hi) / 2;
	char t[128];
	sim_interval(&e->rate, "x (leader clock)", t, sizeof t);
	if (e->rate.edge == 0)
		snprintf(o, n, "%.4g; sim %.4g (leader clock %.4gx-%.4gx)", e->a_ratio,
			 1 / b, e->rate.lo, e->rate.hi);
	else
		snprintf(o, n, "%.4g; %s", e->a_ratio, t);
}
static void c_outr(const envelope *e, char *o, size_t n)
{
	char t[128];
	sim_interval(&e->out_refused, " s", t, sizeof t);
	snprintf(o, n, "%.4g s; %s", e->a_out_refused, t);
}
static void c_outb(const envelope *e, char *o, size_t n)
{
	char t[128];
	sim_interval(&e->out_black, " s", t, sizeof t);
	snprintf(o, n, "%.4g s; %s", e->a_out_black, t);
}
static void c_heal(const envelope *e, char *o, size_t n)
{
	snprintf(o, n, "<= %.4g s; sim p50 %.4g max %.4g s", e->a_heal, e->heal.p50,
		 e->heal.max);
}
static void c_crash(const envelope *e, char *o, size_t n)
{
	snprintf(o, n, "%.4g..%.4g mean %.4g; sim p50 %.4g p99 %.4g max %.4g mean %.4g",
		 e->a_crash_min, e->a_crash_max, e->a_crash_mean, e->crash.p50, e->crash.p99,
		 e->crash.max, e->crash.mean);
}
static void c_rel(const envelope *e, char *o, size_t n)
{
	snprintf(o, n, "%s%.4g mean %.4g; sim p50 %.4g p99 %.4g max %.4g",
		 e->no_release ? "no release, as a crash: <= " : "<= ", e->a_release_max,
		 e->a_release_mean, e->release.p50, e->release.p99, e->release.max);
}
static void c_slack(const envelope *e, char *o, size_t n)
{
	snprintf(o, n, "%.4g s (lost answer: %.4g s)", e->slack, e->slack_lost);
}
static void c_t(const envelope *e, char *o, size_t n)
{
	if (e->t_eff > 0)
		snprintf(o, n, "%.4g s%s", e->t_eff, e->s.t_given ? "" : " (profile default)");
	else
		snprintf(o, n, "none");
}

static const row rows[] = {
	{"settings LD/RD/RP", c_set},
	{"request timeout", c_t},
	{"slack LD-(RP+RD+rU)", c_slack},
	{"longest safe pause", c_pause},
	{"clock-rate ratio", c_rate},
	{"outage kept (refused)", c_outr},
	{"outage kept (black-holed)", c_outb},
	{"leader after heal", c_heal},
	{"crash failover (s)", c_crash},
	{"graceful handover (s)", c_rel},
};

static void print_table(const envelope *e, size_t n, uint64_t seeds, bool md)
{
	char cell[256];
	if (md) {
		printf("| | ");
		for (size_t i = 0; i < n; i++)
			printf("%s | ", e[i].s.label);
		printf("\n|---|");
		for (size_t i = 0; i < n; i++)
			printf("---|");
		printf("\n");
	}
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		if (md)
			printf("| %s | ", rows[r].name);
		for (size_t i = 0; i < n; i++) {
			rows[r].cell(&e[i], cell, sizeof cell);
			if (md)
				printf("%s | ", cell);
			else if (n == 1)
				printf("%-26s %s\n", rows[r].name, cell);
			else
				printf("%-26s %-24s %s\n", i ? "" : rows[r].name, e[i].s.label,
				       cell);
		}
		if (md)
			printf("\n");
	}
	for (size_t i = 0; i < n; i++)
		for (int w = 0; w < e[i].nwarn; w++)
			printf("%swarning (%s): %s\n", md ? "\n- " : "", e[i].s.label, e[i].warn[w]);
	printf("%s(analytic: election-spec.md 6, round trips ~ 0; sim: %" PRIu64
	       " seeds a point, seeds 1..%" PRIu64 ", one leader and %d follower(s))\n",
	       md ? "\n" : "", seeds, seeds, e[0].s.replicas - 1);
}

static void jm(const char *k, const measure *m, bool interval, bool last)
{
	if (!m->ok) {
		printf("\"%s\": null%s", k, last ? "" : ", ");
		return;
	}
	if (interval)
		printf("\"%s\": {\"lo\": %.6f, \"hi\": %.6f, \"bracketed\": %s%s}%s", k,
		       m->lo, m->hi, m->edge ? "false" : "true",
		       m->edge == 1 ? ", \"fails_everywhere\": true" :
		       m->edge == 2 ? ", \"holds_everywhere\": true" : "", last ? "" : ", ");
	else
		printf("\"%s\": {\"p50\": %.6f, \"p99\": %.6f, \"max\": %.6f, \"mean\": %.6f, "
		       "\"n\": %zu}%s", k, m->p50, m->p99, m->max, m->mean, m->n, last ? "" : ", ");
}

static void print_json(const envelope *e, size_t n, uint64_t seeds)
{
	printf("{\"seeds\": %" PRIu64 ", \"first_seed\": 1, \"settings\": [\n", seeds);
	for (size_t i = 0; i < n; i++) {
		const envelope *x = &e[i];
		printf("  {\"label\": \"%s\", \"profile\": \"%s\", \"replicas\": %d, "
		       "\"lease_duration_s\": %.6f, \"renew_deadline_s\": %.6f, "
		       "\"retry_period_s\": %.6f, \"request_timeout_s\": %.6f,\n"
		       "   \"analytic\": {\"pause_s\": %.6f, \"clock_rate_ratio\": %.6f, "
		       "\"outage_refused_s\": %.6f, \"outage_blackholed_s\": %.6f, "
		       "\"heal_to_leader_s\": %.6f, \"crash_min_s\": %.6f, \"crash_mean_s\": %.6f, "
		       "\"crash_max_s\": %.6f, \"release_max_s\": %.6f, \"release_mean_s\": %.6f, "
		       "\"slack_s\": %.6f, \"slack_lost_answer_s\": %.6f},\n   \"simulated\": {",
		       x->s.label, x->s.profile, x->s.replicas, x->s.ld, x->s.rd, x->s.rp,
		       x->t_eff, x->a_pause, x->a_ratio, x->a_out_refused, x->a_out_black,
		       x->a_heal, x->a_crash_min, x->a_crash_mean, x->a_crash_max,
		       x->a_release_max, x->a_release_mean, x->slack, x->slack_lost);
		jm("crash_failover_s", &x->crash, false, false);
		jm("release_handover_s", &x->release, false, false);
		jm("heal_to_leader_s", &x->heal, false, false);
		jm("pause_s", &x->pause, true, false);
		jm("leader_clock_rate", &x->rate, true, false);
		jm("outage_refused_s", &x->out_refused, true, false);
		jm("outage_blackholed_s", &x->out_black, true, true);
		printf("},\n   \"warnings\": [");
		for (int w = 0; w < x->nwarn; w++)
			printf("%s\"%s\"", w ? ", " : "", x->warn[w]);
		printf("]}%s\n", i + 1 < n ? "," : "");
	}
	printf("]}\n");
}

/* ---- arguments ---------------------------------------------------------------- */

/* NAME or LD/RD/RP */
static int add_setting(adv *a, const char *v)
{
	if (a->nset == MAX_SETTINGS)
		return sim__bad_flag("advise", "at most %d settings", MAX_SETTINGS);
	setting *s = &a->set[a->nset];
	memset(s, 0, sizeof *s);
	const preset *p = find_preset(v);
	if (p) {
		s->ld = p->ld;
		s->rd = p->rd;
		s->rp = p->rp;
		snprintf(s->label, sizeof s->label, "%s", p->name);
		s->profile = !strcmp(p->name, "sidecar-0.5") ? "sidecar-0.5" : "client-go";
	} else {
		char buf[128], *parts[3];
		snprintf(buf, sizeof buf, "%s", v);
		parts[0] = buf;
		parts[1] = strchr(buf, '/');
		parts[2] = parts[1] ? strchr(parts[1] + 1, '/') : NULL;
		if (!parts[1] || !parts[2])
			return sim__bad_flag("advise", "--compare '%s': expected a preset (client-go, "
				      "kube-controller-manager, kube-scheduler, openshift, "
				      "sidecar-0.5) or LD/RD/RP like 30s/20s/5s", v);
		*parts[1]++ = '\0';
		*parts[2]++ = '\0';
		if (!parse_secs(parts[0], &s->ld) || !parse_secs(parts[1], &s->rd) ||
		    !parse_secs(parts[2], &s->rp))
			return sim__bad_flag("advise", "--compare '%s': LD/RD/RP must be durations like "
				      "30s/20s/5s", v);
		snprintf(s->label, sizeof s->label, "%.6g/%.6g/%.6g", s->ld, s->rd, s->rp);
		s->profile = NULL;
	}
	a->nset++;
	return -1;
}

static int parse_advise(int argc, char **argv, adv *a)
{
	double ld = -1, rd = -1, rp = -1;
	a->seeds = 200;
	a->format = "table";
	a->replicas = 2;
	int rc;
	for (int i = 2; i < argc; i++) {
		const char *x = argv[i], *v;
		static const char *const dflags[] = {"--lease-duration", "--renew-deadline",
						     "--retry-period", "--request-timeout"};
		bool done = false;
		for (int k = 0; k < 4 && !done; k++) {
			if (!sim__flag_is(x, dflags[k]))
				continue;
			done = true;
			double d;
			if (!(v = sim__flag_value(argc, argv, &i, dflags[k])) || !parse_secs(v, &d))
				return sim__bad_flag("advise", "%s: expected a duration like 15s, got '%s'", dflags[k],
					      v ? v : "");
			if (k == 0)
				ld = d;
			else if (k == 1)
				rd = d;
			else if (k == 2)
				rp = d;
			else {
				a->t = d;
				a->t_given = true;
			}
		}
		if (done)
			continue;
		if (!strcmp(x, "--help") || !strcmp(x, "-h")) {
			fputs(advise_usage, stdout);
			return SIM_EXIT_PASS;
		} else if (sim__flag_is(x, "--profile")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--profile")) || !le_profile_find(v))
				return sim__bad_flag("advise", "--profile: unknown profile '%s'", v ? v : "");
			a->profile = v;
		} else if (sim__flag_is(x, "--replicas")) {
			char *end;
			long n = 0;
			if ((v = sim__flag_value(argc, argv, &i, "--replicas")))
				n = strtol(v, &end, 10);
			if (!v || *end || n < 2 || n > 100)
				return sim__bad_flag("advise", "--replicas: expected 2 to 100 pods, got '%s'",
					      v ? v : "");
			a->replicas = (int)n;
		} else if (sim__flag_is(x, "--seeds")) {
			char *end;
			unsigned long long n = 0;
			if ((v = sim__flag_value(argc, argv, &i, "--seeds")))
				n = strtoull(v, &end, 10);
			if (!v || *v == '-' || *end || n == 0 || n > 100000)
				return sim__bad_flag("advise", "--seeds: expected 1 to 100000, got '%s'", v ? v : "");
			a->seeds = n;
		} else if (sim__flag_is(x, "--format")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--format")) ||
			    (strcmp(v, "table") && strcmp(v, "markdown") && strcmp(v, "json")))
				return sim__bad_flag("advise", "--format: expected table, markdown or json, got '%s'",
					      v ? v : "");
			a->format = v;
		} else if (sim__flag_is(x, "--compare") || sim__flag_is(x, "--preset")) {
			const char *flag = sim__flag_is(x, "--compare") ? "--compare" : "--preset";
			if (!(v = sim__flag_value(argc, argv, &i, flag)))
				return sim__bad_flag("advise", "%s: missing value", flag);
			if (!strcmp(flag, "--preset") && !find_preset(v))
				return sim__bad_flag("advise", "--preset: unknown preset '%s'", v);
			if ((rc = add_setting(a, v)) >= 0)
				return rc;
		} else {
			return sim__bad_flag("advise", "unknown argument '%s'", x);
		}
	}
	if (ld >= 0 || rd >= 0 || rp >= 0) {
		if (ld < 0 || rd < 0 || rp < 0)
			return sim__bad_flag("advise", "give all three of --lease-duration, --renew-deadline and "
				      "--retry-period");
		if (a->nset == MAX_SETTINGS)
			return sim__bad_flag("advise", "too many settings");
		memmove(&a->set[1], &a->set[0], a->nset * sizeof a->set[0]);
		setting *s = &a->set[0];
		memset(s, 0, sizeof *s);
		s->ld = ld;
		s->rd = rd;
		s->rp = rp;
		snprintf(s->label, sizeof s->label, "%.6g/%.6g/%.6g", ld, rd, rp);
		a->nset++;
	}
	if (a->nset == 0)
		return sim__bad_flag("advise", "no settings: give --lease-duration, --renew-deadline and "
			      "--retry-period, or --preset NAME");
	for (size_t i = 0; i < a->nset; i++) {
		setting *s = &a->set[i];
		if (!s->profile)
			s->profile = a->profile ? a->profile : "client-go";
		else if (a->profile)
			s->profile = a->profile;
		s->replicas = a->replicas;
		s->t = a->t;
		s->t_given = a->t_given;
		const char *why = validate(s);
		if (why) {
			fprintf(stderr, "sim advise: %s: %s (client-go's validation, "
				"election-spec.md 1.2)\n", s->label, why);
			return SIM_EXIT_BAD_INPUT;
		}
	}
	return -1;
}

int sim_cmd_advise(int argc, char **argv)
{
	adv a;
	memset(&a, 0, sizeof a);
	int rc = parse_advise(argc, argv, &a);
	if (rc >= 0)
		return rc;
	envelope *e = calloc(a.nset, sizeof *e);
	if (!e)
		return SIM_EXIT_INTERNAL;
	int code = SIM_EXIT_PASS;
	for (size_t i = 0; i < a.nset && code == SIM_EXIT_PASS; i++) {
		e[i].s = a.set[i];
		analyse(&e[i]);
		rc = simulate(&e[i], a.seeds);
		if (rc != LE_OK)
			code = rc == LE_EINVAL || rc == LE_EPARSE ? SIM_EXIT_BAD_INPUT :
				SIM_EXIT_INTERNAL;
	}
	if (code == SIM_EXIT_PASS) {
		if (!strcmp(a.format, "json"))
			print_json(e, a.nset, a.seeds);
		else
			print_table(e, a.nset, a.seeds, !strcmp(a.format, "markdown"));
	}
	free(e);
	return code;
}
