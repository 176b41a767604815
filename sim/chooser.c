/* sim/chooser.c — the chooser seam (see chooser.h): timing draws as choice
 * points, the depth-first walk over them, and the world's state hash.
 *
 * The walk replays: run k takes the picks of its path from t = 0 and then
 * pick 0 at every new point, recording each point's arity; the next path is
 * the deepest point with a pick left, advanced by one. This costs a run per
 * leaf from t = 0, but needs no copy of a world (a core holds pointers into
 * itself), and every leaf is an ordinary, replayable run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chooser.h"
#include "leaselab/internal/assert.h"
#include "world_int.h"

struct sim_chooser {
	sim_chooser_opts o;
	sim_world *w;
	int64_t (*win)[2]; /* true-time windows where points branch */
	size_t nwin, wincap;
	/* the path being replayed, and what this run chose */
	uint8_t script[SIM_CHOOSER_DEPTH_MAX];
	size_t nscript;
	uint8_t pick[SIM_CHOOSER_DEPTH_MAX], arity[SIM_CHOOSER_DEPTH_MAX];
	size_t depth;
	bool capped, stop;
	/* a core's draw, settled once the input shows whether it was used */
	const sim_node *jit_node;
	const le_elector *jit_e;
	uint64_t jit_used;
	bool jit_pending, jit_branched, jit_capped_before;
	/* states seen in this scenario's tree: open addressing, 0 = empty */
	uint64_t *set;
	size_t set_n, set_cap;
	sim_chooser_stats *st;
	/* probe mode (sim_world_probe_hashes): the state at given instants */
	const int64_t *probe_t;
	uint64_t *probe_h;
	size_t probe_n, probe_k;
	sim_chooser_stats own_st; /* sim_chooser_replay's */
};

sim_chooser *sim_chooser_new(const sim_chooser_opts *o)
{
	sim_chooser *ch = calloc(1, sizeof *ch);
	if (!ch)
		return NULL;
	ch->o = *o;
	if (ch->o.points < 2)
		ch->o.points = 2;
	if (ch->o.points > SIM_CHOOSER_POINTS_MAX)
		ch->o.points = SIM_CHOOSER_POINTS_MAX;
	if (ch->o.depth_max > SIM_CHOOSER_DEPTH_MAX)
		ch->o.depth_max = SIM_CHOOSER_DEPTH_MAX;
	return ch;
}

void sim_chooser_free(sim_chooser *ch)
{
	if (!ch)
		return;
	free(ch->win);
	free(ch->set);
	free(ch);
}

void sim_world_set_chooser(sim_world *w, sim_chooser *ch)
{
	w->ch = ch ? ch : w->own_ch;
	/* the state hash reads heap.v as every pending event */
	if (w->ch && sim_heap_flatten(&w->heap) != LE_OK)
		sim__fail(w, LE_ENOMEM, "out of memory flattening the event queue");
	if (w->ch)
		w->ch->w = w;
}

int sim_chooser_replay(sim_chooser *ch, const sim_scenario *sc, const uint8_t *path,
		       size_t n)
{
	if (sim_chooser_reset(ch, sc, &ch->own_st) != LE_OK)
		return LE_ENOMEM;
	if (n > SIM_CHOOSER_DEPTH_MAX)
		n = SIM_CHOOSER_DEPTH_MAX;
	memcpy(ch->script, path, n);
	ch->nscript = n;
	return LE_OK;
}

size_t sim_chooser_path(const sim_chooser *ch, uint8_t *out, size_t cap)
{
	size_t n = ch->depth < cap ? ch->depth : cap;
	memcpy(out, ch->pick, n);
	return n;
}

/* ---- choice points ----------------------------------------------------------- */

static bool in_window(const sim_chooser *ch, int64_t t)
{
	for (size_t i = 0; i < ch->nwin; i++)
		if (t >= ch->win[i][0] && t <= ch->win[i][1])
			return true;
	return false;
}

