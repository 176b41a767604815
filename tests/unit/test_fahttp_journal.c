/* The --state-file journal: writes survive a restart, a torn last line is
 * dropped, corruption elsewhere is an error naming the line, compaction
 * keeps state and revision, a write that cannot be persisted is a 500 that
 * commits nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../fake-apiserver/http/fahttp.h"

#define NOW INT64_C(1700000000000000000)
#define LEASES "/apis/coordination.k8s.io/v1/namespaces/default/leases"

typedef struct world {
	fa_store *store;
	fa_faults *faults;
	fahttp_ctx *ctx;
	fahttp_journal *j;
} world;

static char path[256];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_fahttp_journal.%d.jsonl", (int)getpid());
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (strncmp(path, "/tmp/", 5) == 0) { /* never the /dev/full of one test */
		char lock[300];
		snprintf(lock, sizeof(lock), "%s.lock", path);
		unlink(path);
		unlink(lock);
	}
	return 0;
}

/* Opens a world over the journal; err gets the error when that fails. */
static bool open_world(world *w, char *err, size_t errcap, size_t *replayed)
{
	memset(w, 0, sizeof(*w));
	w->store = fa_store_new(1);
	w->faults = fa_faults_new();
	w->j = fahttp_journal_open(path, w->store, replayed, err, errcap);
	if (w->j == NULL) {
		fa_faults_free(w->faults);
		fa_store_free(w->store);
		return false;
	}
	w->ctx = fahttp_ctx_new(w->store, NULL, w->faults, NULL);
	return true;
}

static void close_world(world *w)
{
	fahttp_ctx_free(w->ctx);
	fahttp_journal_close(w->j);
	fa_faults_free(w->faults);
	fa_store_free(w->store);
}

static int call(world *w, const char *method, const char *target, const char *body,
		char *out, size_t outcap)
{
	fahttp_request rq = {.method = method,
			     .target = target,
			     .content_type = body != NULL ? "application/json" : NULL,
			     .body = body,
			     .body_len = body != NULL ? strlen(body) : 0,
			     .now_wall_ns = NOW};
	fahttp_response r;
	fahttp_handle(w->ctx, &rq, &r);
	if (out != NULL)
		snprintf(out, outcap, "%.*s", (int)r.body_len, r.body != NULL ? r.body : "");
	int code = r.code;
	fahttp_response_free(&r);
	return code;
}

static int count_lines(void)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;
	while (f != NULL && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f != NULL)
		fclose(f);
	return n;
}

static void append_raw(const char *text)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_writes_survive_restart(void **state)
{
	(void)state;
	world w;
	char err[512], body[2048], before[2048];
	size_t replayed = 99;
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 0);
	assert_int_equal(call(&w, "POST", LEASES,
			      "{\"metadata\":{\"name\":\"j\"},\"spec\":{\"holderIdentity\":\"a\"}}",
			      NULL, 0),
			 201);
	assert_int_equal(call(&w, "PATCH", LEASES "/j", NULL, NULL, 0), 415);
	assert_int_equal(call(&w, "POST", "/api/v1/namespaces/x/configmaps",
			      "{\"metadata\":{\"name\":\"gone\"}}", NULL, 0),
			 201);
	assert_int_equal(call(&w, "DELETE", "/api/v1/namespaces/x/configmaps/gone", NULL,
			      NULL, 0),
			 200);
	assert_int_equal(call(&w, "GET", LEASES "/j", NULL, before, sizeof(before)), 200);
	uint64_t rev = fa_store_revision(w.store);
	close_world(&w);
	assert_int_equal(count_lines(), 3);

	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 3);
	assert_int_equal(fa_store_revision(w.store), rev);
	assert_int_equal(call(&w, "GET", LEASES "/j", NULL, body, sizeof(body)), 200);
	assert_string_equal(body, before); /* uid, resourceVersion, times: all kept */
	assert_int_equal(call(&w, "GET", "/api/v1/namespaces/x/configmaps/gone", NULL, NULL, 0),
			 404);
	close_world(&w);
}

