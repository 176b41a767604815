/* sim/history.c — what a run leaves behind: events in true time, the pods
 * and identities they name, and its JSON-lines form.
 *
 * Appends are the simulator's per-event path: arrays grow geometrically and
 * nothing is formatted until sim_history_write_jsonl. The text form is
 * deterministic (fixed field order, integers only, no addresses), so the
 * same scenario, seed and binary give byte-identical files. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/internal/assert.h"
#include "leaselab/internal/json.h"
#include "sim_engine.h"
#include "strindex.h"
#include "text.h"

/* The kinds' own fields share a union (sim.h): keep it so, the history
 * of a big fleet is mostly these. */
_Static_assert(sizeof(sim_event) <= 80, "sim_event grew past 80 bytes");

static const char *const kind_names[] = {
	[SIM_EV_POD_START] = "pod-start",
	[SIM_EV_POD_DEATH] = "pod-death",
	[SIM_EV_POD_EXIT] = "pod-exit",
	[SIM_EV_POD_SIGTERM] = "pod-sigterm",
	[SIM_EV_PAUSE] = "pause",
	[SIM_EV_RESUME] = "resume",
	[SIM_EV_STARTED_LEADING] = "started-leading",
	[SIM_EV_STOPPED_LEADING] = "stopped-leading",
	[SIM_EV_ACTING_END] = "acting-end",
	[SIM_EV_NEW_LEADER] = "new-leader",
	[SIM_EV_LEASE_WRITE] = "lease-write",
	[SIM_EV_FAULT_START] = "fault-start",
	[SIM_EV_FAULT_END] = "fault-end",
	[SIM_EV_CUT] = "cut",
	[SIM_EV_UNCUT] = "uncut",
	[SIM_EV_WORK] = "work",
	[SIM_EV_ROGUE_START] = "rogue-start",
	[SIM_EV_PROBE_RESTART] = "probe-restart",
};

const char *sim_ev_kind_name(sim_ev_kind k)
{
	if ((int)k <= 0 || (size_t)k >= sizeof kind_names / sizeof kind_names[0] ||
	    !kind_names[k])
		return "unknown";
	return kind_names[k];
}

sim_ev_kind sim_ev_kind_from_name(const char *name)
{
	for (size_t k = 1; name && k < sizeof kind_names / sizeof kind_names[0]; k++)
		if (kind_names[k] && strcmp(kind_names[k], name) == 0)
			return (sim_ev_kind)k;
	return (sim_ev_kind)0;
}

void sim_history_init(sim_history *h)
{
	memset(h, 0, sizeof *h);
	snprintf(h->driver, sizeof h->driver, "sim");
	h->time_scale_ppm = 1000000;
}

void sim_history_free(sim_history *h)
{
	free(h->ev);
	free(h->pods);
	free(h->identities);
	free(h->id_index);
	sim_text_free(&h->text);
	sim_history_init(h);
}

/* Grow *v (n used, *cap slots of size sz) to hold one more. */
static int grow(void **v, size_t n, size_t *cap, size_t sz, size_t first)
{
	if (n < *cap)
		return LE_OK;
	size_t ncap = *cap ? *cap * 2 : first;
	void *nv = realloc(*v, ncap * sz);
	if (!nv)
		return LE_ENOMEM;
	*v = nv;
	*cap = ncap;
	return LE_OK;
}

sim_event sim_event_make(int64_t t_ns, sim_ev_kind kind, int32_t pod)
{
	return (sim_event){.t_ns = t_ns, .kind = kind, .pod = pod,
			   .holder = -1, .fault = -1};
}

int sim_history_push(sim_history *h, const sim_event *ev)
{
	if (h->n > 0 && ev->t_ns < h->ev[h->n - 1].t_ns)
		return LE_EINVAL;
	if ((ev->pod < -1 || (ev->pod >= 0 && (size_t)ev->pod >= h->npods)) ||
	    (ev->holder < -1 ||
	     (ev->holder >= 0 && (size_t)ev->holder >= h->nidentities)) ||
	    ev->fault < -1 || (int)ev->kind <= 0 || ev->kind >= SIM_EV_KIND_COUNT)
		return LE_EINVAL;
	if (h->n == h->cap &&
	    grow((void **)&h->ev, h->n, &h->cap, sizeof *h->ev, 256) != LE_OK)
		return LE_ENOMEM;
	h->ev[h->n] = *ev;
	h->n++;
	return LE_OK;
}

