"""Checkpoints: a chain's size and head, signed by the node and countersigned by the level above.

A county that truncates or rewrites its history cannot also change the checkpoints its city keeps, so the
verifier run at the city (or the province) catches it. Signing is Ed25519 through `hrss.auth.keys`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, PrimaryKeyConstraint, String, Table, Text, select

from hrss.audit.verify import Checkpoint


@dataclass(frozen=True)
class SignedCheckpoint:
    """What a node attests about one service's chain at a moment."""

    service: str
    node: str
    size: int
    head_hash: str
    algorithm: str
    made_at: datetime
    key_id: str
    signature: str

    def message(self) -> bytes:
        return checkpoint_message(self.service, self.node, self.size, self.head_hash, self.algorithm, self.made_at)

    def countersign_message(self) -> bytes:
        """What the level above signs: the checkpoint and the node's own signature."""
        return self.message() + b"|" + self.signature.encode()

    def as_checkpoint(self) -> Checkpoint:
        return Checkpoint(self.node, self.size, self.head_hash, self.made_at)


def checkpoint_message(service: str, node: str, size: int, head_hash: str, algorithm: str, made_at: datetime) -> bytes:
    """The canonical bytes a checkpoint's signature covers."""
    when = made_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"HRSS-AUDIT-CHECKPOINT|1|{service}|{node}|{size}|{head_hash}|{algorithm}|{when}".encode()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def checkpoint_table(metadata: MetaData) -> Table:
    """Checkpoints this node made of its own chains and those it keeps for the nodes below it."""
    return Table(
        "audit_checkpoint",
        metadata,
        Column("service", String(40), nullable=False),
        Column("node", String(6), nullable=False),
        Column("size", BigInteger, nullable=False),
        Column("head_hash", String(64), nullable=False),
        Column("algorithm", String(10), nullable=False),
        Column("made_at", DateTime(timezone=True), nullable=False),
        Column("key_id", String(64), nullable=False),
        Column("signature", Text, nullable=False),
        Column("kept_by", String(6), nullable=False),
        Column("countersign_key_id", String(64)),
        Column("countersignature", Text),
        Column("kept_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("kept_by", "service", "node", "size", name="audit_checkpoint_pk"),
    )


def kept_checkpoints(session: Any, table: Table, *, kept_by: str | None, service: str, node: str) -> list[Checkpoint]:
    """The checkpoints a node above keeps for one child's chain (kept by `kept_by`, or by any node but the child
    itself), for the verifier."""
    keeper = table.c.kept_by == kept_by if kept_by is not None else table.c.kept_by != node
    rows = session.execute(select(table).where(keeper, table.c.service == service, table.c.node == node)).all()
    return [Checkpoint(r.node, r.size, r.head_hash, r.made_at) for r in rows]
