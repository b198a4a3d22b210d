"""An administrator's enrolment reset on the fakes: one administrator asks, a second one approves and alone sees the
new code; until then the account, its password and its sessions stay as they were."""

from __future__ import annotations

from datetime import timedelta

import pytest
from handlers_harness import CITY, PROVINCE, Identity, acting
from identity.domain.model import Account, Status
from identity.service_layer.commands import ApproveEnrolmentReset, Enrol, ResetEnrolment
from identity.service_layer.login import Tokens

from hrss.contracts import PlatformError

NEW_PASSWORD = "Hangzhou-2027-更安全"


def refusal(identity: Identity, command: object, actor: Account) -> str:
    with pytest.raises(PlatformError) as refused:
        identity.run(command, acting(actor))
    return refused.value.code


def test_one_administrator_cannot_reset_another_administrators_enrolment_alone(
    identity: Identity, admin: Account
) -> None:
    second, _ = identity.enrolled(admin, "admin2", PROVINCE, ("province_admin",))
    city, city_secret = identity.enrolled(admin, "city", CITY, ("city_admin",))
    session = identity.log_in("city", city_secret)
    codes_before = len(identity.repo.codes)

    asked, code = identity.run(ResetEnrolment(acting(admin), city.id, "手机丢失"), acting(admin))
    assert (asked, code) == (city, None)  # no code for whoever asked, nothing changed yet
    assert identity.repo.get(city.id) == city and len(identity.repo.codes) == codes_before
    assert identity.repo.sessions[session.session_id].ended_at is None
    entry = identity.last()
    assert (entry.action, entry.actor, entry.reason, entry.detail["approval"]) == (
        "account.enrolment_reset_request",
        admin.id,
        "手机丢失",
        "required",
    )

    assert refusal(identity, ApproveEnrolmentReset(acting(admin), city.id), admin) == "access.second_admin_required"
    assert refusal(identity, ApproveEnrolmentReset(acting(city), city.id), city) == "access.own_account"
    reset, enrolment = identity.run(ApproveEnrolmentReset(acting(second), city.id), acting(second))
    assert enrolment.to_dict()["sent_to"] == {"email": "h***@example.gov.cn"}  # where it went; never the code
    assert reset.status is Status.PENDING and reset.version == city.version + 1 and reset.changed_by == second.id
    assert identity.repo.sessions[session.session_id].end_reason == "reset"
    entry = identity.last()
    assert (entry.action, entry.actor, entry.reason) == ("account.enrolment_reset", second.id, "手机丢失")
    assert entry.detail["requested_by"] == admin.id and entry.detail["sessions_ended"] == "1"
    [told] = [e for e in identity.published if e.type == "identity.enrolment_reset"]  # the holder is to be told
    assert told.subject == city.id and told.payload["node"] == CITY
    assert (told.payload["reset_by"], told.payload["requested_by"]) == (second.id, admin.id)
    assert told.payload["reason"] == "手机丢失" and "code" not in told.payload
    assert isinstance(identity.run(Enrol("city", identity.mailbox["city"], NEW_PASSWORD)), str)
    assert refusal(identity, ApproveEnrolmentReset(acting(second), city.id), second) == "enrolment.no_reset_request"


def test_a_request_lapses_with_the_enrolment_period_and_other_accounts_reset_at_once(
    identity: Identity, admin: Account
) -> None:
    second, _ = identity.enrolled(admin, "admin2", PROVINCE, ("province_admin",))
    city, city_secret = identity.enrolled(admin, "city", CITY, ("city_admin",))
    assert refusal(identity, ApproveEnrolmentReset(acting(second), city.id), second) == "enrolment.no_reset_request"
    identity.run(ResetEnrolment(acting(admin), city.id), acting(admin))
    identity.clock.advance(timedelta(hours=72))
    assert refusal(identity, ApproveEnrolmentReset(acting(second), city.id), second) == "enrolment.no_reset_request"
    assert isinstance(identity.log_in("city", city_secret), Tokens)
    planner, _ = identity.enrolled(admin, "li", CITY, ("planner",))
    reset, enrolment = identity.run(ResetEnrolment(acting(admin), planner.id), acting(admin))
    assert reset.status is Status.PENDING and enrolment is not None
