/* sim/sim_engine.h — private to the simulator engine (world, heap, clocks,
 * PRNG streams, history appends, network legs). Not a public contract: the
 * scenario parser, the checker and bin/sim use include/leaselab/sim.h.
 * Unit tests of the engine include it by relative path. */
#ifndef LEASELAB_SIM_ENGINE_H
#define LEASELAB_SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/sim.h"

/* True time 0 is this wall time: 2026-01-01T00:00:00Z. */
#define SIM_WALL_EPOCH_NS (INT64_C(1767225600) * LE_NS_PER_S)
/* Every node booted 1000 s before the run: its monotonic clock reads this
 * at true time 0 (a core only ever uses differences of mono readings). */
#define SIM_MONO_BASE_NS (INT64_C(1000) * LE_NS_PER_S)

/* ---- the event queue: a 4-ary min-heap ordered by (time, sequence) -------
 * The sequence number is assigned at push time, so events due at the same
 * instant come out in the order they were scheduled (as libuv's timers). */
typedef struct sim_heap_ev {
	int64_t t_ns;
	uint64_t seq;
	uint32_t kind;
	uint32_t node;
	uint64_t arg;
} sim_heap_ev;

/* Waiting events of the calendar, eight to a 256-byte chunk: a bucket is
 * a list of chunks, only its first one partly filled (the count is the
 * bucket's, so an append stores into the chunk without reading it). The
 * links are a separate array (pool_next), so a chunk is events only: seven
 * events with a link and padding in the same 256 bytes made the pool
 * 1.19 MB at 10,000 candidates, these 1.04 MB. */
#define SIM_WAIT_CHUNK 8
typedef struct sim_wait {
	sim_heap_ev ev[SIM_WAIT_CHUNK];
} sim_wait;
#define SIM_WAIT_END UINT32_MAX

typedef struct sim_bucket {
	uint32_t head; /* its first chunk, SIM_WAIT_END when empty */
	uint32_t n;    /* events in that chunk */
} sim_bucket;

typedef struct sim_heap {
	sim_heap_ev *v; /* the heap: every event due before `horizon` */
	size_t n, cap;
	uint64_t next_seq;
	/* The calendar (sim_heap_calendar; width 0 = off, everything in the
	 * heap): events due at or after `horizon` wait unordered in buckets of
	 * `width` ns, nb of them from horizon on (bucket `cur` first), and
	 * those further out in the heap `far`; each goes into the heap once,
	 * when time reaches its bucket. Pops see one order either way. A
	 * bucket is a list of chunks from one pool (`pool`, free ones from
	 * `free_head`), so the memory is that of the events waiting, not of
	 * each bucket's busiest moment, and a drain reads whole chunks. */
	int64_t width, horizon;
	size_t nb, cur, waiting; /* waiting: events in the buckets and far */
	sim_bucket *b;           /* [nb] */
	sim_wait *pool;
	uint32_t *pool_next; /* pool_next[c]: the chunk after c, SIM_WAIT_END at the end */
	uint32_t pool_n, pool_cap, free_head;
	struct sim_heap *far;
	/* The front: an event pushed when it was earlier than every pending
	 * one waits here, outside the heap, and the next pop takes it without
	 * a sift either way. Most of the simulator's pushes are such: a
	 * request's next leg, due microseconds ahead, while the timers are
	 * seconds ahead. With has_front, front is the least pending event. */
	sim_heap_ev front;
	bool has_front;
	bool flat; /* flattened: no front and no calendar from then on */
	bool oom; /* a move into the heap found no memory: peek and pop
		   * return nothing from then on; the caller fails the run */
} sim_heap;

int sim_heap_init(sim_heap *h, size_t cap);
void sim_heap_free(sim_heap *h);
/* Turn the calendar on (an empty queue only): for queues of many events
 * whose times spread over seconds, where a pop from one big heap is a
 * cache miss a level. LE_OK, LE_ENOMEM or LE_ESTATE (not empty). */
int sim_heap_calendar(sim_heap *h, int64_t width_ns, size_t nb);
/* Everything back into the heap, the calendar and the front off for good
 * (for code that reads h->v[0 .. n) as every pending event: the chooser's
 * state hash). */
int sim_heap_flatten(sim_heap *h);
/* Pending events: in the heap, the front, the calendar's buckets. */
size_t sim_heap_len(const sim_heap *h);
/* LE_OK or LE_ENOMEM (the heap is unchanged then). */
int sim_heap_push(sim_heap *h, int64_t t_ns, uint32_t kind, uint32_t node,
		  uint64_t arg);
