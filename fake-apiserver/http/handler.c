/* leaselab — fake-apiserver HTTP: the request handler. Method, target,
 * headers and body in; status, content type and body out; no sockets and no
 * clock. Every failure is a `kind: Status` body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fahttp.h"

#define DEFAULT_USER "system:admin"
#define ANONYMOUS "system:anonymous"

static void reply_not_found_path(fahttp_response *resp)
{
	fahttp_reply_error(resp, 404, "NotFound",
			   "the server could not find the requested resource");
}

static void reply_method_not_allowed(fahttp_response *resp)
{
	fahttp_reply_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the "
			   "requested resource");
}

static void reply_not_acceptable(fahttp_response *resp)
{
	fahttp_reply_error(resp, 406, "NotAcceptable",
			   "only the following media types are accepted: "
			   "application/json, application/json;as=Table;v=v1;"
			   "g=meta.k8s.io");
}

static void reply_bad_request(fahttp_response *resp, const char *fmt, const char *arg)
{
	char msg[700];
	snprintf(msg, sizeof(msg), fmt, arg);
	fahttp_reply_error(resp, 400, "BadRequest", msg);
}

/* ---- the context ------------------------------------------------------------------ */

static void on_store_event(void *ud, fa_resource res, const char *type,
			   const void *obj)
{
	fahttp_ctx *c = ud;
	if (c->event_fn != NULL)
		c->event_fn(c->event_ud, res, type, obj);
}

fahttp_ctx *fahttp_ctx_new(fa_store *store, fa_authz *authz, fa_faults *faults,
			   const fahttp_options *opt)
{
	if (store == NULL || faults == NULL)
		return NULL;
	fahttp_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->store = store;
	c->authz = authz;
	c->faults = faults;
	fahttp_options none = {0};
	if (opt == NULL)
		opt = &none;
	fa_rng_seed(&c->rng, opt->seed);
	c->tokens_configured = opt->tokens_configured;
	c->client_certs_configured = opt->client_certs_configured;
	if (opt->admin_token != NULL && opt->admin_token[0] != '\0') {
		c->admin_token = strdup(opt->admin_token);
		if (c->admin_token == NULL)
			goto fail;
	}
	snprintf(c->default_user, sizeof(c->default_user), "%s",
		 opt->default_user != NULL && opt->default_user[0] != '\0'
			 ? opt->default_user
			 : DEFAULT_USER);
	fahttp_ctx_set_server_address(c, opt->server_address);
	c->start_wall_ns = opt->start_wall_ns;
	c->history_base_rev = fa_store_revision(store);
	c->watch_handle = fa_store_watch_add(store, on_store_event, c);
	if (c->watch_handle < 0)
		goto fail;
	return c;
fail:
	free(c->admin_token);
	free(c);
	return NULL;
}

void fahttp_ctx_free(fahttp_ctx *c)
{
	if (c == NULL)
		return;
	fa_store_watch_remove(c->store, c->watch_handle);
	free(c->admin_token);
	free(c->rules);
	free(c);
}

fa_store *fahttp_ctx_store(const fahttp_ctx *c)
{
	return c->store;
}

fa_faults *fahttp_ctx_faults(const fahttp_ctx *c)
{
	return c->faults;
}

fa_rng *fahttp_ctx_rng(fahttp_ctx *c)
{
	return &c->rng;
}

void fahttp_ctx_set_server_address(fahttp_ctx *c, const char *addr)
{
	snprintf(c->server_address, sizeof(c->server_address), "%s",
		 addr != NULL ? addr : "");
}

void fahttp_ctx_set_event_hook(fahttp_ctx *c, fahttp_event_fn fn, void *ud)
{
	c->event_fn = fn;
	c->event_ud = ud;
}

/* ---- routing ------------------------------------------------------------------------- */

