"""Read side: the inbox, the caller's contact, the failed deliveries and the templates (queries only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from hrss.contracts import Node
from notification.domain import model
from notification.domain.errors import invalid
from notification.domain.templates import TEMPLATES
from notification.service_layer.context import Context
from notification.service_layer.people import recipients_of

_WIDTH = {"province": 2, "city": 4, "county": 6}


def _limit(args: Mapping[str, str]) -> int:
    raw = args.get("limit") or "50"
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        raise invalid("limit", "request.invalid_limit", "limit 应为 1–200 的整数")
    return int(raw)


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def inbox(ctx: Context, args: Mapping[str, str]) -> dict[str, Any]:
    unread = (args.get("unread") or "false").lower()
    if unread not in ("true", "false"):
        raise invalid("unread", "request.invalid_flag", "unread 应为 true 或 false")
    p = ctx.principal
    rows = ctx.repo.inbox(recipients_of(p), p.account_id, _limit(args), unread == "true")
    return {"notifications": [_json(r) for r in rows]}


def unread_count(ctx: Context) -> dict[str, Any]:
    p = ctx.principal
    return {"unread": ctx.repo.unread(recipients_of(p), p.account_id)}


def my_contact(ctx: Context) -> dict[str, Any]:
    recipients_of(ctx.principal)  # staff only
    found = ctx.repo.contact(model.account(ctx.principal.account_id))
    if found is None:
        return {"holder": model.account(ctx.principal.account_id), "version": 0, "email": None, "mobile": None}
    return {"holder": found.holder, "version": found.version, "email": found.email, "mobile": found.mobile}


def my_preferences(ctx: Context) -> dict[str, Any]:
    recipients_of(ctx.principal)  # staff only
    found = ctx.repo.preference(model.account(ctx.principal.account_id))
    if found is None:
        return {"version": 0, "channels": {}, "quiet_start": None, "quiet_end": None}
    start, end = found.quiet or (None, None)
    return {
        "version": found.version,
        "channels": {k: [str(c) for c in v] for k, v in found.channels.items()},
        "quiet_start": start.strftime("%H:%M") if start else None,
        "quiet_end": end.strftime("%H:%M") if end else None,
    }


def check_node(value: str | None) -> Node | None:
    if value is None:
        return None
    try:
        return Node(value)
    except Exception:
        raise invalid("node", "request.invalid_node", "node 应为 6 位行政区划代码") from None


def check_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "request.invalid_date", f"{name} 应为日期（YYYY-MM-DD）") from None


def failed(ctx: Context, node: Node, args: Mapping[str, str]) -> dict[str, Any]:
    prefix = node.code[: _WIDTH[str(node.level)]]
    return {"node": node.code, "failed": [_json(r) for r in ctx.repo.failed(prefix, _limit(args))]}


def templates() -> dict[str, Any]:
    return {
        "templates": [
            {
                "id": t.id,
                "version": t.version,
                "seed_section": t.seed_section,
                "mandatory": t.mandatory,
                "channels": [str(c) for c in t.channels],
                "subject": t.subject,
            }
            for t in TEMPLATES.values()
        ]
    }
