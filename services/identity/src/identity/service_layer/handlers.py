"""The use cases by command; entrypoints and the command line hand commands to `handle`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identity.service_layer import accounts, enrolment, login
from identity.service_layer.commands import (
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
)
from identity.service_layer.context import Context


def handle(command: object, ctx: Context, **extra: Any) -> Any:
    """Run the handler registered for the command's type."""
    return COMMAND_HANDLERS[type(command)](command, ctx, **extra)


COMMAND_HANDLERS: dict[type, Callable[..., Any]] = {
    CreateAccount: accounts.create_account,
    ChangeRoles: accounts.change_roles,
    LinkInspector: accounts.link_inspector,
    DisableAccount: accounts.disable_account,
    CreateFirstAdmin: accounts.create_first_admin,
    LogIn: login.log_in,
    RefreshSession: login.refresh,
    LogOut: login.log_out,
    ResetEnrolment: accounts.reset_enrolment,
    Enrol: enrolment.enrol,
    ConfirmEnrolment: enrolment.confirm,
    ChangePassword: login.change_password,
}
