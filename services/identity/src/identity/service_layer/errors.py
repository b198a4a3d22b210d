"""Errors of the identity service beyond those of hrss.auth: a stable code, a Chinese message, a status."""

from __future__ import annotations

from datetime import timedelta

from hrss.contracts import PlatformError


class NotFound(PlatformError):
    status = 404


class Conflict(PlatformError):
    status = 409


class BadRequest(PlatformError):
    status = 400


class TooManyAttempts(PlatformError):
    """The account is locked for a while; `retry_after` goes into the Retry-After header."""

    status = 429

    def __init__(self, code: str, message: str, retry_after: timedelta) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after
