/* leaselab — private helpers of the scenario parser (sim/scenario*.c).
 *
 * scenario_yaml.c walks a libyaml document tree against a schema the caller
 * spells out key by key. Every helper that can fail writes
 *   "file:line:column: key.path: what was expected"
 * into the context's error buffer (lines and columns 1-based, from libyaml's
 * marks) and returns a negative LE_E* code; the first error wins and the
 * caller just propagates the code.
 *
 * Getters on a map (sy_get_*) return 1 when the key was present and parsed,
 * 0 when it was absent (the output is left untouched), < 0 on error.
 */
#ifndef LEASELAB_SIM_SCENARIO_INT_H
#define LEASELAB_SIM_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "leaselab/sim.h"

#define SY_PATH_MAX 160
#define SY_KEYS_MAX 32

typedef struct sy_ctx {
	const char *file;
	char *err;
	size_t errcap;
} sy_ctx;

/* A mapping checked against its list of allowed keys: unknown and duplicate
 * keys are errors when it is opened; values are then fetched by key. */
typedef struct sy_map {
	sy_ctx *c;
	yaml_document_t *doc;
	yaml_node_t *node;
	char path[SY_PATH_MAX];
	const char *const *keys;      /* NULL-terminated */
	size_t nkeys;
	yaml_node_t *key[SY_KEYS_MAX];
	yaml_node_t *val[SY_KEYS_MAX];
} sy_map;

/* Duration flags for sy_get_dur / sy_dur. */
enum {
	SY_DUR_POSITIVE = 0,      /* > 0 */
	SY_DUR_ZERO_OK = 1 << 0,  /* >= 0 */
	SY_DUR_NEG_OK = 1 << 1,   /* any sign (offsets) */
};

/* ---- errors and paths ---------------------------------------------------- */
/* Limits on what a scenario may ask for, so no input can stall bin/sim: a
 * scenario is a small hand-written file describing minutes of a cluster. */
#define SY_DEPTH_MAX 64                          /* nested mappings/sequences */
#define SY_DURATION_MAX_NS (24LL * 3600 * LE_NS_PER_S) /* simulated time */
#define SY_RETRY_PERIOD_MIN_NS (1000000LL)       /* 1ms */

/* Walks text's YAML events (no document is built) and fails, naming
 * file:line:column, once nesting goes deeper than SY_DEPTH_MAX; libyaml's
 * document loader takes time quadratic in the depth, so this runs first.
 * Syntax errors are left to the loader. */
int sy_check_depth(sy_ctx *c, const char *text, size_t len);

int sy_fail(sy_ctx *c, yaml_mark_t mark, const char *path, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));
void sy_join(char *out, size_t cap, const char *path, const char *key);
void sy_index(char *out, size_t cap, const char *path, size_t i);
/* What a node is, for "got ..." in messages: a mapping, a list, null, or
 * the scalar quoted (shortened). */
void sy_got(const yaml_node_t *n, char *buf, size_t cap);
/* Closest of names to word (edit distance <= 2 and < half the word), or NULL. */
const char *sy_suggest(const char *word, const char *const *names);

/* ---- nodes --------------------------------------------------------------- */
bool sy_is_null(const yaml_node_t *n);
/* n's scalar text when n is a scalar (not null), else NULL. */
const char *sy_scalar(const yaml_node_t *n);
size_t sy_seq_len(const yaml_node_t *n);
yaml_node_t *sy_seq_at(yaml_document_t *d, const yaml_node_t *n, size_t i);

/* ---- maps ----------------------------------------------------------------- */
/* Open n as a map with these keys. A null node opens as an empty map. */
int sy_map_open(sy_ctx *c, yaml_document_t *d, sy_map *m, yaml_node_t *n,
		const char *path, const char *const *keys);
yaml_node_t *sy_get(const sy_map *m, const char *key);
/* Where the key was written (the map itself when absent). */
yaml_mark_t sy_key_mark(const sy_map *m, const char *key);
void sy_key_path(const sy_map *m, const char *key, char *out, size_t cap);
int sy_require(const sy_map *m, const char *key, const char *what);
/* Error unless every key present in m is listed in allowed (used when the
 * keys that apply depend on another key, e.g. a fault's action). */
int sy_only(const sy_map *m, const char *const *allowed, const char *owner);

/* ---- typed values ---------------------------------------------------------- */
int sy_str(sy_ctx *c, const yaml_node_t *n, const char *path, char *buf,
	   size_t cap);
int sy_bool(sy_ctx *c, const yaml_node_t *n, const char *path, bool *out);
int sy_int(sy_ctx *c, const yaml_node_t *n, const char *path, int64_t lo,
	   int64_t hi, bool quoted_ok, int64_t *out);
int sy_u64(sy_ctx *c, const yaml_node_t *n, const char *path, uint64_t *out);
int sy_double(sy_ctx *c, const yaml_node_t *n, const char *path, double lo,
	      double hi, double *out);
int sy_dur(sy_ctx *c, const yaml_node_t *n, const char *path, int flags,
	   int64_t *out);
/* names is NULL-terminated; *out = index of the match. */
int sy_enum(sy_ctx *c, const yaml_node_t *n, const char *path,
	    const char *const *names, int *out);
/* A probability: 0.1, 10% or "10%". */
int sy_prob(sy_ctx *c, const yaml_node_t *n, const char *path, double *out);
/* A clock rate: "200ppm", "-50ppm" or a factor "0.5x" (> 0). */
int sy_rate_ppm(sy_ctx *c, const yaml_node_t *n, const char *path,
		int32_t *out);

int sy_get_str(const sy_map *m, const char *key, char *buf, size_t cap);
int sy_get_bool(const sy_map *m, const char *key, bool *out);
int sy_get_int(const sy_map *m, const char *key, int64_t lo, int64_t hi,
	       int64_t *out);
int sy_get_dur(const sy_map *m, const char *key, int flags, int64_t *out);
int sy_get_enum(const sy_map *m, const char *key, const char *const *names,
		int *out);
int sy_get_prob(const sy_map *m, const char *key, double *out);
int sy_get_rate_ppm(const sy_map *m, const char *key, int32_t *out);
/* A latency: "2ms" (fixed; 0 = none) or {kind: fixed|uniform|pareto, ...}. */
int sy_latency(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
	       const char *path, sim_latency *out);
int sy_get_latency(const sy_map *m, const char *key, sim_latency *out);

/* Go duration syntax ("250ms", "2.5s", "1m30s", "-3s"); err gets the reason. */
int sy_parse_duration(const char *s, int64_t *ns, char *why, size_t whycap);
/* Go's time.Duration.String() ("1m30s", "2.5s", "250ms", "0s"). */
void sy_format_duration(int64_t ns, char *buf, size_t cap);

#endif
