"""Issue 17: a plan of a node outside the caller's scope is answered exactly as a plan that does not exist (404
`plan.not_found`, the same message), by every step and by the read; the parent node still reviews the plans filed
with it, and a caller who sees a plan but may not change it is still refused with 403.

So is a task a caller does not see (`task.not_found`): one whose node is outside its scope and that no node of its
scope implements. Who sees a task — its node and those above, its implementing nodes and those above — but may
not act on it is still refused with 403."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from planning import views
from planning.domain.plans import PlannedItem
from planning.domain.task_lifecycle import TaskStatus
from planning.entrypoints.schemas import TaskBody
from planning.service_layer import commands
from planning.service_layer.context import Components, Context
from planning.service_layer.handlers import apply_check_items, handle
from planning_fakes import FakePlanningRepository
from planning_testkit import CITY, COUNTY, OTHER_COUNTY, PROVINCE, principal

from hrss.auth import Principal
from hrss.contracts import Node, PlatformError
from hrss.contracts.events.registry import CheckItemChanged
from hrss.testing import seeds
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
OTHER_CITY = "130200"
STEPS: dict[str, Callable[[str], object]] = {
    "edit": lambda plan_id: commands.EditPlan(plan_id, ()),
    "file": lambda plan_id: commands.FilePlan(plan_id),
    "accept": lambda plan_id: commands.AcceptPlan(plan_id, "同意"),
    "return": lambda plan_id: commands.ReturnPlan(plan_id, "退回"),
    "publish": lambda plan_id: commands.PublishPlan(plan_id),
    "adjust": lambda plan_id: commands.AdjustPlan(plan_id, "调整"),
}
TASK_STEPS: dict[str, Callable[[str, TaskBody], object]] = {
    "revise": lambda task_id, draft: commands.ReviseTask(task_id, draft),
    "publish": lambda task_id, draft: commands.MoveTask(task_id, TaskStatus.PUBLISHED),
    "freeze": lambda task_id, draft: commands.MoveTask(task_id, TaskStatus.FROZEN),
    "cancel": lambda task_id, draft: commands.MoveTask(task_id, TaskStatus.CANCELLED, "取消"),
    "override": lambda task_id, draft: commands.OverrideTaskStatus(task_id, TaskStatus.DRAWN, "补录"),
}
TASK_VIEWS: dict[str, Callable[[Context, str], object]] = {
    "task": views.task,
    "history": views.task_history,
    "progress": views.task_progress,
}
NO_TASK = (404, "task.not_found", "抽查任务 <id> 不存在")


def item_versions() -> list[CheckItemChanged]:
    """The 9 items of seeds/002, kept by the province, as the registry's events carry them."""
    return [
        CheckItemChanged(
            item_id=uuid.uuid5(uuid.NAMESPACE_URL, f"hrss-test-item-{PROVINCE}-{spec.number}"),
            version=1,
            node=PROVINCE,
            number=str(spec.number),
            line="labour_inspection",
            status="active",
            spec=spec.to_json(),
            content_hash=spec.content_hash(),
            changed_at=NOW,
        )
        for spec in seeds.load_seed_checklist()
    ]


