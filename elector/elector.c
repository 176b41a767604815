/* leaselab — the election core: client-go tools/leaderelection as a sans-IO
 * state machine. election-spec.md sections 2 (HEAD), 2.8 and 5.2 (the
 * profiles' deviations) and 6 (timing) are the spec; the comments below name
 * the step each piece implements.
 *
 * Shape: Run() is a phase (acquire -> renew -> [release] -> done; the 0.5
 * program adds a startup before and a leader lookup after); inside a phase
 * at most one request is in flight, and `step` says what it is for. Every
 * timer (acquire wait, renew tick, gap between passes, renew deadline,
 * request timeout, release deadline) is a field here;
 * le_elector_next_deadline() is their minimum and service() fires whatever
 * has fallen due, in a fixed order, so ties resolve the same way every run.
 *
 * No allocation after le_elector_new, no clock, no randomness, no I/O:
 * outputs go into a fixed ring that the driver drains after every input.
 * Time arithmetic saturates: any clock reading, however absurd, is safe.
 */
#include "leaselab/internal/assert.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaselab/elector.h"

#define RING_CAP 48               /* outputs pending */
#define INPUT_OUTPUTS_MAX 24      /* one input queues about 10 outputs at
				     most (fuzz_elector checks <= 24); an
				     input is refused while fewer slots are
				     free, so the ring never overflows */
#define TEXT_CAP 2048             /* bytes for the pending outputs' texts */
#define INPUT_TEXT_MAX 1024       /* one input's texts, at most (four of
				     LE_ID_MAX; fuzz_elector checks it): an
				     input is refused while fewer are free */
#define RAW_INLINE 64             /* of them inline in the elector */
#define RAW_KEEP 256              /* raw record bytes kept verbatim ... */
#define ML_ENC_MAX 1024           /* a MultiLock's re-encoded primary */
#define UNCERTAIN_INLINE 2       /* ... of them inline in the elector */
#define OWN_WRITES_MAX 16        /* writes of uncertain outcome remembered
				     for the duplicate-identity check */
#define NO_TIME INT64_MAX

enum phase {
	PH_IDLE,
	PH_BOOT,    /* the 0.5 program's startup (contrib_election_main) */
	PH_ACQUIRE,
	PH_RENEW,
	PH_RELEASE,
	PH_VIEW,    /* the 0.5 OnStoppedLeading: GET the holder */
	PH_DONE,
};

/* What the request in flight is for. */
enum step {
	ST_NONE,
	ST_FAST_UPDATE,     /* 2.4 step 1 */
	ST_GET,             /* 2.4 step 2 */
	ST_CREATE,          /* 2.4 step 2, after 404 */
	ST_UPDATE,          /* 2.4 step 6 */
	ST_REL_GET,         /* 2.5 step 1 */
	ST_REL_UPDATE,      /* 2.5 step 3 */
	ST_BOOT_GET,        /* 5.2: NewElection's Get */
	ST_BOOT_CREATE,     /* 5.2: ... its Create of {metadata:{name}} */
	ST_BOOT_LEADER_GET, /* 5.2: getCurrentLeader */
	ST_VIEW_GET,        /* 5.2: OnStoppedLeading's getCurrentLeader */
};

enum pass_end { PASS_DEADLINE, PASS_CANCELLED };

/* The raw record as change detection sees it: its first bytes, its full
 * length and, past RAW_KEEP bytes, the FNV-1a of all of it. */
typedef struct raw_view {
	const unsigned char *head; /* NULL: the driver passed no raw bytes */
	size_t len;
	uint64_t hash;             /* set when len > RAW_KEEP */
} raw_view;

/* ---- MultiLock state (election-spec.md 3.3) ---------------------------
 * client-go's MultiLock runs two locks' calls one after another inside one
 * Get, Create or Update (resourcelock/multilock.go at v0.27.0). The core
 * keeps one request in flight, so each call is a sequence of requests and
 * `stage` says which one is out. */
enum ml_stage {
	ML_GET_PRIMARY,       /* multilock.go:39 */
	ML_GET_SECONDARY,     /* :44 */
	ML_CREATE_PRIMARY,    /* :65 */
	ML_CREATE_SECONDARY,  /* :69 */
	ML_UPDATE_PRIMARY,    /* :74 */
	ML_UPDATE_SEC_GET,    /* :78 */
	ML_UPDATE_SECONDARY,  /* :82 */
	ML_UPDATE_SEC_CREATE, /* :80 */
};

/* The LeaseLock's ll.lease: nil until a Get or Create, an empty object
 * after a failed Create (the typed client returns one), or the object. */
enum ml_cache { ML_CACHE_NIL, ML_CACHE_EMPTY, ML_CACHE_OBJECT };

typedef struct ml_state {
	le_lock_kind primary;
	enum ml_stage stage;
	le_record write;              /* the record of this Create / Update */
	enum ml_cache sec_cache;
	char sec_rv[LE_RV_MAX];
	/* the primary's answer to this Get, until the secondary's comes */
	le_record prim;
	bool prim_present;
	char prim_rv[LE_RV_MAX];
	bool prim_has_raw;
	size_t prim_len;
	uint64_t prim_hash;           /* FNV-1a state over all prim_len bytes */
	unsigned char prim_head[RAW_KEEP];
	/* the answer ml_response built (joined records, or a local error);
	 * dispatch takes it instead of the last response when `joined` */
	le_response resp;
	le_record out;
	bool joined;
	/* the joined raw record (resp.raw is view.head) */
	raw_view view;
	unsigned char head[RAW_KEEP];
	char enc[ML_ENC_MAX];         /* json.Marshal(primary) when re-encoded */
} ml_state;

/* A pending output, packed (24 bytes; le_elector_next_output unpacks it
 * into an le_output). Its text, if any, is in the elector's text arena. */
enum {
	SLOT_HAS_TEXT = 1,   /* text_off names a NUL-terminated text */
	SLOT_IS_ERROR = 2,   /* LOG: is_error */
	SLOT_WAS_LEADER = 4, /* STOPPED_LEADING: was_leader */
};

enum { SENT_NONE, SENT_CANDIDATE, SENT_ML_WRITE }; /* inflight_rec */

/* A string the elector keeps between inputs at its length: inline up to
 * KEPT_INLINE - 1 bytes (an identity such as "candidate-1234" fits), else
 * on the heap. The last byte tells which: 0 (an inline string's NUL or
 * the bytes after it) or KEPT_ON_HEAP, when the first bytes hold the
 * pointer (kept_heap). 32 bytes where a pointer beside the buffer took 48:
 * there are two in every elector, 320 KB at 10,000. All-zero bytes are "". */
#define KEPT_INLINE 32
#define KEPT_ON_HEAP 1
typedef struct kept_str {
	char b[KEPT_INLINE];
} kept_str;

/* R of 2.4 (and release's record) as the elector keeps it, 40 bytes
 * instead of an 888-byte le_record: what such a record can hold. Its
 * holder is this elector or "" (release), it never has a preferredHolder,
 * and a strategy only when a coordinated renew carries the fetched one
 * (on the heap, NULL = "", as obs_rec's: only coordinated electors have
 * one, and 40 bytes inline in every elector were 400 KB at 10,000).
 * cand_record makes the le_record that goes out, field for field the one
 * the elector used to build in place. */
typedef struct cand_rec {
	int64_t acquire_wall_ns, renew_wall_ns;
	int32_t lease_duration_s, transitions;
	unsigned dialect;
	bool holder_me, holder_set, has_acquire_time, has_renew_time;
	char *strategy;
} cand_rec;

/* observedRecord (2) as the elector keeps it, 160 bytes instead of an
 * 888-byte le_record: the same fields, its strings kept at their length
 * (holder as a kept_str; strategy and preferredHolder, which only
 * coordinated records carry, on the heap, NULL = ""). obs_record makes the
 * le_record back, field for field. */
typedef struct obs_rec {
	int64_t acquire_wall_ns, renew_wall_ns;
	uint64_t holder_hash;
	char *strategy, *preferred_holder;
	int32_t lease_duration_s, transitions;
	unsigned dialect;
	bool holder_set, has_acquire_time, has_renew_time, holder_truncated;
	kept_str holder;
} obs_rec;

typedef struct out_slot {
	union {
		const le_request *request; /* SEND */
		uint64_t request_id;       /* ABORT */
	} u;
	int32_t status;    /* LOG */
	uint16_t text_off; /* LOG arg / NEW_LEADER identity, in io->text */
	uint8_t kind;      /* le_output_kind */
	uint8_t msg;       /* LOG: le_msg */
	uint8_t verbosity; /* LOG */
	uint8_t flags;     /* SLOT_* */
} out_slot;

/* What an elector needs only while it has outputs pending or an input
 * under way: the two request slots, the output ring and its text arena,
 * and the candidate as a record (cand_view), 6 KB; the elector itself is
 * 1.1 KB.
 * input_begin allocates it when absent; le_elector_outputs_done frees it
 * once the driver has drained the outputs and is done with them. A
 * request in flight needs none of it (its record stays in the elector),
 * so with a driver that says so an elector between inputs holds none:
 * 10,000 candidates that all start at once, each with a GET in flight,
 * hold 10,000 x 1.1 KB instead of 10,000 x 7 KB. A driver that never says
 * so keeps it, and pays no malloc per input. */
typedef struct le_io {
	le_request requests[2]; /* by id parity: a SEND's pointer outlives the
				   next request's construction */
	le_record cand;         /* the candidate as a record (cand_view) */
	out_slot ring[RING_CAP];
	char text[TEXT_CAP];
} le_io;

/* le_stats as the elector counts it: 32-bit counters that stop at
 * UINT32_MAX (bump), widened by le_elector_stats; master_status is
 * master_on. 36 bytes where le_stats takes 80, in every elector. A
 * counter gets there after 2^32 attempts or requests: 136 years of a 1 s
 * retry period. */
typedef struct elector_stats {
	uint32_t attempts, requests, aborted, slowpath, acquisitions, losses,
		renew_failures, errors, duplicate_identity;
} elector_stats;

static void bump(uint32_t *c)
{
	if (*c != UINT32_MAX)
		(*c)++;
}

struct le_elector {
	/* The configuration: the elector's own copy (le_elector_new: right
	 * after the struct, its strings after it, name "" for none) or the
	 * caller's, shared by electors that differ only in identity
	 * (le_elector_new_shared: 104 bytes and the lock's names less an
	 * elector, 1 MB at 10,000). Read its identity and profile from here:
	 * the identity is always the elector's own copy, the profile never
	 * NULL (client-go's when the caller gave none). */
	const le_config *cfg;
	const char *identity;
	const le_profile *profile;
	int64_t request_timeout_ns; /* 0 = none */
	int32_t lease_duration_s;   /* int(LD / 1s), what we write */

	enum phase phase;
	bool cancelled; /* the context is done: no rerun, only DONE is left */
	bool leading;   /* STARTED_LEADING emitted, STOPPED_LEADING not yet */
	bool fatal;     /* the 0.5 startup failed: the process exits */
	bool has_observed_time; /* 2: Go's zero time is never valid */
	/* bytes after the struct: the own configuration and the strings
	 * (elector_new), for le_elector_memory */
	unsigned strings_len;

	/* 2: observedRecord, observedRawRecord, observedTime, reportedLeader */
	obs_rec observed;           /* obs_set, obs_record */
	int64_t observed_clock_ns;  /* mono, or wall in the 0.5 profile */
	int64_t observed_mono_ns;   /* always mono: for healthz */
	/* the raw record's first RAW_KEEP bytes (raw_bytes): inline while it
	 * is at most RAW_INLINE (the in-process transport's keys are about
	 * 50), else in a RAW_KEEP-byte block on the heap, kept once made */
	unsigned char *raw_heap;
	unsigned char raw_in[RAW_INLINE];
	size_t raw_len;             /* full length, may exceed RAW_KEEP */
	uint64_t raw_hash;          /* FNV-1a of all raw_len bytes */
	kept_str reported_leader;   /* set_reported */

	/* The lock's cached object: kept from the last successful GET, CREATE
	 * or UPDATE; an Update error keeps it (election-spec.md 9), a failed Create
	 * replaces it by an empty object (2.4 step 2): cache_empty, and the
	 * next Update fails without a request. */
	char resource_version[LE_RV_MAX];
	bool cache_empty;
	/* leader_election_master_status: on when acquire succeeds, off when a
	 * renew pass fails (2.3, 2.6); a cancel between passes leaves it on. */
	bool master_on;

	/* The duplicate-identity check (see own_write_check): renewTimes of
	 * this elector's own writes, at the lock's precision. */
	bool has_own_key;
	bool has_flagged_key;
	uint8_t nuncertain;                  /* see uncertain_in */
	/* the output ring's (below), here to fill the word: 552 bytes an
	 * elector, a 560-byte malloc chunk */
	uint16_t text_used;
	int64_t own_key;                     /* the newest known to be mine */
	/* sent since, fate unknown: nuncertain of them, in uncertain_in while
	 * they fit (a follower never has more than one or two), else in an
	 * OWN_WRITES_MAX block on the heap, kept once made (own_keys) */
	int64_t uncertain_in[UNCERTAIN_INLINE];
	int64_t *uncertain_heap;
	int64_t flagged_key;                 /* last foreign write reported */

