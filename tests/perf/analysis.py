"""Figures of a finished end-to-end run: latency, stages, batches, CPU and exactly-once.

Everything is read back afterwards from the node databases, the county topics and /proc, so measuring
adds no work to the pipeline while it runs.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cluster import ProbeCluster
from sqlalchemy import text

# -- small statistics ---------------------------------------------------------------------------


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


def peak_backlog(starts: list[float], ends: list[float]) -> int:
    """The most items in flight at once, given when each entered and left."""
    level = peak = 0
    for _, step in sorted([(t, 1) for t in starts] + [(t, -1) for t in ends]):
        level += step
        peak = max(peak, level)
    return peak


# -- where the CPU goes (/proc) -----------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


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
    """CPU seconds used so far by each part of the pipeline, per process id, and by the machine."""
    groups: dict[str, list[int]] = {}
    for node, process in c.processes.items():
        if process.proc is not None:
            groups[f"probe {node} (nameko)"] = [process.proc.pid]
    if c.relay.proc is not None:
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
        used[label] = sum(t - earlier[pid] for pid, t in pids.items() if t is not None and earlier.get(pid) is not None)
    return {
        "seconds": after["at"] - before["at"],
        "used": used,
        "machine_busy": after["machine"][0] - before["machine"][0],
        "machine_capacity": after["machine"][1] - before["machine"][1],
    }


# -- what happened to the events of the load phase ----------------------------------------------


def _rows(c: ProbeCluster, node: str, sql: str) -> list[Any]:
    with c.engines[node].connect() as connection:
        return list(connection.execute(text(sql)).all())


def count(c: ProbeCluster, node: str, sql: str) -> int:
    """The first column of the first row of a `SELECT count(*) ...`."""
    return int(_rows(c, node, sql)[0][0])


def events(c: ProbeCluster, load_end: float, breakdown: bool) -> dict[str, Any]:
    """Throughput, latency and (with `breakdown`) where the time went, for the events of batch 'load'."""
    created: dict[str, float] = {}
    applied_at: dict[str, float] = {}
    for county in (c.COUNTY_A, c.COUNTY_B):
        for dispatch_id, cr, ap in _rows(
            c,
            county,
            "SELECT dispatch_id::text, extract(epoch FROM created_at)::float8, "
            "extract(epoch FROM applied_at)::float8 FROM probe.applied WHERE batch = 'load'",
        ):
            created[dispatch_id], applied_at[dispatch_id] = cr, ap
    ids = list(applied_at)
    if not ids:
        raise RuntimeError("no event of the load phase was applied")
    first_created, last_created = min(created.values()), max(created.values())
    last_applied = max(applied_at.values())
    # the steady window: while the load was offered, after its first 10 % (ramp-up)
    w0, w1 = first_created + 0.1 * (last_created - first_created), last_created
    per_second = Counter(int(applied_at[i] - w0) for i in ids if w0 <= applied_at[i] < w1)
    full_seconds = sorted(per_second.get(s, 0) for s in range(int(w1 - w0)))
    envelope = _rows(c, c.PROVINCE, "SELECT avg(length(value))::float8, max(length(value)) FROM probe.outbox")[0]
    figures: dict[str, Any] = {
        "events": len(ids),
        "throughput_overall": len(ids) / (last_applied - first_created),
        "throughput_steady": sum(1 for i in ids if w0 <= applied_at[i] <= w1) / (w1 - w0) if w1 > w0 else math.nan,
        "steady_window_s": w1 - w0,
        "applied_per_second_in_window": {
            "min": full_seconds[0] if full_seconds else math.nan,
            "median": full_seconds[len(full_seconds) // 2] if full_seconds else math.nan,
            "max": full_seconds[-1] if full_seconds else math.nan,
        },
        "drain_after_last_request_s": max(0.0, last_applied - load_end),
        "latency": summary([applied_at[i] - created[i] for i in ids]),
        "envelope_bytes_avg": envelope[0],
        "envelope_bytes_max": envelope[1],
        "consumers": {county: consumer_transactions(c, county) for county in (c.COUNTY_A, c.COUNTY_B)},
    }
    if breakdown:
        figures.update(_stages(c, created, applied_at))
    return figures


def _stages(c: ProbeCluster, created: dict[str, float], applied_at: dict[str, float]) -> dict[str, Any]:
    """Each event split at the relay's send() (the record's CreateTime) and at the outbox's sent_at."""
    outbox = _rows(
        c,
        c.PROVINCE,
        "SELECT o.key, extract(epoch FROM o.created_at)::float8, extract(epoch FROM o.sent_at)::float8 "
        "FROM probe.outbox o JOIN probe.dispatch d ON d.id::text = o.key WHERE d.batch = 'load'",
    )
    committed = {key: cr for key, cr, _ in outbox}
    marked = {key: sent for key, _, sent in outbox if sent is not None}
    sends = {
        record.key.decode(): record.timestamp / 1000.0
        for county in (c.COUNTY_A, c.COUNTY_B)
        for record in c.read_topic(c.topic(county))
        if record.key is not None
    }
    ids = [i for i in applied_at if i in sends]
    in_outbox = [i for i in ids if i in committed]
    return {
        "stages": {
            "created->outbox commit (txn start)": summary([committed[i] - created[i] for i in in_outbox]),
            "created->relay send (Kafka CreateTime)": summary([sends[i] - created[i] for i in ids]),
            "relay send->outbox marked sent": summary([marked[i] - sends[i] for i in ids if i in marked]),
            "relay send->applied at county": summary([applied_at[i] - sends[i] for i in ids]),
        },
        "backlog": {
            "peak_outbox_unsent": peak_backlog([committed[i] for i in in_outbox], [sends[i] for i in in_outbox]),
            "peak_in_kafka_not_applied": peak_backlog([sends[i] for i in ids], [applied_at[i] for i in ids]),
            "records_read_back": len(sends),
        },
        "relay": relay_batches(c, sends),
    }


