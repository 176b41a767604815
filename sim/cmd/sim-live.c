/* bin/sim-live — the live harness (sim/live/, docs/live.md) as a program of
 * its own, which `bin/sim live ...` runs in its place (execv, same argv).
 *
 * Why a second program: the harness talks HTTP through libcurl, and loading
 * libcurl with its TLS, Kerberos and LDAP libraries costs a process about
 * 6 MB of resident memory before it does anything. Every simulated run,
 * sweep and proof paid that for a harness it never used; now only a live
 * run does. Run directly, it takes the same arguments as `bin/sim live`
 * (with or without the leading "live"). */
#include <string.h>

#include "leaselab/internal/live.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "live") == 0)
		return sim_live_main(argc - 1, argv + 1, argv[0]);
	return sim_live_main(argc, argv, "bin/sim");
}
