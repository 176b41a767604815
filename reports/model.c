/* reports/model.c — derive lanes from a history (see model.h).
 *
 * One pass over the events in order for what the history states directly
 * (running or dead, paused, cut off, the lease holder, fault windows). Who
 * acted as leader when is the checker's answer (sim_check_result.leading),
 * so the green lanes are exactly what the red overlap marks were judged on. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int segs_push(rep_segs *s, rep_seg seg)
{
	if (seg.t1 <= seg.t0)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		rep_seg *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return LE_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = seg;
	return 0;
}

static int faults_push(rep_model *m, rep_fault_win w)
{
	if (m->nfaults == m->faults_cap) {
		size_t cap = m->faults_cap ? m->faults_cap * 2 : 8;
		rep_fault_win *v = realloc(m->faults, cap * sizeof *v);
		if (!v)
			return LE_ENOMEM;
		m->faults = v;
		m->faults_cap = cap;
	}
	m->faults[m->nfaults++] = w;
	return 0;
}

/* Per-pod state while walking the events. */
typedef struct pod_walk {
	bool alive, paused, cut;
	int64_t base_since;     /* start of the current base segment */
	rep_state base;
	int64_t paused_since, cut_since;
} pod_walk;

static int base_switch(rep_model *m, pod_walk *p, size_t i, int64_t t,
		       rep_state next)
{
	if (p->base == next)
		return 0;
	int rc = segs_push(&m->pod_base[i], (rep_seg){.t0 = p->base_since,
						     .t1 = t,
						     .lane = (int32_t)i,
						     .state = p->base});
	p->base = next;
	p->base_since = t;
	return rc;
}

int rep_model_build(rep_model *m, const sim_scenario *sc, const sim_history *h,
		    const sim_check_result *r)
{
	memset(m, 0, sizeof *m);
	m->end_ns = h->end_ns;
	if (m->end_ns <= 0 && h->n)
		m->end_ns = h->ev[h->n - 1].t_ns;
	if (m->end_ns <= 0)
		m->end_ns = sc ? sc->duration_ns : 1;
	if (m->end_ns <= 0)
		m->end_ns = 1;
	m->first_leader_ns = -1;
	m->npods = h->npods;
	m->pod_base = calloc(h->npods ? h->npods : 1, sizeof *m->pod_base);
	m->pod_overlay = calloc(h->npods ? h->npods : 1, sizeof *m->pod_overlay);
	m->pod_lead = calloc(h->npods ? h->npods : 1, sizeof *m->pod_lead);
	pod_walk *pw = calloc(h->npods ? h->npods : 1, sizeof *pw);
	/* open fault windows, keyed by (fault, pod) */
	size_t nopen = 0, open_cap = 16;
	rep_fault_win *open = malloc(open_cap * sizeof *open);
	int rc = 0;
	if (!m->pod_base || !m->pod_overlay || !m->pod_lead || !pw || !open) {
		rc = LE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < h->npods; i++)
		pw[i].base = REP_ST_DEAD;

	int32_t holder = -2; /* -2: no write yet */
	rep_seg term = {0};

	for (size_t k = 0; k < h->n && rc == 0; k++) {
		const sim_event *e = &h->ev[k];
		pod_walk *p = (e->pod >= 0 && (size_t)e->pod < h->npods) ? &pw[e->pod] : NULL;
		size_t pi = p ? (size_t)e->pod : 0;
		switch (e->kind) {
		case SIM_EV_POD_START:
			if (!p)
				break;
			p->alive = true;
			rc = base_switch(m, p, pi, e->t_ns, REP_ST_FOLLOWING);
			break;
		case SIM_EV_POD_DEATH:
		case SIM_EV_POD_EXIT:
			if (!p)
				break;
			p->alive = false;
			if (p->paused) {
				rc = segs_push(&m->pod_overlay[pi], (rep_seg){p->paused_since, e->t_ns, (int32_t)pi, REP_ST_PAUSED, 1, 0, 0});
				p->paused = false;
			}
			if (p->cut) {
				rc = segs_push(&m->pod_overlay[pi], (rep_seg){p->cut_since, e->t_ns, (int32_t)pi, REP_ST_CUT, 1, 0, 0});
				p->cut = false;
			}
			if (rc == 0)
				rc = base_switch(m, p, pi, e->t_ns, REP_ST_DEAD);
			break;
		case SIM_EV_PAUSE:
			if (p && !p->paused) {
				p->paused = true;
				p->paused_since = e->t_ns;
			}
			break;
		case SIM_EV_RESUME:
			if (p && p->paused) {
				p->paused = false;
				rc = segs_push(&m->pod_overlay[pi], (rep_seg){p->paused_since, e->t_ns, (int32_t)pi, REP_ST_PAUSED, 1, 0, 0});
			}
			break;
		case SIM_EV_CUT:
			if (p && !p->cut) {
				p->cut = true;
				p->cut_since = e->t_ns;
			}
			break;
		case SIM_EV_UNCUT:
			if (p && p->cut) {
				p->cut = false;
				rc = segs_push(&m->pod_overlay[pi], (rep_seg){p->cut_since, e->t_ns, (int32_t)pi, REP_ST_CUT, 1, 0, 0});
			}
			break;
		case SIM_EV_LEASE_WRITE:
			m->lease_writes++;
			if (holder != -2 && e->holder == holder) {
				term.count++;
				term.last_transitions = e->transitions;
				break;
			}
			if (holder != -2) {
				term.t1 = e->t_ns;
				rc = segs_push(&m->lease, term);
			}
			holder = e->holder;
			term = (rep_seg){.t0 = e->t_ns, .lane = e->holder,
					 .state = e->holder < 0 ? REP_ST_FOLLOWING : REP_ST_LEADING,
					 .count = 1, .first_transitions = e->transitions,
					 .last_transitions = e->transitions};
			break;
		case SIM_EV_FAULT_START:
			if (nopen == open_cap) {
				open_cap *= 2;
				rep_fault_win *v = realloc(open, open_cap * sizeof *v);
				if (!v) {
					rc = LE_ENOMEM;
					break;
				}
				open = v;
			}
			open[nopen++] = (rep_fault_win){e->fault, e->pod, e->t_ns, -1};
			break;
		case SIM_EV_FAULT_END:
			for (size_t j = 0; j < nopen; j++) {
				if (open[j].fault == e->fault && open[j].pod == e->pod) {
					open[j].t1 = e->t_ns;
					rc = faults_push(m, open[j]);
					open[j] = open[--nopen];
					break;
				}
			}
			break;
		default:
			break;
		}
	}
	/* close everything still open at the end of the run */
	for (size_t i = 0; i < h->npods && rc == 0; i++) {
		pod_walk *p = &pw[i];
		rc = segs_push(&m->pod_base[i], (rep_seg){p->base_since, m->end_ns, (int32_t)i, p->base, 1, 0, 0});
		if (rc == 0 && p->paused)
			rc = segs_push(&m->pod_overlay[i], (rep_seg){p->paused_since, m->end_ns, (int32_t)i, REP_ST_PAUSED, 1, 0, 0});
		if (rc == 0 && p->cut)
			rc = segs_push(&m->pod_overlay[i], (rep_seg){p->cut_since, m->end_ns, (int32_t)i, REP_ST_CUT, 1, 0, 0});
	}
	if (rc == 0 && holder != -2) {
		term.t1 = m->end_ns;
		rc = segs_push(&m->lease, term);
	}
	for (size_t j = 0; j < nopen && rc == 0; j++) {
		open[j].t1 = m->end_ns;
		/* a point-like fault (kill) still gets a visible window */
		rc = faults_push(m, open[j]);
	}
	for (size_t k = 0; r && k < r->nleading && rc == 0; k++) {
		const sim_lead_interval *l = &r->leading[k];
		if (l->pod < 0 || (size_t)l->pod >= h->npods)
			continue;
		if (m->first_leader_ns < 0 || l->start_ns < m->first_leader_ns)
			m->first_leader_ns = l->start_ns;
		rc = segs_push(&m->pod_lead[l->pod],
			       (rep_seg){l->start_ns, l->end_ns, l->pod,
					 REP_ST_LEADING, 1, 0, 0});
	}
out:
	free(pw);
	free(open);
	if (rc)
		rep_model_free(m);
	return rc;
}

