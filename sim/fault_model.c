/* sim/fault_model.c — the fault kinds, one entry each (see fault_model.h):
 * name, the keys the parser takes, whether it lasts, explore's generator,
 * envelope clamp and shrinker. The effect of each kind on the world is in
 * world_faults.c (apply_to_target / undo_on_target). */
#include <string.h>

#include "fault_model.h"

#define MS SIM_X_MS
#define SEC SIM_X_SEC

/* ---- the keys each action takes (scenario.c checks them with sy_only) ---- */
#define COMMON "action", "label", "at", "selector", "mode", "value"
static const char *const k_pod_kill[] = {COMMON, "replace",
					 "replacementProfile", NULL};
static const char *const k_pod_delete[] = {COMMON, "replace",
					   "replacementProfile", "gracePeriod",
					   NULL};
static const char *const k_for_duration[] = {COMMON, "duration", NULL};
static const char *const k_restart[] = {COMMON, NULL};
static const char *const k_partition[] = {COMMON, "duration", "direction",
					  "kind", NULL};
static const char *const k_delay[] = {COMMON, "duration", "direction",
				      "latency", "jitter", NULL};
static const char *const k_loss[] = {COMMON, "duration", "direction", "loss",
				     NULL};
static const char *const k_time_skew[] = {COMMON, "duration", "timeOffset",
					  "monotonic", NULL};
static const char *const k_clock_rate[] = {COMMON, "duration", "rate", NULL};
static const char *const k_apiserver[] = {
	COMMON,        "duration",    "error",          "errorRate",
	"retryAfter",  "down",        "commitDelay",    "requestLatency",
	"responseLatency", "requestLoss", "responseLoss", NULL};
/* the controller is no pod: no selector, mode or value */
static const char *const k_delete_candidate[] = {COMMON, NULL};
static const char *const k_controller[] = {"action", "label", "at", "duration",
					   NULL};
#undef COMMON

/* ---- shrinking helpers ------------------------------------------------------- */

int sim_xshrink_i64(const sim_xshrink *s, int64_t *v, int64_t lo)
{
	int moved = 0;
	for (int step = 0; step < 8 && *v > lo; step++) {
		int64_t old = *v;
		int64_t next = sim_x_ms(lo + (old - lo) / 2);
		if (next >= old)
			break;
		*v = next;
		if (!s->still_fails(s->ctx)) {
			*v = old;
			break;
		}
		moved = 1;
	}
	return moved;
}

int sim_xshrink_prob(const sim_xshrink *s, double *v, double lo)
{
	int moved = 0;
	for (int step = 0; step < 6 && *v > lo; step++) {
		double old = *v;
		*v = (double)(int64_t)((lo + (old - lo) / 2) * 100) / 100;
		if (*v >= old || !s->still_fails(s->ctx)) {
			*v = old;
			break;
		}
		moved = 1;
	}
	return moved;
}

/* ---- per kind: draw, clamp, shrink --------------------------------------------- */

static void draw_lasting(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			 int64_t dur, sim_fault *f)
{
	(void)r, (void)b, (void)size_pct;
	f->duration_ns = dur;
}

static void draw_pod_kill(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			  int64_t dur, sim_fault *f)
{
	(void)b, (void)size_pct, (void)dur;
	f->grace_period_ns = 0;
	f->replace = sim_x_chance(r, 50);
}

static void draw_instant(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			 int64_t dur, sim_fault *f)
{
	(void)r, (void)b, (void)size_pct, (void)dur, (void)f;
}

/* The controller is no pod: no selector, mode or value (k_controller). */
static void draw_controller(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			    int64_t dur, sim_fault *f)
{
	(void)r, (void)b, (void)size_pct;
	f->duration_ns = dur;
	f->role = SIM_ROLE_ANY;
	f->mode = SIM_MODE_ALL; /* what the parser reads with no mode: key */
}

