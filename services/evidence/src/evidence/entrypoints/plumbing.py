"""What the evidence endpoints add to `hrss.web`'s write path: the request body's own errors and a corrupt
stored object as refusals, and the audited read of archive contents (which names the grant it was offered)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from evidence.domain.errors import BodyIncomplete, BodyTooLarge, StoredObjectCorrupt
from evidence.service_layer.reads import Corrupt
from hrss.audit import AuditRecord, Outcome
from hrss.auth import Principal, Unauthenticated, acting_role
from hrss.contracts import PlatformError
from hrss.web import error_response, json_response

log = logging.getLogger(__name__)


def body_errors(run: Callable[[], Any]) -> Any:
    """Werkzeug's own body errors (a client that stops sending, a body over the limit) as our refusals, and a
    stored object that does not match its digest as our fault (500), logged."""
    try:
        return run()
    except HTTPException as error:
        if error.code == 413:
            raise BodyTooLarge() from None
        raise BodyIncomplete() from None
    except Corrupt as error:
        log.error("stored object corrupt: %s", error)
        raise StoredObjectCorrupt() from None


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
            result = body_errors(lambda: run(principal))  # type: ignore[arg-type]
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
