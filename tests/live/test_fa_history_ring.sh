#!/usr/bin/env bash
# bin/fake-apiserver --history-max N: the store's history is a ring of the
# newest N writes. The admin history says what was dropped (a DROPPED line
# first; since= below the oldest kept is 410 Gone), a watch from a dropped
# revision is 410 Expired, the state reports historyFirst and historyMax,
# the default keeps 10,000, a bad value is exit 3, and a short soak (30,000 CAS writes) leaves the RSS flat where an
# unbounded history grows by tens of MB.
source "$(dirname "$0")/fa_lib.sh"

out=$("$FA_BIN" --history-max -1 2>&1); rc=$?
[ "$rc" = 3 ] || fail "--history-max -1: exit $rc, want 3"
grep -q -- '--history-max: expected 0..100000000' <<<"$out" || fail "--history-max -1 said: $out"

fa_start ring --history-max 5
CM=$FA_URL/api/v1/namespaces/default/configmaps
for i in $(seq 0 11); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-d "{\"metadata\":{\"name\":\"cm-$i\"},\"data\":{\"k\":\"v$i\"}}" "$CM")
	[ "$code" = 201 ] || fail "create cm-$i: HTTP $code"
done

curl -s "$FA_URL/leaselab/v1/history" > "$FA_TMP/all" || fail "history"
[ "$(wc -l < "$FA_TMP/all")" = 6 ] || fail "history: want a DROPPED line and 5 entries: $(cat "$FA_TMP/all")"
head -n 1 "$FA_TMP/all" | grep -q '"type":"DROPPED","from":0,"to":7' || fail "no DROPPED marker: $(head -n 1 "$FA_TMP/all")"
sed -n 2p "$FA_TMP/all" | grep -q '"name":"cm-7"' || fail "oldest kept is not cm-7: $(sed -n 2p "$FA_TMP/all")"
tail -n 1 "$FA_TMP/all" | grep -q '"name":"cm-11"' || fail "newest is not cm-11"

code=$(curl -s -o "$FA_TMP/gone" -w '%{http_code}' "$FA_URL/leaselab/v1/history?since=3")
[ "$code" = 410 ] || fail "history?since=3: HTTP $code, want 410"
grep -q 'since=3: history entries 3..6 were dropped (--history-max); the oldest kept is 7' "$FA_TMP/gone" ||
	fail "410 body: $(cat "$FA_TMP/gone")"
[ "$(curl -s "$FA_URL/leaselab/v1/history?since=7" | wc -l)" = 5 ] || fail "history?since=7: want 5 entries"

curl -s "$FA_URL/leaselab/v1/state" | grep -q '"historyLength":12,"historyFirst":7' ||
	fail "state: $(curl -s "$FA_URL/leaselab/v1/state")"

# revision 3 was dropped: Expired; revision 7 is covered (the next is kept).
curl -s --max-time 2 "$CM?watch=1&resourceVersion=3" > "$FA_TMP/w3"
grep -q '"type":"ERROR".*"code":410' "$FA_TMP/w3" || fail "watch from rv 3: $(cat "$FA_TMP/w3")"
curl -s --max-time 1 "$CM?watch=1&resourceVersion=7" > "$FA_TMP/w7"
[ "$(grep -c '"type":"ADDED"' "$FA_TMP/w7")" = 5 ] || fail "watch from rv 7: want 5 events: $(cat "$FA_TMP/w7")"
fa_stop

# Without the flag the ring keeps 10,000: a long run's memory is bounded
# by default. 10,040 writes drop the oldest 40; 0 keeps every one.
fa_need_helper
fa_start default
curl -s "$FA_URL/leaselab/v1/state" | grep -q '"historyFirst":0,"historyMax":10000' ||
	fail "default state: $(curl -s "$FA_URL/leaselab/v1/state")"
"$FA_LOAD" stress "$FA_ADDR" --clients 1 --rounds 10040 --lease dflt >/dev/null || fail "default load"
st=$(curl -s "$FA_URL/leaselab/v1/state")
len=$(sed -n 's/.*"historyLength":\([0-9]*\).*/\1/p' <<<"$st")
first=$(sed -n 's/.*"historyFirst":\([0-9]*\).*/\1/p' <<<"$st")
[ "${len:-0}" -gt 10000 ] && [ "$first" = $((len - 10000)) ] ||
	fail "default: $len writes should keep the newest 10000: $st"
curl -s "$FA_URL/leaselab/v1/history" > "$FA_TMP/dflt" || fail "default history"
head -n 1 "$FA_TMP/dflt" | grep -q "\"type\":\"DROPPED\",\"from\":0,\"to\":$first," ||
	fail "default: no DROPPED marker for 0..$((first - 1)), $first the oldest kept"
fa_stop
fa_start all --history-max 0
"$FA_LOAD" stress "$FA_ADDR" --clients 1 --rounds 200 --lease all >/dev/null || fail "all load"
curl -s "$FA_URL/leaselab/v1/state" | grep -q '"historyFirst":0,"historyMax":0' ||
	fail "--history-max 0 state: $(curl -s "$FA_URL/leaselab/v1/state")"
fa_stop

# The short soak: RSS after 10,000 writes (warm) and after 20,000 more.
fa_start soak --history-max 1000
rss() { awk '/^VmRSS/ {print $2}' "/proc/$FA_PID/status"; }
"$FA_LOAD" stress "$FA_ADDR" --clients 1 --rounds 10000 --lease soak >/dev/null || fail "warm-up load"
r0=$(rss)
"$FA_LOAD" stress "$FA_ADDR" --clients 1 --rounds 20000 --lease soak >/dev/null || fail "soak load"
r1=$(rss)
len=$(curl -s "$FA_URL/leaselab/v1/state" | sed -n 's/.*"historyLength":\([0-9]*\).*/\1/p')
[ "${len:-0}" -ge 30000 ] || fail "soak: only ${len:-0} writes recorded"
[ $((r1 - r0)) -lt 3072 ] || fail "soak: RSS grew from $r0 to $r1 KiB over 20,000 writes with --history-max 1000"
fa_stop
echo "ok: the default keeps 10,000; --history-max 5 drops and says so (DROPPED, 410 Gone, 410 Expired); soak RSS $r0 -> $r1 KiB over $len writes"
