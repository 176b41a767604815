/* sim/history_read.c — read a history back from its JSON lines (version 2,
 * docs/history-format.md), so that `bin/sim check` and the live harness
 * judge a stored history with the same checker as a run.
 *
 * Event lines are flat objects and carry wall times in ns (about 1.8e18),
 * more than a double holds exactly, so each line is tokenised here with
 * integers read exactly; the header's nested parts (the scenario, pods,
 * identities: small numbers only) go through cJSON. Every error says
 * "file:line: field: what"; nothing in the input can make the reader crash,
 * loop or allocate without bound (the lengths below). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fault_model.h"
#include "sim_engine.h"

/* Longest line read: a header with a thousand pods is about 1 MB. */
#define LINE_MAX_BYTES (64u << 20)
/* Top-level fields of one line (events have about 15). */
#define FIELDS_MAX 64

typedef struct reader {
	const char *file;
	size_t line;
	char *err;
	size_t errcap;
} reader;

static int fail(reader *r, int rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(reader *r, int rc, const char *field, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (field)
		snprintf(r->err, r->errcap, "%s:%zu: %s: %s", r->file, r->line,
			 field, what);
	else
		snprintf(r->err, r->errcap, "%s:%zu: %s", r->file, r->line, what);
	return rc;
}

/* ---- one line: a JSON object, top-level values kept as raw text ---------- */

typedef enum jtype { J_STR, J_INT, J_NUM, J_BOOL, J_NULL, J_NESTED } jtype;

typedef struct jfield {
	const char *key;   /* raw key text (between the quotes) */
	size_t klen;
	jtype type;
	const char *val;   /* raw value text (strings: without the quotes) */
	size_t vlen;
	bool boolean;
	bool escaped;      /* a string with backslash escapes */
} jfield;

typedef struct jline {
	jfield f[FIELDS_MAX];
	size_t n;
} jline;

typedef struct scan {
	const char *base, *p, *end;
} scan;

static void skip_ws(scan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

/* A string at s->p (the opening quote). Sets [*v, *vlen) to its raw body. */
static bool scan_string(scan *s, const char **v, size_t *vlen, bool *escaped)
{
	if (s->p >= s->end || *s->p != '"')
		return false;
	const char *start = ++s->p;
	*escaped = false;
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			*escaped = true;
			if (++s->p >= s->end)
				return false;
		}
		s->p++;
	}
	if (s->p >= s->end)
		return false;
	*v = start;
	*vlen = (size_t)(s->p - start);
	s->p++;
	return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A JSON number; *integer when it has no fraction or exponent. */
static bool scan_number(scan *s, bool *integer)
{
	const char *q = s->p;
	*integer = true;
	if (q < s->end && *q == '-')
		q++;
	if (q >= s->end || !is_digit(*q))
		return false;
	if (*q == '0')
		q++;
	else
		while (q < s->end && is_digit(*q))
			q++;
	if (q < s->end && *q == '.') {
		*integer = false;
		if (++q >= s->end || !is_digit(*q))
			return false;
		while (q < s->end && is_digit(*q))
			q++;
	}
	if (q < s->end && (*q == 'e' || *q == 'E')) {
		*integer = false;
		q++;
		if (q < s->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= s->end || !is_digit(*q))
			return false;
		while (q < s->end && is_digit(*q))
			q++;
	}
	s->p = q;
	return true;
}

static bool scan_literal(scan *s, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	return true;
}

/* A nested object or array, skipped with its strings, its brackets
 * matched on a bounded stack (nothing recurses). */
#define NEST_MAX 64
static bool skip_nested(scan *s)
{
	char stack[NEST_MAX];
	size_t depth = 0;
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '"') {
			const char *v;
			size_t vl;
			bool esc;
			if (!scan_string(s, &v, &vl, &esc))
				return false;
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth == NEST_MAX)
				return false;
			stack[depth++] = c == '{' ? '}' : ']';
		} else if (c == '}' || c == ']') {
			if (depth == 0 || stack[depth - 1] != c)
				return false;
			if (--depth == 0) {
				s->p++;
				return true;
			}
		}
		s->p++;
	}
	return false;
}

static bool key_is(const jfield *f, const char *key)
{
	return strlen(key) == f->klen && memcmp(f->key, key, f->klen) == 0;
}

static int scan_value(reader *r, scan *s, jfield *f)
{
	const char *start = s->p;
	bool ok = true, integer;
	if (s->p >= s->end)
		ok = false;
	else if (*s->p == '"') {
		f->type = J_STR;
		ok = scan_string(s, &f->val, &f->vlen, &f->escaped);
		return ok ? LE_OK
			  : fail(r, LE_EPARSE, NULL, "unterminated or invalid string");
	} else if (*s->p == '{' || *s->p == '[') {
		f->type = J_NESTED;
		ok = skip_nested(s);
	} else if (*s->p == 't' || *s->p == 'f') {
		f->type = J_BOOL;
		f->boolean = *s->p == 't';
		ok = scan_literal(s, f->boolean ? "true" : "false");
	} else if (*s->p == 'n') {
		f->type = J_NULL;
		ok = scan_literal(s, "null");
	} else {
		ok = scan_number(s, &integer);
		f->type = integer ? J_INT : J_NUM;
	}
	if (!ok)
		return fail(r, LE_EPARSE, NULL, "not JSON: bad value at column %zu",
			    (size_t)(start - s->base) + 1);
	f->val = start;
	f->vlen = (size_t)(s->p - start);
	return LE_OK;
}

