/* bench/bench_json_cli.c — build/live/bench_json, the command-line side of
 * out/bench.json (format in bench/bench_json.h):
 *
 *   bench_json check FILE
 *   bench_json add FILE BENCH NAME VALUE UNIT [BASELINE-NAME BASELINE-VALUE]
 *
 * make bench runs "check" on what its benches wrote; scripts add figures
 * they measure outside C. Exit 0, or 3 with one line on stderr for a bad
 * file or bad arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_json.h"

static int usage(void)
{
	fprintf(stderr, "usage: bench_json check FILE\n"
			"       bench_json add FILE BENCH NAME VALUE UNIT [BASELINE-NAME BASELINE-VALUE]\n");
	return 3;
}

static int number(const char *what, const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	if (!*s || *end || !isfinite(*out)) {
		fprintf(stderr, "bench_json: %s: \"%s\" is not a finite number\n", what, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[1024];
	if (argc == 3 && strcmp(argv[1], "check") == 0) {
		if (bench_json_check(argv[2], err, sizeof err)) {
			fprintf(stderr, "bench_json: %s\n", err);
			return 3;
		}
		return 0;
	}
	if ((argc == 7 || argc == 9) && strcmp(argv[1], "add") == 0) {
		double v, bv = 0;
		if (number("VALUE", argv[5], &v) ||
		    (argc == 9 && number("BASELINE-VALUE", argv[8], &bv)))
			return 3;
		if (argc == 9 && !(bv > 0)) {
			fprintf(stderr, "bench_json: BASELINE-VALUE: must be positive, not %s\n", argv[8]);
			return 3;
		}
		if (bench_json_add(argv[2], argv[3], argv[4], v, argv[6], argc == 9 ? argv[7] : NULL,
				   bv, err, sizeof err)) {
			fprintf(stderr, "bench_json: %s\n", err);
			return 3;
		}
		return 0;
	}
	return usage();
}
