/* leaselab — fake-apiserver: the object store.
 *
 * Objects live in a chained hash table keyed by (resource, namespace, name).
 * Each keeps its lock record structured (what the in-process path reads and
 * writes, with no JSON and no allocation) and a shared, immutable "base":
 * the object as last written over JSON. The JSON form is built lazily from
 * both and cached until the next write (see fa_internal.h).
 *
 * Every write goes through commit(): a new revision from the one global
 * counter, the commit hook (which may veto and roll back), the history
 * append, then the watchers. Deleted objects stay in the table as
 * tombstones that remember their uid, so an update carrying a deleted
 * object's identity fails its UID precondition as it does on a real server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fa_internal.h"
#include "leaselab/internal/assert.h"

#define NS_MAX 64
#define HIST_CHUNK 512 /* entries per history chunk (about 650 KB) */

typedef struct fa_obj {
	struct fa_obj *next;  /* hash chain */
	fa_resource res;
	bool live;            /* false: a tombstone (deleted, or never committed) */
	char ns[NS_MAX];
	char name[LE_NAME_MAX];
	char uid[LE_UID_MAX];
	int64_t created_wall_ns;
	uint64_t rv;
	le_record rec;
	bool rec_present;
	bool rec_bad;         /* the leader annotation does not decode */
	fa_base *base;        /* owned reference, or NULL */
	bool rec_override;    /* rec was written over the lock path after base */
	cJSON *view;          /* cached JSON at rv, or NULL */
	char *text;           /* view printed compactly, cached; NULL until asked */
	size_t text_len;
	/* le_record_key(&rec) at revision key_rv (0: none yet), kept for the
	 * lock path's answers: every GET of an unchanged lock would compute
	 * it again. Only a commit or a restore changes rec, and each gives rv
	 * a new value (restore also clears key_rv); the buffer is the
	 * object's for life, so `before` copies in commit share it safely. */
	unsigned char *key;
	size_t key_len, key_cap;
	uint64_t key_rv;
	char rv_text[LE_RV_MAX]; /* rv's decimal text (set_rv): every
				    lock-path answer names it */
} fa_obj;

typedef struct fa_hist {
	fa_history_entry pub; /* first: fa_store_history_at returns &pub */
	char uid[LE_UID_MAX];
	int64_t created_wall_ns;
	fa_base *base;        /* owned reference, or NULL */
	bool rec_override;
} fa_hist;

typedef struct watcher {
	fa_watch_fn fn;       /* NULL: a free slot */
	void *ud;
	int handle;
} watcher;

struct fa_store {
	uint64_t revision;
	fa_rng rng;           /* uids and generated names */
	fa_obj **buckets;
	size_t nbuckets;
	size_t nobjs;
	fa_obj *last; /* the entry find() found last, or NULL */
	/* History in fixed chunks: no copying as it grows, and entries never
	 * move, so fa_store_history_at pointers stay valid while the entry is
	 * kept. Indices are absolute (the i-th write since the store began);
	 * with hist_max set it is a ring: entries below hist_first are dropped
	 * and a chunk is freed once all of its entries are, so at most
	 * hist_max + HIST_CHUNK entries are held. hist_chunks[0] holds the
	 * absolute chunk hist_chunk0; hist_cap is an absolute index too. */
	fa_hist **hist_chunks;
	size_t hist_len, hist_cap, hist_nchunks, hist_chunks_cap;
	size_t hist_first, hist_chunk0, hist_max;
	bool keep_history;
	watcher *watchers;
	size_t nwatchers, watchers_cap;
	int next_watch_handle;
	fa_commit_fn hook;
	void *hook_ud;
};

/* ---- lifecycle ------------------------------------------------------------ */

fa_store *fa_store_new(uint64_t seed)
{
	fa_store *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->nbuckets = 64;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (s->buckets == NULL) {
		free(s);
		return NULL;
	}
	fa_rng_seed(&s->rng, seed);
	s->keep_history = true;
	s->next_watch_handle = 1;
	return s;
}

void fa_store_mix_seed(fa_store *s, uint64_t value)
{
	uint64_t a = fa_rng_next(&s->rng);
	/* splitmix64 of value, so nearby revisions give unrelated streams */
	uint64_t z = value + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	fa_rng_seed(&s->rng, a ^ z ^ (z >> 31));
}

static fa_hist *hist_at(const fa_store *s, size_t i)
{
	return &s->hist_chunks[i / HIST_CHUNK - s->hist_chunk0][i % HIST_CHUNK];
}

static void obj_free(fa_obj *o)
{
	fa__base_unref(o->base);
	cJSON_Delete(o->view);
	free(o->text);
	free(o->key);
	free(o);
}

void fa_store_free(fa_store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nbuckets; i++) {
		fa_obj *o = s->buckets[i];
		while (o != NULL) {
			fa_obj *next = o->next;
			obj_free(o);
			o = next;
		}
	}
	for (size_t i = s->hist_first; i < s->hist_len; i++)
		fa__base_unref(hist_at(s, i)->base);
	for (size_t i = 0; i < s->hist_nchunks; i++)
		free(s->hist_chunks[i]);
	free(s->hist_chunks);
	free(s->buckets);
	free(s->watchers);
	free(s);
}

uint64_t fa_store_revision(const fa_store *s)
{
	return s->revision;
}

/* ---- the table ------------------------------------------------------------- */

static size_t key_hash(fa_resource res, const char *ns, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)res;
	for (const char *p = ns; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '/') * 1099511628211ULL;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)h;
}

static bool is_key(const fa_obj *o, fa_resource res, const char *ns,
		   const char *name)
{
	return o->res == res && strcmp(o->name, name) == 0 &&
	       strcmp(o->ns, ns) == 0;
}

static fa_obj *lookup(const fa_store *s, fa_resource res, const char *ns,
		      const char *name)
{
	fa_obj *o = s->buckets[key_hash(res, ns, name) & (s->nbuckets - 1)];
	for (; o != NULL; o = o->next)
		if (is_key(o, res, ns, name))
			return o;
	return NULL;
}

