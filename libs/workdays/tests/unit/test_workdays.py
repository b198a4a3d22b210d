"""The working-day calendar against the State Council holiday notices for 2025 and 2026."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hrss.workdays import (
    ENV_VAR,
    CalendarDataError,
    CalendarNotCovered,
    WorkdayCalendar,
    china_date,
    default_calendar,
)


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def write_json(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- 2025 and 2026 facts -------------------------------------------------------------------


def test_2025_spring_festival_is_off_from_jan_28_to_feb_4(cal: WorkdayCalendar) -> None:
    for d in days(date(2025, 1, 28), date(2025, 2, 4)):
        assert not cal.is_workday(d)
        assert cal.holiday_name(d) == "春节"
    assert cal.is_workday(date(2025, 1, 27))
    assert cal.is_workday(date(2025, 2, 5))


def test_2025_spring_festival_make_up_days_are_jan_26_sunday_and_feb_8_saturday(cal: WorkdayCalendar) -> None:
    assert date(2025, 1, 26).weekday() == 6 and date(2025, 2, 8).weekday() == 5
    assert cal.is_workday(date(2025, 1, 26))
    assert cal.is_workday(date(2025, 2, 8))
    assert not cal.is_holiday(date(2025, 2, 8))


def test_2025_national_day_is_off_from_oct_1_to_oct_8_with_mid_autumn_inside(cal: WorkdayCalendar) -> None:
    for d in days(date(2025, 10, 1), date(2025, 10, 8)):
        assert not cal.is_workday(d)
        assert cal.is_holiday(d)
    assert cal.holiday_name(date(2025, 10, 1)) == "国庆节"
    assert cal.holiday_name(date(2025, 10, 6)) == "中秋"
    assert cal.is_workday(date(2025, 10, 9))


def test_2025_national_day_make_up_days_are_sep_28_sunday_and_oct_11_saturday(cal: WorkdayCalendar) -> None:
    assert cal.is_workday(date(2025, 9, 28))
    assert cal.is_workday(date(2025, 10, 11))
    assert not cal.is_workday(date(2025, 10, 12))


def test_2026_spring_festival_is_off_from_feb_15_to_feb_23(cal: WorkdayCalendar) -> None:
    for d in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not cal.is_workday(d)
        assert cal.holiday_name(d) == "春节"
    assert cal.is_workday(date(2026, 2, 24))


def test_2026_spring_festival_make_up_days_are_saturdays_feb_14_and_feb_28(cal: WorkdayCalendar) -> None:
    assert date(2026, 2, 14).weekday() == 5 and date(2026, 2, 28).weekday() == 5
    assert cal.is_workday(date(2026, 2, 14))
    assert cal.is_workday(date(2026, 2, 28))


def test_2026_national_day_is_off_oct_1_to_7_with_make_up_sep_20_and_oct_10(cal: WorkdayCalendar) -> None:
    for d in days(date(2026, 10, 1), date(2026, 10, 7)):
        assert cal.holiday_name(d) == "国庆节"
    assert cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 9, 20))
    assert cal.is_workday(date(2026, 10, 10))


def test_2026_new_year_is_off_jan_1_to_3_with_make_up_sunday_jan_4(cal: WorkdayCalendar) -> None:
    assert [cal.is_workday(d) for d in days(date(2026, 1, 1), date(2026, 1, 5))] == [False, False, False, True, True]


def test_an_ordinary_weekend_is_off_but_not_a_public_holiday(cal: WorkdayCalendar) -> None:
    saturday = date(2026, 3, 7)
    assert not cal.is_workday(saturday)
    assert not cal.is_holiday(saturday)
    assert cal.holiday_name(saturday) is None


# --- stepping and counting -----------------------------------------------------------------


def test_twenty_working_days_from_2026_02_10_skip_the_spring_festival(cal: WorkdayCalendar) -> None:
    # Feb 11-14 (14 is a make-up Saturday) = 4, Feb 24-28 = 9, Mar 2-6 = 14, Mar 9-13 = 19, Mar 16 = 20.
    assert cal.deadline(date(2026, 2, 10), 20) == date(2026, 3, 16)
    assert cal.workdays_between(date(2026, 2, 10), date(2026, 3, 16)) == 20


def test_a_deadline_across_the_year_end_lands_on_the_new_year_make_up_sunday(cal: WorkdayCalendar) -> None:
    # Dec 26, 29, 30, 31 of 2025, then Jan 1-3 off and Sunday Jan 4 worked.
    assert cal.add_workdays(date(2025, 12, 25), 5) == date(2026, 1, 4)
    assert cal.add_workdays(date(2025, 12, 25), 6) == date(2026, 1, 5)


def test_negative_n_counts_back_over_the_holiday_to_the_make_up_day(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2025, 2, 5), -1) == date(2025, 1, 27)
    assert cal.add_workdays(date(2025, 2, 5), -2) == date(2025, 1, 26)
    assert cal.add_workdays(date(2026, 2, 24), -1) == date(2026, 2, 14)


def test_negative_n_crosses_the_year_end_backwards(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2026, 1, 4), -1) == date(2025, 12, 31)


def test_zero_n_on_a_holiday_gives_the_first_working_day_after_it(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2025, 10, 3), 0) == date(2025, 10, 9)
    assert cal.next_workday(date(2025, 10, 3)) == date(2025, 10, 9)


def test_zero_n_on_a_working_day_is_that_day(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2026, 2, 14), 0) == date(2026, 2, 14)
    assert cal.next_workday(date(2026, 2, 14)) == date(2026, 2, 14)


def test_one_working_day_after_a_friday_is_the_monday(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_workdays_between_counts_the_end_but_not_the_start(cal: WorkdayCalendar) -> None:
    friday, saturday, sunday, monday = (date(2026, 3, d) for d in (6, 7, 8, 9))
    assert cal.workdays_between(friday, monday) == 1
    assert cal.workdays_between(saturday, monday) == 1
    assert cal.workdays_between(friday, sunday) == 0
    assert cal.workdays_between(date(2026, 3, 5), friday) == 1


def test_workdays_between_is_zero_for_equal_or_reversed_dates(cal: WorkdayCalendar) -> None:
    a, b = date(2026, 2, 13), date(2026, 2, 24)
    assert cal.workdays_between(a, b) == 2
    assert cal.workdays_between(b, a) == 0
    assert cal.workdays_between(a, a) == 0


def test_stepping_forward_then_counting_gives_back_n(cal: WorkdayCalendar) -> None:
    start = date(2025, 1, 20)
    for n in (1, 5, 20, 60, 250):
        end = cal.add_workdays(start, n)
        assert cal.workdays_between(start, end) == n
        assert cal.add_workdays(end, -n) == start


def test_counting_a_whole_year_matches_a_day_by_day_count(cal: WorkdayCalendar) -> None:
    start, end = date(2024, 12, 31), date(2026, 12, 31)
    expected = sum(cal.is_workday(d) for d in days(start + timedelta(1), end))
    assert cal.workdays_between(start, end) == expected


def test_timestamps_are_refused_where_a_date_is_expected(cal: WorkdayCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_workday(datetime(2026, 3, 6, 12, tzinfo=UTC))


# --- time zone and lateness ----------------------------------------------------------------


def test_half_past_four_utc_on_jan_31_is_feb_1_in_china() -> None:
    assert china_date(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == date(2026, 2, 1)
    assert china_date(datetime(2026, 1, 31, 15, 59, 59, tzinfo=UTC)) == date(2026, 1, 31)
    assert china_date(datetime(2026, 2, 1, 0, 0, tzinfo=timezone(timedelta(hours=8)))) == date(2026, 2, 1)


def test_china_date_refuses_a_naive_timestamp() -> None:
    with pytest.raises(ValueError, match="时区"):
        china_date(datetime(2026, 1, 31, 16, 30))


def test_a_change_applied_exactly_five_working_days_later_is_not_late(cal: WorkdayCalendar) -> None:
    known = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # Monday 2026-03-02 in China
    applied = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # Monday 2026-03-09: Mar 3, 4, 5, 6, 9
    assert not cal.is_late(known, applied, 5)


def test_a_change_applied_six_working_days_later_is_late(cal: WorkdayCalendar) -> None:
    known = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    applied = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # 00:00 Tuesday 2026-03-10 in China
    assert cal.is_late(known, applied, 5)


# --- coverage and the data file -----------------------------------------------------------


def test_a_year_without_official_data_is_refused_with_a_chinese_message(cal: WorkdayCalendar) -> None:
    with pytest.raises(CalendarNotCovered, match="2030 年的法定节假日安排尚未载入工作日历，请更新节假日数据"):
        cal.is_workday(date(2030, 3, 4))
    assert issubclass(CalendarNotCovered, ValueError)


def test_stepping_or_counting_into_an_uncovered_year_is_refused(cal: WorkdayCalendar) -> None:
    with pytest.raises(CalendarNotCovered) as err:
        cal.add_workdays(date(2026, 12, 20), 20)
    assert err.value.year == 2027
    with pytest.raises(CalendarNotCovered):
        cal.workdays_between(date(2026, 12, 20), date(2027, 1, 5))
    with pytest.raises(CalendarNotCovered):
        cal.add_workdays(date(2004, 1, 5), -10)


# Hypothetical 2027 data: the real notice is published late in 2026.
OVERLAY = {
    "holidays": {"2027-01-01": "元旦", "2027-02-05": "春节", "2027-02-08": "春节", "2026-03-06": "测试调整"},
    "workdays": {"2027-02-06": "春节调休"},
}


def test_a_data_file_adds_a_new_year_and_overrides_a_day(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(write_json(tmp_path, OVERLAY))
    assert 2027 in cal.years
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.holiday_name(date(2027, 2, 8)) == "春节"
    assert cal.is_workday(date(2027, 2, 6))  # a Saturday made a working day
    assert not cal.is_workday(date(2026, 3, 6))  # overridden Friday
    assert cal.holiday_name(date(2026, 3, 6)) == "测试调整"
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    with pytest.raises(CalendarNotCovered, match="2028"):
        cal.is_workday(date(2028, 1, 3))


def test_a_data_file_can_turn_a_holiday_into_a_working_day(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(write_json(tmp_path, {"workdays": {"2026-10-07": "更正"}}))
    assert cal.is_workday(date(2026, 10, 7))
    assert not cal.is_holiday(date(2026, 10, 7))


def test_a_data_file_can_declare_a_year_covered_explicitly(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(write_json(tmp_path, {"years": [2027]}))
    assert cal.is_workday(date(2027, 1, 4))


def test_a_gap_year_between_covered_years_is_refused(tmp_path: Path) -> None:
    cal = WorkdayCalendar.from_file(write_json(tmp_path, {"holidays": {"2028-01-01": "元旦"}}))
    assert not cal.is_workday(date(2028, 1, 1))
    with pytest.raises(CalendarNotCovered) as err:
        cal.workdays_between(date(2026, 12, 1), date(2028, 1, 5))
    assert err.value.year == 2027
    with pytest.raises(CalendarNotCovered) as err:
        cal.add_workdays(date(2028, 1, 3), -5)
    assert err.value.year == 2027


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"holidays": {"2027-02-30": "春节"}}, "2027-02-30"),
        ({"holidays": {"2027/01/01": "元旦"}}, "2027/01/01"),
        ({"workdays": {"2027-02-06": ""}}, "2027-02-06"),
        ({"holidays": {"2027-01-01": 1}}, "2027-01-01"),
        ({"holidays": {"2027-01-01": "元旦"}, "workdays": {"2027-01-01": "调休"}}, "2027-01-01"),
        ({"holiday": {}}, "holiday"),
        ({"years": ["2027"]}, "years[0]"),
        ({"years": [2207]}, "years[0]"),
        ({"holidays": {"2207-01-01": "元旦"}}, "2207-01-01"),
        ({"holidays": []}, "holidays"),
        (["2027-01-01"], "顶层"),
    ],
)
def test_a_malformed_data_file_is_refused_naming_the_bad_entry(tmp_path: Path, data: object, named: str) -> None:
    path = write_json(tmp_path, data)
    with pytest.raises(CalendarDataError) as err:
        WorkdayCalendar.from_file(path)
    assert named in str(err.value)
    assert str(path) in str(err.value)


def test_a_data_file_that_is_not_json_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "holidays.json"
    path.write_text('{"holidays": {"2027-01-01": "元旦",}}', encoding="utf-8")
    with pytest.raises(CalendarDataError, match="第 1 行"):
        WorkdayCalendar.from_file(path)


def test_a_missing_data_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CalendarDataError, match="无法读取"):
        WorkdayCalendar.from_file(tmp_path / "absent.json")


def test_the_default_calendar_reads_the_file_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(write_json(tmp_path, OVERLAY)))
    default_calendar.cache_clear()
    try:
        assert default_calendar().is_workday(date(2027, 2, 6))
        assert default_calendar() is default_calendar()
    finally:
        default_calendar.cache_clear()


def test_the_default_calendar_without_a_file_covers_the_library_years(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    default_calendar.cache_clear()
    try:
        assert {2025, 2026} <= default_calendar().years
        assert 2027 not in default_calendar().years
    finally:
        default_calendar.cache_clear()
