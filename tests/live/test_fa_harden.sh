#!/usr/bin/env bash
# Issue 14 on real processes: bin/fake-apiserver refuses to start
# half-protected, one server per --state-file, a torn journal is reported,
# and no client can make the server (or the elector's --http) spin, hog
# memory or hold connections forever: idle connections past the descriptor
# limit, a 1-byte-a-second request, an absurd Content-Length, watchers that
# stop reading, an 800 MB POST to the status endpoint.
source "$(dirname "$0")/fa_lib.sh"
command -v python3 >/dev/null || fail "python3 is needed for the abuse clients"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# expect_refusal "TEXT" FLAGS...: exit 3, TEXT on stderr. A server that
# starts instead of refusing is stopped after 5 s (exit 124: a failure).
expect_refusal() {
	local want=$1
	shift
	timeout 5 "$FA_BIN" --listen 127.0.0.1:0 "$@" >"$FA_TMP/r.out" 2>"$FA_TMP/r.err"
	local rc=$?
	[ "$rc" -eq 3 ] || fail "fake-apiserver $*: exit $rc, want 3 ($(cat "$FA_TMP/r.err"))"
	grep -qF -- "$want" "$FA_TMP/r.err" || fail "fake-apiserver $*: want \"$want\" in: $(cat "$FA_TMP/r.err")"
}
printf 'tok,alice\n' >"$FA_TMP/tokens"
printf 'alice get leases default\n' >"$FA_TMP/policy"
expect_refusal "--policy needs --tokens or --client-ca" --policy "$FA_TMP/policy" --admin-token a
expect_refusal "need --admin-token" --tokens "$FA_TMP/tokens"
expect_refusal "need --admin-token" --tokens "$FA_TMP/tokens" --policy "$FA_TMP/policy"

# ---- one server per journal; a torn tail is reported ---------------------------
state="$FA_TMP/state.jsonl"
fa_start first --state-file "$state"
first_pid=$FA_PID
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	"$FA_URL/apis/coordination.k8s.io/v1/namespaces/default/leases" -d '{"metadata":{"name":"a"}}'
expect_refusal "is in use by another fake-apiserver (pid $first_pid holds" --state-file "$state"
fa_stop
printf '{"resource":"leases","deleted":false,"obj' >>"$state"
fa_start torn --state-file "$state"
grep -q "W $state: dropped a torn last line of 41 bytes" "$FA_TMP/torn.err" ||
	fail "the torn tail was not reported: $(cat "$FA_TMP/torn.err")"
fa_stop

# ---- idle connections past the descriptor limit ---------------------------------
: >"$FA_TMP/fd.err"
# --max-connections above the descriptor limit: the guard now frees the idle
# connections it sheds at once, so under its own cap (limit - 64) accept() would
# never fail; this section is about the descriptor limit itself biting.
(ulimit -n 256 && exec "$FA_BIN" --listen 127.0.0.1:0 --max-connections 1024 >"$FA_TMP/fd.out" 2>"$FA_TMP/fd.err") &
FA_PID=$!
FA_PIDS+=("$FA_PID")
for _ in $(seq 1 300); do [ -s "$FA_TMP/fd.out" ] && break; sleep 0.01; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$FA_TMP/fd.out")
python3 - "$port" <<'EOF' &
import socket, sys, time
socks = []
for _ in range(300):
    try:
        socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2))
    except OSError:
        pass
time.sleep(4)
EOF
idle_pid=$!
FA_PIDS+=("$idle_pid")
sleep 1.5
t0=$(cpu_ticks "$FA_PID")
sleep 2
t1=$(cpu_ticks "$FA_PID")
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
[ "$code" = 200 ] || fail "a good client got HTTP $code while 300 idle connections sat on 256 descriptors"
[ $((t1 - t0)) -le 20 ] || fail "the server burnt $((t1 - t0)) ticks in 2 s with idle connections (spinning)"
lines=$(wc -l <"$FA_TMP/fd.err")
[ "$lines" -le 4 ] || fail "$lines lines on stderr: $(head -n 5 "$FA_TMP/fd.err")"
grep -q "Too many open files" "$FA_TMP/fd.err" || fail "accept() failing was not reported"
wait "$idle_pid"
fa_stop

# ---- slow, absurd and stalled clients ------------------------------------------------
fa_start abuse --idle-timeout 2s --request-timeout 2s
python3 - "$FA_ADDR" <<'EOF' || fail "a slow client was not cut off"
import socket, sys, time
host, port = sys.argv[1].split(":")
# one byte a second: closed once the request timeout passes
s = socket.create_connection((host, int(port)))
t0 = time.time()
closed = False
for ch in b"GET /healthz HTTP/1.1\r\nHost: x\r\n":
    try:
        s.sendall(bytes([ch]))
        s.settimeout(1.0)
        if s.recv(1) == b"":
            closed = True
            break
    except socket.timeout:
        continue
    except OSError:
        closed = True
        break
took = time.time() - t0
assert closed and took < 5, "slow request still open after %.1fs" % took
print("slow request closed after %.1fs" % took)
EOF
fa_stop