/* The entry for a key, the last one found first: an election's requests
 * all name one lock, and the hash is a multiply a byte, each waiting for
 * the one before (a tenth of the in-process lock path). Entries are freed
 * only with the store, so `last` never dangles. */
static fa_obj *find(fa_store *s, fa_resource res, const char *ns,
		    const char *name)
{
	if (s->last != NULL && is_key(s->last, res, ns, name))
		return s->last;
	fa_obj *o = lookup(s, res, ns, name);
	if (o != NULL)
		s->last = o;
	return o;
}

static fa_obj *find_live(fa_store *s, fa_resource res, const char *ns,
			 const char *name)
{
	fa_obj *o = find(s, res, ns, name);
	return o != NULL && o->live ? o : NULL;
}

static void grow_table(fa_store *s)
{
	size_t n = s->nbuckets * 2;
	fa_obj **b = calloc(n, sizeof(*b));
	if (b == NULL)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < s->nbuckets; i++) {
		fa_obj *o = s->buckets[i];
		while (o != NULL) {
			fa_obj *next = o->next;
			size_t j = key_hash(o->res, o->ns, o->name) & (n - 1);
			o->next = b[j];
			b[j] = o;
			o = next;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
}

/* The entry for a key, live or not, creating a tombstone if there is none.
 * Callers have checked the lengths of ns and name. */
static fa_obj *find_or_insert(fa_store *s, fa_resource res, const char *ns,
			      const char *name)
{
	fa_obj *o = find(s, res, ns, name);
	if (o != NULL)
		return o;
	if (s->nobjs >= 2 * s->nbuckets)
		grow_table(s);
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->res = res;
	snprintf(o->ns, sizeof(o->ns), "%s", ns);
	snprintf(o->name, sizeof(o->name), "%s", name);
	size_t i = key_hash(res, ns, name) & (s->nbuckets - 1);
	o->next = s->buckets[i];
	s->buckets[i] = o;
	s->nobjs++;
	return o;
}

/* ---- argument checks ------------------------------------------------------ */

static bool check_args(fa_resource res, const char *ns, const char *name,
		       fa_status *st)
{
	if ((unsigned)res >= FA_RES_COUNT) {
		fa__st_bad_request(st, "unknown resource %d", (int)res);
		return false;
	}
	if (ns == NULL || ns[0] == '\0') {
		fa__st_bad_request(st, "a namespace is required for %s",
				   fa_resource_name(res));
		return false;
	}
	if (strlen(ns) >= NS_MAX) {
		fa__ns_validate(res, ns, name != NULL ? name : "", st);
		return false;
	}
	if (name != NULL && strlen(name) >= LE_NAME_MAX) {
		fa__st_not_found(st, res, name);
		return false;
	}
	return true;
}

/* check_args for the in-process lock path: only the three lock objects. */
static bool check_lock_args(fa_resource res, const char *ns, const char *name,
			    fa_status *st)
{
	if (res == FA_RES_LEASECANDIDATES) {
		fa__st_bad_request(st, "%s hold no lock record: use the JSON path",
				   fa_resource_name(res));
		return false;
	}
	return check_args(res, ns, name, st);
}

/* Decimal resourceVersion, written by hand: the in-process lock path does
 * this on every request, and snprintf was ~5% of the simulator's time. */
static size_t format_rv(uint64_t rv, char *buf, size_t cap)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + rv % 10);
		rv /= 10;
	} while (rv);
	if (cap == 0)
		return 0;
	size_t k = n < cap - 1 ? n : cap - 1;
	for (size_t i = 0; i < k; i++)
		buf[i] = tmp[n - 1 - i];
	buf[k] = '\0';
	return k;
}

/* o's revision, and its text with it: the two never disagree. */
static void set_rv(fa_obj *o, uint64_t rv)
{
	o->rv = rv;
	format_rv(rv, o->rv_text, sizeof(o->rv_text));
}

/* want is have's decimal text exactly (format_rv's: no sign, no leading
 * zero, nothing after), read without printing have. */
