/* sim/explore.c — the search room: swarm profiles and schedules drawn from a
 * seed, the verdict of one scenario x seed as the checker gives it, and the
 * shrinker. Nothing here reads a history: verdicts come from sim_check.
 *
 * Swarm testing (Groce et al.; FoundationDB's buggify, TigerBeetle's VOPR):
 * each seed first draws a profile — which fault kinds are on and a size
 * factor for each — then 1..SIM_EXPLORE_FAULTS_MAX faults of the kinds that
 * are on. Seeds that leave most kinds off are what find the bugs a single
 * kind causes; seeds with many on find the combinations.
 *
 * Bounds come from the scenario's own settings (LD, RD, RP of the
 * scenario-wide election, the pods' start times, the run's duration), so
 * the same generator fits a 10 s and a 10 min run. */
#include <stdlib.h>
#include <string.h>

#include "chooser.h"
#include "fault_model.h"
#include "leaselab/explore.h"

#define XSTREAM_SEED 0x6578706c6f726531ULL /* "explore1": the schedule's stream */
#define MS SIM_X_MS
#define SEC SIM_X_SEC

/* The fault model's entry for explore's kind k. */
static const sim_fault_model *xmodel(int k)
{
	for (size_t i = 0; i < sim_fault_nmodels; i++)
		if (sim_fault_models[i].xkind == k)
			return &sim_fault_models[i];
	return NULL;
}

const char *sim_xkind_name(sim_xkind k)
{
	const sim_fault_model *m = (unsigned)k < SIM_XK_COUNT ? xmodel((int)k) : NULL;
	return m ? m->name : "unknown";
}

int sim_xkind_parse_list(const char *list, uint32_t *mask, char *err,
			 size_t errcap)
{
	*mask = 0;
	const char *p = list;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int found = -1;
		for (int k = 0; k < SIM_XK_COUNT; k++)
			if (strlen(sim_xkind_name((sim_xkind)k)) == n &&
			    !strncmp(p, sim_xkind_name((sim_xkind)k), n))
				found = k;
		if (found < 0) {
			char known[256] = "";
			for (int k = 0; k < SIM_XK_COUNT; k++) {
				size_t l = strlen(known);
				snprintf(known + l, sizeof known - l, "%s%s",
					 k ? ", " : "", sim_xkind_name((sim_xkind)k));
			}
			snprintf(err, errcap, "unknown fault kind \"%.*s\"; expected one of: %s",
				 (int)(n > 64 ? 64 : n), p, known);
			return LE_EINVAL;
		}
		*mask |= 1u << found;
		p = end ? end + 1 : NULL;
	}
	if (!*mask) {
		snprintf(err, errcap, "expected at least one fault kind");
		return LE_EINVAL;
	}
	return LE_OK;
}

void sim_explore_opts_init(sim_explore_opts *o)
{
	o->kinds = SIM_XK_ALL;
	o->invariants = 1u << SIM_INV_SAFETY | 1u << SIM_INV_LEASE_HISTORY;
	o->envelope = false;
}

/* ---- drawing ------------------------------------------------------------------ */

#define draw_range sim_x_range
#define ms_round sim_x_ms
#define chance sim_x_chance

static void pick_target(fa_rng *r, sim_fault *f)
{
	/* The leader is where split brains start; followers and "any" keep the
	 * search from only ever looking there. */
	unsigned x = (unsigned)sim_rng_below(r, 10);
	f->role = x < 6 ? SIM_ROLE_LEADER : x < 8 ? SIM_ROLE_FOLLOWER : SIM_ROLE_ANY;
	f->mode = SIM_MODE_ONE;
}

typedef sim_xbounds bounds;

