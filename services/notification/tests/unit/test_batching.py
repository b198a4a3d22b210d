"""Batches on the fakes: a batch of dispatches made as the events one by one would make them (a member without a
contact still gets an inbox notification, a team kept early in a batch is seen later in it) with the directory
asked once per batch; and the sender's batch when a channel goes down in its middle or a lease ends on part of it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from notification.domain import model
from notification.domain.model import Channel, Contact, DeliveryError, Outgoing, RetryPolicy
from notification.domain.preferences import Preferences
from notification.service_layer.commands import KeepMyContact, NotifyMany
from notification.service_layer.handlers import handle
from notification.service_layer.sending import SenderSettings, deliver_once
from notification_fakes import FakeDeliveryQueue, FakeNotificationRepository, FakeTransport
from notification_harness import Notifications, staff
from notification_testkit import NOW, assignment, member, team_changed

from hrss.auth import Principal, Role


def receive_batch(s: Notifications, *payloads: Any) -> int:
    """The payloads as one consumer batch (`NotifyMany`, one transaction), as the dispatch consumer hands them."""
    service = Principal.for_service("notification", list(s.nodes))
    many = NotifyMany([(p, str(uuid.uuid4())) for p in payloads])
    return int(s._run(service, lambda ctx: handle(many, ctx)))


class CountingRepository(FakeNotificationRepository):
    """The fake repository, counting the directory lookups a batch costs."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[str] = []

    def contacts_of_inspector(self, inspector_id: str) -> list[Contact]:
        self.lookups.append("contacts_of_inspector")
        return super().contacts_of_inspector(inspector_id)

    def contacts_of_inspectors(self, inspector_ids: list[str]) -> dict[str, list[Contact]]:
        self.lookups.append("contacts_of_inspectors")
        return super().contacts_of_inspectors(inspector_ids)

    def preference(self, holder: str) -> Preferences | None:
        self.lookups.append("preference")
        return super().preference(holder)

    def preferences_of(self, holders: list[str]) -> dict[str, Preferences]:
        self.lookups.append("preferences_of")
        return super().preferences_of(holders)


@pytest.fixture
def s() -> Notifications:
    return Notifications()


def test_a_batch_reaches_every_member_and_one_without_a_contact_in_the_inbox_only(s: Notifications) -> None:
    for k in (1, 2, 4):  # inspector 3 registered no contact
        s.as_person(staff({Role.INSPECTOR}, inspector=k), KeepMyContact(f"i{k}@example.cn", f"1380000000{k}"))
    assert receive_batch(s, assignment(1, team=(1, 2)), assignment(2, team=(3, 4))) == 4 + 3 * 2
    inbox = {n.recipient for n in s.sent(Channel.INBOX)}
    assert inbox == {f"inspector:{member(k).inspector_id}" for k in (1, 2, 3, 4)}
    assert sorted(n.address for n in s.sent(Channel.EMAIL)) == ["i1@example.cn", "i2@example.cn", "i4@example.cn"]
    assert len(s.sent(Channel.SMS)) == 3 and len(s.repo.pending) == 6
    assert s.repo.failed("33", 10) == []  # an inspector has an inbox: not reached by e-mail is not a failure


def test_a_batch_is_made_as_its_events_one_by_one_would_make_it(s: Notifications) -> None:
    one_by_one = Notifications()
    for each in (s, one_by_one):
        for k in (1, 2, 3):
            person = staff({Role.INSPECTOR}, inspector=k, account=f"account-{k}")
            each.as_person(person, KeepMyContact(f"i{k}@example.cn", None))
    events = [assignment(n, team=(1 + n % 3, 1 + (n + 1) % 3)) for n in range(6)]
    receive_batch(s, *events)
    one_by_one.receive(*events)

    def made(each: Notifications) -> list[tuple[str, str, str, str | None, str]]:
        found = each.repo.notifications.values()
        return sorted((n.recipient, str(n.channel), n.subject, n.address, n.body) for n in found)

    assert made(s) == made(one_by_one) and len(made(s)) == 6 * 2 * 2


def test_a_team_kept_by_a_dispatch_is_seen_by_a_later_event_of_the_same_batch(s: Notifications) -> None:
    receive_batch(s, assignment(1, team=(1, 2)), team_changed(1, replaced=1, by=3, team=(2, 3)))
    [left] = [n for n in s.sent(Channel.INBOX) if n.kind == "team_left"]
    assert "杭州测试1号有限公司" in left.body  # the entity's name, kept by the dispatch earlier in the batch
    kept = s.repo.visit(str(assignment(1).assignment_id))
    assert kept is not None and kept["entity_name"] == "杭州测试1号有限公司"


