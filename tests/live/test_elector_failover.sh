#!/usr/bin/env bash
# Three bin/elector processes on one Lease behind bin/fake-apiserver:
# exactly one leads and `/` on all three names it; kill -9 the leader and a
# new one leads within LD + 2.2 RP + 1 s, and the survivors' `/` agree on it.
source "$(dirname "$0")/elector_lib.sh"
need_bins

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
IDS=(pod-a pod-b pod-c)
for id in "${IDS[@]}"; do
  start_elector "$id" --election=elect-test --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}"
done

wait_until 5000 exactly_one_leads "${IDS[@]}" || fail "no single leader: leading = [$(leaders "${IDS[@]}")]"
first=$(leaders "${IDS[@]}")
echo "leader: $first"
wait_until 3000 all_name "$first" "${IDS[@]}" ||
  fail "not every / names $first: $(for i in "${IDS[@]}"; do echo -n "$i=$(name_at "$i") "; done)"
[ "$(holder default elect-test)" = "$first" ] || fail "the Lease names $(holder default elect-test), not $first"
# Stable: still exactly one leader, the same, a few retry periods later.
sleep 1
[ "$(leaders "${IDS[@]}")" = "$first" ] || fail "leadership moved without a fault: [$(leaders "${IDS[@]}")]"

rest=()
for id in "${IDS[@]}"; do [ "$id" != "$first" ] && rest+=("$id"); done
kill -9 "$(pid_of "$first")"
t0=$(now_ms)
bound=$(( LD_MS + 22 * RP_MS / 10 + 1000 ))
wait_until "$bound" exactly_one_leads "${rest[@]}" || fail "no new leader within ${bound} ms of kill -9"
took=$(( $(now_ms) - t0 ))
second=$(leaders "${rest[@]}")
echo "new leader $second after ${took} ms (bound ${bound} ms)"
# Never before the lease expired: election-spec.md 6.1 gives >= LD - RP - rU, less up
# to 1 s because a Lease record compares at whole seconds (election-spec.md 3.2), so a
# follower does not see renewals within the same second as changes.
early=$(( LD_MS - RP_MS - 1000 - 200 ))
[ "$took" -ge "$early" ] || fail "took over after ${took} ms, before the lease could have expired (>= ${early} ms)"
wait_until 2000 all_name "$second" "${rest[@]}" ||
  fail "survivors disagree: $(for i in "${rest[@]}"; do echo -n "$i=$(name_at "$i") "; done)"
grep -q '"event":"started_leading","identity":"'"$second"'"' "$TMP/$second.out" ||
  fail "$second has no started_leading event"
grep -q '"event":"new_leader","identity":"[^"]*","leader":"'"$second"'"' "$TMP/${rest[0]}.out" ||
  fail "${rest[0]} logged no new_leader event for $second"
echo "ok"
