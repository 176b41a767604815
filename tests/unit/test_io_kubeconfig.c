/* kubeconfig and in-cluster configuration (elector/io/kubeconfig.c).
 *
 * Every test writes its files into a fresh temporary directory. Certificates
 * and keys are generated here with OpenSSL (EC P-256, self-signed), so the
 * files are real PEM that the loader must parse, match and keep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "leaselab/kube.h"

#include "io_test.h"

/* ---- fixture: a temp dir, a CA, a client cert + key, a stray key --------- */

typedef struct fx {
	char dir[256];
	char *ca_pem, *cert_pem, *key_pem, *other_key_pem;
	char *ca_b64, *cert_b64, *key_b64;
	char err[1024];
	le_kube_config kc;
} fx;

static char *pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = strndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static char *pem_of_cert(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, x);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *out = strndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static X509 *self_signed(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_sign(x, k, EVP_sha256());
	return x;
}

static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

static void write_file(const fx *f, const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static const char *path_in(const fx *f, const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", f->dir, name);
	return buf;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/leaselab-kc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	EVP_PKEY *ca = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *client = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *ca_cert = self_signed(ca, "test-ca");
	X509 *client_cert = self_signed(client, "system:serviceaccount:default:default");
	f->ca_pem = pem_of_cert(ca_cert);
	f->cert_pem = pem_of_cert(client_cert);
	f->key_pem = pem_of_key(client);
	f->other_key_pem = pem_of_key(other);
	f->ca_b64 = b64(f->ca_pem);
	f->cert_b64 = b64(f->cert_pem);
	f->key_b64 = b64(f->key_pem);
	X509_free(ca_cert);
	X509_free(client_cert);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(client);
	EVP_PKEY_free(other);
	write_file(f, "ca.crt", f->ca_pem);
	write_file(f, "client.crt", f->cert_pem);
	write_file(f, "client.key", f->key_pem);
	write_file(f, "other.key", f->other_key_pem);
	write_file(f, "token", "file-token-123\n");
	write_file(f, "garbage.crt", "this is not a certificate\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[512];
	le_kube_config_free(&f->kc);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f->ca_pem);
	free(f->cert_pem);
	free(f->key_pem);
	free(f->other_key_pem);
	free(f->ca_b64);
	free(f->cert_b64);
	free(f->key_b64);
	free(f);
	return 0;
}

/* Write `name` with a standard one-context kubeconfig whose cluster and
 * user bodies are given (indented under "cluster:" / "user:"). */
static void write_kubeconfig(const fx *f, const char *name, const char *cluster, const char *user)
{
	char buf[16384];
	snprintf(buf, sizeof buf,
		 "apiVersion: v1\n"
		 "kind: Config\n"
		 "clusters:\n"
		 "- name: c1\n"
		 "  cluster:\n"
		 "%s"
		 "users:\n"
		 "- name: u1\n"
		 "  user:\n"
		 "%s"
		 "contexts:\n"
		 "- name: ctx1\n"
		 "  context:\n"
		 "    cluster: c1\n"
		 "    user: u1\n"
		 "    namespace: team-a\n"
		 "current-context: ctx1\n",
		 cluster, user);
	write_file(f, name, buf);
}

static int load_one(fx *f, const char *name, const char *context)
{
	char p[512];
	const char *paths[1] = {path_in(f, name, p, sizeof p)};
	le_kube_config_free(&f->kc);
	return le_kubeconfig_load_files(paths, 1, false, context, &f->kc, f->err, sizeof f->err);
}

/* ---- good files --------------------------------------------------------- */

static void test_token_auth(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc",
			 "    server: https://10.1.2.3:6443/\n    insecure-skip-tls-verify: true\n",
			 "    token: abc.def\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.server, "https://10.1.2.3:6443"); /* trailing '/' dropped */
	assert_string_equal(f->kc.token, "abc.def");
	assert_null(f->kc.token_file);
	assert_true(f->kc.insecure_skip_tls_verify);
	assert_null(f->kc.ca_pem);
	assert_null(f->kc.client_cert_pem);
	assert_string_equal(f->kc.namespace, "team-a");
	assert_string_equal(f->kc.context, "ctx1");
	assert_contains(f->kc.source, "context ctx1");
}

static void test_token_file_relative_to_kubeconfig(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc",
			 "    server: https://api:6443\n    certificate-authority: ca.crt\n",
			 "    tokenFile: token\n");
	/* The kubeconfig is in a temp dir, the cwd is elsewhere: relative
	 * names must resolve against the kubeconfig's directory. */
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.token, "file-token-123"); /* newline trimmed */
	char p[512];
	assert_string_equal(f->kc.token_file, path_in(f, "token", p, sizeof p));
	assert_non_null(f->kc.ca_pem);
	assert_string_equal(f->kc.ca_pem, f->ca_pem);
	assert_false(f->kc.insecure_skip_tls_verify);
}

