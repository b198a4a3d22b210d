"""Quarantine: an upload whose whole file failed its check is not dropped. Its bytes are copied to
`quarantine/<node>/<visit>/<evidence id>` and locked (retention mode, `quarantine_days`), the version under the
evidence key is removed (it was never recorded or locked), and a `quarantined_upload` row says who sent what,
when, to which visit, its digest and why. The node's approvers and archive keepers list them; the bytes are never
served (not as evidence, not by any endpoint)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from evidence.domain.errors import InvalidNode, Rejected
from evidence.domain.invalid import ContentInvalid
from evidence.domain.records import QuarantinedUpload
from evidence.domain.storage import Stored, StoreError
from evidence.service_layer.context import Context
from hrss.auth import Action, Role
from hrss.contracts import InvalidNodeCode, Level, Node

if TYPE_CHECKING:
    from evidence.adapters.store import AbstractEvidenceStore
    from evidence.service_layer.uploads import Upload

log = logging.getLogger(__name__)

WATCHERS = frozenset({Role.APPROVER, Role.ARCHIVE_KEEPER})  # who sees what was quarantined at a node


def quarantine_key(node: str, visit_id: str, evidence_id: str) -> str:
    return f"quarantine/{node}/{visit_id}/{evidence_id}"


def quarantine(
    ctx: Context, spec: Upload, evidence_id: str, stored: Stored, algorithm: str, digest: str, refused: Rejected
) -> str:
    """Keep a refused upload's bytes under lock and record why; returns whether the evidence-key version went
    (`yes`/`no`), as the rejection row records it. If the copy fails the version stays where it is (the
    reconciler reports it as `rejected_upload_left`) and the row names that key."""
    store, settings, now = ctx.components.store, ctx.components.settings, ctx.now()
    until = now + timedelta(days=settings.quarantine_days)
    kept, removed = stored, "no"
    try:
        kept = store.copy(stored.key, stored.version_id, quarantine_key(spec.node, spec.visit_id, evidence_id))
        store.lock(kept.key, kept.version_id, settings.retention_mode, until)
    except StoreError:
        log.exception("could not move refused upload %s to the quarantine", evidence_id)
    else:
        removed = remove_refused(store, stored, evidence_id)
    reason = refused.reason if isinstance(refused, ContentInvalid) else refused.code
    entry = QuarantinedUpload(
        evidence_id=evidence_id, node=spec.node, visit_id=spec.visit_id, kind=spec.kind, filename=spec.filename,
        size=stored.size, algorithm=algorithm, digest=digest, code=refused.code, reason=reason,
        message=refused.message, uploaded_by=ctx.principal.account_id, uploaded_at=now, object_key=kept.key,
        version_id=kept.version_id, retain_until=until,
    )  # fmt: skip
    ctx.repo.record_quarantine(entry)
    return removed


def listing(ctx: Context, node: str, visit_id: str | None) -> dict[str, Any]:
    """The quarantined uploads of a node and below (of one visit, if given), for its approvers and keepers."""
    try:
        level = Node(node).level
    except (InvalidNodeCode, ValueError):
        raise InvalidNode() from None
    ctx.authorize(node, WATCHERS, Action.READ)
    prefix = node[: {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}[level]]
    return {"node": node, "quarantined": [_view(q) for q in ctx.repo.quarantined(prefix, visit_id)]}


def _view(q: QuarantinedUpload) -> dict[str, Any]:
    return {
        "evidence_id": q.evidence_id,
        "node": q.node,
        "visit_id": q.visit_id,
        "kind": q.kind,
        "filename": q.filename,
        "size": q.size,
        "algorithm": q.algorithm,
        "digest": q.digest,
        "code": q.code,
        "reason": q.reason,
        "message": q.message,
        "uploaded_by": q.uploaded_by,
        "uploaded_at": q.uploaded_at.isoformat(),
        "retain_until": q.retain_until.isoformat(),
    }


def remove_refused(store: AbstractEvidenceStore, stored: Stored, evidence_id: str) -> str:
    """Remove the unlocked version of a refused upload where the store allows it (`yes`), else leave it (`no`):
    the service's own storage user may not delete (`hrss.storage`), so the bytes stay, never recorded as
    evidence nor served, and the reconciler reports them as `rejected_upload_left`."""
    try:
        store.delete_version(stored.key, stored.version_id)
    except StoreError as error:
        log.warning("refused upload %s stays in the store unrecorded: %s", evidence_id, error)
        return "no"
    return "yes"
