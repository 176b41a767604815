/* sim/check.c — the checker (architecture.md "The checker").
 *
 * It reads only a history and the scenario (expectations, and the pods'
 * election settings for the derived bounds), so the simulator and the live
 * harness share it. Everything is computed from true-time events:
 *
 *   term      a pod's elector-level leadership: STARTED_LEADING to the first of
 *             STOPPED_LEADING, POD_DEATH, POD_EXIT or the end of the run.
 *   acting    what the pod's user code does: STARTED_LEADING to the first of
 *             ACTING_END (user code noticed), POD_DEATH, POD_EXIT or the end;
 *             when no ACTING_END follows a STOPPED_LEADING, the stop ends it
 *             (stop_delay 0). A paused pod keeps acting: it acts on resume
 *             until it notices.
 *
 * Invariants:
 *   safety         at most max_leaders acting at any instant (half-open
 *                  intervals: one ending at t and another starting at t do not
 *                  overlap); guarded-work damage counted inside each overlap.
 *   failover       when a term ends (crash, release, step-down) or another pod
 *                  takes over a paused / cut-off leader, the next term starts
 *                  within the bound (scenario failover_max, or election-spec.md 6.1
 *                  / 6.2 derived from the pods' settings and the network).
 *   lease-history  transitions +1 per change of holder, unchanged on renew;
 *                  acquireTime changes only on takeover; no commit from a pod
 *                  that was dead when the request could have been sent.
 *   liveness       after the last fault heals, some pod leads within the bound
 *                  (unless no pod is alive).
 *   stability      no change of leader (nor loss of leadership) outside a
 *                  disturbance window (a fault or a process event, plus the
 *                  failover bound after it).
 *   leaderless     total and longest time with nobody acting as leader after
 *                  the first acquisition, against leaderless_max if set.
 *
 * Pods sharing one identity (election-spec.md H4) are one holder to the lease:
 * a second such pod starting to lead while the first still does is neither
 * a takeover (failover) nor a change of leader (stability); it is reported
 * once, as a safety overlap naming the shared identity.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/election.h"
#include "leaselab/internal/assert.h"
#include "leaselab/sim.h"

#define NEVER INT64_MAX

const char *sim_failover_cause_name(sim_failover_cause c)
{
	switch (c) {
	case SIM_FO_CRASH: return "crash";
	case SIM_FO_RELEASE: return "release";
	case SIM_FO_LOST: return "lost";
	case SIM_FO_PAUSE: return "pause";
	case SIM_FO_OTHER: break;
	}
	return "other";
}

const char *sim_invariant_name(sim_invariant inv)
{
	switch (inv) {
	case SIM_INV_NONE: return "any";
	case SIM_INV_SAFETY: return "safety";
	case SIM_INV_FAILOVER: return "failover";
	case SIM_INV_LEASE_HISTORY: return "lease-history";
	case SIM_INV_LIVENESS: return "liveness";
	case SIM_INV_STABILITY: return "stability";
	case SIM_INV_LEADERLESS: return "leaderless";
	case SIM_INV_COORDINATION: return "coordination";
	case SIM_INV_HANDOVER: return "handover";
	case SIM_INV_COUNT: break;
	}
	return "unknown";
}

/* Safety-class invariants exit 1, the rest 2 (architecture.md "The checker"). */
static bool inv_is_safety(sim_invariant inv)
{
	return inv == SIM_INV_SAFETY || inv == SIM_INV_LEASE_HISTORY;
}

/* ---- small helpers ------------------------------------------------------- */

