"""Reads of an import's outcome, and of the region tree (public reference data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hrss.auth import Principal
from hrss.web import check_id
from registry.adapters.orm import import_chunk, import_rejection, import_run
from registry.domain import fields
from registry.domain.errors import ImportNotFound, RegionNotFound
from registry.domain.regions import RegionTable, UnknownRegion
from registry.views.query import page, readable


def import_report(session: Session, principal: Principal, import_id: str, args: Any) -> dict[str, Any]:
    """An import's outcome, summed over its committed chunks, with its rejected rows (paginated by row)."""
    key = check_id(import_id, "import_id")
    run = session.execute(select(import_run).where(import_run.c.id == key)).first()
    if run is None or not readable(principal, run.node):
        raise ImportNotFound(import_id=import_id)
    c = import_chunk
    totals = session.execute(
        select(
            func.count(),
            *(
                func.coalesce(func.sum(getattr(c.c, k)), 0)
                for k in ("created", "changed", "unchanged", "rejected", "late")
            ),
            func.bool_or(c.c.final),
        ).where(c.c.import_id == key)
    ).one()
    limit, _ = page(args)
    after_row = fields.count(args.get("after_row") or 0, "after_row", maximum=10**9) if args.get("after_row") else 0
    r = import_rejection
    rejections = session.execute(
        select(r.c.row_no, r.c.field, r.c.code, r.c.message)
        .where(r.c.import_id == key, r.c.row_no > after_row)
        .order_by(r.c.row_no, r.c.field)
        .limit(limit)
    ).all()
    return {
        "id": run.id,
        "kind": run.kind,
        "node": run.node,
        "file_name": run.file_name,
        "file_sha256": run.file_sha256,
        "started_at": run.started_at.isoformat(),
        "started_by": run.started_by,
        "chunks": totals[0],
        "created": totals[1],
        "changed": totals[2],
        "unchanged": totals[3],
        "rejected": totals[4],
        "late": totals[5],
        "finished": bool(totals[6]),
        "rejections": [dict(row._mapping) for row in rejections],
    }


def region(regions: RegionTable, code: str) -> dict[str, Any]:
    """A division with its path and children (the region tree is public reference data)."""
    try:
        found = regions.check(code)
    except UnknownRegion as bad:
        raise RegionNotFound(reason=bad.message) from None
    return {
        "code": found.code,
        "name": found.name,
        "level": str(found.level),
        "parent": found.parent,
        "full_name": regions.full_name(found.code),
        "children": [{"code": c.code, "name": c.name, "level": str(c.level)} for c in regions.children(found.code)],
    }
