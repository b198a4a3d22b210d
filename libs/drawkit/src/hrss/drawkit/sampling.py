"""Tickets, strata, quotas and the stratified selection; batch order, replacement and expansion
(docs/draw-spec.md §6–8). Integers and rationals only: no floating point anywhere.

Tickets are computed a stratum at a time with bulk operations (one UTF-8 pass, then `map` over the hash or one AES
call), so that a draw of millions of entities runs no Python frame per entity.
"""

from __future__ import annotations

import operator
import struct
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from fractions import Fraction
from itertools import compress, repeat
from math import isqrt
from typing import Any, Protocol

from hrss.drawkit.encoding import AES_TICKETS, HASH_TICKETS, SHA256, Profile, _digest_of, paused_gc, utf8_each
from hrss.drawkit.frame import FrameEntry

TicketFunction = Callable[[Sequence[bytes]], list[bytes]]
NativeSmallest = Callable[[bytes, list[str], int], list[bytes]]


class Accelerator(Protocol):
    """hrss.drawnative's helpers for the picks of a large draw (the module itself is one)."""

    def order(self, keys: list[bytes], /) -> list[int]:
        """sorted(range(len(keys)), key=keys.__getitem__)"""

    def split(self, keys: list[bytes], size: int, /) -> tuple[list[str], list[str]]:
        """([k[:size].hex() for k in keys], [k[size:].decode("utf-8") for k in keys])"""


@dataclass(frozen=True)
class ItemRule:
    """A checklist item of the task: its ratio as an exact fraction (None: none), and an absolute minimum.

    Tasks of one draw with different scopes (docs/draw-spec.md §6.3): `strata`, if given, names the only strata in
    which the item is drawn (elsewhere its quota is 0), and `stratum_fractions` replaces the item's fraction in the
    strata it names (its own task's credit-risk ratios), before the plan's `stratum_fractions`."""

    item_id: str
    fraction: Fraction | None = None
    minimum: int = 0
    strata: frozenset[str] | None = None
    stratum_fractions: Mapping[str, Fraction] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ValueError(f"{self.item_id}: a ratio lies between 0 and 1")
        if any(not 0 <= f <= 1 for f in self.stratum_fractions.values()):
            raise ValueError(f"{self.item_id}: a ratio lies between 0 and 1")
        if self.minimum < 0:
            raise ValueError(f"{self.item_id}: a minimum is not negative")

    def applies(self, stratum: str) -> bool:
        return self.strata is None or stratum in self.strata

    def fraction_in(self, plan: DrawPlan, stratum: str) -> Fraction | None:
        """The item's fraction in `stratum`: its own override, else the plan's, else its ratio (None stays None)."""
        if self.fraction is None:
            return None
        if stratum in self.stratum_fractions:
            return self.stratum_fractions[stratum]
        return plan.stratum_fractions.get(stratum, self.fraction)


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
    """q[s][i] = min(N_s, max(ceil(N_s · f_{s,i}), m_{s,i})) for every stratum s in which item i is drawn, 0 in the
    others; the minimum m_i is apportioned over the strata in which the item is drawn."""
    minimums = {
        item.item_id: apportion(item.minimum, {key: n for key, n in sizes.items() if item.applies(key)})
        for item in plan.items
    }
    quotas: dict[str, dict[str, int]] = {}
    for key, n in sizes.items():
        row = {}
        for item in plan.items:
            if not item.applies(key):
                row[item.item_id] = 0
                continue
            fraction = item.fraction_in(plan, key)
            by_ratio = ceil_fraction(n * fraction) if fraction is not None else 0
            row[item.item_id] = min(n, max(by_ratio, minimums[item.item_id][key]))
        quotas[key] = row
    return quotas


def hash_tickets(profile: Profile, key: bytes) -> TicketFunction:
    """t(e) = H(K ‖ UTF-8(uscc)) of each UTF-8 uscc (docs/draw-spec.md §6.2), iterated in C (one or two blocks:
    `Profile.new_short`)."""
    new = profile.new_short
    digest, prefixed = _digest_of(new), key.__add__

    def tickets(raws: Sequence[bytes]) -> list[bytes]:
        return list(map(digest, map(new, map(prefixed, raws))))

    return tickets


