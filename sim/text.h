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
/* Frees every block; *t is NULL after. */
void sim_text_free(struct sim_text **t);

#endif
