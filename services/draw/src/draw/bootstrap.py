"""The one place where the draw service's adapters are chosen, from config with environment overrides."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from minio import Minio

from draw.adapters.snapshots import S3Snapshots, SnapshotStore
from hrss.contracts import utcnow
from hrss.drawkit import SHA256, Profile, profile


@dataclass
class Components:
    snapshots: SnapshotStore
    profile: Profile = SHA256
    # every team member holds these (DRAW.required_qualifications); the checklist does not name qualifications
    required_qualifications: tuple[str, ...] = ("行政执法资格",)
    clock: Callable[[], datetime] = field(default=utcnow)


def snapshots_from(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> S3Snapshots:
    s3 = config.get("S3") or {}
    endpoint = environ.get("HRSS_S3_ENDPOINT") or str(s3.get("endpoint") or "")
    if not endpoint:
        raise RuntimeError("S3 endpoint (HRSS_S3_ENDPOINT) is not configured")
    client = Minio(
        endpoint,
        access_key=environ.get("HRSS_S3_ACCESS_KEY") or str(s3.get("access_key") or ""),
        secret_key=environ.get("HRSS_S3_SECRET_KEY") or str(s3.get("secret_key") or ""),
        secure=str(s3.get("secure", "false")).lower() == "true",
    )
    store = S3Snapshots(client, str(s3.get("bucket") or "hrss-draw"), int(s3.get("retention_days") or 3650))
    store.ensure_bucket()
    return store


def bootstrap(config: Mapping[str, Any]) -> Components:
    draw = config.get("DRAW") or {}
    required = draw.get("required_qualifications") or ["行政执法资格"]
    return Components(
        snapshots=snapshots_from(config),
        profile=profile(str(draw.get("profile") or SHA256.name)),
        required_qualifications=tuple(str(q) for q in required),
    )
