/* leaselab — fake-apiserver: a Kubernetes-compatible store for leases,
 * endpoints and configmaps that lies on purpose.
 *
 * Three layers, each usable alone:
 *   fa_store   objects, resourceVersion CAS, validation, Status errors,
 *              history, watch subscribers. No I/O, no clock: every call takes
 *              the server's wall time; uids come from a seeded PRNG.
 *   fa_authz   bearer tokens -> users, RBAC-lite policy -> 401/403.
 *   fa_faults  fault rules keyed by client identity -> a decision (delays,
 *              loss, errors, partition) that a driver carries out: the HTTP
 *              front end with libevent timers, the simulator in virtual time.
 * plus the in-process lock path (fa_store_lock_*): the simulator's link to
 * the store, with no HTTP and no JSON.
 *
 * No global state: any number of stores may live in one process.
 */
#ifndef LEASELAB_FAKE_APISERVER_H
#define LEASELAB_FAKE_APISERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/elector.h"
#include "leaselab/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The three lock objects have le_lock_kind's numbers. LeaseCandidates
 * (coordinated leader election, KEP-4355) hold no lock record: the
 * in-process lock path refuses them (400) and only the JSON path stores
 * them. */
typedef enum fa_resource {
	FA_RES_LEASES = 0,
	FA_RES_ENDPOINTS = 1,
	FA_RES_CONFIGMAPS = 2,
	FA_RES_LEASECANDIDATES = 3,
	FA_RES_COUNT
} fa_resource;

const char *fa_resource_name(fa_resource r);   /* "leases", ... */
const char *fa_resource_kind(fa_resource r);   /* "Lease", ... */
const char *fa_resource_group(fa_resource r);  /* "coordination.k8s.io" or "" */
/* The version the store keeps and answers with: "v1", "v1beta1" for
 * leasecandidates (the HTTP front end also serves them as v1alpha2). */
const char *fa_resource_version(fa_resource r);
/* group/version as in apiVersion: "coordination.k8s.io/v1", "v1". */
const char *fa_resource_api_version(fa_resource r);
int fa_resource_parse(const char *plural, fa_resource *out);

/* The most field errors one 422 lists (the apiserver lists them all; ours
 * stop at this many, in its order). */
#define FA_STATUS_CAUSES_MAX 8

/* A Kubernetes Status: every failure the store reports. code 0 = success. */
typedef struct fa_status {
	int code;            /* 200, 201, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 504 */
	char reason[32];     /* "NotFound", "AlreadyExists", "Conflict", "Invalid", "Forbidden", ... */
	char message[2048];  /* the apiserver's own words */
	char field[64];      /* for 422: the (first) offending field path, e.g. "spec.leaseDurationSeconds" */
	int retry_after_s;   /* for 429 */
	/* For 422: every field error (details.causes), each a span of message
	 * reading "FIELD: BODY": it starts at message[cause_at[i]], FIELD is
	 * its first cause_field_len[i] bytes, BODY runs from after the ": " to
	 * message[cause_end[i]]. */
	unsigned ncauses;
	uint16_t cause_at[FA_STATUS_CAUSES_MAX];
	uint16_t cause_field_len[FA_STATUS_CAUSES_MAX];
	uint16_t cause_end[FA_STATUS_CAUSES_MAX];
} fa_status;

void fa_status_ok(fa_status *st, int code);
/* The full `kind: Status` JSON (apiVersion v1, status Failure, message,
 * reason, details, code). Returns a malloc'd string. */
char *fa_status_to_json(const fa_status *st, const char *name, fa_resource res);

/* ---- the store ------------------------------------------------------- */
typedef struct fa_store fa_store;

fa_store *fa_store_new(uint64_t seed);
void fa_store_free(fa_store *s);

/* Current global revision (the last resourceVersion handed out). */
uint64_t fa_store_revision(const fa_store *s);

/* -- the in-process lock path (hot: no JSON, no allocation in steady state).
 * Fills *resp exactly as an HTTP transport would; its pointers point into
 * *scratch or into the store's own object (a success's record,
 * resourceVersion and raw are the object's, not copies), so they are valid
 * until the next call with the same scratch or the store's next write,
 * whichever comes first. Copy what must outlive that. The answer is:
 * 200/201 with record, resourceVersion and raw (le_record_key) on success;
 * 404/409/422 with reason and message otherwise. `identity` is the client,
 * recorded in the history. A written record keeps its times at the precision
 * its writer's text would have (election-spec.md 3.4): whole seconds in an
 * annotation, microseconds in a Lease spec or the Python client's
 * annotation (LE_DIALECT_PYTHON), as the HTTP path parses them. */
