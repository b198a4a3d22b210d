"""The bulk import against the real PostgreSQL: counts, the row-level report, idempotence, crash safety, lateness."""

from __future__ import annotations

import base64
import csv
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from registry.adapters.orm import (
    audit_entry,
    entity_current,
    entity_version,
    import_chunk,
    import_rejection,
    import_run,
    inspector_current,
    outbox,
)
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.errors import ImportRefused
from registry.domain.regions import RegionTable
from registry.entrypoints.imports import import_entities, import_inspectors
from registry.service_layer.components import Components
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine, make_url

from hrss.auth import Principal, Role
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts.uscc import ALPHABET, uscc_with_check
from hrss.db.migrations import upgrade
from hrss.workdays import china_date, default_calendar

pytestmark = pytest.mark.integration

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 10:00 Beijing time
HEADER = list(ENTITY_FIELDS.values())
COUNTIES = [r.code for r in RegionTable.load().counties_of("410000")]


@pytest.fixture
def engine(fresh_database: str) -> Engine:
    upgrade(MIGRATIONS, fresh_database, "registry")
    engine = create_engine(make_url(fresh_database).set(drivername="postgresql+psycopg2"))
    yield engine  # type: ignore[misc]
    engine.dispose()


def components(clock=lambda: NOW) -> Components:  # type: ignore[no-untyped-def]
    key = "k1=" + base64.b64encode(os.urandom(32)).decode()
    return Components(
        RegionTable.load(), default_calendar(), AesGcmSecretCipher.parse(key, "个人信息", "X"), clock=clock
    )


PRINCIPAL = Principal(str(uuid.uuid4()), "测试", "410000", frozenset({Role.PROVINCE_ADMIN}))


def run(engine: Engine, path: Path, **options):  # type: ignore[no-untyped-def]
    options.setdefault("components", components())
    return import_entities(engine, path, principal=PRINCIPAL, nodes=("410000",), **options)