static int64_t add_sat(int64_t a, int64_t b)
{
	if (a == NEVER || b == NEVER)
		return NEVER;
	if (b > 0 && a > NEVER - b)
		return NEVER;
	return a + b;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static double secs(int64_t ns) { return (double)ns / 1e9; }

/* Grow *arr (of elem-sized items) so that index n fits. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return LE_OK;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap <= n)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return LE_ENOMEM;
	*arr = p;
	*cap = ncap;
	return LE_OK;
}

/* Worst-case duration of one latency leg; NEVER when unbounded. */
static int64_t latency_max_ns(const fa_latency *l)
{
	switch (l->kind) {
	case FA_LAT_NONE: return 0;
	case FA_LAT_FIXED: return l->a_ns;
	case FA_LAT_UNIFORM: return max64(l->a_ns, l->b_ns);
	case FA_LAT_PARETO: return l->b_ns > 0 ? l->b_ns : NEVER;
	}
	return NEVER;
}

/* ---- the checker's working state ----------------------------------------- */

typedef enum end_kind {
	END_RUN = 0,  /* still open when the run ended */
	END_STOPPED,
	END_DEATH,
	END_EXIT,
	END_ACTING,   /* ACTING_END (acting intervals only) */
} end_kind;

typedef struct interval {
	int32_t pod;
	int64_t start_ns, end_ns;
	end_kind end;
} interval;

typedef struct window {
	int32_t fault;  /* scenario fault index, -1 = a process event */
	int32_t pod;    /* pod it hit, -1 = none / all */
	int64_t start_ns, end_ns; /* end NEVER = never healed */
} window;

typedef struct bounds {
	int64_t request_ns;   /* worst duration of one successful request (r) */
	int64_t inflight_ns;  /* worst send-to-commit time of a request */
	int64_t crash_ns;     /* election-spec.md 6.1 (or the scenario's max) */
	int64_t release_ns;   /* election-spec.md 6.2 (or the scenario's max) */
	int64_t rp_max_ns;    /* the largest retry period of any pod */
	bool explicit_max;    /* failover_max from the scenario */
} bounds;

typedef struct checker {
	const sim_scenario *sc;
	const sim_history *h;
	sim_check_result *r;
	int64_t end_ns;
	interval *terms;   size_t nterms, terms_cap;
	interval *acting;  size_t nacting, acting_cap;
	window *windows;   size_t nwindows, windows_cap;
	size_t fo_cap, ov_cap, vi_cap, ho_cap;
	bounds b;
	int64_t transitions_resets; /* sidecar-0.5 renews writing 0 (not flagged) */
	bool *stale;                /* per event: a WORK event that was stale */
	int64_t first_lead_ns;      /* NEVER = nobody ever led */
} checker;

static const sim_pod_spec *pod_spec(const checker *c, int32_t pod)
{
	if (pod < 0 || (size_t)pod >= c->h->npods)
		return NULL;
	int32_t s = c->h->pods[pod].spec;
	if (s < 0 || (size_t)s >= c->sc->npods)
		return NULL;
	return &c->sc->pods[s];
}

static const char *pod_name(const checker *c, int32_t pod)
{
	if (pod < 0 || (size_t)pod >= c->h->npods)
		return "-";
	return c->h->pods[pod].name;
}

static const char *identity_name(const checker *c, int32_t id)
{
	if (id < 0 || (size_t)id >= c->h->nidentities)
		return "";
	return c->h->identities[id];
}

static int32_t pod_identity(const checker *c, int32_t pod)
{
	if (pod < 0 || (size_t)pod >= c->h->npods)
		return -1;
	return c->h->pods[pod].identity;
}

/* Two different pods running under one elector identity (election-spec.md
 * H4): the lease cannot tell them apart, so a holder names both. */
static bool shares_identity(const checker *c, int32_t a, int32_t b)
{
	int32_t ia = pod_identity(c, a);
	return a != b && ia >= 0 && ia == pod_identity(c, b);
}

static int add_violation(checker *c, sim_invariant inv, int64_t t_ns,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int add_violation(checker *c, sim_invariant inv, int64_t t_ns,
			 const char *fmt, ...)
{
	sim_check_result *r = c->r;
	if (grow((void **)&r->violations, &c->vi_cap, r->nviolations,
		 sizeof *r->violations))
		return LE_ENOMEM;
	sim_violation *v = &r->violations[r->nviolations++];
	memset(v, 0, sizeof *v);
	v->inv = inv;
	v->t_ns = t_ns;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof v->text, fmt, ap);
	va_end(ap);
	return LE_OK;
}

static int push_interval(interval **arr, size_t *n, size_t *cap, int32_t pod,
			 int64_t start_ns, int64_t end_ns, end_kind end)
{
	/* Events are in time order and the run ends after the last one, so an
	 * interval can never end before it starts. */
	LE_ASSERT(start_ns <= end_ns);
	LE_ASSERT(pod >= 0);
	if (grow((void **)arr, cap, *n, sizeof **arr))
		return LE_ENOMEM;
	(*arr)[(*n)++] = (interval){ pod, start_ns, end_ns, end };
	return LE_OK;
}

/* ---- 1. terms and acting intervals ----------------------------------------- */

typedef struct pod_lead {
	bool term_open, act_open, stop_pending;
	int64_t term_start_ns, act_start_ns, stop_ns;
} pod_lead;

/* When the acting interval of a pod that stopped at stop_ns (and saw no
 * ACTING_END) ends, given that a closing event happened at t_ns. With the
 * pod's stop_delay known the user code would have noticed at stop + delay;
 * without it (a live history), the stop itself ends it. */
static int64_t pending_acting_end(const checker *c, int32_t pod,
				  const pod_lead *pl, int64_t t_ns)
{
	const sim_pod_spec *ps = pod_spec(c, pod);
	if (!ps)
		return pl->stop_ns;
	return min64(t_ns, add_sat(pl->stop_ns, ps->stop_delay_ns));
}

static int close_acting(checker *c, int32_t pod, pod_lead *pl, int64_t end_ns,
			end_kind end)
{
	pl->act_open = false;
	pl->stop_pending = false;
	return push_interval(&c->acting, &c->nacting, &c->acting_cap, pod,
			     pl->act_start_ns, end_ns, end);
}

static int close_term(checker *c, int32_t pod, pod_lead *pl, int64_t end_ns,
		      end_kind end)
{
	pl->term_open = false;
	return push_interval(&c->terms, &c->nterms, &c->terms_cap, pod,
			     pl->term_start_ns, end_ns, end);
}

static int on_lead_event(checker *c, const sim_event *e, pod_lead *pl)
{
	int32_t p = e->pod;
	int rc = LE_OK;
	switch (e->kind) {
	case SIM_EV_STARTED_LEADING:
		if (pl->act_open && pl->stop_pending) {
			/* Leading again before user code noticed the last stop:
			 * with a known stop_delay the acting never paused. */
			const sim_pod_spec *ps = pod_spec(c, p);
			int64_t noticed = ps ? add_sat(pl->stop_ns, ps->stop_delay_ns)
					     : pl->stop_ns;
			if (noticed > e->t_ns)
				pl->stop_pending = false;
			else
				rc = close_acting(c, p, pl, noticed, END_ACTING);
		}
		if (!pl->act_open) {
			pl->act_open = true;
			pl->act_start_ns = e->t_ns;
		}
		if (!pl->term_open) {
			pl->term_open = true;
			pl->term_start_ns = e->t_ns;
		}
		break;
	case SIM_EV_STOPPED_LEADING: {
		if (pl->term_open)
			rc = close_term(c, p, pl, e->t_ns, END_STOPPED);
		if (rc || !pl->act_open || pl->stop_pending)
			break;
		const sim_pod_spec *ps = pod_spec(c, p);
		if (ps && ps->stop_delay_ns == 0) {
			rc = close_acting(c, p, pl, e->t_ns, END_STOPPED);
		} else {
			pl->stop_pending = true;
			pl->stop_ns = e->t_ns;
		}
		break;
	}
	case SIM_EV_ROGUE_START:
		/* leader-only work with no term: it acts until it notices
		 * (ACTING_END, or its stop_delay), like a stopped leader */
		if (!pl->act_open) {
			pl->act_open = true;
			pl->act_start_ns = e->t_ns;
			pl->stop_pending = true;
			pl->stop_ns = e->t_ns;
		}
		break;
	case SIM_EV_ACTING_END:
		if (pl->act_open && pl->stop_pending)
			rc = close_acting(c, p, pl, e->t_ns, END_ACTING);
		break;
	case SIM_EV_POD_DEATH:
	case SIM_EV_POD_EXIT: {
		end_kind k = e->kind == SIM_EV_POD_DEATH ? END_DEATH : END_EXIT;
		if (pl->term_open)
			rc = close_term(c, p, pl, e->t_ns, k);
		if (!rc && pl->act_open) {
			if (pl->stop_pending)
				rc = close_acting(c, p, pl,
						  pending_acting_end(c, p, pl, e->t_ns),
						  END_ACTING);
			else
				rc = close_acting(c, p, pl, e->t_ns, k);
		}
		break;
	}
	default:
		break;
	}
	return rc;
}

static int cmp_interval(const void *a, const void *b)
{
	const interval *x = a, *y = b;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	if (x->pod != y->pod)
		return x->pod < y->pod ? -1 : 1;
	return 0;
}

static int collect_intervals(checker *c)
{
	const sim_history *h = c->h;
	pod_lead *pl = calloc(h->npods ? h->npods : 1, sizeof *pl);
	if (!pl)
		return LE_ENOMEM;
	int rc = LE_OK;
	for (size_t i = 0; i < h->n && !rc; i++) {
		const sim_event *e = &h->ev[i];
		if (e->pod < 0 || (size_t)e->pod >= h->npods)
			continue;
		rc = on_lead_event(c, e, &pl[e->pod]);
	}
	for (size_t p = 0; p < h->npods && !rc; p++) {
		if (pl[p].term_open)
			rc = close_term(c, (int32_t)p, &pl[p], c->end_ns, END_RUN);
		if (!rc && pl[p].act_open)
			rc = close_acting(c, (int32_t)p, &pl[p],
					  pl[p].stop_pending
						  ? pending_acting_end(c, (int32_t)p,
								       &pl[p], c->end_ns)
						  : c->end_ns,
					  pl[p].stop_pending ? END_ACTING : END_RUN);
	}
	free(pl);
	if (rc)
		return rc;
	/* A zero-length acting interval (start and stop at one instant) never
	 * acted; drop it so it cannot "overlap". */
	size_t k = 0;
	for (size_t i = 0; i < c->nacting; i++)
		if (c->acting[i].end_ns > c->acting[i].start_ns)
			c->acting[k++] = c->acting[i];
	c->nacting = k;
	if (c->nterms > 1)
		qsort(c->terms, c->nterms, sizeof *c->terms, cmp_interval);
	if (c->nacting > 1)
		qsort(c->acting, c->nacting, sizeof *c->acting, cmp_interval);
	c->first_lead_ns = c->nterms ? c->terms[0].start_ns : NEVER;
	return LE_OK;
}

/* ---- 2. disturbance windows ----------------------------------------------- */

static int push_window(checker *c, int32_t fault, int32_t pod, int64_t s,
		       int64_t e)
{
	LE_ASSERT(s <= e);
	if (grow((void **)&c->windows, &c->windows_cap, c->nwindows,
		 sizeof *c->windows))
		return LE_ENOMEM;
	c->windows[c->nwindows++] = (window){ fault, pod, s, e };
	return LE_OK;
}

/* Fault windows from FAULT_START/FAULT_END (an END closes the oldest open
 * window of the same fault and pod), and one instant per process or network
 * event that a fault caused: a death, SIGTERM, exit, pause, resume, cut, uncut
 * or a (re)start after the initial one. */
static int collect_windows(checker *c)
{
	const sim_history *h = c->h;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		int rc = LE_OK;
		switch (e->kind) {
		case SIM_EV_FAULT_START:
			rc = push_window(c, e->fault, e->pod, e->t_ns, NEVER);
			break;
		case SIM_EV_FAULT_END:
			for (size_t w = 0; w < c->nwindows; w++) {
				window *x = &c->windows[w];
				if (x->fault == e->fault && x->pod == e->pod &&
				    x->end_ns == NEVER) {
					LE_ASSERT(x->start_ns <= e->t_ns);
					x->end_ns = e->t_ns;
					break;
				}
			}
			break;
		case SIM_EV_POD_DEATH:
		case SIM_EV_POD_EXIT:
		case SIM_EV_POD_SIGTERM:
		case SIM_EV_PAUSE:
		case SIM_EV_RESUME:
		case SIM_EV_CUT:
		case SIM_EV_UNCUT:
			rc = push_window(c, -1, e->pod, e->t_ns, e->t_ns);
			break;
		case SIM_EV_POD_START:
			if (e->restarts > 0 || (e->pod >= 0 && (size_t)e->pod < h->npods &&
					 h->pods[e->pod].replaces >= 0))
				rc = push_window(c, -1, e->pod, e->t_ns, e->t_ns);
			break;
		default:
			break;
		}
		if (rc)
			return rc;
	}
	/* Process faults are instants: kill, delete, restart, clock step. */
	for (size_t w = 0; w < c->nwindows; w++) {
		window *x = &c->windows[w];
		if (x->end_ns != NEVER || x->fault < 0 ||
		    (size_t)x->fault >= c->sc->nfaults)
			continue;
		sim_action a = c->sc->faults[x->fault].action;
		if (a == SIM_ACT_POD_KILL || a == SIM_ACT_POD_DELETE ||
		    a == SIM_ACT_RESTART || a == SIM_ACT_TIME_SKEW ||
		    a == SIM_ACT_DELETE_CANDIDATE ||
		    (a == SIM_ACT_CONTROLLER_RESTART &&
		     c->sc->faults[x->fault].duration_ns == 0))
			x->end_ns = x->start_ns;
	}
	return LE_OK;
}

/* ---- 3. bounds (election-spec.md 6.1, 6.2) -------------------------------------- */

/* The worst request duration r: the network's worst round trip (base
 * latency, delay faults, apiserver latency and slow commits), capped by the
 * largest client timeout when every pod has one. The worst send-to-commit
 * time (for "no write from a dead pod") is the request leg plus commit. */
