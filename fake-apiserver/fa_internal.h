/* leaselab — fake-apiserver internals shared by the .c files of
 * libleaselab-fa. Not a public header: the HTTP front end and the simulator
 * use include/leaselab/fake_apiserver.h only. */
#ifndef LEASELAB_FA_INTERNAL_H
#define LEASELAB_FA_INTERNAL_H

#include <cjson/cJSON.h>

#include "leaselab/fake_apiserver.h"

/* "leases.coordination.k8s.io", "endpoints", "configmaps": the resource as
 * the apiserver names it in its messages (GroupResource.String()). */
const char *fa__qualified_resource(fa_resource r);
/* "Lease.coordination.k8s.io", "Endpoints", "ConfigMap": the GroupKind in
 * 422 messages. */
const char *fa__qualified_kind(fa_resource r);
/* The etcd key prefix: "/registry/leases", "/registry/services/endpoints". */
const char *fa__registry_prefix(fa_resource r);

/* Status constructors, each with the apiserver's own words. */
void fa__st_set(fa_status *st, int code, const char *reason, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
void fa__st_not_found(fa_status *st, fa_resource r, const char *name);
void fa__st_already_exists(fa_status *st, fa_resource r, const char *name);
void fa__st_conflict(fa_status *st, fa_resource r, const char *name);
/* Storage precondition failure (409 Conflict): what = "UID" or
 * "ResourceVersion". */
void fa__st_precondition(fa_status *st, fa_resource r, const char *ns,
			 const char *name, const char *what, const char *want,
			 const char *have);
/* 422 Invalid: `<kind> "<name>" is invalid: <field>: <body>`. kind NULL =
 * the resource's GroupKind. */
void fa__st_invalid(fa_status *st, fa_resource r, const char *kind,
		    const char *name, const char *field, const char *body);

/* Field errors gathered by a validation, in the apiserver's order, so one
 * 422 lists them all (field.ErrorList). Past FA_STATUS_CAUSES_MAX the rest
 * are dropped. */
typedef struct fa_field_errs {
	size_t n;
	char field[FA_STATUS_CAUSES_MAX][300];
	char body[FA_STATUS_CAUSES_MAX][900];
} fa_field_errs;
void fa__errs_add(fa_field_errs *e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* LE_OK when e is empty; else the 422 errors.NewInvalid builds (one error:
 * `... is invalid: f: b`; several: `... is invalid: [f1: b1, f2: b2]`,
 * repeated texts said once, every one a cause) and LE_EINVAL. */
int fa__st_invalid_errs(fa_status *st, fa_resource r, const char *kind,
			const char *name, const fa_field_errs *e);
void fa__st_bad_request(fa_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fa__st_internal(fa_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Kubernetes name checks: NULL when valid, else the message body after the
 * field ("Invalid value: ...: a lowercase RFC 1123 subdomain ..."), written
 * into buf. */
const char *fa__check_subdomain(const char *name, char *buf, size_t cap);
bool fa__is_dns_label(const char *s);

/* Uniform double in [0, 1) and a uid in RFC 4122 version 4 form. */
void fa__uid_v4(fa_rng *r, char out[LE_UID_MAX]);

/* Durations as Go writes them ("250ms", "1m30s") for rules and history. */
int fa__parse_duration(const cJSON *v, int64_t *ns_out, char *err, size_t errcap);
void fa__format_duration(int64_t ns, char *buf, size_t cap);

/* ---- objects (object_json.c) -------------------------------------------
 * A stored object is its lock record kept structured (the hot in-process
 * path reads and writes only that) plus a "base": the object as last written
 * over JSON, normalized, immutable and shared by reference with the history
 * entries that saw it. The JSON form is built from both on demand. */
typedef struct fa_base {
	int refs;
	cJSON *obj;
} fa_base;

fa_base *fa__base_new(cJSON *obj); /* takes obj; NULL (and frees obj) on OOM */
void fa__base_ref(fa_base *b);
void fa__base_unref(fa_base *b);

/* What an object is made of at one revision. */
typedef struct fa_view_src {
	fa_resource res;
	const char *ns, *name, *uid;
	int64_t created_wall_ns;
	uint64_t rv;
	const le_record *rec;
	bool rec_present;
	const fa_base *base;  /* NULL: nothing but metadata and the record */
	bool rec_override;    /* re-encode the record over the base's */
} fa_view_src;

/* The object as the apiserver returns it. NULL on OOM. */
cJSON *fa__materialize(const fa_view_src *v);

/* A request body, read (not copied) from its cJSON. Strings are "" when
 * absent; pointers live as long as the body. */
typedef struct fa_body {
	const char *name, *generate_name, *ns, *uid, *rv;
	const cJSON *spec;          /* Lease .spec, or NULL */
	bool has_duration, has_transitions;
	double duration, transitions;
	const char *strategy;       /* NULL when absent */
	const char *preferred;      /* NULL when absent */
	const char *annotation;     /* the leader annotation, or NULL */
	const cJSON *data;          /* ConfigMap .data / .binaryData, or NULL */
	const cJSON *binary_data;
	/* LeaseCandidate .spec (strategy above); "" when absent */
	const char *lease_name, *binary_version, *emulation_version;
} fa_body;

/* ValidateConfigMap's limit on data plus binaryData (keys and values). */
#define FA_CONFIGMAP_MAX_BYTES ((size_t)1 << 20)

/* Type checks as decoding into the Go types does: 400 BadRequest. */
int fa__body_decode(fa_resource res, const cJSON *body, fa_body *b, fa_status *st);
/* Field validation: 422 Invalid listing every error. creating adds the
 * name and namespace checks; old (the stored object's base on an update,
 * else NULL) adds ValidateLeaseCandidateSpecUpdate: spec.leaseName is
 * immutable. */
int fa__body_validate(fa_resource res, const char *ns, const char *name,
		      const fa_body *b, bool creating, const cJSON *old,
		      fa_status *st);
/* The lock record a validated body carries. An annotation that does not
 * decode leaves *bad set (the apiserver stores it anyway). */
int fa__body_record(fa_resource res, const fa_body *b, le_record *rec,
		    bool *present, bool *bad, fa_status *st);
/* The in-process path's checks of a record it is asked to write (422);
 * creating adds the name and namespace checks, in one list. */
int fa__record_validate(fa_resource res, const char *ns, const char *name,
			const le_record *rec, bool creating, fa_status *st);
/* Path namespace check (422 on metadata.namespace). */
int fa__ns_validate(fa_resource res, const char *ns, const char *name,
		    fa_status *st);
/* A body as the base of a stored object: kind/apiVersion set, metadata's
 * server-owned fields placed first (filled in by fa__materialize), nulls
 * dropped, Lease MicroTimes in UTC. NULL on OOM. */
cJSON *fa__normalize(fa_resource res, const cJSON *body);
/* RFC 7386 merge patch: consumes target, returns the result (NULL on OOM). */
cJSON *fa__merge_patch(cJSON *target, const cJSON *patch);

#endif
