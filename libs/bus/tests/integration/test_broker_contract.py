"""One contract, two adapters: the in-memory fake must behave like Kafka where tests rely on it."""

from __future__ import annotations

import time

import pytest

from hrss.bus import AbstractBroker, Message, PublishError, TopicSpec

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "kafka"])
def broker(request) -> AbstractBroker:  # type: ignore[no-untyped-def]
    return request.getfixturevalue(f"{request.param}_broker")


def _drain(subscription, expected: int, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    records = []
    deadline = time.monotonic() + timeout
    while len(records) < expected and time.monotonic() < deadline:
        records.extend(subscription.poll(500, 0.5))
    return records


def test_records_come_back_intact_and_in_order_per_key(broker):
    broker.ensure_topics([TopicSpec("demo.happened.v1")])
    messages = [
        Message("demo.happened.v1", f"k{i % 7}".encode(), f"v{i}".encode(), {"event_type": b"demo.happened"})
        for i in range(200)
    ]
    broker.publish_many(messages)
    subscription = broker.subscribe("g1", ["demo.happened.v1"])
    records = _drain(subscription, 200)
    subscription.close()
    assert sorted(r.value for r in records) == sorted(m.value for m in messages)
    assert all(r.headers["event_type"] == b"demo.happened" and r.topic == "demo.happened.v1" for r in records)
    for key in {m.key for m in messages}:
        sent = [m.value for m in messages if m.key == key]
        got = [r.value for r in records if r.key == key]
        assert got == sent
        assert len({r.partition for r in records if r.key == key}) == 1


def test_a_group_resumes_after_its_committed_offsets_and_rereads_the_rest(broker):
    broker.ensure_topics([TopicSpec("demo.happened.v1")])
    broker.publish_many([Message("demo.happened.v1", b"same", str(i).encode()) for i in range(10)])
    first = broker.subscribe("g2", ["demo.happened.v1"])
    records = _drain(first, 10)
    committed = records[:4]
    first.commit({committed[-1].position: committed[-1].offset + 1})
    first.close()
    second = broker.subscribe("g2", ["demo.happened.v1"])
    again = _drain(second, 6)
    assert [r.value for r in again] == [str(i).encode() for i in range(4, 10)]
    assert second.lag() == {tp: 0 for tp in second.lag()}
    second.close()
    other = broker.subscribe("other-group", ["demo.happened.v1"])
    assert len(_drain(other, 10)) == 10
    other.close()


def test_reset_group_replays_from_the_start(broker):
    broker.ensure_topics([TopicSpec("demo.happened.v1")])
    broker.publish_many([Message("demo.happened.v1", b"k", str(i).encode()) for i in range(5)])
    subscription = broker.subscribe("g3", ["demo.happened.v1"])
    records = _drain(subscription, 5)
    subscription.commit({records[-1].position: records[-1].offset + 1})
    subscription.close()
    broker.reset_group("g3", ["demo.happened.v1"])
    replay = broker.subscribe("g3", ["demo.happened.v1"])
    assert [r.value for r in _drain(replay, 5)] == [str(i).encode() for i in range(5)]
    replay.close()


def test_publishing_to_a_missing_topic_fails_loudly(broker):
    with pytest.raises(PublishError):
        broker.publish_many([Message("demo.never_created.v1", b"k", b"v")])


def test_ensure_topics_is_idempotent(broker):
    broker.ensure_topics([TopicSpec("demo.state.v1", compacted=True)])
    broker.ensure_topics([TopicSpec("demo.state.v1", compacted=True)])
    broker.publish_many([Message("demo.state.v1", b"k", b"v")])


def test_a_pattern_subscription_reads_matching_topics_including_ones_created_after_it(broker):
    """A central platform's consumer reads the dispatches of every node of its subtree, and of no other."""
    pattern = r"demo\.sent\.v1\.(?!(?:330102)$)(?:33\d{4})"
    broker.ensure_topics([TopicSpec(f"demo.sent.v1.{node}") for node in ("330000", "330102", "320000")])
    for node in ("330000", "330102", "320000"):
        broker.publish_many([Message(f"demo.sent.v1.{node}", b"k", node.encode())])
    subscription = broker.subscribe_pattern("g-pattern", pattern)
    first = _drain(subscription, 1)
    subscription.commit({r.position: r.offset + 1 for r in first})  # a rebalance for a new topic rereads none
    broker.ensure_topics([TopicSpec("demo.sent.v1.330106"), TopicSpec("demo.sent.v1.330106.dlt")])
    broker.publish_many(
        [Message("demo.sent.v1.330106", b"k", b"330106"), Message("demo.sent.v1.330106.dlt", b"k", b"x")]
    )
    later = _drain(subscription, 1)
    subscription.commit({r.position: r.offset + 1 for r in later})
    time.sleep(1)
    rest = subscription.poll(500, 1.0)
    subscription.close()
    assert sorted(r.value for r in first + later + rest) == [b"330000", b"330106"]
    assert {r.topic for r in first + later} == {"demo.sent.v1.330000", "demo.sent.v1.330106"}


def test_a_backlog_larger_than_a_network_frame_is_read_whole(broker):
    """Three partitions holding more than 1 MB each: a fetch answer bigger than kafka-python's default frame limit
    (1 MB). kafka-python refused such answers ("Invalid frame length", seen in service logs) and recovered by
    fetching again; the subscription now allows frames of twice its fetch size, and the backlog arrives whole."""
    broker.ensure_topics([TopicSpec("demo.bulky.v1")])
    payload = b"x" * 12_000
    messages = [Message("demo.bulky.v1", f"k{i}".encode(), payload + str(i).encode()) for i in range(360)]
    for start in range(0, len(messages), 60):
        broker.publish_many(messages[start : start + 60])
    subscription = broker.subscribe("g-bulky", ["demo.bulky.v1"], max_records=500)
    records = _drain(subscription, len(messages), timeout=60)
    subscription.close()
    assert len(records) == len(messages)
