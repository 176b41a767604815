/* sim/fault_model.h — the one table of fault kinds (issue 11, part 1).
 *
 * Every scenario action is one entry: its name (and aliases), the keys the
 * parser accepts for it, whether it lasts (has an end), explore's generator
 * for it and its shrinker. The parser (scenario.c), the world
 * (world_faults.c), the writer (scenario_write.c), the history header and
 * its reader (history.c, history_read.c), explore (explore.c,
 * cmd/explore.c) and, through sim_fault_action_name, the reports read it;
 * adding a kind
 * is one entry here plus its effect in world_faults.c
 * (docs/fault-model.md has the checklist).
 */
#ifndef LEASELAB_SIM_FAULT_MODEL_H
#define LEASELAB_SIM_FAULT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "leaselab/sim.h"
#include "sim_engine.h"

#define SIM_X_MS ((int64_t)1000000)
#define SIM_X_SEC ((int64_t)1000000000)

/* Uniform in [lo, hi] (lo when hi <= lo). */
static inline int64_t sim_x_range(fa_rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)sim_rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* Whole milliseconds, so that a found file reads like a person wrote it. */
static inline int64_t sim_x_ms(int64_t ns)
{
	return ns / SIM_X_MS * SIM_X_MS;
}

static inline bool sim_x_chance(fa_rng *r, unsigned percent)
{
	return sim_rng_below(r, 100) < percent;
}

/* Bounds a generator draws within, derived from the base scenario
 * (explore.c, derive_bounds). */
typedef struct sim_xbounds {
	bool envelope;            /* election-spec.md 6.3's safe envelope */
	int64_t slack;            /* LD - RP - RD (envelope) */
	int64_t at_lo, at_hi;     /* when faults may start */
	int64_t dur_lo, dur_hi;   /* how long a lasting fault may last */
	int64_t end_ns;           /* the run's end */
	int64_t ld, rd, rp;
} sim_xbounds;

/* A shrinker's view of the search: try the case as it stands. */
typedef struct sim_xshrink {
	bool (*still_fails)(void *ctx);
	void *ctx;
} sim_xshrink;

/* Halve *v towards lo while the case still fails (whole ms); 1 if moved. */
int sim_xshrink_i64(const sim_xshrink *s, int64_t *v, int64_t lo);
int sim_xshrink_prob(const sim_xshrink *s, double *v, double lo);

typedef struct sim_fault_model {
	sim_action action;
	const char *name;              /* the scenario's action name */
	const char *const *keys;       /* every key it takes, NULL-terminated */
	bool lasts;                    /* has an end (a duration) */
	int xkind;                     /* explore's sim_xkind, -1 = never drawn */
	/* Explore: draw the kind's own fields of f (at, duration, target are
	 * drawn already; dur is the drawn duration), size in percent. */
	void (*draw)(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
		     int64_t dur, sim_fault *f);
	/* Explore's envelope: bring f inside election-spec.md 6.3's bounds. */
	void (*clamp)(fa_rng *r, const sim_xbounds *b, sim_fault *f);
	/* Shrink the kind's magnitudes (not the duration); steps taken. */
	int (*shrink)(const sim_xshrink *s, sim_fault *f);
} sim_fault_model;

extern const sim_fault_model sim_fault_models[];
extern const size_t sim_fault_nmodels;

/* The entry of an action (never NULL for a valid action). */
const sim_fault_model *sim_fault_model_of(sim_action a);
/* sim_fault_action_name (leaselab/sim.h) names an action; this maps a
 * canonical name back (no aliases: what the history header wrote), 0 if none. */
sim_action sim_fault_action_find(const char *name);

/* Parser tables: every name an action may be written with (aliases
 * included, "container-kill" for restart), NULL-terminated, and the action
 * of each. */
extern const char *const sim_fault_action_names[];
extern const sim_action sim_fault_action_values[];

#endif
