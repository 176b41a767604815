/* bin/sim explore and bin/sim merge (issue 11).
 *
 *   bin/sim explore BASE.yaml --seeds N [--seed FIRST] [--jobs J]
 *                   [--faults kind,...] [--out DIR] [--shard i/n]
 *                   [--replay R] [--liveness]
 *   bin/sim merge DIR... --out DIR
 *
 * explore: the seeds of this shard (index i, i+n, i+2n, ... of FIRST ..
 * FIRST+N-1) are dealt to J worker processes; each draws the seed's swarm
 * profile and schedule (sim_explore_draw), simulates and judges it, and on
 * a violation shrinks it and leaves the shrunk scenario in DIR/found/.tmp/.
 * The parent reads one line per seed from each worker's pipe, draws the
 * progress, and at the end keeps, for every distinct finding (invariant and
 * shrunk schedule shape), the file of its lowest seed: what is kept depends
 * only on the seeds, never on J or on the order workers finished in.
 *
 * Output, under DIR (default out/explore):
 *   index.tsv       one line per violating seed: seed, invariant, finding
 *   findings.tsv    one line per distinct finding (sorted)
 *   found/<invariant>-<hash>.yaml, a scenario file; bin/sim run replays it
 *   found/<invariant>-<hash>/       its report (report.json, summary.md, ...)
 * merge reads several such DIRs (shards) and writes one of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leaselab/explore.h"
#include "leaselab/report.h"
#include "../fault_model.h"
#include "leaselab/progress.h"
#include "cmd.h"
#include "../args.h"

#define JOBS_MAX 256
#define SHAPE_MAX 512
#define DEFAULT_OUT "out/explore"
#define DEFAULT_REPLAY 100

typedef struct xopts {
	const char *argv0;
	const char *base;
	uint64_t first, seeds;
	bool first_given;
	unsigned jobs;
	uint64_t shard_i, shard_n;
	const char *out;
	uint64_t replay;
	sim_explore_opts eo;
	const char *faults_flag;
} xopts;

/* One violating seed. */
typedef struct xhit {
	uint64_t seed;
	sim_invariant inv;
	uint64_t hash;
	unsigned nf0, nf1;
	char shape[SHAPE_MAX];
} xhit;

typedef struct xhits {
	xhit *v;
	size_t n, cap;
	uint64_t refused; /* drawn cases the world refused (explore_seed) */
} xhits;

static volatile sig_atomic_t stop_requested;

