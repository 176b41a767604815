/* leaselab — fake-apiserver: objects as JSON. Decoding request bodies the
 * way the apiserver's typed decoding does (400 on a wrong type), validation
 * (422 with the field path), normalization into a stored base, building the
 * object the apiserver would answer, and JSON merge patch. Only the JSON
 * path comes here; the in-process lock path never does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_internal.h"
#include "leaselab/candidate.h"

#define MICRO_LAYOUT "2006-01-02T15:04:05.000000Z07:00"

/* ---- bases --------------------------------------------------------------- */

fa_base *fa__base_new(cJSON *obj)
{
	fa_base *b = malloc(sizeof(*b));
	if (b == NULL) {
		cJSON_Delete(obj);
		return NULL;
	}
	b->refs = 1;
	b->obj = obj;
	return b;
}

void fa__base_ref(fa_base *b)
{
	if (b != NULL)
		b->refs++;
}

void fa__base_unref(fa_base *b)
{
	if (b != NULL && --b->refs == 0) {
		cJSON_Delete(b->obj);
		free(b);
	}
}

static const char *api_version(fa_resource res)
{
	return fa_resource_api_version(res);
}

/* ---- decoding (400) ------------------------------------------------------- */

static const char *json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "bool";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsObject(v))
		return "object";
	return "value";
}

static int cannot_unmarshal(fa_resource res, const cJSON *v, const char *field,
			    const char *go_type, fa_status *st)
{
	const char *k = fa_resource_kind(res);
	char num[48] = "";
	if (cJSON_IsNumber(v))
		snprintf(num, sizeof(num), " %.17g", v->valuedouble);
	fa__st_bad_request(st,
			   "%s in version \"%s\" cannot be handled as a %s: json: "
			   "cannot unmarshal %s%s into Go struct field %s of type %s",
			   k, fa_resource_version(res), k, json_type(v), num, field,
			   go_type);
	return LE_EPARSE;
}

/* A member that must be a string (or null / absent). */
static int opt_string(fa_resource res, const cJSON *obj, const char *key,
		      const char *go_field, const char **out, fa_status *st)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return cannot_unmarshal(res, v, go_field, "string", st);
	*out = v->valuestring;
	return LE_OK;
}

/* A member that must be an int32 (or null / absent). */
static int opt_int32(fa_resource res, const cJSON *obj, const char *key,
		     const char *go_field, bool *has, double *out, fa_status *st)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*has = false;
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < -2147483648.0 || v->valuedouble > 2147483647.0)
		return cannot_unmarshal(res, v, go_field, "int32", st);
	*has = true;
	*out = v->valuedouble;
	return LE_OK;
}

/* A map[string]string (labels, annotations). */
static int opt_string_map(fa_resource res, const cJSON *meta, const char *key,
			  fa_status *st)
{
	char go_field[64];
	snprintf(go_field, sizeof(go_field), "ObjectMeta.metadata.%s", key);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(meta, key);
	if (m == NULL || cJSON_IsNull(m))
		return LE_OK;
	if (!cJSON_IsObject(m))
		return cannot_unmarshal(res, m, go_field, "map[string]string", st);
	const cJSON *v;
	cJSON_ArrayForEach(v, m)
	{
		if (!cJSON_IsString(v) && !cJSON_IsNull(v))
			return cannot_unmarshal(res, v, go_field, "string", st);
	}
	return LE_OK;
}

/* Go's time.Parse error for a MicroTime that is not exactly 6 digits. */
static int micro_time_error(fa_resource res, const char *field, const char *v,
			    fa_status *st)
{
	const char *k = fa_resource_kind(res);
	const char *rest = v, *part = "2006";
	size_t n = strlen(v);
	int64_t ns;
	char head[20];
	if (n >= 19) {
		memcpy(head, v, 19);
		head[19] = '\0';
		char probe[32];
		snprintf(probe, sizeof(probe), "%sZ", head);
		if (le_parse_time(probe, &ns) == LE_OK && head[10] == 'T') {
			rest = v + 19;
			part = ".000000";
			if (rest[0] == '.' && strspn(rest + 1, "0123456789") >= 6) {
				rest = v + 26;
				part = "Z07:00";
			}
		}
	}
	fa__st_bad_request(st,
			   "%s in version \"%s\" cannot be handled as a %s: parsing "
			   "time \"%s\" as \"%s\": cannot parse \"%s\" as \"%s\"",
			   k, fa_resource_version(res), k, v, MICRO_LAYOUT, rest, part);
	snprintf(st->field, sizeof(st->field), "spec.%s", field);
	return LE_EPARSE;
}