	/* the attempt (tryAcquireOrRenew, release, or a 0.5 program call) */
	le_time attempt_now;  /* `now` of 2.4: the attempt's start */
	cand_rec cand;        /* R of 2.4 (cand_record) */
	/* its one-byte fields together */
	uint8_t step;         /* enum step */
	uint8_t sends_this_input;
	bool cand_viewed;     /* io->cand is cand as it stands (cand_view) */
	bool inflight;
	uint8_t inflight_rec; /* SENT_*: where the in-flight write's record is */
	/* the loop's flags, here to share a word with the attempt's (the
	 * timers they go with are below) */
	bool in_pass;
	bool pass_closed;     /* waitfor: the deadline closed the poll */
	bool final_attempt;   /* waitfor: the attempt after the close */
	uint64_t inflight_id;
	int64_t request_deadline_ns;
	uint64_t next_id;
	uint64_t input_first_id; /* ids from here on were sent by this input */
	/* MultiLock kinds only (election-spec.md 3.3; NULL otherwise): the
	 * secondary Lease's cached object and the lock operation's progress.
	 * The primary's cached object is resource_version/cache_empty above. */
	struct ml_state *ml;

	/* loop timers (mono) */
	int64_t wake_ns;      /* acquire wait / renew tick / gap between passes */
	int64_t pass_start_ns;
	int64_t pass_deadline_ns;
	int64_t release_deadline_ns;
	/* driver draws that reached a decision (the acquire wait's jitter):
	 * a draw the core ignored cannot have changed what follows, which is
	 * how a driver that chooses draws (sim/chooser.c) tells the two apart
	 */
	uint64_t draws_used;

	/* Pending outputs: io->ring[(ring_head + i) % RING_CAP] for i from 0
	 * to ring_count - 1, oldest first. A slot with SLOT_HAS_TEXT has its
	 * text at io->text + text_off; texts are appended in slot order to
	 * io->text[0, text_used) and moved down by input_begin, when those of
	 * drained outputs are no longer valid. io is NULL from
	 * le_elector_outputs_done (nothing pending) to the next input (le_io). */
	le_io *io;
	void **io_spare; /* le_elector_set_io_spare; NULL: malloc and free */
	uint16_t ring_head;   /* < RING_CAP */
	uint16_t ring_count;  /* text_used is above */

	elector_stats stats;
};

/* ---- small helpers --------------------------------------------------- */

static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int64_t sub_sat(int64_t a, int64_t b)
{
	if (b == INT64_MIN)
		return a >= 0 ? INT64_MAX : a - b;
	return add_sat(a, -b);
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* ---- kept strings and the observed record ------------------------------ */

/* The heap copy, NULL when the string is inline. */
static char *kept_heap(const kept_str *k)
{
	char *p = NULL;
	if (k->b[KEPT_INLINE - 1] == KEPT_ON_HEAP)
		memcpy(&p, k->b, sizeof p);
	return p;
}

static const char *kept(const kept_str *k)
{
	const char *p = kept_heap(k);
	return p ? p : k->b;
}

/* s (n bytes, n < KEPT_INLINE) inline; a heap copy is the caller's. */
static void kept_inline(kept_str *k, const char *s, size_t n)
{
	memmove(k->b, s, n);
	memset(k->b + n, 0, KEPT_INLINE - n);
}

static void kept_free(kept_str *k)
{
	free(kept_heap(k));
	kept_inline(k, "", 0);
}

/* held is exactly the first n bytes of s */
static bool same_prefix(const char *held, const char *s, size_t n)
{
	return strncmp(held, s, n) == 0 && held[n] == '\0';
}

/* Where s (at most cap - 1 bytes of it, *n) will be kept: *heap = NULL
 * when it fits inline or equals what the heap holds now, else a fresh
 * copy; false when there is no memory (nothing changed). */
static inline bool kept_prepare(const kept_str *k, const char *s, size_t cap,
			 char **heap, size_t *len)
{
	*heap = NULL;
	size_t n = *len = strnlen(s, cap - 1);
	const char *held = kept_heap(k);
	if (n < KEPT_INLINE || (held && same_prefix(held, s, n)))
		return true;
	return (*heap = strndup(s, n)) != NULL;
}

/* Keep s (n bytes, as kept_prepare measured it), with the heap copy
 * kept_prepare made (NULL: inline or unchanged). */
static void kept_commit(kept_str *k, const char *s, size_t n, char *heap)
{
	if (heap) {
		free(kept_heap(k));
		memcpy(k->b, &heap, sizeof heap);
		k->b[KEPT_INLINE - 1] = KEPT_ON_HEAP;
	} else if (n < KEPT_INLINE) {
		char *old = kept_heap(k);
		kept_inline(k, s, n); /* s may be the inline copy itself */
		if (old)
			free(old);
	} /* else: equal to the heap copy */
}

/* *k = s; false when it finds no memory (then *k is unchanged). */
static bool kept_set(kept_str *k, const char *s, size_t cap)
{
	char *heap;
	size_t n;
	if (!kept_prepare(k, s, cap, &heap, &n))
		return false;
	kept_commit(k, s, n, heap);
	return true;
}

/* A string that is absent when empty (obs_rec's strategy, preferredHolder)
 * as kept_prepare: *out the copy to keep (NULL = ""), *same when it is the
 * one held now. */
static inline bool opt_prepare(const char *now, const char *s, size_t cap,
			char **out, bool *same)
{
	*out = NULL;
	if (!now && s[0] == '\0') { /* absent, as before: most records */
		*same = true;
		return true;
	}
	size_t n = strnlen(s, cap - 1);
	*same = now ? same_prefix(now, s, n) : n == 0;
	if (*same || n == 0)
		return true;
	return (*out = strndup(s, n)) != NULL;
}

static void opt_commit(char **at, char *fresh, bool same)
{
	if (same)
		return;
	free(*at);
	*at = fresh;
}

static const char *opt(const char *s) { return s ? s : ""; }

static void obs_free(obs_rec *o)
{
	kept_free(&o->holder);
	free(o->strategy);
	free(o->preferred_holder);
	o->strategy = o->preferred_holder = NULL;
}

static void obs_scalars(obs_rec *o, const le_record *r)
{
	o->acquire_wall_ns = r->acquire_wall_ns;
	o->renew_wall_ns = r->renew_wall_ns;
	o->holder_hash = r->holder_hash;
	o->lease_duration_s = r->lease_duration_s;
	o->transitions = r->transitions;
	o->dialect = r->dialect;
	o->holder_set = r->holder_set;
	o->has_acquire_time = r->has_acquire_time;
	o->has_renew_time = r->has_renew_time;
	o->holder_truncated = r->holder_truncated;
}

/* *o = *r; false when a string finds no memory (then *o is unchanged). */
static bool obs_set(obs_rec *o, const le_record *r)
{
	char *holder, *strategy, *preferred;
	bool same_strategy, same_preferred;
	size_t holder_len;
	if (!kept_prepare(&o->holder, r->holder, LE_ID_MAX, &holder,
			  &holder_len))
		return false;
	if (!opt_prepare(o->strategy, r->strategy, LE_STRATEGY_MAX, &strategy,
			 &same_strategy)) {
		free(holder);
		return false;
	}
	if (!opt_prepare(o->preferred_holder, r->preferred_holder, LE_ID_MAX,
			 &preferred, &same_preferred)) {
		free(holder);
		free(strategy);
		return false;
	}
	kept_commit(&o->holder, r->holder, holder_len, holder);
	opt_commit(&o->strategy, strategy, same_strategy);
	opt_commit(&o->preferred_holder, preferred, same_preferred);
	obs_scalars(o, r);
	return true;
}

/* Every field set (see cand_record). */
static void obs_record(const obs_rec *o, le_record *r)
{
	copy_str(r->holder, LE_ID_MAX, kept(&o->holder));
	copy_str(r->strategy, LE_STRATEGY_MAX, opt(o->strategy));
	copy_str(r->preferred_holder, LE_ID_MAX, opt(o->preferred_holder));
	r->acquire_wall_ns = o->acquire_wall_ns;
	r->renew_wall_ns = o->renew_wall_ns;
	r->holder_hash = o->holder_hash;
	r->lease_duration_s = o->lease_duration_s;
	r->transitions = o->transitions;
	r->dialect = o->dialect;
	r->holder_set = o->holder_set;
	r->has_acquire_time = o->has_acquire_time;
	r->has_renew_time = o->has_renew_time;
	r->holder_truncated = o->holder_truncated;
}

/* ---- the candidate record ------------------------------------------------ */

static void cand_reset(le_elector *e)
{
	free(e->cand.strategy);
	memset(&e->cand, 0, sizeof e->cand);
	e->cand_viewed = false;
}

/* The strategy a coordinated renew carries; false when a long one finds
 * no memory (the attempt then fails). */
static bool cand_set_strategy(le_elector *e, const char *s)
{
	char *fresh;
	bool same;
	if (!opt_prepare(e->cand.strategy, s, LE_STRATEGY_MAX, &fresh, &same))
		return false;
	opt_commit(&e->cand.strategy, fresh, same);
	return true;
}

/* Every field set, each string through its NUL and no further: what
 * follows a NUL is never read, and zeroing 888 bytes a send was a tenth of
 * a renewal step. */
static void cand_record(const le_elector *e, le_record *r)
{
	const cand_rec *c = &e->cand;
	copy_str(r->holder, LE_ID_MAX, c->holder_me ? e->identity : "");
	r->preferred_holder[0] = '\0';
	r->holder_truncated = false;
	r->holder_hash = 0;
	r->holder_set = c->holder_set;
	r->lease_duration_s = c->lease_duration_s;
	r->has_acquire_time = c->has_acquire_time;
	r->has_renew_time = c->has_renew_time;
	r->acquire_wall_ns = c->acquire_wall_ns;
	r->renew_wall_ns = c->renew_wall_ns;
	r->transitions = c->transitions;
	copy_str(r->strategy, LE_STRATEGY_MAX, opt(c->strategy));
	r->dialect = c->dialect;
}

#define FNV_BASIS UINT64_C(14695981039346656037)

static uint64_t fnv1a_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(1099511628211);
	return h;
}

static uint64_t fnv1a(const void *p, size_t n) { return fnv1a_more(FNV_BASIS, p, n); }

static bool is_2xx(int status) { return status >= 200 && status < 300; }

/* The clock observedTime and `now` are read from for expiry decisions. */
static int64_t expiry_clock(const le_elector *e, le_time t)
{
	return e->profile->observed_time_uses_wall_clock ? t.wall_ns : t.mono_ns;
}

static bool is_me(const le_elector *e, const char *holder)
{
	return strcmp(holder, e->identity) == 0;
}

/* A holder longer than any identity we run under is never us. */
static bool holds(const le_elector *e, const le_record *r)
{
	return !r->holder_truncated && is_me(e, r->holder);
}

/* IsLeader(): judged from the locally observed record. */
static bool is_leader(const le_elector *e)
{
	return !e->observed.holder_truncated && is_me(e, kept(&e->observed.holder));
}

/* isLeaseValid(now): observedTime + duration strictly after now, with the
 * record's leaseDurationSeconds (PR #114872) or the local LD (before). */
static bool lease_valid(const le_elector *e, int64_t now_clock_ns)
{
	if (!e->has_observed_time)
		return false;
	int64_t dur_ns = e->profile->expiry_uses_record_duration
				 ? (int64_t)e->observed.lease_duration_s * LE_NS_PER_S
				 : e->cfg->lease_duration_ns;
	return add_sat(e->observed_clock_ns, dur_ns) > now_clock_ns;
}

/* A record from a response, made safe to read: strings terminated. */
static void take_record(le_record *dst, const le_response *r)
{
	if (r->record && r->record_present) {
		*dst = *r->record;
		dst->holder[LE_ID_MAX - 1] = '\0';
		dst->strategy[LE_STRATEGY_MAX - 1] = '\0';
		dst->preferred_holder[LE_ID_MAX - 1] = '\0';
	} else {
		memset(dst, 0, sizeof *dst);
	}
}

static void keep_resource_version(le_elector *e, const le_response *r)
{
	if (e->ml) /* the MultiLock layer keeps both objects (ml_response) */
		return;
	if (r->resource_version)
		copy_str(e->resource_version, LE_RV_MAX, r->resource_version);
	e->cache_empty = false;
}

/* What client-go's REST client says when asked to Update the empty object
 * a failed Create left in the lock: no request goes out. */
#define EMPTY_OBJECT_ERROR "resource name may not be empty"

