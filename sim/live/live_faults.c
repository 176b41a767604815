/* sim/live/live_faults.c — the scenario's faults carried out for real by
 * `bin/sim live`: which pods a fault hits, signals for process faults
 * (SIGKILL, SIGTERM and the grace period, SIGSTOP/SIGCONT), fault rules on
 * the pods' token users through the fake apiserver's admin API for network
 * and store faults, and libfaketime rate changes for clock-rate faults;
 * each undone when the fault ends. */
/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "live_run.h"

static bool selected(const lv_run *r, const sim_fault *f, const lv_pod *p)
{
	if (!p->alive)
		return false;
	if (f->role == SIM_ROLE_LEADER && !p->leading)
		return false;
	if (f->role == SIM_ROLE_FOLLOWER && p->leading)
		return false;
	if (f->nnames == 0)
		return true;
	for (int k = 0; k < f->nnames; k++)
		if (!strcmp(f->names[k], p->name) ||
		    !strcmp(f->names[k], r->sc->pods[p->spec].name))
			return true;
	return false;
}

/* Which pods a fault hits: every match in pod order, cut to the mode's
 * count (mode `one` draws from a stream seeded by the run number). */
static int select_targets(lv_run *r, const sim_fault *f, lv_fault_state *fs)
{
	free(fs->targets);
	fs->targets = calloc(r->npods ? r->npods : 1, sizeof *fs->targets);
	fs->ntargets = 0;
	if (!fs->targets)
		return LE_ENOMEM;
	for (size_t i = 0; i < r->npods; i++)
		if (selected(r, f, &r->pods[i]))
			fs->targets[fs->ntargets++] = (int32_t)i;
	size_t want = fs->ntargets;
	switch (f->mode) {
	case SIM_MODE_ONE:
		want = fs->ntargets ? 1 : 0;
		if (fs->ntargets > 1)
			fs->targets[0] = fs->targets[lv_rng_next(r) % fs->ntargets];
		break;
	case SIM_MODE_FIXED:
		want = (size_t)f->value < fs->ntargets ? (size_t)f->value : fs->ntargets;
		break;
	case SIM_MODE_FIXED_PERCENT:
		want = fs->ntargets * (size_t)f->value / 100;
		if (want == 0 && fs->ntargets)
			want = 1;
		break;
	default:
		break;
	}
	fs->ntargets = want;
	return LE_OK;
}

static void latency_json(cJSON *o, const char *key, const fa_latency *l)
{
	if (l->kind == FA_LAT_FIXED && l->a_ns == 0)
		return;
	char a[32], b[32];
	le_format_duration(l->a_ns, a, sizeof a);
	le_format_duration(l->b_ns, b, sizeof b);
	cJSON *j = cJSON_AddObjectToObject(o, key);
	cJSON_AddStringToObject(j, "kind", l->kind == FA_LAT_UNIFORM  ? "uniform"
					   : l->kind == FA_LAT_PARETO ? "pareto"
								      : "fixed");
	cJSON_AddStringToObject(j, "a", a);
	cJSON_AddStringToObject(j, "b", b);
	if (l->kind == FA_LAT_PARETO)
		cJSON_AddNumberToObject(j, "alpha", l->alpha);
}

void lv_add_rule(lv_run *r, lv_fault_state *fs, cJSON *rule)
{
	char *text = cJSON_PrintUnformatted(rule);
	cJSON_Delete(rule);
	if (!text) {
		lv_fail(r, SIM_EXIT_INTERNAL, "out of memory");
		return;
	}
	char err[LV_ERR_MAX];
	int id = lv_apiserver_add_rule(&r->api, text, err, sizeof err);
	free(text);
	if (id < 0)
		lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
	else if (fs && fs->nrules < MAX_SLOTS)
		fs->rules[fs->nrules++] = id;
}

/* The network faults of one pod as a fake-apiserver rule on its token
 * user. Per direction: "to" is the request leg, "from" the response leg. */
static cJSON *network_rule(const sim_fault *f, const char *user)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "identity", user);
	bool to = f->direction != SIM_DIR_FROM, from = f->direction != SIM_DIR_TO;
	switch (f->action) {
	case SIM_ACT_PARTITION:
		if (to && from)
			cJSON_AddStringToObject(o, "partition",
						f->partition_kind == FA_PART_REFUSED ? "refused"
										     : "blackhole");
		else if (to)
			cJSON_AddNumberToObject(o, "requestLoss", 1.0);
		else
			cJSON_AddNumberToObject(o, "responseLoss", 1.0);
		break;
	case SIM_ACT_DELAY:
		if (to)
			latency_json(o, "requestLatency", &f->latency);
		if (from)
			latency_json(o, "responseLatency", &f->latency);
		break;
	case SIM_ACT_LOSS:
		if (to)
			cJSON_AddNumberToObject(o, "requestLoss", f->loss);
		if (from)
			cJSON_AddNumberToObject(o, "responseLoss", f->loss);
		break;
	default:
		break;
	}
	return o;
}

