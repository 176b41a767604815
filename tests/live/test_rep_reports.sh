#!/usr/bin/env bash
# Reports of real simulator runs: for every known-violation scenario, the
# timeline has one lane per pod and one overlap mark per overlap the checker
# reported (report.json), and junit.xml counts what ran. A report that drew
# fewer or more marks than the checker found would fail here.
source "$(dirname "${BASH_SOURCE[0]}")/sim_lib.sh"

out="$TMP/reports"
files=$(grep -l 'violation: safety' scenarios/bugs/*.yaml)
[ -n "$files" ] || fail "no safety-violation scenario found"
# shellcheck disable=SC2086
bin/sim run $files --seeds 2 --out "$out" --quiet >"$TMP/sim.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/sim.log"; fail "bin/sim exited $rc"; }

count() { grep -o -- "$1" "$2" | wc -l; }
runs=0
while IFS= read -r rep; do
  dir=$(dirname "$rep"); html="$dir/timeline.html"
  runs=$((runs + 1))
  # report.json writes one "replaces" per pod and one "length_ns" per overlap
  pods=$(count '"replaces":' "$rep"); overlaps=$(count '"length_ns":' "$rep")
  lanes=$(count '<g class="lane" data-pod=' "$html"); marks=$(count '<g class="overlap">' "$html")
  [ "$pods" -gt 0 ] || fail "$rep: no pods"
  [ "$lanes" -eq "$pods" ] || fail "$html: $lanes lanes for $pods pods"
  [ "$overlaps" -gt 0 ] || fail "$rep: a safety-violation scenario reported no overlap"
  [ "$marks" -eq "$overlaps" ] || fail "$html: $marks overlap marks for $overlaps overlaps"
  grep -q '"max_leaders_seen":[2-9]' "$rep" || fail "$rep: max_leaders_seen below 2"
  [ -s "$dir/summary.md" ] && [ -s "$dir/history.jsonl" ] || fail "$dir: empty summary or history"
done < <(find "$out" -name report.json | sort)

n=$(echo "$files" | wc -l)
[ "$runs" -eq $((n * 2)) ] || fail "$runs reports for $n scenarios x 2 seeds"
j="$out/junit.xml"
grep -q "<testsuites name=\"leaselab\" tests=\"$runs\" failures=\"0\"" "$j" || fail "junit.xml: wrong totals: $(head -n 2 "$j" | tail -n 1)"
[ "$(count '<testcase ' "$j")" -eq "$runs" ] || fail "junit.xml: not one testcase per run"
[ "$(count '<testsuite ' "$j")" -eq "$n" ] || fail "junit.xml: not one testsuite per scenario"
[ "$(count '<tr class="run">' "$out/index.html")" -eq "$runs" ] || fail "index.html: not one row per run"
echo "$runs runs of $n known-violation scenarios: lanes and overlap marks match report.json; junit.xml and index.html count them all"

# Coordinated handovers reach report.json as the checker printed them: one
# that ended (rollback-preferred-holder) and one that did not (the paused
# controller, a handover violation).
ho() { # SCENARIO SEED: the run's report.json handovers array
  rm -rf "$TMP/ho"
  bin/sim run "scenarios/coordinated/$1.yaml" --seed "$2" --ignore-expectations --keep all \
    --out "$TMP/ho" > "$TMP/ho.log" 2>&1
  grep -o '"handovers":\[[^]]*\]' "$TMP/ho/$1/seed-$2/report.json"
}
got=$(ho rollback-preferred-holder 3)
want='"handovers":[{"from":"a","to":"a2","named_ns":100001784213,"leader_ns":120155891139,"duration_ns":20154106926,"bound_ns":29412000000,"within_bound":true}]'
[ "$got" = "$want" ] || fail "rollback-preferred-holder seed 3: report.json $got, want $want"
grep -q 'from a to a2 named at 100.002 s -> a2 leads at 120.156 s: 20.154 s (bound 29.412 s)' "$TMP/ho.log" ||
  fail "the printed handover differs: $(grep handover "$TMP/ho.log")"
got=$(ho handover-controller-paused 3)
want='"handovers":[{"from":"new","to":"old","named_ns":60001485301,"leader_ns":-1,"duration_ns":-1,"bound_ns":29412000000,"within_bound":false}]'
[ "$got" = "$want" ] || fail "handover-controller-paused seed 3: report.json $got, want $want"
echo "report.json handovers: one that ended, one past its bound, as printed"
