/* bin/sim prove (issue 19, part 1): every fault schedule of a small scope,
 * each exactly once, over a base scenario.
 *
 *   bin/sim prove BASE.yaml --scope 'faults<=K; kinds=...; grid=250ms;
 *                 window=20s..80s; durations=1s,5s; rates=0.5x,1.5x;
 *                 targets=leader,follower' [--jobs J] [--shard i/n] [--out DIR]
 *
 * The scope names a set of atoms (one fault each: kind x target x start on
 * the grid x duration x rate); a schedule is a set of at most K distinct
 * atoms. Schedules are numbered 0, 1, ... in a fixed order (the empty one,
 * then every single atom, then every pair i < j, then every triple), so
 * "every schedule exactly once" is a count that can be checked, and shards
 * and jobs split the numbers. Kinds are the fault model's (sim/fault_model.c)
 * plus lost-answer: an apiserver fault whose writes commit but whose answers
 * are lost (response loss 1, the rU term of election-spec.md 6.3).
 *
 * Reduction (stated in the coverage line): pods are targeted by role at the
 * fault's time (the leader, or one follower the seed's fault stream picks),
 * not by name; this is exact only for pods that share settings, so prove
 * refuses a base whose pods differ. Timing is one draw (the base's seed):
 * timing extremes and state hashing (the part 4) are not done.
 *
 * Output, under DIR (default out/prove): coverage.txt (the statement),
 * violations.tsv (every violating schedule), safe-region.tsv (single
 * faults: the largest duration found safe at every start), and
 * found/<invariant>-<hash>.yaml, each distinct counterexample (invariant and
 * the kinds/targets of its faults) from its lowest-numbered schedule,
 * shrunk with explore's shrinker.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leaselab/explore.h"
#include "leaselab/progress.h"
#include "../chooser.h"
#include "../fault_model.h"
#include "../search.h"
#include "cmd.h"
#include "../args.h"

#define PROVE_K_MAX 3
#define PROVE_LIST_MAX 16
#define PROVE_JOBS_MAX 64
#define DEFAULT_OUT "out/prove"
#define PROVE_EXIT_INTERRUPTED 130 /* 128 + SIGINT, as a shell reports it */
#define PROVE_REPLAY_SEEDS 1000 /* seeds tried to replay a choice path's finding */

enum pkind { PK_PAUSE, PK_PARTITION, PK_KILL, PK_CLOCK_RATE, PK_LOST_ANSWER, PK_COUNT };
static const char *const pk_names[PK_COUNT] = {"pause", "partition", "pod-kill",
					       "clock-rate", "lost-answer"};

typedef struct scope {
	int k;
	int kinds[PK_COUNT], nkinds;
	int64_t grid, win_lo, win_hi;
	int64_t durs[PROVE_LIST_MAX];
	int ndurs;
	int32_t rates[PROVE_LIST_MAX]; /* ppm */
	int nrates;
	sim_role targets[2];
	int ntargets;
} scope;

typedef struct atom {
	int kind, target;
	int64_t at, dur;
	int32_t rate;
} atom;

typedef struct prove {
	const char *argv0, *base_path, *scope_text, *out;
	unsigned jobs;
	uint64_t shard_i, shard_n;
	bool list;
	uint64_t seeds;          /* timing draws per schedule: base seed .. +seeds-1 */
	uint64_t replay_seeds;   /* seeds a finding's file may replay at, before
				    it carries a choice path (--replay-seeds) */
	scope s;
	sim_scenario base;
	atom *atoms;
	size_t natoms;
	uint64_t total;
	sim_explore_opts eo;
	bool extremes;           /* --timing extremes[+N]: draws as choices */
	sim_chooser_opts co;     /* ... their points, window (--budget), state hash */
	sim_chooser_stats cs;    /* summed over the workers */
	bool merge;              /* bin/sim prove merge */
	/* interaction pruning (one seeded draw): each single atom's verdict
	 * and its group (by the state its run alone is in) at every start of
	 * the grid */
	bool prune, no_prune;      /* on unless --no-prune */
	size_t nstarts;
	int8_t *v_atom;            /* [natoms]: sim_invariant */
	int32_t *rep;              /* [natoms * nstarts]: REP_*, or the group's first atom */
	/* summed over the workers (and shards, by merge) */
	uint64_t inferred;         /* schedules not run */
	uint64_t inferred_free;    /* ... of them like the fault-free run */
	uint64_t rerun;            /* schedules inferred from, another shard's, run again */
	const char *merge_from;  /* prove merge: shard output dirs, comma-separated */
} prove;

/* SIGINT/SIGTERM: workers finish the schedule in hand and report; the
 * parent writes what was run, marked partial, and exits 130. */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int bad(const char *fmt, const char *a)
{
	fprintf(stderr, "sim: prove: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "\n");
	return SIM_EXIT_BAD_INPUT;
}

/* ---- the scope ----------------------------------------------------------------- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	return s;
}

static int dur_of(const char *what, const char *v, int64_t *ns)
{
	char err[256];
	if (le_parse_duration(v, ns, err, sizeof err) != LE_OK || *ns <= 0) {
		fprintf(stderr, "sim: prove: --scope: %s: \"%s\" is not a positive duration (250ms, 5s)\n",
			what, v);
		return -1;
	}
	return 0;
}

static int parse_scope(const char *text, scope *s)
{
	memset(s, 0, sizeof *s);
	s->k = -1;
	char buf[2048];
	if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
		return bad("--scope: longer than %s characters", "2047");
	for (char *save = NULL, *c = strtok_r(buf, ";", &save); c;
	     c = strtok_r(NULL, ";", &save)) {
		c = trim(c);
		if (!*c)
			continue;
		if (!strncmp(c, "faults<=", 8)) {
			char *end;
			long k = strtol(c + 8, &end, 10);
			if (*trim(end) || k < 0 || k > PROVE_K_MAX)
				return bad("--scope: faults<=K: K must be 0..3, got \"%s\"", c + 8);
			s->k = (int)k;
			continue;
		}
		char *eq = strchr(c, '=');
		if (!eq)
			return bad("--scope: \"%s\": expected faults<=K or key=value (kinds, grid, window, durations, rates, targets)", c);
		*eq = 0;
		char *key = trim(c), *val = trim(eq + 1);
		if (!strcmp(key, "grid")) {
			if (dur_of("grid", val, &s->grid))
				return SIM_EXIT_BAD_INPUT;
		} else if (!strcmp(key, "window")) {
			char *dots = strstr(val, "..");
			if (!dots)
				return bad("--scope: window: expected FROM..TO (20s..80s), got \"%s\"", val);
			*dots = 0;
			if (dur_of("window", val, &s->win_lo) || dur_of("window", dots + 2, &s->win_hi))
				return SIM_EXIT_BAD_INPUT;
			if (s->win_hi < s->win_lo)
				return bad("--scope: window: the end is before the start (%s)", val);
		} else if (!strcmp(key, "kinds") || !strcmp(key, "durations") ||
			   !strcmp(key, "rates") || !strcmp(key, "targets")) {
			for (char *sv = NULL, *v = strtok_r(val, ",", &sv); v;
			     v = strtok_r(NULL, ",", &sv)) {
				v = trim(v);
				if (!strcmp(key, "kinds")) {
					int found = -1;
					for (int k = 0; k < PK_COUNT; k++)
						if (!strcmp(v, pk_names[k]) ||
						    (k == PK_KILL && !strcmp(v, "kill")))
							found = k;
					if (found < 0)
						return bad("--scope: kinds: unknown kind \"%s\"; expected pause, partition, pod-kill (kill), clock-rate or lost-answer", v);
					for (int k = 0; k < s->nkinds; k++)
						if (s->kinds[k] == found)
							return bad("--scope: kinds: \"%s\" twice", v);
					s->kinds[s->nkinds++] = found;
				} else if (!strcmp(key, "durations")) {
					if (s->ndurs == PROVE_LIST_MAX)
						return bad("--scope: durations: at most %s", "16");
					if (dur_of("durations", v, &s->durs[s->ndurs++]))
						return SIM_EXIT_BAD_INPUT;
				} else if (!strcmp(key, "rates")) {
					double r;
					char unit[8];
					if (s->nrates == PROVE_LIST_MAX)
						return bad("--scope: rates: at most %s", "16");
					if (!sim_number_unit(v, &r, unit, sizeof unit) ||
					    (strcmp(unit, "x") && *unit) || r <= 0 || r > 10)
						return bad("--scope: rates: \"%s\" is not a clock rate (0.8x, 1.25x)", v);
					s->rates[s->nrates++] = (int32_t)((r - 1.0) * 1e6 + (r >= 1 ? 0.5 : -0.5));
				} else {
					if (s->ntargets == 2)
						return bad("--scope: targets: at most leader and follower, got \"%s\"", v);
					if (!strcmp(v, "leader"))
						s->targets[s->ntargets++] = SIM_ROLE_LEADER;
					else if (!strcmp(v, "follower"))
						s->targets[s->ntargets++] = SIM_ROLE_FOLLOWER;
					else
						return bad("--scope: targets: \"%s\": expected leader or follower", v);
				}
			}
		} else {
			return bad("--scope: unknown key \"%s\"; expected faults<=K, kinds, grid, window, durations, rates or targets", key);
		}
	}
	if (s->k < 0)
		return bad("--scope: faults<=K is missing%s", "");
	if (!s->nkinds || !s->grid || !s->win_hi)
		return bad("--scope: kinds=, grid= and window= are required%s", "");
	if (!s->ntargets) {
		s->targets[0] = SIM_ROLE_LEADER;
		s->targets[1] = SIM_ROLE_FOLLOWER;
		s->ntargets = 2;
	}
	for (int k = 0; k < s->nkinds; k++) {
		if (s->kinds[k] != PK_KILL && !s->ndurs)
			return bad("--scope: %s lasts: durations= is required", pk_names[s->kinds[k]]);
		if (s->kinds[k] == PK_CLOCK_RATE && !s->nrates)
			return bad("--scope: clock-rate: rates= is required%s", "");
	}
	return 0;
}

/* Every atom, kind by kind in the scope's order, then target, start,
 * duration, rate. */
static int make_atoms(prove *p)
{
	const scope *s = &p->s;
	size_t ntimes = (size_t)((s->win_hi - s->win_lo) / s->grid) + 1;
	size_t cap = 0;
	for (int k = 0; k < s->nkinds; k++)
		cap += (size_t)s->ntargets * ntimes *
		       (s->kinds[k] == PK_KILL ? 1 : (size_t)s->ndurs) *
		       (s->kinds[k] == PK_CLOCK_RATE ? (size_t)s->nrates : 1);
	p->atoms = calloc(cap ? cap : 1, sizeof *p->atoms);
	if (!p->atoms)
		return -1;
	for (int k = 0; k < s->nkinds; k++)
		for (int t = 0; t < s->ntargets; t++)
			for (size_t i = 0; i < ntimes; i++)
				for (int d = 0; d < (s->kinds[k] == PK_KILL ? 1 : s->ndurs); d++)
					for (int r = 0; r < (s->kinds[k] == PK_CLOCK_RATE ? s->nrates : 1); r++) {
						atom *a = &p->atoms[p->natoms++];
						a->kind = s->kinds[k];
						a->target = t;
						a->at = s->win_lo + (int64_t)i * s->grid;
						a->dur = s->kinds[k] == PK_KILL ? 0 : s->durs[d];
						a->rate = s->kinds[k] == PK_CLOCK_RATE ? s->rates[r] : 0;
					}
	/* sum over k <= K of C(natoms, k) */
	uint64_t n = p->natoms, c = 1;
	p->total = 1;
	for (int k = 1; k <= s->k && (uint64_t)k <= n; k++) {
		c = c * (n - (uint64_t)k + 1) / (uint64_t)k;
		p->total += c;
	}
	return 0;
}

static void atom_fault(const prove *p, const atom *a, size_t i, sim_fault *f)
{
	memset(f, 0, sizeof *f);
	f->grace_period_ns = -1;
	f->at_ns = a->at;
	f->duration_ns = a->dur;
	f->role = p->s.targets[a->target];
	f->mode = SIM_MODE_ONE;
	switch (a->kind) {
	case PK_PAUSE:
		f->action = SIM_ACT_PAUSE;
		break;
	case PK_PARTITION:
		f->action = SIM_ACT_PARTITION;
		f->direction = SIM_DIR_BOTH;
		f->partition_kind = FA_PART_BLACKHOLE;
		break;
	case PK_KILL:
		f->action = SIM_ACT_POD_KILL;
		f->grace_period_ns = 0;
		break;
	case PK_CLOCK_RATE:
		f->action = SIM_ACT_CLOCK_RATE;
		f->rate_ppm = a->rate;
		break;
	default:
		f->action = SIM_ACT_APISERVER;
		f->apiserver.response_loss = 1.0;
		break;
	}
	snprintf(f->label, sizeof f->label, "prove %zu: %s on the %s", i, pk_names[a->kind],
		 f->role == SIM_ROLE_LEADER ? "leader" : "follower");
}

/* Schedule number g -> its atoms (ascending). Returns the count. */
static int schedule_of(const prove *p, uint64_t g, size_t *ix)
{
	uint64_t n = p->natoms;
	if (g == 0)
		return 0;
	g -= 1;
	if (g < n) {
		ix[0] = (size_t)g;
		return 1;
	}
	g -= n;
	uint64_t pairs = n * (n - 1) / 2;
	if (g < pairs) {
		/* row i holds n - 1 - i pairs */
		uint64_t i = 0;
		while (g >= n - 1 - i) {
			g -= n - 1 - i;
			i++;
		}
		ix[0] = (size_t)i;
		ix[1] = (size_t)(i + 1 + g);
		return 2;
	}
	g -= pairs;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t m = n - 1 - i, row = m * (m - 1) / 2;
		if (g >= row) {
			g -= row;
			continue;
		}
		uint64_t j = i + 1;
		while (g >= n - 1 - j) {
			g -= n - 1 - j;
			j++;
		}
		ix[0] = (size_t)i;
		ix[1] = (size_t)j;
		ix[2] = (size_t)(j + 1 + g);
		return 3;
	}
	return -1;
}

