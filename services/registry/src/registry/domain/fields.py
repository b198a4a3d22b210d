"""Parsing of one field of a record, as typed by a person or read from a CSV/XLSX cell.

Each parser takes the raw value (a string, or what a spreadsheet cell holds) and either returns the clean
value or raises `BadField` with a code and a Chinese message; the record validators turn that into a
`FieldError` naming the field. Written for speed: they run millions of times in an import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.text import check_display_text
from hrss.contracts.uscc import InvalidUscc, check_uscc
from registry.domain.regions import RegionTable, UnknownRegion

E = TypeVar("E", bound=StrEnum)

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LIST_SPLIT = re.compile(r"[;；、,，|\n]")
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")
_TRUE = frozenset({"是", "有", "true", "yes", "y", "1", "t"})
_FALSE = frozenset({"否", "无", "false", "no", "n", "0", "f", ""})


class BadField(ValueError):
    """A value that cannot be accepted; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def blank(value: Any) -> bool:
    """True for a missing value: None or a string of white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, label: str, *, max_length: int = 200, required: bool = True) -> str | None:
    """A single-line text: trimmed, no control characters, not longer than `max_length`."""
    if blank(value):
        if required:
            raise BadField("field.required", f"{label}不能为空")
        return None
    result = str(value).strip()
    if _FORBIDDEN.search(result):
        raise BadField("field.characters", f"{label}含有不允许的控制字符或无效编码")
    if len(result) > max_length:
        raise BadField("field.too_long", f"{label}不能超过 {max_length} 个字符（现为 {len(result)} 个）")
    return result


def display_text(value: Any, label: str, *, max_length: int = 200, required: bool = True) -> str | None:
    """`text`, refusing also format and private-use characters (bidi overrides, zero-width, U+E000…): what a name
    shows must be what it is. `str.isprintable` screens at C speed; only a flagged value is looked at closely."""
    result = text(value, label, max_length=max_length, required=required)
    if result is not None and not result.isprintable():
        try:
            check_display_text(result, label)
        except InvalidRecord as refused:
            raise BadField(refused.code, refused.errors[0].message) from None
    return result


def text_list(value: Any, label: str, *, max_items: int = 30, max_length: int = 40) -> tuple[str, ...]:
    """A list from "a;b；c、d" or a list value: trimmed, de-duplicated, sorted (so that order never matters)."""
    if blank(value):
        return ()
    items = value if isinstance(value, list | tuple) else _LIST_SPLIT.split(str(value))
    result = set()
    for item in items:
        clean = text(item, label, max_length=max_length, required=False)
        if clean:
            result.add(clean)
    if len(result) > max_items:
        raise BadField("field.too_many", f"{label}最多 {max_items} 项（现为 {len(result)} 项）")
    return tuple(sorted(result))


def day(value: Any, label: str, *, required: bool = False) -> date | None:
    """A calendar date: 2026-03-01, 2026/3/1, 20260301, 2026年3月1日, or a spreadsheet date cell."""
    if blank(value):
        if required:
            raise BadField("field.required", f"{label}不能为空")
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise BadField("field.date", f"{label}不是有效日期：{str(value).strip()[:40]!r}（应为 YYYY-MM-DD）")


def count(value: Any, label: str, *, maximum: int = 1_000_000) -> int:
    """A whole number from 0 to `maximum` (blank is 0)."""
    if blank(value):
        return 0
    if isinstance(value, bool):
        raise BadField("field.integer", f"{label}应为整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raw = str(value).strip()
        if not raw.isdigit() or not raw.isascii():
            raise BadField("field.integer", f"{label}应为非负整数：{raw[:20]!r}")
        number = int(raw)
    if not 0 <= number <= maximum:
        raise BadField("field.range", f"{label}应在 0 到 {maximum} 之间")
    return number


def flag(value: Any, label: str) -> bool:
    """Yes or no: 是/否, 有/无, true/false, 1/0 (blank is no)."""
    if isinstance(value, bool):
        return value
    raw = "" if value is None else str(value).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise BadField("field.boolean", f"{label}应为“是”或“否”：{raw[:20]!r}")


def choice(value: Any, label: str, enum: type[E], labels: Mapping[E, str], *, default: E | None = None) -> E:
    """One member of `enum`, given by its code (`active`) or its Chinese label (`存续`)."""
    if blank(value):
        if default is not None:
            return default
        raise BadField("field.required", f"{label}不能为空")
    raw = str(value).strip()
    lookup = _lookup(enum, labels)
    member = lookup.get(raw) or lookup.get(raw.lower())
    if member is None:
        allowed = "、".join(labels[m] for m in enum)
        raise BadField("field.choice", f"{label}取值无效：{raw[:20]!r}（可选：{allowed}）")
    return member


def region(value: Any, label: str, regions: RegionTable, *, required: bool = True) -> str | None:
    """A GB/T 2260 division code that the bundled table knows."""
    if blank(value):
        if required:
            raise BadField("field.required", f"{label}不能为空")
        return None
    try:
        return regions.check(str(value).strip()).code
    except UnknownRegion as bad:
        raise BadField("region.unknown", str(bad)) from None


def uscc(value: Any, label: str) -> str:
    """A unified social credit code with a correct check character (normalised)."""
    if blank(value):
        raise BadField("field.required", f"{label}不能为空")
    try:
        return check_uscc(str(value))
    except InvalidUscc as bad:
        raise BadField(f"uscc.{bad.reason}", str(bad)) from None


class Collector:
    """Parses the fields of one raw record, keeping every error instead of stopping at the first."""

    def __init__(self, raw: Any, labels: dict[str, str]) -> None:
        self.raw, self.labels = raw, labels
        self.errors: list[FieldError] = []

    def field(self, name: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        """`parse(raw[name], label, …)`, or None with the error kept."""
        try:
            return parse(self.raw.get(name), self.labels[name], *args, **kwargs)
        except BadField as bad:
            self.errors.append(FieldError(name, bad.code, bad.message))
            return None

    def fail(self, name: str, code: str, message: str) -> None:
        """Keep an error found by a rule beyond the field's own parser."""
        self.errors.append(FieldError(name, code, message))


_LOOKUPS: dict[type, dict[str, Any]] = {}


def _lookup(enum: type[E], labels: Mapping[E, str]) -> dict[str, E]:
    table = _LOOKUPS.get(enum)
    if table is None:
        table = {**{m.value: m for m in enum}, **{labels[m]: m for m in enum}}
        _LOOKUPS[enum] = table
    return table
