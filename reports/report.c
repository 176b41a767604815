/* reports/report.c — per-run reports: report.json, summary.md (timeline.html
 * is in timeline.c). Everything is built in memory and written with one
 * write() per file. */
#include "leaselab/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rbuf.h"
#include "report_int.h"

static void json_election(rbuf *b, const sim_election *e)
{
	rb_puts(b, "{\"profile\":");
	rb_json_str(b, rep_profile_name(e->profile));
	rb_puts(b, ",\"lock\":");
	rb_json_str(b, le_lock_kind_name(e->lock_kind));
	rb_puts(b, ",\"namespace\":");
	rb_json_str(b, e->lock_namespace);
	rb_puts(b, ",\"name\":");
	rb_json_str(b, e->lock_name);
	rb_puts(b, ",\"leaseDuration_ns\":");
	rb_i64(b, e->lease_duration_ns);
	rb_puts(b, ",\"renewDeadline_ns\":");
	rb_i64(b, e->renew_deadline_ns);
	rb_puts(b, ",\"retryPeriod_ns\":");
	rb_i64(b, e->retry_period_ns);
	rb_puts(b, ",\"requestTimeout_ns\":");
	rb_i64(b, e->request_timeout_ns);
	rb_puts(b, ",\"releaseOnCancel\":");
	rb_puts(b, e->release_on_cancel ? "true" : "false");
	rb_putc(b, '}');
}

/* ---- report.json: one function per section, in the file's order -------- */

static void json_header(rbuf *b, const rep_run *run)
{
	const sim_scenario *sc = run->scenario;
	rb_puts(b, "{\"version\":1,\"scenario\":{\"name\":");
	rb_json_str(b, sc->name);
	rb_puts(b, ",\"file\":");
	rb_json_str(b, sc->file);
	rb_puts(b, ",\"description\":");
	rb_json_str(b, sc->description);
	rb_puts(b, ",\"duration_ns\":");
	rb_i64(b, sc->duration_ns);
	rb_puts(b, "},\"seed\":");
	rb_i64(b, (int64_t)run->seed);
	rb_puts(b, ",\"repro\":");
	rb_json_str(b, run->repro_command ? run->repro_command : "");
	rb_puts(b, ",\"settings\":");
	json_election(b, &sc->defaults);
}