/* Go decodes an annotation record strictly (election-spec.md 3.3): a record
 * in another client's shapes fails the Get with json.Unmarshal's error. */
static bool strict_rejects(const le_elector *e, const le_response *r,
			   char *err, size_t errcap)
{
	if (!is_2xx(r->status) || !r->record || !r->record_present ||
	    e->cfg->lock_kind == LE_LOCK_LEASES ||
	    !e->profile->strict_annotation_records || e->cfg->liberal_records)
		return false;
	return le_record_go_strict_check(r->record, err, errcap) != LE_OK;
}

/* Go's reflect.DeepEqual on two records (0.5, before 2019-08): a Go string
 * cannot tell an absent holder from "", so holder_set is not compared. */
static bool obs_equal(const obs_rec *a, const le_record *b)
{
	return strcmp(kept(&a->holder), b->holder) == 0 &&
	       a->lease_duration_s == b->lease_duration_s &&
	       a->has_acquire_time == b->has_acquire_time &&
	       (!a->has_acquire_time || a->acquire_wall_ns == b->acquire_wall_ns) &&
	       a->has_renew_time == b->has_renew_time &&
	       (!a->has_renew_time || a->renew_wall_ns == b->renew_wall_ns) &&
	       a->transitions == b->transitions &&
	       strcmp(opt(a->strategy), b->strategy) == 0 &&
	       strcmp(opt(a->preferred_holder), b->preferred_holder) == 0;
}

/* ---- outputs ----------------------------------------------------------- */

static out_slot *push(le_elector *e, le_output_kind kind)
{
	/* input_begin() refuses an input unless INPUT_OUTPUTS_MAX slots are
	 * free, and no input queues that many: a full ring is a core bug. */
	LE_ASSERT(e->ring_count < RING_CAP); /* output ring overflow */
	out_slot *s = &e->io->ring[(e->ring_head + e->ring_count) % RING_CAP];
	e->ring_count++;
	memset(s, 0, sizeof *s);
	s->kind = (uint8_t)kind;
	return s;
}

/* A text goes into the arena as the old 256-byte slot kept it: its first
 * LE_ID_MAX-1 bytes. input_begin leaves INPUT_TEXT_MAX bytes free, more
 * than one input writes; were that ever exceeded, the text would be cut
 * to what is left rather than overflow. */
static void keep_text(le_elector *e, out_slot *s, const char *text)
{
	if (!text)
		return;
	size_t room = TEXT_CAP - e->text_used;
	LE_ASSERT(room > 0); /* input_begin keeps INPUT_TEXT_MAX free */
	size_t cap = room < LE_ID_MAX ? room : LE_ID_MAX;
	copy_str(e->io->text + e->text_used, cap, text);
	s->text_off = (uint16_t)e->text_used;
	s->flags |= SLOT_HAS_TEXT;
	e->text_used += (unsigned)strlen(e->io->text + e->text_used) + 1;
}

static void emit_log(le_elector *e, int verbosity, bool is_error, le_msg msg,
		     const char *arg, int status)
{
	LE_ASSERT(verbosity >= 0 && verbosity <= UINT8_MAX && msg <= UINT8_MAX);
	if (e->cfg->no_logs)
		return;
	out_slot *s = push(e, LE_OUT_LOG);
	s->verbosity = (uint8_t)verbosity;
	s->flags = is_error ? SLOT_IS_ERROR : 0;
	s->msg = (uint8_t)msg;
	keep_text(e, s, arg);
	s->status = status;
}

/* reportedLeader := holder. An identity too long to keep inline that
 * finds no memory is kept cut to KEPT_INLINE - 1 bytes: the next
 * comparison then reports it again, which is all it costs. */
static void set_reported(le_elector *e, const char *holder)
{
	if (kept_set(&e->reported_leader, holder, LE_ID_MAX))
		return;
	kept_str *k = &e->reported_leader;
	char *old = kept_heap(k);
	kept_inline(k, holder, strnlen(holder, KEPT_INLINE - 1));
	free(old);
}

static void emit_new_leader(le_elector *e, const char *holder)
{
	if (holder != kept(&e->reported_leader)) /* 0.5's callback: what it was told */
		set_reported(e, holder);
	out_slot *s = push(e, LE_OUT_NEW_LEADER);
	keep_text(e, s, holder);
}

/* maybeReportTransition (2.6): fires for self and for "", never for a lease
 * nobody held (reportedLeader starts ""); not wired at all in 0.5. */
static void report_transition(le_elector *e)
{
	const char *holder = kept(&e->observed.holder);
	if (!e->profile->on_new_leader_wired ||
	    strcmp(holder, kept(&e->reported_leader)) == 0)
		return;
	set_reported(e, holder);
	emit_new_leader(e, kept(&e->reported_leader));
}

static const char *response_detail(const le_response *r)
{
	if (r->message && r->message[0])
		return r->message;
	if (r->reason && r->reason[0])
		return r->reason;
	return r->status == 0 ? "no response" : "unexpected status";
}

/* ---- duplicate identity ------------------------------------------------ */

/* Two processes under one identity (three 0.5 sidecars on one host without
 * --id all take the hostname) both find themselves the holder, both lead,
 * and nothing says so: each renews over the other's writes. The trace is in
 * the record: a GET shows holder == me with a renewTime I never wrote.
 *
 * The rule. Every write this elector sends is remembered by its renewTime,
 * at the precision the lock stores (microseconds in a Lease, whole seconds
 * in an annotation; the encoders truncate). A write answered 2xx becomes
 * own_key and the rest are forgotten; one answered 4xx did not commit and
 * is forgotten; one that timed out, was aborted or got a 5xx may have
 * committed and stays `uncertain`. A fetched record (a slow-path GET, the
 * GET after a 409, the release's GET) whose holder is me and whose
 * renewTime is own_key or an uncertain one is mine: that is the lost renew
 * answer whose write committed, and it must not count. Any other renewTime
 * under my name is a foreign write: LE_MSG_DUPLICATE_IDENTITY (a warning)
 * and stats.duplicate_identity, once per foreign write seen.
 *
 * Limits. Nothing is judged before this elector's first write: the record
 * a previous run of the same pod left is legitimately its own and cannot be
 * told from a duplicate's (the duplicate is caught at the next foreign
 * write, one RP later). A foreign write with the same renewTime at the
 * lock's precision (the same second, for annotation locks) goes unseen;
 * the next one is seen. After more than OWN_WRITES_MAX writes in a row of
 * unknown fate the oldest is forgotten; if it alone committed and nothing
 * was written since, it would be reported. A write that outlived its abort
 * in the network and committed after a later GET is not remembered. */
static int64_t renew_key(const le_elector *e, int64_t wall_ns)
{
	int64_t unit = e->cfg->lock_kind == LE_LOCK_LEASES ? 1000 : LE_NS_PER_S;
	int64_t q = wall_ns / unit;
	return wall_ns % unit < 0 ? q - 1 : q;
}

static bool is_own_write_step(enum step step)
{
	return step == ST_FAST_UPDATE || step == ST_UPDATE || step == ST_CREATE;
}

/* Where the nuncertain keys are (inline, or the heap block once made). */
static const int64_t *own_keys(const le_elector *e)
{
	return e->uncertain_heap ? e->uncertain_heap : e->uncertain_in;
}

static void own_write_sent(le_elector *e, const le_record *rec)
{
	/* Past the inline room the keys move to their heap block; without
	 * memory they stay inline and the oldest is forgotten sooner (the
	 * check is a warning's heuristic, see the limits above). */
	unsigned cap = OWN_WRITES_MAX;
	if (!e->uncertain_heap && e->nuncertain == UNCERTAIN_INLINE) {
		int64_t *b = malloc(OWN_WRITES_MAX * sizeof *b);
		if (b) {
			memcpy(b, e->uncertain_in, sizeof e->uncertain_in);
			e->uncertain_heap = b;
		}
	}
	if (!e->uncertain_heap)
		cap = UNCERTAIN_INLINE;
	int64_t *keys = e->uncertain_heap ? e->uncertain_heap : e->uncertain_in;
	if (e->nuncertain == cap) {
		memmove(keys, keys + 1, (cap - 1) * sizeof keys[0]);
		e->nuncertain--;
	}
	keys[e->nuncertain++] = renew_key(e, rec->renew_wall_ns);
}

/* The answer to the write in flight (the newest one sent). */
static void own_write_answered(le_elector *e, int status)
{
	if (e->nuncertain == 0)
		return;
	if (is_2xx(status)) {
		e->own_key = own_keys(e)[e->nuncertain - 1];
		e->has_own_key = true;
		e->nuncertain = 0;
	} else if (status >= 400 && status < 500) {
		e->nuncertain--;
	}
}

static void own_write_check(le_elector *e, const le_record *fetched,
			    bool present)
{
	if (!present || !holds(e, fetched) || !fetched->has_renew_time)
		return;
	if (!e->has_own_key && e->nuncertain == 0)
		return; /* nothing written yet: see the limits above */
	int64_t k = renew_key(e, fetched->renew_wall_ns);
	bool mine = e->has_own_key && k == e->own_key;
	for (unsigned i = 0; !mine && i < e->nuncertain; i++)
		mine = own_keys(e)[i] == k;
	if (mine) {
		e->own_key = k;
		e->has_own_key = true;
		e->nuncertain = 0;
		return;
	}
	if (e->has_flagged_key && e->flagged_key == k)
		return;
	e->has_flagged_key = true;
	e->flagged_key = k;
	bump(&e->stats.duplicate_identity);
	char when[32];
	if (e->cfg->lock_kind == LE_LOCK_LEASES)
		le_format_micro_time(fetched->renew_wall_ns, when, sizeof when);
	else
		le_format_time(fetched->renew_wall_ns, when, sizeof when);
	emit_log(e, 0, true, LE_MSG_DUPLICATE_IDENTITY, when, 0);
}

/* ---- requests ---------------------------------------------------------- */

static const le_record empty_record; /* a GET's: no record */

/* One request to one object. `own` says whether it carries this elector's
 * record to the object whose fate the duplicate-identity check follows. */
static void send_one(le_elector *e, le_time now, enum step step, le_op op,
		     const le_record *rec, le_lock_kind target, const char *rv,
		     bool own)
{
	LE_ASSERT(!e->inflight);
	e->sends_this_input++;
	LE_ASSERT(e->sends_this_input <= 2); /* two request slots */
	le_request *q = &e->io->requests[e->next_id & 1];
	q->id = e->next_id++;
	q->op = op;
	if (rec)
		le_record_copy(&q->record, rec);
	else
		le_record_copy(&q->record, &empty_record);
	LE_ASSERT(!rec || rec == &e->io->cand || (e->ml && rec == &e->ml->write));
	e->inflight_rec = !rec ? SENT_NONE
			  : rec == &e->io->cand ? SENT_CANDIDATE
						: SENT_ML_WRITE;
	memcpy(q->resource_version, rv, LE_RV_MAX);
	q->timeout_ns = e->request_timeout_ns;
	q->no_record = step == ST_BOOT_CREATE;
	q->target = target;
	e->step = step;
	e->inflight = true;
	e->inflight_id = q->id;
	e->request_deadline_ns = e->request_timeout_ns > 0
					 ? add_sat(now.mono_ns, e->request_timeout_ns)
					 : NO_TIME;
	e->wake_ns = NO_TIME;
	bump(&e->stats.requests);
	if (own)
		own_write_sent(e, &q->record);
	push(e, LE_OUT_SEND)->u.request = q;
}

/* The lock's Get, Create and Update go through the MultiLock's sequence
 * when the lock is one; the 0.5 program's own calls never do. */
static bool ml_lock_step(enum step step)
{
	return step == ST_FAST_UPDATE || step == ST_GET || step == ST_CREATE ||
	       step == ST_UPDATE || step == ST_REL_GET || step == ST_REL_UPDATE;
}

/* A call of the lock: the first request of the MultiLock's sequence for
 * it, or the one request of a plain lock. */
static void send_request(le_elector *e, le_time now, enum step step, le_op op,
			 const le_record *rec)
{
	if (!e->ml || !ml_lock_step(step)) {
		le_lock_kind target = e->ml ? e->ml->primary : e->cfg->lock_kind;
		send_one(e, now, step, op, rec, target, e->resource_version,
			 is_own_write_step(step) && op != LE_OP_GET);
		return;
	}
	ml_state *m = e->ml;
	m->joined = false;
	if (rec)
		m->write = *rec;
	switch (op) {
	case LE_OP_GET:
		m->stage = ML_GET_PRIMARY;
		break;
	case LE_OP_CREATE:
		m->stage = ML_CREATE_PRIMARY;
		break;
	case LE_OP_UPDATE:
		m->stage = ML_UPDATE_PRIMARY;
		break;
	}
	/* the primary's write is the one the record's readers see (Get
	 * returns the primary's record): its fate is the own-write check's */
	send_one(e, now, step, op, rec, m->primary, e->resource_version,
		 is_own_write_step(step));
}

