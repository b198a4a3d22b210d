"""The identity service's write path: the caller of a write, its refusals audited with the node they concern,
and the answers of the self-service endpoints whose use cases return their refusal (to commit its audit entry)
instead of raising it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.audit import AuditRecord, Outcome
from hrss.auth import Principal, Unauthenticated
from hrss.contracts import PlatformError
from hrss.observability.web import error_response
from hrss.web import HttpService, json_response
from identity.domain.errors import InvalidRequest, RetryLater
from identity.domain.ids import is_uuid
from identity.service_layer.accounts import admin_role
from identity.service_layer.context import Context


def failure(error: PlatformError) -> Response:
    """The error's JSON; a lockout or throttle also says when to try again (Retry-After, whole seconds, at least 1)."""
    response = error_response(error)
    if isinstance(error, RetryLater):
        response.headers["Retry-After"] = str(max(1, int(error.retry_after.total_seconds() + 0.999)))
    return response


def answer(result: Any, shown: Callable[[Any], object]) -> Response:
    """A self-service result as JSON, or the refusal the use case returned (already audited, to be committed)."""
    return failure(result) if isinstance(result, PlatformError) else json_response(shown(result))


class IdentityHttpService(HttpService):
    """hrss.web's service base with identity's write path (see `_write`) and the context of a request nobody
    is logged in for yet."""

    def _anonymous(self) -> Context:
        """The context of a request nobody is logged in for yet (login, refresh, enrolment)."""
        return Context(self.db, self.wiring.components, None, self.trace_id)

    def _caller(self, request: Request, action: str, object_id: str) -> Principal | Response:
        """The verified caller of a write; without a valid token, a 401 that is itself audited as refused."""
        try:
            return self.wiring.principal_from(request)
        except Unauthenticated as error:
            self._anonymous().audit(
                AuditRecord(
                    actor="anonymous",
                    actor_role="none",
                    actor_kind="anonymous",
                    action=action,
                    object_type=self.object_type,
                    object_id=object_id,
                    outcome=Outcome.REFUSED,
                    detail={"node": self.db.nodes[0], "code": error.code, "client": request.remote_addr or ""},
                )
            )
            return failure(error)

    def _write(
        self,
        request: Request,
        action: str,
        object_id: str,
        run: Callable[[Any], Any],
        object_type: str | None = None,
    ) -> Response:
        """hrss.web's write path with identity's refusals: `run(context)` as the caller in a savepoint, its result
        answered as JSON; a refusal is rolled back and audited as refused.

        It differs from `hrss.web.audited_write` on purpose: a refusal's entry names the node (the `/audit` view
        selects entries by `detail.node`) and the administrator role the caller acted in; and an account id in
        the path that is not a UUID is refused first, unaudited (it could not be stored: NUL), as
        `request.invalid` like every other malformed identity request."""
        if object_id != "-" and not is_uuid(object_id):
            return failure(InvalidRequest(fields="account_id（必须是 UUID）"))
        principal = self._caller(request, action, object_id)
        if isinstance(principal, Response):
            return principal
        ctx = self._context(principal)
        try:
            with self.db.session.begin_nested():
                result = run(ctx)
        except PlatformError as error:
            ctx.audit(
                AuditRecord(
                    actor=principal.account_id,
                    actor_role=admin_role(principal),
                    actor_kind=str(principal.kind),
                    action=action,
                    object_type=object_type or self.object_type,
                    object_id=object_id,
                    outcome=Outcome.REFUSED,
                    detail={"node": principal.node.code, "code": error.code},
                )
            )
            return failure(error)
        return result if isinstance(result, Response) else json_response(result)