static bool copy_name(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		snprintf(dst, cap, "%.*s", (int)(cap - 1), src);
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

/* Which resources a group version serves. */
typedef enum group_version {
	GV_CORE_V1,     /* /api/v1: endpoints, configmaps */
	GV_COORD_V1,    /* leases */
	GV_COORD_CAND,  /* v1beta1, v1alpha2: leasecandidates */
} group_version;

static bool gv_serves(group_version gv, fa_resource res)
{
	switch (gv) {
	case GV_CORE_V1:
		return res == FA_RES_ENDPOINTS || res == FA_RES_CONFIGMAPS;
	case GV_COORD_V1:
		return res == FA_RES_LEASES;
	default:
		return res == FA_RES_LEASECANDIDATES;
	}
}

/* segs after /api/v1 or /apis/coordination.k8s.io/VERSION. */
static void route_resources(const char *const *s, size_t n, group_version gv,
			    fahttp_route *r)
{
	bool core = gv == GV_CORE_V1;
	r->kind = FAHTTP_R_NOT_FOUND;
	if (n > 0 && strcmp(s[0], "watch") == 0) {
		r->watch_path = true;
		s++;
		n--;
	}
	if (n == 0)
		return;
	const char *res_name;
	if (strcmp(s[0], "namespaces") == 0) {
		if (n <= 2) {
			if (core && !r->watch_path) {
				r->kind = n == 1 ? FAHTTP_R_NAMESPACES : FAHTTP_R_NAMESPACE;
				if (n == 2 && !copy_name(r->name, sizeof(r->name), s[1]))
					r->too_long = true;
			}
			return;
		}
		if (n > 4)
			return;
		if (!copy_name(r->ns, sizeof(r->ns), s[1]))
			r->too_long = true;
		res_name = s[2];
		if (n == 4 && !copy_name(r->name, sizeof(r->name), s[3]))
			r->too_long = true;
		r->kind = n == 3 ? FAHTTP_R_COLLECTION : FAHTTP_R_OBJECT;
	} else {
		if (n != 1)
			return;
		res_name = s[0];
		r->all_namespaces = true;
		r->kind = FAHTTP_R_COLLECTION;
	}
	fa_resource res;
	bool in_group = fa_resource_parse(res_name, &res) == LE_OK &&
			gv_serves(gv, res);
	if (!in_group) {
		r->kind = FAHTTP_R_NOT_FOUND;
		return;
	}
	r->res = res;
}

void fahttp_route_parse(const fahttp_uri *u, fahttp_route *r)
{
	memset(r, 0, sizeof(*r));
	r->res = FA_RES_COUNT;
	const char *const *s = u->seg;
	size_t n = u->nseg;
	if (n == 0) {
		r->kind = FAHTTP_R_ROOT;
		return;
	}
	if (n == 1 && (strcmp(s[0], "healthz") == 0 || strcmp(s[0], "livez") == 0 ||
		       strcmp(s[0], "readyz") == 0)) {
		r->kind = FAHTTP_R_HEALTHZ;
	} else if (n == 1 && strcmp(s[0], "version") == 0) {
		r->kind = FAHTTP_R_VERSION;
	} else if (strcmp(s[0], "api") == 0) {
		if (n == 1)
			r->kind = FAHTTP_R_API;
		else if (strcmp(s[1], "v1") != 0)
			r->kind = FAHTTP_R_NOT_FOUND;
		else if (n == 2)
			r->kind = FAHTTP_R_CORE_V1;
		else
			route_resources(s + 2, n - 2, GV_CORE_V1, r);
	} else if (strcmp(s[0], "apis") == 0) {
		if (n == 1) {
			r->kind = FAHTTP_R_APIS;
		} else if (strcmp(s[1], "coordination.k8s.io") == 0) {
			bool v1 = n > 2 && strcmp(s[2], "v1") == 0;
			bool cand = n > 2 && (strcmp(s[2], "v1beta1") == 0 ||
					      strcmp(s[2], "v1alpha2") == 0 ||
					      strcmp(s[2], "v1alpha1") == 0);
			r->alpha2 = cand && strcmp(s[2], "v1alpha2") == 0;
			r->alpha1 = cand && strcmp(s[2], "v1alpha1") == 0;
			if (n == 2)
				r->kind = FAHTTP_R_GROUP;
			else if (!v1 && !cand)
				r->kind = FAHTTP_R_NOT_FOUND;
			else if (n == 3)
				r->kind = v1 ? FAHTTP_R_COORD_V1 : FAHTTP_R_COORD_CAND;
			else
				route_resources(s + 3, n - 3,
						v1 ? GV_COORD_V1 : GV_COORD_CAND, r);
		} else if (n == 4 && strcmp(s[1], "authentication.k8s.io") == 0 &&
			   strcmp(s[2], "v1") == 0 &&
			   strcmp(s[3], "selfsubjectreviews") == 0) {
			r->kind = FAHTTP_R_SELF_REVIEW;
		}
	} else if (n >= 2 && strcmp(s[0], "leaselab") == 0 && strcmp(s[1], "v1") == 0) {
		r->kind = FAHTTP_R_ADMIN;
		r->admin_seg = 2;
	}
}

/* ---- authentication -------------------------------------------------------------------- */

/* "Bearer TOKEN" -> TOKEN (the scheme is case-insensitive), else NULL. */
static const char *bearer_token(const char *authorization)
{
	if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7) != 0)
		return NULL;
	const char *t = authorization + 7;
	while (*t == ' ')
		t++;
	return t;
}

static void authenticate(const fahttp_ctx *c, const fahttp_request *rq,
			 fahttp_call *call)
{
	const char *user = NULL;
	if (!c->tokens_configured && !c->client_certs_configured) {
		const char *h = rq->identity_header;
		user = h != NULL && h[0] != '\0' && strlen(h) < LE_ID_MAX ? h
									   : c->default_user;
	} else if (c->client_certs_configured && rq->cert_user != NULL &&
		   rq->cert_user[0] != '\0') {
		user = rq->cert_user;
		if (rq->cert_groups != NULL)
			snprintf(call->groups, sizeof(call->groups), "%s", rq->cert_groups);
	} else if (c->tokens_configured) {
		const char *tok = bearer_token(rq->authorization);
		user = tok != NULL ? fa_authz_authenticate(c->authz, tok, NULL) : NULL;
		const char *g = user != NULL ? fa_authz_token_groups(c->authz, tok) : NULL;
		if (g != NULL)
			snprintf(call->groups, sizeof(call->groups), "%s", g);
	}
	call->authenticated = user != NULL;
	snprintf(call->identity, sizeof(call->identity), "%s",
		 user != NULL ? user : ANONYMOUS);
}

void fahttp_begin(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call)
{
	memset(call, 0, sizeof(*call));
	call->uri_ok = fahttp_uri_parse(rq->target, &call->uri, call->uri_err,
					sizeof(call->uri_err)) == LE_OK;
	if (call->uri_ok)
		fahttp_route_parse(&call->uri, &call->route);
	call->admin = call->route.kind == FAHTTP_R_ADMIN;
	authenticate(c, rq, call);
}

bool fahttp_call_faultable(const fahttp_call *call)
{
	return !call->admin;
}

void fahttp_call_free(fahttp_call *call)
{
	if (call != NULL)
		fahttp_uri_free(&call->uri);
}

/* ---- request bodies ---------------------------------------------------------------------- */

