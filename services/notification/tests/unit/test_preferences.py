"""Per-person preferences: channels per kind and quiet hours (CST) for what is not mandatory; what the rules make
mandatory is neither switchable nor delayed."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from notification.domain.model import Channel
from notification.domain.preferences import Preferences
from notification.service_layer.commands import KeepMyContact, KeepMyPreferences
from notification_harness import Notifications, staff
from notification_testkit import COUNTY_A, assignment, returned, visit_opened

from hrss.auth import Role
from hrss.contracts import PlatformError

NIGHT = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)  # 23:30 in Beijing


def test_quiet_hours_wrap_midnight_and_end_at_their_end_in_china_standard_time() -> None:
    quiet = Preferences("account:x", quiet=(time(22, 0), time(7, 0)))
    assert quiet.quiet_until(NIGHT, mandatory=False) == datetime(2026, 6, 1, 23, 0, tzinfo=UTC)  # 07:00 CST
    assert quiet.quiet_until(datetime(2026, 6, 1, 2, 0, tzinfo=UTC), mandatory=False) is None  # 10:00 CST
    assert quiet.quiet_until(NIGHT, mandatory=True) is None
    lunch = Preferences("account:x", quiet=(time(12, 0), time(13, 30)))
    assert lunch.quiet_until(datetime(2026, 6, 1, 4, 15, tzinfo=UTC), False) == datetime(2026, 6, 1, 5, 30, tzinfo=UTC)


def test_a_kind_switched_to_email_only_sends_no_sms_and_quiet_hours_delay_what_is_not_mandatory() -> None:
    s = Notifications()
    s.components.clock = lambda: NIGHT
    me = staff({Role.INSPECTOR}, inspector=1)
    s.as_person(me, KeepMyContact("one@example.cn", "13800000001"))
    s.as_person(me, KeepMyPreferences({"result_returned": ["email"]}, "22:00", "07:00"))
    s.receive(visit_opened(1, team=(1,)), returned(1), assignment(1, team=(1,)))
    returned_by = {n.channel for n in s.repo.notifications.values() if n.kind == "result_returned"}
    assert returned_by == {Channel.INBOX, Channel.EMAIL}
    [email] = [n for n in s.sent(Channel.EMAIL) if n.kind == "result_returned"]
    assert s.repo.pending[email.id]["due_at"] == datetime(2026, 6, 1, 23, 0, tzinfo=UTC)  # waits for 07:00 CST
    mandatory = [n for n in s.repo.notifications.values() if n.kind == "assignment" and n.channel is not Channel.INBOX]
    assert {n.channel for n in mandatory} == {Channel.EMAIL, Channel.SMS}
    assert all(s.repo.pending[n.id]["due_at"] == NIGHT for n in mandatory)  # the rules do not wait


def test_mandatory_kinds_unknown_kinds_and_half_quiet_hours_are_refused_naming_the_field() -> None:
    s = Notifications()
    me = staff({Role.PLANNER}, node=COUNTY_A)
    for command, field in (
        (KeepMyPreferences({"assignment": []}, None, None), "channels.assignment"),
        (KeepMyPreferences({"nonsense": []}, None, None), "channels.nonsense"),
        (KeepMyPreferences({"result_returned": ["fax"]}, None, None), "channels.result_returned"),
        (KeepMyPreferences({}, "22:00", None), "quiet_end"),
        (KeepMyPreferences({}, "25:00", "07:00"), "quiet_start"),
    ):
        with pytest.raises(PlatformError) as refused:
            s.as_person(me, command)
        assert refused.value.errors[0].field == field  # type: ignore[attr-defined]
    assert s.as_person(me, KeepMyPreferences({"result_submitted": []}, None, None))["version"] == 1
