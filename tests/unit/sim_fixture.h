/* tests/unit/sim_fixture.h — small scenarios built in C (no YAML) and
 * history helpers, shared by the simulator engine's unit tests and
 * bench/bench_sim.c. Plain C: no cmocka here. */
#ifndef LEASELAB_TESTS_SIM_FIXTURE_H
#define LEASELAB_TESTS_SIM_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "leaselab/sim.h"

#define FX_S(x) ((int64_t)((x) * 1e9))
#define FX_MS(x) ((int64_t)((x) * 1e6))
#define FX_US(x) ((int64_t)(x) * INT64_C(1000))

/* client-go defaults (15 s / 10 s / 2 s) on Lease default/my-lease. */
static inline void fx_election(sim_election *e)
{
	memset(e, 0, sizeof *e);
	e->profile = &le_profile_client_go;
	e->lock_kind = LE_LOCK_LEASES;
	e->lock_namespace = "default";
	e->lock_name = "my-lease";
	e->lease_duration_ns = FX_S(15);
	e->renew_deadline_ns = FX_S(10);
	e->retry_period_ns = FX_S(2);
}

/* npods pods named pod-a, pod-b, ... all started at 0, network latency
 * fixed at latency_ns each way. Free with fx_free. */
static inline sim_scenario *fx_scenario(size_t npods, int64_t duration_ns,
					int64_t latency_ns)
{
	sim_scenario *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	snprintf(sc->name, sizeof sc->name, "fixture");
	sc->duration_ns = duration_ns;
	fx_election(&sc->defaults);
	sc->latency_to = (sim_latency){.kind = FA_LAT_FIXED, .a_ns = latency_ns};
	sc->latency_from = sc->latency_to;
	sc->pods = calloc(npods ? npods : 1, sizeof *sc->pods);
	if (!sc->pods) {
		free(sc);
		return NULL;
	}
	sc->npods = npods;
	for (size_t i = 0; i < npods; i++) {
		sim_pod_spec *p = &sc->pods[i];
		char name[16];
		snprintf(name, sizeof name, "pod-%c", (char)('a' + i));
		p->name = sim_scenario_keep(sc, name);
		p->identity = "";
		p->election = sc->defaults;
		p->grace_period_ns = FX_S(30);
		p->replacement_start_ns = FX_S(2);
	}
	sc->expect.max_leaders = 1;
	return sc;
}

static inline sim_fault *fx_fault(sim_scenario *sc, sim_action action,
				  int64_t at_ns)
{
	sim_fault *v = realloc(sc->faults, (sc->nfaults + 1) * sizeof *v);
	if (!v)
		return NULL;
	sc->faults = v;
	sim_fault *f = &v[sc->nfaults++];
	memset(f, 0, sizeof *f);
	f->action = action;
	f->at_ns = at_ns;
	f->mode = SIM_MODE_ONE;
	f->partition_kind = FA_PART_BLACKHOLE;
	f->grace_period_ns = -1;
	snprintf(f->label, sizeof f->label, "fault %zu", sc->nfaults - 1);
	return f;
}

static inline void fx_free(sim_scenario *sc)
{
	if (!sc)
		return;
	sim_scenario_free(sc);
	free(sc);
}

/* Rename pod i (the scenario keeps the name). */
static inline void fx_name(sim_scenario *sc, size_t i, const char *name)
{
	sc->pods[i].name = sim_scenario_keep(sc, name);
}

/* ---- history helpers ------------------------------------------------------ */

/* Index of the first event of `kind` (by `pod`, -2 = any pod) at or after
 * t_ns, or -1. */
static inline long fx_find(const sim_history *h, sim_ev_kind kind, int32_t pod,
			   int64_t t_ns)
{
	for (size_t i = 0; i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->kind == kind && (pod == -2 || e->pod == pod) && e->t_ns >= t_ns)
			return (long)i;
	}
	return -1;
}

static inline size_t fx_count(const sim_history *h, sim_ev_kind kind,
			      int32_t pod)
{
	size_t c = 0;
	for (size_t i = 0; i < h->n; i++)
		if (h->ev[i].kind == kind && (pod == -2 || h->ev[i].pod == pod))
			c++;
	return c;
}

/* Longest time during which two or more pods were acting as leader (from
 * STARTED_LEADING to ACTING_END or the pod's death/exit), and the most that
 * acted at once. A small stand-in for the checker, which is not ours. */
static inline int64_t fx_max_overlap(const sim_history *h, int *max_acting)
{
	size_t np = h->npods ? h->npods : 1;
	char *acting = calloc(np, 1);
	int cur = 0, best = 0;
	int64_t since = 0, longest = 0;
	for (size_t i = 0; acting && i < h->n; i++) {
		const sim_event *e = &h->ev[i];
		if (e->pod < 0)
			continue;
		bool start = e->kind == SIM_EV_STARTED_LEADING;
		bool stop = e->kind == SIM_EV_ACTING_END ||
			    e->kind == SIM_EV_POD_DEATH || e->kind == SIM_EV_POD_EXIT;
		if (start && !acting[e->pod]) {
			acting[e->pod] = 1;
			if (++cur == 2)
				since = e->t_ns;
			if (cur > best)
				best = cur;
		} else if (stop && acting[e->pod]) {
			acting[e->pod] = 0;
			if (cur-- == 2 && e->t_ns - since > longest)
				longest = e->t_ns - since;
		}
	}
	if (cur >= 2 && h->end_ns - since > longest)
		longest = h->end_ns - since;
	free(acting);
	if (max_acting)
		*max_acting = best;
	return longest;
}

#endif
