"""Benchmark: entity queries by region subtree + tag over a registry of N entities (default 1,000,000).

Loads a deterministic province (the demo generator, through the real import) into a throwaway database, then
times the API's own read path (`registry.views.entities`: region prefix, tag containment, keyset page of 50)
for random cities and counties and tags, and, in the same run on the same rows, the same queries with index
scans disabled (what the query costs without the registry's indexes). Prints p50/p95/p99 beside each other.

    .venv/bin/python tests/perf/bench_registry_query.py [--rows 1000000] [--queries 400]

Needs the local stack (infra/local/stack up). Target: p95 ≤ 50 ms at 1,000,000 entities.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = "410000"
TAGS = ("劳务派遣单位", "建筑施工企业", "农民工集中用工", "人力资源服务机构", "参保企业", "民办培训机构")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--baseline-queries", type=int, default=40)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "infra/local"))  # the demo data generator is a run-script tool, not the service's
    import registry_demo as demo
    from registry import views
    from registry.bootstrap import Components
    from registry.domain.entities import ENTITY_FIELDS
    from registry.domain.regions import RegionTable, subtree_prefix
    from registry.entrypoints.imports import import_entities

    from hrss.auth import Principal, Role
    from hrss.auth.secrets import AesGcmSecretCipher
    from hrss.db import make_engine
    from hrss.db.migrations import upgrade
    from hrss.testing.databases import create_database, drop_database
    from hrss.testing.servers import Servers
    from hrss.workdays import default_calendar

    admin_dsn = Servers.from_environment().pg_dsn
    name = f"bench_query_{uuid.uuid4().hex[:8]}"
    dsn = create_database(admin_dsn, name)
    regions = RegionTable.load()
    principal = Principal(str(uuid.uuid4()), "基准", PROVINCE, frozenset({Role.PROVINCE_ADMIN}))
    try:
        upgrade(ROOT / "services/registry/migrations", dsn, "registry")
        engine = make_engine(dsn, schema="registry", pool_size=2)
        components = Components(
            regions=regions,
            calendar=default_calendar(),
            cipher=AesGcmSecretCipher.parse("k=" + base64.b64encode(os.urandom(32)).decode(), "个人信息", "X"),
        )
        with tempfile.TemporaryDirectory() as folder:
            csv_path = Path(folder) / "entities.csv"
            started = time.perf_counter()
            demo.write_csv(csv_path, demo.generate_entities(PROVINCE, args.rows, seed=7), ENTITY_FIELDS)
            print(f"generated {args.rows:,} entities in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            started = time.perf_counter()
            report = import_entities(engine, csv_path, components=components, principal=principal, nodes=(PROVINCE,))
            loaded = time.perf_counter() - started
            print(
                f"imported {report.created:,} in {loaded:.1f} s ({report.created / loaded:,.0f} rows/s)",
                file=sys.stderr,
            )
        with engine.connect() as connection:
            connection.execute(text("ANALYZE registry.entity_current"))
            connection.commit()

        places = [r.code for r in regions.subtree(PROVINCE) if r.code != PROVINCE]
        rnd = random.Random(1)
        cases = [(rnd.choice(places), rnd.choice(TAGS)) for _ in range(args.queries)]

        def run(session: Session, batch: list[tuple[str, str]]) -> tuple[list[float], int]:
            timings, found = [], 0
            for region, tag in batch:
                t0 = time.perf_counter()
                page = views.entities(session, principal, MultiDict({"region": region, "tag": tag}), regions)
                timings.append((time.perf_counter() - t0) * 1000)
                found += len(page["items"])
            return timings, found

        with Session(engine) as session:
            run(session, cases[:20])  # warm the cache the way a running service has it
            indexed, found = run(session, cases)
            session.execute(text("SET enable_indexscan = off; SET enable_bitmapscan = off"))
            baseline, _ = run(session, cases[: args.baseline_queries])
            plan_region, plan_tag = cases[0]
            session.execute(text("RESET enable_indexscan; RESET enable_bitmapscan"))
            plan = session.execute(
                text(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM registry.entity_current WHERE region_code LIKE :p "
                    "AND tags @> ARRAY[:t] ORDER BY id LIMIT 51"
                ),
                {"p": subtree_prefix(plan_region) + "%", "t": plan_tag},
            ).all()
        engine.dispose()
    finally:
        drop_database(admin_dsn, name)

    print(f"\nregistry query benchmark: {args.rows:,} entities, region subtree + tag, page of 50")
    print(f"{'path':<44}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'mean':>9}")
    for label, timings in (
        ("registry read path (indexes)", indexed),
        ("same queries, index scans disabled (baseline)", baseline),
    ):
        print(
            f"{label:<44}{len(timings):>8}{percentile(timings, 0.5):>9.1f}{percentile(timings, 0.95):>9.1f}"
            f"{percentile(timings, 0.99):>9.1f}{statistics.fmean(timings):>9.1f}"
        )
    print(
        f"rows returned by the indexed queries: {found:,}; target p95 ≤ 50 ms: "
        f"{'MET' if percentile(indexed, 0.95) <= 50 else 'MISSED'}"
    )
    print("plan of one query:\n  " + "\n  ".join(row[0] for row in plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
