/* bin/sim — run scenario files in the deterministic simulator and check them.
 *
 *   bin/sim run FILE|DIR... [--seed N] [--seeds N] [--out DIR]
 *                       [--keep failing|all|none|sample:N]
 *                       [--check-determinism] [--ignore-expectations] [--quiet]
 *   bin/sim check HISTORY.jsonl [--scenario FILE] [--out DIR]
 *   bin/sim --help
 *
 * run: per scenario x seed: load, simulate (sim_world_run), check
 * (sim_check), print a summary, and with --out write the history as JSON
 * lines and hand the run to the report writer. The first line of output
 * names the seed and the command that reproduces the run. Exit code: the
 * worst over all runs, 4 internal > 3 bad input > 1 safety > 2 liveness > 0.
 *
 * check: re-judge a stored history (simulated or live) with the same
 * checker and write the same reports; the scenario comes from the history's
 * header unless --scenario names the file.
 *
 * main only dispatches: a subcommand is a name and a function (commands[]).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leaselab/progress.h"
#include "leaselab/report.h"
#include "leaselab/sim.h"
#include "../search.h"
#include "cmd.h"
#include "../args.h"

#define MAX_SEEDS 10000000ULL
#define MAX_LISTED 10 /* violations listed per run before "... N more" */
#define MAX_QUIET_FAILS 5 /* failing runs --quiet describes before counting */
#define DEFAULT_SAMPLE 10 /* seeds per scenario kept besides failing ones */

static const char usage_text[] =
	"usage: bin/sim run FILE|DIR... [--seed N] [--seeds N] [--out DIR]\n"
	"                   [--keep failing|all|none|sample:N]\n"
	"                   [--check-determinism] [--ignore-expectations] [--quiet]\n"
	"                   [--set PATH=VALUE]...\n"
	"       bin/sim sweep BASE.yaml --param PATH=LO..HI[:STEP] [--param ...]\n"
	"                   [--seeds K] [--find-boundary] [--set ...] [--out DIR]\n"
	"       bin/sim advise --lease-duration LD --renew-deadline RD --retry-period RP\n"
	"                   [--profile P] [--replicas N] [--request-timeout T] [--compare ...]\n"
	"       bin/sim check HISTORY.jsonl [--scenario FILE] [--out DIR]\n"
	"       bin/sim live SCENARIO.yaml [flags] (bin/sim live --help, docs/live.md)\n"
	"       bin/sim explore BASE.yaml --seeds N [--seed FIRST] [--jobs J]\n"
	"                   [--faults kind,...] [--out DIR] [--shard i/n] [--replay R]\n"
	"       bin/sim merge DIR... [--out DIR]\n"
	"       bin/sim prove BASE.yaml --scope SCOPE [--timing critical|extremes[+N]] [--jobs J] [--shard i/n] [--out DIR]\n"
	"       bin/sim prove merge BASE.yaml --scope SCOPE --from DIR,DIR,... [--out DIR]\n"
	"       bin/sim --help\n"
	"\n"
	"Simulate each scenario file in virtual time and check the invariants:\n"
	"at most one leader, bounded failover, lease history, liveness, stability.\n"
	"A DIR runs the *.yaml files in it (sorted by name).\n"
	"\n"
	"  --seed N               first seed (default: the scenario's seed, else 1)\n"
	"  --seeds N              run seeds N..N+count-1 (default 1 seed)\n"
	"  --out DIR              write DIR/<scenario>/seed-<N>/history.jsonl and the\n"
	"                         reports (report.json, summary.md, timeline.html),\n"
	"                         plus DIR/junit.xml, DIR/index.html, DIR/summary.md\n"
	"                         and DIR/suite.json (aggregates over every seed)\n"
	"  --keep WHICH           which seeds get per-seed files with --out:\n"
	"                         failing, all, none, or sample:N (the failing ones\n"
	"                         plus the first N seeds of each scenario);\n"
	"                         default sample:10. Every seed is still counted.\n"
	"  --check-determinism    run every seed twice and compare the histories\n"
	"                         byte for byte (first differing event on failure)\n"
	"  --ignore-expectations  judge `expect: violation` scenarios as ordinary\n"
	"                         ones (shows the checker is not vacuous)\n"
	"  --quiet                print the per-scenario aggregates, the totals and\n"
	"                         the first 5 failing runs with their reproduce commands\n"
	"  --set PATH=VALUE       override a scenario field without editing the file:\n"
	"                         --set election.leaseDuration=30s --set faults[0].duration=25s\n"
	"\n"
	"sweep: run a grid of values (or, with --find-boundary, a bisection) of one or\n"
	"two scenario fields, K seeds per point; see bin/sim sweep --help.\n"
	"advise: the envelope of LD/RD/RP settings, analytic and simulated; see\n"
	"bin/sim advise --help.\n"
	"\n"
	"check: judge a stored history (history.jsonl of `run --out`, or of a live\n"
	"run) with the same checker, print the same verdict, and with --out DIR\n"
	"write report.json, summary.md and timeline.html into DIR.\n"
	"  --scenario FILE        take the expectations and settings from FILE\n"
	"                         (default: the scenario the history's header carries)\n"
	"\n"
	"explore: draw fault schedules from seeds over a base scenario that passes,\n"
	"shrink each violation and write DIR/found/<invariant>-<hash>.yaml (a scenario\n"
	"bin/sim run replays); merge: combine --shard outputs (docs/sim-cli.md).\n"
	"\n"
	"Exit: 0 pass, 1 safety violated, 2 liveness violated, 3 bad input,\n"
	"4 internal error; with several runs the worst (4 > 3 > 1 > 2 > 0).\n";