cJSON *fahttp__parse_body(const fahttp_request *rq, fahttp_response *resp)
{
	size_t n = rq->body_len;
	const char *b = rq->body != NULL ? rq->body : "";
	size_t i = 0;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i == n) {
		fahttp_reply_error(resp, 400, "BadRequest",
				   "the request body is empty: expected a JSON object");
		return NULL;
	}
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(b, n, &end, false);
	if (o == NULL) {
		char msg[160];
		size_t at = end != NULL && end >= b ? (size_t)(end - b) : 0;
		snprintf(msg, sizeof(msg),
			 "couldn't get version/kind; json parse error at byte %zu of "
			 "the request body",
			 at);
		fahttp_reply_error(resp, 400, "BadRequest", msg);
		return NULL;
	}
	size_t at = (size_t)(end - b);
	while (at < n && (b[at] == ' ' || b[at] == '\t' || b[at] == '\r' ||
			  b[at] == '\n'))
		at++;
	if (at < n) {
		cJSON_Delete(o);
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "couldn't get version/kind; json parse error: invalid "
			 "character after the top-level value at byte %zu",
			 at);
		fahttp_reply_error(resp, 400, "BadRequest", msg);
		return NULL;
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		fahttp_reply_error(resp, 400, "BadRequest",
				   "couldn't get version/kind; json parse error: the "
				   "request body must be a JSON object");
		return NULL;
	}
	return o;
}

/* A body sent to a v1alpha2 URL names v1alpha2; the store keeps the
 * same schema as v1beta1. One sent to v1alpha1 is translated
 * (fahttp__from_alpha1). false: resp has the 400; body is the caller's. */
static bool body_from_alpha(const fahttp_route *r, cJSON *body,
			    fahttp_response *resp)
{
	if (r->alpha1)
		return fahttp__from_alpha1(body, resp);
	cJSON *av = cJSON_GetObjectItemCaseSensitive(body, "apiVersion");
	if (r->alpha2 && cJSON_IsString(av) &&
	    strcmp(av->valuestring, "coordination.k8s.io/v1alpha2") == 0)
		cJSON_SetValuestring(av, "coordination.k8s.io/v1beta1");
	return true;
}

static bool body_blank(const fahttp_request *rq)
{
	for (size_t i = 0; i < rq->body_len; i++)
		if (rq->body[i] != ' ' && rq->body[i] != '\t' && rq->body[i] != '\r' &&
		    rq->body[i] != '\n')
			return false;
	return true;
}

/* POST/PUT/DELETE bodies must be JSON (no Content-Type reads as JSON). */
static bool json_content_type(const fahttp_request *rq, fahttp_response *resp)
{
	char mt[96];
	fahttp_media_type(rq->content_type, mt, sizeof(mt));
	if (mt[0] == '\0' || strcmp(mt, "application/json") == 0 ||
	    strcmp(mt, "*/*") == 0)
		return true;
	char msg[300];
	snprintf(msg, sizeof(msg),
		 "the body of the request was in an unknown format (%.80s) - "
		 "accepted media types include: application/json",
		 mt);
	fahttp_reply_error(resp, 415, "UnsupportedMediaType", msg);
	return false;
}

/* ---- the Kubernetes API -------------------------------------------------------------------- */

typedef enum method {
	M_GET,
	M_HEAD,
	M_POST,
	M_PUT,
	M_PATCH,
	M_DELETE,
	M_OTHER
} method;

static method parse_method(const char *m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
	for (int i = 0; i < 6; i++)
		if (m != NULL && strcmp(m, names[i]) == 0)
			return (method)i;
	return M_OTHER;
}

static bool authorize(fahttp_ctx *c, fahttp_call *call, const char *verb,
		      fahttp_response *resp)
{
	fa_status st;
	const fahttp_route *r = &call->route;
	if (fa_authz_allow_groups(c->authz, call->identity, call->groups, verb, r->res,
				  r->all_namespaces ? "" : r->ns, r->name, &st))
		return true;
	fahttp_reply_status(resp, &st, r->name, r->res);
	return false;
}

static void reply_store(fahttp_response *resp, cJSON *obj, const fa_status *st,
			int ok_code, const fahttp_route *r)
{
	if (obj == NULL) {
		fahttp_reply_status(resp, st, r->name, r->res);
		return;
	}
	int code = st->code >= 200 && st->code < 300 ? st->code : ok_code;
	fahttp__reply_json(resp, code, obj, FAHTTP_CT_JSON);
}

/* As reply_store, with the store's text (fa_store_get_text) as the body. */
static void reply_store_text(fahttp_response *resp, char *text, size_t len,
			     const fa_status *st, const fahttp_route *r)
{
	if (text == NULL) {
		fahttp_reply_status(resp, st, r->name, r->res);
		return;
	}
	resp->action = FAHTTP_ACT_REPLY;
	resp->code = st->code;
	resp->content_type = FAHTTP_CT_JSON;
	free(resp->body);
	resp->body = text;
	resp->body_len = len;
}

static bool dry_run_rejected(const fahttp_call *call, fahttp_response *resp)
{
	const char *dr = fahttp_uri_query(&call->uri, "dryRun");
	if (dr == NULL || dr[0] == '\0')
		return false;
	fahttp_reply_error(resp, 400, "BadRequest",
			   "dryRun is not supported by the leaselab fake apiserver");
	return true;
}

static fahttp_include parse_include(const fahttp_uri *u)
{
	const char *v = fahttp_uri_query(u, "includeObject");
	if (v != NULL && strcmp(v, "Object") == 0)
		return FAHTTP_INCLUDE_OBJECT;
	if (v != NULL && strcmp(v, "None") == 0)
		return FAHTTP_INCLUDE_NONE;
	return FAHTTP_INCLUDE_METADATA;
}

