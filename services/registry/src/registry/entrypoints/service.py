"""The registry service: the checklist, the entity registry and the inspector registry over HTTP; and the
entities' last inspection from the inspection service's approved results."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.inspection import VisitStatusChanged
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, read_http, write_http
from registry import views
from registry.adapters.orm import metadata
from registry.bootstrap import bootstrap
from registry.domain.entities import ENTITY_FIELDS
from registry.domain.inspectors import INSPECTOR_FIELDS
from registry.entrypoints import schemas
from registry.entrypoints.openapi import OPENAPI
from registry.service_layer import checklist, handlers
from registry.service_layer.commands import (
    AddCheckItem,
    ChangeEntity,
    ChangeInspector,
    DeclareInterest,
    RegisterEntity,
    RegisterInspector,
    ReviseCheckItem,
)
from registry.service_layer.components import Components
from registry.service_layer.context import Context


class RegistryService(HttpService, AuditCheckpoints):
    name = "registry"
    context = Context

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- from the inspection service -------------------------------------------------------

    @consume(VisitStatusChanged)
    def record_inspection(self, event: Received) -> None:
        handlers.handle_event(event.payload, self._as_service(), str(event.envelope.event_id))

    # -- entities --------------------------------------------------------------------------

    @read_http("GET", "/entities")
    def list_entities(self, request: Request) -> Response:
        regions = self.wiring.components.regions
        return json_response(views.entities(self.db.session, self._reader(request).principal, request.args, regions))

    @read_http("GET", "/entities/<entity_id>")
    def get_entity(self, request: Request, entity_id: str) -> Response:
        return json_response(views.entity(self.db.session, self._reader(request).principal, entity_id))

    @read_http("GET", "/entities/by-uscc/<uscc>")
    def get_entity_by_uscc(self, request: Request, uscc: str) -> Response:
        return json_response(views.entity_by_uscc(self.db.session, self._reader(request).principal, uscc))

    @read_http("GET", "/late-changes")
    def list_late_changes(self, request: Request) -> Response:
        regions = self.wiring.components.regions
        return json_response(
            views.late_changes(self.db.session, self._reader(request).principal, request.args, regions)
        )

    @write_http("POST", "/entities")
    def register_entity(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.RecordBody, request.get_data())
            record = schemas.only_fields(body.record, ENTITY_FIELDS, "检查对象")
            command = RegisterEntity(record, reason=body.reason, known_at=body.known_at, source=body.source)
            return json_response(handlers.handle(command, ctx).to_dict(), 201)

        return self._write(request, "entity.register", "-", run, "entity")

    @write_http("PATCH", "/entities/<entity_id>")
    def change_entity(self, request: Request, entity_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(entity_id, "entity_id")
            body = schemas.parse(schemas.RecordBody, request.get_data())
            record = schemas.only_fields(body.record, ENTITY_FIELDS, "检查对象")
            command = ChangeEntity(key, record, reason=body.reason, known_at=body.known_at, source=body.source)
            return json_response(handlers.handle(command, ctx).to_dict())

        return self._write(request, "entity.change", entity_id, run, "entity")

    # -- inspectors ------------------------------------------------------------------------

    @read_http("GET", "/inspectors")
    def list_inspectors(self, request: Request) -> Response:
        c = self.wiring.components
        return json_response(
            views.inspectors(self.db.session, self._reader(request).principal, request.args, c.regions, c.cipher)
        )

    @read_http("GET", "/inspectors/<inspector_id>")
    def get_inspector(self, request: Request, inspector_id: str) -> Response:
        cipher = self.wiring.components.cipher
        return json_response(views.inspector(self.db.session, self._reader(request).principal, inspector_id, cipher))

    @write_http("POST", "/inspectors")
    def register_inspector(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.RecordBody, request.get_data())
            record = schemas.only_fields(body.record, INSPECTOR_FIELDS, "检查人员")
            command = RegisterInspector(record, reason=body.reason, known_at=body.known_at, source=body.source)
            return json_response(handlers.handle(command, ctx).to_dict(), 201)

        return self._write(request, "inspector.register", "-", run, "inspector")

    @write_http("PATCH", "/inspectors/<inspector_id>")
    def change_inspector(self, request: Request, inspector_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(inspector_id, "inspector_id")
            body = schemas.parse(schemas.RecordBody, request.get_data())
            record = schemas.only_fields(body.record, INSPECTOR_FIELDS, "检查人员")
            command = ChangeInspector(key, record, reason=body.reason, known_at=body.known_at, source=body.source)
            return json_response(handlers.handle(command, ctx).to_dict())

        return self._write(request, "inspector.change", inspector_id, run, "inspector")

    @write_http("POST", "/inspectors/<inspector_id>/interests")
    def declare_interest(self, request: Request, inspector_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(inspector_id, "inspector_id")
            body = schemas.parse(schemas.InterestBody, request.get_data())
            return json_response(handlers.handle(DeclareInterest(key, body.uscc, body.reason), ctx), 201)

        return self._write(request, "interest.declare", inspector_id, run, "inspector")

    @write_http("POST", "/inspectors/<inspector_id>/interests/withdraw")
    def withdraw_interest(self, request: Request, inspector_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(inspector_id, "inspector_id")
            body = schemas.parse(schemas.InterestBody, request.get_data())
            return json_response(handlers.handle(DeclareInterest(key, body.uscc, body.reason, withdraw=True), ctx))

        return self._write(request, "interest.withdraw", inspector_id, run, "inspector")

    # -- checklist -------------------------------------------------------------------------

    @read_http("GET", "/checklist")
    def list_checklist(self, request: Request) -> Response:
        regions = self.wiring.components.regions
        return json_response(views.checklist(self.db.session, self._reader(request).principal, request.args, regions))

    @read_http("GET", "/checklist/<item_id>")
    def get_check_item(self, request: Request, item_id: str) -> Response:
        return json_response(views.check_item_detail(self.db.session, self._reader(request).principal, item_id))

    @read_http("GET", "/checklist/<item_id>/versions/<version>")
    def get_check_item_version(self, request: Request, item_id: str, version: str) -> Response:
        return json_response(
            views.check_item_detail(self.db.session, self._reader(request).principal, item_id, version)
        )

    @write_http("POST", "/checklist")
    def add_check_item(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.CheckItemBody, request.get_data())
            spec, line = checklist.parse_spec(body.spec), checklist.parse_line(body.line)
            required = checklist.parse_qualifications(body.qualifications)
            command = AddCheckItem(body.node, spec, line, body.reason, required)
            return json_response(handlers.handle(command, ctx).to_dict(), 201)

        return self._write(request, "check_item.add", "-", run, "check_item")

    @write_http("POST", "/checklist/<item_id>/revisions")
    def revise_check_item(self, request: Request, item_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(item_id, "item_id")
            body = schemas.parse(schemas.RevisionBody, request.get_data())
            spec = checklist.parse_spec(body.spec) if body.spec is not None else None
            given = body.model_fields_set
            line = checklist.parse_line(body.line) if "line" in given else checklist.KEEP
            required = (
                checklist.parse_qualifications(body.qualifications) if "qualifications" in given else checklist.KEEP
            )
            command = ReviseCheckItem(key, spec, body.reason, line=line, qualifications=required)
            return json_response(handlers.handle(command, ctx).to_dict())

        return self._write(request, "check_item.revise", item_id, run, "check_item")

    @write_http("POST", "/checklist/<item_id>/withdraw")
    def withdraw_check_item(self, request: Request, item_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(item_id, "item_id")
            body = schemas.parse(schemas.ReasonBody, request.get_data())
            views.check_item_detail(self.db.session, ctx.principal, key)  # not found unless readable
            command = ReviseCheckItem(key, None, body.reason, status=checklist.WITHDRAWN)
            return json_response(handlers.handle(command, ctx).to_dict())

        return self._write(request, "check_item.withdraw", item_id, run, "check_item")

    # -- regions, imports, description -----------------------------------------------------

    @read_http("GET", "/regions/<code>")
    def get_region(self, request: Request, code: str) -> Response:
        self._reader(request)  # 401 without a valid token
        return json_response(views.region(self.wiring.components.regions, code))

    @read_http("GET", "/imports/<import_id>")
    def get_import(self, request: Request, import_id: str) -> Response:
        return json_response(
            views.import_report(self.db.session, self._reader(request).principal, import_id, request.args)
        )

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
