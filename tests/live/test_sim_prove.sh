#!/usr/bin/env bash
# bin/sim prove (docs/prove.md): a small scope's exact coverage counts and
# findings; every schedule listed exactly once; --jobs and --shard give the
# same violations; the found files replay; client-go 15/10/2 is safe one
# grid step inside the measured pause and clock-rate bounds and breaks one
# step past them; the 2018 profile's hung renew is found; every finding
# explore makes inside a scope's kinds and targets is one prove makes too;
# bad input exits 3. Well under 30 s (the scopes are a few thousand runs).
source "$(dirname "$0")/sim_lib.sh"
export LC_ALL=C # sort order of the expected findings

X=scenarios/explore
S='faults<=2; kinds=pause,kill,lost-answer,partition,clock-rate; grid=5s; window=10s..40s; durations=4s,16s; rates=1.3x'

# 1. the small scope: exact counts
bin/sim prove $X/client-go-3.yaml --scope "$S" --out "$TMP/p1" >"$TMP/p1.out" 2>"$TMP/p1.err"
[ $? -eq 1 ] || fail "prove of the small scope should exit 1 (safety findings): $(cat "$TMP/p1.err")"
expect_line() {
  grep -qxF "$2" "$1" || fail "$1: no line '$2' in: $(cat "$1")"
}
C="$TMP/p1/coverage.txt"
expect_line "$C" "atoms: 126 single faults; schedules in scope: 8002; run by this shard (0/1): 8002"
expect_line "$C" "violations: 466 schedules; safety 466; lease-history 0"
expect_line "$C" "minimal violations (no proper subset of the schedule violates): 88; safety 88; lease-history 0"
expect_line "$C" "distinct counterexamples: 9 after shrinking (9 shapes before)"
grep -q '^covered: every set of at most 2 distinct faults .* at every 5s in \[10s, 40s\] (7 starts), durations {4s, 16s}, clock rates {1.3x}; 3 pods' "$C" ||
  fail "coverage statement: $(cat "$C")"
