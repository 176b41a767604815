#!/usr/bin/env bash
# Bad input exits 3 and says where: broken scenario files give
# file:line:column, broken histories file:line: field, bad flags name the flag.
source "$(dirname "$0")/sim_lib.sh"

good='name: ok
duration: 60s
pods:
  - name: pod-a
  - name: pod-b
'
w() { printf '%s' "$2" > "$TMP/$1.yaml"; }
w unknown-key "$good    colour: blue
"
w wrong-type 'name: x
duration: ten seconds
pods:
  - name: pod-a
'
w negative 'name: x
duration: 60s
pods:
  - name: pod-a
faults:
  - action: pause
    at: -5s
    duration: 1s
'
w no-such-profile 'name: x
duration: 60s
election:
  profile: client-go-1999
pods:
  - name: pod-a
'
w probe-zero-period 'name: x
duration: 60s
pods:
  - name: pod-a
    livenessProbe: {period: 0s}
'
w probe-unknown-key 'name: x
duration: 60s
pods:
  - name: pod-a
    livenessProbe: {period: 10s, failures: 3}
'
w stability-zero 'name: x
duration: 60s
pods:
  - name: pod-a
expect:
  stability: {maxChangesPerHour: 0}
'
w selector-matches-nothing "$good"'faults:
  - action: pod-kill
    at: 10s
    selector:
      pods: [pod-z]
