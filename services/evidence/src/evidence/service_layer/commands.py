"""What callers ask the evidence service to do, in the imperative; `handlers.handle` runs each as the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from evidence.service_layer.uploads import Upload


@dataclass(frozen=True)
class UploadEvidence:
    upload: Upload
    stream: BinaryIO
    length: int | None  # the declared length; None for a chunked body


@dataclass(frozen=True)
class ProposeAmendment:
    archive_id: str
    reason: str
    content: str
    add_evidence: tuple[str, ...] = ()
    withdraw_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecideAmendment:
    amendment_id: str
    decision: str  # approve | refuse
    comment: str = ""


@dataclass(frozen=True)
class RequestAccess:
    archive_id: str
    versions: tuple[int, ...]
    mode: str  # read | borrow
    purpose: str
    valid_until: datetime


@dataclass(frozen=True)
class DecideAccess:
    request_id: str
    position: str  # department_head | leader_in_charge
    decision: str  # approve | refuse
    comment: str = ""
    approver_name: str = ""


@dataclass(frozen=True)
class ReadVersion:
    archive_id: str
    version: int
    grant_id: str | None


@dataclass(frozen=True)
class ReadEvidence:
    archive_id: str
    version: int
    evidence_id: str
    grant_id: str | None


@dataclass(frozen=True)
class LendArchive:
    grant_id: str
    version: int
    due_back: date
    note: str = ""


@dataclass(frozen=True)
class ReturnArchive:
    borrowing_id: str
    condition: str  # intact | damaged | missing
    note: str = ""


@dataclass(frozen=True)
class ListQuarantine:
    node: str
    visit_id: str | None = None


@dataclass(frozen=True)
class IndexArchive:
    archive_id: str
    version: int


@dataclass(frozen=True)
class SearchArchives:
    words: str
    cursor: str | None = None
    size: int = 10