class World:
    def __init__(self) -> None:
        self.repo = FakePlanningRepository()
        self.uow = FakeUnitOfWork(service="planning", nodes=(PROVINCE,))
        self.components = Components(repository=lambda uow: self.repo, clock=lambda: NOW)
        apply_check_items(self.as_service(), item_versions())

    def as_(self, roles: set[str], node: str) -> Context:
        return Context(self.uow, self.components, principal(roles, node), "trace-1")

    def as_service(self) -> Context:
        return Context(self.uow, self.components, Principal.for_service("planning", (Node(PROVINCE),)))

    def filed_plan(self) -> str:
        """A county plan covering its list, filed with the city."""
        plan = handle(commands.CreatePlan(COUNTY, 2027), self.as_({"planner"}, COUNTY))
        items = tuple(PlannedItem(i.item_id, i.version, 1, "") for i in self.repo.items_in_force([PROVINCE]))
        handle(commands.EditPlan(plan.plan_id, items), self.as_({"planner"}, COUNTY))
        handle(commands.FilePlan(plan.plan_id), self.as_({"planner"}, COUNTY))
        return str(plan.plan_id)

    def draft(self, node: str = COUNTY, **overrides: Any) -> TaskBody:
        """An ad hoc task of `node` on the first two items of the list in force."""
        first, second = sorted(self.repo.items_in_force([PROVINCE]), key=lambda i: i.item_id)[:2]
        body: dict[str, Any] = {
            "node": node,
            "title": "2027年劳动用工双随机抽查",
            "year": 2027,
            "items": [{"item_id": first.item_id}, {"item_id": second.item_id, "ratio": "40%"}],
            "lines": ["劳动保障监察"],
            "start": "2027-04-01",
            "end": "2027-06-30",
            "ad_hoc_reason": "专项整治",
            **overrides,
        }
        return TaskBody.model_validate(body)

    def published_task(self, node: str = COUNTY, **overrides: Any) -> str:
        planner = self.as_({"planner"}, node)
        task = handle(commands.CreateTask(node, self.draft(node, **overrides)), planner)
        handle(commands.MoveTask(task.task_id, TaskStatus.PUBLISHED), planner)
        return str(task.task_id)

    def unified_task(self) -> str:
        """The province's task, drawn at the province and carried out by COUNTY alone."""
        return self.published_task(PROVINCE, unified=True, implementing_nodes=[COUNTY])

    def outsider(self, node: str) -> Context:
        """A planner and administrator of another county or another city: may do anything at its own nodes."""
        return self.as_({"planner", "city_admin" if node == OTHER_CITY else "county_admin"}, node)


@pytest.fixture
def world() -> World:
    return World()


def answer(run: Callable[[], Any], plan_id: str) -> tuple[int, str, str]:
    """What the caller is told, with the id it sent blanked."""
    with pytest.raises(PlatformError) as refused:
        run()
    error = refused.value
    return error.status, error.code, error.message.replace(plan_id, "<id>")


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_step_on_another_nodes_plan_is_answered_as_on_no_plan(world: World, step: str, node: str) -> None:
    theirs, nobody = world.filed_plan(), str(uuid.uuid4())
    caller = world.as_({"planner", "city_admin" if node == OTHER_CITY else "county_admin"}, node)
    shown = answer(lambda: handle(STEPS[step](theirs), caller), theirs)
    assert shown == answer(lambda: handle(STEPS[step](nobody), caller), nobody)
    assert shown == (404, "plan.not_found", "年度抽查计划 <id> 不存在")


@pytest.mark.parametrize("roles", [{"planner"}, {"auditor"}, {"inspector"}])
def test_reading_another_nodes_plan_is_answered_as_reading_no_plan(world: World, roles: set[str]) -> None:
    theirs, nobody = world.filed_plan(), str(uuid.uuid4())
    caller = world.as_(roles, OTHER_COUNTY)
    shown = answer(lambda: views.plan(caller, theirs), theirs)
    assert (
        shown
        == answer(lambda: views.plan(caller, nobody), nobody)
        == (404, "plan.not_found", "年度抽查计划 <id> 不存在")
    )
    assert views.plan(world.as_({"auditor"}, CITY), theirs)["plan_id"] == theirs  # the parent reads it


def test_the_parent_still_reviews_and_who_sees_a_plan_but_may_not_act_is_refused_with_403(world: World) -> None:
    plan_id = world.filed_plan()
    auditor = answer(lambda: handle(commands.AcceptPlan(plan_id), world.as_({"auditor"}, CITY)), plan_id)
    assert auditor[:2] == (403, "access.read_only")
    inspector = answer(lambda: handle(commands.ReturnPlan(plan_id, "退回"), world.as_({"inspector"}, CITY)), plan_id)
    assert inspector[:2] == (403, "access.role_required")
    own = answer(lambda: handle(commands.AcceptPlan(plan_id), world.as_({"planner"}, COUNTY)), plan_id)
    assert own[:2] == (403, "plan.not_parent")
    returned = handle(commands.ReturnPlan(plan_id, "第3项任务数偏少"), world.as_({"planner"}, CITY))
    assert returned.status.value == "returned"


