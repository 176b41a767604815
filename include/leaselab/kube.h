/* leaselab — reaching a Kubernetes apiserver: kubeconfig and in-cluster
 * configuration, and the REST shapes of the three lock kinds.
 *
 *   le_kube_config        where the apiserver is and how to authenticate,
 *                         with every certificate already read into memory
 *                         (so a bad file is reported at startup, naming it).
 *   le_kube_config_load   kubectl's loading rules: --kubeconfig, $KUBECONFIG
 *                         (a colon-separated list merged as kubectl merges
 *                         it), ~/.kube/config, then the pod's service account.
 *   le_lock_client        turns the core's le_request into an HTTP request
 *                         (method, path, JSON body) and an HTTP response back
 *                         into an le_response; it keeps the last object the
 *                         apiserver returned so an Update PUTs the whole
 *                         object (election-spec.md 4).
 *
 * Nothing here does network I/O; le_run() (leaselab/run.h) carries the
 * requests with libcurl. Errors are negative LE_E* codes with a one-line
 * message in a caller-owned buffer that names the file, line and key.
 */
#ifndef LEASELAB_KUBE_H
#define LEASELAB_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/elector.h"
#include "leaselab/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the service account is mounted in a pod. */
#define LE_SERVICEACCOUNT_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* A resolved client configuration. All strings are owned (malloc'd) and
 * NUL-terminated; PEM blobs also carry their length. */
typedef struct le_kube_config {
	char *server; /* "https://host:port[/prefix]", no trailing '/' */
	char *ca_pem; /* trusted CA bundle; NULL = system store */
	size_t ca_pem_len;
	char *client_cert_pem; /* client certificate chain; NULL = none */
	size_t client_cert_pem_len;
	char *client_key_pem; /* its private key (unencrypted) */
	size_t client_key_pem_len;
	char *token;	  /* bearer token read at load time; NULL = none */
	char *token_file; /* re-read while running (rotated tokens) */
	char *username;	  /* basic auth; NULL = none */
	char *password;
	bool insecure_skip_tls_verify;
	char *namespace; /* the context's / service account's; may be NULL */
	char *context;	 /* the context used; NULL for in-cluster */
	char *source;	 /* for logs: "kubeconfig /p (context c)" or
			    "in-cluster service account (/dir)" */
} le_kube_config;

void le_kube_config_free(le_kube_config *c);

/* Read a kubeconfig file list, merged as kubectl merges $KUBECONFIG: for
 * each named cluster, user and context, and for current-context, the first
 * file that sets it wins. Relative file paths inside a file are relative to
 * that file's directory. With skip_missing, files that do not exist are
 * ignored (as in $KUBECONFIG); otherwise a missing file is an error.
 * context = NULL uses current-context. */
int le_kubeconfig_load_files(const char *const *paths, size_t npaths, bool skip_missing,
			     const char *context, le_kube_config *out, char *err, size_t errcap);

/* The pod's service account: <dir>/token, <dir>/ca.crt, <dir>/namespace and
 * the apiserver at https://host:port. dir NULL = LE_SERVICEACCOUNT_DIR. */
int le_incluster_config_load(const char *dir, const char *service_host, const char *service_port,
			     le_kube_config *out, char *err, size_t errcap);

/* kubectl's loading rules, in order:
 *   1. in_cluster (--use-cluster-credentials): the service account only;
 *   2. kubeconfig (--kubeconfig): that file only, which must exist;
 *   3. kubeconfig_env ($KUBECONFIG) when non-empty: the listed files merged;
 *   4. <home>/.kube/config when it exists;
 *   5. the service account when service_host is set (running in a pod);
 *   6. otherwise an error saying what was looked for. */
typedef struct le_kube_load_opts {
	bool in_cluster;
	const char *kubeconfig;
	const char *kubeconfig_env;
	const char *home;
	const char *context;	  /* --context; NULL = current-context */
	const char *sa_dir;	  /* NULL = LE_SERVICEACCOUNT_DIR */
	const char *service_host; /* $KUBERNETES_SERVICE_HOST */
	const char *service_port; /* $KUBERNETES_SERVICE_PORT */
} le_kube_load_opts;

/* Fill the environment-derived fields from getenv(): KUBECONFIG, HOME,
 * KUBERNETES_SERVICE_HOST/PORT and LEASELAB_SERVICEACCOUNT_DIR (an override
 * of the service-account directory, for tests). Other fields are zeroed. */
void le_kube_load_opts_from_env(le_kube_load_opts *o);
int le_kube_config_load(const le_kube_load_opts *o, le_kube_config *out, char *err, size_t errcap);

/* ---- REST shapes of the lock objects (election-spec.md 4) --------------- */

/* "/apis/coordination.k8s.io/v1/namespaces/<ns>/leases[/<name>]" and the
 * v1 equivalents for endpoints and configmaps. name NULL = the collection.
 * Returns the length or LE_ERANGE. */
int le_lock_path(le_lock_kind kind, const char *ns, const char *name, char *buf, size_t cap);

/* A Kubernetes Status body decoded into something a person can act on.
 * reason/message come from the body when it is a Status; otherwise message
 * says what the server answered ("the server returned 502 Bad Gateway:
 * <start of body>"). Both buffers are always NUL-terminated. */
void le_kube_decode_status(int http_status, const char *body, size_t len, char *reason,
			   size_t reason_cap, char *message, size_t message_cap);

/* One HTTP request to make. path includes the query (e.g.
 * "?timeout=5s"); body is JSON or NULL. Owned by the lock client, valid
 * until the next build call. */
typedef struct le_http_request {
	const char *method; /* "GET", "POST", "PUT" */
	const char *path;
	const char *body;
	size_t body_len;
} le_http_request;

typedef struct le_lock_client le_lock_client;

/* A MultiLock kind (configmapsleases, endpointsleases) makes a client for
 * both objects: each request goes to the object its `target` names, and
 * each keeps its own cached object. */
le_lock_client *le_lock_client_new(le_lock_kind kind, const char *ns, const char *name);
void le_lock_client_free(le_lock_client *c);

/* Build the HTTP request for req: GET the object; POST a new object with the
 * record; PUT the cached object (the last one the apiserver returned, other
 * annotations and fields kept) with metadata.resourceVersion =
 * req->resource_version and the record replaced. timeout_ns > 0 adds
 * client-go's "?timeout=<duration>". */
int le_lock_client_build(le_lock_client *c, const le_request *req, int64_t timeout_ns,
			 le_http_request *out, char *err, size_t errcap);

/* Turn what came back into the core's le_response (pointers valid until the
 * next call on c). http_status 0 = no response; transport_error then says
 * why. A 2xx body is parsed and cached for later PUTs; a body that is not a
 * lock object becomes status 0 with a message naming the problem. */
void le_lock_client_response(le_lock_client *c, uint64_t id, le_op op, int http_status,
			     const char *body, size_t len, const char *transport_error,
			     le_response *out);

/* The cached object as JSON (NULL if none yet), for diagnostics and tests;
 * malloc'd. A MultiLock's: its primary's. */
char *le_lock_client_cached_json(const le_lock_client *c);

#ifdef __cplusplus
}
#endif
#endif
