#!/usr/bin/env bash
# Two bin/elector started on one host without --id (as three 0.5 sidecars
# were) both take the hostname as identity and both lead, renewing over
# each other's writes.
# Each must say so: a W line "duplicate identity: ..." and
# leader_election_duplicate_identity_total > 0 on /metrics. A third elector
# with its own identity, on the same lock, must not warn; nor must a lone
# process that restarts under the hostname.
source "$(dirname "$0")/elector_lib.sh"
need_bins

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
ARGS=(--election=elect-dup --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}")

# start_twin NAME ID [flags]: like start_elector, but keyed by NAME (the
# IDs clash); ID "" = no --id.
start_twin() {
  local name=$1 id=$2 idflag=()
  [ -n "$id" ] && idflag=(--id="$id")
  bin/elector "${idflag[@]}" --http=127.0.0.1:0 "${@:3}" "${ARGS[@]}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=("$!")
  printf -v "PID_$name" '%s' "$!"
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

HOST=$(hostname)
[ -n "$HOST" ] || skip "this machine has no hostname to default --id to"
start_twin one "" --log-format=json
wait_until 5000 leads one || fail "the first elector does not lead"
start_twin two "" # text logs: the klog W line
grep -q "elector: no --id: the identity is the hostname \"$HOST\"" "$TMP/two.err" ||
  fail "no startup note that the identity is the hostname"
start_twin other pod-b --log-format=json

wait_until 5000 warned one || fail "the first elector never counted a duplicate (metric: '$(dup_total one)')"
wait_until 5000 warned two || fail "the second elector never counted a duplicate (metric: '$(dup_total two)')"
grep -qF '"level":"warning","event":"log","identity":"'"$HOST"'","msg":"duplicate identity: lock default/elect-dup shows holder '"$HOST"' renewed at ' "$TMP/one.out" ||
  fail "no JSON warning line from the first elector"
grep -E '^W[0-9]{4} .* elector\] duplicate identity: lock default/elect-dup shows holder ' "$TMP/two.err" |
  grep -qF "holder $HOST renewed at " ||
  fail "no klog W line from the second elector"
# Both lead: that is the harm the warning is for.
leads one && leads two || fail "expected both twins to count themselves leader"
# Over a second of renewals they keep warning, and pod-b never does.
before=$(dup_total one); sleep 1; after=$(dup_total one)
[ "$after" -gt "$before" ] || fail "the count stopped at $before while the twins kept renewing"
[ "$(dup_total other)" = 0 ] || fail "pod-b, with its own identity, counted $(dup_total other) duplicates"
grep -q 'duplicate identity' "$TMP/other.out" "$TMP/other.err" && fail "pod-b logged a duplicate identity warning"
echo "counted: one=$(dup_total one) two=$(dup_total two) other=$(dup_total other)"

# A restart is not a duplicate: with both twins gone (kill -9), a new
# process under the hostname finds the record its identity left, renews it
# and leads, and says nothing about duplicates.
kill -9 "$(pid_of one)" "$(pid_of two)"
start_twin three "" --log-format=json
wait_until 5000 leads three || fail "the restarted elector does not lead"
sleep 1
[ "$(dup_total three)" = 0 ] || fail "a lone restarted elector counted $(dup_total three) duplicates"
grep -q 'duplicate identity' "$TMP/three.out" && fail "a lone restarted elector warned of a duplicate"
echo "ok"
