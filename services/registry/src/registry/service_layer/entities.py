"""Use cases of the entity registry: register an entity, record a change as a new version."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hrss.contracts.events.registry import EntityChanged
from registry.domain.entities import EntityState, parse_entity
from registry.domain.errors import EntityExists, EntityNotFound
from registry.domain.versions import Source, StoredEntity, entity_payload
from registry.service_layer.changes import REGISTRY_KEEPERS, make_change
from registry.service_layer.context import Context


@dataclass(frozen=True)
class Written:
    """The outcome of a write: the object's id, its current version, and whether a new version was made."""

    id: str
    version: int
    created: bool
    changed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "created": self.created, "changed": self.changed}


def register_entity(
    ctx: Context, raw: Mapping[str, Any], *, reason: str | None, known_at: datetime | None, source: str
) -> Written:
    """Add an entity to the registry (version 1); a USCC already registered is a conflict."""
    state = parse_entity(raw, ctx.components.regions)
    role = ctx.authorize(state.region_code, REGISTRY_KEEPERS)
    existing = ctx.repo.entity_id_by_uscc(state.uscc)
    if existing is not None:
        raise EntityExists(uscc=state.uscc, existing=existing)
    entity_id = str(uuid.uuid4())
    _write_version(ctx, entity_id, 1, state, reason=reason, known_at=known_at, source=source, role=role)
    return Written(entity_id, 1, created=True, changed=True)


def change_entity(
    ctx: Context,
    entity_id: str,
    values: Mapping[str, Any],
    *,
    reason: str | None,
    known_at: datetime | None,
    source: str,
) -> Written:
    """Record a change as version n+1; the same content again makes no version (the answer says so)."""
    row = ctx.repo.lock_entity(entity_id)
    if row is None:
        raise EntityNotFound(entity_id=entity_id)
    before = row.state
    ctx.authorize_found(before.region_code, REGISTRY_KEEPERS, EntityNotFound(entity_id=entity_id))
    state = before.changed(values, ctx.components.regions)
    role = ctx.authorize(state.region_code, REGISTRY_KEEPERS)  # moving an entity needs both regions
    if state.content_hash() == row.content_hash:
        return Written(entity_id, row.version, created=False, changed=False)
    _write_version(
        ctx, entity_id, row.version + 1, state, reason=reason, known_at=known_at, source=source, role=role, before=row
    )
    return Written(entity_id, row.version + 1, created=False, changed=True)


def record_upstream_change(
    ctx: Context, row: StoredEntity, state: EntityState, *, reason: str, known_at: datetime, role: str, event_id: str
) -> Written:
    """Version n+1 of the entity whose current row is `row` (locked by the caller), from another service's event;
    the caller decided it is a change."""
    version = row.version + 1
    _write_version(
        ctx,
        row.id,
        version,
        state,
        reason=reason,
        known_at=known_at,
        source=Source.UPSTREAM,
        role=role,
        before=row,
        event_id=event_id,
    )
    return Written(row.id, version, created=False, changed=True)


def _write_version(
    ctx: Context,
    entity_id: str,
    version: int,
    state: EntityState,
    *,
    reason: str | None,
    known_at: datetime | None,
    source: str,
    role: str,
    before: StoredEntity | None = None,
    event_id: str | None = None,
) -> None:
    change = make_change(ctx, reason=reason, known_at=known_at, source=source)
    digest = state.content_hash()
    node = ctx.producing_node(state.region_code)
    ctx.repo.add_entity_version(StoredEntity(entity_id, version, state, digest), change, first=before is None)
    ctx.uow.publish(
        EntityChanged.model_validate(entity_payload(entity_id, version, state, node, change.applied_at)),
        subject=entity_id,
        node=node,
    )
    ctx.audit(
        role=role,
        action="entity.register" if before is None else "entity.change",
        object_type="entity",
        object_id=entity_id,
        node=node,
        version=version,
        before_hash=before.content_hash if before is not None else None,
        after_hash=digest,
        reason=reason,
        event_id=event_id,
        detail={"uscc": state.uscc, "source": source, "late": str(change.late).lower()},
    )
