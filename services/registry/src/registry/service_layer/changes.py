"""What every registry write shares: who may write, the change record and the 5-working-day rule (the access
check is `Context.authorize`, the audit entry `Context.audit`)."""

from __future__ import annotations

from datetime import datetime

from hrss.auth import Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.workdays import CalendarNotCovered
from registry.domain.versions import Change, Source
from registry.service_layer.context import Context

REGISTRY_KEEPERS = ADMIN_ROLES  # who keeps the entity and inspector registries of a node
CHECKLIST_KEEPERS = ADMIN_ROLES | {Role.PLANNER}


def make_change(ctx: Context, *, reason: str | None, known_at: datetime | None, source: str = Source.MANUAL) -> Change:
    """The change record of a write made now; `known_at` defaults to now and may not lie in the future."""
    if source not in Source.ALL:
        raise InvalidRecord([FieldError("source", "change.source", "变更来源只能是 manual、import 或 upstream")])
    now = ctx.components.clock()
    known = known_at or now
    if known.tzinfo is None:
        raise InvalidRecord([FieldError("known_at", "change.known_at_naive", "变更知悉时间必须带时区")])
    if known > now:
        raise InvalidRecord([FieldError("known_at", "change.known_at_future", "变更知悉时间不能晚于当前时间")])
    return Change(
        source=source,
        changed_by=ctx.principal.account_id,
        known_at=known,
        applied_at=now,
        late=is_late(ctx, known, now),
        reason=reason,
    )


def is_late(ctx: Context, known_at: datetime, applied_at: datetime) -> bool | None:
    """Applied more than the allowed working days after it became known; None where the calendar has no data."""
    try:
        return ctx.components.calendar.is_late(known_at, applied_at, ctx.components.freshness_days)
    except CalendarNotCovered:
        return None
