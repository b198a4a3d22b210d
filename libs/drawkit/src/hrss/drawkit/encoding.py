"""Canonical encodings and the hash profiles of the draw (docs/draw-spec.md §2–3).

Every hashed value is a *record*: a tag and fields, each length-prefixed with a 4-byte big-endian length, so that
no two different inputs encode to the same bytes. Text is UTF-8 of its NFC form; integers are decimal ASCII.

`utf8_each`, `nfc_utf8_each` and `Profile.hash_each` do the same over whole columns, without a Python-level call per
value, for the frames of millions of entities (frame.leaf_hashes_columns, sampling).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Union

Field = Union[bytes, str, int]  # not `bytes | str | int`: the verifier runs on Python 3.9


def lp(data: bytes) -> bytes:
    """`u32be(len(data)) ‖ data`."""
    if len(data) > 0xFFFFFFFF:
        raise ValueError("field longer than 4 GiB")
    return len(data).to_bytes(4, "big") + data


def field_bytes(value: Field) -> bytes:
    """A field's bytes: bytes as they are, text as UTF-8 (NFC), integers as decimal ASCII; bool is refused."""
    if isinstance(value, bool):
        raise TypeError("encode booleans as the integers 0 and 1")
    if isinstance(value, bytes):
        return value
    if isinstance(value, int):
        return str(value).encode("ascii")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).encode("utf-8")
    raise TypeError(f"cannot encode {type(value).__name__}")


def record(tag: str, *fields: Field) -> bytes:
    """`lp(tag) ‖ lp(f1) ‖ … ‖ lp(fn)`."""
    return lp(tag.encode("ascii")) + b"".join(lp(field_bytes(f)) for f in fields)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk computation that makes no reference cycles: with ten million
    usccs in memory, every full collection walks them all, and half a million new picks would trigger many (6 s
    of a 13 s draw). Reference counting still frees everything; the collector is switched back on after.

    What survives (the picks) is then moved to the oldest generation by a freeze and unfreeze, which scans nothing:
    otherwise the first collection after the pause would walk every object made during it (0.7 s for half a million
    picks), only to find what reference counting already knows. Not done if the process keeps objects frozen
    (gc.freeze before a fork): unfreezing would release them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def utf8_each(texts: Sequence[str]) -> list[bytes]:
    """`[t.encode("utf-8") for t in texts]` (no normalisation: what tickets hash), in a few C-level passes. The str
    objects are only read, never referenced, so the pages of a forked worker's inherited lists stay shared."""
    if not texts:
        return []
    parts = "\n".join(texts).encode("utf-8").split(b"\n")
    return parts if len(parts) == len(texts) else [t.encode("utf-8") for t in texts]


