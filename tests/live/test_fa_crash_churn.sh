#!/usr/bin/env bash
# kill -9 cycles of bin/fake-apiserver --state-file under creates, CAS
# updates and deletes, on a disk that loses unsynced writes (syncshim.so):
# after every restart each acknowledged write must be there (objects with
# their uid and at least their value, deletes gone), resourceVersions rise
# within and across restarts, and no uid is handed out twice. Then the same
# run with a sync that lies must be caught: the check exists to fail.
source "$(dirname "$0")/fa_lib.sh"
command -v python3 >/dev/null || fail "python3 is needed for the churn clients"
SHIM=build/live/syncshim.so
[ -f "$SHIM" ] || make -s "$SHIM" >/dev/null 2>&1 || fail "cannot build $SHIM"
CHURN=tests/live/fa_churn.py
CYCLES=${FA_CHURN_CYCLES:-12}

# run_cycles STATE LOG SKIP_SYNC: returns the check's exit code of the first
# failing cycle (0 when all hold); the check's words are in $FA_TMP/check.out
run_cycles() {
	local state=$1 log=$2 skip=$3 cycle
	: >"$log"
	for cycle in $(seq 1 "$CYCLES"); do
		SYNCSHIM_PATH="$state" SYNCSHIM_SKIP_SYNC=$skip LD_PRELOAD="$PWD/$SHIM" \
			fa_start churn --state-file "$state"
		python3 "$CHURN" load "$FA_ADDR" "$log" --threads 4 --cycle "$cycle" 2>>"$FA_TMP/load.err" &
		local lpid=$!
		FA_PIDS+=("$lpid")
		# the kill lands 150-350 ms into the load, counted from its first
		# acknowledged write: python3's start-up alone can take longer
		# than that (0.3 s through a pyenv shim), and a kill before the
		# first write tests nothing
		local before i
		before=$(wc -l <"$log")
		for i in $(seq 1 500); do
			[ "$(wc -l <"$log")" -gt "$before" ] && break
			kill -0 "$lpid" 2>/dev/null || break
			sleep 0.01
		done
		sleep "$(printf '0.%03d' $((150 + RANDOM % 200)))"
		kill -9 "$FA_PID"
		wait "$FA_PID" 2>/dev/null
		wait "$lpid" 2>/dev/null
		SYNCSHIM_PATH="$state" SYNCSHIM_SKIP_SYNC=$skip LD_PRELOAD="$PWD/$SHIM" \
			fa_start check --state-file "$state"
		python3 "$CHURN" check "$FA_ADDR" "$log" >"$FA_TMP/check.out" 2>&1
		local rc=$?
		kill -9 "$FA_PID"
		wait "$FA_PID" 2>/dev/null
		[ "$rc" -eq 0 ] || return "$rc"
	done
	return 0
}

run_cycles "$FA_TMP/state.jsonl" "$FA_TMP/acked.jsonl" 0 ||
	fail "with real syncs: $(cat "$FA_TMP/check.out")"
acked=$(wc -l <"$FA_TMP/acked.jsonl")
[ "$acked" -gt $((CYCLES * 10)) ] || fail "only $acked writes acknowledged in $CYCLES cycles: no load"
good=$(cat "$FA_TMP/check.out")

# the control: a server whose sync does not reach the disk is caught
CYCLES=3
if run_cycles "$FA_TMP/lying.jsonl" "$FA_TMP/lying-acked.jsonl" 1; then
	fail "a sync that lies went unnoticed: the check proves nothing"
fi
grep -q "lost" "$FA_TMP/check.out" || fail "the lying sync was caught, but not as a lost write: $(cat "$FA_TMP/check.out")"
echo "$good across $((${FA_CHURN_CYCLES:-12})) kill -9 cycles; a lying sync is caught: $(cat "$FA_TMP/check.out")"
