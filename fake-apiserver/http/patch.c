/* leaselab — fake-apiserver HTTP: JSON Patch (RFC 6902, `kubectl patch
 * --type json`) and the strategic-merge-patch directives a JSON merge patch
 * cannot express. Merge patches themselves are the store's
 * (fa_store_patch_json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fahttp.h"

#define PTR_MAX_TOKENS 64

/* Splits an RFC 6901 pointer into unescaped tokens (in buf). */
static int pointer_split(const char *ptr, char *buf, size_t cap,
			 const char **tok, size_t *ntok, char *err, size_t errcap)
{
	*ntok = 0;
	if (ptr[0] == '\0')
		return LE_OK;
	if (ptr[0] != '/') {
		snprintf(err, errcap, "JSON pointer \"%.100s\" must start with '/'", ptr);
		return LE_EPARSE;
	}
	size_t o = 0;
	tok[(*ntok)++] = buf;
	for (const char *p = ptr + 1;; p++) {
		if (o + 2 >= cap) {
			snprintf(err, errcap, "JSON pointer \"%.100s\" is too long", ptr);
			return LE_EPARSE;
		}
		if (*p == '\0') {
			buf[o++] = '\0';
			return LE_OK;
		}
		if (*p == '/') {
			buf[o++] = '\0';
			if (*ntok == PTR_MAX_TOKENS) {
				snprintf(err, errcap, "JSON pointer \"%.100s\" is too deep", ptr);
				return LE_EPARSE;
			}
			tok[(*ntok)++] = buf + o;
		} else if (*p == '~') {
			if (p[1] != '0' && p[1] != '1') {
				snprintf(err, errcap, "JSON pointer \"%.100s\": bad escape", ptr);
				return LE_EPARSE;
			}
			buf[o++] = p[1] == '0' ? '~' : '/';
			p++;
		} else {
			buf[o++] = *p;
		}
	}
}

