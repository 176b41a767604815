#!/usr/bin/env bash
# The Python Kubernetes client's own leader election (python3-kubernetes
# 22.6, ConfigMapLock), three candidates through examples/foreign/
# python_elector.py against bin/fake-apiserver with bearer tokens: exactly
# one leads and the ConfigMap names it; kill -9 its process and another
# leads within election-spec.md 6.1's bound (LD + 4.4 RP, + 1 s for
# requests and process start; the library polls every RP without jitter,
# so the bound is loose for it); a follower's SIGTERM exits 0. Then
# bin/elector joins the same ConfigMap and takes over from the last one.
source "$(dirname "$0")/elector_lib.sh"
need_bins
PY=${PYTHON:-/usr/bin/python3}
ELECTOR=examples/foreign/python_elector.py
[ -x "$PY" ] || skip "$PY is missing: python3-kubernetes needs Debian's python3 (ci/bootstrap installs it)"
"$PY" -c 'import kubernetes.leaderelection.leaderelection' 2>/dev/null ||
  skip "python3-kubernetes is not installed for $PY (apt-get install python3-kubernetes; ci/bootstrap lists it)"

# The library refuses a retry period below 1 s.
LD_S=3 RD_S=2 RP_S=1
IDS=(py-a py-b py-c)
for id in "${IDS[@]}"; do echo "tok-$id,$id"; done >"$TMP/tokens"
start_fake_apiserver fa --tokens "$TMP/tokens"
# The holder in the ConfigMap's annotation (python writes '": "' with a
# space, which elector_lib.sh's holder does not expect).
cm_holder() {
  curl -s --max-time 1 -H "Authorization: Bearer tok-py-a" \
    "http://$FA_ADDR/api/v1/namespaces/default/configmaps/elect-py" |
    "$PY" -c 'import json, sys
try:
    o = json.load(sys.stdin)
    print(json.loads(o["metadata"]["annotations"]["control-plane.alpha.kubernetes.io/leader"])["holderIdentity"])
except Exception:
    print("")'
}

declare -A PYPID
for id in "${IDS[@]}"; do
  kubeconfig "$TMP/kc-$id" "http://$FA_ADDR" "token: tok-$id"
  "$PY" "$ELECTOR" --kubeconfig "$TMP/kc-$id" --namespace default --name elect-py --id "$id" \
    --lease-duration "$LD_S" --renew-deadline "$RD_S" --retry-period "$RP_S" \
    >"$TMP/$id.out" 2>"$TMP/$id.err" &
  PYPID[$id]=$!
  PIDS+=("$!")
done

# Leading, by its own lines: the last of started/stopped leading is started.
py_leads() { [ "$(grep -E ' (started|stopped) leading$' "$TMP/$1.out" | tail -n 1)" = "$1 started leading" ]; }
py_leaders() { local id out=(); for id in "$@"; do py_leads "$id" && out+=("$id"); done; echo "${out[*]:-}"; }
one_py_leads() { local l; l=$(py_leaders "$@"); [ -n "$l" ] && [ "${l// /}" = "$l" ]; }

wait_until 10000 one_py_leads "${IDS[@]}" || fail "no single leader: leading = [$(py_leaders "${IDS[@]}")]"
first=$(py_leaders "${IDS[@]}")
echo "leader: $first"
[ "$(cm_holder)" = "$first" ] ||
  fail "the ConfigMap names \"$(cm_holder)\", not $first"
sleep 2 # a few retry periods: still one leader, the same
[ "$(py_leaders "${IDS[@]}")" = "$first" ] || fail "leadership moved without a fault: [$(py_leaders "${IDS[@]}")]"
rest=()
for id in "${IDS[@]}"; do
  [ "$id" = "$first" ] && continue
  rest+=("$id")
  grep -qx "$id new leader $first" "$TMP/$id.out" || fail "$id printed no 'new leader $first'"
done

kill -9 "${PYPID[$first]}"
t0=$(now_ms)
bound=$(( LD_S * 1000 + 44 * RP_S * 100 + 1000 ))
wait_until "$bound" one_py_leads "${rest[@]}" || fail "no new leader within ${bound} ms of kill -9 of $first"
took=$(( $(now_ms) - t0 ))
second=$(py_leaders "${rest[@]}")
echo "new leader $second after ${took} ms (bound ${bound} ms)"
# Not before the lease could have expired: >= LD - RP (election-spec.md 6.1 lower
# bound), less 200 ms for the polling here.
early=$(( (LD_S - RP_S) * 1000 - 200 ))
[ "$took" -ge "$early" ] || fail "took over after ${took} ms, before the lease could have expired (>= ${early} ms)"
holder_is() { [ "$(cm_holder)" = "$1" ]; }
wait_until 3000 holder_is "$second" ||
  fail "the ConfigMap names \"$(cm_holder)\", not $second"
for id in "${rest[@]}"; do
  [ "$id" = "$second" ] && continue
  wait_until 3000 grep -qx "$id new leader $second" "$TMP/$id.out" || fail "$id printed no 'new leader $second'"
  kill -TERM "${PYPID[$id]}"
  wait "${PYPID[$id]}"; rc=$?
  [ "$rc" -eq 0 ] || fail "$id exited $rc on SIGTERM, want 0"
done

# A mixed fleet on the same ConfigMap. Go decodes annotation records
# strictly (election-spec.md 3.3): the default bin/elector (a Go profile)
# fails every Get of a Python record and must not take the lock. With
# --liberal-records it reads them (string leaseDurationSeconds, zone-less
# local times), waits while $second renews, and takes over after kill -9
# within the same bound.
kubeconfig "$TMP/kc-c" "http://$FA_ADDR" "token: tok-py-c"
start_elector g-x --election=elect-py --lock=configmaps --profile=client-go-1.23 --kubeconfig="$TMP/kc-c" \
  --lease-duration=${LD_S}s --renew-deadline=${RD_S}s --retry-period=${RP_S}s
start_elector c-x --election=elect-py --lock=configmaps --profile=client-go-1.23 --kubeconfig="$TMP/kc-c" \
  --lease-duration=${LD_S}s --renew-deadline=${RD_S}s --retry-period=${RP_S}s \
  --liberal-records=true
sleep 2
leads c-x && fail "bin/elector took the lock while $second renewed it"
grep -qF "lock is held by $second and has not yet expired" "$TMP/c-x.out" ||
  fail "bin/elector --liberal-records never read $second's record"
grep -q 'cannot unmarshal string into Go struct field LeaderElectionRecord.leaseDurationSeconds' "$TMP/g-x.out" ||
  fail "the strict bin/elector did not fail its Gets as Go does"
kill -9 "${PYPID[$second]}"
t0=$(now_ms)
wait_until "$bound" leads c-x || fail "bin/elector did not take over within ${bound} ms of kill -9 of $second"
echo "bin/elector took over from $second after $(( $(now_ms) - t0 )) ms"
holder_is c-x || fail "the ConfigMap names \"$(cm_holder)\", not c-x"
grep -q 'acquired lease' "$TMP/g-x.out" && fail "the strict bin/elector took a Python record"
echo "ok"