typedef struct options {
	const char *argv0;
	const char **files;
	size_t nfiles;
	uint64_t seed;
	bool seed_given;
	uint64_t seeds;
	const char *out_dir;
	bool check_determinism;
	bool ignore_expectations;
	bool quiet;
	sim_override *sets;        /* --set PATH=VALUE, in order */
	size_t nsets;
	char sets_text[4096];      /* " --set P=V" ... for the repro command */
	enum { KEEP_SAMPLE, KEEP_FAILING, KEEP_ALL, KEEP_NONE } keep;
	uint64_t keep_sample; /* KEEP_SAMPLE: first N seeds of each scenario */
	char **owned;         /* files found in DIR arguments (freed at exit) */
	size_t nowned;
} options;

/* One scenario x seed, kept for the aggregate lines and the suite report. */
typedef struct run_rec {
	size_t scenario;
	uint64_t seed;
	sim_check_result result;
	/* Sized to fit (a 100,000-seed run keeps 100,000 of these): */
	char *repro;  /* the command that reproduces the run */
	char *dir;    /* its per-seed files; NULL when not kept (--keep) */
	double wall_s;
} run_rec;

typedef struct session {
	options opt;
	sim_scenario *scenarios;   /* one per file; file[0] == 0 when it failed */
	run_rec *runs;
	size_t nruns, runs_cap;
	bool header_printed;
	size_t quiet_fails;    /* failing runs described under --quiet */
	int worst;
	sim_progress progress; /* on a terminal only (leaselab/progress.h) */
	uint64_t done;         /* runs finished, for the progress bar */
} session;

/* ---- small helpers --------------------------------------------------------- */

static void note_exit(session *s, int code)
{
	if (sim__exit_rank(code) > sim__exit_rank(s->worst))
		s->worst = code;
}

static double secs(int64_t ns) { return (double)ns / 1e9; }

double sim_cmd_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void) { return sim_cmd_now_s(); }

/* "scenarios/article/sidecar-demo.yaml" -> "sidecar-demo" */
static void scenario_slug(const char *file, char *buf, size_t cap)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	snprintf(buf, cap, "%s", base);
	char *dot = strrchr(buf, '.');
	if (dot && dot != buf && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
		*dot = '\0';
}

static const char *pod_name(const sim_history *h, int32_t pod)
{
	return pod >= 0 && (size_t)pod < h->npods ? h->pods[pod].name : "-";
}

/* ---- arguments --------------------------------------------------------------- */

static bool parse_keep(const char *v, options *o)
{
	if (!strcmp(v, "failing"))
		o->keep = KEEP_FAILING;
	else if (!strcmp(v, "all"))
		o->keep = KEEP_ALL;
	else if (!strcmp(v, "none"))
		o->keep = KEEP_NONE;
	else if (!strncmp(v, "sample:", 7) && sim__parse_u64(v + 7, &o->keep_sample))
		o->keep = KEEP_SAMPLE;
	else
		return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml / *.yml files of dir, sorted, appended to o->owned. Returns
 * how many, or -1 with the reason printed. */
static long list_dir(const char *dir, options *o, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "sim: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	size_t start = o->nowned;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		bool yaml = (n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
			    (n > 4 && !strcmp(e->d_name + n - 4, ".yml"));
		if (!yaml || e->d_name[0] == '.')
			continue;
		if (o->nowned == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **p = realloc(o->owned, nc * sizeof *p);
			if (!p)
				break;
			o->owned = p;
			*cap = nc;
		}
		size_t len = strlen(dir) + n + 2;
		char *path = malloc(len);
		if (!path)
			break;
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		o->owned[o->nowned++] = path;
	}
	closedir(d);
	qsort(o->owned + start, o->nowned - start, sizeof *o->owned, cmp_str);
	return (long)(o->nowned - start);
}

/* Replace every directory argument by the scenario files in it. Returns -1
 * to go on, or an exit code. */
