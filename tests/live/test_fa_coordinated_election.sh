#!/usr/bin/env bash
# Coordinated leader election end to end (issue 18, docs/coordinated.md):
# bin/fake-apiserver --coordinated-leader-election runs the election
# controller; three `bin/elector --coordinated` publish LeaseCandidates and
# the controller installs the one with the lowest emulation version. kubectl
# shows the candidates (get -A, -o yaml) and the controller's choice (get
# lease). Then that elector is replaced by one of a newer version (a new
# identity, as a restarted kube-controller-manager has) and the lease is
# handed to the best of the rest.
source "$(dirname "$0")/elector_lib.sh"
need_bins
command -v curl >/dev/null || skip "skipped: curl not installed"

start_fake_apiserver fa --coordinated-leader-election
FA_URL=http://$FA_ADDR
kubeconfig "$TMP/kc.yaml" "$FA_URL"
COORD=(--election=kcm --election-namespace=kube-system --kubeconfig="$TMP/kc.yaml" "${TIMING[@]}" --coordinated)
t0=$(now_ms)
start_elector kcm-a "${COORD[@]}" --binary-version=1.33.0 --emulation-version=1.33.0
start_elector kcm-b "${COORD[@]}" --binary-version=1.33.0 --emulation-version=1.32.0
start_elector kcm-c "${COORD[@]}" --binary-version=1.33.0 --emulation-version=1.33.0 \
  --candidate-api-version=v1alpha2

# The controller elects the lowest emulation version (kcm-b), which then leads.
b_holds() { [ "$(holder kube-system kcm)" = kcm-b ] && leads kcm-b; }
wait_until 15000 b_holds || fail "kcm-b (emulation 1.32.0) does not hold and lead: holder '$(holder kube-system kcm)'"
t1=$(now_ms)
exactly_one_leads kcm-a kcm-b kcm-c || fail "not exactly one leader: $(leaders kcm-a kcm-b kcm-c)"
grep -q 'coordinated election: lease kube-system/kcm .*kcm-b' "$TMP/fa.err" || fail "no controller log line for kcm-b"

if command -v kubectl >/dev/null; then
  export HOME=$TMP KUBECONFIG=$TMP/kc.yaml
  k() { kubectl --request-timeout=10s "$@" 2>&1; }
  out=$(k get leasecandidates -A) || fail "kubectl get leasecandidates -A: $out"
  echo "$out"
  echo "$out" | grep -qE '^NAMESPACE +NAME +LEASENAME +BINARYVERSION +EMULATIONVERSION +AGE' || fail "columns: $out"
  echo "$out" | grep -qE '^kube-system +kcm-b +kcm +1\.33\.0 +1\.32\.0 ' || fail "kcm-b row: $out"
  [ "$(echo "$out" | grep -c '^kube-system ')" -eq 3 ] || fail "not three candidates: $out"
  out=$(k -n kube-system get leasecandidate kcm-b -o yaml) || fail "-o yaml: $out"
  echo "$out" | grep -q 'emulationVersion: 1.32.0' || fail "-o yaml: $out"
  echo "$out" | grep -q 'strategy: OldestEmulationVersion' || fail "-o yaml strategy: $out"
  out=$(k -n kube-system get lease kcm) || fail "kubectl get lease: $out"
  echo "$out"
  echo "$out" | grep -qE '^kcm +kcm-b ' || fail "get lease does not show kcm-b: $out"
else
  echo "kubectl not installed: its checks skipped"
fi

# Upgrade kcm-b: a newer binary under a new identity. The best of the rest
# is kcm-a or kcm-c (1.33.0 both; the older candidate, by name at a tie).
kill -TERM "$(pid_of kcm-b)"
rc=0; wait "$(pid_of kcm-b)" || rc=$?
[ "$rc" -eq 0 ] || fail "kcm-b exited $rc after SIGTERM"
t2=$(now_ms)
start_elector kcm-b2 "${COORD[@]}" --binary-version=1.34.0 --emulation-version=1.34.0
a_holds() { [ "$(holder kube-system kcm)" = kcm-a ] && leads kcm-a; }
wait_until 20000 a_holds || fail "no handover to kcm-a: holder '$(holder kube-system kcm)', leaders '$(leaders kcm-a kcm-c kcm-b2)'"
t3=$(now_ms)
exactly_one_leads kcm-a kcm-c kcm-b2 || fail "not exactly one leader after the handover: $(leaders kcm-a kcm-c kcm-b2)"
if command -v kubectl >/dev/null; then
  out=$(k -n kube-system get lease kcm) || fail "kubectl get lease: $out"
  echo "$out" | grep -qE '^kcm +kcm-a ' || fail "get lease after the handover: $out"
fi
echo "ok: kcm-b elected and leading $((t1 - t0)) ms after start; handover to kcm-a $((t3 - t2)) ms after kcm-b stopped"
