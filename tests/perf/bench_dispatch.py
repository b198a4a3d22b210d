#!/usr/bin/env python
"""Benchmark: province outbox -> relay -> Kafka -> county consumers -> county databases.

A plain script, not a test: it prints figures and never fails on timing.

    .venv/bin/python tests/perf/bench_dispatch.py [--rate 2500 --seconds 20 --json out.json]

1. End to end: a fresh ProbeCluster (tests/e2e/cluster.py: province 330000, counties 330102 and
   330106, one relay, each node its own database, a unique Kafka namespace) receives a steady
   offered load of POST /dispatches; every event's latency is applied_at - created_at, read back
   from the county databases; exactly-once is checked against the province outbox.
2. Baseline on the same broker: raw kafka-python produce -> consume with KafkaBroker's producer
   settings, a fresh 3-partition topic and one group consumer in its own process, at full speed
   (capacity) and paced at the end-to-end offered rate (latency at the same load).
3. A summary against the targets (>= 2,000 events/s sustained end to end, p99 <= 2 s).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
E2E = ROOT / "tests" / "e2e"
sys.path.insert(0, str(E2E))

import requests  # noqa: E402
from cluster import ProbeCluster  # noqa: E402
from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.record.util import crc32c_c  # noqa: E402
from sqlalchemy import text  # noqa: E402

from hrss.bus.broker import TopicSpec  # noqa: E402
from hrss.bus.kafka import KafkaBroker  # noqa: E402
from hrss.db.migrations import upgrade  # noqa: E402
from hrss.testing.databases import create_database, drop_database  # noqa: E402
from hrss.testing.kafka_admin import delete_namespace  # noqa: E402
from hrss.testing.processes import ManagedProcess, nameko_service  # noqa: E402
from hrss.testing.servers import Servers, host_port_of, reachable  # noqa: E402

PERF = Path(__file__).resolve().parent

TARGET_RATE = 2_000.0  # events/s sustained end to end
TARGET_P99 = 2.0  # seconds

# The producer KafkaBroker uses (libs/bus/src/hrss/bus/kafka.py), for the baseline.
PRODUCER_SETTINGS: dict[str, Any] = {
    "acks": "all",
    "enable_idempotence": True,
    "max_in_flight_requests_per_connection": 1,
    "linger_ms": 5,
    "batch_size": 256 * 1024,
    "compression_type": None,
    "retries": 2**31 - 1,
    "delivery_timeout_ms": 120_000,
    "max_block_ms": 10_000,
}


# -- small statistics --------------------------------------------------------------------------


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[min(rank, len(values)) - 1]


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": pct(ordered, 50),
        "p95": pct(ordered, 95),
        "p99": pct(ordered, 99),
        "max": ordered[-1] if ordered else math.nan,
    }


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f} ms"


def row(label: str, s: dict[str, float]) -> str:
    return (
        f"  {label:<34} p50 {ms(s['p50']):>10}  p95 {ms(s['p95']):>10}  p99 {ms(s['p99']):>10}  max {ms(s['max']):>10}"
    )


def peak_backlog(starts: list[float], ends: list[float]) -> int:
    """The most items in flight at once, given when each entered and left."""
    events = sorted([(t, 1) for t in starts] + [(t, -1) for t in ends])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = math.nan
    with contextlib.suppress(ValueError, OSError):
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_gb, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "kafka_python_crc32c": "C (crc32c package)" if crc32c_c is not None else "pure Python",
        "loadavg_start": os.getloadavg(),
    }


# -- load --------------------------------------------------------------------------------------


def drive(url: str, counties: list[str], batch: str, rate: float, seconds: float, per_request: int, threads: int):
    """POST `per_request` events every per_request/rate seconds from `threads` clients."""
    total_requests = max(1, round(rate * seconds / per_request))
    interval = per_request / rate
    claim = itertools.count()
    lock = threading.Lock()
    done: list[tuple[int, float, float, float, int]] = []  # (i, due, start, end, status) in time.time()
    errors: list[str] = []
    t0 = time.time() + 0.05

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                i = next(claim)
            if i >= total_requests:
                return
            due = t0 + i * interval
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
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
                done.append((i, due, start, time.time(), status))

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ok = [d for d in done if d[4] == 201]
    first = min(d[2] for d in done)
    last = max(d[3] for d in done)
    return {
        "requests": total_requests,
        "ok_requests": len(ok),
        "events_offered": len(ok) * per_request,
        "target_rate": rate,
        "offered_rate": len(ok) * per_request / (last - first) if last > first else math.nan,
        "window": (first, last),
        "request_latency": summary([d[3] - d[2] for d in done]),
        "start_lateness": summary([max(0.0, d[2] - d[1]) for d in done]),
        "errors": errors[:5],
        "error_count": len(errors),
    }


# -- where the CPU goes -------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _backends(database: str) -> list[int]:
    """PostgreSQL backend processes connected to `database` (their title names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found.append(int(entry.name))
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLK_TCK, sum(values[:8]) / CLK_TCK


def cpu_snapshot(c: ProbeCluster, databases: dict[str, str]) -> dict[str, Any]:
    """CPU seconds used so far by each part, per process id, plus the machine's."""
    groups: dict[str, list[int]] = {}
    for node, process in c.processes.items():
        if process.proc is not None:
            groups[f"probe {node} (nameko)"] = [process.proc.pid]
    if getattr(c, "relay", None) is not None and c.relay.proc is not None:
        groups["relay"] = [c.relay.proc.pid]
    for node, name in databases.items():
        groups[f"postgres backends {node}"] = _backends(name)
    kafka_pid = Path(os.environ.get("HRSS_STATE", "/var/tmp/hrss-stack")) / "kafka" / "kafka.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):
        groups["kafka broker (shared)"] = [int(kafka_pid.read_text().split()[0])]
    groups["bench client"] = [os.getpid()]
    return {
        "at": time.time(),
        "groups": {label: {pid: _proc_cpu(pid) for pid in pids} for label, pids in groups.items()},
        "machine": _machine_busy(),
    }


def cpu_used(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """CPU seconds each part used between two snapshots (processes present in both)."""
    used = {}
    for label, pids in after["groups"].items():
        earlier = before["groups"].get(label, {})
        used[label] = sum(
            (t - earlier[pid]) for pid, t in pids.items() if t is not None and earlier.get(pid) is not None
        )
    busy = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    return {"seconds": after["at"] - before["at"], "used": used, "machine_busy": busy, "machine_capacity": total}


def transactions(c: ProbeCluster, county: str) -> dict[str, Any]:
    """The county consumer's apply transactions in the load phase, told apart by now() (txn start).

    busy = last handler insert (clock_timestamp) - txn start: running the handlers;
    gap  = next txn start - last handler insert: inbox insert, COMMIT, offset commit, poll,
           decode and the duplicate check of the next batch.
    """
    with c.engines[county].connect() as connection:
        rows = connection.execute(
            text(
                "SELECT extract(epoch FROM i.applied_at)::float8, count(*), "
                "extract(epoch FROM max(a.applied_at))::float8 "
                "FROM probe.inbox i JOIN probe.applied a USING (event_id) WHERE a.batch = 'load' "
                "GROUP BY i.applied_at ORDER BY 1"
            )
        ).all()
    if not rows:
        return {}
    sizes = sorted(n for _, n, _ in rows)
    events = sum(sizes)
    busy = sum(last - start for start, _, last in rows)
    gaps = [rows[k + 1][0] - rows[k][2] for k in range(len(rows) - 1)]
    return {
        "transactions": len(rows),
        "events": events,
        "events_per_txn_mean": events / len(rows),
        "events_per_txn_p50": pct(sizes, 50),
        "events_per_txn_max": sizes[-1],
        "handler_ms_per_event": 1000 * busy / events,
        "between_txns_ms_per_txn": 1000 * sum(gaps) / len(gaps) if gaps else math.nan,
        "between_txns_ms_per_event": 1000 * sum(gaps) / events,
        "loop_events_per_s": events / (busy + sum(gaps)) if busy + sum(gaps) > 0 else math.nan,
    }


def relay_batches(c: ProbeCluster, sends: dict[str, tuple[float, int]]) -> dict[str, Any]:
    """The relay's batches in the load phase, told apart by sent_at (now() of the UPDATE txn)."""
    with c.engines[c.PROVINCE].connect() as connection:
        rows = connection.execute(
            text(
                "SELECT extract(epoch FROM o.sent_at)::float8 AS sent, o.key FROM probe.outbox o "
                "JOIN probe.dispatch d ON d.id::text = o.key WHERE d.batch = 'load' ORDER BY o.id"
            )
        ).all()
    batches: dict[float, list[str]] = {}
    for sent, key in rows:
        batches.setdefault(sent, []).append(key)
    if not batches:
        return {}
    sizes = sorted(len(v) for v in batches.values())
    ordered = sorted(batches)
    # per batch: first send() -> marked sent (publish + acks + UPDATE start)
    publish = [
        t - min(sends[k][0] for k in batches[t] if k in sends) for t in ordered if any(k in sends for k in batches[t])
    ]
    return {
        "batches": len(batches),
        "events_per_batch_mean": sum(sizes) / len(sizes),
        "events_per_batch_p50": pct(sizes, 50),
        "events_per_batch_max": sizes[-1],
        "first_send_to_marked_ms_p50": 1000 * pct(sorted(publish), 50),
        "batch_interval_ms_p50": 1000 * pct(sorted(b - a for a, b in itertools.pairwise(ordered)), 50)
        if len(ordered) > 1
        else math.nan,
    }


# -- the end-to-end run ------------------------------------------------------------------------


class BenchCluster(ProbeCluster):
    """ProbeCluster with a choice of county service (tests/perf/perf_probe.py) and relay options."""

    def __init__(self, *args: Any, target: str, extra_env: dict[str, str], relay_args: list[str], **kw: Any):
        super().__init__(*args, **kw)
        self.target = target
        self.extra_env = extra_env
        self.relay_args = relay_args

    def env(self, node: str) -> dict[str, str]:
        return {**super().env(node), **self.extra_env}

    def start(self) -> None:
        # ProbeCluster.start, with the service target and the relay's arguments chosen
        for node in self.NODES:
            upgrade(E2E / "probe" / "migrations", self.dsns[node], "probe")
            process, url = nameko_service(
                f"probe-{node}", self.target, E2E / "probe" / "config.yaml", self.env(node), self.log_dir
            )
            self.processes[node], self.urls[node] = process, url
            process.start()
        self.relay = ManagedProcess(
            "relay-330000",
            [sys.executable, "-m", "hrss.bus.relay", "--service", "probe", *self.relay_args],
            self.env(self.PROVINCE),
            self.log_dir,
        ).start()


def wait_all_applied(c: ProbeCluster, expected: int, timeout: float) -> tuple[int, float]:
    deadline = time.monotonic() + timeout
    while True:
        applied = c.applied(c.COUNTY_A) + c.applied(c.COUNTY_B)
        if applied >= expected or time.monotonic() > deadline:
            return applied, time.time()
        time.sleep(0.2)


def read_send_times(c: ProbeCluster, topic: str) -> dict[str, tuple[float, int]]:
    """Dispatch id (the record key) -> (producer timestamp in s, partition), from the county topic."""
    consumer = KafkaConsumer(bootstrap_servers=c.bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    name = c.cluster_topic(topic)
    partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
    found: dict[str, tuple[float, int]] = {}
    if partitions:
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        for record in consumer:
            if record.key is not None:
                found[record.key.decode()] = (record.timestamp / 1000.0, record.partition)
    consumer.close()
    return found


def exactly_once(c: ProbeCluster) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for county in (c.COUNTY_A, c.COUNTY_B):
        expected = c.column(c.PROVINCE, "SELECT event_id FROM probe.outbox WHERE topic = :t", t=c.topic(county))
        dispatched = c.column(c.PROVINCE, "SELECT id FROM probe.dispatch WHERE county = :c", c=county)
        applied = c.column(county, "SELECT event_id FROM probe.applied")
        applied_dispatches = c.column(county, "SELECT dispatch_id FROM probe.applied")
        inbox = int(c.scalar(county, "SELECT count(*) FROM probe.inbox"))  # type: ignore[arg-type]
        duplicates = len(applied) - len(set(applied))
        checks = {
            "outbox": len(expected),
            "applied": len(applied),
            "inbox": inbox,
            "duplicate_event_ids": duplicates,
            "missing": len(set(expected) - set(applied)),
            "unexpected": len(set(applied) - set(expected)),
            "dispatches_match": set(dispatched) == set(applied_dispatches),
        }
        checks["pass"] = (
            len(applied) == len(expected) == inbox
            and duplicates == 0
            and checks["missing"] == 0
            and checks["unexpected"] == 0
            and checks["dispatches_match"]
        )
        report[county] = checks
    report["unsent"] = int(c.scalar(c.PROVINCE, "SELECT count(*) FROM probe.outbox WHERE sent_at IS NULL"))  # type: ignore[arg-type]
    report["pass"] = all(report[k]["pass"] for k in (c.COUNTY_A, c.COUNTY_B)) and report["unsent"] == 0
    return report


def end_to_end(args: argparse.Namespace, servers: Servers, log_dir: Path) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    names = {node: f"perf_{run}_{node}" for node in ProbeCluster.NODES}
    namespace = f"perf{run}"
    dsns: dict[str, str] = {}
    result: dict[str, Any] = {"namespace": namespace}
    relay_args = ["--batch-size", str(args.relay_batch)] if args.relay_batch else []
    extra_env = {}
    if args.consumer_batch:
        extra_env["PERF_CONSUMER_BATCH"] = str(args.consumer_batch)
    if args.batch_handler:
        extra_env["PERF_BATCH_HANDLER"] = "1"
    if args.parallel_partitions:
        extra_env["PERF_PARALLEL_PARTITIONS"] = "1"
    target = "perf_probe:PerfProbeService" if extra_env else "probe.service:ProbeService"
    result["service"] = {"target": target, "env": extra_env, "relay_args": relay_args}
    print(f"service {target} {extra_env or ''} relay {relay_args or 'defaults'}", flush=True)
    cluster: BenchCluster | None = None
    try:
        dsns = {node: create_database(servers.pg_dsn, name) for node, name in names.items()}
        cluster = BenchCluster(
            dsns=dsns,
            bootstrap=servers.kafka_bootstrap,
            namespace=namespace,
            log_dir=log_dir,
            pythonpath=os.pathsep.join([str(E2E), str(PERF), os.environ.get("PYTHONPATH", "")]),
            target=target,
            extra_env=extra_env,
            relay_args=relay_args,
        )
        c = cluster
        t = time.monotonic()
        c.start()
        print(f"cluster up in {time.monotonic() - t:.1f}s (namespace {namespace}, logs {log_dir})", flush=True)
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
        cpu_before = cpu_snapshot(c, names)
        load = drive(url, counties, "load", args.rate, args.seconds, args.request_size, args.threads)
        total = int(c.scalar(c.PROVINCE, "SELECT count(*) FROM probe.outbox"))  # type: ignore[arg-type]
        applied, drained_at = wait_all_applied(c, total, args.drain_timeout)
        cpu = cpu_used(cpu_before, cpu_snapshot(c, names))
        load_end = load["window"][1]
        print(
            f"offered {load['events_offered']:,} events at {load['offered_rate']:,.0f}/s "
            f"({load['error_count']} failed requests); all {applied:,}/{total:,} applied "
            f"{max(0.0, drained_at - load_end):.1f}s after the last request",
            flush=True,
        )

        # what happened to each event of the load phase
        created: dict[str, float] = {}
        applied_at: dict[str, float] = {}
        for county in counties:
            with c.engines[county].connect() as connection:
                for dispatch_id, cr, ap in connection.execute(
                    text(
                        "SELECT dispatch_id::text, extract(epoch FROM created_at)::float8, "
                        "extract(epoch FROM applied_at)::float8 FROM probe.applied WHERE batch = 'load'"
                    )
                ):
                    created[dispatch_id] = cr
                    applied_at[dispatch_id] = ap
        with c.engines[c.PROVINCE].connect() as connection:
            outbox_rows = connection.execute(
                text(
                    "SELECT o.key, extract(epoch FROM o.created_at)::float8, extract(epoch FROM o.sent_at)::float8 "
                    "FROM probe.outbox o JOIN probe.dispatch d ON d.id::text = o.key WHERE d.batch = 'load'"
                )
            ).all()
            envelope = connection.execute(
                text("SELECT avg(length(value))::float8, max(length(value)) FROM probe.outbox")
            ).one()
        committed = {k: cr for k, cr, _ in outbox_rows}
        marked = {k: s for k, _, s in outbox_rows if s is not None}

        ids = list(applied_at)
        latency = [applied_at[i] - created[i] for i in ids]
        first_created = min(created.values()) if created else math.nan
        last_created = max(created.values()) if created else math.nan
        last_applied = max(applied_at.values()) if applied_at else math.nan
        overall = len(ids) / (last_applied - first_created) if ids else math.nan
        # steady window: while the load was offered, after the first 10% (ramp-up)
        w0 = first_created + 0.1 * (last_created - first_created)
        w1 = last_created
        in_window = sum(1 for i in ids if w0 <= applied_at[i] <= w1)
        steady = in_window / (w1 - w0) if w1 > w0 else math.nan
        per_second = Counter(int(applied_at[i] - w0) for i in ids if w0 <= applied_at[i] < w1)
        full_seconds = [per_second.get(s, 0) for s in range(int(w1 - w0))]

        breakdown: dict[str, Any] = {}
        if not args.no_breakdown:
            sends: dict[str, tuple[float, int]] = {}
            for county in counties:
                sends.update(read_send_times(c, c.topic(county)))
            joined = [i for i in ids if i in sends]
            breakdown = {
                "created->outbox commit (txn start)": summary(
                    [committed[i] - created[i] for i in joined if i in committed]
                ),
                "created->relay send (Kafka CreateTime)": summary([sends[i][0] - created[i] for i in joined]),
                "relay send->outbox marked sent": summary([marked[i] - sends[i][0] for i in joined if i in marked]),
                "relay send->applied at county": summary([applied_at[i] - sends[i][0] for i in joined]),
            }
            breakdown_backlog = {
                "peak_outbox_unsent": peak_backlog(
                    [committed[i] for i in joined if i in committed], [sends[i][0] for i in joined if i in committed]
                ),
                "peak_in_kafka_not_applied": peak_backlog(
                    [sends[i][0] for i in joined], [applied_at[i] for i in joined]
                ),
                "records_read_back": len(sends),
            }
            breakdown = {"stages": breakdown, "backlog": breakdown_backlog, "relay": relay_batches(c, sends)}
        breakdown["consumers"] = {county: transactions(c, county) for county in counties}

        result.update(
            {
                "load": {k: v for k, v in load.items() if k != "window"},
                "events": len(ids),
                "events_total_incl_warmup": total,
                "throughput_overall": overall,
                "throughput_steady": steady,
                "steady_window_s": w1 - w0,
                "applied_per_second_in_window": {
                    "min": min(full_seconds) if full_seconds else math.nan,
                    "median": sorted(full_seconds)[len(full_seconds) // 2] if full_seconds else math.nan,
                    "max": max(full_seconds) if full_seconds else math.nan,
                },
                "drain_after_last_request_s": max(0.0, last_applied - load_end) if ids else math.nan,
                "latency": summary(latency),
                "envelope_bytes_avg": envelope[0],
                "envelope_bytes_max": envelope[1],
                "breakdown": breakdown,
                "exactly_once": exactly_once(c),
                "cpu": cpu,
            }
        )
        return result
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


# -- the baseline ------------------------------------------------------------------------------


def _baseline_consumer(bootstrap: str, topic: str, group: str, n: int, timeout: float, ready, out) -> None:  # type: ignore[no-untyped-def]
    """In its own process: read `n` records as a group member, committing after each poll."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
        isolation_level="read_committed",
    )
    consumer.subscribe([topic])
    deadline = time.monotonic() + 30
    while not consumer.assignment() and time.monotonic() < deadline:
        consumer.poll(timeout_ms=100)
    ready.set()
    latencies: list[float] = []
    first = last = math.nan
    deadline = time.monotonic() + timeout
    while len(latencies) < n and time.monotonic() < deadline:
        polled = consumer.poll(timeout_ms=500, max_records=500)
        now = time.time()
        for records in polled.values():
            for record in records:
                latencies.append(now - int(record.value[:20]) / 1e9)
        if polled:
            consumer.commit()
            if math.isnan(first):
                first = now
            last = now
    consumer.close()
    out.put({"received": len(latencies), "first": first, "last": last, "latencies": latencies})


def baseline(bootstrap: str, namespace: str, n: int, size: int, rate: float | None, label: str) -> dict[str, Any]:
    """Produce `n` records (paced at `rate`/s, else as fast as possible) while one consumer reads them."""
    local = f"baseline-{label}-{uuid.uuid4().hex[:6]}"
    broker = KafkaBroker(bootstrap, client_id="perf-baseline", namespace=namespace, partitions=3)
    broker.ensure_topics([TopicSpec(local)])
    topic = broker.name(local)
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Event(), ctx.Queue()
    reader = ctx.Process(
        target=_baseline_consumer, args=(bootstrap, topic, f"{topic}.group", n, 120.0, ready, out), daemon=True
    )
    reader.start()
    ready.wait(60)
    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id="perf-baseline", **PRODUCER_SETTINGS)
    pad = b"x" * max(0, size - 20)
    headers = [("event_type", b"probe.dispatched"), ("schema_version", b"1"), ("trace_id", uuid.uuid4().hex.encode())]
    chunk = 250
    interval = chunk / rate if rate else 0.0
    t0 = time.time()
    for i in range(n):
        if rate and i % chunk == 0:
            delay = t0 + (i // chunk) * interval - time.time()
            if delay > 0:
                time.sleep(delay)
        producer.send(topic, key=str(uuid.uuid4()).encode(), value=b"%020d" % time.time_ns() + pad, headers=headers)
    producer.flush()
    produced_at = time.time()
    producer.close()
    got = out.get(timeout=180)
    reader.join(10)
    broker.close()
    lat = got.pop("latencies")
    elapsed = got["last"] - t0
    return {
        "label": label,
        "messages": n,
        "received": got["received"],
        "message_bytes": size,
        "paced_rate": rate,
        "produce_rate": n / (produced_at - t0),
        "throughput": got["received"] / elapsed if elapsed > 0 else math.nan,
        "latency": summary(lat),
    }


# -- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=2500.0, help="offered events/s (default 2500)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady load (default 20)")
    parser.add_argument("--request-size", type=int, default=250, help="events per POST (default 250)")
    parser.add_argument("--threads", type=int, default=6, help="client threads posting (default 6)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up load (default 2)")
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="max wait for the backlog (s)")
    parser.add_argument("--relay-batch", type=int, default=0, help="relay --batch-size (default: relay's own)")
    parser.add_argument("--consumer-batch", type=int, default=0, help="experiment: consumer batch_size")
    parser.add_argument("--batch-handler", action="store_true", help="experiment: one INSERT per batch")
    parser.add_argument("--parallel-partitions", action="store_true", help="experiment: apply partitions concurrently")
    parser.add_argument("--baseline-messages", type=int, default=50_000, help="full-speed baseline size")
    parser.add_argument("--baseline-paced-seconds", type=float, default=5.0, help="paced baseline length (0: skip)")
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--no-breakdown", action="store_true", help="skip reading topics back for stage latencies")
    parser.add_argument("--keep-logs", action="store_true", help="keep the service logs (kept anyway on error)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    servers = Servers.from_environment()
    for what, address in (("PostgreSQL", host_port_of(servers.pg_dsn)), ("Kafka", servers.kafka_bootstrap)):
        if not reachable(address):
            print(f"{what} is not reachable at {address}: start the stack (infra/local/stack up)", file=sys.stderr)
            return 2

    figures: dict[str, Any] = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}}
    m = figures["machine"]
    print(
        f"machine: {m['cpus']} CPU {m['cpu_model']}, {m['memory_gb']} GB, load average "
        f"{m['loadavg_start'][0]:.2f}; kafka-python CRC32C: {m['kafka_python_crc32c']}"
    )
    log_dir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    keep = args.keep_logs
    started = time.monotonic()
    try:
        envelope_size = 640
        if not args.skip_e2e:
            e2e = end_to_end(args, servers, log_dir)
            figures["e2e"] = e2e
            envelope_size = round(e2e["envelope_bytes_avg"])
            keep = keep or not e2e["exactly_once"]["pass"]
        if not args.skip_baseline:
            namespace = f"perfbase{uuid.uuid4().hex[:8]}"
            try:
                figures["baseline"] = baseline(
                    servers.kafka_bootstrap, namespace, args.baseline_messages, envelope_size, None, "full"
                )
                if args.baseline_paced_seconds > 0:
                    figures["baseline_paced"] = baseline(
                        servers.kafka_bootstrap,
                        namespace,
                        int(args.rate * args.baseline_paced_seconds),
                        envelope_size,
                        args.rate,
                        "paced",
                    )
            finally:
                delete_namespace(servers.kafka_bootstrap, namespace)
    except BaseException:
        keep = True
        raise
    finally:
        if keep:
            print(f"service logs kept in {log_dir}")
        else:
            shutil.rmtree(log_dir, ignore_errors=True)
    figures["machine"]["loadavg_end"] = os.getloadavg()
    figures["wall_seconds"] = time.monotonic() - started
    report(figures)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, default=str, allow_nan=True))
        print(f"figures written to {args.json}")
    return 0


def report(f: dict[str, Any]) -> None:
    print()
    e2e, base, paced = f.get("e2e"), f.get("baseline"), f.get("baseline_paced")
    if e2e:
        load = e2e["load"]
        print("== 1. end to end: outbox -> relay -> Kafka -> county consumer -> county database")
        print(
            f"  offered          {load['events_offered']:,} events, target {load['target_rate']:,.0f}/s, "
            f"achieved {load['offered_rate']:,.0f}/s ({load['ok_requests']}/{load['requests']} requests ok)"
        )
        print(row("POST /dispatches duration", load["request_latency"]))
        print(row("POST start behind schedule", load["start_lateness"]))
        print(f"  envelope         {e2e['envelope_bytes_avg']:.0f} bytes on average (max {e2e['envelope_bytes_max']})")
        print(f"  events applied   {e2e['events']:,} (load phase; {e2e['events_total_incl_warmup']:,} with warm-up)")
        print(
            f"  throughput       {e2e['throughput_overall']:,.0f} events/s  "
            "(applied / (last applied_at - first created_at))"
        )
        aps = e2e["applied_per_second_in_window"]
        print(
            f"  steady window    {e2e['throughput_steady']:,.0f} events/s over {e2e['steady_window_s']:.1f}s "
            f"(per second: min {aps['min']:,} median {aps['median']:,} max {aps['max']:,})"
        )
        print(
            f"  drain            last event applied {e2e['drain_after_last_request_s']:.2f}s "
            "after the last POST returned"
        )
        print(row("latency applied_at - created_at", e2e["latency"]))
        if e2e["breakdown"]:
            for label, s in e2e["breakdown"]["stages"].items():
                print(row(label, s))
            b = e2e["breakdown"]["backlog"]
            print(
                f"  peak backlog     outbox unsent {b['peak_outbox_unsent']:,}, "
                f"sent but not applied {b['peak_in_kafka_not_applied']:,}"
            )
            r = e2e["breakdown"].get("relay")
            if r:
                print(
                    f"  relay            {r['batches']} batches, {r['events_per_batch_mean']:.0f} events each "
                    f"(p50 {r['events_per_batch_p50']}, max {r['events_per_batch_max']}); first send -> marked "
                    f"p50 {r['first_send_to_marked_ms_p50']:.0f} ms; "
                    f"batch every {r['batch_interval_ms_p50']:.0f} ms (p50)"
                )
        parallel = "PERF_PARALLEL_PARTITIONS" in e2e["service"]["env"]
        for county, t in e2e["breakdown"].get("consumers", {}).items():
            if t:
                print(
                    f"  consumer {county} {t['transactions']} txns, {t['events_per_txn_mean']:.0f} events each "
                    f"(p50 {t['events_per_txn_p50']}, max {t['events_per_txn_max']})"
                )
                if not parallel:  # the serial model below does not hold when transactions overlap
                    print(
                        f"    handlers {t['handler_ms_per_event']:.2f} ms/event; between txns "
                        f"{t['between_txns_ms_per_txn']:.0f} ms/txn = {t['between_txns_ms_per_event']:.2f} ms/event; "
                        f"loop {t['loop_events_per_s']:,.0f} events/s (its capacity while it has a backlog)"
                    )
        cpu = e2e["cpu"]
        n = max(1, e2e["events"])
        print(
            f"  CPU during load+drain ({cpu['seconds']:.1f}s; machine busy {cpu['machine_busy']:.1f} of "
            f"{cpu['machine_capacity']:.1f} CPU-s):"
        )
        for label, used in sorted(cpu["used"].items(), key=lambda kv: -kv[1]):
            print(
                f"    {label:<30} {used:6.1f} CPU-s  {100 * used / cpu['seconds']:5.0f}% of a CPU  "
                f"{1e6 * used / n:6.0f} us/event"
            )
        pipeline = sum(v for k, v in cpu["used"].items() if k != "bench client")
        print(
            f"    {'pipeline total (all but bench)':<30} {pipeline:6.1f} CPU-s  "
            f"{100 * pipeline / cpu['seconds']:5.0f}% of a CPU  {1e6 * pipeline / n:6.0f} us/event"
        )
        others = cpu["machine_busy"] - sum(cpu["used"].values())
        print(
            f"    {'everything else on the machine':<30} {others:6.1f} CPU-s  "
            f"{100 * others / cpu['seconds']:5.0f}% of a CPU"
        )
        eo = e2e["exactly_once"]
        for county in (ProbeCluster.COUNTY_A, ProbeCluster.COUNTY_B):
            x = eo[county]
            print(
                f"  exactly-once {county}: outbox {x['outbox']:,} applied {x['applied']:,} inbox {x['inbox']:,} "
                f"duplicates {x['duplicate_event_ids']} missing {x['missing']} unexpected {x['unexpected']} "
                f"-> {'PASS' if x['pass'] else 'FAIL'}"
            )
        print(f"  exactly-once: {'PASS' if eo['pass'] else 'FAIL'} (unsent left in outbox: {eo['unsent']})")
        print()
    for b, title in ((base, "full speed"), (paced, "paced")):
        if b:
            print(f"== 2. baseline, raw kafka-python produce -> consume ({title}, 3 partitions, 1 group consumer)")
            rate = f"paced at {b['paced_rate']:,.0f}/s" if b["paced_rate"] else "as fast as possible"
            print(
                f"  {b['received']:,}/{b['messages']:,} messages of {b['message_bytes']} bytes, {rate}: "
                f"produce {b['produce_rate']:,.0f} msgs/s, end to end {b['throughput']:,.0f} msgs/s"
            )
            print(row("latency receive - send", b["latency"]))
            print()
    print("== 3. summary")
    print(f"  {'':28}{'events|msgs/s':>16}{'p99':>12}")
    if e2e:
        print(f"  {'end to end (steady window)':28}{e2e['throughput_steady']:>16,.0f}{ms(e2e['latency']['p99']):>12}")
        print(f"  {'end to end (overall)':28}{e2e['throughput_overall']:>16,.0f}{'':>12}")
    if base:
        print(f"  {'Kafka baseline, full speed':28}{base['throughput']:>16,.0f}{ms(base['latency']['p99']):>12}")
    if paced:
        print(f"  {'Kafka baseline, paced':28}{paced['throughput']:>16,.0f}{ms(paced['latency']['p99']):>12}")
    verdict: dict[str, Any] = {}
    if e2e and base:
        verdict["throughput_ratio_e2e_over_baseline"] = e2e["throughput_steady"] / base["throughput"]
        print(f"  ratio e2e / baseline throughput: {verdict['throughput_ratio_e2e_over_baseline']:.2f}")
    if e2e and paced:
        verdict["p99_ratio_e2e_over_paced_baseline"] = e2e["latency"]["p99"] / paced["latency"]["p99"]
        print(f"  ratio e2e / paced baseline p99:  {verdict['p99_ratio_e2e_over_paced_baseline']:.1f}")
    if e2e:
        rate_met = e2e["throughput_steady"] >= TARGET_RATE and e2e["throughput_overall"] >= TARGET_RATE
        p99_met = e2e["latency"]["p99"] <= TARGET_P99
        verdict.update({"rate_met": rate_met, "p99_met": p99_met, "exactly_once": e2e["exactly_once"]["pass"]})
        offered_note = "" if e2e["load"]["offered_rate"] >= TARGET_RATE else " (offered load itself below target!)"
        print(f"  target >= {TARGET_RATE:,.0f} events/s sustained: {'MET' if rate_met else 'NOT MET'}{offered_note}")
        print(f"  target p99 <= {TARGET_P99:.0f} s:                {'MET' if p99_met else 'NOT MET'}")
        print(f"  exactly-once:                      {'PASS' if verdict['exactly_once'] else 'FAIL'}")
    f["verdict"] = verdict
    m = f["machine"]
    print(
        f"  machine: {m['cpus']} CPU {m['cpu_model']}, load average {m['loadavg_start'][0]:.2f} -> "
        f"{m['loadavg_end'][0]:.2f}; wall {f['wall_seconds']:.0f}s"
    )


if __name__ == "__main__":
    sys.exit(main())
