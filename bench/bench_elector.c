/* bench_elector — what one tryAcquireOrRenew step costs the election core.
 *
 * A leader's renew step in steady state: the timer fires, the core queues a
 * SEND (the fast-path UPDATE), the answer comes back, the core logs and sets
 * its next timer. Measured in virtual time (the bench jumps to each deadline),
 * so the figure is CPU per step, with no waiting in it:
 *   1. answered by the bench itself (the core alone);
 *   2. answered by the fake-apiserver store through fa_store_lock_do (core +
 *      in-process store, the simulator's hot path);
 *   3. the slow path (GET then PUT, client-go-2018 profile) through the store.
 * Each figure is the median of RUNS runs of STEPS steps. Prints; asserts
 * nothing about speed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_json.h"
#include "bench_util.h"
#include "leaselab/elector.h"
#include "leaselab/fake_apiserver.h"

#define RUNS 7
#define STEPS 200000

static int64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The driver: a virtual clock and, optionally, a store. */
typedef struct bench_drv {
	le_elector *e;
	int64_t mono;
	fa_store *store;          /* NULL: the bench answers */
	fa_lock_scratch scratch;
	uint64_t rv;
	char rv_text[LE_RV_MAX];
	le_record echo;
	int sends;
} bench_drv;

static le_time now_of(const bench_drv *d)
{
	return (le_time){.mono_ns = d->mono, .wall_ns = d->mono + INT64_C(1700000000000000000)};
}

/* Answer every SEND queued by the last input; stop when none is left. */
static void pump(bench_drv *d)
{
	le_output o;
	le_request req;
	bool have = false;
	do {
		have = false;
		while (le_elector_next_output(d->e, &o)) {
			if (o.kind == LE_OUT_SEND) {
				req = *o.u.request;
				have = true;
			}
		}
		if (!have)
			return;
		d->sends++;
		le_response resp;
		if (d->store) {
			fa_store_lock_do(d->store, LE_LOCK_LEASES, "default", "bench",
					 &req, "pod-a", now_of(d).wall_ns, &d->scratch,
					 &resp);
		} else {
			/* the bench as a store that always agrees */
			memset(&resp, 0, sizeof resp);
			d->echo = req.record;
			snprintf(d->rv_text, sizeof d->rv_text, "%" PRIu64, ++d->rv);
			resp.id = req.id;
			resp.status = req.op == LE_OP_GET ? 404
				      : req.op == LE_OP_CREATE ? 201 : 200;
			if (resp.status != 404) {
				resp.record = &d->echo;
				resp.record_present = true;
				resp.resource_version = d->rv_text;
			}
		}
		le_elector_on_response(d->e, now_of(d), &resp, 0);
	} while (have);
}

static void setup(bench_drv *d, const le_profile *profile, bool with_store)
{
	memset(d, 0, sizeof *d);
	le_config c;
	le_config_defaults(&c);
	c.identity = "pod-a";
	c.lock_name = "bench";
	c.profile = profile;
	char err[256];
	d->e = le_elector_new(&c, err, sizeof err);
	if (!d->e) {
		fprintf(stderr, "bench_elector: %s\n", err);
		exit(4);
	}
	d->mono = INT64_C(1000000000000);
	if (with_store) {
		d->store = fa_store_new(42);
		if (!d->store) {
			fprintf(stderr, "bench_elector: fa_store_new failed\n");
			exit(4);
		}
		fa_store_set_history(d->store, false);
	}
	le_elector_start(d->e, now_of(d), 0);
	pump(d);
	if (!le_elector_leading(d->e)) {
		fprintf(stderr, "bench_elector: setup did not reach leadership\n");
		exit(4);
	}
}

static void teardown(bench_drv *d)
{
	le_elector_free(d->e);
	if (d->store)
		fa_store_free(d->store);
}

/* ns per renew step: timer -> SEND -> response (-> SEND -> response). */
static double run_once(const le_profile *profile, bool with_store)
{
	bench_drv d;
	setup(&d, profile, with_store);
	int64_t t0 = clock_ns();
	for (int i = 0; i < STEPS; i++) {
		d.mono = le_elector_next_deadline(d.e);
		le_elector_on_timer(d.e, now_of(&d), 0);
		pump(&d);
	}
	int64_t t1 = clock_ns();
	bool ok = le_elector_leading(d.e) && d.sends >= STEPS;
	teardown(&d);
	if (!ok) {
		fprintf(stderr, "bench_elector: lost leadership during the run\n");
		exit(4);
	}
	return (double)(t1 - t0) / STEPS;
}

static void report(const char *name, const char *what, const le_profile *profile,
		   bool with_store)
{
	double ns[RUNS];
	for (int r = 0; r < RUNS; r++)
		ns[r] = run_once(profile, with_store);
	qsort(ns, RUNS, sizeof ns[0], bench_cmp_double);
	printf("%-60s median %7.1f ns/step  (min %.1f, max %.1f; %d runs x %d steps)\n",
	       what, ns[RUNS / 2], ns[0], ns[RUNS - 1], RUNS, STEPS);
	bench_figure("bench_elector", name, ns[RUNS / 2], "ns/step", NULL, 0);
}

/* What one elector holds: idle (after le_elector_outputs_done, as the
 * simulator leaves 10,000 of them) and with its output block. */
static void report_memory(void)
{
	bench_drv d;
	setup(&d, &le_profile_client_go, false);
	size_t busy = le_elector_memory(d.e);
	le_elector_outputs_done(d.e);
	size_t idle = le_elector_memory(d.e);
	teardown(&d);
	printf("%-60s %zu bytes idle, %zu with its output block\n",
	       "one elector (identity pod-a, lock default/bench)", idle, busy);
	bench_figure("bench_elector", "elector_idle_bytes", (double)idle, "bytes", NULL, 0);
	bench_figure("bench_elector", "elector_busy_bytes", (double)busy, "bytes", NULL, 0);
}

int main(void)
{
	report_memory();
	report("elector_renew_core", "renew, fast path, answered by the bench (core only)",
	       &le_profile_client_go, false);
	report("elector_renew_store", "renew, fast path, through fa_store_lock_do",
	       &le_profile_client_go, true);
	report("elector_renew_getput_store",
	       "renew, slow path GET+PUT (client-go-2018), fa_store_lock_do",
	       &le_profile_client_go_2018, true);
	return 0;
}
