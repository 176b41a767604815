/* leaselab — the leader election record: comparison key and JSON codecs.
 *
 * Writers produce client-go's shapes exactly (field order included), so a
 * record written here is byte-for-byte what client-go would have sent.
 * Readers are liberal, because other clients share the same objects (see
 * tests/fixtures/records/README.md): numeric strings for integers, null for
 * any field, missing fields, zone-less or odd-precision times. Anything they
 * cannot make sense of is LE_EPARSE with a message naming the JSON path.
 *
 * Input text is never assumed to be NUL-terminated: it is copied into a
 * terminated buffer before cJSON sees it, so nothing can read past `len`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "leaselab/internal/assert.h"
#include "leaselab/internal/json.h"
#include "leaselab/record.h"

#define NS_PER_S INT64_C(1000000000)

/* The path used in error messages for the leader annotation. */
#define ANNOTATION_PATH "metadata.annotations[\"" LE_LEADER_ANNOTATION "\"]"

/* ---- small helpers ------------------------------------------------------ */

static void set_err(char *err, size_t errcap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errcap, const char *fmt, ...)
{
	if (err == NULL || errcap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
}

/* Length of a string kept in a fixed buffer, even if someone filled the
 * buffer without a terminator. */
static size_t field_len(const char *s, size_t cap)
{
	return s[0] == '\0' ? 0 : strnlen(s, cap); /* most are empty */
}

/* A JSON value described for an error message: numbers and short strings are
 * shown, containers are named. Strings are cut at 40 bytes and non-printable
 * bytes are escaped so the message stays one readable line. */
static void describe_value(const cJSON *v, char *buf, size_t cap)
{
	if (v == NULL) {
		snprintf(buf, cap, "nothing");
	} else if (cJSON_IsNull(v)) {
		snprintf(buf, cap, "null");
	} else if (cJSON_IsTrue(v)) {
		snprintf(buf, cap, "true");
	} else if (cJSON_IsFalse(v)) {
		snprintf(buf, cap, "false");
	} else if (cJSON_IsNumber(v)) {
		snprintf(buf, cap, "%.15g", v->valuedouble);
	} else if (cJSON_IsArray(v)) {
		snprintf(buf, cap, "an array");
	} else if (cJSON_IsObject(v)) {
		snprintf(buf, cap, "an object");
	} else if (cJSON_IsString(v) && v->valuestring != NULL) {
		const unsigned char *s = (const unsigned char *)v->valuestring;
		size_t n = 0;
		if (cap < 8) {
			snprintf(buf, cap, "\"...\"");
			return;
		}
		buf[n++] = '"';
		size_t i;
		for (i = 0; s[i] != '\0' && i < 40 && n + 6 < cap; i++) {
			if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' ||
			    s[i] == '\\')
				n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", s[i]);
			else
				buf[n++] = (char)s[i];
		}
		if (s[i] != '\0' && n + 4 < cap) {
			memcpy(buf + n, "...", 3);
			n += 3;
		}
		buf[n++] = '"';
		buf[n] = '\0';
	} else {
		snprintf(buf, cap, "an unexpected value");
	}
}

/* Parses len bytes of JSON. The text is copied with a terminator first: the
 * caller's buffer need not be terminated, and cJSON then cannot overrun it.
 * Trailing whitespace (and NUL padding) is allowed, any other trailing data
 * is an error. */
