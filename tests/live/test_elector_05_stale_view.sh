#!/usr/bin/env bash
# --profile=sidecar-0.5 reproduces what 0.5's `/` served (election-spec.md
# 5.2-5.3, contrib#2930): the leader as the sidecar's own callbacks
# reported it. OnNewLeader is not wired, so a follower names the holder it
# saw at startup until it loses leadership itself: after the leader is
# killed, the new leader names itself and the other follower still names
# the dead one. The lock defaults to Endpoints (0.5 had no other).
source "$(dirname "$0")/elector_lib.sh"
need_bins

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
P05=(--profile=sidecar-0.5 --election=elect-05 --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}")

# One at a time: 0.5 crashes when two startups race to create the object.
start_elector pod-a "${P05[@]}"
wait_until 5000 leads pod-a || fail "pod-a does not lead alone"
[ "$(holder default elect-05 endpoints)" = pod-a ] ||
  fail "the Endpoints lock names \"$(holder default elect-05 endpoints)\", not pod-a (is --lock=endpoints the 0.5 default?)"
start_elector pod-b "${P05[@]}"
start_elector pod-c "${P05[@]}"
wait_until 3000 all_name pod-a pod-a pod-b pod-c ||
  fail "not every / names pod-a at startup: a=$(name_at pod-a) b=$(name_at pod-b) c=$(name_at pod-c)"
body=$(curl -s --max-time 1 -X POST "http://127.0.0.1:$(port_of pod-b)/any/path")
[ "$body" = '{"name":"pod-a"}' ] || fail "POST /any/path on pod-b answered '$body', want {\"name\":\"pod-a\"} with no newline"

kill -9 "$(pid_of pod-a)"
wait_until 8000 exactly_one_leads pod-b pod-c || fail "no new leader after kill -9 of pod-a"
new=$(leaders pod-b pod-c)
other=pod-b; [ "$new" = pod-b ] && other=pod-c
echo "new leader $new; follower $other"
wait_until 2000 all_name "$new" "$new" || fail "the new leader's / names $(name_at "$new"), not itself"
# The follower's view stays stale: several retry periods later, still pod-a.
sleep 1.5
[ "$(name_at "$other")" = pod-a ] ||
  fail "$other's / names \"$(name_at "$other")\"; 0.5 kept the stale pod-a (OnNewLeader not wired)"
[ "$(holder default elect-05 endpoints)" = "$new" ] || fail "the lock names $(holder default elect-05 endpoints), not $new"
# While its core knows the holder: "lock is held by <new>" in its log.
grep -q "lock is held by $new" "$TMP/$other.out" || fail "$other never saw $new hold the lock"
echo "ok"