static void derive_bounds(const sim_scenario *sc, bounds *b)
{
	const sim_election *e = &sc->defaults;
	int64_t last_start = 0;
	for (size_t i = 0; i < sc->npods; i++)
		if (sc->pods[i].start_ns > last_start)
			last_start = sc->pods[i].start_ns;
	b->ld = e->lease_duration_ns;
	b->rd = e->renew_deadline_ns;
	b->rp = e->retry_period_ns;
	b->end_ns = sc->duration_ns;
	/* After the first leader is elected (its start plus a lease), before
	 * three quarters of the run: the tail shows what the fault did. */
	b->at_lo = last_start + b->rp;
	b->at_hi = sc->duration_ns * 3 / 4;
	if (b->at_hi <= b->at_lo)
		b->at_hi = b->at_lo;
	b->dur_lo = b->rp / 2 > MS ? b->rp / 2 : MS;
	b->dur_hi = 2 * b->ld + b->rd;
	b->slack = b->ld - b->rp - b->rd;
	if (b->slack < 4 * MS)
		b->slack = 4 * MS;
}

static void label_fault(sim_fault *f, const char *kind, size_t i)
{
	static const char *const roles[] = {"any pod", "the leader", "a follower"};
	if (sim_fault_on_controller(f)) {
		snprintf(f->label, sizeof f->label, "explore %zu: %s", i, kind);
		return;
	}
	snprintf(f->label, sizeof f->label, "explore %zu: %s on %s", i, kind,
		 f->action == SIM_ACT_APISERVER && f->role == SIM_ROLE_ANY &&
				 f->mode == SIM_MODE_ALL
			 ? "every client"
			 : roles[f->role]);
}

/* One instance of kind k, size factor scale_pct (25..100) of the bounds. */
static void draw_fault(fa_rng *r, const bounds *b, sim_xkind k, unsigned scale_pct,
		       size_t i, sim_fault *f)
{
	memset(f, 0, sizeof *f);
	f->grace_period_ns = -1;
	f->at_ns = ms_round(draw_range(r, b->at_lo, b->at_hi));
	int64_t hi = b->dur_lo + (b->dur_hi - b->dur_lo) * (int64_t)scale_pct / 100;
	if (f->at_ns + hi > b->end_ns)
		hi = b->end_ns - f->at_ns;
	int64_t dur = ms_round(draw_range(r, b->dur_lo, hi));
	if (dur <= 0)
		dur = MS;
	pick_target(r, f);
	const sim_fault_model *m = xmodel((int)k);
	f->action = m->action;
	m->draw(r, b, scale_pct, dur, f);
	if (b->envelope && m->clamp)
		m->clamp(r, b, f);
	label_fault(f, m->name, i);
}

/* One fault in four starts at an event (when:) instead of its time, which
 * is then only when it is armed: the renewal that reaches the store, its
 * answer, the 1st to 4th lease write, a pod starting or stopping to lead. */
static void draw_trigger(fa_rng *r, sim_fault *f)
{
	if (!chance(r, 25) || sim_fault_on_controller(f))
		return; /* the controller's faults take no when: */
	f->when.kind = (sim_trigger_kind)(1 + sim_rng_below(r, 5));
	f->when.count = f->when.kind == SIM_WHEN_LEASE_WRITE
				? 1 + (int64_t)sim_rng_below(r, 4)
				: 1;
	static const char *const names[] = {"", "renew-request", "renew-response",
					    "lease-write", "started-leading",
					    "stopped-leading"};
	size_t l = strlen(f->label);
	snprintf(f->label + l, sizeof f->label - l, " when %s", names[f->when.kind]);
}

uint32_t sim_explore_kinds_for(const sim_scenario *base, uint32_t kinds)
{
	for (size_t i = 0; i < base->npods; i++)
		if (base->pods[i].coordinated)
			return kinds;
	return kinds & ~SIM_XK_COORDINATION;
}

