"""Each service reads and writes the object store as a user of its own, limited to its buckets: it may append new
versions and read them back, and never remove a version, bypass GOVERNANCE retention, change what protects its
bucket, use the admin API or touch another service's bucket (issue 17, item 10). Set up the way a deployment's
setup step does it (`python -m hrss.storage.users` with the root key and the service's keys)."""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from minio import Minio, MinioAdmin
from minio.commonconfig import GOVERNANCE
from minio.credentials import StaticProvider
from minio.error import MinioAdminException, S3Error
from minio.helpers import md5sum_hash
from minio.objectlockconfig import DAYS, ObjectLockConfig
from minio.retention import Retention
from minio.versioningconfig import SUSPENDED, VersioningConfig
from minio.xml import marshal

from hrss.storage.users import main as set_up
from hrss.storage.users import remove_service_user

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# every service whose config.yaml has an S3 section uses the object store
SERVICES = sorted(
    p.parent.name for p in ROOT.glob("services/*/config.yaml") if "S3" in (yaml.safe_load(p.read_text()) or {})
)
BYPASS = {"x-amz-bypass-governance-retention": "true"}


def _put(client: Minio, bucket: str, key: str, data: bytes, retention: Retention | None = None) -> str:
    result = client.put_object(bucket, key, io.BytesIO(data), len(data), retention=retention)
    return str(result.version_id)


def _read(client: Minio, bucket: str, key: str, version_id: str | None = None) -> bytes:
    response: Any = client.get_object(bucket, key, version_id=version_id)
    try:
        return bytes(response.read())
    finally:
        response.close()
        response.release_conn()


def _denied(action: Callable[[], object]) -> bool:
    try:
        action()
    except S3Error as error:
        return error.code == "AccessDenied"
    except MinioAdminException as error:
        return "AccessDenied" in str(error) or "403" in str(error.__dict__)
    return False


def _shorten(client: Minio, bucket: str, key: str, version_id: str, headers: dict[str, str]) -> None:
    """PUT ?retention with a retain-until date a minute away (what set_object_retention sends, plus `headers`)."""
    body = marshal(Retention(GOVERNANCE, datetime.now(UTC) + timedelta(minutes=1)))
    client._execute(
        "PUT",
        bucket,
        key,
        body=body,
        headers={**headers, "Content-MD5": str(md5sum_hash(body))},
        query_params={"retention": "", "versionId": version_id},
    )


def _intrusions(app: Minio, bucket: str, version_id: str) -> dict[str, Callable[[], object]]:
    """What a service's user tries on another service's `bucket`."""
    return {
        "read": lambda: _read(app, bucket, "b/theirs", version_id),
        "list": lambda: list(app.list_objects(bucket, recursive=True, include_version=True)),
        "write": lambda: _put(app, bucket, "b/mine", b"intruder"),
        "see its settings": lambda: app.get_bucket_versioning(bucket),
    }


def _remove_bucket(root: Minio, bucket: str) -> None:
    if not root.bucket_exists(bucket):
        return
    for item in root.list_objects(bucket, recursive=True, include_version=True):
        root._execute(  # the root key may bypass GOVERNANCE; nothing the services write here is COMPLIANCE
            "DELETE",
            bucket,
            str(item.object_name),
            headers=BYPASS,  # type: ignore[arg-type]
            query_params={"versionId": str(item.version_id)},
        )
    root.remove_bucket(bucket)


