/* Fuzz target: the history reader (sim_history_read_jsonl) on arbitrary
 * bytes, and the checker on whatever it accepts.
 *
 * Whatever the input, the reader must return (no crash, no leak under ASan,
 * no undefined behaviour under UBSan) with either an error that names the
 * file and line, or a history that keeps the promises sim.h makes: events
 * in seq and time order, every index in range. The checker must then judge
 * it (its LE_ASSERTs on order and intervals must hold), against the
 * header's scenario when there is one. Seed corpus:
 * tests/fuzz/corpus/fuzz_history/ (histories the simulator wrote, cut
 * down, and the unit test's bad inputs):
 *   build/fuzz/fuzz_history -max_total_time=60 out/fuzz/fuzz_history \
 *       tests/fuzz/corpus/fuzz_history
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "leaselab/sim.h"

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static void judge(const sim_scenario *sc, const sim_history *h)
{
	sim_check_result r;
	int rc = sim_check(sc, h, &r);
	check(rc == LE_OK || rc == LE_ENOMEM);
	check(r.exit_code >= SIM_EXIT_PASS && r.exit_code <= SIM_EXIT_INTERNAL);
	for (size_t i = 0; i < r.nleading; i++)
		check(r.leading[i].start_ns <= r.leading[i].end_ns);
	sim_check_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	sim_history h;
	sim_scenario sc;
	char err[512];
	err[0] = 0;
	int rc = sim_history_read_jsonl(f, "fuzz.jsonl", &h, &sc, err, sizeof err);
	fclose(f);
	if (rc != LE_OK) {
		check(rc < 0);
		check(strncmp(err, "fuzz.jsonl:", 11) == 0);
		check(h.n == 0 && h.ev == NULL && h.npods == 0);
		check(sc.pods == NULL && sc.faults == NULL);
		return 0;
	}
	for (size_t i = 0; i < h.n; i++) {
		const sim_event *e = &h.ev[i];
		check(i == 0 || e->t_ns >= h.ev[i - 1].t_ns);
		check(e->pod >= -1 && (e->pod < 0 || (size_t)e->pod < h.npods));
		check(e->holder >= -1 &&
		      (e->holder < 0 || (size_t)e->holder < h.nidentities));
	}
	for (size_t i = 0; i < h.npods; i++)
		check(h.pods[i].identity >= 0 &&
		      (size_t)h.pods[i].identity < h.nidentities);
	check(sc.npods > 0 && sc.pods != NULL);
	judge(&sc, &h);
	sim_scenario_free(&sc);
	sim_history_free(&h);
	return 0;
}
