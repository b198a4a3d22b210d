"""The inspection service's refusals: stable codes for programs, Chinese messages for people."""

from __future__ import annotations

from registry.domain.errors import FieldError, InvalidRecord

from hrss.contracts import PlatformError

__all__ = ["Conflict", "FieldError", "Invalid", "InvalidRecord", "NotFound"]


class Conflict(PlatformError):
    status = 409


class NotFound(PlatformError):
    status = 404


class Invalid(PlatformError):
    status = 400
