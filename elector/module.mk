# elector/: the sans-IO core + record codecs (leaselab-core), the real-time
# I/O layer (leaselab-io: libcurl transport, kubeconfig, le_run, status
# HTTP), the sidecar binary and the article's embedded program.
#
# Every list is explicit: a file named here that does not exist, or a .c file
# under elector/ that no list names, stops the build (see the Makefile).

LIBS += leaselab-core leaselab-io
PUBLIC_LIBS += leaselab-core leaselab-io
leaselab-core_SRCS := \
	elector/candidate.c \
	elector/duration.c \
	elector/elector.c \
	elector/json_escape.c \
	elector/log_format.c \
	elector/names.c \
	elector/profile.c \
	elector/record.c \
	elector/strerror.c \
	elector/timefmt.c
leaselab-core_PKGS := libcjson
leaselab-io_SRCS := \
	elector/io/clock.c \
	elector/io/events.c \
	elector/io/httpguard.c \
	elector/io/kubeconfig.c \
	elector/io/lockclient.c \
	elector/io/metrics.c \
	elector/io/run.c \
	elector/io/sidecar.c \
	elector/io/status_http.c \
	elector/io/transport_curl.c
leaselab-io_PKGS := libcjson libcurl yaml-0.1 libevent libcrypto
PUBLIC_HEADERS += \
	include/leaselab/candidate.h \
	include/leaselab/elector.h \
	include/leaselab/record.h \
	include/leaselab/kube.h \
	include/leaselab/run.h

BINS += elector
elector_SRCS := elector/cmd/elector.c
elector_LIBS := leaselab-io leaselab-core

# Built into bin/ by make all (tests/live/test_elector_embedded.sh runs it),
# not installed as a program: it is installed as an example's source, and
# tests/live/test_install.sh builds it against the installed library.
EXAMPLES += embedded
embedded_SRCS := examples/embedded.c
embedded_LIBS := leaselab-io leaselab-core

# Unit tests: tests/unit/test_le_*.c link the core; test_io_*.c the I/O layer,
# the in-process fake apiserver (their transport in tests) and the core.
UNIT_GROUPS += le io
unit_le_LIBS := leaselab-core
unit_io_LIBS := leaselab-io leaselab-fa leaselab-core

BENCHES += bench_elector
bench_elector_SRCS := bench/bench_elector.c bench/bench_json.c
bench_elector_LIBS := leaselab-fa leaselab-core

# Fuzz targets: tests/fuzz/NAME.c, compiled with clang together with the
# sources of NAME_LIBS.
FUZZERS += fuzz_record fuzz_elector fuzz_kube
fuzz_record_LIBS := leaselab-core
fuzz_elector_LIBS := leaselab-core
fuzz_kube_LIBS := leaselab-io leaselab-core
