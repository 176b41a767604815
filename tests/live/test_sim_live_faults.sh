#!/usr/bin/env bash
# bin/sim live: faults that must show. A SIGSTOP pause longer than LD gives
# two leaders (the expected violation); a libfaketime rate of 0.4x on the
# leader bites (its log shows the rate) and breaks safety; the same rate with
# a library that fakes nothing must fail the run loudly (exit 4, "did not
# bite"); -30 s / +30 s offsets are measured in the pods' logs and do not
# matter.
. "$(dirname "$0")/sim_live_lib.sh"
[ -r /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] ||
  skip "libfaketime is not installed (ci/bootstrap installs it)"

sim_passes scenarios/live/pause-overlap.yaml
live pause scenarios/live/pause-overlap.yaml --time-scale 0.2
expect_rc 0
expect_out 'BUG REPRODUCED \(expected safety violation\)'
expect_out 'overlap: a and [bc] both leading'
expect_out 'at most 2 leaders at once'
nothing_left

sim_passes scenarios/live/clock-rate-slow-leader-short.yaml
live rate scenarios/live/clock-rate-slow-leader-short.yaml --time-scale 0.2
expect_rc 0
expect_out 'clock of a during the fault: rate x0\.400 set, x0\.(39|40|41)[0-9] measured'
expect_out 'BUG REPRODUCED \(expected safety violation\)'
expect_out 'overlap: a and [bc] both leading'
nothing_left

# The control: a preload that changes no clock. The rate must be seen not
# to bite, and the run must fail rather than pass without its fault.
LEASELAB_FAKETIME_LIB=$(ls /lib/x86_64-linux-gnu/libm.so.6) \
  live norate scenarios/live/clock-rate-slow-leader-short.yaml --time-scale 0.2
expect_rc 4
expect_out 'pod a: the clock fault did not bite'
nothing_left

sim_passes scenarios/live/clock-offset.yaml
live offset scenarios/live/clock-offset.yaml --time-scale 0.2
expect_rc 0
expect_out 'clock of a: offset -(29\.9[89]|30\.0[0-2])[0-9]* s measured'
expect_out 'clock of c: offset \+(29\.9[89]|30\.0[0-2])[0-9]* s measured'
expect_out '^live-clock-offset \(live run 1, time scale 0.2\): PASS'
nothing_left
echo "ok"
