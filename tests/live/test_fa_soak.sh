#!/usr/bin/env bash
# A short soak of bin/fake-apiserver --history-max 1000 (build/live/fa_soak,
# which is bench/bench_fa_soak.c): CAS writers on a few leases, watchers, a
# watcher that stops reading, churning short watches, a history follower,
# for 14 s. After a 4 s warm-up (the ring full many times over) the RSS
# floor of the last 5 s may not exceed that of the first 5 s by more than
# 8 MiB (glibc's heap is still settling this early: 2.8 MB was seen in one
# make check; the one-hour bench's floor settled at +4.8 MB by 1,200 s and
# stayed flat), nor the peak by more than 12 MiB (a watcher that stops reading
# may hold 2 MiB of backlog before it is cut, ~6 MB of RSS), the server's
# descriptors must not grow, and no request may fail. An unbounded history
# (--history-max 0) raises both by ~130 MB here (3 KiB a write).
# make bench runs the long form (bench_fa_soak).
source "$(dirname "$0")/fa_lib.sh"

SOAK=build/live/fa_soak
[ -x "$SOAK" ] || make -s "$SOAK" >/dev/null 2>&1 || fail "cannot build $SOAK"

"$SOAK" --server "$FA_BIN" --duration 14 --warmup 4 --history-max 1000 --stall 2 \
	--max-floor-growth-kib 8192 --max-growth-kib 12288 --no-json >"$FA_TMP/soak.out" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "soak exit $rc: $(cat "$FA_TMP/soak.out")"
grep -q '^RSS: .* floor growth -\{0,1\}[0-9]* KiB' "$FA_TMP/soak.out" || fail "no RSS line: $(cat "$FA_TMP/soak.out")"
writes=$(sed -n 's/^load: \([0-9]*\) committed writes.*/\1/p' "$FA_TMP/soak.out")
[ "${writes:-0}" -ge 200 ] || fail "soak: only ${writes:-0} writes/s, the load did not run: $(cat "$FA_TMP/soak.out")"

out=$("$SOAK" --duration 0 2>&1); rc=$?
[ "$rc" = 3 ] || fail "--duration 0: exit $rc, want 3"
grep -q -- '--duration: expected a number in 1..86400, got "0"' <<<"$out" || fail "--duration 0 said: $out"
echo "ok: $(grep '^RSS' "$FA_TMP/soak.out" | sed 's/.*: peak growth/peak growth/; s/ (target[^)]*)//'); $writes writes/s"