static int expand_dirs(options *o)
{
	size_t cap = 0, total = 0;
	size_t *count = calloc(o->nfiles ? o->nfiles : 1, sizeof *count);
	if (!count)
		return SIM_EXIT_INTERNAL;
	for (size_t i = 0; i < o->nfiles; i++) {
		struct stat st;
		if (stat(o->files[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			total++;
			continue;
		}
		long n = list_dir(o->files[i], o, &cap);
		if (n < 0) {
			free(count);
			return SIM_EXIT_BAD_INPUT;
		}
		if (n == 0) {
			fprintf(stderr, "sim: %s: no *.yaml scenario files in this directory\n",
				o->files[i]);
			free(count);
			return SIM_EXIT_BAD_INPUT;
		}
		count[i] = (size_t)n;
		total += (size_t)n;
	}
	if (o->nowned == 0) {
		free(count);
		return -1;
	}
	const char **files = calloc(total, sizeof *files);
	if (!files) {
		free(count);
		return SIM_EXIT_INTERNAL;
	}
	size_t k = 0, next = 0;
	for (size_t i = 0; i < o->nfiles; i++) {
		if (!count[i]) {
			files[k++] = o->files[i];
			continue;
		}
		for (size_t j = 0; j < count[i]; j++)
			files[k++] = o->owned[next++];
	}
	free(o->files);
	free(count);
	o->files = files;
	o->nfiles = total;
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, options *o)
{
	memset(o, 0, sizeof *o);
	o->argv0 = argc > 0 ? argv[0] : "bin/sim";
	o->seeds = 1;
	o->keep = KEEP_SAMPLE;
	o->keep_sample = DEFAULT_SAMPLE;
	if (argc < 2) {
		fputs(usage_text, stderr);
		return SIM_EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return SIM_EXIT_PASS;
	}
	o->files = calloc((size_t)argc, sizeof *o->files);
	if (!o->files)
		return SIM_EXIT_INTERNAL;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return SIM_EXIT_PASS;
		} else if (sim__flag_is(a, "--seeds")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--seeds")))
				return sim__bad_flag(NULL, "%s: missing value; expected a count of seeds", "--seeds");
			if (!sim__parse_u64(v, &o->seeds) || o->seeds == 0 || o->seeds > MAX_SEEDS)
				return sim__bad_flag(NULL, "--seeds: expected a count from 1 to 10000000, got '%s'", v);
		} else if (sim__flag_is(a, "--seed")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--seed")))
				return sim__bad_flag(NULL, "%s: missing value; expected a number", "--seed");
			if (!sim__parse_u64(v, &o->seed))
				return sim__bad_flag(NULL, "--seed: expected a non-negative integer, got '%s'", v);
			o->seed_given = true;
		} else if (sim__flag_is(a, "--out")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--out")) || !*v)
				return sim__bad_flag(NULL, "%s: missing value; expected a directory", "--out");
			o->out_dir = v;
		} else if (sim__flag_is(a, "--set")) {
			char err[LE_ERRMSG_MAX];
			if (!(v = sim__flag_value(argc, argv, &i, "--set")))
				return sim__bad_flag(NULL, "%s: missing value; expected PATH=VALUE", "--set");
			sim_override *ns = realloc(o->sets, (o->nsets + 1) * sizeof *ns);
			if (!ns)
				return SIM_EXIT_INTERNAL;
			o->sets = ns;
			if (sim_override_parse(v, &o->sets[o->nsets], err, sizeof err) != LE_OK)
				return sim__bad_flag(NULL, "%s", err);
			o->nsets++;
			size_t k = strlen(o->sets_text);
			snprintf(o->sets_text + k, sizeof o->sets_text - k, " --set %s", v);
		} else if (sim__flag_is(a, "--keep")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--keep")))
				return sim__bad_flag(NULL, "%s: missing value; expected failing, all, none or sample:N",
						"--keep");
			if (!parse_keep(v, o))
				return sim__bad_flag(NULL, "--keep: expected failing, all, none or sample:N "
						"(N from 0), got '%s'", v);
		} else if (!strcmp(a, "--check-determinism")) {
			o->check_determinism = true;
		} else if (!strcmp(a, "--ignore-expectations")) {
			o->ignore_expectations = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return sim__bad_flag(NULL, "unknown flag '%s'", a);
		} else {
			o->files[o->nfiles++] = a;
		}
	}
	if (o->nfiles == 0)
		return sim__bad_flag(NULL, "run: no scenario file given");
	if (o->seed_given && o->seeds > 1 && o->seed > UINT64_MAX - o->seeds)
		return sim__bad_flag(NULL, "--seed: %s plus --seeds overflows", "the seed");
	return expand_dirs(o);
}

/* ---- one run ------------------------------------------------------------------- */

static void repro_command(const session *s, const sim_scenario *sc, uint64_t seed,
			  char *buf, size_t cap)
{
	snprintf(buf, cap, "%s run %s --seed %" PRIu64 "%s%s", s->opt.argv0, sc->file,
		 seed, s->opt.sets_text,
		 s->opt.ignore_expectations ? " --ignore-expectations" : "");
}

/* Simulate one seed. The world is returned for its history (NULL on error,
 * with the exit code in *code and the reason printed). */
