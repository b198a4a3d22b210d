"""Request bodies: pydantic models whose every refusal names the field, in Chinese, with a stable code."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from hrss.contracts import field_path
from hrss.contracts.errors import FieldError, InvalidRecord

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
MAX_BODY = 1_000_000  # bytes of JSON a write may carry; bulk data goes through imports


def _storable(value: str) -> str:
    """Refuses what PostgreSQL cannot store in a text column: NUL, and lone surrogates (not valid UTF-8)."""
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("含有不允许的字符")
    return value


Text = Annotated[str, AfterValidator(_storable)]


class Body(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


B = TypeVar("B", bound=Body)


def parse(model: type[B], raw: bytes, max_bytes: int = MAX_BODY) -> B:
    """The body as `model`, or `InvalidRecord` naming every field that is wrong."""
    if len(raw) > max_bytes:
        raise InvalidRecord(
            [FieldError("<body>", "request.too_large", f"请求体不能超过 {max_bytes} 字节，批量数据请用导入")]
        )
    try:
        return model.model_validate(json.loads(raw or b"{}"))
    except ValidationError as error:
        raise InvalidRecord(field_errors(error)) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidRecord([FieldError("<body>", "request.not_json", "请求体必须是 UTF-8 编码的 JSON 对象")]) from None


def field_errors(error: ValidationError) -> list[FieldError]:
    """Each of pydantic's errors as the field it names and what a person reads about it."""
    return [FieldError(field_path(e["loc"], "<body>"), "request.invalid", message_of(e)) for e in error.errors()]


def message_of(error: Any) -> str:
    """One pydantic error in Chinese, naming the field: missing, not accepted, or wrong."""
    field = field_path(error["loc"], "请求体")
    kind = error["type"]
    if kind == "missing":
        return f"{field} 不能为空"
    if kind == "extra_forbidden":
        return f"{field} 不是可接受的字段"
    return f"{field} 取值有误"


def only_fields(record: dict[str, Any], allowed: Collection[str], what: str) -> dict[str, Any]:
    """The record if every key is a field of `what`; unknown keys are refused, each named if it looks like a name.

    A key that is not an identifier (control characters, spaces, SQL-looking text) is not echoed back.
    """
    unknown = [k if _NAME.match(k) else "（无法显示的字段名）" for k in record if k not in allowed]
    if unknown:
        raise InvalidRecord(
            [FieldError(f"record.{k}", "record.unknown_field", f"{what}没有字段 {k}") for k in unknown[:20]]
        )
    return record
