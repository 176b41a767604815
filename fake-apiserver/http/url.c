/* leaselab — fake-apiserver HTTP: request targets, media types, label and
 * field selectors. Pure string work; every input is untrusted. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fahttp.h"

#define URI_MAX_SEGS 32
#define URI_MAX_QUERY 128
#define SEL_MAX_REQS 64
#define SEL_MAX_VALS 64

/* ---- URIs ------------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes src[0..n) into dst (which has room for n+1), NUL-terminated.
 * plus_is_space for query strings. */
static int pct_decode(const char *src, size_t n, char *dst, bool plus_is_space,
		      char *err, size_t errcap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		if (c == '%') {
			int hi = i + 1 < n ? hexval(src[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(src[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				snprintf(err, errcap, "bad percent escape at \"%.8s\"", src + i);
				return LE_EPARSE;
			}
			c = (char)(hi * 16 + lo);
			if (c == '\0') {
				snprintf(err, errcap, "%%00 is not allowed in a request target");
				return LE_EPARSE;
			}
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		dst[o++] = c;
	}
	dst[o] = '\0';
	return LE_OK;
}

void fahttp_uri_free(fahttp_uri *u)
{
	if (u == NULL)
		return;
	free(u->buf);
	memset(u, 0, sizeof(*u));
}

int fahttp_uri_parse(const char *target, fahttp_uri *out, char *err,
		     size_t errcap)
{
	memset(out, 0, sizeof(*out));
	if (target == NULL) {
		snprintf(err, errcap, "no request target");
		return LE_EPARSE;
	}
	/* absolute-form: skip scheme://authority */
	const char *p = target;
	if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
		p = strstr(p, "//") + 2;
		p += strcspn(p, "/?");
		if (*p == '\0')
			p = "/";
	}
	if (*p != '/') {
		snprintf(err, errcap, "the request target must start with '/'");
		return LE_EPARSE;
	}
	size_t len = strcspn(p, "#");
	size_t plen = strcspn(p, "?#");
	size_t nq_max = 1;
	for (size_t i = plen; i < len; i++)
		nq_max += p[i] == '&';
	if (nq_max > URI_MAX_QUERY)
		nq_max = URI_MAX_QUERY;
	/* One block: the pointer arrays, then the decoded text. Decoding never
	 * grows a token; each token adds a NUL, and a query key without '='
	 * adds an empty value too: 2 bytes per input byte bound it. */
	size_t ptrs = URI_MAX_SEGS + 2 * nq_max;
	char *block = malloc(ptrs * sizeof(char *) + 2 * len + 2);
	if (block == NULL) {
		snprintf(err, errcap, "out of memory");
		return LE_EPARSE;
	}
	out->buf = block;
	out->seg = (const char **)(void *)block;
	out->qkey = out->seg + URI_MAX_SEGS;
	out->qval = out->qkey + nq_max;
	char *w = block + ptrs * sizeof(char *);
	/* Path segments; empty ones (//, trailing /) are skipped. */
	size_t i = 0;
	while (i < plen) {
		while (i < plen && p[i] == '/')
			i++;
		if (i >= plen)
			break;
		size_t n = strcspn(p + i, "/?#");
		if (n > plen - i)
			n = plen - i;
		if (out->nseg == URI_MAX_SEGS) {
			snprintf(err, errcap, "the path has more than %d segments",
				 URI_MAX_SEGS);
			goto fail;
		}
		if (pct_decode(p + i, n, w, false, err, errcap) != LE_OK)
			goto fail;
		out->seg[out->nseg++] = w;
		w += strlen(w) + 1;
		i += n;
	}
	/* Query pairs. */
	if (plen < len && p[plen] == '?') {
		i = plen + 1;
		while (i < len) {
			size_t n = strcspn(p + i, "&#");
			if (n > len - i)
				n = len - i;
			if (n > 0) {
				if (out->nq == nq_max) {
					snprintf(err, errcap,
						 "more than %d query parameters",
						 URI_MAX_QUERY);
					goto fail;
				}
				const char *eq = memchr(p + i, '=', n);
				size_t kn = eq != NULL ? (size_t)(eq - (p + i)) : n;
				if (pct_decode(p + i, kn, w, true, err, errcap) != LE_OK)
					goto fail;
				out->qkey[out->nq] = w;
				w += strlen(w) + 1;
				if (eq != NULL) {
					if (pct_decode(eq + 1, n - kn - 1, w, true, err,
						       errcap) != LE_OK)
						goto fail;
				} else {
					*w = '\0';
				}
				out->qval[out->nq++] = w;
				w += strlen(w) + 1;
			}
			i += n + 1;
		}
	}
	return LE_OK;
fail:
	fahttp_uri_free(out);
	return LE_EPARSE;
}

const char *fahttp_uri_query(const fahttp_uri *u, const char *key)
{
	for (size_t i = 0; i < u->nq; i++)
		if (strcmp(u->qkey[i], key) == 0)
			return u->qval[i];
	return NULL;
}

bool fahttp_query_true(const char *v)
{
	if (v == NULL)
		return false;
	return strcmp(v, "1") == 0 || strcmp(v, "t") == 0 || strcmp(v, "T") == 0 ||
	       strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 ||
	       strcmp(v, "True") == 0;
}

/* ---- media types ------------------------------------------------------------- */

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Copies [s, e) trimmed and lowercased into out. */
static void copy_trim_lower(const char *s, const char *e, char *out, size_t cap)
{
	s = skip_ws(s, e);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	size_t n = (size_t)(e - s);
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
}

void fahttp_media_type(const char *content_type, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = '\0';
	if (content_type == NULL)
		return;
	const char *e = content_type + strcspn(content_type, ";");
	copy_trim_lower(content_type, e, out, cap);
}

typedef struct media_entry {
	char type[64];
	char as[64], g[64], v[64];
	bool q_zero;
} media_entry;

/* Parses one Accept entry [s, e). */
static void parse_media_entry(const char *s, const char *e, media_entry *m)
{
	memset(m, 0, sizeof(*m));
	const char *semi = memchr(s, ';', (size_t)(e - s));
	copy_trim_lower(s, semi != NULL ? semi : e, m->type, sizeof(m->type));
	while (semi != NULL) {
		const char *ps = semi + 1;
		semi = memchr(ps, ';', (size_t)(e - ps));
		const char *pe = semi != NULL ? semi : e;
		const char *eq = memchr(ps, '=', (size_t)(pe - ps));
		if (eq == NULL)
			continue;
		char key[16], val[64];
		copy_trim_lower(ps, eq, key, sizeof(key));
		/* values keep their case: "Table", "APIGroupDiscoveryList" */
		const char *vs = skip_ws(eq + 1, pe);
		const char *ve = pe;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t n = (size_t)(ve - vs);
		if (n >= sizeof(val))
			n = sizeof(val) - 1;
		memcpy(val, vs, n);
		val[n] = '\0';
		if (strcmp(key, "as") == 0)
			snprintf(m->as, sizeof(m->as), "%s", val);
		else if (strcmp(key, "g") == 0)
			snprintf(m->g, sizeof(m->g), "%s", val);
		else if (strcmp(key, "v") == 0)
			snprintf(m->v, sizeof(m->v), "%s", val);
		else if (strcmp(key, "q") == 0)
			m->q_zero = strtod(val, NULL) <= 0.0 &&
				    strspn(val, "0.") == strlen(val);
	}
}

static fahttp_format entry_format(const media_entry *m, unsigned can)
{
	bool json = strcmp(m->type, "application/json") == 0;
	bool wild = strcmp(m->type, "*/*") == 0 || strcmp(m->type, "application/*") == 0;
	if (m->q_zero || (!json && !wild))
		return FAHTTP_FMT_NONE;
	if (m->as[0] == '\0')
		return FAHTTP_FMT_JSON;
	if (!json)
		return FAHTTP_FMT_NONE;
	if (strcmp(m->as, "Table") == 0 && strcmp(m->g, "meta.k8s.io") == 0 &&
	    (can & FAHTTP_CAN_TABLE)) {
		if (strcmp(m->v, "v1") == 0)
			return FAHTTP_FMT_TABLE_V1;
		if (strcmp(m->v, "v1beta1") == 0)
			return FAHTTP_FMT_TABLE_V1BETA1;
	}
	if (strcmp(m->as, "APIGroupDiscoveryList") == 0 &&
	    strcmp(m->g, "apidiscovery.k8s.io") == 0 && strcmp(m->v, "v2") == 0 &&
	    (can & FAHTTP_CAN_DISCOVERY))
		return FAHTTP_FMT_DISCOVERY_V2;
	return FAHTTP_FMT_NONE;
}

fahttp_format fahttp_negotiate(const char *accept, unsigned can)
{
	if (accept == NULL)
		return FAHTTP_FMT_JSON;
	const char *s = accept, *end = accept + strlen(accept);
	if (skip_ws(s, end) == end)
		return FAHTTP_FMT_JSON;
	while (s < end) {
		const char *e = memchr(s, ',', (size_t)(end - s));
		if (e == NULL)
			e = end;
		if (skip_ws(s, e) < e) {
			media_entry m;
			parse_media_entry(s, e, &m);
			fahttp_format f = entry_format(&m, can);
			if (f != FAHTTP_FMT_NONE)
				return f;
		}
		s = e + 1;
	}
	return FAHTTP_FMT_NONE;
}

/* ---- label selectors ------------------------------------------------------------ */

void fahttp_selector_free(fahttp_selector *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->req[i].key);
		for (size_t j = 0; j < s->req[i].nvals; j++)
			free(s->req[i].vals[j]);
		free(s->req[i].vals);
	}
	free(s->req);
	s->req = NULL;
	s->n = 0;
}