static sim_world *simulate(const sim_scenario *sc, uint64_t seed, int *code)
{
	char err[LE_ERRMSG_MAX] = "";
	sim_world *w = sim_world_new(sc, seed, err, sizeof err);
	if (!w) {
		/* The scenario parsed but cannot be set up (e.g. settings the
		 * elector rejects): the input is at fault. */
		fprintf(stderr, "%s: %s\n", sc->file, err[0] ? err : "cannot set up the world");
		*code = SIM_EXIT_BAD_INPUT;
		return NULL;
	}
	int rc = sim_world_run(w, err, sizeof err);
	if (rc != LE_OK) {
		/* LE_EINVAL: the scenario asked for what cannot happen (a
		 * fault that would hit nothing): the input is at fault */
		fprintf(stderr, "%s: seed %" PRIu64 ": %s%s\n", sc->file, seed,
			rc == LE_EINVAL ? "" : "internal error: ",
			err[0] ? err : le_strerror(rc));
		sim_world_free(w);
		*code = rc == LE_EINVAL ? SIM_EXIT_BAD_INPUT : SIM_EXIT_INTERNAL;
		return NULL;
	}
	/* the checker and the reports need the history only */
	sim_world_shed(w);
	return w;
}

/* Line `n` (1-based) of text starting at p, printed with a prefix. */
static void print_line(const char *label, const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	int n = (int)((nl ? nl : end) - p);
	printf("    %s: %.*s\n", label, n > 400 ? 400 : n, p);
}

/* Same seed, same binary: run again and compare byte for byte. */
static int check_determinism(const sim_scenario *sc, uint64_t seed,
			     const sim_history *first)
{
	int code = SIM_EXIT_PASS;
	size_t la = 0, lb = 0;
	char *a = sim_history_text(first, sc, &la);
	sim_world *w = simulate(sc, seed, &code);
	char *b = w ? sim_history_text(sim_world_history(w), sc, &lb) : NULL;
	if (!a || !b) {
		fprintf(stderr, "%s: seed %" PRIu64 ": cannot render the history\n",
			sc->file, seed);
		code = code ? code : SIM_EXIT_INTERNAL;
	} else if (la == lb && memcmp(a, b, la) == 0) {
		size_t lines = 0;
		for (size_t i = 0; i < la; i++)
			lines += a[i] == '\n';
		printf("  determinism: seed %" PRIu64 ": identical histories (%zu lines, "
		       "%zu bytes)\n", seed, lines, la);
	} else {
		size_t i = 0, line = 1, start = 0;
		while (i < la && i < lb && a[i] == b[i]) {
			if (a[i] == '\n') {
				line++;
				start = i + 1;
			}
			i++;
		}
		printf("  determinism: seed %" PRIu64 ": FAILED, histories differ "
		       "first at line %zu\n", seed, line);
		print_line("run 1", a + start, a + la);
		print_line("run 2", b + start, b + lb);
		code = SIM_EXIT_INTERNAL;
	}
	free(a);
	free(b);
	sim_world_free(w);
	return code;
}

/* When a pod that crashed had been asked to stop first (a delete whose
 * SIGTERM was ignored, election-spec.md 6.4), the delete is what a user saw. */
static int64_t sigterm_before(const sim_history *h, int32_t pod, int64_t t_ns)
{
	int64_t found = -1;
	for (size_t i = 0; i < h->n && h->ev[i].t_ns <= t_ns; i++) {
		const sim_event *e = &h->ev[i];
		if (e->pod == pod && e->kind == SIM_EV_POD_SIGTERM)
			found = e->t_ns;
		else if (e->pod == pod && e->kind == SIM_EV_POD_START)
			found = -1;
	}
	return found;
}

