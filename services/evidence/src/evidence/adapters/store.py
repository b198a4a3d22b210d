"""The evidence store port: objects in a versioned bucket under object lock, always addressed by version id.

Real adapter: `S3EvidenceStore` (any S3 API with versioning and object lock; MinIO here). Fake:
`tests/fakes.py:InMemoryEvidenceStore`. Both pass `tests/integration/test_store_contract.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO


class StoreError(RuntimeError):
    """The store refused or failed an operation."""


class ObjectMissing(StoreError):
    """No such object version."""


class ObjectLocked(StoreError):
    """The version is under retention: it can be neither deleted nor changed (WORM)."""


class ObjectUnreadable(StoreError):
    """The store has the version but will not serve its bytes (e.g. MinIO's bitrot check failed)."""


class BucketNotCompliant(StoreError):
    """The bucket lacks versioning or object lock."""


@dataclass(frozen=True)
class Stored:
    key: str
    version_id: str
    size: int


@dataclass(frozen=True)
class Version:
    key: str
    version_id: str
    size: int
    last_modified: datetime | None
    delete_marker: bool = False


@dataclass(frozen=True)
class BucketState:
    versioning: str  # "Enabled", "Suspended" or "Off"
    object_lock: bool


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
