/* sim/live/live.c — `bin/sim live`: one scenario file against real
 * processes in real time (docs/live.md).
 *
 *   bin/sim live SCENARIO.yaml [--elector 'TEMPLATE'] [--time-scale F]
 *                [--runs N] [--out DIR] [--leader-regex RE]
 *                [--follower-regex RE] [--new-leader-regex RE]
 *                [--status-url TEMPLATE] [--startup-timeout D]
 *
 * A run: a temporary folder, bin/fake-apiserver on 127.0.0.1 (one token and
 * kubeconfig per pod), one process group per pod started on the scenario's
 * schedule, the scenario's faults carried out for real at their (scaled)
 * times, every observation stamped on the harness's CLOCK_MONOTONIC. At the
 * end the apiserver's committed writes are merged in and the history goes
 * to the simulator's checker and report writer (sim_check, rep_write_run):
 * one judge for both drivers. Everything started is stopped and the folder
 * removed on every way out, SIGINT and SIGTERM included.
 *
 * This file owns the command line: the flags, the scenario scaled by
 * --time-scale and refused where it cannot be done live, the signal
 * handler, and --runs. A run itself is live_run.c and the files named in
 * live_run.h. */

/* Messages and paths are bounded on purpose (LV_ERR_MAX, SIM_PATH_MAX): a
 * cut message is better than an unbounded one. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "leaselab/internal/live.h"
#include "live_run.h"
#include "../args.h"

#define MAX_RUNS 1000

volatile sig_atomic_t lv_stop_signal;

static void on_stop_signal(int sig)
{
	lv_stop_signal = sig;
}

static const char usage_text[] =
	"usage: bin/sim live SCENARIO.yaml [--elector 'TEMPLATE'] [--time-scale F]\n"
	"                   [--runs N] [--out DIR] [--leader-regex RE]\n"
	"                   [--follower-regex RE] [--new-leader-regex RE]\n"
	"                   [--status-url TEMPLATE] [--startup-timeout D]\n"
	"\n"
	"Run the scenario against real processes (bin/elector by default) and a\n"
	"real bin/fake-apiserver on 127.0.0.1, with real signals and libfaketime\n"
	"clocks; judge the history with the simulator's checker (docs/live.md).\n"
	"\n"
	"  --elector TEMPLATE     command per pod, run by /bin/sh; placeholders {id}\n"
	"                         {kubeconfig} {server} {token} {namespace} {name}\n"
	"                         {lease_duration} {renew_deadline} {retry_period}\n"
	"                         (seconds as decimals); needs --leader-regex or\n"
	"                         --status-url\n"
	"  --time-scale F         scale every duration of the scenario (0 < F <= 10)\n"
	"  --runs N               repeat; print the live failover distribution beside\n"
	"                         the simulator's for the same settings\n"
	"  --out DIR              DIR/run-K/history.jsonl, the reports, DIR/live.md\n"
	"  --leader-regex RE      a line matching RE: the pod started leading\n"
	"  --follower-regex RE    a line matching RE: the pod stopped leading\n"
	"  --new-leader-regex RE  group 1 of a match: the leader the pod now reports\n"
	"  --status-url TEMPLATE  poll {\"name\": ...} (the 0.5 sidecar's /) per pod\n"
	"  --startup-timeout D    how long to wait for the first leader (default 10s)\n"
	"\n"
	"Exit: as bin/sim run (0 pass, 1 safety, 2 liveness, 3 bad input,\n"
	"4 internal error, a clock fault that did not bite, or interrupted).\n";

static int64_t scale_ns(int64_t ns, double f)
{
	if (ns <= 0 || ns == INT64_MAX)
		return ns;
	double v = (double)ns * f;
	return v >= 9e18 ? INT64_MAX : (int64_t)llround(v);
}

static void scale_latency(fa_latency *l, double f)
{
	l->a_ns = scale_ns(l->a_ns, f);
	l->b_ns = scale_ns(l->b_ns, f);
}

static void scale_election(sim_election *e, double f)
{
	e->lease_duration_ns = scale_ns(e->lease_duration_ns, f);
	e->renew_deadline_ns = scale_ns(e->renew_deadline_ns, f);
	e->retry_period_ns = scale_ns(e->retry_period_ns, f);
	e->request_timeout_ns = scale_ns(e->request_timeout_ns, f);
}

/* Every duration, not clock offsets or steps (a -30 s offset is a clock
 * reading, not a span of the run) and not rates. */
