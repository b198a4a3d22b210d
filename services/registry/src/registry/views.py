"""The read side: filtered, node-scoped, paginated queries; personal data masked for roles that do not need it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hrss.auth import AccessDenied, Action, Principal, check_access
from hrss.auth.roles import ADMIN_ROLES
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts import Node, utcnow
from hrss.contracts.errors import FieldError, InvalidRecord, NotFound
from hrss.contracts.lines import LINE_LABELS, Line
from hrss.workdays import china_date
from registry.adapters.orm import (
    check_item,
    check_item_version,
    entity_current,
    entity_version,
    import_chunk,
    import_rejection,
    import_run,
    inspector_current,
    inspector_version,
)
from registry.adapters.rows import ENTITY_COLUMNS, INSPECTOR_COLUMNS
from registry.domain import fields
from registry.domain.entities import (
    GRADE_LABELS,
    OBJECT_TYPE_LABELS,
    STATUS_LABELS,
    CreditGrade,
    EntityStatus,
    ObjectType,
)
from registry.domain.inspectors import POOL_LABELS, InspectorStatus, Pool, mask_national_id, mask_phone
from registry.domain.inspectors import STATUS_LABELS as INSPECTOR_STATUS_LABELS
from registry.domain.regions import RegionTable, UnknownRegion, subtree_prefix
from registry.service_layer.inspectors import current_interests

MAX_PAGE = 500
DEFAULT_PAGE = 50


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def check_id(value: str, name: str) -> str:
    """A UUID from the path, else 400 naming the parameter."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidRecord([FieldError(name, "request.invalid_id", f"{name} 必须是 UUID")]) from None


def _region(args: Mapping[str, str], regions: RegionTable, principal: Principal, name: str) -> str:
    code = (args.get(name) or principal.node.code).strip()
    try:
        regions.check(code)
    except UnknownRegion as bad:
        raise InvalidRecord([FieldError(name, "region.unknown", str(bad))]) from None
    check_access(principal, Action.READ, code)
    return code


def _page(args: Mapping[str, str]) -> tuple[int, str | None]:
    try:
        limit = fields.count(args.get("limit") or DEFAULT_PAGE, "limit", maximum=MAX_PAGE) or DEFAULT_PAGE
    except fields.BadField as bad:
        raise InvalidRecord([FieldError("limit", bad.code, f"limit 应为 1 到 {MAX_PAGE} 的整数")]) from None
    after = args.get("after")
    return limit, check_id(after, "after") if after else None


def _choice(args: Mapping[str, str], name: str, enum: Any, labels: Mapping[Any, str]) -> str | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return str(fields.choice(raw, name, enum, labels).value)
    except fields.BadField as bad:
        raise InvalidRecord([FieldError(name, bad.code, bad.message)]) from None


def _tags(args: Any, name: str) -> list[str]:
    values = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if args.get(name) else [])
    try:
        return list(fields.text_list(values, name))
    except fields.BadField as bad:
        raise InvalidRecord([FieldError(name, bad.code, bad.message)]) from None


def entities(session: Session, principal: Principal, args: Any, regions: RegionTable) -> dict[str, Any]:
    """Current entities in a region subtree, filtered by type, industry, tags (all given), grade and status."""
    region = _region(args, regions, principal, "region")
    limit, after = _page(args)
    t = entity_current
    conditions = [t.c.region_code.like(subtree_prefix(region) + "%")]
    for name, enum, labels in (
        ("object_type", ObjectType, OBJECT_TYPE_LABELS),
        ("status", EntityStatus, STATUS_LABELS),
        ("credit_grade", CreditGrade, GRADE_LABELS),
    ):
        value = _choice(args, name, enum, labels)
        if value:
            conditions.append(t.c[name] == value)
    if args.get("industry"):
        conditions.append(t.c.industry == args["industry"])
    tags = _tags(args, "tag")
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
        **{c: _json(getattr(row, c)) for c in ENTITY_COLUMNS},
        "updated_at": row.updated_at.isoformat(),
    }


