"""The draw service: the read model from Kafka, and freeze, ceremony, draw, replacement, void and the records
over HTTP."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from draw import views
from draw.adapters.orm import metadata
from draw.bootstrap import bootstrap
from draw.entrypoints import schemas
from draw.entrypoints.openapi import OPENAPI
from draw.service_layer import commands, handlers
from draw.service_layer.components import Components
from draw.service_layer.context import Context
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, read_http, write_http


class DrawService(HttpService, AuditCheckpoints):
    name = "draw"
    context = Context
    object_type = "draw"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- read model -------------------------------------------------------------------------

    def _apply(self, events: list[Received]) -> None:
        handlers.handle_events(self._as_service(), [e.payload for e in events])

    @consume(TaskReadyForDraw, batch=True)
    def apply_ready_tasks(self, events: list[Received]) -> None:
        self._apply(events)

    @consume(EntityChanged, batch=True)
    def apply_entities(self, events: list[Received]) -> None:
        self._apply(events)

    @consume(InspectorChanged, batch=True)
    def apply_inspectors(self, events: list[Received]) -> None:
        self._apply(events)

    @consume(InterestsChanged, batch=True)
    def apply_interests(self, events: list[Received]) -> None:
        self._apply(events)

    @consume(CheckItemChanged, batch=True)
    def apply_check_items(self, events: list[Received]) -> None:
        self._apply(events)

    # -- steps ------------------------------------------------------------------------------

    @write_http("POST", "/draws")
    def freeze(self, request: Request) -> Response:
        def run(ctx: Context) -> Any:
            body = schemas.parse(schemas.FreezeBody, request.get_data())
            return handlers.handle(commands.Freeze(str(body.task_id), body.randomness_plan, body.batch_size), ctx)

        return self._write(request, "draw.freeze", "-", run)

    @write_http("POST", "/draws/<draw_id>/contributions")
    def contribute(self, request: Request, draw_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(draw_id, "draw_id")
            body = schemas.parse(schemas.ContributionBody, request.get_data())
            return handlers.handle(commands.Contribute(key, body.witness, body.value), ctx)

        return self._write(request, "draw.contribute", draw_id, run)

    @write_http("POST", "/draws/<draw_id>/draw")
    def run_draw(self, request: Request, draw_id: str) -> Response:
        return self._write(
            request,
            "draw.draw",
            draw_id,
            lambda ctx: handlers.handle(commands.RunDraw(check_id(draw_id, "draw_id")), ctx),
        )

    @write_http("POST", "/draws/<draw_id>/replacements")
    def replace(self, request: Request, draw_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(draw_id, "draw_id")
            body = schemas.parse(schemas.ReplacementBody, request.get_data())
            return handlers.handle(commands.ReplaceEntity(key, body.uscc, body.reason), ctx)

        return self._write(request, "draw.replace", draw_id, run)

    @write_http("POST", "/draws/<draw_id>/expansions")
    def expand(self, request: Request, draw_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(draw_id, "draw_id")
            body = schemas.parse(schemas.ExpansionBody, request.get_data())
            return handlers.handle(commands.Expand(key, body.ratios, body.reason), ctx)

        return self._write(request, "draw.expand", draw_id, run)

    @write_http("POST", "/draws/<draw_id>/team-replacements")
    def replace_member(self, request: Request, draw_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(draw_id, "draw_id")
            body = schemas.parse(schemas.MemberReplacementBody, request.get_data())
            command = commands.ReplaceMember(key, body.uscc, str(body.inspector_id), body.reason, body.approver)
            return handlers.handle(command, ctx)

        return self._write(request, "draw.replace_member", draw_id, run)

    @write_http("POST", "/draws/<draw_id>/void")
    def void(self, request: Request, draw_id: str) -> Response:
        def run(ctx: Context) -> Any:
            key = check_id(draw_id, "draw_id")
            body = schemas.parse(schemas.ReasonBody, request.get_data())
            return handlers.handle(commands.Void(key, body.reason), ctx)

        return self._write(request, "draw.void", draw_id, run)

    # -- records ----------------------------------------------------------------------------

    @read_http("GET", "/draws/<draw_id>")
    def get_draw(self, request: Request, draw_id: str) -> Response:
        return json_response(views.draw_summary(self._reader(request), draw_id))

    @read_http("GET", "/draws/<draw_id>/public")
    def get_public(self, request: Request, draw_id: str) -> Response:
        principal = self.wiring.principal_from(request) if request.headers.get("Authorization") else None
        ctx = self._context(principal) if principal is not None else Context(self.db, self.wiring.components, None)  # type: ignore[arg-type]
        return json_response(views.public(ctx, principal, draw_id))

    @read_http("GET", "/draws/<draw_id>/auditor")
    def get_auditor(self, request: Request, draw_id: str) -> Response:
        return json_response(views.auditor(self._reader(request), draw_id, request.args.get("frame")))

    @read_http("GET", "/draws/<draw_id>/auditor/frame.tsv")
    def get_frame_snapshot(self, request: Request, draw_id: str) -> Response:
        data = views.frame_snapshot(self._reader(request), draw_id)
        return Response(data, content_type="text/tab-separated-values; charset=utf-8")

    @read_http("GET", "/draws/<draw_id>/proofs/<uscc>")
    def get_proof(self, request: Request, draw_id: str, uscc: str) -> Response:
        return json_response(views.proof(self._reader(request), draw_id, uscc))

    @read_http("GET", "/tasks/<task_id>/draws")
    def get_task_draws(self, request: Request, task_id: str) -> Response:
        return json_response(views.of_task(self._reader(request), task_id))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
