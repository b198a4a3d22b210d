"""A county's checkpoints travel to its city over real Kafka; the city verifies, countersigns and keeps them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, AuditRecord, Problem, audit_table, verify
from hrss.audit.checkpoints import checkpoint_table, kept_checkpoints, unb64
from hrss.auth.keys import KeySet, SigningKey
from hrss.bus import OutboxRelay
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.db import Database, bus_tables, make_engine
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.integration

SCHEMA = "ckpt"
COUNTY, CITY = "330102", "330100"
metadata = MetaData(schema=SCHEMA)
audit = audit_table(metadata)
checkpoints = checkpoint_table(metadata)
outbox, inbox = bus_tables(metadata)


class Ledger(AuditCheckpoints):
    name = "ledger"
    db = Database(metadata)


def prepare(dsn: str):  # type: ignore[no-untyped-def]
    engine = make_engine(dsn, schema=SCHEMA, pool_size=4)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        metadata.create_all(connection)
    return engine


@pytest.fixture
def nodes(database_factory, kafka_broker):  # type: ignore[no-untyped-def]
    county_key, city_key = SigningKey.generate(f"{COUNTY}.1"), SigningKey.generate(f"{CITY}.1")
    dsns = {COUNTY: database_factory("county"), CITY: database_factory("city")}
    engines = {node: prepare(dsn) for node, dsn in dsns.items()}

    def config(node: str, key: SigningKey, trusted: KeySet | None) -> dict:  # type: ignore[type-arg]
        audit_config = {"signing_keys": {node: f"{key.kid}={key.private_base64()}"}}
        if trusted is not None:
            audit_config["trusted_keys"] = {kid: _public(trusted, kid) for kid in trusted.kids}  # type: ignore[assignment]
        return {"NODES": node, "DATABASE_URL": dsns[node], "BROKER": kafka_broker, "AUDIT": audit_config}

    county = ServiceContainer(Ledger, config(COUNTY, county_key, None))
    city = ServiceContainer(Ledger, config(CITY, city_key, KeySet.of(county_key)))
    county.start()
    city.start()
    yield county, city, engines, kafka_broker, city_key
    county.stop()
    city.stop()
    for engine in engines.values():
        engine.dispose()


def _public(keys: KeySet, kid: str) -> str:
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = keys.get(kid)
    assert key is not None
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def write_entries(engine, n: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        AuditLog(audit).append(
            session, COUNTY, [AuditRecord("u1", "planner", "task.create", "task", f"t{i}") for i in range(n)]
        )
        session.commit()


def kept(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return kept_checkpoints(session, checkpoints, kept_by=CITY, service="ledger", node=COUNTY)


def county_chain(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(AuditLog(audit).entries(session, COUNTY))


def test_the_city_keeps_countersigned_checkpoints_that_expose_a_truncated_county_history(nodes):
    county, _city, engines, broker, city_key = nodes
    relay = OutboxRelay(engines[COUNTY], outbox, broker, service="ledger")
    write_entries(engines[COUNTY], 5)
    with entrypoint_hook(county, "make_checkpoints") as make:
        assert make() == 1
        assert make() == 0  # nothing new since: no second checkpoint
    assert relay.publish_batch() == 1
    wait_until(lambda: len(kept(engines[CITY])) == 1, 60, "the city to keep the checkpoint")
    (checkpoint,) = kept(engines[CITY])
    assert checkpoint.size == 5

    with Session(engines[CITY]) as session:
        row = session.execute(select(checkpoints)).one()
    assert row.countersign_key_id == f"{CITY}.1"
    message = (
        f"HRSS-AUDIT-CHECKPOINT|1|ledger|{COUNTY}|5|{row.head_hash}|sha256|"
        f"{row.made_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}|{row.signature}"
    ).encode()
    city_key.private.public_key().verify(unb64(row.countersignature), message)  # raises if forged

    chain = county_chain(engines[COUNTY])
    assert len(chain) == 5
    assert verify(COUNTY, chain, kept(engines[CITY])).ok

    with engines[COUNTY].begin() as connection:  # the county's superuser hides its last entries
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql(f"DELETE FROM {SCHEMA}.audit_entry WHERE seq > 3")
    truncated = county_chain(engines[COUNTY])
    assert verify(COUNTY, truncated).ok  # alone, the county's chain looks whole
    finding = verify(COUNTY, truncated, kept(engines[CITY])).finding
    assert finding is not None and finding.problem is Problem.TRUNCATED

    def dsn(engine) -> str:  # type: ignore[no-untyped-def]
        return engine.url.render_as_string(hide_password=False).replace("+psycopg2", "")

    cli = [
        sys.executable,
        "-m",
        "hrss.audit.cli",
        "--dsn",
        dsn(engines[COUNTY]),
        "--schema",
        SCHEMA,
        "--node",
        COUNTY,
        "--service",
        "ledger",
        "--parent-dsn",
        dsn(engines[CITY]),
        "--json",
    ]
    result = subprocess.run(cli, capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    assert (report["problem"], report["checkpoints"], report["entries"]) == ("tail_truncated", 1, 3)


def test_a_checkpoint_signed_by_an_unknown_key_is_refused_and_dead_lettered(nodes):
    county, _city, engines, broker, _ = nodes
    county.config["AUDIT"]["signing_keys"][COUNTY] = f"{COUNTY}.9=" + SigningKey.generate().private_base64()
    for dependency in county.dependencies:
        if dependency.__class__.__name__ == "CheckpointKeys":
            dependency.setup()
    write_entries(engines[COUNTY], 2)
    with entrypoint_hook(county, "make_checkpoints") as make:
        assert make() == 1
    OutboxRelay(engines[COUNTY], outbox, broker, service="ledger").publish_batch()
    topic = f"audit.checkpoint_made.v1.{CITY}.dlt"
    subscription = broker.subscribe("dlt-reader", [topic])
    records: list = []  # type: ignore[type-arg]
    wait_until(lambda: bool(records.extend(subscription.poll(10, 0.5)) or records), 90, "the dead letter")
    subscription.close()
    assert records[0].headers["dlt.error.code"] == b"ContractError"
    assert "签名无法验证".encode() in records[0].headers["dlt.error.message"]
    assert kept(engines[CITY]) == []


class Journal(AuditCheckpoints):
    """Another service of the county, whose checkpoints travel on the same topic."""

    name = "journal"
    db = Database(metadata)


def test_another_services_checkpoint_is_taken_but_neither_kept_nor_audited_here(nodes):
    county, _city, engines, broker, _key = nodes
    journal = ServiceContainer(Journal, dict(county.config))
    journal.start()
    try:
        relay = OutboxRelay(engines[COUNTY], outbox, broker, service="ledger")
        write_entries(engines[COUNTY], 2)
        with entrypoint_hook(journal, "make_checkpoints") as make_theirs:
            assert make_theirs() == 1
        with entrypoint_hook(county, "make_checkpoints") as make_ours:
            assert make_ours() == 1
        assert relay.publish_batch() == 2

        def taken() -> int:
            with Session(engines[CITY]) as session:
                return len(session.execute(select(inbox)).all())

        wait_until(lambda: taken() == 2 and len(kept(engines[CITY])) == 1, 60, "the city to take both checkpoints")
        with Session(engines[CITY]) as session:
            entries = [e.record for e in AuditLog(audit).entries(session, CITY)]
            applied = [r for r in entries if r.action.startswith("event.apply")]
        assert [r.object_id for r in applied] == [f"ledger:{COUNTY}"]  # one entry: the checkpoint it kept
    finally:
        journal.stop()
