"""Frame snapshots in S3-compatible storage (MinIO here), written once under object lock and read back by hash.

A snapshot is the canonical JSON of the frame's leaves (salts included). It is written before the commitment is
logged, under GOVERNANCE retention of `retention_days`, in a versioned bucket with object lock: it can be neither
overwritten nor deleted quietly. Reading checks the SHA-256 the draw recorded.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from minio import Minio
from minio.commonconfig import GOVERNANCE
from minio.retention import Retention


class SnapshotCorrupt(RuntimeError):
    """The stored object does not have the hash the draw recorded."""


class SnapshotStore(Protocol):
    def put(self, key: str, data: bytes) -> str: ...

    def get(self, key: str, sha256: str) -> bytes: ...


@dataclass
class S3Snapshots:
    client: Minio
    bucket: str
    retention_days: int = 3650

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket, object_lock=True)

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key` once; returns its SHA-256 (hex)."""
        digest = hashlib.sha256(data).hexdigest()
        until = datetime.now(UTC) + timedelta(days=self.retention_days)
        self.client.put_object(
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type="application/json",
            metadata={"sha256": digest},
            retention=Retention(GOVERNANCE, until),
        )
        return digest

    def get(self, key: str, sha256: str) -> bytes:
        response: Any = self.client.get_object(self.bucket, key)
        try:
            data = bytes(response.read())
        finally:
            response.close()
            response.release_conn()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise SnapshotCorrupt(f"snapshot {key} does not match its recorded hash")
        return data


class MemorySnapshots:
    """The fake for unit tests; `tests/integration/test_snapshots.py` runs the same contract over MinIO."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> str:
        if key in self.objects:
            raise RuntimeError(f"snapshot {key} exists")
        self.objects[key] = data
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str, sha256: str) -> bytes:
        data = self.objects[key]
        if hashlib.sha256(data).hexdigest() != sha256:
            raise SnapshotCorrupt(f"snapshot {key} does not match its recorded hash")
        return data


class CachedSnapshots:
    """A store with the last `size` snapshots read kept in memory: every step of a draw reads its frozen
    snapshot, which never changes once written (its hash is checked on the first read)."""

    def __init__(self, store: SnapshotStore, size: int = 8) -> None:
        self.store = store
        self.size = size
        self._read: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def put(self, key: str, data: bytes) -> str:
        return self.store.put(key, data)

    def get(self, key: str, sha256: str) -> bytes:
        found = self._read.get((key, sha256))
        if found is None:
            found = self.store.get(key, sha256)
            self._read[(key, sha256)] = found
            if len(self._read) > self.size:
                self._read.popitem(last=False)
        else:
            self._read.move_to_end((key, sha256))
        return found