/* The pick at a point of `arity` values, or -1: keep the seeded draw. */
static int choose(sim_chooser *ch, unsigned arity)
{
	if (arity < 2 || !in_window(ch, ch->w->now))
		return -1;
	if (ch->depth >= ch->o.depth_max) {
		ch->capped = true;
		return -1;
	}
	size_t d = ch->depth++;
	uint8_t p = d < ch->nscript ? ch->script[d] : 0;
	ch->pick[d] = p;
	ch->arity[d] = (uint8_t)arity;
	return p;
}

/* The pick's place between the minimum (0) and the maximum (1). */
static double frac(const sim_chooser *ch, int p)
{
	return (double)p / (double)(ch->o.points - 1);
}

static int64_t leg_max(const fa_latency *l)
{
	return l->b_ns > l->a_ns ? l->b_ns : l->a_ns;
}

/* --timing critical, the second instant: a draw that starts n's next
 * attempt just after another pod's next renewal reaches the store, so n
 * observes it as early as it can. The leader's next renewal is predicted
 * from its pending timer (true time), each later one RP and a slowest
 * round trip after it; the attempt starts a slowest request leg after
 * that, so its read arrives after the write. A prediction off by a few
 * milliseconds only delays the observation by that much. */
static bool observe_draw(const sim_chooser *ch, const sim_node *n, le_time t, uint64_t *d)
{
	const sim_world *w = ch->w;
	int64_t to = leg_max(&w->sc->latency_to), from = leg_max(&w->sc->latency_from);
	for (size_t i = 0; i < w->nnodes; i++) {
		const sim_node *l = w->nodes[i];
		if (l == n || !l->e || l->paused || !sim__alive(l) || !le_elector_is_leader(l->e) ||
		    l->timer_at == NO_TIME || l->timer_at < w->now)
			continue;
		int64_t cycle = l->ps->election.retry_period_ns + to + from;
		for (int k = 0; k < 4; k++) {
			int64_t at = l->timer_at + k * cycle + to + 1000;
			if (le_elector_draw_after(n->e, t.mono_ns, sim_clock_mono_ns(&n->clock, at), d))
				return true;
		}
	}
	return false;
}

uint64_t sim__choose_jitter(sim_chooser *ch, const sim_node *n, uint64_t seeded)
{
	ch->jit_pending = false;
	if (!n->e)
		return seeded;
	if (ch->o.critical) {
		le_time t = {sim_clock_mono_ns(&n->clock, ch->w->now),
			     sim_clock_wall_ns(&n->clock, ch->w->now)};
		int64_t exp;
		uint64_t d;
		if ((le_elector_expiry_mono(n->e, t, &exp) &&
		     le_elector_draw_after(n->e, t.mono_ns, exp + 1, &d)) ||
		    observe_draw(ch, n, t, &d)) {
			return d;
		}
		return seeded;
	}
	ch->jit_capped_before = ch->capped;
	int p = choose(ch, ch->o.points);
	ch->jit_node = n;
	ch->jit_e = n->e;
	ch->jit_used = le_elector_draws_used(n->e);
	ch->jit_pending = true;
	ch->jit_branched = p >= 0;
	if (p < 0)
		return seeded;
	/* the core takes the top 53 bits as a fraction of [0, 1) */
	double f = frac(ch, p);
	return f >= 1.0 ? UINT64_MAX : (uint64_t)(f * 0x1p64);
}

void sim__choose_settle(sim_chooser *ch)
{
	if (!ch || !ch->jit_pending)
		return;
	ch->jit_pending = false;
	const sim_node *n = ch->jit_node;
	if (n->e != ch->jit_e || le_elector_draws_used(n->e) != ch->jit_used)
		return;
	/* unused: the point had one outcome. Whether the core uses a draw
	 * does not depend on its value, so the run that recorded the path
	 * withdrew this point too. */
	if (ch->jit_branched)
		ch->depth--;
	if (!ch->jit_branched)
		ch->capped = ch->jit_capped_before;
}

