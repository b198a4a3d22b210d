"""Access requests, approvals and grants; reads of filed archive versions and evidence under a grant; the
borrowing register. Every read and every refusal is audited (refusals by the entrypoint, naming the grant)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from evidence.adapters import orm
from evidence.adapters.store import StoreError
from evidence.domain.access import CONDITIONS, POSITIONS, Decision, Grant, check_decision, check_grant, granted
from evidence.domain.archives import canonical
from evidence.domain.errors import (
    BorrowingNotFound,
    BorrowingOpen,
    BorrowingReturned,
    DueBackPast,
    EvidenceNotInVersion,
    GrantNotFound,
    NoteRequired,
    RequestExpired,
    RequestNotFound,
    ValidityInvalid,
    VersionNotFound,
    VersionUnknown,
)
from evidence.domain.hashing import digest_of, new_hash
from evidence.service_layer.archives import head_of
from evidence.service_layer.context import APPROVERS, KEEPERS, READERS, REQUESTERS, Context
from hrss.auth import Action
from hrss.contracts import Level, Node
from hrss.contracts.events.evidence import AccessGranted, AccessRefused


class Corrupt(RuntimeError):
    """A stored object does not have the digest recorded for it (found by a read; fixity flags it too)."""


def request_access(
    ctx: Context, archive_id: str, versions: list[int], mode: str, purpose: str, valid_until: datetime
) -> dict[str, Any]:
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    v = orm.archive_version
    known = set(ctx.uow.session.execute(select(v.c.version).where(v.c.archive_id == archive_id)).scalars())
    if not set(versions) <= known:
        wrong = "、".join(str(n) for n in sorted(set(versions) - known))
        raise VersionUnknown(versions=wrong)
    now = ctx.now()
    longest = timedelta(days=ctx.components.settings.max_grant_days)
    if not now < valid_until <= now + longest:
        raise ValidityInvalid(days=ctx.components.settings.max_grant_days)
    request_id = str(uuid.uuid4())
    ctx.uow.session.execute(
        insert(orm.access_request).values(
            request_id=request_id,
            archive_id=archive_id,
            node=head.node,
            versions=sorted(set(versions)),
            mode=mode,
            purpose=purpose,
            valid_until=valid_until,
            requester=ctx.principal.account_id,
            requested_at=now,
        )
    )
    ctx.audit(
        role=role,
        action="access.request",
        object_type="archive",
        object_id=archive_id,
        node=head.node,
        reason=purpose,
        approval_id=request_id,
        detail={"mode": mode, "versions": ",".join(map(str, sorted(set(versions))))},
    )
    return request_view(ctx, request_id)


def _request(ctx: Context, request_id: str) -> Any:
    r = orm.access_request
    found = ctx.uow.session.execute(select(r).where(r.c.request_id == request_id)).first()
    if found is None:
        raise RequestNotFound(request_id=request_id)
    return found


def _decisions(ctx: Context, request_id: str) -> list[Any]:
    d = orm.access_decision
    return list(ctx.uow.session.execute(select(d).where(d.c.request_id == request_id).order_by(d.c.at)))


def decide_access(
    ctx: Context, request_id: str, position: str, decision: str, comment: str, approver_name: str
) -> dict[str, Any]:
    """One approver's decision in one position; the second approval creates the grant."""
    request = _request(ctx, request_id)
    role = ctx.authorize(request.node, APPROVERS)
    earlier = [Decision(d.position, d.decision, d.approver) for d in _decisions(ctx, request_id)]
    check_decision(request.requester, ctx.principal.account_id, position, earlier)
    now = ctx.now()
    if now >= request.valid_until:
        raise RequestExpired()
    ctx.uow.session.execute(
        insert(orm.access_decision).values(
            request_id=request_id,
            position=position,
            decision=decision,
            approver=ctx.principal.account_id,
            approver_name=approver_name or ctx.principal.name,
            comment=comment,
            at=now,
        )
    )
    grant_id = None
    served = ctx.serving(request.node)
    if decision == "refuse":
        ctx.uow.publish(
            AccessRefused(
                request_id=uuid.UUID(request_id),
                archive_id=request.archive_id,
                node=request.node,
                requester=request.requester,
                position=position,  # type: ignore[arg-type]
                approver=ctx.principal.account_id,
                comment=comment,
                refused_at=now,
            ),
            subject=str(request.archive_id),
            node=served,
        )
    elif granted([*earlier, Decision(position, decision, ctx.principal.account_id)]):
        grant_id = str(uuid.uuid4())
        ctx.uow.session.execute(
            insert(orm.access_grant).values(
                grant_id=grant_id,
                request_id=uuid.UUID(request_id),
                archive_id=request.archive_id,
                node=request.node,
                versions=request.versions,
                mode=request.mode,
                purpose=request.purpose,
                grantee=request.requester,
                valid_from=now,
                valid_until=request.valid_until,
            )
        )
        ctx.uow.publish(
            AccessGranted(
                grant_id=grant_id,  # type: ignore[arg-type]
                request_id=uuid.UUID(request_id),
                archive_id=request.archive_id,
                node=request.node,
                versions=list(request.versions),
                mode=request.mode,
                grantee=request.requester,
                valid_until=request.valid_until,
            ),
            subject=str(request.archive_id),
            node=served,
        )
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
    request = _request(ctx, request_id)
    ctx.authorize(request.node, READERS | APPROVERS, Action.READ)
    decisions = _decisions(ctx, request_id)
    g = orm.access_grant
    grant = ctx.uow.session.execute(select(g).where(g.c.request_id == request_id)).first()
    refused = any(d.decision == "refuse" for d in decisions)
    return {
        "request_id": request_id,
        "archive_id": str(request.archive_id),
        "versions": list(request.versions),
        "mode": request.mode,
        "purpose": request.purpose,
        "valid_until": request.valid_until.isoformat(),
        "requester": request.requester,
        "status": "refused" if refused else "granted" if grant else "pending",
        "decisions": [
            {
                "position": d.position,
                "position_label": POSITIONS[d.position],
                "decision": d.decision,
                "approver": d.approver,
                "approver_name": d.approver_name,
                "comment": d.comment,
                "at": d.at.isoformat(),
            }
            for d in decisions
        ],
        "grant_id": str(grant.grant_id) if grant else None,
    }


