/* sim/text.h — strings kept at their length in chained blocks that never
 * move, so a kept string's pointer stays valid until sim_text_free: the
 * history's identities and pod names, a scenario's strings, the interned
 * strings of requests in flight (sim/wire.c). 10,000 pods used to cost a
 * 256-byte array per name. */
#ifndef LEASELAB_SIM_TEXT_H
#define LEASELAB_SIM_TEXT_H

#include <stddef.h>

struct sim_text;

/* A copy of s (at most max - 1 bytes of it) in *t, which is created on
 * first use; NULL when there is no memory. */
const char *sim_text_keep(struct sim_text **t, const char *s, size_t max);
/* n bytes of zeroed memory in *t's blocks at `align` (a power of two,
 * the record type's _Alignof, at most max_align_t's): records that live as
 * long as the blocks (a world's nodes and request slots), without a malloc
 * header or malloc's 16-byte rounding apiece. NULL when there is no
 * memory. */
void *sim_text_alloc(struct sim_text **t, size_t n, size_t align);
/* Frees every block; *t is NULL after. */
void sim_text_free(struct sim_text **t);

#endif
