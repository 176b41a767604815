#!/usr/bin/env bash
# bin/fake-apiserver end to end: curl for the wire details (status codes and
# Status bodies, watch streams, fault rules, the admin API), then the real
# kubectl against it with a kubeconfig written here. kubectl is optional:
# without it that part is skipped with the reason printed.
source "$(dirname "$0")/fa_lib.sh"
command -v curl >/dev/null || { echo "skipped: curl not installed"; exit 77; }

fa_start e2e --log-requests
URL=$FA_URL
L=$URL/apis/coordination.k8s.io/v1/namespaces/default/leases

# curl_code EXPECTED-CODE [curl args...]: body in $FA_TMP/body
curl_code() {
	local want=$1 got
	shift
	got=$(curl -s -o "$FA_TMP/body" -w '%{http_code}' "$@")
	[ "$got" = "$want" ] || fail "curl $*: HTTP $got, want $want: $(head -c 300 "$FA_TMP/body")"
}
# body_has STRING...: every string is in the last body
body_has() {
	local s
	for s in "$@"; do
		grep -qF -- "$s" "$FA_TMP/body" || fail "body lacks '$s': $(head -c 400 "$FA_TMP/body")"
	done
}
JSON=(-H 'Content-Type: application/json')

# ---- objects, as other languages' electors send them ----
curl_code 201 -X POST "${JSON[@]}" "$L" \
	-d '{"metadata":{"name":"e2e","creationTimestamp":null},"spec":{"holderIdentity":"pod-a","leaseDurationSeconds":15,"renewTime":null}}'
body_has '"kind":"Lease"' '"holderIdentity":"pod-a"'
curl_code 200 "$L/e2e?someParamWeNeverHeardOf=1"
rv=$(sed -n 's/.*"resourceVersion":"\([0-9]*\)".*/\1/p' "$FA_TMP/body")
[ -n "$rv" ] || fail "no resourceVersion in $(cat "$FA_TMP/body")"

# ---- bodies as real electors wrote them (tests/fixtures/records) ----
FX=tests/fixtures/records
# with_identity FILE UID RV: the fixture with the server's uid and resourceVersion
with_identity() {
	sed -E "s/\"uid\": ?\"[^\"]*\"/\"uid\":\"$2\"/; s/\"resourceVersion\": ?\"[^\"]*\"/\"resourceVersion\":\"$3\"/" "$1"
}
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$FA_TMP/body"; }
curl_code 201 -X POST "${JSON[@]}" "$L" --data-binary @"$FX/npm-lease-create.json"
body_has '"holderIdentity":"npm-a"'
with_identity "$FX/npm-lease-release.json" "$(field uid)" "$(field resourceVersion)" >"$FA_TMP/npm.json"
curl_code 200 -X PUT "${JSON[@]}" "$L/nodejs-leader-election" --data-binary @"$FA_TMP/npm.json"
CM=$URL/api/v1/namespaces/default/configmaps
curl_code 201 -X POST "${JSON[@]}" "$CM" --data-binary @"$FX/python-22.6-configmap-create.json"
with_identity "$FX/python-22.6-configmap-update.json" "$(field uid)" "$(field resourceVersion)" >"$FA_TMP/py.json"
curl_code 200 -X PUT "${JSON[@]}" "$CM/examplepython" --data-binary @"$FA_TMP/py.json"
body_has '19:20:19.920464'
# the same update again: its resourceVersion is stale now
curl_code 409 -X PUT "${JSON[@]}" "$CM/examplepython" --data-binary @"$FA_TMP/py.json"
# a Python-style watch on the namespaced collection
curl -sN "$CM?watch=True&timeoutSeconds=1" >"$FA_TMP/pywatch.out" ||
	fail "watch=True: curl failed"
grep -q '^{"type":"ADDED","object":{"kind":"ConfigMap".*"name":"examplepython"' "$FA_TMP/pywatch.out" ||
	fail "watch=True: $(cat "$FA_TMP/pywatch.out")"

# ---- every error as a Status ----
curl_code 404 "$URL/no/such/path"
body_has '"kind":"Status"' '"reason":"NotFound"'
curl_code 404 "$L/missing"
body_has 'leases.coordination.k8s.io \"missing\" not found'
curl_code 405 -X POST "${JSON[@]}" "$L/e2e" -d '{}'
body_has '"reason":"MethodNotAllowed"'
curl_code 400 -X POST "${JSON[@]}" "$L" -d '{"metadata":'
body_has '"reason":"BadRequest"'
curl_code 415 -X POST -H 'Content-Type: application/vnd.kubernetes.protobuf' "$L" --data-binary 'k8s'
body_has '"reason":"UnsupportedMediaType"'
curl_code 422 -X POST "${JSON[@]}" "$L" -d '{"metadata":{"name":"Not_Valid"}}'
body_has '"reason":"Invalid"' '"field":"metadata.name"'
curl_code 409 -X PUT "${JSON[@]}" "$L/e2e" \
	-d '{"metadata":{"name":"e2e","resourceVersion":"999999"},"spec":{}}'
