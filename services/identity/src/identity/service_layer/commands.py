"""What callers ask the identity service to do, in the imperative."""

from __future__ import annotations

from dataclasses import dataclass

from hrss.auth import Principal


@dataclass(frozen=True)
class CreateAccount:
    actor: Principal
    login: str
    name: str
    node: str
    roles: tuple[str, ...]
    password: str | None = None  # optional: the user sets the password at enrolment
    credential_no: str | None = None  # for an inspector: the registry inspector (执法证号) the account acts as
    email: str | None = None  # the holder's own e-mail address and/or mobile number (one at least): the enrolment
    mobile: str | None = None  # code is sent there, never shown to the administrator


@dataclass(frozen=True)
class ChangeRoles:
    actor: Principal
    account_id: str
    roles: tuple[str, ...]
    reason: str | None = None


@dataclass(frozen=True)
class LinkInspector:
    """Make the account act as the registry inspector holding `credential_no` at the account's node (None: unlink)."""

    actor: Principal
    account_id: str
    credential_no: str | None
    reason: str | None = None


@dataclass(frozen=True)
class DisableAccount:
    actor: Principal
    account_id: str
    reason: str | None = None


@dataclass(frozen=True)
class LogIn:
    login: str
    password: str
    totp: str
    client: str | None = None


@dataclass(frozen=True)
class RefreshSession:
    refresh_token: str


@dataclass(frozen=True)
class LogOut:
    actor: Principal


@dataclass(frozen=True)
class CreateFirstAdmin:
    node: str
    login: str
    name: str
    password: str
    email: str | None = None  # optional here (the operator is at the console): where later resets and lockouts go
    mobile: str | None = None


@dataclass(frozen=True)
class ResetEnrolment:
    """An administrator issues a fresh enrolment code; the account is pending until the user enrols again."""

    actor: Principal
    account_id: str
    reason: str | None = None


@dataclass(frozen=True)
class ApproveEnrolmentReset:
    """A second administrator approves the open request to reset an administrator's enrolment: the reset happens
    then, and the new code is shown once to the approver (not to whoever asked)."""

    actor: Principal
    account_id: str
    reason: str | None = None


@dataclass(frozen=True)
class Enrol:
    """The user sets a password with an enrolment code and receives a new TOTP secret."""

    login: str
    enrolment_code: str
    new_password: str
    client: str | None = None


@dataclass(frozen=True)
class ConfirmEnrolment:
    """The user proves the authenticator works; the code is spent and the account becomes active."""

    login: str
    enrolment_code: str
    totp: str
    client: str | None = None


@dataclass(frozen=True)
class ChangePassword:
    actor: Principal
    current_password: str
    new_password: str
    totp: str
    client: str | None = None


@dataclass(frozen=True)
class UnlockAccount:
    """An administrator lifts a login lockout early (the holder was verified some other way); recorded and audited."""

    actor: Principal
    account_id: str
    reason: str
