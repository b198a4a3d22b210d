"""The reminder job on the fakes: a visit's result coming due within the configured working days is announced
once to its team and its node's planners, never once a result is in, never ahead of the day, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from notification.bootstrap import remind_before
from notification.domain.model import Channel
from notification.domain.templates import TEMPLATES
from notification.service_layer.commands import KeepMyContact, RunReminders
from notification_harness import Notifications, staff
from notification_testkit import COUNTY_A, COUNTY_B, PROVINCE, member, returned, submitted, uscc, visit_opened

from hrss.auth import Principal, Role
from hrss.contracts import PlatformError

DUE = date(2026, 6, 30)  # a Tuesday: three working days before it is Thursday 25 June


@pytest.fixture
def s() -> Notifications:
    s = Notifications()
    s.components.clock = lambda: datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # every day asked about has come
    return s


def run(s: Notifications, on: date | None) -> dict:  # type: ignore[type-arg]
    return s.as_person(Principal.for_service("notification", [PROVINCE]), RunReminders(on))  # type: ignore[no-any-return]


def reminders(s: Notifications) -> list:  # type: ignore[type-arg]
    return sorted((n for n in s.repo.notifications.values() if n.kind == "deadline_approaching"), key=str)


def test_the_team_and_the_planners_are_reminded_three_working_days_before_once(s: Notifications) -> None:
    s.as_person(staff({Role.PLANNER}, node=COUNTY_A), KeepMyContact("planner@example.cn", None))
    s.receive(visit_opened(1))
    assert run(s, date(2026, 6, 24))["made"] == 0  # four working days before: not yet
    answer = run(s, date(2026, 6, 25))
    assert (answer["visits"], answer["made"], answer["due_by"]) == (1, 4, "2026-06-30")
    made = reminders(s)
    inboxes = sorted(n.recipient for n in made if n.channel is Channel.INBOX)
    expected = sorted([f"inspector:{member(1).inspector_id}", f"inspector:{member(2).inspector_id}"])
    assert inboxes == sorted([*expected, f"role:{COUNTY_A}:planner"])
    [email] = [n for n in made if n.channel is Channel.EMAIL]
    assert email.address == "planner@example.cn"
    assert "杭州测试1号有限公司" in email.body and uscc(1) in email.body and "2026-06-30" in email.body
    assert "还有 3 个工作日" in email.body and "检查员1、检查员2" in email.body
    assert (email.template_id, email.template_version) == ("deadline_approaching", 1)
    assert email.seed_section.startswith("004 §9.3.2.4")
    for channel in TEMPLATES["deadline_approaching"].channels:
        subject, body = TEMPLATES["deadline_approaching"].render(channel, {**_values(), "workdays": 3})
        assert "{" not in subject + body
    assert run(s, date(2026, 6, 25))["made"] == 0  # run twice: nothing new
    assert run(s, date(2026, 6, 29))["made"] == 0  # a later day, same visit and lead time: nothing new
    assert len(reminders(s)) == 4


def _values() -> dict[str, str]:
    return {"entity_name": "甲", "uscc": "x", "due": "2026-06-30", "on": "2026-06-25", "team": "乙"}


def test_the_lead_time_counts_working_days_not_calendar_days(s: Notifications) -> None:
    s.receive(visit_opened(1).model_copy(update={"due": date(2026, 7, 1)}))  # a Wednesday
    assert run(s, date(2026, 6, 25))["visits"] == 0  # Thursday: four working days before
    assert run(s, date(2026, 6, 26))["visits"] == 1  # Friday: five calendar days, three working days before


def test_a_visit_whose_result_is_in_is_not_reminded_and_a_returned_one_is(s: Notifications) -> None:
    s.receive(visit_opened(1), visit_opened(2), submitted(1), submitted(2), returned(2))
    s.receive(submitted(3), visit_opened(3))  # its result read before the visit (topics are not ordered)
    answer = run(s, date(2026, 6, 25))
    assert answer["visits"] == 1
    assert {n.event_id for n in reminders(s)} and all("2号" in n.subject for n in reminders(s))


def test_the_configured_lead_time_is_used(s: Notifications) -> None:
    s.components.remind_before = 5
    s.receive(visit_opened(1))
    assert run(s, date(2026, 6, 22))["visits"] == 0  # six working days before
    assert run(s, date(2026, 6, 23))["visits"] == 1
    assert remind_before({"remind_before_workdays": 5}, {}) == 5
    assert remind_before({}, {"HRSS_NOTIFICATION_REMIND_BEFORE_WORKDAYS": "2"}) == 2
    assert remind_before({}, {}) == 3
    with pytest.raises(ValueError):
        remind_before({"remind_before_workdays": -1}, {})


def test_a_day_to_come_is_refused_and_only_administrators_or_services_run_it(s: Notifications) -> None:
    with pytest.raises(PlatformError) as ahead:
        run(s, date(2026, 7, 7))
    assert (ahead.value.status, ahead.value.code) == (400, "reminders.future_date")
    with pytest.raises(PlatformError) as denied:
        s.as_person(staff({Role.PLANNER}, node=PROVINCE), RunReminders(date(2026, 6, 25)))
    assert denied.value.status == 403
    assert s.as_person(staff({Role.PROVINCE_ADMIN}, node=PROVINCE), RunReminders(None))["on"] == "2026-07-06"


def test_a_delegated_countys_visits_are_reminded_by_its_own_deployment(s: Notifications) -> None:
    s.receive(visit_opened(1, node=COUNTY_B))
    assert run(s, date(2026, 6, 25))["visits"] == 0
