"""What the archive search indexes: one document per archive at its latest filed version, built from the version's
manifest (the approved result, the record form, the evidence it names) and the extracted text of each piece of
included evidence. Withdrawn evidence stays in the manifest but not in the searchable text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from evidence.domain.records import ArchiveHead, FiledVersion
from hrss.contracts import Node


@dataclass(frozen=True)
class DocumentText:
    """One extraction of a piece of evidence's text: how it was read, what failed (per page), and the text."""

    extraction_id: str
    evidence_id: str
    version_id: str
    method: str  # pdf_text, pdf_ocr, docx, text, ocr, none
    status: str  # ok, partial, failed, unsupported
    pages: int
    failures: tuple[str, ...]
    text: str
    seconds: float
    extracted_at: datetime


def included(version: FiledVersion) -> list[dict[str, Any]]:
    """The evidence entries of a version that are in it (not withdrawn)."""
    return [e for e in version.manifest["evidence"] if e["status"] == "included"]


def archive_document(
    head: ArchiveHead, version: FiledVersion, texts: Mapping[str, DocumentText], team: Sequence[str]
) -> dict[str, Any]:
    """The searchable body of an archive at `version`; `texts` by evidence id, `team` the visit's inspector ids."""
    result, manifest = version.manifest["result"], version.manifest
    items = result.get("items") or []
    findings = [f"{i.get('item_name', '')}：{i.get('findings') or ''}".strip("：") for i in items]
    record = manifest.get("record") or {}
    parts = [*findings, record.get("refusal_note") or ""]
    documents = []
    for entry in included(version):
        extracted = texts.get(entry["evidence_id"])
        if extracted is not None and extracted.text:
            parts.append(f"【{entry['filename']}】\n{extracted.text}")
        documents.append(
            {
                "evidence_id": entry["evidence_id"],
                "name": entry["filename"],
                "method": extracted.method if extracted else "pending",
                "status": extracted.status if extracted else "pending",
                "failures": list(extracted.failures) if extracted else [],
            }
        )
    return {
        "archive_id": str(head.archive_id),
        "archive_version": version.version,
        "visit_id": str(head.visit_id),
        "result_id": str(head.result_id),
        "node_code": head.node,
        "node_path": list(Node(head.node).path),
        "region_code": str(result.get("region_code") or head.node),
        "team": sorted({str(i) for i in team}),
        "uscc": head.uscc,
        "entity_name": head.entity_name,
        "task_ids": sorted({str(t) for t in result.get("task_ids") or []}),
        "items": sorted({str(i.get("item_name")) for i in items if i.get("item_name")}),
        "item_ids": sorted({str(i.get("item_id")) for i in items if i.get("item_id")}),
        "result_category": str(result.get("overall") or ""),
        "document_names": [d["name"] for d in documents],
        "text": "\n".join(p for p in parts if p),
        "extraction": sorted({d["status"] for d in documents}),
        "documents": documents,
        "filed_at": head.filed_at.isoformat(),
        "version_at": version.at.isoformat(),
    }
