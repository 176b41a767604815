#!/usr/bin/env bash
# The election controller's own timing (scenario key controller:,
# docs/coordinated.md "The controller's own timing"), on one seed each:
#  - its first Lease write comes exactly one informer lag plus one request
#    leg after the candidate it answers, so lag and latency really bite;
#  - a controller clock 4.99 s ahead still elects, 5 s ahead (the election
#    duration) never does, the edge scenarios/coordinated/controller-clock-
#    ahead.yaml describes;
#  - a crash failover under coordination, 100 seeds, passes liveness and
#    stability with the controller's allowance (Q + E) in their bound: the
#    checker once judged 4 of these 100 seeds leaderless too long.
source "$(dirname "$0")/sim_lib.sh"

cat > "$TMP/base.yaml" <<'EOF'
name: ctl-timing
duration: 40s
seed: 7
election: {profile: client-go-1.34, lock: leases, namespace: kube-system,
           name: kcm, leaseDuration: 15s, renewDeadline: 10s, retryPeriod: 2s}
network:
  latency: {min: 1ms, max: 3ms}
pods:
  - name: a
    coordinated: {binaryVersion: 1.31.0}
  - name: b
    start: 1s
    coordinated: {binaryVersion: 1.31.0}
EOF

# variant NAME CONTROLLER-FLOW-MAP: base + a controller: block
variant() {
  { cat "$TMP/base.yaml"; [ -n "$2" ] && echo "controller: {$2}"; } > "$TMP/$1.yaml"
}

# run NAME [EXIT]: simulate seed 7 with every per-seed file kept in
# $TMP/out-NAME; bin/sim must exit EXIT (default 0; 2 = a violation)
run() {
  rm -rf "$TMP/out-$1"
  bin/sim run "$TMP/$1.yaml" --ignore-expectations --keep all --out "$TMP/out-$1" \
    > "$TMP/$1.log" 2>&1
  local rc=$?
  [ "$rc" -eq "${2:-0}" ] || fail "$1: bin/sim exited $rc, want ${2:-0} ($(tail -n 3 "$TMP/$1.log"))"
}

# first_controller_write NAME: t_ns of the controller's first Lease write
first_controller_write() {
  grep -m1 '"kind":"lease-write","pod":-1' "$TMP/out-$1/$1"/seed-7/history.jsonl |
    grep -o '"t_ns":[0-9]*' | cut -d: -f2
}

# leader_terms NAME: how many leadership terms report.json lists
leader_terms() {
  grep -o '"leadership":\[[^]]*\]' "$TMP/out-$1/$1"/seed-7/report.json | grep -o '"pod"' | wc -l
}

variant none ""
variant lag 'informerLag: 2s'
variant latency 'latency: 300ms'
variant both 'informerLag: 1s, latency: 250ms'
for v in none lag latency both; do run $v; done

# The candidates commit at once (t = 0), so the controller's write is its
# own delay: nothing, the lag, one leg, the lag and one leg.
want_none=0 want_lag=2000000000 want_latency=300000000 want_both=1250000000
for v in none lag latency both; do
  got=$(first_controller_write $v)
  want_var=want_$v
  [ -n "$got" ] || fail "$v: the controller never wrote the Lease"
  [ "$got" = "${!want_var}" ] || fail "$v: first controller Lease write at ${got} ns, want ${!want_var} ns"
done
echo "first controller write: 0 / lag 2 s / leg 300 ms / 1 s + 250 ms, as set"

# A controller: block of zeros is the run without one, event for event
# (docs/scenario-format.md; the header names the file, so it is left out).
variant zero 'clock: {offset: 0s, rate: 0ppm}, informerLag: 0s'
run zero
cmp -s <(tail -n +2 "$TMP/out-none/none/seed-7/history.jsonl") <(tail -n +2 "$TMP/out-zero/zero/seed-7/history.jsonl") ||
  fail "a controller: block of zeros changed the history"
echo "a controller block of zeros: the same history"

variant ahead-4990 'clock: {offset: 4990ms}'
variant ahead-5000 'clock: {offset: 5s}'
run ahead-4990; run ahead-5000 2
grep -q "LIVENESS VIOLATED" "$TMP/ahead-5000.log" || fail "controller 5 s ahead: no liveness violation"
[ "$(leader_terms ahead-4990)" -ge 1 ] || fail "controller 4.99 s ahead: nobody led"
[ "$(leader_terms ahead-5000)" -eq 0 ] || fail "controller 5 s ahead: someone led ($(leader_terms ahead-5000) terms)"
[ -z "$(first_controller_write ahead-5000)" ] || fail "controller 5 s ahead still wrote the Lease"
echo "controller clock 4.99 s ahead elects, 5 s ahead never"