/* An array index token: digits only, or "-" (one past the end). */
static bool array_index(const char *t, int size, bool allow_end, int *out)
{
	if (strcmp(t, "-") == 0) {
		*out = size;
		return allow_end;
	}
	if (t[0] == '\0' || strlen(t) > 9 || (t[0] == '0' && t[1] != '\0'))
		return false;
	for (const char *p = t; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	*out = atoi(t);
	return *out < size || (allow_end && *out == size);
}

static cJSON *child(cJSON *parent, const char *t, bool allow_end, int *idx)
{
	if (cJSON_IsObject(parent))
		return cJSON_GetObjectItemCaseSensitive(parent, t);
	if (cJSON_IsArray(parent) &&
	    array_index(t, cJSON_GetArraySize(parent), allow_end, idx))
		return cJSON_GetArrayItem(parent, *idx);
	return NULL;
}

typedef struct target {
	cJSON *parent;      /* NULL: the pointer is the root */
	const char *key;    /* last token */
	char buf[512];
	const char *tok[PTR_MAX_TOKENS];
	size_t ntok;
} target;

static int resolve_parent(cJSON *doc, const char *ptr, target *t, char *err,
			  size_t errcap)
{
	if (pointer_split(ptr, t->buf, sizeof(t->buf), t->tok, &t->ntok, err,
			  errcap) != LE_OK)
		return LE_EPARSE;
	t->parent = NULL;
	t->key = NULL;
	if (t->ntok == 0)
		return LE_OK;
	cJSON *cur = doc;
	for (size_t i = 0; i + 1 < t->ntok; i++) {
		int idx;
		cur = child(cur, t->tok[i], false, &idx);
		if (cur == NULL) {
			snprintf(err, errcap, "path \"%.100s\" does not exist", ptr);
			return LE_EINVAL;
		}
	}
	t->parent = cur;
	t->key = t->tok[t->ntok - 1];
	return LE_OK;
}

static cJSON *lookup(cJSON *doc, const char *ptr, char *err, size_t errcap)
{
	target t;
	if (resolve_parent(doc, ptr, &t, err, errcap) != LE_OK)
		return NULL;
	if (t.parent == NULL)
		return doc;
	int idx;
	cJSON *v = child(t.parent, t.key, false, &idx);
	if (v == NULL)
		snprintf(err, errcap, "path \"%.100s\" does not exist", ptr);
	return v;
}

/* Adds value (consumed) at ptr. */
static int op_add(cJSON *doc, const char *ptr, cJSON *value, char *err,
		  size_t errcap)
{
	target t;
	int rc = resolve_parent(doc, ptr, &t, err, errcap);
	if (rc == LE_OK && t.parent == NULL) {
		snprintf(err, errcap, "replacing the whole object is not supported");
		rc = LE_EINVAL;
	}
	if (rc != LE_OK) {
		cJSON_Delete(value);
		return rc;
	}
	if (cJSON_IsObject(t.parent)) {
		if (cJSON_GetObjectItemCaseSensitive(t.parent, t.key) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(t.parent, t.key, value);
		else
			cJSON_AddItemToObject(t.parent, t.key, value);
		return LE_OK;
	}
	int idx;
	if (!cJSON_IsArray(t.parent) ||
	    !array_index(t.key, cJSON_GetArraySize(t.parent), true, &idx)) {
		snprintf(err, errcap, "path \"%.100s\" cannot be added to", ptr);
		cJSON_Delete(value);
		return LE_EINVAL;
	}
	/* cJSON 1.7.15's cJSON_InsertItemInArray refuses parsed arrays: move
	 * the tail aside, append, move it back */
	int n = cJSON_GetArraySize(t.parent);
	cJSON *tail = cJSON_CreateArray();
	if (tail == NULL) {
		cJSON_Delete(value);
		snprintf(err, errcap, "out of memory");
		return LE_ENOMEM;
	}
	for (int i = idx; i < n; i++)
		cJSON_AddItemToArray(tail, cJSON_DetachItemFromArray(t.parent, idx));
	cJSON_AddItemToArray(t.parent, value);
	for (int i = idx; i < n; i++)
		cJSON_AddItemToArray(t.parent, cJSON_DetachItemFromArray(tail, 0));
	cJSON_Delete(tail);
	return LE_OK;
}

/* Detaches the value at ptr (the caller owns it), NULL if absent. */
static cJSON *op_detach(cJSON *doc, const char *ptr, char *err, size_t errcap)
{
	target t;
	if (resolve_parent(doc, ptr, &t, err, errcap) != LE_OK)
		return NULL;
	if (t.parent == NULL) {
		snprintf(err, errcap, "removing the whole object is not supported");
		return NULL;
	}
	int idx;
	cJSON *v = child(t.parent, t.key, false, &idx);
	if (v == NULL) {
		snprintf(err, errcap, "path \"%.100s\" does not exist", ptr);
		return NULL;
	}
	return cJSON_DetachItemViaPointer(t.parent, v);
}

static const char *op_string(const cJSON *op, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int apply_one(cJSON *doc, const cJSON *op, char *err, size_t errcap)
{
	const char *name = op_string(op, "op"), *path = op_string(op, "path");
	if (name == NULL || path == NULL) {
		snprintf(err, errcap, "every operation needs string \"op\" and \"path\"");
		return LE_EPARSE;
	}
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
	const char *from = op_string(op, "from");
	if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0) {
		if (value == NULL) {
			snprintf(err, errcap, "%s needs a \"value\"", name);
			return LE_EPARSE;
		}
		if (strcmp(name, "replace") == 0) {
			/* in an array, replace = remove + add at the same index */
			cJSON *old = lookup(doc, path, err, errcap);
			if (old == NULL)
				return LE_EINVAL;
			target t;
			if (resolve_parent(doc, path, &t, err, errcap) == LE_OK &&
			    cJSON_IsArray(t.parent))
				cJSON_Delete(cJSON_DetachItemViaPointer(t.parent, old));
		}
		cJSON *v = cJSON_Duplicate(value, true);
		if (v == NULL) {
			snprintf(err, errcap, "out of memory");
			return LE_ENOMEM;
		}
		return op_add(doc, path, v, err, errcap);
	}
	if (strcmp(name, "remove") == 0) {
		cJSON *v = op_detach(doc, path, err, errcap);
		cJSON_Delete(v);
		return v != NULL ? LE_OK : LE_EINVAL;
	}
	if (strcmp(name, "test") == 0) {
		cJSON *cur = lookup(doc, path, err, errcap);
		if (cur == NULL)
			return LE_EINVAL;
		if (value == NULL || !cJSON_Compare(cur, value, true)) {
			snprintf(err, errcap, "test failed: the value at \"%.100s\" differs",
				 path);
			return LE_EINVAL;
		}
		return LE_OK;
	}
	if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
		if (from == NULL) {
			snprintf(err, errcap, "%s needs a string \"from\"", name);
			return LE_EPARSE;
		}
		size_t fl = strlen(from);
		if (strcmp(name, "move") == 0 && strncmp(path, from, fl) == 0 &&
		    path[fl] == '/') {
			snprintf(err, errcap, "cannot move \"%.100s\" into itself", from);
			return LE_EINVAL;
		}
		cJSON *v;
		if (strcmp(name, "move") == 0) {
			v = op_detach(doc, from, err, errcap);
		} else {
			cJSON *src = lookup(doc, from, err, errcap);
			v = src != NULL ? cJSON_Duplicate(src, true) : NULL;
		}
		if (v == NULL)
			return LE_EINVAL;
		return op_add(doc, path, v, err, errcap);
	}
	snprintf(err, errcap, "unknown operation \"%.32s\"", name);
	return LE_EPARSE;
}

int fahttp__json_patch(cJSON *doc, const cJSON *ops, char *err, size_t errcap)
{
	if (!cJSON_IsArray(ops)) {
		snprintf(err, errcap, "a JSON patch must be an array of operations");
		return LE_EPARSE;
	}
	int i = 0;
	const cJSON *op;
	cJSON_ArrayForEach(op, ops)
	{
		char why[300];
		if (!cJSON_IsObject(op)) {
			snprintf(err, errcap, "operation %d is not an object", i);
			return LE_EPARSE;
		}
		int rc = apply_one(doc, op, why, sizeof(why));
		if (rc != LE_OK) {
			snprintf(err, errcap, "JSON patch operation %d: %s", i, why);
			return rc == LE_EPARSE ? LE_EPARSE : LE_EINVAL;
		}
		i++;
	}
	return LE_OK;
}

/* ---- strategic merge patch ------------------------------------------------------- */

static bool strip(cJSON *o, int depth, char *err, size_t errcap)
{
	if (depth > 64)
		return true;
	cJSON *m = o != NULL ? o->child : NULL;
	while (m != NULL) {
		cJSON *next = m->next;
		const char *k = cJSON_IsObject(o) ? m->string : NULL;
		if (k != NULL && k[0] == '$') {
			if (strncmp(k, "$setElementOrder/", 17) == 0 ||
			    strcmp(k, "$retainKeys") == 0) {
				cJSON_Delete(cJSON_DetachItemViaPointer(o, m));
			} else {
				snprintf(err, errcap,
					 "the strategic merge patch directive \"%.64s\" "
					 "is not supported by the leaselab fake "
					 "apiserver; use a JSON merge patch",
					 k);
				return false;
			}
		} else if ((cJSON_IsObject(m) || cJSON_IsArray(m)) &&
			   !strip(m, depth + 1, err, errcap)) {
			return false;
		}
		m = next;
	}
	return true;
}

bool fahttp__strip_strategic(cJSON *patch, char *err, size_t errcap)
{
	return strip(patch, 0, err, errcap);
}
