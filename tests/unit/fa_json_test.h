/* tests/unit/fa_json_test.h — the JSON helpers the fake apiserver's store
 * tests share: parse a literal (failing the test on bad JSON) and look up a
 * member by a dotted path. Include after <cmocka.h> and <cjson/cJSON.h>. */
#ifndef LEASELAB_TESTS_FA_JSON_TEST_H
#define LEASELAB_TESTS_FA_JSON_TEST_H

#include <stdio.h>
#include <string.h>

/* 2024-03-09T10:13:24.504283999Z, the store's clock in these tests. */
#define NS INT64_C(1000000000)
#define NOW (INT64_C(1709979204) * NS + 504283999)

static inline cJSON *J(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	return j;
}

/* "a.b.c": the member at that path, NULL when any step is absent (a key
 * with dots in it, like an annotation, needs a direct lookup). */
static inline const cJSON *jget(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	const cJSON *cur = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k != NULL;
	     k = strtok_r(NULL, ".", &save))
		cur = cJSON_GetObjectItemCaseSensitive(cur, k);
	return cur;
}

static inline const char *jstr(const cJSON *o, const char *path)
{
	const cJSON *v = jget(o, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#endif
