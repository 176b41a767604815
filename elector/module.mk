# elector/: the sans-IO core + record codecs (libleaselab-core), the real-time
# I/O layer (libleaselab-io: libcurl transport, kubeconfig, le_run, status
# HTTP), and the sidecar binary.
LIBS += leaselab-core leaselab-io
leaselab-core_SRCS := $(wildcard elector/*.c)
leaselab-io_SRCS := $(wildcard elector/io/*.c)

ifneq ($(wildcard elector/cmd/elector.c),)
BINS += elector
elector_SRCS := elector/cmd/elector.c
elector_LIBS := leaselab-io leaselab-core
endif

ifneq ($(wildcard examples/embedded.c),)
EXAMPLES += bin/embedded
bin/embedded: build/rel/examples/embedded.o build/rel/libleaselab-io.a build/rel/libleaselab-core.a
	@mkdir -p bin
	$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS_ALL)
endif

# Unit tests by prefix: test_le_* link the core, test_io_* the I/O layer too.
LE_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_le_*.c))
IO_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_io_*.c))
UNIT_TESTS += $(LE_TESTS) $(IO_TESTS)
$(foreach t,$(LE_TESTS),$(eval $(t)_LIBS := leaselab-core))
$(foreach t,$(IO_TESTS),$(eval $(t)_LIBS := leaselab-io leaselab-fa leaselab-core))

ifneq ($(wildcard bench/bench_elector.c),)
BENCHES += bench_elector
bench_elector_SRCS := bench/bench_elector.c
bench_elector_LIBS := leaselab-fa leaselab-core
endif

ifneq ($(wildcard tests/fuzz/fuzz_record.c),)
FUZZERS += fuzz_record
fuzz_record_SRCS := $(wildcard elector/*.c)
endif

ifneq ($(wildcard tests/fuzz/fuzz_elector.c),)
FUZZERS += fuzz_elector
fuzz_elector_SRCS := $(wildcard elector/*.c)
endif

ifneq ($(wildcard tests/fuzz/fuzz_kube.c),)
FUZZERS += fuzz_kube
fuzz_kube_SRCS := $(wildcard elector/*.c elector/io/*.c)
endif