def nfc_utf8_each(texts: Sequence[str]) -> list[bytes]:
    """`[field_bytes(t) for t in texts]` for text: UTF-8 of the NFC form. NFC of the texts joined by "\n" is the
    join of their NFC forms ("\n" is a starter that composes with nothing), so when the joined text is already in NFC
    (ASCII codes always are), so is every text, and one encode and one split give every field."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if unicodedata.is_normalized("NFC", joined):
        parts = joined.encode("utf-8").split(b"\n")
        if len(parts) == len(texts):
            return parts
    return [unicodedata.normalize("NFC", t).encode("utf-8") for t in texts]


def canonical_json(value: Any) -> bytes:
    """JSON with text in NFC (keys included), keys sorted by code point after normalising, no insignificant white
    space, UTF-8; floats are refused, and so are two keys that are equal once normalised."""

    def normal(node: Any) -> Any:
        if isinstance(node, float):
            raise TypeError("floats are not allowed in canonical JSON: use integers or rationals")
        if isinstance(node, str):
            return unicodedata.normalize("NFC", node)
        if isinstance(node, dict):
            found: dict[str, Any] = {}
            for key, item in node.items():
                if not isinstance(key, str):
                    raise TypeError("object keys must be text")
                name = unicodedata.normalize("NFC", key)
                if name in found:
                    raise ValueError(f"two keys are equal once normalised: {name!r}")
                found[name] = normal(item)
            return found
        if isinstance(node, (list, tuple)):
            return [normal(item) for item in node]
        return node

    return json.dumps(normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


HASH_TICKETS = "hash"  # t(e) = H(K ‖ UTF-8(uscc)), 32 bytes (docs/draw-spec.md §6.2)
AES_TICKETS = "aes-256-cbc-mac"  # t(e) = AES-256_K(AES-256_K(m1) ⊕ m2), 16 bytes (docs/draw-spec.md §6.4)


@dataclass(frozen=True)
class Profile:
    """A profile: its identifier (part of every published record), its hash function H, and how entity tickets
    are computed (`tickets`, `ticket_size` bytes). Everything but the tickets is H in every profile.

    `short`, if given, is another implementation of the same H that is faster on messages of one or two blocks
    (tickets, tree nodes): CPython's own SHA-256 keeps its state in the object, where OpenSSL 3 allocates and
    copies a digest context for every message (0.6 µs against 1.1 µs a ticket, 0.76 against 0.89 a tree node;
    OpenSSL is the faster from three blocks, so leaf records stay with `new`)."""

    name: str
    new: Callable[..., Any]
    tickets: str = HASH_TICKETS
    ticket_size: int = 32
    short: Callable[..., Any] | None = None

    @property
    def new_short(self) -> Callable[..., Any]:
        """The constructor of H for short messages: `short` if the profile has one, else `new`."""
        return self.short or self.new

    def hash(self, data: bytes) -> bytes:
        return bytes(self.new(data).digest())

    def hash_record(self, tag: str, *fields: Field) -> bytes:
        return self.hash(record(tag, *fields))

    def hash_each(self, data: Iterable[bytes]) -> list[bytes]:
        """`[self.hash(d) for d in data]`, iterated in C: no Python frame per value."""
        return list(map(_digest_of(self.new), map(self.new, data)))

    def hash_each_short(self, data: Iterable[bytes]) -> list[bytes]:
        """`hash_each` of short messages (at most two blocks each), by `new_short`: the same digests."""
        new = self.new_short
        return list(map(_digest_of(new), map(new, data)))


@functools.cache
def _digest_of(new: Callable[..., Any]) -> Callable[[Any], bytes]:
    """The unbound `digest` of the hash objects `new` makes (one C call per digest, unlike a lambda)."""
    digest: Callable[[Any], bytes] = type(new(b"")).digest
    return digest


def _sm3(data: bytes = b"") -> Any:
    return hashlib.new("sm3", data)


def _builtin_sha256() -> Callable[..., Any] | None:
    """CPython's own SHA-256 constructor (module `_sha2` from Python 3.12, `_sha256` before), None if this Python
    was built without it."""
    for module in ("_sha2", "_sha256"):
        try:
            found: Callable[..., Any] = getattr(importlib.import_module(module), "sha256")  # noqa: B009
        except (ImportError, AttributeError):
            continue
        return found
    return None


_SHA256_SHORT = _builtin_sha256()
SHA256 = Profile("hrss-draw/sha256/v1", hashlib.sha256, short=_SHA256_SHORT)
SM3 = Profile("hrss-draw/sm3/v1", _sm3)
# The fast profile: SHA-256 for everything but the entity tickets, which are AES (the `cryptography` package).
SHA256_AES = Profile("hrss-draw/sha256-aes/v1", hashlib.sha256, AES_TICKETS, 16, short=_SHA256_SHORT)
PROFILES = {SHA256.name: SHA256, SM3.name: SM3, SHA256_AES.name: SHA256_AES}


def profile(name: str) -> Profile:
    """The profile named `name`; SM3 only where the system's OpenSSL provides it, the AES profile only where the
    `cryptography` package is installed (the others need nothing beyond the standard library)."""
    try:
        chosen = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown draw profile {name!r} (known: {', '.join(PROFILES)})") from None
    if chosen is SM3:
        try:
            _sm3(b"")
        except ValueError:
            raise ValueError("this Python's OpenSSL has no SM3") from None
    if chosen.tickets == AES_TICKETS:
        try:
            import cryptography.hazmat.primitives.ciphers  # noqa: F401
        except ImportError:
            raise ValueError(
                f"the profile {name} computes tickets with AES and needs the `cryptography` package "
                "(pip install cryptography); the other profiles need only the standard library"
            ) from None
    return chosen


def available(name: str) -> bool:
    """Whether `profile(name)` works in this Python (SM3 needs it in OpenSSL, the AES profile `cryptography`)."""
    try:
        profile(name)
    except ValueError:
        return False
    return True
