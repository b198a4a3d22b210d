"""The use cases by message: entrypoints hand commands to `handle`, consumers hand events to `handle_event`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrss.contracts.events.draw import DrawCompleted, DrawVoided
from hrss.contracts.events.inspection import Overdue, VisitStatusChanged
from hrss.contracts.events.publication import ResultConfirmed
from hrss.contracts.events.registry import CheckItemChanged
from planning.service_layer import checklist, plans, progress, settings, tasks
from planning.service_layer.commands import (
    AcceptPlan,
    AdjustPlan,
    CreatePlan,
    CreateTask,
    EditPlan,
    FilePlan,
    MoveTask,
    OverrideTaskStatus,
    PublishPlan,
    ReturnPlan,
    ReviseTask,
    SetSettings,
)
from planning.service_layer.context import Context


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_event(payload: object, ctx: Context, event_id: str) -> Any:
    """Apply one event from another service, as planning itself (`ctx` is the service's own context)."""
    return EVENT_HANDLERS[type(payload)](ctx, event_id, payload)


def apply_check_items(ctx: Context, changes: list[CheckItemChanged]) -> int:
    """The registry's item versions, a batch at a time; returns how many were new."""
    return checklist.apply_changes(ctx, changes)


def _edit_plan(c: EditPlan, ctx: Context) -> Any:
    plan = plans.edit_plan(ctx, c.plan_id, c.items, c.omissions)
    return plan, plans.plan_coverage(ctx, plan)


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    SetSettings: lambda c, ctx: settings.set_settings(ctx, c.node, c, c.reason),
    CreatePlan: lambda c, ctx: plans.create_plan(ctx, c.node, c.year),
    EditPlan: _edit_plan,
    FilePlan: lambda c, ctx: plans.file(ctx, c.plan_id, c.note),
    AcceptPlan: lambda c, ctx: plans.accept(ctx, c.plan_id, c.comment),
    ReturnPlan: lambda c, ctx: plans.send_back(ctx, c.plan_id, c.comment),
    PublishPlan: lambda c, ctx: plans.publish(ctx, c.plan_id, c.note),
    AdjustPlan: lambda c, ctx: plans.adjust(ctx, c.plan_id, c.reason),
    CreateTask: lambda c, ctx: tasks.create_task(ctx, c.node, c.draft),
    ReviseTask: lambda c, ctx: tasks.revise(ctx, c.task_id, c.draft),
    MoveTask: lambda c, ctx: tasks.move(ctx, c.task_id, c.target, c.reason),
    OverrideTaskStatus: lambda c, ctx: tasks.override(ctx, c.task_id, c.target, c.reason),
}

EVENT_HANDLERS: dict[type, Callable[[Context, str, Any], Any]] = {
    DrawCompleted: progress.draw_completed,
    DrawVoided: progress.draw_voided,
    VisitStatusChanged: progress.visit_step,
    ResultConfirmed: progress.result_confirmed,
    Overdue: progress.overdue,
}
