/* bin/sim sweep: one or two scenario fields over a range, K seeds a point.
 *
 *   bin/sim sweep BASE.yaml --param PATH=LO..HI[:STEP] [--param ...]
 *                 [--seeds K] [--seed N] [--points N] [--find-boundary]
 *                 [--precision P] [--set PATH=VALUE]... [--jitter PATH=LO..HI]...
 *                 [--out DIR]
 *
 * Every point is the base scenario with the point's values spliced in
 * (sim/override.c) and run for K seeds; each run is judged by sim_check as
 * an ordinary scenario (an `expect: violation` is ignored: a sweep asks
 * where things fail). Per point: the failing share with its 95 % Wilson
 * interval, failover p50/p90/p99/max, the largest overlap, the longest
 * leaderless stretch. --find-boundary bisects the one parameter to
 * --precision between an end that passes and one that fails. --jitter
 * draws a field per seed (uniform, from the seed's own stream): random
 * fault times without touching the fault grammar.
 *
 * With --out DIR: sweep.csv, sweep.json and sweep.html (self-contained
 * SVG: failing share and failover percentiles against the parameter, the
 * analytic values of election-spec.md 6 beside them; a heat map for two
 * parameters).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "search.h"
#include "sim_engine.h"
#include "args.h"

#define MAX_POINTS 10000
#define JITTER_STREAM 7000
#define MAX_SETS 32     /* + 2 params + 8 jitters fit OV_MAX */
#define OV_MAX 64

/* ---- statistics ---------------------------------------------------------- */

void sim_wilson(size_t k, size_t n, double *lo, double *hi)
{
	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	const double z = 1.959963984540054;
	double p = (double)k / (double)n, nn = (double)n;
	double den = 1 + z * z / nn;
	double mid = (p + z * z / (2 * nn)) / den;
	double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
	*lo = k == 0 ? 0 : mid - half;
	*hi = k == n ? 1 : mid + half;
}

double sim_percentile(const double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	size_t r = (size_t)ceil(q * (double)n);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

bool sim_number_unit(const char *s, double *v, char *unit, size_t unitcap)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno || !isfinite(*v))
		return false;
	size_t n = strlen(end);
	if (n >= unitcap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((end[i] >= 'a' && end[i] <= 'z') || (end[i] >= 'A' && end[i] <= 'Z')))
			return false;
	memcpy(unit, end, n + 1);
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- one point ------------------------------------------------------------ */

static double jitter_draw(const sim_jitter *j, uint64_t seed, size_t idx)
{
	fa_rng r;
	sim_rng_stream(&r, seed, SIM_STREAM_FAULTS, JITTER_STREAM + idx);
	double u = (double)sim_rng_below(&r, 1ULL << 53) / 9007199254740992.0;
	return j->lo + (j->hi - j->lo) * u;
}

int sim_run_point(const char *text, size_t len, const char *filename,
		  const sim_override *ov, size_t nov, const sim_jitter *jit,
		  size_t njit, uint64_t first, size_t n, sim_point_stats *st,
		  sim_point_hook hook, void *hook_ctx, char *err, size_t errcap)
{
	memset(st, 0, sizeof *st);
	sim_override *all = calloc(nov + njit + 1, sizeof *all);
	double *fo = NULL;
	size_t nfo = 0, fo_cap = 0;
	double fo_sum = 0;
	int rc = LE_OK;
	sim_scenario sc;
	bool have_sc = false;
	if (!all)
		return LE_ENOMEM;
	memcpy(all, ov, nov * sizeof *ov);
	for (size_t k = 0; k < n && rc == LE_OK; k++) {
		uint64_t seed = first + k;
		if (njit || !have_sc) {
			if (have_sc)
				sim_scenario_free(&sc);
			for (size_t j = 0; j < njit; j++) {
				snprintf(all[nov + j].path, sizeof all[nov + j].path, "%s",
					 jit[j].path);
				snprintf(all[nov + j].value, sizeof all[nov + j].value,
					 "%.9g%s", jitter_draw(&jit[j], seed, j), jit[j].unit);
			}
			rc = sim_scenario_parse_with(text, len, filename, all, nov + njit,
						     &sc, err, errcap);
			if (rc != LE_OK)
				break;
			have_sc = true;
			sc.expect.expect_violation = false;
		}
		sim_world *w = sim_world_new(&sc, seed, err, errcap);
		if (!w) {
			rc = LE_EINVAL;
			break;
		}
		if ((rc = sim_world_run(w, err, errcap)) != LE_OK) {
			sim_world_free(w);
			rc = LE_EIO;
			break;
		}
		sim_check_result res;
		if (sim_check(&sc, sim_world_history(w), &res) != LE_OK) {
			snprintf(err, errcap, "%s: seed %" PRIu64 ": the checker failed",
				 filename, seed);
			sim_world_free(w);
			rc = LE_EIO;
			break;
		}
		st->seeds++;
		if (res.exit_code != SIM_EXIT_PASS)
			st->failing++;
		st->safety += res.exit_code == SIM_EXIT_SAFETY;
		st->disturbed += res.nfailovers > 0 || res.leaderless_max_ns > 0;
		if (hook)
			hook(hook_ctx, &sc, &res);
		st->liveness += res.exit_code == SIM_EXIT_LIVENESS;
		for (size_t i = 0; i < res.noverlaps; i++) {
			double o = (double)(res.overlaps[i].end_ns - res.overlaps[i].start_ns) / 1e9;
			if (o > st->overlap_max_s)
				st->overlap_max_s = o;
		}
		double ll = (double)res.leaderless_max_ns / 1e9;
		if (ll > st->leaderless_max_s)
			st->leaderless_max_s = ll;
		for (size_t i = 0; i < res.nfailovers; i++) {
			const sim_failover *f = &res.failovers[i];
			if (f->to_pod < 0)
				continue;
			if (nfo == fo_cap) {
				fo_cap = fo_cap ? 2 * fo_cap : 256;
				double *nf = realloc(fo, fo_cap * sizeof *nf);
				if (!nf) {
					rc = LE_ENOMEM;
					break;
				}
				fo = nf;
			}
			fo[nfo] = (double)(f->leader_ns - f->cause_ns) / 1e9;
			fo_sum += fo[nfo++];
		}
		sim_check_result_free(&res);
		sim_world_free(w);
	}
	if (have_sc)
		sim_scenario_free(&sc);
	if (rc == LE_OK) {
		qsort(fo, nfo, sizeof *fo, cmp_double);
		st->nfailovers = nfo;
		st->fo_p50_s = sim_percentile(fo, nfo, 0.50);
		st->fo_p90_s = sim_percentile(fo, nfo, 0.90);
		st->fo_p99_s = sim_percentile(fo, nfo, 0.99);
		st->fo_max_s = nfo ? fo[nfo - 1] : 0;
		st->fo_mean_s = nfo ? fo_sum / (double)nfo : 0;
		sim_wilson(st->failing, st->seeds, &st->wilson_lo, &st->wilson_hi);
	}
	free(fo);
	free(all);
	return rc;
}

