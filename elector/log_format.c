/* leaselab — the words of the core's log outputs.
 *
 * The core queues codes plus arguments; text is made only here, when a driver
 * wants it. Three vocabularies: the contextual-logging texts of client-go
 * 1.35 and later (profile flag logs_structured: client-go-1.34 and
 * client-go-head), rendered as klog's text format prints them, a quoted
 * message and key="value" pairs in the call's order, with err= first for
 * logger.Error; the klog.Infof texts of 2016-2025 (the older client-go
 * profiles; their renew failure detail is the core's argument); and the
 * vendored 2016 code of leader-elector:0.5 (election-spec.md 5.4), typos
 * included, chosen by logs_2016. A message the profile's program never
 * printed renders as "" (length 0): the driver prints nothing.
 */
#include <stdio.h>

#include "leaselab/elector.h"

static bool words_of_05(const le_config *c)
{
	return c && c->profile && c->profile->logs_2016;
}

/* A klog text-format value: inside the quotes, " \\ and newlines are
 * escaped as Go's strconv.Quote does. Truncated to fit. */
static const char *quoted(const char *s, char *tmp, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 3 < cap; s++) {
		if (*s == '"' || *s == '\\') {
			tmp[n++] = '\\';
			tmp[n++] = *s;
		} else if (*s == '\n') {
			tmp[n++] = '\\';
			tmp[n++] = 'n';
		} else {
			tmp[n++] = *s;
		}
	}
	tmp[n] = '\0';
	return tmp;
}

