/* The REST side of a lock (election-spec.md 4): the core's get/create/update
 * become GET/POST/PUT of a Lease, Endpoints or ConfigMap, and what comes back
 * becomes an le_response. The last object the apiserver returned is kept so
 * an Update PUTs the whole object — uid, other annotations, subsets, labels —
 * with only the resourceVersion and the record changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "leaselab/kube.h"
#include "leaselab/run.h"

#define LC_MESSAGE_MAX 1024
#define LC_RAW_MAX     1024

struct le_lock_client {
	le_lock_kind kind; /* an object's kind; a MultiLock's primary */
	/* A MultiLock (election-spec.md 3.3): the Lease's own client, and the
	 * object the request built last was for (the core sends one at a
	 * time; an answer to another id is read as the primary's). */
	struct le_lock_client *sec;
	uint64_t last_id;
	bool last_to_sec;
	char *ns;
	char *name;
	cJSON *cached; /* last object from the apiserver, or NULL */
	char *path;    /* storage of the last built request */
	char *body;
	/* storage of the last response */
	le_record record;
	char rv[LE_RV_MAX];
	char raw[LC_RAW_MAX];
	char reason[64];
	char message[LC_MESSAGE_MAX];
};

static const char *kind_of(le_lock_kind k)
{
	switch (k) {
	case LE_LOCK_LEASES:
		return "Lease";
	case LE_LOCK_ENDPOINTS:
		return "Endpoints";
	default:
		return "ConfigMap";
	}
}

static const char *api_version_of(le_lock_kind k)
{
	return k == LE_LOCK_LEASES ? "coordination.k8s.io/v1" : "v1";
}

int le_lock_path(le_lock_kind kind, const char *ns, const char *name, char *buf, size_t cap)
{
	const char *prefix = kind == LE_LOCK_LEASES ? "/apis/coordination.k8s.io/v1" : "/api/v1";
	int n = snprintf(buf, cap, "%s/namespaces/%s/%s%s%s", prefix, ns, le_lock_kind_name(kind),
			 name ? "/" : "", name ? name : "");
	return n < 0 || (size_t)n >= cap ? LE_ERANGE : n;
}

le_lock_client *le_lock_client_new(le_lock_kind kind, const char *ns, const char *name)
{
	le_lock_client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->kind = le_lock_kind_primary(kind);
	c->ns = strdup(ns);
	c->name = strdup(name);
	if (!c->ns || !c->name) {
		le_lock_client_free(c);
		return NULL;
	}
	if (le_lock_kind_is_multi(kind) &&
	    !(c->sec = le_lock_client_new(LE_LOCK_LEASES, ns, name))) {
		le_lock_client_free(c);
		return NULL;
	}
	return c;
}

void le_lock_client_free(le_lock_client *c)
{
	if (!c)
		return;
	le_lock_client_free(c->sec);
	cJSON_Delete(c->cached);
	free(c->ns);
	free(c->name);
	free(c->path);
	free(c->body);
	free(c);
}

char *le_lock_client_cached_json(const le_lock_client *c)
{
	return c->cached ? cJSON_PrintUnformatted(c->cached) : NULL;
}

/* ---- requests ------------------------------------------------------------- */

static cJSON *new_object(const le_lock_client *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
	if (!meta) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddStringToObject(o, "apiVersion", api_version_of(c->kind));
	cJSON_AddStringToObject(o, "kind", kind_of(c->kind));
	cJSON_AddStringToObject(meta, "name", c->name);
	cJSON_AddStringToObject(meta, "namespace", c->ns);
	return o;
}

/* obj[key] = v, replacing an existing member of exactly that name (cJSON's
 * HasObjectItem ignores case; JSON keys do not). Takes v in all cases. */
static int set_member(cJSON *obj, const char *key, cJSON *v)
{
	bool ok = cJSON_GetObjectItemCaseSensitive(obj, key)
			  ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v)
			  : cJSON_AddItemToObject(obj, key, v);
	if (!ok) {
		cJSON_Delete(v);
		return LE_ENOMEM;
	}
	return LE_OK;
}

/* Put the record into obj: .spec for a Lease, the leader annotation (other
 * annotations kept) for the others. */
