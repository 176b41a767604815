/* leaselab — fake-apiserver HTTP front end (libleaselab-fahttp). Private:
 * used by fake-apiserver/cmd, the unit tests, the fuzz target and the bench.
 *
 * Two halves:
 *   the handler  method + URI + headers + body -> status + headers + body,
 *                given the store, authz and faults. No sockets, no clock
 *                (the driver passes now_wall_ns), so unit tests and the fuzz
 *                target drive it directly. Kubernetes REST paths for leases,
 *                endpoints and configmaps, discovery, server-side Tables,
 *                watch encoding, the admin API (/leaselab/v1/...).
 *   the server   one libevent loop with evhttp (TLS through OpenSSL
 *                bufferevents) that carries the handler's answers out:
 *                fault delays as timers, black holes, refused connections,
 *                chunked watch and history streams, the state-file journal.
 *
 * A request goes through three steps, so the server can put the fault
 * model's delays between them:
 *   fahttp_begin     parse the URI, route it, authenticate the client;
 *   (the driver asks fa_faults_decide for call.identity when
 *    fahttp_call_faultable(), and waits out the request delay)
 *   fahttp_execute   authorize, touch the store, build the answer.
 * fahttp_handle() does all three at once, with delays reported rather than
 * waited out.
 *
 * No global state: every piece is a struct with _new/_free.
 */
#ifndef LEASELAB_FAHTTP_H
#define LEASELAB_FAHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "leaselab/fake_apiserver.h"

/* Request bodies above this get 413 (the apiserver's own limit is 3 MiB). */
#define FAHTTP_MAX_BODY ((size_t)3 << 20)
#define FAHTTP_NS_MAX 64

/* Content types we answer with. */
#define FAHTTP_CT_JSON "application/json"
#define FAHTTP_CT_TABLE_V1 "application/json;as=Table;v=v1;g=meta.k8s.io"
#define FAHTTP_CT_TABLE_V1BETA1 "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
#define FAHTTP_CT_DISCOVERY_V2 \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
#define FAHTTP_CT_JSONL "application/x-ndjson"
#define FAHTTP_CT_TEXT "text/plain; charset=utf-8"

/* ---- URIs -------------------------------------------------------------- */

/* A request target split into percent-decoded path segments and query
 * pairs. Everything points into buf. */
typedef struct fahttp_uri {
	char *buf;
	const char **seg;
	size_t nseg;
	const char **qkey;
	const char **qval;
	size_t nq;
} fahttp_uri;

/* Returns LE_OK, or LE_EPARSE with the reason in err (not absolute, bad
 * percent escape, NUL byte, too many segments). */
int fahttp_uri_parse(const char *target, fahttp_uri *out, char *err,
		     size_t errcap);
void fahttp_uri_free(fahttp_uri *u);
/* The first value of a query parameter, or NULL. */
const char *fahttp_uri_query(const fahttp_uri *u, const char *key);
/* Go's strconv.ParseBool truth: "1", "t", "T", "true", "TRUE", "True". */
bool fahttp_query_true(const char *v);

/* ---- media types --------------------------------------------------------- */

typedef enum fahttp_format {
	FAHTTP_FMT_NONE = 0,      /* nothing acceptable: 406 */
	FAHTTP_FMT_JSON,
	FAHTTP_FMT_TABLE_V1,      /* meta.k8s.io/v1 Table */
	FAHTTP_FMT_TABLE_V1BETA1,
	FAHTTP_FMT_DISCOVERY_V2,  /* apidiscovery.k8s.io/v2 APIGroupDiscoveryList */
} fahttp_format;

/* What an endpoint can produce besides plain JSON. */
enum {
	FAHTTP_CAN_TABLE = 1,
	FAHTTP_CAN_DISCOVERY = 2,
};

/* The first entry of an Accept header, in the client's order, that the
 * endpoint can serve (entries with q=0 are skipped). NULL or empty Accept
 * = JSON. */
fahttp_format fahttp_negotiate(const char *accept, unsigned can);

/* The media type of a Content-Type header, lowercased, without parameters:
 * "application/json". Empty when absent. */
void fahttp_media_type(const char *content_type, char *out, size_t cap);

/* ---- selectors ------------------------------------------------------------ */

