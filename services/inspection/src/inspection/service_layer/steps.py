"""A visit's steps for the levels above (`inspection.visit_status_changed`): opened, started (the first field
activity: a prior notice or a result, once), submitted, returned, approved, closed with a reason. Each step is
kept in `visit_status` (append-only) and published through the outbox in the same transaction; a closed visit
is never deleted, and takes no further step."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.contracts.events.inspection import VisitStatusChanged
from inspection.domain.errors import VisitClosed
from inspection.domain.model import Closure, Step
from inspection.service_layer.context import Context


def record(
    ctx: Context,
    row: Any,
    status: str,
    *,
    reason: str | None = None,
    inspected_on: date | None = None,
    event_id: str | None = None,
) -> None:
    """Keep the step and publish it (row: the visit as stored)."""
    now = ctx.components.clock()
    visit_id = str(row.visit_id)
    ctx.repo.add_step(Step(visit_id, row.node, status, reason, ctx.principal.account_id, now, event_id))
    ctx.uow.publish(
        VisitStatusChanged(
            visit_id=uuid.UUID(visit_id),
            node=row.node,
            uscc=row.uscc,
            region_code=row.region_code,
            task_ids=[uuid.UUID(t["task_id"]) for t in row.tasks],
            status=status,  # type: ignore[arg-type]
            inspected_on=inspected_on,
            reason=reason,
            at=now,
        ),
        subject=visit_id,
    )


def mark_started(ctx: Context, row: Any) -> None:
    """The first field activity starts the visit; later ones change nothing (the caller holds the visit's row)."""
    if not ctx.repo.has_step(str(row.visit_id), "started"):
        record(ctx, row, "started")


def closure(ctx: Context, visit_id: str) -> Closure | None:
    """The visit's closing step (reason, actor, at), or None while it is open."""
    return ctx.repo.closure(visit_id)


def check_open(ctx: Context, row: Any) -> None:
    """409 `visit.closed` for a visit closed with a reason: nothing more is done in it."""
    closed = closure(ctx, str(row.visit_id))
    if closed is not None:
        raise VisitClosed(reason=closed.reason)


def has_approved_result(ctx: Context, visit_id: str) -> bool:
    """Whether a version of the visit's result is approved."""
    return ctx.repo.has_approved_result(visit_id)


def current_status(ctx: Context, visit_id: str) -> str | None:
    """The visit's latest step (opened … closed), None for a visit from before steps were kept."""
    return ctx.repo.current_status(visit_id)
