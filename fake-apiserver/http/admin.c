/* leaselab — fake-apiserver HTTP: the admin API under /leaselab/v1.
 *
 *   GET    /leaselab/v1/faults          {"down":false,"items":[{"id":0,"rule":{...}}]}
 *   POST   /leaselab/v1/faults          a rule (fa_fault_rule_from_json), an array
 *                                       of rules, or {"rules":[...]}: 201
 *   DELETE /leaselab/v1/faults          clear every rule
 *   GET    /leaselab/v1/faults/ID       one rule
 *   DELETE /leaselab/v1/faults/ID       remove one rule
 *   POST   /leaselab/v1/down | /up      the whole server down (refused) / up
 *   GET    /leaselab/v1/history         committed writes as JSON lines;
 *                                       ?since=N skips the first N (past
 *                                       the end: only new ones),
 *                                       ?follow=1 keeps streaming
 *   GET    /leaselab/v1/state           revision, history length, down, rules
 *
 * With --admin-token every call needs "Authorization: Bearer TOKEN". Without
 * one the admin API is open only while clients need no authentication
 * (no --tokens, --client-ca or --policy); otherwise it is closed (403). The
 * admin API is never subject to the fault rules it manages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fahttp.h"

static bool token_ok(const fahttp_ctx *c, const fahttp_request *rq)
{
	/* Fail closed: once clients must authenticate, an admin API without
	 * its own token would let anyone read every object and take the server
	 * down. bin/fake-apiserver refuses to start that way; this covers
	 * embedders. */
	if (c->admin_token == NULL)
		return !c->tokens_configured && !c->client_certs_configured &&
		       !fa_authz_has_policy(c->authz);
	const char *a = rq->authorization;
	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0)
		return false;
	a += 7;
	while (*a == ' ')
		a++;
	/* compare every byte: the time taken does not say how much matched */
	size_t n = strlen(c->admin_token), m = strlen(a);
	unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(c->admin_token[i] ^ (i < m ? a[i] : 0));
	return diff == 0;
}

static cJSON *rule_item(const fahttp_admin_rule *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", r->id);
	cJSON *rule = fa_fault_rule_to_json(&r->rule);
	cJSON_AddItemToObject(o, "rule", rule != NULL ? rule : cJSON_CreateObject());
	return o;
}

static void list_rules(fahttp_ctx *c, fahttp_response *resp)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "down", fa_faults_down(c->faults));
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < c->nrules; i++)
		cJSON_AddItemToArray(items, rule_item(&c->rules[i]));
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
}

static bool mirror_add(fahttp_ctx *c, int id, const fa_fault_rule *r)
{
	if (c->nrules == c->rules_cap) {
		size_t cap = c->rules_cap ? c->rules_cap * 2 : 8;
		fahttp_admin_rule *p = realloc(c->rules, cap * sizeof(*p));
		if (p == NULL)
			return false;
		c->rules = p;
		c->rules_cap = cap;
	}
	c->rules[c->nrules].id = id;
	c->rules[c->nrules].rule = *r;
	c->nrules++;
	return true;
}