static int micro_time(fa_resource res, const cJSON *spec, const char *key,
		      fa_status *st)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
	char go_field[64];
	snprintf(go_field, sizeof(go_field), "%sSpec.spec.%s",
		 fa_resource_kind(res), key);
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return cannot_unmarshal(res, v, go_field, "string", st);
	int64_t ns;
	if (!le_is_micro_time(v->valuestring) ||
	    le_parse_time(v->valuestring, &ns) != LE_OK)
		return micro_time_error(res, key, v->valuestring, st);
	return LE_OK;
}

static int decode_lease_spec(fa_resource res, const cJSON *spec, fa_body *b,
			     fa_status *st)
{
	int rc;
	const char *holder = NULL;
	if ((rc = opt_string(res, spec, "holderIdentity",
			     "LeaseSpec.spec.holderIdentity", &holder, st)) ||
	    (rc = opt_int32(res, spec, "leaseDurationSeconds",
			    "LeaseSpec.spec.leaseDurationSeconds",
			    &b->has_duration, &b->duration, st)) ||
	    (rc = micro_time(res, spec, "acquireTime", st)) ||
	    (rc = micro_time(res, spec, "renewTime", st)) ||
	    (rc = opt_int32(res, spec, "leaseTransitions",
			    "LeaseSpec.spec.leaseTransitions",
			    &b->has_transitions, &b->transitions, st)) ||
	    (rc = opt_string(res, spec, "strategy", "LeaseSpec.spec.strategy",
			     &b->strategy, st)) ||
	    (rc = opt_string(res, spec, "preferredHolder",
			     "LeaseSpec.spec.preferredHolder", &b->preferred, st)))
		return rc;
	if (holder != NULL && strlen(holder) >= LE_ID_MAX) {
		fa__st_bad_request(st, "spec.holderIdentity is longer than %d bytes",
				   LE_ID_MAX - 1);
		return LE_ERANGE;
	}
	return LE_OK;
}

static int decode_candidate_spec(fa_resource res, const cJSON *spec,
				 fa_body *b, fa_status *st)
{
	int rc;
	if ((rc = opt_string(res, spec, "leaseName",
			     "LeaseCandidateSpec.spec.leaseName", &b->lease_name, st)) ||
	    (rc = micro_time(res, spec, "pingTime", st)) ||
	    (rc = micro_time(res, spec, "renewTime", st)) ||
	    (rc = opt_string(res, spec, "binaryVersion",
			     "LeaseCandidateSpec.spec.binaryVersion",
			     &b->binary_version, st)) ||
	    (rc = opt_string(res, spec, "emulationVersion",
			     "LeaseCandidateSpec.spec.emulationVersion",
			     &b->emulation_version, st)) ||
	    (rc = opt_string(res, spec, "strategy",
			     "LeaseCandidateSpec.spec.strategy", &b->strategy, st)))
		return rc;
	return LE_OK;
}

/* Standard base64 (what Go's []byte decodes from JSON): the decoded length,
 * or -1 with the offending byte in *bad_at. */
static long base64_decoded_len(const char *s, size_t *bad_at)
{
	size_t n = strlen(s), pad = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/';
		if (c == '=' && i + 2 >= n && i >= n - 2) {
			pad++;
			continue;
		}
		if (!alnum || pad > 0) {
			*bad_at = i;
			return -1;
		}
	}
	if (n % 4 != 0) {
		*bad_at = n - n % 4;
		return -1;
	}
	return (long)(n / 4 * 3 - pad);
}