int sim_explore_draw(const sim_scenario *base, uint64_t seed,
		     const sim_explore_opts *o, sim_explore_case *out)
{
	memset(out, 0, sizeof *out);
	out->sc = *base;
	out->sc.text = NULL; /* the pods' names are the base's (it outlives us) */
	out->sc.pods = NULL;
	out->sc.faults = NULL;
	out->sc.nfaults = 0;
	out->sc.seed = seed;
	out->base_faults = base->nfaults;

	fa_rng r;
	fa_rng_seed(&r, sim_stream_seed(seed, SIM_STREAM_FAULTS, XSTREAM_SEED));
	/* The profile: each allowed kind on with probability 1/2 (at least
	 * one), with a size of 25, 50 or 100 % of the bounds. */
	uint32_t on = 0;
	unsigned scale[SIM_XK_COUNT] = {0};
	int allowed[SIM_XK_COUNT], nallowed = 0;
	uint32_t kinds = sim_explore_kinds_for(base, o->kinds);
	for (int k = 0; k < SIM_XK_COUNT; k++) {
		if (!(kinds & (1u << k)))
			continue;
		allowed[nallowed++] = k;
		if (chance(&r, 50))
			on |= 1u << k;
		static const unsigned sizes[] = {25, 50, 100};
		scale[k] = sizes[sim_rng_below(&r, 3)];
	}
	if (nallowed == 0)
		return LE_EINVAL;
	if (!on)
		on = 1u << allowed[sim_rng_below(&r, (uint64_t)nallowed)];
	int kinds_on[SIM_XK_COUNT], non = 0;
	size_t len = 0;
	for (int k = 0; k < SIM_XK_COUNT; k++)
		if (on & (1u << k)) {
			kinds_on[non++] = k;
			if (len < sizeof out->profile)
				len += (size_t)snprintf(out->profile + len,
							sizeof out->profile - len,
							"%s%s x%.2f", len ? ", " : "",
							sim_xkind_name((sim_xkind)k),
							scale[k] / 100.0);
		}
	size_t nnew = 1 + (size_t)sim_rng_below(&r, SIM_EXPLORE_FAULTS_MAX);

	out->sc.pods = malloc((base->npods ? base->npods : 1) * sizeof *base->pods);
	out->sc.faults = calloc(base->nfaults + nnew, sizeof *base->faults);
	if (!out->sc.pods || !out->sc.faults) {
		sim_explore_case_free(out);
		return LE_ENOMEM;
	}
	memcpy(out->sc.pods, base->pods, base->npods * sizeof *base->pods);
	if (base->nfaults)
		memcpy(out->sc.faults, base->faults, base->nfaults * sizeof *base->faults);
	out->sc.nfaults = base->nfaults;

	bounds b;
	derive_bounds(base, &b);
	b.envelope = o->envelope;
	/* Triggers come from a stream of their own, so that turning them on
	 * left every other draw of a seed as it was. */
	fa_rng tr;
	fa_rng_seed(&tr, sim_stream_seed(seed, SIM_STREAM_FAULTS, XSTREAM_SEED + 1));
	for (size_t i = 0; i < nnew; i++) {
		sim_xkind k = (sim_xkind)kinds_on[sim_rng_below(&r, (uint64_t)non)];
		sim_fault *f = &out->sc.faults[out->sc.nfaults++];
		draw_fault(&r, &b, k, scale[k], i, f);
		draw_trigger(&tr, f);
	}
	/* The expectations are the base's; explore judges without them. */
	out->sc.expect.expect_violation = false;
	out->sc.expect.violation = SIM_INV_NONE;
	return LE_OK;
}

void sim_explore_case_free(sim_explore_case *c)
{
	free(c->sc.pods);
	free(c->sc.faults);
	c->sc.pods = NULL;
	c->sc.faults = NULL;
}

/* ---- judging -------------------------------------------------------------------- */

int sim_explore_judge(const sim_scenario *sc, uint64_t seed,
		      const sim_explore_opts *o, sim_invariant *inv, char *err,
		      size_t errcap)
{
	return sim_explore_judge_chosen(sc, seed, o, NULL, inv, err, errcap);
}