static bool is_table(fahttp_format f)
{
	return f == FAHTTP_FMT_TABLE_V1 || f == FAHTTP_FMT_TABLE_V1BETA1;
}

static const char *format_ct(fahttp_format f)
{
	switch (f) {
	case FAHTTP_FMT_TABLE_V1:
		return FAHTTP_CT_TABLE_V1;
	case FAHTTP_FMT_TABLE_V1BETA1:
		return FAHTTP_CT_TABLE_V1BETA1;
	case FAHTTP_FMT_DISCOVERY_V2:
		return FAHTTP_CT_DISCOVERY_V2;
	default:
		return FAHTTP_CT_JSON;
	}
}

static void reply_table(fahttp_response *resp, fa_resource res,
			const cJSON *const *objs, size_t n, const char *rv,
			fahttp_format fmt, const fahttp_uri *u, int64_t now)
{
	fahttp_table_opts o = {
		.v1beta1 = fmt == FAHTTP_FMT_TABLE_V1BETA1,
		.include = parse_include(u),
	};
	fahttp__reply_json(resp, 200, fahttp_table(res, objs, n, rv, &o, now),
			   format_ct(fmt));
}

/* Builds the filter a list or watch asks for; false after a 400. */
static bool build_filter(const fahttp_call *call, fahttp_filter *f,
			 fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	memset(f, 0, sizeof(*f));
	f->res = r->res;
	f->all_namespaces = r->all_namespaces;
	snprintf(f->ns, sizeof(f->ns), "%s", r->ns);
	if (r->kind == FAHTTP_R_OBJECT) {
		snprintf(f->name_eq, sizeof(f->name_eq), "%s", r->name);
		f->has_name_eq = true;
	}
	char err[400];
	if (fahttp_field_selector_parse(fahttp_uri_query(&call->uri, "fieldSelector"),
					f, err, sizeof(err)) != LE_OK ||
	    fahttp_selector_parse(fahttp_uri_query(&call->uri, "labelSelector"),
				  &f->labels, err, sizeof(err)) != LE_OK) {
		fahttp_filter_free(f);
		fahttp_reply_error(resp, 400, "BadRequest", err);
		return false;
	}
	return true;
}

static void do_list(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		    fahttp_format fmt, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	fahttp_filter f;
	if (!authorize(c, call, "list", resp) || !build_filter(call, &f, resp))
		return;
	fa_status st;
	cJSON *list = fa_store_list_json(c->store, r->res,
					 r->all_namespaces ? NULL : r->ns, &st);
	if (list == NULL) {
		fahttp_filter_free(&f);
		fahttp_reply_status(resp, &st, NULL, r->res);
		return;
	}
	cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
	cJSON *it = items != NULL ? items->child : NULL;
	while (it != NULL) {
		cJSON *next = it->next;
		if (!fahttp_filter_matches(&f, r->res, it))
			cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
		it = next;
	}
	fahttp_filter_free(&f);
	if (!is_table(fmt)) {
		fahttp__reply_json(resp, 200, list, FAHTTP_CT_JSON);
		return;
	}
	int n = cJSON_GetArraySize(items);
	const cJSON **objs = calloc((size_t)n + 1, sizeof(*objs));
	if (objs == NULL) {
		cJSON_Delete(list);
		fahttp_reply_error(resp, 500, "InternalError", "out of memory");
		return;
	}
	int i = 0;
	cJSON_ArrayForEach(it, items) objs[i++] = it;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(list, "metadata");
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
	reply_table(resp, r->res, objs, (size_t)n,
		    cJSON_IsString(rv) ? rv->valuestring : NULL, fmt, &call->uri,
		    rq->now_wall_ns);
	free(objs);
	cJSON_Delete(list);
}

/* ---- watch ------------------------------------------------------------------------------ */

typedef struct watch_build {
	fahttp_watch_spec *spec;
	fahttp_buf buf;
	bool first;
	int64_t now;
} watch_build;

static void emit_event(void *ud, fa_resource res, const char *type,
		       const cJSON *obj)
{
	watch_build *wb = ud;
	if (!fahttp_filter_matches(&wb->spec->filter, res, obj))
		return;
	size_t len;
	char *ev = fahttp_watch_event(wb->spec, type, obj, wb->first, wb->now, &len);
	if (ev == NULL) {
		wb->buf.oom = true;
		return;
	}
	wb->first = false;
	fahttp__buf_add(&wb->buf, ev, len);
	free(ev);
}

static bool parse_rv(const char *s, uint64_t *out)
{
	if (s == NULL || s[0] == '\0') {
		*out = 0;
		return true;
	}
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
}

/* {"type":"ERROR","object":Status 410 Expired}: a watch from a
 * resourceVersion the history no longer reaches. */
static void reply_expired(fahttp_ctx *c, uint64_t rv, fahttp_response *resp)
{
	fa_status st;
	fa_status_ok(&st, 410);
	snprintf(st.reason, sizeof(st.reason), "Expired");
	snprintf(st.message, sizeof(st.message),
		 "too old resource version: %llu (%llu)", (unsigned long long)rv,
		 (unsigned long long)fa_store_revision(c->store));
	char *status = fa_status_to_json(&st, NULL, FA_RES_COUNT);
	size_t len = 0;
	char *line = NULL;
	if (status != NULL) {
		size_t n = strlen(status) + 40;
		line = malloc(n);
		if (line != NULL)
			len = (size_t)snprintf(line, n, "{\"type\":\"ERROR\",\"object\":%s}\n",
					       status);
	}
	free(status);
	resp->action = FAHTTP_ACT_REPLY;
	resp->code = 200;
	resp->content_type = FAHTTP_CT_JSON;
	free(resp->body);
	resp->body = line;
	resp->body_len = len;
}

