"""Issue 17: a plan of a node outside the caller's scope is answered exactly as a plan that does not exist (404
`plan.not_found`, the same message), by every step and by the read; the parent node still reviews the plans filed
with it, and a caller who sees a plan but may not change it is still refused with 403."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from planning import views
from planning.domain.plans import PlannedItem
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
