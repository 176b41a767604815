/* sim/progress.c — see progress.h. */
#include <time.h>

#include "progress.h"

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sim_progress_init(sim_progress *p, FILE *out, bool tty, const char *what,
		       uint64_t total, double every_s)
{
	p->out = out;
	p->tty = tty;
	p->what = what;
	p->total = total;
	p->start_s = p->last_s = mono_s();
	p->every_s = every_s > 0 ? every_s : 10;
	p->drawn = false;
}

static void draw(sim_progress *p, uint64_t done, uint64_t found, double now)
{
	double el = now - p->start_s;
	double rate = el > 0 ? (double)done / el : 0;
	double eta = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
	if (p->tty) {
		enum { WIDTH = 30 };
		int fill = p->total ? (int)((double)done * WIDTH / (double)p->total) : 0;
		char bar[WIDTH + 1];
		for (int i = 0; i < WIDTH; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[WIDTH] = 0;
		fprintf(p->out, "\r[%s] %llu/%llu %s, %.0f/s, %llu violation%s, ETA %.0fs \033[K",
			bar, (unsigned long long)done, (unsigned long long)p->total,
			p->what, rate, (unsigned long long)found, found == 1 ? "" : "s", eta);
		p->drawn = true;
	} else {
		fprintf(p->out, "progress: %llu/%llu %s, %.0f/s, %llu violation%s, ETA %.0fs\n",
			(unsigned long long)done, (unsigned long long)p->total, p->what,
			rate, (unsigned long long)found, found == 1 ? "" : "s", eta);
	}
	fflush(p->out);
	p->last_s = now;
}

void sim_progress_update(sim_progress *p, uint64_t done, uint64_t found)
{
	double now = mono_s();
	if (now - p->last_s >= (p->tty ? 0.1 : p->every_s))
		draw(p, done, found, now);
}

void sim_progress_finish(sim_progress *p, uint64_t done, uint64_t found)
{
	if (p->tty && p->drawn) {
		draw(p, done, found, mono_s());
		fputs("\n", p->out);
		fflush(p->out);
	}
}
