/* kubeconfig (libyaml) and in-cluster configuration, resolved the way kubectl
 * resolves them, into an le_kube_config with every certificate read and
 * checked (OpenSSL) at load time: a bad file is a one-line error at startup
 * that names the file, line and key, not a TLS failure on every request. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <yaml.h>

#include "leaselab/kube.h"

#define KC_FILES_MAX	  32
#define KC_FILE_BYTES_MAX (4 * 1024 * 1024)

/* One loaded file: its YAML document (kept until resolution is done). */
typedef struct kc_file {
	char *path;
	char *dir; /* for relative paths inside the file */
	yaml_document_t doc;
	bool loaded;
} kc_file;

/* A named cluster / user / context: the first file that defines it wins. */
typedef struct kc_entry {
	const char *name;
	kc_file *file;
	yaml_node_t *body; /* the "cluster:" / "user:" / "context:" mapping */
	int line;
} kc_entry;

typedef struct kc_set {
	kc_entry *v;
	size_t n, cap;
} kc_set;

typedef struct kc_merged {
	kc_file files[KC_FILES_MAX];
	size_t nfiles;
	kc_set clusters, users, contexts;
	const char *current_context;
	kc_file *current_context_file;
} kc_merged;

/* ---- small helpers ---------------------------------------------------- */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static char *resolve_path(const kc_file *f, const char *p)
{
	if (p[0] == '/' || !f)
		return strdup(p);
	size_t n = strlen(f->dir) + 1 + strlen(p) + 1;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", f->dir, p);
	return out;
}

/* Read a whole file; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (n < cap)
			break;
		if (cap >= KC_FILE_BYTES_MAX) {
			free(buf);
			buf = NULL;
			errno = EFBIG;
			break;
		}
		cap *= 2;
		char *nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	if (buf && ferror(fp)) {
		int e = errno;
		free(buf);
		buf = NULL;
		errno = e ? e : EIO;
	}
	fclose(fp);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static void trim_right(char *s)
{
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard (or URL-safe) base64, whitespace ignored, padding optional.
 * Returns a NUL-terminated buffer or NULL (bad input / OOM). */
static char *b64_decode(const char *in, size_t *outlen)
{
	size_t n = strlen(in);
	char *out = malloc(n / 4 * 3 + 4);
	if (!out)
		return NULL;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	bool padded = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			padded = true;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || padded) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6) { /* a lone trailing character cannot be valid */
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* ---- PEM checks (OpenSSL) --------------------------------------------- */

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

static X509 *pem_first_cert(const char *pem, size_t len, int *count)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *first = NULL, *x;
	*count = 0;
	if (!bio)
		return NULL;
	while ((x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) != NULL) {
		if (!first)
			first = x;
		else
			X509_free(x);
		(*count)++;
	}
	BIO_free(bio);
	ERR_clear_error();
	return first;
}

static EVP_PKEY *pem_key(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return NULL;
	EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return k;
}

/* ---- YAML access -------------------------------------------------------- */

static int node_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static bool node_is_null(const yaml_node_t *n)
{
	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key)) {
			yaml_node_t *v = yaml_document_get_node(d, p->value);
			return node_is_null(v) ? NULL : v;
		}
	}
	return NULL;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

/* What a lookup of one scalar field needs for its error message. */
typedef struct kc_where {
	kc_file *file;
	const char *section; /* "clusters", "users", "contexts" */
	const char *name;    /* entry name */
	const char *sub;     /* "cluster", "user", "context" */
} kc_where;

static void where_err(const kc_where *w, const yaml_node_t *n, const char *key, char *err,
		      size_t errcap, const char *fmt, const char *a, const char *b)
{
	char what[512];
	snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
	snprintf(err, errcap, "%s:%d: %s[%s].%s.%s: %s", w->file->path, node_line(n), w->section,
		 w->name, w->sub, key, what);
}

