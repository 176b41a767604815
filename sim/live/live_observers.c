/* sim/live/live_observers.c — what `bin/sim live` sees of its pods: each
 * line a pod prints (observe.c classifies it) and each status-URL answer
 * becomes a history event at the harness's time; lines that carry the pod's
 * own time feed the clock check (did a clock fault bite?); a pod that exits
 * before reporting anything is a bad command; after the run, the fake
 * apiserver's committed writes are merged into the history. */
/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include "live_run.h"

#define STATUS_POLL_NS (50 * 1000000LL)
#define CLOCK_TOLERANCE_NS (100 * 1000000LL) /* pipe + scheduling slack */
#define CLOCK_TOLERANCE_FRAC 0.02

void lv_remember_line(lv_pod *p, const char *line)
{
	if (p->nlast == LV_LAST_LINES) {
		memmove(p->last[0], p->last[1], sizeof p->last[0] * (LV_LAST_LINES - 1));
		p->nlast--;
	}
	snprintf(p->last[p->nlast++], sizeof p->last[0], "%s", line);
}

void lv_last_lines(const lv_pod *p, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	if (p->nlast == 0)
		snprintf(buf, cap, " (no output)");
	for (size_t i = 0; i < p->nlast && n + 1 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "\n    | %s", p->last[i]);
}

static void clock_sample(lv_run *r, lv_pod *p, int64_t t, int64_t pod_wall)
{
	int64_t real_wall = r->wall0_ns + t;
	int64_t meas = pod_wall - real_wall;
	double e = (double)(t - p->spawn_ns);
	int64_t expect = p->faked ? p->ft_off_ns + (int64_t)((p->ft_rate - 1.0) * e) : 0;
	int64_t dev = llabs(meas - expect);
	int64_t tol = CLOCK_TOLERANCE_NS + (int64_t)(CLOCK_TOLERANCE_FRAC * e);
	if (dev > p->max_dev_ns)
		p->max_dev_ns = dev;
	p->samples++;
	p->last_meas_ns = meas;
	if (p->seg_samples++ == 0) {
		p->seg_t0_ns = t;
		p->seg_w0_ns = pod_wall;
	}
	p->seg_t1_ns = t;
	p->seg_w1_ns = pod_wall;
	if (dev > tol)
		lv_fail(r, SIM_EXIT_INTERNAL, "pod %s: %s: its clock reads %+.3f s from the "
		     "harness's at %.3f s, expected %+.3f s (rate x%.3f, offset %+.3f s); "
		     "tolerance %.3f s",
		     p->name, p->faked ? "the clock fault did not bite"
				       : "its clock is off without a clock fault",
		     lv_secs(meas), lv_secs(t), lv_secs(expect), p->ft_rate, lv_secs(p->ft_off_ns),
		     lv_secs(tol));
}

void lv_on_line(void *user, const char *line)
{
	lv_line_ctx *c = user;
	lv_run *r = c->r;
	lv_pod *p = &r->pods[c->pod];
	int64_t t = lv_now_ns(r);
	lv_remember_line(p, line);
	/* A line read after the pod's death was written before it: the
	 * pipe still held it when the kill landed. Its leadership ended
	 * with the process (lv_pod_gone); a late "leading" line must not
	 * start it again, or a dead pod leads to the end of the run. */
	if (!p->alive)
		return;
	lv_obs ob;
	lv_observe_line(&r->m, line, &ob);
	if (ob.has_wall)
		clock_sample(r, p, t, ob.wall_ns);
	switch (ob.kind) {
	case LV_OBS_STARTED:
		p->matched = true;
		r->any_leader = true;
		if (!p->leading) {
			p->leading = true;
			lv_record(r, t, SIM_EV_STARTED_LEADING, c->pod, NULL, -1, 0, 0);
		}
		break;
	case LV_OBS_STOPPED:
		p->matched = true;
		if (p->leading) {
			p->leading = false;
			lv_record(r, t, SIM_EV_STOPPED_LEADING, c->pod, NULL, -1, 1, 0);
		}
		break;
	case LV_OBS_NEW_LEADER:
		p->matched = true;
		lv_record(r, t, SIM_EV_NEW_LEADER, c->pod, ob.leader, -1, 0, 0);
		break;
	case LV_OBS_LOG:
		p->matched = true;
		break;
	default:
		break;
	}
}

void lv_poll_status(lv_run *r, int32_t i, int64_t t)
{
	lv_pod *p = &r->pods[i];
	if (!p->alive || p->paused || t < p->next_status_ns)
		return;
	p->next_status_ns = t + STATUS_POLL_NS;
	char name[LE_ID_MAX];
	if (lv_status_poll(r->status_curl, p->status_url, name, sizeof name) != LE_OK)
		return;
	t = lv_now_ns(r);
	p->matched = true;
	if (strcmp(name, p->last_leader) != 0) {
		snprintf(p->last_leader, sizeof p->last_leader, "%s", name);
		if (name[0])
			lv_record(r, t, SIM_EV_NEW_LEADER, i, name, -1, 0, 0);
	}
	bool leads = name[0] && !strcmp(name, lv_pod_identity(p));
	if (leads && !p->leading) {
		r->any_leader = true;
		lv_record(r, t, SIM_EV_STARTED_LEADING, i, NULL, -1, 0, 0);
	} else if (!leads && p->leading) {
		lv_record(r, t, SIM_EV_STOPPED_LEADING, i, NULL, -1, 1, 0);
	}
	p->leading = leads;
}

