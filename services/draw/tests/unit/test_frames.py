"""The frame rules without servers: exclusion reasons, strata, the plan from the task, territorial targets."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from types import SimpleNamespace

import pytest
from draw.service_layer.frames import _months_before, _reason, draw_plan, pick_target, scopes_differ, target_node
from draw_testkit import COUNTY_A, COUNTY_B, ITEM_LABOUR, ITEM_SOCIAL, PROVINCE, task_state

from hrss.drawkit import FrameEntry
from hrss.drawkit.sampling import item_quotas

SCOPE = {"object_types": ["企业"], "tags": ["农民工集中用工"], "grades": ["B", "C"]}


def entity(**changes: object) -> SimpleNamespace:
    row = {
        "status": "active",
        "object_type": "企业",
        "tags": ["农民工集中用工"],
        "credit_grade": "C",
        "last_inspected": None,
    }
    row.update(changes)
    return SimpleNamespace(**row)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, ""),
        ({"status": "suspended"}, "closed"),
        ({"status": "revoked"}, "deregistered"),
        ({"status": "moved_out"}, "moved_out"),
        ({"object_type": "个体工商户"}, "out_of_object_types"),
        ({"tags": []}, "not_in_tags"),
        ({"credit_grade": None}, "out_of_grades"),
        ({"credit_grade": "A"}, "out_of_grades"),
        ({"last_inspected": date(2026, 12, 1)}, "recently_inspected"),
        ({"last_inspected": date(2026, 3, 31)}, ""),
    ],
)
def test_each_exclusion_has_its_reason_and_status_comes_first(changes: dict, reason: str) -> None:
    assert _reason(entity(**changes), SCOPE, date(2026, 4, 1)) == reason
    assert (
        _reason(entity(status="deregistered", **{k: v for k, v in changes.items() if k != "status"}), SCOPE, None)
        == "deregistered"
    )


def test_months_are_counted_back_on_the_calendar() -> None:
    assert _months_before(date(2027, 4, 1), 12) == date(2026, 4, 1)
    assert _months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert _months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert _months_before(date(2027, 1, 15), 3) == date(2026, 10, 15)


def leaf(uscc: str, stratum: str) -> FrameEntry:
    return FrameEntry(uscc, "e", COUNTY_A, "企业", stratum, True, "", "0" * 32)


def test_the_plan_keeps_exact_ratios_and_raises_graded_strata_only() -> None:
    task = task_state("t1")
    entries = [leaf("A1", f"{COUNTY_A}|企业|C"), leaf("A2", f"{COUNTY_A}|企业|*")]
    plan = draw_plan([task], entries, 0)
    assert [(i.item_id, i.fraction, i.minimum) for i in plan.items] == [
        (f"t1:{ITEM_LABOUR}", Fraction(1, 20), 0),
        (f"t1:{ITEM_SOCIAL}", Fraction(1, 5), 0),
    ]
    assert plan.stratum_fractions == {f"{COUNTY_A}|企业|C": Fraction(1, 2)}
    minimum = task_state("t2", items=[{**task["items"][0], "ratio": {"kind": "minimum", "minimum": 200, "unit": "人"}}])
    assert draw_plan([minimum], entries, 0).items[0].minimum == 200


def test_a_drawn_entity_goes_to_the_implementing_node_that_holds_it() -> None:
    task = task_state("t1")
    assert target_node(task, COUNTY_B) == COUNTY_B
    assert target_node(task_state("t1", unified=False, implementing_nodes=[PROVINCE]), COUNTY_B) == PROVINCE
    cities = task_state("t1", implementing_nodes=["130100", COUNTY_A])
    assert target_node(cities, COUNTY_A) == COUNTY_A and target_node(cities, "130105") == "130100"


def test_a_group_of_one_scope_keeps_the_plain_strata_and_plan() -> None:
    same = [task_state("a"), task_state("b", items=task_state("x")["items"][:1])]
    assert not scopes_differ(same)
    plan = draw_plan(same, [leaf("A1", f"{COUNTY_A}|企业|C")], 0)
    assert all(i.strata is None and not i.stratum_fractions for i in plan.items)


def test_tasks_of_different_scopes_draw_each_item_only_in_its_own_tasks_strata() -> None:
    a = task_state("a")  # both counties, grade C raised to 1/2
    b = task_state("b", draw_regions=[COUNTY_B], grade_ratios=[], items=task_state("x")["items"][:1])
    assert scopes_differ([a, b])
    both, only_a, none = f"{COUNTY_B}|企业|1+2|C", f"{COUNTY_A}|企业|1|C", f"{COUNTY_A}|企业|-|*"
    entries = [
        leaf("B1", both),
        leaf("A1", only_a),
        FrameEntry("A2", "e", COUNTY_A, "企业", none, False, "closed", "0" * 32),
    ]
    plan = draw_plan([a, b], entries, 0)
    rules = {i.item_id: i for i in plan.items}
    assert rules[f"a:{ITEM_LABOUR}"].strata == {both, only_a} and rules[f"b:{ITEM_LABOUR}"].strata == {both}
    assert rules[f"a:{ITEM_LABOUR}"].stratum_fractions == {both: Fraction(1, 2), only_a: Fraction(1, 2)}
    assert rules[f"b:{ITEM_LABOUR}"].stratum_fractions == {}  # task b raises no grade
    assert plan.stratum_fractions == {}
    quotas = item_quotas(plan, {both: 10, only_a: 10})
    assert quotas[both] == {f"a:{ITEM_LABOUR}": 5, f"a:{ITEM_SOCIAL}": 5, f"b:{ITEM_LABOUR}": 1}
    assert quotas[only_a] == {f"a:{ITEM_LABOUR}": 5, f"a:{ITEM_SOCIAL}": 5, f"b:{ITEM_LABOUR}": 0}


def test_a_pick_goes_to_the_node_of_the_first_task_it_was_drawn_for() -> None:
    a = task_state("a", unified=False, node=PROVINCE, implementing_nodes=[PROVINCE])
    b = task_state("b")
    assert pick_target([a, b], [f"b:{ITEM_LABOUR}"], COUNTY_B) == COUNTY_B
    assert pick_target([a, b], [f"a:{ITEM_LABOUR}", f"b:{ITEM_LABOUR}"], COUNTY_B) == PROVINCE