/* ---- the command ------------------------------------------------------------ */

typedef struct param {
	char path[256];
	double lo, hi, step;   /* step 0 = --points */
	char unit[8];
	const char *arg;
} param;

typedef struct point {
	double x[2];
	sim_point_stats st;
	double fo_bound_s, fo_mean_s; /* analytic, election-spec.md 6.1 */
} point;

typedef struct sweep {
	const char *argv0, *file, *out_dir;
	char *text;
	size_t len;
	param par[2];
	size_t npar;
	sim_override *sets;
	size_t nsets;
	sim_jitter jit[8];
	size_t njit;
	uint64_t seeds, seed;
	size_t points;
	bool find_boundary;
	double precision;
	point *pt;
	size_t npt, pt_cap;
	/* analytic boundary of the (first) parameter, NAN when none */
	double analytic;
	char analytic_text[160];
	double boundary_lo, boundary_hi;
	bool boundary_found;
} sweep;

static const char sweep_usage[] =
	"usage: bin/sim sweep BASE.yaml --param PATH=LO..HI[:STEP] [--param ...]\n"
	"                     [--seeds K] [--seed N] [--points N] [--find-boundary]\n"
	"                     [--precision P] [--set PATH=VALUE]...\n"
	"                     [--jitter PATH=LO..HI]... [--out DIR]\n"
	"\n"
	"Run BASE.yaml with PATH set to each value of the range (both ends in the\n"
	"same unit: 10.5s..16s:0.5s, 0.7x..1x:0.05x), K seeds a point (default 100),\n"
	"every run judged as an ordinary scenario. Per point: failing share and its\n"
	"95% Wilson interval, failover p50/p90/p99/max, largest overlap, longest\n"
	"leaderless time. Two --param give a grid (a heat map in the report).\n"
	"\n"
	"  --points N        values when no STEP is given (default 11)\n"
	"  --find-boundary   bisect one parameter between a passing and a failing end\n"
	"                    until the interval is at most --precision (default STEP,\n"
	"                    else (HI-LO)/64)\n"
	"  --set PATH=VALUE  a fixed override, as for bin/sim run\n"
	"  --jitter PATH=LO..HI  per seed, PATH drawn uniform in [LO, HI] from the\n"
	"                    seed (e.g. faults[0].at=20s..40s: a random fault time)\n"
	"  --out DIR         sweep.csv, sweep.json, sweep.html (charts)\n"
	"\n"
	"Exit: 0 done, 3 bad input (named), 4 internal error.\n";

/* "PATH=LO..HI[:STEP]"; the ends and the step must share one unit. */
static int parse_range(const char *arg, bool allow_step, char *path, size_t pathcap,
		       double *lo, double *hi, double *step, char *unit,
		       const char *flag)
{
	char msg[512];
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || (size_t)(eq - arg) >= pathcap) {
		snprintf(msg, sizeof msg, "%s '%s': expected PATH=LO..HI%s", flag, arg,
			 allow_step ? "[:STEP]" : "");
		return sim__bad_flag("sweep", "%s", msg);
	}
	memcpy(path, arg, (size_t)(eq - arg));
	path[eq - arg] = '\0';
	char r[256];
	snprintf(r, sizeof r, "%s", eq + 1);
	char *dots = strstr(r, "..");
	if (!dots) {
		snprintf(msg, sizeof msg, "%s %s: '%s' is not a range LO..HI", flag,
			 path, eq + 1);
		return sim__bad_flag("sweep", "%s", msg);
	}
	*dots = '\0';
	char *hs = dots + 2, *ss = NULL;
	char *colon = strchr(hs, ':');
	if (colon) {
		*colon = '\0';
		ss = colon + 1;
		if (!allow_step) {
			snprintf(msg, sizeof msg, "%s %s: no :STEP here", flag, path);
			return sim__bad_flag("sweep", "%s", msg);
		}
	}
	char u1[8], u2[8], u3[8];
	if (!sim_number_unit(r, lo, u1, sizeof u1) || !sim_number_unit(hs, hi, u2, sizeof u2) ||
	    (ss && !sim_number_unit(ss, step, u3, sizeof u3))) {
		snprintf(msg, sizeof msg, "%s %s: '%s' is not NUMBER[UNIT]..NUMBER[UNIT]%s",
			 flag, path, eq + 1, allow_step ? "[:STEP]" : "");
		return sim__bad_flag("sweep", "%s", msg);
	}
	if (strcmp(u1, u2) || (ss && strcmp(u1, u3))) {
		snprintf(msg, sizeof msg, "%s %s: the ends%s are in different units "
			 "('%s', '%s'%s%s%s); write both in one unit", flag, path,
			 ss ? " and the step" : "", u1, u2, ss ? ", '" : "",
			 ss ? u3 : "", ss ? "'" : "");
		return sim__bad_flag("sweep", "%s", msg);
	}
	if (!(*lo < *hi)) {
		snprintf(msg, sizeof msg, "%s %s: LO %s is not below HI %s (swapped ends?)",
			 flag, path, r, hs);
		return sim__bad_flag("sweep", "%s", msg);
	}
	if (ss && !(*step > 0)) {
		snprintf(msg, sizeof msg, "%s %s: STEP must be above 0", flag, path);
		return sim__bad_flag("sweep", "%s", msg);
	}
	if (!ss)
		*step = 0;
	snprintf(unit, 8, "%s", u1);
	return -1;
}

