"""HTTP answers for platform errors: their status and `{"code", "message"}`, never a stack trace."""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from hrss.contracts import PlatformError


def error_response(error: PlatformError) -> Response:
    """The JSON response for a platform error; a 401 also names the Bearer scheme (RFC 6750)."""
    headers = {}
    if error.status == 401:
        challenge = 'Bearer realm="hrss"'
        if error.code != "auth.token_missing":  # say why a presented token was refused, not when none was sent
            challenge += f', error="invalid_token", error_description="{error.code}"'
        headers["WWW-Authenticate"] = challenge
    return Response(
        json.dumps(error.to_dict(), ensure_ascii=False),
        status=error.status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


class PlatformErrorResponses:
    """Mixin for an HTTP entrypoint: a worker that raised a PlatformError answers with its status and JSON."""

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, PlatformError):
            return error_response(exc)
        return super().response_from_exception(exc)  # type: ignore[misc]
