/* Scenario files: every field of the format, the defaults, per-pod
 * overrides, replicas, each fault action, a table of bad inputs with the exact
 * file:line:column and key of the error, and every file under scenarios/. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../sim/scenario_int.h"
#include "leaselab/sim.h"

#define S LE_NS_PER_S
#define MS LE_NS_PER_MS

static int parse(const char *yaml, sim_scenario *s, char *err, size_t cap)
{
	return sim_scenario_parse(yaml, strlen(yaml), "t.yaml", s, err, cap);
}

/* Parse text that must be valid; fails the test with the error otherwise. */
static void parse_ok(const char *yaml, sim_scenario *s)
{
	char err[1024] = "";
	int rc = parse(yaml, s, err, sizeof err);
	if (rc != LE_OK)
		fail_msg("unexpected error: %s", err);
}

/* ---- a full example ------------------------------------------------------- */

static const char full_yaml[] =
	"name: full\n"
	"description: every key once\n"
	"duration: 2m\n"
	"seed: 42\n"
	"election:\n"
	"  profile: sidecar-0.5\n"
	"  lock: endpoints\n"
	"  namespace: kube-system\n"
	"  name: elect-nginx-deploy\n"
	"  leaseDuration: 12s\n"
	"  renewDeadline: 6s\n"
	"  retryPeriod: 1500ms\n"
	"  requestTimeout: 3s\n"
	"  releaseOnCancel: true\n"
	"network:\n"
	"  latency: {to: 2ms, from: {min: 1ms, max: 3ms}}\n"
	"pods:\n"
	"  - name: a\n"
	"    identity: a_1234\n"
	"    start: 1.5s\n"
	"    clock: {offset: -3s, rate: 200ppm}\n"
	"    gracePeriod: 10s\n"
	"    ignoreSigterm: false\n"
	"    replacementStart: 4s\n"
	"    workPeriod: 500ms\n"
	"    stopDelay: 250ms\n"
	"  - name: b\n"
	"    clock: {rate: 0.5x}\n"
	"    election: {profile: client-go, leaseDuration: 15s, renewDeadline: 10s,\n"
	"               retryPeriod: 2s, requestTimeout: none, lock: leases}\n"
	"faults:\n"
	"  - action: partition\n"
	"    label: cut a off\n"
	"    at: 30s\n"
	"    duration: 20s\n"
	"    selector: {pods: [a, b], role: leader}\n"
	"    mode: fixed\n"
	"    value: \"1\"\n"
	"    direction: from\n"
	"    kind: blackhole\n"
	"expect:\n"
	"  maxLeaders: 2\n"
	"  failover: {max: 25s}\n"
	"  leaderless: 30s\n"
	"  liveness: {within: 40s}\n"
	"  stability: false\n"
	"  violation: safety\n";

static void test_full_example_sets_every_field(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok(full_yaml, &s);
	assert_string_equal(s.file, "t.yaml");
	assert_string_equal(s.name, "full");
	assert_string_equal(s.description, "every key once");
	assert_int_equal(s.duration_ns, 120 * S);
	assert_int_equal(s.seed, 42);

	const sim_election *d = &s.defaults;
	assert_ptr_equal(d->profile, &le_profile_sidecar_05);
	assert_int_equal(d->lock_kind, LE_LOCK_ENDPOINTS);
	assert_string_equal(d->lock_namespace, "kube-system");
	assert_string_equal(d->lock_name, "elect-nginx-deploy");
	assert_int_equal(d->lease_duration_ns, 12 * S);
	assert_int_equal(d->renew_deadline_ns, 6 * S);
	assert_int_equal(d->retry_period_ns, 1500 * MS);
	assert_int_equal(d->request_timeout_ns, 3 * S);
	assert_true(d->release_on_cancel);

	assert_int_equal(s.latency_to.kind, FA_LAT_FIXED);
	assert_int_equal(s.latency_to.a_ns, 2 * MS);
	assert_int_equal(s.latency_from.kind, FA_LAT_UNIFORM);
	assert_int_equal(s.latency_from.a_ns, 1 * MS);
	assert_int_equal(s.latency_from.b_ns, 3 * MS);

	assert_int_equal(s.npods, 2);
	const sim_pod_spec *a = &s.pods[0], *b = &s.pods[1];
	assert_string_equal(a->name, "a");
	assert_string_equal(a->identity, "a_1234");
	assert_int_equal(a->start_ns, 1500 * MS);
	assert_int_equal(a->clock_offset_ns, -3 * S);
	assert_int_equal(a->clock_rate_ppm, 200);
	assert_int_equal(a->grace_period_ns, 10 * S);
	assert_false(a->sigterm_ignored); /* explicit, despite sidecar-0.5 */
	assert_int_equal(a->replacement_start_ns, 4 * S);
	assert_int_equal(a->work_period_ns, 500 * MS);
	assert_int_equal(a->stop_delay_ns, 250 * MS);
	assert_ptr_equal(a->election.profile, &le_profile_sidecar_05);
	assert_int_equal(a->election.lease_duration_ns, 12 * S);

	assert_string_equal(b->identity, "");
	assert_int_equal(b->clock_rate_ppm, -500000);
	assert_ptr_equal(b->election.profile, &le_profile_client_go);
	assert_int_equal(b->election.lock_kind, LE_LOCK_LEASES);
	assert_int_equal(b->election.lease_duration_ns, 15 * S);
	assert_int_equal(b->election.request_timeout_ns, -1);
	/* Not overridden: inherited from the scenario's election. */
	assert_string_equal(b->election.lock_name, "elect-nginx-deploy");
	assert_true(b->election.release_on_cancel);
	assert_false(b->sigterm_ignored); /* client-go handles SIGTERM */

	assert_int_equal(s.nfaults, 1);
	const sim_fault *f = &s.faults[0];
	assert_int_equal(f->action, SIM_ACT_PARTITION);
	assert_string_equal(f->label, "cut a off");
	assert_int_equal(f->at_ns, 30 * S);
	assert_int_equal(f->duration_ns, 20 * S);
	assert_int_equal(f->nnames, 2);
	assert_string_equal(f->names[0], "a");
	assert_string_equal(f->names[1], "b");
	assert_int_equal(f->role, SIM_ROLE_LEADER);
	assert_int_equal(f->mode, SIM_MODE_FIXED);
	assert_int_equal(f->value, 1);
	assert_int_equal(f->direction, SIM_DIR_FROM);
	assert_int_equal(f->partition_kind, FA_PART_BLACKHOLE);
	assert_int_equal(f->line, 32);

	assert_int_equal(s.expect.max_leaders, 2);
	assert_int_equal(s.expect.failover_max_ns, 25 * S);
	assert_int_equal(s.expect.leaderless_max_ns, 30 * S);
	assert_int_equal(s.expect.liveness_within_ns, 40 * S);
	assert_true(s.expect.check_liveness);
	assert_false(s.expect.check_stability);
	assert_true(s.expect.expect_violation);
	assert_int_equal(s.expect.violation, SIM_INV_SAFETY);
	sim_scenario_free(&s);
	assert_null(s.pods);
	assert_null(s.faults);
}