static bool label_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' ||
	       c == '/';
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Reads a key or value token at *p: label characters only. */
static char *read_token(const char **p)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	const char *b = s;
	while (label_char(*s))
		s++;
	*p = s;
	return dup_range(b, (size_t)(s - b));
}

static int sel_error(char *err, size_t errcap, const char *text, const char *why)
{
	snprintf(err, errcap, "unable to parse requirement: %s in label selector \"%.200s\"",
		 why, text);
	return LE_EPARSE;
}

static int parse_value_set(const char **pp, fahttp_sel_req *r, const char *text,
			   char *err, size_t errcap)
{
	const char *p = *pp;
	while (*p == ' ')
		p++;
	if (*p != '(')
		return sel_error(err, errcap, text, "expected '(' after in/notin");
	p++;
	r->vals = calloc(SEL_MAX_VALS, sizeof(*r->vals));
	if (r->vals == NULL)
		return sel_error(err, errcap, text, "out of memory");
	for (;;) {
		if (r->nvals == SEL_MAX_VALS)
			return sel_error(err, errcap, text, "too many values");
		char *v = read_token(&p);
		if (v == NULL)
			return sel_error(err, errcap, text, "out of memory");
		r->vals[r->nvals++] = v;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ')') {
			p++;
			break;
		}
		return sel_error(err, errcap, text, "expected ',' or ')' in a value set");
	}
	*pp = p;
	return LE_OK;
}