/* ConfigMap data is map[string]string, binaryData map[string][]byte. */
static int decode_configmap(fa_resource res, const cJSON *body, fa_body *b,
			    fa_status *st)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(body, "data");
	const cJSON *bd = cJSON_GetObjectItemCaseSensitive(body, "binaryData");
	const cJSON *v;
	if (d != NULL && !cJSON_IsNull(d)) {
		if (!cJSON_IsObject(d))
			return cannot_unmarshal(res, d, "ConfigMap.data",
						"map[string]string", st);
		cJSON_ArrayForEach(v, d)
		{
			if (!cJSON_IsString(v) && !cJSON_IsNull(v))
				return cannot_unmarshal(res, v, "ConfigMap.data", "string", st);
		}
		b->data = d;
	}
	if (bd != NULL && !cJSON_IsNull(bd)) {
		if (!cJSON_IsObject(bd))
			return cannot_unmarshal(res, bd, "ConfigMap.binaryData",
						"map[string][]uint8", st);
		cJSON_ArrayForEach(v, bd)
		{
			size_t at = 0;
			if (cJSON_IsNull(v))
				continue;
			if (!cJSON_IsString(v))
				return cannot_unmarshal(res, v, "ConfigMap.binaryData",
							"[]uint8", st);
			if (base64_decoded_len(v->valuestring, &at) < 0) {
				fa__st_bad_request(st,
						   "ConfigMap in version \"v1\" cannot be "
						   "handled as a ConfigMap: illegal base64 data "
						   "at input byte %zu",
						   at);
				return LE_EPARSE;
			}
		}
		b->binary_data = bd;
	}
	return LE_OK;
}

int fa__body_decode(fa_resource res, const cJSON *body, fa_body *b, fa_status *st)
{
	const char *k = fa_resource_kind(res);
	memset(b, 0, sizeof(*b));
	b->name = b->generate_name = b->ns = b->uid = b->rv = "";
	b->lease_name = b->binary_version = b->emulation_version = "";
	if (body == NULL || !cJSON_IsObject(body)) {
		fa__st_bad_request(st,
				   "%s in version \"%s\" cannot be handled as a %s: "
				   "json: cannot unmarshal %s into Go value of type %s.%s",
				   k, fa_resource_version(res), k,
				   body == NULL ? "null" : json_type(body),
				   fa_resource_version(res), k);
		return LE_EPARSE;
	}
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(body, "kind");
	const cJSON *av = cJSON_GetObjectItemCaseSensitive(body, "apiVersion");
	if (cJSON_IsString(av) && av->valuestring[0] != '\0' &&
	    strcmp(av->valuestring, api_version(res)) != 0) {
		fa__st_bad_request(st,
				   "the API version in the data (%s) does not match "
				   "the expected API version (%s)",
				   av->valuestring, api_version(res));
		return LE_EPARSE;
	}
	if (cJSON_IsString(kind) && kind->valuestring[0] != '\0' &&
	    strcmp(kind->valuestring, k) != 0) {
		fa__st_bad_request(st,
				   "the kind in the data (%s) does not match the "
				   "expected kind (%s)",
				   kind->valuestring, k);
		return LE_EPARSE;
	}
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(body, "metadata");
	if (meta != NULL && !cJSON_IsNull(meta)) {
		char go_field[32];
		snprintf(go_field, sizeof(go_field), "%s.metadata", k);
		if (!cJSON_IsObject(meta))
			return cannot_unmarshal(res, meta, go_field, "v1.ObjectMeta", st);
		int rc;
		if ((rc = opt_string(res, meta, "name", "ObjectMeta.metadata.name",
				     &b->name, st)) ||
		    (rc = opt_string(res, meta, "generateName",
				     "ObjectMeta.metadata.generateName",
				     &b->generate_name, st)) ||
		    (rc = opt_string(res, meta, "namespace",
				     "ObjectMeta.metadata.namespace", &b->ns, st)) ||
		    (rc = opt_string(res, meta, "uid", "ObjectMeta.metadata.uid",
				     &b->uid, st)) ||
		    (rc = opt_string(res, meta, "resourceVersion",
				     "ObjectMeta.metadata.resourceVersion", &b->rv,
				     st)) ||
		    (rc = opt_string_map(res, meta, "labels", st)) ||
		    (rc = opt_string_map(res, meta, "annotations", st)))
			return rc;
		const cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
		const cJSON *lead = cJSON_GetObjectItemCaseSensitive(ann, LE_LEADER_ANNOTATION);
		if ((res == FA_RES_ENDPOINTS || res == FA_RES_CONFIGMAPS) &&
		    cJSON_IsString(lead))
			b->annotation = lead->valuestring;
	}
	if (res == FA_RES_CONFIGMAPS)
		return decode_configmap(res, body, b, st);
	if (res == FA_RES_LEASES || res == FA_RES_LEASECANDIDATES) {
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(body, "spec");
		if (spec != NULL && !cJSON_IsNull(spec)) {
			char go_field[32], go_type[48];
			snprintf(go_field, sizeof(go_field), "%s.spec", k);
			snprintf(go_type, sizeof(go_type), "%s.%sSpec",
				 fa_resource_version(res), k);
			if (!cJSON_IsObject(spec))
				return cannot_unmarshal(res, spec, go_field, go_type, st);
			b->spec = spec;
			return res == FA_RES_LEASES
				       ? decode_lease_spec(res, spec, b, st)
				       : decode_candidate_spec(res, spec, b, st);
		}
	}
	return LE_OK;
}

