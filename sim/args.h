/* sim/args.h — the command-line helpers every bin/sim subcommand shares
 * (run, check, sweep, advise, explore, merge, prove, live): one spelling of
 * "--flag V" / "--flag=V" and of an unsigned count, so the subcommands agree
 * on what a flag looks like. Private to the tree (not installed). */
#ifndef LEASELAB_SIM_ARGS_H
#define LEASELAB_SIM_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* arg is flag itself, or flag followed by "=value". */
bool sim__flag_is(const char *arg, const char *flag);

/* The value of the flag at argv[*i]: after its "=", or the next argument
 * (then *i moves past it). NULL when the flag is last and has none. */
const char *sim__flag_value(int argc, char **argv, int *i, const char *flag);

/* A decimal unsigned integer, digits only (no sign, no space, no suffix),
 * that fits in 64 bits. */
bool sim__parse_u64(const char *s, uint64_t *out);

/* The one way a subcommand refuses its command line: "sim CMD: " ("sim: "
 * when cmd is NULL), the message, then "(see bin/sim CMD --help)" on a line
 * of its own, on stderr. Returns SIM_EXIT_BAD_INPUT. */
int sim__bad_flag(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The directory of the running program (/proc/self/exe; argv0's when
 * that cannot be read; "." when it has no slash), where bin/sim finds
 * bin/sim-live and the harness finds bin/elector and bin/fake-apiserver.
 * false when it does not fit in cap bytes. */
bool sim__self_dir(const char *argv0, char *out, size_t cap);

/* bin/sim's order of severity when runs end differently, worst last:
 * 0 pass, 2 (liveness class), 1 (safety class), 3 bad input, 4 internal. */
int sim__exit_rank(int code);

#endif
