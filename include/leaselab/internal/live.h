/* leaselab — the live harness: a scenario file run against real processes
 * in real time (bin/elector or any command, libfaketime clocks,
 * bin/fake-apiserver over HTTP), judged by the simulator's checker and
 * report writer (docs/live.md).
 *
 * The only entry point is the `bin/sim live` subcommand; everything else is
 * private to sim/live/. */
#ifndef LEASELAB_LIVE_H
#define LEASELAB_LIVE_H

#ifdef __cplusplus
extern "C" {
#endif

/* `bin/sim live ARGS...`: argv[0] is "live". Returns a sim_exit code. */
int sim_live_main(int argc, char **argv, const char *argv0);

#ifdef __cplusplus
}
#endif
#endif