cJSON *lv_store_rule(const fa_fault_rule *x, const char *user)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "identity", user);
	latency_json(o, "requestLatency", &x->request_latency);
	latency_json(o, "responseLatency", &x->response_latency);
	if (x->request_loss > 0)
		cJSON_AddNumberToObject(o, "requestLoss", x->request_loss);
	if (x->response_loss > 0)
		cJSON_AddNumberToObject(o, "responseLoss", x->response_loss);
	if (x->partition)
		cJSON_AddStringToObject(o, "partition", x->partition == FA_PART_REFUSED
							      ? "refused" : "blackhole");
	if (x->error_code) {
		cJSON_AddNumberToObject(o, "error", x->error_code);
		if (x->error_rate > 0)
			cJSON_AddNumberToObject(o, "errorRate", x->error_rate);
		if (x->retry_after_s > 0)
			cJSON_AddNumberToObject(o, "retryAfter", x->retry_after_s);
	}
	if (x->commit_delay_ns > 0) {
		char d[32];
		le_format_duration(x->commit_delay_ns, d, sizeof d);
		cJSON_AddStringToObject(o, "commitDelay", d);
	}
	return o;
}

/* A rate change from now on, without a step: libfaketime applies a rate to
 * the whole time since the process started, so the offset absorbs it. */
static void set_rate(lv_run *r, lv_pod *p, double rate)
{
	if (!p->ftfile[0] || !p->alive)
		return;
	double e = (double)(lv_now_ns(r) - p->spawn_ns);
	int64_t fake_rel = p->ft_off_ns + (int64_t)((p->ft_rate - 1.0) * e);
	p->ft_off_ns = fake_rel - (int64_t)((rate - 1.0) * e);
	p->ft_rate = rate;
	p->seg_samples = 0;
	char spec[64];
	lv_faketime_spec(p->ft_off_ns, p->ft_rate, spec, sizeof spec);
	char err[LV_ERR_MAX];
	if (lv_faketime_write(p->ftfile, spec, err, sizeof err) != LE_OK)
		lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
}

static void apply_to_target(lv_run *r, int32_t fi, int32_t i)
{
	const sim_fault *f = &r->sc->faults[fi];
	lv_fault_state *fs = &r->fs[fi];
	lv_pod *p = &r->pods[i];
	int64_t t = lv_now_ns(r);
	switch (f->action) {
	case SIM_ACT_POD_KILL:
		p->deleted = f->replace;
		lv_pod_kill(r, i, fi);
		if (f->replace)
			lv_schedule(r, t + r->sc->pods[p->spec].replacement_start_ns, LV_ACT_REPLACE,
				 i, fi);
		break;
	case SIM_ACT_POD_DELETE: {
		const sim_pod_spec *ps = &r->sc->pods[p->spec];
		int64_t grace = f->grace_period_ns >= 0 ? f->grace_period_ns
							: ps->grace_period_ns;
		p->deleted = true;
		lv_record(r, t, SIM_EV_POD_SIGTERM, i, NULL, fi, grace, 0);
		if (f->replace)
			lv_schedule(r, t + ps->replacement_start_ns, LV_ACT_REPLACE, i, fi);
		if (grace <= 0) {
			lv_pod_kill(r, i, fi);
			break;
		}
		/* 0.5's run.sh is PID 1 and ignores SIGTERM (election-spec.md
		 * 6.4): the signal is not delivered, as it would not be. */
		if (!ps->sigterm_ignored) {
			lv_proc_signal(&p->proc, SIGTERM);
			p->sigterm_sent = true;
		}
		lv_schedule(r, t + grace, LV_ACT_GRACE_KILL, i, p->restarts);
		break;
	}
	case SIM_ACT_POD_FAILURE:
		lv_pod_kill(r, i, fi);
		break;
	case SIM_ACT_RESTART:
		lv_pod_kill(r, i, fi);
		if (!p->deleted) {
			p->restarts++;
			lv_proc_stop(&p->proc);
			lv_pod_spawn(r, i);
		}
		break;
	case SIM_ACT_PAUSE:
		lv_proc_signal(&p->proc, SIGSTOP);
		p->paused = true;
		lv_record(r, t, SIM_EV_PAUSE, i, NULL, fi, 0, 0);
		break;
	case SIM_ACT_PARTITION:
	case SIM_ACT_DELAY:
	case SIM_ACT_LOSS:
		lv_add_rule(r, fs, network_rule(f, p->user));
		if (f->action == SIM_ACT_PARTITION)
			lv_record(r, t, SIM_EV_CUT, i, NULL, fi, f->direction, f->partition_kind);
		break;
	case SIM_ACT_CLOCK_RATE:
		lv_print_clock_segment(p, "before the fault");
		set_rate(r, p, 1.0 + (double)f->rate_ppm / 1e6);
		break;
	case SIM_ACT_APISERVER:
		lv_add_rule(r, fs, lv_store_rule(&f->apiserver, p->user));
		break;
	default:
		break;
	}
}

