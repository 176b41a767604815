/* leaselab — fake-apiserver: the in-process transport. One lock (kind,
 * namespace, name) and one client identity bound to a store; every request
 * is carried out at once with no latency and no faults. The simulator does
 * not use this: it calls fa_store_lock_do at the virtual time a request
 * reaches the store, after its network model has had its say. */
#include <stdio.h>
#include <stdlib.h>

#include "fa_internal.h"

struct fa_inproc {
	fa_store *store;
	le_lock_kind kind;
	char ns[64];
	char name[LE_NAME_MAX];
	char identity[LE_ID_MAX];
	fa_lock_scratch scratch; /* what the last response points into */
};

fa_inproc *fa_inproc_new(fa_store *s, le_lock_kind kind, const char *ns,
			 const char *name, const char *identity)
{
	if (s == NULL || ns == NULL || name == NULL ||
	    (unsigned)kind >= FA_RES_COUNT)
		return NULL;
	fa_inproc *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->store = s;
	t->kind = kind;
	snprintf(t->ns, sizeof(t->ns), "%s", ns);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->identity, sizeof(t->identity), "%s",
		 identity != NULL ? identity : "");
	return t;
}

void fa_inproc_free(fa_inproc *t)
{
	free(t);
}

void fa_inproc_do(fa_inproc *t, const le_request *req, int64_t now_wall_ns,
		  le_response *resp)
{
	fa_store_lock_do(t->store, t->kind, t->ns, t->name, req, t->identity,
			 now_wall_ns, &t->scratch, resp);
}
