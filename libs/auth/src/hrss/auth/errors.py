"""Errors with a stable code for programs, a Chinese message for people and the HTTP status they map to."""

from __future__ import annotations

from hrss.contracts import PlatformError


class AuthError(PlatformError):
    """Base of every identity error: `code` is stable, `message` is shown to the user."""


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
