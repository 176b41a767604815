# sim/: virtual time, nodes, network, scenario parser, checker
# (leaselab-sim) and the sim binary. The report writers are reports/module.mk.

LIBS += leaselab-sim
PUBLIC_LIBS += leaselab-sim
leaselab-sim_SRCS := \
	sim/advise.c \
	sim/args.c \
	sim/check.c \
	sim/chooser.c \
	sim/clock.c \
	sim/explore.c \
	sim/fault_model.c \
	sim/heap.c \
	sim/history.c \
	sim/history_read.c \
	sim/net.c \
	sim/override.c \
	sim/progress.c \
	sim/rng.c \
	sim/scenario.c \
	sim/scenario_write.c \
	sim/scenario_yaml.c \
	sim/strindex.c \
	sim/text.c \
	sim/sweep.c \
	sim/wire.c \
	sim/world.c \
	sim/world_base.c \
	sim/world_coord.c \
	sim/world_faults.c \
	sim/world_run.c
leaselab-sim_PKGS := yaml-0.1
PUBLIC_HEADERS += include/leaselab/sim.h include/leaselab/progress.h include/leaselab/explore.h

BINS += sim
sim_SRCS := sim/cmd/sim.c sim/cmd/explore.c sim/cmd/prove.c
sim_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core
# bin/sim live runs bin/sim-live: only the harness loads libcurl.
BINS += sim-live
sim-live_SRCS := sim/cmd/sim-live.c
sim-live_LIBS := leaselab-live leaselab-rep leaselab-sim leaselab-fa leaselab-core

# Unit tests: test_sim_*.c link the simulator, the store and the core.
UNIT_GROUPS += sim
unit_sim_LIBS := leaselab-sim leaselab-fa leaselab-core

# sim/live/: the live harness behind bin/sim live (docs/live.md): real
# processes, libfaketime clocks, bin/fake-apiserver over HTTP. A driver, not
# an embedding API, so it is not in libleaselab and its header is internal.
LIBS += leaselab-live
leaselab-live_SRCS := \
	sim/live/apiserver.c \
	sim/live/faketime.c \
	sim/live/live.c \
	sim/live/live_faults.c \
	sim/live/live_history.c \
	sim/live/live_observers.c \
	sim/live/live_pods.c \
	sim/live/live_report.c \
	sim/live/live_run.c \
	sim/live/observe.c \
	sim/live/proc.c
leaselab-live_PKGS := libcurl

# Unit tests: test_live_*.c link the harness and what it drives.
UNIT_GROUPS += live
unit_live_LIBS := leaselab-live leaselab-rep leaselab-sim leaselab-fa leaselab-core

BENCHES += bench_sim
bench_sim_SRCS := bench/bench_sim.c bench/bench_json.c
bench_sim_LIBS := leaselab-rep leaselab-sim leaselab-fa leaselab-core

FUZZERS += fuzz_scenario
fuzz_scenario_LIBS := leaselab-sim leaselab-fa leaselab-core

FUZZERS += fuzz_history
fuzz_history_LIBS := leaselab-sim leaselab-fa leaselab-core

BENCHES += bench_sweep
bench_sweep_SRCS := bench/bench_sweep.c bench/bench_json.c
bench_sweep_LIBS := leaselab-sim leaselab-fa leaselab-core

BENCHES += bench_explore
bench_explore_SRCS := bench/bench_explore.c bench/bench_json.c
bench_explore_LIBS := leaselab-sim leaselab-fa leaselab-core

BENCHES += bench_candidates
bench_candidates_SRCS := bench/bench_candidates.c bench/bench_json.c
bench_candidates_LIBS :=