/* ---- defaults -------------------------------------------------------------- */

static void test_minimal_scenario_gets_client_go_defaults(void **state)
{
	(void)state;
	sim_scenario s;
	char err[512];
	const char *y = "duration: 1m\npods:\n  - name: a\n";
	assert_int_equal(sim_scenario_parse(y, strlen(y), "dir/minimal.yaml", &s,
					    err, sizeof err),
			 LE_OK);
	assert_string_equal(s.name, "minimal"); /* from the file name */
	assert_int_equal(s.seed, 1);
	assert_string_equal(s.description, "");
	const sim_election *d = &s.defaults;
	assert_ptr_equal(d->profile, &le_profile_client_go);
	assert_int_equal(d->lock_kind, LE_LOCK_LEASES);
	assert_string_equal(d->lock_namespace, "default");
	assert_string_equal(d->lock_name, "leaselab");
	assert_int_equal(d->lease_duration_ns, 15 * S);
	assert_int_equal(d->renew_deadline_ns, 10 * S);
	assert_int_equal(d->retry_period_ns, 2 * S);
	assert_int_equal(d->request_timeout_ns, 0);
	assert_false(d->release_on_cancel);
	assert_int_equal(s.latency_to.kind, FA_LAT_NONE);
	assert_int_equal(s.latency_from.kind, FA_LAT_NONE);

	const sim_pod_spec *p = &s.pods[0];
	assert_int_equal(p->start_ns, 0);
	assert_int_equal(p->grace_period_ns, 30 * S);
	assert_int_equal(p->replacement_start_ns, 2 * S);
	assert_int_equal(p->clock_offset_ns, 0);
	assert_int_equal(p->clock_rate_ppm, 0);
	assert_false(p->sigterm_ignored);
	assert_int_equal(p->work_period_ns, 0);
	assert_int_equal(p->election.lease_duration_ns, 15 * S);

	assert_int_equal(s.nfaults, 0);
	assert_int_equal(s.expect.max_leaders, 1);
	assert_int_equal(s.expect.failover_max_ns, 0);
	assert_int_equal(s.expect.leaderless_max_ns, 0);
	assert_true(s.expect.check_liveness);
	assert_true(s.expect.check_stability);
	assert_false(s.expect.expect_violation);
	sim_scenario_free(&s);
}

static void test_sidecar_profile_defaults_to_ttl_10s_endpoints_and_ignored_sigterm(
	void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\nelection: {profile: sidecar-0.5}\npods: [{name: a}]\n",
		 &s);
	const sim_pod_spec *p = &s.pods[0];
	assert_int_equal(p->election.lease_duration_ns, 10 * S);
	assert_int_equal(p->election.renew_deadline_ns, 5 * S);
	assert_int_equal(p->election.retry_period_ns, 2500 * MS);
	assert_int_equal(p->election.lock_kind, LE_LOCK_ENDPOINTS);
	assert_true(p->sigterm_ignored);
	sim_scenario_free(&s);

	/* ttl: the sidecar's flag, LD = ttl, RD = ttl/2, RP = ttl/4. */
	parse_ok("duration: 1m\nelection: {profile: sidecar-0.5, ttl: 30s}\npods: [{name: a}]\n",
		 &s);
	assert_int_equal(s.pods[0].election.lease_duration_ns, 30 * S);
	assert_int_equal(s.pods[0].election.renew_deadline_ns, 15 * S);
	assert_int_equal(s.pods[0].election.retry_period_ns, 7500 * MS);
	sim_scenario_free(&s);
}

