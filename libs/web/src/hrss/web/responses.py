"""JSON answers, and the id checks every path parameter goes through before it reaches a query."""

from __future__ import annotations

import json
import uuid

from werkzeug.wrappers import Response

from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.observability.web import error_response

JSON = "application/json; charset=utf-8"


def json_response(body: object, status: int = 200) -> Response:
    """`body` as UTF-8 JSON, Chinese left readable."""
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON)


def check_id(value: str, name: str) -> str:
    """A UUID from the path, canonical, else 400 `request.invalid_id` naming the parameter (never a database error)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidRecord([FieldError(name, "request.invalid_id", f"{name} 应为 UUID")]) from None


__all__ = ["JSON", "check_id", "error_response", "json_response"]
