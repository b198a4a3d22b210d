"""The end-to-end run: a fresh probe cluster, a paced load of POST /dispatches, the drain, the figures.

The cluster is tests/e2e/cluster.py's ProbeCluster (province 330000, counties 330102 and 330106, one
outbox relay), each node with a new database and the topics under a new namespace, all dropped at the end.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import analysis
import requests
from cluster import HERE as E2E
from cluster import ProbeCluster

from hrss.testing.databases import create_database, drop_database
from hrss.testing.kafka_admin import delete_namespace
from hrss.testing.servers import Servers


class BenchCluster(ProbeCluster):
    """ProbeCluster whose relay gets extra command-line arguments (e.g. --batch-size)."""

    def __init__(self, *args: Any, relay_args: list[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.relay_args = relay_args

    def start(self) -> None:
        super().start()
        if self.relay_args:  # restart the relay ProbeCluster started, before any event exists
            self.relay.stop()
            self.relay.args += self.relay_args
            self.relay.start()


def drive(url: str, counties: list[str], batch: str, rate: float, seconds: float, per_request: int, threads: int):
    """POST `per_request` events every per_request/rate seconds from `threads` clients."""
    total_requests = max(1, round(rate * seconds / per_request))
    interval = per_request / rate
    claim = itertools.count()
    lock = threading.Lock()
    done: list[tuple[float, float, float, int]] = []  # (due, start, end, status), in time.time()
    errors: list[str] = []
    t0 = time.time() + 0.05

    def client() -> None:
        session = requests.Session()
        while (i := next(claim)) < total_requests:  # next() on itertools.count is atomic under the GIL
            due = t0 + i * interval
            time.sleep(max(0.0, due - time.time()))
            start = time.time()
            try:
                response = session.post(
                    url,
                    json={"count": per_request, "start": i * per_request, "counties": counties, "batch": batch},
                    timeout=120,
                )
                status = response.status_code
                if status != 201:
                    errors.append(f"{status}: {response.text[:200]}")
            except requests.RequestException as exc:
                status = 0
                errors.append(repr(exc))
            with lock:
                done.append((due, start, time.time(), status))

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ok = sum(1 for d in done if d[3] == 201)
    first, last = min(d[1] for d in done), max(d[2] for d in done)
    return {
        "requests": total_requests,
        "ok_requests": ok,
        "events_offered": ok * per_request,
        "target_rate": rate,
        "offered_rate": ok * per_request / (last - first) if last > first else math.nan,
        "last_request_end": last,
        "request_latency": analysis.summary([d[2] - d[1] for d in done]),
        "start_lateness": analysis.summary([max(0.0, d[1] - d[0]) for d in done]),
        "errors": errors[:5],
        "error_count": len(errors),
    }


def wait_all_applied(c: ProbeCluster, expected: int, timeout: float) -> tuple[int, float]:
    """(events applied at both counties, when) once they reach `expected` or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        applied = c.applied(c.COUNTY_A) + c.applied(c.COUNTY_B)
        if applied >= expected or time.monotonic() > deadline:
            return applied, time.time()
        time.sleep(0.2)


def run(args: argparse.Namespace, servers: Servers, log_dir: Path) -> dict[str, Any]:
    """Warm up, offer args.rate events/s for args.seconds, wait for the drain, and read the figures back."""
    run_id = uuid.uuid4().hex[:8]
    names = {node: f"perf_{run_id}_{node}" for node in ProbeCluster.NODES}
    namespace = f"perf{run_id}"
    relay_args = ["--batch-size", str(args.relay_batch)] if args.relay_batch else []
    cluster: BenchCluster | None = None
    try:
        cluster = c = BenchCluster(
            dsns={node: create_database(servers.pg_dsn, name) for node, name in names.items()},
            bootstrap=servers.kafka_bootstrap,
            namespace=namespace,
            log_dir=log_dir,
            pythonpath=os.pathsep.join([str(E2E), os.environ.get("PYTHONPATH", "")]),
            relay_args=relay_args,
        )
        t = time.monotonic()
        c.start()
        print(
            f"cluster up in {time.monotonic() - t:.1f}s (namespace {namespace}, relay "
            f"{' '.join(relay_args) or 'defaults'}, logs {log_dir})",
            flush=True,
        )
        url = f"{c.urls[c.PROVINCE]}/dispatches"
        counties = [c.COUNTY_A, c.COUNTY_B]

        # warm-up: topics, consumer groups, connection pools, code paths
        warm = drive(url, counties, "warmup", args.rate, args.warmup, args.request_size, args.threads)
        applied, _ = wait_all_applied(c, warm["events_offered"], 120)
        print(f"warm-up: {warm['events_offered']:,} events applied ({applied:,})", flush=True)

        print(
            f"load: {args.rate:,.0f} events/s offered for {args.seconds:.0f}s, "
            f"{args.request_size} events per request, {args.threads} client threads ...",
            flush=True,
        )
        cpu_before = analysis.cpu_snapshot(c, names)
        load = drive(url, counties, "load", args.rate, args.seconds, args.request_size, args.threads)
        total = analysis.count(c, c.PROVINCE, "SELECT count(*) FROM probe.outbox")
        applied, drained_at = wait_all_applied(c, total, args.drain_timeout)
        cpu = analysis.cpu_used(cpu_before, analysis.cpu_snapshot(c, names))
        print(
            f"offered {load['events_offered']:,} events at {load['offered_rate']:,.0f}/s "
            f"({load['error_count']} failed requests); all {applied:,}/{total:,} applied "
            f"{max(0.0, drained_at - load['last_request_end']):.1f}s after the last request",
            flush=True,
        )
        return {
            "namespace": namespace,
            "relay_args": relay_args,
            "load": load,
            "events_total_incl_warmup": total,
            **analysis.events(c, load["last_request_end"], breakdown=not args.no_breakdown),
            "exactly_once": analysis.exactly_once(c),
            "cpu": cpu,
        }
    finally:
        if cluster is not None:
            cluster.stop()
        for name in names.values():
            try:
                drop_database(servers.pg_dsn, name)
            except Exception as exc:  # report, keep cleaning
                print(f"warning: could not drop {name}: {exc}", file=sys.stderr)
        try:
            delete_namespace(servers.kafka_bootstrap, namespace)
        except Exception as exc:
            print(f"warning: could not delete namespace {namespace}: {exc}", file=sys.stderr)
