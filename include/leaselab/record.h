/* leaselab — the leader election record and its wire codecs.
 *
 * A record is what a lock holds: client-go's LeaderElectionRecord. It is kept
 * as plain fixed-size data so the core and the simulator never allocate for it.
 * Times are wall-clock nanoseconds since the Unix epoch (informational only:
 * expiry never reads them; see election-spec.md 2.4).
 *
 * The JSON codecs are strict in what they write (client-go's shapes: MicroTime
 * with exactly 6 fractional digits in UTC for Lease, whole-second RFC 3339 for
 * annotations) and liberal in what they read (string durations, null fields,
 * space-separated zone-less times, missing fields): see
 * tests/fixtures/records/README.md.
 */
#ifndef LEASELAB_RECORD_H
#define LEASELAB_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits. An identity longer than LE_ID_MAX-1 bytes is rejected by validation;
 * Kubernetes names are at most 253 bytes. A holderIdentity read from a lock
 * has no length limit (election-spec.md 3.1): a longer one is kept as its
 * first LE_ID_MAX-1 bytes plus holder_truncated and a hash of the whole. */
#define LE_ID_MAX 256
#define LE_NAME_MAX 254
#define LE_RV_MAX 32
#define LE_UID_MAX 40
/* A Lease strategy is OldestEmulationVersion or any qualified name with a
 * "/" (prefix up to 253 + "/" + name up to 63: 317 bytes; election-spec.md
 * 3.1). */
#define LE_STRATEGY_MAX 320
#define LE_ERRMSG_MAX 512

/* The annotation key used by the Endpoints and ConfigMap locks. */
#define LE_LEADER_ANNOTATION "control-plane.alpha.kubernetes.io/leader"

/* Error codes shared by every leaselab library: 0 is success, errors are
 * negative. le_strerror() names them. */
enum le_err {
	LE_OK = 0,
	LE_EINVAL = -1,   /* bad argument or configuration */
	LE_EPARSE = -2,   /* malformed input (JSON, YAML, record, time) */
	LE_ENOMEM = -3,   /* allocation failed */
	LE_ERANGE = -4,   /* value out of range / buffer too small */
	LE_ENOTFOUND = -5,
	LE_ECONFLICT = -6,
	LE_EIO = -7,      /* file or network I/O */
	LE_ESTATE = -8,   /* call not valid in the current state */
	LE_ETIMEDOUT = -9,
};
const char *le_strerror(int err);

/* Which kind of object holds the record. The first three are objects; the
 * last two are client-go's MultiLock (resourcelock/multilock.go, 1.17-1.27,
 * election-spec.md 3.3): the primary is the annotation object and the
 * secondary the Lease of the same namespace/name. A request the core sends
 * always names one object (le_request.target), never a multilock kind. */
typedef enum le_lock_kind {
	LE_LOCK_LEASES = 0,     /* coordination.k8s.io/v1 Lease, record in .spec */
	LE_LOCK_ENDPOINTS = 1,  /* v1 Endpoints, record in the leader annotation */
	LE_LOCK_CONFIGMAPS = 2, /* v1 ConfigMap, record in the leader annotation */
	LE_LOCK_ENDPOINTS_LEASES = 3,  /* "endpointsleases": Endpoints, then Lease */
	LE_LOCK_CONFIGMAPS_LEASES = 4, /* "configmapsleases": ConfigMap, then Lease */
} le_lock_kind;

/* The holder a MultiLock reports when its two records name different
 * holders (multilock.go UnknownLeader). */
#define LE_UNKNOWN_LEADER "leaderelection.k8s.io/unknown"

/* "leases" / "endpoints" / "configmaps" / "endpointsleases" /
 * "configmapsleases" and back. parse returns LE_EINVAL for anything else. */
const char *le_lock_kind_name(le_lock_kind kind);
int le_lock_kind_parse(const char *s, le_lock_kind *out);
/* A MultiLock kind (endpointsleases, configmapsleases)? */
bool le_lock_kind_is_multi(le_lock_kind kind);
/* The object a lock kind keeps its record in: the primary of a MultiLock
 * (endpoints / configmaps), the kind itself otherwise. */
le_lock_kind le_lock_kind_primary(le_lock_kind kind);

/* client-go's LeaderElectionRecord. has_* say whether an optional time was
 * present (a zero time is written as null). holder_set distinguishes a
 * present "" (released) from an absent holderIdentity (never held); both mean
 * "free" to a current client. */
typedef struct le_record {
	char holder[LE_ID_MAX];
	bool holder_set;
	int32_t lease_duration_s;  /* leaseDurationSeconds; 0 when absent */
	bool has_acquire_time;
	bool has_renew_time;
	int64_t acquire_wall_ns;
	int64_t renew_wall_ns;
	int32_t transitions;       /* leaderTransitions / leaseTransitions */
	char strategy[LE_STRATEGY_MAX];        /* "" = absent */
	char preferred_holder[LE_ID_MAX];      /* "" = absent */
	/* holderIdentity was longer than LE_ID_MAX-1 bytes: holder holds its
	 * start, holder_hash the FNV-1a of all of it. It is never an identity
	 * this library can run under (validation caps those). */
	bool holder_truncated;
	uint64_t holder_hash;
	/* How the annotation text was (or is to be) written, LE_DIALECT_* bits;
	 * 0 = client-go's shapes. Set by the liberal decoder for what it had to
	 * forgive, and by a writer that writes another client's shapes (the
	 * python-22.6 profile). Go's json.Unmarshal rejects any of them. */
	unsigned dialect;
} le_record;

