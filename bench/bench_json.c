/* bench/bench_json.c — out/bench.json: add a figure, check the shape (see
 * bench_json.h for the format). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "bench_json.h"

/* The whole file as a string (NULL with errno when it cannot be read). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (m && (n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, m);
	int bad = ferror(f);
	fclose(f);
	if (!m)
		return NULL;
	fclose(m);
	if (bad) {
		free(text);
		errno = EIO;
		return NULL;
	}
	return text;
}

static void mkparent(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0777); /* EEXIST is fine; a real failure shows at fopen */
}

int bench_json_add(const char *path, const char *bench, const char *name,
		   double value, const char *unit, const char *baseline_name,
		   double baseline_value, char *err, size_t errlen)
{
	if (!name || !*name || !unit || !*unit || !isfinite(value)) {
		snprintf(err, errlen, "%s: figure %s: needs a name, a finite value and a unit",
			 path, name && *name ? name : "(unnamed)");
		return -1;
	}
	cJSON *root = NULL;
	char *text = slurp(path);
	if (text) {
		root = cJSON_Parse(text);
		free(text);
		if (!root || !cJSON_IsObject(root) ||
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "figures"))) {
			snprintf(err, errlen, "%s: not a bench file (no \"figures\" array); "
				 "not updated (remove it to start afresh)", path);
			cJSON_Delete(root);
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	} else {
		root = cJSON_CreateObject();
		if (!root || !cJSON_AddStringToObject(root, "schema", BENCH_JSON_SCHEMA) ||
		    !cJSON_AddArrayToObject(root, "figures")) {
			cJSON_Delete(root);
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
	}
	cJSON *figs = cJSON_GetObjectItemCaseSensitive(root, "figures");
	int i = 0;
	cJSON *f;
	cJSON_ArrayForEach(f, figs) {
		cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
			cJSON_DeleteItemFromArray(figs, i);
			break;
		}
		i++;
	}
	cJSON *fig = cJSON_CreateObject();
	bool ok = fig && cJSON_AddStringToObject(fig, "name", name) &&
		  cJSON_AddStringToObject(fig, "bench", bench ? bench : "") &&
		  cJSON_AddNumberToObject(fig, "value", value) &&
		  cJSON_AddStringToObject(fig, "unit", unit);
	if (ok && baseline_name && isfinite(baseline_value) && baseline_value > 0) {
		cJSON *b = cJSON_AddObjectToObject(fig, "baseline");
		ok = b && cJSON_AddStringToObject(b, "name", baseline_name) &&
		     cJSON_AddNumberToObject(b, "value", baseline_value) &&
		     cJSON_AddNumberToObject(fig, "ratio", value / baseline_value);
	} else if (ok) {
		ok = cJSON_AddNullToObject(fig, "baseline") && cJSON_AddNullToObject(fig, "ratio");
	}
	if (!ok || !cJSON_AddItemToArray(figs, fig)) {
		if (!ok)
			cJSON_Delete(fig);
		cJSON_Delete(root);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	char *out = cJSON_Print(root);
	cJSON_Delete(root);
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	mkparent(path);
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *w = fopen(tmp, "w");
	int rc = 0;
	if (!w || fprintf(w, "%s\n", out) < 0 || fclose(w) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		rc = -1;
	}
	free(out);
	return rc;
}

/* One figure's shape; 0 or -1 with err naming figures[i].field. */
static int check_figure(const char *path, int i, cJSON *f, char *err, size_t errlen)
{
	if (!cJSON_IsObject(f)) {
		snprintf(err, errlen, "%s: figures[%d]: not an object", path, i);
		return -1;
	}
	static const char *strs[] = {"name", "bench", "unit"};
	for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(f, strs[k]);
		if (!cJSON_IsString(s) || (k != 1 && !*s->valuestring)) {
			snprintf(err, errlen, "%s: figures[%d].%s: missing or not a%s string", path,
				 i, strs[k], k != 1 ? " non-empty" : "");
			return -1;
		}
	}
	cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		snprintf(err, errlen, "%s: figures[%d].value: missing or not a number", path, i);
		return -1;
	}
	cJSON *b = cJSON_GetObjectItemCaseSensitive(f, "baseline");
	cJSON *r = cJSON_GetObjectItemCaseSensitive(f, "ratio");
	if (!b || !r) {
		snprintf(err, errlen, "%s: figures[%d].%s: missing (null when there is none)",
			 path, i, !b ? "baseline" : "ratio");
		return -1;
	}
	if (cJSON_IsNull(b) != cJSON_IsNull(r)) {
		snprintf(err, errlen, "%s: figures[%d].ratio: must be null exactly when baseline is",
			 path, i);
		return -1;
	}
	if (cJSON_IsNull(b))
		return 0;
	cJSON *bn = cJSON_GetObjectItemCaseSensitive(b, "name");
	cJSON *bv = cJSON_GetObjectItemCaseSensitive(b, "value");
	if (!cJSON_IsObject(b) || !cJSON_IsString(bn) || !*bn->valuestring ||
	    !cJSON_IsNumber(bv) || !(bv->valuedouble > 0) || !isfinite(bv->valuedouble)) {
		snprintf(err, errlen, "%s: figures[%d].baseline: must be null or "
			 "{\"name\": non-empty string, \"value\": positive number}", path, i);
		return -1;
	}
	double want = v->valuedouble / bv->valuedouble;
	if (!cJSON_IsNumber(r) || fabs(r->valuedouble - want) > 1e-9 * fmax(1.0, fabs(want))) {
		snprintf(err, errlen, "%s: figures[%d].ratio: must be value / baseline.value (%.9g)",
			 path, i, want);
		return -1;
	}
	return 0;
}

int bench_json_check(const char *path, char *err, size_t errlen)
{
	char *text = slurp(path);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	cJSON *root = cJSON_Parse(text);
	free(text);
	int rc = -1;
	cJSON *schema = root ? cJSON_GetObjectItemCaseSensitive(root, "schema") : NULL;
	cJSON *figs = root ? cJSON_GetObjectItemCaseSensitive(root, "figures") : NULL;
	if (!root || !cJSON_IsObject(root)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
	} else if (!cJSON_IsString(schema) || strcmp(schema->valuestring, BENCH_JSON_SCHEMA)) {
		snprintf(err, errlen, "%s: schema: missing or not \"%s\"", path, BENCH_JSON_SCHEMA);
	} else if (!cJSON_IsArray(figs) || cJSON_GetArraySize(figs) == 0) {
		snprintf(err, errlen, "%s: figures: missing, not an array, or empty", path);
	} else {
		rc = 0;
		int i = 0;
		cJSON *f;
		cJSON_ArrayForEach(f, figs) {
			if ((rc = check_figure(path, i, f, err, errlen)) != 0)
				break;
			cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
			for (cJSON *g = figs->child; g != f; g = g->next) {
				cJSON *m = cJSON_GetObjectItemCaseSensitive(g, "name");
				if (strcmp(m->valuestring, n->valuestring) == 0) {
					snprintf(err, errlen, "%s: figures[%d].name: \"%s\" appears twice",
						 path, i, n->valuestring);
					rc = -1;
				}
			}
			if (rc)
				break;
			i++;
		}
	}
	cJSON_Delete(root);
	return rc;
}

int bench_figure(const char *bench, const char *name, double value, const char *unit,
		 const char *baseline_name, double baseline_value)
{
	char err[1024];
	int rc = bench_json_add(BENCH_JSON_PATH, bench, name, value, unit, baseline_name,
				baseline_value, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s: %s\n", bench, err);
	return rc;
}
