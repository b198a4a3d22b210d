"""One contract for the evidence store, run over the in-memory fake and over MinIO, so the fake cannot drift;
and what the real bucket itself guarantees (versioning, object lock, WORM)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from evidence.adapters.s3_store import S3EvidenceStore
from evidence.adapters.store import AbstractEvidenceStore, ObjectLocked, ObjectMissing
from evidence.domain.storage import StoreError
from evidence_fakes import InMemoryEvidenceStore
from evidence_testkit import sha256

from hrss.storage import service_policy

pytestmark = pytest.mark.integration


def _bucket() -> str:
    return f"contract-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["memory", "minio"])
def store(request, s3_client) -> Iterator[AbstractEvidenceStore]:  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield InMemoryEvidenceStore()
        return
    real = S3EvidenceStore(s3_client, _bucket())
    real.ensure_bucket()
    yield real


def _put(store: AbstractEvidenceStore, key: str, data: bytes, length: int | None = None):  # type: ignore[no-untyped-def]
    return store.put(key, io.BytesIO(data), len(data) if length is None else length, "application/pdf", {"a": "b"})


def test_every_write_is_a_new_version_and_reads_address_a_version(store: AbstractEvidenceStore) -> None:
    first = _put(store, "evidence/a/1", b"first bytes")
    second = _put(store, "evidence/a/1", b"second")
    assert first.version_id != second.version_id and first.size == 11
    assert store.read("evidence/a/1", first.version_id) == b"first bytes"
    assert store.read("evidence/a/1", second.version_id) == b"second"
    assert store.read_range("evidence/a/1", first.version_id, 6, 5) == b"bytes"
    assert {(v.key, v.version_id) for v in store.versions("evidence/")} == {
        ("evidence/a/1", first.version_id),
        ("evidence/a/1", second.version_id),
    }


def test_a_body_of_unknown_length_is_stored_whole(store: AbstractEvidenceStore) -> None:
    data = bytes(range(256)) * 5000
    stored = _put(store, "evidence/b/1", data, length=-1)
    assert stored.size == len(data)
    assert sha256(store.read("evidence/b/1", stored.version_id)) == sha256(data)


def test_a_locked_version_cannot_be_deleted_and_an_unlocked_one_can(store: AbstractEvidenceStore) -> None:
    locked = _put(store, "evidence/c/1", b"locked")
    loose = _put(store, "evidence/c/2", b"loose")
    until = datetime.now(UTC) + timedelta(days=1)
    store.lock("evidence/c/1", locked.version_id, "GOVERNANCE", until)
    with pytest.raises(ObjectLocked):
        store.delete_version("evidence/c/1", locked.version_id)
    mode, kept_until = store.retention("evidence/c/1", locked.version_id)  # type: ignore[misc]
    assert mode == "GOVERNANCE" and abs((kept_until - until).total_seconds()) < 1
    assert store.retention("evidence/c/2", loose.version_id) is None
    store.delete_version("evidence/c/2", loose.version_id)
    with pytest.raises(ObjectMissing):
        store.read("evidence/c/2", loose.version_id)
    assert store.read("evidence/c/1", locked.version_id) == b"locked"


def test_a_copy_is_a_new_version_of_another_key_with_the_same_bytes(store: AbstractEvidenceStore) -> None:
    first = _put(store, "evidence/q/1", b"refused bytes")
    _put(store, "evidence/q/1", b"a later version")
    copied = store.copy("evidence/q/1", first.version_id, "quarantine/q/1")
    assert (copied.key, copied.size) == ("quarantine/q/1", 13) and copied.version_id != first.version_id
    assert store.read("quarantine/q/1", copied.version_id) == b"refused bytes"
    store.delete_version("evidence/q/1", first.version_id)  # the copy outlives its source
    assert store.read("quarantine/q/1", copied.version_id) == b"refused bytes"
    assert [v.key for v in store.versions("quarantine/")] == ["quarantine/q/1"]
    with pytest.raises(ObjectMissing):
        store.copy("evidence/q/1", first.version_id, "quarantine/q/2")


def test_a_missing_version_is_an_error_not_empty(store: AbstractEvidenceStore) -> None:
    stored = _put(store, "evidence/d/1", b"x")
    with pytest.raises(ObjectMissing):
        store.read("evidence/d/none", stored.version_id)


def test_the_bucket_reports_versioning_and_object_lock(store: AbstractEvidenceStore) -> None:
    state = store.ensure_bucket()
    assert state.versioning == "Enabled" and state.object_lock


# -- what the real bucket guarantees ----------------------------------------------------------


def test_suspending_versioning_on_the_evidence_bucket_fails(s3_client) -> None:  # type: ignore[no-untyped-def]
    from minio.error import S3Error
    from minio.versioningconfig import SUSPENDED, VersioningConfig

    real = S3EvidenceStore(s3_client, _bucket())
    real.ensure_bucket()
    with pytest.raises(S3Error) as refused:
        s3_client.set_bucket_versioning(real.bucket, VersioningConfig(SUSPENDED))
    assert refused.value.code == "InvalidBucketState"
    assert real.bucket_state().versioning == "Enabled"


def test_a_bucket_without_object_lock_is_refused(s3_client) -> None:  # type: ignore[no-untyped-def]
    from evidence.adapters.store import BucketNotCompliant

    name = _bucket()
    s3_client.make_bucket(name)
    try:
        with pytest.raises(BucketNotCompliant):
            S3EvidenceStore(s3_client, name).ensure_bucket()
    finally:
        s3_client.remove_bucket(name)


def _bypassing_delete(s3_client, bucket: str, key: str, version_id: str):  # type: ignore[no-untyped-def]
    """DELETE of one version with x-amz-bypass-governance-retention (what only a privileged user may send)."""
    return s3_client._execute(
        "DELETE",
        bucket,
        key,
        headers={"x-amz-bypass-governance-retention": "true"},
        query_params={"versionId": version_id},
    )


def test_compliance_refuses_even_the_root_user_with_the_bypass_header(s3_client) -> None:  # type: ignore[no-untyped-def]
    from minio.error import S3Error

    real = S3EvidenceStore(s3_client, _bucket())
    real.ensure_bucket()
    stored = _put(real, "evidence/e/1", b"compliance")
    real.lock("evidence/e/1", stored.version_id, "COMPLIANCE", datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(S3Error):
        _bypassing_delete(s3_client, real.bucket, "evidence/e/1", stored.version_id)
    assert real.read("evidence/e/1", stored.version_id) == b"compliance"


def test_governance_refuses_deletion_without_the_bypass_header(s3_client) -> None:  # type: ignore[no-untyped-def]
    """GOVERNANCE holds against the application (which never sends the bypass header); the root user of a test
    store can still clean up with it, which is why production defaults to COMPLIANCE."""
    real = S3EvidenceStore(s3_client, _bucket())
    real.ensure_bucket()
    stored = _put(real, "evidence/f/1", b"governance")
    real.lock("evidence/f/1", stored.version_id, "GOVERNANCE", datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(ObjectLocked):
        real.delete_version("evidence/f/1", stored.version_id)
    _bypassing_delete(s3_client, real.bucket, "evidence/f/1", stored.version_id)
    with pytest.raises(ObjectMissing):
        real.read("evidence/f/1", stored.version_id)


def test_the_applications_own_storage_user_cannot_remove_a_filed_version_even_with_the_bypass_header(
    s3_client, servers
) -> None:  # type: ignore[no-untyped-def]
    """With the service's policy (`hrss.storage.service_policy`) a GOVERNANCE version is as safe as a COMPLIANCE one
    against the application: no bypass, no delete. Its overwrite only adds a version."""
    from minio import Minio, MinioAdmin
    from minio.credentials import StaticProvider
    from minio.error import S3Error

    real = S3EvidenceStore(s3_client, _bucket())
    real.ensure_bucket()
    admin = MinioAdmin(
        endpoint=servers.s3_endpoint,
        credentials=StaticProvider(servers.s3_access_key, servers.s3_secret_key),
        secure=False,
    )
    user, secret, policy = f"app-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex, f"evidence-{uuid.uuid4().hex[:8]}"
    admin.user_add(user, secret)
    try:
        admin.policy_add(policy, policy=service_policy([real.bucket]))
        admin.policy_set(policy, user=user)
        app = S3EvidenceStore(Minio(servers.s3_endpoint, user, secret, secure=False), real.bucket)
        assert app.ensure_bucket().object_lock
        filed = _put(app, "evidence/g/1", b"filed by the app")
        app.lock("evidence/g/1", filed.version_id, "GOVERNANCE", datetime.now(UTC) + timedelta(days=1))
        with pytest.raises(S3Error) as refused:
            _bypassing_delete(app.client, app.bucket, "evidence/g/1", filed.version_id)
        assert refused.value.code == "AccessDenied"
        with pytest.raises(StoreError):  # locked, and the user may not delete anyway
            app.delete_version("evidence/g/1", filed.version_id)
        over = _put(app, "evidence/g/1", b"overwrite")
        assert over.version_id != filed.version_id
        assert app.read("evidence/g/1", filed.version_id) == b"filed by the app"
        loose = _put(app, "evidence/g/2", b"refused upload")
        with pytest.raises(StoreError):  # not even an unlocked version: a refused upload's bytes stay, unrecorded
            app.delete_version("evidence/g/2", loose.version_id)
        from minio.versioningconfig import SUSPENDED, VersioningConfig

        with pytest.raises(S3Error):
            app.client.set_bucket_versioning(app.bucket, VersioningConfig(SUSPENDED))
    finally:
        admin.user_remove(user)
        admin.policy_remove(policy)
