"""The tamper-evident audit trail: a hash chain per node, append-only at the database, and its verifier."""

from hrss.audit.chain import Algorithm, AuditEntry, AuditRecord, Outcome, genesis, printable, recompute, seal
from hrss.audit.log import AuditLog
from hrss.audit.tables import append_only_ddl, audit_table
from hrss.audit.verify import Checkpoint, Finding, Problem, Report, verify

__all__ = [
    "Algorithm",
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "Checkpoint",
    "Finding",
    "Outcome",
    "Problem",
    "Report",
    "append_only_ddl",
    "audit_table",
    "genesis",
    "printable",
    "recompute",
    "seal",
    "verify",
]