static void test_torn_last_line_is_dropped(void **state)
{
	(void)state;
	world w;
	char err[512];
	size_t replayed;
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"t\"}}", NULL, 0),
			 201);
	close_world(&w);
	/* kill -9 in the middle of an append */
	append_raw("{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"metad");
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 1);
	/* the next line starts clean */
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"t2\"}}", NULL, 0),
			 201);
	close_world(&w);
	assert_int_equal(count_lines(), 2);
	/* a garbled but newline-terminated last line is torn as well */
	append_raw("\x01garbage\n");
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 2);
	assert_int_equal(call(&w, "GET", LEASES "/t2", NULL, NULL, 0), 200);
	close_world(&w);
	assert_int_equal(count_lines(), 2);
}

/* A file cut short is not silent: the bytes dropped are counted. */
static void test_torn_tail_reports_bytes_dropped(void **state)
{
	(void)state;
	world w;
	char err[512];
	size_t replayed;
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(fahttp_journal_dropped_bytes(w.j), 0);
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"a\"}}", NULL, 0),
			 201);
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"b\"}}", NULL, 0),
			 201);
	close_world(&w);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	/* cut in the middle of the second line */
	long first = 0;
	f = fopen(path, "r");
	for (int c; (c = fgetc(f)) != EOF && c != '\n';)
		first++;
	fclose(f);
	long cut = first + 1 + (size - first - 1) / 2;
	assert_int_equal(truncate(path, cut), 0);
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 1);
	assert_int_equal(fahttp_journal_dropped_bytes(w.j), (size_t)(cut - first - 1));
	close_world(&w);
}

/* Two servers on one journal: the second is refused, naming the first. */
static void test_second_opener_is_refused_naming_the_pid(void **state)
{
	(void)state;
	world a, b;
	char err[512], want[64];
	assert_true(open_world(&a, err, sizeof(err), NULL));
	assert_false(open_world(&b, err, sizeof(err), NULL));
	snprintf(want, sizeof(want), "(pid %d holds", (int)getpid());
	if (strstr(err, "in use by another fake-apiserver") == NULL || strstr(err, want) == NULL)
		fail_msg("error: %s", err);
	close_world(&a);
	/* released on close */
	assert_true(open_world(&b, err, sizeof(err), NULL));
	close_world(&b);
}

static const char *uid_of(const char *json, char *out, size_t cap)
{
	const char *p = strstr(json, "\"uid\":\"");
	assert_non_null(p);
	p += 7;
	size_t n = strcspn(p, "\"");
	snprintf(out, cap, "%.*s", (int)n, p);
	return out;
}

/* UIDs and generated names are never drawn again after a restart with the
 * same seed (they used to restart from --seed and repeat). */
static void test_uids_unique_across_restarts(void **state)
{
	(void)state;
	world w;
	char err[512], body[2048], uids[8][64], names[8][64];
	for (int i = 0; i < 8; i++) {
		assert_true(open_world(&w, err, sizeof(err), NULL));
		assert_int_equal(call(&w, "POST", LEASES,
				      "{\"metadata\":{\"generateName\":\"g-\"}}", body,
				      sizeof(body)),
				 201);
		uid_of(body, uids[i], sizeof(uids[i]));
		const char *n = strstr(body, "\"name\":\"");
		assert_non_null(n);
		snprintf(names[i], sizeof(names[i]), "%.*s", (int)strcspn(n + 8, "\""), n + 8);
		for (int k = 0; k < i; k++) {
			assert_string_not_equal(uids[i], uids[k]);
			assert_string_not_equal(names[i], names[k]);
		}
		close_world(&w);
	}
}

static void test_corrupt_middle_line_names_it(void **state)
{
	(void)state;
	world w;
	char err[512];
	size_t replayed;
	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"c\"}}", NULL, 0),
			 201);
	close_world(&w);
	append_raw("not json at all\n");
	append_raw("{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"metadata\":"
		   "{\"name\":\"d\",\"namespace\":\"default\",\"resourceVersion\":\"9\"}}}\n");
	err[0] = '\0';
	assert_false(open_world(&w, err, sizeof(err), &replayed));
	char want[300];
	snprintf(want, sizeof(want), "%s:2:", path);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" does not name %s", err, want);
	/* a line that is JSON but whose object does not restore */
	unlink(path);
	append_raw("{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"metadata\":"
		   "{\"name\":\"d\",\"namespace\":\"default\",\"resourceVersion\":\"x\"}}}\n");
	append_raw("{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"metadata\":"
		   "{\"name\":\"e\",\"namespace\":\"default\",\"resourceVersion\":\"9\"}}}\n");
	assert_false(open_world(&w, err, sizeof(err), &replayed));
	assert_non_null(strstr(err, ":1:"));
	assert_non_null(strstr(err, "resourceVersion"));
}

