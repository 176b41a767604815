/* leaselab — typed access to a libyaml document for the scenario parser.
 *
 * The scenario schema (scenario.c) asks for one key at a time; this file
 * turns each answer into a value or into an error that says where
 * (file:line:column from libyaml's marks, 1-based), which key (a path like
 * faults[2].selector.pods[0]) and what was expected. Nothing here recurses
 * over the document, so aliases and deep nesting cost nothing beyond what the
 * schema visits.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

/* ---- errors and paths ---------------------------------------------------- */

int sy_fail(sy_ctx *c, yaml_mark_t mark, const char *path, const char *fmt,
	    ...)
{
	if (!c->err || c->errcap == 0)
		return LE_EINVAL;
	int n = snprintf(c->err, c->errcap, "%s:%zu:%zu: ", c->file,
			 mark.line + 1, mark.column + 1);
	if (n < 0 || (size_t)n >= c->errcap)
		return LE_EINVAL;
	if (path && path[0]) {
		int k = snprintf(c->err + n, c->errcap - (size_t)n, "%s: ", path);
		if (k < 0 || (size_t)k >= c->errcap - (size_t)n)
			return LE_EINVAL;
		n += k;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errcap - (size_t)n, fmt, ap);
	va_end(ap);
	return LE_EINVAL;
}

int sy_check_depth(sy_ctx *c, const char *text, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return LE_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int depth = 0, rc = LE_OK;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break; /* the loader reports it, with its context */
		yaml_event_type_t t = ev.type;
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > SY_DEPTH_MAX) {
				rc = sy_fail(c, ev.start_mark, "",
					     "nested more than %d levels deep (the limit "
					     "for a scenario)",
					     SY_DEPTH_MAX);
				yaml_event_delete(&ev);
				break;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}

/* Paths are for messages: a path longer than the buffer is cut short. */
static void append(char *out, size_t cap, size_t *n, const char *s)
{
	size_t len = strlen(s);
	if (*n + 1 >= cap)
		return;
	if (len > cap - 1 - *n)
		len = cap - 1 - *n;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = 0;
}

void sy_join(char *out, size_t cap, const char *path, const char *key)
{
	size_t n = 0;
	if (cap == 0)
		return;
	out[0] = 0;
	if (path && path[0]) {
		append(out, cap, &n, path);
		append(out, cap, &n, ".");
	}
	append(out, cap, &n, key);
}

void sy_index(char *out, size_t cap, const char *path, size_t i)
{
	char idx[32];
	size_t n = 0;
	if (cap == 0)
		return;
	out[0] = 0;
	snprintf(idx, sizeof idx, "[%zu]", i);
	append(out, cap, &n, path);
	append(out, cap, &n, idx);
}

bool sy_is_null(const yaml_node_t *n)
{
	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

const char *sy_scalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE || sy_is_null(n))
		return NULL;
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

void sy_got(const yaml_node_t *n, char *buf, size_t cap)
{
	if (!n || sy_is_null(n)) {
		snprintf(buf, cap, "nothing (null)");
		return;
	}
	if (n->type == YAML_MAPPING_NODE) {
		snprintf(buf, cap, "a mapping");
		return;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		snprintf(buf, cap, "a list");
		return;
	}
	/* Quote the scalar, shortened, with control bytes shown as '?'. */
	char tmp[48];
	size_t len = n->data.scalar.length, k = 0;
	for (size_t i = 0; i < len && k < sizeof tmp - 4; i++) {
		unsigned char ch = n->data.scalar.value[i];
		tmp[k++] = (ch < 0x20 || ch == 0x7f || ch == '"') ? '?' : (char)ch;
	}
	if (k < len)
		memcpy(tmp + k, "...", 3), k += 3;
	tmp[k] = 0;
	snprintf(buf, cap, "\"%s\"", tmp);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];
	if (la >= 63 || lb >= 63)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) ==
					      tolower((unsigned char)b[j - 1])
					      ? 0
					      : 1;
			size_t best = diag + cost;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *sy_suggest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(word);
	for (size_t i = 0; names[i]; i++) {
		size_t d = edit_distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	/* Close enough to be a typo, not a different word. */
	if (best && best_d <= 2 && best_d * 2 < (len > 1 ? len : 2))
		return best;
	return NULL;
}

static void list_names(const char *const *names, const char *sep, char *buf,
		       size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; names[i] && n < cap; i++) {
		int k = snprintf(buf + n, cap - n, "%s%s", i ? sep : "", names[i]);
		if (k < 0)
			break;
		n += (size_t)k;
	}
}

