/* reports/summary.c — verdict words and the aggregates over seeds that the
 * command line, index.html, summary.md and suite.json all show. One
 * percentile method (rep_percentile, nearest rank, model.c) for all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

rep_verdict rep_verdict_of(const sim_scenario *sc, const sim_check_result *r)
{
	bool expect = sc && sc->expect.expect_violation;
	switch (r->exit_code) {
	case SIM_EXIT_PASS: return expect ? REP_V_BUG_REPRODUCED : REP_V_PASS;
	case SIM_EXIT_SAFETY: return expect ? REP_V_BUG_MISSING : REP_V_SAFETY;
	case SIM_EXIT_LIVENESS:
		return expect ? REP_V_BUG_MISSING : REP_V_LIVENESS;
	default: return REP_V_ERROR;
	}
}

const char *rep_verdict_label(rep_verdict v)
{
	static const char *const names[REP_V_COUNT] = {
	    "PASS",
	    "BUG REPRODUCED (expected)",
	    "FAIL: expected bug not reproduced",
	    "SAFETY VIOLATED",
	    "LIVENESS VIOLATED",
	    "ERROR",
	};
	return (unsigned)v < REP_V_COUNT ? names[v] : "ERROR";
}

const char *rep_verdict_key(rep_verdict v)
{
	static const char *const keys[REP_V_COUNT] = {
	    "pass",   "bug_reproduced", "bug_missing",
	    "safety", "liveness",	"error",
	};
	return (unsigned)v < REP_V_COUNT ? keys[v] : "error";
}

static const char *key_of(const rep_run *r)
{
	return r->scenario->file[0] ? r->scenario->file : r->scenario->name;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Scenario slots in first-appearance order; slot[i] for every run. */
static size_t group(const rep_run *runs, size_t n, size_t *slot, size_t *first)
{
	size_t ng = 0;
	for (size_t i = 0; i < n; i++) {
		size_t g = 0;
		while (g < ng &&
		       strcmp(key_of(&runs[first[g]]), key_of(&runs[i])))
			g++;
		if (g == ng)
			first[ng++] = i;
		slot[i] = g;
	}
	return ng;
}

static void add_run(rep_summary *s, const rep_run *r)
{
	const sim_check_result *res = r->result;
	s->seeds++;
	s->verdicts[rep_verdict_of(r->scenario, res)]++;
	if (res->noverlaps > 0)
		s->split_brain_seeds++;
	for (size_t k = 0; k < res->nfailovers; k++) {
		const sim_failover *f = &res->failovers[k];
		if (f->to_pod >= 0)
			s->failover_ns[s->failovers++] =
			    f->leader_ns - f->cause_ns;
		else
			s->failovers_no_leader++;
	}
	for (size_t k = 0; k < res->noverlaps; k++) {
		int64_t len =
		    res->overlaps[k].end_ns - res->overlaps[k].start_ns;
		s->overlap_ns[s->overlaps++] = len;
		if (len > s->overlap_max_ns) {
			s->overlap_max_ns = len;
			s->overlap_max_seed = r->seed;
		}
	}
	for (size_t k = 0; k < res->nhandovers; k++)
		if (res->handovers[k].leader_ns >= 0)
			s->handover_ns[s->handovers++] =
			    res->handovers[k].leader_ns - res->handovers[k].named_ns;
	if (res->leaderless_max_ns > s->leaderless_max_ns) {
		s->leaderless_max_ns = res->leaderless_max_ns;
		s->leaderless_max_seed = r->seed;
	}
}

static void finish(rep_summary *s)
{
	qsort(s->failover_ns, s->failovers, sizeof *s->failover_ns, cmp_i64);
	qsort(s->overlap_ns, s->overlaps, sizeof *s->overlap_ns, cmp_i64);
	bool any = s->failovers > 0;
	s->failover_min_ns = any ? s->failover_ns[0] : -1;
	s->failover_p50_ns =
	    any ? rep_percentile(s->failover_ns, s->failovers, 50) : -1;
	s->failover_p90_ns =
	    any ? rep_percentile(s->failover_ns, s->failovers, 90) : -1;
	s->failover_p99_ns =
	    any ? rep_percentile(s->failover_ns, s->failovers, 99) : -1;
	s->failover_max_ns = any ? s->failover_ns[s->failovers - 1] : -1;
	if (s->overlaps == 0)
		s->overlap_max_ns = -1;
	qsort(s->handover_ns, s->handovers, sizeof *s->handover_ns, cmp_i64);
	bool ho = s->handovers > 0;
	s->handover_min_ns = ho ? s->handover_ns[0] : -1;
	s->handover_p50_ns = ho ? rep_percentile(s->handover_ns, s->handovers, 50) : -1;
	s->handover_p99_ns = ho ? rep_percentile(s->handover_ns, s->handovers, 99) : -1;
	s->handover_max_ns = ho ? s->handover_ns[s->handovers - 1] : -1;
}

