"""Deadlines of the visits, results and corrections in scope: reminders, overdue flags, and the job that records
each overdue subject once per kind and publishes `inspection.overdue` for the supervising level."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from hrss.auth import Action, scope_prefixes
from hrss.contracts import Node
from hrss.contracts.events.inspection import Overdue
from hrss.workdays import CalendarNotCovered
from inspection.adapters.orm import (
    follow_up,
    follow_up_step,
    overdue_flag,
    publication,
    published_task,
    result,
    review,
    visit,
    visit_status,
)
from inspection.domain import deadlines as rules
from inspection.domain.errors import UncoveredCalendar
from inspection.service_layer.context import SCHEDULERS, Context, node_prefix


def collect(ctx: Context, prefixes: tuple[str, ...]) -> list[rules.Deadline]:
    """Every deadline of the nodes under `prefixes`, met or not."""
    session = ctx.uow.session
    calendar = ctx.components.calendar()
    in_scope = sa.or_(*[visit.c.node.like(p + "%") for p in prefixes])
    own = ctx.principal.sees_only_own_assignments  # an inspector sees the deadlines of their own visits only
    if own:
        in_scope = sa.and_(in_scope, visit.c.inspector_ids.contains([ctx.principal.inspector_id or ""]))
    out: list[rules.Deadline] = []
    closed = (
        sa.select(visit_status.c.seq)
        .where(visit_status.c.visit_id == visit.c.visit_id, visit_status.c.status == "closed")
        .exists()
    )
    for r in session.execute(
        sa.select(visit.c.visit_id, visit.c.node, visit.c.due, result.c.result_id, closed.label("closed"))
        .select_from(visit.outerjoin(result, result.c.visit_id == visit.c.visit_id))
        .where(in_scope)
    ):
        met = r.result_id is not None or bool(r.closed)  # a visit closed with a reason owes no result
        out.append(rules.Deadline(str(r.visit_id), r.node, "result", r.due, met))
    published = {str(t) for t in session.execute(sa.select(published_task.c.task_id)).scalars()}
    recorded = sa.select(publication.c.result_id).where(publication.c.result_id == result.c.result_id).exists()
    for r in session.execute(
        sa.select(result.c.result_id, visit.c.node, visit.c.tasks, recorded.label("recorded"))
        .select_from(
            result.join(visit, visit.c.visit_id == result.c.visit_id).join(
                review, review.c.result_id == result.c.result_id
            )
        )
        .where(in_scope, review.c.approved.is_(True))
    ):
        # 20 working days from the end of the task (000 §三(七), 001 §三(五)), not from the approval
        completed = rules.task_completion(date.fromisoformat(t["end"]) for t in r.tasks)
        due = rules.publication_due(calendar, completed)
        met = bool(r.recorded) or all(t["task_id"] in published for t in r.tasks)
        out.append(rules.Deadline(str(r.result_id), r.node, "publication", due.day, met, due.provisional))
    finished = (
        sa.select(follow_up_step.c.follow_up_id)
        .where(follow_up_step.c.follow_up_id == follow_up.c.follow_up_id, follow_up_step.c.kind == "closed")
        .exists()
    )
    for r in session.execute(
        sa.select(follow_up.c.follow_up_id, follow_up.c.node, follow_up.c.due, finished.label("closed")).where(
            follow_up.c.kind == "correction",
            follow_up.c.due.isnot(None),
            sa.or_(*[follow_up.c.node.like(p + "%") for p in prefixes]),
            follow_up.c.visit_id.in_(sa.select(visit.c.visit_id).where(in_scope)) if own else sa.true(),
        )
    ):
        out.append(rules.Deadline(str(r.follow_up_id), r.node, "correction", r.due, bool(r.closed)))
    return out


def _flags(ctx: Context, on: date, prefixes: tuple[str, ...]) -> list[rules.Flag]:
    try:
        return rules.classify(collect(ctx, prefixes), on, ctx.components.calendar(), ctx.components.remind_before)
    except CalendarNotCovered as error:
        raise UncoveredCalendar(problem=str(error)) from None


def _as_dict(flag: rules.Flag, recorded: set[tuple[str, str]]) -> dict[str, Any]:
    d = flag.deadline
    parent = Node(d.node).parent
    return {
        "subject_id": d.subject_id,
        "node": d.node,
        "supervisor": parent.code if parent else None,
        "kind": d.kind,
        "due": d.due.isoformat(),
        "state": flag.state,
        "workdays_left": flag.workdays_left,
        "provisional": flag.provisional,
        "recorded": (d.subject_id, d.kind) in recorded,
    }


def listing(ctx: Context, on: date, node: str | None) -> dict[str, Any]:
    """Reminders and overdue flags on `on` for the caller's subtree (the supervising level sees its counties)."""
    prefixes = scope_prefixes(ctx.principal)
    if node is not None:
        ctx.authorize(node, None, Action.READ)
        prefixes = (node_prefix(node),)
    flags = _flags(ctx, on, prefixes)
    recorded = {
        (str(r.subject_id), r.kind)
        for r in ctx.uow.session.execute(sa.select(overdue_flag.c.subject_id, overdue_flag.c.kind))
    }
    return {
        "on": on.isoformat(),
        "reminders": [_as_dict(f, recorded) for f in flags if f.state == "reminder"],
        "overdue": [_as_dict(f, recorded) for f in flags if f.state == "overdue"],
    }


def run(ctx: Context, on: date) -> dict[str, Any]:
    """Record each newly overdue subject once per kind and publish `inspection.overdue` for it (idempotent)."""
    for code in ctx.uow.nodes:
        ctx.authorize(code, SCHEDULERS, Action.WRITE)
    prefixes = tuple(node_prefix(n) for n in ctx.uow.nodes)
    now = ctx.components.clock()
    new: list[dict[str, Any]] = []
    for flag in _flags(ctx, on, prefixes):
        if flag.state != "overdue":
            continue
        d = flag.deadline
        parent = Node(d.node).parent
        inserted = ctx.uow.session.execute(
            pg_insert(overdue_flag)
            .values(
                subject_id=d.subject_id,
                kind=d.kind,
                node=d.node,
                supervisor=parent.code if parent else None,
                due=d.due,
                detected_on=on,
                flagged_at=now,
            )
            .on_conflict_do_nothing()
            .returning(overdue_flag.c.subject_id)
        ).first()
        if inserted is None:
            continue
        new.append(
            {"subject_id": d.subject_id, "kind": d.kind, "due": d.due.isoformat(), "provisional": flag.provisional}
        )
        ctx.uow.publish(
            Overdue(
                subject_id=uuid.UUID(d.subject_id),
                node=d.node,
                supervisor=parent.code if parent else None,
                kind=d.kind,  # type: ignore[arg-type]
                due=d.due,
                detected_on=on,
            ),
            subject=d.subject_id,
        )
    return {"on": on.isoformat(), "newly_overdue": len(new), "flagged": new}


def record_published(ctx: Context, task_id: str, at: Any, event_id: str) -> None:
    """A task's results are public (planning.task_results_published): its visits' publication is met."""
    ctx.uow.session.execute(pg_insert(published_task).values(task_id=task_id, published_at=at).on_conflict_do_nothing())
    ctx.audit(
        role="service",
        action="inspection.task_published",
        object_type="task",
        object_id=task_id,
        node=ctx.uow.nodes[0],
        event_id=event_id,
    )
