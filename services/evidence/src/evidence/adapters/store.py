"""The evidence store port: objects in a versioned bucket under object lock, always addressed by version id.

Real adapter: `S3EvidenceStore` (any S3 API with versioning and object lock; MinIO here). Fake:
`tests/fakes.py:InMemoryEvidenceStore`. Both pass `tests/integration/test_store_contract.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from evidence.domain.storage import (
    BucketNotCompliant,
    BucketState,
    ObjectLocked,
    ObjectMissing,
    ObjectUnreadable,
    Stored,
    StoreError,
    Version,
)

RETENTION_MODES = ("GOVERNANCE", "COMPLIANCE")


class AbstractEvidenceStore(ABC):
    bucket: str

    @abstractmethod
    def ensure_bucket(self) -> BucketState:
        """Create the bucket with object lock (hence versioning) if missing; refuse one that lacks either."""

    @abstractmethod
    def bucket_state(self) -> BucketState: ...

    @abstractmethod
    def put(self, key: str, stream: BinaryIO, length: int, content_type: str, metadata: dict[str, str]) -> Stored:
        """Write a new version of `key` from `stream` (`length` -1: unknown), reading it once."""

    @abstractmethod
    def copy(self, key: str, version_id: str, to_key: str) -> Stored:
        """Write a new version of `to_key` with the bytes of one version of `key` (in the store, not through us)."""

    @abstractmethod
    def lock(self, key: str, version_id: str, mode: str, until: datetime) -> None:
        """Put the version under retention `mode` until `until`."""

    @abstractmethod
    def retention(self, key: str, version_id: str) -> tuple[str, datetime] | None: ...

    @abstractmethod
    def chunks(self, key: str, version_id: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """The version's bytes, streamed."""

    @abstractmethod
    def read_range(self, key: str, version_id: str, offset: int, length: int) -> bytes: ...

    @abstractmethod
    def delete_version(self, key: str, version_id: str) -> None:
        """Remove one version (only rejected, never-recorded uploads); `ObjectLocked` under retention."""

    @abstractmethod
    def versions(self, prefix: str) -> Iterator[Version]:
        """Every version (and delete marker) under `prefix`."""

    def read(self, key: str, version_id: str) -> bytes:
        return b"".join(self.chunks(key, version_id))


__all__ = [
    "RETENTION_MODES",
    "AbstractEvidenceStore",
    "BucketNotCompliant",
    "BucketState",
    "ObjectLocked",
    "ObjectMissing",
    "ObjectUnreadable",
    "StoreError",
    "Stored",
    "Version",
]
