"""Each service connects to PostgreSQL as a login role of its own that owns nothing: it may read and append to its
history tables and never change, remove or unguard them (issue 17, item 1). Run over every service's migrations,
the way a container runs them (`python -m hrss.db.migrations` with the owner's and the service's DSNs)."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrss.audit import AuditLog, AuditRecord, audit_table
from hrss.db.migrations import main as migrate
from hrss.db.roles import drop_role, with_role

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NODE = "330000"
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/migrations"))


def _refused(connection, statement: str) -> bool:  # type: ignore[no-untyped-def]
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql(statement)
    except DBAPIError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_role_can_read_and_append_history_but_never_change_remove_or_unguard_it(
    service: str, fresh_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    role, password = f"sec_{service}_{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(16)
    app_dsn = with_role(fresh_database, role, password)  # the migration creates the role with this password
    try:
        monkeypatch.setenv("HRSS_PG_MIGRATE_DSN", fresh_database)
        monkeypatch.setenv("HRSS_PG_DSN", app_dsn)
        migrate(["--service", service, "--dir", str(ROOT / "services" / service / "migrations")])
        assert f"{role} may only read and append to" in capsys.readouterr().out
        owner = create_engine(fresh_database, poolclass=NullPool)
        with owner.connect() as connection:
            history = (
                connection.execute(
                    text(
                        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
                        "WHERE n.nspname = :s AND p.proname = 'refuse_change'"
                    ),
                    {"s": service},
                )
                .scalars()
                .all()
            )
        owner.dispose()
        assert "audit_entry" in history
        app = create_engine(app_dsn, poolclass=NullPool)
        with app.connect() as connection:
            assert connection.execute(text("SELECT current_user")).scalar_one() == role
            for table in history:
                name = f'"{service}"."{table}"'
                connection.exec_driver_sql(f"SELECT * FROM {name} LIMIT 1")  # reading is allowed
                column = _last_column(connection, service, table)
                for statement in (
                    f"UPDATE {name} SET {column} = {column}",
                    f"DELETE FROM {name}",
                    f"TRUNCATE {name}",
                    f"ALTER TABLE {name} DISABLE TRIGGER ALL",
                    f"ALTER TABLE {name} DISABLE TRIGGER USER",
                    f"DROP TABLE {name}",
                ):
                    assert _refused(connection, statement), f"{role} could run: {statement}"
            # a row it appended may be locked (FOR UPDATE needs UPDATE on one column), never changed or removed
            log = AuditLog(audit_table(MetaData(schema=service)))
            with Session(bind=connection) as session:
                log.append(session, NODE, [AuditRecord("a", "admin", "x.y", "thing", "t-1")])
                session.flush()
                key = f'"{service}".audit_entry'
                session.execute(text(f"SELECT * FROM {key} WHERE node = :n FOR UPDATE"), {"n": NODE}).all()
                for statement in (f"UPDATE {key} SET node = node", f"DELETE FROM {key}"):
                    assert _refused(session.connection(), statement), f"{role} could run: {statement}"
                session.rollback()
            assert _refused(connection, f'CREATE TABLE "{service}".intruder (x int)')
            assert _refused(connection, f'TRUNCATE "{service}".outbox')
            assert _refused(connection, "CREATE SCHEMA intruder")
            connection.exec_driver_sql(f'SELECT count(*) FROM "{service}".outbox')  # its own outbox it may read
        app.dispose()
    finally:
        drop_role(fresh_database.rsplit("/", 1)[0] + "/hrss", role, [fresh_database])


def _last_column(connection, schema: str, table: str) -> str:  # type: ignore[no-untyped-def]
    return connection.execute(
        text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
            "ORDER BY ordinal_position DESC LIMIT 1"
        ),
        {"s": schema, "t": table},
    ).scalar_one()
