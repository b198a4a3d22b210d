"""The audit entry and its hash chain; standard library only.

Each entry's hash covers its sequence number, its content and the previous entry's hash, so neither the
order nor the numbering of a node's history can change without breaking the chain. The content is encoded
as canonical JSON (a fixed list of fields, UTF-8, no whitespace), so any change of any field, including
newlines or control characters in a reason, changes the hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

FORMAT_VERSION = 1


class Algorithm(StrEnum):
    SHA256 = "sha256"
    SM3 = "sm3"


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    FAILED = "failed"


def digest(algorithm: Algorithm | str, data: bytes) -> str:
    """Hex digest of `data` with SHA-256 or SM3 (SM3 through the system OpenSSL)."""
    return hashlib.new(str(algorithm), data).hexdigest()


def genesis(node: str, algorithm: Algorithm | str) -> str:
    """The `prev_hash` of a node's first entry."""
    return digest(algorithm, f"HRSS-AUDIT-GENESIS|{node}".encode())


@dataclass(frozen=True)
class AuditRecord:
    """What happened: who did what to which object, why, and with what outcome."""

    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    outcome: Outcome = Outcome.OK
    actor_kind: str = "staff"
    object_version: int | None = None
    before_hash: str | None = None
    after_hash: str | None = None
    reason: str | None = None
    approval_id: str | None = None
    request_id: str | None = None
    event_id: str | None = None
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    """A record placed in a node's chain."""

    node: str
    seq: int
    recorded_at: datetime
    record: AuditRecord
    algorithm: str
    prev_hash: str
    entry_hash: str


def content_bytes(
    node: str, seq: int, recorded_at: datetime, record: AuditRecord, algorithm: str, prev_hash: str
) -> bytes:
    """The canonical bytes an entry's hash is computed over."""
    r = record
    fields = [
        FORMAT_VERSION,
        algorithm,
        prev_hash,
        node,
        seq,
        recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        r.actor,
        r.actor_role,
        r.actor_kind,
        r.action,
        r.object_type,
        r.object_id,
        r.object_version,
        r.before_hash,
        r.after_hash,
        r.reason,
        r.approval_id,
        r.request_id,
        r.event_id,
        str(r.outcome),
        sorted(r.detail.items()),
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(node: str, seq: int, recorded_at: datetime, record: AuditRecord, algorithm: str, prev_hash: str) -> AuditEntry:
    """Chain `record` after the entry whose hash is `prev_hash`."""
    entry_hash = digest(algorithm, content_bytes(node, seq, recorded_at, record, algorithm, prev_hash))
    return AuditEntry(node, seq, recorded_at, record, algorithm, prev_hash, entry_hash)


def recompute(entry: AuditEntry, seq: int | None = None) -> str:
    """The hash an entry ought to carry, from its content (as if numbered `seq`, if given)."""
    e = entry
    return digest(
        e.algorithm,
        content_bytes(e.node, e.seq if seq is None else seq, e.recorded_at, e.record, e.algorithm, e.prev_hash),
    )


def printable(text: str | None) -> str:
    """Text safe to show on one line: control characters and line breaks escaped, Chinese kept."""
    if text is None:
        return ""
    out = []
    for ch in text:
        if ch in "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