int64_t sim_choose_latency(sim_chooser *ch, const fa_latency *l, fa_rng *r)
{
	int64_t seeded = fa_latency_draw(l, r);
	if (!ch || ch->o.critical || (l->kind != FA_LAT_UNIFORM && l->kind != FA_LAT_PARETO))
		return seeded;
	int64_t lo = l->a_ns, hi;
	if (l->kind == FA_LAT_UNIFORM) {
		if (l->b_ns <= l->a_ns + 1)
			return seeded;
		hi = l->b_ns - 1; /* the draw is in [a, b) */
	} else {
		/* no maximum without a cap: the 99.9th percentile stands in */
		hi = l->b_ns > 0 ? l->b_ns
				 : (int64_t)((double)l->a_ns / pow(1e-3, 1.0 / l->alpha));
	}
	int p = choose(ch, ch->o.points);
	if (p < 0)
		return seeded;
	return lo + (int64_t)(frac(ch, p) * (double)(hi - lo) + 0.5);
}

bool sim_choose_loss(sim_chooser *ch, double p, fa_rng *r)
{
	bool seeded = fa_rng_unit(r) < p;
	if (!ch || ch->o.critical || p <= 0.0 || p >= 1.0)
		return seeded;
	int k = choose(ch, 2);
	return k < 0 ? seeded : k == 1;
}

/* ---- the state set --------------------------------------------------------------- */

/* True when h was there already; inserts it otherwise. */
static int seen_insert(sim_chooser *ch, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (2 * (ch->set_n + 1) > ch->set_cap) {
		size_t cap = ch->set_cap ? 2 * ch->set_cap : 1024;
		uint64_t *v = calloc(cap, sizeof *v);
		if (!v)
			return -1;
		for (size_t i = 0; i < ch->set_cap; i++) {
			uint64_t x = ch->set[i];
			if (!x)
				continue;
			size_t j = (size_t)(x * 0x9e3779b97f4a7c15ULL) & (cap - 1);
			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = x;
		}
		free(ch->set);
		ch->set = v;
		ch->set_cap = cap;
	}
	size_t j = (size_t)(h * 0x9e3779b97f4a7c15ULL) & (ch->set_cap - 1);
	while (ch->set[j]) {
		if (ch->set[j] == h)
			return 1;
		j = (j + 1) & (ch->set_cap - 1);
	}
	ch->set[j] = h;
	ch->set_n++;
	return 0;
}

/* The world's state hash as of instant t >= now with nothing due before
 * t: the same state seen at t (clocks read at t, times relative to t). */
static uint64_t hash_at(sim_world *w, int64_t t)
{
	int64_t now = w->now;
	w->now = t;
	uint64_t h = sim_world_state_hash(w);
	w->now = now;
	return h;
}

bool sim__choose_boundary(sim_chooser *ch)
{
	if (ch->probe_t) {
		const sim_heap_ev *top = sim_heap_peek(&ch->w->heap);
		while (ch->probe_k < ch->probe_n && top && top->t_ns >= ch->probe_t[ch->probe_k]) {
			ch->probe_h[ch->probe_k] = hash_at(ch->w, ch->probe_t[ch->probe_k]);
			ch->probe_k++;
		}
		return false;
	}
	/* Only states past a new pick: on the replayed prefix every state was
	 * inserted by the run that first went there. The picks made so far
	 * are part of the key, since they decide how many points are left. */
	if (!ch->o.state_hash || ch->depth <= ch->nscript)
		return false;
	uint64_t h = sim_world_state_hash(ch->w) ^ ((uint64_t)ch->depth * 0xff51afd7ed558ccdULL);
	int r = seen_insert(ch, h);
	if (r == 0)
		ch->st->states++;
	if (r == 1) {
		ch->stop = true;
		return true;
	}
	return false;
}