typedef enum fahttp_sel_op {
	FAHTTP_SEL_EQ,      /* k=v, k==v */
	FAHTTP_SEL_NE,      /* k!=v */
	FAHTTP_SEL_IN,      /* k in (a,b) */
	FAHTTP_SEL_NOTIN,   /* k notin (a,b) */
	FAHTTP_SEL_EXISTS,  /* k */
	FAHTTP_SEL_NOT_EXISTS, /* !k */
} fahttp_sel_op;

typedef struct fahttp_sel_req {
	fahttp_sel_op op;
	char *key;
	char **vals;
	size_t nvals;
} fahttp_sel_req;

/* A label selector (all requirements must hold). Empty = everything. */
typedef struct fahttp_selector {
	fahttp_sel_req *req;
	size_t n;
} fahttp_selector;

int fahttp_selector_parse(const char *text, fahttp_selector *out, char *err,
			  size_t errcap);
bool fahttp_selector_matches(const fahttp_selector *s, const cJSON *labels);
void fahttp_selector_free(fahttp_selector *s);

/* Which objects a list or a watch wants. */
typedef struct fahttp_filter {
	fa_resource res;
	bool all_namespaces;
	char ns[FAHTTP_NS_MAX];
	/* fieldSelector metadata.name / metadata.namespace (= or !=). */
	char name_eq[LE_NAME_MAX];
	char name_ne[LE_NAME_MAX];
	char ns_eq[FAHTTP_NS_MAX];
	char ns_ne[FAHTTP_NS_MAX];
	bool has_name_eq, has_name_ne, has_ns_eq, has_ns_ne;
	fahttp_selector labels;
} fahttp_filter;

/* Parses a fieldSelector into f. Supported fields: metadata.name,
 * metadata.namespace. */
int fahttp_field_selector_parse(const char *text, fahttp_filter *f, char *err,
				size_t errcap);
bool fahttp_filter_matches(const fahttp_filter *f, fa_resource res,
			   const cJSON *obj);
void fahttp_filter_free(fahttp_filter *f);

/* ---- Tables --------------------------------------------------------------- */

typedef enum fahttp_include {
	FAHTTP_INCLUDE_NONE = 0,
	FAHTTP_INCLUDE_METADATA,  /* default: PartialObjectMetadata */
	FAHTTP_INCLUDE_OBJECT,
} fahttp_include;

typedef struct fahttp_table_opts {
	bool v1beta1;               /* meta.k8s.io/v1beta1 instead of v1 */
	fahttp_include include;
	bool no_columns;            /* omit columnDefinitions (later watch events) */
} fahttp_table_opts;

/* Kubernetes' HumanDuration ("45s", "3m20s", "5h", "12d"...) of now - then.
 * "<unknown>" when then is 0, "<invalid>" when more than a second in the
 * future. */
void fahttp_human_age(int64_t now_wall_ns, int64_t then_wall_ns, char *buf,
		      size_t cap);
/* A Table with one row per object (objs: items of a list or single
 * objects, each a cJSON object; kind/apiVersion may be missing). rv may be
 * NULL. Returns a new cJSON object, NULL on OOM. */
cJSON *fahttp_table(fa_resource res, const cJSON *const *objs, size_t n,
		    const char *rv, const fahttp_table_opts *o,
		    int64_t now_wall_ns);

/* ---- discovery ------------------------------------------------------------ */

/* /api, /apis, /api/v1, /apis/coordination.k8s.io[/v1], /version and the
 * aggregated forms. server_address may be "". New cJSON, NULL on OOM. */
cJSON *fahttp_api_versions(const char *server_address);
cJSON *fahttp_api_group_list(void);
cJSON *fahttp_api_group(void);
cJSON *fahttp_resource_list_core(void);
cJSON *fahttp_resource_list_coordination(void);
/* /apis/coordination.k8s.io/v1beta1, /v1alpha2 and /v1alpha1:
 * leasecandidates. */
cJSON *fahttp_resource_list_candidates(const char *version);
cJSON *fahttp_discovery_v2_core(void);
cJSON *fahttp_discovery_v2_groups(void);
cJSON *fahttp_version_info(void);
/* A Namespace object (every namespace exists) created at created_wall_ns. */
cJSON *fahttp_namespace(const char *name, int64_t created_wall_ns);

/* ---- the handler ------------------------------------------------------------ */

typedef struct fahttp_ctx fahttp_ctx;

