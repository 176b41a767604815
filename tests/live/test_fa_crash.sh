#!/usr/bin/env bash
# 100 cycles of kill -9 and restart of bin/fake-apiserver --state-file under
# write load: 4 writers each increment their own lease and remember the last
# value the server acknowledged; after every restart each lease must hold
# that value, or that value + 1 (the one write in flight may have committed
# without its answer getting out). Nothing acknowledged may be lost.
source "$(dirname "$0")/fa_lib.sh"
fa_need_helper
CYCLES=${FA_CRASH_CYCLES:-100}
state="$FA_TMP/state.jsonl"
total=0
fa_start crash --state-file "$state"
for cycle in $(seq 1 "$CYCLES"); do
	"$FA_LOAD" writer "$FA_ADDR" --writers 4 --prefix crash --out "$FA_TMP/acked" \
		>"$FA_TMP/writer.out" 2>>"$FA_TMP/writer.err" &
	wpid=$!
	FA_PIDS+=("$wpid")
	# let some writes through, then kill -9 with requests in flight
	sleep "$(printf '0.%03d' $((30 + RANDOM % 90)))"
	kill -9 "$FA_PID"
	wait "$FA_PID" 2>/dev/null
	wait "$wpid" || fail "cycle $cycle: the writer failed: $(tail -n 2 "$FA_TMP/writer.err")"
	n=$(sed -n 's/^writes acknowledged: //p' "$FA_TMP/writer.out")
	total=$((total + ${n:-0}))
	fa_start crash --state-file "$state"
	"$FA_LOAD" check "$FA_ADDR" "$FA_TMP/acked" >"$FA_TMP/check.out" 2>&1 ||
		fail "cycle $cycle: $(cat "$FA_TMP/check.out")"
done
fa_stop
[ "$total" -gt "$CYCLES" ] || fail "only $total writes acknowledged in $CYCLES cycles: no load"
echo "$CYCLES kill -9 cycles, $total acknowledged writes, none lost; journal $(wc -l <"$state") lines"
