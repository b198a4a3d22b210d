"""The sender's work on the fakes: delivered once and recorded sent, retried with backoff while a channel is down,
failed (and visible) after its attempts or at once on a permanent refusal, and claimed again after a lease ends."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from notification.domain import model
from notification.domain.model import Channel, Contact, RetryPolicy, State
from notification.service_layer.sending import SenderSettings, deliver_once
from notification_fakes import FakeDeliveryQueue, FakeNotificationRepository, FakeTransport
from notification_testkit import NOW


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def queued(repo: FakeNotificationRepository, n: int, address: str = "a@example.cn") -> list[str]:
    made = []
    for k in range(n):
        event = str(uuid.uuid4())
        made.append(
            model.Notification(
                id=model.notification_id(event, "account:x", "email"),
                event_id=event,
                kind="assignment",
                template_id="assignment",
                template_version=1,
                seed_section="004",
                node="330102",
                recipient="account:x",
                channel=Channel.EMAIL,
                address=address,
                subject=f"主题{k}",
                body=f"正文{k}",
                mandatory=True,
                created_at=NOW + timedelta(seconds=k),
            )
        )
    repo.add(made, NOW)
    return [m.id for m in made]


SETTINGS = SenderSettings(
    RetryPolicy(3, timedelta(seconds=5), timedelta(seconds=60)), batch=10, lease=timedelta(seconds=30)
)


@pytest.fixture
def store() -> FakeNotificationRepository:
    return FakeNotificationRepository()


def test_each_due_message_is_sent_once_and_recorded_sending_then_sent(store: FakeNotificationRepository) -> None:
    ids = queued(store, 3)
    transport, clock = FakeTransport(), Clock()
    assert deliver_once(FakeDeliveryQueue(store), transport, Channel.EMAIL, SETTINGS, clock) == 3
    assert [m.notification_id for m in transport.received] == sorted(ids)  # due together: by id
    assert all(store.states(i) == ["sending", "sent"] for i in ids) and not store.pending
    assert deliver_once(FakeDeliveryQueue(store), transport, Channel.EMAIL, SETTINGS, clock) == 0
    assert len({m.message_id for m in transport.received}) == 3


def test_a_channel_down_is_retried_with_backoff_then_failed_and_visible(store: FakeNotificationRepository) -> None:
    [one] = queued(store, 1)
    queue, transport, clock = FakeDeliveryQueue(store), FakeTransport(), Clock()
    transport.down = True
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    assert store.pending[one]["due_at"] == NOW + timedelta(seconds=5)
    assert deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock) == 0  # waits out its backoff
    clock.now += timedelta(seconds=5)
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    assert store.pending[one]["due_at"] == clock.now + timedelta(seconds=10)
    clock.now += timedelta(seconds=10)
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    assert store.states(one) == ["sending", "retry", "sending", "retry", "sending", "failed"]
    [failed] = store.failed("33", 10)
    assert failed["error"] == "连接被拒绝" and failed["attempt"] == 3 and not store.pending


def test_a_channel_back_up_delivers_what_waited(store: FakeNotificationRepository) -> None:
    [one] = queued(store, 1)
    queue, transport, clock = FakeDeliveryQueue(store), FakeTransport(), Clock()
    transport.down = True
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    transport.down = False
    clock.now += timedelta(seconds=5)
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    assert store.states(one) == ["sending", "retry", "sending", "sent"] and len(transport.received) == 1
    assert transport.received[0].attempt == 2


def test_a_permanent_refusal_fails_at_once(store: FakeNotificationRepository) -> None:
    [one] = queued(store, 1, address="nobody@example.cn")
    transport = FakeTransport()
    transport.refuse.add("nobody@example.cn")
    deliver_once(FakeDeliveryQueue(store), transport, Channel.EMAIL, SETTINGS, Clock())
    assert store.states(one) == ["sending", "failed"]


def test_a_claim_left_by_a_dead_sender_is_sent_again_after_its_lease(store: FakeNotificationRepository) -> None:
    [one] = queued(store, 1)
    queue, clock = FakeDeliveryQueue(store), Clock()
    assert [m.notification_id for m in queue.claim(Channel.EMAIL, 10, clock(), SETTINGS.lease)] == [one]  # then died
    transport = FakeTransport()
    assert deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock) == 0  # leased: not taken from a live one
    clock.now += SETTINGS.lease
    deliver_once(queue, transport, Channel.EMAIL, SETTINGS, clock)
    assert store.states(one) == ["sending", "sending", "sent"] and transport.received[0].attempt == 2


def test_the_retry_policy_doubles_up_to_its_cap() -> None:
    policy = RetryPolicy(6, timedelta(seconds=5), timedelta(seconds=30))
    assert [policy.wait_after(n).seconds for n in range(1, 6)] == [5, 10, 20, 30, 30]
    assert policy.gives_up_after(6) and not policy.gives_up_after(5)
    with pytest.raises(ValueError):
        RetryPolicy(0)
    assert Contact("account:x", "330102", None, None).version == 1 and State.SENT == "sent"