static void print_result(const sim_history *h, const sim_check_result *r)
{
	for (size_t i = 0; i < r->nfailovers; i++) {
		const sim_failover *f = &r->failovers[i];
		char bound[48];
		if (f->bound_ns == INT64_MAX)
			snprintf(bound, sizeof bound, "no bound");
		else
			snprintf(bound, sizeof bound, "bound %.3f s", secs(f->bound_ns));
		if (f->to_pod < 0)
			printf("  failover (%s) from %s at %.3f s -> no new leader by the end "
			       "(%s)%s\n", sim_failover_cause_name(f->cause), pod_name(h, f->from_pod),
			       secs(f->cause_ns), bound,
			       f->within_bound ? "" : "  EXCEEDED");
		else
			printf("  failover (%s) from %s at %.3f s -> %s leads at %.3f s: "
			       "%.3f s (%s)%s\n", sim_failover_cause_name(f->cause),
			       pod_name(h, f->from_pod), secs(f->cause_ns),
			       pod_name(h, f->to_pod), secs(f->leader_ns),
			       secs(f->leader_ns - f->cause_ns), bound,
			       f->within_bound ? "" : "  EXCEEDED");
		int64_t term = f->cause == SIM_FO_CRASH
				       ? sigterm_before(h, f->from_pod, f->cause_ns)
				       : -1;
		if (term >= 0 && term < f->cause_ns && f->to_pod >= 0)
			printf("    (SIGTERM at %.3f s went unheeded until the kill: "
			       "%.3f s from the delete to the new leader)\n",
			       secs(term), secs(f->leader_ns - term));
	}
	for (size_t i = 0; i < r->nhandovers; i++) {
		const sim_handover *x = &r->handovers[i];
		const char *from = x->from_identity >= 0 ? h->identities[x->from_identity] : "";
		const char *to = x->to_identity >= 0 ? h->identities[x->to_identity] : "";
		if (x->leader_ns >= 0)
			printf("  handover (preferredHolder) from %s to %s named at %.3f s "
			       "-> %s leads at %.3f s: %.3f s (bound %.3f s)\n",
			       from, to, secs(x->named_ns), to, secs(x->leader_ns),
			       secs(x->leader_ns - x->named_ns), secs(x->bound_ns));
		else
			printf("  handover (preferredHolder) from %s to %s named at %.3f s "
			       "-> %s does not lead within the bound %.3f s  EXCEEDED\n",
			       from, to, secs(x->named_ns), to, secs(x->bound_ns));
	}
	for (size_t i = 0; i < r->noverlaps; i++) {
		const sim_overlap *o = &r->overlaps[i];
		printf("  overlap: %s and %s both leading from %.3f s to %.3f s "
		       "(%.3f s), %" PRId64 " stale guarded writes\n",
		       pod_name(h, o->pod_a), pod_name(h, o->pod_b), secs(o->start_ns),
		       secs(o->end_ns), secs(o->end_ns - o->start_ns), o->stale_writes);
	}
	for (size_t i = 0; i < r->nprobe_restarts; i++) {
		const sim_probe_restart *p = &r->probe_restarts[i];
		printf("  probe-restart: %s restarted by its liveness probe at %.3f s "
		       "after %" PRId64 " failed probes%s", pod_name(h, p->pod),
		       secs(p->t_ns), p->failures,
		       p->was_acting ? ", acting as leader until then" : "");
		if (p->fault_ns >= 0)
			printf(": %.3f s after fault %d began (%.3f s)",
			       secs(p->t_ns - p->fault_ns), (int)p->fault,
			       secs(p->fault_ns));
		printf("\n");
	}
	size_t listed = 0;
	for (size_t i = 0; i < r->nviolations; i++) {
		const sim_violation *v = &r->violations[i];
		if (v->inv == SIM_INV_SAFETY || v->inv == SIM_INV_FAILOVER)
			continue; /* printed above */
		if (listed++ < MAX_LISTED)
			printf("  violation (%s) at %.3f s: %s\n",
			       sim_invariant_name(v->inv), secs(v->t_ns), v->text);
	}
	if (listed > MAX_LISTED)
		printf("  ... %zu more violations\n", listed - MAX_LISTED);
	printf("  leaderless: %.3f s in total, longest %.3f s; at most %d leader%s "
	       "at once; %" PRId64 " stale guarded writes\n",
	       secs(r->leaderless_total_ns), secs(r->leaderless_max_ns),
	       r->max_leaders_seen, r->max_leaders_seen == 1 ? "" : "s",
	       r->stale_writes);
}

static int write_history_file(const sim_history *h, const sim_scenario *sc,
			      const char *dir)
{
	if (rep_mkdirs(dir, NULL, 0) != LE_OK) {
		fprintf(stderr, "sim: %s: %s\n", dir, strerror(errno));
		return SIM_EXIT_INTERNAL;
	}
	char path[SIM_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/history.jsonl", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "sim: %s: %s\n", path, strerror(errno));
		return SIM_EXIT_INTERNAL;
	}
	int rc = sim_history_write_jsonl(h, sc, f);
	if (fclose(f) != 0 || rc != LE_OK) {
		fprintf(stderr, "sim: %s: cannot write the history\n", path);
		return SIM_EXIT_INTERNAL;
	}
	return SIM_EXIT_PASS;
}

/* The one place where a run's results leave bin/sim for the report writer
 * (reports/, issue 6): scenario, seed, history, check result, directory. */
static int hand_to_reports(const sim_scenario *sc, const sim_history *h,
			   const run_rec *run)
{
	rep_run rr = {
		.scenario = sc,
		.seed = run->seed,
		.history = h,
		.result = &run->result,
		.repro_command = run->repro,
		.sim_wall_seconds = run->wall_s,
		.dir = run->dir,
	};
	char err[LE_ERRMSG_MAX] = "";
	if (rep_write_run(&rr, err, sizeof err) != LE_OK) {
		fprintf(stderr, "sim: report for %s seed %" PRIu64 ": %s\n", sc->file,
			run->seed, err);
		return SIM_EXIT_INTERNAL;
	}
	return SIM_EXIT_PASS;
}

static run_rec *new_run(session *s)
{
	if (s->nruns == s->runs_cap) {
		size_t cap = s->runs_cap ? s->runs_cap * 2 : 16;
		run_rec *p = realloc(s->runs, cap * sizeof *p);
		if (!p)
			return NULL;
		s->runs = p;
		s->runs_cap = cap;
	}
	run_rec *r = &s->runs[s->nruns++];
	memset(r, 0, sizeof *r);
	return r;
}

/* The first seed a scenario runs (--seed, else the scenario's, else 1). */
static uint64_t run_first_seed(const session *s, const sim_scenario *sc)
{
	return s->opt.seed_given ? s->opt.seed : sc->seed ? sc->seed : 1;
}

