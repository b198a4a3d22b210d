"""Errors with a stable code for programs, a Chinese message for people and the HTTP status they map to."""

from __future__ import annotations


class AuthError(Exception):
    """Base of every identity error: `code` is stable, `message` is shown to the user."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The JSON body an endpoint answers with."""
        return {"code": self.code, "message": self.message}


class Unauthenticated(AuthError):
    """No valid identity: missing, malformed, expired or untrusted credentials (HTTP 401)."""

    status = 401


class AccessDenied(AuthError):
    """A known identity asked for something outside its roles or scope (HTTP 403)."""

    status = 403


class InvalidRoles(AuthError):
    """A set of roles that cannot be held together or at that node (HTTP 400)."""


class WeakPassword(AuthError):
    """A password refused by the policy (HTTP 400)."""