static void test_compaction_keeps_state_and_revision(void **state)
{
	(void)state;
	world w;
	char err[512], body[1024];
	size_t replayed;
	/* a long journal, written as the hook writes it (without 4200 syncs):
	 * one lease updated over and over, then a lease created and deleted */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int rv = 1; rv <= 4201; rv++)
		fprintf(f,
			"{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"kind\":"
			"\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":"
			"{\"name\":\"k\",\"namespace\":\"default\",\"uid\":\"u-k\","
			"\"resourceVersion\":\"%d\",\"creationTimestamp\":"
			"\"2023-11-14T22:13:20Z\"},\"spec\":{\"holderIdentity\":\"h\","
			"\"leaseTransitions\":%d}}}\n",
			rv, rv - 1);
	fprintf(f, "{\"resource\":\"leases\",\"deleted\":false,\"object\":{\"metadata\":"
		   "{\"name\":\"tmp\",\"namespace\":\"default\",\"uid\":\"u-t\","
		   "\"resourceVersion\":\"4202\"},\"spec\":{}}}\n");
	fprintf(f, "{\"resource\":\"leases\",\"deleted\":true,\"object\":{\"metadata\":"
		   "{\"name\":\"tmp\",\"namespace\":\"default\",\"uid\":\"u-t\","
		   "\"resourceVersion\":\"4203\"},\"spec\":{}}}\n");
	fclose(f);
	assert_int_equal(count_lines(), 4203);

	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 4203);
	close_world(&w);
	/* compacted: the live lease and the last delete (newest revision) */
	assert_int_equal(count_lines(), 2);

	assert_true(open_world(&w, err, sizeof(err), &replayed));
	assert_int_equal(replayed, 2);
	assert_int_equal(fa_store_revision(w.store), 4203);
	assert_int_equal(call(&w, "GET", LEASES "/k", NULL, body, sizeof(body)), 200);
	assert_non_null(strstr(body, "\"leaseTransitions\":4200"));
	assert_non_null(strstr(body, "\"uid\":\"u-k\""));
	assert_non_null(strstr(body, "\"resourceVersion\":\"4201\""));
	assert_int_equal(call(&w, "GET", LEASES "/tmp", NULL, NULL, 0), 404);
	/* the next write gets a revision after the delete's, and is journaled
	 * after the compacted lines */
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"n\"}}", body,
			      sizeof(body)),
			 201);
	assert_non_null(strstr(body, "\"resourceVersion\":\"4204\""));
	close_world(&w);
	assert_int_equal(count_lines(), 3);
}

static void test_unpersistable_write_is_500_and_rolled_back(void **state)
{
	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	world w;
	char err[512], body[1024];
	snprintf(path, sizeof(path), "/dev/full");
	bool ok = open_world(&w, err, sizeof(err), NULL);
	if (!ok)
		fail_msg("open /dev/full: %s", err);
	assert_int_equal(call(&w, "POST", LEASES, "{\"metadata\":{\"name\":\"f\"}}", body,
			      sizeof(body)),
			 500);
	assert_non_null(strstr(body, "could not be persisted"));
	assert_int_equal(call(&w, "GET", LEASES "/f", NULL, NULL, 0), 404);
	assert_int_equal(fa_store_revision(w.store), 0);
	close_world(&w);
	snprintf(path, sizeof(path), "/tmp/test_fahttp_journal.%d.jsonl", (int)getpid());
}

static void test_journal_line_shape(void **state)
{
	(void)state;
	cJSON *o = cJSON_Parse("{\"metadata\":{\"name\":\"a\"}}");
	char *line = fahttp_journal_line(FA_RES_ENDPOINTS, o, true);
	assert_string_equal(line, "{\"resource\":\"endpoints\",\"deleted\":true,\"object\":"
				  "{\"metadata\":{\"name\":\"a\"}}}");
	free(line);
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_survive_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle_line_names_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_reports_bytes_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_opener_is_refused_naming_the_pid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_uids_unique_across_restarts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_compaction_keeps_state_and_revision, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unpersistable_write_is_500_and_rolled_back,
						setup, teardown),
		cmocka_unit_test(test_journal_line_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
