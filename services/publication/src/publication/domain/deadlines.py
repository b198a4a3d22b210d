"""The publication deadline (001 §三(五)): a result is public, or recorded as withheld, within 20 working days of its
task's completion (`planning.task_completed`). Standard library only: the calendar is handed in.

A result naming several tasks is due by the earliest of their deadlines. A result confirmed before any of its
tasks completed is on time. States of a (task, result) pair on a day: `due` (not confirmed, the deadline not yet
passed), `late` (not confirmed, passed), `met` (confirmed by the deadline), `met_late` (confirmed after it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

PUBLICATION_WORKDAYS = 20
State = Literal["due", "late", "met", "met_late"]
STATES: tuple[State, ...] = ("due", "late", "met", "met_late")


class Calendar(Protocol):
    def deadline(self, start: date, n: int) -> date: ...

    def touches_provisional(self, a: date, b: date) -> bool: ...

    def workdays_between(self, start: date, end: date) -> int: ...


@dataclass(frozen=True)
class TaskDeadline:
    """When a task completed and the last day its results may become public."""

    task_id: str
    node: str
    completed_on: date
    due: date
    provisional: bool  # counted over a year without the official holiday data yet


def task_deadline(calendar: Calendar, task_id: str, node: str, completed_on: date) -> TaskDeadline:
    """The deadline of a task completed on `completed_on` (China Standard Time)."""
    due = calendar.deadline(completed_on, PUBLICATION_WORKDAYS)
    return TaskDeadline(task_id, node, completed_on, due, calendar.touches_provisional(completed_on, due))


def earliest_due(deadlines: Iterable[TaskDeadline]) -> date | None:
    """The deadline of a result naming these tasks (None: none of them has completed)."""
    days = [d.due for d in deadlines]
    return min(days) if days else None


def on_time(due: date | None, confirmed_on: date) -> bool:
    """Whether a confirmation on `confirmed_on` meets `due` (no deadline yet: it does)."""
    return due is None or confirmed_on <= due


def state(due: date, confirmed_on: date | None, today: date) -> State:
    """The state of one result against one deadline as of `today` (a confirmation after it is not counted yet)."""
    if confirmed_on is None or confirmed_on > today:
        return "due" if today <= due else "late"
    return "met" if confirmed_on <= due else "met_late"
