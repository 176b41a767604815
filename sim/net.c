/* sim/net.c — the network between a pod and the apiserver: one leg at a
 * time (request "to" the apiserver, response "from" it), with its base
 * latency and the scenario's network faults active on the pod (partition,
 * extra delay, loss). The store's own fault rules (fa_faults_decide) are
 * applied by the world on top. */
#include <stdio.h>

#include "chooser.h"
#include "sim_engine.h"

int sim_latency_check(const fa_latency *l, const char *what, char *err,
		      size_t errcap)
{
	switch (l->kind) {
	case FA_LAT_NONE:
		return LE_OK;
	case FA_LAT_FIXED:
		if (l->a_ns < 0)
			goto negative;
		return LE_OK;
	case FA_LAT_UNIFORM:
		if (l->a_ns < 0)
			goto negative;
		if (l->b_ns < l->a_ns) {
			snprintf(err, errcap, "%s: uniform latency needs max >= min (got %lld ns < %lld ns)",
				 what, (long long)l->b_ns, (long long)l->a_ns);
			return LE_EINVAL;
		}
		return LE_OK;
	case FA_LAT_PARETO:
		if (l->a_ns < 0)
			goto negative;
		if (!(l->alpha > 0.0)) {
			snprintf(err, errcap, "%s: pareto latency needs a shape alpha > 0", what);
			return LE_EINVAL;
		}
		if (l->b_ns != 0 && l->b_ns < l->a_ns) {
			snprintf(err, errcap, "%s: pareto latency cap must be >= its scale", what);
			return LE_EINVAL;
		}
		return LE_OK;
	}
	snprintf(err, errcap, "%s: unknown latency kind %d", what, (int)l->kind);
	return LE_EINVAL;
negative:
	snprintf(err, errcap, "%s: latency must not be negative (got %lld ns)",
		 what, (long long)l->a_ns);
	return LE_EINVAL;
}

static bool applies(sim_direction fault_dir, sim_direction leg)
{
	return fault_dir == SIM_DIR_BOTH || fault_dir == leg;
}

void sim_net_leg(const sim_scenario *sc, const int32_t *active, size_t nactive,
		 sim_direction leg, const fa_latency *base, fa_rng *r,
		 struct sim_chooser *ch, sim_leg *out)
{
	out->lost = false;
	out->refused = false;
	out->delay_ns = sim_choose_latency(ch, base, r);
	for (size_t i = 0; i < nactive; i++) {
		const sim_fault *f = &sc->faults[active[i]];
		if (!applies(f->direction, leg))
			continue;
		switch (f->action) {
		case SIM_ACT_PARTITION:
			/* A refused connection is only seen by the client on
			 * the way out; a cut on the way back swallows the
			 * answer whatever the kind. */
			if (leg == SIM_DIR_TO && f->partition_kind == FA_PART_REFUSED)
				out->refused = true;
			else
				out->lost = true;
			break;
		case SIM_ACT_DELAY:
			out->delay_ns += sim_choose_latency(ch, &f->latency, r);
			break;
		case SIM_ACT_LOSS:
			if (f->loss > 0 && sim_choose_loss(ch, f->loss, r))
				out->lost = true;
			break;
		default:
			break;
		}
	}
	if (out->refused)
		out->lost = false;
}
