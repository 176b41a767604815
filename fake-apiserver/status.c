/* leaselab — fake-apiserver: resource names and `kind: Status` errors in the
 * apiserver's own words (k8s.io/apimachinery/pkg/api/errors shapes). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_internal.h"
#include "leaselab/internal/names.h"

static const struct {
	const char *plural, *kind, *group, *qualified, *qualified_kind,
		*registry, *version, *api_version;
} resources[FA_RES_COUNT] = {
	[FA_RES_LEASES] = {"leases", "Lease", "coordination.k8s.io",
			   "leases.coordination.k8s.io",
			   "Lease.coordination.k8s.io", "/registry/leases", "v1",
			   "coordination.k8s.io/v1"},
	[FA_RES_ENDPOINTS] = {"endpoints", "Endpoints", "", "endpoints",
			      "Endpoints", "/registry/services/endpoints", "v1",
			      "v1"},
	[FA_RES_CONFIGMAPS] = {"configmaps", "ConfigMap", "", "configmaps",
			       "ConfigMap", "/registry/configmaps", "v1", "v1"},
	[FA_RES_LEASECANDIDATES] = {"leasecandidates", "LeaseCandidate",
				    "coordination.k8s.io",
				    "leasecandidates.coordination.k8s.io",
				    "LeaseCandidate.coordination.k8s.io",
				    "/registry/leasecandidates", "v1beta1",
				    "coordination.k8s.io/v1beta1"},
};

static bool res_ok(fa_resource r)
{
	return (unsigned)r < FA_RES_COUNT;
}

const char *fa_resource_name(fa_resource r)
{
	return res_ok(r) ? resources[r].plural : "unknown";
}

const char *fa_resource_kind(fa_resource r)
{
	return res_ok(r) ? resources[r].kind : "Unknown";
}

const char *fa_resource_group(fa_resource r)
{
	return res_ok(r) ? resources[r].group : "";
}

const char *fa_resource_version(fa_resource r)
{
	return res_ok(r) ? resources[r].version : "v1";
}

const char *fa_resource_api_version(fa_resource r)
{
	return res_ok(r) ? resources[r].api_version : "v1";
}

const char *fa__qualified_resource(fa_resource r)
{
	return res_ok(r) ? resources[r].qualified : "unknown";
}

const char *fa__qualified_kind(fa_resource r)
{
	return res_ok(r) ? resources[r].qualified_kind : "Unknown";
}

const char *fa__registry_prefix(fa_resource r)
{
	return res_ok(r) ? resources[r].registry : "/registry/unknown";
}

int fa_resource_parse(const char *plural, fa_resource *out)
{
	if (plural == NULL || out == NULL)
		return LE_EINVAL;
	for (int i = 0; i < FA_RES_COUNT; i++) {
		if (strcmp(plural, resources[i].plural) == 0) {
			*out = (fa_resource)i;
			return LE_OK;
		}
	}
	return LE_EINVAL;
}

/* ---- constructors ------------------------------------------------------ */

void fa_status_ok(fa_status *st, int code)
{
	/* not a memset: the status is on every store call's path, and the
	 * message buffer is 2 KiB that nothing reads past its NUL */
	st->code = code;
	st->reason[0] = '\0';
	st->message[0] = '\0';
	st->field[0] = '\0';
	st->retry_after_s = 0;
	st->ncauses = 0;
}

static void st_vset(fa_status *st, int code, const char *reason,
		    const char *fmt, va_list ap)
{
	fa_status_ok(st, code);
	snprintf(st->reason, sizeof(st->reason), "%s", reason);
	vsnprintf(st->message, sizeof(st->message), fmt, ap);
}

void fa__st_set(fa_status *st, int code, const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	st_vset(st, code, reason, fmt, ap);
	va_end(ap);
}

void fa__st_not_found(fa_status *st, fa_resource r, const char *name)
{
	fa__st_set(st, 404, "NotFound", "%s \"%s\" not found",
		   fa__qualified_resource(r), name);
}