static void derive_request_bounds(checker *c)
{
	const sim_scenario *sc = c->sc;
	int64_t to = latency_max_ns(&sc->latency_to);
	int64_t from = latency_max_ns(&sc->latency_from);
	int64_t extra_to = 0, extra_from = 0, commit = 0;
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		if (f->action == SIM_ACT_DELAY) {
			/* Delay faults that overlap add up on a leg (net.c), so
			 * the bound is their sum, not the largest. */
			int64_t d = latency_max_ns(&f->latency);
			if (f->direction != SIM_DIR_FROM)
				extra_to = add_sat(extra_to, d);
			if (f->direction != SIM_DIR_TO)
				extra_from = add_sat(extra_from, d);
		} else if (f->action == SIM_ACT_APISERVER) {
			extra_to = max64(extra_to,
					 latency_max_ns(&f->apiserver.request_latency));
			extra_from = max64(extra_from,
					   latency_max_ns(&f->apiserver.response_latency));
			commit = max64(commit, f->apiserver.commit_delay_ns);
		}
	}
	int64_t leg_to = add_sat(add_sat(to, extra_to), commit);
	int64_t rtt = add_sat(leg_to, add_sat(from, extra_from));

	int64_t timeout_max = 0;
	bool all_have_timeout = sc->npods > 0;
	for (size_t i = 0; i < sc->npods; i++) {
		const sim_election *e = &sc->pods[i].election;
		int64_t t = e->request_timeout_ns;
		if (t == 0 && e->profile && e->profile->default_request_timeout)
			t = max64(LE_NS_PER_S, e->renew_deadline_ns / 2);
		if (t <= 0)
			all_have_timeout = false;
		else
			timeout_max = max64(timeout_max, t);
	}
	c->b.request_ns = all_have_timeout ? min64(rtt, timeout_max) : rtt;
	c->b.inflight_ns = leg_to;
}

/* Crash: LDs + 4.4 RP + 2 rG + rU; release: 2.2 RP + rG + rU. LD and RP are
 * the largest any pod uses (mixed fleets); a clock running slow stretches
 * every wait the follower measures, so the bound is scaled by the slowest
 * rate any pod or clock-rate fault sets. */
static void derive_bounds(checker *c)
{
	const sim_scenario *sc = c->sc;
	derive_request_bounds(c);
	int64_t ld = 0, rp = 0;
	int32_t slowest_ppm = 0;
	bool empty_holder_free = true;
	for (size_t i = 0; i < sc->npods; i++) {
		const sim_election *e = &sc->pods[i].election;
		ld = max64(ld, e->lease_duration_ns);
		rp = max64(rp, e->retry_period_ns);
		if (sc->pods[i].clock_rate_ppm < slowest_ppm)
			slowest_ppm = sc->pods[i].clock_rate_ppm;
		if (e->profile && !e->profile->empty_holder_is_free)
			empty_holder_free = false;
	}
	if (sc->npods == 0) {
		ld = sc->defaults.lease_duration_ns;
		rp = sc->defaults.retry_period_ns;
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		if (f->action == SIM_ACT_CLOCK_RATE && f->rate_ppm < slowest_ppm)
			slowest_ppm = f->rate_ppm;
		if (f->replacement_profile &&
		    !f->replacement_profile->empty_holder_is_free)
			empty_holder_free = false;
	}
	int64_t r = c->b.request_ns;
	int64_t crash = add_sat(add_sat(ld, rp * 44 / 10), add_sat(add_sat(r, r), r));
	/* Followers older than 1.14 ignore holder "" and wait out the lease
	 * after a release as after a crash (election-spec.md 6.2). */
	int64_t release = empty_holder_free ? add_sat(rp * 22 / 10, add_sat(r, r))
					    : crash;
	if (slowest_ppm < 0 && slowest_ppm > -1000000) {
		double k = 1e6 / (1e6 + (double)slowest_ppm);
		if (crash != NEVER)
			crash = (int64_t)((double)crash * k);
		if (release != NEVER)
			release = (int64_t)((double)release * k);
	}
	c->b.crash_ns = crash;
	c->b.release_ns = release;
	c->b.rp_max_ns = rp;
	if (sc->expect.failover_max_ns > 0) {
		c->b.crash_ns = c->b.release_ns = sc->expect.failover_max_ns;
		c->b.explicit_max = true;
	}
}

/* ---- 4. safety ------------------------------------------------------------ */

static int64_t stale_writes_in(const checker *c, int64_t s, int64_t e)
{
	int64_t n = 0;
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *ev = &c->h->ev[i];
		if (c->stale[i] && ev->t_ns >= s && ev->t_ns < e)
			n++;
	}
	return n;
}

static int add_overlap(checker *c, int32_t a, int32_t b, int64_t s, int64_t e)
{
	sim_check_result *r = c->r;
	if (grow((void **)&r->overlaps, &c->ov_cap, r->noverlaps,
		 sizeof *r->overlaps))
		return LE_ENOMEM;
	sim_overlap *o = &r->overlaps[r->noverlaps++];
	o->pod_a = a;
	o->pod_b = b;
	o->start_ns = s;
	o->end_ns = e;
	o->stale_writes = stale_writes_in(c, s, e);
	bool shared = shares_identity(c, a, b);
	return add_violation(c, SIM_INV_SAFETY, s,
			     "%s and %s both acting as leader from %.3f s to %.3f s "
			     "(%.3f s), %lld stale guarded writes%s%s",
			     pod_name(c, a), pod_name(c, b), secs(s), secs(e),
			     secs(e - s), (long long)o->stale_writes,
			     shared ? ", both as identity " : "",
			     shared ? identity_name(c, pod_identity(c, a)) : "");
}

typedef struct edge {
	int64_t t_ns;
	int delta;    /* -1 end (sorts first at equal t: half-open), +1 start */
	int32_t pod;
} edge;

static int cmp_edge(const void *a, const void *b)
{
	const edge *x = a, *y = b;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x->delta - y->delta;
}

/* The pod acting longest at the moment, other than `except` (-1 = none):
 * active_since[p] is when p's current acting interval began, -1 if idle. */
static int32_t longest_acting(const checker *c, const int64_t *active_since,
			      int32_t except)
{
	int32_t best = -1;
	for (size_t p = 0; p < c->h->npods; p++)
		if ((int32_t)p != except && active_since[p] >= 0 &&
		    (best < 0 || active_since[p] < active_since[best]))
			best = (int32_t)p;
	return best;
}

/* Sweep the acting intervals: the most leaders at once, and (when more
 * than one leader is allowed) the windows where there were too many. An
 * overlap names the pod whose start crossed the limit and the pod acting
 * longest then (not whichever edge happened to come before). */
static int sweep_leaders(checker *c, int max_leaders)
{
	size_t n = c->nacting * 2;
	edge *ed = malloc((n ? n : 1) * sizeof *ed);
	int64_t *active_since = malloc((c->h->npods ? c->h->npods : 1) *
				       sizeof *active_since);
	if (!ed || !active_since) {
		free(ed);
		free(active_since);
		return LE_ENOMEM;
	}
	for (size_t p = 0; p < c->h->npods; p++)
		active_since[p] = -1;
	for (size_t i = 0; i < c->nacting; i++) {
		ed[2 * i] = (edge){ c->acting[i].start_ns, +1, c->acting[i].pod };
		ed[2 * i + 1] = (edge){ c->acting[i].end_ns, -1, c->acting[i].pod };
	}
	if (n > 1)
		qsort(ed, n, sizeof *ed, cmp_edge);
	int cur = 0, best = 0, rc = LE_OK;
	int64_t over_start = 0;
	int32_t first_pod = -1, last_pod = -1;
	for (size_t i = 0; i < n && !rc; i++) {
		int before = cur;
		cur += ed[i].delta;
		best = cur > best ? cur : best;
		int32_t p = ed[i].pod;
		bool known = p >= 0 && (size_t)p < c->h->npods;
		if (known)
			active_since[p] = ed[i].delta > 0 ? ed[i].t_ns : -1;
		if (max_leaders <= 1)
			continue;
		if (before <= max_leaders && cur > max_leaders) {
			over_start = ed[i].t_ns;
			last_pod = p;
			first_pod = longest_acting(c, active_since, p);
		} else if (before > max_leaders && cur <= max_leaders) {
			rc = add_overlap(c, first_pod, last_pod, over_start,
					 ed[i].t_ns);
		}
	}
	free(ed);
	free(active_since);
	c->r->max_leaders_seen = best;
	return rc;
}

static int check_safety(checker *c)
{
	int max_leaders = c->sc->expect.max_leaders > 0 ? c->sc->expect.max_leaders : 1;
	if (max_leaders > 1)
		return sweep_leaders(c, max_leaders);
	for (size_t i = 0; i < c->nacting; i++) {
		const interval *a = &c->acting[i];
		for (size_t j = i + 1; j < c->nacting; j++) {
			const interval *b = &c->acting[j];
			if (b->start_ns >= a->end_ns)
				break;
			if (b->pod == a->pod)
				continue;
			int rc = add_overlap(c, a->pod, b->pod, b->start_ns,
					     min64(a->end_ns, b->end_ns));
			if (rc)
				return rc;
		}
	}
	return sweep_leaders(c, max_leaders);
}

/* ---- 5. failover ------------------------------------------------------------ */

