/* leaselab — fake-apiserver: the fault model. Rules keyed by client
 * identity, composed in order, turned into one decision per request by
 * draws from a seeded stream the driver owns. The decision is data: the
 * HTTP front end carries it out with libevent timers, the simulator in
 * virtual time. Nothing here reads a clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_internal.h"

typedef struct slot {
	int id;
	fa_fault_rule rule;
} slot;

struct fa_faults {
	slot *rules;
	size_t n, cap;
	int next_id;
	bool down;
};

fa_faults *fa_faults_new(void)
{
	return calloc(1, sizeof(fa_faults));
}

void fa_faults_free(fa_faults *f)
{
	if (f == NULL)
		return;
	free(f->rules);
	free(f);
}

static bool prob_ok(double p)
{
	return p >= 0.0 && p <= 1.0;
}

static bool error_code_ok(int code)
{
	return code == 0 || code == 429 || code == 500 || code == 503 || code == 504;
}

static const char *latency_check(const fa_latency *l)
{
	switch (l->kind) {
	case FA_LAT_NONE:
		return NULL;
	case FA_LAT_FIXED:
		return l->a_ns >= 0 ? NULL : "a must not be negative";
	case FA_LAT_UNIFORM:
		if (l->a_ns < 0 || l->b_ns < l->a_ns)
			return "a uniform latency needs 0 <= a <= b";
		return NULL;
	case FA_LAT_PARETO:
		if (l->a_ns <= 0)
			return "a Pareto latency needs a scale a > 0";
		if (!(l->alpha > 0.0) || !isfinite(l->alpha))
			return "a Pareto latency needs a shape alpha > 0";
		if (l->b_ns != 0 && l->b_ns < l->a_ns)
			return "a Pareto latency's cap b must be 0 (none) or >= a";
		return NULL;
	}
	return "unknown latency kind";
}

/* NULL when the rule is usable, else what is wrong with it. */
static const char *rule_check(const fa_fault_rule *r, const char **key)
{
	const char *why;
	if ((why = latency_check(&r->request_latency)) != NULL) {
		*key = "requestLatency";
		return why;
	}
	if ((why = latency_check(&r->response_latency)) != NULL) {
		*key = "responseLatency";
		return why;
	}
	*key = "requestLoss";
	if (!prob_ok(r->request_loss))
		return "must be a probability between 0 and 1";
	*key = "responseLoss";
	if (!prob_ok(r->response_loss))
		return "must be a probability between 0 and 1";
	*key = "errorRate";
	if (!prob_ok(r->error_rate))
		return "must be a probability between 0 and 1";
	*key = "error";
	if (!error_code_ok(r->error_code))
		return "must be 429, 500, 503 or 504";
	*key = "partition";
	if ((unsigned)r->partition > FA_PART_BLACKHOLE)
		return "must be \"refused\" or \"blackhole\"";
	*key = "retryAfter";
	if (r->retry_after_s < 0)
		return "must not be negative";
	*key = "commitDelay";
	if (r->commit_delay_ns < 0)
		return "must not be negative";
	return NULL;
}

int fa_faults_add(fa_faults *f, const fa_fault_rule *r)
{
	const char *key;
	if (f == NULL || r == NULL || rule_check(r, &key) != NULL)
		return LE_EINVAL;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		slot *s = realloc(f->rules, cap * sizeof(*s));
		if (s == NULL)
			return LE_ENOMEM;
		f->rules = s;
		f->cap = cap;
	}
	slot *s = &f->rules[f->n++];
	s->id = f->next_id++;
	s->rule = *r;
	s->rule.identity[sizeof(s->rule.identity) - 1] = '\0';
	return s->id;
}

int fa_faults_remove(fa_faults *f, int id)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->rules[i].id == id) {
			memmove(&f->rules[i], &f->rules[i + 1],
				(f->n - i - 1) * sizeof(*f->rules));
			f->n--;
			return LE_OK;
		}
	}
	return LE_ENOTFOUND;
}

void fa_faults_clear(fa_faults *f)
{
	f->n = 0;
}

void fa_faults_set_down(fa_faults *f, bool down)
{
	f->down = down;
}

bool fa_faults_down(const fa_faults *f)
{
	return f->down;
}

/* ---- decisions ------------------------------------------------------------- */

static bool rule_matches(const fa_fault_rule *r, const char *identity)
{
	return r->identity[0] == '\0' || strcmp(r->identity, "*") == 0 ||
	       (identity != NULL && strcmp(r->identity, identity) == 0);
}

