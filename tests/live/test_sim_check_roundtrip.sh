#!/usr/bin/env bash
# The history is the one contract between a driver and the checker: judging
# a stored history.jsonl with `bin/sim check` gives what the run itself gave.
#  1. every scenario under scenarios/, 3 seeds: the same verdict line, the
#     same exit code, and byte-identical report.json, summary.md and
#     timeline.html (no field may legitimately differ);
#  2. the same with --ignore-expectations, so that failing verdicts (exit 1
#     and 2, violations listed) round-trip too; only the repro command
#     differs (check cannot know the run's flags);
#  3. --scenario FILE judges against the file's expectations;
#  4. the comparison is not vacuous: an edited history gets another verdict.
source "$(dirname "$0")/sim_lib.sh"
mapfile -t all < <(ls scenarios/*/*.yaml 2>/dev/null)
[ ${#all[@]} -gt 0 ] || fail "no scenarios/*/*.yaml"
seeds=3

# verdict lines "NAME (seed N): ..." of one bin/sim output, by slug/seed
roundtrip() { # label out-dir [run flags...]
  local label=$1 out=$2; shift 2
  bin/sim run "${all[@]}" --seeds $seeds --out "$out" "$@" >"$out.run.txt" 2>&1
  local n=0 h d rc_check
  while IFS= read -r h; do
    d=$(dirname "$h")
    bin/sim check "$h" --out "$d/check" >"$d/check.txt" 2>&1; rc_check=$?
    local rc_run
    rc_run=$(grep -o '"exit_code":[0-9]*' "$d/report.json" | head -1 | cut -d: -f2)
    [ -n "$rc_run" ] || fail "$label: no exit_code in $d/report.json"
    [ "$rc_check" = "$rc_run" ] || fail "$label: $h: check exit $rc_check, run exit $rc_run"
    local v
    v=$(grep -m1 ' (seed [0-9]*): ' "$d/check.txt")
    [ -n "$v" ] || fail "$label: $h: no verdict line from check: $(head -3 "$d/check.txt")"
    grep -qxF -- "$v" "$out.run.txt" || fail "$label: $h: verdict not the run's: $v"
    # The run's flags are not in the history: with --ignore-expectations
    # the run's repro command names the flag and check's cannot.
    for f in report.json summary.md timeline.html; do
      cmp -s <(sed 's/ --ignore-expectations//g' "$d/$f") "$d/check/$f" ||
        fail "$label: $d/$f differs from check's: $(cmp "$d/$f" "$d/check/$f")"
    done
    n=$((n + 1))
  done < <(find "$out" -name history.jsonl | sort)
  [ "$n" -eq $(( ${#all[@]} * seeds )) ] || fail "$label: expected $(( ${#all[@]} * seeds )) histories, found $n"
  echo "$label: $n histories re-judged: same verdicts, exit codes and reports"
}

roundtrip expectations "$TMP/a"
roundtrip ignore-expectations "$TMP/b" --ignore-expectations
nonzero=$(grep -l '"exit_code":[12]' $(find "$TMP/b" -path '*/check/report.json') | wc -l)
[ "$nonzero" -gt 0 ] || fail "--ignore-expectations gave no failing run: part 2 proves nothing"
echo "  of which $nonzero failing runs (exit 1 or 2)"

# 3. --scenario: the file's expectations, not the header's.
h=$(find "$TMP/b" -path '*pause-leader/seed-1/history.jsonl')
[ -f "$h" ] || fail "no pause-leader history"
bin/sim check "$h" >/dev/null 2>&1; rc0=$?
[ "$rc0" -ne 0 ] || fail "pause-leader judged without its expectation should fail"
bin/sim check "$h" --scenario scenarios/bugs/pause-leader.yaml >"$TMP/s.txt" 2>&1; rc=$?
[ "$rc" -eq 0 ] || fail "check --scenario: exit $rc: $(head -3 "$TMP/s.txt")"
grep -q 'PASS (expected' "$TMP/s.txt" || fail "check --scenario: $(head -3 "$TMP/s.txt")"
echo "--scenario: the file's expectation (a violation) turns exit $rc0 into 0"

# 4. not vacuous: a second leader written into a passing history is caught.
h=$(find "$TMP/a" -path '*embedded-demo/seed-1/history.jsonl')
awk 'NR == 1 { print; next }
     /"kind":"started-leading"/ && !done {
       print; other = /"pod":0,/ ? 1 : 0
       sub(/"pod":[0-9]*,"pod_name":"[^"]*"/, "\"pod\":" other); done = 1 }
     { print }' "$h" >"$TMP/edited.jsonl"
# renumber seq after the duplicated line
awk 'NR == 1 { print; next } { sub(/"seq":[0-9]*/, "\"seq\":" (NR - 2)); print }' \
  "$TMP/edited.jsonl" | sed '1s/"events":\([0-9]*\)/"events":EVENTS/' >"$TMP/e2.jsonl"
n=$(( $(wc -l <"$TMP/e2.jsonl") - 1 ))
sed "1s/\"events\":EVENTS/\"events\":$n/" "$TMP/e2.jsonl" >"$TMP/edited.jsonl"
bin/sim check "$TMP/edited.jsonl" >"$TMP/e.txt" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "an edited history with two leaders: exit $rc, expected 1: $(head -3 "$TMP/e.txt")"
grep -q 'SAFETY VIOLATED' "$TMP/e.txt" || fail "edited history: $(head -3 "$TMP/e.txt")"
echo "an edited history with a second leader: SAFETY VIOLATED, exit 1"
exit 0
