"""Who hears what: each consumed event becomes one or more announcements, each a template, the audiences that hear
it (recipient keys) and the values the template names. Only what an audience may see goes into its values: an
entity's prior notice names the inspectors but never their credentials or anyone's personal data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from hrss.auth.roles import Role, admin_role_for
from hrss.contracts import Node
from hrss.contracts.events.draw import AssignmentDispatched, TeamChanged, TeamMember
from hrss.contracts.events.evidence import AccessGranted, AccessRefused, AccessRequested, ArchiveReturned
from hrss.contracts.events.identity import AccountLocked, AccountUnlocked, EnrolmentReset
from hrss.contracts.events.inspection import NoticeIssued, Overdue, ResultApproved, ResultReturned, ResultSubmitted
from notification.domain import model
from notification.domain.templates import ACCESS_MODE, CONDITION, OVERDUE_WHAT, POSITION

SEP = "、"


@dataclass(frozen=True)
class Announcement:
    template_id: str
    node: str  # the node whose business it is (its administrators see its failures)
    audiences: list[str]
    params: dict[str, Any] = field(default_factory=dict)


def _names(team: list[TeamMember] | list[Any], but: str | None = None) -> str:
    names = [m.name or m.credential_no for m in team if str(m.inspector_id) != but]
    return SEP.join(names) or "（无）"


def assignment(e: AssignmentDispatched, visit: Any) -> list[Announcement]:
    """Each member of the team hears of the entity, the tasks, the period and the other members."""
    tasks = SEP.join(f"{t.title}（{t.number}）" if t.number else t.title for t in e.tasks)
    starts = [t.start for t in e.tasks if t.start]
    period = f"{min(starts).isoformat() if starts else '即日'} 至 {max(t.end for t in e.tasks).isoformat()}"
    base = {"entity_name": e.name, "uscc": e.uscc, "tasks": tasks, "period": period}
    return [
        Announcement(
            "assignment",
            e.target_node,
            [model.inspector(m.inspector_id)],
            {**base, "teammates": _names(e.team, but=str(m.inspector_id))},
        )
        for m in e.team
    ]


def team_changed(e: TeamChanged, visit: Any) -> list[Announcement]:
    """The new team (the replacement included) hears of the change; the replaced member hears they are off it."""
    values = {
        "entity_name": e.uscc,
        "uscc": e.uscc,
        "replaced": e.replaced.name or e.replaced.credential_no,
        "by": e.by.name or e.by.credential_no,
        "reason": e.reason,
        "approver": e.approver,
        "team": _names(e.team),
    }
    if visit is not None:
        values["entity_name"] = visit["entity_name"]
    return [
        Announcement("team_changed", e.target_node, [model.inspector(m.inspector_id) for m in e.team], values),
        Announcement("team_left", e.target_node, [model.inspector(e.replaced.inspector_id)], values),
    ]


def _team_of(visit: Any) -> list[str]:
    return [model.inspector(m["inspector_id"]) for m in (visit or {}).get("inspectors", [])]


def _result_values(e: Any, visit: Any) -> dict[str, Any]:
    return {
        "entity_name": (visit or {}).get("entity_name", "（检查对象）"),
        "uscc": (visit or {}).get("uscc", "-"),
        "version": e.version,
    }


def result_submitted(e: ResultSubmitted, visit: Any) -> list[Announcement]:
    """The node's approvers, to review it, and the team."""
    audiences = [model.role(e.node, Role.APPROVER), *_team_of(visit)]
    return [
        Announcement(
            "result_submitted", e.node, audiences, {**_result_values(e, visit), "submitted_by": e.submitted_by}
        )
    ]


def result_returned(e: ResultReturned, visit: Any) -> list[Announcement]:
    values = {**_result_values(e, visit), "reviewer": e.reviewer, "opinion": e.opinion}
    return [Announcement("result_returned", e.node, _team_of(visit), values)]


def result_approved(e: ResultApproved, visit: Any) -> list[Announcement]:
    team = [model.inspector(i.inspector_id) for i in e.record.inspectors] or _team_of(visit)
    values = {"entity_name": e.entity_name, "uscc": e.uscc, "version": e.version, "reviewer": e.reviewer}
    return [Announcement("result_approved", e.node, team, values)]


def overdue(e: Overdue, visit: Any) -> list[Announcement]:
    """The node's planners and administrators, and the administrators of the supervising level."""
    audiences = [model.role(e.node, Role.PLANNER), model.role(e.node, admin_role_for(Node(e.node).level))]
    if e.supervisor:
        audiences.append(model.role(e.supervisor, admin_role_for(Node(e.supervisor).level)))
    values = {
        "node": e.node,
        "what": OVERDUE_WHAT[e.kind],
        "subject_id": str(e.subject_id),
        "due": e.due.isoformat(),
        "detected_on": e.detected_on.isoformat(),
    }
    return [Announcement("overdue", e.node, audiences, values)]


def prior_notice(e: NoticeIssued, visit: Any) -> list[Announcement]:
    """The entity's contact (inspection issues a notice only where the task is announced beforehand)."""
    values = {
        "entity_name": e.entity_name,
        "window_start": e.window_start.isoformat(),
        "window_end": e.window_end.isoformat(),
        "items": SEP.join(e.items),
        "materials": SEP.join(e.materials) or "（无）",
        "inspectors": _names(e.inspectors),
        "pdf_sha256": e.pdf_sha256,
    }
    return [Announcement("prior_notice", e.node, [model.entity(e.uscc)], values)]