static void on_sigint(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int bad(const char *fmt, const char *a)
{
	fprintf(stderr, "sim: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n");
	return SIM_EXIT_BAD_INPUT;
}

/* The folder must exist (or be creatable) and take files. */
static int usable_dir(const char *dir)
{
	char probe[SIM_PATH_MAX + 32];
	if (rep_mkdirs(dir, NULL, 0) != LE_OK)
		return -1;
	snprintf(probe, sizeof probe, "%s/.probe", dir);
	FILE *f = fopen(probe, "w");
	if (!f)
		return -1;
	fclose(f);
	unlink(probe);
	return 0;
}

static const char *inv_name(sim_invariant v)
{
	return sim_invariant_name(v);
}

static sim_invariant inv_from_name(const char *s)
{
	for (int v = SIM_INV_SAFETY; v < SIM_INV_COUNT; v++)
		if (!strcmp(s, sim_invariant_name((sim_invariant)v)))
			return (sim_invariant)v;
	return SIM_INV_NONE;
}

/* ---- arguments ------------------------------------------------------------------- */

static const char explore_usage[] =
	"usage: bin/sim explore BASE.yaml --seeds N [--seed FIRST] [--jobs J]\n"
	"                       [--faults kind,...] [--out DIR] [--shard i/n]\n"
	"                       [--replay R] [--liveness] [--envelope]\n"
	"       bin/sim merge DIR... [--out DIR]\n";

static int parse_shard(const char *v, uint64_t *i, uint64_t *n)
{
	const char *slash = v ? strchr(v, '/') : NULL;
	char a[32];
	if (!slash || (size_t)(slash - v) >= sizeof a)
		return -1;
	memcpy(a, v, (size_t)(slash - v));
	a[slash - v] = 0;
	if (!sim__parse_u64(a, i) || !sim__parse_u64(slash + 1, n) || *n == 0 || *n > 100000 ||
	    *i >= *n)
		return -1;
	return 0;
}

static int parse_explore_args(int argc, char **argv, xopts *o)
{
	memset(o, 0, sizeof *o);
	o->argv0 = "bin/sim";
	o->jobs = 1;
	o->shard_n = 1;
	o->out = DEFAULT_OUT;
	o->replay = DEFAULT_REPLAY;
	sim_explore_opts_init(&o->eo);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t x;
		if (a[0] != '-') {
			if (o->base)
				return bad("explore: one base scenario, got a second: %s", a);
			o->base = a;
			continue;
		}
		if (!strcmp(a, "--envelope")) {
			o->eo.envelope = true;
			continue;
		}
		if (!strcmp(a, "--liveness")) {
			o->eo.invariants = ~0u & ~(1u << SIM_INV_NONE);
			continue;
		}
		if (!v)
			return bad("explore: %s needs a value", a);
		i++;
		if (!strcmp(a, "--seeds")) {
			if (!sim__parse_u64(v, &x) || x == 0 || x > 100000000ULL)
				return bad("explore: --seeds: expected an integer from 1 to 100000000, got \"%s\"", v);
			o->seeds = x;
		} else if (!strcmp(a, "--seed")) {
			if (!sim__parse_u64(v, &x))
				return bad("explore: --seed: expected a non-negative integer, got \"%s\"", v);
			o->first = x;
			o->first_given = true;
		} else if (!strcmp(a, "--jobs")) {
			if (!sim__parse_u64(v, &x) || x == 0 || x > JOBS_MAX)
				return bad("explore: --jobs: expected an integer from 1 to 256, got \"%s\"", v);
			o->jobs = (unsigned)x;
		} else if (!strcmp(a, "--replay")) {
			if (!sim__parse_u64(v, &x) || x > 100000)
				return bad("explore: --replay: expected an integer from 0 to 100000, got \"%s\"", v);
			o->replay = x;
		} else if (!strcmp(a, "--shard")) {
			if (parse_shard(v, &o->shard_i, &o->shard_n) != 0)
				return bad("explore: --shard: expected i/n with 0 <= i < n (the Job's completion index / completions), got \"%s\"", v);
		} else if (!strcmp(a, "--out")) {
			o->out = v;
		} else if (!strcmp(a, "--faults")) {
			char err[512];
			if (sim_xkind_parse_list(v, &o->eo.kinds, err, sizeof err) != LE_OK) {
				fprintf(stderr, "sim: explore: --faults: %s\n", err);
				return SIM_EXIT_BAD_INPUT;
			}
			o->faults_flag = v;
		} else {
			return bad("explore: unknown flag %s; see bin/sim --help", a);
		}
	}
	if (!o->base) {
		fputs(explore_usage, stderr);
		return bad("explore: %s", "missing the base scenario file");
	}
	if (!o->seeds)
		return bad("explore: %s", "missing --seeds N");
	return 0;
}

/* ---- the shape of a schedule: what dedups findings --------------------------------- */

static const char *role_word(sim_role r)
{
	return r == SIM_ROLE_LEADER ? "leader" : r == SIM_ROLE_FOLLOWER ? "follower" : "any";
}

/* Action, target and the kind of effect of each fault, in time order; not
 * the times or the magnitudes, which differ from seed to seed. */
static void schedule_shape(const sim_scenario *sc, char *out, size_t cap)
{
	size_t *order = malloc((sc->nfaults ? sc->nfaults : 1) * sizeof *order);
	size_t len = 0;
	out[0] = 0;
	if (!order)
		return;
	for (size_t i = 0; i < sc->nfaults; i++) {
		size_t j = i;
		while (j > 0 && sc->faults[order[j - 1]].at_ns > sc->faults[i].at_ns) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	static const char *const dirs[] = {"both", "to", "from"};
	for (size_t k = 0; k < sc->nfaults && len < cap; k++) {
		const sim_fault *f = &sc->faults[order[k]];
		char extra[64] = "";
		switch (f->action) {
		case SIM_ACT_PARTITION:
			snprintf(extra, sizeof extra, " %s %s", dirs[f->direction],
				 f->partition_kind == FA_PART_REFUSED ? "refused" : "blackhole");
			break;
		case SIM_ACT_DELAY:
		case SIM_ACT_LOSS:
			snprintf(extra, sizeof extra, " %s", dirs[f->direction]);
			break;
		case SIM_ACT_TIME_SKEW:
			snprintf(extra, sizeof extra, " %s", f->time_offset_ns < 0 ? "back" : "ahead");
			break;
		case SIM_ACT_APISERVER: {
			const fa_fault_rule *r = &f->apiserver;
			snprintf(extra, sizeof extra, "%s%s%s%s%s",
				 f->apiserver_down ? " down" : "",
				 r->error_code ? " error" : "",
				 r->commit_delay_ns ? " commit-delay" : "",
				 r->request_loss > 0 ? " request-loss" : "",
				 r->response_loss > 0 ? " response-loss" : "");
			break;
		}
		default:
			break;
		}
		const char *act = sim_fault_action_name(f->action);
		static const char *const whens[] = {"", " when renew-request",
						    " when renew-response", " when lease-write",
						    " when started-leading",
						    " when stopped-leading"};
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s%s%s", k ? "; " : "",
					act, role_word(f->role), extra,
					whens[f->when.kind]);
	}
	free(order);
}

