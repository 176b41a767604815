#!/usr/bin/env bash
# bin/sim's exit codes and output shape: 0 pass, 1 safety, 2 liveness,
# 3 bad input; with several runs the worst wins (3 > 1 > 2 > 0); the first
# line names the seed and the command; --help; the aggregate line.
source "$(dirname "$0")/sim_lib.sh"

cat > "$TMP/pass.yaml" <<'Y'
name: pass
duration: 90s
pods:
  - name: pod-a
  - name: pod-b
faults:
  - action: pod-kill
    at: 30s
    selector:
      role: leader
Y
# A pause longer than LD: the follower takes over, the paused leader still
# acts on resume. Unexpected here, so a safety violation.
cat > "$TMP/safety.yaml" <<'Y'
name: safety
duration: 90s
pods:
  - name: pod-a
  - name: pod-b
faults:
  - action: pause
    at: 20s
    duration: 30s
    selector:
      role: leader
Y
# The same crash as pass.yaml with a failover bound nobody can meet.
cat > "$TMP/liveness.yaml" <<'Y'
name: liveness
duration: 90s
pods:
  - name: pod-a
  - name: pod-b
faults:
  - action: pod-kill
    at: 30s
    selector:
      role: leader
expect:
  failover: 1s
Y
printf 'name: bad\nduration: 1s\npods: 3\n' > "$TMP/bad.yaml"

code() { bin/sim run "$@" >/dev/null 2>&1; echo $?; }
expect_code() { # want args...
  local want=$1; shift
  local got; got=$(code "$@")
  [ "$got" -eq "$want" ] || fail "bin/sim run $*: exit $got, expected $want"
  echo "bin/sim run $(echo "$@" | sed "s#$TMP/##g"): exit $got"
}
expect_code 0 "$TMP/pass.yaml"
expect_code 1 "$TMP/safety.yaml"
expect_code 2 "$TMP/liveness.yaml"
expect_code 3 "$TMP/bad.yaml"
expect_code 1 "$TMP/liveness.yaml" "$TMP/safety.yaml" "$TMP/pass.yaml"
expect_code 3 "$TMP/safety.yaml" "$TMP/bad.yaml"
expect_code 2 "$TMP/pass.yaml" "$TMP/liveness.yaml"

out=$(bin/sim run "$TMP/pass.yaml" --seed 42 --seeds 3 2>&1)
first=$(printf '%s\n' "$out" | head -n 1)
[ "$first" = "# seed 42: bin/sim run $TMP/pass.yaml --seed 42" ] || fail "first line: $first"
# The aggregate line's percentiles are nearest rank over the three
# failovers printed above it: p50 the middle one, p90/p99/max the slowest.
mapfile -t took < <(printf '%s\n' "$out" | sed -n 's/^  failover (crash) .*: \([0-9.]*\) s (bound.*/\1/p' | sort -n)
[ ${#took[@]} -eq 3 ] || fail "expected 3 failover lines in: $out"
want="^pass: 3 seeds: 3 pass; split brain in 0 of 3 seeds \\(0\\.0 %\\); failover p50 ${took[1]} s, p90 ${took[2]} s, p99 ${took[2]} s, max ${took[2]} s \\(3\\); longest leaderless ${took[2]} s \\(seed 4[234]\\)$"
printf '%s\n' "$out" | grep -qE "$want" || fail "no aggregate line ($want) in: $out"
printf '%s\n' "$out" | grep -qE '^  failover \(crash\) from pod-a at 30\.000 s -> pod-[a-z0-9-]+ leads at [0-9.]+ s: [0-9.]+ s \(bound 23\.800 s\)$' ||
  fail "no failover line in: $out"
printf '%s\n' "$out" | grep -q '^total: 3/3 runs passed, exit 0$' || fail "no total line"

out=$(bin/sim run "$TMP/safety.yaml" 2>&1)
printf '%s\n' "$out" | grep -qE '^  overlap: pod-a and pod-b both leading from [0-9.]+ s to [0-9.]+ s \([0-9.]+ s\)' ||
  fail "no overlap line in: $out"
printf '%s\n' "$out" | grep -q '^safety (seed 1): SAFETY VIOLATED (safety): ' || fail "verdict: $out"

bin/sim --help | grep -q '^usage: bin/sim run FILE' || fail "--help"
bin/sim --help >/dev/null || fail "--help exit code"
echo "first line, failover, overlap, aggregate and total lines as documented"
