/* sim/scenario_write.c — a parsed scenario back to a scenario file
 * (docs/scenario-format.md), for explore's found/ files.
 *
 * Every setting is written explicitly (each pod's election, clock, grace
 * period, ...), so the file means the same whatever the defaults become;
 * durations are Go durations, exact to the nanosecond, and probabilities
 * are written with enough digits to read back to the same double. */
#include <inttypes.h>
#include <string.h>

#include "fault_model.h"
#include "leaselab/explore.h"

static const char *const lock_names[] = {"leases", "endpoints", "configmaps",
					 "endpointsleases", "configmapsleases"};
static const char *const role_names[] = {"any", "leader", "follower"};
static const char *const mode_names[] = {"one", "all", "fixed", "fixed-percent"};
static const char *const direction_names[] = {"both", "to", "from"};

static void put_dur(FILE *o, int64_t ns)
{
	char b[48];
	le_format_duration(ns, b, sizeof b);
	fputs(b, o);
}

/* A double-quoted YAML string. */
static void put_str(FILE *o, const char *s)
{
	if (!s) /* a hand-built scenario's string: "" */
		s = "";
	fputc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", o);
		else if (ch < 0x20)
			fprintf(o, "\\x%02x", ch);
		else
			fputc(ch, o);
	}
	fputc('"', o);
}

static void put_latency(FILE *o, const sim_latency *l)
{
	switch (l->kind) {
	case FA_LAT_NONE:
		fputs("0s", o);
		break;
	case FA_LAT_FIXED:
		put_dur(o, l->a_ns);
		break;
	case FA_LAT_UNIFORM:
		fputs("{kind: uniform, min: ", o);
		put_dur(o, l->a_ns);
		fputs(", max: ", o);
		put_dur(o, l->b_ns);
		fputs("}", o);
		break;
	case FA_LAT_PARETO:
		fputs("{kind: pareto, scale: ", o);
		put_dur(o, l->a_ns);
		fprintf(o, ", alpha: %.17g", l->alpha);
		if (l->b_ns) {
			fputs(", max: ", o);
			put_dur(o, l->b_ns);
		}
		fputs("}", o);
		break;
	}
}

static void put_election(FILE *o, const sim_election *e)
{
	fprintf(o, "{profile: %s, lock: %s, namespace: ", e->profile->name,
		lock_names[e->lock_kind]);
	put_str(o, e->lock_namespace);
	fputs(", name: ", o);
	put_str(o, e->lock_name);
	fputs(", leaseDuration: ", o);
	put_dur(o, e->lease_duration_ns);
	fputs(", renewDeadline: ", o);
	put_dur(o, e->renew_deadline_ns);
	fputs(", retryPeriod: ", o);
	put_dur(o, e->retry_period_ns);
	if (e->request_timeout_ns < 0) {
		fputs(", requestTimeout: none", o);
	} else if (e->request_timeout_ns > 0) {
		fputs(", requestTimeout: ", o);
		put_dur(o, e->request_timeout_ns);
	}
	fprintf(o, ", releaseOnCancel: %s}", e->release_on_cancel ? "true" : "false");
}

static void put_pod(FILE *o, const sim_pod_spec *p)
{
	fputs("  - name: ", o);
	put_str(o, p->name);
	if (p->identity && p->identity[0]) {
		fputs("\n    identity: ", o);
		put_str(o, p->identity);
	}
	fputs("\n    start: ", o);
	put_dur(o, p->start_ns);
	fputs("\n    clock: {offset: ", o);
	put_dur(o, p->clock_offset_ns);
	fprintf(o, ", rate: %" PRId32 "ppm}", p->clock_rate_ppm);
	fputs("\n    election: ", o);
	put_election(o, &p->election);
	fputs("\n    gracePeriod: ", o);
	put_dur(o, p->grace_period_ns);
	fprintf(o, "\n    ignoreSigterm: %s", p->sigterm_ignored ? "true" : "false");
	fputs("\n    replacementStart: ", o);
	put_dur(o, p->replacement_start_ns);
	fputs("\n    workPeriod: ", o);
	put_dur(o, p->work_period_ns);
	fputs("\n    stopDelay: ", o);
	put_dur(o, p->stop_delay_ns);
	if (p->coordinated) {
		fputs("\n    coordinated: {binaryVersion: ", o);
		put_str(o, p->binary_version);
		fputs(", emulationVersion: ", o);
		put_str(o, p->emulation_version);
		if (p->upgrade_at_ns != INT64_MAX) {
			fputs(", upgrade: {at: ", o);
			put_dur(o, p->upgrade_at_ns);
			fputs(", binaryVersion: ", o);
			put_str(o, p->upgrade_binary_version);
			fputs(", emulationVersion: ", o);
			put_str(o, p->upgrade_emulation_version);
			fputc('}', o);
		}
		fputc('}', o);
	}
	fputc('\n', o);
}

