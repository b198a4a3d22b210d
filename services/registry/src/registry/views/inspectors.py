"""Reads of the inspector registry: personal data in clear only for the administrators of the inspector's node
or above, masked for everyone else; eligibility by the calendar day in China."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from hrss.auth import Principal
from hrss.auth.roles import ADMIN_ROLES
from hrss.auth.secrets import AesGcmSecretCipher
from hrss.contracts import utcnow
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.lines import LINE_LABELS, Line
from hrss.web import check_id
from hrss.workdays import china_date
from registry.adapters.orm import inspector_current, inspector_version
from registry.adapters.repository import current_interests
from registry.adapters.rows import INSPECTOR_COLUMNS
from registry.domain import fields
from registry.domain.errors import InspectorNotFound
from registry.domain.inspectors import POOL_LABELS, InspectorStatus, Pool, mask_national_id, mask_phone
from registry.domain.inspectors import STATUS_LABELS as INSPECTOR_STATUS_LABELS
from registry.domain.regions import RegionTable, subtree_prefix
from registry.views.query import choice, page, plain, readable, region_arg, tag_list, version_dict


def sees_personal_data(principal: Principal, node: str) -> bool:
    """Administrators of the inspector's node or above see national ID and phone numbers; nobody else does."""
    return bool(principal.roles & ADMIN_ROLES) and readable(principal, node)


def inspectors(
    session: Session, principal: Principal, args: Any, regions: RegionTable, cipher: AesGcmSecretCipher
) -> dict[str, Any]:
    """Current inspectors of a node subtree, filtered by line, pool, status, tags and eligibility on a day."""
    node = region_arg(args, regions, principal, "node")
    limit, after = page(args)
    t = inspector_current
    conditions = [t.c.node.like(subtree_prefix(node) + "%")]
    for name, enum, labels in (
        ("line", Line, LINE_LABELS),
        ("pool", Pool, POOL_LABELS),
        ("status", InspectorStatus, INSPECTOR_STATUS_LABELS),
    ):
        value = choice(args, name, enum, labels)
        if value:
            conditions.append(t.c[name] == value)
    for name, column in (("qualification", t.c.qualifications), ("expertise", t.c.expertise)):
        wanted = tag_list(args, name)
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
        **{c: plain(getattr(row, c)) for c in INSPECTOR_COLUMNS if not c.endswith("_enc")},
        **_personal(row, principal, cipher, row.id),
        "effective_status": effective,
        "eligible": effective == InspectorStatus.ACTIVE.value,
        "updated_at": row.updated_at.isoformat(),
    }


def inspector(session: Session, principal: Principal, inspector_id: str, cipher: AesGcmSecretCipher) -> dict:
    """One inspector with every version (personal data of past versions is never shown) and its interests."""
    key = check_id(inspector_id, "inspector_id")
    row = session.execute(select(inspector_current).where(inspector_current.c.id == key)).first()
    if row is None or not readable(principal, row.node):
        raise InspectorNotFound(inspector_id=inspector_id)
    versions = session.execute(
        select(inspector_version).where(inspector_version.c.inspector_id == key).order_by(inspector_version.c.version)
    ).all()
    hidden = ("national_id_enc", "phone_enc")
    return {
        **_inspector(row, principal, cipher),
        "versions": [version_dict(v, INSPECTOR_COLUMNS, hidden) for v in versions],
        "interests": [i.to_dict() for i in current_interests(session, key)],
    }


def inspector_node(session: Session, inspector_id: str) -> str | None:
    return session.execute(
        select(inspector_current.c.node).where(inspector_current.c.id == check_id(inspector_id, "inspector_id"))
    ).scalar_one_or_none()
