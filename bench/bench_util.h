/* bench/bench_util.h — what the bench programs share besides their figures
 * (bench_json.h): the monotonic clock in seconds and the comparison that
 * sorts a run's samples for its median, and starting bin/fake-apiserver on
 * a free loopback port. Header-only, so a bench links
 * nothing more for it; the bench programs are among the few that may read
 * a clock (architecture.md seam 2). */
#ifndef LEASELAB_BENCH_UTIL_H
#define LEASELAB_BENCH_UTIL_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_MONOTONIC in seconds. */
static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort's comparison for doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Starts the fake apiserver at bin on 127.0.0.1:0 with extra flags
 * (NULL-terminated, at most 8), stderr to /dev/null, killed when this process
 * dies (a bench or test killed on a timeout leaves nothing behind). Fills
 * addr with the "127.0.0.1:PORT" of its first stdout line; the pid, or -1. */
static inline pid_t bench_start_fake_apiserver(const char *bin, const char *const extra[],
					       char *addr, size_t cap)
{
	const char *argv[13] = {"fake-apiserver", "--listen", "127.0.0.1:0"};
	size_t n = 3;
	for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 11; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[256] = "";
	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	const char *a = strstr(line, "://");
	if (a == NULL)
		return -1;
	snprintf(addr, cap, "%s", a + 3);
	addr[strcspn(addr, "\r\n")] = '\0';
	return pid;
}

#endif
