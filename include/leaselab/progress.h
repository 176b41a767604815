/* leaselab — a progress bar for long runs over many seeds (bin/sim run,
 * bin/sim explore).
 *
 * On a terminal it redraws one line on `out` (normally stderr), at most ten
 * times a second:
 *
 *   [#########...........]  41200/100000 seeds  3120 seeds/s  ETA 0:18
 *
 * When `out` is not a terminal it prints nothing at all, so piped and CI
 * output stays exactly what it was, unless the caller asks for plain lines
 * (sim_progress_plain_lines: bin/sim explore, whose runs are long enough
 * that a log should show they are alive):
 *
 *   progress: 41200/100000 seeds, 3120 seeds/s, 2 violations, ETA 0:18
 * The caller passes the time (any
 * monotonic clock, in seconds): the bar itself reads no clock, which keeps
 * it testable.
 *
 *   sim_progress p;
 *   sim_progress_init(&p, stderr, total, now_s());
 *   for (...) { ...; sim_progress_update(&p, ++done, now_s()); }
 *   sim_progress_finish(&p, now_s());
 *
 * Before printing anything else to the same terminal, call
 * sim_progress_clear (the next update draws the bar again).
 */
#ifndef LEASELAB_PROGRESS_H
#define LEASELAB_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_progress {
	FILE *out;
	bool enabled;	/* isatty(out) at init; a test may set it */
	bool drawn;	/* the bar is on screen now */
	uint64_t total; /* 0 = unknown: no bar, no ETA */
	uint64_t done;
	double start_s;	    /* time of init */
	double last_draw_s; /* time of the last redraw */
	double plain_every_s; /* not a terminal: a line this often; 0 = none */
	const char *count_label; /* "violations": shown with count; NULL = no */
	uint64_t count;
} sim_progress;

/* Start: nothing is drawn until the first update. */
void sim_progress_init(sim_progress *p, FILE *out, uint64_t total,
		       double now_s);
/* When out is not a terminal, print one plain line every every_s seconds
 * (and a last one at finish) instead of nothing. */
void sim_progress_plain_lines(sim_progress *p, double every_s);
/* Show a second figure beside the seeds: "<count> <label>", e.g. the
 * violations found so far. Set it before each update. */
void sim_progress_set_count(sim_progress *p, const char *label,
			    uint64_t count);
/* `done` units are finished; redraws when 0.1 s passed since the last
 * redraw, or when done reaches total. */
void sim_progress_update(sim_progress *p, uint64_t done, double now_s);
/* Erase the bar from the line (if drawn) so other output can follow. */
void sim_progress_clear(sim_progress *p);
/* Draw the final state and end the line ("... in 12.3 s"); nothing when
 * not enabled or nothing was ever drawn. */
void sim_progress_finish(sim_progress *p, double now_s);

#ifdef __cplusplus
}
#endif
#endif
