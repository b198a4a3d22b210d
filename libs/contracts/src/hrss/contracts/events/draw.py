"""The draw service's events: a draw committed before any randomness, completed with its seed, voided; and each
drawn entity dispatched to the node with territorial jurisdiction (addressed: one topic per node)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Roots(_Part):
    task_hash: str = Field(min_length=64, max_length=64)
    frame_root: str = Field(min_length=64, max_length=64)
    roster_root: str = Field(min_length=64, max_length=64)
    recusal_root: str = Field(min_length=64, max_length=64)


@event_contract("draw.draw_committed", 1)
class DrawCommitted(_Part):
    """The frame, roster and recusal list are frozen and committed; no randomness exists yet (T0)."""

    draw_id: uuid.UUID
    task_ids: list[uuid.UUID] = Field(min_length=1)
    node: NodeCode
    algorithm: str
    profile: str
    commitments: Roots
    frame_size: int = Field(ge=0)
    eligible: int = Field(ge=0)
    randomness_plan: str
    committed_at: AwareDatetime


@event_contract("draw.draw_completed", 1)
class DrawCompleted(_Part):
    """The seed is fixed and the entities are drawn; the public record is at the draw service."""

    draw_id: uuid.UUID
    task_ids: list[uuid.UUID] = Field(min_length=1)
    node: NodeCode
    seed: str = Field(min_length=64, max_length=64)
    picks: int = Field(ge=0)
    dispatched: dict[NodeCode, int]
    completed_at: AwareDatetime


@event_contract("draw.draw_voided", 1)
class DrawVoided(_Part):
    """The draw was voided with a reason; a new draw needs a new freeze."""

    draw_id: uuid.UUID
    task_ids: list[uuid.UUID] = Field(min_length=1)
    node: NodeCode
    reason: str = Field(min_length=1)
    voided_at: AwareDatetime


class TeamMember(_Part):
    inspector_id: uuid.UUID
    credential_no: str
    name: str = ""


class ItemPart(_Part):
    """A checklist item at the version the task uses, as the inspecting node needs it on the notice and the record
    form: `content` its inspection points (检查内容/检查要点) and `legal_basis` (检查依据), empty when not known."""

    item_id: str = Field(min_length=1, max_length=64)
    item_version: int = Field(ge=1)
    name: str
    methods: list[str]
    content: str = ""
    legal_basis: str = ""


class TaskPart(_Part):
    """What one task of the draw asks of this entity (`items`: item ids; `item_details`: the same items in full)."""

    task_id: uuid.UUID
    number: str | None
    title: str
    items: list[str]
    end: date
    prior_notice: bool
    start: date | None = None
    node: NodeCode | None = None
    item_details: list[ItemPart] = Field(default_factory=list)


class RegistryRecord(_Part):
    """The entity's record in the draw service's read model of the registry when it was dispatched (预查比对)."""

    version: int = Field(ge=1)
    object_type: str
    status: str
    tags: list[str]
    credit_grade: str | None
    last_inspected: date | None


@event_contract("draw.assignment_dispatched", 1, addressed=True)
class AssignmentDispatched(_Part):
    """One drawn entity, sent to the node that inspects it (属地实施), with its team if assigned."""

    assignment_id: uuid.UUID
    draw_id: uuid.UUID
    entity_id: uuid.UUID
    uscc: str = Field(min_length=18, max_length=18)
    name: str
    region_code: NodeCode
    target_node: NodeCode
    # hex: 64 digits (SHA-256 or SM3 tickets) or 32 (the AES tickets of the fast profile, docs/draw-spec.md §6.4)
    ticket: str = Field(pattern=r"^(?:[0-9a-f]{32}|[0-9a-f]{64})$")
    batch: int = Field(ge=1)
    replaces: str | None
    tasks: list[TaskPart] = Field(min_length=1)
    team: list[TeamMember]
    dispatched_at: AwareDatetime
    registry_record: RegistryRecord | None = None


@event_contract("draw.team_changed", 1, addressed=True)
class TeamChanged(_Part):
    """A member of a dispatched entity's team was replaced (工作调动、工作冲突、身体原因), approved and logged."""

    assignment_id: uuid.UUID
    draw_id: uuid.UUID
    uscc: str = Field(min_length=18, max_length=18)
    target_node: NodeCode
    replaced: TeamMember
    by: TeamMember
    reason: str
    approver: str = Field(min_length=1)
    team: list[TeamMember]
    changed_at: AwareDatetime


__all__ = [
    "AssignmentDispatched",
    "DrawCommitted",
    "DrawCompleted",
    "DrawVoided",
    "ItemPart",
    "RegistryRecord",
    "TaskPart",
    "TeamChanged",
    "TeamMember",
]
