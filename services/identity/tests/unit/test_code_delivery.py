"""Enrolment codes reach their holder only (issue 19): an account is made with its holder's own e-mail address or
mobile number, the code goes there sealed to the notification service's key, and neither the administrator's
answer, nor the audit chain, nor any event holds it in clear. Lockouts and unlocks are announced."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from handlers_harness import CITY, COUNTY, HOLDER_EMAIL, PASSWORD, PROVINCE, Identity, acting, new_account, secret_of
from identity.domain.model import Account
from identity.service_layer.commands import (
    ApproveEnrolmentReset,
    CreateFirstAdmin,
    ResetEnrolment,
    UnlockAccount,
)
from identity_fakes import NOTIFICATION_KEYS

from hrss.auth.sealing import code_context
from hrss.contracts import PlatformError


def refusal(identity: Identity, command: object, actor: Account) -> PlatformError:
    with pytest.raises(PlatformError) as refused:
        identity.run(command, acting(actor))
    return refused.value


def everything_kept(identity: Identity, *answers: object) -> str:
    """Every answer, audit entry and event of the run as one text, to scan."""
    parts = [json.dumps(a, ensure_ascii=False, default=str) for a in answers]
    parts += [json.dumps(asdict(r), ensure_ascii=False, default=str) for r in identity.audited]
    parts += [e.model_dump_json() for e in identity.published]
    return "\n".join(parts)


def variants(code: str) -> list[str]:
    bare = code.replace("-", "")
    return [code, bare, code.lower(), bare.lower(), bare[:8], bare[-8:]]


def test_an_account_needs_its_holders_own_contact_checked_and_named(identity: Identity, admin: Account) -> None:
    actor = acting(admin)
    missing = refusal(identity, new_account(actor, "li", "李四", CITY, ("planner",), email=None), admin)
    assert (missing.status, missing.code) == (400, "account.contact_required") and "email" in missing.message
    bad_email = refusal(identity, new_account(actor, "li", "李四", CITY, ("planner",), email="li@"), admin)
    assert (bad_email.status, bad_email.code) == (400, "contact.email_invalid") and "email" in bad_email.message
    bad_mobile = refusal(identity, new_account(actor, "li", "李四", CITY, ("planner",), mobile="12345"), admin)
    assert (bad_mobile.code, bad_mobile.status) == ("contact.mobile_invalid", 400) and "mobile" in bad_mobile.message
    assert identity.repo.get_by_login("li") is None  # nothing half-written
    created, enrolment = identity.run(
        new_account(actor, "li", "李四", CITY, ("planner",), email=" li.si@hz.gov.cn ", mobile="13812345678"), actor
    )
    assert enrolment.to_dict()["sent_to"] == {"email": "l***@hz.gov.cn", "mobile": "138****5678"}
    kept = identity.repo.contact(created.id)
    assert (kept.email, kept.mobile, kept.given_by) == ("li.si@hz.gov.cn", "13812345678", admin.id)  # type: ignore[union-attr]
    assert identity.last().detail["sent_to_email"] == "l***@hz.gov.cn"
    assert identity.last().detail["sent_to_mobile"] == "138****5678"


def test_the_code_travels_sealed_to_each_address_and_is_nowhere_in_clear(identity: Identity, admin: Account) -> None:
    actor = acting(admin)
    created, enrolment = identity.run(new_account(actor, "li", "李四", CITY, ("planner",), mobile="13812345678"), actor)
    answer = {**created.public(), "enrolment": enrolment.to_dict()}
    [event] = [e for e in identity.published if e.type == "identity.enrolment_code_issued"]
    assert event.subject == created.id and event.payload["why"] == "created" and event.payload["node"] == CITY
    boxes = {b["channel"]: b for b in event.payload["deliver_to"]}
    assert set(boxes) == {"email", "sms"} and boxes["sms"]["address"] == "13812345678"
    code = identity.mailbox["li"]
    for channel, box in boxes.items():  # each box opens only for its own address
        assert NOTIFICATION_KEYS.open(box["tokens"], code_context(created.id, box["address"])) == code
        other = boxes["sms" if channel == "email" else "email"]["address"]
        with pytest.raises(ValueError):
            NOTIFICATION_KEYS.open(box["tokens"], code_context(created.id, other))
    text = everything_kept(identity, answer)
    assert not [v for v in variants(code) if v in text]
    assert "13812345678" not in json.dumps(answer) and HOLDER_EMAIL not in json.dumps(answer)
    assert identity.repo.current_enrolment_code(created.id).code_hash not in text  # type: ignore[union-attr]


def test_a_reset_sends_the_new_code_to_the_holder_and_no_administrator_sees_it(
    identity: Identity, admin: Account
) -> None:
    second, _ = identity.enrolled(admin, "admin2", PROVINCE, ("province_admin",))
    city, _ = identity.enrolled(admin, "city", CITY, ("city_admin",))
    first_code = identity.mailbox["city"]
    asked = identity.run(ResetEnrolment(acting(admin), city.id, "手机丢失"), acting(admin))
    reset, enrolment = identity.run(ApproveEnrolmentReset(acting(second), city.id), acting(second))
    new_code = identity.mailbox["city"]
    assert new_code != first_code
    issued_to_city = [
        e for e in identity.published if e.type == "identity.enrolment_code_issued" and e.subject == city.id
    ]
    [issued] = issued_to_city[1:]
    assert (issued.payload["why"], issued.payload["issued_by"]) == ("reset", second.id)
    text = everything_kept(identity, asked[0].public(), {**reset.public(), "enrolment": enrolment.to_dict()})
    assert not [v for v in variants(new_code) + variants(first_code) if v in text]


def test_an_account_without_a_contact_on_record_is_not_reset(identity: Identity, admin: Account) -> None:
    county, _ = identity.run(CreateFirstAdmin(COUNTY, "county", "县管理员", PASSWORD))  # at the console, no contact
    before = identity.repo.get(county.id)
    error = refusal(identity, ResetEnrolment(acting(admin), county.id, "手机丢失"), admin)
    assert (error.status, error.code) == (409, "enrolment.no_contact")
    assert identity.repo.get(county.id) == before and identity.repo.latest_reset_request(county.id) is None


def test_the_console_may_record_the_first_administrators_contact(identity: Identity) -> None:
    county, _ = identity.run(CreateFirstAdmin(COUNTY, "county", "县管理员", PASSWORD, mobile="13900001111"))
    assert identity.repo.contact(county.id).mobile == "13900001111"  # type: ignore[union-attr]
    assert identity.last().detail["contact_mobile"] == "139****1111"
    with pytest.raises(PlatformError) as bad:
        identity.run(CreateFirstAdmin(CITY, "city", "市管理员", PASSWORD, email="nobody"))
    assert bad.value.code == "contact.email_invalid"


def test_the_failure_that_locks_an_account_is_announced_once_and_so_is_an_unlock(
    identity: Identity, admin: Account
) -> None:
    city, uri = identity.run(CreateFirstAdmin(CITY, "city", "市管理员", PASSWORD))
    secret = secret_of(uri)
    for _ in range(7):  # the fifth locks it; the sixth and seventh are refused while locked, not counted
        identity.log_in("city", secret, password="Wrong-password-1")
    locked = [e for e in identity.published if e.type == "identity.account_locked"]
    assert len(locked) == 1
    assert (locked[0].subject, locked[0].payload["node"], locked[0].payload["login"]) == (city.id, CITY, "city")
    assert (
        locked[0].payload["client"] == "10.0.0.1" and locked[0].payload["locked_until"] > locked[0].payload["locked_at"]
    )
    identity.run(UnlockAccount(acting(admin), city.id, "本人电话核实"), acting(admin))
    [unlocked] = [e for e in identity.published if e.type == "identity.account_unlocked"]
    assert unlocked.payload["unlocked_by"] == admin.id and unlocked.payload["was_locked"] is True
    assert unlocked.payload["reason"] == "本人电话核实"
