"""Every service with an audit chain checkpoints it (issue 17, item 3): its nameko class runs `AuditCheckpoints`, and
its migrations give it an append-only `audit_checkpoint` table, which its own role may only read and append to."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from hrss.bus.checkpoints import AuditCheckpoints
from hrss.db.migrations import upgrade

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/migrations"))


def service_class(service: str) -> type:
    settings = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["tool"]["hrss"]
    module, _, name = settings["entrypoint"].partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def test_every_service_with_an_audit_chain_is_listed() -> None:
    assert SERVICES == [
        "draw",
        "evidence",
        "identity",
        "inspection",
        "notification",
        "planning",
        "publication",
        "registry",
        "reporting",
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_makes_sends_and_keeps_checkpoints(service: str) -> None:
    cls = service_class(service)
    assert issubclass(cls, AuditCheckpoints)
    metadata = cls.db.metadata  # type: ignore[attr-defined]
    assert {f"{service}.audit_entry", f"{service}.audit_checkpoint"} <= set(metadata.tables)


@pytest.mark.integration
@pytest.mark.parametrize("service", SERVICES)
def test_the_migrations_make_audit_checkpoint_append_only(service: str, fresh_database: str) -> None:
    upgrade(ROOT / "services" / service / "migrations", fresh_database, service)
    engine = create_engine(fresh_database, poolclass=NullPool)
    with engine.connect() as connection:
        triggers = connection.execute(
            text(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE n.nspname = :s AND c.relname = 'audit_checkpoint' AND p.proname = 'refuse_change'"
            ),
            {"s": service},
        )
        assert set(triggers.scalars()) == {"audit_checkpoint_no_update_delete", "audit_checkpoint_no_truncate"}
    engine.dispose()
