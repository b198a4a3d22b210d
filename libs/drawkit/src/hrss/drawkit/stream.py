"""The re-verification of a frame of millions of entities, streamed: its chunks are read one at a time (from a file,
a cursor), checked and dropped, optionally in forked worker processes. Standard library only (the AES profile's
tickets need `cryptography`, as everywhere).

Each chunk of merkle.SUBTREE rows (the last may be smaller) gives, in one pass over its columns:
- the root of its subtree of leaves (columnar leaf hashes), so that the frame root is the root over the chunks'
  roots (merkle.RootBuilder.add_subtree);
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

import operator
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from typing import Any, TypeVar

from hrss.drawkit import merkle
from hrss.drawkit.encoding import Profile, paused_gc, utf8_each
from hrss.drawkit.frame import FrameColumns, leaf_hashes_columns
from hrss.drawkit.sampling import DrawPlan, Selection, Tickets, _green, item_quotas, selection_of, ticket_function

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


def ticket_bounds(profile: Profile, key: bytes, picks: Iterable[tuple[str, str]]) -> dict[str, bytes]:
    """The bound of every stratum: the largest recomputed ticket of the (uscc, stratum) picks claimed for it."""
    claimed = list(picks)
    tickets = Tickets(profile, key).many(utf8_each([uscc for uscc, _ in claimed]))
    bounds: dict[str, bytes] = {}
    for ticket, (_, stratum) in zip(tickets, claimed, strict=True):
        if ticket > bounds.get(stratum, b""):
            bounds[stratum] = ticket
    return bounds


def check_chunk(
    profile: Profile, tickets: Callable[[list[bytes]], list[bytes]], bounds: Mapping[str, bytes], rows: FrameColumns
) -> ChunkCheck:
    """One chunk: its subtree root, order, eligible counts and kept entities (see the module's docstring)."""
    raws = utf8_each(rows.usccs)
    if not raws:
        return ChunkCheck(0, b"", True, b"", b"", {}, {})
    ordered = all(map(operator.lt, raws, islice(raws, 1, None)))
    root = merkle.subtree_root(profile, leaf_hashes_columns(profile, *rows.fields()))
    if all(rows.eligible):  # the usual frame: most strata, most rows eligible
        strata, members = list(rows.strata), raws
    else:
        eligible = list(map(bool, rows.eligible))
        strata, members = list(compress(rows.strata, eligible)), list(compress(raws, eligible))
    found = tickets(members)
    keep = list(map(operator.le, found, map(bounds.get, strata, repeat(b""))))
    kept: dict[str, list[bytes]] = {}
    joined = map(bytes.__add__, compress(found, keep), compress(members, keep))
    for stratum, keyed in zip(compress(strata, keep), joined, strict=True):
        kept.setdefault(stratum, []).append(keyed)
    return ChunkCheck(len(raws), root, ordered, raws[0], raws[-1], Counter(strata), kept)


_SHARED: dict[str, Any] = {}


def _work(chunk: Any) -> ChunkCheck:
    profile: Profile = _SHARED["profile"]
    if "tickets" not in _SHARED:
        _SHARED["tickets"] = ticket_function(profile, _SHARED["key"])
    with paused_gc():
        return check_chunk(profile, _SHARED["tickets"], _SHARED["bounds"], _SHARED["parse"](chunk))


def check_stream(
    profile: Profile,
    key: bytes,
    bounds: Mapping[str, bytes],
    chunks: Iterable[Chunk],
    parse: Callable[[Chunk], FrameColumns],
    workers: int = 1,
) -> StreamedFrame:
    """Stream the frame: every chunk but the last holds exactly merkle.SUBTREE rows, in canonical order (`parse`
    turns a chunk, e.g. a block of text lines, into its columns). With `workers` > 1 the chunks are parsed and
    checked in that many forked processes, at most two chunks each in flight, and combined here in order."""
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
        for stratum, keyed in result.kept.items():
            kept.setdefault(stratum, []).extend(keyed)

    _SHARED.update(profile=profile, key=key, bounds=bounds, parse=parse)
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