@pytest.fixture
def store(servers: Any, s3_client: Minio, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """For every service: a bucket and a user of its own made by the setup step; all removed afterwards."""
    admin = MinioAdmin(
        endpoint=servers.s3_endpoint,
        credentials=StaticProvider(servers.s3_access_key, servers.s3_secret_key),
        secure=False,
    )
    run = uuid.uuid4().hex[:8]
    made: dict[str, Any] = {}
    monkeypatch.setenv("HRSS_S3_ENDPOINT", servers.s3_endpoint)
    monkeypatch.setenv("HRSS_S3_ADMIN_ACCESS_KEY", servers.s3_access_key)
    monkeypatch.setenv("HRSS_S3_ADMIN_SECRET_KEY", servers.s3_secret_key)
    try:
        for service in SERVICES:
            user, secret, bucket = f"sec-{run}-{service}", secrets.token_urlsafe(18), f"sec-{run}-{service}"
            monkeypatch.setenv("HRSS_S3_ACCESS_KEY", user)
            monkeypatch.setenv("HRSS_S3_SECRET_KEY", secret)
            made[service] = {"user": user, "secret": secret, "bucket": bucket}
            set_up(["--service", f"{service}-{run}", "--bucket", bucket])
            set_up(["--service", f"{service}-{run}", "--bucket", bucket])  # a second run changes nothing
            made[service]["client"] = Minio(servers.s3_endpoint, user, secret, secure=False)
        yield {"root": s3_client, "admin": admin, **made}
    finally:
        for service, entry in made.items():
            remove_service_user(admin, f"{service}-{run}", entry["user"])
            for bucket in (entry["bucket"], f"{entry['bucket']}-x"):  # -x: made only if creating one is allowed
                _remove_bucket(s3_client, bucket)


def test_object_store_services_are_found() -> None:
    assert {"draw", "evidence"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_appends_and_reads_its_own_versions_and_nothing_more(service: str, store: dict[str, Any]) -> None:
    root: Minio = store["root"]
    app: Minio = store[service]["client"]
    bucket = store[service]["bucket"]
    until = datetime.now(UTC) + timedelta(days=1)

    # what the services do: put under retention (draw), put then lock the version (evidence), read, list
    assert app.bucket_exists(bucket)
    assert app.get_bucket_versioning(bucket).status == "Enabled"
    app.get_object_lock_config(bucket)
    locked = _put(app, bucket, "a/locked", b"filed", Retention(GOVERNANCE, until))
    loose = _put(app, bucket, "a/loose", b"not yet locked")
    later = _put(app, bucket, "a/later", b"locked after the put")
    app.set_object_retention(bucket, "a/later", Retention(GOVERNANCE, until), version_id=later)
    retention = app.get_object_retention(bucket, "a/later", version_id=later)
    assert retention is not None and retention.mode == GOVERNANCE
    assert _read(app, bucket, "a/locked", locked) == b"filed"
    over = _put(app, bucket, "a/locked", b"overwrite")  # a new version; the filed one stays
    assert over != locked and _read(app, bucket, "a/locked", locked) == b"filed"
    assert {o.version_id for o in app.list_objects(bucket, prefix="a/", recursive=True, include_version=True)} >= {
        locked,
        loose,
        later,
        over,
    }

    refused = {
        "delete a version": lambda: app.remove_object(bucket, "a/loose", version_id=loose),
        "delete a locked version": lambda: app.remove_object(bucket, "a/later", version_id=later),
        "hide an object behind a delete marker": lambda: app.remove_object(bucket, "a/locked"),
        "delete bypassing GOVERNANCE retention": lambda: app._execute(
            "DELETE",
            bucket,
            "a/locked",
            headers=BYPASS,  # type: ignore[arg-type]
            query_params={"versionId": locked},
        ),
        "change the bucket's object lock": lambda: app.set_object_lock_config(
            bucket, ObjectLockConfig(GOVERNANCE, 1, DAYS)
        ),
        "suspend versioning": lambda: app.set_bucket_versioning(bucket, VersioningConfig(SUSPENDED)),
        "set the bucket's policy": lambda: app.set_bucket_policy(bucket, '{"Version":"2012-10-17","Statement":[]}'),
        "remove the bucket's policy": lambda: app.delete_bucket_policy(bucket),
        "remove the bucket": lambda: app.remove_bucket(bucket),
        "create a bucket": lambda: app.make_bucket(f"{bucket}-x"),
    }
    allowed = [what for what, action in refused.items() if not _denied(action)]
    assert not allowed, f"{service}'s user may {', '.join(allowed)}"
    assert [b.name for b in app.list_buckets()] == [bucket]  # MinIO lists only the buckets a user may use
    with pytest.raises(S3Error):  # without the bypass, GOVERNANCE retention cannot be shortened (MinIO does not
        _shorten(app, bucket, "a/later", later, {})  # refuse it with the bypass header: see docs/security.md)
    assert _read(root, bucket, "a/loose", loose) == b"not yet locked"
    assert _read(root, bucket, "a/locked", locked) == b"filed"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_cannot_touch_another_services_bucket_or_the_admin_api(
    service: str, store: dict[str, Any], servers: Any
) -> None:
    app: Minio = store[service]["client"]
    for other in SERVICES:
        if other == service:
            continue
        theirs = store[other]["bucket"]
        version = _put(store["root"], theirs, "b/theirs", b"someone else's")
        allowed = [what for what, action in _intrusions(app, theirs, version).items() if not _denied(action)]
        assert not allowed, f"{service}'s user may {', '.join(allowed)} {other}'s bucket"
    user = store[service]["user"]
    admin = MinioAdmin(
        endpoint=servers.s3_endpoint, credentials=StaticProvider(user, store[service]["secret"]), secure=False
    )
    refused_admin = {
        "list users": admin.user_list,
        "add a user": lambda: admin.user_add(f"{user}-x", secrets.token_urlsafe(12)),
        "change its own policy": lambda: admin.policy_set("readwrite", user=user),
    }
    allowed = [what for what, action in refused_admin.items() if not _denied(action)]
    assert not allowed, f"{service}'s user may {', '.join(allowed)} (admin API)"


def test_the_setup_refuses_the_root_key_as_a_services_key(servers: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "HRSS_S3_ENDPOINT": servers.s3_endpoint,
        "HRSS_S3_ADMIN_ACCESS_KEY": servers.s3_access_key,
        "HRSS_S3_ADMIN_SECRET_KEY": servers.s3_secret_key,
        "HRSS_S3_ACCESS_KEY": servers.s3_access_key,
        "HRSS_S3_SECRET_KEY": servers.s3_secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit):
        set_up(["--service", "draw", "--bucket", "hrss-draw"])
