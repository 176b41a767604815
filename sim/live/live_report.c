/* sim/live/live_report.c — what `bin/sim live` prints and writes of a run:
 * failovers, overlaps and violations as text, DIR/run-K/history.jsonl and
 * the simulator's reports (rep_write_run), and for --runs the live failover
 * distribution beside the simulator's for the same settings (DIR/live.md). */
/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/report.h"
#include "live_run.h"

#define SIM_SEEDS 100           /* the simulator's distribution for --runs */

void lv_print_result(const sim_history *h, const sim_check_result *res)
{
	for (size_t i = 0; i < res->nfailovers; i++) {
		const sim_failover *f = &res->failovers[i];
		const char *from = f->from_pod >= 0 ? h->pods[f->from_pod].name : "-";
		if (f->to_pod < 0)
			printf("  failover (%s) from %s at %.3f s -> no new leader by the end%s\n",
			       sim_failover_cause_name(f->cause), from, lv_secs(f->cause_ns),
			       f->within_bound ? "" : "  EXCEEDED");
		else
			printf("  failover (%s) from %s at %.3f s -> %s leads at %.3f s: %.3f s "
			       "(bound %.3f s)%s\n", sim_failover_cause_name(f->cause), from,
			       lv_secs(f->cause_ns), h->pods[f->to_pod].name, lv_secs(f->leader_ns),
			       lv_secs(f->leader_ns - f->cause_ns), lv_secs(f->bound_ns),
			       f->within_bound ? "" : "  EXCEEDED");
	}
	for (size_t i = 0; i < res->noverlaps; i++) {
		const sim_overlap *o = &res->overlaps[i];
		printf("  overlap: %s and %s both leading from %.3f s to %.3f s (%.3f s)\n",
		       h->pods[o->pod_a].name, h->pods[o->pod_b].name, lv_secs(o->start_ns),
		       lv_secs(o->end_ns), lv_secs(o->end_ns - o->start_ns));
	}
	for (size_t i = 0; i < res->nviolations && i < 10; i++) {
		const sim_violation *v = &res->violations[i];
		if (v->inv != SIM_INV_SAFETY && v->inv != SIM_INV_FAILOVER)
			printf("  violation (%s) at %.3f s: %s\n", sim_invariant_name(v->inv),
			       lv_secs(v->t_ns), v->text);
	}
	printf("  leaderless: %.3f s in total, longest %.3f s; at most %d leader%s at once\n",
	       lv_secs(res->leaderless_total_ns), lv_secs(res->leaderless_max_ns),
	       res->max_leaders_seen, res->max_leaders_seen == 1 ? "" : "s");
}

int lv_write_outputs(const lv_run *r, const sim_history *h, lv_run_out *out,
			 const char *repro)
{
	char dir[SIM_PATH_MAX], path[SIM_PATH_MAX + 32], err[LE_ERRMSG_MAX] = "";
	snprintf(dir, sizeof dir, "%s/run-%d", r->o->out_dir, r->index + 1);
	if (rep_mkdirs(dir, NULL, 0) != LE_OK) {
		fprintf(stderr, "sim live: %s: %s\n", dir, strerror(errno));
		return SIM_EXIT_INTERNAL;
	}
	snprintf(path, sizeof path, "%s/history.jsonl", dir);
	FILE *f = fopen(path, "w");
	int rc = f ? sim_history_write_jsonl(h, r->sc, f) : LE_EIO;
	if (!f || fclose(f) != 0 || rc != LE_OK) {
		fprintf(stderr, "sim live: %s: cannot write the history\n", path);
		return SIM_EXIT_INTERNAL;
	}
	rep_run rr = {.scenario = r->sc, .seed = (uint64_t)r->index + 1, .history = h,
		      .result = &out->result, .repro_command = repro,
		      .sim_wall_seconds = out->wall_s, .dir = dir};
	if (rep_write_run(&rr, err, sizeof err) != LE_OK) {
		fprintf(stderr, "sim live: report in %s: %s\n", dir, err);
		return SIM_EXIT_INTERNAL;
	}
	return SIM_EXIT_PASS;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void lv_dist_add_result(lv_dist *d, const sim_check_result *res)
{
	for (size_t k = 0; k < res->nfailovers; k++) {
		const sim_failover *f = &res->failovers[k];
		if (f->to_pod < 0)
			continue;
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 64;
			int64_t *p = realloc(d->v, cap * sizeof *p);
			if (!p)
				return;
			d->v = p;
			d->cap = cap;
		}
		d->v[d->n++] = f->leader_ns - f->cause_ns;
	}
}

/* Percentiles by the reports' one method (rep_percentile, nearest rank). */
static void dist_line(const char *label, lv_dist *d, char *buf, size_t cap)
{
	if (d->n == 0) {
		snprintf(buf, cap, "%-22s no failovers", label);
		return;
	}
	qsort(d->v, d->n, sizeof *d->v, cmp_i64);
	snprintf(buf, cap, "%-22s min %.3f s  p50 %.3f s  p99 %.3f s  max %.3f s  (%zu failovers)",
		 label, lv_secs(d->v[0]), lv_secs(rep_percentile(d->v, d->n, 50)),
		 lv_secs(rep_percentile(d->v, d->n, 99)),
		 lv_secs(d->v[d->n - 1]), d->n);
}

void lv_compare_with_sim(const lv_opts *o, const sim_scenario *sc, lv_dist *live)
{
	lv_dist sim = {0};
	for (uint64_t seed = 1; seed <= SIM_SEEDS; seed++) {
		char err[LE_ERRMSG_MAX];
		sim_world *w = sim_world_new(sc, seed, err, sizeof err);
		if (!w)
			break;
		sim_check_result res;
		if (sim_world_run(w, err, sizeof err) == LE_OK &&
		    sim_check(sc, sim_world_history(w), &res) == LE_OK) {
			lv_dist_add_result(&sim, &res);
			sim_check_result_free(&res);
		}
		sim_world_free(w);
	}
	char a[256], b[256], label[64];
	snprintf(label, sizeof label, "live (%d runs):", o->runs);
	dist_line(label, live, a, sizeof a);
	snprintf(label, sizeof label, "simulator (%d seeds):", SIM_SEEDS);
	dist_line(label, &sim, b, sizeof b);
	size_t outside = 0;
	for (size_t i = 0; i < live->n && sim.n; i++)
		outside += live->v[i] < sim.v[0] || live->v[i] > sim.v[sim.n - 1];
	printf("failover, time scale %g:\n  %s\n  %s\n", o->scale, a, b);
	if (sim.n)
		printf("  %zu of %zu live failovers outside the simulator's range [%.3f s, %.3f s]%s\n",
		       outside, live->n, lv_secs(sim.v[0]), lv_secs(sim.v[sim.n - 1]),
		       outside ? "  <-- OUTSIDE" : "");
	if (o->out_dir) {
		char path[SIM_PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/live.md", o->out_dir);
		FILE *f = fopen(path, "w");
		if (f) {
			fprintf(f, "# %s, live (driver: live)\n\n`%s live %s --time-scale %g "
				   "--runs %d`\n\nEvery duration of the scenario scaled by %g.\n\n"
				   "```\n%s\n%s\n%zu of %zu live failovers outside the "
				   "simulator's range\n```\n", sc->name, o->argv0, sc->file,
				o->scale, o->runs, o->scale, a, b, outside, live->n);
			fclose(f);
		}
	}
	free(sim.v);
}
