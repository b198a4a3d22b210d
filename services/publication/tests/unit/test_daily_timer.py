"""What the daily timer runs in the publication service (hrss.web.daily): the deadline run for the day it is given,
as the service, recording a missed deadline once however often it fires."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from publication.entrypoints.service import PublicationService
from publication_harness import Publication
from publication_testkit import approved, task_completed


def daily(s: Publication, day: date) -> Any:
    return s._run(lambda ctx: PublicationService.daily_jobs(None, ctx, day))  # type: ignore[arg-type]


def test_the_timers_jobs_record_a_missed_deadline_of_their_day_once() -> None:
    s = Publication()
    s.receive(task_completed(datetime(2026, 6, 1, 2, 0, tzinfo=UTC)), approved(1))  # due 30 June
    s.now = datetime(2026, 7, 2, 2, 0, tzinfo=UTC)
    assert daily(s, date(2026, 6, 30))["deadlines"]["newly_missed"] == 0  # the day it ran for, not the clock's
    assert daily(s, date(2026, 7, 1))["deadlines"]["newly_missed"] == 1
    assert daily(s, date(2026, 7, 2))["deadlines"]["newly_missed"] == 0  # fired again: nothing new
    assert [e.type for e in s.published].count("publication.deadline_missed") == 1
    timers = [e for e in getattr(PublicationService.run_daily_jobs, "nameko_entrypoints", ()) if hasattr(e, "interval")]
    assert timers and timers[0].interval == 60
