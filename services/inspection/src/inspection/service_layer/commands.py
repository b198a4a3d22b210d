"""What callers ask the inspection service to do, in the imperative; entrypoints build them, `handlers.handle`
runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from inspection.domain.follow_ups import Kind
from inspection.domain.records import Form


@dataclass(frozen=True)
class IssueNotice:
    visit_id: str
    window_start: date
    window_end: date
    materials: list[str]
    contact: str


@dataclass(frozen=True)
class SubmitResult:
    visit_id: str
    form: Form


@dataclass(frozen=True)
class SubmitFieldBatch:
    entries: list[Any]
    parse_entry: Callable[[Any], Any]  # the wire format's parser of one entry, refusing it with its field errors


@dataclass(frozen=True)
class DecideResult:
    result_id: str
    version: int
    approve: bool
    opinion: str


@dataclass(frozen=True)
class OpenFollowUp:
    result_id: str
    kind: Kind
    ordered_on: date
    due: date | None
    target: str | None
    note: str


@dataclass(frozen=True)
class AddFollowUpStep:
    follow_up_id: str
    kind: str
    on: date
    passed: bool | None
    note: str


@dataclass(frozen=True)
class CloseVisit:
    visit_id: str
    reason: str


@dataclass(frozen=True)
class PublishResult:
    result_id: str
    public: bool
    withheld_reason: str | None


@dataclass(frozen=True)
class PutNodeSettings:
    node: str
    issuing_body: str
    document_prefix: str
    contact_phone: str


@dataclass(frozen=True)
class LoadCalendarYear:
    year: int
    holidays: dict[str, str]
    workdays: dict[str, str]
    source: str


@dataclass(frozen=True)
class RunDeadlines:
    on: date | None  # None: today (CST)
