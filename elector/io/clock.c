/* The real-time clock of libleaselab-io. Its own file so that the transport
 * and the status server read the clock from the floor below le_run
 * instead of calling back up into run.c for it. */
#include <time.h>

#include "io_internal.h"
#include "leaselab/elector.h"

int64_t io_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * LE_NS_PER_S + ts.tv_nsec;
}