/* Last true time at or before t at which `pod` was seen doing `kind`, or -1. */
static int64_t last_event_before(const checker *c, int32_t pod, sim_ev_kind kind,
				 int64_t from_ns, int64_t t_ns)
{
	int64_t found = -1;
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *e = &c->h->ev[i];
		if (e->t_ns > t_ns)
			break;
		if (e->pod == pod && e->kind == kind && e->t_ns >= from_ns)
			found = e->t_ns;
	}
	return found;
}

/* Last commit of `pod` renewing its own lease in [from, t], or -1. */
static int64_t last_own_write(const checker *c, int32_t pod, int64_t from_ns,
			      int64_t t_ns)
{
	int32_t id = pod_identity(c, pod);
	int64_t found = -1;
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *e = &c->h->ev[i];
		if (e->t_ns > t_ns)
			break;
		if (e->kind == SIM_EV_LEASE_WRITE && e->pod == pod &&
		    e->holder == id && id >= 0 && e->t_ns >= from_ns)
			found = e->t_ns;
	}
	return found;
}

/* A release: `pod` committed holder "" in [from, to]. Its time, or -1. */
static int64_t release_write(const checker *c, int32_t pod, int64_t from_ns,
			     int64_t to_ns)
{
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *e = &c->h->ev[i];
		if (e->t_ns > to_ns)
			break;
		if (e->kind == SIM_EV_LEASE_WRITE && e->pod == pod &&
		    e->holder < 0 && e->t_ns >= from_ns)
			return e->t_ns;
	}
	return -1;
}

static bool pod_alive_at(const checker *c, int32_t pod, int64_t t_ns)
{
	bool alive = false;
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *e = &c->h->ev[i];
		if (e->t_ns > t_ns)
			break;
		if (e->pod != pod)
			continue;
		if (e->kind == SIM_EV_POD_START)
			alive = true;
		else if (e->kind == SIM_EV_POD_DEATH || e->kind == SIM_EV_POD_EXIT)
			alive = false;
	}
	return alive;
}

static bool coordinated(const checker *c)
{
	for (size_t i = 0; i < c->sc->npods; i++)
		if (c->sc->pods[i].coordinated)
			return true;
	return false;
}

/* The election controller's part of any coordinated wait: its requeue
 * (Q) to see the Lease expired and a ping's wait (E) before it installs
 * anyone (election-spec.md 8.1). */
#define CONTROLLER_WAIT_NS (FA_ELECTION_REQUEUE_NS + FA_ELECTION_DURATION_NS)

/* What coordination adds to a failover bound (a scenario's failover max
 * is taken as it is). */
static int64_t coordination_allowance(const checker *c)
{
	return coordinated(c) && !c->b.explicit_max ? CONTROLLER_WAIT_NS : 0;
}

/* The bound on a crash failover as liveness and stability use it. */
static int64_t crash_bound(const checker *c)
{
	return add_sat(c->b.crash_ns, coordination_allowance(c));
}

/* A pod other than `except` that could take over at t_ns: alive then. When
 * none is, the first (re)start after t_ns is where the failover clock
 * really starts; NEVER when nothing starts again. */
static int64_t candidate_from(const checker *c, int32_t except, int64_t t_ns)
{
	for (size_t p = 0; p < c->h->npods; p++)
		if ((int32_t)p != except && pod_alive_at(c, (int32_t)p, t_ns))
			return t_ns;
	for (size_t i = 0; i < c->h->n; i++) {
		const sim_event *e = &c->h->ev[i];
		if (e->kind == SIM_EV_POD_START && e->t_ns >= t_ns)
			return e->t_ns;
	}
	return NEVER;
}

/* With a derived bound, faults that slow every candidate (apiserver
 * outage, loss, delay, partitions and pauses of other pods...) and overlap
 * the failover add the overlapped time: the bound is about the election,
 * not about the outage. Faults aimed at the old leader are the cause. */
static int64_t fault_allowance_deadline(const checker *c, int32_t from_pod,
					int64_t cause_ns, int64_t deadline)
{
	if (c->b.explicit_max || deadline == NEVER)
		return deadline;
	bool *used = calloc(c->nwindows ? c->nwindows : 1, sizeof *used);
	if (!used)
		return deadline;
	bool changed = true;
	while (changed && deadline != NEVER) {
		changed = false;
		for (size_t i = 0; i < c->nwindows; i++) {
			const window *w = &c->windows[i];
			if (used[i] || w->fault < 0 || w->pod == from_pod)
				continue;
			if (w->start_ns >= deadline || w->end_ns <= cause_ns)
				continue;
			used[i] = true;
			changed = true;
			if (w->end_ns == NEVER)
				deadline = NEVER;
			else
				deadline = add_sat(deadline,
						   w->end_ns - max64(w->start_ns, cause_ns));
		}
	}
	free(used);
	return deadline;
}

static bool term_active_at(const checker *c, int32_t except_pod, int64_t t_ns)
{
	for (size_t i = 0; i < c->nterms; i++) {
		const interval *t = &c->terms[i];
		if (t->pod != except_pod && t->start_ns <= t_ns && t->end_ns > t_ns)
			return true;
	}
	return false;
}

/* The first term other than terms[self] starting at or after t_ns. */
static const interval *next_term_from(const checker *c, size_t self, int64_t t_ns)
{
	for (size_t i = 0; i < c->nterms; i++)
		if (i != self && c->terms[i].start_ns >= t_ns)
			return &c->terms[i];
	return NULL;
}

/* Why terms[i] ended (or was taken over at takeover_ns, NEVER if not): the
 * cause and the time the failover clock starts. */
static void failover_cause(const checker *c, const interval *t, int64_t takeover_ns,
			   sim_failover_cause *cause, int64_t *cause_ns)
{
	int64_t anchor = min64(t->end_ns, takeover_ns);
	if (takeover_ns == NEVER && t->end == END_DEATH) {
		*cause = SIM_FO_CRASH;
		*cause_ns = t->end_ns;
		return;
	}
	/* Asked to stop (pod deleted): a release committed before anyone
	 * took over starts the clock (election-spec.md 6.2's X); without one the
	 * lease is left to expire from the stop. */
	int64_t term = last_event_before(c, t->pod, SIM_EV_POD_SIGTERM,
					 t->start_ns, anchor);
	if (term >= 0) {
		int64_t rel = release_write(c, t->pod, term, t->end_ns);
		if (rel >= 0 && rel <= takeover_ns) {
			*cause = SIM_FO_RELEASE;
			*cause_ns = rel;
			return;
		}
		if (takeover_ns == NEVER) {
			*cause = SIM_FO_OTHER;
			*cause_ns = t->end_ns;
			return;
		}
	}
	/* A pause or a cut after which the leader never renewed again (a
	 * commit of a request already in flight does not count) is where it
	 * got stuck. */
	int64_t pause = last_event_before(c, t->pod, SIM_EV_PAUSE, t->start_ns, anchor);
	int64_t cut = last_event_before(c, t->pod, SIM_EV_CUT, t->start_ns, anchor);
	int64_t stuck = max64(pause, cut);
	if (stuck >= 0 &&
	    last_own_write(c, t->pod, add_sat(stuck, c->b.inflight_ns) + 1, anchor) >= 0)
		stuck = -1;
	if (stuck >= 0) {
		*cause = stuck == pause ? SIM_FO_PAUSE : SIM_FO_LOST;
		*cause_ns = stuck;
		return;
	}
	if (takeover_ns != NEVER) {
		/* Taken over with no visible reason (clock rates, a slow
		 * network): the clock starts at the old leader's last renewal
		 * (6.1's C); check_term_failover adds the renew interval. */
		int64_t w = last_own_write(c, t->pod, t->start_ns, takeover_ns);
		*cause = SIM_FO_OTHER;
		*cause_ns = w >= 0 ? w : t->start_ns;
		return;
	}
	*cause = SIM_FO_LOST;
	*cause_ns = t->end_ns;
}

static int add_failover(checker *c, const sim_failover *f)
{
	sim_check_result *r = c->r;
	if (grow((void **)&r->failovers, &c->fo_cap, r->nfailovers,
		 sizeof *r->failovers))
		return LE_ENOMEM;
	r->failovers[r->nfailovers++] = *f;
	if (f->within_bound)
		return LE_OK;
	if (f->to_pod < 0)
		return add_violation(c, SIM_INV_FAILOVER, f->cause_ns,
				     "no new leader after %s's term ended (%s) at %.3f s "
				     "(bound %.3f s, run ended at %.3f s)",
				     pod_name(c, f->from_pod), sim_failover_cause_name(f->cause),
				     secs(f->cause_ns), secs(f->bound_ns),
				     secs(c->end_ns));
	return add_violation(c, SIM_INV_FAILOVER, f->cause_ns,
			     "failover after %s's term ended (%s) at %.3f s took %.3f s "
			     "(%s leads at %.3f s), bound %.3f s",
			     pod_name(c, f->from_pod), sim_failover_cause_name(f->cause),
			     secs(f->cause_ns), secs(f->leader_ns - f->cause_ns),
			     pod_name(c, f->to_pod), secs(f->leader_ns),
			     secs(f->bound_ns));
}

