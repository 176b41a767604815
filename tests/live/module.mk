# tests/live/NAME.c: helper programs for the live tests, built by make all
# into build/live/NAME with release flags and no project library: they talk
# to bin/* over HTTP like any other client. NAME_LDLIBS: only what they use,
# so they start fast (the crash test starts one per cycle). The scripts
# themselves (tests/live/test_*.sh) need no rule: ci/run-tests runs them all.

LIVE_HELPERS += fa_load
fa_load_SRCS := tests/live/fa_load.c
fa_load_LDLIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lpthread

# An LD_PRELOAD disk that loses unsynced writes (test_fa_crash_churn.sh):
# a shared object, so -shared among its link flags.
LIVE_HELPERS += syncshim.so
syncshim.so_SRCS := tests/live/syncshim.c
syncshim.so_LDLIBS := -shared -ldl

# out/bench.json from the command line: make bench checks the file's shape
# with it, test_bench_json.sh tests it (bench/bench_json.h has the format).
LIVE_HELPERS += bench_json
bench_json_SRCS := bench/bench_json.c bench/bench_json_cli.c
bench_json_LDLIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lm

# bench/bench_fa_soak.c as a live helper: tests/live/test_fa_soak.sh runs a
# short soak with --no-json --max-growth-kib.
LIVE_HELPERS += fa_soak
fa_soak_SRCS := bench/bench_fa_soak.c bench/bench_json.c
fa_soak_LDLIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lm
