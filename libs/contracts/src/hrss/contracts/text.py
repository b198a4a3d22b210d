"""Checks for text that people type and other people read: logins (NFKC-normalised ASCII or CJK, no look-alikes of
ASCII letters) and display text such as names and file names (no control, bidirectional-override, invisible or
private-use characters). Each refusal is an `InvalidRecord` naming the field, with a stable code."""

from __future__ import annotations

import unicodedata

from hrss.contracts.errors import FieldError, InvalidRecord

CONTROL = "text.control_character"
LOGIN_INVALID = "login.invalid_characters"
LOGIN_CONFUSABLE = "login.confusable"

_LOGIN_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

# CJK ideographs: the unified blocks and extensions, and the compatibility ideographs NFKC leaves alone.
_CJK = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBEF),
    (0x30000, 0x3134F),
)

# Letters of other scripts that NFKC keeps but that read as ASCII letters or digits (Unicode confusables,
# the Cyrillic, Greek and Armenian ones that matter for Latin logins): "аdmin" with a Cyrillic а.
_LOOK_ALIKES = frozenset(
    "аеорсухіјѕԁԛԝһӏɡАВЕКМНОРСТХІЈЅԜӀ"  # Cyrillic
    "αβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧϳ"  # Greek
    "օսոցհ"  # Armenian
    "ıɑɩɪʏ"  # Latin letters outside ASCII that pass for ASCII ones
)

# Categories never allowed in display text: control (Cc), format (Cf: bidi embeddings and overrides U+202A–U+202E,
# isolates U+2066–U+2069, zero-width characters, the BOM), private use (Co), lone surrogates (Cs).
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs"})


def _refuse(field: str, code: str, message: str) -> InvalidRecord:
    return InvalidRecord([FieldError(field, code, message)])


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def _is_cjk(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in _CJK)


def check_display_text(value: str, field: str = "name") -> str:
    """`value` unchanged, or `InvalidRecord` (`text.control_character`) if it holds a control, format or
    private-use character (U+202E in `invoice\\u202egnp.pdf.png` would show it reversed)."""
    for char in value:
        if unicodedata.category(char) in _HIDDEN:
            raise _refuse(field, CONTROL, f"{field} 含有控制字符或不可见字符（{_codepoint(char)}），请删除后重试")
    return value


def check_login(value: str, field: str = "login") -> str:
    """The login in NFKC form (full-width letters become ASCII), or `InvalidRecord`: control or invisible
    characters (`text.control_character`), a letter of another script that looks like an ASCII one
    (`login.confusable`), anything but ASCII letters, digits, `.`, `_`, `-` and CJK ideographs
    (`login.invalid_characters`)."""
    check_display_text(value, field)
    login = unicodedata.normalize("NFKC", value)
    check_display_text(login, field)
    for char in login:
        if char in _LOGIN_ASCII or _is_cjk(char):
            continue
        if char in _LOOK_ALIKES:
            raise _refuse(
                field,
                LOGIN_CONFUSABLE,
                f"{field} 中的「{char}」（{_codepoint(char)}）是外观与英文字母相同的其他文字字母，请改用英文字母",
            )
        raise _refuse(
            field,
            LOGIN_INVALID,
            f"{field} 只能由英文字母、数字、点（.）、下划线（_）、连字符（-）或汉字组成，不能含有「{char}」",
        )
    return login
