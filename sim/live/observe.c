/* sim/live/observe.c — leadership as a pod reports it: bin/elector's JSON
 * events (docs/sidecar.md, "--log-format=json"), or for a foreign elector
 * POSIX extended regexes over its output, or a status URL answering the
 * 0.5 sidecar's {"name": "<leader>"}. The caller stamps each observation
 * on the harness clock when the line arrives. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "live_int.h"

static int compile(regex_t *re, const char *src, const char *flag, char *err,
		   size_t errcap)
{
	int rc = regcomp(re, src, REG_EXTENDED);
	if (rc != 0) {
		char why[200];
		regerror(rc, re, why, sizeof why);
		snprintf(err, errcap, "%s '%s': %s", flag, src, why);
		return LE_EINVAL;
	}
	return LE_OK;
}

int lv_matchers_init(lv_matchers *m, bool json, const char *leader_re,
		     const char *follower_re, const char *new_leader_re,
		     char *err, size_t errcap)
{
	memset(m, 0, sizeof *m);
	m->json = json;
	if (leader_re) {
		if (compile(&m->leader, leader_re, "--leader-regex", err, errcap))
			return LE_EINVAL;
		m->have_leader = true;
	}
	if (follower_re) {
		if (compile(&m->follower, follower_re, "--follower-regex", err, errcap)) {
			lv_matchers_free(m);
			return LE_EINVAL;
		}
		m->have_follower = true;
	}
	if (new_leader_re) {
		if (compile(&m->new_leader, new_leader_re, "--new-leader-regex", err,
			    errcap)) {
			lv_matchers_free(m);
			return LE_EINVAL;
		}
		if (m->new_leader.re_nsub < 1) {
			snprintf(err, errcap, "--new-leader-regex '%s': needs a group "
				 "(...) around the leader's identity", new_leader_re);
			m->have_new_leader = true;
			lv_matchers_free(m);
			return LE_EINVAL;
		}
		m->have_new_leader = true;
	}
	return LE_OK;
}

void lv_matchers_free(lv_matchers *m)
{
	if (m->have_leader)
		regfree(&m->leader);
	if (m->have_follower)
		regfree(&m->follower);
	if (m->have_new_leader)
		regfree(&m->new_leader);
	m->have_leader = m->have_follower = m->have_new_leader = false;
}

static void observe_json(const char *line, lv_obs *out)
{
	cJSON *j = cJSON_Parse(line);
	if (!j)
		return;
	const char *ev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "event"));
	const char *ts = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "ts"));
	const char *leader = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "leader"));
	if (ev) {
		out->kind = LV_OBS_LOG;
		if (!strcmp(ev, "started_leading"))
			out->kind = LV_OBS_STARTED;
		else if (!strcmp(ev, "stopped_leading"))
			out->kind = LV_OBS_STOPPED;
		else if (!strcmp(ev, "new_leader") && leader) {
			out->kind = LV_OBS_NEW_LEADER;
			snprintf(out->leader, sizeof out->leader, "%s", leader);
		}
	}
	if (ts && le_parse_time(ts, &out->wall_ns) == LE_OK)
		out->has_wall = true;
	cJSON_Delete(j);
}

void lv_observe_line(const lv_matchers *m, const char *line, lv_obs *out)
{
	memset(out, 0, sizeof *out);
	if (m->json && line[0] == '{') {
		observe_json(line, out);
		return;
	}
	if (m->have_leader && regexec(&m->leader, line, 0, NULL, 0) == 0) {
		out->kind = LV_OBS_STARTED;
		return;
	}
	if (m->have_follower && regexec(&m->follower, line, 0, NULL, 0) == 0) {
		out->kind = LV_OBS_STOPPED;
		return;
	}
	regmatch_t g[2];
	if (m->have_new_leader && regexec(&m->new_leader, line, 2, g, 0) == 0 &&
	    g[1].rm_so >= 0) {
		out->kind = LV_OBS_NEW_LEADER;
		snprintf(out->leader, sizeof out->leader, "%.*s",
			 (int)(g[1].rm_eo - g[1].rm_so), line + g[1].rm_so);
	}
}

typedef struct small_body {
	char buf[1024];
	size_t n;
} small_body;

static size_t on_small(char *data, size_t sz, size_t nm, void *user)
{
	small_body *b = user;
	size_t n = sz * nm;
	size_t room = sizeof b->buf - 1 - b->n;
	memcpy(b->buf + b->n, data, n < room ? n : room);
	b->n += n < room ? n : room;
	b->buf[b->n] = '\0';
	return n;
}

int lv_status_poll(void *curl, const char *url, char *name, size_t cap)
{
	small_body b = {.n = 0};
	name[0] = '\0';
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 200L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_small);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(curl) != CURLE_OK)
		return LE_EIO;
	cJSON *j = cJSON_Parse(b.buf);
	const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "name"));
	if (n)
		snprintf(name, cap, "%s", n);
	cJSON_Delete(j);
	return LE_OK;
}
