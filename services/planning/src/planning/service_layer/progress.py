"""Use cases of the facts after the draw: each fact is kept, then every task it concerns takes the steps the facts
call for (`planning.domain.task_progress`), as the planning service itself.

Facts come from different topics and consumers, concurrently. A step is judged on every fact of the task, so two
facts applied side by side could each be judged without the other and the task would wait for a fact that already
came. Every use case here therefore first takes one transaction-scoped advisory lock: facts after the draw are
applied one transaction at a time, and each sees all that were committed before it.
"""

from __future__ import annotations

from typing import Any

from hrss.contracts.events.draw import DrawCompleted, DrawVoided
from hrss.contracts.events.inspection import Overdue, VisitStatusChanged
from hrss.contracts.events.publication import ResultConfirmed
from planning.domain.task_progress import due_steps
from planning.service_layer import tasks
from planning.service_layer.context import Context

LOCK = "planning.progress"


def _serialized(ctx: Context) -> None:
    ctx.repo.lock(LOCK)


def advance(ctx: Context, task_ids: list[str]) -> list[tuple[str, str]]:
    """Take every step the facts call for, for the tasks given and those drawn with them; returns (task, status)
    for each step taken. Tasks this process does not keep are left alone."""
    taken = []
    for task_id in ctx.repo.related_tasks(task_ids):
        if ctx.repo.task_status(task_id) is None:
            continue
        task, revision = ctx.repo.load_task(task_id, for_update=True)
        for target, reason in due_steps(task.status, ctx.repo.task_facts(task_id)):
            task = tasks.follow_facts(ctx, task, revision, target, reason)
            revision += 1
            taken.append((task_id, target.value))
    return taken


def draw_completed(ctx: Context, event_id: str, done: DrawCompleted) -> list[tuple[str, str]]:
    """The draw's tasks become drawn and dispatched; what it dispatched to each node is what their visits expect."""
    _serialized(ctx)
    ids = [str(t) for t in done.task_ids]
    ctx.repo.add_draw(
        draw_id=str(done.draw_id),
        kind="completed",
        node=done.node,
        task_ids=ids,
        at=done.completed_at,
        event_id=event_id,
        picks=done.picks,
        dispatched=dict(done.dispatched),
    )
    tasks.record_draw(ctx, ids, str(done.draw_id), done.picks, dict(done.dispatched))
    return advance(ctx, ids)


def draw_voided(ctx: Context, event_id: str, voided: DrawVoided) -> list[tuple[str, str]]:
    """A voided draw expects no visit any more (its visits are closed with the void's reason)."""
    _serialized(ctx)
    ids = [str(t) for t in voided.task_ids]
    ctx.repo.add_draw(
        draw_id=str(voided.draw_id),
        kind="voided",
        node=voided.node,
        task_ids=ids,
        at=voided.voided_at,
        event_id=event_id,
        reason=voided.reason,
    )
    return advance(ctx, ids)


def visit_step(ctx: Context, event_id: str, changed: VisitStatusChanged) -> list[tuple[str, str]]:
    """One step of a visit (opened … approved, closed with a reason)."""
    _serialized(ctx)
    ids = [str(t) for t in changed.task_ids]
    ctx.repo.add_visit_step(
        event_id=event_id,
        visit_id=str(changed.visit_id),
        node=changed.node,
        uscc=changed.uscc,
        region_code=changed.region_code,
        task_ids=ids,
        status=changed.status,
        inspected_on=changed.inspected_on,
        reason=changed.reason,
        at=changed.at,
    )
    return advance(ctx, ids)


def result_confirmed(ctx: Context, event_id: str, confirmed: ResultConfirmed) -> list[tuple[str, str]]:
    """The publication record of one approved result, as the publication service confirms it (published with its
    receipt, or withheld with the reason): not the inspecting node's decision, but the record having been made."""
    _serialized(ctx)
    ids = [str(t) for t in confirmed.task_ids]
    ctx.repo.add_publication(
        result_id=str(confirmed.result_id),
        visit_id=str(confirmed.visit_id),
        node=confirmed.node,
        task_ids=ids,
        public=confirmed.public,
        withheld_reason=confirmed.withheld_reason,
        content_sha256=confirmed.content_sha256,
        published_at=confirmed.confirmed_at,
        event_id=event_id,
    )
    return advance(ctx, ids)


def overdue(ctx: Context, event_id: str, flag: Overdue) -> None:
    """A deadline passed: counted in the progress of the visit's tasks (kind result: the subject is the visit)."""
    values: dict[str, Any] = {
        "subject_id": str(flag.subject_id),
        "kind": flag.kind,
        "node": flag.node,
        "supervisor": flag.supervisor,
        "due": flag.due,
        "detected_on": flag.detected_on,
        "event_id": event_id,
    }
    ctx.repo.add_overdue(**values)
