"""The review of a result (结果审核): submitted → returned with an opinion (then resubmitted) or approved.

A result is a sequence of versions; each version gets at most one decision. Nothing is changed in place: a
returned version stays as it was, with its opinion, and the inspectors submit the next version.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inspection.domain.errors import ResultAlreadyApproved, ResultNotSubmitted, ResultUnderReview, StaleVersion


class Status(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


LABELS = {Status.SUBMITTED: "待审核", Status.RETURNED: "已退回", Status.APPROVED: "已审核通过"}


@dataclass(frozen=True)
class Decision:
    version: int
    approved: bool


def status(latest_version: int, decisions: list[Decision]) -> Status:
    """The state of a result from its latest version and the decisions taken so far."""
    on_latest = [d for d in decisions if d.version == latest_version]
    if not on_latest:
        return Status.SUBMITTED
    return Status.APPROVED if on_latest[-1].approved else Status.RETURNED


def check_can_submit(current: Status | None) -> None:
    """A first submission, or a new version after a return; never after approval or while under review."""
    if current is Status.SUBMITTED:
        raise ResultUnderReview()
    if current is Status.APPROVED:
        raise ResultAlreadyApproved()


def check_can_decide(current: Status, version: int, latest: int) -> None:
    """Only the latest version, and only while it awaits review."""
    if version != latest:
        raise StaleVersion(latest=latest)
    if current is not Status.SUBMITTED:
        raise ResultNotSubmitted(status=LABELS[current])
