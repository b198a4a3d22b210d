"""Filing (立卷归档) from an approved result, and amendments: proposed by a keeper, approved by someone else,
each creating version n+1 while version n stays as it was filed."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

from evidence.domain.archives import Change, Contents, canonical, evidence_entry, manifest
from evidence.domain.errors import (
    AmendmentDecided,
    AmendmentNotFound,
    AmendmentSelfApproval,
    AmendmentStale,
    ArchiveNotFound,
    EvidenceUnknown,
)
from evidence.domain.hashing import digest_of
from evidence.domain.records import Amendment, AmendmentDecision, ArchiveHead, FiledVersion
from evidence.service_layer.context import APPROVERS, KEEPERS, READERS, Context
from evidence.service_layer.visits import on_team_or_wider, team_of
from hrss.auth import Action
from hrss.contracts.events.evidence import ArchiveAmended, ArchiveFiled, ArchiveVersionRef
from hrss.contracts.events.inspection import ResultApproved


def manifest_key(node: str, archive_id: str, version: int) -> str:
    return f"archives/{node}/{archive_id}/v{version}.json"


def _latest(ctx: Context, archive_id: str) -> FiledVersion:
    latest = ctx.repo.latest_version(archive_id)
    assert latest is not None, "an archive is filed with its first version"
    return latest


def _visit_evidence(ctx: Context, visit_id: str, node: str, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The visit's evidence uploaded at its own node (an upload names both, and both are checked against it)."""
    found = ctx.repo.evidence_of_visit(visit_id, node)
    return [evidence_entry(r.__dict__) for r in found if ids is None or r.evidence_id in ids]


def _write_version(
    ctx: Context, head: ArchiveHead, version: int, result_version: int, contents: Contents, change: Change | None
) -> ArchiveVersionRef:
    """Store the manifest of `version` as a locked object and record it with its items."""
    settings, store = ctx.components.settings, ctx.components.store
    archive_id = str(head.archive_id)
    previous = _latest(ctx, archive_id) if version > 1 else None
    document = manifest(
        archive_id=archive_id,
        version=version,
        node=head.node,
        visit_id=str(head.visit_id),
        result_id=str(head.result_id),
        uscc=head.uscc,
        entity_name=head.entity_name,
        contents=contents,
        filed_at=ctx.now().isoformat(),
        previous=None if previous is None else (previous.version, previous.algorithm, previous.manifest_digest),
        change=change,
    )
    data = canonical(document)
    algorithm = settings.algorithm
    digest = digest_of(algorithm, data)
    key = manifest_key(head.node, archive_id, version)
    stored = store.put(key, io.BytesIO(data), len(data), "application/json", {"archive-id": archive_id})
    store.lock(key, stored.version_id, settings.retention_mode, ctx.now() + timedelta(days=settings.retention_days))
    filed = FiledVersion(
        archive_id=archive_id,
        version=version,
        result_version=result_version,
        change="filed" if change is None else "amended",
        manifest_key=key,
        manifest_version_id=stored.version_id,
        algorithm=algorithm,
        manifest_digest=digest,
        manifest=document,
        reason=None if change is None else change.reason,
        content=None if change is None else change.content,
        handler=ctx.principal.account_id if change is None else change.handler,
        approver=document["result"].get("reviewer", "") if change is None else change.approver,
        amendment_id=None if change is None else change.amendment_id,
        at=ctx.now(),
    )
    ctx.repo.add_version(filed, [(e["evidence_id"], e["status"]) for e in contents.evidence])
    return ArchiveVersionRef(
        archive_id=uuid.UUID(archive_id),
        version=version,
        manifest_key=key,
        manifest_version_id=stored.version_id,
        algorithm=algorithm,  # type: ignore[arg-type]
        manifest_digest=digest,
        evidence_ids=[uuid.UUID(e["evidence_id"]) for e in contents.evidence if e["status"] == "included"],
    )


