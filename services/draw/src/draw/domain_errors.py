"""The draw service's refusals: stable codes for programs, Chinese messages for people."""

from __future__ import annotations

from hrss.contracts import PlatformError


class Conflict(PlatformError):
    status = 409


class NotFound(PlatformError):
    status = 404


class Invalid(PlatformError):
    status = 400