/* A string field: *out = value or NULL when absent/null. */
static int get_str(const kc_where *w, yaml_node_t *body, const char *key, const char **out,
		   char *err, size_t errcap)
{
	yaml_node_t *n = map_get(&w->file->doc, body, key);
	*out = NULL;
	if (!n)
		return LE_OK;
	if (n->type != YAML_SCALAR_NODE) {
		where_err(w, n, key, err, errcap, "expected a string, found %s", node_kind(n),
			  NULL);
		return LE_EPARSE;
	}
	*out = (const char *)n->data.scalar.value;
	return LE_OK;
}

static int get_bool(const kc_where *w, yaml_node_t *body, const char *key, bool *out, char *err,
		    size_t errcap)
{
	const char *v;
	int rc = get_str(w, body, key, &v, err, errcap);
	*out = false;
	if (rc || !v)
		return rc;
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
					  "YES",  "on",	  "On",	  "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
					 "NO",	  "off",   "Off",   "OFF"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return LE_OK;
		}
		if (!strcmp(v, no[i]))
			return LE_OK;
	}
	where_err(w, map_get(&w->file->doc, body, key), key, err, errcap,
		  "expected true or false, found \"%s\"", v, NULL);
	return LE_EPARSE;
}

/* ---- loading and merging ------------------------------------------------ */

static int set_add(kc_set *s, const kc_entry *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, e->name))
			return LE_OK; /* first file wins */
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		kc_entry *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return LE_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *e;
	return LE_OK;
}

static const kc_entry *set_find(const kc_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void set_names(const kc_set *s, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && n + 1 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", s->v[i].name);
	if (s->n == 0)
		snprintf(buf, cap, "none");
}

/* clusters: / users: / contexts: — a list of {name, <sub>: {...}}. */
static int load_section(kc_file *f, yaml_node_t *root, const char *section, const char *sub,
			kc_set *set, char *err, size_t errcap)
{
	yaml_document_t *d = &f->doc;
	yaml_node_t *list = map_get(d, root, section);
	if (!list)
		return LE_OK;
	if (list->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errcap, "%s:%d: %s: expected a list, found %s", f->path,
			 node_line(list), section, node_kind(list));
		return LE_EPARSE;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		size_t idx = (size_t)(it - list->data.sequence.items.start);
		yaml_node_t *item = yaml_document_get_node(d, *it);
		if (!item || item->type != YAML_MAPPING_NODE) {
			snprintf(err, errcap, "%s:%d: %s[%zu]: expected a mapping with name and %s",
				 f->path, node_line(item), section, idx, sub);
			return LE_EPARSE;
		}
		yaml_node_t *name = map_get(d, item, "name");
		if (!name || name->type != YAML_SCALAR_NODE || !*name->data.scalar.value) {
			snprintf(err, errcap, "%s:%d: %s[%zu]: missing name", f->path,
				 node_line(item), section, idx);
			return LE_EPARSE;
		}
		yaml_node_t *body = map_get(d, item, sub);
		if (body && body->type != YAML_MAPPING_NODE) {
			snprintf(err, errcap, "%s:%d: %s[%s].%s: expected a mapping, found %s",
				 f->path, node_line(body), section,
				 (const char *)name->data.scalar.value, sub, node_kind(body));
			return LE_EPARSE;
		}
		kc_entry e = {(const char *)name->data.scalar.value, f, body, node_line(item)};
		if (set_add(set, &e) != LE_OK) {
			snprintf(err, errcap, "out of memory");
			return LE_ENOMEM;
		}
	}
	return LE_OK;
}

/* Limits that keep a hostile or broken kubeconfig from stalling start-up:
 * libyaml's document loader takes time quadratic in the nesting depth, so
 * the depth is checked on the event stream first. Real kubeconfigs nest 4
 * or 5 levels and weigh kilobytes. */
#define KC_DEPTH_MAX 64
#define KC_BYTES_MAX (4L << 20)