/* A restart is back at once one time in four (a crash-looping apiserver's
 * fastest), else down for the drawn duration. */
static void draw_controller_restart(fa_rng *r, const sim_xbounds *b,
				    unsigned size_pct, int64_t dur, sim_fault *f)
{
	draw_controller(r, b, size_pct, sim_x_chance(r, 25) ? 0 : dur, f);
}

static void draw_partition(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			   int64_t dur, sim_fault *f)
{
	(void)b, (void)size_pct;
	f->duration_ns = dur;
	f->direction = (sim_direction)sim_rng_below(r, 3);
	f->partition_kind = f->direction != SIM_DIR_FROM && sim_x_chance(r, 40)
				    ? FA_PART_REFUSED
				    : FA_PART_BLACKHOLE;
}

static void draw_delay(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
		       int64_t dur, sim_fault *f)
{
	f->duration_ns = dur;
	f->direction = (sim_direction)sim_rng_below(r, 3);
	f->latency.kind = FA_LAT_FIXED;
	f->latency.a_ns = sim_x_ms(sim_x_range(r, MS, b->rd * (int64_t)size_pct / 100));
}

static void draw_loss(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
		      int64_t dur, sim_fault *f)
{
	(void)b;
	f->duration_ns = dur;
	f->direction = (sim_direction)sim_rng_below(r, 3);
	f->loss = (double)sim_x_range(r, 5, size_pct) / 100.0;
}

static void draw_time_skew(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			   int64_t dur, sim_fault *f)
{
	f->duration_ns = sim_x_chance(r, 50) ? dur : 0;
	int64_t off = sim_x_ms(sim_x_range(r, SEC, 2 * b->ld * (int64_t)size_pct / 100));
	f->time_offset_ns = sim_x_chance(r, 50) ? off : -off;
}

static void draw_clock_rate(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			    int64_t dur, sim_fault *f)
{
	(void)b;
	f->duration_ns = dur;
	/* 0.5x .. 1.5x at full size */
	f->rate_ppm = (int32_t)(sim_x_range(r, -5000, 5000) * (int64_t)size_pct);
	if (f->rate_ppm == 0)
		f->rate_ppm = 1000;
}

static void draw_apiserver(fa_rng *r, const sim_xbounds *b, unsigned size_pct,
			   int64_t dur, sim_fault *f)
{
	f->duration_ns = dur;
	fa_fault_rule *rule = &f->apiserver;
	switch (sim_rng_below(r, 5)) {
	case 0:
		rule->response_loss = 1.0;
		break;
	case 1:
		rule->request_loss = 1.0;
		break;
	case 2: {
		static const int codes[] = {429, 500, 503, 504};
		rule->error_code = codes[sim_rng_below(r, 4)];
		break;
	}
	case 3:
		rule->commit_delay_ns =
			sim_x_ms(sim_x_range(r, MS, b->rd * (int64_t)size_pct / 100));
		break;
	default:
		f->apiserver_down = true;
		break;
	}
	if (f->apiserver_down || sim_x_chance(r, 30)) {
		f->role = SIM_ROLE_ANY;
		f->mode = SIM_MODE_ALL;
	}
}

/* Inside 6.3's envelope: nothing that lets a write commit while its answer
 * is lost or late (response loss, a `from` partition or loss), pauses and
 * per-leg delays of at most a quarter / an eighth of the slack, clock rates
 * within 5 % (the tolerated ratio is LD / (RP + RD), 1.25 for 15/10/2).
 * No request is lost either: a lost request costs the attempt the request
 * timeout (5 s in the base), and the slow path then writes the attempt's
 * `now`; for the first renewal after an acquisition that is the
 * acquisition's second, which followers cannot tell from the record they
 * saw (election-spec.md 3.2, H6), so a lost request is as bad as a lost
 * answer (election-spec.md 6.1: RP + RD + rU = 17 s > LD). A refused
 * connection fails at once and stays. No backward step of a wall clock
 * either (election-spec.md 7, H6): time-skew steps forward and is never
 * undone. */
