"""Benchmark: result submission latency with 20 concurrent inspectors, beside a no-op call to the same service.

Starts the inspection service as a real `nameko run` process for county 330102 on a throwaway database and Kafka
namespace, feeds it `--visits` dispatched assignments over Kafka (two-inspector teams), then, with `--inspectors`
client threads each holding a keep-alive connection:

1. baseline: `GET /categories` (token verified, no database) — the service's own HTTP + auth floor;
2. submission: `POST /field/batches` with one entry per request (record form checked against the visit, result
   version, field submission and outbox rows written in one transaction, audit chained), each inspector
   submitting the results of its own visits.

Prints p50/p95/p99 and throughput for both, measured in the same run on the same machine.

    .venv/bin/python tests/perf/bench_inspection.py [--inspectors 20] [--visits 600] [--entries 1]

Needs the local stack (infra/local/stack up). The relay is not run: the outbox only grows, as at a county cut off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "services/inspection/tests"))

from inspection_testkit import COUNTY_A, assignment, ensure_topics, envelope, form, member, migrate, send, task  # noqa: E402

from hrss.auth import Principal, Role, SigningKey, TokenIssuer  # noqa: E402
from hrss.bus.kafka import KafkaBroker  # noqa: E402
from hrss.testing.databases import create_database, drop_database  # noqa: E402
from hrss.testing.kafka_admin import delete_namespace  # noqa: E402
from hrss.testing.processes import nameko_service, wait_until  # noqa: E402
from hrss.testing.servers import Servers  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, latencies: list[float], wall: float) -> str:
    ms = [v * 1000 for v in latencies]
    return (
        f"{label:<34} n={len(ms):>5}  p50={percentile(ms, 0.50):7.1f} ms  p95={percentile(ms, 0.95):7.1f} ms  "
        f"p99={percentile(ms, 0.99):7.1f} ms  mean={statistics.fmean(ms):7.1f} ms  "
        f"throughput={len(ms) / wall:7.1f} req/s"
    )


def hammer(jobs: list[list[Any]], call: Any) -> tuple[list[float], float]:
    """Run each thread's jobs in order, all threads at once; latencies of every call and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(jobs) + 1)
    errors: list[str] = []

    def work(mine: list[Any]) -> None:
        session = requests.Session()
        start.wait()
        for job in mine:
            t0 = time.perf_counter()
            problem = call(session, job)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=work, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} calls failed, e.g. {errors[0]}")
    return latencies, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspectors", type=int, default=20)
    parser.add_argument("--visits", type=int, default=600)
    parser.add_argument("--entries", type=int, default=1, help="entries per field batch")
    args = parser.parse_args()
    servers = Servers.from_environment()
    run = uuid.uuid4().hex[:8]
    name = f"bench_inspection_{run}"
    dsn = create_database(servers.pg_dsn, name)
    namespace = f"bench{run}"
    broker = KafkaBroker(servers.kafka_bootstrap, client_id="bench", namespace=namespace)
    key = SigningKey.generate("bench")
    issuer = TokenIssuer(key, issuer="hrss-identity", audience="hrss")
    log_dir = Path(tempfile.mkdtemp(prefix="bench-inspection-"))
    service = None
    try:
        migrate(dsn)
        ensure_topics(broker)
        env = {
            "HRSS_NODES": COUNTY_A,
            "HRSS_PG_DSN": dsn,
            "HRSS_KAFKA_BOOTSTRAP": servers.kafka_bootstrap,
            "HRSS_TOPIC_NAMESPACE": namespace,
            "HRSS_AUTH_PUBLIC_KEYS": f"{key.kid}={key.public_base64()}",
        }
        service, url = nameko_service(
            "inspection",
            "inspection.entrypoints.service:InspectionService",
            ROOT / "services/inspection/config.yaml",
            env,
            log_dir,
        )
        service.start()
        inspectors = [member(n) for n in range(args.inspectors)]
        labour = task("劳动用工专项", [("wages", "工资支付"), ("contracts", "劳动合同"), ("insurance", "社会保险")])
        dispatches = [
            assignment(n, [labour], [inspectors[n % len(inspectors)], inspectors[(n + 1) % len(inspectors)]])
            for n in range(args.visits)
        ]
        for i in range(0, len(dispatches), 200):
            send(broker, *[envelope(d, str(d.assignment_id), COUNTY_A) for d in dispatches[i : i + 200]])
        engine = sa.create_engine(dsn)

        def visits() -> int:
            with engine.connect() as c:
                return int(c.execute(sa.text("SELECT count(*) FROM inspection.visit")).scalar_one())

        wait_until(lambda: visits() == args.visits, 300, "the visits")
        tokens = {
            m.inspector_id: issuer.issue(Principal(str(m.inspector_id), m.name, COUNTY_A, frozenset({Role.INSPECTOR})))
            for m in inspectors
        }
        mine: dict[Any, list[dict[str, Any]]] = {m.inspector_id: [] for m in inspectors}
        with engine.connect() as c:
            for row in c.execute(sa.text("SELECT visit_id, tasks, team FROM inspection.visit ORDER BY uscc")):
                lead = uuid.UUID(row.team[0]["inspector_id"])
                visit = {"visit_id": str(row.visit_id), "tasks": row.tasks}
                mine[lead].append({"visit": visit, "present": [m["inspector_id"] for m in row.team]})

        def baseline(session: requests.Session, job: Any) -> str | None:
            answer = session.get(f"{url}/categories", headers={"Authorization": f"Bearer {job}"}, timeout=60)
            return None if answer.status_code == 200 else answer.text

        per_thread = [[tokens[m.inspector_id]] * len(mine[m.inspector_id]) for m in inspectors]
        base_latencies, base_wall = hammer(per_thread, baseline)

        def submit(session: requests.Session, job: Any) -> str | None:
            token, batch = job
            answer = session.post(
                f"{url}/field/batches",
                json={"entries": batch},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            if answer.status_code != 200:
                return answer.text
            refused = [a for a in answer.json()["answers"] if a["status"] != "accepted"]
            return str(refused[0]) if refused else None

        jobs = []
        for m in inspectors:
            entries = [
                {
                    "client_id": f"bench-{uuid.uuid4().hex}",
                    "visit_id": j["visit"]["visit_id"],
                    "form": form(j["visit"], j["present"]),
                }
                for j in mine[m.inspector_id]
            ]
            batches = [entries[i : i + args.entries] for i in range(0, len(entries), args.entries)]
            jobs.append([(tokens[m.inspector_id], b) for b in batches])
        sub_latencies, sub_wall = hammer(jobs, submit)
        with engine.connect() as c:
            stored = int(c.execute(sa.text("SELECT count(*) FROM inspection.result_version")).scalar_one())
        assert stored == args.visits, f"{stored} results stored for {args.visits} visits"
        print(
            f"inspection service, county {COUNTY_A}, {args.inspectors} concurrent inspectors, {args.visits} visits, "
            f"3 items each, {os.cpu_count()} CPUs (shared)"
        )
        print(report("baseline GET /categories", base_latencies, base_wall))
        print(report(f"POST /field/batches ({args.entries} entr.)", sub_latencies, sub_wall))
        if args.entries > 1:
            print(f"{'':<34} = {args.visits / sub_wall:.1f} results/s")
        return 0
    finally:
        if service is not None:
            service.stop()
        broker.close()
        delete_namespace(servers.kafka_bootstrap, namespace)
        drop_database(servers.pg_dsn, name)


if __name__ == "__main__":
    raise SystemExit(main())
