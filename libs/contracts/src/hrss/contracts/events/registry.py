"""Registry state (一单两库) on compacted topics keyed by id: each event carries the whole current state.

A consumer keeps its own read model by applying, per key, the event with the highest `version`; compaction
keeps the latest event of every key, so a new consumer rebuilds the full state by reading from the start.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@event_contract("registry.entity_changed", 1, compacted=True)
class EntityChanged(_State):
    """An inspectable entity (检查对象) as of `version`; `node` is the registry node that keeps it."""

    entity_id: uuid.UUID
    version: int = Field(ge=1)
    uscc: str = Field(min_length=18, max_length=18)
    name: str
    object_type: str
    region_code: NodeCode
    industry: str | None
    address: str | None
    status: str
    tags: list[str]
    credit_grade: str | None
    complaint_count: int = Field(ge=0)
    serious_violation: bool
    last_inspected: date | None
    node: NodeCode
    changed_at: AwareDatetime


@event_contract("registry.inspector_changed", 1, compacted=True)
class InspectorChanged(_State):
    """An inspector (执法检查人员) or auxiliary expert as of `version`; personal data never travels."""

    inspector_id: uuid.UUID
    version: int = Field(ge=1)
    credential_no: str
    credential_expires: date
    name: str
    unit: str
    node: NodeCode
    line: str
    position: str | None
    qualifications: list[str]
    expertise: list[str]
    pool: str
    status: str
    station_region: NodeCode | None
    former_employers: list[str]
    changed_at: AwareDatetime


class Interest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    uscc: str = Field(min_length=18, max_length=18)
    reason: str


@event_contract("registry.interests_changed", 1, compacted=True)
class InterestsChanged(_State):
    """Every interest an inspector has declared and not withdrawn (回避), as of `revision`."""

    inspector_id: uuid.UUID
    revision: int = Field(ge=1)
    interests: list[Interest]
    node: NodeCode
    changed_at: AwareDatetime


@event_contract("registry.check_item_changed", 1, compacted=True)
class CheckItemChanged(_State):
    """A checklist item (抽查事项) as of `version`; `spec` is the item's canonical JSON. An inspector checks it when
    of its `line` (业务条线; none named: any line) and holding every one of its `qualifications` (资格)."""

    item_id: uuid.UUID
    version: int = Field(ge=1)
    node: NodeCode
    number: str
    line: str | None
    status: str
    spec: dict[str, Any]
    content_hash: str = Field(min_length=64, max_length=64)
    changed_at: AwareDatetime
    qualifications: list[str] = Field(default_factory=list)


__all__ = ["CheckItemChanged", "EntityChanged", "InspectorChanged", "InterestsChanged"]