static void put_apiserver(FILE *o, const sim_fault *f)
{
	const fa_fault_rule *r = &f->apiserver;
	if (f->apiserver_down)
		fputs("\n    down: true", o);
	if (r->error_code) {
		fprintf(o, "\n    error: %d", r->error_code);
		if (r->error_rate > 0)
			fprintf(o, "\n    errorRate: %.17g", r->error_rate);
		if (r->retry_after_s)
			fprintf(o, "\n    retryAfter: %ds", r->retry_after_s);
	}
	if (r->commit_delay_ns > 0) {
		fputs("\n    commitDelay: ", o);
		put_dur(o, r->commit_delay_ns);
	}
	if (r->request_latency.kind != FA_LAT_NONE) {
		fputs("\n    requestLatency: ", o);
		put_latency(o, &r->request_latency);
	}
	if (r->response_latency.kind != FA_LAT_NONE) {
		fputs("\n    responseLatency: ", o);
		put_latency(o, &r->response_latency);
	}
	if (r->request_loss > 0)
		fprintf(o, "\n    requestLoss: %.17g", r->request_loss);
	if (r->response_loss > 0)
		fprintf(o, "\n    responseLoss: %.17g", r->response_loss);
}

static bool has_selector(const sim_fault *f)
{
	if (sim_fault_on_controller(f))
		return false;
	return f->nnames > 0 || f->role != SIM_ROLE_ANY || f->action != SIM_ACT_APISERVER;
}

static void put_fault(FILE *o, const sim_fault *f)
{
	fprintf(o, "  - action: %s\n    label: ", sim_fault_action_name(f->action));
	put_str(o, f->label);
	fputs("\n    at: ", o);
	if (f->at_max_ns > f->at_ns) {
		fputs("{uniform: [", o);
		put_dur(o, f->at_ns);
		fputs(", ", o);
		put_dur(o, f->at_max_ns);
		fputs("]}", o);
	} else {
		put_dur(o, f->at_ns);
	}
	if (f->when.kind != SIM_WHEN_NONE) {
		static const char *const events[] = {"", "renew-request", "renew-response",
						     "lease-write", "started-leading",
						     "stopped-leading"};
		fprintf(o, "\n    when: {event: %s", events[f->when.kind]);
		if (f->when.pod[0]) {
			fputs(", pod: ", o);
			put_str(o, f->when.pod);
		}
		if (f->when.kind == SIM_WHEN_LEASE_WRITE)
			fprintf(o, ", count: %" PRId64, f->when.count);
		fputs("}", o);
	}
	if (f->duration_ns > 0 && f->action != SIM_ACT_POD_KILL &&
	    f->action != SIM_ACT_POD_DELETE && f->action != SIM_ACT_RESTART) {
		fputs("\n    duration: ", o);
		put_dur(o, f->duration_ns);
	}
	if (has_selector(f) && !f->apiserver_down) {
		fputs("\n    selector: {", o);
		if (f->nnames) {
			fputs("pods: [", o);
			for (int k = 0; k < f->nnames; k++) {
				if (k)
					fputs(", ", o);
				put_str(o, f->names[k]);
			}
			fputs("], ", o);
		}
		fprintf(o, "role: %s}", role_names[f->role]);
	}
	if (!sim_fault_on_controller(f))
		fprintf(o, "\n    mode: %s", mode_names[f->mode]);
	if (f->mode == SIM_MODE_FIXED || f->mode == SIM_MODE_FIXED_PERCENT)
		fprintf(o, "\n    value: %d", f->value);
	switch (f->action) {
	case SIM_ACT_POD_KILL:
	case SIM_ACT_POD_DELETE:
		fprintf(o, "\n    replace: %s", f->replace ? "true" : "false");
		if (f->replace && f->replacement_profile)
			fprintf(o, "\n    replacementProfile: %s", f->replacement_profile->name);
		if (f->action == SIM_ACT_POD_DELETE && f->grace_period_ns >= 0) {
			fputs("\n    gracePeriod: ", o);
			put_dur(o, f->grace_period_ns);
		}
		break;
	case SIM_ACT_PARTITION:
		fprintf(o, "\n    direction: %s\n    kind: %s", direction_names[f->direction],
			f->partition_kind == FA_PART_REFUSED ? "refused" : "blackhole");
		break;
	case SIM_ACT_DELAY:
		fprintf(o, "\n    direction: %s\n    latency: ", direction_names[f->direction]);
		put_latency(o, &f->latency);
		break;
	case SIM_ACT_LOSS:
		fprintf(o, "\n    direction: %s\n    loss: %.17g", direction_names[f->direction],
			f->loss);
		break;
	case SIM_ACT_TIME_SKEW:
		fputs("\n    timeOffset: ", o);
		put_dur(o, f->time_offset_ns);
		if (f->time_skew_monotonic)
			fputs("\n    monotonic: true", o);
		break;
	case SIM_ACT_CLOCK_RATE:
		fprintf(o, "\n    rate: %" PRId32 "ppm", f->rate_ppm);
		break;
	case SIM_ACT_APISERVER:
		put_apiserver(o, f);
		break;
	default:
		break;
	}
	fputc('\n', o);
}

