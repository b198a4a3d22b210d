"""The publication service's events (一公开): a version of a public record was published, with its receipt (the
platform's proof of publication, 001 §三(六)), or a result was withheld from the public record (the law says it must
not be public), with the reason, for auditors.

Published by the node that publishes (谁检查、谁公开); the content itself is read from the service's public API.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract

RecordKind = Literal["result", "task", "plan", "checklist", "drawn_list"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Receipt(_Part):
    """A link of the node's receipt chain: `receipt_sha256` = SHA-256 over the previous link and this record."""

    seq: int = Field(ge=1)
    previous_sha256: str = Field(min_length=64, max_length=64)
    receipt_sha256: str = Field(min_length=64, max_length=64)


@event_contract("publication.record_published", 1)
class RecordPublished(_Part):
    """Version `version` of a public record (an inspection result, a task announcement, an annual plan, a node's
    checklist in force, the drawn list of a draw at the node that inspects) is public."""

    node: NodeCode
    kind: RecordKind
    record_id: uuid.UUID  # the result, task or plan it publishes
    version: int = Field(ge=1)
    uscc: str | None = Field(default=None, min_length=18, max_length=18)  # results: the entity
    task_ids: list[uuid.UUID] = Field(default_factory=list)
    content_sha256: str = Field(min_length=64, max_length=64)  # SHA-256 of the public content, canonical JSON
    receipt: Receipt
    published_at: AwareDatetime


@event_contract("publication.result_withheld", 1)
class ResultWithheld(_Part):
    """An approved result the inspecting node withheld from the public (依法不予公开), with the reason."""

    node: NodeCode
    result_id: uuid.UUID
    task_ids: list[uuid.UUID] = Field(default_factory=list)
    reason: str = Field(min_length=1)
    withheld_at: AwareDatetime


@event_contract("publication.result_confirmed", 1)
class ResultConfirmed(_Part):
    """An approved result has its publication record (谁检查、谁公开): published (`receipt`: the first version's link
    of the node's chain, `content_sha256` the public content's hash) or withheld by law (`withheld_reason`; nothing
    is public, so no receipt: `content_sha256` is the hash inspection gave the withheld content). Once per result.
    Planning moves a task to "results published" when every visit of the task has one.

    `due`: the last day of the 20 working days from the completion of the result's task (the earliest, if it names
    several), when the completion was known here; `on_time`: confirmed by then (or before the task completed)."""

    result_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    task_ids: list[uuid.UUID] = Field(min_length=1)
    public: bool
    withheld_reason: str | None = None
    content_sha256: str = Field(min_length=64, max_length=64)
    record_version: int | None = Field(default=None, ge=1)  # published: the version the receipt vouches for
    receipt: Receipt | None = None  # published: its receipt; withheld: None
    due: date | None = None
    on_time: bool
    confirmed_at: AwareDatetime


@event_contract("publication.deadline_missed", 1)
class DeadlineMissed(_Part):
    """A result was not public (nor recorded as withheld) by the last day of the 20 working days from its task's
    completion: found by the publication service's deadline run, once per task and result, for the supervising
    level (notification and reports)."""

    task_id: uuid.UUID
    result_id: uuid.UUID
    node: NodeCode
    supervisor: NodeCode | None
    completed_on: date
    due: date
    detected_on: date


__all__ = ["DeadlineMissed", "Receipt", "RecordKind", "RecordPublished", "ResultConfirmed", "ResultWithheld"]