/* client-go 1.35+: logger.Info(msg, "lock", desc, ...). */
static int structured(const le_log *log, const char *ns, const char *nm,
		      const char *raw_arg, char *buf, size_t cap)
{
	char tmp[1024];
	const char *arg = quoted(raw_arg, tmp, sizeof tmp);
	switch (log->msg) {
	case LE_MSG_ATTEMPTING_ACQUIRE:
		return snprintf(buf, cap, "\"Attempting to acquire leader lease...\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_ACQUIRED:
		return snprintf(buf, cap, "\"Successfully acquired lease\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_FAILED_ACQUIRE:
		return snprintf(buf, cap, "\"Failed to acquire lease\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_RENEWED:
		return snprintf(buf, cap, "\"Successfully renewed lease\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_FAILED_RENEW:
		return snprintf(buf, cap, "\"Failed to renew lease\" lock=\"%s/%s\" err=\"%s\"", ns, nm, arg);
	case LE_MSG_HELD_BY:
		return snprintf(buf, cap, "\"Lease is held by and has not yet expired\" lock=\"%s/%s\" holder=\"%s\"", ns, nm, arg);
	case LE_MSG_FAST_PATH_FAILED:
		return snprintf(buf, cap, "\"Failed to update lease optimistically, falling back to slow path\" lock=\"%s/%s\" err=\"%s\"", ns, nm, arg);
	case LE_MSG_GET_ERROR:
		return snprintf(buf, cap, "\"Error retrieving lease lock\" err=\"%s\" lock=\"%s/%s\"", arg, ns, nm);
	case LE_MSG_CREATE_ERROR:
		return snprintf(buf, cap, "\"Error initially creating lease lock\" err=\"%s\" lock=\"%s/%s\"", arg, ns, nm);
	case LE_MSG_UPDATE_ERROR:
		return snprintf(buf, cap, "\"Failed to update lease\" err=\"%s\" lock=\"%s/%s\"", arg, ns, nm);
	case LE_MSG_RELEASE_CONFLICT:
		return snprintf(buf, cap, "\"Conflict when releasing lease, retrying\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_RELEASE_FAILED:
		return snprintf(buf, cap, "\"Failed to release lease\" err=\"%s\" lock=\"%s/%s\"", arg, ns, nm);
	case LE_MSG_LEASE_NOT_FOUND:
		return snprintf(buf, cap, "\"Lease lock not found\" lock=\"%s/%s\" err=\"%s\"", ns, nm, arg);
	case LE_MSG_LEASE_EXPIRED:
		return snprintf(buf, cap, "\"Lease has expired\" lock=\"%s/%s\"", ns, nm);
	case LE_MSG_HELD_COORDINATED:
		return snprintf(buf, cap, "\"Lease is held and has not yet expired\" lock=\"%s/%s\" holder=\"%s\"", ns, nm, arg);
	case LE_MSG_END_OF_TERM:
		return snprintf(buf, cap, "\"Lease is marked as 'end of term'\" lock=\"%s/%s\"", ns, nm);
	default:
		return -2; /* ours, not upstream's: the common words below */
	}
}

int le_log_format(const struct le_elector *e, const le_log *log, char *buf,
		  size_t cap)
{
	if (!buf || cap == 0)
		return 0;
	buf[0] = '\0';
	if (!log)
		return 0;
	const le_config *c = e ? le_elector_config(e) : NULL;
	const char *ns = c && c->lock_namespace ? c->lock_namespace : "";
	const char *nm = c && c->lock_name ? c->lock_name : "";
	const char *arg = log->arg ? log->arg : "";
	bool v05 = words_of_05(c);
	int n = 0;

	if (c && c->profile && c->profile->logs_structured) {
		n = structured(log, ns, nm, arg, buf, cap);
		if (n != -2)
			goto out;
		n = 0;
	}
	switch (log->msg) {
	case LE_MSG_ATTEMPTING_ACQUIRE:
		if (!v05)
			n = snprintf(buf, cap, "attempting to acquire leader lease %s/%s...", ns, nm);
		break;
	case LE_MSG_ACQUIRED:
		n = snprintf(buf, cap, "%s acquired lease %s/%s",
			     v05 ? "sucessfully" : "successfully", ns, nm);
		break;
	case LE_MSG_FAILED_ACQUIRE: /* 0.5's acquire said "renew" */
		n = snprintf(buf, cap, "failed to %s lease %s/%s",
			     v05 ? "renew" : "acquire", ns, nm);
		break;
	case LE_MSG_RENEWED:
		n = snprintf(buf, cap, "%s renewed lease %s/%s",
			     v05 ? "succesfully" : "successfully", ns, nm);
		break;
	case LE_MSG_FAILED_RENEW:
		if (v05)
			n = snprintf(buf, cap, "failed to renew lease %s/%s", ns, nm);
		else
			n = snprintf(buf, cap, "failed to renew lease %s/%s: %s", ns, nm, arg);
		break;
	case LE_MSG_HELD_BY:
		n = snprintf(buf, cap, "lock is held by %s and has not yet expired", arg);
		break;
	case LE_MSG_FAST_PATH_FAILED: /* 1.30-1.32 spelled it so */
		n = snprintf(buf, cap,
			     "Failed to update lock optimitically: %s, falling back to slow path",
			     arg);
		break;
	case LE_MSG_GET_ERROR:
		if (v05)
			n = snprintf(buf, cap, "error retrieving endpoint: %s", arg);
		else
			n = snprintf(buf, cap, "error retrieving resource lock %s/%s: %s", ns, nm, arg);
		break;
	case LE_MSG_CREATE_ERROR:
		n = snprintf(buf, cap, "error initially creating %s: %s",
			     v05 ? "endpoints" : "leader election record", arg);
		break;
	case LE_MSG_UPDATE_ERROR:
		n = snprintf(buf, cap, "%s%s", v05 ? "err: " : "Failed to update lock: ", arg);
		break;
	case LE_MSG_RELEASE_CONFLICT:
		n = snprintf(buf, cap, "Conflict when releasing lease, retrying");
		break;
	case LE_MSG_RELEASE_FAILED:
		n = snprintf(buf, cap, "Failed to release lock: %s", arg);
		break;
	case LE_MSG_RELEASED:
		n = snprintf(buf, cap, "released lease %s/%s", ns, nm);
		break;
	case LE_MSG_IS_THE_LEADER:
		n = snprintf(buf, cap, "%s is the leader", arg);
		break;
	case LE_MSG_REQUEST_ABORTED:
		n = snprintf(buf, cap, "request aborted: %s", arg);
		break;
	case LE_MSG_STARTUP_FAILED: /* election/example/main.go's glog.Fatalf */
		n = snprintf(buf, cap, "failed to create election: %s", arg);
		break;
	case LE_MSG_GET_LEADER_FAILED: /* election/lib's OnStoppedLeading */
		n = snprintf(buf, cap, "failed to get leader: %s", arg);
		break;
	case LE_MSG_LEASE_NOT_FOUND: /* client-go 1.31-1.34 klog.Infof */
		n = snprintf(buf, cap, "lease lock not found: %s/%s", ns, nm);
		break;
	case LE_MSG_LEASE_EXPIRED:
		n = snprintf(buf, cap, "lock has expired: %s/%s", ns, nm);
		break;
	case LE_MSG_HELD_COORDINATED:
		n = snprintf(buf, cap, "lock is held by %s and has not yet expired: %s/%s", arg, ns, nm);
		break;
	case LE_MSG_END_OF_TERM:
		n = snprintf(buf, cap, "lock is marked as 'end of term': %s/%s", ns, nm);
		break;
	case LE_MSG_DUPLICATE_IDENTITY: /* ours: neither program warned */
		n = snprintf(buf, cap,
			     "duplicate identity: lock %s/%s shows holder %s renewed at %s by a "
			     "write this process did not make; another process runs with the same "
			     "identity and both act as leader (give each one a unique --id)",
			     ns, nm, c && c->identity ? c->identity : "", arg);
		break;
	}
out:
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n >= cap ? (int)(cap - 1) : n;
}
