# fake-apiserver/: the store, authz, faults, in-process transport
# (leaselab-fa, public: include/leaselab/fake_apiserver.h), the HTTP front
# end (leaselab-fahttp, private: its header is fake-apiserver/http/fahttp.h,
# so it is linked into bin/fake-apiserver only and not into libleaselab) and
# the binary.

LIBS += leaselab-fa leaselab-fahttp
PUBLIC_LIBS += leaselab-fa
leaselab-fa_SRCS := \
	fake-apiserver/authz.c \
	fake-apiserver/election.c \
	fake-apiserver/faults.c \
	fake-apiserver/object_json.c \
	fake-apiserver/rng.c \
	fake-apiserver/status.c \
	fake-apiserver/store.c
leaselab-fa_PKGS := libcjson
leaselab-fahttp_SRCS := \
	fake-apiserver/http/admin.c \
	fake-apiserver/http/discovery.c \
	fake-apiserver/http/election_driver.c \
	fake-apiserver/http/handler.c \
	fake-apiserver/http/journal.c \
	fake-apiserver/http/patch.c \
	fake-apiserver/http/reply.c \
	fake-apiserver/http/server.c \
	fake-apiserver/http/table.c \
	fake-apiserver/http/url.c \
	fake-apiserver/http/watch.c
PUBLIC_HEADERS += include/leaselab/fake_apiserver.h include/leaselab/election.h

BINS += fake-apiserver
fake-apiserver_SRCS := fake-apiserver/cmd/fake-apiserver.c
fake-apiserver_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core
# jemalloc (Debian's libjemalloc-dev; Redis's allocator too): a request is
# some hundred small allocations (evhttp's headers and buffers, cJSON trees),
# and glibc's malloc spent a fifth of the server's CPU on them. GET+PUT over
# 64 connections: 49.6k -> 59.4k req/s here (bench_fa_http, medians of 3).
# Only the binary: the libraries leave the allocator to their host.
fake-apiserver_LDLIBS := -ljemalloc

# Unit tests: test_fa_*.c link the store and the core; test_fahttp_*.c the
# HTTP front end too.
UNIT_GROUPS += fa fahttp
unit_fa_LIBS := leaselab-fa leaselab-core
unit_fahttp_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core

# Speaks HTTP to bin/fake-apiserver: no project library.
BENCHES += bench_fa_http
bench_fa_http_SRCS := bench/bench_fa_http.c bench/bench_json.c
bench_fa_http_LIBS :=

FUZZERS += fuzz_fa_request
fuzz_fa_request_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core

# Bytes in, bytes out through the real server (evhttp, server.c, the
# journal, authz).
FUZZERS += fuzz_fa_http
fuzz_fa_http_LIBS := leaselab-fahttp leaselab-io leaselab-fa leaselab-core

# The soak: bin/fake-apiserver --history-max under hours of CAS writes and
# watches, RSS sampled (short by default; --duration 3600 for the real one).
# Also a live helper, for tests/live/test_fa_soak.sh (with --no-json).
BENCHES += bench_fa_soak
bench_fa_soak_SRCS := bench/bench_fa_soak.c bench/bench_json.c
bench_fa_soak_LIBS :=
