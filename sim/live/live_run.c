/* sim/live/live_run.c — one live run: the harness's clocks, the schedule of
 * actions (pod starts, fault starts and ends, grace-period kills,
 * replacements), the run's folder with its tokens and bin/fake-apiserver,
 * the event loop that reads every pod until the scenario's end, and the
 * history judged by sim_check at the end. Everything started is stopped and
 * the folder removed on every way out.
 *
 * architecture.md seam 2: with apiserver.c and proc.c, the only files of
 * the harness that read clocks and sleep. */
/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "live_run.h"

#define POLL_MAX_MS 10          /* how late a death or a due action may be seen */

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
}

static int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
}

int64_t lv_now_ns(const lv_run *r)
{
	return mono_ns() - r->t0_mono_ns;
}


int lv_fail(lv_run *r, int code, const char *fmt, ...)
{
	if (r->code == SIM_EXIT_PASS) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof r->err, fmt, ap);
		va_end(ap);
		r->code = code;
	}
	return code;
}

uint64_t lv_rng_next(lv_run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void lv_schedule(lv_run *r, int64_t t_ns, lv_act_kind k, int32_t a, int32_t b)
{
	if (r->nacts == r->acts_cap) {
		size_t cap = r->acts_cap ? r->acts_cap * 2 : 32;
		lv_act *p = realloc(r->acts, cap * sizeof *p);
		if (!p) {
			lv_fail(r, SIM_EXIT_INTERNAL, "out of memory scheduling");
			return;
		}
		r->acts = p;
		r->acts_cap = cap;
	}
	r->acts[r->nacts++] = (lv_act){t_ns, k, a, b, false};
}

void lv_record(lv_run *r, int64_t t, sim_ev_kind k, int32_t pod,
		   const char *holder, int32_t fault, int64_t a, int64_t b)
{
	if (lv_history_push(r->h, t, k, pod, holder, fault, a, b) != LE_OK)
		lv_fail(r, SIM_EXIT_INTERNAL, "out of memory recording the history");
}

static void run_action(lv_run *r, lv_act *a)
{
	a->done = true;
	switch (a->kind) {
	case LV_ACT_START: {
		const sim_pod_spec *ps = &r->sc->pods[a->a];
		int32_t i = lv_pod_new(r, a->a, ps->name, ps->election.profile, -1);
		if (i >= 0)
			lv_pod_spawn(r, i);
		break;
	}
	case LV_ACT_FAULT_START:
		lv_fault_start(r, a->a);
		break;
	case LV_ACT_FAULT_END:
		lv_fault_end(r, a->a);
		break;
	case LV_ACT_GRACE_KILL:
		if (r->pods[a->a].alive && r->pods[a->a].restarts == a->b)
			lv_pod_kill(r, a->a, -1);
		break;
	case LV_ACT_REPLACE:
		lv_pod_replace(r, a->a, a->b);
		break;
	}
}

static lv_act *next_action(lv_run *r)
{
	lv_act *best = NULL;
	for (size_t i = 0; i < r->nacts; i++)
		if (!r->acts[i].done && (!best || r->acts[i].t_ns < best->t_ns))
			best = &r->acts[i];
	return best;
}

static void check_startup(lv_run *r, int64_t t)
{
	if (r->any_leader || r->first_start_ns < 0 ||
	    t < r->first_start_ns + r->o->startup_timeout_ns)
		return;
	char lines[LV_LAST_LINES * 210] = "";
	const lv_pod *p = r->npods ? &r->pods[0] : NULL;
	if (p)
		lv_last_lines(p, lines, sizeof lines);
	const char *how = r->o->status_url ? "--status-url never named it"
			  : r->o->leader_re ? "--leader-regex never matched"
					    : "no started_leading event";
	lv_fail(r, SIM_EXIT_BAD_INPUT, "no pod reported leading within the start-up "
	     "timeout of %.3f s (%s); pod %s's last output:%s",
	     lv_secs(r->o->startup_timeout_ns), how, p ? p->name : "-", lines);
}

static void loop(lv_run *r)
{
	struct pollfd *pfd = NULL;
	size_t pfd_cap = 0;
	for (;;) {
		int64_t t = lv_now_ns(r);
		if (lv_stop_signal) {
			lv_fail(r, SIM_EXIT_INTERNAL, "interrupted by %s at %.3f s: everything "
			     "it started is stopped", lv_stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
			     lv_secs(t));
			break;
		}
		if (r->code != SIM_EXIT_PASS)
			break;
		lv_act *a = next_action(r);
		if (a && a->t_ns <= t && a->t_ns < r->sc->duration_ns) {
			run_action(r, a);
			continue;
		}
		if (t >= r->sc->duration_ns)
			break;
		check_startup(r, t);
		int64_t wait = r->sc->duration_ns - t;
		if (a && a->t_ns - t < wait)
			wait = a->t_ns - t;
		int ms = (int)(wait / 1000000) + 1;
		if (ms > POLL_MAX_MS)
			ms = POLL_MAX_MS;
		if (pfd_cap < r->npods + 1) {
			pfd_cap = r->npods + 8;
			struct pollfd *np = realloc(pfd, pfd_cap * sizeof *np);
			if (!np) {
				lv_fail(r, SIM_EXIT_INTERNAL, "out of memory");
				break;
			}
			pfd = np;
		}
		for (size_t i = 0; i < r->npods; i++)
			pfd[i] = (struct pollfd){r->pods[i].proc.out_fd, POLLIN, 0};
		pfd[r->npods] = (struct pollfd){r->api.proc.out_fd, POLLIN, 0};
		poll(pfd, r->npods + 1, ms);
		for (size_t i = 0; i < r->npods; i++) {
			lv_line_ctx c = {r, (int32_t)i};
			lv_proc_read(&r->pods[i].proc, lv_on_line, &c);
			lv_pod *p = &r->pods[i];
			if (p->alive && lv_proc_reap(&p->proc)) {
				lv_proc_read(&p->proc, lv_on_line, &c);
				lv_on_exit_seen(r, (int32_t)i);
			}
			if (r->o->status_url)
				lv_poll_status(r, (int32_t)i, lv_now_ns(r));
		}
		char sink[4096];
		if (r->api.proc.out_fd >= 0 && (pfd[r->npods].revents & POLLIN)) {
			ssize_t n = read(r->api.proc.out_fd, sink, sizeof sink);
			(void)n;
		}
		if (lv_proc_reap(&r->api.proc)) {
			lv_fail(r, SIM_EXIT_INTERNAL, "the fake apiserver exited during the run "
			     "(status %d)", r->api.proc.status);
			break;
		}
	}
	free(pfd);
}

/* The run's folder is flat: kubeconfigs, tokens, timestamp files. */
static void remove_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[SIM_PATH_MAX + 256];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

static void teardown(lv_run *r)
{
	for (size_t i = 0; i < r->npods; i++)
		lv_proc_stop(&r->pods[i].proc);
	if (r->api_up)
		lv_apiserver_stop(&r->api);
	r->api_up = false;
	if (r->tmp[0])
		remove_tmp(r->tmp);
	r->tmp[0] = '\0';
}

static int write_tokens(lv_run *r, char *path, size_t cap)
{
	snprintf(path, cap, "%s/tokens", r->tmp);
	FILE *f = fopen(path, "w");
	if (!f)
		return LE_EIO;
	for (size_t k = 0; k < MAX_SLOTS; k++) {
		unsigned char b[12];
		if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
			memset(b, (int)k, sizeof b);
		for (size_t i = 0; i < sizeof b; i++)
			snprintf(r->slot_token[k] + 2 * i, 3, "%02x", b[i]);
		if (k < r->sc->npods)
			snprintf(r->slot_user[k], LE_ID_MAX, "%s", r->sc->pods[k].name);
		else
			snprintf(r->slot_user[k], LE_ID_MAX, "replacement-%zu", k - r->sc->npods);
		fprintf(f, "%s,%s\n", r->slot_token[k], r->slot_user[k]);
	}
	return fclose(f) == 0 ? LE_OK : LE_EIO;
}

static int setup(lv_run *r)
{
	const char *base = getenv("TMPDIR");
	snprintf(r->tmp, sizeof r->tmp, "%s/leaselab-live-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(r->tmp)) {
		r->tmp[0] = '\0';
		return lv_fail(r, SIM_EXIT_INTERNAL, "mkdtemp: %s", strerror(errno));
	}
	char tokens[SIM_PATH_MAX + 16], bin[SIM_PATH_MAX + 32];
	if (write_tokens(r, tokens, sizeof tokens) != LE_OK)
		return lv_fail(r, SIM_EXIT_INTERNAL, "%s: %s", tokens, strerror(errno));
	snprintf(bin, sizeof bin, "%s/fake-apiserver", r->o->bindir);
	char err[LV_ERR_MAX];
	if (lv_apiserver_start(&r->api, bin, tokens, (uint64_t)r->index + 1, err,
			       sizeof err) != LE_OK)
		return lv_fail(r, SIM_EXIT_INTERNAL, "%s", err);
	r->api_up = true;
	snprintf(r->server, sizeof r->server, "%s", r->api.url);
	/* The scenario's network: one rule for everyone, before any pod. */
	fa_fault_rule base_rule = {.request_latency = r->sc->latency_to,
				   .response_latency = r->sc->latency_from};
	lv_add_rule(r, NULL, lv_store_rule(&base_rule, "*"));
	for (size_t i = 0; i < r->sc->npods; i++)
		lv_schedule(r, r->sc->pods[i].start_ns, LV_ACT_START, (int32_t)i, 0);
	for (size_t i = 0; i < r->sc->nfaults; i++)
		lv_schedule(r, r->sc->faults[i].at_ns, LV_ACT_FAULT_START, (int32_t)i, 0);
	return r->code;
}

/* The simulator's true time 0 is a whole second of wall time
 * (SIM_WALL_EPOCH_NS). Records carry wall times in whole seconds (0.5's
 * annotation), so where the run falls within a wall second changes when a
 * follower sees a renewal as a change: start live runs on the same phase,
 * or their failovers are drawn from another distribution. */
static void align_to_wall_second(void)
{
	int64_t w = wall_ns();
	int64_t rest = LE_NS_PER_S - w % LE_NS_PER_S;
	struct timespec d = {0, (long)(rest % LE_NS_PER_S)};
	while (d.tv_nsec > 0 && nanosleep(&d, &d) != 0 && errno == EINTR && !lv_stop_signal)
		;
}

void lv_run_once(const lv_opts *o, const sim_scenario *sc, int index,
		     const char *ftlib, lv_run_out *out)
{
	lv_run r = {.o = o, .sc = sc, .index = index, .ftlib = ftlib,
		    .first_start_ns = -1, .rng = (uint64_t)index * 7919 + 1};
	r.api.proc.out_fd = -1;
	memset(out, 0, sizeof *out);
	char err[LV_ERR_MAX];
	r.h = lv_history_new((uint64_t)index + 1, o->scale);
	r.fs = calloc(sc->nfaults ? sc->nfaults : 1, sizeof *r.fs);
	if (!r.h || !r.fs ||
	    lv_matchers_init(&r.m, o->elector_tpl == NULL, o->leader_re, o->follower_re,
			     o->new_leader_re, err, sizeof err) != LE_OK) {
		lv_fail(&r, r.h && r.fs ? SIM_EXIT_BAD_INPUT : SIM_EXIT_INTERNAL, "%s",
		     r.h && r.fs ? err : "out of memory");
		goto done;
	}
	if (o->status_url && !(r.status_curl = curl_easy_init())) {
		lv_fail(&r, SIM_EXIT_INTERNAL, "curl_easy_init failed");
		goto done;
	}
	align_to_wall_second();
	r.t0_mono_ns = mono_ns();
	r.wall0_ns = wall_ns();
	if (setup(&r) == SIM_EXIT_PASS)
		loop(&r);
	r.end_ns = lv_now_ns(&r);
	out->wall_s = lv_secs(r.end_ns);
	/* Stop the pods first: their last writes are in before the history. */
	for (size_t i = 0; i < r.npods; i++)
		lv_proc_stop(&r.pods[i].proc);
	if (r.code == SIM_EXIT_PASS) {
		char *text = lv_apiserver_history(&r.api, err, sizeof err);
		if (!text)
			lv_fail(&r, SIM_EXIT_INTERNAL, "%s", err);
		else
			lv_merge_writes(&r, text);
		free(text);
	}
	teardown(&r);
	if (r.code == SIM_EXIT_PASS)
		lv_report_clocks(&r);
done:
	teardown(&r);
	if (r.code != SIM_EXIT_PASS) {
		fprintf(stderr, "sim live: %s: run %d: %s\n", sc->file, index + 1, r.err);
		out->code = r.code;
		out->result.exit_code = r.code;
	} else {
		const sim_history *h = lv_history_view(r.h);
		if (lv_history_finish(r.h, r.end_ns) != LE_OK ||
		    sim_check(sc, h, &out->result) != LE_OK)
			out->code = SIM_EXIT_INTERNAL;
		else
			out->code = out->result.exit_code;
		printf("%s (live run %d, time scale %g): %s\n", sc->name, index + 1, o->scale,
		       out->result.verdict);
		lv_print_result(h, &out->result);
		if (o->out_dir) {
			char repro[SIM_PATH_MAX + 64];
			snprintf(repro, sizeof repro, "%s live %s --time-scale %g", o->argv0,
				 sc->file, o->scale);
			int wc = lv_write_outputs(&r, h, out, repro);
			if (wc != SIM_EXIT_PASS)
				out->code = wc;
		}
	}
	fflush(stdout);
	lv_matchers_free(&r.m);
	if (r.status_curl)
		curl_easy_cleanup(r.status_curl);
	for (size_t i = 0; r.fs && i < sc->nfaults; i++)
		free(r.fs[i].targets);
	free(r.fs);
	free(r.pods);
	free(r.acts);
	lv_history_free(r.h);
}