# An absurd Content-Length on a starved CPU: evhttp discards the body (a
# lingering 413) until the request timeout, then the guard closes the
# connection through evhttp with an RST. It used to shutdown() the socket
# and leave the close to evhttp's next read: a socket shut for reading no
# longer opens its receive window, so a flooding client stalled on a full
# window hung until its next zero-window probe, 6 s and more when the
# server was starved. Starved here on purpose: the server, the client and
# three busy loops share one CPU; five floods, each cut off within 3 s of
# a 1 s request timeout (before the fix, about half of them hung).
fa_start flood --request-timeout 1s
cpu=$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//; s/[-,].*//')
pin=()
if [ -n "$cpu" ]; then
	pin=(taskset -c "$cpu")
	taskset -pc "$cpu" "$FA_PID" >/dev/null || fail "cannot pin the server to CPU $cpu"
	for _ in 1 2 3; do
		"${pin[@]}" sh -c 'while :; do :; done' &
		FA_PIDS+=("$!")
	done
fi
"${pin[@]}" python3 - "$FA_ADDR" <<'EOF' || fail "an absurd Content-Length flood was not cut off"
import socket, sys, time
host, port = sys.argv[1].split(":")
def flood():
    s = socket.create_connection((host, int(port)))
    s.sendall(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n")
    t0 = time.time()
    s.settimeout(4)
    junk = b"x" * 65536
    try:
        while time.time() - t0 < 5:
            s.sendall(junk)
    except OSError:
        pass
    s.close()
    return time.time() - t0
took = [flood() for _ in range(5)]
assert max(took) < 3, "absurd Content-Length still open after %s s" % ", ".join("%.1f" % t for t in took)
print("absurd Content-Length closed after %s s (starved CPU)" % ", ".join("%.1f" % t for t in took))
EOF
if [ -n "$cpu" ]; then
	for p in "${FA_PIDS[@]: -3}"; do kill "$p" 2>/dev/null; done
fi
fa_stop
fa_start abuse --idle-timeout 2s --request-timeout 2s

# watchers that stop reading while big objects are written: memory stays bounded
python3 - "$FA_ADDR" <<'EOF' &
import socket, sys, time
host, port = sys.argv[1].split(":")
socks = []
for _ in range(16):
    s = socket.create_connection((host, int(port)))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
time.sleep(8)
EOF
watch_pid=$!
FA_PIDS+=("$watch_pid")
sleep 0.5
big=$(python3 -c 'import json; print(json.dumps({"metadata":{"name":"big"},"data":{"k":"x"*900000}}))')
printf '%s' "$big" >"$FA_TMP/big.json"
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	"$FA_URL/api/v1/namespaces/default/configmaps" --data-binary @"$FA_TMP/big.json"
for i in $(seq 1 40); do
	sed "s/\"big\"}/\"big\",\"labels\":{\"i\":\"$i\"}}/" "$FA_TMP/big.json" >"$FA_TMP/big2.json"
	curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' \
		"$FA_URL/api/v1/namespaces/default/configmaps/big" --data-binary @"$FA_TMP/big2.json"
done
rss=$(rss_kb "$FA_PID")
[ "$rss" -lt 150000 ] || fail "RSS ${rss} kB with 16 stalled watchers and 36 MB of events"
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "$FA_URL/healthz")
[ "$code" = 200 ] || fail "healthz HTTP $code under stalled watchers"
wait "$watch_pid"
fa_stop
echo "stalled watchers: RSS ${rss} kB"

# ---- the elector's status endpoint -----------------------------------------------------
fa_start forelector
fa_kubeconfig "$FA_TMP/kc.yaml" "$FA_URL"
bin/elector --election=harden --id=h1 --http=127.0.0.1:0 --kubeconfig="$FA_TMP/kc.yaml" \
	>"$FA_TMP/el.out" 2>"$FA_TMP/el.err" &
el_pid=$!
FA_PIDS+=("$el_pid")
for _ in $(seq 1 500); do grep -qs 'metrics on http://' "$FA_TMP/el.err" && break; sleep 0.01; done
eport=$(grep -o 'metrics on http://[0-9.]*:[0-9]*' "$FA_TMP/el.err" | head -n 1 | sed 's/.*://')
[ -n "$eport" ] || fail "the elector did not start its status server: $(cat "$FA_TMP/el.err")"
code=$(head -c 800000000 /dev/zero | curl -s -m 20 -o /dev/null -w '%{http_code}' -X POST \
	--data-binary @- "http://127.0.0.1:$eport/" || true)
[ "$code" = 413 ] || fail "an 800 MB POST to the status endpoint got HTTP $code, want 413"
erss=$(rss_kb "$el_pid")
[ "$erss" -lt 60000 ] || fail "the elector holds ${erss} kB after an 800 MB POST"
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$eport/healthz")
[ "$code" = 200 ] || fail "status /healthz HTTP $code after the big POST"
kill -TERM "$el_pid"
wait "$el_pid" 2>/dev/null
fa_stop
echo "refusals, journal lock, torn tail, descriptor exhaustion, slow/absurd/stalled clients and the status endpoint checked (elector RSS ${erss} kB)"
