"""The write path every HTTP service shares: authenticate, run the change in a savepoint, and audit a refusal.

A refused write (anonymous, out of scope, invalid) is rolled back to the savepoint, and the refusal itself is
written to the audit chain of the first node the process serves, then answered as the error's JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.audit.chain import AuditRecord, Outcome
from hrss.auth import Principal, Unauthenticated, acting_role
from hrss.contracts import PlatformError
from hrss.observability.web import error_response


def audit_refusal(
    unit: Any,
    request: Request,
    *,
    actor: str,
    role: str,
    kind: str,
    action: str,
    object_type: str,
    object_id: str,
    error: PlatformError,
    request_id: str | None,
) -> None:
    """One `refused` entry: who, what they tried, the error's code and the client address."""
    unit.audit(
        AuditRecord(
            actor=actor,
            actor_role=role,
            actor_kind=kind,
            action=action,
            object_type=object_type,
            object_id=object_id[:100],
            outcome=Outcome.REFUSED,
            request_id=request_id,
            detail={"code": error.code, "client": request.remote_addr or ""},
        ),
        node=unit.nodes[0],
    )


def audited_write(
    unit: Any,
    request: Request,
    authenticate: Callable[[Request], Principal],
    *,
    action: str,
    object_type: str,
    object_id: str,
    run: Callable[[Principal], Response],
    request_id: str | None,
) -> Response:
    """`run(principal)` inside a savepoint; an `Unauthenticated` or other `PlatformError` is audited and answered."""
    refused = functools.partial(
        audit_refusal, unit, request, action=action, object_type=object_type, object_id=object_id, request_id=request_id
    )
    try:
        principal = authenticate(request)
    except Unauthenticated as error:
        refused(actor="anonymous", role="none", kind="anonymous", error=error)
        return error_response(error)
    try:
        with unit.session.begin_nested():
            return run(principal)
    except PlatformError as error:
        refused(actor=principal.account_id, role=str(acting_role(principal)), kind=str(principal.kind), error=error)
        return error_response(error)
