"""The public record (一公开): versions of published content, never changed in place, and the node's receipt chain
(the platform's proof of publication, 001 §三(六)). Standard library only.

A record is one result, task announcement, annual plan, checklist in force or drawn list of one node
(谁检查、谁公开); each publication of new content is its next version. Each version gets the node's next receipt:
sequence, time, the content's SHA-256 and the previous receipt's hash, hashed together, so that removing, altering
or reordering any version breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Kind = Literal["result", "task", "plan", "checklist", "drawn_list"]
GENESIS = "0" * 64  # the previous hash of a node's first receipt


def canonical(value: Any) -> bytes:
    """`value` as canonical JSON: sorted keys, UTF-8, no spaces (what every hash here is taken over)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of a record's public content as canonical JSON."""
    return hashlib.sha256(canonical(content)).hexdigest()


@dataclass(frozen=True)
class RecordVersion:
    """One version of one public record, as published (already masked)."""

    kind: Kind
    record_id: str
    version: int
    node: str
    uscc: str | None
    year: int
    content: dict[str, Any]
    content_sha256: str
    published_at: datetime
    event_id: str


@dataclass(frozen=True)
class Receipt:
    """A link of a node's receipt chain."""

    node: str
    seq: int
    kind: Kind
    record_id: str
    version: int
    content_sha256: str
    issued_at: datetime
    previous_sha256: str
    receipt_sha256: str

    def fields(self) -> dict[str, Any]:
        """What the receipt hash is taken over (everything but the hash itself)."""
        return {
            "node": self.node,
            "seq": self.seq,
            "kind": self.kind,
            "record_id": self.record_id,
            "version": self.version,
            "content_sha256": self.content_sha256,
            "issued_at": self.issued_at.isoformat(),
            "previous_sha256": self.previous_sha256,
        }


def receipt_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over a receipt's fields as canonical JSON."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def next_receipt(previous: Receipt | None, record: RecordVersion, issued_at: datetime) -> Receipt:
    """The receipt that follows `previous` (None: the node's first) for `record`."""
    seq = previous.seq + 1 if previous is not None else 1
    prior = previous.receipt_sha256 if previous is not None else GENESIS
    draft = Receipt(
        record.node, seq, record.kind, record.record_id, record.version, record.content_sha256, issued_at, prior, ""
    )
    return Receipt(**{**draft.__dict__, "receipt_sha256": receipt_hash(draft.fields())})


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of recomputing a node's chain: its length and the first bad link (None: whole)."""

    node: str
    length: int
    first_bad_seq: int | None
    problem: str | None

    @property
    def valid(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(node: str, receipts: Sequence[Receipt], contents: dict[tuple[str, str, int], str]) -> ChainCheck:
    """Recompute every link in order: sequence without gaps, previous hash, receipt hash, and the content hash
    against the stored content's own hash (`contents`: (kind, record_id, version) → SHA-256 recomputed)."""
    prior = GENESIS
    for expected, r in enumerate(receipts, start=1):
        problem = None
        if r.seq != expected:
            problem = f"sequence {r.seq} where {expected} was expected"
        elif r.previous_sha256 != prior:
            problem = "previous hash does not match the preceding receipt"
        elif receipt_hash(r.fields()) != r.receipt_sha256:
            problem = "receipt hash does not match its fields"
        elif contents.get((r.kind, r.record_id, r.version)) != r.content_sha256:
            problem = "the published content no longer has the hash its receipt holds"
        if problem is not None:
            return ChainCheck(node, len(receipts), expected, problem)
        prior = r.receipt_sha256
    return ChainCheck(node, len(receipts), None, None)