static void test_client_certificate_files(void **state)
{
	fx *f = *state;
	char user[2048], p1[512], p2[512], p3[512];
	snprintf(user, sizeof user, "    client-certificate: %s\n    client-key: %s\n",
		 path_in(f, "client.crt", p1, sizeof p1), path_in(f, "client.key", p2, sizeof p2));
	char cluster[1024];
	snprintf(cluster, sizeof cluster,
		 "    server: https://127.0.0.1:8443\n    certificate-authority: %s\n",
		 path_in(f, "ca.crt", p3, sizeof p3));
	write_kubeconfig(f, "kc", cluster, user);
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.client_cert_pem, f->cert_pem);
	assert_int_equal(f->kc.client_cert_pem_len, strlen(f->cert_pem));
	assert_string_equal(f->kc.client_key_pem, f->key_pem);
	assert_string_equal(f->kc.ca_pem, f->ca_pem);
	assert_null(f->kc.token);
}

static void test_client_certificate_data(void **state)
{
	fx *f = *state;
	char user[8192], cluster[4096];
	snprintf(user, sizeof user, "    client-certificate-data: %s\n    client-key-data: %s\n",
		 f->cert_b64, f->key_b64);
	snprintf(cluster, sizeof cluster,
		 "    server: https://127.0.0.1:8443\n    certificate-authority-data: %s\n",
		 f->ca_b64);
	write_kubeconfig(f, "kc", cluster, user);
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.client_cert_pem, f->cert_pem);
	assert_string_equal(f->kc.client_key_pem, f->key_pem);
	assert_string_equal(f->kc.ca_pem, f->ca_pem);
}

static void test_data_wins_over_file(void **state)
{
	fx *f = *state;
	char cluster[4096];
	/* The file does not exist; -data is set, so the file is not read. */
	snprintf(cluster, sizeof cluster,
		 "    server: https://x:1\n    certificate-authority: /nonexistent/ca.crt\n"
		 "    certificate-authority-data: %s\n",
		 f->ca_b64);
	write_kubeconfig(f, "kc", cluster, "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.ca_pem, f->ca_pem);
}

static void test_server_without_scheme_gets_https(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: 10.0.0.1:6443\n", "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.server, "https://10.0.0.1:6443");
}

static void test_basic_auth(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: http://127.0.0.1:8080\n",
			 "    username: admin\n    password: s3cret\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.username, "admin");
	assert_string_equal(f->kc.password, "s3cret");
	assert_string_equal(f->kc.server, "http://127.0.0.1:8080");
}

static void test_json_kubeconfig(void **state)
{
	fx *f = *state;
	/* kubectl accepts JSON kubeconfigs; JSON is YAML's flow style. */
	write_file(f, "kc.json",
		   "{\"apiVersion\":\"v1\",\"clusters\":[{\"name\":\"c\",\"cluster\":{\"server\":"
		   "\"https://j:1\"}}],"
		   "\"users\":[{\"name\":\"u\",\"user\":{\"token\":\"jt\"}}],"
		   "\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"c\",\"user\":\"u\"}}],"
		   "\"current-context\":\"x\"}");
	assert_int_equal(load_one(f, "kc.json", NULL), LE_OK);
	assert_string_equal(f->kc.server, "https://j:1");
	assert_string_equal(f->kc.token, "jt");
	assert_null(f->kc.namespace);
}

