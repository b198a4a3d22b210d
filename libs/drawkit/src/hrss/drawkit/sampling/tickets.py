"""Tickets (docs/draw-spec.md §6.2, §6.4) and a stratum in ticket order. Computed a stratum at a time with bulk
operations (one UTF-8 pass, then `map` over the hash or one AES call): no Python frame per entity."""

from __future__ import annotations

import operator
import struct
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from math import isqrt

from hrss.drawkit.encoding import AES_TICKETS, HASH_TICKETS, Profile, _digest_of, utf8_each

TicketFunction = Callable[[Sequence[bytes]], list[bytes]]


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


def stratum_order(tickets: Tickets, usccs: Sequence[str]) -> list[tuple[bytes, str]]:
    """Every eligible entity of a stratum in ticket order."""
    raws = utf8_each(usccs)
    found = tickets.many(raws)
    keyed = list(map(bytes.__add__, found, raws))
    return [(found[i], usccs[i]) for i in sorted(range(len(keyed)), key=keyed.__getitem__)]


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
