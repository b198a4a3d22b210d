"""Database support: eventlet-friendly engines, the unit of work, outbox and inbox tables."""

from hrss.db.engine import cooperate_with_eventlet, make_engine
from hrss.db.provider import Database, database_url, worker_trace_id
from hrss.db.tables import bus_tables, inbox_table, outbox_table
from hrss.db.unit_of_work import UnitOfWork

__all__ = [
    "Database",
    "UnitOfWork",
    "bus_tables",
    "cooperate_with_eventlet",
    "database_url",
    "inbox_table",
    "make_engine",
    "outbox_table",
    "worker_trace_id",
]
