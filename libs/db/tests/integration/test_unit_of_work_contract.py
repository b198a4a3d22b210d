"""The fake unit of work and the real one keep the same promise: events leave only with a commit."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, AuditRecord, audit_table
from hrss.contracts import Envelope, event_contract
from hrss.db import UnitOfWork, bus_tables, make_engine
from hrss.testing.fakes import FakeUnitOfWork

pytestmark = pytest.mark.integration


@event_contract("uowtest.happened", 1)
class Happened(BaseModel):
    n: int


@event_contract("uowtest.sent", 1, addressed=True)
class Sent(BaseModel):
    n: int


class RealSide:
    def __init__(self, dsn: str) -> None:
        self.metadata = MetaData(schema="uowtest")
        self.outbox, _ = bus_tables(self.metadata)
        self.audit_entries = audit_table(self.metadata)
        self.engine = make_engine(dsn, schema="uowtest", pool_size=1)
        with self.engine.begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA uowtest")
            self.metadata.create_all(connection)

    def new(self) -> UnitOfWork:
        return UnitOfWork(
            Session(self.engine),
            self.outbox,
            service="uowtest",
            nodes=("330000",),
            trace_id=lambda: "trace-1",
            audit_log=AuditLog(self.audit_entries),
        )

    def sent(self, unit: UnitOfWork) -> list[Envelope]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(self.outbox.c.value, self.outbox.c.topic).order_by(self.outbox.c.id))
            return [Envelope.from_bytes(bytes(row.value)) for row in rows]

    def audited(self, unit: UnitOfWork) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            entries = self.audit_entries
            rows = connection.execute(select(entries.c.node, entries.c.action).order_by(entries.c.node, entries.c.seq))
            return [(row.node, row.action) for row in rows]


class FakeSide:
    def new(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(service="uowtest", nodes=("330000",))

    def sent(self, unit: FakeUnitOfWork) -> list[Envelope]:
        return unit.committed

    def audited(self, unit: FakeUnitOfWork) -> list[tuple[str, str]]:
        return sorted(((node, record.action) for node, record in unit.audited), key=lambda entry: entry[0])


@pytest.fixture(params=["fake", "real"])
def side(request):  # type: ignore[no-untyped-def]
    if request.param == "fake":
        return FakeSide()
    return RealSide(request.getfixturevalue("fresh_database"))


def test_committed_events_are_recorded_in_order_with_producer_and_payload(side):
    unit = side.new()
    unit.publish(Happened(n=1), subject="a")
    unit.publish(Sent(n=2), subject="b", target_node="330102")
    unit.commit()
    sent = side.sent(unit)
    assert [(e.type, e.subject, e.payload) for e in sent] == [
        ("uowtest.happened", "a", {"n": 1}),
        ("uowtest.sent", "b", {"n": 2}),
    ]
    assert {e.producer.node for e in sent} == {"330000"} and {e.producer.service for e in sent} == {"uowtest"}
    assert sent[1].target_node == "330102"


def test_rolled_back_events_are_never_sent(side):
    unit = side.new()
    unit.publish(Happened(n=1), subject="a")
    unit.rollback()
    assert side.sent(unit) == []


def test_an_event_that_breaks_its_contract_is_refused_before_anything_is_written(side):
    unit = side.new()
    with pytest.raises(Exception) as caught:
        unit.publish(Sent(n=1), subject="x")  # addressed event without a target node
    assert "target_node" in str(caught.value)
    unit.commit()
    assert side.sent(unit) == []


def test_a_node_not_served_cannot_produce(side):
    unit = side.new()
    with pytest.raises(ValueError):
        unit.publish(Happened(n=1), subject="a", node="330102")


def _entry(action: str) -> AuditRecord:
    return AuditRecord(
        actor="a-1", actor_role="admin", actor_kind="user", action=action, object_type="thing", object_id="t-1"
    )


def test_audit_entries_are_kept_with_the_commit_on_the_chain_of_their_node(side):
    unit = side.new()
    unit.audit(_entry("thing.made"))
    unit.audit(_entry("thing.changed"), node="330000")
    unit.commit()
    assert side.audited(unit) == [("330000", "thing.made"), ("330000", "thing.changed")]


def test_rolled_back_audit_entries_are_never_kept(side):
    unit = side.new()
    unit.audit(_entry("thing.made"))
    unit.rollback()
    assert side.audited(unit) == []


def test_an_audit_entry_for_a_node_not_served_is_refused(side):
    unit = side.new()
    with pytest.raises(ValueError):
        unit.audit(_entry("thing.made"), node="330102")


def test_outbox_rows_carry_topic_and_headers(fresh_database):
    real = RealSide(fresh_database)
    unit = real.new()
    unit.publish(Sent(n=5), subject="s", target_node="330106")
    unit.commit()
    with real.engine.connect() as connection:
        row = connection.execute(select(real.outbox)).one()
    assert row.topic == "uowtest.sent.v1.330106"
    assert row.key == "s" and row.sent_at is None
    assert row.headers == {"event_type": "uowtest.sent", "schema_version": "1", "trace_id": "trace-1"}
    assert json.loads(bytes(row.value))["payload"] == {"n": 5}