body_has '"reason":"Conflict"' 'the object has been modified'
head -c $((3 * 1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$FA_TMP/big.json"
curl_code 413 -X POST "${JSON[@]}" "$L" --data-binary @"$FA_TMP/big.json"
body_has '"kind":"Status"' '"code":413'
curl_code 200 "$URL/healthz"

# ---- a watch: synthetic ADDED, then MODIFIED; the server ends it on time ----
# (curl's own -m 20 is only a backstop: exit 28 would mean the server did
# not end the stream)
curl -sN -m 20 "$L?watch=1&timeoutSeconds=2" >"$FA_TMP/watch.out" &
wpid=$!
FA_PIDS+=("$wpid")
wait_for() { # wait_for FILE PATTERN: up to 10 s
	local i
	for i in $(seq 1 200); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
wait_for "$FA_TMP/watch.out" '"type":"ADDED"' || fail "the watch sent no ADDED event"
curl_code 200 -X PATCH -H 'Content-Type: application/merge-patch+json' "$L/e2e" \
	-d '{"spec":{"holderIdentity":"pod-b"}}'
rc=0; wait "$wpid" || rc=$?
[ "$rc" -eq 0 ] || fail "the watch did not end cleanly at timeoutSeconds=2 (curl exit $rc)"
grep -q '^{"type":"ADDED","object":{"kind":"Lease".*"name":"e2e"' "$FA_TMP/watch.out" ||
	fail "no ADDED event: $(cat "$FA_TMP/watch.out")"
grep -q '^{"type":"MODIFIED".*"holderIdentity":"pod-b"' "$FA_TMP/watch.out" ||
	fail "no MODIFIED event: $(cat "$FA_TMP/watch.out")"

# ---- faults through the admin API ----
A=$URL/leaselab/v1
curl_code 201 -X POST "${JSON[@]}" "$A/faults" -d '{"identity":"slow","requestLatency":"2s"}'
curl_code 201 -X POST "${JSON[@]}" "$A/faults" -d '{"identity":"busy","error":429,"retryAfter":3}'
curl_code 201 -X POST "${JSON[@]}" "$A/faults" -d '[{"identity":"hole","partition":"blackhole"},{"identity":"gone","partition":"refused"}]'
curl_code 400 -X POST "${JSON[@]}" "$A/faults" -d '{"identity":"x","error":418}'
body_has '"reason":"BadRequest"' 'error'
# a delayed client does not hold up another one: the quick answer comes
# while the slow request still waits out its 2 s
curl -s -o "$FA_TMP/slow.out" -w '%{http_code}' -H 'X-Leaselab-Identity: slow' "$L/e2e" >"$FA_TMP/slow.code" &
spid=$!
FA_PIDS+=("$spid")
sleep 0.1
curl_code 200 -H 'X-Leaselab-Identity: quick' "$L/e2e"
kill -0 "$spid" 2>/dev/null || fail "the quick client was answered only after the slow one"
wait "$spid"
[ "$(cat "$FA_TMP/slow.code")" = 200 ] || fail "the slow request: HTTP $(cat "$FA_TMP/slow.code")"
curl -s -D "$FA_TMP/headers" -o "$FA_TMP/body" -H 'X-Leaselab-Identity: busy' "$L/e2e"
grep -qi '^Retry-After: 3' "$FA_TMP/headers" || fail "429 without Retry-After: $(cat "$FA_TMP/headers")"
body_has '"code":429' '"reason":"TooManyRequests"'
rc=0; curl -s -m 1 -o /dev/null -H 'X-Leaselab-Identity: hole' "$L/e2e" || rc=$?
[ "$rc" -eq 28 ] || fail "black hole: curl exit $rc, want 28 (timed out)"
rc=0; curl -s -m 2 -o /dev/null -H 'X-Leaselab-Identity: gone' "$L/e2e" || rc=$?
[ "$rc" -eq 52 ] || [ "$rc" -eq 56 ] || fail "refused: curl exit $rc, want 52/56 (closed, no answer)"
curl_code 200 "$A/faults"
body_has '"identity":"slow"' '"partition":"blackhole"'
curl_code 200 -X DELETE "$A/faults"
curl_code 200 -H 'X-Leaselab-Identity: hole' "$L/e2e"
# down: every client refused, the admin API still answers; then up
curl_code 200 -X POST "$A/down"
rc=0; curl -s -m 2 -o /dev/null "$L/e2e" || rc=$?
[ "$rc" -eq 52 ] || [ "$rc" -eq 56 ] || fail "server down: curl exit $rc, want 52/56"
curl_code 200 -X POST "$A/up"
curl_code 200 "$L/e2e"
# the history names who wrote what; follow=1 streams new entries
curl_code 200 "$A/history"
body_has '"op":"create"' '"name":"e2e"' '"identity":"system:admin"'
curl_code 200 "$A/state"
n=$(sed -n 's/.*"historyLength":\([0-9]*\).*/\1/p' "$FA_TMP/body")
# start one entry back: that line arriving says the stream is up
curl -sN "$A/history?follow=1&since=$((n - 1))" >"$FA_TMP/follow.out" &
hpid=$!
FA_PIDS+=("$hpid")
wait_for "$FA_TMP/follow.out" '"op":' || fail "history follow sent nothing"
grep -q 'follower-test' "$FA_TMP/follow.out" && fail "follow sent a write before it happened"
curl_code 200 -X PATCH -H 'Content-Type: application/merge-patch+json' \
	-H 'X-Leaselab-Identity: follower-test' "$L/e2e" -d '{"spec":{"holderIdentity":"pod-f"}}'
wait_for "$FA_TMP/follow.out" '"identity":"follower-test"' ||
	fail "history follow missed the write: $(cat "$FA_TMP/follow.out")"
kill "$hpid" 2>/dev/null

# ---- kubectl ----
if ! command -v kubectl >/dev/null; then
	fa_stop
	echo "curl checks passed; kubectl checks skipped: kubectl not installed"
	exit 0
fi
export HOME=$FA_TMP KUBECONFIG=$FA_TMP/kubeconfig
fa_kubeconfig "$KUBECONFIG" "$URL"
k() { kubectl --request-timeout=10s "$@" 2>&1; }
out=$(k get lease) || fail "kubectl get lease: $out"
echo "$out" | grep -qE '^NAME +HOLDER +AGE' || fail "no HOLDER column: $out"
echo "$out" | grep -qE '^e2e +pod-f ' || fail "holder not shown: $out"
out=$(k get lease e2e -o yaml) || fail "kubectl get -o yaml: $out"
echo "$out" | grep -q 'holderIdentity: pod-f' || fail "-o yaml: $out"
curl_code 201 -X POST "${JSON[@]}" "$URL/apis/coordination.k8s.io/v1/namespaces/kube-system/leases" \
	-d '{"metadata":{"name":"sys"},"spec":{"holderIdentity":"pod-s"}}'
out=$(k get lease -A) || fail "kubectl get -A: $out"
echo "$out" | grep -qE '^NAMESPACE +NAME +HOLDER +AGE' || fail "-A header: $out"
echo "$out" | grep -qE '^kube-system +sys +pod-s' || fail "-A rows: $out"
out=$(k get lease nope) && fail "get of a missing lease succeeded"
echo "$out" | grep -qF 'Error from server (NotFound): leases.coordination.k8s.io "nope" not found' ||
	fail "NotFound message: $out"

# a watch in the background sees an update
kubectl get lease e2e -w >"$FA_TMP/kwatch.out" 2>&1 &
kw=$!
FA_PIDS+=("$kw")
wait_for "$FA_TMP/kwatch.out" '^e2e ' || fail "kubectl get -w printed nothing: $(cat "$FA_TMP/kwatch.out")"
# no race: kubectl watches from the list's resourceVersion, so an update
# that lands before its watch request is replayed from the history
out=$(k patch lease e2e --type merge -p '{"spec":{"holderIdentity":"pod-w"}}') || fail "patch merge: $out"
wait_for "$FA_TMP/kwatch.out" 'pod-w' ||
	fail "kubectl get -w missed the update: $(cat "$FA_TMP/kwatch.out")"
kill "$kw" 2>/dev/null

out=$(k patch lease e2e -p '{"spec":{"holderIdentity":"pod-s2"}}') || fail "patch strategic: $out"
out=$(k label lease e2e tier=gold) || fail "label: $out"
out=$(k get lease -l tier=gold -o name) || fail "get -l: $out"
[ "$out" = "lease.coordination.k8s.io/e2e" ] || fail "label selector: $out"
k get lease e2e -o yaml >"$FA_TMP/e2e.yaml" || fail "get -o yaml for replace"
sed -i 's/pod-s2/pod-r/' "$FA_TMP/e2e.yaml"
out=$(k replace --validate=false -f "$FA_TMP/e2e.yaml") || fail "replace: $out"
out=$(k get lease e2e -o jsonpath='{.spec.holderIdentity}') || fail "jsonpath: $out"
[ "$out" = "pod-r" ] || fail "replace did not stick: $out"
# the same file again carries a stale resourceVersion
out=$(k replace --validate=false -f "$FA_TMP/e2e.yaml") && fail "stale replace succeeded"
echo "$out" | grep -qF 'Error from server (Conflict)' || fail "Conflict message: $out"
echo "$out" | grep -qF 'the object has been modified' || fail "Conflict message: $out"
cat >"$FA_TMP/cm.yaml" <<CM
apiVersion: v1
kind: ConfigMap
metadata:
  name: e2e-cm
data:
  a: "1"
  b: "2"
CM
out=$(k create --validate=false -f "$FA_TMP/cm.yaml") || fail "create -f: $out"
out=$(k get cm) || fail "get cm: $out"
echo "$out" | grep -qE '^e2e-cm +2 ' || fail "configmap DATA column: $out"
out=$(k get ep) || fail "get ep: $out"
out=$(k delete lease e2e) || fail "delete: $out"
echo "$out" | grep -qF 'lease.coordination.k8s.io "e2e" deleted' || fail "delete message: $out"
out=$(k get lease e2e) && fail "the deleted lease is still there"
fa_stop
echo "curl and kubectl $(kubectl version --client 2>/dev/null | head -n 1) checks passed"
