"""nameko's `http` for endpoints that do not write, with identity errors answered as 401/403 JSON."""

from __future__ import annotations

from typing import Any

from nameko.web.handlers import HttpRequestHandler

from hrss.observability.web import PlatformErrorResponses, error_response


class AuthHttp(PlatformErrorResponses, HttpRequestHandler):
    """Read-only endpoints; writing ones use `hrss.db.http`, which answers the same way after committing."""


http: Any = AuthHttp.decorator

__all__ = ["AuthHttp", "error_response", "http"]
