"""The registry's use cases on fakes (repository, unit of work): state kept, events published, audit entries,
refusals with their codes; milliseconds each."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from registry.domain.errors import EntityExists, EntityNotFound, InspectorExists, InterestExists, InterestNotDeclared
from registry.service_layer import checklist, handlers
from registry.service_layer.checklist import WITHDRAWN
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
from registry_testkit import CITY, COUNTY, OTHER_COUNTY, PROVINCE, principal

from hrss.auth import AccessDenied, Principal
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.errors import InvalidRecord
from hrss.contracts.events.inspection import VisitStatusChanged
from hrss.contracts.lines import Line
from hrss.contracts.uscc import uscc_with_check
from hrss.testing.fakes import FakeUnitOfWork
from hrss.testing.seeds import load_seed_checklist

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
USCC = uscc_with_check(f"91{COUNTY}000000001"[:17])


def record(**extra: object) -> dict[str, object]:
    return {
        "uscc": USCC,
        "name": "平顶山市测试有限公司",
        "object_type": "企业",
        "region_code": COUNTY,
        "industry": "建筑业",
        "tags": "建筑施工企业;农民工集中用工",
        "credit_grade": "B",
        **extra,
    }


class World:
    """A registry serving the province, on fakes; `ctx(roles, node)` is a caller's context in a fresh unit of work."""

    def __init__(self) -> None:
        self.repo = FakeRegistryRepository()
        self.components = fake_components(self.repo, lambda: NOW)
        self.uow = FakeUnitOfWork(service="registry", nodes=(PROVINCE,))

    def ctx(self, roles: set[str] = frozenset({"county_admin"}), node: str = COUNTY) -> Context:  # type: ignore[assignment]
        self.uow = FakeUnitOfWork(service="registry", nodes=(PROVINCE,))
        return Context(self.uow, self.components, principal(set(roles), node))

    def run(self, command: object, **who: object) -> object:
        ctx = self.ctx(**who)  # type: ignore[arg-type]
        result = handlers.handle(command, ctx)
        self.uow.commit()
        return result


@pytest.fixture
def world() -> World:
    return World()


def test_registering_an_entity_keeps_version_one_publishes_it_and_audits_it(world: World) -> None:
    written = world.run(RegisterEntity(record(), reason="新设立"))
    assert (written.version, written.created, written.changed) == (1, True, True)  # type: ignore[attr-defined]
    kept = world.repo.lock_entity(written.id)  # type: ignore[attr-defined]
    assert kept is not None and kept.state.uscc == USCC and kept.state.region_code == COUNTY
    [event] = world.uow.committed
    assert event.type == "registry.entity_changed" and event.payload["version"] == 1
    assert event.payload["node"] == PROVINCE  # the served node that keeps the county's data
    [(node, entry)] = world.uow.audited
    assert (node, entry.action, entry.object_id, entry.after_hash) == (
        PROVINCE,
        "entity.register",
        written.id,  # type: ignore[attr-defined]
        kept.content_hash,
    )


def test_a_uscc_registered_twice_is_a_conflict_naming_the_entity(world: World) -> None:
    first = world.run(RegisterEntity(record()))
    with pytest.raises(EntityExists) as refused:
        world.run(RegisterEntity(record(name="另一个名称有限公司")))
    assert refused.value.code == "entity.exists" and first.id in refused.value.message  # type: ignore[attr-defined]
    assert world.uow.events == [] and len(world.repo.entities) == 1


def test_a_change_makes_version_two_and_the_same_content_again_makes_none(world: World) -> None:
    first = world.run(RegisterEntity(record()))
    changed = world.run(ChangeEntity(first.id, {"credit_grade": "C"}, reason="信用等级调整"))  # type: ignore[attr-defined]
    assert (changed.version, changed.changed) == (2, True)  # type: ignore[attr-defined]
    assert world.uow.audited[0][1].before_hash == world.repo.entities[first.id][0][0].content_hash  # type: ignore[attr-defined]
    again = world.run(ChangeEntity(first.id, {"credit_grade": "C"}, reason="重复提交"))  # type: ignore[attr-defined]
    assert (again.version, again.changed) == (2, False)  # type: ignore[attr-defined]
    assert world.uow.committed == [] and world.uow.audited == []  # nothing published or audited for no change
    assert [v.version for v, _ in world.repo.entities[first.id]] == [1, 2]  # type: ignore[attr-defined]


def test_changing_an_unknown_entity_is_not_found(world: World) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(EntityNotFound) as refused:
        world.run(ChangeEntity(missing, {"credit_grade": "C"}))
    assert refused.value.status == 404 and refused.value.message == f"检查对象 {missing} 不存在"