/* ---- one seed ------------------------------------------------------------------------ */

typedef struct xrun {
	const xopts *o;
	const sim_scenario *base;
	char tmpdir[SIM_PATH_MAX];
} xrun;

static int write_case(const char *path, const sim_scenario *sc, const char *comment)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	if (comment)
		fputs(comment, f);
	int rc = sim_scenario_write_yaml(sc, f);
	if (fclose(f) != 0 || rc != LE_OK)
		return -1;
	return 0;
}

/* Explore one seed; a violation is shrunk and its file left in tmpdir.
 * Returns 0 (pass), 1 (violation, *hit filled), 2 (the world refused the
 * drawn case: a delete-candidate that found no LeaseCandidate, which a
 * scenario may not ask for, docs/scenario-format.md), < 0 on an internal
 * error. */
static int explore_seed(const xrun *x, uint64_t seed, xhit *hit, char *err, size_t errcap)
{
	sim_explore_case c;
	if (sim_explore_draw(x->base, seed, &x->o->eo, &c) != LE_OK) {
		snprintf(err, errcap, "seed %" PRIu64 ": out of memory", seed);
		return -1;
	}
	sim_invariant inv;
	int rc = sim_explore_judge(&c.sc, seed, &x->o->eo, &inv, err, errcap);
	if (rc != LE_OK || inv == SIM_INV_NONE) {
		sim_explore_case_free(&c);
		if (rc == LE_EINVAL) {
			err[0] = 0;
			return 2;
		}
		return rc != LE_OK ? -1 : 0;
	}
	memset(hit, 0, sizeof *hit);
	hit->seed = seed;
	hit->inv = inv;
	hit->nf0 = (unsigned)c.sc.nfaults;
	char removed[512], profile[sizeof c.profile];
	snprintf(profile, sizeof profile, "%s", c.profile);
	if (sim_explore_shrink(&c, seed, &x->o->eo, inv, removed, sizeof removed) < 0) {
		sim_explore_case_free(&c);
		snprintf(err, errcap, "seed %" PRIu64 ": shrinking failed", seed);
		return -1;
	}
	hit->nf1 = (unsigned)c.sc.nfaults;
	schedule_shape(&c.sc, hit->shape, sizeof hit->shape);
	char key[SHAPE_MAX + 32];
	int kl = snprintf(key, sizeof key, "%s|%s", inv_name(inv), hit->shape);
	hit->hash = sim_explore_hash(key, (size_t)kl);

	char name[SIM_NAME_MAX];
	snprintf(name, sizeof name, "%.80s-%s-%08" PRIx32, x->base->name, inv_name(inv),
		 (uint32_t)hit->hash);
	snprintf(c.sc.name, sizeof c.sc.name, "%s", name);
	snprintf(c.sc.description, sizeof c.sc.description,
		 "Found by bin/sim explore from %s (seed %" PRIu64 ", swarm profile: %s) and shrunk: %s. The %s invariant is violated.",
		 x->base->file, seed, profile, removed, inv_name(inv));
	c.sc.seed = seed;
	c.sc.expect.expect_violation = true;
	c.sc.expect.violation = inv;
	char comment[2048], path[SIM_PATH_MAX + 64];
	snprintf(comment, sizeof comment,
		 "# Found by: %s explore %s --seed %" PRIu64 " --seeds 1%s%s%s\n"
		 "# Replay: %s run found/%s-%08" PRIx32 ".yaml (expects a %s violation)\n"
		 "# Swarm profile of the seed: %s\n"
		 "# Removed by shrinking: %s\n"
		 "# Schedule: %s\n",
		 x->o->argv0, x->base->file, seed, x->o->faults_flag ? " --faults " : "",
		 x->o->faults_flag ? x->o->faults_flag : "",
		 x->o->eo.envelope ? " --envelope" : "", x->o->argv0, inv_name(inv),
		 (uint32_t)hit->hash, inv_name(inv), profile, removed, hit->shape);
	snprintf(path, sizeof path, "%s/%s-%08" PRIx32 "-%" PRIu64 ".yaml", x->tmpdir,
		 inv_name(inv), (uint32_t)hit->hash, seed);
	rc = write_case(path, &c.sc, comment);
	sim_explore_case_free(&c);
	if (rc != 0) {
		snprintf(err, errcap, "%.300s: %s", path, strerror(errno));
		return -1;
	}
	return 1;
}

/* ---- workers ---------------------------------------------------------------------------- */

