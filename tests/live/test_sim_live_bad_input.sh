#!/usr/bin/env bash
# bin/sim live: bad input is a clear error naming where and what, exit 3,
# and nothing is left running: a template missing a placeholder the run
# needs, an unknown placeholder, a command that does not start, a regex that
# never matches (the pod's last output lines in the message), libfaketime
# missing, a statically linked elector under a clock fault, a fault that
# cannot be done live, a flag without its value.
. "$(dirname "$0")/sim_live_lib.sh"

K=scenarios/live/sidecar-kill-demo.yaml
E=scenarios/live/embedded-kill-demo.yaml
T='{lease_duration} {renew_deadline} {retry_period}'

live nokc "$K" --elector "bin/embedded $T" --leader-regex x
expect_rc 3; expect_out 'needs \{kubeconfig\}, or \{server\} and \{token\}'

live notiming "$K" --elector 'bin/embedded --kubeconfig {kubeconfig}' --leader-regex x
expect_rc 3; expect_out 'the template has no \{lease_duration\}'

live unknown "$K" --elector "x {kubeconfig} {lease} $T" --leader-regex x
expect_rc 3; expect_out "unknown placeholder '\{lease\}'"

live noobs "$K" --elector "x {kubeconfig} $T"
expect_rc 3; expect_out 'needs --leader-regex'

live nostart "$E" --time-scale 0.2 --elector "/nonexistent/elector {kubeconfig} $T" --leader-regex "^leading$"
expect_rc 3; expect_out 'pod process-1: its elector exited with status 127 at [0-9.]* s before reporting anything'
expect_out 'nonexistent'
nothing_left

live neverleads "$E" --time-scale 0.2 --startup-timeout 1s \
  --elector "bin/embedded --kubeconfig {kubeconfig} --lease-duration {lease_duration}s --renew-deadline {renew_deadline}s --retry-period {retry_period}s" \
  --leader-regex '^this never appears$'
expect_rc 3; expect_out 'no pod reported leading within the start-up timeout of 1\.000 s \(--leader-regex never matched\); pod process-1'
expect_out "\\| I'm [0-9a-f-]{36}"
nothing_left

LEASELAB_FAKETIME_LIB=/nonexistent/libfaketimeMT.so.1 live noft scenarios/live/clock-offset.yaml
expect_rc 3; expect_out 'libfaketime is missing \(/nonexistent/libfaketimeMT.so.1'

# A statically linked elector: no preload reaches it.
if command -v cc >/dev/null && printf 'int main(void){return 0;}\n' >"$WORK/s.c" &&
   cc -static -o "$WORK/static-elector" "$WORK/s.c" 2>/dev/null; then
  live static scenarios/live/clock-offset.yaml \
    --elector "$WORK/static-elector {kubeconfig} $T" --leader-regex x
  expect_rc 3; expect_out 'is statically linked: LD_PRELOAD cannot reach it'
fi

live skew scenarios/bugs/h5-wall-clock-step-client-go.yaml
expect_rc 3; expect_out "time-skew cannot be done live"

live ctlrestart scenarios/coordinated/controller-restart.yaml
expect_rc 3; expect_out "controller-restart cannot be done live yet"

live ctltiming scenarios/coordinated/controller-slow.yaml
expect_rc 3; expect_out "controller: sets the simulated election controller's clock and latency"

{ cat "$E"; printf 'timing: {window: 2s, path: [1]}\n'; } > "$WORK/timing.yaml"
grep -q '^faults:' "$WORK/timing.yaml" || fail "$E has no faults: the timing: case needs one"
live timing "$WORK/timing.yaml"
expect_rc 3; expect_out "timing: replays the simulator's own timing choices"

live badbin "$K" --time-scale 0.05
expect_rc 3; expect_out 'pod nginx-deploy-5ff9c9d8c7-hcbct: its elector exited with status 3 at'
expect_out 'lease'
nothing_left

live noval "$K" --time-scale
expect_rc 3; expect_out '--time-scale: missing value'
live badscale "$K" --time-scale 0
expect_rc 3; expect_out '--time-scale: expected a factor'
live nofile --runs 2
expect_rc 3; expect_out 'no scenario file given'
live missing /nonexistent.yaml
expect_rc 3; expect_out '/nonexistent.yaml'
nothing_left
echo "ok"