typedef struct fahttp_options {
	/* Bearer tokens were loaded (--tokens): requests need a known token or
	 * a client certificate. */
	bool tokens_configured;
	/* Client certificates are verified (--client-ca): a verified
	 * certificate's CN authenticates. */
	bool client_certs_configured;
	/* Token for /leaselab/v1; NULL or "" = the admin API is open. */
	const char *admin_token;
	/* Identity when no authentication is configured; NULL =
	 * "system:admin". */
	const char *default_user;
	/* host:port for /api's serverAddressByClientCIDRs; may be NULL. */
	const char *server_address;
	/* Seeds the fault model's PRNG stream. */
	uint64_t seed;
	/* Namespaces' creationTimestamp. */
	int64_t start_wall_ns;
} fahttp_options;

/* store and faults are required; authz may be NULL (everything allowed).
 * Registers a store watcher (for the server's streams); none of the three is
 * owned. */
fahttp_ctx *fahttp_ctx_new(fa_store *store, fa_authz *authz, fa_faults *faults,
			   const fahttp_options *opt);
void fahttp_ctx_free(fahttp_ctx *c);
fa_store *fahttp_ctx_store(const fahttp_ctx *c);
fa_faults *fahttp_ctx_faults(const fahttp_ctx *c);
fa_rng *fahttp_ctx_rng(fahttp_ctx *c);
void fahttp_ctx_set_server_address(fahttp_ctx *c, const char *addr);

/* Committed writes as they happen: the server streams them to watchers
 * and history followers. */
typedef void (*fahttp_event_fn)(void *ud, fa_resource res, const char *type,
				const cJSON *obj);
void fahttp_ctx_set_event_hook(fahttp_ctx *c, fahttp_event_fn fn, void *ud);

typedef struct fahttp_request {
	const char *method;           /* "GET", "PATCH", ... */
	const char *target;           /* "/path?query" as sent */
	const char *accept;           /* NULL when absent */
	const char *content_type;
	const char *authorization;
	const char *identity_header;  /* X-Leaselab-Identity */
	const char *cert_user;        /* a verified client certificate's CN */
	const char *cert_groups;      /* its O values, comma-separated; may be NULL */
	const char *body;
	size_t body_len;
	int64_t now_wall_ns;
} fahttp_request;

typedef enum fahttp_action {
	FAHTTP_ACT_REPLY = 0,  /* send code, content type, body */
	FAHTTP_ACT_WATCH,      /* chunked stream: body = initial events, then
				  events matching .watch as they commit */
	FAHTTP_ACT_FOLLOW,     /* chunked stream: body = history lines so far,
				  then one line per commit from .follow_from */
	FAHTTP_ACT_HOLD,       /* never answer (black hole, lost request or
				  lost response) */
	FAHTTP_ACT_CLOSE,      /* close the connection at once (refused) */
} fahttp_action;

typedef struct fahttp_watch_spec {
	fahttp_filter filter;
	fahttp_format format;         /* JSON or a Table version */
	fahttp_include include;
	int64_t timeout_s;            /* 0 = open until the client leaves */
	bool alpha2;                  /* events as coordination.k8s.io/v1alpha2 */
	bool alpha1;                  /* events as coordination.k8s.io/v1alpha1 */
} fahttp_watch_spec;

typedef struct fahttp_response {
	fahttp_action action;
	int code;
	const char *content_type;     /* static string */
	char *body;                   /* malloc'd, may be NULL */
	size_t body_len;
	int retry_after_s;            /* > 0: send Retry-After */
	bool close_after;             /* send Connection: close */
	fahttp_watch_spec watch;      /* FAHTTP_ACT_WATCH */
	size_t follow_from;           /* FAHTTP_ACT_FOLLOW */
	bool went_down;               /* admin: the server was just taken down */
	/* fahttp_handle only: the fault decision, delays not waited out. */
	fa_decision decision;
} fahttp_response;