static void add_bookmark(fa_resource res, uint64_t rev, fahttp_buf *b)
{
	char line[400];
	snprintf(line, sizeof(line),
		 "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":"
		 "\"%s\",\"metadata\":{\"resourceVersion\":\"%llu\",\"annotations\":"
		 "{\"k8s.io/initial-events-end\":\"true\"}}}}\n",
		 fa_resource_kind(res), fa_resource_api_version(res),
		 (unsigned long long)rev);
	fahttp__buf_str(b, line);
}

static void do_watch(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		     fahttp_format fmt, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	const fahttp_uri *u = &call->uri;
	uint64_t rv;
	const char *rvs = fahttp_uri_query(u, "resourceVersion");
	if (!parse_rv(rvs, &rv)) {
		reply_bad_request(resp, "resourceVersion: Invalid value: \"%.100s\": "
				  "must be a decimal revision", rvs);
		return;
	}
	const char *ts = fahttp_uri_query(u, "timeoutSeconds");
	uint64_t timeout_s = 0;
	if (ts != NULL && (!parse_rv(ts, &timeout_s) || timeout_s > 100000000)) {
		reply_bad_request(resp, "timeoutSeconds: Invalid value: \"%.100s\": "
				  "must be a whole number of seconds", ts);
		return;
	}
	if (!authorize(c, call, "watch", resp))
		return;
	watch_build wb = {.spec = &resp->watch, .first = true, .now = rq->now_wall_ns};
	if (!build_filter(call, &resp->watch.filter, resp))
		return;
	resp->watch.format = fmt;
	resp->watch.include = parse_include(u);
	resp->watch.timeout_s = (int64_t)timeout_s;
	resp->watch.alpha2 = r->alpha2;
	resp->watch.alpha1 = r->alpha1;
	if (rv == 0) {
		/* "start at the most recent": ADDED for what exists now */
		fa_status st;
		cJSON *list = fa_store_list_json(c->store, r->res,
						 r->all_namespaces ? NULL : r->ns, &st);
		if (list == NULL) {
			fahttp_reply_status(resp, &st, NULL, r->res);
			return;
		}
		cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items"))
			emit_event(&wb, r->res, "ADDED", it);
		cJSON_Delete(list);
		if (fahttp_query_true(fahttp_uri_query(u, "sendInitialEvents")))
			add_bookmark(r->res, fa_store_revision(c->store), &wb.buf);
	} else if (!fahttp_history_covers(c->store, c->history_base_rev, rv)) {
		fahttp_watch_spec_free(&resp->watch);
		free(wb.buf.p);
		reply_expired(c, rv, resp);
		return;
	} else {
		fahttp_history_since(c->store, rv, emit_event, &wb);
	}
	resp->action = FAHTTP_ACT_WATCH;
	resp->code = 200;
	resp->content_type = format_ct(fmt);
	fahttp__buf_to_body(&wb.buf, resp);
	if (resp->code != 200)
		fahttp_watch_spec_free(&resp->watch);
}

/* ---- objects ------------------------------------------------------------------------------ */

static void do_get(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		   fahttp_format fmt, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	if (!authorize(c, call, "get", resp))
		return;
	fa_status st;
	if (!is_table(fmt)) {
		size_t len = 0;
		char *text = fa_store_get_text(c->store, r->res, r->ns, r->name, &len, &st);
		reply_store_text(resp, text, len, &st, r);
		return;
	}
	cJSON *obj = fa_store_get_json(c->store, r->res, r->ns, r->name, &st);
	if (obj == NULL) {
		reply_store(resp, obj, &st, 200, r);
		return;
	}
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *rv = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
	const cJSON *one = obj;
	reply_table(resp, r->res, &one, 1, cJSON_IsString(rv) ? rv->valuestring : NULL,
		    fmt, &call->uri, rq->now_wall_ns);
	cJSON_Delete(obj);
}

static void do_create(fahttp_ctx *c, const fahttp_request *rq,
		      fahttp_call *call, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	if (r->all_namespaces || r->watch_path) {
		reply_method_not_allowed(resp);
		return;
	}
	if (!authorize(c, call, "create", resp) || dry_run_rejected(call, resp) ||
	    !json_content_type(rq, resp))
		return;
	cJSON *body = fahttp__parse_body(rq, resp);
	if (body == NULL)
		return;
	if (!body_from_alpha(r, body, resp)) {
		cJSON_Delete(body);
		return;
	}
	fa_status st;
	cJSON *obj = fa_store_create_json(c->store, r->res, r->ns, body,
					  call->identity, rq->now_wall_ns, &st);
	if (obj == NULL) {
		/* name the object the client tried to create */
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(body, "metadata");
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(meta, "name");
		fahttp_reply_status(resp, &st, cJSON_IsString(nm) ? nm->valuestring : "",
				    r->res);
	} else {
		reply_store(resp, obj, &st, 201, r);
	}
	cJSON_Delete(body);
}

static void do_update(fahttp_ctx *c, const fahttp_request *rq,
		      fahttp_call *call, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	if (!authorize(c, call, "update", resp) || dry_run_rejected(call, resp) ||
	    !json_content_type(rq, resp))
		return;
	cJSON *body = fahttp__parse_body(rq, resp);
	if (body == NULL)
		return;
	if (!body_from_alpha(r, body, resp)) {
		cJSON_Delete(body);
		return;
	}
	fa_status st;
	/* An update that would create (Leases and Endpoints allow it) is a
	 * create to the authorizer, as in the apiserver: update alone must not
	 * let a caller bring objects into being. */
	bool creates = !fa_store_exists(c->store, r->res, r->ns, r->name);
	if (creates && !authorize(c, call, "create", resp)) {
		cJSON_Delete(body);
		return;
	}
	size_t len = 0;
	char *text = fa_store_update_text(c->store, r->res, r->ns, r->name, body,
					  call->identity, rq->now_wall_ns, &len, &st);
	cJSON_Delete(body);
	reply_store_text(resp, text, len, &st, r);
}

