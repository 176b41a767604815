/* The article's embedded leader election (client-go, Go) as a C program on
 * leaselab's API: a random UUID identity, Lease default/my-lease, 15s / 10s
 * / 2s, and the article's four messages. Run three copies; stop the leader;
 * another takes over.
 *
 *   bin/embedded [--kubeconfig PATH] [--context NAME]
 *                [--lease-duration 15s] [--renew-deadline 10s]
 *                [--retry-period 2s] [--business-every 5s]
 *
 * Without --kubeconfig it finds the cluster as kubectl does ($KUBECONFIG,
 * ~/.kube/config, the pod's service account). SIGTERM or Ctrl-C releases
 * the lease and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "leaselab/kube.h"
#include "leaselab/run.h"

/* OnStartedLeading: runs in its own thread while this process leads.
 * le_ctx_wait sleeps one period, or returns true at once when leadership
 * ends: the leader's work stops promptly. */
static void run_business(le_leader_ctx *ctx, void *user)
{
	const int64_t *every_ns = user;
	while (!le_ctx_wait(ctx, *every_ns))
		puts("leader run business");
}

static void leader_stopped(void *user)
{
	(void)user;
	puts("leader stopped");
}

static void new_leader(const char *identity, void *user)
{
	(void)user;
	printf("current leader id: %s\n", identity);
}

static void print_errors(const le_event *ev, void *user)
{
	(void)user;
	if (ev->is_error)
		fprintf(stderr, "%s\n", ev->text);
}

static int uuid4(char out[37])
{
	unsigned char b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}

static int usage(const char *msg)
{
	fprintf(stderr,
		"embedded: %s\nusage: embedded [--kubeconfig PATH] [--context NAME] "
		"[--lease-duration D] "
		"[--renew-deadline D] [--retry-period D] [--business-every D]\n",
		msg);
	return 3;
}

int main(int argc, char **argv)
{
	char id[37], err[1024];
	le_run_config rc;
	le_kube_load_opts lo;
	le_kube_config kube;
	int64_t business_every_ns = 5 * LE_NS_PER_S;

	setvbuf(stdout, NULL, _IOLBF, 0);
	le_run_config_defaults(&rc); /* Lease lock, 15s / 10s / 2s */
	le_kube_load_opts_from_env(&lo);
	for (int i = 1; i < argc; i++) { /* --name value or --name=value */
		char flag[64];
		const char *eq = strchr(argv[i], '=');
		const char *v;
		snprintf(flag, sizeof flag, "%.*s", eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]),
			 argv[i]);
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return usage("a flag needs a value");
		int64_t *d = !strcmp(flag, "--lease-duration")	 ? &rc.elector.lease_duration_ns
			     : !strcmp(flag, "--renew-deadline") ? &rc.elector.renew_deadline_ns
			     : !strcmp(flag, "--retry-period")	 ? &rc.elector.retry_period_ns
			     : !strcmp(flag, "--business-every") ? &business_every_ns
								 : NULL;
		if (!strcmp(flag, "--kubeconfig"))
			lo.kubeconfig = v;
		else if (!strcmp(flag, "--context"))
			lo.context = v;
		else if (!d)
			return usage("unknown flag");
		else if (le_parse_duration(v, d, err, sizeof err) != LE_OK)
			return usage(err);
	}

	if (uuid4(id) != 0)
		return usage("no randomness for the identity");
	printf("I'm %s\n", id);

	if (le_kube_config_load(&lo, &kube, err, sizeof err) != LE_OK)
		return usage(err);

	rc.elector.identity = id;
	rc.elector.lock_kind = LE_LOCK_LEASES;
	rc.elector.lock_namespace = "default";
	rc.elector.lock_name = "my-lease";
	rc.kube = &kube;
	rc.callbacks.on_started_leading = run_business;
	rc.callbacks.on_stopped_leading = leader_stopped;
	rc.callbacks.on_new_leader = new_leader;
	rc.callbacks.on_event = print_errors;
	rc.callbacks.user = &business_every_ns;
	rc.handle_signals = true;

	int ret = le_run(&rc, err, sizeof err);
	le_kube_config_free(&kube);
	if (ret != LE_OK)
		return usage(err);
	return 0;
}