def grant_of(ctx: Context, grant_id: str | None) -> Grant | None:
    if not grant_id:
        return None
    try:
        uuid.UUID(grant_id)
    except ValueError:
        return None
    g = orm.access_grant
    row = ctx.uow.session.execute(select(g).where(g.c.grant_id == grant_id)).first()
    if row is None:
        return None
    return Grant(
        str(row.grant_id),
        str(row.archive_id),
        tuple(row.versions),
        row.mode,
        row.grantee,
        row.valid_from,
        row.valid_until,
    )


def _version_row(ctx: Context, archive_id: str, version: int) -> Any:
    v = orm.archive_version
    row = ctx.uow.session.execute(select(v).where(v.c.archive_id == archive_id, v.c.version == version)).first()
    if row is None:
        raise VersionNotFound(archive_id=archive_id, version=version)
    return row


def read_version(ctx: Context, archive_id: str, version: int, grant_id: str | None) -> dict[str, Any]:
    """The filed manifest of one version, read back by its version id and checked against its digest."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    row = _version_row(ctx, archive_id, version)
    check_grant(grant_of(ctx, grant_id), ctx.principal.account_id, archive_id, version, ctx.now())
    data = ctx.components.store.read(row.manifest_key, row.manifest_version_id)
    digest = digest_of(row.algorithm, data)
    if digest != row.manifest_digest or data != canonical(row.manifest):
        raise Corrupt(f"archive {archive_id} v{version}: stored manifest does not match its digest")
    ctx.audit(
        role=role,
        action="archive.read",
        object_type="archive",
        object_id=archive_id,
        node=head.node,
        version=version,
        approval_id=str(grant_id),
        detail={"manifest_digest": digest},
    )
    return {
        "archive_id": archive_id,
        "version": version,
        "algorithm": row.algorithm,
        "manifest_digest": digest,
        "manifest_version_id": row.manifest_version_id,
        "manifest": row.manifest,
        "grant_id": grant_id,
    }


def read_evidence(
    ctx: Context, archive_id: str, version: int, evidence_id: str, grant_id: str | None
) -> tuple[Any, Iterator[bytes]]:
    """The filed bytes of one piece of evidence of a version: its record and a stream that checks the digest."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    _version_row(ctx, archive_id, version)
    check_grant(grant_of(ctx, grant_id), ctx.principal.account_id, archive_id, version, ctx.now())
    i = orm.archive_item
    item = ctx.uow.session.execute(
        select(i.c.status).where(i.c.archive_id == archive_id, i.c.version == version, i.c.evidence_id == evidence_id)
    ).first()
    if item is None:
        raise EvidenceNotInVersion(version=version, evidence_id=evidence_id)
    e = orm.evidence
    row = ctx.uow.session.execute(select(e).where(e.c.evidence_id == evidence_id)).one()
    ctx.audit(
        role=role,
        action="evidence.read",
        object_type="evidence",
        object_id=evidence_id,
        node=head.node,
        version=version,
        approval_id=str(grant_id),
        detail={"archive_id": archive_id, "digest": row.digest, "version_id": row.version_id},
    )
    return row, verified_stream(ctx, row)


def verified_stream(ctx: Context, row: Any) -> Iterator[bytes]:
    """The object's bytes by version id; the last chunk is withheld (the connection breaks) on a digest mismatch."""
    store = ctx.components.store
    hasher = new_hash(row.algorithm)
    chunks = store.chunks(row.object_key, row.version_id)
    try:
        previous = next(chunks, None)
    except StoreError as error:
        raise Corrupt(str(error)) from None
    for chunk in chunks:
        hasher.update(previous)
        yield previous  # type: ignore[misc]
        previous = chunk
    if previous is not None:
        hasher.update(previous)
    if hasher.hexdigest() != row.digest:
        raise Corrupt(f"evidence {row.evidence_id}: stored bytes do not match the recorded digest")
    if previous is not None:
        yield previous


