"""The evidence service's events: evidence recorded under retention, archives filed and amended (档案归档、更正),
and access to an archive granted or refused (借阅审批).

Objects are named by key and version id; a reader always addresses the filed version, never "the latest".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hrss.contracts.nodes import NodeCode
from hrss.contracts.registry import event_contract

Kind = Literal["documentary", "physical", "audio_visual", "third_party", "statement", "other"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@event_contract("evidence.evidence_filed", 1)
class EvidenceFiled(_Part):
    """An uploaded piece of evidence, hashed while it streamed and locked (WORM) in the evidence bucket."""

    evidence_id: uuid.UUID
    visit_id: uuid.UUID
    node: NodeCode
    task_id: uuid.UUID | None
    item_id: str | None
    kind: Kind
    filename: str
    content_type: str
    size: int = Field(ge=0)
    algorithm: Literal["sha256", "sm3"]
    digest: str = Field(min_length=64, max_length=64)
    object_key: str
    version_id: str
    retention_mode: Literal["GOVERNANCE", "COMPLIANCE"]
    retain_until: datetime
    description: str = ""
    uploaded_by: str
    uploaded_at: AwareDatetime


class ArchiveVersionRef(_Part):
    archive_id: uuid.UUID
    version: int = Field(ge=1)
    manifest_key: str
    manifest_version_id: str
    algorithm: Literal["sha256", "sm3"]
    manifest_digest: str = Field(min_length=64, max_length=64)
    evidence_ids: list[uuid.UUID]


@event_contract("evidence.archive_filed", 1)
class ArchiveFiled(_Part):
    """Version 1 of a visit's archive: the approved result, the record form and every piece of its evidence."""

    archive: ArchiveVersionRef
    visit_id: uuid.UUID
    result_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    filed_at: AwareDatetime


@event_contract("evidence.archive_amended", 1)
class ArchiveAmended(_Part):
    """Version n+1 of an archive after an approved change; version n is unchanged and still readable."""

    archive: ArchiveVersionRef
    previous_version: int = Field(ge=1)
    node: NodeCode
    reason: str
    content: str
    handler: str
    approver: str
    amended_at: AwareDatetime


@event_contract("evidence.access_granted", 1)
class AccessGranted(_Part):
    """Both the department head and the leader in charge approved: a time-limited, scoped grant."""

    grant_id: uuid.UUID
    request_id: uuid.UUID
    archive_id: uuid.UUID
    node: NodeCode
    versions: list[int]
    mode: Literal["read", "borrow"]
    grantee: str
    valid_until: AwareDatetime


@event_contract("evidence.access_refused", 1)
class AccessRefused(_Part):
    request_id: uuid.UUID
    archive_id: uuid.UUID
    node: NodeCode
    requester: str
    position: Literal["department_head", "leader_in_charge"]
    approver: str
    comment: str
    refused_at: AwareDatetime


__all__ = ["AccessGranted", "AccessRefused", "ArchiveAmended", "ArchiveFiled", "ArchiveVersionRef", "EvidenceFiled"]
