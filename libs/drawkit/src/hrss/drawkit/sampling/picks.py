"""The picks of a selection in global ticket order, with their items and batches (docs/draw-spec.md §7.1–7.2), built
column by column: a draw of ten million makes half a million picks."""

from __future__ import annotations

import operator
import sys
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import repeat
from typing import Any, Protocol

from hrss.drawkit.encoding import Profile
from hrss.drawkit.sampling.quotas import DrawPlan


class Accelerator(Protocol):
    """hrss.drawnative's helpers for the picks of a large draw (the module itself is one)."""

    def order(self, keys: list[bytes], /) -> list[int]:
        """sorted(range(len(keys)), key=keys.__getitem__)"""

    def split(self, keys: list[bytes], size: int, /) -> tuple[list[str], list[str]]:
        """([k[:size].hex() for k in keys], [k[size:].decode("utf-8") for k in keys])"""


# Slotted from Python 3.10 (`dataclass(slots=...)`); the verifier also runs on 3.9, where picks are plain objects.
_SLOTTED = sys.version_info >= (3, 10)


@dataclass(frozen=True, **({"slots": True} if _SLOTTED else {}))
class Pick:
    """A selected entity: its stratum, rank in the stratum's ticket order (from 0), ticket, items, batch. Slotted:
    a draw of ten million makes half a million, and each is one object for the garbage collector, not two."""

    uscc: str
    stratum: str
    rank: int
    ticket: str
    items: tuple[str, ...]
    batch: int = 1
    replaces: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "uscc": self.uscc,
            "stratum": self.stratum,
            "rank": self.rank,
            "ticket": self.ticket,
            "items": list(self.items),
            "batch": self.batch,
            "replaces": self.replaces,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Pick:
        items = data["items"]
        assert isinstance(items, list)
        rank, batch = data["rank"], data["batch"]
        assert isinstance(rank, int) and isinstance(batch, int)
        replaces = data.get("replaces")
        return cls(
            str(data["uscc"]),
            str(data["stratum"]),
            rank,
            str(data["ticket"]),
            tuple(str(i) for i in items),
            batch,
            str(replaces) if replaces is not None else None,
        )


@dataclass(frozen=True)
class Selection:
    """The outcome: picks in global ticket order, the quotas, and the eligible count of every stratum."""

    picks: tuple[Pick, ...]
    quotas: Mapping[str, Mapping[str, int]]
    sizes: Mapping[str, int]


def selection_of(
    profile: Profile,
    plan: DrawPlan,
    quotas: Mapping[str, Mapping[str, int]],
    sizes: Mapping[str, int],
    smallest: Mapping[str, Sequence[bytes]],
    accelerated: Accelerator | None = None,
) -> Selection:
    """The selection given the q_s smallest `ticket ‖ uscc` of every stratum with q_s > 0, in order; the picks
    put in order and cut up by hrss.drawnative if given (the draw service), else by `sorted`, `hex` and `decode`
    (the verifier), to the same picks."""
    keyed: list[bytes] = []
    names: list[str] = []
    ranks: list[int] = []
    items: list[tuple[str, ...]] = []
    for name in sorted(smallest):
        chosen = smallest[name]
        keyed += chosen
        names += repeat(name, len(chosen))
        ranks += range(len(chosen))
        items += _items_by_rank(plan, quotas[name], len(chosen))
    picks = _picks(profile.ticket_size, keyed, names, ranks, items, plan.batch_size, accelerated)
    return Selection(picks, quotas, sizes)


def _items_by_rank(plan: DrawPlan, row: Mapping[str, int], count: int) -> list[tuple[str, ...]]:
    """The items of the picks at ranks 0 … count − 1: those i with rank < q[s][i], constant between quotas."""
    found: list[tuple[str, ...]] = []
    start = 0
    for end in sorted({q for q in row.values() if 0 < q < count} | {count}):
        found += repeat(tuple(item.item_id for item in plan.items if start < row[item.item_id]), end - start)
        start = end
    return found


def _picks(
    size: int,
    keyed: list[bytes],
    names: list[str],
    ranks: list[int],
    items: list[tuple[str, ...]],
    batch_size: int,
    accelerated: Accelerator | None = None,
) -> tuple[Pick, ...]:
    """The picks in global ticket order (`ticket ‖ uscc` bytes order: tickets all have `size` bytes), with their
    batches: position p in batch p // B + 1, or batch 1 if B = 0. The sort is stable, as before. Built column by
    column (`_made`): no Python frame per pick."""
    if accelerated is not None:
        order = accelerated.order(keyed)
        tickets, usccs = accelerated.split(list(map(keyed.__getitem__, order)), size)
    else:
        order = sorted(range(len(keyed)), key=keyed.__getitem__)
        ordered = list(map(keyed.__getitem__, order))
        tickets = list(map(bytes.hex, map(operator.itemgetter(slice(None, size)), ordered)))
        usccs = list(map(bytes.decode, map(operator.itemgetter(slice(size, None)), ordered)))
    if batch_size:
        batch_of = map(operator.floordiv, range(len(order)), repeat(batch_size))
        batches: Iterable[int] = map(operator.add, batch_of, repeat(1))
    else:
        batches = repeat(1)
    return _made(
        len(order),
        uscc=usccs,
        stratum=map(names.__getitem__, order),
        rank=map(ranks.__getitem__, order),
        ticket=tickets,
        items=map(items.__getitem__, order),
        batch=batches,
        replaces=repeat(None),
    )


_PICK_SLOTS = {f.name: Pick.__dict__[f.name] for f in fields(Pick)} if _SLOTTED else {}


def _made(count: int, **columns: Iterable[Any]) -> tuple[Pick, ...]:
    """`count` picks, `Pick(**{name: next(column) …})` each, set column by column through the slots' descriptors
    (what the frozen dataclass's own __init__ does field by field, with a Python frame per pick: a draw of ten
    million makes half a million). Every field is given, so every slot is set."""
    names = [f.name for f in fields(Pick)]
    if list(columns) != names:
        raise TypeError(f"every field of Pick is needed, in order: {', '.join(names)}")
    if not _SLOTTED:  # Python 3.9: Pick's own __init__, one call per pick
        return tuple(map(Pick, *columns.values()))
    picks = list(map(object.__new__, repeat(Pick, count)))
    for name, values in columns.items():
        deque(map(_PICK_SLOTS[name].__set__, picks, values), maxlen=0)
    return tuple(picks)