/* Split one line into its top-level fields. */
static int scan_line(reader *r, const char *text, size_t len, jline *out)
{
	scan s = {text, text, text + len};
	out->n = 0;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return fail(r, LE_EPARSE, NULL, "not JSON: a line must be one object");
	s.p++;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}') {
		s.p++;
	} else {
		for (;;) {
			if (out->n == FIELDS_MAX)
				return fail(r, LE_EPARSE, NULL, "more than %d fields",
					    FIELDS_MAX);
			jfield *f = &out->f[out->n];
			memset(f, 0, sizeof *f);
			bool esc;
			skip_ws(&s);
			if (!scan_string(&s, &f->key, &f->klen, &esc))
				return fail(r, LE_EPARSE, NULL, "not JSON: expected a field name");
			for (size_t k = 0; k < out->n; k++)
				if (out->f[k].klen == f->klen &&
				    memcmp(out->f[k].key, f->key, f->klen) == 0)
					return fail(r, LE_EPARSE, NULL,
						    "field \"%.*s\" appears twice",
						    (int)(f->klen > 64 ? 64 : f->klen), f->key);
			skip_ws(&s);
			if (s.p >= s.end || *s.p != ':')
				return fail(r, LE_EPARSE, NULL, "not JSON: expected ':'");
			s.p++;
			skip_ws(&s);
			int rc = scan_value(r, &s, f);
			if (rc)
				return rc;
			out->n++;
			skip_ws(&s);
			if (s.p < s.end && *s.p == ',') {
				s.p++;
				continue;
			}
			if (s.p < s.end && *s.p == '}') {
				s.p++;
				break;
			}
			return fail(r, LE_EPARSE, NULL, "not JSON: expected ',' or '}'");
		}
	}
	skip_ws(&s);
	if (s.p != s.end)
		return fail(r, LE_EPARSE, NULL, "not JSON: text after the object");
	return LE_OK;
}

static const jfield *field(const jline *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (key_is(&l->f[i], key))
			return &l->f[i];
	return NULL;
}

/* An integer field in [lo, hi]; absent = dflt (required: an error). */
static int get_i64(reader *r, const jline *l, const char *key, bool required,
		   int64_t dflt, int64_t lo, int64_t hi, int64_t *out)
{
	const jfield *f = field(l, key);
	if (!f) {
		if (required)
			return fail(r, LE_EPARSE, key, "missing");
		*out = dflt;
		return LE_OK;
	}
	if (f->type != J_INT)
		return fail(r, LE_EPARSE, key, "expected an integer");
	char buf[32];
	if (f->vlen >= sizeof buf)
		return fail(r, LE_EPARSE, key, "integer out of range");
	memcpy(buf, f->val, f->vlen);
	buf[f->vlen] = '\0';
	errno = 0;
	char *end;
	long long v = strtoll(buf, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return fail(r, LE_EPARSE, key, "%s out of range [%" PRId64 ", %" PRId64 "]",
			    buf, lo, hi);
	*out = v;
	return LE_OK;
}

static int get_u64(reader *r, const jline *l, const char *key, uint64_t *out)
{
	const jfield *f = field(l, key);
	if (!f)
		return fail(r, LE_EPARSE, key, "missing");
	char buf[32];
	if (f->type != J_INT || f->vlen >= sizeof buf || f->val[0] == '-')
		return fail(r, LE_EPARSE, key, "expected an unsigned integer");
	memcpy(buf, f->val, f->vlen);
	buf[f->vlen] = '\0';
	errno = 0;
	char *end;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || *end)
		return fail(r, LE_EPARSE, key, "%s out of range", buf);
	*out = v;
	return LE_OK;
}

static int get_bool(reader *r, const jline *l, const char *key, bool *out)
{
	const jfield *f = field(l, key);
	if (!f) {
		*out = false;
		return LE_OK;
	}
	if (f->type != J_BOOL)
		return fail(r, LE_EPARSE, key, "expected true or false");
	*out = f->boolean;
	return LE_OK;
}

/* A plain string (no escapes) into buf; absent = "". */
static int get_word(reader *r, const jline *l, const char *key, bool required,
		    char *buf, size_t cap)
{
	const jfield *f = field(l, key);
	buf[0] = '\0';
	if (!f)
		return required ? fail(r, LE_EPARSE, key, "missing") : LE_OK;
	if (f->type != J_STR)
		return fail(r, LE_EPARSE, key, "expected a string");
	if (f->escaped || f->vlen >= cap)
		return fail(r, LE_EPARSE, key, "unexpected value \"%.*s\"",
			    (int)(f->vlen > 64 ? 64 : f->vlen), f->val);
	memcpy(buf, f->val, f->vlen);
	buf[f->vlen] = '\0';
	return LE_OK;
}

static int enum_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* ---- the header's nested parts (cJSON) ------------------------------------ */

/* cJSON numbers are doubles: integers up to 2^53 are exact, which covers
 * every nested number the writer puts there (durations, indexes, ppm). */
#define EXACT_MAX (INT64_C(1) << 53)

typedef struct jctx {
	reader *r;
	char path[160];
} jctx;

static int jfail(jctx *c, const char *key, const char *what)
{
	char f[224];
	snprintf(f, sizeof f, "%s%s%s", c->path, c->path[0] && key ? "." : "",
		 key ? key : "");
	return fail(c->r, LE_EPARSE, f, "%s", what);
}

