/* leaselab — fake-apiserver: who is calling (bearer tokens) and what they
 * may do (an RBAC-lite policy), answering 401 and 403 in the apiserver's
 * words. Lists are kept as the comma-separated text of the rule and matched
 * by scanning: policies are a few lines long. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_internal.h"

typedef struct token {
	char *token;
	char *user;
	char *groups;      /* comma-separated, "" for none */
} token;

typedef struct rule {
	char *subjects;    /* users or groups, or "*" */
	char *verbs;       /* or "*" */
	unsigned resources;/* bit per fa_resource */
	char *namespaces;  /* or "*" */
	char *names;       /* or "*" (also when the field is omitted) */
} rule;

struct fa_authz {
	token *tokens;
	size_t ntokens, tokens_cap;
	rule *rules;
	size_t nrules, rules_cap;
};

fa_authz *fa_authz_new(void)
{
	return calloc(1, sizeof(fa_authz));
}

static void token_free(token *t)
{
	free(t->token);
	free(t->user);
	free(t->groups);
}

static void rule_free(rule *r)
{
	free(r->subjects);
	free(r->verbs);
	free(r->namespaces);
	free(r->names);
}

void fa_authz_free(fa_authz *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->ntokens; i++)
		token_free(&a->tokens[i]);
	for (size_t i = 0; i < a->nrules; i++)
		rule_free(&a->rules[i]);
	free(a->tokens);
	free(a->rules);
	free(a);
}

/* ---- helpers ------------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			 s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Is item one of the comma-separated entries of csv ("*" matches all)? */
static bool csv_has(const char *csv, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = csv; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if ((len == 1 && p[0] == '*') || (len == n && memcmp(p, item, n) == 0))
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, c * elem);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

/* ---- tokens ----------------------------------------------------------------------- */

static int add_token(fa_authz *a, const char *tok, const char *user,
		     const char *groups)
{
	if (!grow((void **)&a->tokens, &a->tokens_cap, a->ntokens, sizeof(token)))
		return LE_ENOMEM;
	token *t = &a->tokens[a->ntokens];
	t->token = dup_n(tok, strlen(tok));
	t->user = dup_n(user, strlen(user));
	t->groups = dup_n(groups, strlen(groups));
	if (t->token == NULL || t->user == NULL || t->groups == NULL) {
		token_free(t);
		return LE_ENOMEM;
	}
	a->ntokens++;
	return LE_OK;
}

int fa_authz_add_token(fa_authz *a, const char *tok, const char *user)
{
	if (a == NULL || tok == NULL || user == NULL || tok[0] == '\0' ||
	    user[0] == '\0')
		return LE_EINVAL;
	return add_token(a, tok, user, "");
}

/* Reads a file line by line; fn gets each line (trimmed, comments and
 * blank lines skipped) with "path:N" for its messages. On an error the
 * entries added from this file are dropped again by the caller. */
static int each_line(const char *path, char *err, size_t errcap,
		     int (*fn)(fa_authz *, char *, const char *, char *, size_t),
		     fa_authz *a)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return LE_EIO;
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = LE_OK;
	for (unsigned lineno = 1; getline(&line, &cap, f) >= 0; lineno++) {
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char loc[600];
		snprintf(loc, sizeof(loc), "%s:%u", path, lineno);
		if ((rc = fn(a, s, loc, err, errcap)) != LE_OK)
			break;
	}
	if (rc == LE_OK && ferror(f)) {
		snprintf(err, errcap, "%s: read error", path);
		rc = LE_EIO;
	}
	free(line);
	fclose(f);
	return rc;
}

static int token_line(fa_authz *a, char *s, const char *loc, char *err,
		      size_t errcap)
{
	char *comma = strchr(s, ',');
	if (comma == NULL) {
		snprintf(err, errcap, "%s: expected token,user[,group...]", loc);
		return LE_EPARSE;
	}
	*comma = '\0';
	char *tok = trim(s), *user = comma + 1, *groups = "";
	char *c2 = strchr(user, ',');
	if (c2 != NULL) {
		*c2 = '\0';
		groups = trim(c2 + 1);
	}
	user = trim(user);
	if (*tok == '\0' || *user == '\0') {
		snprintf(err, errcap, "%s: %s is empty (expected token,user[,group...])",
			 loc, *tok == '\0' ? "the token" : "the user");
		return LE_EPARSE;
	}
	for (size_t i = 0; i < a->ntokens; i++) {
		if (strcmp(a->tokens[i].token, tok) == 0) {
			snprintf(err, errcap, "%s: the same token is given twice", loc);
			return LE_EPARSE;
		}
	}
	if (add_token(a, tok, user, groups) != LE_OK) {
		snprintf(err, errcap, "%s: out of memory", loc);
		return LE_ENOMEM;
	}
	return LE_OK;
}

