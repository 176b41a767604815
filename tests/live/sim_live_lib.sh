# Shared by tests/live/test_sim_live_*.sh (sourced, not a test itself).
#
# Puts the shell at the repository root and gives every test its own
# TMPDIR, so that "nothing is left behind" can be checked exactly: after a
# live run, no process names that folder (bin/fake-apiserver's --tokens and
# every pod's kubeconfig live in the harness's per-run folder under it) and
# the folder is empty.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

fail() { echo "FAIL: $*"; [ -n "${LAST_OUT:-}" ] && [ -f "$LAST_OUT" ] && tail -n 30 "$LAST_OUT"; exit 1; }
skip() { echo "$*"; exit 77; }

for b in bin/sim bin/elector bin/fake-apiserver; do
  [ -x "$b" ] || fail "$b is not built (make all builds it)"
done

WORK=$(mktemp -d)
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
cleanup() {
  # Only what a failed assertion may have left: processes naming our folder.
  local p
  for p in $(pgrep -f "$WORK" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The scenario must also pass the simulator (scenarios/live/*.yaml are
# ordinary scenario files).
sim_passes() {
  bin/sim run "$1" --quiet >"$WORK/sim.out" 2>&1 || { LAST_OUT="$WORK/sim.out"; fail "bin/sim run $1 does not pass"; }
}

# live NAME ARGS...: run bin/sim live, output in $WORK/NAME.out, exit code in RC.
live() {
  local name=$1; shift
  LAST_OUT="$WORK/$name.out"
  bin/sim live "$@" >"$LAST_OUT" 2>&1
  RC=$?
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC"; }
expect_out() { grep -qE -- "$1" "$LAST_OUT" || fail "output lacks /$1/"; }

# Nothing left: no process naming our folder, no temporary or faketime file.
nothing_left() {
  local left
  sleep 0.1
  left=$(pgrep -af "$WORK" 2>/dev/null | grep -v "pgrep" || true)
  [ -z "$left" ] || fail "processes left behind: $left"
  left=$(find "$TMPDIR" -mindepth 1 2>/dev/null | head -n 5)
  [ -z "$left" ] || fail "files left behind: $left"
}