static int check_shape(FILE *fp, const char *path, char *err, size_t errcap)
{
	if (fseek(fp, 0, SEEK_END) == 0) {
		long size = ftell(fp);
		if (size > KC_BYTES_MAX) {
			snprintf(err, errcap, "kubeconfig %s: %ld bytes is too large (at most %ld)",
				 path, size, KC_BYTES_MAX);
			return LE_ERANGE;
		}
	}
	rewind(fp);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	yaml_parser_set_input_file(&p, fp);
	int depth = 0, rc = LE_OK;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break; /* the loader reports syntax errors */
		yaml_event_type_t t = ev.type;
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > KC_DEPTH_MAX) {
				snprintf(err, errcap,
					 "%s:%d:%d: nested more than %d levels deep (the limit "
					 "for a kubeconfig)",
					 path, (int)ev.start_mark.line + 1,
					 (int)ev.start_mark.column + 1, KC_DEPTH_MAX);
				rc = LE_EPARSE;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (rc != LE_OK || t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	rewind(fp);
	return rc;
}

static int load_one(kc_merged *m, const char *path, bool skip_missing, char *err, size_t errcap)
{
	if (m->nfiles == KC_FILES_MAX) {
		snprintf(err, errcap, "kubeconfig: more than %d files", KC_FILES_MAX);
		return LE_ERANGE;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		if (skip_missing && errno == ENOENT)
			return LE_OK;
		snprintf(err, errcap, "kubeconfig %s: cannot open: %s", path, strerror(errno));
		return LE_EIO;
	}
	int src = check_shape(fp, path, err, errcap);
	if (src != LE_OK) {
		fclose(fp);
		return src;
	}
	kc_file *f = &m->files[m->nfiles];
	memset(f, 0, sizeof *f);
	f->path = strdup(path);
	f->dir = dir_of(path);

	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	int ok = yaml_parser_load(&parser, &f->doc);
	if (!ok) {
		const yaml_mark_t *mk = &parser.problem_mark;
		snprintf(err, errcap, "%s:%d:%d: YAML syntax error: %s%s%s", path,
			 (int)mk->line + 1, (int)mk->column + 1,
			 parser.problem ? parser.problem : "malformed YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		fclose(fp);
		free(f->path);
		free(f->dir);
		return LE_EPARSE;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	f->loaded = true;
	m->nfiles++;

	yaml_node_t *root = yaml_document_get_root_node(&f->doc);
	if (!root || node_is_null(root))
		return LE_OK; /* an empty file is an empty config, as for kubectl */
	if (root->type != YAML_MAPPING_NODE) {
		snprintf(err, errcap,
			 "%s:%d: not a kubeconfig: expected a mapping with clusters, users and "
			 "contexts, found %s",
			 path, node_line(root), node_kind(root));
		return LE_EPARSE;
	}
	int rc;
	if ((rc = load_section(f, root, "clusters", "cluster", &m->clusters, err, errcap)) ||
	    (rc = load_section(f, root, "users", "user", &m->users, err, errcap)) ||
	    (rc = load_section(f, root, "contexts", "context", &m->contexts, err, errcap)))
		return rc;
	yaml_node_t *cur = map_get(&f->doc, root, "current-context");
	if (cur && !m->current_context) {
		if (cur->type != YAML_SCALAR_NODE) {
			snprintf(err, errcap, "%s:%d: current-context: expected a string, found %s",
				 path, node_line(cur), node_kind(cur));
			return LE_EPARSE;
		}
		if (*cur->data.scalar.value) {
			m->current_context = (const char *)cur->data.scalar.value;
			m->current_context_file = f;
		}
	}
	return LE_OK;
}

static void merged_free(kc_merged *m)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		if (m->files[i].loaded)
			yaml_document_delete(&m->files[i].doc);
		free(m->files[i].path);
		free(m->files[i].dir);
	}
	free(m->clusters.v);
	free(m->users.v);
	free(m->contexts.v);
}

static void file_list(const kc_merged *m, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->nfiles && n + 1 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ":" : "", m->files[i].path);
}

