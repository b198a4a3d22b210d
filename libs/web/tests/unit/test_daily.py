"""The daily timer runs a service's jobs once a day after its time, not while another replica holds the lock (it
tries again at the next tick), and again at the next tick after a failure."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from hrss.web import daily
from hrss.workdays import DailyClock


class Session:
    def __init__(self) -> None:
        self.free = True
        self.asked: list[str] = []

    def execute(self, statement: Any, params: dict[str, str]) -> Any:
        self.asked.append(params["name"])
        free = self.free
        return type("Result", (), {"scalar": lambda self: free})()


class Jobs(daily.DailyJobs):
    name = "demo"

    def __init__(self, clock: DailyClock) -> None:
        self.daily_clock = clock  # type: ignore[assignment]  # what the dependency provider injects
        self.db = type("Unit", (), {"session": Session()})()
        self.days: list[date] = []
        self.fail = False

    def _as_service(self) -> Any:
        return "ctx"

    def daily_jobs(self, ctx: Any, day: date) -> dict[str, Any]:
        if self.fail:
            raise RuntimeError("database down")
        self.days.append(day)
        return {"day": day.isoformat()}


def test_the_jobs_run_once_a_day_under_the_services_lock() -> None:
    jobs = Jobs(DailyClock(time(0, 0)))
    assert jobs.run_daily_jobs() is not None and len(jobs.days) == 1
    assert jobs.run_daily_jobs() is None and len(jobs.days) == 1  # done for today
    assert jobs.db.session.asked == ["demo.daily"]


def test_a_replica_finding_the_lock_taken_tries_again_at_the_next_tick() -> None:
    jobs = Jobs(DailyClock(time(0, 0)))
    jobs.db.session.free = False
    assert jobs.run_daily_jobs() is None and jobs.days == []
    jobs.db.session.free = True
    assert jobs.run_daily_jobs() is not None and len(jobs.days) == 1


def test_a_failed_run_is_tried_again_and_no_time_configured_never_runs() -> None:
    jobs = Jobs(DailyClock(time(0, 0)))
    jobs.fail = True
    with pytest.raises(RuntimeError):
        jobs.run_daily_jobs()
    jobs.fail = False
    assert jobs.run_daily_jobs() is not None and len(jobs.days) == 1
    idle = Jobs(DailyClock(None))
    assert idle.run_daily_jobs() is None and idle.db.session.asked == []


def test_a_time_of_day_read_by_yaml_as_base_60_is_read_back() -> None:
    import yaml

    assert daily.daily_at(yaml.safe_load("10:30")) == "10:30"  # YAML 1.1 gives 630
    assert daily.daily_at(yaml.safe_load("07:30")) == "07:30"  # a leading zero stays a string
    assert daily.daily_at(None) == daily.daily_at("") == ""
