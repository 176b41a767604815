/* Shared by tests/unit/test_io_*.c (include after <cmocka.h>). */
#ifndef LEASELAB_TESTS_IO_TEST_H
#define LEASELAB_TESTS_IO_TEST_H

#ifdef NDEBUG
#error "unit tests are never built with NDEBUG"
#endif

#include <string.h>

/* Fails with both strings shown when needle is not in hay. */
#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("expected \"%s\" in \"%s\"", (needle), (hay));                    \
	} while (0)

#endif
