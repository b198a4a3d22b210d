"""The notification use cases on the fakes: events handed to `handle_event` as the consumers hand them, asserting
who hears what, by which channel, in which words, and that nothing is kept twice."""

from __future__ import annotations

import uuid

import pytest
from notification.domain.model import Channel, Contact, State
from notification.service_layer.commands import KeepEntityContact, KeepMyContact, MarkRead
from notification_harness import Notifications, staff
from notification_testkit import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    assignment,
    member,
    notice,
    overdue,
    reset,
    returned,
    submitted,
    team_changed,
    uscc,
    visit_opened,
)

from hrss.auth import Role
from hrss.contracts import PlatformError


@pytest.fixture
def s() -> Notifications:
    return Notifications()


def test_each_member_of_a_dispatched_team_hears_of_the_entity_tasks_period_and_teammates(s: Notifications) -> None:
    inspector_one = staff({Role.INSPECTOR}, inspector=1)
    s.as_person(inspector_one, KeepMyContact("one@example.cn", "13800000001"))
    assert s.receive(assignment(1)) == [4]  # two inboxes, and inspector 1's e-mail and SMS (2 left no contact)
    inbox = s.sent(Channel.INBOX)
    assert [n.recipient for n in inbox] == sorted(f"inspector:{member(k).inspector_id}" for k in (1, 2))
    first = next(n for n in inbox if n.recipient == f"inspector:{member(1).inspector_id}")
    assert "杭州测试1号有限公司" in first.body and uscc(1) in first.body
    assert "劳动用工专项（浙人社抽〔2026〕12号）" in first.body and "2026-04-01 至 2026-06-30" in first.body
    assert "同组检查人员：检查员2" in first.body and "检查员1" not in first.body.split("同组检查人员：")[1]
    assert (first.template_id, first.template_version, first.seed_section) == ("assignment", 1, first.seed_section)
    assert first.seed_section.startswith("004 §9.2.1")
    [email] = s.sent(Channel.EMAIL)
    assert email.address == "one@example.cn" and email.recipient == f"account:{inspector_one.account_id}"
    [sms] = s.sent(Channel.SMS)
    assert sms.address == "13800000001" and len(sms.body) < len(first.body)
    assert set(s.repo.pending) == {email.id, sms.id}


def test_an_event_replayed_with_its_id_makes_nothing_new(s: Notifications) -> None:
    s.as_person(staff({Role.INSPECTOR}, inspector=1), KeepMyContact("one@example.cn", None))
    event_id = str(uuid.uuid4())
    assert s.replay(assignment(1), event_id) == 3
    assert s.replay(assignment(1), event_id) == 0
    assert len(s.repo.notifications) == 3 and len(s.repo.pending) == 1


def test_a_team_change_tells_the_new_team_and_the_replaced_member(s: Notifications) -> None:
    s.receive(assignment(1, team=(1, 2)))
    s.receive(team_changed(1, replaced=1, by=3, team=(2, 3)))
    changed = [n for n in s.sent(Channel.INBOX) if n.kind == "team_changed"]
    left = [n for n in s.sent(Channel.INBOX) if n.kind == "team_left"]
    assert sorted(n.recipient for n in changed) == sorted(f"inspector:{member(k).inspector_id}" for k in (2, 3))
    assert [n.recipient for n in left] == [f"inspector:{member(1).inspector_id}"]
    assert "杭州测试1号有限公司" in changed[0].body and "检查员1 因“身体健康状况”" in changed[0].body
    assert "由 检查员3 接替" in left[0].body


def test_results_go_to_the_approvers_and_the_team_of_the_visit(s: Notifications) -> None:
    approver = staff({Role.APPROVER})
    s.as_person(approver, KeepMyContact("approver@example.cn", "13800000002"))
    s.receive(visit_opened(1, team=(1, 2)), submitted(1), returned(1))
    submitted_to = sorted(n.recipient for n in s.sent(Channel.INBOX) if n.kind == "result_submitted")
    assert submitted_to == sorted(
        [f"role:{COUNTY_A}:approver"] + [f"inspector:{member(k).inspector_id}" for k in (1, 2)]
    )
    [email] = [n for n in s.sent(Channel.EMAIL) if n.kind == "result_submitted"]
    assert email.address == "approver@example.cn"
    assert not [n for n in s.sent(Channel.SMS) if n.kind == "result_submitted"]  # e-mail and inbox only
    back = [n for n in s.sent(Channel.INBOX) if n.kind == "result_returned"]
    assert len(back) == 2 and "请补充工资台账照片" in back[0].body


def test_overdue_goes_to_planners_and_administrators_here_and_at_the_supervising_level(s: Notifications) -> None:
    s.receive(overdue(COUNTY_A, supervisor=CITY))
    assert sorted(n.recipient for n in s.sent(Channel.INBOX)) == [
        f"role:{CITY}:city_admin",
        f"role:{COUNTY_A}:county_admin",
        f"role:{COUNTY_A}:planner",
    ]
    assert "检查结果录入" in s.sent(Channel.INBOX)[0].body