AES_USCC_MAX = 31  # UTF-8 bytes of a uscc in the AES profile: its length byte and the uscc fill two AES blocks
_LENGTH = [bytes([n]) for n in range(AES_USCC_MAX + 1)]


def aes_messages(raws: Sequence[bytes]) -> bytes:
    """m(e) = u8(len(u)) ‖ u ‖ 0x00^(31 − len(u)) of each UTF-8 uscc u, concatenated: 32 bytes each."""
    sizes = list(map(len, raws))
    if not sizes:
        return b""
    low, high = min(sizes), max(sizes)
    if high > AES_USCC_MAX:
        raise ValueError(f"the AES ticket profile takes usccs of at most {AES_USCC_MAX} UTF-8 bytes")
    if low == high:  # the usual case, every uscc of 18 characters: one join
        head, pad = _LENGTH[low], bytes(AES_USCC_MAX - low)
        return head + (pad + head).join(raws) + pad
    prefixed = map(bytes.__add__, map(_LENGTH.__getitem__, sizes), raws)
    return b"".join(map(bytes.ljust, prefixed, repeat(AES_USCC_MAX + 1), repeat(b"\x00")))


def aes_tickets(key: bytes) -> TicketFunction:
    """t(e) = AES-256_K(AES-256_K(m1) ⊕ m2) for m(e) = m1 ‖ m2 (docs/draw-spec.md §6.4): the CBC-MAC of the fixed
    32-byte message, 16 bytes. Computed for a whole stratum with two ECB passes and one big-integer XOR: the first
    pass gives AES(m1) ‖ AES(m2) of every entity, shifting the messages 16 bytes left lines each m2 up with its
    AES(m1), and the tickets are the first halves of the second pass (the other halves are discarded).
    Needs the `cryptography` package (imported here, only for this profile)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encrypt = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update

    def tickets(raws: Sequence[bytes]) -> list[bytes]:
        if not raws:
            return []
        messages = aes_messages(raws)
        size = len(messages)
        first = encrypt(messages)
        chained = (int.from_bytes(first, "big") ^ (int.from_bytes(messages[16:], "big") << 128)).to_bytes(size, "big")
        second = encrypt(chained)
        return list(struct.unpack("16s16x" * len(raws), second))

    return tickets


def ticket_function(profile: Profile, key: bytes) -> TicketFunction:
    """The profile's tickets of a list of UTF-8 usccs, under the draw key K."""
    if profile.tickets == HASH_TICKETS:
        return hash_tickets(profile, key)
    if profile.tickets == AES_TICKETS:
        return aes_tickets(key)
    raise ValueError(f"{profile.name}: unknown ticket scheme {profile.tickets!r}")


class Tickets:
    """The tickets of a draw: t(e) = H(K ‖ uscc) in the hash profiles, the AES CBC-MAC in the AES profile, compared
    as big-endian unsigned integers (equivalently as bytes, all `size` long), ties by uscc."""

    def __init__(self, profile: Profile, key: bytes) -> None:
        self.size = profile.ticket_size
        self.many = ticket_function(profile, key)

    def of(self, uscc: str) -> bytes:
        return self.many([uscc.encode("utf-8")])[0]


@dataclass(frozen=True, slots=True)
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


