"""What a record form must hold to be accepted: every drawn item, known categories and methods, at least two
inspectors of the team, and the entity's signature or the team's note of its refusal (004 §9.3.2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from inspection.domain.errors import InvalidRecord
from inspection.domain.records import (
    DEFAULT_CATEGORIES,
    DEFAULT_METHODS,
    Form,
    ItemLine,
    check_form,
    form_from_dict,
    form_to_dict,
)
from inspection.domain.visits import Item, Member, Task

TEAM = [Member("a", "A-001", "甲"), Member("b", "B-002", "乙"), Member("c", "C-003", "丙")]
TASKS = [
    Task("t1", "1号", "劳动用工", date(2026, 6, 30), True, date(2026, 4, 1), (Item("wages", 1, "工资支付"),)),
    Task("t2", "2号", "社保稽核", date(2026, 9, 30), True, None, (Item("insurance", 3, "社会保险"),)),
]
FORM = Form(
    inspected_on=date(2026, 5, 6),
    present=("a", "b"),
    items=(
        ItemLine("t1", "wages", "no_problem", "", ("on_site",)),
        ItemLine("t2", "insurance", "corrected", "少缴 2 人", ("documentary",)),
    ),
    overall="corrected",
    methods=("on_site", "documentary"),
    entity_signed=True,
    refusal_note=None,
)


def codes(form: Form) -> set[str]:
    with pytest.raises(InvalidRecord) as caught:
        check_form(form, TASKS, TEAM, DEFAULT_CATEGORIES, DEFAULT_METHODS, date(2026, 4, 1))
    return {e.code for e in caught.value.errors}


def test_a_complete_form_is_accepted_with_the_members_present() -> None:
    present = check_form(FORM, TASKS, TEAM, DEFAULT_CATEGORIES, DEFAULT_METHODS, date(2026, 4, 1))
    assert [m.credential_no for m in present] == ["A-001", "B-002"]


def test_one_inspector_present_is_refused() -> None:
    assert "record.too_few_inspectors" in codes(replace(FORM, present=("a",)))


def test_the_same_inspector_twice_counts_once() -> None:
    assert "record.too_few_inspectors" in codes(replace(FORM, present=("a", "a")))


def test_an_inspector_outside_the_team_is_refused() -> None:
    assert "record.not_in_team" in codes(replace(FORM, present=("a", "z")))


def test_a_missing_item_is_refused_by_name() -> None:
    with pytest.raises(InvalidRecord) as caught:
        check_form(replace(FORM, items=FORM.items[:1]), TASKS, TEAM, DEFAULT_CATEGORIES, DEFAULT_METHODS, None)
    assert [e.code for e in caught.value.errors] == ["record.item_missing"]
    assert "社会保险" in caught.value.errors[0].message


def test_an_item_not_drawn_and_a_repeated_item_are_refused() -> None:
    extra = ItemLine("t1", "other", "no_problem", "", ("on_site",))
    assert "record.item_not_drawn" in codes(replace(FORM, items=(*FORM.items, extra)))
    assert "record.item_repeated" in codes(replace(FORM, items=(*FORM.items, FORM.items[0])))


def test_unknown_categories_and_methods_are_refused() -> None:
    line = ItemLine("t1", "wages", "great", "", ("telepathy",))
    found = codes(replace(FORM, items=(line, FORM.items[1]), overall="fine"))
    assert {"record.unknown_category", "record.unknown_method"} <= found


def test_an_unsigned_record_needs_the_teams_note_of_refusal() -> None:
    assert "record.refusal_note_missing" in codes(replace(FORM, entity_signed=False))
    assert "record.refusal_note_missing" in codes(replace(FORM, entity_signed=False, refusal_note="  "))
    check_form(
        replace(FORM, entity_signed=False, refusal_note="负责人拒绝签字，检查组全体成员签字说明"),
        TASKS,
        TEAM,
        DEFAULT_CATEGORIES,
        DEFAULT_METHODS,
        None,
    )


def test_a_signed_record_with_a_refusal_note_is_contradictory() -> None:
    assert "record.signed_and_refused" in codes(replace(FORM, refusal_note="拒签"))


def test_an_inspection_before_the_window_is_refused() -> None:
    assert "record.before_window" in codes(replace(FORM, inspected_on=date(2026, 3, 31)))


def test_an_inspection_dated_after_today_is_refused_naming_the_field() -> None:
    today = date(2026, 5, 6)
    assert check_form(FORM, TASKS, TEAM, DEFAULT_CATEGORIES, DEFAULT_METHODS, date(2026, 4, 1), today)  # today: fine
    with pytest.raises(InvalidRecord) as caught:
        check_form(
            replace(FORM, inspected_on=date(2026, 5, 7)), TASKS, TEAM, DEFAULT_CATEGORIES, DEFAULT_METHODS, None, today
        )
    [error] = caught.value.errors
    assert (error.field, error.code) == ("inspected_on", "record.in_future")
    assert "2026-05-06" in error.message


def test_the_default_categories_have_the_domain_labels_and_stable_codes() -> None:
    assert [(c.code, c.label) for c in DEFAULT_CATEGORIES] == [
        ("no_problem", "未发现问题"),
        ("corrected", "发现问题已责令改正"),
        ("pending_follow_up", "发现问题待后续处理"),
        ("refused", "不配合检查"),
        ("unreachable", "通过登记住所无法联系"),
        ("no_activity", "未发现开展相关经营活动"),
        ("closed", "已注销/停业"),
    ]


def test_a_form_survives_the_round_trip_through_json() -> None:
    assert form_from_dict(form_to_dict(FORM)) == FORM