int fahttp_selector_parse(const char *text, fahttp_selector *out, char *err,
			  size_t errcap)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return LE_OK;
	const char *p = text;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return LE_OK;
	out->req = calloc(SEL_MAX_REQS, sizeof(*out->req));
	if (out->req == NULL)
		return sel_error(err, errcap, text, "out of memory");
	for (;;) {
		if (out->n == SEL_MAX_REQS) {
			sel_error(err, errcap, text, "too many requirements");
			goto fail;
		}
		fahttp_sel_req *r = &out->req[out->n++];
		while (*p == ' ')
			p++;
		bool bang = false;
		if (*p == '!') {
			bang = true;
			p++;
		}
		r->key = read_token(&p);
		if (r->key == NULL || r->key[0] == '\0') {
			sel_error(err, errcap, text, "expected a key");
			goto fail;
		}
		while (*p == ' ')
			p++;
		if (bang) {
			r->op = FAHTTP_SEL_NOT_EXISTS;
		} else if (*p == ',' || *p == '\0') {
			r->op = FAHTTP_SEL_EXISTS;
		} else if (p[0] == '!' && p[1] == '=') {
			r->op = FAHTTP_SEL_NE;
			p += 2;
		} else if (p[0] == '=' && p[1] == '=') {
			r->op = FAHTTP_SEL_EQ;
			p += 2;
		} else if (p[0] == '=') {
			r->op = FAHTTP_SEL_EQ;
			p += 1;
		} else if (strncmp(p, "in", 2) == 0 && (p[2] == ' ' || p[2] == '(')) {
			r->op = FAHTTP_SEL_IN;
			p += 2;
		} else if (strncmp(p, "notin", 5) == 0 && (p[5] == ' ' || p[5] == '(')) {
			r->op = FAHTTP_SEL_NOTIN;
			p += 5;
		} else {
			sel_error(err, errcap, text, "expected =, ==, !=, in or notin");
			goto fail;
		}
		if (r->op == FAHTTP_SEL_EQ || r->op == FAHTTP_SEL_NE) {
			r->vals = calloc(1, sizeof(*r->vals));
			char *v = r->vals != NULL ? read_token(&p) : NULL;
			if (v == NULL) {
				sel_error(err, errcap, text, "out of memory");
				goto fail;
			}
			r->vals[0] = v;
			r->nvals = 1;
		} else if (r->op == FAHTTP_SEL_IN || r->op == FAHTTP_SEL_NOTIN) {
			if (parse_value_set(&p, r, text, err, errcap) != LE_OK)
				goto fail;
		}
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p != ',') {
			sel_error(err, errcap, text, "unexpected character");
			goto fail;
		}
		p++;
	}
	return LE_OK;
