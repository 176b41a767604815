/* Unit tests for le_json_escape (elector/json_escape.c), the one JSON
 * string escaper: plain and Go HTML-safe modes, and the snprintf-like
 * contract on a short buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/internal/json.h"

#ifdef NDEBUG
#error "unit tests are never built with NDEBUG"
#endif

typedef struct esc_case {
	const char *in;
	size_t n;          /* 0: strlen(in) */
	unsigned flags;
	const char *want;
} esc_case;

static const esc_case cases[] = {
	{"", 0, 0, ""},
	{"plain pod-a", 0, 0, "plain pod-a"},
	{"a\"b\\c", 0, 0, "a\\\"b\\\\c"},
	{"\n\r\t", 0, 0, "\\n\\r\\t"},
	{"\x01\x08\x0c\x1f", 0, 0, "\\u0001\\u0008\\u000c\\u001f"},
	{"nul\0in", 7, 0, "nul\\u0000in\\u0000"},
	/* DEL and bytes >= 0x80 (even invalid UTF-8) pass through */
	{"\x7f \xff caf\xc3\xa9", 0, 0, "\x7f \xff caf\xc3\xa9"},
	/* plain mode leaves HTML characters and U+2028 alone */
	{"<a>&\xe2\x80\xa8", 0, 0, "<a>&\xe2\x80\xa8"},
	/* Go's encoding/json: HTML-safe */
	{"<a>&", 0, LE_JSON_GO_HTML_SAFE, "\\u003ca\\u003e\\u0026"},
	{"x\xe2\x80\xa8y\xe2\x80\xa9z", 0, LE_JSON_GO_HTML_SAFE, "x\\u2028y\\u2029z"},
	/* a cut-off U+2028 is not one */
	{"\xe2\x80", 0, LE_JSON_GO_HTML_SAFE, "\xe2\x80"},
	{"\xe2\x80\xaa", 0, LE_JSON_GO_HTML_SAFE, "\xe2\x80\xaa"},
	{"q\"\x01\x7f", 0, LE_JSON_GO_HTML_SAFE, "q\\\"\\u0001\x7f"},
};

static void test_escapes_per_mode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const esc_case *c = &cases[i];
		size_t n = c->n ? c->n : strlen(c->in);
		char buf[128];
		size_t len = le_json_escape(c->in, n, buf, sizeof buf, c->flags);
		if (strcmp(buf, c->want) != 0 || len != strlen(c->want))
			fail_msg("case %zu: got \"%s\" (%zu), want \"%s\"", i, buf,
				 len, c->want);
	}
}

static void test_returns_the_full_length_without_a_buffer(void **state)
{
	(void)state;
	assert_int_equal(le_json_escape("a\"<\n", 4, NULL, 0, 0), 6);
	assert_int_equal(le_json_escape("a\"<\n", 4, NULL, 0, LE_JSON_GO_HTML_SAFE), 11);
}

/* For every buffer size: the output is a NUL-terminated prefix of the full
 * text that ends on an escape boundary, and the return value says whether
 * it was cut. */
static void test_short_buffers_get_a_whole_escape_prefix(void **state)
{
	(void)state;
	const char *in = "ab\"c\x01<\xe2\x80\xa8z";
	size_t n = strlen(in);
	char full[64];
	size_t total = le_json_escape(in, n, full, sizeof full, LE_JSON_GO_HTML_SAFE);
	assert_string_equal(full, "ab\\\"c\\u0001\\u003c\\u2028z");
	/* where an escape may be cut: after a, b, \", c, \u0001, \u003c, \u2028, z */
	static const size_t bounds[] = {0, 1, 2, 4, 5, 11, 17, 23, 24};
	for (size_t cap = 1; cap <= total + 1; cap++) {
		char buf[64];
		memset(buf, 'X', sizeof buf);
		size_t len = le_json_escape(in, n, buf, cap, LE_JSON_GO_HTML_SAFE);
		assert_int_equal(len, total);
		size_t got = strlen(buf);
		assert_true(got < cap);
		assert_memory_equal(buf, full, got);
		/* the longest boundary that fits */
		size_t want = 0;
		for (size_t k = 0; k < sizeof bounds / sizeof bounds[0]; k++)
			if (bounds[k] <= cap - 1)
				want = bounds[k];
		if (got != want)
			fail_msg("cap %zu: wrote %zu bytes, want %zu", cap, got, want);
	}
	char one = 'X';
	assert_int_equal(le_json_escape(in, n, &one, 0, 0), 16);
	assert_int_equal(one, 'X'); /* cap 0 writes nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_per_mode),
		cmocka_unit_test(test_returns_the_full_length_without_a_buffer),
		cmocka_unit_test(test_short_buffers_get_a_whole_escape_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