static void do_json_patch(fahttp_ctx *c, const fahttp_request *rq,
			  fahttp_call *call, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	const char *b = rq->body != NULL ? rq->body : "";
	cJSON *ops = cJSON_ParseWithLength(b, rq->body_len);
	if (!cJSON_IsArray(ops)) {
		cJSON_Delete(ops);
		fahttp_reply_error(resp, 400, "BadRequest",
				   "a JSON patch must be a JSON array of operations");
		return;
	}
	fa_status st;
	cJSON *cur = fa_store_get_json(c->store, r->res, r->ns, r->name, &st);
	if (cur == NULL) {
		cJSON_Delete(ops);
		fahttp_reply_status(resp, &st, r->name, r->res);
		return;
	}
	char err[400];
	int rc = fahttp__json_patch(cur, ops, err, sizeof(err));
	cJSON_Delete(ops);
	if (rc != LE_OK) {
		cJSON_Delete(cur);
		fahttp_reply_error(resp, rc == LE_EPARSE ? 400 : 422,
				   rc == LE_EPARSE ? "BadRequest" : "Invalid", err);
		return;
	}
	cJSON *obj = fa_store_update_json(c->store, r->res, r->ns, r->name, cur,
					  call->identity, rq->now_wall_ns, &st);
	cJSON_Delete(cur);
	reply_store(resp, obj, &st, 200, r);
}

static void do_patch(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		     fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	if (!authorize(c, call, "patch", resp) || dry_run_rejected(call, resp))
		return;
	char mt[96];
	fahttp_media_type(rq->content_type, mt, sizeof(mt));
	bool merge = strcmp(mt, "application/merge-patch+json") == 0;
	bool strategic = strcmp(mt, "application/strategic-merge-patch+json") == 0;
	if (strcmp(mt, "application/json-patch+json") == 0) {
		do_json_patch(c, rq, call, resp);
		return;
	}
	if (!merge && !strategic) {
		char msg[300];
		snprintf(msg, sizeof(msg),
			 "the body of the request was in an unknown format (%.80s) - "
			 "accepted media types include: application/json-patch+json, "
			 "application/merge-patch+json, "
			 "application/strategic-merge-patch+json",
			 mt[0] != '\0' ? mt : "no Content-Type");
		fahttp_reply_error(resp, 415, "UnsupportedMediaType", msg);
		return;
	}
	cJSON *patch = fahttp__parse_body(rq, resp);
	if (patch == NULL)
		return;
	if (!body_from_alpha(r, patch, resp)) {
		cJSON_Delete(patch);
		return;
	}
	char err[300];
	if (strategic && !fahttp__strip_strategic(patch, err, sizeof(err))) {
		cJSON_Delete(patch);
		fahttp_reply_error(resp, 400, "BadRequest", err);
		return;
	}
	fa_status st;
	cJSON *obj = fa_store_patch_json(c->store, r->res, r->ns, r->name, patch,
					 call->identity, rq->now_wall_ns, &st);
	cJSON_Delete(patch);
	reply_store(resp, obj, &st, 200, r);
}

static const char *precondition(const cJSON *opts, const char *key)
{
	const cJSON *pre = cJSON_GetObjectItemCaseSensitive(opts, "preconditions");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(pre, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void do_delete(fahttp_ctx *c, const fahttp_request *rq,
		      fahttp_call *call, fahttp_response *resp)
{
	const fahttp_route *r = &call->route;
	if (!authorize(c, call, "delete", resp) || dry_run_rejected(call, resp))
		return;
	cJSON *opts = NULL;
	if (!body_blank(rq)) {
		if (!json_content_type(rq, resp) ||
		    (opts = fahttp__parse_body(rq, resp)) == NULL)
			return;
	}
	fa_status st;
	cJSON *obj = fa_store_delete_json(c->store, r->res, r->ns, r->name,
					  precondition(opts, "uid"),
					  precondition(opts, "resourceVersion"),
					  call->identity, rq->now_wall_ns, &st);
	cJSON_Delete(opts);
	if (obj == NULL) {
		fahttp_reply_status(resp, &st, r->name, r->res);
		return;
	}
	/* The apiserver answers a delete of these kinds with a Success Status. */
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(meta, "uid");
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "kind", "Status");
	cJSON_AddStringToObject(s, "apiVersion", "v1");
	cJSON_AddObjectToObject(s, "metadata");
	cJSON_AddStringToObject(s, "status", "Success");
	cJSON *d = cJSON_AddObjectToObject(s, "details");
	cJSON_AddStringToObject(d, "name", r->name);
	cJSON_AddStringToObject(d, "group", fa_resource_group(r->res));
	cJSON_AddStringToObject(d, "kind", fa_resource_name(r->res));
	cJSON_AddStringToObject(d, "uid", cJSON_IsString(uid) ? uid->valuestring : "");
	cJSON_Delete(obj);
	fahttp__reply_json(resp, 200, s, FAHTTP_CT_JSON);
}

/* ---- the rest of the API surface -------------------------------------------------------------- */

/* May the caller see namespace ns at all: some rule lets it get or list
 * something there (with no policy, everything). */
static bool namespace_visible(const fahttp_ctx *c, const fahttp_call *call,
			      const char *ns)
{
	static const char *const verbs[] = {"get", "list", "watch"};
	if (!fa_authz_has_policy(c->authz))
		return true;
	for (int r = 0; r < FA_RES_COUNT; r++)
		for (int v = 0; v < 3; v++)
			if (fa_authz_allow_groups(c->authz, call->identity, call->groups,
						  verbs[v], (fa_resource)r, ns, NULL, NULL))
				return true;
	return false;
}

static void do_namespaces(fahttp_ctx *c, const fahttp_call *call,
			  fahttp_response *resp)
{
	/* Every namespace exists; list the usual four plus those in use. */
	static const char *const base[] = {"default", "kube-node-lease",
					   "kube-public", "kube-system"};
	cJSON *names = cJSON_CreateObject();
	for (int i = 0; i < 4; i++)
		cJSON_AddTrueToObject(names, base[i]);
	for (int r = 0; r < FA_RES_COUNT; r++) {
		fa_status st;
		cJSON *list = fa_store_list_json(c->store, (fa_resource)r, NULL, &st);
		cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(list, "items"))
		{
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "metadata");
			const cJSON *ns = cJSON_GetObjectItemCaseSensitive(m, "namespace");
			if (cJSON_IsString(ns) &&
			    cJSON_GetObjectItemCaseSensitive(names, ns->valuestring) == NULL)
				cJSON_AddTrueToObject(names, ns->valuestring);
		}
		cJSON_Delete(list);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "NamespaceList");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(meta, "resourceVersion", "1");
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
	{
		if (!namespace_visible(c, call, n->string))
			continue;
		cJSON *ns = fahttp_namespace(n->string, c->start_wall_ns);
		cJSON_DeleteItemFromObjectCaseSensitive(ns, "kind");
		cJSON_DeleteItemFromObjectCaseSensitive(ns, "apiVersion");
		cJSON_AddItemToArray(items, ns);
	}
	cJSON_Delete(names);
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
}

