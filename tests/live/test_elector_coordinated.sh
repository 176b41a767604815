#!/usr/bin/env bash
# bin/elector --coordinated against bin/fake-apiserver (no election
# controller here: this test plays it with curl). The elector publishes its
# LeaseCandidate (v1beta1, and v1alpha2 for a 1.32 client), never creates
# the Lease itself, and leads once "the controller" writes it in as the
# holder; a non-empty preferredHolder ends its term (docs/coordinated.md).
source "$(dirname "$0")/elector_lib.sh"
need_bins
command -v curl >/dev/null || skip "skipped: curl not installed"

start_fake_apiserver fa
FA_URL=http://$FA_ADDR
kubeconfig "$TMP/kc.yaml" "$FA_URL"
COORD=(--election=kcm --election-namespace=kube-system --kubeconfig="$TMP/kc.yaml" "${TIMING[@]}" --coordinated)
CAND=$FA_URL/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates
LEASE=$FA_URL/apis/coordination.k8s.io/v1/namespaces/kube-system/leases

start_elector kcm-a "${COORD[@]}" --binary-version=1.33.0 --emulation-version=1.32.0
start_elector kcm-b "${COORD[@]}" --binary-version=1.32.0 --emulation-version=1.32.0 \
  --candidate-api-version=v1alpha2
cand_has() { curl -s --max-time 1 "$CAND/$1" | grep -qF "$2"; }
wait_until 5000 cand_has kcm-a '"binaryVersion":"1.33.0","emulationVersion":"1.32.0","strategy":"OldestEmulationVersion"' ||
  fail "kcm-a published no candidate: $(curl -s "$CAND")"
wait_until 5000 cand_has kcm-b '"leaseName":"kcm"' || fail "kcm-b (v1alpha2) published no candidate: $(curl -s "$CAND")"
grep -q 'lease candidate kube-system/kcm-a published for lease kcm' "$TMP/kcm-a.out" ||
  fail "no publish log line"

# A coordinated client never creates the Lease: after several retry periods it is still absent.
sleep 1
code=$(curl -s -o /dev/null -w '%{http_code}' "$LEASE/kcm")
[ "$code" = 404 ] || fail "the Lease exists (HTTP $code) though no controller wrote it"
[ -z "$(leaders kcm-a kcm-b)" ] || fail "someone leads without the controller: $(leaders kcm-a kcm-b)"

# "The controller" installs kcm-b as the holder: kcm-b leads, kcm-a follows.
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' "$LEASE" -d \
  "{\"metadata\":{\"name\":\"kcm\"},\"spec\":{\"holderIdentity\":\"kcm-b\",\"leaseDurationSeconds\":2,\"acquireTime\":\"$now\",\"renewTime\":\"$now\",\"leaseTransitions\":0,\"strategy\":\"OldestEmulationVersion\"}}"
wait_until 5000 leads kcm-b || fail "kcm-b does not lead after being installed"
leads kcm-a && fail "kcm-a leads too"

# preferredHolder ends kcm-b's term: it stops renewing and stops leading.
curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' "$LEASE/kcm" \
  -d '{"spec":{"preferredHolder":"kcm-a"}}'
wait_until 6000 bash -c "! curl -s --max-time 1 http://127.0.0.1:$(port_of kcm-b)/metrics | grep -q '^leader_election_master_status{name=\"[^\"]*\"} 1\$'" ||
  fail "kcm-b still leads after preferredHolder"

for id in kcm-a kcm-b; do
  kill -TERM "$(pid_of "$id")"
  rc=0; wait "$(pid_of "$id")" || rc=$?
  [ "$rc" -eq 0 ] || fail "$id exited $rc after SIGTERM"
done
echo "ok: candidates published (v1beta1, v1alpha2), no Lease created, led only when installed, preferredHolder ended the term"