def test_a_county_administrator_may_not_register_or_move_an_entity_into_another_county(world: World) -> None:
    with pytest.raises(AccessDenied):
        world.run(RegisterEntity(record(region_code=OTHER_COUNTY)))
    first = world.run(RegisterEntity(record()))
    with pytest.raises(AccessDenied):
        world.run(ChangeEntity(first.id, {"region_code": OTHER_COUNTY}))  # type: ignore[attr-defined]
    assert [v.version for v, _ in world.repo.entities[first.id]] == [1]  # type: ignore[attr-defined]


def test_a_change_known_in_the_future_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidRecord) as refused:
        world.run(RegisterEntity(record(), known_at=NOW + timedelta(days=1)))
    assert [e.code for e in refused.value.errors] == ["change.known_at_future"]


def test_a_change_applied_more_than_five_working_days_after_it_was_known_is_late(world: World) -> None:
    written = world.run(RegisterEntity(record(), known_at=NOW - timedelta(days=30)))
    [(_, change)] = world.repo.entities[written.id]  # type: ignore[attr-defined]
    assert change.late is True and world.uow.audited[0][1].detail["late"] == "true"


def approved(day: date, node: str = COUNTY, status: str = "approved") -> VisitStatusChanged:
    return VisitStatusChanged(
        visit_id=uuid.uuid4(),
        node=node,
        uscc=USCC,
        region_code=COUNTY,
        task_ids=[uuid.uuid4()],
        status=status,  # type: ignore[arg-type]
        inspected_on=day,
        at=NOW - timedelta(hours=1),
    )


def service_context(world: World) -> Context:
    world.uow = FakeUnitOfWork(service="registry", nodes=(PROVINCE,))
    return Context(world.uow, world.components, Principal.for_service("registry", [PROVINCE]))


def test_an_approved_result_becomes_the_entity_last_inspection_once(world: World) -> None:
    first = world.run(RegisterEntity(record()))
    written = handlers.handle_event(approved(date(2026, 11, 20)), service_context(world), "event-1")
    assert (written.version, written.changed) == (2, True)
    assert world.repo.lock_entity(first.id).state.last_inspected == date(2026, 11, 20)  # type: ignore[attr-defined, union-attr]
    world.uow.commit()
    [(_, entry)] = world.uow.audited
    assert (entry.action, entry.event_id, entry.actor_role) == ("entity.change", "event-1", "service")
    assert "由节点 410402 检查" in (entry.reason or "")
    earlier = handlers.handle_event(approved(date(2026, 11, 1)), service_context(world), "event-2")
    assert earlier.changed is False and world.uow.events == []  # an earlier day never moves the date back


def test_a_result_not_approved_or_from_outside_the_entity_territory_records_nothing(world: World) -> None:
    world.run(RegisterEntity(record()))
    assert handlers.handle_event(approved(date(2026, 11, 20), status="submitted"), service_context(world), "e") is None
    assert handlers.handle_event(approved(date(2026, 11, 20), node=OTHER_COUNTY), service_context(world), "e") is None
    assert world.uow.events == []


def inspector_record(**extra: object) -> dict[str, object]:
    return {
        "credential_no": "41040220260001",
        "credential_expires": "2030-12-31",
        "name": "张一",
        "unit": "新华区劳动保障监察大队",
        "node": COUNTY,
        "line": "劳动保障监察",
        "qualifications": "行政执法资格",
        "national_id": "410402199003071237",
        "phone": "13803751234",
        **extra,
    }


def test_registering_an_inspector_publishes_no_personal_data(world: World) -> None:
    written = world.run(RegisterInspector(inspector_record()))
    kept = world.repo.lock_inspector(written.id)  # type: ignore[attr-defined]
    assert kept is not None and kept.state.national_id == "410402199003071237"
    [event] = world.uow.committed
    assert event.type == "registry.inspector_changed" and event.payload["credential_no"] == "41040220260001"
    assert "national_id" not in event.payload and "phone" not in event.payload
    assert world.uow.audited[0][1].action == "inspector.register"


def test_a_credential_number_registered_twice_is_a_conflict(world: World) -> None:
    world.run(RegisterInspector(inspector_record()))
    with pytest.raises(InspectorExists) as refused:
        world.run(RegisterInspector(inspector_record(name="李二")))
    assert refused.value.code == "inspector.exists" and len(world.repo.inspectors) == 1


def test_a_transfer_is_version_two_and_needs_no_new_credential(world: World) -> None:
    first = world.run(RegisterInspector(inspector_record()))
    changed = world.run(ChangeInspector(first.id, {"status": "调离"}, reason="调离本单位"))  # type: ignore[attr-defined]
    assert (changed.version, changed.changed) == (2, True)  # type: ignore[attr-defined]
    assert world.repo.lock_inspector(first.id).state.status.value == "transferred"  # type: ignore[attr-defined, union-attr]


