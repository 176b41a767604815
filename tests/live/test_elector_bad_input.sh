#!/usr/bin/env bash
# Bad input to bin/elector: one line on stderr naming the flag, file, line or
# key, nothing on stdout, exit code 3, nothing started.
source "$(dirname "$0")/elector_lib.sh"
[ -x bin/elector ] || fail "bin/elector is not built (make all builds it)"

printf 'apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: [unclosed\n' >"$TMP/broken.yaml"
KC_CA="$TMP/missing-ca.crt" kubeconfig "$TMP/bad-ca.yaml" "https://127.0.0.1:1" "token: t"
kubeconfig "$TMP/good.yaml" "http://127.0.0.1:1"

# expect_bad "WANTED TEXT" ARGS...: exit 3, exactly one line, containing it.
expect_bad() {
  local want=$1; shift
  bin/elector "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
  local rc=$?
  [ "$rc" -eq 3 ] || fail "elector $*: exit $rc, want 3 ($(cat "$TMP/bad.err"))"
  [ ! -s "$TMP/bad.out" ] || fail "elector $*: wrote to stdout: $(cat "$TMP/bad.out")"
  [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] || fail "elector $*: want one line on stderr, got: $(cat "$TMP/bad.err")"
  grep -qF -- "$want" "$TMP/bad.err" || fail "elector $*: want \"$want\" in: $(cat "$TMP/bad.err")"
  echo "exit 3: $(cat "$TMP/bad.err")"
}

expect_bad "--election cannot be empty"
expect_bad "unknown flag: --electon" --electon=x
expect_bad "--ttl=ten: invalid duration" --election=e --ttl=ten
expect_bad "--lock=etcd: expected leases, endpoints, configmaps, endpointsleases or configmapsleases" --election=e --lock=etcd
# 1.24 removed the plain annotation locks: under the default profile, its words and where to go
expect_bad "--lock=configmaps: configmaps lock is removed, migrate to configmapsleases (using version v0.27.x) (--profile=client-go-1.34; client-go-1.23 or older has it: see --profile=help)" --election=e --lock=configmaps
expect_bad "invalid timing: leaseDuration must be greater than renewDeadline (--lease-duration=10s, --renew-deadline=12s, --retry-period=2s)" \
  --election=e --lease-duration=10s --renew-deadline=12s --kubeconfig="$TMP/good.yaml"
expect_bad "renewDeadline must be greater than retryPeriod*JitterFactor (--lease-duration=4s, --renew-deadline=2s, --retry-period=2s; derived from --ttl=4s)" \
  --election=e --ttl=4s --retry-period=2s
expect_bad "kubeconfig $TMP/nope.yaml: cannot open: No such file or directory" --election=e --kubeconfig="$TMP/nope.yaml"
expect_bad "$TMP/broken.yaml:6:" --election=e --kubeconfig="$TMP/broken.yaml"
expect_bad "context \"staging\" not found (contexts: fake)" --election=e --kubeconfig="$TMP/good.yaml" --context=staging
expect_bad "clusters[fake].cluster.certificate-authority: cannot read $TMP/missing-ca.crt" --election=e --kubeconfig="$TMP/bad-ca.yaml"
expect_bad "--http=4444: expected HOST:PORT" --election=e --http=4444 --kubeconfig="$TMP/good.yaml"
expect_bad "--binary-version=1.31.0 is below --emulation-version=1.32.0" --election=e --coordinated \
  --binary-version=1.31.0 --emulation-version=1.32.0
expect_bad "--emulation-version=v1.32.0: not a semantic version" --election=e --coordinated \
  --binary-version=1.33.0 --emulation-version=v1.32.0
expect_bad "--id=a b: with --coordinated the identity names the LeaseCandidate" --election=e --coordinated \
  --id="a b" --binary-version=1.33.0 --emulation-version=1.33.0
expect_bad "--candidate-api-version=v1alpha1: expected v1beta1" --election=e --coordinated \
  --binary-version=1.33.0 --emulation-version=1.33.0 --candidate-api-version=v1alpha1
KUBECONFIG= HOME="$TMP" KUBERNETES_SERVICE_HOST= expect_bad "no apiserver configuration" --election=e

# A port that is taken: the second elector says so and starts nothing.
start_elector first --election=e --kubeconfig="$TMP/good.yaml"
expect_bad "cannot listen on 127.0.0.1:$(port_of first)" --id=second --election=e --kubeconfig="$TMP/good.yaml" \
  --http="127.0.0.1:$(port_of first)"

bin/elector --help >"$TMP/help" 2>&1 || fail "--help exited $?"
for flag in --election= --id= --election-namespace= --ttl= --use-cluster-credentials --http= --lock= \
  --kubeconfig= --context= --lease-duration= --renew-deadline= --retry-period= --release-on-cancel= \
  --profile= --healthz-tolerance= --log-format= --coordinated --binary-version= --emulation-version= \
  --candidate-api-version=; do
  grep -qF -- "$flag" "$TMP/help" || fail "--help does not mention $flag"
done
echo "ok"
