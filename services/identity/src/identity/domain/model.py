"""An account is its immutable identity plus a history of versions; the latest version is the current state."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"  # created or reset by an administrator; usable after enrolment is confirmed
    ACTIVE = "active"
    DISABLED = "disabled"


class Change(StrEnum):
    """Why a version was written."""

    CREATED = "created"
    ROLES = "roles"
    DISABLED = "disabled"
    PASSWORD = "password"
    REHASH = "rehash"
    TOTP = "totp"
    ENROLMENT = "enrolment"  # an administrator issued a fresh enrolment code (reset)
    ENROLLED = "enrolled"  # the user set a password and received a new TOTP secret
    CONFIRMED = "confirmed"  # the user proved the authenticator works; the account is active
    INSPECTOR = "inspector"  # an administrator linked (or unlinked) the registry inspector the account acts as


@dataclass(frozen=True)
class Account:
    """The current version of an account; `totp_secret` is the encrypted form, never the plain secret."""

    id: str
    login: str
    node: str
    version: int
    name: str
    roles: tuple[str, ...]
    status: Status
    password_hash: str
    totp_secret: str
    change: Change
    changed_at: datetime
    changed_by: str
    inspector_id: str | None = None  # the registry inspector (执法检查人员) this person is; teams name these
    credential_no: str | None = None

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    def next_version(self, change: Change, by: str, at: datetime, **fields: object) -> Account:
        """The version that follows this one; history is never rewritten, only extended."""
        return replace(self, version=self.version + 1, change=change, changed_by=by, changed_at=at, **fields)  # type: ignore[arg-type]

    def linked_to(self, inspector: RegisteredInspector | None, by: str, at: datetime) -> Account:
        """The version acting as `inspector` (None: as no inspector)."""
        if inspector is None:
            return self.next_version(Change.INSPECTOR, by, at, inspector_id=None, credential_no=None)
        return self.next_version(
            Change.INSPECTOR, by, at, inspector_id=inspector.inspector_id, credential_no=inspector.credential_no
        )

    def with_roles(self, roles: tuple[str, ...], by: str, at: datetime) -> Account:
        return self.next_version(Change.ROLES, by, at, roles=tuple(sorted(roles)))

    def disabled(self, by: str, at: datetime) -> Account:
        return self.next_version(Change.DISABLED, by, at, status=Status.DISABLED)

    @property
    def is_disabled(self) -> bool:
        return self.status is Status.DISABLED

    def state_hash(self) -> str:
        """SHA-256 of what an audit entry's before/after hash covers (secrets and hashes excluded)."""
        content = [self.id, self.login, self.node, self.version, self.name, list(self.roles), str(self.status)]
        if self.inspector_id is not None:
            content += [self.inspector_id, self.credential_no]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()

    def public(self) -> dict[str, object]:
        """What endpoints may show: never the password hash or the TOTP secret."""
        return {
            "id": self.id,
            "login": self.login,
            "name": self.name,
            "node": self.node,
            "roles": list(self.roles),
            "status": str(self.status),
            "inspector_id": self.inspector_id,
            "credential_no": self.credential_no,
            "version": self.version,
            "changed_at": self.changed_at.isoformat(),
            "changed_by": self.changed_by,
        }


@dataclass(frozen=True)
class RegisteredInspector:
    """An inspector as the registry last published it (the identity service's read model)."""

    inspector_id: str
    credential_no: str
    name: str
    node: str
    status: str
    version: int = 0  # the registry's version of this state; an older one never replaces a newer one

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class EnrolmentCode:
    """An enrolment code as stored: only its SHA-256; the latest one issued for an account is the only valid one."""

    id: int
    account_id: str
    code_hash: str
    issued_at: datetime
    expires_at: datetime
    spent_at: datetime | None = None


@dataclass(frozen=True)
class ResetRequest:
    """One administrator's request to reset the enrolment of an administrator's account, waiting for another's
    approval (`approved_at` once given)."""

    id: int
    account_id: str
    requested_by: str
    requested_at: datetime
    reason: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class Attempt:
    """One login attempt as stored for lockout and TOTP replay protection."""

    at: datetime
    outcome: str  # ok | failed | locked | refused
    totp_step: int | None = None


@dataclass(frozen=True)
class Session:
    id: str
    account_id: str
    started_at: datetime
    last_seen: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token as stored: only its hash; spent once it has been exchanged for a new pair."""

    token_hash: str
    session_id: str
    issued_at: datetime
    spent_at: datetime | None = None
