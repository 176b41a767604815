/* --set PATH=VALUE: overrides on a scenario's YAML text.
 *
 * The text is loaded as a libyaml document only to find where the path's
 * node sits; the value is then spliced into the text at that place: a
 * scalar (or flow collection) is replaced, a key missing from a mapping is
 * added to it (as "key: value" in a flow mapping, or a line with the
 * mapping's indentation in a block mapping; missing intermediate keys
 * become nested flow mappings). The scenario parser then reads the new
 * text exactly as it reads a file, so a bad value or a key that names no
 * field gets the parser's own "file:line:column: key: what" error, at the
 * line of the file the override landed on (docs/sim-cli.md, "--set").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "search.h"

#define PATH_DEPTH_MAX 16

typedef struct seg {
	char key[128];
	long index;              /* -1 = none */
} seg;

typedef struct buf {
	char *p;
	size_t len;
} buf;

int sim_override_parse(const char *arg, sim_override *ov, char *err,
		       size_t errcap)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	if (!eq || eq == arg) {
		snprintf(err, errcap, "--set '%s': expected PATH=VALUE, e.g. "
			 "election.leaseDuration=30s", arg ? arg : "");
		return LE_EINVAL;
	}
	size_t n = (size_t)(eq - arg);
	if (n >= sizeof ov->path || strlen(eq + 1) >= sizeof ov->value) {
		snprintf(err, errcap, "--set '%.40s...': too long", arg);
		return LE_EINVAL;
	}
	memcpy(ov->path, arg, n);
	ov->path[n] = '\0';
	snprintf(ov->value, sizeof ov->value, "%s", eq + 1);
	return LE_OK;
}

/* "faults[0].at" -> {faults,0} {at,-1} */
static int split_path(const char *path, seg *segs, size_t *nsegs, char *why,
		      size_t whycap)
{
	size_t n = 0;
	const char *p = path;
	while (*p) {
		if (n == PATH_DEPTH_MAX) {
			snprintf(why, whycap, "more than %d parts", PATH_DEPTH_MAX);
			return LE_EINVAL;
		}
		seg *s = &segs[n++];
		size_t k = 0;
		while (*p && *p != '.' && *p != '[') {
			if (k + 1 >= sizeof s->key) {
				snprintf(why, whycap, "a key is too long");
				return LE_EINVAL;
			}
			s->key[k++] = *p++;
		}
		s->key[k] = '\0';
		s->index = -1;
		if (k == 0) {
			snprintf(why, whycap, "empty key at '%.40s'", p);
			return LE_EINVAL;
		}
		if (*p == '[') {
			char *end;
			errno = 0;
			long v = strtol(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || v < 0 || errno) {
				snprintf(why, whycap, "expected [N] with N >= 0 after '%s'",
					 s->key);
				return LE_EINVAL;
			}
			s->index = v;
			p = end + 1;
		}
		if (*p == '.') {
			p++;
			if (!*p) {
				snprintf(why, whycap, "ends with '.'");
				return LE_EINVAL;
			}
		} else if (*p) {
			snprintf(why, whycap, "unexpected '%c' after '%s'", *p, s->key);
			return LE_EINVAL;
		}
	}
	if (n == 0) {
		snprintf(why, whycap, "empty path");
		return LE_EINVAL;
	}
	*nsegs = n;
	return LE_OK;
}

