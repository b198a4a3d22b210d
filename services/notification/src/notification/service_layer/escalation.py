"""Escalation (issue 19; 000 §三(七), 002 §四(四)): an `inspection.overdue` is told at once to the node and its
supervising level; if it is still open N working days (on the official calendar) after it was detected, it is
escalated to the supervising level (督办: the supervisor's administrators are asked to act), and each further N working
days to the next level up, to the province. Open means that
none of the events that end it was read (`watches.py`: a result entered or its visit closed, a publication record, a
correction closed). Each step is keyed by (subject, kind, level), so the job may run any number of times a day, or
late: a step whose day has come is made once."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action
from hrss.auth.roles import admin_role_for
from hrss.contracts import Node
from hrss.workdays import run_day
from notification.domain import model
from notification.domain.errors import FutureRunDate
from notification.domain.model import Notification
from notification.domain.templates import OVERDUE_WHAT
from notification.service_layer.context import Context
from notification.service_layer.notifying import Directory, render
from notification.service_layer.reminders import RUNNERS
from notification.service_layer.routing import Announcement
from notification.service_layer.watches import chain, concerns_us

KIND = "overdue_escalated"
ESCALATION_NAMESPACE = uuid.UUID("0b6f3e1a-7c52-4d8e-a1f9-3e5c2d7b9a40")


def escalation_key(subject_id: str, kind: str, level: str) -> str:
    """The event id an escalation's notifications are kept under: one per subject, kind and level told."""
    return str(uuid.uuid5(ESCALATION_NAMESPACE, f"{subject_id}|{kind}|{level}"))


def steps(node: str, supervisor: str | None) -> list[str]:
    """The levels an overdue of `node` escalates to, in order: the supervisor, then each level above it."""
    if supervisor is None:
        return []
    return chain(supervisor)


def run(ctx: Context, on: date | None = None) -> dict[str, Any]:
    """Escalate every open overdue whose next step's day has come as of `on` (default today, CST; a later day is
    refused); answers how many subjects were escalated and how many notifications were new."""
    for code in ctx.uow.nodes:
        ctx.authorize(code, RUNNERS, Action.WRITE)
    on = run_day(on, ctx.components.clock(), FutureRunDate)
    after = ctx.components.escalate_after
    calendar = ctx.components.calendar()
    directory = Directory(ctx)
    made: list[Notification] = []
    escalated = 0
    for row in ctx.repo.open_overdue():
        told = False
        for k, level in enumerate(steps(row["node"], row["supervisor"]), start=1):
            if calendar.add_workdays(row["detected_on"], k * after) > on:
                break
            if not concerns_us(ctx, level):
                continue  # another deployment serves that level (it keeps the same watch)
            values = {
                "node": row["node"],
                "what": OVERDUE_WHAT[row["kind"]],
                "subject_id": row["subject_id"],
                "due": row["due"].isoformat(),
                "detected_on": row["detected_on"].isoformat(),
                "supervisor": row["supervisor"],
                "on": on.isoformat(),
                "workdays": calendar.workdays_between(row["detected_on"], on),
            }
            audience = model.role(level, admin_role_for(Node(level).level))
            announcement = Announcement(KIND, row["node"], [audience], values)
            found, _ = render(ctx, announcement, escalation_key(row["subject_id"], row["kind"], level), directory)
            made += found
            told = True
        escalated += told
    return {"on": on.isoformat(), "escalate_after_workdays": after, "escalated": escalated,
            "made": ctx.repo.add(made, ctx.components.clock())}  # fmt: skip
