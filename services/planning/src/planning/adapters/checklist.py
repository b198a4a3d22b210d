"""The registry's checklist as planning keeps it: every item version its events carried, inserted once."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session

from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.events.registry import CheckItemChanged
from hrss.contracts.lines import Line
from planning.adapters.orm import check_item_view
from planning.domain.checklist import ACTIVE, ItemInForce


def add_item_versions(session: Session, changes: list[CheckItemChanged]) -> int:
    """Keep the item versions not yet known (a version, once published, never changes); returns how many."""
    rows = [
        {
            "item_id": str(change.item_id),
            "version": change.version,
            "node": change.node,
            "number": change.number,
            "line": change.line,
            "status": change.status,
            "spec": change.spec,
            "content_hash": change.content_hash,
            "changed_at": change.changed_at,
        }
        for change in changes
    ]
    if not rows:
        return 0
    inserted = session.execute(upsert(check_item_view).values(rows).on_conflict_do_nothing())
    return cast(CursorResult[Any], inserted).rowcount or 0


def latest_active(session: Session, nodes: list[str]) -> list[ItemInForce]:
    """The items kept by `nodes`, each at its latest version, leaving out those withdrawn there."""
    latest = (
        select(check_item_view)
        .where(check_item_view.c.node.in_(nodes))
        .distinct(check_item_view.c.item_id)
        .order_by(check_item_view.c.item_id, check_item_view.c.version.desc())
        .subquery()
    )
    rows = session.execute(select(latest).where(latest.c.status == ACTIVE)).all()
    return [
        ItemInForce(
            str(r.item_id), r.version, r.node, Line(r.line) if r.line else None, CheckItemSpec.from_json(r.spec)
        )
        for r in rows
    ]


def latest_name(session: Session, item_id: str) -> str | None:
    """The name of the item's latest version known, at any node."""
    spec = session.execute(
        select(check_item_view.c.spec)
        .where(check_item_view.c.item_id == item_id)
        .order_by(check_item_view.c.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if spec is None else str(spec.get("name") or "") or None