/* ---- per-pod overrides --------------------------------------------------------- */

static void test_per_pod_election_overrides_only_what_it_sets(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\n"
		 "election: {profile: client-go, leaseDuration: 20s, name: x, releaseOnCancel: true}\n"
		 "pods:\n"
		 "  - name: old\n"
		 "    election: {profile: client-go-2018}\n"
		 "  - name: new\n"
		 "  - name: quick\n"
		 "    election: {leaseDuration: 12s, releaseOnCancel: false}\n",
		 &s);
	assert_int_equal(s.npods, 3);
	const sim_election *old = &s.pods[0].election, *nw = &s.pods[1].election,
			   *quick = &s.pods[2].election;
	assert_ptr_equal(old->profile, &le_profile_client_go_2018);
	assert_int_equal(old->lease_duration_ns, 20 * S); /* inherited */
	assert_string_equal(old->lock_name, "x");
	/* Defaults come from the scenario's profile, not the pod's: the whole
	 * fleet competes for one Lease with one timing. */
	assert_int_equal(old->lock_kind, LE_LOCK_LEASES);
	assert_int_equal(old->renew_deadline_ns, 10 * S);
	assert_false(s.pods[0].sigterm_ignored);
	assert_ptr_equal(nw->profile, &le_profile_client_go);
	assert_int_equal(nw->lock_kind, LE_LOCK_LEASES);
	assert_true(nw->release_on_cancel);
	assert_int_equal(quick->lease_duration_ns, 12 * S);
	assert_int_equal(quick->renew_deadline_ns, 10 * S);
	assert_false(quick->release_on_cancel);
	/* The scenario-wide defaults are untouched by pod overrides. */
	assert_int_equal(s.defaults.lease_duration_ns, 20 * S);
	sim_scenario_free(&s);
}

static void test_mixed_fleet_is_one_line_and_shares_the_lock(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\n"
		 "election: {profile: sidecar-0.5, name: elect-nginx-deploy}\n"
		 "pods:\n"
		 "  - name: old\n"
		 "  - name: new\n"
		 "    election: {profile: client-go-1.23}\n",
		 &s);
	const sim_pod_spec *old = &s.pods[0], *nw = &s.pods[1];
	assert_ptr_equal(nw->election.profile, &le_profile_client_go_1_23);
	assert_int_equal(nw->election.lock_kind, old->election.lock_kind);
	assert_int_equal(nw->election.lock_kind, LE_LOCK_ENDPOINTS);
	assert_string_equal(nw->election.lock_name, "elect-nginx-deploy");
	assert_int_equal(nw->election.lease_duration_ns, 10 * S);
	assert_int_equal(nw->election.renew_deadline_ns, 5 * S);
	assert_int_equal(nw->election.retry_period_ns, 2500 * MS);
	/* SIGTERM handling follows the pod's own image. */
	assert_true(old->sigterm_ignored);
	assert_false(nw->sigterm_ignored);
	sim_scenario_free(&s);
}

/* Release names, aliases, lockBuiltFrom (election-spec.md 2.8; issue 15). */
static void test_release_profiles_aliases_and_lock_built_from(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\n"
		 "election: {profile: client-go-head, lockBuiltFrom: hand}\n"
		 "pods:\n"
		 "  - name: a\n"
		 "  - name: b\n"
		 "    election: {profile: client-go-2024, lockBuiltFrom: kubeconfig}\n"
		 "  - name: c\n"
		 "    election: {profile: client-go, requestTimeout: 3s}\n"
		 "  - name: d\n"
		 "    election: {profile: client-go-2018}\n",
		 &s);
	assert_ptr_equal(s.pods[0].election.profile, &le_profile_client_go_head);
	assert_int_equal(s.pods[0].election.request_timeout_ns, -1); /* none */
	assert_ptr_equal(s.pods[1].election.profile, &le_profile_client_go_1_31);
	assert_int_equal(s.pods[1].election.request_timeout_ns, 0); /* RD/2 */
	assert_ptr_equal(s.pods[2].election.profile, &le_profile_client_go_1_34);
	assert_int_equal(s.pods[2].election.request_timeout_ns, 3 * S); /* wins */
	assert_ptr_equal(s.pods[3].election.profile, &le_profile_client_go_1_11);
	assert_int_equal(s.pods[3].election.request_timeout_ns, -1); /* inherited */
	sim_scenario_free(&s);

	parse_ok("duration: 1m\nelection: {profile: python-22.6}\npods: [{name: p}]\n", &s);
	assert_ptr_equal(s.pods[0].election.profile, &le_profile_python_22_6);
	assert_int_equal(s.pods[0].election.lock_kind, LE_LOCK_CONFIGMAPS);
	sim_scenario_free(&s);

	char err[512] = "";
	assert_true(parse("duration: 1m\nelection: {lockBuiltFrom: yaml}\npods: [{name: p}]\n",
			  &s, err, sizeof err) < 0);
	assert_non_null(strstr(err, "election.lockBuiltFrom"));
	assert_non_null(strstr(err, "kubeconfig | hand"));
}

