#!/usr/bin/env bash
# The article's RBAC failure. The pod's service account may not touch
# endpoints: bin/elector --lock=endpoints logs the apiserver's forbidden
# message verbatim and keeps retrying without crashing (with
# --profile=sidecar-0.5 it crashes as the article's 0.5 did). With the
# least-privilege policy of examples/k8s/rbac.yaml (get/update on the one
# name, create on the collection) it leads.
source "$(dirname "$0")/elector_lib.sh"
need_bins

SA=system:serviceaccount:test-leader-elector:default
MSG='endpoints "elect-nginx-deploy" is forbidden: User "'"$SA"'" cannot get resource "endpoints" in API group "" in the namespace "default"'

echo "sa-token,$SA" >"$TMP/tokens"
# What the cluster in the article had: nothing on endpoints for this account.
echo "$SA get,create,update leases default" >"$TMP/deny.policy"
# Least privilege (create cannot be limited by resourceName: its own rule).
{
  echo "$SA get,update endpoints default elect-nginx-deploy"
  echo "$SA create endpoints default"
} >"$TMP/allow.policy"

start_fake_apiserver fa-deny --tokens "$TMP/tokens" --policy "$TMP/deny.policy"
kubeconfig "$TMP/kc-deny" "http://$FA_ADDR" "token: sa-token"
bin/elector --id=pod-a --election=elect-nginx-deploy --lock=endpoints --profile=client-go-1.23 --kubeconfig="$TMP/kc-deny" \
  "${TIMING[@]}" --http=127.0.0.1:0 >"$TMP/pod-a.out" 2>"$TMP/pod-a.err" &
pid=$!
PIDS+=("$pid")

# client-go 1.23's klog.Infof words print the message as it is (the last
# release with an Endpoints lock: --profile=client-go-1.23)
count() { grep -cF "$MSG" "$TMP/pod-a.err" 2>/dev/null || true; }
wait_until 5000 sh -c "[ \$(grep -cF '$MSG' '$TMP/pod-a.err') -ge 3 ]" ||
  fail "the forbidden message did not appear 3 times (found $(count)); want verbatim: $MSG"
grep -F "$MSG" "$TMP/pod-a.err" | head -n 1
grep -qF "error retrieving resource lock default/elect-nginx-deploy: $MSG" "$TMP/pod-a.err" ||
  fail "the message is not the whole error text"
exited "$pid" && fail "bin/elector exited on 403 (the article's 0.5 crashed here; we must retry)"
grep -qi 'elector\] successfully acquired' "$TMP/pod-a.err" && fail "acquired a lock it may not read"
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM while forbidden"

# --profile=sidecar-0.5 reproduces the article's crash instead, F line and
# all: 0.5 could not create its election and exited (glog.Fatalf: 255).
bin/elector --id=pod-a --election=elect-nginx-deploy --lock=endpoints --profile=sidecar-0.5 \
  --kubeconfig="$TMP/kc-deny" >"$TMP/pod-05.out" 2>"$TMP/pod-05.err"
rc=$?
[ "$rc" -eq 255 ] || fail "--profile=sidecar-0.5 exited $rc on 403, want 255 as 0.5"
grep -E "^F[0-9]{4} [0-9:.]+ +[0-9]+ elector\] failed to create election: $(printf '%s' "$MSG" | sed 's/[][\.*^$]/\\&/g')\$" "$TMP/pod-05.err" ||
  fail "no F line 'failed to create election: <message>' from the 0.5 profile: $(cat "$TMP/pod-05.err")"

start_fake_apiserver fa-allow --tokens "$TMP/tokens" --policy "$TMP/allow.policy"
kubeconfig "$TMP/kc-allow" "http://$FA_ADDR" "token: sa-token"
start_elector pod-b --election=elect-nginx-deploy --lock=endpoints --profile=client-go-1.23 --kubeconfig="$TMP/kc-allow" "${TIMING[@]}"
wait_until 5000 leads pod-b || fail "pod-b did not lead with the least-privilege policy"
FA_TOKEN=sa-token
[ "$(holder default elect-nginx-deploy endpoints)" = "pod-b" ] || fail "the annotation does not name pod-b"
grep -q '"level":"error"' "$TMP/pod-b.out" && fail "errors under the least-privilege policy: $(grep '"level":"error"' "$TMP/pod-b.out" | head -n 2)"

# A token the apiserver does not know: 401, said plainly, retried.
kubeconfig "$TMP/kc-bad" "http://$FA_ADDR" "token: wrong"
start_elector pod-c --election=elect-nginx-deploy --lock=endpoints --profile=client-go-1.23 --kubeconfig="$TMP/kc-bad" "${TIMING[@]}"
wait_until 3000 grep -q '"status":401' "$TMP/pod-c.out" || fail "no 401 logged for an unknown token"
echo "ok"
