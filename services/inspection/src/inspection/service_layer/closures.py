"""Ending a visit without a result: closed by the node with a recorded reason, or withdrawn by a voided draw
(`draw.draw_voided`). Nothing is deleted: the closing step and each withdrawn assignment are added rows. A visit
merged across several draws loses only the voided draw's assignments and stays open for the others."""

from __future__ import annotations

import uuid
from typing import Any

from hrss.auth import Action
from hrss.contracts.events.draw import DrawVoided
from hrss.contracts.events.inspection import VisitExtended
from inspection.domain import visits as rules
from inspection.domain.errors import FieldError, InvalidRecord, VisitApproved
from inspection.domain.model import Visit, Withdrawal
from inspection.domain.visits import Member, Task
from inspection.service_layer import steps, visits
from inspection.service_layer.context import CLOSERS, Context


def close(ctx: Context, visit_id: str, reason: str) -> dict[str, Any]:
    """Close a visit that cannot be inspected, with the reason (planners and administrators of its node)."""
    row = visits.load(ctx, visit_id, Action.WRITE, CLOSERS, lock=True)
    role = ctx.authorize(row.node, CLOSERS, Action.WRITE)
    why = reason.strip()
    if not why:
        raise InvalidRecord([FieldError("reason", "visit.reason_missing", "关闭检查须写明原因")])
    steps.check_open(ctx, row)
    if steps.has_approved_result(ctx, visit_id):
        raise VisitApproved()
    steps.record(ctx, row, "closed", reason=why)
    ctx.audit(
        role=role, action="inspection.visit_close", object_type="visit", object_id=visit_id, node=row.node, reason=why
    )
    return {"visit_id": visit_id, "status": "closed", "reason": why}


def withdraw_draw(ctx: Context, event: DrawVoided, event_id: str) -> list[str]:
    """Withdraw the voided draw's assignments; close each visit left with none (unless its result is approved).
    Returns the ids of the visits closed. Idempotent: a withdrawn assignment is not withdrawn again."""
    repo = ctx.repo
    draw_id = str(event.draw_id)
    reason = f"抽取结果已作废：{event.reason}"
    now = ctx.components.clock()
    closed = []
    for visit_id, assignment_ids in repo.active_assignments_of_draw(draw_id).items():
        row = repo.visit(visit_id, lock=True)
        assert row is not None
        if steps.closure(ctx, visit_id) is not None or steps.has_approved_result(ctx, visit_id):
            continue  # already ended; an approved result stands (it was inspected)
        for a in assignment_ids:
            repo.add_withdrawal(Withdrawal(a, visit_id, draw_id, event.reason, event_id, now))
        withdrawn = repo.withdrawn(visit_id)
        remaining = [a for a in repo.assignment_ids(visit_id) if a not in withdrawn]
        if remaining:
            _keep_the_others(ctx, row, remaining)
            action = "inspection.assignment_withdraw"
        else:
            steps.record(ctx, row, "closed", reason=reason, event_id=event_id)
            closed.append(visit_id)
            action = "inspection.visit_withdraw"
        ctx.audit(
            role="service",
            action=action,
            object_type="visit",
            object_id=visit_id,
            node=row.node,
            reason=event.reason,
            detail={"draw_id": draw_id, "assignments": ",".join(assignment_ids)},
            event_id=event_id,
        )
    return closed


def _keep_the_others(ctx: Context, row: Visit, remaining: list[str]) -> None:
    """The visit's tasks and team from the assignments that remain, in order of arrival."""
    received = ctx.repo.assignment_tasks(remaining)
    teams = {a: [Member.from_dict(m) for m in team] for a, team in ctx.repo.assignment_teams(remaining).items()}
    tasks: list[Task] = []
    for a in remaining:
        tasks = rules.merge_tasks(tasks, [Task.from_dict(t) for t in received[a]])
    team = rules.union_team([teams.get(a, []) for a in remaining])
    visit_id = row.visit_id
    visits.update_visit(ctx, visit_id, tasks, team)
    ctx.uow.publish(
        VisitExtended(
            visit_id=uuid.UUID(visit_id),
            node=row.node,
            uscc=row.uscc,
            task_ids=[uuid.UUID(t.task_id) for t in tasks],
            assignment_ids=[uuid.UUID(a) for a in remaining],
            inspectors=visits.inspectors_of(team),
            due=rules.due(tasks),
            extended_at=ctx.components.clock(),
        ),
        subject=visit_id,
    )