/* The candidate as the record that goes out (in io: inputs have it).
 * Every change to cand is followed by a send through here. */
static const le_record *cand_view(le_elector *e)
{
	LE_ASSERT(e->io != NULL);
	cand_record(e, &e->io->cand);
	e->cand_viewed = true;
	return &e->io->cand;
}

/* The record of the write in flight. Not the request slot's copy: that is
 * the driver's only until the next input (le_elector_outputs_done may free
 * it sooner); the record stays where it was built until the answer. */
static const le_record *inflight_record(le_elector *e)
{
	LE_ASSERT(e->inflight_rec != SENT_NONE);
	if (e->inflight_rec == SENT_ML_WRITE)
		return &e->ml->write;
	/* cand has not changed since its send (one request at a time), so
	 * the view made then stands while io does */
	return e->cand_viewed ? &e->io->cand : cand_view(e);
}

/* Queue LE_OUT_ABORT for the request in flight; e->step is left for the
 * caller to dispatch (timeout) or clear (deadline, cancel). */
static void abort_inflight(le_elector *e, const char *why)
{
	if (!e->inflight)
		return;
	push(e, LE_OUT_ABORT)->u.request_id = e->inflight_id;
	emit_log(e, 4, false, LE_MSG_REQUEST_ABORTED, why, 0);
	bump(&e->stats.aborted);
	e->inflight = false;
	e->request_deadline_ns = NO_TIME;
}

/* ---- the loops --------------------------------------------------------- */

static void try_begin(le_elector *e, le_time now);
static void stop_leading(le_elector *e, le_time now);

/* 2.2: U[RP, 2.2 RP) from the top 53 bits of the driver's draw, as Go's
 * Jitter(RP, 1.2) = RP + rand.Float64()*1.2*RP; kept strictly below
 * 2.2 RP where the float product would round up to it. Validation keeps
 * 1.2 RP below 2^63. */
static int64_t acquire_wait_ns(const le_elector *e, uint64_t rnd)
{
	int64_t rp = e->cfg->retry_period_ns;
	double u = (double)(rnd >> 11) * 0x1p-53;
	double span = 1.2 * (double)rp;
	int64_t j = (int64_t)(u * 1.2 * (double)rp);
	while (j > 0 && (double)j >= span)
		j--;
	return add_sat(rp, j);
}

static void acquire_begin(le_elector *e, le_time now)
{
	e->phase = PH_ACQUIRE;
	emit_log(e, 0, false, LE_MSG_ATTEMPTING_ACQUIRE, NULL, 0);
	try_begin(e, now);
}

/* The renew ticker's first tick (pass start + k RP, k >= 1) strictly after
 * t, or at or after t; NO_TIME past the end of time. */
static int64_t renew_tick(const le_elector *e, int64_t t, bool strictly_after)
{
	int64_t rp = e->cfg->retry_period_ns;
	int64_t since = sub_sat(t, e->pass_start_ns);
	int64_t k = 1;
	if (since > 0) {
		int64_t q = since / rp;
		if (q == INT64_MAX)
			return NO_TIME;
		k = strictly_after || since % rp ? q + 1 : q;
	}
	if (k > INT64_MAX / rp)
		return NO_TIME;
	return add_sat(e->pass_start_ns, k * rp);
}

/* 2.3: a pass is a poll with an RD deadline from its start and an RP ticker
 * started with it; the first attempt is immediate (HEAD) or on the first
 * tick (Poll). */
static void pass_begin(le_elector *e, le_time now)
{
	e->in_pass = true;
	e->pass_closed = false;
	e->final_attempt = false;
	e->pass_start_ns = now.mono_ns;
	e->pass_deadline_ns = add_sat(now.mono_ns, e->cfg->renew_deadline_ns);
	if (e->profile->renew_first_attempt_immediate)
		try_begin(e, now);
	else
		e->wake_ns = renew_tick(e, now.mono_ns, true);
}

static void release_begin(le_elector *e, le_time now);

/* After the renew loop: release (2.5) if configured, then Run exits. */
static void renew_end(le_elector *e, le_time now)
{
	e->in_pass = false;
	e->wake_ns = NO_TIME;
	if (e->cfg->release_on_cancel && e->profile->release_supported)
		release_begin(e, now);
	else
		stop_leading(e, now);
}

static void pass_failed(le_elector *e, le_time now, enum pass_end why)
{
	e->in_pass = false;
	e->wake_ns = NO_TIME;
	report_transition(e);
	e->master_on = false; /* metrics.leaderOff: only here (2.6) */
	const char *detail =
		why == PASS_CANCELLED ? "context canceled"
		: e->profile->renew_deadline_aborts_request
			? "context deadline exceeded"
			: "timed out waiting for the condition";
	emit_log(e, 0, false, LE_MSG_FAILED_RENEW, detail, 0);
	if (why == PASS_DEADLINE)
		bump(&e->stats.renew_failures);
	renew_end(e, now);
}

static void finish(le_elector *e)
{
	e->phase = PH_DONE;
	e->step = ST_NONE;
	e->wake_ns = NO_TIME;
	e->in_pass = false;
	e->release_deadline_ns = NO_TIME;
	push(e, LE_OUT_DONE);
}

/* Run has returned (OnStoppedLeading done): 0.5's wait.Forever(Run, 0)
 * runs acquire again with the same state; otherwise the elector is done. */
static void run_exited(le_elector *e, le_time now)
{
	if (!e->cancelled && e->profile->rerun_after_loss)
		acquire_begin(e, now);
	else
		finish(e);
}

/* OnStoppedLeading runs on every Run exit (2.1). The 0.5 program's
 * callback GETs the holder first (5.2), which Run's return waits for. */
static void stop_leading(le_elector *e, le_time now)
{
	bool was_leader = e->leading;
	if (was_leader)
		bump(&e->stats.losses);
	e->leading = false;
	e->in_pass = false;
	e->wake_ns = NO_TIME;
	e->release_deadline_ns = NO_TIME;
	push(e, LE_OUT_STOPPED_LEADING)->flags = was_leader ? SLOT_WAS_LEADER : 0;
	if (e->profile->contrib_election_main && !e->cancelled) {
		e->phase = PH_VIEW;
		send_request(e, now, ST_VIEW_GET, LE_OP_GET, NULL);
		return;
	}
	run_exited(e, now);
}

static void acquire_attempt_done(le_elector *e, le_time now, bool ok,
				 uint64_t rnd)
{
	report_transition(e);
	if (!ok) {
		emit_log(e, 4, false, LE_MSG_FAILED_ACQUIRE, NULL, 0);
		e->wake_ns = add_sat(now.mono_ns, acquire_wait_ns(e, rnd));
		e->draws_used++;
		return;
	}
	e->master_on = true; /* metrics.leaderOn */
	emit_log(e, 0, false, LE_MSG_ACQUIRED, NULL, 0);
	push(e, LE_OUT_STARTED_LEADING);
	if (e->profile->contrib_election_main) /* OnStartedLeading: callback(id) */
		emit_new_leader(e, e->identity);
	e->leading = true;
	bump(&e->stats.acquisitions);
	e->phase = PH_RENEW;
	pass_begin(e, now);
}

/* A failed attempt inside a pass: when does the next one come? */
static void renew_attempt_failed(le_elector *e, le_time now)
{
	if (e->profile->renew_poll_waitfor) {
		/* wait.WaitFor: once the poller has closed its channel (the
		 * deadline came, perhaps while this attempt ran) the condition
		 * runs once more, and that is the last. */
		if (e->final_attempt) {
			pass_failed(e, now, PASS_DEADLINE);
			return;
		}
		if (e->pass_closed || now.mono_ns >= e->pass_deadline_ns) {
			e->pass_closed = true;
			e->final_attempt = true;
			try_begin(e, now);
			return;
		}
		/* The poller dropped the ticks that came while the attempt ran:
		 * the next one it hands over is the first from now on that it
		 * has not handed over yet. At or past the deadline, the
		 * deadline comes first (service()). */
		int64_t unused = renew_tick(e, e->attempt_now.mono_ns, true);
		int64_t from_now = renew_tick(e, now.mono_ns, false);
		e->wake_ns = unused > from_now ? unused : from_now;
		return;
	}
	/* PollUntilContextTimeout checks its context before the next attempt. */
	if (now.mono_ns >= e->pass_deadline_ns) {
		pass_failed(e, now, PASS_DEADLINE);
		return;
	}
	/* The next attempt comes on the first tick strictly after this attempt
	 * began, or at once if that tick came while it ran (a ticker keeps one
	 * tick). If that is at or past the deadline, the deadline fires first
	 * (service() order). */
	int64_t next = renew_tick(e, e->attempt_now.mono_ns, true);
	e->wake_ns = next > now.mono_ns ? next : now.mono_ns;
}

static void renew_attempt_done(le_elector *e, le_time now, bool ok)
{
	if (!ok) {
		renew_attempt_failed(e, now);
		return;
	}
	e->in_pass = false;
	report_transition(e);
	emit_log(e, e->profile->logs_2016 ? 4 : 5, false, LE_MSG_RENEWED, NULL, 0);
	if (e->profile->renew_pass_gap_is_rp)
		e->wake_ns = add_sat(now.mono_ns, e->cfg->retry_period_ns);
	else
		pass_begin(e, now);
}

/* tryAcquireOrRenew returned. */
static void try_end(le_elector *e, le_time now, bool ok, uint64_t rnd)
{
	e->step = ST_NONE;
	if (e->phase == PH_ACQUIRE)
		acquire_attempt_done(e, now, ok, rnd);
	else if (e->phase == PH_RENEW)
		renew_attempt_done(e, now, ok);
}

/* ---- tryAcquireOrRenew (2.4) ----------------------------------------- */

/* false when the record's strings find no memory: nothing is observed and
 * the caller fails the attempt (OOM_DETAIL), as a failed request would. */
#define OOM_DETAIL "out of memory keeping the observed record"
static bool set_observed(le_elector *e, const le_record *rec, le_time now)
{
	if (!obs_set(&e->observed, rec))
		return false;
	e->has_observed_time = true;
	e->observed_clock_ns = expiry_clock(e, now);
	e->observed_mono_ns = now.mono_ns;
	return true;
}

static const unsigned char *raw_bytes(const le_elector *e)
{
	return e->raw_heap ? e->raw_heap : e->raw_in;
}

/* Step 3's comparison. Raw bytes (HEAD) compare as Go's bytes.Equal, for
 * which nil (nothing seen yet) equals empty; a driver that passes no raw
 * bytes gets parsed-record equality, which is also the old profiles'. */
static bool record_changed(const le_elector *e, const le_record *fetched,
			   const raw_view *v)
{
	if (e->profile->change_detect_raw && v->head) {
		if (v->len != e->raw_len)
			return true;
		size_t kept = v->len < RAW_KEEP ? v->len : RAW_KEEP;
		if (memcmp(v->head, raw_bytes(e), kept) != 0)
			return true;
		return v->len > RAW_KEEP && v->hash != e->raw_hash;
	}
	return !obs_equal(&e->observed, fetched);
}

/* The raw bytes of a response as change detection sees them; for the
 * MultiLock's joined answer, the joined bytes ml_join built. */
static raw_view raw_of(const le_elector *e, const le_response *r)
{
	if (e->ml && e->ml->joined && r == &e->ml->resp)
		return e->ml->view;
	raw_view v = {.head = r->raw, .len = r->raw ? r->raw_len : 0, .hash = 0};
	if (v.head && v.len > RAW_KEEP)
		v.hash = fnv1a(r->raw, r->raw_len);
	return v;
}

/* observedTime after a Get is a clock reading taken when the Get has
 * returned, so it is later than the attempt's `now` (2.4 step 3) even when
 * the response came back at the same instant (zero simulated latency): a
 * record with leaseDurationSeconds 0 is then valid on first sighting. */
static bool observe(le_elector *e, const le_record *fetched,
		    const raw_view *v, le_time now)
{
	bool keep_raw = e->profile->change_detect_raw && v->head;
	if (keep_raw && v->len > RAW_INLINE && !e->raw_heap &&
	    !(e->raw_heap = malloc(RAW_KEEP)))
		return false;
	if (!set_observed(e, fetched, now))
		return false;
	int64_t floor_ns = add_sat(expiry_clock(e, e->attempt_now), 1);
	if (e->observed_clock_ns < floor_ns)
		e->observed_clock_ns = floor_ns;
	if (keep_raw) {
		e->raw_len = v->len;
		memcpy(e->raw_heap ? e->raw_heap : e->raw_in, v->head,
		       v->len < RAW_KEEP ? v->len : RAW_KEEP);
		e->raw_hash = v->len > RAW_KEEP ? v->hash : 0;
	}
	return true;
}

