"""A version of a registry record: the change that made it (who, from where, when it became known and was applied,
late or not), the current version as kept, and the payload of the event that announces it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.domain.entities import EntityState
from registry.domain.inspectors import InspectorState


class Source:
    MANUAL = "manual"
    IMPORT = "import"
    UPSTREAM = "upstream"

    ALL = frozenset({MANUAL, IMPORT, UPSTREAM})


@dataclass(frozen=True)
class Change:
    """Who made a version, when it became known and was applied, why, from where; `late` per the 5-day rule."""

    source: str
    changed_by: str
    known_at: datetime
    applied_at: datetime
    late: bool | None
    reason: str | None = None
    import_id: str | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reason": self.reason,
            "changed_by": self.changed_by,
            "known_at": self.known_at,
            "applied_at": self.applied_at,
            "late": self.late,
            "import_id": self.import_id,
        }


@dataclass(frozen=True)
class StoredEntity:
    """An entity's current version as the registry keeps it."""

    id: str
    version: int
    state: EntityState
    content_hash: str


@dataclass(frozen=True)
class StoredInspector:
    """An inspector's current version as the registry keeps it (personal data in clear)."""

    id: str
    version: int
    state: InspectorState
    content_hash: str


@dataclass(frozen=True)
class Interest:
    """One declaration (or withdrawal) of an inspector's interest in an entity (回避), as kept."""

    uscc: str
    action: str  # declare / withdraw
    reason: str
    at: datetime
    by: str

    def to_dict(self) -> dict[str, Any]:
        return {"uscc": self.uscc, "reason": self.reason, "declared_at": self.at.isoformat(), "declared_by": self.by}


@dataclass(frozen=True)
class StoredCheckItem:
    """A checklist item's current version as kept: where it is listed (node, number) and what it is now."""

    id: str
    node: str
    number: str
    version: int
    spec: dict[str, Any]  # CheckItemSpec.to_json()
    line: str | None
    qualifications: tuple[str, ...]
    status: str
    content_hash: str


def entity_payload(entity_id: str, version: int, state: EntityState, node: str, at: datetime) -> dict[str, Any]:
    """The `registry.entity_changed` payload, in JSON types (as `UnitOfWork.publish_many` takes it)."""
    return {
        "entity_id": entity_id,
        "version": version,
        **state.to_json(),
        "node": node,
        "changed_at": at.isoformat(),
    }


def inspector_payload(inspector_id: str, version: int, state: InspectorState, at: datetime) -> dict[str, Any]:
    """The `registry.inspector_changed` payload: no personal data."""
    data = state.to_json()
    data.pop("national_id")
    data.pop("phone")
    return {"inspector_id": inspector_id, "version": version, **data, "changed_at": at.isoformat()}
