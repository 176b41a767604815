/* leaselab — scenario files: YAML (libyaml) to struct sim_scenario.
 *
 * The format is documented in docs/scenario-format.md; this file is its
 * schema, read top to bottom in the order the document describes it:
 * scenario keys, election settings (scenario-wide, then per pod), network,
 * pods, faults, expectations. Every bad input is an error
 *   file:line:column: key.path: what was expected
 * and never a crash: unknown keys, wrong types, negative or impossible
 * durations, selectors that match no pod, unknown profiles, and election
 * settings client-go would refuse (le_config_validate, with its words).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_model.h"
#include "scenario_int.h"
#include "text.h"
#include "leaselab/internal/assert.h"
#include "leaselab/internal/names.h"

#define SCENARIO_INPUT_MAX (4u << 20) /* bytes of YAML */
#define SCENARIO_PODS_MAX 100000      /* after replicas expansion */
#define SCENARIO_FAULTS_MAX 10000

#define DEFAULT_LOCK_NAME "leaselab"
#define DEFAULT_SEED 1

/* ---- election settings ---------------------------------------------------
 * Each field may be written at scenario level (election:) and per pod
 * (pods[i].election:); a pod's value wins. Fields written nowhere take the
 * defaults of the scenario-wide profile (client-go's 15s/10s/2s and a Lease,
 * or 0.5's --ttl=10s and Endpoints), for every pod: a pod that only switches
 * its profile still competes for the same lock with the same timing. */
enum efield {
	EF_PROFILE,
	EF_LOCK,
	EF_NAMESPACE,
	EF_NAME,
	EF_LD,
	EF_RD,
	EF_RP,
	EF_TIMEOUT,
	EF_RELEASE,
	EF_BUILD,
	EF_COUNT
};

typedef struct elect_in {
	sim_election v; /* its lock strings point at ns and name (elect_own) */
	char ns[64];
	char name[LE_NAME_MAX];
	/* lockBuiltFrom: hand (a LeaseLock{Client: ...} built by the caller):
	 * no request timeout unless requestTimeout says otherwise (election-spec.md 2.8).
	 * Resolved into v.request_timeout_ns, so the world needs nothing new. */
	bool hand_built;
	bool set[EF_COUNT];
	yaml_mark_t mark[EF_COUNT];
	char path[EF_COUNT][SY_PATH_MAX]; /* key path where it was set */
} elect_in;

static const char *const election_keys[] = {
	"profile",      "lock",          "namespace",      "name",
	"leaseDuration", "renewDeadline", "retryPeriod",    "ttl",
	"requestTimeout", "releaseOnCancel", "lockBuiltFrom", NULL};

/* What a scenario may name: the core's profiles (elector/profile.c), release
 * names first, then the aliases (election-spec.md 2.8: "client-go" is the
 * newest GA, the year names are the old spellings), NULL-terminated. */
#define PROFILE_NAMES_MAX 32
static void profile_names(const char *names[PROFILE_NAMES_MAX])
{
	size_t n = 0;
	const le_profile *p, *target;
	const char *alias;
	for (size_t i = 0; (p = le_profile_at(i)) != NULL; i++) {
		LE_ASSERT(n + 1 < PROFILE_NAMES_MAX);
		names[n++] = p->name;
	}
	for (size_t i = 0; (alias = le_profile_alias_at(i, &target)) != NULL; i++) {
		LE_ASSERT(n + 1 < PROFILE_NAMES_MAX);
		names[n++] = alias;
	}
	names[n] = NULL;
}
static const char *const build_names[] = {"kubeconfig", "hand", NULL};
/* le_lock_kind's order */
static const char *const lock_names[] = {"leases", "endpoints", "configmaps",
					 "endpointsleases", "configmapsleases",
					 NULL};

static void mark_set(elect_in *e, const sy_map *m, enum efield f,
		     const char *key)
{
	e->set[f] = true;
	e->mark[f] = sy_key_mark(m, key);
	sy_key_path(m, key, e->path[f], sizeof e->path[f]);
}

static int get_dns_name(const sy_map *m, const char *key, bool dots,
			char *buf, size_t cap)
{
	int rc = sy_get_str(m, key, buf, cap);
	if (rc <= 0)
		return rc;
	if (dots ? le_dns_subdomain_ok(buf, strlen(buf))
		 : le_dns_label_ok(buf, strlen(buf)))
		return 1;
	char kpath[SY_PATH_MAX];
	sy_key_path(m, key, kpath, sizeof kpath);
	return sy_fail(m->c, sy_get(m, key)->start_mark, kpath,
		       "expected a Kubernetes name (lowercase letters, digits, '-'%s; starting and ending with a letter or digit), got \"%s\"",
		       dots ? ", '.'" : "", buf);
}

