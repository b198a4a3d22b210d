"""The registry's checklist as planning reads it: every published item version, kept from the registry's events.

A node's list in force is its own items plus those of the nodes above it (the registry's rule); an item in force
is at its latest version and not withdrawn. Plans are checked for coverage against it and tasks take their items
from it, at the version in force when the task is drafted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from hrss.contracts import Node
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.events.registry import CheckItemChanged
from hrss.contracts.lines import Line
from planning.adapters.orm import check_item_view
from planning.domain.errors import FieldError, InvalidRecord
from planning.domain.plan_coverage import ChecklistEntry

ACTIVE = "active"


def apply_changes(session: Session, changes: Iterable[CheckItemChanged]) -> int:
    """Add the item versions not yet known (a version, once published, never changes); returns how many rows."""
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
    result = cast(CursorResult[Any], session.execute(insert(check_item_view).values(rows).on_conflict_do_nothing()))
    return result.rowcount or 0


@dataclass(frozen=True)
class ItemInForce:
    """One item of a node's list at its latest version."""

    item_id: str
    version: int
    node: str
    line: Line | None
    spec: CheckItemSpec

    @property
    def entry(self) -> ChecklistEntry:
        return ChecklistEntry.from_spec(self.item_id, self.version, self.spec)


def _lineage(node: Node) -> list[str]:
    codes = []
    current: Node | None = node
    while current is not None:
        codes.append(current.code)
        current = current.parent
    return codes


def items_in_force(session: Session, node: Node) -> list[ItemInForce]:
    """The items in force on `node`'s list, ordered by the node that keeps them (the highest first), then number."""
    latest = (
        select(check_item_view)
        .where(check_item_view.c.node.in_(_lineage(node)))
        .distinct(check_item_view.c.item_id)
        .order_by(check_item_view.c.item_id, check_item_view.c.version.desc())
        .subquery()
    )
    rows = session.execute(select(latest).where(latest.c.status == ACTIVE)).all()
    found = [
        ItemInForce(r.item_id, r.version, r.node, Line(r.line) if r.line else None, CheckItemSpec.from_json(r.spec))
        for r in rows
    ]
    return sorted(found, key=lambda i: (len(i.node.rstrip("0")), i.node, _number_key(i.spec.number)))


def _number_key(number: object) -> tuple[int, str]:
    text = str(number)
    return (int(text), "") if text.isdigit() else (1 << 30, text)


def checklist_entries(session: Session, node: Node) -> list[ChecklistEntry]:
    """The node's list in force, as a plan's coverage check sees it."""
    return [item.entry for item in items_in_force(session, node)]


def known_name(session: Session, item_id: str) -> str | None:
    """The name of the item's latest version known to planning, at any node; None if no checklist holds it."""
    try:
        uuid.UUID(item_id)
    except ValueError:
        return None
    spec = session.execute(
        select(check_item_view.c.spec)
        .where(check_item_view.c.item_id == item_id)
        .order_by(check_item_view.c.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if spec is None else str(spec.get("name") or "") or None


def item_for_task(
    in_force: dict[str, ItemInForce], where: str, item_id: str, version: int | None, name: str | None = None
) -> ItemInForce:
    """The item a task names: on the node's list and in force; a version, if given, must be the one in force.
    `name` is the item's name where another node's list or a withdrawn version holds it (for the message)."""
    item = in_force.get(item_id)
    if item is None:
        what = f"抽查事项“{name}”" if name else f"清单中没有的抽查事项（{item_id[:64]}）"
        message = f"{what}不在本节点适用的抽查事项清单内（或已废止）"
        raise InvalidRecord([FieldError(f"{where}.item_id", "task.item_not_on_checklist", message)])
    if version is not None and version != item.version:
        message = f"抽查事项“{item.spec.name}”现行版本为第 {item.version} 版，不能使用第 {version} 版"
        raise InvalidRecord([FieldError(f"{where}.item_version", "task.item_version_not_in_force", message)])
    return item
