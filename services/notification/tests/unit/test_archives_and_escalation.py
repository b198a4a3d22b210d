"""Archive keepers and requesters hear of requests, decisions, due dates and problems on return; an overdue still
open N working days after it was detected goes one level up, once, and never once the events that end it were read;
each level is told by the deployment that serves it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from notification.domain.model import Channel
from notification.service_layer.commands import KeepMyContact, RunEscalations, RunReminders
from notification_archive_events import REQUESTER, granted, lent, refused, requested, returned_archive
from notification_harness import Notifications, staff
from notification_testkit import CITY, COUNTY_A, COUNTY_B, PROVINCE, overdue, submitted, uscc

from hrss.auth import Principal, Role
from hrss.contracts import PlatformError
from hrss.contracts.events.inspection import VisitStatusChanged

DETECTED = date(2026, 7, 1)  # a Wednesday; five working days on is Wednesday 8 July


@pytest.fixture
def s() -> Notifications:
    s = Notifications()
    s.components.clock = lambda: datetime(2026, 7, 31, 2, 0, tzinfo=UTC)  # every day asked about has come
    return s


def service(nodes: tuple[str, ...] = (PROVINCE,)) -> Principal:
    return Principal.for_service("notification", list(nodes))


def inbox(s: Notifications, kind: str) -> list[str]:
    return sorted(n.recipient for n in s.sent(Channel.INBOX) if n.kind == kind)


def test_a_request_reaches_the_keepers_and_approvers_and_the_decision_the_requester(s: Notifications) -> None:
    s.as_person(staff({Role.AUDITOR}, account=REQUESTER), KeepMyContact("auditor@example.cn", None))
    assert s.receive(requested(), granted(), refused()) == [2, 2, 2]
    assert inbox(s, "access_requested") == [f"role:{COUNTY_A}:approver", f"role:{COUNTY_A}:archive_keeper"]
    assert inbox(s, "access_granted") == inbox(s, "access_refused") == [f"account:{REQUESTER}"]
    asked = next(n for n in s.sent(Channel.INBOX) if n.kind == "access_requested")
    assert "借阅" in asked.subject and "案件复查" in asked.body and "第 1、2 版" in asked.body
    [no] = [n for n in s.sent(Channel.EMAIL) if n.kind == "access_refused"]
    assert "分管领导" in no.body and "用途与案件无关" in no.body and not no.mandatory
    assert s.receive(requested(node=COUNTY_B)) == [0]  # a delegated county's keepers are told by its own deployment


def test_a_damaged_return_is_reported_and_an_intact_one_is_not(s: Notifications) -> None:
    assert s.receive(lent(1), returned_archive(1), lent(2), returned_archive(2, "damaged", "封皮破损")) == [0, 0, 0, 2]
    [problem] = [n for n in s.sent(Channel.INBOX) if n.recipient.endswith("approver")]
    assert "损坏" in problem.subject and "封皮破损" in problem.body and problem.mandatory


def test_a_borrower_is_reminded_before_the_due_date_and_told_with_the_keepers_once_it_passed(s: Notifications) -> None:
    s.receive(lent(1), lent(2), returned_archive(2))
    remind = s.as_person(service(), RunReminders(date(2026, 6, 25)))  # three working days before 30 June
    assert (remind["borrowings"], remind["made"]) == (1, 1)
    assert inbox(s, "borrowing_due") == [f"account:{REQUESTER}"]
    assert s.as_person(service(), RunReminders(date(2026, 6, 30)))["made"] == 0  # due today: reminded already
    late = s.as_person(service(), RunReminders(date(2026, 7, 1)))
    assert late["made"] == 2
    assert inbox(s, "borrowing_overdue") == [f"account:{REQUESTER}", f"role:{COUNTY_A}:archive_keeper"]
    assert s.as_person(service(), RunReminders(date(2026, 7, 6)))["made"] == 0  # once
    s.receive(returned_archive(1))
    assert s.as_person(service(), RunReminders(date(2026, 7, 7)))["borrowings"] == 0


def test_a_return_read_before_its_loan_keeps_it_returned(s: Notifications) -> None:
    s.receive(returned_archive(1), lent(1))
    assert s.as_person(service(), RunReminders(date(2026, 7, 1)))["borrowings"] == 0


def escalate(s: Notifications, on: date, nodes: tuple[str, ...] = (PROVINCE,)) -> dict:  # type: ignore[type-arg]
    return s.as_person(service(nodes), RunEscalations(on))  # type: ignore[no-any-return]


def test_an_open_overdue_goes_to_the_city_after_five_working_days_and_the_province_after_ten_once(
    s: Notifications,
) -> None:
    s.receive(overdue(COUNTY_A, supervisor=CITY).model_copy(update={"detected_on": DETECTED}))
    assert escalate(s, date(2026, 7, 7))["made"] == 0  # four working days on
    answer = escalate(s, date(2026, 7, 8))
    assert (answer["escalated"], answer["made"]) == (1, 1)
    [told] = [n for n in s.sent(Channel.INBOX) if n.kind == "overdue_escalated"]
    assert told.recipient == f"role:{CITY}:city_admin" and told.mandatory
    assert "5 个工作日" in told.body and CITY in told.body and "检查结果录入" in told.subject
    assert escalate(s, date(2026, 7, 8))["made"] == escalate(s, date(2026, 7, 14))["made"] == 0
    assert escalate(s, date(2026, 7, 15))["made"] == 1  # ten working days on: one level up
    assert inbox(s, "overdue_escalated") == [f"role:{PROVINCE}:province_admin", f"role:{CITY}:city_admin"]
    assert escalate(s, date(2026, 7, 30))["made"] == 0  # nothing above the province


def test_working_days_not_calendar_days_count_before_escalation(s: Notifications) -> None:
    s.components.escalate_after = 1
    s.receive(overdue(COUNTY_A, supervisor=CITY).model_copy(update={"detected_on": date(2026, 7, 3)}))  # a Friday
    assert escalate(s, date(2026, 7, 5))["made"] == 0  # Sunday: no working day has passed
    assert escalate(s, date(2026, 7, 6))["made"] == 1  # Monday


def test_an_overdue_ended_by_its_result_or_a_closed_visit_is_not_escalated(s: Notifications) -> None:
    late = overdue(COUNTY_A, supervisor=CITY).model_copy(update={"detected_on": DETECTED})
    entered = submitted(1).model_copy(update={"visit_id": late.subject_id})
    s.receive(late, entered)
    assert escalate(s, date(2026, 7, 20))["escalated"] == 0
    first = Notifications()
    first.components.clock = s.components.clock
    first.receive(entered, late)  # the result read first (topics are not ordered): still not escalated
    assert escalate(first, date(2026, 7, 20))["escalated"] == 0
    closed = VisitStatusChanged(
        visit_id=late.subject_id, node=COUNTY_A, uscc=uscc(1),
        region_code=COUNTY_A, task_ids=[late.subject_id], status="closed", reason="抽取作废", at=late_at(),
    )  # fmt: skip
    other = Notifications()
    other.components.clock = s.components.clock
    other.receive(late, closed)
    assert escalate(other, date(2026, 7, 20))["escalated"] == 0


def late_at() -> datetime:
    return datetime(2026, 7, 2, 2, 0, tzinfo=UTC)


def test_a_citys_overdue_goes_to_the_province_and_a_provinces_nowhere(s: Notifications) -> None:
    s.receive(overdue(CITY, supervisor=PROVINCE).model_copy(update={"detected_on": DETECTED}))
    top = {"subject_id": uuid.uuid4(), "detected_on": DETECTED}
    s.receive(overdue(PROVINCE, supervisor=None).model_copy(update=top))
    assert escalate(s, date(2026, 7, 30))["made"] == 1
    assert inbox(s, "overdue_escalated") == [f"role:{PROVINCE}:province_admin"]


def test_a_delegated_countys_overdue_is_escalated_by_the_centre_not_by_the_county(s: Notifications) -> None:
    late = overdue(COUNTY_B, supervisor=CITY).model_copy(update={"detected_on": DETECTED})
    county = Notifications(nodes=(COUNTY_B,), delegated=())
    county.components.clock = s.components.clock
    s.receive(late)
    county.receive(late)
    assert escalate(s, date(2026, 7, 8))["made"] == 1  # the city, served centrally
    assert escalate(county, date(2026, 7, 20), nodes=(COUNTY_B,))["made"] == 0
    assert [n.kind for n in county.sent(Channel.INBOX)] == ["overdue", "overdue"]


def test_escalation_refuses_a_day_to_come_and_runs_for_administrators_and_services_only(s: Notifications) -> None:
    with pytest.raises(PlatformError) as ahead:
        escalate(s, date(2026, 8, 1))
    assert (ahead.value.status, ahead.value.code) == (400, "reminders.future_date")
    with pytest.raises(PlatformError) as denied:
        s.as_person(staff({Role.PLANNER}, node=PROVINCE), RunEscalations(None))
    assert denied.value.status == 403
    assert s.as_person(staff({Role.PROVINCE_ADMIN}, node=PROVINCE), RunEscalations(None))["on"] == "2026-07-31"