static int parse_election(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
			  const char *path, elect_in *e)
{
	sy_map m;
	int rc, idx;
	int64_t ttl = 0;

	memset(e, 0, sizeof *e);
	if ((rc = sy_map_open(c, d, &m, n, path, election_keys)) < 0)
		return rc;

	const char *pnames[PROFILE_NAMES_MAX];
	profile_names(pnames);
	if ((rc = sy_get_enum(&m, "profile", pnames, &idx)) < 0)
		return rc;
	if (rc) {
		e->v.profile = le_profile_find(pnames[idx]);
		mark_set(e, &m, EF_PROFILE, "profile");
	}
	if ((rc = sy_get_enum(&m, "lock", lock_names, &idx)) < 0)
		return rc;
	if (rc) {
		e->v.lock_kind = (le_lock_kind)idx;
		mark_set(e, &m, EF_LOCK, "lock");
	}
	if ((rc = get_dns_name(&m, "namespace", false, e->ns, sizeof e->ns)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_NAMESPACE, "namespace");
	if ((rc = get_dns_name(&m, "name", true, e->name, sizeof e->name)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_NAME, "name");

	/* leader-elector:0.5's --ttl: LD = ttl, RD = ttl/2, RP = ttl/4. */
	if ((rc = sy_get_dur(&m, "ttl", SY_DUR_POSITIVE, &ttl)) < 0)
		return rc;
	if (rc) {
		static const char *const timing[] = {"leaseDuration",
						     "renewDeadline",
						     "retryPeriod"};
		for (int i = 0; i < 3; i++) {
			if (!sy_get(&m, timing[i]))
				continue;
			char kpath[SY_PATH_MAX];
			sy_key_path(&m, timing[i], kpath, sizeof kpath);
			return sy_fail(c, sy_key_mark(&m, timing[i]), kpath,
				       "not allowed together with ttl (ttl sets leaseDuration = ttl, renewDeadline = ttl/2, retryPeriod = ttl/4)");
		}
		e->v.lease_duration_ns = ttl;
		e->v.renew_deadline_ns = ttl / 2;
		e->v.retry_period_ns = ttl / 4;
		mark_set(e, &m, EF_LD, "ttl");
		mark_set(e, &m, EF_RD, "ttl");
		mark_set(e, &m, EF_RP, "ttl");
	}
	if ((rc = sy_get_dur(&m, "leaseDuration", SY_DUR_POSITIVE,
			     &e->v.lease_duration_ns)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_LD, "leaseDuration");
	if ((rc = sy_get_dur(&m, "renewDeadline", SY_DUR_POSITIVE,
			     &e->v.renew_deadline_ns)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_RD, "renewDeadline");
	if ((rc = sy_get_dur(&m, "retryPeriod", SY_DUR_POSITIVE,
			     &e->v.retry_period_ns)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_RP, "retryPeriod");

	yaml_node_t *t = sy_get(&m, "requestTimeout");
	if (t) {
		const char *s = sy_scalar(t);
		if (s && strcmp(s, "none") == 0) {
			e->v.request_timeout_ns = -1;
		} else {
			char kpath[SY_PATH_MAX];
			sy_key_path(&m, "requestTimeout", kpath, sizeof kpath);
			if ((rc = sy_dur(c, t, kpath, SY_DUR_POSITIVE,
					 &e->v.request_timeout_ns)) < 0)
				return rc;
		}
		mark_set(e, &m, EF_TIMEOUT, "requestTimeout");
	}
	if ((rc = sy_get_bool(&m, "releaseOnCancel", &e->v.release_on_cancel)) < 0)
		return rc;
	if (rc)
		mark_set(e, &m, EF_RELEASE, "releaseOnCancel");
	if ((rc = sy_get_enum(&m, "lockBuiltFrom", build_names, &idx)) < 0)
		return rc;
	if (rc) {
		e->hand_built = idx == 1;
		mark_set(e, &m, EF_BUILD, "lockBuiltFrom");
	}
	return LE_OK;
}

/* *out = str kept by the scenario; LE_ENOMEM (the error said) when it
 * finds no memory. */
static int keep(sy_ctx *c, sim_scenario *s, const char *str, const char **out)
{
	if ((*out = sim_scenario_keep(s, str)))
		return LE_OK;
	snprintf(c->err, c->errcap, "%s: out of memory", c->file);
	return LE_ENOMEM;
}

/* e's lock strings are its own buffers (after a copy they are the
 * original's). */
static void elect_own(elect_in *e)
{
	e->v.lock_namespace = e->ns;
	e->v.lock_name = e->name;
}

/* The settings as a pod spec or the defaults keep them: the lock strings
 * kept by the scenario. */
static int elect_keep(sy_ctx *c, sim_scenario *s, const elect_in *e,
		      sim_election *out)
{
	*out = e->v;
	int rc = keep(c, s, e->ns, &out->lock_namespace);
	return rc < 0 ? rc : keep(c, s, e->name, &out->lock_name);
}

/* over's set fields win over base's. */
static void election_merge(const elect_in *base, const elect_in *over,
			   elect_in *out)
{
	*out = *base;
	elect_own(out);
	if (!over)
		return;
	for (int f = 0; f < EF_COUNT; f++) {
		if (!over->set[f])
			continue;
		out->set[f] = true;
		out->mark[f] = over->mark[f];
		memcpy(out->path[f], over->path[f], sizeof out->path[f]);
		switch ((enum efield)f) {
		case EF_PROFILE: out->v.profile = over->v.profile; break;
		case EF_LOCK: out->v.lock_kind = over->v.lock_kind; break;
		case EF_NAMESPACE:
			memcpy(out->ns, over->ns, sizeof out->ns);
			break;
		case EF_NAME:
			memcpy(out->name, over->name, sizeof out->name);
			break;
		case EF_LD: out->v.lease_duration_ns = over->v.lease_duration_ns; break;
		case EF_RD: out->v.renew_deadline_ns = over->v.renew_deadline_ns; break;
		case EF_RP: out->v.retry_period_ns = over->v.retry_period_ns; break;
		case EF_TIMEOUT:
			out->v.request_timeout_ns = over->v.request_timeout_ns;
			break;
		case EF_RELEASE:
			out->v.release_on_cancel = over->v.release_on_cancel;
			break;
		case EF_BUILD: out->hand_built = over->hand_built; break;
		case EF_COUNT: break;
		}
	}
}

/* Fields written nowhere take the profile's defaults (set[] stays false:
 * validation errors then point at the pod, not at a key). */
static void election_fill_defaults(elect_in *e)
{
	sim_election *v = &e->v;
	if (!e->set[EF_PROFILE])
		v->profile = &le_profile_client_go;
	bool sidecar = v->profile == &le_profile_sidecar_05;
	bool old = sidecar || v->profile == &le_profile_client_go_1_11;
	/* 0.5 only knows Endpoints; 2018 clients predate the Lease lock. */
	if (!e->set[EF_LOCK])
		v->lock_kind = old ? LE_LOCK_ENDPOINTS
			       : v->profile == &le_profile_python_22_6
				       ? LE_LOCK_CONFIGMAPS /* ConfigMapLock */
				       : LE_LOCK_LEASES;
	if (!e->set[EF_NAMESPACE])
		snprintf(e->ns, sizeof e->ns, "default");
	if (!e->set[EF_NAME])
		snprintf(e->name, sizeof e->name, DEFAULT_LOCK_NAME);
	if (!e->set[EF_LD])
		v->lease_duration_ns = (sidecar ? 10 : 15) * LE_NS_PER_S;
	if (!e->set[EF_RD])
		v->renew_deadline_ns = (sidecar ? 5 : 10) * LE_NS_PER_S;
	if (!e->set[EF_RP])
		v->retry_period_ns =
			sidecar ? 2500 * LE_NS_PER_MS : 2 * LE_NS_PER_S;
}

/* client-go's validation (election-spec.md 1.2) for one pod; its error is reported at
 * the setting that made it fail, wherever that was written. */
static int election_validate(sy_ctx *c, const elect_in *e,
			     const char *identity, const char *pod_name,
			     yaml_mark_t pod_mark, const char *pod_path)
{
	le_config cfg;
	char msg[256];
	/* 0.5 had no other lock: on a Lease or ConfigMap it would run a lock
	 * it never had and elect nobody, which reads as a vacuous pass. */
	if (e->v.profile == &le_profile_sidecar_05 &&
	    e->v.lock_kind != LE_LOCK_ENDPOINTS)
		return sy_fail(c, e->set[EF_LOCK] ? e->mark[EF_LOCK] : pod_mark,
			       e->set[EF_LOCK] ? e->path[EF_LOCK] : pod_path,
			       "profile sidecar-0.5 knows only the endpoints lock "
			       "(election-spec.md 5.1; pod %s)", pod_name);
	/* A lock kind the release's resourcelock.New refuses, with its words. */
	if (le_profile_lock_check(e->v.profile ? e->v.profile : &le_profile_client_go,
				  e->v.lock_kind, msg, sizeof msg) != LE_OK) {
		bool lset = e->set[EF_LOCK];
		enum efield f = lset ? EF_LOCK : EF_PROFILE;
		return sy_fail(c, e->set[f] ? e->mark[f] : pod_mark,
			       e->set[f] ? e->path[f] : pod_path,
			       "%s (pod %s, profile %s; election-spec.md 3.3: "
			       "docs/profiles.md says which profiles have which locks)",
			       msg, pod_name,
			       (e->v.profile ? e->v.profile : &le_profile_client_go)->name);
	}
	le_config_defaults(&cfg);
	cfg.identity = identity;
	cfg.lock_kind = e->v.lock_kind;
	cfg.lock_namespace = e->v.lock_namespace;
	cfg.lock_name = e->v.lock_name;
	cfg.lease_duration_ns = e->v.lease_duration_ns;
	cfg.renew_deadline_ns = e->v.renew_deadline_ns;
	cfg.retry_period_ns = e->v.retry_period_ns;
	cfg.release_on_cancel = e->v.release_on_cancel;
	cfg.request_timeout_ns = e->v.request_timeout_ns;
	cfg.profile = e->v.profile;
	if (cfg.retry_period_ns < SY_RETRY_PERIOD_MIN_NS) {
		char rp[32];
		sy_format_duration(e->v.retry_period_ns, rp, sizeof rp);
		bool set = e->set[EF_RP];
		return sy_fail(c, set ? e->mark[EF_RP] : pod_mark,
			       set ? e->path[EF_RP] : pod_path,
			       "retryPeriod %s is below the smallest a scenario may "
			       "use (1ms; pod %s)",
			       rp, pod_name);
	}
	if (le_config_validate(&cfg, msg, sizeof msg) == LE_OK)
		return LE_OK;

	/* Which setting to blame, most specific first. */
	enum efield blame[2] = {EF_LD, EF_LD};
	if (strstr(msg, "greater than renewDeadline")) {
		blame[0] = EF_RD;
		blame[1] = EF_LD;
	} else if (strstr(msg, "retryPeriod*JitterFactor")) {
		blame[0] = EF_RP;
		blame[1] = EF_RD;
	} else if (strstr(msg, "renewDeadline")) {
		blame[0] = blame[1] = EF_RD;
	} else if (strstr(msg, "retryPeriod")) {
		blame[0] = blame[1] = EF_RP;
	}
	yaml_mark_t mark = pod_mark;
	char path[SY_PATH_MAX];
	snprintf(path, sizeof path, "%s", pod_path);
	for (int i = 0; i < 2; i++)
		if (e->set[blame[i]]) {
			mark = e->mark[blame[i]];
			snprintf(path, sizeof path, "%s", e->path[blame[i]]);
			break;
		}
	char ld[32], rd[32], rp[32];
	sy_format_duration(e->v.lease_duration_ns, ld, sizeof ld);
	sy_format_duration(e->v.renew_deadline_ns, rd, sizeof rd);
	sy_format_duration(e->v.retry_period_ns, rp, sizeof rp);
	return sy_fail(c, mark, path,
		       "%s (pod %s, profile %s: leaseDuration %s, renewDeadline %s, retryPeriod %s)",
		       msg, pod_name, e->v.profile->name, ld, rd, rp);
}

/* ---- pods ------------------------------------------------------------------ */

static const char *const pod_keys[] = {
	"name",        "identity",      "replicas",         "start",
	"clock",       "election",      "gracePeriod",      "ignoreSigterm",
	"replacementStart", "workPeriod", "stopDelay",      "livenessProbe",
	"onLost",      "releaseAfterDrain", "waitForDrain", "shutdownStartsWork",
	"coordinated", NULL};
static const char *const coord_keys[] = {"binaryVersion", "emulationVersion",
					 "upgrade", NULL};
static const char *const upgrade_keys[] = {"at", "binaryVersion",
					   "emulationVersion", NULL};
static const char *const on_lost_names[] = {"exit", "rejoin", NULL};
static const char *const clock_keys[] = {"offset", "rate", NULL};
static const char *const probe_keys[] = {"period", "failureThreshold",
					 "healthzTolerance", NULL};

/* livenessProbe: {period: 10s, failureThreshold: 3, healthzTolerance: 20s} */
static int parse_probe(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
		       const char *path, sim_pod_spec *p)
{
	sy_map m;
	int rc;
	if ((rc = sy_map_open(c, d, &m, n, path, probe_keys)) < 0 ||
	    (rc = sy_require(&m, "period", "the probe's period")) < 0 ||
	    (rc = sy_get_dur(&m, "period", SY_DUR_POSITIVE,
			     &p->probe_period_ns)) < 0)
		return rc;
	p->probe_failure_threshold = 3;
	p->healthz_tolerance_ns = 20 * LE_NS_PER_S;
	if ((rc = sy_get_int(&m, "failureThreshold", 1, 1000,
			     &p->probe_failure_threshold)) < 0 ||
	    (rc = sy_get_dur(&m, "healthzTolerance", SY_DUR_ZERO_OK,
			     &p->healthz_tolerance_ns)) < 0)
		return rc;
	return LE_OK;
}

/* binaryVersion and emulationVersion: both strict semantic versions (as
 * the apiserver validates a LeaseCandidate), emulation <= binary. */
static int parse_versions(sy_map *m, sim_scenario *s, const char *path,
			  const char **bv_out, const char **ev_out)
{
	int rc;
	char kpath[SY_PATH_MAX], why[192], bv[LE_VERSION_MAX], ev[LE_VERSION_MAX];
	if ((rc = sy_require(m, "binaryVersion", "the binary version")) < 0 ||
	    (rc = sy_get_str(m, "binaryVersion", bv, LE_VERSION_MAX)) < 0)
		return rc;
	snprintf(ev, LE_VERSION_MAX, "%s", bv);
	if ((rc = sy_get_str(m, "emulationVersion", ev, LE_VERSION_MAX)) < 0)
		return rc;
	le_semver b, e;
	const char *bad = NULL;
	if (le_semver_parse_strict(bv, &b, why, sizeof why) != LE_OK)
		bad = "binaryVersion";
	else if (le_semver_parse_strict(ev, &e, why, sizeof why) != LE_OK)
		bad = "emulationVersion";
	else if (le_semver_compare(&e, &b) > 0) {
		bad = "emulationVersion";
		snprintf(why, sizeof why, "emulationVersion %s is newer than binaryVersion %s",
			 ev, bv);
	}
	(void)path;
	if (!bad) {
		rc = keep(m->c, s, bv, bv_out);
		return rc < 0 ? rc : keep(m->c, s, ev, ev_out);
	}
	sy_key_path(m, bad, kpath, sizeof kpath);
	return sy_fail(m->c, sy_get(m, bad) ? sy_get(m, bad)->start_mark : sy_key_mark(m, bad),
		       kpath, "expected a semantic version such as 1.31.0: %s", why);
}

/* coordinated: {binaryVersion, emulationVersion, upgrade: {at, ...}} */
static int parse_coordinated(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
			     const char *path, sim_scenario *s, sim_pod_spec *p)
{
	sy_map m, u;
	int rc;
	char kpath[SY_PATH_MAX];
	if ((rc = sy_map_open(c, d, &m, n, path, coord_keys)) < 0 ||
	    (rc = parse_versions(&m, s, path, &p->binary_version, &p->emulation_version)) < 0)
		return rc;
	p->coordinated = true;
	p->upgrade_at_ns = INT64_MAX;
	if (!sy_get(&m, "upgrade"))
		return LE_OK;
	sy_key_path(&m, "upgrade", kpath, sizeof kpath);
	if ((rc = sy_map_open(c, d, &u, sy_get(&m, "upgrade"), kpath, upgrade_keys)) < 0 ||
	    (rc = sy_require(&u, "at", "when the upgraded versions apply")) < 0 ||
	    (rc = sy_get_dur(&u, "at", SY_DUR_ZERO_OK, &p->upgrade_at_ns)) < 0 ||
	    (rc = parse_versions(&u, s, kpath, &p->upgrade_binary_version,
				 &p->upgrade_emulation_version)) < 0)
		return rc;
	return LE_OK;
}

typedef struct parse_state {
	sy_ctx *c;
	yaml_document_t *doc;
	sim_scenario *s;
	elect_in defaults;
	size_t pods_cap;
	/* Pod names sorted, for duplicate checks and selector look-ups. */
	const char **sorted;
	/* Which pods[] entry (spec) each pod came from, for messages. */
	size_t *spec_of;
	size_t *spec_line;
} parse_state;

static bool identity_ok(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int add_pod(parse_state *ps, const sim_pod_spec *spec, const char *name,
		   size_t spec_i, yaml_mark_t mark, const char *path)
{
	sim_scenario *s = ps->s;
	const char *kept;
	int rc = keep(ps->c, s, name, &kept);
	if (rc < 0)
		return rc;
	if (s->npods >= SCENARIO_PODS_MAX)
		return sy_fail(ps->c, mark, path,
			       "too many pods: at most %d in one scenario",
			       SCENARIO_PODS_MAX);
	if (s->npods == ps->pods_cap) {
		size_t cap = ps->pods_cap ? ps->pods_cap * 2 : 8;
		sim_pod_spec *p = realloc(s->pods, cap * sizeof *p);
		size_t *so = realloc(ps->spec_of, cap * sizeof *so);
		if (so)
			ps->spec_of = so;
		if (p)
			s->pods = p;
		size_t *sl = so && p ? realloc(ps->spec_line, cap * sizeof *sl)
				     : NULL;
		if (!p || !so || !sl) {
			snprintf(ps->c->err, ps->c->errcap,
				 "%s: out of memory", ps->c->file);
			return LE_ENOMEM;
		}
		ps->spec_line = sl;
		ps->pods_cap = cap;
	}
	ps->spec_of[s->npods] = spec_i;
	ps->spec_line[s->npods] = mark.line + 1;
	s->pods[s->npods] = *spec;
	s->pods[s->npods++].name = kept;
	return LE_OK;
}

static int parse_clock(sy_ctx *c, yaml_document_t *d, yaml_node_t *n,
		       const char *path, sim_pod_spec *p)
{
	sy_map m;
	int rc;
	if ((rc = sy_map_open(c, d, &m, n, path, clock_keys)) < 0 ||
	    (rc = sy_get_dur(&m, "offset", SY_DUR_NEG_OK,
			     &p->clock_offset_ns)) < 0 ||
	    (rc = sy_get_rate_ppm(&m, "rate", &p->clock_rate_ppm)) < 0)
		return rc;
	return LE_OK;
}

static int parse_pod(parse_state *ps, yaml_node_t *n, size_t i)
{
	sy_ctx *c = ps->c;
	char path[SY_PATH_MAX], kpath[SY_PATH_MAX];
	sy_map m;
	int rc;
	sim_pod_spec p;
	char name[LE_ID_MAX], identity[LE_ID_MAX] = "";
	int64_t replicas = 0;
	bool have_replicas;
	elect_in own, eff;

	sy_index(path, sizeof path, "pods", i);
	if ((rc = sy_map_open(c, ps->doc, &m, n, path, pod_keys)) < 0 ||
	    (rc = sy_require(&m, "name", "the pod's name")) < 0)
		return rc;
	memset(&p, 0, sizeof p);
	if ((rc = get_dns_name(&m, "name", true, name, sizeof name)) < 0 ||
	    (rc = sy_get_str(&m, "identity", identity, sizeof identity)) < 0)
		return rc;
	if (rc && !identity_ok(identity)) {
		sy_key_path(&m, "identity", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "identity")->start_mark, kpath,
			       "expected a non-empty identity without control characters");
	}
	if ((rc = sy_get_int(&m, "replicas", 1, SCENARIO_PODS_MAX, &replicas)) < 0)
		return rc;
	have_replicas = rc == 1;
	/* "-9999" is the longest suffix replicas can add. */
	if (have_replicas && strlen(name) + 5 >= sizeof name) {
		sy_key_path(&m, "name", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "name")->start_mark, kpath,
			       "too long to add a replica suffix (at most %zu bytes with replicas)",
			       sizeof name - 6);
	}

	p.grace_period_ns = 30 * LE_NS_PER_S;
	p.replacement_start_ns = 2 * LE_NS_PER_S;
	if ((rc = sy_get_dur(&m, "start", SY_DUR_ZERO_OK, &p.start_ns)) < 0)
		return rc;
	if (rc && p.start_ns >= ps->s->duration_ns) {
		char dur[32];
		sy_format_duration(ps->s->duration_ns, dur, sizeof dur);
		sy_key_path(&m, "start", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "start")->start_mark, kpath,
			       "expected a time before the end of the run (duration %s)",
			       dur);
	}
	if (sy_get(&m, "clock")) {
		sy_key_path(&m, "clock", kpath, sizeof kpath);
		if ((rc = parse_clock(c, ps->doc, sy_get(&m, "clock"), kpath,
				      &p)) < 0)
			return rc;
	}
	if ((rc = sy_get_dur(&m, "gracePeriod", SY_DUR_ZERO_OK,
			     &p.grace_period_ns)) < 0 ||
	    (rc = sy_get_dur(&m, "replacementStart", SY_DUR_ZERO_OK,
			     &p.replacement_start_ns)) < 0 ||
	    (rc = sy_get_dur(&m, "workPeriod", SY_DUR_ZERO_OK,
			     &p.work_period_ns)) < 0 ||
	    (rc = sy_get_dur(&m, "stopDelay", SY_DUR_ZERO_OK, &p.stop_delay_ns)) < 0)
		return rc;
	int on_lost = 0;
	if ((rc = sy_get_enum(&m, "onLost", on_lost_names, &on_lost)) < 0)
		return rc;
	p.rejoin_on_loss = on_lost == 1;
	if ((rc = sy_get_bool(&m, "releaseAfterDrain", &p.release_after_drain)) < 0 ||
	    (rc = sy_get_bool(&m, "waitForDrain", &p.wait_for_drain)) < 0 ||
	    (rc = sy_get_bool(&m, "shutdownStartsWork",
			      &p.shutdown_starts_work)) < 0)
		return rc;
	if (sy_get(&m, "coordinated")) {
		sy_key_path(&m, "coordinated", kpath, sizeof kpath);
		if ((rc = parse_coordinated(c, ps->doc, sy_get(&m, "coordinated"),
					    kpath, ps->s, &p)) < 0)
			return rc;
	}
	if (sy_get(&m, "livenessProbe")) {
		sy_key_path(&m, "livenessProbe", kpath, sizeof kpath);
		if ((rc = parse_probe(c, ps->doc, sy_get(&m, "livenessProbe"),
				      kpath, &p)) < 0)
			return rc;
	}

	if (sy_get(&m, "election")) {
		sy_key_path(&m, "election", kpath, sizeof kpath);
		if ((rc = parse_election(c, ps->doc, sy_get(&m, "election"), kpath,
					 &own)) < 0)
			return rc;
		election_merge(&ps->defaults, &own, &eff);
	} else {
		election_merge(&ps->defaults, NULL, &eff);
	}
	/* A hand-built lock has no request timeout of its own. */
	if (eff.hand_built && !eff.set[EF_TIMEOUT])
		eff.v.request_timeout_ns = -1;
	if ((rc = elect_keep(c, ps->s, &eff, &p.election)) < 0)
		return rc;

	/* 0.5's run.sh is PID 1 and ignores SIGTERM (election-spec.md 6.4). */
	p.sigterm_ignored = p.election.profile == &le_profile_sidecar_05;
	if ((rc = sy_get_bool(&m, "ignoreSigterm", &p.sigterm_ignored)) < 0)
		return rc;

	const char *id = identity[0] ? identity : name;
	if ((rc = election_validate(c, &eff, id, name, n->start_mark,
				    path)) < 0)
		return rc;
	/* replicas with an identity of their own share it (and its copy) */
	p.identity = "";
	if (identity[0] && (rc = keep(c, ps->s, identity, &p.identity)) < 0)
		return rc;

	if (!have_replicas)
		return add_pod(ps, &p, name, i, n->start_mark, path);
	size_t blen = strlen(name);
	for (int64_t r = 0; r < replicas; r++) {
		snprintf(name + blen, sizeof name - blen, "-%d", (int)r);
		if ((rc = add_pod(ps, &p, name, i, n->start_mark, path)) < 0)
			return rc;
	}
	return LE_OK;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first pod named `name` at or after index `from` (npods: none). */
static size_t pod_index(const sim_scenario *s, const char *name, size_t from)
{
	while (from < s->npods && strcmp(s->pods[from].name, name) != 0)
		from++;
	return from;
}

/* After all pods are read: names must be unique; keep them sorted. */
static int index_pods(parse_state *ps, yaml_node_t *pods_node)
{
	sim_scenario *s = ps->s;
	ps->sorted = malloc((s->npods ? s->npods : 1) * sizeof *ps->sorted);
	if (!ps->sorted) {
		snprintf(ps->c->err, ps->c->errcap, "%s: out of memory",
			 ps->c->file);
		return LE_ENOMEM;
	}
	for (size_t i = 0; i < s->npods; i++)
		ps->sorted[i] = s->pods[i].name;
	qsort(ps->sorted, s->npods, sizeof *ps->sorted, cmp_name);
	for (size_t i = 1; i < s->npods; i++) {
		if (strcmp(ps->sorted[i - 1], ps->sorted[i]) != 0)
			continue;
		/* Report the second definition, with the first's line. */
		size_t first = pod_index(s, ps->sorted[i], 0);
		size_t later = pod_index(s, ps->sorted[i], first + 1);
		char path[SY_PATH_MAX];
		yaml_node_t *n = sy_seq_at(ps->doc, pods_node, ps->spec_of[later]);
		sy_index(path, sizeof path, "pods", ps->spec_of[later]);
		return sy_fail(ps->c, n->start_mark, path,
			       "duplicate pod name \"%s\" (also defined on line %zu)",
			       s->pods[later].name, ps->spec_line[first]);
	}
	return LE_OK;
}

static bool pod_exists(const parse_state *ps, const char *name)
{
	return bsearch(&name, ps->sorted, ps->s->npods, sizeof *ps->sorted,
		       cmp_name) != NULL;
}

/* The pod name closest to name, for "did you mean". */
static const char *pod_suggest(const parse_state *ps, const char *name)
{
	const char *cand[2] = {NULL, NULL};
	const char *best = NULL;
	/* Only look at a bounded number of pods: this is a hint. */
	for (size_t i = 0; i < ps->s->npods && i < 256; i++) {
		cand[0] = ps->s->pods[i].name;
		const char *hit = sy_suggest(name, cand);
		if (hit) {
			best = hit;
			break;
		}
	}
	return best;
}

static int parse_pods(parse_state *ps, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE || sy_seq_len(n) == 0) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(ps->c, n->start_mark, "pods",
			       "expected a list of at least one pod (- name: ...), got %s",
			       n->type == YAML_SEQUENCE_NODE ? "an empty list" : got);
	}
	for (size_t i = 0; i < sy_seq_len(n); i++) {
		int rc = parse_pod(ps, sy_seq_at(ps->doc, n, i), i);
		if (rc < 0)
			return rc;
	}
	return index_pods(ps, n);
}

/* ---- faults ---------------------------------------------------------------- */

/* Action names, aliases and each action's keys: the fault model's table
 * (fault_model.c). */
#define action_names sim_fault_action_names
#define action_values sim_fault_action_values

static const char *const fault_keys[] = {
	"action",       "label",         "at",          "duration",
	"selector",     "mode",          "value",       "direction",
	"kind",         "latency",       "jitter",      "loss",
	"timeOffset",   "rate",          "replace",     "replacementProfile",
	"gracePeriod",  "error",         "errorRate",   "retryAfter",
	"down",         "commitDelay",   "requestLatency", "responseLatency",
	"requestLoss",  "responseLoss",  "when",        "monotonic",
	NULL};

static const char *const *action_keys(sim_action a)
{
	return sim_fault_model_of(a)->keys;
}

static const char *const mode_names[] = {"one", "all", "fixed",
					 "fixed-percent", NULL};
static const char *const role_names[] = {"any", "leader", "follower", NULL};
static const char *const direction_names[] = {"both", "to", "from", NULL};
static const char *const partition_names[] = {"blackhole", "refused", NULL};
static const char *const selector_keys[] = {"pods", "role", NULL};

static int parse_selector(parse_state *ps, yaml_node_t *n, const char *path,
			  sim_fault *f)
{
	sy_ctx *c = ps->c;
	sy_map m;
	int rc, role = 0;
	char kpath[SY_PATH_MAX];

	if ((rc = sy_map_open(c, ps->doc, &m, n, path, selector_keys)) < 0)
		return rc;
	if (!sy_get(&m, "pods") && !sy_get(&m, "role"))
		return sy_fail(c, n->start_mark, path,
			       "expected pods: [names] and/or role: leader | follower | any");
	if ((rc = sy_get_enum(&m, "role", role_names, &role)) < 0)
		return rc;
	f->role = (sim_role)role;

	yaml_node_t *pods = sy_get(&m, "pods");
	if (!pods)
		return LE_OK;
	sy_key_path(&m, "pods", kpath, sizeof kpath);
	/* One name or a list of names. */
	size_t count = pods->type == YAML_SEQUENCE_NODE ? sy_seq_len(pods) : 1;
	if (pods->type == YAML_SEQUENCE_NODE && count == 0)
		return sy_fail(c, pods->start_mark, kpath,
			       "expected at least one pod name");
	if (count > SIM_SELECT_MAX)
		return sy_fail(c, pods->start_mark, kpath,
			       "too many names: at most %d (use role or mode to select more)",
			       SIM_SELECT_MAX);
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *item = pods->type == YAML_SEQUENCE_NODE
					    ? sy_seq_at(ps->doc, pods, i)
					    : pods;
		char ipath[SY_PATH_MAX];
		if (pods->type == YAML_SEQUENCE_NODE)
			sy_index(ipath, sizeof ipath, kpath, i);
		else
			snprintf(ipath, sizeof ipath, "%s", kpath);
		char *name = f->names[f->nnames];
		if ((rc = sy_str(c, item, ipath, name, LE_ID_MAX)) < 0)
			return rc;
		if (!pod_exists(ps, name)) {
			const char *near = pod_suggest(ps, name);
			if (near)
				return sy_fail(c, item->start_mark, ipath,
					       "no pod named \"%s\" (did you mean %s?)",
					       name, near);
			return sy_fail(c, item->start_mark, ipath,
				       "no pod named \"%s\"; the selector must match a pod in pods:",
				       name);
		}
		f->nnames++;
	}
	return LE_OK;
}

static int parse_mode(parse_state *ps, sy_map *m, sim_fault *f)
{
	sy_ctx *c = ps->c;
	char kpath[SY_PATH_MAX];
	int rc, mode = 1;
	if ((rc = sy_get_enum(m, "mode", mode_names, &mode)) < 0)
		return rc;
	f->mode = (sim_mode)mode;
	yaml_node_t *v = sy_get(m, "value");
	bool needs = f->mode == SIM_MODE_FIXED ||
		     f->mode == SIM_MODE_FIXED_PERCENT;
	if (!needs) {
		if (!v)
			return LE_OK;
		sy_key_path(m, "value", kpath, sizeof kpath);
		return sy_fail(c, sy_key_mark(m, "value"), kpath,
			       "only used with mode: fixed or fixed-percent");
	}
	if ((rc = sy_require(m, "value",
			     f->mode == SIM_MODE_FIXED
				     ? "how many pods (mode: fixed)"
				     : "a percentage 1-100 (mode: fixed-percent)")) < 0)
		return rc;
	int64_t val;
	sy_key_path(m, "value", kpath, sizeof kpath);
	/* Chaos Mesh writes value as a string ("2"): accept both. */
	if ((rc = sy_int(c, v, kpath, 1,
			 f->mode == SIM_MODE_FIXED ? SCENARIO_PODS_MAX : 100,
			 true, &val)) < 0)
		return rc;
	f->value = (int)val;
	if (f->mode == SIM_MODE_FIXED && f->nnames > 0 && val > f->nnames)
		return sy_fail(c, v->start_mark, kpath,
			       "mode fixed with value %d, but the selector names only %d pod%s",
			       f->value, f->nnames, f->nnames == 1 ? "" : "s");
	return LE_OK;
}

static int require_positive_duration(parse_state *ps, sy_map *m, sim_fault *f,
				     bool required, const char *why)
{
	int rc;
	if (required && (rc = sy_require(m, "duration", why)) < 0)
		return rc;
	if ((rc = sy_get_dur(m, "duration", SY_DUR_POSITIVE, &f->duration_ns)) < 0)
		return rc;
	int64_t latest = f->at_max_ns > f->at_ns ? f->at_max_ns : f->at_ns;
	if (rc && latest + f->duration_ns > ps->s->duration_ns) {
		char kpath[SY_PATH_MAX], end[32], dur[32];
		sy_format_duration(latest + f->duration_ns, end, sizeof end);
		sy_format_duration(ps->s->duration_ns, dur, sizeof dur);
		sy_key_path(m, "duration", kpath, sizeof kpath);
		return sy_fail(ps->c, sy_get(m, "duration")->start_mark, kpath,
			       "the fault would end at %s, after the run ends (duration %s); omit duration to last until the end",
			       end, dur);
	}
	return LE_OK;
}

static int parse_net_fault(parse_state *ps, sy_map *m, sim_fault *f)
{
	sy_ctx *c = ps->c;
	char kpath[SY_PATH_MAX];
	int rc, dir = 0, kind = 0;
	if ((rc = sy_get_enum(m, "direction", direction_names, &dir)) < 0)
		return rc;
	f->direction = (sim_direction)dir;
	switch (f->action) {
	case SIM_ACT_PARTITION:
		if ((rc = sy_get_enum(m, "kind", partition_names, &kind)) < 0)
			return rc;
		f->partition_kind = kind == 1 ? FA_PART_REFUSED : FA_PART_BLACKHOLE;
		if (f->partition_kind == FA_PART_REFUSED &&
		    f->direction == SIM_DIR_FROM) {
			sy_key_path(m, "kind", kpath, sizeof kpath);
			return sy_fail(c, sy_key_mark(m, "kind"), kpath,
				       "refused needs direction to or both (a refused connection never carries the request); use blackhole for direction: from");
		}
		return LE_OK;
	case SIM_ACT_DELAY: {
		if ((rc = sy_require(m, "latency", "a latency like 200ms or {min: 1ms, max: 5ms}")) < 0 ||
		    (rc = sy_get_latency(m, "latency", &f->latency)) < 0)
			return rc;
		int64_t jitter = 0;
		if ((rc = sy_get_dur(m, "jitter", SY_DUR_ZERO_OK, &jitter)) < 0)
			return rc;
		if (rc == 0)
			return LE_OK;
		if (f->latency.kind == FA_LAT_UNIFORM ||
		    f->latency.kind == FA_LAT_PARETO) {
			sy_key_path(m, "jitter", kpath, sizeof kpath);
			return sy_fail(c, sy_key_mark(m, "jitter"), kpath,
				       "only used with a fixed latency (latency: 100ms, jitter: 20ms)");
		}
		/* latency ± jitter, as Chaos Mesh reads it. */
		int64_t mid = f->latency.a_ns;
		f->latency.kind = FA_LAT_UNIFORM;
		f->latency.a_ns = mid > jitter ? mid - jitter : 0;
		f->latency.b_ns = mid + jitter;
		return LE_OK;
	}
	case SIM_ACT_LOSS:
		if ((rc = sy_require(m, "loss", "a probability like 10% or 0.1")) < 0 ||
		    (rc = sy_get_prob(m, "loss", &f->loss)) < 0)
			return rc;
		return LE_OK;
	default:
		return LE_OK;
	}
}

static int parse_apiserver(parse_state *ps, sy_map *m, sim_fault *f)
{
	static const char *const effects[] = {
		"error",       "down",           "commitDelay", "requestLatency",
		"responseLatency", "requestLoss", "responseLoss", NULL};
	static const char *const errors[] = {"429", "500", "503", "504", NULL};
	static const int error_codes[] = {429, 500, 503, 504};
	sy_ctx *c = ps->c;
	fa_fault_rule *r = &f->apiserver;
	char kpath[SY_PATH_MAX];
	int rc, err_i;
	bool any = false;

	for (size_t i = 0; effects[i]; i++)
		any = any || sy_get(m, effects[i]);
	if (!any)
		return sy_fail(c, m->node->start_mark, m->path,
			       "an apiserver fault needs at least one of: error, down, commitDelay, requestLatency, responseLatency, requestLoss, responseLoss");
	if ((rc = sy_get_enum(m, "error", errors, &err_i)) < 0)
		return rc;
	if (rc)
		r->error_code = error_codes[err_i];
	if ((rc = sy_get_prob(m, "errorRate", &r->error_rate)) < 0)
		return rc;
	if (rc && !r->error_code) {
		sy_key_path(m, "errorRate", kpath, sizeof kpath);
		return sy_fail(c, sy_key_mark(m, "errorRate"), kpath,
			       "only used with error: 429 | 500 | 503 | 504");
	}
	int64_t retry = 0;
	if ((rc = sy_get_dur(m, "retryAfter", SY_DUR_ZERO_OK, &retry)) < 0)
		return rc;
	if (rc) {
		sy_key_path(m, "retryAfter", kpath, sizeof kpath);
		if (r->error_code != 429)
			return sy_fail(c, sy_key_mark(m, "retryAfter"), kpath,
				       "only used with error: 429");
		if (retry % LE_NS_PER_S || retry / LE_NS_PER_S > 86400)
			return sy_fail(c, sy_get(m, "retryAfter")->start_mark,
				       kpath,
				       "expected whole seconds up to 24h (Retry-After is in seconds)");
		r->retry_after_s = (int)(retry / LE_NS_PER_S);
	}
	if ((rc = sy_get_bool(m, "down", &f->apiserver_down)) < 0 ||
	    (rc = sy_get_dur(m, "commitDelay", SY_DUR_POSITIVE,
			     &r->commit_delay_ns)) < 0 ||
	    (rc = sy_get_latency(m, "requestLatency", &r->request_latency)) < 0 ||
	    (rc = sy_get_latency(m, "responseLatency", &r->response_latency)) < 0 ||
	    (rc = sy_get_prob(m, "requestLoss", &r->request_loss)) < 0 ||
	    (rc = sy_get_prob(m, "responseLoss", &r->response_loss)) < 0)
		return rc;
	if (f->apiserver_down && sy_get(m, "selector")) {
		sy_key_path(m, "selector", kpath, sizeof kpath);
		return sy_fail(c, sy_key_mark(m, "selector"), kpath,
			       "down: true takes the whole apiserver down; it has no selector");
	}
	return LE_OK;
}

static void default_label(sim_fault *f)
{
	const char *act = "?";
	for (size_t i = 0; action_names[i]; i++)
		if (action_values[i] == f->action) {
			act = action_names[i];
			break;
		}
	char target[SIM_NAME_MAX] = "";
	size_t n = 0;
	for (int i = 0; i < f->nnames && n < sizeof target; i++) {
		int k = snprintf(target + n, sizeof target - n, "%s%s",
				 i ? "," : "", f->names[i]);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (f->role != SIM_ROLE_ANY)
		snprintf(target + (n < sizeof target ? n : sizeof target - 1),
			 sizeof target - (n < sizeof target ? n : sizeof target - 1),
			 "%s%s", n ? " " : "", role_names[f->role]);
	else if (!f->nnames)
		snprintf(target, sizeof target, "%s",
			 f->action == SIM_ACT_APISERVER ? "all clients" : "all pods");
	snprintf(f->label, sizeof f->label, "%s %.*s", act,
		 (int)(sizeof f->label - strlen(act) - 2), target);
}

static const char *const when_events[] = {
	"renew-request", "renew-response", "lease-write", "started-leading",
	"stopped-leading", NULL};

/* when: {event: E, pod: NAME, count: N} */
static int parse_when(parse_state *ps, yaml_node_t *n, const char *path,
		      sim_fault *f)
{
	static const char *const keys[] = {"event", "pod", "count", NULL};
	sy_ctx *c = ps->c;
	sy_map m;
	char kpath[SY_PATH_MAX];
	int rc, ev;
	if ((rc = sy_map_open(c, ps->doc, &m, n, path, keys)) < 0 ||
	    (rc = sy_require(&m, "event",
			     "one of renew-request | renew-response | lease-write | started-leading | stopped-leading")) < 0 ||
	    (rc = sy_get_enum(&m, "event", when_events, &ev)) < 0)
		return rc;
	f->when.kind = (sim_trigger_kind)(ev + 1);
	if ((rc = sy_get_str(&m, "pod", f->when.pod, sizeof f->when.pod)) < 0)
		return rc;
	if (rc && !pod_exists(ps, f->when.pod)) {
		sy_key_path(&m, "pod", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "pod")->start_mark, kpath,
			       "no pod named \"%s\"; the trigger must name a pod in pods:",
			       f->when.pod);
	}
	f->when.count = 1;
	if ((rc = sy_get_int(&m, "count", 1, 1000000000, &f->when.count)) < 0)
		return rc;
	if (rc && f->when.kind != SIM_WHEN_LEASE_WRITE) {
		sy_key_path(&m, "count", kpath, sizeof kpath);
		return sy_fail(c, sy_key_mark(&m, "count"), kpath,
			       "only used with event: lease-write");
	}
	return LE_OK;
}

/* at: {uniform: [20s, 40s]}: a start time drawn per seed, both ends
 * included, the later one before the end of the run. */
static int parse_at_uniform(parse_state *ps, yaml_node_t *n, const char *path,
			    sim_fault *f)
{
	static const char *const keys[] = {"uniform", NULL};
	sy_ctx *c = ps->c;
	sy_map m;
	char kpath[SY_PATH_MAX], ipath[SY_PATH_MAX];
	int rc;
	if ((rc = sy_map_open(c, ps->doc, &m, n, path, keys)) < 0 ||
	    (rc = sy_require(&m, "uniform", "[earliest, latest] like [20s, 40s]")) < 0)
		return rc;
	yaml_node_t *seq = sy_get(&m, "uniform");
	sy_key_path(&m, "uniform", kpath, sizeof kpath);
	if (seq->type != YAML_SEQUENCE_NODE || sy_seq_len(seq) != 2) {
		char got[64];
		sy_got(seq, got, sizeof got);
		return sy_fail(c, seq->start_mark, kpath,
			       "expected [earliest, latest] like [20s, 40s], got %s", got);
	}
	int64_t v[2];
	for (size_t k = 0; k < 2; k++) {
		sy_index(ipath, sizeof ipath, kpath, k);
		if ((rc = sy_dur(c, sy_seq_at(ps->doc, seq, k), ipath, SY_DUR_ZERO_OK,
				 &v[k])) < 0)
			return rc;
	}
	if (v[1] < v[0]) {
		sy_index(ipath, sizeof ipath, kpath, 1);
		return sy_fail(c, sy_seq_at(ps->doc, seq, 1)->start_mark, ipath,
			       "expected a time >= the earliest");
	}
	if (v[1] >= ps->s->duration_ns) {
		char at[32], dur[32];
		sy_format_duration(v[1], at, sizeof at);
		sy_format_duration(ps->s->duration_ns, dur, sizeof dur);
		sy_index(ipath, sizeof ipath, kpath, 1);
		return sy_fail(c, sy_seq_at(ps->doc, seq, 1)->start_mark, ipath,
			       "%s is not before the end of the run (duration %s)", at, dur);
	}
	f->at_ns = v[0];
	f->at_max_ns = v[1] > v[0] ? v[1] : 0;
	return LE_OK;
}

static bool any_coordinated(const parse_state *ps)
{
	for (size_t i = 0; i < ps->s->npods; i++)
		if (ps->s->pods[i].coordinated)
			return true;
	return false;
}

/* delete-candidate: a named pod must publish a LeaseCandidate. */
static int selected_are_coordinated(parse_state *ps, yaml_node_t *sel,
				    const char *path, const sim_fault *f)
{
	yaml_node_t *pods = NULL;
	for (yaml_node_pair_t *p = sel->data.mapping.pairs.start;
	     sel->type == YAML_MAPPING_NODE && p < sel->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(ps->doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, "pods"))
			pods = yaml_document_get_node(ps->doc, p->value);
	}
	for (int k = 0; k < f->nnames; k++) {
		const sim_pod_spec *spec = NULL;
		for (size_t i = 0; i < ps->s->npods; i++)
			if (!strcmp(ps->s->pods[i].name, f->names[k]))
				spec = &ps->s->pods[i];
		if (!spec || spec->coordinated)
			continue;
		char ipath[SY_PATH_MAX], base[SY_PATH_MAX];
		snprintf(base, sizeof base, "%.*s.pods", SY_PATH_MAX - 8, path);
		yaml_node_t *item = pods;
		if (pods && pods->type == YAML_SEQUENCE_NODE) {
			sy_index(ipath, sizeof ipath, base, (size_t)k);
			item = sy_seq_at(ps->doc, pods, (size_t)k);
		} else {
			snprintf(ipath, sizeof ipath, "%s", base);
		}
		return sy_fail(ps->c, item ? item->start_mark : sel->start_mark,
			       ipath,
			       "pod \"%s\" is not coordinated (no coordinated: key): "
			       "it has no LeaseCandidate to delete",
			       f->names[k]);
	}
	return LE_OK;
}