/* ---- replicas ---------------------------------------------------------------- */

static void test_replicas_expand_to_numbered_pods(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\n"
		 "pods:\n"
		 "  - name: lead\n"
		 "  - {name: c, replicas: 3, start: 2s}\n"
		 "  - {name: twin, replicas: 2, identity: same}\n"
		 "faults:\n"
		 "  - {action: pod-kill, at: 5s, selector: {pods: [c-2]}}\n",
		 &s);
	assert_int_equal(s.npods, 6);
	assert_string_equal(s.pods[0].name, "lead");
	assert_string_equal(s.pods[1].name, "c-0");
	assert_string_equal(s.pods[2].name, "c-1");
	assert_string_equal(s.pods[3].name, "c-2");
	assert_int_equal(s.pods[3].start_ns, 2 * S);
	assert_string_equal(s.pods[4].name, "twin-0");
	assert_string_equal(s.pods[4].identity, "same");
	assert_string_equal(s.pods[5].identity, "same");
	assert_string_equal(s.faults[0].names[0], "c-2");
	/* the strings are kept once per pod entry of the file: replicas
	 * share them; settings compare by content, not by pointer */
	assert_ptr_equal(s.pods[4].identity, s.pods[5].identity);
	assert_ptr_equal(s.pods[1].election.lock_name, s.pods[3].election.lock_name);
	assert_string_equal(sim_pod_identity(&s.pods[1]), "c-0");
	assert_string_equal(sim_pod_identity(&s.pods[4]), "same");
	assert_true(sim_election_equal(&s.pods[0].election, &s.pods[1].election));
	assert_true(sim_election_equal(&s.pods[0].election, &s.defaults));
	sim_election other = s.pods[1].election;
	other.lock_name = "another";
	assert_false(sim_election_equal(&s.pods[0].election, &other));
	other = s.pods[1].election;
	other.retry_period_ns++;
	assert_false(sim_election_equal(&s.pods[0].election, &other));
	sim_scenario_free(&s);

	parse_ok("duration: 1m\npods: [{name: c, replicas: 1000}]\n", &s);
	assert_int_equal(s.npods, 1000);
	assert_string_equal(s.pods[999].name, "c-999");
	sim_scenario_free(&s);
}

/* ---- each action --------------------------------------------------------------- */

static const char actions_yaml[] =
	"duration: 10m\n"
	"pods: [{name: a}, {name: b}, {name: c}]\n"
	"faults:\n"
	"  - {action: pod-kill, at: 10s, selector: {role: leader}, mode: one, replace: true, replacementProfile: client-go-2018}\n"
	"  - {action: pod-delete, at: 20s, selector: {pods: a}, replace: true, gracePeriod: 5s}\n"
	"  - {action: pod-failure, at: 30s, duration: 15s, selector: {pods: [b]}}\n"
	"  - {action: restart, at: 40s, selector: {role: follower}, mode: fixed-percent, value: 50}\n"
	"  - {action: pause, at: 50s, duration: 12s, selector: {role: leader}}\n"
	"  - {action: partition, at: 60s, duration: 10s, selector: {pods: [c]}, direction: to, kind: refused}\n"
	"  - {action: delay, at: 70s, duration: 10s, selector: {role: any}, latency: 100ms, jitter: 20ms}\n"
	"  - {action: loss, at: 80s, duration: 10s, selector: {pods: [a]}, loss: 10%, direction: both}\n"
	"  - {action: time-skew, at: 90s, selector: {pods: [b]}, timeOffset: -1m}\n"
	"  - {action: clock-rate, at: 100s, duration: 30s, selector: {role: leader}, rate: -300000ppm}\n"
	"  - {action: apiserver, at: 140s, duration: 5s, error: 429, errorRate: 0.5, retryAfter: 2s}\n"
	"  - {action: apiserver, at: 150s, duration: 30s, down: true}\n"
	"  - action: apiserver\n"
	"    at: 190s\n"
	"    selector: {role: leader}\n"
	"    commitDelay: 2s\n"
	"    requestLatency: {kind: pareto, scale: 1ms, alpha: 1.5, max: 4s}\n"
	"    responseLatency: 3ms\n"
	"    requestLoss: 0.25\n"
	"    responseLoss: 100%\n"
	"  - {action: container-kill, at: 200s, selector: {pods: [c]}}\n"
	"  - {action: delay, at: 210s, selector: {pods: [c]}, latency: {min: 1ms, max: 9ms}}\n";

