#!/usr/bin/python3
"""A foreign elector for leaselab's live harness: the Python Kubernetes
client's own leader election (Debian's python3-kubernetes 22.6,
kubernetes.leaderelection with its ConfigMapLock), driven from the command
line so that it can campaign next to bin/elector against bin/fake-apiserver
or a real cluster.

    python_elector.py --kubeconfig K --namespace NS --name NAME --id ID \\
        --lease-duration S --renew-deadline S --retry-period S

Durations are seconds, decimals allowed. The library itself refuses a
retry period, renew deadline or lease duration below 1 s, and requires
lease duration > renew deadline > 1.2 x retry period; its message is
printed and the exit status is 3.

stdout, one flushed line per event, nothing else:
    <ID> started leading
    <ID> stopped leading
    <ID> new leader <holder>
The library's own logging goes to stderr. SIGTERM or SIGINT exits 0 at once
(the library has no release: the lock stays until it expires).

What the library does, as read in 22.6 (and what a harness should expect):
- No OnNewLeader: "new leader" is reported here whenever the holder the
  library observes changes (a subclass looks at observed_record after each
  attempt; the election logic is the library's, untouched).
- Records are written in the annotation as strings: leaseDurationSeconds
  "4", times str(datetime.fromtimestamp(t)): local time, no zone, a space
  ("2026-11-23 19:20:19.872660"), no leaderTransitions
  (tests/fixtures/records/python-22.6-configmap-*.json).
- No HTTP timeout and no jitter; the renew deadline is only checked between
  attempts. After leadership is lost run() returns; this program then
  campaigns again with a new LeaderElection, as bin/elector does.
"""

import argparse
import os
import signal
import sys
import threading


def say(identity, text):
    sys.stdout.write("%s %s\n" % (identity, text))
    sys.stdout.flush()


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected seconds, e.g. 2 or 1.5, not %r" % text)
    if value != value or value <= 0:
        raise argparse.ArgumentTypeError("expected seconds greater than zero, not %r" % text)
    # Whole values stay ints so the record reads leaseDurationSeconds "4",
    # as the library writes it for its own examples, not "4.0".
    return int(value) if value == int(value) else value


class Parser(argparse.ArgumentParser):
    def error(self, message):  # bad input exits 3, as every leaselab tool
        self.print_usage(sys.stderr)
        sys.stderr.write("python_elector.py: %s\n" % message)
        sys.exit(3)


def parse_args(argv):
    p = Parser(
        prog="python_elector.py",
        description="Leader election with the Python Kubernetes client's ConfigMapLock.")
    p.add_argument("--kubeconfig", required=True, help="kubeconfig file")
    p.add_argument("--namespace", default="default", help="namespace of the ConfigMap")
    p.add_argument("--name", required=True, help="name of the ConfigMap used as the lock")
    p.add_argument("--id", required=True, help="this candidate's identity")
    p.add_argument("--lease-duration", type=seconds, default=15, help="seconds (default 15)")
    p.add_argument("--renew-deadline", type=seconds, default=10, help="seconds (default 10)")
    p.add_argument("--retry-period", type=seconds, default=2, help="seconds (default 2)")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        from kubernetes import config as kconfig
        from kubernetes.leaderelection import electionconfig, leaderelection
        from kubernetes.leaderelection.resourcelock.configmaplock import ConfigMapLock
    except ImportError as e:
        sys.stderr.write("python_elector.py: the kubernetes module is missing (%s); "
                         "apt-get install python3-kubernetes\n" % e)
        return 3

    def stop(signum, frame):
        sys.stdout.flush()
        os._exit(0)  # the library's leader thread is not a daemon thread

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    try:
        kconfig.load_kube_config(config_file=args.kubeconfig)
    except Exception as e:  # the client raises several kinds
        sys.stderr.write("python_elector.py: --kubeconfig %s: %s\n" % (args.kubeconfig, e))
        return 3

    identity = args.id
    reported = [None]  # across campaigns: one line per change of holder

    class ReportingElection(leaderelection.LeaderElection):
        """The library's election; reports changes of the observed holder."""

        def try_acquire_or_renew(self):
            ok = super().try_acquire_or_renew()
            rec = self.observed_record
            holder = rec.holder_identity if rec is not None else None
            if holder is not None and holder != reported[0]:
                reported[0] = holder
                say(identity, "new leader %s" % holder)
            return ok

    def started():
        say(identity, "started leading")

    def stopped():
        say(identity, "stopped leading")

    # Config calls sys.exit(message) on a bad value: report it as bad input.
    try:
        while True:
            lock = ConfigMapLock(args.name, args.namespace, identity)
            cfg = electionconfig.Config(lock, args.lease_duration, args.renew_deadline,
                                        args.retry_period, started, stopped)
            ReportingElection(cfg).run()
    except SystemExit as e:
        if isinstance(e.code, str):
            sys.stderr.write("python_elector.py: invalid timing: %s (--lease-duration=%s "
                             "--renew-deadline=%s --retry-period=%s)\n"
                             % (e.code, args.lease_duration, args.renew_deadline,
                                args.retry_period))
            return 3
        raise
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "main"
    sys.exit(main(sys.argv[1:]))
