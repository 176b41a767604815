/* libFuzzer target: the fake apiserver's request handler (no sockets).
 *
 * Input: "METHOD TARGET\n", then header lines "Name: value\n" up to an empty
 * line, then the body (the rest, handed over without a terminating NUL).
 * Each input runs against a fresh store that already holds one object of
 * each kind, so updates, patches, deletes and watches reach real objects.
 * Checks: the handler never crashes (ASan/UBSan), every reply has a code
 * in 200..599 and a non-empty body, and every error reply is a JSON
 * `kind: Status` whose code matches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../fake-apiserver/http/fahttp.h"

#define NOW INT64_C(1700000000000000000)

static void seed_store(fahttp_ctx *c)
{
	static const struct {
		const char *target, *body;
	} objs[] = {
		{"/apis/coordination.k8s.io/v1/namespaces/default/leases",
		 "{\"metadata\":{\"name\":\"l\",\"labels\":{\"a\":\"b\"}},\"spec\":{"
		 "\"holderIdentity\":\"h\",\"leaseDurationSeconds\":15}}"},
		{"/api/v1/namespaces/default/endpoints",
		 "{\"metadata\":{\"name\":\"e\",\"annotations\":{\"control-plane.alpha."
		 "kubernetes.io/leader\":\"{\\\"holderIdentity\\\":\\\"h\\\"}\"}},"
		 "\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],\"ports\":[{\"port\":1}]}]}"},
		{"/api/v1/namespaces/default/configmaps",
		 "{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"}}"},
	};
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		fahttp_request rq = {.method = "POST",
				     .target = objs[i].target,
				     .content_type = "application/json",
				     .body = objs[i].body,
				     .body_len = strlen(objs[i].body),
				     .now_wall_ns = NOW};
		fahttp_response r;
		fahttp_handle(c, &rq, &r);
		fahttp_response_free(&r);
	}
}

/* Copies [p, p+n) into a new NUL-terminated string. */
static char *dup_n(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static void check_reply(const fahttp_response *r)
{
	if (r->action != FAHTTP_ACT_REPLY && r->action != FAHTTP_ACT_WATCH &&
	    r->action != FAHTTP_ACT_FOLLOW)
		return;
	if (r->code < 200 || r->code > 599)
		abort();
	if (r->action == FAHTTP_ACT_REPLY && (r->body == NULL || r->body_len == 0) &&
	    r->code != 200)
		abort();
	if (r->code < 400)
		return;
	cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
	if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "Status") != 0 ||
	    !cJSON_IsNumber(code) || (int)code->valuedouble != r->code)
		abort();
	cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		return 0;
	char *line = dup_n(p, (size_t)(nl - p));
	p = nl + 1;
	char *sp = line != NULL ? strchr(line, ' ') : NULL;
	if (sp == NULL) {
		free(line);
		return 0;
	}
	*sp = '\0';
	fahttp_request rq = {.method = line, .target = sp + 1, .now_wall_ns = NOW};
	char *hdrs[8] = {0};
	int nh = 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const uint8_t *next = nl != NULL ? nl + 1 : end;
		if (n == 0) {
			p = next;
			break;
		}
		char *h = dup_n(p, n);
		char *colon = h != NULL ? strchr(h, ':') : NULL;
		if (colon != NULL && nh < 8) {
			*colon = '\0';
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			if (strcasecmp(h, "accept") == 0)
				rq.accept = v;
			else if (strcasecmp(h, "content-type") == 0)
				rq.content_type = v;
			else if (strcasecmp(h, "authorization") == 0)
				rq.authorization = v;
			else if (strcasecmp(h, "x-leaselab-identity") == 0)
				rq.identity_header = v;
			hdrs[nh++] = h;
		} else {
			free(h);
		}
		p = next;
	}
	/* the body without a NUL after it, so overreads show */
	size_t blen = (size_t)(end - p);
	char *body = blen > 0 ? malloc(blen) : NULL;
	if (body != NULL)
		memcpy(body, p, blen);
	rq.body = body;
	rq.body_len = body != NULL ? blen : 0;

	fa_store *s = fa_store_new(1);
	fa_faults *f = fa_faults_new();
	fa_authz *a = fa_authz_new();
	fahttp_ctx *c = fahttp_ctx_new(s, a, f, NULL);
	if (c != NULL) {
		seed_store(c);
		fahttp_response r;
		fahttp_handle(c, &rq, &r);
		check_reply(&r);
		fahttp_response_free(&r);
		/* a second request sees whatever the first changed (fault rules,
		 * objects): a plain read of each kind */
		static const char *const reads[] = {
			"/apis/coordination.k8s.io/v1/leases?watch=1",
			"/api/v1/namespaces/default/endpoints/e", "/leaselab/v1/history"};
		for (size_t i = 0; i < 3; i++) {
			fahttp_request rq2 = {.method = "GET", .target = reads[i],
					      .accept = rq.accept, .now_wall_ns = NOW};
			fahttp_handle(c, &rq2, &r);
			check_reply(&r);
			fahttp_response_free(&r);
		}
	}
	fahttp_ctx_free(c);
	fa_authz_free(a);
	fa_faults_free(f);
	fa_store_free(s);
	free(body);
	for (int i = 0; i < nh; i++)
		free(hdrs[i]);
	free(line);
	return 0;
}