'
w yaml-syntax 'name: x
duration: 60s
pods: [ {name: pod-a
'
w empty ''
# the coordinated faults (docs/scenario-format.md): each must be able to bite
w delete-candidate-no-controller "$good"'faults:
  - {action: delete-candidate, at: 10s, selector: {pods: [pod-a]}}
'
coord='name: c
duration: 60s
pods:
  - name: pod-a
    coordinated: {binaryVersion: 1.31.0}
  - name: pod-b
'
w delete-candidate-uncoordinated-pod "$coord"'faults:
  - {action: delete-candidate, at: 10s, selector: {pods: [pod-a, pod-b]}}
'
w controller-restart-selector "$coord"'faults:
  - {action: controller-restart, at: 10s, selector: {pods: [pod-a]}}
'
w controller-restart-no-controller "$good"'faults:
  - {action: controller-restart, at: 10s, duration: 3s}
'
w controller-pause-no-duration "$coord"'faults:
  - {action: controller-pause, at: 10s}
'
# the controller: block needs a coordinated pod, and names its keys
w controller-no-coordinated-pod "$good"'controller: {informerLag: 1s}
'
w controller-unknown-key "$coord"'controller: {clock: {offset: 1s}, lag: 1s}
'
w controller-negative-lag "$coord"'controller: {informerLag: -1s}
'
w controller-bad-rate "$coord"'controller: {clock: {rate: 0x}}
'
w controller-bad-latency "$coord"'controller: {latency: soon}
'
# timing: replays one run's choices; its picks must fit its points
paused="$good"'faults:
  - {action: pause, at: 10s, duration: 5s, selector: {role: leader}}
'
w timing-no-window "$paused"'timing: {points: 2, path: [1]}
'
w timing-pick-too-big "$paused"'timing: {window: 2s, points: 2, path: [0, 2]}
'
w timing-path-not-a-list "$paused"'timing: {window: 2s, path: 1}
'
w timing-path-past-depth "$paused"'timing: {window: 2s, depth: 1, path: [0, 1]}
'
w timing-critical-with-path "$paused"'timing: {critical: true, path: [1]}
'
w timing-unknown-key "$paused"'timing: {window: 2s, picks: [1]}
'
w timing-no-faults "$good"'timing: {window: 2s, path: [1]}
'
w sidecar-05-on-a-lease 'name: x
duration: 60s
election: {profile: sidecar-0.5, lock: leases}
pods:
  - name: pod-a
'

bad=0
for f in "$TMP"/*.yaml; do
  err=$(bin/sim run "$f" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne 3 ] || ! printf '%s\n' "$err" | grep -qE "^$f:[0-9]+:[0-9]+: "; then
    echo "$(basename "$f"): exit $rc, expected 3 with $f:LINE:COLUMN; got: $err"
    bad=$((bad + 1))
  else
    echo "$(basename "$f"): exit 3: ${err#"$TMP/"}"
  fi
done

# a delete-candidate whose pods have no LeaseCandidate yet hits nothing:
# exit 3 naming the fault (the run finds it; no line to point at)
printf '%s' "$coord"'faults:
  - {action: delete-candidate, at: 0s, selector: {pods: [pod-a]}}
' > "$TMP/nothing.yml"
err=$(bin/sim run "$TMP/nothing.yml" 2>&1 >/dev/null); rc=$?
if [ "$rc" -ne 3 ] || ! printf '%s\n' "$err" | grep -qF "faults[0] (delete-candidate pod-a) at 0.000 s: no selected live pod has a LeaseCandidate"; then
  echo "delete-candidate of nothing: exit $rc, expected 3 naming faults[0]; got: $err"
  bad=$((bad + 1))
else
  echo "delete-candidate of nothing: exit 3: ${err#"$TMP/"}"
fi

printf '%s' "$good" > "$TMP/ok.yml"
flag_case() { # expected-text args...
  local want=$1; shift
  err=$(bin/sim "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne 3 ] || ! printf '%s\n' "$err" | grep -qF -- "$want"; then
    echo "bin/sim $*: exit $rc, expected 3 naming '$want'; got: $err"
    bad=$((bad + 1))
  else
    echo "bin/sim $*: exit 3: $(printf '%s\n' "$err" | head -n 1)"
  fi
}
flag_case --seeds run "$TMP/ok.yml" --seeds 0
flag_case --seeds run "$TMP/ok.yml" --seeds many
flag_case --seed run "$TMP/ok.yml" --seed -1
flag_case --seed run "$TMP/ok.yml" --seed
flag_case --out run "$TMP/ok.yml" --out
flag_case --bogus run "$TMP/ok.yml" --bogus
flag_case "no scenario file" run
flag_case "unknown command" walk "$TMP/ok.yml"
flag_case "$TMP/missing.yaml" run "$TMP/missing.yaml"

# bin/sim check: bad histories exit 3 naming file:line: field.
bin/sim run "$TMP/ok.yml" --out "$TMP/out" >/dev/null 2>&1
hist="$TMP/out/ok/seed-1/history.jsonl"
[ -f "$hist" ] || { echo "no history from the good scenario"; bad=$((bad + 1)); }
head -c 2000 "$hist" > "$TMP/cut.jsonl"
printf '{"history":"leaselab-sim","version":1,"seed":1}\n' > "$TMP/v1.jsonl"
sed '2s/"kind":"[a-z-]*"/"kind":"pod-explode"/' "$hist" > "$TMP/kind.jsonl"
sed '1s/"scenario":{.*},"pods"/"pods"/' "$hist" > "$TMP/noscen.jsonl"
flag_case "$TMP/cut.jsonl:" check "$TMP/cut.jsonl"
flag_case "$TMP/v1.jsonl:1: version: a version 1 history" check "$TMP/v1.jsonl"
flag_case "$TMP/kind.jsonl:2: kind: unknown event kind" check "$TMP/kind.jsonl"
flag_case "$TMP/noscen.jsonl:1: scenario:" check "$TMP/noscen.jsonl"
flag_case "$TMP/missing.jsonl" check "$TMP/missing.jsonl"
flag_case "no history file" check
flag_case "one history at a time" check "$hist" "$hist"
flag_case --scenario check "$hist" --scenario
flag_case "$TMP/missing.yaml" check "$hist" --scenario "$TMP/missing.yaml"
bin/sim check "$TMP/noscen.jsonl" --scenario "$TMP/ok.yml" >/dev/null 2>&1 ||
  { echo "check --scenario of a header without a scenario failed"; bad=$((bad + 1)); }

# Every subcommand's flag errors end with where help is (sim__bad_flag), and
# the count in advise's limit is the limit (it once printed a pointer).
flag_case "(see bin/sim --help)" run "$TMP/ok.yml" --bogus
flag_case "(see bin/sim sweep --help)" sweep
flag_case "(see bin/sim live --help)" live
flag_case "sim advise: at most 8 settings" advise $(for i in 1 2 3 4 5 6 7 8 9; do printf -- '--compare client-go '; done)
# The good file itself runs (so the failures above are about the input).
bin/sim run "$TMP/ok.yml" >/dev/null 2>&1 || { echo "the good scenario failed"; bad=$((bad + 1)); }
[ "$bad" -eq 0 ] || fail "$bad bad inputs not reported as exit 3 with a location"