/* Schedule number of atoms ix[0] < ix[1] (< ix[2]): schedule_of's inverse. */
static uint64_t number_of(const prove *p, const size_t *ix, int nix)
{
	uint64_t n = p->natoms;
	if (nix == 0)
		return 0;
	if (nix == 1)
		return 1 + ix[0];
	uint64_t base = 1 + n;
	if (nix == 2) {
		uint64_t i = ix[0], j = ix[1];
		return base + i * (2 * n - i - 1) / 2 + (j - i - 1);
	}
	base += n * (n - 1) / 2;
	uint64_t g = base;
	for (uint64_t i = 0; i < ix[0]; i++) {
		uint64_t m = n - 1 - i;
		g += m * (m - 1) / 2;
	}
	for (uint64_t j = ix[0] + 1; j < ix[1]; j++)
		g += n - 1 - j;
	return g + (ix[2] - ix[1] - 1);
}

/* The case of schedule g: the base plus its faults (pods shared). */
static int build_case(const prove *p, uint64_t g, sim_explore_case *c, size_t *ix, int *nix)
{
	memset(c, 0, sizeof *c);
	c->sc = p->base;
	c->sc.text = NULL; /* the pods' names are the base's (it outlives us) */
	*nix = schedule_of(p, g, ix);
	c->sc.pods = malloc(p->base.npods * sizeof *p->base.pods);
	c->sc.faults = calloc(p->base.nfaults + PROVE_K_MAX + 1, sizeof *c->sc.faults);
	if (!c->sc.pods || !c->sc.faults) {
		sim_explore_case_free(c);
		return -1;
	}
	memcpy(c->sc.pods, p->base.pods, p->base.npods * sizeof *p->base.pods);
	if (p->base.nfaults)
		memcpy(c->sc.faults, p->base.faults, p->base.nfaults * sizeof *c->sc.faults);
	c->sc.nfaults = p->base.nfaults;
	c->base_faults = p->base.nfaults;
	for (int i = 0; i < *nix; i++)
		atom_fault(p, &p->atoms[ix[i]], (size_t)i, &c->sc.faults[c->sc.nfaults++]);
	c->sc.expect.expect_violation = false;
	c->sc.expect.violation = SIM_INV_NONE;
	return 0;
}

/* ---- interaction pruning --------------------------------------------------------
 * A schedule whose earliest fault x has ended before the next one starts,
 * at t, is x's run alone up to t; from there on it is decided by the
 * world's state at t and the faults still to come (a deterministic
 * simulator). So when x's run alone is, at t, in the state (hash,
 * sim/chooser.c) that the fault-free run is in there, the schedule violates
 * exactly when x alone or the others without x do; and when it is in the
 * state that an earlier atom r's run alone is in there (r has ended too,
 * and neither r nor x violates alone), it violates exactly as the schedule
 * with r in x's place does: neither has a violation before t, and from t on
 * the two runs are one. Such schedules are not run (docs/prove.md,
 * "Interaction pruning"). */

#define REP_NONE (-2)      /* the schedule must be run */
#define REP_FAULT_FREE (-1) /* x's state is the fault-free run's */

static size_t start_index(const prove *p, int64_t at)
{
	return (size_t)((at - p->s.win_lo) / p->s.grid);
}

/* x's run alone has no fault left at instant t: a kill is an instant, every
 * other kind ends at its start plus its duration. */
static bool ended_before(const atom *x, int64_t t)
{
	return x->kind == PK_KILL ? x->at < t : x->at + x->dur < t;
}

/* The schedule's earliest fault, *first (its index in ix), and the start
 * of the next one, when the earliest has ended before it; else false. */
static bool earliest_ended(const prove *p, const size_t *ix, int nix, int *first, int64_t *next)
{
	int f = 0;
	for (int i = 1; i < nix; i++)
		if (p->atoms[ix[i]].at < p->atoms[ix[f]].at)
			f = i;
	int64_t t = INT64_MAX;
	for (int i = 0; i < nix; i++)
		if (i != f && p->atoms[ix[i]].at < t)
			t = p->atoms[ix[i]].at;
	*first = f;
	*next = t;
	return nix >= 2 && ended_before(&p->atoms[ix[f]], t);
}

/* ix without ix[drop], with r in its place when r >= 0, ascending. */
static int replaced(const size_t *ix, int nix, int drop, int32_t r, size_t *out)
{
	int n = 0, i;
	for (i = 0; i < nix; i++)
		if (i != drop)
			out[n++] = ix[i];
	if (r >= 0) /* placed last: sink it into order */
		for (out[n++] = (size_t)r, i = n - 1; i > 0 && out[i] < out[i - 1]; i--) {
			size_t t = out[i];
			out[i] = out[i - 1];
			out[i - 1] = t;
		}
	return n;
}

/* How schedule ix can be inferred: REP_NONE (run it); REP_FAULT_FREE (its
 * earliest fault x leaves the fault-free state: the verdict is the lower of
 * *also, x's alone, and that of schedule *like, the others without x); or
 * r >= 0 (x leaves the state of atom r's run alone: the verdict is that of
 * schedule *like, x replaced by r; *also is SIM_INV_NONE). */
static int infer_schedule(const prove *p, const size_t *ix, int nix, int *also, uint64_t *like)
{
	*also = SIM_INV_NONE;
	*like = 0;
	int f;
	int64_t t;
	if (!p->prune || !earliest_ended(p, ix, nix, &f, &t))
		return REP_NONE;
	size_t xi = ix[f], rest[PROVE_K_MAX];
	int32_t r = p->rep[xi * p->nstarts + start_index(p, t)];
	if (r == REP_NONE || r == (int32_t)xi)
		return REP_NONE;
	if (r == REP_FAULT_FREE)
		*also = p->v_atom[xi];
	*like = number_of(p, rest, replaced(ix, nix, f, r, rest));
	return r;
}