typedef enum fahttp_route_kind {
	FAHTTP_R_NOT_FOUND = 0,
	FAHTTP_R_ROOT,            /* / : the list of paths */
	FAHTTP_R_HEALTHZ,         /* /healthz /livez /readyz */
	FAHTTP_R_VERSION,         /* /version */
	FAHTTP_R_API,             /* /api */
	FAHTTP_R_APIS,            /* /apis */
	FAHTTP_R_GROUP,           /* /apis/coordination.k8s.io */
	FAHTTP_R_CORE_V1,         /* /api/v1 */
	FAHTTP_R_COORD_V1,        /* /apis/coordination.k8s.io/v1 */
	FAHTTP_R_COORD_CAND,      /* /apis/coordination.k8s.io/v1beta1, /v1alpha2, /v1alpha1 */
	FAHTTP_R_NAMESPACES,      /* /api/v1/namespaces */
	FAHTTP_R_NAMESPACE,       /* /api/v1/namespaces/NAME */
	FAHTTP_R_COLLECTION,      /* .../[namespaces/NS/]RES */
	FAHTTP_R_OBJECT,          /* .../namespaces/NS/RES/NAME */
	FAHTTP_R_SELF_REVIEW,     /* authentication.k8s.io selfsubjectreviews */
	FAHTTP_R_ADMIN,           /* /leaselab/v1/... */
} fahttp_route_kind;

typedef struct fahttp_route {
	fahttp_route_kind kind;
	fa_resource res;
	bool all_namespaces;
	bool watch_path;          /* /watch/ in the path */
	bool too_long;            /* a name or namespace over its limit */
	char ns[FAHTTP_NS_MAX];
	char name[LE_NAME_MAX];
	size_t admin_seg;         /* first segment after /leaselab/v1 */
	/* coordination.k8s.io/v1alpha2 in the path: leasecandidates are
	 * stored as v1beta1 (the same schema) and answered as v1alpha2 */
	bool alpha2;
	/* coordination.k8s.io/v1alpha1 (Kubernetes 1.31): stored as v1beta1
	 * too, spec.preferredStrategies[0] <-> spec.strategy */
	bool alpha1;
} fahttp_route;

/* Routes a parsed URI. Never fails: unknown paths are FAHTTP_R_NOT_FOUND. */
void fahttp_route_parse(const fahttp_uri *u, fahttp_route *out);

/* One request between fahttp_begin and fahttp_execute. */
typedef struct fahttp_call {
	fahttp_uri uri;
	bool uri_ok;
	char uri_err[160];
	fahttp_route route;
	bool admin;               /* the admin API: no faults, own token */
	bool authenticated;       /* false: 401 on execute */
	char identity[LE_ID_MAX]; /* the client; "system:anonymous" if not
				     authenticated */
	char groups[512];         /* comma-separated, informational */
} fahttp_call;

void fahttp_begin(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call);
/* Does the fault model apply to this call? (Everything but the admin API.) */
bool fahttp_call_faultable(const fahttp_call *call);
void fahttp_execute(fahttp_ctx *c, const fahttp_request *rq,
		    fahttp_call *call, fahttp_response *resp);
void fahttp_call_free(fahttp_call *call);

/* begin + fa_faults_decide + execute, carried out at once: refused ->
 * CLOSE, black hole / lost request -> HOLD with no commit, injected error
 * -> its Status, lost response -> HOLD after the commit. The delays are in
 * resp->decision. */
void fahttp_handle(fahttp_ctx *c, const fahttp_request *rq,
		   fahttp_response *resp);
void fahttp_response_free(fahttp_response *resp);

/* A Status reply: code, reason, message (res = FA_RES_COUNT for none). */
void fahttp_reply_status(fahttp_response *resp, const fa_status *st,
			 const char *name, fa_resource res);
void fahttp_reply_error(fahttp_response *resp, int code, const char *reason,
			const char *message);
/* The Status for an injected fault (fa_status_injected), Retry-After set. */
void fahttp_reply_injected(fahttp_response *resp, int code, int retry_after_s);

/* ---- watch streams ------------------------------------------------------------ */

/* One watch event line, "{"type":"...","object":{...}}\n", for a stream with
 * spec w (JSON or a one-row Table). obj may lack kind/apiVersion (list
 * items). first = the first event of the stream (Table column headers).
 * malloc'd; *len gets the length. NULL on OOM. */
char *fahttp_watch_event(const fahttp_watch_spec *w, const char *type,
			 const cJSON *obj, bool first, int64_t now_wall_ns,
			 size_t *len);
void fahttp_watch_spec_free(fahttp_watch_spec *w);

/* Watches that start at a resourceVersion replay the store's history (every
 * committed write, with the object as committed), so keeping events costs
 * nothing per write. base_rev is the revision when the history began (the
 * journal's replay is not in it). */
