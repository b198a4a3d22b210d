"""The registry's use cases by message: the entrypoints hand commands to `handle`, the consumer hands other
services' events to `handle_event`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrss.contracts.events.inspection import VisitStatusChanged
from registry.service_layer import checklist, entities, inspections, inspectors
from registry.service_layer.commands import (
    AddCheckItem,
    ChangeEntity,
    ChangeInspector,
    DeclareInterest,
    RegisterEntity,
    RegisterInspector,
    ReviseCheckItem,
)
from registry.service_layer.context import Context
from registry.service_layer.entities import Written


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_event(event: object, ctx: Context, event_id: str) -> Any:
    """Run the handler registered for the event payload's type (`event_id` makes it idempotent and audited)."""
    return EVENT_HANDLERS[type(event)](event, ctx, event_id)


def register_entity(command: RegisterEntity, ctx: Context) -> Written:
    return entities.register_entity(
        ctx, command.record, reason=command.reason, known_at=command.known_at, source=command.source
    )


def change_entity(command: ChangeEntity, ctx: Context) -> Written:
    return entities.change_entity(
        ctx, command.entity_id, command.record, reason=command.reason, known_at=command.known_at, source=command.source
    )


def register_inspector(command: RegisterInspector, ctx: Context) -> Written:
    return inspectors.register_inspector(
        ctx, command.record, reason=command.reason, known_at=command.known_at, source=command.source
    )


def change_inspector(command: ChangeInspector, ctx: Context) -> Written:
    return inspectors.change_inspector(
        ctx,
        command.inspector_id,
        command.record,
        reason=command.reason,
        known_at=command.known_at,
        source=command.source,
    )


def declare_interest(command: DeclareInterest, ctx: Context) -> dict[str, Any]:
    return inspectors.declare_interest(
        ctx, command.inspector_id, command.uscc, command.reason, withdraw=command.withdraw
    )


def add_check_item(command: AddCheckItem, ctx: Context) -> Written:
    return checklist.add_item(ctx, command.node, command.spec, command.line, command.reason, command.qualifications)


def revise_check_item(command: ReviseCheckItem, ctx: Context) -> Written:
    return checklist.revise_item(
        ctx,
        command.item_id,
        command.spec,
        command.line,
        command.reason,
        status=command.status,
        qualifications=command.qualifications,
    )


def inspection_recorded(event: VisitStatusChanged, ctx: Context, event_id: str) -> Written | None:
    """An approved result becomes the entity's last inspection (inspections.record_inspection)."""
    return inspections.record_inspection(ctx, event, event_id)


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    RegisterEntity: register_entity,
    ChangeEntity: change_entity,
    RegisterInspector: register_inspector,
    ChangeInspector: change_inspector,
    DeclareInterest: declare_interest,
    AddCheckItem: add_check_item,
    ReviseCheckItem: revise_check_item,
}

EVENT_HANDLERS: dict[type, Callable[[Any, Context, str], Any]] = {
    VisitStatusChanged: inspection_recorded,
}
