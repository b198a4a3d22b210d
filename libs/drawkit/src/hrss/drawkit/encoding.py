"""Canonical encodings and the hash profiles of the draw (docs/draw-spec.md §2–3).

Every hashed value is a *record*: a tag and fields, each length-prefixed with a 4-byte big-endian length, so that
no two different inputs encode to the same bytes. Text is UTF-8 of its NFC form; integers are decimal ASCII.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Field = bytes | str | int


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
        if isinstance(node, list | tuple):
            return [normal(item) for item in node]
        return node

    return json.dumps(normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Profile:
    """A hash profile: its identifier (part of every published record) and its hash function."""

    name: str
    new: Callable[..., Any]

    def hash(self, data: bytes) -> bytes:
        return bytes(self.new(data).digest())

    def hash_record(self, tag: str, *fields: Field) -> bytes:
        return self.hash(record(tag, *fields))


def _sm3(data: bytes = b"") -> Any:
    return hashlib.new("sm3", data)


SHA256 = Profile("hrss-draw/sha256/v1", hashlib.sha256)
SM3 = Profile("hrss-draw/sm3/v1", _sm3)
PROFILES = {SHA256.name: SHA256, SM3.name: SM3}


def profile(name: str) -> Profile:
    """The profile named `name`; SM3 only where the system's OpenSSL provides it."""
    try:
        chosen = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown draw profile {name!r} (known: {', '.join(PROFILES)})") from None
    if chosen is SM3:
        try:
            _sm3(b"")
        except ValueError:
            raise ValueError("this Python's OpenSSL has no SM3") from None
    return chosen
