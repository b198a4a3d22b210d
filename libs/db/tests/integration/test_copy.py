"""COPY in the session's transaction: every value type round-trips exactly, also under eventlet's wait callback."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import psycopg2.extensions
import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, LargeBinary, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Session

from hrss.db import make_engine
from hrss.db.copy import copy_rows

pytestmark = pytest.mark.integration

metadata = MetaData()
sample = Table(
    "copy_sample",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("label", Text),
    Column("tags", ARRAY(Text)),
    Column("blob", LargeBinary),
    Column("doc", JSONB),
    Column("flag", Boolean),
    Column("day", Date),
    Column("at", DateTime(timezone=True)),
    Column("ref", UUID(as_uuid=False)),
)

AWKWARD = 'tab\there, newline\nthere, back\\slash, "quotes", 中文，\r末尾'


def test_every_value_type_round_trips_exactly_and_the_wait_callback_is_restored(fresh_database: str) -> None:
    engine = make_engine(fresh_database)  # greens psycopg2 in this (monkey-patched) test process
    metadata.create_all(engine)
    before = psycopg2.extensions.get_wait_callback()
    assert before is not None  # the suite runs greened, as nameko workers do
    rows = [
        (
            1,
            AWKWARD,
            ["a,b", 'c"d', "e\\f", "{g}", "中 文"],
            b"\x00\x01\xff\\",
            {"k": AWKWARD, "n": [1, None]},
            True,
            date(2026, 2, 14),
            datetime(2026, 1, 31, 16, 30, tzinfo=UTC),
            str(uuid.UUID(int=7)),
        ),
        (2, None, [], b"", None, False, None, None, None),
    ]
    with Session(engine) as session:
        assert copy_rows(session, sample, [c.name for c in sample.columns], rows) == 2
        session.commit()
        stored = [tuple(r) for r in session.execute(select(sample).order_by(sample.c.n))]
    assert psycopg2.extensions.get_wait_callback() is before
    assert stored[0] == rows[0]
    assert stored[1] == (2, None, [], b"", None, False, None, None, None)
    engine.dispose()


def test_a_failed_copy_rolls_back_with_its_transaction(fresh_database: str) -> None:
    engine = make_engine(fresh_database)
    metadata.create_all(engine)
    with Session(engine) as session:
        copy_rows(session, sample, ["n", "label"], [(1, "kept only if committed")])
        with pytest.raises(Exception, match="duplicate key"):
            copy_rows(session, sample, ["n", "label"], [(2, "x"), (2, "y")])
        session.rollback()
        assert session.execute(select(sample.c.n)).all() == []
    engine.dispose()
