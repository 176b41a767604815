#!/usr/bin/env bash
# SIGTERM on the leading bin/elector: it releases the Lease (holder ""),
# exits 0 within a second or two, and a follower takes over within
# 2.2 RP + 1 s (election-spec.md 6.2: the next poll sees the empty holder).
source "$(dirname "$0")/elector_lib.sh"
need_bins

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
IDS=(pod-a pod-b)
for id in "${IDS[@]}"; do
  start_elector "$id" --election=elect-test --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}"
done
wait_until 5000 exactly_one_leads "${IDS[@]}" || fail "no single leader: [$(leaders "${IDS[@]}")]"
first=$(leaders "${IDS[@]}")
for id in "${IDS[@]}"; do [ "$id" != "$first" ] && other=$id; done
echo "leader: $first, follower: $other"

pid=$(pid_of "$first")
kill -TERM "$pid"
t0=$(now_ms)
bound=$(( 22 * RP_MS / 10 + 1000 ))
wait_until "$bound" leads "$other" || fail "$other did not take over within ${bound} ms of SIGTERM"
took=$(( $(now_ms) - t0 ))
echo "$other leads ${took} ms after SIGTERM (bound ${bound} ms)"

wait_until 2000 exited "$pid" || fail "$first still running 2 s after SIGTERM"
wait "$pid"
rc=$?
exited=$(( $(now_ms) - t0 ))
[ "$rc" -eq 0 ] || fail "$first exited $rc after SIGTERM (want 0)"
echo "$first exited 0 within ${exited} ms"
grep -q '"event":"stopped_leading","identity":"'"$first"'"' "$TMP/$first.out" || fail "$first logged no stopped_leading"
grep -q 'released lease default/elect-test\|cancelled: releasing' "$TMP/$first.out" ||
  fail "$first did not say it released"
wait_until 2000 all_name "$other" "$other" || fail "$other's / does not name itself"
[ "$(holder default elect-test)" = "$other" ] || fail "the Lease names '$(holder default elect-test)', not $other"

# --release-on-cancel=false: SIGTERM still exits 0, but the Lease keeps the
# old holder until it expires.
kill -TERM "$(pid_of "$other")"
wait "$(pid_of "$other")"
start_elector pod-c --election=elect-keep --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}" --release-on-cancel=false
wait_until 5000 leads pod-c || fail "pod-c did not lead elect-keep"
kill -TERM "$(pid_of pod-c)"
wait "$(pid_of pod-c)"
rc=$?
[ "$rc" -eq 0 ] || fail "pod-c exited $rc"
[ "$(holder default elect-keep)" = "pod-c" ] || fail "without release the holder should stay pod-c, is '$(holder default elect-keep)'"
echo "ok"