/* sub's path: c's path, ".", key (cut short if it does not fit). */
static void sub_path(jctx *sub, const jctx *c, const char *key)
{
	if (snprintf(sub->path, sizeof sub->path, "%s%s%s", c->path,
		     c->path[0] ? "." : "", key) >= (int)sizeof sub->path)
		sub->path[sizeof sub->path - 1] = '\0';
}

static const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int j_i64(jctx *c, const cJSON *o, const char *key, int64_t lo,
		 int64_t hi, int64_t *out)
{
	const cJSON *v = jget(o, key);
	if (!v) {
		*out = 0;
		return LE_OK;
	}
	double d = v->valuedouble;
	/* range first: converting an out-of-range double is undefined */
	if (!cJSON_IsNumber(v) || !(d >= -(double)EXACT_MAX && d <= (double)EXACT_MAX) ||
	    d != (double)(int64_t)d)
		return jfail(c, key, "expected an integer (at most 2^53)");
	if ((int64_t)d < lo || (int64_t)d > hi)
		return jfail(c, key, "out of range");
	*out = (int64_t)d;
	return LE_OK;
}

static int j_bool(jctx *c, const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = jget(o, key);
	if (!v) {
		*out = false;
		return LE_OK;
	}
	if (!cJSON_IsBool(v))
		return jfail(c, key, "expected true or false");
	*out = cJSON_IsTrue(v);
	return LE_OK;
}

static int j_str(jctx *c, const cJSON *o, const char *key, char *buf, size_t cap)
{
	const cJSON *v = jget(o, key);
	buf[0] = '\0';
	if (!v)
		return LE_OK;
	if (!cJSON_IsString(v) || !v->valuestring)
		return jfail(c, key, "expected a string");
	if (strlen(v->valuestring) >= cap)
		return jfail(c, key, "too long");
	snprintf(buf, cap, "%s", v->valuestring);
	return LE_OK;
}

static int j_enum(jctx *c, const cJSON *o, const char *key,
		  const char *const *names, int *out)
{
	char buf[64];
	int rc = j_str(c, o, key, buf, sizeof buf);
	if (rc)
		return rc;
	if (!buf[0]) {
		*out = 0;
		return LE_OK;
	}
	int i = enum_index(names, buf);
	if (i < 0)
		return jfail(c, key, "unknown name");
	*out = i;
	return LE_OK;
}

/* A fault's action by the fault-model table's name; "" is missing. */
static int j_action(jctx *c, const cJSON *o, int *out)
{
	char buf[64];
	int rc = j_str(c, o, "action", buf, sizeof buf);
	if (rc)
		return rc;
	if (!buf[0])
		return jfail(c, "action", "missing");
	*out = (int)sim_fault_action_find(buf);
	return *out ? LE_OK : jfail(c, "action", "unknown name");
}

/* A profile name; null = none (allowed only where allow_null). */
static int j_profile(jctx *c, const cJSON *o, const char *key, bool allow_null,
		     const le_profile **out)
{
	const cJSON *v = jget(o, key);
	*out = NULL;
	if ((!v || cJSON_IsNull(v)) && allow_null)
		return LE_OK;
	if (!v || !cJSON_IsString(v) || !v->valuestring)
		return jfail(c, key, "expected a profile name");
	*out = le_profile_find(v->valuestring);
	return *out ? LE_OK : jfail(c, key, "unknown profile");
}

static int j_latency(jctx *c, const cJSON *o, const char *key, fa_latency *l)
{
	const cJSON *v = jget(o, key);
	memset(l, 0, sizeof *l);
	if (!v)
		return LE_OK;
	if (!cJSON_IsObject(v))
		return jfail(c, key, "expected an object");
	jctx sub = *c;
	sub_path(&sub, c, key);
	int kind = 0, rc;
	int64_t alpha = 0;
	if ((rc = j_enum(&sub, v, "kind", sim__latency_names, &kind)) ||
	    (rc = j_i64(&sub, v, "a_ns", 0, EXACT_MAX, &l->a_ns)) ||
	    (rc = j_i64(&sub, v, "b_ns", 0, EXACT_MAX, &l->b_ns)) ||
	    (rc = j_i64(&sub, v, "alpha_ppm", 0, EXACT_MAX, &alpha)))
		return rc;
	l->kind = (fa_latency_kind)kind;
	l->alpha = (double)alpha / 1e6;
	return LE_OK;
}

/* j_str of at most cap - 1 bytes (cap <= LE_ID_MAX), kept by sc. */
static int j_kept(jctx *c, const cJSON *o, const char *key, sim_scenario *sc,
		  size_t cap, const char **out)
{
	char buf[LE_ID_MAX];
	int rc = j_str(c, o, key, buf, cap < sizeof buf ? cap : sizeof buf);
	if (rc)
		return rc;
	if (!(*out = sim_scenario_keep(sc, buf)))
		return fail(c->r, LE_ENOMEM, NULL, "out of memory");
	return LE_OK;
}

