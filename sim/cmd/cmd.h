/* sim/cmd/cmd.h — subcommands of bin/sim that live outside sim.c (the
 * dispatch table in sim.c names them). Each returns bin/sim's exit code. */
#ifndef LEASELAB_SIM_CMD_H
#define LEASELAB_SIM_CMD_H

int cmd_explore(int argc, char **argv); /* sim/cmd/explore.c */
int cmd_merge(int argc, char **argv);   /* sim/cmd/explore.c */
int cmd_prove(int argc, char **argv);   /* sim/cmd/prove.c */

/* The monotonic clock in seconds, for progress bars and wall figures
 * (bin/sim is a driver: it may read clocks; the simulator may not). */
double sim_cmd_now_s(void);              /* sim/cmd/sim.c */

#endif
