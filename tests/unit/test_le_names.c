/* tests/unit/test_le_names.c — RFC 1123 labels and subdomains, the one
 * check the fake apiserver, bin/elector's flags, the scenario parser and the
 * Lease strategy check share (leaselab/internal/names.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/internal/names.h"

static bool label(const char *s) { return le_dns_label_ok(s, strlen(s)); }
static bool subdomain(const char *s) { return le_dns_subdomain_ok(s, strlen(s)); }

static void test_labels_as_the_apiserver_takes_them(void **state)
{
	(void)state;
	char l63[64], l64[65];
	memset(l63, 'a', 63), l63[63] = '\0';
	memset(l64, 'a', 64), l64[64] = '\0';
	assert_true(label("default"));
	assert_true(label("kube-system"));
	assert_true(label("a"));
	assert_true(label("0abc9"));
	assert_true(label(l63));
	assert_false(label(l64));
	assert_false(label(""));
	assert_false(label("-a"));
	assert_false(label("a-"));
	assert_false(label("Default"));
	assert_false(label("a.b"));
	assert_false(label("a_b"));
}

static void test_subdomains_as_the_apiserver_takes_them(void **state)
{
	(void)state;
	char s253[254], s254[255];
	memset(s253, 'a', 253), s253[253] = '\0';
	memset(s254, 'a', 254), s254[254] = '\0';
	s253[100] = '.';
	assert_true(subdomain("kube-controller-manager"));
	assert_true(subdomain("example.com"));
	assert_true(subdomain("a.b-c.d"));
	assert_true(subdomain(s253));
	assert_false(subdomain(s254));
	assert_false(subdomain(""));
	assert_false(subdomain(".a"));
	assert_false(subdomain("a."));
	assert_false(subdomain("a..b"));
	assert_false(subdomain("a.-b"));
	assert_false(subdomain("a-.b"));
	assert_false(subdomain("My-App"));
	assert_false(subdomain("../../x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_as_the_apiserver_takes_them),
		cmocka_unit_test(test_subdomains_as_the_apiserver_takes_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
