"""The publication record of an approved result (谁检查、谁录入、谁公开): the inspecting node publishes it, or
withholds it where the law says it must not be public, with the reason. Kept once per result (append-only) with
the SHA-256 of what was published as the receipt (001 §三(六)), and announced as `inspection.result_published`."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from hrss.auth import Action
from hrss.contracts.events.inspection import ResultPublished
from hrss.workdays import china_date
from inspection.domain.errors import (
    FieldError,
    InvalidRecord,
    PublicationExists,
    PublicationNotApproved,
    PublicationNotPublic,
)
from inspection.domain.model import Publication
from inspection.domain.visits import Task
from inspection.service_layer import results, settings, visits
from inspection.service_layer.context import PUBLISHERS, Context


def content_sha256(content: dict[str, Any]) -> str:
    """The receipt: SHA-256 of the content as canonical JSON (sorted keys, UTF-8, no spaces)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def public_content(
    ctx: Context, row: Any, result_id: str, form: dict[str, Any], approved_at: datetime
) -> dict[str, Any]:
    """What the public sees of an approved result: the entity, the tasks, each item's result, the issuing body."""
    c = ctx.components
    tasks = [Task.from_dict(t) for t in row.tasks]
    names = {(t.task_id, i.item_id): i.name for t in tasks for i in t.items}

    def label(code: str) -> str:
        category = c.category(code)
        return category.label if category else code

    issuing = settings.current(ctx, row.node)
    return {
        "result_id": result_id,
        "node": row.node,
        "issuing_body": issuing.issuing_body if issuing is not None else None,
        "entity_name": row.entity_name,
        "uscc": row.uscc,
        "tasks": [{"task_id": t.task_id, "number": t.number, "title": t.title} for t in tasks],
        "inspected_on": form["inspected_on"],
        "items": [
            {"item": names.get((i["task_id"], i["item_id"]), i["item_id"]), "result": label(i["category"])}
            for i in form["items"]
        ],
        "overall": label(form["overall"]),
        "approved_on": china_date(approved_at).isoformat(),
    }


def publish(ctx: Context, result_id: str, public: bool, withheld_reason: str | None) -> dict[str, Any]:
    """Record the publication (or the withholding) of an approved result, once."""
    found = results.load_result(ctx, result_id)  # 404 for an unknown result
    row = visits.load(ctx, str(found.visit_id), Action.WRITE, PUBLISHERS, lock=True)
    role = ctx.authorize(row.node, PUBLISHERS, Action.WRITE)
    approved = ctx.repo.approved_version(result_id)
    if approved is None:
        raise PublicationNotApproved()
    filed, decision = approved
    if record_of(ctx, result_id) is not None:
        raise PublicationExists()
    reason = (withheld_reason or "").strip()
    if public and reason:
        problem = FieldError("withheld_reason", "publication.reason_with_public", "公示时不应填写不予公示理由")
        raise InvalidRecord([problem])
    if not public and not reason:
        raise InvalidRecord([FieldError("withheld_reason", "publication.reason_missing", "不予公示须写明依据或理由")])
    if public and not filed.form.get("public", True):
        raise PublicationNotPublic()
    if public:
        content = public_content(ctx, row, result_id, filed.form, decision.decided_at)
    else:
        content = {"result_id": result_id, "node": row.node, "withheld": True, "withheld_reason": reason}
    digest = content_sha256(content)
    now = ctx.components.clock()
    ctx.repo.add_publication(
        Publication(
            result_id=result_id,
            visit_id=row.visit_id,
            node=row.node,
            version=filed.version,
            public=public,
            withheld_reason=reason or None,
            content=content,
            content_sha256=digest,
            published_by=ctx.principal.account_id,
            published_at=now,
        )
    )
    ctx.uow.publish(
        ResultPublished(
            result_id=uuid.UUID(result_id),
            visit_id=uuid.UUID(str(row.visit_id)),
            node=row.node,
            task_ids=[uuid.UUID(t["task_id"]) for t in row.tasks],
            public=public,
            withheld_reason=reason or None,
            content_sha256=digest,
            published_at=now,
        ),
        subject=str(row.visit_id),
    )
    ctx.audit(
        role=role,
        action="inspection.publish" if public else "inspection.withhold",
        object_type="result",
        object_id=result_id,
        node=row.node,
        version=filed.version,
        reason=reason or None,
        after_hash=digest,
    )
    return record_of(ctx, result_id) or {}


def record_of(ctx: Context, result_id: str) -> dict[str, Any] | None:
    """The publication record of a result, or None."""
    r = ctx.repo.publication(result_id)
    if r is None:
        return None
    return {
        "result_id": str(r.result_id),
        "version": r.version,
        "public": r.public,
        "withheld_reason": r.withheld_reason,
        "content": r.content,
        "content_sha256": r.content_sha256,
        "published_by": r.published_by,
        "published_at": r.published_at.isoformat(),
    }