def test_the_prior_notice_reaches_the_entity_contact_and_is_visible_as_failed_without_one(s: Notifications) -> None:
    admin = staff({Role.COUNTY_ADMIN})
    s.as_person(admin, KeepEntityContact(uscc(1), COUNTY_A, "hr@company.cn", None))
    s.receive(notice(1), notice(2))
    [email] = s.sent(Channel.EMAIL)[:1]
    assert email.recipient == f"entity:{uscc(1)}" and "2026-05-06 至 2026-05-08" in email.body
    assert "ZJ0" not in email.body  # the inspectors' names, never their credential numbers
    assert not s.sent(Channel.INBOX)
    [failed] = s.repo.failed(COUNTY_A, 10)
    assert failed["recipient"] == f"entity:{uscc(2)}" and "未登记联系方式" in failed["error"]


def test_an_enrolment_reset_is_told_to_the_holder_without_any_code(s: Notifications) -> None:
    holder = staff({Role.INSPECTOR})
    s.as_person(holder, KeepMyContact("me@example.cn", None))
    s.receive(reset(holder.account_id))
    [email] = s.sent(Channel.EMAIL)
    assert email.recipient == f"account:{holder.account_id}" and "如非本人申请" in email.body and email.mandatory


def test_a_delegated_county_is_told_by_its_own_deployment_not_the_centre(s: Notifications) -> None:
    assert s.receive(assignment(1, node=COUNTY_B)) == [0]
    county = Notifications(nodes=(COUNTY_B,), delegated=())
    assert county.receive(assignment(1, node=COUNTY_B)) == [2]
    assert county.receive(assignment(2, node=COUNTY_A)) == [0]


def test_a_delegated_countys_overdue_reaches_the_city_in_the_centre_and_the_county_in_its_own(s: Notifications) -> None:
    late = overdue(COUNTY_B, supervisor=CITY)
    county = Notifications(nodes=(COUNTY_B,), delegated=())
    assert s.receive(late) == [1] and county.receive(late) == [2]
    assert [n.recipient for n in s.sent(Channel.INBOX)] == [f"role:{CITY}:city_admin"]
    assert sorted(n.recipient for n in county.sent(Channel.INBOX)) == [
        f"role:{COUNTY_B}:county_admin", f"role:{COUNTY_B}:planner",
    ]  # fmt: skip


def test_channels_this_deployment_lacks_are_not_queued() -> None:
    s = Notifications(channels=frozenset({Channel.INBOX}))
    s.as_person(staff({Role.INSPECTOR}, inspector=1), KeepMyContact("one@example.cn", "13800000001"))
    s.receive(assignment(1))
    assert not s.sent(Channel.EMAIL) and not s.sent(Channel.SMS) and len(s.sent(Channel.INBOX)) == 2


def test_the_inbox_is_ones_own_and_reading_is_a_new_record(s: Notifications) -> None:
    one, two = staff({Role.INSPECTOR}, inspector=1), staff({Role.INSPECTOR}, inspector=2)
    s.receive(assignment(1, team=(1,)), assignment(2, team=(2,)))
    mine = s.repo.inbox([f"inspector:{member(1).inspector_id}"], one.account_id, 50, False)
    assert len(mine) == 1 and mine[0]["read"] is False
    other = next(n.id for n in s.sent(Channel.INBOX) if n.recipient == f"inspector:{member(2).inspector_id}")
    with pytest.raises(PlatformError) as refused:
        s.as_person(one, MarkRead(other))
    assert refused.value.code == "notification.not_found"
    assert s.as_person(one, MarkRead(mine[0]["id"]))["newly"] is True
    assert s.as_person(one, MarkRead(mine[0]["id"]))["newly"] is False
    assert s.repo.unread([f"inspector:{member(1).inspector_id}"], one.account_id) == 0
    assert s.repo.unread([f"inspector:{member(2).inspector_id}"], two.account_id) == 1
    assert [a.action for a in s.audited] == ["notification.read"]


def test_contacts_are_checked_versioned_and_an_entity_contact_is_for_its_administrators(s: Notifications) -> None:
    me = staff({Role.PLANNER})
    with pytest.raises(PlatformError) as bad:
        s.as_person(me, KeepMyContact("not-an-address", None))
    assert bad.value.code == "request.invalid" or "email" in str(bad.value)
    assert s.as_person(me, KeepMyContact("a@example.cn", None))["version"] == 1
    assert s.as_person(me, KeepMyContact("b@example.cn", "13900000000"))["version"] == 2
    assert [c.email for c in s.repo.contacts[f"account:{me.account_id}"]] == ["a@example.cn", "b@example.cn"]
    with pytest.raises(PlatformError) as denied:
        s.as_person(staff({Role.COUNTY_ADMIN}, node=COUNTY_B), KeepEntityContact(uscc(1), COUNTY_A, "x@y.cn", None))
    assert denied.value.status == 403
    found = s.repo.contact(f"entity:{uscc(9)}")
    assert found is None and isinstance(Contact, type)


def test_no_address_notifications_are_failed_at_once_and_never_queued(s: Notifications) -> None:
    s.receive(reset(str(uuid.uuid4())))
    [n] = s.sent(Channel.EMAIL)
    assert n.address is None and s.repo.states(n.id) == [str(State.FAILED)] and not s.repo.pending