static void clamp_pause(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	f->duration_ns = sim_x_ms(sim_x_range(r, MS, b->slack / 4));
}

static void clamp_partition(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	(void)r, (void)b;
	f->direction = SIM_DIR_TO;
	f->partition_kind = FA_PART_REFUSED;
}

/* Every lost packet is a lost request or answer: no loss is inside the
 * envelope. The instance stays (with probability 0) so that a seed draws
 * the same schedule with and without --envelope. */
static void clamp_loss(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	(void)r, (void)b;
	f->direction = SIM_DIR_TO;
	f->loss = 0;
}

static void clamp_time_skew(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	(void)r, (void)b;
	if (f->time_offset_ns < 0)
		f->time_offset_ns = -f->time_offset_ns;
	f->duration_ns = 0;
}

static void clamp_delay(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	f->latency.a_ns = sim_x_ms(sim_x_range(r, MS, b->slack / 8));
}

static void clamp_clock_rate(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	(void)b;
	f->rate_ppm = (int32_t)sim_x_range(r, -50000, 50000);
	if (f->rate_ppm == 0)
		f->rate_ppm = 1000;
}

static void clamp_apiserver(fa_rng *r, const sim_xbounds *b, sim_fault *f)
{
	(void)r;
	if (f->apiserver.response_loss > 0 || f->apiserver.request_loss > 0) {
		f->apiserver.response_loss = 0;
		f->apiserver.request_loss = 0;
		f->apiserver.error_code = 503;
	}
	if (f->apiserver.commit_delay_ns > b->slack / 8)
		f->apiserver.commit_delay_ns = sim_x_ms(b->slack / 8);
}

static int shrink_delay(const sim_xshrink *s, sim_fault *f)
{
	return f->latency.kind == FA_LAT_FIXED ? sim_xshrink_i64(s, &f->latency.a_ns, MS) : 0;
}

static int shrink_loss(const sim_xshrink *s, sim_fault *f)
{
	return sim_xshrink_prob(s, &f->loss, 0.01);
}

/* Halve the step's size, its sign kept. */
static int shrink_time_skew(const sim_xshrink *s, sim_fault *f)
{
	int64_t mag = f->time_offset_ns < 0 ? -f->time_offset_ns : f->time_offset_ns;
	int64_t sign = f->time_offset_ns < 0 ? -1 : 1;
	int moved = 0;
	for (int step = 0; step < 8 && mag > MS; step++) {
		int64_t next = sim_x_ms(mag / 2);
		f->time_offset_ns = sign * next;
		if (next <= 0 || !s->still_fails(s->ctx))
			break;
		mag = next;
		moved = 1;
	}
	f->time_offset_ns = sign * mag;
	return moved;
}

static int shrink_apiserver(const sim_xshrink *s, sim_fault *f)
{
	return f->apiserver.commit_delay_ns > 0
		       ? sim_xshrink_i64(s, &f->apiserver.commit_delay_ns, MS)
		       : 0;
}

/* ---- the table ------------------------------------------------------------------- */

