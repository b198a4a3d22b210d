"""What every HTTP service shares: request bodies and their field errors, JSON answers and id checks, the read
and the committing write entrypoints, the audited write, and the service base with its component provider."""

from hrss.web.reads import ReadHttp
from hrss.web.reads import http as read_http
from hrss.web.refusals import audit_refusal, audited_write
from hrss.web.requests import MAX_BODY, Body, Text, field_errors, message_of, only_fields, parse
from hrss.web.responses import JSON, check_id, error_response, json_response
from hrss.web.service import ComponentProvider, HttpService, Wiring
from hrss.web.writes import TransactionalHttp
from hrss.web.writes import http as write_http

__all__ = [
    "JSON",
    "MAX_BODY",
    "Body",
    "ComponentProvider",
    "HttpService",
    "ReadHttp",
    "Text",
    "TransactionalHttp",
    "Wiring",
    "audit_refusal",
    "audited_write",
    "check_id",
    "error_response",
    "field_errors",
    "json_response",
    "message_of",
    "only_fields",
    "parse",
    "read_http",
    "write_http",
]
