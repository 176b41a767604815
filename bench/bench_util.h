/* bench/bench_util.h — what the bench programs share besides their figures
 * (bench_json.h): the monotonic clock in seconds and the comparison that
 * sorts a run's samples for its median. Header-only, so a bench links
 * nothing more for it; the bench programs are among the few that may read
 * a clock (architecture.md seam 2). */
#ifndef LEASELAB_BENCH_UTIL_H
#define LEASELAB_BENCH_UTIL_H

#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort's comparison for doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#endif
