#!/usr/bin/env bash
# No vacuous checks: every scenario that passes because it *expects* a
# violation must fail when the expectation is removed (--ignore-expectations),
# with the exit code of the invariant's class (1 safety / lease-history,
# 2 liveness / failover / stability / leaderless), and the named invariant
# must be among what the checker reports.
source "$(dirname "$0")/sim_lib.sh"
SEEDS=${SIM_SUITE_SEEDS:-10}
mapfile -t files < <(suite_scenarios)
[ ${#files[@]} -gt 0 ] || fail "no scenarios under scenarios/{article,bugs,faults}"

checked=0; bad=0
for f in "${files[@]}"; do
  out=$(bin/sim run "$f" --seeds "$SEEDS" 2>&1)
  # "BUG REPRODUCED (expected safety violation): ..." names the invariant.
  inv=$(printf '%s\n' "$out" | grep -m1 -o 'BUG REPRODUCED (expected [a-z-]* violation)' |
        sed 's/BUG REPRODUCED (expected \(.*\) violation)/\1/')
  [ -n "$inv" ] || continue
  checked=$((checked + 1))
  raw=$(bin/sim run "$f" --seeds "$SEEDS" --ignore-expectations 2>&1)
  rc=$?
  case "$inv" in
    safety)        want=1; seen=$(printf '%s\n' "$raw" | grep -c '^  overlap: ');;
    lease-history) want=1; seen=$(printf '%s\n' "$raw" | grep -c 'violation (lease-history)\|VIOLATED (lease-history)');;
    failover)      want=2; seen=$(printf '%s\n' "$raw" | grep -c 'EXCEEDED');;
    a)             want=any; seen=1;;
    *)             want=2; seen=$(printf '%s\n' "$raw" | grep -c "violation ($inv)\|VIOLATED ($inv)");;
  esac
  verdict=$(printf '%s\n' "$raw" | grep -m1 -E '\(seed [0-9]+\): ' | sed 's/^[^:]*): //')
  ok=1
  if [ "$want" = any ]; then
    [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || ok=0
  else
    # A safety violation outranks a liveness one, so an expected liveness-
    # class bug may come with exit 1; it must still be reported.
    if [ "$want" -eq 2 ]; then { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } || ok=0
    else [ "$rc" -eq 1 ] || ok=0; fi
  fi
  [ "$seen" -gt 0 ] || ok=0
  printf '%-48s expects %-13s without it: exit %d  %s\n' "$f" "$inv" "$rc" "$verdict"
  if [ "$ok" -ne 1 ]; then
    bad=$((bad + 1))
    echo "    expected exit $want and a reported $inv violation; got exit $rc:"
    printf '%s\n' "$raw" | sed 's/^/    /' | head -n 30
  fi
done
echo "$checked expect-violation scenarios checked, $bad vacuous"
[ "$checked" -gt 0 ] || fail "no scenario expects a violation: the bug scenarios are missing"
[ "$bad" -eq 0 ] || fail "$bad scenarios pass even without their expectation"