/* issue 14: a deeply nested kubeconfig used to take libyaml minutes. */
static void test_deep_nesting_is_refused_at_once(void **state)
{
	fx *f = *state;
	size_t depth = 100000;
	char *y = malloc(2 * depth + 32);
	size_t n = (size_t)sprintf(y, "clusters: ");
	memset(y + n, '[', depth);
	memset(y + n + depth, ']', depth);
	y[n + 2 * depth] = '\n';
	y[n + 2 * depth + 1] = '\0';
	write_file(f, "deep", y);
	free(y);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(load_one(f, "deep", NULL), LE_EPARSE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_contains(f->err, "deep:1:");
	assert_contains(f->err, "nested more than 64 levels deep (the limit for a kubeconfig)");
	assert_true(t1.tv_sec - t0.tv_sec < 3);
}

static const char two_contexts[] =
	"clusters:\n"
	"- name: prod\n"
	"  cluster: {server: https://prod:6443, insecure-skip-tls-verify: true}\n"
	"- name: dev\n"
	"  cluster: {server: https://dev:6443, insecure-skip-tls-verify: true}\n"
	"users:\n"
	"- name: alice\n"
	"  user: {token: alice-token}\n"
	"- name: bob\n"
	"  user: {token: bob-token}\n"
	"contexts:\n"
	"- name: prod-alice\n"
	"  context: {cluster: prod, user: alice}\n"
	"- name: dev-bob\n"
	"  context: {cluster: dev, user: bob, namespace: sandbox}\n"
	"current-context: prod-alice\n";

static void test_current_context_and_override(void **state)
{
	fx *f = *state;
	write_file(f, "kc", two_contexts);
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_string_equal(f->kc.server, "https://prod:6443");
	assert_string_equal(f->kc.token, "alice-token");
	assert_string_equal(f->kc.context, "prod-alice");

	assert_int_equal(load_one(f, "kc", "dev-bob"), LE_OK);
	assert_string_equal(f->kc.server, "https://dev:6443");
	assert_string_equal(f->kc.token, "bob-token");
	assert_string_equal(f->kc.namespace, "sandbox");
	assert_string_equal(f->kc.context, "dev-bob");
}

static void test_anonymous_context_without_user(void **state)
{
	fx *f = *state;
	write_file(f, "kc",
		   "clusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:1'}\n"
		   "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_OK);
	assert_null(f->kc.token);
	assert_null(f->kc.client_cert_pem);
}

/* ---- KUBECONFIG merging ------------------------------------------------- */

static void test_kubeconfig_list_first_file_wins(void **state)
{
	fx *f = *state;
	/* a: sets current-context and user u (token A), nothing else.
	 * b: sets another current-context, cluster c, user u (token B), and
	 *    both contexts. kubectl: a's current-context and a's u win. */
	write_file(f, "a", "users:\n- name: u\n  user: {token: token-A}\ncurrent-context: ctx\n");
	write_file(f, "b",
		   "clusters:\n- name: c\n  cluster: {server: 'https://b:6443', "
		   "insecure-skip-tls-verify: true}\n"
		   "users:\n- name: u\n  user: {token: token-B}\n"
		   "contexts:\n- name: ctx\n  context: {cluster: c, user: u}\n"
		   "- name: other\n  context: {cluster: c, user: u, namespace: o}\n"
		   "current-context: other\n");
	char env[2048], pa[512], pb[512], pm[512];
	snprintf(env, sizeof env, "%s::%s:%s", path_in(f, "a", pa, sizeof pa),
		 path_in(f, "missing", pm, sizeof pm), path_in(f, "b", pb, sizeof pb));
	le_kube_load_opts o = {0};
	o.kubeconfig_env = env;
	o.home = f->dir; /* must not be consulted */
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_OK);
	assert_string_equal(f->kc.context, "ctx");
	assert_string_equal(f->kc.token, "token-A");
	assert_string_equal(f->kc.server, "https://b:6443");
	assert_null(f->kc.namespace);
	assert_contains(f->kc.source, pa);
	assert_contains(f->kc.source, pb);
}

static void test_kubeconfig_list_all_missing(void **state)
{
	fx *f = *state;
	le_kube_load_opts o = {0};
	o.kubeconfig_env = "/nonexistent/a:/nonexistent/b";
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_ENOTFOUND);
	assert_contains(f->err, "KUBECONFIG=/nonexistent/a:/nonexistent/b");
	assert_contains(f->err, "none of these files exists");
}

