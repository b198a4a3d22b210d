"""What the publication service is asked to do, in the imperative. The events it consumes become these commands
(`handlers.handle_event`); nothing outside the service writes to the public record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class KeepApprovedResult:
    """Keep an approved result's content privately until the inspecting node decides on its publication."""

    payload: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class RecordDecision:
    """The inspecting node published or withheld a result: publish it, or record the withholding."""

    payload: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class NoteFollowUp:
    """A follow-up measure of a result was opened or closed (`step`)."""

    step: str
    payload: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class NoteCheckItem:
    """A checklist item's new version (registry.check_item_changed)."""

    item: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class NoteDraw:
    """A completed draw (draw.draw_completed)."""

    draw: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class NoteDispatch:
    """A drawn entity dispatched to the node that inspects it (draw.assignment_dispatched)."""

    dispatch: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class AnnounceTask:
    """A task published before its draw (公示)."""

    task: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class PublishPlan:
    """A published annual plan version."""

    plan: dict[str, Any]
    event_id: str


@dataclass(frozen=True)
class NoteEntityKinds:
    """Entities' object types from the registry (for masking individual businesses)."""

    entities: list[tuple[str, str, int]]  # (uscc, object type, version)


@dataclass(frozen=True)
class IndexRecords:
    """Write published record versions (kind, record id, version) into the public index in one bulk (from this
    service's own record_published events, consumed after the publishing transaction committed)."""

    versions: list[tuple[str, str, int]]


@dataclass(frozen=True)
class NoteTaskCompleted:
    """A task completed: its results' 20 working days start."""

    task_id: str
    node: str
    at: datetime
    event_id: str


@dataclass(frozen=True)
class CorrectRecord:
    """Staff of the publishing node correct fields of a public record, with the reason."""

    record_id: str
    fields: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class WithdrawRecord:
    """Staff of the publishing node withdraw a public record, with the reason."""

    record_id: str
    reason: str


@dataclass(frozen=True)
class RunDeadlines:
    """Record the deadlines missed as of `on` (None: today) and send an event for each."""

    on: date | None
