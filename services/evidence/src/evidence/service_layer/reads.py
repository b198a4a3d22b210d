"""Reads of filed archive versions and their evidence under a grant, each checked against its recorded digest and
audited naming the grant (a refusal is audited by the entrypoint, `entrypoints/plumbing.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evidence.domain.access import check_grant
from evidence.domain.archives import canonical
from evidence.domain.errors import EvidenceNotInVersion, VersionNotFound
from evidence.domain.hashing import digest_of, new_hash
from evidence.domain.records import EvidenceRecord, FiledVersion
from evidence.domain.storage import StoreError
from evidence.service_layer.access import grant_of
from evidence.service_layer.archives import head_of
from evidence.service_layer.context import REQUESTERS, Context
from hrss.auth import Action


class Corrupt(RuntimeError):
    """A stored object does not have the digest recorded for it (found by a read; fixity flags it too)."""


def _filed(ctx: Context, archive_id: str, version: int) -> FiledVersion:
    found = ctx.repo.filed_version(archive_id, version)
    if found is None:
        raise VersionNotFound(archive_id=archive_id, version=version)
    return found


def read_version(ctx: Context, archive_id: str, version: int, grant_id: str | None) -> dict[str, Any]:
    """The filed manifest of one version, read back by its version id and checked against its digest."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    filed = _filed(ctx, archive_id, version)
    check_grant(grant_of(ctx, grant_id), ctx.principal.account_id, archive_id, version, ctx.now())
    data = ctx.components.store.read(filed.manifest_key, filed.manifest_version_id)
    digest = digest_of(filed.algorithm, data)
    if digest != filed.manifest_digest or data != canonical(filed.manifest):
        raise Corrupt(f"archive {archive_id} v{version}: stored manifest does not match its digest")
    ctx.audit(
        role=role,
        action="archive.read",
        object_type="archive",
        object_id=archive_id,
        node=head.node,
        version=version,
        approval_id=str(grant_id),
        detail={"manifest_digest": digest},
    )
    return {
        "archive_id": archive_id,
        "version": version,
        "algorithm": filed.algorithm,
        "manifest_digest": digest,
        "manifest_version_id": filed.manifest_version_id,
        "manifest": filed.manifest,
        "grant_id": grant_id,
    }


def read_evidence(
    ctx: Context, archive_id: str, version: int, evidence_id: str, grant_id: str | None
) -> tuple[EvidenceRecord, Iterator[bytes]]:
    """The filed bytes of one piece of evidence of a version: its record and a stream that checks the digest."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, REQUESTERS, Action.READ)
    _filed(ctx, archive_id, version)
    check_grant(grant_of(ctx, grant_id), ctx.principal.account_id, archive_id, version, ctx.now())
    record = ctx.repo.evidence(evidence_id) if ctx.repo.version_holds(archive_id, version, evidence_id) else None
    if record is None:
        raise EvidenceNotInVersion(version=version, evidence_id=evidence_id)
    ctx.audit(
        role=role,
        action="evidence.read",
        object_type="evidence",
        object_id=evidence_id,
        node=head.node,
        version=version,
        approval_id=str(grant_id),
        detail={"archive_id": archive_id, "digest": record.digest, "version_id": record.version_id},
    )
    return record, verified_stream(ctx, record)


def verified_stream(ctx: Context, record: EvidenceRecord) -> Iterator[bytes]:
    """The object's bytes by version id; the last chunk is withheld (the connection breaks) on a digest mismatch."""
    store = ctx.components.store
    hasher = new_hash(record.algorithm)
    chunks = store.chunks(record.object_key, record.version_id)
    try:
        previous = next(chunks, None)
    except StoreError as error:
        raise Corrupt(str(error)) from None
    for chunk in chunks:
        hasher.update(previous)
        yield previous  # type: ignore[misc]
        previous = chunk
    if previous is not None:
        hasher.update(previous)
    if hasher.hexdigest() != record.digest:
        raise Corrupt(f"evidence {record.evidence_id}: stored bytes do not match the recorded digest")
    if previous is not None:
        yield previous
