"""The facts the reports count, as kept from other services' events (never read from their tables): tasks, draws,
inspections (approved results), publication records, follow-ups and missed publication deadlines. Standard library
only; each fact is keyed by the id of what it describes, so that a replayed event changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")

# the result categories in which a problem was found (inspection's DEFAULT_CATEGORIES marked `problem`); configurable
PROBLEM_CATEGORIES: frozenset[str] = frozenset({"corrected", "pending_follow_up", "refused"})


def china_date(ts: datetime) -> date:
    """The calendar date in China Standard Time of an aware timestamp (periods and months are CST dates)."""
    return ts.astimezone(CHINA_TZ).date()


def prefix_of(node: str) -> str:
    """The region-code prefix every node of `node`'s subtree shares: 33 (province), 3301 (city), 330106 (county)."""
    if node.endswith("0000"):
        return node[:2]
    if node.endswith("00"):
        return node[:4]
    return node


def within(node: str, other: str) -> bool:
    """True if `other` is `node` or lies in its subtree."""
    return other.startswith(prefix_of(node))


@dataclass(frozen=True)
class TaskFact:
    """A task as planning published it (planning.task_published), with its completion or cancellation when known."""

    task_id: str
    node: str
    number: str | None
    title: str
    joint: bool
    credit_differentiated: bool
    major_items: int
    minor_items: int
    regions: tuple[str, ...]
    object_types: tuple[str, ...]
    published_on: date | None = None
    completed_on: date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class DrawFact:
    """A draw: the eligible entities at commitment (draw.draw_committed) and the picks (draw.draw_completed)."""

    draw_id: str
    node: str
    task_ids: tuple[str, ...]
    eligible: int | None = None
    picks: int | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class InspectionFact:
    """One inspection: a visit's approved result (inspection.result_approved), the latest version kept."""

    result_id: str
    visit_id: str
    node: str
    region_code: str
    uscc: str
    task_ids: tuple[str, ...]
    overall: str
    public: bool
    approved_on: date
    version: int = 1


@dataclass(frozen=True)
class Confirmation:
    """A result's publication record (publication.result_confirmed): published, or withheld by law."""

    result_id: str
    node: str
    public: bool
    on_time: bool
    due: date | None
    confirmed_on: date


@dataclass(frozen=True)
class FollowUpFact:
    """A follow-up of a problem found (inspection.follow_up_opened / _closed; a close read first is kept too)."""

    follow_up_id: str
    result_id: str
    node: str
    kind: str | None = None
    opened_on: date | None = None
    due: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class MissedDeadline:
    """A result not public by its 20th working day (publication.deadline_missed), once per task and result."""

    task_id: str
    result_id: str
    node: str
    due: date
    detected_on: date


@dataclass
class Facts:
    """Every fact under one node's subtree, as the use cases are handed them by the repository."""

    tasks: dict[str, TaskFact] = field(default_factory=dict)
    draws: dict[str, DrawFact] = field(default_factory=dict)
    inspections: dict[str, InspectionFact] = field(default_factory=dict)  # by visit id
    confirmations: dict[str, Confirmation] = field(default_factory=dict)  # by result id
    follow_ups: dict[str, FollowUpFact] = field(default_factory=dict)
    missed: list[MissedDeadline] = field(default_factory=list)