static void fmt_value(char *out, size_t cap, double v, const char *unit)
{
	snprintf(out, cap, "%.9g%s", v, unit);
}

/* The settings a point runs with (for the analytic values). */
static int point_scenario(const sweep *s, const double *x, sim_scenario *sc,
			  char *err, size_t errcap)
{
	sim_override ov[OV_MAX];
	size_t n = 0;
	for (size_t i = 0; i < s->nsets; i++)
		ov[n++] = s->sets[i];
	for (size_t p = 0; p < s->npar; p++) {
		snprintf(ov[n].path, sizeof ov[n].path, "%s", s->par[p].path);
		fmt_value(ov[n].value, sizeof ov[n].value, x[p], s->par[p].unit);
		n++;
	}
	for (size_t j = 0; j < s->njit; j++) {
		snprintf(ov[n].path, sizeof ov[n].path, "%s", s->jit[j].path);
		fmt_value(ov[n].value, sizeof ov[n].value, s->jit[j].lo, s->jit[j].unit);
		n++;
	}
	return sim_scenario_parse_with(s->text, s->len, s->file, ov, n, sc, err,
				       errcap);
}

static int run_at(sweep *s, const double *x, point *out, char *err, size_t errcap)
{
	sim_override ov[OV_MAX];
	size_t n = 0;
	for (size_t i = 0; i < s->nsets; i++)
		ov[n++] = s->sets[i];
	for (size_t p = 0; p < s->npar; p++) {
		snprintf(ov[n].path, sizeof ov[n].path, "%s", s->par[p].path);
		fmt_value(ov[n].value, sizeof ov[n].value, x[p], s->par[p].unit);
		n++;
	}
	memset(out, 0, sizeof *out);
	out->x[0] = x[0];
	out->x[1] = s->npar > 1 ? x[1] : 0;
	sim_scenario sc;
	if (point_scenario(s, x, &sc, err, errcap) != LE_OK)
		return LE_EINVAL;
	const sim_election *e = &sc.defaults;
	double lds = (double)(e->lease_duration_ns / 1000000000LL);
	double rp = (double)e->retry_period_ns / 1e9;
	out->fo_bound_s = lds + 4.4 * rp;             /* 6.1, r ~ 0 */
	out->fo_mean_s = lds + 2 * 0.8375 * rp - rp / 2; /* 6.1, one follower */
	sim_scenario_free(&sc);
	return sim_run_point(s->text, s->len, s->file, ov, n, s->jit, s->njit,
			     s->seed, (size_t)s->seeds, &out->st, NULL, NULL, err,
			     errcap);
}

static int add_point(sweep *s, const point *p)
{
	if (s->npt == s->pt_cap) {
		s->pt_cap = s->pt_cap ? 2 * s->pt_cap : 32;
		point *np = realloc(s->pt, s->pt_cap * sizeof *np);
		if (!np)
			return LE_ENOMEM;
		s->pt = np;
	}
	s->pt[s->npt++] = *p;
	return LE_OK;
}

/* The analytic value of election-spec.md 6 for the first parameter. */
static void analytic(sweep *s)
{
	s->analytic = NAN;
	s->analytic_text[0] = '\0';
	sim_scenario sc;
	char err[LE_ERRMSG_MAX];
	double x[2] = {s->par[0].lo, s->npar > 1 ? s->par[1].lo : 0};
	if (point_scenario(s, x, &sc, err, sizeof err) != LE_OK)
		return;
	const sim_election *e = &sc.defaults;
	double ld = (double)e->lease_duration_ns / 1e9;
	double rd = (double)e->renew_deadline_ns / 1e9;
	double rp = (double)e->retry_period_ns / 1e9;
	const char *p = s->par[0].path;
	double scale = !strcmp(s->par[0].unit, "ms") ? 1e3 :
		       !strcmp(s->par[0].unit, "m") ? 1.0 / 60 : 1;
	long fi = -1;
	char rest[64] = "";
	if (sscanf(p, "faults[%ld].%63s", &fi, rest) == 2 &&
	    (fi < 0 || (size_t)fi >= sc.nfaults))
		fi = -1;
	if (!strcmp(p, "election.leaseDuration")) {
		s->analytic = (rp + rd) * scale;
		snprintf(s->analytic_text, sizeof s->analytic_text,
			 "RP + RD = %.6g s (a cut-off leader; election-spec.md 6.3)", rp + rd);
	} else if (!strcmp(p, "election.renewDeadline")) {
		s->analytic = (ld - rp) * scale;
		snprintf(s->analytic_text, sizeof s->analytic_text,
			 "LD - RP = %.6g s (election-spec.md 6.3)", ld - rp);
	} else if (!strcmp(p, "election.retryPeriod")) {
		s->analytic = (ld - rd) * scale;
		snprintf(s->analytic_text, sizeof s->analytic_text,
			 "LD - RD = %.6g s (election-spec.md 6.3)", ld - rd);
	} else if (fi >= 0 && !strcmp(rest, "duration") &&
		   sc.faults[fi].action == SIM_ACT_PAUSE) {
		s->analytic = (ld - rp) * scale;
		snprintf(s->analytic_text, sizeof s->analytic_text,
			 "LD - RP = %.6g s (a paused leader; election-spec.md 6.3)", ld - rp);
	} else if (fi >= 0 && !strcmp(rest, "rate") &&
		   sc.faults[fi].action == SIM_ACT_CLOCK_RATE &&
		   !strcmp(s->par[0].unit, "x")) {
		s->analytic = (rp + rd) / ld;
		snprintf(s->analytic_text, sizeof s->analytic_text,
			 "(RP + RD)/LD = %.4g (a slow leader clock; ratio LD/(RP + RD) = %.4g; "
			 "election-spec.md 6.3)", (rp + rd) / ld, ld / (rp + rd));
	}
	sim_scenario_free(&sc);
}

