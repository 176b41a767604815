#!/usr/bin/env python3
"""Mixed abuse against bin/fake-apiserver, and what a well-behaved client sees.

  python3 bench/fa_abuse.py [--seconds 120] [--bin bin/fake-apiserver]

For the whole run, at once: 64 idle connections, 16 clients sending a
request one byte a second, 6 clients streaming 63 MB bodies, 16 watchers
that never read while a writer commits a 20 KB ConfigMap every 100 ms (the
store keeps every committed write in its history: 24 MB over 2 minutes), and
one well-behaved client GETting a Lease every 10 ms on a keep-alive
connection. Every abuser reconnects when cut off. Prints the good client's
GET latency (p50, p99, max), its errors, the server's peak RSS and CPU, and
the guard's work as the server logs it. Issue 14's bar: p99 < 20 ms, RSS <
100 MB. A benchmark: it prints figures, it does not pass or fail.
"""
import http.client
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time

LEASE = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
CMS = "/api/v1/namespaces/default/configmaps"


def until(deadline):
    return time.time() < deadline


def idle(port, deadline):
    socks = []
    while until(deadline):
        while len(socks) < 4:
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        alive = []
        for s in socks:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                continue
            alive.append(s)
        socks = alive


def slow(port, deadline):
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"p" * 200 + b"\r\n\r\n"
    while until(deadline):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            for ch in req:
                if not until(deadline):
                    break
                s.sendall(bytes([ch]))
                time.sleep(1)
        except OSError:
            time.sleep(0.1)


def huge(port, deadline):
    chunk = b" " * 65536
    while until(deadline):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST " + CMS.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 63000000\r\n\r\n")
            sent = 0
            while sent < 63000000 and until(deadline):
                s.sendall(chunk)
                sent += len(chunk)
            s.close()
        except OSError:
            time.sleep(0.05)


def stalled_watch(port, deadline):
    socks = []
    while until(deadline):
        while len(socks) < 4:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(b"GET " + CMS.encode() + b"?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
                socks.append(s)
            except OSError:
                time.sleep(0.1)
        time.sleep(1)
        alive = []
        for s in socks:
            try:
                s.send(b"")  # never read; a reset shows up on send
                alive.append(s)
            except OSError:
                s.close()
        socks = alive


def writer(port, deadline):
    body = json.dumps({"metadata": {"name": "big"}, "data": {"k": "x" * 20000}})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST", CMS, body=body, headers={"Content-Type": "application/json"})
    c.getresponse().read()
    i = 0
    while until(deadline):
        i += 1
        patch = json.dumps({"metadata": {"labels": {"i": str(i)}}})
        try:
            c.request("PATCH", CMS + "/big", body=patch,
                      headers={"Content-Type": "application/merge-patch+json"})
            c.getresponse().read()
        except (OSError, http.client.HTTPException):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        time.sleep(0.1)


def good(port, deadline, q):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("POST", LEASE, body=json.dumps({"metadata": {"name": "good"}}),
              headers={"Content-Type": "application/json"})
    c.getresponse().read()
    lat, errors = [], 0
    while until(deadline):
        t0 = time.perf_counter()
        try:
            c.request("GET", LEASE + "/good")
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        lat.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.01)
    q.put((lat, errors))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().split()
    return (int(v[13]) + int(v[14])) / os.sysconf("SC_CLK_TCK")


def main():
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 120
    binary = sys.argv[sys.argv.index("--bin") + 1] if "--bin" in sys.argv else "bin/fake-apiserver"
    err = open("/tmp/fa_abuse.%d.err" % os.getpid(), "w+")
    srv = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--request-timeout", "10s"],
                           stdout=subprocess.PIPE, stderr=err, text=True)
    line = srv.stdout.readline()
    port = int(line.rsplit(":", 1)[1])
    deadline = time.time() + seconds
    q = mp.Queue()
    procs = [mp.Process(target=good, args=(port, deadline, q))]
    procs += [mp.Process(target=idle, args=(port, deadline)) for _ in range(16)]       # 64 idle
    procs += [mp.Process(target=slow, args=(port, deadline)) for _ in range(16)]
    procs += [mp.Process(target=huge, args=(port, deadline)) for _ in range(6)]
    procs += [mp.Process(target=stalled_watch, args=(port, deadline)) for _ in range(4)]  # 16
    procs += [mp.Process(target=writer, args=(port, deadline))]
    for p in procs:
        p.start()
    peak = 0
    cpu0 = cpu_s(srv.pid)
    while time.time() < deadline:
        peak = max(peak, rss_kb(srv.pid))
        time.sleep(0.5)
    lat, errors = q.get(timeout=30)
    for p in procs:
        p.join(timeout=15)
        if p.is_alive():
            p.terminate()
    cpu = cpu_s(srv.pid) - cpu0
    srv.terminate()
    srv.wait(timeout=10)
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]
    print("duration_s=%.0f good_gets=%d errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
          "server_rss_peak_mb=%.1f server_cpu_s=%.1f" %
          (seconds, len(lat), errors, pct(0.5), pct(0.99), lat[-1], peak / 1024, cpu))
    err.seek(0)
    lines = err.read().splitlines()
    print("server stderr: %d lines%s" % (len(lines), (": " + lines[-1]) if len(lines) > 1 else ""))


if __name__ == "__main__":
    main()
