"""Tickets, strata, quotas and the stratified selection; batch order, replacement and expansion
(docs/draw-spec.md §6–8). Integers and rationals only: no floating point anywhere.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from hrss.drawkit.encoding import Profile
from hrss.drawkit.frame import FrameEntry


@dataclass(frozen=True)
class ItemRule:
    """A checklist item of the task: its ratio as an exact fraction (None: none), and an absolute minimum."""

    item_id: str
    fraction: Fraction | None = None
    minimum: int = 0

    def __post_init__(self) -> None:
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ValueError(f"{self.item_id}: a ratio lies between 0 and 1")
        if self.minimum < 0:
            raise ValueError(f"{self.item_id}: a minimum is not negative")


@dataclass(frozen=True)
class DrawPlan:
    """What the task asks of the draw. `stratum_fractions` replaces the items' fractions in the strata named
    (credit-risk differentiation: the strata of grade C at 1/5, …). `batch_size` 0: one batch."""

    items: tuple[ItemRule, ...]
    stratum_fractions: Mapping[str, Fraction] = field(default_factory=dict)
    batch_size: int = 0

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a draw needs at least one item")
        if self.batch_size < 0:
            raise ValueError("the batch size is not negative")


def ceil_fraction(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def apportion(total: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Largest-remainder apportionment of `total` over strata in proportion to their sizes; ties by stratum key.
    Each share is at most the stratum's size; if `total` ≥ the frame, every stratum gets its size."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    if population == 0 or total == 0:
        return {key: 0 for key in sizes}
    shares = {key: total * n // population for key, n in sizes.items()}
    left = total - sum(shares.values())
    order = sorted(sizes, key=lambda key: (-(total * sizes[key] % population), key))
    for key in order[:left]:
        shares[key] += 1
    return shares


def item_quotas(plan: DrawPlan, sizes: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """q[s][i] = min(N_s, max(ceil(N_s · f_{s,i}), m_{s,i})) for every stratum s and item i."""
    minimums = {item.item_id: apportion(item.minimum, sizes) for item in plan.items}
    quotas: dict[str, dict[str, int]] = {}
    for key, n in sizes.items():
        row = {}
        for item in plan.items:
            fraction = item.fraction
            if fraction is not None and key in plan.stratum_fractions:
                fraction = plan.stratum_fractions[key]
            by_ratio = ceil_fraction(n * fraction) if fraction is not None else 0
            row[item.item_id] = min(n, max(by_ratio, minimums[item.item_id][key]))
        quotas[key] = row
    return quotas


class Tickets:
    """t(e) = H(K ‖ uscc), compared as a big-endian unsigned integer (equivalently as bytes), ties by uscc."""

    def __init__(self, profile: Profile, key: bytes) -> None:
        self._prefix = profile.new(key)

    def of(self, uscc: str) -> bytes:
        h = self._prefix.copy()
        h.update(uscc.encode("utf-8"))
        return bytes(h.digest())


@dataclass(frozen=True)
class Pick:
    """A selected entity: its stratum, rank in the stratum's ticket order (from 0), ticket, items, batch."""

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


def strata(entries: Iterable[FrameEntry]) -> dict[str, list[str]]:
    """The eligible usccs of every stratum (strata without eligible entities are absent: N_s = 0)."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        if entry.eligible:
            found.setdefault(entry.stratum, []).append(entry.uscc)
    return found


def _ordered(tickets: Tickets, usccs: Iterable[str], count: int | None = None) -> list[tuple[bytes, str]]:
    pairs = ((tickets.of(u), u) for u in usccs)
    if count is None:
        return sorted(pairs, key=lambda p: (p[0], p[1].encode("utf-8")))
    return heapq.nsmallest(count, pairs, key=lambda p: (p[0], p[1].encode("utf-8")))


def stratum_order(tickets: Tickets, usccs: Iterable[str]) -> list[tuple[bytes, str]]:
    """Every eligible entity of a stratum in ticket order."""
    return _ordered(tickets, usccs)


def _batched(picks: list[Pick], batch_size: int) -> tuple[Pick, ...]:
    ordered = sorted(picks, key=lambda p: (p.ticket, p.uscc.encode("utf-8")))
    if batch_size == 0:
        return tuple(ordered)
    return tuple(replace(p, batch=i // batch_size + 1) for i, p in enumerate(ordered))


def select(profile: Profile, key: bytes, entries: Iterable[FrameEntry], plan: DrawPlan) -> Selection:
    """In every stratum, the q_s eligible entities with the smallest tickets, q_s = max over items of q[s][i];
    the entity at rank r is inspected for the items i with r < q[s][i] (nested samples)."""
    return select_groups(profile, key, strata(entries), plan)


def select_groups(
    profile: Profile, key: bytes, groups: Mapping[str, Sequence[str]], plan: DrawPlan, workers: int = 1
) -> Selection:
    """`select` over the eligible usccs of each stratum, for large frames: tickets are computed stratum by
    stratum and only the q_s smallest are kept; `workers` > 1 spreads the strata over forked processes (the
    outcome is the same, it is a pure function of its inputs)."""
    sizes = {name: len(usccs) for name, usccs in groups.items()}
    quotas = item_quotas(plan, sizes)
    jobs = [(name, max(quotas[name].values())) for name in sorted(groups)]
    jobs = [(name, wanted) for name, wanted in jobs if wanted > 0]
    if workers > 1 and len(jobs) > 1 and not _green():
        chosen = _in_processes(profile, key, groups, jobs, workers)
    else:
        chosen = [_smallest(profile.new(key), groups[name], wanted) for name, wanted in jobs]
    picks = []
    for (name, _), smallest in zip(jobs, chosen, strict=True):
        row = quotas[name]
        for rank, keyed in enumerate(smallest):
            items = tuple(item.item_id for item in plan.items if rank < row[item.item_id])
            picks.append(Pick(keyed[32:].decode("utf-8"), name, rank, keyed[:32].hex(), items))
    return Selection(_batched(picks, plan.batch_size), quotas, sizes)


def _smallest(prefix: Any, usccs: Sequence[str], wanted: int) -> list[bytes]:
    """The `wanted` smallest `ticket ‖ uscc` of a stratum: ordering these bytes is ordering by ticket, then uscc,
    because every ticket has the same length."""
    copy = prefix.copy

    def keyed(uscc: str) -> bytes:
        h = copy()
        raw = uscc.encode("utf-8")
        h.update(raw)
        return bytes(h.digest()) + raw

    if wanted >= len(usccs):
        return sorted(map(keyed, usccs))
    return heapq.nsmallest(wanted, map(keyed, usccs))


_SHARED: dict[str, Any] = {}


def _green() -> bool:
    """True under eventlet's monkey patching (nameko services), where forked pools hang: draw in-process there."""
    import sys

    eventlet = sys.modules.get("eventlet")
    return bool(eventlet is not None and eventlet.patcher.is_monkey_patched("thread"))


