# tests/live/fa_*.c: helper programs for the fake apiserver's live tests.
# Built by `make all` (through EXAMPLES) into build/live/, release flags, no
# project libraries: they talk to bin/* over HTTP like any other client.
# Linked with only what they use, so they start fast (the crash test starts
# one per cycle). Included from fake-apiserver/module.mk.
FA_LIVE_HELPERS := $(patsubst tests/live/%.c,build/live/%,$(wildcard tests/live/fa_*.c))
EXAMPLES += $(FA_LIVE_HELPERS)
FA_LIVE_LIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lpthread

$(FA_LIVE_HELPERS): build/live/%: tests/live/%.c
	@mkdir -p build/live
	$(CC) $(CFLAGS_REL) -o $@ $< $(FA_LIVE_LIBS)

# An LD_PRELOAD disk that loses unsynced writes (test_fa_crash_churn.sh).
EXAMPLES += build/live/syncshim.so
build/live/syncshim.so: tests/live/syncshim.c
	@mkdir -p build/live
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o $@ $< -ldl