typedef struct fa_lock_scratch {
	unsigned char raw[640]; /* a key the object could not keep */
	fa_status status;
} fa_lock_scratch;

void fa_store_lock_get(fa_store *s, fa_resource res, const char *ns,
		       const char *name, fa_lock_scratch *scratch,
		       le_response *resp);
void fa_store_lock_create(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const le_record *rec,
			  const char *identity, int64_t now_wall_ns,
			  fa_lock_scratch *scratch, le_response *resp);
void fa_store_lock_update(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const le_record *rec,
			  const char *resource_version, const char *identity,
			  int64_t now_wall_ns, fa_lock_scratch *scratch,
			  le_response *resp);
/* Convenience: carry out one le_request (GET/CREATE/UPDATE) for a lock. */
void fa_store_lock_do(fa_store *s, le_lock_kind kind, const char *ns,
		      const char *name, const le_request *req,
		      const char *identity, int64_t now_wall_ns,
		      fa_lock_scratch *scratch, le_response *resp);

/* -- the JSON path (HTTP front end, kubectl, other electors). Objects are
 * cJSON * passed as void *. Results are new cJSON objects the caller frees
 * (cJSON_Delete); on failure NULL is returned and *st says why. Request
 * bodies may lack kind/apiVersion, carry nulls and unknown fields. */
void *fa_store_get_json(fa_store *s, fa_resource res, const char *ns,
			const char *name, fa_status *st);
/* The same object as its compact JSON text (cJSON_PrintUnformatted of
 * what fa_store_get_json returns), malloc'd, *len its length. The store
 * prints an object once per revision and hands out copies, so this is the
 * cheap way to answer a GET. */
char *fa_store_get_text(fa_store *s, fa_resource res, const char *ns,
			const char *name, size_t *len, fa_status *st);
/* Whether a live object has that key (no copy; bad arguments: false). */
bool fa_store_exists(const fa_store *s, fa_resource res, const char *ns,
		     const char *name);
/* ns NULL = all namespaces. Returns a List object (kind "<Kind>List",
 * metadata.resourceVersion = current revision, items sorted by ns/name). */
void *fa_store_list_json(fa_store *s, fa_resource res, const char *ns,
			 fa_status *st);
void *fa_store_create_json(fa_store *s, fa_resource res, const char *ns,
			   const void *body, const char *identity,
			   int64_t now_wall_ns, fa_status *st);
/* PUT: CAS on metadata.resourceVersion; an empty one is unconditional only
 * where the real apiserver allows it (not for leases: 422). Leases and
 * endpoints create on update; configmaps answer 404. */
void *fa_store_update_json(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const void *body,
			   const char *identity, int64_t now_wall_ns,
			   fa_status *st);
/* fa_store_update_json answering with text, as fa_store_get_text. */
char *fa_store_update_text(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const void *body,
			   const char *identity, int64_t now_wall_ns,
			   size_t *len, fa_status *st);
/* JSON merge patch (RFC 7386), also used for strategic-merge patches of the
 * fields these resources have. */
void *fa_store_patch_json(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const void *patch,
			  const char *identity, int64_t now_wall_ns,
			  fa_status *st);
/* Preconditions: uid / resourceVersion may be NULL. Returns the deleted
 * object. */
void *fa_store_delete_json(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const char *precond_uid,
			   const char *precond_rv, const char *identity,
			   int64_t now_wall_ns, fa_status *st);

/* -- history: every committed write, in commit order. */
typedef enum fa_write_kind {
	FA_WRITE_CREATE = 1,
	FA_WRITE_UPDATE,
	FA_WRITE_DELETE,
} fa_write_kind;

typedef struct fa_history_entry {
	int64_t server_wall_ns;
	uint64_t revision;
	fa_write_kind kind;
	fa_resource res;
	char ns[64];
	char name[LE_NAME_MAX];
	char identity[LE_ID_MAX];  /* the authenticated client */
	le_record record;          /* the lock record after the write */
	bool record_present;
} fa_history_entry;

/* Indices are absolute: entry i is the i-th write since the store began.
 * fa_store_history_len is one past the newest; fa_store_history_first the
 * oldest still kept (0 until a bound drops entries). Below it _at and
 * _json return NULL: the entry was dropped. */
