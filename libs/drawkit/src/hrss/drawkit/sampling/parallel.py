"""Where the smallest tickets of many strata are computed: hrss.drawnative's kernel in threads, else hashlib in
forked processes (never under eventlet); the result is the same either way."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hrss.drawkit.encoding import HASH_TICKETS, SHA256, Profile
from hrss.drawkit.sampling.picks import Accelerator
from hrss.drawkit.sampling.tickets import _smallest, ticket_function

NativeSmallest = Callable[[bytes, list[str], int], list[bytes]]


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
    for chunk, found in zip(chunks, results):
        for (name, _), smallest in zip(chunk, found):
            by_name[name] = smallest
    return [by_name[name] for name, _ in jobs]
