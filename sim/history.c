/* sim/history.c — what a run leaves behind: events in true time, the pods
 * and identities they name, and its JSON-lines form.
 *
 * Appends are the simulator's per-event path: arrays grow geometrically and
 * nothing is formatted until sim_history_write_jsonl. The text form is
 * deterministic (fixed field order, integers only, no addresses), so the
 * same scenario, seed and binary give byte-identical files. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim_engine.h"

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
};

const char *sim_ev_kind_name(sim_ev_kind k)
{
	if ((int)k <= 0 || (size_t)k >= sizeof kind_names / sizeof kind_names[0] ||
	    !kind_names[k])
		return "unknown";
	return kind_names[k];
}

void sim_history_init(sim_history *h)
{
	memset(h, 0, sizeof *h);
}

void sim_history_free(sim_history *h)
{
	free(h->ev);
	free(h->pods);
	free(h->identities);
	memset(h, 0, sizeof *h);
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

int sim_history_push(sim_history *h, int64_t t_ns, sim_ev_kind kind,
		     int32_t pod, int32_t holder, int32_t fault, int64_t a,
		     int64_t b, int64_t c, int64_t d)
{
	if (h->n == h->cap &&
	    grow((void **)&h->ev, h->n, &h->cap, sizeof *h->ev, 256) != LE_OK)
		return LE_ENOMEM;
	h->ev[h->n] = (sim_event){.t_ns = t_ns, .seq = h->n, .kind = kind,
				  .pod = pod, .holder = holder, .fault = fault,
				  .a = a, .b = b, .c = c, .d = d};
	h->n++;
	return LE_OK;
}

int32_t sim_history_identity(sim_history *h, const char *id)
{
	if (!id || !id[0])
		return -1;
	for (size_t i = 0; i < h->nidentities; i++)
		if (strcmp(h->identities[i], id) == 0)
			return (int32_t)i;
	if (grow((void **)&h->identities, h->nidentities, &h->identities_cap,
		 sizeof *h->identities, 8) != LE_OK)
		return LE_ENOMEM;
	snprintf(h->identities[h->nidentities], LE_ID_MAX, "%s", id);
	return (int32_t)h->nidentities++;
}

int32_t sim_history_add_pod(sim_history *h, const char *name,
			    int32_t identity, int32_t spec, int32_t replaces)
{
	if (grow((void **)&h->pods, h->npods, &h->pods_cap, sizeof *h->pods,
		 8) != LE_OK)
		return LE_ENOMEM;
	sim_pod_info *p = &h->pods[h->npods];
	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->identity = identity;
	p->spec = spec;
	p->replaces = replaces;
	return (int32_t)h->npods++;
}

/* ---- JSON lines ------------------------------------------------------------ */

static void put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static const char *identity_name(const sim_history *h, int32_t i)
{
	if (i < 0 || (size_t)i >= h->nidentities)
		return "";
	return h->identities[i];
}

static void write_header(const sim_history *h, const sim_scenario *sc,
			 FILE *out)
{
	fputs("{\"history\":\"leaselab-sim\",\"version\":1,\"scenario\":", out);
	put_json_string(out, sc ? sc->name : "");
	fprintf(out, ",\"seed\":%" PRIu64 ",\"end_ns\":%" PRId64
		     ",\"events\":%zu,\"pods\":[",
		h->seed, h->end_ns, h->n);
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

static void write_event(const sim_history *h, const sim_scenario *sc,
			const sim_event *e, FILE *out)
{
	fprintf(out, "{\"t_ns\":%" PRId64 ",\"seq\":%" PRIu64 ",\"kind\":\"%s\"",
		e->t_ns, e->seq, sim_ev_kind_name(e->kind));
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
	fprintf(out, ",\"a\":%" PRId64 ",\"b\":%" PRId64 ",\"c\":%" PRId64
		     ",\"d\":%" PRId64 "}\n",
		e->a, e->b, e->c, e->d);
}

int sim_history_write_jsonl(const sim_history *h, const sim_scenario *sc,
			    FILE *out)
{
	if (!h || !out)
		return LE_EINVAL;
	write_header(h, sc, out);
	for (size_t i = 0; i < h->n; i++)
		write_event(h, sc, &h->ev[i], out);
	if (fflush(out) != 0 || ferror(out))
		return LE_EIO;
	return LE_OK;
}