/* Whether the k-th seed of a scenario gets per-seed files (--keep). */
static bool keep_files(const session *s, uint64_t k, int exit_code)
{
	switch (s->opt.keep) {
	case KEEP_ALL: return true;
	case KEEP_NONE: return false;
	case KEEP_FAILING: return exit_code != SIM_EXIT_PASS;
	case KEEP_SAMPLE: return exit_code != SIM_EXIT_PASS || k < s->opt.keep_sample;
	}
	return true;
}

static void run_one(session *s, size_t si, uint64_t seed)
{
	const sim_scenario *sc = &s->scenarios[si];
	run_rec *run = new_run(s);
	if (!run) {
		note_exit(s, SIM_EXIT_INTERNAL);
		return;
	}
	run->scenario = si;
	run->seed = seed;
	char repro[SIM_PATH_MAX + 128];
	repro_command(s, sc, seed, repro, sizeof repro);
	if (!(run->repro = strdup(repro))) {
		note_exit(s, SIM_EXIT_INTERNAL);
		return;
	}
	bool header = !s->opt.quiet || !s->header_printed;
	if (header)
		sim_progress_clear(&s->progress);
	if (header) {
		printf("# seed %" PRIu64 ": %s\n", seed, run->repro);
		s->header_printed = true;
	}
	fflush(stdout);

	int code = SIM_EXIT_PASS;
	double t0 = now_s();
	sim_world *w = simulate(sc, seed, &code);
	run->wall_s = now_s() - t0;
	if (!w) {
		run->result.exit_code = code;
		snprintf(run->result.verdict, sizeof run->result.verdict,
			 "%s", code == SIM_EXIT_BAD_INPUT ? "BAD INPUT" : "INTERNAL ERROR");
		printf("%s (seed %" PRIu64 "): %s\n", sc->name, seed, run->result.verdict);
		note_exit(s, code);
		return;
	}
	const sim_history *h = sim_world_history(w);
	if (sim_check(sc, h, &run->result) != LE_OK)
		code = SIM_EXIT_INTERNAL;
	int rcode = run->result.exit_code;
	/* --quiet describes the first few failing runs; the rest are counted
	 * in the aggregates and listed in the reports. */
	bool describe = !s->opt.quiet ||
			(rcode != SIM_EXIT_PASS && s->quiet_fails++ < MAX_QUIET_FAILS);
	if (!header && describe) {
		sim_progress_clear(&s->progress);
		printf("# seed %" PRIu64 ": %s\n", seed, run->repro);
	}
	if (describe) {
		printf("%s (seed %" PRIu64 "): %s\n", sc->name, seed, run->result.verdict);
		print_result(h, &run->result);
		if (!s->opt.quiet)
			printf("  simulated %.3f s in %.3f s wall (%zu events)\n",
			       secs(h->end_ns), run->wall_s, h->n);
	}
	note_exit(s, rcode);
	note_exit(s, code);

	if (s->opt.check_determinism)
		note_exit(s, check_determinism(sc, seed, h));
	if (s->opt.out_dir && keep_files(s, seed - run_first_seed(s, sc), rcode)) {
		char slug[SIM_NAME_MAX];
		scenario_slug(sc->file, slug, sizeof slug);
		char dir[SIM_PATH_MAX];
		snprintf(dir, sizeof dir, "%s/%s/seed-%" PRIu64, s->opt.out_dir, slug, seed);
		int wc = (run->dir = strdup(dir)) ? write_history_file(h, sc, run->dir)
						  : SIM_EXIT_INTERNAL;
		if (wc == SIM_EXIT_PASS)
			wc = hand_to_reports(sc, h, run);
		note_exit(s, wc);
	}
	sim_world_free(w);
	fflush(stdout);
	sim_progress_update(&s->progress, ++s->done, now_s());
}

/* ---- aggregate over seeds ---------------------------------------------------- */

/* The runs of one scenario as the report writer sees them. */
static rep_run *as_rep_runs(const session *s, size_t first, size_t n)
{
	rep_run *rr = calloc(n ? n : 1, sizeof *rr);
	if (!rr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const run_rec *r = &s->runs[first + i];
		rr[i] = (rep_run){
			.scenario = &s->scenarios[r->scenario],
			.seed = r->seed,
			.result = &r->result,
			.repro_command = r->repro,
			.sim_wall_seconds = r->wall_s,
			.dir = r->dir,
		};
	}
	return rr;
}

/* One line per scenario: the aggregates of reports/summary.c, the same
 * figures index.html, summary.md and suite.json show. */
static void print_aggregate(const session *s, size_t first, size_t n)
{
	rep_run *rr = as_rep_runs(s, first, n);
	rep_summary *sum = NULL;
	size_t ns = 0;
	if (!rr || rep_summarize(rr, n, &sum, &ns) != LE_OK) {
		free(rr);
		return;
	}
	char line[2048];
	for (size_t g = 0; g < ns; g++) {
		rep_summary_line(&sum[g], line, sizeof line);
		printf("%s\n", line);
	}
	rep_summaries_free(sum, ns);
	free(rr);
}

/* ---- main ------------------------------------------------------------------------- */

/* Every run is counted in the suite reports; those without files (--keep)
 * are not linked. */