static int j_election(jctx *c, const cJSON *o, sim_scenario *sc, sim_election *e)
{
	int lock = 0, rc;
	if ((rc = j_profile(c, o, "profile", false, &e->profile)) ||
	    (rc = j_enum(c, o, "lock", sim__lock_names, &lock)) ||
	    (rc = j_kept(c, o, "lock_namespace", sc, 64, &e->lock_namespace)) ||
	    (rc = j_kept(c, o, "lock_name", sc, LE_NAME_MAX, &e->lock_name)) ||
	    (rc = j_i64(c, o, "lease_duration_ns", 0, EXACT_MAX, &e->lease_duration_ns)) ||
	    (rc = j_i64(c, o, "renew_deadline_ns", 0, EXACT_MAX, &e->renew_deadline_ns)) ||
	    (rc = j_i64(c, o, "retry_period_ns", 0, EXACT_MAX, &e->retry_period_ns)) ||
	    (rc = j_i64(c, o, "request_timeout_ns", -1, EXACT_MAX, &e->request_timeout_ns)) ||
	    (rc = j_bool(c, o, "release_on_cancel", &e->release_on_cancel)))
		return rc;
	e->lock_kind = (le_lock_kind)lock;
	return LE_OK;
}

static int j_pod_spec(jctx *c, const cJSON *o, sim_scenario *sc, sim_pod_spec *p)
{
	int64_t ppm = 0;
	int rc;
	if ((rc = j_kept(c, o, "name", sc, LE_ID_MAX, &p->name)) ||
	    (rc = j_kept(c, o, "identity", sc, LE_ID_MAX, &p->identity)) ||
	    (rc = j_election(c, o, sc, &p->election)) ||
	    (rc = j_i64(c, o, "start_ns", 0, EXACT_MAX, &p->start_ns)) ||
	    (rc = j_i64(c, o, "clock_offset_ns", -EXACT_MAX, EXACT_MAX,
			&p->clock_offset_ns)) ||
	    (rc = j_i64(c, o, "clock_rate_ppm", -999999, 10000000, &ppm)) ||
	    (rc = j_i64(c, o, "grace_period_ns", 0, EXACT_MAX, &p->grace_period_ns)) ||
	    (rc = j_bool(c, o, "sigterm_ignored", &p->sigterm_ignored)) ||
	    (rc = j_i64(c, o, "replacement_start_ns", 0, EXACT_MAX,
			&p->replacement_start_ns)) ||
	    (rc = j_i64(c, o, "work_period_ns", 0, EXACT_MAX, &p->work_period_ns)) ||
	    (rc = j_i64(c, o, "stop_delay_ns", 0, EXACT_MAX, &p->stop_delay_ns)) ||
	    (rc = j_bool(c, o, "rejoin_on_loss", &p->rejoin_on_loss)) ||
	    (rc = j_bool(c, o, "release_after_drain", &p->release_after_drain)) ||
	    (rc = j_bool(c, o, "wait_for_drain", &p->wait_for_drain)) ||
	    (rc = j_bool(c, o, "shutdown_starts_work", &p->shutdown_starts_work)) ||
	    (rc = j_i64(c, o, "probe_period_ns", 0, EXACT_MAX, &p->probe_period_ns)) ||
	    (rc = j_i64(c, o, "probe_failure_threshold", 0, 1000,
			&p->probe_failure_threshold)) ||
	    (rc = j_i64(c, o, "healthz_tolerance_ns", 0, EXACT_MAX,
			&p->healthz_tolerance_ns)) ||
	    (rc = j_bool(c, o, "coordinated", &p->coordinated)) ||
	    (rc = j_kept(c, o, "binary_version", sc, LE_VERSION_MAX, &p->binary_version)) ||
	    (rc = j_kept(c, o, "emulation_version", sc, LE_VERSION_MAX, &p->emulation_version)) ||
	    (rc = j_kept(c, o, "upgrade_binary_version", sc, LE_VERSION_MAX, &p->upgrade_binary_version)) ||
	    (rc = j_kept(c, o, "upgrade_emulation_version", sc, LE_VERSION_MAX, &p->upgrade_emulation_version)))
		return rc;
	p->upgrade_at_ns = INT64_MAX;
	if (jget(o, "upgrade_at_ns") &&
	    (rc = j_i64(c, o, "upgrade_at_ns", 0, EXACT_MAX, &p->upgrade_at_ns)))
		return rc;
	p->clock_rate_ppm = (int32_t)ppm;
	return LE_OK;
}

static int j_fault(jctx *c, const cJSON *o, size_t i, sim_fault *f)
{
	int action = 0, dir = 0, part = 0, rc;
	int64_t at = 0, ppm = 0, line = 0, index = 0;
	if ((rc = j_i64(c, o, "index", 0, EXACT_MAX, &index)))
		return rc;
	if ((size_t)index != i)
		return jfail(c, "index", "faults must be listed in index order");
	if ((rc = j_action(c, o, &action)))
		return rc;
	if ((rc = j_str(c, o, "label", f->label, sizeof f->label)) ||
	    (rc = j_i64(c, o, "at_ns", 0, EXACT_MAX, &at)) ||
	    (rc = j_i64(c, o, "duration_ns", 0, EXACT_MAX, &f->duration_ns)) ||
	    (rc = j_enum(c, o, "direction", sim__direction_names, &dir)) ||
	    (rc = j_enum(c, o, "partition", sim__partition_names, &part)) ||
	    (rc = j_latency(c, o, "latency", &f->latency)) ||
	    (rc = j_i64(c, o, "time_offset_ns", -EXACT_MAX, EXACT_MAX,
			&f->time_offset_ns)) ||
	    (rc = j_bool(c, o, "monotonic", &f->time_skew_monotonic)) ||
	    (rc = j_i64(c, o, "rate_ppm", -999999, 10000000, &ppm)) ||
	    (rc = j_latency(c, o, "request_latency", &f->apiserver.request_latency)) ||
	    (rc = j_latency(c, o, "response_latency", &f->apiserver.response_latency)) ||
	    (rc = j_i64(c, o, "commit_delay_ns", 0, EXACT_MAX,
			&f->apiserver.commit_delay_ns)) ||
	    (rc = j_bool(c, o, "apiserver_down", &f->apiserver_down)) ||
	    (rc = j_bool(c, o, "replace", &f->replace)) ||
	    (rc = j_profile(c, o, "replacement_profile", true,
			    &f->replacement_profile)) ||
	    (rc = j_i64(c, o, "line", 0, INT32_MAX, &line)))
		return rc;
	f->action = (sim_action)action;
	f->at_ns = at;
	f->direction = (sim_direction)dir;
	f->partition_kind = (fa_partition)part;
	f->rate_ppm = (int32_t)ppm;
	f->grace_period_ns = -1;
	f->line = (int)line;
	return LE_OK;
}

