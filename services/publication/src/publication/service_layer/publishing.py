"""Publishing (一公开): each published version of a record gets the node's next receipt, an event and an audit
entry; nothing is changed in place. A process publishes only for the nodes it keeps (谁检查、谁公开): those in its
served subtrees and not delegated to a federated deployment of their own."""

from __future__ import annotations

import functools
import uuid
from datetime import date
from typing import Any

from hrss.bus.config import serves
from hrss.contracts import Node
from hrss.contracts.events.publication import Receipt as ReceiptPart
from hrss.contracts.events.publication import RecordPublished, ResultWithheld
from publication.domain import changes
from publication.domain import content as public
from publication.domain.records import Kind, RecordVersion, content_sha256, next_receipt
from publication.service_layer import deadlines
from publication.service_layer.context import Context

NOT_PUBLIC_ON_FORM = "检查结果经审核标记为依法不予公开"


def keeps(ctx: Context, node: str) -> bool:
    """Whether this process publishes for `node`."""
    return _keeps(node, tuple(ctx.uow.nodes), tuple(ctx.components.delegated))


@functools.lru_cache(maxsize=4096)
def _keeps(node: str, served: tuple[str, ...], delegated: tuple[str, ...]) -> bool:
    # asked four times a result: parsing the codes each time was a tenth of a batch's time
    return serves(Node(node), tuple(Node(n) for n in served), tuple(Node(n) for n in delegated))


def publish(
    ctx: Context, kind: Kind, record_id: str, node: str, uscc: str | None, year: int, content: dict[str, Any],
    event_id: str, task_ids: list[str] | None = None, role: str = "service",
) -> RecordVersion | None:  # fmt: skip
    """The next version of a record with `content` as the record's corrections make it, with its receipt; None when
    the latest has the same content, or when the record was withdrawn (its last version says so; none follows)."""
    ctx.repo.lock_chain(node)
    versions = ctx.repo.versions(kind, record_id)
    made = ctx.repo.changes(kind, record_id)
    if made:
        if versions and versions[-1].content.get("withdrawn"):
            return None
        content = changes.apply(content, made)
    digest = content_sha256(content)
    if versions and versions[-1].content_sha256 == digest:
        return None
    now = ctx.components.clock()
    record = RecordVersion(kind, record_id, len(versions) + 1, node, uscc, year, content, digest, now, event_id)
    receipt = next_receipt(ctx.repo.last_receipt(node), record, now)
    ctx.repo.add_record(record)
    ctx.repo.add_receipt(receipt)
    ctx.uow.publish(
        RecordPublished(
            node=node,
            kind=kind,
            record_id=uuid.UUID(record_id),
            version=record.version,
            uscc=uscc,
            task_ids=[uuid.UUID(t) for t in task_ids or []],
            content_sha256=digest,
            receipt=ReceiptPart(
                seq=receipt.seq, previous_sha256=receipt.previous_sha256, receipt_sha256=receipt.receipt_sha256
            ),
            published_at=now,
        ),
        subject=record_id,
        node=ctx.serving(node),
    )
    ctx.audit(
        role=role,
        action=f"publication.publish_{kind}",
        object_type=kind,
        object_id=record_id,
        node=node,
        version=record.version,
        after_hash=digest,
        event_id=event_id,
    )
    return record


def keep_approved(ctx: Context, payload: dict[str, Any], event_id: str) -> RecordVersion | None:
    """Keep an approved result (private); publish it if its node's decision arrived first."""
    if not keeps(ctx, payload["node"]):
        return None
    ctx.repo.lock_chain(payload["node"])  # see record_decision
    now = ctx.components.clock()
    ctx.repo.add_approved(str(payload["result_id"]), payload["version"], payload["node"], payload, event_id, now)
    return _publish_result(ctx, str(payload["result_id"]), event_id)


def record_decision(ctx: Context, payload: dict[str, Any], event_id: str) -> RecordVersion | None:
    """The inspecting node's decision on a result: withheld (recorded with the reason) or published."""
    node, result_id = payload["node"], str(payload["result_id"])
    if not keeps(ctx, node):
        return None
    # the approval and the decision come by two consumers at once: each half is recorded under the node's lock, so
    # the later sees the earlier committed and publishes (else both would find the other missing and neither would)
    ctx.repo.lock_chain(node)
    if not ctx.repo.add_decision(result_id, node, bool(payload["public"]), payload, event_id, ctx.components.clock()):
        return None  # decided once; a redelivery under another event id changes nothing
    if not payload["public"]:
        _withhold(ctx, payload, payload.get("withheld_reason") or NOT_PUBLIC_ON_FORM, event_id)
        return None
    return _publish_result(ctx, result_id, event_id)


