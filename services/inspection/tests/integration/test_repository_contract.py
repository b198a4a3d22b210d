"""The fake repository and the SQL one keep the same promises: the same calls give the same answers, in the
same order. The fake side runs everywhere; the real side on PostgreSQL (marked integration)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from inspection.adapters.repository import InspectionRepository
from inspection.adapters.sql_repository import SqlInspectionRepository
from inspection.domain.deadlines import Deadline
from inspection.domain.model import (
    ApprovedResult,
    DocumentNumber,
    FieldSubmission,
    FollowUp,
    FollowUpStep,
    NodeSettings,
    OverdueFlag,
    Publication,
    ReceivedAssignment,
    ResultHead,
    ResultState,
    ResultVersion,
    Review,
    Step,
    TeamChange,
    Visit,
    Withdrawal,
)
from inspection_fakes import FakeInspectionRepository
from inspection_testkit import COUNTY_A, migrate
from sqlalchemy.orm import Session

from hrss.db import make_engine

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
V1, V2 = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
A1, A2, A3 = (f"00000000-0000-4000-8000-0000000000a{n}" for n in (1, 2, 3))
R1 = "00000000-0000-4000-8000-0000000000f1"
F1, F2 = "00000000-0000-4000-8000-0000000000b1", "00000000-0000-4000-8000-0000000000b2"
D1, D2 = "00000000-0000-4000-8000-0000000000d1", "00000000-0000-4000-8000-0000000000d2"
E = [f"00000000-0000-4000-8000-0000000000e{n}" for n in range(1, 10)]


def member(n: int) -> dict[str, Any]:
    return {"inspector_id": f"00000000-0000-4000-8000-00000000010{n}", "credential_no": f"ZJ{n}", "name": f"检查员{n}"}


def visit(visit_id: str, seq: int = 1) -> Visit:
    return Visit(
        visit_id, COUNTY_A, "91330102000000001X", 2026, seq, V1, "某公司", COUNTY_A, {"status": "active"},
        [{"task_id": "t1", "title": "专项"}], [member(1)], [member(1)["inspector_id"]], date(2026, 6, 30), True, T0,
    )  # fmt: skip


def received(assignment_id: str, visit_id: str, draw_id: str, minutes: int) -> ReceivedAssignment:
    tasks = [{"task_id": assignment_id}]
    return ReceivedAssignment(
        assignment_id, visit_id, draw_id, E[minutes], tasks, [member(1)], None, T0, T0 + timedelta(minutes=minutes)
    )


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[InspectionRepository]:
    if request.param == "fake":
        yield FakeInspectionRepository()
        return
    dsn = request.getfixturevalue("fresh_database")
    migrate(dsn)
    engine = make_engine(dsn, schema="inspection", pool_size=1)
    with Session(engine) as session:
        yield SqlInspectionRepository(session)
        session.rollback()
    engine.dispose()


def test_a_visit_is_kept_found_by_id_and_by_key_and_updated(repo: InspectionRepository) -> None:
    assert repo.visit(V1) is None and repo.latest_visit(COUNTY_A, "91330102000000001X", 2026) is None
    repo.add_visit(visit(V1))
    repo.add_visit(visit(V2, seq=2))
    assert repo.visit(V1) == visit(V1)
    assert repo.latest_visit(COUNTY_A, "91330102000000001X", 2026) == visit(V2, seq=2)
    repo.update_visit(V1, [{"task_id": "t2"}], [member(2), member(3)], date(2026, 7, 1), False)
    updated = repo.visit(V1, lock=True)
    assert updated is not None and updated.tasks == [{"task_id": "t2"}] and not updated.announced
    assert updated.inspector_ids == [member(2)["inspector_id"], member(3)["inspector_id"]]
    assert updated.due == date(2026, 7, 1)


def test_assignments_keep_their_order_teams_and_withdrawals(repo: InspectionRepository) -> None:
    repo.add_visit(visit(V1))
    repo.add_assignment(received(A2, V1, D1, 1), [member(2)])
    repo.add_assignment(received(A1, V1, D2, 2), [member(1)])
    repo.add_assignment(received(A3, V1, D1, 3), [member(3)])
    assert repo.visit_of_assignment(A1) == V1 and repo.visit_of_assignment(V2) is None
    assert repo.assignment_ids(V1) == [A2, A1, A3]  # in order of arrival
    assert repo.current_teams(V1) == [[member(1)], [member(2)], [member(3)]]  # by assignment id
    repo.set_team(A1, [member(4)])
    assert repo.visit_of_team(A1) == V1 and repo.visit_of_team(V2) is None
    assert repo.assignment_teams([A1, A2]) == {A1: [member(4)], A2: [member(2)]}
    assert repo.assignment_tasks([A3]) == {A3: [{"task_id": A3}]}
    assert repo.active_assignments_of_draw(D1) == {V1: [A2, A3]}
    repo.add_withdrawal(Withdrawal(A2, V1, D1, "作废", E[5], T0))
    assert repo.withdrawn(V1) == {A2}
    assert repo.assignment_ids(V1) == [A1, A3]
    assert repo.current_teams(V1) == [[member(4)], [member(3)]]
    assert repo.active_assignments_of_draw(D1) == {V1: [A3]}


def test_the_latest_team_change_wins_ties_by_arrival(repo: InspectionRepository) -> None:
    assert repo.latest_team_change(A1) is None
    for n, (minutes, team) in enumerate([(5, [member(1)]), (9, [member(2)]), (9, [member(3)]), (1, [member(4)])]):
        repo.add_team_change(
            TeamChange(A1, E[n], member(1), member(2), team, "回避", "approver", T0 + timedelta(minutes=minutes))
        )
    assert repo.latest_team_change(A1) == [member(3)]


def test_steps_say_whether_a_visit_started_and_how_it_closed(repo: InspectionRepository) -> None:
    assert repo.current_status(V1) is None and repo.closure(V1) is None
    repo.add_step(Step(V1, COUNTY_A, "opened", None, "service:inspection", T0, E[0]))
    repo.add_step(Step(V1, COUNTY_A, "started", None, "planner", T0))
    assert repo.has_step(V1, "started") and not repo.has_step(V1, "closed")
    repo.add_step(Step(V1, COUNTY_A, "closed", "企业已注销", "planner", T0))
    found = repo.closure(V1)
    assert found is not None and (found.reason, found.actor, found.at) == ("企业已注销", "planner", T0)
    assert repo.current_status(V1) == "closed"


def test_settings_are_versions_and_document_numbers_count_per_node_and_year(repo: InspectionRepository) -> None:
    assert repo.settings_versions(COUNTY_A) == [] and repo.last_document_seq(COUNTY_A, 2026) == 0
    repo.lock_settings(COUNTY_A)
    second = NodeSettings(COUNTY_A, 2, "上城区人社局", "上城人社监", "0571", "admin", T0)
    first = NodeSettings(COUNTY_A, 1, "上城区人社局", "上城监", "0571", "admin", T0)
    repo.add_settings(second)
    repo.add_settings(first)
    assert [s.version for s in repo.settings_versions(COUNTY_A)] == [1, 2]
    repo.lock_document_numbers(COUNTY_A, 2026)
    repo.add_document_number(
        DocumentNumber(COUNTY_A, "notice", 2026, 1, "n1", "第1号", "上城区人社局", date(2026, 4, 1), 2)
    )
    repo.add_document_number(
        DocumentNumber(COUNTY_A, "record", 2026, 2, "r1:1", "第2号", "上城区人社局", date(2026, 4, 2), 2)
    )
    assert repo.last_document_seq(COUNTY_A, 2026) == 2 and repo.last_document_seq(COUNTY_A, 2027) == 0
    numbered = repo.document_number("record", "r1:1")
    assert numbered is not None and (numbered.number, numbered.issued_on) == ("第2号", date(2026, 4, 2))
    assert repo.document_number("notice", "r1:1") is None


def test_a_result_says_its_latest_version_and_the_decision_on_it(repo: InspectionRepository) -> None:
    assert repo.result_state(V1) is None and repo.result(R1) is None
    assert not repo.has_result(V1) and not repo.has_approved_result(V1)
    repo.add_result(ResultHead(R1, V1, COUNTY_A, T0))
    assert repo.has_result(V1) and repo.result(R1) == ResultHead(R1, V1, COUNTY_A, T0)
    assert repo.result_state(V1) == ResultState(R1, 0, None)
    first = ResultVersion(R1, 1, {"overall": "no_problem"}, [member(1)], "inspector", T0, "c-1")
    repo.add_result_version(first)
    repo.add_review(Review(R1, 1, False, "补充", "approver", T0))
    assert repo.result_state(V1) == ResultState(R1, 1, False)
    repo.add_result_version(ResultVersion(R1, 2, {"overall": "no_problem"}, [member(1)], "inspector", T0))
    assert repo.result_state(V1) == ResultState(R1, 2, None) and not repo.has_approved_result(V1)
    repo.add_review(Review(R1, 2, True, "", "approver", T0, b"%PDF-1.4", "ab" * 32))
    assert repo.result_state(V1) == ResultState(R1, 2, True) and repo.has_approved_result(V1)
    assert repo.result_version(R1, 1) == first and repo.result_version(R1, 3) is None


def test_an_approved_version_and_its_form_are_found_within_the_nodes_asked(repo: InspectionRepository) -> None:
    repo.add_visit(visit(V1))
    repo.add_result(ResultHead(R1, V1, COUNTY_A, T0))
    repo.add_result_version(ResultVersion(R1, 1, {"overall": "corrected"}, [member(1)], "inspector", T0))
    assert repo.approved_version(R1) is None and repo.approved_forms(("3301",)) == []
    decision = Review(R1, 1, True, "", "approver", T0, b"%PDF", "ab" * 32)
    repo.add_review(decision)
    found = repo.approved_version(R1)
    assert found is not None and found[0].form == {"overall": "corrected"} and found[1] == decision
    assert repo.approved_forms(("3301",)) == [(R1, {"overall": "corrected"})]
    assert repo.approved_forms(("3302",)) == []


def test_follow_ups_keep_their_steps_in_order_and_say_when_all_are_closed(repo: InspectionRepository) -> None:
    def opened(follow_up_id: str) -> FollowUp:
        return FollowUp(
            follow_up_id, R1, V1, COUNTY_A, "91330102000000001X", "correction", date(2026, 5, 1),
            date(2026, 6, 1), None, "限期改正", "approver", T0,
        )  # fmt: skip

    assert repo.follow_up(F1) is None and repo.follow_ups_closed([R1]) == {}
    repo.add_follow_up(opened(F1))
    repo.add_follow_up(opened(F2))
    assert repo.follow_up(F1) == opened(F1)
    assert repo.follow_ups_closed([R1]) == {R1: False}
    repo.lock_follow_up(F1)
    repo.add_follow_up_step(FollowUpStep(F1, 2, "closed", date(2026, 6, 2), None, "办结", "approver", T0))
    repo.add_follow_up_step(FollowUpStep(F1, 1, "recheck", date(2026, 6, 1), True, "合格", "approver", T0))
    assert [s.seq for s in repo.follow_up_steps(F1)] == [1, 2] and repo.follow_up_steps(F2) == []
    assert repo.follow_ups_closed([R1]) == {R1: False}  # the second is still open
    repo.add_follow_up_step(FollowUpStep(F2, 1, "closed", date(2026, 6, 2), None, "办结", "approver", T0))
    assert repo.follow_ups_closed([R1, V2]) == {R1: True}


def test_a_publication_record_is_kept_and_read_back(repo: InspectionRepository) -> None:
    assert repo.publication(R1) is None
    record = Publication(R1, V1, COUNTY_A, 1, False, "涉密", {"withheld": True}, "cd" * 32, "planner", T0)
    repo.add_publication(record)
    assert repo.publication(R1) == record


def test_a_savepoint_undoes_only_what_was_written_inside_it(repo: InspectionRepository) -> None:
    repo.add_visit(visit(V1))
    with pytest.raises(RuntimeError), repo.savepoint():
        repo.add_visit(visit(V2, seq=2))
        repo.add_field_submission(FieldSubmission("c-1", "inspector", "ab" * 32, {"status": "accepted"}, T0))
        raise RuntimeError("refused")
    assert repo.visit(V2) is None and repo.field_submission("c-1") is None and repo.visit(V1) is not None
    with repo.savepoint():
        repo.lock_client_id("c-2")
        repo.add_field_submission(FieldSubmission("c-2", "inspector", "ab" * 32, {"status": "accepted"}, T0))
    found = repo.field_submission("c-2")
    assert found is not None and found.answer == {"status": "accepted"}


def test_deadlines_in_a_subtree_say_what_met_them(repo: InspectionRepository) -> None:
    repo.add_visit(visit(V1))
    repo.add_visit(visit(V2, seq=2))
    assert repo.result_deadlines(("3302",), None) == []
    due = date(2026, 6, 30)
    assert sorted(repo.result_deadlines(("3301",), None), key=lambda d: d.subject_id) == [
        Deadline(V1, COUNTY_A, "result", due, False),
        Deadline(V2, COUNTY_A, "result", due, False),
    ]
    repo.add_result(ResultHead(R1, V1, COUNTY_A, T0))
    repo.add_result_version(ResultVersion(R1, 1, {"overall": "corrected"}, [member(1)], "inspector", T0))
    repo.add_step(Step(V2, COUNTY_A, "closed", "企业已注销", "planner", T0))
    assert all(d.met for d in repo.result_deadlines(("3301",), None))
    assert [d.subject_id for d in repo.result_deadlines(("3301",), member(2)["inspector_id"])] == []
    assert repo.approved_results(("3301",), None) == []
    repo.add_review(Review(R1, 1, True, "", "approver", T0, b"%PDF", "ab" * 32))
    assert repo.approved_results(("3301",), None) == [ApprovedResult(R1, COUNTY_A, visit(V1).tasks, False)]
    repo.add_publication(Publication(R1, V1, COUNTY_A, 1, True, None, {}, "cd" * 32, "planner", T0))
    assert repo.approved_results(("3301",), member(1)["inspector_id"])[0].recorded
    fixed = FollowUp(F1, R1, V1, COUNTY_A, "91330102000000001X", "correction", T0.date(), due, None, "", "a", T0)
    repo.add_follow_up(fixed)
    assert repo.correction_deadlines(("3301",), None) == [Deadline(F1, COUNTY_A, "correction", due, False)]
    assert repo.correction_deadlines(("3301",), member(2)["inspector_id"]) == []
    repo.add_follow_up_step(FollowUpStep(F1, 1, "closed", due, None, "办结", "a", T0))
    assert repo.correction_deadlines(("330102",), member(1)["inspector_id"])[0].met


def test_published_tasks_and_overdue_flags_are_kept_once(repo: InspectionRepository) -> None:
    assert repo.published_task_ids() == set() and repo.overdue_recorded() == set()
    repo.mark_task_published(A1, T0)
    repo.mark_task_published(A1, T0 + timedelta(days=1))
    assert repo.published_task_ids() == {A1}
    flag = OverdueFlag(V1, "result", COUNTY_A, "330100", date(2026, 6, 30), date(2026, 7, 1), T0)
    assert repo.flag_overdue(flag) and not repo.flag_overdue(flag)
    assert repo.flag_overdue(
        OverdueFlag(V1, "publication", COUNTY_A, "330100", date(2026, 6, 30), date(2026, 7, 1), T0)
    )
    assert repo.overdue_recorded() == {(V1, "result"), (V1, "publication")}