/* ---- resolving the selected context ------------------------------------- */

/* Read "<key>" (a file) or "<key>-data" (base64) into *pem. */
static int load_blob(const kc_where *w, yaml_node_t *body, const char *key, char **pem, size_t *len,
		     const char **which, char *err, size_t errcap)
{
	char data_key[64];
	const char *path, *data;
	int rc;
	snprintf(data_key, sizeof data_key, "%s-data", key);
	*pem = NULL;
	*which = NULL;
	if ((rc = get_str(w, body, data_key, &data, err, errcap)) ||
	    (rc = get_str(w, body, key, &path, err, errcap)))
		return rc;
	if (data && *data) { /* -data wins over the file, as in client-go */
		*which = "-data";
		*pem = b64_decode(data, len);
		if (!*pem) {
			where_err(w, map_get(&w->file->doc, body, data_key), data_key, err, errcap,
				  "not valid base64%s%s", NULL, NULL);
			return LE_EPARSE;
		}
		return LE_OK;
	}
	if (path && *path) {
		*which = "";
		char *full = resolve_path(w->file, path);
		if (!full) {
			snprintf(err, errcap, "out of memory");
			return LE_ENOMEM;
		}
		*pem = read_file(full, len);
		if (!*pem) {
			where_err(w, map_get(&w->file->doc, body, key), key, err, errcap,
				  "cannot read %s: %s", full, strerror(errno));
			free(full);
			return LE_EIO;
		}
		free(full);
	}
	return LE_OK;
}

static int check_certs(const kc_where *w, yaml_node_t *body, const char *key, const char *which,
		       const char *pem, size_t len, X509 **first, char *err, size_t errcap)
{
	char k[64];
	int count;
	snprintf(k, sizeof k, "%s%s", key, which);
	X509 *x = pem_first_cert(pem, len, &count);
	if (!x) {
		where_err(w, map_get(&w->file->doc, body, k), k, err, errcap,
			  "no PEM certificate found (%s)",
			  strstr(pem, "-----BEGIN") ? "the PEM block does not parse"
						    : "expected -----BEGIN CERTIFICATE-----",
			  NULL);
		return LE_EPARSE;
	}
	if (first)
		*first = x;
	else
		X509_free(x);
	return LE_OK;
}

static int resolve_cluster(const kc_entry *ce, le_kube_config *out, char *err, size_t errcap)
{
	kc_where w = {ce->file, "clusters", ce->name, "cluster"};
	const char *server, *which;
	int rc;
	if (!ce->body) {
		snprintf(err, errcap, "%s:%d: clusters[%s]: missing cluster: section with server",
			 ce->file->path, ce->line, ce->name);
		return LE_EPARSE;
	}
	if ((rc = get_str(&w, ce->body, "server", &server, err, errcap)))
		return rc;
	if (!server || !*server) {
		snprintf(err, errcap,
			 "%s:%d: clusters[%s].cluster.server: missing (the apiserver URL, e.g. "
			 "https://127.0.0.1:6443)",
			 ce->file->path, node_line(ce->body), ce->name);
		return LE_EINVAL;
	}
	bool has_scheme = !strncmp(server, "https://", 8) || !strncmp(server, "http://", 7);
	if (!has_scheme && strstr(server, "://")) {
		where_err(&w, map_get(&ce->file->doc, ce->body, "server"), "server", err, errcap,
			  "unsupported URL scheme in \"%s\" (use https:// or http://)", server,
			  NULL);
		return LE_EINVAL;
	}
	size_t n = strlen(server) + 9;
	out->server = malloc(n);
	if (!out->server)
		return LE_ENOMEM;
	snprintf(out->server, n, "%s%s", has_scheme ? "" : "https://", server);
	trim_right(out->server);
	for (size_t l = strlen(out->server); l > 0 && out->server[l - 1] == '/'; l--)
		out->server[l - 1] = '\0';

	if ((rc = get_bool(&w, ce->body, "insecure-skip-tls-verify", &out->insecure_skip_tls_verify,
			   err, errcap)))
		return rc;
	if ((rc = load_blob(&w, ce->body, "certificate-authority", &out->ca_pem, &out->ca_pem_len,
			    &which, err, errcap)))
		return rc;
	if (out->ca_pem) {
		if ((rc = check_certs(&w, ce->body, "certificate-authority", which, out->ca_pem,
				      out->ca_pem_len, NULL, err, errcap)))
			return rc;
		if (out->insecure_skip_tls_verify) {
			snprintf(err, errcap,
				 "%s:%d: clusters[%s].cluster: insecure-skip-tls-verify and "
				 "certificate-authority%s are both set; "
				 "kubectl refuses this too: remove one",
				 ce->file->path, node_line(ce->body), ce->name, which);
			return LE_EINVAL;
		}
	}
	return LE_OK;
}