static void print_header(const sweep *s)
{
	printf("%-14s", s->par[0].path + (strrchr(s->par[0].path, '.') ?
		strrchr(s->par[0].path, '.') - s->par[0].path + 1 : 0));
	if (s->npar > 1)
		printf(" %-14s", strrchr(s->par[1].path, '.') ? strrchr(s->par[1].path, '.') + 1 :
		       s->par[1].path);
	printf(" %6s %7s %-17s %8s %8s %8s %8s %8s %8s\n", "seeds", "failing",
	       "share [95% CI]", "fo p50", "fo p90", "fo p99", "fo max", "overlap",
	       "leaderl.");
}

static void print_point(const sweep *s, const point *p)
{
	char a[64], b[64];
	fmt_value(a, sizeof a, p->x[0], s->par[0].unit);
	printf("%-14s", a);
	if (s->npar > 1) {
		fmt_value(b, sizeof b, p->x[1], s->par[1].unit);
		printf(" %-14s", b);
	}
	const sim_point_stats *t = &p->st;
	char ci[40];
	snprintf(ci, sizeof ci, "%.3f [%.3f,%.3f]", (double)t->failing / (double)t->seeds,
		 t->wilson_lo, t->wilson_hi);
	printf(" %6zu %7zu %-17s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", t->seeds,
	       t->failing, ci, t->fo_p50_s, t->fo_p90_s, t->fo_p99_s, t->fo_max_s,
	       t->overlap_max_s, t->leaderless_max_s);
	fflush(stdout);
}

/* ---- reports ------------------------------------------------------------------ */

static int cmp_point(const void *a, const void *b)
{
	const point *x = a, *y = b;
	if (x->x[1] != y->x[1])
		return x->x[1] < y->x[1] ? -1 : 1;
	return x->x[0] < y->x[0] ? -1 : x->x[0] > y->x[0];
}

static void write_csv(const sweep *s, FILE *f)
{
	fprintf(f, "%s%s%s,seeds,failing,share,wilson_lo,wilson_hi,safety,liveness,"
		"failovers,fo_p50_s,fo_p90_s,fo_p99_s,fo_max_s,fo_mean_s,"
		"analytic_fo_mean_s,analytic_fo_bound_s,overlap_max_s,leaderless_max_s\n",
		s->par[0].path, s->npar > 1 ? "," : "", s->npar > 1 ? s->par[1].path : "");
	for (size_t i = 0; i < s->npt; i++) {
		const point *p = &s->pt[i];
		const sim_point_stats *t = &p->st;
		fprintf(f, "%.9g", p->x[0]);
		if (s->npar > 1)
			fprintf(f, ",%.9g", p->x[1]);
		fprintf(f, ",%zu,%zu,%.6f,%.6f,%.6f,%zu,%zu,%zu,%.6f,%.6f,%.6f,%.6f,%.6f,"
			"%.6f,%.6f,%.6f,%.6f\n", t->seeds, t->failing,
			(double)t->failing / (double)t->seeds, t->wilson_lo, t->wilson_hi,
			t->safety, t->liveness, t->nfailovers, t->fo_p50_s, t->fo_p90_s,
			t->fo_p99_s, t->fo_max_s, t->fo_mean_s, p->fo_mean_s, p->fo_bound_s,
			t->overlap_max_s, t->leaderless_max_s);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void write_json(const sweep *s, FILE *f)
{
	fprintf(f, "{\"scenario\": ");
	json_str(f, s->file);
	fprintf(f, ", \"seeds_per_point\": %" PRIu64 ", \"first_seed\": %" PRIu64
		", \"params\": [", s->seeds, s->seed);
	for (size_t p = 0; p < s->npar; p++) {
		fprintf(f, "%s{\"path\": ", p ? ", " : "");
		json_str(f, s->par[p].path);
		fprintf(f, ", \"unit\": ");
		json_str(f, s->par[p].unit);
		fprintf(f, ", \"lo\": %.9g, \"hi\": %.9g}", s->par[p].lo, s->par[p].hi);
	}
	fprintf(f, "], \"set\": [");
	for (size_t i = 0; i < s->nsets; i++) {
		fprintf(f, "%s", i ? ", " : "");
		char t[600];
		snprintf(t, sizeof t, "%s=%s", s->sets[i].path, s->sets[i].value);
		json_str(f, t);
	}
	fprintf(f, "], \"jitter\": [");
	for (size_t j = 0; j < s->njit; j++) {
		fprintf(f, "%s{\"path\": ", j ? ", " : "");
		json_str(f, s->jit[j].path);
		fprintf(f, ", \"lo\": %.9g, \"hi\": %.9g, \"unit\": ", s->jit[j].lo,
			s->jit[j].hi);
		json_str(f, s->jit[j].unit);
		fprintf(f, "}");
	}
	fprintf(f, "], \"analytic\": ");
	if (isnan(s->analytic))
		fprintf(f, "null");
	else {
		fprintf(f, "{\"value\": %.9g, \"text\": ", s->analytic);
		json_str(f, s->analytic_text);
		fprintf(f, "}");
	}
	if (s->find_boundary) {
		fprintf(f, ", \"boundary\": ");
		if (s->boundary_found)
			fprintf(f, "{\"lo\": %.9g, \"hi\": %.9g, \"mid\": %.9g}",
				s->boundary_lo, s->boundary_hi,
				(s->boundary_lo + s->boundary_hi) / 2);
		else
			fprintf(f, "null");
	}
	fprintf(f, ", \"points\": [\n");
	for (size_t i = 0; i < s->npt; i++) {
		const point *p = &s->pt[i];
		const sim_point_stats *t = &p->st;
		fprintf(f, "  {\"x\": [%.9g%s", p->x[0], s->npar > 1 ? ", " : "");
		if (s->npar > 1)
			fprintf(f, "%.9g", p->x[1]);
		fprintf(f, "], \"seeds\": %zu, \"failing\": %zu, \"share\": %.6f, "
			"\"wilson95\": [%.6f, %.6f], \"safety\": %zu, \"liveness\": %zu, "
			"\"failovers\": %zu, \"failover_s\": {\"p50\": %.6f, \"p90\": %.6f, "
			"\"p99\": %.6f, \"max\": %.6f, \"mean\": %.6f}, "
			"\"analytic_failover_s\": {\"mean\": %.6f, \"bound\": %.6f}, "
			"\"overlap_max_s\": %.6f, \"leaderless_max_s\": %.6f}%s\n",
			t->seeds, t->failing, (double)t->failing / (double)t->seeds,
			t->wilson_lo, t->wilson_hi, t->safety, t->liveness, t->nfailovers,
			t->fo_p50_s, t->fo_p90_s, t->fo_p99_s, t->fo_max_s, t->fo_mean_s,
			p->fo_mean_s, p->fo_bound_s, t->overlap_max_s, t->leaderless_max_s,
			i + 1 < s->npt ? "," : "");
	}
	fprintf(f, "]}\n");
}

/* SVG line chart: up to 6 series over the points (one parameter). */
#define CW 640
#define CH 300
#define ML 60
#define MR 20
#define MT 20
#define MB 40

static double sx(double x, double x0, double x1)
{
	return ML + (x - x0) / (x1 - x0) * (CW - ML - MR);
}

static double sy(double y, double y0, double y1)
{
	return CH - MB - (y - y0) / (y1 - y0) * (CH - MT - MB);
}

static void axes(FILE *f, double x0, double x1, double y0, double y1,
		 const char *xl, const char *yl)
{
	fprintf(f, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>\n",
		ML, MT, CW - ML - MR, CH - MT - MB);
	for (int i = 0; i <= 4; i++) {
		double xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
		fprintf(f, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%.4g</text>\n",
			sx(xv, x0, x1), CH - MB + 15, xv);
		fprintf(f, "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%.3g</text>\n",
			ML - 4, sy(yv, y0, y1) + 4, yv);
		fprintf(f, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>\n", ML,
			CW - MR, sy(yv, y0, y1), sy(yv, y0, y1));
	}
	fprintf(f, "<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s</text>\n",
		(ML + CW - MR) / 2, CH - 6, xl);
	fprintf(f, "<text x='12' y='%d' font-size='12' transform='rotate(-90 12 %d)' "
		"text-anchor='middle'>%s</text>\n", CH / 2, CH / 2, yl);
}

typedef double (*getter)(const point *p);
static double g_share(const point *p) { return (double)p->st.failing / (double)p->st.seeds; }
static double g_wlo(const point *p) { return p->st.wilson_lo; }
static double g_whi(const point *p) { return p->st.wilson_hi; }
static double g_p50(const point *p) { return p->st.fo_p50_s; }
static double g_p90(const point *p) { return p->st.fo_p90_s; }
static double g_p99(const point *p) { return p->st.fo_p99_s; }
static double g_max(const point *p) { return p->st.fo_max_s; }
static double g_amean(const point *p) { return p->fo_mean_s; }
static double g_abound(const point *p) { return p->fo_bound_s; }

static void polyline(FILE *f, const sweep *s, getter g, const char *colour,
		     const char *dash, double x0, double x1, double y0, double y1)
{
	fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2'%s%s%s points='",
		colour, dash ? " stroke-dasharray='" : "", dash ? dash : "", dash ? "'" : "");
	for (size_t i = 0; i < s->npt; i++)
		fprintf(f, "%.1f,%.1f ", sx(s->pt[i].x[0], x0, x1), sy(g(&s->pt[i]), y0, y1));
	fprintf(f, "'/>\n");
	for (size_t i = 0; i < s->npt && !dash; i++)
		fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'/>\n",
			sx(s->pt[i].x[0], x0, x1), sy(g(&s->pt[i]), y0, y1), colour);
}

