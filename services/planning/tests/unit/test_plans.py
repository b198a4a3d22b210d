"""Annual plans: coverage of the checklist, filing upward, deadlines, review by the parent, versions, publication."""

from __future__ import annotations

import dataclasses

import pytest
from planning.domain.errors import Conflict, IllegalTransition, InvalidRecord, NotAllowed
from planning.domain.plans import (
    ChecklistEntry,
    Plan,
    PlannedItem,
    PlanStatus,
    accept_plan,
    adjust_plan,
    coverage,
    file_plan,
    new_plan,
    publish_plan,
    record_omission,
    return_plan,
    set_items,
)
from planning_builders import (
    CITY,
    COUNTY,
    OTHER_CITY,
    OTHER_COUNTY,
    PROVINCE,
    actor,
    cst,
    entries,
    item_id,
    settings,
)

from hrss.contracts import Level

ALL = tuple(range(1, 10))


def draft(node=COUNTY, numbers=ALL, version: int = 1) -> Plan:
    plan = new_plan("plan-1", node, 2026)
    return set_items(plan, [PlannedItem(item_id(n), version) for n in numbers])


def filed(node=COUNTY, deadline=(1, 31), at=None) -> Plan:
    plan, _ = file_plan(draft(node), entries(), settings(node, deadline=deadline), actor(node), at or cst(2026, 1, 20))
    return plan


def test_every_item_of_the_real_checklist_applies_at_county_level() -> None:
    report = coverage(draft(numbers=()), entries())
    assert len(report.applicable) == 9
    assert [e.item_id for e in report.missing] == [item_id(n) for n in ALL]
    assert not report.complete


def test_items_implemented_by_cities_and_counties_are_planned_by_the_province_as_unified_tasks() -> None:
    report = coverage(draft(PROVINCE, numbers=()), entries())
    assert len(report.applicable) == 9 and report.unified == report.applicable
    assert not report.complete
    with pytest.raises(InvalidRecord) as refused:
        file_plan(draft(PROVINCE, numbers=()), entries(), settings(PROVINCE), actor(PROVINCE), cst(2026, 1, 20))
    assert {e.code for e in refused.value.errors} == {"plan.item_missing"}
    assert "人力资源服务机构管理检查" in refused.value.errors[0].message


def test_a_city_plans_its_own_items_and_the_county_only_items_as_unified() -> None:
    checklist = [*entries(), ChecklistEntry("county-only", 1, "县级事项", (Level.COUNTY,))]
    report = coverage(draft(CITY), checklist)
    assert [e.name for e in report.missing] == ["县级事项"]
    assert [e.name for e in report.unified] == ["县级事项"]


def test_an_item_implemented_only_above_a_node_is_not_on_its_plan_and_is_named_when_planned() -> None:
    checklist = [*entries(), ChecklistEntry("province-only", 1, "省级事项", (Level.PROVINCE,))]
    plan = set_items(draft(COUNTY), [*draft(COUNTY).items, PlannedItem("province-only", 1)])
    report = coverage(plan, checklist)
    assert [i.item_id for i in report.not_applicable] == ["province-only"]
    with pytest.raises(InvalidRecord) as refused:
        file_plan(plan, checklist, settings(), actor(COUNTY), cst(2026, 1, 20))
    (error,) = refused.value.errors
    assert error.code == "plan.item_not_applicable" and "“省级事项”" in error.message
    assert "province-only" not in error.message


def test_a_duplicate_or_an_unexplained_omission_is_named_by_the_items_name() -> None:
    names = {item_id(1): "人力资源服务机构管理检查"}
    with pytest.raises(InvalidRecord) as duplicate:
        set_items(draft(), [PlannedItem(item_id(1), 1), PlannedItem(item_id(1), 1)], names)
    assert "“人力资源服务机构管理检查”重复" in duplicate.value.errors[0].message
    with pytest.raises(InvalidRecord) as bare:
        record_omission(draft(), item_id(1), " ", names[item_id(1)])
    assert "“人力资源服务机构管理检查”" in bare.value.errors[0].message


