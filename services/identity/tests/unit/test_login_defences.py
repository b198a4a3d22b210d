"""The login's defences on the fakes: one answer whatever failed, the lockout kept but never told, a throttle per
client address that answers before any account is touched, and an administrator's unlock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from handlers_harness import CITY, COUNTY, PASSWORD, PROVINCE, Identity, acting, refused, secret_of
from identity.domain.model import Account
from identity.service_layer.commands import CreateFirstAdmin, LogIn, UnlockAccount
from identity.service_layer.login import Tokens

from hrss.audit import Outcome
from hrss.contracts import PlatformError

GENERIC = (401, "login.failed", "用户名、密码或动态口令错误")


def answer(result: object) -> tuple[int, str, str]:
    assert isinstance(result, PlatformError), result
    return result.status, result.code, result.message


def locked_city_admin(identity: Identity) -> tuple[Account, str]:
    """The city's administrator after five wrong passwords: locked for five minutes."""
    account, uri = identity.run(CreateFirstAdmin(CITY, "city", "市管理员", PASSWORD))
    secret = secret_of(uri)
    for _ in range(5):
        identity.log_in("city", secret, password="Wrong-password-1")
    return account, secret


def test_unknown_login_wrong_password_wrong_code_and_locked_account_get_one_answer(identity: Identity) -> None:
    identity.first_admin()
    account, uri = identity.run(CreateFirstAdmin(CITY, "city", "市管理员", PASSWORD))
    secret = secret_of(uri)
    identity.clock.advance()
    wrong_code = identity.run(LogIn("city", PASSWORD, "000000", client="10.0.0.1"))
    unknown = identity.run(LogIn("nobody", PASSWORD, "123456", client="10.0.0.1"))
    wrong_passwords = [identity.log_in("city", secret, password="Wrong-password-1") for _ in range(4)]
    locked_right_password = identity.log_in("city", secret)
    answers = {answer(r) for r in [wrong_code, unknown, *wrong_passwords, locked_right_password]}
    assert answers == {GENERIC}
    assert not any(hasattr(r, "retry_after") for r in [*wrong_passwords, locked_right_password])
    mine = [a.outcome for a in identity.repo.attempts if a.account_id == account.id]
    assert mine == ["failed"] * 5 + ["locked"]  # the lockout holds; it is only not told
    assert identity.last().detail["code"] == "login.locked"  # the audit trail says why
    identity.clock.advance(timedelta(minutes=5))
    assert isinstance(identity.log_in("city", secret), Tokens)


def test_twenty_failures_from_one_address_throttle_it_before_any_account_is_touched(identity: Identity) -> None:
    admin, secret = identity.first_admin()
    for n in range(20):
        refused(identity.run(LogIn(f"guess{n}", PASSWORD, "123456", client="10.0.0.9")), "login.failed")
    identity.clock.advance(timedelta(minutes=1))
    before = len(identity.repo.attempts)
    throttled = identity.run(LogIn("admin", PASSWORD, identity.clock.code(secret), client="10.0.0.9"))
    assert answer(throttled)[:2] == (429, "auth.throttled")
    assert throttled.retry_after == timedelta(minutes=14)  # type: ignore[attr-defined]
    assert "14 分钟" in throttled.message  # type: ignore[attr-defined]
    assert [(a.account_id, a.outcome) for a in identity.repo.attempts[before:]] == [(None, "throttled")]
    entry = identity.last()
    assert (entry.action, entry.outcome, entry.actor, entry.detail["code"]) == (
        "auth.login",
        Outcome.REFUSED,
        "anonymous",
        "auth.throttled",
    )
    assert isinstance(identity.log_in("admin", secret), Tokens)  # another address: the account is not locked
    assert admin.id not in {a.account_id for a in identity.repo.attempts if a.outcome != "ok"}
    identity.clock.advance(timedelta(minutes=14))
    assert isinstance(identity.run(LogIn("admin", PASSWORD, identity.clock.code(secret), client="10.0.0.9")), Tokens)


def test_an_administrator_unlocks_a_locked_account_with_a_reason_as_an_appended_attempt(
    identity: Identity, admin: Account
) -> None:
    city, secret = locked_city_admin(identity)
    assert answer(identity.log_in("city", secret)) == GENERIC
    unlocked = identity.run(UnlockAccount(acting(admin), city.id, "本人电话核实"), acting(admin))
    assert unlocked == city and identity.repo.versions[city.id] == [city]  # the account itself is unchanged
    assert identity.repo.attempts[-1].outcome == "unlocked" and identity.repo.attempts[-1].account_id == city.id
    entry = identity.last()
    assert (entry.action, entry.actor, entry.object_id, entry.reason) == (
        "account.unlock",
        admin.id,
        city.id,
        "本人电话核实",
    )
    assert (entry.actor_role, entry.detail["was_locked"]) == ("province_admin", "true")
    assert isinstance(identity.log_in("city", secret), Tokens)


def test_only_an_administrator_above_the_account_may_unlock_it(identity: Identity, admin: Account) -> None:
    city, _ = locked_city_admin(identity)
    county_admin, _ = identity.enrolled(admin, "county", COUNTY, ("county_admin",))
    planner, _ = identity.enrolled(admin, "li", CITY, ("planner",))
    for actor, code in [(county_admin, "account.not_found"), (planner, "access.admin_required")]:
        with pytest.raises(PlatformError) as refusal:
            identity.run(UnlockAccount(acting(actor), city.id, "试试"), acting(actor))
        assert refusal.value.code == code
    assert PROVINCE and identity.repo.attempts[-1].outcome != "unlocked"
