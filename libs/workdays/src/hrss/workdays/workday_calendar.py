"""The official working-day calendar and the deadlines counted on it."""

import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import chinese_calendar

from hrss.workdays.errors import CalendarNotCovered
from hrss.workdays.overlay import YEAR_RANGE, Overlay, load_overlay, merge_overlays
from hrss.workdays.store import STORE_VAR, WorkdayStore

CHINA_TZ = timezone(timedelta(hours=8), "CST")
ENV_VAR = "HRSS_WORKDAYS_FILE"
PROVISIONAL_THROUGH = YEAR_RANGE.stop - 1


@dataclass(frozen=True)
class Due:
    """A deadline's last day; `provisional` when it was counted over a year without official data (weekends only)."""

    day: date
    provisional: bool


def china_date(ts: datetime) -> date:
    """The calendar date in China Standard Time (UTC+8) of an aware timestamp."""
    if not isinstance(ts, datetime):
        raise TypeError(f"china_date 需要 datetime，实际为 {type(ts).__name__}")
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError(f"时间 {ts.isoformat()} 没有时区，无法换算为北京时间日期")
    return ts.astimezone(CHINA_TZ).date()


def _library_data() -> tuple[dict[date, str], dict[date, str]]:
    def chinese(value: str) -> str:
        return str(chinese_calendar.Holiday(value).chinese)

    holidays = {d: chinese(v) for d, v in chinese_calendar.holidays.items()}
    workdays = {d: chinese(v) + "调休" for d, v in chinese_calendar.workdays.items()}
    return holidays, workdays