/* ---- nodes --------------------------------------------------------------- */

size_t sy_seq_len(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *sy_seq_at(yaml_document_t *d, const yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(d, n->data.sequence.items.start[i]);
}

/* ---- maps ----------------------------------------------------------------- */

static int key_index(const sy_map *m, const char *key)
{
	for (size_t i = 0; i < m->nkeys; i++)
		if (strcmp(m->keys[i], key) == 0)
			return (int)i;
	return -1;
}

int sy_map_open(sy_ctx *c, yaml_document_t *d, sy_map *m, yaml_node_t *n,
		const char *path, const char *const *keys)
{
	memset(m, 0, sizeof *m);
	if (!n)
		return sy_fail(c, (yaml_mark_t){0}, path, "internal: no node");
	m->c = c;
	m->doc = d;
	m->node = n;
	m->keys = keys;
	snprintf(m->path, sizeof m->path, "%s", path);
	while (keys[m->nkeys])
		m->nkeys++;
	if (m->nkeys > SY_KEYS_MAX)
		return sy_fail(c, n->start_mark, path,
			       "internal: schema has too many keys");
	if (sy_is_null(n))
		return LE_OK;
	if (n->type != YAML_MAPPING_NODE) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path,
			       "expected a mapping (key: value), got %s", got);
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		if (!k || !v)
			return sy_fail(c, n->start_mark, path,
				       "internal: dangling YAML node");
		const char *ks = sy_scalar(k);
		char kpath[SY_PATH_MAX];
		if (!ks || strlen(ks) != k->data.scalar.length) {
			char got[64];
			sy_got(k, got, sizeof got);
			return sy_fail(c, k->start_mark, path,
				       "expected a key name, got %s", got);
		}
		sy_join(kpath, sizeof kpath, path, ks);
		int idx = key_index(m, ks);
		if (idx < 0) {
			char all[512];
			const char *near = sy_suggest(ks, keys);
			list_names(keys, ", ", all, sizeof all);
			if (near)
				return sy_fail(c, k->start_mark, kpath,
					       "unknown key (did you mean %s?); expected one of: %s",
					       near, all);
			return sy_fail(c, k->start_mark, kpath,
				       "unknown key; expected one of: %s", all);
		}
		if (m->key[idx])
			return sy_fail(c, k->start_mark, kpath,
				       "duplicate key (first set on line %zu)",
				       m->key[idx]->start_mark.line + 1);
		m->key[idx] = k;
		m->val[idx] = v;
	}
	return LE_OK;
}

yaml_node_t *sy_get(const sy_map *m, const char *key)
{
	int i = key_index(m, key);
	return i < 0 ? NULL : m->val[i];
}

yaml_mark_t sy_key_mark(const sy_map *m, const char *key)
{
	int i = key_index(m, key);
	if (i >= 0 && m->key[i])
		return m->key[i]->start_mark;
	return m->node->start_mark;
}

void sy_key_path(const sy_map *m, const char *key, char *out, size_t cap)
{
	sy_join(out, cap, m->path, key);
}

int sy_require(const sy_map *m, const char *key, const char *what)
{
	if (sy_get(m, key))
		return LE_OK;
	char kpath[SY_PATH_MAX];
	sy_key_path(m, key, kpath, sizeof kpath);
	return sy_fail(m->c, m->node->start_mark, kpath,
		       "missing; expected %s", what);
}

int sy_only(const sy_map *m, const char *const *allowed, const char *owner)
{
	for (size_t i = 0; i < m->nkeys; i++) {
		if (!m->key[i])
			continue;
		bool ok = false;
		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = strcmp(allowed[j], m->keys[i]) == 0;
		if (ok)
			continue;
		char kpath[SY_PATH_MAX], all[512];
		sy_key_path(m, m->keys[i], kpath, sizeof kpath);
		list_names(allowed, ", ", all, sizeof all);
		return sy_fail(m->c, m->key[i]->start_mark, kpath,
			       "not used by %s; expected one of: %s", owner, all);
	}
	return LE_OK;
}

/* ---- typed values ---------------------------------------------------------- */

/* The scalar text of n, or an error saying a `what` was expected. */
static int scalar_or_fail(sy_ctx *c, const yaml_node_t *n, const char *path,
			  const char *what, const char **out)
{
	const char *s = sy_scalar(n);
	if (!s) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n ? n->start_mark : (yaml_mark_t){0}, path,
			       "expected %s, got %s", what, got);
	}
	if (strlen(s) != n->data.scalar.length)
		return sy_fail(c, n->start_mark, path,
			       "expected %s, got text with a NUL byte", what);
	*out = s;
	return LE_OK;
}

