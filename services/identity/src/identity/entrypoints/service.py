"""The identity service: login, refresh, logout, enrolment, password change, account management and the audit
trail over HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.audit import AuditRecord, Outcome
from hrss.auth import Principal, Unauthenticated
from hrss.bus.consumer import Received, consume
from hrss.contracts import PlatformError
from hrss.contracts.events.registry import InspectorChanged
from hrss.db import Database, UnitOfWork
from hrss.observability import ObservedService
from hrss.observability.web import error_response
from hrss.web import read_http, write_http
from identity import views
from identity.adapters.orm import metadata
from identity.adapters.repository import SqlAlchemyAccountRepository
from identity.entrypoints import schemas
from identity.entrypoints.dependencies import Identity, IdentityComponents
from identity.entrypoints.openapi import OPENAPI
from identity.service_layer.accounts import admin_role
from identity.service_layer.commands import (
    ChangePassword,
    ChangeRoles,
    ConfirmEnrolment,
    CreateAccount,
    DisableAccount,
    Enrol,
    LinkInspector,
    LogIn,
    LogOut,
    RefreshSession,
    ResetEnrolment,
)
from identity.service_layer.context import Context
from identity.service_layer.errors import BadRequest, TooManyAttempts
from identity.service_layer.handlers import handle


def json_response(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def failure(error: PlatformError) -> Response:
    response = error_response(error)
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(max(1, int(error.retry_after.total_seconds() + 0.999)))
    return response


class IdentityService(ObservedService):
    name = "identity"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    identity: Identity = IdentityComponents()  # type: ignore[assignment]

    def _context(self) -> Context:
        request_id = self.trace_id  # the worker's trace id
        return Context(
            SqlAlchemyAccountRepository(self.db.session),
            self.identity.components,
            lambda record: self.db.audit(replace(record, request_id=request_id)),
            request_id,
        )

    def _caller(self, request: Request, action: str, object_id: str) -> Principal | Response:
        """The verified caller of a write; without a valid token, a 401 that is itself audited as refused."""
        try:
            return self.identity.principal_from(request)
        except Unauthenticated as error:
            self._context().audit(
                AuditRecord(
                    actor="anonymous",
                    actor_role="none",
                    actor_kind="anonymous",
                    action=action,
                    object_type="account",
                    object_id=object_id,
                    outcome=Outcome.REFUSED,
                    detail={"node": self.db.nodes[0], "code": error.code, "client": request.remote_addr or ""},
                )
            )
            return failure(error)

    def _write(self, request: Request, action: str, object_id: str, run: Callable[[Principal, Context], Any]) -> Any:
        """Run a change as the caller; a refusal is rolled back to a savepoint and audited as refused.

        An account id in the path that is not a UUID is refused first, unaudited: it could not be stored (NUL)."""
        if object_id != "-" and not is_uuid(object_id):
            return failure(BadRequest("request.invalid", "请求内容有误：account_id（必须是 UUID）"))
        principal = self._caller(request, action, object_id)
        if isinstance(principal, Response):
            return principal
        ctx = self._context()
        try:
            with self.db.session.begin_nested():
                return run(principal, ctx)
        except PlatformError as error:
            ctx.audit(
                AuditRecord(
                    actor=principal.account_id,
                    actor_role=admin_role(principal),
                    actor_kind=str(principal.kind),
                    action=action,
                    object_type="account",
                    object_id=object_id,
                    outcome=Outcome.REFUSED,
                    detail={"node": principal.node.code, "code": error.code},
                )
            )
            return failure(error)

    # -- the inspector registry, to check the link of an account to its inspector --------------

    @consume(InspectorChanged, batch=True)
    def apply_inspectors(self, events: list[Received]) -> None:
        changed: list[InspectorChanged] = [e.payload for e in events]  # type: ignore[misc]
        fields = ("version", "credential_no", "name", "node", "status")
        rows = [{"inspector_id": str(c.inspector_id), **{f: getattr(c, f) for f in fields}} for c in changed]
        SqlAlchemyAccountRepository(self.db.session).apply_inspectors(rows)

    # -- sessions ------------------------------------------------------------------------

    @write_http("POST", "/auth/login")
    def login(self, request: Request) -> Response:
        body = schemas.parse(schemas.LoginBody, request.get_data())
        command = LogIn(body.login, body.password, body.totp, client=request.remote_addr)
        result = handle(command, self._context(), home_node=self.db.nodes[0])
        return failure(result) if isinstance(result, PlatformError) else json_response(result.to_dict())

    @write_http("POST", "/auth/refresh")
    def refresh(self, request: Request) -> Response:
        body = schemas.parse(schemas.RefreshBody, request.get_data())
        result = handle(RefreshSession(body.refresh_token), self._context(), home_node=self.db.nodes[0])
        return failure(result) if isinstance(result, PlatformError) else json_response(result.to_dict())

    @write_http("POST", "/auth/logout")
    def logout(self, request: Request) -> Response:
        principal = self._caller(request, "session.logout", "-")
        if isinstance(principal, Response):
            return principal
        handle(LogOut(principal), self._context())
        return Response(status=204)

    @write_http("POST", "/auth/password")
    def change_password(self, request: Request) -> Response:
        principal = self._caller(request, "account.password", "-")
        if isinstance(principal, Response):
            return principal
        body = schemas.parse(schemas.ChangePasswordBody, request.get_data())
        command = ChangePassword(
            principal, body.current_password, body.new_password, body.totp, client=request.remote_addr
        )
        result = handle(command, self._context())
        return failure(result) if isinstance(result, PlatformError) else json_response({"sessions_ended": result})

    # -- enrolment -----------------------------------------------------------------------

    @write_http("POST", "/auth/enrol")
    def enrol(self, request: Request) -> Response:
        body = schemas.parse(schemas.EnrolBody, request.get_data())
        command = Enrol(body.login, body.enrolment_code, body.new_password, client=request.remote_addr)
        result = handle(command, self._context(), home_node=self.db.nodes[0])
        return failure(result) if isinstance(result, PlatformError) else json_response({"provisioning_uri": result})

    @write_http("POST", "/auth/enrol/confirm")
    def confirm_enrolment(self, request: Request) -> Response:
        body = schemas.parse(schemas.ConfirmEnrolmentBody, request.get_data())
        command = ConfirmEnrolment(body.login, body.enrolment_code, body.totp, client=request.remote_addr)
        result = handle(command, self._context(), home_node=self.db.nodes[0])
        return failure(result) if isinstance(result, PlatformError) else json_response(result.public())

    # -- accounts ------------------------------------------------------------------------

    @read_http("GET", "/accounts")
    def list_accounts(self, request: Request) -> Response:
        principal = self.identity.principal_from(request)
        return json_response({"accounts": views.accounts(self.db.session, principal, request.args.get("node"))})

    @write_http("POST", "/accounts")
    def create_account(self, request: Request) -> Response:
        def run(principal: Principal, ctx: Context) -> Response:
            body = schemas.parse(schemas.CreateAccountBody, request.get_data())
            command = CreateAccount(
                principal, body.login, body.name, body.node, tuple(body.roles), body.password, body.credential_no
            )
            account, enrolment = handle(command, ctx)
            return json_response({**account.public(), "enrolment": enrolment.to_dict()}, 201)

        return self._write(request, "account.create", "-", run)

    @write_http("POST", "/accounts/<account_id>/roles")
    def change_roles(self, request: Request, account_id: str) -> Response:
        def run(principal: Principal, ctx: Context) -> Response:
            body = schemas.parse(schemas.RolesBody, request.get_data())
            return json_response(
                handle(ChangeRoles(principal, account_id, tuple(body.roles), body.reason), ctx).public()
            )

        return self._write(request, "account.roles", account_id, run)

    @write_http("POST", "/accounts/<account_id>/inspector")
    def link_inspector(self, request: Request, account_id: str) -> Response:
        def run(principal: Principal, ctx: Context) -> Response:
            body = schemas.parse(schemas.InspectorLinkBody, request.get_data())
            command = LinkInspector(principal, account_id, body.credential_no, body.reason)
            return json_response(handle(command, ctx).public())

        return self._write(request, "account.inspector", account_id, run)

    @write_http("POST", "/accounts/<account_id>/disable")
    def disable_account(self, request: Request, account_id: str) -> Response:
        def run(principal: Principal, ctx: Context) -> Response:
            body = schemas.parse(schemas.DisableBody, request.get_data())
            return json_response(handle(DisableAccount(principal, account_id, body.reason), ctx).public())

        return self._write(request, "account.disable", account_id, run)

    @write_http("POST", "/accounts/<account_id>/enrolment")
    def reset_enrolment(self, request: Request, account_id: str) -> Response:
        def run(principal: Principal, ctx: Context) -> Response:
            body = schemas.parse(schemas.ResetEnrolmentBody, request.get_data())
            account, enrolment = handle(ResetEnrolment(principal, account_id, body.reason), ctx)
            return json_response({**account.public(), "enrolment": enrolment.to_dict()})

        return self._write(request, "account.enrolment_reset", account_id, run)

    # -- audit trail and description -----------------------------------------------------

    @read_http("GET", "/audit")
    def audit(self, request: Request) -> Response:
        principal = self.identity.principal_from(request)
        page = views.audit_entries(self.db.session, principal, request.args.get("node"), request.args.get("after_seq"))
        return json_response(page)

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
