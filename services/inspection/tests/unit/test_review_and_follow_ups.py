"""Review (submit → return / approve) and follow-up rules."""

from __future__ import annotations

from datetime import date

import pytest
from inspection.domain import follow_ups as fu
from inspection.domain.errors import Conflict, InvalidRecord
from inspection.domain.review import Decision, Status, check_can_decide, check_can_submit, status


def test_a_version_without_a_decision_awaits_review() -> None:
    assert status(1, []) is Status.SUBMITTED
    assert status(2, [Decision(1, False)]) is Status.SUBMITTED


def test_the_decision_on_the_latest_version_is_the_status() -> None:
    assert status(1, [Decision(1, False)]) is Status.RETURNED
    assert status(2, [Decision(1, False), Decision(2, True)]) is Status.APPROVED


def test_a_result_under_review_or_approved_cannot_be_resubmitted() -> None:
    check_can_submit(None)
    check_can_submit(Status.RETURNED)
    for current in (Status.SUBMITTED, Status.APPROVED):
        with pytest.raises(Conflict):
            check_can_submit(current)


def test_only_the_latest_version_awaiting_review_can_be_decided() -> None:
    check_can_decide(Status.SUBMITTED, 2, 2)
    with pytest.raises(Conflict, match="最新版本"):
        check_can_decide(Status.SUBMITTED, 1, 2)
    with pytest.raises(Conflict):
        check_can_decide(Status.APPROVED, 2, 2)


def test_a_correction_needs_a_due_date_not_before_the_order() -> None:
    with pytest.raises(InvalidRecord):
        fu.check_opening(fu.Kind.CORRECTION, None, None, date(2026, 5, 6))
    with pytest.raises(InvalidRecord):
        fu.check_opening(fu.Kind.CORRECTION, date(2026, 5, 5), None, date(2026, 5, 6))
    fu.check_opening(fu.Kind.CORRECTION, date(2026, 6, 5), None, date(2026, 5, 6))


def test_a_handover_names_whom_it_goes_to() -> None:
    for kind in (fu.Kind.CASE, fu.Kind.TRANSFER, fu.Kind.JUDICIAL):
        with pytest.raises(InvalidRecord):
            fu.check_opening(kind, None, " ", date(2026, 5, 6))
        fu.check_opening(kind, None, "市场监管局", date(2026, 5, 6))


def test_a_correction_closes_only_after_a_passed_recheck() -> None:
    closing = fu.Step("closed", date(2026, 6, 6))
    with pytest.raises(Conflict, match="复查合格"):
        fu.check_step(fu.Kind.CORRECTION, [fu.Step("recheck", date(2026, 6, 5), False)], closing)
    fu.check_step(fu.Kind.CORRECTION, [fu.Step("recheck", date(2026, 6, 5), True)], closing)


def test_nothing_follows_a_closure_and_only_corrections_are_rechecked() -> None:
    with pytest.raises(Conflict):
        fu.check_step(fu.Kind.CASE, [fu.Step("closed", date(2026, 6, 5))], fu.Step("closed", date(2026, 6, 6)))
    with pytest.raises(Conflict):
        fu.check_step(fu.Kind.CASE, [], fu.Step("recheck", date(2026, 6, 6), True))
    fu.check_step(fu.Kind.TRANSFER, [], fu.Step("closed", date(2026, 6, 6)))


def test_the_follow_up_rate_is_none_without_problems() -> None:
    assert fu.rate(0, 0) is None
    assert fu.rate(4, 3) == 0.75