size_t fa_store_history_len(const fa_store *s);
size_t fa_store_history_first(const fa_store *s);
size_t fa_store_history_max(const fa_store *s); /* 0: unbounded */
const fa_history_entry *fa_store_history_at(const fa_store *s, size_t i);
/* Keep at most max entries (0: unbounded, the default), dropping the
 * oldest at once and on every later write: a ring, so a long run's memory
 * stays flat. An entry pointer is valid until its entry is dropped. */
void fa_store_set_history_max(fa_store *s, size_t max);
/* One JSON line (no trailing newline) for entry i, including the whole
 * object as it was committed. malloc'd; NULL when i is not kept. */
char *fa_store_history_json(const fa_store *s, size_t i);
/* Stop keeping history (long simulations may keep their own). */
void fa_store_set_history(fa_store *s, bool keep);

/* -- watchers: called synchronously on every committed write, after the
 * history append. type is "ADDED", "MODIFIED" or "DELETED"; obj is the cJSON
 * object as committed (borrowed). */
typedef void (*fa_watch_fn)(void *ud, fa_resource res, const char *type,
			    const void *obj);
int fa_store_watch_add(fa_store *s, fa_watch_fn fn, void *ud);
void fa_store_watch_remove(fa_store *s, int handle);

/* -- persistence: the hook runs before a write is acknowledged; a non-zero
 * return fails the write with 500 and rolls it back. obj is the committed
 * object (borrowed cJSON), deleted = true for deletes. The hook must not
 * write to the store itself (a rollback after a nested commit would reuse
 * a revision; the store aborts on it). */
typedef int (*fa_commit_fn)(void *ud, fa_resource res, const void *obj,
			    bool deleted);
void fa_store_set_commit_hook(fa_store *s, fa_commit_fn fn, void *ud);
/* Mix value into the stream that draws uids and generated names. After a
 * journal replay the journal mixes in the revision it reached, so a restart
 * never draws again the uids it drew before (same seed, same journal: same
 * stream, so runs stay reproducible). */
void fa_store_mix_seed(fa_store *s, uint64_t value);
/* Load an object as it was committed (journal replay): keeps its
 * resourceVersion, uid and creationTimestamp, and raises the global
 * revision to it when it is ahead (never lowers it). Not in the history. */
int fa_store_restore_json(fa_store *s, fa_resource res, const void *obj,
			  bool deleted, char *err, size_t errcap);

/* ---- identity and access ------------------------------------------- */
typedef struct fa_authz fa_authz;

/* Token file: one "token,user[,group...]" per line ('#' comments), like the
 * apiserver's --token-auth-file. Policy file: one rule per line
 *   <subjects|*> <verbs|*> <resources|*> <namespaces|*> [resourceNames|*]
 * comma-separated lists, e.g.
 *   system:serviceaccount:default:default get,create,update leases default my-lease
 * A subject is a user (NAME or user:NAME) or a group (group:NAME); the two
 * never match each other. Errors name file:line. */
fa_authz *fa_authz_new(void);
void fa_authz_free(fa_authz *a);
int fa_authz_load_tokens(fa_authz *a, const char *path, char *err, size_t errcap);
int fa_authz_load_policy(fa_authz *a, const char *path, char *err, size_t errcap);
int fa_authz_add_token(fa_authz *a, const char *token, const char *user);
int fa_authz_add_rule(fa_authz *a, const char *rule_line, char *err, size_t errcap);
/* Who is this bearer token? NULL = unknown (401). With no tokens loaded every
 * request is "system:anonymous"-free: returns default_user. */
const char *fa_authz_authenticate(const fa_authz *a, const char *bearer_token,
				  const char *default_user);
/* The groups a token file line gives its token (comma-separated, "" for
 * none), or NULL for an unknown token. */
const char *fa_authz_token_groups(const fa_authz *a, const char *bearer_token);
/* Was a policy loaded (at least one rule)? */
bool fa_authz_has_policy(const fa_authz *a);
/* fa_authz_allow for a user with groups (comma-separated, NULL for none):
 * rules naming group:G match when G is one of them. */
bool fa_authz_allow_groups(const fa_authz *a, const char *user,
			   const char *groups, const char *verb, fa_resource res,
			   const char *ns, const char *name, fa_status *st);
/* With no policy loaded everything is allowed. On deny fills st with 403 and
 * the apiserver's message, e.g. endpoints "elect-nginx-deploy" is forbidden:
 * User "system:serviceaccount:test-leader-elector:default" cannot get
 * resource "endpoints" in API group "" in the namespace "default". */