static int j_expect(jctx *c, const cJSON *o, sim_expect *x)
{
	if (!o)
		return jfail(c, "expect", "missing");
	if (!cJSON_IsObject(o))
		return jfail(c, "expect", "expected an object");
	jctx sub = *c;
	sub_path(&sub, c, "expect");
	int64_t maxl = 0;
	char inv[32];
	int rc;
	if ((rc = j_i64(&sub, o, "max_leaders", 1, 1000000, &maxl)) ||
	    (rc = j_i64(&sub, o, "failover_max_ns", 0, EXACT_MAX, &x->failover_max_ns)) ||
	    (rc = j_i64(&sub, o, "leaderless_max_ns", 0, EXACT_MAX,
			&x->leaderless_max_ns)) ||
	    (rc = j_i64(&sub, o, "liveness_within_ns", 0, EXACT_MAX,
			&x->liveness_within_ns)) ||
	    (rc = j_bool(&sub, o, "expect_violation", &x->expect_violation)) ||
	    (rc = j_str(&sub, o, "violation", inv, sizeof inv)) ||
	    (rc = j_bool(&sub, o, "check_stability", &x->check_stability)) ||
	    (rc = j_bool(&sub, o, "check_liveness", &x->check_liveness)) ||
	    (rc = j_i64(&sub, o, "max_changes_per_hour", 0, 1000000,
			&x->max_changes_per_hour)))
		return rc;
	x->max_leaders = (int)maxl;
	x->violation = SIM_INV_NONE;
	for (int k = SIM_INV_NONE; k < SIM_INV_COUNT; k++)
		if (strcmp(inv, sim_invariant_name((sim_invariant)k)) == 0)
			x->violation = (sim_invariant)k;
	if (inv[0] && strcmp(inv, sim_invariant_name(x->violation)) != 0)
		return jfail(&sub, "violation", "unknown invariant");
	return LE_OK;
}

/* The array `key` of o, each element an object, at most max long. */
static int j_array(jctx *c, const cJSON *o, const char *key, size_t max,
		   const cJSON **arr, size_t *n)
{
	*arr = jget(o, key);
	*n = 0;
	if (!*arr)
		return LE_OK;
	if (!cJSON_IsArray(*arr))
		return jfail(c, key, "expected an array");
	*n = (size_t)cJSON_GetArraySize(*arr);
	if (*n > max)
		return jfail(c, key, "too many entries");
	return LE_OK;
}

static int read_scenario(reader *r, const cJSON *o, sim_scenario *sc)
{
	jctx c = {.r = r};
	snprintf(c.path, sizeof c.path, "scenario");
	if (!cJSON_IsObject(o))
		return jfail(&c, NULL, "expected an object");
	const cJSON *pods, *faults, *defaults = jget(o, "defaults");
	size_t np, nf;
	int rc;
	if ((rc = j_str(&c, o, "name", sc->name, sizeof sc->name)) ||
	    (rc = j_str(&c, o, "file", sc->file, sizeof sc->file)) ||
	    (rc = j_str(&c, o, "description", sc->description,
			sizeof sc->description)) ||
	    (rc = j_i64(&c, o, "duration_ns", 1, EXACT_MAX, &sc->duration_ns)) ||
	    (rc = j_latency(&c, o, "latency_to", &sc->latency_to)) ||
	    (rc = j_latency(&c, o, "latency_from", &sc->latency_from)) ||
	    (rc = j_expect(&c, jget(o, "expect"), &sc->expect)) ||
	    (rc = j_array(&c, o, "pods", 1u << 20, &pods, &np)) ||
	    (rc = j_array(&c, o, "faults", 1u << 20, &faults, &nf)))
		return rc;
	if (!defaults || !cJSON_IsObject(defaults))
		return jfail(&c, "defaults", "missing");
	jctx dc = c;
	snprintf(dc.path, sizeof dc.path, "scenario.defaults");
	if ((rc = j_election(&dc, defaults, sc, &sc->defaults)))
		return rc;
	if (np == 0)
		return jfail(&c, "pods", "no pods");
	sc->pods = calloc(np, sizeof *sc->pods);
	sc->faults = calloc(nf ? nf : 1, sizeof *sc->faults);
	if (!sc->pods || !sc->faults)
		return fail(r, LE_ENOMEM, NULL, "out of memory");
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, pods) {
		snprintf(c.path, sizeof c.path, "scenario.pods[%zu]", i);
		if (!cJSON_IsObject(it))
			return jfail(&c, NULL, "expected an object");
		if ((rc = j_pod_spec(&c, it, sc, &sc->pods[i])))
			return rc;
		sc->npods = ++i;
	}
	i = 0;
	cJSON_ArrayForEach(it, faults) {
		snprintf(c.path, sizeof c.path, "scenario.faults[%zu]", i);
		if (!cJSON_IsObject(it))
			return jfail(&c, NULL, "expected an object");
		if ((rc = j_fault(&c, it, i, &sc->faults[i])))
			return rc;
		sc->nfaults = ++i;
	}
	return LE_OK;
}

