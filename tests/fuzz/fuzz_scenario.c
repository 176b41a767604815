/* Fuzz target: the scenario parser (sim_scenario_parse) on arbitrary bytes.
 *
 * Whatever the input, the parser must return (no crash, no leak under ASan,
 * no undefined behaviour under UBSan) and either produce a scenario that
 * keeps the promises sim.h makes, or an error that names the file. Seed
 * corpus: tests/fuzz/corpus/fuzz_scenario/ (the scenario library and the
 * unit test's bad inputs); tests/fuzz/fuzz_scenario.dict holds the format's
 * words:
 *   build/fuzz/fuzz_scenario -dict=tests/fuzz/fuzz_scenario.dict \
 *       -max_total_time=60 out/fuzz/fuzz_scenario tests/fuzz/corpus/fuzz_scenario
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leaselab/sim.h"

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_scenario s;
	char err[512];
	err[0] = 0;
	int rc = sim_scenario_parse((const char *)data, size, "fuzz.yaml", &s, err,
				    sizeof err);
	if (rc != LE_OK) {
		/* Every error says where: "fuzz.yaml:..." */
		check(rc < 0);
		check(strncmp(err, "fuzz.yaml:", 10) == 0);
		check(s.pods == NULL && s.faults == NULL && s.npods == 0);
		return 0;
	}
	check(s.duration_ns > 0);
	/* a timing: path fits its depth and each pick its points */
	check(s.timing.npath <= s.timing.depth || !s.timing.present || s.timing.critical);
	for (uint32_t i = 0; i < s.timing.npath; i++)
		check(s.timing.path[i] < s.timing.points);
	check(!s.controller.present || s.controller.informer_lag_ns >= 0);
	check(s.npods > 0 && s.pods != NULL);
	check(s.defaults.profile != NULL);
	for (size_t i = 0; i < s.npods; i++) {
		const sim_pod_spec *p = &s.pods[i];
		check(p->election.profile != NULL);
		check(p->name[0] != 0);
		check(p->election.lease_duration_ns > p->election.renew_deadline_ns);
		check(p->start_ns >= 0 && p->start_ns < s.duration_ns);
		check(p->clock_rate_ppm > -1000000);
	}
	for (size_t i = 0; i < s.nfaults; i++) {
		const sim_fault *f = &s.faults[i];
		check(f->at_ns >= 0 && f->at_ns < s.duration_ns);
		check(f->duration_ns >= 0 &&
		      f->duration_ns <= s.duration_ns - f->at_ns);
		check(f->nnames >= 0 && f->nnames <= SIM_SELECT_MAX);
		check(f->label[0] != 0);
	}
	sim_scenario_free(&s);
	return 0;
}
