"""The evidence service's refusals: a stable code for programs, a Chinese message for people, an HTTP status."""

from __future__ import annotations

from hrss.contracts import PlatformError


class Rejected(PlatformError):
    """An upload or request refused for its content (HTTP 400 unless a subclass says otherwise)."""

    def __init__(self, code: str, message: str, field: str = "<body>") -> None:
        super().__init__(code, message)
        self.field = field

    def to_dict(self) -> dict[str, object]:  # type: ignore[override]
        return {
            "code": self.code,
            "message": self.message,
            "errors": [{"field": self.field, "code": self.code, "message": self.message}],
        }


class TooLarge(Rejected):
    status = 413


class UnsupportedContent(Rejected):
    status = 415


class ChecksumMismatch(Rejected):
    status = 422


class NotFound(PlatformError):
    status = 404


class Conflict(PlatformError):
    status = 409


class AccessRefused(PlatformError):
    """A read or step refused by the archive rules (no grant, expired, out of scope, wrong approver): 403."""

    status = 403
