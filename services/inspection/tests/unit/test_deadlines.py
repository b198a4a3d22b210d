"""Reminders and overdue flags on the official working-day calendar (2025–2026 holidays and make-up days)."""

from __future__ import annotations

from datetime import date

import pytest
from inspection.domain.deadlines import Deadline, classify, publication_due, task_completion

from hrss.workdays import Due, WorkdayCalendar


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def test_publication_is_due_20_working_days_after_completion_across_the_2026_spring_festival(cal) -> None:  # type: ignore[no-untyped-def]
    # Feb 14 (Saturday) and Feb 28 (Saturday) are worked; Feb 15-23 are off.
    assert publication_due(cal, date(2026, 2, 10)).day == date(2026, 3, 16)


def test_publication_due_across_the_2025_national_day_counts_the_make_up_saturday(cal) -> None:  # type: ignore[no-untyped-def]
    # Sep 30 (1), Oct 1-8 off, Oct 9, 10 and Saturday Oct 11 (2-4), then four weeks of five (5-19), Nov 3 (20).
    assert publication_due(cal, date(2025, 9, 29)).day == date(2025, 11, 3)
    assert cal.workdays_between(date(2025, 9, 29), date(2025, 11, 3)) == 20


def test_a_deadline_within_the_reminder_period_reminds(cal) -> None:  # type: ignore[no-untyped-def]
    d = Deadline("v1", "330102", "result", date(2026, 6, 30), met=False)
    flags = classify([d], date(2026, 6, 24), cal, remind_before=5)
    assert [(f.state, f.workdays_left) for f in flags] == [("reminder", 4)]
    assert classify([d], date(2026, 6, 1), cal, remind_before=5) == []


def test_the_reminder_counts_working_days_not_calendar_days_over_national_day_2026(cal) -> None:  # type: ignore[no-untyped-def]
    d = Deadline("v1", "330102", "result", date(2026, 10, 9), met=False)
    # Sep 30, Oct 8, Oct 9 are working days after Sep 29; Oct 1-7 are off.
    assert [f.workdays_left for f in classify([d], date(2026, 9, 29), cal, remind_before=3)] == [3]


def test_a_passed_deadline_is_overdue_and_a_met_one_is_never_flagged(cal) -> None:  # type: ignore[no-untyped-def]
    late = Deadline("v1", "330102", "result", date(2026, 6, 30), met=False)
    met = Deadline("v2", "330102", "result", date(2026, 6, 30), met=True)
    flags = classify([late, met], date(2026, 7, 2), cal, remind_before=5)
    assert [(f.deadline.subject_id, f.state, f.workdays_left) for f in flags] == [("v1", "overdue", -2)]


def test_the_due_day_itself_is_not_overdue(cal) -> None:  # type: ignore[no-untyped-def]
    d = Deadline("v1", "330102", "correction", date(2026, 6, 30), met=False)
    assert [f.state for f in classify([d], date(2026, 6, 30), cal, remind_before=0)] == ["reminder"]


def test_publication_runs_from_the_end_of_the_earliest_task_not_from_the_approval(cal) -> None:  # type: ignore[no-untyped-def]
    # 000 §三(七): "抽查任务完成后 20 个工作日内"; a result approved in December for a task that ended on June 30
    # was due on July 28, whenever it was approved.
    completed = task_completion([date(2026, 9, 30), date(2026, 6, 30)])
    assert completed == date(2026, 6, 30)
    assert publication_due(cal, completed) == Due(date(2026, 7, 28), False)


def test_a_deadline_past_the_official_data_is_provisional_and_never_refused() -> None:
    cal = WorkdayCalendar(provisional_through=2030)
    due = publication_due(cal, date(2026, 12, 20))
    assert due == Due(date(2027, 1, 15), True)
    d = Deadline("r1", "330102", "publication", due.day, met=False, provisional=due.provisional)
    [flag] = classify([d], date(2027, 1, 12), cal, remind_before=5)
    assert (flag.state, flag.workdays_left, flag.provisional) == ("reminder", 3, True)


def test_a_count_from_today_into_a_provisional_year_is_flagged_too() -> None:
    cal = WorkdayCalendar(provisional_through=2030)
    d = Deadline("v1", "330102", "result", date(2027, 1, 5), met=False)  # a task end, not computed
    assert [f.provisional for f in classify([d], date(2026, 12, 31), cal, remind_before=5)] == [True]
    official = Deadline("v2", "330102", "result", date(2026, 12, 31), met=False)
    assert [f.provisional for f in classify([official], date(2026, 12, 28), cal, remind_before=5)] == [False]