def _withhold(ctx: Context, decision: dict[str, Any], reason: str, event_id: str) -> None:
    node, result_id = decision["node"], str(decision["result_id"])
    task_ids = [str(t) for t in decision["task_ids"]]
    now = ctx.components.clock()
    ctx.repo.add_withheld(result_id, node, task_ids, reason, decision["content_sha256"], now, event_id)
    ctx.uow.publish(
        ResultWithheld(
            node=node,
            result_id=uuid.UUID(result_id),
            task_ids=[uuid.UUID(t) for t in task_ids],
            reason=reason,
            withheld_at=now,
        ),
        subject=result_id,
        node=ctx.serving(node),
    )
    deadlines.confirm(ctx, decision, False, decision["content_sha256"], event_id, withheld_reason=reason)
    ctx.audit(
        role="service",
        action="publication.withhold",
        object_type="result",
        object_id=result_id,
        node=node,
        reason=reason,
        event_id=event_id,
    )


def _publish_result(ctx: Context, result_id: str, event_id: str) -> RecordVersion | None:
    decision = ctx.repo.decision(result_id)
    approved = ctx.repo.approved(result_id)
    if decision is None or approved is None or not decision["public"]:
        return None  # waiting for the other event, or withheld
    if not approved.get("public", True):  # inspection refuses this; kept withheld should it ever arrive
        _withhold(ctx, decision, NOT_PUBLIC_ON_FORM, event_id)
        return None
    node, uscc = approved["node"], approved["uscc"]
    for task_id in sorted(str(t) for t in approved["task_ids"]):
        ctx.repo.lock_task(task_id)  # a task learnt meanwhile is either seen here or republishes this result
    tasks = ctx.repo.tasks([str(t) for t in approved["task_ids"]])
    c = ctx.components
    follow_ups = [public.follow_up_content(opened, closed) for opened, closed in ctx.repo.follow_ups(result_id)]
    body = public.result_content(approved, tasks, c.body_of(node), c.labels, ctx.repo.entity_kind(uscc), follow_ups)
    year = date.fromisoformat(approved["record"]["inspected_on"]).year
    task_ids = [str(t) for t in approved["task_ids"]]
    record = publish(ctx, "result", result_id, node, uscc, year, body, event_id, task_ids)
    if record is not None:  # the first public version confirms the result (once: later versions find it confirmed)
        receipt = ctx.repo.last_receipt(node)
        deadlines.confirm(ctx, approved, True, record.content_sha256, event_id, receipt=receipt)
    return record


def note_follow_up(ctx: Context, step: str, payload: dict[str, Any], event_id: str) -> RecordVersion | None:
    """A follow-up measure opened or closed: kept, and the result's page republished with it (a new version) if the
    result is public; a withheld result stays withheld."""
    node, result_id = payload["node"], str(payload["result_id"])
    if not keeps(ctx, node):
        return None
    ctx.repo.lock_chain(node)  # as for the approval and the decision: the later of the events sees the earlier
    if not ctx.repo.add_follow_up(str(payload["follow_up_id"]), step, result_id, node, payload, event_id):
        return None
    return _publish_result(ctx, result_id, event_id)


def announce_task(ctx: Context, task: dict[str, Any], event_id: str) -> RecordVersion | None:
    """A task published before its draw: kept (for the results that name it, at whichever node implements it) and
    announced by its own node."""
    task_id, node = str(task["task_id"]), task["node"]
    ctx.repo.lock_task(task_id)
    ctx.repo.add_task_source(task_id, node, task, event_id)
    # results published before the task reached this process (its consumer and theirs run side by side, e.g. a new
    # federated county replaying the topics) named it without number and title: their next version names it fully
    for result_id in ctx.repo.results_naming_task(task_id):
        _publish_result(ctx, result_id, event_id)
    if not keeps(ctx, node):
        return None
    content = public.task_content(task, ctx.components.methods)
    return publish(ctx, "task", task_id, node, None, int(task["year"]), content, event_id, [task_id])


def publish_plan(ctx: Context, plan: dict[str, Any], event_id: str) -> RecordVersion | None:
    """A published annual plan version, by its node."""
    node = plan["node"]
    if not keeps(ctx, node):
        return None
    content = public.plan_content(plan)
    return publish(ctx, "plan", str(plan["plan_id"]), node, None, int(plan["year"]), content, event_id)