void fa__st_already_exists(fa_status *st, fa_resource r, const char *name)
{
	fa__st_set(st, 409, "AlreadyExists", "%s \"%s\" already exists",
		   fa__qualified_resource(r), name);
}

void fa__st_conflict(fa_status *st, fa_resource r, const char *name)
{
	fa__st_set(st, 409, "Conflict",
		   "Operation cannot be fulfilled on %s \"%s\": the object has "
		   "been modified; please apply your changes to the latest "
		   "version and try again",
		   fa__qualified_resource(r), name);
}

void fa__st_precondition(fa_status *st, fa_resource r, const char *ns,
			 const char *name, const char *what, const char *want,
			 const char *have)
{
	/* storage.NewInvalidObjError wrapped by errors.NewConflict, as etcd3's
	 * GuaranteedUpdate / Delete report a failed precondition. */
	fa__st_set(st, 409, "Conflict",
		   "Operation cannot be fulfilled on %s \"%s\": StorageError: "
		   "invalid object, Code: 4, Key: %s/%s/%s, ResourceVersion: 0, "
		   "AdditionalErrorMsg: Precondition failed: %s in precondition: "
		   "%s, %s in object meta: %s",
		   fa__qualified_resource(r), name, fa__registry_prefix(r), ns,
		   name, what, want, what, have);
}

void fa__errs_add(fa_field_errs *e, const char *field, const char *fmt, ...)
{
	if (e->n >= FA_STATUS_CAUSES_MAX)
		return;
	snprintf(e->field[e->n], sizeof(e->field[e->n]), "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->body[e->n], sizeof(e->body[e->n]), fmt, ap);
	va_end(ap);
	e->n++;
}

/* Appends "field: body" to st->message at *len; false when it does not
 * fit (the message is then cut there). */
static bool append_error(fa_status *st, size_t *len, const char *field,
			 const char *body)
{
	size_t cap = sizeof(st->message);
	int w = snprintf(st->message + *len, cap - *len, "%s: %s", field, body);
	if (w < 0 || (size_t)w >= cap - *len) {
		st->message[*len] = '\0';
		return false;
	}
	*len += (size_t)w;
	return true;
}

static bool append_text(fa_status *st, size_t *len, const char *text)
{
	size_t n = strlen(text);
	if (*len + n >= sizeof(st->message))
		return false;
	memcpy(st->message + *len, text, n + 1);
	*len += n;
	return true;
}

/* The index of an earlier error with the same text, or i. */
static size_t first_same(const fa_field_errs *e, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(e->field[j], e->field[i]) == 0 &&
		    strcmp(e->body[j], e->body[i]) == 0)
			return j;
	return i;
}

int fa__st_invalid_errs(fa_status *st, fa_resource r, const char *kind,
			const char *name, const fa_field_errs *e)
{
	if (e->n == 0)
		return LE_OK;
	fa__st_set(st, 422, "Invalid", "%s \"%s\" is invalid: ",
		   kind != NULL ? kind : fa__qualified_kind(r), name);
	snprintf(st->field, sizeof(st->field), "%.63s", e->field[0]);
	size_t len = strlen(st->message);
	size_t distinct = 0;
	for (size_t i = 0; i < e->n; i++)
		distinct += first_same(e, i) == i;
	bool listed = distinct > 1, ok = true;
	if (listed)
		ok = append_text(st, &len, "[");
	for (size_t i = 0; i < e->n && ok; i++) {
		size_t j = first_same(e, i);
		if (j < i) { /* said once (aggregate.Error), a cause each time */
			st->cause_at[i] = st->cause_at[j];
			st->cause_field_len[i] = st->cause_field_len[j];
			st->cause_end[i] = st->cause_end[j];
			st->ncauses = (unsigned)i + 1;
			continue;
		}
		if (st->ncauses > 0 && listed)
			ok = append_text(st, &len, ", ");
		size_t at = len;
		if (!ok || !append_error(st, &len, e->field[i], e->body[i]))
			break;
		st->cause_at[i] = (uint16_t)at;
		st->cause_field_len[i] = (uint16_t)strlen(e->field[i]);
		st->cause_end[i] = (uint16_t)len;
		st->ncauses = (unsigned)i + 1;
	}
	if (listed && st->ncauses == e->n)
		append_text(st, &len, "]");
	return LE_EINVAL;
}

