"""A province dispatches 10,000 events to two counties through the real outbox, Kafka and inbox.

The module's tests run in order against one cluster: first crashes, then a replay.
"""

from __future__ import annotations

import threading

import pytest
from kafka import KafkaProducer
from sqlalchemy import text

from hrss.bus.kafka import KafkaBroker
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.e2e

TOTAL = 10_000
PER_REQUEST = 1_000


def _kill_when(predicate, action, done: threading.Event, errors: list) -> threading.Thread:  # type: ignore[no-untyped-def]
    def watch() -> None:
        try:
            wait_until(predicate, 300, "the moment to crash", interval=0.02)
            action()
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_every_dispatch_takes_effect_exactly_once_through_crashes_and_poison(probe_cluster):
    c = probe_cluster
    a, b = c.COUNTY_A, c.COUNTY_B
    errors: list[Exception] = []
    relay_killed, county_killed = threading.Event(), threading.Event()

    def kill_relay() -> None:
        c.relay.kill9()
        c.relay.start()

    def kill_county() -> None:
        c.processes[a].kill9()
        c.restart(a)

    watchers = [
        _kill_when(lambda: 2_000 <= c.sent() < TOTAL, kill_relay, relay_killed, errors),
        _kill_when(lambda: c.applied(a) >= 1_000, kill_county, county_killed, errors),
    ]
    for start in range(0, TOTAL, PER_REQUEST):
        c.dispatch(PER_REQUEST, start=start)
        if start == TOTAL // 2:
            poison = KafkaProducer(bootstrap_servers=c.bootstrap, acks="all")
            poison.send(c.cluster_topic(c.topic(b)), key=b"poison", value=b'{"event_id": "not-a-uuid"')
            poison.flush()
            poison.close()
    for watcher in watchers:
        watcher.join(320)
    assert not errors, errors
    assert relay_killed.is_set() and county_killed.is_set()
    assert c.relay.starts == 2 and c.processes[a].starts == 2

    c.wait_applied(a, TOTAL // 2)
    c.wait_applied(b, TOTAL // 2)
    for county in (a, b):
        applied_ids = set(c.column(county, "SELECT event_id FROM probe.applied"))
        assert c.applied(county) == TOTAL // 2
        assert applied_ids == c.expected_ids(county)
        assert c.column(county, "SELECT DISTINCT county FROM probe.applied") == [county]
        assert c.scalar(county, "SELECT count(*) FROM probe.inbox") == TOTAL // 2
        assert c.column(county, "SELECT DISTINCT topic FROM probe.inbox") == [c.topic(county)]
    assert c.scalar(c.PROVINCE, "SELECT count(*) FROM probe.outbox WHERE sent_at IS NULL") == 0

    dead = c.read_topic(c.topic(b) + ".dlt")
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert dead[0].value == b'{"event_id": "not-a-uuid"'
    assert headers["dlt.error.code"] == b"envelope.invalid"
    assert headers["dlt.origin.topic"] == c.topic(b).encode()
    assert headers["dlt.attempts"] == b"1"
    assert c.metric(b, "hrss_consumer_dead_letters_total", reason="contract") == 1
    assert c.read_topic(c.topic(a) + ".dlt") == []
    wait_until(lambda: c.metric("relay", "hrss_outbox_backlog") == 0, 30, "the relay's backlog gauge to drain")
    for county in (a, b):
        wait_until(lambda county=county: c.metric(county, "hrss_consumer_lag") == 0, 30, f"lag at {county}")
        assert c.metric(county, "hrss_consumer_lag", topic=c.topic(county)) == 0


def test_the_trace_id_of_a_dispatch_follows_it_to_the_county(probe_cluster):
    c = probe_cluster
    with c.engines[c.PROVINCE].connect() as connection:
        sent = dict(connection.execute(text("SELECT event_id, headers->>'trace_id' FROM probe.outbox")).all())
    for county in (c.COUNTY_A, c.COUNTY_B):
        with c.engines[county].connect() as connection:
            received = dict(connection.execute(text("SELECT event_id, trace_id FROM probe.inbox")).all())
        assert received and all(sent[event_id] == trace for event_id, trace in received.items())


def test_replaying_a_county_from_the_earliest_offset_only_moves_the_duplicate_counter(probe_cluster):
    c = probe_cluster
    a = c.COUNTY_A
    before = (c.applied(a), c.checksum(a))
    assert before[0] == TOTAL // 2
    c.processes[a].stop()
    broker = KafkaBroker(c.bootstrap, namespace=c.namespace)
    broker.reset_group(f"probe.apply_dispatches.{a}", [c.topic(a)])
    broker.close()
    c.restart(a)
    records = c.end_offsets(c.topic(a))
    assert records >= TOTAL // 2
    wait_until(lambda: c.metric(a, "hrss_consumer_duplicates_total") >= records, 300, "the replay")
    assert c.metric(a, "hrss_consumer_duplicates_total") == records
    assert c.metric(a, "hrss_consumer_events_total") == 0
    assert (c.applied(a), c.checksum(a)) == before