static void legend(FILE *f, int k, const char *colour, const char *text)
{
	fprintf(f, "<rect x='%d' y='%d' width='12' height='3' fill='%s'/>"
		"<text x='%d' y='%d' font-size='11'>%s</text>\n", ML + 8, MT + 10 + 14 * k,
		colour, ML + 24, MT + 14 + 14 * k, text);
}

static void chart_1d(FILE *f, const sweep *s)
{
	double x0 = s->pt[0].x[0], x1 = s->pt[s->npt - 1].x[0];
	if (x1 <= x0)
		x1 = x0 + 1;
	char xl[300];
	snprintf(xl, sizeof xl, "%s (%s)", s->par[0].path, s->par[0].unit[0] ? s->par[0].unit : "-");
	fprintf(f, "<h2>Failing share</h2>\n<svg xmlns='http://www.w3.org/2000/svg' "
		"width='%d' height='%d'>\n", CW, CH);
	axes(f, x0, x1, 0, 1, xl, "failing share");
	fprintf(f, "<polygon fill='#fbb' fill-opacity='0.5' points='");
	for (size_t i = 0; i < s->npt; i++)
		fprintf(f, "%.1f,%.1f ", sx(s->pt[i].x[0], x0, x1), sy(g_whi(&s->pt[i]), 0, 1));
	for (size_t i = s->npt; i-- > 0;)
		fprintf(f, "%.1f,%.1f ", sx(s->pt[i].x[0], x0, x1), sy(g_wlo(&s->pt[i]), 0, 1));
	fprintf(f, "'/>\n");
	polyline(f, s, g_share, "#c00", NULL, x0, x1, 0, 1);
	legend(f, 0, "#c00", "measured (band: 95% Wilson interval)");
	if (!isnan(s->analytic) && s->analytic >= x0 && s->analytic <= x1) {
		fprintf(f, "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#06c' "
			"stroke-dasharray='6,3' stroke-width='2'/>\n", sx(s->analytic, x0, x1),
			sx(s->analytic, x0, x1), MT, CH - MB);
		legend(f, 1, "#06c", s->analytic_text);
	}
	if (s->boundary_found) {
		double m = (s->boundary_lo + s->boundary_hi) / 2;
		fprintf(f, "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#c00' "
			"stroke-dasharray='2,2'/>\n", sx(m, x0, x1), sx(m, x0, x1), MT, CH - MB);
		legend(f, 2, "#c00", "measured boundary (bisection)");
	}
	fprintf(f, "</svg>\n");
	double ymax = 1;
	for (size_t i = 0; i < s->npt; i++) {
		if (s->pt[i].st.fo_max_s > ymax)
			ymax = s->pt[i].st.fo_max_s;
		if (s->pt[i].fo_bound_s > ymax)
			ymax = s->pt[i].fo_bound_s;
	}
	ymax *= 1.05;
	fprintf(f, "<h2>Failover (s)</h2>\n<svg xmlns='http://www.w3.org/2000/svg' "
		"width='%d' height='%d'>\n", CW, CH);
	axes(f, x0, x1, 0, ymax, xl, "failover (s)");
	polyline(f, s, g_p50, "#393", NULL, x0, x1, 0, ymax);
	polyline(f, s, g_p90, "#c90", NULL, x0, x1, 0, ymax);
	polyline(f, s, g_p99, "#c30", NULL, x0, x1, 0, ymax);
	polyline(f, s, g_max, "#000", NULL, x0, x1, 0, ymax);
	polyline(f, s, g_amean, "#393", "6,3", x0, x1, 0, ymax);
	polyline(f, s, g_abound, "#000", "6,3", x0, x1, 0, ymax);
	legend(f, 0, "#393", "p50 (dashed: 6.1 crash mean LDs + 2m - RP/2)");
	legend(f, 1, "#c90", "p90");
	legend(f, 2, "#c30", "p99");
	legend(f, 3, "#000", "max (dashed: 6.1 bound LDs + 4.4 RP)");
	fprintf(f, "</svg>\n");
}

