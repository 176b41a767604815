#!/usr/bin/env bash
# bin/fake-apiserver's leasecandidates (coordinated leader election,
# docs/coordinated.md): curl at coordination.k8s.io/v1beta1 and v1alpha2
# (one object, answered in the version asked) and v1alpha1 (1.31's
# preferredStrategies list for the strategy), the validation's 422, the
# discovery documents, a watch; then kubectl (a 1.32 client asks for
# v1alpha2) with get -A (upstream's columns), -o yaml, create -f, patch and
# delete. kubectl is optional: without it that part is skipped.
source "$(dirname "$0")/fa_lib.sh"
command -v curl >/dev/null || { echo "skipped: curl not installed"; exit 77; }

fa_start cand
URL=$FA_URL
B=$URL/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates
A=$URL/apis/coordination.k8s.io/v1alpha2/namespaces/kube-system/leasecandidates
JSON=(-H 'Content-Type: application/json')
curl_code() {
	local want=$1 got
	shift
	got=$(curl -s -o "$FA_TMP/body" -w '%{http_code}' "$@")
	[ "$got" = "$want" ] || fail "curl $*: HTTP $got, want $want: $(head -c 300 "$FA_TMP/body")"
}
body_has() {
	local s
	for s in "$@"; do
		grep -qF -- "$s" "$FA_TMP/body" || fail "body lacks '$s': $(head -c 400 "$FA_TMP/body")"
	done
}
body_lacks() {
	! grep -qF -- "$1" "$FA_TMP/body" || fail "body has '$1': $(head -c 400 "$FA_TMP/body")"
}
cand() { # NAME BINARY EMULATION [APIVERSION]
	printf '{"apiVersion":"coordination.k8s.io/%s","kind":"LeaseCandidate","metadata":{"name":"%s"},"spec":{"leaseName":"kcm","binaryVersion":"%s","emulationVersion":"%s","strategy":"OldestEmulationVersion"}}' \
		"${4:-v1beta1}" "$1" "$2" "$3"
}

# ---- one object, two versions ----
curl_code 201 -X POST "${JSON[@]}" "$B" -d "$(cand kcm-a 1.33.0 1.32.0)"
body_has '"apiVersion":"coordination.k8s.io/v1beta1"' '"leaseName":"kcm"'
curl_code 201 -X POST "${JSON[@]}" "$A" -d "$(cand kcm-b 1.32.0 1.32.0 v1alpha2)"
body_has '"apiVersion":"coordination.k8s.io/v1alpha2"'
curl_code 200 "$A/kcm-a"
body_has '"apiVersion":"coordination.k8s.io/v1alpha2"' '"binaryVersion":"1.33.0"'
body_lacks 'v1beta1'
curl_code 200 "$B"
body_has '"kind":"LeaseCandidateList"' '"name":"kcm-a"' '"name":"kcm-b"'
# not served at coordination.k8s.io/v1, nor leases at v1beta1
curl_code 404 "$URL/apis/coordination.k8s.io/v1/namespaces/kube-system/leasecandidates"
curl_code 404 "$URL/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leases"

# ---- validation: the apiserver's 422 ----
curl_code 422 -X POST "${JSON[@]}" "$B" -d "$(cand kcm-c 1.31.0 1.32.0)"
body_has '"reason":"Invalid"' \
	'LeaseCandidate.coordination.k8s.io \"kcm-c\" is invalid: spec.binaryVersion: Invalid value: \"1.31.0\": must be greater than or equal to `emulationVersion`' \
	'"field":"spec.binaryVersion"'
curl_code 422 -X POST "${JSON[@]}" "$B" -d "$(cand kcm-d 1.32.0 1.32)"
body_has 'spec.emulationVersion: Invalid value: \"1.32\": must be a valid semantic version'
curl_code 422 -X PUT "${JSON[@]}" "$B/kcm-a" -d "$(cand kcm-a 1.33.0 1.32.0)"
body_has 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update'
curl_code 422 -X PATCH -H 'Content-Type: application/merge-patch+json' "$B/kcm-a" \
	-d '{"spec":{"leaseName":"other"}}'
body_has 'spec.leaseName: Invalid value: \"other\": field is immutable'

# ---- discovery ----
curl_code 200 "$URL/apis/coordination.k8s.io"
body_has '"groupVersion":"coordination.k8s.io/v1beta1"' '"groupVersion":"coordination.k8s.io/v1alpha2"' \
	'"preferredVersion":{"groupVersion":"coordination.k8s.io/v1"'
curl_code 200 "$URL/apis/coordination.k8s.io/v1alpha2"
body_has '"groupVersion":"coordination.k8s.io/v1alpha2"' '"name":"leasecandidates"' '"kind":"LeaseCandidate"'
curl_code 200 -H 'Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' "$URL/apis"
body_has '"version":"v1beta1"' '"resource":"leasecandidates"'

