/* sim/history_read.c — read a history back from its JSON lines. */
#include <string.h>

#include "sim_engine.h"

int sim_history_read_jsonl(FILE *in, const char *filename, sim_history *h,
			   sim_scenario *sc, char *err, size_t errcap)
{
	(void)in;
	(void)sc;
	sim_history_init(h);
	snprintf(err, errcap, "%s: reading histories is not implemented yet",
		 filename ? filename : "history");
	return LE_EINVAL;
}