static void scale_scenario(sim_scenario *sc, double f)
{
	if (f == 1.0)
		return;
	sc->duration_ns = scale_ns(sc->duration_ns, f);
	scale_election(&sc->defaults, f);
	scale_latency(&sc->latency_to, f);
	scale_latency(&sc->latency_from, f);
	for (size_t i = 0; i < sc->npods; i++) {
		sim_pod_spec *p = &sc->pods[i];
		scale_election(&p->election, f);
		p->start_ns = scale_ns(p->start_ns, f);
		p->grace_period_ns = scale_ns(p->grace_period_ns, f);
		p->replacement_start_ns = scale_ns(p->replacement_start_ns, f);
		p->work_period_ns = scale_ns(p->work_period_ns, f);
		p->stop_delay_ns = scale_ns(p->stop_delay_ns, f);
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		sim_fault *x = &sc->faults[i];
		x->at_ns = scale_ns(x->at_ns, f);
		x->duration_ns = scale_ns(x->duration_ns, f);
		scale_latency(&x->latency, f);
		if (x->grace_period_ns > 0)
			x->grace_period_ns = scale_ns(x->grace_period_ns, f);
		scale_latency(&x->apiserver.request_latency, f);
		scale_latency(&x->apiserver.response_latency, f);
		x->apiserver.commit_delay_ns = scale_ns(x->apiserver.commit_delay_ns, f);
	}
	sc->expect.failover_max_ns = scale_ns(sc->expect.failover_max_ns, f);
	sc->expect.leaderless_max_ns = scale_ns(sc->expect.leaderless_max_ns, f);
	sc->expect.liveness_within_ns = scale_ns(sc->expect.liveness_within_ns, f);
}

static bool needs_clock(const sim_scenario *sc)
{
	for (size_t i = 0; i < sc->npods; i++)
		if (sc->pods[i].clock_offset_ns || sc->pods[i].clock_rate_ppm)
			return true;
	for (size_t i = 0; i < sc->nfaults; i++)
		if (sc->faults[i].action == SIM_ACT_CLOCK_RATE)
			return true;
	return false;
}

/* Features the simulator models that a real process cannot be made to do;
 * each refusal says why (docs/live.md, "What cannot be done live"). */
static int check_feasible(const sim_scenario *sc, const lv_opts *o, char *err,
			  size_t errcap)
{
	if (sc->timing.present) {
		snprintf(err, errcap, "%s: timing: replays the simulator's own timing "
			 "choices (docs/prove.md); real processes draw their own "
			 "jitter and the kernel its latencies, so it cannot be run "
			 "live (drop the timing: block)", sc->file);
		return LE_EINVAL;
	}
	if (sc->controller.present) {
		snprintf(err, errcap, "%s: controller: sets the simulated election "
			 "controller's clock and latency; bin/fake-apiserver's "
			 "controller runs on real time, so it cannot be run live yet "
			 "(docs/coordinated.md, \"Not built yet\")", sc->file);
		return LE_EINVAL;
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		const sim_fault *f = &sc->faults[i];
		if (f->action == SIM_ACT_TIME_SKEW) {
			snprintf(err, errcap, "%s:%d: fault '%s': time-skew cannot be done "
				 "live: libfaketime steps CLOCK_MONOTONIC together with the "
				 "wall clock, and FAKETIME_DONT_FAKE_MONOTONIC makes absolute "
				 "monotonic waits return at once (docs/live.md, \"Clocks\")",
				 sc->file, f->line, f->label);
			return LE_EINVAL;
		}
		if (f->action >= SIM_ACT_DELETE_CANDIDATE) {
			snprintf(err, errcap, "%s:%d: fault '%s': %s cannot be done "
				 "live yet: the live driver has no hook into the fake "
				 "apiserver's election controller or its LeaseCandidates "
				 "(docs/coordinated.md, \"Not built yet\")",
				 sc->file, f->line, f->label,
				 sim_fault_action_name(f->action));
			return LE_EINVAL;
		}
	}
	for (size_t i = 0; i < sc->npods; i++) {
		const sim_pod_spec *p = &sc->pods[i];
		if (p->work_period_ns > 0 || p->stop_delay_ns > 0) {
			snprintf(err, errcap, "%s: pods[%zu] (%s): %s is simulated user "
				 "code; a live pod runs its own, so the scenario cannot be "
				 "run live", sc->file, i, p->name,
				 p->work_period_ns > 0 ? "guarded work (workPeriod)" : "stopDelay");
			return LE_EINVAL;
		}
		if (o->elector_tpl && p->identity && p->identity[0] && strcmp(p->identity, p->name) &&
		    !strstr(o->elector_tpl, "{id}")) {
			snprintf(err, errcap, "--elector: the template has no {id}, but "
				 "pods[%zu] (%s) needs the identity '%s'", i, p->name,
				 p->identity);
			return LE_EINVAL;
		}
	}
	return LE_OK;
}

