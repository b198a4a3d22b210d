"""Corrections and withdrawals by staff of the node that published the record (谁公开、谁更正), with the roles that
record a result's publication in inspection (administrators, planners, approvers): each kept in order
(`record_change`) and published as the record's next version, which says what changed and why."""

from __future__ import annotations

import uuid
from typing import Any

from hrss.auth import Action, Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts.errors import InvalidRecord
from hrss.contracts.masking import mask_text, mask_value
from publication.domain import changes
from publication.domain.errors import NotPublishingNode, RecordNotFound, RecordWithdrawn
from publication.domain.records import RecordVersion
from publication.service_layer.context import Context
from publication.service_layer.publishing import publish

PUBLISHERS = ADMIN_ROLES | {Role.PLANNER, Role.APPROVER}


def _latest(ctx: Context, record_id: str) -> tuple[RecordVersion, str]:
    """The record's latest version, its node's chain locked; and the caller's role, if they may change it."""
    kind = ctx.repo.kind_of(record_id)
    if kind is None:
        raise RecordNotFound(what="公开记录", record_id=record_id)
    node = ctx.repo.versions(kind, record_id)[-1].node
    role = ctx.authorize(node, PUBLISHERS, Action.WRITE)
    if ctx.principal.node.code != node:
        raise NotPublishingNode(node=node)
    ctx.repo.lock_chain(node)
    latest = ctx.repo.versions(kind, record_id)[-1]
    if latest.content.get("withdrawn"):
        raise RecordWithdrawn(record_id=record_id)
    return latest, role


def _change(ctx: Context, latest: RecordVersion, role: str, kind: str, fields: dict[str, Any], reason: str) -> Any:
    now = ctx.components.clock()
    change = {
        "type": kind,
        "fields": fields,
        "reason": mask_text(reason),
        "node": latest.node,
        "account_id": ctx.principal.account_id,
        "role": role,
        "at": now,
    }
    ctx.repo.add_change(latest.kind, latest.record_id, change)
    record = publish(
        ctx, latest.kind, latest.record_id, latest.node, latest.uscc, latest.year, changes.base(latest.content),
        str(uuid.uuid4()), role=role,
    )  # fmt: skip
    assert record is not None  # the change is in the content: it differs from the latest
    ctx.audit(
        role=role,
        action=f"publication.{'correct' if kind == 'correction' else 'withdraw'}",
        object_type=latest.kind,
        object_id=latest.record_id,
        node=latest.node,
        version=record.version,
        before_hash=latest.content_sha256,
        after_hash=record.content_sha256,
        reason=change["reason"],
    )
    return {"kind": record.kind, "record_id": record.record_id, "version": record.version,
            "content_sha256": record.content_sha256, "content": record.content}  # fmt: skip


def correct(ctx: Context, record_id: str, fields: dict[str, Any], reason: str) -> Any:
    """Correct fields of a public record: its next version, with the fields, the reason and the time."""
    latest, role = _latest(ctx, record_id)
    masked = mask_value(fields)
    assert isinstance(masked, dict)
    errors = changes.correction_errors(changes.base(latest.content), masked)
    if errors:
        raise InvalidRecord(errors)
    return _change(ctx, latest, role, "correction", masked, reason)


def withdraw(ctx: Context, record_id: str, reason: str) -> Any:
    """Withdraw a public record: its last version says so and why; it leaves public search."""
    latest, role = _latest(ctx, record_id)
    return _change(ctx, latest, role, "withdrawal", {}, reason)