int sy_str(sy_ctx *c, const yaml_node_t *n, const char *path, char *buf,
	   size_t cap)
{
	const char *s;
	int rc = scalar_or_fail(c, n, path, "a string", &s);
	if (rc < 0)
		return rc;
	size_t len = strlen(s);
	if (len >= cap)
		return sy_fail(c, n->start_mark, path,
			       "too long: %zu bytes (at most %zu)", len, cap - 1);
	memcpy(buf, s, len + 1);
	return LE_OK;
}

int sy_bool(sy_ctx *c, const yaml_node_t *n, const char *path, bool *out)
{
	const char *s;
	int rc = scalar_or_fail(c, n, path, "true or false", &s);
	if (rc < 0)
		return rc;
	if (is_plain(n)) {
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
			*out = true;
			return LE_OK;
		}
		if (!strcmp(s, "false") || !strcmp(s, "False") ||
		    !strcmp(s, "FALSE")) {
			*out = false;
			return LE_OK;
		}
	}
	char got[64];
	sy_got(n, got, sizeof got);
	return sy_fail(c, n->start_mark, path, "expected true or false, got %s%s",
		       got, is_plain(n) ? "" : " (a quoted string)");
}

/* Strict decimal integer: optional sign, digits, nothing else. */
static bool parse_i64(const char *s, int64_t *out)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int sy_int(sy_ctx *c, const yaml_node_t *n, const char *path, int64_t lo,
	   int64_t hi, bool quoted_ok, int64_t *out)
{
	const char *s;
	char what[96];
	snprintf(what, sizeof what, "an integer from %" PRId64 " to %" PRId64,
		 lo, hi);
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	int64_t v;
	if ((!quoted_ok && !is_plain(n)) || !parse_i64(s, &v) || v < lo ||
	    v > hi) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path, "expected %s, got %s", what,
			       got);
	}
	*out = v;
	return LE_OK;
}

int sy_u64(sy_ctx *c, const yaml_node_t *n, const char *path, uint64_t *out)
{
	const char *s;
	const char *what = "an integer from 0 to 18446744073709551615";
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	bool ok = is_plain(n) && isdigit((unsigned char)s[0]);
	for (const char *q = s; ok && *q; q++)
		ok = isdigit((unsigned char)*q);
	unsigned long long v = 0;
	if (ok) {
		errno = 0;
		char *end;
		v = strtoull(s, &end, 10);
		ok = errno == 0 && *end == 0;
	}
	if (!ok) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path, "expected %s, got %s", what,
			       got);
	}
	*out = v;
	return LE_OK;
}

static bool parse_double(const char *s, double *out)
{
	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return false;
	/* strtod takes hex floats, inf and nan: keep to plain decimals. */
	for (const char *q = s; *q; q++)
		if (!strchr("0123456789+-.eE", *q))
			return false;
	*out = v;
	return true;
}

int sy_double(sy_ctx *c, const yaml_node_t *n, const char *path, double lo,
	      double hi, double *out)
{
	const char *s;
	char what[96];
	snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	double v;
	if (!is_plain(n) || !parse_double(s, &v) || v < lo || v > hi) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path, "expected %s, got %s", what,
			       got);
	}
	*out = v;
	return LE_OK;
}

/* ---- durations (Go syntax) ------------------------------------------------ */

int sy_parse_duration(const char *s, int64_t *ns, char *why, size_t whycap)
{
	return le_parse_duration(s, ns, why, whycap);
}

void sy_format_duration(int64_t ns, char *buf, size_t cap)
{
	le_format_duration(ns, buf, cap);
}

int sy_dur(sy_ctx *c, const yaml_node_t *n, const char *path, int flags,
	   int64_t *out)
{
	const char *s;
	char why[160] = "";
	int rc = scalar_or_fail(c, n, path, "a duration like 10s, 250ms or 1m30s",
				&s);
	if (rc < 0)
		return rc;
	int64_t v;
	if (sy_parse_duration(s, &v, why, sizeof why) != LE_OK) {
		char got[64];
		sy_got(n, got, sizeof got);
		int64_t num;
		if (parse_i64(s, &num))
			snprintf(why, sizeof why, "a bare number has no unit; write e.g. 10s");
		return sy_fail(c, n->start_mark, path,
			       "expected a duration like 10s, 250ms or 1m30s, got %s (%s)",
			       got, why);
	}
	if (v < 0 && !(flags & SY_DUR_NEG_OK))
		return sy_fail(c, n->start_mark, path,
			       "expected a duration >= 0, got %s (negative)", s);
	if (v == 0 && !(flags & (SY_DUR_ZERO_OK | SY_DUR_NEG_OK)))
		return sy_fail(c, n->start_mark, path,
			       "expected a duration greater than 0, got %s", s);
	*out = v;
	return LE_OK;
}