static int parse_fault(parse_state *ps, yaml_node_t *n, size_t i, sim_fault *f)
{
	sy_ctx *c = ps->c;
	char path[SY_PATH_MAX], kpath[SY_PATH_MAX];
	sy_map m;
	int rc, act;

	memset(f, 0, sizeof *f);
	f->line = (int)n->start_mark.line + 1;
	f->grace_period_ns = -1;
	sy_index(path, sizeof path, "faults", i);
	if ((rc = sy_map_open(c, ps->doc, &m, n, path, fault_keys)) < 0 ||
	    (rc = sy_require(&m, "action",
			     "one of pod-kill | pod-delete | pod-failure | restart | pause | partition | delay | loss | time-skew | clock-rate | apiserver | delete-candidate | controller-restart | controller-pause")) < 0 ||
	    (rc = sy_get_enum(&m, "action", action_names, &act)) < 0)
		return rc;
	f->action = action_values[act];
	char owner[64];
	snprintf(owner, sizeof owner, "a %s fault", action_names[act]);
	/* `when` applies to every action; listed last so that the messages
	 * of the action's own keys read as they always did. */
	const char *allowed[SY_KEYS_MAX + 1];
	size_t na = 0;
	for (const char *const *k = action_keys(f->action); *k && na < SY_KEYS_MAX - 1; k++)
		allowed[na++] = *k;
	allowed[na++] = "when";
	allowed[na] = NULL;
	if ((rc = sy_only(&m, allowed, owner)) < 0)
		return rc;

	if ((rc = sy_get_str(&m, "label", f->label, sizeof f->label)) < 0)
		return rc;
	yaml_node_t *at_node = sy_get(&m, "at");
	if (at_node && at_node->type == YAML_MAPPING_NODE) {
		sy_key_path(&m, "at", kpath, sizeof kpath);
		if ((rc = parse_at_uniform(ps, at_node, kpath, f)) < 0)
			return rc;
	} else if ((rc = sy_get_dur(&m, "at", SY_DUR_ZERO_OK, &f->at_ns)) < 0) {
		return rc;
	}
	if (f->at_ns >= ps->s->duration_ns) {
		char at[32], dur[32];
		sy_format_duration(f->at_ns, at, sizeof at);
		sy_format_duration(ps->s->duration_ns, dur, sizeof dur);
		sy_key_path(&m, "at", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "at")->start_mark, kpath,
			       "%s is not before the end of the run (duration %s)",
			       at, dur);
	}

	yaml_node_t *when = sy_get(&m, "when");
	if (when) {
		sy_key_path(&m, "when", kpath, sizeof kpath);
		if ((rc = parse_when(ps, when, kpath, f)) < 0)
			return rc;
	}

	if (f->action >= SIM_ACT_DELETE_CANDIDATE && !any_coordinated(ps)) {
		sy_key_path(&m, "action", kpath, sizeof kpath);
		return sy_fail(c, sy_get(&m, "action")->start_mark, kpath,
			       "%s needs a coordinated pod (pods[].coordinated): "
			       "without one there is no election controller and "
			       "no LeaseCandidate, so the fault would hit nothing",
			       action_names[act]);
	}
	yaml_node_t *sel = sy_get(&m, "selector");
	if (f->action != SIM_ACT_APISERVER && !sim_fault_on_controller(f) &&
	    (rc = sy_require(&m, "selector",
			     "which pods: {pods: [name, ...]} and/or {role: leader | follower}")) < 0)
		return rc;
	if (sel) {
		sy_key_path(&m, "selector", kpath, sizeof kpath);
		if ((rc = parse_selector(ps, sel, kpath, f)) < 0)
			return rc;
		if (f->action == SIM_ACT_DELETE_CANDIDATE &&
		    (rc = selected_are_coordinated(ps, sel, kpath, f)) < 0)
			return rc;
	}
	if ((rc = parse_mode(ps, &m, f)) < 0)
		return rc;

	switch (f->action) {
	case SIM_ACT_POD_KILL:
	case SIM_ACT_POD_DELETE: {
		if ((rc = sy_get_bool(&m, "replace", &f->replace)) < 0)
			return rc;
		if ((rc = sy_get_dur(&m, "gracePeriod", SY_DUR_ZERO_OK,
				     &f->grace_period_ns)) < 0)
			return rc;
		if (f->action == SIM_ACT_POD_KILL)
			f->grace_period_ns = 0;
		int idx;
		const char *pnames[PROFILE_NAMES_MAX];
		profile_names(pnames);
		if ((rc = sy_get_enum(&m, "replacementProfile", pnames, &idx)) < 0)
			return rc;
		if (rc) {
			sy_key_path(&m, "replacementProfile", kpath, sizeof kpath);
			if (!f->replace)
				return sy_fail(c, sy_key_mark(&m, "replacementProfile"),
					       kpath, "only used with replace: true");
			f->replacement_profile = le_profile_find(pnames[idx]);
		}
		break;
	}
	case SIM_ACT_POD_FAILURE:
		rc = require_positive_duration(ps, &m, f, true,
					       "how long the pod stays down");
		break;
	case SIM_ACT_PAUSE:
		rc = require_positive_duration(ps, &m, f, true,
					       "how long the process is stopped (SIGSTOP)");
		break;
	case SIM_ACT_RESTART:
	case SIM_ACT_DELETE_CANDIDATE:
		break;
	case SIM_ACT_CONTROLLER_RESTART:
		rc = require_positive_duration(ps, &m, f, false, "");
		break;
	case SIM_ACT_CONTROLLER_PAUSE:
		rc = require_positive_duration(ps, &m, f, true,
					       "how long the election controller runs nothing");
		break;
	case SIM_ACT_PARTITION:
	case SIM_ACT_DELAY:
	case SIM_ACT_LOSS:
		if ((rc = require_positive_duration(ps, &m, f, false, "")) < 0)
			return rc;
		rc = parse_net_fault(ps, &m, f);
		break;
	case SIM_ACT_TIME_SKEW:
		if ((rc = require_positive_duration(ps, &m, f, false, "")) < 0 ||
		    (rc = sy_require(&m, "timeOffset",
				     "a wall clock step like -10s or 1m")) < 0 ||
		    (rc = sy_get_dur(&m, "timeOffset", SY_DUR_NEG_OK,
				     &f->time_offset_ns)) < 0)
			return rc;
		if (f->time_offset_ns == 0) {
			sy_key_path(&m, "timeOffset", kpath, sizeof kpath);
			return sy_fail(c, sy_get(&m, "timeOffset")->start_mark, kpath,
				       "expected a non-zero step (a zero step does nothing)");
		}
		if ((rc = sy_get_bool(&m, "monotonic", &f->time_skew_monotonic)) < 0)
			return rc;
		if (f->time_skew_monotonic && f->time_offset_ns < 0) {
			sy_key_path(&m, "timeOffset", kpath, sizeof kpath);
			return sy_fail(c, sy_get(&m, "timeOffset")->start_mark, kpath,
				       "expected a forward step with monotonic: true "
				       "(a monotonic clock never goes back)");
		}
		break;
	case SIM_ACT_CLOCK_RATE:
		if ((rc = require_positive_duration(ps, &m, f, false, "")) < 0 ||
		    (rc = sy_require(&m, "rate", "a clock rate like 200ppm or 0.5x")) < 0 ||
		    (rc = sy_get_rate_ppm(&m, "rate", &f->rate_ppm)) < 0)
			return rc;
		break;
	case SIM_ACT_APISERVER:
		if ((rc = require_positive_duration(ps, &m, f, false, "")) < 0)
			return rc;
		rc = parse_apiserver(ps, &m, f);
		break;
	}
	if (rc < 0)
		return rc;
	if (!f->label[0])
		default_label(f);
	return LE_OK;
}

