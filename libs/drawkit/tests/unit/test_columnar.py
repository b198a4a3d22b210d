"""The columnar fast path gives exactly what the one-object-at-a-time path gives: leaves, leaf hashes, roots
(whole, streamed, chunked), tickets, the smallest tickets of a stratum, the selection and its picks. The
references here are the object path (`FrameEntry.leaf()`, `merkle.leaf_hash`, RFC 6962 written out) and the
implementation these functions replaced, copied below as it was."""

from __future__ import annotations

import hashlib
import heapq
import os
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrss.drawkit import frame as frames
from hrss.drawkit import merkle
from hrss.drawkit.encoding import SHA256, SHA256_AES, SM3, available, nfc_utf8_each, profile, utf8_each
from hrss.drawkit.frame import (
    REASONS,
    FrameColumns,
    FrameCommitment,
    FrameEntry,
    canonical,
    commitment,
    fresh_salts,
    in_canonical_order,
    leaf_hashes_columns,
    leaf_records_columns,
    snapshot_lines,
)
from hrss.drawkit.sampling import (
    DrawPlan,
    ItemRule,
    Pick,
    Selection,
    Tickets,
    aes_tickets,
    hash_tickets,
    item_quotas,
    select,
    select_groups,
    strata,
    strata_columns,
    stratum_order,
)
from hrss.drawkit.sampling.tickets import _smallest

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REASON_CODES = sorted(REASONS)


PROFILES = [
    SHA256,
    pytest.param(SM3, marks=pytest.mark.skipif(not available(SM3.name), reason="no SM3 in this OpenSSL")),
]


# --- the implementation the fast path replaced, as it was -------------------------------------------------------


def old_leaf_hashes(profile: Any, entries: Sequence[FrameEntry]) -> list[bytes]:
    return [merkle.leaf_hash(profile, entry.leaf()) for entry in entries]


