"""The fake and the SQL repository keep the same promises: each test runs on both, the SQL one on PostgreSQL, so
the unit tests on the fake (the generated year, the replay) say what production does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from activity import generate
from reporting.adapters.repository import ReportingRepository, SqlReportingRepository
from reporting.domain.facts import Confirmation, DrawFact, FollowUpFact, InspectionFact, MissedDeadline, TaskFact
from reporting.domain.kpis import Period, all_kpis
from reporting.service_layer.projecting import project
from reporting_fakes import FakeReportingRepository
from reporting_testkit import migrate
from sqlalchemy.orm import Session

from hrss.testing.databases import migrated_database


@pytest.fixture(scope="module")
def engine(pg_dsn: str) -> Iterator[sa.Engine]:
    with migrated_database(pg_dsn, "reportrepo", migrate, search_path="reporting") as engine:
        yield engine


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[ReportingRepository]:
    if request.param == "fake":
        yield FakeReportingRepository()
        return
    engine = request.getfixturevalue("engine")
    session = Session(engine)
    try:
        yield SqlReportingRepository(session)
    finally:
        session.rollback()
        session.close()


def _id() -> str:
    return str(uuid.uuid4())


def _task(task_id: str, node: str = "330100", **marks: object) -> TaskFact:
    return TaskFact(
        task_id, node, "杭人社〔2026〕1号", "任务", True, False, 2, 5, ("330102",), ("enterprise",), **marks
    )  # type: ignore[arg-type]


def test_a_task_keeps_its_earliest_days_its_latest_attributes_and_stays_cancelled(repo: ReportingRepository) -> None:
    one = _id()
    repo.keep_task(_task(one, completed_on=date(2026, 5, 1)))  # the completion read before the publication
    repo.keep_task(_task(one, published_on=date(2026, 3, 2)))
    repo.keep_task(_task(one, published_on=date(2026, 3, 9)))  # replayed later with another day: the first stays
    kept = repo.facts("330100").tasks[one]
    assert (kept.published_on, kept.completed_on, kept.cancelled) == (date(2026, 3, 2), date(2026, 5, 1), False)
    repo.keep_task(_task(one, cancelled=True))
    repo.keep_task(_task(one))
    assert repo.facts("330000").tasks[one].cancelled is True
    assert one not in repo.facts("330200").tasks and one not in repo.facts("330102").tasks


def test_a_draw_joins_its_commitment_and_completion_in_either_order(repo: ReportingRepository) -> None:
    one, two, task = _id(), _id(), _id()
    repo.keep_draw(DrawFact(one, "330102", (task,), eligible=200))
    repo.keep_draw(DrawFact(one, "330102", (task,), picks=10, completed_on=date(2026, 4, 1)))
    repo.keep_draw(DrawFact(two, "330102", (task,), picks=3, completed_on=date(2026, 4, 2)))
    repo.keep_draw(DrawFact(two, "330102", (task,), eligible=90))
    draws = repo.facts("330102").draws
    assert (draws[one].eligible, draws[one].picks, draws[one].completed_on) == (200, 10, date(2026, 4, 1))
    assert (draws[two].eligible, draws[two].picks) == (90, 3)


def test_a_visit_keeps_its_latest_version_and_the_tasks_above_it_drawn_for(repo: ReportingRepository) -> None:
    visit, task = _id(), _id()
    repo.keep_task(_task(task, node="330000", published_on=date(2026, 1, 5)))
    later = InspectionFact(_id(), visit, "330106", "330106", "9" * 18, (task,), "corrected", True, date(2026, 4, 3), 2)
    earlier = InspectionFact(
        later.result_id, visit, "330106", "330106", "9" * 18, (task,), "no_problem", True, date(2026, 3, 1), 1
    )
    repo.keep_inspection(later)
    repo.keep_inspection(earlier)
    facts = repo.facts("330100")
    assert facts.inspections[visit] == later
    assert task in facts.tasks  # the province's task, for its flags
    assert visit not in repo.facts("330200").inspections


def test_publication_records_and_missed_deadlines_are_kept_once_and_follow_ups_joined(
    repo: ReportingRepository,
) -> None:
    result, follow, task = _id(), _id(), _id()
    repo.keep_confirmation(Confirmation(result, "330203", True, True, date(2026, 5, 1), date(2026, 4, 20)))
    repo.keep_confirmation(Confirmation(result, "330203", False, False, None, date(2026, 6, 1)))
    repo.keep_missed(MissedDeadline(task, result, "330203", date(2026, 5, 1), date(2026, 5, 2)))
    repo.keep_missed(MissedDeadline(task, result, "330203", date(2026, 5, 1), date(2026, 5, 9)))
    repo.keep_follow_up(FollowUpFact(follow, result, "330203", closed_on=date(2026, 6, 3)))
    repo.keep_follow_up(FollowUpFact(follow, result, "330203", "case", date(2026, 5, 1), date(2026, 6, 1)))
    facts = repo.facts("330200")
    assert facts.confirmations[result].confirmed_on == date(2026, 4, 20)
    assert [(m.result_id, m.detected_on) for m in facts.missed if m.result_id == result] == [(result, date(2026, 5, 2))]
    assert facts.follow_ups[follow] == FollowUpFact(
        follow, result, "330203", "case", date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 3)
    )


def test_entries_and_submissions_are_numbered_per_node_and_month(repo: ReportingRepository) -> None:
    node = f"33{uuid.uuid4().int % 90 + 10:02d}00"
    at = datetime(2026, 4, 1, tzinfo=UTC)
    assert repo.entries(node, "2026-03") is None
    assert repo.add_entries(node, "2026-03", {"contact": "甲"}, "u1", at) == 1
    assert repo.add_entries(node, "2026-03", {"contact": "乙"}, "u1", at) == 2
    assert repo.add_entries(node, "2026-04", {"contact": "丙"}, "u1", at) == 1
    assert repo.entries(node, "2026-03") == (2, {"contact": "乙"})
    record = {
        "entries_version": 2,
        "report": {"x": [1]},
        "report_sha256": "f" * 64,
        "reason": None,
        "submitted_by": "u1",
        "submitted_at": at,
    }
    assert repo.add_submission(node, "2026-03", record) == 1
    assert repo.add_submission(node, "2026-03", {**record, "reason": "更正"}) == 2
    found = repo.submissions(node, "2026-03")
    assert [(s["version"], s["reason"], s["report"]) for s in found] == [(1, None, {"x": [1]}), (2, "更正", {"x": [1]})]
    assert found[0]["submitted_at"] == at


def test_the_generated_year_gives_the_same_kpis_on_both(repo: ReportingRepository) -> None:
    activity = generate(seed=11, months=3)
    fake = FakeReportingRepository()
    for event in activity.events:
        project(repo, event)
        project(fake, event)
    quarter = Period(date(2026, 1, 1), date(2026, 3, 31))
    for node in ("330000", "330100", "330205"):
        ours = [k.summary() for k in all_kpis(fake.facts(node), node, quarter)]
        theirs = [k.summary() for k in all_kpis(repo.facts(node), node, quarter)]
        assert theirs == ours
