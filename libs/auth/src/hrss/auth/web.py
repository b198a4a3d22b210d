"""HTTP answers for identity errors: 401 or 403 with `{"code", "message"}`, never a stack trace."""

from __future__ import annotations

import json
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from hrss.auth.errors import AuthError, Unauthenticated


def error_response(error: AuthError) -> Response:
    """The JSON response for an identity error, with its status (401, 403 or 400)."""
    headers = {}
    if isinstance(error, Unauthenticated):
        # RFC 6750: name the scheme; say why a presented token was refused (but not when none was sent)
        challenge = 'Bearer realm="hrss"'
        if error.code != "auth.token_missing":
            challenge += f', error="invalid_token", error_description="{error.code}"'
        headers["WWW-Authenticate"] = challenge
    return Response(
        json.dumps(error.to_dict(), ensure_ascii=False),
        status=error.status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


class AuthErrorResponses:
    """Mixin for an HTTP entrypoint: a worker that raised `AuthError` answers 401/403 JSON instead of 500."""

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, AuthError):
            return error_response(exc)
        return super().response_from_exception(exc)  # type: ignore[misc]


class AuthHttp(AuthErrorResponses, HttpRequestHandler):
    """nameko's `http` entrypoint with identity errors mapped to 401/403; for endpoints that do not write."""


http: Any = AuthHttp.decorator
