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

bool sim_rec_equal(const sim_rec *a, const sim_rec *b)
{
	return a->acquire_wall_ns == b->acquire_wall_ns &&
	       a->renew_wall_ns == b->renew_wall_ns &&
	       a->holder_hash == b->holder_hash && a->holder == b->holder &&
	       a->strategy == b->strategy && a->preferred == b->preferred &&
	       a->lease_duration_s == b->lease_duration_s &&
	       a->transitions == b->transitions && a->dialect == b->dialect &&
	       a->holder_set == b->holder_set &&
	       a->has_acquire_time == b->has_acquire_time &&
	       a->has_renew_time == b->has_renew_time &&
	       a->holder_truncated == b->holder_truncated;
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

bool sim_rv_pack(sim_strtab *t, const char *text, uint64_t *out)
{
	size_t len = strnlen(text, LE_RV_MAX - 1);
	if (len == 0) {
		*out = 0;
		return true;
	}
	uint64_t n = 0;
	size_t i = 0;
	if (text[0] != '0' || len == 1)
		for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			unsigned d = (unsigned)(text[i] - '0');
			if (n > (SIM_RV_TEXT - 2 - d) / 10)
				break; /* too large for the number form */
			n = n * 10 + d;
		}
	if (i == len) {
		*out = n + 1;
		return true;
	}
	char copy[LE_RV_MAX];
	memcpy(copy, text, len);
	copy[len] = '\0';
	uint32_t id = sim_strtab_intern(t, copy);
	if (id == UINT32_MAX)
		return false;
	*out = SIM_RV_TEXT | id;
	return true;
}

void sim_rv_unpack(const sim_strtab *t, uint64_t rv, char out[LE_RV_MAX])
{
	if (rv & SIM_RV_TEXT) {
		put(out, LE_RV_MAX, sim_strtab_str(t, (uint32_t)rv));
		return;
	}
	if (rv == 0) {
		out[0] = '\0';
		return;
	}
	char tmp[24];
	size_t k = 0;
	for (uint64_t n = rv - 1; k == 0 || n; n /= 10)
		tmp[k++] = (char)('0' + n % 10);
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = '\0';
}

void sim_wire_pack_scalars(const le_request *q, sim_wire_req *out)
{
	out->id = q->id;
	out->op = q->op;
	out->target = q->target;
	out->no_record = q->no_record;
	out->timeout_ns = q->timeout_ns;
	out->resource_version = 0;
}

bool sim_wire_pack(sim_strtab *t, const le_request *q, sim_wire_req *out)
{
	sim_rec rec;
	uint64_t rv;
	if (!sim_rec_pack(t, &q->record, &rec) ||
	    !sim_rv_pack(t, q->resource_version, &rv))
		return false;
	sim_wire_pack_scalars(q, out);
	out->resource_version = rv;
	out->record = rec;
	return true;
}

void sim_wire_unpack(const sim_strtab *t, const sim_wire_req *q,
		     le_request *out)
{
	out->id = q->id;
	out->op = q->op;
	out->target = q->target;
	out->no_record = q->no_record;
	out->timeout_ns = q->timeout_ns;
	sim_rv_unpack(t, q->resource_version, out->resource_version);
	sim_rec_unpack(t, &q->record, &out->record);
}