def enrolment_reset(e: EnrolmentReset, visit: Any) -> list[Announcement]:
    """The holder, through a channel of their own (the new code went to whoever reset it, never here)."""
    values = {
        "node": e.node,
        "reset_at": e.reset_at.isoformat(timespec="minutes"),
        "reset_by": e.reset_by,
        "code_expires_at": e.code_expires_at.isoformat(timespec="minutes"),
    }
    return [Announcement("enrolment_reset", e.node, [model.account(e.account_id)], values)]


def access_requested(e: AccessRequested, visit: Any) -> list[Announcement]:
    """The archive's keepers and approvers at its node: a request to read or borrow waits for two approvals."""
    values = {
        "entity_name": e.entity_name,
        "uscc": e.uscc,
        "mode": ACCESS_MODE[e.mode],
        "versions": SEP.join(str(v) for v in e.versions),
        "purpose": e.purpose,
        "valid_until": e.valid_until.isoformat(timespec="minutes"),
        "requester": e.requester,
        "request_id": str(e.request_id),
    }
    audiences = [model.role(e.node, Role.ARCHIVE_KEEPER), model.role(e.node, Role.APPROVER)]
    return [Announcement("access_requested", e.node, audiences, values)]


def access_granted(e: AccessGranted, visit: Any) -> list[Announcement]:
    """The requester (the grantee): what they may read or borrow, until when."""
    values = {
        "mode": ACCESS_MODE[e.mode],
        "archive_id": str(e.archive_id),
        "versions": SEP.join(str(v) for v in e.versions),
        "valid_until": e.valid_until.isoformat(timespec="minutes"),
        "request_id": str(e.request_id),
    }
    return [Announcement("access_granted", e.node, [model.account(e.grantee)], values)]


def access_refused(e: AccessRefused, visit: Any) -> list[Announcement]:
    """The requester: which position refused, and why."""
    values = {
        "archive_id": str(e.archive_id),
        "request_id": str(e.request_id),
        "position": POSITION[e.position],
        "comment": e.comment or "（未说明）",
    }
    return [Announcement("access_refused", e.node, [model.account(e.requester)], values)]


def archive_returned(e: ArchiveReturned, visit: Any) -> list[Announcement]:
    """A return found damaged or incomplete is reported to the node's approvers and keepers (004 §12.4.4)."""
    if e.condition == "intact":
        return []
    values = {
        "entity_name": e.entity_name,
        "uscc": e.uscc,
        "version": e.version,
        "borrower": e.borrower,
        "keeper": e.keeper,
        "condition": CONDITION[e.condition],
        "note": e.note or "（无）",
    }
    audiences = [model.role(e.node, Role.APPROVER), model.role(e.node, Role.ARCHIVE_KEEPER)]
    return [Announcement("archive_return_problem", e.node, audiences, values)]


def _holder_and_admins(node: str, account_id: object) -> list[str]:
    return [model.account(account_id), model.role(node, admin_role_for(Node(node).level))]


def account_locked(e: AccountLocked, visit: Any) -> list[Announcement]:
    """The holder (someone may be guessing their password) and the administrators of the account's node."""
    values = {
        "node": e.node,
        "login": e.login,
        "locked_at": e.locked_at.isoformat(timespec="minutes"),
        "locked_until": e.locked_until.isoformat(timespec="minutes"),
        "client": e.client or "未知地址",
    }
    return [Announcement("account_locked", e.node, _holder_and_admins(e.node, e.account_id), values)]


def account_unlocked(e: AccountUnlocked, visit: Any) -> list[Announcement]:
    """The holder and the administrators of the account's node: who lifted the lockout, and why."""
    values = {
        "node": e.node,
        "login": e.login,
        "unlocked_at": e.unlocked_at.isoformat(timespec="minutes"),
        "unlocked_by": e.unlocked_by,
        "reason": e.reason,
        "was_locked": "当时处于锁定状态" if e.was_locked else "当时并未锁定",
    }
    return [Announcement("account_unlocked", e.node, _holder_and_admins(e.node, e.account_id), values)]


ROUTES: dict[type[BaseModel], Callable[[Any, Any], list[Announcement]]] = {
    AssignmentDispatched: assignment,
    TeamChanged: team_changed,
    ResultSubmitted: result_submitted,
    ResultReturned: result_returned,
    ResultApproved: result_approved,
    Overdue: overdue,
    NoticeIssued: prior_notice,
    EnrolmentReset: enrolment_reset,
    AccountLocked: account_locked,
    AccountUnlocked: account_unlocked,
    AccessRequested: access_requested,
    AccessGranted: access_granted,
    AccessRefused: access_refused,
    ArchiveReturned: archive_returned,
}


def node_of(event: BaseModel) -> str:
    """The node an event concerns (whose process, central or federated, notifies for it)."""
    for name in ("target_node", "node"):
        value = getattr(event, name, None)
        if value:
            return str(value)
    raise ValueError(f"{type(event).__name__} names no node")


def team_key(event: BaseModel) -> str | None:
    """The id the team of an event is kept under: the visit's (inspection), else the assignment's (draw)."""
    value = getattr(event, "visit_id", None) or getattr(event, "assignment_id", None)
    return str(value) if value else None
