"""Issue 17: a change to an entity, inspector or checklist item of a node outside the caller's scope is answered
exactly as a change to one that does not exist (404, the same code and message); a caller who sees the record but
may not change it (no keeper role, or a checklist item of a node above) is still refused with 403."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from registry.service_layer import handlers
from registry.service_layer.commands import (
    AddCheckItem,
    ChangeEntity,
    ChangeInspector,
    DeclareInterest,
    RegisterEntity,
    RegisterInspector,
    ReviseCheckItem,
)
from registry.service_layer.context import Context
from registry_fakes import FakeRegistryRepository, fake_components
from registry_testkit import CITY, COUNTY, OTHER_CITY_COUNTY, OTHER_COUNTY, PROVINCE, principal

from hrss.contracts import PlatformError
from hrss.contracts.uscc import uscc_with_check
from hrss.testing.fakes import FakeUnitOfWork
from hrss.testing.seeds import load_seed_checklist

NOW = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
OTHER_CITY = OTHER_CITY_COUNTY[:4] + "00"  # 郑州市
USCC = uscc_with_check(f"91{COUNTY}000000001"[:17])
ENTITY = {"uscc": USCC, "name": "平顶山市测试有限公司", "object_type": "企业", "region_code": COUNTY}
INSPECTOR = {
    "credential_no": "41040220260001",
    "credential_expires": "2030-12-31",
    "name": "张一",
    "unit": "新华区劳动保障监察大队",
    "node": COUNTY,
    "line": "劳动保障监察",
    "qualifications": "行政执法资格",
    "national_id": "410402199003071237",
    "phone": "13803751234",
}
STEPS: dict[str, Callable[[str], object]] = {
    "change entity": lambda key: ChangeEntity(key, {"credit_grade": "C"}, reason="调整"),
    "change inspector": lambda key: ChangeInspector(key, {"status": "调离"}, reason="调离"),
    "declare interest": lambda key: DeclareInterest(key, USCC, "曾在该单位任职"),
    "withdraw interest": lambda key: DeclareInterest(key, USCC, "已离职", withdraw=True),
    "revise item": lambda key: ReviseCheckItem(key, None, "不再抽查", status="withdrawn"),
}
OWNED = {
    "change entity": "entity",
    "change inspector": "inspector",
    "declare interest": "inspector",
    "withdraw interest": "inspector",
    "revise item": "item",
}


class World:
    """A registry serving the province, on fakes, holding an entity, an inspector and a checklist item of the
    county (`ids`)."""

    def __init__(self) -> None:
        self.repo = FakeRegistryRepository()
        self.components = fake_components(self.repo, lambda: NOW)
        admin = {"roles": {"county_admin"}, "node": COUNTY}
        self.ids = {
            "entity": self.run(RegisterEntity(ENTITY), **admin).id,
            "inspector": self.run(RegisterInspector(INSPECTOR), **admin).id,
            "item": self.run(AddCheckItem(COUNTY, load_seed_checklist()[0], None, "新增"), **admin).id,
        }
        self.run(DeclareInterest(self.ids["inspector"], USCC, "曾在该单位任职"), **admin)

    def run(self, command: object, roles: set[str], node: str) -> Any:
        uow = FakeUnitOfWork(service="registry", nodes=(PROVINCE,))
        result = handlers.handle(command, Context(uow, self.components, principal(roles, node)))
        uow.commit()
        return result

    def answer(self, command: object, key: str, roles: set[str], node: str) -> tuple[int, str, str]:
        """What the caller is told, with the id it sent blanked."""
        with pytest.raises(PlatformError) as refused:
            self.run(command, roles, node)
        error = refused.value
        return error.status, error.code, error.message.replace(key, "<id>")


@pytest.fixture(scope="module")
def world() -> World:
    return World()


@pytest.mark.parametrize("who", [({"county_admin"}, OTHER_COUNTY), ({"city_admin", "planner"}, OTHER_CITY)])
@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_change_to_another_nodes_record_is_answered_as_to_no_record(
    world: World, step: str, who: tuple[set[str], str]
) -> None:
    theirs, nobody = world.ids[OWNED[step]], str(uuid.uuid4())
    shown = world.answer(STEPS[step](theirs), theirs, *who)
    assert shown == world.answer(STEPS[step](nobody), nobody, *who)
    assert shown[0] == 404 and shown[1].endswith(".not_found") and "不存在" in shown[2]


@pytest.mark.parametrize("step", sorted(STEPS))
def test_who_sees_a_record_but_keeps_no_registry_is_still_refused_with_403(world: World, step: str) -> None:
    key = world.ids[OWNED[step]]
    shown = world.answer(STEPS[step](key), key, {"auditor"}, CITY)
    assert shown[:2] == (403, "access.read_only")


def test_a_county_sees_the_items_of_the_city_above_so_revising_one_is_refused_not_hidden(world: World) -> None:
    item = world.run(AddCheckItem(CITY, load_seed_checklist()[1], None, "新增"), {"city_admin"}, CITY).id
    shown = world.answer(ReviseCheckItem(item, None, "不再抽查", status="withdrawn"), item, {"county_admin"}, COUNTY)
    assert shown[:2] == (403, "access.out_of_scope")
