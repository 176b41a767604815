/* Events as text: a klog-like line for people, a JSON line for harnesses. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io_internal.h"
#include "leaselab/internal/json.h"
#include "leaselab/run.h"

bool io_json_quote(const char *s, char *buf, size_t cap, size_t *n)
{
	size_t i = *n;
	if (s == NULL)
		s = "";
	if (i + 2 >= cap)
		return false;
	size_t room = cap - i - 1; /* after the opening quote */
	size_t len = le_json_escape(s, strlen(s), buf + i + 1, room, 0);
	if (len + 2 > room) { /* the escaped text, the closing quote, the NUL */
		buf[*n] = '\0';
		return false;
	}
	buf[i] = '"';
	i += 1 + len;
	buf[i++] = '"';
	buf[i] = '\0';
	*n = i;
	return true;
}

bool io_split_hostport(const char *addr, char *host, size_t hostcap, int *port)
{
	const char *colon;
	if (!addr)
		return false;
	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');
		if (!end || end[1] != ':' || (size_t)(end - addr - 1) >= hostcap)
			return false;
		memcpy(host, addr + 1, (size_t)(end - addr - 1));
		host[end - addr - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon || memchr(addr, ':', (size_t)(colon - addr)) ||
		    (size_t)(colon - addr) >= hostcap)
			return false;
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
	}
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || p < 0 || p > 65535)
		return false;
	*port = (int)p;
	return true;
}

static const char *event_name(le_event_kind k)
{
	switch (k) {
	case LE_EV_STARTED_LEADING:
		return "started_leading";
	case LE_EV_STOPPED_LEADING:
		return "stopped_leading";
	case LE_EV_NEW_LEADER:
		return "new_leader";
	default:
		return "log";
	}
}

/* klog's severity letter; a startup failure is 0.5's glog.Fatalf. */
static char severity(const le_event *ev)
{
	if (ev->kind == LE_EV_LOG && ev->msg == LE_MSG_STARTUP_FAILED)
		return 'F';
	if (ev->kind == LE_EV_LOG && ev->msg == LE_MSG_DUPLICATE_IDENTITY)
		return 'W';
	return ev->is_error ? 'E' : 'I';
}

int le_event_format_text(const le_event *ev, long pid, char *buf, size_t cap)
{
	time_t secs = (time_t)(ev->wall_ns / LE_NS_PER_S);
	long usec = (long)(ev->wall_ns % LE_NS_PER_S / 1000);
	struct tm tm;
	localtime_r(&secs, &tm);
	int n = snprintf(buf, cap, "%c%02d%02d %02d:%02d:%02d.%06ld %7ld elector] %s", severity(ev),
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec, pid,
			 ev->text ? ev->text : "");
	if (n < 0)
		return 0;
	return (size_t)n >= cap ? (int)cap - 1 : n;
}

int le_event_format_json(const le_event *ev, char *buf, size_t cap)
{
	char ts[32];
	size_t n = 0;
	if (le_format_micro_time(ev->wall_ns, ts, sizeof ts) < 0)
		snprintf(ts, sizeof ts, "invalid");
	char sev = severity(ev);
	int w = snprintf(buf, cap,
			 "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"%s\",\"identity\":", ts,
			 sev == 'F'   ? "fatal"
			 : sev == 'E' ? "error"
			 : sev == 'W' ? "warning"
				      : "info",
			 event_name(ev->kind));
	if (w < 0 || (size_t)w >= cap)
		return LE_ERANGE;
	n = (size_t)w;
	if (!io_json_quote(ev->identity, buf, cap, &n))
		return LE_ERANGE;
	if (ev->kind == LE_EV_NEW_LEADER) {
		if (n + 10 >= cap)
			return LE_ERANGE;
		n += (size_t)snprintf(buf + n, cap - n, ",\"leader\":");
		if (!io_json_quote(ev->leader, buf, cap, &n))
			return LE_ERANGE;
	}
	if (ev->verbosity > 0 || ev->status) {
		char extra[48] = "";
		size_t e = 0;
		if (ev->verbosity > 0)
			e += (size_t)snprintf(extra + e, sizeof extra - e, ",\"v\":%d",
					      ev->verbosity);
		if (ev->status)
			e += (size_t)snprintf(extra + e, sizeof extra - e, ",\"status\":%d",
					      ev->status);
		if (n + e + 1 >= cap)
			return LE_ERANGE;
		memcpy(buf + n, extra, e + 1);
		n += e;
	}
	if (n + 8 >= cap)
		return LE_ERANGE;
	n += (size_t)snprintf(buf + n, cap - n, ",\"msg\":");
	if (!io_json_quote(ev->text, buf, cap, &n) || n + 2 > cap)
		return LE_ERANGE;
	buf[n++] = '}';
	buf[n] = '\0';
	return (int)n;
}
