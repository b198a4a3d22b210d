"""The native kernel gives exactly the bytes hashlib and hrss.drawkit give: SHA-256 itself (both compressions, every
padding boundary), the `wanted` smallest `ticket ‖ uscc` of a stratum, and whole selections."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrss import drawnative
from hrss.drawkit import SHA256, DrawPlan, FrameEntry, ItemRule
from hrss.drawkit.sampling import hash_tickets, native_kernel, select_groups
from hrss.drawkit.sampling.tickets import _smallest

BACKENDS = ["portable"] + (["shani"] if drawnative.backend() == "shani" else [])


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    before = drawnative.backend()
    drawnative.use(request.param)
    yield request.param
    drawnative.use(before)


def test_sha256_matches_hashlib_at_every_padding_boundary(backend: str) -> None:
    for prefix_size in (0, 1, 31, 32, 55, 56, 63, 64):
        prefix = bytes(range(prefix_size))
        for size in range(0, 200):
            data = bytes((7 * i + size) % 256 for i in range(size))
            assert drawnative.sha256(prefix, data) == hashlib.sha256(prefix + data).digest(), (prefix_size, size)


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32), usccs=st.lists(st.text(min_size=0, max_size=40)), wanted=st.integers(0, 60)
)
def test_smallest_equals_drawkit(key: bytes, usccs: list[str], wanted: int) -> None:
    assert drawnative.smallest(key, usccs, wanted) == _smallest(hash_tickets(SHA256, key), 32, usccs, wanted)


def test_smallest_with_the_bound_and_without_it(backend: str) -> None:
    key = hashlib.sha256(b"native").digest()
    usccs = [f"91130100{i:010d}" for i in range(20_000)]
    reference = hash_tickets(SHA256, key)
    for wanted in (0, 1, 10, 1_000, 19_990, 20_000, 25_000):  # the bound kept, then too tight, then no bound
        assert drawnative.smallest(key, usccs, wanted) == _smallest(reference, 32, usccs, wanted), wanted


def test_equal_tickets_are_ordered_by_uscc() -> None:
    """The same uscc twice gives equal tickets: the order falls to the uscc bytes, then their length."""
    key = bytes(32)
    usccs = ["B", "A", "B", "AB", "A"]
    assert drawnative.smallest(key, usccs, 5) == sorted(
        hashlib.sha256(key + u.encode()).digest() + u.encode() for u in usccs
    )


def test_refuses_what_is_not_a_list_of_str() -> None:
    with pytest.raises(TypeError, match=r"usccs\[1\]"):
        drawnative.smallest(bytes(32), ["A", b"B"], 1)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        drawnative.smallest(bytes(32), ("A",), 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="wanted"):
        drawnative.smallest(bytes(32), ["A"], -1)
    with pytest.raises(ValueError, match="backend"):
        drawnative.use("fastest")


def test_threads_hash_side_by_side_to_the_same_result() -> None:
    key = hashlib.sha256(b"threads").digest()
    groups = [[f"9113{g:04d}{i:010d}" for i in range(5_000)] for g in range(8)]
    expected = [drawnative.smallest(key, g, 250) for g in groups]
    found: dict[int, list[bytes]] = {}

    def run(index: int) -> None:
        found[index] = drawnative.smallest(key, groups[index], 250)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(groups))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [found[i] for i in range(len(groups))] == expected


def test_select_groups_is_the_same_selection_natively_and_with_hashlib() -> None:
    assert native_kernel(SHA256) is drawnative.smallest
    key = hashlib.sha256(b"selection").digest()
    groups = {f"1301|{t}|{g}": [f"91{t}{g}{i:014d}" for i in range(300 + 97 * t)] for t in range(4) for g in "AB"}
    plan = DrawPlan((ItemRule("wage", Fraction(1, 20), minimum=3), ItemRule("contract", Fraction(1, 7))), batch_size=9)
    hashlib_only = select_groups(SHA256, key, groups, plan, native=False)
    assert select_groups(SHA256, key, groups, plan) == hashlib_only
    for workers in (2, 3):  # shares of unequal strata, put back in stratum order
        assert select_groups(SHA256, key, groups, plan, workers=workers) == hashlib_only


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=12)))
def test_order_is_the_stable_sort_of_bytes(keys: list[bytes]) -> None:
    """Equal keys keep their positions, and keys sharing their first eight bytes (zero-padded) fall to a full
    comparison."""
    assert drawnative.order(keys) == sorted(range(len(keys)), key=keys.__getitem__)


def test_order_of_keys_with_equal_heads() -> None:
    keys = [b"\x00" * 8 + b"\x01", b"", b"\x00" * 8, b"\x00" * 3, b"\x00" * 8, b"\x00" * 8 + b"\x00"]
    assert drawnative.order(keys) == sorted(range(len(keys)), key=keys.__getitem__)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=16, max_size=16), st.text(max_size=30))))
def test_split_gives_hex_tickets_and_usccs(rows: list[tuple[bytes, str]]) -> None:
    keys = [ticket + uscc.encode("utf-8") for ticket, uscc in rows]
    assert drawnative.split(keys, 16) == ([t.hex() for t, _ in rows], [u for _, u in rows])


def test_split_and_order_refuse_what_they_cannot_cut() -> None:
    with pytest.raises(UnicodeDecodeError):
        drawnative.split([b"\x00\xff"], 1)
    with pytest.raises(TypeError, match=r"keys\[0\]"):
        drawnative.split([b"short"], 32)
    with pytest.raises(TypeError, match=r"keys\[1\]"):
        drawnative.order([b"a", "b"])  # type: ignore[list-item]


def test_the_verifier_path_never_uses_the_native_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """select(..., native=False), as the verifier calls it, draws with hashlib and sorted alone."""
    from hrss.drawkit.sampling import select, strata

    def refuse(*_: object) -> None:
        raise AssertionError("native code called on the verifier's path")

    for name in ("smallest", "order", "split"):
        monkeypatch.setattr(drawnative, name, refuse)
    entries = [
        FrameEntry(f"91130100{i:010d}", f"e{i}", "130100", "employer", "s", True, "", f"{i:032x}") for i in range(50)
    ]
    plan = DrawPlan((ItemRule("wage", Fraction(1, 5)),))
    picks = select(SHA256, bytes(32), entries, plan, native=False).picks
    assert len(picks) == 10 and strata(entries).keys() == {"s"}
