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
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from evidence.domain.hashing import new_hash
from evidence.domain.records import Filed
from evidence.domain.storage import ObjectMissing, ObjectUnreadable, StoreError

if TYPE_CHECKING:
    from evidence.adapters.integrity import IntegrityRecords
    from evidence.adapters.store import AbstractEvidenceStore

__all__ = ["Filed", "fixity", "reconcile", "rehash"]


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


def fixity(
    repo: IntegrityRecords, store: AbstractEvidenceStore, now: datetime, commit: Callable[[], None]
) -> dict[str, Any]:
    """Re-hash every filed version, one `fixity_check` row each (`commit` after each object), and report the
    flagged."""
    run_id = str(uuid.uuid4())
    counts: dict[str, int] = {"ok": 0, "mismatch": 0, "unreadable": 0, "missing": 0}
    flagged = []
    for item in list(repo.filed_objects()):
        status, actual = rehash(store, item)
        counts[status] += 1
        repo.add_fixity_check(run_id, item, status, actual, now)
        commit()
        if status != "ok":
            flagged.append({**asdict(item), "status": status, "actual": actual})
    return {"run_id": run_id, "checked": sum(counts.values()), "counts": counts, "flagged": flagged}


def reconcile(repo: IntegrityRecords, store: AbstractEvidenceStore) -> dict[str, Any]:
    """Objects in the bucket without a record, and records without an object."""
    recorded = {(f.key, f.version_id) for f in repo.filed_objects()}
    intents, rejected = repo.upload_intents(), repo.upload_rejections()
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