/* pods: [{"index", "name", "identity", "spec", "replaces"}] after identities */
static int read_pods(reader *r, const cJSON *pods, sim_history *h)
{
	jctx c = {.r = r};
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, pods) {
		snprintf(c.path, sizeof c.path, "pods[%zu]", i);
		if (!cJSON_IsObject(it))
			return jfail(&c, NULL, "expected an object");
		char name[LE_ID_MAX];
		int64_t index, identity, spec, replaces;
		int rc;
		if ((rc = j_str(&c, it, "name", name, sizeof name)) ||
		    (rc = j_i64(&c, it, "index", 0, INT32_MAX, &index)) ||
		    (rc = j_i64(&c, it, "identity", 0,
				(int64_t)h->nidentities - 1, &identity)) ||
		    (rc = j_i64(&c, it, "spec", -1, INT32_MAX, &spec)) ||
		    (rc = j_i64(&c, it, "replaces", -1, (int64_t)i - 1, &replaces)))
			return rc;
		if ((size_t)index != i)
			return jfail(&c, "index", "pods must be listed in index order");
		if (!jget(it, "identity"))
			return jfail(&c, "identity", "missing");
		if (!name[0])
			return jfail(&c, "name", "missing");
		if (sim_history_add_pod(h, name, (int32_t)identity, (int32_t)spec,
					(int32_t)replaces) < 0)
			return fail(r, LE_ENOMEM, NULL, "out of memory");
		i++;
	}
	return LE_OK;
}

static int read_identities(reader *r, const cJSON *ids, sim_history *h)
{
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, ids) {
		char f[48];
		if (snprintf(f, sizeof f, "identities[%zu]", i) >= (int)sizeof f)
			f[sizeof f - 1] = '\0';
		if (!cJSON_IsString(it) || !it->valuestring || !it->valuestring[0])
			return fail(r, LE_EPARSE, f, "expected a non-empty string");
		if (strlen(it->valuestring) >= LE_ID_MAX)
			return fail(r, LE_EPARSE, f, "longer than %d bytes", LE_ID_MAX - 1);
		int32_t k = sim_history_identity(h, it->valuestring);
		if (k < -1)
			return fail(r, LE_ENOMEM, NULL, "out of memory");
		if (k != (int32_t)i)
			return fail(r, LE_EPARSE, f, "\"%s\" is listed twice",
				    it->valuestring);
		i++;
	}
	return LE_OK;
}

/* Parse the raw text of one nested header value with cJSON. */
static cJSON *nested(reader *r, const jline *l, const char *key, bool required,
		     int *rc)
{
	const jfield *f = field(l, key);
	*rc = LE_OK;
	if (!f) {
		if (required)
			*rc = fail(r, LE_EPARSE, key, "missing");
		return NULL;
	}
	if (f->type != J_NESTED) {
		*rc = fail(r, LE_EPARSE, key, "expected an object or array");
		return NULL;
	}
	cJSON *j = cJSON_ParseWithLength(f->val, f->vlen);
	if (!j)
		*rc = fail(r, LE_EPARSE, key, "not JSON (or out of memory)");
	return j;
}

typedef struct header_info {
	uint64_t events;
} header_info;

static int read_header(reader *r, const jline *l, sim_history *h,
		       sim_scenario *sc, header_info *hi)
{
	char kind[32];
	int64_t version = 0;
	int rc = get_word(r, l, "history", true, kind, sizeof kind);
	if (rc)
		return fail(r, LE_EPARSE, NULL,
			    "not a leaselab history: the first line must be its header "
			    "({\"history\":\"leaselab\",\"version\":2,...})");
	if ((rc = get_i64(r, l, "version", true, 0, 0, INT32_MAX, &version)))
		return rc;
	if (strcmp(kind, "leaselab-sim") == 0 || version == 1)
		return fail(r, LE_EINVAL, "version",
			    "a version 1 history, which this reader does not read "
			    "(its events have no named fields); re-run the scenario "
			    "with this bin/sim to get a version 2 history");
	if (strcmp(kind, "leaselab") != 0)
		return fail(r, LE_EPARSE, "history", "\"%s\" is not \"leaselab\"", kind);
	if (version != SIM_HISTORY_VERSION)
		return fail(r, LE_EINVAL, "version",
			    "version %" PRId64 " is not one this reader knows (%d)",
			    version, SIM_HISTORY_VERSION);
	int64_t n_events;
	if ((rc = get_word(r, l, "driver", false, h->driver, sizeof h->driver)) ||
	    (rc = get_u64(r, l, "seed", &h->seed)) ||
	    (rc = get_i64(r, l, "time_scale_ppm", false, 1000000, 1, INT64_MAX,
			  &h->time_scale_ppm)) ||
	    (rc = get_i64(r, l, "end_ns", true, 0, 0, INT64_MAX, &h->end_ns)) ||
	    (rc = get_i64(r, l, "events", true, 0, 0, INT64_MAX, &n_events)))
		return rc;
	if (field(l, "events_processed") &&
	    (rc = get_u64(r, l, "events_processed", &h->events_processed)))
		return rc;
	if (!h->driver[0])
		snprintf(h->driver, sizeof h->driver, "sim");
	hi->events = (uint64_t)n_events;
	cJSON *ids = nested(r, l, "identities", true, &rc);
	if (!rc && !cJSON_IsArray(ids))
		rc = fail(r, LE_EPARSE, "identities", "expected an array");
	if (!rc)
		rc = read_identities(r, ids, h);
	cJSON_Delete(ids);
	if (rc)
		return rc;
	cJSON *pods = nested(r, l, "pods", true, &rc);
	if (!rc && !cJSON_IsArray(pods))
		rc = fail(r, LE_EPARSE, "pods", "expected an array");
	if (!rc)
		rc = read_pods(r, pods, h);
	cJSON_Delete(pods);
	if (rc || !sc)
		return rc;
	cJSON *s = nested(r, l, "scenario", false, &rc);
	if (rc)
		return rc;
	if (!s)
		return fail(r, LE_EINVAL, "scenario",
			    "the header does not describe the scenario; give the "
			    "scenario file (bin/sim check --scenario FILE)");
	rc = read_scenario(r, s, sc);
	cJSON_Delete(s);
	return rc;
}

