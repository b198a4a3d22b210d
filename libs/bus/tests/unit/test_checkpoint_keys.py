"""A node's checkpoint key speaks for that node only: a county cannot sign for its neighbour (issue 17, item 3)."""

from __future__ import annotations

import pytest

from hrss.audit.checkpoints import b64
from hrss.auth.keys import SigningKey
from hrss.bus.checkpoints import CheckpointKeys, parse_signing_keys, speaks_for


class Container:
    def __init__(self, audit: dict) -> None:  # type: ignore[type-arg]
        self.config = {"AUDIT": audit}


def keys(audit: dict) -> CheckpointKeys:  # type: ignore[type-arg]
    provider = CheckpointKeys()
    provider.container = Container(audit)  # type: ignore[assignment]
    provider.setup()
    return provider


def test_a_key_speaks_for_the_node_its_kid_names():
    assert speaks_for("330102", "330102") and speaks_for("330102.2027", "330102")
    assert not speaks_for("330103.1", "330102") and not speaks_for("3301021", "330102")


def test_a_trusted_neighbours_key_cannot_vouch_for_another_county():
    neighbour, own = SigningKey.generate("330103.1"), SigningKey.generate("330102.1")
    trusted = {k.kid: k.public_base64() for k in (neighbour, own)}
    provider = keys({"trusted_keys": trusted})
    message = b"HRSS-AUDIT-CHECKPOINT|1|draw|330102|5|..."
    assert provider.trusts("330102", own.kid, message, b64(own.sign(message)))
    assert not provider.trusts("330102", neighbour.kid, message, b64(neighbour.sign(message)))
    assert not provider.trusts("330102", own.kid, message + b"!", b64(own.sign(message)))


def test_signing_keys_come_from_the_environment_form_and_must_name_their_node():
    a, b = SigningKey.generate("330000.1"), SigningKey.generate("330106.local")
    text = f"330000:{a.kid}={a.private_base64()}, 330106:{b.kid}={b.private_base64()}"
    assert {node: key.kid for node, key in parse_signing_keys(text).items()} == {"330000": a.kid, "330106": b.kid}
    with pytest.raises(ValueError, match="does not name node 330102"):
        parse_signing_keys({"330102": f"{a.kid}={a.private_base64()}"})


def test_a_province_without_an_anchor_is_told_what_to_configure(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HRSS_AUDIT_ANCHOR_BUCKET", raising=False)
    with pytest.raises(RuntimeError, match="HRSS_AUDIT_ANCHOR_BUCKET"):
        keys({}).anchor_for("330000")
