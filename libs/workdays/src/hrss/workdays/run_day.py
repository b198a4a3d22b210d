"""The day a daily job runs for: the one it is asked about, else today in China Standard Time, and never a day to
come (an overdue flag, a missed deadline or a reminder is a fact of a day that has come). Shared by every job that
takes an `on=` date: inspection's and publication's deadline runs and notification's reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from hrss.workdays.workday_calendar import china_date


def run_day(on: date | None, now: datetime, refuse: Callable[..., Exception]) -> date:
    """`on`, or today (CST) by `now` when it is None; a day after today raises `refuse(today="YYYY-MM-DD")`, the
    caller's own typed error with its code and Chinese message."""
    today = china_date(now)
    if on is None:
        return today
    if on > today:
        raise refuse(today=today.isoformat())
    return on
