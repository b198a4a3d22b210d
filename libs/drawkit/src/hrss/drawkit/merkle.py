"""The Merkle tree of RFC 6962 §2.1 over record bytes, with inclusion proofs (docs/draw-spec.md §4).

MTH({})      = H("")
MTH({d0})    = H(0x00 ‖ d0)
MTH(D[0:n])  = H(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])),  k the largest power of two < n
"""

from __future__ import annotations

from collections.abc import Sequence

from hrss.drawkit.encoding import Profile


def leaf_hash(profile: Profile, data: bytes) -> bytes:
    return profile.hash(b"\x00" + data)


def _node(profile: Profile, left: bytes, right: bytes) -> bytes:
    return profile.hash(b"\x01" + left + right)


def root_of_hashes(profile: Profile, hashes: Sequence[bytes]) -> bytes:
    """The root over already hashed leaves, bottom-up: pairing from the left and carrying an odd last node up
    gives exactly RFC 6962's split at the largest power of two."""
    if not hashes:
        return profile.hash(b"")
    level = list(hashes)
    new = profile.new
    while len(level) > 1:
        paired = [new(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return bytes(level[0])


def root(profile: Profile, leaves: Sequence[bytes]) -> bytes:
    """MTH over the leaf records, in the order given."""
    return root_of_hashes(profile, [leaf_hash(profile, leaf) for leaf in leaves])


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
