#!/usr/bin/env bash
# docs/bug-catalogue.md is generated from scenarios/bugs/*.yaml by
# ci/gen-bug-catalogue: it must be current (regenerate it: ci/gen-bug-catalogue
# --out docs/bug-catalogue.md), every scenario must name its upstream source,
# and the generator must notice both a scenario without one and an edit.
source "$(dirname "$0")/sim_lib.sh"
declare -F skip >/dev/null || skip() { echo "$*"; exit 77; }
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || skip "$PY is missing (ci/bootstrap installs python3)"
"$PY" -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing (apt-get install python3-yaml)"
gen() { "$PY" "$ROOT/ci/gen-bug-catalogue" --sim "$ROOT/bin/sim" "$@"; }
ROOT=$(pwd)

gen --out "$TMP/now.md" || fail "ci/gen-bug-catalogue failed (exit $?)"
diff -u docs/bug-catalogue.md "$TMP/now.md" > "$TMP/diff" ||
  fail "docs/bug-catalogue.md is stale; run ci/gen-bug-catalogue --out docs/bug-catalogue.md:
$(head -n 40 "$TMP/diff")"
rows=$(grep -c '^| .*\](../scenarios/bugs/' docs/bug-catalogue.md)
files=$(ls scenarios/bugs/*.yaml | wc -l)
[ "$rows" -eq "$files" ] || fail "$rows rows for $files scenarios"

# A copy of the tree: one description loses its sources, one scenario changes.
mkdir -p "$TMP/t/docs" "$TMP/t/scenarios/bugs"
cp docs/election-spec.md "$TMP/t/docs/"
cp scenarios/bugs/*.yaml "$TMP/t/scenarios/bugs/"
cd "$TMP/t" || fail "no temporary tree"
gen --out ref.md || fail "the copy does not generate"
cmp -s ref.md "$TMP/now.md" || fail "the copy generates another table"
sed -i 's/controller-runtime#3298/a report/g' scenarios/bugs/isolated-single-replica.yaml
err=$(gen --out x.md 2>&1); rc=$?
[ "$rc" -eq 3 ] || fail "a scenario without an upstream source: exit $rc, expected 3"
printf '%s\n' "$err" | grep -q '^scenarios/bugs/isolated-single-replica.yaml: description: names no upstream source' ||
  fail "the error does not name the scenario: $err"
cp "$ROOT"/scenarios/bugs/isolated-single-replica.yaml scenarios/bugs/
sed -i 's/maxChangesPerHour: 6/maxChangesPerHour: 60/' scenarios/bugs/slow-apiserver-flap.yaml
gen --out edited.md || fail "the edited copy does not generate"
cmp -s edited.md ref.md && fail "an edited scenario leaves the table unchanged: staleness would go unseen"
grep -q 'slow-apiserver-flap.yaml) | client-go-1.34 | finds a stability violation | PASS |' edited.md ||
  fail "the edited row does not show the new verdict"
echo "bug catalogue: $rows rows, current; a missing source and an edit are both caught"
