"""The re-verification of a frame of millions of entities, streamed from its snapshot file (docs/draw-spec.md §4.3:
one line per leaf, the leaf without its tag): blocks of lines are read one at a time (`file_blocks`,
`read_block`), checked and dropped, optionally in forked worker processes. Standard library only (the AES
profile's tickets need `cryptography`, as everywhere).

Each block of merkle.SUBTREE lines (the last may be smaller) gives, with the lines hashed as they are and their
fields split once, as bytes:
- the root of its subtree of leaves, so that the frame root is the root over the blocks' roots
  (merkle.RootBuilder.add_subtree);
- whether it is in canonical order, and its first and last uscc (for the order across chunks);
- its eligible entities per stratum (N_s, summed over the chunks);
- the `ticket ‖ uscc` of every eligible entity whose ticket is at most its stratum's *bound*.

The bound of a stratum is the largest ticket, recomputed here, of the picks the record claims for it. The re-draw
of a stratum needs only its entities up to its last pick, so keeping those (about 5 % of a frame at 5 %) instead
of all usccs is exact, whatever the record claims:
- if the kept entities of a stratum are at least its quota q_s, its q_s smallest are those of the whole stratum
  (every entity at or below the bound is kept);
- if they are fewer, the claimed picks cannot be the q_s smallest (they are all at or below the bound), and the
  stratum is reported short: the check fails.
Replacements and expansions take the next never-picked entities of a stratum in ticket order; every one of them is
a claimed pick, so at or below the bound, and a replay that runs out of kept entities proves the record wrong.
"""

from __future__ import annotations

import binascii
import operator
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from pathlib import Path
from typing import Any, TypeVar

from hrss.drawkit import merkle
from hrss.drawkit.encoding import Profile, field_bytes, paused_gc, utf8_each
from hrss.drawkit.frame import REASONS, FrameEntry, leaf_hashes_of_lines
from hrss.drawkit.sampling import DrawPlan, Selection, Tickets, item_quotas, selection_of, ticket_function
from hrss.drawkit.sampling.parallel import _green

Chunk = TypeVar("Chunk")


@dataclass(frozen=True)
class ChunkCheck:
    """What one chunk of rows contributes (see the module's docstring)."""

    size: int
    root: bytes
    ordered: bool
    first: bytes
    last: bytes
    eligible: Mapping[str, int]
    kept: Mapping[str, list[bytes]]
    totals: Mapping[str, int] = field(default_factory=dict)  # every row, eligible or not, per stratum
    found: Mapping[str, FrameEntry] = field(default_factory=dict)  # the rows of the usccs asked for


class BeyondKept(LookupError):
    """A replay of replacements or expansions read a stratum's ticket order past the entities the stream kept,
    while the stratum holds more: the record claims too few picks there (the check fails)."""


@dataclass
class StreamedFrame:
    """The frame as streamed: its root and size, whether every row was in canonical order, N_s of every stratum,
    and the kept `ticket ‖ uscc` of every stratum, sorted."""

    root: bytes
    size: int
    ordered: bool
    sizes: dict[str, int] = field(default_factory=dict)
    kept: dict[str, list[bytes]] = field(default_factory=dict)
    ticket_size: int = 32
    totals: dict[str, int] = field(default_factory=dict)
    found: dict[str, FrameEntry] = field(default_factory=dict)

    def selection(self, profile: Profile, plan: DrawPlan) -> tuple[Selection, list[str]]:
        """The initial selection re-drawn from the kept entities, and the strata whose kept entities are fewer than
        their quota (any such stratum means the claimed picks are wrong)."""
        quotas = item_quotas(plan, self.sizes)
        wanted = {name: max(quotas[name].values()) for name in self.sizes}
        short = sorted(name for name, count in wanted.items() if len(self.kept.get(name, ())) < count)
        smallest = {name: self.kept.get(name, [])[:count] for name, count in wanted.items() if count > 0}
        with paused_gc():
            return selection_of(profile, plan, quotas, self.sizes, smallest), short

    def stratum_order(self, stratum: str) -> list[tuple[bytes, str]]:
        """The kept prefix of a stratum's ticket order, as `sampling.stratum_order` gives the whole of it."""
        size = self.ticket_size
        return [(k[:size], k[size:].decode("utf-8")) for k in self.kept.get(stratum, [])]

    def orders(self, stratum: str) -> Iterator[tuple[bytes, str]]:
        """A stratum's ticket order for `sampling.replacement_in` and `expansion_in`: its kept prefix, then
        `BeyondKept` if the stratum holds more eligible entities than were kept (a replay that needs one of them
        proves the record wrong, since every claimed pick is at or below the bound)."""
        prefix = self.stratum_order(stratum)
        yield from prefix
        if len(prefix) < self.sizes.get(stratum, 0):
            raise BeyondKept(f"stratum {stratum}: the replay needs an entity beyond the claimed picks")


