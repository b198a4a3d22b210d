"""The frame (抽查对象名单快照): every in-scope entity with its stratum and eligibility, as salted leaves in
canonical order, and its commitment (docs/draw-spec.md §4).

Two paths give the same bytes. `FrameEntry.leaf()` builds one record from one object. The columnar path
(`leaf_records_columns`, `leaf_hashes_columns`, `FrameCommitment`) takes the frame as columns, one list per leaf
field, and builds every record with bulk operations: one UTF-8 pass per column, length prefixes from a table, the
fields of repetitive columns (region, object type, stratum, reason) encoded once per distinct value, constant
prefixes joined once, and `map`/`zip`/`b"".join` so that no Python frame runs per entity. It is what commits and
re-verifies frames of millions of entities.
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
from hrss.drawkit.encoding import Profile, field_bytes, lp, record, utf8_each

FRAME_LEAF = "hrss-draw/v1/frame-leaf"

# Exclusion reason codes (docs/draw-spec.md §4.2); "" for an eligible entity.
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

    def leaf(self) -> bytes:
        """The leaf record: tag, salt, uscc, entity id, region, object type, stratum, eligible (1/0), reason."""
        return record(
            FRAME_LEAF,
            self.salt,
            self.uscc,
            self.entity_id,
            self.region_code,
            self.object_type,
            self.stratum,
            1 if self.eligible else 0,
            self.reason,
        )

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


def canonical(entries: Iterable[FrameEntry]) -> list[FrameEntry]:
    """The frame in canonical order (by uscc, as bytes); a uscc may appear once."""
    ordered = sorted(entries, key=lambda e: e.uscc.encode("utf-8"))
    for before, after in itertools.pairwise(ordered):
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
        entity with an exclusion reason, an ineligible one without a known reason code."""
        _check(self.usccs, self.salts, self.eligible, self.reasons)

    def entries(self) -> list[FrameEntry]:
        return [
            FrameEntry(u, i, r, o, s, bool(e), why, salt)
            for salt, u, i, r, o, s, e, why in zip(*self.fields(), strict=True)
        ]


_U32 = [n.to_bytes(4, "big") for n in range(1 << 12)]  # length prefixes of short fields, shared
_TAG = lp(FRAME_LEAF.encode("ascii"))
_COLUMNS = tuple(f.name for f in dataclass_fields(FrameColumns))
_ELIGIBLE_TAIL = lp(b"1") + lp(b"")  # eligible 1, reason ""
CHUNK = 1 << 16  # rows per bulk pass: bounds the temporary lists of a frame of millions
_SEPARATORS = "\n\x1e\x1f\x1d\x1c"


def _prefix(size: int) -> bytes:
    if size > 0xFFFFFFFF:
        raise ValueError("field longer than 4 GiB")
    return _U32[size] if size < len(_U32) else size.to_bytes(4, "big")


class _Row:
    """The parts of every row's bytes, built from the last field to the first. A constant run of bytes (a field
    every row shares, a length prefix every row shares) is not a part of its own: it becomes the suffix of the
    part to its left (encoded with it in bulk, or added to its table of values), so that the final per-row
    `b"".join` has as few parts as possible (each part costs about as much as a whole pass over the column)."""

    def __init__(self) -> None:
        self.parts: list[Iterable[bytes]] = []
        self.suffix = b""

    def table(self, values: Sequence[object], encoded: Mapping[object, bytes]) -> None:
        """A field with few distinct values: `encoded[value]` (its lp) of each row."""
        if len(encoded) == 1:
            self.suffix = next(iter(encoded.values())) + self.suffix
            return
        table = {value: code + self.suffix for value, code in encoded.items()}
        self.parts.append(map(table.__getitem__, values))
        self.suffix = b""

    def text(self, texts: Sequence[str], known_size: int | None = None) -> None:
        """A text field, `lp(UTF-8 of NFC)` of each row: one join, encode and split for the column, the suffix
        carried along; its length prefix is a constant when every row's field has the same length."""
        suffix = self.suffix
        pieces, size = _encode(texts, suffix, known_size)
        if pieces is None:  # a text holds every separator, or is not in NFC: one at a time
            raws = [unicodedata.normalize("NFC", t).encode("utf-8") for t in texts]
            pieces = [raw + suffix for raw in raws] if suffix else raws
            sizes = list(map(len, raws))
            size = sizes[0] if sizes and min(sizes) == max(sizes) else None
        self.parts.append(pieces)
        if size is not None:
            self.suffix = _prefix(size)
        else:
            self.parts.append(list(map(_prefix, map(operator.sub, map(len, pieces), repeat(len(suffix))))))
            self.suffix = b""

    def constant(self, data: bytes) -> None:
        self.suffix = data + self.suffix

    def rows(self) -> Iterator[bytes]:
        parts = [repeat(self.suffix), *reversed(self.parts)] if self.suffix else list(reversed(self.parts))
        return map(b"".join, zip(*parts, strict=False))  # constant parts repeat without end


