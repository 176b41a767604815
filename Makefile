# leaselab — top-level build.
#
# Each component describes itself in a module.mk (MODULES below): libraries,
# binaries, examples, unit-test groups, benches, fuzz targets, live-test
# helpers, public headers. This file checks those descriptions against the
# tree (a listed file that is missing, a .c file no list names, a unit test
# with an unknown prefix: each stops the build and says what to change where)
# and turns them into rules. Object trees: build/rel (release, -fPIC: bin/,
# libleaselab, make bench) and build/san (-fsanitize=address,undefined: the
# unit tests in make check). tests/README.md says which test links what.

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
CFLAGS_REL := $(CFLAGS_COMMON) -O2 -fPIC
CFLAGS_SAN := $(CFLAGS_COMMON) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDLIBS_ALL := $(PKG_LIBS) -lm -lpthread

# VERSION is the one place the version is written: the shared library's real
# name and soname, leaselab.pc and the install test read it from here.
$(if $(wildcard VERSION),,$(error VERSION is missing: it holds the version, one line, e.g. 0.2.0))
VERSION := $(strip $(file <VERSION))
ifneq ($(words $(subst ., ,$(VERSION))),3)
$(error VERSION: "$(VERSION)" is not MAJOR.MINOR.PATCH (the file holds one line, e.g. 0.2.0))
endif
SOMAJOR  := $(firstword $(subst ., ,$(VERSION)))
SONAME   := libleaselab.so.$(SOMAJOR)
REALNAME := libleaselab.so.$(VERSION)

# ---- the build description ------------------------------------------------
# Every module.mk is named here; one that is not is an error below, so a
# component cannot drop out (or in) by a file appearing or disappearing.
MODULES := \
	elector/module.mk \
	fake-apiserver/module.mk \
	sim/module.mk \
	reports/module.mk \
	tests/live/module.mk

# What a module.mk may declare (each NAME added to one of these lists):
#   LIBS         NAME_SRCS (.c files), NAME_PKGS (pkg-config names it needs)
#   PUBLIC_LIBS  the LIBS that go into libleaselab (their headers are installed)
#   BINS         NAME_SRCS, NAME_LIBS (link order: users first) -> bin/NAME, installed
#   EXAMPLES     NAME_SRCS, NAME_LIBS -> bin/NAME, built by make all, not installed
#   BENCHES      NAME_SRCS, NAME_LIBS -> build/bench/NAME (make bench)
#   FUZZERS      tests/fuzz/NAME.c + the sources of NAME_LIBS, clang -> build/fuzz/NAME
#   LIVE_HELPERS NAME_SRCS, NAME_LDLIBS -> build/live/NAME (no project library)
#   UNIT_GROUPS  G: tests/unit/test_G_*.c link unit_G_LIBS (ASan+UBSan)
#   PUBLIC_HEADERS  include/leaselab/*.h installed by make install
KINDS := LIBS BINS EXAMPLES BENCHES FUZZERS LIVE_HELPERS UNIT_GROUPS PUBLIC_HEADERS
$(foreach k,$(KINDS) PUBLIC_LIBS,$(eval $(k) :=))

# Include each module.mk, remembering which one declared what (mk_KIND_NAME),
# so that an error can name the file to edit.
define include_module
$$(foreach k,$$(KINDS),$$(eval _before_$$(k) := $$($$(k))))
include $(1)
$$(foreach k,$$(KINDS),$$(foreach n,$$(filter-out $$(_before_$$(k)),$$($$(k))),$$(eval mk_$$(k)_$$(n) := $(1))))
endef
$(foreach m,$(MODULES),$(eval $(call include_module,$(m))))

# ---- the description checked against the tree ----------------------------
# Each problem is printed on its own line; then the build stops, so that one
# run lists everything there is to fix.
BUILD_PROBLEMS :=
, := ,
problem = $(info error: $(1))$(eval BUILD_PROBLEMS += x)

