#!/usr/bin/env bash
# The scenario library passes: every scenario under scenarios/article,
# scenarios/bugs and scenarios/faults exits 0 from bin/sim over a few seeds
# (an `expect: violation` scenario passes only when every seed finds its bug).
source "$(dirname "$0")/sim_lib.sh"
SEEDS=${SIM_SUITE_SEEDS:-10}
mapfile -t files < <(suite_scenarios)
[ ${#files[@]} -gt 0 ] || fail "no scenarios under scenarios/{article,bugs,faults}"

bad=0
for f in "${files[@]}"; do
  start=$(date +%s%N)
  out=$(bin/sim run "$f" --seeds "$SEEDS" 2>&1)
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  verdict=$(printf '%s\n' "$out" | grep -m1 -E '\(seed [0-9]+\): ' | sed 's/^[^:]*): //')
  printf '%-48s exit %d %6d ms  %s\n' "$f" "$rc" "$ms" "$verdict"
  if [ "$rc" -ne 0 ]; then
    bad=$((bad + 1))
    printf '%s\n' "$out" | sed 's/^/    /' | head -n 40
  fi
done
echo "${#files[@]} scenarios x $SEEDS seeds, $bad failing"
[ "$bad" -eq 0 ] || fail "$bad scenarios did not pass"
