"""How a fact read again, or read out of order, joins what is kept: the one rule the fake and the SQL repository
both follow (tests/integration/test_repository_contract.py runs both)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reporting.domain.facts import DrawFact, FollowUpFact, InspectionFact, TaskFact


def _earliest(a: date | None, b: date | None) -> date | None:
    return min(d for d in (a, b) if d is not None) if a or b else None


def merge_task(old: TaskFact | None, new: TaskFact) -> TaskFact:
    """The task's attributes as last read; the earliest publication and completion days; cancelled once cancelled."""
    if old is None:
        return new
    return replace(
        new,
        published_on=_earliest(old.published_on, new.published_on),
        completed_on=_earliest(old.completed_on, new.completed_on),
        cancelled=old.cancelled or new.cancelled,
    )


def merge_draw(old: DrawFact | None, new: DrawFact) -> DrawFact:
    """The commitment's eligible count and the completion's picks, whichever came first."""
    if old is None:
        return new
    return replace(
        old,
        eligible=old.eligible if old.eligible is not None else new.eligible,
        picks=old.picks if old.picks is not None else new.picks,
        completed_on=old.completed_on or new.completed_on,
    )


def merge_inspection(old: InspectionFact | None, new: InspectionFact) -> InspectionFact:
    """A visit's latest approved version; an older one read later changes nothing."""
    return new if old is None or new.version > old.version else old


def merge_follow_up(old: FollowUpFact | None, new: FollowUpFact) -> FollowUpFact:
    """The opening's kind, day and due date and the closing's day, whichever came first."""
    if old is None:
        return new
    return replace(
        old,
        kind=old.kind or new.kind,
        opened_on=old.opened_on or new.opened_on,
        due=old.due or new.due,
        closed_on=old.closed_on or new.closed_on,
    )