static int parse_faults(parse_state *ps, yaml_node_t *n)
{
	sim_scenario *s = ps->s;
	if (sy_is_null(n))
		return LE_OK;
	if (n->type != YAML_SEQUENCE_NODE) {
		char got[64];
		sy_got(n, got, sizeof got);
		return sy_fail(ps->c, n->start_mark, "faults",
			       "expected a list of faults (- action: ...), got %s",
			       got);
	}
	size_t count = sy_seq_len(n);
	if (count > SCENARIO_FAULTS_MAX)
		return sy_fail(ps->c, n->start_mark, "faults",
			       "too many faults: at most %d", SCENARIO_FAULTS_MAX);
	if (count == 0)
		return LE_OK;
	s->faults = calloc(count, sizeof *s->faults);
	if (!s->faults) {
		snprintf(ps->c->err, ps->c->errcap, "%s: out of memory",
			 ps->c->file);
		return LE_ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		int rc = parse_fault(ps, sy_seq_at(ps->doc, n, i), i, &s->faults[i]);
		if (rc < 0)
			return rc;
		s->nfaults++;
	}
	return LE_OK;
}

/* ---- expectations ---------------------------------------------------------- */

static const char *const expect_keys[] = {"maxLeaders", "failover",
					  "leaderless", "liveness",
					  "stability",  "violation", NULL};

