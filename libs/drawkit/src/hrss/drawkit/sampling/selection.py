"""The stratified selection (docs/draw-spec.md §7.1): in every stratum, the q_s eligible entities with the smallest
tickets."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress

from hrss.drawkit.encoding import Profile, paused_gc
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.sampling.parallel import (
    NativeSmallest,
    _green,
    _in_processes,
    _in_threads,
    accelerator,
    native_kernel,
)
from hrss.drawkit.sampling.picks import Accelerator, Selection, selection_of
from hrss.drawkit.sampling.quotas import DrawPlan, item_quotas
from hrss.drawkit.sampling.tickets import _smallest, ticket_function


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
    smallest = dict(zip((name for name, _ in jobs), chosen))
    return selection_of(profile, plan, quotas, sizes, smallest, accelerated)
