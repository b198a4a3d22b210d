"""What a checklist item requires of its inspectors (line, qualifications), kept with its versions and sent with
its event; and the entities' last inspection, recorded from the inspection service's approved results over Kafka
(real PostgreSQL and Kafka)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from registry_testkit import CITY, COUNTY, OTHER_COUNTY, PROVINCE, Running

from hrss.bus.broker import Message, TopicSpec
from hrss.contracts import Producer, registry
from hrss.contracts.events.inspection import VisitStatusChanged
from hrss.contracts.uscc import uscc_with_check
from hrss.testing.seeds import load_seed_checklist

pytestmark = pytest.mark.integration

ADMIN = {"province_admin"}


def rows(dsn: str, query: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def check_item_events(dsn: str) -> list[dict[str, Any]]:
    values = rows(
        dsn,
        "SELECT convert_from(value, 'UTF8') FROM registry.outbox WHERE topic LIKE '%check_item_changed%' ORDER BY id",
    )
    return [json.loads(v)["payload"] for (v,) in values]


def test_an_item_requires_its_line_and_qualifications_per_version_and_says_so_in_its_event(registry: Running) -> None:
    token = registry.token({"city_admin"}, CITY)
    spec = load_seed_checklist()[6].to_json()  # 用人单位遵守劳动用工和社会保险法律法规情况
    body = {"node": CITY, "spec": spec, "line": "劳动保障监察", "qualifications": ["行政执法资格"], "reason": "载入"}
    created = registry.call("POST", "/checklist", token, body)
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    got = registry.call("GET", f"/checklist/{item_id}", token).json()
    assert got["line"] == "labour_inspection" and got["qualifications"] == ["行政执法资格"]

    # a revision of the ratio alone keeps the line and the qualifications
    revised = {**spec, "ratio": {"kind": "fraction", "numerator": 1, "denominator": 10}}
    answer = registry.call("POST", f"/checklist/{item_id}/revisions", token, {"spec": revised, "reason": "提高比例"})
    assert answer.json() == {"id": item_id, "version": 2, "created": False, "changed": True}
    v2 = registry.call("GET", f"/checklist/{item_id}/versions/2", token).json()
    assert v2["line"] == "labour_inspection" and v2["qualifications"] == ["行政执法资格"]

    # naming another qualification is a new version; the earlier one still reads back as it was
    more = {"qualifications": ["行政执法资格", "劳动保障监察员证"], "reason": "增加资格要求"}
    assert registry.call("POST", f"/checklist/{item_id}/revisions", token, more).json()["version"] == 3
    assert registry.call("POST", f"/checklist/{item_id}/revisions", token, more).json()["changed"] is False
    v1 = registry.call("GET", f"/checklist/{item_id}/versions/1", token).json()
    assert v1["qualifications"] == ["行政执法资格"] and v1["content_hash"] == got["content_hash"]

    withdrawn = registry.call("POST", f"/checklist/{item_id}/withdraw", token, {"reason": "事项取消"})
    assert withdrawn.json()["version"] == 4
    events = check_item_events(registry.dsn)
    assert [(e["version"], e["line"], e["qualifications"], e["status"]) for e in events] == [
        (1, "labour_inspection", ["行政执法资格"], "active"),
        (2, "labour_inspection", ["行政执法资格"], "active"),
        (3, "labour_inspection", ["劳动保障监察员证", "行政执法资格"], "active"),
        (4, "labour_inspection", ["劳动保障监察员证", "行政执法资格"], "withdrawn"),
    ]


def test_bad_qualifications_are_refused_naming_the_field(registry: Running) -> None:
    token = registry.token({"city_admin"}, CITY)
    spec = load_seed_checklist()[0].to_json()
    for bad in (["line:employment"], [""], "行政执法资格", ["资" * 41]):
        answer = registry.call("POST", "/checklist", token, {"node": CITY, "spec": spec, "qualifications": bad})
        assert answer.status_code == 400, (bad, answer.text)
        assert any(e["field"].startswith("qualifications") for e in answer.json()["errors"]), answer.text
    assert rows(registry.dsn, "SELECT count(*) FROM registry.check_item") == [(0,)]


def test_a_second_item_with_a_taken_number_is_refused_by_name(registry: Running) -> None:
    token = registry.token({"city_admin"}, CITY)
    spec = load_seed_checklist()[1].to_json()
    assert registry.call("POST", "/checklist", token, {"node": CITY, "spec": spec}).status_code == 201
    again = registry.call("POST", "/checklist", token, {"node": CITY, "spec": {**spec, "name": "另一个事项"}})
    assert again.status_code == 400 and "另一个事项" in again.text and "技工院校" not in again.text


def test_loading_the_official_list_gives_each_item_its_units_line_and_the_enforcement_qualification(
    fresh_database: str,
) -> None:
    from registry.cli import load_checklist
    from registry_testkit import components, migrate

    from hrss.testing.seeds import CHECKLIST_DOCUMENT, seed_document

    document = seed_document(CHECKLIST_DOCUMENT)
    migrate(fresh_database)
    engine = sa.create_engine(fresh_database)
    try:
        loaded = load_checklist(engine, (PROVINCE,), components(), PROVINCE, "测试", document, lines_from_units=True)
        again = load_checklist(engine, (PROVINCE,), components(), PROVINCE, "测试", document, lines_from_units=True)
        plain = load_checklist(engine, (PROVINCE,), components(), CITY, "测试", document, ())
        reloaded = load_checklist(engine, (PROVINCE,), components(), PROVINCE, "测试", document)
    finally:
        engine.dispose()
    assert {i["line"] for i in plain} == {None}  # without --lines-from-units the items name no line
    assert [i["line"] for i in loaded] == [
        "劳动保障监察",
        "职业能力建设",
        "职业能力建设",
        "职业能力建设",
        "就业促进",
        "劳动关系",
        "劳动保障监察",
        "社会保险经办与稽核",
        "失业保险",
    ]
    assert all(i["created"] for i in loaded) and not any(i["changed"] for i in again)
    # loading again without --lines-from-units keeps the lines the items have
    assert reloaded == again
    events = check_item_events(fresh_database)[:9]
    assert all(e["qualifications"] == ["行政执法资格"] for e in events)
    assert {tuple(e["spec"]["levels"]) for e in events} == {("city", "county")}


# -- the last inspection, from approved results ----------------------------------------------------------


def uscc(n: int, region: str = COUNTY) -> str:
    return uscc_with_check(f"91{region}{n:09d}"[:17])


def entity(n: int, region: str = COUNTY, **extra: object) -> dict[str, object]:
    return {
        "uscc": uscc(n, region),
        "name": f"平顶山市测试{n}有限公司",
        "object_type": "企业",
        "region_code": region,
        "industry": "建筑业",
        "credit_grade": "B",
        **extra,
    }


def visit_event(uscc_: str, status: str, inspected_on: date | None, node: str = COUNTY) -> tuple[str, Message]:
    event = VisitStatusChanged(
        visit_id=uuid.uuid4(),
        node=node,
        uscc=uscc_,
        region_code=COUNTY,
        task_ids=[uuid.uuid4()],
        status=status,
        inspected_on=inspected_on,
        at=datetime.now(UTC),
    )
    envelope = registry.build(event, subject=str(event.visit_id), producer=Producer(service="inspection", node=node))
    return str(envelope.event_id), Message("inspection.visit_status_changed.v1", uscc_.encode(), envelope.to_bytes())


def versions(dsn: str, n: int) -> list[tuple[int, Any, str]]:
    return rows(
        dsn,
        "SELECT v.version, v.last_inspected, v.source FROM registry.entity_version v "
        f"JOIN registry.entity_current c ON c.id = v.entity_id WHERE c.uscc = '{uscc(n)}' ORDER BY v.version",
    )


def wait_until(condition, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_an_approved_result_becomes_a_new_version_with_the_last_inspection_and_its_event(
    registry: Running, kafka_broker: Any
) -> None:
    token = registry.token(ADMIN, PROVINCE)
    for n in (1, 2, 3):
        inspected = {"last_inspected": "2026-03-01"} if n == 3 else {}
        assert registry.call("POST", "/entities", token, {"record": entity(n, **inspected)}).status_code == 201
    kafka_broker.ensure_topics([TopicSpec("inspection.visit_status_changed.v1")])
    first_id, first = visit_event(uscc(1), "approved", date(2026, 11, 20))
    events = [
        first,
        visit_event(uscc(1), "started", None)[1],  # not a result: nothing recorded
        visit_event(uscc(2), "approved", date(2026, 11, 18), node=OTHER_COUNTY)[1],  # not its territory
        visit_event(uscc(3), "approved", date(2026, 2, 1))[1],  # older than the one recorded
        visit_event(uscc(9), "approved", date(2026, 11, 20))[1],  # not kept by this registry
        visit_event(uscc(1), "approved", date(2026, 11, 19))[1],  # an earlier day after a later one
        visit_event(uscc(1), "approved", date(2026, 11, 20))[1],  # the same day again, approved once more
    ]
    kafka_broker.publish_many(events)
    kafka_broker.publish_many([first])  # the same event delivered again
    kafka_broker.publish_many([visit_event(uscc(2), "approved", date(2026, 11, 21))[1]])
    # the events travel on several partitions (keyed by visit): wait until every distinct one was applied
    distinct = len(events) + 1
    wait_until(lambda: rows(registry.dsn, "SELECT count(*) FROM registry.inbox") == [(distinct,)])

    assert versions(registry.dsn, 1) == [(1, None, "manual"), (2, date(2026, 11, 20), "upstream")]
    assert versions(registry.dsn, 2)[-1][1] == date(2026, 11, 21)
    assert versions(registry.dsn, 3) == [(1, date(2026, 3, 1), "manual")]
    current = registry.call("GET", f"/entities/by-uscc/{uscc(1)}", token).json()
    assert current["last_inspected"] == "2026-11-20" and current["version"] == 2
    changed = [
        json.loads(v)["payload"]
        for (v,) in rows(
            registry.dsn,
            "SELECT convert_from(value, 'UTF8') FROM registry.outbox WHERE topic LIKE '%entity_changed%' ORDER BY id",
        )
    ]
    assert sorted((e["uscc"], e["version"], e["last_inspected"]) for e in changed[3:]) == sorted(
        [(uscc(1), 2, "2026-11-20"), (uscc(2), 2, "2026-11-21")]
    )
    audited = rows(
        registry.dsn,
        "SELECT actor, action, event_id FROM registry.audit_entry WHERE action = 'entity.change' ORDER BY seq",
    )
    assert len(audited) == 2 and ("service:registry", "entity.change", first_id) in audited  # one per new version