def uscc(i: int) -> str:
    body = "".join(ALPHABET[(i // 31**k) % 31] for k in range(8, -1, -1))
    return uscc_with_check("91410100" + body)


def entity(i: int, **changes: str) -> list[str]:
    row = {
        "uscc": uscc(i),
        "name": f"河南测试{i}有限公司",
        "object_type": "企业",
        "region_code": COUNTIES[i % len(COUNTIES)],
        "industry": "制造业",
        "address": f"郑州市某路{i}号",
        "status": "存续",
        "tags": "重点行业;劳务派遣" if i % 2 else "",
        "credit_grade": "ABCD"[i % 4],
        "complaint_count": str(i % 3),
        "serious_violation": "否",
        "last_inspected": "2025-06-01",
        **changes,
    }
    return [row[f] for f in ENTITY_FIELDS]


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def mixed_rows() -> tuple[list[list[str]], dict[int, tuple[str, str]]]:
    """1,000 rows (file rows 2..1001) and the expected rejection (field, code) per file row."""
    rows = [entity(i) for i in range(1000)]
    expected: dict[int, tuple[str, str]] = {}
    for i in range(0, 1000, 100):  # wrong check character
        code = rows[i][0]
        rows[i][0] = code[:17] + ("0" if code[17] != "0" else "1")
        expected[i + 2] = ("uscc", "uscc.check_character")
    for i in range(10, 1000, 100):  # unknown region
        rows[i][3] = "419999"
        expected[i + 2] = ("region_code", "region.unknown")
    for i in range(20, 1000, 100):  # bad date
        rows[i][11] = "2025-13-45"
        expected[i + 2] = ("last_inspected", "field.date")
    for i in range(30, 1000, 100):  # duplicate of the row before it
        rows[i][0] = rows[i - 1][0]
        expected[i + 2] = ("uscc", "import.duplicate_in_file")
    for i in range(40, 1000, 100):  # outside the principal's province
        rows[i][3] = "130102"
        expected[i + 2] = ("region_code", "access.out_of_scope")
    return rows, expected


def count(engine: Engine, table, *where) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_mixed_file_applies_valid_rows_and_reports_each_rejected_one(engine, tmp_path):
    rows, expected = mixed_rows()
    report = run(engine, write(tmp_path / "名录.csv", rows), chunk_size=300)

    assert (report.rows, report.created, report.rejected, report.changed, report.unchanged) == (1000, 950, 50, 0, 0)
    assert report.finished and report.chunks == 4
    got = {r["row"]: (r["field"], r["code"]) for r in report.rejections}
    assert got == expected
    duplicate = next(r for r in report.rejections if r["row"] == 32)
    assert "第 31 行" in duplicate["message"]
    assert count(engine, entity_current) == count(engine, entity_version) == count(engine, outbox) == 950
    assert count(engine, import_rejection) == 50
    with engine.connect() as c:
        chunks = c.execute(select(import_chunk).order_by(import_chunk.c.chunk)).all()
        run_row = c.execute(select(import_run)).one()
        audits = c.execute(select(audit_entry.c.action, audit_entry.c.node)).all()
    assert [(ch.first_row, ch.last_row, ch.final) for ch in chunks] == [
        (2, 301, False),
        (302, 601, False),
        (602, 901, False),
        (902, 1001, True),
    ]
    assert sum(ch.created for ch in chunks) == 950 and sum(ch.rejected for ch in chunks) == 50
    assert (run_row.kind, run_row.node, run_row.file_name, run_row.file_format) == (
        "entity",
        "410000",
        "名录.csv",
        "csv",
    )
    assert audits == [("entity.import", "410000")] * 4


def test_gb18030_file_gives_the_same_result(engine, tmp_path):
    rows, expected = mixed_rows()
    report = run(engine, write(tmp_path / "gbk.csv", rows, "gb18030"))
    assert (report.created, report.rejected) == (950, 50)
    assert {r["row"] for r in report.rejections} == set(expected)
    with engine.connect() as c:
        names = c.execute(select(entity_current.c.name).where(entity_current.c.uscc == uscc(1))).scalar_one()
    assert names == "河南测试1有限公司"


def test_reimport_creates_nothing_and_ten_changes_make_ten_versions(engine, tmp_path):
    rows = [entity(i) for i in range(1000)]
    path = write(tmp_path / "a.csv", rows)
    first = run(engine, path)
    assert first.created == 1000
    sizes = [(count(engine, entity_version), count(engine, outbox))]

    again = run(engine, path)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1000)
    sizes.append((count(engine, entity_version), count(engine, outbox)))
    assert sizes[1] == sizes[0] == (1000, 1000)

    for i in range(0, 100, 10):
        rows[i] = entity(i, address=f"新地址{i}")
    changed = run(engine, write(tmp_path / "b.csv", rows))
    assert (changed.created, changed.changed, changed.unchanged) == (0, 10, 990)
    assert count(engine, entity_version) == 1010 and count(engine, outbox) == 1010
    assert count(engine, entity_version, entity_version.c.version == 2) == 10
    assert count(engine, entity_current, entity_current.c.version == 2) == 10
    with engine.connect() as c:
        address = c.execute(select(entity_current.c.address).where(entity_current.c.uscc == uscc(20))).scalar_one()
        topics = c.execute(select(outbox.c.topic).distinct()).scalars().all()
    assert address == "新地址20"
    assert topics == ["registry.entity_changed.v1"]


def test_crash_between_chunks_then_rerun_applies_every_row_exactly_once(engine, tmp_path):
    path = write(tmp_path / "a.csv", [entity(i) for i in range(1000)])

    def crash(report) -> None:  # type: ignore[no-untyped-def]
        if report.chunks == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(engine, path, chunk_size=300, progress=crash)
    assert count(engine, entity_current) == count(engine, entity_version) == 300

    seen = []
    report = run(engine, path, chunk_size=300, progress=lambda r: seen.append(r.rows))
    assert (report.created, report.unchanged) == (700, 300)
    assert seen == [300, 600, 900, 1000]
    assert count(engine, entity_current) == count(engine, entity_version) == count(engine, outbox) == 1000
    with engine.connect() as c:
        distinct = c.execute(select(func.count(func.distinct(entity_version.c.uscc)))).scalar_one()
    assert distinct == 1000
    assert count(engine, entity_version, entity_version.c.version != 1) == 0


def test_change_known_six_working_days_ago_is_late(engine, tmp_path):
    calendar = default_calendar()
    today = china_date(NOW)
    known = today
    while calendar.workdays_between(known, today) < 6:
        known -= timedelta(days=1)
    header = [*HEADER, "变更日期"]
    rows = [[*entity(i), known.isoformat()] for i in range(5)] + [[*entity(i), ""] for i in range(5, 8)]
    report = run(engine, write(tmp_path / "late.csv", rows, header=header))
    assert (report.created, report.late) == (8, 5)
    with engine.connect() as c:
        flags = dict(c.execute(select(entity_version.c.uscc, entity_version.c.late)).all())
        known_at = c.execute(select(entity_version.c.known_at).where(entity_version.c.uscc == uscc(0))).scalar_one()
    assert [flags[uscc(i)] for i in range(8)] == [True] * 5 + [False] * 3
    assert china_date(known_at) == known


def test_future_or_bad_known_at_rejects_the_row(engine, tmp_path):
    header = [*HEADER, "变更日期"]
    rows = [[*entity(1), "2027-01-05"], [*entity(2), "昨天"], [*entity(3), "2026-11-27"]]
    report = run(engine, write(tmp_path / "k.csv", rows, header=header))
    assert report.created == 1
    assert [(r["row"], r["field"], r["code"]) for r in report.rejections] == [
        (2, "known_at", "change.known_at_future"),
        (3, "known_at", "field.date"),
    ]


def test_refused_file_leaves_no_trace(engine, tmp_path):
    path = write(tmp_path / "a.csv", [entity(1)], header=[*HEADER, "备注"])
    with pytest.raises(ImportRefused) as refused:
        run(engine, path)
    assert refused.value.code == "import.header_unknown"
    assert count(engine, import_run) == 0 and count(engine, entity_current) == 0


def test_inspectors_import_encrypts_personal_data_and_is_idempotent(engine, tmp_path):
    header = ["执法证号", "执法证有效期至", "姓名", "工作单位", "所属节点", "业务条线", "手机号码", "身份证号"]
    rows = [
        ["HN-0001", "2028-12-31", "张三", "河南省劳动保障监察总队", "410000", "劳动保障监察", "13812345678", ""],
        ["HN-0002", "2028-12-31", "李四", "郑州市劳动保障监察支队", "410100", "劳动保障监察", "", ""],
        ["HN-0001", "2028-12-31", "张三", "重复", "410000", "劳动保障监察", "", ""],
        ["HN-0003", "2028-12-31", "王五", "石家庄", "130100", "劳动保障监察", "", ""],
        ["HN-0004", "不是日期", "赵六", "某单位", "410000", "劳动保障监察", "", ""],
    ]
    path = write(tmp_path / "人员.csv", rows, header=header)
    report = import_inspectors(engine, path, components=components(), principal=PRINCIPAL, nodes=("410000",))
    assert (report.created, report.rejected) == (2, 3)
    assert [(r["row"], r["code"]) for r in report.rejections] == [
        (4, "import.duplicate_in_file"),
        (5, "access.out_of_scope"),
        (6, "field.date"),
    ]
    with engine.connect() as c:
        phone = c.execute(select(inspector_current.c.phone_enc).where(inspector_current.c.credential_no == "HN-0001"))
        value = phone.scalar_one()
        event = c.execute(select(outbox.c.value).limit(1)).scalar_one()
    assert value and "13812345678" not in value
    assert b"13812345678" not in bytes(event)
    again = import_inspectors(engine, path, components=components(), principal=PRINCIPAL, nodes=("410000",))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)


def test_xlsx_import(engine, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(3):
        cells: list[object] = list(entity(i))
        cells[3] = int(cells[3])  # type: ignore[call-overload]
        cells[11] = datetime(2025, 6, 1)
        sheet.append(cells)
    path = tmp_path / "名录.xlsx"
    book.save(path)
    report = run(engine, path)
    assert (report.created, report.rejected) == (3, 0)
    again = run(engine, write(tmp_path / "same.csv", [entity(i) for i in range(3)]))
    assert again.unchanged == 3  # the same content from CSV and XLSX hashes equal
    with engine.connect() as c:
        days = c.execute(select(entity_current.c.last_inspected)).scalars().all()
    assert days == [date(2025, 6, 1)] * 3


def test_two_imports_at_once_neither_deadlock_nor_fork_versions(engine, tmp_path):
    import threading

    first = write(tmp_path / "a.csv", [entity(i) for i in range(0, 1500)])
    second = write(tmp_path / "b.csv", [entity(i, industry="建筑业") for i in range(500, 2000)])
    reports: list[object] = []
    errors: list[BaseException] = []

    def go(path: Path) -> None:
        try:
            reports.append(run(engine, path, chunk_size=250))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=go, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and len(reports) == 2
    assert count(engine, entity_current) == 2000
    # the 1,000 rows in both files differ: created by one import, changed (version 2) by the other, never forked
    assert count(engine, entity_version) == count(engine, outbox) == 3000
    assert count(engine, entity_version, entity_version.c.version == 2) == 1000
    with engine.connect() as c:
        pairs = c.execute(select(entity_version.c.entity_id, entity_version.c.version)).all()
    assert len(set(pairs)) == len(pairs)
