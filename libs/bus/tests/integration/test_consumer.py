"""The consumer entrypoint on a real PostgreSQL, fed by the in-memory broker."""

from __future__ import annotations

import uuid

import pytest
from nameko.containers import ServiceContainer
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, String, Table, create_engine, func, insert, select
from sqlalchemy.pool import NullPool

from hrss.bus import Message, Received, TopicSpec, consume
from hrss.contracts import Producer, event_contract, registry
from hrss.db import Database, UnitOfWork, bus_tables
from hrss.observability import metrics
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.integration

metadata = MetaData(schema="bustest")
effects = Table("effect", metadata, Column("note", String(50), primary_key=True), Column("subject", String(50)))
outbox, inbox = bus_tables(metadata)

TOPIC = "bustest.noted.v1"


@event_contract("bustest.noted", 1)
class Noted(BaseModel):
    note: str


@event_contract("bustest.echoed", 1)
class Echoed(BaseModel):
    note: str


FLAKY: dict[str, int] = {}


class NotingService:
    name = "bustest"
    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]

    @consume(Noted, batch_size=50, max_attempts=3, backoff=0.01)
    def note(self, event: Received) -> None:
        note = event.payload.note  # type: ignore[attr-defined]
        self.db.session.execute(insert(effects).values(subject=event.envelope.subject, note=note))
        self.db.publish(Echoed(note=note), subject=event.envelope.subject)
        if note == "always-fails":
            raise ValueError("this note can never be applied")
        if note.startswith("flaky") and FLAKY.get(note, 0) < 2:
            FLAKY[note] = FLAKY.get(note, 0) + 1
            raise RuntimeError("fails twice, then works")


BATCHES: list[int] = []


class BatchNotingService:
    name = "bustest"
    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]

    @consume(Noted, batch=True, batch_size=50, max_attempts=2, backoff=0.01)
    def note_all(self, events: list[Received]) -> None:
        BATCHES.append(len(events))
        rows = [{"subject": e.envelope.subject, "note": e.payload.note} for e in events]  # type: ignore[attr-defined]
        self.db.session.execute(insert(effects), rows)
        for event in events:
            with event.traced():
                self.db.publish(Echoed(note=event.payload.note), subject=event.envelope.subject)  # type: ignore[attr-defined]
        if any(e.payload.note == "always-fails" for e in events):  # type: ignore[attr-defined]
            raise ValueError("this note can never be applied")


def envelope(note: str, subject: str | None = None):  # type: ignore[no-untyped-def]
    return registry.build(
        Noted(note=note), subject=subject or uuid.uuid4().hex, producer=Producer(service="upstream", node="330000")
    )


