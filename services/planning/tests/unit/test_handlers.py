"""The planning use cases on fakes: the in-memory repository and unit of work, no database, milliseconds each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from planning.domain.errors import PlanExists, TaskNotFound
from planning.domain.plans import PlannedItem, PlanStatus
from planning.domain.task_lifecycle import TaskStatus
from planning.entrypoints.schemas import TaskBody
from planning.service_layer import commands
from planning.service_layer.context import Components, Context
from planning.service_layer.handlers import apply_check_items, handle, handle_event
from planning_fakes import FakePlanningRepository
from planning_testkit import COUNTY, PROVINCE, principal

from hrss.auth import Principal
from hrss.contracts import Node, PlatformError
from hrss.contracts.events.draw import DrawCompleted, DrawVoided
from hrss.contracts.events.inspection import VisitStatusChanged
from hrss.contracts.events.publication import ResultConfirmed
from hrss.contracts.events.registry import CheckItemChanged
from hrss.testing import seeds
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
TEMPLATE = "冀人社抽〔{year}〕{seq}号"


def item_versions(node: str = PROVINCE, status: str = "active", version: int = 1) -> list[CheckItemChanged]:
    """The 9 items of seeds/002 as the registry's events carry them, kept by `node`."""
    return [
        CheckItemChanged(
            item_id=uuid.uuid5(uuid.NAMESPACE_URL, f"hrss-test-item-{node}-{spec.number}"),
            version=version,
            node=node,
            number=str(spec.number),
            line="labour_inspection",
            status=status,
            spec=spec.to_json(),
            content_hash=spec.content_hash(),
            changed_at=NOW,
        )
        for spec in seeds.load_seed_checklist()
    ]


class World:
    """One transaction's worth of planning: a repository, a unit of work, and contexts for callers."""

    def __init__(self) -> None:
        self.repo = FakePlanningRepository()
        self.uow = FakeUnitOfWork(service="planning", nodes=(PROVINCE,))
        self.components = Components(repository=lambda uow: self.repo, clock=lambda: NOW)
        apply_check_items(self.as_service(), item_versions())

    def as_(self, node: str, roles: set[str] | None = None) -> Context:
        return Context(self.uow, self.components, principal(roles or {"planner"}, node), "trace-1")

    def as_service(self) -> Context:
        return Context(self.uow, self.components, Principal.for_service("planning", (Node(PROVINCE),)))

    def run(self, command: object, node: str = COUNTY, roles: set[str] | None = None) -> Any:
        return handle(command, self.as_(node, roles))

    def events(self) -> list[str]:
        return [e.type for e in self.uow.events]

    def actions(self) -> list[str]:
        return [record.action for _, record in self.uow._audits]


@pytest.fixture
def world() -> World:
    return World()


def refused(run: Any) -> PlatformError:
    with pytest.raises(PlatformError) as error:
        run()
    return error.value


def task_draft(world: World, **overrides: Any) -> TaskBody:
    """A county's own ad hoc task on the first two items of its list in force."""
    first, second = sorted(world.repo.items_in_force([PROVINCE, "130100", COUNTY]), key=lambda i: i.item_id)[:2]
    body: dict[str, Any] = {
        "node": COUNTY,
        "title": "2027年劳动用工双随机抽查",
        "year": 2027,
        "items": [{"item_id": first.item_id}, {"item_id": second.item_id, "ratio": "40%"}],
        "lines": ["劳动保障监察"],
        "start": "2027-04-01",
        "end": "2027-06-30",
        "ad_hoc_reason": "专项整治",
    }
    body.update(overrides)
    return TaskBody.model_validate(body)


def published_task(world: World, **overrides: Any) -> str:
    task = world.run(commands.CreateTask(COUNTY, task_draft(world, **overrides)))
    world.run(commands.MoveTask(task.task_id, TaskStatus.PUBLISHED))
    return str(task.task_id)


# -- the checklist -----------------------------------------------------------------------------


def test_an_item_version_received_again_is_kept_once(world: World) -> None:
    assert apply_check_items(world.as_service(), item_versions()) == 0
    assert apply_check_items(world.as_service(), item_versions(version=2, status="withdrawn")) == 9
    assert world.repo.items_in_force([PROVINCE]) == []


# -- settings and plans ------------------------------------------------------------------------


def test_settings_set_at_the_province_are_inherited_by_its_counties(world: World) -> None:
    command = commands.SetSettings(PROVINCE, "03-31", "4%", TEMPLATE, 3, reason="年度部署")
    effective = world.run(command, PROVINCE)
    assert (effective.version, effective.source) == (1, PROVINCE)
    assert world.actions() == ["settings.set"]
    assert f"planning.settings.{PROVINCE}" in world.repo.locks
    own = world.repo.own_settings(Node(PROVINCE), Node(COUNTY))
    assert own is not None and own[0].node == Node(COUNTY) and own[0].minimum_team_size == 3


