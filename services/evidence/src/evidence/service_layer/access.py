"""Access requests, approvals and grants (004 §12.4): a request names archive versions, a mode, a purpose and an
end; two approvers in two positions grant it. Reads under a grant are in `reads.py`, borrowing in `borrowing.py`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from evidence.domain.access import POSITIONS, Decision, Grant, check_decision, granted
from evidence.domain.errors import RequestExpired, RequestNotFound, ValidityInvalid, VersionUnknown
from evidence.domain.records import AccessRequest
from evidence.service_layer.archives import head_of
from evidence.service_layer.context import APPROVERS, READERS, REQUESTERS, Context
from hrss.auth import Action
from hrss.contracts.events.evidence import AccessGranted, AccessRefused, AccessRequested


def request_access(
    ctx: Context, archive_id: str, versions: list[int], mode: str, purpose: str, valid_until: datetime
) -> dict[str, Any]:
    """A request to read (or borrow) named versions of an archive until `valid_until` (at most the settings' days)."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    known = ctx.repo.version_numbers(archive_id)
    if not set(versions) <= known:
        raise VersionUnknown(versions="、".join(str(n) for n in sorted(set(versions) - known)))
    now = ctx.now()
    longest = timedelta(days=ctx.components.settings.max_grant_days)
    if not now < valid_until <= now + longest:
        raise ValidityInvalid(days=ctx.components.settings.max_grant_days)
    request_id = str(uuid.uuid4())
    numbers = tuple(sorted(set(versions)))
    request = AccessRequest(
        request_id, archive_id, head.node, numbers, mode, purpose, valid_until, ctx.principal.account_id, now
    )
    ctx.repo.add_access_request(request)
    asked = AccessRequested(
        request_id=uuid.UUID(request_id),
        archive_id=uuid.UUID(archive_id),
        node=head.node,  # type: ignore[arg-type]
        uscc=head.uscc,
        entity_name=head.entity_name,
        versions=list(numbers),
        mode=mode,  # type: ignore[arg-type]
        purpose=purpose,
        requester=ctx.principal.account_id,
        valid_until=valid_until,
        requested_at=now,
    )
    ctx.uow.publish(asked, subject=archive_id, node=ctx.serving(head.node))
    ctx.audit(
        role=role,
        action="access.request",
        object_type="archive",
        object_id=archive_id,
        node=head.node,
        reason=purpose,
        approval_id=request_id,
        detail={"mode": mode, "versions": ",".join(map(str, numbers))},
    )
    return request_view(ctx, request_id)


def _request(ctx: Context, request_id: str) -> AccessRequest:
    found = ctx.repo.access_request(request_id)
    if found is None:
        raise RequestNotFound(request_id=request_id)
    return found


def decide_access(
    ctx: Context, request_id: str, position: str, decision: str, comment: str, approver_name: str
) -> dict[str, Any]:
    """One approver's decision in one position; the second approval creates the grant."""
    request = _request(ctx, request_id)
    role = ctx.authorize(request.node, APPROVERS)
    earlier = ctx.repo.decisions(request_id)
    check_decision(request.requester, ctx.principal.account_id, position, earlier)
    now = ctx.now()
    if now >= request.valid_until:
        raise RequestExpired()
    name = approver_name or ctx.principal.name
    this = Decision(position, decision, ctx.principal.account_id, name, comment, now)
    ctx.repo.add_decision(request_id, this)
    grant_id = None
    served = ctx.serving(request.node)
    if decision == "refuse":
        refused = AccessRefused(
            request_id=uuid.UUID(request_id),
            archive_id=request.archive_id,  # type: ignore[arg-type]
            node=request.node,  # type: ignore[arg-type]
            requester=request.requester,
            position=position,  # type: ignore[arg-type]
            approver=ctx.principal.account_id,
            comment=comment,
            refused_at=now,
        )
        ctx.uow.publish(refused, subject=str(request.archive_id), node=served)
    elif granted([*earlier, this]):
        grant_id = str(uuid.uuid4())
        grant = Grant(
            grant_id, request.archive_id, request.versions, request.mode, request.requester, now, request.valid_until
        )
        ctx.repo.add_grant(grant, request)
        event = AccessGranted(
            grant_id=grant_id,  # type: ignore[arg-type]
            request_id=uuid.UUID(request_id),
            archive_id=request.archive_id,  # type: ignore[arg-type]
            node=request.node,  # type: ignore[arg-type]
            versions=list(request.versions),
            mode=request.mode,  # type: ignore[arg-type]
            grantee=request.requester,
            valid_until=request.valid_until,
        )
        ctx.uow.publish(event, subject=str(request.archive_id), node=served)
    ctx.audit(
        role=role,
        action=f"access.{decision}",
        object_type="access_request",
        object_id=request_id,
        node=request.node,
        reason=comment or None,
        approval_id=grant_id or request_id,
        detail={"position": position},
    )
    return request_view(ctx, request_id)


def request_view(ctx: Context, request_id: str) -> dict[str, Any]:
    """A request with its decisions and status (pending, refused, granted) and its grant's id."""
    request = _request(ctx, request_id)
    ctx.authorize(request.node, READERS | APPROVERS, Action.READ)
    decisions = ctx.repo.decisions(request_id)
    grant_id = ctx.repo.grant_of_request(request_id)
    refused = any(d.decision == "refuse" for d in decisions)
    return {
        "request_id": request_id,
        "archive_id": str(request.archive_id),
        "versions": list(request.versions),
        "mode": request.mode,
        "purpose": request.purpose,
        "valid_until": request.valid_until.isoformat(),
        "requester": request.requester,
        "status": "refused" if refused else "granted" if grant_id else "pending",
        "decisions": [
            {
                "position": d.position,
                "position_label": POSITIONS[d.position],
                "decision": d.decision,
                "approver": d.approver,
                "approver_name": d.approver_name,
                "comment": d.comment,
                "at": d.at.isoformat() if d.at else None,
            }
            for d in decisions
        ],
        "grant_id": grant_id,
    }


def grant_of(ctx: Context, grant_id: str | None) -> Grant | None:
    """The grant a caller offers, if it exists (an id that is not a UUID names none)."""
    if not grant_id:
        return None
    try:
        uuid.UUID(grant_id)
    except ValueError:
        return None
    return ctx.repo.grant(grant_id)
