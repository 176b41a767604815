/* leaselab — coordinated leader election: versions, the controller's choice
 * order and the LeaseCandidate publisher (include/leaselab/candidate.h;
 * election-spec.md 8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "leaselab/candidate.h"
#include "leaselab/internal/names.h"

#define NO_TIME INT64_MAX
#define BACKOFF_BASE_NS (5 * LE_NS_PER_MS)
#define BACKOFF_MAX_NS (1000 * LE_NS_PER_S)

static int perr(char *err, size_t errcap, const char *s, const char *what)
{
	if (err && errcap)
		snprintf(err, errcap, "version \"%s\": %s", s, what);
	return LE_EPARSE;
}

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* One numeric component; leading zeros are tolerated, as ParseTolerant. */
static const char *parse_num(const char *p, uint64_t *out)
{
	if (!is_digit(*p))
		return NULL;
	uint64_t v = 0;
	for (; is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	*out = v;
	return p;
}

int le_semver_parse(const char *s, le_semver *v, char *err, size_t errcap)
{
	if (!s || !v)
		return perr(err, errcap, s ? s : "(null)", "missing");
	memset(v, 0, sizeof *v);
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == 'v')
		p++;
	uint64_t part[3] = {0, 0, 0};
	int nparts = 0;
	while (nparts < 3) {
		const char *q = parse_num(p, &part[nparts]);
		if (!q)
			return perr(err, errcap, s, nparts ? "a component after \".\" is not a number"
							   : "does not start with a number");
		nparts++;
		p = q;
		if (*p != '.')
			break;
		p++;
		if (nparts == 3)
			return perr(err, errcap, s, "more than three numeric components");
	}
	v->major = part[0];
	v->minor = part[1];
	v->patch = part[2];
	size_t end = strlen(p);
	while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	size_t plus = 0;
	while (plus < end && p[plus] != '+')
		plus++;
	if (plus > 0) {
		if (p[0] != '-')
			return perr(err, errcap, s, "unexpected text after the version numbers");
		size_t n = plus - 1;
		if (n == 0)
			return perr(err, errcap, s, "empty pre-release after \"-\"");
		if (n >= sizeof v->pre)
			return perr(err, errcap, s, "pre-release too long");
		for (size_t i = 1; i < plus; i++) {
			char ch = p[i];
			bool ok = is_digit(ch) || ch == '.' || ch == '-' ||
				  (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
			if (!ok)
				return perr(err, errcap, s, "bad character in pre-release");
			if (ch == '.' && (i == 1 || p[i - 1] == '.' || i + 1 == plus))
				return perr(err, errcap, s, "empty pre-release identifier");
		}
		memcpy(v->pre, p + 1, n);
		v->pre[n] = '\0';
	}
	return LE_OK;
}

static bool all_digits_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* One strict number: digits only, "0" or no leading zero. */
static const char *strict_num(const char *p, uint64_t *out, bool *leading_zero)
{
	const char *q = p;
	while (is_digit(*q))
		q++;
	*leading_zero = q - p > 1 && p[0] == '0';
	return q > p && !*leading_zero ? parse_num(p, out) : NULL;
}

static bool ident_char(char ch)
{
	return is_digit(ch) || ch == '-' || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z');
}

/* Dot-separated identifiers in s[0..n): non-empty, [0-9A-Za-z-]; with
 * numeric set, an all-digit one must not have a leading zero. */
static const char *idents_error(const char *s, size_t n, bool numeric)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!ident_char(s[i]))
				return "invalid character";
			continue;
		}
		size_t len = i - start;
		if (len == 0)
			return "empty identifier";
		if (numeric && len > 1 && s[start] == '0' && all_digits_n(s + start, len))
			return "numeric identifier with a leading zero";
		start = i + 1;
	}
	return NULL;
}

