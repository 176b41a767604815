/* transport_curl: HTTP(S) requests to the apiserver with libcurl's multi
 * interface on a libevent loop (private to libleaselab-io).
 *
 * One multi handle per transport: its connection cache keeps the TCP/TLS
 * connection to the apiserver open between requests (and a share handle
 * keeps TLS sessions). Completion callbacks run from the event loop, never
 * from inside libcurl, so they may send or abort other requests.
 */
#ifndef LEASELAB_IO_TRANSPORT_CURL_H
#define LEASELAB_IO_TRANSPORT_CURL_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "leaselab/kube.h"

typedef struct le_curl le_curl;

/* status = HTTP status, or 0 with error = what failed (connection refused,
 * TLS, timeout). body is valid during the call only. */
typedef void (*le_curl_done_fn)(void *ud, uint64_t id, int tag, int status, const char *body,
				size_t len, const char *error);

/* kc is copied. user_agent and identity may be NULL. identity is sent as
 * X-Leaselab-Identity, which the fake apiserver uses to tell clients apart
 * (fault rules per pod) when no authentication is configured; a real
 * apiserver ignores it. */
le_curl *le_curl_new(struct event_base *base, const le_kube_config *kc, const char *user_agent,
		     const char *identity, le_curl_done_fn done, void *ud, char *err,
		     size_t errcap);
void le_curl_free(le_curl *c);

/* Start a request; tag comes back in the callback. timeout_ns > 0 sets
 * CURLOPT_TIMEOUT_MS (a safety net: the core aborts first). */
int le_curl_send(le_curl *c, uint64_t id, int tag, const le_http_request *req, int64_t timeout_ns,
		 char *err, size_t errcap);
/* Drop a request: no callback will come for it. Unknown ids are ignored. */
void le_curl_abort(le_curl *c, uint64_t id);
void le_curl_abort_all(le_curl *c);
size_t le_curl_in_flight(const le_curl *c);

#endif
