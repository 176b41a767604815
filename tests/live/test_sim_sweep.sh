#!/usr/bin/env bash
# --set, bin/sim sweep and bin/sim advise (docs/sim-cli.md, docs/advise.md):
# overrides change what runs and name bad paths and values at the file's
# line; the sweeps find the boundaries election-spec.md 6.3 states (LD at
# RP + RD = 12 s for a black-holed leader, a pause at LD - RP = 13 s); advise
# matches the 6.1 crash mean and OpenShift's slack and clock-rate tolerance;
# bad input exits 3 with the reason. Each step takes well under a second.
source "$(dirname "$0")/sim_lib.sh"

BH=scenarios/sweep/blackhole-leader.yaml
PL=scenarios/bugs/pause-leader.yaml

expect_exit() { # code, grep pattern, command...
  local want=$1 pat=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  [ "$rc" = "$want" ] || { cat "$TMP/out" "$TMP/err"; fail "$*: exit $rc, want $want"; }
  grep -qE -- "$pat" "$TMP/out" "$TMP/err" || { cat "$TMP/out" "$TMP/err"; fail "$*: no '$pat'"; }
}

# --set changes the run: a 2 s pause no longer breaks safety, so the
# scenario's expected violation is not found (exit 1); the command to
# reproduce names the override.
expect_exit 1 'seed 1: .* --set faults\[0\]\.duration=2s' bin/sim run $PL --set 'faults[0].duration=2s'
expect_exit 0 'BUG REPRODUCED \(expected safety' bin/sim run $PL --set 'faults[0].duration=25s'
# a key the file lacks is added (flow mappings nest)
expect_exit 0 'bound 40.000 s' bin/sim run $BH --set expect.failover.max=40s
# bad paths and values: the file's line, exit 3
expect_exit 3 "$BH:[0-9]+:[0-9]+: election.leaseDurationx: unknown key" bin/sim run $BH --set election.leaseDurationx=1s
expect_exit 3 "$BH:[0-9]+:[0-9]+: election.leaseDuration: expected a duration" bin/sim run $BH --set election.leaseDuration=abc
expect_exit 3 "$BH:[0-9]+: --set faults\[3\].at: faults has 1 element" bin/sim run $BH --set 'faults[3].at=1s'
expect_exit 3 "network is a mapping; set one of its fields" bin/sim run $BH --set network=1s
expect_exit 3 "expected PATH=VALUE" bin/sim run $BH --set nothing

# Done-when 1: the LD boundary of a black-holed leader within 0.5 s of 12 s.
bin/sim sweep $BH --param election.leaseDuration=10.5s..16s --find-boundary \
  --precision 0.1s --seeds 200 --jitter 'faults[0].at=30s..40s' >"$TMP/ld" || fail "LD sweep"
mid=$(sed -n 's/^boundary: .* at \([0-9.]*\)s .*/\1/p' "$TMP/ld")
[ -n "$mid" ] || { cat "$TMP/ld"; fail "no boundary line"; }
awk -v m="$mid" 'BEGIN { exit !(m > 11.5 && m < 12.5) }' || fail "LD boundary $mid not within 0.5 s of 12 s"
echo "LD boundary: $mid s (RP + RD = 12 s)"

# Done-when 2: the pause boundary near LD - RP = 13 s, not LD - RP - RD = 3 s.
bin/sim sweep $PL --param 'faults[0].duration=10s..20s' --find-boundary \
  --precision 0.1s --seeds 200 --jitter 'faults[0].at=30s..40s' >"$TMP/pause" || fail "pause sweep"
mid=$(sed -n 's/^boundary: .* at \([0-9.]*\)s .*/\1/p' "$TMP/pause")
awk -v m="$mid" 'BEGIN { exit !(m > 12.5 && m < 14) }' || fail "pause boundary $mid not near 13 s"
echo "pause boundary: $mid s (LD - RP = 13 s)"

