/* sim/world_base.c — the bottom floor of the simulated world: the helpers
 * every other part uses (world.c, the pods and requests; world_faults.c,
 * the faults; world_run.c, the loop) and that use nothing of theirs: the
 * run's sticky error, the event queue, the history. */
#include <stdarg.h>
#include <stdio.h>

#include "world_int.h"

void sim__fail(sim_world *w, int rc, const char *fmt, ...)
{
	if (w->rc)
		return;
	w->rc = rc;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof w->err, fmt, ap);
	va_end(ap);
}

void sim__push(sim_world *w, int64_t t_ns, uint32_t kind, uint32_t node,
	       uint64_t arg)
{
	if (sim_heap_push(&w->heap, t_ns, kind, node, arg) != LE_OK)
		sim__fail(w, LE_ENOMEM, "out of memory growing the event queue");
}

void sim__record(sim_world *w, const sim_event *e)
{
	int rc = sim_history_push(&w->h, e);
	if (rc != LE_OK)
		sim__fail(w, rc, "cannot append a %s event to the history: %s",
			  sim_ev_kind_name(e->kind), le_strerror(rc));
}

void sim__note(sim_world *w, sim_ev_kind kind, int32_t pod, int32_t fault)
{
	sim_event e = sim_event_make(w->now, kind, pod);
	e.fault = fault;
	sim__record(w, &e);
}

