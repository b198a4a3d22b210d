"""The reporting service: the events of planning, draw, inspection and publication kept as facts (consumed exactly
once), the KPIs of 003 with their records, and the monthly report in 003's form (JSON and XLSX), entered, submitted
upward and kept in versions, over HTTP."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import DrawCommitted, DrawCompleted
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened, ResultApproved
from hrss.contracts.events.planning import TaskCancelled, TaskCompleted, TaskPublished
from hrss.contracts.events.publication import DeadlineMissed, ResultConfirmed
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, json_response, parse, read_http, write_http
from reporting.adapters import pdf, xlsx
from reporting.adapters.orm import metadata
from reporting.bootstrap import bootstrap
from reporting.domain.facts import china_date
from reporting.entrypoints import params
from reporting.entrypoints.openapi import OPENAPI
from reporting.entrypoints.schemas import EntriesBody, SubmitBody
from reporting.service_layer import reporting
from reporting.service_layer.components import Components
from reporting.service_layer.context import Context
from reporting.service_layer.projecting import project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportingService(HttpService, AuditCheckpoints):
    name = "reporting"
    context = Context
    object_type = "report"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- facts, from the events of the other services --------------------------------------------

    @consume(TaskPublished)
    def receive_task_published(self, event: Received) -> None:
        self._keep(event)

    @consume(TaskCompleted)
    def receive_task_completed(self, event: Received) -> None:
        self._keep(event)

    @consume(TaskCancelled)
    def receive_task_cancelled(self, event: Received) -> None:
        self._keep(event)

    @consume(DrawCommitted)
    def receive_draw_committed(self, event: Received) -> None:
        self._keep(event)

    @consume(DrawCompleted)
    def receive_draw_completed(self, event: Received) -> None:
        self._keep(event)

    @consume(ResultApproved)
    def receive_result_approved(self, event: Received) -> None:
        self._keep(event)

    @consume(ResultConfirmed)
    def receive_result_confirmed(self, event: Received) -> None:
        self._keep(event)

    @consume(FollowUpOpened)
    def receive_follow_up_opened(self, event: Received) -> None:
        self._keep(event)

    @consume(FollowUpClosed)
    def receive_follow_up_closed(self, event: Received) -> None:
        self._keep(event)

    @consume(DeadlineMissed)
    def receive_deadline_missed(self, event: Received) -> None:
        self._keep(event)

    def _keep(self, event: Received) -> None:
        project(self._as_service().repo, event.payload)

    # -- KPIs ------------------------------------------------------------------------------------

    def _args(self, request: Request) -> tuple[Context, str, Any]:
        ctx = self._reader(request)
        node = params.node(request.args.get("node"), ctx.principal.node)
        return ctx, node, params.period(request.args, china_date(ctx.components.clock()))

    @read_http("GET", "/kpis")
    def get_kpis(self, request: Request) -> Response:
        ctx, node, period = self._args(request)
        return json_response(reporting.kpi_summaries(ctx, node, period))

    @read_http("GET", "/kpis/below-target")
    def get_below_target(self, request: Request) -> Response:
        ctx, node, period = self._args(request)
        return json_response(reporting.nodes_below_target(ctx, node, period))

    @read_http("GET", "/kpis/<kpi>/records")
    def get_kpi_records(self, request: Request, kpi: str) -> Response:
        ctx, node, period = self._args(request)
        return json_response(reporting.kpi_records(ctx, kpi, node, period, params.only(request.args.get("only"))))

    # -- the monthly report ----------------------------------------------------------------------

    @read_http("GET", "/reports/<node>/<month>")
    def get_report(self, request: Request, node: str, month: str) -> Response:
        ctx, code, (year, number) = self._reader(request), params.node(node, ""), params.month(month)
        return json_response(reporting.draft(ctx, code, year, number).as_json())

    @read_http("GET", "/reports/<node>/<month>/report.xlsx")
    def get_report_xlsx(self, request: Request, node: str, month: str) -> Response:
        ctx, code, (year, number) = self._reader(request), params.node(node, ""), params.month(month)
        version = params.version(request.args.get("version"))
        if version is None:
            report = reporting.draft(ctx, code, year, number).as_json()
        else:
            report = reporting.submitted(ctx, code, year, number, version)["report"]
        return _file(xlsx.render(report), XLSX, f"{code}-{month}" + (f"-v{version}" if version else "") + ".xlsx")

    @read_http("GET", "/reports/<node>/<month>/report.pdf")
    def get_report_pdf(self, request: Request, node: str, month: str) -> Response:
        ctx, code, (year, number) = self._reader(request), params.node(node, ""), params.month(month)
        version = params.version(request.args.get("version"))
        if version is None:
            report = reporting.draft(ctx, code, year, number).as_json()
        else:
            report = reporting.submitted(ctx, code, year, number, version)["report"]
        return _file(
            pdf.render(report), "application/pdf", f"{code}-{month}" + (f"-v{version}" if version else "") + ".pdf"
        )

    @write_http("PUT", "/reports/<node>/<month>/entries")
    def put_entries(self, request: Request, node: str, month: str) -> Response:
        def run(ctx: Context) -> object:
            code, (year, number) = params.node(node, ""), params.month(month)
            body = parse(EntriesBody, request.get_data())
            return reporting.enter(ctx, code, year, number, body.entries())

        return self._write(request, "report.enter", f"{node[:6]}:{month[:7]}", run)

    @write_http("POST", "/reports/<node>/<month>/submit")
    def submit(self, request: Request, node: str, month: str) -> Response:
        def run(ctx: Context) -> object:
            code, (year, number) = params.node(node, ""), params.month(month)
            body = parse(SubmitBody, request.get_data())
            return reporting.submit(ctx, code, year, number, body.reason)

        return self._write(request, "report.submit", f"{node[:6]}:{month[:7]}", run)

    @read_http("GET", "/reports/<node>/<month>/versions")
    def get_versions(self, request: Request, node: str, month: str) -> Response:
        ctx, code, (year, number) = self._reader(request), params.node(node, ""), params.month(month)
        return json_response(reporting.versions(ctx, code, year, number))

    @read_http("GET", "/reports/<node>/<month>/versions/<version>")
    def get_version(self, request: Request, node: str, month: str, version: str) -> Response:
        ctx, code, (year, number) = self._reader(request), params.node(node, ""), params.month(month)
        return json_response(reporting.submitted(ctx, code, year, number, params.version(version)))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)


def _file(content: bytes, kind: str, name: str) -> Response:
    response = Response(content, content_type=kind)
    response.headers["Content-Disposition"] = f'attachment; filename="monthly-report-{name}"'
    return response