static int resolve_user(const kc_entry *ue, le_kube_config *out, char *err, size_t errcap)
{
	kc_where w = {ue->file, "users", ue->name, "user"};
	const char *token, *token_file, *user, *pass, *which_cert, *which_key;
	int rc;
	if (!ue->body)
		return LE_OK; /* an empty user: anonymous */
	if ((rc = get_str(&w, ue->body, "token", &token, err, errcap)) ||
	    (rc = get_str(&w, ue->body, "tokenFile", &token_file, err, errcap)) ||
	    (rc = get_str(&w, ue->body, "username", &user, err, errcap)) ||
	    (rc = get_str(&w, ue->body, "password", &pass, err, errcap)))
		return rc;
	if (token && *token) {
		out->token = strdup(token);
		trim_right(out->token);
	} else if (token_file && *token_file) {
		size_t len;
		out->token_file = resolve_path(ue->file, token_file);
		out->token = out->token_file ? read_file(out->token_file, &len) : NULL;
		if (!out->token) {
			where_err(&w, map_get(&ue->file->doc, ue->body, "tokenFile"), "tokenFile",
				  err, errcap, "cannot read %s: %s", out->token_file,
				  strerror(errno));
			return LE_EIO;
		}
		trim_right(out->token);
	}
	if (user && *user) {
		out->username = strdup(user);
		out->password = strdup(pass ? pass : "");
	}

	if ((rc = load_blob(&w, ue->body, "client-certificate", &out->client_cert_pem,
			    &out->client_cert_pem_len, &which_cert, err, errcap)) ||
	    (rc = load_blob(&w, ue->body, "client-key", &out->client_key_pem,
			    &out->client_key_pem_len, &which_key, err, errcap)))
		return rc;
	if (!out->client_cert_pem != !out->client_key_pem) {
		snprintf(err, errcap,
			 "%s:%d: users[%s].user: %s is set but %s is not (a client certificate "
			 "needs its key)",
			 ue->file->path, node_line(ue->body), ue->name,
			 out->client_cert_pem ? "client-certificate" : "client-key",
			 out->client_cert_pem ? "client-key" : "client-certificate");
		return LE_EINVAL;
	}
	if (out->client_cert_pem) {
		X509 *cert = NULL;
		if ((rc = check_certs(&w, ue->body, "client-certificate", which_cert,
				      out->client_cert_pem, out->client_cert_pem_len, &cert, err,
				      errcap)))
			return rc;
		EVP_PKEY *key = pem_key(out->client_key_pem, out->client_key_pem_len);
		char k[64];
		snprintf(k, sizeof k, "client-key%s", which_key);
		if (!key) {
			X509_free(cert);
			where_err(&w, map_get(&ue->file->doc, ue->body, k), k, err, errcap,
				  "no usable PEM private key found (%s)",
				  strstr(out->client_key_pem, "ENCRYPTED")
					  ? "encrypted keys are not supported"
					  : "expected -----BEGIN ... PRIVATE KEY-----",
				  NULL);
			return LE_EPARSE;
		}
		bool match = X509_check_private_key(cert, key) == 1;
		ERR_clear_error();
		X509_free(cert);
		EVP_PKEY_free(key);
		if (!match) {
			where_err(&w, map_get(&ue->file->doc, ue->body, k), k, err, errcap,
				  "the key does not match client-certificate%s", which_cert, NULL);
			return LE_EINVAL;
		}
	}

	bool has_auth = out->token || out->username || out->client_cert_pem;
	yaml_node_t *exec = map_get(&ue->file->doc, ue->body, "exec");
	yaml_node_t *provider = map_get(&ue->file->doc, ue->body, "auth-provider");
	if (!has_auth && (exec || provider)) {
		yaml_node_t *n = exec ? exec : provider;
		where_err(&w, n, exec ? "exec" : "auth-provider", err, errcap,
			  "credential plugins are not supported by leaselab; use a token, "
			  "tokenFile or "
			  "client certificate (e.g. a service-account token)%s%s",
			  NULL, NULL);
		return LE_EINVAL;
	}
	return LE_OK;
}

