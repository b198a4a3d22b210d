"""What the repository hands the use cases: a visit, its closing step, an assignment as received, a node's
document settings and a printed document's number. Plain values with the names the stored columns have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass
class Visit:
    """One visit as kept (`tasks` and `team` as their stored dicts, so reads answer them unchanged)."""

    visit_id: str
    node: str
    uscc: str
    period: int
    seq: int
    entity_id: str
    entity_name: str
    region_code: str
    registry_record: dict[str, Any] | None
    tasks: list[dict[str, Any]]
    team: list[dict[str, Any]]
    inspector_ids: list[str]
    due: date
    announced: bool
    opened_at: datetime


@dataclass(frozen=True)
class Closure:
    """The step that closed a visit: why, by whom, when."""

    reason: str | None
    actor: str
    at: datetime


@dataclass(frozen=True)
class Step:
    """One step of a visit (opened … closed), as `visit_status` keeps it."""

    visit_id: str
    node: str
    status: str
    reason: str | None
    actor: str
    at: datetime
    event_id: str | None = None


@dataclass(frozen=True)
class ReceivedAssignment:
    """An assignment as the draw dispatched it, kept with the visit it went into."""

    assignment_id: str
    visit_id: str
    draw_id: str
    event_id: str
    tasks: list[dict[str, Any]]
    team: list[dict[str, Any]]  # as dispatched
    registry_record: dict[str, Any] | None
    dispatched_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class TeamChange:
    """A team change from the draw, kept whether or not its assignment has arrived."""

    assignment_id: str
    event_id: str
    replaced: dict[str, Any]
    by: dict[str, Any]
    team: list[dict[str, Any]]  # the assignment's whole team after the change
    reason: str
    approver: str
    changed_at: datetime


@dataclass(frozen=True)
class Withdrawal:
    """An assignment taken back by a voided draw."""

    assignment_id: str
    visit_id: str
    draw_id: str
    reason: str
    event_id: str
    withdrawn_at: datetime


@dataclass(frozen=True)
class NodeSettings:
    """One version of a node's settings for the documents it issues."""

    node: str
    version: int
    issuing_body: str
    document_prefix: str
    contact_phone: str
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class DocumentNumber:
    """The number a printed document was given, with the issuing body and date printed on it."""

    node: str
    kind: str
    year: int
    seq: int
    object_id: str
    number: str
    issuing_body: str
    issued_on: date
    settings_version: int


@dataclass(frozen=True)
class Notice:
    """A prior notice as issued, with its printed PDF."""

    notice_id: str
    visit_id: str
    window_start: date
    window_end: date
    materials: list[str]
    contact: str
    pdf: bytes
    pdf_sha256: str
    issued_by: str
    issued_at: datetime


@dataclass(frozen=True)
class ResultHead:
    """A visit's result: one per visit, its versions and decisions kept apart."""

    result_id: str
    visit_id: str
    node: str
    created_at: datetime


@dataclass(frozen=True)
class ResultVersion:
    """One submitted version of a result: the record form and the inspectors present."""

    result_id: str
    version: int
    form: dict[str, Any]
    inspectors: list[dict[str, Any]]
    submitted_by: str
    submitted_at: datetime
    client_id: str | None = None


@dataclass(frozen=True)
class Review:
    """The decision on one version: returned with an opinion, or approved with its filed record."""

    result_id: str
    version: int
    approved: bool
    opinion: str
    reviewer: str
    decided_at: datetime
    record_pdf: bytes | None = None
    record_sha256: str | None = None


@dataclass(frozen=True)
class ResultState:
    """Where a visit's result stands: its id, latest version and the decision on that version (None: none yet)."""

    result_id: str
    latest: int
    approved: bool | None


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of an approved result with a problem: what was ordered, by when, to whom."""

    follow_up_id: str
    result_id: str
    visit_id: str
    node: str
    uscc: str
    kind: str
    ordered_on: date
    due: date | None
    target: str | None
    note: str
    opened_by: str
    opened_at: datetime


@dataclass(frozen=True)
class FollowUpStep:
    """A re-check or the closing of a follow-up, numbered in order (append-only)."""

    follow_up_id: str
    seq: int
    kind: str
    on: date
    passed: bool | None
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Publication:
    """The publication record of an approved result: published or withheld, with the receipt of its content."""

    result_id: str
    visit_id: str
    node: str
    version: int
    public: bool
    withheld_reason: str | None
    content: dict[str, Any]
    content_sha256: str
    published_by: str
    published_at: datetime


@dataclass(frozen=True)
class FieldSubmission:
    """An accepted field entry: who sent it under which client id, the hash of its content and the answer given."""

    client_id: str
    account_id: str
    entry_sha256: str
    answer: dict[str, Any]
    received_at: datetime


@dataclass(frozen=True)
class ApprovedResult:
    """An approved result awaiting publication: its visit's tasks, and whether its publication is recorded."""

    result_id: str
    node: str
    tasks: list[dict[str, Any]]
    recorded: bool


@dataclass(frozen=True)
class OverdueFlag:
    """A subject found overdue, recorded once per kind for the supervising level."""

    subject_id: str
    kind: str
    node: str
    supervisor: str | None
    due: date
    detected_on: date
    flagged_at: datetime