static const char *identity_str(const void *table, uint32_t id)
{
	return ((const sim_history *)table)->identities[id - 1];
}

/* Index every identity (at most half the slots used); LE_ENOMEM leaves
 * the old index, still valid for what it covers. */
static int id_index_sync(sim_history *h)
{
	if (h->id_indexed > h->nidentities) /* the array was reset or replaced */
		h->id_indexed = h->id_index_cap = 0;
	if (h->id_indexed == h->nidentities && h->id_index_cap)
		return LE_OK;
	size_t want = h->id_index_cap ? h->id_index_cap : 64;
	while (want < 2 * (h->nidentities + 1))
		want *= 2;
	if (want != h->id_index_cap || h->id_indexed == 0) {
		uint32_t *t = calloc(want, sizeof *t);
		if (!t)
			return LE_ENOMEM;
		free(h->id_index);
		h->id_index = t;
		h->id_index_cap = want;
		h->id_indexed = 0;
	}
	for (; h->id_indexed < h->nidentities; h->id_indexed++)
		sim_strindex_put(h->id_index, h->id_index_cap,
				 (uint32_t)h->id_indexed + 1,
				 h->identities[h->id_indexed]);
	return LE_OK;
}

int32_t sim_history_identity(sim_history *h, const char *id)
{
	if (!id || !id[0])
		return -1;
	if (id_index_sync(h) == LE_OK) {
		uint32_t found = sim_strindex_find(h->id_index, h->id_index_cap,
						   id, identity_str, h);
		if (found)
			return (int32_t)found - 1;
	} else {
		for (size_t i = 0; i < h->nidentities; i++)
			if (strcmp(h->identities[i], id) == 0)
				return (int32_t)i;
	}
	if (grow((void **)&h->identities, h->nidentities, &h->identities_cap,
		 sizeof *h->identities, 8) != LE_OK)
		return LE_ENOMEM;
	const char *kept = sim_text_keep(&h->text, id, LE_ID_MAX);
	if (!kept)
		return LE_ENOMEM;
	h->identities[h->nidentities] = kept;
	return (int32_t)h->nidentities++;
}

int32_t sim_history_add_pod(sim_history *h, const char *name,
			    int32_t identity, int32_t spec, int32_t replaces)
{
	if (grow((void **)&h->pods, h->npods, &h->pods_cap, sizeof *h->pods,
		 8) != LE_OK)
		return LE_ENOMEM;
	/* a pod named as its identity (most are) shares the identity's copy */
	const char *kept = NULL;
	if (identity >= 0 && (size_t)identity < h->nidentities && name &&
	    strcmp(name, h->identities[identity]) == 0)
		kept = h->identities[identity];
	else if (!(kept = sim_text_keep(&h->text, name, LE_ID_MAX)))
		return LE_ENOMEM;
	sim_pod_info *p = &h->pods[h->npods];
	memset(p, 0, sizeof *p);
	p->name = kept;
	p->identity = identity;
	p->spec = spec;
	p->replaces = replaces;
	return (int32_t)h->npods++;
}

/* ---- JSON lines ------------------------------------------------------------ */

/* A quoted JSON string, escaped by the project's one escaper. Escaping is
 * per byte, so escaping 128 input bytes at a time (at most 6 output bytes
 * each) gives the same text with no allocation. */
static void put_json_string(FILE *out, const char *s)
{
	enum { CHUNK = 128 };
	char buf[CHUNK * 6 + 1];
	if (!s) /* a hand-built pod spec's identity */
		s = "";
	size_t n = strlen(s);
	fputc('"', out);
	for (size_t off = 0; off < n; off += CHUNK) {
		size_t len = n - off < CHUNK ? n - off : CHUNK;
		size_t w = le_json_escape(s + off, len, buf, sizeof buf, 0);
		LE_ASSERT(w < sizeof buf);
		fwrite(buf, 1, w, out);
	}
	fputc('"', out);
}

static const char *identity_name(const sim_history *h, int32_t i)
{
	if (i < 0 || (size_t)i >= h->nidentities)
		return "";
	return h->identities[i];
}

/* Names of the scenario's enums in the header; the reader maps them back
 * (history_read.c). Index = enum value. A fault's action is named by the
 * fault-model table (sim_fault_action_name). */
const char *const sim__direction_names[] = {"both", "to", "from", NULL};
const char *const sim__partition_names[] = {"none", "refused", "blackhole", NULL};
const char *const sim__latency_names[] = {"none", "fixed", "uniform", "pareto", NULL};
const char *const sim__lock_names[] = {"leases", "endpoints", "configmaps",
				       "endpointsleases", "configmapsleases", NULL};