/* The k-th seed of this shard. */
static uint64_t shard_seed(const xopts *o, uint64_t k)
{
	return o->first + o->shard_i + k * o->shard_n;
}

static uint64_t shard_count(const xopts *o)
{
	if (o->shard_i >= o->seeds)
		return 0;
	return (o->seeds - o->shard_i + o->shard_n - 1) / o->shard_n;
}

static void worker(const xrun *x, unsigned j, int fd)
{
	FILE *out = fdopen(fd, "w");
	if (!out)
		_exit(SIM_EXIT_INTERNAL);
	uint64_t n = shard_count(x->o);
	for (uint64_t k = j; k < n && !stop_requested; k += x->o->jobs) {
		uint64_t seed = shard_seed(x->o, k);
		xhit hit;
		char err[512] = "";
		int r = explore_seed(x, seed, &hit, err, sizeof err);
		if (r < 0) {
			fprintf(out, "E %" PRIu64 " %s\n", seed, err);
			fflush(out);
			_exit(SIM_EXIT_INTERNAL);
		}
		if (r == 0)
			fprintf(out, "P %" PRIu64 "\n", seed);
		else if (r == 2)
			fprintf(out, "R %" PRIu64 "\n", seed);
		else
			fprintf(out, "V %" PRIu64 " %s %016" PRIx64 " %u %u %s\n", seed,
				inv_name(hit.inv), hit.hash, hit.nf0, hit.nf1, hit.shape);
		/* one line per seed, flushed in batches: the parent counts them */
		if ((k / x->o->jobs) % 64 == 0 || r)
			fflush(out);
	}
	fclose(out);
	_exit(0);
}

static int add_hit(xhits *hs, const xhit *h)
{
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 64;
		xhit *v = realloc(hs->v, cap * sizeof *v);
		if (!v)
			return -1;
		hs->v = v;
		hs->cap = cap;
	}
	hs->v[hs->n++] = *h;
	return 0;
}

/* "V seed inv hash nf0 nf1 shape" (also index.tsv's fields, tab-separated). */
static int parse_hit(char *line, const char *sep, xhit *h)
{
	char *save = NULL;
	char *f[6];
	for (int i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, sep, &save);
		if (!f[i])
			return -1;
	}
	f[5] = strtok_r(NULL, "\n", &save);
	memset(h, 0, sizeof *h);
	uint64_t nf0, nf1;
	if (!sim__parse_u64(f[0], &h->seed) || !(h->inv = inv_from_name(f[1])) ||
	    !sim__parse_u64(f[3], &nf0) || !sim__parse_u64(f[4], &nf1))
		return -1;
	char *end;
	h->hash = strtoull(f[2], &end, 16);
	if (*end)
		return -1;
	h->nf0 = (unsigned)nf0;
	h->nf1 = (unsigned)nf1;
	snprintf(h->shape, sizeof h->shape, "%s", f[5] ? f[5] : "");
	return 0;
}

typedef struct wpipe {
	pid_t pid;
	int fd;
	char buf[8192];
	size_t len;
	bool open;
} wpipe;

/* Consume whole lines from a worker. */
static int drain(wpipe *w, xhits *hs, uint64_t *done, int *failed)
{
	ssize_t r = read(w->fd, w->buf + w->len, sizeof w->buf - w->len - 1);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r <= 0) {
		close(w->fd);
		w->open = false;
		return 0;
	}
	w->len += (size_t)r;
	w->buf[w->len] = 0;
	char *p = w->buf, *nl;
	while ((nl = strchr(p, '\n'))) {
		*nl = 0;
		if (p[0] == 'P') {
			(*done)++;
		} else if (p[0] == 'R') {
			hs->refused++;
			(*done)++;
		} else if (p[0] == 'V') {
			xhit h;
			if (parse_hit(p + 2, " ", &h) != 0 || add_hit(hs, &h) != 0)
				*failed = 1;
			(*done)++;
		} else if (p[0] == 'E') {
			fprintf(stderr, "sim: explore: %s\n", p + 2);
			*failed = 1;
		}
		p = nl + 1;
	}
	w->len = strlen(p);
	memmove(w->buf, p, w->len);
	return 0;
}