/* Shapes of a record written by a client other than Go's. */
#define LE_DIALECT_COUNT_STRING 1u  /* "leaseDurationSeconds": "4" */
#define LE_DIALECT_TIME_NO_ZONE 2u  /* "2026-11-23 19:20:19.872660": no T, no zone */
#define LE_DIALECT_PYTHON (LE_DIALECT_COUNT_STRING | LE_DIALECT_TIME_NO_ZONE)
/* "renewTime": "": read as absent; no client is known to write it, but Go's
 * metav1.Time refuses it (time.Parse of ""). Not part of the comparison key. */
#define LE_DIALECT_TIME_EMPTY 4u

void le_record_clear(le_record *r);

/* *dst = *src as every reader sees it: the scalar fields, and each string
 * through its NUL (the bytes after it are not copied; nothing reads them).
 * An 888-byte struct copy costs the simulator's hot path more than the
 * fields it carries, which are a few dozen bytes. dst and src may not
 * overlap unless equal. */
void le_record_copy(le_record *dst, const le_record *src);

/* Canonical comparison key for change detection (election-spec.md 3.2): the
 * record as a reader at whole-second precision sees it. Two records compare
 * equal iff their keys are byte-identical. Writes at most cap bytes, returns
 * the length. The in-process transport hands this to the core as the "raw"
 * record; the HTTP transport hands the real raw text instead. */
size_t le_record_key(const le_record *r, void *buf, size_t cap);

/* ---- time formats (election-spec.md 3.4) -------------------------------- */

/* MicroTime: "2006-01-02T15:04:05.000000Z", UTC, exactly 6 digits, truncated.
 * buf needs 28 bytes. Returns the length or LE_ERANGE. */
int le_format_micro_time(int64_t wall_ns, char *buf, size_t cap);
/* metav1.Time: "2006-01-02T15:04:05Z", whole seconds, truncated. 21 bytes. */
int le_format_time(int64_t wall_ns, char *buf, size_t cap);
/* Liberal parse: RFC 3339 with any fraction and any offset ("Z", "+00:00"),
 * or "YYYY-MM-DD HH:MM:SS[.ffffff]" with no zone (read as UTC).
 * Returns LE_OK or LE_EPARSE. */
int le_parse_time(const char *s, int64_t *wall_ns);
/* Strict MicroTime check as the apiserver applies it: exactly 6 fractional
 * digits, any offset. */
bool le_is_micro_time(const char *s);

/* ---- JSON codecs (cJSON) ------------------------------------------------ */

/* Encode a record as an annotation value. With r->dialect ==
 * LE_DIALECT_PYTHON it is the Python client's shape (string duration,
 * "YYYY-MM-DD HH:MM:SS.ffffff" times, no transitions, ", "/": " spacing),
 * as tests/fixtures/records/python-22.6-configmap-*.json; otherwise
 * client-go's JSON of
 * LeaderElectionRecord with whole-second times, e.g.
 * {"holderIdentity":"a","leaseDurationSeconds":10,"acquireTime":"...Z",
 *  "renewTime":"...Z","leaderTransitions":0}
 * Returns the length written (NUL-terminated) or a negative error. */
int le_record_encode_annotation(const le_record *r, char *buf, size_t cap);

/* Go's verdict on a record read from an annotation (election-spec.md 3.3):
 * LE_OK if json.Unmarshal into LeaderElectionRecord would take the text
 * it came from (r->dialect == 0), else LE_EPARSE with Go's error text in
 * err, e.g. "json: cannot unmarshal string into Go struct field
 * LeaderElectionRecord.leaseDurationSeconds of type int". */
int le_record_go_strict_check(const le_record *r, char *err, size_t errcap);

/* Decode an annotation value strictly, as Go does: the liberal decode, then
 * le_record_go_strict_check. Tools keep the liberal reader below. */
int le_record_decode_annotation_strict(const char *json, size_t len,
				       le_record *out, char *err,
				       size_t errcap);

/* Decode an annotation value. Liberal: string durations ("4"), null fields,
 * missing fields, zone-less times. On error fills err (naming the field) and
 * returns LE_EPARSE; never crashes on any input. */
int le_record_decode_annotation(const char *json, size_t len, le_record *out,
				char *err, size_t errcap);

/* Lease spec <-> record. The cJSON-typed functions take/return `void *` so
 * that this header does not drag cJSON into every user; pass a cJSON *.
 *  - encode: builds a new cJSON object for .spec (strict shapes). NULL on OOM.
 *  - decode: reads a cJSON .spec object (liberal). A NULL spec reads as an
 *    empty record. */
void *le_record_to_lease_spec(const le_record *r);
int le_record_from_lease_spec(const void *spec_json, le_record *out, char *err,
			      size_t errcap);

/* Whole-object helpers used by HTTP clients and the HTTP store front end:
 * extract the record from a Lease / Endpoints / ConfigMap object given as
 * JSON text. A missing annotation (or a null annotations map) is an empty
 * record with *present = false. rv/uid (if non-NULL) receive
 * metadata.resourceVersion / uid ("" when absent). */
int le_record_from_object_json(le_lock_kind kind, const char *json, size_t len,
			       le_record *out, bool *present, char *rv,
			       size_t rvcap, char *err, size_t errcap);

#ifdef __cplusplus
}
#endif
#endif
