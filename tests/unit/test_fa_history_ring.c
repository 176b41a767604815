/* Tests for the store's bounded history (fa_store_set_history_max,
 * fake-apiserver/store.c): a ring keeping the newest N writes, absolute
 * indices, dropped entries answered with NULL, chunks freed as they empty
 * (ASan would see a leak or a use after free), and no bound by default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "leaselab/fake_apiserver.h"

#define NOW (INT64_C(1709979204) * INT64_C(1000000000))

static void create_cm(fa_store *s, int i)
{
	char text[160];
	snprintf(text, sizeof text, "{\"metadata\":{\"name\":\"cm-%d\"},\"data\":{\"k\":\"v%d\"}}",
		 i, i);
	cJSON *body = cJSON_Parse(text);
	assert_non_null(body);
	fa_status st;
	cJSON *o = fa_store_create_json(s, FA_RES_CONFIGMAPS, "default", body, "a", NOW, &st);
	assert_non_null(o);
	cJSON_Delete(o);
	cJSON_Delete(body);
}

static void test_unbounded_by_default(void **state)
{
	fa_store *s = fa_store_new(1);
	for (int i = 0; i < 600; i++)
		create_cm(s, i);
	assert_int_equal(fa_store_history_len(s), 600);
	assert_int_equal(fa_store_history_first(s), 0);
	assert_int_equal(fa_store_history_at(s, 0)->revision, 1);
	fa_store_free(s);
}

static void test_ring_keeps_the_newest(void **state)
{
	fa_store *s = fa_store_new(1);
	fa_store_set_history_max(s, 100);
	/* 1300 writes: more than two chunks of 512 are filled and freed */
	for (int i = 0; i < 1300; i++) {
		create_cm(s, i);
		size_t len = fa_store_history_len(s), first = fa_store_history_first(s);
		assert_int_equal(len, (size_t)i + 1);
		assert_int_equal(len - first, len < 100 ? len : 100);
	}
	assert_int_equal(fa_store_history_first(s), 1200);
	assert_null(fa_store_history_at(s, 1199));
	assert_null(fa_store_history_json(s, 0));
	assert_null(fa_store_history_json(s, 1199));
	for (size_t i = 1200; i < 1300; i++) {
		const fa_history_entry *e = fa_store_history_at(s, i);
		assert_non_null(e);
		assert_int_equal(e->revision, i + 1);
		char want[32];
		snprintf(want, sizeof want, "cm-%zu", i);
		assert_string_equal(e->name, want);
	}
	/* the oldest kept entry still renders its whole object */
	char *line = fa_store_history_json(s, 1200);
	assert_non_null(line);
	assert_non_null(strstr(line, "\"v1200\""));
	free(line);
	assert_null(fa_store_history_at(s, 1300));
	fa_store_free(s);
}

static void test_lowering_the_bound_drops_at_once(void **state)
{
	fa_store *s = fa_store_new(1);
	for (int i = 0; i < 700; i++)
		create_cm(s, i);
	fa_store_set_history_max(s, 10);
	assert_int_equal(fa_store_history_first(s), 690);
	assert_null(fa_store_history_at(s, 689));
	assert_int_equal(fa_store_history_at(s, 690)->revision, 691);
	create_cm(s, 700);
	assert_int_equal(fa_store_history_first(s), 691);
	assert_int_equal(fa_store_history_at(s, 700)->revision, 701);
	/* 0: unbounded again; nothing dropped comes back */
	fa_store_set_history_max(s, 0);
	for (int i = 701; i < 720; i++)
		create_cm(s, i);
	assert_int_equal(fa_store_history_first(s), 691);
	assert_int_equal(fa_store_history_len(s), 720);
	fa_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unbounded_by_default),
		cmocka_unit_test(test_ring_keeps_the_newest),
		cmocka_unit_test(test_lowering_the_bound_drops_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
