"""The official working-day calendar of China, for every deadline on the platform.

Weekends are off, public holidays are off, make-up working days (调休, a Saturday or Sunday worked
in exchange for a longer holiday) are on. Dates are calendar dates in China Standard Time (UTC+8);
convert stored UTC timestamps with ``china_date`` first.

Data comes from the ``chinesecalendar`` library (``chinese_calendar.holidays`` / ``.workdays``).
A JSON holiday data file can be layered over it, so a new year's State Council notice can be loaded
without a release: ``WorkdayCalendar.from_file(path)``, or set ``HRSS_WORKDAYS_FILE`` for
``default_calendar()``. Format (UTF-8)::

    {
      "holidays": {"2027-01-01": "元旦", "2027-02-06": "春节"},
      "workdays": {"2027-02-07": "春节调休"},
      "years": [2027]
    }

- ``holidays``: date (``YYYY-MM-DD``) → Chinese name; every day of each holiday period, weekends included.
- ``workdays``: date → label; make-up working days. An entry here or in ``holidays`` replaces the
  library's entry for that day, so the file can also correct a day.
- ``years`` (optional): years to treat as covered even without a holiday entry.
- All keys are optional; any other key, a malformed date, an empty name or a date in both sections
  raises ``CalendarDataError`` naming the entry.

A year is covered when the library or the file has at least one holiday in it, or the file lists it
in ``years``. Asking about a date in an uncovered year (or counting across one) raises
``CalendarNotCovered``; the calendar never guesses.

Years loaded year by year from the State Council's notice go into a ``WorkdayStore`` (``HRSS_WORKDAYS_STORE``,
``python -m hrss.workdays load``), which logs who loaded what and when; ``default_calendar()`` reads it and is
rebuilt after each load. ``provisional_calendar()`` also covers the years after the official data, weekends
only, and ``due()`` says whether a deadline was counted over such a year (``provisional``).
"""

from hrss.workdays.daily import DailyClock, parse_daily_at
from hrss.workdays.errors import CalendarDataError, CalendarNotCovered
from hrss.workdays.overlay import Overlay, load_overlay, merge_overlays, parse_overlay
from hrss.workdays.run_day import run_day
from hrss.workdays.store import STORE_VAR, Load, WorkdayStore
from hrss.workdays.workday_calendar import (
    CHINA_TZ,
    ENV_VAR,
    Due,
    WorkdayCalendar,
    china_date,
    default_calendar,
    provisional_calendar,
)

__all__ = [
    "CHINA_TZ",
    "ENV_VAR",
    "STORE_VAR",
    "CalendarDataError",
    "CalendarNotCovered",
    "DailyClock",
    "Due",
    "Load",
    "Overlay",
    "WorkdayCalendar",
    "WorkdayStore",
    "china_date",
    "default_calendar",
    "load_overlay",
    "merge_overlays",
    "parse_daily_at",
    "parse_overlay",
    "provisional_calendar",
    "run_day",
]