class WorkdayCalendar:
    """Weekends and public holidays off, make-up working days (调休) on, for the years with official data.

    With ``provisional_through``, the years after the last official one up to it are covered provisionally:
    weekends off, every weekday on (no holiday is guessed). ``years`` stays the official years;
    ``provisional_years`` are the others, and ``due()`` says whether a deadline was counted over one.

    Built once into a per-day table over the covered years: ``_prefix[i]`` is the number of working
    days among the first ``i`` days of the table, so counting and stepping are index arithmetic
    and a bisect.
    """

    def __init__(
        self,
        holidays: Mapping[date, str] | None = None,
        workdays: Mapping[date, str] | None = None,
        years: Iterable[int] = (),
        provisional_through: int | None = None,
    ) -> None:
        lib_holidays, lib_workdays = _library_data()
        for day, name in (holidays or {}).items():
            lib_workdays.pop(day, None)
            lib_holidays[day] = name
        for day, name in (workdays or {}).items():
            lib_holidays.pop(day, None)
            lib_workdays[day] = name
        self._names = lib_holidays
        self.years: frozenset[int] = frozenset({d.year for d in lib_holidays} | set(years))
        first, last = min(self.years), max(self.years)
        self.provisional_years: frozenset[int] = frozenset(
            set(range(first, provisional_through + 1)) - self.years if provisional_through is not None else ()
        )
        covered = self.years | self.provisional_years
        last = max(covered)
        self._base = date(first, 1, 1).toordinal()
        size = date(last, 12, 31).toordinal() - self._base + 1
        working = bytearray(size)
        prefix = [0] * (size + 1)
        # _run_start[i]: index where the unbroken stretch of covered years holding day i begins; -1 if uncovered.
        run_start = [-1] * size
        start = -1
        for i in range(size):
            day = date.fromordinal(self._base + i)
            if day.year not in covered:
                start = -1
            else:
                if start < 0:
                    start = i
                run_start[i] = start
                if day in lib_workdays or (day.weekday() < 5 and day not in lib_holidays):
                    working[i] = 1
            prefix[i + 1] = prefix[i] + working[i]
        self._size = size
        self._working = bytes(working)
        self._prefix = prefix
        self._run_start = run_start
        self._covered = covered

    @classmethod
    def from_overlay(cls, overlay: Overlay, provisional_through: int | None = None) -> "WorkdayCalendar":
        """The library's data with an Overlay's entries taking precedence."""
        return cls(overlay.holidays, overlay.workdays, overlay.years, provisional_through)

    @classmethod
    def from_file(cls, path: str | Path) -> "WorkdayCalendar":
        """The library's data with a JSON holiday data file layered over it."""
        return cls.from_overlay(load_overlay(path))

    china_date = staticmethod(china_date)

    def _index(self, d: date) -> int:
        if isinstance(d, datetime):
            raise TypeError("请传入北京时间日期（date），时间戳请先用 china_date() 换算")
        i = d.toordinal() - self._base
        if not 0 <= i < self._size or self._run_start[i] < 0:
            raise CalendarNotCovered(d.year)
        return i

    def _check_span(self, lo: int, hi: int) -> None:
        """Refuse a stretch of table indexes [lo, hi] that runs into an uncovered year."""
        if hi >= self._size or self._run_start[hi] < 0 or self._run_start[hi] > lo:
            year = date.fromordinal(self._base + lo).year
            while year in self._covered:
                year += 1
            raise CalendarNotCovered(year)

    def _day(self, i: int) -> date:
        return date.fromordinal(self._base + i)

    def is_workday(self, d: date) -> bool:
        """Whether d is an official working day."""
        return bool(self._working[self._index(d)])

    def is_holiday(self, d: date) -> bool:
        """Whether d lies in an official public-holiday period (an ordinary weekend is not one)."""
        self._index(d)
        return d in self._names

    def holiday_name(self, d: date) -> str | None:
        """The Chinese name of the public holiday d belongs to, or None if it is not a public holiday."""
        self._index(d)
        return self._names.get(d)

    def next_workday(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        if self.is_workday(d):
            return d
        return self.add_workdays(d, 1)

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0) or before d (n < 0); n == 0 gives next_workday(d)."""
        i = self._index(d)
        prefix = self._prefix
        if n > 0:
            # First index j > i with prefix[j + 1] >= prefix[i + 1] + n.
            # j == self._size means the table ran out; _check_span refuses it.
            j = bisect_left(prefix, prefix[i + 1] + n, lo=i + 2) - 1
            self._check_span(i, j)
        elif n < 0:
            # Last index j < i with prefix[j] == prefix[i] + n; it is a working day because prefix[j + 1] rises.
            target = prefix[i] + n
            if target < 0:
                raise CalendarNotCovered(self._day(0).year - 1)
            j = bisect_right(prefix, target, hi=i) - 1
            self._check_span(j, i)
        else:
            return d if self._working[i] else self.add_workdays(d, 1)
        return self._day(j)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: end counts, start does not; 0 when end <= start."""
        s = self._index(start)
        e = self._index(end)
        if e <= s:
            return 0
        self._check_span(s, e)
        return self._prefix[e + 1] - self._prefix[s + 1]

    def deadline(self, start: date, n: int) -> date:
        """The last day of "due within n working days of start": add_workdays(start, n)."""
        return self.add_workdays(start, n)

    def is_provisional(self, d: date) -> bool:
        """Whether d lies in a year counted provisionally (weekends only, no official data yet)."""
        return d.year in self.provisional_years

    def touches_provisional(self, a: date, b: date) -> bool:
        """Whether any year from a's to b's (either order) is counted provisionally."""
        lo, hi = sorted((a.year, b.year))
        return any(lo <= y <= hi for y in self.provisional_years)

    def due(self, start: date, n: int) -> Due:
        """deadline(start, n), and whether it was counted over a provisional year."""
        day = self.deadline(start, n)
        return Due(day, self.touches_provisional(start, day))

    def is_late(self, known_at: datetime, applied_at: datetime, limit: int) -> bool:
        """Whether more than limit working days (counted in CST dates) passed from known_at to applied_at."""
        return self.workdays_between(china_date(known_at), china_date(applied_at)) > limit


class _DefaultCalendar:
    """The process-wide calendar: library data, overlaid by the file named in HRSS_WORKDAYS_FILE if set, then by
    the years loaded into the store named in HRSS_WORKDAYS_STORE. Rebuilt when a year is loaded into the store,
    so every deadline is recounted on the official data from the next question on."""

    def __init__(self) -> None:
        self._memo: dict[tuple[object, ...], WorkdayCalendar] = {}

    def __call__(self, provisional: bool = False) -> WorkdayCalendar:
        path = os.environ.get(ENV_VAR, "").strip()
        store_dir = os.environ.get(STORE_VAR, "").strip()
        store = WorkdayStore(store_dir) if store_dir else None
        key = (path, store_dir, store.fingerprint() if store else None, provisional)
        found = self._memo.get(key)
        if found is None:
            overlays = [load_overlay(path)] if path else []
            if store is not None:
                overlays.append(store.overlay())
            through = PROVISIONAL_THROUGH if provisional else None
            found = WorkdayCalendar.from_overlay(merge_overlays(*overlays), through)
            if len(self._memo) > 8:
                self._memo.clear()
            self._memo[key] = found
        return found

    def cache_clear(self) -> None:
        self._memo.clear()


default_calendar = _DefaultCalendar()


def provisional_calendar() -> WorkdayCalendar:
    """The default calendar, with every year after the official data counted provisionally (weekends only)."""
    return default_calendar(provisional=True)
