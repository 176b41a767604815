/* Unit tests for the progress bar (sim/progress.c): silent when not a
 * terminal, the figures it draws, the redraw rate, clear and finish. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leaselab/progress.h"

/* Everything written to f so far, NUL-terminated (static buffer). */
static const char *contents(FILE *f)
{
	static char buf[4096];
	fflush(f);
	long n = ftell(f);
	rewind(f);
	size_t got =
	    fread(buf, 1, n > 0 && n < (long)sizeof buf ? (size_t)n : 0, f);
	buf[got] = '\0';
	fseek(f, 0, SEEK_END);
	return buf;
}

static void test_not_a_terminal_prints_nothing(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	sim_progress p;
	sim_progress_init(&p, f, 100, 0.0);
	assert_false(p.enabled); /* a regular file */
	for (uint64_t i = 1; i <= 100; i++)
		sim_progress_update(&p, i, (double)i);
	sim_progress_clear(&p);
	sim_progress_finish(&p, 200.0);
	assert_string_equal(contents(f), "");
	fclose(f);
}

static void test_bar_shows_done_rate_and_eta(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	sim_progress p;
	sim_progress_init(&p, f, 1000, 10.0);
	p.enabled = true;
	sim_progress_update(&p, 250, 15.0); /* 50 seeds/s, 750 left: 15 s */
	const char *s = contents(f);
	assert_non_null(strstr(s, "[######..................] 250/1000 seeds"));
	assert_non_null(strstr(s, "  50 seeds/s"));
	assert_non_null(strstr(s, "ETA 0:15"));
	fclose(f);
}

static void test_redraws_at_most_ten_times_a_second(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	sim_progress p;
	sim_progress_init(&p, f, 1000, 0.0);
	p.enabled = true;
	for (uint64_t i = 1; i < 1000; i++)
		sim_progress_update(&p, i, (double)i * 0.001); /* ~1 s in all */
	const char *s = contents(f);
	size_t draws = 0;
	for (const char *q = s; (q = strstr(q, "seeds/s")); q++)
		draws++;
	assert_true(draws >= 9 && draws <= 11);
	fclose(f);
}

static void test_finish_ends_the_line_with_the_total_time(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	sim_progress p;
	sim_progress_init(&p, f, 4, 0.0);
	p.enabled = true;
	sim_progress_update(&p, 2, 1.0);
	sim_progress_clear(&p);
	assert_false(p.drawn);
	sim_progress_update(&p, 4, 2.0); /* reaching the total always draws */
	sim_progress_finish(&p, 2.0);
	const char *s = contents(f);
	assert_non_null(strstr(s, "4/4 seeds  2 seeds/s  in 2.0 s\n"));
	assert_null(strstr(s, "ETA 0:00\n"));
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_a_terminal_prints_nothing),
	    cmocka_unit_test(test_bar_shows_done_rate_and_eta),
	    cmocka_unit_test(test_redraws_at_most_ten_times_a_second),
	    cmocka_unit_test(test_finish_ends_the_line_with_the_total_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
