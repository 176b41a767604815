/* The search room: overrides on a scenario's YAML (--set), sweeps over
 * scenario fields (bin/sim sweep) and the settings envelope (bin/sim
 * advise). They drive worlds (sim_world_new/run) and read verdicts from
 * sim_check; they never judge a run themselves.
 */
#ifndef LEASELAB_SIM_SEARCH_H
#define LEASELAB_SIM_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leaselab/sim.h"

/* ---- overrides (sim/override.c) ---------------------------------------------
 * PATH is keys joined by '.', each optionally followed by [N] for a list
 * element: election.leaseDuration, faults[0].duration, pods[1].clock.rate.
 * The override is spliced into the YAML text itself (the scalar the path
 * names is replaced; a missing key is added to its mapping), so the
 * scenario parser then judges the value with its own errors, pointing at
 * the file's own lines. */
typedef struct sim_override {
	char path[256];
	char value[256];
} sim_override;

/* "PATH=VALUE" -> *ov. LE_EINVAL with the reason in err. */
int sim_override_parse(const char *arg, sim_override *ov, char *err,
		       size_t errcap);
/* Apply overrides to a YAML text; *out (malloc'd, NUL-terminated) receives
 * the new text. Errors (LE_EINVAL, LE_EPARSE, LE_ENOMEM) name the file and
 * the line of the node the path stopped at: "file:line: --set PATH: what". */
int sim_override_text(const char *text, size_t len, const char *filename,
		      const sim_override *ov, size_t nov, char **out,
		      size_t *outlen, char *err, size_t errcap);
/* Read a file into memory (NUL-terminated). */
int sim_read_file(const char *path, char **out, size_t *len, char *err,
		  size_t errcap);
/* sim_scenario_parse of `text` with the overrides applied. */
int sim_scenario_parse_with(const char *text, size_t len, const char *filename,
			    const sim_override *ov, size_t nov,
			    sim_scenario *out, char *err, size_t errcap);
/* sim_scenario_load with the overrides applied. */
int sim_scenario_load_with(const char *path, const sim_override *ov,
			   size_t nov, sim_scenario *out, char *err,
			   size_t errcap);

/* ---- one point: many seeds (sim/sweep.c) ------------------------------------ */
typedef struct sim_point_stats {
	size_t seeds, failing, safety, liveness, bad;
	size_t disturbed;                /* seeds with a failover or leaderless time */
	double wilson_lo, wilson_hi;     /* 95 % interval of failing/seeds */
	size_t nfailovers;
	double fo_p50_s, fo_p90_s, fo_p99_s, fo_max_s, fo_mean_s;
	double overlap_max_s;            /* largest overlap */
	double leaderless_max_s;         /* longest leaderless stretch */
} sim_point_stats;

/* 95 % Wilson score interval of k successes out of n. */
void sim_wilson(size_t k, size_t n, double *lo, double *hi);
/* Nearest-rank percentile (q in [0, 1]) of sorted v[0..n). */
double sim_percentile(const double *sorted, size_t n, double q);

/* A jitter: PATH gets a value drawn per seed, uniform in [lo, hi] (in the
 * unit both ends share), from the seed's own stream. */
typedef struct sim_jitter {
	char path[256];
	double lo, hi;
	char unit[8];
} sim_jitter;

/* Run seeds first..first+n-1 of the scenario text with the overrides (and
 * jitters drawn per seed) applied; every run is judged as an ordinary one
 * (expect: violation is ignored) by sim_check. A scenario error is
 * LE_EINVAL/LE_EPARSE with the parser's message; an internal error of a
 * run LE_EIO. `hook` (may be NULL) sees every run's verdict. */
typedef void (*sim_point_hook)(void *ctx, const sim_scenario *sc,
			       const sim_check_result *res);
int sim_run_point(const char *text, size_t len, const char *filename,
		  const sim_override *ov, size_t nov, const sim_jitter *jit,
		  size_t njit, uint64_t first, size_t n, sim_point_stats *st,
		  sim_point_hook hook, void *hook_ctx, char *err, size_t errcap);

/* Parse "NUMBER[UNIT]" (10.5s, 0.77x, 250ms, 3): value and unit text. */
bool sim_number_unit(const char *s, double *v, char *unit, size_t unitcap);

/* bin/sim sweep and bin/sim advise (argv as main's). */
int sim_cmd_sweep(int argc, char **argv);
int sim_cmd_advise(int argc, char **argv);

#endif