grep -q '^timing: one draw' "$C" || fail "the coverage statement does not say timing is one draw"
shapes=$(awk -F'\t' '!/^#/ { print $3 }' "$TMP/p1/findings.tsv" | sort | tr '\n' '|')
want='safety: pause leader|safety: pause leader; clock-rate follower|safety: pause leader; clock-rate leader|safety: pause leader; lost-answer follower|safety: pause leader; lost-answer leader|safety: pause leader; partition follower|safety: pause leader; partition leader|safety: pause leader; pause leader|safety: pause leader; pod-kill leader|'
[ "$shapes" = "$want" ] || fail "findings: got '$shapes'"
[ "$(ls "$TMP/p1/found" | wc -l)" -eq 9 ] || fail "expected 9 found files: $(ls "$TMP/p1/found")"
for f in "$TMP"/p1/found/*.yaml; do
  out=$(bin/sim run "$f") || fail "$f does not replay: $out"
  grep -q 'BUG REPRODUCED (expected safety violation' <<<"$out" || fail "$f: $out"
done
grep -q '^progress: 8002/8002' "$TMP/p1.err" || fail "no final progress line: $(cat "$TMP/p1.err")"
echo "ok: small scope: 8002 schedules, 466 violations, 88 minimal, 9 distinct findings, all replay"

# 1b. interaction pruning (on by default with one seeded draw): a pair whose
# earlier fault has ended and left the state (hash) of the fault-free run or
# of an earlier atom's run alone is inferred, not run. The verdicts must be
# exactly those of running every pair (--no-prune), and the counts are exact:
# on the 5 s grid only a follower's partition and its lost answer (the same
# start and duration) leave one state; on a 1 s grid many more do
# (docs/prove.md, "Interaction pruning")
expect_line "$C" "interaction pruning: 486 schedules not run, their verdicts inferred: the earliest fault had ended before the next one started, and its run alone was then in the state (hash) of the fault-free run (0 schedules: the verdict of that fault alone and of the others without it) or of an earlier atom's run alone, neither violating alone (486 schedules: the verdict with that atom in its place)"
bin/sim prove $X/client-go-3.yaml --scope "$S" --no-prune --out "$TMP/pr" >/dev/null 2>&1
grep -q '^interaction pruning' "$TMP/pr/coverage.txt" && fail "--no-prune still prunes: $(cat "$TMP/pr/coverage.txt")"
cmp -s "$TMP/p1/violations.tsv" "$TMP/pr/violations.tsv" || fail "pruning changed the violations"
cmp -s "$TMP/p1/findings.tsv" "$TMP/pr/findings.tsv" || fail "pruning changed the findings"
# pruned_as_all NAME SCOPE INFERRED VIOLATIONS [ARGS]: the scope with and
# without pruning gives the same violations and findings, with exact counts
pruned_as_all() {
  local name=$1 scope=$2 inferred=$3 violations=$4
  shift 4
  bin/sim prove $X/client-go-3.yaml --scope "$scope" --jobs 2 "$@" --out "$TMP/$name.1" >/dev/null 2>&1
  bin/sim prove $X/client-go-3.yaml --scope "$scope" --jobs 2 --no-prune "$@" --out "$TMP/$name.0" >/dev/null 2>&1
  expect_line "$TMP/$name.1/coverage.txt" "violations: $violations schedules; safety $violations; lease-history 0"
  grep -q "^interaction pruning: $inferred schedules not run, .* ($inferred schedules: the verdict with that atom" "$TMP/$name.1/coverage.txt" ||
    fail "$name: $(grep '^interaction' "$TMP/$name.1/coverage.txt")"
  cmp -s "$TMP/$name.0/violations.tsv" "$TMP/$name.1/violations.tsv" || fail "pruning changed the $name violations"
  cmp -s "$TMP/$name.0/findings.tsv" "$TMP/$name.1/findings.tsv" || fail "pruning changed the $name findings"
}
pruned_as_all grid1s 'faults<=2; kinds=pause,partition,kill,clock-rate,lost-answer; grid=1s; window=20s..30s; durations=2s,6s; rates=1.5x' 3150 5
expect_line "$TMP/grid1s.1/coverage.txt" "atoms: 198 single faults; schedules in scope: 19702; run by this shard (0/1): 19702"
pruned_as_all triples 'faults<=3; kinds=pause,partition,lost-answer; grid=5s; window=10s..30s; durations=4s,16s' 2298 4693
# critical timing is one run a schedule too, its draws a function of the state
pruned_as_all critical "$S" 720 623 --timing critical
echo "ok: interaction pruning: 486 of the 5 s grid's pairs, 3150 of the 1 s grid's, 2298 schedules of a faults<=3 scope and 720 at critical timing inferred, the same violations as running them all"

# 2. exactly once: the list has no duplicate and the total's length; shards
# partition it; --jobs 2 and three shards find the same violations
bin/sim prove $X/client-go-3.yaml --scope "$S" --list >"$TMP/list" || fail "--list failed"
[ "$(wc -l <"$TMP/list")" -eq 8002 ] || fail "--list: $(wc -l <"$TMP/list") schedules, expected 8002"
[ -z "$(cut -f2 "$TMP/list" | sort | uniq -d | head -1)" ] || fail "--list: a schedule listed twice"
for i in 0 1 2; do
  bin/sim prove $X/client-go-3.yaml --scope "$S" --list --shard $i/3
done | sort -n | cmp -s - <(sort -n "$TMP/list") || fail "three shards do not list the schedules once each"
bin/sim prove $X/client-go-3.yaml --scope "$S" --jobs 2 --out "$TMP/j2" >/dev/null 2>&1
cmp -s "$TMP/p1/violations.tsv" "$TMP/j2/violations.tsv" || fail "--jobs 2 found other violations"
cmp -s "$TMP/p1/findings.tsv" "$TMP/j2/findings.tsv" || fail "--jobs 2 kept other findings"
for i in 0 1 2; do
  bin/sim prove $X/client-go-3.yaml --scope "$S" --shard $i/3 --out "$TMP/s$i" >/dev/null 2>&1
  grep -v '^#' "$TMP/s$i/violations.tsv"
done | sort -n | cmp -s - <(grep -v '^#' "$TMP/p1/violations.tsv") ||
  fail "three shards together found other violations"
bin/sim prove merge $X/client-go-3.yaml --scope "$S" --from "$TMP/s0,$TMP/s1,$TMP/s2" --out "$TMP/m" >/dev/null 2>&1
[ $? -eq 1 ] || fail "prove merge of three shards should exit 1"
cmp -s <(grep -v '^wall' "$TMP/p1/coverage.txt") <(grep -v '^wall' "$TMP/m/coverage.txt") ||
  fail "prove merge: the coverage differs from one run's: $(diff "$TMP/p1/coverage.txt" "$TMP/m/coverage.txt")"
cmp -s "$TMP/p1/findings.tsv" "$TMP/m/findings.tsv" || fail "prove merge kept other findings"
bin/sim prove merge $X/client-go-3.yaml --scope "$S" --from "$TMP/s0,$TMP/s1" --out "$TMP/m2" >/dev/null 2>&1
grep -q '^PARTIAL: [0-9]* of the 8002 schedules run (a shard interrupted or missing)' "$TMP/m2/coverage.txt" ||
  fail "prove merge of two of three shards does not say it is partial: $(head -2 "$TMP/m2/coverage.txt")"
echo "ok: every schedule once; --jobs 2 and --shard i/3 agree; prove merge of the shards is one run's coverage"

# 3. the bounds, client-go 15/10/2. With one timing draw (seed 1) a paused
# leader is safe up to 13.75 s at every start on a 250 ms grid and breaks at
# 14 s; with ten draws per schedule (--seeds 10) it breaks at 13.25 s and
# 13 s is safe: election-spec.md 6.3's LD - RP = 13 s (the round trip, 1-3 ms,
# is below the grid). A partitioned leader with a fast follower clock: safe
# at 1.25x, broken at 1.3x with ten draws (6.3's LD / (RP + RD) = 1.25); one
# draw alone misses 1.3x and 1.4x, which is why the coverage statement says
# how many draws it covers.
P='faults<=1; kinds=pause; grid=250ms; window=10s..40s; targets=leader'
bin/sim prove $X/client-go-3.yaml --scope "$P; durations=13.25s,13.5s,13.75s" --out "$TMP/b1" >/dev/null 2>&1
[ $? -eq 0 ] || fail "one draw: a leader pause of at most 13.75 s broke safety: $(head -3 "$TMP/b1/violations.tsv")"
bin/sim prove $X/client-go-3.yaml --scope "$P; durations=14s" --out "$TMP/b2" >/dev/null 2>&1
[ $? -eq 1 ] || fail "one draw: a 14 s leader pause found no violation"
expect_line "$TMP/b2/coverage.txt" "violations: 2 schedules; safety 2; lease-history 0"
bin/sim prove $X/client-go-3.yaml --scope "$P; durations=12.5s,12.75s,13s" --seeds 10 --out "$TMP/b3" >/dev/null 2>&1
[ $? -eq 0 ] || fail "ten draws: a leader pause of at most 13 s broke safety: $(head -3 "$TMP/b3/violations.tsv")"
grep -q '^timing: 10 draws per schedule, seeds 1..10' "$TMP/b3/coverage.txt" || fail "timing line: $(cat "$TMP/b3/coverage.txt")"
bin/sim prove $X/client-go-3.yaml --scope "$P; durations=13.25s" --seeds 10 --out "$TMP/b4" >/dev/null 2>&1
[ $? -eq 1 ] || fail "ten draws: a 13.25 s leader pause found no violation"
expect_line "$TMP/b4/coverage.txt" "violations: 4 schedules; safety 4; lease-history 0"
# found and shrunk: one shape, its file says what shrinking removed, it replays
replays_shrunk() { # DIR SHAPE
  local f
  [ "$(awk -F'\t' '!/^#/' "$1/findings.tsv" | wc -l)" -eq 1 ] || fail "$1: expected one finding: $(cat "$1/findings.tsv")"
  grep -q "	$2	" "$1/findings.tsv" || fail "$1: finding is not '$2': $(cat "$1/findings.tsv")"
  f=$(awk -F'\t' '!/^#/ { print $1; exit }' "$1/findings.tsv")
  grep -q '^# Removed by shrinking: ' "$1/$f" || fail "$1/$f: not a shrunk file"
  out=$(bin/sim run "$1/$f") && grep -q 'BUG REPRODUCED (expected safety violation' <<<"$out" ||
    fail "$1/$f does not replay: $out"
}
replays_shrunk "$TMP/b4" 'safety: pause leader'
R='faults<=2; kinds=partition,clock-rate; grid=1s; window=10s..16s; durations=12s,25s'
bin/sim prove $X/client-go-3.yaml --scope "$R; rates=1.25x" --seeds 10 --out "$TMP/r1" >/dev/null 2>&1
[ $? -eq 0 ] || fail "clock rate 1.25x with a partition broke safety"
bin/sim prove $X/client-go-3.yaml --scope "$R; rates=1.3x" --seeds 10 --out "$TMP/r2" >/dev/null 2>&1
[ $? -eq 1 ] || fail "clock rate 1.3x with a partition found no violation"
grep -q 'safety: partition leader; clock-rate follower' "$TMP/r2/findings.tsv" ||
  fail "1.3x: $(cat "$TMP/r2/findings.tsv")"
replays_shrunk "$TMP/r2" 'safety: partition leader; clock-rate follower'
bin/sim prove $X/client-go-3.yaml --scope "$R; rates=1.3x" --out "$TMP/r3" >/dev/null 2>&1
[ $? -eq 0 ] || fail "one draw now finds 1.3x (update docs/prove.md's figures)"
echo "ok: pause bound 13 s / 13.25 s and clock-rate bound 1.25x / 1.3x (ten draws), 13.75 s / 14 s (one draw)"
# cut-offs: RP + RD + request timeout (2 + 10 + 5 = 17 s) is not below LD
# = 15 s, but a partition cuts the answer and the request alike, so the
# leader's last success is before the cut: a partitioned leader alone, 5 to
# 25 s at every 250 ms start in [10 s, 30 s], never breaks safety (ten draws),
# and neither does a lost answer alone (the rU term needs more: docs/prove.md)
bin/sim prove $X/client-go-3.yaml --scope 'faults<=1; kinds=partition,lost-answer; grid=250ms; window=10s..30s; durations=5s,10s,15s,20s,25s; targets=leader' \
  --seeds 10 --out "$TMP/cut" >/dev/null 2>&1
[ $? -eq 0 ] || fail "cut-offs: a partitioned leader or a lost answer alone broke safety: $(head -3 "$TMP/cut/violations.tsv")"
echo "ok: cut-offs: 811 single partitions and lost answers of the leader, ten draws each, all safe"
# so at 15/10/2 no cut-off duration is a bound: the measured cut-off bound
# is in the settings. The leader gives up at most RP + RD = 12 s after its
# last renewal began, a follower takes over LD after it saw it: the same
# base with LD lowered in 250 ms steps is safe at LD = 12 s and breaks at
# 11.75 s (every 5-25 s partition of the leader at every 250 ms start in
# [10 s, 30 s], ten draws); the spec's request-timeout term is not needed
# because the renew's request ends with the renew deadline
C='faults<=1; kinds=partition; grid=250ms; window=10s..30s; durations=5s,10s,15s,20s,25s; targets=leader'
for ld in 12s 11.75s; do
  sed "s/^  leaseDuration: 15s$/  leaseDuration: $ld/" $X/client-go-3.yaml >"$TMP/ld-$ld.yaml"
  grep -q "^  leaseDuration: $ld$" "$TMP/ld-$ld.yaml" || fail "could not set leaseDuration $ld"
  bin/sim prove "$TMP/ld-$ld.yaml" --scope "$C" --seeds 10 --out "$TMP/ld-$ld" >/dev/null 2>&1
  echo $? >"$TMP/ld-$ld.rc"
done
[ "$(cat "$TMP/ld-12s.rc")" -eq 0 ] || fail "cut-off: LD = RP + RD = 12 s broke safety: $(head -3 "$TMP/ld-12s/violations.tsv")"
[ "$(cat "$TMP/ld-11.75s.rc")" -eq 1 ] || fail "cut-off: LD = 11.75 s found no violation"
expect_line "$TMP/ld-11.75s/coverage.txt" "violations: 196 schedules; safety 196; lease-history 0"
replays_shrunk "$TMP/ld-11.75s" 'safety: partition leader'
echo "ok: cut-off bound in LD: 12 s safe, 11.75 s breaks (196 of 406 schedules), shrunk finding replays"

# 3b. --timing extremes: jitter, latency and loss draws within --budget's
# window of each fault at their minimum and maximum, at most DEPTH per
# schedule; equal states reached by other choices explored once. The exact
# counts of a 12-schedule scope, and state hashing cuts runs but not
# violations (docs/prove.md, "Timing at its extremes").
E='faults<=1; kinds=pause; grid=1s; window=10s..20s; durations=14s; targets=leader'
bin/sim prove $X/client-go-3.yaml --scope "$E" --timing extremes --out "$TMP/e1" >/dev/null 2>&1
[ $? -eq 1 ] || fail "extremes: a 14 s leader pause found no violation"
grep -q '^timing: extremes: .* within 2s of a fault.s start or end .* at most 8 choice points per schedule .*; 1532 runs, 1176 of them hit that cap; most choice points in one run: 8$' \
  "$TMP/e1/coverage.txt" || fail "extremes timing line: $(cat "$TMP/e1/coverage.txt")"
expect_line "$TMP/e1/coverage.txt" "states: 40383 distinct states hashed; 675 runs stopped at a state an earlier run of the schedule had reached (its subtree not expanded again)"
expect_line "$TMP/e1/coverage.txt" "violations: 2 schedules; safety 2; lease-history 0"
bin/sim prove $X/client-go-3.yaml --scope "$E" --timing extremes --no-state-hash --out "$TMP/e2" >/dev/null 2>&1
[ $? -eq 1 ] || fail "extremes without state hashing: no violation"
grep -q '; 2315 runs, ' "$TMP/e2/coverage.txt" || fail "no-state-hash runs: $(cat "$TMP/e2/coverage.txt")"
cmp -s "$TMP/e1/violations.tsv" "$TMP/e2/violations.tsv" || fail "state hashing changed the violations"
f=$(awk -F'\t' '!/^#/ { print $1; exit }' "$TMP/e1/findings.tsv")
out=$(bin/sim run "$TMP/e1/$f") && grep -q 'BUG REPRODUCED (expected safety violation' <<<"$out" ||
  fail "the extremes finding does not replay: $out"
echo "ok: timing extremes: 1532 runs (2315 without state hashing), 40383 states, same 2 violations"
# A finding no seed replays carries its choice path (--replay-seeds 0 makes
# every finding one): the file's timing: block replays the violating run,
# and the same file without it passes, so the path is what breaks it.
bin/sim prove $X/client-go-3.yaml --scope "$E" --timing extremes --replay-seeds 0 --out "$TMP/e3" >/dev/null 2>&1
[ $? -eq 1 ] || fail "extremes, --replay-seeds 0: no violation"
f=$(awk -F'\t' '!/^#/ { print $1; exit }' "$TMP/e3/findings.tsv")
[ -n "$f" ] && [ "$f" != - ] || fail "extremes, --replay-seeds 0: no file: $(cat "$TMP/e3/findings.tsv")"
grep -q '^timing: {window: 2s, points: 2, depth: 8, path: \[[01, ]*1\]}$' "$TMP/e3/$f" ||
  fail "the choice-path finding has no timing: path: $(grep -n timing "$TMP/e3/$f")"
out=$(bin/sim run "$TMP/e3/$f") && grep -q 'BUG REPRODUCED (expected safety violation' <<<"$out" ||
  fail "the choice-path finding does not replay: $out"
grep -v '^timing:' "$TMP/e3/$f" > "$TMP/e3-seeded.yaml"
out=$(bin/sim run "$TMP/e3-seeded.yaml" --ignore-expectations) && grep -q ': PASS: ' <<<"$out" ||
  fail "without its timing: path the finding still breaks safety (the path is not what the file replays): $out"
echo "ok: a choice-path finding replays from its timing: block, and passes without it"
# extremes are not exhaustive over a draw's continuous range, and the
# coverage statement says so: the 13.25 s leader pause at 16 s that ten
# sampled draws break (seed 3, above) passes at the extremes and with one
# interior value (167 and 3856 runs): the choice-point cap
# is spent on the round trips at the window's start, and the draws that
# decide it (the follower observing the last renewal just after it
# committed, then trying again just after its lease expired) need values
# between the extremes (docs/prove.md)
grep -q '^25	safety	pause leader at 16s for 13.25s	3$' "$TMP/b4/violations.tsv" ||
  fail "ten draws: the 13.25 s pause at 16 s no longer breaks at seed 3: $(cat "$TMP/b4/violations.tsv")"
G='faults<=1; kinds=pause; grid=250ms; window=16s..16s; targets=leader; durations=13.25s'
for t in extremes:167 extremes+1:3856; do
  bin/sim prove $X/client-go-3.yaml --scope "$G" --timing "${t%%:*}" --out "$TMP/g" >/dev/null 2>&1
  [ $? -eq 0 ] || fail "--timing ${t%%:*} now finds the 13.25 s pause at 16 s (update docs/prove.md)"
  grep -q "; ${t##*:} runs, " "$TMP/g/coverage.txt" || fail "--timing ${t%%:*}: $(grep '^timing' "$TMP/g/coverage.txt")"
  expect_line "$TMP/g/coverage.txt" "timing is not exhaustive: a draw's continuous range is covered only at the values above, and a value between them can break what they all pass (a 13.25 s leader pause of client-go 15/10/2: docs/prove.md)"
done
echo "ok: extremes and extremes+1 miss the 13.25 s pause ten draws break, and say they are not exhaustive"

# 3c. --timing critical: one run per schedule, each acquire jitter set to
# start the next attempt just after the pod's lease expiry, else just after
# the leader's next renewal reaches the store (the two instants the bounds
# turn on), the other draws seeded. It puts each bound at the grid step
# ten or a hundred sampled draws find, with one run: pause 13 s safe and
# 13.25 s broken (8 starts), a partitioned leader with a fast follower
# clock 1.25x safe and 1.3x broken, the cut-off LD 12 s safe and 11.75 s
# broken; each counterexample found, shrunk and replayed (docs/prove.md)
crit() { # NAME BASE SCOPE WANT_RC WANT_VIOLATIONS [SHAPE]
  bin/sim prove "$2" --scope "$3" --timing critical --out "$TMP/c-$1" >/dev/null 2>&1
  local rc=$?
  [ $rc -eq "$4" ] || fail "critical $1: exit $rc, expected $4: $(head -3 "$TMP/c-$1/violations.tsv")"
  expect_line "$TMP/c-$1/coverage.txt" "violations: $5 schedules; safety $5; lease-history 0"
  [ -z "${6:-}" ] || replays_shrunk "$TMP/c-$1" "$6"
}
crit pause13 $X/client-go-3.yaml "$P; durations=12.75s,13s" 0 0
crit pause1325 $X/client-go-3.yaml "$P; durations=13.25s" 1 8 'safety: pause leader'
grep -q '^timing: critical: .*; every other draw as seeds 1\.\.1 draw it (a schedule violates if any does); 122 runs$' "$TMP/c-pause1325/coverage.txt" ||
  fail "critical timing line: $(grep '^timing' "$TMP/c-pause1325/coverage.txt")"
grep -q '^timing is not exhaustive: ' "$TMP/c-pause1325/coverage.txt" || fail "critical: no 'not exhaustive' line"
crit rate125 $X/client-go-3.yaml "$R; rates=1.25x" 0 0
crit rate13 $X/client-go-3.yaml "$R; rates=1.3x" 1 16 'safety: partition leader; clock-rate follower'
crit ld12 "$TMP/ld-12s.yaml" "$C" 0 0
crit ld1175 "$TMP/ld-11.75s.yaml" "$C" 1 164 'safety: partition leader'
echo "ok: timing critical, one run per schedule: pause 13 s / 13.25 s (8 starts), clock 1.25x / 1.3x, cut-off LD 12 s / 11.75 s, found and shrunk"

# 4. the 2018 profile's hung renew: a partition of the leader alone
bin/sim prove $X/client-go-1.11-3.yaml --scope 'faults<=1; kinds=partition; grid=5s; window=10s..40s; durations=4s,16s' \
  --out "$TMP/hung" >/dev/null 2>&1
[ $? -eq 1 ] || fail "the hung renew was not found"
grep -q 'safety: partition leader' "$TMP/hung/findings.tsv" || fail "hung: $(cat "$TMP/hung/findings.tsv")"
echo "ok: hung renew found"

# 5. consistency with explore: every explore finding on the same bases whose
# faults prove's scope can express (leader/follower targets, no when:
# trigger, partitions both ways blackhole) has its shrunk shape among prove's
check_consistent() { # BASE EXPLORE_FAULTS PROVE_KINDS SEEDS
  bin/sim explore "$1" --seeds "$4" --faults "$2" --out "$TMP/x" >/dev/null 2>&1
  bin/sim prove "$1" --scope "faults<=2; kinds=$3; grid=5s; window=10s..40s; durations=4s,16s" \
    --out "$TMP/y" >/dev/null 2>&1
  local n=0 shape
  while IFS= read -r shape; do
    n=$((n + 1))
    grep -qF "$shape" <(awk -F'\t' '!/^#/ { sub(/^[a-z-]+: /, "", $3); print $3 }' "$TMP/y/findings.tsv") ||
      fail "$1: explore found '$shape', prove did not: $(cat "$TMP/y/findings.tsv")"
  done < <(awk -F'\t' '!/^#/ && $7 !~ /any|when|from|to |refused/ {
             s = $7; gsub(/ both blackhole/, "", s); print s }' "$TMP/x/findings.tsv")
  [ "$n" -gt 0 ] || fail "$1: explore made no finding inside the scope to compare"
  echo "ok: consistency on $1: $n explore finding(s) inside the scope, all found by prove"
}
check_consistent $X/client-go-3.yaml pause,pod-kill pause,kill 300
check_consistent $X/client-go-1.11-3.yaml partition,pause partition,pause 200

# 5b. SIGINT: the workers stop, the outputs say they are partial, exit 130
bin/sim prove $X/client-go-3.yaml --scope 'faults<=2; kinds=pause,partition; grid=250ms; window=10s..40s; durations=4s,16s' \
  --out "$TMP/int" >"$TMP/int.out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "SIGINT: exit $rc, expected 130: $(cat "$TMP/int.out")"
grep -q '^PARTIAL: [0-9]* of the 468997 schedules run (interrupted)' "$TMP/int/coverage.txt" ||
  fail "SIGINT: coverage.txt does not say it is partial: $(cat "$TMP/int/coverage.txt")"
grep -q '^interrupted: [0-9]* of 468997 schedules run' "$TMP/int.out" || fail "SIGINT: $(cat "$TMP/int.out")"
echo "ok: SIGINT stops prove with partial outputs, exit 130"

# 6. bad input
expect_bad() { # MESSAGE-REGEX ARGS...
  local re=$1 out
  shift
  out=$(bin/sim prove "$@" 2>&1)
  [ $? -eq 3 ] || fail "prove $* should exit 3: $out"
  grep -qE -- "$re" <<<"$out" || fail "prove $*: message '$out' does not match $re"
}
expect_bad 'faults<=K is missing' $X/client-go-3.yaml --scope 'kinds=pause; grid=1s; window=1s..2s; durations=1s'
expect_bad 'unknown kind "nap"' $X/client-go-3.yaml --scope 'faults<=1; kinds=nap; grid=1s; window=1s..2s'
expect_bad 'grid: "x" is not a positive duration' $X/client-go-3.yaml --scope 'faults<=1; kinds=pause; grid=x; window=1s..2s'
expect_bad 'K must be 0..3' $X/client-go-3.yaml --scope 'faults<=9; kinds=pause; grid=1s; window=1s..2s; durations=1s'
expect_bad 'window must end before the run' $X/client-go-3.yaml --scope 'faults<=1; kinds=pause; grid=1s; window=1s..90s; durations=1s'
expect_bad 'rates= is required' $X/client-go-3.yaml --scope 'faults<=1; kinds=clock-rate; grid=1s; window=1s..2s; durations=1s'
expect_bad '--scope is required' $X/client-go-3.yaml
expect_bad 'no such file|cannot|No such' "$TMP/none.yaml" --scope 'faults<=1; kinds=pause; grid=1s; window=1s..2s; durations=1s'
expect_bad '--jobs' $X/client-go-3.yaml --scope "$S" --jobs 0
expect_bad '--shard' $X/client-go-3.yaml --scope "$S" --shard 3/3
expect_bad '--seeds' $X/client-go-3.yaml --scope "$S" --seeds 0
bin/sim prove $X/client-go-3.yaml --scope "$S" --shard 2/3 --no-prune --out "$TMP/s2n" >/dev/null 2>&1
expect_bad 'interaction pruning off there, on in the shards before' merge $X/client-go-3.yaml --scope "$S" --from "$TMP/s0,$TMP/s1,$TMP/s2n"
expect_bad 'not a prove output' merge $X/client-go-3.yaml --scope "$S" --from "$TMP/none"
expect_bad 'merge: --from' merge $X/client-go-3.yaml --scope "$S"
expect_bad '--timing: expected seeds, extremes, extremes\+N \(N <= 14\) or critical' $X/client-go-3.yaml --scope "$S" --timing max
expect_bad '--budget: WINDOW must be a duration' $X/client-go-3.yaml --scope "$S" --timing extremes --budget soon
expect_bad '--budget: DEPTH must be 1..32' $X/client-go-3.yaml --scope "$S" --timing extremes --budget 2s,99
expect_bad '--seeds: not with --timing extremes\+N \(every draw is a choice there\)' $X/client-go-3.yaml --scope "$S" --seeds 4 --timing extremes+2
echo "ok: bad input exits 3"
