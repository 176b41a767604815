/* leaselab — bin/fake-apiserver --coordinated-leader-election: the
 * election controller (include/leaselab/election.h) run in real time
 * against the server's own store, as kube-apiserver runs its controller
 * against itself.
 *
 * The informers are a store watcher: every committed Lease or LeaseCandidate
 * write becomes an event for the controller. The watcher only records the
 * event and wakes the loop (a store watcher must not write to the store);
 * the controller's requests are then carried out in-process on the loop:
 * views read the store directly, writes go through the JSON and lock paths
 * as "system:apiserver", so they are journaled, watched and in the history
 * like any client's. The controller's timers are one libevent timer at
 * fa_election_next_deadline(). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "fahttp.h"
#include "leaselab/election.h"

#define IDENTITY "system:apiserver"

struct fahttp_election {
	struct event_base *base;
	fa_store *store;
	fa_election *e;
	struct event *timer, *kick;
	int watch;
	bool pumping;
	void (*log)(void *ud, const char *line);
	void *log_ud;
};

static le_time now_time(void)
{
	return (le_time){fahttp_mono_now_ns(), fahttp_wall_now_ns()};
}

static void logf_(fahttp_election *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(fahttp_election *d, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (d->log != NULL)
		d->log(d->log_ud, line);
}

/* The candidates of one namespace (all of them for ns NULL), with their
 * resourceVersions; *n their count. NULL with *n 0 when there are none. */
static le_lease_candidate *list_candidates(fahttp_election *d, const char *ns,
					   char (**rvs)[LE_RV_MAX], size_t *n)
{
	fa_status st;
	cJSON *list = fa_store_list_json(d->store, FA_RES_LEASECANDIDATES, ns, &st);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
	size_t cap = (size_t)cJSON_GetArraySize(items);
	le_lease_candidate *cs = cap ? calloc(cap, sizeof(*cs)) : NULL;
	char (*rv)[LE_RV_MAX] = cap ? calloc(cap, sizeof(*rv)) : NULL;
	*n = 0;
	const cJSON *it;
	char err[LE_ERRMSG_MAX];
	if (cs != NULL && rv != NULL) {
		cJSON_ArrayForEach(it, items)
		{
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(it, "metadata"), "resourceVersion");
			if (le_lease_candidate_from_json(it, &cs[*n], err, sizeof(err)) != LE_OK ||
			    !cJSON_IsString(v))
				continue;
			snprintf(rv[*n], LE_RV_MAX, "%s", v->valuestring);
			(*n)++;
		}
	}
	cJSON_Delete(list);
	if (*n == 0) {
		free(cs);
		free(rv);
		cs = NULL;
		rv = NULL;
	}
	*rvs = rv;
	return cs;
}

static void do_view(fahttp_election *d, le_time now, const fa_election_request *q)
{
	fa_lock_scratch sc;
	le_response resp;
	fa_store_lock_get(d->store, FA_RES_LEASES, q->namespace_, q->name, &sc, &resp);
	char(*rvs)[LE_RV_MAX] = NULL;
	size_t n = 0;
	le_lease_candidate *cs = list_candidates(d, q->namespace_, &rvs, &n);
	fa_election_view v = {
		.namespace_ = q->namespace_,
		.name = q->name,
		.lease = resp.status == 200 ? resp.record : NULL,
		.candidates = cs,
		.candidate_rvs = (const char(*)[LE_RV_MAX])rvs,
		.n_candidates = n,
	};
	fa_election_on_view(d->e, now, q->id, &v);
	free(cs);
	free(rvs);
}

static int do_ping(fahttp_election *d, le_time now, const fa_election_request *q)
{
	cJSON *body = le_lease_candidate_to_json(&q->candidate);
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(body, "metadata");
	fa_status st;
	int status = 500;
	if (meta != NULL && cJSON_AddStringToObject(meta, "resourceVersion", q->resource_version)) {
		cJSON *o = fa_store_update_json(d->store, FA_RES_LEASECANDIDATES,
						q->candidate.namespace_, q->candidate.name, body,
						IDENTITY, now.wall_ns, &st);
		status = st.code;
		cJSON_Delete(o);
	}
	cJSON_Delete(body);
	return status;
}

static void do_gc(fahttp_election *d, le_time now)
{
	char(*rvs)[LE_RV_MAX] = NULL;
	size_t n = 0;
	le_lease_candidate *cs = list_candidates(d, NULL, &rvs, &n);
	for (size_t i = 0; i < n; i++) {
		if (!fa_election_candidate_expired(&cs[i], now.wall_ns))
			continue;
		fa_status st;
		cJSON *o = fa_store_delete_json(d->store, FA_RES_LEASECANDIDATES, cs[i].namespace_,
						cs[i].name, NULL, rvs[i], IDENTITY, now.wall_ns, &st);
		if (o != NULL)
			logf_(d, "coordinated election: deleted expired lease candidate %s/%s",
			      cs[i].namespace_, cs[i].name);
		cJSON_Delete(o);
	}
	free(cs);
	free(rvs);
}

static void log_write(fahttp_election *d, const fa_election_request *q, int status)
{
	if (status < 200 || status >= 300) {
		logf_(d, "coordinated election: %s/%s: writing the Lease failed: HTTP %d",
		      q->namespace_, q->name, status);
		return;
	}
	const char *what = q->op == FA_ELOP_LEASE_CREATE ? "created with holder"
			   : q->update_kind == FA_ELECT_UPD_PREFER ? "preferredHolder set to"
			   : q->update_kind == FA_ELECT_UPD_INSTALL ? "holder installed:"
								     : "updated for";
	const char *who = q->update_kind == FA_ELECT_UPD_PREFER ? q->lease.preferred_holder
								: q->lease.holder;
	logf_(d, "coordinated election: lease %s/%s %s %s", q->namespace_, q->name, what, who);
}

