/* sim/world_faults.c — the scenario's faults in the simulated world: who a
 * fault hits (selector, role and mode, drawn from the fault stream when it
 * starts), what it does to each target, and how its end undoes it. Process
 * faults act through the node life cycle in world.c; network faults are
 * kept on the node and read by each request leg (net.c); store faults are
 * fa_faults rules. */
#include <stdlib.h>
#include <string.h>

#include "fault_model.h"
#include "world_int.h"

static bool selected_by_name(const sim_world *w, const sim_fault *f,
			     const sim_node *n)
{
	if (f->nnames == 0)
		return true;
	for (int k = 0; k < f->nnames; k++)
		if (strcmp(f->names[k], sim__node_name(w, n)) == 0)
			return true;
	return false;
}

static bool selected_by_role(const sim_fault *f, const sim_node *n)
{
	bool leading = n->e && le_elector_leading(n->e);
	switch (f->role) {
	case SIM_ROLE_LEADER:
		return leading;
	case SIM_ROLE_FOLLOWER:
		return !leading;
	default:
		return true;
	}
}

/* Pick the fault's targets among the live pods (in pod order, then drawn
 * from the fault stream by mode). Fills fr->targets. */
static int select_targets(sim_world *w, const sim_fault *f, fault_run *fr)
{
	int32_t *cand = malloc((w->nnodes ? w->nnodes : 1) * sizeof *cand);
	if (!cand)
		return LE_ENOMEM;
	size_t nc = 0;
	for (size_t i = 0; i < w->nnodes; i++) {
		const sim_node *n = w->nodes[i];
		if (sim__alive(n) && selected_by_name(w, f, n) &&
		    selected_by_role(f, n))
			cand[nc++] = (int32_t)i;
	}
	size_t want = nc;
	switch (f->mode) {
	case SIM_MODE_ONE:
		want = 1;
		break;
	case SIM_MODE_ALL:
		break;
	case SIM_MODE_FIXED:
		want = f->value > 0 ? (size_t)f->value : 0;
		break;
	case SIM_MODE_FIXED_PERCENT:
		want = (size_t)(f->value > 0 ? f->value : 0) * nc / 100;
		if (want < 1)
			want = 1;
		break;
	}
	if (want > nc)
		want = nc;
	/* partial Fisher-Yates: the first `want` are a uniform choice */
	if (want < nc)
		for (size_t k = 0; k < want; k++) {
			size_t j = k + (size_t)sim_rng_below(&w->fault_rng, nc - k);
			int32_t t = cand[k];
			cand[k] = cand[j];
			cand[j] = t;
		}
	/* act on them in pod order, whatever order they were drawn in */
	for (size_t a = 1; a < want; a++)
		for (size_t b = a; b > 0 && cand[b - 1] > cand[b]; b--) {
			int32_t t = cand[b];
			cand[b] = cand[b - 1];
			cand[b - 1] = t;
		}
	fr->targets = cand;
	fr->ntargets = want;
	fr->target_inc = calloc(want ? want : 1, sizeof *fr->target_inc);
	fr->saved_rate = calloc(want ? want : 1, sizeof *fr->saved_rate);
	if (!fr->target_inc || !fr->saved_rate)
		return LE_ENOMEM;
	return LE_OK;
}

static bool fault_has_end(const sim_fault *f)
{
	return f->duration_ns > 0 && sim_fault_model_of(f->action)->lasts;
}

static void netf_add(sim_world *w, sim_node *n, int32_t fault)
{
	if (n->nnetf == n->netf_cap) {
		/* a scenario has at most 10,000 faults: never past 16 bits */
		size_t cap = n->netf_cap ? n->netf_cap * 2u : 4;
		int32_t *v = NULL;
		if (cap <= UINT16_MAX)
			v = realloc(n->netf, cap * sizeof *v);
		if (!v) {
			sim__fail(w, LE_ENOMEM, "out of memory for a network fault");
			return;
		}
		n->netf = v;
		n->netf_cap = (uint16_t)cap;
	}
	n->netf[n->nnetf++] = fault;
}

