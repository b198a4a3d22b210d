"""When a daily job is due: at a configured time of day in China Standard Time, once a day per process. The timer
entrypoints of the services (notification's reminders and escalation, publication's deadlines) tick every minute and
ask `DailyClock.due`; the jobs themselves are idempotent, so a restart or a second replica running one again makes
nothing new. Standard library only."""

from __future__ import annotations

from datetime import date, datetime, time

from hrss.workdays.workday_calendar import CHINA_TZ, china_date


def parse_daily_at(value: str | None) -> time | None:
    """A time of day "HH:MM" (CST); empty or None: the job does not run on a timer. Anything else raises ValueError."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"daily_at 应为 HH:MM（北京时间），实际为 {value!r}") from None


class DailyClock:
    """The day a job is due to run for, once the configured time has passed that day (CST), until it is marked done."""

    def __init__(self, at: time | None) -> None:
        self.at = at
        self.last: date | None = None

    def due(self, now: datetime) -> date | None:
        """Today (CST) if the time has come and today's run is not done yet; else None."""
        if self.at is None:
            return None
        today = china_date(now)
        if today == self.last or now.astimezone(CHINA_TZ).time() < self.at:
            return None
        return today

    def done(self, day: date) -> None:
        self.last = day
