"""The field API: inspectors' mobile clients send results in batches; each entry carries a client id.

Each entry runs in its own savepoint: it is accepted whole (its result version and its answer are stored) or
refused whole with its field errors. A client id already accepted answers with the stored answer, so a retried
batch never duplicates; the same client id with different content, or from another account, is refused.
A refused entry stores nothing, so the client may correct it and send it again under the same id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from hrss.audit import AuditRecord
from hrss.audit.chain import Outcome
from hrss.auth import acting_role
from hrss.contracts import PlatformError
from inspection.domain.errors import ClientIdReused
from inspection.domain.model import FieldSubmission
from inspection.service_layer import results
from inspection.service_layer.context import Context


def _digest(raw: Any) -> str:
    canonical = {k: v for k, v in raw.items() if k != "client_id"} if isinstance(raw, dict) else raw
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _refused(client_id: Any, error: PlatformError) -> dict[str, Any]:
    answer: dict[str, Any] = {"client_id": client_id, "status": "refused", **error.to_dict()}
    answer.setdefault("errors", [])
    return answer


EntryParser = Callable[[Any], Any]
"""The wire format's parser of one raw entry (client_id, visit_id, form), refusing it with its field errors."""


def submit_batch(ctx: Context, entries: list[Any], parse_entry: EntryParser) -> list[dict[str, Any]]:
    """One answer per entry, in order: accepted (with the result version) or refused (with its errors)."""
    return [submit_entry(ctx, raw, parse_entry) for raw in entries]


def submit_entry(ctx: Context, raw: Any, parse_entry: EntryParser) -> dict[str, Any]:
    """One entry in its own savepoint: accepted, answered again from the store, or refused and audited."""
    client_id = raw.get("client_id") if isinstance(raw, dict) else None
    repo = ctx.repo
    try:
        with repo.savepoint():
            entry = parse_entry(raw)
            repo.lock_client_id(entry.client_id)
            digest = _digest(entry.model_dump(mode="json"))
            stored = repo.field_submission(entry.client_id)
            if stored is not None:
                if stored.account_id != ctx.principal.account_id or stored.entry_sha256 != digest:
                    raise ClientIdReused()
                return dict(stored.answer)
            done = results.submit(ctx, str(entry.visit_id), entry.form.to_form(), client_id=entry.client_id)
            answer = {**done, "client_id": entry.client_id, "status": "accepted", "result_status": done["status"]}
            received = ctx.components.clock()
            repo.add_field_submission(
                FieldSubmission(entry.client_id, ctx.principal.account_id, digest, answer, received)
            )
            return answer
    except PlatformError as error:
        refused_id = client_id if isinstance(client_id, str) else None
        _audit_refusal(ctx, raw, refused_id, error)
        return _refused(refused_id, error)


def _audit_refusal(ctx: Context, raw: Any, client_id: str | None, error: PlatformError) -> None:
    """A refused entry leaves an audit entry (who, which visit, the code), though it writes nothing else."""
    visit_id = raw.get("visit_id") if isinstance(raw, dict) else None
    ctx.uow.audit(
        AuditRecord(
            actor=ctx.principal.account_id,
            actor_role=str(acting_role(ctx.principal)),
            actor_kind=str(ctx.principal.kind),
            action="inspection.field_entry",
            object_type="visit",
            object_id=str(visit_id)[:100] if visit_id else "-",
            outcome=Outcome.REFUSED,
            request_id=ctx.request_id,
            detail={"code": error.code, "client_id": (client_id or "")[:64]},
        ),
        node=ctx.uow.nodes[0],
    )