static void fast_path_failed(le_elector *e, const char *detail, int status)
{
	if (e->profile->logs_structured)
		emit_log(e, 2, false, LE_MSG_FAST_PATH_FAILED, detail, status);
	else /* klog.Errorf before 1.35 */
		emit_log(e, 0, true, LE_MSG_FAST_PATH_FAILED, detail, status);
}

/* R is built once per attempt, as client-go's leaderElectionRecord: what
 * the fast path copies into it stays for the slow path (2.4). */
static void try_begin(le_elector *e, le_time now)
{
	bump(&e->stats.attempts);
	e->attempt_now = now;
	cand_rec *r = &e->cand;
	cand_reset(e);
	r->holder_me = true;
	r->holder_set = true;
	r->lease_duration_s = e->lease_duration_s;
	r->has_acquire_time = r->has_renew_time = true;
	r->acquire_wall_ns = r->renew_wall_ns = now.wall_ns;
	r->dialect = e->profile->writer_dialect;

	/* 1. fast path: CAS on the cached object (tryCoordinatedRenew has
	 * none: election-spec.md 8; PR #138064 would add one) */
	if (e->profile->fast_path && !e->cfg->coordinated && is_leader(e) &&
	    lease_valid(e, expiry_clock(e, now))) {
		r->has_acquire_time = e->observed.has_acquire_time;
		r->acquire_wall_ns = e->observed.acquire_wall_ns;
		r->transitions = e->profile->transitions_reset_on_renew
					 ? 0
					 : e->observed.transitions;
		if (!e->cache_empty) {
			send_request(e, now, ST_FAST_UPDATE, LE_OP_UPDATE, cand_view(e));
			return;
		}
		fast_path_failed(e, EMPTY_OBJECT_ERROR, 0);
	}
	send_request(e, now, ST_GET, LE_OP_GET, NULL);
}

/* tryCoordinatedRenew after a successful GET (election-spec.md 8): the
 * apiserver's election controller chooses the holder; this client only
 * renews what it was given, and only while no better candidate is named. */
static void coordinated_renew(le_elector *e, le_time now,
			      const le_record *fetched, const le_response *r,
			      uint64_t rnd)
{
	raw_view v = raw_of(e, r);
	if (record_changed(e, fetched, &v) && !observe(e, fetched, &v, now)) {
		emit_log(e, 0, true, LE_MSG_GET_ERROR, OOM_DETAIL, 0);
		try_end(e, now, false, rnd);
		return;
	}
	/* Non-strict, with the fetched record's duration: expired when
	 * observedTime + duration is before the attempt's now (Go's zero
	 * observedTime is always expired). */
	int64_t dur_ns = (int64_t)fetched->lease_duration_s * LE_NS_PER_S;
	if (!e->has_observed_time ||
	    add_sat(e->observed_clock_ns, dur_ns) < expiry_clock(e, e->attempt_now)) {
		emit_log(e, 0, false, LE_MSG_LEASE_EXPIRED, NULL, 0);
		try_end(e, now, false, rnd);
		return;
	}
	if (!is_leader(e)) {
		emit_log(e, 6, false, LE_MSG_HELD_COORDINATED, fetched->holder, 0);
		try_end(e, now, false, rnd);
		return;
	}
	/* end of term: any preferredHolder, as upstream tests it (the
	 * controller never names the holder itself) */
	if (fetched->preferred_holder[0]) {
		emit_log(e, 4, false, LE_MSG_END_OF_TERM, fetched->preferred_holder, 0);
		try_end(e, now, false, rnd);
		return;
	}
	/* the holder's renew: acquireTime, transitions and strategy carried;
	 * preferredHolder (empty here) is not written */
	cand_rec *cand = &e->cand;
	e->cand_viewed = false;
	cand->has_acquire_time = fetched->has_acquire_time;
	cand->acquire_wall_ns = fetched->acquire_wall_ns;
	cand->transitions =
		e->profile->transitions_reset_on_renew ? 0 : fetched->transitions;
	if (!cand_set_strategy(e, fetched->strategy)) {
		emit_log(e, 0, true, LE_MSG_UPDATE_ERROR,
			 "out of memory for the lease's strategy", 0);
		try_end(e, now, false, rnd);
		return;
	}
	bump(&e->stats.slowpath);
	send_request(e, now, ST_UPDATE, LE_OP_UPDATE, cand_view(e));
}

static void on_get(le_elector *e, le_time now, const le_response *r,
		   uint64_t rnd)
{
	if (r->status == 404 && e->cfg->coordinated) {
		/* a coordinated client never creates the lease */
		emit_log(e, 0, false, LE_MSG_LEASE_NOT_FOUND, response_detail(r), 404);
		try_end(e, now, false, rnd);
		return;
	}
	if (r->status == 404) {
		send_request(e, now, ST_CREATE, LE_OP_CREATE, cand_view(e));
		return;
	}
	char strict_err[160];
	if (strict_rejects(e, r, strict_err, sizeof strict_err)) {
		/* the object itself was read: the lock keeps it */
		keep_resource_version(e, r);
		bump(&e->stats.errors);
		emit_log(e, 0, true, LE_MSG_GET_ERROR, strict_err, r->status);
		try_end(e, now, false, rnd);
		return;
	}
	if (!is_2xx(r->status)) {
		emit_log(e, 0, true, LE_MSG_GET_ERROR, response_detail(r), r->status);
		try_end(e, now, false, rnd);
		return;
	}
	keep_resource_version(e, r);
	le_record fetched;
	take_record(&fetched, r);
	/* Under coordination the controller writes the lease in my name (it
	 * installs me as holder), so a foreign renewTime under my identity is
	 * expected there: the duplicate-identity check is off. */
	if (!e->cfg->coordinated)
		own_write_check(e, &fetched, r->record_present);
	if (e->cfg->coordinated) {
		coordinated_renew(e, now, &fetched, r, rnd);
		return;
	}

	/* 0.5 only looked inside an annotation that was there: a missing one
	 * is simply taken. Later clients read it as an empty record. */
	bool skip = !r->record_present && e->profile->missing_record_skips_checks;
	if (!skip) {
		/* 3. observe a change, stamped with the response's time */
		raw_view v = raw_of(e, r);
		if (record_changed(e, &fetched, &v) &&
		    !observe(e, &fetched, &v, now)) {
			emit_log(e, 0, true, LE_MSG_GET_ERROR, OOM_DETAIL, 0);
			try_end(e, now, false, rnd);
			return;
		}
		/* 4. held by someone else and not expired at the attempt's now;
		 * the holder tested for "" is the fetched one, as client-go's */
		bool vacant = e->profile->empty_holder_is_free && !fetched.holder[0];
		if (!vacant && !is_leader(e) &&
		    lease_valid(e, expiry_clock(e, e->attempt_now))) {
			emit_log(e, e->profile->logs_2016 ? 0 : 4, false, LE_MSG_HELD_BY,
				 fetched.holder, 0);
			try_end(e, now, false, rnd);
			return;
		}
	}

	/* 5. prepare. A takeover only bumps the transitions: acquireTime is
	 * R's, which is `now` unless this attempt's fast path copied the
	 * observed one into it. */
	cand_rec *cand = &e->cand;
	e->cand_viewed = false;
	if (skip ? holds(e, &fetched) : is_leader(e)) {
		cand->has_acquire_time = fetched.has_acquire_time;
		cand->acquire_wall_ns = fetched.acquire_wall_ns;
		cand->transitions =
			e->profile->transitions_reset_on_renew ? 0 : fetched.transitions;
		bump(&e->stats.slowpath);
	} else {
		cand->transitions = fetched.transitions < INT32_MAX
					    ? fetched.transitions + 1
					    : INT32_MAX;
	}
	/* 6. update with the resourceVersion of this GET */
	send_request(e, now, ST_UPDATE, LE_OP_UPDATE, cand_view(e));
}

/* A successful write: cache the object, observe what we wrote (the raw copy
 * is deliberately not refreshed), and tell the loop. */
static void on_written(le_elector *e, le_time now, const le_response *r,
		       uint64_t rnd)
{
	keep_resource_version(e, r);
	if (!set_observed(e, inflight_record(e), now)) {
		emit_log(e, 0, true, LE_MSG_UPDATE_ERROR, OOM_DETAIL, 0);
		try_end(e, now, false, rnd);
		return;
	}
	try_end(e, now, true, rnd);
}

/* ---- release (2.5) ---------------------------------------------------- */

static void release_end(le_elector *e, le_time now)
{
	e->step = ST_NONE;
	e->release_deadline_ns = NO_TIME;
	stop_leading(e, now);
}

/* Steps 2-3: IsLeader from the LOCAL record (hazard H2), then the write. */
static void release_write(le_elector *e, le_time now, int32_t transitions)
{
	if (!is_leader(e)) {
		release_end(e, now);
		return;
	}
	/* release's record is this attempt's R: it is what goes out, and
	 * what is observed when it is written */
	cand_rec *rel = &e->cand;
	cand_reset(e);
	rel->holder_set = true;
	rel->transitions = transitions;
	rel->dialect = e->profile->writer_dialect;
	if (!e->profile->release_writes_zero_duration) { /* 710705cfe, 1.20 */
		rel->lease_duration_s = 1;
		rel->has_acquire_time = rel->has_renew_time = true;
		rel->acquire_wall_ns = rel->renew_wall_ns = now.wall_ns;
	}
	if (e->cache_empty) { /* Update on the empty object: no request */
		emit_log(e, 0, true, LE_MSG_RELEASE_FAILED, EMPTY_OBJECT_ERROR, 0);
		release_end(e, now);
		return;
	}
	send_request(e, now, ST_REL_UPDATE, LE_OP_UPDATE, cand_view(e));
}

static void release_step(le_elector *e, le_time now)
{
	if (e->profile->release_get_first)
		send_request(e, now, ST_REL_GET, LE_OP_GET, NULL);
	else
		release_write(e, now, e->observed.transitions);
}

static void release_begin(le_elector *e, le_time now)
{
	e->phase = PH_RELEASE;
	e->release_deadline_ns =
		e->profile->release_bounded_by_rd
			? add_sat(now.mono_ns, e->cfg->renew_deadline_ns)
			: NO_TIME;
	release_step(e, now);
}

static void on_release_response(le_elector *e, le_time now,
				const le_response *r)
{
	if (e->step == ST_REL_GET) {
		char strict_err[160];
		if (strict_rejects(e, r, strict_err, sizeof strict_err)) {
			bump(&e->stats.errors);
			emit_log(e, 0, true, LE_MSG_RELEASE_FAILED, strict_err,
				 r->status);
			release_end(e, now);
			return;
		}
		if (!is_2xx(r->status)) {
			emit_log(e, 0, true, LE_MSG_RELEASE_FAILED,
				 response_detail(r), r->status);
			release_end(e, now);
			return;
		}
		/* refreshes the cached object only, not the observed record */
		keep_resource_version(e, r);
		le_record fetched;
		take_record(&fetched, r);
		if (!e->cfg->coordinated) /* as in on_get */
			own_write_check(e, &fetched, r->record_present);
		release_write(e, now, fetched.transitions);
		return;
	}
	if (is_2xx(r->status)) {
		keep_resource_version(e, r);
		if (set_observed(e, inflight_record(e), now))
			emit_log(e, 4, false, LE_MSG_RELEASED, NULL, 0);
		else /* released all the same; only our view of it is old */
			emit_log(e, 0, true, LE_MSG_RELEASE_FAILED, OOM_DETAIL, 0);
		release_end(e, now);
		return;
	}
	/* 1b1630d32: tryRelease calls itself on a conflict; only the RD
	 * context ends it (its GET or Update fails once it expires), never a
	 * count. Every retry waits for a response, so the core cannot spin. */
	if (r->status == 409 && e->profile->release_retry_on_conflict) {
		emit_log(e, 4, false, LE_MSG_RELEASE_CONFLICT, NULL, r->status);
		release_step(e, now);
		return;
	}
	emit_log(e, 0, true, LE_MSG_RELEASE_FAILED, response_detail(r), r->status);
	release_end(e, now);
}

/* ---- the 0.5 program around the core (5.2) ---------------------------- */

/* glog.Fatalf("failed to create election: %v"): the process exits before
 * Run, so there is no OnStoppedLeading. */
static void boot_failed(le_elector *e, const le_response *r)
{
	emit_log(e, 0, true, LE_MSG_STARTUP_FAILED, response_detail(r), r->status);
	e->fatal = true;
	finish(e);
}

/* getCurrentLeader: the annotation's holder, "" when there is none. */
static const char *holder_of(const le_response *r, le_record *buf)
{
	take_record(buf, r);
	return buf->holder;
}