/* ---- validation (422) ----------------------------------------------------- */

static void ns_check(const char *ns, fa_field_errs *e)
{
	if (fa__is_dns_label(ns))
		return;
	fa__errs_add(e, "metadata.namespace",
		     "Invalid value: \"%.64s\": a lowercase RFC 1123 label must "
		     "consist of lower case alphanumeric characters or '-', and must "
		     "start and end with an alphanumeric character (e.g. 'my-name',  "
		     "or '123-abc', regex used for validation is "
		     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
		     ns);
}

int fa__ns_validate(fa_resource res, const char *ns, const char *name,
		    fa_status *st)
{
	fa_field_errs e;
	e.n = 0;
	ns_check(ns, &e);
	return fa__st_invalid_errs(st, res, NULL, name, &e);
}

static bool config_key_ok(const char *k);

/* ValidLeaseCandidateName is IsConfigMapKey, not a DNS subdomain: upper
 * case and '_' are allowed. */
static const char *check_config_key(const char *k, char *buf, size_t cap)
{
	if (strlen(k) > 253)
		snprintf(buf, cap, "Invalid value: \"%.253s...\": must be no more "
			 "than 253 characters", k);
	else if (strcmp(k, ".") == 0)
		snprintf(buf, cap, "Invalid value: \".\": must not be '.'");
	else if (strcmp(k, "..") == 0)
		snprintf(buf, cap, "Invalid value: \"..\": must not be '..'");
	else if (strncmp(k, "..", 2) == 0)
		snprintf(buf, cap, "Invalid value: \"%s\": must not start with '..'", k);
	else if (!config_key_ok(k))
		snprintf(buf, cap,
			 "Invalid value: \"%s\": a valid config key must consist of "
			 "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
			 "or 'KEY_NAME',  or 'key-name', regex used for validation is "
			 "'[-._a-zA-Z0-9]+')",
			 k);
	else
		return NULL;
	return buf;
}

/* ValidateObjectMeta's name and namespace checks, in its order. */
static void meta_check(fa_resource res, const char *ns, const char *name,
		       fa_field_errs *e)
{
	char body[600];
	if (name[0] == '\0')
		fa__errs_add(e, "metadata.name",
			     "Required value: name or generateName is required");
	else if (res == FA_RES_LEASECANDIDATES
			 ? check_config_key(name, body, sizeof(body)) != NULL
			 : fa__check_subdomain(name, body, sizeof(body)) != NULL)
		fa__errs_add(e, "metadata.name", "%s", body);
	ns_check(ns, e);
}

