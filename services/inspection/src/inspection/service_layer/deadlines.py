"""Deadlines of the visits, results and corrections in scope: reminders, overdue flags, and the job that records
each overdue subject once per kind and publishes `inspection.overdue` for the supervising level."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action, scope_prefixes
from hrss.contracts import Node
from hrss.contracts.events.inspection import Overdue
from hrss.workdays import CalendarNotCovered, run_day
from inspection.domain import deadlines as rules
from inspection.domain.errors import FutureRunDate, UncoveredCalendar
from inspection.domain.model import OverdueFlag
from inspection.service_layer.context import SCHEDULERS, Context, node_prefix


def collect(ctx: Context, prefixes: tuple[str, ...]) -> list[rules.Deadline]:
    """Every deadline of the nodes under `prefixes`, met or not."""
    calendar = ctx.components.calendar()
    # an inspector sees the deadlines of their own visits only
    own = (ctx.principal.inspector_id or "") if ctx.principal.sees_only_own_assignments else None
    out = ctx.repo.result_deadlines(prefixes, own)
    published = ctx.repo.published_task_ids()
    for r in ctx.repo.approved_results(prefixes, own):
        # 20 working days from the end of the task (000 §三(七), 001 §三(五)), not from the approval
        completed = rules.task_completion(date.fromisoformat(t["end"]) for t in r.tasks)
        due = rules.publication_due(calendar, completed)
        met = r.recorded or all(t["task_id"] in published for t in r.tasks)
        out.append(rules.Deadline(r.result_id, r.node, "publication", due.day, met, due.provisional))
    return out + ctx.repo.correction_deadlines(prefixes, own)


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
    recorded = ctx.repo.overdue_recorded()
    return {
        "on": on.isoformat(),
        "reminders": [_as_dict(f, recorded) for f in flags if f.state == "reminder"],
        "overdue": [_as_dict(f, recorded) for f in flags if f.state == "overdue"],
    }


def run(ctx: Context, on: date | None = None) -> dict[str, Any]:
    """Record each newly overdue subject once per kind and publish `inspection.overdue` for it (idempotent), as of
    `on` (default today, CST); a day after today is refused: nothing is flagged or published ahead of time."""
    for code in ctx.uow.nodes:
        ctx.authorize(code, SCHEDULERS, Action.WRITE)
    on = run_day(on, ctx.components.clock(), FutureRunDate)
    prefixes = tuple(node_prefix(n) for n in ctx.uow.nodes)
    now = ctx.components.clock()
    new: list[dict[str, Any]] = []
    for flag in _flags(ctx, on, prefixes):
        if flag.state != "overdue":
            continue
        d = flag.deadline
        parent = Node(d.node).parent
        supervisor = parent.code if parent else None
        if not ctx.repo.flag_overdue(OverdueFlag(d.subject_id, d.kind, d.node, supervisor, d.due, on, now)):
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
    ctx.repo.mark_task_published(task_id, at)
    ctx.audit(
        role="service",
        action="inspection.task_published",
        object_type="task",
        object_id=task_id,
        node=ctx.uow.nodes[0],
        event_id=event_id,
    )