$(foreach m,$(filter-out $(MODULES),$(wildcard */module.mk */*/module.mk)),\
  $(call problem,$(m) exists but the Makefile does not read it: add it to MODULES in the Makefile))

# A file named in a list must exist (a rename must be made in the list too).
$(foreach k,LIBS BINS EXAMPLES BENCHES LIVE_HELPERS,$(foreach n,$($(k)),\
  $(if $($(n)_SRCS),,$(call problem,$(mk_$(k)_$(n)): $(n) is in $(k) but $(n)_SRCS lists no file))\
  $(foreach f,$($(n)_SRCS),$(if $(wildcard $(f)),,\
    $(call problem,$(mk_$(k)_$(n)): $(f) is listed in $(n)_SRCS but does not exist (renamed? change the name in $(mk_$(k)_$(n)) too; removed? take it out of $(n)_SRCS))))))
$(foreach n,$(FUZZERS),$(if $(wildcard tests/fuzz/$(n).c),,\
  $(call problem,$(mk_FUZZERS_$(n)): FUZZERS names $(n) but tests/fuzz/$(n).c does not exist)))
$(foreach h,$(PUBLIC_HEADERS),$(if $(wildcard $(h)),,\
  $(call problem,$(mk_PUBLIC_HEADERS_$(h)): $(h) is listed in PUBLIC_HEADERS but does not exist)))
$(foreach h,$(filter-out $(PUBLIC_HEADERS),$(wildcard include/leaselab/*.h)),\
  $(call problem,$(h) is in no PUBLIC_HEADERS list$(,) so make install would leave it out: add "PUBLIC_HEADERS += $(h)" to the module.mk of its component (headers only the tree uses go in include/leaselab/internal/)))

# Every library a thing links must be one a module.mk declares.
$(foreach k,BINS EXAMPLES BENCHES FUZZERS,$(foreach n,$($(k)),$(foreach l,$($(n)_LIBS),$(if $(filter $(l),$(LIBS)),,\
  $(call problem,$(mk_$(k)_$(n)): $(n)_LIBS names $(l)$(,) which is not in LIBS (known: $(LIBS)))))))
$(foreach g,$(UNIT_GROUPS),$(foreach l,$(unit_$(g)_LIBS),$(if $(filter $(l),$(LIBS)),,\
  $(call problem,$(mk_UNIT_GROUPS_$(g)): unit_$(g)_LIBS names $(l)$(,) which is not in LIBS (known: $(LIBS))))))
$(foreach l,$(PUBLIC_LIBS),$(if $(filter $(l),$(LIBS)),,$(call problem,PUBLIC_LIBS names $(l)$(,) which is not in LIBS)))

# Every .c file in a component folder must be named by some list: a new file
# is not built (or left out) without anyone deciding which.
SRC_DIRS := elector fake-apiserver sim reports examples bench tests/fuzz tests/live
LISTED_SRCS := $(foreach k,LIBS BINS EXAMPLES BENCHES LIVE_HELPERS,$(foreach n,$($(k)),$($(n)_SRCS))) \
	$(patsubst %,tests/fuzz/%.c,$(FUZZERS))
FOUND_SRCS := $(sort $(shell find $(SRC_DIRS) -path tests/fuzz/corpus -prune -o -name '*.c' -print 2>/dev/null))
# libs_in_dir DIR: the libraries whose sources live in DIR.
libs_in_dir = $(strip $(foreach l,$(LIBS),$(if $(filter $(1),$(dir $($(l)_SRCS))),$(l))))
# module_of FILE: the module.mk of FILE's top folder.
module_of = $(firstword $(filter $(firstword $(subst /, ,$(1)))/%,$(MODULES)) elector/module.mk)
unlisted_hint = $(strip \
  $(if $(filter tests/fuzz/%,$(1)),a fuzz target: add "FUZZERS += $(basename $(notdir $(1)))" and "$(basename $(notdir $(1)))_LIBS := <the libraries it fuzzes>" to the module.mk of the component it fuzzes,\
  $(if $(filter bench/%,$(1)),a bench: add "BENCHES += $(basename $(notdir $(1)))"$(,) "$(basename $(notdir $(1)))_SRCS := $(1)" and "$(basename $(notdir $(1)))_LIBS := ..." to the module.mk of the component it measures,\
  $(if $(filter tests/live/%,$(1)),a live-test helper: add "LIVE_HELPERS += $(basename $(notdir $(1)))"$(,) "$(basename $(notdir $(1)))_SRCS := $(1)" and "$(basename $(notdir $(1)))_LDLIBS := ..." to tests/live/module.mk,\
  $(if $(filter examples/%,$(1)),an example: add "EXAMPLES += $(basename $(notdir $(1)))"$(,) "$(basename $(notdir $(1)))_SRCS := $(1)" and "$(basename $(notdir $(1)))_LIBS := ..." to elector/module.mk,\
  $(if $(findstring /cmd/,$(1)),a program: add "BINS += $(basename $(notdir $(1)))"$(,) "$(basename $(notdir $(1)))_SRCS := $(1)" and "$(basename $(notdir $(1)))_LIBS := ..." to $(call module_of,$(1)),\
  $(if $(call libs_in_dir,$(dir $(1))),add it to $(call libs_in_dir,$(dir $(1)))_SRCS in $(call module_of,$(1)),\
  add it to the _SRCS of the library it belongs to in $(call module_of,$(1)) (libraries there: $(strip $(foreach l,$(LIBS),$(if $(filter $(call module_of,$(1)),$(mk_LIBS_$(l))),$(l))))); or declare a new one there: "LIBS += NAME"$(,) "NAME_SRCS := ..."$(,) "NAME_PKGS := ..."$(,) and "PUBLIC_LIBS += NAME" if it goes into libleaselab)))))))
$(foreach f,$(filter-out $(LISTED_SRCS),$(FOUND_SRCS)),\
  $(call problem,$(f) is in no module.mk list$(,) so nothing would build it: $(call unlisted_hint,$(f))))

# Unit tests are found by name: tests/unit/test_G_*.c for a G in UNIT_GROUPS
# links unit_G_LIBS. A name without a known prefix is an error, not a test
# that silently never runs. (Headers there are shared fixtures.)
unit_group_of = $(strip $(foreach g,$(UNIT_GROUPS),$(if $(filter test_$(g)_%,$(1)),$(g))))
UNIT_PREFIX_HELP := $(foreach g,$(UNIT_GROUPS),test_$(g)_* links $(patsubst leaselab-%,libleaselab-%,$(unit_$(g)_LIBS));)
UNIT_TESTS :=
$(foreach t,$(patsubst tests/unit/%.c,%,$(wildcard tests/unit/*.c)),\
  $(if $(call unit_group_of,$(t)),\
    $(eval UNIT_TESTS += $(t))$(eval $(t)_LIBS := $(unit_$(call unit_group_of,$(t))_LIBS)),\
    $(call problem,tests/unit/$(t).c: a unit test's name must start with a known prefix$(,) which says what it links against: $(UNIT_PREFIX_HELP) rename it$(,) or add a group in a module.mk ("UNIT_GROUPS += G" and "unit_G_LIBS := ..."); see tests/README.md)))

ifneq ($(BUILD_PROBLEMS),)
$(error the build description does not match the tree ($(words $(BUILD_PROBLEMS)) problem(s) above); see tests/README.md, "The build checks itself")
endif

.PHONY: all lib check check-build unit live scenarios bench fuzz format format-all clean bootstrap check-browser demo install uninstall
all: $(addprefix bin/,$(BINS) $(EXAMPLES)) $(addprefix build/live/,$(LIVE_HELPERS)) lib

# ---- rules generated per library / binary / test --------------------------
objs = $(patsubst %.c,build/$(2)/%.o,$(1))
libpath = $(foreach l,$(1),build/$(2)/lib$(l).a)

# lib NAME: NAME_SRCS
define lib_rules
build/rel/lib$(1).a: $$(call objs,$$($(1)_SRCS),rel)
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
build/san/lib$(1).a: $$(call objs,$$($(1)_SRCS),san)
	@mkdir -p $$(dir $$@); rm -f $$@; ar rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rules,$(l))))

# bin or example NAME: NAME_SRCS, NAME_LIBS, NAME_LDLIBS (system libraries
# only it needs). Linked with the component archives, so bin/* need no
# libleaselab.so at run time.
define bin_rules
bin/$(1): $$(call objs,$$($(1)_SRCS),rel) $$(call libpath,$$($(1)_LIBS),rel)
	@mkdir -p bin
	$$(CC) $$(CFLAGS_REL) -o $$@ $$^ $$(LDLIBS_ALL) $$($(1)_LDLIBS)
endef
$(foreach b,$(BINS) $(EXAMPLES),$(eval $(call bin_rules,$(b))))

# unit test NAME: tests/unit/NAME.c, NAME_LIBS (from its prefix's group)
define test_rules
build/tests/$(1): build/san/tests/unit/$(1).o $$(call libpath,$$($(1)_LIBS),san)
	@mkdir -p build/tests
	$$(CC) $$(CFLAGS_SAN) -o $$@ $$^ $$(CMOCKA_LIBS) $$(LDLIBS_ALL)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call test_rules,$(t))))

# bench NAME: NAME_SRCS, NAME_LIBS (release build)
define bench_rules
build/bench/$(1): $$(call objs,$$($(1)_SRCS),rel) $$(call libpath,$$($(1)_LIBS),rel)
	@mkdir -p build/bench
	$$(CC) $$(CFLAGS_REL) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach b,$(BENCHES),$(eval $(call bench_rules,$(b))))

# fuzz target NAME: tests/fuzz/NAME.c + the sources of NAME_LIBS, compiled
# in one go with clang's libFuzzer.
define fuzz_rules
build/fuzz/$(1): tests/fuzz/$(1).c $$(foreach l,$$($(1)_LIBS),$$($$(l)_SRCS))
	@mkdir -p build/fuzz
	$$(CLANG) $$(CSTD) -Iinclude $$(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rules,$(f))))

# live-test helper NAME: NAME_SRCS, NAME_LDLIBS
define live_rules
build/live/$(1): $$($(1)_SRCS)
	@mkdir -p build/live
	$$(CC) $$(CFLAGS_REL) -o $$@ $$^ $$($(1)_LDLIBS)
endef
$(foreach h,$(LIVE_HELPERS),$(eval $(call live_rules,$(h))))

# Each object tree remembers the flags it was built with: a change of flags
# (a new -fPIC, EXTRA_CFLAGS) rebuilds the tree instead of linking objects
# compiled another way. The stamp is rewritten only when the flags differ,
# and while the Makefile is read, so make -q still answers truthfully.
flags_stamp = $(shell mkdir -p build/$(1) && { echo '$(CC) $(2)' | cmp -s - build/$(1)/.flags || echo '$(CC) $(2)' > build/$(1)/.flags; })
$(call flags_stamp,rel,$(CFLAGS_REL))
$(call flags_stamp,san,$(CFLAGS_SAN))

build/rel/%.o: %.c build/rel/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -MMD -MP -c -o $@ $<
build/san/%.o: %.c build/san/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -MMD -MP -c -o $@ $<

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- libleaselab: what make install ships ----------------------------------
# The PUBLIC_LIBS (the components whose header is installed) in one static
# and one shared library. The shared library exports exactly the le_ fa_
# sim_ rep_ names the installed headers declare (a version script made from
# them, comments stripped), so the components' private helpers (fa__*, le_curl_*, ...) stay
# local. PUBLIC_LIBS' NAME_PKGS become leaselab.pc's Requires.private, so
# static linking finds them too.
LIB_OBJS := $(call objs,$(foreach l,$(PUBLIC_LIBS),$($(l)_SRCS)),rel)
LIB_PKGS := $(sort $(foreach l,$(PUBLIC_LIBS),$($(l)_PKGS)))
LIB_PRIVATE := -lm -lpthread
EXPORT_PREFIXES := le|fa|sim|rep
LIB_FILES := build/lib/libleaselab.a build/lib/$(REALNAME) build/lib/$(SONAME) build/lib/libleaselab.so

lib: $(LIB_FILES)

build/lib/libleaselab.a: $(LIB_OBJS)
	@mkdir -p $(dir $@); rm -f $@; ar rcs $@ $^
build/lib/leaselab.map: $(PUBLIC_HEADERS) Makefile VERSION
	@mkdir -p $(dir $@)
	{ printf 'LEASELAB_%s {\n  global:\n' $(SOMAJOR); \
	  cat $(PUBLIC_HEADERS) | $(CC) -fpreprocessed -dD -E -P -x c - | grep -oE '\b($(EXPORT_PREFIXES))_[a-z0-9][A-Za-z0-9_]*' | sort -u | sed 's/.*/    &;/'; \
	  printf '  local:\n    *;\n};\n'; } > $@
build/lib/$(REALNAME): $(LIB_OBJS) build/lib/leaselab.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=build/lib/leaselab.map -Wl,--no-undefined \
	  -o $@ $(LIB_OBJS) $(shell pkg-config --libs $(LIB_PKGS) 2>/dev/null) $(LIB_PRIVATE)
build/lib/$(SONAME): build/lib/$(REALNAME)
	ln -sf $(REALNAME) $@
build/lib/libleaselab.so: build/lib/$(SONAME)
	ln -sf $(SONAME) $@

# ---- make install / make uninstall -----------------------------------------
# make install PREFIX=/usr/local [DESTDIR=/staging] [LIBDIR=...]: only copies
# what make all built (it builds what is missing first).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DOCDIR     ?= $(PREFIX)/share/doc/leaselab
INSTALL    ?= install
DOCS       := README.md $(sort $(wildcard docs/*.md))
DOC_EXAMPLES := $(foreach e,$(EXAMPLES),$($(e)_SRCS))
D := $(DESTDIR)

install uninstall: install-dirs-check
.PHONY: install-dirs-check
install-dirs-check:
	@case "$(PREFIX)" in /*) ;; *) echo "make install: PREFIX must be an absolute path (PREFIX=$(PREFIX))" >&2; exit 3;; esac

install: all
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(LIBDIR) $(D)$(PKGCONFIGDIR) $(D)$(INCLUDEDIR)/leaselab $(D)$(DOCDIR)/examples
	$(INSTALL) -m 755 $(addprefix bin/,$(BINS)) $(D)$(BINDIR)/
	$(INSTALL) -m 644 build/lib/libleaselab.a $(D)$(LIBDIR)/
	$(INSTALL) -m 755 build/lib/$(REALNAME) $(D)$(LIBDIR)/
	ln -sf $(REALNAME) $(D)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(D)$(LIBDIR)/libleaselab.so
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) $(D)$(INCLUDEDIR)/leaselab/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' -e 's|@REQUIRES_PRIVATE@|$(LIB_PKGS)|g' -e 's|@LIBS_PRIVATE@|$(LIB_PRIVATE)|g' \
	    leaselab.pc.in > $(D)$(PKGCONFIGDIR)/leaselab.pc
	chmod 644 $(D)$(PKGCONFIGDIR)/leaselab.pc
	$(INSTALL) -m 644 $(DOCS) $(D)$(DOCDIR)/
	$(INSTALL) -m 644 $(DOC_EXAMPLES) $(D)$(DOCDIR)/examples/

# Removes what make install put there (the same lists), and the folders that
# are leaselab's own; shared folders (bin/, lib/, ...) stay.
uninstall:
	rm -f $(addprefix $(D)$(BINDIR)/,$(BINS))
	rm -f $(addprefix $(D)$(LIBDIR)/,libleaselab.a $(REALNAME) $(SONAME) libleaselab.so)
	rm -f $(D)$(PKGCONFIGDIR)/leaselab.pc
	rm -f $(addprefix $(D)$(INCLUDEDIR)/leaselab/,$(notdir $(PUBLIC_HEADERS)))
	rm -f $(addprefix $(D)$(DOCDIR)/,$(notdir $(DOCS))) $(addprefix $(D)$(DOCDIR)/examples/,$(notdir $(DOC_EXAMPLES)))
	-rmdir $(D)$(INCLUDEDIR)/leaselab $(D)$(DOCDIR)/examples $(D)$(DOCDIR) 2>/dev/null

# ---- entry points ---------------------------------------------------------
# The entry points build on all cores: -j$(JOBS), unless make was given a -j
# of its own (then the sub-make shares its jobserver).
SUBMAKE = $(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

# make check: install what is missing, build everything on all cores, run
# every suite (unit, live, including the install test).
check: bootstrap
	$(SUBMAKE) check-build
	ci/run-tests

# (the fuzz targets too: tests/live/test_fuzz_corpus.sh replays their seeds)
check-build: all $(addprefix build/tests/,$(UNIT_TESTS)) $(addprefix build/fuzz/,$(FUZZERS))

bootstrap:
	@ci/bootstrap

unit: bootstrap
	$(SUBMAKE) $(addprefix build/tests/,$(UNIT_TESTS))
	ci/run-tests --only unit

# make live: the end-to-end scripts tests/live/test_*.sh (they use bin/*).
live: bootstrap
	$(SUBMAKE) all $(addprefix build/fuzz/,$(FUZZERS))
	ci/run-tests --only live

# make scenarios: every scenario of the library through bin/sim, one line
# each (SIM_SUITE_SEEDS seeds, default 10); what make check's
# test_sim_suite runs.
scenarios: bootstrap
	$(SUBMAKE) bin/sim
	bash tests/live/test_sim_suite.sh

# make bench: every bench in turn; each also writes its figures (name,
# value, unit, the baseline measured in the same run, ratio) into
# out/bench.json, started afresh here and checked at the end
# (bench/bench_json.h has the format).
bench: all $(addprefix build/bench/,$(BENCHES))
	@mkdir -p out; rm -f out/bench.json
	@for b in $(BENCHES); do echo "== $$b"; build/bench/$$b || exit 1; done
	@build/live/bench_json check out/bench.json && echo "out/bench.json: shape checked"

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

# The tree is not clang-format clean as a whole (older files keep their
# hand layout), so `make format` touches only the C files changed against
# HEAD (staged, unstaged or new); `make format-all` rewrites every one.
format:
	@files=$$( { git diff --name-only HEAD; git ls-files --others --exclude-standard; } | grep -E '\.(c|h)$$' | sort -u | while read -r f; do [ -f "$$f" ] && echo "$$f"; done); \
	if [ -n "$$files" ]; then echo "clang-format -i $$files"; clang-format -i $$files; else echo "make format: no changed C files"; fi
format-all:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build bin out

demo: bootstrap
	$(SUBMAKE) all
	bin/sim run scenarios/article/sidecar-demo.yaml scenarios/article/embedded-demo.yaml --out out/demo

# The same demo with real processes: three bin/elector sidecars against
# bin/fake-apiserver, the leader killed for real, judged by the same checker
# (docs/live.md). About 15 s.
.PHONY: demo-live
demo-live: bootstrap
	$(SUBMAKE) all $(addprefix build/fuzz/,$(FUZZERS))
	bin/sim live scenarios/live/sidecar-kill-demo.yaml --time-scale 0.3 --out out/demo-live
