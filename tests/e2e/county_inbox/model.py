"""What a county node received from the province's draws."""

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import UUID

from hrss.db import bus_tables

metadata = MetaData(schema="county_inbox")

received = Table(
    "received",
    metadata,
    Column("assignment_id", UUID(as_uuid=False), primary_key=True),
    Column("draw_id", UUID(as_uuid=False), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("target_node", String(6), nullable=False),
    Column("task_numbers", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")),
)

outbox, inbox = bus_tables(metadata)
