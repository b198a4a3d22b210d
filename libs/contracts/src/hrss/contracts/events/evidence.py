"""The evidence service's events: evidence recorded under retention, archives filed and amended (档案归档、更正),
access to an archive requested, granted or refused (借阅审批), and an archive lent and returned (借阅登记, 归还核对).

Objects are named by key and version id; a reader always addresses the filed version, never "the latest".
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
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


@event_contract("evidence.access_requested", 1)
class AccessRequested(_Part):
    """Someone asked to read or borrow named versions of an archive (查阅、借阅申请): the keepers and approvers of
    the archive's node have a request to see to."""

    request_id: uuid.UUID
    archive_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    versions: list[int] = Field(min_length=1)
    mode: Literal["read", "borrow"]
    purpose: str
    requester: str
    valid_until: AwareDatetime
    requested_at: AwareDatetime


@event_contract("evidence.archive_lent", 1)
class ArchiveLent(_Part):
    """A keeper lent one version of an archive under a borrow grant (借阅登记), to be back by `due_back` (a date in
    China Standard Time)."""

    borrowing_id: uuid.UUID
    grant_id: uuid.UUID
    archive_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    version: int = Field(ge=1)
    borrower: str
    keeper: str
    due_back: date
    lent_at: AwareDatetime


@event_contract("evidence.archive_returned", 1)
class ArchiveReturned(_Part):
    """A lent archive came back and the keeper checked it (004 §12.4.4: 有无拆封、短缺、污损): intact, damaged or
    missing, with the keeper's note."""

    borrowing_id: uuid.UUID
    archive_id: uuid.UUID
    node: NodeCode
    uscc: str = Field(min_length=18, max_length=18)
    entity_name: str
    version: int = Field(ge=1)
    borrower: str
    keeper: str
    due_back: date
    condition: Literal["intact", "damaged", "missing"]
    note: str = ""
    returned_at: AwareDatetime


__all__ = [
    "AccessGranted",
    "AccessRefused",
    "AccessRequested",
    "ArchiveAmended",
    "ArchiveFiled",
    "ArchiveLent",
    "ArchiveReturned",
    "ArchiveVersionRef",
    "EvidenceFiled",
]
