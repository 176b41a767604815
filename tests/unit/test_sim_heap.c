/* Unit tests for the simulator's event queue (sim/heap.c): a 4-ary heap
 * that must pop in (time, sequence) order, ties in push order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../sim/sim_engine.h"
#include "le_death_test.h"

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
		assert_int_equal(sim_heap_len(&h), nref);
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

/* sim_heap_advance against the reference, where it is the event taken
 * out and pushed again earlier: pushes, pops and advances of a random
 * pending event (unique args name them), a small queue so each is found,
 * and one past SIM_HEAP_SCAN that is refused, unchanged. */
static void test_advance_is_a_removal_and_a_push(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 5);
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 1), LE_OK);
	enum { OPS = 30000, CAP = 48 };
	ref_ev ref[CAP];
	size_t nref = 0, advanced = 0;
	uint64_t seq = 0, arg = 0;
	int64_t now = 0;
	for (int op = 0; op < OPS; op++) {
		uint64_t dice = sim_rng_below(&r, 100);
		if (nref == 0 || (nref < CAP && dice < 40)) {
			int64_t t = now + (int64_t)sim_rng_below(&r, 40);
			int rc = sim_heap_push(&h, t, 2, 7, ++arg);
			assert_int_equal(rc, LE_OK);
			ref[nref++] = (ref_ev){t, seq++, arg};
		} else if (dice < 70) {
			size_t k = sim_rng_below(&r, nref);
			if (ref[k].t <= now)
				continue;
			int64_t t = now + (int64_t)sim_rng_below(&r, (uint64_t)(ref[k].t - now));
			assert_true(sim_heap_advance(&h, 2, 7, ref[k].arg, t));
			ref[k].t = t;
			ref[k].seq = seq++;
			advanced++;
		} else {
			size_t m = ref_min(ref, nref);
			sim_heap_ev ev;
			assert_true(sim_heap_pop(&h, &ev));
			assert_int_equal(ev.arg, ref[m].arg);
			assert_int_equal(ev.t_ns, ref[m].t);
			assert_int_equal(ev.seq, ref[m].seq);
			now = ev.t_ns;
			ref[m] = ref[--nref];
		}
		assert_true(sim_heap_check(&h));
		assert_int_equal(sim_heap_len(&h), nref);
	}
	assert_true(advanced > OPS / 5);
	/* not found: another kind, node or arg */
	assert_int_equal(sim_heap_push(&h, now + 100, 2, 7, ++arg), LE_OK);
	assert_false(sim_heap_advance(&h, 3, 7, arg, now + 50));
	assert_false(sim_heap_advance(&h, 2, 8, arg, now + 50));
	assert_false(sim_heap_advance(&h, 2, 7, arg + 1, now + 50));
	sim_heap_free(&h);
	/* too many to search: refused, and the queue as it was */
	assert_int_equal(sim_heap_init(&h, 1), LE_OK);
	for (uint64_t i = 0; i <= SIM_HEAP_SCAN + 1; i++)
		assert_int_equal(sim_heap_push(&h, 1000, 2, 7, i), LE_OK);
	uint64_t next = h.next_seq;
	assert_false(sim_heap_advance(&h, 2, 7, SIM_HEAP_SCAN + 1, 10));
	assert_int_equal(h.next_seq, next);
	sim_heap_ev ev;
	assert_true(sim_heap_pop(&h, &ev));
	assert_int_equal(ev.t_ns, 1000);
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

static void test_heap_order_holds_after_every_operation(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 99);
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 1), LE_OK);
	assert_true(sim_heap_check(&h));
	for (int op = 0; op < 3000; op++) {
		if (h.n == 0 || sim_rng_below(&r, 100) < 60) {
			int64_t t = (int64_t)sim_rng_below(&r, 50);
			assert_int_equal(sim_heap_push(&h, t, 1, 0, 0), LE_OK);
		} else {
			sim_heap_ev ev;
			assert_true(sim_heap_pop(&h, &ev));
		}
		assert_true(sim_heap_check(&h));
	}
	sim_heap_free(&h);
}

/* Nine events in time order: the first waits in the front, the other
 * eight in the heap (the root, its four children, three grandchildren). */
static void push_nine(sim_heap *h)
{
	assert_int_equal(sim_heap_init(h, 16), LE_OK);
	for (int64_t t = 10; t < 19; t++)
		assert_int_equal(sim_heap_push(h, t, 1, 0, (uint64_t)t), LE_OK);
}