/* `key: 25s` or `key: {<sub>: 25s}`. */
static int bound(parse_state *ps, const sy_map *m, const char *key,
		 const char *sub, int64_t *out)
{
	yaml_node_t *n = sy_get(m, key);
	char kpath[SY_PATH_MAX];
	if (!n)
		return 0;
	sy_key_path(m, key, kpath, sizeof kpath);
	if (n->type == YAML_SCALAR_NODE)
		return sy_dur(ps->c, n, kpath, SY_DUR_POSITIVE, out) < 0 ? LE_EINVAL : 1;
	const char *keys[] = {sub, NULL};
	sy_map sm;
	int rc;
	if ((rc = sy_map_open(ps->c, ps->doc, &sm, n, kpath, keys)) < 0 ||
	    (rc = sy_require(&sm, sub, "a duration like 30s")) < 0 ||
	    (rc = sy_get_dur(&sm, sub, SY_DUR_POSITIVE, out)) < 0)
		return rc;
	return 1;
}

static int parse_expect(parse_state *ps, yaml_node_t *n)
{
	sim_expect *e = &ps->s->expect;
	sy_map m;
	int rc, inv;
	int64_t v;

	if ((rc = sy_map_open(ps->c, ps->doc, &m, n, "expect", expect_keys)) < 0)
		return rc;
	if ((rc = sy_get_int(&m, "maxLeaders", 1, SCENARIO_PODS_MAX, &v)) < 0)
		return rc;
	if (rc)
		e->max_leaders = (int)v;
	if ((rc = bound(ps, &m, "failover", "max", &e->failover_max_ns)) < 0 ||
	    (rc = bound(ps, &m, "leaderless", "max", &e->leaderless_max_ns)) < 0)
		return rc;
	/* liveness: false | true | 30s | {within: 30s} */
	yaml_node_t *live = sy_get(&m, "liveness");
	const char *lv = sy_scalar(live);
	if (lv && live->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp(lv, "true") || !strcmp(lv, "false"))) {
		char kpath[SY_PATH_MAX];
		sy_key_path(&m, "liveness", kpath, sizeof kpath);
		if ((rc = sy_bool(ps->c, live, kpath, &e->check_liveness)) < 0)
			return rc;
	} else if ((rc = bound(ps, &m, "liveness", "within",
			       &e->liveness_within_ns)) < 0) {
		return rc;
	}
	/* Names as the checker prints them; SIM_INV_NONE is "any". */
	const char *invariants[SIM_INV_COUNT + 1];
	for (int i = 0; i < SIM_INV_COUNT; i++)
		invariants[i] = sim_invariant_name((sim_invariant)i);
	invariants[SIM_INV_COUNT] = NULL;
	/* stability: true | false | {maxChangesPerHour: N} */
	yaml_node_t *st = sy_get(&m, "stability");
	if (st && st->type == YAML_MAPPING_NODE) {
		static const char *const skeys[] = {"maxChangesPerHour", NULL};
		char kpath[SY_PATH_MAX];
		sy_map sm;
		sy_key_path(&m, "stability", kpath, sizeof kpath);
		if ((rc = sy_map_open(ps->c, ps->doc, &sm, st, kpath, skeys)) < 0 ||
		    (rc = sy_require(&sm, "maxChangesPerHour",
				     "a number of leader changes")) < 0 ||
		    (rc = sy_get_int(&sm, "maxChangesPerHour", 1, 1000000,
				     &e->max_changes_per_hour)) < 0)
			return rc;
	} else if ((rc = sy_get_bool(&m, "stability", &e->check_stability)) < 0) {
		return rc;
	}
	if ((rc = sy_get_enum(&m, "violation", invariants, &inv)) < 0)
		return rc;
	if (rc) {
		e->expect_violation = true;
		e->violation = (sim_invariant)inv; /* "any" = SIM_INV_NONE */
	}
	return LE_OK;
}