def borrow(ctx: Context, grant_id: str, version: int, due_back: date, note: str) -> dict[str, Any]:
    """Register a borrowing (借阅登记) under a borrow grant; the keeper hands the archive over."""
    grant = grant_of(ctx, grant_id)
    if grant is None:
        raise GrantNotFound(grant_id=grant_id)
    head = head_of(ctx, grant.archive_id)
    role = ctx.authorize(head.node, KEEPERS)
    check_grant(grant, grant.grantee, grant.archive_id, version, ctx.now(), mode="borrow")
    b, r = orm.borrowing, orm.borrowing_return
    open_ = ctx.uow.session.execute(
        select(b.c.borrowing_id).where(
            b.c.grant_id == grant_id, b.c.version == version, b.c.borrowing_id.not_in(select(r.c.borrowing_id))
        )
    ).first()
    if open_ is not None:
        raise BorrowingOpen()
    if due_back < ctx.now().date():
        raise DueBackPast()
    borrowing_id = str(uuid.uuid4())
    ctx.uow.session.execute(
        insert(b).values(
            borrowing_id=borrowing_id,
            grant_id=grant_id,
            archive_id=grant.archive_id,
            node=head.node,
            version=version,
            borrower=grant.grantee,
            keeper=ctx.principal.account_id,
            due_back=due_back,
            note=note,
            borrowed_at=ctx.now(),
        )
    )
    ctx.audit(
        role=role,
        action="borrowing.lend",
        object_type="archive",
        object_id=grant.archive_id,
        node=head.node,
        version=version,
        approval_id=grant_id,
        detail={"borrowing_id": borrowing_id, "borrower": grant.grantee},
    )
    return borrowing_view(ctx, borrowing_id)


def give_back(ctx: Context, borrowing_id: str, condition: str, note: str) -> dict[str, Any]:
    """Register the return and the keeper's check (有无拆封、短缺、污损, 004 §12.4.4)."""
    b, r = orm.borrowing, orm.borrowing_return
    row = ctx.uow.session.execute(select(b).where(b.c.borrowing_id == borrowing_id)).first()
    if row is None:
        raise BorrowingNotFound(borrowing_id=borrowing_id)
    role = ctx.authorize(row.node, KEEPERS)
    if ctx.uow.session.execute(select(r.c.borrowing_id).where(r.c.borrowing_id == borrowing_id)).first():
        raise BorrowingReturned()
    if condition != "intact" and not note.strip():
        raise NoteRequired(condition=CONDITIONS[condition])
    ctx.uow.session.execute(
        insert(r).values(
            borrowing_id=borrowing_id,
            keeper=ctx.principal.account_id,
            condition=condition,
            note=note,
            returned_at=ctx.now(),
        )
    )
    ctx.audit(
        role=role,
        action="borrowing.return",
        object_type="archive",
        object_id=str(row.archive_id),
        node=row.node,
        version=row.version,
        approval_id=str(row.grant_id),
        reason=note or None,
        detail={"borrowing_id": borrowing_id, "condition": condition},
    )
    return borrowing_view(ctx, borrowing_id)


def borrowing_view(ctx: Context, borrowing_id: str) -> dict[str, Any]:
    b, r = orm.borrowing, orm.borrowing_return
    row = ctx.uow.session.execute(
        select(b, r.c.condition, r.c.note.label("return_note"), r.c.returned_at, r.c.keeper.label("return_keeper"))
        .select_from(b.outerjoin(r, r.c.borrowing_id == b.c.borrowing_id))
        .where(b.c.borrowing_id == borrowing_id)
    ).one()
    return _borrowing(row)


def _borrowing(row: Any) -> dict[str, Any]:
    return {
        "borrowing_id": str(row.borrowing_id),
        "grant_id": str(row.grant_id),
        "archive_id": str(row.archive_id),
        "version": row.version,
        "borrower": row.borrower,
        "keeper": row.keeper,
        "borrowed_at": row.borrowed_at.isoformat(),
        "due_back": row.due_back.isoformat(),
        "note": row.note,
        "returned": row.returned_at is not None,
        "returned_at": row.returned_at.isoformat() if row.returned_at else None,
        "condition": row.condition,
        "condition_label": CONDITIONS.get(row.condition or "", None),
        "return_note": row.return_note,
    }


def register(ctx: Context, node: str) -> list[dict[str, Any]]:
    """The borrowing register of a node (and below)."""
    ctx.authorize(node, KEEPERS | READERS, Action.READ)
    b, r = orm.borrowing, orm.borrowing_return
    rows = ctx.uow.session.execute(
        select(b, r.c.condition, r.c.note.label("return_note"), r.c.returned_at, r.c.keeper.label("return_keeper"))
        .select_from(b.outerjoin(r, r.c.borrowing_id == b.c.borrowing_id))
        .where(b.c.node.like(_prefix(node) + "%"))
        .order_by(b.c.borrowed_at)
        .limit(1000)
    )
    return [_borrowing(row) for row in rows]


def _prefix(node: str) -> str:
    """The code prefix of a node and everything below it."""
    return node[: {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}[Node(node).level]]