static int resolve(kc_merged *m, const char *context, le_kube_config *out, char *err, size_t errcap)
{
	char files[1024], names[512];
	file_list(m, files, sizeof files);
	if (m->nfiles == 0) {
		snprintf(err, errcap, "kubeconfig: none of the files exist");
		return LE_ENOTFOUND;
	}
	const char *ctx_name = context && *context ? context : m->current_context;
	if (!ctx_name) {
		set_names(&m->contexts, names, sizeof names);
		snprintf(err, errcap,
			 "kubeconfig %s: current-context is not set; pass --context (contexts: %s)",
			 files, names);
		return LE_EINVAL;
	}
	const kc_entry *ce = set_find(&m->contexts, ctx_name);
	if (!ce) {
		set_names(&m->contexts, names, sizeof names);
		if (context && *context)
			snprintf(err, errcap,
				 "kubeconfig %s: context \"%s\" not found (contexts: %s)", files,
				 ctx_name, names);
		else
			snprintf(err, errcap, "%s: current-context \"%s\" not found (contexts: %s)",
				 m->current_context_file->path, ctx_name, names);
		return LE_ENOTFOUND;
	}
	kc_where w = {ce->file, "contexts", ce->name, "context"};
	const char *cluster_name = NULL, *user_name = NULL, *ns = NULL;
	int rc;
	if (ce->body && ((rc = get_str(&w, ce->body, "cluster", &cluster_name, err, errcap)) ||
			 (rc = get_str(&w, ce->body, "user", &user_name, err, errcap)) ||
			 (rc = get_str(&w, ce->body, "namespace", &ns, err, errcap))))
		return rc;
	if (!cluster_name || !*cluster_name) {
		snprintf(err, errcap, "%s:%d: contexts[%s].context.cluster: missing",
			 ce->file->path, ce->line, ce->name);
		return LE_EINVAL;
	}
	const kc_entry *cl = set_find(&m->clusters, cluster_name);
	if (!cl) {
		set_names(&m->clusters, names, sizeof names);
		snprintf(err, errcap,
			 "%s:%d: contexts[%s].context.cluster: cluster \"%s\" is not defined "
			 "(clusters: %s)",
			 ce->file->path, node_line(map_get(&ce->file->doc, ce->body, "cluster")),
			 ce->name, cluster_name, names);
		return LE_ENOTFOUND;
	}
	const kc_entry *ue = NULL;
	if (user_name && *user_name) {
		ue = set_find(&m->users, user_name);
		if (!ue) {
			set_names(&m->users, names, sizeof names);
			snprintf(err, errcap,
				 "%s:%d: contexts[%s].context.user: user \"%s\" is not defined "
				 "(users: %s)",
				 ce->file->path,
				 node_line(map_get(&ce->file->doc, ce->body, "user")), ce->name,
				 user_name, names);
			return LE_ENOTFOUND;
		}
	}
	if ((rc = resolve_cluster(cl, out, err, errcap)) ||
	    (ue && (rc = resolve_user(ue, out, err, errcap))))
		return rc;
	out->namespace = xstrdup(ns && *ns ? ns : NULL);
	out->context = strdup(ctx_name);
	size_t n = strlen(files) + strlen(ctx_name) + 32;
	out->source = malloc(n);
	if (out->source)
		snprintf(out->source, n, "kubeconfig %s (context %s)", files, ctx_name);
	return LE_OK;
}

