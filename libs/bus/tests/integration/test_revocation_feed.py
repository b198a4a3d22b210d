"""A process follows the sessions the identity service ends, on the in-memory fake and on Kafka alike."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hrss.auth.revocations import RevokedSessions
from hrss.bus import AbstractBroker, Message, TopicSpec
from hrss.bus.revocations import TOPIC, RevocationFeed
from hrss.contracts import registry
from hrss.contracts.envelope import Producer
from hrss.contracts.events.identity import EnrolmentReset, SessionsEnded

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "kafka"])
def broker(request) -> AbstractBroker:  # type: ignore[no-untyped-def]
    return request.getfixturevalue(f"{request.param}_broker")


def announcement(session_ids: list[str], ended_at: datetime) -> Message:
    event = SessionsEnded(
        account_id=uuid.uuid4(), node="330102", session_ids=session_ids, reason="reset", ended_at=ended_at
    )
    envelope = registry.build(
        event, subject="acc", producer=Producer(service="identity", node="330000"), trace_id="t-1", target_node=None
    )
    return Message(TOPIC, b"acc", envelope.to_bytes())


def test_ended_sessions_are_refused_from_the_moment_the_feed_reads_them(broker: AbstractBroker) -> None:
    broker.ensure_topics([TopicSpec(TOPIC)])
    now = datetime.now(UTC)
    broker.publish_many(
        [
            Message(TOPIC, b"x", b"not an envelope"),  # skipped, not fatal
            announcement(["long-ago"], now - timedelta(hours=1)),  # its tokens have lapsed: not kept
            announcement(["sess-1", "sess-2"], now),
        ]
    )
    revoked = RevokedSessions()
    feed = RevocationFeed(lambda: broker, revoked, "pytest")
    reader = threading.Thread(target=feed.run, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not revoked.is_revoked("sess-2") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert revoked.is_revoked("sess-1") and revoked.is_revoked("sess-2")
        assert not revoked.is_revoked("long-ago") and len(revoked) == 2
        broker.publish_many([announcement(["sess-3"], datetime.now(UTC))])  # read as it comes
        deadline = time.monotonic() + 30
        while not revoked.is_revoked("sess-3") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert revoked.is_revoked("sess-3") and feed.applied == 3
    finally:
        feed.stop()
        reader.join(10)
    assert not reader.is_alive()


def test_only_announcements_of_ended_sessions_are_applied() -> None:
    from hrss.bus.revocations import apply_record

    reset = EnrolmentReset(
        account_id=uuid.uuid4(),
        node="330102",
        reset_by="admin",
        reset_at=datetime.now(UTC),
        code_expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    other = registry.build(
        reset, subject="acc", producer=Producer(service="identity", node="330000"), trace_id="t", target_node=None
    )
    revoked = RevokedSessions()
    assert apply_record(revoked, other.to_bytes()) is False and apply_record(revoked, None) is False
    assert apply_record(revoked, announcement(["s"], datetime.now(UTC)).value) is True and revoked.is_revoked("s")
