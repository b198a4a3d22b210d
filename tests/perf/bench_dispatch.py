#!/usr/bin/env python
"""Benchmark: province outbox -> relay -> Kafka -> county consumers -> county databases.

A plain script, not a test: it prints figures and never fails on timing.

    .venv/bin/python tests/perf/bench_dispatch.py [--rate 2500 --seconds 20 --json out.json]

1. End to end (e2e_load.py, figures from analysis.py): a fresh probe cluster receives a steady offered
   load of POST /dispatches; every event's latency is applied_at - created_at, read back from the county
   databases; exactly-once is checked against the province outbox.
2. Baseline on the same broker (baseline.py): raw kafka-python produce -> consume, at full speed
   (capacity) and paced at the end-to-end offered rate (latency at the same load).
3. A summary against the targets (>= 2,000 events/s sustained end to end, p99 <= 2 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kafka.record.util import crc32c_c

from hrss.testing.servers import Servers, host_port_of, reachable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))  # cluster.py and the probe service

import baseline
import e2e_load

TARGET_RATE = 2_000.0  # events/s sustained end to end
TARGET_P99 = 2.0  # seconds


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "kafka_python_crc32c": "C (crc32c package)" if crc32c_c is not None else "pure Python",
        "loadavg_start": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=2500.0, help="offered events/s (default 2500)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady load (default 20)")
    parser.add_argument("--request-size", type=int, default=250, help="events per POST (default 250)")
    parser.add_argument("--threads", type=int, default=6, help="client threads posting (default 6)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up load (default 2)")
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="max wait for the backlog (s)")
    parser.add_argument("--relay-batch", type=int, default=0, help="relay --batch-size (default: relay's own)")
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
            figures["e2e"] = e2e = e2e_load.run(args, servers, log_dir)
            envelope_size = round(e2e["envelope_bytes_avg"])
            keep = keep or not e2e["exactly_once"]["pass"]
        if not args.skip_baseline:
            figures.update(
                baseline.run(
                    servers.kafka_bootstrap,
                    envelope_size,
                    args.baseline_messages,
                    args.rate,
                    args.baseline_paced_seconds,
                )
            )
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
        args.json.write_text(json.dumps(figures, indent=2, default=str))
        print(f"figures written to {args.json}")
    return 0


# -- the report --------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f} ms"


def row(label: str, s: dict[str, float]) -> str:
    return (
        f"  {label:<34} p50 {ms(s['p50']):>10}  p95 {ms(s['p95']):>10}  p99 {ms(s['p99']):>10}  max {ms(s['max']):>10}"
    )


def report_e2e(e2e: dict[str, Any]) -> None:
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
        f"  drain            last event applied {e2e['drain_after_last_request_s']:.2f}s after the last POST returned"
    )
    print(row("latency applied_at - created_at", e2e["latency"]))
    for label, s in e2e.get("stages", {}).items():
        print(row(label, s))
    if "backlog" in e2e:
        b = e2e["backlog"]
        print(
            f"  peak backlog     outbox unsent {b['peak_outbox_unsent']:,}, "
            f"sent but not applied {b['peak_in_kafka_not_applied']:,}"
        )
    if r := e2e.get("relay"):
        print(
            f"  relay            {r['batches']} batches, {r['events_per_batch_mean']:.0f} events each "
            f"(p50 {r['events_per_batch_p50']}, max {r['events_per_batch_max']}); first send -> marked "
            f"p50 {r['first_send_to_marked_ms_p50']:.0f} ms; batch every {r['batch_interval_ms_p50']:.0f} ms (p50)"
        )
    for county, t in e2e["consumers"].items():
        if t:
            print(
                f"  consumer {county} {t['transactions']} txns, {t['events_per_txn_mean']:.0f} events each "
                f"(p50 {t['events_per_txn_p50']}, max {t['events_per_txn_max']})"
            )
    cpu, n = e2e["cpu"], max(1, e2e["events"])
    print(
        f"  CPU during load+drain ({cpu['seconds']:.1f}s; machine busy {cpu['machine_busy']:.1f} of "
        f"{cpu['machine_capacity']:.1f} CPU-s):"
    )
    pipeline = sum(v for k, v in cpu["used"].items() if k != "bench client")
    for label, used in [
        *sorted(cpu["used"].items(), key=lambda kv: -kv[1]),
        ("pipeline total (all but bench)", pipeline),
    ]:
        print(
            f"    {label:<30} {used:6.1f} CPU-s  {100 * used / cpu['seconds']:5.0f}% of a CPU  "
            f"{1e6 * used / n:6.0f} us/event"
        )
    others = cpu["machine_busy"] - sum(cpu["used"].values())
    print(
        f"    {'everything else on the machine':<30} {others:6.1f} CPU-s  "
        f"{100 * others / cpu['seconds']:5.0f}% of a CPU"
    )
    eo = e2e["exactly_once"]
    for county in e2e["consumers"]:
        x = eo[county]
        print(
            f"  exactly-once {county}: outbox {x['outbox']:,} applied {x['applied']:,} inbox {x['inbox']:,} "
            f"duplicates {x['duplicate_event_ids']} missing {x['missing']} unexpected {x['unexpected']} "
            f"-> {'PASS' if x['pass'] else 'FAIL'}"
        )
    print(f"  exactly-once: {'PASS' if eo['pass'] else 'FAIL'} (unsent left in outbox: {eo['unsent']})")
    print()


def report(f: dict[str, Any]) -> None:
    print()
    e2e, base, paced = f.get("e2e"), f.get("baseline"), f.get("baseline_paced")
    if e2e:
        report_e2e(e2e)
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