static int check_term_failover(checker *c, size_t i)
{
	const interval *t = &c->terms[i];
	/* Taken over while still leading (paused, cut off, clocks)? A pod
	 * with the same identity starting to lead is no takeover: the lease
	 * holder did not change and the old leader did not stop (it may well
	 * renew on); the overlap is a safety matter, not a failover. */
	int64_t takeover = NEVER;
	for (size_t j = i + 1; j < c->nterms; j++) {
		const interval *u = &c->terms[j];
		if (u->start_ns >= t->end_ns)
			break;
		if (u->pod != t->pod && u->start_ns > t->start_ns &&
		    !shares_identity(c, u->pod, t->pod)) {
			takeover = u->start_ns;
			break;
		}
	}
	if (takeover == NEVER && t->end == END_RUN)
		return LE_OK;
	sim_failover f = { .from_pod = t->pod, .to_pod = -1, .leader_ns = -1 };
	failover_cause(c, t, takeover, &f.cause, &f.cause_ns);
	/* Someone else was leading already: leadership went on. */
	if (takeover == NEVER && term_active_at(c, t->pod, f.cause_ns))
		return LE_OK;
	int64_t base = f.cause == SIM_FO_RELEASE ? c->b.release_ns : c->b.crash_ns;
	if (f.cause == SIM_FO_OTHER && takeover != NEVER && !c->b.explicit_max)
		base = add_sat(base, add_sat(c->b.rp_max_ns, c->b.request_ns));
	base = add_sat(base, coordination_allowance(c));
	int64_t start = candidate_from(c, t->pod, f.cause_ns);
	int64_t deadline = start == NEVER ? NEVER : add_sat(start, base);
	deadline = fault_allowance_deadline(c, t->pod, f.cause_ns, deadline);
	f.bound_ns = deadline == NEVER ? NEVER : deadline - f.cause_ns;
	const interval *next = takeover != NEVER
				       ? next_term_from(c, i, takeover)
				       : next_term_from(c, i, f.cause_ns);
	if (next) {
		f.to_pod = next->pod;
		f.leader_ns = next->start_ns;
		f.within_bound = next->start_ns <= deadline;
	} else {
		/* No new leader: a violation only once the bound has passed
		 * inside the run and a candidate was alive to take over. */
		f.within_bound = deadline == NEVER || deadline > c->end_ns;
	}
	return add_failover(c, &f);
}

static int check_failover(checker *c)
{
	for (size_t i = 0; i < c->nterms; i++) {
		int rc = check_term_failover(c, i);
		if (rc)
			return rc;
	}
	return LE_OK;
}

/* ---- 6. lease history -------------------------------------------------------- */

static bool expects(const checker *c, sim_invariant inv)
{
	return c->sc->expect.expect_violation && c->sc->expect.violation == inv;
}

static bool writer_resets_transitions(const checker *c, int32_t pod)
{
	const sim_pod_spec *ps = pod_spec(c, pod);
	return ps && ps->election.profile &&
	       ps->election.profile->transitions_reset_on_renew;
}

/* The lease as the previous committed write left it. */
typedef struct lease_prev {
	bool have;
	int32_t holder;
	int64_t transitions;
	bool has_acquire_time;
	int64_t acquire_wall_ns;
} lease_prev;

static int64_t whole_seconds(int64_t ns)
{
	int64_t q = ns / LE_NS_PER_S;
	return ns % LE_NS_PER_S < 0 ? q - 1 : q;
}

/* acquireTime as written differs from the previous write's (the first
 * write sets it). A MultiLock's renewal copies acquireTime from its
 * primary's record, whole seconds (election-spec.md 3.3), so its writes
 * are compared at that precision: the Lease's fraction is lost at the
 * first renewal, which is no change of term. */
static bool acquire_changed(const lease_prev *p, const sim_event *e, bool coarse)
{
	if (!p->have || e->has_acquire_time != p->has_acquire_time)
		return true;
	if (!e->has_acquire_time)
		return false;
	if (coarse)
		return whole_seconds(e->acquire_wall_ns) != whole_seconds(p->acquire_wall_ns);
	return e->acquire_wall_ns != p->acquire_wall_ns;
}

static bool writer_is_multilock(const checker *c, int32_t pod)
{
	const sim_pod_spec *ps = pod_spec(c, pod);
	return ps && le_lock_kind_is_multi(ps->election.lock_kind);
}

/* Transitions: a write by the holder already in the record keeps the value,
 * any other write (takeover, including from "") adds one. Releases (holder
 * "") are not judged and keep the previous value as the reference.
 * acquireTime may only change on a takeover or a release. */
static int check_lease_write(checker *c, const sim_event *e, lease_prev *p)
{
	bool acquire = acquire_changed(p, e, writer_is_multilock(c, e->pod));
	p->has_acquire_time = e->has_acquire_time;
	p->acquire_wall_ns = e->acquire_wall_ns;
	int32_t *prev_holder = &p->holder;
	int64_t *prev_trans = &p->transitions;
	if (!p->have) {
		p->have = true;
		*prev_holder = e->holder;
		*prev_trans = e->transitions;
		return LE_OK;
	}
	int rc = LE_OK;
	bool takeover = e->holder != *prev_holder;
	/* The election controller installs holders without counting them
	 * (election-spec.md 8.1), and a coordinated client's renew keeps what
	 * it installed. */
	if (e->holder < 0 || e->pod < 0) {
		*prev_holder = e->holder;
		*prev_trans = e->transitions;
		return LE_OK;
	}
	int64_t want = takeover ? *prev_trans + 1 : *prev_trans;
	if (e->transitions != want) {
		bool profile_reset = !takeover && e->transitions == 0 &&
				     writer_resets_transitions(c, e->pod);
		if (profile_reset && !expects(c, SIM_INV_LEASE_HISTORY))
			c->transitions_resets++;
		else
			rc = add_violation(c, SIM_INV_LEASE_HISTORY, e->t_ns,
					   "lease write by %s at %.3f s: transitions %lld, "
					   "expected %lld (%s %s)",
					   pod_name(c, e->pod), secs(e->t_ns),
					   (long long)e->transitions, (long long)want,
					   takeover ? "takeover by" : "renewal by",
					   identity_name(c, e->holder));
	}
	if (!rc && !takeover && acquire)
		rc = add_violation(c, SIM_INV_LEASE_HISTORY, e->t_ns,
				   "lease write by %s at %.3f s changed acquireTime "
				   "without a change of holder (%s)",
				   pod_name(c, e->pod), secs(e->t_ns),
				   identity_name(c, e->holder));
	*prev_holder = e->holder;
	*prev_trans = e->transitions;
	return rc;
}

/* A commit from a dead pod is legitimate when its request was sent before
 * the death (election-spec.md 4: a cancelled request may still commit). The
 * history records commits, not sends, so a commit is flagged only when it
 * lands later after the death than any request can travel and commit
 * (inflight bound); with unbounded latency nothing is flagged. */
/* The object a pod's write went to: one history per object (kind,
 * namespace, name), numbered 2k + j for the first scenario pod k that has
 * it as its j-th object (a MultiLock pod has two: its primary, then the
 * Lease; election-spec.md 3.3); 2 npods when the pod has no spec. */
static le_lock_kind pod_object(const sim_election *el, int j)
{
	if (!le_lock_kind_is_multi(el->lock_kind))
		return el->lock_kind;
	return j == 0 ? le_lock_kind_primary(el->lock_kind) : LE_LOCK_LEASES;
}

/* a hand-built scenario's strings may be NULL: read as "" */
static const char *str0(const char *s) { return s ? s : ""; }

static size_t lease_of(const checker *c, const sim_event *e)
{
	const sim_pod_spec *ps = pod_spec(c, e->pod);
	/* a write by no pod is the election controller's, on the scenario's
	 * lock (docs/coordinated.md) */
	const sim_election *a = ps ? &ps->election : &c->sc->defaults;
	le_lock_kind kind = e->object ? (le_lock_kind)(e->object - 1)
				      : le_lock_kind_primary(a->lock_kind);
	for (size_t k = 0; k < c->sc->npods; k++) {
		const sim_election *b = &c->sc->pods[k].election;
		if (strcmp(str0(a->lock_namespace), str0(b->lock_namespace)) != 0 ||
		    strcmp(str0(a->lock_name), str0(b->lock_name)) != 0)
			continue;
		for (int j = 0; j < (le_lock_kind_is_multi(b->lock_kind) ? 2 : 1); j++)
			if (pod_object(b, j) == kind)
				return 2 * k + (size_t)j;
	}
	return 2 * c->sc->npods;
}

typedef struct lease_obj {
	size_t id; /* lease_of */
	lease_prev prev;
} lease_obj;

/* The previous write to object `id`, a fresh one (no write yet) when it is
 * new; NULL when out of memory. */
static lease_prev *object_prev(lease_obj **obj, size_t *n, size_t *cap,
			       size_t *last, size_t id)
{
	if (*last < *n && (*obj)[*last].id == id)
		return &(*obj)[*last].prev;
	for (size_t i = 0; i < *n; i++)
		if ((*obj)[i].id == id) {
			*last = i;
			return &(*obj)[i].prev;
		}
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 4;
		lease_obj *v = realloc(*obj, nc * sizeof *v);
		if (!v)
			return NULL;
		*obj = v;
		*cap = nc;
	}
	(*obj)[*n] = (lease_obj){.id = id, .prev = {.holder = -1}};
	*last = (*n)++;
	return &(*obj)[*last].prev;
}

