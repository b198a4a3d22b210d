"""The records every plan transition returns (PlanFiled, PlanReturned, PlanAccepted, PlanPublished, PlanAdjusted).

Each names the plan version, the actor, the time and the reason; the service layer turns it into an event and an
audit entry. Reviews are kept on the plan itself, on every later version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from hrss.contracts import Node
from planning.domain.actors import Actor, blank, require_aware

if TYPE_CHECKING:
    from planning.domain.plans import Omission, Plan


@dataclass(frozen=True)
class Review:
    """The parent's decision on one filed version, with its comment; kept on every later version."""

    version: int
    accepted: bool
    actor: Actor
    at: datetime
    comment: str | None


@dataclass(frozen=True, kw_only=True)
class PlanEvent:
    """What happened to which plan version, who did it, when and why."""

    plan_id: str
    node: Node
    year: int
    version: int
    actor: Actor
    at: datetime
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class PlanFiled(PlanEvent):
    """Filed with `filed_with` (None: a province plan, self-filed); `late` if first filed after `deadline`."""

    filed_with: Node | None
    deadline: date
    late: bool
    omitted: tuple[Omission, ...]

    @property
    def self_filed(self) -> bool:
        """True for a province plan, which has nobody above it on the platform."""
        return self.filed_with is None


@dataclass(frozen=True, kw_only=True)
class PlanAccepted(PlanEvent):
    """The parent accepted the filed version (the reason is its comment, if any)."""


@dataclass(frozen=True, kw_only=True)
class PlanReturned(PlanEvent):
    """The parent returned the filed version; the reason is its comment and is required."""


@dataclass(frozen=True, kw_only=True)
class PlanPublished(PlanEvent):
    """The accepted version was made public (公示); a later version re-publishes the adjusted plan."""


@dataclass(frozen=True, kw_only=True)
class PlanAdjusted(PlanEvent):
    """A new draft version was made from `from_version`; the reason says why the plan changes."""

    from_version: int


E = TypeVar("E", bound=PlanEvent)


def plan_event(kind: type[E], plan: Plan, actor: Actor, at: datetime, reason: str | None, **extra: Any) -> E:
    """The record of `kind` for this plan version."""
    return kind(
        plan_id=plan.plan_id,
        node=plan.node,
        year=plan.year,
        version=plan.version,
        actor=actor,
        at=require_aware(at),
        reason=clean(reason),
        **extra,
    )


def clean(text: str | None) -> str | None:
    """The text trimmed, or None if blank."""
    return None if text is None or blank(text) else text.strip()
