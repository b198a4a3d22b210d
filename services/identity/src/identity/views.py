"""Read side: accounts and audit entries, scoped to the caller's subtree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hrss.audit import AuditLog
from hrss.auth import Action, Role, check_access, scope_prefixes
from hrss.auth.roles import ADMIN_ROLES
from identity.adapters.orm import audit_entry
from identity.domain.errors import InvalidAfterSeq
from identity.service_layer.accounts import parse_node
from identity.service_layer.context import Context

READERS = ADMIN_ROLES | {Role.AUDITOR}
PAGE = 200


def accounts(ctx: Context, node: str | None) -> list[dict[str, object]]:
    """Accounts of `node` (or of the whole subtree) for administrators and auditors."""
    principal = ctx.caller
    check_access(principal, Action.READ, parse_node(node) if node else principal.node, roles=READERS)
    return [a.public() for a in ctx.repo.in_scope(scope_prefixes(principal), node)]


def audit_entries(ctx: Context, node: str | None, after_seq: str | None) -> dict[str, Any]:
    """Entries of the identity chain about `node` (accounts and logins of that node), after `after_seq`."""
    principal = ctx.caller
    target = parse_node(node) if node else principal.node
    check_access(principal, Action.READ, target, roles=READERS)
    try:
        after = int(after_seq or 0)
    except ValueError:
        raise InvalidAfterSeq() from None
    t = audit_entry
    rows = ctx.uow.session.execute(
        select(t)
        .where(t.c.detail["node"].astext == target.code, t.c.seq > after)
        .order_by(t.c.node, t.c.seq)
        .limit(PAGE)
    ).all()
    entries = [_shown(AuditLog.to_row(AuditLog.from_row(r))) for r in rows]
    return {"node": target.code, "entries": entries, "next_after_seq": entries[-1]["seq"] if entries else after}


def _shown(row: dict[str, object]) -> dict[str, object]:
    """An entry as the endpoint shows it: JSON-escaped text, the chain's node under its own name."""
    shown = {("chain_node" if key == "node" else key): value for key, value in row.items()}
    shown["recorded_at"] = row["recorded_at"].isoformat()  # type: ignore[attr-defined]
    return shown