static void write_suite(session *s)
{
	rep_run *rr = as_rep_runs(s, 0, s->nruns);
	if (!rr) {
		note_exit(s, SIM_EXIT_INTERNAL);
		return;
	}
	char err[LE_ERRMSG_MAX] = "";
	if (rep_write_suite(rr, s->nruns, s->opt.out_dir, err, sizeof err) != LE_OK) {
		fprintf(stderr, "sim: suite report in %s: %s\n", s->opt.out_dir, err);
		note_exit(s, SIM_EXIT_INTERNAL);
	}
	free(rr);
}

static int cmd_run(int argc, char **argv)
{
	session s = { .worst = SIM_EXIT_PASS };
	int rc = parse_args(argc, argv, &s.opt);
	if (rc >= 0) {
		for (size_t i = 0; i < s.opt.nowned; i++)
			free(s.opt.owned[i]);
		free(s.opt.owned);
		free(s.opt.files);
		free(s.opt.sets);
		return rc;
	}
	s.scenarios = calloc(s.opt.nfiles, sizeof *s.scenarios);
	if (!s.scenarios)
		return SIM_EXIT_INTERNAL;
	sim_progress_init(&s.progress, stderr, (uint64_t)s.opt.nfiles * s.opt.seeds, now_s());
	for (size_t i = 0; i < s.opt.nfiles; i++) {
		sim_scenario *sc = &s.scenarios[i];
		char err[LE_ERRMSG_MAX] = "";
		if (sim_scenario_load_with(s.opt.files[i], s.opt.sets, s.opt.nsets, sc,
					   err, sizeof err) != LE_OK) {
			fprintf(stderr, "%s\n", err[0] ? err : s.opt.files[i]);
			note_exit(&s, SIM_EXIT_BAD_INPUT);
			sc->file[0] = '\0';
			continue;
		}
		if (!sc->file[0])
			snprintf(sc->file, sizeof sc->file, "%s", s.opt.files[i]);
		if (!sc->name[0])
			scenario_slug(sc->file, sc->name, sizeof sc->name);
		if (s.opt.ignore_expectations)
			sc->expect.expect_violation = false;
		uint64_t first = run_first_seed(&s, sc);
		size_t first_run = s.nruns;
		for (uint64_t k = 0; k < s.opt.seeds; k++)
			run_one(&s, i, first + k);
		if (s.opt.seeds > 1) {
			sim_progress_clear(&s.progress);
			print_aggregate(&s, first_run, s.nruns - first_run);
		}
	}
	sim_progress_finish(&s.progress, now_s());
	if (s.opt.out_dir && s.nruns > 0)
		write_suite(&s);
	if (s.nruns > 1 || s.opt.nfiles > 1) {
		size_t pass = 0;
		for (size_t i = 0; i < s.nruns; i++)
			pass += s.runs[i].result.exit_code == SIM_EXIT_PASS;
		printf("total: %zu/%zu runs passed, exit %d\n", pass, s.nruns, s.worst);
	}
	if (s.opt.quiet && s.quiet_fails > MAX_QUIET_FAILS)
		printf("... and %zu more failing runs (not described; see the aggregates%s)\n",
		       s.quiet_fails - MAX_QUIET_FAILS,
		       s.opt.out_dir ? " and the reports" : "");
	if (s.opt.out_dir && s.nruns > 0)
		printf("reports: %s/index.html\n", s.opt.out_dir);
	for (size_t i = 0; i < s.nruns; i++) {
		sim_check_result_free(&s.runs[i].result);
		free(s.runs[i].repro);
		free(s.runs[i].dir);
	}
	for (size_t i = 0; i < s.opt.nfiles; i++)
		if (s.scenarios[i].file[0])
			sim_scenario_free(&s.scenarios[i]);
	free(s.runs);
	free(s.scenarios);
	free(s.opt.files);
	free(s.opt.sets);
	for (size_t i = 0; i < s.opt.nowned; i++)
		free(s.opt.owned[i]);
	free(s.opt.owned);
	return s.worst;
}

/* ---- check: re-judge a stored history ---------------------------------------- */

typedef struct check_options {
	const char *argv0;
	const char *history;
	const char *scenario;
	const char *out_dir;
} check_options;

static int parse_check_args(int argc, char **argv, check_options *o)
{
	memset(o, 0, sizeof *o);
	o->argv0 = argv[0];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return SIM_EXIT_PASS;
		} else if (sim__flag_is(a, "--scenario")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--scenario")) || !*v)
				return sim__bad_flag(NULL, "%s: missing value; expected a scenario file",
						"--scenario");
			o->scenario = v;
		} else if (sim__flag_is(a, "--out")) {
			if (!(v = sim__flag_value(argc, argv, &i, "--out")) || !*v)
				return sim__bad_flag(NULL, "%s: missing value; expected a directory", "--out");
			o->out_dir = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			return sim__bad_flag(NULL, "unknown flag '%s'", a);
		} else if (o->history) {
			return sim__bad_flag(NULL, "check: one history at a time ('%s' and '%s')",
					o->history, a);
		} else {
			o->history = a;
		}
	}
	if (!o->history)
		return sim__bad_flag(NULL, "check: no history file given");
	return -1;
}