/* ---- the walk ----------------------------------------------------------------------- */

static int set_windows(sim_chooser *ch, const sim_scenario *sc)
{
	ch->nwin = 0;
	size_t need = 2 * sc->nfaults;
	if (need > ch->wincap) {
		void *v = realloc(ch->win, need * sizeof *ch->win);
		if (!v)
			return -1;
		ch->win = v;
		ch->wincap = need;
	}
	int64_t wd = ch->o.window_ns;
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		int64_t at_hi = f->at_max_ns > f->at_ns ? f->at_max_ns : f->at_ns;
		ch->win[ch->nwin][0] = f->at_ns - wd;
		ch->win[ch->nwin++][1] = at_hi + wd;
		if (f->duration_ns > 0) {
			ch->win[ch->nwin][0] = f->at_ns + f->duration_ns - wd;
			ch->win[ch->nwin++][1] = at_hi + f->duration_ns + wd;
		}
	}
	return 0;
}

int sim_chooser_reset(sim_chooser *ch, const sim_scenario *sc, sim_chooser_stats *st)
{
	if (set_windows(ch, sc) != 0)
		return LE_ENOMEM;
	ch->set_n = 0;
	if (ch->set)
		memset(ch->set, 0, ch->set_cap * sizeof *ch->set);
	ch->st = st;
	ch->nscript = ch->depth = 0;
	ch->capped = ch->stop = ch->jit_pending = false;
	return LE_OK;
}

/* The next path after this run's, depth first; false when the tree is done. */
static bool next_path(sim_chooser *ch)
{
	for (size_t d = ch->depth; d-- > 0;) {
		if (ch->pick[d] + 1 < ch->arity[d]) {
			memcpy(ch->script, ch->pick, d);
			ch->script[d] = (uint8_t)(ch->pick[d] + 1);
			ch->nscript = d + 1;
			return true;
		}
	}
	return false;
}

int sim_chooser_judge(sim_chooser *ch, const sim_scenario *sc, uint64_t seed,
		      const sim_explore_opts *o, bool first_only, sim_invariant *inv,
		      sim_chooser_stats *st, char *err, size_t errcap)
{
	*inv = SIM_INV_NONE;
	if (sim_chooser_reset(ch, sc, st) != LE_OK) {
		snprintf(err, errcap, "out of memory for the choice windows");
		return LE_ENOMEM;
	}
	for (;;) {
		ch->depth = 0;
		ch->capped = ch->stop = ch->jit_pending = false;
		sim_invariant got;
		int rc = sim_explore_judge_chosen(sc, seed, o, ch, &got, err, errcap);
		if (rc != LE_OK)
			return rc;
		st->runs++;
		st->merged += ch->stop;
		st->capped += ch->capped;
		if (ch->depth > st->depth)
			st->depth = (unsigned)ch->depth;
		if (got != SIM_INV_NONE && (*inv == SIM_INV_NONE || got < *inv))
			*inv = got;
		if (first_only && *inv != SIM_INV_NONE)
			return LE_OK;
		if (!next_path(ch))
			return LE_OK;
	}
}

/* ---- the world's state hash ------------------------------------------------------ */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

static uint64_t rel(int64_t t, int64_t now)
{
	return t == NO_TIME ? UINT64_MAX : (uint64_t)(t - now);
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	return mix(h, sim_explore_hash(s, strlen(s)));
}

/* A request by its content; `answered`: its response fields are set (an
 * answer on its way or held for a paused pod), not before. */
