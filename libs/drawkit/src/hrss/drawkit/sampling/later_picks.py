"""Picks made after the draw (docs/draw-spec.md §7.3–7.4): the replacement of an invalid pick and the expansion to a
larger quota, both the next never-picked entities in ticket order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from hrss.drawkit.encoding import Profile
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.sampling.picks import Pick
from hrss.drawkit.sampling.quotas import DrawPlan, item_quotas
from hrss.drawkit.sampling.selection import strata
from hrss.drawkit.sampling.tickets import Tickets, stratum_order

Orders = Callable[[str], Iterable[tuple[bytes, str]]]


def frame_orders(profile: Profile, key: bytes, entries: Sequence[FrameEntry]) -> tuple[Orders, dict[str, int]]:
    """The ticket order of each stratum of a frame (computed when first asked for) and N_s of every stratum."""
    groups = strata(entries)
    tickets = Tickets(profile, key)
    return (lambda stratum: stratum_order(tickets, groups.get(stratum, []))), {k: len(v) for k, v in groups.items()}


def replacement(
    profile: Profile, key: bytes, entries: Sequence[FrameEntry], picks: Sequence[Pick], invalid: str
) -> Pick:
    """The next eligible entity of the invalid pick's stratum, in ticket order, that was never picked; it takes over
    the invalid pick's items and batch. `LookupError` if the stratum is exhausted."""
    return replacement_in(frame_orders(profile, key, entries)[0], picks, invalid)


def replacement_in(orders: Orders, picks: Sequence[Pick], invalid: str) -> Pick:
    """`replacement` given each stratum's ticket order (`orders`: the whole order, or a prefix that fails when read
    past its end, as the streamed verifier's)."""
    old = next((p for p in picks if p.uscc == invalid), None)
    if old is None:
        raise LookupError(f"{invalid} is not among the picks")
    taken = {p.uscc for p in picks}
    for rank, (ticket, uscc) in enumerate(orders(old.stratum)):
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
    orders, sizes = frame_orders(profile, key, entries)
    return expansion_in(orders, sizes, picks, invalid, plan)


def expansion_in(
    orders: Orders, sizes: Mapping[str, int], picks: Sequence[Pick], invalid: Iterable[str], plan: DrawPlan
) -> list[Pick]:
    """`expansion` given each stratum's ticket order and N_s (`sizes`: every stratum with an eligible entity)."""
    void = set(invalid)
    taken = {p.uscc for p in picks}
    quotas = item_quotas(plan, sizes)
    batch = max((p.batch for p in picks), default=0) + 1
    added = []
    for stratum_key in sorted(sizes):
        row = quotas[stratum_key]
        valid = [p for p in picks if p.stratum == stratum_key and p.uscc not in void]
        covered = {item.item_id: sum(1 for p in valid if item.item_id in p.items) for item in plan.items}
        missing = max(row[i] - covered[i] for i in covered)
        if missing <= 0:
            continue
        for rank, (ticket, uscc) in enumerate(orders(stratum_key)):
            if uscc in taken:
                continue
            items = tuple(i for i in covered if covered[i] < row[i])
            for item_id in items:
                covered[item_id] += 1
            added.append(Pick(uscc, stratum_key, rank, ticket.hex(), items, batch))
            missing = max(row[i] - covered[i] for i in covered)
            if missing == 0:  # before reading on: a streamed order may end right after the last pick it needs
                break
    return added
