#!/usr/bin/env bash
# Every fuzz target (tests/fuzz/NAME.c, built by make check as build/fuzz/NAME)
# over its seed corpus, tests/fuzz/corpus/NAME/: each input once, through the
# real parsers and the target's invariants. `make fuzz` searches further; this
# keeps the seeds themselves passing, so that a change to a codec or a parser
# that breaks an invariant on a known input (a Python client's record, an
# edge of the time formats) fails make check instead of waiting for the next
# fuzzing session.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
fail() { echo "FAIL: $*"; exit 1; }
n=0
for dir in tests/fuzz/corpus/*/; do
  name=$(basename "$dir")
  bin=build/fuzz/$name
  [ -f "tests/fuzz/$name.c" ] || fail "tests/fuzz/corpus/$name has no target tests/fuzz/$name.c"
  [ -x "$bin" ] || fail "$bin is not built (make check-build builds it)"
  files=("$dir"*)
  [ -f "${files[0]}" ] || fail "tests/fuzz/corpus/$name is empty"
  log=$(mktemp)
  if ! "$bin" -runs=1 "${files[@]}" >"$log" 2>&1; then
    grep -E "invariant|ERROR|Running:|SUMMARY" "$log" | tail -n 8
    rm -f "$log"
    fail "$name: an input of its seed corpus fails (above)"
  fi
  ran=$(grep -c '^Running: ' "$log")
  rm -f "$log"
  [ "$ran" -eq "${#files[@]}" ] || fail "$name: ran $ran of ${#files[@]} corpus inputs"
  echo "ok: $name, ${#files[@]} inputs"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no fuzz corpus found"
echo "ok: $n fuzz targets over their seed corpora"
