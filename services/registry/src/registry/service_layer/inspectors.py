"""Use cases of the inspector registry: register an inspector, record a change as a new version, declare or
withdraw an interest in an entity (回避)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.events.registry import InspectorChanged, InterestsChanged
from hrss.contracts.uscc import InvalidUscc, check_uscc
from registry.domain import fields
from registry.domain.errors import InspectorExists, InspectorNotFound, InterestExists, InterestNotDeclared
from registry.domain.inspectors import InspectorState, parse_inspector
from registry.domain.versions import Interest, StoredInspector, inspector_payload
from registry.service_layer.changes import REGISTRY_KEEPERS, make_change
from registry.service_layer.context import Context
from registry.service_layer.entities import Written


def register_inspector(
    ctx: Context, raw: Mapping[str, Any], *, reason: str | None, known_at: datetime | None, source: str
) -> Written:
    """Add an inspector (version 1); a credential number already registered is a conflict."""
    state = parse_inspector(raw, ctx.components.regions)
    role = ctx.authorize(state.node, REGISTRY_KEEPERS)
    existing = ctx.repo.inspector_id_by_credential(state.credential_no)
    if existing is not None:
        raise InspectorExists(credential_no=state.credential_no, existing=existing)
    inspector_id = str(uuid.uuid4())
    _write_version(ctx, inspector_id, 1, state, None, reason=reason, known_at=known_at, source=source, role=role)
    return Written(inspector_id, 1, created=True, changed=True)


def change_inspector(
    ctx: Context,
    inspector_id: str,
    values: Mapping[str, Any],
    *,
    reason: str | None,
    known_at: datetime | None,
    source: str,
) -> Written:
    """Record a change as version n+1 (status, credential renewal, transfer …); no change, no version."""
    row = _current(ctx, inspector_id)
    before = row.state
    ctx.authorize_found(before.node, REGISTRY_KEEPERS, InspectorNotFound(inspector_id=inspector_id))
    state = before.changed(values, ctx.components.regions)
    role = ctx.authorize(state.node, REGISTRY_KEEPERS)
    if state.content_hash() == row.content_hash:
        return Written(inspector_id, row.version, created=False, changed=False)
    _write_version(
        ctx, inspector_id, row.version + 1, state, row, reason=reason, known_at=known_at, source=source, role=role
    )
    return Written(inspector_id, row.version + 1, created=False, changed=True)


def _current(ctx: Context, inspector_id: str) -> StoredInspector:
    """The inspector's current version, locked; `InspectorNotFound` if there is none."""
    row = ctx.repo.lock_inspector(inspector_id)
    if row is None:
        raise InspectorNotFound(inspector_id=inspector_id)
    return row


def _write_version(
    ctx: Context,
    inspector_id: str,
    version: int,
    state: InspectorState,
    before: StoredInspector | None,
    *,
    reason: str | None,
    known_at: datetime | None,
    source: str,
    role: str,
) -> None:
    change = make_change(ctx, reason=reason, known_at=known_at, source=source)
    digest = state.content_hash()
    node = ctx.producing_node(state.node)
    ctx.repo.add_inspector_version(StoredInspector(inspector_id, version, state, digest), change, first=before is None)
    ctx.uow.publish(
        InspectorChanged.model_validate(inspector_payload(inspector_id, version, state, change.applied_at)),
        subject=inspector_id,
        node=node,
    )
    ctx.audit(
        role=role,
        action="inspector.register" if before is None else "inspector.change",
        object_type="inspector",
        object_id=inspector_id,
        node=node,
        version=version,
        before_hash=before.content_hash if before is not None else None,
        after_hash=digest,
        reason=reason,
        detail={"credential_no": state.credential_no, "source": source, "late": str(change.late).lower()},
    )


# -- declared interests (回避) -------------------------------------------------------------


def declare_interest(ctx: Context, inspector_id: str, uscc: Any, reason: Any, *, withdraw: bool = False) -> dict:
    """Declare (or withdraw) an interest of an inspector in an entity; the reason is required either way."""
    row = _current(ctx, inspector_id)  # locked: serialises declarations of one inspector
    role = ctx.authorize_found(row.state.node, REGISTRY_KEEPERS, InspectorNotFound(inspector_id=inspector_id))
    errors = []
    try:
        code = check_uscc(str(uscc or ""))
    except InvalidUscc as bad:
        errors.append(FieldError("uscc", f"uscc.{bad.reason}", str(bad)))
    try:
        why = fields.text(reason, "回避事由", max_length=500)
    except fields.BadField as bad:
        errors.append(FieldError("reason", bad.code, bad.message))
    if errors:
        raise InvalidRecord(errors)
    declared = {i.uscc for i in ctx.repo.interests(inspector_id)}
    if withdraw and code not in declared:
        raise InterestNotDeclared(uscc=code)
    if not withdraw and code in declared:
        raise InterestExists(uscc=code)
    now = ctx.components.clock()
    action = "withdraw" if withdraw else "declare"
    ctx.repo.add_interest(inspector_id, Interest(code, action, why, now, ctx.principal.account_id))
    interests = [i.to_dict() for i in ctx.repo.interests(inspector_id)]
    revision = ctx.repo.interest_revision(inspector_id)
    node = ctx.producing_node(row.state.node)
    ctx.uow.publish(
        InterestsChanged.model_validate(
            {
                "inspector_id": inspector_id,
                "revision": revision,
                "interests": [{"uscc": i["uscc"], "reason": i["reason"]} for i in interests],
                "node": node,
                "changed_at": now.isoformat(),
            }
        ),
        subject=inspector_id,
        node=node,
    )
    ctx.audit(
        role=role,
        action=f"interest.{action}",
        object_type="inspector",
        object_id=inspector_id,
        node=node,
        reason=why,
        detail={"uscc": code},
    )
    return {"inspector_id": inspector_id, "revision": revision, "interests": interests}