static int run_workers(const xrun *x, xhits *hs, uint64_t *done, bool *interrupted)
{
	const xopts *o = x->o;
	wpipe ws[JOBS_MAX];
	unsigned nw = o->jobs;
	int failed = 0;
	fflush(NULL);
	for (unsigned j = 0; j < nw; j++) {
		int fds[2];
		if (pipe(fds) != 0)
			return -1;
		pid_t pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			close(fds[0]);
			for (unsigned k = 0; k < j; k++)
				close(ws[k].fd);
			worker(x, j, fds[1]);
		}
		close(fds[1]);
		ws[j] = (wpipe){.pid = pid, .fd = fds[0], .open = true};
	}
	sim_progress pr;
	sim_progress_init(&pr, stderr, shard_count(o), sim_cmd_now_s());
	sim_progress_plain_lines(&pr, getenv("SIM_PROGRESS_EVERY")
					      ? atof(getenv("SIM_PROGRESS_EVERY"))
					      : 10);
	bool forwarded = false;
	for (;;) {
		/* Ctrl-C reaches the whole process group on a terminal, but a
		 * kill -INT names only the parent: pass it on, once. */
		if (stop_requested && !forwarded) {
			for (unsigned j = 0; j < nw; j++)
				kill(ws[j].pid, SIGINT);
			forwarded = true;
		}
		struct pollfd pf[JOBS_MAX];
		unsigned idx[JOBS_MAX], np = 0;
		for (unsigned j = 0; j < nw; j++)
			if (ws[j].open) {
				pf[np] = (struct pollfd){.fd = ws[j].fd, .events = POLLIN};
				idx[np++] = j;
			}
		if (!np)
			break;
		int r = poll(pf, np, 200);
		if (r < 0 && errno != EINTR)
			return -1;
		for (unsigned k = 0; r > 0 && k < np; k++)
			if (pf[k].revents)
				drain(&ws[idx[k]], hs, done, &failed);
		sim_progress_set_count(&pr, "violations", hs->n);
		sim_progress_update(&pr, *done, sim_cmd_now_s());
	}
	sim_progress_set_count(&pr, "violations", hs->n);
	sim_progress_finish(&pr, sim_cmd_now_s());
	for (unsigned j = 0; j < nw; j++) {
		int st;
		while (waitpid(ws[j].pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	}
	*interrupted = stop_requested;
	return failed ? -1 : 0;
}

/* ---- findings ----------------------------------------------------------------------------- */

typedef struct finding {
	sim_invariant inv;
	uint64_t hash;
	uint64_t first_seed;
	uint64_t seeds;
	unsigned nf0, nf1;
	char shape[SHAPE_MAX];
	uint64_t replay_fail, replay_n;
} finding;

static int cmp_hit(const void *a, const void *b)
{
	const xhit *x = a, *y = b;
	if (x->inv != y->inv)
		return x->inv < y->inv ? -1 : 1;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

static int cmp_hit_seed(const void *a, const void *b)
{
	const xhit *x = a, *y = b;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->inv != y->inv)
		return x->inv < y->inv ? -1 : 1;
	return x->first_seed < y->first_seed ? -1 : x->first_seed > y->first_seed;
}

/* Distinct findings of hs, by invariant then first seed; hs is re-sorted. */
static finding *group(xhits *hs, size_t *nout)
{
	qsort(hs->v, hs->n, sizeof *hs->v, cmp_hit);
	finding *fs = calloc(hs->n ? hs->n : 1, sizeof *fs);
	size_t n = 0;
	if (!fs)
		return NULL;
	for (size_t i = 0; i < hs->n; i++) {
		const xhit *h = &hs->v[i];
		if (n && fs[n - 1].inv == h->inv && fs[n - 1].hash == h->hash) {
			fs[n - 1].seeds++;
			continue;
		}
		finding *f = &fs[n++];
		f->inv = h->inv;
		f->hash = h->hash;
		f->first_seed = h->seed;
		f->seeds = 1;
		f->nf0 = h->nf0;
		f->nf1 = h->nf1;
		snprintf(f->shape, sizeof f->shape, "%s", h->shape);
	}
	qsort(fs, n, sizeof *fs, cmp_finding);
	*nout = n;
	return fs;
}

static void finding_file(const char *dir, const finding *f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/found/%s-%08" PRIx32 ".yaml", dir, inv_name(f->inv),
		 (uint32_t)f->hash);
}

/* Replay the found file on the R seeds after its own and count how many
 * violate the same invariant. */