/* Later matching rules override the fields they set. */
static void compose(const fa_faults *f, const char *identity, fa_fault_rule *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < f->n; i++) {
		const fa_fault_rule *r = &f->rules[i].rule;
		if (!rule_matches(r, identity))
			continue;
		if (r->request_latency.kind != FA_LAT_NONE)
			c->request_latency = r->request_latency;
		if (r->response_latency.kind != FA_LAT_NONE)
			c->response_latency = r->response_latency;
		if (r->request_loss > 0)
			c->request_loss = r->request_loss;
		if (r->response_loss > 0)
			c->response_loss = r->response_loss;
		if (r->partition != FA_PART_NONE)
			c->partition = r->partition;
		if (r->error_code != 0) {
			c->error_code = r->error_code;
			c->error_rate = r->error_rate;
			c->retry_after_s = r->retry_after_s;
		}
		if (r->commit_delay_ns > 0)
			c->commit_delay_ns = r->commit_delay_ns;
	}
}

/* Longest latency a draw gives when the distribution has no cap (a Pareto
 * with b 0): an hour, so a tail index near 0 cannot overflow a deadline. */
#define LATENCY_MAX_NS (INT64_C(3600) * LE_NS_PER_S)

int64_t fa_latency_draw(const fa_latency *l, fa_rng *rng)
{
	switch (l->kind) {
	case FA_LAT_NONE:
		return 0;
	case FA_LAT_FIXED:
		return l->a_ns;
	case FA_LAT_UNIFORM:
		if (l->b_ns <= l->a_ns)
			return l->a_ns;
		return l->a_ns + (int64_t)fa_rng_below(rng, (uint64_t)(l->b_ns - l->a_ns));
	case FA_LAT_PARETO: {
		/* Inverse CDF: a / U^(1/alpha), U in (0, 1]. */
		double u = 1.0 - fa_rng_unit(rng);
		double x = (double)l->a_ns / pow(u, 1.0 / l->alpha);
		int64_t cap = l->b_ns > 0 ? l->b_ns : LATENCY_MAX_NS;
		if (!(x < (double)cap)) /* NaN and infinity too */
			return cap;
		return (int64_t)x;
	}
	}
	return 0;
}

static bool chance(fa_rng *rng, double p)
{
	return p > 0.0 && (p >= 1.0 || fa_rng_unit(rng) < p);
}

/* Draws happen in a fixed order (request loss, request latency, error,
 * response loss, response latency) and only for what the matching rules
 * set, so the same rules and seed give the same decisions. */
void fa_faults_decide(const fa_faults *f, const char *identity, fa_rng *rng,
		      fa_decision *out)
{
	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return;
	if (f->down) {
		out->refused = true;
		return;
	}
	if (f->n == 0) /* no rule: no draw, nothing to decide */
		return;
	fa_fault_rule c;
	compose(f, identity, &c);
	if (c.partition == FA_PART_REFUSED) {
		out->refused = true;
		return;
	}
	if (c.partition == FA_PART_BLACKHOLE) {
		out->blackhole = true;
		return;
	}
	if (chance(rng, c.request_loss)) {
		out->drop_request = true;
		return;
	}
	out->request_delay_ns = fa_latency_draw(&c.request_latency, rng);
	if (c.error_code != 0 &&
	    chance(rng, c.error_rate > 0.0 ? c.error_rate : 1.0)) {
		out->error_code = c.error_code;
		out->retry_after_s = c.error_code == 429
					     ? (c.retry_after_s > 0 ? c.retry_after_s : 1)
					     : 0;
		out->response_delay_ns = fa_latency_draw(&c.response_latency, rng);
		return;
	}
	out->commit_delay_ns = c.commit_delay_ns;
	if (chance(rng, c.response_loss)) {
		out->drop_response = true;
		return;
	}
	out->response_delay_ns = fa_latency_draw(&c.response_latency, rng);
}
/* Go's time.ParseDuration, without signs: "250ms", "1.5s", "1m30s", "0". */
static bool parse_go_duration(const char *s, int64_t *out)
{
	char why[160];
	if (*s == '-' || *s == '+')
		return false;
	return le_parse_duration(s, out, why, sizeof why) == LE_OK;
}

int fa__parse_duration(const cJSON *v, int64_t *ns_out, char *err, size_t errcap)
{
	if (cJSON_IsNumber(v)) {
		if (!(v->valuedouble >= 0) || v->valuedouble > 9.0e12) {
			snprintf(err, errcap, "a duration in milliseconds must be "
				 "between 0 and 9e12, got %g", v->valuedouble);
			return LE_EINVAL;
		}
		*ns_out = (int64_t)(v->valuedouble * 1e6 + 0.5);
		return LE_OK;
	}
	if (cJSON_IsString(v) && parse_go_duration(v->valuestring, ns_out))
		return LE_OK;
	if (cJSON_IsString(v))
		snprintf(err, errcap, "invalid duration \"%.64s\" (use e.g. \"250ms\", "
			 "\"2s\", \"1m30s\", or integer milliseconds)", v->valuestring);
	else
		snprintf(err, errcap, "expected a duration such as \"250ms\" or "
			 "integer milliseconds");
	return LE_EINVAL;
}

