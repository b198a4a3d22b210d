"""The external anchor: checkpoints kept where no database superuser reaches (an object store under object lock).

The province has no level above it, so its own chains' checkpoints (and the countersigned checkpoints it keeps for
the nodes below) are written, one signed JSON object each, to a MinIO bucket with versioning and object lock; each
object carries a retention (COMPLIANCE in a deployment: nobody, the store's root user included, removes or
shortens it before it expires). The verifier reads them back (`python -m hrss.audit.cli --anchor`).

    <bucket>/<service>/<node>/<size, 12 digits>-<kept_by>.json
"""

from __future__ import annotations

import abc
import io
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from urllib3.exceptions import HTTPError

from hrss.audit.checkpoints import SignedCheckpoint
from hrss.audit.verify import Checkpoint

RETENTION_MODES = ("COMPLIANCE", "GOVERNANCE")


class AnchorUnavailable(RuntimeError):
    """The anchor could not be written or read now (the store is down): try again later, lose nothing."""


class AnchorNotProtected(RuntimeError):
    """The anchor's bucket lacks versioning or object lock: it would protect nothing."""


@dataclass(frozen=True)
class Anchored:
    """A checkpoint as anchored: the node's signed checkpoint, who kept it, and the keeper's countersignature."""

    checkpoint: SignedCheckpoint
    kept_by: str
    countersign_key_id: str | None = None
    countersignature: str | None = None

    @property
    def key(self) -> str:
        c = self.checkpoint
        return f"{c.service}/{c.node}/{c.size:012d}-{self.kept_by}.json"

    def to_json(self) -> bytes:
        body: dict[str, Any] = asdict(self.checkpoint)
        body["made_at"] = self.checkpoint.made_at.astimezone(UTC).isoformat()
        body.update(
            kept_by=self.kept_by, countersign_key_id=self.countersign_key_id, countersignature=self.countersignature
        )
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Anchored:
        body = json.loads(raw)
        checkpoint = SignedCheckpoint(
            service=body["service"],
            node=body["node"],
            size=int(body["size"]),
            head_hash=body["head_hash"],
            algorithm=body["algorithm"],
            made_at=datetime.fromisoformat(body["made_at"]),
            key_id=body["key_id"],
            signature=body["signature"],
        )
        return cls(checkpoint, body["kept_by"], body.get("countersign_key_id"), body.get("countersignature"))


class AbstractAnchor(abc.ABC):
    """Where checkpoints are anchored: written once, never removed, read back by service and node."""

    @abc.abstractmethod
    def ensure(self) -> None:
        """Check (or make) the place anchors are kept, before the first write."""

    @abc.abstractmethod
    def put(self, anchored: Anchored) -> None:
        """Anchor one checkpoint (anchoring the same one again changes nothing that is read back)."""

    @abc.abstractmethod
    def anchored(self, service: str, node: str) -> list[Anchored]:
        """The checkpoints anchored for one service's chain of one node, smallest first."""

    def checkpoints(self, service: str, node: str) -> list[Checkpoint]:
        """The anchored checkpoints as the verifier takes them."""
        return [a.checkpoint.as_checkpoint() for a in self.anchored(service, node)]