static int replay(const xopts *o, const char *file, finding *f)
{
	sim_scenario sc;
	char err[1024];
	if (sim_scenario_load(file, &sc, err, sizeof err) != LE_OK) {
		fprintf(stderr, "sim: explore: the found file does not read back: %s\n", err);
		return -1;
	}
	f->replay_n = o->replay;
	f->replay_fail = 0;
	for (uint64_t k = 1; k <= o->replay; k++) {
		sim_invariant inv;
		if (sim_explore_judge(&sc, f->first_seed + k, &o->eo, &inv, err, sizeof err) != LE_OK) {
			sim_scenario_free(&sc);
			return -1;
		}
		f->replay_fail += inv == f->inv;
	}
	/* The report of the run the file names. */
	sim_world *w = sim_world_new(&sc, sc.seed, err, sizeof err);
	int rc = -1;
	if (w && sim_world_run(w, err, sizeof err) == LE_OK) {
		sim_check_result res;
		if (sim_check(&sc, sim_world_history(w), &res) == LE_OK) {
			char dir[SIM_PATH_MAX], repro[SIM_PATH_MAX + 64];
			size_t l = strlen(file);
			snprintf(dir, sizeof dir, "%.*s", (int)(l - 5), file);
			snprintf(repro, sizeof repro, "%s run %s", o->argv0, file);
			rep_run rr = {.scenario = &sc, .seed = sc.seed,
				      .history = sim_world_history(w), .result = &res,
				      .repro_command = repro, .sim_wall_seconds = 0,
				      .dir = dir};
			if (rep_write_run(&rr, err, sizeof err) == LE_OK) /* makes dir */
				rc = 0;
			else
				fprintf(stderr, "sim: explore: report for %s: %s\n", file, err);
			sim_check_result_free(&res);
		}
	}
	sim_world_free(w);
	sim_scenario_free(&sc);
	if (rc == 0) {
		FILE *a = fopen(file, "a");
		if (!a)
			return -1;
		fprintf(a, "# Replayed on seeds %" PRIu64 "..%" PRIu64 ": %" PRIu64 "/%" PRIu64
			   " violate %s\n",
			f->first_seed + 1, f->first_seed + o->replay, f->replay_fail,
			f->replay_n, inv_name(f->inv));
		fclose(a);
	}
	return rc;
}

