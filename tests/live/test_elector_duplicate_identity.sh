#!/usr/bin/env bash
# Two bin/elector under one --id (as three 0.5 sidecars on one host without
# --id all take the hostname) both lead, renewing over each other's writes.
# Each must say so: a W line "duplicate identity: ..." and
# leader_election_duplicate_identity_total > 0 on /metrics. A third elector
# with its own identity, on the same lock, must not warn.
source "$(dirname "$0")/elector_lib.sh"
need_bins

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
ARGS=(--election=elect-dup --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}")

# start_twin NAME ID: like start_elector, but keyed by NAME (the IDs clash).
start_twin() {
  local name=$1 id=$2
  bin/elector --id="$id" --http=127.0.0.1:0 "${@:3}" "${ARGS[@]}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=("$!")
  wait_until 5000 grep -qs 'serving /, /healthz and /metrics on http://' "$TMP/$name.out" "$TMP/$name.err" ||
    fail "elector $name did not start its status server"
  local port
  port=$(cat "$TMP/$name.out" "$TMP/$name.err" | grep -o 'metrics on http://[0-9.]*:[0-9]*' | head -n 1 | sed 's/.*://')
  printf -v "PORT_$name" '%s' "$port"
}
dup_total() {
  curl -s --max-time 1 "http://127.0.0.1:$(port_of "$1")/metrics" |
    sed -n 's/^leader_election_duplicate_identity_total{name="elect-dup"} \([0-9]*\)$/\1/p'
}
warned() { [ "$(dup_total "$1")" -gt 0 ] 2>/dev/null; }

start_twin one pod-a --log-format=json
wait_until 5000 leads one || fail "the first pod-a does not lead"
start_twin two pod-a # text logs: the klog W line
start_twin other pod-b --log-format=json

wait_until 5000 warned one || fail "the first pod-a never counted a duplicate (metric: '$(dup_total one)')"
wait_until 5000 warned two || fail "the second pod-a never counted a duplicate (metric: '$(dup_total two)')"
grep -q '"level":"warning","event":"log","identity":"pod-a".*duplicate identity: lock default/elect-dup shows holder pod-a renewed at ' "$TMP/one.out" ||
  fail "no JSON warning line from the first pod-a"
grep -qE '^W[0-9]{4} .* elector\] duplicate identity: lock default/elect-dup shows holder pod-a renewed at .*unique --id' "$TMP/two.err" ||
  fail "no klog W line from the second pod-a"
# Both lead: that is the harm the warning is for.
leads one && leads two || fail "expected both pod-a to count themselves leader"
# Over a second of renewals they keep warning, and pod-b never does.
before=$(dup_total one); sleep 1; after=$(dup_total one)
[ "$after" -gt "$before" ] || fail "the count stopped at $before while the twins kept renewing"
[ "$(dup_total other)" = 0 ] || fail "pod-b, with its own identity, counted $(dup_total other) duplicates"
grep -q 'duplicate identity' "$TMP/other.out" "$TMP/other.err" && fail "pod-b logged a duplicate identity warning"
echo "ok: one=$(dup_total one) two=$(dup_total two) other=$(dup_total other)"
