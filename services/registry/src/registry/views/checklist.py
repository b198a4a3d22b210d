"""Reads of the checklist: the list in force at a node, and an item with its versions or one version of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hrss.auth import Principal
from hrss.contracts import Node
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.web import check_id
from registry.adapters.orm import check_item, check_item_version
from registry.domain import fields
from registry.domain.errors import CheckItemNotFound, CheckItemVersionNotFound
from registry.domain.regions import RegionTable, subtree_prefix
from registry.views.query import readable, region_arg


def _latest_versions() -> Any:
    v = check_item_version
    latest = select(v.c.item_id, func.max(v.c.version).label("version")).group_by(v.c.item_id).subquery()
    return (
        select(check_item, v)
        .join(v, v.c.item_id == check_item.c.id)
        .join(latest, and_(latest.c.item_id == v.c.item_id, latest.c.version == v.c.version))
    )


def checklist(session: Session, principal: Principal, args: Any, regions: RegionTable) -> dict[str, Any]:
    """The list in force at a node: its own items and those of the nodes above; with `children=1`, also below."""
    node = region_arg(args, regions, principal, "node")
    target = Node(node)
    upward = [target.code]
    while (parent := Node(upward[-1]).parent) is not None:
        upward.append(parent.code)
    condition = check_item.c.node.in_(upward)
    if args.get("children") in ("1", "true"):
        condition = condition | check_item.c.node.like(subtree_prefix(node) + "%")
    if args.get("status") != "all":
        condition = and_(condition, check_item_version.c.status == "active")
    rows = session.execute(
        _latest_versions()
        .where(condition)
        .order_by(check_item.c.node, func.length(check_item.c.number), check_item.c.number)
    ).all()
    return {"node": node, "items": [_item(r) for r in rows]}


def _item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "node": row.node,
        "number": row.number,
        "version": row.version,
        "line": row.line,
        "qualifications": list(row.qualifications or ()),
        "status": row.status,
        "spec": row.spec,
        "content_hash": row.content_hash,
        "changed_at": row.changed_at.isoformat(),
        "changed_by": row.changed_by,
        "reason": row.reason,
    }


def check_item_detail(session: Session, principal: Principal, item_id: str, version: str | None = None) -> dict:
    """An item with all its versions, or exactly one version (as a task refers to it)."""
    key = check_id(item_id, "item_id")
    item = session.execute(select(check_item).where(check_item.c.id == key)).first()
    if item is None or not (readable(principal, item.node) or Node(item.node).contains(principal.node)):
        raise CheckItemNotFound(item_id=item_id)
    v = check_item_version
    query = (
        select(check_item, v).join(v, v.c.item_id == check_item.c.id).where(v.c.item_id == key).order_by(v.c.version)
    )
    if version is not None:
        try:
            number = fields.count(version, "version", maximum=1_000_000)
        except fields.BadField as bad:
            raise InvalidRecord([FieldError("version", bad.code, bad.message)]) from None
        row = session.execute(query.where(v.c.version == number)).first()
        if row is None:
            raise CheckItemVersionNotFound(item_id=item_id, version=version)
        return _item(row)
    rows = session.execute(query).all()
    return {**_item(rows[-1]), "versions": [_item(r) for r in rows]}