/* ---- the document ------------------------------------------------------------ */

static const char *const top_keys[] = {"name",    "description", "duration",
				       "seed",    "election",    "network",
				       "pods",    "faults",      "expect",
				       "controller", "timing",   NULL};

/* controller: {clock: {offset, rate}, latency, informerLag}. After the pods,
 * since it needs a coordinated one. */
static int parse_controller(parse_state *ps, yaml_node_t *n)
{
	static const char *const keys[] = {"clock", "latency", "informerLag",
					   NULL};
	sim_controller_spec *cs = &ps->s->controller;
	sy_map m, cm;
	int rc;
	if ((rc = sy_map_open(ps->c, ps->doc, &m, n, "controller", keys)) < 0)
		return rc;
	if (!any_coordinated(ps))
		return sy_fail(ps->c, n->start_mark, "controller",
			       "needs a coordinated pod (pods[].coordinated): "
			       "without one there is no election controller, so "
			       "its settings would change nothing");
	cs->present = true;
	yaml_node_t *clk = sy_get(&m, "clock");
	if (clk &&
	    ((rc = sy_map_open(ps->c, ps->doc, &cm, clk, "controller.clock",
			       clock_keys)) < 0 ||
	     (rc = sy_get_dur(&cm, "offset", SY_DUR_NEG_OK,
			      &cs->clock_offset_ns)) < 0 ||
	     (rc = sy_get_rate_ppm(&cm, "rate", &cs->clock_rate_ppm)) < 0))
		return rc;
	if ((rc = sy_get_latency(&m, "latency", &cs->latency)) < 0 ||
	    (rc = sy_get_dur(&m, "informerLag", SY_DUR_ZERO_OK,
			     &cs->informer_lag_ns)) < 0)
		return rc;
	return LE_OK;
}

