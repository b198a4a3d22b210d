"""The rest of the 2025 and 2026 State Council arrangements: Qingming, Labour Day with its make-up days, the
Dragon Boat Festival and the separate 2026 Mid-Autumn holiday, and deadlines counted across them."""

from datetime import date, timedelta

import pytest

from hrss.workdays import WorkdayCalendar


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def off(cal: WorkdayCalendar, start: date, end: date) -> bool:
    return all(not cal.is_workday(start + timedelta(n)) for n in range((end - start).days + 1))


@pytest.mark.parametrize("year", [2025, 2026])
def test_qingming_is_off_from_april_4_to_6(cal: WorkdayCalendar, year: int) -> None:
    assert off(cal, date(year, 4, 4), date(year, 4, 6))
    assert cal.holiday_name(date(year, 4, 4)) == "清明"


def test_2025_labour_day_is_off_may_1_to_5_with_make_up_sunday_april_27(cal: WorkdayCalendar) -> None:
    assert off(cal, date(2025, 5, 1), date(2025, 5, 5))
    assert date(2025, 4, 27).weekday() == 6 and cal.is_workday(date(2025, 4, 27))
    assert cal.is_workday(date(2025, 5, 6))


def test_2026_labour_day_is_off_may_1_to_5_with_make_up_saturday_may_9(cal: WorkdayCalendar) -> None:
    assert off(cal, date(2026, 5, 1), date(2026, 5, 5))
    assert date(2026, 5, 9).weekday() == 5 and cal.is_workday(date(2026, 5, 9))
    assert not cal.is_workday(date(2026, 5, 10))


def test_the_dragon_boat_festival_is_off_three_days_in_both_years(cal: WorkdayCalendar) -> None:
    assert off(cal, date(2025, 5, 31), date(2025, 6, 2))
    assert off(cal, date(2026, 6, 19), date(2026, 6, 21))
    assert cal.is_workday(date(2025, 6, 3)) and cal.is_workday(date(2026, 6, 22))


def test_2026_mid_autumn_is_its_own_holiday_before_national_day(cal: WorkdayCalendar) -> None:
    assert off(cal, date(2026, 9, 25), date(2026, 9, 27))
    assert cal.holiday_name(date(2026, 9, 25)) == "中秋"
    assert cal.is_workday(date(2026, 9, 28))


def test_twenty_working_days_across_2026_labour_day_count_the_make_up_saturday(cal: WorkdayCalendar) -> None:
    # Apr 28-30 (3), May 1-5 off, May 6-8 (6), Saturday May 9 (7), May 11-15 (12), 18-22 (17), 25-27 (20).
    assert cal.deadline(date(2026, 4, 27), 20) == date(2026, 5, 27)


def test_a_whole_year_has_the_working_days_the_notices_imply(cal: WorkdayCalendar) -> None:
    # 2025: 261 weekdays, 18 of them in holidays, 5 make-up days; 2026: 261, 19, 6.
    assert cal.workdays_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert cal.workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