static void on_boot_response(le_elector *e, le_time now, const le_response *r)
{
	le_record rec;
	switch ((enum step)e->step) {
	case ST_BOOT_GET:
		if (is_2xx(r->status))
			send_request(e, now, ST_BOOT_LEADER_GET, LE_OP_GET, NULL);
		else if (r->status == 404)
			send_request(e, now, ST_BOOT_CREATE, LE_OP_CREATE, NULL);
		else
			boot_failed(e, r);
		return;
	case ST_BOOT_CREATE:
		/* errors.IsConflict: reason "Conflict" only, so a concurrent
		 * create (409 AlreadyExists) is fatal */
		if (is_2xx(r->status) ||
		    (r->status == 409 && r->reason && strcmp(r->reason, "Conflict") == 0))
			send_request(e, now, ST_BOOT_LEADER_GET, LE_OP_GET, NULL);
		else
			boot_failed(e, r);
		return;
	case ST_BOOT_LEADER_GET:
		if (!is_2xx(r->status)) {
			boot_failed(e, r);
			return;
		}
		emit_new_leader(e, holder_of(r, &rec));
		e->step = ST_NONE;
		acquire_begin(e, now);
		return;
	case ST_VIEW_GET:
		if (is_2xx(r->status)) {
			emit_new_leader(e, holder_of(r, &rec));
		} else { /* "empty string means leader is unknown" */
			emit_log(e, 0, true, LE_MSG_GET_LEADER_FAILED,
				 response_detail(r), r->status);
			emit_new_leader(e, "");
		}
		e->step = ST_NONE;
		run_exited(e, now);
		return;
	default:
		return;
	}
}

/* ---- the MultiLock's sequences (election-spec.md 3.3) -----------------
 * client-go resourcelock/multilock.go at v0.27.0 (the file was added by
 * ba49d2a18 in 1.17 and removed by 27bbe7653 in 1.28). Line numbers below
 * are that file's. The primary is the annotation lock (ConfigMap or
 * Endpoints), the secondary the Lease of the same namespace and name. */

static void ml_keep_primary(le_elector *e, const le_response *r)
{
	if (r->resource_version)
		copy_str(e->resource_version, LE_RV_MAX, r->resource_version);
	e->cache_empty = false;
}

static void ml_keep_secondary(ml_state *m, const le_response *r)
{
	if (r->resource_version)
		copy_str(m->sec_rv, LE_RV_MAX, r->resource_version);
	m->sec_cache = ML_CACHE_OBJECT;
}

/* The primary's Get answer, kept until the secondary's comes. */
static void ml_save_primary(ml_state *m, const le_response *r)
{
	take_record(&m->prim, r);
	m->prim_present = r->record_present;
	copy_str(m->prim_rv, LE_RV_MAX, r->resource_version);
	m->prim_has_raw = r->raw != NULL;
	m->prim_len = r->raw ? r->raw_len : 0;
	m->prim_hash = r->raw ? fnv1a(r->raw, r->raw_len) : FNV_BASIS;
	memcpy(m->prim_head, r->raw ? r->raw : (const void *)"",
	       m->prim_len < RAW_KEEP ? m->prim_len : RAW_KEEP);
}

/* Build the joined answer: the primary's record (with `holder` if given),
 * its raw bytes, and with `sec` the secondary's raw joined with ","
 * (ConcatRawRecord, :102). */
static const le_response *ml_join(le_elector *e, const le_record *rec,
				  const void *prim_raw, size_t prim_len,
				  const le_response *sec)
{
	ml_state *m = e->ml;
	m->out = *rec;
	/* without the driver's raw bytes for both, records are compared */
	bool have_raw = m->prim_has_raw && (!sec || sec->raw);
	m->view.head = NULL;
	m->view.len = 0;
	m->view.hash = 0;
	if (have_raw) {
		const unsigned char *p = prim_raw ? prim_raw : m->prim_head;
		size_t pl = prim_raw ? prim_len : m->prim_len;
		uint64_t h = prim_raw ? fnv1a(prim_raw, prim_len) : m->prim_hash;
		size_t n = pl < RAW_KEEP ? pl : RAW_KEEP;
		memcpy(m->head, p, n);
		size_t len = pl;
		if (sec) {
			if (n < RAW_KEEP)
				m->head[n++] = ',';
			size_t rest = RAW_KEEP - n;
			size_t sl = sec->raw_len;
			memcpy(m->head + n, sec->raw, sl < rest ? sl : rest);
			h = fnv1a_more(fnv1a_more(h, ",", 1), sec->raw, sl);
			len = pl + 1 + sl;
		}
		m->view.head = m->head;
		m->view.len = len;
		m->view.hash = len > RAW_KEEP ? h : 0;
	}
	memset(&m->resp, 0, sizeof m->resp);
	m->resp.id = e->inflight_id;
	m->resp.status = 200;
	m->resp.record = &m->out;
	m->resp.record_present = true;
	m->resp.resource_version = m->prim_rv;
	m->resp.raw = m->view.head;
	m->resp.raw_len = m->view.len;
	m->joined = true;
	return &m->resp;
}

/* The error a client-go lock returns without sending anything. */
static void ml_local_error(le_elector *e, const char *msg)
{
	ml_state *m = e->ml;
	memset(&m->resp, 0, sizeof m->resp);
	m->resp.id = e->inflight_id;
	m->resp.status = 0;
	m->resp.message = msg;
	m->joined = true;
	m->view.head = NULL;
}

static bool is_already_exists(const le_response *r)
{
	return r->status == 409 && r->reason &&
	       strcmp(r->reason, "AlreadyExists") == 0;
}

/* The next request of the sequence, to the secondary (the Lease). */
static void ml_send_secondary(le_elector *e, le_time now, le_op op,
			      enum ml_stage stage)
{
	ml_state *m = e->ml;
	m->stage = stage;
	send_one(e, now, e->step, op, op == LE_OP_GET ? NULL : &m->write,
		 LE_LOCK_LEASES, m->sec_rv, false);
}

/* A response to the MultiLock call in flight. Returns false when the call
 * goes on (its next request is out), true when it has ended: dispatch then
 * takes e->ml->resp if `joined`, else r itself, as the call's answer. */
static bool ml_response(le_elector *e, le_time now, const le_response *r)
{
	ml_state *m = e->ml;
	m->joined = false;
	char strict_err[160];
	switch (m->stage) {
	case ML_GET_PRIMARY:
		/* :39-42: the primary's error (NotFound included) is the Get's;
		 * so is a record Go cannot decode (configmaplock.go Get keeps
		 * the object, then fails) */
		if (!is_2xx(r->status))
			return true;
		ml_keep_primary(e, r);
		if (strict_rejects(e, r, strict_err, sizeof strict_err))
			return true;
		ml_save_primary(m, r);
		ml_send_secondary(e, now, LE_OP_GET, ML_GET_SECONDARY);
		return false;
	case ML_GET_SECONDARY:
		if (r->status == 404) {
			/* :46-49: no Lease yet and the primary's holder is
			 * someone else ("held by old client"): the primary alone;
			 * held by me: NotFound, so the elector creates (both) */
			if (holds(e, &m->prim))
				return true;
			ml_join(e, &m->prim, NULL, 0, NULL);
			m->resp.record_present = m->prim_present;
			return true;
		}
		if (!is_2xx(r->status))
			return true; /* :50 */
		ml_keep_secondary(m, r);
		le_record sec;
		take_record(&sec, r);
		if (strcmp(m->prim.holder, sec.holder) == 0 &&
		    m->prim.holder_truncated == sec.holder_truncated &&
		    (!sec.holder_truncated || m->prim.holder_hash == sec.holder_hash)) {
			ml_join(e, &m->prim, NULL, 0, r); /* :60 */
			m->resp.record_present = m->prim_present;
			return true;
		}
		/* :53-59: the holders differ: the holder reads UnknownLeader
		 * and the primary's raw is json.Marshal of that record */
		le_record unk = m->prim;
		copy_str(unk.holder, LE_ID_MAX, LE_UNKNOWN_LEADER);
		unk.holder_set = true;
		unk.holder_truncated = false;
		unk.holder_hash = 0;
		le_record go = unk;
		go.dialect = 0;
		int n = le_record_encode_annotation(&go, m->enc, sizeof m->enc);
		if (n < 0)
			n = (int)le_record_key(&go, m->enc, sizeof m->enc);
		ml_join(e, &unk, m->enc, (size_t)n, r);
		return true;
	case ML_CREATE_PRIMARY:
		/* :65-68: AlreadyExists is not an error here; configMapLock's
		 * cm becomes the empty object the typed client returns */
		own_write_answered(e, r->status);
		if (is_2xx(r->status)) {
			ml_keep_primary(e, r);
		} else {
			e->resource_version[0] = '\0';
			e->cache_empty = true;
			if (!is_already_exists(r))
				return true;
		}
		ml_send_secondary(e, now, LE_OP_CREATE, ML_CREATE_SECONDARY);
		return false;
	case ML_CREATE_SECONDARY: /* :69 */
	case ML_UPDATE_SEC_CREATE: /* :80 */
		if (is_2xx(r->status)) {
			ml_keep_secondary(m, r);
		} else {
			m->sec_rv[0] = '\0';
			m->sec_cache = ML_CACHE_EMPTY;
		}
		return true;
	case ML_UPDATE_PRIMARY:
		/* :74-77: an error of the primary's Update ends it; its cached
		 * object stays (configMapLock.Update) */
		own_write_answered(e, r->status);
		if (!is_2xx(r->status))
			return true;
		ml_keep_primary(e, r);
		ml_send_secondary(e, now, LE_OP_GET, ML_UPDATE_SEC_GET);
		return false;
	case ML_UPDATE_SEC_GET:
		/* :78-82: NotFound creates the Lease; any other outcome goes on
		 * to Update it, with whatever LeaseLock has cached */
		if (r->status == 404) {
			ml_send_secondary(e, now, LE_OP_CREATE, ML_UPDATE_SEC_CREATE);
			return false;
		}
		if (is_2xx(r->status))
			ml_keep_secondary(m, r);
		if (m->sec_cache == ML_CACHE_NIL) { /* leaselock.go Update */
			ml_local_error(e, "lease not initialized, call get or create first");
			return true;
		}
		if (m->sec_cache == ML_CACHE_EMPTY) {
			ml_local_error(e, EMPTY_OBJECT_ERROR);
			return true;
		}
		ml_send_secondary(e, now, LE_OP_UPDATE, ML_UPDATE_SECONDARY);
		return false;
	case ML_UPDATE_SECONDARY:
		if (is_2xx(r->status))
			ml_keep_secondary(m, r);
		return true;
	}
	return true;
}

/* ---- dispatch ------------------------------------------------------------ */

/* The request in flight ended with r (a real response, or a synthesized
 * status-0 one after a client timeout). */
static bool ml_response(le_elector *e, le_time now, const le_response *r);

static void dispatch(le_elector *e, le_time now, const le_response *r,
		     uint64_t rnd)
{
	/* A MultiLock call goes on with its next request, or ends with the
	 * answer client-go's MultiLock would return. */
	if (e->ml && ml_lock_step(e->step)) {
		if (!ml_response(e, now, r))
			return;
		if (e->ml->joined)
			r = &e->ml->resp;
	}
	bool not_found_ok = (e->step == ST_GET || e->step == ST_BOOT_GET) &&
			    r->status == 404;
	if (!is_2xx(r->status) && !not_found_ok)
		bump(&e->stats.errors);
	if (is_own_write_step(e->step) && !e->ml) /* ml: the primary's answer */
		own_write_answered(e, r->status);

	switch ((enum step)e->step) {
	case ST_FAST_UPDATE:
		if (is_2xx(r->status)) {
			on_written(e, now, r, rnd);
			return;
		}
		fast_path_failed(e, response_detail(r), r->status);
		send_request(e, now, ST_GET, LE_OP_GET, NULL);
		return;
	case ST_GET:
		on_get(e, now, r, rnd);
		return;
	case ST_CREATE:
	case ST_UPDATE:
		if (is_2xx(r->status)) {
			on_written(e, now, r, rnd);
			return;
		}
		emit_log(e, 0, true,
			 e->step == ST_CREATE ? LE_MSG_CREATE_ERROR
					      : LE_MSG_UPDATE_ERROR,
			 response_detail(r), r->status);
		if (e->step == ST_CREATE && !e->ml) {
			/* ll.lease, err = Create(...): the typed client returns
			 * an empty object with the error (2.4 step 2) */
			e->resource_version[0] = '\0';
			e->cache_empty = true;
		}
		try_end(e, now, false, rnd);
		return;
	case ST_REL_GET:
	case ST_REL_UPDATE:
		on_release_response(e, now, r);
		return;
	case ST_BOOT_GET:
	case ST_BOOT_CREATE:
	case ST_BOOT_LEADER_GET:
	case ST_VIEW_GET:
		on_boot_response(e, now, r);
		return;
	case ST_NONE: /* cannot happen: a request in flight has a step */
		return;
	}
}

/* The renew pass's deadline, as far as it can act now: it aborts the
 * request in flight (HEAD), or waits for it to end (the old Poll), and a
 * poll it has closed already has nothing more to say. */
