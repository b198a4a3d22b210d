"""One contract for the snapshot store, run over the in-memory fake and over MinIO, so the fake cannot drift."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from draw.adapters.snapshots import MemorySnapshots, S3Snapshots, SnapshotCorrupt

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "minio"])
def store(request, s3_client) -> Iterator[object]:  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield MemorySnapshots()
        return
    real = S3Snapshots(s3_client, f"contract-{uuid.uuid4().hex[:12]}", retention_days=1)
    real.ensure_bucket()
    yield real


def test_a_snapshot_reads_back_exactly_and_its_hash_is_checked(store) -> None:  # type: ignore[no-untyped-def]
    data = b'{"frame":[{"uscc":"911301027000000011"}]}'
    digest = store.put("draws/a/frame.json", data)
    assert store.get("draws/a/frame.json", digest) == data
    with pytest.raises(SnapshotCorrupt):
        store.get("draws/a/frame.json", "0" * 64)


def test_a_missing_snapshot_is_an_error_not_empty(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception) as missing:
        store.get("draws/none/frame.json", "0" * 64)
    assert not isinstance(missing.value, SnapshotCorrupt)


def test_a_snapshot_under_object_lock_cannot_be_deleted_quietly(s3_client) -> None:  # type: ignore[no-untyped-def]
    from minio.error import S3Error

    real = S3Snapshots(s3_client, f"lock-{uuid.uuid4().hex[:12]}", retention_days=1)
    real.ensure_bucket()
    real.put("draws/b/frame.json", b"{}")
    version = s3_client.stat_object(real.bucket, "draws/b/frame.json").version_id
    with pytest.raises(S3Error) as refused:
        s3_client.remove_object(real.bucket, "draws/b/frame.json", version_id=version)
    assert "WORM" in refused.value.message  # MinIO: "Object is WORM protected and cannot be overwritten"
    assert s3_client.get_object_retention(real.bucket, "draws/b/frame.json").mode == "GOVERNANCE"
