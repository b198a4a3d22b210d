"""Read side: accounts and audit entries, scoped to the caller's subtree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hrss.audit import AuditLog
from hrss.auth import Action, Principal, Role, check_access, scope_prefixes
from hrss.auth.roles import ADMIN_ROLES
from identity.adapters.orm import audit_entry
from identity.adapters.repository import SqlAlchemyAccountRepository
from identity.service_layer.accounts import parse_node
from identity.service_layer.errors import BadRequest

READERS = ADMIN_ROLES | {Role.AUDITOR}
PAGE = 200


def accounts(db: DbSession, principal: Principal, node: str | None) -> list[dict[str, object]]:
    """Accounts of `node` (or of the whole subtree) for administrators and auditors."""
    check_access(principal, Action.READ, parse_node(node) if node else principal.node, roles=READERS)
    repo = SqlAlchemyAccountRepository(db)
    return [a.public() for a in repo.in_scope(scope_prefixes(principal), node)]


def audit_entries(db: DbSession, principal: Principal, node: str | None, after_seq: str | None) -> dict[str, Any]:
    """Entries of the identity chain about `node` (accounts and logins of that node), after `after_seq`."""
    target = parse_node(node) if node else principal.node
    check_access(principal, Action.READ, target, roles=READERS)
    try:
        after = int(after_seq or 0)
    except ValueError:
        raise BadRequest("audit.after_seq_invalid", "after_seq 必须是整数") from None
    t = audit_entry
    rows = db.execute(
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