static const char *enum_name(const char *const *names, size_t n, int v)
{
	if (v < 0 || (size_t)v >= n || !names[v])
		return "unknown";
	return names[v];
}
#define ENUM_NAME(tab, v) enum_name(tab, sizeof tab / sizeof tab[0], (int)(v))

static void put_bool(FILE *out, const char *key, bool v)
{
	fprintf(out, ",\"%s\":%s", key, v ? "true" : "false");
}

static void put_i64(FILE *out, const char *key, int64_t v)
{
	fprintf(out, ",\"%s\":%" PRId64, key, v);
}

static void put_latency(FILE *out, const char *key, const fa_latency *l)
{
	/* integers only: the Pareto shape in millionths */
	fprintf(out, ",\"%s\":{\"kind\":\"%s\",\"a_ns\":%" PRId64
		     ",\"b_ns\":%" PRId64 ",\"alpha_ppm\":%" PRId64 "}",
		key, ENUM_NAME(sim__latency_names, l->kind), l->a_ns, l->b_ns,
		(int64_t)llround(l->alpha * 1e6));
}

static void put_profile(FILE *out, const char *key, const le_profile *p)
{
	fprintf(out, ",\"%s\":", key);
	if (p && p->name)
		put_json_string(out, p->name);
	else
		fputs("null", out);
}

static void write_expect(const sim_expect *x, FILE *out)
{
	fprintf(out, ",\"expect\":{\"max_leaders\":%d", x->max_leaders);
	put_i64(out, "failover_max_ns", x->failover_max_ns);
	put_i64(out, "leaderless_max_ns", x->leaderless_max_ns);
	put_i64(out, "liveness_within_ns", x->liveness_within_ns);
	put_bool(out, "expect_violation", x->expect_violation);
	fprintf(out, ",\"violation\":\"%s\"", sim_invariant_name(x->violation));
	put_bool(out, "check_stability", x->check_stability);
	put_bool(out, "check_liveness", x->check_liveness);
	if (x->max_changes_per_hour)
		put_i64(out, "max_changes_per_hour", x->max_changes_per_hour);
	fputc('}', out);
}

static void write_election(const sim_election *e, FILE *out)
{
	put_profile(out, "profile", e->profile);
	fprintf(out, ",\"lock\":\"%s\",\"lock_namespace\":",
		ENUM_NAME(sim__lock_names, e->lock_kind));
	put_json_string(out, e->lock_namespace);
	fputs(",\"lock_name\":", out);
	put_json_string(out, e->lock_name);
	put_i64(out, "lease_duration_ns", e->lease_duration_ns);
	put_i64(out, "renew_deadline_ns", e->renew_deadline_ns);
	put_i64(out, "retry_period_ns", e->retry_period_ns);
	put_i64(out, "request_timeout_ns", e->request_timeout_ns);
	put_bool(out, "release_on_cancel", e->release_on_cancel);
}

static void write_pod_spec(const sim_pod_spec *p, FILE *out)
{
	fputs("{\"name\":", out);
	put_json_string(out, p->name);
	fputs(",\"identity\":", out);
	put_json_string(out, p->identity);
	write_election(&p->election, out);
	put_i64(out, "start_ns", p->start_ns);
	put_i64(out, "clock_offset_ns", p->clock_offset_ns);
	put_i64(out, "clock_rate_ppm", p->clock_rate_ppm);
	put_i64(out, "grace_period_ns", p->grace_period_ns);
	put_bool(out, "sigterm_ignored", p->sigterm_ignored);
	put_i64(out, "replacement_start_ns", p->replacement_start_ns);
	put_i64(out, "work_period_ns", p->work_period_ns);
	put_i64(out, "stop_delay_ns", p->stop_delay_ns);
	if (p->rejoin_on_loss)
		put_bool(out, "rejoin_on_loss", true);
	if (p->release_after_drain)
		put_bool(out, "release_after_drain", true);
	if (p->wait_for_drain)
		put_bool(out, "wait_for_drain", true);
	if (p->shutdown_starts_work)
		put_bool(out, "shutdown_starts_work", true);
	if (p->coordinated) {
		put_bool(out, "coordinated", true);
		fputs(",\"binary_version\":", out);
		put_json_string(out, p->binary_version);
		fputs(",\"emulation_version\":", out);
		put_json_string(out, p->emulation_version);
		if (p->upgrade_at_ns != INT64_MAX) {
			put_i64(out, "upgrade_at_ns", p->upgrade_at_ns);
			fputs(",\"upgrade_binary_version\":", out);
			put_json_string(out, p->upgrade_binary_version);
			fputs(",\"upgrade_emulation_version\":", out);
			put_json_string(out, p->upgrade_emulation_version);
		}
	}
	if (p->probe_period_ns) {
		put_i64(out, "probe_period_ns", p->probe_period_ns);
		put_i64(out, "probe_failure_threshold", p->probe_failure_threshold);
		put_i64(out, "healthz_tolerance_ns", p->healthz_tolerance_ns);
	}
	fputc('}', out);
}

