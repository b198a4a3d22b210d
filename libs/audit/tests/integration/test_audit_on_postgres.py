"""The audit chain in PostgreSQL: append-only for applications, tampering by a superuser detected."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import random
import subprocess
import sys
import threading

import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrss.audit import AuditLog, AuditRecord, Checkpoint, Problem, append_only_ddl, audit_table, verify
from hrss.db import make_engine

pytestmark = pytest.mark.integration

SCHEMA = "audittest"
NODE = "330102"


def rec(i: int, **extra: object) -> AuditRecord:
    return AuditRecord(
        actor=f"planner-{i % 5}",
        actor_role="planner",
        action="task.create",
        object_type="task",
        object_id=f"t{i}",
        **extra,  # type: ignore[arg-type]
    )


@contextlib.contextmanager
def audited_database(fresh_database: str):  # type: ignore[no-untyped-def]
    """The audit table in `fresh_database`, an application LOGIN role that may only append to it, and on the way
    out the role's grants revoked and the role itself dropped (roles are per server, not per database)."""
    admin = make_engine(fresh_database, schema=SCHEMA, pool_size=10)
    metadata = MetaData(schema=SCHEMA)
    table = audit_table(metadata)
    role = f"app_{fresh_database.rsplit('/', 1)[1]}"[:60]
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
        metadata.create_all(connection)
        connection.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'app'")
        connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA {SCHEMA} TO "{role}"')
        for statement in append_only_ddl(SCHEMA, [role]):
            connection.exec_driver_sql(statement)
    app_dsn = fresh_database.replace("hrss_admin:hrss_admin", f"{role}:app")
    try:
        yield admin, AuditLog(table), app_dsn, role
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,)
            )
            connection.exec_driver_sql(f'DROP OWNED BY "{role}" CASCADE')
        admin.dispose()
        with _server(fresh_database).connect() as connection:
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')


def _server(dsn: str):  # type: ignore[no-untyped-def]
    return create_engine(dsn.rsplit("/", 1)[0] + "/hrss", poolclass=NullPool, isolation_level="AUTOCOMMIT")


@pytest.fixture
def db(fresh_database):  # type: ignore[no-untyped-def]
    with audited_database(fresh_database) as (admin, log, app_dsn, _role):
        yield admin, log, app_dsn


def test_the_application_role_these_tests_create_is_dropped_afterwards(fresh_database):
    with audited_database(fresh_database) as (_admin, log, app_dsn, role):
        app = make_engine(app_dsn, schema=SCHEMA, pool_size=1)
        write(app, log, 1)
        app.dispose()
    with _server(fresh_database).connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    assert left == 0


def write(engine, log, n: int, node: str = NODE) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        log.append(session, node, [rec(i) for i in range(n)])
        session.commit()


def entries(engine, log, node: str = NODE):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(log.entries(session, node))


def test_the_application_role_can_append_and_read_but_never_change(db):
    _, log, app_dsn = db
    app = make_engine(app_dsn, schema=SCHEMA, pool_size=1)
    write(app, log, 3)
    assert [e.seq for e in entries(app, log)] == [1, 2, 3]
    for statement in (
        f"UPDATE {SCHEMA}.audit_entry SET reason = 'x'",
        f"DELETE FROM {SCHEMA}.audit_entry",
        f"TRUNCATE {SCHEMA}.audit_entry",
    ):
        with app.connect() as connection, pytest.raises(DBAPIError) as caught:
            connection.exec_driver_sql(statement)
        assert "permission denied" in str(caught.value)
    app.dispose()


def test_the_trigger_refuses_changes_even_from_a_role_with_privileges(db):
    admin, log, _ = db
    write(admin, log, 2)
    for statement in (
        f"UPDATE {SCHEMA}.audit_entry SET reason = 'x'",
        f"DELETE FROM {SCHEMA}.audit_entry WHERE seq = 1",
        f"TRUNCATE {SCHEMA}.audit_entry",
    ):
        with admin.connect() as connection, pytest.raises(DBAPIError) as caught:
            connection.exec_driver_sql(statement)
        assert "历史记录只能追加" in str(caught.value) and "audit_entry" in str(caught.value)
    assert verify(NODE, entries(admin, log)).ok


