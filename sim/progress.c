/* sim/progress.c — the progress bar of leaselab/progress.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "leaselab/progress.h"

#define BAR_WIDTH 24
#define REDRAW_EVERY_S 0.1

static void put_duration(FILE *f, double s);

void sim_progress_init(sim_progress *p, FILE *out, uint64_t total, double now_s)
{
	p->out = out;
	p->enabled = out && isatty(fileno(out));
	p->drawn = false;
	p->total = total;
	p->done = 0;
	p->start_s = now_s;
	p->last_draw_s = now_s;
	p->plain_every_s = 0;
	p->count_label = NULL;
	p->count = 0;
}

void sim_progress_plain_lines(sim_progress *p, double every_s)
{
	p->plain_every_s = every_s > 0 ? every_s : 0;
}

void sim_progress_set_count(sim_progress *p, const char *label,
			    uint64_t count)
{
	p->count_label = label;
	p->count = count;
}

/* The label's singular for a count of one: "violations" -> "violation". */
static void put_count(const sim_progress *p, const char *sep)
{
	if (!p->count_label)
		return;
	size_t n = strlen(p->count_label);
	int keep = p->count == 1 && n > 1 && p->count_label[n - 1] == 's'
			   ? (int)n - 1
			   : (int)n;
	fprintf(p->out, "%s%llu %.*s", sep, (unsigned long long)p->count, keep,
		p->count_label);
}

/* Not a terminal: one line that a log keeps. */
static void plain_line(sim_progress *p, double now_s)
{
	double el = now_s - p->start_s;
	double rate = el > 0 ? (double)p->done / el : 0;
	fprintf(p->out, "progress: %llu", (unsigned long long)p->done);
	if (p->total > 0)
		fprintf(p->out, "/%llu", (unsigned long long)p->total);
	fprintf(p->out, " seeds, %.0f seeds/s", rate);
	put_count(p, ", ");
	if (p->total > 0 && rate > 0 && p->done < p->total) {
		fputs(", ETA ", p->out);
		put_duration(p->out, (double)(p->total - p->done) / rate);
	}
	fputc('\n', p->out);
	fflush(p->out);
	p->last_draw_s = now_s;
}

/* "1:05:09", "4:07", "0:03" */
static void put_duration(FILE *f, double s)
{
	if (s < 0 || s > 99 * 3600.0)
		s = 99 * 3600.0;
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		fprintf(f, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		fprintf(f, "%lu:%02lu", t / 60, t % 60);
}

static void draw(sim_progress *p, double now_s, bool final)
{
	double el = now_s - p->start_s;
	double rate = el > 0 ? (double)p->done / el : 0;
	/* \r plus erase-to-end: the line may have been longer before */
	fputs("\r\033[K", p->out);
	if (p->total > 0) {
		uint64_t fill = p->done >= p->total
				    ? BAR_WIDTH
				    : p->done * BAR_WIDTH / p->total;
		fputc('[', p->out);
		for (uint64_t i = 0; i < BAR_WIDTH; i++)
			fputc(i < fill ? '#' : '.', p->out);
		fprintf(p->out, "] %llu/%llu seeds",
			(unsigned long long)p->done,
			(unsigned long long)p->total);
	} else {
		fprintf(p->out, "%llu seeds", (unsigned long long)p->done);
	}
	fprintf(p->out, "  %.0f seeds/s", rate);
	put_count(p, "  ");
	if (final) {
		fprintf(p->out, "  in %.1f s\n", el);
	} else if (p->total > 0 && rate > 0 && p->done < p->total) {
		fputs("  ETA ", p->out);
		put_duration(p->out, (double)(p->total - p->done) / rate);
	}
	fflush(p->out);
	p->drawn = !final;
	p->last_draw_s = now_s;
}

void sim_progress_update(sim_progress *p, uint64_t done, double now_s)
{
	p->done = done;
	if (!p->enabled) {
		if (p->plain_every_s > 0 && p->out &&
		    now_s - p->last_draw_s >= p->plain_every_s)
			plain_line(p, now_s);
		return;
	}
	if (p->drawn && now_s - p->last_draw_s < REDRAW_EVERY_S &&
	    (p->total == 0 || done < p->total))
		return;
	draw(p, now_s, false);
}

void sim_progress_clear(sim_progress *p)
{
	if (!p->enabled || !p->drawn)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->drawn = false;
}

void sim_progress_finish(sim_progress *p, double now_s)
{
	if (!p->enabled) {
		if (p->plain_every_s > 0 && p->out)
			plain_line(p, now_s);
		return;
	}
	if (p->done == 0)
		return;
	draw(p, now_s, true);
}
