/* bench/bench_json.h — the machine-readable side of make bench: every
 * figure a bench prints also goes into out/bench.json as
 *
 *   {"schema": "leaselab-bench/1",
 *    "figures": [{"name": "sim_article_events_per_s", "bench": "bench_sim",
 *                 "value": 5.1e6, "unit": "events/s",
 *                 "baseline": {"name": "bare 4-ary heap, 8 live timers",
 *                              "value": 4.1e7},
 *                 "ratio": 0.124}, ...]}
 *
 * baseline is what the same run measured to compare with, or the target
 * when nothing is measured to compare with (its name says "target"); null
 * when there is neither (e.g. nginx not installed). ratio is value /
 * baseline.value, null exactly when baseline is. A figure is replaced by
 * name, so a rerun of one bench updates only its own figures. make bench
 * removes the file first and checks its shape at the end
 * (build/live/bench_json check). Benches are one process each, run one
 * after another: nothing here locks the file. */
#ifndef LEASELAB_BENCH_JSON_H
#define LEASELAB_BENCH_JSON_H

#include <stddef.h>

#define BENCH_JSON_PATH "out/bench.json"
#define BENCH_JSON_SCHEMA "leaselab-bench/1"

/* Adds or replaces figure NAME in the file at PATH (created, with its
 * folder, when missing). baseline_name NULL: no baseline (baseline_value
 * ignored). 0, or -1 with a message in err. */
int bench_json_add(const char *path, const char *bench, const char *name,
		   double value, const char *unit, const char *baseline_name,
		   double baseline_value, char *err, size_t errlen);

/* Checks the whole file's shape; 0, or -1 with the first problem in err,
 * naming the file and the figure's index and field. */
int bench_json_check(const char *path, char *err, size_t errlen);

/* For the benches: bench_json_add on BENCH_JSON_PATH, a failure printed
 * on stderr (a bench is a program, not a library). Returns the same. */
int bench_figure(const char *bench, const char *name, double value,
		 const char *unit, const char *baseline_name,
		 double baseline_value);

#endif
