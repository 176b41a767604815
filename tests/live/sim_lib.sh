# Shared by tests/live/test_sim_*.sh (sourced, not a test itself).
# Puts the shell at the repository root, checks bin/sim, makes $TMP (removed
# on exit), and lists the scenario library.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
if [ ! -x bin/sim ]; then
  echo "bin/sim is not built (make all builds it)"
  exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Every scenario the suite must pass: scenarios/{article,bugs,faults,coordinated}/*.yaml.
suite_scenarios() {
  local d f
  for d in article bugs faults coordinated; do
    for f in scenarios/$d/*.yaml; do
      [ -f "$f" ] && echo "$f"
    done
  done
}

fail() { echo "FAIL: $*"; exit 1; }