void rep_model_free(rep_model *m)
{
	for (size_t i = 0; i < m->npods; i++) {
		if (m->pod_base)
			free(m->pod_base[i].v);
		if (m->pod_overlay)
			free(m->pod_overlay[i].v);
		if (m->pod_lead)
			free(m->pod_lead[i].v);
	}
	free(m->pod_base);
	free(m->pod_lead);
	free(m->pod_overlay);
	free(m->lease.v);
	free(m->faults);
	memset(m, 0, sizeof *m);
}

void rep_segs_thin(rep_segs *s, int64_t min_ns, size_t max_segs)
{
	if (s->n <= max_segs || min_ns <= 0)
		return;
	size_t w = 0;
	for (size_t r = 0; r < s->n;) {
		rep_seg cur = s->v[r++];
		if (cur.t1 - cur.t0 >= min_ns) {
			s->v[w++] = cur;
			continue;
		}
		/* absorb following short segments until the bucket is wide enough */
		int32_t merged = 1;
		while (r < s->n && cur.t1 - cur.t0 < min_ns &&
		       s->v[r].t1 - s->v[r].t0 < min_ns) {
			cur.t1 = s->v[r].t1;
			merged += s->v[r].count > 0 ? s->v[r].count : 1;
			r++;
		}
		if (merged > 1) {
			cur.state = REP_ST_MIXED;
			cur.count = merged;
		}
		s->v[w++] = cur;
	}
	s->n = w;
}

const char *rep_fault_label(const sim_scenario *sc, int32_t fault, char *buf,
			    size_t cap)
{
	if (!sc || fault < 0 || (size_t)fault >= sc->nfaults) {
		snprintf(buf, cap, "fault %d", (int)fault);
		return buf;
	}
	const sim_fault *f = &sc->faults[fault];
	if (f->label[0])
		snprintf(buf, cap, "%s", f->label);
	else
		snprintf(buf, cap, "%s", sim_fault_action_name(f->action));
	return buf;
}

/* ---- names and failover figures, shared by every writer ------------------ */

const char *rep_profile_name(const le_profile *p)
{
	return p && p->name ? p->name : "client-go";
}

const char *rep_pod_name(const sim_history *h, int32_t pod)
{
	if (pod < 0 || (size_t)pod >= h->npods)
		return "-";
	return h->pods[pod].name;
}

const char *rep_identity(const sim_history *h, int32_t id)
{
	if (id < 0 || (size_t)id >= h->nidentities)
		return "";
	return h->identities[id];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

size_t rep_failover_times(const sim_check_result *r, int64_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfailovers; i++)
		if (r->failovers[i].to_pod >= 0)
			out[n++] = r->failovers[i].leader_ns - r->failovers[i].cause_ns;
	qsort(out, n, sizeof *out, cmp_i64);
	return n;
}

int64_t rep_percentile(const int64_t *sorted, size_t n, int pct)
{
	if (n == 0)
		return 0;
	size_t rank = (size_t)((pct * n + 99) / 100); /* nearest rank */
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}
