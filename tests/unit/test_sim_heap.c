/* Unit tests for the simulator's event queue (sim/heap.c): a 4-ary heap
 * that must pop in (time, sequence) order, ties in push order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../sim/sim_engine.h"

static void test_empty_heap_pops_nothing(void **state)
{
	(void)state;
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 4), LE_OK);
	sim_heap_ev ev;
	assert_false(sim_heap_pop(&h, &ev));
	assert_null(sim_heap_peek(&h));
	sim_heap_free(&h);
}

static void test_equal_times_pop_in_push_order(void **state)
{
	(void)state;
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 2), LE_OK);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(sim_heap_push(&h, 7, 1, i, i * 3), LE_OK);
	sim_heap_ev ev;
	for (uint32_t i = 0; i < 100; i++) {
		assert_true(sim_heap_pop(&h, &ev));
		assert_int_equal(ev.t_ns, 7);
		assert_int_equal(ev.node, i);
		assert_int_equal(ev.arg, i * 3);
	}
	assert_false(sim_heap_pop(&h, &ev));
	sim_heap_free(&h);
}

/* The reference: an unsorted array; pop = linear search for the least
 * (time, seq). */
typedef struct ref_ev {
	int64_t t;
	uint64_t seq;
	uint64_t arg;
} ref_ev;

static size_t ref_min(const ref_ev *v, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (v[i].t < v[best].t || (v[i].t == v[best].t && v[i].seq < v[best].seq))
			best = i;
	return best;
}

static void test_random_push_pop_matches_sorted_reference(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 42);
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 1), LE_OK);
	enum { OPS = 40000 };
	ref_ev *ref = malloc(OPS * sizeof *ref);
	assert_non_null(ref);
	size_t nref = 0;
	uint64_t seq = 0;
	int64_t last_t = INT64_MIN;
	uint64_t last_seq = 0;
	for (int op = 0; op < OPS; op++) {
		/* 55% pushes; times from a small range so that ties are common;
		 * never earlier than the last pop, as in a simulation */
		bool do_push = nref == 0 || sim_rng_below(&r, 100) < 55;
		if (do_push) {
			int64_t base = last_t == INT64_MIN ? 0 : last_t;
			int64_t t = base + (int64_t)sim_rng_below(&r, 16);
			uint64_t arg = fa_rng_next(&r);
			assert_int_equal(sim_heap_push(&h, t, 2, 0, arg), LE_OK);
			ref[nref++] = (ref_ev){t, seq++, arg};
		} else {
			size_t m = ref_min(ref, nref);
			sim_heap_ev ev;
			assert_true(sim_heap_pop(&h, &ev));
			assert_int_equal(ev.t_ns, ref[m].t);
			assert_int_equal(ev.seq, ref[m].seq);
			assert_int_equal(ev.arg, ref[m].arg);
			/* popped order is (time, seq) non-decreasing */
			assert_true(ev.t_ns > last_t ||
				    (ev.t_ns == last_t && ev.seq > last_seq));
			last_t = ev.t_ns;
			last_seq = ev.seq;
			ref[m] = ref[--nref];
		}
		assert_int_equal(h.n, nref);
	}
	/* drain */
	while (nref) {
		size_t m = ref_min(ref, nref);
		sim_heap_ev ev;
		assert_true(sim_heap_pop(&h, &ev));
		assert_int_equal(ev.seq, ref[m].seq);
		ref[m] = ref[--nref];
	}
	assert_null(sim_heap_peek(&h));
	free(ref);
	sim_heap_free(&h);
}

static int cmp_ref(const void *a, const void *b)
{
	const ref_ev *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void test_bulk_push_then_pop_is_sorted(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 7);
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 0), LE_OK);
	enum { N = 50000 };
	ref_ev *ref = malloc(N * sizeof *ref);
	assert_non_null(ref);
	for (uint64_t i = 0; i < N; i++) {
		int64_t t = (int64_t)sim_rng_below(&r, 1000) - 500; /* negatives too */
		ref[i] = (ref_ev){t, i, i};
		assert_int_equal(sim_heap_push(&h, t, 3, 0, i), LE_OK);
	}
	qsort(ref, N, sizeof *ref, cmp_ref);
	for (size_t i = 0; i < N; i++) {
		sim_heap_ev ev;
		assert_true(sim_heap_pop(&h, &ev));
		assert_int_equal(ev.t_ns, ref[i].t);
		assert_int_equal(ev.arg, ref[i].arg);
	}
	free(ref);
	sim_heap_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_heap_pops_nothing),
		cmocka_unit_test(test_equal_times_pop_in_push_order),
		cmocka_unit_test(test_random_push_pop_matches_sorted_reference),
		cmocka_unit_test(test_bulk_push_then_pop_is_sorted),
	};
	return cmocka_run_group_tests_name("sim_heap", tests, NULL, NULL);
}