static bool renew_deadline_armed(const le_elector *e)
{
	return e->phase == PH_RENEW && e->in_pass && !e->pass_closed &&
	       (e->profile->renew_deadline_aborts_request || !e->inflight);
}

static void renew_deadline_fired(le_elector *e, le_time now, uint64_t rnd)
{
	if (e->inflight) {
		abort_inflight(e, "context deadline exceeded");
		bump(&e->stats.errors);
	}
	e->step = ST_NONE;
	if (e->profile->renew_poll_waitfor && !e->profile->renew_deadline_aborts_request) {
		/* The poller closes its channel and WaitFor runs the condition
		 * once more. A tick due at the same instant races the close in
		 * Go's select: if it wins, it is an attempt of its own and the
		 * closed channel gives one more after it. */
		bool tick_wins = e->wake_ns == e->pass_deadline_ns && (rnd & 1);
		e->pass_closed = true;
		e->final_attempt = !tick_wins;
		e->wake_ns = NO_TIME;
		try_begin(e, now);
		return;
	}
	pass_failed(e, now, PASS_DEADLINE);
}

/* Fire every timer due at or before limit_ns, in a fixed order: the renew
 * deadline, the release deadline, the request timeout, then the loop's
 * wake-up. Each branch clears what it fired, so the loop ends. */
static void service(le_elector *e, le_time now, int64_t limit_ns, uint64_t rnd)
{
	/* A time that saturated at the end of time (NO_TIME) never falls due,
	 * not even when the clock itself reads INT64_MAX. */
	if (limit_ns == NO_TIME)
		limit_ns = NO_TIME - 1;
	for (;;) {
		if (renew_deadline_armed(e) && e->pass_deadline_ns <= limit_ns) {
			renew_deadline_fired(e, now, rnd);
			continue;
		}
		if (e->phase == PH_RELEASE && e->release_deadline_ns <= limit_ns) {
			if (e->inflight) {
				abort_inflight(e, "context deadline exceeded");
				bump(&e->stats.errors);
			}
			emit_log(e, 0, true, LE_MSG_RELEASE_FAILED,
				 "context deadline exceeded", 0);
			release_end(e, now);
			continue;
		}
		if (e->inflight && e->request_deadline_ns <= limit_ns) {
			le_response timeout = {
				.id = e->inflight_id,
				.status = 0,
				.message = "Client.Timeout exceeded while awaiting headers",
			};
			abort_inflight(e, timeout.message);
			dispatch(e, now, &timeout, rnd);
			continue;
		}
		if (!e->inflight && e->wake_ns <= limit_ns) {
			e->wake_ns = NO_TIME;
			if (e->phase == PH_RENEW && !e->in_pass)
				pass_begin(e, now);
			else if (e->phase == PH_ACQUIRE || e->phase == PH_RENEW)
				try_begin(e, now);
			continue;
		}
		return;
	}
}

/* ---- public API ---------------------------------------------------------- */

static le_elector *new_fail(char *err, size_t errcap, const char *what)
{
	if (err && errcap)
		copy_str(err, errcap, what);
	return NULL;
}

/* The allocation: the struct, then (own copy) the configuration, then the
 * strings kept, each NUL-terminated and as long as it is (validation
 * bounds them by LE_ID_MAX-1 and LE_NAME_MAX-1 bytes): the identity, and
 * for an own copy the lock namespace, the lock name and the name. */
static le_elector *elector_new(const le_config *c, const char *identity,
			       bool share, char *err, size_t errcap)
{
	const char *src[4] = {identity, c->lock_namespace, c->lock_name, c->name};
	const size_t cap[4] = {LE_ID_MAX, LE_NAME_MAX, LE_NAME_MAX, LE_NAME_MAX};
	int nstr = share ? 1 : 4;
	size_t len[4], total = 0;
	for (int i = 0; i < nstr; i++) {
		len[i] = src[i] ? strnlen(src[i], cap[i] - 1) : 0;
		total += len[i] + 1;
	}
	/* sizeof *e is a multiple of its alignment, which is le_config's */
	size_t own = share ? 0 : sizeof(le_config);
	le_elector *e = calloc(1, sizeof *e + own + total);
	if (!e)
		return new_fail(err, errcap, "le_elector_new: out of memory");
	e->strings_len = (unsigned)(own + total); /* at most 4 names' caps */
	e->profile = c->profile ? c->profile : &le_profile_client_go;
	char *at = (char *)(e + 1) + own;
	const char *copy[4];
	for (int i = 0; i < nstr; i++) {
		copy_str(at, len[i] + 1, src[i]);
		copy[i] = at;
		at += len[i] + 1;
	}
	e->identity = copy[0];
	if (share) {
		e->cfg = c;
	} else {
		le_config *mine = (le_config *)(void *)(e + 1);
		*mine = *c;
		mine->identity = copy[0];
		mine->lock_namespace = copy[1];
		mine->lock_name = copy[2];
		mine->name = copy[3];
		mine->profile = e->profile;
		e->cfg = mine;
	}

	int64_t ld_s = c->lease_duration_ns / LE_NS_PER_S;
	e->lease_duration_s = ld_s > INT32_MAX ? INT32_MAX : (int32_t)ld_s;
	if (c->request_timeout_ns > 0)
		e->request_timeout_ns = c->request_timeout_ns;
	else if (c->request_timeout_ns == 0 && e->profile->default_request_timeout &&
		 c->lock_build == LE_LOCK_BUILT_FROM_KUBECONFIG)
		/* NewFromKubeconfig: max(1 s, RD/2) */
		e->request_timeout_ns = c->renew_deadline_ns / 2 > LE_NS_PER_S
						? c->renew_deadline_ns / 2
						: LE_NS_PER_S;
	else
		e->request_timeout_ns = 0;

	if (le_lock_kind_is_multi(c->lock_kind)) {
		e->ml = calloc(1, sizeof *e->ml);
		if (!e->ml) {
			free(e);
			return new_fail(err, errcap, "le_elector_new: out of memory");
		}
		e->ml->primary = le_lock_kind_primary(c->lock_kind);
		e->ml->sec_cache = ML_CACHE_NIL;
	}
	e->phase = PH_IDLE;
	e->next_id = 1;
	e->raw_hash = 0;
	e->request_deadline_ns = NO_TIME;
	e->wake_ns = NO_TIME;
	e->release_deadline_ns = NO_TIME;
	return e;
}

le_elector *le_elector_new(const le_config *c, char *err, size_t errcap)
{
	if (le_config_validate(c, err, errcap) != LE_OK)
		return NULL;
	return elector_new(c, c->identity, false, err, errcap);
}

le_elector *le_elector_new_shared(const le_config *c, const char *identity,
				  char *err, size_t errcap)
{
	if (!c)
		return new_fail(err, errcap, "le_elector_new_shared: no configuration");
	/* readers of le_elector_config (the log texts) take its profile as
	 * the elector's, and a shared configuration cannot be filled in */
	if (!c->profile)
		return new_fail(err, errcap,
				"le_elector_new_shared: the configuration has no profile "
				"(le_config_defaults sets client-go's)");
	le_config v = *c;
	v.identity = identity;
	if (le_config_validate(&v, err, errcap) != LE_OK)
		return NULL;
	return elector_new(c, identity, true, err, errcap);
}

void le_elector_free(le_elector *e)
{
	if (e) {
		free(e->ml);
		free(e->io);
		free(e->cand.strategy);
		obs_free(&e->observed);
		kept_free(&e->reported_leader);
		free(e->raw_heap);
		free(e->uncertain_heap);
	}
	free(e);
}

/* Every input starts here. Outputs not drained before it stay queued; it is
 * refused while the ring could not take a whole input's worth. A response
 * is only believed for a request whose SEND the driver could have seen, so
 * only ids issued before this input count. */
static int input_begin(le_elector *e)
{
	if (e->ring_count > RING_CAP - INPUT_OUTPUTS_MAX)
		return LE_ESTATE;
	if (!e->io) {
		/* given back by le_elector_outputs_done */
		if (e->io_spare && *e->io_spare) {
			e->io = *e->io_spare;
			*e->io_spare = NULL;
		} else {
			e->io = malloc(sizeof *e->io);
		}
		if (!e->io)
			return LE_ENOMEM;
		e->text_used = 0;
	}
	/* The texts still pending start at the first pending slot that has
	 * one (texts are in slot order); those before it were drained by the
	 * last input's driver and are free now. */
	unsigned live = e->text_used;
	for (unsigned i = 0; i < e->ring_count; i++) {
		const out_slot *s = &e->io->ring[(e->ring_head + i) % RING_CAP];
		if (s->flags & SLOT_HAS_TEXT) {
			live = s->text_off;
			break;
		}
	}
	if (e->text_used - live > TEXT_CAP - INPUT_TEXT_MAX)
		return LE_ESTATE;
	if (live > 0) {
		memmove(e->io->text, e->io->text + live, e->text_used - live);
		e->text_used -= live;
		for (unsigned i = 0; i < e->ring_count; i++) {
			out_slot *s = &e->io->ring[(e->ring_head + i) % RING_CAP];
			if (s->flags & SLOT_HAS_TEXT)
				s->text_off = (uint16_t)(s->text_off - live);
		}
	}
	e->sends_this_input = 0;
	e->input_first_id = e->next_id;
	return LE_OK;
}

/* Every input ends here: with no output pending nothing points into io
 * any more (the outputs drained before this input are no longer valid,
 * and a write in flight keeps its record outside, inflight_record), so it
 * goes. */
void le_elector_outputs_done(le_elector *e)
{
	if (e && e->ring_count == 0) {
		if (e->io_spare && !*e->io_spare && e->io)
			*e->io_spare = e->io;
		else
			free(e->io);
		e->io = NULL;
		e->cand_viewed = false;
	}
}

void le_elector_set_io_spare(le_elector *e, void **slot)
{
	if (e)
		e->io_spare = slot;
}

size_t le_elector_memory(const le_elector *e)
{
	if (!e)
		return 0;
	size_t n = sizeof *e + e->strings_len;
	if (e->io)
		n += sizeof *e->io;
	if (e->ml)
		n += sizeof *e->ml;
	if (e->raw_heap)
		n += RAW_KEEP;
	if (e->uncertain_heap)
		n += OWN_WRITES_MAX * sizeof *e->uncertain_heap;
	/* the kept strings too long for their inline room */
	const char *heaps[] = {
		kept_heap(&e->observed.holder), e->observed.strategy,
		e->observed.preferred_holder, kept_heap(&e->reported_leader),
		e->cand.strategy,
	};
	for (size_t i = 0; i < sizeof heaps / sizeof heaps[0]; i++)
		if (heaps[i])
			n += strlen(heaps[i]) + 1;
	return n;
}

int le_elector_start(le_elector *e, le_time now, uint64_t rnd)
{
	if (!e)
		return LE_EINVAL;
	if (e->phase != PH_IDLE)
		return LE_ESTATE;
	int rc = input_begin(e);
	if (rc != LE_OK)
		return rc;
	if (e->profile->contrib_election_main) {
		e->phase = PH_BOOT;
		send_request(e, now, ST_BOOT_GET, LE_OP_GET, NULL);
	} else {
		acquire_begin(e, now);
	}
	service(e, now, now.mono_ns, rnd);
	return LE_OK;
}

int le_elector_on_timer(le_elector *e, le_time now, uint64_t rnd)
{
	if (!e)
		return LE_EINVAL;
	if (e->phase == PH_IDLE || e->phase == PH_DONE)
		return LE_OK;
	int rc = input_begin(e);
	if (rc != LE_OK)
		return rc;
	service(e, now, now.mono_ns, rnd);
	return LE_OK;
}

int le_elector_on_response(le_elector *e, le_time now, const le_response *r,
			   uint64_t rnd)
{
	if (!e || !r)
		return LE_EINVAL;
	if (e->phase == PH_IDLE || e->phase == PH_DONE)
		return LE_OK;
	int rc = input_begin(e);
	if (rc != LE_OK)
		return rc;
	/* What fell due before this instant happened first: a response that
	 * arrives after its deadline (a late driver) is for an aborted
	 * request. At the same instant the response wins. */
	service(e, now, sub_sat(now.mono_ns, 1), rnd);
	if (e->inflight && r->id == e->inflight_id && r->id < e->input_first_id) {
		e->inflight = false;
		e->request_deadline_ns = NO_TIME;
		dispatch(e, now, r, rnd);
	}
	service(e, now, now.mono_ns, rnd);
	return LE_OK;
}

