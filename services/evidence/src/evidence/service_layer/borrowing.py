"""The borrowing register (借阅登记, 004 §12.4.4): a keeper lends a version under a borrow grant and registers its
return with the check of its condition. Both are published (`evidence.archive_lent`, `evidence.archive_returned`):
the notification service reminds the borrower before `due_back` and tells them and the keepers once it has passed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from evidence.domain.access import CONDITIONS, check_grant
from evidence.domain.errors import (
    BorrowingNotFound,
    BorrowingOpen,
    BorrowingReturned,
    DueBackPast,
    GrantNotFound,
    NoteRequired,
)
from evidence.domain.records import Borrowing
from evidence.service_layer.access import grant_of
from evidence.service_layer.archives import head_of
from evidence.service_layer.context import KEEPERS, READERS, Context
from hrss.auth import Action
from hrss.contracts import Level, Node
from hrss.contracts.events.evidence import ArchiveLent, ArchiveReturned


def borrow(ctx: Context, grant_id: str, version: int, due_back: date, note: str) -> dict[str, Any]:
    """Register a borrowing (借阅登记) under a borrow grant; the keeper hands the archive over."""
    grant = grant_of(ctx, grant_id)
    if grant is None:
        raise GrantNotFound(grant_id=grant_id)
    head = head_of(ctx, grant.archive_id)
    role = ctx.authorize(head.node, KEEPERS)
    check_grant(grant, grant.grantee, grant.archive_id, version, ctx.now(), mode="borrow")
    if ctx.repo.borrowing_open(grant_id, version):
        raise BorrowingOpen()
    if due_back < ctx.now().date():
        raise DueBackPast()
    borrowing_id = str(uuid.uuid4())
    lent = Borrowing(
        borrowing_id, grant_id, grant.archive_id, head.node, version, grant.grantee, ctx.principal.account_id,
        due_back, note, ctx.now(),
    )  # fmt: skip
    ctx.repo.add_borrowing(lent)
    event = ArchiveLent(
        borrowing_id=uuid.UUID(borrowing_id),
        grant_id=uuid.UUID(grant_id),
        archive_id=uuid.UUID(grant.archive_id),
        node=head.node,  # type: ignore[arg-type]
        uscc=head.uscc,
        entity_name=head.entity_name,
        version=version,
        borrower=grant.grantee,
        keeper=ctx.principal.account_id,
        due_back=due_back,
        lent_at=lent.borrowed_at,
    )
    ctx.uow.publish(event, subject=grant.archive_id, node=ctx.serving(head.node))
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
    lent = ctx.repo.borrowing(borrowing_id)
    if lent is None:
        raise BorrowingNotFound(borrowing_id=borrowing_id)
    role = ctx.authorize(lent.node, KEEPERS)
    if lent.returned_at is not None:
        raise BorrowingReturned()
    if condition != "intact" and not note.strip():
        raise NoteRequired(condition=CONDITIONS[condition])
    now = ctx.now()
    ctx.repo.add_return(borrowing_id, ctx.principal.account_id, condition, note, now)
    head = head_of(ctx, str(lent.archive_id))
    back = ArchiveReturned(
        borrowing_id=uuid.UUID(borrowing_id),
        archive_id=uuid.UUID(str(lent.archive_id)),
        node=lent.node,  # type: ignore[arg-type]
        uscc=head.uscc,
        entity_name=head.entity_name,
        version=lent.version,
        borrower=lent.borrower,
        keeper=ctx.principal.account_id,
        due_back=lent.due_back,
        condition=condition,  # type: ignore[arg-type]
        note=note,
        returned_at=now,
    )
    ctx.uow.publish(back, subject=str(lent.archive_id), node=ctx.serving(lent.node))
    ctx.audit(
        role=role,
        action="borrowing.return",
        object_type="archive",
        object_id=str(lent.archive_id),
        node=lent.node,
        version=lent.version,
        approval_id=str(lent.grant_id),
        reason=note or None,
        detail={"borrowing_id": borrowing_id, "condition": condition},
    )
    return borrowing_view(ctx, borrowing_id)


def borrowing_view(ctx: Context, borrowing_id: str) -> dict[str, Any]:
    """One entry of the register, as JSON."""
    lent = ctx.repo.borrowing(borrowing_id)
    assert lent is not None, "a borrowing just registered"
    return _borrowing(lent)


def _borrowing(row: Borrowing) -> dict[str, Any]:
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
    return [_borrowing(b) for b in ctx.repo.borrowings_under(_prefix(node))]


def _prefix(node: str) -> str:
    """The code prefix of a node and everything below it."""
    return node[: {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}[Node(node).level]]
