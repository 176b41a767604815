#!/usr/bin/env bash
# Same scenario + seed + binary = byte-identical history:
#  1. --check-determinism on every suite scenario (the article ones, the
#     bugs, and the faults with their random latency and loss);
#  2. two separate bin/sim processes write identical history.jsonl files
#     (the article scenarios and a fault scenario);
#  3. the command on a run's "# seed N: ..." line reproduces that run;
#  4. and the seed matters (another seed gives another history), so the
#     comparison is not vacuous.
source "$(dirname "$0")/sim_lib.sh"
mapfile -t article < <(ls scenarios/article/*.yaml 2>/dev/null)
mapfile -t faults < <(ls scenarios/faults/*.yaml 2>/dev/null)
mapfile -t all < <(suite_scenarios)
[ ${#article[@]} -gt 0 ] || fail "no scenarios/article/*.yaml"
[ ${#faults[@]} -gt 0 ] || fail "no scenarios/faults/*.yaml"
files=("${article[@]}")
# A fault scenario with randomness in the network: prefer loss or latency.
for f in "${faults[@]}"; do
  case "$f" in *loss*|*latency*|*delay*) files+=("$f"); break;; esac
done
[ ${#files[@]} -gt ${#article[@]} ] || files+=("${faults[0]}")

# 1. in-process: each seed twice, compared byte for byte.
out=$(bin/sim run "${all[@]}" --seeds 2 --check-determinism --quiet 2>&1); rc=$?
[ "$rc" -ne 4 ] || fail "bin/sim --check-determinism exit 4: $(printf '%s\n' "$out" | grep -A2 FAILED)"
n=$(printf '%s\n' "$out" | grep -c 'determinism: seed [0-9]*: identical histories')
[ "$n" -eq $(( ${#all[@]} * 2 )) ] || fail "expected $(( ${#all[@]} * 2 )) identical-history lines, got $n"
echo "--check-determinism: ${#all[@]} scenarios x 2 seeds, identical histories"

# 2. two processes, same seed: identical files.
bin/sim run "${files[@]}" --seed 7 --out "$TMP/a" >/dev/null 2>&1
bin/sim run "${files[@]}" --seed 7 --out "$TMP/b" >/dev/null 2>&1
count=0
while IFS= read -r h; do
  rel=${h#"$TMP/a/"}
  cmp "$h" "$TMP/b/$rel" || fail "history differs between two runs: $rel"
  count=$((count + 1))
done < <(find "$TMP/a" -name history.jsonl | sort)
[ "$count" -eq ${#files[@]} ] || fail "expected ${#files[@]} history files, found $count"
echo "two processes, seed 7: $count identical history files"

# 3. the printed command reproduces the run.
f=${article[0]}
slug=$(basename "$f" .yaml)
bin/sim run "$f" --seed 11 --seeds 2 --out "$TMP/c" > "$TMP/c.txt" 2>&1
line=$(grep -m2 '^# seed ' "$TMP/c.txt" | tail -n 1)
[[ "$line" == "# seed 12: bin/sim run $f --seed 12" ]] || fail "unexpected repro line: $line"
cmd=${line#"# seed 12: "}
$cmd --out "$TMP/d" >/dev/null 2>&1
cmp "$TMP/c/$slug/seed-12/history.jsonl" "$TMP/d/$slug/seed-12/history.jsonl" ||
  fail "'$cmd' did not reproduce seed 12's history"
echo "repro line reproduces: $cmd"

# 4. another seed, another history.
bin/sim run "$f" --seed 8 --out "$TMP/e" >/dev/null 2>&1
if cmp -s "$TMP/a/$slug/seed-7/history.jsonl" "$TMP/e/$slug/seed-8/history.jsonl"; then
  fail "seeds 7 and 8 of $f gave the same history: the seed is not used"
fi
echo "seeds 7 and 8 differ"