def test_coverage_lists_the_missing_items_by_the_node_level() -> None:
    checklist = [*entries(), ChecklistEntry("province-only", 1, "省级事项", (Level.PROVINCE,))]
    report = coverage(draft(numbers=(1, 2, 3, 4, 5, 6, 7)), checklist)
    assert [e.name for e in report.missing] == ["养老保险稽核", "失业保险稽核"]


def test_a_plan_covering_every_applicable_item_is_complete() -> None:
    assert coverage(draft(), entries()).complete


def test_an_item_planned_at_an_older_version_is_covered_but_listed_as_outdated() -> None:
    report = coverage(draft(version=1), entries(version=2))
    assert report.complete
    assert len(report.outdated) == 9


def test_an_item_planned_at_a_version_that_never_existed_refuses_filing() -> None:
    plan = draft(version=3)
    report = coverage(plan, entries(version=2))
    assert len(report.unknown_version) == 9 and not report.outdated
    with pytest.raises(InvalidRecord) as refused:
        file_plan(plan, entries(version=2), settings(), actor(COUNTY), cst(2026, 1, 20))
    assert {e.code for e in refused.value.errors} == {"plan.item_version_unknown"}
    assert "没有第 3 版（现行为第 2 版）" in refused.value.errors[0].message


def test_filing_an_incomplete_plan_is_refused_naming_every_missing_item() -> None:
    plan = draft(numbers=(1, 2, 3, 4, 5, 6, 7))
    with pytest.raises(InvalidRecord) as refused:
        file_plan(plan, entries(), settings(), actor(COUNTY), cst(2026, 1, 20))
    errors = refused.value.errors
    assert [(e.field, e.code) for e in errors] == [
        (f"items.{item_id(8)}", "plan.item_missing"),
        (f"items.{item_id(9)}", "plan.item_missing"),
    ]
    assert "养老保险稽核" in errors[0].message and "理由" in errors[0].message


def test_an_incomplete_plan_is_filed_once_a_reason_is_recorded_for_each_missing_item() -> None:
    plan = draft(numbers=(1, 2, 3, 4, 5, 6, 7))
    plan = record_omission(plan, item_id(8), "本年度由市级统一实施")
    with pytest.raises(InvalidRecord) as still:
        file_plan(plan, entries(), settings(), actor(COUNTY), cst(2026, 1, 20))
    assert [e.field for e in still.value.errors] == [f"items.{item_id(9)}"]
    plan = record_omission(plan, item_id(9), "辖区内无失业保险经办业务")
    result, event = file_plan(plan, entries(), settings(), actor(COUNTY), cst(2026, 1, 20))
    assert result.status is PlanStatus.FILED
    assert [(o.item_id, o.reason) for o in event.omitted] == [
        (item_id(8), "本年度由市级统一实施"),
        (item_id(9), "辖区内无失业保险经办业务"),
    ]


def test_an_omission_needs_a_written_reason() -> None:
    with pytest.raises(InvalidRecord) as refused:
        record_omission(draft(), item_id(8), "  ")
    assert refused.value.errors[0].code == "plan.omission_reason_required"


def test_an_item_outside_the_checklist_of_the_level_cannot_be_planned() -> None:
    plan = set_items(draft(), [*draft().items, PlannedItem("not-on-checklist", 1)])
    with pytest.raises(InvalidRecord) as refused:
        file_plan(plan, entries(), settings(), actor(COUNTY), cst(2026, 1, 20))
    assert [e.code for e in refused.value.errors] == ["plan.item_not_applicable"]


def test_an_item_planned_twice_is_refused() -> None:
    with pytest.raises(InvalidRecord) as refused:
        set_items(draft(), [PlannedItem(item_id(1), 1), PlannedItem(item_id(1), 1, planned_tasks=0)])
    assert [e.code for e in refused.value.errors] == ["plan.item_duplicate", "plan.planned_tasks_invalid"]


@pytest.mark.parametrize(
    ("deadline", "at", "late"),
    [
        ((1, 31), cst(2026, 1, 31, 23), False),
        ((1, 31), cst(2026, 2, 1, 0), True),
        ((1, 31), cst(2026, 2, 15), True),
        ((3, 31), cst(2026, 2, 15), False),
        ((3, 31), cst(2026, 3, 31, 23), False),
        ((3, 31), cst(2026, 4, 1, 9), True),
    ],
)
def test_a_plan_filed_after_the_node_deadline_is_flagged_late_not_refused(deadline, at, late: bool) -> None:
    plan, event = file_plan(draft(), entries(), settings(deadline=deadline), actor(COUNTY), at)
    assert plan.status is PlanStatus.FILED
    assert plan.late is late and event.late is late
    assert event.deadline.month == deadline[0]


