"""The one place where the draw service's adapters are chosen, from config with environment overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from minio import Minio

from draw.adapters.repository import SqlDrawRepository
from draw.adapters.snapshots import CachedSnapshots, S3Snapshots
from draw.service_layer.components import Components
from hrss.drawkit import SHA256, profile


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
    return Components(
        snapshots=CachedSnapshots(snapshots_from(config)),
        repository=lambda uow: SqlDrawRepository(uow.session),
        profile=profile(str(draw.get("profile") or SHA256.name)),
        required_qualifications=required_qualifications(draw),
    )


def required_qualifications(draw: Mapping[str, Any]) -> tuple[str, ...]:
    """`DRAW.required_qualifications`, a list of tags; `DRAW.qualifications_by_line` is refused: what the items of
    a line need is the checklist's to say (registry: an item's `line` and `qualifications`)."""
    if draw.get("qualifications_by_line"):
        raise RuntimeError(
            "DRAW.qualifications_by_line is no longer read: each checklist item names its line and qualifications "
            "in the registry (POST /checklist/{id}/revisions {line, qualifications})"
        )
    value = draw.get("required_qualifications") or []
    if not isinstance(value, list | tuple) or not all(isinstance(q, str) and q.strip() for q in value):
        raise RuntimeError("DRAW.required_qualifications must be a list of qualification names")
    return tuple(sorted({q.strip() for q in value}))