/* The verdict of schedule g when it is a single fault (known from the
 * pruning's own runs), else -1. */
static int single_verdict(const prove *p, uint64_t g)
{
	return g >= 1 && g <= p->natoms ? p->v_atom[g - 1] : -1;
}

/* The lower (more serious) of two verdicts, SIM_INV_NONE the highest. */
static int lower_verdict(int a, int b)
{
	return a == SIM_INV_NONE ? b : b == SIM_INV_NONE ? a : a < b ? a : b;
}

/* One start's groups: the first atom seen with each hash (open addressing,
 * reset for every start). */
typedef struct rep_slot {
	uint64_t h;
	int32_t first;
} rep_slot;

static int32_t group_first(rep_slot *t, size_t cap, uint64_t h, int32_t i)
{
	for (size_t k = (size_t)(h ^ h >> 29) & (cap - 1);; k = (k + 1) & (cap - 1)) {
		if (t[k].first < 0) {
			t[k] = (rep_slot){h, i};
			return i;
		}
		if (t[k].h == h)
			return t[k].first;
	}
}

/* The hashes and single verdicts infer_schedule needs, computed once, and each
 * atom's group at every start of the grid. */
static int prepare_pruning(prove *p)
{
	p->nstarts = (size_t)((p->s.win_hi - p->s.win_lo) / p->s.grid) + 1;
	size_t cap = 16;
	while (cap < 2 * p->natoms)
		cap *= 2;
	int64_t *t = malloc(p->nstarts * sizeof *t);
	uint64_t *h_none = calloc(p->nstarts, sizeof *h_none);
	uint64_t *h_atom = calloc(p->natoms * p->nstarts, sizeof *h_atom);
	rep_slot *slots = malloc(cap * sizeof *slots);
	p->v_atom = calloc(p->natoms, 1);
	p->rep = malloc(p->natoms * p->nstarts * sizeof *p->rep);
	bool crit = p->co.critical;
	sim_chooser *ch = NULL;
	sim_chooser_stats cs = {0};
	char err[512];
	int rc = LE_ENOMEM;
	if (!t || !h_none || !h_atom || !slots || !p->v_atom || !p->rep)
		goto out;
	for (size_t k = 0; k < p->nstarts; k++)
		t[k] = p->s.win_lo + (int64_t)k * p->s.grid;
	/* with --timing critical, the single runs make its draws too */
	if (crit && !(ch = sim_chooser_new(&p->co)))
		goto out;
	rc = sim_world_probe_hashes(&p->base, p->base.seed, crit, t, p->nstarts, h_none, err,
				    sizeof err);
	/* the fault-free rule needs a fault-free run that passes: what x's
	 * run does after it is back in that state is then no violation */
	sim_invariant base_inv = SIM_INV_NONE;
	if (rc == LE_OK)
		rc = ch ? sim_chooser_judge(ch, &p->base, p->base.seed, &p->eo, true, &base_inv, &cs,
					    err, sizeof err)
			: sim_explore_judge(&p->base, p->base.seed, &p->eo, &base_inv, err, sizeof err);
	for (size_t i = 0; i < p->natoms && rc == LE_OK; i++) {
		sim_explore_case c;
		size_t ix[PROVE_K_MAX];
		int nix;
		sim_invariant inv = SIM_INV_NONE;
		if (build_case(p, 1 + i, &c, ix, &nix) != 0) {
			rc = LE_ENOMEM;
			break;
		}
		rc = sim_world_probe_hashes(&c.sc, p->base.seed, crit, t, p->nstarts,
					    &h_atom[i * p->nstarts], err, sizeof err);
		if (rc == LE_OK)
			rc = ch ? sim_chooser_judge(ch, &c.sc, p->base.seed, &p->eo, true, &inv, &cs,
						    err, sizeof err)
				: sim_explore_judge(&c.sc, p->base.seed, &p->eo, &inv, err, sizeof err);
		sim_explore_case_free(&c);
		p->v_atom[i] = (int8_t)inv;
	}
	for (size_t k = 0; k < p->nstarts && rc == LE_OK; k++) {
		for (size_t s = 0; s < cap; s++)
			slots[s].first = -1;
		for (size_t i = 0; i < p->natoms; i++) {
			uint64_t h = h_atom[i * p->nstarts + k];
			int32_t *r = &p->rep[i * p->nstarts + k];
			*r = REP_NONE;
			if (h == 0 || !ended_before(&p->atoms[i], t[k]))
				continue;
			if (h == h_none[k] && base_inv == SIM_INV_NONE)
				*r = REP_FAULT_FREE;
			else if (p->v_atom[i] == SIM_INV_NONE)
				*r = group_first(slots, cap, h, (int32_t)i);
		}
	}
out:
	sim_chooser_free(ch);
	free(t);
	free(h_none);
	free(h_atom);
	free(slots);
	return rc == LE_OK ? 0 : -1;
}

/* A worker's verdicts of other shards' schedules it ran again to infer
 * from, by schedule number (open addressing; value 1 + the sim_invariant). */
typedef struct verdicts {
	uint64_t *g;
	int8_t *v;
	size_t n, cap;
} verdicts;

static size_t verdict_slot(const verdicts *m, uint64_t g)
{
	size_t k = (size_t)(g * 0x9e3779b97f4a7c15u >> 20) & (m->cap - 1);
	while (m->v[k] && m->g[k] != g)
		k = (k + 1) & (m->cap - 1);
	return k;
}

/* The verdict kept for schedule g, or -1. */
static int verdict_get(const verdicts *m, uint64_t g)
{
	if (!m->cap)
		return -1;
	size_t k = verdict_slot(m, g);
	return m->v[k] ? m->v[k] - 1 : -1;
}

static int verdict_put(verdicts *m, uint64_t g, int inv)
{
	if (2 * (m->n + 1) > m->cap) {
		verdicts b = {.cap = m->cap ? 2 * m->cap : 1024};
		b.g = malloc(b.cap * sizeof *b.g);
		b.v = calloc(b.cap, 1);
		if (!b.g || !b.v) {
			free(b.g);
			free(b.v);
			return -1;
		}
		for (size_t k = 0; k < m->cap; k++)
			if (m->v[k]) {
				size_t d = verdict_slot(&b, m->g[k]);
				b.g[d] = m->g[k];
				b.v[d] = m->v[k];
			}
		b.n = m->n;
		free(m->g);
		free(m->v);
		*m = b;
	}
	size_t k = verdict_slot(m, g);
	m->n += !m->v[k];
	m->g[k] = g;
	m->v[k] = (int8_t)(inv + 1);
	return 0;
}

/* ---- workers ------------------------------------------------------------------- */

static bool mine(const prove *p, uint64_t g, unsigned w)
{
	return g % p->shard_n == p->shard_i && (g / p->shard_n) % p->jobs == w;
}

/* Judge schedule c at every timing draw the options ask for, lowest seed
 * first, until one violates: *inv and the *seed that showed it. */
static int judge_case(const prove *p, sim_chooser *ch, sim_explore_case *c, sim_invariant *inv,
		      uint64_t *seed, sim_chooser_stats *cs, char *err, size_t errcap)
{
	*inv = SIM_INV_NONE;
	*seed = p->base.seed;
	/* --timing critical makes one run per seed, --seeds of them */
	uint64_t n = ch && !p->co.critical ? 1 : p->seeds;
	for (uint64_t k = 0; k < n && *inv == SIM_INV_NONE; k++) {
		*seed = p->base.seed + k;
		int rc = ch ? sim_chooser_judge(ch, &c->sc, *seed, &p->eo, true, inv, cs, err, errcap)
			    : sim_explore_judge(&c->sc, *seed, &p->eo, inv, err, errcap);
		if (rc != LE_OK)
			return rc;
	}
	return LE_OK;
}

/* A worker: one line per violating schedule ("V g inv"), "P n" every 512
 * runs, "E message" on an internal error, "D" at the end. */