int rep_summarize(const rep_run *runs, size_t n, rep_summary **out,
		  size_t *nout)
{
	*out = NULL;
	*nout = 0;
	size_t *slot = malloc((n ? n : 1) * sizeof *slot);
	size_t *first = malloc((n ? n : 1) * sizeof *first);
	size_t *nfo = calloc(n ? n : 1, sizeof *nfo),
	       *nov = calloc(n ? n : 1, sizeof *nov),
	       *nho = calloc(n ? n : 1, sizeof *nho);
	rep_summary *s = NULL;
	size_t ng = 0;
	if (!slot || !first || !nfo || !nov || !nho)
		goto oom;
	ng = group(runs, n, slot, first);
	for (size_t i = 0; i < n; i++) {
		nfo[slot[i]] += runs[i].result->nfailovers;
		nov[slot[i]] += runs[i].result->noverlaps;
		nho[slot[i]] += runs[i].result->nhandovers;
	}
	s = calloc(ng ? ng : 1, sizeof *s);
	if (!s)
		goto oom;
	for (size_t g = 0; g < ng; g++) {
		s[g].scenario = runs[first[g]].scenario;
		s[g].overlap_max_ns = 0;
		s[g].leaderless_max_ns = -1;
		s[g].failover_ns =
		    malloc((nfo[g] ? nfo[g] : 1) * sizeof(int64_t));
		s[g].overlap_ns =
		    malloc((nov[g] ? nov[g] : 1) * sizeof(int64_t));
		s[g].handover_ns =
		    malloc((nho[g] ? nho[g] : 1) * sizeof(int64_t));
		if (!s[g].failover_ns || !s[g].overlap_ns || !s[g].handover_ns) {
			rep_summaries_free(s, g + 1);
			s = NULL;
			goto oom;
		}
	}
	for (size_t i = 0; i < n; i++)
		add_run(&s[slot[i]], &runs[i]);
	for (size_t g = 0; g < ng; g++)
		finish(&s[g]);
	free(slot);
	free(first);
	free(nfo);
	free(nov);
	free(nho);
	*out = s;
	*nout = ng;
	return LE_OK;
oom:
	free(slot);
	free(first);
	free(nfo);
	free(nov);
	free(nho);
	return LE_ENOMEM;
}

void rep_summaries_free(rep_summary *s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++) {
		free(s[i].failover_ns);
		free(s[i].overlap_ns);
		free(s[i].handover_ns);
	}
	free(s);
}

/* Appends with snprintf, never past cap. */
#define ADD(...)                                                               \
	do {                                                                   \
		if (len < cap)                                                 \
			len += (size_t)snprintf(buf + len, cap - len,          \
						__VA_ARGS__);                  \
	} while (0)

void rep_summary_line(const rep_summary *s, char *buf, size_t cap)
{
	size_t len = 0;
	if (cap == 0)
		return;
	buf[0] = '\0';
	ADD("%s: %zu seed%s:", s->scenario->name, s->seeds,
	    s->seeds == 1 ? "" : "s");
	const char *sep = " ";
	for (int v = 0; v < REP_V_COUNT; v++) {
		if (!s->verdicts[v])
			continue;
		ADD("%s%zu %s", sep, s->verdicts[v],
		    v == REP_V_PASS ? "pass"
				    : rep_verdict_label((rep_verdict)v));
		sep = ", ";
	}
	ADD("; split brain in %zu of %zu seeds (%.1f %%)", s->split_brain_seeds,
	    s->seeds,
	    s->seeds ? 100.0 * (double)s->split_brain_seeds / (double)s->seeds
		     : 0.0);
	if (s->failovers)
		ADD("; failover p50 %.3f s, p90 %.3f s, p99 %.3f s, max %.3f s "
		    "(%zu)",
		    (double)s->failover_p50_ns / 1e9,
		    (double)s->failover_p90_ns / 1e9,
		    (double)s->failover_p99_ns / 1e9,
		    (double)s->failover_max_ns / 1e9, s->failovers);
	else
		ADD("; no failover found a leader");
	if (s->failovers_no_leader)
		ADD(", %zu without a new leader", s->failovers_no_leader);
	if (s->handovers)
		ADD("; handover by preferredHolder min %.3f s, p50 %.3f s, "
		    "p99 %.3f s, max %.3f s (%zu)",
		    (double)s->handover_min_ns / 1e9,
		    (double)s->handover_p50_ns / 1e9,
		    (double)s->handover_p99_ns / 1e9,
		    (double)s->handover_max_ns / 1e9, s->handovers);
	if (s->overlaps)
		ADD("; largest overlap %.3f s (seed %llu)",
		    (double)s->overlap_max_ns / 1e9,
		    (unsigned long long)s->overlap_max_seed);
	if (s->leaderless_max_ns >= 0)
		ADD("; longest leaderless %.3f s (seed %llu)",
		    (double)s->leaderless_max_ns / 1e9,
		    (unsigned long long)s->leaderless_max_seed);
}