static cJSON *parse_json(const char *json, size_t len, const char *what,
			 char *err, size_t errcap)
{
	if (json == NULL || len == 0) {
		set_err(err, errcap, "%s: empty input, expected a JSON object", what);
		return NULL;
	}
	char *copy = malloc(len + 1);
	if (copy == NULL) {
		set_err(err, errcap, "%s: out of memory", what);
		return NULL;
	}
	memcpy(copy, json, len);
	copy[len] = '\0';

	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(copy, len, &end, false);
	if (root == NULL) {
		size_t at = end != NULL ? (size_t)(end - copy) : 0;
		set_err(err, errcap, "%s: invalid JSON at byte %zu of %zu", what,
			at, len);
		free(copy);
		return NULL;
	}
	size_t at = end != NULL ? (size_t)(end - copy) : len;
	while (at < len && (copy[at] == ' ' || copy[at] == '\t' ||
			    copy[at] == '\n' || copy[at] == '\r' || copy[at] == '\0'))
		at++;
	free(copy);
	if (at < len) {
		set_err(err, errcap, "%s: unexpected data after the JSON value at byte %zu",
			what, at);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* ---- lock kinds --------------------------------------------------------- */

const char *le_lock_kind_name(le_lock_kind kind)
{
	switch (kind) {
	case LE_LOCK_LEASES:
		return "leases";
	case LE_LOCK_ENDPOINTS:
		return "endpoints";
	case LE_LOCK_CONFIGMAPS:
		return "configmaps";
	case LE_LOCK_ENDPOINTS_LEASES:
		return "endpointsleases";
	case LE_LOCK_CONFIGMAPS_LEASES:
		return "configmapsleases";
	}
	return "unknown";
}

bool le_lock_kind_is_multi(le_lock_kind kind)
{
	return kind == LE_LOCK_ENDPOINTS_LEASES || kind == LE_LOCK_CONFIGMAPS_LEASES;
}

le_lock_kind le_lock_kind_primary(le_lock_kind kind)
{
	switch (kind) {
	case LE_LOCK_ENDPOINTS_LEASES:
		return LE_LOCK_ENDPOINTS;
	case LE_LOCK_CONFIGMAPS_LEASES:
		return LE_LOCK_CONFIGMAPS;
	default:
		return kind;
	}
}

int le_lock_kind_parse(const char *s, le_lock_kind *out)
{
	static const le_lock_kind kinds[] = {
		LE_LOCK_LEASES, LE_LOCK_ENDPOINTS, LE_LOCK_CONFIGMAPS,
		LE_LOCK_ENDPOINTS_LEASES, LE_LOCK_CONFIGMAPS_LEASES};
	if (s == NULL)
		return LE_EINVAL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(s, le_lock_kind_name(kinds[i])) == 0) {
			if (out != NULL)
				*out = kinds[i];
			return LE_OK;
		}
	}
	return LE_EINVAL;
}

/* The object kind a lock kind reads ("kind" field of the object). */
static const char *object_kind_name(le_lock_kind kind)
{
	switch (kind) {
	case LE_LOCK_LEASES:
		return "Lease";
	case LE_LOCK_ENDPOINTS:
		return "Endpoints";
	case LE_LOCK_CONFIGMAPS:
		return "ConfigMap";
	case LE_LOCK_ENDPOINTS_LEASES:
	case LE_LOCK_CONFIGMAPS_LEASES:
		break; /* two objects: read each with its own kind */
	}
	return NULL;
}

void le_record_clear(le_record *r)
{
	if (r != NULL)
		memset(r, 0, sizeof(*r));
}

/* A string field of cap bytes through its NUL, or whole if it has none
 * (what a reader bounded by the field's size sees either way). */
static void copy_field(char *dst, const char *src, size_t cap)
{
	if (src[0] == '\0') { /* most strategies and preferred holders */
		dst[0] = '\0';
		return;
	}
	size_t n = strnlen(src, cap);
	memcpy(dst, src, n < cap ? n + 1 : cap);
}

void le_record_copy(le_record *dst, const le_record *src)
{
	if (dst == src)
		return;
	copy_field(dst->holder, src->holder, sizeof(dst->holder));
	dst->holder_set = src->holder_set;
	dst->lease_duration_s = src->lease_duration_s;
	dst->has_acquire_time = src->has_acquire_time;
	dst->has_renew_time = src->has_renew_time;
	dst->acquire_wall_ns = src->acquire_wall_ns;
	dst->renew_wall_ns = src->renew_wall_ns;
	dst->transitions = src->transitions;
	copy_field(dst->strategy, src->strategy, sizeof(dst->strategy));
	copy_field(dst->preferred_holder, src->preferred_holder,
		   sizeof(dst->preferred_holder));
	dst->holder_truncated = src->holder_truncated;
	dst->holder_hash = src->holder_hash;
	dst->dialect = src->dialect;
}

/* ---- comparison key ----------------------------------------------------- */