/* Move the pending event (kind, node, arg) earlier, to t_ns, which must
 * be before its time now, with a fresh sequence number: as if it had been
 * pushed now, and the entry it was were gone. True when done; false when
 * the event is not where a search is cheap (the front, or a plain heap of
 * at most SIM_HEAP_SCAN events; never after sim_heap_flatten), and the
 * caller pushes instead. */
#define SIM_HEAP_SCAN 64
bool sim_heap_advance(sim_heap *h, uint32_t kind, uint32_t node, uint64_t arg,
		      int64_t t_ns);
/* Removes the least (t_ns, seq) into *out; false when empty. */
bool sim_heap_pop(sim_heap *h, sim_heap_ev *out);
/* The least event, not removed; NULL when empty. With the calendar on it
 * may move a bucket into the heap (the order is the same); NULL with
 * h->oom set when that found no memory. */
const sim_heap_ev *sim_heap_peek(sim_heap *h);
/* The whole heap order (every parent <= its children, seq below next_seq;
 * with the calendar, every waiting event in its bucket or beyond), in
 * O(n): for tests. push and pop check only the path they moved. */
bool sim_heap_check(const sim_heap *h);

/* ---- PRNG streams ----------------------------------------------------------
 * Every stream is an fa_rng (xoshiro256**) whose seed is a splitmix64 hash of
 * (run seed, stream kind, index), so streams are independent of each other
 * and of how many pods a scenario has. */
typedef enum sim_stream {
	SIM_STREAM_NODE = 1,       /* a spec pod's elector draws (index = spec) */
	SIM_STREAM_NET,            /* a spec pod's network legs (index = spec) */
	SIM_STREAM_NODE_REPL,      /* replacement pod k's elector draws */
	SIM_STREAM_NET_REPL,       /* replacement pod k's network legs */
	SIM_STREAM_FAULTS,         /* fault selection, replacement names */
	SIM_STREAM_STORE,          /* the store's uids */
	SIM_STREAM_CONTROLLER,     /* the election controller's request latencies */
} sim_stream;

uint64_t sim_stream_seed(uint64_t seed, sim_stream kind, uint64_t index);
void sim_rng_stream(fa_rng *r, uint64_t seed, sim_stream kind, uint64_t index);
/* Uniform integer in [0, n), n > 0: the store's fa_rng_below, under the
 * name the simulator's draws have always used. */
static inline uint64_t sim_rng_below(fa_rng *r, uint64_t n)
{
	return fa_rng_below(r, n);
}

/* ---- latency -------------------------------------------------------------- */
/* Draws come from fa_latency_draw (fake_apiserver.h), the sampler the store's
 * fault rules use too. */
/* Validate a latency spec; "what" names it in the error. */
int sim_latency_check(const fa_latency *l, const char *what, char *err,
		      size_t errcap);

/* ---- network legs ----------------------------------------------------------- */
/* A refused connection fails this long after the request was sent. */
#define SIM_REFUSED_NS LE_NS_PER_MS

typedef struct sim_leg {
	bool lost;          /* never arrives (black hole, loss) */
	bool refused;       /* the client sees a refused connection */
	int64_t delay_ns;   /* base latency + DELAY faults */
} sim_leg;

/* One leg of a request: base latency plus the scenario's network faults
 * active on the pod (active = indexes into sc->faults). */
struct sim_chooser;
/* ch (NULL: seeded draws) makes latency and loss draws choices
 * (sim/chooser.h). */
void sim_net_leg(const sim_scenario *sc, const int32_t *active, size_t nactive,
		 sim_direction leg, const fa_latency *base, fa_rng *r,
		 struct sim_chooser *ch, sim_leg *out);

/* ---- history text: enum names (sim/history.c), index = enum value,
 * NULL-terminated; shared by the writer and the reader. */
extern const char *const sim__direction_names[];
extern const char *const sim__partition_names[];
extern const char *const sim__latency_names[];
extern const char *const sim__lock_names[];

/* ---- test hooks ------------------------------------------------------------
 * Record every draw a pod's elector stream hands to its core (the first
 * `cap` of them) into buf; *n counts all draws. Call before sim_world_run;
 * one pod a world (a second call traces that pod instead). */
void sim_world_trace_draws(sim_world *w, int32_t pod, uint64_t *buf,
			   size_t cap, size_t *n);

#endif