class InMemoryAnchor(AbstractAnchor):
    """The fake: a dict that, like the locked bucket, never forgets a checkpoint."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def ensure(self) -> None:
        """Nothing to check: a dict is always there."""

    def put(self, anchored: Anchored) -> None:
        self.objects.setdefault(anchored.key, anchored.to_json())

    def anchored(self, service: str, node: str) -> list[Anchored]:
        prefix = f"{service}/{node}/"
        return [Anchored.from_json(v) for k, v in sorted(self.objects.items()) if k.startswith(prefix)]


class S3Anchor(AbstractAnchor):
    """Checkpoints as objects in a versioned, object-locked MinIO bucket, each with its own retention."""

    def __init__(self, client: Any, bucket: str, mode: str = "COMPLIANCE", days: int = 10950) -> None:
        if mode not in RETENTION_MODES:
            raise ValueError(f"anchor retention mode must be one of {RETENTION_MODES}, not {mode!r}")
        self.client, self.bucket, self.mode, self.days = client, bucket, mode, days

    def ensure(self) -> None:
        """The bucket, created with object lock when missing; one without versioning or object lock is refused."""
        from minio.error import S3Error

        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket, object_lock=True)
            versioning = self.client.get_bucket_versioning(self.bucket).status
            try:
                self.client.get_object_lock_config(self.bucket)
            except S3Error as error:
                if error.code != "ObjectLockConfigurationNotFoundError":
                    raise
                raise AnchorNotProtected(f"anchor bucket {self.bucket} has no object lock") from None
        except (S3Error, HTTPError, OSError) as error:
            raise AnchorUnavailable(f"anchor bucket {self.bucket}: {error}") from error
        if versioning != "Enabled":
            raise AnchorNotProtected(f"anchor bucket {self.bucket}: versioning is {versioning}, not Enabled")

    def put(self, anchored: Anchored) -> None:
        from minio.commonconfig import COMPLIANCE, GOVERNANCE
        from minio.error import S3Error
        from minio.retention import Retention

        data = anchored.to_json()
        until = datetime.now(UTC) + timedelta(days=self.days)
        retention = Retention(COMPLIANCE if self.mode == "COMPLIANCE" else GOVERNANCE, until)
        try:
            self.client.put_object(
                self.bucket,
                anchored.key,
                io.BytesIO(data),
                len(data),
                content_type="application/json",
                retention=retention,
            )
        except (S3Error, HTTPError, OSError) as error:
            raise AnchorUnavailable(f"anchor {anchored.key}: {error}") from error

    def anchored(self, service: str, node: str) -> list[Anchored]:
        from minio.error import S3Error

        found = []
        try:
            for item in self.client.list_objects(self.bucket, prefix=f"{service}/{node}/", recursive=True):
                response = self.client.get_object(self.bucket, item.object_name)
                try:
                    found.append(Anchored.from_json(response.read()))
                finally:
                    response.close()
                    response.release_conn()
        except (S3Error, HTTPError, OSError) as error:
            raise AnchorUnavailable(f"anchor {service}/{node}: {error}") from error
        return sorted(found, key=lambda a: (a.checkpoint.size, a.kept_by))


def anchor_from_environment(env: Any = None) -> S3Anchor | None:
    """The anchor a process is configured with: `HRSS_AUDIT_ANCHOR_BUCKET` on the store of `HRSS_S3_ENDPOINT`
    (keys `HRSS_S3_ACCESS_KEY`/`HRSS_S3_SECRET_KEY`), retention `HRSS_AUDIT_ANCHOR_RETENTION_MODE` (COMPLIANCE) for
    `HRSS_AUDIT_ANCHOR_RETENTION_DAYS` (10950); none if no bucket or no endpoint is set."""
    env = os.environ if env is None else env
    bucket, endpoint = env.get("HRSS_AUDIT_ANCHOR_BUCKET", ""), env.get("HRSS_S3_ENDPOINT", "")
    if not bucket or not endpoint:
        return None
    import urllib3
    from minio import Minio

    # bounded: a store that is down fails this run quickly, and the next run anchors what this one could not
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=30), retries=urllib3.Retry(total=2, backoff_factor=0.2)
    )
    client = Minio(
        endpoint,
        access_key=env.get("HRSS_S3_ACCESS_KEY", ""),
        secret_key=env.get("HRSS_S3_SECRET_KEY", ""),
        secure=str(env.get("HRSS_S3_SECURE", "false")).lower() == "true",
        http_client=http,
    )
    mode = env.get("HRSS_AUDIT_ANCHOR_RETENTION_MODE") or "COMPLIANCE"
    return S3Anchor(client, bucket, mode, int(env.get("HRSS_AUDIT_ANCHOR_RETENTION_DAYS") or 10950))
