"""Deadlines on the official working-day calendar: reminders before, overdue flags after.

- result: every visit's result is submitted on or before its due date (the earliest task end).
- publication: within 20 working days of completion; completion is taken as the approval of the visit's result
  (its CST date), publication as the planning service's `planning.task_results_published` for every task.
- correction: a correction follow-up is closed on or before its due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hrss.workdays import WorkdayCalendar

PUBLICATION_WORKDAYS = 20


@dataclass(frozen=True)
class Deadline:
    subject_id: str
    node: str
    kind: str  # "result" | "publication" | "correction"
    due: date
    met: bool


@dataclass(frozen=True)
class Flag:
    deadline: Deadline
    state: str  # "reminder" | "overdue"
    workdays_left: int


def publication_due(calendar: WorkdayCalendar, completed_on: date) -> date:
    """The last day of "published within 20 working days of completion"."""
    return calendar.deadline(completed_on, PUBLICATION_WORKDAYS)


def classify(deadlines: Iterable[Deadline], on: date, calendar: WorkdayCalendar, remind_before: int) -> list[Flag]:
    """Unmet deadlines that fall due within `remind_before` working days of `on` (reminders) or have passed."""
    flags = []
    for d in deadlines:
        if d.met:
            continue
        if on > d.due:
            flags.append(Flag(d, "overdue", -calendar.workdays_between(d.due, on)))
        else:
            left = calendar.workdays_between(on, d.due)
            if left <= remind_before:
                flags.append(Flag(d, "reminder", left))
    return flags