static void carry_out(fahttp_election *d, const fa_election_request *q)
{
	le_time now = now_time();
	fa_lock_scratch sc;
	le_response resp;
	switch (q->op) {
	case FA_ELOP_VIEW:
		do_view(d, now, q);
		return;
	case FA_ELOP_PING:
		fa_election_on_response(d->e, now, q->id, do_ping(d, now, q));
		return;
	case FA_ELOP_LEASE_CREATE:
		fa_store_lock_create(d->store, FA_RES_LEASES, q->namespace_, q->name, &q->lease,
				     IDENTITY, now.wall_ns, &sc, &resp);
		if (resp.status != 409)
			log_write(d, q, resp.status);
		fa_election_on_response(d->e, now, q->id, resp.status);
		return;
	case FA_ELOP_LEASE_GET:
		fa_store_lock_get(d->store, FA_RES_LEASES, q->namespace_, q->name, &sc, &resp);
		fa_election_on_lease(d->e, now, q->id, resp.status,
				     resp.status == 200 ? resp.record : NULL,
				     resp.status == 200 ? resp.resource_version : NULL);
		return;
	case FA_ELOP_LEASE_UPDATE:
		fa_store_lock_update(d->store, FA_RES_LEASES, q->namespace_, q->name, &q->lease,
				     q->resource_version, IDENTITY, now.wall_ns, &sc, &resp);
		log_write(d, q, resp.status);
		fa_election_on_response(d->e, now, q->id, resp.status);
		return;
	case FA_ELOP_GC:
		do_gc(d, now);
		fa_election_on_response(d->e, now, q->id, 200);
		return;
	}
}

static void arm(fahttp_election *d)
{
	int64_t deadline = fa_election_next_deadline(d->e);
	if (deadline == INT64_MAX) {
		evtimer_del(d->timer);
		return;
	}
	int64_t delay = deadline - now_time().mono_ns;
	if (delay < 0)
		delay = 0;
	delay += 999;
	struct timeval tv = {(time_t)(delay / LE_NS_PER_S),
			     (suseconds_t)(delay % LE_NS_PER_S / 1000)};
	evtimer_add(d->timer, &tv);
}

static void pump(fahttp_election *d)
{
	fa_election_request q;
	d->pumping = true;
	/* bounded: each request is answered at once, and a write's own event
	 * enqueues at most one more step of its key */
	for (int i = 0; i < 10000 && fa_election_next_request(d->e, &q); i++)
		carry_out(d, &q);
	d->pumping = false;
	arm(d);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	fahttp_election *d = arg;
	(void)fd, (void)what;
	fa_election_on_timer(d->e, now_time());
	pump(d);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	pump(arg);
}

static void on_commit(void *ud, fa_resource res, const char *type, const void *obj)
{
	fahttp_election *d = ud;
	(void)type;
	le_time now = now_time();
	if (res == FA_RES_LEASES) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(m, "namespace");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
		if (!cJSON_IsString(ns) || !cJSON_IsString(name))
			return;
		fa_election_on_lease_event(d->e, now, ns->valuestring, name->valuestring);
	} else if (res == FA_RES_LEASECANDIDATES) {
		le_lease_candidate c;
		char err[LE_ERRMSG_MAX];
		if (le_lease_candidate_from_json(obj, &c, err, sizeof(err)) != LE_OK)
			return;
		fa_election_on_candidate_event(d->e, now, &c);
	} else {
		return;
	}
	if (!d->pumping)
		event_active(d->kick, 0, 0);
}

fahttp_election *fahttp_election_new(struct event_base *base, fa_store *store,
				     void (*log)(void *ud, const char *line), void *log_ud,
				     char *err, size_t errcap)
{
	fahttp_election *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	d->base = base;
	d->store = store;
	d->log = log;
	d->log_ud = log_ud;
	d->watch = -1;
	d->e = fa_election_new();
	d->timer = evtimer_new(base, on_timer, d);
	d->kick = event_new(base, -1, 0, on_kick, d);
	if (d->e == NULL || d->timer == NULL || d->kick == NULL) {
		snprintf(err, errcap, "the election controller: out of memory");
		fahttp_election_free(d);
		return NULL;
	}
	char(*rvs)[LE_RV_MAX] = NULL;
	size_t n = 0;
	le_lease_candidate *cs = list_candidates(d, NULL, &rvs, &n);
	int rc = fa_election_start(d->e, now_time(), cs, n);
	free(cs);
	free(rvs);
	d->watch = rc == LE_OK ? fa_store_watch_add(store, on_commit, d) : rc;
	if (d->watch < 0) {
		snprintf(err, errcap, "the election controller could not start (%d)", d->watch);
		fahttp_election_free(d);
		return NULL;
	}
	/* the existing Leases' keys, as the Lease informer's ADD events */
	fa_status st;
	cJSON *leases = fa_store_list_json(store, FA_RES_LEASES, NULL, &st);
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(leases, "items"))
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "metadata");
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(m, "namespace");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
		if (cJSON_IsString(ns) && cJSON_IsString(name))
			fa_election_on_lease_event(d->e, now_time(), ns->valuestring,
						   name->valuestring);
	}
	cJSON_Delete(leases);
	event_active(d->kick, 0, 0);
	return d;
}

void fahttp_election_free(fahttp_election *d)
{
	if (d == NULL)
		return;
	if (d->watch > 0)
		fa_store_watch_remove(d->store, d->watch);
	if (d->timer != NULL)
		event_free(d->timer);
	if (d->kick != NULL)
		event_free(d->kick);
	fa_election_free(d->e);
	free(d);
}
