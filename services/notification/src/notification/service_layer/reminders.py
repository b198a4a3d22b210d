"""The reminder job: for a day that has come, each visit whose result is due within the configured number of
working days (on the official calendar) and has none submitted or approved gets one `deadline_approaching`
announcement to its team and its node's planners; each lent archive not back gets one `borrowing_due` to its
borrower within the same lead time of its due date, and one `borrowing_overdue` to the borrower and the node's
archive keepers once that date has passed. Notifications are keyed by (subject, kind, lead time), so running the
job again, on the same day or a later one, makes nothing new."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from hrss.auth import Action, Role
from hrss.auth.roles import ADMIN_ROLES
from hrss.workdays import run_day
from notification.domain import model
from notification.domain.errors import FutureRunDate
from notification.domain.model import Notification
from notification.service_layer.context import Context
from notification.service_layer.notifying import Directory, concerns_us, render
from notification.service_layer.routing import SEP, Announcement

RUNNERS = ADMIN_ROLES | {Role.SERVICE}  # who run the reminder job
KIND = "deadline_approaching"
REMINDER_NAMESPACE = uuid.UUID("5d0a3c52-29a6-4f0e-9d43-7f4b1e2c8a61")


def reminder_key(subject_id: str, kind: str, before: int) -> str:
    """The event id a reminder's notifications are kept under: the same for the same subject, kind and lead time."""
    return str(uuid.uuid5(REMINDER_NAMESPACE, f"{subject_id}|{kind}|{before}"))


def run(ctx: Context, on: date | None = None) -> dict[str, Any]:
    """Make the reminders due as of `on` (default today, CST); a day after today is refused. Answers the visits
    reminded and how many notifications were new."""
    for code in ctx.uow.nodes:
        ctx.authorize(code, RUNNERS, Action.WRITE)
    on = run_day(on, ctx.components.clock(), FutureRunDate)
    before = ctx.components.remind_before
    calendar = ctx.components.calendar()
    last = calendar.add_workdays(on, before)
    directory = Directory(ctx)
    made: list[Notification] = []
    reminded: list[str] = []
    for visit in ctx.repo.due_between(on, last):
        if not concerns_us(ctx, visit["node"]):
            continue
        team = visit["inspectors"]
        values = {
            "entity_name": visit["entity_name"],
            "uscc": visit["uscc"],
            "due": visit["due"].isoformat(),
            "on": on.isoformat(),
            "workdays": calendar.workdays_between(on, visit["due"]),
            "team": SEP.join(m["name"] for m in team) or "（无）",
        }
        audiences = [model.inspector(m["inspector_id"]) for m in team] + [model.role(visit["node"], Role.PLANNER)]
        announcement = Announcement(KIND, visit["node"], audiences, values)
        found, _ = render(ctx, announcement, reminder_key(visit["visit_id"], KIND, before), directory)
        made += found
        reminded.append(visit["visit_id"])
    lent = borrowings(ctx, on, before, directory)
    new = ctx.repo.add(made + lent, ctx.components.clock())
    return {
        "on": on.isoformat(),
        "remind_before_workdays": before,
        "due_by": last.isoformat(),
        "visits": len(reminded),
        "borrowings": len({n.event_id for n in lent}),
        "made": new,
    }


def borrowings(ctx: Context, on: date, before: int, directory: Directory) -> list[Notification]:
    """The borrowers of archives due back within `before` working days, and, once the day has passed, the borrower
    and the node's keepers (004 §12.4.2, §12.4.4)."""
    calendar = ctx.components.calendar()
    made: list[Notification] = []
    for lent in ctx.repo.borrowings_out(calendar.add_workdays(on, before)):
        if not concerns_us(ctx, lent["node"]):
            continue
        late = lent["due_back"] < on
        values = {
            "entity_name": lent["entity_name"],
            "uscc": lent["uscc"],
            "version": lent["version"],
            "borrower": lent["borrower"],
            "due_back": lent["due_back"].isoformat(),
            "on": on.isoformat(),
            "workdays": calendar.workdays_between(on, lent["due_back"]),
        }
        audiences = [model.account(lent["borrower"])]
        kind, lead = ("borrowing_overdue", 0) if late else ("borrowing_due", before)
        if late:
            audiences.append(model.role(lent["node"], Role.ARCHIVE_KEEPER))
        announcement = Announcement(kind, lent["node"], audiences, values)
        found, _ = render(ctx, announcement, reminder_key(lent["borrowing_id"], kind, lead), directory)
        made += found
    return made