void fa__st_invalid(fa_status *st, fa_resource r, const char *kind,
		    const char *name, const char *field, const char *body)
{
	fa_field_errs e;
	e.n = 0;
	fa__errs_add(&e, field, "%s", body);
	fa__st_invalid_errs(st, r, kind, name, &e);
}

void fa__st_bad_request(fa_status *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	st_vset(st, 400, "BadRequest", fmt, ap);
	va_end(ap);
}

void fa__st_internal(fa_status *st, const char *fmt, ...)
{
	char inner[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(inner, sizeof(inner), fmt, ap);
	va_end(ap);
	fa__st_set(st, 500, "InternalError", "Internal error occurred: %s",
		   inner);
}

void fa_status_injected(fa_status *st, int code, int retry_after_s)
{
	switch (code) {
	case 429:
		fa__st_set(st, 429, "TooManyRequests",
			   "Too many requests, please try again later.");
		st->retry_after_s = retry_after_s > 0 ? retry_after_s : 1;
		break;
	case 500:
		fa__st_internal(st, "injected fault");
		break;
	case 503:
		fa__st_set(st, 503, "ServiceUnavailable",
			   "the server is currently unable to handle the request");
		break;
	case 504:
		fa__st_set(st, 504, "Timeout",
			   "Timeout: request did not complete within requested "
			   "timeout - context deadline exceeded");
		break;
	default:
		fa__st_set(st, code, "InternalError", "injected error %d", code);
		break;
	}
}

/* ---- names -------------------------------------------------------------- */

bool fa__is_dns_label(const char *s)
{
	return s != NULL && le_dns_label_ok(s, strlen(s));
}

/* A Go %q of a short string, good enough for names: quotes and backslashes
 * escaped, control bytes as \xNN. */
static void go_quote(const char *s, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap < 3) {
		if (cap > 0)
			buf[0] = '\0';
		return;
	}
	buf[o++] = '"';
	for (; *s != '\0' && o + 6 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

const char *fa__check_subdomain(const char *name, char *buf, size_t cap)
{
	char q[320];
	size_t n = strlen(name);
	go_quote(name, q, sizeof(q));
	if (n > 253) {
		snprintf(buf, cap, "Invalid value: %s: must be no more than 253 characters", q);
		return buf;
	}
	if (le_dns_subdomain_ok(name, n))
		return NULL;
	snprintf(buf, cap,
		 "Invalid value: %s: a lowercase RFC 1123 subdomain must consist "
		 "of lower case alphanumeric characters, '-' or '.', and must "
		 "start and end with an alphanumeric character (e.g. "
		 "'example.com', regex used for validation is "
		 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
		 q);
	return buf;
}

/* ---- Status JSON --------------------------------------------------------- */

/* The cause reason of a field error, from its message body. */
static const char *cause_reason(const char *body)
{
	static const struct {
		const char *prefix, *reason;
	} map[] = {
		{"Invalid value", "FieldValueInvalid"},
		{"Required value", "FieldValueRequired"},
		{"Unsupported value", "FieldValueNotSupported"},
		{"Forbidden", "FieldValueForbidden"},
		{"Too long", "FieldValueTooLong"},
		{"Duplicate value", "FieldValueDuplicate"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(body, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].reason;
	return "FieldValueInvalid";
}

/* details for a 422: kind is the GroupKind before ` "name" is invalid`,
 * without its group ("Lease" for "Lease.coordination.k8s.io", "leases" for
 * the storage layer's "leases.coordination.k8s.io"). */
static void add_invalid_details(cJSON *details, const fa_status *st,
				fa_resource res)
{
	char kind[64];
	const char *sp = strchr(st->message, ' ');
	size_t n = sp != NULL ? (size_t)(sp - st->message) : 0;
	const char *group = fa_resource_group(res);
	size_t gl = strlen(group);
	if (gl > 0 && n > gl + 1 && st->message[n - gl - 1] == '.' &&
	    strncmp(st->message + n - gl, group, gl) == 0)
		n -= gl + 1;
	if (n == 0 || n >= sizeof(kind))
		snprintf(kind, sizeof(kind), "%s", fa_resource_kind(res));
	else
		snprintf(kind, sizeof(kind), "%.*s", (int)n, st->message);
	cJSON_AddStringToObject(details, "kind", kind);
	if (st->ncauses > 0) {
		cJSON *causes = cJSON_AddArrayToObject(details, "causes");
		for (unsigned i = 0; i < st->ncauses; i++) {
			const char *f = st->message + st->cause_at[i];
			size_t fl = st->cause_field_len[i];
			const char *body = f + fl + 2;
			size_t bl = (size_t)(st->message + st->cause_end[i] - body);
			char fbuf[300], bbuf[900];
			snprintf(fbuf, sizeof(fbuf), "%.*s", (int)fl, f);
			snprintf(bbuf, sizeof(bbuf), "%.*s", (int)bl, body);
			cJSON *c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "reason", cause_reason(bbuf));
			cJSON_AddStringToObject(c, "message", bbuf);
			/* an error on the object as a whole has no field
			 * (omitempty) */
			if (fl > 0)
				cJSON_AddStringToObject(c, "field", fbuf);
			cJSON_AddItemToArray(causes, c);
		}
		return;
	}
	if (st->field[0] == '\0')
		return;
	char key[80];
	snprintf(key, sizeof(key), "%s: ", st->field);
	const char *body = strstr(st->message, key);
	body = body != NULL ? body + strlen(key) : st->message;
	cJSON *causes = cJSON_AddArrayToObject(details, "causes");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "reason", cause_reason(body));
	cJSON_AddStringToObject(c, "message", body);
	cJSON_AddStringToObject(c, "field", st->field);
	cJSON_AddItemToArray(causes, c);
}

char *fa_status_to_json(const fa_status *st, const char *name, fa_resource res)
{
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		return NULL;
	bool ok = st->code == 0 || (st->code >= 200 && st->code < 300);
	cJSON_AddStringToObject(o, "kind", "Status");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(o, "status", ok ? "Success" : "Failure");
	if (st->message[0] != '\0')
		cJSON_AddStringToObject(o, "message", st->message);
	if (st->reason[0] != '\0')
		cJSON_AddStringToObject(o, "reason", st->reason);

	const char *r = st->reason;
	bool named = strcmp(r, "NotFound") == 0 || strcmp(r, "AlreadyExists") == 0 ||
		     strcmp(r, "Conflict") == 0 || strcmp(r, "Forbidden") == 0 ||
		     strcmp(r, "Invalid") == 0;
	if (named && res_ok(res)) {
		cJSON *d = cJSON_AddObjectToObject(o, "details");
		if (name != NULL && name[0] != '\0')
			cJSON_AddStringToObject(d, "name", name);
		if (fa_resource_group(res)[0] != '\0')
			cJSON_AddStringToObject(d, "group", fa_resource_group(res));
		if (strcmp(r, "Invalid") == 0)
			add_invalid_details(d, st, res);
		else
			cJSON_AddStringToObject(d, "kind", fa_resource_name(res));
	} else if (st->code == 429) {
		cJSON *d = cJSON_AddObjectToObject(o, "details");
		cJSON_AddNumberToObject(d, "retryAfterSeconds",
					st->retry_after_s > 0 ? st->retry_after_s : 1);
	} else if (strcmp(r, "InternalError") == 0) {
		const char *pfx = "Internal error occurred: ";
		const char *m = st->message;
		if (strncmp(m, pfx, strlen(pfx)) == 0)
			m += strlen(pfx);
		cJSON *d = cJSON_AddObjectToObject(o, "details");
		cJSON *causes = cJSON_AddArrayToObject(d, "causes");
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "message", m);
		cJSON_AddItemToArray(causes, c);
	} else if (st->code == 504) {
		cJSON_AddObjectToObject(o, "details");
	}
	cJSON_AddNumberToObject(o, "code", st->code == 0 ? 200 : st->code);
	char *out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}
