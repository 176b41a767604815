#!/usr/bin/env bash
# bin/fake-apiserver over TLS with client-certificate authentication:
# certificates made here with openssl (a CA, a server certificate for
# 127.0.0.1, client certificates). A certificate from the CA authenticates
# (CN = user, O = groups); no certificate gets 401 (tokens still work); a
# certificate from another CA fails the handshake.
source "$(dirname "$0")/fa_lib.sh"
command -v openssl >/dev/null || { echo "skipped: openssl not installed"; exit 77; }
command -v curl >/dev/null || { echo "skipped: curl not installed"; exit 77; }

D=$FA_TMP/pki
mkdir -p "$D"
ossl() { openssl "$@" >>"$D/openssl.log" 2>&1 || fail "openssl $*: $(tail -n 5 "$D/openssl.log")"; }
key() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$D/$1.key"; }
# ca NAME CN
ca() {
	key "$1"
	ossl req -x509 -new -key "$D/$1.key" -out "$D/$1.crt" -days 2 -subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
# cert NAME SUBJECT CA EXT
cert() {
	key "$1"
	ossl req -new -key "$D/$1.key" -out "$D/$1.csr" -subj "$2"
	printf '%s\n' "$4" >"$D/$1.ext"
	ossl x509 -req -in "$D/$1.csr" -CA "$D/$3.crt" -CAkey "$D/$3.key" -CAcreateserial \
		-out "$D/$1.crt" -days 2 -extfile "$D/$1.ext"
}
ca ca "leaselab test CA"
ca rogue "someone else's CA"
cert server "/CN=fake-apiserver" ca "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
cert alice "/O=devs/O=ops/CN=alice" ca "extendedKeyUsage=clientAuth"
cert mallory "/O=devs/CN=mallory" rogue "extendedKeyUsage=clientAuth"
printf 'tok-bob,bob,readers\n' >"$FA_TMP/tokens"

fa_start tls --tls-cert "$D/server.crt" --tls-key "$D/server.key" --client-ca "$D/ca.crt" \
	--tokens "$FA_TMP/tokens" --log-requests
[[ "$FA_URL" == https://* ]] || fail "a TLS server printed $FA_URL"
U=$FA_URL
L=$U/apis/coordination.k8s.io/v1/namespaces/default/leases
C=(-s --cacert "$D/ca.crt")
AS_ALICE=(--cert "$D/alice.crt" --key "$D/alice.key")

# who am I: CN and O from the certificate
code=$(curl "${C[@]}" "${AS_ALICE[@]}" -o "$FA_TMP/body" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/json' "$U/apis/authentication.k8s.io/v1/selfsubjectreviews" \
	-d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}')
[ "$code" = 201 ] || fail "selfsubjectreview: HTTP $code $(cat "$FA_TMP/body")"
grep -q '"username":"alice"' "$FA_TMP/body" || fail "user is not the CN: $(cat "$FA_TMP/body")"
grep -q '"groups":\["devs","ops","system:authenticated"\]' "$FA_TMP/body" ||
	fail "groups are not the O values: $(cat "$FA_TMP/body")"

# a write with the certificate is recorded as alice's
code=$(curl "${C[@]}" "${AS_ALICE[@]}" -o "$FA_TMP/body" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/json' "$L" -d '{"metadata":{"name":"tls"},"spec":{"holderIdentity":"alice"}}')
[ "$code" = 201 ] || fail "create with a client certificate: HTTP $code $(cat "$FA_TMP/body")"
# the admin API fails closed: nothing without the --admin-token
code=$(curl "${C[@]}" "${AS_ALICE[@]}" -o /dev/null -w '%{http_code}' "$U/leaselab/v1/history")
[ "$code" = 401 ] || fail "admin history without the admin token: HTTP $code, want 401"
curl "${C[@]}" -H "Authorization: Bearer $FA_ADMIN_TOKEN" -o "$FA_TMP/history" "$U/leaselab/v1/history" ||
	fail "admin history over TLS"
grep -q '"identity":"alice"' "$FA_TMP/history" || fail "history identity: $(cat "$FA_TMP/history")"

# no certificate, no token: 401 with a Status; the test header does not help
code=$(curl "${C[@]}" -o "$FA_TMP/body" -w '%{http_code}' -H 'X-Leaselab-Identity: alice' "$L")
[ "$code" = 401 ] || fail "no certificate: HTTP $code, want 401"
grep -q '"kind":"Status"' "$FA_TMP/body" || fail "401 without a Status body"
# a bearer token from --tokens still works over TLS
code=$(curl "${C[@]}" -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tok-bob' "$L")
[ "$code" = 200 ] || fail "token over TLS: HTTP $code"

# a certificate from another CA: the handshake fails, no HTTP at all
rc=0
code=$(curl "${C[@]}" --cert "$D/mallory.crt" --key "$D/mallory.key" -o /dev/null -w '%{http_code}' "$L") || rc=$?
[ "$rc" -ne 0 ] && [ "$code" = 000 ] || fail "a rogue certificate got HTTP $code (curl exit $rc)"
# plain HTTP to the TLS port gets no answer either
rc=0
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://$FA_ADDR/version") || rc=$?
[ "$code" = 000 ] || [ "$code" = 400 ] || fail "plain HTTP to the TLS port: HTTP $code"

if command -v kubectl >/dev/null; then
	export HOME=$FA_TMP KUBECONFIG=$FA_TMP/kubeconfig
	cat >"$KUBECONFIG" <<KC
apiVersion: v1
kind: Config
clusters:
- name: fa
  cluster:
    server: $U
    certificate-authority: $D/ca.crt
contexts:
- name: fa
  context: {cluster: fa, user: alice, namespace: default}
current-context: fa
users:
- name: alice
  user:
    client-certificate: $D/alice.crt
    client-key: $D/alice.key
KC
	out=$(kubectl get lease 2>&1) || fail "kubectl over TLS: $out"
	echo "$out" | grep -qE '^tls +alice ' || fail "kubectl get lease over TLS: $out"
	out=$(kubectl auth whoami 2>&1) || fail "kubectl auth whoami: $out"
	echo "$out" | grep -q 'alice' || fail "kubectl auth whoami: $out"
	kmsg="kubectl checks passed"
else
	kmsg="kubectl checks skipped: kubectl not installed"
fi
fa_stop
echo "TLS client-certificate checks passed; $kmsg"
