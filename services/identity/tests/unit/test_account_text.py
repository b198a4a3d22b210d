"""Logins and names of new accounts on the fakes: NFKC-normalised ASCII-or-CJK logins without look-alike letters,
names without control or bidirectional characters (hrss.contracts.text)."""

from __future__ import annotations

import pytest
from handlers_harness import CITY, PASSWORD, PROVINCE, Identity, acting, new_account, secret_of
from identity.domain.model import Account
from identity.service_layer.commands import CreateFirstAdmin, LogIn

from hrss.contracts import PlatformError


def refused_with(identity: Identity, command: object, principal: object = None) -> tuple[str, int, str]:
    with pytest.raises(PlatformError) as refusal:
        identity.run(command, principal)  # type: ignore[arg-type]
    return refusal.value.code, refusal.value.status, refusal.value.message


def test_an_account_whose_login_mimics_another_with_a_cyrillic_letter_is_refused(
    identity: Identity, admin: Account
) -> None:
    code, status, message = refused_with(
        identity, new_account(acting(admin), "\u0430dmin", "假管理员", CITY, ("planner",)), acting(admin)
    )
    assert (code, status) == ("login.confusable", 400) and "login" in message
    assert [a.login for a in identity.repo.in_scope(["33"])] == ["admin"]


def test_logins_are_kept_in_nfkc_form_and_hold_only_ascii_or_cjk(identity: Identity, admin: Account) -> None:
    created, _ = identity.run(new_account(acting(admin), "ｗａｎｇ", "王五", CITY, ("planner",)), acting(admin))
    assert created.login == "wang"
    code, _, _ = refused_with(identity, new_account(acting(admin), "li si", "李四", CITY, ("planner",)), acting(admin))
    assert code == "login.invalid_characters"


def test_a_name_with_a_bidi_override_or_zero_width_character_is_refused(identity: Identity, admin: Account) -> None:
    for name in ("李\u202e四", "李\u200b四"):
        code, status, _ = refused_with(
            identity, new_account(acting(admin), "li", name, CITY, ("planner",)), acting(admin)
        )
        assert (code, status) == ("text.control_character", 400)


def test_the_first_administrator_is_held_to_the_same_rules(identity: Identity) -> None:
    assert refused_with(identity, CreateFirstAdmin(PROVINCE, "\u0430dmin", "管理员", PASSWORD))[0] == "login.confusable"
    assert refused_with(identity, CreateFirstAdmin(PROVINCE, "admin", "管\u202e理员", PASSWORD))[0] == (
        "text.control_character"
    )
    admin, uri = identity.run(CreateFirstAdmin(PROVINCE, "ａｄｍｉｎ", "管理员", PASSWORD))
    assert admin.login == "admin"
    identity.clock.advance()
    tokens = identity.run(LogIn("ａｄｍｉｎ", PASSWORD, identity.clock.code(secret_of(uri))))
    assert not isinstance(tokens, PlatformError)
