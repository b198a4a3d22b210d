"""The outbox relay on a real PostgreSQL: order, acknowledgement before marking, one active relay."""

from __future__ import annotations

import threading

import pytest
from pydantic import BaseModel
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import Session

from hrss.bus import OutboxRelay, PublishError
from hrss.contracts import event_contract
from hrss.db import UnitOfWork, bus_tables, make_engine
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.integration


@event_contract("relaytest.counted", 1)
class Counted(BaseModel):
    n: int


@pytest.fixture
def outbox_db(fresh_database):  # type: ignore[no-untyped-def]
    metadata = MetaData(schema="relaytest")
    outbox, _ = bus_tables(metadata)
    engine = make_engine(fresh_database, schema="relaytest", pool_size=4)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE SCHEMA relaytest")
        metadata.create_all(connection)
    yield engine, outbox
    engine.dispose()


def commit_events(engine, outbox, numbers) -> None:  # type: ignore[no-untyped-def]
    unit = UnitOfWork(Session(engine), outbox, service="relaytest", nodes=("330000",), trace_id=lambda: "t")
    for n in numbers:
        unit.publish(Counted(n=n), subject=f"s{n % 3}")
    unit.commit()
    unit.close()


def unsent(engine, outbox) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).where(outbox.c.sent_at.is_(None))).scalar_one())


def test_events_are_published_in_commit_order_then_marked_sent(outbox_db, memory_broker):
    engine, outbox = outbox_db
    commit_events(engine, outbox, range(25))
    relay = OutboxRelay(engine, outbox, memory_broker, service="relaytest", batch_size=10)
    assert [relay.publish_batch() for _ in range(4)] == [10, 10, 5, 0]
    assert unsent(engine, outbox) == 0 and relay.backlog() == 0
    for key in (b"s0", b"s1", b"s2"):
        values = [r.value for r in memory_broker.records("relaytest.counted.v1") if r.key == key]
        numbers = [int(v.split(b'"n":')[1].split(b"}")[0]) for v in values]
        assert numbers == sorted(numbers) and len(numbers) > 0


def test_nothing_is_marked_sent_when_the_broker_does_not_acknowledge(outbox_db, memory_broker):
    engine, outbox = outbox_db
    commit_events(engine, outbox, range(5))
    relay = OutboxRelay(engine, outbox, memory_broker, service="relaytest")
    memory_broker.ensure_topics([])
    memory_broker.fail_next_publish = True
    with pytest.raises(PublishError):
        relay.publish_batch()
    assert unsent(engine, outbox) == 5
    assert relay.publish_batch() == 5
    assert unsent(engine, outbox) == 0


def test_only_one_relay_publishes_while_another_stands_by(outbox_db, memory_broker):
    engine, outbox = outbox_db
    first = OutboxRelay(engine, outbox, memory_broker, service="relaytest")
    second = OutboxRelay(engine, outbox, memory_broker, service="relaytest")
    published = {"first": 0, "second": 0}
    for name, relay in (("first", first), ("second", second)):
        original = relay.publish_batch

        def counting(original=original, name=name) -> int:  # type: ignore[no-untyped-def]
            sent = original()
            published[name] += sent
            return sent

        relay.publish_batch = counting  # type: ignore[method-assign]
    stop_first, stop_second = threading.Event(), threading.Event()
    t1 = threading.Thread(target=first.run, args=(stop_first,), kwargs={"idle_wait": 0.01})
    t1.start()
    wait_until(lambda: published["first"] == 0 and t1.is_alive(), 5, "first relay running")
    commit_events(engine, outbox, range(3))
    wait_until(lambda: published["first"] == 3, 10, "first relay publishing")
    t2 = threading.Thread(target=second.run, args=(stop_second,), kwargs={"idle_wait": 0.01})
    t2.start()
    commit_events(engine, outbox, range(3, 6))
    wait_until(lambda: published["first"] == 6, 10, "first relay still active")
    assert published["second"] == 0
    stop_first.set()
    t1.join(10)
    commit_events(engine, outbox, range(6, 9))
    wait_until(lambda: published["second"] == 3, 15, "standby relay taking over")
    stop_second.set()
    t2.join(10)
    assert len(memory_broker.records("relaytest.counted.v1")) == 9
