"""The frame (抽查对象名单快照): every in-scope entity with its stratum and eligibility, as salted leaves in
canonical order, and its commitment (docs/draw-spec.md §4).

A leaf is the UTF-8 of its tag and its eight fields joined by tabs; no field holds a tab or a line break. The same
fields without the tag are the entity's line of the frame snapshot (§4.3), so that a verifier hashes the lines of
the snapshot file as they are, without rebuilding a record per entity (hrss.drawkit.stream).

Two paths give the same bytes. `FrameEntry.leaf()` builds one leaf from one object. The columnar path
(`leaf_records_columns`, `leaf_hashes_columns`, `snapshot_lines`, `FrameCommitment`) takes the frame as columns,
one list per leaf field, and builds the lines of a chunk of rows with one tab join per row and one newline join,
UTF-8 encoding and split per chunk: it is what commits frames of millions of entities.
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from itertools import compress, repeat
from typing import Any

from hrss.drawkit import merkle
from hrss.drawkit.encoding import Profile, utf8_each

FRAME_LEAF = "hrss-draw/v1/frame-line"

# Exclusion reason codes (docs/draw-spec.md §4.1); "" for an eligible entity.
REASONS = {
    "recently_inspected": "近期已检查（无事不扰）",
    "deregistered": "已注销或吊销",
    "closed": "停业或歇业",
    "do_not_disturb": "列入免检或“无事不扰”名单",
    "moved_out": "已迁出本辖区",
    "out_of_object_types": "检查对象类型不在任务范围内",
    "not_in_tags": "不具备任务要求的标注",
    "out_of_grades": "信用等级不在任务范围内",
}


@dataclass(frozen=True)
class FrameEntry:
    """One entity of the frame. `stratum` is its stratum key; `salt` is 32 hex digits of fresh randomness."""

    uscc: str
    entity_id: str
    region_code: str
    object_type: str
    stratum: str
    eligible: bool
    reason: str
    salt: str

    def __post_init__(self) -> None:
        if self.eligible and self.reason:
            raise ValueError(f"{self.uscc}: an eligible entity has no exclusion reason")
        if not self.eligible and self.reason not in REASONS:
            raise ValueError(f"{self.uscc}: unknown exclusion reason {self.reason!r}")
        if len(self.salt) != 32 or not _SALT(self.salt):
            raise ValueError(f"{self.uscc}: the salt must be 32 lower-case hex digits")
        _refuse_text((self.uscc, self.entity_id, self.region_code, self.object_type, self.stratum))

    def line(self) -> str:
        """The entity's line of the frame snapshot (§4.3): salt, uscc, entity id, region, object type, stratum,
        eligible (1/0), reason, joined by tabs."""
        flag = "1" if self.eligible else "0"
        fields = (self.salt, self.uscc, self.entity_id, self.region_code, self.object_type, self.stratum, flag)
        return "\t".join((*fields, self.reason))

    def leaf(self) -> bytes:
        """The leaf (§4.1): UTF-8 of the tag and the line, joined by a tab."""
        return _HEAD + self.line().encode("utf-8")

    def to_json(self) -> dict[str, object]:
        return {
            "uscc": self.uscc,
            "entity_id": self.entity_id,
            "region_code": self.region_code,
            "object_type": self.object_type,
            "stratum": self.stratum,
            "eligible": self.eligible,
            "reason": self.reason,
            "salt": self.salt,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FrameEntry:
        if not isinstance(data["eligible"], bool):
            raise ValueError(f"{data['uscc']}: eligible must be true or false")
        return cls(
            str(data["uscc"]),
            str(data["entity_id"]),
            str(data["region_code"]),
            str(data["object_type"]),
            str(data["stratum"]),
            bool(data["eligible"]),
            str(data["reason"]),
            str(data["salt"]),
        )


_SALT = re.compile("[0-9a-f]{32}").fullmatch
_BREAK = re.compile("[\t\n\r]").search
_TEXT_FIELDS = ("uscc", "entity_id", "region_code", "object_type", "stratum")


def _refuse_text(values: Sequence[str]) -> None:
    """`ValueError` naming the first of the text fields (uscc, entity id, region, object type, stratum) that holds
    a tab or a line break (the leaf joins its fields by tabs, the snapshot its lines by "\n"), or is not in NFC
    (the leaf holds a field as it is, and the tickets hash the uscc as it is)."""
    for name, value in zip(_TEXT_FIELDS, values):
        if _BREAK(value):
            raise ValueError(f"{values[0]}: {name} holds a tab or a line break")
        if not unicodedata.is_normalized("NFC", value):
            raise ValueError(f"{values[0]}: {name} is not in Unicode NFC")


def canonical(entries: Iterable[FrameEntry]) -> list[FrameEntry]:
    """The frame in canonical order (by uscc, as bytes); a uscc may appear once."""
    ordered = sorted(entries, key=lambda e: e.uscc.encode("utf-8"))
    for before, after in zip(ordered, ordered[1:]):
        if before.uscc == after.uscc:
            raise ValueError(f"uscc {before.uscc} appears twice in the frame")
    return ordered


def in_canonical_order(usccs: Sequence[str]) -> bool:
    """True if the usccs are in canonical order with none twice: strictly increasing UTF-8 bytes."""
    raws = utf8_each(usccs)
    return all(map(operator.lt, raws, itertools.islice(raws, 1, None)))


def fresh_salts(count: int) -> list[str]:
    """`count` salts of 32 lower-case hex digits, from os.urandom (as `secrets.token_hex(16)` each, in one call)."""
    return os.urandom(16 * count).hex(" ", 16).split(" ") if count else []


# --- the columnar path -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameColumns:
    """The frame as columns, in leaf order: the i-th entity is `salts[i], usccs[i], …, reasons[i]`."""

    salts: Sequence[str]
    usccs: Sequence[str]
    entity_ids: Sequence[str]
    regions: Sequence[str]
    object_types: Sequence[str]
    strata: Sequence[str]
    eligible: Sequence[bool]
    reasons: Sequence[str]

    @property
    def size(self) -> int:
        return len(self.usccs)

    def fields(self) -> tuple[Sequence[Any], ...]:
        return (
            self.salts,
            self.usccs,
            self.entity_ids,
            self.regions,
            self.object_types,
            self.strata,
            self.eligible,
            self.reasons,
        )

    @classmethod
    def of(cls, entries: Sequence[FrameEntry]) -> FrameColumns:
        return cls(
            [e.salt for e in entries],
            [e.uscc for e in entries],
            [e.entity_id for e in entries],
            [e.region_code for e in entries],
            [e.object_type for e in entries],
            [e.stratum for e in entries],
            [e.eligible for e in entries],
            [e.reason for e in entries],
        )

    @classmethod
    def from_json(cls, rows: Sequence[Mapping[str, object]]) -> FrameColumns:
        """The columns of a snapshot's JSON leaves (as `FrameEntry.to_json` writes them), checked as
        `FrameEntry.from_json` checks them (the salts and reasons when their leaves are built)."""
        eligible = [row["eligible"] for row in rows]
        if not all(map(isinstance, eligible, repeat(bool))):
            bad = next(row for row in rows if not isinstance(row["eligible"], bool))
            raise ValueError(f"{bad['uscc']}: eligible must be true or false")

        def column(name: str) -> list[str]:
            return list(map(str, map(operator.itemgetter(name), rows)))

        return cls(
            column("salt"),
            column("uscc"),
            column("entity_id"),
            column("region_code"),
            column("object_type"),
            column("stratum"),
            eligible,  # type: ignore[arg-type]  # checked above: every one is a bool
            column("reason"),
        )

    def check(self) -> None:
        """`ValueError` for a row `FrameEntry` would refuse: a salt that is not 32 lower-case hex digits, an eligible
        entity with an exclusion reason, an ineligible one without a known reason code, a text field with a tab or
        a line break or not in NFC."""
        for chunk in _chunks(self.fields()):
            _text(*chunk)

    def entries(self) -> list[FrameEntry]:
        return [FrameEntry(u, i, r, o, s, bool(e), why, salt) for salt, u, i, r, o, s, e, why in zip(*self.fields())]


_COLUMNS = tuple(f.name for f in dataclass_fields(FrameColumns))
_HEAD = (FRAME_LEAF + "\t").encode("ascii")  # the leaf is `_HEAD ‖ line`
_LEAF_HEAD = b"\x00" + _HEAD  # with RFC 6962's leaf prefix: what is hashed
_FLAGS = ("0", "1")
CHUNK = 1 << 16  # rows per bulk pass: bounds the temporary lists of a frame of millions


def _check(usccs: Sequence[str], salts: Sequence[str], eligible: Sequence[bool], reasons: Sequence[str]) -> list[str]:
    """What `FrameEntry` checks of the salt, eligible and reason columns, in bulk: 32 lower-case hex digits of salt;
    an eligible entity has no reason, an ineligible one a known reason code. The eligible flags as "1" and "0"."""
    if salts:
        joined = "\n".join(salts)  # lower-case hex in groups of 32 digits: it hexes back to itself
        try:
            ok = bytes.fromhex(joined).hex("\n", -16) == joined
        except ValueError:
            ok = False
        if not ok:
            bad = next(i for i, salt in enumerate(salts) if len(salt) != 32 or not _SALT(salt))
            raise ValueError(f"{usccs[bad]}: the salt must be 32 lower-case hex digits")
    flags = list(eligible)
    if flags.count(True) + flags.count(False) != len(flags):  # not all booleans: their truth values
        flags = list(map(bool, flags))
    reasons = list(reasons)
    everyone = reasons.count("") == len(reasons)  # the usual frame: every one eligible
    distinct = {""} if everyone else set(reasons)
    if any(compress(reasons, flags)) or reasons.count("") != flags.count(True) or distinct - REASONS.keys() - {""}:
        for uscc, e, r in zip(usccs, flags, reasons):
            if e and r:
                raise ValueError(f"{uscc}: an eligible entity has no exclusion reason")
            if not e and r not in REASONS:
                raise ValueError(f"{uscc}: unknown exclusion reason {r!r}")
    return ["1"] * len(flags) if everyone else list(map(_FLAGS.__getitem__, flags))


def _text(
    salts: Sequence[str],
    usccs: Sequence[str],
    entity_ids: Sequence[str],
    regions: Sequence[str],
    object_types: Sequence[str],
    strata: Sequence[str],
    eligible: Sequence[bool],
    reasons: Sequence[str],
) -> str:
    """The lines of one chunk of rows joined by "\n": each row's fields joined by tabs. As `FrameEntry` checks: no
    field holds a tab or a line break (the counts of both say so in one pass each), every field is in NFC (so is
    their join, since a tab or LF composes with nothing); the salts and reasons are checked apart."""
    flags = _check(usccs, salts, eligible, reasons)
    rows = zip(salts, usccs, entity_ids, regions, object_types, strata, flags, reasons)
    text = "\n".join(map("\t".join, rows))
    breaks = text.count("\t") != 7 * len(usccs) or text.count("\n") != len(usccs) - 1 or "\r" in text
    if breaks or not unicodedata.is_normalized("NFC", text):
        for fields in zip(usccs, entity_ids, regions, object_types, strata):
            _refuse_text(fields)
    return text


def _chunks(columns: Sequence[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    if len(columns) != len(_COLUMNS):
        raise TypeError(f"the leaf columns are {', '.join(_COLUMNS)}: {len(columns)} were given")
    sizes = set(map(len, columns))
    if len(sizes) != 1:
        raise ValueError("the frame's columns differ in length")
    size = sizes.pop()
    for start in range(0, size, CHUNK):
        yield [c[start : start + CHUNK] for c in columns] if size > CHUNK else list(columns)


def _blocks(columns: Sequence[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 of the lines of each chunk of rows, joined by "\n" (no final one), of the eight leaf columns."""
    return (_text(*chunk).encode("utf-8") for chunk in _chunks(columns))


