"""The inspection service: assignments and team changes from the draw, visits, notices, results and their review,
the field API, follow-ups and deadlines over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import AssignmentDispatched, DrawVoided, TeamChanged
from hrss.contracts.events.planning import TaskResultsPublished
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, read_http, write_http
from hrss.web.daily import DailyJobs
from inspection import views
from inspection.adapters.orm import metadata
from inspection.bootstrap import bootstrap
from inspection.entrypoints import schemas
from inspection.entrypoints.openapi import OPENAPI
from inspection.service_layer import calendar, deadlines, follow_ups, handlers, settings
from inspection.service_layer.commands import (
    AddFollowUpStep,
    CloseVisit,
    DecideResult,
    IssueNotice,
    LoadCalendarYear,
    OpenFollowUp,
    PublishResult,
    PutNodeSettings,
    RunDeadlines,
    SubmitFieldBatch,
    SubmitResult,
)
from inspection.service_layer.components import Components
from inspection.service_layer.context import Context
from inspection.service_layer.handlers import handle


def pdf_response(data: bytes, name: str) -> Response:
    return Response(data, content_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


class InspectionService(HttpService, AuditCheckpoints, DailyJobs):
    name = "inspection"
    context = Context
    object_type = "inspection"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- from the draw and planning -----------------------------------------------------------

    @consume(AssignmentDispatched)
    def receive_assignment(self, event: Received) -> None:
        self._receive(event)

    @consume(TeamChanged)
    def receive_team_change(self, event: Received) -> None:
        self._receive(event)

    @consume(DrawVoided)
    def receive_void(self, event: Received) -> None:
        self._receive(event)

    @consume(TaskResultsPublished)
    def receive_published(self, event: Received) -> None:
        self._receive(event)

    def _receive(self, event: Received) -> None:
        handlers.handle_event(event.payload, str(event.envelope.event_id), self._as_service())

    def daily_jobs(self, ctx: Context, day: date) -> dict[str, Any]:
        """What the timer runs each day (hrss.web.daily): record overdue subjects, publish inspection.overdue."""
        return {"deadlines": handle(RunDeadlines(day), ctx)}

    # -- writes -----------------------------------------------------------------------------

    @write_http("POST", "/visits/<visit_id>/notices")
    def issue_notice(self, request: Request, visit_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(visit_id, "visit_id")
            b = schemas.parse(schemas.NoticeBody, request.get_data())
            return handle(IssueNotice(key, b.window_start, b.window_end, b.materials, b.contact), ctx)

        return self._write(request, "inspection.notice", visit_id, run)

    @write_http("POST", "/visits/<visit_id>/results")
    def submit_result(self, request: Request, visit_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(visit_id, "visit_id")
            body = schemas.parse(schemas.FormBody, request.get_data())
            return handle(SubmitResult(key, body.to_form()), ctx)

        return self._write(request, "inspection.submit", visit_id, run)

    @write_http("POST", "/field/batches")
    def submit_batch(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            body = schemas.parse(schemas.BatchBody, request.get_data())
            return handle(SubmitFieldBatch(body.entries, schemas.parse_entry), ctx)

        return self._write(request, "inspection.field_batch", "-", run)

    @write_http("POST", "/results/<result_id>/return")
    def return_result(self, request: Request, result_id: str) -> Response:
        return self._decide(request, result_id, approve=False)

    @write_http("POST", "/results/<result_id>/approve")
    def approve_result(self, request: Request, result_id: str) -> Response:
        return self._decide(request, result_id, approve=True)

    def _decide(self, request: Request, result_id: str, approve: bool) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(result_id, "result_id")
            body = schemas.parse(schemas.DecisionBody, request.get_data())
            return handle(DecideResult(key, body.version, approve, body.opinion), ctx)

        return self._write(request, "inspection.approve" if approve else "inspection.return", result_id, run)

    @write_http("POST", "/results/<result_id>/follow-ups")
    def open_follow_up(self, request: Request, result_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(result_id, "result_id")
            b = schemas.parse(schemas.FollowUpBody, request.get_data())
            return handle(OpenFollowUp(key, b.kind, b.ordered_on, b.due, b.target, b.note), ctx)

        return self._write(request, "inspection.follow_up", result_id, run)

    @write_http("POST", "/follow-ups/<follow_up_id>/steps")
    def add_step(self, request: Request, follow_up_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(follow_up_id, "follow_up_id")
            b = schemas.parse(schemas.StepBody, request.get_data())
            return handle(AddFollowUpStep(key, b.kind, b.on, b.passed, b.note), ctx)

        return self._write(request, "inspection.follow_up_step", follow_up_id, run)

    @write_http("POST", "/visits/<visit_id>/closure")
    def close_visit(self, request: Request, visit_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(visit_id, "visit_id")
            return handle(CloseVisit(key, schemas.parse(schemas.CloseBody, request.get_data()).reason), ctx)

        return self._write(request, "inspection.visit_close", visit_id, run)

    @write_http("POST", "/results/<result_id>/publication")
    def publish_result(self, request: Request, result_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(result_id, "result_id")
            body = schemas.parse(schemas.PublicationBody, request.get_data())
            return handle(PublishResult(key, body.public, body.withheld_reason), ctx)

        return self._write(request, "inspection.publish", result_id, run)

    @write_http("PUT", "/nodes/<node>/settings")
    def put_settings(self, request: Request, node: str) -> Response:
        def run(ctx: Context) -> Any:
            code = views.check_node(node) or node
            b = schemas.parse(schemas.NodeSettingsBody, request.get_data())
            return handle(PutNodeSettings(code, b.issuing_body, b.document_prefix, b.contact_phone), ctx)

        return self._write(request, "inspection.node_settings", node, run)

    @write_http("POST", "/calendar/years/<year>")
    def load_calendar_year(self, request: Request, year: str) -> Response:
        def run(ctx: Context) -> Any:
            number = views.check_year(year)
            b = schemas.parse(schemas.CalendarYearBody, request.get_data())
            return handle(LoadCalendarYear(number, b.holidays, b.workdays, b.source), ctx)

        return self._write(request, "inspection.calendar_load", year, run)

    @write_http("POST", "/deadlines/run")
    def run_deadlines(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            return handle(RunDeadlines(views.check_date(request.args.get("on"), "on")), ctx)

        return self._write(request, "inspection.deadlines", "-", run)

    # -- reads ------------------------------------------------------------------------------

    @read_http("GET", "/visits")
    def list_visits(self, request: Request) -> Response:
        mine = request.args.get("mine", "false").lower() in ("1", "true", "yes")
        return json_response(views.visit_list(self._reader(request), mine=mine))

    @read_http("GET", "/visits/<visit_id>")
    def get_visit(self, request: Request, visit_id: str) -> Response:
        return json_response(views.visit_detail(self._reader(request), visit_id))

    @read_http("GET", "/visits/<visit_id>/pre-check")
    def get_pre_check(self, request: Request, visit_id: str) -> Response:
        return json_response(views.pre_check(self._reader(request), visit_id))

    @read_http("GET", "/visits/<visit_id>/notices/<notice_id>.pdf")
    def get_notice_pdf(self, request: Request, visit_id: str, notice_id: str) -> Response:
        return pdf_response(views.notice_pdf(self._reader(request), visit_id, notice_id), f"notice-{notice_id}.pdf")

    @read_http("GET", "/results/<result_id>")
    def get_result(self, request: Request, result_id: str) -> Response:
        return json_response(views.result_detail(self._reader(request), result_id))

    @read_http("GET", "/results/<result_id>/versions/<version>/record.pdf")
    def get_record_pdf(self, request: Request, result_id: str, version: str) -> Response:
        return pdf_response(views.record_pdf(self._reader(request), result_id, version), f"record-{result_id}.pdf")

    @read_http("GET", "/nodes/<node>/settings")
    def get_settings(self, request: Request, node: str) -> Response:
        return json_response(settings.get(self._reader(request), views.check_node(node) or node))

    @read_http("GET", "/calendar/years")
    def get_calendar_years(self, request: Request) -> Response:
        return json_response(calendar.listing(self._reader(request)))

    @read_http("GET", "/follow-ups/rate")
    def get_follow_up_rate(self, request: Request) -> Response:
        return json_response(
            follow_ups.follow_up_rate(self._reader(request), views.check_node(request.args.get("node")))
        )

    @read_http("GET", "/deadlines")
    def get_deadlines(self, request: Request) -> Response:
        ctx = self._reader(request)
        on = views.check_date(request.args.get("on"), "on") or ctx.components.clock().date()
        return json_response(deadlines.listing(ctx, on, views.check_node(request.args.get("node"))))

    @read_http("GET", "/categories")
    def get_categories(self, request: Request) -> Response:
        return json_response(views.categories(self._reader(request)))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