/* Layout (big-endian integers, so the key is the same on every host):
 *   1  flags: holder_set | has_acquire_time << 1 | has_renew_time << 2 |
 *      holder_truncated << 3 | dialect << 4
 *   4  lease_duration_s
 *   8  acquire time, whole seconds (floor), 0 when absent
 *   8  renew time, whole seconds (floor), 0 when absent
 *   4  transitions
 *   2+2+2  lengths of holder, strategy, preferred holder
 *   then the holder, its 8-byte hash if truncated, the strategy (its first
 *   KEY_STRATEGY bytes, then an 8-byte hash of all of it if longer) and the
 *   preferred holder.
 * The lengths make the encoding unambiguous; the fixed part comes first so a
 * truncated key still covers every scalar field. */
#define KEY_FIXED 31
#define KEY_STRATEGY 64
#define KEY_MAX (KEY_FIXED + LE_ID_MAX + 8 + KEY_STRATEGY + 8 + LE_ID_MAX)
/* The fake apiserver keeps keys in a 640-byte buffer (fake_apiserver.h). */
_Static_assert(KEY_MAX <= 640, "record key must fit fa's raw buffer");

/* v's low `bytes` bytes (2, 4 or 8), big-endian: unrolled, so that each
 * is one byte swap and a store, where a loop stored a byte a turn. */
static inline unsigned char *put_be(unsigned char *p, uint64_t v, int bytes)
{
	LE_ASSERT(bytes == 2 || bytes == 4 || bytes == 8);
	switch (bytes) {
	case 8:
		*p++ = (unsigned char)(v >> 56);
		*p++ = (unsigned char)(v >> 48);
		*p++ = (unsigned char)(v >> 40);
		*p++ = (unsigned char)(v >> 32);
		/* fall through */
	case 4:
		*p++ = (unsigned char)(v >> 24);
		*p++ = (unsigned char)(v >> 16);
		/* fall through */
	default:
		*p++ = (unsigned char)(v >> 8);
		*p++ = (unsigned char)v;
	}
	return p;
}

static int64_t whole_seconds(int64_t wall_ns)
{
	int64_t s = wall_ns / NS_PER_S;
	if (wall_ns % NS_PER_S < 0)
		s--;
	return s;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h;
}

size_t le_record_key(const le_record *r, void *buf, size_t cap)
{
	unsigned char local[KEY_MAX];
	unsigned char *out = cap >= KEY_MAX ? (unsigned char *)buf : local;
	if (r == NULL || buf == NULL)
		return 0;

	size_t holder_len = field_len(r->holder, sizeof(r->holder));
	size_t strategy_len = field_len(r->strategy, sizeof(r->strategy));
	size_t pref_len = field_len(r->preferred_holder, sizeof(r->preferred_holder));
	unsigned char *p = out;
	*p++ = (unsigned char)((r->holder_set ? 1 : 0) |
			       (r->has_acquire_time ? 2 : 0) |
			       (r->has_renew_time ? 4 : 0) |
			       (r->holder_truncated ? 8 : 0) |
			       ((r->dialect & 3u) << 4));
	p = put_be(p, (uint32_t)r->lease_duration_s, 4);
	p = put_be(p, r->has_acquire_time ? (uint64_t)whole_seconds(r->acquire_wall_ns) : 0, 8);
	p = put_be(p, r->has_renew_time ? (uint64_t)whole_seconds(r->renew_wall_ns) : 0, 8);
	p = put_be(p, (uint32_t)r->transitions, 4);
	p = put_be(p, holder_len, 2);
	p = put_be(p, strategy_len, 2);
	p = put_be(p, pref_len, 2);
	memcpy(p, r->holder, holder_len);
	p += holder_len;
	if (r->holder_truncated)
		p = put_be(p, r->holder_hash, 8);
	memcpy(p, r->strategy, strategy_len < KEY_STRATEGY ? strategy_len : KEY_STRATEGY);
	p += strategy_len < KEY_STRATEGY ? strategy_len : KEY_STRATEGY;
	if (strategy_len > KEY_STRATEGY)
		p = put_be(p, fnv1a(r->strategy, strategy_len), 8);
	memcpy(p, r->preferred_holder, pref_len);
	p += pref_len;

	size_t n = (size_t)(p - out);
	if (out == local) {
		if (n > cap)
			n = cap;
		memcpy(buf, local, n);
	}
	return n;
}