/* ValidateLeaseSpec's checks, on values from either path; all of them. */
static void lease_spec_check(bool has_duration, double duration,
			     bool has_transitions, double transitions,
			     const char *strategy, const char *preferred,
			     fa_field_errs *e)
{
	if (has_duration && duration <= 0)
		fa__errs_add(e, "spec.leaseDurationSeconds",
			     "Invalid value: %.0f: must be greater than 0", duration);
	if (has_transitions && transitions < 0)
		fa__errs_add(e, "spec.leaseTransitions",
			     "Invalid value: %.0f: must be greater than or equal to 0",
			     transitions);
	/* OldestEmulationVersion or a custom qualified name with a "/"
	 * (ValidateCoordinatedLeaseStrategy; election-spec.md 8) */
	char sbody[768];
	if (strategy != NULL && strategy[0] != '\0' &&
	    le_strategy_validate(strategy, sbody, sizeof sbody) != LE_OK)
		fa__errs_add(e, "spec.strategy", "%s", sbody);
	if (preferred != NULL && preferred[0] != '\0' &&
	    (strategy == NULL || strategy[0] == '\0'))
		fa__errs_add(e, "spec.preferredHolder",
			     "Forbidden: may only be specified if `strategy` is defined");
}

static bool config_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 253 || strcmp(k, ".") == 0 || strcmp(k, "..") == 0 ||
	    strncmp(k, "..", 2) == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* ValidateConfigMap: keys are config keys, not in both maps, and keys plus
 * values stay within FA_CONFIGMAP_MAX_BYTES. */
static void configmap_check(const fa_body *b, fa_field_errs *e)
{
	char field[300];
	size_t total = 0;
	const cJSON *maps[2] = {b->data, b->binary_data};
	static const char *const which[2] = {"data", "binaryData"};
	for (int m = 0; m < 2; m++) {
		const cJSON *v;
		cJSON_ArrayForEach(v, maps[m])
		{
			const char *k = v->string != NULL ? v->string : "";
			snprintf(field, sizeof(field), "%s[%.253s]", which[m], k);
			if (!config_key_ok(k))
				fa__errs_add(e, field,
					     "Invalid value: \"%.253s\": a valid config key must "
					     "consist of alphanumeric characters, '-', '_' or '.' "
					     "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
					     "regex used for validation is '[-._a-zA-Z0-9]+')",
					     k);
			if (m == 1 && cJSON_GetObjectItemCaseSensitive(b->data, k) != NULL)
				fa__errs_add(e, field,
					     "Invalid value: \"%.253s\": duplicate of key present "
					     "in data", k);
			size_t at = 0;
			long vl = !cJSON_IsString(v) ? 0
				  : m == 0 ? (long)strlen(v->valuestring)
					   : base64_decoded_len(v->valuestring, &at);
			total += strlen(k) + (vl > 0 ? (size_t)vl : 0);
		}
	}
	if (total > FA_CONFIGMAP_MAX_BYTES)
		fa__errs_add(e, "", "Too long: must have at most %zu bytes",
			     FA_CONFIGMAP_MAX_BYTES);
}

/* ValidateLeaseCandidateSpec, in its order, every error. A version that
 * does not parse counts as 0.0.0 in the later checks, as semver.Parse's
 * zero Version does. */
static void candidate_spec_check(const fa_body *b, fa_field_errs *e)
{
	char body[900], err[LE_ERRMSG_MAX];
	le_semver ev = {0}, bv = {0};
	const char *evs = b->emulation_version, *bvs = b->binary_version;
	if (b->lease_name[0] == '\0')
		fa__errs_add(e, "spec.leaseName", "Required value");
	if (evs[0] != '\0' && le_semver_parse_strict(evs, &ev, err, sizeof(err)) != LE_OK) {
		memset(&ev, 0, sizeof(ev));
		fa__errs_add(e, "spec.emulationVersion",
			     "Invalid value: \"%.64s\": must be a valid semantic version", evs);
	}
	if (bvs[0] == '\0') {
		fa__errs_add(e, "spec.binaryVersion", "Required value");
	} else if (le_semver_parse_strict(bvs, &bv, err, sizeof(err)) != LE_OK) {
		memset(&bv, 0, sizeof(bv));
		fa__errs_add(e, "spec.binaryVersion",
			     "Invalid value: \"%.64s\": must be a valid semantic version", bvs);
	}
	if (bvs[0] != '\0' && evs[0] != '\0' && le_semver_compare(&bv, &ev) < 0)
		fa__errs_add(e, "spec.binaryVersion",
			     "Invalid value: \"%.64s\": must be greater than or equal "
			     "to `emulationVersion`", bvs);
	if (b->strategy == NULL || b->strategy[0] == '\0') {
		fa__errs_add(e, "spec.strategy", "Required value");
		return;
	}
	if (strcmp(b->strategy, LE_STRATEGY_OEV) == 0 && ev.major == 0 && ev.minor == 0 &&
	    ev.patch == 0 && ev.pre[0] == '\0')
		fa__errs_add(e, "spec.emulationVersion",
			     "Required value: must be specified when `strategy` is "
			     "'OldestEmulationVersion'");
	/* ValidateCoordinatedLeaseStrategy is handed spec.strategy and appends
	 * "strategy" again: the apiserver says spec.strategy.strategy */
	if (le_strategy_validate(b->strategy, body, sizeof(body)) != LE_OK)
		fa__errs_add(e, "spec.strategy.strategy", "%s", body);
}