static void add_rules(fahttp_ctx *c, const fahttp_request *rq,
		      fahttp_response *resp)
{
	cJSON *body = NULL;
	/* an array is allowed here, so parse without fahttp__parse_body */
	const char *b = rq->body != NULL ? rq->body : "";
	body = cJSON_ParseWithLength(b, rq->body_len);
	const cJSON *list = body;
	bool single = cJSON_IsObject(body) &&
		      cJSON_GetObjectItemCaseSensitive(body, "rules") == NULL;
	if (cJSON_IsObject(body) && !single)
		list = cJSON_GetObjectItemCaseSensitive(body, "rules");
	if (!single && !cJSON_IsArray(list)) {
		cJSON_Delete(body);
		fahttp_reply_error(resp, 400, "BadRequest",
				   "fault rules: expected a JSON object (one rule), an "
				   "array of rules, or {\"rules\":[...]}");
		return;
	}
	int n = single ? 1 : cJSON_GetArraySize(list);
	fa_fault_rule *rules = calloc((size_t)n + 1, sizeof(*rules));
	if (rules == NULL) {
		cJSON_Delete(body);
		fahttp_reply_error(resp, 500, "InternalError", "out of memory");
		return;
	}
	/* all or nothing: validate every rule before adding any */
	for (int i = 0; i < n; i++) {
		const cJSON *j = single ? body : cJSON_GetArrayItem(list, i);
		char err[300], msg[400];
		if (fa_fault_rule_from_json(j, &rules[i], err, sizeof(err)) != LE_OK) {
			if (single)
				snprintf(msg, sizeof(msg), "%s", err);
			else
				snprintf(msg, sizeof(msg), "rules[%d]: %s", i, err);
			free(rules);
			cJSON_Delete(body);
			fahttp_reply_error(resp, 400, "BadRequest", msg);
			return;
		}
	}
	cJSON_Delete(body);
	cJSON *items = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		int id = fa_faults_add(c->faults, &rules[i]);
		if (id < 0 || !mirror_add(c, id, &rules[i])) {
			if (id >= 0)
				fa_faults_remove(c->faults, id);
			char msg[200];
			snprintf(msg, sizeof(msg), "rules[%d]: rejected (%s); %d added before it",
				 i, le_strerror(id < 0 ? id : LE_ENOMEM), i);
			free(rules);
			cJSON_Delete(items);
			fahttp_reply_error(resp, 400, "BadRequest", msg);
			return;
		}
		cJSON_AddItemToArray(items, rule_item(&c->rules[c->nrules - 1]));
	}
	free(rules);
	if (single) {
		cJSON *one = cJSON_DetachItemFromArray(items, 0);
		cJSON_Delete(items);
		fahttp__reply_json(resp, 201, one, FAHTTP_CT_JSON);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", items);
	fahttp__reply_json(resp, 201, o, FAHTTP_CT_JSON);
}

static void clear_rules(fahttp_ctx *c, fahttp_response *resp)
{
	size_t n = c->nrules;
	fa_faults_clear(c->faults);
	c->nrules = 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "cleared", (double)n);
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
}

static void one_rule(fahttp_ctx *c, const char *id_text, bool remove,
		     fahttp_response *resp)
{
	char *end = NULL;
	long id = strtol(id_text, &end, 10);
	size_t i = 0;
	if (end != NULL && *end == '\0' && end != id_text)
		while (i < c->nrules && c->rules[i].id != id)
			i++;
	if (end == NULL || *end != '\0' || end == id_text || i == c->nrules) {
		char msg[160];
		snprintf(msg, sizeof(msg), "fault rule \"%.64s\" not found", id_text);
		fahttp_reply_error(resp, 404, "NotFound", msg);
		return;
	}
	cJSON *item = rule_item(&c->rules[i]);
	if (remove) {
		fa_faults_remove(c->faults, (int)id);
		memmove(&c->rules[i], &c->rules[i + 1],
			(c->nrules - i - 1) * sizeof(c->rules[0]));
		c->nrules--;
	}
	fahttp__reply_json(resp, 200, item, FAHTTP_CT_JSON);
}

static void set_down(fahttp_ctx *c, bool down, fahttp_response *resp)
{
	bool was = fa_faults_down(c->faults);
	fa_faults_set_down(c->faults, down);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "down", down);
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
	resp->went_down = down && !was;
}

static void history(fahttp_ctx *c, const fahttp_request *rq,
		    const fahttp_call *call, fahttp_response *resp)
{
	const char *since = fahttp_uri_query(&call->uri, "since");
	size_t from = 0;
	if (since != NULL) {
		char *end = NULL;
		unsigned long long v = strtoull(since, &end, 10);
		if (since[0] == '\0' || since[0] == '-' || end == NULL || *end != '\0') {
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "since: expected a history index, got \"%.64s\"", since);
			fahttp_reply_error(resp, 400, "BadRequest", msg);
			return;
		}
		from = (size_t)v;
	}
	size_t len = fa_store_history_len(c->store);
	size_t first = fa_store_history_first(c->store);
	if (from > len)
		from = len; /* past the end (a restarted server): new entries only */
	if (since != NULL && from < first) {
		char msg[200];
		snprintf(msg, sizeof(msg),
			 "since=%zu: history entries %zu..%zu were dropped (--history-max); "
			 "the oldest kept is %zu", from, from, first - 1, first);
		fahttp_reply_error(resp, 410, "Gone", msg);
		return;
	}
	fahttp_buf b = {0};
	if (from < first) {
		/* no since: everything kept, after a line saying what is not */
		char mark[200];
		snprintf(mark, sizeof(mark),
			 "{\"type\":\"DROPPED\",\"from\":0,\"to\":%zu,\"message\":"
			 "\"history entries 0..%zu were dropped (--history-max)\"}\n",
			 first, first - 1);
		fahttp__buf_str(&b, mark);
		from = first;
	}
	for (size_t i = from; i < len; i++) {
		char *line = fa_store_history_json(c->store, i);
		if (line == NULL) {
			b.oom = true;
			break;
		}
		fahttp__buf_str(&b, line);
		fahttp__buf_add(&b, "\n", 1);
		free(line);
	}
	resp->action = fahttp_query_true(fahttp_uri_query(&call->uri, "follow")) &&
				       strcmp(rq->method, "GET") == 0
			       ? FAHTTP_ACT_FOLLOW
			       : FAHTTP_ACT_REPLY;
	resp->code = 200;
	resp->content_type = FAHTTP_CT_JSONL;
	resp->follow_from = len;
	fahttp__buf_to_body(&b, resp);
	if (resp->code != 200)
		resp->action = FAHTTP_ACT_REPLY;
}

