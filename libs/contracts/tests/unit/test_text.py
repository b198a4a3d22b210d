"""Logins and display text: what people type is refused when it could mislead the people who read it."""

from __future__ import annotations

import pytest

from hrss.contracts.errors import InvalidRecord
from hrss.contracts.text import check_display_text, check_login


def refusal(check, value: str, field: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidRecord) as refused:
        check(value, field)
    [error] = refused.value.errors
    assert refused.value.status == 400 and refused.value.code == error.code
    return error.field, error.code, error.message


def test_logins_of_ascii_letters_digits_dot_underscore_hyphen_or_chinese_pass_in_nfkc_form() -> None:
    for login in ("admin", "li.si_2026-x", "张三", "zhang.三"):
        assert check_login(login) == login
    assert check_login("ａｄｍｉｎ１") == "admin1"  # full-width letters are the ASCII ones


def test_a_cyrillic_or_greek_letter_that_looks_latin_is_refused_as_confusable() -> None:
    for login in ("\u0430dmin", "r\u043e\u043et", "\u03bfperator", "\u0410DMIN"):
        field, code, message = refusal(check_login, login, "login")
        assert (field, code) == ("login", "login.confusable")
        assert "外观与英文字母相同" in message


def test_other_characters_in_a_login_are_refused_naming_the_field() -> None:
    for login in ("li si", "li@si", "管理员！", "🙂", "ü"):
        field, code, message = refusal(check_login, login, "login")
        assert (field, code) == ("login", "login.invalid_characters") and message.startswith("login 只能由")


def test_control_bidi_zero_width_and_private_use_characters_are_refused_in_display_text() -> None:
    for text in ("invoice\u202egnp.pdf.png", "李\u200b四", "\u2066张三\u2069", "a\x00b", "行\n政", "\ue000x"):
        field, code, message = refusal(check_display_text, text, "name")
        assert (field, code) == ("name", "text.control_character") and "U+" in message
    field, code, _ = refusal(check_login, "ad\u200dmin", "login")
    assert (field, code) == ("login", "text.control_character")


def test_ordinary_names_and_file_names_pass_unchanged() -> None:
    for text in ("李四", "José Müller", "检查记录（2026）.pdf", "O'Brien-Smith", "ﬁle"):
        assert check_display_text(text, "file_name") == text
