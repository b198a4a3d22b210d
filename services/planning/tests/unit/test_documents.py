"""Plans, tasks and settings as JSON documents: exact round trips through JSON text, and event payloads that
validate against the planning contracts with ratios as numerator and denominator, never floats."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import pytest
from planning.domain.documents import (
    actor_document,
    plan_document,
    plan_from,
    plan_state,
    settings_document,
    settings_from,
    task_document,
    task_from,
    task_state,
)
from planning.domain.plans import (
    Plan,
    PlannedItem,
    PlanStatus,
    accept_plan,
    adjust_plan,
    file_plan,
    new_plan,
    publish_plan,
    record_omission,
    return_plan,
    set_items,
)
from planning.domain.settings import NodeSettings
from planning.domain.task_lifecycle import TaskStatus, transition
from planning.domain.tasks import GradeRatio, PlanRef, Scope, Task, with_number
from planning_builders import (
    CITY,
    COUNTY,
    CST,
    OTHER_COUNTY,
    PROVINCE,
    actor,
    cst,
    entries,
    item_id,
    key_item,
    make_task,
    percent,
    settings,
    task_item,
)
from pydantic import ValidationError

from hrss.contracts import Envelope, Level, Producer, registry
from hrss.contracts.checklist import Ratio
from hrss.contracts.credit import CreditGrade
from hrss.contracts.events.planning import (
    Acting,
    PlanAccepted,
    PlanAdjusted,
    PlanFiled,
    PlanReturned,
    PlanState,
    TaskReadyForDraw,
    TaskState,
)
from hrss.contracts.lines import Line

PLAN_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "hrss-test-plan-130102-2026"))
TASK_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "hrss-test-task-130102-1"))
SEVEN_AND_A_HALF = percent("7.5")  # 3/40: exact as a fraction, not as a binary float
MINIMUM = Ratio("minimum", minimum=200, unit="人")


def through_json(document: dict[str, Any]) -> dict[str, Any]:
    """The document as a JSONB column or a Kafka message gives it back."""
    return json.loads(json.dumps(document, ensure_ascii=False))


def floats_in(value: Any, where: str = "") -> list[str]:
    """Where a float occurs in a JSON value (empty if nowhere)."""
    if isinstance(value, float):
        return [where]
    if isinstance(value, dict):
        return [found for key, inner in value.items() for found in floats_in(inner, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for index, inner in enumerate(value) for found in floats_in(inner, f"{where}[{index}]")]
    return []


# -- plans -------------------------------------------------------------------------------------


def plan_history() -> dict[str, tuple[Plan, Any]]:
    """A county plan through every step (returned once, adjusted, filed again, accepted, published), by step."""
    county, city = actor(COUNTY), actor(CITY, "reviewer")
    county_settings = settings(COUNTY)
    joint = PlannedItem(item_id(1), 1, planned_tasks=2, note="与市场监管联合")
    draft = set_items(new_plan(PLAN_ID, COUNTY, 2026), [joint, *(PlannedItem(item_id(n), 1) for n in range(2, 9))])
    draft = record_omission(draft, item_id(9), "本县无失业保险参保企业")
    filed, filing = file_plan(draft, entries(), county_settings, county, cst(2026, 1, 20), "按时报备")
    returned, returning = return_plan(filed, city, cst(2026, 1, 25), "请补充第1项的联合检查安排")
    adjusted, adjusting = adjust_plan(returned, county, cst(2026, 2, 3), "按上级意见调整")
    refiled, refiling = file_plan(adjusted, entries(), county_settings, county, cst(2026, 2, 5))
    accepted, accepting = accept_plan(refiled, city, cst(2026, 2, 8), "同意备案")
    published, publishing = publish_plan(accepted, county, cst(2026, 2, 10))
    return {
        "draft": (draft, None),
        "filed": (filed, filing),
        "returned": (returned, returning),
        "adjusted": (adjusted, adjusting),
        "refiled": (refiled, refiling),
        "accepted": (accepted, accepting),
        "published": (published, publishing),
    }


STEPS = list(plan_history())


def test_the_plan_history_covers_every_status_two_versions_and_both_kinds_of_review() -> None:
    history = plan_history()
    published = history["published"][0]
    assert {plan.status for plan, _ in history.values()} == set(PlanStatus)
    assert published.version == 2 and published.adjustment_reason == "按上级意见调整"
    assert [(r.version, r.accepted) for r in published.reviews] == [(1, False), (2, True)]
    assert published.omissions and published.items[0].note and published.first_filed_at != published.filed_at


@pytest.mark.parametrize("step", STEPS)
def test_a_plan_survives_its_document_through_json_exactly(step: str) -> None:
    plan = plan_history()[step][0]
    restored = plan_from(through_json(plan_document(plan)))
    assert restored == plan
    assert plan_document(restored) == plan_document(plan)


def test_plan_instants_come_back_at_the_same_offset_and_reviews_keep_their_actor() -> None:
    plan = plan_history()["published"][0]
    in_china = dataclasses.replace(plan, filed_at=datetime(2026, 2, 5, 18, 30, tzinfo=CST))
    restored = plan_from(through_json(plan_document(in_china)))
    assert restored.filed_at == in_china.filed_at
    assert restored.filed_at is not None and restored.filed_at.utcoffset() == CST.utcoffset(None)
    assert restored.first_filed_at is not None and restored.first_filed_at.utcoffset() is not None
    assert [r.actor for r in restored.reviews] == [actor(CITY, "reviewer")] * 2
    assert [r.comment for r in restored.reviews] == ["请补充第1项的联合检查安排", "同意备案"]


@pytest.mark.parametrize("step", STEPS)
def test_the_plan_state_of_every_step_is_a_valid_contract_plan_state(step: str) -> None:
    plan = plan_history()[step][0]
    state = PlanState.model_validate(plan_state(plan))
    assert str(state.plan_id) == PLAN_ID
    assert (state.status, state.version, state.late) == (plan.status.value, plan.version, plan.late)
    assert [i.item_id for i in state.items] == [i.item_id for i in plan.items]


def test_a_filed_plan_makes_a_valid_plan_filed_event_that_crosses_the_wire_unchanged() -> None:
    plan, filing = plan_history()["filed"]
    assert filing.filed_with == CITY
    payload = PlanFiled(
        plan=plan_state(plan),
        actor=Acting.model_validate(actor_document(filing.actor)),
        at=filing.at,
        reason=filing.reason,
        filed_with=filing.filed_with.code,
        deadline=filing.deadline,
        late=filing.late,
    )
    envelope = registry.build(payload, subject=plan.plan_id, producer=Producer(service="planning", node=COUNTY.code))
    received = registry.validate(Envelope.from_bytes(envelope.to_bytes()))
    assert received == payload
    assert (payload.deadline, payload.late, payload.reason) == (date(2026, 1, 31), False, "按时报备")
    assert payload.plan.omissions[0].reason == "本县无失业保险参保企业"


def test_a_province_plan_is_self_filed_and_its_event_names_nobody_above_it() -> None:
    province = actor(PROVINCE)
    draft = set_items(new_plan(PLAN_ID, PROVINCE, 2026), [PlannedItem(e.item_id, 1) for e in entries()])
    plan, filing = file_plan(draft, entries(), settings(PROVINCE), province, cst(2026, 2, 2))
    payload = PlanFiled(
        plan=plan_state(plan),
        actor=Acting.model_validate(actor_document(province)),
        at=filing.at,
        reason=None,
        filed_with=None,
        deadline=filing.deadline,
        late=filing.late,
    )
    assert (payload.plan.status, payload.late, payload.filed_with) == ("accepted", True, None)
    assert plan_from(through_json(plan_document(plan))) == plan


@pytest.mark.parametrize(
    ("step", "contract", "extra"),
    [("returned", PlanReturned, {}), ("adjusted", PlanAdjusted, {"from_version": 1}), ("accepted", PlanAccepted, {})],
)
def test_review_and_adjustment_steps_make_valid_plan_events(step: str, contract: Any, extra: dict[str, Any]) -> None:
    plan, record = plan_history()[step]
    payload = contract(
        plan=plan_state(plan),
        actor=Acting.model_validate(actor_document(record.actor)),
        at=record.at,
        reason=record.reason,
        **extra,
    )
    assert payload.plan.version == record.version and payload.reason


# -- tasks -------------------------------------------------------------------------------------


def county_task() -> Task:
    """A county task from plan version 2 with every kind of ratio, a narrowed scope and per-grade ratios."""
    return make_task(
        task_id=TASK_ID,
        items=(
            task_item(1, ratio=SEVEN_AND_A_HALF, line=Line.HR_MARKET),  # raised above the checklist's 5%
            key_item(7, ratio=Ratio("fraction", fraction=Fraction(1))),
            task_item(8, item_ratio=MINIMUM),
            task_item(9, item_ratio=MINIMUM, ratio=Ratio("minimum", minimum=300, unit="人")),
        ),
        lines=(Line.HR_MARKET, Line.SOCIAL_INSURANCE),
        departments=("市场监督管理局",),
        scope=Scope(
            ("130102",), ("人力资源服务机构", "用人单位"), ("重点行业", "欠薪投诉"), (CreditGrade.C, CreditGrade.D)
        ),
        grade_ratios=(GradeRatio(CreditGrade.C, Fraction(1, 5)), GradeRatio(CreditGrade.D, Fraction(1, 3))),
        exclude_inspected_within_months=12,
        team_size=3,
        publish_drawn_list=False,
        prior_notice=False,
        plan=PlanRef(PLAN_ID, 2),
        ad_hoc_reason=None,
        draw_group="2026-联合-1",
    )


def unified_city_task() -> Task:
    """An ad hoc task the city draws for two of its counties."""
    return make_task(
        settings(CITY),
        task_id=str(uuid.uuid5(uuid.NAMESPACE_URL, "hrss-test-task-130100-1")),
        unified=True,
        implementing_nodes=(OTHER_COUNTY, COUNTY),
        ad_hoc_reason="欠薪专项整治",
    )


def frozen(task: Task) -> Task:
    """The task numbered, published and frozen for its draw."""
    published, _ = transition(
        with_number(task, "冀人社抽〔2026〕7号"), TaskStatus.PUBLISHED, actor(task.node), cst(2026, 3, 1)
    )
    return transition(published, TaskStatus.FROZEN, actor(task.node), cst(2026, 3, 10))[0]


TASKS = {
    "county task": county_task,
    "unified city task": unified_city_task,
    "frozen county task": lambda: frozen(county_task()),
}


@pytest.mark.parametrize("name", list(TASKS))
def test_a_task_survives_its_document_through_json_exactly(name: str) -> None:
    task = TASKS[name]()
    restored = task_from(through_json(task_document(task)))
    assert restored == task
    assert task_document(restored) == task_document(task)


def test_every_ratio_of_a_task_comes_back_as_the_same_exact_kind() -> None:
    task = county_task()
    document = through_json(task_document(task))
    restored = task_from(document)
    assert not floats_in(document)
    assert [i.ratio for i in restored.items] == [
        SEVEN_AND_A_HALF,
        Ratio("fraction", fraction=Fraction(1)),
        MINIMUM,
        Ratio("minimum", minimum=300, unit="人"),
    ]
    assert [i.ratio_override for i in restored.items] == [i.ratio_override for i in task.items]
    assert [i.item_ratio for i in restored.items] == [
        task_item(1).item_ratio,
        task_item(7).item_ratio,
        MINIMUM,
        MINIMUM,
    ]
    assert all(isinstance(r.fraction, Fraction) for r in restored.grade_ratios)
    assert restored.grade_ratio(CreditGrade.D) == Fraction(1, 3)
    assert (restored.plan, restored.scope) == (PlanRef(PLAN_ID, 2), task.scope)


def test_the_task_document_records_the_kpi_facts_derived_at_the_source() -> None:
    assert task_document(county_task())["kpi"] == {
        "joint": True,
        "credit_differentiated": True,
        "major_items": 1,
        "minor_items": 3,
    }
    assert task_document(unified_city_task())["kpi"]["joint"] is False


@pytest.mark.parametrize("name", list(TASKS))
def test_the_task_state_is_a_valid_contract_task_state(name: str) -> None:
    task = TASKS[name]()
    state = TaskState.model_validate(task_state(task))
    assert str(state.task_id) == task.task_id
    assert [i.item_id for i in state.items] == [i.item_id for i in task.items]
    assert list(state.implementing_nodes) == [n.code for n in task.implementing_nodes]


def test_the_task_ready_for_draw_event_carries_each_ratio_as_numerator_and_denominator_on_the_wire() -> None:
    before = county_task()
    task = frozen(before)
    payload = TaskReadyForDraw(
        task=task_state(task),
        from_status="published",
        to_status="frozen",
        actor=Acting.model_validate(actor_document(actor(COUNTY))),
        at=cst(2026, 3, 10),
        reason=None,
    )
    envelope = registry.build(payload, subject=task.task_id, producer=Producer(service="planning", node=COUNTY.code))
    wire = json.loads(envelope.to_bytes())["payload"]["task"]
    assert not floats_in(wire)
    first, _, minimum, raised = wire["items"]
    assert (first["ratio"]["numerator"], first["ratio"]["denominator"]) == (3, 40)
    assert Fraction(first["ratio"]["numerator"], first["ratio"]["denominator"]) == SEVEN_AND_A_HALF.fraction
    assert (first["item_ratio"]["numerator"], first["item_ratio"]["denominator"]) == (1, 20)
    assert (minimum["ratio"]["kind"], minimum["ratio"]["minimum"], minimum["ratio"]["unit"]) == ("minimum", 200, "人")
    assert raised["ratio"]["minimum"] == 300 and raised["item_ratio"]["minimum"] == 200
    assert [(g["grade"], g["numerator"], g["denominator"]) for g in wire["grade_ratios"]] == [("C", 1, 5), ("D", 1, 3)]
    assert (wire["number"], wire["status"]) == ("冀人社抽〔2026〕7号", "frozen")
    assert (wire["plan_id"], wire["plan_version"], wire["ad_hoc_reason"]) == (PLAN_ID, 2, None)
    assert wire["scope"] == {
        "region_codes": ["130102"],
        "object_types": ["人力资源服务机构", "用人单位"],
        "tags": ["重点行业", "欠薪投诉"],
        "grades": ["C", "D"],
    }
    assert registry.validate(Envelope.from_bytes(envelope.to_bytes())) == payload
    assert before.status is TaskStatus.DRAFT


@pytest.mark.parametrize(
    "ratio",
    [
        {"kind": "fraction", "numerator": 7.5, "denominator": 100},
        {"kind": "fraction", "fraction": 0.075},
    ],
)
def test_the_task_contract_refuses_a_ratio_that_is_not_an_exact_fraction(ratio: dict[str, Any]) -> None:
    state = task_state(county_task())
    state["items"][0]["ratio"] = ratio
    with pytest.raises(ValidationError):
        TaskState.model_validate(state)


def test_the_task_contract_has_no_room_for_the_override_bookkeeping() -> None:
    with pytest.raises(ValidationError) as refused:
        TaskState.model_validate(task_document(county_task()))
    assert {error["loc"][-1] for error in refused.value.errors()} == {"ratio_override", "levels"}
    assert "ratio_override" not in task_state(county_task())["items"][0]
    assert "levels" not in task_state(county_task())["items"][0]
    TaskState.model_validate(task_state(county_task()))


def test_a_task_item_keeps_its_implementing_levels_and_older_records_read_without_them() -> None:
    task = county_task()
    assert task.items[0].levels == (Level.CITY, Level.COUNTY)
    assert task_from(through_json(task_document(task))) == task
    older = task_document(task)
    for item in older["items"]:
        del item["levels"]
    assert task_from(older).items[0].levels == ()


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "node_settings",
    [
        settings(COUNTY),
        settings(CITY, deadline=(3, 31), minimum="3/100", template="青人社抽〔{year}〕第{seq}号", team=4),
        settings(PROVINCE, deadline=(12, 31), minimum="1/3", team=2),
    ],
    ids=["county at 5%", "city at 3%", "province at a third"],
)
def test_settings_survive_their_document_through_json_exactly(node_settings: NodeSettings) -> None:
    restored = settings_from(through_json(settings_document(node_settings)))
    assert restored == node_settings
    assert isinstance(restored.general_minimum, Fraction)
    assert not floats_in(settings_document(node_settings))


def test_inherited_settings_are_re_targeted_to_the_node_asking() -> None:
    city = settings(CITY, deadline=(3, 31), minimum="3/100")
    inherited = settings_from(through_json(settings_document(city)), node=COUNTY)
    assert inherited.node == COUNTY
    assert (inherited.plan_deadline, inherited.general_minimum) == (city.plan_deadline, Fraction(3, 100))
    assert (inherited.task_number_template, inherited.minimum_team_size) == (
        city.task_number_template,
        city.minimum_team_size,
    )