static void test_heap_check_sees_a_child_before_its_parent(void **state)
{
	(void)state;
	sim_heap h;
	push_nine(&h);
	assert_true(sim_heap_check(&h));
	h.v[7].t_ns = 5; /* a grandchild earlier than its parent v[1] */
	assert_false(sim_heap_check(&h));
	h.v[7].t_ns = 17;
	h.v[3].seq = h.next_seq; /* a sequence number never handed out */
	assert_false(sim_heap_check(&h));
	sim_heap_free(&h);
}

/* The front: a push earlier than everything pending waits outside the
 * heap and pops first; the one it displaces goes into the heap; a later
 * push goes into the heap. The check sees a front behind the heap. */
static void test_front_holds_the_earliest_push(void **state)
{
	(void)state;
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 4), LE_OK);
	assert_int_equal(sim_heap_push(&h, 100, 1, 0, 1), LE_OK);
	assert_true(h.has_front && h.n == 0);
	assert_int_equal(sim_heap_push(&h, 50, 1, 0, 2), LE_OK);
	assert_true(h.has_front && h.front.arg == 2 && h.n == 1);
	assert_int_equal(sim_heap_push(&h, 50, 1, 0, 3), LE_OK); /* a tie: after */
	assert_int_equal(sim_heap_push(&h, 70, 1, 0, 4), LE_OK);
	assert_true(h.front.arg == 2 && h.n == 3 && sim_heap_len(&h) == 4);
	assert_true(sim_heap_check(&h));
	h.front.t_ns = 60; /* behind the heap's least (50, arg 3) */
	assert_false(sim_heap_check(&h));
	h.front.t_ns = 50;
	uint64_t want[] = {2, 3, 4, 1};
	for (int i = 0; i < 4; i++) {
		sim_heap_ev ev;
		assert_true(sim_heap_pop(&h, &ev));
		assert_int_equal(ev.arg, want[i]);
	}
	assert_int_equal(sim_heap_len(&h), 0);
	/* flattened: every pending event in h->v, the front off for good */
	assert_int_equal(sim_heap_push(&h, 10, 1, 0, 5), LE_OK);
	assert_int_equal(sim_heap_flatten(&h), LE_OK);
	assert_true(!h.has_front && h.n == 1);
	assert_int_equal(sim_heap_push(&h, 5, 1, 0, 6), LE_OK);
	assert_true(!h.has_front && h.n == 2);
	sim_heap_free(&h);
}

static void pop_from_corrupt_heap(void *arg)
{
	(void)arg;
	sim_heap h;
	push_nine(&h);
	h.v[2].t_ns = 1; /* a child of the root earlier than the root */
	sim_heap_ev ev;
	sim_heap_pop(&h, &ev); /* t 10, the front: no sift */
	sim_heap_pop(&h, &ev);
}

static void test_pop_from_corrupt_heap_aborts_naming_the_invariant(void **state)
{
	(void)state;
	le_expect_invariant_failure(pop_from_corrupt_heap, NULL, "heap_take");
}

static void pop_from_intact_heap(void *arg)
{
	(void)arg;
	sim_heap h;
	push_nine(&h);
	sim_heap_ev ev;
	while (sim_heap_pop(&h, &ev))
		;
	sim_heap_free(&h);
}

/* The death test's own control: the same steps on an intact heap survive,
 * so the abort above is the invariant's doing. */
