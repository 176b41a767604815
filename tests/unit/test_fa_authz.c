/* Tests for the fake apiserver's identity and access (fake-apiserver/authz.c):
 * token files, the RBAC-lite policy, the apiserver's exact 403 texts, 401,
 * and errors that name file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leaselab/fake_apiserver.h"

#define SA "system:serviceaccount:test-leader-elector:default"

/* Writes text to a fresh temporary file; returns its path (static buffer
 * per call site: pass a buffer). */
static void write_temp(char path[64], const char *text)
{
	snprintf(path, 64, "/tmp/test_fa_authz_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static void test_no_policy_allows_everything(void **state)
{
	(void)state;
	fa_authz *a = fa_authz_new();
	fa_status st;
	memset(&st, 0, sizeof(st));
	assert_true(fa_authz_allow(a, "anyone", "delete", FA_RES_LEASES, "default",
				   "x", &st));
	assert_true(fa_authz_allow(a, "anyone", "list", FA_RES_CONFIGMAPS, NULL,
				   NULL, &st));
	assert_int_equal(st.code, 0);
	/* With no tokens, every request is the default user. */
	assert_string_equal(fa_authz_authenticate(a, NULL, "admin"), "admin");
	assert_string_equal(fa_authz_authenticate(a, "whatever", "admin"), "admin");
	fa_authz_free(a);
}

static void test_tokens_map_to_users_and_unknown_is_401(void **state)
{
	(void)state;
	char path[64], err[512];
	write_temp(path, "# comment\n\n"
			 "tok-a," SA "\n"
			 "  tok-b , pod-b , system:serviceaccounts,ops \n");
	fa_authz *a = fa_authz_new();
	assert_int_equal(fa_authz_load_tokens(a, path, err, sizeof(err)), LE_OK);
	assert_string_equal(fa_authz_authenticate(a, "tok-a", "admin"), SA);
	assert_string_equal(fa_authz_authenticate(a, "tok-b", "admin"), "pod-b");
	assert_null(fa_authz_authenticate(a, "tok-c", "admin"));
	assert_null(fa_authz_authenticate(a, NULL, "admin"));
	assert_null(fa_authz_authenticate(a, "", "admin"));
	assert_int_equal(fa_authz_add_token(a, "tok-d", "pod-d"), LE_OK);
	assert_string_equal(fa_authz_authenticate(a, "tok-d", NULL), "pod-d");
	assert_int_equal(fa_authz_add_token(a, "", "x"), LE_EINVAL);
	fa_authz_free(a);
	unlink(path);
}

static void test_token_file_errors_name_file_and_line(void **state)
{
	(void)state;
	char path[64], err[512], want[600];
	write_temp(path, "tok-a,user-a\n# ok\nno-comma-here\n");
	fa_authz *a = fa_authz_new();
	assert_int_equal(fa_authz_load_tokens(a, path, err, sizeof(err)), LE_EPARSE);
	snprintf(want, sizeof(want), "%s:3: expected token,user[,group...]", path);
	assert_string_equal(err, want);
	/* Nothing of a bad file is kept. */
	assert_string_equal(fa_authz_authenticate(a, "tok-a", "default"), "default");
	unlink(path);

	write_temp(path, "tok-a,\n");
	assert_int_equal(fa_authz_load_tokens(a, path, err, sizeof(err)), LE_EPARSE);
	snprintf(want, sizeof(want),
		 "%s:1: the user is empty (expected token,user[,group...])", path);
	assert_string_equal(err, want);
	unlink(path);

	write_temp(path, "t,u1\nt,u2\n");
	assert_int_equal(fa_authz_load_tokens(a, path, err, sizeof(err)), LE_EPARSE);
	snprintf(want, sizeof(want), "%s:2: the same token is given twice", path);
	assert_string_equal(err, want);
	unlink(path);

	assert_int_equal(fa_authz_load_tokens(a, "/nonexistent/tokens.csv", err,
					      sizeof(err)),
			 LE_EIO);
	assert_non_null(strstr(err, "/nonexistent/tokens.csv: "));
	fa_authz_free(a);
}

static void test_denials_use_the_apiservers_words(void **state)
{
	(void)state;
	char err[512];
	fa_authz *a = fa_authz_new();
	assert_int_equal(fa_authz_add_rule(a, SA " get,update leases default my-lease",
					   err, sizeof(err)),
			 LE_OK);
	fa_status st;
	static const struct {
		const char *verb;
		fa_resource res;
		const char *ns, *name, *msg;
	} cases[] = {
		{"get", FA_RES_ENDPOINTS, "default", "elect-nginx-deploy",
		 "endpoints \"elect-nginx-deploy\" is forbidden: User \"" SA
		 "\" cannot get resource \"endpoints\" in API group \"\" in the "
		 "namespace \"default\""},
		{"get", FA_RES_LEASES, "default", "other",
		 "leases.coordination.k8s.io \"other\" is forbidden: User \"" SA
		 "\" cannot get resource \"leases\" in API group "
		 "\"coordination.k8s.io\" in the namespace \"default\""},
		{"list", FA_RES_LEASES, "default", NULL,
		 "leases.coordination.k8s.io is forbidden: User \"" SA
		 "\" cannot list resource \"leases\" in API group "
		 "\"coordination.k8s.io\" in the namespace \"default\""},
		{"list", FA_RES_LEASES, NULL, NULL,
		 "leases.coordination.k8s.io is forbidden: User \"" SA
		 "\" cannot list resource \"leases\" in API group "
		 "\"coordination.k8s.io\" at the cluster scope"},
		{"create", FA_RES_CONFIGMAPS, "kube-system", NULL,
		 "configmaps is forbidden: User \"" SA "\" cannot create resource "
		 "\"configmaps\" in API group \"\" in the namespace \"kube-system\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&st, 0, sizeof(st));
		assert_false(fa_authz_allow(a, SA, cases[i].verb, cases[i].res,
					    cases[i].ns, cases[i].name, &st));
		assert_int_equal(st.code, 403);
		assert_string_equal(st.reason, "Forbidden");
		assert_string_equal(st.message, cases[i].msg);
	}
	/* The 403 Status body. */
	fa_authz_allow(a, SA, "get", FA_RES_ENDPOINTS, "default",
		       "elect-nginx-deploy", &st);
	char *j = fa_status_to_json(&st, "elect-nginx-deploy", FA_RES_ENDPOINTS);
	assert_string_equal(j, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			       "\"status\":\"Failure\",\"message\":\"endpoints "
			       "\\\"elect-nginx-deploy\\\" is forbidden: User \\\"" SA
			       "\\\" cannot get resource \\\"endpoints\\\" in API group "
			       "\\\"\\\" in the namespace \\\"default\\\"\",\"reason\":"
			       "\"Forbidden\",\"details\":{\"name\":\"elect-nginx-deploy\","
			       "\"kind\":\"endpoints\"},\"code\":403}");
	free(j);
	/* What the rule does allow. */
	assert_true(fa_authz_allow(a, SA, "get", FA_RES_LEASES, "default", "my-lease", &st));
	assert_true(fa_authz_allow(a, SA, "update", FA_RES_LEASES, "default", "my-lease", &st));
	assert_false(fa_authz_allow(a, SA, "delete", FA_RES_LEASES, "default", "my-lease", &st));
	assert_false(fa_authz_allow(a, SA, "get", FA_RES_LEASES, "other-ns", "my-lease", &st));
	assert_false(fa_authz_allow(a, "someone-else", "get", FA_RES_LEASES, "default",
				    "my-lease", &st));
	fa_authz_free(a);
}

static void test_policy_matching(void **state)
{
	(void)state;
	char path[64], tokens[64], err[512];
	write_temp(path,
		   "# least privilege for the article's sidecar\n"
		   SA " get,create,update leases,endpoints default\n"
		   "* get configmaps * cfg-a,cfg-b\n"
		   "group:ops * * *\n"
		   "lister list,watch leases *\n");
	write_temp(tokens, "t1,alice,ops\n");
	fa_authz *a = fa_authz_new();
	assert_int_equal(fa_authz_load_policy(a, path, err, sizeof(err)), LE_OK);
	assert_int_equal(fa_authz_load_tokens(a, tokens, err, sizeof(err)), LE_OK);
	fa_status st;
	assert_true(fa_authz_allow(a, SA, "create", FA_RES_ENDPOINTS, "default",
				   NULL, &st));
	assert_true(fa_authz_allow(a, SA, "update", FA_RES_LEASES, "default", "any",
				   &st));
	assert_false(fa_authz_allow(a, SA, "update", FA_RES_CONFIGMAPS, "default",
				    "any", &st));
	/* resourceNames: named gets only, never list or create. */
	assert_true(fa_authz_allow(a, "bob", "get", FA_RES_CONFIGMAPS, "x", "cfg-b", &st));
	assert_false(fa_authz_allow(a, "bob", "get", FA_RES_CONFIGMAPS, "x", "cfg-c", &st));
	assert_false(fa_authz_allow(a, "bob", "get", FA_RES_CONFIGMAPS, "x", NULL, &st));
	/* A group from the token file is a subject, named group:NAME. */
	assert_string_equal(fa_authz_token_groups(a, "t1"), "ops");
	assert_null(fa_authz_token_groups(a, "t2"));
	assert_true(fa_authz_allow_groups(a, "alice", fa_authz_token_groups(a, "t1"),
					  "delete", FA_RES_LEASES, NULL, NULL, &st));
	/* users and groups are separate: neither the user "ops" nor a bare
	 * user rule matches by group */
	assert_false(fa_authz_allow(a, "ops", "delete", FA_RES_LEASES, "default", "x", &st));
	assert_false(fa_authz_allow_groups(a, "alice", "lister", "list", FA_RES_LEASES,
					   NULL, NULL, &st));
	assert_false(fa_authz_allow(a, "carol", "delete", FA_RES_LEASES, "default",
				    "x", &st));
	/* Cluster scope needs "*" namespaces. */
	assert_true(fa_authz_allow(a, "lister", "list", FA_RES_LEASES, NULL, NULL, &st));
	assert_false(fa_authz_allow(a, SA, "list", FA_RES_LEASES, NULL, NULL, &st));
	fa_authz_free(a);
	unlink(path);
	unlink(tokens);
}

static void test_policy_errors_name_file_and_line(void **state)
{
	(void)state;
	char path[64], err[512], want[600];
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"u get leases default\nu gett leases default\n",
		 "2: unknown verb \"gett\""},
		{"u get leasez default\n",
		 "1: unknown resource \"leasez\" (expected leases, endpoints, "
		 "configmaps or *)"},
		{"\n# x\nu get leases\n",
		 "3: expected <user-or-*> <verbs> <resources> <namespaces> "
		 "[resourceNames], got 3 fields"},
		{"u get leases default a b\n",
		 "1: expected <user-or-*> <verbs> <resources> <namespaces> "
		 "[resourceNames], got 6 fields"},
		{"u get,,list leases default\n",
		 "1: empty entry in the verb list \"get,,list\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_temp(path, cases[i].text);
		fa_authz *a = fa_authz_new();
		assert_int_equal(fa_authz_load_policy(a, path, err, sizeof(err)),
				 LE_EPARSE);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].msg);
		assert_string_equal(err, want);
		/* A bad file loads nothing: still allow-all. */
		fa_status st;
		assert_true(fa_authz_allow(a, "u", "delete", FA_RES_LEASES, "x", "y", &st));
		fa_authz_free(a);
		unlink(path);
	}
	fa_authz *a = fa_authz_new();
	assert_int_equal(fa_authz_add_rule(a, "u get", err, sizeof(err)), LE_EPARSE);
	assert_string_equal(err, "policy rule: expected <user-or-*> <verbs> "
				 "<resources> <namespaces> [resourceNames], got 2 fields");
	fa_authz_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_policy_allows_everything),
		cmocka_unit_test(test_tokens_map_to_users_and_unknown_is_401),
		cmocka_unit_test(test_token_file_errors_name_file_and_line),
		cmocka_unit_test(test_denials_use_the_apiservers_words),
		cmocka_unit_test(test_policy_matching),
		cmocka_unit_test(test_policy_errors_name_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