static void do_self_review(const fahttp_call *call, fahttp_response *resp)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "SelfSubjectReview");
	cJSON_AddStringToObject(o, "apiVersion", "authentication.k8s.io/v1");
	cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddNullToObject(meta, "creationTimestamp");
	cJSON *ui = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "status"),
					    "userInfo");
	cJSON_AddStringToObject(ui, "username", call->identity);
	cJSON *groups = cJSON_AddArrayToObject(ui, "groups");
	char g[sizeof(call->groups)];
	snprintf(g, sizeof(g), "%s", call->groups);
	char *save = NULL;
	for (char *t = strtok_r(g, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(groups, cJSON_CreateString(t));
	cJSON_AddItemToArray(groups, cJSON_CreateString("system:authenticated"));
	fahttp__reply_json(resp, 201, o, FAHTTP_CT_JSON);
}

static void do_root(fahttp_response *resp)
{
	static const char *const paths[] = {
		"/api", "/api/v1", "/apis", "/apis/coordination.k8s.io",
		"/apis/coordination.k8s.io/v1", "/apis/coordination.k8s.io/v1alpha1",
		"/apis/coordination.k8s.io/v1alpha2",
		"/apis/coordination.k8s.io/v1beta1", "/healthz", "/leaselab/v1",
		"/livez", "/readyz", "/version"};
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "paths",
			      cJSON_CreateStringArray(paths, sizeof(paths) / sizeof(paths[0])));
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
}

/* Read-only documents: GET/HEAD only, with content negotiation. */
static void do_document(fahttp_ctx *c, const fahttp_request *rq,
			const fahttp_call *call, method m, fahttp_response *resp)
{
	if (m != M_GET && m != M_HEAD) {
		reply_method_not_allowed(resp);
		return;
	}
	const fahttp_route *r = &call->route;
	unsigned can = r->kind == FAHTTP_R_API || r->kind == FAHTTP_R_APIS
			       ? FAHTTP_CAN_DISCOVERY
			       : 0;
	fahttp_format fmt = r->kind == FAHTTP_R_HEALTHZ ? FAHTTP_FMT_JSON
							: fahttp_negotiate(rq->accept, can);
	if (fmt == FAHTTP_FMT_NONE) {
		reply_not_acceptable(resp);
		return;
	}
	bool agg = fmt == FAHTTP_FMT_DISCOVERY_V2;
	const char *ct = agg ? FAHTTP_CT_DISCOVERY_V2 : FAHTTP_CT_JSON;
	switch (r->kind) {
	case FAHTTP_R_ROOT:
		do_root(resp);
		return;
	case FAHTTP_R_HEALTHZ:
		resp->action = FAHTTP_ACT_REPLY;
		resp->code = 200;
		resp->content_type = FAHTTP_CT_TEXT;
		fahttp__set_body(resp, strdup("ok"));
		return;
	case FAHTTP_R_VERSION:
		fahttp__reply_json(resp, 200, fahttp_version_info(), ct);
		return;
	case FAHTTP_R_API:
		fahttp__reply_json(resp, 200,
				   agg ? fahttp_discovery_v2_core()
				       : fahttp_api_versions(c->server_address),
				   ct);
		return;
	case FAHTTP_R_APIS:
		fahttp__reply_json(resp, 200,
				   agg ? fahttp_discovery_v2_groups()
				       : fahttp_api_group_list(),
				   ct);
		return;
	case FAHTTP_R_GROUP:
		fahttp__reply_json(resp, 200, fahttp_api_group(), ct);
		return;
	case FAHTTP_R_CORE_V1:
		fahttp__reply_json(resp, 200, fahttp_resource_list_core(), ct);
		return;
	case FAHTTP_R_COORD_V1:
		fahttp__reply_json(resp, 200, fahttp_resource_list_coordination(), ct);
		return;
	case FAHTTP_R_COORD_CAND:
		fahttp__reply_json(resp, 200,
				   fahttp_resource_list_candidates(r->alpha2   ? "v1alpha2"
								   : r->alpha1 ? "v1alpha1"
									       : "v1beta1"),
				   ct);
		return;
	case FAHTTP_R_NAMESPACES:
		do_namespaces(c, call, resp);
		return;
	case FAHTTP_R_NAMESPACE:
		fahttp__reply_json(resp, 200,
				   fahttp_namespace(r->name, c->start_wall_ns), ct);
		return;
	default:
		reply_not_found_path(resp);
		return;
	}
}