/* ---- annotation encoding ------------------------------------------------ */

typedef struct out_buf {
	char *p;
	size_t cap;
	size_t len;
	bool overflow;
} out_buf;

static void out_bytes(out_buf *o, const char *s, size_t n)
{
	if (o->overflow || o->cap - o->len <= n) { /* keep room for the NUL */
		o->overflow = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void out_str(out_buf *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void out_int(out_buf *o, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	out_bytes(o, tmp, (size_t)n);
}

/* A JSON string the way Go's encoding/json writes it (HTML-safe: see
 * le_json_escape), so that a decode/encode round trip keeps the bytes. */
static void out_json_string(out_buf *o, const char *s, size_t n)
{
	out_bytes(o, "\"", 1);
	if (!o->overflow) {
		size_t room = o->cap - o->len;
		size_t need = le_json_escape(s, n, o->p + o->len, room,
					     LE_JSON_GO_HTML_SAFE);
		if (need >= room)
			o->overflow = true;
		else
			o->len += need;
	}
	out_bytes(o, "\"", 1);
}

static void out_time(out_buf *o, bool has, int64_t wall_ns)
{
	char tmp[32];
	if (!has) {
		out_str(o, "null");
		return;
	}
	int n = le_format_time(wall_ns, tmp, sizeof(tmp));
	out_bytes(o, "\"", 1);
	out_bytes(o, tmp, (size_t)n);
	out_bytes(o, "\"", 1);
}

/* Python's str(datetime) of a naive UTC time: "2026-11-23 19:20:19.872660",
 * the fraction only when it is not zero. */
static void out_python_time(out_buf *o, bool has, int64_t wall_ns)
{
	char tmp[40];
	if (!has) {
		out_str(o, "null");
		return;
	}
	int n = le_format_micro_time(wall_ns, tmp, sizeof(tmp));
	if (n < 27)
		return;
	tmp[10] = ' ';
	n = strcmp(tmp + 19, ".000000Z") == 0 ? 19 : 26;
	out_bytes(o, "\"", 1);
	out_bytes(o, tmp, (size_t)n);
	out_bytes(o, "\"", 1);
}

/* What the kubernetes Python client 22.6 writes (json.dumps of its dict):
 * no leaderTransitions, the duration as a string. */
static void encode_python(out_buf *o, const le_record *r)
{
	out_str(o, "{\"holderIdentity\": ");
	out_json_string(o, r->holder, field_len(r->holder, sizeof(r->holder)));
	out_str(o, ", \"leaseDurationSeconds\": \"");
	out_int(o, r->lease_duration_s);
	out_str(o, "\", \"acquireTime\": ");
	out_python_time(o, r->has_acquire_time, r->acquire_wall_ns);
	out_str(o, ", \"renewTime\": ");
	out_python_time(o, r->has_renew_time, r->renew_wall_ns);
	out_str(o, "}");
}

int le_record_encode_annotation(const le_record *r, char *buf, size_t cap)
{
	if (r == NULL || buf == NULL || cap == 0)
		return LE_EINVAL;
	out_buf o = {buf, cap, 0, false};
	if (r->dialect == LE_DIALECT_PYTHON) {
		encode_python(&o, r);
		if (o.overflow) {
			buf[0] = '\0';
			return LE_ERANGE;
		}
		buf[o.len] = '\0';
		return (int)o.len;
	}
	size_t strategy_len = field_len(r->strategy, sizeof(r->strategy));
	size_t pref_len = field_len(r->preferred_holder, sizeof(r->preferred_holder));

	out_str(&o, "{\"holderIdentity\":");
	out_json_string(&o, r->holder, field_len(r->holder, sizeof(r->holder)));
	out_str(&o, ",\"leaseDurationSeconds\":");
	out_int(&o, r->lease_duration_s);
	out_str(&o, ",\"acquireTime\":");
	out_time(&o, r->has_acquire_time, r->acquire_wall_ns);
	out_str(&o, ",\"renewTime\":");
	out_time(&o, r->has_renew_time, r->renew_wall_ns);
	out_str(&o, ",\"leaderTransitions\":");
	out_int(&o, r->transitions);
	if (strategy_len > 0) {
		out_str(&o, ",\"strategy\":");
		out_json_string(&o, r->strategy, strategy_len);
	}
	if (pref_len > 0) {
		out_str(&o, ",\"preferredHolder\":");
		out_json_string(&o, r->preferred_holder, pref_len);
	}
	out_str(&o, "}");
	if (o.overflow) {
		buf[0] = '\0';
		return LE_ERANGE;
	}
	buf[o.len] = '\0';
	return (int)o.len;
}

/* ---- liberal field readers ---------------------------------------------- */

/* Where a record is being read from: the JSON path prefix for messages, and
 * the name of the transitions field (leaseTransitions in a Lease spec,
 * leaderTransitions in an annotation). */
typedef struct record_src {
	const char *path; /* e.g. "spec" */
	const char *transitions_field;
	char *err;
	size_t errcap;
	unsigned dialect; /* LE_DIALECT_* bits of what was forgiven */
} record_src;

static int field_error(const record_src *src, const char *field,
		       const char *what, const cJSON *v)
{
	char got[96];
	describe_value(v, got, sizeof(got));
	set_err(src->err, src->errcap, "%s.%s: %s, got %s", src->path, field,
		what, got);
	return LE_EPARSE;
}

/* A non-negative int32, as a JSON number or a decimal string ("4": python's
 * client writes leaseDurationSeconds that way). null or missing reads as 0. */
static int read_count(record_src *src, const cJSON *obj,
		      const char *field, int32_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!(d >= -2147483648.0 && d <= 2147483647.0))
			return field_error(src, field,
					   "expected an integer between 0 and 2147483647", v);
		if (d != (double)(int64_t)d)
			return field_error(src, field, "expected an integer", v);
		if (d < 0)
			return field_error(src, field, "must not be negative", v);
		*out = (int32_t)d;
		return LE_OK;
	}
	if (cJSON_IsString(v) && v->valuestring != NULL) {
		const char *s = v->valuestring;
		int64_t acc = 0;
		size_t i = 0;
		if (s[0] == '-' && s[1] >= '0' && s[1] <= '9')
			return field_error(src, field, "must not be negative", v);
		for (; s[i] >= '0' && s[i] <= '9'; i++) {
			acc = acc * 10 + (s[i] - '0');
			if (acc > INT32_MAX)
				return field_error(src, field,
						   "expected an integer between 0 and 2147483647", v);
		}
		if (i == 0 || s[i] != '\0')
			return field_error(src, field, "expected an integer", v);
		*out = (int32_t)acc;
		src->dialect |= LE_DIALECT_COUNT_STRING;
		return LE_OK;
	}
	return field_error(src, field, "expected an integer", v);
}

/* A string into a fixed buffer. null or missing reads as "" with *set false. */
static int read_string(const record_src *src, const cJSON *obj,
		       const char *field, char *buf, size_t cap, bool *set)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	buf[0] = '\0';
	if (set != NULL)
		*set = false;
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return field_error(src, field, "expected a string", v);
	size_t n = strlen(v->valuestring);
	if (n >= cap) {
		char what[64];
		snprintf(what, sizeof(what), "longer than %zu bytes", cap - 1);
		return field_error(src, field, what, v);
	}
	memcpy(buf, v->valuestring, n + 1);
	if (set != NULL)
		*set = true;
	return LE_OK;
}

