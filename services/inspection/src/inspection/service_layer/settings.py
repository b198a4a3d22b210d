"""A node's settings for the documents it issues (issuing body, document number prefix, contact phone), kept by
version: each change is a new version with who and when, never an update. And the numbers of the documents it
prints: one sequence per node and year (〔2026〕第N号), kept with the issuing body and date printed."""

from __future__ import annotations

from datetime import date
from typing import Any

from hrss.auth import Action
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node
from inspection.domain.errors import SettingsMissing, SettingsNotFound
from inspection.domain.model import DocumentNumber, NodeSettings
from inspection.service_layer.context import Context


def _as_dict(row: NodeSettings) -> dict[str, Any]:
    return {
        "node": row.node,
        "version": row.version,
        "issuing_body": row.issuing_body,
        "document_prefix": row.document_prefix,
        "contact_phone": row.contact_phone,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
    }


def current(ctx: Context, node: str) -> NodeSettings | None:
    """The node's latest settings, or None."""
    versions = ctx.repo.settings_versions(node)
    return versions[-1] if versions else None


def put(ctx: Context, node: str, issuing_body: str, document_prefix: str, contact_phone: str) -> dict[str, Any]:
    """A new version of the node's settings (the node's administrators)."""
    code = Node(node).code
    role = ctx.authorize(code, ADMIN_ROLES, Action.WRITE)
    ctx.serving(code)
    ctx.repo.lock_settings(code)
    before = current(ctx, code)
    version = (before.version if before is not None else 0) + 1
    now = ctx.components.clock()
    settings = NodeSettings(
        code,
        version,
        issuing_body.strip(),
        document_prefix.strip(),
        contact_phone.strip(),
        ctx.principal.account_id,
        now,
    )
    ctx.repo.add_settings(settings)
    ctx.audit(
        role=role,
        action="inspection.node_settings",
        object_type="node_settings",
        object_id=code,
        node=code,
        version=version,
        detail={"issuing_body": issuing_body.strip(), "document_prefix": document_prefix.strip()},
    )
    return _as_dict(required(ctx, code))  # as stored (its time read back as the database gives it)


def get(ctx: Context, node: str) -> dict[str, Any]:
    """The node's current settings and every earlier version (anyone who may read the node's data)."""
    code = Node(node).code
    ctx.authorize(code, None, Action.READ)
    rows = ctx.repo.settings_versions(code)
    if not rows:
        raise SettingsNotFound(node=code)
    return {**_as_dict(rows[-1]), "versions": [_as_dict(r) for r in rows]}


def required(ctx: Context, node: str) -> NodeSettings:
    """The node's settings, or 409 `settings.missing`: a document must name the body that issues it."""
    found = current(ctx, node)
    if found is None:
        raise SettingsMissing(node=node)
    return found


def number(ctx: Context, settings: NodeSettings, kind: str, object_id: str, issued_on: date) -> str:
    """The next document number of the node in the year of `issued_on`, e.g. 上城人社监〔2026〕第3号; kept."""
    node, year = settings.node, issued_on.year
    ctx.repo.lock_document_numbers(node, year)
    seq = ctx.repo.last_document_seq(node, year) + 1
    printed = f"{settings.document_prefix}〔{year}〕第{seq}号"
    ctx.repo.add_document_number(
        DocumentNumber(node, kind, year, seq, object_id, printed, settings.issuing_body, issued_on, settings.version)
    )
    return printed


def number_of(ctx: Context, kind: str, object_id: str) -> DocumentNumber | None:
    """The number given to a printed document (number, issuing_body, issued_on), or None."""
    return ctx.repo.document_number(kind, object_id)