int le_semver_parse_strict(const char *s, le_semver *v, char *err, size_t errcap)
{
	if (!s || !v)
		return perr(err, errcap, s ? s : "(null)", "missing");
	static const char *const names[3] = {"major", "minor", "patch"};
	char what[96];
	const char *p = s;
	uint64_t part[3];
	for (int i = 0; i < 3; i++) {
		bool lz;
		const char *q = strict_num(p, &part[i], &lz);
		if (!q) {
			snprintf(what, sizeof what, "the %s number %s", names[i],
				 lz ? "has a leading zero" : "is missing or not a number");
			return perr(err, errcap, s, what);
		}
		p = q;
		if (i < 2) {
			if (*p != '.')
				return perr(err, errcap, s,
					    "not of the form MAJOR.MINOR.PATCH");
			p++;
		}
	}
	const char *plus = strchr(p, '+');
	size_t main_end = plus ? (size_t)(plus - p) : strlen(p);
	if (main_end > 0 && p[0] != '-')
		return perr(err, errcap, s, "unexpected text after the patch number");
	const char *bad;
	if (main_end > 0) {
		if (main_end - 1 >= sizeof v->pre)
			return perr(err, errcap, s, "pre-release too long");
		if ((bad = idents_error(p + 1, main_end - 1, true)) != NULL) {
			snprintf(what, sizeof what, "pre-release: %s", bad);
			return perr(err, errcap, s, what);
		}
	}
	if (plus && (bad = idents_error(plus + 1, strlen(plus + 1), false)) != NULL) {
		snprintf(what, sizeof what, "build metadata: %s", bad);
		return perr(err, errcap, s, what);
	}
	return le_semver_parse(s, v, err, errcap);
}

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return n > 0;
}

/* One pre-release identifier each: numeric ones compare as numbers and
 * sort before alphanumeric ones, which compare in ASCII order. */
