#!/usr/bin/env bash
# out/bench.json's shape (bench/bench_json.h) through build/live/bench_json,
# the writer and checker make bench uses: figures are added and replaced by
# name, the ratio is value / baseline, a figure without a baseline has null
# for both; every malformed file is refused with exit 3 and a message naming
# the figure and the field.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
BJ=build/live/bench_json
[ -x "$BJ" ] || { echo "FAIL: $BJ is not built (make all builds it)"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
F=$TMP/sub/bench.json

# A fresh file (its folder created), two figures, one replaced.
$BJ add "$F" bench_x x_rate 50 events/s "bare heap" 200 || fail "add x_rate"
$BJ add "$F" bench_x x_wall 3.5 ms || fail "add x_wall"
$BJ add "$F" bench_x x_rate 100 events/s "bare heap" 200 || fail "replace x_rate"
$BJ check "$F" || fail "check of a file the writer made"
python3 - "$F" <<'P' || fail "content of $F"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "leaselab-bench/1", d
f = {x["name"]: x for x in d["figures"]}
assert len(d["figures"]) == 2, d["figures"]
r = f["x_rate"]
assert r == {"name": "x_rate", "bench": "bench_x", "value": 100, "unit": "events/s",
             "baseline": {"name": "bare heap", "value": 200}, "ratio": 0.5}, r
w = f["x_wall"]
assert w["value"] == 3.5 and w["unit"] == "ms" and w["baseline"] is None and w["ratio"] is None, w
P

# Bad files: exit 3, the message names the place.
expect_bad() { # NAME JSON PATTERN
  printf '%s\n' "$2" > "$TMP/$1.json"
  out=$($BJ check "$TMP/$1.json" 2>&1); rc=$?
  [ "$rc" = 3 ] || fail "$1: exit $rc, want 3 ($out)"
  grep -q -- "$3" <<<"$out" || fail "$1: message '$out' lacks '$3'"
}
G='"name":"a","bench":"b","value":1,"unit":"ms"'
expect_bad notjson '{"schema":' 'not a JSON object'
expect_bad schema '{"figures":[{'"$G"',"baseline":null,"ratio":null}]}' 'schema'
expect_bad empty '{"schema":"leaselab-bench/1","figures":[]}' 'figures: missing, not an array, or empty'
expect_bad nounit '{"schema":"leaselab-bench/1","figures":[{"name":"a","bench":"b","value":1,"baseline":null,"ratio":null}]}' 'figures\[0\]\.unit'
expect_bad novalue '{"schema":"leaselab-bench/1","figures":[{"name":"a","bench":"b","value":"fast","unit":"ms","baseline":null,"ratio":null}]}' 'figures\[0\]\.value'
expect_bad noratio '{"schema":"leaselab-bench/1","figures":[{'"$G"',"baseline":null}]}' 'figures\[0\]\.ratio: missing'
expect_bad halfnull '{"schema":"leaselab-bench/1","figures":[{'"$G"',"baseline":null,"ratio":1}]}' 'null exactly when baseline is'
expect_bad wrongratio '{"schema":"leaselab-bench/1","figures":[{'"$G"',"baseline":{"name":"n","value":4},"ratio":4}]}' 'figures\[0\]\.ratio: must be value / baseline.value (0.25)'
expect_bad badbase '{"schema":"leaselab-bench/1","figures":[{'"$G"',"baseline":{"value":4},"ratio":0.25}]}' 'figures\[0\]\.baseline'
expect_bad dup '{"schema":"leaselab-bench/1","figures":[{'"$G"',"baseline":null,"ratio":null},{'"$G"',"baseline":null,"ratio":null}]}' 'figures\[1\]\.name: "a" appears twice'
out=$($BJ check "$TMP/none.json" 2>&1); [ $? = 3 ] && grep -q 'cannot read' <<<"$out" || fail "missing file: $out"

# Bad arguments and a file that is not a bench file: exit 3, file unchanged.
out=$($BJ add "$F" b y fast ms 2>&1); [ $? = 3 ] && grep -q 'VALUE: "fast" is not a finite number' <<<"$out" || fail "bad value: $out"
out=$($BJ add "$F" b y 1 ms base 0 2>&1); [ $? = 3 ] && grep -q 'must be positive' <<<"$out" || fail "zero baseline: $out"
out=$($BJ frobnicate 2>&1); [ $? = 3 ] && grep -q usage <<<"$out" || fail "usage: $out"
echo '[1,2]' > "$TMP/arr.json"
out=$($BJ add "$TMP/arr.json" b y 1 ms 2>&1); [ $? = 3 ] && grep -q 'not a bench file' <<<"$out" || fail "non-bench file: $out"
[ "$(cat "$TMP/arr.json")" = '[1,2]' ] || fail "a non-bench file was changed"
echo "ok: bench.json written, replaced by name, and 14 malformed inputs refused with exit 3"
