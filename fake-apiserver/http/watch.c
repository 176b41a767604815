/* leaselab — fake-apiserver HTTP: watch events, and resuming a watch from
 * the store's history.
 *
 * A watch stream is chunked JSON lines, one event each:
 *   {"type":"ADDED","object":{...}}
 * The object is the committed object, or a one-row Table when the client
 * asked for as=Table (kubectl get -w). A watch that starts at a
 * resourceVersion (what client-go's reflector and kubectl do after a list)
 * gets every event after it from the store's history; a revision from
 * before the history began (a restart) or from before the oldest entry a
 * bounded history keeps (--history-max) is 410 Expired, as on a real
 * apiserver when its watch cache no longer reaches back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fahttp.h"

/* ---- events ---------------------------------------------------------------- */

static const char *api_version(fa_resource res)
{
	return fa_resource_api_version(res);
}

static char *wrap_event(const char *type, const char *obj_json, size_t *len)
{
	size_t tl = strlen(type), ol = strlen(obj_json);
	/* {"type":"X","object":...}\n */
	size_t n = 9 + tl + 11 + ol + 2;
	char *out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	int w = snprintf(out, n + 1, "{\"type\":\"%s\",\"object\":%s}\n", type, obj_json);
	if (w < 0 || (size_t)w > n) {
		free(out);
		return NULL;
	}
	*len = (size_t)w;
	return out;
}

char *fahttp_watch_event(const fahttp_watch_spec *w, const char *type,
			 const cJSON *obj, bool first, int64_t now_wall_ns,
			 size_t *len)
{
	fa_resource res = w->filter.res;
	bool raw = strcmp(type, "ERROR") == 0 || strcmp(type, "BOOKMARK") == 0;
	cJSON *tmp = NULL;
	const cJSON *out = obj;
	if (!raw && (w->format == FAHTTP_FMT_TABLE_V1 ||
		     w->format == FAHTTP_FMT_TABLE_V1BETA1)) {
		fahttp_table_opts o = {
			.v1beta1 = w->format == FAHTTP_FMT_TABLE_V1BETA1,
			.include = w->include,
			.no_columns = !first,
		};
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const cJSON *rv = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
		tmp = fahttp_table(res, &obj, 1, cJSON_IsString(rv) ? rv->valuestring : NULL,
				   &o, now_wall_ns);
		out = tmp;
	} else if (!raw && cJSON_GetObjectItemCaseSensitive(obj, "kind") == NULL) {
		/* a list item: put kind and apiVersion back first */
		tmp = cJSON_CreateObject();
		if (tmp != NULL) {
			cJSON_AddStringToObject(tmp, "kind", fa_resource_kind(res));
			cJSON_AddStringToObject(tmp, "apiVersion", api_version(res));
			const cJSON *m;
			cJSON_ArrayForEach(m, obj)
			{
				cJSON *c = cJSON_Duplicate(m, true);
				if (c != NULL)
					cJSON_AddItemToObject(tmp, m->string, c);
			}
		}
		out = tmp;
	}
	if (out == NULL)
		return NULL;
	char *js = cJSON_PrintUnformatted(out);
	cJSON_Delete(tmp);
	if (js == NULL)
		return NULL;
	size_t jl = strlen(js);
	if ((w->alpha2 && !fahttp__as_alpha2(&js, &jl)) ||
	    (w->alpha1 && !fahttp__as_alpha1(&js, &jl))) {
		free(js);
		return NULL;
	}
	char *ev = wrap_event(type, js, len);
	free(js);
	return ev;
}

void fahttp_watch_spec_free(fahttp_watch_spec *w)
{
	if (w != NULL)
		fahttp_filter_free(&w->filter);
}

/* ---- resuming from the history ------------------------------------------------ */

bool fahttp_history_covers(const fa_store *s, uint64_t base_rev, uint64_t rv)
{
	size_t first = fa_store_history_first(s);
	const fa_history_entry *e = fa_store_history_at(s, first);
	if (first > 0) /* a bounded history (--history-max) dropped the older */
		return e != NULL ? rv + 1 >= e->revision : rv >= fa_store_revision(s);
	if (rv >= base_rev)
		return true;
	/* the history may reach further back than base_rev */
	return e != NULL && rv + 1 >= e->revision;
}

/* The first history index with revision > rv (revisions only grow). */
static size_t first_after(const fa_store *s, uint64_t rv)
{
	size_t lo = fa_store_history_first(s), hi = fa_store_history_len(s);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fa_store_history_at(s, mid)->revision > rv)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void fahttp_history_since(const fa_store *s, uint64_t rv,
			  void (*fn)(void *ud, fa_resource res, const char *type,
				     const cJSON *obj),
			  void *ud)
{
	size_t n = fa_store_history_len(s);
	for (size_t i = first_after(s, rv); i < n; i++) {
		const fa_history_entry *e = fa_store_history_at(s, i);
		char *line = fa_store_history_json(s, i);
		cJSON *j = line != NULL ? cJSON_Parse(line) : NULL;
		free(line);
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(j, "object");
		if (cJSON_IsObject(obj))
			fn(ud, e->res,
			   e->kind == FA_WRITE_CREATE   ? "ADDED"
			   : e->kind == FA_WRITE_UPDATE ? "MODIFIED"
							: "DELETED",
			   obj);
		cJSON_Delete(j);
	}
}
