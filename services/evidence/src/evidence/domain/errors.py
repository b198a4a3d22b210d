"""The evidence service's refusals: a stable code for programs, a Chinese message for people, an HTTP status."""

from __future__ import annotations

from hrss.contracts import PlatformError


class Rejected(PlatformError):
    """An upload or request refused for its content (HTTP 400 unless a subclass says otherwise), naming the field."""

    field: str = "<body>"

    def __init__(
        self, code: str | None = None, message: str | None = None, field: str | None = None, **values: object
    ) -> None:
        super().__init__(code, message, **values)
        if field is not None:
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


class BodyTooLarge(TooLarge):
    code = "evidence.too_large"
    template = "请求体超过允许的大小"
    field = "file"


class BodyIncomplete(Rejected):
    code = "request.body_incomplete"
    template = "请求体未完整收到，请重新上传"
    field = "file"


class StoredObjectCorrupt(PlatformError):
    status = 500  # our fault: the platform kept something it cannot vouch for
    code = "evidence.stored_object_corrupt"
    template = "存储的对象与登记的摘要不符，已记录，请联系档案管理员"