/* holderIdentity has no length limit: a longer one keeps its start, a
 * flag and a hash of the whole (record.h). */
static int read_holder(const record_src *src, const cJSON *obj, le_record *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "holderIdentity");
	if (v != NULL && cJSON_IsString(v) && v->valuestring != NULL &&
	    strlen(v->valuestring) >= sizeof(out->holder)) {
		size_t n = strlen(v->valuestring);
		memcpy(out->holder, v->valuestring, sizeof(out->holder) - 1);
		out->holder[sizeof(out->holder) - 1] = '\0';
		out->holder_set = true;
		out->holder_truncated = true;
		out->holder_hash = fnv1a(v->valuestring, n);
		return LE_OK;
	}
	return read_string(src, obj, "holderIdentity", out->holder,
			   sizeof(out->holder), &out->holder_set);
}

/* A time in any layout le_parse_time reads. null, missing or "" is absent. */
/* Go's metav1.Time takes time.RFC3339: a "T" and a zone ("Z" or +hh:mm);
 * a fraction is allowed. */
static bool go_rfc3339(const char *s)
{
	size_t n = strlen(s);
	if (n < 20 || s[10] != 'T')
		return false;
	if (s[n - 1] == 'Z')
		return true;
	return n >= 25 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':';
}

static int read_time(record_src *src, const cJSON *obj,
		     const char *field, bool *has, int64_t *wall_ns)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	*has = false;
	*wall_ns = 0;
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return field_error(src, field, "expected a time string", v);
	if (v->valuestring[0] == '\0') {
		src->dialect |= LE_DIALECT_TIME_EMPTY;
		return LE_OK;
	}
	if (le_parse_time(v->valuestring, wall_ns) != LE_OK)
		return field_error(src, field,
				   "expected an RFC 3339 time such as "
				   "\"2006-01-02T15:04:05.000000Z\"",
				   v);
	if (!go_rfc3339(v->valuestring))
		src->dialect |= LE_DIALECT_TIME_NO_ZONE;
	*has = true;
	return LE_OK;
}

