"""The in-memory evidence store for unit tests (`integration/test_store_contract.py` holds it to the real one), and
the in-memory visit read model."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from evidence.adapters.s3_store import PART_SIZE
from evidence.adapters.store import (
    AbstractEvidenceStore,
    BucketState,
    ObjectLocked,
    ObjectMissing,
    Stored,
    Version,
)
from evidence.adapters.visits import AbstractVisitReadModel
from evidence.domain.visits import VisitFact


class InMemoryEvidenceStore(AbstractEvidenceStore):
    def __init__(self, bucket: str = "memory") -> None:
        self.bucket = bucket
        self.objects: dict[tuple[str, str], bytes] = {}
        self.order: list[tuple[str, str]] = []
        self.locks: dict[tuple[str, str], tuple[str, datetime]] = {}

    def ensure_bucket(self) -> BucketState:
        return self.bucket_state()

    def bucket_state(self) -> BucketState:
        return BucketState("Enabled", True)

    def put(self, key: str, stream: BinaryIO, length: int, content_type: str, metadata: dict[str, str]) -> Stored:
        if length >= 0:
            data = b""
            while len(data) < length:  # as the SDK does: exactly `length` bytes
                more = stream.read(length - len(data))
                if not more:
                    break
                data += more
        else:
            parts = []
            while more := stream.read(PART_SIZE):
                parts.append(more)
            data = b"".join(parts)
        version = str(uuid.uuid4())
        self.objects[(key, version)] = data
        self.order.append((key, version))
        return Stored(key, version, len(data))

    def lock(self, key: str, version_id: str, mode: str, until: datetime) -> None:
        self._get(key, version_id)
        self.locks[(key, version_id)] = (mode, until)

    def retention(self, key: str, version_id: str) -> tuple[str, datetime] | None:
        self._get(key, version_id)
        return self.locks.get((key, version_id))

    def _get(self, key: str, version_id: str) -> bytes:
        try:
            return self.objects[(key, version_id)]
        except KeyError:
            raise ObjectMissing(f"{key}@{version_id}") from None

    def chunks(self, key: str, version_id: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        data = self._get(key, version_id)
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def read_range(self, key: str, version_id: str, offset: int, length: int) -> bytes:
        return self._get(key, version_id)[offset : offset + length] if length > 0 else b""

    def delete_version(self, key: str, version_id: str) -> None:
        self._get(key, version_id)
        held = self.locks.get((key, version_id))
        if held is not None and held[1] > datetime.now(UTC):
            raise ObjectLocked(f"{key}: Object is WORM protected and cannot be overwritten")
        del self.objects[(key, version_id)]
        self.order.remove((key, version_id))

    def versions(self, prefix: str) -> Iterator[Version]:
        for key, version in list(self.order):
            if key.startswith(prefix):
                yield Version(key, version, len(self.objects[(key, version)]), None)

    def tamper(self, key: str, version_id: str) -> None:
        """Change a stored version behind the platform's back (what only a disk or an operator could do)."""
        data = bytearray(self._get(key, version_id))
        data[len(data) // 2] ^= 0xFF
        self.objects[(key, version_id)] = bytes(data)


class InMemoryVisitReadModel(AbstractVisitReadModel):
    """The visit read model in a dict: each fact once by event id, in the order added."""

    def __init__(self) -> None:
        self.kept: dict[str, VisitFact] = {}

    def add(self, facts: Iterable[VisitFact], received_at: datetime) -> None:
        for fact in facts:
            self.kept.setdefault(fact.event_id, fact)

    def facts(self, visit_id: str) -> list[VisitFact]:
        return [f for f in self.kept.values() if f.visit_id == visit_id]