int sy_enum(sy_ctx *c, const yaml_node_t *n, const char *path,
	    const char *const *names, int *out)
{
	char all[256];
	list_names(names, " | ", all, sizeof all);
	const char *s;
	char what[300];
	snprintf(what, sizeof what, "one of %s", all);
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return LE_OK;
		}
	char got[64];
	sy_got(n, got, sizeof got);
	const char *near = sy_suggest(s, names);
	if (near)
		return sy_fail(c, n->start_mark, path,
			       "expected %s, got %s (did you mean %s?)", what, got,
			       near);
	return sy_fail(c, n->start_mark, path, "expected %s, got %s", what, got);
}

int sy_prob(sy_ctx *c, const yaml_node_t *n, const char *path, double *out)
{
	const char *what = "a probability from 0 to 1 (0.1) or a percentage (10%)";
	const char *s;
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	size_t len = strlen(s);
	double v;
	bool ok;
	if (len > 1 && s[len - 1] == '%') {
		char num[64];
		ok = len - 1 < sizeof num;
		if (ok) {
			memcpy(num, s, len - 1);
			num[len - 1] = 0;
			ok = parse_double(num, &v) && v >= 0 && v <= 100;
			v /= 100;
		}
	} else {
		ok = is_plain(n) && parse_double(s, &v) && v >= 0 && v <= 1;
	}
	if (!ok) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path, "expected %s, got %s", what,
			       got);
	}
	*out = v;
	return LE_OK;
}

int sy_rate_ppm(sy_ctx *c, const yaml_node_t *n, const char *path,
		int32_t *out)
{
	const char *what = "a clock rate like 200ppm, -50ppm or 0.5x (a factor > 0, at most 11x)";
	const char *s;
	int rc = scalar_or_fail(c, n, path, what, &s);
	if (rc < 0)
		return rc;
	size_t len = strlen(s);
	char num[64];
	int64_t ppm = 0;
	bool ok = false;
	if (strcmp(s, "0") == 0) {
		ok = true;
	} else if (len > 3 && len - 3 < sizeof num &&
		   strcmp(s + len - 3, "ppm") == 0) {
		memcpy(num, s, len - 3);
		num[len - 3] = 0;
		ok = parse_i64(num, &ppm);
	} else if (len > 1 && len - 1 < sizeof num && s[len - 1] == 'x') {
		double f;
		memcpy(num, s, len - 1);
		num[len - 1] = 0;
		ok = parse_double(num, &f) && f > 0 && f <= 11;
		if (ok)
			ppm = llround((f - 1.0) * 1e6);
	}
	/* A clock must move forward (factor > 0); at most 11x (10000000ppm). */
	if (!ok || ppm <= -1000000 || ppm > 10000000) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(c, n->start_mark, path, "expected %s, got %s", what,
			       got);
	}
	*out = (int32_t)ppm;
	return LE_OK;
}

/* ---- latency -------------------------------------------------------------- */