static void netf_remove(sim_node *n, int32_t fault)
{
	for (size_t k = 0; k < n->nnetf; k++)
		if (n->netf[k] == fault) {
			memmove(&n->netf[k], &n->netf[k + 1],
				(n->nnetf - k - 1) * sizeof *n->netf);
			n->nnetf--;
			return;
		}
}

static void apiserver_rule(sim_world *w, fault_run *fr, const fa_fault_rule *rule)
{
	int *v = realloc(fr->rule_ids, (fr->nrules + 1) * sizeof *v);
	if (!v) {
		sim__fail(w, LE_ENOMEM, "out of memory for a store fault rule");
		return;
	}
	fr->rule_ids = v;
	int id = fa_faults_add(w->faults, rule);
	if (id < 0) {
		sim__fail(w, id, "store fault rule rejected: %s", le_strerror(id));
		return;
	}
	fr->rule_ids[fr->nrules++] = id;
}

static void record_cut(sim_world *w, sim_ev_kind kind, const sim_node *n,
		       const sim_fault *f, int32_t fault)
{
	sim_event e = sim_event_make(w->now, kind, n->pod);
	e.fault = fault;
	e.direction = f->direction;
	e.partition = f->partition_kind;
	sim__record(w, &e);
}

static void apply_to_target(sim_world *w, const sim_fault *f, int32_t fault,
			    fault_run *fr, size_t k)
{
	sim_node *n = w->nodes[fr->targets[k]];
	switch (f->action) {
	case SIM_ACT_POD_KILL:
		sim__node_kill(w, n, fault);
		if (f->replace)
			sim__push(w, w->now + n->ps->replacement_start_ns, EV_REPLACE,
				  (uint32_t)n->pod, (uint64_t)fault);
		break;
	case SIM_ACT_POD_DELETE:
		sim__node_delete(w, n, f, fault);
		break;
	case SIM_ACT_POD_FAILURE:
		sim__node_kill(w, n, fault);
		fr->target_inc[k] = n->inc;
		break;
	case SIM_ACT_RESTART:
		sim__node_kill(w, n, fault);
		if (!n->deleted) /* a deleted pod's containers stay down */
			sim__node_start(w, n);
		break;
	case SIM_ACT_PAUSE:
		sim__node_pause(w, n, fault);
		fr->target_inc[k] = n->inc;
		break;
	case SIM_ACT_PARTITION:
		netf_add(w, n, fault);
		record_cut(w, SIM_EV_CUT, n, f, fault);
		break;
	case SIM_ACT_DELAY:
	case SIM_ACT_LOSS:
		netf_add(w, n, fault);
		break;
	case SIM_ACT_TIME_SKEW:
		sim_clock_step_wall(&n->clock, w->now, f->time_offset_ns);
		if (f->time_skew_monotonic)
			sim_clock_step_mono(&n->clock, w->now, f->time_offset_ns);
		sim__arm(w, n);
		break;
	case SIM_ACT_CLOCK_RATE:
		fr->saved_rate[k] = n->clock.rate_ppm;
		sim_clock_set_rate(&n->clock, w->now, f->rate_ppm);
		sim__arm(w, n);
		break;
	case SIM_ACT_APISERVER: {
		fa_fault_rule rule = f->apiserver;
		snprintf(rule.identity, sizeof rule.identity, "%s", n->identity);
		apiserver_rule(w, fr, &rule);
		break;
	}
	case SIM_ACT_DELETE_CANDIDATE:
		if (sim__coord_delete_candidate(w, n))
			fr->hit = true;
		break;
	case SIM_ACT_CONTROLLER_RESTART:
	case SIM_ACT_CONTROLLER_PAUSE:
		break; /* not pod-specific: sim__fault_start */
	}
}

/* The controller's faults: a restart stops it (and starts the new one at
 * once when it has no down time); a pause holds it. */
static void controller_fault(sim_world *w, const sim_fault *f, bool start)
{
	if (f->action == SIM_ACT_CONTROLLER_PAUSE) {
		sim__coord_controller_pause(w, start);
		return;
	}
	if (start)
		sim__coord_controller_stop(w);
	if (!start || f->duration_ns == 0)
		sim__coord_controller_start(w);
}