@pytest.fixture
def engine(fresh_database):  # type: ignore[no-untyped-def]
    engine = create_engine(fresh_database.replace("postgresql://", "postgresql+psycopg2://"), poolclass=NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE SCHEMA bustest")
        metadata.create_all(connection)
    yield engine
    engine.dispose()


@pytest.fixture
def run_service(fresh_database, memory_broker, engine):  # type: ignore[no-untyped-def]
    containers = []

    def start() -> ServiceContainer:
        container = ServiceContainer(
            NotingService, {"NODES": "330102", "DATABASE_URL": fresh_database, "BROKER": memory_broker}
        )
        container.start()
        containers.append(container)
        return container

    memory_broker.ensure_topics([TopicSpec(TOPIC)])
    yield start
    for container in containers:
        container.stop()


def publish(broker, *envelopes, raw: list[bytes] | None = None) -> None:  # type: ignore[no-untyped-def]
    messages = [Message(TOPIC, e.subject.encode(), e.to_bytes()) for e in envelopes]
    messages += [Message(TOPIC, b"raw", value) for value in raw or []]
    broker.publish_many(messages)


def count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def committed_total(broker) -> int:  # type: ignore[no-untyped-def]
    return sum(offset for (group, topic, _), offset in broker.committed.items() if topic == TOPIC)


def test_each_event_takes_effect_once_with_its_outgoing_event_and_inbox_row(run_service, memory_broker, engine):
    events = [envelope(f"n{i}") for i in range(120)]
    publish(memory_broker, *events, *events[:30])  # 30 delivered twice
    group = "bustest.note.330102"
    duplicates = metrics.CONSUMER_DUPLICATES.labels(group, TOPIC)
    before = duplicates._value.get()
    run_service()
    wait_until(lambda: committed_total(memory_broker) == 150, 20, "offsets committed")
    assert count(engine, effects) == 120
    assert count(engine, inbox) == 120
    assert count(engine, outbox) == 120
    assert duplicates._value.get() - before == 30


def test_malformed_and_unappliable_records_go_to_the_dead_letter_topic_and_nothing_else_stops(
    run_service, memory_broker, engine
):
    good = [envelope(f"ok{i}") for i in range(20)]
    bad = envelope("always-fails")
    publish(memory_broker, *good[:10], bad, *good[10:], raw=[b"\x00garbage"])
    run_service()
    wait_until(lambda: committed_total(memory_broker) == 22, 20, "offsets committed")
    assert count(engine, effects) == 20
    assert count(engine, outbox) == 20  # the failed event's outgoing event rolled back with it
    dead = {r.value: r.headers for r in memory_broker.records(TOPIC + ".dlt")}
    assert set(dead) == {bad.to_bytes(), b"\x00garbage"}
    assert dead[bad.to_bytes()]["dlt.attempts"] == b"3"
    assert dead[bad.to_bytes()]["dlt.error.code"] == b"ValueError"
    assert dead[b"\x00garbage"]["dlt.error.code"] == b"envelope.invalid"
    assert dead[b"\x00garbage"]["dlt.attempts"] == b"1"
    assert dead[b"\x00garbage"]["dlt.origin.topic"] == TOPIC.encode()


def test_a_handler_that_fails_twice_then_works_is_applied_once(run_service, memory_broker, engine):
    note = f"flaky-{uuid.uuid4().hex}"
    publish(memory_broker, envelope(note), envelope("steady"))
    run_service()
    wait_until(lambda: committed_total(memory_broker) == 2, 20, "offsets committed")
    assert count(engine, effects) == 2
    assert FLAKY[note] == 2
    assert memory_broker.records(TOPIC + ".dlt") == []


def test_the_poll_loop_survives_a_broker_failure(run_service, memory_broker, engine):
    group = "bustest.note.330102"
    failures = metrics.CONSUMER_LOOP_FAILURES.labels(group)
    before = failures._value.get()
    real_subscribe = memory_broker.subscribe
    calls = {"n": 0}

    def flaky_subscribe(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("broker unreachable")
        return real_subscribe(*args, **kwargs)

    memory_broker.subscribe = flaky_subscribe
    publish(memory_broker, envelope("after-outage"))
    run_service()
    wait_until(lambda: committed_total(memory_broker) == 1, 20, "recovery")
    assert failures._value.get() - before == 1
    assert count(engine, effects) == 1


def test_a_restarted_consumer_resumes_without_reapplying(run_service, memory_broker, engine):
    publish(memory_broker, *[envelope(f"first{i}") for i in range(10)])
    container = run_service()
    wait_until(lambda: committed_total(memory_broker) == 10, 20, "first batch")
    container.stop()
    publish(memory_broker, *[envelope(f"second{i}") for i in range(10)])
    run_service()
    wait_until(lambda: committed_total(memory_broker) == 20, 20, "second batch")
    assert count(engine, effects) == 20 and count(engine, inbox) == 20


def test_members_joining_and_leaving_on_real_kafka_apply_every_event_once(fresh_database, kafka_broker, engine):
    """Rebalances while events flow: a second member joins, then the first leaves."""
    kafka_broker.ensure_topics([TopicSpec(TOPIC)])
    config = {"NODES": "330102", "DATABASE_URL": fresh_database, "BROKER": kafka_broker}
    events = [envelope(f"r{i}", subject=f"s{i % 50}") for i in range(3000)]

    def offsets_committed() -> int:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap_servers)
        try:
            offsets = admin.list_consumer_group_offsets(kafka_broker.name("bustest.note.330102"))
        finally:
            admin.close()
        return sum(meta.offset for meta in offsets.values())

    first = ServiceContainer(NotingService, config)
    first.start()
    second = ServiceContainer(NotingService, config)
    try:
        for start in range(0, 3000, 500):
            publish(kafka_broker, *events[start : start + 500])
            if start == 1000:
                second.start()
            if start == 2000:
                first.stop()
        wait_until(lambda: count(engine, effects) == 3000, 120, "all events applied")
        wait_until(lambda: offsets_committed() == 3000, 60, "all offsets committed")
    finally:
        first.stop()
        second.stop()
    assert count(engine, effects) == 3000
    assert count(engine, inbox) == 3000


def test_a_batch_handler_gets_whole_batches_and_falls_back_to_single_events(fresh_database, memory_broker, engine):
    memory_broker.ensure_topics([TopicSpec(TOPIC)])
    good = [envelope(f"b{i}", subject=f"s{i}") for i in range(40)]
    bad = envelope("always-fails")
    publish(memory_broker, *good[:20], bad, *good[20:])
    BATCHES.clear()
    container = ServiceContainer(
        BatchNotingService, {"NODES": "330102", "DATABASE_URL": fresh_database, "BROKER": memory_broker}
    )
    container.start()
    try:
        wait_until(lambda: committed_total(memory_broker) == 41, 20, "offsets committed")
    finally:
        container.stop()
    assert count(engine, effects) == 40 and count(engine, inbox) == 40 and count(engine, outbox) == 40
    assert max(BATCHES) > 1  # whole batches first, single events only after a batch failed
    assert [r.value for r in memory_broker.records(TOPIC + ".dlt")] == [bad.to_bytes()]
    with engine.connect() as connection:
        traces = dict(connection.execute(select(inbox.c.event_id, inbox.c.trace_id)).all())
        echoed = {
            row.key: row.headers["trace_id"] for row in connection.execute(select(outbox.c.key, outbox.c.headers))
        }
    by_subject = {e.subject: e.trace_id for e in good}
    assert echoed == by_subject
    assert set(traces.values()) == set(by_subject.values())