static int check_lease_history(checker *c)
{
	const sim_history *h = c->h;
	int64_t *dead_since = malloc((h->npods ? h->npods : 1) * sizeof *dead_since);
	if (!dead_since)
		return LE_ENOMEM;
	for (size_t p = 0; p < h->npods; p++)
		dead_since[p] = -1;
	/* One history per object: pods whose specs name the same object
	 * (kind, namespace, name) share one; two names are two objects. The
	 * objects written are few (one for a replica set), so they are kept
	 * as they come, found by lease_of's number: a slot for every number
	 * possible was 640 KB at 10,000 pods. */
	lease_obj *obj = NULL;
	size_t nobj = 0, obj_cap = 0, last = 0;
	int rc = LE_OK;
	for (size_t i = 0; i < h->n && !rc; i++) {
		const sim_event *e = &h->ev[i];
		bool known = e->pod >= 0 && (size_t)e->pod < h->npods;
		if (e->kind == SIM_EV_POD_START && known)
			dead_since[e->pod] = -1;
		else if ((e->kind == SIM_EV_POD_DEATH || e->kind == SIM_EV_POD_EXIT) &&
			 known)
			dead_since[e->pod] = e->t_ns;
		if (e->kind != SIM_EV_LEASE_WRITE)
			continue;
		lease_prev *prev = object_prev(&obj, &nobj, &obj_cap, &last, lease_of(c, e));
		if (!prev) {
			rc = LE_ENOMEM;
			break;
		}
		rc = check_lease_write(c, e, prev);
		if (!rc && known && dead_since[e->pod] >= 0 &&
		    e->t_ns > add_sat(dead_since[e->pod], c->b.inflight_ns))
			rc = add_violation(c, SIM_INV_LEASE_HISTORY, e->t_ns,
					   "lease write by %s at %.3f s, %.3f s after it "
					   "died (longest in-flight request %.3f s)",
					   pod_name(c, e->pod), secs(e->t_ns),
					   secs(e->t_ns - dead_since[e->pod]),
					   secs(c->b.inflight_ns));
	}
	free(dead_since);
	free(obj);
	return rc;
}

/* ---- coordinated election: the handover by preferredHolder ------------------ */

/* election-spec.md 8.1: LD + Q + E + J with J = 2.2 RP (the coordinated
 * client's jittered acquire loop), plus two requests (the named pod's GET
 * and renewing PUT) and the largest wall clock offset of any pod (the
 * controller compares the holder's renewTime with its own clock). LD and
 * RP are the largest any pod uses. No allowance for faults: a fault that
 * holds a handover up past the bound is what this rule reports. */
static int64_t handover_bound(const checker *c)
{
	int64_t ld = 0, rp = 0, skew = 0;
	for (size_t i = 0; i < c->sc->npods; i++) {
		const sim_pod_spec *ps = &c->sc->pods[i];
		ld = max64(ld, ps->election.lease_duration_ns);
		rp = max64(rp, ps->election.retry_period_ns);
		int64_t off = ps->clock_offset_ns < 0 ? -ps->clock_offset_ns
						      : ps->clock_offset_ns;
		skew = max64(skew, off);
	}
	int64_t b = add_sat(ld, CONTROLLER_WAIT_NS);
	b = add_sat(b, rp * 22 / 10);
	b = add_sat(b, add_sat(c->b.request_ns, c->b.request_ns));
	return add_sat(b, skew);
}

static bool identity_coordinated(const checker *c, int32_t id)
{
	for (size_t p = 0; p < c->h->npods; p++) {
		const sim_pod_spec *ps = pod_spec(c, (int32_t)p);
		if (c->h->pods[p].identity == id && ps && ps->coordinated)
			return true;
	}
	return false;
}

/* Each time the controller names a new preferredHolder B on a Lease held
 * by a coordinated A, B starts leading within handover_bound. A handover
 * is dropped (not judged) when it is overtaken: the controller names
 * someone else or a third holder is written, or B's pod dies or is deleted
 * before it leads (the failover rule judges what follows; A's exit after
 * its term ends is the handover's normal course). A holder
 * that is no coordinated client ignores preferredHolder (its renewals
 * erase it: scenarios/coordinated/mixed-clients.yaml), so its Lease is not
 * judged either. */
static int check_handover(checker *c)
{
	if (!coordinated(c))
		return LE_OK;
	const sim_history *h = c->h;
	int64_t bound = handover_bound(c);
	bool prev_pref = false;
	int32_t prev_who = -1;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *x = &h->ev[i];
		if (x->kind != SIM_EV_LEASE_WRITE || x->object)
			continue;
		bool fresh = x->pod == -1 && x->has_preferred &&
			     (!prev_pref || prev_who != x->preferred);
		prev_pref = x->has_preferred;
		prev_who = x->preferred;
		if (!fresh || x->holder < 0 || !identity_coordinated(c, x->holder))
			continue;
		int32_t a = x->holder, b = x->preferred;
		int64_t deadline = add_sat(x->t_ns, bound);
		int64_t led = -1;
		bool dropped = false;
		for (size_t j = i + 1; j < h->n && led < 0 && !dropped; j++) {
			const sim_event *y = &h->ev[j];
			if (y->t_ns > deadline)
				break;
			int32_t who = pod_identity(c, y->pod);
			switch (y->kind) {
			case SIM_EV_STARTED_LEADING:
				if (who == b)
					led = y->t_ns;
				break;
			case SIM_EV_LEASE_WRITE:
				if (y->object)
					break;
				if ((y->holder >= 0 && y->holder != a && y->holder != b) ||
				    (y->has_preferred && y->preferred != b))
					dropped = true;
				break;
			case SIM_EV_POD_DEATH:
			case SIM_EV_POD_EXIT:
			case SIM_EV_POD_SIGTERM:
				if (who == b) /* A's exit ends its term as usual */
					dropped = true;
				break;
			default:
				break;
			}
		}
		if (dropped)
			continue;
		if (led < 0 && deadline >= h->end_ns)
			continue; /* the run ended first */
		sim_check_result *r = c->r;
		if (grow((void **)&r->handovers, &c->ho_cap, r->nhandovers,
			 sizeof *r->handovers))
			return LE_ENOMEM;
		sim_handover *ho = &r->handovers[r->nhandovers++];
		*ho = (sim_handover){a, b, x->t_ns, led, bound, led >= 0};
		if (led >= 0)
			continue;
		int rc = add_violation(c, SIM_INV_HANDOVER, deadline,
				       "handover by preferredHolder from %s to %s, "
				       "named at %.3f s: %s does not lead within "
				       "%.3f s (election-spec.md 8.1)",
				       identity_name(c, a), identity_name(c, b),
				       secs(x->t_ns), identity_name(c, b),
				       secs(bound));
		if (rc)
			return rc;
	}
	return LE_OK;
}

/* ---- coordinated election: the holder's version ----------------------------- */

/* The versions pod `pod` publishes at t_ns: its spec's, or the upgrade's
 * when its last start was at or after the upgrade time. */
static void versions_at(const checker *c, int32_t pod, int64_t t_ns, le_semver *ev,
			le_semver *bv)
{
	const sim_pod_spec *ps = pod_spec(c, pod);
	int64_t started = -1;
	for (size_t i = 0; i < c->h->n && c->h->ev[i].t_ns <= t_ns; i++)
		if (c->h->ev[i].kind == SIM_EV_POD_START && c->h->ev[i].pod == pod)
			started = c->h->ev[i].t_ns;
	bool up = started >= ps->upgrade_at_ns;
	memset(ev, 0, sizeof *ev);
	memset(bv, 0, sizeof *bv);
	le_semver_parse(up ? ps->upgrade_emulation_version : ps->emulation_version, ev,
			NULL, 0);
	le_semver_parse(up ? ps->upgrade_binary_version : ps->binary_version, bv, NULL,
			0);
}

/* Once nothing has started or died for a coordinated failover's bound
 * (the controller has settled), the pod leading runs no newer
 * emulationVersion than any available candidate, and at the same
 * emulationVersion no newer binaryVersion (the controller's order,
 * election-spec.md 8). Checked at each such settled instant. */