int sim_explore_judge_chosen(const sim_scenario *sc, uint64_t seed,
			     const sim_explore_opts *o, sim_chooser *ch,
			     sim_invariant *inv, char *err, size_t errcap)
{
	*inv = SIM_INV_NONE;
	sim_scenario plain = *sc;
	plain.expect.expect_violation = false;
	plain.expect.violation = SIM_INV_NONE;
	sim_world *w = sim_world_new(&plain, seed, err, errcap);
	if (!w)
		return LE_EINVAL;
	sim_world_set_chooser(w, ch);
	int rc = sim_world_run(w, err, errcap);
	if (rc != LE_OK) {
		sim_world_free(w);
		return rc;
	}
	sim_check_result res;
	rc = sim_check(&plain, sim_world_history(w), &res);
	if (rc == LE_OK) {
		for (size_t i = 0; i < res.nviolations; i++) {
			sim_invariant v = res.violations[i].inv;
			if ((o->invariants & (1u << v)) &&
			    (*inv == SIM_INV_NONE || v < *inv))
				*inv = v;
		}
		sim_check_result_free(&res);
	} else {
		snprintf(err, errcap, "the checker failed: %s", le_strerror(rc));
	}
	sim_world_free(w);
	return rc;
}

/* ---- shrinking ------------------------------------------------------------------- */

typedef struct shrinker {
	sim_explore_case *c;
	uint64_t seed;
	const sim_explore_opts *o;
	sim_invariant inv;
	int runs;
	int rc;
} shrinker;

/* Does the case as it stands still violate the invariant? */
static bool still_fails(shrinker *s)
{
	char err[256];
	sim_invariant got;
	s->runs++;
	int rc = sim_explore_judge(&s->c->sc, s->seed, s->o, &got, err, sizeof err);
	/* A step that makes the world refuse the scenario is not taken. */
	return rc == LE_OK && got == s->inv;
}

static int64_t fault_end(const sim_fault *f)
{
	int64_t at = f->at_max_ns > f->at_ns ? f->at_max_ns : f->at_ns;
	return at + (f->duration_ns > 0 ? f->duration_ns : 0);
}

/* ddmin's first pass, one fault at a time, from the last: with at most a
 * handful of faults the pass is cheap and finds a 1-minimal schedule. */
static size_t drop_faults(shrinker *s)
{
	sim_scenario *sc = &s->c->sc;
	size_t dropped = 0;
	for (size_t i = sc->nfaults; i-- > 0;) {
		if (sc->nfaults <= 1)
			break;
		sim_fault saved = sc->faults[i];
		memmove(&sc->faults[i], &sc->faults[i + 1],
			(sc->nfaults - i - 1) * sizeof *sc->faults);
		sc->nfaults--;
		if (still_fails(s)) {
			dropped++;
			if (i < s->c->base_faults)
				s->c->base_faults--;
			continue;
		}
		memmove(&sc->faults[i + 1], &sc->faults[i],
			(sc->nfaults - i) * sizeof *sc->faults);
		sc->faults[i] = saved;
		sc->nfaults++;
	}
	return dropped;
}

static bool shrinker_fails(void *ctx)
{
	return still_fails(ctx);
}

static size_t shrink_magnitudes(shrinker *s)
{
	sim_scenario *sc = &s->c->sc;
	sim_xshrink xs = {.still_fails = shrinker_fails, .ctx = s};
	size_t moved = 0;
	for (size_t i = 0; i < sc->nfaults; i++) {
		sim_fault *f = &sc->faults[i];
		if (f->when.kind != SIM_WHEN_NONE) {
			/* a plain timed fault is the simpler one */
			sim_trigger saved = f->when;
			f->when.kind = SIM_WHEN_NONE;
			if (still_fails(s))
				moved++;
			else
				f->when = saved;
		}
		if (f->duration_ns > 0)
			moved += (size_t)sim_xshrink_i64(&xs, &f->duration_ns, MS);
		const sim_fault_model *m = sim_fault_model_of(f->action);
		if (m && m->shrink)
			moved += (size_t)m->shrink(&xs, f);
	}
	return moved;
}

