"""What every read shares: the query-string arguments (region, page, filters) checked into 400s naming the
field, access to a node, and the JSON form of a stored version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from hrss.auth import AccessDenied, Action, Principal, check_access
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.web import check_id
from registry.domain import fields
from registry.domain.regions import RegionTable, UnknownRegion

MAX_PAGE = 500
DEFAULT_PAGE = 50


def plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def region_arg(args: Mapping[str, str], regions: RegionTable, principal: Principal, name: str) -> str:
    code = (args.get(name) or principal.node.code).strip()
    try:
        regions.check(code)
    except UnknownRegion as bad:
        raise InvalidRecord([FieldError(name, "region.unknown", str(bad))]) from None
    check_access(principal, Action.READ, code)
    return code


def page(args: Mapping[str, str]) -> tuple[int, str | None]:
    try:
        limit = fields.count(args.get("limit") or DEFAULT_PAGE, "limit", maximum=MAX_PAGE) or DEFAULT_PAGE
    except fields.BadField as bad:
        raise InvalidRecord([FieldError("limit", bad.code, f"limit 应为 1 到 {MAX_PAGE} 的整数")]) from None
    after = args.get("after")
    return limit, check_id(after, "after") if after else None


def choice(args: Mapping[str, str], name: str, enum: Any, labels: Mapping[Any, str]) -> str | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return str(fields.choice(raw, name, enum, labels).value)
    except fields.BadField as bad:
        raise InvalidRecord([FieldError(name, bad.code, bad.message)]) from None


def tag_list(args: Any, name: str) -> list[str]:
    values = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if args.get(name) else [])
    try:
        return list(fields.text_list(values, name))
    except fields.BadField as bad:
        raise InvalidRecord([FieldError(name, bad.code, bad.message)]) from None


def version_dict(row: Any, columns: tuple[str, ...], hide: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "version": row.version,
        **{c: plain(getattr(row, c)) for c in columns if c not in hide},
        "source": row.source,
        "reason": row.reason,
        "changed_by": row.changed_by,
        "known_at": row.known_at.isoformat(),
        "applied_at": row.applied_at.isoformat(),
        "late": row.late,
        "import_id": row.import_id,
        "content_hash": row.content_hash,
    }


def readable(principal: Principal, node: str) -> bool:
    try:
        check_access(principal, Action.READ, node)
    except AccessDenied:
        return False
    return True