# A grid writes CSV, JSON and a self-contained chart, the same bytes twice.
for d in a b; do
  bin/sim sweep $BH --param election.leaseDuration=11s..13s:1s --seeds 20 \
    --jitter 'faults[0].at=30s..40s' --out "$TMP/$d" >/dev/null || fail "grid"
done
cmp -s "$TMP/a/sweep.csv" "$TMP/b/sweep.csv" || fail "sweep.csv differs between two runs"
[ "$(wc -l <"$TMP/a/sweep.csv")" = 4 ] || fail "sweep.csv: want a header and 3 points"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["points"]) == 3 and d["analytic"]["value"] == 12' "$TMP/a/sweep.json" || fail "sweep.json"
grep -q '<svg' "$TMP/a/sweep.html" || fail "sweep.html has no chart"
! grep -qE '<script|https?://[^'"'"']*\.(js|css)' "$TMP/a/sweep.html" || fail "sweep.html is not self-contained"
# two parameters: a heat map
bin/sim sweep $BH --param election.leaseDuration=11s..13s:1s --param election.retryPeriod=1s..2s:1s \
  --seeds 5 --out "$TMP/h" >/dev/null || fail "2-d sweep"
grep -q 'heat map' "$TMP/h/sweep.html" || fail "no heat map"

# sweep bad input
expect_exit 3 'not below HI' bin/sim sweep $BH --param election.leaseDuration=16s..10s
expect_exit 3 'different units' bin/sim sweep $BH --param election.leaseDuration=10s..16000ms
expect_exit 3 'election.profile' bin/sim sweep $BH --param election.profile=1..2
expect_exit 3 'unknown key' bin/sim sweep $BH --param election.nosuch=1s..2s
expect_exit 3 'renewDeadline must be greater than retryPeriod\*JitterFactor' \
  bin/sim sweep $BH --param election.retryPeriod=1s..9s

# Done-when 3: advise. 15/10/2: the crash mean within 2 % of 17.4 s.
bin/sim advise --lease-duration 15s --renew-deadline 10s --retry-period 2s --format json \
  >"$TMP/a.json" || fail "advise 15/10/2"
python3 - "$TMP/a.json" <<'PY' || fail "advise 15/10/2 figures"
import json, sys
s = json.load(open(sys.argv[1]))["settings"][0]
m = s["simulated"]["crash_failover_s"]["mean"]
assert abs(m - 17.4) / 17.4 < 0.02, m
assert s["analytic"]["slack_s"] == 3
p = s["simulated"]["pause_s"]
assert p["bracketed"] and 12.5 < p["lo"] < 14, p
print("advise 15/10/2: crash mean %.3f s (17.4 s), pause %.2f-%.2f s" % (m, p["lo"], p["hi"]))
PY
# 137/107/26: slack 4 s, clock-rate tolerance near 1.03
bin/sim advise --preset openshift --format json --seeds 100 >"$TMP/o.json" || fail "advise openshift"
python3 - "$TMP/o.json" <<'PY' || fail "advise openshift figures"
import json, sys
s = json.load(open(sys.argv[1]))["settings"][0]
assert abs(s["analytic"]["slack_s"] - 4) < 1e-9, s["analytic"]["slack_s"]
assert abs(s["analytic"]["clock_rate_ratio"] - 137 / 133) < 1e-6
r = s["simulated"]["leader_clock_rate"]
ratio = 2 / (r["lo"] + r["hi"])
assert r["bracketed"] and 1.0 < ratio < 1.08, r
print("advise openshift: slack 4 s, clock-rate ratio %.4f analytic, %.4f simulated" % (137 / 133, ratio))
PY
expect_exit 0 '\| longest safe pause \|' bin/sim advise --preset client-go --compare sidecar-0.5 --format markdown --seeds 20
expect_exit 3 'leaseDuration must be greater than renewDeadline' \
  bin/sim advise --lease-duration 10s --renew-deadline 10s --retry-period 2s
expect_exit 3 "unknown preset" bin/sim advise --preset nosuch
expect_exit 3 "give all three" bin/sim advise --lease-duration 10s
echo "ok"