/* ValidateLeaseCandidateSpecUpdate: spec.leaseName is immutable. */
static void candidate_update_check(const fa_body *b, const cJSON *old,
				   fa_field_errs *e)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(old, "spec");
	const cJSON *ln = cJSON_GetObjectItemCaseSensitive(spec, "leaseName");
	const char *was = cJSON_IsString(ln) ? ln->valuestring : "";
	if (strcmp(was, b->lease_name) != 0)
		fa__errs_add(e, "spec.leaseName",
			     "Invalid value: \"%.253s\": field is immutable", b->lease_name);
}

int fa__body_validate(fa_resource res, const char *ns, const char *name,
		      const fa_body *b, bool creating, const cJSON *old,
		      fa_status *st)
{
	fa_field_errs e;
	e.n = 0;
	if (creating)
		meta_check(res, ns, name, &e);
	if (res == FA_RES_CONFIGMAPS && b != NULL)
		configmap_check(b, &e);
	if (res == FA_RES_LEASECANDIDATES && b != NULL) {
		candidate_spec_check(b, &e);
		if (old != NULL)
			candidate_update_check(b, old, &e);
	}
	if (res == FA_RES_LEASES && b != NULL)
		lease_spec_check(b->has_duration, b->duration, b->has_transitions,
				 b->transitions, b->strategy, b->preferred, &e);
	return fa__st_invalid_errs(st, res, NULL, name, &e);
}

int fa__record_validate(fa_resource res, const char *ns, const char *name,
			const le_record *rec, bool creating, fa_status *st)
{
	fa_field_errs e;
	e.n = 0;
	if (creating)
		meta_check(res, ns, name, &e);
	if (res == FA_RES_LEASES)
		lease_spec_check(true, rec->lease_duration_s, true, rec->transitions,
				 rec->strategy, rec->preferred_holder, &e);
	return fa__st_invalid_errs(st, res, NULL, name, &e);
}

int fa__body_record(fa_resource res, const fa_body *b, le_record *rec,
		    bool *present, bool *bad, fa_status *st)
{
	char err[LE_ERRMSG_MAX];
	*bad = false;
	if (res == FA_RES_LEASECANDIDATES) {
		/* no lock record: the object is all base */
		*present = false;
		le_record_clear(rec);
		return LE_OK;
	}
	if (res == FA_RES_LEASES) {
		*present = true;
		if (le_record_from_lease_spec(b->spec, rec, err, sizeof(err)) != LE_OK) {
			fa__st_bad_request(st, "Lease in version \"v1\" cannot be "
					   "handled as a Lease: %s", err);
			return LE_EPARSE;
		}
		return LE_OK;
	}
	*present = b->annotation != NULL;
	le_record_clear(rec);
	if (b->annotation != NULL &&
	    le_record_decode_annotation(b->annotation, strlen(b->annotation), rec,
					err, sizeof(err)) != LE_OK) {
		/* The apiserver does not look inside annotations: keep the
		 * object, and let lock readers find out. */
		le_record_clear(rec);
		*bad = true;
	}
	return LE_OK;
}

/* ---- normalization ---------------------------------------------------------- */

static void strip_nulls(cJSON *o)
{
	if (!cJSON_IsObject(o) && !cJSON_IsArray(o))
		return;
	cJSON *c = o->child;
	while (c != NULL) {
		cJSON *next = c->next;
		if (cJSON_IsObject(o) && cJSON_IsNull(c))
			cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
		else
			strip_nulls(c);
		c = next;
	}
}