static void put_expect(FILE *o, const sim_expect *e)
{
	fprintf(o, "expect:\n  maxLeaders: %d\n", e->max_leaders);
	if (e->failover_max_ns > 0) {
		fputs("  failover: ", o);
		put_dur(o, e->failover_max_ns);
		fputc('\n', o);
	}
	if (e->leaderless_max_ns > 0) {
		fputs("  leaderless: ", o);
		put_dur(o, e->leaderless_max_ns);
		fputc('\n', o);
	}
	if (!e->check_liveness) {
		fputs("  liveness: false\n", o);
	} else if (e->liveness_within_ns > 0) {
		fputs("  liveness: ", o);
		put_dur(o, e->liveness_within_ns);
		fputc('\n', o);
	}
	fprintf(o, "  stability: %s\n", e->check_stability ? "true" : "false");
	if (e->expect_violation)
		fprintf(o, "  violation: %s\n", sim_invariant_name(e->violation));
}

int sim_scenario_write_yaml(const sim_scenario *sc, FILE *o)
{
	fputs("name: ", o);
	put_str(o, sc->name);
	if (sc->description[0]) {
		fputs("\ndescription: ", o);
		put_str(o, sc->description);
	}
	fputs("\nduration: ", o);
	put_dur(o, sc->duration_ns);
	fprintf(o, "\nseed: %" PRIu64 "\nelection: ", sc->seed);
	put_election(o, &sc->defaults);
	fputs("\nnetwork:\n  latency: {to: ", o);
	put_latency(o, &sc->latency_to);
	fputs(", from: ", o);
	put_latency(o, &sc->latency_from);
	fputs("}\npods:\n", o);
	for (size_t i = 0; i < sc->npods; i++)
		put_pod(o, &sc->pods[i]);
	if (sc->nfaults) {
		fputs("faults:\n", o);
		for (size_t i = 0; i < sc->nfaults; i++)
			put_fault(o, &sc->faults[i]);
	}
	if (sc->controller.present) {
		const sim_controller_spec *cs = &sc->controller;
		fputs("controller:\n  clock: {offset: ", o);
		put_dur(o, cs->clock_offset_ns);
		fprintf(o, ", rate: %" PRId32 "ppm}\n  latency: ",
			cs->clock_rate_ppm);
		put_latency(o, &cs->latency);
		fputs("\n  informerLag: ", o);
		put_dur(o, cs->informer_lag_ns);
		fputc('\n', o);
	}
	if (sc->timing.present) {
		const sim_timing_spec *t = &sc->timing;
		if (t->critical) {
			fputs("timing: {critical: true}\n", o);
		} else {
			fputs("timing: {window: ", o);
			put_dur(o, t->window_ns);
			fprintf(o, ", points: %" PRIu32 ", depth: %" PRIu32 ", path: [",
				t->points, t->depth);
			for (uint32_t i = 0; i < t->npath; i++)
				fprintf(o, "%s%u", i ? ", " : "", (unsigned)t->path[i]);
			fputs("]}\n", o);
		}
	}
	put_expect(o, &sc->expect);
	return ferror(o) ? LE_EIO : LE_OK;
}