def ticket_bounds(profile: Profile, key: bytes, picks: Iterable[tuple[str, str]]) -> dict[str, bytes]:
    """The bound of every stratum: the largest recomputed ticket of the (uscc, stratum) picks claimed for it."""
    claimed = list(picks)
    tickets = Tickets(profile, key).many(utf8_each([uscc for uscc, _ in claimed]))
    bounds: dict[str, bytes] = {}
    for ticket, (_, stratum) in zip(tickets, claimed):
        if ticket > bounds.get(stratum, b""):
            bounds[stratum] = ticket
    return bounds


def check_block(
    profile: Profile,
    tickets: Callable[[list[bytes]], list[bytes]],
    bounds: Mapping[bytes, bytes],
    block: bytes,
    wanted: Container[bytes] = frozenset(),
) -> ChunkCheck:
    """One block of snapshot lines (each ending in "\n"): its subtree root, order, counts and kept entities (see
    the module's docstring), and the rows of the `wanted` UTF-8 usccs. `bounds` are keyed by the UTF-8 stratum.
    The lines are hashed as they are; the fields are split once, as bytes, for the order, the checks of
    `FrameEntry` and the tickets."""
    if not block:
        return ChunkCheck(0, b"", True, b"", b"", {}, {})
    if not block.endswith(b"\n"):
        raise ValueError("the frame snapshot ends inside a line")
    body = block[:-1]
    size = body.count(b"\n") + 1
    fields = body.replace(b"\n", b"\t").split(b"\t")
    if len(fields) != 8 * size:
        raise ValueError("a line of the frame snapshot does not hold the 8 leaf fields")
    raws, strata = fields[1::8], fields[5::8]
    eligible = _check_fields(body, fields, size)
    totals = {name.decode("utf-8"): count for name, count in Counter(strata).items()}
    found = {}
    for row in compress(range(size), map(wanted.__contains__, raws)) if wanted else ():
        salt, uscc, entity_id, region, object_type, key, flag, reason = map(bytes.decode, fields[8 * row : 8 * row + 8])
        found[uscc] = FrameEntry(uscc, entity_id, region, object_type, key, flag == "1", reason, salt)
    ordered = all(map(operator.lt, raws, islice(raws, 1, None)))
    root = merkle.subtree_root(profile, leaf_hashes_of_lines(profile, body))
    if eligible is None:  # the usual frame: most strata, most rows eligible
        members, counts = raws, totals
    else:
        strata, members = list(compress(strata, eligible)), list(compress(raws, eligible))
        counts = {name.decode("utf-8"): count for name, count in Counter(strata).items()}
    kept: dict[bytes, list[bytes]] = {}
    if bounds:  # none before the seed: no ticket to compute
        found_tickets = tickets(members)
        keep = list(map(operator.le, found_tickets, map(bounds.get, strata, repeat(b""))))
        joined = map(bytes.__add__, compress(found_tickets, keep), compress(members, keep))
        for stratum, keyed in zip(compress(strata, keep), joined):
            kept.setdefault(stratum, []).append(keyed)
    return ChunkCheck(
        size, root, ordered, raws[0], raws[-1], counts, {k.decode("utf-8"): v for k, v in kept.items()}, totals, found
    )


_REASON_CODES = frozenset(code.encode("ascii") for code in REASONS)


def _check_fields(body: bytes, fields: list[bytes], size: int) -> list[bool] | None:
    """What `FrameEntry` checks of a block's lines, in bulk over the bytes: UTF-8 in NFC without a carriage
    return, salts of 32 lower-case hex digits, eligible 1 or 0, no reason for an eligible entity and a known one
    for another. On a failure, the row is decoded and refused with FrameEntry's message. Which rows are eligible:
    None if every one is."""
    salts, flags, reasons = fields[0::8], fields[6::8], fields[7::8]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"the frame snapshot is not UTF-8 (byte {error.start} of a block)") from None
    if b"\r" in body or not unicodedata.is_normalized("NFC", text):
        raise ValueError("the frame snapshot holds a carriage return or text not in NFC")
    joined = b"".join(salts)
    try:
        salts_ok = len(joined) == 32 * size and binascii.hexlify(binascii.unhexlify(joined)) == joined
    except binascii.Error:
        salts_ok = False
    eligible = None
    if flags.count(b"1") == size:
        reasons_ok = reasons.count(b"") == size
    else:
        eligible = list(map(b"1".__eq__, flags))
        reasons_ok = (
            flags.count(b"0") + flags.count(b"1") == size
            and not any(compress(reasons, eligible))
            and set(compress(reasons, map(operator.not_, eligible))) <= _REASON_CODES
        )
    if salts_ok and reasons_ok and len(set(map(len, salts))) == 1:
        return eligible
    for line in text.split("\n"):
        salt, uscc, entity_id, region, object_type, stratum, flag, reason = line.split("\t")
        if flag not in ("0", "1"):
            raise ValueError(f"{uscc}: eligible must be 1 or 0")
        FrameEntry(uscc, entity_id, region, object_type, stratum, flag == "1", reason, salt)
    raise AssertionError("a bulk check failed that no row fails")  # pragma: no cover