static void test_intact_heap_pops_to_empty_without_aborting(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pop_from_intact_heap(NULL);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The calendar (sim_heap_calendar) pops exactly what the plain heap pops
 * for the same pushes: buckets of 10 ns, a window of 80, times up to 300
 * ahead (so some wait far and the window jumps over empty stretches),
 * ties common; the whole structure checks after every step. Half way
 * the calendar is flattened and the order goes on unchanged. */
static void test_calendar_pops_what_the_heap_pops(void **state)
{
	(void)state;
	fa_rng r;
	fa_rng_seed(&r, 1234);
	sim_heap plain, cal;
	assert_int_equal(sim_heap_init(&plain, 1), LE_OK);
	assert_int_equal(sim_heap_init(&cal, 1), LE_OK);
	assert_int_equal(sim_heap_calendar(&cal, 10, 8), LE_OK);
	enum { OPS = 60000 };
	int64_t now = 0;
	size_t pending = 0, far_seen = 0, jumps = 0;
	for (int op = 0; op < OPS; op++) {
		if (op == OPS / 2) {
			assert_int_equal(sim_heap_flatten(&cal), LE_OK);
			assert_int_equal(cal.n, pending);
			assert_int_equal(cal.width, 0);
		}
		if (pending == 0 || sim_rng_below(&r, 100) < 52) {
			/* mostly near, sometimes far past the window */
			uint64_t span = sim_rng_below(&r, 10) == 0 ? 300 : 25;
			int64_t t = now + (int64_t)sim_rng_below(&r, span);
			uint64_t arg = fa_rng_next(&r);
			assert_int_equal(sim_heap_push(&plain, t, 2, 0, arg), LE_OK);
			assert_int_equal(sim_heap_push(&cal, t, 2, 0, arg), LE_OK);
			pending++;
			far_seen += cal.width && cal.far->n > 0;
		} else {
			int64_t horizon = cal.horizon;
			const sim_heap_ev *top = sim_heap_peek(&cal);
			assert_non_null(top);
			jumps += cal.width && cal.horizon > horizon + cal.width;
			sim_heap_ev a, b;
			assert_true(sim_heap_pop(&plain, &a));
			assert_true(sim_heap_pop(&cal, &b));
			assert_int_equal(a.t_ns, b.t_ns);
			assert_int_equal(a.seq, b.seq);
			assert_int_equal(a.arg, b.arg);
			now = a.t_ns;
			pending--;
		}
		assert_true(sim_heap_check(&cal));
	}
	sim_heap_ev a, b;
	while (sim_heap_pop(&plain, &a)) {
		assert_true(sim_heap_pop(&cal, &b));
		assert_int_equal(a.seq, b.seq);
	}
	assert_false(sim_heap_pop(&cal, &b));
	/* the run went through the far heap and the jumps */
	assert_true(far_seen > 0);
	assert_true(jumps > 0);
	sim_heap_free(&plain);
	sim_heap_free(&cal);
}

/* sim_heap_check sees a waiting event outside its bucket's time. */
static void test_calendar_check_sees_an_event_in_the_wrong_bucket(void **state)
{
	(void)state;
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 4), LE_OK);
	assert_int_equal(sim_heap_calendar(&h, 10, 8), LE_OK);
	assert_int_equal(sim_heap_calendar(&h, 10, 8), LE_ESTATE);
	for (int i = 0; i < 20; i++)
		assert_int_equal(sim_heap_push(&h, 3 * i, 1, 0, 0), LE_OK);
	assert_true(sim_heap_check(&h));
	sim_bucket *b = &h.b[(h.cur + 2) % h.nb]; /* times [20, 30) */
	assert_int_not_equal(b->head, SIM_WAIT_END);
	h.pool[b->head].ev[0].t_ns = 45;
	assert_false(sim_heap_check(&h));
	sim_heap_free(&h);
}

/* Events at the end of time (a deadline never due) do not overflow the
 * calendar's window: it turns into one heap first, in the same order. */
static void test_calendar_reaches_the_end_of_time(void **state)
{
	(void)state;
	sim_heap h;
	assert_int_equal(sim_heap_init(&h, 4), LE_OK);
	assert_int_equal(sim_heap_calendar(&h, 10, 8), LE_OK);
	assert_int_equal(sim_heap_push(&h, INT64_MAX, 1, 0, 3), LE_OK);
	assert_int_equal(sim_heap_push(&h, INT64_MAX - 25, 1, 0, 2), LE_OK);
	assert_int_equal(sim_heap_push(&h, 100, 1, 0, 1), LE_OK);
	sim_heap_ev ev;
	for (uint64_t want = 1; want <= 3; want++) {
		assert_true(sim_heap_pop(&h, &ev));
		assert_int_equal(ev.arg, want);
		assert_true(sim_heap_check(&h));
	}
	assert_int_equal(h.width, 0); /* flattened on the way */
	assert_false(sim_heap_pop(&h, &ev));
	sim_heap_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_heap_pops_nothing),
		cmocka_unit_test(test_equal_times_pop_in_push_order),
		cmocka_unit_test(test_random_push_pop_matches_sorted_reference),
		cmocka_unit_test(test_bulk_push_then_pop_is_sorted),
		cmocka_unit_test(test_heap_order_holds_after_every_operation),
		cmocka_unit_test(test_heap_check_sees_a_child_before_its_parent),
		cmocka_unit_test(test_front_holds_the_earliest_push),
		cmocka_unit_test(test_advance_is_a_removal_and_a_push),
		cmocka_unit_test(test_pop_from_corrupt_heap_aborts_naming_the_invariant),
		cmocka_unit_test(test_intact_heap_pops_to_empty_without_aborting),
		cmocka_unit_test(test_calendar_pops_what_the_heap_pops),
		cmocka_unit_test(test_calendar_check_sees_an_event_in_the_wrong_bucket),
		cmocka_unit_test(test_calendar_reaches_the_end_of_time),
	};
	return cmocka_run_group_tests_name("sim_heap", tests, NULL, NULL);
}