static const char *const server_meta[] = {"name", "namespace", "uid",
					  "resourceVersion", "creationTimestamp"};

static bool is_server_meta(const char *key)
{
	for (size_t i = 0; i < sizeof(server_meta) / sizeof(server_meta[0]); i++)
		if (strcmp(key, server_meta[i]) == 0)
			return true;
	return false;
}

/* MicroTime values as the apiserver writes them back: UTC, 6 digits. */
static void normalize_micro_time(cJSON *spec, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
	int64_t ns;
	char buf[40];
	if (cJSON_IsString(v) && le_parse_time(v->valuestring, &ns) == LE_OK &&
	    le_format_micro_time(ns, buf, sizeof(buf)) > 0 &&
	    strcmp(buf, v->valuestring) != 0)
		cJSON_SetValuestring(v, buf);
}

cJSON *fa__normalize(fa_resource res, const cJSON *body)
{
	cJSON *copy = cJSON_Duplicate(body, true);
	cJSON *out = cJSON_CreateObject();
	if (copy == NULL || out == NULL)
		goto err;
	strip_nulls(copy);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "kind");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "apiVersion");
	cJSON *meta = cJSON_DetachItemFromObjectCaseSensitive(copy, "metadata");
	if (cJSON_AddStringToObject(out, "kind", fa_resource_kind(res)) == NULL ||
	    cJSON_AddStringToObject(out, "apiVersion", api_version(res)) == NULL)
		goto err_meta;
	cJSON *m = cJSON_AddObjectToObject(out, "metadata");
	if (m == NULL)
		goto err_meta;
	/* Server-owned fields first, in the apiserver's order; values are
	 * filled in when the object is built. */
	for (size_t i = 0; i < sizeof(server_meta) / sizeof(server_meta[0]); i++)
		if (cJSON_AddStringToObject(m, server_meta[i], "") == NULL)
			goto err_meta;
	if (cJSON_IsObject(meta)) {
		while (meta->child != NULL) {
			cJSON *c = cJSON_DetachItemViaPointer(meta, meta->child);
			if (is_server_meta(c->string))
				cJSON_Delete(c);
			else
				cJSON_AddItemToObject(m, c->string, c);
		}
	}
	cJSON_Delete(meta);
	while (copy->child != NULL) {
		cJSON *c = cJSON_DetachItemViaPointer(copy, copy->child);
		cJSON_AddItemToObject(out, c->string, c);
	}
	cJSON_Delete(copy);
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(out, "spec");
	if (res == FA_RES_LEASES) {
		normalize_micro_time(spec, "acquireTime");
		normalize_micro_time(spec, "renewTime");
	} else if (res == FA_RES_LEASECANDIDATES) {
		normalize_micro_time(spec, "pingTime");
		normalize_micro_time(spec, "renewTime");
	}
	return out;
err_meta:
	cJSON_Delete(meta);
err:
	cJSON_Delete(copy);
	cJSON_Delete(out);
	return NULL;
}

/* ---- building the answer ------------------------------------------------------ */

static bool set_string(cJSON *obj, const char *key, const char *val)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (old != NULL && cJSON_IsString(old))
		return cJSON_SetValuestring(old, val) != NULL;
	cJSON *n = cJSON_CreateString(val);
	if (n == NULL)
		return false;
	if (old != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
	return cJSON_AddItemToObject(obj, key, n);
}

static cJSON *object_member(cJSON *obj, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (cJSON_IsObject(v))
		return v;
	cJSON *n = cJSON_CreateObject();
	if (n == NULL)
		return NULL;
	if (v != NULL) {
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
		return n;
	}
	cJSON_AddItemToObject(obj, key, n);
	return n;
}

static const char *const record_keys[] = {
	"holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime",
	"leaseTransitions", "strategy", "preferredHolder"};

