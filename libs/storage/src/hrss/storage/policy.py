"""The policy of a service's own object-store user: append new versions to its buckets and read them back.

Allowed, on the service's buckets only: reading the bucket's versioning and object-lock settings, listing objects
and versions, writing objects (each write is a new version), reading any version, setting and reading a version's
retention (MinIO checks `s3:PutObjectRetention` for a put that carries retention too; shortening GOVERNANCE
retention would also need the bypass, which is denied), and the multipart housekeeping of large uploads.

Denied explicitly, so that no other policy attached to the user later can grant them: removing anything (a version,
or a delete marker hiding one), bypassing GOVERNANCE retention, and changing what protects the bucket (its policy,
versioning, object lock, lifecycle, replication) or the bucket itself. Nothing is granted outside the buckets, so
the admin API and other services' buckets are refused too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BUCKET_ACTIONS = (
    "s3:GetBucketLocation",
    "s3:GetBucketVersioning",
    "s3:GetBucketObjectLockConfiguration",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
)
OBJECT_ACTIONS = (
    "s3:PutObject",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObjectRetention",
    "s3:GetObjectRetention",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)
FORBIDDEN = (
    "s3:BypassGovernanceRetention",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectLegalHold",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketVersioning",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutReplicationConfiguration",
    "s3:DeleteBucket",
)


def service_policy(buckets: Sequence[str]) -> dict[str, Any]:
    """An IAM-style policy document for a service's user on `buckets` (see the module's docstring)."""
    if not buckets:
        raise ValueError("a service's storage policy names at least one bucket")
    on_buckets = [f"arn:aws:s3:::{bucket}" for bucket in buckets]
    on_objects = [f"arn:aws:s3:::{bucket}/*" for bucket in buckets]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": list(BUCKET_ACTIONS), "Resource": on_buckets},
            {"Effect": "Allow", "Action": list(OBJECT_ACTIONS), "Resource": on_objects},
            {"Effect": "Deny", "Action": list(FORBIDDEN), "Resource": [*on_buckets, *on_objects]},
        ],
    }
