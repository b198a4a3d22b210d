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
    # every team member holds these (DRAW.required_qualifications), whatever the items
    required_qualifications: tuple[str, ...] = ("行政执法资格",)
    # and, for an item of a line of business (业务条线, the task item's `line`), these too
    # (DRAW.qualifications_by_line); both are frozen into the committed task at freeze
    qualifications_by_line: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
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
        qualifications_by_line=qualifications_by_line(draw.get("qualifications_by_line")),
    )


def qualifications_by_line(value: Any) -> dict[str, tuple[str, ...]]:
    """`DRAW.qualifications_by_line`: a mapping of line of business → list of qualification tags."""
    if not value:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, list | tuple) for v in value.values()):
        raise RuntimeError("DRAW.qualifications_by_line must map each line of business to a list of qualifications")
    return {str(line): tuple(str(q) for q in quals) for line, quals in value.items()}