static void state(fahttp_ctx *c, fahttp_response *resp)
{
	char rev[24];
	snprintf(rev, sizeof(rev), "%llu",
		 (unsigned long long)fa_store_revision(c->store));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "revision", rev);
	cJSON_AddNumberToObject(o, "historyLength",
				(double)fa_store_history_len(c->store));
	cJSON_AddNumberToObject(o, "historyFirst",
				(double)fa_store_history_first(c->store));
	cJSON_AddNumberToObject(o, "historyMax",
				(double)fa_store_history_max(c->store));
	cJSON_AddBoolToObject(o, "down", fa_faults_down(c->faults));
	cJSON_AddNumberToObject(o, "faultRules", (double)c->nrules);
	cJSON_AddNumberToObject(o, "watchBacklogMax", (double)c->stream_backlog_max);
	cJSON_AddNumberToObject(o, "watchBacklogPeak", (double)c->stream_backlog_peak);
	cJSON_AddNumberToObject(o, "watchBacklogClosed",
				(double)c->stream_backlog_closed);
	fahttp__reply_json(resp, 200, o, FAHTTP_CT_JSON);
}

static void method_not_allowed(fahttp_response *resp)
{
	fahttp_reply_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the "
			   "requested resource");
}

void fahttp__admin(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		   fahttp_response *resp)
{
	if (!token_ok(c, rq)) {
		if (c->admin_token == NULL)
			fahttp_reply_error(resp, 403, "Forbidden",
					   "the admin API is closed: clients must "
					   "authenticate but no --admin-token was given");
		else
			fahttp_reply_error(resp, 401, "Unauthorized",
					   "the admin API needs the --admin-token as "
					   "\"Authorization: Bearer TOKEN\"");
		return;
	}
	const char *const *s = call->uri.seg + call->route.admin_seg;
	size_t n = call->uri.nseg - call->route.admin_seg;
	const char *m = rq->method != NULL ? rq->method : "";
	bool get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	bool post = strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0;
	bool del = strcmp(m, "DELETE") == 0;
	if (n >= 1 && strcmp(s[0], "faults") == 0 && n <= 2) {
		if (n == 1 && get)
			list_rules(c, resp);
		else if (n == 1 && strcmp(m, "POST") == 0)
			add_rules(c, rq, resp);
		else if (n == 1 && del)
			clear_rules(c, resp);
		else if (n == 2 && (get || del))
			one_rule(c, s[1], del, resp);
		else
			method_not_allowed(resp);
	} else if (n == 1 && (strcmp(s[0], "down") == 0 || strcmp(s[0], "up") == 0)) {
		if (post)
			set_down(c, strcmp(s[0], "down") == 0, resp);
		else
			method_not_allowed(resp);
	} else if (n == 1 && strcmp(s[0], "history") == 0) {
		if (get)
			history(c, rq, call, resp);
		else
			method_not_allowed(resp);
	} else if (n == 1 && strcmp(s[0], "state") == 0) {
		if (get)
			state(c, resp);
		else
			method_not_allowed(resp);
	} else {
		fahttp_reply_error(resp, 404, "NotFound",
				   "no such admin path (see /leaselab/v1/faults, "
				   "/down, /up, /history, /state)");
	}
}
