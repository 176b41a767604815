#!/usr/bin/env python3
"""Churn load and its check for tests/live/test_fa_crash_churn.sh.

  fa_churn.py load HOST:PORT LOG [--threads 4] [--cycle N]
      each thread creates ConfigMaps, updates them (CAS on resourceVersion)
      and deletes every other one, until killed or the server goes away; every
      acknowledged write is appended to LOG as one JSON line (flushed before
      the next request): {"op","name","uid","rv","value","cycle"}
  fa_churn.py check HOST:PORT LOG
      after a restart: every acknowledged write must have survived (created:
      exists with its uid unless an acknowledged delete followed; updated:
      value at least the acknowledged one; deleted: gone), resourceVersions
      acknowledged within a cycle rise per thread and every cycle's are above
      all earlier cycles', and no uid was handed out twice, across restarts.
Exit 0 when the check holds, 1 with the first violation otherwise.
"""
import http.client
import json
import sys
import threading

NS = "/api/v1/namespaces/churn/configmaps"


def conn(addr):
    host, port = addr.rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=5)


def call(c, method, path, body=None):
    data = json.dumps(body) if body is not None else None
    c.request(method, path, body=data, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, json.loads(r.read() or b"{}")


def load(addr, log, threads, cycle):
    lock = threading.Lock()
    out = open(log, "a")

    def record(rec):
        with lock:
            out.write(json.dumps(rec) + "\n")
            out.flush()

    def worker(t):
        c = conn(addr)
        n = 0
        try:
            while True:
                n += 1
                name = "c%d-t%d-%d" % (cycle, t, n)
                st, o = call(c, "POST", NS, {"metadata": {"name": name}, "data": {"v": "0"}})
                if st != 201:
                    continue
                m = o["metadata"]
                record({"op": "create", "name": name, "uid": m["uid"], "rv": int(m["resourceVersion"]),
                        "value": 0, "cycle": cycle, "t": t})
                rv = m["resourceVersion"]
                for v in (1, 2):
                    st, o = call(c, "PUT", NS + "/" + name,
                                 {"metadata": {"name": name, "resourceVersion": rv}, "data": {"v": str(v)}})
                    if st != 200:
                        break
                    rv = o["metadata"]["resourceVersion"]
                    record({"op": "update", "name": name, "uid": m["uid"], "rv": int(rv), "value": v,
                            "cycle": cycle, "t": t})
                if n % 2 == 0:
                    st, o = call(c, "DELETE", NS + "/" + name)
                    if st == 200:
                        record({"op": "delete", "name": name, "uid": m["uid"], "cycle": cycle, "t": t})
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server went away: kill -9

    ts = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    return 0


def check(addr, log):
    recs = [json.loads(line) for line in open(log) if line.strip()]
    c = conn(addr)
    st, lst = call(c, "GET", NS)
    if st != 200:
        print("list: HTTP %d" % st)
        return 1
    live = {i["metadata"]["name"]: i for i in lst.get("items", [])}
    state = {}
    uids = {}
    last_rv = {}
    cycle_max = {}
    for r in recs:
        name, uid = r["name"], r["uid"]
        if r["op"] == "create":
            if uid in uids and uids[uid] != name:
                print("uid %s handed out twice: %s and %s" % (uid, uids[uid], name))
                return 1
            uids[uid] = name
        if "rv" in r:
            key = (r["cycle"], r["t"])
            if r["rv"] <= last_rv.get(key, 0):
                print("resourceVersion %d acknowledged after %d (cycle %d, thread %d)" %
                      (r["rv"], last_rv[key], r["cycle"], r["t"]))
                return 1
            last_rv[key] = r["rv"]
            earlier = max([v for k, v in cycle_max.items() if k < r["cycle"]], default=0)
            if r["rv"] <= earlier:
                print("cycle %d acknowledged resourceVersion %d, not above earlier cycles' %d" %
                      (r["cycle"], r["rv"], earlier))
                return 1
            cycle_max[r["cycle"]] = max(cycle_max.get(r["cycle"], 0), r["rv"])
        state[name] = r
    # the write in flight when the server died may have committed without
    # its answer: after a thread's last acknowledged write of a cycle, the
    # delete that was to follow may have happened
    last_of_thread = {}
    for i, r in enumerate(recs):
        last_of_thread[(r["cycle"], r["t"])] = i
    last_idx = {recs[i]["name"] for i in last_of_thread.values()}
    for name, r in state.items():
        obj = live.get(name)
        if (obj is None and name in last_idx and r["op"] == "update" and r["value"] == 2
                and int(name.rsplit("-", 1)[1]) % 2 == 0):
            continue
        if r["op"] == "delete":
            if obj is not None and obj["metadata"]["uid"] == r["uid"]:
                print("%s: deleted (acknowledged) but still there" % name)
                return 1
            continue
        if obj is None:
            print("%s: acknowledged %s (value %d) lost" % (name, r["op"], r["value"]))
            return 1
        if obj["metadata"]["uid"] != r["uid"]:
            print("%s: uid %s, acknowledged %s" % (name, obj["metadata"]["uid"], r["uid"]))
            return 1
        v = int(obj.get("data", {}).get("v", "-1"))
        if v < r["value"]:
            print("%s: value %d, acknowledged %d" % (name, v, r["value"]))
            return 1
    print("%d acknowledged writes, %d uids, all there" % (len(recs), len(uids)))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "load":
        threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 4
        cycle = int(argv[argv.index("--cycle") + 1]) if "--cycle" in argv else 0
        return load(argv[2], argv[3], threads, cycle)
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    print(__doc__)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