static void test_each_action_parses_its_keys(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok(actions_yaml, &s);
	assert_int_equal(s.nfaults, 15);
	const sim_fault *f = s.faults;

	assert_int_equal(f[0].action, SIM_ACT_POD_KILL);
	assert_int_equal(f[0].role, SIM_ROLE_LEADER);
	assert_int_equal(f[0].mode, SIM_MODE_ONE);
	assert_true(f[0].replace);
	assert_int_equal(f[0].grace_period_ns, 0);
	assert_ptr_equal(f[0].replacement_profile, &le_profile_client_go_2018);
	assert_string_equal(f[0].label, "pod-kill leader");

	assert_int_equal(f[1].action, SIM_ACT_POD_DELETE);
	assert_int_equal(f[1].nnames, 1);
	assert_string_equal(f[1].names[0], "a");
	assert_int_equal(f[1].mode, SIM_MODE_ALL); /* the default */
	assert_int_equal(f[1].grace_period_ns, 5 * S);
	assert_null(f[1].replacement_profile);

	assert_int_equal(f[2].action, SIM_ACT_POD_FAILURE);
	assert_int_equal(f[2].duration_ns, 15 * S);

	assert_int_equal(f[3].action, SIM_ACT_RESTART);
	assert_int_equal(f[3].role, SIM_ROLE_FOLLOWER);
	assert_int_equal(f[3].mode, SIM_MODE_FIXED_PERCENT);
	assert_int_equal(f[3].value, 50);

	assert_int_equal(f[4].action, SIM_ACT_PAUSE);
	assert_int_equal(f[4].duration_ns, 12 * S);

	assert_int_equal(f[5].action, SIM_ACT_PARTITION);
	assert_int_equal(f[5].direction, SIM_DIR_TO);
	assert_int_equal(f[5].partition_kind, FA_PART_REFUSED);

	assert_int_equal(f[6].action, SIM_ACT_DELAY);
	assert_int_equal(f[6].role, SIM_ROLE_ANY);
	assert_int_equal(f[6].latency.kind, FA_LAT_UNIFORM);
	assert_int_equal(f[6].latency.a_ns, 80 * MS);
	assert_int_equal(f[6].latency.b_ns, 120 * MS);
	assert_int_equal(f[6].direction, SIM_DIR_BOTH);

	assert_int_equal(f[7].action, SIM_ACT_LOSS);
	assert_true(f[7].loss > 0.0999 && f[7].loss < 0.1001);

	assert_int_equal(f[8].action, SIM_ACT_TIME_SKEW);
	assert_int_equal(f[8].time_offset_ns, -60 * S);
	assert_int_equal(f[8].duration_ns, 0);

	assert_int_equal(f[9].action, SIM_ACT_CLOCK_RATE);
	assert_int_equal(f[9].rate_ppm, -300000);

	assert_int_equal(f[10].action, SIM_ACT_APISERVER);
	assert_int_equal(f[10].apiserver.error_code, 429);
	assert_true(f[10].apiserver.error_rate == 0.5);
	assert_int_equal(f[10].apiserver.retry_after_s, 2);
	assert_false(f[10].apiserver_down);
	assert_string_equal(f[10].apiserver.identity, "");
	assert_string_equal(f[10].label, "apiserver all clients");

	assert_true(f[11].apiserver_down);
	assert_int_equal(f[11].duration_ns, 30 * S);

	const fa_fault_rule *r = &f[12].apiserver;
	assert_int_equal(f[12].role, SIM_ROLE_LEADER);
	assert_int_equal(r->commit_delay_ns, 2 * S);
	assert_int_equal(r->request_latency.kind, FA_LAT_PARETO);
	assert_int_equal(r->request_latency.a_ns, 1 * MS);
	assert_int_equal(r->request_latency.b_ns, 4 * S);
	assert_true(r->request_latency.alpha == 1.5);
	assert_int_equal(r->response_latency.kind, FA_LAT_FIXED);
	assert_int_equal(r->response_latency.a_ns, 3 * MS);
	assert_true(r->request_loss == 0.25);
	assert_true(r->response_loss == 1.0);
	assert_int_equal(f[12].duration_ns, 0); /* until the end */
	assert_int_equal(f[12].line, 16);

	assert_int_equal(f[13].action, SIM_ACT_RESTART); /* Chaos Mesh's name */
	assert_int_equal(f[14].latency.kind, FA_LAT_UNIFORM);
	assert_int_equal(f[14].latency.b_ns, 9 * MS);
	sim_scenario_free(&s);
}

/* ---- expectations ---------------------------------------------------------- */

static void test_expect_shorthands_and_any_violation(void **state)
{
	(void)state;
	sim_scenario s;
	parse_ok("duration: 1m\npods: [{name: a}]\n"
		 "expect: {failover: 20s, leaderless: 5s, liveness: false, violation: any}\n",
		 &s);
	assert_int_equal(s.expect.failover_max_ns, 20 * S);
	assert_int_equal(s.expect.leaderless_max_ns, 5 * S);
	assert_false(s.expect.check_liveness);
	assert_true(s.expect.expect_violation);
	assert_int_equal(s.expect.violation, SIM_INV_NONE);
	sim_scenario_free(&s);

	parse_ok("duration: 1m\npods: [{name: a}]\n"
		 "expect: {liveness: 12s, violation: lease-history}\n",
		 &s);
	assert_true(s.expect.check_liveness);
	assert_int_equal(s.expect.liveness_within_ns, 12 * S);
	assert_int_equal(s.expect.violation, SIM_INV_LEASE_HISTORY);
	sim_scenario_free(&s);

	/* Every invariant the checker names can be expected. */
	for (int i = 1; i < SIM_INV_COUNT; i++) {
		char y[256];
		snprintf(y, sizeof y,
			 "duration: 1m\npods: [{name: a}]\nexpect: {violation: %s}\n",
			 sim_invariant_name((sim_invariant)i));
		parse_ok(y, &s);
		assert_int_equal(s.expect.violation, i);
		sim_scenario_free(&s);
	}
}

