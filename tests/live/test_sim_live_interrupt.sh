#!/usr/bin/env bash
# bin/sim live interrupted by SIGINT or SIGTERM at a random moment (during
# start-up, while pods lead, during the kill and the failover), six times:
# it must exit 4 naming the signal, and leave no child process, no fake
# apiserver and no temporary or faketime file behind. The clock-rate
# scenario is used so that timestamp files exist to be cleaned up.
. "$(dirname "$0")/sim_live_lib.sh"
[ -r /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] ||
  skip "libfaketime is not installed (ci/bootstrap installs it)"

S=scenarios/live/clock-rate-slow-leader-short.yaml
for i in 1 2 3 4 5 6; do
  sig=INT; [ $((i % 2)) -eq 0 ] && sig=TERM
  delay_ms=$(( (RANDOM % 3000) + 50 ))
  LAST_OUT="$WORK/int-$i.out"
  bin/sim live "$S" --time-scale 0.2 >"$LAST_OUT" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -"$sig" "$pid"
  wait "$pid"
  RC=$?
  echo "run $i: SIG$sig after ${delay_ms} ms -> exit $RC"
  expect_rc 4
  expect_out "interrupted by SIG$sig at [0-9.]+ s"
  nothing_left
done
echo "ok"
