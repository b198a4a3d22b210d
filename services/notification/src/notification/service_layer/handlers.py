"""The use cases by message: consumers hand events to `handle_event`, endpoints hand commands to `handle`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from notification.service_layer import escalation, notifying, people, reminders
from notification.service_layer.commands import (
    KeepEntityContact,
    KeepMyContact,
    KeepMyPreferences,
    MarkRead,
    Notify,
    NotifyMany,
    RunEscalations,
    RunReminders,
)
from notification.service_layer.context import Context


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_event(payload: BaseModel, event_id: str, ctx: Context) -> Any:
    """Every consumed event becomes one `Notify`."""
    return handle(Notify(payload, event_id), ctx)


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    Notify: lambda c, ctx: notifying.receive(ctx, c.event, c.event_id),
    NotifyMany: lambda c, ctx: notifying.receive_many(ctx, c.events),
    KeepMyContact: lambda c, ctx: people.keep_my_contact(ctx, c),
    KeepEntityContact: lambda c, ctx: people.keep_entity_contact(ctx, c),
    MarkRead: lambda c, ctx: people.mark_read(ctx, c),
    KeepMyPreferences: lambda c, ctx: people.keep_my_preferences(ctx, c),
    RunReminders: lambda c, ctx: reminders.run(ctx, c.on),
    RunEscalations: lambda c, ctx: escalation.run(ctx, c.on),
}