def relay_batches(c: ProbeCluster, sends: dict[str, float]) -> dict[str, Any]:
    """The relay's batches in the load phase, told apart by sent_at (now() of the marking transaction)."""
    batches: dict[float, list[str]] = {}
    for sent, key in _rows(
        c,
        c.PROVINCE,
        "SELECT extract(epoch FROM o.sent_at)::float8, o.key FROM probe.outbox o "
        "JOIN probe.dispatch d ON d.id::text = o.key WHERE d.batch = 'load' ORDER BY o.id",
    ):
        batches.setdefault(sent, []).append(key)
    if not batches:
        return {}
    sizes = sorted(len(keys) for keys in batches.values())
    marked = sorted(batches)
    # per batch: its first send() -> marked sent (publishing, the acks and the UPDATE's start)
    publish = sorted(
        t - min(sends[k] for k in batches[t] if k in sends) for t in marked if set(batches[t]) & sends.keys()
    )
    return {
        "batches": len(batches),
        "events_per_batch_mean": sum(sizes) / len(sizes),
        "events_per_batch_p50": pct(sizes, 50),
        "events_per_batch_max": sizes[-1],
        "first_send_to_marked_ms_p50": 1000 * pct(publish, 50),
        "batch_interval_ms_p50": 1000 * pct(sorted(b - a for a, b in itertools.pairwise(marked)), 50),
    }


def consumer_transactions(c: ProbeCluster, county: str) -> dict[str, Any]:
    """A county's apply transactions in the load phase, told apart by inbox.applied_at (now(), txn start).

    The partitions of a poll are applied concurrently, so transactions overlap: only their sizes are
    shown, not a serial split of the consumer's time.
    """
    sizes = sorted(
        n
        for (n,) in _rows(
            c,
            county,
            "SELECT count(*) FROM probe.inbox i JOIN probe.applied a USING (event_id) "
            "WHERE a.batch = 'load' GROUP BY i.applied_at",
        )
    )
    if not sizes:
        return {}
    return {
        "transactions": len(sizes),
        "events_per_txn_mean": sum(sizes) / len(sizes),
        "events_per_txn_p50": pct(sizes, 50),
        "events_per_txn_max": sizes[-1],
    }


def exactly_once(c: ProbeCluster) -> dict[str, Any]:
    """Per county: applied = inbox = outbox rows of its topic, no duplicates, same dispatches; none unsent."""
    report: dict[str, Any] = {}
    for county in (c.COUNTY_A, c.COUNTY_B):
        expected = c.column(c.PROVINCE, "SELECT event_id FROM probe.outbox WHERE topic = :t", t=c.topic(county))
        dispatched = c.column(c.PROVINCE, "SELECT id FROM probe.dispatch WHERE county = :c", c=county)
        applied = c.column(county, "SELECT event_id FROM probe.applied")
        applied_dispatches = c.column(county, "SELECT dispatch_id FROM probe.applied")
        inbox = count(c, county, "SELECT count(*) FROM probe.inbox")
        checks = {
            "outbox": len(expected),
            "applied": len(applied),
            "inbox": inbox,
            "duplicate_event_ids": len(applied) - len(set(applied)),
            "missing": len(set(expected) - set(applied)),
            "unexpected": len(set(applied) - set(expected)),
            "dispatches_match": set(dispatched) == set(applied_dispatches),
        }
        checks["pass"] = (
            len(applied) == len(expected) == inbox
            and checks["duplicate_event_ids"] == checks["missing"] == checks["unexpected"] == 0
            and checks["dispatches_match"]
        )
        report[county] = checks
    report["unsent"] = count(c, c.PROVINCE, "SELECT count(*) FROM probe.outbox WHERE sent_at IS NULL")
    report["pass"] = report[c.COUNTY_A]["pass"] and report[c.COUNTY_B]["pass"] and report["unsent"] == 0
    return report
