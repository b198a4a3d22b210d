"""Field-level errors: what a person reads (Chinese, naming the field) and what a program reads (a code)."""

from __future__ import annotations

from dataclasses import dataclass

from hrss.contracts import PlatformError


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of one record."""

    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class InvalidRecord(PlatformError):
    """A record refused as a whole because of the field errors it lists (HTTP 400)."""

    status = 400

    def __init__(self, errors: list[FieldError]) -> None:
        fields = "、".join(dict.fromkeys(e.field for e in errors))
        super().__init__(errors[0].code if len(errors) == 1 else "record.invalid", f"数据有误，字段：{fields}")
        self.errors = errors
        self.message = "；".join(e.message for e in errors)

    def to_dict(self) -> dict[str, object]:  # type: ignore[override]
        return {"code": self.code, "message": self.message, "errors": [e.to_dict() for e in self.errors]}


class NotFound(PlatformError):
    status = 404


class Conflict(PlatformError):
    status = 409
