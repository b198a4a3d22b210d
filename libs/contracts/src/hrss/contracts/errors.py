"""The platform's errors for people and programs: a stable code, a Chinese message, the HTTP status."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SHOWABLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$")  # names and ids: no spaces, no control characters
UNSHOWABLE = "（无法显示的字段名）"


class PlatformError(Exception):
    """Base of every error shown at an edge; never carries a stack trace or SQL to the client.

    A typed error says its code and its Chinese message once, where it is defined, and is raised with the
    values its message names:

        class DrawVoided(Conflict):
            code = "draw.voided"
            template = "抽取 {draw_id} 已作废"

        raise DrawVoided(draw_id=key)

    `PlatformError(code, message)` still works for an error that is raised in one place only."""

    status = 400
    code: str = "platform.error"
    template: str = ""

    def __init__(self, code: str | None = None, message: str | None = None, **values: object) -> None:
        code = code or type(self).code
        message = message if message is not None else type(self).template.format(**values)
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.values = values

    def to_dict(self) -> dict[str, str]:
        """The JSON body an endpoint answers with."""
        return {"code": self.code, "message": self.message}


def field_path(loc: Iterable[object], empty: str) -> str:
    """A validation error's location as the dotted field name shown to the caller (`items.2.result`), or `empty`.

    A key the caller sent that is not an identifier (control characters, spaces, SQL-looking text) is not echoed
    back: it is shown as （无法显示的字段名）."""
    parts = [str(p) if isinstance(p, int) or _SHOWABLE.match(str(p)) else UNSHOWABLE for p in loc]
    return ".".join(parts) or empty


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


def invalid(field: str, code: str, message: str) -> InvalidRecord:
    """400 naming the one wrong field."""
    return InvalidRecord([FieldError(field, code, message)])


class NotFound(PlatformError):
    status = 404


class Conflict(PlatformError):
    status = 409