static int worker(const prove *p, unsigned w, FILE *out)
{
	uint64_t n = 0, inferred = 0, inferred_free = 0, rerun = 0, last = 0;
	sim_chooser_stats cs = {0};
	sim_chooser *ch = p->extremes ? sim_chooser_new(&p->co) : NULL;
	verdicts kept = {0};
	int rc = 1;
	if (p->extremes && !ch) {
		fprintf(out, "E out of memory\n");
		return 1;
	}
	for (uint64_t g = 0; g < p->total && !stop_requested; g++) {
		if (!mine(p, g, w))
			continue;
		sim_explore_case c;
		size_t ix[PROVE_K_MAX];
		int nix, verdict;
		uint64_t like, seed = p->base.seed;
		sim_invariant inv = SIM_INV_NONE;
		char err[512];
		if (build_case(p, g, &c, ix, &nix) != 0) {
			fprintf(out, "E out of memory\n");
			goto out;
		}
		int also;
		int how = infer_schedule(p, ix, nix, &also, &like);
		inferred_free += how == REP_FAULT_FREE;
		if (how != REP_NONE && ((verdict = single_verdict(p, like)) >= 0 ||
					(verdict = verdict_get(&kept, like)) >= 0)) {
			inv = (sim_invariant)lower_verdict(also, verdict);
		} else if (how != REP_NONE && like % p->shard_n == p->shard_i) {
			/* a worker of this shard runs that one: the parent
			 * resolves this one when all have reported */
			fprintf(out, "L %" PRIu64 " %" PRIu64 " %d\n", g, like, also);
		} else if (how != REP_NONE) {
			/* the schedule it is like is another shard's: run that
			 * one here too */
			sim_explore_case rc_case;
			size_t rix[PROVE_K_MAX];
			int rnix;
			if (build_case(p, like, &rc_case, rix, &rnix) != 0) {
				sim_explore_case_free(&c);
				fprintf(out, "E out of memory\n");
				goto out;
			}
			int jr = judge_case(p, ch, &rc_case, &inv, &seed, &cs, err, sizeof err);
			sim_explore_case_free(&rc_case);
			if (jr != LE_OK) {
				sim_explore_case_free(&c);
				fprintf(out, "E schedule %" PRIu64 ": %s\n", like, err);
				goto out;
			}
			if (verdict_put(&kept, like, (int)inv) != 0) {
				sim_explore_case_free(&c);
				fprintf(out, "E out of memory\n");
				goto out;
			}
			inv = (sim_invariant)lower_verdict(also, inv);
			rerun++;
		} else {
			int jr = judge_case(p, ch, &c, &inv, &seed, &cs, err, sizeof err);
			if (jr != LE_OK) {
				sim_explore_case_free(&c);
				fprintf(out, "E schedule %" PRIu64 " seed %" PRIu64 ": %s\n", g, seed, err);
				goto out;
			}
		}
		inferred += how != REP_NONE;
		last = g;
		sim_explore_case_free(&c);
		if (inv != SIM_INV_NONE)
			fprintf(out, "V %" PRIu64 " %d %" PRIu64 "\n", g, (int)inv, seed);
		if (++n % 512 == 0) {
			fprintf(out, "P %" PRIu64 "\n", n);
			fflush(out);
		}
	}
	fprintf(out,
		"P %" PRIu64 "\nD %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %u %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		n, cs.runs, cs.states, cs.merged, cs.capped, cs.depth, inferred, inferred_free, rerun,
		last);
	rc = 0;
out:
	fflush(out);
	sim_chooser_free(ch);
	free(kept.g);
	free(kept.v);
	return rc;
}

typedef struct vhit {
	uint64_t g;
	int inv;
	uint64_t seed; /* the lowest timing draw that violates */
} vhit;

/* A schedule a worker inferred from another of this shard's ("L g like
 * also"): the parent gives it the lower of also and that one's verdict
 * once every worker has reported (resolve_deferred). */
typedef struct deferred {
	uint64_t g, like;
	int also;
} deferred;

typedef struct vhits {
	vhit *v;
	size_t n, cap;
	deferred *d;
	size_t nd, dcap;
} vhits;

static int cmp_hit(const void *a, const void *b)
{
	const vhit *x = a, *y = b;
	return x->g < y->g ? -1 : x->g > y->g;
}

static uint64_t my_count(const prove *p)
{
	uint64_t n = p->total / p->shard_n;
	if (p->shard_i < p->total % p->shard_n)
		n++;
	return n;
}

/* A worker's pipe: bytes read so far, split into lines as they come. */
typedef struct wpipe {
	int fd;
	pid_t pid;
	char buf[4096];
	size_t len;
	uint64_t done;
	bool ended, finished;
	sim_chooser_stats cs;
	uint64_t inferred, inferred_free, rerun;
	uint64_t last; /* the last schedule it judged (it goes in order) */
} wpipe;

static int hit_push(vhits *hs, vhit h)
{
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 64;
		vhit *nv = realloc(hs->v, cap * sizeof *nv);
		if (!nv)
			return -1;
		hs->v = nv;
		hs->cap = cap;
	}
	hs->v[hs->n++] = h;
	return 0;
}

static int take_line(wpipe *w, const char *line, vhits *hs)
{
	uint64_t g, seed;
	int inv;
	if (sscanf(line, "V %" SCNu64 " %d %" SCNu64, &g, &inv, &seed) == 3) {
		if (hit_push(hs, (vhit){g, inv, seed}) != 0)
			return -1;
	} else if (sscanf(line, "L %" SCNu64 " %" SCNu64 " %d", &g, &seed, &inv) == 3) {
		if (hs->nd == hs->dcap) {
			size_t cap = hs->dcap ? 2 * hs->dcap : 1024;
			deferred *nd = realloc(hs->d, cap * sizeof *nd);
			if (!nd)
				return -1;
			hs->d = nd;
			hs->dcap = cap;
		}
		hs->d[hs->nd++] = (deferred){g, seed, inv};
	} else if (sscanf(line, "P %" SCNu64, &g) == 1) {
		w->done = g;
	} else if (line[0] == 'D') {
		w->finished = true;
		sscanf(line, "D %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %u %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
		       &w->cs.runs, &w->cs.states, &w->cs.merged, &w->cs.capped, &w->cs.depth,
		       &w->inferred, &w->inferred_free, &w->rerun, &w->last);
	} else {
		fprintf(stderr, "sim: prove: %s\n", line[0] == 'E' ? line + 2 : line);
		return -1;
	}
	return 0;
}

static int read_pipe(wpipe *w, vhits *hs)
{
	ssize_t r = read(w->fd, w->buf + w->len, sizeof w->buf - 1 - w->len);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0) {
		w->ended = true;
		return 0;
	}
	w->len += (size_t)r;
	w->buf[w->len] = 0;
	char *start = w->buf, *nl;
	int rc = 0;
	while ((nl = strchr(start, '\n'))) {
		*nl = 0;
		if (take_line(w, start, hs) != 0)
			rc = -1;
		start = nl + 1;
	}
	w->len -= (size_t)(start - w->buf);
	memmove(w->buf, start, w->len);
	return rc;
}

static int cmp_deferred(const void *a, const void *b)
{
	const deferred *x = a, *y = b;
	return x->g < y->g ? -1 : x->g > y->g;
}

/* Give every deferred schedule its verdict: the lower of its own `also`
 * and that of the schedule it is like, which a worker of this shard ran or
 * which is deferred itself (always a lower number, so resolved first). A
 * `like` its worker did not reach (interrupted) leaves the schedule
 * unjudged: it is taken off *done. hs->v is sorted on entry and exit. */
static int resolve_deferred(const prove *p, vhits *hs, const uint64_t *last, uint64_t *done)
{
	qsort(hs->d, hs->nd, sizeof *hs->d, cmp_deferred);
	int8_t *verdict = malloc(hs->nd ? hs->nd : 1); /* -1: unjudged */
	if (!verdict)
		return -1;
	size_t nrun = hs->n;
	for (size_t i = 0; i < hs->nd; i++) {
		const deferred *d = &hs->d[i];
		if (d->like >= d->g) { /* infer_schedule always names a lower one */
			free(verdict);
			return -1;
		}
		deferred key = {.g = d->like};
		const deferred *dl = bsearch(&key, hs->d, i, sizeof *hs->d, cmp_deferred);
		int v;
		if (dl)
			v = verdict[dl - hs->d];
		else if (d->like > last[(d->like / p->shard_n) % p->jobs])
			v = -1;
		else {
			vhit hk = {d->like, 0, 0};
			const vhit *h = bsearch(&hk, hs->v, nrun, sizeof *hs->v, cmp_hit);
			v = h ? h->inv : SIM_INV_NONE;
		}
		verdict[i] = (int8_t)(v < 0 ? -1 : lower_verdict(d->also, v));
		if (v < 0) {
			(*done)--;
			continue;
		}
		if (verdict[i] == SIM_INV_NONE)
			continue;
		if (hit_push(hs, (vhit){d->g, verdict[i], p->base.seed}) != 0) {
			free(verdict);
			return -1;
		}
	}
	free(verdict);
	qsort(hs->v, hs->n, sizeof *hs->v, cmp_hit);
	return 0;
}

