#!/usr/bin/env bash
# The liveness-probe model (kubernetes#70819, PR #70971): a renew loop wedged
# by a hung request (client-go-1.11, no request timeout) is restarted by the
# kubelet's probe once healthz has been red for failureThreshold probes, and
# the report says when, after how many probes and how long after the fault.
# Without the probe the same scenario's overlap lasts to the end of the run.
source "$(dirname "$0")/sim_lib.sh"
SEEDS=${SIM_SUITE_SEEDS:-10}
f=scenarios/bugs/hung-renew-liveness-probe-client-go-1.11.yaml
out=$(bin/sim run "$f" --seeds "$SEEDS" 2>&1) || fail "$f: exit $?: $out"
n=$(printf '%s\n' "$out" | grep -c '^  probe-restart: kcm-a restarted by its liveness probe at 90.000 s after 3 failed probes, acting as leader until then: 60.000 s after fault 0 began (30.000 s)$')
[ "$n" -eq "$SEEDS" ] || fail "expected one probe restart of kcm-a at 90 s per seed, saw $n:
$out"
n=$(printf '%s\n' "$out" | grep -c '^  overlap: kcm-a and kcm-[bc] both leading from [0-9.]* s to 90.000 s')
[ "$n" -eq "$SEEDS" ] || fail "the overlap does not end at the restart in every seed ($n/$SEEDS)"
# The same scenario without its probes: the overlap runs to the end.
sed '/livenessProbe/d' "$f" > "$TMP/noprobe.yaml"
raw=$(bin/sim run "$TMP/noprobe.yaml" --seeds 1 2>&1)
printf '%s\n' "$raw" | grep -q 'probe-restart' && fail "a pod without a probe was restarted by one"
printf '%s\n' "$raw" | grep -q 'both leading from [0-9.]* s to 120.000 s' ||
  fail "without the probe the overlap should last to the end: $raw"
# A healthy follower is never restarted (healthz is green when not leading),
# and a paused leader does not answer its probe.
cat > "$TMP/pause.yaml" <<'YAML'
name: probe-pause
duration: 120s
pods:
  - name: a
    livenessProbe: {period: 5s, failureThreshold: 2}
  - name: b
    start: 2s
    livenessProbe: {period: 5s, failureThreshold: 2}
faults:
  - action: pause
    at: 30s
    duration: 40s
    selector: {pods: [a]}
expect:
  maxLeaders: 2
YAML
p=$(bin/sim run "$TMP/pause.yaml" --seeds 1 --ignore-expectations 2>&1)
n=$(printf '%s\n' "$p" | grep -c 'probe-restart: ')
[ "$n" -eq 1 ] || fail "expected exactly one probe restart (the paused a), saw $n: $p"
printf '%s\n' "$p" | grep -q 'probe-restart: a restarted by its liveness probe at 35.000 s after 2 failed probes, acting as leader until then' ||
  fail "the paused leader should be restarted at its second failed probe (30 s, 35 s): $p"
echo "liveness probe: $SEEDS seeds restart the wedged leader at 90 s; no probe, no restart; a paused leader is restarted"