static int check_template(const char *tpl, const lv_opts *o, char *err, size_t errcap)
{
	static const char *const known[] = {"{id}", "{kubeconfig}", "{server}",
		"{token}", "{namespace}", "{name}", "{lease_duration}",
		"{renew_deadline}", "{retry_period}"};
	for (const char *p = strchr(tpl, '{'); p; p = strchr(p + 1, '{')) {
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= strncmp(p, known[i], strlen(known[i])) == 0;
		if (!ok) {
			const char *e = strchr(p, '}');
			snprintf(err, errcap, "--elector: unknown placeholder '%.*s' (known: "
				 "{id} {kubeconfig} {server} {token} {namespace} {name} "
				 "{lease_duration} {renew_deadline} {retry_period})",
				 e ? (int)(e - p + 1) : (int)strlen(p), p);
			return LE_EINVAL;
		}
	}
	if (!strstr(tpl, "{kubeconfig}") &&
	    !(strstr(tpl, "{server}") && strstr(tpl, "{token}"))) {
		snprintf(err, errcap, "--elector: the template needs {kubeconfig}, or "
			 "{server} and {token}: each pod must reach the fake apiserver "
			 "with its own token");
		return LE_EINVAL;
	}
	static const char *const timing[] = {"{lease_duration}", "{renew_deadline}",
					     "{retry_period}"};
	for (size_t i = 0; i < 3; i++)
		if (!strstr(tpl, timing[i])) {
			snprintf(err, errcap, "--elector: the template has no %s: the "
				 "checker's bounds come from the scenario's settings, so the "
				 "elector must be given them", timing[i]);
			return LE_EINVAL;
		}
	if (!o->leader_re && !o->status_url) {
		snprintf(err, errcap, "--elector: a foreign elector needs --leader-regex "
			 "(and --follower-regex) or --status-url to be observed");
		return LE_EINVAL;
	}
	if (o->status_url && !strstr(tpl, "{id}")) {
		snprintf(err, errcap, "--status-url: the template needs {id} so that the "
			 "leader named by the URL can be matched to the pod");
		return LE_EINVAL;
	}
	return LE_OK;
}

static int parse(int argc, char **argv, lv_opts *o)
{
	o->scale = 1.0;
	o->runs = 1;
	o->startup_timeout_ns = 10 * LE_NS_PER_S;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return SIM_EXIT_PASS;
		}
		static const char *const with_value[] = {"--elector", "--time-scale",
			"--runs", "--out", "--leader-regex", "--follower-regex",
			"--new-leader-regex", "--status-url", "--startup-timeout"};
		const char *flag = NULL;
		for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
			if (sim__flag_is(a, with_value[k]))
				flag = with_value[k];
		if (!flag) {
			if (a[0] == '-')
				return sim__bad_flag("live", "unknown flag '%s'", a);
			if (o->file)
				return sim__bad_flag("live", "one scenario file per live run; '%s' is a second", a);
			o->file = a;
			continue;
		}
		if (!(v = sim__flag_value(argc, argv, &i, flag)) || !*v)
			return sim__bad_flag("live", "%s: missing value", flag);
		char *end;
		if (!strcmp(flag, "--elector")) {
			o->elector_tpl = v;
		} else if (!strcmp(flag, "--time-scale")) {
			o->scale = strtod(v, &end);
			if (*end || !(o->scale > 0 && o->scale <= 10))
				return sim__bad_flag("live", "--time-scale: expected a factor in (0, 10], got '%s'", v);
		} else if (!strcmp(flag, "--runs")) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > MAX_RUNS)
				return sim__bad_flag("live", "--runs: expected a count from 1 to 1000, got '%s'", v);
			o->runs = (int)n;
		} else if (!strcmp(flag, "--out")) {
			o->out_dir = v;
		} else if (!strcmp(flag, "--leader-regex")) {
			o->leader_re = v;
		} else if (!strcmp(flag, "--follower-regex")) {
			o->follower_re = v;
		} else if (!strcmp(flag, "--new-leader-regex")) {
			o->new_leader_re = v;
		} else if (!strcmp(flag, "--status-url")) {
			o->status_url = v;
		} else {
			char err[128];
			if (le_parse_duration(v, &o->startup_timeout_ns, err, sizeof err) != LE_OK ||
			    o->startup_timeout_ns <= 0)
				return sim__bad_flag("live", "--startup-timeout: expected a duration such as 10s, got '%s'", v);
		}
	}
	if (!o->file)
		return sim__bad_flag("live", "no scenario file given");
	if (!o->elector_tpl && (o->leader_re || o->follower_re || o->status_url))
		return sim__bad_flag("live", "%s needs --elector: bin/elector is observed through its JSON "
			   "events", o->leader_re ? "--leader-regex" : o->follower_re
			   ? "--follower-regex" : "--status-url");
	return -1;
}

