"""The storage policy of the service's own S3 user: what the application may do to the evidence bucket.

It may write new versions, read any version, set retention on a version and remove *unlocked* versions (refused
uploads are removed before they are recorded and locked); it is never given `s3:BypassGovernanceRetention`,
`s3:PutBucketVersioning`, `s3:PutBucketObjectLockConfiguration` or `s3:DeleteBucket`, so under object lock it
cannot remove or shorten a filed version, whatever the retention mode. Create the user and attach this policy
with the store's admin tools (`mc admin policy create`, or `python -m evidence.cli policy` to print it).
"""

from __future__ import annotations

from typing import Any


def application_policy(bucket: str) -> dict[str, Any]:
    """An IAM-style policy document for the evidence service's user on `bucket`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "s3:GetBucketVersioning",
                    "s3:GetBucketObjectLockConfiguration",
                    "s3:ListBucket",
                    "s3:ListBucketVersions",
                    "s3:GetBucketLocation",
                ],
                "Resource": [f"arn:aws:s3:::{bucket}"],
            },
            {
                "Effect": "Allow",
                "Action": [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:PutObjectRetention",
                    "s3:GetObjectRetention",
                    "s3:DeleteObject",  # with a version id: that version; without: only a delete marker
                    "s3:DeleteObjectVersion",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            },
        ],
    }