bool fahttp_history_covers(const fa_store *s, uint64_t base_rev, uint64_t rv);
/* Calls fn for each committed event with revision > rv, oldest first:
 * type ADDED/MODIFIED/DELETED and the object (borrowed for the call). */
void fahttp_history_since(const fa_store *s, uint64_t rv,
			  void (*fn)(void *ud, fa_resource res, const char *type,
				     const cJSON *obj),
			  void *ud);

/* ---- the state-file journal ------------------------------------------------------ */

typedef struct fahttp_journal fahttp_journal;

/* Opens (creating) the journal at path, replays it into store with
 * fa_store_restore_json, drops a torn last line, compacts the file when it
 * has grown well past the live objects, and installs the store's commit
 * hook: every committed write is appended as a JSON line and fdatasync'd
 * before it is acknowledged. Errors name path:line. *replayed (may be
 * NULL) gets the number of lines replayed.
 * PATH.lock holds an exclusive fcntl lock while the journal is open: a
 * second server on the same file fails here, naming the first one's pid.
 * After the replay the store's uid stream is mixed with the revision
 * reached (fa_store_mix_seed), so uids are never drawn twice. */
fahttp_journal *fahttp_journal_open(const char *path, fa_store *store,
				    size_t *replayed, char *err, size_t errcap);
/* Bytes of a torn tail dropped on open (0 when the file ended cleanly):
 * writes that were never acknowledged, or a file cut short. */
size_t fahttp_journal_dropped_bytes(const fahttp_journal *j);
/* Removes the hook, closes the file and releases the lock. */
void fahttp_journal_close(fahttp_journal *j);
/* One journal line for a committed object (no newline), malloc'd. */
char *fahttp_journal_line(fa_resource res, const cJSON *obj, bool deleted);

/* ---- the server ------------------------------------------------------------------ */

struct event_base;
/* --coordinated-leader-election (election_driver.c): the election
 * controller against the store on base's loop. log gets one line per
 * Lease write and candidate deletion (NULL: silent). */
typedef struct fahttp_election fahttp_election;
fahttp_election *fahttp_election_new(struct event_base *base, fa_store *store,
				     void (*log)(void *ud, const char *line), void *log_ud,
				     char *err, size_t errcap);
void fahttp_election_free(fahttp_election *d);

typedef struct fahttp_server fahttp_server;

typedef struct fahttp_server_config {
	const char *listen;       /* "127.0.0.1:0" */
	const char *tls_cert;     /* PEM files; NULL = plain HTTP */
	const char *tls_key;
	const char *client_ca;    /* verify client certificates against it */
	/* One line per request ("identity METHOD target -> code", code 0 = no
	 * answer); NULL = quiet. */
	void (*log)(void *ud, const char *line);
	void *log_ud;
	/* Things worth one line whatever --log-requests says (accept()
	 * failing, and when it recovers); NULL = quiet. Gets log_ud. */
	void (*log_events)(void *ud, const char *line);
	/* Bounds on what clients may hold (httpguard.h); 0 = the defaults:
	 * 1024 connections, 60 s idle, 30 s to send a request, 30 s of
	 * output without progress. */
	size_t max_connections;
	int64_t idle_timeout_ns;
	int64_t request_timeout_ns;
	int64_t write_stall_timeout_ns;
	/* What all watch and history streams together may have queued for
	 * clients that do not read (each is cut off past 2 MiB on its own);
	 * past it the largest backlogs are cut off first. 0 = 64 MiB. */
	size_t watch_backlog_total_max;
} fahttp_server_config;

/* Binds and starts serving ctx on base. Errors (bind, TLS files) in err. */
fahttp_server *fahttp_server_new(struct event_base *base, fahttp_ctx *ctx,
				 const fahttp_server_config *cfg, char *err,
				 size_t errcap);
/* "127.0.0.1:PORT" as bound. */
const char *fahttp_server_address(const fahttp_server *s);
bool fahttp_server_tls(const fahttp_server *s);
/* Open connections held or streaming (watches, black holes, delays). */
size_t fahttp_server_pending(const fahttp_server *s);
/* The connection guard's figures: open connections, closed idle, closed
 * slow (request not complete in time), refused over the limit. */
void fahttp_server_guard_stats(const fahttp_server *s, size_t *open,
			       uint64_t *idle_closed, uint64_t *slow_closed,
			       uint64_t *refused);
