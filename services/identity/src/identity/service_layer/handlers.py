"""The use cases by message: entrypoints and the command line hand commands to `handle`, the consumer hands the
registry's events to `handle_events`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hrss.contracts.events.registry import InspectorChanged
from identity.domain.model import RegisteredInspector
from identity.service_layer import accounts, enrolment, login
from identity.service_layer.commands import (
    ApproveEnrolmentReset,
    ChangePassword,
    ChangeRoles,
    ConfirmEnrolment,
    CreateAccount,
    CreateFirstAdmin,
    DisableAccount,
    Enrol,
    LinkInspector,
    LogIn,
    LogOut,
    RefreshSession,
    ResetEnrolment,
    UnlockAccount,
)
from identity.service_layer.context import Context


def handle(command: object, ctx: Context) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx)


def handle_events(events: Sequence[object], ctx: Context) -> None:
    """Run each event type's handler once, with that type's events in the order they came."""
    for kind, handler in EVENT_HANDLERS.items():
        batch = [e for e in events if isinstance(e, kind)]
        if batch:
            handler(batch, ctx)


def inspectors_changed(events: Sequence[InspectorChanged], ctx: Context) -> None:
    """Keep the registry's inspectors as it publishes them, to check the inspector an account is linked to."""
    ctx.repo.apply_inspectors(
        [RegisteredInspector(str(e.inspector_id), e.credential_no, e.name, e.node, e.status, e.version) for e in events]
    )


COMMAND_HANDLERS: dict[type, Callable[[Any, Context], Any]] = {
    CreateAccount: accounts.create_account,
    ChangeRoles: accounts.change_roles,
    LinkInspector: accounts.link_inspector,
    DisableAccount: accounts.disable_account,
    CreateFirstAdmin: accounts.create_first_admin,
    LogIn: login.log_in,
    RefreshSession: login.refresh,
    LogOut: login.log_out,
    ResetEnrolment: accounts.reset_enrolment,
    UnlockAccount: accounts.unlock_account,
    ApproveEnrolmentReset: accounts.approve_enrolment_reset,
    Enrol: enrolment.enrol,
    ConfirmEnrolment: enrolment.confirm,
    ChangePassword: login.change_password,
}

EVENT_HANDLERS: dict[type, Callable[[Any, Context], None]] = {
    InspectorChanged: inspectors_changed,
}
