"""The chain and its verifier on in-memory entries: every kind of tampering is named."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from hrss.audit import (
    Algorithm,
    AuditRecord,
    Checkpoint,
    Outcome,
    Problem,
    genesis,
    printable,
    recompute,
    seal,
    verify,
)

NODE = "330102"
T0 = datetime(2026, 3, 1, 1, 2, 3, 456789, tzinfo=UTC)


def record(i: int, **changes: object) -> AuditRecord:
    base = AuditRecord(
        actor=f"user-{i % 3}", actor_role="planner", action="task.publish", object_type="task", object_id=f"t{i}"
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def chain(n: int, algorithm: Algorithm = Algorithm.SHA256):  # type: ignore[no-untyped-def]
    entries, prev = [], genesis(NODE, algorithm)
    for i in range(1, n + 1):
        entry = seal(NODE, i, T0 + timedelta(seconds=i), record(i), str(algorithm), prev)
        entries.append(entry)
        prev = entry.entry_hash
    return entries


def renumber(entries):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(e, seq=i) for i, e in enumerate(entries, start=1)]


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_an_untouched_chain_verifies(algorithm):
    entries = chain(20, algorithm)
    report = verify(NODE, entries, [Checkpoint(NODE, 20, entries[-1].entry_hash, T0)])
    assert report.ok and report.entries == 20 and report.head_hash == entries[-1].entry_hash


def test_sha256_and_sm3_chains_differ():
    assert chain(1, Algorithm.SHA256)[0].entry_hash != chain(1, Algorithm.SM3)[0].entry_hash


def test_altered_content_is_named_at_its_entry():
    entries = chain(10)
    entries[4] = dataclasses.replace(entries[4], record=record(5, reason="改过"))
    finding = verify(NODE, entries).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.ALTERED, 5)


def test_altered_and_rehashed_content_breaks_the_link_to_the_next_entry():
    entries = chain(10)
    forged = seal(NODE, 5, entries[4].recorded_at, record(5, outcome=Outcome.REFUSED), "sha256", entries[3].entry_hash)
    entries[4] = forged
    finding = verify(NODE, entries).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.ALTERED, 5)


def test_a_deleted_entry_leaves_a_gap():
    entries = chain(10)
    del entries[6]
    finding = verify(NODE, entries).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.DELETED, 7)


def test_a_deleted_entry_hidden_by_renumbering_is_still_found():
    entries = chain(10)
    del entries[6]
    finding = verify(NODE, renumber(entries)).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.DELETED, 7)


def test_an_inserted_entry_is_named():
    entries = chain(10)
    forged = seal(NODE, 4, entries[3].recorded_at, record(99), "sha256", entries[2].entry_hash)
    entries = renumber([*entries[:3], forged, *entries[3:]])
    finding = verify(NODE, entries).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.INSERTED, 4)


def test_swapped_entries_are_reported_as_reordered():
    entries = chain(10)
    entries[3], entries[4] = entries[4], entries[3]
    finding = verify(NODE, renumber(entries)).finding
    assert finding is not None and finding.problem is Problem.REORDERED and finding.seq == 4


def test_a_truncated_tail_is_caught_against_the_parents_checkpoint():
    entries = chain(10)
    checkpoint = Checkpoint(NODE, 10, entries[-1].entry_hash, T0)
    assert verify(NODE, entries[:7]).ok  # the chain alone cannot know
    finding = verify(NODE, entries[:7], [checkpoint]).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.TRUNCATED, 8)


def test_a_history_rewritten_from_scratch_is_caught_against_the_checkpoint():
    entries = chain(10)
    checkpoint = Checkpoint(NODE, 6, entries[5].entry_hash, T0)
    rewritten, prev = [], genesis(NODE, "sha256")
    for e in entries:
        forged = seal(NODE, e.seq, e.recorded_at, dataclasses.replace(e.record, actor="someone-else"), "sha256", prev)
        rewritten.append(forged)
        prev = forged.entry_hash
    finding = verify(NODE, rewritten, [checkpoint]).finding
    assert finding is not None and (finding.problem, finding.seq) == (Problem.REWRITTEN, 6)


def test_a_chain_emptied_or_whose_table_is_gone_is_missing_against_its_checkpoint():
    entries = chain(4)
    checkpoint = Checkpoint(NODE, 4, entries[-1].entry_hash, T0)
    emptied = verify(NODE, [], [checkpoint]).finding
    assert emptied is not None and emptied.problem is Problem.MISSING and "4 条" in emptied.message
    gone = verify(NODE, None, [], table_missing=True).finding
    assert gone is not None and gone.problem is Problem.MISSING
    assert verify(NODE, []).ok  # a node that never wrote anything, and no checkpoint says otherwise


def test_an_entry_moved_to_another_node_is_altered():
    entries = chain(3)
    entries[1] = dataclasses.replace(entries[1], node="330106")
    finding = verify(NODE, entries).finding
    assert finding is not None and finding.problem is Problem.ALTERED


def test_hostile_text_changes_the_hash_and_prints_on_one_line():
    hostile = 'ok"\n\r\t\x00\x1b[31m\u2028；理由'
    entry = seal(NODE, 1, T0, record(1, reason=hostile, actor='a"b'), "sha256", genesis(NODE, "sha256"))
    assert recompute(entry) == entry.entry_hash
    assert recompute(dataclasses.replace(entry, record=record(1, reason=hostile[:-1], actor='a"b'))) != entry.entry_hash
    shown = printable(hostile)
    assert "\n" not in shown and "\r" not in shown and "\x1b" not in shown and "\u2028" not in shown
    assert shown.endswith("；理由") and "\\u000a" in shown
    assert json.loads(json.dumps(hostile)) == hostile