const sim_fault_model sim_fault_models[] = {
	{SIM_ACT_POD_KILL, "pod-kill", k_pod_kill, false, 1, draw_pod_kill, NULL, NULL},
	{SIM_ACT_POD_DELETE, "pod-delete", k_pod_delete, false, -1, NULL, NULL, NULL},
	{SIM_ACT_POD_FAILURE, "pod-failure", k_for_duration, true, 2, draw_lasting, NULL, NULL},
	{SIM_ACT_RESTART, "restart", k_restart, false, 3, draw_instant, NULL, NULL},
	{SIM_ACT_PAUSE, "pause", k_for_duration, true, 0, draw_lasting, clamp_pause, NULL},
	{SIM_ACT_PARTITION, "partition", k_partition, true, 4, draw_partition,
	 clamp_partition, NULL},
	{SIM_ACT_DELAY, "delay", k_delay, true, 5, draw_delay, clamp_delay, shrink_delay},
	{SIM_ACT_LOSS, "loss", k_loss, true, 6, draw_loss, clamp_loss, shrink_loss},
	{SIM_ACT_TIME_SKEW, "time-skew", k_time_skew, true, 7, draw_time_skew,
	 clamp_time_skew, shrink_time_skew},
	{SIM_ACT_CLOCK_RATE, "clock-rate", k_clock_rate, true, 8, draw_clock_rate,
	 clamp_clock_rate, NULL},
	{SIM_ACT_APISERVER, "apiserver", k_apiserver, true, 9, draw_apiserver,
	 clamp_apiserver, shrink_apiserver},
	{SIM_ACT_DELETE_CANDIDATE, "delete-candidate", k_delete_candidate, false, 10,
	 draw_instant, NULL, NULL},
	{SIM_ACT_CONTROLLER_RESTART, "controller-restart", k_controller, true, 11,
	 draw_controller_restart, NULL, NULL},
	{SIM_ACT_CONTROLLER_PAUSE, "controller-pause", k_controller, true, 12,
	 draw_controller, NULL, NULL},
};
const size_t sim_fault_nmodels = sizeof sim_fault_models / sizeof sim_fault_models[0];

/* The parser's names: every entry's, in table order, then the aliases. */
const char *const sim_fault_action_names[] = {
	"pod-kill",  "pod-delete", "pod-failure", "restart", "pause",
	"partition", "delay",      "loss",        "time-skew", "clock-rate",
	"apiserver", "delete-candidate", "controller-restart",
	"controller-pause", "container-kill", NULL};
const sim_action sim_fault_action_values[] = {
	SIM_ACT_POD_KILL,  SIM_ACT_POD_DELETE, SIM_ACT_POD_FAILURE,
	SIM_ACT_RESTART,   SIM_ACT_PAUSE,      SIM_ACT_PARTITION,
	SIM_ACT_DELAY,     SIM_ACT_LOSS,       SIM_ACT_TIME_SKEW,
	SIM_ACT_CLOCK_RATE, SIM_ACT_APISERVER, SIM_ACT_DELETE_CANDIDATE,
	SIM_ACT_CONTROLLER_RESTART, SIM_ACT_CONTROLLER_PAUSE, SIM_ACT_RESTART};

const sim_fault_model *sim_fault_model_of(sim_action a)
{
	for (size_t i = 0; i < sim_fault_nmodels; i++)
		if (sim_fault_models[i].action == a)
			return &sim_fault_models[i];
	return NULL;
}

const char *sim_fault_action_name(sim_action a)
{
	const sim_fault_model *m = sim_fault_model_of(a);
	return m ? m->name : "unknown";
}

bool sim_fault_lasts(const sim_fault *f)
{
	const sim_fault_model *m = sim_fault_model_of(f->action);
	return f->duration_ns > 0 && m != NULL && m->lasts;
}

/* Store faults apply to the whole server unless a selector names pods; a
 * server that is down is down for everyone. */
bool sim_fault_pod_specific(const sim_fault *f)
{
	if (sim_fault_on_controller(f))
		return false;
	if (f->action != SIM_ACT_APISERVER)
		return true;
	return !f->apiserver_down && (f->nnames > 0 || f->role != SIM_ROLE_ANY);
}

bool sim_fault_on_controller(const sim_fault *f)
{
	return f->action == SIM_ACT_CONTROLLER_RESTART ||
	       f->action == SIM_ACT_CONTROLLER_PAUSE;
}

sim_action sim_fault_action_find(const char *name)
{
	for (size_t i = 0; i < sim_fault_nmodels; i++)
		if (strcmp(sim_fault_models[i].name, name) == 0)
			return sim_fault_models[i].action;
	return (sim_action)0;
}