static int run_workers(prove *p, vhits *hs, uint64_t *done)
{
	unsigned nw = p->jobs;
	wpipe ws[PROVE_JOBS_MAX];
	int rc = 0;
	memset(ws, 0, sizeof ws);
	fflush(NULL);
	for (unsigned w = 0; w < nw; w++) {
		int fd[2];
		if (pipe(fd) != 0)
			return -1;
		ws[w].pid = fork();
		if (ws[w].pid < 0)
			return -1;
		if (ws[w].pid == 0) {
			close(fd[0]);
			for (unsigned o = 0; o < w; o++)
				close(ws[o].fd);
			FILE *o = fdopen(fd[1], "w");
			_exit(o ? worker(p, w, o) : 1);
		}
		close(fd[1]);
		ws[w].fd = fd[0];
	}
	sim_progress pr;
	sim_progress_init(&pr, stderr, my_count(p), sim_cmd_now_s());
	sim_progress_plain_lines(&pr, getenv("SIM_PROGRESS_EVERY")
					      ? atof(getenv("SIM_PROGRESS_EVERY"))
					      : 10);
	unsigned open = nw;
	bool forwarded = false;
	while (open) {
		/* a kill -INT names only the parent: pass it on, once */
		if (stop_requested && !forwarded) {
			for (unsigned w = 0; w < nw; w++)
				kill(ws[w].pid, SIGINT);
			forwarded = true;
		}
		struct pollfd pf[PROVE_JOBS_MAX];
		for (unsigned w = 0; w < nw; w++) {
			pf[w].fd = ws[w].ended ? -1 : ws[w].fd;
			pf[w].events = POLLIN;
		}
		if (poll(pf, nw, 1000) < 0 && errno != EINTR)
			break;
		for (unsigned w = 0; w < nw; w++) {
			if (ws[w].ended || !(pf[w].revents & (POLLIN | POLLHUP)))
				continue;
			if (read_pipe(&ws[w], hs) != 0)
				rc = -1;
			if (ws[w].ended)
				open--;
		}
		*done = 0;
		for (unsigned w = 0; w < nw; w++)
			*done += ws[w].done;
		sim_progress_set_count(&pr, "violations", hs->n);
		sim_progress_update(&pr, *done, sim_cmd_now_s());
	}
	sim_progress_finish(&pr, sim_cmd_now_s());
	for (unsigned w = 0; w < nw; w++) {
		int st = 0;
		close(ws[w].fd);
		while (waitpid(ws[w].pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !ws[w].finished)
			rc = -1;
		p->cs.runs += ws[w].cs.runs;
		p->cs.states += ws[w].cs.states;
		p->cs.merged += ws[w].cs.merged;
		p->cs.capped += ws[w].cs.capped;
		p->inferred += ws[w].inferred;
		p->inferred_free += ws[w].inferred_free;
		p->rerun += ws[w].rerun;
		if (ws[w].cs.depth > p->cs.depth)
			p->cs.depth = ws[w].cs.depth;
	}
	qsort(hs->v, hs->n, sizeof *hs->v, cmp_hit);
	uint64_t last[PROVE_JOBS_MAX];
	for (unsigned w = 0; w < nw; w++)
		last[w] = ws[w].last;
	if (rc == 0 && resolve_deferred(p, hs, last, done) != 0)
		rc = -1;
	return rc;
}

static bool hit_at(const vhits *hs, uint64_t g)
{
	vhit key = {g, 0, 0};
	return bsearch(&key, hs->v, hs->n, sizeof *hs->v, cmp_hit) != NULL;
}

/* A violating schedule is minimal when no schedule made of a proper subset
 * of its faults violates too (all of those are in the scope, so this is a
 * lookup): the others are explained by a smaller one. */
static bool minimal(const prove *p, const vhits *hs, const size_t *ix, int nix)
{
	for (int drop = 0; drop < nix && nix > 1; drop++) {
		size_t sub[PROVE_K_MAX];
		int ns = 0;
		for (int i = 0; i < nix; i++)
			if (i != drop)
				sub[ns++] = ix[i];
		if (hit_at(hs, number_of(p, sub, ns)) || !minimal(p, hs, sub, ns))
			return false;
	}
	return true;
}

/* ---- prove merge: the shards' outputs as one run's ---------------------------------- */

/* counts.tsv: what a run covered, for merge (one line: schedules run,
 * chooser runs, states, merged runs, capped runs, deepest run, wall s,
 * interrupted, then interaction pruning: on, schedules not run, of them
 * like the fault-free run, schedules inferred from run again). */
static void write_counts(const prove *p, uint64_t done, double wall)
{
	char path[SIM_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/counts.tsv", p->out);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%u\t%.3f\t%d\t%d\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n",
		done, p->cs.runs, p->cs.states, p->cs.merged, p->cs.capped, p->cs.depth, wall,
		stop_requested ? 1 : 0, p->prune ? 1 : 0, p->inferred, p->inferred_free, p->rerun);
	fclose(f);
}

/* Read every shard's counts.tsv and violations.tsv; -1 with the reason
 * on stderr. *partial: some shard was interrupted. */
static int read_shards(prove *p, vhits *hs, uint64_t *done, double *wall, bool *partial)
{
	char list[SIM_PATH_MAX * 4];
	bool first_shard = true;
	snprintf(list, sizeof list, "%s", p->merge_from);
	for (char *save = NULL, *dir = strtok_r(list, ",", &save); dir;
	     dir = strtok_r(NULL, ",", &save)) {
		char path[SIM_PATH_MAX + 64], line[4096];
		snprintf(path, sizeof path, "%s/counts.tsv", dir);
		FILE *f = fopen(path, "r");
		uint64_t n, r, st, m, c, inf, inf_free, rerun;
		unsigned d;
		double w;
		int part, pruned;
		if (!f || !fgets(line, sizeof line, f) ||
		    sscanf(line, "%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%u\t%lf\t%d\t%d\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64,
			   &n, &r, &st, &m, &c, &d, &w, &part, &pruned, &inf, &inf_free, &rerun) != 12) {
			fprintf(stderr, "sim: prove merge: %s: not a prove output (no readable counts.tsv)\n", dir);
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		*done += n;
		p->cs.runs += r;
		p->cs.states += st;
		p->cs.merged += m;
		p->cs.capped += c;
		if (d > p->cs.depth)
			p->cs.depth = d;
		if (w > *wall)
			*wall = w;
		*partial |= part != 0;
		if (first_shard)
			p->prune = pruned != 0;
		else if (p->prune != (pruned != 0)) {
			fprintf(stderr, "sim: prove merge: %s: interaction pruning %s there, %s in the shards before\n",
				dir, pruned ? "on" : "off", p->prune ? "on" : "off");
			return -1;
		}
		first_shard = false;
		p->inferred += inf;
		p->inferred_free += inf_free;
		p->rerun += rerun;
		snprintf(path, sizeof path, "%s/violations.tsv", dir);
		if (!(f = fopen(path, "r"))) {
			fprintf(stderr, "sim: prove merge: %s: no violations.tsv\n", dir);
			return -1;
		}
		while (fgets(line, sizeof line, f)) {
			if (line[0] == '#')
				continue;
			char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
			if (!t3) {
				fprintf(stderr, "sim: prove merge: %s: a line is not schedule, invariant, faults, seed\n", path);
				fclose(f);
				return -1;
			}
			*t2 = 0;
			int inv = -1;
			for (int v = 0; v < SIM_INV_COUNT; v++)
				if (!strcmp(t1 + 1, sim_invariant_name((sim_invariant)v)))
					inv = v;
			uint64_t g = strtoull(line, NULL, 10), seed = strtoull(t3 + 1, NULL, 10);
			if (inv < 0 || g >= p->total) {
				fprintf(stderr, "sim: prove merge: %s: schedule %" PRIu64 " (%s) is not of this scope\n",
					path, g, t1 + 1);
				fclose(f);
				return -1;
			}
			if (hit_push(hs, (vhit){g, inv, seed}) != 0) {
				fclose(f);
				return -1;
			}
		}
		fclose(f);
	}
	qsort(hs->v, hs->n, sizeof *hs->v, cmp_hit);
	for (size_t i = 1; i < hs->n; i++)
		if (hs->v[i].g == hs->v[i - 1].g) {
			fprintf(stderr, "sim: prove merge: schedule %" PRIu64 " is in two shards' outputs (the same shard twice?)\n",
				hs->v[i].g);
			return -1;
		}
	return 0;
}

/* ---- findings -------------------------------------------------------------------- */

/* What makes two counterexamples the same: the invariant and the kinds and
 * targets of the schedule's faults, in atom order. */
static void shape_of(const prove *p, const size_t *ix, int nix, int inv, char *out,
		     size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "%s:", sim_invariant_name((sim_invariant)inv));
	for (int i = 0; i < nix && len < cap; i++) {
		const atom *a = &p->atoms[ix[i]];
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s", i ? "; " : " ",
					pk_names[a->kind],
					p->s.targets[a->target] == SIM_ROLE_LEADER ? "leader"
										  : "follower");
	}
	if (!nix && len < cap)
		snprintf(out + len, cap - len, " (no fault)");
}

static void describe(const prove *p, const size_t *ix, int nix, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < nix && len < cap; i++) {
		const atom *a = &p->atoms[ix[i]];
		char at[32], d[32];
		le_format_duration(a->at, at, sizeof at);
		le_format_duration(a->dur, d, sizeof d);
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s at %s", i ? "; " : "",
					pk_names[a->kind],
					p->s.targets[a->target] == SIM_ROLE_LEADER ? "leader"
										  : "follower",
					at);
		if (a->kind != PK_KILL && len < cap)
			len += (size_t)snprintf(out + len, cap - len, " for %s", d);
		if (a->kind == PK_CLOCK_RATE && len < cap)
			len += (size_t)snprintf(out + len, cap - len, " rate %.4gx",
						1.0 + a->rate / 1e6);
	}
}

/* The shrunk schedule's shape: invariant, then action and role of each
 * fault left (the distinct-finding key, as explore's). */
static void shrunk_shape(const sim_scenario *sc, size_t from, int inv, char *out, size_t cap)
{
	size_t len = (size_t)snprintf(out, cap, "%s:", sim_invariant_name((sim_invariant)inv));
	for (size_t i = from; i < sc->nfaults && len < cap; i++) {
		const sim_fault *f = &sc->faults[i];
		const char *what = f->action == SIM_ACT_APISERVER ? "lost-answer"
								  : sim_fault_action_name(f->action);
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s", i > from ? "; " : " ", what,
					f->role == SIM_ROLE_LEADER ? "leader" : "follower");
	}
}

/* The first violating leaf of sc's choice tree at the base seed, as sc's
 * timing: block; 0, or 1 when no leaf violates inv (a hash merge made the
 * violation, or it was another invariant's). */
static int choice_path(const prove *p, sim_scenario *sc, int inv)
{
	sim_chooser_opts co = p->co;
	co.state_hash = false; /* every leaf a whole run: the path replays */
	sim_chooser *ch = sim_chooser_new(&co);
	if (!ch)
		return 1;
	sim_chooser_stats st = {0};
	sim_invariant got = SIM_INV_NONE;
	char err[512];
	int rc = sim_chooser_judge(ch, sc, p->base.seed, &p->eo, true, &got, &st, err,
				   sizeof err);
	if (rc == LE_OK && got == (sim_invariant)inv) {
		sim_timing_spec *t = &sc->timing;
		*t = (sim_timing_spec){.present = true,
				       .window_ns = co.window_ns,
				       .points = co.points < 2 ? 2 : co.points,
				       .depth = co.depth_max};
		t->npath = (uint32_t)sim_chooser_path(ch, t->path, SIM_TIMING_PATH_MAX);
		/* trailing minimum picks are what a shorter path means too */
		while (t->npath > 0 && t->path[t->npath - 1] == 0)
			t->npath--;
	}
	sim_chooser_free(ch);
	return rc == LE_OK && got == (sim_invariant)inv ? 0 : 1;
}

/* Shrink schedule g; write it unless its shrunk shape is in seen[0..*nseen)
 * (then *file is ""). */
