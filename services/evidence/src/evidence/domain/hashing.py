"""Digests computed while bytes stream past, with SHA-256 by default and SM3 (GB/T 32905) when chosen."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, BinaryIO

from evidence.domain.errors import (
    AlgorithmUnavailable,
    AlgorithmUnknown,
    ChecksumMalformed,
    FileTooLarge,
)

ALGORITHMS = ("sha256", "sm3")
_HEX = re.compile(r"^[0-9a-f]{64}$")


def new_hash(algorithm: str) -> Any:
    """A hash object for `algorithm`; SM3 comes from the system OpenSSL and is refused clearly when absent."""
    if algorithm not in ALGORITHMS:
        raise AlgorithmUnknown(algorithm=algorithm)
    try:
        return hashlib.new(algorithm)
    except ValueError:
        raise AlgorithmUnavailable() from None


def check_declared(value: str | None) -> str | None:
    """A declared checksum as lower-case hex (64 digits for both SHA-256 and SM3), else a clear refusal."""
    if value is None or value == "":
        return None
    digest = value.strip().lower()
    if not _HEX.match(digest):
        raise ChecksumMalformed()
    return digest


def digest_of(algorithm: str, data: bytes) -> str:
    """The hex digest of `data`."""
    h = new_hash(algorithm)
    h.update(data)
    return str(h.hexdigest())


class HashingReader:
    """A file-like reader over `head` then `read_more`, hashing and counting every byte handed on.

    More than `limit` bytes raise `TooLarge` during the read, so the object store aborts the upload.
    """

    def __init__(self, head: bytes, source: BinaryIO | Callable[[int], bytes], algorithm: str, limit: int) -> None:
        self._head = head
        self._read_more = source if callable(source) else source.read
        self._hash = new_hash(algorithm)
        self.algorithm = algorithm
        self.limit = limit
        self.size = 0
        self._hash.update(head)
        self.size = len(head)
        self._check()

    def _check(self) -> None:
        if self.size > self.limit:
            raise FileTooLarge(mb=self.limit // (1024 * 1024), limit=self.limit)

    def read(self, size: int = -1) -> bytes:
        want = size if size is not None and size >= 0 else 1 << 62
        out = b""
        if self._head:
            out, self._head = self._head[:want], self._head[want:]
            want -= len(out)
            if want == 0:
                return out
        more = self._read_more(want if want < (1 << 62) else -1) if want else b""
        if more:
            self._hash.update(more)
            self.size += len(more)
            self._check()
        return out + more if out else more

    @property
    def hexdigest(self) -> str:
        return str(self._hash.hexdigest())