static void undo_on_target(sim_world *w, const sim_fault *f, int32_t fault,
			   fault_run *fr, size_t k)
{
	sim_node *n = w->nodes[fr->targets[k]];
	switch (f->action) {
	case SIM_ACT_POD_FAILURE:
		if (n->state == NODE_DEAD && n->inc == fr->target_inc[k] &&
		    !n->deleted)
			sim__node_start(w, n);
		break;
	case SIM_ACT_PAUSE:
		if (n->inc == fr->target_inc[k])
			sim__node_resume(w, n, fault);
		break;
	case SIM_ACT_PARTITION:
		netf_remove(n, fault);
		record_cut(w, SIM_EV_UNCUT, n, f, fault);
		break;
	case SIM_ACT_DELAY:
	case SIM_ACT_LOSS:
		netf_remove(n, fault);
		break;
	case SIM_ACT_TIME_SKEW:
		sim_clock_step_wall(&n->clock, w->now, -f->time_offset_ns);
		sim__arm(w, n);
		break;
	case SIM_ACT_CLOCK_RATE:
		sim_clock_set_rate(&n->clock, w->now, fr->saved_rate[k]);
		sim__arm(w, n);
		break;
	default:
		break;
	}
}

/* Store faults apply to the whole server unless a selector names pods; a
 * server that is down is down for everyone. */
static bool pod_specific(const sim_fault *f)
{
	return sim_fault_pod_specific(f);
}

void sim__fault_start(sim_world *w, int32_t fault)
{
	const sim_fault *f = &w->sc->faults[fault];
	fault_run *fr = &w->fr[fault];
	if (!pod_specific(f)) {
		sim__note(w, SIM_EV_FAULT_START, -1, fault);
		if (sim_fault_on_controller(f)) {
			controller_fault(w, f, true);
		} else if (f->apiserver_down) {
			if (w->down_count++ == 0)
				fa_faults_set_down(w->faults, true);
		} else {
			apiserver_rule(w, fr, &f->apiserver);
		}
	} else {
		if (select_targets(w, f, fr) != LE_OK) {
			sim__fail(w, LE_ENOMEM, "out of memory selecting fault targets");
			return;
		}
		if (fr->ntargets == 0)
			sim__note(w, SIM_EV_FAULT_START, -1, fault);
		for (size_t k = 0; k < fr->ntargets; k++) {
			sim__note(w, SIM_EV_FAULT_START, fr->targets[k], fault);
			apply_to_target(w, f, fault, fr, k);
		}
		/* a fault that hits nothing shows nothing: the scenario is
		 * wrong (docs/scenario-format.md) */
		if (f->action == SIM_ACT_DELETE_CANDIDATE && !fr->hit)
			sim__fail(w, LE_EINVAL,
				  "faults[%d] (%s) at %.3f s: no selected live pod "
				  "has a LeaseCandidate to delete",
				  (int)fault, f->label, (double)w->now / 1e9);
	}
	if (fault_has_end(f))
		sim__push(w, w->now + f->duration_ns, EV_FAULT_END, 0, (uint64_t)fault);
}

void sim__fault_end(sim_world *w, int32_t fault)
{
	const sim_fault *f = &w->sc->faults[fault];
	fault_run *fr = &w->fr[fault];
	for (size_t k = 0; k < fr->nrules; k++)
		fa_faults_remove(w->faults, fr->rule_ids[k]);
	fr->nrules = 0;
	if (!pod_specific(f)) {
		if (sim_fault_on_controller(f))
			controller_fault(w, f, false);
		else if (f->apiserver_down && --w->down_count == 0)
			fa_faults_set_down(w->faults, false);
		sim__note(w, SIM_EV_FAULT_END, -1, fault);
		return;
	}
	if (fr->ntargets == 0)
		sim__note(w, SIM_EV_FAULT_END, -1, fault);
	for (size_t k = 0; k < fr->ntargets; k++) {
		undo_on_target(w, f, fault, fr, k);
		sim__note(w, SIM_EV_FAULT_END, fr->targets[k], fault);
	}
}