/* ---- durations ---------------------------------------------------------------- */

static void test_go_durations(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{"0", 0},
		{"250ms", 250 * MS},
		{"2.5s", 2500 * MS},
		{"1m30s", 90 * S},
		{"1.5h", 5400 * S},
		{"-3s", -3 * S},
		{"+7s", 7 * S},
		{"1h2m3s4ms5us6ns", 3723 * S + 4 * MS + 5000 + 6},
		{"10\xc2\xb5s", 10000},
		{".5s", 500 * MS},
		{"2562047h47m16.854775807s", INT64_MAX},
	};
	static const char *const bad[] = {
		"", "10", "s", "1x", "1.s5", "-", "1e3s", "9999999999h", "2562047h48m",
		"1 s",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t v = 0;
		char why[160] = "";
		if (sy_parse_duration(good[i].text, &v, why, sizeof why) != LE_OK)
			fail_msg("%s: %s", good[i].text, why);
		assert_int_equal(v, good[i].ns);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 0;
		char why[160] = "";
		if (sy_parse_duration(bad[i], &v, why, sizeof why) == LE_OK)
			fail_msg("\"%s\" parsed as %lld", bad[i], (long long)v);
		assert_true(why[0] != '\0');
	}
	char buf[32];
	sy_format_duration(90 * S, buf, sizeof buf);
	assert_string_equal(buf, "1m30s");
	sy_format_duration(2500 * MS, buf, sizeof buf);
	assert_string_equal(buf, "2.5s");
	sy_format_duration(250 * MS, buf, sizeof buf);
	assert_string_equal(buf, "250ms");
	sy_format_duration(-3 * S, buf, sizeof buf);
	assert_string_equal(buf, "-3s");
	sy_format_duration(3600 * S, buf, sizeof buf);
	assert_string_equal(buf, "1h0m0s");
}

/* ---- bad input ---------------------------------------------------------------- */

/* Each case: the YAML, the exact start of the error (file:line:column: key:),
 * and a phrase that must follow. */
