"""The probe's tables: dispatches at the province, applied dispatches at a county."""

from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table, text
from sqlalchemy.dialects.postgresql import UUID

from hrss.db import bus_tables

metadata = MetaData(schema="probe")

dispatch = Table(
    "dispatch",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("batch", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("county", String(6), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

applied = Table(
    "applied",
    metadata,
    Column("dispatch_id", UUID(as_uuid=True), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("batch", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("county", String(6), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")),
)

outbox, inbox = bus_tables(metadata)