void fa__format_duration(int64_t ns, char *buf, size_t cap)
{
	long long v = (long long)ns;
	if (v != 0 && v % 1000000000LL == 0)
		snprintf(buf, cap, "%llds", v / 1000000000LL);
	else if (v != 0 && v % 1000000LL == 0)
		snprintf(buf, cap, "%lldms", v / 1000000LL);
	else if (v != 0 && v % 1000LL == 0)
		snprintf(buf, cap, "%lldus", v / 1000LL);
	else if (v != 0)
		snprintf(buf, cap, "%lldns", v);
	else
		snprintf(buf, cap, "0s");
}

/* ---- rules as JSON -------------------------------------------------------------- */

static int key_error(char *err, size_t errcap, const char *key, const char *why)
{
	snprintf(err, errcap, "fault rule: %s: %s", key, why);
	return LE_EINVAL;
}

static int parse_latency(const cJSON *v, const char *key, fa_latency *out,
			 char *err, size_t errcap)
{
	char why[200], sub[64];
	memset(out, 0, sizeof(*out));
	if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
		/* Shorthand: a bare duration is a fixed latency. */
		if (fa__parse_duration(v, &out->a_ns, why, sizeof(why)) != LE_OK)
			return key_error(err, errcap, key, why);
		out->kind = FA_LAT_FIXED;
		return LE_OK;
	}
	if (!cJSON_IsObject(v))
		return key_error(err, errcap, key,
				 "expected {\"kind\":\"fixed|uniform|pareto\", \"a\":..., "
				 "\"b\":..., \"alpha\":...} or a duration");
	const cJSON *m;
	bool has_kind = false;
	cJSON_ArrayForEach(m, v)
	{
		snprintf(sub, sizeof(sub), "%s.%s", key, m->string);
		if (strcmp(m->string, "kind") == 0) {
			const char *k = cJSON_IsString(m) ? m->valuestring : "";
			has_kind = true;
			if (strcmp(k, "fixed") == 0)
				out->kind = FA_LAT_FIXED;
			else if (strcmp(k, "uniform") == 0)
				out->kind = FA_LAT_UNIFORM;
			else if (strcmp(k, "pareto") == 0)
				out->kind = FA_LAT_PARETO;
			else if (strcmp(k, "none") == 0)
				out->kind = FA_LAT_NONE;
			else
				return key_error(err, errcap, sub,
						 "expected \"fixed\", \"uniform\", "
						 "\"pareto\" or \"none\"");
		} else if (strcmp(m->string, "a") == 0 || strcmp(m->string, "b") == 0) {
			int64_t *dst = m->string[0] == 'a' ? &out->a_ns : &out->b_ns;
			if (fa__parse_duration(m, dst, why, sizeof(why)) != LE_OK)
				return key_error(err, errcap, sub, why);
		} else if (strcmp(m->string, "alpha") == 0) {
			if (!cJSON_IsNumber(m))
				return key_error(err, errcap, sub, "expected a number");
			out->alpha = m->valuedouble;
		} else {
			return key_error(err, errcap, sub,
					 "unknown key (expected kind, a, b, alpha)");
		}
	}
	if (!has_kind) {
		snprintf(sub, sizeof(sub), "%s.kind", key);
		return key_error(err, errcap, sub, "required");
	}
	const char *bad = latency_check(out);
	if (bad != NULL)
		return key_error(err, errcap, key, bad);
	return LE_OK;
}

static int parse_prob(const cJSON *v, const char *key, double *out, char *err,
		      size_t errcap)
{
	if (!cJSON_IsNumber(v) || !prob_ok(v->valuedouble))
		return key_error(err, errcap, key,
				 "expected a probability between 0 and 1");
	*out = v->valuedouble;
	return LE_OK;
}

