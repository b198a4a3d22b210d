"""What the evidence service keeps, as the use cases see it: an archive and its filed versions, a piece of
evidence, an access request and a borrowing. The repository (`adapters/repository.py`) hands these out, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ArchiveHead:
    """An archive (案卷): one per visit, filed from its approved result."""

    archive_id: str
    node: str
    visit_id: str
    result_id: str
    uscc: str
    entity_name: str
    filed_at: datetime


@dataclass(frozen=True)
class FiledVersion:
    """One version of an archive: its manifest, locked in the store, and who changed what and why."""

    archive_id: str
    version: int
    result_version: int
    change: str  # filed | amended
    manifest_key: str
    manifest_version_id: str
    algorithm: str
    manifest_digest: str
    manifest: dict[str, Any]
    handler: str
    approver: str
    at: datetime
    reason: str | None = None
    content: str | None = None
    amendment_id: str | None = None


@dataclass(frozen=True)
class EvidenceRecord:
    """A piece of evidence as recorded: where its locked object version is and the digest it must have."""

    evidence_id: str
    node: str
    visit_id: str
    task_id: str | None
    item_id: str | None
    kind: str
    filename: str
    content_type: str
    size: int
    algorithm: str
    digest: str
    object_key: str
    version_id: str
    retention_mode: str
    retain_until: datetime
    description: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class AccessRequest:
    """A request to read or borrow named versions of an archive, for a purpose, until a time."""

    request_id: str
    archive_id: str
    node: str
    versions: tuple[int, ...]
    mode: str  # read | borrow
    purpose: str
    valid_until: datetime
    requester: str
    requested_at: datetime


@dataclass(frozen=True)
class Borrowing:
    """An entry of the borrowing register (借阅登记), with its return once registered."""

    borrowing_id: str
    grant_id: str
    archive_id: str
    node: str
    version: int
    borrower: str
    keeper: str
    due_back: date
    note: str
    borrowed_at: datetime
    returned_at: datetime | None = None
    condition: str | None = None
    return_note: str | None = None
    return_keeper: str | None = None


@dataclass(frozen=True)
class Filed:
    """An object version the platform recorded (a piece of evidence or an archive manifest), with its digest."""

    object_type: str  # evidence | manifest
    object_id: str
    key: str
    version_id: str
    algorithm: str
    digest: str


@dataclass(frozen=True)
class Amendment:
    """A keeper's proposed change to an archive (经办), based on the version current when proposed."""

    amendment_id: str
    archive_id: str
    base_version: int
    reason: str
    content: str
    add_evidence: tuple[str, ...]
    withdraw_evidence: tuple[str, ...]
    proposed_by: str
    proposed_at: datetime


@dataclass(frozen=True)
class AmendmentDecision:
    """An approver's decision on an amendment, and the version it created (approved) or none (refused)."""

    amendment_id: str
    decision: str  # approve | refuse
    approver: str
    comment: str
    version: int | None
    at: datetime


@dataclass(frozen=True)
class Filing:
    """Where a piece of evidence is filed: an archive version, as `included` or `withdrawn`."""

    archive_id: str
    version: int
    status: str


@dataclass(frozen=True)
class QuarantinedUpload:
    """An upload whose whole file failed its check: who sent what, when, to which visit, why it was refused, and
    where its bytes are kept under lock (`quarantine/…`), never as evidence."""

    evidence_id: str  # the id the upload would have had (its intent and rejection rows carry it too)
    node: str
    visit_id: str
    kind: str
    filename: str
    size: int
    algorithm: str
    digest: str
    code: str  # the refusal's code (`evidence.content_invalid`, `evidence.zip_*`)
    reason: str  # why, as a stable code (`image.trailing_data`, …) or the code again
    message: str  # the Chinese message the uploader was given
    uploaded_by: str
    uploaded_at: datetime
    object_key: str  # the quarantine copy
    version_id: str
    retain_until: datetime
