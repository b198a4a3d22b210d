"""The fixity job (re-hash every filed object version) and the reconciler (objects without records, records
without objects), run from `python -m evidence.cli`.

Fixity statuses: `ok`; `mismatch` (bytes differ from the recorded digest); `unreadable` (the store holds the
version but will not serve it — MinIO's own bitrot check refuses altered data); `missing` (no such version).

Reconciler findings, told apart by the key scheme (`evidence/<node>/<visit>/<evidence id>`,
`archives/<node>/<archive id>/v<n>.json`) and the `upload_intent` / `upload_rejection` rows:
`interrupted_upload` (intent, no record: a crash between object write and commit), `rejected_upload_left`
(a refused upload whose object could not be removed), `interrupted_filing` (a manifest object with no archive
version), `unrecorded_version_of_filed_object` (someone wrote over a filed key: a new version, the filed one is
intact), `unknown_object` (not written by the platform), `missing_object` (a record whose version is gone).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from evidence.adapters import orm
from evidence.adapters.store import AbstractEvidenceStore, ObjectMissing, ObjectUnreadable, StoreError
from evidence.domain.hashing import new_hash


@dataclass(frozen=True)
class Filed:
    object_type: str  # evidence | manifest
    object_id: str
    key: str
    version_id: str
    algorithm: str
    digest: str


def filed_objects(session: Session) -> Iterator[Filed]:
    """Every object version the platform recorded."""
    e, v = orm.evidence, orm.archive_version
    for r in session.execute(select(e.c.evidence_id, e.c.object_key, e.c.version_id, e.c.algorithm, e.c.digest)):
        yield Filed("evidence", str(r.evidence_id), r.object_key, r.version_id, r.algorithm, r.digest)
    for r in session.execute(
        select(
            v.c.archive_id, v.c.version, v.c.manifest_key, v.c.manifest_version_id, v.c.algorithm, v.c.manifest_digest
        )
    ):
        yield Filed(
            "manifest",
            f"{r.archive_id}/v{r.version}",
            r.manifest_key,
            r.manifest_version_id,
            r.algorithm,
            r.manifest_digest,
        )


def rehash(store: AbstractEvidenceStore, item: Filed) -> tuple[str, str | None]:
    """(status, actual digest) of one stored version."""
    hasher = new_hash(item.algorithm)
    try:
        for chunk in store.chunks(item.key, item.version_id):
            hasher.update(chunk)
    except ObjectMissing:
        return "missing", None
    except (ObjectUnreadable, StoreError):
        return "unreadable", None
    actual = str(hasher.hexdigest())
    return ("ok" if actual == item.digest else "mismatch"), actual


def fixity(session: Session, store: AbstractEvidenceStore, now: datetime) -> dict[str, Any]:
    """Re-hash every filed version, one `fixity_check` row each (committed per object), and report the flagged."""
    run_id = str(uuid.uuid4())
    counts: dict[str, int] = {"ok": 0, "mismatch": 0, "unreadable": 0, "missing": 0}
    flagged = []
    for item in list(filed_objects(session)):
        status, actual = rehash(store, item)
        counts[status] += 1
        session.execute(
            insert(orm.fixity_check).values(
                run_id=run_id,
                object_type=item.object_type,
                object_id=item.object_id,
                object_key=item.key,
                version_id=item.version_id,
                algorithm=item.algorithm,
                expected=item.digest,
                actual=actual,
                status=status,
                checked_at=now,
            )
        )
        session.commit()
        if status != "ok":
            flagged.append({**asdict(item), "status": status, "actual": actual})
    return {"run_id": run_id, "checked": sum(counts.values()), "counts": counts, "flagged": flagged}


def reconcile(session: Session, store: AbstractEvidenceStore) -> dict[str, Any]:
    """Objects in the bucket without a record, and records without an object."""
    recorded = {(f.key, f.version_id) for f in filed_objects(session)}
    intents = {str(i) for i in session.execute(select(orm.upload_intent.c.evidence_id)).scalars()}
    rejected = {str(i) for i in session.execute(select(orm.upload_rejection.c.evidence_id)).scalars()}
    filed_keys = {key for key, _ in recorded}
    present: set[tuple[str, str]] = set()
    findings: list[dict[str, Any]] = []
    for prefix in ("evidence/", "archives/"):
        for version in store.versions(prefix):
            if version.delete_marker:
                findings.append({"finding": "delete_marker", "key": version.key, "version_id": version.version_id})
                continue
            present.add((version.key, version.version_id))
            if (version.key, version.version_id) in recorded:
                continue
            findings.append(
                {
                    "finding": "unrecorded_version_of_filed_object"
                    if version.key in filed_keys
                    else _classify(version.key, intents, rejected),
                    "key": version.key,
                    "version_id": version.version_id,
                    "size": version.size,
                }
            )
    for key, version_id in sorted(recorded - present):
        findings.append({"finding": "missing_object", "key": key, "version_id": version_id})
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f["finding"]] = kinds.get(f["finding"], 0) + 1
    return {"recorded": len(recorded), "objects": len(present), "counts": kinds, "findings": findings}


def _classify(key: str, intents: set[str], rejected: set[str]) -> str:
    parts = key.split("/")
    if parts[0] == "evidence" and len(parts) == 4:
        evidence_id = parts[3]
        if evidence_id in rejected:
            return "rejected_upload_left"
        if evidence_id in intents:
            return "interrupted_upload"
    if parts[0] == "archives" and len(parts) == 4 and parts[3].startswith("v"):
        return "interrupted_filing"
    return "unknown_object"