int le_kubeconfig_load_files(const char *const *paths, size_t npaths, bool skip_missing,
			     const char *context, le_kube_config *out, char *err, size_t errcap)
{
	kc_merged *m = calloc(1, sizeof *m);
	int rc = LE_OK;
	memset(out, 0, sizeof *out);
	if (!m) {
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	for (size_t i = 0; i < npaths && rc == LE_OK; i++)
		if (paths[i] && *paths[i])
			rc = load_one(m, paths[i], skip_missing, err, errcap);
	if (rc == LE_OK && m->nfiles == 0) {
		size_t n = 0;
		n += (size_t)snprintf(err, errcap, "kubeconfig: no such file:");
		for (size_t i = 0; i < npaths && n < errcap; i++)
			n += (size_t)snprintf(err + n, errcap - n, " %s", paths[i] ? paths[i] : "");
		rc = LE_ENOTFOUND;
	}
	if (rc == LE_OK)
		rc = resolve(m, context, out, err, errcap);
	if (rc == LE_OK && !out->source)
		rc = LE_ENOMEM;
	merged_free(m);
	free(m);
	if (rc != LE_OK)
		le_kube_config_free(out);
	return rc;
}

int le_incluster_config_load(const char *dir, const char *host, const char *port,
			     le_kube_config *out, char *err, size_t errcap)
{
	char path[4096];
	size_t len;
	memset(out, 0, sizeof *out);
	if (!dir)
		dir = LE_SERVICEACCOUNT_DIR;
	if (!host || !*host || !port || !*port) {
		snprintf(err, errcap,
			 "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
			 "must be set "
			 "(they are in a pod; elsewhere use --kubeconfig)");
		return LE_EINVAL;
	}
	snprintf(path, sizeof path, "%s/token", dir);
	out->token = read_file(path, &len);
	if (!out->token) {
		snprintf(err, errcap,
			 "in-cluster config: cannot read the service-account token %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	trim_right(out->token);
	if (!*out->token) {
		snprintf(err, errcap, "in-cluster config: the service-account token %s is empty",
			 path);
		goto fail;
	}
	out->token_file = strdup(path);
	snprintf(path, sizeof path, "%s/ca.crt", dir);
	out->ca_pem = read_file(path, &out->ca_pem_len);
	if (!out->ca_pem) {
		snprintf(err, errcap, "in-cluster config: cannot read the cluster CA %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	int count;
	X509 *x = pem_first_cert(out->ca_pem, out->ca_pem_len, &count);
	if (!x) {
		snprintf(err, errcap, "in-cluster config: %s: no PEM certificate found", path);
		goto fail;
	}
	X509_free(x);
	snprintf(path, sizeof path, "%s/namespace", dir);
	out->namespace = read_file(path, &len); /* optional */
	if (out->namespace)
		trim_right(out->namespace);
	bool v6 = strchr(host, ':') != NULL;
	size_t n = strlen(host) + strlen(port) + 16;
	out->server = malloc(n);
	n = strlen(dir) + 40;
	out->source = malloc(n);
	if (!out->server || !out->source) {
		snprintf(err, errcap, "out of memory");
		goto fail;
	}
	snprintf(out->server, strlen(host) + strlen(port) + 16,
		 v6 ? "https://[%s]:%s" : "https://%s:%s", host, port);
	snprintf(out->source, n, "in-cluster service account (%s)", dir);
	return LE_OK;
fail:
	le_kube_config_free(out);
	return errno == ENOMEM ? LE_ENOMEM : LE_EIO;
}

void le_kube_load_opts_from_env(le_kube_load_opts *o)
{
	memset(o, 0, sizeof *o);
	o->kubeconfig_env = getenv("KUBECONFIG");
	o->home = getenv("HOME");
	o->service_host = getenv("KUBERNETES_SERVICE_HOST");
	o->service_port = getenv("KUBERNETES_SERVICE_PORT");
	o->sa_dir = getenv("LEASELAB_SERVICEACCOUNT_DIR");
}

int le_kube_config_load(const le_kube_load_opts *o, le_kube_config *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	if (o->in_cluster)
		return le_incluster_config_load(o->sa_dir, o->service_host, o->service_port, out,
						err, errcap);
	if (o->kubeconfig && *o->kubeconfig) {
		const char *p = o->kubeconfig;
		return le_kubeconfig_load_files(&p, 1, false, o->context, out, err, errcap);
	}
	if (o->kubeconfig_env && *o->kubeconfig_env) {
		char *list = strdup(o->kubeconfig_env);
		const char *paths[KC_FILES_MAX] = {0};
		size_t n = 0;
		if (!list) {
			snprintf(err, errcap, "out of memory");
			return LE_ENOMEM;
		}
		for (char *save = NULL, *p = strtok_r(list, ":", &save); p && n < KC_FILES_MAX;
		     p = strtok_r(NULL, ":", &save))
			paths[n++] = p;
		int rc = LE_ENOTFOUND;
		if (n > 0) { /* KUBECONFIG=":" names no file: kubectl goes on */
			rc = le_kubeconfig_load_files(paths, n, true, o->context, out, err, errcap);
			if (rc == LE_ENOTFOUND && strstr(err, "kubeconfig: no such file"))
				snprintf(err, errcap, "KUBECONFIG=%s: none of these files exists",
					 o->kubeconfig_env);
		}
		free(list);
		if (n > 0)
			return rc;
	}
	if (o->home && *o->home) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/.kube/config", o->home);
		if (stat(path, &st) == 0) {
			const char *p = path;
			return le_kubeconfig_load_files(&p, 1, false, o->context, out, err, errcap);
		}
	}
	if (o->service_host && *o->service_host)
		return le_incluster_config_load(o->sa_dir, o->service_host, o->service_port, out,
						err, errcap);
	snprintf(err, errcap,
		 "no apiserver configuration: pass --kubeconfig, set KUBECONFIG, create "
		 "%s/.kube/config, "
		 "or run in a pod (KUBERNETES_SERVICE_HOST is not set)",
		 o->home && *o->home ? o->home : "~");
	return LE_ENOTFOUND;
}

void le_kube_config_free(le_kube_config *c)
{
	if (!c)
		return;
	free(c->server);
	if (c->ca_pem)
		free(c->ca_pem);
	if (c->client_key_pem) { /* do not leave key material in freed memory */
		OPENSSL_cleanse(c->client_key_pem, c->client_key_pem_len);
		free(c->client_key_pem);
	}
	free(c->client_cert_pem);
	if (c->token) {
		OPENSSL_cleanse(c->token, strlen(c->token));
		free(c->token);
	}
	free(c->token_file);
	free(c->username);
	free(c->password);
	free(c->namespace);
	free(c->context);
	free(c->source);
	memset(c, 0, sizeof *c);
}
