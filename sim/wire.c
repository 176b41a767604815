/* sim/wire.c — interned strings and packed records (sim/wire.h). */
#include <stdlib.h>
#include <string.h>

#include "strindex.h"
#include "text.h"
#include "wire.h"

void sim_strtab_free(sim_strtab *t)
{
	sim_text_free(&t->text);
	free(t->s);
	free(t->index);
	memset(t, 0, sizeof *t);
}

static const char *strtab_str(const void *table, uint32_t id)
{
	return sim_strtab_str(table, id);
}

static void index_put(sim_strtab *t, uint32_t id)
{
	sim_strindex_put(t->index, t->index_cap, id, t->s[id - 1]);
}

/* Keep the index at most half full. */
static bool index_grow(sim_strtab *t)
{
	if (t->index_cap && 2 * (t->n + 1) <= t->index_cap)
		return true;
	uint32_t cap = t->index_cap ? t->index_cap * 2 : 64;
	uint32_t *v = calloc(cap, sizeof *v);
	if (!v)
		return false;
	free(t->index);
	t->index = v;
	t->index_cap = cap;
	for (uint32_t id = 1; id <= t->n; id++)
		index_put(t, id);
	return true;
}

uint32_t sim_strtab_intern(sim_strtab *t, const char *str)
{
	if (!str || !str[0])
		return 0;
	if (t->last && strcmp(t->s[t->last - 1], str) == 0)
		return t->last;
	uint32_t found = sim_strindex_find(t->index, t->index_cap, str,
					   strtab_str, t);
	if (found)
		return t->last = found;
	if (!index_grow(t))
		return UINT32_MAX;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		const char **v = realloc(t->s, cap * sizeof *v);
		if (!v)
			return UINT32_MAX;
		t->s = v;
		t->cap = cap;
	}
	const char *copy = sim_text_keep(&t->text, str, LE_STRATEGY_MAX);
	if (!copy)
		return UINT32_MAX;
	t->s[t->n++] = copy;
	index_put(t, t->n);
	return t->last = t->n;
}

bool sim_rec_pack(sim_strtab *t, const le_record *r, sim_rec *out)
{
	uint32_t holder = sim_strtab_intern(t, r->holder);
	uint32_t strategy = sim_strtab_intern(t, r->strategy);
	uint32_t preferred = sim_strtab_intern(t, r->preferred_holder);
	if (holder == UINT32_MAX || strategy == UINT32_MAX ||
	    preferred == UINT32_MAX)
		return false;
	*out = (sim_rec){
	    .acquire_wall_ns = r->acquire_wall_ns,
	    .renew_wall_ns = r->renew_wall_ns,
	    .holder_hash = r->holder_hash,
	    .holder = holder,
	    .strategy = strategy,
	    .preferred = preferred,
	    .lease_duration_s = r->lease_duration_s,
	    .transitions = r->transitions,
	    .dialect = r->dialect,
	    .holder_set = r->holder_set,
	    .has_acquire_time = r->has_acquire_time,
	    .has_renew_time = r->has_renew_time,
	    .holder_truncated = r->holder_truncated,
	};
	return true;
}

static void put(char *dst, size_t cap, const char *src)
{
	size_t len = strnlen(src, cap - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void sim_rec_unpack(const sim_strtab *t, const sim_rec *r, le_record *out)
{
	put(out->holder, sizeof out->holder, sim_strtab_str(t, r->holder));
	put(out->strategy, sizeof out->strategy, sim_strtab_str(t, r->strategy));
	put(out->preferred_holder, sizeof out->preferred_holder,
	    sim_strtab_str(t, r->preferred));
	out->holder_set = r->holder_set;
	out->lease_duration_s = r->lease_duration_s;
	out->has_acquire_time = r->has_acquire_time;
	out->has_renew_time = r->has_renew_time;
	out->acquire_wall_ns = r->acquire_wall_ns;
	out->renew_wall_ns = r->renew_wall_ns;
	out->transitions = r->transitions;
	out->holder_truncated = r->holder_truncated;
	out->holder_hash = r->holder_hash;
	out->dialect = r->dialect;
}

/* Everything of a request but its record, one way or the other. */
#define WIRE_SCALARS(dst, src)                                                 \
	do {                                                                   \
		(dst)->id = (src)->id;                                         \
		(dst)->op = (src)->op;                                         \
		(dst)->target = (src)->target;                                 \
		(dst)->no_record = (src)->no_record;                           \
		(dst)->timeout_ns = (src)->timeout_ns;                         \
		memcpy((dst)->resource_version, (src)->resource_version,       \
		       LE_RV_MAX);                                             \
	} while (0)

void sim_wire_pack_scalars(const le_request *q, sim_wire_req *out)
{
	WIRE_SCALARS(out, q);
}

bool sim_wire_pack(sim_strtab *t, const le_request *q, sim_wire_req *out)
{
	sim_rec rec;
	if (!sim_rec_pack(t, &q->record, &rec))
		return false;
	WIRE_SCALARS(out, q);
	out->record = rec;
	return true;
}

void sim_wire_unpack(const sim_strtab *t, const sim_wire_req *q,
		     le_request *out)
{
	WIRE_SCALARS(out, q);
	sim_rec_unpack(t, &q->record, &out->record);
}
