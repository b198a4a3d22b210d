"""Years after the official data are counted provisionally (weekends only) and say so; official schedules are
loaded year by year into a store that logs who loaded what, and the default calendar is recounted after a load."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hrss.workdays import (
    STORE_VAR,
    CalendarDataError,
    CalendarNotCovered,
    WorkdayCalendar,
    WorkdayStore,
    default_calendar,
    provisional_calendar,
)
from hrss.workdays.__main__ import main

# Hypothetical 2027 schedule: the real notice is not in the library (chinesecalendar 1.11.0 ends with 2026).
SCHEDULE_2027 = {
    "holidays": {"2027-01-01": "元旦", "2027-01-04": "元旦"},
    "workdays": {"2027-01-09": "元旦调休"},
}


@pytest.fixture
def clean_default(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HRSS_WORKDAYS_FILE", raising=False)
    default_calendar.cache_clear()
    yield
    default_calendar.cache_clear()


def test_a_deadline_past_the_official_data_is_counted_on_weekends_only_and_flagged_provisional() -> None:
    cal = WorkdayCalendar(provisional_through=2030)
    due = cal.due(date(2026, 12, 20), 20)
    # 2026-12-21..31 has 9 working days; 2027-01-01 (a Friday) is counted as working, no holiday guessed.
    assert due.day == date(2027, 1, 15) and due.provisional is True
    assert cal.is_workday(date(2027, 1, 1)) and not cal.is_workday(date(2027, 1, 2))
    assert 2027 in cal.provisional_years and 2027 not in cal.years


def test_a_deadline_inside_the_official_data_is_not_provisional() -> None:
    due = WorkdayCalendar(provisional_through=2030).due(date(2026, 9, 25), 20)
    assert due == WorkdayCalendar().due(date(2026, 9, 25), 20) and due.provisional is False


def test_the_strict_calendar_still_refuses_an_uncovered_year() -> None:
    with pytest.raises(CalendarNotCovered):
        WorkdayCalendar().due(date(2026, 12, 20), 20)
    with pytest.raises(CalendarNotCovered):
        WorkdayCalendar(provisional_through=2030).is_workday(date(2031, 1, 6))


def test_a_loaded_year_is_logged_with_who_what_when_and_read_back(tmp_path: Path) -> None:
    store = WorkdayStore(tmp_path)
    at = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    load = store.load_year(2027, SCHEDULE_2027, loaded_by="admin@330000", source="国办发明电〔2026〕7号", now=at)
    assert (load.year, load.file, load.loaded_by) == (2027, "2027.1.json", "admin@330000")
    assert (load.holidays, load.workdays) == (2, 1)
    assert load.loaded_at == at.isoformat() and len(load.sha256) == 64
    assert store.loads() == [load]
    cal = WorkdayCalendar.from_overlay(store.overlay(), provisional_through=2030)
    assert 2027 in cal.years and not cal.is_workday(date(2027, 1, 4)) and cal.is_workday(date(2027, 1, 9))
    assert cal.due(date(2026, 12, 20), 20).provisional is False


def test_a_second_load_of_a_year_replaces_it_for_the_calendar_and_keeps_the_first(tmp_path: Path) -> None:
    store = WorkdayStore(tmp_path)
    store.load_year(2027, SCHEDULE_2027, loaded_by="a", source="第一次")
    store.load_year(2027, {"holidays": {"2027-01-01": "元旦"}}, loaded_by="b", source="更正")
    assert [x.file for x in store.loads()] == ["2027.1.json", "2027.2.json"]
    assert (tmp_path / "2027.1.json").exists()
    assert WorkdayCalendar.from_overlay(store.overlay()).is_workday(date(2027, 1, 4))


@pytest.mark.parametrize(
    ("year", "raw", "by", "source", "named"),
    [
        (2027, {"holidays": {"2028-01-01": "元旦"}}, "a", "s", "2028-01-01 不属于 2027 年"),
        (2027, {"workdays": {"2027-01-09": "调休"}}, "a", "s", "没有任何法定节假日"),
        (2027, {"holidays": {"2027-13-01": "x"}}, "a", "s", "2027-13-01"),
        (2027, SCHEDULE_2027, " ", "s", "载入人"),
        (2027, SCHEDULE_2027, "a", "", "通知"),
        (2207, SCHEDULE_2027, "a", "s", "2207"),
        (2027, {**SCHEDULE_2027, "years": [2027]}, "a", "s", "years"),
    ],
)
def test_a_bad_load_is_refused_naming_what_is_wrong_and_logs_nothing(  # type: ignore[no-untyped-def]
    tmp_path: Path, year, raw, by, source, named
) -> None:
    store = WorkdayStore(tmp_path)
    with pytest.raises(CalendarDataError, match=named):
        store.load_year(year, raw, loaded_by=by, source=source)
    assert store.loads() == []


def test_a_schedule_altered_behind_the_log_is_refused(tmp_path: Path) -> None:
    store = WorkdayStore(tmp_path)
    store.load_year(2027, SCHEDULE_2027, loaded_by="a", source="s")
    (tmp_path / "2027.1.json").write_text(json.dumps({"holidays": {"2027-01-01": "元旦"}}), encoding="utf-8")
    with pytest.raises(CalendarDataError, match="哈希不符"):
        store.overlay()


def test_the_default_calendar_is_recounted_once_a_year_is_loaded(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_default
) -> None:
    monkeypatch.setenv(STORE_VAR, str(tmp_path))
    before = provisional_calendar().due(date(2026, 12, 20), 20)
    assert before.provisional and provisional_calendar() is provisional_calendar()
    WorkdayStore(tmp_path).load_year(2027, SCHEDULE_2027, loaded_by="a", source="s")
    after = provisional_calendar().due(date(2026, 12, 20), 20)
    # 2027-01-01 and 01-04 off, 01-09 (Saturday) worked: one day later than the weekends-only count.
    assert after.provisional is False and after.day == date(2027, 1, 18)
    assert 2027 in default_calendar().years


def test_the_command_loads_a_year_and_lists_the_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = tmp_path / "2027.json"
    notice.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "store"
    args = ["--store", str(store), "load", "--year", "2027", "--file", str(notice)]
    args += ["--source", "国办发明电", "--by", "张三"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["loaded_by"] == "张三"
    assert main(["--store", str(store), "list"]) == 0
    assert [x["year"] for x in json.loads(capsys.readouterr().out)["loads"]] == [2027]
    notice.write_text(json.dumps({"holidays": {"2028-01-01": "元旦"}}), encoding="utf-8")
    assert main(args) == 1
    assert "不属于 2027 年" in capsys.readouterr().err
