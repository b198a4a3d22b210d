"""`AbstractEvidenceStore` over the S3 API (minio SDK): versioned bucket, object lock, version-addressed reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.error import S3Error
from minio.retention import Retention

from evidence.adapters.store import (
    AbstractEvidenceStore,
    BucketNotCompliant,
    BucketState,
    ObjectLocked,
    ObjectMissing,
    ObjectUnreadable,
    Stored,
    StoreError,
    Version,
)

PART_SIZE = 16 * 1024 * 1024  # multipart parts for bodies of unknown length
_MISSING = {"NoSuchKey", "NoSuchVersion", "NoSuchObject", "InvalidArgument"}


def s3_client(endpoint: str, access_key: str, secret_key: str, secure: bool = False) -> Minio:
    """A client with bounded retries: a version the store refuses to serve (bitrot) fails fast instead of
    retrying for a minute."""
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=10, read=120),
        maxsize=20,
        retries=urllib3.Retry(
            total=2, backoff_factor=0.1, status_forcelist=[500, 502, 504], respect_retry_after_header=False
        ),
    )
    return Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, http_client=http)


def _translate(error: S3Error, key: str) -> StoreError:
    if error.code in _MISSING:
        return ObjectMissing(f"{key}: {error.code}")
    if "WORM" in (error.message or "") or error.code == "ObjectLocked":
        return ObjectLocked(f"{key}: {error.message}")
    if error.code in {"SlowDownRead", "XMinioObjectCorrupted", "InternalError"}:
        return ObjectUnreadable(f"{key}: {error.code} {error.message}")
    return StoreError(f"{key}: {error.code} {error.message}")


class S3EvidenceStore(AbstractEvidenceStore):
    def __init__(self, client: Minio, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def ensure_bucket(self) -> BucketState:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket, object_lock=True)
        state = self.bucket_state()
        if state.versioning != "Enabled" or not state.object_lock:
            raise BucketNotCompliant(
                f"bucket {self.bucket}: versioning={state.versioning}, object lock={state.object_lock}; "
                "evidence needs both (create it with object lock)"
            )
        return state

    def bucket_state(self) -> BucketState:
        versioning = self.client.get_bucket_versioning(self.bucket).status or "Off"
        try:
            self.client.get_object_lock_config(self.bucket)
            locked = True
        except S3Error as error:
            if error.code != "ObjectLockConfigurationNotFoundError":
                raise
            locked = False
        return BucketState(str(versioning), locked)

    def put(self, key: str, stream: BinaryIO, length: int, content_type: str, metadata: dict[str, str]) -> Stored:
        part_size = PART_SIZE if length < 0 else 0
        result = self.client.put_object(
            self.bucket,
            key,
            stream,
            length,
            content_type=content_type,
            metadata=dict(metadata),  # type: ignore[arg-type]
            part_size=part_size,
        )
        if not result.version_id:
            raise BucketNotCompliant(f"bucket {self.bucket} returned no version id: versioning is off")
        size = length if length >= 0 else self.client.stat_object(self.bucket, key, version_id=result.version_id).size
        return Stored(key, str(result.version_id), int(size or 0))

    def copy(self, key: str, version_id: str, to_key: str) -> Stored:
        try:
            result = self.client.copy_object(self.bucket, to_key, CopySource(self.bucket, key, version_id=version_id))
            if not result.version_id:
                raise BucketNotCompliant(f"bucket {self.bucket} returned no version id: versioning is off")
            size = self.client.stat_object(self.bucket, to_key, version_id=result.version_id).size
        except S3Error as error:
            raise _translate(error, key) from None
        return Stored(to_key, str(result.version_id), int(size or 0))

    def lock(self, key: str, version_id: str, mode: str, until: datetime) -> None:
        try:
            self.client.set_object_retention(self.bucket, key, Retention(mode, until), version_id=version_id)
        except S3Error as error:
            raise _translate(error, key) from None

    def retention(self, key: str, version_id: str) -> tuple[str, datetime] | None:
        try:
            found = self.client.get_object_retention(self.bucket, key, version_id=version_id)
        except S3Error as error:
            if error.code == "NoSuchObjectLockConfiguration":
                return None
            raise _translate(error, key) from None
        if found is None or found.mode is None:
            return None
        return str(found.mode), found.retain_until_date

    def chunks(self, key: str, version_id: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        response: Any = self._get(key, version_id)
        try:
            yield from response.stream(chunk_size)
        finally:
            response.close()
            response.release_conn()

    def read_range(self, key: str, version_id: str, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        response: Any = self._get(key, version_id, offset, length)
        try:
            return bytes(response.read())
        finally:
            response.close()
            response.release_conn()

    def _get(self, key: str, version_id: str, offset: int = 0, length: int = 0) -> Any:
        try:
            return self.client.get_object(self.bucket, key, offset=offset, length=length, version_id=version_id)
        except S3Error as error:
            raise _translate(error, key) from None

    def delete_version(self, key: str, version_id: str) -> None:
        try:
            self.client.remove_object(self.bucket, key, version_id=version_id)
        except S3Error as error:
            raise _translate(error, key) from None

    def versions(self, prefix: str) -> Iterator[Version]:
        for item in self.client.list_objects(self.bucket, prefix=prefix, recursive=True, include_version=True):
            yield Version(
                str(item.object_name),
                str(item.version_id),
                int(item.size or 0),
                item.last_modified,
                bool(item.is_delete_marker),
            )