def file_result(ctx: Context, approved: ResultApproved, event_id: str) -> str:
    """File version 1 for the visit, or amend with a newer approved result; an older or equal result is a no-op."""
    payload = approved.model_dump(mode="json")
    record = payload.pop("record")
    visit_id, node = str(approved.visit_id), str(approved.node)
    served = ctx.serving(node)
    head = ctx.repo.archive_of_visit(visit_id)
    if head is None:
        archive_id = str(uuid.uuid4())
        head = ArchiveHead(
            archive_id, node, visit_id, str(approved.result_id), approved.uscc, approved.entity_name, ctx.now()
        )
        ctx.repo.add_archive(head)
        included = [{**e, "status": "included"} for e in _visit_evidence(ctx, visit_id, node)]
        contents = Contents(payload, record, included)
        ref = _write_version(ctx, head, 1, approved.version, contents, None)
        ctx.uow.publish(
            ArchiveFiled(
                archive=ref,
                visit_id=approved.visit_id,
                result_id=approved.result_id,
                node=node,
                uscc=approved.uscc,
                filed_at=ctx.now(),
            ),
            subject=archive_id,
            node=served,
        )
        _audit_version(ctx, node, archive_id, 1, "archive.file", ref, event_id, None)
        return archive_id
    latest = _latest(ctx, str(head.archive_id))
    if approved.version <= latest.result_version:
        return str(head.archive_id)
    previous = Contents(latest.manifest["result"], latest.manifest["record"], latest.manifest["evidence"])
    contents = previous.amended([], [], payload)
    change = Change(
        reason=f"检查结果经审核更正（第 {approved.version} 版）",
        content=f"检查结果由第 {latest.result_version} 版更新为第 {approved.version} 版",
        handler=ctx.principal.account_id,
        approver=approved.reviewer,
        at=ctx.now().isoformat(),
    )
    ref = _write_version(ctx, head, latest.version + 1, approved.version, contents, change)
    _publish_amended(ctx, head, ref, latest.version, change)
    _audit_version(ctx, node, str(head.archive_id), ref.version, "archive.amend", ref, event_id, change)
    return str(head.archive_id)


def _publish_amended(ctx: Context, head: ArchiveHead, ref: ArchiveVersionRef, previous: int, change: Change) -> None:
    ctx.uow.publish(
        ArchiveAmended(
            archive=ref,
            previous_version=previous,
            node=head.node,
            reason=change.reason,
            content=change.content,
            handler=change.handler,
            approver=change.approver,
            amended_at=ctx.now(),
        ),
        subject=str(head.archive_id),
        node=ctx.serving(head.node),
    )


def _audit_version(
    ctx: Context,
    node: str,
    archive_id: str,
    version: int,
    action: str,
    ref: ArchiveVersionRef,
    event_id: str | None,
    change: Change | None,
) -> None:
    ctx.audit(
        role="service" if ctx.principal.is_service else "approver",
        action=action,
        object_type="archive",
        object_id=archive_id,
        node=node,
        version=version,
        reason=None if change is None else change.reason,
        after_hash=ref.manifest_digest if ref.algorithm == "sha256" else None,
        detail={"manifest_digest": ref.manifest_digest, "event_id": event_id or "", "algorithm": ref.algorithm},
    )


def head_of(ctx: Context, archive_id: str) -> ArchiveHead:
    """The archive, else `archive.not_found` (404)."""
    head = ctx.repo.archive(archive_id)
    if head is None:
        raise ArchiveNotFound(archive_id=archive_id)
    return head


def propose(
    ctx: Context, archive_id: str, reason: str, content: str, add: list[str], withdraw: list[str]
) -> dict[str, Any]:
    """A keeper's proposed change (经办); it takes effect only when an approver approves it."""
    head = head_of(ctx, archive_id)
    role = ctx.authorize(head.node, KEEPERS)
    latest = _latest(ctx, archive_id)
    current = Contents(latest.manifest["result"], latest.manifest["record"], latest.manifest["evidence"])
    entries = _visit_evidence(ctx, str(head.visit_id), head.node, add) if add else []
    missing = set(add) - {e["evidence_id"] for e in entries}
    if missing:
        raise EvidenceUnknown(ids="、".join(sorted(missing)))
    current.amended(entries, withdraw, None)  # refuse now what could not be applied later
    amendment_id = str(uuid.uuid4())
    proposal = Amendment(
        amendment_id, archive_id, latest.version, reason, content, tuple(add), tuple(withdraw),
        ctx.principal.account_id, ctx.now(),
    )  # fmt: skip
    ctx.repo.add_amendment(proposal)
    ctx.audit(
        role=role,
        action="archive.propose_amendment",
        object_type="amendment",
        object_id=amendment_id,
        node=head.node,
        version=latest.version,
        reason=reason,
        detail={"archive_id": archive_id},
    )
    return {"amendment_id": amendment_id, "archive_id": archive_id, "base_version": latest.version, "status": "pending"}