/* Lease: the record's fields re-encoded, the spec's other fields kept. */
static bool put_lease_record(cJSON *o, const le_record *rec)
{
	cJSON *spec = le_record_to_lease_spec(rec);
	if (spec == NULL)
		return false;
	strip_nulls(spec);
	cJSON *old = cJSON_GetObjectItemCaseSensitive(o, "spec");
	if (cJSON_IsObject(old)) {
		for (size_t i = 0; i < sizeof(record_keys) / sizeof(record_keys[0]); i++)
			cJSON_DeleteItemFromObjectCaseSensitive(old, record_keys[i]);
		while (old->child != NULL) {
			cJSON *c = cJSON_DetachItemViaPointer(old, old->child);
			cJSON_AddItemToObject(spec, c->string, c);
		}
		return cJSON_ReplaceItemInObjectCaseSensitive(o, "spec", spec);
	}
	if (old != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(o, "spec", spec);
	return cJSON_AddItemToObject(o, "spec", spec);
}

static bool put_annotation_record(cJSON *meta, const le_record *rec, bool present)
{
	if (!present) {
		cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
		cJSON_DeleteItemFromObjectCaseSensitive(ann, LE_LEADER_ANNOTATION);
		return true;
	}
	char buf[4 * LE_ID_MAX + 512];
	if (le_record_encode_annotation(rec, buf, sizeof(buf)) < 0)
		return false;
	cJSON *ann = object_member(meta, "annotations");
	return ann != NULL && set_string(ann, LE_LEADER_ANNOTATION, buf);
}

cJSON *fa__materialize(const fa_view_src *v)
{
	cJSON *o;
	if (v->base != NULL) {
		o = cJSON_Duplicate(v->base->obj, true);
	} else {
		o = cJSON_CreateObject();
		if (o != NULL) {
			cJSON_AddStringToObject(o, "kind", fa_resource_kind(v->res));
			cJSON_AddStringToObject(o, "apiVersion", api_version(v->res));
		}
	}
	if (o == NULL)
		return NULL;
	cJSON *meta = object_member(o, "metadata");
	char rv[24], created[32];
	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)v->rv);
	if (le_format_time(v->created_wall_ns, created, sizeof(created)) < 0)
		created[0] = '\0';
	bool ok = meta != NULL && set_string(meta, "name", v->name) &&
		  set_string(meta, "namespace", v->ns) &&
		  set_string(meta, "uid", v->uid) &&
		  set_string(meta, "resourceVersion", rv) &&
		  set_string(meta, "creationTimestamp", created);
	if (ok && v->res != FA_RES_LEASECANDIDATES &&
	    (v->rec_override || v->base == NULL)) {
		if (v->res == FA_RES_LEASES)
			ok = put_lease_record(o, v->rec);
		else
			ok = put_annotation_record(meta, v->rec, v->rec_present);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* ---- merge patch --------------------------------------------------------------- */

/* Merges patch (an object) into target (an object) in place, so members keep
 * their order. */
static bool merge_into(cJSON *target, const cJSON *patch)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, patch)
	{
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(target, p->string);
		if (cJSON_IsNull(p)) {
			if (cur != NULL)
				cJSON_Delete(cJSON_DetachItemViaPointer(target, cur));
			continue;
		}
		if (cJSON_IsObject(p) && cJSON_IsObject(cur)) {
			if (!merge_into(cur, p))
				return false;
			continue;
		}
		cJSON *n;
		if (cJSON_IsObject(p)) {
			n = cJSON_CreateObject();
			if (n != NULL && !merge_into(n, p)) {
				cJSON_Delete(n);
				return false;
			}
		} else {
			n = cJSON_Duplicate(p, true);
		}
		if (n == NULL)
			return false;
		if (cur != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(target, p->string, n);
		else
			cJSON_AddItemToObject(target, p->string, n);
	}
	return true;
}

cJSON *fa__merge_patch(cJSON *target, const cJSON *patch)
{
	if (!cJSON_IsObject(patch)) {
		cJSON_Delete(target);
		return cJSON_Duplicate(patch, true);
	}
	if (!cJSON_IsObject(target)) {
		cJSON_Delete(target);
		target = cJSON_CreateObject();
		if (target == NULL)
			return NULL;
	}
	if (!merge_into(target, patch)) {
		cJSON_Delete(target);
		return NULL;
	}
	return target;
}