_SHARED: dict[str, Any] = {}


def _work(chunk: Any) -> ChunkCheck:
    profile: Profile = _SHARED["profile"]
    if "tickets" not in _SHARED:
        _SHARED["tickets"] = ticket_function(profile, _SHARED["key"])
    with paused_gc():
        return check_block(profile, _SHARED["tickets"], _SHARED["bounds"], _SHARED["read"](chunk), _SHARED["wanted"])


def check_stream(
    profile: Profile,
    key: bytes,
    bounds: Mapping[str, bytes],
    chunks: Iterable[Chunk],
    read: Callable[[Chunk], bytes],
    workers: int = 1,
    wanted: Iterable[str] = (),
) -> StreamedFrame:
    """Stream the frame snapshot (§4.3): `read` turns a chunk (e.g. a byte range of the file, `file_blocks`) into
    its block of lines, each ending in "\n"; every block but the last holds exactly merkle.SUBTREE lines. With
    `workers` > 1 the chunks are read and checked in that many forked processes, at most two chunks each in
    flight, and combined here in order. The rows of the `wanted` usccs (the picks) are kept as `found`."""
    tree = merkle.RootBuilder(profile)
    streamed = StreamedFrame(b"", 0, True, ticket_size=profile.ticket_size)
    previous = b""
    kept: dict[str, list[bytes]] = {}

    def combine(result: ChunkCheck) -> None:
        nonlocal previous
        if not result.size:
            return
        streamed.ordered &= result.ordered and (not streamed.size or previous < result.first)
        previous = result.last
        tree.add_subtree(result.root, result.size)
        streamed.size += result.size
        for stratum, count in result.eligible.items():
            streamed.sizes[stratum] = streamed.sizes.get(stratum, 0) + count
        for stratum, count in result.totals.items():
            streamed.totals[stratum] = streamed.totals.get(stratum, 0) + count
        streamed.found.update(result.found)
        for stratum, keyed in result.kept.items():
            kept.setdefault(stratum, []).extend(keyed)

    encoded = {field_bytes(stratum): bound for stratum, bound in bounds.items()}
    asked = frozenset(map(str.encode, wanted))
    _SHARED.update(profile=profile, key=key, bounds=encoded, read=read, wanted=asked)
    try:
        if workers > 1 and not _green():
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(workers) as pool:
                pending: deque[Any] = deque()
                for chunk in chunks:
                    pending.append(pool.apply_async(_work, (chunk,)))
                    if len(pending) >= 2 * workers:
                        combine(pending.popleft().get())
                while pending:
                    combine(pending.popleft().get())
        else:
            for chunk in chunks:
                combine(_work(chunk))
    finally:
        _SHARED.clear()
    streamed.root = tree.root()
    with paused_gc():
        for keyed in kept.values():
            keyed.sort()
    streamed.kept = kept
    return streamed


def file_blocks(path: str | Path, read_size: int = 1 << 23) -> Iterator[tuple[str, int, int]]:
    """A frame snapshot file as (path, start, end) byte ranges of merkle.SUBTREE lines each (the last may hold
    fewer): only the boundaries are found here (newlines counted in C, `read_size` bytes at a time), so that each
    worker reads its own range (`read_block`) and no block is pickled across processes."""
    start = position = 0
    wanted = merkle.SUBTREE
    with open(path, "rb") as source:
        while block := source.read(read_size):
            lines = block.count(b"\n")
            offset = 0
            while lines >= wanted:  # the boundary is in this block: after its wanted-th newline from `offset`
                tail = block[offset:]
                offset += len(tail) - len(tail.split(b"\n", wanted)[wanted])
                yield str(path), start, position + offset
                start = position + offset
                lines -= wanted
                wanted = merkle.SUBTREE
            wanted -= lines
            position += len(block)
    if position > start:
        yield str(path), start, position


def read_block(chunk: tuple[str, int, int]) -> bytes:
    """The bytes of one range `file_blocks` gives."""
    name, start, end = chunk
    with open(name, "rb") as source:
        source.seek(start)
        return source.read(end - start)
