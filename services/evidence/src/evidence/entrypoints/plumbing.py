"""The write and audited-read paths of the evidence endpoints, and JSON answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from evidence.domain.errors import Rejected, TooLarge
from evidence.service_layer.access import Corrupt
from hrss.audit import AuditRecord, Outcome
from hrss.auth import Principal, Unauthenticated, acting_role
from hrss.contracts import PlatformError
from hrss.observability.web import error_response
from hrss.web import audited_write

log = logging.getLogger(__name__)


def json_response(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")


class StoredObjectCorrupt(PlatformError):
    status = 500  # our fault: the platform kept something it cannot vouch for


def _body_errors(run: Callable[[], Any]) -> Any:
    """Werkzeug's own body errors (a client that stops sending, a body over the limit) as our refusals."""
    try:
        return run()
    except HTTPException as error:
        if error.code == 413:
            raise TooLarge("evidence.too_large", "请求体超过允许的大小", "file") from None
        raise Rejected("request.body_incomplete", "请求体未完整收到，请重新上传", "file") from None
    except Corrupt as error:
        log.error("stored object corrupt: %s", error)
        raise StoredObjectCorrupt(
            "evidence.stored_object_corrupt", "存储的对象与登记的摘要不符，已记录，请联系档案管理员"
        ) from None


def write(
    unit: Any,
    request: Request,
    authenticate: Callable[[Request], Principal],
    request_id: str | None,
    *,
    action: str,
    object_type: str,
    object_id: str,
    run: Callable[[Principal], Any],
    status: int = 200,
) -> Response:
    """A change as the caller, in a savepoint; refusals are rolled back and audited (`hrss.web.refusals`)."""

    def answer(principal: Principal) -> Response:
        result = _body_errors(lambda: run(principal))
        return result if isinstance(result, Response) else json_response(result, status)

    return audited_write(
        unit,
        request,
        authenticate,
        action=action,
        object_type=object_type,
        object_id=object_id,
        run=answer,
        request_id=request_id,
    )


def audited_read(
    unit: Any,
    request: Request,
    authenticate: Callable[[Request], Principal],
    request_id: str | None,
    *,
    action: str,
    object_type: str,
    object_id: str,
    grant_id: str | None,
    run: Callable[[Principal], Any],
) -> Response:
    """A read of archive contents: the use case audits a success naming the grant; a refusal is audited here,
    naming the grant that was offered (if any) and the refusal's code."""
    principal: Principal | None = None
    try:
        principal = authenticate(request)
        with unit.session.begin_nested():
            result = _body_errors(lambda: run(principal))  # type: ignore[arg-type]
        return result if isinstance(result, Response) else json_response(result)
    except PlatformError as error:
        if error.status >= 500:
            return error_response(error)
        anonymous = isinstance(error, Unauthenticated) or principal is None
        unit.audit(
            AuditRecord(
                actor="anonymous" if anonymous else principal.account_id,  # type: ignore[union-attr]
                actor_role="none" if anonymous else str(acting_role(principal)),  # type: ignore[arg-type]
                actor_kind="anonymous" if anonymous else str(principal.kind),  # type: ignore[union-attr]
                action=action,
                object_type=object_type,
                object_id=object_id[:100],
                outcome=Outcome.REFUSED,
                approval_id=(grant_id or "")[:100] or None,
                request_id=request_id,
                detail={"code": error.code, "client": request.remote_addr or ""},
            ),
            node=unit.nodes[0],
        )
        return error_response(error)
