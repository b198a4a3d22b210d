"""A service's own object-store user, set up with the store's root key the way a migration runs as the owner.

    python -m hrss.storage.users --service draw --bucket hrss-draw

It creates each bucket with versioning and object lock when missing (and refuses one that lacks either), writes
the policy `hrss-<service>` (`hrss.storage.policy`) and the user `HRSS_S3_ACCESS_KEY` with secret
`HRSS_S3_SECRET_KEY` (the keys the service itself connects with), and maps that one policy to the user. Run again,
it changes nothing but the secret. The root key comes from `HRSS_S3_ADMIN_ACCESS_KEY` and
`HRSS_S3_ADMIN_SECRET_KEY` and only this step ever holds it; the service's keys must differ from it.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence

from minio import Minio, MinioAdmin
from minio.credentials import StaticProvider
from minio.error import S3Error

from hrss.storage.policy import service_policy

_USER = re.compile(r"^[A-Za-z0-9._-]{3,128}$")


class BucketNotProtected(RuntimeError):
    """An existing bucket lacks versioning or object lock: a service's history cannot be kept in it."""


def ensure_locked_bucket(client: Minio, bucket: str) -> None:
    """`bucket` with versioning and object lock, created if missing; an unprotected bucket is refused."""
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket, object_lock=True)
    versioning = client.get_bucket_versioning(bucket).status
    try:
        client.get_object_lock_config(bucket)
    except S3Error as error:
        if error.code != "ObjectLockConfigurationNotFoundError":
            raise
        raise BucketNotProtected(f"bucket {bucket} has no object lock; create it anew with object lock") from None
    if versioning != "Enabled":
        raise BucketNotProtected(f"bucket {bucket}: versioning is {versioning}, not Enabled")


def policy_name(service: str) -> str:
    return f"hrss-{service}"


def ensure_service_user(
    admin: MinioAdmin, service: str, access_key: str, secret_key: str, buckets: Sequence[str]
) -> None:
    """The user `access_key` with exactly the policy `hrss-<service>` on `buckets` (created or brought up to date)."""
    if not _USER.match(access_key):
        raise ValueError(f"not a plain access key: {access_key!r}")
    if len(secret_key) < 8:
        raise ValueError(f"the secret key of {access_key} is shorter than 8 characters")
    admin.policy_add(policy_name(service), policy=service_policy(buckets))
    admin.user_add(access_key, secret_key)
    admin.policy_set(policy_name(service), user=access_key)


def remove_service_user(admin: MinioAdmin, service: str, access_key: str) -> None:
    """Remove the user and its policy (tests; a service taken out of a deployment)."""
    admin.user_remove(access_key)
    admin.policy_remove(policy_name(service))


def admin_clients(endpoint: str, access_key: str, secret_key: str, secure: bool) -> tuple[Minio, MinioAdmin]:
    """An S3 client and an admin client, both with the root key."""
    admin = MinioAdmin(endpoint=endpoint, credentials=StaticProvider(access_key, secret_key), secure=secure)
    return Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure), admin


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A service's buckets and its own object-store user.")
    parser.add_argument("--service", required=True, help="the service; its policy is hrss-<service>")
    parser.add_argument("--bucket", action="append", required=True, help="a bucket of the service (repeatable)")
    args = parser.parse_args(argv)
    env = os.environ
    missing = [
        name
        for name in (
            "HRSS_S3_ENDPOINT",
            "HRSS_S3_ADMIN_ACCESS_KEY",
            "HRSS_S3_ADMIN_SECRET_KEY",
            "HRSS_S3_ACCESS_KEY",
            "HRSS_S3_SECRET_KEY",
        )
        if not env.get(name)
    ]
    if missing:
        parser.error(f"not set: {', '.join(missing)}")
    if env["HRSS_S3_ACCESS_KEY"] == env["HRSS_S3_ADMIN_ACCESS_KEY"]:
        parser.error("HRSS_S3_ACCESS_KEY must be the service's own user, not the store's root")
    secure = env.get("HRSS_S3_SECURE", "false").lower() == "true"
    client, admin = admin_clients(
        env["HRSS_S3_ENDPOINT"], env["HRSS_S3_ADMIN_ACCESS_KEY"], env["HRSS_S3_ADMIN_SECRET_KEY"], secure
    )
    for bucket in args.bucket:
        ensure_locked_bucket(client, bucket)
    ensure_service_user(admin, args.service, env["HRSS_S3_ACCESS_KEY"], env["HRSS_S3_SECRET_KEY"], args.bucket)
    user, buckets = env["HRSS_S3_ACCESS_KEY"], ", ".join(args.bucket)
    print(f"{args.service}: user {user} limited to {buckets} (no delete, no bypass)")


if __name__ == "__main__":
    main()
