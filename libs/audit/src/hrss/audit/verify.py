"""Walk a node's chain (and the checkpoints its parent holds) and name the first thing wrong with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hrss.audit.chain import AuditEntry, genesis, recompute

RENUMBER_WINDOW = 10_000


class Problem(StrEnum):
    ALTERED = "altered"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "tail_truncated"
    REWRITTEN = "rewritten"
    MISSING = "missing"


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head and size at a moment, as kept (signed) by the level above."""

    node: str
    size: int
    head_hash: str
    made_at: datetime


@dataclass(frozen=True)
class Finding:
    problem: Problem
    seq: int
    message: str


@dataclass(frozen=True)
class Report:
    node: str
    entries: int
    head_hash: str | None
    checkpoints: int
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def verify(
    node: str,
    entries: Sequence[AuditEntry] | None,
    checkpoints: Sequence[Checkpoint] = (),
    *,
    table_missing: bool = False,
) -> Report:
    """Check `entries` (ordered by seq) of `node`; the first problem found, if any, is in the report.

    A chain is missing when its table is gone (`table_missing`) or it is empty while a checkpoint says it was not.
    """
    entries = list(entries or [])
    finding = _missing(node, entries, checkpoints, table_missing) or _walk(node, entries)
    finding = finding or _against_checkpoints(entries, checkpoints)
    head = entries[-1].entry_hash if entries else None
    return Report(node, len(entries), head, len(checkpoints), finding)


def _missing(
    node: str, entries: list[AuditEntry], checkpoints: Sequence[Checkpoint], table_missing: bool
) -> Finding | None:
    largest = max((c.size for c in checkpoints), default=0)
    if table_missing:
        return Finding(Problem.MISSING, 1, f"节点 {node} 的审计表不存在（检查点记录了 {largest} 条）")
    if not entries and largest:
        return Finding(Problem.MISSING, 1, f"节点 {node} 的审计链不存在：检查点记录了 {largest} 条，现有 0 条")
    return None


def _walk(node: str, entries: list[AuditEntry]) -> Finding | None:
    by_hash = {e.entry_hash: e for e in entries}
    for i, entry in enumerate(entries):
        expected_seq = entries[i - 1].seq + 1 if i else 1
        expected_prev = entries[i - 1].entry_hash if i else genesis(node, entry.algorithm)
        before_previous = (entries[i - 2].entry_hash if i >= 2 else genesis(node, entry.algorithm)) if i else None
        if entry.node != node:
            return Finding(Problem.ALTERED, entry.seq, f"第 {entry.seq} 条记录的节点被改为 {entry.node}")
        if entry.seq > expected_seq:
            return Finding(Problem.DELETED, expected_seq, f"第 {expected_seq} 至 {entry.seq - 1} 条记录缺失（被删除）")
        if entry.seq < expected_seq:
            return Finding(Problem.INSERTED, entry.seq, f"第 {entry.seq} 条记录序号重复")
        if recompute(entry) != entry.entry_hash:
            return _content_mismatch(entry, expected_prev, before_previous, entries, i, by_hash)
        if entry.prev_hash != expected_prev:
            if entry.prev_hash == before_previous:
                seq = entries[i - 1].seq
                return Finding(Problem.INSERTED, seq, f"第 {seq} 条记录是后来插入的，不在原链中")
            if entry.prev_hash in by_hash:
                moved = by_hash[entry.prev_hash].seq
                return Finding(
                    Problem.REORDERED, entry.seq, f"第 {entry.seq} 条记录的前一条应为第 {moved} 条，顺序被调换"
                )
            seq = entries[i - 1].seq
            return Finding(Problem.ALTERED, seq, f"第 {seq} 条记录被改动并重新计算了哈希，与后一条的链接断开")
    return None


def _content_mismatch(
    entry: AuditEntry,
    expected_prev: str,
    before_previous: str | None,
    entries: list[AuditEntry],
    i: int,
    by_hash: dict[str, AuditEntry],
) -> Finding:
    original = _original_seq(entry)
    if original is None:
        following = entries[i + 1] if i + 1 < len(entries) else None
        if following is not None and following.prev_hash == expected_prev:
            return Finding(Problem.INSERTED, entry.seq, f"第 {entry.seq} 条记录是后来插入的，链条绕过了它")
        return Finding(Problem.ALTERED, entry.seq, f"第 {entry.seq} 条记录的内容与其哈希不符（被改动）")
    if i and entry.prev_hash == before_previous:
        seq = entries[i - 1].seq
        return Finding(Problem.INSERTED, seq, f"第 {seq} 条记录是后来插入的，其后记录被重新编号")
    if entry.prev_hash != expected_prev and entry.prev_hash in by_hash:
        return Finding(Problem.REORDERED, entry.seq, f"第 {entry.seq} 条记录原为第 {original} 条，顺序被调换")
    if original > entry.seq:
        missing = original - entry.seq
        return Finding(
            Problem.DELETED, entry.seq, f"第 {entry.seq} 条之前有 {missing} 条记录被删除，其后记录被重新编号"
        )
    return Finding(Problem.INSERTED, entry.seq, f"第 {entry.seq} 条记录原为第 {original} 条，之前有记录被插入")


def _original_seq(entry: AuditEntry) -> int | None:
    """The number an entry carried when it was sealed, if renumbering is all that changed."""
    for delta in range(1, RENUMBER_WINDOW):
        for seq in (entry.seq + delta, entry.seq - delta):
            if seq >= 1 and recompute(entry, seq) == entry.entry_hash:
                return seq
    return None


def _against_checkpoints(entries: list[AuditEntry], checkpoints: Sequence[Checkpoint]) -> Finding | None:
    for checkpoint in sorted(checkpoints, key=lambda c: c.size):
        if checkpoint.size > len(entries):
            return Finding(
                Problem.TRUNCATED,
                len(entries) + 1,
                f"节点 {checkpoint.node} 的检查点（{checkpoint.made_at:%Y-%m-%d %H:%M}）记录了 {checkpoint.size} 条，"
                f"现仅有 {len(entries)} 条：末尾记录被截断",
            )
        if checkpoint.size and entries[checkpoint.size - 1].entry_hash != checkpoint.head_hash:
            return Finding(
                Problem.REWRITTEN,
                checkpoint.size,
                f"节点 {checkpoint.node} 第 {checkpoint.size} 条记录的哈希与检查点不符：历史被改写",
            )
    return None