static uint64_t req_hash(const sim_world *w, const sim_req *r, bool answered)
{
	int64_t wall = SIM_WALL_EPOCH_NS + w->now;
	uint64_t h = mix(mix(mix(0, r->node), r->inc), r->core);
	h = mix(h, (uint64_t)r->req.op << 8 | (uint64_t)r->req.target << 1 | r->req.no_record);
	h = mix(h, r->req.id);
	le_record rec;
	h = le_record_state_hash(h, sim__req_record(w, r, &rec), wall);
	char rv[LE_RV_MAX];
	h = mix_str(h, sim__req_rv(w, r, rv));
	const fa_decision *d = &r->dec;
	h = mix(h, (uint64_t)d->refused << 3 | (uint64_t)d->blackhole << 2 |
			   (uint64_t)d->drop_request << 1 | d->drop_response);
	h = mix(mix(h, (uint64_t)d->error_code), (uint64_t)d->retry_after_s);
	h = mix(mix(h, (uint64_t)d->commit_delay_ns), (uint64_t)d->response_delay_ns);
	h = mix(h, (uint64_t)r->triggered);
	if (!answered)
		return h;
	h = mix(h, (uint64_t)r->status << 4 | (uint64_t)r->has_record << 3 |
			   (uint64_t)r->record_present << 2 | (uint64_t)r->has_rv << 1 | r->has_raw);
	h = mix_str(h, sim_strtab_str(&w->strs, r->reason));
	if (r->has_record)
		h = le_record_state_hash(h, sim__resp_record(w, r, &rec), wall);
	if (r->has_rv)
		h = mix_str(h, sim__resp_rv(w, r, rv));
	if (r->has_raw) {
		unsigned char raw[SIM_RAW_MAX];
		h = mix(h, sim_explore_hash(raw, sim__req_raw(w, r, raw, sizeof raw)));
	}
	return h;
}

static bool is_request_event(uint32_t kind)
{
	return kind == EV_ARRIVE || kind == EV_COMMIT || kind == EV_DELIVER ||
	       kind == EV_TRIGGER_ARRIVE || kind == EV_RESPOND;
}

static uint64_t node_hash(const sim_world *w, const sim_node *n)
{
	int64_t now = w->now;
	uint64_t h = mix(0, (uint64_t)n->pod);
	h = mix(h, (uint64_t)n->state << 4 | (uint64_t)n->paused << 3 | (uint64_t)n->deleted << 2 |
			   (uint64_t)n->cancel_after_drain << 1 | n->exit_after_drain);
	h = mix(mix(mix(h, n->inc), n->core), (uint64_t)n->restarts);
	h = mix(h, (uint64_t)n->probe_fails);
	h = mix(mix(h, rel(n->timer_at, now)), rel(n->timer_want, now));
	h = mix(mix(h, (uint64_t)n->acting), n->term);
	h = mix(h, (uint64_t)n->token);
	h = mix(mix(h, rel(n->work_due, now)), rel(n->acting_end_due, now));
	h = mix(h, rel(n->sigterm_due, now));
	const sim_clock *c = &n->clock;
	h = mix(mix(h, (uint64_t)c->rate_ppm), (uint64_t)sim_clock_mono_ns(c, now));
	h = mix(h, (uint64_t)sim_clock_wall_ns(c, now));
	for (int i = 0; i < 4; i++)
		h = mix(mix(h, n->rng.s[i]), n->net_rng.s[i]);
	for (size_t i = 0; i < n->npend; i++)
		h = mix(mix(h, req_hash(w, w->reqs[n->pend[i]], true)),
			rel(w->reqs[n->pend[i]]->due_ns, now));
	for (size_t i = 0; i < n->nnetf; i++)
		h = mix(h, (uint64_t)n->netf[i]);
	if (n->e) {
		le_time t = {sim_clock_mono_ns(c, now), sim_clock_wall_ns(c, now)};
		h = mix(h, le_elector_state_hash(n->e, t));
	}
	return h;
}

/* Pending event i of heap.n + has_front (calendar off): the heap's, then
 * the front. */
static const sim_heap_ev *pending_at(const sim_heap *h, size_t i)
{
	return i < h->n ? &h->v[i] : &h->front;
}

