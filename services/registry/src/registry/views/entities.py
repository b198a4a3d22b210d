"""Reads of the entity registry: filtered pages of current entities, one entity with its versions, late changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hrss.auth import Principal
from hrss.web import check_id
from registry.adapters.orm import entity_current, entity_version
from registry.adapters.rows import ENTITY_COLUMNS
from registry.domain.entities import (
    GRADE_LABELS,
    OBJECT_TYPE_LABELS,
    STATUS_LABELS,
    CreditGrade,
    EntityStatus,
    ObjectType,
)
from registry.domain.errors import EntityNotFound, UsccNotRegistered
from registry.domain.regions import RegionTable, subtree_prefix
from registry.views.query import choice, page, plain, readable, region_arg, tag_list, version_dict


def entities(session: Session, principal: Principal, args: Any, regions: RegionTable) -> dict[str, Any]:
    """Current entities in a region subtree, filtered by type, industry, tags (all given), grade and status."""
    region = region_arg(args, regions, principal, "region")
    limit, after = page(args)
    t = entity_current
    conditions = [t.c.region_code.like(subtree_prefix(region) + "%")]
    for name, enum, labels in (
        ("object_type", ObjectType, OBJECT_TYPE_LABELS),
        ("status", EntityStatus, STATUS_LABELS),
        ("credit_grade", CreditGrade, GRADE_LABELS),
    ):
        value = choice(args, name, enum, labels)
        if value:
            conditions.append(t.c[name] == value)
    if args.get("industry"):
        conditions.append(t.c.industry == args["industry"])
    tags = tag_list(args, "tag")
    if tags:
        conditions.append(t.c.tags.contains(tags))
    if after:
        conditions.append(t.c.id > after)
    rows = session.execute(select(t).where(and_(*conditions)).order_by(t.c.id).limit(limit + 1)).all()
    items = [_entity(row) for row in rows[:limit]]
    return {"items": items, "next": items[-1]["id"] if len(rows) > limit else None}


def _entity(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "version": row.version,
        **{c: plain(getattr(row, c)) for c in ENTITY_COLUMNS},
        "updated_at": row.updated_at.isoformat(),
    }


def entity(session: Session, principal: Principal, entity_id: str) -> dict[str, Any]:
    """One entity with every version, oldest first."""
    row = session.execute(select(entity_current).where(entity_current.c.id == check_id(entity_id, "entity_id"))).first()
    if row is None or not readable(principal, row.region_code):
        raise EntityNotFound(entity_id=entity_id)
    versions = session.execute(
        select(entity_version).where(entity_version.c.entity_id == row.id).order_by(entity_version.c.version)
    ).all()
    return {**_entity(row), "versions": [version_dict(v, ENTITY_COLUMNS) for v in versions]}


def entity_by_uscc(session: Session, principal: Principal, uscc: str) -> dict[str, Any]:
    """The entity holding `uscc`, if the caller may read it; an entity outside the caller's scope is answered
    exactly as one that is not registered (neither its existence nor its id leaks)."""
    t = entity_current
    row = session.execute(select(t.c.id, t.c.region_code).where(t.c.uscc == uscc.strip().upper())).first()
    if row is None or not readable(principal, row.region_code):
        raise UsccNotRegistered(uscc=uscc[:18])
    return entity(session, principal, row.id)


def late_changes(session: Session, principal: Principal, args: Any, regions: RegionTable) -> dict[str, Any]:
    """Entity versions applied more than 5 working days after the change became known, newest first."""
    region = region_arg(args, regions, principal, "region")
    limit, _ = page(args)
    v = entity_version
    rows = session.execute(
        select(
            v.c.entity_id, v.c.version, v.c.uscc, v.c.name, v.c.region_code, v.c.known_at, v.c.applied_at, v.c.source
        )
        .where(v.c.late.is_(True), v.c.region_code.like(subtree_prefix(region) + "%"))
        .order_by(v.c.applied_at.desc())
        .limit(limit)
    ).all()
    total = session.execute(
        select(func.count()).where(v.c.late.is_(True), v.c.region_code.like(subtree_prefix(region) + "%"))
    ).scalar_one()
    return {
        "total": total,
        "items": [
            {
                k: plain(getattr(r, k)) if k not in ("known_at", "applied_at") else getattr(r, k).isoformat()
                for k in r._fields
            }
            for r in rows
        ],
    }
