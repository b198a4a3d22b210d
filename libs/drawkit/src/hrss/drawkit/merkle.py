"""The Merkle tree of RFC 6962 §2.1 over record bytes, with inclusion proofs (docs/draw-spec.md §4).

MTH({})      = H("")
MTH({d0})    = H(0x00 ‖ d0)
MTH(D[0:n])  = H(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])),  k the largest power of two < n
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat

from hrss.drawkit.encoding import Profile

# Leaves are fed to a RootBuilder in subtrees of this many (a power of two), so that it never holds more hashes.
SUBTREE = 1 << 16


def leaf_hash(profile: Profile, data: bytes) -> bytes:
    return profile.hash(b"\x00" + data)


def _node(profile: Profile, left: bytes, right: bytes) -> bytes:
    return profile.hash(b"\x01" + left + right)


def leaf_hashes(profile: Profile, leaves: Iterable[bytes]) -> list[bytes]:
    """`[leaf_hash(profile, leaf) for leaf in leaves]`, iterated in C."""
    return profile.hash_each(map(b"\x00".__add__, leaves))


def _reduce(profile: Profile, level: list[bytes]) -> bytes:
    """The root of a non-empty list of subtree roots, bottom-up: each level pairs the nodes from the left (in C:
    slices, zip, join, hash) and carries an odd last node up."""
    while len(level) > 1:
        paired = profile.hash_each_short(map(b"".join, zip(repeat(b"\x01"), level[0::2], level[1::2])))
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return bytes(level[0])


def root_of_hashes(profile: Profile, hashes: Sequence[bytes]) -> bytes:
    """The root over already hashed leaves, bottom-up: pairing from the left and carrying an odd last node up
    gives exactly RFC 6962's split at the largest power of two."""
    if not hashes:
        return profile.hash(b"")
    return _reduce(profile, list(hashes))


class RootBuilder:
    """The root over leaf hashes given a chunk at a time (a streaming commitment), holding fewer than SUBTREE
    hashes and one root per full subtree.

    Why the roots of consecutive full subtrees of SUBTREE leaves, and of the last partial one, give the root of
    the whole: bottom-up, every level below SUBTREE pairs nodes inside one subtree (SUBTREE is a power of two, so
    the full subtrees hold an even number of nodes at each of those levels), and the partial subtree reduces to
    its root and is carried up exactly as it would be alone.
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.size = 0
        self._pending: list[bytes] = []
        self._roots: list[bytes] = []
        self._last: bytes | None = None  # the root of a last partial subtree given by add_subtree

    def extend(self, hashes: Iterable[bytes]) -> None:
        if self._last is not None:
            raise ValueError("a partial subtree was the last")
        pending = self._pending
        before = len(pending)
        pending.extend(hashes)
        self.size += len(pending) - before
        full = len(pending) - len(pending) % SUBTREE
        for start in range(0, full, SUBTREE):
            self._roots.append(_reduce(self.profile, pending[start : start + SUBTREE]))
        if full:
            self._pending = pending[full:]

    def add_subtree(self, root: bytes, size: int) -> None:
        """The next `size` leaves given by the root of their subtree (computed elsewhere, e.g. by a worker process
        with `subtree_root`): a full subtree of SUBTREE leaves, or a smaller one that is the last."""
        if self._pending or self._last is not None or not 0 < size <= SUBTREE:
            raise ValueError("subtrees are added whole, SUBTREE leaves each but the last")
        if size == SUBTREE:
            self._roots.append(root)
        else:
            self._last = root
        self.size += size

    def root(self) -> bytes:
        if not self.size:
            return self.profile.hash(b"")
        tops = list(self._roots)
        if self._pending:
            tops.append(_reduce(self.profile, list(self._pending)))
        elif self._last is not None:
            tops.append(self._last)
        return _reduce(self.profile, tops)


def subtree_root(profile: Profile, hashes: Sequence[bytes]) -> bytes:
    """The root over at most SUBTREE leaf hashes (one chunk of a RootBuilder's): `root_of_hashes`."""
    return root_of_hashes(profile, hashes)


def root(profile: Profile, leaves: Sequence[bytes]) -> bytes:
    """MTH over the leaf records, in the order given."""
    return root_of_hashes(profile, leaf_hashes(profile, leaves))


def inclusion_proof(profile: Profile, hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf `index` (RFC 6962 PATH), bottom-up."""
    if not 0 <= index < len(hashes):
        raise IndexError(index)

    def path(m: int, items: Sequence[bytes]) -> list[bytes]:
        n = len(items)
        if n == 1:
            return []
        k = 1 << ((n - 1).bit_length() - 1)
        if m < k:
            return [*path(m, items[:k]), root_of_hashes(profile, items[k:])]
        return [*path(m - k, items[k:]), root_of_hashes(profile, items[:k])]

    return path(index, hashes)


def verify_inclusion(
    profile: Profile, leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected: bytes
) -> bool:
    """True if `leaf` (record bytes) is leaf `index` of a tree of `size` leaves with root `expected`."""
    if not 0 <= index < size:
        return False
    node = leaf_hash(profile, leaf)
    fn, sn = index, size - 1
    for sibling in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            node = _node(profile, sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = _node(profile, node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == expected