/* Reads a record from a spec or annotation object. A NULL or null object is
 * the empty record. */
static int read_record(record_src *src, const cJSON *obj, le_record *out)
{
	le_record_clear(out);
	if (obj == NULL || cJSON_IsNull(obj))
		return LE_OK;
	if (!cJSON_IsObject(obj)) {
		char got[96];
		describe_value(obj, got, sizeof(got));
		set_err(src->err, src->errcap, "%s: expected an object, got %s",
			src->path, got);
		return LE_EPARSE;
	}
	int rc;
	if ((rc = read_holder(src, obj, out)) != LE_OK ||
	    (rc = read_count(src, obj, "leaseDurationSeconds",
			     &out->lease_duration_s)) != LE_OK ||
	    (rc = read_time(src, obj, "acquireTime", &out->has_acquire_time,
			    &out->acquire_wall_ns)) != LE_OK ||
	    (rc = read_time(src, obj, "renewTime", &out->has_renew_time,
			    &out->renew_wall_ns)) != LE_OK ||
	    (rc = read_count(src, obj, src->transitions_field,
			     &out->transitions)) != LE_OK ||
	    (rc = read_string(src, obj, "strategy", out->strategy,
			      sizeof(out->strategy), NULL)) != LE_OK ||
	    (rc = read_string(src, obj, "preferredHolder", out->preferred_holder,
			      sizeof(out->preferred_holder), NULL)) != LE_OK) {
		le_record_clear(out);
		return rc;
	}
	out->dialect = src->dialect;
	return LE_OK;
}

/* ---- annotation decoding ------------------------------------------------ */

static int decode_annotation_at(const char *path, const char *json, size_t len,
				le_record *out, char *err, size_t errcap)
{
	le_record_clear(out);
	cJSON *root = parse_json(json, len, path, err, errcap);
	if (root == NULL)
		return LE_EPARSE;
	int rc;
	if (!cJSON_IsObject(root)) {
		char got[96];
		describe_value(root, got, sizeof(got));
		set_err(err, errcap, "%s: expected a JSON object, got %s", path, got);
		rc = LE_EPARSE;
	} else {
		record_src src = {path, "leaderTransitions", err, errcap, 0};
		rc = read_record(&src, root, out);
	}
	cJSON_Delete(root);
	return rc;
}

int le_record_decode_annotation(const char *json, size_t len, le_record *out,
				char *err, size_t errcap)
{
	if (out == NULL) {
		set_err(err, errcap, "le_record_decode_annotation: no output record");
		return LE_EINVAL;
	}
	return decode_annotation_at(ANNOTATION_PATH, json, len, out, err, errcap);
}