int fa_authz_load_tokens(fa_authz *a, const char *path, char *err, size_t errcap)
{
	size_t before = a->ntokens;
	int rc = each_line(path, err, errcap, token_line, a);
	if (rc != LE_OK) {
		while (a->ntokens > before)
			token_free(&a->tokens[--a->ntokens]);
	}
	return rc;
}

const char *fa_authz_authenticate(const fa_authz *a, const char *bearer_token,
				  const char *default_user)
{
	if (a == NULL || a->ntokens == 0)
		return default_user;
	if (bearer_token == NULL || bearer_token[0] == '\0')
		return NULL;
	for (size_t i = 0; i < a->ntokens; i++)
		if (strcmp(a->tokens[i].token, bearer_token) == 0)
			return a->tokens[i].user;
	return NULL;
}

/* ---- policy ----------------------------------------------------------------------------- */

static const char *const known_verbs[] = {"get",   "list",   "watch",
					  "create", "update", "patch",
					  "delete", "deletecollection", "*"};

static int check_list(const char *field, const char *csv, const char *loc,
		      const char *const *known, size_t nknown, char *err,
		      size_t errcap)
{
	for (const char *p = csv;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0) {
			snprintf(err, errcap, "%s: empty entry in the %s list \"%s\"",
				 loc, field, csv);
			return LE_EPARSE;
		}
		bool ok = known == NULL;
		for (size_t i = 0; !ok && i < nknown; i++)
			ok = strlen(known[i]) == len && memcmp(known[i], p, len) == 0;
		if (!ok) {
			snprintf(err, errcap, "%s: unknown %s \"%.*s\"", loc, field,
				 (int)len, p);
			return LE_EPARSE;
		}
		if (end == NULL)
			return LE_OK;
		p = end + 1;
	}
}

static int parse_resources(const char *csv, const char *loc, unsigned *out,
			   char *err, size_t errcap)
{
	*out = 0;
	for (const char *p = csv;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char one[32];
		fa_resource r;
		snprintf(one, sizeof(one), "%.*s", (int)(len < 31 ? len : 31), p);
		if (strcmp(one, "*") == 0) {
			*out = (1u << FA_RES_COUNT) - 1;
		} else if (len < 31 && fa_resource_parse(one, &r) == LE_OK) {
			*out |= 1u << r;
		} else {
			snprintf(err, errcap,
				 "%s: unknown resource \"%.*s\" (expected leases, "
				 "endpoints, configmaps or *)",
				 loc, (int)len, p);
			return LE_EPARSE;
		}
		if (end == NULL)
			return LE_OK;
		p = end + 1;
	}
}

static int rule_line(fa_authz *a, char *s, const char *loc, char *err,
		     size_t errcap)
{
	char *f[6];
	int n = 0;
	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t != NULL;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == 5) {
			n++;
			break;
		}
		f[n++] = t;
	}
	if (n < 4 || n > 5) {
		snprintf(err, errcap,
			 "%s: expected <user-or-*> <verbs> <resources> <namespaces> "
			 "[resourceNames], got %d field%s",
			 loc, n > 5 ? 6 : n, n == 1 ? "" : "s");
		return LE_EPARSE;
	}
	unsigned res;
	int rc;
	if ((rc = check_list("subject", f[0], loc, NULL, 0, err, errcap)) ||
	    (rc = check_list("verb", f[1], loc, known_verbs,
			     sizeof(known_verbs) / sizeof(known_verbs[0]), err,
			     errcap)) ||
	    (rc = parse_resources(f[2], loc, &res, err, errcap)) ||
	    (rc = check_list("namespace", f[3], loc, NULL, 0, err, errcap)) ||
	    (n == 5 && (rc = check_list("resource name", f[4], loc, NULL, 0, err,
					errcap))))
		return rc;
	if (!grow((void **)&a->rules, &a->rules_cap, a->nrules, sizeof(rule))) {
		snprintf(err, errcap, "%s: out of memory", loc);
		return LE_ENOMEM;
	}
	rule *r = &a->rules[a->nrules];
	r->subjects = dup_n(f[0], strlen(f[0]));
	r->verbs = dup_n(f[1], strlen(f[1]));
	r->resources = res;
	r->namespaces = dup_n(f[3], strlen(f[3]));
	r->names = n == 5 ? dup_n(f[4], strlen(f[4])) : dup_n("*", 1);
	if (r->subjects == NULL || r->verbs == NULL || r->namespaces == NULL ||
	    r->names == NULL) {
		rule_free(r);
		snprintf(err, errcap, "%s: out of memory", loc);
		return LE_ENOMEM;
	}
	a->nrules++;
	return LE_OK;
}