static int put_record(const le_lock_client *c, cJSON *obj, const le_record *rec)
{
	if (c->kind == LE_LOCK_LEASES) {
		cJSON *spec = le_record_to_lease_spec(rec);
		if (!spec)
			return LE_ENOMEM;
		return set_member(obj, "spec", spec);
	}
	char text[LC_RAW_MAX];
	int n = le_record_encode_annotation(rec, text, sizeof text);
	if (n < 0)
		return n;
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	if (!cJSON_IsObject(meta)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
		meta = cJSON_AddObjectToObject(obj, "metadata");
	}
	cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
	if (!cJSON_IsObject(ann)) { /* absent or null */
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "annotations");
		ann = cJSON_AddObjectToObject(meta, "annotations");
	}
	cJSON *v = cJSON_CreateString(text);
	if (!ann || !v) {
		cJSON_Delete(v);
		return LE_ENOMEM;
	}
	return set_member(ann, LE_LEADER_ANNOTATION, v);
}

static void set_resource_version(cJSON *obj, const char *rv)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	if (!cJSON_IsObject(meta))
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
	if (rv && *rv)
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
}

int le_lock_client_build(le_lock_client *c, const le_request *req, int64_t timeout_ns,
			 le_http_request *out, char *err, size_t errcap)
{
	char path[1024], query[64] = "";
	int rc;
	if (c->sec) {
		c->last_id = req->id;
		c->last_to_sec = req->target == LE_LOCK_LEASES;
		if (c->last_to_sec)
			return le_lock_client_build(c->sec, req, timeout_ns, out, err, errcap);
	}
	if (timeout_ns > 0) {
		char d[32];
		/* client-go's ?timeout=; a sub-millisecond one is not worth
		 * a non-ASCII "µs" in a URL. */
		le_format_duration(timeout_ns < LE_NS_PER_MS ? LE_NS_PER_MS : timeout_ns, d,
				   sizeof d);
		snprintf(query, sizeof query, "?timeout=%s", d);
	}
	rc = le_lock_path(c->kind, c->ns, req->op == LE_OP_CREATE ? NULL : c->name, path,
			  sizeof path);
	if (rc < 0) {
		snprintf(err, errcap, "lock %s/%s: name too long", c->ns, c->name);
		return rc;
	}
	free(c->path);
	free(c->body);
	c->body = NULL;
	size_t plen = strlen(path) + strlen(query) + 1;
	c->path = malloc(plen);
	if (!c->path) {
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	snprintf(c->path, plen, "%s%s", path, query);
	memset(out, 0, sizeof *out);
	out->path = c->path;

	if (req->op == LE_OP_GET) {
		out->method = "GET";
		return LE_OK;
	}
	cJSON *obj = req->op == LE_OP_UPDATE && c->cached ? cJSON_Duplicate(c->cached, true)
							  : new_object(c);
	if (!obj) {
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	if (req->op == LE_OP_UPDATE)
		set_resource_version(obj, req->resource_version);
	/* 0.5's startup POST creates the object with no record at all. */
	rc = req->op == LE_OP_CREATE && req->no_record ? LE_OK : put_record(c, obj, &req->record);
	if (rc == LE_OK)
		c->body = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (rc != LE_OK || !c->body) {
		snprintf(err, errcap, "cannot encode the %s record for %s/%s: %s", kind_of(c->kind),
			 c->ns, c->name, le_strerror(rc ? rc : LE_ENOMEM));
		return rc ? rc : LE_ENOMEM;
	}
	out->method = req->op == LE_OP_CREATE ? "POST" : "PUT";
	out->body = c->body;
	out->body_len = strlen(c->body);
	return LE_OK;
}

/* ---- responses ------------------------------------------------------------ */

static const char *status_text(int code)
{
	switch (code) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Request Entity Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

/* The StatusReason the apiserver would have sent (client-go derives the
 * same from a bare status code). */
static const char *reason_for(int code)
{
	switch (code) {
	case 400:
		return "BadRequest";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "NotFound";
	case 405:
		return "MethodNotAllowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "RequestEntityTooLarge";
	case 415:
		return "UnsupportedMediaType";
	case 422:
		return "Invalid";
	case 429:
		return "TooManyRequests";
	case 500:
		return "InternalError";
	case 503:
		return "ServiceUnavailable";
	case 504:
		return "Timeout";
	default:
		return "";
	}
}

/* Copy at most max bytes of body on one line (control characters become
 * spaces) so a proxy's HTML error page stays readable in a log line. */
static void snippet(const char *body, size_t len, size_t max, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && i < max && n + 4 < cap; i++) {
		unsigned char ch = (unsigned char)body[i];
		out[n++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	if (len > max && n + 4 < cap) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

void le_kube_decode_status(int http_status, const char *body, size_t len, char *reason,
			   size_t reason_cap, char *message, size_t message_cap)
{
	cJSON *j = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
	const cJSON *rsn = cJSON_GetObjectItemCaseSensitive(j, "reason");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
	bool is_status = cJSON_IsString(kind) && !strcmp(kind->valuestring, "Status");

	snprintf(reason, reason_cap, "%s",
		 is_status && cJSON_IsString(rsn) && *rsn->valuestring ? rsn->valuestring
								       : reason_for(http_status));
	if ((is_status || cJSON_IsString(rsn)) && cJSON_IsString(msg) && *msg->valuestring) {
		snprintf(message, message_cap, "%s", msg->valuestring);
	} else if (!body || len == 0) {
		snprintf(message, message_cap, "the server returned %d %s with an empty body",
			 http_status, status_text(http_status));
	} else {
		char s[256];
		snippet(body, len, 200, s, sizeof s);
		snprintf(message, message_cap, "the server returned %d %s: %s", http_status,
			 status_text(http_status), s);
	}
	cJSON_Delete(j);
}

static const char *op_name(le_op op)
{
	return op == LE_OP_GET ? "get" : op == LE_OP_CREATE ? "create" : "update";
}

/* A 2xx body: the lock object. Returns false (message filled) when it is
 * not one. */
static bool take_object(le_lock_client *c, le_op op, int status, const char *body, size_t len,
			le_response *out)
{
	char perr[256];
	bool present = false;
	cJSON *obj = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	if (!cJSON_IsObject(obj)) {
		char s[128];
		snippet(body ? body : "", len, 100, s, sizeof s);
		snprintf(c->message, sizeof c->message,
			 "%s %s %s/%s: the server returned %d with a body that is not a JSON "
			 "object: %s",
			 op_name(op), le_lock_kind_name(c->kind), c->ns, c->name, status, s);
		cJSON_Delete(obj);
		return false;
	}
	int rc = le_record_from_object_json(c->kind, body, len, &c->record, &present, c->rv,
					    sizeof c->rv, perr, sizeof perr);
	if (rc != LE_OK) {
		snprintf(c->message, sizeof c->message,
			 "%s %s %s/%s: error unmarshaling leader election record: %s", op_name(op),
			 le_lock_kind_name(c->kind), c->ns, c->name, perr);
		cJSON_Delete(obj);
		return false;
	}
	/* The raw record for change detection (election-spec.md 3.2). */
	size_t raw_len = 0;
	if (c->kind == LE_LOCK_LEASES) {
		int n = le_record_encode_annotation(&c->record, c->raw, sizeof c->raw);
		raw_len = n > 0 ? (size_t)n : 0;
	} else {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, LE_LEADER_ANNOTATION);
		if (cJSON_IsString(v)) {
			size_t n = strlen(v->valuestring);
			raw_len = n < sizeof c->raw ? n : sizeof c->raw - 1;
			memcpy(c->raw, v->valuestring, raw_len);
		}
	}
	c->raw[raw_len] = '\0';
	cJSON_Delete(c->cached);
	c->cached = obj;
	out->record = &c->record;
	out->record_present = present;
	out->resource_version = c->rv;
	out->raw = c->raw;
	out->raw_len = raw_len;
	return true;
}

void le_lock_client_response(le_lock_client *c, uint64_t id, le_op op, int http_status,
			     const char *body, size_t len, const char *transport_error,
			     le_response *out)
{
	if (c->sec && c->last_to_sec && id == c->last_id) {
		le_lock_client_response(c->sec, id, op, http_status, body, len, transport_error,
					out);
		return;
	}
	memset(out, 0, sizeof *out);
	out->id = id;
	out->status = http_status;
	c->reason[0] = c->message[0] = '\0';
	if (http_status == 0) {
		snprintf(c->message, sizeof c->message, "%s",
			 transport_error && *transport_error ? transport_error
							     : "no response from the server");
		out->message = c->message;
		return;
	}
	if (http_status >= 200 && http_status < 300) {
		if (!take_object(c, op, http_status, body, len, out)) {
			out->status = 0;
			out->message = c->message;
		}
		return;
	}
	le_kube_decode_status(http_status, body, len, c->reason, sizeof c->reason, c->message,
			      sizeof c->message);
	out->reason = c->reason[0] ? c->reason : NULL;
	out->message = c->message;
}