static int cmp_ident(const char *a, size_t an, const char *b, size_t bn)
{
	bool na = all_digits(a, an), nb = all_digits(b, bn);
	if (na && nb) {
		while (an > 1 && *a == '0')
			a++, an--;
		while (bn > 1 && *b == '0')
			b++, bn--;
		if (an != bn)
			return an < bn ? -1 : 1;
		int c = memcmp(a, b, an);
		return c < 0 ? -1 : c > 0;
	}
	if (na != nb)
		return na ? -1 : 1;
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

int le_semver_compare(const le_semver *a, const le_semver *b)
{
	int c = cmp_u64(a->major, b->major);
	if (!c)
		c = cmp_u64(a->minor, b->minor);
	if (!c)
		c = cmp_u64(a->patch, b->patch);
	if (c)
		return c;
	if (!a->pre[0] || !b->pre[0]) /* a release outranks its pre-releases */
		return a->pre[0] ? -1 : b->pre[0] ? 1 : 0;
	const char *p = a->pre, *q = b->pre;
	for (;;) {
		size_t pn = strcspn(p, "."), qn = strcspn(q, ".");
		c = cmp_ident(p, pn, q, qn);
		if (c)
			return c;
		p += pn;
		q += qn;
		if (!*p || !*q)
			return *p ? 1 : *q ? -1 : 0; /* more identifiers rank higher */
		p++;
		q++;
	}
}

bool le_candidate_valid_oev(const le_lease_candidate *c)
{
	le_semver v;
	return c && le_semver_parse(c->emulation_version, &v, NULL, 0) == LE_OK &&
	       le_semver_parse(c->binary_version, &v, NULL, 0) == LE_OK;
}

/* An unparsable version counts as 0.0.0, as getEmulationVersionOrZero. */
static le_semver version_or_zero(const char *s)
{
	le_semver v;
	if (le_semver_parse(s, &v, NULL, 0) != LE_OK)
		memset(&v, 0, sizeof v);
	return v;
}

int le_candidate_compare(const le_lease_candidate *a, const le_lease_candidate *b)
{
	le_semver l = version_or_zero(a->emulation_version);
	le_semver r = version_or_zero(b->emulation_version);
	int c = le_semver_compare(&l, &r);
	if (!c) {
		l = version_or_zero(a->binary_version);
		r = version_or_zero(b->binary_version);
		c = le_semver_compare(&l, &r);
	}
	if (!c)
		return a->creation_wall_ns > b->creation_wall_ns ? 1 : -1;
	return c < 0 ? -1 : 1;
}

long le_candidate_pick(const le_lease_candidate *cs, size_t n)
{
	long best = -1;
	for (size_t i = 0; cs && i < n; i++) {
		if (!le_candidate_valid_oev(&cs[i]))
			continue;
		if (best < 0 || le_candidate_compare(&cs[best], &cs[i]) > 0)
			best = (long)i;
	}
	return best;
}

/* ---- strategies ------------------------------------------------------ */

#define QNAME_FMT "must consist of alphanumeric characters, '-', '_' or '.', " \
	"and must start and end with an alphanumeric character (e.g. 'MyName',  or " \
	"'my.name',  or '123-abc', regex used for validation is " \
	"'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define DNS1123_MSG "a lowercase RFC 1123 subdomain must consist of lower case " \
	"alphanumeric characters, '-' or '.', and must start and end with an " \
	"alphanumeric character (e.g. 'example.com', regex used for validation is " \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

static bool is_alnum(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool qname_part_ok(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static int sinvalid(char *err, size_t errcap, const char *strategy, const char *msg)
{
	if (err && errcap)
		snprintf(err, errcap, "Invalid value: \"%.64s\": %s", strategy, msg);
	return LE_EINVAL;
}

int le_strategy_validate(const char *strategy, char *err, size_t errcap)
{
	if (!strategy)
		strategy = "";
	const char *slash = strchr(strategy, '/');
	if (!slash) {
		if (strcmp(strategy, LE_STRATEGY_OEV) == 0)
			return LE_OK;
		if (err && errcap)
			snprintf(err, errcap,
				 "Unsupported value: \"%.64s\": supported values: \"%s\"",
				 strategy, LE_STRATEGY_OEV);
		return LE_EINVAL;
	}
	if (strchr(slash + 1, '/'))
		return sinvalid(err, errcap, strategy,
				"a qualified name " QNAME_FMT " with an optional DNS "
				"subdomain prefix and '/' (e.g. 'example.com/MyName')");
	size_t plen = (size_t)(slash - strategy);
	const char *name = slash + 1;
	size_t nlen = strlen(name);
	if (plen == 0)
		return sinvalid(err, errcap, strategy, "prefix part must be non-empty");
	if (!le_dns_subdomain_ok(strategy, plen))
		return sinvalid(err, errcap, strategy,
				plen > 253 ? "prefix part must be no more than 253 characters"
					   : "prefix part " DNS1123_MSG);
	if (nlen == 0)
		return sinvalid(err, errcap, strategy, "name part must be non-empty");
	if (nlen > 63)
		return sinvalid(err, errcap, strategy,
				"name part must be no more than 63 characters");
	if (!qname_part_ok(name, nlen))
		return sinvalid(err, errcap, strategy, "name part " QNAME_FMT);
	return LE_OK;
}

/* ---- the object as JSON ---------------------------------------------- */

static bool add_nonempty(cJSON *o, const char *key, const char *v)
{
	return v[0] == '\0' || cJSON_AddStringToObject(o, key, v) != NULL;
}

static bool add_micro(cJSON *o, const char *key, bool has, int64_t wall_ns)
{
	char buf[40];
	if (!has)
		return true;
	if (le_format_micro_time(wall_ns, buf, sizeof buf) < 0)
		return false;
	return cJSON_AddStringToObject(o, key, buf) != NULL;
}

void *le_lease_candidate_to_json(const le_lease_candidate *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *m = o ? cJSON_AddObjectToObject(o, "metadata") : NULL;
	cJSON *spec = o ? cJSON_AddObjectToObject(o, "spec") : NULL;
	bool ok = m && spec &&
		  cJSON_AddStringToObject(o, "kind", "LeaseCandidate") &&
		  cJSON_AddStringToObject(o, "apiVersion", "coordination.k8s.io/v1beta1") &&
		  add_nonempty(m, "name", c->name) &&
		  add_nonempty(m, "namespace", c->namespace_) &&
		  add_nonempty(spec, "leaseName", c->lease_name) &&
		  add_nonempty(spec, "binaryVersion", c->binary_version) &&
		  add_nonempty(spec, "emulationVersion", c->emulation_version) &&
		  add_nonempty(spec, "strategy", c->strategy) &&
		  add_micro(spec, "renewTime", c->has_renew_time, c->renew_wall_ns) &&
		  add_micro(spec, "pingTime", c->has_ping_time, c->ping_wall_ns);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int get_str(const cJSON *obj, const char *key, const char *where,
		   char *dst, size_t cap, char *err, size_t errcap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	dst[0] = '\0';
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v)) {
		snprintf(err, errcap, "%s.%s: not a string", where, key);
		return LE_EPARSE;
	}
	if (strlen(v->valuestring) >= cap) {
		snprintf(err, errcap, "%s.%s: longer than %zu bytes", where, key, cap - 1);
		return LE_EPARSE;
	}
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return LE_OK;
}

static int get_time(const cJSON *obj, const char *key, const char *where,
		    bool *has, int64_t *wall_ns, char *err, size_t errcap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*has = false;
	*wall_ns = 0;
	if (v == NULL || cJSON_IsNull(v))
		return LE_OK;
	if (!cJSON_IsString(v) || le_parse_time(v->valuestring, wall_ns) != LE_OK) {
		snprintf(err, errcap, "%s.%s: not a time", where, key);
		return LE_EPARSE;
	}
	*has = true;
	return LE_OK;
}

int le_lease_candidate_from_json(const void *obj, le_lease_candidate *out,
				 char *err, size_t errcap)
{
	const cJSON *o = obj;
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(o)) {
		snprintf(err, errcap, "a LeaseCandidate must be a JSON object");
		return LE_EPARSE;
	}
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
	bool has_created;
	if ((m != NULL && !cJSON_IsObject(m)) || (spec != NULL && !cJSON_IsObject(spec))) {
		snprintf(err, errcap, "%s: not an object",
			 m != NULL && !cJSON_IsObject(m) ? "metadata" : "spec");
		return LE_EPARSE;
	}
	int rc;
	if ((rc = get_str(m, "name", "metadata", out->name, sizeof out->name, err, errcap)) ||
	    (rc = get_str(m, "namespace", "metadata", out->namespace_,
			  sizeof out->namespace_, err, errcap)) ||
	    (rc = get_time(m, "creationTimestamp", "metadata", &has_created,
			   &out->creation_wall_ns, err, errcap)) ||
	    (rc = get_str(spec, "leaseName", "spec", out->lease_name,
			  sizeof out->lease_name, err, errcap)) ||
	    (rc = get_str(spec, "binaryVersion", "spec", out->binary_version,
			  sizeof out->binary_version, err, errcap)) ||
	    (rc = get_str(spec, "emulationVersion", "spec", out->emulation_version,
			  sizeof out->emulation_version, err, errcap)) ||
	    (rc = get_str(spec, "strategy", "spec", out->strategy,
			  sizeof out->strategy, err, errcap)) ||
	    (rc = get_time(spec, "renewTime", "spec", &out->has_renew_time,
			   &out->renew_wall_ns, err, errcap)) ||
	    (rc = get_time(spec, "pingTime", "spec", &out->has_ping_time,
			   &out->ping_wall_ns, err, errcap)))
		return rc;
	return LE_OK;
}

/* ---- the publisher --------------------------------------------------- */

struct le_cand {
	le_lease_candidate mine; /* what a CREATE writes (renewTime aside) */
	int64_t renew_interval_ns;
	bool started;

	/* the informer's copy */
	bool cached;
	le_lease_candidate cache;
	char cache_rv[LE_RV_MAX];

	/* the one-item workqueue */
	bool dirty;      /* in the queue (to be processed) */
	bool processing; /* ensureLease running: its request in flight */
	int64_t delayed_at;
	unsigned failures; /* the rate limiter's count: never forgotten */

	uint64_t next_id;
	uint64_t inflight_id;
	bool request_ready;
	le_cand_request req;

	le_cand_stats stats;
};

static int cfg_field(char *dst, size_t cap, const char *src, const char *name,
		     bool required, char *err, size_t errcap)
{
	if (!src || !src[0]) {
		if (!required) {
			dst[0] = '\0';
			return LE_OK;
		}
		if (err && errcap)
			snprintf(err, errcap, "le_cand_new: %s is required", name);
		return LE_EINVAL;
	}
	if (strlen(src) >= cap) {
		if (err && errcap)
			snprintf(err, errcap, "le_cand_new: %s is longer than %zu bytes",
				 name, cap - 1);
		return LE_EINVAL;
	}
	snprintf(dst, cap, "%s", src);
	return LE_OK;
}

le_cand *le_cand_new(const le_cand_config *cfg, char *err, size_t errcap)
{
	if (!cfg) {
		if (err && errcap)
			snprintf(err, errcap, "le_cand_new: config is NULL");
		return NULL;
	}
	le_cand *c = calloc(1, sizeof *c);
	if (!c) {
		if (err && errcap)
			snprintf(err, errcap, "le_cand_new: out of memory");
		return NULL;
	}
	le_lease_candidate *m = &c->mine;
	if (cfg_field(m->name, sizeof m->name, cfg->name, "name", true, err, errcap) ||
	    cfg_field(m->namespace_, sizeof m->namespace_, cfg->namespace_, "namespace",
		      true, err, errcap) ||
	    cfg_field(m->lease_name, sizeof m->lease_name, cfg->lease_name, "lease_name",
		      true, err, errcap) ||
	    cfg_field(m->binary_version, sizeof m->binary_version, cfg->binary_version,
		      "binary_version", true, err, errcap) ||
	    cfg_field(m->emulation_version, sizeof m->emulation_version,
		      cfg->emulation_version, "emulation_version", false, err, errcap) ||
	    cfg_field(m->strategy, sizeof m->strategy,
		      cfg->strategy ? cfg->strategy : LE_STRATEGY_OEV, "strategy", true,
		      err, errcap)) {
		free(c);
		return NULL;
	}
	if (cfg->renew_interval_ns < 0) {
		if (err && errcap)
			snprintf(err, errcap, "le_cand_new: renew_interval_ns is negative");
		free(c);
		return NULL;
	}
	c->renew_interval_ns = cfg->renew_interval_ns ? cfg->renew_interval_ns
						      : LE_CAND_RENEW_INTERVAL_NS;
	c->delayed_at = NO_TIME;
	c->next_id = 1;
	return c;
}

void le_cand_free(le_cand *c) { free(c); }

static int64_t add_sat(int64_t a, int64_t b)
{
	return b > 0 && a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* ensureLease: from the informer's copy, never from a GET. */
static void ensure(le_cand *c, le_time now)
{
	c->processing = true;
	c->dirty = false;
	memset(&c->req, 0, sizeof c->req);
	c->req.id = c->next_id++;
	if (!c->cached) {
		c->req.op = LE_CAND_CREATE;
		c->req.object = c->mine;
		c->req.object.creation_wall_ns = 0; /* the server sets it */
		c->stats.creates++;
	} else {
		c->req.op = LE_CAND_UPDATE;
		c->req.object = c->cache;
		snprintf(c->req.resource_version, sizeof c->req.resource_version, "%s",
			 c->cache_rv);
		c->stats.updates++;
	}
	c->req.object.has_renew_time = true;
	c->req.object.renew_wall_ns = now.wall_ns;
	c->inflight_id = c->req.id;
	c->request_ready = true;
}

/* queue.Add: a no-op while the item waits; while it is being processed it
 * is marked and processed again once Done. */
static void add(le_cand *c, le_time now)
{
	if (c->dirty)
		return;
	c->dirty = true;
	if (!c->processing)
		ensure(c, now);
}

/* queue.AddAfter: a duplicate keeps the earlier time. */
static void add_after(le_cand *c, le_time now, int64_t d)
{
	if (d <= 0) {
		add(c, now);
		return;
	}
	int64_t at = add_sat(now.mono_ns, d);
	if (at < c->delayed_at)
		c->delayed_at = at;
}

static int64_t backoff(le_cand *c)
{
	unsigned exp = c->failures++;
	if (exp >= 62)
		return BACKOFF_MAX_NS;
	int64_t mult = INT64_C(1) << exp;
	if (mult > BACKOFF_MAX_NS / BACKOFF_BASE_NS)
		return BACKOFF_MAX_NS;
	return BACKOFF_BASE_NS * mult;
}

int le_cand_start(le_cand *c, le_time now)
{
	if (!c || c->started)
		return LE_ESTATE;
	c->started = true;
	add(c, now);
	return LE_OK;
}

static bool pinged(const le_lease_candidate *o)
{
	return o->has_ping_time &&
	       (!o->has_renew_time || o->ping_wall_ns > o->renew_wall_ns);
}

int le_cand_on_observed(le_cand *c, le_time now, le_cand_event ev,
			const le_lease_candidate *obj, const char *rv)
{
	if (!c)
		return LE_EINVAL;
	if (ev == LE_CAND_EV_DELETE) {
		c->cached = false;
		return LE_OK;
	}
	if ((ev != LE_CAND_EV_ADD && ev != LE_CAND_EV_UPDATE) || !obj)
		return LE_EINVAL;
	c->cache = *obj;
	c->cache.name[LE_NAME_MAX - 1] = '\0';
	c->cache.namespace_[LE_NAME_MAX - 1] = '\0';
	c->cache.lease_name[LE_NAME_MAX - 1] = '\0';
	c->cache.binary_version[LE_VERSION_MAX - 1] = '\0';
	c->cache.emulation_version[LE_VERSION_MAX - 1] = '\0';
	c->cache.strategy[LE_STRATEGY_MAX - 1] = '\0';
	snprintf(c->cache_rv, sizeof c->cache_rv, "%s", rv ? rv : "");
	c->cached = true;
	/* only UpdateFunc looks at pingTime (a pinged object seen first by
	 * an ADD waits for the periodic renew) */
	if (ev == LE_CAND_EV_UPDATE && c->started && pinged(obj)) {
		c->stats.pings_answered++;
		add(c, now);
	}
	return LE_OK;
}

int le_cand_on_timer(le_cand *c, le_time now)
{
	if (!c)
		return LE_EINVAL;
	if (c->delayed_at != NO_TIME && now.mono_ns >= c->delayed_at) {
		c->delayed_at = NO_TIME;
		add(c, now);
	}
	return LE_OK;
}

int le_cand_on_response(le_cand *c, le_time now, uint64_t id, int status)
{
	if (!c)
		return LE_EINVAL;
	if (!c->processing || id != c->inflight_id)
		return LE_OK;
	c->processing = false;
	c->request_ready = false;
	if (status >= 200 && status < 300) {
		add_after(c, now, c->renew_interval_ns);
	} else {
		c->stats.failures++;
		c->stats.last_backoff_ns = backoff(c);
		add_after(c, now, c->stats.last_backoff_ns);
	}
	/* queue.Done: an Add that came while processing runs now */
	if (c->dirty) {
		c->dirty = false;
		add(c, now);
	}
	return LE_OK;
}

int64_t le_cand_next_deadline(const le_cand *c)
{
	return c ? c->delayed_at : NO_TIME;
}

bool le_cand_next_request(le_cand *c, le_cand_request *out)
{
	if (!c || !c->request_ready)
		return false;
	c->request_ready = false;
	if (out)
		*out = c->req;
	return true;
}

void le_cand_stats_get(const le_cand *c, le_cand_stats *out)
{
	if (!c || !out)
		return;
	*out = c->stats;
}
