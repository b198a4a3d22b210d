"""The day a daily job runs for: today in China Standard Time by default, the day asked about if it has come, and a
day to come refused with the caller's own error."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hrss.workdays import run_day


class Ahead(Exception):
    def __init__(self, today: str) -> None:
        super().__init__(today)
        self.today = today


LATE_EVENING_UTC = datetime(2026, 6, 30, 17, 0, tzinfo=UTC)  # already 1 July in Beijing


def test_no_day_means_today_in_china_standard_time_not_utc() -> None:
    assert run_day(None, LATE_EVENING_UTC, Ahead) == date(2026, 7, 1)


def test_today_and_a_past_day_are_run_as_asked() -> None:
    assert run_day(date(2026, 7, 1), LATE_EVENING_UTC, Ahead) == date(2026, 7, 1)
    assert run_day(date(2026, 6, 2), LATE_EVENING_UTC, Ahead) == date(2026, 6, 2)


def test_a_day_to_come_is_refused_with_the_callers_error_naming_today() -> None:
    with pytest.raises(Ahead) as refused:
        run_day(date(2026, 7, 2), LATE_EVENING_UTC, Ahead)
    assert refused.value.today == "2026-07-01"


def test_a_naive_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        run_day(None, datetime(2026, 7, 1, 9, 0), Ahead)