/* A process ended without us killing it. */
void lv_on_exit_seen(lv_run *r, int32_t i)
{
	lv_pod *p = &r->pods[i];
	int64_t t = lv_now_ns(r);
	int st = p->proc.status;
	bool by_signal = WIFSIGNALED(st);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!p->sigterm_sent && !p->matched) {
		char lines[LV_LAST_LINES * 210];
		lv_last_lines(p, lines, sizeof lines);
		lv_fail(r, SIM_EXIT_BAD_INPUT, "pod %s: its elector %s %d at %.3f s before "
		     "reporting anything (bad flags or command?); last output:%s", p->name,
		     by_signal ? "died of signal" : "exited with status",
		     by_signal ? WTERMSIG(st) : code, lv_secs(t), lines);
	}
	lv_pod_gone(r, i, by_signal && WTERMSIG(st) == SIGKILL, -1, t);
}

void lv_print_clock_segment(const lv_pod *p, const char *what)
{
	/* A rate over less than half a second of log lines is noise. */
	if (p->seg_samples < 2 || p->seg_t1_ns - p->seg_t0_ns < LE_NS_PER_S / 2)
		return;
	double meas = (double)(p->seg_w1_ns - p->seg_w0_ns) /
		      (double)(p->seg_t1_ns - p->seg_t0_ns);
	printf("  clock of %s %s: rate x%.3f set, x%.3f measured from its log over "
	       "%.3f s (%zu lines)\n", p->name, what, p->ft_rate, meas,
	       lv_secs(p->seg_t1_ns - p->seg_t0_ns), p->seg_samples);
}

static int32_t pod_by_user(const lv_run *r, const char *user)
{
	for (size_t i = 0; i < r->npods; i++)
		if (!strcmp(r->pods[i].user, user))
			return (int32_t)i;
	return -1;
}

void lv_merge_writes(lv_run *r, const char *text)
{
	const sim_election *e = &r->sc->defaults;
	/* a MultiLock's writes are followed on its primary only */
	le_lock_kind kind = le_lock_kind_primary(e->lock_kind);
	const char *res = le_lock_kind_name(kind);
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		cJSON *j = cJSON_ParseWithLength(line, n);
		line += n + (nl ? 1 : 0);
		if (!j)
			continue;
		const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "op"));
		const char *rs = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "resource"));
		const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "namespace"));
		const char *nm = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "name"));
		const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "identity"));
		const char *rev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "revision"));
		const cJSON *wall = cJSON_GetObjectItemCaseSensitive(j, "serverWallNs");
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "object");
		if (!op || strcmp(op, "delete") == 0 || !rs || strcmp(rs, res) || !ns ||
		    strcmp(ns, e->lock_namespace) || !nm || strcmp(nm, e->lock_name) ||
		    !cJSON_IsNumber(wall) || !obj) {
			cJSON_Delete(j);
			continue;
		}
		char *ot = cJSON_PrintUnformatted(obj);
		le_record rec;
		bool present = false;
		char rv[32], err[256];
		int rc = ot ? le_record_from_object_json(kind, ot, strlen(ot), &rec,
							 &present, rv, sizeof rv, err, sizeof err)
			    : LE_ENOMEM;
		free(ot);
		int32_t pod = who ? pod_by_user(r, who) : -1;
		if (rc == LE_OK && present) {
			int64_t t = (int64_t)wall->valuedouble - r->wall0_ns;
			if (pod >= 0 && !r->pods[pod].identity[0] && rec.holder[0]) {
				snprintf(r->pods[pod].identity, sizeof r->pods[pod].identity,
					 "%s", rec.holder);
				lv_history_set_identity(r->h, pod, rec.holder);
			}
			if (lv_history_push_write(r->h, t, pod, &rec,
						  rev ? strtoll(rev, NULL, 10) : 0) != LE_OK)
				lv_fail(r, SIM_EXIT_INTERNAL, "out of memory");
		}
		cJSON_Delete(j);
	}
}

void lv_report_clocks(lv_run *r)
{
	for (size_t i = 0; i < r->npods; i++) {
		lv_pod *p = &r->pods[i];
		if (!p->faked)
			continue;
		if (p->samples == 0) {
			lv_fail(r, SIM_EXIT_BAD_INPUT, "pod %s: a clock fault was set but its "
			     "output carries no timestamps, so whether it bit cannot be "
			     "checked (bin/elector's JSON log has them)", p->name);
			continue;
		}
		printf("  clock of %s: offset %+.3f s measured at its last line (libfaketime "
		       "%+.3f s, rate x%.3f), max deviation from the expected clock %.3f s "
		       "over %zu lines\n", p->name, lv_secs(p->last_meas_ns), lv_secs(p->ft_off_ns),
		       p->ft_rate, lv_secs(p->max_dev_ns), p->samples);
		lv_print_clock_segment(p, "at the end");
	}
}