def strata(entries: Iterable[FrameEntry]) -> dict[str, list[str]]:
    """The eligible usccs of every stratum (strata without eligible entities are absent: N_s = 0)."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        if entry.eligible:
            found.setdefault(entry.stratum, []).append(entry.uscc)
    return found


def strata_columns(usccs: Sequence[str], keys: Sequence[str], eligible: Sequence[bool]) -> dict[str, list[str]]:
    """`strata` of a frame given as columns (uscc, stratum key, eligible), in C: the same dict, in the same order."""
    found: dict[str, list[str]] = {key: [] for key in dict.fromkeys(compress(keys, eligible))}
    deque(map(list.append, map(found.__getitem__, compress(keys, eligible)), compress(usccs, eligible)), maxlen=0)
    return found


def stratum_order(tickets: Tickets, usccs: Sequence[str]) -> list[tuple[bytes, str]]:
    """Every eligible entity of a stratum in ticket order."""
    raws = utf8_each(usccs)
    found = tickets.many(raws)
    keyed = list(map(bytes.__add__, found, raws))
    return [(found[i], usccs[i]) for i in sorted(range(len(keyed)), key=keyed.__getitem__)]


def select(
    profile: Profile, key: bytes, entries: Iterable[FrameEntry], plan: DrawPlan, native: bool = True
) -> Selection:
    """In every stratum, the q_s eligible entities with the smallest tickets, q_s = max over items of q[s][i];
    the entity at rank r is inspected for the items i with r < q[s][i] (nested samples). `native=False` keeps to
    hashlib even where hrss-drawnative is installed (the verifier: an independent recomputation)."""
    return select_groups(profile, key, strata(entries), plan, native=native)


def select_groups(
    profile: Profile,
    key: bytes,
    groups: Mapping[str, Sequence[str]],
    plan: DrawPlan,
    workers: int = 1,
    native: bool = True,
) -> Selection:
    """`select` over the eligible usccs of each stratum, for large frames: tickets are computed stratum by
    stratum and only the q_s smallest are kept. With `native` and hrss-drawnative installed, the default profile's
    tickets are computed natively, by `workers` threads, and the picks of every profile are put in global ticket
    order natively; otherwise it is hashlib, `workers` > 1 spreading the strata over forked processes, and
    `sorted`. The outcome is the same either way: it is a pure function of its inputs, and libs/drawnative's tests
    check the native results against these."""
    with paused_gc():
        if not native:
            return _select_groups(profile, key, groups, plan, workers, None, None)
        return _select_groups(profile, key, groups, plan, workers, native_kernel(profile), accelerator())


def native_kernel(profile: Profile) -> NativeSmallest | None:
    """hrss.drawnative's `smallest` for the default profile (SHA-256 tickets), or None: another profile, or the
    package is not installed (the draw then runs on hashlib alone, slower, to the same result)."""
    if profile.tickets != HASH_TICKETS or profile.name != SHA256.name:
        return None
    try:
        from hrss.drawnative import smallest
    except ImportError:
        return None
    return smallest


def accelerator() -> Accelerator | None:
    """hrss.drawnative, for the picks of any profile (global ticket order, hex tickets, usccs), or None."""
    try:
        from hrss import drawnative
    except ImportError:
        return None
    return drawnative


def _select_groups(
    profile: Profile,
    key: bytes,
    groups: Mapping[str, Sequence[str]],
    plan: DrawPlan,
    workers: int,
    kernel: NativeSmallest | None,
    accelerated: Accelerator | None,
) -> Selection:
    sizes = {name: len(usccs) for name, usccs in groups.items()}
    quotas = item_quotas(plan, sizes)
    jobs = [(name, max(quotas[name].values())) for name in sorted(groups)]
    jobs = [(name, wanted) for name, wanted in jobs if wanted > 0]
    if kernel is not None:
        chosen = _in_threads(kernel, key, groups, jobs, workers if not _green() else 1)
    elif workers > 1 and len(jobs) > 1 and not _green():
        chosen = _in_processes(profile, key, groups, jobs, workers)
    else:
        tickets = ticket_function(profile, key)
        size = profile.ticket_size
        chosen = [_smallest(tickets, size, groups[name], wanted) for name, wanted in jobs]
    smallest = dict(zip((name for name, _ in jobs), chosen, strict=True))
    return selection_of(profile, plan, quotas, sizes, smallest, accelerated)


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


_PICK_SLOTS = {f.name: Pick.__dict__[f.name] for f in fields(Pick)}


def _made(count: int, **columns: Iterable[Any]) -> tuple[Pick, ...]:
    """`count` picks, `Pick(**{name: next(column) …})` each, set column by column through the slots' descriptors
    (what the frozen dataclass's own __init__ does field by field, with a Python frame per pick: a draw of ten
    million makes half a million). Every field is given, so every slot is set."""
    if columns.keys() != _PICK_SLOTS.keys():
        raise TypeError(f"every field of Pick is needed: {', '.join(_PICK_SLOTS)}")
    picks = list(map(object.__new__, repeat(Pick, count)))
    for name, values in columns.items():
        deque(map(_PICK_SLOTS[name].__set__, picks, values), maxlen=0)
    return tuple(picks)


def _smallest(tickets: TicketFunction, size: int, usccs: Sequence[str], wanted: int) -> list[bytes]:
    """The `wanted` smallest `ticket ‖ uscc` of a stratum, in order: ordering these bytes is ordering by ticket,
    then uscc, because every ticket has the same length (`size`).

    Only the entities whose ticket is below a bound are joined to their uscc and sorted. The bound is set a little
    above where the wanted-th smallest of uniform tickets falls (wanted + 4·√wanted + 8 of len(usccs)), and if
    fewer than `wanted` fall below it, the whole stratum is sorted instead: either way the result is exact, since
    every entity below the bound is kept and, when at least `wanted` are, none above it can be among the wanted
    smallest. The bound only saves time."""
    raws = utf8_each(usccs)
    found = tickets(raws)
    count = len(raws)
    if wanted < count:
        bound = ((wanted + 4 * isqrt(wanted) + 8) << (8 * size)) // count
        if bound < 1 << (8 * size):
            below = list(map(operator.lt, found, repeat(bound.to_bytes(size, "big"))))
            kept = list(map(bytes.__add__, compress(found, below), compress(raws, below)))
            if len(kept) >= wanted:
                kept.sort()
                del kept[wanted:]
                return kept
    keyed = list(map(bytes.__add__, found, raws))
    keyed.sort()
    del keyed[wanted:]
    return keyed


def _in_threads(
    kernel: NativeSmallest, key: bytes, groups: Mapping[str, Sequence[str]], jobs: list[tuple[str, int]], workers: int
) -> list[list[bytes]]:
    """The native kernel over the strata; it releases the GIL while it hashes, so `workers` threads run at once.

    Each thread takes one share of the strata, balanced by size (largest first, to the lightest share), and runs
    it through: a future per stratum would make the threads queue for the GIL at every stratum instead."""

    def one(job: tuple[str, int]) -> list[bytes]:
        usccs = groups[job[0]]
        return kernel(key, usccs if isinstance(usccs, list) else list(usccs), job[1])

    if workers <= 1 or len(jobs) <= 1:
        return list(map(one, jobs))
    from concurrent.futures import ThreadPoolExecutor

    shares: list[list[int]] = [[] for _ in range(min(workers, len(jobs)))]
    loads = [0] * len(shares)
    for index in sorted(range(len(jobs)), key=lambda i: -len(groups[jobs[i][0]])):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += len(groups[jobs[index][0]])
    chosen: list[list[bytes]] = [[] for _ in jobs]

    def run(share: list[int]) -> None:
        for index in share:
            chosen[index] = one(jobs[index])

    with ThreadPoolExecutor(len(shares)) as pool:
        for done in [pool.submit(run, share) for share in shares]:
            done.result()
    return chosen


_SHARED: dict[str, Any] = {}


def _green() -> bool:
    """True under eventlet's monkey patching (nameko services), where forked pools hang: draw in-process there."""
    import sys

    eventlet = sys.modules.get("eventlet")
    return bool(eventlet is not None and eventlet.patcher.is_monkey_patched("thread"))


def _work(chunk: list[tuple[str, int]]) -> list[list[bytes]]:
    """In a forked worker: the strata of `chunk`. The inherited usccs are only read (utf8_each joins them without
    touching their reference counts), so their pages stay shared with the parent."""
    profile: Profile = _SHARED["profile"]
    tickets = ticket_function(profile, _SHARED["key"])
    return [_smallest(tickets, profile.ticket_size, _SHARED["groups"][name], wanted) for name, wanted in chunk]


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
