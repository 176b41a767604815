#!/usr/bin/env bash
# ci/compare-sim-histories tells a behaviour-neutral binary from one that
# changed a history: bin/sim against itself is "identical"; a binary whose
# histories gain one line is "DIFFERENT" with the scenario and the line;
# one that changes only events_processed is DIFFERENT unless
# --ignore-events-processed; bad usage exits 3.
source "$(dirname "$0")/sim_lib.sh"
files=(scenarios/article/*.yaml)
[ ${#files[@]} -gt 0 ] || fail "no scenarios under scenarios/article"
set -- "${files[0]}" "${files[1]:-${files[0]}}"

out=$(ci/compare-sim-histories bin/sim bin/sim --seeds 2 "$@" 2>&1); rc=$?
[ "$rc" -eq 0 ] || fail "bin/sim against itself: exit $rc: $out"
[[ "$out" == "identical: 4 histories (2 scenarios x 2 seeds)" ]] || fail "unexpected summary: $out"

# a NEW that appends one event to each history it writes
cat >"$TMP/mutant" <<MUT
#!/usr/bin/env bash
"$PWD/bin/sim" "\$@"; rc=\$?
out=""; prev=""
for a in "\$@"; do [ "\$prev" = --out ] && out=\$a; prev=\$a; done
[ -n "\$out" ] && find "\$out" -name history.jsonl -exec sh -c 'echo "{}" >>"\$1"' _ {} \;
exit \$rc
MUT
chmod +x "$TMP/mutant"
out=$(ci/compare-sim-histories bin/sim "$TMP/mutant" --seeds 1 "$1" 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "a changed history: exit $rc, want 1: $out"
grep -q "^DIFFERENT: $1: .*history.jsonl differs from line" <<<"$out" || fail "no DIFFERENT line naming $1: $out"

# a NEW whose histories differ only in the header's events_processed:
# DIFFERENT, unless told to leave that count out; a real difference stays
# DIFFERENT either way
cat >"$TMP/counter" <<MUT
#!/usr/bin/env bash
"$PWD/bin/sim" "\$@"; rc=\$?
out=""; prev=""
for a in "\$@"; do [ "\$prev" = --out ] && out=\$a; prev=\$a; done
[ -n "\$out" ] && find "\$out" -name history.jsonl -exec sed -i -E '1s/"events_processed":[0-9]+/"events_processed":7/' {} \;
exit \$rc
MUT
chmod +x "$TMP/counter"
out=$(ci/compare-sim-histories bin/sim "$TMP/counter" --seeds 1 "$1" 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "another events_processed: exit $rc, want 1: $out"
out=$(ci/compare-sim-histories bin/sim "$TMP/counter" --seeds 1 --ignore-events-processed "$1" 2>&1); rc=$?
[ "$rc" -eq 0 ] && [[ "$out" == "identical but for events_processed: 1 histories (1 scenarios x 1 seeds)" ]] ||
	fail "--ignore-events-processed: exit $rc: $out"
out=$(ci/compare-sim-histories bin/sim "$TMP/mutant" --seeds 1 --ignore-events-processed "$1" 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "a changed history with --ignore-events-processed: exit $rc, want 1: $out"

out=$(ci/compare-sim-histories bin/sim 2>&1); rc=$?
[ "$rc" -eq 3 ] || fail "one binary: exit $rc, want 3"
out=$(ci/compare-sim-histories bin/sim bin/sim --seeds 0 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q -- "--seeds" <<<"$out" || fail "--seeds 0: exit $rc, want 3 naming --seeds: $out"
echo "ok"
