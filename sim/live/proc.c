/* sim/live/proc.c — one process group per pod, so a signal reaches a shell
 * template's children too; PR_SET_PDEATHSIG so nothing outlives a harness
 * that is killed itself; stdout and stderr on one close-on-exec pipe. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live_int.h"

#define STOP_WAIT_MS 2000 /* SIGKILL is not refused; bound the wait anyway */

static void apply_env(char *const env[])
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (!eq)
			continue;
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
		if (eq[1] == '\0')
			unsetenv(name);
		else
			setenv(name, eq + 1, 1);
	}
}

/* In the child, between fork and exec: only async-signal-safe calls until
 * exec, except setenv (the harness is single-threaded when it forks). */
static void child(char *const argv[], char *const env[], int out_w,
		  int status_w, pid_t parent)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127); /* the harness died before prctl took effect */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(out_w, 1);
	dup2(out_w, 2);
	apply_env(env);
	execvp(argv[0], argv);
	int e = errno;
	ssize_t w = write(status_w, &e, sizeof e);
	(void)w;
	_exit(127);
}

int lv_proc_spawn(lv_proc *p, char *const argv[], char *const env[], char *err,
		  size_t errcap)
{
	int out[2], st[2];
	memset(p, 0, sizeof *p);
	p->out_fd = -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errcap, "pipe: %s", strerror(errno));
		return LE_EIO;
	}
	if (pipe2(st, O_CLOEXEC) != 0) {
		snprintf(err, errcap, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return LE_EIO;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errcap, "fork: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		close(st[0]);
		close(st[1]);
		return LE_EIO;
	}
	if (pid == 0)
		child(argv, env, out[1], st[1], parent);
	/* Both sides set the group: whichever runs first, a signal sent
	 * right after spawn reaches the group. */
	setpgid(pid, pid);
	close(out[1]);
	close(st[1]);
	int e = 0;
	ssize_t r;
	do
		r = read(st[0], &e, sizeof e);
	while (r < 0 && errno == EINTR);
	close(st[0]);
	p->pid = pid;
	p->out_fd = out[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	if (r == (ssize_t)sizeof e) {
		snprintf(err, errcap, "cannot start '%s': %s", argv[0], strerror(e));
		lv_proc_stop(p);
		return LE_EINVAL;
	}
	return LE_OK;
}

/* Also after the group leader exited: a template's children may remain. */
void lv_proc_signal(lv_proc *p, int sig)
{
	if (p->pid > 0)
		kill(-p->pid, sig);
}

bool lv_proc_reap(lv_proc *p)
{
	if (p->pid <= 0 || p->exited)
		return p->exited;
	int status;
	pid_t r = waitpid(p->pid, &status, WNOHANG);
	if (r == p->pid) {
		p->exited = true;
		p->status = status;
	} else if (r < 0 && errno == ECHILD) {
		p->exited = true;
	}
	return p->exited;
}

void lv_proc_stop(lv_proc *p)
{
	if (p->pid > 0) {
		kill(-p->pid, SIGKILL);
		kill(-p->pid, SIGCONT);
		for (int i = 0; i < STOP_WAIT_MS && !lv_proc_reap(p); i++) {
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	p->out_fd = -1;
	p->pid = 0;
}

bool lv_proc_read(lv_proc *p, void (*on_line)(void *user, const char *line),
		  void *user)
{
	if (p->out_fd < 0)
		return false;
	for (;;) {
		if (p->blen == sizeof p->buf - 1) {
			/* An over-long line: deliver what we have. */
			p->buf[p->blen] = '\0';
			on_line(user, p->buf);
			p->blen = 0;
		}
		ssize_t n = read(p->out_fd, p->buf + p->blen, sizeof p->buf - 1 - p->blen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return true; /* EAGAIN: nothing more now */
		if (n == 0) {
			if (p->blen) {
				p->buf[p->blen] = '\0';
				on_line(user, p->buf);
				p->blen = 0;
			}
			close(p->out_fd);
			p->out_fd = -1;
			return false;
		}
		p->blen += (size_t)n;
		char *start = p->buf, *nl;
		while ((nl = memchr(start, '\n', p->blen - (size_t)(start - p->buf)))) {
			*nl = '\0';
			on_line(user, start);
			start = nl + 1;
		}
		p->blen -= (size_t)(start - p->buf);
		memmove(p->buf, start, p->blen);
	}
}
