/* sim/chooser.h — the chooser seam: the simulator's timing draws (a core's
 * acquire jitter, a network leg's latency, a lossy leg's loss) as explicit
 * choice points, for bin/sim prove --timing extremes (docs/prove.md).
 *
 * Without a chooser (the default) every draw comes from its PRNG stream as
 * before, byte for byte. With one, each draw is still taken from its stream
 * (so the streams stay where they would be), and then, if the point is a
 * branching one, replaced by one of `points` values from the draw's minimum
 * to its maximum. A point branches when it falls within window_ns of one of
 * the schedule's fault starts or ends and fewer than depth_max points have
 * branched in this run; every other point keeps its seeded draw. That is
 * the honest bound on the choice tree the coverage line states.
 *
 * sim_chooser_judge walks the whole bounded tree depth first, one run per
 * leaf, each run replaying the picks of its path from t = 0. With
 * state_hash, every event boundary after the run's first new pick hashes
 * the world (sim_world_state_hash); a state some earlier run reached with
 * as many picks made is not explored again: the run stops there, is judged
 * on its history so far, and its subtree is not expanded. */
#ifndef LEASELAB_SIM_CHOOSER_H
#define LEASELAB_SIM_CHOOSER_H

#include <stdbool.h>
#include <stdint.h>

#include "leaselab/explore.h"
#include "sim_engine.h"

#define SIM_CHOOSER_DEPTH_MAX 32 /* branching points per run, at most */
#define SIM_CHOOSER_POINTS_MAX 16

typedef struct sim_chooser_opts {
	unsigned points;    /* values per choice: 2 = min and max, 2 + N: N interior */
	int64_t window_ns;  /* choices branch within this of a fault's start or end */
	unsigned depth_max; /* branching points per run, at most */
	bool state_hash;    /* merge equal states (false: --no-state-hash) */
	/* --timing critical: no branching; a core's acquire jitter that can
	 * make its next attempt start just after its observed lease expires
	 * (at most 1 us after) takes that value, every other draw stays the
	 * seeded one */
	bool critical;
} sim_chooser_opts;

typedef struct sim_chooser_stats {
	uint64_t runs;    /* simulations (leaves of the tree, cut or not) */
	uint64_t states;  /* distinct states hashed */
	uint64_t merged;  /* runs cut at a state an earlier run reached */
	uint64_t capped;  /* runs where a point in a window came past depth_max */
	unsigned depth;   /* most branching points in one run */
} sim_chooser_stats;

typedef struct sim_chooser sim_chooser;
struct sim_node; /* sim/world_int.h */

/* A chooser for scenarios whose fault windows come from sc->faults (each
 * fault's start and end, +- window_ns); NULL when out of memory. */
sim_chooser *sim_chooser_new(const sim_chooser_opts *o);
void sim_chooser_free(sim_chooser *ch);

/* Ready ch for sc's tree (its windows, no states seen, the first path);
 * a world given ch then runs that tree's first leaf. LE_OK or LE_ENOMEM. */
int sim_chooser_reset(sim_chooser *ch, const sim_scenario *sc, sim_chooser_stats *st);

/* Every leaf of sc's choice tree for seed, judged as sim_explore_judge
 * judges one run; *inv = the lowest violated invariant over all leaves
 * (SIM_INV_NONE if none). Stops at the first violating leaf when
 * first_only. *st accumulates. LE_OK or the world's error. */
int sim_chooser_judge(sim_chooser *ch, const sim_scenario *sc, uint64_t seed,
		      const sim_explore_opts *o, bool first_only, sim_invariant *inv,
		      sim_chooser_stats *st, char *err, size_t errcap);

/* sim_explore_judge of one run whose draws go through ch (sim/explore.c). */
int sim_explore_judge_chosen(const sim_scenario *sc, uint64_t seed,
			     const sim_explore_opts *o, sim_chooser *ch,
			     sim_invariant *inv, char *err, size_t errcap);

/* The state of the world at an event boundary: now, every pod (process
 * state, clock, PRNG streams, its core's le_elector_state_hash), the
 * store's lock objects, and every pending event relative to now (a
 * request's event by the request's content, not its slot). */
uint64_t sim_world_state_hash(const sim_world *w);

/* Run sc at seed with its seeded draws (critical: --timing critical's)
 * and write the world's state hash as of each instant t[0] < t[1] < ...
 * (0 for an instant the run never reached): interaction pruning in
 * bin/sim prove groups faults' runs by it. */
int sim_world_probe_hashes(const sim_scenario *sc, uint64_t seed, bool critical, const int64_t *t,
			   size_t n, uint64_t *out, char *err, size_t errcap);

/* A world that makes its draws through ch (NULL: its own, the scenario's
 * timing: path, else seeded, the default). */
void sim_world_set_chooser(sim_world *w, sim_chooser *ch);

/* Ready ch for one run of sc that takes `path` at its first choice points
 * (then 0, the minimum): the scenario key timing: (sim_world_new sets one
 * up itself when the scenario has it). LE_OK or LE_ENOMEM. */
int sim_chooser_replay(sim_chooser *ch, const sim_scenario *sc, const uint8_t *path,
		       size_t n);
/* The picks the last run made at its choice points, in order (at most
 * cap); what a timing: path replays. */
size_t sim_chooser_path(const sim_chooser *ch, uint8_t *out, size_t cap);

/* ---- the seam: called by the world (world.c, net.c, world_run.c) ---- */
/* A core's draw for the input about to be given to node n. */
uint64_t sim__choose_jitter(sim_chooser *ch, const struct sim_node *n, uint64_t seeded);
/* After that input: a draw the core did not use was no choice. */
void sim__choose_settle(sim_chooser *ch);
/* A leg's latency and a lossy leg's fate; ch may be NULL. */
int64_t sim_choose_latency(sim_chooser *ch, const fa_latency *l, fa_rng *r);
bool sim_choose_loss(sim_chooser *ch, double p, fa_rng *r);
/* At an event boundary: true when the run should stop here. */
bool sim__choose_boundary(sim_chooser *ch);

#endif