static void chart_heat(FILE *f, const sweep *s)
{
	double xs[MAX_POINTS], ys[MAX_POINTS];
	size_t nx = 0, ny = 0;
	for (size_t i = 0; i < s->npt; i++) {
		bool seen = false;
		for (size_t k = 0; k < nx; k++)
			seen = seen || xs[k] == s->pt[i].x[0];
		if (!seen && nx < MAX_POINTS)
			xs[nx++] = s->pt[i].x[0];
		seen = false;
		for (size_t k = 0; k < ny; k++)
			seen = seen || ys[k] == s->pt[i].x[1];
		if (!seen && ny < MAX_POINTS)
			ys[ny++] = s->pt[i].x[1];
	}
	double cw = (double)(CW - ML - MR) / (double)nx, chh = (double)(CH - MT - MB) / (double)ny;
	fprintf(f, "<h2>Failing share (heat map)</h2>\n<svg xmlns='http://www.w3.org/2000/svg' "
		"width='%d' height='%d'>\n", CW, CH);
	for (size_t i = 0; i < s->npt; i++) {
		size_t ix = 0, iy = 0;
		while (xs[ix] != s->pt[i].x[0])
			ix++;
		while (ys[iy] != s->pt[i].x[1])
			iy++;
		double v = g_share(&s->pt[i]);
		int r = 255, g = (int)(255 * (1 - v)), b = (int)(255 * (1 - v));
		fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' "
			"fill='rgb(%d,%d,%d)' stroke='#fff'><title>%.6g%s, %.6g%s: %zu/%zu "
			"failing</title></rect>\n", ML + cw * (double)ix,
			CH - MB - chh * (double)(iy + 1), cw, chh, r, g, b, s->pt[i].x[0],
			s->par[0].unit, s->pt[i].x[1], s->par[1].unit, s->pt[i].st.failing,
			s->pt[i].st.seeds);
	}
	for (size_t ix = 0; ix < nx; ix++)
		fprintf(f, "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%.4g</text>\n",
			ML + cw * ((double)ix + 0.5), CH - MB + 14, xs[ix]);
	for (size_t iy = 0; iy < ny; iy++)
		fprintf(f, "<text x='%d' y='%.1f' font-size='10' text-anchor='end'>%.4g</text>\n",
			ML - 4, CH - MB - chh * ((double)iy + 0.5) + 3, ys[iy]);
	fprintf(f, "<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s (%s)</text>\n",
		(ML + CW - MR) / 2, CH - 6, s->par[0].path, s->par[0].unit);
	fprintf(f, "<text x='12' y='%d' font-size='12' transform='rotate(-90 12 %d)' "
		"text-anchor='middle'>%s (%s)</text>\n", CH / 2, CH / 2, s->par[1].path,
		s->par[1].unit);
	fprintf(f, "</svg>\n<p>white: no seed fails; red: every seed fails.</p>\n");
}

static void write_html(const sweep *s, FILE *f)
{
	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>sweep: %s</title>\n"
		"<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
		"td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>"
		"</head><body>\n<h1>Sweep of %s</h1>\n<p>%" PRIu64 " seeds a point from seed %"
		PRIu64 "; every run judged as an ordinary scenario by the checker.</p>\n",
		s->file, s->file, s->seeds, s->seed);
	if (!isnan(s->analytic))
		fprintf(f, "<p>Analytic: %s.</p>\n", s->analytic_text);
	if (s->find_boundary && s->boundary_found)
		fprintf(f, "<p>Measured boundary: between %.6g%s and %.6g%s.</p>\n",
			s->boundary_lo, s->par[0].unit, s->boundary_hi, s->par[0].unit);
	if (s->npar == 1)
		chart_1d(f, s);
	else
		chart_heat(f, s);
	fprintf(f, "<h2>Points</h2>\n<table><tr><th>%s</th>%s%s%s<th>seeds</th><th>failing</th>"
		"<th>95%% CI</th><th>fo p50</th><th>p90</th><th>p99</th><th>max</th>"
		"<th>overlap</th><th>leaderless</th></tr>\n", s->par[0].path,
		s->npar > 1 ? "<th>" : "", s->npar > 1 ? s->par[1].path : "",
		s->npar > 1 ? "</th>" : "");
	for (size_t i = 0; i < s->npt; i++) {
		const point *p = &s->pt[i];
		fprintf(f, "<tr><td>%.6g</td>", p->x[0]);
		if (s->npar > 1)
			fprintf(f, "<td>%.6g</td>", p->x[1]);
		fprintf(f, "<td>%zu</td><td>%zu</td><td>%.3f–%.3f</td><td>%.3f</td><td>%.3f</td>"
			"<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
			p->st.seeds, p->st.failing, p->st.wilson_lo, p->st.wilson_hi,
			p->st.fo_p50_s, p->st.fo_p90_s, p->st.fo_p99_s, p->st.fo_max_s,
			p->st.overlap_max_s, p->st.leaderless_max_s);
	}
	fprintf(f, "</table>\n<p>Data: <a href='sweep.csv'>sweep.csv</a>, "
		"<a href='sweep.json'>sweep.json</a>.</p>\n</body></html>\n");
}

