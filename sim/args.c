/* sim/args.c — see args.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leaselab/sim.h"
#include "args.h"

int sim__bad_flag(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see bin/sim%s%s --help)\n", cmd ? " " : "", cmd ? cmd : "");
	va_end(ap);
	return SIM_EXIT_BAD_INPUT;
}

int sim__exit_rank(int code)
{
	switch (code) {
	case SIM_EXIT_PASS: return 0;
	case SIM_EXIT_LIVENESS: return 1;
	case SIM_EXIT_SAFETY: return 2;
	case SIM_EXIT_BAD_INPUT: return 3;
	default: return 4;
	}
}

bool sim__flag_is(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	return strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *sim__flag_value(int argc, char **argv, int *i, const char *flag)
{
	size_t n = strlen(flag);
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

bool sim__parse_u64(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool sim__self_dir(const char *argv0, char *out, size_t cap)
{
	char self[SIM_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0)
		self[n] = '\0';
	else if (snprintf(self, sizeof self, "%s", argv0 ? argv0 : "") >= (int)sizeof self)
		return false;
	char *slash = strrchr(self, '/');
	if (!slash)
		return snprintf(out, cap, ".") < (int)cap;
	*slash = '\0';
	return snprintf(out, cap, "%s", self[0] ? self : "/") < (int)cap;
}