def entity(session: Session, principal: Principal, entity_id: str) -> dict[str, Any]:
    """One entity with every version, oldest first."""
    row = session.execute(select(entity_current).where(entity_current.c.id == check_id(entity_id, "entity_id"))).first()
    if row is None or not _readable(principal, row.region_code):
        raise NotFound("entity.not_found", f"检查对象 {entity_id} 不存在")
    versions = session.execute(
        select(entity_version).where(entity_version.c.entity_id == row.id).order_by(entity_version.c.version)
    ).all()
    return {**_entity(row), "versions": [_version(v, ENTITY_COLUMNS) for v in versions]}


def entity_by_uscc(session: Session, principal: Principal, uscc: str) -> dict[str, Any]:
    row = session.execute(select(entity_current.c.id).where(entity_current.c.uscc == uscc.strip().upper())).first()
    if row is None:
        raise NotFound("entity.not_found", f"统一社会信用代码 {uscc[:18]} 未登记")
    return entity(session, principal, row.id)


def _version(row: Any, columns: tuple[str, ...], hide: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "version": row.version,
        **{c: _json(getattr(row, c)) for c in columns if c not in hide},
        "source": row.source,
        "reason": row.reason,
        "changed_by": row.changed_by,
        "known_at": row.known_at.isoformat(),
        "applied_at": row.applied_at.isoformat(),
        "late": row.late,
        "import_id": row.import_id,
        "content_hash": row.content_hash,
    }


def _readable(principal: Principal, node: str) -> bool:
    try:
        check_access(principal, Action.READ, node)
    except AccessDenied:
        return False
    return True


def late_changes(session: Session, principal: Principal, args: Any, regions: RegionTable) -> dict[str, Any]:
    """Entity versions applied more than 5 working days after the change became known, newest first."""
    region = _region(args, regions, principal, "region")
    limit, _ = _page(args)
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
                k: _json(getattr(r, k)) if k not in ("known_at", "applied_at") else getattr(r, k).isoformat()
                for k in r._fields
            }
            for r in rows
        ],
    }


# -- inspectors ------------------------------------------------------------------------


def sees_personal_data(principal: Principal, node: str) -> bool:
    """Administrators of the inspector's node or above see national ID and phone numbers; nobody else does."""
    return bool(principal.roles & ADMIN_ROLES) and _readable(principal, node)


def inspectors(
    session: Session, principal: Principal, args: Any, regions: RegionTable, cipher: AesGcmSecretCipher
) -> dict[str, Any]:
    """Current inspectors of a node subtree, filtered by line, pool, status, tags and eligibility on a day."""
    node = _region(args, regions, principal, "node")
    limit, after = _page(args)
    t = inspector_current
    conditions = [t.c.node.like(subtree_prefix(node) + "%")]
    for name, enum, labels in (
        ("line", Line, LINE_LABELS),
        ("pool", Pool, POOL_LABELS),
        ("status", InspectorStatus, INSPECTOR_STATUS_LABELS),
    ):
        value = _choice(args, name, enum, labels)
        if value:
            conditions.append(t.c[name] == value)
    for name, column in (("qualification", t.c.qualifications), ("expertise", t.c.expertise)):
        wanted = _tags(args, name)
        if wanted:
            conditions.append(column.contains(wanted))
    if args.get("eligible_on"):
        try:
            on = fields.day(args["eligible_on"], "eligible_on", required=True)
        except fields.BadField as bad:
            raise InvalidRecord([FieldError("eligible_on", bad.code, bad.message)]) from None
        conditions += [t.c.status == InspectorStatus.ACTIVE.value, t.c.credential_expires >= on]
    if after:
        conditions.append(t.c.id > after)
    rows = session.execute(select(t).where(and_(*conditions)).order_by(t.c.id).limit(limit + 1)).all()
    items = [_inspector(row, principal, cipher) for row in rows[:limit]]
    return {"items": items, "next": items[-1]["id"] if len(rows) > limit else None}