static int write_reports(sweep *s)
{
	if (mkdir(s->out_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "sim sweep: %s: %s\n", s->out_dir, strerror(errno));
		return SIM_EXIT_INTERNAL;
	}
	qsort(s->pt, s->npt, sizeof *s->pt, cmp_point);
	static const char *const names[] = {"sweep.csv", "sweep.json", "sweep.html"};
	for (int k = 0; k < 3; k++) {
		char path[SIM_PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/%s", s->out_dir, names[k]);
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "sim sweep: %s: %s\n", path, strerror(errno));
			return SIM_EXIT_INTERNAL;
		}
		if (k == 0)
			write_csv(s, f);
		else if (k == 1)
			write_json(s, f);
		else
			write_html(s, f);
		if (fclose(f) != 0) {
			fprintf(stderr, "sim sweep: %s: write failed\n", path);
			return SIM_EXIT_INTERNAL;
		}
	}
	printf("reports: %s/sweep.html (sweep.csv, sweep.json)\n", s->out_dir);
	return SIM_EXIT_PASS;
}

static int run_error(const char *err, int rc)
{
	fprintf(stderr, "%s\n", err);
	return rc == LE_EIO || rc == LE_ENOMEM ? SIM_EXIT_INTERNAL : SIM_EXIT_BAD_INPUT;
}

static bool fails(const point *p)
{
	return p->st.failing > 0;
}

static int bisect(sweep *s)
{
	char err[LE_ERRMSG_MAX] = "";
	point a, b;
	double x[2] = {s->par[0].lo, 0};
	int rc;
	if ((rc = run_at(s, x, &a, err, sizeof err)) != LE_OK)
		return run_error(err, rc);
	add_point(s, &a);
	print_point(s, &a);
	x[0] = s->par[0].hi;
	if ((rc = run_at(s, x, &b, err, sizeof err)) != LE_OK)
		return run_error(err, rc);
	add_point(s, &b);
	print_point(s, &b);
	if (fails(&a) == fails(&b)) {
		printf("no boundary in [%.9g%s, %.9g%s]: both ends %s\n", s->par[0].lo,
		       s->par[0].unit, s->par[0].hi, s->par[0].unit,
		       fails(&a) ? "fail" : "pass");
		return SIM_EXIT_PASS;
	}
	bool lo_fails = fails(&a);
	double lo = s->par[0].lo, hi = s->par[0].hi;
	while (hi - lo > s->precision * (1 + 1e-9)) {
		point m;
		x[0] = (lo + hi) / 2;
		if ((rc = run_at(s, x, &m, err, sizeof err)) != LE_OK)
			return run_error(err, rc);
		add_point(s, &m);
		print_point(s, &m);
		if (fails(&m) == lo_fails)
			lo = x[0];
		else
			hi = x[0];
	}
	s->boundary_found = true;
	s->boundary_lo = lo;
	s->boundary_hi = hi;
	printf("boundary: between %.9g%s (%s) and %.9g%s (%s), at %.9g%s +- %.3g\n", lo,
	       s->par[0].unit, lo_fails ? "fails" : "passes", hi, s->par[0].unit,
	       lo_fails ? "passes" : "fails", (lo + hi) / 2, s->par[0].unit,
	       (hi - lo) / 2);
	return SIM_EXIT_PASS;
}

static size_t grid_n(const param *p, size_t points)
{
	if (p->step == 0)
		return points;
	return (size_t)floor((p->hi - p->lo) / p->step + 1e-9) + 1;
}

static double grid_x(const param *p, size_t points, size_t i)
{
	if (p->step == 0)
		return points < 2 ? p->lo : p->lo + (p->hi - p->lo) * (double)i / (double)(points - 1);
	return p->lo + p->step * (double)i;
}

static int grid(sweep *s)
{
	char err[LE_ERRMSG_MAX] = "";
	size_t n0 = grid_n(&s->par[0], s->points);
	size_t n1 = s->npar > 1 ? grid_n(&s->par[1], s->points) : 1;
	if (n0 * n1 > MAX_POINTS) {
		char t[64];
		snprintf(t, sizeof t, "%zu", n0 * n1);
		return sim__bad_flag("sweep", "%s points: at most 10000; use a larger STEP", t);
	}
	for (size_t j = 0; j < n1; j++)
		for (size_t i = 0; i < n0; i++) {
			double x[2] = {grid_x(&s->par[0], s->points, i),
				       s->npar > 1 ? grid_x(&s->par[1], s->points, j) : 0};
			point p;
			int rc = run_at(s, x, &p, err, sizeof err);
			if (rc != LE_OK)
				return run_error(err, rc);
			if (add_point(s, &p) != LE_OK)
				return SIM_EXIT_INTERNAL;
			print_point(s, &p);
		}
	return SIM_EXIT_PASS;
}

