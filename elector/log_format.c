/* leaselab — the words of the core's log outputs.
 *
 * The core queues codes plus arguments; text is made only here, when a driver
 * wants it. Two vocabularies: client-go's (the "client-go" and
 * "client-go-2018" profiles; their wording differs only in the renew failure
 * detail, which the core passes as the argument), and the vendored 2016 code
 * of leader-elector:0.5 (election-spec.md 5.4), typos included, chosen by
 * the profile flag logs_2016. A message the profile's
 * program never printed renders as "" (length 0): the driver prints nothing.
 */
#include <stdio.h>

#include "leaselab/elector.h"

static bool words_of_05(const le_config *c)
{
	return c && c->profile && c->profile->logs_2016;
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
	case LE_MSG_FAST_PATH_FAILED:
		n = snprintf(buf, cap,
			     "Failed to update lease optimistically, falling back to slow path: %s",
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
		n = snprintf(buf, cap, "Failed to release lease: %s", arg);
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
	case LE_MSG_DUPLICATE_IDENTITY: /* ours: neither program warned */
		n = snprintf(buf, cap,
			     "duplicate identity: lock %s/%s shows holder %s renewed at %s by a "
			     "write this process did not make; another process runs with the same "
			     "identity and both act as leader (give each one a unique --id)",
			     ns, nm, c && c->identity ? c->identity : "", arg);
		break;
	}
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n >= cap ? (int)(cap - 1) : n;
}