static const struct bad_case {
	const char *yaml;
	const char *prefix;
	const char *phrase;
} bad_cases[] = {
	/* unknown keys, with a suggestion when one is close */
	{"duraton: 60s\npods: [{name: a}]\n",
	 "t.yaml:1:1: duraton: ", "unknown key (did you mean duration?)"},
	{"duration: 60s\nelection:\n  leaseDurration: 10s\npods: [{name: a}]\n",
	 "t.yaml:3:3: election.leaseDurration: ", "did you mean leaseDuration?"},
	{"duration: 60s\npods:\n  - name: a\n    colour: red\n",
	 "t.yaml:4:5: pods[0].colour: ", "unknown key; expected one of: name, identity"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {role: leader}, duration: 5s}\n",
	 "t.yaml:4:50: faults[0].duration: ", "not used by a pod-kill fault"},
	/* wrong types */
	{"duration: [1s]\npods: [{name: a}]\n",
	 "t.yaml:1:11: duration: ", "expected a duration like 10s, 250ms or 1m30s, got a list"},
	{"duration: 60s\npods: {name: a}\n",
	 "t.yaml:2:7: pods: ", "expected a list of at least one pod"},
	{"duration: 60s\nelection: {releaseOnCancel: \"yes\"}\npods: [{name: a}]\n",
	 "t.yaml:2:29: election.releaseOnCancel: ", "expected true or false"},
	{"duration: 60s\npods: [{name: a, replicas: two}]\n",
	 "t.yaml:2:28: pods[0].replicas: ", "expected an integer from 1 to 10000"},
	/* durations */
	{"duration: -5s\npods: [{name: a}]\n",
	 "t.yaml:1:11: duration: ", "expected a duration >= 0, got -5s (negative)"},
	{"duration: 60\npods: [{name: a}]\n",
	 "t.yaml:1:11: duration: ", "a bare number has no unit"},
	{"duration: 60s\nelection: {leaseDuration: 0s}\npods: [{name: a}]\n",
	 "t.yaml:2:27: election.leaseDuration: ", "expected a duration greater than 0"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pause, at: 70s, duration: 5s, selector: {role: leader}}\n",
	 "t.yaml:4:25: faults[0].at: ", "1m10s is not before the end of the run (duration 1m0s)"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pause, at: 50s, duration: 20s, selector: {role: leader}}\n",
	 "t.yaml:4:40: faults[0].duration: ", "after the run ends"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pause, at: 5s, selector: {role: leader}}\n",
	 "t.yaml:4:5: faults[0].duration: ", "missing; expected how long the process is stopped"},
	{"duration: 60s\npods: [{name: a, start: 60s}]\n",
	 "t.yaml:2:25: pods[0].start: ", "before the end of the run"},
	/* client-go's validation, at the setting that fails */
	{"duration: 60s\nelection:\n  leaseDuration: 10s\n  renewDeadline: 10s\npods: [{name: a}]\n",
	 "t.yaml:4:3: election.renewDeadline: ", "leaseDuration must be greater than renewDeadline (pod a,"},
	{"duration: 60s\npods:\n  - name: a\n  - name: b\n    election: {retryPeriod: 9s}\n",
	 "t.yaml:5:16: pods[1].election.retryPeriod: ",
	 "renewDeadline must be greater than retryPeriod*JitterFactor (pod b,"},
	{"duration: 60s\nelection: {profile: sidecar-0.5, ttl: 10s, retryPeriod: 1s}\npods: [{name: a}]\n",
	 "t.yaml:2:44: election.retryPeriod: ", "not allowed together with ttl"},
	/* enumerations */
	{"duration: 60s\nelection: {profile: client-go-2019}\npods: [{name: a}]\n",
	 "t.yaml:2:21: election.profile: ",
	 "expected one of client-go-head | client-go-1.34 | client-go-1.31 | client-go-1.27 | client-go-1.23 | client-go-1.14 | client-go-1.11 | sidecar-0.5 | python-22.6 | client-go | client-go-2024 | client-go-2018, got \"client-go-2019\" (did you mean client-go-2018?)"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kil, selector: {role: leader}}\n",
	 "t.yaml:4:14: faults[0].action: ", "(did you mean pod-kill?)"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {role: leader}, mode: some}\n",
	 "t.yaml:4:56: faults[0].mode: ", "expected one of one | all | fixed | fixed-percent"},
	{"duration: 60s\npods: [{name: a}]\nexpect: {violation: safty}\n",
	 "t.yaml:3:21: expect.violation: ", "did you mean safety?"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: apiserver, error: 502}\n",
	 "t.yaml:4:32: faults[0].error: ", "expected one of 429 | 500 | 503 | 504"},
	/* selectors and modes */
	{"duration: 60s\npods: [{name: a}, {name: b}]\nfaults:\n  - action: pod-kill\n    selector: {pods: [a, c]}\n",
	 "t.yaml:5:26: faults[0].selector.pods[1]: ", "no pod named \"c\""},
	{"duration: 60s\npods: [{name: alpha}]\nfaults:\n  - {action: pod-kill, selector: {pods: alpah}}\n",
	 "t.yaml:4:41: faults[0].selector.pods: ", "no pod named \"alpah\" (did you mean alpha?)"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {}}\n",
	 "t.yaml:4:34: faults[0].selector: ", "expected pods: [names] and/or role"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {role: leader}, mode: fixed-percent, value: 150}\n",
	 "t.yaml:4:78: faults[0].value: ", "expected an integer from 1 to 100, got \"150\""},
	{"duration: 60s\npods: [{name: a}, {name: b}]\nfaults:\n  - {action: pod-kill, selector: {pods: [a, b]}, mode: fixed, value: 3}\n",
	 "t.yaml:4:70: faults[0].value: ", "selector names only 2 pods"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {role: leader}, mode: fixed}\n",
	 "t.yaml:4:5: faults[0].value: ", "missing; expected how many pods"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: apiserver, down: true, selector: {role: leader}}\n",
	 "t.yaml:4:37: faults[0].selector: ", "takes the whole apiserver down"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: partition, selector: {pods: [a]}, direction: from, kind: refused}\n",
	 "t.yaml:4:65: faults[0].kind: ", "refused needs direction to or both"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: loss, selector: {pods: [a]}, loss: 1.5}\n",
	 "t.yaml:4:49: faults[0].loss: ", "expected a probability from 0 to 1"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill, selector: {role: leader}, replacementProfile: client-go}\n",
	 "t.yaml:4:50: faults[0].replacementProfile: ", "only used with replace: true"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: apiserver}\n",
	 "t.yaml:4:5: faults[0]: ", "needs at least one of: error, down"},
	/* missing required keys */
	{"duration: 60s\n",
	 "t.yaml:1:1: pods: ", "missing; expected a list of pods"},
	{"pods: [{name: a}]\n",
	 "t.yaml:1:1: duration: ", "missing; expected how long the run lasts"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - at: 5s\n    selector: {role: leader}\n",
	 "t.yaml:4:5: faults[0].action: ", "missing; expected one of pod-kill"},
	{"duration: 60s\npods: [{name: a}]\nfaults:\n  - {action: pod-kill}\n",
	 "t.yaml:4:5: faults[0].selector: ", "missing; expected which pods"},
	{"duration: 60s\npods:\n  - start: 1s\n",
	 "t.yaml:3:5: pods[0].name: ", "missing; expected the pod's name"},
	/* names */
	{"duration: 60s\npods:\n  - name: a\n  - name: b\n  - name: a\n",
	 "t.yaml:5:5: pods[2]: ", "duplicate pod name \"a\" (also defined on line 3)"},
	{"duration: 60s\npods:\n  - name: a\n  - {name: a, replicas: 2}\n  - name: a-1\n",
	 "t.yaml:5:5: pods[2]: ", "duplicate pod name \"a-1\" (also defined on line 4)"},
	{"duration: 60s\npods: [{name: Pod_A}]\n",
	 "t.yaml:2:15: pods[0].name: ", "expected a Kubernetes name"},
	{"duration: 60s\nduration: 30s\npods: [{name: a}]\n",
	 "t.yaml:2:1: duration: ", "duplicate key (first set on line 1)"},
	/* clocks */
	{"duration: 60s\npods: [{name: a, clock: {rate: 0x}}]\n",
	 "t.yaml:2:32: pods[0].clock.rate: ", "expected a clock rate like 200ppm"},
	/* malformed YAML and documents */
	{"duration: 60s\npods: [{name: a}\n",
	 "t.yaml:3:1: yaml: ", "did not find expected ',' or ']'"},
	{"duration: 60s\n\tpods: []\n",
	 "t.yaml:2:1: yaml: ", "found a tab character that violates indentation"},
	{"",
	 "t.yaml:1:1: ", "the file is empty"},
	{"duration: 60s\npods: [{name: a}]\n---\nduration: 30s\n",
	 "t.yaml:4:1: ", "a second YAML document"},
	{"- duration: 60s\n",
	 "t.yaml:1:1: scenario: ", "expected a mapping with name, duration"},
	{"duration: 60s\npods: [{name: *x}]\n",
	 "t.yaml:2:15: yaml: ", "found undefined alias"},
};