/* ---- event lines ------------------------------------------------------------ */

/* The fields of e->kind of its own (docs/history-format.md). They share
 * storage in sim_event, so only those are read: another kind's fields on
 * the line are ignored, like unknown ones. */
static int read_kind_fields(reader *r, const jline *l, const sim_history *h,
			    sim_event *e)
{
	int64_t v;
	int rc;
	char word[16];
	switch (e->kind) {
	case SIM_EV_POD_START:
		if ((rc = get_i64(r, l, "restarts", false, 0, 0, INT32_MAX, &v)))
			return rc;
		e->restarts = (int32_t)v;
		return LE_OK;
	case SIM_EV_POD_DEATH:
	case SIM_EV_STOPPED_LEADING:
		return get_bool(r, l, "was_leader", &e->was_leader);
	case SIM_EV_POD_SIGTERM:
		return get_i64(r, l, "grace_period_ns", false, 0, 0, INT64_MAX,
			       &e->grace_period_ns);
	case SIM_EV_PROBE_RESTART:
		return get_i64(r, l, "probe_failures", false, 0, 0, INT64_MAX,
			       &e->probe_failures);
	case SIM_EV_STARTED_LEADING:
	case SIM_EV_ROGUE_START:
	case SIM_EV_ACTING_END:
	case SIM_EV_WORK:
		if ((rc = get_i64(r, l, "term", false, 0, 0, INT64_MAX, &e->term)))
			return rc;
		return get_i64(r, l, "token", false, 0, INT64_MIN, INT64_MAX,
			       &e->token);
	case SIM_EV_CUT:
	case SIM_EV_UNCUT: {
		if ((rc = get_word(r, l, "direction", false, word, sizeof word)))
			return rc;
		int d = word[0] ? enum_index(sim__direction_names, word) : 0;
		if (d < 0)
			return fail(r, LE_EPARSE, "direction",
				    "unknown direction \"%s\"", word);
		if ((rc = get_word(r, l, "partition", false, word, sizeof word)))
			return rc;
		int p = word[0] ? enum_index(sim__partition_names, word) : 0;
		if (p < 0)
			return fail(r, LE_EPARSE, "partition",
				    "unknown partition \"%s\"", word);
		e->direction = (sim_direction)d;
		e->partition = (fa_partition)p;
		return LE_OK;
	}
	case SIM_EV_LEASE_WRITE:
		break;
	default:
		return LE_OK;
	}
	int64_t transitions, ld_s;
	if ((rc = get_i64(r, l, "transitions", false, 0, INT32_MIN, INT32_MAX,
			  &transitions)) ||
	    (rc = get_i64(r, l, "resource_version", false, 0, 0, INT64_MAX,
			  &e->resource_version)) ||
	    (rc = get_i64(r, l, "lease_duration_s", false, 0, INT32_MIN, INT32_MAX,
			  &ld_s)) ||
	    (rc = get_i64(r, l, "acquire_wall_ns", false, 0, INT64_MIN, INT64_MAX,
			  &e->acquire_wall_ns)) ||
	    (rc = get_i64(r, l, "renew_wall_ns", false, 0, INT64_MIN, INT64_MAX,
			  &e->renew_wall_ns)))
		return rc;
	e->transitions = (int32_t)transitions;
	e->lease_duration_s = (int32_t)ld_s;
	e->has_acquire_time = field(l, "acquire_wall_ns") != NULL;
	e->has_renew_time = field(l, "renew_wall_ns") != NULL;
	/* by a MultiLock pod: which of its two objects */
	if ((rc = get_word(r, l, "object", false, word, sizeof word)))
		return rc;
	int o = word[0] ? enum_index(sim__lock_names, word) : -1;
	if (word[0] && (o < 0 || o > LE_LOCK_CONFIGMAPS))
		return fail(r, LE_EPARSE, "object",
			    "expected leases, endpoints or configmaps, got \"%s\"", word);
	e->object = (uint8_t)(o + 1);
	/* by the election controller: preferredHolder */
	int64_t pref;
	if ((rc = get_i64(r, l, "preferred", false, -1, 0,
			  (int64_t)h->nidentities - 1, &pref)))
		return rc;
	e->has_preferred = field(l, "preferred") != NULL;
	e->preferred = e->has_preferred ? (int32_t)pref : 0;
	return LE_OK;
}