def _personal(row: Any, principal: Principal, cipher: AesGcmSecretCipher, inspector_id: str) -> dict[str, Any]:
    national_id = cipher.decrypt(row.national_id_enc, f"{inspector_id}:national_id") if row.national_id_enc else None
    phone = cipher.decrypt(row.phone_enc, f"{inspector_id}:phone") if row.phone_enc else None
    if sees_personal_data(principal, row.node):
        return {"national_id": national_id, "phone": phone, "personal_data": "clear"}
    return {"national_id": mask_national_id(national_id), "phone": mask_phone(phone), "personal_data": "masked"}


def _inspector(row: Any, principal: Principal, cipher: AesGcmSecretCipher) -> dict[str, Any]:
    today = china_date(utcnow())  # eligibility is by the calendar day in China, not the server's
    effective = (
        InspectorStatus.CREDENTIAL_EXPIRED.value
        if row.status == InspectorStatus.ACTIVE.value and row.credential_expires < today
        else row.status
    )
    return {
        "id": row.id,
        "version": row.version,
        **{c: _json(getattr(row, c)) for c in INSPECTOR_COLUMNS if not c.endswith("_enc")},
        **_personal(row, principal, cipher, row.id),
        "effective_status": effective,
        "eligible": effective == InspectorStatus.ACTIVE.value,
        "updated_at": row.updated_at.isoformat(),
    }


def inspector(session: Session, principal: Principal, inspector_id: str, cipher: AesGcmSecretCipher) -> dict:
    """One inspector with every version (personal data of past versions is never shown) and its interests."""
    key = check_id(inspector_id, "inspector_id")
    row = session.execute(select(inspector_current).where(inspector_current.c.id == key)).first()
    if row is None or not _readable(principal, row.node):
        raise NotFound("inspector.not_found", f"检查人员 {inspector_id} 不存在")
    versions = session.execute(
        select(inspector_version).where(inspector_version.c.inspector_id == key).order_by(inspector_version.c.version)
    ).all()
    hidden = ("national_id_enc", "phone_enc")
    return {
        **_inspector(row, principal, cipher),
        "versions": [_version(v, INSPECTOR_COLUMNS, hidden) for v in versions],
        "interests": current_interests(session, key),
    }


def inspector_node(session: Session, inspector_id: str) -> str | None:
    return session.execute(
        select(inspector_current.c.node).where(inspector_current.c.id == check_id(inspector_id, "inspector_id"))
    ).scalar_one_or_none()


# -- checklist -------------------------------------------------------------------------


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
    node = _region(args, regions, principal, "node")
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
    if item is None or not (_readable(principal, item.node) or Node(item.node).contains(principal.node)):
        raise NotFound("checklist.not_found", f"抽查事项 {item_id} 不存在")
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
            raise NotFound("checklist.version_not_found", f"抽查事项 {item_id} 没有第 {version} 版")
        return _item(row)
    rows = session.execute(query).all()
    return {**_item(rows[-1]), "versions": [_item(r) for r in rows]}


# -- imports ---------------------------------------------------------------------------


def import_report(session: Session, principal: Principal, import_id: str, args: Any) -> dict[str, Any]:
    """An import's outcome, summed over its committed chunks, with its rejected rows (paginated by row)."""
    key = check_id(import_id, "import_id")
    run = session.execute(select(import_run).where(import_run.c.id == key)).first()
    if run is None or not _readable(principal, run.node):
        raise NotFound("import.not_found", f"导入批次 {import_id} 不存在")
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
    limit, _ = _page(args)
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
        raise NotFound("region.unknown", str(bad)) from None
    return {
        "code": found.code,
        "name": found.name,
        "level": str(found.level),
        "parent": found.parent,
        "full_name": regions.full_name(found.code),
        "children": [{"code": c.code, "name": c.name, "level": str(c.level)} for c in regions.children(found.code)],
    }