/* timing: {window, points, depth, path: [...]} or {critical: true}: one
 * run's timing choices (sim_timing_spec; docs/prove.md). */
static int parse_timing(parse_state *ps, yaml_node_t *n)
{
	static const char *const keys[] = {"window", "points", "depth", "path",
					   "critical", NULL};
	sim_timing_spec *t = &ps->s->timing;
	sy_map m;
	int rc;
	if ((rc = sy_map_open(ps->c, ps->doc, &m, n, "timing", keys)) < 0)
		return rc;
	t->present = true;
	if ((rc = sy_get_bool(&m, "critical", &t->critical)) < 0)
		return rc;
	if (t->critical) {
		static const char *const others[] = {"window", "points", "depth",
						     "path"};
		for (size_t i = 0; i < sizeof others / sizeof *others; i++)
			if (sy_get(&m, others[i]))
				return sy_fail(ps->c, sy_get(&m, others[i])->start_mark,
					       "timing", "critical: true takes no %s "
					       "(critical draws are no choice path)",
					       others[i]);
		return LE_OK;
	}
	int64_t points = 2, depth = 0;
	if ((rc = sy_require(&m, "window",
			     "how far from a fault's start or end a draw is a "
			     "choice point, e.g. 2s")) < 0 ||
	    (rc = sy_get_dur(&m, "window", SY_DUR_ZERO_OK, &t->window_ns)) < 0 ||
	    (rc = sy_get_int(&m, "points", 2, 16, &points)) < 0 ||
	    (rc = sy_get_int(&m, "depth", 1, SIM_TIMING_PATH_MAX, &depth)) < 0)
		return rc;
	t->points = (uint32_t)points;
	if (ps->s->nfaults == 0)
		return sy_fail(ps->c, n->start_mark, "timing",
			       "the scenario has no faults: choice points are the "
			       "draws near a fault's start or end, so the path "
			       "would choose nothing");
	yaml_node_t *path = sy_get(&m, "path");
	if (path) {
		if (path->type != YAML_SEQUENCE_NODE)
			return sy_fail(ps->c, path->start_mark, "timing.path",
				       "expected a list of picks, e.g. [0, 1, 1]");
		size_t np = sy_seq_len(path);
		if (np > SIM_TIMING_PATH_MAX)
			return sy_fail(ps->c, path->start_mark, "timing.path",
				       "at most %d picks, got %zu",
				       SIM_TIMING_PATH_MAX, np);
		for (size_t i = 0; i < np; i++) {
			char kpath[SY_PATH_MAX];
			snprintf(kpath, sizeof kpath, "timing.path[%zu]", i);
			int64_t v;
			if ((rc = sy_int(ps->c, sy_seq_at(ps->doc, path, i), kpath,
					 0, points - 1, false, &v)) < 0)
				return rc;
			t->path[i] = (uint8_t)v;
		}
		t->npath = (uint32_t)np;
	}
	t->depth = depth ? (uint32_t)depth : (t->npath ? t->npath : 1);
	if (t->npath > t->depth)
		return sy_fail(ps->c, path->start_mark, "timing.path",
			       "%u picks for a depth of %u", t->npath, t->depth);
	return LE_OK;
}

