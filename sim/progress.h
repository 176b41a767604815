/* sim/progress.h — progress of a long loop (explore's seeds; meant to be
 * shared with bin/sim run's): on a terminal a bar redrawn in place at most
 * ten times a second, otherwise one plain line every `every_s` seconds.
 * Writes to the FILE it is given (stderr in bin/sim); the caller owns the
 * struct, nothing is global. */
#ifndef LEASELAB_SIM_PROGRESS_H
#define LEASELAB_SIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sim_progress {
	FILE *out;
	bool tty;                /* bar in place, else periodic lines */
	const char *what;        /* "seeds" */
	uint64_t total;          /* 0 = unknown */
	double start_s, last_s;  /* monotonic */
	double every_s;          /* plain lines: seconds between lines */
	bool drawn;              /* a bar is on the current line */
} sim_progress;

/* tty: draw a bar (the caller decides, usually isatty(fileno(out))). */
void sim_progress_init(sim_progress *p, FILE *out, bool tty, const char *what,
		       uint64_t total, double every_s);
/* done so far and the number of findings so far ("violations"); draws
 * only when it is time to. */
void sim_progress_update(sim_progress *p, uint64_t done, uint64_t found);
/* Clear the bar (a terminal) so that the next lines start clean. */
void sim_progress_finish(sim_progress *p, uint64_t done, uint64_t found);

#endif
