/* leaselab — fake-apiserver HTTP: growable body buffers and replies (a
 * Status for every failure, a JSON body for the rest). The floor under the
 * request handler (handler.c) and the admin API (admin.c): both reply
 * through it, neither calls the other for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fahttp.h"

/* ---- buffers ----------------------------------------------------------------- */

void fahttp__buf_add(fahttp_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void fahttp__buf_str(fahttp_buf *b, const char *s)
{
	fahttp__buf_add(b, s, strlen(s));
}

void fahttp__buf_to_body(fahttp_buf *b, fahttp_response *resp)
{
	free(resp->body);
	resp->body = b->p;
	resp->body_len = b->len;
	if (b->oom) {
		free(b->p);
		resp->body = NULL;
		resp->body_len = 0;
		fahttp_reply_error(resp, 500, "InternalError",
				   "Internal error occurred: out of memory");
	}
	memset(b, 0, sizeof(*b));
}

/* ---- replies --------------------------------------------------------------------- */

void fahttp_response_free(fahttp_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	fahttp_watch_spec_free(&resp->watch);
}

bool fahttp__as_alpha2(char **body, size_t *len)
{
	static const char from[] = "\"apiVersion\":\"coordination.k8s.io/v1beta1\"";
	static const char to[] = "\"apiVersion\":\"coordination.k8s.io/v1alpha2\"";
	size_t fl = sizeof(from) - 1, tl = sizeof(to) - 1, n = 0;
	if (*body == NULL)
		return true;
	for (const char *p = *body; (p = strstr(p, from)) != NULL; p += fl)
		n++;
	if (n == 0)
		return true;
	char *out = malloc(*len + n * (tl - fl) + 1);
	if (out == NULL)
		return false;
	size_t o = 0;
	const char *p = *body, *q;
	while ((q = strstr(p, from)) != NULL) {
		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		memcpy(out + o, to, tl);
		o += tl;
		p = q + fl;
	}
	size_t rest = *len - (size_t)(p - *body);
	memcpy(out + o, p, rest);
	o += rest;
	out[o] = '\0';
	free(*body);
	*body = out;
	*len = o;
	return true;
}

#define V1BETA1 "coordination.k8s.io/v1beta1"
#define V1ALPHA1 "coordination.k8s.io/v1alpha1"

/* spec.strategy -> spec.preferredStrategies: [strategy] (last, where
 * v1alpha1's field order has it; omitted when empty, as omitempty). */
static bool spec_to_alpha1(cJSON *spec)
{
	cJSON *st = cJSON_GetObjectItemCaseSensitive(spec, "strategy");
	if (st == NULL)
		return true;
	cJSON *item = cJSON_DetachItemViaPointer(spec, st);
	bool ok = true;
	if (cJSON_IsString(item) && item->valuestring[0] != '\0') {
		const char *one[1] = {item->valuestring};
		cJSON *list = cJSON_CreateStringArray(one, 1);
		ok = list != NULL && cJSON_AddItemToObject(spec, "preferredStrategies", list);
	}
	cJSON_Delete(item);
	return ok;
}

static bool walk_alpha1(cJSON *node)
{
	if (cJSON_IsObject(node)) {
		cJSON *av = cJSON_GetObjectItemCaseSensitive(node, "apiVersion");
		if (cJSON_IsString(av) && strcmp(av->valuestring, V1BETA1) == 0 &&
		    cJSON_SetValuestring(av, V1ALPHA1) == NULL)
			return false;
		cJSON *spec = cJSON_GetObjectItemCaseSensitive(node, "spec");
		/* only leasecandidates are served on this path: a spec with a
		 * binaryVersion or a leaseName is one */
		if (cJSON_IsObject(spec) &&
		    (cJSON_GetObjectItemCaseSensitive(spec, "binaryVersion") != NULL ||
		     cJSON_GetObjectItemCaseSensitive(spec, "leaseName") != NULL) &&
		    !spec_to_alpha1(spec))
			return false;
	}
	for (cJSON *c = node->child; c != NULL; c = c->next)
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !walk_alpha1(c))
			return false;
	return true;
}