static void test_loading_rules_order(void **state)
{
	fx *f = *state;
	char home[400], p[512], sa[512];
	/* ~/.kube/config when KUBECONFIG is unset */
	snprintf(home, sizeof home, "%s/home", f->dir);
	snprintf(p, sizeof p, "%s/.kube", home);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	write_file(f, "home/.kube/config",
		   "clusters:\n- name: c\n  cluster: {server: 'https://home:1'}\n"
		   "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
	le_kube_load_opts o = {0};
	o.home = home;
	o.service_host = "10.0.0.1";
	o.service_port = "443";
	o.sa_dir = f->dir;
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_OK);
	assert_string_equal(f->kc.server, "https://home:1");
	le_kube_config_free(&f->kc);

	/* an explicit --kubeconfig wins over KUBECONFIG and home */
	write_kubeconfig(f, "explicit", "    server: https://explicit:1\n", "    token: t\n");
	o.kubeconfig = path_in(f, "explicit", p, sizeof p);
	o.kubeconfig_env = "/nonexistent";
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_OK);
	assert_string_equal(f->kc.server, "https://explicit:1");
	le_kube_config_free(&f->kc);

	/* no kubeconfig anywhere: the service account (ca.crt, token in dir) */
	o.kubeconfig = NULL;
	o.kubeconfig_env = NULL;
	o.home = "/nonexistent";
	write_file(f, "namespace", "kube-system\n");
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_OK);
	assert_string_equal(f->kc.server, "https://10.0.0.1:443");
	le_kube_config_free(&f->kc);

	/* --use-cluster-credentials skips the kubeconfig even if present */
	o.in_cluster = true;
	o.home = home;
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_OK);
	assert_string_equal(f->kc.server, "https://10.0.0.1:443");
	le_kube_config_free(&f->kc);

	/* nothing at all */
	memset(&o, 0, sizeof o);
	o.home = "/nonexistent";
	(void)sa;
	assert_int_equal(le_kube_config_load(&o, &f->kc, f->err, sizeof f->err), LE_ENOTFOUND);
	assert_contains(f->err, "no apiserver configuration");
	assert_contains(f->err, "KUBERNETES_SERVICE_HOST is not set");
}

/* ---- bad files: each error names file, line and key -------------------- */

static void test_missing_file(void **state)
{
	fx *f = *state;
	assert_int_equal(load_one(f, "does-not-exist", NULL), LE_EIO);
	assert_contains(f->err, "does-not-exist: cannot open: No such file or directory");
}

