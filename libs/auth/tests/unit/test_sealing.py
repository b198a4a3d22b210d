"""Sealed boxes (hrss.auth.sealing): a code sealed to a recipient's key opens only with that key, only for the
context it was sealed for, and not at all once a byte of it has changed; the token never holds the code."""

from __future__ import annotations

import base64

import pytest

from hrss.auth.sealing import OpeningKeys, Recipients, SealError, code_context

CODE = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
CONTEXT = code_context("6f1c8a52-3d0e-4f5b-9a57-2b7e4c1d9e10", "li@example.gov.cn")


def test_a_sealed_code_opens_with_the_recipients_key_for_its_context() -> None:
    notification = OpeningKeys.generate("n1")
    tokens = Recipients.parse(notification.public_text()).seal(CODE, CONTEXT)
    assert len(tokens) == 1 and tokens[0].startswith("hrss-sealed.v1.n1.")
    assert notification.open(tokens, CONTEXT) == CODE


def test_the_token_holds_no_trace_of_the_code_and_two_seals_differ() -> None:
    recipients = OpeningKeys.generate("n1").recipients()
    first, second = recipients.seal(CODE, CONTEXT)[0], recipients.seal(CODE, CONTEXT)[0]
    assert first != second  # a fresh ephemeral key and nonce each time
    for token in (first, second):
        assert CODE not in token and CODE.replace("-", "") not in token
        body = base64.urlsafe_b64decode(token.split(".")[-1] + "==")
        assert CODE.encode() not in body


def test_another_key_does_not_open_it() -> None:
    tokens = OpeningKeys.generate("n1").recipients().seal(CODE, CONTEXT)
    with pytest.raises(SealError):
        OpeningKeys.generate("n1").open(tokens, CONTEXT)  # the same key id, another key
    with pytest.raises(SealError):
        OpeningKeys.generate("n2").open(tokens, CONTEXT)  # a key id the token does not name


@pytest.mark.parametrize("part", [3, 4])
def test_a_tampered_token_is_refused(part: int) -> None:
    keys = OpeningKeys.generate("n1")
    [token] = keys.recipients().seal(CODE, CONTEXT)
    pieces = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(pieces[part] + "=="))
    raw[-1] ^= 0x01
    pieces[part] = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(SealError):
        keys.open([".".join(pieces)], CONTEXT)


def test_a_box_moved_to_another_account_or_address_is_refused() -> None:
    keys = OpeningKeys.generate("n1")
    tokens = keys.recipients().seal(CODE, CONTEXT)
    with pytest.raises(SealError):
        keys.open(tokens, code_context("6f1c8a52-3d0e-4f5b-9a57-2b7e4c1d9e10", "someone.else@example.gov.cn"))
    with pytest.raises(SealError):
        keys.open(tokens, code_context("00000000-0000-0000-0000-000000000000", "li@example.gov.cn"))


def test_during_a_rotation_either_key_opens_its_own_box() -> None:
    old, new = OpeningKeys.generate("old"), OpeningKeys.generate("new")
    tokens = Recipients.parse(f"{old.public_text()},{new.public_text()}").seal(CODE, CONTEXT)
    assert len(tokens) == 2
    assert old.open(tokens, CONTEXT) == CODE and new.open(tokens, CONTEXT) == CODE
    both = OpeningKeys.parse(f"{new.private_text()},{old.private_text()}")
    assert both.open(tokens[:1], CONTEXT) == CODE and both.open(tokens[1:], CONTEXT) == CODE


def test_keys_that_cannot_be_read_fail_with_a_clear_error() -> None:
    with pytest.raises(SealError, match="未配置"):
        Recipients.parse("")
    with pytest.raises(SealError, match="32"):
        Recipients.parse("n1=c2hvcnQ=")
    with pytest.raises(SealError, match="kid=base64"):
        OpeningKeys.parse("no-key-id")
    with pytest.raises(SealError, match="密钥标识"):
        Recipients.parse("bad.kid=" + base64.b64encode(bytes(32)).decode())
    with pytest.raises(SealError):
        OpeningKeys.generate("n1").open(["not a token", "hrss-sealed.v1.n1.%%%.%%%"], CONTEXT)
