"""The HTTP edge every service shares: platform errors as their status and `{"code", "message"}` JSON, never a
stack trace or an exception's name; unknown paths and methods answered as JSON too; the usual security headers on
every answer, `Cache-Control: no-store` on every answer to a caller who sent credentials; request bodies bounded
per endpoint; and query strings kept out of the access log (a token in `?access_token=` must not land on disk)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from hrss.contracts import PlatformError, current_trace_id

log = logging.getLogger(__name__)

JSON = "application/json; charset=utf-8"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
READ_BODY_LIMIT = 64 * 1024  # a GET or other read carries no more than this
WRITE_BODY_LIMIT = 1_000_000  # a JSON write; an upload that streams and bounds its body itself says `streams=True`
_QUERY = re.compile(r'("[A-Z]+ [^ ?"]*)\?[^ "]*')
_HTTP_CODES = {404: ("request.not_found", "没有这个地址"), 405: ("request.method_not_allowed", "该地址不接受此方法")}


def error_response(error: PlatformError) -> Response:
    """The JSON response for a platform error; a 401 also names the Bearer scheme (RFC 6750)."""
    headers = {}
    if error.status == 401:
        challenge = 'Bearer realm="hrss"'
        if error.code != "auth.token_missing":  # say why a presented token was refused, not when none was sent
            challenge += f', error="invalid_token", error_description="{error.code}"'
        headers["WWW-Authenticate"] = challenge
    return Response(
        json.dumps(error.to_dict(), ensure_ascii=False), status=error.status, headers=headers, content_type=JSON
    )


def _json(status: int, code: str, message: str, headers: Any = None) -> Response:
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False)
    return Response(body, status=status, headers=headers, content_type=JSON)


class BodyTooLarge(PlatformError):
    status = 413
    code = "request.too_large"
    template = "请求体不能超过 {limit} 字节"


class LengthRequired(PlatformError):
    status = 411
    code = "request.length_required"
    template = "请求体须注明长度（Content-Length），不接受分块传输"


def internal_error(trace_id: str | None = None) -> Response:
    """What a caller sees of a fault of ours: a code and the trace id to quote, nothing of the exception."""
    trace = trace_id or current_trace_id.get() or "-"
    return _json(500, "server.error", f"服务内部错误，已记录；如需报告请提供追踪号 {trace}")


class PlatformErrorResponses:
    """Mixin for an HTTP entrypoint: a worker that raised a PlatformError answers with its status and JSON; any
    other exception is logged with its stack and answered as a bare 500 `server.error`."""

    def response_from_exception(self, exc: Exception) -> Response:
        if isinstance(exc, PlatformError):
            return error_response(exc)
        if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 500:
            return _json(exc.code, "request.invalid", "请求有误")
        log.error("unhandled error in an HTTP worker", exc_info=(type(exc), exc, exc.__traceback__))
        return internal_error(getattr(exc, "hrss_trace_id", None))


def redact_query(line: str) -> str:
    """An access-log line with its query string replaced: `"GET /draws?x=1 HTTP/1.1"` → `"GET /draws?… HTTP/1.1"`."""
    return _QUERY.sub(r"\1?…", line)


class _RedactingLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """The web server's log, with every request line's query string redacted."""

    def process(self, msg: Any, kwargs: Any) -> Any:
        return redact_query(str(msg)), kwargs


def _nul_field(environ: Any) -> str | None:
    """Where a NUL character (raw or percent-encoded) is: `path`, the query parameter's name, or None."""
    if "\x00" in str(environ.get("PATH_INFO", "")):
        return "path"
    for name, value in parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "") or "query"
    return None


def _nul_refusal(field: str) -> Response:
    message = f"{field}：含有空字符（NUL），无法处理" if field != "path" else "请求地址中含有空字符（NUL），无法处理"
    body = {"code": "request.nul_character", "message": message}
    errors = [{"field": field, "code": "request.nul_character", "message": message}]
    return Response(json.dumps({**body, "errors": errors}, ensure_ascii=False), status=400, content_type=JSON)


class _PlatformApp(WsgiApp):
    """nameko's WSGI app, with JSON for unknown paths and methods and the security headers on every answer."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            if (field := _nul_field(environ)) is not None:  # no id, name or filter holds one; PostgreSQL and the
                response = _nul_refusal(field)  # audit chain refuse them: refused before any endpoint runs
            else:
                provider, values = adapter.match()
                request.path_values = values  # type: ignore[attr-defined]
                response = provider.handle_request(request)
        except HTTPException as exc:
            code, message = _HTTP_CODES.get(exc.code or 400, ("request.invalid", "请求有误"))
            response = _json(exc.code or 400, code, message, headers=exc.get_headers(environ)[1:] or None)
        response.headers.update({k: v for k, v in SECURITY_HEADERS.items() if k not in response.headers})
        if "HTTP_AUTHORIZATION" in environ or "HTTP_COOKIE" in environ:
            response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)


class PlatformWebServer(WebServer):
    """nameko's web server with the platform's WSGI app and an access log without query strings."""

    def get_wsgi_app(self) -> Any:
        return _PlatformApp(self)

    def get_wsgi_server(self, sock: Any, wsgi_app: Any, protocol: Any = HttpOnlyProtocol, debug: bool = False) -> Any:
        server = super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
        server.log = _RedactingLog(logging.getLogger("nameko.web.server"), {})
        return server


class PlatformHttp(PlatformErrorResponses, HttpRequestHandler):
    """`@http(method, url, max_body=N)`: an endpoint on the platform's web server. A body over `max_body` bytes is
    refused with 413 `request.too_large` before it is read (default: 64 KiB for GET, HEAD, DELETE and OPTIONS, 1 MB
    for other methods), and a body without a length (chunked) with 411 `request.length_required`. An upload that
    streams its body and bounds it itself (evidence) says `streams=True`."""

    server = PlatformWebServer()

    def __init__(
        self, method: str, url: str, max_body: int | None = None, streams: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(method, url, **kwargs)
        reads = method.upper() in {"GET", "HEAD", "DELETE", "OPTIONS"}
        default = READ_BODY_LIMIT if reads else WRITE_BODY_LIMIT
        self.max_body: int | None = None if streams else (max_body if max_body is not None else default)

    def handle_request(self, request: Request) -> Response:
        limit = self.max_body
        if limit is not None and request.content_length is not None and request.content_length > limit:
            return error_response(BodyTooLarge(limit=limit))
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if limit is not None and request.content_length is None and chunked:
            # a limit needs a length to hold; werkzeug would hand the worker an empty body instead: say so
            return error_response(LengthRequired())
        return super().handle_request(request)  # type: ignore[no-any-return]

    def handle_result(self, event: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        if exc_info is not None:  # the worker's trace id, for the answer to quote (the worker's context is gone then)
            exc_info[1].hrss_trace_id = worker_ctx.data.get("trace_id")
        return super().handle_result(event, worker_ctx, result, exc_info)


http: Any = PlatformHttp.decorator
