# sim/: virtual time, nodes, network, scenario parser, checker
# (libleaselab-sim), and the sim binary. reports/: libleaselab-rep.
LIBS += leaselab-sim leaselab-rep
leaselab-sim_SRCS := $(wildcard sim/*.c)
leaselab-rep_SRCS := $(wildcard reports/*.c)

ifneq ($(wildcard sim/cmd/sim.c),)
BINS += sim
sim_SRCS := sim/cmd/sim.c sim/cmd/explore.c
sim_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core
endif

SIM_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_sim_*.c))
REP_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_rep_*.c))
UNIT_TESTS += $(SIM_TESTS) $(REP_TESTS)
$(foreach t,$(SIM_TESTS),$(eval $(t)_LIBS := leaselab-sim leaselab-fa leaselab-core))
$(foreach t,$(REP_TESTS),$(eval $(t)_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core))

ifneq ($(wildcard bench/bench_sim.c),)
BENCHES += bench_sim
bench_sim_SRCS := bench/bench_sim.c
bench_sim_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core
endif

ifneq ($(wildcard tests/fuzz/fuzz_scenario.c),)
FUZZERS += fuzz_scenario
fuzz_scenario_SRCS := $(wildcard sim/*.c fake-apiserver/*.c elector/*.c)
endif

ifneq ($(wildcard tests/fuzz/fuzz_history.c),)
FUZZERS += fuzz_history
fuzz_history_SRCS := $(wildcard sim/*.c fake-apiserver/*.c elector/*.c)
endif

ifneq ($(wildcard bench/bench_reports.c),)
BENCHES += bench_reports
bench_reports_SRCS := bench/bench_reports.c
bench_reports_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core
endif

ifneq ($(wildcard bench/bench_explore.c),)
BENCHES += bench_explore
bench_explore_SRCS := bench/bench_explore.c
bench_explore_LIBS := leaselab-sim leaselab-fa leaselab-core
endif