static void undo_on_target(lv_run *r, int32_t fi, int32_t i)
{
	const sim_fault *f = &r->sc->faults[fi];
	lv_pod *p = &r->pods[i];
	int64_t t = lv_now_ns(r);
	switch (f->action) {
	case SIM_ACT_POD_FAILURE:
		if (!p->deleted && !p->alive) {
			p->restarts++;
			lv_proc_stop(&p->proc);
			lv_pod_spawn(r, i);
		}
		break;
	case SIM_ACT_PAUSE:
		if (p->paused) {
			lv_proc_signal(&p->proc, SIGCONT);
			p->paused = false;
			lv_record(r, t, SIM_EV_RESUME, i, NULL, fi, 0, 0);
		}
		break;
	case SIM_ACT_PARTITION:
		lv_record(r, t, SIM_EV_UNCUT, i, NULL, fi, f->direction, f->partition_kind);
		break;
	case SIM_ACT_CLOCK_RATE:
		lv_print_clock_segment(p, "during the fault");
		set_rate(r, p, p->base_rate);
		break;
	default:
		break;
	}
}

void lv_fault_start(lv_run *r, int32_t fi)
{
	const sim_fault *f = &r->sc->faults[fi];
	lv_fault_state *fs = &r->fs[fi];
	int64_t t = lv_now_ns(r);
	char err[LV_ERR_MAX];
	if (!sim_fault_pod_specific(f)) {
		lv_record(r, t, SIM_EV_FAULT_START, -1, NULL, fi, 0, 0);
		if (f->apiserver_down) {
			if (lv_apiserver_set_down(&r->api, true, err, sizeof err) != LE_OK)
				lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
			fs->went_down = true;
		} else if (f->apiserver.identity[0] && strcmp(f->apiserver.identity, "*")) {
			/* A rule on an identity: on the token users of the pods
			 * that carry it. */
			for (size_t i = 0; i < r->npods; i++)
				if (!strcmp(lv_pod_identity(&r->pods[i]), f->apiserver.identity))
					lv_add_rule(r, fs, lv_store_rule(&f->apiserver, r->pods[i].user));
		} else {
			lv_add_rule(r, fs, lv_store_rule(&f->apiserver, "*"));
		}
	} else {
		if (select_targets(r, f, fs) != LE_OK) {
			lv_fail(r, SIM_EXIT_INTERNAL, "out of memory");
			return;
		}
		if (fs->ntargets == 0)
			lv_record(r, t, SIM_EV_FAULT_START, -1, NULL, fi, 0, 0);
		for (size_t k = 0; k < fs->ntargets; k++) {
			lv_record(r, t, SIM_EV_FAULT_START, fs->targets[k], NULL, fi, 0, 0);
			apply_to_target(r, fi, fs->targets[k]);
		}
	}
	if (sim_fault_lasts(f))
		lv_schedule(r, f->at_ns + f->duration_ns, LV_ACT_FAULT_END, fi, 0);
}

void lv_fault_end(lv_run *r, int32_t fi)
{
	const sim_fault *f = &r->sc->faults[fi];
	lv_fault_state *fs = &r->fs[fi];
	int64_t t = lv_now_ns(r);
	char err[LV_ERR_MAX];
	for (size_t k = 0; k < fs->nrules; k++)
		if (lv_apiserver_remove_rule(&r->api, fs->rules[k], err, sizeof err) != LE_OK)
			lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
	fs->nrules = 0;
	if (!sim_fault_pod_specific(f)) {
		if (fs->went_down &&
		    lv_apiserver_set_down(&r->api, false, err, sizeof err) != LE_OK)
			lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
		fs->went_down = false;
		lv_record(r, t, SIM_EV_FAULT_END, -1, NULL, fi, 0, 0);
		return;
	}
	if (fs->ntargets == 0)
		lv_record(r, t, SIM_EV_FAULT_END, -1, NULL, fi, 0, 0);
	for (size_t k = 0; k < fs->ntargets; k++) {
		undo_on_target(r, fi, fs->targets[k]);
		lv_record(r, lv_now_ns(r), SIM_EV_FAULT_END, fs->targets[k], NULL, fi, 0, 0);
	}
}
