"""The publication deadline (20 working days from a task's completion): each task's deadline from
`planning.task_completed`, each result's confirmation (`publication.result_confirmed`, what planning moves a task
to "results published" by), the staff list of what is due and late, and the run that records each missed deadline
once and sends `publication.deadline_missed` for the supervising level."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from hrss.auth import Action, Role, scope_prefixes
from hrss.auth.roles import ADMIN_ROLES
from hrss.contracts import Node
from hrss.contracts.events.publication import DeadlineMissed, ResultConfirmed
from hrss.contracts.events.publication import Receipt as ReceiptPart
from hrss.workdays import CHINA_TZ, CalendarNotCovered, china_date, run_day
from publication.domain import deadlines as rules
from publication.domain.errors import FutureRunDate, UncoveredCalendar
from publication.domain.records import Receipt
from publication.service_layer.context import Context, node_prefix

SCHEDULERS = ADMIN_ROLES | {Role.SERVICE}  # who run the deadline job


def task_completed(ctx: Context, task_id: str, node: str, at: datetime, event_id: str) -> rules.TaskDeadline | None:
    """Keep a task's completion and its deadline (every process: its results may be inspected at any node); the
    first completion counts. None when it was kept already."""
    completed_on = china_date(at)
    try:
        deadline = rules.task_deadline(ctx.components.calendar(), task_id, node, completed_on)
    except CalendarNotCovered as error:
        raise UncoveredCalendar(problem=str(error)) from None
    if not ctx.repo.add_task_deadline(deadline, event_id, ctx.components.clock()):
        return None
    return deadline


def confirm(
    ctx: Context, source: dict[str, Any], public: bool, content_sha256: str, event_id: str,
    receipt: Receipt | None = None, withheld_reason: str | None = None,
) -> bool:  # fmt: skip
    """Record a result's publication record once (published with its receipt, or withheld with the reason) and send
    `publication.result_confirmed`, saying whether it came within the deadline. False if confirmed already."""
    result_id, node = str(source["result_id"]), source["node"]
    task_ids = [str(t) for t in source["task_ids"]]
    now = ctx.components.clock()
    due = rules.earliest_due(ctx.repo.task_deadlines(task_ids))
    on_time = rules.on_time(due, now.astimezone(CHINA_TZ).date())
    row = {
        "result_id": result_id,
        "visit_id": str(source["visit_id"]),
        "node": node,
        "task_ids": task_ids,
        "public": public,
        "receipt_seq": receipt.seq if receipt is not None else None,
        "content_sha256": content_sha256,
        "due": due,
        "on_time": on_time,
        "confirmed_at": now,
        "event_id": event_id,
    }
    if not ctx.repo.add_confirmation(row):
        return False
    ctx.uow.publish(
        ResultConfirmed(
            result_id=uuid.UUID(result_id),
            visit_id=uuid.UUID(str(source["visit_id"])),
            node=node,
            task_ids=[uuid.UUID(t) for t in task_ids],
            public=public,
            withheld_reason=withheld_reason,
            content_sha256=content_sha256,
            record_version=receipt.version if receipt is not None else None,
            receipt=ReceiptPart(
                seq=receipt.seq, previous_sha256=receipt.previous_sha256, receipt_sha256=receipt.receipt_sha256
            )
            if receipt is not None
            else None,
            due=due,
            on_time=on_time,
            confirmed_at=now,
        ),
        subject=result_id,
        node=ctx.serving(node),
    )
    return True


def today(ctx: Context) -> date:
    """Today in China Standard Time by the service's clock."""
    return ctx.components.clock().astimezone(CHINA_TZ).date()


def _rows(ctx: Context, prefixes: tuple[str, ...], on: date) -> list[dict[str, Any]]:
    rows = []
    missed = ctx.repo.missed()
    for r in ctx.repo.deadline_rows(prefixes):
        confirmed = r["confirmed_at"].astimezone(CHINA_TZ).date() if r["confirmed_at"] is not None else None
        rows.append(
            {
                "task_id": r["task_id"],
                "result_id": r["result_id"],
                "node": r["node"],
                "completed_on": r["completed_on"].isoformat(),
                "due": r["due"].isoformat(),
                "provisional": r["provisional"],
                "state": rules.state(r["due"], confirmed, on),
                "confirmed_on": confirmed.isoformat() if confirmed is not None else None,
                "missed_recorded": (r["task_id"], r["result_id"]) in missed,
            }
        )
    return rows


def listing(ctx: Context, on: date, node: str | None, state: str | None) -> dict[str, Any]:
    """What is due, late, met and met late on `on`, in the caller's subtree (or `node`'s, within it)."""
    prefixes = scope_prefixes(ctx.principal)
    if node is not None:
        ctx.authorize(node, None, Action.READ)
        prefixes = (node_prefix(node),)
    rows = [r for r in _rows(ctx, prefixes, on) if state is None or r["state"] == state]
    tasks = ctx.repo.tasks(sorted({r["task_id"] for r in rows}))
    for r in rows:
        known = tasks.get(r["task_id"]) or {}
        r["task_number"], r["task_title"] = known.get("number"), known.get("title")
    return {"on": on.isoformat(), "state": state, "deadlines": rows}


def run(ctx: Context, on: date | None = None) -> dict[str, Any]:
    """Record each newly missed deadline once and send `publication.deadline_missed` for it, as of `on` (default
    today, CST; a later day is refused: nothing is flagged ahead of time)."""
    for code in ctx.uow.nodes:
        ctx.authorize(code, SCHEDULERS, Action.WRITE)
    on = run_day(on, ctx.components.clock(), FutureRunDate)
    now = ctx.components.clock()
    flagged = []
    for r in ctx.repo.deadline_rows(tuple(node_prefix(n) for n in ctx.uow.nodes)):
        confirmed = r["confirmed_at"].astimezone(CHINA_TZ).date() if r["confirmed_at"] is not None else None
        if rules.state(r["due"], confirmed, on) != "late":
            continue
        if not ctx.repo.flag_missed(r["task_id"], r["result_id"], r["node"], r["due"], on, now):
            continue
        parent = Node(r["node"]).parent
        ctx.uow.publish(
            DeadlineMissed(
                task_id=uuid.UUID(r["task_id"]),
                result_id=uuid.UUID(r["result_id"]),
                node=r["node"],
                supervisor=parent.code if parent else None,
                completed_on=r["completed_on"],
                due=r["due"],
                detected_on=on,
            ),
            subject=r["result_id"],
            node=ctx.serving(r["node"]),
        )
        flagged.append({"task_id": r["task_id"], "result_id": r["result_id"], "due": r["due"].isoformat()})
    return {"on": on.isoformat(), "newly_missed": len(flagged), "flagged": flagged}