static uint64_t store_hash(const sim_world *w, const sim_node *n)
{
	const sim_election *el = &n->ps->election;
	fa_lock_scratch scratch;
	uint64_t h = 0;
	for (int res = 0; res < FA_RES_COUNT; res++) {
		le_response resp;
		fa_store_lock_get(w->store, (fa_resource)res, el->lock_namespace, el->lock_name,
				  &scratch, &resp);
		h = mix(h, (uint64_t)resp.status);
		if (resp.status == 200) {
			h = mix(h, resp.record_present);
			if (resp.record)
				h = le_record_state_hash(h, resp.record, SIM_WALL_EPOCH_NS + w->now);
			if (resp.resource_version)
				h = mix_str(h, resp.resource_version);
		}
	}
	return h;
}

uint64_t sim_world_state_hash(const sim_world *w)
{
	LE_ASSERT(!w->shed); /* its state is gone */
	uint64_t h = mix(0, (uint64_t)w->now);
	h = mix(mix(h, (uint64_t)w->down_count), w->nrepl);
	h = mix(h, fa_store_revision(w->store));
	for (int i = 0; i < 4; i++)
		h = mix(h, w->fault_rng.s[i]);
	for (size_t i = 0; i < w->sc->nfaults; i++)
		if (w->fr[i].fired || w->fr[i].writes_seen) /* an ended fault leaves none */
			h = mix(mix(mix(h, i), w->fr[i].fired), (uint64_t)w->fr[i].writes_seen);
	for (size_t i = 0; i < w->nnodes; i++) {
		h = mix(h, node_hash(w, w->nodes[i]));
		if (i == 0 || w->nodes[i]->ps != w->nodes[i - 1]->ps)
			h = mix(h, store_hash(w, w->nodes[i]));
	}
	/* Pending events as a set (summed, so the heap's layout does not
	 * matter), each with its rank among the events due at the same
	 * instant, which run in push order. A world with a chooser is
	 * flattened (heap.v is every pending event); one without may also
	 * hold one in the heap's front slot, counted last. */
	uint64_t evs = 0;
	size_t np = w->heap.n + w->heap.has_front;
	for (size_t i = 0; i < np; i++) {
		const sim_heap_ev *ev = pending_at(&w->heap, i);
		uint64_t rank = 0;
		for (size_t j = 0; j < np; j++) {
			const sim_heap_ev *o = pending_at(&w->heap, j);
			rank += o->t_ns == ev->t_ns && o->seq < ev->seq;
		}
		uint64_t e = mix(mix(mix(0, rel(ev->t_ns, w->now)), ev->kind), rank);
		e = mix(e, ev->node);
		if (is_request_event(ev->kind))
			e = mix(e, req_hash(w, w->reqs[ev->arg],
					    ev->kind == EV_DELIVER || ev->kind == EV_RESPOND));
		else if (ev->kind == EV_TIMER)
			e = mix(e, w->nodes[ev->node]->timer_gen - ev->arg);
		else
			e = mix(e, ev->arg);
		evs += e;
	}
	return mix(h, evs);
}

int sim_world_probe_hashes(const sim_scenario *sc, uint64_t seed, bool critical, const int64_t *t,
			   size_t n, uint64_t *out, char *err, size_t errcap)
{
	sim_chooser_opts o = {.points = 2, .window_ns = 0, .depth_max = 0, .state_hash = false,
			      .critical = critical};
	sim_chooser *ch = sim_chooser_new(&o);
	if (!ch)
		return LE_ENOMEM;
	sim_chooser_stats st = {0};
	ch->st = &st;
	ch->probe_t = t;
	ch->probe_h = out;
	ch->probe_n = n;
	for (size_t i = 0; i < n; i++)
		out[i] = 0;
	sim_world *w = sim_world_new(sc, seed, err, errcap);
	if (!w) {
		sim_chooser_free(ch);
		return LE_EINVAL;
	}
	sim_world_set_chooser(w, ch);
	int rc = sim_world_run(w, err, errcap);
	sim_world_free(w);
	sim_chooser_free(ch);
	return rc;
}