static int write_index(const char *dir, xhits *hs)
{
	char path[SIM_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/index.tsv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	qsort(hs->v, hs->n, sizeof *hs->v, cmp_hit_seed);
	fputs("# seed\tinvariant\thash\tfaults\tshrunk\tschedule\n", f);
	for (size_t i = 0; i < hs->n; i++) {
		const xhit *h = &hs->v[i];
		fprintf(f, "%" PRIu64 "\t%s\t%016" PRIx64 "\t%u\t%u\t%s\n", h->seed,
			inv_name(h->inv), h->hash, h->nf0, h->nf1, h->shape);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int write_findings(const char *dir, const finding *fs, size_t n)
{
	char path[SIM_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/findings.tsv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("# invariant\tfile\tfirst_seed\tseeds\tfaults\treplay\tschedule\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\tfound/%s-%08" PRIx32 ".yaml\t%" PRIu64 "\t%" PRIu64 "\t%u\t%" PRIu64
			   "/%" PRIu64 "\t%s\n",
			inv_name(fs[i].inv), inv_name(fs[i].inv), (uint32_t)fs[i].hash,
			fs[i].first_seed, fs[i].seeds, fs[i].nf1, fs[i].replay_fail,
			fs[i].replay_n, fs[i].shape);
	return fclose(f) == 0 ? 0 : -1;
}

static void print_findings(const finding *fs, size_t n, const char *dir)
{
	printf("%zu distinct finding%s\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		printf("  %s: %s/found/%s-%08" PRIx32 ".yaml: %u fault%s (%s); first seed %" PRIu64
		       ", %" PRIu64 " seed%s; replayed: %" PRIu64 "/%" PRIu64 " other seeds violate it\n",
		       inv_name(fs[i].inv), dir, inv_name(fs[i].inv), (uint32_t)fs[i].hash,
		       fs[i].nf1, fs[i].nf1 == 1 ? "" : "s", fs[i].shape, fs[i].first_seed,
		       fs[i].seeds, fs[i].seeds == 1 ? "" : "s", fs[i].replay_fail,
		       fs[i].replay_n);
}

static int exit_for(const finding *fs, size_t n)
{
	int code = SIM_EXIT_PASS;
	for (size_t i = 0; i < n; i++) {
		if (fs[i].inv == SIM_INV_SAFETY || fs[i].inv == SIM_INV_LEASE_HISTORY)
			return SIM_EXIT_SAFETY;
		code = SIM_EXIT_LIVENESS;
	}
	return code;
}

/* Keep the lowest seed's file of each finding; remove the rest. */
static int keep_files(const xopts *o, const char *tmpdir, finding *fs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char from[SIM_PATH_MAX + 96], to[SIM_PATH_MAX + 64];
		snprintf(from, sizeof from, "%s/%s-%08" PRIx32 "-%" PRIu64 ".yaml", tmpdir,
			 inv_name(fs[i].inv), (uint32_t)fs[i].hash, fs[i].first_seed);
		finding_file(o->out, &fs[i], to, sizeof to);
		if (rename(from, to) != 0) {
			fprintf(stderr, "sim: explore: %s: %s\n", from, strerror(errno));
			return -1;
		}
		if (replay(o, to, &fs[i]) != 0)
			return -1;
	}
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char p[SIM_PATH_MAX + 300];
			snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

int cmd_explore(int argc, char **argv)
{
	xopts o;
	int rc = parse_explore_args(argc, argv, &o);
	if (rc)
		return rc;
	sim_scenario base;
	char err[2048];
	if ((rc = sim_scenario_load(o.base, &base, err, sizeof err)) != LE_OK) {
		fprintf(stderr, "%s\n", err);
		return rc == LE_ENOMEM ? SIM_EXIT_INTERNAL : SIM_EXIT_BAD_INPUT;
	}
	if (!o.first_given)
		o.first = base.seed;
	if (base.timing.present) {
		fprintf(stderr, "sim: explore: %s: the base has a timing: block; it replays "
				"one run's choices around that run's faults, and explore adds "
				"faults of its own (drop the block)\n",
			o.base);
		sim_scenario_free(&base);
		return SIM_EXIT_BAD_INPUT;
	}
	/* A coordination kind asked for by name on a base without a
	 * coordinated pod would hit nothing: say so rather than draw none. */
	uint32_t asked = o.eo.kinds, usable = sim_explore_kinds_for(&base, asked);
	if (o.faults_flag && usable != asked) {
		fprintf(stderr,
			"sim: explore: --faults: %s needs a coordinated pod "
			"(pods[].coordinated) in %s: without one there is no "
			"election controller and no LeaseCandidate\n",
			sim_xkind_name((sim_xkind)__builtin_ctz(asked & ~usable)),
			o.base);
		sim_scenario_free(&base);
		return SIM_EXIT_BAD_INPUT;
	}
	int code = SIM_EXIT_INTERNAL;
	xhits hs = {0};
	finding *fs = NULL;
	size_t nf = 0;
	/* The base must pass on its own: a finding must come from the faults
	 * explore added, not from the base. */
	sim_invariant inv;
	if (sim_explore_judge(&base, o.first, &o.eo, &inv, err, sizeof err) != LE_OK) {
		fprintf(stderr, "%s: %s\n", o.base, err);
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	if (inv != SIM_INV_NONE || base.expect.expect_violation) {
		fprintf(stderr, "sim: explore: %s: the base scenario already fails (seed %" PRIu64
				": %s%s); explore needs a base that passes without the faults it adds\n",
			o.base, o.first,
			inv != SIM_INV_NONE ? "violates " : "it expects a violation",
			inv != SIM_INV_NONE ? inv_name(inv) : "");
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	xrun x = {.o = &o, .base = &base};
	snprintf(x.tmpdir, sizeof x.tmpdir, "%s/found/.tmp", o.out);
	if (usable_dir(o.out) != 0 || usable_dir(x.tmpdir) != 0) {
		fprintf(stderr, "sim: explore: --out %s: cannot write there: %s\n", o.out,
			strerror(errno));
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	struct sigaction sa = {.sa_handler = on_sigint, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	uint64_t done = 0;
	bool interrupted = false;
	printf("# explore %s: seeds %" PRIu64 "..%" PRIu64 ", shard %" PRIu64 "/%" PRIu64
	       " (%" PRIu64 " seeds), %u job%s, faults %s%s\n",
	       o.base, o.first, o.first + o.seeds - 1, o.shard_i, o.shard_n, shard_count(&o),
	       o.jobs, o.jobs == 1 ? "" : "s", o.faults_flag ? o.faults_flag : "all",
	       o.eo.envelope ? " (inside election-spec.md 6.3's envelope)" : "");
	fflush(stdout);
	if (run_workers(&x, &hs, &done, &interrupted) != 0) {
		fprintf(stderr, "sim: explore: a worker failed\n");
		goto out;
	}
	if (!(fs = group(&hs, &nf)) || keep_files(&o, x.tmpdir, fs, nf) != 0 ||
	    write_index(o.out, &hs) != 0 || write_findings(o.out, fs, nf) != 0) {
		fprintf(stderr, "sim: explore: cannot write the findings under %s\n", o.out);
		goto out;
	}
	if (interrupted)
		printf("interrupted: %" PRIu64 " of %" PRIu64 " seeds explored\n", done,
		       shard_count(&o));
	printf("%" PRIu64 " seeds explored, %zu violating", done, hs.n);
	if (hs.refused)
		printf(", %" PRIu64 " drawn cases refused (a delete-candidate "
		       "that found no LeaseCandidate; not judged)",
		       hs.refused);
	putchar('\n');
	print_findings(fs, nf, o.out);
	code = exit_for(fs, nf);
out:
	free(fs);
	free(hs.v);
	sim_scenario_free(&base);
	return code;
}

/* ---- merge ------------------------------------------------------------------------------------ */

static int read_index(const char *dir, xhits *hs)
{
	char path[SIM_PATH_MAX + 32], line[SHAPE_MAX + 256];
	snprintf(path, sizeof path, "%s/index.tsv", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "sim: merge: %s: %s (not an explore output folder?)\n", path,
			strerror(errno));
		return -1;
	}
	int ln = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		ln++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		xhit h;
		if (parse_hit(line, "\t", &h) != 0) {
			fprintf(stderr, "sim: merge: %s:%d: expected seed, invariant, hash, faults, shrunk, schedule\n",
				path, ln);
			rc = -1;
			break;
		}
		if (add_hit(hs, &h) != 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb");
	if (!a)
		return -1;
	FILE *b = fopen(to, "wb");
	if (!b) {
		fclose(a);
		return -1;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	return fclose(b) == 0 ? 0 : -1;
}

/* The replay column of a shard's findings.tsv for this file. */
static void read_replay(const char *dir, const char *rel, finding *f)
{
	char path[SIM_PATH_MAX + 32], line[SHAPE_MAX + 256];
	snprintf(path, sizeof path, "%s/findings.tsv", dir);
	FILE *in = fopen(path, "r");
	if (!in)
		return;
	while (fgets(line, sizeof line, in)) {
		char *save = NULL, *inv = strtok_r(line, "\t", &save);
		char *file = strtok_r(NULL, "\t", &save);
		for (int k = 0; k < 3; k++)
			strtok_r(NULL, "\t", &save);
		char *rep = strtok_r(NULL, "\t", &save);
		if (inv && file && rep && !strcmp(file, rel)) {
			unsigned long long a, b;
			if (sscanf(rep, "%llu/%llu", &a, &b) == 2) {
				f->replay_fail = a;
				f->replay_n = b;
			}
		}
	}
	fclose(in);
}

int cmd_merge(int argc, char **argv)
{
	const char *out = DEFAULT_OUT;
	const char *dirs[4096];
	size_t nd = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--out")) {
			if (i + 1 >= argc)
				return bad("merge: %s needs a value", "--out");
			out = argv[++i];
		} else if (argv[i][0] == '-') {
			return bad("merge: unknown flag %s", argv[i]);
		} else if (nd < sizeof dirs / sizeof dirs[0]) {
			dirs[nd++] = argv[i];
		}
	}
	if (!nd)
		return bad("merge: %s", "expected one or more explore output folders");
	xhits hs = {0};
	finding *fs = NULL;
	size_t nf = 0;
	int code = SIM_EXIT_BAD_INPUT;
	for (size_t d = 0; d < nd; d++)
		if (read_index(dirs[d], &hs) != 0)
			goto out;
	char found[SIM_PATH_MAX + 16];
	snprintf(found, sizeof found, "%s/found", out);
	if (usable_dir(out) != 0 || usable_dir(found) != 0) {
		fprintf(stderr, "sim: merge: --out %s: cannot write there: %s\n", out, strerror(errno));
		goto out;
	}
	code = SIM_EXIT_INTERNAL;
	if (!(fs = group(&hs, &nf)))
		goto out;
	/* Each finding's file comes from the folder that holds its lowest seed. */
	for (size_t i = 0; i < nf; i++) {
		char rel[128], from[SIM_PATH_MAX + 160], to[SIM_PATH_MAX + 160];
		snprintf(rel, sizeof rel, "found/%s-%08" PRIx32 ".yaml", inv_name(fs[i].inv),
			 (uint32_t)fs[i].hash);
		bool copied = false;
		for (size_t d = 0; d < nd && !copied; d++) {
			xhits one = {0};
			if (read_index(dirs[d], &one) != 0)
				goto out;
			for (size_t k = 0; k < one.n; k++)
				if (one.v[k].seed == fs[i].first_seed && one.v[k].hash == fs[i].hash &&
				    one.v[k].inv == fs[i].inv) {
					snprintf(from, sizeof from, "%s/%s", dirs[d], rel);
					snprintf(to, sizeof to, "%s/%s", out, rel);
					if (strcmp(from, to) && copy_file(from, to) != 0) {
						fprintf(stderr, "sim: merge: %s: %s\n", from, strerror(errno));
						free(one.v);
						goto out;
					}
					read_replay(dirs[d], rel, &fs[i]);
					copied = true;
					break;
				}
			free(one.v);
		}
	}
	if (write_findings(out, fs, nf) != 0 || write_index(out, &hs) != 0) {
		fprintf(stderr, "sim: merge: cannot write under %s\n", out);
		goto out;
	}
	printf("merged %zu folder%s: %zu violating seeds\n", nd, nd == 1 ? "" : "s", hs.n);
	print_findings(fs, nf, out);
	code = exit_for(fs, nf);
out:
	free(fs);
	free(hs.v);
	return code;
}