/* The history and the scenario it is judged against (the header's, or the
 * file's). Returns an exit code; SIM_EXIT_PASS when both are loaded. */
static int load_for_check(const check_options *o, sim_history *h,
			  sim_scenario *sc)
{
	char err[LE_ERRMSG_MAX] = "";
	FILE *f = fopen(o->history, "r");
	if (!f) {
		fprintf(stderr, "sim: %s: %s\n", o->history, strerror(errno));
		return SIM_EXIT_BAD_INPUT;
	}
	int rc = sim_history_read_jsonl(f, o->history, h, o->scenario ? NULL : sc,
					err, sizeof err);
	fclose(f);
	if (rc != LE_OK) {
		fprintf(stderr, "%s\n", err);
		return rc == LE_ENOMEM ? SIM_EXIT_INTERNAL : SIM_EXIT_BAD_INPUT;
	}
	if (!o->scenario)
		return SIM_EXIT_PASS;
	if (sim_scenario_load(o->scenario, sc, err, sizeof err) != LE_OK) {
		fprintf(stderr, "%s\n", err[0] ? err : o->scenario);
		sim_history_free(h);
		return SIM_EXIT_BAD_INPUT;
	}
	if (!sc->file[0])
		snprintf(sc->file, sizeof sc->file, "%s", o->scenario);
	if (!sc->name[0])
		scenario_slug(sc->file, sc->name, sizeof sc->name);
	return SIM_EXIT_PASS;
}

static int cmd_check(int argc, char **argv)
{
	check_options o;
	int rc = parse_check_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	sim_history h;
	sim_scenario sc;
	memset(&sc, 0, sizeof sc);
	if ((rc = load_for_check(&o, &h, &sc)) != SIM_EXIT_PASS)
		return rc;
	/* The command that reproduces the run, as `run` names it: a report
	 * written from the stored history is the run's own report. */
	run_rec run;
	char repro[SIM_PATH_MAX + 128], dir[SIM_PATH_MAX];
	memset(&run, 0, sizeof run);
	run.repro = repro;
	run.seed = h.seed;
	if (!strcmp(h.driver, "sim"))
		snprintf(repro, sizeof repro, "%s run %s --seed %" PRIu64,
			 o.argv0, sc.file, h.seed);
	else
		snprintf(repro, sizeof repro, "%s check %s", o.argv0, o.history);
	printf("# seed %" PRIu64 ": %s\n", h.seed, run.repro);
	int code = SIM_EXIT_PASS;
	if (sim_check(&sc, &h, &run.result) != LE_OK)
		code = SIM_EXIT_INTERNAL;
	printf("%s (seed %" PRIu64 "): %s\n", sc.name, h.seed, run.result.verdict);
	print_result(&h, &run.result);
	printf("  checked %s: %s history, %zu events, %.3f s\n", o.history,
	       h.driver, h.n, secs(h.end_ns));
	if (code == SIM_EXIT_PASS)
		code = run.result.exit_code;
	if (o.out_dir) {
		snprintf(dir, sizeof dir, "%s", o.out_dir);
		run.dir = dir;
		int wc = SIM_EXIT_INTERNAL;
		if (rep_mkdirs(o.out_dir, NULL, 0) != LE_OK)
			fprintf(stderr, "sim: %s: %s\n", o.out_dir, strerror(errno));
		else
			wc = hand_to_reports(&sc, &h, &run);
		if (sim__exit_rank(wc) > sim__exit_rank(code))
			code = wc;
	}
	sim_check_result_free(&run.result);
	sim_history_free(&h);
	sim_scenario_free(&sc);
	return code;
}

/* ---- live: the harness in sim/live/ (docs/live.md) ------------------------------ */

/* The harness is bin/sim-live beside this program (sim/cmd/sim-live.c
 * says why): run it in our place with the same arguments. */
static int cmd_live(int argc, char **argv)
{
	(void)argc;
	char dir[SIM_PATH_MAX], self[SIM_PATH_MAX + sizeof "/sim-live"];
	if (!sim__self_dir(argv[0], dir, sizeof dir)) {
		fprintf(stderr, "%s live: this program's directory is too long a path\n",
			argv[0]);
		return SIM_EXIT_INTERNAL;
	}
	snprintf(self, sizeof self, "%s/sim-live", dir);
	fflush(stdout);
	execv(self, argv);
	fprintf(stderr, "%s live: cannot run the live harness %s: %s (make builds it "
		"beside bin/sim; make install installs both)\n", argv[0], self, strerror(errno));
	return SIM_EXIT_INTERNAL;
}

/* ---- main: dispatch ------------------------------------------------------------ */

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"run", cmd_run},
	{"check", cmd_check},
	{"sweep", sim_cmd_sweep},
	{"advise", sim_cmd_advise},
	{"live", cmd_live},
	{"explore", cmd_explore},
	{"merge", cmd_merge},
	{"prove", cmd_prove},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return SIM_EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return SIM_EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc, argv);
	return sim__bad_flag(NULL, "unknown command '%s'; expected: run, check, live, explore, merge, prove, sweep or advise", argv[1]);
}