static void test_yaml_syntax_error_names_line(void **state)
{
	fx *f = *state;
	write_file(f, "kc",
		   "apiVersion: v1\n"
		   "clusters:\n"
		   "- name: c\n"
		   "  cluster:\n"
		   "    server: [unclosed\n"
		   "users: []\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EPARSE);
	char p[512], want[600];
	snprintf(want, sizeof want, "%s:6:", path_in(f, "kc", p, sizeof p));
	assert_contains(f->err, want);
	assert_contains(f->err, "YAML syntax error");
}

static void test_wrong_shape_names_key_and_line(void **state)
{
	fx *f = *state;
	write_file(f, "kc",
		   "clusters:\n"
		   "- name: c\n"
		   "  cluster:\n"
		   "    server:\n"
		   "      nested: map\n"
		   "contexts: [{name: x, context: {cluster: c}}]\n"
		   "current-context: x\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EPARSE);
	assert_contains(f->err,
			":5: clusters[c].cluster.server: expected a string, found a mapping");

	write_file(f, "kc2", "clusters: {a: b}\n");
	assert_int_equal(load_one(f, "kc2", NULL), LE_EPARSE);
	assert_contains(f->err, ":1: clusters: expected a list, found a mapping");

	write_file(f, "kc3", "- just\n- a list\n");
	assert_int_equal(load_one(f, "kc3", NULL), LE_EPARSE);
	assert_contains(f->err, "not a kubeconfig");
}

static void test_unknown_context(void **state)
{
	fx *f = *state;
	write_file(f, "kc", two_contexts);
	assert_int_equal(load_one(f, "kc", "staging"), LE_ENOTFOUND);
	assert_contains(f->err, "context \"staging\" not found (contexts: prod-alice, dev-bob)");
}

static void test_current_context_not_defined(void **state)
{
	fx *f = *state;
	write_file(f, "kc", "contexts: []\ncurrent-context: gone\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_ENOTFOUND);
	assert_contains(f->err, "current-context \"gone\" not found (contexts: none)");
}

static void test_no_current_context(void **state)
{
	fx *f = *state;
	write_file(f, "kc", "contexts:\n- name: a\n  context: {cluster: c}\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err, "current-context is not set; pass --context (contexts: a)");
}

static void test_missing_cluster(void **state)
{
	fx *f = *state;
	write_file(f, "kc",
		   "clusters:\n- name: real\n  cluster: {server: 'https://r:1'}\n"
		   "contexts:\n- name: x\n  context:\n    cluster: typo\n"
		   "current-context: x\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_ENOTFOUND);
	assert_contains(f->err, ":7: contexts[x].context.cluster: cluster \"typo\" is not defined "
				"(clusters: real)");
}

static void test_missing_user(void **state)
{
	fx *f = *state;
	write_file(f, "kc",
		   "clusters:\n- name: c\n  cluster: {server: 'https://r:1'}\n"
		   "contexts:\n- name: x\n  context:\n    cluster: c\n    user: nobody\n"
		   "current-context: x\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_ENOTFOUND);
	assert_contains(
		f->err,
		":8: contexts[x].context.user: user \"nobody\" is not defined (users: none)");
}

static void test_missing_server(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    insecure-skip-tls-verify: true\n", "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err, "clusters[c1].cluster.server: missing");
}

static void test_unreadable_certificate(void **state)
{
	fx *f = *state;
	char user[1024], p[512];
	snprintf(user, sizeof user, "    client-certificate: missing.crt\n    client-key: %s\n",
		 path_in(f, "client.key", p, sizeof p));
	write_kubeconfig(f, "kc", "    server: https://x:1\n", user);
	assert_int_equal(load_one(f, "kc", NULL), LE_EIO);
	char want[700];
	snprintf(want, sizeof want,
		 ":10: users[u1].user.client-certificate: cannot read %s/missing.crt: No such file "
		 "or directory",
		 f->dir);
	assert_contains(f->err, want);

	/* a directory where a file should be */
	write_kubeconfig(f, "kc2", "    server: https://x:1\n    certificate-authority: .\n",
			 "    token: t\n");
	assert_int_equal(load_one(f, "kc2", NULL), LE_EIO);
	assert_contains(f->err, "clusters[c1].cluster.certificate-authority: cannot read");
}

static void test_not_a_certificate(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc",
			 "    server: https://x:1\n    certificate-authority: garbage.crt\n",
			 "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EPARSE);
	assert_contains(f->err,
			"clusters[c1].cluster.certificate-authority: no PEM certificate found");
}

static void test_bad_base64(void **state)
{
	fx *f = *state;
	write_kubeconfig(
		f, "kc",
		"    server: https://x:1\n    certificate-authority-data: '!!not base64!!'\n",
		"    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EPARSE);
	assert_contains(f->err,
			":7: clusters[c1].cluster.certificate-authority-data: not valid base64");
}

static void test_key_does_not_match_certificate(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: https://x:1\n",
			 "    client-certificate: client.crt\n    client-key: other.key\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err,
			"users[u1].user.client-key: the key does not match client-certificate");
}

static void test_certificate_without_key(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: https://x:1\n",
			 "    client-certificate: client.crt\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err, "users[u1].user: client-certificate is set but client-key is not");
}

static void test_insecure_with_ca_is_refused(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc",
			 "    server: https://x:1\n    insecure-skip-tls-verify: true\n    "
			 "certificate-authority: ca.crt\n",
			 "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err, "insecure-skip-tls-verify and certificate-authority are both set");
}

static void test_bad_boolean(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: https://x:1\n    insecure-skip-tls-verify: maybe\n",
			 "    token: t\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EPARSE);
	assert_contains(f->err,
			"insecure-skip-tls-verify: expected true or false, found \"maybe\"");
}

static void test_exec_plugin_is_reported(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: https://x:1\n", "    exec:\n      command: aws\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EINVAL);
	assert_contains(f->err, "users[u1].user.exec: credential plugins are not supported");
}

static void test_unreadable_token_file(void **state)
{
	fx *f = *state;
	write_kubeconfig(f, "kc", "    server: https://x:1\n",
			 "    tokenFile: /nonexistent/token\n");
	assert_int_equal(load_one(f, "kc", NULL), LE_EIO);
	assert_contains(f->err, "users[u1].user.tokenFile: cannot read /nonexistent/token");
}

/* ---- in-cluster ----------------------------------------------------------- */

static void test_in_cluster(void **state)
{
	fx *f = *state;
	write_file(f, "namespace", "test-leader-elector");
	assert_int_equal(
		le_incluster_config_load(f->dir, "10.96.0.1", "443", &f->kc, f->err, sizeof f->err),
		LE_OK);
	assert_string_equal(f->kc.server, "https://10.96.0.1:443");
	assert_string_equal(f->kc.token, "file-token-123");
	char p[512];
	assert_string_equal(f->kc.token_file, path_in(f, "token", p, sizeof p));
	assert_string_equal(f->kc.ca_pem, f->ca_pem);
	assert_string_equal(f->kc.namespace, "test-leader-elector");
	assert_contains(f->kc.source, "in-cluster service account");
	le_kube_config_free(&f->kc);

	assert_int_equal(
		le_incluster_config_load(f->dir, "fd00::1", "6443", &f->kc, f->err, sizeof f->err),
		LE_OK);
	assert_string_equal(f->kc.server, "https://[fd00::1]:6443");
}

static void test_in_cluster_errors(void **state)
{
	fx *f = *state;
	assert_int_equal(
		le_incluster_config_load(f->dir, NULL, "443", &f->kc, f->err, sizeof f->err),
		LE_EINVAL);
	assert_contains(f->err, "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");

	char empty[512];
	snprintf(empty, sizeof empty, "%s/empty", f->dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(le_incluster_config_load(empty, "h", "1", &f->kc, f->err, sizeof f->err),
			 LE_EIO);
	assert_contains(f->err, "cannot read the service-account token");
	assert_contains(f->err, "/empty/token: No such file or directory");

	write_file(f, "empty/token", "tok\n");
	assert_int_equal(le_incluster_config_load(empty, "h", "1", &f->kc, f->err, sizeof f->err),
			 LE_EIO);
	assert_contains(f->err, "cannot read the cluster CA");
	assert_contains(f->err, "/empty/ca.crt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_token_auth),
		T(test_token_file_relative_to_kubeconfig),
		T(test_client_certificate_files),
		T(test_client_certificate_data),
		T(test_data_wins_over_file),
		T(test_server_without_scheme_gets_https),
		T(test_basic_auth),
		T(test_json_kubeconfig),
		T(test_deep_nesting_is_refused_at_once),
		T(test_current_context_and_override),
		T(test_anonymous_context_without_user),
		T(test_kubeconfig_list_first_file_wins),
		T(test_kubeconfig_list_all_missing),
		T(test_loading_rules_order),
		T(test_missing_file),
		T(test_yaml_syntax_error_names_line),
		T(test_wrong_shape_names_key_and_line),
		T(test_unknown_context),
		T(test_current_context_not_defined),
		T(test_no_current_context),
		T(test_missing_cluster),
		T(test_missing_user),
		T(test_missing_server),
		T(test_unreadable_certificate),
		T(test_not_a_certificate),
		T(test_bad_base64),
		T(test_key_does_not_match_certificate),
		T(test_certificate_without_key),
		T(test_insecure_with_ca_is_refused),
		T(test_bad_boolean),
		T(test_exec_plugin_is_reported),
		T(test_unreadable_token_file),
		T(test_in_cluster),
		T(test_in_cluster_errors),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