def old_root_of_hashes(profile: Any, hashes: Sequence[bytes]) -> bytes:
    if not hashes:
        return bytes(profile.hash(b""))
    level = list(hashes)
    new = profile.new
    while len(level) > 1:
        paired = [new(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return bytes(level[0])


def old_smallest(prefix: Any, usccs: Sequence[str], wanted: int) -> list[bytes]:
    copy = prefix.copy

    def keyed(uscc: str) -> bytes:
        h = copy()
        raw = uscc.encode("utf-8")
        h.update(raw)
        return bytes(h.digest()) + raw

    if wanted >= len(usccs):
        return sorted(map(keyed, usccs))
    return heapq.nsmallest(wanted, map(keyed, usccs))


def old_select_groups(profile: Any, key: bytes, groups: Mapping[str, Sequence[str]], plan: DrawPlan) -> Selection:
    sizes = {name: len(usccs) for name, usccs in groups.items()}
    quotas = item_quotas(plan, sizes)
    jobs = [(name, max(quotas[name].values())) for name in sorted(groups)]
    jobs = [(name, wanted) for name, wanted in jobs if wanted > 0]
    chosen = [old_smallest(profile.new(key), groups[name], wanted) for name, wanted in jobs]
    picks = []
    for (name, _), smallest in zip(jobs, chosen, strict=True):
        row = quotas[name]
        for rank, keyed in enumerate(smallest):
            items = tuple(item.item_id for item in plan.items if rank < row[item.item_id])
            picks.append(Pick(keyed[32:].decode("utf-8"), name, rank, keyed[:32].hex(), items))
    ordered = sorted(picks, key=lambda p: (p.ticket, p.uscc.encode("utf-8")))
    if plan.batch_size:
        ordered = [replace(p, batch=i // plan.batch_size + 1) for i, p in enumerate(ordered)]
    return Selection(tuple(ordered), quotas, sizes)


def old_stratum_order(profile: Any, key: bytes, usccs: Sequence[str]) -> list[tuple[bytes, str]]:
    def ticket(uscc: str) -> bytes:
        h = profile.new(key)
        h.update(uscc.encode("utf-8"))
        return bytes(h.digest())

    return sorted(((ticket(u), u) for u in usccs), key=lambda p: (p[0], p[1].encode("utf-8")))


def mth(h: Callable[[bytes], bytes], hashes: Sequence[bytes]) -> bytes:
    """RFC 6962 §2.1 over already hashed leaves, recursively as the RFC states it."""
    if not hashes:
        return h(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return h(b"\x01" + mth(h, hashes[:k]) + mth(h, hashes[k:]))


# --- strategies -------------------------------------------------------------------------------------------------

# Text the fast path must treat exactly like the object path: separators other than the tab and LF (which no field
# may hold), line breaks that only `str.splitlines` knows, controls, characters that
# NFC composes (e + combining acute, Hangul jamo) or reorders (two combining marks), Chinese, astral characters.
TRICKY = "\x1e\x1f\x1d\x1c\x0b\x0c\x85\u2028\x00\x12\x7f e\u0301\u0323\u1100\u1161\uac00浙江é\U0001f600|"
texts = st.text(
    alphabet=st.sampled_from(TRICKY) | st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"),
    max_size=12,
).map(lambda text: unicodedata.normalize("NFC", text))  # a frame's text is in NFC: the rest is refused
codes = st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18)
salts = st.binary(min_size=16, max_size=16).map(bytes.hex)


@st.composite
def entries(draw: st.DrawFn, max_size: int = 40) -> list[FrameEntry]:
    """Frames of usccs of one length or of many, fields short or long (over 127 bytes: a length prefix with a byte
    of 0x80 or more), repetitive or all different."""
    size = draw(st.integers(0, max_size))
    uscc = draw(st.sampled_from([codes, texts, st.text("AB\u00e9 ", max_size=200)]))
    usccs = draw(st.lists(uscc, min_size=size, max_size=size, unique=True))
    few = draw(st.lists(texts, min_size=1, max_size=3))
    field = st.sampled_from(few) | texts | st.text("x", min_size=120, max_size=140)
    found = []
    for uscc_text in usccs:
        eligible = draw(st.booleans())
        reason = "" if eligible else draw(st.sampled_from(REASON_CODES))
        found.append(
            FrameEntry(uscc_text, draw(field), draw(field), draw(field), draw(field), eligible, reason, draw(salts))
        )
    return found


def columns_of(entries: Sequence[FrameEntry]) -> list[Sequence[Any]]:
    return list(FrameColumns.of(entries).fields())


# --- leaves and leaf hashes -------------------------------------------------------------------------------------


@SETTINGS
@given(entries())
def test_columnar_leaves_are_the_object_leaves_byte_for_byte(frame: list[FrameEntry]) -> None:
    assert leaf_records_columns(*columns_of(frame)) == [e.leaf() for e in frame]
    assert leaf_hashes_columns(SHA256, *columns_of(frame)) == old_leaf_hashes(SHA256, frame)


@pytest.mark.parametrize("chosen", PROFILES)
def test_columnar_leaf_hashes_in_each_hash_profile(chosen: Any) -> None:
    frame = [
        FrameEntry(f"U{i:03d}", f"e{i}", "330102", "用人单位", f"330102|用人单位|{'ABCD'[i % 4]}", i % 3 > 0,
                   "" if i % 3 else REASON_CODES[i % len(REASON_CODES)], f"{i:032x}")
        for i in range(300)
    ]  # fmt: skip
    assert leaf_hashes_columns(chosen, *columns_of(frame)) == old_leaf_hashes(chosen, frame)
    assert frames.leaf_hashes(chosen, frame) == old_leaf_hashes(chosen, frame)
    assert commitment(chosen, frame) == old_root_of_hashes(chosen, old_leaf_hashes(chosen, frame))


def test_columnar_leaves_in_chunks_are_the_object_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = [
        FrameEntry(f"9133{i:014d}", f"e-{i}", "33" + str(i % 7), "A", f"s{i % 5}", True, "", f"{i * 7919:032x}")
        for i in range(1000)
    ]
    monkeypatch.setattr(frames, "CHUNK", 64)
    assert leaf_hashes_columns(SHA256, *columns_of(frame)) == old_leaf_hashes(SHA256, frame)
    assert leaf_records_columns(*columns_of(frame)) == [e.leaf() for e in frame]


def test_columns_of_an_empty_frame() -> None:
    assert leaf_records_columns([], [], [], [], [], [], [], []) == []
    assert leaf_hashes_columns(SHA256, [], [], [], [], [], [], [], []) == []
    assert commitment(SHA256, []) == SHA256.hash(b"")


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        leaf_records_columns(["0" * 32], ["U"], ["e"], ["r"], ["o"], ["s"], [True], [])


BAD_ROWS = [
    ({"salt": "0" * 31}, "the salt must be 32 lower-case hex digits"),
    ({"salt": "0" * 33}, "the salt must be 32 lower-case hex digits"),
    ({"salt": "A" * 32}, "the salt must be 32 lower-case hex digits"),
    ({"salt": "0" * 30 + " 0"}, "the salt must be 32 lower-case hex digits"),
    ({"salt": "0" * 31 + "\n"}, "the salt must be 32 lower-case hex digits"),
    ({"salt": "g" * 32}, "the salt must be 32 lower-case hex digits"),
    ({"reason": "closed"}, "an eligible entity has no exclusion reason"),
    ({"eligible": False}, "unknown exclusion reason ''"),
    ({"eligible": False, "reason": "bankrupt"}, "unknown exclusion reason 'bankrupt'"),
    ({"entity_id": "e\tf"}, "entity_id holds a tab or a line break"),
    ({"region_code": "r\n"}, "region_code holds a tab or a line break"),
    ({"object_type": "\ro"}, "object_type holds a tab or a line break"),
    ({"stratum": "Cafe\u0301"}, "stratum is not in Unicode NFC"),
    ({"object_type": "\uf900"}, "object_type is not in Unicode NFC"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ROWS)
def test_a_row_frame_entry_refuses_is_refused_with_the_same_message(change: dict[str, Any], message: str) -> None:
    rows = [
        {"uscc": f"U{i}", "entity_id": "e", "region_code": "r", "object_type": "o", "stratum": "s",
         "eligible": True, "reason": "", "salt": f"{i:032x}"}
        for i in range(5)
    ]  # fmt: skip
    rows[3] = {**rows[3], **change}
    with pytest.raises(ValueError) as by_object:
        [FrameEntry.from_json(r) for r in rows]
    columns = FrameColumns.from_json(rows)
    for attempt in (lambda: leaf_records_columns(*columns.fields()), columns.check):  # type: ignore[arg-type]
        with pytest.raises(ValueError) as by_columns:
            attempt()
        assert str(by_columns.value) == str(by_object.value) == f"U3: {message}"


def test_columns_from_json_refuse_an_eligible_that_is_not_a_boolean() -> None:
    row = {"uscc": "U", "entity_id": "e", "region_code": "r", "object_type": "o", "stratum": "s", "reason": "",
           "salt": "0" * 32}  # fmt: skip
    with pytest.raises(ValueError, match="U: eligible must be true or false"):
        FrameColumns.from_json([{**row, "eligible": 1}])


@SETTINGS
@given(entries())
def test_columns_round_trip_through_json_and_entries(frame: list[FrameEntry]) -> None:
    columns = FrameColumns.from_json([e.to_json() for e in frame])
    assert columns == FrameColumns.of(frame)
    assert columns.entries() == frame
    assert columns.size == len(frame)


def test_eligible_given_as_truth_values_encodes_as_the_object_path() -> None:
    entry = FrameEntry("U", "e", "r", "o", "s", True, "", "0" * 32)
    assert leaf_records_columns(["0" * 32] * 2, ["U", "V"], ["e"] * 2, ["r"] * 2, ["o"] * 2, ["s"] * 2,
                                [1, "yes"], [""] * 2)[0] == entry.leaf()  # type: ignore[list-item]  # fmt: skip


# --- text in bulk -----------------------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(texts, max_size=30))
def test_bulk_utf8_is_each_text_encoded(values: list[str]) -> None:
    assert utf8_each(values) == [v.encode("utf-8") for v in values]
    assert nfc_utf8_each(values) == [unicodedata.normalize("NFC", v).encode("utf-8") for v in values]


def test_bulk_utf8_refuses_what_encode_refuses() -> None:
    with pytest.raises(UnicodeEncodeError):
        utf8_each(["a", "\ud800"])


# --- canonical order and salts ----------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(texts, max_size=20))
def test_canonical_order_is_strictly_increasing_uscc_bytes(usccs: list[str]) -> None:
    ordered = sorted(set(usccs), key=lambda u: u.encode())
    assert in_canonical_order(ordered)
    entries = [FrameEntry(u, "e", "r", "o", "s", True, "", "0" * 32) for u in usccs]
    try:
        is_canonical = canonical(entries) == entries
    except ValueError:  # a uscc twice
        is_canonical = False
    assert in_canonical_order(usccs) == is_canonical


def test_fresh_salts_are_32_hex_digits_each_and_differ() -> None:
    found = fresh_salts(1000)
    assert len(found) == 1000 == len(set(found))
    assert all(len(s) == 32 and int(s, 16) >= 0 and s == s.lower() for s in found)
    assert fresh_salts(0) == []
    FrameColumns.of([FrameEntry(f"U{i}", "e", "r", "o", "s", True, "", s) for i, s in enumerate(found)]).check()


# --- the Merkle root --------------------------------------------------------------------------------------------


def hashes_of(size: int) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + f"leaf-{i}".encode()).digest() for i in range(size)]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@pytest.mark.parametrize("size", [*range(70), 127, 128, 129, 1000, 1025])
def test_the_root_of_hashes_is_rfc_6962(size: int) -> None:
    hashes = hashes_of(size)
    assert merkle.root_of_hashes(SHA256, hashes) == mth(sha256, hashes) == old_root_of_hashes(SHA256, hashes)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257])
@pytest.mark.parametrize("subtree", [1, 2, 4, 8])
def test_a_streamed_root_in_any_chunks_is_the_root(monkeypatch: pytest.MonkeyPatch, size: int, subtree: int) -> None:
    monkeypatch.setattr(merkle, "SUBTREE", subtree)
    hashes = hashes_of(size)
    for step in (1, 3, subtree, size or 1):
        built = merkle.RootBuilder(SHA256)
        for start in range(0, size, step):
            built.extend(hashes[start : start + step])
        assert built.size == size
        assert built.root() == mth(sha256, hashes), (size, subtree, step)


def test_a_streamed_root_with_the_real_subtree_size() -> None:
    hashes = hashes_of(merkle.SUBTREE * 2 + 5)
    built = merkle.RootBuilder(SHA256)
    built.extend(hashes[:100])
    built.extend(hashes[100:])
    assert built.root() == old_root_of_hashes(SHA256, hashes)


@pytest.mark.parametrize("chosen", PROFILES)
def test_leaf_hashes_and_roots_of_records(chosen: Any) -> None:
    leaves = [f"leaf-{i}".encode() for i in range(37)]
    assert merkle.leaf_hashes(chosen, leaves) == [merkle.leaf_hash(chosen, leaf) for leaf in leaves]
    assert chosen.hash_each(leaves) == [chosen.hash(leaf) for leaf in leaves]
    assert merkle.root(chosen, leaves) == old_root_of_hashes(chosen, [merkle.leaf_hash(chosen, x) for x in leaves])


# --- the streamed frame commitment ------------------------------------------------------------------------------


@SETTINGS
@given(entries(), st.integers(1, 9))
def test_a_streamed_frame_commitment_is_the_frame_root(frame: list[FrameEntry], step: int) -> None:
    ordered = canonical(frame)
    streamed = FrameCommitment(SHA256)
    for start in range(0, len(ordered), step):
        streamed.add(FrameColumns.of(ordered[start : start + step]))
    assert streamed.size == len(ordered)
    assert streamed.root() == old_root_of_hashes(SHA256, old_leaf_hashes(SHA256, ordered))


def test_a_streamed_commitment_refuses_a_frame_out_of_order_within_or_across_chunks() -> None:
    entries = [FrameEntry(f"U{i:02d}", "e", "r", "o", "s", True, "", "0" * 32) for i in range(6)]
    for broken in (
        [entries[:3], [entries[4], entries[3]]],  # within a chunk
        [entries[:3], entries[2:4]],  # a uscc twice, across chunks
        [entries[3:], entries[:3]],  # across chunks
        [[entries[1], entries[1]]],  # twice within
    ):
        streamed = FrameCommitment(SHA256)
        with pytest.raises(ValueError, match="canonical order"):
            for chunk in broken:
                streamed.add(FrameColumns.of(chunk))


# --- tickets and the selection ----------------------------------------------------------------------------------

keys = st.binary(min_size=32, max_size=32)
usccs_lists = st.lists(codes | texts, max_size=60, unique=True)


@SETTINGS
@given(keys, usccs_lists)
def test_tickets_and_stratum_order_are_the_old_ones(key: bytes, usccs: list[str]) -> None:
    tickets = Tickets(SHA256, key)
    assert tickets.many(utf8_each(usccs)) == [hashlib.sha256(key + u.encode()).digest() for u in usccs]
    assert [tickets.of(u) for u in usccs] == [hashlib.sha256(key + u.encode()).digest() for u in usccs]
    assert stratum_order(tickets, usccs) == old_stratum_order(SHA256, key, usccs)


@SETTINGS
@given(keys, usccs_lists, st.integers(1, 70))
def test_the_smallest_tickets_of_a_stratum_are_the_old_ones(key: bytes, usccs: list[str], wanted: int) -> None:
    found = _smallest(hash_tickets(SHA256, key), 32, usccs, wanted)
    assert found == old_smallest(SHA256.new(key), usccs, wanted)


def test_the_smallest_tickets_of_a_large_stratum_take_the_bound_and_are_the_old_ones() -> None:
    key = b"k" * 32
    usccs = [f"91330102MA{i:08d}" for i in range(20_000)]
    for wanted in (1, 2, 17, 1000, 5000, 19_999, 20_000, 30_000):
        found = _smallest(hash_tickets(SHA256, key), 32, usccs, wanted)
        assert found == old_smallest(SHA256.new(key), usccs, wanted), wanted


def test_the_smallest_tickets_are_exact_when_the_bound_keeps_too_few_or_tickets_tie() -> None:
    """Tickets that are not uniform (all large, or all equal) defeat the bound: the whole stratum is sorted."""
    usccs = [f"U{i:03d}" for i in reversed(range(300))]

    def high(raws: Sequence[bytes]) -> list[bytes]:
        return [b"\xff" * 31 + bytes([len(r) + i % 7]) for i, r in enumerate(raws)]

    def tied(raws: Sequence[bytes]) -> list[bytes]:
        return [b"\x00" * 32 for _ in raws]

    for tickets in (high, tied):
        keyed = sorted(t + u.encode() for t, u in zip(tickets(utf8_each(usccs)), usccs, strict=True))
        for wanted in (1, 10, 299, 300):
            assert _smallest(tickets, 32, usccs, wanted) == keyed[:wanted]
    assert [k[32:] for k in _smallest(tied, 32, usccs, 3)] == [b"U000", b"U001", b"U002"]


fractions = st.sampled_from(sorted({Fraction(n, d) for d in range(1, 9) for n in range(d + 1)}))


@st.composite
def plans(draw: st.DrawFn) -> DrawPlan:
    items = tuple(
        ItemRule(f"i{n}", draw(st.none() | fractions), draw(st.sampled_from([0, 0, 1, 3, 20])))
        for n in range(draw(st.integers(1, 4)))
    )
    by_stratum = draw(st.dictionaries(st.sampled_from(["s0", "s1", "s2"]), fractions, max_size=2))
    return DrawPlan(items, by_stratum, draw(st.integers(0, 5)))


groups_strategy = st.dictionaries(st.sampled_from(["s0", "s1", "s2", "s3"]), usccs_lists, max_size=4)


@SETTINGS
@given(keys, groups_strategy, plans())
def test_the_selection_is_the_old_one(key: bytes, groups: dict[str, list[str]], plan: DrawPlan) -> None:
    assert select_groups(SHA256, key, groups, plan) == old_select_groups(SHA256, key, groups, plan)


def test_the_selection_of_a_large_frame_is_the_old_one() -> None:
    groups = {f"s{k}": [f"91330102MA{k:02d}{i:06d}" for i in range(200 + 1500 * k)] for k in range(6)}
    plan = DrawPlan((ItemRule("a", Fraction(1, 20)), ItemRule("b", Fraction(1, 7), 300)), {"s2": Fraction(1, 2)}, 50)
    assert select_groups(SHA256, b"x" * 32, groups, plan) == old_select_groups(SHA256, b"x" * 32, groups, plan)


@SETTINGS
@given(entries())
def test_strata_of_columns_are_the_strata_of_entries(frame: list[FrameEntry]) -> None:
    columns = FrameColumns.of(frame)
    found = strata_columns(columns.usccs, columns.strata, columns.eligible)
    assert found == strata(frame)
    assert list(found) == list(strata(frame))


# --- the fast profile: AES tickets ------------------------------------------------------------------------------


def reference_aes_ticket(key: bytes, uscc: str) -> bytes:
    """docs/draw-spec.md §6.4 as it reads: the last block of AES-256-CBC, zero IV, over u8(len) ‖ uscc ‖ zeros."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    u = uscc.encode("utf-8")
    message = bytes([len(u)]) + u + bytes(31 - len(u))
    assert len(message) == 32
    return Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor().update(message)[16:]


def reference_aes_ticket_from_blocks(key: bytes, uscc: str) -> bytes:
    """The same as the formula t = AES(AES(m1) ⊕ m2), one block at a time."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    u = uscc.encode("utf-8")
    message = bytes([len(u)]) + u + bytes(31 - len(u))
    block = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    first = block.update(message[:16])
    return block.update(bytes(a ^ b for a, b in zip(first, message[16:], strict=True)))


short_usccs = st.text(max_size=31).filter(lambda u: len(u.encode()) <= 31)


@SETTINGS
@given(keys, st.lists(short_usccs, max_size=40, unique=True), st.booleans())
def test_aes_tickets_are_the_cbc_mac_of_the_spec(key: bytes, usccs: list[str], same_length: bool) -> None:
    if same_length:
        usccs = [u for u in usccs if len(u.encode()) == len(usccs[0].encode())] if usccs else []
    found = aes_tickets(key)(utf8_each(usccs))
    assert found == [reference_aes_ticket(key, u) for u in usccs]
    assert found == [reference_aes_ticket_from_blocks(key, u) for u in usccs]
    assert all(len(t) == 16 for t in found)


def test_aes_tickets_of_a_whole_stratum_of_usccs() -> None:
    key = os.urandom(32)
    usccs = [f"91330102MA{i:08d}" for i in range(5000)]
    assert aes_tickets(key)(utf8_each(usccs)) == [reference_aes_ticket(key, u) for u in usccs]
    tickets = Tickets(SHA256_AES, key)
    assert tickets.size == 16 and tickets.of(usccs[7]) == reference_aes_ticket(key, usccs[7])


def test_an_aes_uscc_longer_than_31_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 31"):
        aes_tickets(b"k" * 32)([b"x" * 32])
    with pytest.raises(ValueError, match="at most 31"):
        aes_tickets(b"k" * 32)([b"x", "浙江省杭州市西湖区一二".encode()])
    from hrss.drawkit.package import DrawProcedure

    entry = FrameEntry("X" * 32, "e", "r", "o", "s", False, "closed", "0" * 32)
    plan = DrawPlan((ItemRule("x", Fraction(1, 2)),))
    with pytest.raises(ValueError, match="at most 31"):
        DrawProcedure(SHA256_AES, "D", {}, [entry], plan, lambda: "t", "00", "00", "dice")
    DrawProcedure(SHA256, "D", {}, [entry], plan, lambda: "t", "00", "00", "dice")  # any length in the hash profiles


@SETTINGS
@given(keys, groups_strategy.map(lambda g: {k: [u for u in v if len(u.encode()) <= 31] for k, v in g.items()}), plans())
def test_the_aes_selection_is_the_reference_selection(key: bytes, groups: dict[str, list[str]], plan: DrawPlan) -> None:
    """The picks of the fast profile: the q_s smallest (AES ticket, uscc) of each stratum, in global order."""
    chosen = select_groups(SHA256_AES, key, groups, plan)
    quotas = item_quotas(plan, {k: len(v) for k, v in groups.items()})
    expected = []
    for name, usccs in sorted(groups.items()):  # strata by key: the order of equal picks (a uscc in two groups)
        order = sorted(usccs, key=lambda u: (reference_aes_ticket(key, u), u.encode()))
        row = quotas[name]
        for rank, u in enumerate(order[: max(row.values(), default=0)]):
            items = tuple(i.item_id for i in plan.items if rank < row[i.item_id])
            expected.append(Pick(u, name, rank, reference_aes_ticket(key, u).hex(), items))
    expected.sort(key=lambda p: (bytes.fromhex(p.ticket), p.uscc.encode()))
    if plan.batch_size:
        expected = [replace(p, batch=i // plan.batch_size + 1) for i, p in enumerate(expected)]
    assert list(chosen.picks) == expected


def test_the_aes_profile_keeps_sha256_for_everything_but_tickets() -> None:
    assert SHA256_AES.hash(b"abc") == SHA256.hash(b"abc")
    assert SHA256_AES.new is SHA256.new and SHA256_AES.ticket_size == 16
    assert profile("hrss-draw/sha256-aes/v1") is SHA256_AES
    entries = [FrameEntry(f"U{i}", "e", "r", "o", "s", True, "", f"{i:032x}") for i in range(9)]
    assert commitment(SHA256_AES, entries) == commitment(SHA256, entries)
    key = b"q" * 32
    picks = select(SHA256_AES, key, entries, DrawPlan((ItemRule("x", Fraction(1, 3)),))).picks
    assert all(len(p.ticket) == 32 and bytes.fromhex(p.ticket) == reference_aes_ticket(key, p.uscc) for p in picks)


def test_the_aes_profile_says_it_needs_cryptography_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)  # import cryptography → ImportError
    with pytest.raises(ValueError, match="needs the `cryptography` package"):
        profile("hrss-draw/sha256-aes/v1")
    assert profile("hrss-draw/sha256/v1") is SHA256
    from hrss.drawkit.verify import verify_public

    report = verify_public({"profile": "hrss-draw/sha256-aes/v1", "log": []})
    assert report.names(passing=False) == ["profile"]
    assert "cryptography" in report.checks[0].detail


def test_a_tampered_aes_ticket_is_caught() -> None:
    from hrss.drawkit.vectors import generate
    from hrss.drawkit.verify import verify_auditor

    draw, _ = generate.aes_profile()
    package = draw.auditor_package()
    assert verify_auditor(package).ok
    package["picks"][0]["ticket"] = reference_aes_ticket(b"\x00" * 32, package["picks"][0]["uscc"]).hex()
    assert "tickets" in verify_auditor(package).names(passing=False)


# --- the streamed re-verification (hrss.drawkit.stream) ---------------------------------------------------------

from hrss.drawkit.stream import check_stream, ticket_bounds  # noqa: E402


def block_of(frame: Sequence[FrameEntry]) -> bytes:
    """The snapshot lines of the entries, as `snapshot_lines` writes them."""
    return b"".join(snapshot_lines(*FrameColumns.of(frame).fields()))


def stream_of(frame: Sequence[FrameEntry], size: int) -> list[bytes]:
    return [block_of(frame[start : start + size]) for start in range(0, len(frame), size)]


def streamed(chosen: Any, key: bytes, frame: Sequence[FrameEntry], picks: Sequence[Pick], size: int) -> Any:
    """check_stream over chunks of `size` rows, with subtrees of that size (a power of two)."""
    bounds = ticket_bounds(chosen, key, [(p.uscc, p.stratum) for p in picks])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(merkle, "SUBTREE", size)
        return check_stream(chosen, key, bounds, stream_of(frame, size), lambda chunk: chunk)


draw_plans = st.builds(
    lambda f, m, b: DrawPlan((ItemRule("x", f, m),), {}, b), fractions, st.sampled_from([0, 1, 4]), st.integers(0, 3)
)


@SETTINGS
@given(entries(max_size=30), keys, draw_plans, st.sampled_from([1, 2, 4, 8]))
def test_the_streamed_check_redraws_the_selection_and_the_root(
    frame: list[FrameEntry], key: bytes, plan: DrawPlan, subtree: int
) -> None:
    ordered = canonical(frame)
    chosen = select(SHA256, key, ordered, plan)
    found = streamed(SHA256, key, ordered, chosen.picks, subtree)
    assert found.ordered and found.size == len(ordered)
    assert found.root == commitment(SHA256, ordered)
    assert found.sizes == {s: len(u) for s, u in strata(ordered).items()}
    selection, short = found.selection(SHA256, plan)
    assert short == [] and selection == chosen
    key_order = Tickets(SHA256, key)
    for name, members in strata(ordered).items():
        prefix = found.stratum_order(name)
        assert prefix == stratum_order(key_order, members)[: len(prefix)]


def test_the_streamed_check_fails_a_wrong_selection() -> None:
    key = b"s" * 32
    frame = [FrameEntry(f"U{i:03d}", "e", "r", "o", f"s{i % 3}", True, "", f"{i:032x}") for i in range(120)]
    plan = DrawPlan((ItemRule("x", Fraction(1, 4)),))
    picks = list(select(SHA256, key, frame, plan).picks)
    # the last pick of a stratum left out: its bound is lower, the stratum is short of its quota
    last = max((p for p in picks if p.stratum == "s1"), key=lambda p: p.rank)
    _, short = streamed(SHA256, key, frame, [p for p in picks if p is not last], 8).selection(SHA256, plan)
    assert short == ["s1"]
    # a pick replaced by an entity further down its stratum: the bound is higher, the re-draw differs
    order = [u for _, u in stratum_order(Tickets(SHA256, key), strata(frame)["s1"])]
    outsider = order[-1]
    forged = [replace(p, uscc=outsider) if p is last else p for p in picks]
    selection, short = streamed(SHA256, key, frame, forged, 8).selection(SHA256, plan)
    assert short == [] and selection.picks == tuple(picks) and tuple(picks) != tuple(forged)
    # out of canonical order
    assert not streamed(SHA256, key, [*frame[8:16], *frame[:8]], picks, 8).ordered


def test_the_streamed_check_of_the_aes_profile() -> None:
    key = b"a" * 32
    frame = canonical(FrameEntry(f"9133{i:014d}", "e", "r", "o", f"s{i % 5}", i % 7 > 0, "" if i % 7 else "closed",
                                 f"{i:032x}") for i in range(700))  # fmt: skip
    plan = DrawPlan((ItemRule("x", Fraction(1, 10)), ItemRule("y", None, 40)), batch_size=7)
    chosen = select(SHA256_AES, key, frame, plan)
    found = streamed(SHA256_AES, key, frame, chosen.picks, 64)
    assert found.root == commitment(SHA256, frame)
    assert found.selection(SHA256_AES, plan) == (chosen, [])


def test_the_streamed_check_in_forked_workers_is_the_same() -> None:
    """In a fresh interpreter: this session is monkey-patched by eventlet, under which pools are not used."""
    import json
    import subprocess
    import textwrap

    program = textwrap.dedent(
        """
        import json
        from fractions import Fraction
        from hrss.drawkit import merkle
        from hrss.drawkit.encoding import SHA256
        from hrss.drawkit.frame import FrameColumns, FrameEntry, commitment, snapshot_lines
        from hrss.drawkit.sampling import DrawPlan, ItemRule, select
        from hrss.drawkit.stream import check_stream, ticket_bounds
        merkle.SUBTREE = 64
        frame = [FrameEntry(f"U{i:05d}", "e", "r", "o", f"s{i % 9}", True, "", f"{i:032x}") for i in range(3000)]
        plan = DrawPlan((ItemRule("x", Fraction(1, 20)),))
        picks = select(SHA256, b"k" * 32, frame, plan)
        bounds = ticket_bounds(SHA256, b"k" * 32, [(p.uscc, p.stratum) for p in picks.picks])
        chunks = [frame[i : i + 64] for i in range(0, len(frame), 64)]
        def read(chunk):
            return b"".join(snapshot_lines(*FrameColumns.of(chunk).fields()))
        found = [check_stream(SHA256, b"k" * 32, bounds, chunks, read, workers=w) for w in (1, 2)]
        print(json.dumps([found[0] == found[1], found[1].root == commitment(SHA256, frame),
                          found[1].selection(SHA256, plan) == (picks, [])]))
        """
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == [True, True, True]


def test_the_snapshot_file_in_blocks_is_the_frame(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`file_blocks` cuts a snapshot file written by `snapshot_lines` into blocks of SUBTREE lines, whatever the
    read size, and the stream over them finds the frame's root."""
    from hrss.drawkit.stream import file_blocks, read_block

    frame = canonical(FrameEntry(f"9133{i:014d}", f"e{i}", "330102", "用人单位", f"s{i % 3}", True, "",
                                 f"{i:032x}") for i in range(1000))  # fmt: skip
    path = tmp_path / "frame.tsv"
    path.write_bytes(block_of(frame))
    assert path.read_text(encoding="utf-8").splitlines() == [e.line() for e in frame]
    monkeypatch.setattr(merkle, "SUBTREE", 64)
    for read_size in (1, 100, 4096, 1 << 20):
        blocks = [read_block(b) for b in file_blocks(path, read_size)]
        assert blocks == stream_of(frame, 64)
    found = check_stream(SHA256, b"k" * 32, {}, file_blocks(path), read_block)
    assert found.root == commitment(SHA256, frame) and found.size == 1000 and found.ordered


GOOD_LINE = "0" * 32 + "\tU1\te\tr\to\ts\t1\t"
BAD_BLOCKS = [
    (GOOD_LINE.encode(), "ends inside a line"),
    (b"x\ty\n", "does not hold the 8 leaf fields"),
    ((GOOD_LINE + "\textra\n").encode(), "does not hold the 8 leaf fields"),
    (("0" * 31 + "g" + GOOD_LINE[32:] + "\n").encode(), "U1: the salt must be 32 lower-case hex digits"),
    (("A" * 32 + GOOD_LINE[32:] + "\n").encode(), "U1: the salt must be 32 lower-case hex digits"),
    ((GOOD_LINE[:-2] + "2\t\n").encode(), "U1: eligible must be 1 or 0"),
    ((GOOD_LINE[:-2] + "1\tclosed\n").encode(), "U1: an eligible entity has no exclusion reason"),
    ((GOOD_LINE[:-2] + "0\tbankrupt\n").encode(), "U1: unknown exclusion reason 'bankrupt'"),
    ((GOOD_LINE.replace("\to\t", "\to\r\t") + "\n").encode(), "carriage return or text not in NFC"),
    ((GOOD_LINE.replace("\to\t", "\te\u0301\t") + "\n").encode(), "carriage return or text not in NFC"),
    (GOOD_LINE.encode().replace(b"\to\t", b"\t\xff\t") + b"\n", "is not UTF-8"),
]


@pytest.mark.parametrize(("block", "message"), BAD_BLOCKS)
def test_a_snapshot_block_frame_entry_would_refuse_is_refused(block: bytes, message: str) -> None:
    good = (GOOD_LINE + "\n").encode()
    with pytest.raises(ValueError, match=message):
        check_stream(SHA256, b"k" * 32, {}, [good.replace(b"U1", b"U0") + block], lambda chunk: chunk)


def test_the_leaf_is_the_tagged_line_of_the_specifications_example() -> None:
    """docs/draw-spec.md §4.1, written out: the tag and the eight fields joined by tabs, in UTF-8."""
    entry = FrameEntry("91330102MA2BCMA36L", "e-1", "330102", "企业", "330102|企业|A", True, "",
                       "000102030405060708090a0b0c0d0e0f")  # fmt: skip
    expected = (
        "hrss-draw/v1/frame-line\t000102030405060708090a0b0c0d0e0f\t91330102MA2BCMA36L\te-1\t330102\t企业\t"
        "330102|企业|A\t1\t"
    )
    assert entry.leaf() == expected.encode("utf-8")
    assert entry.line() == expected.split("\t", 1)[1]
    assert merkle.leaf_hash(SHA256, entry.leaf()) == hashlib.sha256(b"\x00" + expected.encode("utf-8")).digest()
    closed = FrameEntry("U", "e", "r", "o", "s", False, "closed", "0" * 32)
    assert closed.leaf().endswith(b"\ts\t0\tclosed")
