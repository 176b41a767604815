/* sim/live/apiserver.c — bin/fake-apiserver for one live run: started on
 * 127.0.0.1 with a free port (it prints the address it bound), one bearer
 * token per pod, an admin token; faults and the committed writes through
 * its admin API (docs/fake-apiserver.md) with libcurl. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "live_int.h"

#define START_TIMEOUT_MS 5000
#define ADMIN_TIMEOUT_MS 2000
#define BODY_MAX (64u << 20)

typedef struct addr_scan {
	char *url;
	size_t cap;
	char last[256];
} addr_scan;

static void scan_line(void *user, const char *line)
{
	addr_scan *s = user;
	const char *p = strstr(line, "http://127.0.0.1:");
	if (p && !s->url[0]) {
		size_t n = strcspn(p, " \t\r\n");
		snprintf(s->url, s->cap, "%.*s", (int)n, p);
	}
	snprintf(s->last, sizeof s->last, "%s", line);
}

static void random_hex(char *out, size_t nbytes)
{
	unsigned char b[32];
	if (nbytes > sizeof b)
		nbytes = sizeof b;
	if (getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		memset(b, 0x5a, nbytes);
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int lv_apiserver_start(lv_apiserver *a, const char *bin, const char *tokens_file,
		       uint64_t seed, char *err, size_t errcap)
{
	memset(a, 0, sizeof *a);
	a->proc.out_fd = -1;
	random_hex(a->admin_token, 16);
	char seed_s[32];
	snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
	/* Every write, however long the run: the checker reads the whole
	 * history at the end (bin/fake-apiserver keeps 10,000 by default). */
	char *argv[] = {(char *)bin, "--listen", "127.0.0.1:0", "--tokens",
			(char *)tokens_file, "--admin-token", a->admin_token,
			"--seed", seed_s, "--history-max", "0", NULL};
	/* The apiserver's clock is the harness's: never preloaded. */
	char *env[] = {"LD_PRELOAD=", "FAKETIME=", "FAKETIME_TIMESTAMP_FILE=", NULL};
	int rc = lv_proc_spawn(&a->proc, argv, env, err, errcap);
	if (rc != LE_OK)
		return rc;
	addr_scan s = {a->url, sizeof a->url, ""};
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!a->url[0]) {
		struct pollfd pfd = {a->proc.out_fd, POLLIN, 0};
		poll(&pfd, 1, 50);
		bool open = lv_proc_read(&a->proc, scan_line, &s);
		clock_gettime(CLOCK_MONOTONIC, &t);
		int64_t ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (!a->url[0] && (!open || ms > START_TIMEOUT_MS)) {
			snprintf(err, errcap, "%s did not print its address within %d ms%s%s",
				 bin, START_TIMEOUT_MS, s.last[0] ? "; last output: " : "", s.last);
			lv_proc_stop(&a->proc);
			return LE_EIO;
		}
	}
	a->curl = curl_easy_init();
	if (!a->curl) {
		snprintf(err, errcap, "curl_easy_init failed");
		lv_proc_stop(&a->proc);
		return LE_ENOMEM;
	}
	return LE_OK;
}

void lv_apiserver_stop(lv_apiserver *a)
{
	if (a->curl)
		curl_easy_cleanup(a->curl);
	a->curl = NULL;
	lv_proc_stop(&a->proc);
}

typedef struct body {
	char *p;
	size_t n;
} body;

static size_t on_body(char *data, size_t sz, size_t nm, void *user)
{
	body *b = user;
	size_t n = sz * nm;
	if (b->n + n > BODY_MAX)
		return 0;
	char *np = realloc(b->p, b->n + n + 1);
	if (!np)
		return 0;
	memcpy(np + b->n, data, n);
	b->p = np;
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* One admin call; the body (NUL-terminated, caller frees) and status. */
static int admin(lv_apiserver *a, const char *method, const char *path,
		 const char *json, body *out, long *status, char *err, size_t errcap)
{
	CURL *c = a->curl;
	char url[256], auth[96];
	snprintf(url, sizeof url, "%s%s", a->url, path);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", a->admin_token);
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)ADMIN_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (json)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	CURLcode cc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	if (cc != CURLE_OK) {
		snprintf(err, errcap, "fake apiserver admin %s %s: %s", method, path,
			 curl_easy_strerror(cc));
		return LE_EIO;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (*status >= 300) {
		snprintf(err, errcap, "fake apiserver admin %s %s: HTTP %ld: %.300s",
			 method, path, *status, out->p ? out->p : "");
		return LE_EIO;
	}
	return LE_OK;
}

int lv_apiserver_add_rule(lv_apiserver *a, const char *rule_json, char *err,
			  size_t errcap)
{
	body b = {0};
	long status = 0;
	int rc = admin(a, "POST", "/leaselab/v1/faults", rule_json, &b, &status, err,
		       errcap);
	int id = LE_EPARSE;
	if (rc == LE_OK) {
		cJSON *j = cJSON_Parse(b.p ? b.p : "");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "id");
		if (!cJSON_IsNumber(v)) {
			const cJSON *ids = cJSON_GetObjectItemCaseSensitive(j, "ids");
			v = cJSON_GetArrayItem(ids, 0);
		}
		if (cJSON_IsNumber(v))
			id = (int)v->valuedouble;
		else
			snprintf(err, errcap, "fake apiserver: no rule id in %.200s",
				 b.p ? b.p : "");
		cJSON_Delete(j);
	} else {
		id = rc;
	}
	free(b.p);
	return id;
}

int lv_apiserver_remove_rule(lv_apiserver *a, int id, char *err, size_t errcap)
{
	char path[64];
	snprintf(path, sizeof path, "/leaselab/v1/faults/%d", id);
	body b = {0};
	long status = 0;
	int rc = admin(a, "DELETE", path, NULL, &b, &status, err, errcap);
	free(b.p);
	return rc;
}

int lv_apiserver_set_down(lv_apiserver *a, bool down, char *err, size_t errcap)
{
	body b = {0};
	long status = 0;
	int rc = admin(a, "POST", down ? "/leaselab/v1/down" : "/leaselab/v1/up", "",
		       &b, &status, err, errcap);
	free(b.p);
	return rc;
}

char *lv_apiserver_history(lv_apiserver *a, char *err, size_t errcap)
{
	body b = {0};
	long status = 0;
	if (admin(a, "GET", "/leaselab/v1/history", NULL, &b, &status, err, errcap) !=
	    LE_OK) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}
