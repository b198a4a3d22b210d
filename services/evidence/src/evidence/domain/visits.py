"""A visit as the evidence service knows it, folded from the inspection service's events: its node, the registry
inspector ids of its team, and whether it is closed. Evidence is only ever added to a visit known this way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from evidence.domain.errors import VisitClosed, VisitOfOtherNode, VisitUnknown

TEAM, STATUS = "team", "status"


@dataclass(frozen=True)
class VisitFact:
    """One applied event: the whole team (`team`, from visit_opened / visit_extended) or a step (`status`)."""

    event_id: str
    visit_id: str
    node: str
    kind: str  # team | status
    at: datetime
    inspector_ids: tuple[str, ...] = ()
    status: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Visit:
    visit_id: str
    node: str
    inspector_ids: tuple[str, ...]
    closed: bool = False
    closed_reason: str | None = None


def fold(facts: Iterable[VisitFact]) -> Visit | None:
    """The visit from its facts: the team of the latest team fact (events of different topics may arrive in any
    order, so by when they happened), closed once any status fact says so; None until a team fact arrived."""
    ordered = sorted(facts, key=lambda f: f.at)
    teams = [f for f in ordered if f.kind == TEAM]
    if not teams:
        return None
    closing = [f for f in ordered if f.kind == STATUS and f.status == "closed"]
    latest = teams[-1]
    return Visit(
        latest.visit_id,
        latest.node,
        latest.inspector_ids,
        closed=bool(closing),
        closed_reason=closing[-1].reason if closing else None,
    )


def check_target(visit: Visit | None, visit_id: str, node: str) -> Visit:
    """The visit evidence is uploaded to, if it is known here and of `node`; else the refusal, naming the field."""
    if visit is None:
        raise VisitUnknown(visit_id=visit_id)
    if visit.node != node:
        raise VisitOfOtherNode(visit_id=visit_id, node=node)
    return visit


def check_open(visit: Visit) -> None:
    """Refuse evidence for a closed visit (withdrawn by a voided draw, or closed with a recorded reason)."""
    if visit.closed:
        why = f"（{visit.closed_reason}）" if visit.closed_reason else ""
        raise VisitClosed(visit_id=visit.visit_id, why=why)