def _work(chunk: list[tuple[str, int]]) -> list[list[bytes]]:
    prefix = _SHARED["profile"].new(_SHARED["key"])
    return [_smallest(prefix, _SHARED["groups"][name], wanted) for name, wanted in chunk]


def _in_processes(
    profile: Profile, key: bytes, groups: Mapping[str, Sequence[str]], jobs: list[tuple[str, int]], workers: int
) -> list[list[bytes]]:
    import multiprocessing

    _SHARED.update(profile=profile, key=key, groups=groups)
    chunks = [jobs[i::workers] for i in range(workers)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_work, chunks)
    finally:
        _SHARED.clear()
    by_name: dict[str, list[bytes]] = {}
    for chunk, found in zip(chunks, results, strict=True):
        for (name, _), smallest in zip(chunk, found, strict=True):
            by_name[name] = smallest
    return [by_name[name] for name, _ in jobs]


def replacement(
    profile: Profile, key: bytes, entries: Sequence[FrameEntry], picks: Sequence[Pick], invalid: str
) -> Pick:
    """The next eligible entity of the invalid pick's stratum, in ticket order, that was never picked; it takes over
    the invalid pick's items and batch. `LookupError` if the stratum is exhausted."""
    old = next((p for p in picks if p.uscc == invalid), None)
    if old is None:
        raise LookupError(f"{invalid} is not among the picks")
    taken = {p.uscc for p in picks}
    members = strata(entries).get(old.stratum, [])
    for rank, (ticket, uscc) in enumerate(stratum_order(Tickets(profile, key), members)):
        if uscc not in taken:
            return Pick(uscc, old.stratum, rank, ticket.hex(), old.items, old.batch, replaces=invalid)
    raise LookupError(f"stratum {old.stratum} has no eligible entity left to replace {invalid}")


def expansion(
    profile: Profile,
    key: bytes,
    entries: Sequence[FrameEntry],
    picks: Sequence[Pick],
    invalid: Iterable[str],
    plan: DrawPlan,
) -> list[Pick]:
    """The new picks that bring every item of every stratum up to its quota under `plan` (a larger ratio or
    minimum): the next never-picked entities in ticket order, in a new batch; earlier picks never change. Item i is
    covered by the valid picks carrying it; each new pick carries exactly the items still short of q[s][i]."""
    void = set(invalid)
    taken = {p.uscc for p in picks}
    groups = strata(entries)
    quotas = item_quotas(plan, {k: len(v) for k, v in groups.items()})
    tickets = Tickets(profile, key)
    batch = max((p.batch for p in picks), default=0) + 1
    added = []
    for stratum_key in sorted(groups):
        row = quotas[stratum_key]
        valid = [p for p in picks if p.stratum == stratum_key and p.uscc not in void]
        covered = {item.item_id: sum(1 for p in valid if item.item_id in p.items) for item in plan.items}
        missing = max(row[i] - covered[i] for i in covered)
        if missing <= 0:
            continue
        for rank, (ticket, uscc) in enumerate(stratum_order(tickets, groups[stratum_key])):
            if missing == 0:
                break
            if uscc in taken:
                continue
            items = tuple(i for i in covered if covered[i] < row[i])
            for item_id in items:
                covered[item_id] += 1
            added.append(Pick(uscc, stratum_key, rank, ticket.hex(), items, batch))
            missing = max(row[i] - covered[i] for i in covered)
    return added