/* What the checker reads of a fault, and what a reader needs to name it:
 * the selector stays in the scenario file, the targets are in the
 * fault-start events. */
static void write_fault(const sim_fault *f, size_t i, FILE *out)
{
	fprintf(out, "{\"index\":%zu,\"action\":\"%s\",\"label\":", i,
		sim_fault_action_name(f->action));
	put_json_string(out, f->label);
	put_i64(out, "at_ns", f->at_ns);
	put_i64(out, "duration_ns", f->duration_ns);
	fprintf(out, ",\"direction\":\"%s\",\"partition\":\"%s\"",
		ENUM_NAME(sim__direction_names, f->direction),
		ENUM_NAME(sim__partition_names, f->partition_kind));
	put_latency(out, "latency", &f->latency);
	put_i64(out, "time_offset_ns", f->time_offset_ns);
	if (f->time_skew_monotonic)
		put_bool(out, "monotonic", true);
	put_i64(out, "rate_ppm", f->rate_ppm);
	put_latency(out, "request_latency", &f->apiserver.request_latency);
	put_latency(out, "response_latency", &f->apiserver.response_latency);
	put_i64(out, "commit_delay_ns", f->apiserver.commit_delay_ns);
	put_bool(out, "apiserver_down", f->apiserver_down);
	put_bool(out, "replace", f->replace);
	put_profile(out, "replacement_profile", f->replacement_profile);
	fprintf(out, ",\"line\":%d}", f->line);
}

static void write_scenario(const sim_scenario *sc, FILE *out)
{
	fputs(",\"scenario\":{\"name\":", out);
	put_json_string(out, sc->name);
	fputs(",\"file\":", out);
	put_json_string(out, sc->file);
	fputs(",\"description\":", out);
	put_json_string(out, sc->description);
	put_i64(out, "duration_ns", sc->duration_ns);
	put_latency(out, "latency_to", &sc->latency_to);
	put_latency(out, "latency_from", &sc->latency_from);
	fputs(",\"defaults\":{\"name\":\"\",\"identity\":\"\"", out);
	write_election(&sc->defaults, out);
	fputc('}', out);
	write_expect(&sc->expect, out);
	fputs(",\"pods\":[", out);
	for (size_t i = 0; i < sc->npods; i++) {
		if (i)
			fputc(',', out);
		write_pod_spec(&sc->pods[i], out);
	}
	fputs("],\"faults\":[", out);
	for (size_t i = 0; i < sc->nfaults; i++) {
		if (i)
			fputc(',', out);
		write_fault(&sc->faults[i], i, out);
	}
	fputs("]}", out);
}

static void write_header(const sim_history *h, const sim_scenario *sc,
			 FILE *out)
{
	fprintf(out, "{\"history\":\"leaselab\",\"version\":%d,\"driver\":",
		SIM_HISTORY_VERSION);
	put_json_string(out, h->driver[0] ? h->driver : "sim");
	fprintf(out, ",\"seed\":%" PRIu64, h->seed);
	put_i64(out, "time_scale_ppm",
		h->time_scale_ppm > 0 ? h->time_scale_ppm : 1000000);
	put_i64(out, "end_ns", h->end_ns);
	fprintf(out, ",\"events\":%zu,\"events_processed\":%" PRIu64, h->n,
		h->events_processed);
	if (sc)
		write_scenario(sc, out);
	fputs(",\"pods\":[", out);
	for (size_t i = 0; i < h->npods; i++) {
		const sim_pod_info *p = &h->pods[i];
		fprintf(out, "%s{\"index\":%zu,\"name\":", i ? "," : "", i);
		put_json_string(out, p->name);
		fprintf(out, ",\"identity\":%" PRId32 ",\"identity_name\":",
			p->identity);
		put_json_string(out, identity_name(h, p->identity));
		fprintf(out, ",\"spec\":%" PRId32 ",\"replaces\":%" PRId32 "}",
			p->spec, p->replaces);
	}
	fputs("],\"identities\":[", out);
	for (size_t i = 0; i < h->nidentities; i++) {
		if (i)
			fputc(',', out);
		put_json_string(out, h->identities[i]);
	}
	fputs("]}\n", out);
}

