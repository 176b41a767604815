#!/usr/bin/env bash
# bin/sim live with a foreign elector in another language: the Python
# Kubernetes client's leader election (examples/foreign/python_elector.py,
# python3-kubernetes 22.6) given as a template and observed by regex. The
# checker judges it as any run: one leader at a time, the failover after
# kill -9 within the bound, and the library's missing leaderTransitions
# caught as a lease-history violation (the scenario expects it).
. "$(dirname "$0")/sim_live_lib.sh"
PY=${PYTHON:-/usr/bin/python3}
ELECTOR=examples/foreign/python_elector.py
[ -f "$ELECTOR" ] || fail "$ELECTOR is missing"
[ -x "$PY" ] || skip "$PY is missing: python3-kubernetes needs Debian's python3 (ci/bootstrap installs it)"
"$PY" -c 'import kubernetes.leaderelection.leaderelection' 2>/dev/null ||
  skip "python3-kubernetes is not installed for $PY (ci/bootstrap installs it)"

live py scenarios/live/foreign-python.yaml \
  --elector "$PY $ELECTOR --kubeconfig {kubeconfig} --namespace {namespace} --name {name} --id {id} --lease-duration {lease_duration} --renew-deadline {renew_deadline} --retry-period {retry_period}" \
  --leader-regex ' started leading$' --follower-regex ' stopped leading$' --new-leader-regex ' new leader (.+)$' \
  --out "$WORK/out"
expect_rc 0
expect_out '^live-foreign-python \(live run 1, time scale 1\): BUG REPRODUCED \(expected lease-history violation\)'
expect_out 'lease write by py-[bc] at [0-9.]+ s: transitions 0, expected 1'
expect_out 'failover \(crash\) from py-a at 6\.0[0-9]* s -> py-[bc] leads at [0-9.]+ s: [0-9.]+ s \(bound [0-9.]+ s\)$'
expect_out 'at most 1 leader at once'
grep -q '"kind":"new-leader"' "$WORK/out/run-1/history.jsonl" || fail "no new-leader observation from --new-leader-regex"
nothing_left
echo "ok"
