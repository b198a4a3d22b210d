"""The identity service: login, refresh, logout, enrolment, password change, account management and the audit
trail over HTTP; each endpoint parses its body, builds a command and hands it to `handle`."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from hrss.auth.dependency import service_identity_from_config
from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.registry import InspectorChanged
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, Wiring, json_response, read_http, write_http
from identity import views
from identity.adapters.orm import metadata
from identity.bootstrap import bootstrap
from identity.entrypoints import schemas
from identity.entrypoints.openapi import OPENAPI
from identity.entrypoints.writes import IdentityHttpService, answer
from identity.service_layer.commands import (
    ApproveEnrolmentReset,
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
    UnlockAccount,
)
from identity.service_layer.components import Components
from identity.service_layer.context import Context
from identity.service_layer.handlers import handle, handle_events


class IdentityComponents(ComponentProvider[Components]):
    """hrss.web's component provider, except that tokens are verified with the identity service's own keys:
    the public half of the key it signs with and the older keys of a rotation (`Components.verifier`), which the
    shared provider's `verifier_from_config` (public keys only) does not know."""

    def setup(self) -> None:
        config = self.container.config
        self.components = self.build(config)
        self.verifier = self.components.verifier
        self.identity = service_identity_from_config(config, self.container.service_name)


class IdentityService(IdentityHttpService, AuditCheckpoints):
    name = "identity"
    context = Context
    object_type = "account"

    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = IdentityComponents(bootstrap)  # type: ignore[assignment]

    # -- the inspector registry, to check the link of an account to its inspector --------------

    @consume(InspectorChanged, batch=True)
    def apply_inspectors(self, events: list[Received]) -> None:
        handle_events([e.payload for e in events], self._anonymous())

    # -- sessions ------------------------------------------------------------------------

    @write_http("POST", "/auth/login")
    def login(self, request: Request) -> Response:
        body = schemas.parse(schemas.LoginBody, request.get_data())
        command = LogIn(body.login, body.password, body.totp, client=request.remote_addr)
        return answer(handle(command, self._anonymous()), lambda tokens: tokens.to_dict())

    @write_http("POST", "/auth/refresh")
    def refresh(self, request: Request) -> Response:
        body = schemas.parse(schemas.RefreshBody, request.get_data())
        return answer(handle(RefreshSession(body.refresh_token), self._anonymous()), lambda tokens: tokens.to_dict())

    @write_http("POST", "/auth/logout")
    def logout(self, request: Request) -> Response:
        principal = self._caller(request, "session.logout", "-")
        if isinstance(principal, Response):
            return principal
        handle(LogOut(principal), self._context(principal))
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
        return answer(handle(command, self._context(principal)), lambda ended: {"sessions_ended": ended})

    # -- enrolment -----------------------------------------------------------------------

    @write_http("POST", "/auth/enrol")
    def enrol(self, request: Request) -> Response:
        body = schemas.parse(schemas.EnrolBody, request.get_data())
        command = Enrol(body.login, body.enrolment_code, body.new_password, client=request.remote_addr)
        return answer(handle(command, self._anonymous()), lambda uri: {"provisioning_uri": uri})

    @write_http("POST", "/auth/enrol/confirm")
    def confirm_enrolment(self, request: Request) -> Response:
        body = schemas.parse(schemas.ConfirmEnrolmentBody, request.get_data())
        command = ConfirmEnrolment(body.login, body.enrolment_code, body.totp, client=request.remote_addr)
        return answer(handle(command, self._anonymous()), lambda account: account.public())

    # -- accounts ------------------------------------------------------------------------

    @read_http("GET", "/accounts")
    def list_accounts(self, request: Request) -> Response:
        return json_response({"accounts": views.accounts(self._reader(request), request.args.get("node"))})

    @write_http("POST", "/accounts")
    def create_account(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.CreateAccountBody, request.get_data())
            command = CreateAccount(
                ctx.caller,
                body.login,
                body.name,
                body.node,
                tuple(body.roles),
                body.password,
                body.credential_no,
                body.email,
                body.mobile,
            )
            account, enrolment = handle(command, ctx)
            return json_response({**account.public(), "enrolment": enrolment.to_dict()}, 201)

        return self._write(request, "account.create", "-", run)

    @write_http("POST", "/accounts/<account_id>/roles")
    def change_roles(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> dict[str, object]:
            body = schemas.parse(schemas.RolesBody, request.get_data())
            return handle(ChangeRoles(ctx.caller, account_id, tuple(body.roles), body.reason), ctx).public()

        return self._write(request, "account.roles", account_id, run)

    @write_http("POST", "/accounts/<account_id>/inspector")
    def link_inspector(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> dict[str, object]:
            body = schemas.parse(schemas.InspectorLinkBody, request.get_data())
            return handle(LinkInspector(ctx.caller, account_id, body.credential_no, body.reason), ctx).public()

        return self._write(request, "account.inspector", account_id, run)

    @write_http("POST", "/accounts/<account_id>/disable")
    def disable_account(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> dict[str, object]:
            body = schemas.parse(schemas.DisableBody, request.get_data())
            return handle(DisableAccount(ctx.caller, account_id, body.reason), ctx).public()

        return self._write(request, "account.disable", account_id, run)

    @write_http("POST", "/accounts/<account_id>/enrolment")
    def reset_enrolment(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.ResetEnrolmentBody, request.get_data())
            account, enrolment = handle(ResetEnrolment(ctx.caller, account_id, body.reason), ctx)
            if enrolment is None:  # an administrator's account: waits for a second administrator's approval
                return json_response({**account.public(), "enrolment": None, "approval_required": True}, 202)
            return json_response({**account.public(), "enrolment": enrolment.to_dict()})

        return self._write(request, "account.enrolment_reset", account_id, run)

    @write_http("POST", "/accounts/<account_id>/enrolment/approve")
    def approve_enrolment_reset(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> dict[str, object]:
            body = schemas.parse(schemas.ResetEnrolmentBody, request.get_data())
            account, enrolment = handle(ApproveEnrolmentReset(ctx.caller, account_id, body.reason), ctx)
            return {**account.public(), "enrolment": enrolment.to_dict()}

        return self._write(request, "account.enrolment_reset", account_id, run)

    @write_http("POST", "/accounts/<account_id>/unlock")
    def unlock_account(self, request: Request, account_id: str) -> Response:
        def run(ctx: Context) -> dict[str, object]:
            body = schemas.parse(schemas.UnlockBody, request.get_data())
            return handle(UnlockAccount(ctx.caller, account_id, body.reason), ctx).public()

        return self._write(request, "account.unlock", account_id, run)

    # -- audit trail and description -----------------------------------------------------

    @read_http("GET", "/audit")
    def audit(self, request: Request) -> Response:
        ctx = self._reader(request)
        return json_response(views.audit_entries(ctx, request.args.get("node"), request.args.get("after_seq")))

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