bool fa_authz_allow(const fa_authz *a, const char *user, const char *verb,
		    fa_resource res, const char *ns, const char *name,
		    fa_status *st);

/* ---- faults ------------------------------------------------------------ */
typedef enum fa_latency_kind {
	FA_LAT_NONE = 0,
	FA_LAT_FIXED,     /* a */
	FA_LAT_UNIFORM,   /* U[a, b) */
	FA_LAT_PARETO,    /* long tail: scale a, shape alpha, capped at b */
} fa_latency_kind;

typedef struct fa_latency {
	fa_latency_kind kind;
	int64_t a_ns;
	int64_t b_ns;
	double alpha;
} fa_latency;

typedef enum fa_partition {
	FA_PART_NONE = 0,
	FA_PART_REFUSED,    /* connection refused at once */
	FA_PART_BLACKHOLE,  /* nothing comes back; the client times out */
} fa_partition;

/* One rule. identity "" or "*" matches every client. Rules apply in order;
 * fields of later matching rules override earlier ones when set. */
typedef struct fa_fault_rule {
	char identity[LE_ID_MAX];
	fa_latency request_latency;   /* client -> server leg */
	fa_latency response_latency;  /* server -> client leg */
	double request_loss;          /* P(request lost: nothing commits) */
	double response_loss;         /* P(response lost: write commits) */
	fa_partition partition;
	int error_code;               /* 0, or 429/500/503/504 injected */
	double error_rate;            /* P(error) when error_code set (0 = 1.0) */
	int retry_after_s;            /* for 429 */
	int64_t commit_delay_ns;      /* slow commit (etcd) */
} fa_fault_rule;

typedef struct fa_faults fa_faults;
fa_faults *fa_faults_new(void);
void fa_faults_free(fa_faults *f);
/* Returns a rule id (>= 0) or a negative error. */
int fa_faults_add(fa_faults *f, const fa_fault_rule *r);
int fa_faults_remove(fa_faults *f, int id);
void fa_faults_clear(fa_faults *f);
void fa_faults_set_down(fa_faults *f, bool down); /* whole server down */
bool fa_faults_down(const fa_faults *f);
/* Parse / print a rule as JSON (admin API, scenario files). */
int fa_fault_rule_from_json(const void *json, fa_fault_rule *out, char *err,
			    size_t errcap);
void *fa_fault_rule_to_json(const fa_fault_rule *r);

/* What to do with one request from `identity`. rng is a seeded stream owned
 * by the driver (xoshiro-style state of 4 words; fa_rng_* below). */
typedef struct fa_decision {
	bool refused;                 /* fail at once, status 0 */
	bool blackhole;               /* never answer */
	bool drop_request;            /* never reaches the store */
	bool drop_response;           /* commits, answer lost */
	int error_code;               /* answer this instead of touching the store */
	int retry_after_s;
	int64_t request_delay_ns;
	int64_t commit_delay_ns;
	int64_t response_delay_ns;
} fa_decision;

typedef struct fa_rng {
	uint64_t s[4];
} fa_rng;
void fa_rng_seed(fa_rng *r, uint64_t seed);
uint64_t fa_rng_next(fa_rng *r);
double fa_rng_unit(fa_rng *r); /* [0, 1) */
/* Uniform integer in [0, n), n > 0, unbiased (rejects the few draws that
 * would make x % n favour small values). */
uint64_t fa_rng_below(fa_rng *r, uint64_t n);

/* One draw from l in ns (>= 0 for a valid l): NONE 0 and FIXED a without a
 * draw; UNIFORM a + fa_rng_below(b - a); PARETO a / U^(1/alpha), U in
 * (0, 1], capped at b, or at an hour when b is 0. The one latency sampler:
 * the fault rules here and the simulator's network model both draw with it,
 * so a distribution means the same delays, draw for draw, in either. */
int64_t fa_latency_draw(const fa_latency *l, fa_rng *r);

void fa_faults_decide(const fa_faults *f, const char *identity, fa_rng *rng,
		      fa_decision *out);
/* Fill st with the Status an injected error_code answers (429 TooManyRequests
 * with Retry-After, 500 InternalError, 503 ServiceUnavailable, 504 Timeout). */
void fa_status_injected(fa_status *st, int code, int retry_after_s);

#ifdef __cplusplus
}
#endif
#endif