int fa_authz_add_rule(fa_authz *a, const char *rule_line_text, char *err,
		      size_t errcap)
{
	if (a == NULL || rule_line_text == NULL) {
		snprintf(err, errcap, "policy rule: missing");
		return LE_EINVAL;
	}
	char *copy = dup_n(rule_line_text, strlen(rule_line_text));
	if (copy == NULL) {
		snprintf(err, errcap, "policy rule: out of memory");
		return LE_ENOMEM;
	}
	int rc = rule_line(a, trim(copy), "policy rule", err, errcap);
	free(copy);
	return rc;
}

int fa_authz_load_policy(fa_authz *a, const char *path, char *err, size_t errcap)
{
	size_t before = a->nrules;
	int rc = each_line(path, err, errcap, rule_line, a);
	if (rc != LE_OK) {
		while (a->nrules > before)
			rule_free(&a->rules[--a->nrules]);
	}
	return rc;
}

/* ---- decisions ---------------------------------------------------------------------------- */

/* Users and groups are separate namespaces, as in RBAC: a subject entry
 * "group:NAME" names a group, "user:NAME" or a bare NAME a user, "*"
 * everyone. A user called like a group never gets the group's rules. */
static bool subject_entry_matches(const char *entry, size_t len, const char *user,
				  const char *groups)
{
	if (len == 1 && entry[0] == '*')
		return true;
	if (len > 6 && memcmp(entry, "group:", 6) == 0) {
		if (groups == NULL)
			return false;
		entry += 6;
		len -= 6;
		for (const char *g = groups; *g != '\0';) {
			const char *end = strchr(g, ',');
			size_t gl = end != NULL ? (size_t)(end - g) : strlen(g);
			while (gl > 0 && *g == ' ')
				g++, gl--;
			while (gl > 0 && g[gl - 1] == ' ')
				gl--;
			if (gl == len && memcmp(g, entry, len) == 0)
				return true;
			if (end == NULL)
				break;
			g = end + 1;
		}
		return false;
	}
	if (len > 5 && memcmp(entry, "user:", 5) == 0) {
		entry += 5;
		len -= 5;
	}
	return strlen(user) == len && memcmp(user, entry, len) == 0;
}

static bool subject_matches(const rule *r, const char *user, const char *groups)
{
	for (const char *p = r->subjects; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (subject_entry_matches(p, len, user, groups))
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

static bool rule_allows(const rule *r, const char *user, const char *groups,
			const char *verb, fa_resource res, const char *ns,
			const char *name)
{
	if (!subject_matches(r, user, groups) || !csv_has(r->verbs, verb) ||
	    !(r->resources & (1u << res)))
		return false;
	/* Cluster scope (all namespaces) needs a rule for every namespace. */
	if (ns == NULL || ns[0] == '\0' ? strcmp(r->namespaces, "*") != 0
					: !csv_has(r->namespaces, ns))
		return false;
	if (strcmp(r->names, "*") == 0)
		return true;
	/* As in RBAC, a rule limited to names never allows list or create. */
	return name != NULL && name[0] != '\0' && csv_has(r->names, name);
}

bool fa_authz_has_policy(const fa_authz *a)
{
	return a != NULL && a->nrules > 0;
}

const char *fa_authz_token_groups(const fa_authz *a, const char *bearer_token)
{
	if (a == NULL || bearer_token == NULL)
		return NULL;
	for (size_t i = 0; i < a->ntokens; i++)
		if (strcmp(a->tokens[i].token, bearer_token) == 0)
			return a->tokens[i].groups;
	return NULL;
}

bool fa_authz_allow(const fa_authz *a, const char *user, const char *verb,
		    fa_resource res, const char *ns, const char *name,
		    fa_status *st)
{
	return fa_authz_allow_groups(a, user, NULL, verb, res, ns, name, st);
}

bool fa_authz_allow_groups(const fa_authz *a, const char *user,
			   const char *groups, const char *verb, fa_resource res,
			   const char *ns, const char *name, fa_status *st)
{
	if (a == NULL || a->nrules == 0)
		return true;
	if (user == NULL)
		user = "";
	if (verb == NULL)
		verb = "";
	if ((unsigned)res < FA_RES_COUNT)
		for (size_t i = 0; i < a->nrules; i++)
			if (rule_allows(&a->rules[i], user, groups, verb, res, ns, name))
				return true;
	char who[700];
	if (ns != NULL && ns[0] != '\0')
		snprintf(who, sizeof(who),
			 "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" "
			 "in the namespace \"%s\"",
			 user, verb, fa_resource_name(res), fa_resource_group(res), ns);
	else
		snprintf(who, sizeof(who),
			 "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" "
			 "at the cluster scope",
			 user, verb, fa_resource_name(res), fa_resource_group(res));
	if (st != NULL) {
		if (name != NULL && name[0] != '\0')
			fa__st_set(st, 403, "Forbidden", "%s \"%s\" is forbidden: %s",
				   fa__qualified_resource(res), name, who);
		else
			fa__st_set(st, 403, "Forbidden", "%s is forbidden: %s",
				   fa__qualified_resource(res), who);
	}
	return false;
}
