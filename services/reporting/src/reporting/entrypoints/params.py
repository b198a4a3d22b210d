"""Query and path parameters checked before they reach a use case: each refusal names the parameter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from hrss.contracts import Node
from reporting.domain.errors import invalid
from reporting.domain.kpis import Period


def node(value: str | None, default: str) -> str:
    """A 6-digit region code, else 400 naming `node`."""
    if value is None:
        return default
    try:
        return Node(value).code
    except Exception:
        raise invalid("node", "request.invalid_node", "node 应为 6 位行政区划代码") from None


def day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "request.invalid_date", f"{name} 应为日期 YYYY-MM-DD") from None


def period(args: Mapping[str, str], now: date) -> Period:
    """`from` and `to` (CST dates, both included); by default the year so far."""
    start = day(args.get("from"), "from") or date(now.year, 1, 1)
    end = day(args.get("to"), "to") or now
    if end < start:
        raise invalid("to", "request.dates_out_of_order", "to 不能早于 from")
    return Period(start, end)


def month(value: str) -> tuple[int, int]:
    """YYYY-MM, else 400 naming `month`."""
    parts = value.split("-")
    if (
        len(parts) != 2
        or not all(p.isdigit() for p in parts)
        or len(parts[0]) != 4
        or len(parts[1]) != 2
        or not 1 <= int(parts[1]) <= 12
    ):
        raise invalid("month", "request.invalid_month", "month 应为 YYYY-MM（如 2026-03）")
    if not 2000 <= int(parts[0]) <= 2100:
        raise invalid("month", "request.invalid_month", "month 的年份应在 2000–2100 之间")
    return int(parts[0]), int(parts[1])


def version(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise invalid("version", "request.invalid_version", "version 应为正整数")
    return int(value)


def only(value: str | None) -> str | None:
    if value is None or value in ("counted", "missing"):
        return value
    raise invalid("only", "request.invalid_only", "only 应为 counted（计入的）或 missing（未计入的）")
