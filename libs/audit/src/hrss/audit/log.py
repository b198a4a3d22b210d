"""Appending to a node's chain inside the caller's transaction, and reading it back."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from hrss.audit.chain import Algorithm, AuditEntry, AuditRecord, Outcome, genesis, seal


class AuditLog:
    """A node-by-node hash chain in one table; appends are serialised per node, so the chain never forks."""

    def __init__(self, table: Table, algorithm: Algorithm | str = Algorithm.SHA256) -> None:
        self.table = table
        self.algorithm = str(Algorithm(algorithm))

    def append(self, session: Session, node: str, records: Iterable[AuditRecord]) -> list[AuditEntry]:
        """Seal `records` onto `node`'s chain in the session's transaction (they commit or vanish with it).

        A transaction-level advisory lock per node is held from reading the head to COMMIT: call this last,
        just before committing, to keep that window short.
        """
        records = list(records)
        if not records:
            return []
        for record in records:
            _refuse_nul(record)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key(node)})
        t = self.table
        head = session.execute(
            select(t.c.seq, t.c.entry_hash).where(t.c.node == node).order_by(t.c.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (head.seq, head.entry_hash) if head else (0, genesis(node, self.algorithm))
        now = session.execute(text("SELECT clock_timestamp()")).scalar_one().astimezone(UTC)
        entries = []
        for record in records:
            seq += 1
            entry = seal(node, seq, now, record, self.algorithm, prev_hash)
            entries.append(entry)
            prev_hash = entry.entry_hash
        session.execute(insert(t), [self.to_row(e) for e in entries])
        return entries

    def head(self, session: Session, node: str) -> tuple[int, str | None]:
        """The size of a node's chain and the hash of its last entry."""
        t = self.table
        row = session.execute(
            select(t.c.seq, t.c.entry_hash).where(t.c.node == node).order_by(t.c.seq.desc()).limit(1)
        ).first()
        return (row.seq, row.entry_hash) if row else (0, None)

    def entries(self, session: Session, node: str, batch: int = 10_000) -> Iterator[AuditEntry]:
        """A node's entries in sequence order, streamed."""
        t = self.table
        last = 0
        while True:
            rows = session.execute(
                select(t).where(t.c.node == node, t.c.seq > last).order_by(t.c.seq).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield self.from_row(row)
            last = rows[-1].seq

    def _lock_key(self, node: str) -> int:
        return zlib.crc32(f"hrss.audit.{self.table.fullname}.{node}".encode())

    @staticmethod
    def to_row(entry: AuditEntry) -> dict[str, object]:
        """The table row of an entry (also the shape endpoints show, with `recorded_at` as a datetime)."""
        r = entry.record
        return {
            "node": entry.node,
            "seq": entry.seq,
            "recorded_at": entry.recorded_at,
            "actor": r.actor,
            "actor_role": r.actor_role,
            "actor_kind": r.actor_kind,
            "action": r.action,
            "object_type": r.object_type,
            "object_id": r.object_id,
            "object_version": r.object_version,
            "before_hash": r.before_hash,
            "after_hash": r.after_hash,
            "reason": r.reason,
            "approval_id": r.approval_id,
            "request_id": r.request_id,
            "event_id": r.event_id,
            "outcome": str(r.outcome),
            "detail": dict(r.detail),
            "algorithm": entry.algorithm,
            "prev_hash": entry.prev_hash,
            "entry_hash": entry.entry_hash,
        }

    @staticmethod
    def from_row(row) -> AuditEntry:  # type: ignore[no-untyped-def]
        """The entry a table row holds."""
        record = AuditRecord(
            actor=row.actor,
            actor_role=row.actor_role,
            actor_kind=row.actor_kind,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            object_version=row.object_version,
            before_hash=row.before_hash,
            after_hash=row.after_hash,
            reason=row.reason,
            approval_id=row.approval_id,
            request_id=row.request_id,
            event_id=row.event_id,
            outcome=Outcome(row.outcome),
            detail=dict(row.detail),
        )
        recorded_at: datetime = row.recorded_at
        return AuditEntry(row.node, row.seq, recorded_at, record, row.algorithm, row.prev_hash, row.entry_hash)


def _refuse_nul(record: AuditRecord) -> None:
    """PostgreSQL text cannot hold NUL: refuse it by name rather than fail inside the database."""
    for name, value in vars(record).items():
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(f"audit.nul_character: 审计记录字段 {name} 含有空字符（NUL），无法保存")
