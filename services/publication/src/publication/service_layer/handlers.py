"""The use cases by message: consumers hand events to `handle_event`, which turns each into its command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from hrss.contracts.events.draw import AssignmentDispatched, DrawCompleted
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened, ResultApproved, ResultPublished
from hrss.contracts.events.planning import PlanPublished, TaskCompleted, TaskPublished
from hrss.contracts.events.publication import RecordPublished
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged
from publication.service_layer import corrections, deadlines, indexing, lists, publishing
from publication.service_layer.commands import (
    AnnounceTask,
    CorrectRecord,
    IndexRecords,
    KeepApprovedResult,
    NoteCheckItem,
    NoteDispatch,
    NoteDraw,
    NoteEntityKinds,
    NoteFollowUp,
    NoteTaskCompleted,
    PublishPlan,
    RecordDecision,
    RunDeadlines,
    WithdrawRecord,
)
from publication.service_layer.context import Context


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_event(payload: BaseModel, event_id: str, ctx: Context) -> Any:
    """Turn a consumed event into its command and run it."""
    return handle(EVENT_COMMANDS[type(payload)](payload, event_id), ctx)


def note_entities(entities: list[EntityChanged], ctx: Context) -> None:
    """A batch of the registry's entity states, in one command."""
    handle(NoteEntityKinds([(e.uscc, e.object_type, e.version) for e in entities]), ctx)


def index_published(events: list[RecordPublished], ctx: Context) -> int:
    """A batch of this service's own published versions into the public index, in one bulk."""
    return int(handle(IndexRecords([(e.kind, str(e.record_id), e.version) for e in events]), ctx))


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _entity(event: Any, event_id: str) -> NoteEntityKinds:
    return NoteEntityKinds([(event.uscc, event.object_type, event.version)])


EVENT_COMMANDS: dict[type[BaseModel], Callable[[Any, str], object]] = {
    ResultApproved: lambda e, i: KeepApprovedResult(_json(e), i),
    ResultPublished: lambda e, i: RecordDecision(_json(e), i),
    TaskPublished: lambda e, i: AnnounceTask(_json(e.task), i),
    PlanPublished: lambda e, i: PublishPlan(_json(e.plan), i),
    EntityChanged: _entity,
    RecordPublished: lambda e, i: IndexRecords([(e.kind, str(e.record_id), e.version)]),
    TaskCompleted: lambda e, i: NoteTaskCompleted(str(e.task.task_id), e.task.node, e.at, i),
    FollowUpOpened: lambda e, i: NoteFollowUp("opened", _json(e), i),
    FollowUpClosed: lambda e, i: NoteFollowUp("closed", _json(e), i),
    CheckItemChanged: lambda e, i: NoteCheckItem(_json(e), i),
    DrawCompleted: lambda e, i: NoteDraw(_json(e), i),
    AssignmentDispatched: lambda e, i: NoteDispatch(_json(e), i),
}


def _note_entities(c: NoteEntityKinds, ctx: Context) -> None:
    ctx.repo.set_entity_kinds(c.entities)


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    KeepApprovedResult: lambda c, ctx: publishing.keep_approved(ctx, c.payload, c.event_id),
    RecordDecision: lambda c, ctx: publishing.record_decision(ctx, c.payload, c.event_id),
    PublishPlan: lambda c, ctx: publishing.publish_plan(ctx, c.plan, c.event_id),
    NoteEntityKinds: _note_entities,
    IndexRecords: lambda c, ctx: indexing.index_records(ctx, c.versions),
    NoteTaskCompleted: lambda c, ctx: deadlines.task_completed(ctx, c.task_id, c.node, c.at, c.event_id),
    RunDeadlines: lambda c, ctx: deadlines.run(ctx, c.on),
    NoteFollowUp: lambda c, ctx: publishing.note_follow_up(ctx, c.step, c.payload, c.event_id),
    NoteCheckItem: lambda c, ctx: lists.note_check_item(ctx, c.item, c.event_id),
    NoteDraw: lambda c, ctx: lists.note_draw(ctx, c.draw, c.event_id),
    NoteDispatch: lambda c, ctx: lists.note_dispatch(ctx, c.dispatch, c.event_id),
    AnnounceTask: lambda c, ctx: _announce(c, ctx),
    CorrectRecord: lambda c, ctx: corrections.correct(ctx, c.record_id, c.fields, c.reason),
    WithdrawRecord: lambda c, ctx: corrections.withdraw(ctx, c.record_id, c.reason),
}


def _announce(c: AnnounceTask, ctx: Context) -> Any:
    """The task's announcement, and the drawn lists of its draws should it come after them."""
    announced = publishing.announce_task(ctx, c.task, c.event_id)
    lists.drawn_lists_of_task(ctx, str(c.task["task_id"]), c.event_id)
    return announced
