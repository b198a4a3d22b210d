"""The store of official holiday schedules loaded year by year from the State Council's notice
(国务院办公厅关于某年部分节假日安排的通知), with the log of who loaded what, when, from which notice.

A directory (``HRSS_WORKDAYS_STORE``), written only by adding files:

- ``loads.jsonl``: one line per load, appended and never rewritten: year, file, sha256, source, loaded_by,
  loaded_at, and how many holidays and make-up working days it holds;
- ``<year>.<n>.json``: the n-th load of a year, written once (never overwritten), in the overlay file format.

The calendar reads each year's latest load. A file whose hash is not the one its log line recorded is refused
(``CalendarDataError``), so a schedule changed behind the log is never used.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hrss.workdays.errors import CalendarDataError
from hrss.workdays.overlay import YEAR_RANGE, Overlay, merge_overlays, parse_overlay

STORE_VAR = "HRSS_WORKDAYS_STORE"
LOG = "loads.jsonl"


@dataclass(frozen=True)
class Load:
    """One year's schedule as loaded: which file, its hash, from which notice, by whom, when."""

    year: int
    file: str
    sha256: str
    source: str
    loaded_by: str
    loaded_at: str
    holidays: int
    workdays: int


class WorkdayStore:
    """Official schedules by year in a directory, added to and never changed."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def fingerprint(self) -> tuple[int, int] | None:
        """Changes whenever a year is loaded (the log's size and time), None while nothing is loaded."""
        try:
            info = (self.path / LOG).stat()
        except FileNotFoundError:
            return None
        return info.st_size, info.st_mtime_ns

    def loads(self) -> list[Load]:
        """Every load, oldest first."""
        try:
            text = (self.path / LOG).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append(Load(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                raise CalendarDataError(f"节假日载入记录 {self.path / LOG} 第 {n} 行有误：{exc}") from None
        return out

    def load_year(self, year: int, raw: Any, *, loaded_by: str, source: str, now: datetime | None = None) -> Load:
        """Add a year's official schedule ({"holidays": {...}, "workdays": {...}}, every date in `year`)."""
        if type(year) is not int or year not in YEAR_RANGE:
            raise CalendarDataError(f"年份 {year!r} 不在 {YEAR_RANGE.start}–{YEAR_RANGE.stop - 1} 之间")
        if not loaded_by.strip():
            raise CalendarDataError("须写明载入人（loaded_by）")
        if not source.strip():
            raise CalendarDataError("须写明依据的通知（source），例如文号")
        if isinstance(raw, dict) and "years" in raw:
            raise CalendarDataError("按年载入时不使用 years 键：载入的年份即为所覆盖的年份")
        overlay = parse_overlay(raw, f"{year} 年安排")
        days = [*overlay.holidays, *overlay.workdays]
        stray = sorted(d for d in days if d.year != year)
        if stray:
            raise CalendarDataError(f"{stray[0].isoformat()} 不属于 {year} 年")
        if not overlay.holidays:
            raise CalendarDataError(f"{year} 年安排中没有任何法定节假日，请核对通知内容")
        body = {
            "holidays": {d.isoformat(): n for d, n in sorted(overlay.holidays.items())},
            "workdays": {d.isoformat(): n for d, n in sorted(overlay.workdays.items())},
            "years": [year],
        }
        data = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode()
        at = (now or datetime.now(UTC)).isoformat()
        self.path.mkdir(parents=True, exist_ok=True)
        with self._locked():
            n = 1 + sum(1 for load in self.loads() if load.year == year)
            name = f"{year}.{n}.json"
            with open(self.path / name, "xb") as out:  # never overwrites an earlier load
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            load = Load(
                year=year,
                file=name,
                sha256=hashlib.sha256(data).hexdigest(),
                source=source.strip(),
                loaded_by=loaded_by.strip(),
                loaded_at=at,
                holidays=len(overlay.holidays),
                workdays=len(overlay.workdays),
            )
            with open(self.path / LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps(asdict(load), ensure_ascii=False, sort_keys=True) + "\n")
                log.flush()
                os.fsync(log.fileno())
        return load

    def overlay(self) -> Overlay:
        """Each year's latest load, checked against the hash its log line recorded."""
        latest: dict[int, Load] = {}
        for load in self.loads():
            latest[load.year] = load
        parts = []
        for year in sorted(latest):
            load = latest[year]
            try:
                data = (self.path / load.file).read_bytes()
            except OSError as exc:
                raise CalendarDataError(f"无法读取 {year} 年节假日安排 {load.file}：{exc}") from None
            if hashlib.sha256(data).hexdigest() != load.sha256:
                raise CalendarDataError(f"{year} 年节假日安排 {load.file} 与载入记录的哈希不符，已被改动")
            parts.append(parse_overlay(json.loads(data), load.file))
        return merge_overlays(*parts)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.path / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
