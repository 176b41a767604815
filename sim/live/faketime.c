/* sim/live/faketime.c — libfaketime, as docs/live.md "Clocks" decides:
 *
 * - FAKETIME="<offset> x<rate>" (or the same text in a timestamp file)
 *   gives fake = real + offset + (rate - 1) * (time since the process
 *   loaded the library), for CLOCK_REALTIME and every monotonic clock
 *   alike (measured with 0.9.10: CLOCK_MONOTONIC, _COARSE, _RAW and
 *   BOOTTIME all read the fake wall time), and divides relative waits
 *   (nanosleep, poll, epoll_wait: libevent's loop) and absolute monotonic
 *   waits by the rate. So a rate reaches the core's expiry measurements.
 * - FAKETIME_DONT_FAKE_MONOTONIC=1 is never used: with it, absolute waits
 *   on CLOCK_MONOTONIC (pthread_cond_timedwait, clock_nanosleep
 *   TIMER_ABSTIME) return at once, a busy loop (measured).
 * - A rate change read from a timestamp file applies to the whole time
 *   since start, so the file gets the offset that keeps the clock
 *   continuous (live_faults.c); FAKETIME_NO_CACHE=1 makes the change visible at
 *   the next clock read rather than after the default 10 s cache.
 * - Statically linked programs cannot be reached by a preload: refused. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live_int.h"

#define DEBIAN_LIB "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

const char *lv_faketime_lib(char *err, size_t errcap)
{
	const char *lib = getenv("LEASELAB_FAKETIME_LIB");
	if (!lib || !*lib)
		lib = DEBIAN_LIB;
	if (access(lib, R_OK) != 0) {
		snprintf(err, errcap,
			 "libfaketime is missing (%s: %s); the scenario's clock offsets "
			 "and rates need it: install the Debian package libfaketime "
			 "(ci/bootstrap does)", lib, strerror(errno));
		return NULL;
	}
	return lib;
}

void lv_faketime_spec(int64_t offset_ns, double rate, char *buf, size_t cap)
{
	snprintf(buf, cap, "%+.6f x%.6f", (double)offset_ns / 1e9, rate);
}

int lv_faketime_write(const char *path, const char *spec, char *err,
		      size_t errcap)
{
	char tmp[SIM_PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", spec) < 0 || fclose(f) != 0) {
		snprintf(err, errcap, "%s: %s", tmp, strerror(errno));
		return LE_EIO;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errcap, "rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return LE_EIO;
	}
	return LE_OK;
}

/* The program's path as execvp would find it ("" when not found). */
static void resolve(const char *program, char *out, size_t cap)
{
	out[0] = '\0';
	if (strchr(program, '/')) {
		snprintf(out, cap, "%s", program);
		return;
	}
	const char *path = getenv("PATH");
	if (!path)
		return;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		snprintf(out, cap, "%.*s/%s", (int)n, path, program);
		if (access(out, X_OK) == 0)
			return;
		path += n + (colon ? 1 : 0);
	}
	out[0] = '\0';
}

bool lv_preload_reaches(const char *program, char *why, size_t cap)
{
	char file[SIM_PATH_MAX];
	resolve(program, file, sizeof file);
	int fd = file[0] ? open(file, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return true; /* not ours to judge: the spawn reports it */
	Elf64_Ehdr eh;
	bool reaches = true;
	if (read(fd, &eh, sizeof eh) == (ssize_t)sizeof eh &&
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64) {
		bool interp = false, dynamic = false;
		for (int i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) !=
			    (ssize_t)sizeof ph)
				break;
			interp |= ph.p_type == PT_INTERP;
			dynamic |= ph.p_type == PT_DYNAMIC;
		}
		if (!interp) {
			reaches = false;
			snprintf(why, cap, "%s is statically linked%s: LD_PRELOAD cannot "
				 "reach it, so libfaketime cannot change its clocks", file,
				 dynamic ? " (static-pie)" : "");
		}
	}
	close(fd);
	return reaches;
}