TAMPERING = {
    "altered": ([f"UPDATE {SCHEMA}.audit_entry SET reason = '后改的' WHERE seq = 5"], Problem.ALTERED, 5),
    "deleted": ([f"DELETE FROM {SCHEMA}.audit_entry WHERE seq = 5"], Problem.DELETED, 5),
    "deleted_and_renumbered": (
        [
            f"DELETE FROM {SCHEMA}.audit_entry WHERE seq = 5",
            f"UPDATE {SCHEMA}.audit_entry SET seq = seq - 1 WHERE seq > 5",
        ],
        Problem.DELETED,
        5,
    ),
    "inserted": (
        [
            f"UPDATE {SCHEMA}.audit_entry SET seq = seq + 1000 WHERE seq >= 5",
            f"UPDATE {SCHEMA}.audit_entry SET seq = seq - 999 WHERE seq >= 1005",
            f"INSERT INTO {SCHEMA}.audit_entry SELECT node, 5, recorded_at, 'intruder', actor_role, actor_kind, action,"
            " object_type, object_id, object_version, before_hash, after_hash, reason, approval_id, request_id,"
            " event_id, outcome, detail, algorithm, prev_hash, md5(random()::text) || md5(random()::text)"
            f" FROM {SCHEMA}.audit_entry WHERE seq = 4",
        ],
        Problem.INSERTED,
        5,
    ),
    "reordered": (
        [
            f"UPDATE {SCHEMA}.audit_entry SET seq = -5 WHERE seq = 5",
            f"UPDATE {SCHEMA}.audit_entry SET seq = 5 WHERE seq = 6",
            f"UPDATE {SCHEMA}.audit_entry SET seq = 6 WHERE seq = -5",
        ],
        Problem.REORDERED,
        5,
    ),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_by_a_superuser_is_detected_and_named(db, kind):
    admin, log, _ = db
    write(admin, log, 10)
    statements, problem, seq = TAMPERING[kind]
    with admin.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")  # what only a superuser can do
        for statement in statements:
            connection.exec_driver_sql(statement)
    finding = verify(NODE, entries(admin, log)).finding
    assert finding is not None, kind
    assert (finding.problem, finding.seq) == (problem, seq), finding.message


def test_a_truncated_tail_is_detected_by_the_cli_against_the_parents_checkpoint(db, tmp_path, pg_dsn):
    admin, log, _ = db
    write(admin, log, 10)
    head = entries(admin, log)[-1]
    checkpoints = tmp_path / "checkpoints.json"
    checkpoints.write_text(
        json.dumps([{"node": NODE, "size": 10, "head_hash": head.entry_hash, "made_at": head.recorded_at.isoformat()}])
    )
    dsn = admin.url.render_as_string(hide_password=False).replace("+psycopg2", "")
    cli = [
        sys.executable,
        "-m",
        "hrss.audit.cli",
        "--dsn",
        dsn,
        "--schema",
        SCHEMA,
        "--node",
        NODE,
        "--checkpoints",
        str(checkpoints),
        "--json",
    ]
    ok = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    with admin.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql(f"DELETE FROM {SCHEMA}.audit_entry WHERE seq > 7")
    bad = subprocess.run(cli, capture_output=True, text=True, check=False)
    report = json.loads(bad.stdout)
    assert bad.returncode == 1
    assert (report["problem"], report["seq"], report["entries"]) == ("tail_truncated", 8, 7)
    human = subprocess.run(cli[:-1], capture_output=True, text=True, check=False)
    assert "末尾记录被截断" in human.stdout


def test_concurrent_writers_leave_one_gapless_unforked_chain(db):
    admin, log, _ = db
    writers, per_writer = 8, 10_000
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        rng = random.Random(w)
        written = 0
        try:
            while written < per_writer:
                n = min(rng.randint(1, 40), per_writer - written)
                with Session(admin) as session:
                    log.append(
                        session, NODE, [rec(w * per_writer + written + i, detail={"writer": str(w)}) for i in range(n)]
                    )
                    session.commit()
                written += n
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:1]
    chain = entries(admin, log)
    assert [e.seq for e in chain] == list(range(1, writers * per_writer + 1))
    assert len({e.prev_hash for e in chain}) == len(chain)  # no two entries share a predecessor: no fork
    report = verify(NODE, chain, [Checkpoint(NODE, len(chain), chain[-1].entry_hash, chain[-1].recorded_at)])
    assert report.ok, report.finding
    assert sorted(e.record.detail["writer"] for e in chain).count("3") == per_writer


def test_hostile_text_is_stored_exactly_and_verifies(db):
    admin, log, _ = db
    hostile = "x\"'; DROP TABLE t; --\n\r\x00\x1b[2J\u2028理由"
    with Session(admin) as session:
        hostile_record = dataclasses.replace(rec(1, reason=hostile.replace("\x00", "")), actor='张"三\n')
        log.append(session, NODE, [hostile_record])
        session.commit()
    (entry,) = entries(admin, log)
    assert entry.record.reason == hostile.replace("\x00", "") and entry.record.actor == '张"三\n'
    assert verify(NODE, [entry]).ok


def test_each_node_has_its_own_chain(db):
    admin, log, _ = db
    write(admin, log, 3, node="330102")
    write(admin, log, 2, node="330106")
    assert [e.seq for e in entries(admin, log, "330106")] == [1, 2]
    assert verify("330102", entries(admin, log, "330102")).ok
    assert verify("330106", entries(admin, log, "330106")).ok
    with admin.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {SCHEMA}.audit_entry")).scalar() == 5


def test_a_nul_character_is_refused_by_name_and_nothing_is_written(db):
    admin, log, _ = db
    with Session(admin) as session, pytest.raises(ValueError) as caught:
        log.append(session, NODE, [rec(1, reason="a\x00b")])
    assert "reason" in str(caught.value) and "audit.nul_character" in str(caught.value)
    assert entries(admin, log) == []
