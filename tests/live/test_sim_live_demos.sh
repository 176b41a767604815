#!/usr/bin/env bash
# bin/sim live: the article's two demos against real processes, judged by the
# simulator's checker. The sidecar kill demo with bin/elector (3 pods,
# sidecar-0.5 profile, Endpoints lock) and the embedded demo with bin/embedded
# given as a template and observed by regex; each must pass with exactly one
# failover inside its bound, write the simulator's history and reports, and
# leave nothing behind.
. "$(dirname "$0")/sim_live_lib.sh"
[ -x bin/embedded ] || fail "bin/embedded is not built (make all builds it)"

sim_passes scenarios/live/sidecar-kill-demo.yaml
live kill scenarios/live/sidecar-kill-demo.yaml --time-scale 0.3 --out "$WORK/out-kill"
expect_rc 0
expect_out '^live-sidecar-kill-demo \(live run 1, time scale 0.3\): PASS'
expect_out 'failover \(crash\) from nginx-deploy-5ff9c9d8c7-hcbct at 4\.50[0-9]* s -> nginx-deploy-5ff9c9d8c7-(grsfh|xk2pq) leads'
expect_out 'at most 1 leader at once'
h="$WORK/out-kill/run-1/history.jsonl"
[ -s "$h" ] || fail "no history.jsonl"
head -n 1 "$h" | grep -q '"driver":"live"' || fail "the history header does not say driver live"
head -n 1 "$h" | grep -q '"time_scale_ppm":300000' || fail "the history header does not carry the time scale"
bin/sim check "$h" >"$WORK/check.out" 2>&1 || { LAST_OUT=$WORK/check.out; fail "bin/sim check does not pass the live history"; }
grep -q '"kind":"lease-write"' "$h" || fail "the apiserver's committed writes are not merged in"
grep -q '"kind":"started-leading"' "$h" || fail "no started-leading observation"
for f in report.json summary.md timeline.html; do
  [ -s "$WORK/out-kill/run-1/$f" ] || fail "no $f"
done
grep -q 'time scale 0.3' "$WORK/out-kill/run-1/report.json" || fail "report.json does not say the time scale"
nothing_left

sim_passes scenarios/live/embedded-kill-demo.yaml
live embedded scenarios/live/embedded-kill-demo.yaml --time-scale 0.2 \
  --elector 'bin/embedded --kubeconfig {kubeconfig} --lease-duration {lease_duration}s --renew-deadline {renew_deadline}s --retry-period {retry_period}s --business-every 10ms' \
  --leader-regex '^leader run business$' --follower-regex '^leader stopped$'
expect_rc 0
expect_out '^live-embedded-demo \(live run 1, time scale 0.2\): PASS'
expect_out 'failover \(crash\) from process-1 at 4\.0[0-9]* s -> process-[23] leads'
nothing_left
echo "ok"
