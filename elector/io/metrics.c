/* /metrics: the elector's counters in Prometheus text format 0.0.4.
 * leader_election_master_status and leader_election_slowpath_total keep
 * client-go's names so existing dashboards work; the rest are what an
 * operator alerts on (failed renewals, request errors by status, how stale
 * the last renewal is). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "leaselab/run.h"

void le_run_metrics_count_error(le_run_metrics *m, int code)
{
	size_t i;
	for (i = 0; i < LE_METRICS_CODES && m->errors[i].count; i++)
		if (m->errors[i].code == code) {
			m->errors[i].count++;
			return;
		}
	if (i == LE_METRICS_CODES) { /* table full: lump into the last row */
		i = LE_METRICS_CODES - 1;
		m->errors[i].code = -1;
	} else {
		m->errors[i].code = code;
	}
	m->errors[i].count++;
}

typedef struct out {
	char *buf;
	size_t cap, n;
	bool full;
} out;

static void emit(out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(o->buf + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->cap - o->n) {
		o->full = true;
		o->n = o->cap - 1;
		return;
	}
	o->n += (size_t)w;
}

static void header(out *o, const char *name, const char *type, const char *help)
{
	emit(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int le_metrics_render(const le_run_metrics *m, char *buf, size_t cap)
{
	char name[2 * LE_NAME_MAX + 1];
	size_t k = 0;
	for (const char *p = m->name ? m->name : ""; *p && k + 3 < sizeof name; p++) {
		if (*p == '\\' || *p == '"')
			name[k++] = '\\';
		if (*p == '\n') {
			name[k++] = '\\';
			name[k++] = 'n';
			continue;
		}
		name[k++] = *p;
	}
	name[k] = '\0';
	if (cap == 0)
		return LE_ERANGE;
	out o = {buf, cap, 0, false};
	buf[0] = '\0';

	header(&o, "leader_election_master_status", "gauge",
	       "1 while this process leads the lock named in the label, 0 otherwise.");
	emit(&o, "leader_election_master_status{name=\"%s\"} %d\n", name, m->leading ? 1 : 0);
	header(&o, "leader_election_slowpath_total", "counter",
	       "Renewals by the leader that needed a GET first (the optimistic update failed or "
	       "was not tried).");
	emit(&o, "leader_election_slowpath_total{name=\"%s\"} %llu\n", name,
	     (unsigned long long)m->core.slowpath);

	const struct {
		const char *metric, *help;
		uint64_t v;
	} counters[] = {
		{"leader_election_transitions_observed_total",
		 "Changes of the lock holder this process observed.", m->transitions_observed},
		{"leader_election_acquisitions_total", "Times this process became leader.",
		 m->core.acquisitions},
		{"leader_election_losses_total",
		 "Times this process stopped leading after it had led.", m->core.losses},
		{"leader_election_renew_failures_total",
		 "Renew passes that ran out of renew deadline (each one ends a term).",
		 m->core.renew_failures},
		{"leader_election_attempts_total", "Attempts to acquire or renew the lock.",
		 m->core.attempts},
		{"leader_election_requests_total", "Requests sent to the apiserver.",
		 m->core.requests},
		{"leader_election_requests_aborted_total",
		 "Requests abandoned at their client timeout or the renew deadline.",
		 m->core.aborted},
		{"leader_election_restarts_total", "Campaigns restarted after leadership was lost.",
		 m->restarts},
		{"leader_election_duplicate_identity_total",
		 "Writes under this process's identity that it did not make: another process "
		 "runs with the same identity, and both lead.",
		 m->core.duplicate_identity},
	};
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
		header(&o, counters[i].metric, "counter", counters[i].help);
		emit(&o, "%s{name=\"%s\"} %llu\n", counters[i].metric, name,
		     (unsigned long long)counters[i].v);
	}

	header(&o, "leader_election_request_errors_total", "counter",
	       "Failed requests by HTTP status; code 0 means no response (refused, reset, timed "
	       "out).");
	for (size_t i = 0; i < LE_METRICS_CODES && m->errors[i].count; i++) {
		if (m->errors[i].code < 0)
			emit(&o,
			     "leader_election_request_errors_total{name=\"%s\",code=\"other\"} "
			     "%llu\n",
			     name, (unsigned long long)m->errors[i].count);
		else
			emit(&o,
			     "leader_election_request_errors_total{name=\"%s\",code=\"%d\"} %llu\n",
			     name, m->errors[i].code, (unsigned long long)m->errors[i].count);
	}

	if (m->last_renew_age_ns >= 0) {
		header(&o, "leader_election_last_renew_age_seconds", "gauge",
		       "Seconds since this process last wrote the lock successfully (absent until "
		       "it has).");
		emit(&o, "leader_election_last_renew_age_seconds{name=\"%s\"} %.3f\n", name,
		     (double)m->last_renew_age_ns / 1e9);
	}
	return o.full ? LE_ERANGE : (int)o.n;
}