static bool rv_matches(const char *want, uint64_t have)
{
	if (want[0] == '0')
		return want[1] == '\0' && have == 0;
	uint64_t v = 0;
	size_t i = 0;
	for (; want[i] >= '0' && want[i] <= '9'; i++) {
		unsigned d = (unsigned)(want[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false; /* more than any revision */
		v = v * 10 + d;
	}
	return i > 0 && want[i] == '\0' && v == have;
}

/* ---- the JSON form ------------------------------------------------------------ */

static fa_view_src obj_src(const fa_obj *o)
{
	return (fa_view_src){o->res, o->ns, o->name, o->uid, o->created_wall_ns,
			     o->rv, &o->rec, o->rec_present, o->base,
			     o->rec_override};
}

/* The object's JSON at its current revision, cached. NULL on OOM. */
static cJSON *obj_view(fa_obj *o)
{
	if (o->view == NULL) {
		fa_view_src v = obj_src(o);
		o->view = fa__materialize(&v);
	}
	return o->view;
}

static void *view_copy(fa_obj *o, fa_status *st)
{
	cJSON *v = obj_view(o);
	cJSON *c = v != NULL ? cJSON_Duplicate(v, true) : NULL;
	if (c == NULL)
		fa__st_internal(st, "out of memory");
	return c;
}

/* The view as compact text, printed once per revision: a GET of an
 * unchanged object is then one copy, not a duplicate, a print and a free
 * of the tree. A malloc'd copy (*len its length), or NULL on OOM. */
static char *text_copy(fa_obj *o, size_t *len, fa_status *st)
{
	if (o->text == NULL) {
		cJSON *v = obj_view(o);
		o->text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
		o->text_len = o->text != NULL ? strlen(o->text) : 0;
	}
	char *c = o->text != NULL ? malloc(o->text_len + 1) : NULL;
	if (c == NULL) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	memcpy(c, o->text, o->text_len + 1);
	*len = o->text_len;
	return c;
}

/* ---- commit ------------------------------------------------------------------------- */

static bool reserve_history(fa_store *s)
{
	if (!s->keep_history || s->hist_len < s->hist_cap)
		return true;
	if (s->hist_nchunks == s->hist_chunks_cap) {
		size_t cap = s->hist_chunks_cap ? s->hist_chunks_cap * 2 : 16;
		fa_hist **c = realloc(s->hist_chunks, cap * sizeof(*c));
		if (c == NULL)
			return false;
		s->hist_chunks = c;
		s->hist_chunks_cap = cap;
	}
	fa_hist *chunk = malloc(HIST_CHUNK * sizeof(*chunk));
	if (chunk == NULL)
		return false;
	s->hist_chunks[s->hist_nchunks++] = chunk;
	s->hist_cap += HIST_CHUNK;
	return true;
}

/* snprintf(dst, cap, "%s", src) without the formatting machinery: three
 * of these per commit were ~2% of a PUT's time. */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void append_history(fa_store *s, const fa_obj *o, fa_write_kind kind,
			   const char *identity, int64_t now_wall_ns)
{
	/* The history is in commit order, so its revisions strictly grow. */
	LE_ASSERT(s->hist_len < s->hist_cap);
	LE_ASSERT(s->hist_len == 0 ||
		  hist_at(s, s->hist_len - 1)->pub.revision < o->rv);
	fa_hist *h = hist_at(s, s->hist_len++);
	fa_history_entry *e = &h->pub;
	e->server_wall_ns = now_wall_ns;
	e->revision = o->rv;
	e->kind = kind;
	e->res = o->res;
	copy_str(e->ns, sizeof(e->ns), o->ns);
	copy_str(e->name, sizeof(e->name), o->name);
	copy_str(e->identity, sizeof(e->identity), identity);
	le_record_copy(&e->record, &o->rec);
	e->record_present = o->rec_present;
	memcpy(h->uid, o->uid, sizeof(h->uid));
	h->created_wall_ns = o->created_wall_ns;
	h->base = o->base;
	fa__base_ref(h->base);
	h->rec_override = o->rec_override;
}

/* With a bound, drops the oldest entries beyond it, so a long run's
 * memory stays flat. */
static void trim_history(fa_store *s)
{
	while (s->hist_max != 0 && s->hist_len - s->hist_first > s->hist_max) {
		fa_hist *h = hist_at(s, s->hist_first);
		fa__base_unref(h->base);
		h->base = NULL;
		s->hist_first++;
		if (s->hist_first % HIST_CHUNK == 0) {
			/* every entry of the front chunk is dropped; the newest
			 * entry lies in a later chunk, so one always remains */
			LE_ASSERT(s->hist_nchunks > 1);
			free(s->hist_chunks[0]);
			memmove(s->hist_chunks, s->hist_chunks + 1,
				--s->hist_nchunks * sizeof(*s->hist_chunks));
			s->hist_chunk0++;
		}
	}
}

static void notify_watchers(fa_store *s, fa_obj *o, fa_write_kind kind)
{
	const char *type = kind == FA_WRITE_CREATE   ? "ADDED"
			   : kind == FA_WRITE_UPDATE ? "MODIFIED"
						     : "DELETED";
	/* A callback may add or remove watchers: index, and re-read the count. */
	for (size_t i = 0; i < s->nwatchers; i++)
		if (s->watchers[i].fn != NULL && o->view != NULL)
			s->watchers[i].fn(s->watchers[i].ud, o->res, type, o->view);
}

/* Commits the change already made to *o, whose state before it is *before
 * (for a new key: a tombstone). cas_rv is the resourceVersion the write was
 * conditional on (NULL or "" for none); the caller has already compared it.
 * On a vetoed commit *o is restored and st says 500. The caller has called
 * reserve_history(). */
static bool commit(fa_store *s, fa_obj *o, const fa_obj *before,
		   fa_write_kind kind, const char *cas_rv, const char *identity,
		   int64_t now_wall_ns, fa_status *st)
{
	/* A create fills a free key; an update or delete changes a live one. */
	LE_ASSERT(before->live == (kind != FA_WRITE_CREATE));
	/* Compare-and-swap: never commit over a version other than the one
	 * the client named (a stale write is a 409, not a silent overwrite). */
	LE_ASSERT(cas_rv == NULL || cas_rv[0] == '\0' ||
		  rv_matches(cas_rv, before->rv));
	/* The one global revision only grows, and no object is ahead of it. */
	LE_ASSERT(before->rv <= s->revision && s->revision < UINT64_MAX);
	set_rv(o, ++s->revision);
	o->view = NULL;
	o->text = NULL;
	bool need_view = s->hook != NULL || s->nwatchers > 0;
	if (need_view && obj_view(o) == NULL) {
		fa__st_internal(st, "out of memory");
		goto rollback;
	}
	if (s->hook != NULL &&
	    s->hook(s->hook_ud, o->res, o->view, kind == FA_WRITE_DELETE) != 0) {
		fa__st_internal(st, "the write of %s \"%s\" could not be persisted",
				fa__qualified_resource(o->res), o->name);
		goto rollback;
	}
	if (before->base != o->base)
		fa__base_unref(before->base);
	cJSON_Delete(before->view);
	free(before->text);
	if (s->keep_history) {
		append_history(s, o, kind, identity != NULL ? identity : "",
			       now_wall_ns);
		trim_history(s);
	}
	notify_watchers(s, o, kind);
	if (kind == FA_WRITE_DELETE) {
		fa__base_unref(o->base);
		o->base = NULL;
		cJSON_Delete(o->view);
		o->view = NULL;
		free(o->text);
		o->text = NULL;
	}
	return true;
rollback:
	cJSON_Delete(o->view);
	free(o->text);
	if (o->base != before->base)
		fa__base_unref(o->base);
	/* Nothing committed in between (a hook must not write to the store),
	 * so handing the revision back cannot reuse one already seen. */
	LE_ASSERT(s->revision == o->rv);
	fa_obj *next = o->next;
	*o = *before;
	o->next = next;
	s->revision--;
	return false;
}

/* ---- the in-process lock path ------------------------------------------------------ */

static void lock_fail(fa_lock_scratch *sc, le_response *resp)
{
	resp->status = sc->status.code;
	resp->reason = sc->status.reason;
	resp->message = sc->status.message;
	resp->record = NULL;
	resp->record_present = false;
	resp->resource_version = NULL;
	resp->raw = NULL;
	resp->raw_len = 0;
}

/* o's record key for an answer: the kept one when it is this revision's
 * (*key then points at it), else computed into buf (cap bytes) and kept
 * when memory allows. Its length, at most cap. */
static size_t obj_key_ref(fa_obj *o, unsigned char *buf, size_t cap,
			  const unsigned char **key)
{
	*key = o->key;
	if (o->key_rv == o->rv && o->key_rv != 0)
		return o->key_len < cap ? o->key_len : cap;
	size_t n = le_record_key(&o->rec, buf, cap);
	*key = buf;
	if (n > cap)
		return cap;
	if (n > o->key_cap) {
		unsigned char *k = realloc(o->key, n);
		if (k == NULL) /* not kept: computed again next time */
			return n;
		o->key = k;
		o->key_cap = n;
	}
	memcpy(o->key, buf, n);
	o->key_len = n;
	o->key_rv = o->rv;
	*key = o->key;
	return n;
}

/* The answer by reference: the object's own record, its revision's text
 * and its key, none copied (fake_apiserver.h: valid until the store's
 * next write). */
static void lock_ok(fa_obj *o, int code, fa_lock_scratch *sc,
		    le_response *resp)
{
	sc->status.code = code;
	resp->status = code;
	resp->reason = NULL;
	resp->message = NULL;
	resp->record = &o->rec;
	resp->record_present = o->rec_present;
	resp->resource_version = o->rv_text;
	resp->raw = sc->raw;
	resp->raw_len = 0;
	if (o->rec_present) {
		const unsigned char *key = NULL;
		resp->raw_len = obj_key_ref(o, sc->raw, sizeof(sc->raw), &key);
		resp->raw = key;
	}
}

void fa_store_lock_get(fa_store *s, fa_resource res, const char *ns,
		       const char *name, fa_lock_scratch *scratch,
		       le_response *resp)
{
	if (name == NULL)
		name = "";
	if (!check_lock_args(res, ns, name, &scratch->status)) {
		lock_fail(scratch, resp);
		return;
	}
	fa_obj *o = find_live(s, res, ns, name);
	if (o == NULL) {
		fa__st_not_found(&scratch->status, res, name);
		lock_fail(scratch, resp);
		return;
	}
	if (o->rec_bad) {
		/* What a client's decoder would make of it: the read fails. */
		fa__st_internal(&scratch->status,
				"the %s annotation of %s \"%s\" is not a leader "
				"election record",
				LE_LEADER_ANNOTATION, fa__qualified_resource(res),
				name);
		lock_fail(scratch, resp);
		return;
	}
	lock_ok(o, 200, scratch, resp);
}

/* What the store keeps of a record written through the in-process path:
 * the record as the HTTP path would have parsed it from its writer's text
 * (election-spec.md 3.2, 3.4). A Lease spec carries MicroTime; an
 * annotation carries client-go's whole seconds, or the Python client's
 * microseconds. Keeping the writer's nanoseconds instead would let a reader
 * that compares parsed records (sidecar-0.5) see two renewals within one
 * wall second as a change, which no reader over HTTP can. */
static int64_t floor_to(int64_t wall_ns, int64_t unit_ns)
{
	int64_t rest = wall_ns % unit_ns;
	return rest < 0 ? wall_ns - rest - unit_ns : wall_ns - rest;
}

static void as_written(fa_resource res, const le_record *rec, le_record *out)
{
	*out = *rec;
	int64_t unit = res == FA_RES_LEASES || rec->dialect == LE_DIALECT_PYTHON
			       ? 1000 : 1000000000;
	if (out->has_acquire_time)
		out->acquire_wall_ns = floor_to(out->acquire_wall_ns, unit);
	if (out->has_renew_time)
		out->renew_wall_ns = floor_to(out->renew_wall_ns, unit);
}

/* Writes rec into a new object at key: the create half of both paths. */
static fa_obj *lock_create_at(fa_store *s, fa_resource res, const char *ns,
			      const char *name, const le_record *rec,
			      const char *identity, int64_t now_wall_ns,
			      fa_status *st)
{
	if (fa__record_validate(res, ns, name, rec, true, st) != LE_OK)
		return NULL;
	fa_obj *o = find_or_insert(s, res, ns, name);
	if (o == NULL || !reserve_history(s)) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	if (o->live) {
		fa__st_already_exists(st, res, name);
		return NULL;
	}
	fa_obj before = *o;
	o->live = true;
	fa__uid_v4(&s->rng, o->uid);
	o->created_wall_ns = now_wall_ns - now_wall_ns % 1000000000LL;
	as_written(res, rec, &o->rec);
	o->rec_present = true;
	o->rec_bad = false;
	o->base = NULL;
	o->rec_override = true;
	if (!commit(s, o, &before, FA_WRITE_CREATE, NULL, identity, now_wall_ns,
		    st))
		return NULL;
	fa_status_ok(st, 201);
	return o;
}

void fa_store_lock_create(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const le_record *rec,
			  const char *identity, int64_t now_wall_ns,
			  fa_lock_scratch *scratch, le_response *resp)
{
	fa_status *st = &scratch->status;
	if (!check_lock_args(res, ns, name != NULL ? name : "", st)) {
		lock_fail(scratch, resp);
		return;
	}
	fa_obj *o = lock_create_at(s, res, ns, name != NULL ? name : "", rec,
				   identity, now_wall_ns, st);
	if (o == NULL)
		lock_fail(scratch, resp);
	else
		lock_ok(o, 201, scratch, resp);
}

void fa_store_lock_update(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const le_record *rec,
			  const char *resource_version, const char *identity,
			  int64_t now_wall_ns, fa_lock_scratch *scratch,
			  le_response *resp)
{
	fa_status *st = &scratch->status;
	const char *rv = resource_version != NULL ? resource_version : "";
	if (name == NULL)
		name = "";
	if (!check_lock_args(res, ns, name, st)) {
		lock_fail(scratch, resp);
		return;
	}
	fa_obj *o = find(s, res, ns, name);
	if (o == NULL || !o->live) {
		if (o != NULL && o->uid[0] != '\0' && rv[0] != '\0') {
			/* The client's cached object (it has a resourceVersion)
			 * carried the deleted object's uid. */
			fa__st_precondition(st, res, ns, name, "UID", o->uid, "");
		} else if (res == FA_RES_CONFIGMAPS) {
			fa__st_not_found(st, res, name);
		} else {
			o = lock_create_at(s, res, ns, name, rec, identity,
					   now_wall_ns, st);
			if (o != NULL) {
				lock_ok(o, 201, scratch, resp);
				return;
			}
		}
		lock_fail(scratch, resp);
		return;
	}
	if (rv[0] == '\0' && res == FA_RES_LEASES) {
		fa__st_invalid(st, res, fa__qualified_resource(res), name,
			       "metadata.resourceVersion",
			       "Invalid value: 0x0: must be specified for an update");
		lock_fail(scratch, resp);
		return;
	}
	if (rv[0] != '\0' && !rv_matches(rv, o->rv)) {
		fa__st_conflict(st, res, name);
		lock_fail(scratch, resp);
		return;
	}
	if (fa__record_validate(res, ns, name, rec, false, st) != LE_OK ||
	    !reserve_history(s)) {
		if (st->code == 0)
			fa__st_internal(st, "out of memory");
		lock_fail(scratch, resp);
		return;
	}
	fa_obj before = *o;
	as_written(res, rec, &o->rec);
	o->rec_present = true;
	o->rec_bad = false;
	o->rec_override = true;
	if (!commit(s, o, &before, FA_WRITE_UPDATE, rv, identity, now_wall_ns,
		    st)) {
		lock_fail(scratch, resp);
		return;
	}
	lock_ok(o, 200, scratch, resp);
}

void fa_store_lock_do(fa_store *s, le_lock_kind kind, const char *ns,
		      const char *name, const le_request *req,
		      const char *identity, int64_t now_wall_ns,
		      fa_lock_scratch *scratch, le_response *resp)
{
	fa_resource res = (fa_resource)kind;
	switch (req->op) {
	case LE_OP_GET:
		fa_store_lock_get(s, res, ns, name, scratch, resp);
		break;
	case LE_OP_CREATE:
		fa_store_lock_create(s, res, ns, name, &req->record, identity,
				     now_wall_ns, scratch, resp);
		break;
	case LE_OP_UPDATE:
		fa_store_lock_update(s, res, ns, name, &req->record,
				     req->resource_version, identity,
				     now_wall_ns, scratch, resp);
		break;
	default:
		fa__st_bad_request(&scratch->status, "unknown lock operation %d",
				   (int)req->op);
		lock_fail(scratch, resp);
		break;
	}
	resp->id = req->id;
}

/* ---- the JSON path ------------------------------------------------------------------ */

bool fa_store_exists(const fa_store *s, fa_resource res, const char *ns,
		     const char *name)
{
	if ((unsigned)res >= FA_RES_COUNT || ns == NULL || name == NULL)
		return false;
	const fa_obj *o = lookup(s, res, ns, name);
	return o != NULL && o->live;
}

/* The live object a GET names, or NULL with st filled (bad arguments, 404). */
static fa_obj *get_named(fa_store *s, fa_resource res, const char *ns, const char *name,
			 fa_status *st)
{
	if (!check_args(res, ns, name != NULL ? name : "", st))
		return NULL;
	fa_obj *o = name != NULL ? find_live(s, res, ns, name) : NULL;
	if (o == NULL)
		fa__st_not_found(st, res, name != NULL ? name : "");
	return o;
}

char *fa_store_get_text(fa_store *s, fa_resource res, const char *ns,
			const char *name, size_t *len, fa_status *st)
{
	fa_obj *o = get_named(s, res, ns, name, st);
	if (o == NULL)
		return NULL;
	char *out = text_copy(o, len, st);
	if (out != NULL)
		fa_status_ok(st, 200);
	return out;
}

void *fa_store_get_json(fa_store *s, fa_resource res, const char *ns,
			const char *name, fa_status *st)
{
	fa_obj *o = get_named(s, res, ns, name, st);
	if (o == NULL)
		return NULL;
	void *out = view_copy(o, st);
	if (out != NULL)
		fa_status_ok(st, 200);
	return out;
}

static int obj_order(const void *a, const void *b)
{
	const fa_obj *x = *(const fa_obj *const *)a, *y = *(const fa_obj *const *)b;
	int c = strcmp(x->ns, y->ns);
	return c != 0 ? c : strcmp(x->name, y->name);
}

void *fa_store_list_json(fa_store *s, fa_resource res, const char *ns,
			 fa_status *st)
{
	if ((unsigned)res >= FA_RES_COUNT) {
		fa__st_bad_request(st, "unknown resource %d", (int)res);
		return NULL;
	}
	fa_obj **items = malloc((s->nobjs + 1) * sizeof(*items));
	cJSON *list = cJSON_CreateObject();
	if (items == NULL || list == NULL)
		goto oom;
	size_t n = 0;
	for (size_t i = 0; i < s->nbuckets; i++)
		for (fa_obj *o = s->buckets[i]; o != NULL; o = o->next)
			if (o->live && o->res == res &&
			    (ns == NULL || strcmp(o->ns, ns) == 0))
				items[n++] = o;
	qsort(items, n, sizeof(*items), obj_order);
	char kind[32], rv[24];
	snprintf(kind, sizeof(kind), "%sList", fa_resource_kind(res));
	format_rv(s->revision, rv, sizeof(rv));
	cJSON_AddStringToObject(list, "kind", kind);
	cJSON_AddStringToObject(list, "apiVersion", fa_resource_api_version(res));
	cJSON *meta = cJSON_AddObjectToObject(list, "metadata");
	cJSON *arr = cJSON_AddArrayToObject(list, "items");
	if (meta == NULL || arr == NULL ||
	    cJSON_AddStringToObject(meta, "resourceVersion", rv) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		cJSON *v = obj_view(items[i]);
		cJSON *c = v != NULL ? cJSON_Duplicate(v, true) : NULL;
		if (c == NULL)
			goto oom;
		/* Items of a typed list carry no kind/apiVersion. */
		cJSON_DeleteItemFromObjectCaseSensitive(c, "kind");
		cJSON_DeleteItemFromObjectCaseSensitive(c, "apiVersion");
		cJSON_AddItemToArray(arr, c);
	}
	free(items);
	fa_status_ok(st, 200);
	return list;
oom:
	free(items);
	cJSON_Delete(list);
	fa__st_internal(st, "out of memory");
	return NULL;
}

/* Applies a decoded, validated body to the entry *o (live or a tombstone)
 * and commits it. */
static bool json_write(fa_store *s, fa_obj *o, const cJSON *body,
		       const fa_body *b, fa_write_kind kind,
		       const char *identity, int64_t now_wall_ns, fa_status *st)
{
	le_record rec;
	bool present, bad;
	if (fa__body_record(o->res, b, &rec, &present, &bad, st) != LE_OK)
		return false;
	if (!reserve_history(s)) {
		fa__st_internal(st, "out of memory");
		return false;
	}
	fa_base *base = fa__base_new(fa__normalize(o->res, body));
	if (base == NULL || base->obj == NULL) {
		if (base != NULL)
			fa__base_unref(base);
		fa__st_internal(st, "out of memory");
		return false;
	}
	fa_obj before = *o;
	if (kind == FA_WRITE_CREATE) {
		o->live = true;
		fa__uid_v4(&s->rng, o->uid);
		o->created_wall_ns = now_wall_ns - now_wall_ns % 1000000000LL;
	}
	o->rec = rec;
	o->rec_present = present;
	o->rec_bad = bad;
	o->base = base;
	o->rec_override = false;
	return commit(s, o, &before, kind,
		      kind == FA_WRITE_UPDATE ? b->rv : NULL, identity,
		      now_wall_ns, st);
}

/* generateName: the prefix plus five characters, as the apiserver does. */
static void generate_name(fa_store *s, const char *prefix, char *out, size_t cap)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char suffix[6];
	for (int i = 0; i < 5; i++)
		suffix[i] = alphabet[fa_rng_next(&s->rng) % (sizeof(alphabet) - 1)];
	suffix[5] = '\0';
	snprintf(out, cap, "%.*s%s", 58, prefix, suffix);
}

static fa_obj *create_named(fa_store *s, fa_resource res, const char *ns,
			    const char *name, const cJSON *body, const fa_body *b,
			    const char *identity, int64_t now_wall_ns,
			    fa_status *st)
{
	if (fa__body_validate(res, ns, name, b, true, NULL, st) != LE_OK)
		return NULL;
	fa_obj *o = find_or_insert(s, res, ns, name);
	if (o == NULL) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	if (o->live) {
		fa__st_already_exists(st, res, name);
		return NULL;
	}
	if (!json_write(s, o, body, b, FA_WRITE_CREATE, identity, now_wall_ns, st))
		return NULL;
	fa_status_ok(st, 201);
	return o;
}

static bool check_body_ns(const fa_body *b, const char *ns, fa_status *st)
{
	if (b->ns[0] != '\0' && strcmp(b->ns, ns) != 0) {
		fa__st_bad_request(st, "the namespace of the provided object does "
				   "not match the namespace sent on the request");
		return false;
	}
	return true;
}

void *fa_store_create_json(fa_store *s, fa_resource res, const char *ns,
			   const void *body, const char *identity,
			   int64_t now_wall_ns, fa_status *st)
{
	fa_body b;
	if (!check_args(res, ns, NULL, st) ||
	    fa__body_decode(res, body, &b, st) != LE_OK || !check_body_ns(&b, ns, st))
		return NULL;
	char name[LE_NAME_MAX];
	if (strlen(b.name) >= LE_NAME_MAX) {
		char msg[600];
		fa__check_subdomain(b.name, msg, sizeof(msg));
		fa__st_invalid(st, res, NULL, b.name, "metadata.name", msg);
		return NULL;
	}
	if (b.name[0] == '\0' && b.generate_name[0] != '\0')
		generate_name(s, b.generate_name, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s", b.name);
	fa_obj *o = create_named(s, res, ns, name, body, &b, identity, now_wall_ns, st);
	return o != NULL ? view_copy(o, st) : NULL;
}

/* PUT: the committed object (st says 200 or 201), or NULL. */
static fa_obj *update_obj(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const void *body,
			  const char *identity, int64_t now_wall_ns,
			  fa_status *st)
{
	fa_body b;
	if (name == NULL)
		name = "";
	if (!check_args(res, ns, name, st) ||
	    fa__body_decode(res, body, &b, st) != LE_OK)
		return NULL;
	if (strcmp(b.name, name) != 0) {
		fa__st_bad_request(st, "the name of the object (%s) does not match "
				   "the name on the URL (%s)", b.name, name);
		return NULL;
	}
	if (!check_body_ns(&b, ns, st))
		return NULL;
	fa_obj *o = find(s, res, ns, name);
	bool live = o != NULL && o->live;
	/* Storage checks the UID precondition first, against an empty object
	 * when there is none. */
	if (b.uid[0] != '\0' && strcmp(b.uid, live ? o->uid : "") != 0) {
		fa__st_precondition(st, res, ns, name, "UID", b.uid,
				    live ? o->uid : "");
		return NULL;
	}
	if (!live) {
		if (res == FA_RES_CONFIGMAPS) {
			fa__st_not_found(st, res, name);
			return NULL;
		}
		return create_named(s, res, ns, name, body, &b, identity,
				    now_wall_ns, st);
	}
	/* AllowUnconditionalUpdate is false for leases and leasecandidates */
	if (b.rv[0] == '\0' &&
	    (res == FA_RES_LEASES || res == FA_RES_LEASECANDIDATES)) {
		fa__st_invalid(st, res, fa__qualified_resource(res), name,
			       "metadata.resourceVersion",
			       "Invalid value: 0x0: must be specified for an update");
		return NULL;
	}
	if (b.rv[0] != '\0' && !rv_matches(b.rv, o->rv)) {
		fa__st_conflict(st, res, name);
		return NULL;
	}
	if (fa__body_validate(res, ns, name, &b, false,
			      o->base != NULL ? o->base->obj : NULL, st) != LE_OK ||
	    !json_write(s, o, body, &b, FA_WRITE_UPDATE, identity, now_wall_ns, st))
		return NULL;
	fa_status_ok(st, 200);
	return o;
}

void *fa_store_update_json(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const void *body,
			   const char *identity, int64_t now_wall_ns,
			   fa_status *st)
{
	fa_obj *o = update_obj(s, res, ns, name, body, identity, now_wall_ns, st);
	if (o == NULL)
		return NULL;
	int code = st->code;
	void *out = view_copy(o, st);
	if (out != NULL)
		fa_status_ok(st, code);
	return out;
}

char *fa_store_update_text(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const void *body,
			   const char *identity, int64_t now_wall_ns,
			   size_t *len, fa_status *st)
{
	fa_obj *o = update_obj(s, res, ns, name, body, identity, now_wall_ns, st);
	if (o == NULL)
		return NULL;
	int code = st->code;
	char *out = text_copy(o, len, st);
	if (out != NULL)
		fa_status_ok(st, code);
	return out;
}


void *fa_store_patch_json(fa_store *s, fa_resource res, const char *ns,
			  const char *name, const void *patch,
			  const char *identity, int64_t now_wall_ns,
			  fa_status *st)
{
	if (name == NULL)
		name = "";
	if (!check_args(res, ns, name, st))
		return NULL;
	fa_obj *o = find_live(s, res, ns, name);
	if (o == NULL) {
		fa__st_not_found(st, res, name);
		return NULL;
	}
	if (!cJSON_IsObject((const cJSON *)patch)) {
		fa__st_bad_request(st, "a merge patch must be a JSON object");
		return NULL;
	}
	cJSON *cur = view_copy(o, st);
	if (cur == NULL)
		return NULL;
	cJSON *merged = fa__merge_patch(cur, patch);
	if (merged == NULL) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	void *out = fa_store_update_json(s, res, ns, name, merged, identity,
					 now_wall_ns, st);
	cJSON_Delete(merged);
	return out;
}

void *fa_store_delete_json(fa_store *s, fa_resource res, const char *ns,
			   const char *name, const char *precond_uid,
			   const char *precond_rv, const char *identity,
			   int64_t now_wall_ns, fa_status *st)
{
	if (name == NULL)
		name = "";
	if (!check_args(res, ns, name, st))
		return NULL;
	fa_obj *o = find_live(s, res, ns, name);
	if (o == NULL) {
		fa__st_not_found(st, res, name);
		return NULL;
	}
	if (precond_uid != NULL && precond_uid[0] != '\0' &&
	    strcmp(precond_uid, o->uid) != 0) {
		fa__st_precondition(st, res, ns, name, "UID", precond_uid, o->uid);
		return NULL;
	}
	const char *rv = o->rv_text;
	if (precond_rv != NULL && precond_rv[0] != '\0' &&
	    strcmp(precond_rv, rv) != 0) {
		fa__st_precondition(st, res, ns, name, "ResourceVersion",
				    precond_rv, rv);
		return NULL;
	}
	if (!reserve_history(s)) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	fa_obj before = *o;
	fa__base_ref(o->base); /* before keeps its own reference */
	o->live = false;
	o->view = NULL;
	o->text = NULL;
	/* commit() treats base as changed only when the pointer differs; the
	 * extra reference above is what the deleted object hands back. */
	if (!commit(s, o, &before, FA_WRITE_DELETE, precond_rv, identity,
		    now_wall_ns, st)) {
		fa__base_unref(o->base);
		return NULL;
	}
	/* commit() dropped the deleted entry's base; build the answer from the
	 * state it had, at the deletion's revision. */
	fa_view_src v = obj_src(&before);
	v.rv = s->revision;
	cJSON *out = fa__materialize(&v);
	fa__base_unref(before.base);
	if (out == NULL) {
		fa__st_internal(st, "out of memory");
		return NULL;
	}
	fa_status_ok(st, 200);
	return out;
}

/* ---- history ----------------------------------------------------------------------- */

size_t fa_store_history_len(const fa_store *s)
{
	return s->hist_len;
}

size_t fa_store_history_first(const fa_store *s)
{
	return s->hist_first;
}

size_t fa_store_history_max(const fa_store *s)
{
	return s->hist_max;
}

void fa_store_set_history_max(fa_store *s, size_t max)
{
	s->hist_max = max;
	trim_history(s);
}

const fa_history_entry *fa_store_history_at(const fa_store *s, size_t i)
{
	return i >= s->hist_first && i < s->hist_len ? &hist_at(s, i)->pub : NULL;
}

char *fa_store_history_json(const fa_store *s, size_t i)
{
	if (i < s->hist_first || i >= s->hist_len)
		return NULL;
	const fa_hist *h = hist_at(s, i);
	const fa_history_entry *e = &h->pub;
	fa_view_src v = {e->res, e->ns, e->name, h->uid, h->created_wall_ns,
			 e->revision, &e->record, e->record_present, h->base,
			 h->rec_override};
	cJSON *line = cJSON_CreateObject();
	cJSON *obj = fa__materialize(&v);
	char t[40], rv[24];
	if (le_format_micro_time(e->server_wall_ns, t, sizeof(t)) < 0)
		t[0] = '\0';
	format_rv(e->revision, rv, sizeof(rv));
	static const char *const ops[] = {"", "create", "update", "delete"};
	char *out = NULL;
	if (line != NULL && obj != NULL &&
	    cJSON_AddStringToObject(line, "time", t) != NULL &&
	    cJSON_AddNumberToObject(line, "serverWallNs", (double)e->server_wall_ns) &&
	    cJSON_AddStringToObject(line, "revision", rv) != NULL &&
	    cJSON_AddStringToObject(line, "op", ops[e->kind <= 3 ? e->kind : 0]) &&
	    cJSON_AddStringToObject(line, "resource", fa_resource_name(e->res)) &&
	    cJSON_AddStringToObject(line, "namespace", e->ns) != NULL &&
	    cJSON_AddStringToObject(line, "name", e->name) != NULL &&
	    cJSON_AddStringToObject(line, "identity", e->identity) != NULL) {
		cJSON_AddItemToObject(line, "object", obj);
		obj = NULL;
		out = cJSON_PrintUnformatted(line);
	}
	cJSON_Delete(obj);
	cJSON_Delete(line);
	return out;
}

void fa_store_set_history(fa_store *s, bool keep)
{
	s->keep_history = keep;
}

/* ---- watchers and the commit hook --------------------------------------------------- */

int fa_store_watch_add(fa_store *s, fa_watch_fn fn, void *ud)
{
	if (fn == NULL)
		return LE_EINVAL;
	size_t i = 0;
	while (i < s->nwatchers && s->watchers[i].fn != NULL)
		i++;
	if (i == s->nwatchers) {
		if (s->nwatchers == s->watchers_cap) {
			size_t cap = s->watchers_cap ? s->watchers_cap * 2 : 4;
			watcher *w = realloc(s->watchers, cap * sizeof(*w));
			if (w == NULL)
				return LE_ENOMEM;
			s->watchers = w;
			s->watchers_cap = cap;
		}
		s->nwatchers++;
	}
	s->watchers[i] = (watcher){fn, ud, s->next_watch_handle++};
	return s->watchers[i].handle;
}

void fa_store_watch_remove(fa_store *s, int handle)
{
	for (size_t i = 0; i < s->nwatchers; i++)
		if (s->watchers[i].fn != NULL && s->watchers[i].handle == handle)
			s->watchers[i].fn = NULL;
	while (s->nwatchers > 0 && s->watchers[s->nwatchers - 1].fn == NULL)
		s->nwatchers--;
}

void fa_store_set_commit_hook(fa_store *s, fa_commit_fn fn, void *ud)
{
	s->hook = fn;
	s->hook_ud = ud;
}

/* ---- restore --------------------------------------------------------------------------- */

static int parse_rv(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (s[0] == '\0')
		return LE_EPARSE;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return LE_EPARSE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return LE_OK;
}

int fa_store_restore_json(fa_store *s, fa_resource res, const void *obj,
			  bool deleted, char *err, size_t errcap)
{
	fa_body b;
	fa_status st;
	uint64_t rv;
	if ((unsigned)res >= FA_RES_COUNT) {
		snprintf(err, errcap, "restore: unknown resource %d", (int)res);
		return LE_EINVAL;
	}
	if (fa__body_decode(res, obj, &b, &st) != LE_OK) {
		snprintf(err, errcap, "restore %s: %s", fa_resource_name(res), st.message);
		return LE_EPARSE;
	}
	if (b.name[0] == '\0' || strlen(b.name) >= LE_NAME_MAX || b.ns[0] == '\0' ||
	    strlen(b.ns) >= NS_MAX) {
		snprintf(err, errcap, "restore %s: metadata.name and "
			 "metadata.namespace are required", fa_resource_name(res));
		return LE_EPARSE;
	}
	if (parse_rv(b.rv, &rv) != LE_OK) {
		snprintf(err, errcap, "restore %s %s/%s: metadata.resourceVersion "
			 "\"%s\" is not a revision", fa_resource_name(res), b.ns,
			 b.name, b.rv);
		return LE_EPARSE;
	}
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *ct = cJSON_GetObjectItemCaseSensitive(meta, "creationTimestamp");
	int64_t created = 0;
	if (cJSON_IsString(ct) && le_parse_time(ct->valuestring, &created) != LE_OK) {
		snprintf(err, errcap, "restore %s %s/%s: bad creationTimestamp \"%s\"",
			 fa_resource_name(res), b.ns, b.name, ct->valuestring);
		return LE_EPARSE;
	}
	le_record rec;
	bool present = false, bad = false;
	if (!deleted && fa__body_record(res, &b, &rec, &present, &bad, &st) != LE_OK) {
		snprintf(err, errcap, "restore %s %s/%s: %s", fa_resource_name(res),
			 b.ns, b.name, st.message);
		return LE_EPARSE;
	}
	fa_base *base = NULL;
	if (!deleted) {
		base = fa__base_new(fa__normalize(res, obj));
		if (base == NULL || base->obj == NULL) {
			fa__base_unref(base);
			snprintf(err, errcap, "restore: out of memory");
			return LE_ENOMEM;
		}
	}
	fa_obj *o = find_or_insert(s, res, b.ns, b.name);
	if (o == NULL) {
		fa__base_unref(base);
		snprintf(err, errcap, "restore: out of memory");
		return LE_ENOMEM;
	}
	fa__base_unref(o->base);
	cJSON_Delete(o->view);
	o->view = NULL;
	free(o->text);
	o->text = NULL;
	o->base = base;
	o->live = !deleted;
	snprintf(o->uid, sizeof(o->uid), "%s", b.uid);
	o->created_wall_ns = created;
	set_rv(o, rv);
	o->key_rv = 0;
	if (!deleted) {
		o->rec = rec;
		o->rec_present = present;
		o->rec_bad = bad;
		o->rec_override = false;
	}
	if (rv > s->revision)
		s->revision = rv;
	return LE_OK;
}