def test_declaring_an_interest_publishes_the_inspector_interests_and_a_second_declaration_conflicts(
    world: World,
) -> None:
    first = world.run(RegisterInspector(inspector_record()))
    answer = world.run(DeclareInterest(first.id, USCC, "曾在该单位任职"))  # type: ignore[attr-defined]
    assert answer["revision"] == 1 and [i["uscc"] for i in answer["interests"]] == [USCC]  # type: ignore[index]
    [event] = world.uow.committed
    assert event.type == "registry.interests_changed" and event.payload["interests"][0]["uscc"] == USCC
    with pytest.raises(InterestExists):
        world.run(DeclareInterest(first.id, USCC, "再次申报"))  # type: ignore[attr-defined]
    withdrawn = world.run(DeclareInterest(first.id, USCC, "已离职满三年", withdraw=True))  # type: ignore[attr-defined]
    assert withdrawn["revision"] == 2 and withdrawn["interests"] == []  # type: ignore[index]
    assert world.uow.audited[0][1].action == "interest.withdraw"
    with pytest.raises(InterestNotDeclared):
        world.run(DeclareInterest(first.id, USCC, "再撤回一次", withdraw=True))  # type: ignore[attr-defined]


def test_an_interest_needs_a_valid_uscc_and_a_reason_and_names_both_fields(world: World) -> None:
    first = world.run(RegisterInspector(inspector_record()))
    with pytest.raises(InvalidRecord) as refused:
        world.run(DeclareInterest(first.id, "91410402X", ""))  # type: ignore[attr-defined]
    assert {e.field for e in refused.value.errors} == {"uscc", "reason"}
    assert world.repo.declarations == {}


@pytest.fixture(scope="module")
def specs() -> list[CheckItemSpec]:
    return load_seed_checklist()


def city_planner(world: World) -> dict[str, object]:
    return {"roles": {"city_admin"}, "node": CITY}


def test_adding_a_check_item_lists_it_at_its_number_publishes_and_audits_it(
    world: World, specs: list[CheckItemSpec]
) -> None:
    spec = specs[0]
    written = world.run(
        AddCheckItem(CITY, spec, Line.LABOUR_INSPECTION, "新增", ("行政执法资格",)), **city_planner(world)
    )
    assert world.repo.check_item_id(CITY, str(spec.number)) == written.id  # type: ignore[attr-defined]
    [event] = world.uow.committed
    assert event.type == "registry.check_item_changed" and event.payload["line"] == "labour_inspection"
    assert world.uow.audited[0][1].action == "check_item.add"
    with pytest.raises(InvalidRecord) as refused:
        world.run(AddCheckItem(CITY, spec, None, "重复"), **city_planner(world))
    assert [e.code for e in refused.value.errors] == ["checklist.number_taken"]


def test_a_revision_keeps_the_line_unless_given_and_needs_a_reason(world: World, specs: list[CheckItemSpec]) -> None:
    added = world.run(AddCheckItem(CITY, specs[1], Line.SOCIAL_INSURANCE, None), **city_planner(world))
    key = added.id  # type: ignore[attr-defined]
    same = world.run(ReviseCheckItem(key, specs[1], None), **city_planner(world))
    assert same.changed is False  # type: ignore[attr-defined]
    with pytest.raises(InvalidRecord) as refused:
        world.run(ReviseCheckItem(key, None, None, qualifications=("行政执法资格",)), **city_planner(world))
    assert [e.code for e in refused.value.errors] == ["field.required"]
    revised = world.run(
        ReviseCheckItem(key, None, "增加资格要求", qualifications=("行政执法资格",)), **city_planner(world)
    )
    kept = world.repo.lock_check_item(key)
    assert revised.version == 2 and kept is not None  # type: ignore[attr-defined]
    assert (kept.line, kept.qualifications) == ("social_insurance", ("行政执法资格",))
    withdrawn = world.run(ReviseCheckItem(key, None, "不再抽查", status=WITHDRAWN), **city_planner(world))
    assert withdrawn.version == 3 and world.uow.audited[0][1].action == "check_item.withdraw"  # type: ignore[attr-defined]


def test_a_county_administrator_may_not_add_to_the_city_list(world: World, specs: list[CheckItemSpec]) -> None:
    with pytest.raises(AccessDenied):
        world.run(AddCheckItem(CITY, specs[0], None, None))
    assert world.repo.check_items == {}


def test_loading_the_official_list_twice_adds_it_once(world: World, specs: list[CheckItemSpec]) -> None:
    ctx = world.ctx({"city_admin"}, CITY)
    loaded = checklist.load_list(ctx, CITY, specs, None, "载入", ("行政执法资格",), lines_from_units=True)
    assert len(loaded) == len(specs) == len(world.repo.check_items) and all(i["created"] for i in loaded)
    again = checklist.load_list(world.ctx({"city_admin"}, CITY), CITY, specs, None, "再次载入", ("行政执法资格",))
    assert not any(i["changed"] for i in again)
    assert [i["line"] for i in again] == [i["line"] for i in loaded]  # a line named before is kept