def split_lines(head: bytes, block: bytes) -> list[bytes]:
    """`head ‖ line` of every line of a block of lines joined by "\n" (no final one): two bulk passes, since no
    field holds a line break."""
    return (head + block).replace(b"\n", b"\n" + head).split(b"\n")


def leaf_hashes_of_lines(profile: Profile, block: bytes) -> list[bytes]:
    """`merkle.leaf_hash` of the leaf of every line of a block of snapshot lines joined by "\n" (no final one)."""
    return profile.hash_each(split_lines(_LEAF_HEAD, block))


def leaf_records_columns(*columns: Sequence[Any]) -> list[bytes]:
    """`[FrameEntry(...).leaf() for each row]`, byte for byte, without an object per row; the columns in
    FrameColumns order (salts, usccs, entity_ids, regions, object_types, strata, eligible, reasons)."""
    return list(itertools.chain.from_iterable(split_lines(_HEAD, block) for block in _blocks(columns)))


def leaf_hashes_columns(profile: Profile, *columns: Sequence[Any]) -> list[bytes]:
    """`[merkle.leaf_hash(profile, FrameEntry(...).leaf()) for each row]`, byte for byte, of the columns in
    FrameColumns order: the RFC 6962 leaf prefix 0x00 is part of the constant head joined to every line."""
    return list(itertools.chain.from_iterable(leaf_hashes_of_lines(profile, block) for block in _blocks(columns)))