static void cancel_input(le_elector *e, le_time now, uint64_t rnd)
{
	if (e->phase == PH_IDLE) {
		/* Cancelled before the first attempt: Run still defers
		 * OnStoppedLeading, acquire logs and its JitterUntil sees the
		 * closed context before any attempt (2.1). The 0.5 program
		 * would exit before Run: nothing to report there. */
		e->cancelled = true;
		if (!e->profile->contrib_election_main) {
			emit_log(e, 0, false, LE_MSG_ATTEMPTING_ACQUIRE, NULL, 0);
			push(e, LE_OUT_STOPPED_LEADING);
		}
		finish(e);
		return;
	}
	service(e, now, sub_sat(now.mono_ns, 1), rnd);
	if (e->cancelled || e->phase == PH_DONE)
		return;
	e->cancelled = true;
	switch (e->phase) {
	case PH_BOOT: /* before Run: the program just ends */
		abort_inflight(e, "context canceled");
		finish(e);
		break;
	case PH_ACQUIRE: {
		/* An attempt in flight fails with the context's error; acquire
		 * still reports what it saw and logs the failure (2.2). */
		bool attempting = e->inflight;
		abort_inflight(e, "context canceled");
		e->step = ST_NONE;
		e->wake_ns = NO_TIME;
		if (attempting) {
			report_transition(e);
			emit_log(e, 4, false, LE_MSG_FAILED_ACQUIRE, NULL, 0);
		}
		stop_leading(e, now);
		break;
	}
	case PH_RENEW:
		if (e->in_pass) { /* the poll returns ctx.Err() */
			abort_inflight(e, "context canceled");
			e->step = ST_NONE;
			pass_failed(e, now, PASS_CANCELLED);
		} else { /* between passes wait.Until just stops */
			renew_end(e, now);
		}
		break;
	case PH_VIEW: /* after OnStoppedLeading's GET Run would only return */
		abort_inflight(e, "context canceled");
		finish(e);
		break;
	case PH_RELEASE:
		/* release runs on its own context (Background + RD): it goes on,
		 * and Run ends after it instead of re-running */
		break;
	case PH_IDLE:
	case PH_DONE:
		break;
	}
	service(e, now, now.mono_ns, rnd);
}

int le_elector_cancel(le_elector *e, le_time now, uint64_t rnd)
{
	if (!e)
		return LE_EINVAL;
	if (e->phase == PH_DONE)
		return LE_ESTATE;
	int rc = input_begin(e);
	if (rc != LE_OK)
		return rc;
	cancel_input(e, now, rnd);
	return LE_OK;
}

int64_t le_elector_next_deadline(const le_elector *e)
{
	if (!e || e->phase == PH_IDLE || e->phase == PH_DONE)
		return NO_TIME;
	int64_t t = min64(e->wake_ns, e->request_deadline_ns);
	if (renew_deadline_armed(e))
		t = min64(t, e->pass_deadline_ns);
	if (e->phase == PH_RELEASE)
		t = min64(t, e->release_deadline_ns);
	return t;
}

bool le_elector_next_output(le_elector *e, le_output *out)
{
	if (!e || !out || e->ring_count == 0)
		return false;
	const out_slot *s = &e->io->ring[e->ring_head];
	const char *text = s->flags & SLOT_HAS_TEXT ? e->io->text + s->text_off : NULL;
	memset(out, 0, sizeof *out);
	out->kind = (le_output_kind)s->kind;
	switch (out->kind) {
	case LE_OUT_SEND:
		out->u.request = s->u.request;
		break;
	case LE_OUT_ABORT:
		out->u.request_id = s->u.request_id;
		break;
	case LE_OUT_NEW_LEADER:
		out->u.identity = text;
		break;
	case LE_OUT_STOPPED_LEADING:
		out->u.was_leader = (s->flags & SLOT_WAS_LEADER) != 0;
		break;
	case LE_OUT_LOG:
		out->u.log.verbosity = s->verbosity;
		out->u.log.is_error = (s->flags & SLOT_IS_ERROR) != 0;
		out->u.log.msg = (le_msg)s->msg;
		out->u.log.arg = text;
		out->u.log.status = s->status;
		break;
	case LE_OUT_STARTED_LEADING:
	case LE_OUT_DONE:
		break;
	}
	e->ring_head = (e->ring_head + 1) % RING_CAP;
	e->ring_count--;
	return true;
}

bool le_elector_is_leader(const le_elector *e) { return e && is_leader(e); }

const char *le_elector_leader(const le_elector *e)
{
	return e ? kept(&e->observed.holder) : "";
}

const char *le_elector_reported_leader(const le_elector *e)
{
	return e ? kept(&e->reported_leader) : "";
}

bool le_elector_observed_record(const le_elector *e, le_record *out)
{
	if (!e || !out)
		return false;
	obs_record(&e->observed, out);
	return true;
}

const le_config *le_elector_config(const le_elector *e) { return e ? e->cfg : NULL; }

const char *le_elector_identity(const le_elector *e) { return e ? e->identity : NULL; }

bool le_elector_done(const le_elector *e) { return e && e->phase == PH_DONE; }

bool le_elector_fatal(const le_elector *e) { return e && e->fatal; }

bool le_elector_leading(const le_elector *e) { return e && e->leading; }

bool le_elector_master_status(const le_elector *e) { return e && e->master_on; }

int le_elector_check(const le_elector *e, int64_t mono_now_ns,
		     int64_t tolerance_ns, char *err, size_t errcap)
{
	if (!e || !is_leader(e))
		return LE_OK;
	int64_t limit = add_sat(e->cfg->lease_duration_ns, tolerance_ns);
	if (sub_sat(mono_now_ns, e->observed_mono_ns) <= limit)
		return LE_OK;
	if (err && errcap)
		snprintf(err, errcap,
			 "failed election to renew leadership on lease %s",
			 e->cfg->name ? e->cfg->name : "");
	return LE_ETIMEDOUT;
}

void le_elector_stats(const le_elector *e, le_stats *out)
{
	if (!out)
		return;
	if (!e) {
		memset(out, 0, sizeof *out);
		return;
	}
	const elector_stats *c = &e->stats;
	*out = (le_stats){
		.attempts = c->attempts,
		.requests = c->requests,
		.aborted = c->aborted,
		.slowpath = c->slowpath,
		.acquisitions = c->acquisitions,
		.losses = c->losses,
		.renew_failures = c->renew_failures,
		.errors = c->errors,
		.duplicate_identity = c->duplicate_identity,
		.master_status = e->master_on ? 1 : 0,
	};
}

/* ---- state hash (bin/sim prove) ---------------------------------------
 * Every field that affects what the core does next, with its times taken
 * relative to `now` (two cores in the same state at different instants
 * hash equal), and nothing that only reports: stats, the log ring's texts.
 * Strings are hashed up to their terminator, never the bytes after it. */

static uint64_t h_u64(uint64_t h, uint64_t v)
{
	return fnv1a_more(h, &v, sizeof v);
}

static uint64_t h_str(uint64_t h, const char *s)
{
	return fnv1a_more(h, s, strlen(s) + 1);
}

/* 0 is "never set" (no clock of a real host reads 0; the simulator's
 * boot at 1000 s keeps it so), NO_TIME "none" */
static uint64_t h_rel(uint64_t h, int64_t t, int64_t now)
{
	if (t == 0 || t == NO_TIME)
		return h_u64(h, t == 0 ? 0 : UINT64_MAX);
	return h_u64(h, (uint64_t)sub_sat(t, now));
}

uint64_t le_record_state_hash(uint64_t h, const le_record *r, int64_t wall_now)
{
	h = h_str(h, r->holder);
	h = h_u64(h, (uint64_t)r->holder_set << 3 |
			 (uint64_t)r->has_acquire_time << 2 |
			 (uint64_t)r->has_renew_time << 1 |
			 r->holder_truncated);
	h = h_u64(h, (uint64_t)(uint32_t)r->lease_duration_s << 32 |
			 (uint32_t)r->transitions);
	/* record times are wall times another client judges by */
	h = h_rel(h, r->has_acquire_time ? r->acquire_wall_ns : 0,
		  r->has_acquire_time ? wall_now : 0);
	h = h_rel(h, r->has_renew_time ? r->renew_wall_ns : 0,
		  r->has_renew_time ? wall_now : 0);
	h = h_str(h_str(h, r->strategy), r->preferred_holder);
	return h_u64(h_u64(h, r->holder_hash), r->dialect);
}

bool le_elector_expiry_mono(const le_elector *e, le_time now, int64_t *mono_ns)
{
	if (!e || !e->has_observed_time)
		return false;
	int64_t dur_ns = (int64_t)e->observed.lease_duration_s * LE_NS_PER_S;
	int64_t at = add_sat(e->observed_clock_ns, dur_ns);
	*mono_ns = e->profile->observed_time_uses_wall_clock ? add_sat(now.mono_ns, at - now.wall_ns)
							  : at;
	return true;
}

bool le_elector_draw_after(const le_elector *e, int64_t now_mono_ns, int64_t at_mono_ns,
			   uint64_t *draw)
{
	int64_t rp = e->cfg->retry_period_ns;
	int64_t j = at_mono_ns - now_mono_ns - rp; /* the jitter wanted */
	if (j < 0 || (double)j >= 1.2 * (double)rp)
		return false;
	/* aim half a microsecond past it, so the float rounding of the
	 * fraction (far below a nanosecond) keeps it in [j, j + 1 us] */
	double u = (double)(j + 500) / (1.2 * (double)rp) * 0x1p53;
	if (u >= 0x1p53)
		return false;
	uint64_t d = (uint64_t)u << 11;
	int64_t w = acquire_wait_ns(e, d);
	if (w < j + rp || w > j + rp + 1000)
		return false;
	*draw = d;
	return true;
}

uint64_t le_elector_draws_used(const le_elector *e)
{
	return e ? e->draws_used : 0;
}

uint64_t le_elector_state_hash(const le_elector *e, le_time now)
{
	if (!e)
		return 0;
	int64_t m = now.mono_ns, oc = expiry_clock(e, now);
	uint64_t h = FNV_BASIS;
	h = h_u64(h, (uint64_t)e->phase << 8 | (uint64_t)e->step);
	h = h_u64(h, (uint64_t)e->cancelled << 6 | (uint64_t)e->leading << 5 |
			 (uint64_t)e->fatal << 4 |
			 (uint64_t)e->has_observed_time << 3 |
			 (uint64_t)e->cache_empty << 2 |
			 (uint64_t)e->master_on << 1 | e->inflight);
	le_record rec;
	obs_record(&e->observed, &rec);
	h = le_record_state_hash(h, &rec, now.wall_ns);
	h = h_rel(h, e->observed_clock_ns, e->has_observed_time ? oc : 0);
	h = h_rel(h, e->observed_mono_ns, e->has_observed_time ? m : 0);
	h = h_u64(h_u64(h, e->raw_len), e->raw_hash);
	h = fnv1a_more(h, raw_bytes(e),
		       e->raw_len < RAW_KEEP ? e->raw_len : RAW_KEEP);
	h = h_str(h_str(h, kept(&e->reported_leader)), e->resource_version);
	h = h_u64(h, (uint64_t)e->has_own_key << 1 | e->has_flagged_key);
	/* the own-write keys are renewTimes at the lock's precision */
	int64_t k = renew_key(e, now.wall_ns);
	h = h_u64(h, e->has_own_key ? (uint64_t)(e->own_key - k) : 0);
	h = h_u64(h, e->has_flagged_key ? (uint64_t)(e->flagged_key - k) : 0);
	h = h_u64(h, e->nuncertain);
	for (unsigned i = 0; i < e->nuncertain && i < OWN_WRITES_MAX; i++)
		h = h_u64(h, (uint64_t)(own_keys(e)[i] - k));
	h = h_rel(h, e->attempt_now.mono_ns, m);
	h = h_rel(h, e->attempt_now.wall_ns, now.wall_ns);
	cand_record(e, &rec);
	h = le_record_state_hash(h, &rec, now.wall_ns);
	/* ids relative to the next one: the count of requests sent before
	 * does not change what follows */
	h = h_u64(h, e->next_id - e->inflight_id);
	h = h_u64(h, e->next_id - e->input_first_id);
	h = h_rel(h, e->request_deadline_ns, m);
	if (e->ml) {
		const ml_state *ml = e->ml;
		h = h_u64(h,
			  (uint64_t)ml->stage << 8 | (uint64_t)ml->sec_cache);
		h = le_record_state_hash(h, &ml->write, now.wall_ns);
		h = h_str(h, ml->sec_rv);
		h = le_record_state_hash(h, &ml->prim, now.wall_ns);
		h = h_str(h_u64(h, ml->prim_present), ml->prim_rv);
		h = h_u64(h_u64(h, ml->prim_len), ml->prim_hash);
	}
	h = h_rel(h, e->wake_ns, m);
	h = h_u64(h, (uint64_t)e->in_pass << 2 | (uint64_t)e->pass_closed << 1 |
			 e->final_attempt);
	h = h_rel(h, e->pass_start_ns, m);
	h = h_rel(h, e->pass_deadline_ns, m);
	h = h_rel(h, e->release_deadline_ns, m);
	h = h_u64(h, e->ring_count);
	return h_u64(h, e->draws_used);
}