static void test_bad_inputs_name_file_line_column_and_key(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		sim_scenario s;
		char err[1024] = "";
		int rc = parse(c->yaml, &s, err, sizeof err);
		if (rc == LE_OK) {
			sim_scenario_free(&s);
			fail_msg("case %zu parsed, expected %s%s", i, c->prefix,
				 c->phrase);
		}
		if (rc != LE_EINVAL && rc != LE_EPARSE)
			fail_msg("case %zu: rc %d (%s)", i, rc, err);
		if (strncmp(err, c->prefix, strlen(c->prefix)) != 0 ||
		    !strstr(err, c->phrase)) {
			print_error("case %zu:\n  got      %s\n  expected %s...%s\n",
				    i, err, c->prefix, c->phrase);
			failures++;
		}
		/* A failed parse leaves nothing to free. */
		assert_null(s.pods);
		assert_null(s.faults);
		assert_int_equal(s.npods, 0);
	}
	assert_int_equal(failures, 0);
}

static void test_error_buffer_is_optional_and_truncation_safe(void **state)
{
	(void)state;
	sim_scenario s;
	const char *y = "duration: 60s\npods: [{name: a}]\nexpect: {violation: safty}\n";
	assert_int_equal(sim_scenario_parse(y, strlen(y), "t.yaml", &s, NULL, 0),
			 LE_EINVAL);
	char tiny[12];
	assert_int_equal(sim_scenario_parse(y, strlen(y), "t.yaml", &s, tiny,
					    sizeof tiny),
			 LE_EINVAL);
	assert_string_equal(tiny, "t.yaml:3:21");
}

static void test_load_reports_missing_file(void **state)
{
	(void)state;
	sim_scenario s;
	char err[512];
	assert_int_equal(sim_scenario_load("no/such/file.yaml", &s, err, sizeof err),
			 LE_EIO);
	assert_non_null(strstr(err, "no/such/file.yaml: cannot open"));
}

/* ---- the scenario library ------------------------------------------------------ */

static void test_every_file_under_scenarios_parses(void **state)
{
	(void)state;
	glob_t g;
	int grc = glob("scenarios/*/*.yaml", 0, NULL, &g);
	if (grc != 0)
		fail_msg("no scenarios/*/*.yaml (run from the repository root)");
	assert_true(g.gl_pathc >= 10);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		sim_scenario s;
		char err[1024] = "";
		if (sim_scenario_load(g.gl_pathv[i], &s, err, sizeof err) != LE_OK) {
			globfree(&g);
			fail_msg("%s", err);
		}
		/* The library's conventions: described, and cites the spec. */
		if (!s.description[0] || !strstr(s.description, "election-spec.md")) {
			char path[SIM_PATH_MAX];
			snprintf(path, sizeof path, "%s", g.gl_pathv[i]);
			sim_scenario_free(&s);
			globfree(&g);
			fail_msg("%s: description must cite election-spec.md", path);
		}
		sim_scenario_free(&s);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_example_sets_every_field),
		cmocka_unit_test(test_minimal_scenario_gets_client_go_defaults),
		cmocka_unit_test(test_sidecar_profile_defaults_to_ttl_10s_endpoints_and_ignored_sigterm),
		cmocka_unit_test(test_per_pod_election_overrides_only_what_it_sets),
		cmocka_unit_test(test_mixed_fleet_is_one_line_and_shares_the_lock),
		cmocka_unit_test(test_release_profiles_aliases_and_lock_built_from),
		cmocka_unit_test(test_replicas_expand_to_numbered_pods),
		cmocka_unit_test(test_each_action_parses_its_keys),
		cmocka_unit_test(test_expect_shorthands_and_any_violation),
		cmocka_unit_test(test_go_durations),
		cmocka_unit_test(test_bad_inputs_name_file_line_column_and_key),
		cmocka_unit_test(test_error_buffer_is_optional_and_truncation_safe),
		cmocka_unit_test(test_load_reports_missing_file),
		cmocka_unit_test(test_every_file_under_scenarios_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