int le_record_go_strict_check(const le_record *r, char *err, size_t errcap)
{
	if (r == NULL) {
		set_err(err, errcap, "le_record_go_strict_check: no record");
		return LE_EINVAL;
	}
	/* encoding/json's UnmarshalTypeError and metav1.Time's time.Parse
	 * error, as client-go's Get returns them. */
	if (r->dialect & LE_DIALECT_COUNT_STRING) {
		set_err(err, errcap,
			"json: cannot unmarshal string into Go struct field "
			"LeaderElectionRecord.leaseDurationSeconds of type int");
		return LE_EPARSE;
	}
	if (r->dialect & LE_DIALECT_TIME_NO_ZONE) {
		set_err(err, errcap,
			"parsing time as \"2006-01-02T15:04:05Z07:00\": cannot parse "
			"as \"T\" (a time without a zone)");
		return LE_EPARSE;
	}
	if (r->dialect & LE_DIALECT_TIME_EMPTY) {
		set_err(err, errcap,
			"parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot "
			"parse \"\" as \"2006\"");
		return LE_EPARSE;
	}
	return LE_OK;
}

int le_record_decode_annotation_strict(const char *json, size_t len,
				       le_record *out, char *err,
				       size_t errcap)
{
	int rc = le_record_decode_annotation(json, len, out, err, errcap);
	if (rc != LE_OK)
		return rc;
	rc = le_record_go_strict_check(out, err, errcap);
	if (rc != LE_OK)
		le_record_clear(out);
	return rc;
}

/* ---- Lease spec --------------------------------------------------------- */

static bool add_micro_time(cJSON *obj, const char *field, bool has, int64_t wall_ns)
{
	char tmp[32];
	if (!has)
		return cJSON_AddNullToObject(obj, field) != NULL;
	le_format_micro_time(wall_ns, tmp, sizeof(tmp));
	return cJSON_AddStringToObject(obj, field, tmp) != NULL;
}

/* cJSON needs terminated strings; a full, unterminated field is copied. */
static const char *terminated(const char *s, size_t cap, char *tmp)
{
	size_t n = field_len(s, cap);
	if (n < cap)
		return s;
	memcpy(tmp, s, cap);
	tmp[cap] = '\0';
	return tmp;
}

void *le_record_to_lease_spec(const le_record *r)
{
	char tmp[LE_STRATEGY_MAX + 1];
	if (r == NULL)
		return NULL;
	cJSON *spec = cJSON_CreateObject();
	if (spec == NULL)
		return NULL;
	bool ok = cJSON_AddStringToObject(spec, "holderIdentity",
					  terminated(r->holder, sizeof(r->holder), tmp)) != NULL &&
		  cJSON_AddNumberToObject(spec, "leaseDurationSeconds",
					  r->lease_duration_s) != NULL &&
		  add_micro_time(spec, "acquireTime", r->has_acquire_time,
				 r->acquire_wall_ns) &&
		  add_micro_time(spec, "renewTime", r->has_renew_time,
				 r->renew_wall_ns) &&
		  cJSON_AddNumberToObject(spec, "leaseTransitions",
					  r->transitions) != NULL;
	if (ok && field_len(r->strategy, sizeof(r->strategy)) > 0)
		ok = cJSON_AddStringToObject(
			     spec, "strategy",
			     terminated(r->strategy, sizeof(r->strategy), tmp)) != NULL;
	if (ok && field_len(r->preferred_holder, sizeof(r->preferred_holder)) > 0)
		ok = cJSON_AddStringToObject(
			     spec, "preferredHolder",
			     terminated(r->preferred_holder,
					sizeof(r->preferred_holder), tmp)) != NULL;
	if (!ok) {
		cJSON_Delete(spec);
		return NULL;
	}
	return spec;
}

int le_record_from_lease_spec(const void *spec_json, le_record *out, char *err,
			      size_t errcap)
{
	if (out == NULL) {
		set_err(err, errcap, "le_record_from_lease_spec: no output record");
		return LE_EINVAL;
	}
	record_src src = {"spec", "leaseTransitions", err, errcap, 0};
	return read_record(&src, (const cJSON *)spec_json, out);
}

/* ---- whole objects ------------------------------------------------------ */

