"""The inspection service's refusals: stable codes for programs, Chinese messages for people."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import FieldError, InvalidRecord

__all__ = ["Conflict", "FieldError", "Invalid", "InvalidRecord", "NotFound"]


class Conflict(PlatformError):
    status = 409


class NotFound(PlatformError):
    status = 404


class Invalid(PlatformError):
    status = 400
