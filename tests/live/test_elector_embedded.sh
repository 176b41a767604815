#!/usr/bin/env bash
# The article's embedded program (examples/embedded.c, bin/embedded): three
# copies on Lease default/my-lease. Each prints "I'm <uuid>"; all print
# "current leader id: <leader>"; only the leader prints "leader run
# business". kill -9 the leader: another takes over within LD + 2.2 RP + 1 s
# and starts its business. SIGTERM the rest: "leader stopped", exit 0.
source "$(dirname "$0")/elector_lib.sh"
need_bins
[ -x bin/embedded ] || fail "bin/embedded is not built (make all builds it)"

start_fake_apiserver fa
kubeconfig "$TMP/kubeconfig" "http://$FA_ADDR"
EPIDS=()
for i in 1 2 3; do
  bin/embedded --kubeconfig "$TMP/kubeconfig" "${TIMING[@]}" --business-every 0.2s \
    >"$TMP/e$i.out" 2>"$TMP/e$i.err" &
  EPIDS+=("$!")
  PIDS+=("$!")
done
uuid_of() { sed -n "s/^I'm \([0-9a-f-]\{36\}\)$/\1/p" "$TMP/e$1.out"; }
wait_until 3000 sh -c "grep -q \"^I'm \" '$TMP/e1.out' && grep -q \"^I'm \" '$TMP/e2.out' && grep -q \"^I'm \" '$TMP/e3.out'" ||
  fail "not every copy printed its identity"
# which copy is it (1..3) that has identity $1?
index_of() { local i; for i in 1 2 3; do [ "$(uuid_of $i)" = "$1" ] && echo "$i"; done; }

has_holder() { [ -n "$(holder default my-lease)" ]; }
wait_until 5000 has_holder || fail "nobody took my-lease"
lead=$(holder default my-lease)
li=$(index_of "$lead")
[ -n "$li" ] || fail "the holder $lead is none of the three"
echo "leader: copy $li ($lead)"
wait_until 2000 grep -q '^leader run business$' "$TMP/e$li.out" || fail "the leader runs no business"
for i in 1 2 3; do
  wait_until 3000 grep -q "^current leader id: $lead$" "$TMP/e$i.out" || fail "copy $i never printed current leader id: $lead"
  [ "$i" = "$li" ] && continue
  grep -q '^leader run business$' "$TMP/e$i.out" && fail "follower copy $i runs the leader's business"
done

kill -9 "${EPIDS[$((li - 1))]}"
t0=$(now_ms)
bound=$(( LD_MS + 22 * RP_MS / 10 + 1000 ))
moved() { local h; h=$(holder default my-lease); [ -n "$h" ] && [ "$h" != "$lead" ]; }
wait_until "$bound" moved || fail "no takeover within ${bound} ms of kill -9"
took=$(( $(now_ms) - t0 ))
lead2=$(holder default my-lease)
li2=$(index_of "$lead2")
echo "copy $li2 took over after ${took} ms (bound ${bound} ms)"
wait_until 2000 grep -q '^leader run business$' "$TMP/e$li2.out" || fail "the new leader runs no business"
for i in 1 2 3; do
  [ "$i" = "$li" ] && continue
  wait_until 2000 grep -q "^current leader id: $lead2$" "$TMP/e$i.out" || fail "copy $i never saw $lead2"
done

for i in 1 2 3; do
  [ "$i" = "$li" ] && continue
  pid=${EPIDS[$((i - 1))]}
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" -eq 0 ] || fail "copy $i exited $rc after SIGTERM"
  grep -q '^leader stopped$' "$TMP/e$i.out" || fail "copy $i did not print 'leader stopped'"
done
echo "ok"
