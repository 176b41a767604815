/* bin/elector: the leader election sidecar, a drop-in for
 * k8s.gcr.io/leader-elector:0.5 (docs/sidecar.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/sidecar.h"
#include "leaselab/kube.h"
#include "leaselab/run.h"

typedef struct sidecar {
	bool json;
	long pid;
} sidecar;

/* Text: 0.5 printed "<id> is the leader" bare on stdout (its leader
 * callback; the sidecar-0.5 profile reports that as NEW_LEADER) and
 * everything else as glog lines on stderr. JSON: every event as one line on
 * stdout. */
static void on_event(const le_event *ev, void *user)
{
	sidecar *s = user;
	char line[4096];
	if (s->json) {
		if (le_event_format_json(ev, line, sizeof line) > 0)
			printf("%s\n", line);
		return;
	}
	if (ev->kind == LE_EV_NEW_LEADER) {
		printf("%s\n", ev->text);
		return;
	}
	if (ev->kind == LE_EV_LOG && ev->msg == LE_MSG_IS_THE_LEADER)
		return; /* the NEW_LEADER event printed it */
	le_event_format_text(ev, s->pid, line, sizeof line);
	fprintf(stderr, "%s\n", line);
}

static int fail(int code, const char *msg)
{
	fprintf(stderr, "elector: %s\n", msg);
	return code;
}

int main(int argc, char **argv)
{
	char err[LE_ERRMSG_MAX * 2];
	le_sidecar_opts o;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (le_sidecar_parse(argc, argv, NULL, &o, err, sizeof err) != LE_OK)
		return fail(LE_EXIT_BAD_INPUT, err);
	if (o.help) {
		for (const char *const *p = le_sidecar_help(); *p; p++)
			fputs(*p, stdout);
		return LE_EXIT_OK;
	}
	if (o.profile_help) { /* one line each: name, then what it is */
		for (size_t i = 0; le_profile_at(i); i++)
			printf("%s\n", le_profile_at(i)->name);
		const le_profile *to;
		const char *alias;
		for (size_t i = 0; (alias = le_profile_alias_at(i, &to)); i++)
			printf("%s (alias of %s)\n", alias, to->name);
		return LE_EXIT_OK;
	}
	if (o.version) {
		puts("elector (leaselab) 1");
		return LE_EXIT_OK;
	}

	le_run_config rc;
	le_run_config_defaults(&rc);
	if (le_sidecar_config(&o, &rc.elector, err, sizeof err) != LE_OK)
		return fail(LE_EXIT_BAD_INPUT, err);

	le_kube_load_opts lo;
	le_kube_config kube;
	le_kube_load_opts_from_env(&lo);
	lo.in_cluster = o.use_cluster_credentials;
	lo.kubeconfig = o.kubeconfig;
	lo.context = o.context;
	if (le_kube_config_load(&lo, &kube, err, sizeof err) != LE_OK)
		return fail(LE_EXIT_BAD_INPUT, err);

	sidecar s = {o.log_json, (long)getpid()};
	rc.kube = &kube;
	rc.http_addr = o.http;
	rc.healthz_tolerance_ns = o.healthz_tolerance_ns;
	rc.handle_signals = true;
	rc.restart_after_loss = true;
	rc.verbosity = o.verbosity;
	rc.callbacks.on_event = on_event;
	rc.callbacks.user = &s;
	le_cand_config cand;
	if (o.coordinated) {
		le_sidecar_candidate(&o, &cand);
		rc.candidate = &cand;
		rc.candidate_api_version = o.candidate_api_version;
	}

	le_runner *r = le_runner_new(&rc, err, sizeof err);
	le_kube_config_free(&kube);
	if (!r)
		return fail(LE_EXIT_BAD_INPUT, err); /* bad timing, address or port in use */

	/* In a pod the hostname is the pod's name; on one host, every elector
	 * started without --id gets the same identity and they all lead. The
	 * core warns when it sees that happen (duplicate identity); this says
	 * where the identity came from before it does. */
	if (o.id_from_hostname)
		fprintf(stderr,
			"elector: no --id: the identity is the hostname \"%s\"; run several on "
			"one host only with a unique --id each\n",
			o.id);
	char warning[512];
	le_sidecar_timing_warning(&rc.elector, warning, sizeof warning);
	if (*warning)
		fprintf(stderr, "elector: %s\n", warning);

	int ret = le_runner_run(r, err, sizeof err);
	le_runner_free(r);
	if (ret == LE_ESTATE)		 /* --profile=sidecar-0.5: its startup failed; */
		return LE_EXIT_FATAL_05; /* the F line is logged, 0.5 exits 255 */
	if (ret != LE_OK)
		return fail(LE_EXIT_RUNTIME, err);
	return LE_EXIT_OK;
}