def snapshot_lines(*columns: Sequence[Any]) -> Iterator[bytes]:
    """The frame snapshot file (§4.3) of the columns in FrameColumns order, chunk by chunk: UTF-8 of every row's
    `FrameEntry.line()`, each ending in "\n"."""
    return (block + b"\n" for block in _blocks(columns))


class FrameCommitment:
    """The frame root of a snapshot streamed chunk by chunk (from a file or a cursor), in canonical order: holds
    no leaf beyond the current chunk. `add` refuses a chunk that breaks the canonical order."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._tree = merkle.RootBuilder(profile)
        self._last: bytes | None = None

    @property
    def size(self) -> int:
        return self._tree.size

    def add(self, columns: FrameColumns) -> None:
        raws = utf8_each(columns.usccs)
        if not raws:
            return
        if (self._last is not None and not self._last < raws[0]) or not all(
            map(operator.lt, raws, itertools.islice(raws, 1, None))
        ):
            raise ValueError("the frame is not in canonical order (by uscc bytes, each uscc once)")
        self._last = raws[-1]
        self._tree.extend(leaf_hashes_columns(self.profile, *columns.fields()))

    def root(self) -> bytes:
        return self._tree.root()


def leaf_hashes(profile: Profile, entries: Sequence[FrameEntry]) -> list[bytes]:
    """`[merkle.leaf_hash(profile, entry.leaf()) for entry in entries]`, by the columnar path."""
    return leaf_hashes_columns(profile, *FrameColumns.of(entries).fields())


def commitment(profile: Profile, entries: Sequence[FrameEntry]) -> bytes:
    """The frame root over the entries in canonical order (they must already be in it)."""
    return merkle.root_of_hashes(profile, leaf_hashes(profile, entries))
