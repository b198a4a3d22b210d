#!/usr/bin/env python
"""Benchmark: bulk import of the entity registry from CSV, beside a naive per-row ORM insert in the same run.

A plain script, not a test: it prints figures and never fails on timing.

    .venv/bin/python tests/perf/bench_registry_import.py [--rows 1000000 --naive-rows 20000 --chunk-size 20000]

1. Writes a deterministic CSV of `--rows` valid entities (real county codes of 410000, valid USCCs, Chinese names).
2. Creates a fresh database (dropped at the end), migrates the registry schema, runs the real import
   (`registry.entrypoints.imports.import_entities`) and prints rows/s; then re-imports the same file
   (every row unchanged).
3. The naive way into a second fresh database: one SQLAlchemy ORM object per row (declarative classes over the
   same `entity_current` / `entity_version` tables), `session.add` + `commit` per row, for `--naive-rows` rows.
4. Prints the table: rows/s of each, the ratio, peak RSS, against the targets (>= 20,000 rows/s, >= 10x naive).
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import csv
import os
import platform
import pstats
import resource
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from registry.adapters import orm
from registry.bootstrap import Components
from registry.domain.entities import ENTITY_FIELDS, try_parse_entity
from registry.domain.regions import RegionTable
from registry.entrypoints.imports import import_entities
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session

from hrss.auth import Principal, Role
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts.uscc import ALPHABET, uscc_with_check
from hrss.db.migrations import upgrade
from hrss.testing.databases import create_database, drop_database
from hrss.testing.servers import Servers
from hrss.workdays import default_calendar

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "services/registry/migrations"
TARGET_RATE = 20_000.0
TARGET_RATIO = 10.0

_SURNAMES = "郑洛开封平顶新乡焦作许昌漯河南阳商丘信阳周口驻马店安阳鹤壁濮阳三门峡济源"
_WORDS = ("科技", "建筑", "劳务", "物流", "餐饮", "纺织", "机械", "电子", "食品", "物业", "家政", "商贸")
_KINDS = ("有限公司", "股份有限公司", "合作社", "个体工商户", "有限责任公司")
_INDUSTRIES = ("制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "交通运输业", "居民服务业")
_TAGS = ("重点行业", "劳务派遣", "农民工集中", "在建工程", "新业态", "")


def entity_rows(n: int) -> Iterator[list[str]]:
    """The CSV header (Chinese labels), then `n` rows, deterministically."""
    counties = [r.code for r in RegionTable.load().counties_of("410000")]
    yield [ENTITY_FIELDS[f] for f in ENTITY_FIELDS]
    for i in range(n):
        region = counties[i % len(counties)]
        serial = []
        k = i
        for _ in range(9):
            k, digit = divmod(k, 31)
            serial.append(ALPHABET[digit])
        uscc = uscc_with_check("91" + region + "".join(reversed(serial)))
        name = f"{_SURNAMES[i % 19 : i % 19 + 2]}{_WORDS[i % 12]}{i}{_KINDS[i % 5]}"
        yield (
            [
                uscc,
                name,
                "企业" if i % 7 else "个体经济组织",
                region,
                _INDUSTRIES[i % 6],
                f"河南省某市某路{i % 9999}号",
                "存续",
                ";".join(t for t in (_TAGS[i % 6], _TAGS[(i // 6) % 6]) if t),
                "ABCD"[i % 4] if i % 3 else "",
                str(i % 5),
                "是" if i % 50 == 0 else "否",
                f"20{20 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 4 else "",
            ]
        )


def write_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(entity_rows(n))


def components() -> Components:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    return Components(RegionTable.load(), default_calendar(), AesGcmSecretCipher.parse("k1=" + key, "个人信息", "X"))


def principal() -> Principal:
    return Principal(str(uuid.uuid4()), "基准测试", "410000", frozenset({Role.PROVINCE_ADMIN}))


class Base(DeclarativeBase):
    pass


class NaiveCurrent(Base):
    __table__ = orm.entity_current


class NaiveVersion(Base):
    __table__ = orm.entity_version


def naive_import(engine, path: Path, limit: int, comps: Components, who: Principal) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """The way one would write it first: csv.DictReader, parse, one ORM object pair and one commit per row."""
    labels = {label: field for field, label in ENTITY_FIELDS.items()}
    n = 0
    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as f, Session(engine) as session:
        for raw in csv.DictReader(f):
            if n >= limit:
                break
            state, _ = try_parse_entity({labels[k]: v for k, v in raw.items()}, comps.regions)
            if state is None:
                continue
            digest = state.content_hash()
            now = datetime.now(UTC)
            existing = session.scalars(select(NaiveCurrent).where(NaiveCurrent.uscc == state.uscc)).first()  # type: ignore[attr-defined]
            if existing is not None and existing.content_hash == digest:
                continue
            entity_id = str(uuid.uuid4())
            values = {**state.to_json(), "tags": list(state.tags), "last_inspected": state.last_inspected}
            session.add(NaiveCurrent(id=entity_id, version=1, **values, content_hash=digest, updated_at=now))
            session.add(
                NaiveVersion(
                    entity_id=entity_id,
                    version=1,
                    **values,
                    source="import",
                    changed_by=who.account_id,
                    known_at=now,
                    applied_at=now,
                    late=False,
                    content_hash=digest,
                )
            )
            session.commit()
            n += 1
    return n, time.perf_counter() - started


def fresh(admin: str, label: str) -> tuple[str, str]:
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    dsn = create_database(admin, name)
    upgrade(MIGRATIONS, dsn, "registry")
    return name, dsn


def count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the real import into FILE and print the top 25")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()

    admin = os.environ.get("HRSS_PG_DSN") or Servers.from_environment().pg_dsn
    comps, who = components(), principal()
    print(f"# {platform.node()} · {os.cpu_count()} CPU · Python {platform.python_version()} · {date.today()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entities.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows)
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        dbs: list[str] = []
        try:
            name, dsn = fresh(admin, "import")
            dbs.append(name)
            engine = create_engine(make_url(dsn).set(drivername="postgresql+psycopg2"))

            def show(report) -> None:  # type: ignore[no-untyped-def]
                rate = report.rows / report.seconds if report.seconds else 0
                print(f"\r  {report.rows:>10,} rows  {rate:>8,.0f} rows/s", end="", file=sys.stderr, flush=True)

            options = {"components": comps, "principal": who, "nodes": ("410000",), "chunk_size": args.chunk_size}
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            first = import_entities(engine, path, progress=show, **options)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            print(file=sys.stderr)
            again = import_entities(engine, path, progress=show, **options)
            print(file=sys.stderr)
            versions, outbox = count(engine, orm.entity_version), count(engine, orm.outbox)
            engine.dispose()
            naive_n, naive_s = 0, 0.0
            if not args.skip_naive:
                name, dsn = fresh(admin, "naive")
                dbs.append(name)
                naive_engine = create_engine(make_url(dsn).set(drivername="postgresql+psycopg2"))
                naive_n, naive_s = naive_import(naive_engine, path, args.naive_rows, comps, who)
                naive_engine.dispose()
        finally:
            for name in dbs:
                drop_database(admin, name)

    rate = first.rows / first.seconds
    rate_again = again.rows / again.seconds
    naive_rate = naive_n / naive_s if naive_s else 0.0
    ratio = rate / naive_rate if naive_rate else float("nan")
    rows = [
        ("import (new registry)", f"{first.rows:,}", f"{first.seconds:.1f}", f"{rate:,.0f}"),
        ("re-import (all unchanged)", f"{again.rows:,}", f"{again.seconds:.1f}", f"{rate_again:,.0f}"),
        ("naive ORM, commit per row", f"{naive_n:,}", f"{naive_s:.1f}", f"{naive_rate:,.0f}"),
    ]
    print()
    print("| run | rows | seconds | rows/s |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"created {first.created:,}, rejected {first.rejected:,}")
    print(f"after re-import: {versions:,} versions, {outbox:,} outbox rows")
    print(f"re-import: created {again.created:,}, changed {again.changed:,}, unchanged {again.unchanged:,}")
    print(f"import / naive: {ratio:.1f}x   peak RSS: {peak_rss_mb():,.0f} MB")
    ok_rate, ok_ratio = rate >= TARGET_RATE, ratio >= TARGET_RATIO
    verdict = {True: "MET", False: "MISSED"}
    print(
        f"target >= {TARGET_RATE:,.0f} rows/s: {verdict[ok_rate]};  >= {TARGET_RATIO:.0f}x naive: {verdict[ok_ratio]}"
    )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