int fa_fault_rule_from_json(const void *json, fa_fault_rule *out, char *err,
			    size_t errcap)
{
	const cJSON *o = json;
	char why[200];
	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(o)) {
		snprintf(err, errcap, "fault rule: expected a JSON object");
		return LE_EINVAL;
	}
	const cJSON *m;
	cJSON_ArrayForEach(m, o)
	{
		const char *k = m->string;
		int rc = LE_OK;
		if (strcmp(k, "identity") == 0) {
			if (!cJSON_IsString(m) || strlen(m->valuestring) >= LE_ID_MAX)
				return key_error(err, errcap, k,
						 "expected a string (a client "
						 "identity, or \"*\" for all)");
			snprintf(out->identity, sizeof(out->identity), "%s", m->valuestring);
		} else if (strcmp(k, "requestLatency") == 0) {
			rc = parse_latency(m, k, &out->request_latency, err, errcap);
		} else if (strcmp(k, "responseLatency") == 0) {
			rc = parse_latency(m, k, &out->response_latency, err, errcap);
		} else if (strcmp(k, "requestLoss") == 0) {
			rc = parse_prob(m, k, &out->request_loss, err, errcap);
		} else if (strcmp(k, "responseLoss") == 0) {
			rc = parse_prob(m, k, &out->response_loss, err, errcap);
		} else if (strcmp(k, "errorRate") == 0) {
			rc = parse_prob(m, k, &out->error_rate, err, errcap);
		} else if (strcmp(k, "partition") == 0) {
			const char *p = cJSON_IsString(m) ? m->valuestring : "";
			if (strcmp(p, "refused") == 0)
				out->partition = FA_PART_REFUSED;
			else if (strcmp(p, "blackhole") == 0)
				out->partition = FA_PART_BLACKHOLE;
			else if (strcmp(p, "none") == 0)
				out->partition = FA_PART_NONE;
			else
				return key_error(err, errcap, k,
						 "expected \"refused\", \"blackhole\" "
						 "or \"none\"");
		} else if (strcmp(k, "error") == 0) {
			if (!cJSON_IsNumber(m) || !error_code_ok((int)m->valuedouble) ||
			    m->valuedouble != (int)m->valuedouble)
				return key_error(err, errcap, k,
						 "expected 429, 500, 503 or 504");
			out->error_code = (int)m->valuedouble;
		} else if (strcmp(k, "retryAfter") == 0) {
			if (!cJSON_IsNumber(m) || m->valuedouble < 0 ||
			    m->valuedouble > 86400 ||
			    m->valuedouble != (int)m->valuedouble)
				return key_error(err, errcap, k,
						 "expected whole seconds between 0 and 86400");
			out->retry_after_s = (int)m->valuedouble;
		} else if (strcmp(k, "commitDelay") == 0) {
			if (fa__parse_duration(m, &out->commit_delay_ns, why,
					       sizeof(why)) != LE_OK)
				return key_error(err, errcap, k, why);
		} else {
			snprintf(err, errcap,
				 "fault rule: unknown key \"%.64s\" (expected identity, "
				 "requestLatency, responseLatency, requestLoss, "
				 "responseLoss, partition, error, errorRate, "
				 "retryAfter, commitDelay)",
				 k);
			return LE_EINVAL;
		}
		if (rc != LE_OK)
			return rc;
	}
	return LE_OK;
}

static void add_duration(cJSON *o, const char *key, int64_t ns)
{
	char buf[32];
	fa__format_duration(ns, buf, sizeof(buf));
	cJSON_AddStringToObject(o, key, buf);
}

static void add_latency(cJSON *o, const char *key, const fa_latency *l)
{
	static const char *const kinds[] = {"none", "fixed", "uniform", "pareto"};
	if (l->kind == FA_LAT_NONE || (unsigned)l->kind > FA_LAT_PARETO)
		return;
	cJSON *j = cJSON_AddObjectToObject(o, key);
	if (j == NULL)
		return;
	cJSON_AddStringToObject(j, "kind", kinds[l->kind]);
	add_duration(j, "a", l->a_ns);
	if (l->kind != FA_LAT_FIXED)
		add_duration(j, "b", l->b_ns);
	if (l->kind == FA_LAT_PARETO)
		cJSON_AddNumberToObject(j, "alpha", l->alpha);
}

void *fa_fault_rule_to_json(const fa_fault_rule *r)
{
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "identity", r->identity[0] ? r->identity : "*");
	add_latency(o, "requestLatency", &r->request_latency);
	add_latency(o, "responseLatency", &r->response_latency);
	if (r->request_loss > 0)
		cJSON_AddNumberToObject(o, "requestLoss", r->request_loss);
	if (r->response_loss > 0)
		cJSON_AddNumberToObject(o, "responseLoss", r->response_loss);
	if (r->partition == FA_PART_REFUSED)
		cJSON_AddStringToObject(o, "partition", "refused");
	else if (r->partition == FA_PART_BLACKHOLE)
		cJSON_AddStringToObject(o, "partition", "blackhole");
	if (r->error_code != 0) {
		cJSON_AddNumberToObject(o, "error", r->error_code);
		if (r->error_rate > 0)
			cJSON_AddNumberToObject(o, "errorRate", r->error_rate);
		if (r->retry_after_s > 0)
			cJSON_AddNumberToObject(o, "retryAfter", r->retry_after_s);
	}
	if (r->commit_delay_ns > 0)
		add_duration(o, "commitDelay", r->commit_delay_ns);
	return o;
}
