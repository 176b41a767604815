#!/usr/bin/env bash
# The server-wide bound on watch backlogs (--watch-backlog-max): ten
# watchers that never read while 300 KB objects are written cannot make the
# server queue more than the bound in total (each alone is only cut off at
# 2 MiB), the largest backlogs are cut off first, and two watchers that keep
# reading get every event, their streams still open afterwards.
source "$(dirname "$0")/fa_lib.sh"
command -v python3 >/dev/null || fail "python3 is needed for the stalled watchers"

state_field() { # state_field NAME: a number from /leaselab/v1/state
	curl -s -m 3 "$FA_URL/leaselab/v1/state" | python3 -c \
		"import json,sys; print(int(json.load(sys.stdin)['$1']))"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

for bad in 10 5Xi Mi -1Mi; do
	timeout 5 "$FA_BIN" --watch-backlog-max "$bad" >/dev/null 2>"$FA_TMP/bad.txt"
	rc=$?
	[ "$rc" -eq 3 ] && grep -q -- "--watch-backlog-max: expected bytes from 64Ki" "$FA_TMP/bad.txt" ||
		fail "--watch-backlog-max $bad: exit $rc, $(cat "$FA_TMP/bad.txt")"
done

max=$((6 << 20))
fa_start backlog --watch-backlog-max 6Mi
[ "$(state_field watchBacklogMax)" = "$max" ] || fail "watchBacklogMax is not 6Mi: $(curl -s "$FA_URL/leaselab/v1/state")"

watch_url="$FA_URL/api/v1/namespaces/default/configmaps?watch=1"
for h in 1 2; do
	curl -sN -m 20 "$watch_url" >"$FA_TMP/healthy$h.jsonl" 2>/dev/null &
	FA_PIDS+=("$!")
	eval "healthy$h=\$!"
done
python3 - "$FA_ADDR" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].split(":")
socks = []
for _ in range(10):
    s = socket.create_connection((host, int(port)))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
time.sleep(20)  # never reads; killed when the test ends
PY
stalled_pid=$!
FA_PIDS+=("$stalled_pid")
sleep 0.5 # every watch is registered before the first write

python3 -c 'import json; print(json.dumps({"metadata":{"name":"big"},"data":{"k":"x"*300000}}))' >"$FA_TMP/big.json"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	"$FA_URL/api/v1/namespaces/default/configmaps" --data-binary @"$FA_TMP/big.json"
writes=1
for i in $(seq 1 19); do
	sed "s/\"big\"}/\"big\",\"labels\":{\"i\":\"$i\"}}/" "$FA_TMP/big.json" >"$FA_TMP/big2.json"
	curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' \
		"$FA_URL/api/v1/namespaces/default/configmaps/big" --data-binary @"$FA_TMP/big2.json"
	writes=$((writes + 1))
done
rss=$(rss_kb "$FA_PID")
peak=$(state_field watchBacklogPeak)
closed=$(state_field watchBacklogClosed)
[ "$closed" -ge 1 ] || fail "no watcher was cut off by the total bound (peak $peak bytes): the stalled watchers never held more than 6Mi together"
[ "$peak" -le "$max" ] || fail "the watches held $peak bytes together, over --watch-backlog-max $max"

# the healthy watchers got every event, and still get new ones
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	"$FA_URL/api/v1/namespaces/default/configmaps" -d '{"metadata":{"name":"after"}}'
writes=$((writes + 1))
for h in 1 2; do
	for _ in $(seq 1 300); do
		grep -q '"name":"after"' "$FA_TMP/healthy$h.jsonl" && break
		sleep 0.01
	done
	got=$(wc -l <"$FA_TMP/healthy$h.jsonl")
	[ "$got" -eq "$writes" ] || fail "healthy watcher $h got $got of $writes events"
	eval "pid=\$healthy$h"
	kill -0 "$pid" 2>/dev/null || fail "healthy watcher $h's stream was closed"
done
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "$FA_URL/healthz")
[ "$code" = 200 ] || fail "healthz HTTP $code under stalled watchers"
fa_stop
echo "10 stalled watchers, $writes writes of 300 KB: total backlog peak $peak bytes (bound $max), $closed cut off, RSS ${rss} kB; 2 healthy watchers got all $writes events"