static int check_coordination(checker *c)
{
	if (!coordinated(c))
		return LE_OK;
	int64_t settle = add_sat(c->b.crash_ns, CONTROLLER_WAIT_NS);
	const sim_history *h = c->h;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *x = &h->ev[i];
		if (x->kind != SIM_EV_POD_START && x->kind != SIM_EV_POD_DEATH &&
		    x->kind != SIM_EV_POD_EXIT)
			continue;
		int64_t y = add_sat(x->t_ns, settle);
		if (y >= h->end_ns)
			continue;
		bool quiet = true;
		for (size_t j = i + 1; j < h->n && h->ev[j].t_ns <= y && quiet; j++)
			quiet = h->ev[j].kind != SIM_EV_POD_START &&
				h->ev[j].kind != SIM_EV_POD_DEATH &&
				h->ev[j].kind != SIM_EV_POD_EXIT;
		if (!quiet)
			continue;
		int32_t leader = -1;
		for (size_t k = 0; k < c->nterms; k++)
			if (c->terms[k].start_ns <= y && c->terms[k].end_ns > y)
				leader = c->terms[k].pod;
		const sim_pod_spec *lps = pod_spec(c, leader);
		if (!lps || !lps->coordinated)
			continue;
		le_semver lev, lbv;
		versions_at(c, leader, y, &lev, &lbv);
		for (size_t p = 0; p < h->npods; p++) {
			const sim_pod_spec *ps = pod_spec(c, (int32_t)p);
			if ((int32_t)p == leader || !ps || !ps->coordinated ||
			    !pod_alive_at(c, (int32_t)p, y))
				continue;
			le_semver ev, bv;
			versions_at(c, (int32_t)p, y, &ev, &bv);
			int e = le_semver_compare(&lev, &ev);
			if (e > 0 || (e == 0 && le_semver_compare(&lbv, &bv) > 0))
				return add_violation(c, SIM_INV_COORDINATION, y,
						     "at %.3f s, settled, %s leads at emulation "
						     "%llu.%llu.%llu binary %llu.%llu.%llu while "
						     "%s, available, runs emulation %llu.%llu.%llu "
						     "binary %llu.%llu.%llu",
						     secs(y), pod_name(c, leader),
						     (unsigned long long)lev.major,
						     (unsigned long long)lev.minor,
						     (unsigned long long)lev.patch,
						     (unsigned long long)lbv.major,
						     (unsigned long long)lbv.minor,
						     (unsigned long long)lbv.patch,
						     pod_name(c, (int32_t)p),
						     (unsigned long long)ev.major,
						     (unsigned long long)ev.minor,
						     (unsigned long long)ev.patch,
						     (unsigned long long)bv.major,
						     (unsigned long long)bv.minor,
						     (unsigned long long)bv.patch);
		}
	}
	return LE_OK;
}

/* ---- 7. liveness, stability, leaderless ------------------------------------- */

static bool leads_during(const checker *c, int64_t s, int64_t e)
{
	for (size_t i = 0; i < c->nterms; i++)
		if (c->terms[i].start_ns <= e && c->terms[i].end_ns > s)
			return true;
	return false;
}

static bool any_pod_alive_at(const checker *c, int64_t t_ns)
{
	for (size_t p = 0; p < c->h->npods; p++)
		if (pod_alive_at(c, (int32_t)p, t_ns))
			return true;
	return false;
}

static int check_liveness(checker *c)
{
	if (!c->sc->expect.check_liveness)
		return LE_OK;
	int64_t heal = -1;
	for (size_t i = 0; i < c->nwindows; i++) {
		if (c->windows[i].end_ns == NEVER)
			return LE_OK; /* a fault never heals: nothing to check */
		heal = max64(heal, c->windows[i].end_ns);
	}
	for (size_t i = 0; i < c->h->n; i++)
		if (c->h->ev[i].kind == SIM_EV_POD_START) {
			heal = max64(heal, c->h->ev[i].t_ns);
			break; /* the first start: nothing leads before it */
		}
	if (heal < 0)
		return LE_OK;
	int64_t within = c->sc->expect.liveness_within_ns > 0
				 ? c->sc->expect.liveness_within_ns
				 : crash_bound(c);
	int64_t deadline = add_sat(heal, within);
	if (deadline > c->end_ns)
		return LE_OK; /* the run ended before the bound passed */
	if (leads_during(c, heal, deadline) || !any_pod_alive_at(c, deadline))
		return LE_OK;
	return add_violation(c, SIM_INV_LIVENESS, deadline,
			     "no pod leads between %.3f s (last fault healed) and "
			     "%.3f s (bound %.3f s)",
			     secs(heal), secs(deadline), secs(within));
}

static bool disturbed_at(const checker *c, int64_t t_ns, int64_t after_ns)
{
	for (size_t i = 0; i < c->nwindows; i++) {
		const window *w = &c->windows[i];
		if (w->start_ns <= t_ns && t_ns <= add_sat(w->end_ns, after_ns))
			return true;
	}
	return false;
}

/* Another pod with the identity of terms[i]'s pod leads when terms[i]
 * starts: terms[i]'s pod joins the same holder, leadership does not change. */
static bool joins_same_holder(const checker *c, size_t i)
{
	const interval *t = &c->terms[i];
	for (size_t j = 0; j < c->nterms; j++) {
		const interval *u = &c->terms[j];
		if (j != i && shares_identity(c, u->pod, t->pod) &&
		    u->start_ns <= t->start_ns && u->end_ns > t->start_ns)
			return true;
	}
	return false;
}

/* A change of leader is a term starting for another pod than the last
 * leader (unless a pod of the same identity still leads: the holder did
 * not change, and the overlap is reported as a safety matter); a loss is a
 * term ending before the run does. Either one outside every disturbance
 * window (plus the failover bound) is instability. */
static int check_stability(checker *c)
{
	if (!c->sc->expect.check_stability)
		return LE_OK;
	int64_t grace = crash_bound(c);
	int32_t last_pod = -1;
	int rc = LE_OK;
	for (size_t i = 0; i < c->nterms && !rc; i++) {
		const interval *t = &c->terms[i];
		if (last_pod >= 0 && t->pod != last_pod &&
		    !joins_same_holder(c, i) &&
		    !disturbed_at(c, t->start_ns, grace))
			rc = add_violation(c, SIM_INV_STABILITY, t->start_ns,
					   "leader changed from %s to %s at %.3f s "
					   "with no fault in the %.3f s before",
					   pod_name(c, last_pod), pod_name(c, t->pod),
					   secs(t->start_ns), secs(grace));
		else if (!rc && t->end != END_RUN && t->end_ns < c->end_ns &&
			 !disturbed_at(c, t->end_ns, grace))
			rc = add_violation(c, SIM_INV_STABILITY, t->end_ns,
					   "%s stopped leading at %.3f s with no fault "
					   "in the %.3f s before",
					   pod_name(c, t->pod), secs(t->end_ns), secs(grace));
		last_pod = t->pod;
	}
	return rc;
}

/* The stability bound (expect.stability.maxChangesPerHour): every term
 * after the first is a change of leadership (another pod took over, or the
 * same one re-acquired after losing it: either way the leader-only work
 * stopped and started again), faults or not; more than the bound inside any
 * window of one hour is a violation, reported once at the change that
 * exceeded it. */
static int check_change_rate(checker *c)
{
	int64_t max = c->sc->expect.max_changes_per_hour;
	if (max <= 0)
		return LE_OK;
	int64_t *t = malloc((c->nterms ? c->nterms : 1) * sizeof *t);
	if (!t)
		return LE_ENOMEM;
	size_t n = 0;
	for (size_t i = 1; i < c->nterms; i++)
		if (!joins_same_holder(c, i))
			t[n++] = c->terms[i].start_ns;
	int rc = LE_OK;
	const int64_t hour = INT64_C(3600) * LE_NS_PER_S;
	for (size_t j = 0, i = 0; j < n; j++) {
		while (t[j] - t[i] >= hour)
			i++;
		if ((int64_t)(j - i + 1) > max) {
			rc = add_violation(c, SIM_INV_STABILITY, t[j],
					   "%zu changes of leadership within an hour "
					   "(%.3f s to %.3f s; at most %" PRId64
					   " per hour); %zu in the whole run",
					   j - i + 1, secs(t[i]), secs(t[j]), max, n);
			break;
		}
	}
	free(t);
	return rc;
}

/* Gaps in the union of acting intervals from the first acquisition on. */
static int check_leaderless(checker *c)
{
	sim_check_result *r = c->r;
	if (c->nacting == 0)
		return LE_OK;
	int64_t covered_to = c->acting[0].start_ns;
	int64_t longest_at = -1;
	for (size_t i = 0; i < c->nacting; i++) {
		const interval *a = &c->acting[i];
		if (a->start_ns > covered_to) {
			int64_t gap = a->start_ns - covered_to;
			r->leaderless_total_ns += gap;
			if (gap > r->leaderless_max_ns) {
				r->leaderless_max_ns = gap;
				longest_at = covered_to;
			}
		}
		covered_to = max64(covered_to, a->end_ns);
	}
	if (c->end_ns > covered_to) {
		int64_t gap = c->end_ns - covered_to;
		r->leaderless_total_ns += gap;
		if (gap > r->leaderless_max_ns) {
			r->leaderless_max_ns = gap;
			longest_at = covered_to;
		}
	}
	int64_t max = c->sc->expect.leaderless_max_ns;
	if (max > 0 && r->leaderless_max_ns > max)
		return add_violation(c, SIM_INV_LEADERLESS, longest_at,
				     "no leader for %.3f s from %.3f s (max %.3f s); "
				     "%.3f s leaderless in total",
				     secs(r->leaderless_max_ns), secs(longest_at),
				     secs(max), secs(r->leaderless_total_ns));
	return LE_OK;
}