def test_a_second_plan_of_the_same_node_and_year_is_refused(world: World) -> None:
    plan = world.run(commands.CreatePlan(COUNTY, 2027))
    assert plan.status is PlanStatus.DRAFT and world.repo.plan_of(COUNTY, 2027) == plan.plan_id
    assert world.events() == []  # a draft is internal: audited, not published
    assert world.actions() == ["plan.create"]
    error = refused(lambda: world.run(commands.CreatePlan(COUNTY, 2027)))
    assert isinstance(error, PlanExists) and error.code == "plan.exists" and plan.plan_id in error.message


def test_a_plan_covering_its_list_is_filed_then_accepted_by_the_city_with_an_event_for_each(world: World) -> None:
    plan = world.run(commands.CreatePlan(COUNTY, 2027))
    items = tuple(PlannedItem(i.item_id, i.version, 1, "") for i in world.repo.items_in_force([PROVINCE]))
    edited, report = world.run(commands.EditPlan(plan.plan_id, items))
    assert report.complete and len(edited.items) == 9
    filed = world.run(commands.FilePlan(plan.plan_id, "请审核"))
    assert filed.status is PlanStatus.FILED
    accepted = world.run(commands.AcceptPlan(plan.plan_id, "同意"), "130100")
    assert accepted.status is PlanStatus.ACCEPTED
    assert world.events() == ["planning.plan_filed", "planning.plan_accepted"]
    assert [r.action for r in world.repo.plan_records[plan.plan_id]] == [
        "plan.create",
        "plan.edit",
        "plan.file",
        "plan.accept",
    ]


def test_a_plan_with_an_item_left_out_without_a_reason_is_not_filed(world: World) -> None:
    plan = world.run(commands.CreatePlan(COUNTY, 2027))
    error = refused(lambda: world.run(commands.FilePlan(plan.plan_id)))
    assert error.code == "record.invalid" and "计划未覆盖抽查事项" in error.message
    assert world.repo.load_plan(plan.plan_id).status is PlanStatus.DRAFT


def test_only_the_parent_node_accepts_a_filed_plan(world: World) -> None:
    plan = world.run(commands.CreatePlan(COUNTY, 2027))
    items = tuple(PlannedItem(i.item_id, i.version, 1, "") for i in world.repo.items_in_force([PROVINCE]))
    world.run(commands.EditPlan(plan.plan_id, items))
    world.run(commands.FilePlan(plan.plan_id))
    assert refused(lambda: world.run(commands.AcceptPlan(plan.plan_id), COUNTY)).code == "plan.not_parent"


# -- tasks ------------------------------------------------------------------------------------


def test_a_published_task_takes_the_next_number_of_its_node_and_year(world: World) -> None:
    world.run(commands.SetSettings(COUNTY, "03-31", "3%", TEMPLATE, 2), COUNTY)
    first = published_task(world)
    second = published_task(world, title="第二个任务")
    numbers = [world.repo.load_task(t)[0].number for t in (first, second)]
    assert numbers == ["冀人社抽〔2027〕1号", "冀人社抽〔2027〕2号"]
    assert f"planning.number.{COUNTY}" in world.repo.locks
    assert world.events() == ["planning.task_published", "planning.task_published"]
    task, revision = world.repo.load_task(first)
    assert (task.status, revision) == (TaskStatus.PUBLISHED, 2)


def test_an_item_not_on_the_list_in_force_is_refused_naming_the_field(world: World) -> None:
    draft = task_draft(world, items=[{"item_id": str(uuid.uuid4())}])
    error = refused(lambda: world.run(commands.CreateTask(COUNTY, draft)))
    assert error.code == "task.item_not_on_checklist"
    assert world.repo.tasks == {}


def test_a_draw_group_freezes_only_when_every_task_of_it_is_published(world: World) -> None:
    first = published_task(world, draw_group="联合-1")
    draft = world.run(commands.CreateTask(COUNTY, task_draft(world, title="草稿", draw_group="联合-1")))
    error = refused(lambda: world.run(commands.MoveTask(first, TaskStatus.FROZEN)))
    assert error.code == "task.group_member_not_published" and "草稿" in error.message
    world.run(commands.MoveTask(draft.task_id, TaskStatus.PUBLISHED))
    world.run(commands.MoveTask(first, TaskStatus.FROZEN))
    assert {world.repo.task_status(t) for t in (first, draft.task_id)} == {TaskStatus.FROZEN}