def test_the_deadline_is_counted_in_china_standard_time_not_utc() -> None:
    at = cst(2026, 2, 1, 0).replace(minute=30)  # 2026-01-31 16:30 UTC, already 1 February in Hebei
    assert at.day == 31
    plan, _ = file_plan(draft(), entries(), settings(deadline=(1, 31)), actor(COUNTY), at)
    assert plan.late


def test_a_county_plan_is_filed_with_its_city_and_the_record_names_actor_time_and_note() -> None:
    plan, event = file_plan(draft(), entries(), settings(), actor(COUNTY), cst(2026, 1, 20), note="按时报备")
    assert event.filed_with == CITY and not event.self_filed
    assert (event.actor, event.at, event.reason, event.version) == (actor(COUNTY), cst(2026, 1, 20), "按时报备", 1)
    assert plan.filed_at == cst(2026, 1, 20)


def test_a_province_plan_is_self_filed_and_accepted_at_once() -> None:
    plan, event = file_plan(draft(PROVINCE), entries(), settings(PROVINCE), actor(PROVINCE), cst(2026, 2, 3))
    assert event.self_filed and event.filed_with is None
    assert plan.status is PlanStatus.ACCEPTED
    assert plan.late


def test_filing_by_another_node_is_refused() -> None:
    with pytest.raises(NotAllowed) as refused:
        file_plan(draft(), entries(), settings(), actor(CITY), cst(2026, 1, 20))
    assert refused.value.code == "plan.wrong_node" and refused.value.status == 403
    assert "130102" in refused.value.message


@pytest.mark.parametrize("reviewer", [COUNTY, OTHER_COUNTY, OTHER_CITY, PROVINCE])
def test_accepting_or_returning_by_any_node_but_the_parent_is_refused(reviewer) -> None:
    with pytest.raises(NotAllowed) as refused:
        accept_plan(filed(), actor(reviewer), cst(2026, 2, 1))
    assert refused.value.code == "plan.not_parent"
    assert "上级节点（130100）" in refused.value.message
    with pytest.raises(NotAllowed):
        return_plan(filed(), actor(reviewer), cst(2026, 2, 1), "请补充")


def test_the_parent_accepts_a_filed_plan_and_its_comment_is_kept() -> None:
    plan, event = accept_plan(filed(), actor(CITY, "reviewer"), cst(2026, 2, 2), "同意备案")
    assert plan.status is PlanStatus.ACCEPTED
    assert event.reason == "同意备案" and event.actor.node == CITY
    assert [(r.version, r.accepted, r.comment) for r in plan.reviews] == [(1, True, "同意备案")]


def test_returning_a_plan_needs_a_comment() -> None:
    with pytest.raises(InvalidRecord) as refused:
        return_plan(filed(), actor(CITY), cst(2026, 2, 2), "")
    assert refused.value.errors[0].code == "plan.return_comment_required"


def test_a_returned_plan_is_adjusted_into_a_new_version_keeping_the_old_one_and_the_comments() -> None:
    first = filed(at=cst(2026, 1, 20))
    returned, back = return_plan(first, actor(CITY), cst(2026, 2, 2), "请补充劳务派遣检查安排")
    second, adjusted = adjust_plan(returned, actor(COUNTY), cst(2026, 2, 10), "按上级意见补充")
    assert back.reason == "请补充劳务派遣检查安排"
    assert (returned.version, returned.status) == (1, PlanStatus.RETURNED)
    assert (second.version, second.status, second.plan_id) == (2, PlanStatus.DRAFT, "plan-1")
    assert (adjusted.version, adjusted.from_version, adjusted.reason) == (2, 1, "按上级意见补充")
    assert second.reviews == returned.reviews
    refiled, event = file_plan(second, entries(), settings(), actor(COUNTY), cst(2026, 2, 12))
    assert refiled.status is PlanStatus.FILED
    assert not event.late, "lateness is decided by the first filing, which was on time"
    assert refiled.first_filed_at == cst(2026, 1, 20)