def decide(ctx: Context, amendment_id: str, decision: str, comment: str) -> dict[str, Any]:
    """An approver (审定人), not the proposer, approves (version n+1 is written) or refuses a proposed change."""
    proposal = ctx.repo.amendment(amendment_id)
    if proposal is None:
        raise AmendmentNotFound(amendment_id=amendment_id)
    head = head_of(ctx, str(proposal.archive_id))
    role = ctx.authorize(head.node, APPROVERS)
    if proposal.proposed_by == ctx.principal.account_id:
        raise AmendmentSelfApproval()
    if ctx.repo.amendment_decision(amendment_id) is not None:
        raise AmendmentDecided()
    latest = _latest(ctx, str(head.archive_id))
    if latest.version != proposal.base_version:
        raise AmendmentStale(latest=latest.version, base=proposal.base_version)
    version = None
    if decision == "approve":
        current = Contents(latest.manifest["result"], latest.manifest["record"], latest.manifest["evidence"])
        add = [str(i) for i in proposal.add_evidence]
        entries = _visit_evidence(ctx, str(head.visit_id), head.node, add) if add else []
        contents = current.amended(entries, [str(i) for i in proposal.withdraw_evidence], None)
        change = Change(
            reason=proposal.reason,
            content=proposal.content,
            handler=proposal.proposed_by,
            approver=ctx.principal.account_id,
            at=ctx.now().isoformat(),
            amendment_id=amendment_id,
        )
        ref = _write_version(ctx, head, latest.version + 1, latest.result_version, contents, change)
        version = ref.version
        _publish_amended(ctx, head, ref, latest.version, change)
    ctx.repo.add_amendment_decision(
        AmendmentDecision(amendment_id, decision, ctx.principal.account_id, comment, version, ctx.now())
    )
    ctx.audit(
        role=role,
        action=f"archive.amendment_{decision}",
        object_type="archive",
        object_id=str(head.archive_id),
        node=head.node,
        version=version,
        reason=comment or proposal.reason,
        approval_id=amendment_id,
    )
    return {"amendment_id": amendment_id, "decision": decision, "version": version}


def archive_view(ctx: Context, archive_id: str) -> dict[str, Any]:
    """An archive's versions with who, when, why and the approver, and evidence uploaded after filing (no content)."""
    head = head_of(ctx, archive_id)
    on_team_or_wider(ctx.principal, Action.READ, head.node, READERS, team_of(ctx.visits, str(head.visit_id)))
    versions = ctx.repo.versions(archive_id)
    unfiled = ctx.repo.evidence_after_filing(archive_id, head.visit_id)
    count = ctx.repo.amendment_count(archive_id)
    return {
        "archive_id": archive_id,
        "node": head.node,
        "visit_id": str(head.visit_id),
        "result_id": str(head.result_id),
        "uscc": head.uscc,
        "entity_name": head.entity_name,
        "filed_at": head.filed_at.isoformat(),
        "versions": [
            {
                "version": r.version,
                "change": r.change,
                "result_version": r.result_version,
                "manifest_key": r.manifest_key,
                "manifest_version_id": r.manifest_version_id,
                "algorithm": r.algorithm,
                "manifest_digest": r.manifest_digest,
                "reason": r.reason,
                "content": r.content,
                "handler": r.handler,
                "approver": r.approver,
                "at": r.at.isoformat(),
                "evidence_count": len([x for x in r.manifest["evidence"] if x["status"] == "included"]),
            }
            for r in versions
        ],
        "evidence_after_filing": [str(i) for i in unfiled],
        "amendments_proposed": count,
    }
