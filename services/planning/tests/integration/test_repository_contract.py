"""The fake planning repository and the SQLAlchemy one keep the same promises: each test runs on both (the real one
on PostgreSQL, in a transaction rolled back afterwards), so the handler tests on the fake say what production does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from planning.adapters.repository import PlanningRepository, SqlPlanningRepository
from planning.domain.actors import Actor
from planning.domain.errors import PlanNotFound, TaskNotFound
from planning.domain.plans import PlanStatus, new_plan
from planning.domain.task_lifecycle import TaskStatus
from planning_builders import make_task, settings
from planning_fakes import FakePlanningRepository
from planning_testkit import migrate
from sqlalchemy.orm import Session

from hrss.contracts import Node
from hrss.contracts.events.registry import CheckItemChanged
from hrss.testing import seeds
from hrss.testing.databases import migrated_database

AT = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
COUNTY, CITY, PROVINCE = Node("130102"), Node("130100"), Node("130000")
ACTOR = Actor("planner@130102", COUNTY)


@pytest.fixture(scope="module")
def planning_engine(pg_dsn: str) -> Iterator[sa.Engine]:
    with migrated_database(pg_dsn, "planrepo", migrate) as engine:
        yield engine


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[PlanningRepository]:
    if request.param == "fake":
        yield FakePlanningRepository()
        return
    session = Session(request.getfixturevalue("planning_engine"))
    try:
        yield SqlPlanningRepository(session)
    finally:
        session.rollback()
        session.close()


def task_id() -> str:
    return str(uuid.uuid4())


def item_version(number: int, version: int = 1, node: Node = PROVINCE, status: str = "active") -> CheckItemChanged:
    spec = seeds.load_seed_checklist()[number - 1]
    return CheckItemChanged(
        item_id=uuid.uuid5(uuid.NAMESPACE_URL, f"contract-item-{number}"),
        version=version,
        node=node.code,
        number=str(spec.number),
        line="labour_inspection",
        status=status,
        spec={**spec.to_json(), "name": f"{spec.name}（第{version}版）"},
        content_hash=spec.content_hash(),
        changed_at=AT,
    )


def test_a_saved_plan_loads_as_it_was_saved_and_is_found_by_node_and_year(repo: PlanningRepository) -> None:
    plan = new_plan(str(uuid.uuid4()), COUNTY, 2027)
    repo.save_plan(plan, "plan.create", ACTOR, AT, None)
    filed = replace(plan, status=PlanStatus.FILED, version=1, filed_at=AT, first_filed_at=AT, late=False)
    repo.save_plan(filed, "plan.file", ACTOR, AT, "请审核")
    assert repo.load_plan(plan.plan_id, for_update=True) == filed
    assert repo.plan_of(COUNTY.code, 2027) == plan.plan_id
    assert repo.plan_of(COUNTY.code, 2028) is None
    with pytest.raises(PlanNotFound):
        repo.load_plan(str(uuid.uuid4()))


def test_a_saved_task_loads_with_its_revision_and_status(repo: PlanningRepository) -> None:
    task = make_task(task_id=task_id())
    repo.save_task(task, 1, "task.create", ACTOR, AT, None)
    published = replace(task, status=TaskStatus.PUBLISHED, number="冀人社抽〔2026〕1号")
    repo.save_task(published, 2, "task.publish", ACTOR, AT, None, TaskStatus.DRAFT)
    assert repo.load_task(task.task_id) == (published, 2)
    assert repo.task_status(task.task_id) is TaskStatus.PUBLISHED
    assert repo.task_status(task_id()) is None
    with pytest.raises(TaskNotFound):
        repo.load_task(task_id())


def test_a_draw_group_lists_its_tasks_not_cancelled_by_id(repo: PlanningRepository) -> None:
    ids = sorted(task_id() for _ in range(3))
    for n, (key, status) in enumerate(
        zip(ids, [TaskStatus.DRAFT, TaskStatus.CANCELLED, TaskStatus.PUBLISHED], strict=True)
    ):
        task = replace(make_task(task_id=key, draw_group="联合-1", title=f"任务{n}"), status=status)
        repo.save_task(task, 1, "task.create", ACTOR, AT, None)
    repo.save_task(make_task(task_id=task_id(), draw_group="联合-2"), 1, "task.create", ACTOR, AT, None)
    members = repo.group_members(COUNTY, "联合-1")
    assert [(m.task_id, m.status, m.title) for m in members] == [
        (ids[0], TaskStatus.DRAFT, "任务0"),
        (ids[2], TaskStatus.PUBLISHED, "任务2"),
    ]
    assert repo.group_members(CITY, "联合-1") == []


def test_planning_stage_tasks_are_drafts_and_published_ones_of_the_year_by_start(repo: PlanningRepository) -> None:
    late = make_task(task_id=task_id(), start=date(2026, 5, 1))
    early = replace(make_task(task_id=task_id(), start=date(2026, 4, 2)), status=TaskStatus.PUBLISHED)
    frozen = replace(make_task(task_id=task_id()), status=TaskStatus.FROZEN)
    other_year = make_task(task_id=task_id(), year=2027, start=date(2027, 4, 1), end=date(2027, 6, 30))
    for task in (late, early, frozen, other_year):
        repo.save_task(task, 1, "task.create", ACTOR, AT, None)
    assert [t.task_id for t in repo.planning_stage_tasks(COUNTY, 2026)] == [early.task_id, late.task_id]


def test_numbers_given_are_kept_per_node_and_year(repo: PlanningRepository) -> None:
    repo.give_number(COUNTY.code, 2027, "冀人社抽〔2027〕1号", task_id(), AT)
    repo.give_number(COUNTY.code, 2027, "冀人社抽〔2027〕2号", task_id(), AT)
    repo.give_number(CITY.code, 2027, "冀人社抽〔2027〕1号", task_id(), AT)
    assert sorted(repo.numbers_given(COUNTY.code, 2027)) == ["冀人社抽〔2027〕1号", "冀人社抽〔2027〕2号"]
    assert repo.numbers_given(COUNTY.code, 2028) == []


def test_settings_are_versioned_and_apply_to_the_node_asking(repo: PlanningRepository) -> None:
    assert repo.own_settings(PROVINCE, COUNTY) is None
    assert repo.add_settings(settings(PROVINCE, minimum="3/100"), ACTOR, AT, None) == 1
    assert repo.add_settings(settings(PROVINCE, minimum="4/100"), ACTOR, AT, "调整") == 2
    assert repo.own_settings(PROVINCE, COUNTY) == (settings(COUNTY, minimum="4/100"), 2)


def test_the_latest_version_of_each_item_is_in_force_unless_withdrawn(repo: PlanningRepository) -> None:
    assert repo.add_check_items([item_version(1), item_version(2), item_version(3, node=CITY)]) == 3
    assert repo.add_check_items([item_version(1), item_version(1, 2), item_version(2, 2, status="withdrawn")]) == 2
    found = {(i.item_id, i.version, i.node) for i in repo.items_in_force([PROVINCE.code])}
    assert found == {(str(item_version(1).item_id), 2, PROVINCE.code)}
    assert len(repo.items_in_force([PROVINCE.code, CITY.code])) == 2
    assert repo.latest_item_name(str(item_version(2).item_id)) == f"{seeds.load_seed_checklist()[1].name}（第2版）"
    assert repo.latest_item_name(str(uuid.uuid4())) is None


def _visit(repo: PlanningRepository, visit_id: str, tasks: list[str], status: str, **extra: Any) -> None:
    repo.add_visit_step(
        event_id=str(uuid.uuid4()),
        visit_id=visit_id,
        node=COUNTY.code,
        uscc="91130100MA0000000X",
        region_code=COUNTY.code,
        task_ids=tasks,
        status=status,
        inspected_on=None,
        reason=extra.get("reason"),
        at=AT,
    )


def test_the_facts_of_a_task_gather_its_draws_and_the_visits_of_the_tasks_drawn_with_it(
    repo: PlanningRepository,
) -> None:
    first, second, alone = sorted(task_id() for _ in range(3))
    draw = str(uuid.uuid4())
    for kind in ("completed", "completed"):  # the same event twice: kept once
        repo.add_draw(
            draw_id=draw,
            kind=kind,
            node=COUNTY.code,
            task_ids=[first, second],
            at=AT,
            event_id=str(uuid.uuid4()),
            picks=2,
            dispatched={COUNTY.code: 2},
        )
    visit, closed = str(uuid.uuid4()), str(uuid.uuid4())
    _visit(repo, visit, [second], "opened")
    _visit(repo, visit, [second], "approved")
    _visit(repo, closed, [second], "closed", reason="企业已注销")
    _visit(repo, str(uuid.uuid4()), [alone], "started")
    result = str(uuid.uuid4())
    repo.add_publication(
        result_id=result,
        visit_id=visit,
        node=COUNTY.code,
        task_ids=[second],
        public=True,
        withheld_reason=None,
        content_sha256="ab" * 32,
        published_at=AT,
        event_id=str(uuid.uuid4()),
    )
    repo.add_overdue(
        subject_id=closed,
        kind="result",
        node=COUNTY.code,
        supervisor=CITY.code,
        due=date(2027, 2, 1),
        detected_on=date(2027, 2, 2),
        event_id=str(uuid.uuid4()),
    )
    assert repo.related_tasks([first]) == sorted([first, second])
    assert repo.related_tasks([alone]) == [alone]
    facts = repo.task_facts(first)
    assert [(d.draw_id, set(d.task_ids), dict(d.dispatched), d.voided) for d in facts.draws] == [
        (draw, {first, second}, {COUNTY.code: 2}, False)
    ]
    visits = {v.visit_id: v for v in facts.visits}
    assert set(visits) == {visit, closed}
    assert (visits[visit].started, visits[visit].approved, visits[visit].published) == (True, True, True)
    assert (visits[closed].closed, visits[closed].closed_reason, visits[closed].overdue) == (True, "企业已注销", True)
    repo.add_draw(
        draw_id=draw, kind="voided", node=COUNTY.code, task_ids=[first, second], at=AT, event_id=str(uuid.uuid4())
    )
    voided = repo.task_facts(first)
    assert voided.draws[0].voided and voided.visits == ()
