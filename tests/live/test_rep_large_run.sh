#!/usr/bin/env bash
# Large runs (issue 12, part 5): 100,000 seeds of the article scenario with
# --out write megabytes, not gigabytes (--keep's default: failing seeds plus
# the first 10 of each scenario), and show a progress bar when stdout and
# stderr are a terminal (driven through a pseudo-terminal with script(1));
# piped, nothing extra is printed. Then --keep's other values, a bad value,
# and a folder argument.
source "$(dirname "$0")/sim_lib.sh"
command -v script >/dev/null || fail "script(1) (util-linux) is needed for the pseudo-terminal"
SEEDS=${REP_LARGE_SEEDS:-100000}
f=scenarios/article/sidecar-demo.yaml
slug=sidecar-demo

# 1. 100,000 seeds through a pseudo-terminal.
t0=$(date +%s)
script -qefc "bin/sim run $f --seeds $SEEDS --quiet --out $TMP/big" "$TMP/tty.log" >/dev/null 2>&1
rc=$?
t1=$(date +%s)
[ "$rc" -eq 0 ] || fail "bin/sim exited $rc; tail: $(tail -c 400 "$TMP/tty.log")"
grep -q "seeds/s" "$TMP/tty.log" || fail "no progress bar on the terminal: $(tail -c 400 "$TMP/tty.log")"
grep -q "ETA " "$TMP/tty.log" || fail "the progress bar shows no ETA"
grep -q "\] $SEEDS/$SEEDS seeds" "$TMP/tty.log" || fail "the bar never reached $SEEDS/$SEEDS"
bytes=$(du -sb "$TMP/big" | cut -f1)
[ "$bytes" -lt $((50 * 1024 * 1024)) ] || fail "$SEEDS seeds wrote $bytes bytes (limit 50 MB)"
dirs=$(find "$TMP/big/$slug" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$dirs" -eq 10 ] || fail "expected 10 kept seeds (the default sample), found $dirs"
python3 - "$TMP/big/suite.json" "$SEEDS" <<'PY' || fail "suite.json does not count every seed"
import json, sys
j = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
s = j["scenarios"][0]
assert j["runs"] == n and s["seeds"] == n, (j["runs"], s["seeds"])
fo = s["failover"]
assert fo["count"] >= n and fo["p50_ns"] <= fo["p90_ns"] <= fo["p99_ns"] <= fo["max_ns"], fo
PY
grep -q "article-sidecar-demo: $SEEDS seeds: $SEEDS pass; .* p99 " "$TMP/tty.log" ||
  fail "no aggregate line with p99 on the terminal"
echo "$SEEDS seeds in $((t1 - t0)) s through a pty: $((bytes / 1024)) KB written, $dirs seeds kept, progress bar shown"

# 2. Not a terminal: no bar, nothing extra.
bin/sim run "$f" --seeds 50 --quiet >"$TMP/pipe.out" 2>"$TMP/pipe.err" || fail "piped run failed"
[ ! -s "$TMP/pipe.err" ] || fail "stderr not empty when piped: $(head -c 200 "$TMP/pipe.err")"
grep -q 'seeds/s\|ETA' "$TMP/pipe.out" && fail "progress output when piped"
[ "$(wc -l <"$TMP/pipe.out")" -eq 3 ] || fail "piped --quiet prints 3 lines (repro, aggregate, total): $(cat "$TMP/pipe.out")"
echo "piped: no progress bar, 3 lines"

# 3. --keep.
bin/sim run "$f" --seeds 3 --keep none --out "$TMP/none" >/dev/null || fail "--keep none"
[ -z "$(find "$TMP/none" -name history.jsonl)" ] || fail "--keep none wrote per-seed files"
[ -f "$TMP/none/index.html" ] && [ -f "$TMP/none/suite.json" ] || fail "--keep none wrote no suite files"
bin/sim run "$f" --seeds 12 --keep all --out "$TMP/all" >/dev/null || fail "--keep all"
[ "$(find "$TMP/all" -name timeline.html | wc -l)" -eq 12 ] || fail "--keep all kept not 12 seeds"
bin/sim run "$f" --seeds 12 --keep sample:2 --out "$TMP/s2" >/dev/null || fail "--keep sample:2"
[ "$(find "$TMP/s2" -name timeline.html | wc -l)" -eq 2 ] || fail "--keep sample:2 kept not 2 seeds"
bin/sim run scenarios/bugs/pause-leader.yaml --seeds 4 --ignore-expectations --keep failing \
  --out "$TMP/failing" >/dev/null
[ "$(find "$TMP/failing" -name timeline.html | wc -l)" -eq 4 ] || fail "--keep failing did not keep the 4 failing seeds"
bin/sim run "$f" --seeds 4 --keep failing --out "$TMP/pass" >/dev/null || fail "--keep failing (passing)"
[ -z "$(find "$TMP/pass" -name timeline.html)" ] || fail "--keep failing kept passing seeds"
out=$(bin/sim run "$f" --keep sometimes 2>&1); rc=$?
[ "$rc" -eq 3 ] || fail "--keep sometimes: exit $rc, expected 3"
grep -q -- "--keep: expected failing, all, none or sample:N" <<<"$out" || fail "--keep error: $out"
echo "--keep none/all/sample:2/failing keep what they say; a bad value exits 3"

# 4. A folder runs its *.yaml files, sorted.
n=$(ls scenarios/bugs/*.yaml | wc -l)
out=$(bin/sim run scenarios/bugs/ --quiet 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "bin/sim run scenarios/bugs/: exit $rc: $(tail -n 3 <<<"$out")"
grep -q "^total: $n/$n runs passed, exit 0$" <<<"$out" || fail "folder: $(tail -n 2 <<<"$out")"
mkdir -p "$TMP/empty"
out=$(bin/sim run "$TMP/empty" 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q "no \*.yaml scenario files" <<<"$out" || fail "empty folder: exit $rc: $out"
echo "scenarios/bugs/ runs its $n files; an empty folder exits 3"
