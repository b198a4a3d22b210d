"""The publication service's staff endpoints (a token required): the publication deadlines of the caller's subtree
and the run that records the missed ones; corrections and withdrawals of public records by the node that published
them. A mixin of `PublicationService`, kept apart from the anonymous API."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from werkzeug.wrappers import Request, Response

from hrss.web import Body, Text, json_response, parse, read_http, write_http
from publication import views
from publication.domain.deadlines import STATES
from publication.domain.errors import invalid
from publication.service_layer import deadlines
from publication.service_layer.commands import CorrectRecord, RunDeadlines, WithdrawRecord
from publication.service_layer.context import Context
from publication.service_layer.handlers import handle


class CorrectionBody(Body):
    """New values of top-level fields of the record's content, and why."""

    fields: dict[str, Any] = Field(description="要更正的字段及其新值（与现行内容中的类型相同）")
    reason: Text = Field(min_length=1, max_length=500, description="更正理由")


class WithdrawalBody(Body):
    """Why the record is withdrawn."""

    reason: Text = Field(min_length=1, max_length=500, description="撤回理由")


def check_date(value: str | None, name: str) -> date | None:
    """A date (YYYY-MM-DD) from the query, or 400 naming it."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "request.invalid_date", f"{name} 应为日期（YYYY-MM-DD）") from None


def check_state(value: str | None) -> str | None:
    """A deadline state from the query, or 400 naming it."""
    if value is None or value == "":
        return None
    if value not in STATES:
        raise invalid("state", "request.invalid_state", "state 应为 due、late、met 或 met_late")
    return value


class StaffEndpoints:
    """Deadlines for staff: what is due and late in the caller's subtree; the run that records the missed ones."""

    _reader: Any
    _write: Any

    @read_http("GET", "/deadlines")
    def get_deadlines(self, request: Request) -> Response:
        ctx: Context = self._reader(request)
        on = check_date(request.args.get("on"), "on") or deadlines.today(ctx)
        node = views.check_node(request.args.get("node"))
        return json_response(deadlines.listing(ctx, on, node, check_state(request.args.get("state"))))

    @write_http("POST", "/records/<record_id>/corrections")
    def correct_record(self, request: Request, record_id: str) -> Response:
        def run(ctx: Context) -> Any:
            body = parse(CorrectionBody, request.get_data())
            return handle(CorrectRecord(views.check_uuid(record_id, "record_id"), body.fields, body.reason), ctx)

        return self._write(request, "publication.correct", record_id, run)

    @write_http("POST", "/records/<record_id>/withdrawal")
    def withdraw_record(self, request: Request, record_id: str) -> Response:
        def run(ctx: Context) -> Any:
            body = parse(WithdrawalBody, request.get_data())
            return handle(WithdrawRecord(views.check_uuid(record_id, "record_id"), body.reason), ctx)

        return self._write(request, "publication.withdraw", record_id, run)

    @write_http("POST", "/deadlines/run")
    def run_deadlines(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            return handle(RunDeadlines(check_date(request.args.get("on"), "on")), ctx)

        return self._write(request, "publication.deadlines", "-", run)
