"""The province has no level above it: its chains' checkpoints, and the countersigned ones it keeps for the nodes
below, go to the external anchor (an object-locked MinIO bucket). A superuser who truncates the tail of the
province's chain, or of a city's, is caught by the verifier against the anchor (issue 17, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from minio.deleteobjects import DeleteObject
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import Session

from hrss.audit import AuditLog, AuditRecord, audit_table
from hrss.audit.anchor import S3Anchor
from hrss.audit.checkpoints import checkpoint_table
from hrss.auth.keys import SigningKey
from hrss.bus import OutboxRelay
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.db import Database, bus_tables, make_engine
from hrss.testing.processes import wait_until

pytestmark = pytest.mark.integration

SCHEMA = "ckpt"
PROVINCE, CITY = "330000", "330100"
metadata = MetaData(schema=SCHEMA)
audit = audit_table(metadata)
checkpoints = checkpoint_table(metadata)
outbox, inbox = bus_tables(metadata)


class Ledger(AuditCheckpoints):
    name = "ledger"
    db = Database(metadata)


@pytest.fixture
def bucket(s3_client):  # type: ignore[no-untyped-def]
    name = f"anchor-{uuid.uuid4().hex[:12]}"
    yield name
    if s3_client.bucket_exists(name):  # GOVERNANCE in tests, so that the store's root can clear it afterwards
        versions = s3_client.list_objects(name, recursive=True, include_version=True)
        doomed = [DeleteObject(v.object_name, v.version_id) for v in versions]
        list(s3_client.remove_objects(name, doomed, bypass_governance_mode=True))
        s3_client.remove_bucket(name)


@pytest.fixture
def nodes(database_factory, kafka_broker, s3_client, bucket):  # type: ignore[no-untyped-def]
    province_key, city_key = SigningKey.generate(f"{PROVINCE}.1"), SigningKey.generate(f"{CITY}.1")
    dsns = {PROVINCE: database_factory("province"), CITY: database_factory("city")}
    engines = {}
    for node, dsn in dsns.items():
        engines[node] = make_engine(dsn, schema=SCHEMA, pool_size=4)
        with engines[node].begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
            metadata.create_all(connection)
    anchor = S3Anchor(s3_client, bucket, mode="GOVERNANCE", days=1)

    def config(node: str, key: SigningKey, **audit_config: object) -> dict:  # type: ignore[type-arg]
        signing = {"signing_keys": {node: f"{key.kid}={key.private_base64()}"}}
        return {"NODES": node, "DATABASE_URL": dsns[node], "BROKER": kafka_broker, "AUDIT": signing | audit_config}

    trusted = {city_key.kid: city_key.public_base64()}
    province = ServiceContainer(Ledger, config(PROVINCE, province_key, trusted_keys=trusted, anchor=anchor))
    city = ServiceContainer(Ledger, config(CITY, city_key))
    province.start()
    city.start()
    yield province, city, engines, kafka_broker, dsns
    province.stop()
    city.stop()
    for engine in engines.values():
        engine.dispose()


def write_entries(engine, node: str, n: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        AuditLog(audit).append(
            session, node, [AuditRecord("u1", "planner", "task.create", "task", f"t{i}") for i in range(n)]
        )
        session.commit()


def chain_size(engine, node: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return int(session.execute(select(func.count()).where(audit.c.node == node)).scalar_one())


def truncate_as_superuser(engine, node: str, keep: int) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:  # what an attacker with the superuser does: the trigger off, then DELETE
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql(f"DELETE FROM {SCHEMA}.audit_entry WHERE node = '{node}' AND seq > {keep}")


def verifier(dsn: str, node: str, servers, bucket: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def,type-arg]
    """`python -m hrss.audit.cli … --anchor` as an auditor runs it: its exit status and its JSON report."""
    env = {
        **os.environ,
        "HRSS_S3_ENDPOINT": servers.s3_endpoint,
        "HRSS_S3_ACCESS_KEY": servers.s3_access_key,
        "HRSS_S3_SECRET_KEY": servers.s3_secret_key,
        "HRSS_AUDIT_ANCHOR_BUCKET": bucket,
    }
    args = ["--dsn", dsn, "--schema", SCHEMA, "--node", node, "--service", "ledger", "--anchor", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "hrss.audit.cli", *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_truncated_province_or_city_chain_is_caught_against_the_anchor(nodes, servers, s3_client, bucket) -> None:  # type: ignore[no-untyped-def]
    province, city, engines, broker, dsns = nodes
    write_entries(engines[PROVINCE], PROVINCE, 4)
    write_entries(engines[CITY], CITY, 5)

    with entrypoint_hook(province, "make_checkpoints") as make:
        assert make() == 1  # the province's own chain: anchored, nothing sent anywhere
    anchor = S3Anchor(s3_client, bucket)
    assert [a.checkpoint.size for a in anchor.anchored("ledger", PROVINCE)] == [4]

    with entrypoint_hook(city, "make_checkpoints") as make:
        assert make() == 1
    assert OutboxRelay(engines[CITY], outbox, broker, service="ledger").publish_batch() == 1
    wait_until(lambda: bool(anchor.anchored("ledger", CITY)), 60, "the province to keep and anchor the city's")
    (kept,) = anchor.anchored("ledger", CITY)
    assert (kept.checkpoint.size, kept.kept_by, kept.countersign_key_id) == (5, PROVINCE, f"{PROVINCE}.1")

    code, report = verifier(dsns[PROVINCE], PROVINCE, servers, bucket)
    assert (code, report["ok"], report["checkpoints"]) == (0, True, 1)
    code, report = verifier(dsns[CITY], CITY, servers, bucket)
    assert (code, report["ok"], report["checkpoints"]) == (0, True, 1)

    truncate_as_superuser(engines[PROVINCE], PROVINCE, keep=2)
    truncate_as_superuser(engines[CITY], CITY, keep=3)
    assert chain_size(engines[PROVINCE], PROVINCE) == 2

    code, report = verifier(dsns[PROVINCE], PROVINCE, servers, bucket)
    assert (code, report["problem"], report["entries"]) == (1, "tail_truncated", 2)
    assert PROVINCE in report["message"] and "记录了 4 条" in report["message"] and "现仅有 2 条" in report["message"]
    code, report = verifier(dsns[CITY], CITY, servers, bucket)
    assert (code, report["problem"], report["entries"]) == (1, "tail_truncated", 3)
    assert CITY in report["message"] and "记录了 5 条" in report["message"]

    truncate_as_superuser(engines[CITY], CITY, keep=0)  # the whole chain gone
    code, report = verifier(dsns[CITY], CITY, servers, bucket)
    assert (code, report["problem"]) == (1, "missing")
