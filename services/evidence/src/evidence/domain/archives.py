"""Archive manifests (卷内目录): what a version of an archive holds, as canonical JSON that is hashed and locked.

A version names the approved result, the record form and every piece of evidence by object key, version id and
digest, and (from version 2 on) the previous version's digest and the change: content, reason, handler (经办人),
approver (审定人) and time (004 §12.3). A version is never rewritten; a change is a new version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from evidence.domain.errors import AmendmentEmpty, EvidenceAlreadyFiled, EvidenceNotFiled

FORMAT = "hrss-archive/v1"


def canonical(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no whitespace: the bytes a manifest digest covers."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Change:
    reason: str
    content: str
    handler: str
    approver: str
    at: str
    amendment_id: str | None = None


@dataclass
class Contents:
    """A version's contents: the result, the record form and evidence entries (each with a `status`)."""

    result: dict[str, Any]
    record: dict[str, Any]
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def included(self) -> set[str]:
        return {e["evidence_id"] for e in self.evidence if e["status"] == "included"}

    def amended(self, add: list[dict[str, Any]], withdraw: list[str], result: dict[str, Any] | None) -> Contents:
        """The contents of the next version: `add` evidence entries, `withdraw` ids (kept, marked withdrawn)."""
        present = {e["evidence_id"] for e in self.evidence}
        for entry in add:
            if entry["evidence_id"] in present:
                raise EvidenceAlreadyFiled(evidence_id=entry["evidence_id"])
        for evidence_id in withdraw:
            if evidence_id not in self.included():
                raise EvidenceNotFiled(evidence_id=evidence_id)
        if not add and not withdraw and result is None:
            raise AmendmentEmpty()
        kept = [{**e, "status": "withdrawn"} if e["evidence_id"] in withdraw else dict(e) for e in self.evidence]
        return Contents(
            result if result is not None else self.result,
            self.record,
            kept + [{**a, "status": "included"} for a in add],
        )


def manifest(
    *,
    archive_id: str,
    version: int,
    node: str,
    visit_id: str,
    result_id: str,
    uscc: str,
    entity_name: str,
    contents: Contents,
    filed_at: str,
    previous: tuple[int, str, str] | None = None,
    change: Change | None = None,
) -> dict[str, Any]:
    """The manifest document of one archive version (`previous`: version, algorithm, digest)."""
    return {
        "format": FORMAT,
        "archive_id": archive_id,
        "version": version,
        "node": node,
        "visit_id": visit_id,
        "result_id": result_id,
        "uscc": uscc,
        "entity_name": entity_name,
        "result": contents.result,
        "record": contents.record,
        "evidence": sorted(contents.evidence, key=lambda e: (e["uploaded_at"], e["evidence_id"])),
        "previous": None
        if previous is None
        else {"version": previous[0], "algorithm": previous[1], "manifest_digest": previous[2]},
        "change": None if change is None else change.__dict__,
        "filed_at": filed_at,
    }


def evidence_entry(row: dict[str, Any]) -> dict[str, Any]:
    """How a piece of evidence is named in a manifest."""
    return {
        "evidence_id": str(row["evidence_id"]),
        "kind": row["kind"],
        "filename": row["filename"],
        "content_type": row["content_type"],
        "size": int(row["size"]),
        "object_key": row["object_key"],
        "version_id": row["version_id"],
        "algorithm": row["algorithm"],
        "digest": row["digest"],
        "task_id": str(row["task_id"]) if row["task_id"] else None,
        "item_id": row["item_id"],
        "uploaded_by": row["uploaded_by"],
        "uploaded_at": _iso(row["uploaded_at"]),
    }


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
