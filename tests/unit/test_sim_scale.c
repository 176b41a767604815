/* Tests for what makes many candidates cheap (issue 17): the history's
 * identity index (sim_history_identity is a hash lookup, identities added
 * straight into the array are found too) and the duplicate-name check of
 * a scenario, now one sort instead of comparing every pair, which must
 * still name the first duplicate and the earlier pod it repeats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/sim.h"
#include "sim_fixture.h"

static void test_identity_index_finds_every_identity(void **state)
{
	(void)state;
	sim_history h;
	sim_history_init(&h);
	char id[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "candidate-%d", i);
		assert_int_equal(sim_history_identity(&h, id), i);
	}
	for (int i = 4999; i >= 0; i -= 7) {
		snprintf(id, sizeof id, "candidate-%d", i);
		assert_int_equal(sim_history_identity(&h, id), i);
	}
	assert_int_equal(h.nidentities, 5000);
	assert_int_equal(sim_history_identity(&h, ""), -1);
	assert_int_equal(sim_history_identity(&h, NULL), -1);
	/* appended straight into the array (as tests do, with a string of
	 * their own): found on the next lookup, not added twice */
	h.identities[h.nidentities++] = "direct";
	assert_int_equal(sim_history_identity(&h, "direct"), 5000);
	assert_int_equal(sim_history_identity(&h, "new-one"), 5001);
	assert_int_equal(h.nidentities, 5002);
	sim_history_free(&h);
	/* after free the history is empty and usable again */
	assert_int_equal(sim_history_identity(&h, "candidate-3"), 0);
	sim_history_free(&h);
}

static void test_duplicate_names_are_found_among_many(void **state)
{
	(void)state;
	char err[512];
	sim_scenario *sc = fx_scenario(3000, FX_S(10), FX_US(100));
	assert_non_null(sc);
	for (size_t i = 0; i < sc->npods; i++) {
		char name[32];
		snprintf(name, sizeof name, "c-%zu", i);
		fx_name(sc, i, name);
	}
	/* two duplicates: the one at the lower index is reported, with the
	 * first pod that has its name */
	fx_name(sc, 2900, "c-5");
	fx_name(sc, 2500, "c-1700");
	fx_name(sc, 2600, "c-1700");
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[2500] (c-1700): the name is also used by pods[1700]"));
	/* no duplicate: the world is made */
	fx_name(sc, 2500, "c-2500");
	fx_name(sc, 2600, "c-2600");
	assert_null(sim_world_new(sc, 1, err, sizeof err));
	assert_non_null(strstr(err, "pods[2900] (c-5): the name is also used by pods[5]"));
	fx_name(sc, 2900, "c-2900");
	sim_world *w = sim_world_new(sc, 1, err, sizeof err);
	assert_non_null(w);
	sim_world_free(w);
	fx_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_index_finds_every_identity),
		cmocka_unit_test(test_duplicate_names_are_found_among_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
