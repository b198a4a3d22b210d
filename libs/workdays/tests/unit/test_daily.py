"""A daily job is due once a day, after its time of day in China Standard Time (not UTC), and never when no time is
configured."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from hrss.workdays import DailyClock, parse_daily_at


def test_due_once_after_the_time_of_day_in_china_standard_time() -> None:
    clock = DailyClock(time(7, 30))
    assert clock.due(datetime(2026, 7, 1, 23, 29, tzinfo=UTC)) is None  # 07:29 on 2 July in Beijing
    assert clock.due(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    clock.done(date(2026, 7, 2))
    assert clock.due(datetime(2026, 7, 2, 9, 0, tzinfo=UTC)) is None  # the same day, later
    assert clock.due(datetime(2026, 7, 2, 23, 45, tzinfo=UTC)) == date(2026, 7, 3)


def test_a_day_not_marked_done_is_still_due() -> None:
    clock = DailyClock(time(7, 30))
    assert clock.due(datetime(2026, 7, 2, 0, 0, tzinfo=UTC)) == date(2026, 7, 2)
    assert clock.due(datetime(2026, 7, 2, 0, 1, tzinfo=UTC)) == date(2026, 7, 2)


def test_the_time_of_day_is_parsed_and_empty_means_never() -> None:
    assert parse_daily_at("07:30") == time(7, 30)
    assert parse_daily_at("") is None and parse_daily_at(None) is None
    assert DailyClock(None).due(datetime(2026, 7, 2, 12, 0, tzinfo=UTC)) is None
    for bad in ("7.30", "25:00", "noon"):
        with pytest.raises(ValueError):
            parse_daily_at(bad)
