# fake-apiserver/: the store (with its in-process lock path), authz, faults
# (libleaselab-fa), the HTTP front end (libleaselab-fahttp) and the binary.
LIBS += leaselab-fa leaselab-fahttp
leaselab-fa_SRCS := $(wildcard fake-apiserver/*.c)
leaselab-fahttp_SRCS := $(wildcard fake-apiserver/http/*.c)

ifneq ($(wildcard fake-apiserver/cmd/fake-apiserver.c),)
BINS += fake-apiserver
fake-apiserver_SRCS := fake-apiserver/cmd/fake-apiserver.c
fake-apiserver_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core
endif

FA_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_fa_*.c))
FAH_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_fahttp_*.c))
UNIT_TESTS += $(FA_TESTS) $(FAH_TESTS)
$(foreach t,$(FA_TESTS),$(eval $(t)_LIBS := leaselab-fa leaselab-core))
$(foreach t,$(FAH_TESTS),$(eval $(t)_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core))

# The live tests' helper programs (tests/live/module.mk; the top Makefile
# only reads */module.mk).
-include tests/live/module.mk

ifneq ($(wildcard bench/bench_fa_http.c),)
BENCHES += bench_fa_http
bench_fa_http_SRCS := bench/bench_fa_http.c
bench_fa_http_LIBS :=
endif

ifneq ($(wildcard tests/fuzz/fuzz_fa_request.c),)
FUZZERS += fuzz_fa_request
fuzz_fa_request_SRCS := $(wildcard fake-apiserver/*.c fake-apiserver/http/*.c elector/*.c) elector/io/httpguard.c
endif

# Bytes in, bytes out through the real server (evhttp, server.c, the
# journal, authz): issue 14.
ifneq ($(wildcard tests/fuzz/fuzz_fa_http.c),)
FUZZERS += fuzz_fa_http
fuzz_fa_http_SRCS := $(wildcard fake-apiserver/*.c fake-apiserver/http/*.c elector/*.c) elector/io/httpguard.c
endif