def test_an_adjusted_plan_is_published_again_as_its_new_version() -> None:
    accepted, _ = accept_plan(filed(), actor(CITY), cst(2026, 2, 2))
    published, first = publish_plan(accepted, actor(COUNTY), cst(2026, 2, 3))
    assert (published.status, first.version) == (PlanStatus.PUBLISHED, 1)
    second, _ = adjust_plan(published, actor(COUNTY), cst(2026, 7, 1), "新增专项检查")
    second, _ = file_plan(second, entries(), settings(), actor(COUNTY), cst(2026, 7, 2))
    second, _ = accept_plan(second, actor(CITY), cst(2026, 7, 3))
    republished, again = publish_plan(second, actor(COUNTY), cst(2026, 7, 4))
    assert (republished.version, republished.status, again.version) == (2, PlanStatus.PUBLISHED, 2)
    assert not republished.late
    assert published.version == 1 and published.status is PlanStatus.PUBLISHED


def test_an_adjustment_needs_a_reason_and_the_plans_own_node() -> None:
    accepted, _ = accept_plan(filed(), actor(CITY), cst(2026, 2, 2))
    with pytest.raises(InvalidRecord):
        adjust_plan(accepted, actor(COUNTY), cst(2026, 3, 1), " ")
    with pytest.raises(NotAllowed):
        adjust_plan(accepted, actor(CITY), cst(2026, 3, 1), "上级代为调整")


def test_publication_is_by_the_plans_own_node() -> None:
    accepted, _ = accept_plan(filed(), actor(CITY), cst(2026, 2, 2))
    with pytest.raises(NotAllowed):
        publish_plan(accepted, actor(CITY), cst(2026, 2, 3))


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (PlanStatus.DRAFT, "accept"),
        (PlanStatus.DRAFT, "return"),
        (PlanStatus.DRAFT, "publish"),
        (PlanStatus.DRAFT, "adjust"),
        (PlanStatus.FILED, "file"),
        (PlanStatus.FILED, "publish"),
        (PlanStatus.FILED, "adjust"),
        (PlanStatus.ACCEPTED, "file"),
        (PlanStatus.ACCEPTED, "accept"),
        (PlanStatus.RETURNED, "file"),
        (PlanStatus.RETURNED, "publish"),
        (PlanStatus.RETURNED, "accept"),
        (PlanStatus.PUBLISHED, "publish"),
        (PlanStatus.PUBLISHED, "file"),
        (PlanStatus.PUBLISHED, "return"),
    ],
)
def test_a_plan_step_out_of_order_is_refused_naming_both_states(status: PlanStatus, step: str) -> None:
    plan = dataclasses.replace(draft(), status=status)
    at = cst(2026, 2, 2)
    steps = {
        "file": lambda: file_plan(plan, entries(), settings(), actor(COUNTY), at),
        "accept": lambda: accept_plan(plan, actor(CITY), at),
        "return": lambda: return_plan(plan, actor(CITY), at, "退回"),
        "publish": lambda: publish_plan(plan, actor(COUNTY), at),
        "adjust": lambda: adjust_plan(plan, actor(COUNTY), at, "调整"),
    }
    with pytest.raises(IllegalTransition) as refused:
        steps[step]()
    assert refused.value.code == "plan.illegal_transition" and refused.value.status == 409
    assert f"“{status.label}”" in refused.value.message


def test_a_filed_plan_is_not_edited_in_place() -> None:
    with pytest.raises(Conflict) as refused:
        set_items(filed(), [])
    assert refused.value.code == "plan.not_editable"
    with pytest.raises(Conflict):
        record_omission(filed(), item_id(1), "理由")


def test_a_plan_year_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidRecord):
        new_plan("p", COUNTY, 1999)


def test_settings_of_another_node_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        file_plan(draft(), entries(), settings(CITY), actor(COUNTY), cst(2026, 1, 20))


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError):
        file_plan(draft(), entries(), settings(), actor(COUNTY), cst(2026, 1, 20).replace(tzinfo=None))
