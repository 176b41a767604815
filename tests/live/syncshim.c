/* LD_PRELOAD shim for tests/live/test_fa_crash_churn.sh: a disk that loses
 * what was not synced. Writes to the file named by SYNCSHIM_PATH are held in
 * memory and reach the kernel only at fdatasync/fsync, so a kill -9 loses
 * every unsynced byte, as a power cut would (kill -9 alone never loses the
 * page cache, which is why the crash test could not tell a missing sync).
 * SYNCSHIM_SKIP_SYNC=1 makes the sync calls lie (return 0, write nothing):
 * a server that answers after such a "sync" must be caught by the check. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int journal_fd = -1;
static char *held;
static size_t held_len, held_cap;


static int matches(const char *path)
{
	const char *want = getenv("SYNCSHIM_PATH");
	return want != NULL && path != NULL && strcmp(path, want) == 0;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	if (real_open == NULL)
		*(void **)&real_open = dlsym(RTLD_NEXT, "open"); /* POSIX's idiom for a function from dlsym */
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	int fd = real_open(path, flags, mode);
	if (fd >= 0 && matches(path))
		journal_fd = fd;
	return fd;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	if (real_write == NULL)
		*(void **)&real_write = dlsym(RTLD_NEXT, "write");
	if (fd != journal_fd || journal_fd < 0)
		return real_write(fd, buf, n);
	if (held_len + n > held_cap) {
		size_t cap = (held_len + n) * 2;
		char *p = realloc(held, cap);
		if (p == NULL)
			return -1;
		held = p;
		held_cap = cap;
	}
	memcpy(held + held_len, buf, n);
	held_len += n;
	return (ssize_t)n;
}

static int flush_held(int fd)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	if (real_write == NULL)
		*(void **)&real_write = dlsym(RTLD_NEXT, "write");
	if (fd != journal_fd || journal_fd < 0)
		return 0;
	if (getenv("SYNCSHIM_SKIP_SYNC") != NULL && strcmp(getenv("SYNCSHIM_SKIP_SYNC"), "1") == 0)
		return 0; /* the lie: nothing reaches the file */
	size_t off = 0;
	while (off < held_len) {
		ssize_t w = real_write(fd, held + off, held_len - off);
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	held_len = 0;
	return 0;
}

int fdatasync(int fd)
{
	static int (*real_fdatasync)(int);
	if (real_fdatasync == NULL)
		*(void **)&real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	if (flush_held(fd) != 0)
		return -1;
	return real_fdatasync(fd);
}

int fsync(int fd)
{
	static int (*real_fsync)(int);
	if (real_fsync == NULL)
		*(void **)&real_fsync = dlsym(RTLD_NEXT, "fsync");
	if (flush_held(fd) != 0)
		return -1;
	return real_fsync(fd);
}
