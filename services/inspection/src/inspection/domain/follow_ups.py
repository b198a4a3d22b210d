"""Follow-up of problems found (后续处理, 004 §10): a correction ordered with a due date and re-checked, a lead
handed over inside HRSS (a case) or to another department, a judicial transfer; each closed with a date.

The follow-up rate (003 §二(四): 100%) is approved results with a problem category that have a follow-up,
over all approved results with a problem category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from inspection.domain.errors import FieldError, FollowUpAlreadyClosed, InvalidRecord, NoRecheck, RecheckRequired


class Kind(StrEnum):
    CORRECTION = "correction"  # 责令改正，限期复查
    CASE = "case"  # 人社系统内部移交案源
    TRANSFER = "transfer"  # 移交其他监管部门
    JUDICIAL = "judicial"  # 涉嫌犯罪移送司法机关


LABELS = {
    Kind.CORRECTION: "责令改正",
    Kind.CASE: "移交人社执法机构立案",
    Kind.TRANSFER: "移交相关监管部门",
    Kind.JUDICIAL: "移送司法机关",
}


def check_opening(kind: Kind, due: date | None, target: str | None, ordered_on: date) -> None:
    """A correction has a due date after the order; a handover names whom it goes to."""
    errors = []
    if kind is Kind.CORRECTION:
        if due is None:
            errors.append(FieldError("due", "follow_up.due_missing", "责令改正须写明整改期限"))
        elif due < ordered_on:
            errors.append(FieldError("due", "follow_up.due_past", "整改期限不能早于责令改正之日"))
    elif not (target or "").strip():
        errors.append(FieldError("target", "follow_up.target_missing", "移交须写明接收的机构或部门"))
    if errors:
        raise InvalidRecord(errors)


@dataclass(frozen=True)
class Step:
    kind: str  # "recheck" | "closed"
    on: date
    passed: bool | None = None


def check_step(kind: Kind, steps: list[Step], step: Step) -> None:
    """No step after closure; a correction closes only after a passed re-check."""
    if any(s.kind == "closed" for s in steps):
        raise FollowUpAlreadyClosed()
    if step.kind == "recheck" and kind is not Kind.CORRECTION:
        raise NoRecheck()
    if step.kind == "closed" and kind is Kind.CORRECTION and not any(s.kind == "recheck" and s.passed for s in steps):
        raise RecheckRequired()


def rate(problems: int, followed: int) -> float | None:
    """Followed-up share of problem results; None when there is nothing to follow up."""
    return None if problems == 0 else followed / problems
