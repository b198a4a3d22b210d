"""The rules that make one visit per entity and period out of several assignments (进一次门、查多项事)."""

from __future__ import annotations

from datetime import date

from inspection.domain.visits import (
    Item,
    Member,
    Task,
    announced,
    checklist,
    due,
    merge_tasks,
    period_of,
    replace_member,
    union_team,
    window,
)

A = Member("a", "A-001", "甲")
B = Member("b", "B-002", "乙")
C = Member("c", "C-003", "丙")
WAGES = Item("wages", 1, "工资支付检查")
INSURANCE = Item("insurance", 3, "社会保险稽核")
CONTRACTS = Item("contracts", 2, "劳动合同检查")


def task(task_id: str, end: date, *items: Item, prior_notice: bool = True, start: date | None = None) -> Task:
    return Task(task_id, None, f"任务{task_id}", end, prior_notice, start, tuple(items))


def test_the_period_is_the_calendar_year_of_the_earliest_task_end() -> None:
    assert period_of([task("t1", date(2026, 6, 30)), task("t2", date(2027, 3, 31))]) == 2026
    assert period_of([task("t1", date(2027, 1, 5))]) == 2027


def test_tasks_of_two_draws_are_united_by_task_id() -> None:
    merged = merge_tasks([task("t1", date(2026, 6, 30), WAGES)], [task("t2", date(2026, 9, 30), INSURANCE)])
    assert [t.task_id for t in merged] == ["t1", "t2"]
    assert [(t.task_id, i.item_id) for t, i in checklist(merged)] == [("t1", "wages"), ("t2", "insurance")]


def test_a_task_arriving_again_adds_only_the_items_it_lacked() -> None:
    merged = merge_tasks([task("t1", date(2026, 6, 30), WAGES)], [task("t1", date(2026, 6, 30), WAGES, CONTRACTS)])
    assert len(merged) == 1
    assert [i.item_id for i in merged[0].items] == ["wages", "contracts"]


def test_a_task_arriving_again_with_nothing_new_changes_nothing() -> None:
    first = [task("t1", date(2026, 6, 30), WAGES)]
    assert merge_tasks(first, [task("t1", date(2026, 6, 30), WAGES)]) == first


def test_the_team_is_the_union_of_the_teams_in_order_of_arrival() -> None:
    assert union_team([[A, B], [B, C]]) == [A, B, C]
    assert union_team([[C], [A, B]]) == [C, A, B]


def test_a_replaced_member_takes_the_place_of_the_one_replaced() -> None:
    assert replace_member([A, B], "a", C) == [C, B]
    assert replace_member([A, B], "x", C) == [A, B]


def test_a_replacement_already_on_the_team_is_not_listed_twice() -> None:
    assert replace_member([A, B], "a", B) == [B]


def test_the_visit_is_due_by_the_earliest_task_end() -> None:
    assert due([task("t1", date(2026, 9, 30)), task("t2", date(2026, 6, 30))]) == date(2026, 6, 30)


def test_one_unannounced_task_makes_the_whole_visit_unannounced() -> None:
    assert announced([task("t1", date(2026, 6, 30)), task("t2", date(2026, 6, 30))])
    assert not announced([task("t1", date(2026, 6, 30)), task("t2", date(2026, 6, 30), prior_notice=False)])


def test_the_window_runs_from_the_latest_start_to_the_earliest_end() -> None:
    tasks = [
        task("t1", date(2026, 9, 30), start=date(2026, 4, 1)),
        task("t2", date(2026, 6, 30), start=date(2026, 5, 1)),
    ]
    assert window(tasks) == (date(2026, 5, 1), date(2026, 6, 30))
    assert window([task("t1", date(2026, 6, 30))]) == (None, date(2026, 6, 30))


def test_tasks_survive_the_round_trip_through_json() -> None:
    original = task("t1", date(2026, 6, 30), WAGES, INSURANCE, prior_notice=False, start=date(2026, 4, 1))
    assert Task.from_dict(original.to_dict()) == original
