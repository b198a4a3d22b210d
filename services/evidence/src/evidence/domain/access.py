"""Who may read or borrow an archive (004 §12.4): a request, approved by the department head (部门负责人) and
the leader in charge (分管领导) — two different people, neither of them the requester — gives a grant for the
named archive versions, purpose and time; every read is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evidence.domain.errors import (
    GrantExpired,
    GrantNotYours,
    GrantOutOfScope,
    GrantReadOnly,
    GrantRequired,
    PositionDecided,
    RequestRefused,
    SameApprover,
    SelfApproval,
)

POSITIONS = {"department_head": "部门负责人", "leader_in_charge": "分管领导"}
CONDITIONS = {"intact": "完好", "damaged": "损坏", "missing": "缺失"}


@dataclass(frozen=True)
class Decision:
    position: str
    decision: str  # approve | refuse
    approver: str
    approver_name: str = ""
    comment: str = ""
    at: datetime | None = None


def check_decision(requester: str, approver: str, position: str, earlier: list[Decision]) -> None:
    """Refuse a decision that the rules do not allow; else return."""
    if approver == requester:
        raise SelfApproval()
    if any(d.decision == "refuse" for d in earlier):
        raise RequestRefused()
    if any(d.position == position for d in earlier):
        raise PositionDecided(position=POSITIONS[position])
    if any(d.approver == approver for d in earlier):
        raise SameApprover()


def granted(decisions: list[Decision]) -> bool:
    """True when both positions approved."""
    return {d.position for d in decisions if d.decision == "approve"} == set(POSITIONS)


@dataclass(frozen=True)
class Grant:
    grant_id: str
    archive_id: str
    versions: tuple[int, ...]
    mode: str
    grantee: str
    valid_from: datetime
    valid_until: datetime


def check_grant(
    grant: Grant | None, reader: str, archive_id: str, version: int, now: datetime, mode: str = "read"
) -> None:
    """Raise `AccessRefused` unless `grant` lets `reader` read `version` of `archive_id` at `now`."""
    if grant is None:
        raise GrantRequired()
    if grant.grantee != reader:
        raise GrantNotYours()
    if grant.archive_id != archive_id or version not in grant.versions:
        raise GrantOutOfScope(archive_id=grant.archive_id, versions="、".join(map(str, grant.versions)))
    if mode == "borrow" and grant.mode != "borrow":
        raise GrantReadOnly()
    if not grant.valid_from <= now < grant.valid_until:
        raise GrantExpired(valid_until=grant.valid_until.isoformat())
