#!/usr/bin/env bash
# bin/elector --lock=configmapsleases (client-go 1.27's MultiLock,
# election-spec.md 3.3) against bin/fake-apiserver: the winner creates the
# ConfigMap and the Lease, both name it, and renewals keep them in step; a
# second elector on --lock=leases (the upgraded half) follows the same
# holder; a profile that no longer has the MultiLock refuses it with
# client-go's words (exit 3).
source "$(dirname "$0")/elector_lib.sh"
need_bins

out=$(bin/elector --id=x --election=e --lock=configmapsleases --profile=client-go-1.34 2>&1)
rc=$?
[ "$rc" -eq 3 ] || fail "client-go-1.34 with configmapsleases: exit $rc, expected 3: $out"
printf '%s\n' "$out" | grep -q 'configmapsleases lock is removed, migrated to leases' ||
  fail "no removal message: $out"

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
start_elector old-a --election=kcm --election-namespace=kube-system --lock=configmapsleases \
  --profile=client-go-1.27 --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}"
wait_until 5000 leads old-a || fail "old-a does not lead"
cm=$(holder kube-system kcm configmaps)
lease=$(holder kube-system kcm leases)
[ "$cm" = old-a ] || fail "the ConfigMap's annotation names '$cm', not old-a"
[ "$lease" = "$cm" ] || fail "the Lease names '$lease', the ConfigMap '$cm'"
rv() { curl -s --max-time 1 "http://$FA_ADDR$1" | grep -o '"resourceVersion":"[0-9]*"' | head -n 1; }
cm_path=/api/v1/namespaces/kube-system/configmaps/kcm
lease_path=/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm
cm0=$(rv $cm_path) lease0=$(rv $lease_path)
start_elector new-c --election=kcm --election-namespace=kube-system --lock=leases \
  --profile=client-go-1.27 --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}"
wait_until 3000 all_name old-a new-c || fail "new-c does not name old-a: '$(name_at new-c)'"
# renewals write both objects (RP 0.25 s)
wait_until 3000 sh -c "[ \"\$(curl -s --max-time 1 http://$FA_ADDR$cm_path | grep -o '\"resourceVersion\":\"[0-9]*\"' | head -n 1)\" != '$cm0' ]" ||
  fail "the ConfigMap is not renewed"
# the Lease's write follows the ConfigMap's by one request: wait for it too
# (read at once, it lost the race on a loaded machine)
wait_until 3000 sh -c "[ \"\$(curl -s --max-time 1 http://$FA_ADDR$lease_path | grep -o '\"resourceVersion\":\"[0-9]*\"' | head -n 1)\" != '$lease0' ]" ||
  fail "the Lease is not renewed"
leads new-c && fail "new-c leads while old-a holds both records"
[ "$(holder kube-system kcm leases)" = old-a ] || fail "the Lease no longer names old-a"
echo "ok: ConfigMap and Lease both name old-a; the Lease-only elector follows it"