static int write_finding(const prove *p, uint64_t g, int inv, uint64_t seed,
			 char (*seen)[256],
			 size_t *nseen, char *file, size_t filecap)
{
	char shape[256];
	sim_explore_case c;
	size_t ix[PROVE_K_MAX];
	int nix;
	char removed[512], sched[1024];
	if (build_case(p, g, &c, ix, &nix) != 0)
		return -1;
	describe(p, ix, nix, sched, sizeof sched);
	file[0] = 0;
	if (p->co.critical) {
		/* critical draws are a function of the run: the file says
		 * timing: {critical: true} and replays at the seed found */
		c.sc.timing = (sim_timing_spec){.present = true, .critical = true};
	} else if (p->extremes) {
		/* The plainest file replays seeded draws: the first seed from
		 * the base's on that shows it too (replay_seeds of them);
		 * else the file carries the violating run's choice path in
		 * timing: (docs/prove.md, "Replaying a choice path"). */
		sim_invariant got = SIM_INV_NONE;
		char err[512];
		uint64_t k;
		for (k = 0; k < p->replay_seeds && got != (sim_invariant)inv; k++)
			if (sim_explore_judge(&c.sc, p->base.seed + k, &p->eo, &got, err,
					      sizeof err) != LE_OK)
				got = SIM_INV_NONE;
		if (got == (sim_invariant)inv) {
			seed = p->base.seed + k - 1;
		} else if (choice_path(p, &c.sc, inv) != 0) {
			sim_explore_case_free(&c);
			return 1;
		} else {
			seed = p->base.seed;
		}
	}
	c.sc.seed = seed;
	if (sim_explore_shrink(&c, seed, &p->eo, (sim_invariant)inv, removed,
			       sizeof removed) < 0) {
		sim_explore_case_free(&c);
		return -1;
	}
	shrunk_shape(&c.sc, c.base_faults, inv, shape, sizeof shape);
	file[0] = 0;
	for (size_t k = 0; k < *nseen; k++)
		if (!strcmp(seen[k], shape)) {
			sim_explore_case_free(&c);
			return 0;
		}
	snprintf(seen[(*nseen)++], 256, "%s", shape);
	uint32_t h = (uint32_t)sim_explore_hash(shape, strlen(shape));
	snprintf(c.sc.name, sizeof c.sc.name, "%.80s-%s-%08" PRIx32, p->base.name,
		 sim_invariant_name((sim_invariant)inv), h);
	snprintf(c.sc.description, sizeof c.sc.description,
		 "Found by bin/sim prove from %.200s (schedule %" PRIu64 ": %.300s) and shrunk: %.300s. The %s invariant is violated.",
		 p->base.file, g, sched, removed, sim_invariant_name((sim_invariant)inv));
	c.sc.expect.expect_violation = true;
	c.sc.expect.violation = (sim_invariant)inv;
	snprintf(file, filecap, "found/%s-%08" PRIx32 ".yaml",
		 sim_invariant_name((sim_invariant)inv), h);
	char path[SIM_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", p->out, file);
	FILE *f = fopen(path, "w");
	int rc = -1;
	if (f) {
		fprintf(f,
			"# Found by: %s prove %s --scope '%s' (schedule %" PRIu64 ", seed %" PRIu64 ")\n"
			"# Schedule: %s\n# Shrunk shape: %s\n# Removed by shrinking: %s\n# Replay: %s run %s (expects a %s violation)\n",
			p->argv0, p->base_path, p->scope_text, g, seed, sched, shape, removed, p->argv0, file,
			sim_invariant_name((sim_invariant)inv));
		rc = sim_scenario_write_yaml(&c.sc, f) == LE_OK ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	sim_explore_case_free(&c);
	return rc;
}

/* ---- the command ------------------------------------------------------------------- */

static const char prove_usage[] =
	"usage: bin/sim prove BASE.yaml --scope 'faults<=K; kinds=pause,partition,pod-kill,clock-rate,lost-answer;\n"
	"                     grid=250ms; window=20s..80s; durations=1s,5s; rates=0.8x,1.25x;\n"
	"                     targets=leader,follower' [--seeds N] [--timing critical | --timing extremes[+N]\n"
	"                     [--budget WINDOW[,DEPTH]] [--no-state-hash] [--replay-seeds N]] [--no-prune] [--jobs J] [--shard i/n] [--out DIR] [--list]\n";

static bool same_settings(const sim_pod_spec *a, const sim_pod_spec *b)
{
	return sim_election_equal(&a->election, &b->election) &&
	       a->clock_offset_ns == b->clock_offset_ns &&
	       a->clock_rate_ppm == b->clock_rate_ppm &&
	       a->grace_period_ns == b->grace_period_ns &&
	       a->sigterm_ignored == b->sigterm_ignored &&
	       a->replacement_start_ns == b->replacement_start_ns &&
	       a->work_period_ns == b->work_period_ns && a->stop_delay_ns == b->stop_delay_ns;
}

static int mkdir_p(const char *dir)
{
	char b[SIM_PATH_MAX];
	if (snprintf(b, sizeof b, "%s", dir) >= (int)sizeof b)
		return -1;
	for (char *s = b + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(b, 0777) != 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(b, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static void fmt_list(const int64_t *v, int n, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < n && len < cap; i++) {
		char d[32];
		le_format_duration(v[i], d, sizeof d);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", d);
	}
}

static void coverage(const prove *p, uint64_t done, const size_t *per_inv, size_t nviol,
		     const size_t *per_min, size_t nmin, double wall, FILE *o)
{
	if (stop_requested)
		fprintf(o, "PARTIAL: %" PRIu64 " of the %" PRIu64 " schedules run (%s); every count below covers only the schedules run, and minimality is judged against the subsets among them\n",
			done, p->merge ? p->total : my_count(p),
			p->merge ? "a shard interrupted or missing" : "interrupted");
	const scope *s = &p->s;
	char kinds[256] = "", durs[256], rates[256] = "", lo[32], hi[32], grid[32];
	size_t len = 0;
	for (int k = 0; k < s->nkinds; k++)
		len += (size_t)snprintf(kinds + len, sizeof kinds - len, "%s%s", k ? ", " : "",
					pk_names[s->kinds[k]]);
	fmt_list(s->durs, s->ndurs, durs, sizeof durs);
	len = 0;
	for (int r = 0; r < s->nrates; r++)
		len += (size_t)snprintf(rates + len, sizeof rates - len, "%s%.4gx", r ? ", " : "",
					1.0 + s->rates[r] / 1e6);
	le_format_duration(s->win_lo, lo, sizeof lo);
	le_format_duration(s->win_hi, hi, sizeof hi);
	le_format_duration(s->grid, grid, sizeof grid);
	size_t ntimes = (size_t)((s->win_hi - s->win_lo) / s->grid) + 1;
	fprintf(o, "covered: every set of at most %d distinct faults (each set once, order not multiplied out) of kinds %s",
		s->k, kinds);
	fprintf(o, " on the %s%s%s, starting at every %s in [%s, %s] (%zu starts), durations {%s}",
		s->targets[0] == SIM_ROLE_LEADER ? "leader" : "follower",
		s->ntargets > 1 ? " or a follower" : "", "", grid, lo, hi, ntimes, durs);
	if (s->nrates)
		fprintf(o, ", clock rates {%s}", rates);
	fprintf(o, "; %zu pods of %s\n", p->base.npods, p->base.file);
	fprintf(o, "atoms: %zu single faults; schedules in scope: %" PRIu64 "; run by this shard (%" PRIu64 "/%" PRIu64 "): %" PRIu64 "\n",
		p->natoms, p->total, p->shard_i, p->shard_n, done);
	fprintf(o, "reductions: pods are targeted by role at the fault's time (the leader, or one follower drawn by the fault stream), sound only because every pod shares its settings (checked)\n");
	if (p->co.critical) {
		fprintf(o,
			"timing: critical: every acquire jitter that can start "
			"the pod's next attempt just after its observed lease "
			"expires takes that value, else one that starts it just "
			"after the leader's next renewal (predicted from its "
			"timer) reaches the store; every other draw as seeds "
			"%" PRIu64 "..%" PRIu64 " draw it (a schedule violates "
			"if any does); %" PRIu64 " runs\n",
			p->base.seed, p->base.seed + p->seeds - 1, p->cs.runs);
		fprintf(o, "timing is not exhaustive: a draw's continuous range "
			   "is covered only at the values above, and a value "
			   "between them can break what they all pass\n");
		fprintf(o, "states: not hashed (critical timing makes one run "
			   "per seed)\n");
	} else if (p->extremes) {
		char wd[32];
		le_format_duration(p->co.window_ns, wd, sizeof wd);
		fprintf(o,
			"timing: extremes: every acquire jitter, latency and "
			"loss draw within %s of a fault's start or end is a "
			"choice point taking its minimum and maximum",
			wd);
		if (p->co.points > 2)
			fprintf(o, " and %u interior values", p->co.points - 2);
		fprintf(o,
			", at most %u choice points per schedule (the rest, "
			"and every draw outside those windows, as seed %" PRIu64
			" draws it); %" PRIu64 " runs, %" PRIu64
			" of them hit that cap; most choice points in one run: "
			"%u\n",
			p->co.depth_max, p->base.seed, p->cs.runs, p->cs.capped,
			p->cs.depth);
		fprintf(o, "timing is not exhaustive: a draw's continuous range "
			   "is covered only at the values above, and a value "
			   "between them can break what they all pass (a "
			   "13.25 s leader pause of client-go 15/10/2: "
			   "docs/prove.md)\n");
		if (p->co.state_hash)
			fprintf(o,
				"states: %" PRIu64
				" distinct states hashed; %" PRIu64
				" runs stopped at a state an earlier run of "
				"the schedule had reached (its subtree not "
				"expanded again)\n",
				p->cs.states, p->cs.merged);
		else
			fprintf(o, "states: not hashed (--no-state-hash): "
				   "every leaf of the choice tree run\n");
		fprintf(o, "timing choices not made: store fault rules' "
			   "latency and loss draws stay seeded\n");
	} else if (p->seeds == 1)
		fprintf(o, "timing: one draw, the base's seed %" PRIu64 " (latency and jitter as that seed draws them), not at its extremes (--timing extremes)\n",
			p->base.seed);
	else
		fprintf(o, "timing: %" PRIu64 " draws per schedule, seeds %" PRIu64 "..%" PRIu64 " (a schedule violates if any does); sampled, not extremes; no state hashing\n",
			p->seeds, p->base.seed, p->base.seed + p->seeds - 1);
	if (p->prune) {
		fprintf(o, "interaction pruning: %" PRIu64 " schedules not run, their verdicts inferred: "
			   "the earliest fault had ended before the next one started, and its run alone "
			   "was then in the state (hash) of the fault-free run (%" PRIu64 " schedules: the "
			   "verdict of that fault alone and of the others without it) or of an earlier "
			   "atom's run alone, neither violating alone (%" PRIu64 " schedules: the verdict "
			   "with that atom in its place)",
			p->inferred, p->inferred_free, p->inferred - p->inferred_free);
		fprintf(o, "\n");
	} else if (p->s.k >= 2 && !p->no_prune)
		fprintf(o, "interaction pruning: off (it needs one run a schedule: not with --seeds N or --timing extremes)\n");
	fprintf(o, "violations: %zu schedules", nviol);
	for (int v = SIM_INV_SAFETY; v < SIM_INV_COUNT; v++)
		if (p->eo.invariants & (1u << v))
			fprintf(o, "; %s %zu", sim_invariant_name((sim_invariant)v), per_inv[v]);
	fprintf(o, "\nminimal violations (no proper subset of the schedule violates): %zu", nmin);
	for (int v = SIM_INV_SAFETY; v < SIM_INV_COUNT; v++)
		if (p->eo.invariants & (1u << v))
			fprintf(o, "; %s %zu", sim_invariant_name((sim_invariant)v), per_min[v]);
	fprintf(o, "\nwall: %.1f s, %.0f schedules/s, %u job%s", wall,
		wall > 0 ? (double)done / wall : 0.0, p->jobs, p->jobs == 1 ? "" : "s");
	if (p->rerun) /* a cost of sharding the work, not of the scope */
		fprintf(o, ", %" PRIu64 " schedules inferred from were another shard's and run again", p->rerun);
	fprintf(o, "\n");
}

/* Single faults: for every kind, target, rate and start, the largest
 * duration of the scope below which every duration passed. */
static void safe_region(const prove *p, const vhits *hs, FILE *o)
{
	fprintf(o, "# kind\ttarget\trate\tat\tlargest safe duration (\"none\": the shortest fails)\n");
	size_t i = 0;
	while (i < p->natoms) {
		const atom *a = &p->atoms[i];
		size_t j = i;
		char best[32] = "none";
		bool broken = false;
		/* atoms of one (kind, target, start) are adjacent: durations, then rates */
		while (j < p->natoms && p->atoms[j].kind == a->kind &&
		       p->atoms[j].target == a->target && p->atoms[j].at == a->at)
			j++;
		int nr = a->kind == PK_CLOCK_RATE ? p->s.nrates : 1;
		for (int r = 0; r < nr; r++) {
			snprintf(best, sizeof best, "none");
			broken = false;
			for (size_t k = i + (size_t)r; k < j; k += (size_t)nr) {
				vhit key = {k + 1, 0, 0};
				bool failed = bsearch(&key, hs->v, hs->n, sizeof *hs->v, cmp_hit) != NULL;
				if (failed)
					broken = true;
				if (!broken)
					le_format_duration(p->atoms[k].dur, best, sizeof best);
			}
			char at[32];
			le_format_duration(a->at, at, sizeof at);
			if (a->kind == PK_CLOCK_RATE)
				fprintf(o, "%s\t%s\t%.4gx\t%s\t%s\n", pk_names[a->kind],
					p->s.targets[a->target] == SIM_ROLE_LEADER ? "leader" : "follower",
					1.0 + p->atoms[i + (size_t)r].rate / 1e6, at, best);
			else
				fprintf(o, "%s\t%s\t-\t%s\t%s\n", pk_names[a->kind],
					p->s.targets[a->target] == SIM_ROLE_LEADER ? "leader" : "follower",
					at, a->kind == PK_KILL ? (broken ? "fails" : "safe") : best);
		}
		i = j;
	}
}

static int parse_args(int argc, char **argv, prove *p)
{
	memset(p, 0, sizeof *p);
	p->argv0 = "bin/sim";
	p->jobs = 1;
	p->shard_n = 1;
	p->seeds = 1;
	p->replay_seeds = PROVE_REPLAY_SEEDS;
	p->out = DEFAULT_OUT;
	if (argc > 2 && !strcmp(argv[2], "merge")) {
		p->merge = true;
		argc--;
		argv++;
	}
	p->co = (sim_chooser_opts){.points = 2,
				   .window_ns = 2 * LE_NS_PER_S,
				   .depth_max = 8,
				   .state_hash = true};
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t x;
		if (a[0] != '-') {
			if (p->base_path)
				return bad("one base scenario, got a second: %s", a);
			p->base_path = a;
			continue;
		}
		if (!strcmp(a, "--list")) {
			p->list = true;
			continue;
		}
		if (!strcmp(a, "--prune") || !strcmp(a, "--no-prune")) {
			p->no_prune = a[2] == 'n';
			continue;
		}
		if (!strcmp(a, "--no-state-hash")) {
			p->co.state_hash = false;
			continue;
		}
		if (!strcmp(a, "--help")) {
			fputs(prove_usage, stdout);
			return -1;
		}
		if (!v)
			return bad("%s needs a value", a);
		i++;
		if (!strcmp(a, "--scope")) {
			p->scope_text = v;
		} else if (!strcmp(a, "--out")) {
			p->out = v;
		} else if (!strcmp(a, "--jobs")) {
			if (!sim__parse_u64(v, &x) || x < 1 || x > PROVE_JOBS_MAX)
				return bad("--jobs: expected 1..64, got \"%s\"", v);
			p->jobs = (unsigned)x;
		} else if (!strcmp(a, "--from")) {
			p->merge_from = v;
		} else if (!strcmp(a, "--timing")) {
			if (!strcmp(v, "seeds")) {
				p->extremes = false;
			} else if (!strcmp(v, "extremes")) {
				p->extremes = true;
			} else if (!strcmp(v, "critical")) {
				p->extremes = true;
				p->co.critical = true;
				p->co.state_hash = false; /* no branching */
			} else if (!strncmp(v, "extremes+", 9) &&
				   sim__parse_u64(v + 9, &x) &&
				   x <= SIM_CHOOSER_POINTS_MAX - 2) {
				p->extremes = true;
				p->co.points = 2 + (unsigned)x;
			} else {
				return bad(
				    "--timing: expected seeds, extremes, "
				    "extremes+N (N <= 14) or critical, got "
				    "\"%s\"",
				    v);
			}
		} else if (!strcmp(a, "--budget")) {
			/* WINDOW[,DEPTH]: choices within WINDOW of a fault's
			 * start or end, at most DEPTH of them per schedule */
			char wbuf[64];
			const char *comma = strchr(v, ',');
			size_t wl = comma ? (size_t)(comma - v) : strlen(v);
			if (wl >= sizeof wbuf)
				return bad("--budget: expected WINDOW[,DEPTH] "
					   "(2s,8), got \"%s\"",
					   v);
			memcpy(wbuf, v, wl);
			wbuf[wl] = 0;
			char derr[128];
			if (le_parse_duration(wbuf, &p->co.window_ns, derr,
					      sizeof derr) != LE_OK ||
			    p->co.window_ns < 0)
				return bad("--budget: WINDOW must be a "
					   "duration (2s), got \"%s\"",
					   v);
			if (comma && (!sim__parse_u64(comma + 1, &x) || x < 1 ||
				      x > SIM_CHOOSER_DEPTH_MAX))
				return bad("--budget: DEPTH must be 1..32 "
					   "choice points, got \"%s\"",
					   v);
			if (comma)
				p->co.depth_max = (unsigned)x;
		} else if (!strcmp(a, "--replay-seeds")) {
			if (!sim__parse_u64(v, &p->replay_seeds) || p->replay_seeds > 1000000)
				return bad("--replay-seeds: expected 0..1000000 seeds, got \"%s\"", v);
		} else if (!strcmp(a, "--seeds")) {
			if (!sim__parse_u64(v, &p->seeds) || p->seeds < 1 || p->seeds > 1000000)
				return bad("--seeds: expected 1..1000000 timing draws, got \"%s\"", v);
		} else if (!strcmp(a, "--shard")) {
			const char *sl = strchr(v, '/');
			char n[32];
			if (!sl || (size_t)(sl - v) >= sizeof n)
				return bad("--shard: expected i/n (0/4), got \"%s\"", v);
			memcpy(n, v, (size_t)(sl - v));
			n[sl - v] = 0;
			if (!sim__parse_u64(n, &p->shard_i) || !sim__parse_u64(sl + 1, &p->shard_n) ||
			    !p->shard_n || p->shard_i >= p->shard_n)
				return bad("--shard: expected i/n with i < n, got \"%s\"", v);
		} else {
			fputs(prove_usage, stderr);
			return bad("unknown option %s", a);
		}
	}
	if (!p->base_path)
		return bad("no base scenario given%s", "");
	if (p->merge && !p->merge_from)
		return bad("merge: --from DIR,DIR,... (the shards' --out directories) is required%s", "");
	if (!p->merge && p->merge_from)
		return bad("--from is for bin/sim prove merge%s", "");
	/* extremes replace the seeded draws: a --seeds N beside them would
	 * be ignored, so it is refused (critical keeps seeding the rest) */
	if (p->extremes && !p->co.critical && p->seeds != 1)
		return bad("--seeds: not with --timing extremes%s (every draw is "
			   "a choice there); use --timing seeds or critical",
			   p->co.points > 2 ? "+N" : "");
	if (!p->scope_text)
		return bad("--scope is required%s", "");
	return parse_scope(p->scope_text, &p->s);
}

int cmd_prove(int argc, char **argv)
{
	prove p;
	int rc = parse_args(argc, argv, &p);
	if (rc)
		return rc < 0 ? SIM_EXIT_PASS : rc;
	char err[2048];
	if ((rc = sim_scenario_load(p.base_path, &p.base, err, sizeof err)) != LE_OK) {
		fprintf(stderr, "%s\n", err);
		return rc == LE_ENOMEM ? SIM_EXIT_INTERNAL : SIM_EXIT_BAD_INPUT;
	}
	int code = SIM_EXIT_INTERNAL;
	vhits hs = {0};
	sim_explore_opts_init(&p.eo);
	if (p.base.timing.present) {
		fprintf(stderr, "sim: prove: %s: the base has a timing: block; it replays one run's "
				"choices, and prove makes its own (--timing)\n",
			p.base_path);
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	for (size_t i = 1; i < p.base.npods; i++)
		if (!same_settings(&p.base.pods[0], &p.base.pods[i])) {
			fprintf(stderr, "sim: prove: %s: pods %s and %s differ in their settings; prove targets pods by role, which is sound only for pods that share them\n",
				p.base_path, p.base.pods[0].name, p.base.pods[i].name);
			code = SIM_EXIT_BAD_INPUT;
			goto out;
		}
	if (p.s.win_hi >= p.base.duration_ns) {
		char d[32];
		le_format_duration(p.base.duration_ns, d, sizeof d);
		fprintf(stderr, "sim: prove: --scope: window must end before the run does (%s)\n", d);
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	sim_invariant inv;
	if (sim_explore_judge(&p.base, p.base.seed, &p.eo, &inv, err, sizeof err) != LE_OK) {
		fprintf(stderr, "%s: %s\n", p.base_path, err);
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	if (inv != SIM_INV_NONE || p.base.expect.expect_violation) {
		fprintf(stderr, "sim: prove: %s: the base scenario already fails; prove needs a base that passes without the faults it adds\n",
			p.base_path);
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	if (make_atoms(&p) != 0)
		goto out;
	if (p.list) {
		/* Every schedule of this shard, one a line, nothing run. */
		for (uint64_t g = p.shard_i; g < p.total; g += p.shard_n) {
			size_t ix[PROVE_K_MAX];
			char sched[1024];
			int nix = schedule_of(&p, g, ix);
			if (number_of(&p, ix, nix) != g) {
				fprintf(stderr, "sim: prove: internal error: schedule %" PRIu64 " numbered back as %" PRIu64 "\n",
					g, number_of(&p, ix, nix));
				goto out;
			}
			describe(&p, ix, nix, sched, sizeof sched);
			printf("%" PRIu64 "\t%s\n", g, nix ? sched : "(no fault)");
		}
		code = SIM_EXIT_PASS;
		goto out;
	}
	char path[SIM_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/found", p.out);
	if (mkdir_p(path) != 0) {
		fprintf(stderr, "sim: prove: --out %s: cannot write there: %s\n", p.out,
			strerror(errno));
		code = SIM_EXIT_BAD_INPUT;
		goto out;
	}
	/* A previous run's findings would be read as this one's. */
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		char old[SIM_PATH_MAX + 600];
		if (l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) {
			snprintf(old, sizeof old, "%s/%s", path, e->d_name);
			unlink(old);
		}
	}
	if (d)
		closedir(d);
	printf("# prove %s: %zu atoms, %" PRIu64 " schedules, shard %" PRIu64 "/%" PRIu64 ", %u job%s\n",
	       p.base_path, p.natoms, p.total, p.shard_i, p.shard_n, p.jobs,
	       p.jobs == 1 ? "" : "s");
	struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	double t0 = sim_cmd_now_s(), wall = 0;
	uint64_t done = 0;
	bool merged_partial = false;
	if (p.merge) {
		if (read_shards(&p, &hs, &done, &wall, &merged_partial) != 0) {
			code = SIM_EXIT_BAD_INPUT;
			goto out;
		}
		if (done != p.total)
			merged_partial = true;
	} else {
		p.prune = !p.no_prune && p.s.k >= 2 && p.seeds == 1 && (!p.extremes || p.co.critical);
		if (p.prune && prepare_pruning(&p) != 0) {
			fprintf(stderr, "sim: prove: could not prepare interaction pruning\n");
			goto out;
		}
		if (run_workers(&p, &hs, &done) != 0) {
			fprintf(stderr, "sim: prove: a worker failed\n");
			goto out;
		}
		wall = sim_cmd_now_s() - t0;
		write_counts(&p, done, wall);
	}
	if (merged_partial)
		stop_requested = 1; /* the merged outputs are partial too */
	size_t per_inv[SIM_INV_COUNT] = {0}, per_min[SIM_INV_COUNT] = {0}, nmin = 0;
	snprintf(path, sizeof path, "%s/violations.tsv", p.out);
	FILE *vf = fopen(path, "w");
	if (!vf)
		goto out;
	fprintf(vf, "# schedule\tinvariant\tfaults\tlowest violating seed\n");
	snprintf(path, sizeof path, "%s/findings.tsv", p.out);
	FILE *ff = fopen(path, "w");
	if (!ff) {
		fclose(vf);
		goto out;
	}
	fprintf(ff, "# file\tfirst schedule\tshrunk shape (invariant: action target; ...)\tfirst schedule's faults\n");
	/* Distinct findings: the lowest-numbered schedule of each shape. */
	char (*shapes)[256] = calloc(hs.n ? hs.n : 1, sizeof *shapes);
	char (*found)[256] = calloc(hs.n ? hs.n : 1, sizeof *found);
	size_t nshapes = 0, nfound = 0;
	if (!shapes || !found) {
		free(shapes);
		free(found);
		fclose(vf);
		goto out;
	}
	for (size_t i = 0; i < hs.n; i++) {
		size_t ix[PROVE_K_MAX];
		int nix = schedule_of(&p, hs.v[i].g, ix);
		char sched[1024], shape[256];
		per_inv[hs.v[i].inv]++;
		describe(&p, ix, nix, sched, sizeof sched);
		fprintf(vf, "%" PRIu64 "\t%s\t%s\t%" PRIu64 "\n", hs.v[i].g,
			sim_invariant_name((sim_invariant)hs.v[i].inv), sched, hs.v[i].seed);
		if (!minimal(&p, &hs, ix, nix))
			continue;
		per_min[hs.v[i].inv]++;
		nmin++;
		shape_of(&p, ix, nix, hs.v[i].inv, shape, sizeof shape);
		bool seen = false;
		for (size_t k = 0; k < nshapes && !seen; k++)
			seen = !strcmp(shapes[k], shape);
		if (seen)
			continue;
		snprintf(shapes[nshapes++], sizeof *shapes, "%s", shape);
		char file[128];
		int wr = write_finding(&p, hs.v[i].g, hs.v[i].inv, hs.v[i].seed, found, &nfound,
				       file, sizeof file);
		if (wr == 1) {
			printf("finding: (no file) %s  (schedule %" PRIu64 ": %s): violates only on a choice path, which no whole run replays\n",
			       shape, hs.v[i].g, sched);
			fprintf(ff, "-\t%" PRIu64 "\t%s (choice path only)\t%s\n", hs.v[i].g, shape, sched);
			continue;
		}
		if (wr != 0) {
			fprintf(stderr, "sim: prove: schedule %" PRIu64 ": could not shrink and write it\n",
				hs.v[i].g);
			free(shapes);
			free(found);
			fclose(vf);
			fclose(ff);
			goto out;
		}
		if (file[0]) {
			printf("finding: %s  %s  (first: schedule %" PRIu64 ": %s)\n", file,
			       found[nfound - 1], hs.v[i].g, sched);
			fprintf(ff, "%s\t%" PRIu64 "\t%s\t%s\n", file, hs.v[i].g, found[nfound - 1],
				sched);
		}
	}
	free(shapes);
	free(found);
	fclose(ff);
	size_t nshapes_raw = nshapes;
	nshapes = nfound;
	fclose(vf);
	snprintf(path, sizeof path, "%s/safe-region.tsv", p.out);
	FILE *sf = fopen(path, "w");
	if (sf) {
		safe_region(&p, &hs, sf);
		fclose(sf);
	}
	coverage(&p, done, per_inv, hs.n, per_min, nmin, wall, stdout);
	printf("distinct counterexamples: %zu after shrinking (%zu shapes before; in %s/found/)\n",
	       nshapes, nshapes_raw, p.out);
	snprintf(path, sizeof path, "%s/coverage.txt", p.out);
	FILE *cf = fopen(path, "w");
	if (cf) {
		coverage(&p, done, per_inv, hs.n, per_min, nmin, wall, cf);
		fprintf(cf, "distinct counterexamples: %zu after shrinking (%zu shapes before)\n",
			nshapes, nshapes_raw);
		fclose(cf);
	}
	code = per_inv[SIM_INV_SAFETY] ? SIM_EXIT_SAFETY : hs.n ? SIM_EXIT_LIVENESS : SIM_EXIT_PASS;
	if (stop_requested && p.merge) {
		printf("partial: %" PRIu64 " of %" PRIu64 " schedules in the shards merged\n", done,
		       p.total);
	} else if (stop_requested) {
		printf("interrupted: %" PRIu64 " of %" PRIu64 " schedules run; the outputs are partial\n",
		       done, my_count(&p));
		code = PROVE_EXIT_INTERRUPTED;
	}
out:
	free(hs.v);
	free(hs.d);
	free(p.rep);
	free(p.v_atom);
	free(p.atoms);
	sim_scenario_free(&p.base);
	return code;
}