static void json_pods(rbuf *b, const rep_run *run)
{
	const sim_scenario *sc = run->scenario;
	const sim_history *h = run->history;
	rb_puts(b, ",\"pods\":[");
	for (size_t i = 0; i < h->npods; i++) {
		const sim_pod_info *p = &h->pods[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"name\":");
		rb_json_str(b, p->name);
		rb_puts(b, ",\"identity\":");
		rb_json_str(b, rep_identity(h, p->identity));
		rb_puts(b, ",\"replaces\":");
		if (p->replaces >= 0)
			rb_json_str(b, rep_pod_name(h, p->replaces));
		else
			rb_puts(b, "null");
		if (p->spec >= 0 && (size_t)p->spec < sc->npods) {
			rb_puts(b, ",\"election\":");
			json_election(b, &sc->pods[p->spec].election);
		}
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_faults(rbuf *b, const rep_run *run, const rep_model *m)
{
	const sim_history *h = run->history;
	char label[SIM_NAME_MAX + 32];
	rb_puts(b, ",\"faults\":[");
	for (size_t i = 0; i < m->nfaults; i++) {
		const rep_fault_win *f = &m->faults[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"label\":");
		rb_json_str(b, rep_fault_label(run->scenario, f->fault, label,
					       sizeof label));
		rb_puts(b, ",\"index\":");
		rb_i64(b, f->fault);
		rb_puts(b, ",\"pod\":");
		if (f->pod >= 0)
			rb_json_str(b, rep_pod_name(h, f->pod));
		else
			rb_puts(b, "null");
		rb_puts(b, ",\"start_ns\":");
		rb_i64(b, f->t0);
		rb_puts(b, ",\"end_ns\":");
		rb_i64(b, f->t1);
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_leadership(rbuf *b, const rep_run *run)
{
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"leadership\":[");
	for (size_t i = 0; i < r->nleading; i++) {
		const sim_lead_interval *l = &r->leading[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"pod\":");
		rb_json_str(b, rep_pod_name(run->history, l->pod));
		rb_puts(b, ",\"start_ns\":");
		rb_i64(b, l->start_ns);
		rb_puts(b, ",\"end_ns\":");
		rb_i64(b, l->end_ns);
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_lease(rbuf *b, const rep_run *run, const rep_model *m)
{
	rb_puts(b, ",\"lease\":{\"writes\":");
	rb_i64(b, m->lease_writes);
	rb_puts(b, ",\"terms\":[");
	for (size_t j = 0; j < m->lease.n; j++) {
		const rep_seg *t = &m->lease.v[j];
		if (j)
			rb_putc(b, ',');
		rb_puts(b, "{\"holder\":");
		rb_json_str(b, rep_identity(run->history, t->lane));
		rb_puts(b, ",\"start_ns\":");
		rb_i64(b, t->t0);
		rb_puts(b, ",\"end_ns\":");
		rb_i64(b, t->t1);
		rb_puts(b, ",\"writes\":");
		rb_i64(b, t->count);
		rb_puts(b, ",\"transitions\":[");
		rb_i64(b, t->first_transitions);
		rb_putc(b, ',');
		rb_i64(b, t->last_transitions);
		rb_puts(b, "]}");
	}
	/* The per-write log is the history's lease-write events
	 * (history.jsonl beside this file): repeating 1,800 writes an hour
	 * here would cost more than the rest of the report together. */
	rb_puts(b, "],\"write_log\":\"history.jsonl\"}");
}

static void json_failovers(rbuf *b, const rep_run *run)
{
	const sim_history *h = run->history;
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"failovers\":[");
	for (size_t i = 0; i < r->nfailovers; i++) {
		const sim_failover *f = &r->failovers[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"cause\":");
		rb_json_str(b, sim_failover_cause_name(f->cause));
		rb_puts(b, ",\"from\":");
		rb_json_str(b, rep_pod_name(h, f->from_pod));
		rb_puts(b, ",\"to\":");
		if (f->to_pod >= 0)
			rb_json_str(b, rep_pod_name(h, f->to_pod));
		else
			rb_puts(b, "null");
		rb_puts(b, ",\"cause_ns\":");
		rb_i64(b, f->cause_ns);
		rb_puts(b, ",\"leader_ns\":");
		rb_i64(b, f->to_pod >= 0 ? f->leader_ns : -1);
		rb_puts(b, ",\"duration_ns\":");
		rb_i64(b, f->to_pod >= 0 ? f->leader_ns - f->cause_ns : -1);
		rb_puts(b, ",\"bound_ns\":");
		rb_i64(b, f->bound_ns);
		rb_puts(b, ",\"within_bound\":");
		rb_puts(b, f->within_bound ? "true" : "false");
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

/* Handovers by preferredHolder (coordinated election), as the checker
 * measured them: identities, since the controller names identities. */
static void json_handovers(rbuf *b, const rep_run *run)
{
	const sim_history *h = run->history;
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"handovers\":[");
	for (size_t i = 0; i < r->nhandovers; i++) {
		const sim_handover *x = &r->handovers[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"from\":");
		rb_json_str(b, rep_identity(h, x->from_identity));
		rb_puts(b, ",\"to\":");
		rb_json_str(b, rep_identity(h, x->to_identity));
		rb_puts(b, ",\"named_ns\":");
		rb_i64(b, x->named_ns);
		rb_puts(b, ",\"leader_ns\":");
		rb_i64(b, x->leader_ns);
		rb_puts(b, ",\"duration_ns\":");
		rb_i64(b, x->leader_ns >= 0 ? x->leader_ns - x->named_ns : -1);
		rb_puts(b, ",\"bound_ns\":");
		rb_i64(b, x->bound_ns);
		rb_puts(b, ",\"within_bound\":");
		rb_puts(b, x->within_bound ? "true" : "false");
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_overlaps(rbuf *b, const rep_run *run)
{
	const sim_history *h = run->history;
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"overlaps\":[");
	for (size_t i = 0; i < r->noverlaps; i++) {
		const sim_overlap *o = &r->overlaps[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"pods\":[");
		rb_json_str(b, rep_pod_name(h, o->pod_a));
		rb_putc(b, ',');
		rb_json_str(b, rep_pod_name(h, o->pod_b));
		rb_puts(b, "],\"start_ns\":");
		rb_i64(b, o->start_ns);
		rb_puts(b, ",\"end_ns\":");
		rb_i64(b, o->end_ns);
		rb_puts(b, ",\"length_ns\":");
		rb_i64(b, o->end_ns - o->start_ns);
		rb_puts(b, ",\"stale_writes\":");
		rb_i64(b, o->stale_writes);
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_leaderless(rbuf *b, const rep_run *run)
{
	rb_puts(b, ",\"leaderless\":{\"total_ns\":");
	rb_i64(b, run->result->leaderless_total_ns);
	rb_puts(b, ",\"max_ns\":");
	rb_i64(b, run->result->leaderless_max_ns);
	rb_putc(b, '}');
}

static void json_violations(rbuf *b, const rep_run *run)
{
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"violations\":[");
	for (size_t i = 0; i < r->nviolations; i++) {
		const sim_violation *v = &r->violations[i];
		if (i)
			rb_putc(b, ',');
		rb_puts(b, "{\"invariant\":");
		rb_json_str(b, sim_invariant_name(v->inv));
		rb_puts(b, ",\"t_ns\":");
		rb_i64(b, v->t_ns);
		rb_puts(b, ",\"text\":");
		rb_json_str(b, v->text);
		rb_putc(b, '}');
	}
	rb_putc(b, ']');
}

static void json_verdict(rbuf *b, const rep_run *run)
{
	const sim_check_result *r = run->result;
	rb_puts(b, ",\"verdict\":{\"exit_code\":");
	rb_i64(b, r->exit_code);
	rb_puts(b, ",\"expectations_met\":");
	rb_puts(b, r->expectations_met ? "true" : "false");
	rb_puts(b, ",\"expect_violation\":");
	rb_puts(b, run->scenario->expect.expect_violation ? "true" : "false");
	rb_puts(b, ",\"max_leaders_seen\":");
	rb_i64(b, r->max_leaders_seen);
	rb_puts(b, ",\"stale_writes\":");
	rb_i64(b, r->stale_writes);
	rb_puts(b, ",\"text\":");
	rb_json_str(b, r->verdict);
	rb_putc(b, '}');
}

static void json_stats(rbuf *b, const rep_run *run, const rep_model *m)
{
	rb_puts(b, ",\"stats\":{\"events\":");
	rb_i64(b, (int64_t)run->history->n);
	rb_puts(b, ",\"sim_events_processed\":");
	rb_i64(b, (int64_t)run->history->events_processed);
	rb_puts(b, ",\"end_ns\":");
	rb_i64(b, m->end_ns);
	rb_putc(b, '}');
}

/* report.json (schema: docs/report-format.md). */
static void json_run(rbuf *b, const rep_run *run, const rep_model *m)
{
	json_header(b, run);
	json_pods(b, run);
	json_faults(b, run, m);
	json_leadership(b, run);
	json_lease(b, run, m);
	json_failovers(b, run);
	json_handovers(b, run);
	json_overlaps(b, run);
	json_leaderless(b, run);
	json_violations(b, run);
	json_verdict(b, run);
	json_stats(b, run, m);
	rb_puts(b, "}\n");
}

/* ---- summary.md: one function per section, in the file's order --------- */

static void md_header(rbuf *b, const rep_run *run, const rep_model *m)
{
	const sim_scenario *sc = run->scenario;
	const sim_check_result *r = run->result;
	rb_puts(b, "# ");
	rb_puts(b, sc->name[0] ? sc->name : sc->file);
	rb_puts(b, " — seed ");
	rb_i64(b, (int64_t)run->seed);
	rb_puts(b, "\n\n**");
	rb_puts(b, r->verdict);
	rb_puts(b, "**");
	rb_puts(b, "\n\n");
	rb_puts(b, "- expectations: ");
	rb_puts(b, r->expectations_met ? "met" : "**missed**");
	if (sc->expect.expect_violation) {
		rb_puts(b, " (this scenario must find a ");
		rb_puts(b, sim_invariant_name(sc->expect.violation));
		rb_puts(b, " violation)");
	}
	rb_puts(b, "\n- most leaders at once: ");
	rb_i64(b, r->max_leaders_seen);
	rb_puts(b, " (allowed ");
	rb_i64(b, sc->expect.max_leaders);
	rb_puts(b, ")\n- lease writes: ");
	rb_i64(b, m->lease_writes);
	rb_puts(b, "; simulated ");
	rb_secs(b, m->end_ns);
	rb_puts(b, " s\n");
}

/* One row: count, min/p50/p90/p99/max of the failovers that found a
 * leader (t, n of them, sorted), the largest bound, how many were over it
 * and how many found no new leader. */
static void md_failover_figures(rbuf *b, const sim_check_result *r,
				const int64_t *t, size_t n)
{
	int64_t bound = 0;
	size_t over = 0, none = 0;
	for (size_t i = 0; i < r->nfailovers; i++) {
		if (r->failovers[i].bound_ns > bound)
			bound = r->failovers[i].bound_ns;
		if (!r->failovers[i].within_bound)
			over++;
		if (r->failovers[i].to_pod < 0)
			none++;
	}
	rb_puts(b, "| count | min | p50 | p90 | p99 | max | bound | over bound | no new leader |\n"
		   "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n| ");
	rb_i64(b, (int64_t)r->nfailovers);
	static const int pcts[] = {0, 50, 90, 99, 100};
	for (size_t i = 0; i < 5; i++) {
		rb_puts(b, " | ");
		if (n) {
			rb_secs(b, pcts[i] == 0 ? t[0] : rep_percentile(t, n, pcts[i]));
			rb_puts(b, " s");
		} else {
			rb_puts(b, "–");
		}
	}
	rb_puts(b, " | ");
	rb_secs(b, bound);
	rb_puts(b, " s | ");
	rb_i64(b, (int64_t)over);
	rb_puts(b, " | ");
	rb_i64(b, (int64_t)none);
	rb_puts(b, " |\n");
}

/* The first 50 failovers, one row each. */
static void md_failover_rows(rbuf *b, const rep_run *run)
{
	const sim_history *h = run->history;
	const sim_check_result *r = run->result;
	rb_puts(b, "\n| # | cause | from | to | at | new leader | took | bound |\n"
		   "|---:|---|---|---|---:|---:|---:|---:|\n");
	size_t shown = r->nfailovers < 50 ? r->nfailovers : 50;
	for (size_t i = 0; i < shown; i++) {
		const sim_failover *f = &r->failovers[i];
		rb_puts(b, "| ");
		rb_i64(b, (int64_t)i + 1);
		rb_puts(b, " | ");
		rb_puts(b, sim_failover_cause_name(f->cause));
		rb_puts(b, " | ");
		rb_puts(b, rep_pod_name(h, f->from_pod));
		rb_puts(b, " | ");
		rb_puts(b, f->to_pod >= 0 ? rep_pod_name(h, f->to_pod) : "(none)");
		rb_puts(b, " | ");
		rb_secs(b, f->cause_ns);
		rb_puts(b, " s | ");
		if (f->to_pod >= 0) {
			rb_secs(b, f->leader_ns);
			rb_puts(b, " s | ");
			rb_secs(b, f->leader_ns - f->cause_ns);
			rb_puts(b, " s");
		} else {
			rb_puts(b, "– | –");
		}
		rb_puts(b, " | ");
		rb_secs(b, f->bound_ns);
		rb_puts(b, f->within_bound ? " s |\n" : " s **over** |\n");
	}
	if (shown < r->nfailovers) {
		rb_puts(b, "\n(");
		rb_i64(b, (int64_t)(r->nfailovers - shown));
		rb_puts(b, " more in report.json)\n");
	}
}

static void md_failovers(rbuf *b, const rep_run *run)
{
	const sim_check_result *r = run->result;
	rb_puts(b, "\n## Failovers\n\n");
	if (r->nfailovers == 0) {
		rb_puts(b, "None.\n");
		return;
	}
	int64_t *t = malloc((r->nfailovers + 1) * sizeof *t);
	size_t n = t ? rep_failover_times(r, t) : 0;
	md_failover_figures(b, r, t, n);
	md_failover_rows(b, run);
	free(t);
}

static void md_leaderless(rbuf *b, const rep_run *run)
{
	const sim_check_result *r = run->result;
	rb_puts(b, "\n## Leaderless time\n\ntotal ");
	rb_secs(b, r->leaderless_total_ns);
	rb_puts(b, " s, longest ");
	rb_secs(b, r->leaderless_max_ns);
	rb_puts(b, " s");
	if (run->scenario->expect.leaderless_max_ns) {
		rb_puts(b, " (allowed ");
		rb_secs(b, run->scenario->expect.leaderless_max_ns);
		rb_puts(b, " s)");
	}
	rb_putc(b, '\n');
}

static void md_overlaps(rbuf *b, const rep_run *run)
{
	const sim_history *h = run->history;
	const sim_check_result *r = run->result;
	rb_puts(b, "\n## Overlaps (two leaders at once)\n\n");
	if (r->noverlaps == 0) {
		rb_puts(b, "None.\n");
		return;
	}
	rb_puts(b, "| pods | start | end | length | stale writes |\n|---|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < r->noverlaps; i++) {
		const sim_overlap *o = &r->overlaps[i];
		rb_puts(b, "| ");
		rb_puts(b, rep_pod_name(h, o->pod_a));
		rb_puts(b, " + ");
		rb_puts(b, rep_pod_name(h, o->pod_b));
		rb_puts(b, " | ");
		rb_secs(b, o->start_ns);
		rb_puts(b, " s | ");
		rb_secs(b, o->end_ns);
		rb_puts(b, " s | ");
		rb_secs(b, o->end_ns - o->start_ns);
		rb_puts(b, " s | ");
		rb_i64(b, o->stale_writes);
		rb_puts(b, " |\n");
	}
}

/* The first 50 violations; the section is left out when there are none. */
static void md_violations(rbuf *b, const sim_check_result *r)
{
	if (r->nviolations == 0)
		return;
	rb_puts(b, "\n## Violations\n\n");
	for (size_t i = 0; i < r->nviolations && i < 50; i++) {
		rb_puts(b, "- ");
		rb_puts(b, sim_invariant_name(r->violations[i].inv));
		rb_puts(b, " at ");
		rb_secs(b, r->violations[i].t_ns);
		rb_puts(b, " s: ");
		rb_puts(b, r->violations[i].text);
		rb_putc(b, '\n');
	}
}

static void md_reproduce(rbuf *b, const rep_run *run)
{
	rb_puts(b, "\n## Reproduce\n\n```\n");
	rb_puts(b, run->repro_command ? run->repro_command : "");
	rb_puts(b, "\n```\n");
}

static void md_run(rbuf *b, const rep_run *run, const rep_model *m)
{
	md_header(b, run, m);
	md_failovers(b, run);
	md_leaderless(b, run);
	md_overlaps(b, run);
	md_violations(b, run->result);
	md_reproduce(b, run);
}

int rep_render_run(const rep_run *run, rbuf out[REP_RUN_FILES], char *err,
		   size_t errcap)
{
	if (!run || !run->scenario || !run->history || !run->result) {
		snprintf(err, errcap, "rep_write_run: missing scenario, history or result");
		return LE_EINVAL;
	}
	rep_model m;
	if (rep_model_build(&m, run->scenario, run->history, run->result) != 0) {
		snprintf(err, errcap, "out of memory building the timeline");
		return LE_ENOMEM;
	}
	json_run(&out[0], run, &m);
	md_run(&out[1], run, &m);
	rep_timeline_html(&out[2], run, &m);
	rep_model_free(&m);
	for (int i = 0; i < REP_RUN_FILES; i++)
		if (out[i].oom) {
			snprintf(err, errcap, "out of memory rendering %s", rep_run_file_names[i]);
			return LE_ENOMEM;
		}
	return LE_OK;
}

const char *const rep_run_file_names[REP_RUN_FILES] = {"report.json", "summary.md",
						       "timeline.html"};

int rep_write_run(const rep_run *run, char *err, size_t errcap)
{
	if (!run || !run->dir) {
		snprintf(err, errcap, "rep_write_run: no output directory");
		return LE_EINVAL;
	}
	int rc = rep_mkdirs(run->dir, err, errcap);
	if (rc)
		return rc;
	rbuf out[REP_RUN_FILES];
	rb_init(&out[0], 16 * 1024);
	rb_init(&out[1], 4 * 1024);
	rb_init(&out[2], 16 * 1024);
	rc = rep_render_run(run, out, err, errcap);
	for (int i = 0; i < REP_RUN_FILES && rc == 0; i++)
		rc = rep_write_buf(&out[i], run->dir, rep_run_file_names[i], err, errcap);
	for (int i = 0; i < REP_RUN_FILES; i++)
		rb_free(&out[i]);
	return rc;
}
