"""The publication deadline on the fakes: 20 working days from the task's completion (planning.task_completed), the
confirmation each result gets (publication.result_confirmed) saying whether it came in time, the staff list of what
is due and late, and the run that records each missed deadline once (publication.deadline_missed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from publication.domain.errors import FutureRunDate
from publication.service_layer import deadlines
from publication.service_layer.commands import RunDeadlines
from publication_harness import Publication
from publication_testkit import COUNTY_A, COUNTY_B, PROVINCE, approved, decision, result_id, task_completed, task_id

from hrss.auth import Principal, Role
from hrss.auth.errors import AccessDenied

COMPLETED = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)  # Monday 1 June 2026, 10:00 in Beijing
DUE = date(2026, 6, 30)  # 20 working days on: 19 June (端午) is a holiday, so not the 29th


def staff(node: str, *roles: Role) -> Principal:
    return Principal(f"staff@{node}", "测试", node, frozenset(roles or {Role.APPROVER}))


@pytest.fixture
def s() -> Publication:
    return Publication()


def confirmations(s: Publication) -> list[dict]:
    return [e.payload for e in s.published if e.type == "publication.result_confirmed"]


def test_a_task_completion_sets_its_deadline_twenty_working_days_on_skipping_the_holiday(s: Publication) -> None:
    deadline = s.receive(task_completed(COMPLETED))
    assert (deadline.completed_on, deadline.due, deadline.provisional) == (date(2026, 6, 1), DUE, False)
    assert s.receive(task_completed(datetime(2026, 6, 8, tzinfo=UTC))) is None  # the first completion counts
    assert s.repo.task_deadlines([str(task_id("劳动用工专项"))])[0].due == DUE


def test_a_completion_late_in_the_evening_utc_counts_from_the_beijing_date(s: Publication) -> None:
    kept = s.receive(task_completed(datetime(2026, 5, 31, 17, 0, tzinfo=UTC)))  # 01:00 on 1 June in Beijing
    assert kept.completed_on == date(2026, 6, 1)


def test_a_published_result_is_confirmed_once_with_its_receipt_and_on_time(s: Publication) -> None:
    s.receive(task_completed(COMPLETED))
    s.now = datetime(2026, 6, 30, 15, 59, tzinfo=UTC)  # 23:59 on the last day, in Beijing
    record = s.receive(approved(1), decision(1))
    [c] = confirmations(s)
    receipt = s.repo.last_receipt(COUNTY_A)
    assert c["result_id"] == str(result_id(1)) and c["public"] is True and c["withheld_reason"] is None
    assert c["visit_id"] and c["task_ids"] == [str(task_id("劳动用工专项"))]
    assert c["content_sha256"] == record.content_sha256 == receipt.content_sha256
    assert c["record_version"] == 1
    assert c["receipt"] == {"seq": receipt.seq, "previous_sha256": receipt.previous_sha256,
                            "receipt_sha256": receipt.receipt_sha256}  # fmt: skip
    assert (c["due"], c["on_time"]) == ("2026-06-30", True)
    s.receive(approved(1, version=2, findings="已改正"))  # a later version: no second confirmation
    assert len(s.repo.versions("result", str(result_id(1)))) == 2 and len(confirmations(s)) == 1


def test_a_result_confirmed_after_the_deadline_says_so(s: Publication) -> None:
    s.receive(task_completed(COMPLETED))
    s.now = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 00:00 on 1 July in Beijing
    s.receive(approved(1), decision(1))
    [c] = confirmations(s)
    assert (c["due"], c["on_time"]) == ("2026-06-30", False)
    assert s.repo.confirmation(str(result_id(1)))["on_time"] is False


def test_a_result_confirmed_before_its_task_completed_has_no_deadline_and_is_on_time(s: Publication) -> None:
    s.receive(approved(1), decision(1))
    [c] = confirmations(s)
    assert (c["due"], c["on_time"]) == (None, True)


def test_a_withheld_result_is_confirmed_with_its_reason_and_no_receipt(s: Publication) -> None:
    s.receive(task_completed(COMPLETED))
    s.receive(approved(1, public=False), decision(1, public=False, reason="涉及国家秘密"))
    [c] = confirmations(s)
    assert (c["public"], c["withheld_reason"], c["receipt"], c["record_version"]) == (False, "涉及国家秘密", None, None)
    assert c["content_sha256"] == "cd" * 32 and c["on_time"] is True


def test_a_result_of_a_delegated_county_is_not_confirmed_here(s: Publication) -> None:
    s.receive(approved(1, COUNTY_B), decision(1, COUNTY_B))
    assert confirmations(s) == []


def test_staff_see_what_is_due_late_and_met_in_their_subtree(s: Publication) -> None:
    s.receive(task_completed(COMPLETED), approved(1), approved(2))
    s.now = datetime(2026, 6, 10, tzinfo=UTC)
    s.receive(decision(1))
    ctx = s.as_caller(staff(COUNTY_A))
    on_due = deadlines.listing(ctx, date(2026, 6, 30), None, None)["deadlines"]
    assert {(r["result_id"], r["state"]) for r in on_due} == {(str(result_id(1)), "met"), (str(result_id(2)), "due")}
    [late] = deadlines.listing(ctx, date(2026, 7, 1), None, "late")["deadlines"]
    assert (late["result_id"], late["due"], late["task_title"]) == (str(result_id(2)), "2026-06-30", None)
    assert late["confirmed_on"] is None and late["missed_recorded"] is False
    other = s.as_caller(staff("330108"))  # a sibling county sees none of it
    assert deadlines.listing(other, date(2026, 7, 1), None, None)["deadlines"] == []
    with pytest.raises(AccessDenied):
        deadlines.listing(other, date(2026, 7, 1), COUNTY_A, None)


def test_a_result_published_after_its_deadline_is_listed_as_met_late(s: Publication) -> None:
    s.receive(task_completed(COMPLETED), approved(1))
    s.now = datetime(2026, 7, 2, tzinfo=UTC)
    s.receive(decision(1))
    [row] = deadlines.listing(s.as_caller(staff(COUNTY_A)), date(2026, 7, 2), None, None)["deadlines"]
    assert (row["state"], row["confirmed_on"]) == ("met_late", "2026-07-02")


def test_the_run_records_each_missed_deadline_once_and_sends_an_event(s: Publication) -> None:
    s.receive(task_completed(COMPLETED), approved(1), approved(2))
    s.receive(decision(2))
    s.now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    assert s.command(RunDeadlines(None))["newly_missed"] == 0  # the last day: still due
    s.now = datetime(2026, 7, 1, 2, tzinfo=UTC)
    answer = s.command(RunDeadlines(None))
    assert answer["newly_missed"] == 1 and answer["flagged"][0]["result_id"] == str(result_id(1))
    [missed] = [e.payload for e in s.published if e.type == "publication.deadline_missed"]
    assert (missed["node"], missed["supervisor"], missed["due"], missed["detected_on"]) == (
        COUNTY_A, "330100", "2026-06-30", "2026-07-01")  # fmt: skip
    assert s.command(RunDeadlines(None))["newly_missed"] == 0  # recorded once
    [row] = deadlines.listing(s.as_caller(staff(COUNTY_A)), date(2026, 7, 1), None, "late")["deadlines"]
    assert row["missed_recorded"] is True


def test_the_run_refuses_a_day_to_come_and_staff_who_do_not_schedule(s: Publication) -> None:
    with pytest.raises(FutureRunDate):
        s.command(RunDeadlines(date(2026, 6, 2)))
    with pytest.raises(AccessDenied):
        s.command(RunDeadlines(None), staff(PROVINCE, Role.APPROVER))
    assert s.command(RunDeadlines(None), staff(PROVINCE, Role.PROVINCE_ADMIN))["newly_missed"] == 0


def test_a_state_as_of_an_earlier_day_does_not_count_a_later_confirmation() -> None:
    from publication.domain.deadlines import state

    assert state(DUE, date(2026, 7, 2), date(2026, 6, 29)) == "due"
    assert state(DUE, date(2026, 7, 2), date(2026, 7, 1)) == "late"
    assert state(DUE, date(2026, 7, 2), date(2026, 7, 2)) == "met_late"
    assert state(DUE, DUE, DUE) == "met"