# ---- v1alpha1 (1.31): preferredStrategies, stored as v1beta1's strategy ----
P=$URL/apis/coordination.k8s.io/v1alpha1/namespaces/kube-system/leasecandidates
curl_code 201 -X POST "${JSON[@]}" "$P" -d '{"apiVersion":"coordination.k8s.io/v1alpha1","kind":"LeaseCandidate","metadata":{"name":"kcm-old"},"spec":{"leaseName":"kcm","binaryVersion":"1.31.0","emulationVersion":"1.31.0","preferredStrategies":["OldestEmulationVersion"]}}'
body_has '"apiVersion":"coordination.k8s.io/v1alpha1"' '"preferredStrategies":["OldestEmulationVersion"]'
body_lacks '"strategy"'
curl_code 200 "$B/kcm-old"
body_has '"strategy":"OldestEmulationVersion"'
body_lacks 'preferredStrategies'
curl_code 200 "$P"
body_has '"kind":"LeaseCandidateList"' '"name":"kcm-a"' '"preferredStrategies":["OldestEmulationVersion"]'
body_lacks 'v1beta1'
curl_code 200 "$URL/apis/coordination.k8s.io"
body_has '"groupVersion":"coordination.k8s.io/v1alpha1"'
curl_code 200 "$URL/apis/coordination.k8s.io/v1alpha1"
body_has '"groupVersion":"coordination.k8s.io/v1alpha1"' '"name":"leasecandidates"'
curl -sN "$P?watch=1&timeoutSeconds=1" >"$FA_TMP/watch1.out" || fail "v1alpha1 watch: curl failed"
grep -q '"apiVersion":"coordination.k8s.io/v1alpha1".*"preferredStrategies":\["OldestEmulationVersion"\]' \
	"$FA_TMP/watch1.out" || fail "v1alpha1 watch: $(head -c 400 "$FA_TMP/watch1.out")"
curl_code 200 -X DELETE "$P/kcm-old"

# ---- watch, in the version asked ----
curl -sN "$A?watch=1&timeoutSeconds=1" >"$FA_TMP/watch.out" || fail "watch: curl failed"
grep -q '^{"type":"ADDED","object":{"kind":"LeaseCandidate","apiVersion":"coordination.k8s.io/v1alpha2"' \
	"$FA_TMP/watch.out" || fail "v1alpha2 watch: $(head -c 400 "$FA_TMP/watch.out")"

# ---- kubectl ----
if ! command -v kubectl >/dev/null; then
	fa_stop
	echo "curl checks passed; kubectl checks skipped: kubectl not installed"
	exit 0
fi
export HOME=$FA_TMP KUBECONFIG=$FA_TMP/kubeconfig
fa_kubeconfig "$KUBECONFIG" "$URL"
k() { kubectl --request-timeout=10s "$@" 2>&1; }
out=$(k get leasecandidates -A) || fail "kubectl get leasecandidates -A: $out"
echo "$out" | grep -qE '^NAMESPACE +NAME +LEASENAME +BINARYVERSION +EMULATIONVERSION +AGE' ||
	fail "columns: $out"
echo "$out" | grep -qE '^kube-system +kcm-a +kcm +1\.33\.0 +1\.32\.0 ' || fail "rows: $out"
out=$(k -n kube-system get leasecandidate kcm-b -o yaml) || fail "-o yaml: $out"
echo "$out" | grep -q 'emulationVersion: 1.32.0' || fail "-o yaml: $out"
echo "$out" | grep -qE '^apiVersion: coordination.k8s.io/v1(alpha2|beta1)$' || fail "-o yaml apiVersion: $out"
cat >"$FA_TMP/c.yaml" <<CY
apiVersion: coordination.k8s.io/v1beta1
kind: LeaseCandidate
metadata:
  name: kcm-y
  namespace: kube-system
spec:
  leaseName: kcm
  binaryVersion: "1.34.0"
  emulationVersion: "1.34.0"
  strategy: OldestEmulationVersion
CY
out=$(k create --validate=false -f "$FA_TMP/c.yaml") || fail "create -f: $out"
sed -i 's/binaryVersion: "1.34.0"/binaryVersion: "1.33.0"/' "$FA_TMP/c.yaml"
sed -i 's/name: kcm-y/name: kcm-z/' "$FA_TMP/c.yaml"
out=$(k create --validate=false -f "$FA_TMP/c.yaml") && fail "binaryVersion < emulationVersion accepted"
echo "$out" | grep -qF 'must be greater than or equal to `emulationVersion`' || fail "422 via kubectl: $out"
out=$(k -n kube-system patch leasecandidate kcm-y --type merge \
	-p '{"spec":{"pingTime":"2026-01-01T00:00:00.000000Z"}}') || fail "patch: $out"
out=$(k -n kube-system get leasecandidate kcm-y -o jsonpath='{.spec.pingTime}') || fail "jsonpath: $out"
[ "$out" = "2026-01-01T00:00:00.000000Z" ] || fail "patch did not stick: $out"
out=$(k -n kube-system delete leasecandidate kcm-y) || fail "delete: $out"
echo "$out" | grep -qF '"kcm-y" deleted' || fail "delete message: $out"
fa_stop

# ---- the journal keeps candidates across a restart ----
fa_start journal --state-file "$FA_TMP/state.journal"
curl_code 201 -X POST "${JSON[@]}" "$FA_URL/apis/coordination.k8s.io/v1beta1/namespaces/kube-system/leasecandidates" \
	-d "$(cand kcm-j 1.33.0 1.33.0)"
uid=$(sed -n 's/.*"uid":"\([^"]*\)".*/\1/p' "$FA_TMP/body")
fa_stop
fa_start journal2 --state-file "$FA_TMP/state.journal"
curl_code 200 "$FA_URL/apis/coordination.k8s.io/v1alpha2/namespaces/kube-system/leasecandidates/kcm-j"
body_has "\"uid\":\"$uid\"" '"binaryVersion":"1.33.0"' '"apiVersion":"coordination.k8s.io/v1alpha2"'
fa_stop
echo "leasecandidates: curl and kubectl $(kubectl version --client 2>/dev/null | head -n 1) checks passed"