def test_an_override_of_a_step_after_the_draw_needs_a_reason_and_an_administrator(world: World) -> None:
    task = published_task(world)
    world.run(commands.MoveTask(task, TaskStatus.FROZEN))
    admin = {"county_admin"}
    missing = refused(lambda: world.run(commands.OverrideTaskStatus(task, TaskStatus.DRAWN, " "), roles=admin))
    assert missing.code == "task.override_reason_required"
    planner = refused(lambda: world.run(commands.OverrideTaskStatus(task, TaskStatus.DRAWN, "补录")))
    assert planner.status == 403
    drawn = world.run(commands.OverrideTaskStatus(task, TaskStatus.DRAWN, "补录"), roles=admin)
    assert drawn.status is TaskStatus.DRAWN
    assert world.repo.task_records[task][-1].action == "task.override"
    assert world.repo.task_records[task][-1].reason == "人工变更：补录"


def test_an_unknown_task_is_not_found(world: World) -> None:
    with pytest.raises(TaskNotFound):
        world.run(commands.MoveTask(str(uuid.uuid4()), TaskStatus.PUBLISHED))


# -- the facts after the draw -------------------------------------------------------------------


def test_a_completed_draw_makes_its_frozen_task_drawn_then_dispatched(world: World) -> None:
    task = published_task(world)
    world.run(commands.MoveTask(task, TaskStatus.FROZEN))
    done = DrawCompleted(
        draw_id=uuid.uuid4(),
        task_ids=[uuid.UUID(task)],
        node=COUNTY,
        seed="ab" * 32,
        picks=3,
        dispatched={COUNTY: 3},
        completed_at=NOW,
    )
    handle_event(done, world.as_service(), str(uuid.uuid4()))
    assert world.repo.task_status(task) is TaskStatus.DISPATCHED
    assert world.events()[-2:] == ["planning.task_drawn", "planning.task_dispatched"]
    assert "planning.progress" in world.repo.locks
    assert world.repo.task_facts(task).draws[0].dispatched == {COUNTY: 3}


def test_a_visit_started_approved_and_published_takes_its_task_to_results_published(world: World) -> None:
    task = published_task(world)
    world.run(commands.MoveTask(task, TaskStatus.FROZEN))
    done = DrawCompleted(
        draw_id=uuid.uuid4(),
        task_ids=[uuid.UUID(task)],
        node=COUNTY,
        seed="ab" * 32,
        picks=1,
        dispatched={COUNTY: 1},
        completed_at=NOW,
    )
    service = world.as_service()
    handle_event(done, service, str(uuid.uuid4()))
    visit = uuid.uuid4()

    def step(status: str) -> Any:
        changed = VisitStatusChanged(
            visit_id=visit,
            node=COUNTY,
            uscc="91130100MA0000000X",
            region_code=COUNTY,
            task_ids=[uuid.UUID(task)],
            status=status,  # type: ignore[arg-type]
            at=NOW,
        )
        return handle_event(changed, service, str(uuid.uuid4()))

    assert step("opened") == []
    assert step("started") == [(task, "in_progress")]
    assert step("submitted") == []
    assert step("approved") == [(task, "completed")]
    published = ResultConfirmed(
        result_id=uuid.uuid4(),
        visit_id=visit,
        node=COUNTY,
        task_ids=[uuid.UUID(task)],
        public=True,
        content_sha256="cd" * 32,
        on_time=True,
        confirmed_at=NOW,
    )
    assert handle_event(published, service, str(uuid.uuid4())) == [(task, "results_published")]
    assert world.repo.task_status(task) is TaskStatus.RESULTS_PUBLISHED
    assert world.events()[-3:] == [
        "planning.task_started",
        "planning.task_completed",
        "planning.task_results_published",
    ]
    assert [r.action for r in world.repo.task_records[task]][-3:] == [
        "task.in_progress",
        "task.completed",
        "task.results_published",
    ]


def test_a_voided_draw_is_kept_as_a_fact_and_moves_no_task(world: World) -> None:
    task = published_task(world)
    world.run(commands.MoveTask(task, TaskStatus.FROZEN))
    voided = DrawVoided(draw_id=uuid.uuid4(), task_ids=[uuid.UUID(task)], node=COUNTY, reason="重抽", voided_at=NOW)
    assert handle_event(voided, world.as_service(), str(uuid.uuid4())) == []
    assert world.repo.task_status(task) is TaskStatus.FROZEN
    assert world.repo.task_facts(task).draws[0].voided
