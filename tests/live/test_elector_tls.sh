#!/usr/bin/env bash
# HTTPS with a client certificate: a CA, a server certificate for
# 127.0.0.1 and a client certificate made here with openssl;
# bin/fake-apiserver --tls-cert --tls-key --client-ca; bin/elector reads
# certificate-authority (file) and client-certificate-data/-key-data
# (base64) from its kubeconfig and leads. A kubeconfig that trusts another
# CA fails with a TLS error, logged, and never leads; one without a client
# certificate gets 401.
source "$(dirname "$0")/elector_lib.sh"
need_bins
command -v openssl >/dev/null || skip "openssl is not installed (ci/bootstrap installs it)"

cd "$TMP" || exit 1
gen() { openssl "$@" >/dev/null 2>&1 || fail "openssl $1 failed"; }
gen req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=leaselab-test-ca"
gen req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
gen x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile server.ext
gen req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr \
  -subj "/O=system:serviceaccounts/CN=system:serviceaccount:default:elector"
gen x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1
gen req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key -out other-ca.crt -days 1 -subj "/CN=other"
cd - >/dev/null || exit 1

start_fake_apiserver fa --tls-cert "$TMP/server.crt" --tls-key "$TMP/server.key" --client-ca "$TMP/ca.crt"
FA_URL="https://$FA_ADDR" FA_CACERT="$TMP/ca.crt" FA_CERT="$TMP/client.crt" FA_KEY="$TMP/client.key"
export FA_URL FA_CACERT FA_CERT FA_KEY

KC_CA="$TMP/ca.crt" kubeconfig "$TMP/kubeconfig" "https://$FA_ADDR" \
  "client-certificate-data: $(base64 -w0 <"$TMP/client.crt")" \
  "client-key-data: $(base64 -w0 <"$TMP/client.key")"
start_elector pod-a --election=elect-tls --kubeconfig="$TMP/kubeconfig" "${TIMING[@]}"
wait_until 5000 leads pod-a || fail "pod-a did not lead over HTTPS with a client certificate"
[ "$(holder default elect-tls)" = "pod-a" ] || fail "the Lease names '$(holder default elect-tls)', not pod-a"
grep -q '"level":"error"' "$TMP/pod-a.out" && fail "errors over TLS: $(grep '"level":"error"' "$TMP/pod-a.out" | head -n 2)"

# A second candidate with the certificate as files, following pod-a.
KC_CA="$TMP/ca.crt" kubeconfig "$TMP/kubeconfig-files" "https://$FA_ADDR" \
  "client-certificate: $TMP/client.crt" "client-key: $TMP/client.key"
start_elector pod-b --election=elect-tls --kubeconfig="$TMP/kubeconfig-files" "${TIMING[@]}"
wait_until 3000 all_name pod-a pod-b || fail "pod-b does not see pod-a as leader: $(name_at pod-b)"

# Trusting the wrong CA: the server's certificate fails verification.
KC_CA="$TMP/other-ca.crt" kubeconfig "$TMP/kubeconfig-wrong" "https://$FA_ADDR" \
  "client-certificate: $TMP/client.crt" "client-key: $TMP/client.key"
start_elector pod-c --election=elect-tls-2 --kubeconfig="$TMP/kubeconfig-wrong" "${TIMING[@]}"
wait_until 3000 grep -qi 'certificate' "$TMP/pod-c.out" || fail "no certificate error logged with the wrong CA"
grep -i 'certificate' "$TMP/pod-c.out" | head -n 1
leads pod-c && fail "pod-c leads although it cannot verify the server"

# The right CA but no client certificate: the server answers 401.
KC_CA="$TMP/ca.crt" kubeconfig "$TMP/kubeconfig-anon" "https://$FA_ADDR"
start_elector pod-d --election=elect-tls-3 --kubeconfig="$TMP/kubeconfig-anon" "${TIMING[@]}"
wait_until 3000 grep -q '"status":401' "$TMP/pod-d.out" || fail "no 401 without a client certificate"
leads pod-d && fail "pod-d leads without authenticating"

# In-cluster: --use-cluster-credentials reads the service account's token
# and ca.crt (the directory moved by LEASELAB_SERVICEACCOUNT_DIR) and
# KUBERNETES_SERVICE_HOST/PORT, and speaks HTTPS with a bearer token.
mkdir -p "$TMP/sa"
cp "$TMP/ca.crt" "$TMP/sa/ca.crt"
echo "in-cluster-token" >"$TMP/sa/token"
echo "default" >"$TMP/sa/namespace"
echo "in-cluster-token,system:serviceaccount:default:default" >"$TMP/tokens"
start_fake_apiserver fa-sa --tls-cert "$TMP/server.crt" --tls-key "$TMP/server.key" --tokens "$TMP/tokens"
LEASELAB_SERVICEACCOUNT_DIR="$TMP/sa" KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="${FA_ADDR#*:}" \
  start_elector pod-e --election=elect-sa --use-cluster-credentials "${TIMING[@]}"
wait_until 5000 leads pod-e || fail "pod-e did not lead with the in-cluster service account"
grep -q 'via in-cluster service account' "$TMP/pod-e.out" || fail "pod-e did not use the in-cluster config"
echo "ok"
