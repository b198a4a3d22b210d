"""A node's settings for the documents it issues (issuing body, document number prefix, contact phone), kept by
version: each change is a new version with who and when, never an update. And the numbers of the documents it
prints: one sequence per node and year (〔2026〕第N号), kept with the issuing body and date printed."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from hrss.auth import Action
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node
from inspection.adapters.orm import document_number, node_settings
from inspection.domain.errors import SettingsMissing, SettingsNotFound
from inspection.service_layer.context import Context


def _as_dict(row: Any) -> dict[str, Any]:
    return {
        "node": row.node,
        "version": row.version,
        "issuing_body": row.issuing_body,
        "document_prefix": row.document_prefix,
        "contact_phone": row.contact_phone,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
    }


def current(ctx: Context, node: str) -> Any:
    """The node's latest settings row, or None."""
    return ctx.uow.session.execute(
        sa.select(node_settings).where(node_settings.c.node == node).order_by(node_settings.c.version.desc()).limit(1)
    ).first()


def put(ctx: Context, node: str, issuing_body: str, document_prefix: str, contact_phone: str) -> dict[str, Any]:
    """A new version of the node's settings (the node's administrators)."""
    code = Node(node).code
    role = ctx.authorize(code, ADMIN_ROLES, Action.WRITE)
    ctx.serving(code)
    session = ctx.uow.session
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"settings:{code}"))))
    before = current(ctx, code)
    version = (before.version if before is not None else 0) + 1
    now = ctx.components.clock()
    session.execute(
        sa.insert(node_settings).values(
            node=code,
            version=version,
            issuing_body=issuing_body.strip(),
            document_prefix=document_prefix.strip(),
            contact_phone=contact_phone.strip(),
            set_by=ctx.principal.account_id,
            set_at=now,
        )
    )
    ctx.audit(
        role=role,
        action="inspection.node_settings",
        object_type="node_settings",
        object_id=code,
        node=code,
        version=version,
        detail={"issuing_body": issuing_body.strip(), "document_prefix": document_prefix.strip()},
    )
    return _as_dict(current(ctx, code))


def get(ctx: Context, node: str) -> dict[str, Any]:
    """The node's current settings and every earlier version (anyone who may read the node's data)."""
    code = Node(node).code
    ctx.authorize(code, None, Action.READ)
    rows = ctx.uow.session.execute(
        sa.select(node_settings).where(node_settings.c.node == code).order_by(node_settings.c.version)
    ).all()
    if not rows:
        raise SettingsNotFound(node=code)
    return {**_as_dict(rows[-1]), "versions": [_as_dict(r) for r in rows]}


def required(ctx: Context, node: str) -> Any:
    """The node's settings, or 409 `settings.missing`: a document must name the body that issues it."""
    found = current(ctx, node)
    if found is None:
        raise SettingsMissing(node=node)
    return found


def number(ctx: Context, settings: Any, kind: str, object_id: str, issued_on: date) -> str:
    """The next document number of the node in the year of `issued_on`, e.g. 上城人社监〔2026〕第3号; kept."""
    session = ctx.uow.session
    node, year = settings.node, issued_on.year
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"docno:{node}:{year}"))))
    last = session.execute(
        sa.select(sa.func.max(document_number.c.seq)).where(
            document_number.c.node == node, document_number.c.year == year
        )
    ).scalar()
    seq = (last or 0) + 1
    printed = f"{settings.document_prefix}〔{year}〕第{seq}号"
    session.execute(
        sa.insert(document_number).values(
            node=node,
            kind=kind,
            year=year,
            seq=seq,
            object_id=object_id,
            number=printed,
            issuing_body=settings.issuing_body,
            issued_on=issued_on,
            settings_version=settings.version,
        )
    )
    return printed


def number_of(ctx: Context, kind: str, object_id: str) -> Any:
    """The number given to a printed document (number, issuing_body, issued_on), or None."""
    return ctx.uow.session.execute(
        sa.select(document_number.c.number, document_number.c.issuing_body, document_number.c.issued_on).where(
            document_number.c.kind == kind, document_number.c.object_id == object_id
        )
    ).first()
