"""Reading and checking the holiday data file layered over the library's data."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hrss.workdays.errors import CalendarDataError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYS = ("holidays", "workdays", "years")
# Guards against typos such as 2207 for 2027, which would otherwise mark a far year as covered.
YEAR_RANGE = range(2000, 2101)


@dataclass(frozen=True)
class Overlay:
    """Holiday data from a file: named public holidays, make-up working days, explicitly covered years."""

    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()


def merge_overlays(*overlays: Overlay) -> Overlay:
    """One Overlay from several; a later one's entry for a day replaces an earlier one's."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    years: set[int] = set()
    for overlay in overlays:
        for day, name in overlay.holidays.items():
            workdays.pop(day, None)
            holidays[day] = name
        for day, name in overlay.workdays.items():
            holidays.pop(day, None)
            workdays[day] = name
        years |= overlay.years
    return Overlay(holidays=holidays, workdays=workdays, years=frozenset(years))


def load_overlay(path: str | Path) -> Overlay:
    """Read and check a holiday data file; raise CalendarDataError naming the bad entry."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarDataError(f"无法读取节假日数据文件 {source}：{exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarDataError(
            f"节假日数据文件 {source} 不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）"
        ) from exc
    return parse_overlay(raw, source)


def parse_overlay(raw: Any, source: str = "<数据>") -> Overlay:
    """Check decoded holiday data and turn it into an Overlay."""

    def fail(problem: str) -> CalendarDataError:
        return CalendarDataError(f"节假日数据文件 {source} 有误：{problem}")

    if not isinstance(raw, dict):
        raise fail('顶层必须是 JSON 对象，例如 {"holidays": {...}, "workdays": {...}}')
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise fail(f"未知的键 {unknown[0]!r}，只允许 holidays、workdays、years")
    holidays = _dated_names(raw.get("holidays", {}), "holidays", fail)
    workdays = _dated_names(raw.get("workdays", {}), "workdays", fail)
    both = sorted(holidays.keys() & workdays.keys())
    if both:
        raise fail(f"{both[0].isoformat()} 同时出现在 holidays 和 workdays 中")
    years = raw.get("years", [])
    if not isinstance(years, list):
        raise fail("years 必须是年份数组，例如 [2027]")
    for i, year in enumerate(years):
        if type(year) is not int or year not in YEAR_RANGE:
            raise fail(f"years[{i}] 的值 {year!r} 不是 {YEAR_RANGE.start}–{YEAR_RANGE.stop - 1} 之间的年份")
    return Overlay(holidays=holidays, workdays=workdays, years=frozenset(years))


def _dated_names(section: Any, key: str, fail: Callable[[str], CalendarDataError]) -> dict[date, str]:
    if not isinstance(section, dict):
        raise fail(f'{key} 必须是对象，形如 {{"2027-01-01": "元旦"}}')
    out: dict[date, str] = {}
    for text, name in section.items():
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise fail(f'{key} 中的 "{text}" 不是 YYYY-MM-DD 格式的有效日期') from None
        if day.year not in YEAR_RANGE:
            raise fail(f'{key} 中的 "{text}" 年份超出 {YEAR_RANGE.start}–{YEAR_RANGE.stop - 1}')
        if not isinstance(name, str) or not name.strip():
            raise fail(f'{key}["{text}"] 的名称必须是非空字符串，实际为 {name!r}')
        out[day] = name.strip()
    return out
