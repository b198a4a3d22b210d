"""The external anchor's contract, run over the fake and the real MinIO adapter alike; and what only the real
store can show: an anchored checkpoint cannot be removed, and a bucket without object lock is refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from minio.deleteobjects import DeleteObject
from minio.error import S3Error

from hrss.audit.anchor import AbstractAnchor, Anchored, AnchorNotProtected, InMemoryAnchor, S3Anchor
from hrss.audit.checkpoints import SignedCheckpoint

pytestmark = pytest.mark.integration

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def anchored(size: int, node: str = "330000", service: str = "draw", kept_by: str | None = None) -> Anchored:
    checkpoint = SignedCheckpoint(service, node, size, f"{size:064x}", "sha256", T0, f"{node}.1", "c2ln")
    return Anchored(checkpoint, kept_by or node, None if kept_by is None else f"{kept_by}.1", None)


def empty_bucket(client, bucket: str) -> None:  # type: ignore[no-untyped-def]
    """Test buckets are GOVERNANCE-locked so that the store's root may clear them (COMPLIANCE could not)."""
    versions = client.list_objects(bucket, recursive=True, include_version=True)
    doomed = [DeleteObject(v.object_name, v.version_id) for v in versions]
    if doomed:
        list(client.remove_objects(bucket, doomed, bypass_governance_mode=True))
    client.remove_bucket(bucket)


@pytest.fixture
def bucket(s3_client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    name = f"anchor-{uuid.uuid4().hex[:12]}"
    yield name
    if s3_client.bucket_exists(name):
        empty_bucket(s3_client, name)


@pytest.fixture(params=["fake", "minio"])
def anchor(request, s3_client, bucket) -> AbstractAnchor:  # type: ignore[no-untyped-def]
    if request.param == "fake":
        return InMemoryAnchor()
    real = S3Anchor(s3_client, bucket, mode="GOVERNANCE", days=1)
    real.ensure()
    return real


def test_an_anchored_checkpoint_reads_back_with_its_signatures(anchor: AbstractAnchor) -> None:
    kept = anchored(7, node="330100", kept_by="330000")
    anchor.put(kept)
    assert anchor.anchored("draw", "330100") == [kept]
    (checkpoint,) = anchor.checkpoints("draw", "330100")
    assert (checkpoint.node, checkpoint.size, checkpoint.made_at) == ("330100", 7, T0)
    assert checkpoint.head_hash == "7".zfill(64)


def test_anchors_are_found_by_service_and_node_smallest_first(anchor: AbstractAnchor) -> None:
    for item in (anchored(12), anchored(3), anchored(5, service="evidence"), anchored(4, node="330100")):
        anchor.put(item)
    assert [a.checkpoint.size for a in anchor.anchored("draw", "330000")] == [3, 12]
    assert anchor.anchored("identity", "330000") == []


def test_anchoring_the_same_checkpoint_again_reads_back_once(anchor: AbstractAnchor) -> None:
    anchor.put(anchored(3))
    anchor.put(anchored(3))
    assert len(anchor.anchored("draw", "330000")) == 1


def test_an_anchored_checkpoint_cannot_be_removed_without_bypassing_the_lock(s3_client, bucket) -> None:  # type: ignore[no-untyped-def]
    anchor = S3Anchor(s3_client, bucket, mode="GOVERNANCE", days=1)
    anchor.ensure()
    anchor.put(anchored(3))
    (version,) = list(s3_client.list_objects(bucket, recursive=True, include_version=True))
    with pytest.raises(S3Error):
        s3_client.remove_object(bucket, version.object_name, version_id=version.version_id)
    assert len(anchor.anchored("draw", "330000")) == 1


def test_a_bucket_without_object_lock_is_refused(s3_client, bucket) -> None:  # type: ignore[no-untyped-def]
    s3_client.make_bucket(bucket)
    with pytest.raises(AnchorNotProtected):
        S3Anchor(s3_client, bucket).ensure()