static void do_collection(fahttp_ctx *c, const fahttp_request *rq,
			  fahttp_call *call, method m, fahttp_response *resp)
{
	bool watch = call->route.watch_path ||
		     fahttp_query_true(fahttp_uri_query(&call->uri, "watch"));
	if (m == M_POST && !watch) {
		do_create(c, rq, call, resp);
		return;
	}
	/* a watch is a stream: HEAD has no body to stream in */
	if (m != M_GET && (m != M_HEAD || watch)) {
		reply_method_not_allowed(resp);
		return;
	}
	fahttp_format fmt = fahttp_negotiate(rq->accept, FAHTTP_CAN_TABLE);
	if (fmt == FAHTTP_FMT_NONE) {
		reply_not_acceptable(resp);
		return;
	}
	if (watch)
		do_watch(c, rq, call, fmt, resp);
	else
		do_list(c, rq, call, fmt, resp);
}

static void do_object(fahttp_ctx *c, const fahttp_request *rq,
		      fahttp_call *call, method m, fahttp_response *resp)
{
	bool watch = call->route.watch_path ||
		     fahttp_query_true(fahttp_uri_query(&call->uri, "watch"));
	if (watch && m != M_GET) {
		reply_method_not_allowed(resp);
		return;
	}
	switch (m) {
	case M_GET:
	case M_HEAD: {
		fahttp_format fmt = fahttp_negotiate(rq->accept, FAHTTP_CAN_TABLE);
		if (fmt == FAHTTP_FMT_NONE)
			reply_not_acceptable(resp);
		else if (watch)
			do_watch(c, rq, call, fmt, resp);
		else
			do_get(c, rq, call, fmt, resp);
		return;
	}
	case M_PUT:
		do_update(c, rq, call, resp);
		return;
	case M_PATCH:
		do_patch(c, rq, call, resp);
		return;
	case M_DELETE:
		do_delete(c, rq, call, resp);
		return;
	default:
		reply_method_not_allowed(resp);
		return;
	}
}

void fahttp_execute(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		    fahttp_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->action = FAHTTP_ACT_REPLY;
	resp->content_type = FAHTTP_CT_JSON;
	if (!call->uri_ok) {
		reply_bad_request(resp, "bad request target: %s", call->uri_err);
		return;
	}
	if (rq->body_len > FAHTTP_MAX_BODY) {
		fahttp_reply_error(resp, 413, "RequestEntityTooLarge",
				   "Request entity too large: limit is 3145728");
		return;
	}
	if (call->admin) {
		fahttp__admin(c, rq, call, resp);
		return;
	}
	const fahttp_route *r = &call->route;
	if (!call->authenticated && r->kind != FAHTTP_R_HEALTHZ) {
		fahttp_reply_error(resp, 401, "Unauthorized", "Unauthorized");
		return;
	}
	if (r->too_long) {
		fahttp_reply_error(resp, 400, "BadRequest",
				   "a name or namespace in the path is longer than "
				   "the apiserver allows (253 / 63 characters)");
		return;
	}
	method m = parse_method(rq->method);
	switch (r->kind) {
	case FAHTTP_R_COLLECTION:
	case FAHTTP_R_OBJECT:
		if (r->kind == FAHTTP_R_COLLECTION)
			do_collection(c, rq, call, m, resp);
		else
			do_object(c, rq, call, m, resp);
		if ((r->alpha2 && !fahttp__as_alpha2(&resp->body, &resp->body_len)) ||
		    (r->alpha1 && !fahttp__as_alpha1(&resp->body, &resp->body_len))) {
			fahttp_response_free(resp);
			memset(resp, 0, sizeof(*resp));
			fahttp_reply_error(resp, 500, "InternalError", "out of memory");
		}
		return;
	case FAHTTP_R_SELF_REVIEW:
		if (m != M_POST)
			reply_method_not_allowed(resp);
		else
			do_self_review(call, resp);
		return;
	case FAHTTP_R_NOT_FOUND:
		reply_not_found_path(resp);
		return;
	default:
		do_document(c, rq, call, m, resp);
		return;
	}
}

/* ---- all at once -------------------------------------------------------------------------- */

void fahttp_handle(fahttp_ctx *c, const fahttp_request *rq,
		   fahttp_response *resp)
{
	fahttp_call call;
	fa_decision d;
	memset(&d, 0, sizeof(d));
	fahttp_begin(c, rq, &call);
	if (fahttp_call_faultable(&call))
		fa_faults_decide(c->faults, call.identity, &c->rng, &d);
	memset(resp, 0, sizeof(*resp));
	if (d.refused) {
		resp->action = FAHTTP_ACT_CLOSE;
	} else if (d.blackhole || d.drop_request) {
		resp->action = FAHTTP_ACT_HOLD;
	} else if (d.error_code != 0) {
		fahttp_reply_injected(resp, d.error_code, d.retry_after_s);
	} else {
		fahttp_execute(c, rq, &call, resp);
		if (d.drop_response) {
			fahttp_response_free(resp);
			resp->action = FAHTTP_ACT_HOLD;
		}
	}
	resp->decision = d;
	fahttp_call_free(&call);
}