def test_a_batch_asks_the_directory_once_whatever_its_size() -> None:
    s = Notifications()
    s.repo = CountingRepository()
    s.components.repository = lambda uow: s.repo
    for k in range(1, 21):
        s.as_person(staff({Role.INSPECTOR}, inspector=k), KeepMyContact(f"i{k}@example.cn", None))
    s.repo.lookups.clear()
    receive_batch(s, *[assignment(n, team=(1 + n % 20, 1 + (n + 7) % 20)) for n in range(50)])
    assert s.repo.lookups == ["contacts_of_inspectors", "preferences_of"]
    assert len(s.sent(Channel.EMAIL)) == 100


class FailingAfter(FakeTransport):
    """A channel that takes `ok` messages, then goes down (transiently) or, with `kill`, takes the sender down."""

    def __init__(self, ok: int, kill: bool = False) -> None:
        super().__init__()
        self.ok, self.kill = ok, kill

    def send(self, message: Outgoing) -> None:
        if len(self.received) >= self.ok:
            if self.kill:
                raise KeyboardInterrupt("the sender is killed")
            raise DeliveryError("连接被重置")
        super().send(message)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def queued(store: FakeNotificationRepository, n: int, channel: Channel) -> list[str]:
    made = []
    for k in range(n):
        event = str(uuid.uuid4())
        made.append(
            model.Notification(
                id=model.notification_id(event, f"account:{k}", channel),
                event_id=event,
                kind="assignment",
                template_id="assignment",
                template_version=1,
                seed_section="004",
                node="330102",
                recipient=f"account:{k}",
                channel=channel,
                address=f"i{k}@example.cn" if channel is Channel.EMAIL else f"138{k:08d}",
                subject=f"主题{k}",
                body=f"正文{k}",
                mandatory=True,
                created_at=NOW,
            )
        )
    store.add(made, NOW)
    return sorted(m.id for m in made)


SETTINGS = SenderSettings(RetryPolicy(3, timedelta(seconds=5), timedelta(seconds=60)), batch=10)


def test_a_channel_down_mid_batch_sends_what_went_before_and_retries_the_rest_once_each() -> None:
    store = FakeNotificationRepository()
    mails, texts = queued(store, 6, Channel.EMAIL), queued(store, 6, Channel.SMS)
    queue, clock, email, sms = FakeDeliveryQueue(store), Clock(), FailingAfter(2), FakeTransport()
    assert deliver_once(queue, email, Channel.EMAIL, SETTINGS, clock) == 6
    assert deliver_once(queue, sms, Channel.SMS, SETTINGS, clock) == 6  # the other channel is not held up
    assert [store.states(i) for i in mails] == [["sending", "sent"]] * 2 + [["sending", "retry"]] * 4
    assert all(store.states(i) == ["sending", "sent"] for i in texts) and len(sms.received) == 6
    assert {store.pending[i]["due_at"] for i in mails[2:]} == {NOW + timedelta(seconds=5)}
    clock.now += timedelta(seconds=5)
    email.ok = 6  # back up
    assert deliver_once(queue, email, Channel.EMAIL, SETTINGS, clock) == 4
    assert [m.notification_id for m in email.received] == mails  # each once
    assert all(store.states(i)[-2:] == ["sending", "sent"] for i in mails) and not store.pending


def test_a_lease_ending_on_part_of_a_batch_resends_only_what_was_not_confirmed() -> None:
    store = FakeNotificationRepository()
    ids = queued(store, 5, Channel.EMAIL)
    queue, clock = FakeDeliveryQueue(store), Clock()
    settings = SenderSettings(SETTINGS.policy, batch=10, lease=timedelta(seconds=30), confirm_every=1)
    with pytest.raises(KeyboardInterrupt):  # killed after the channel took two of its five
        deliver_once(queue, FailingAfter(2, kill=True), Channel.EMAIL, settings, clock)
    assert [store.states(i) for i in ids] == [["sending", "sent"]] * 2 + [["sending"]] * 3
    again = FakeTransport()
    assert deliver_once(queue, again, Channel.EMAIL, settings, clock) == 0  # still leased to the dead sender
    clock.now += settings.lease
    assert deliver_once(queue, again, Channel.EMAIL, settings, clock) == 3
    assert [m.notification_id for m in again.received] == ids[2:] and {m.attempt for m in again.received} == {2}
    assert not store.pending
