"""The use cases by message: entrypoints hand commands to `handle`, consumers hand events to `handle_event`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from hrss.contracts.events.draw import AssignmentDispatched, DrawVoided, TeamChanged
from hrss.contracts.events.planning import TaskResultsPublished
from inspection.service_layer import (
    calendar,
    closures,
    deadlines,
    field,
    follow_ups,
    publication,
    results,
    settings,
    visits,
)
from inspection.service_layer.commands import (
    AddFollowUpStep,
    CloseVisit,
    DecideResult,
    IssueNotice,
    LoadCalendarYear,
    OpenFollowUp,
    PublishResult,
    PutNodeSettings,
    RunDeadlines,
    SubmitFieldBatch,
    SubmitResult,
)
from inspection.service_layer.context import Context


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_event(payload: BaseModel, event_id: str, ctx: Context) -> Any:
    """Run the handler registered for the event's payload model."""
    return EVENT_HANDLERS[type(payload)](ctx, payload, event_id)


def _issue_notice(c: IssueNotice, ctx: Context) -> Any:
    return visits.issue_notice(ctx, c.visit_id, c.window_start, c.window_end, c.materials, c.contact)


def _submit_result(c: SubmitResult, ctx: Context) -> Any:
    return results.submit(ctx, c.visit_id, c.form)


def _submit_batch(c: SubmitFieldBatch, ctx: Context) -> Any:
    return {"answers": field.submit_batch(ctx, c.entries, c.parse_entry)}


def _decide(c: DecideResult, ctx: Context) -> Any:
    return results.decide(ctx, c.result_id, c.version, c.approve, c.opinion)


def _open_follow_up(c: OpenFollowUp, ctx: Context) -> Any:
    return follow_ups.open_follow_up(ctx, c.result_id, c.kind, c.ordered_on, c.due, c.target, c.note)


def _add_step(c: AddFollowUpStep, ctx: Context) -> Any:
    return follow_ups.add_step(ctx, c.follow_up_id, c.kind, c.on, c.passed, c.note)


def _close_visit(c: CloseVisit, ctx: Context) -> Any:
    return closures.close(ctx, c.visit_id, c.reason)


def _publish(c: PublishResult, ctx: Context) -> Any:
    return publication.publish(ctx, c.result_id, c.public, c.withheld_reason)


def _put_settings(c: PutNodeSettings, ctx: Context) -> Any:
    return settings.put(ctx, c.node, c.issuing_body, c.document_prefix, c.contact_phone)


def _load_calendar(c: LoadCalendarYear, ctx: Context) -> Any:
    return calendar.load_year(ctx, c.year, c.holidays, c.workdays, c.source)


def _run_deadlines(c: RunDeadlines, ctx: Context) -> Any:
    return deadlines.run(ctx, c.on)


def _results_published(ctx: Context, done: TaskResultsPublished, event_id: str) -> None:
    deadlines.record_published(ctx, str(done.task.task_id), done.at, event_id)


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    IssueNotice: _issue_notice,
    SubmitResult: _submit_result,
    SubmitFieldBatch: _submit_batch,
    DecideResult: _decide,
    OpenFollowUp: _open_follow_up,
    AddFollowUpStep: _add_step,
    CloseVisit: _close_visit,
    PublishResult: _publish,
    PutNodeSettings: _put_settings,
    LoadCalendarYear: _load_calendar,
    RunDeadlines: _run_deadlines,
}

EVENT_HANDLERS: dict[type[BaseModel], Callable[..., Any]] = {
    AssignmentDispatched: visits.receive_assignment,
    TeamChanged: visits.change_team,
    DrawVoided: closures.withdraw_draw,
    TaskResultsPublished: _results_published,
}