static bool pod_named(const sim_scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nfaults; i++)
		for (int k = 0; k < sc->faults[i].nnames; k++)
			if (!strcmp(sc->faults[i].names[k], name))
				return true;
	return false;
}

static size_t drop_pods(shrinker *s)
{
	sim_scenario *sc = &s->c->sc;
	size_t dropped = 0;
	for (size_t i = sc->npods; i-- > 0;) {
		if (sc->npods <= 1)
			break;
		if (pod_named(sc, sc->pods[i].name))
			continue;
		sim_pod_spec saved = sc->pods[i];
		memmove(&sc->pods[i], &sc->pods[i + 1],
			(sc->npods - i - 1) * sizeof *sc->pods);
		sc->npods--;
		if (still_fails(s)) {
			dropped++;
			continue;
		}
		memmove(&sc->pods[i + 1], &sc->pods[i],
			(sc->npods - i) * sizeof *sc->pods);
		sc->pods[i] = saved;
		sc->npods++;
	}
	return dropped;
}

/* The run may end once every fault and pod start is behind it (plus a
 * second, so nothing is scheduled at the very end). */
static bool shorten_run(shrinker *s)
{
	sim_scenario *sc = &s->c->sc;
	int64_t lo = 0;
	for (size_t i = 0; i < sc->nfaults; i++)
		if (fault_end(&sc->faults[i]) > lo)
			lo = fault_end(&sc->faults[i]);
	for (size_t i = 0; i < sc->npods; i++)
		if (sc->pods[i].start_ns > lo)
			lo = sc->pods[i].start_ns;
	lo = (lo / SEC + 1) * SEC;
	bool moved = false;
	for (int step = 0; step < 8 && sc->duration_ns > lo; step++) {
		int64_t old = sc->duration_ns;
		int64_t next = (lo + (old - lo) / 2) / SEC * SEC;
		if (next < lo)
			next = lo;
		if (next >= old)
			break;
		sc->duration_ns = next;
		if (!still_fails(s)) {
			sc->duration_ns = old;
			break;
		}
		moved = true;
	}
	return moved;
}

int sim_explore_shrink(sim_explore_case *c, uint64_t seed,
		       const sim_explore_opts *o, sim_invariant inv,
		       char *removed, size_t removedcap)
{
	shrinker s = {.c = c, .seed = seed, .o = o, .inv = inv};
	size_t nf0 = c->sc.nfaults, np0 = c->sc.npods;
	int64_t d0 = c->sc.duration_ns;
	size_t faults = 0, pods = 0, mags = 0;
	/* Repeat while a pass helps: a shorter fault can make another one
	 * unnecessary. Three rounds are plenty for four faults. */
	for (int round = 0; round < 3; round++) {
		size_t f = drop_faults(&s);
		size_t m = shrink_magnitudes(&s);
		faults += f;
		mags += m;
		if (!f && !m && round > 0)
			break;
	}
	pods = drop_pods(&s);
	shorten_run(&s);
	char d0s[32], d1s[32];
	le_format_duration(d0, d0s, sizeof d0s);
	le_format_duration(c->sc.duration_ns, d1s, sizeof d1s);
	snprintf(removed, removedcap,
		 "shrunk from %zu fault%s to %zu (%zu dropped), %zu duration/magnitude step%s, %zu of %zu pods dropped, run %s -> %s, %d simulations",
		 nf0, nf0 == 1 ? "" : "s", c->sc.nfaults, faults, mags,
		 mags == 1 ? "" : "s", pods, np0, d0s, d1s, s.runs);
	return s.runs;
}

uint64_t sim_explore_hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