static int parse_network(parse_state *ps, yaml_node_t *n)
{
	static const char *const keys[] = {"latency", NULL};
	static const char *const legs[] = {"to", "from", NULL};
	sim_scenario *s = ps->s;
	sy_map m;
	int rc;
	if ((rc = sy_map_open(ps->c, ps->doc, &m, n, "network", keys)) < 0)
		return rc;
	yaml_node_t *lat = sy_get(&m, "latency");
	if (!lat)
		return LE_OK;
	/* {to: .., from: ..} per leg, or one latency for both legs. */
	bool per_leg = false;
	if (lat->type == YAML_MAPPING_NODE)
		for (yaml_node_pair_t *p = lat->data.mapping.pairs.start;
		     p < lat->data.mapping.pairs.top; p++) {
			const char *k = sy_scalar(yaml_document_get_node(ps->doc, p->key));
			per_leg = per_leg || (k && (!strcmp(k, "to") || !strcmp(k, "from")));
		}
	if (!per_leg) {
		if ((rc = sy_latency(ps->c, ps->doc, lat, "network.latency",
				     &s->latency_to)) < 0)
			return rc;
		s->latency_from = s->latency_to;
		return LE_OK;
	}
	sy_map lm;
	if ((rc = sy_map_open(ps->c, ps->doc, &lm, lat, "network.latency", legs)) < 0 ||
	    (rc = sy_get_latency(&lm, "to", &s->latency_to)) < 0 ||
	    (rc = sy_get_latency(&lm, "from", &s->latency_from)) < 0)
		return rc;
	return LE_OK;
}

static void default_name(const char *file, char *out, size_t cap)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t len = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		len = (size_t)(dot - base);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, base, len);
	out[len] = 0;
}

static int parse_root(parse_state *ps, yaml_node_t *root)
{
	sy_ctx *c = ps->c;
	sim_scenario *s = ps->s;
	sy_map m;
	int rc;

	if (root->type != YAML_MAPPING_NODE) {
		char got[64];
		sy_got(root, got, sizeof got);
		return sy_fail(c, root->start_mark, "scenario",
			       "expected a mapping with name, duration, pods, faults, expect; got %s",
			       got);
	}
	if ((rc = sy_map_open(c, ps->doc, &m, root, "", top_keys)) < 0 ||
	    (rc = sy_require(&m, "duration", "how long the run lasts, e.g. 120s")) < 0 ||
	    (rc = sy_require(&m, "pods", "a list of pods (- name: ...)")) < 0)
		return rc;
	if ((rc = sy_get_str(&m, "name", s->name, sizeof s->name)) < 0)
		return rc;
	if (rc == 0)
		default_name(s->file, s->name, sizeof s->name);
	if ((rc = sy_get_str(&m, "description", s->description,
			     sizeof s->description)) < 0 ||
	    (rc = sy_get_dur(&m, "duration", SY_DUR_POSITIVE, &s->duration_ns)) < 0)
		return rc;
	if (s->duration_ns > SY_DURATION_MAX_NS) {
		char got[32];
		sy_format_duration(s->duration_ns, got, sizeof got);
		return sy_fail(c, sy_key_mark(&m, "duration"), "duration",
			       "%s is longer than a scenario may run (at most 24h of "
			       "simulated time)",
			       got);
	}
	s->seed = DEFAULT_SEED;
	if (sy_get(&m, "seed") &&
	    (rc = sy_u64(c, sy_get(&m, "seed"), "seed", &s->seed)) < 0)
		return rc;

	memset(&ps->defaults, 0, sizeof ps->defaults);
	if (sy_get(&m, "election") &&
	    (rc = parse_election(c, ps->doc, sy_get(&m, "election"), "election",
				 &ps->defaults)) < 0)
		return rc;
	/* Defaults are resolved once, by the scenario-wide profile, so a pod
	 * that only changes its profile keeps the fleet's lock and timing. */
	election_fill_defaults(&ps->defaults);
	elect_own(&ps->defaults);
	if ((rc = elect_keep(c, s, &ps->defaults, &s->defaults)) < 0)
		return rc;

	if (sy_get(&m, "network") &&
	    (rc = parse_network(ps, sy_get(&m, "network"))) < 0)
		return rc;
	if ((rc = parse_pods(ps, sy_get(&m, "pods"))) < 0)
		return rc;
	if (sy_get(&m, "faults") &&
	    (rc = parse_faults(ps, sy_get(&m, "faults"))) < 0)
		return rc;
	if (sy_get(&m, "controller") &&
	    (rc = parse_controller(ps, sy_get(&m, "controller"))) < 0)
		return rc;
	if (sy_get(&m, "timing") &&
	    (rc = parse_timing(ps, sy_get(&m, "timing"))) < 0)
		return rc;
	s->expect.max_leaders = 1;
	s->expect.check_stability = true;
	s->expect.check_liveness = true;
	if (sy_get(&m, "expect") &&
	    (rc = parse_expect(ps, sy_get(&m, "expect"))) < 0)
		return rc;
	return LE_OK;
}

static int yaml_error(sy_ctx *c, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(c->err, c->errcap, "%s: out of memory reading YAML",
			 c->file);
		return LE_ENOMEM;
	}
	if (p->context)
		snprintf(c->err, c->errcap, "%s:%zu:%zu: yaml: %s (%s, line %zu)",
			 c->file, p->problem_mark.line + 1,
			 p->problem_mark.column + 1, problem, p->context,
			 p->context_mark.line + 1);
	else
		snprintf(c->err, c->errcap, "%s:%zu:%zu: yaml: %s", c->file,
			 p->problem_mark.line + 1, p->problem_mark.column + 1,
			 problem);
	return LE_EPARSE;
}

int sim_scenario_parse(const char *text, size_t len, const char *filename,
		       sim_scenario *out, char *err, size_t errcap)
{
	char dummy[1];
	if (!err || errcap == 0) {
		err = dummy;
		errcap = sizeof dummy;
	}
	err[0] = 0;
	if (!out)
		return LE_EINVAL;
	memset(out, 0, sizeof *out);
	if (!filename)
		filename = "<scenario>";
	snprintf(out->file, sizeof out->file, "%s", filename);
	sy_ctx c = {.file = out->file, .err = err, .errcap = errcap};
	if (!text) {
		snprintf(err, errcap, "%s: no text", out->file);
		return LE_EINVAL;
	}
	if (len > SCENARIO_INPUT_MAX) {
		snprintf(err, errcap, "%s: %zu bytes is too large for a scenario (at most %u)",
			 out->file, len, SCENARIO_INPUT_MAX);
		return LE_EINVAL;
	}

	int drc = sy_check_depth(&c, text, len);
	if (drc < 0)
		return drc;

	yaml_parser_t parser;
	yaml_document_t doc, extra;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errcap, "%s: out of memory", out->file);
		return LE_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		int rc = yaml_error(&c, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	int rc = LE_OK;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errcap, "%s:1:1: the file is empty; expected a scenario (name, duration, pods, ...)",
			 out->file);
		rc = LE_EPARSE;
		goto done_doc;
	}
	/* One document per file: a second one is almost surely a mistake. */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = yaml_error(&c, &parser);
		goto done_doc;
	}
	yaml_node_t *second = yaml_document_get_root_node(&extra);
	if (second) {
		rc = sy_fail(&c, second->start_mark, "",
			     "a second YAML document; a scenario file holds one (remove the '---')");
		yaml_document_delete(&extra);
		goto done_doc;
	}
	yaml_document_delete(&extra);

	parse_state ps = {.c = &c, .doc = &doc, .s = out};
	rc = parse_root(&ps, root);
	/* The pods grew by doubling: at 10,000 replicas of 1.2 KB the spare
	 * capacity alone is 8 MB the whole run would keep. */
	if (rc >= 0 && out->npods > 0 && out->npods < ps.pods_cap) {
		sim_pod_spec *p = realloc(out->pods, out->npods * sizeof *p);
		if (p)
			out->pods = p;
	}
	free(ps.sorted);
	free(ps.spec_of);
	free(ps.spec_line);
done_doc:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc < 0) {
		char file[SIM_PATH_MAX];
		memcpy(file, out->file, sizeof file);
		sim_scenario_free(out);
		memcpy(out->file, file, sizeof file);
		return rc;
	}
	return LE_OK;
}

int sim_scenario_load(const char *path, sim_scenario *out, char *err,
		      size_t errcap)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (!path || !out) {
		if (err && errcap)
			snprintf(err, errcap, "sim_scenario_load: no path");
		return LE_EINVAL;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err && errcap)
			snprintf(err, errcap, "%s: cannot open: %s", path,
				 strerror(errno));
		return LE_EIO;
	}
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int rc = LE_OK;
	for (;;) {
		if (len == cap) {
			if (cap > SCENARIO_INPUT_MAX) {
				if (err && errcap)
					snprintf(err, errcap,
						 "%s: too large for a scenario (at most %u bytes)",
						 path, SCENARIO_INPUT_MAX);
				rc = LE_EINVAL;
				break;
			}
			cap = cap ? cap * 2 : 16384;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				rc = LE_ENOMEM;
				if (err && errcap)
					snprintf(err, errcap, "%s: out of memory",
						 path);
				break;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				if (err && errcap)
					snprintf(err, errcap, "%s: read error: %s",
						 path, strerror(errno));
				rc = LE_EIO;
			}
			break;
		}
	}
	fclose(f);
	if (rc == LE_OK)
		rc = sim_scenario_parse(buf, len, path, out, err, errcap);
	free(buf);
	return rc;
}

static bool str_equal(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool sim_election_equal(const sim_election *a, const sim_election *b)
{
	return a->profile == b->profile && a->lock_kind == b->lock_kind &&
	       str_equal(a->lock_namespace, b->lock_namespace) &&
	       str_equal(a->lock_name, b->lock_name) &&
	       a->lease_duration_ns == b->lease_duration_ns &&
	       a->renew_deadline_ns == b->renew_deadline_ns &&
	       a->retry_period_ns == b->retry_period_ns &&
	       a->request_timeout_ns == b->request_timeout_ns &&
	       a->release_on_cancel == b->release_on_cancel;
}

const char *sim_pod_identity(const sim_pod_spec *p)
{
	return p->identity && p->identity[0] ? p->identity : p->name ? p->name : "";
}

const char *sim_scenario_keep(sim_scenario *sc, const char *s)
{
	return sim_text_keep(&sc->text, s, LE_ID_MAX);
}

void sim_scenario_free(sim_scenario *s)
{
	if (!s)
		return;
	sim_text_free(&s->text);
	free(s->pods);
	free(s->faults);
	memset(s, 0, sizeof *s);
}