fail:
	fahttp_selector_free(out);
	return LE_EPARSE;
}

static bool val_in(const fahttp_sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvals; i++)
		if (strcmp(r->vals[i], v) == 0)
			return true;
	return false;
}

bool fahttp_selector_matches(const fahttp_selector *s, const cJSON *labels)
{
	for (size_t i = 0; i < s->n; i++) {
		const fahttp_sel_req *r = &s->req[i];
		const cJSON *l = cJSON_IsObject(labels)
					 ? cJSON_GetObjectItemCaseSensitive(labels, r->key)
					 : NULL;
		const char *v = cJSON_IsString(l) ? l->valuestring : NULL;
		bool ok;
		switch (r->op) {
		case FAHTTP_SEL_EQ:
			ok = v != NULL && strcmp(v, r->vals[0]) == 0;
			break;
		case FAHTTP_SEL_NE:
			ok = v == NULL || strcmp(v, r->vals[0]) != 0;
			break;
		case FAHTTP_SEL_IN:
			ok = v != NULL && val_in(r, v);
			break;
		case FAHTTP_SEL_NOTIN:
			ok = v == NULL || !val_in(r, v);
			break;
		case FAHTTP_SEL_EXISTS:
			ok = v != NULL;
			break;
		case FAHTTP_SEL_NOT_EXISTS:
		default:
			ok = v == NULL;
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* ---- field selectors and filters --------------------------------------------------- */

static int field_term(const char *s, size_t n, fahttp_filter *f, char *err,
		      size_t errcap)
{
	char term[400];
	if (n >= sizeof(term)) {
		snprintf(err, errcap, "field selector term too long");
		return LE_EPARSE;
	}
	memcpy(term, s, n);
	term[n] = '\0';
	bool ne = false;
	char *op = strstr(term, "!=");
	size_t oplen = 2;
	if (op != NULL) {
		ne = true;
	} else if ((op = strstr(term, "==")) == NULL) {
		op = strchr(term, '=');
		oplen = 1;
	}
	if (op == NULL) {
		snprintf(err, errcap, "invalid selector: '%s'; can't understand '%s'",
			 term, term);
		return LE_EPARSE;
	}
	*op = '\0';
	const char *key = term, *val = op + oplen;
	while (*key == ' ')
		key++;
	if (strcmp(key, "metadata.name") == 0) {
		if (strlen(val) >= LE_NAME_MAX)
			goto toolong;
		snprintf(ne ? f->name_ne : f->name_eq, LE_NAME_MAX, "%s", val);
		*(ne ? &f->has_name_ne : &f->has_name_eq) = true;
	} else if (strcmp(key, "metadata.namespace") == 0) {
		if (strlen(val) >= FAHTTP_NS_MAX)
			goto toolong;
		snprintf(ne ? f->ns_ne : f->ns_eq, FAHTTP_NS_MAX, "%s", val);
		*(ne ? &f->has_ns_ne : &f->has_ns_eq) = true;
	} else {
		snprintf(err, errcap, "field label not supported: %s", key);
		return LE_EPARSE;
	}
	return LE_OK;
toolong:
	snprintf(err, errcap, "field selector value too long for %s", key);
	return LE_EPARSE;
}

int fahttp_field_selector_parse(const char *text, fahttp_filter *f, char *err,
				size_t errcap)
{
	if (text == NULL)
		return LE_OK;
	const char *p = text;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		if (n > 0 && field_term(p, n, f, err, errcap) != LE_OK)
			return LE_EPARSE;
		p += n;
		if (*p == ',')
			p++;
	}
	return LE_OK;
}

static const char *meta_string(const cJSON *meta, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

bool fahttp_filter_matches(const fahttp_filter *f, fa_resource res,
			   const cJSON *obj)
{
	if (res != f->res)
		return false;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *ns = meta_string(meta, "namespace");
	const char *name = meta_string(meta, "name");
	if (!f->all_namespaces && strcmp(ns, f->ns) != 0)
		return false;
	if (f->has_name_eq && strcmp(name, f->name_eq) != 0)
		return false;
	if (f->has_name_ne && strcmp(name, f->name_ne) == 0)
		return false;
	if (f->has_ns_eq && strcmp(ns, f->ns_eq) != 0)
		return false;
	if (f->has_ns_ne && strcmp(ns, f->ns_ne) == 0)
		return false;
	if (f->labels.n > 0 &&
	    !fahttp_selector_matches(&f->labels,
				     cJSON_GetObjectItemCaseSensitive(meta, "labels")))
		return false;
	return true;
}

void fahttp_filter_free(fahttp_filter *f)
{
	if (f != NULL)
		fahttp_selector_free(&f->labels);
}
