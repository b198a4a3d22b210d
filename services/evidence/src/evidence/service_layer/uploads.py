"""Uploading evidence: refuse what is not allowed before anything is written, hash while streaming into the store,
check the declared checksum, what a ZIP expands to and the whole file by its kind, lock the version, then record it.

Order: intent row (committed) → object written → checksum → whole-file checks (a failure is quarantined:
service_layer/quarantine.py) → version locked → evidence row, event and audit entry (committed by the HTTP
entrypoint). A crash after the object write leaves an intent without a record: the
reconciler reports the object as an interrupted upload, and no record ever points at a missing object.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

import eventlet

from evidence.domain.content import CONTAINERS, SNIFF_BYTES, check_content, check_zip, extension_of
from evidence.domain.errors import ChecksumMismatch, DeclaredTooLarge, EmptyFile, IncompleteUpload, Rejected, TooLarge
from evidence.domain.hashing import HashingReader, check_declared, new_hash
from evidence.domain.kinds import EvidenceKind
from evidence.domain.records import EvidenceRecord
from evidence.domain.storage import Stored
from evidence.service_layer.context import UPLOADERS, Context
from evidence.service_layer.quarantine import quarantine, remove_refused
from evidence.service_layer.visits import check_uploader
from hrss.contracts.events.evidence import EvidenceFiled
from hrss.contracts.text import check_display_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    node: str
    visit_id: str
    kind: str
    filename: str
    task_id: str | None = None
    item_id: str | None = None
    checksum: str | None = None
    algorithm: str | None = None
    description: str = ""


def object_key(node: str, visit_id: str, evidence_id: str) -> str:
    """`evidence/<node>/<visit>/<evidence id>`: the reconciler reads the evidence id back from the key."""
    return f"evidence/{node}/{visit_id}/{evidence_id}"


def _read_head(stream: BinaryIO, size: int) -> bytes:
    head = b""
    while len(head) < size:
        more = stream.read(size - len(head))
        if not more:
            break
        head += more
    return head


def upload(ctx: Context, spec: Upload, stream: BinaryIO, length: int | None) -> dict[str, Any]:
    """Store and record one piece of evidence; every refusal is a `Rejected` naming the rule."""
    ctx.authorize(spec.node, UPLOADERS)  # scope and role first: nothing about the visit to who may not upload there
    ctx.serving(spec.node)
    role = check_uploader(ctx.principal, ctx.visits.get(spec.visit_id), spec.visit_id, spec.node, UPLOADERS)
    settings, store = ctx.components.settings, ctx.components.store
    kind = EvidenceKind(spec.kind)
    check_display_text(spec.filename, "filename")  # a bidi override would show `invoice\u202egnp.pdf.png` reversed
    extension = extension_of(spec.filename)
    algorithm = spec.algorithm or settings.algorithm
    new_hash(algorithm)
    declared = check_declared(spec.checksum)
    if length is not None and length > settings.max_bytes:
        raise DeclaredTooLarge(length=length, mb=settings.max_bytes // (1024 * 1024), limit=settings.max_bytes)
    head = _read_head(stream, SNIFF_BYTES)
    if not head:
        raise EmptyFile()
    content_type = check_content(extension, ctx.components.detect(head))

    evidence_id = str(uuid.uuid4())
    key = object_key(spec.node, spec.visit_id, evidence_id)
    now = ctx.now()
    ctx.repo.record_intent(evidence_id, spec.node, spec.visit_id, key, ctx.principal.account_id, now)
    reader = HashingReader(head, stream, algorithm, settings.max_bytes)
    try:
        stored = store.put(key, reader, -1 if length is None else length, content_type, {"evidence-id": evidence_id})
    except TooLarge as refused:
        _reject(ctx, evidence_id, refused.code, None)
        raise
    except Exception:  # the client went away, the store failed: the intent says why nothing was recorded
        _reject(ctx, evidence_id, "evidence.upload_failed", None)
        raise
    digest = reader.hexdigest
    try:
        if stored.size != reader.size:
            raise IncompleteUpload()
        if declared is not None and declared != digest:
            raise ChecksumMismatch(algorithm=algorithm, declared=declared, digest=digest)
    except Rejected as refused:  # damaged on the way: nothing worth keeping
        _reject(ctx, evidence_id, refused.code, stored)
        raise
    try:  # the whole file, now that it is here: what fails is quarantined, not dropped
        if extension in CONTAINERS:
            entries = ctx.components.zip_entries(store, key, stored.version_id, stored.size)
            check_zip(entries, settings.zip_limits)
        ctx.components.validate(store, stored, extension)
    except Rejected as refused:
        removed = quarantine(ctx, spec, evidence_id, stored, algorithm, digest, refused)
        ctx.repo.record_rejection(evidence_id, refused.code, removed, ctx.now())
        raise
    until = now + timedelta(days=settings.retention_days)
    store.lock(key, stored.version_id, settings.retention_mode, until)
    _fault_point(ctx, "pause-after-object-write")

    row = {
        "evidence_id": evidence_id,
        "node": spec.node,
        "visit_id": spec.visit_id,
        "task_id": spec.task_id,
        "item_id": spec.item_id,
        "kind": kind.value,
        "filename": spec.filename,
        "content_type": content_type,
        "size": stored.size,
        "algorithm": algorithm,
        "digest": digest,
        "object_key": key,
        "version_id": stored.version_id,
        "retention_mode": settings.retention_mode,
        "retain_until": until,
        "description": spec.description,
        "uploaded_by": ctx.principal.account_id,
        "uploaded_at": now,
    }
    ctx.repo.add_evidence(EvidenceRecord(**row))
    ctx.uow.publish(EvidenceFiled(**row), subject=spec.visit_id, node=ctx.serving(spec.node))  # type: ignore[arg-type]
    ctx.audit(
        role=role,
        action="evidence.upload",
        object_type="evidence",
        object_id=evidence_id,
        node=spec.node,
        after_hash=digest if algorithm == "sha256" else None,
        detail={"visit_id": spec.visit_id, "kind": kind.value, "algorithm": algorithm, "digest": digest},
    )
    archive = ctx.repo.archive_of_visit(spec.visit_id)
    archived = None if archive is None else archive.archive_id
    return {**evidence_view(row), "after_filing": archived is not None, "archive_id": archived}


def _reject(ctx: Context, evidence_id: str, code: str, stored: Stored | None) -> None:
    """Remove the never-recorded, never-locked object of a refused upload and keep the refusal."""
    removed = "none" if stored is None else remove_refused(ctx.components.store, stored, evidence_id)
    ctx.repo.record_rejection(evidence_id, code, removed, ctx.now())


def _fault_point(ctx: Context, name: str) -> None:
    """Test hook (EVIDENCE.fault, never set in config.yaml): write a marker file, then hang until killed."""
    fault = ctx.components.fault
    if not fault or not fault.startswith(name + ":"):
        return
    marker = Path(fault.split(":", 1)[1])
    marker.write_text(str(os.getpid()))
    while True:
        eventlet.sleep(1)


def evidence_view(row: Any) -> dict[str, Any]:
    """The JSON of an evidence record."""
    r = row if isinstance(row, dict) else row.__dict__
    return {
        "evidence_id": str(r["evidence_id"]),
        "node": r["node"],
        "visit_id": str(r["visit_id"]),
        "task_id": str(r["task_id"]) if r["task_id"] else None,
        "item_id": r["item_id"],
        "kind": r["kind"],
        "kind_label": EvidenceKind(r["kind"]).label,
        "filename": r["filename"],
        "content_type": r["content_type"],
        "size": r["size"],
        "algorithm": r["algorithm"],
        "digest": r["digest"],
        "object_key": r["object_key"],
        "version_id": r["version_id"],
        "retention_mode": r["retention_mode"],
        "retain_until": r["retain_until"].isoformat(),
        "description": r["description"],
        "uploaded_by": r["uploaded_by"],
        "uploaded_at": r["uploaded_at"].isoformat(),
    }