/* ---- 8. verdict ------------------------------------------------------------ */

static const sim_violation *first_of(const sim_check_result *r, sim_invariant inv)
{
	for (size_t i = 0; i < r->nviolations; i++)
		if (inv == SIM_INV_NONE || r->violations[i].inv == inv)
			return &r->violations[i];
	return NULL;
}

static const sim_violation *first_safety(const sim_check_result *r)
{
	for (size_t i = 0; i < r->nviolations; i++)
		if (inv_is_safety(r->violations[i].inv))
			return &r->violations[i];
	return NULL;
}

static void pass_verdict(const checker *c)
{
	sim_check_result *r = c->r;
	int64_t worst = -1;
	for (size_t i = 0; i < r->nfailovers; i++)
		if (r->failovers[i].to_pod >= 0)
			worst = max64(worst, r->failovers[i].leader_ns -
						     r->failovers[i].cause_ns);
	int n = snprintf(r->verdict, sizeof r->verdict,
			 "PASS: at most %d leader%s at once, %zu failover%s",
			 r->max_leaders_seen, r->max_leaders_seen == 1 ? "" : "s",
			 r->nfailovers, r->nfailovers == 1 ? "" : "s");
	if (worst >= 0 && n > 0 && (size_t)n < sizeof r->verdict)
		n += snprintf(r->verdict + n, sizeof r->verdict - (size_t)n,
			      " (slowest %.3f s)", secs(worst));
	if (n > 0 && (size_t)n < sizeof r->verdict)
		n += snprintf(r->verdict + n, sizeof r->verdict - (size_t)n,
			      ", longest leaderless %.3f s",
			      secs(r->leaderless_max_ns));
	if (c->transitions_resets > 0 && n > 0 && (size_t)n < sizeof r->verdict)
		snprintf(r->verdict + n, sizeof r->verdict - (size_t)n,
			 "; %lld renewal%s wrote transitions 0 (sidecar-0.5 behaviour)",
			 (long long)c->transitions_resets,
			 c->transitions_resets == 1 ? "" : "s");
}

static void decide(checker *c)
{
	sim_check_result *r = c->r;
	const sim_expect *x = &c->sc->expect;
	if (x->expect_violation) {
		const sim_violation *v = first_of(r, x->violation);
		const char *name = x->violation == SIM_INV_NONE
					   ? "a"
					   : sim_invariant_name(x->violation);
		if (v) {
			r->exit_code = SIM_EXIT_PASS;
			r->expectations_met = true;
			snprintf(r->verdict, sizeof r->verdict,
				 "BUG REPRODUCED (expected %s violation): %s: %.200s",
				 x->violation == SIM_INV_NONE ? "a" : name,
				 sim_invariant_name(v->inv), v->text);
		} else {
			bool liveness_class = x->violation != SIM_INV_NONE &&
					      !inv_is_safety(x->violation);
			r->exit_code = liveness_class ? SIM_EXIT_LIVENESS : SIM_EXIT_SAFETY;
			r->expectations_met = false;
			snprintf(r->verdict, sizeof r->verdict,
				 "FAIL: expected bug not reproduced (%s %s violation "
				 "was expected, none found)",
				 x->violation == SIM_INV_NONE ? "an" : "a",
				 x->violation == SIM_INV_NONE ? "invariant" : name);
		}
		return;
	}
	const sim_violation *v = first_safety(r);
	if (!v)
		v = first_of(r, SIM_INV_NONE);
	if (!v) {
		r->exit_code = SIM_EXIT_PASS;
		r->expectations_met = true;
		pass_verdict(c);
		return;
	}
	r->expectations_met = false;
	r->exit_code = inv_is_safety(v->inv) ? SIM_EXIT_SAFETY : SIM_EXIT_LIVENESS;
	snprintf(r->verdict, sizeof r->verdict, "%s VIOLATED (%s): %.200s",
		 inv_is_safety(v->inv) ? "SAFETY" : "LIVENESS",
		 sim_invariant_name(v->inv), v->text);
}

/* ---- entry points ------------------------------------------------------------ */

/* The checker's reading of time relies on it: a history's times (in seq
 * order, which is the index) never go backwards (sim_history_push and the
 * reader refuse anything else, so a broken one is a bug, not bad input). */
static void assert_in_order(const sim_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		LE_ASSERT(i == 0 || h->ev[i].t_ns >= h->ev[i - 1].t_ns);
	}
}

/* Guarded work against the fenced resource, which keeps the highest token
 * it has seen: a write with a lower token than that is stale (damage by a
 * leader that no longer leads). */
static int judge_work(checker *c)
{
	const sim_history *h = c->h;
	c->stale = calloc(h->n ? h->n : 1, sizeof *c->stale);
	if (!c->stale)
		return LE_ENOMEM;
	bool any = false;
	int64_t fence = 0;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind != SIM_EV_WORK)
			continue;
		c->stale[i] = any && e->token < fence;
		if (!any || e->token > fence)
			fence = e->token;
		any = true;
	}
	return LE_OK;
}

/* ---- liveness-probe restarts ------------------------------------------------ */

static int collect_probe_restarts(checker *c)
{
	const sim_history *h = c->h;
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		n += h->ev[i].kind == SIM_EV_PROBE_RESTART;
	if (!n)
		return LE_OK;
	sim_probe_restart *v = calloc(n, sizeof *v);
	if (!v)
		return LE_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind != SIM_EV_PROBE_RESTART)
			continue;
		sim_probe_restart *p = &v[k++];
		*p = (sim_probe_restart){e->pod, e->t_ns, e->probe_failures,
					 false, -1, -1};
		for (size_t a = 0; a < c->nacting; a++)
			if (c->acting[a].pod == e->pod &&
			    c->acting[a].start_ns < e->t_ns &&
			    c->acting[a].end_ns >= e->t_ns)
				p->was_acting = true;
		for (size_t j = 0; j < i; j++)
			if (h->ev[j].kind == SIM_EV_FAULT_START &&
			    h->ev[j].pod == e->pod) {
				p->fault = h->ev[j].fault;
				p->fault_ns = h->ev[j].t_ns;
			}
	}
	c->r->probe_restarts = v;
	c->r->nprobe_restarts = n;
	return LE_OK;
}

int sim_check(const sim_scenario *sc, const sim_history *h, sim_check_result *out)
{
	memset(out, 0, sizeof *out);
	if (!sc || !h) {
		out->exit_code = SIM_EXIT_INTERNAL;
		snprintf(out->verdict, sizeof out->verdict,
			 "INTERNAL ERROR: no scenario or history to check");
		return LE_EINVAL;
	}
	checker c = { .sc = sc, .h = h, .r = out, .end_ns = h->end_ns };
	assert_in_order(h);
	if (h->n > 0 && h->ev[h->n - 1].t_ns > c.end_ns)
		c.end_ns = h->ev[h->n - 1].t_ns;
	derive_bounds(&c);
	int rc = judge_work(&c);
	if (!rc)
		rc = collect_intervals(&c);
	if (!rc)
		rc = collect_windows(&c);
	if (!rc)
		rc = check_safety(&c);
	if (!rc)
		rc = check_failover(&c);
	if (!rc)
		rc = check_lease_history(&c);
	if (!rc)
		rc = check_liveness(&c);
	if (!rc)
		rc = check_stability(&c);
	if (!rc)
		rc = check_change_rate(&c);
	if (!rc)
		rc = check_leaderless(&c);
	if (!rc)
		rc = check_coordination(&c);
	if (!rc)
		rc = check_handover(&c);
	if (!rc)
		rc = collect_probe_restarts(&c);
	for (size_t i = 0; c.stale && i < h->n; i++)
		out->stale_writes += c.stale[i];
	if (!rc && c.nacting) {
		out->leading = malloc(c.nacting * sizeof *out->leading);
		if (!out->leading)
			rc = LE_ENOMEM;
		for (size_t i = 0; !rc && i < c.nacting; i++)
			out->leading[i] = (sim_lead_interval){
				c.acting[i].pod, c.acting[i].start_ns,
				c.acting[i].end_ns};
		if (!rc)
			out->nleading = c.nacting;
	}
	free(c.terms);
	free(c.acting);
	free(c.windows);
	free(c.stale);
	if (rc) {
		sim_check_result_free(out);
		out->exit_code = SIM_EXIT_INTERNAL;
		snprintf(out->verdict, sizeof out->verdict,
			 "INTERNAL ERROR: out of memory while checking");
		return rc;
	}
	decide(&c);
	return LE_OK;
}

void sim_check_result_free(sim_check_result *r)
{
	if (!r)
		return;
	free(r->overlaps);
	free(r->failovers);
	free(r->handovers);
	r->handovers = NULL;
	r->nhandovers = 0;
	free(r->violations);
	free(r->leading);
	free(r->probe_restarts);
	r->probe_restarts = NULL;
	r->nprobe_restarts = 0;
	r->leading = NULL;
	r->nleading = 0;
	r->overlaps = NULL;
	r->failovers = NULL;
	r->violations = NULL;
	r->noverlaps = r->nfailovers = r->nviolations = 0;
}
