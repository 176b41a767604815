# leaselab — top-level build.
#
# Each component describes itself in <dir>/module.mk (libraries, binaries, unit
# tests, benches, fuzz targets); this file turns those descriptions into rules.
# Two object trees: build/rel (release: bin/, make bench) and build/san
# (-fsanitize=address,undefined: unit tests in make check).

CC      ?= cc
CLANG   ?= clang
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PKGS    := libcjson libcurl yaml-0.1 libevent libevent_openssl libssl libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN    := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wno-unused-parameter
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS_COMMON := $(CSTD) $(WARN) -Iinclude -g $(PKG_CFLAGS) $(EXTRA_CFLAGS)
CFLAGS_REL := $(CFLAGS_COMMON) -O2
CFLAGS_SAN := $(CFLAGS_COMMON) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDLIBS_ALL := $(PKG_LIBS) -lm -lpthread

# Filled in by the module.mk files.
LIBS :=
BINS :=
UNIT_TESTS :=
BENCHES :=
FUZZERS :=
EXAMPLES :=

include $(sort $(wildcard */module.mk))

.PHONY: all check unit live scenarios bench fuzz format clean bootstrap check-browser
all: $(addprefix bin/,$(BINS)) $(EXAMPLES)

# ---- rules generated per library / binary / test --------------------------
# lib NAME: NAME_SRCS
define lib_rules
build/rel/lib$(1).a: $$(patsubst %.c,build/rel/%.o,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
build/san/lib$(1).a: $$(patsubst %.c,build/san/%.o,$$($(1)_SRCS))
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rules,$(l))))

libpath = $(foreach l,$(1),build/$(2)/lib$(l).a)

# bin NAME: NAME_SRCS, NAME_LIBS (in link order: users first)
define bin_rules
bin/$(1): $$(patsubst %.c,build/rel/%.o,$$($(1)_SRCS)) $$(call libpath,$$($(1)_LIBS),rel)
	@mkdir -p bin
	$$(CC) $$(CFLAGS_REL) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach b,$(BINS),$(eval $(call bin_rules,$(b))))

# unit test NAME: tests/unit/NAME.c, NAME_LIBS
define test_rules
build/tests/$(1): build/san/tests/unit/$(1).o $$(call libpath,$$($(1)_LIBS),san)
	@mkdir -p build/tests
	$$(CC) $$(CFLAGS_SAN) -o $$@ $$^ $$(CMOCKA_LIBS) $$(LDLIBS_ALL)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call test_rules,$(t))))

# bench NAME: NAME_SRCS, NAME_LIBS (release build)
define bench_rules
build/bench/$(1): $$(patsubst %.c,build/rel/%.o,$$($(1)_SRCS)) $$(call libpath,$$($(1)_LIBS),rel)
	@mkdir -p build/bench
	$$(CC) $$(CFLAGS_REL) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach b,$(BENCHES),$(eval $(call bench_rules,$(b))))

# fuzz target NAME: tests/fuzz/NAME.c + NAME_SRCS compiled with clang's libFuzzer
define fuzz_rules
build/fuzz/$(1): tests/fuzz/$(1).c $$($(1)_SRCS)
	@mkdir -p build/fuzz
	$$(CLANG) $$(CSTD) -Iinclude $$(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rules,$(f))))

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -MMD -MP -c -o $@ $<
build/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -MMD -MP -c -o $@ $<

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- entry points ---------------------------------------------------------
# make check: install what is missing, build everything, run every suite.
check: bootstrap
	$(MAKE) --no-print-directory -j$(JOBS) check-build
	ci/run-tests

.PHONY: check-build
check-build: all $(addprefix build/tests/,$(UNIT_TESTS))

bootstrap:
	@ci/bootstrap

unit: $(addprefix build/tests/,$(UNIT_TESTS))
	ci/run-tests --only unit

bench: all $(addprefix build/bench/,$(BENCHES))
	@for b in $(BENCHES); do echo "== $$b"; build/bench/$$b || exit 1; done

# make fuzz: build every target and run each for FUZZ_SECONDS (default 30).
FUZZ_SECONDS ?= 30
fuzz: $(addprefix build/fuzz/,$(FUZZERS))
	@for f in $(FUZZERS); do echo "== fuzz $$f ($(FUZZ_SECONDS)s)"; mkdir -p out/fuzz/$$f; \
	  dict=; [ -f tests/fuzz/$$f.dict ] && dict=-dict=tests/fuzz/$$f.dict; \
	  build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=out/fuzz/$$f- $$dict \
	    out/fuzz/$$f tests/fuzz/corpus/$$f > out/fuzz/$$f.log 2>&1 || { tail -n 40 out/fuzz/$$f.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|Done' out/fuzz/$$f.log | tail -n 2; done

check-browser: all
	@ci/bootstrap --browser
	ci/check-browser

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build bin out

.PHONY: demo
demo: bootstrap
	$(MAKE) --no-print-directory all
	bin/sim run scenarios/article/sidecar-demo.yaml scenarios/article/embedded-demo.yaml --out out/demo