/* The fields of each kind, by name and unit (docs/history-format.md). */
static void write_kind_fields(const sim_event *e, FILE *out)
{
	switch (e->kind) {
	case SIM_EV_POD_START:
		put_i64(out, "restarts", e->restarts);
		break;
	case SIM_EV_POD_DEATH:
	case SIM_EV_STOPPED_LEADING:
		put_bool(out, "was_leader", e->was_leader);
		break;
	case SIM_EV_POD_SIGTERM:
		put_i64(out, "grace_period_ns", e->grace_period_ns);
		break;
	case SIM_EV_PROBE_RESTART:
		put_i64(out, "probe_failures", e->probe_failures);
		break;
	case SIM_EV_STARTED_LEADING:
	case SIM_EV_ROGUE_START:
		put_i64(out, "term", e->term);
		put_i64(out, "token", e->token);
		break;
	case SIM_EV_ACTING_END:
		put_i64(out, "term", e->term);
		break;
	case SIM_EV_LEASE_WRITE:
		put_i64(out, "transitions", e->transitions);
		put_i64(out, "resource_version", e->resource_version);
		put_i64(out, "lease_duration_s", e->lease_duration_s);
		if (e->has_acquire_time)
			put_i64(out, "acquire_wall_ns", e->acquire_wall_ns);
		if (e->has_renew_time)
			put_i64(out, "renew_wall_ns", e->renew_wall_ns);
		if (e->object)
			fprintf(out, ",\"object\":\"%s\"",
				ENUM_NAME(sim__lock_names, e->object - 1));
		if (e->has_preferred)
			put_i64(out, "preferred", e->preferred);
		break;
	case SIM_EV_CUT:
	case SIM_EV_UNCUT:
		fprintf(out, ",\"direction\":\"%s\",\"partition\":\"%s\"",
			ENUM_NAME(sim__direction_names, e->direction),
			ENUM_NAME(sim__partition_names, e->partition));
		break;
	case SIM_EV_WORK:
		put_i64(out, "token", e->token);
		break;
	default:
		break;
	}
}

/* Event `seq` (its index), e. */
static void write_event(const sim_history *h, const sim_scenario *sc,
			size_t seq, const sim_event *e, FILE *out)
{
	fprintf(out, "{\"seq\":%zu,\"t_ns\":%" PRId64 ",\"kind\":\"%s\"",
		seq, e->t_ns, sim_ev_kind_name(e->kind));
	fprintf(out, ",\"pod\":%" PRId32, e->pod);
	if (e->pod >= 0 && (size_t)e->pod < h->npods) {
		fputs(",\"pod_name\":", out);
		put_json_string(out, h->pods[e->pod].name);
	}
	fprintf(out, ",\"holder\":%" PRId32, e->holder);
	if (e->holder >= 0) {
		fputs(",\"holder_name\":", out);
		put_json_string(out, identity_name(h, e->holder));
	}
	fprintf(out, ",\"fault\":%" PRId32, e->fault);
	if (e->fault >= 0 && sc && (size_t)e->fault < sc->nfaults) {
		fputs(",\"fault_label\":", out);
		put_json_string(out, sc->faults[e->fault].label);
	}
	write_kind_fields(e, out);
	fputs("}\n", out);
}

int sim_history_write_jsonl(const sim_history *h, const sim_scenario *sc,
			    FILE *out)
{
	if (!h || !out)
		return LE_EINVAL;
	write_header(h, sc, out);
	for (size_t i = 0; i < h->n; i++)
		write_event(h, sc, i, &h->ev[i], out);
	if (fflush(out) != 0 || ferror(out))
		return LE_EIO;
	return LE_OK;
}

char *sim_history_text(const sim_history *h, const sim_scenario *sc,
		       size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	int rc = sim_history_write_jsonl(h, sc, f);
	if (fclose(f) != 0 || rc != LE_OK) {
		free(buf);
		return NULL;
	}
	return buf;
}