# the edge scenario in the library reproduces its expected liveness violation
bin/sim run scenarios/coordinated/controller-clock-ahead.yaml --seeds 3 --quiet > "$TMP/ahead.log" 2>&1 ||
  fail "controller-clock-ahead.yaml: $(tail -n 2 "$TMP/ahead.log")"

sed 's/^duration: 40s/duration: 120s/' "$TMP/base.yaml" > "$TMP/kill.yaml"
cat >> "$TMP/kill.yaml" <<'EOF'
faults:
  - {label: the leader dies, action: pod-kill, at: 30s, selector: {role: leader}}
EOF
bin/sim run "$TMP/kill.yaml" --seeds 100 --quiet > "$TMP/kill.log" 2>&1 ||
  fail "coordinated crash failover, 100 seeds: $(tail -n 2 "$TMP/kill.log")"
grep -q '100 seeds: 100 pass' "$TMP/kill.log" || fail "kill: $(head -n 1 "$TMP/kill.log")"
echo "coordinated crash failover: 100 of 100 seeds pass liveness and stability"

# The figures the scenario descriptions and docs/coordinated.md ("The
# controller's own timing") quote: 100 seeds from seed 1 of
# controller-clock-behind.yaml with one setting changed.
behind=scenarios/coordinated/controller-clock-behind.yaml
figures() { # --set ...: "PASS p50 X max Y" (PASS: seeds within the bound), $N seeds
  local n=${N:-100} line
  line=$(bin/sim run "$behind" --seeds "$n" --quiet --ignore-expectations "$@" 2>&1 | grep -m1 ": $n seeds: ")
  local pass p50 max
  pass=$(printf '%s' "$line" | sed -nE "s/.*$n seeds: ([0-9]+) pass.*/\\1/p")
  p50=$(printf '%s' "$line" | sed -nE 's/.*failover p50 ([0-9.]+) s,.*/\1/p')
  max=$(printf '%s' "$line" | sed -nE "s/.*, max ([0-9.]+) s \\($n\\).*/\\1/p")
  echo "${pass:-0} $p50 $max"
}
row() { # WANT("pass p50 max") SET...
  local want=$1; shift
  local got; got=$(figures "$@")
  [ "$got" = "$want" ] || fail "controller-clock-behind $*: got '$got' (seeds within the bound, p50, max), docs/coordinated.md says '$want'"
}
z=(--set controller.clock.offset=0s)
row "100 21.390 24.118" "${z[@]}"
row "0 41.540 43.742"
row "99 31.476 33.848" --set controller.clock.offset=-10s
row "100 26.835 29.177" --set controller.clock.offset=-5s
# ahead, the candidates' answer loop makes each run slow: 20 seeds
N=20 row "20 21.379 24.122" --set controller.clock.offset=3s
N=20 row "20 16.950 18.939" --set controller.clock.offset=4s
row "100 22.175 24.400" "${z[@]}" --set controller.informerLag=500ms
row "100 24.533 27.177" "${z[@]}" --set controller.informerLag=3s
row "100 22.390 24.402" "${z[@]}" --set controller.latency=50ms
row "100 24.002 26.609" "${z[@]}" --set controller.latency=200ms
row "18 34.768 36.996" "${z[@]}" --set controller.latency=1s
echo "docs/coordinated.md's controller-timing table: 11 rows as measured"
grep -q 'failover p50 29.385 s, p90 [0-9.]* s, p99 [0-9.]* s, max 32.539 s (100)' \
  <(bin/sim run scenarios/coordinated/controller-slow.yaml --seeds 100 --quiet 2>&1) ||
  fail "controller-slow: not the p50 29.385 s, max 32.539 s its description quotes"
bin/sim run scenarios/coordinated/controller-slow.yaml --seed 1 | grep -q '(bound 33.818 s)' ||
  fail "controller-slow: the coordinated failover bound is not the 33.818 s its description quotes"
echo "controller-slow: p50 29.385 s, max 32.539 s, bound 33.818 s, as described"
echo "PASS"