static int parse_sweep_args(int argc, char **argv, sweep *s)
{
	s->seeds = 100;
	s->seed = 1;
	s->points = 11;
	s->precision = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v;
		char t[32];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(sweep_usage, stdout);
			return SIM_EXIT_PASS;
		} else if (sim__flag_is(a, "--param")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--param")))
				return sim__bad_flag("sweep", "--param: missing PATH=LO..HI[:STEP]");
			if (s->npar == 2)
				return sim__bad_flag("sweep", "--param %s: at most two parameters", v);
			param *p = &s->par[s->npar];
			int rc = parse_range(v, true, p->path, sizeof p->path, &p->lo, &p->hi,
					     &p->step, p->unit, "--param");
			if (rc >= 0)
				return rc;
			p->arg = v;
			s->npar++;
		} else if (sim__flag_is(a, "--jitter")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--jitter")))
				return sim__bad_flag("sweep", "--jitter: missing PATH=LO..HI");
			if (s->njit == 8)
				return sim__bad_flag("sweep", "--jitter %s: at most 8", v);
			sim_jitter *j = &s->jit[s->njit];
			double step;
			int rc = parse_range(v, false, j->path, sizeof j->path, &j->lo, &j->hi,
					     &step, j->unit, "--jitter");
			if (rc >= 0)
				return rc;
			s->njit++;
		} else if (sim__flag_is(a, "--set")) {
			char err[LE_ERRMSG_MAX];
			if (!(v = sim__flag_value(argc, argv, &i, "--set")))
				return sim__bad_flag("sweep", "--set: missing PATH=VALUE");
			if (s->nsets == MAX_SETS)
				return sim__bad_flag("sweep", "--set %s: at most 32 overrides", v);
			sim_override *ns = realloc(s->sets, (s->nsets + 1) * sizeof *ns);
			if (!ns)
				return SIM_EXIT_INTERNAL;
			s->sets = ns;
			if (sim_override_parse(v, &s->sets[s->nsets], err, sizeof err) != LE_OK)
				return sim__bad_flag("sweep", "%s", err);
			s->nsets++;
		} else if (sim__flag_is(a, "--seeds") || sim__flag_is(a, "--seed") || sim__flag_is(a, "--points")) {
			const char *flag = sim__flag_is(a, "--seeds") ? "--seeds" :
					   sim__flag_is(a, "--seed") ? "--seed" : "--points";
			if (!(v = sim__flag_value(argc, argv, &i, flag)))
				return sim__bad_flag("sweep", "%s: missing value", flag);
			char *end;
			errno = 0;
			unsigned long long n = strtoull(v, &end, 10);
			bool zero_ok = !strcmp(flag, "--seed");
			if (!*v || *v == '-' || *end || errno || (!zero_ok && n == 0) ||
			    (!zero_ok && n > 1000000)) {
				snprintf(t, sizeof t, "%s", flag);
				return sim__bad_flag("sweep", "%s: expected a count, got '%s'", t, v);
			}
			if (!strcmp(flag, "--seeds"))
				s->seeds = n;
			else if (!strcmp(flag, "--seed"))
				s->seed = n;
			else
				s->points = (size_t)n;
		} else if (sim__flag_is(a, "--precision")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--precision")))
				return sim__bad_flag("sweep", "--precision: missing value");
			char u[8];
			if (!sim_number_unit(v, &s->precision, u, sizeof u) || !(s->precision > 0))
				return sim__bad_flag("sweep", "--precision: expected a positive number, got '%s'",
					      v);
			if (s->npar && u[0] && strcmp(u, s->par[0].unit))
				return sim__bad_flag("sweep", "--precision %s: not in the parameter's unit '%s'",
					      v, s->par[0].unit);
		} else if (!strcmp(a, "--find-boundary")) {
			s->find_boundary = true;
		} else if (sim__flag_is(a, "--out")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--out")) || !*v)
				return sim__bad_flag("sweep", "--out: missing directory");
			s->out_dir = v;
		} else if (a[0] == '-' && a[1]) {
			return sim__bad_flag("sweep", "unknown flag '%s'", a);
		} else if (s->file) {
			return sim__bad_flag("sweep", "one base scenario at a time ('%s' and '%s')", s->file, a);
		} else {
			s->file = a;
		}
	}
	if (!s->file)
		return sim__bad_flag("sweep", "no base scenario given");
	if (s->npar == 0)
		return sim__bad_flag("sweep", "no --param PATH=LO..HI[:STEP] given");
	if (s->find_boundary && s->npar > 1)
		return sim__bad_flag("sweep", "--find-boundary bisects one parameter; %s and %s given",
			      s->par[0].path, s->par[1].path);
	if (s->precision == 0)
		s->precision = s->par[0].step > 0 ? s->par[0].step :
			       (s->par[0].hi - s->par[0].lo) / 64;
	return -1;
}

int sim_cmd_sweep(int argc, char **argv)
{
	sweep s;
	memset(&s, 0, sizeof s);
	s.argv0 = argv[0];
	int rc = parse_sweep_args(argc, argv, &s);
	if (rc >= 0) {
		free(s.sets);
		return rc;
	}
	char err[LE_ERRMSG_MAX] = "";
	if ((rc = sim_read_file(s.file, &s.text, &s.len, err, sizeof err)) != LE_OK) {
		fprintf(stderr, "%s\n", err);
		free(s.sets);
		return rc == LE_ENOMEM ? SIM_EXIT_INTERNAL : SIM_EXIT_BAD_INPUT;
	}
	/* Both ends must make a valid scenario before anything runs: a field
	 * that cannot take the range's values is named now. */
	int code = SIM_EXIT_PASS;
	for (int end = 0; end < 2 && code == SIM_EXIT_PASS; end++) {
		double x[2] = {end ? s.par[0].hi : s.par[0].lo,
			       s.npar > 1 ? (end ? s.par[1].hi : s.par[1].lo) : 0};
		sim_scenario sc;
		if (point_scenario(&s, x, &sc, err, sizeof err) != LE_OK) {
			fprintf(stderr, "sim sweep: %s\n", err);
			code = SIM_EXIT_BAD_INPUT;
		} else {
			sim_world *w = sim_world_new(&sc, s.seed, err, sizeof err);
			if (!w) {
				fprintf(stderr, "sim sweep: %s: %s\n", s.file, err);
				code = SIM_EXIT_BAD_INPUT;
			}
			sim_world_free(w);
			sim_scenario_free(&sc);
		}
	}
	if (code == SIM_EXIT_PASS) {
		analytic(&s);
		printf("# sweep %s: %" PRIu64 " seeds a point from seed %" PRIu64 "%s\n",
		       s.file, s.seeds, s.seed, s.find_boundary ? ", bisection" : "");
		if (!isnan(s.analytic))
			printf("# analytic: %s\n", s.analytic_text);
		print_header(&s);
		code = s.find_boundary ? bisect(&s) : grid(&s);
		if (!isnan(s.analytic) && s.boundary_found)
			printf("analytic %.6g%s vs measured %.6g%s: off by %.3g%s\n", s.analytic,
			       s.par[0].unit, (s.boundary_lo + s.boundary_hi) / 2, s.par[0].unit,
			       fabs(s.analytic - (s.boundary_lo + s.boundary_hi) / 2),
			       s.par[0].unit);
	}
	if (code == SIM_EXIT_PASS && s.out_dir && s.npt)
		code = write_reports(&s);
	free(s.pt);
	free(s.text);
	free(s.sets);
	return code;
}