static int read_metadata(const cJSON *root, const cJSON **metadata, char *rv,
			 size_t rvcap, char *err, size_t errcap)
{
	char got[96];
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
	*metadata = NULL;
	if (md == NULL || cJSON_IsNull(md))
		return LE_OK;
	if (!cJSON_IsObject(md)) {
		describe_value(md, got, sizeof(got));
		set_err(err, errcap, "metadata: expected an object, got %s", got);
		return LE_EPARSE;
	}
	*metadata = md;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
	if (v == NULL || cJSON_IsNull(v) || rv == NULL)
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		describe_value(v, got, sizeof(got));
		set_err(err, errcap, "metadata.resourceVersion: expected a string, got %s",
			got);
		return LE_EPARSE;
	}
	size_t n = strlen(v->valuestring);
	if (n >= rvcap) {
		describe_value(v, got, sizeof(got));
		set_err(err, errcap,
			"metadata.resourceVersion: longer than %zu bytes, got %s",
			rvcap > 0 ? rvcap - 1 : 0, got);
		return LE_EPARSE;
	}
	memcpy(rv, v->valuestring, n + 1);
	return LE_OK;
}

/* A "kind" that names another object is an error (a ConfigMap read as a
 * Lease); a missing kind is fine: POST bodies from some clients omit it. */
static int check_kind(le_lock_kind kind, const cJSON *root, char *err,
		      size_t errcap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "kind");
	const char *want = object_kind_name(kind);
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (cJSON_IsString(v) && v->valuestring != NULL &&
	    (v->valuestring[0] == '\0' || strcmp(v->valuestring, want) == 0))
		return LE_OK;
	char got[96];
	describe_value(v, got, sizeof(got));
	set_err(err, errcap, "kind: expected \"%s\", got %s", want, got);
	return LE_EPARSE;
}

static int read_annotation_record(const cJSON *metadata, le_record *out,
				  bool *present, char *err, size_t errcap)
{
	char got[96];
	const cJSON *ann = metadata != NULL
				   ? cJSON_GetObjectItemCaseSensitive(metadata, "annotations")
				   : NULL;
	if (ann == NULL || cJSON_IsNull(ann))
		return LE_OK;
	if (!cJSON_IsObject(ann)) {
		describe_value(ann, got, sizeof(got));
		set_err(err, errcap, "metadata.annotations: expected an object, got %s",
			got);
		return LE_EPARSE;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, LE_LEADER_ANNOTATION);
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		describe_value(v, got, sizeof(got));
		set_err(err, errcap, "%s: expected a string holding the record as JSON, got %s",
			ANNOTATION_PATH, got);
		return LE_EPARSE;
	}
	int rc = decode_annotation_at(ANNOTATION_PATH, v->valuestring,
				      strlen(v->valuestring), out, err, errcap);
	if (rc == LE_OK)
		*present = true;
	return rc;
}

int le_record_from_object_json(le_lock_kind kind, const char *json, size_t len,
			       le_record *out, bool *present, char *rv,
			       size_t rvcap, char *err, size_t errcap)
{
	bool is_present = false;
	if (rv != NULL && rvcap > 0)
		rv[0] = '\0';
	if (present != NULL)
		*present = false;
	if (out == NULL || object_kind_name(kind) == NULL) {
		set_err(err, errcap, "le_record_from_object_json: bad arguments");
		return LE_EINVAL;
	}
	le_record_clear(out);

	const char *what = object_kind_name(kind);
	cJSON *root = parse_json(json, len, what, err, errcap);
	if (root == NULL)
		return LE_EPARSE;
	int rc;
	const cJSON *metadata = NULL;
	if (!cJSON_IsObject(root)) {
		char got[96];
		describe_value(root, got, sizeof(got));
		set_err(err, errcap, "%s: expected a JSON object, got %s", what, got);
		rc = LE_EPARSE;
	} else if ((rc = check_kind(kind, root, err, errcap)) != LE_OK ||
		   (rc = read_metadata(root, &metadata, rv, rvcap, err, errcap)) != LE_OK) {
		/* error already described */
	} else if (kind == LE_LOCK_LEASES) {
		/* A Lease always holds a record; a missing spec reads as empty. */
		record_src src = {"spec", "leaseTransitions", err, errcap, 0};
		rc = read_record(&src, cJSON_GetObjectItemCaseSensitive(root, "spec"), out);
		is_present = rc == LE_OK;
	} else {
		rc = read_annotation_record(metadata, out, &is_present, err, errcap);
	}
	cJSON_Delete(root);
	if (rc != LE_OK) {
		le_record_clear(out);
		if (rv != NULL && rvcap > 0)
			rv[0] = '\0';
		is_present = false;
	}
	if (present != NULL)
		*present = is_present;
	return rc;
}
