/* leaselab — invariant assertions for library code (not installed).
 *
 * LE_ASSERT states something the code relies on and that no input, however
 * bad, can make false: a broken one is a bug in leaselab, so the process
 * stops at once with the place and the condition rather than carrying on
 * with corrupt state. Unlike assert(3) it does not vanish under NDEBUG: the
 * checks are cheap comparisons on paths that already do far more work, and
 * an invariant that only holds in debug builds is not an invariant.
 * Bad input is never asserted: it gets an error code and a message. */
#ifndef LEASELAB_INTERNAL_ASSERT_H
#define LEASELAB_INTERNAL_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define LE_ASSERT(cond)                                                       \
	do {                                                                  \
		if (__builtin_expect(!(cond), 0)) {                           \
			fprintf(stderr, "%s:%d: %s: invariant failed: %s\n", \
				__FILE__, __LINE__, __func__, #cond);         \
			abort();                                              \
		}                                                             \
	} while (0)

#endif
