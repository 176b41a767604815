/* sim/wire.h — requests and records as the simulator keeps them in flight.
 *
 * An le_record is 888 bytes, most of them three fixed string arrays
 * (holder, strategy, preferredHolder) that hold a few bytes each. A request
 * in flight carries two (what it writes, what the store answered), and when
 * 10,000 candidates start together 10,000 requests are in flight at once.
 * sim_rec keeps the same record in 56 bytes, its strings interned once in
 * the world's sim_strtab; sim_rec_unpack gives back the le_record field for
 * field, each string through its NUL (le_record_copy's contract: nothing
 * reads past it, and not zeroing 888 bytes an unpack is most of its cost),
 * so the store, the core and the state hash see what they saw.
 */
#ifndef LEASELAB_SIM_WIRE_H
#define LEASELAB_SIM_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leaselab/elector.h"
#include "leaselab/record.h"

/* Interned strings: id 0 is "", every other id names one distinct string
 * (at most LE_STRATEGY_MAX - 1 bytes, the longest an le_record holds). */
typedef struct sim_strtab {
	const char **s;  /* s[id - 1], kept in `text` (sim/text.h) */
	struct sim_text *text;
	uint32_t n, cap;
	uint32_t *index; /* open addressing: id, 0 = empty */
	uint32_t index_cap;
	uint32_t last;   /* the id interned last: most records repeat it */
} sim_strtab;

void sim_strtab_free(sim_strtab *t);
/* The id of str (added if new); UINT32_MAX when out of memory. */
uint32_t sim_strtab_intern(sim_strtab *t, const char *str);
static inline const char *sim_strtab_str(const sim_strtab *t, uint32_t id)
{
	return id == 0 ? "" : t->s[id - 1];
}

typedef struct sim_rec {
	int64_t acquire_wall_ns, renew_wall_ns;
	uint64_t holder_hash;
	uint32_t holder, strategy, preferred; /* sim_strtab ids */
	int32_t lease_duration_s, transitions;
	uint32_t dialect;
	bool holder_set, has_acquire_time, has_renew_time, holder_truncated;
} sim_rec;

/* false when out of memory (*out is then unchanged) */
bool sim_rec_pack(sim_strtab *t, const le_record *r, sim_rec *out);
void sim_rec_unpack(const sim_strtab *t, const sim_rec *r, le_record *out);
/* Field by field (padding aside): in one table, equal packed records
 * unpack to equal records, since an interned string keeps its id. */
bool sim_rec_equal(const sim_rec *a, const sim_rec *b);

/* A resourceVersion in 8 bytes instead of LE_RV_MAX: 0 is "", 1 + n the
 * decimal text of n (what the in-process store writes: no sign, no
 * leading zero, n < 2^63 - 1), SIM_RV_TEXT | id any other text, interned.
 * Text is read to LE_RV_MAX - 1 bytes, as a copy into an le_request's
 * field keeps it. */
#define SIM_RV_TEXT (UINT64_C(1) << 63)
/* false when out of memory (*out is then unchanged) */
bool sim_rv_pack(sim_strtab *t, const char *text, uint64_t *out);
void sim_rv_unpack(const sim_strtab *t, uint64_t rv, char out[LE_RV_MAX]);

/* An le_request with its record packed. */
typedef struct sim_wire_req {
	uint64_t id;
	int64_t timeout_ns;
	uint64_t resource_version; /* sim_rv_pack; 0 from sim_wire_pack_scalars */
	uint8_t op;                /* le_op */
	uint8_t target;            /* le_lock_kind */
	bool no_record;
	sim_rec record;
} sim_wire_req;

bool sim_wire_pack(sim_strtab *t, const le_request *q, sim_wire_req *out);
/* All but the record and the resourceVersion (0): for a slot that keeps
 * the request whole as well. */
void sim_wire_pack_scalars(const le_request *q, sim_wire_req *out);
void sim_wire_unpack(const sim_strtab *t, const sim_wire_req *q,
		     le_request *out);

#endif