int sy_latency(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
	       const char *path, sim_latency *out)
{
	static const char *const keys[] = {"kind", "value", "min", "max",
					   "scale", "alpha", NULL};
	static const char *const kinds[] = {"fixed", "uniform", "pareto", NULL};
	static const char *const k_fixed[] = {"kind", "value", NULL};
	static const char *const k_uniform[] = {"kind", "min", "max", NULL};
	static const char *const k_pareto[] = {"kind", "scale", "alpha", "max",
					       NULL};
	memset(out, 0, sizeof *out);
	if (n && n->type == YAML_SCALAR_NODE && !sy_is_null(n)) {
		int64_t v;
		int rc = sy_dur(c, n, path, SY_DUR_ZERO_OK, &v);
		if (rc < 0)
			return rc;
		out->kind = v ? FA_LAT_FIXED : FA_LAT_NONE;
		out->a_ns = v;
		return LE_OK;
	}
	sy_map m;
	int rc = sy_map_open(c, d, &m, n, path, keys);
	if (rc < 0)
		return rc;
	int kind;
	if ((rc = sy_get_enum(&m, "kind", kinds, &kind)) < 0)
		return rc;
	if (rc == 0) {
		/* Inferred from the keys present. */
		if (sy_get(&m, "scale") || sy_get(&m, "alpha"))
			kind = 2;
		else if (sy_get(&m, "min") || sy_get(&m, "max"))
			kind = 1;
		else
			kind = 0;
	}
	char kpath[SY_PATH_MAX];
	if (kind == 0) {
		int64_t v;
		if ((rc = sy_only(&m, k_fixed, "a fixed latency")) < 0 ||
		    (rc = sy_require(&m, "value", "a duration like 2ms")) < 0 ||
		    (rc = sy_get_dur(&m, "value", SY_DUR_ZERO_OK, &v)) < 0)
			return rc;
		out->kind = v ? FA_LAT_FIXED : FA_LAT_NONE;
		out->a_ns = v;
		return LE_OK;
	}
	if (kind == 1) {
		int64_t lo = 0, hi = 0;
		if ((rc = sy_only(&m, k_uniform, "a uniform latency")) < 0 ||
		    (rc = sy_require(&m, "max", "a duration like 5ms")) < 0 ||
		    (rc = sy_get_dur(&m, "min", SY_DUR_ZERO_OK, &lo)) < 0 ||
		    (rc = sy_get_dur(&m, "max", SY_DUR_ZERO_OK, &hi)) < 0)
			return rc;
		if (hi < lo) {
			sy_key_path(&m, "max", kpath, sizeof kpath);
			return sy_fail(c, sy_key_mark(&m, "max"), kpath,
				       "expected a duration >= min");
		}
		out->kind = FA_LAT_UNIFORM;
		out->a_ns = lo;
		out->b_ns = hi;
		return LE_OK;
	}
	int64_t scale = 0, cap = 0;
	double alpha = 0;
	if ((rc = sy_only(&m, k_pareto, "a pareto latency")) < 0 ||
	    (rc = sy_require(&m, "scale", "a duration like 1ms")) < 0 ||
	    (rc = sy_require(&m, "alpha", "a tail index like 1.5")) < 0 ||
	    (rc = sy_require(&m, "max", "a cap like 4s")) < 0 ||
	    (rc = sy_get_dur(&m, "scale", SY_DUR_POSITIVE, &scale)) < 0 ||
	    (rc = sy_get_dur(&m, "max", SY_DUR_POSITIVE, &cap)) < 0)
		return rc;
	sy_key_path(&m, "alpha", kpath, sizeof kpath);
	if ((rc = sy_double(c, sy_get(&m, "alpha"), kpath, 0.01, 100, &alpha)) < 0)
		return rc;
	if (cap < scale) {
		sy_key_path(&m, "max", kpath, sizeof kpath);
		return sy_fail(c, sy_key_mark(&m, "max"), kpath,
			       "expected a duration >= scale");
	}
	out->kind = FA_LAT_PARETO;
	out->a_ns = scale;
	out->b_ns = cap;
	out->alpha = alpha;
	return LE_OK;
}

/* ---- getters on a map ------------------------------------------------------- */

#define GET_PROLOGUE(m, key)                                         \
	yaml_node_t *n_ = sy_get(m, key);                            \
	char kpath_[SY_PATH_MAX];                                    \
	if (!n_)                                                     \
		return 0;                                            \
	sy_key_path(m, key, kpath_, sizeof kpath_)

static int one(int rc)
{
	return rc < 0 ? rc : 1;
}

int sy_get_str(const sy_map *m, const char *key, char *buf, size_t cap)
{
	GET_PROLOGUE(m, key);
	return one(sy_str(m->c, n_, kpath_, buf, cap));
}

int sy_get_bool(const sy_map *m, const char *key, bool *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_bool(m->c, n_, kpath_, out));
}

int sy_get_int(const sy_map *m, const char *key, int64_t lo, int64_t hi,
	       int64_t *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_int(m->c, n_, kpath_, lo, hi, false, out));
}

int sy_get_dur(const sy_map *m, const char *key, int flags, int64_t *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_dur(m->c, n_, kpath_, flags, out));
}

int sy_get_enum(const sy_map *m, const char *key, const char *const *names,
		int *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_enum(m->c, n_, kpath_, names, out));
}

int sy_get_prob(const sy_map *m, const char *key, double *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_prob(m->c, n_, kpath_, out));
}

int sy_get_rate_ppm(const sy_map *m, const char *key, int32_t *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_rate_ppm(m->c, n_, kpath_, out));
}

int sy_get_latency(const sy_map *m, const char *key, sim_latency *out)
{
	GET_PROLOGUE(m, key);
	return one(sy_latency(m->c, m->doc, n_, kpath_, out));
}
