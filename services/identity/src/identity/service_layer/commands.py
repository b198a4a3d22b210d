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
    password: str


@dataclass(frozen=True)
class ChangeRoles:
    actor: Principal
    account_id: str
    roles: tuple[str, ...]
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