static int read_event(reader *r, const jline *l, sim_history *h, sim_event *e)
{
	char kind[32];
	int64_t seq, pod, holder, fault;
	int rc;
	if ((rc = get_i64(r, l, "seq", true, 0, 0, INT64_MAX, &seq)))
		return rc;
	if ((uint64_t)seq != h->n)
		return fail(r, LE_EPARSE, "seq", "%" PRId64 " where %zu was due (events "
			    "must be in seq order, from 0, none missing)", seq, h->n);
	if ((rc = get_i64(r, l, "t_ns", true, 0, 0, INT64_MAX, &e->t_ns)) ||
	    (rc = get_word(r, l, "kind", true, kind, sizeof kind)))
		return rc;
	if (h->n > 0 && e->t_ns < h->ev[h->n - 1].t_ns)
		return fail(r, LE_EPARSE, "t_ns",
			    "%" PRId64 " is before the previous event's %" PRId64
			    " (time never goes backwards)",
			    e->t_ns, h->ev[h->n - 1].t_ns);
	e->kind = sim_ev_kind_from_name(kind);
	if (!e->kind)
		return fail(r, LE_EPARSE, "kind", "unknown event kind \"%s\"", kind);
	if ((rc = get_i64(r, l, "pod", false, -1, -1, (int64_t)h->npods - 1, &pod)) ||
	    (rc = get_i64(r, l, "holder", false, -1, -1,
			  (int64_t)h->nidentities - 1, &holder)) ||
	    (rc = get_i64(r, l, "fault", false, -1, -1, INT32_MAX, &fault)))
		return rc;
	e->pod = (int32_t)pod;
	e->holder = (int32_t)holder;
	e->fault = (int32_t)fault;
	return read_kind_fields(r, l, h, e);
}

/* ---- lines ---------------------------------------------------------------- */

/* The next line into *buf (without its newline). 0 at the end, 1 for a
 * line, or a negative error. */
static int next_line(reader *r, FILE *in, char **buf, size_t *cap, size_t *len,
		     bool *newline)
{
	size_t n = 0;
	int c;
	*newline = false;
	if (*cap == 0) {
		if (!(*buf = malloc(4096)))
			return fail(r, LE_ENOMEM, NULL, "out of memory");
		*cap = 4096;
	}
	while ((c = fgetc(in)) != EOF) {
		if (c == '\n') {
			*newline = true;
			break;
		}
		if (n + 1 >= *cap) {
			if (*cap >= LINE_MAX_BYTES)
				return fail(r, LE_EPARSE, NULL, "line longer than %u bytes",
					    LINE_MAX_BYTES);
			size_t ncap = *cap * 2;
			char *nb = realloc(*buf, ncap);
			if (!nb)
				return fail(r, LE_ENOMEM, NULL, "out of memory");
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	if (ferror(in))
		return fail(r, LE_EIO, NULL, "read error");
	if (n == 0 && !*newline)
		return 0;
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

int sim_history_read_jsonl(FILE *in, const char *filename, sim_history *h,
			   sim_scenario *sc, char *err, size_t errcap)
{
	reader r = {.file = filename ? filename : "history", .err = err,
		    .errcap = errcap};
	sim_history_init(h);
	if (sc)
		memset(sc, 0, sizeof *sc);
	if (!in)
		return fail(&r, LE_EINVAL, NULL, "no input");
	char *buf = NULL;
	size_t cap = 0, len = 0;
	bool newline = false, have_header = false;
	header_info hi = {0};
	jline *l = malloc(sizeof *l);
	int rc = l ? LE_OK : fail(&r, LE_ENOMEM, NULL, "out of memory");
	while (!rc) {
		r.line++;
		int got = next_line(&r, in, &buf, &cap, &len, &newline);
		if (got <= 0) {
			rc = got;
			break;
		}
		if (!newline) {
			rc = fail(&r, LE_EPARSE, NULL,
				  "the last line has no newline: the file was cut short");
			break;
		}
		if ((rc = scan_line(&r, buf, len, l)))
			break;
		if (!have_header) {
			rc = read_header(&r, l, h, sc, &hi);
			have_header = true;
			continue;
		}
		sim_event e = sim_event_make(0, (sim_ev_kind)0, -1);
		if ((rc = read_event(&r, l, h, &e)))
			break;
		int prc = sim_history_push(h, &e);
		if (prc != LE_OK)
			rc = fail(&r, prc, NULL, "cannot append the event: %s",
				  le_strerror(prc));
	}
	if (!rc && !have_header) {
		r.line = 1;
		rc = fail(&r, LE_EPARSE, NULL, "empty: no header line");
	}
	if (!rc && hi.events != h->n) {
		rc = fail(&r, LE_EPARSE, "events",
			  "the header announces %" PRIu64 " events, the file has %zu "
			  "(cut short?)", hi.events, h->n);
	}
	free(buf);
	free(l);
	if (rc) {
		sim_history_free(h);
		if (sc)
			sim_scenario_free(sc);
	}
	return rc;
}
