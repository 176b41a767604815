/* tests/unit/le_death_test.h — death tests for LE_ASSERT: run a function in
 * a forked child and check that it aborted and said which invariant broke.
 * An invariant cannot be shown to fire any other way (cmocka's
 * expect_assert_failure only catches mock_assert). Include after <cmocka.h>.
 *
 * The tests are meant to run with the invariants on; LE_ASSERT ignores
 * NDEBUG, but a test build that defines it is a mistake worth stopping. */
#ifndef LEASELAB_TESTS_LE_DEATH_TEST_H
#define LEASELAB_TESTS_LE_DEATH_TEST_H

#ifdef NDEBUG
#error "unit tests are never built with NDEBUG"
#endif

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(arg) in a child whose stderr is captured; fails unless the child
 * died of SIGABRT having printed "invariant failed" and want. */
static inline void le_expect_invariant_failure(void (*fn)(void *), void *arg,
					       const char *want)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		fn(arg);
		_exit(0); /* survived: the parent reports it */
	}
	close(fds[1]);
	char msg[2048];
	size_t n = 0;
	ssize_t k;
	while ((k = read(fds[0], msg + n, sizeof msg - 1 - n)) > 0)
		n += (size_t)k;
	msg[n] = '\0';
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("expected an abort, child %s %d; stderr: %s",
			 WIFSIGNALED(status) ? "died of signal" : "exited with",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			 msg);
	if (strstr(msg, "invariant failed") == NULL || strstr(msg, want) == NULL)
		fail_msg("expected \"invariant failed\" and \"%s\" on stderr: %s",
			 want, msg);
}

#endif