def _encode(texts: Sequence[str], suffix: bytes, known_size: int | None) -> tuple[list[bytes] | None, int | None]:
    """`[UTF-8(NFC(t)) ‖ suffix for t in texts]` by joining the texts with suffix and a separator, and the common
    length of the UTF-8 texts (None if they differ). None if no separator is free or the text is not in NFC.
    The suffix must be ASCII (it is a length prefix of less than 128, or ASCII fields), so that it encodes to
    itself; NFC of the joined text is the join of the NFC texts, since the separators and the suffix's characters
    are starters that compose with nothing."""
    if not texts:
        return [], None
    if max(suffix, default=0) >= 0x80:
        return None, None
    tail = suffix.decode("ascii")
    sep = next((c for c in _SEPARATORS if c not in tail), None)
    if sep is None:
        return None, None
    joined = (tail + sep).join(texts) + tail
    if known_size is None and not unicodedata.is_normalized("NFC", joined):
        return None, None
    data = joined.encode("utf-8")
    mark = sep.encode("ascii")
    if data.count(mark) != len(texts) - 1:
        return None, None
    if known_size is not None:
        size: int | None = known_size
    else:  # every piece of one length: the separators every (length + 1) bytes, and nowhere else
        step = data.index(mark) + 1 if len(texts) > 1 else len(data) + 1
        uniform = len(data) == step * len(texts) - 1 and data[step - 1 :: step] == mark * (len(texts) - 1)
        size = step - 1 - len(suffix) if uniform else None
    return data.split(mark), size


def _check(usccs: Sequence[str], salts: Sequence[str], eligible: Sequence[bool], reasons: Sequence[str]) -> set[str]:
    """What `FrameEntry` checks, column-wise, in bulk: 32 lower-case hex digits of salt; an eligible entity has
    no reason, an ineligible one a known reason code. The distinct reasons."""
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
    distinct = {""} if reasons.count("") == len(reasons) else set(reasons)  # the usual frame: every one eligible
    if any(compress(reasons, flags)) or reasons.count("") != flags.count(True) or distinct - REASONS.keys() - {""}:
        for uscc, e, r in zip(usccs, flags, reasons, strict=True):
            if e and r:
                raise ValueError(f"{uscc}: an eligible entity has no exclusion reason")
            if not e and r not in REASONS:
                raise ValueError(f"{uscc}: unknown exclusion reason {r!r}")
    return distinct


def _records(
    head: bytes,
    salts: Sequence[str],
    usccs: Sequence[str],
    entity_ids: Sequence[str],
    regions: Sequence[str],
    object_types: Sequence[str],
    strata: Sequence[str],
    eligible: Sequence[bool],
    reasons: Sequence[str],
) -> Iterator[bytes]:
    """`head ‖ leaf` of every row, lazily, from the last field to the first (see `_Row`)."""
    distinct = _check(usccs, salts, eligible, reasons)
    row = _Row()
    # eligible and reason together: once checked, the reason alone says both ("" for an eligible entity)
    row.table(reasons, {r: lp(b"0") + lp(r.encode("ascii")) if r else _ELIGIBLE_TAIL for r in distinct})
    for column in (strata, object_types, regions):
        if column and column.count(column[0]) == len(column):  # one value (one object type): a constant
            row.constant(lp(field_bytes(column[0])))
        elif (encoded := _repeated(column)) is not None:
            row.table(column, encoded)
        else:
            row.text(column)
    row.text(entity_ids)
    row.text(usccs)
    row.text(salts, known_size=32)
    row.constant(head)
    return row.rows()


def _repeated(texts: Sequence[str]) -> dict[object, bytes] | None:
    """`{t: lp(field_bytes(t))}` over the distinct texts of a column, or None if most texts differ."""
    if len(set(texts[:4096])) > 2048:
        return None
    distinct = set(texts)
    if len(distinct) > max(2048, len(texts) // 4):
        return None
    return {text: lp(field_bytes(text)) for text in distinct}


def _chunks(columns: Sequence[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    sizes = set(map(len, columns))
    if len(sizes) != 1:
        raise ValueError("the frame's columns differ in length")
    size = sizes.pop()
    if size <= CHUNK:
        yield list(columns)
        return
    for start in range(0, size, CHUNK):
        yield [c[start : start + CHUNK] for c in columns]


def _chunked_records(head: bytes, columns: Sequence[Sequence[Any]]) -> Iterator[Iterator[bytes]]:
    """`head ‖ leaf` of every row, chunk by chunk, of the eight leaf columns in FrameColumns order."""
    if len(columns) != len(_COLUMNS):
        raise TypeError(f"the leaf columns are {', '.join(_COLUMNS)}: {len(columns)} were given")
    return (_records(head, *chunk) for chunk in _chunks(columns))


def leaf_records_columns(*columns: Sequence[Any]) -> list[bytes]:
    """`[FrameEntry(...).leaf() for each row]`, byte for byte, without an object per row; the columns in
    FrameColumns order (salts, usccs, entity_ids, regions, object_types, strata, eligible, reasons)."""
    return list(itertools.chain.from_iterable(_chunked_records(_TAG, columns)))


def leaf_hashes_columns(profile: Profile, *columns: Sequence[Any]) -> list[bytes]:
    """`[merkle.leaf_hash(profile, FrameEntry(...).leaf()) for each row]`, byte for byte, of the columns in
    FrameColumns order: the RFC 6962 leaf prefix 0x00 is part of the constant head, so each record is built once
    and hashed in the same pass."""
    hashed = map(profile.hash_each, _chunked_records(b"\x00" + _TAG, columns))
    return list(itertools.chain.from_iterable(hashed))


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
