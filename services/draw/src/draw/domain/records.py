"""What the draw keeps and reads, as plain values: a draw's run (what was frozen), its picks as dispatched, and
the read models it draws from (entities, inspectors, checklist items, tasks ready for draw)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class DrawRun:
    """What a freeze committed to: the tasks, the plan and the snapshot's key and hash."""

    draw_id: str
    node: str
    task_ids: list[str]
    profile: str
    plan: dict[str, Any]
    task: dict[str, Any]  # what task_hash commits to: {"tasks": [...], "qualifications": {...}}
    snapshot_key: str
    snapshot_sha256: str
    frame_size: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class PickRecord:
    """A pick as dispatched: where it went, under which assignment id, and its team as assigned."""

    seq: int
    uscc: str
    stratum: str
    rank: int
    ticket: str
    items: list[str]
    batch: int
    replaces: str | None
    target_node: str
    assignment_id: str
    team: list[dict[str, str]] = field(default_factory=list)

    def to_pick_json(self) -> dict[str, Any]:
        """The pick as drawkit writes it in the auditor package."""
        return {
            "uscc": self.uscc,
            "stratum": self.stratum,
            "rank": self.rank,
            "ticket": self.ticket,
            "items": list(self.items),
            "batch": self.batch,
            "replaces": self.replaces,
        }


@dataclass(frozen=True)
class ReadyTask:
    """A task frozen for draw (planning.task_ready_for_draw), with the tasks drawn together with it."""

    task_id: str
    node: str
    group_members: list[str]
    task: dict[str, Any]


@dataclass(frozen=True)
class EntityRecord:
    entity_id: str
    version: int
    uscc: str
    name: str
    object_type: str
    region_code: str
    status: str
    tags: list[str]
    credit_grade: str | None
    last_inspected: date | None


@dataclass(frozen=True)
class InspectorRecord:
    inspector_id: str
    credential_no: str
    credential_expires: date
    name: str
    node: str
    line: str | None
    pool: str
    status: str
    qualifications: list[str]
    station_region: str | None
    former_employers: list[str]


@dataclass(frozen=True)
class CheckItemRecord:
    """One version of a checklist item as the registry stated it."""

    item_id: str
    version: int
    name: str
    line: str | None
    qualifications: list[str]
    content: str | None = None
    legal_basis: str | None = None


@dataclass(frozen=True)
class ReplacementOpening:
    """The reason of a team member's replacement and the salt of its commitment, by its log entry's seq."""

    seq: int
    reason: str
    salt: str
