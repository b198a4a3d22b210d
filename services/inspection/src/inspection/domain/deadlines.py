"""Deadlines on the official working-day calendar: reminders before, overdue flags after.

- result: every visit's result is submitted on or before its due date (the earliest task end), unless the visit
  was closed with a reason.
- publication: "要在每次抽查任务完成后 20 个工作日内……进行公示" (000 §三(七), 002 §三(五)); "在检查结束之日起
  20 个工作日内……公示" (001 §三(五)). The period runs from the end of the task (the last day for entering its
  results, 004 §9.3.2.4), not from a result's approval: 20 working days after the earliest end of the visit's
  tasks. It is met by the node's publication record of the result (or planning's results-published for every task).
- correction: a correction follow-up is closed on or before its due date.

A deadline counted over a year without official holiday data is provisional (weekends only): it is shown with
`provisional: true` and counted again on the official data once the year's schedule is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hrss.workdays import Due, WorkdayCalendar

PUBLICATION_WORKDAYS = 20


@dataclass(frozen=True)
class Deadline:
    subject_id: str
    node: str
    kind: str  # "result" | "publication" | "correction"
    due: date
    met: bool
    provisional: bool = False  # counted over a year without official holiday data


@dataclass(frozen=True)
class Flag:
    deadline: Deadline
    state: str  # "reminder" | "overdue"
    workdays_left: int
    provisional: bool = False  # the due date, or the count of working days to it, is provisional


def task_completion(task_ends: Iterable[date]) -> date:
    """When the inspection's work for a result ends: the earliest end of the visit's tasks."""
    return min(task_ends)


def publication_due(calendar: WorkdayCalendar, completed_on: date) -> Due:
    """The last day of "published within 20 working days of completion", and whether it is provisional."""
    return calendar.due(completed_on, PUBLICATION_WORKDAYS)


def classify(deadlines: Iterable[Deadline], on: date, calendar: WorkdayCalendar, remind_before: int) -> list[Flag]:
    """Unmet deadlines that fall due within `remind_before` working days of `on` (reminders) or have passed."""
    flags = []
    for d in deadlines:
        if d.met:
            continue
        provisional = d.provisional or calendar.touches_provisional(on, d.due)
        if on > d.due:
            flags.append(Flag(d, "overdue", -calendar.workdays_between(d.due, on), provisional))
        else:
            left = calendar.workdays_between(on, d.due)
            if left <= remind_before:
                flags.append(Flag(d, "reminder", left, provisional))
    return flags
