"""The publication service's events (一公开): a version of a public record was published, with its receipt (the
platform's proof of publication, 001 §三(六)), or a result was withheld from the public record (the law says it must
not be public), with the reason, for auditors.

Published by the node that publishes (谁检查、谁公开); the content itself is read from the service's public API.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract

RecordKind = Literal["result", "task", "plan"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Receipt(_Part):
    """A link of the node's receipt chain: `receipt_sha256` = SHA-256 over the previous link and this record."""

    seq: int = Field(ge=1)
    previous_sha256: str = Field(min_length=64, max_length=64)
    receipt_sha256: str = Field(min_length=64, max_length=64)


@event_contract("publication.record_published", 1)
class RecordPublished(_Part):
    """Version `version` of a public record (an inspection result, a task announcement, an annual plan) is public."""

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


__all__ = ["Receipt", "RecordKind", "RecordPublished", "ResultWithheld"]