int sim_live_main(int argc, char **argv, const char *argv0)
{
	lv_opts o = {.argv0 = argv0};
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (!sim__self_dir(argv0, o.bindir, sizeof o.bindir)) {
		fprintf(stderr, "sim live: this program's directory is too long a path\n");
		return SIM_EXIT_INTERNAL;
	}
	sim_scenario sc;
	char err[LE_ERRMSG_MAX * 2] = "";
	if (sim_scenario_load(o.file, &sc, err, sizeof err) != LE_OK) {
		fprintf(stderr, "%s\n", err[0] ? err : o.file);
		return SIM_EXIT_BAD_INPUT;
	}
	if (!sc.file[0])
		snprintf(sc.file, sizeof sc.file, "%s", o.file);
	if (!sc.name[0])
		snprintf(sc.name, sizeof sc.name, "%s", o.file);
	scale_scenario(&sc, o.scale);
	char desc[SIM_TEXT_MAX];
	snprintf(desc, sizeof desc, "[live run, time scale %g: every duration x%g] %s",
		 o.scale, o.scale, sc.description);
	snprintf(sc.description, sizeof sc.description, "%s", desc);
	const char *ftlib = NULL;
	int code = SIM_EXIT_PASS;
	if ((o.elector_tpl && check_template(o.elector_tpl, &o, err, sizeof err) != LE_OK) ||
	    check_feasible(&sc, &o, err, sizeof err) != LE_OK ||
	    (needs_clock(&sc) && !(ftlib = lv_faketime_lib(err, sizeof err)))) {
		fprintf(stderr, "sim live: %s\n", err);
		code = SIM_EXIT_BAD_INPUT;
	}
	if (code == SIM_EXIT_PASS && ftlib) {
		char prog[SIM_PATH_MAX];
		if (o.elector_tpl)
			snprintf(prog, sizeof prog, "%.*s", (int)strcspn(o.elector_tpl, " \t"),
				 o.elector_tpl);
		else
			snprintf(prog, sizeof prog, "%s/elector", o.bindir);
		if (!lv_preload_reaches(prog, err, sizeof err)) {
			fprintf(stderr, "sim live: %s\n", err);
			code = SIM_EXIT_BAD_INPUT;
		}
	}
	if (code != SIM_EXIT_PASS) {
		sim_scenario_free(&sc);
		return code;
	}
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	struct sigaction old_int, old_term;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("# live: %s live %s --time-scale %g%s%s\n", argv0, sc.file, o.scale,
	       o.elector_tpl ? " --elector " : "", o.elector_tpl ? o.elector_tpl : "");
	fflush(stdout);
	lv_dist live = {0};
	int worst = SIM_EXIT_PASS, passed = 0;
	for (int k = 0; k < o.runs && !lv_stop_signal; k++) {
		lv_run_out out;
		lv_run_once(&o, &sc, k, ftlib, &out);
		if (out.code == SIM_EXIT_PASS)
			passed++;
		else if (sim__exit_rank(out.code) > sim__exit_rank(worst))
			worst = out.code;
		if (out.code == SIM_EXIT_PASS || out.code == SIM_EXIT_SAFETY ||
		    out.code == SIM_EXIT_LIVENESS)
			lv_dist_add_result(&live, &out.result);
		sim_check_result_free(&out.result);
		if (worst == SIM_EXIT_BAD_INPUT || worst == SIM_EXIT_INTERNAL)
			break;
	}
	if (lv_stop_signal && worst == SIM_EXIT_PASS)
		worst = SIM_EXIT_INTERNAL;
	if (o.runs > 1) {
		printf("%s: %d/%d live runs passed\n", sc.name, passed, o.runs);
		lv_compare_with_sim(&o, &sc, &live);
	}
	free(live.v);
	curl_global_cleanup();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sim_scenario_free(&sc);
	return worst;
}
