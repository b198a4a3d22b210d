"""A task's lifecycle after the draw and its progress per implementing node, from the draw's and the inspecting
nodes' events on the real Kafka, applied exactly once into the real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from planning_testkit import COUNTY, OTHER_CITY_COUNTY, OTHER_COUNTY, PROVINCE, Running, wait_for
from pydantic import BaseModel

from hrss.bus.broker import Message
from hrss.contracts import Producer, registry, utcnow
from hrss.contracts.events.draw import DrawCompleted
from hrss.contracts.events.inspection import Overdue, VisitStatusChanged
from hrss.contracts.events.publication import Receipt, ResultConfirmed

pytestmark = pytest.mark.integration

PLANNER = {"planner"}
USCC = "91130102MA0A1B2C3X"


def rows(dsn: str, query: str) -> list[tuple]:
    engine = sa.create_engine(dsn)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


class Events:
    """Publishes events as their producers do: one envelope per event, keyed by its subject."""

    def __init__(self, broker) -> None:  # type: ignore[no-untyped-def]
        self.broker = broker

    def send(self, payload: BaseModel, subject: str, service: str, node: str, times: int = 1) -> None:
        envelope = registry.build(payload, subject=subject, producer=Producer(service=service, node=node))
        topic = f"{envelope.type}.v{envelope.schema_version}"
        self.broker.publish_many([Message(topic, subject.encode(), envelope.to_bytes())] * times)

    def visit(self, visit_id: uuid.UUID, node: str, task_id: str, status: str, **extra: object) -> None:
        step = VisitStatusChanged(
            visit_id=visit_id,
            node=node,
            uscc=USCC,
            region_code=node,
            task_ids=[uuid.UUID(task_id)],
            status=status,  # type: ignore[arg-type]
            at=utcnow(),
            **extra,  # type: ignore[arg-type]
        )
        self.send(step, str(visit_id), "inspection", node)

    def published(self, visit_id: uuid.UUID, node: str, task_id: str, public: bool = True) -> None:
        receipt = Receipt(seq=1, previous_sha256="0" * 64, receipt_sha256="ef" * 32) if public else None
        record = ResultConfirmed(
            result_id=uuid.uuid4(),
            visit_id=visit_id,
            node=node,
            task_ids=[uuid.UUID(task_id)],
            public=public,
            withheld_reason=None if public else "涉及国家秘密，依法不予公开",
            content_sha256="ab" * 32,
            record_version=1 if public else None,
            receipt=receipt,
            on_time=True,
            confirmed_at=utcnow(),
        )
        self.send(record, str(record.result_id), "publication", node)


def frozen_unified_task(
    running: Running,
    draw_group: str | None = None,
    title: str = "2027年全省劳务派遣统一抽查",
    publish_only: bool = False,
) -> str:
    """A unified task of the province over two counties, published and frozen (`publish_only`: published)."""
    province = running.as_(PLANNER, PROVINCE)
    settings = {"plan_deadline": "03-31", "general_minimum": "3%", "task_number_template": "冀人社抽〔{year}〕{seq}号"}
    assert province.put(f"/settings/{PROVINCE}", settings).status_code == 200
    items = province.get("/checklist", node=PROVINCE).json()["items"]
    created = province.post(
        "/tasks",
        {
            "node": PROVINCE,
            "title": title,
            "year": 2027,
            "items": [{"item_id": items[4]["item_id"]}],
            "lines": ["劳动保障监察"],
            "start": "2027-04-01",
            "end": "2027-06-30",
            "unified": True,
            "implementing_nodes": [COUNTY, OTHER_COUNTY],
            "ad_hoc_reason": "根据省厅统一部署",
            "draw_group": draw_group,
        },
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["task_id"]
    assert province.post(f"/tasks/{task_id}/publish").status_code == 200
    if not publish_only:
        assert province.post(f"/tasks/{task_id}/freeze").status_code == 200
    return task_id


def status_of(running: Running, task_id: str) -> str:
    return running.as_(PLANNER, PROVINCE).get(f"/tasks/{task_id}").json()["status"]


def test_the_task_follows_its_visits_to_completed_and_results_published_and_each_node_sees_its_progress(
    planning: Running, kafka_broker
) -> None:  # type: ignore[no-untyped-def]
    task_id = frozen_unified_task(planning)
    events = Events(kafka_broker)
    here, there = uuid.uuid4(), uuid.uuid4()

    # a county reports its visit before the province's planning hears of the draw (another topic)
    events.visit(here, COUNTY, task_id, "opened")
    events.visit(here, COUNTY, task_id, "started")
    wait_for(lambda: rows(planning.dsn, "SELECT count(*) FROM planning.visit_fact") == [(2,)], 60, "the visit")
    assert status_of(planning, task_id) == "frozen"

    draw_id = uuid.uuid4()
    done = DrawCompleted(
        draw_id=draw_id,
        task_ids=[uuid.UUID(task_id)],
        node=PROVINCE,
        seed="cd" * 32,
        picks=2,
        dispatched={COUNTY: 1, OTHER_COUNTY: 1},
        completed_at=utcnow(),
    )
    events.send(done, str(draw_id), "draw", PROVINCE, times=2)  # delivered twice: applied once
    wait_for(lambda: status_of(planning, task_id) == "in_progress", 60, "the task in progress")

    events.visit(here, COUNTY, task_id, "submitted")
    events.visit(here, COUNTY, task_id, "approved", inspected_on=date(2026, 12, 1))
    for step in ("opened", "started", "submitted", "returned", "submitted"):
        events.visit(there, OTHER_COUNTY, task_id, step)
    overdue = Overdue(
        subject_id=there,
        node=OTHER_COUNTY,
        supervisor="130100",
        kind="result",
        due=date(2026, 11, 30),
        detected_on=date(2026, 12, 1),
    )
    events.send(overdue, str(there), "inspection", OTHER_COUNTY, times=2)
    wait_for(lambda: rows(planning.dsn, "SELECT count(*) FROM planning.visit_fact") == [(9,)], 60, "the visits")
    wait_for(lambda: rows(planning.dsn, "SELECT count(*) FROM planning.overdue_fact") == [(1,)], 60, "the flag")
    assert status_of(planning, task_id) == "in_progress"  # one visit is still waiting for its review

    progress = planning.as_(PLANNER, PROVINCE).get(f"/tasks/{task_id}/progress")
    assert progress.status_code == 200, progress.text
    by_node = {row["node"]: row for row in progress.json()["nodes"]}
    assert by_node[COUNTY] == {
        "node": COUNTY,
        "expected": 1,
        "opened": 1,
        "started": 1,
        "submitted": 1,
        "approved": 1,
        "closed": 0,
        "overdue": 0,
        "published": 0,
    }
    assert (by_node[OTHER_COUNTY]["submitted"], by_node[OTHER_COUNTY]["approved"]) == (1, 0)
    assert by_node[OTHER_COUNTY]["overdue"] == 1
    assert progress.json()["totals"]["opened"] == 2 and progress.json()["totals"]["approved"] == 1
    county = planning.as_(PLANNER, COUNTY).get(f"/tasks/{task_id}/progress").json()
    assert [row["node"] for row in county["nodes"]] == [COUNTY] and county["totals"]["overdue"] == 0
    outsider = planning.as_(PLANNER, OTHER_CITY_COUNTY).get(f"/tasks/{task_id}/progress")
    assert outsider.status_code == 404 and outsider.json()["code"] == "task.not_found"  # not theirs: as if none

    events.visit(there, OTHER_COUNTY, task_id, "approved", inspected_on=date(2026, 12, 2))
    wait_for(lambda: status_of(planning, task_id) == "completed", 60, "the task completed")
    events.published(here, COUNTY, task_id)
    wait_for(lambda: rows(planning.dsn, "SELECT count(*) FROM planning.result_publication") == [(1,)], 60, "one")
    assert status_of(planning, task_id) == "completed"  # the other approved result has no publication record yet
    events.published(there, OTHER_COUNTY, task_id, public=False)  # withheld by law: a record all the same
    wait_for(lambda: status_of(planning, task_id) == "results_published", 60, "the results published")

    history = planning.as_(PLANNER, PROVINCE).get(f"/tasks/{task_id}/history").json()["records"]
    assert [r["status"] for r in history] == [
        "draft",
        "published",
        "frozen",
        "drawn",
        "dispatched",
        "in_progress",
        "completed",
        "results_published",
    ]
    assert {r["actor"] for r in history[3:]} == {"service:planning"}
    assert not any(r["override"] for r in history)
    assert "全部 2 户检查对象已办结" in history[6]["reason"]
    audited = rows(
        planning.dsn,
        f"SELECT action FROM planning.audit_entry WHERE action LIKE 'task.%' AND object_id = '{task_id}' ORDER BY seq",
    )
    assert [a for (a,) in audited][-5:] == [
        "task.drawn",
        "task.dispatched",
        "task.in_progress",
        "task.completed",
        "task.results_published",
    ]
    topics = [t for (t,) in rows(planning.dsn, "SELECT topic FROM planning.outbox ORDER BY id")][-3:]
    assert topics == ["planning.task_started.v1", "planning.task_completed.v1", "planning.task_results_published.v1"]
    duplicates = rows(planning.dsn, "SELECT event_type, count(*) FROM planning.inbox GROUP BY 1 ORDER BY 1")
    assert dict(duplicates)["draw.draw_completed"] == 1 and dict(duplicates)["inspection.overdue"] == 1


def test_the_facts_tables_are_append_only(planning: Running) -> None:
    engine = sa.create_engine(planning.dsn)
    try:
        for table in ("draw_fact", "visit_fact", "result_publication", "overdue_fact"):
            with engine.begin() as connection, pytest.raises(sa.exc.DBAPIError):
                connection.execute(sa.text(f"TRUNCATE planning.{table}"))
    finally:
        engine.dispose()


def test_two_facts_applied_side_by_side_are_judged_together_and_no_task_waits_for_a_fact_already_in(
    planning: Running,
) -> None:
    """A draw of two tasks (a draw group) is applied but not yet committed when the last of its visits, of the
    other task, is reported: the report waits for the draw (the progress lock), then sees that the draw joins both
    tasks and completes the first, whose own visit was approved before. Without the lock the report would judge its
    own task only, the draw would have judged the first without the report, and the first task would stay in
    progress for good."""
    import threading

    from planning.bootstrap import sql_repository, unit_of_work
    from planning.service_layer import progress
    from planning.service_layer.context import Components, Context

    from hrss.auth import Principal
    from hrss.contracts import Node

    first_task = frozen_unified_task(planning, draw_group="联合-1", publish_only=True)
    second_task = frozen_unified_task(planning, draw_group="联合-1", title="医保联合检查")
    engine = sa.create_engine(planning.dsn)
    identity = Principal.for_service("planning", (Node(PROVINCE),))

    def context() -> Context:
        return Context(unit_of_work(engine, (PROVINCE,)), Components(repository=sql_repository), identity)

    def step(ctx: Context, visit_id: uuid.UUID, node: str, task_id: str, status: str) -> None:
        changed = VisitStatusChanged(
            visit_id=visit_id,
            node=node,
            uscc=USCC,
            region_code=node,
            task_ids=[uuid.UUID(task_id)],
            status=status,  # type: ignore[arg-type]
            at=utcnow(),
        )
        progress.visit_step(ctx, str(uuid.uuid4()), changed)

    try:
        mine, theirs = uuid.uuid4(), uuid.uuid4()
        before = context()
        for status in ("opened", "started", "submitted", "approved"):
            step(before, mine, COUNTY, first_task, status)
        before.uow.commit()

        draw = context()
        done = DrawCompleted(
            draw_id=uuid.uuid4(),
            task_ids=[uuid.UUID(first_task), uuid.UUID(second_task)],
            node=PROVINCE,
            seed="ef" * 32,
            picks=2,
            dispatched={COUNTY: 1, OTHER_COUNTY: 1},
            completed_at=utcnow(),
        )
        progress.draw_completed(draw, str(uuid.uuid4()), done)  # applied, not committed yet
        last = context()
        applied = threading.Thread(target=lambda: step(last, theirs, OTHER_COUNTY, second_task, "opened"))
        applied.start()
        applied.join(2.0)
        assert applied.is_alive()  # waiting for the draw's transaction
        draw.uow.commit()
        applied.join(30.0)
        assert not applied.is_alive()
        last.uow.commit()
    finally:
        engine.dispose()
    # the first task's visits are all done and the draw's last visit is now known: nothing more to wait for
    assert (status_of(planning, first_task), status_of(planning, second_task)) == ("completed", "dispatched")
