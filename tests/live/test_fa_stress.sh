#!/usr/bin/env bash
# 64 concurrent HTTP clients, 1,000 read-modify-CAS rounds each on one
# lease's spec.leaseTransitions (GET, then PUT with the resourceVersion read;
# a 409 means another client won that round and the next round reads
# again). Every answer must be 200 or 409, and the final value must equal
# the initial value plus the number of 200s: no lost or doubled update.
source "$(dirname "$0")/fa_lib.sh"
fa_need_helper
fa_start stress
"$FA_LOAD" stress "$FA_ADDR" --clients 64 --rounds 1000 --lease stress \
	>"$FA_TMP/stress.out" 2>&1 || fail "$(cat "$FA_TMP/stress.out")"
cat "$FA_TMP/stress.out"
fa_stop