/* Byte offset of a libyaml mark (line and column count characters). */
static size_t mark_offset(const char *text, size_t len, yaml_mark_t m)
{
	size_t off = 0;
	for (size_t line = 0; line < m.line && off < len; off++)
		if (text[off] == '\n')
			line++;
	for (size_t col = 0; col < m.column && off < len; col++) {
		off++;
		while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

/* A value as YAML text: flow collections and plain-safe scalars as given,
 * anything else double-quoted. */
static void value_text(const char *v, char *out, size_t cap)
{
	bool plain = *v != '\0';
	if (*v == '{' || *v == '[') {
		snprintf(out, cap, "%s", v);
		return;
	}
	for (const char *p = v; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._+-/", *p))
			plain = false;
	if (*v == '-' && !(v[1] >= '0' && v[1] <= '9'))
		plain = false; /* "- x" would be a list entry */
	if (plain) {
		snprintf(out, cap, "%s", v);
		return;
	}
	size_t k = 0;
	if (cap < 3) {
		out[0] = '\0';
		return;
	}
	out[k++] = '"';
	for (const char *p = v; *p && k + 3 < cap; p++) {
		if (*p == '"' || *p == '\\')
			out[k++] = '\\';
		out[k++] = *p;
	}
	out[k++] = '"';
	out[k] = '\0';
}

/* "k: {k2: {k3: value}}" for the segments from i on (all plain keys). */
static int nested_text(const seg *segs, size_t i, size_t n, const char *vt,
		       char *out, size_t cap)
{
	size_t k = 0;
	for (size_t j = i; j < n; j++) {
		int w = snprintf(out + k, cap - k, j == i ? "%s: " : "{%s: ",
				 segs[j].key);
		if (w < 0 || (size_t)w >= cap - k)
			return LE_EINVAL;
		k += (size_t)w;
	}
	int w = snprintf(out + k, cap - k, "%s", vt);
	if (w < 0 || (size_t)w >= cap - k)
		return LE_EINVAL;
	k += (size_t)w;
	for (size_t j = i + 1; j < n; j++) {
		if (k + 2 > cap)
			return LE_EINVAL;
		out[k++] = '}';
	}
	out[k] = '\0';
	return LE_OK;
}

static int splice(buf *b, size_t from, size_t to, const char *ins)
{
	size_t il = strlen(ins);
	char *nb = malloc(b->len - (to - from) + il + 1);
	if (!nb)
		return LE_ENOMEM;
	memcpy(nb, b->p, from);
	memcpy(nb + from, ins, il);
	memcpy(nb + from + il, b->p + to, b->len - to);
	b->len = b->len - (to - from) + il;
	nb[b->len] = '\0';
	free(b->p);
	b->p = nb;
	return LE_OK;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *node_kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" :
	       n->type == YAML_SEQUENCE_NODE ? "a list" : "a value";
}

/* Add "key: value" (nested) to mapping m. */
static int add_key(buf *b, yaml_document_t *d, yaml_node_t *m,
		   const char *ins)
{
	char line[1400];
	if (m->data.mapping.style == YAML_FLOW_MAPPING_STYLE) {
		size_t at = mark_offset(b->p, b->len, m->start_mark) + 1;
		bool empty = m->data.mapping.pairs.start == m->data.mapping.pairs.top;
		snprintf(line, sizeof line, empty ? "%s" : "%s, ", ins);
		return splice(b, at, at, line);
	}
	yaml_node_pair_t *first = m->data.mapping.pairs.start;
	yaml_node_pair_t *last = m->data.mapping.pairs.top - 1;
	if (first > last)
		return LE_EINVAL;
	yaml_node_t *fk = yaml_document_get_node(d, first->key);
	yaml_node_t *lv = yaml_document_get_node(d, last->value);
	size_t indent = fk->start_mark.column;
	size_t at = mark_offset(b->p, b->len, lv->end_mark);
	/* at the start of the line after the last value */
	if (!(at > 0 && b->p[at - 1] == '\n') && at < b->len) {
		const char *nl = memchr(b->p + at, '\n', b->len - at);
		at = nl ? (size_t)(nl - b->p) + 1 : b->len;
	}
	bool need_nl = at == b->len && b->len > 0 && b->p[b->len - 1] != '\n';
	if (indent > 200)
		indent = 200;
	snprintf(line, sizeof line, "%s%*s%.1024s\n", need_nl ? "\n" : "",
		 (int)indent, "", ins);
	return splice(b, at, at, line);
}

/* where[0..wl) + a + b, truncated to cap; the new length. */
static size_t append(char *where, size_t cap, size_t wl, const char *a,
		     const char *b)
{
	for (const char *p = a; *p && wl + 1 < cap; p++)
		where[wl++] = *p;
	for (const char *p = b; *p && wl + 1 < cap; p++)
		where[wl++] = *p;
	where[wl] = '\0';
	return wl;
}

static int apply_one(buf *b, const char *filename, const sim_override *ov,
		     char *err, size_t errcap)
{
	seg segs[PATH_DEPTH_MAX];
	size_t nsegs = 0;
	char why[256];
	if (split_path(ov->path, segs, &nsegs, why, sizeof why) != LE_OK) {
		snprintf(err, errcap, "--set %s: bad path: %s", ov->path, why);
		return LE_EINVAL;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return LE_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)b->p, b->len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errcap, "%s:%zu:%zu: not YAML: %s", filename,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return LE_EPARSE;
	}
	yaml_parser_delete(&parser);
	int rc = LE_OK;
	char vt[600], ins[1024];
	value_text(ov->value, vt, sizeof vt);
	yaml_node_t *n = yaml_document_get_root_node(&doc);
	char where[300] = "";
	size_t wl = 0;
	for (size_t i = 0; n && i < nsegs; i++) {
		const seg *s = &segs[i];
		if (n->type != YAML_MAPPING_NODE) {
			snprintf(err, errcap, "%s:%zu: --set %s: %s is %s, not a mapping "
				 "with key '%s'", filename, n->start_mark.line + 1,
				 ov->path, wl ? where : "the document", node_kind(n),
				 s->key);
			rc = LE_EINVAL;
			goto out;
		}
		yaml_node_t *c = map_get(&doc, n, s->key);
		wl = append(where, sizeof where, wl, wl ? "." : "", s->key);
		if (!c) {
			bool plain = true;
			for (size_t j = i; j < nsegs; j++)
				plain = plain && segs[j].index < 0;
			if (!plain) {
				snprintf(err, errcap, "%s:%zu: --set %s: %s: no such key "
					 "in the file, so it has no element [%ld]",
					 filename, n->start_mark.line + 1, ov->path,
					 where, s->index);
				rc = LE_EINVAL;
				goto out;
			}
			if (nested_text(segs, i, nsegs, vt, ins, sizeof ins) != LE_OK) {
				snprintf(err, errcap, "--set %s: too long", ov->path);
				rc = LE_EINVAL;
				goto out;
			}
			rc = add_key(b, &doc, n, ins);
			goto out;
		}
		n = c;
		if (s->index >= 0) {
			if (n->type != YAML_SEQUENCE_NODE) {
				snprintf(err, errcap, "%s:%zu: --set %s: %s is %s, not a list",
					 filename, n->start_mark.line + 1, ov->path,
					 where, node_kind(n));
				rc = LE_EINVAL;
				goto out;
			}
			long len = (long)(n->data.sequence.items.top -
					  n->data.sequence.items.start);
			if (s->index >= len) {
				snprintf(err, errcap, "%s:%zu: --set %s: %s has %ld "
					 "element%s, so [%ld] names none", filename,
					 n->start_mark.line + 1, ov->path, where, len,
					 len == 1 ? "" : "s", s->index);
				rc = LE_EINVAL;
				goto out;
			}
			n = yaml_document_get_node(&doc,
				n->data.sequence.items.start[s->index]);
			char ix[32];
			snprintf(ix, sizeof ix, "[%ld]", s->index);
			wl = append(where, sizeof where, wl, "", ix);
		}
	}
	if (!n) {
		rc = LE_EINVAL;
		goto out;
	}
	if ((n->type == YAML_MAPPING_NODE &&
	     n->data.mapping.style != YAML_FLOW_MAPPING_STYLE) ||
	    (n->type == YAML_SEQUENCE_NODE &&
	     n->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE)) {
		snprintf(err, errcap, "%s:%zu: --set %s: %s is %s; set one of its "
			 "fields instead", filename, n->start_mark.line + 1,
			 ov->path, where, node_kind(n));
		rc = LE_EINVAL;
		goto out;
	}
	if (n->type == YAML_SCALAR_NODE &&
	    (n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	     n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)) {
		/* a block scalar ends at the next line: replace it by a
		 * quoted one-line value and keep the line break */
		size_t from = mark_offset(b->p, b->len, n->start_mark);
		size_t to = mark_offset(b->p, b->len, n->end_mark);
		while (to > from && b->p[to - 1] == '\n')
			to--;
		char q[600];
		snprintf(q, sizeof q, "%s", vt);
		rc = splice(b, from, to, q);
		goto out;
	}
	rc = splice(b, mark_offset(b->p, b->len, n->start_mark),
		    mark_offset(b->p, b->len, n->end_mark), vt);
out:
	yaml_document_delete(&doc);
	return rc;
}

int sim_override_text(const char *text, size_t len, const char *filename,
		      const sim_override *ov, size_t nov, char **out,
		      size_t *outlen, char *err, size_t errcap)
{
	buf b = {.p = malloc(len + 1), .len = len};
	if (!b.p)
		return LE_ENOMEM;
	memcpy(b.p, text, len);
	b.p[len] = '\0';
	for (size_t i = 0; i < nov; i++) {
		int rc = apply_one(&b, filename, &ov[i], err, errcap);
		if (rc != LE_OK) {
			if (rc == LE_ENOMEM)
				snprintf(err, errcap, "%s: out of memory", filename);
			free(b.p);
			return rc;
		}
	}
	*out = b.p;
	if (outlen)
		*outlen = b.len;
	return LE_OK;
}

int sim_read_file(const char *path, char **out, size_t *len, char *err,
		  size_t errcap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
		return LE_EIO;
	}
	size_t cap = 16384, n = 0;
	char *p = malloc(cap + 1);
	while (p) {
		size_t r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		if (cap >= (64u << 20)) {
			snprintf(err, errcap, "%s: too large for a scenario", path);
			free(p);
			fclose(f);
			return LE_EINVAL;
		}
		cap *= 2;
		char *np = realloc(p, cap + 1);
		if (!np)
			free(p);
		p = np;
	}
	bool bad = ferror(f);
	fclose(f);
	if (!p) {
		snprintf(err, errcap, "%s: out of memory", path);
		return LE_ENOMEM;
	}
	if (bad) {
		snprintf(err, errcap, "%s: read error", path);
		free(p);
		return LE_EIO;
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	return LE_OK;
}

int sim_scenario_parse_with(const char *text, size_t len, const char *filename,
			    const sim_override *ov, size_t nov,
			    sim_scenario *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	if (nov == 0)
		return sim_scenario_parse(text, len, filename, out, err, errcap);
	char *t = NULL;
	size_t tl = 0;
	int rc = sim_override_text(text, len, filename, ov, nov, &t, &tl, err,
				   errcap);
	if (rc != LE_OK)
		return rc;
	rc = sim_scenario_parse(t, tl, filename, out, err, errcap);
	free(t);
	if (rc != LE_OK) {
		size_t k = strlen(err);
		for (size_t i = 0; i < nov && k + 8 < errcap; i++) {
			int w = snprintf(err + k, errcap - k, "%s--set %s=%s",
					 i ? ", " : " (after ", ov[i].path,
					 ov[i].value);
			if (w < 0)
				break;
			k += (size_t)w < errcap - k ? (size_t)w : errcap - k - 1;
		}
		if (k + 2 < errcap)
			snprintf(err + k, errcap - k, ")");
	}
	return rc;
}

int sim_scenario_load_with(const char *path, const sim_override *ov,
			   size_t nov, sim_scenario *out, char *err,
			   size_t errcap)
{
	memset(out, 0, sizeof *out);
	if (nov == 0)
		return sim_scenario_load(path, out, err, errcap);
	char *text = NULL;
	size_t len = 0;
	int rc = sim_read_file(path, &text, &len, err, errcap);
	if (rc != LE_OK)
		return rc;
	rc = sim_scenario_parse_with(text, len, path, ov, nov, out, err, errcap);
	free(text);
	return rc;
}