# -- tasks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
@pytest.mark.parametrize("step", sorted(TASK_STEPS))
def test_a_step_on_another_nodes_task_is_answered_as_on_no_task(world: World, step: str, node: str) -> None:
    theirs, nobody, draft = world.published_task(), str(uuid.uuid4()), world.draft(node)
    caller = world.outsider(node)
    shown = answer(lambda: handle(TASK_STEPS[step](theirs, draft), caller), theirs)
    assert shown == answer(lambda: handle(TASK_STEPS[step](nobody, draft), caller), nobody) == NO_TASK
    assert world.repo.task_status(theirs) is TaskStatus.PUBLISHED


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
def test_freezing_another_nodes_draw_group_is_answered_as_freezing_no_task(world: World, node: str) -> None:
    theirs = world.published_task(draw_group="联合-1")
    shown = answer(lambda: handle(commands.MoveTask(theirs, TaskStatus.FROZEN), world.outsider(node)), theirs)
    assert shown == NO_TASK
    assert world.repo.task_status(theirs) is TaskStatus.PUBLISHED


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
@pytest.mark.parametrize("view", sorted(TASK_VIEWS))
@pytest.mark.parametrize("roles", [{"planner"}, {"auditor"}, {"inspector"}])
def test_reading_another_nodes_task_is_answered_as_reading_no_task(
    world: World, view: str, roles: set[str], node: str
) -> None:
    theirs, nobody = world.published_task(), str(uuid.uuid4())
    caller = world.as_(roles, node)
    shown = answer(lambda: TASK_VIEWS[view](caller, theirs), theirs)
    assert shown == answer(lambda: TASK_VIEWS[view](caller, nobody), nobody) == NO_TASK


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
def test_a_unified_task_is_no_task_to_whom_neither_keeps_nor_implements_it(world: World, node: str) -> None:
    unified, auditor = world.unified_task(), world.as_({"auditor"}, node)
    shown = {name: answer(lambda v=view: v(auditor, unified), unified) for name, view in TASK_VIEWS.items()}
    assert shown == dict.fromkeys(TASK_VIEWS, NO_TASK)
    cancel = commands.MoveTask(unified, TaskStatus.CANCELLED, "取消")
    assert answer(lambda: handle(cancel, world.outsider(node)), unified) == NO_TASK


def refusal(world: World, command: object, roles: set[str], node: str) -> tuple[int, str]:
    """The status and code of a step refused to a caller of `roles` at `node`."""
    with pytest.raises(PlatformError) as refused:
        handle(command, world.as_(roles, node))
    return refused.value.status, refused.value.code


def test_who_sees_a_task_but_may_not_act_is_refused_with_403(world: World) -> None:
    unified, own = world.unified_task(), world.published_task()
    for node in (COUNTY, CITY):  # the implementing county and the city above it see the province's task
        assert views.task_progress(world.as_({"planner"}, node), unified)["task_id"] == unified
        freeze = commands.MoveTask(unified, TaskStatus.FROZEN)
        assert refusal(world, freeze, {"planner"}, node) == (403, "access.out_of_scope")
    assert views.task_progress(world.as_({"auditor"}, CITY), own)["task_id"] == own  # the city sees below it
    freeze = commands.MoveTask(own, TaskStatus.FROZEN)
    assert refusal(world, freeze, {"auditor"}, COUNTY) == (403, "access.read_only")
    assert refusal(world, freeze, {"inspector"}, COUNTY) == (403, "access.role_required")
    override = commands.OverrideTaskStatus(own, TaskStatus.DRAWN, "补录")
    assert refusal(world, override, {"planner"}, COUNTY) == (403, "access.role_required")
    assert handle(freeze, world.as_({"planner"}, COUNTY)).status is TaskStatus.FROZEN


@pytest.mark.parametrize("node", [OTHER_COUNTY, OTHER_CITY])
def test_a_task_from_another_nodes_plan_is_answered_as_from_no_plan(world: World, node: str) -> None:
    theirs, nobody = world.filed_plan(), str(uuid.uuid4())
    caller = world.outsider(node)
    draft = world.draft(node, plan_id=theirs, ad_hoc_reason=None)
    shown = answer(lambda: handle(commands.CreateTask(node, draft), caller), theirs)
    unknown = world.draft(node, plan_id=nobody, ad_hoc_reason=None)
    assert shown == answer(lambda: handle(commands.CreateTask(node, unknown), caller), nobody)
    assert shown == (404, "plan.not_found", "年度抽查计划 <id> 不存在")