bool fahttp__as_alpha1(char **body, size_t *len)
{
	if (*body == NULL || *len == 0)
		return true;
	fahttp_buf b = {0};
	const char *p = *body, *end = *body + *len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *j = n > 0 ? cJSON_ParseWithLength(p, n) : NULL;
		if (j != NULL) {
			char *out = walk_alpha1(j) ? cJSON_PrintUnformatted(j) : NULL;
			cJSON_Delete(j);
			if (out == NULL) {
				free(b.p);
				return false;
			}
			fahttp__buf_str(&b, out);
			free(out);
		} else {
			fahttp__buf_add(&b, p, n);
		}
		if (nl != NULL)
			fahttp__buf_add(&b, "\n", 1);
		p += n + (nl != NULL);
	}
	if (b.oom) {
		free(b.p);
		return false;
	}
	fahttp__buf_add(&b, "", 1); /* the NUL, not counted */
	if (b.oom) {
		free(b.p);
		return false;
	}
	free(*body);
	*body = b.p;
	*len = b.len - 1;
	return true;
}

bool fahttp__from_alpha1(cJSON *body, fahttp_response *resp)
{
	cJSON *av = cJSON_GetObjectItemCaseSensitive(body, "apiVersion");
	if (cJSON_IsString(av) && strcmp(av->valuestring, V1ALPHA1) == 0)
		cJSON_SetValuestring(av, V1BETA1);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(body, "spec");
	cJSON *ps = cJSON_GetObjectItemCaseSensitive(spec, "preferredStrategies");
	if (ps == NULL)
		return true;
	const cJSON *first = NULL;
	bool ok = cJSON_IsNull(ps) || cJSON_IsArray(ps);
	const cJSON *list = cJSON_IsArray(ps) ? ps : NULL, *e;
	cJSON_ArrayForEach(e, list)
	{
		ok = ok && cJSON_IsString(e);
		if (first == NULL)
			first = e;
	}
	if (!ok) {
		fahttp_reply_error(resp, 400, "BadRequest",
				   "LeaseCandidate in version \"v1alpha1\" cannot be handled "
				   "as a LeaseCandidate: json: cannot unmarshal into Go struct "
				   "field LeaseCandidateSpec.spec.preferredStrategies of type "
				   "[]v1.CoordinatedLeaseStrategy");
		return false;
	}
	cJSON *strategy = first != NULL ? cJSON_CreateString(first->valuestring)
					: cJSON_CreateNull();
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "preferredStrategies");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "strategy");
	if (strategy == NULL || !cJSON_AddItemToObject(spec, "strategy", strategy)) {
		cJSON_Delete(strategy);
		fahttp_reply_error(resp, 500, "InternalError", "out of memory");
		return false;
	}
	return true;
}

void fahttp__set_body(fahttp_response *resp, char *body)
{
	free(resp->body);
	resp->body = body;
	resp->body_len = body != NULL ? strlen(body) : 0;
}

void fahttp_reply_status(fahttp_response *resp, const fa_status *st,
			 const char *name, fa_resource res)
{
	resp->action = FAHTTP_ACT_REPLY;
	resp->code = st->code > 0 ? st->code : 500;
	resp->content_type = FAHTTP_CT_JSON;
	resp->retry_after_s = st->code == 429 ? (st->retry_after_s > 0 ? st->retry_after_s : 1) : 0;
	fahttp__set_body(resp, fa_status_to_json(st, name, res));
	if (resp->body == NULL) {
		/* out of memory: still a Status, from static text */
		static const char fallback[] =
			"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			"\"status\":\"Failure\",\"message\":\"out of memory\","
			"\"reason\":\"InternalError\",\"code\":500}";
		resp->code = 500;
		resp->body = malloc(sizeof(fallback));
		if (resp->body != NULL) {
			memcpy(resp->body, fallback, sizeof(fallback));
			resp->body_len = sizeof(fallback) - 1;
		}
	}
}

void fahttp_reply_error(fahttp_response *resp, int code, const char *reason,
			const char *message)
{
	fa_status st;
	fa_status_ok(&st, code);
	snprintf(st.reason, sizeof(st.reason), "%s", reason);
	snprintf(st.message, sizeof(st.message), "%s", message);
	fahttp_reply_status(resp, &st, NULL, FA_RES_COUNT);
}

void fahttp_reply_injected(fahttp_response *resp, int code, int retry_after_s)
{
	fa_status st;
	fa_status_injected(&st, code, retry_after_s);
	fahttp_reply_status(resp, &st, NULL, FA_RES_COUNT);
}

void fahttp__reply_json(fahttp_response *resp, int code, cJSON *obj,
			const char *content_type)
{
	char *s = obj != NULL ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	if (s == NULL) {
		fahttp_reply_error(resp, 500, "InternalError",
				   "Internal error occurred: out of memory");
		return;
	}
	resp->action = FAHTTP_ACT_REPLY;
	resp->code = code;
	resp->content_type = content_type;
	fahttp__set_body(resp, s);
}
