/* sim/live/live_pods.c — templates and process control for `bin/sim live`:
 * a pod's token user and kubeconfig, bin/elector's flags from the
 * scenario's election settings or a foreign elector's --elector template
 * (shell-quoted placeholders), libfaketime's environment, and spawning,
 * killing and replacing pods. */
/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_run.h"

static bool has_rate_fault(const sim_scenario *sc)
{
	for (size_t i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].action == SIM_ACT_CLOCK_RATE)
			return true;
	return false;
}

const char *lv_pod_identity(const lv_pod *p)
{
	return p->identity[0] ? p->identity : p->name;
}

/* Format seconds as the decimal a template gets ("1.5"). */
static void secs_text(int64_t ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.9g", (double)ns / 1e9);
}

static void go_duration(int64_t ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%" PRId64 "ns", ns);
}

/* The pod's settings: its own (per-pod overrides are resolved by the
 * parser), with a replacement's profile. */
static const sim_election *pod_election(const lv_run *r, const lv_pod *p)
{
	return &r->sc->pods[p->spec].election;
}

static void shell_quote(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 3) {
		out[0] = '\0';
		return;
	}
	out[n++] = '\'';
	for (; *s && n + 5 < cap; s++) {
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *s;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

static int expand_template(const lv_run *r, const lv_pod *p, const char *tpl,
			   char *out, size_t cap)
{
	const sim_election *e = pod_election(r, p);
	char ld[32], rd[32], rp[32];
	secs_text(e->lease_duration_ns, ld, sizeof ld);
	secs_text(e->renew_deadline_ns, rd, sizeof rd);
	secs_text(e->retry_period_ns, rp, sizeof rp);
	struct { const char *key, *val; } v[] = {
		{"{id}", lv_pod_identity(p)}, {"{kubeconfig}", p->kubeconfig},
		{"{server}", r->server}, {"{token}", p->token},
		{"{namespace}", e->lock_namespace}, {"{name}", e->lock_name},
		{"{lease_duration}", ld}, {"{renew_deadline}", rd}, {"{retry_period}", rp},
	};
	size_t n = 0;
	for (const char *s = tpl; *s;) {
		bool hit = false;
		for (size_t i = 0; i < sizeof v / sizeof v[0] && !hit; i++) {
			size_t kl = strlen(v[i].key);
			if (strncmp(s, v[i].key, kl) != 0)
				continue;
			char q[SIM_PATH_MAX + 8];
			shell_quote(v[i].val, q, sizeof q);
			size_t ql = strlen(q);
			if (n + ql + 1 >= cap)
				return LE_ERANGE;
			memcpy(out + n, q, ql);
			n += ql;
			s += kl;
			hit = true;
		}
		if (!hit) {
			if (n + 2 >= cap)
				return LE_ERANGE;
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return LE_OK;
}

static int write_kubeconfig(const lv_run *r, const lv_pod *p)
{
	FILE *f = fopen(p->kubeconfig, "w");
	if (!f)
		return LE_EIO;
	fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: live\n"
		   "  cluster:\n    server: %s\nusers:\n- name: %s\n  user:\n"
		   "    token: %s\ncontexts:\n- name: live\n  context: {cluster: live, "
		   "user: %s}\ncurrent-context: live\n",
		r->server, p->user, p->token, p->user);
	return fclose(f) == 0 ? LE_OK : LE_EIO;
}

/* A new pod (original or replacement): history entry, token slot,
 * kubeconfig. Returns its index or -1 (r->code set). */
int32_t lv_pod_new(lv_run *r, int32_t spec, const char *name,
		       const le_profile *profile, int32_t replaces)
{
	if (r->slots_used >= MAX_SLOTS) {
		lv_fail(r, SIM_EXIT_BAD_INPUT, "more than %d pods in one live run", MAX_SLOTS);
		return -1;
	}
	if (r->npods == r->pods_cap) {
		size_t cap = r->pods_cap ? r->pods_cap * 2 : 8;
		lv_pod *np = realloc(r->pods, cap * sizeof *np);
		if (!np) {
			lv_fail(r, SIM_EXIT_INTERNAL, "out of memory");
			return -1;
		}
		r->pods = np;
		r->pods_cap = cap;
	}
	const sim_pod_spec *ps = &r->sc->pods[spec];
	lv_pod *p = &r->pods[r->npods];
	memset(p, 0, sizeof *p);
	p->proc.out_fd = -1;
	p->spec = spec;
	p->profile = profile;
	snprintf(p->name, sizeof p->name, "%s", name);
	/* A replacement is a new pod: its identity is its own name, unless
	 * the spec pins one (duplicate-identity scenarios). */
	if (ps->identity && ps->identity[0])
		snprintf(p->identity, sizeof p->identity, "%s", ps->identity);
	else if (!r->o->elector_tpl || strstr(r->o->elector_tpl, "{id}"))
		snprintf(p->identity, sizeof p->identity, "%s", name);
	size_t slot = r->slots_used++;
	snprintf(p->user, sizeof p->user, "%s", r->slot_user[slot]);
	snprintf(p->token, sizeof p->token, "%s", r->slot_token[slot]);
	snprintf(p->kubeconfig, sizeof p->kubeconfig, "%s/%s.kubeconfig", r->tmp, p->user);
	p->base_rate = 1.0 + (double)ps->clock_rate_ppm / 1e6;
	p->ft_rate = p->base_rate;
	p->ft_off_ns = ps->clock_offset_ns;
	p->faked = ps->clock_offset_ns || ps->clock_rate_ppm;
	if (r->ftlib && has_rate_fault(r->sc)) {
		p->faked = true;
		snprintf(p->ftfile, sizeof p->ftfile, "%s/%s.faketime", r->tmp, p->user);
	}
	if (r->o->status_url) {
		char q[LE_ID_MAX];
		snprintf(q, sizeof q, "%s", lv_pod_identity(p));
		const char *tpl = r->o->status_url;
		const char *at = strstr(tpl, "{id}");
		if (at)
			snprintf(p->status_url, sizeof p->status_url, "%.*s%s%s",
				 (int)(at - tpl), tpl, q, at + 4);
		else
			snprintf(p->status_url, sizeof p->status_url, "%s", tpl);
	}
	if (write_kubeconfig(r, p) != LE_OK) {
		lv_fail(r, SIM_EXIT_INTERNAL, "%s: %s", p->kubeconfig, strerror(errno));
		return -1;
	}
	int32_t hp = lv_history_add_pod(r->h, name, p->identity, spec, replaces);
	if (hp < 0 || (size_t)hp != r->npods) {
		lv_fail(r, SIM_EXIT_INTERNAL, "out of memory adding a pod to the history");
		return -1;
	}
	return (int32_t)r->npods++;
}

static void default_argv(const lv_run *r, const lv_pod *p, char store[16][SIM_PATH_MAX],
			 char *argv[17])
{
	const sim_election *e = pod_election(r, p);
	char ld[32], rd[32], rp[32];
	go_duration(e->lease_duration_ns, ld, sizeof ld);
	go_duration(e->renew_deadline_ns, rd, sizeof rd);
	go_duration(e->retry_period_ns, rp, sizeof rp);
	int n = 0;
	snprintf(store[n++], SIM_PATH_MAX, "%s/elector", r->o->bindir);
	snprintf(store[n++], SIM_PATH_MAX, "--id=%s", lv_pod_identity(p));
	snprintf(store[n++], SIM_PATH_MAX, "--election=%s", e->lock_name);
	snprintf(store[n++], SIM_PATH_MAX, "--election-namespace=%s", e->lock_namespace);
	snprintf(store[n++], SIM_PATH_MAX, "--lock=%s", le_lock_kind_name(e->lock_kind));
	snprintf(store[n++], SIM_PATH_MAX, "--kubeconfig=%s", p->kubeconfig);
	snprintf(store[n++], SIM_PATH_MAX, "--profile=%s", p->profile->name);
	snprintf(store[n++], SIM_PATH_MAX, "--lease-duration=%s", ld);
	snprintf(store[n++], SIM_PATH_MAX, "--renew-deadline=%s", rd);
	snprintf(store[n++], SIM_PATH_MAX, "--retry-period=%s", rp);
	snprintf(store[n++], SIM_PATH_MAX, "--release-on-cancel=%s",
		 e->release_on_cancel ? "true" : "false");
	snprintf(store[n++], SIM_PATH_MAX, "--log-format=json");
	if (e->request_timeout_ns > 0) {
		char rt[32];
		go_duration(e->request_timeout_ns, rt, sizeof rt);
		snprintf(store[n++], SIM_PATH_MAX, "--request-timeout=%s", rt);
	}
	for (int i = 0; i < n; i++)
		argv[i] = store[i];
	argv[n] = NULL;
}

void lv_pod_spawn(lv_run *r, int32_t i)
{
	lv_pod *p = &r->pods[i];
	char store[16][SIM_PATH_MAX];
	char *argv[17];
	char cmd[8192], line[8200];
	if (r->o->elector_tpl) {
		if (expand_template(r, p, r->o->elector_tpl, cmd, sizeof cmd) != LE_OK) {
			lv_fail(r, SIM_EXIT_BAD_INPUT, "--elector: the command for pod %s is "
			     "longer than %zu bytes", p->name, sizeof cmd);
			return;
		}
		snprintf(line, sizeof line, "exec %s", cmd);
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = line;
		argv[3] = NULL;
	} else {
		default_argv(r, p, store, argv);
	}
	char ld_preload[SIM_PATH_MAX + 16], ft[128], ftfile[SIM_PATH_MAX + 32];
	char *env[8] = {"LD_PRELOAD=", "FAKETIME=", "FAKETIME_TIMESTAMP_FILE=",
			"FAKETIME_NO_CACHE=", "FAKETIME_DONT_FAKE_MONOTONIC=", NULL};
	int64_t t = lv_now_ns(r);
	/* Each spawn starts libfaketime's clock afresh: the offset is the
	 * pod's wall offset, the rate its own. */
	p->ft_rate = p->base_rate;
	p->ft_off_ns = r->sc->pods[p->spec].clock_offset_ns;
	if (p->faked) {
		char spec[64];
		lv_faketime_spec(p->ft_off_ns, p->ft_rate, spec, sizeof spec);
		snprintf(ld_preload, sizeof ld_preload, "LD_PRELOAD=%s", r->ftlib);
		env[0] = ld_preload;
		if (p->ftfile[0]) {
			if (lv_faketime_write(p->ftfile, spec, r->err, sizeof r->err) != LE_OK) {
				lv_fail(r, SIM_EXIT_INTERNAL, "%s", r->err);
				return;
			}
			snprintf(ftfile, sizeof ftfile, "FAKETIME_TIMESTAMP_FILE=%s", p->ftfile);
			env[2] = ftfile;
			env[3] = "FAKETIME_NO_CACHE=1";
		} else {
			snprintf(ft, sizeof ft, "FAKETIME=%s", spec);
			env[1] = ft;
		}
	}
	char err[LV_ERR_MAX];
	if (lv_proc_spawn(&p->proc, argv, env, err, sizeof err) != LE_OK) {
		lv_fail(r, SIM_EXIT_BAD_INPUT, "pod %s: %s", p->name, err);
		return;
	}
	p->spawn_ns = t;
	p->seg_samples = 0;
	p->alive = true;
	p->paused = false;
	p->leading = false;
	p->killed = false;
	p->next_status_ns = t;
	if (r->first_start_ns < 0)
		r->first_start_ns = t;
	lv_record(r, t, SIM_EV_POD_START, i, NULL, -1, p->restarts, 0);
}

/* The pod is gone: by our SIGKILL (death) or by itself (exit). */
void lv_pod_gone(lv_run *r, int32_t i, bool killed, int32_t fault, int64_t t)
{
	lv_pod *p = &r->pods[i];
	if (!p->alive)
		return;
	lv_record(r, t, killed ? SIM_EV_POD_DEATH : SIM_EV_POD_EXIT, i, NULL, fault,
	       p->leading, 0);
	p->alive = false;
	p->leading = false;
	p->paused = false;
}

void lv_pod_kill(lv_run *r, int32_t i, int32_t fault)
{
	lv_pod *p = &r->pods[i];
	int64_t t = lv_now_ns(r);
	lv_proc_signal(&p->proc, SIGKILL);
	lv_proc_signal(&p->proc, SIGCONT);
	p->killed = true;
	lv_pod_gone(r, i, true, fault, t);
}

/* A Deployment's replacement: "<spec name>-<5 lowercase letters>". */
void lv_pod_replace(lv_run *r, int32_t old, int32_t fi)
{
	const lv_pod *o = &r->pods[old];
	char name[LE_ID_MAX], suffix[6];
	for (int k = 0; k < 5; k++)
		suffix[k] = (char)('a' + lv_rng_next(r) % 26);
	suffix[5] = '\0';
	snprintf(name, sizeof name, "%.*s-%s", LE_ID_MAX - 8, r->sc->pods[o->spec].name,
		 suffix);
	const le_profile *prof = r->sc->faults[fi].replacement_profile
					 ? r->sc->faults[fi].replacement_profile
					 : o->profile;
	int32_t n = lv_pod_new(r, o->spec, name, prof, old);
	if (n >= 0)
		lv_pod_spawn(r, n);
}