/* Closes every connection and frees the server (not ctx, not base). */
void fahttp_server_free(fahttp_server *s);

/* ---- internals shared by the handler's .c files ------------------------------------ */

/* A growable byte buffer; oom sticks once an allocation failed (reply.c,
 * with the replies below: the floor handler.c and admin.c both stand on). */
typedef struct fahttp_buf {
	char *p;
	size_t len, cap;
	bool oom;
} fahttp_buf;
void fahttp__buf_add(fahttp_buf *b, const char *s, size_t n);
void fahttp__buf_str(fahttp_buf *b, const char *s);
/* Hands the bytes to resp as its body (b is emptied). */
void fahttp__buf_to_body(fahttp_buf *b, fahttp_response *resp);
/* Replaces resp's body with body (owned; NULL = empty). */
void fahttp__set_body(fahttp_response *resp, char *body);
/* Rewrites every "apiVersion":"coordination.k8s.io/v1beta1" in the
 * malloc'd text *body (length *len) to v1alpha2, reallocating. false on
 * OOM (the text is then unchanged). */
bool fahttp__as_alpha2(char **body, size_t *len);
/* The same for coordination.k8s.io/v1alpha1, line by line (a body or
 * watch events): every v1beta1 apiVersion says v1alpha1, and a
 * LeaseCandidate spec's "strategy":S becomes "preferredStrategies":[S].
 * Text that is not JSON is left as it is. false on OOM. */
bool fahttp__as_alpha1(char **body, size_t *len);
/* A body sent to a v1alpha1 path, read as v1beta1 in place: apiVersion,
 * and spec.preferredStrategies (its first entry; null or [] clears) as
 * spec.strategy. false with a 400 in resp when preferredStrategies is not
 * a list of strings. */
bool fahttp__from_alpha1(cJSON *body, fahttp_response *resp);

typedef struct fahttp_admin_rule {
	int id;
	fa_fault_rule rule;
} fahttp_admin_rule;

struct fahttp_ctx {
	fa_store *store;
	fa_authz *authz;
	fa_faults *faults;
	fa_rng rng;
	bool tokens_configured;
	bool client_certs_configured;
	char *admin_token;          /* NULL = open */
	char default_user[LE_ID_MAX];
	char server_address[80];
	int64_t start_wall_ns;
	uint64_t history_base_rev;  /* revision when the store's history began */
	int watch_handle;
	fahttp_event_fn event_fn;
	void *event_ud;
	fahttp_admin_rule *rules;   /* mirror of the fault rules, for listing */
	size_t nrules, rules_cap;
	/* The server's stream backlog bound (server.c), for the admin state:
	 * the bound, the largest total seen once it was enforced, and how many
	 * streams it cut off. */
	size_t stream_backlog_max, stream_backlog_peak;
	uint64_t stream_backlog_closed;
};

/* The admin API (admin.c). */
void fahttp__admin(fahttp_ctx *c, const fahttp_request *rq, fahttp_call *call,
		   fahttp_response *resp);
/* JSON body of rq as an object, or NULL after filling resp with 400. */
cJSON *fahttp__parse_body(const fahttp_request *rq, fahttp_response *resp);
/* Serializes obj (consumed) as the reply body with code and content type
 * (reply.c). */
void fahttp__reply_json(fahttp_response *resp, int code, cJSON *obj,
			const char *content_type);
/* RFC 6902 JSON Patch applied to doc in place (patch.c). Returns LE_OK, or
 * LE_EPARSE (malformed patch: 400) / LE_EINVAL (an operation does not
 * apply: 422) with the reason in err. */
int fahttp__json_patch(cJSON *doc, const cJSON *ops, char *err, size_t errcap);
/* Strategic-merge-patch directives our merge cannot honour: strips the
 * ordering hints ($setElementOrder/..., $retainKeys) in place; returns false
 * with the directive named in err for the ones that change meaning
 * ($patch, $deleteFromPrimitiveList/...). */
bool fahttp__strip_strategic(cJSON *patch, char *err, size_t errcap);

/* Wall-clock time now, ns since the epoch, and the monotonic clock: the
 * HTTP front end's one reading of CLOCK_REALTIME and of CLOCK_MONOTONIC
 * (server.c); the election driver takes both from here. */
int64_t fahttp_wall_now_ns(void);
int64_t fahttp_mono_now_ns(void);

#endif
