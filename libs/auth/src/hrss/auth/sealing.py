"""Sealed boxes: a short secret (an enrolment code) encrypted to a recipient's X25519 public key, so that only the
holder of the private key opens it and nothing on the way (Kafka, a database, a log) holds it in clear.

One box: a fresh ephemeral X25519 key agrees a secret with the recipient's key; HKDF-SHA256 (salt: both public
keys; info: the context) turns it into a ChaCha20-Poly1305 key; the context is also the associated data, so a box
opens only for the context it was sealed for (an account and the address it goes to): moved to another message it
fails. A token is `hrss-sealed.v1.<kid>.<ephemeral public key>.<nonce + ciphertext>` (base64url).

The identity service seals to every key in its recipient set (each notification deployment's public key, and
during a rotation the new and the old one); a notification sender opens with whichever private key it holds."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "hrss-sealed.v1"
_KID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class SealError(ValueError):
    """A key that cannot be read, or a box no configured key opens (wrong key, altered, other context)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(key: X25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, context: str) -> bytes:
    hkdf = HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=b"hrss-sealed.v1|" + context.encode("utf-8"))
    return hkdf.derive(shared)


def _check_kid(kid: str) -> str:
    if not _KID.match(kid or ""):
        raise SealError(f"密钥标识 {kid!r} 只能由字母、数字、- 和 _ 组成（至多 40 个）")
    return kid


def _pairs(text: str) -> list[tuple[str, str]]:
    found = []
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        kid, sep, value = item.partition("=")
        if not sep:
            raise SealError("密钥应写作 kid=base64，多个以逗号分隔")
        found.append((_check_kid(kid.strip()), value.strip()))
    return found


def _bytes32(value: str, kid: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise SealError(f"密钥 {kid} 必须是 32 字节的 base64")
    return raw


class Recipients:
    """The public keys boxes are sealed to, by key id (`kid=base64,kid=base64`)."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise SealError("未配置接收方公钥")
        self.keys = {_check_kid(kid): X25519PublicKey.from_public_bytes(raw) for kid, raw in keys.items()}

    @classmethod
    def parse(cls, text: str) -> Recipients:
        return cls({kid: _bytes32(value, kid) for kid, value in _pairs(text)})

    def seal(self, secret: str, context: str) -> list[str]:
        """One token per recipient key."""
        return [seal(secret, kid, key, context) for kid, key in self.keys.items()]


class OpeningKeys:
    """The private keys a recipient opens boxes with, by key id (`kid=base64 of the 32-byte raw key`)."""

    def __init__(self, keys: Mapping[str, X25519PrivateKey]) -> None:
        self.keys = {_check_kid(kid): key for kid, key in keys.items()}

    @classmethod
    def parse(cls, text: str) -> OpeningKeys:
        return cls({kid: X25519PrivateKey.from_private_bytes(_bytes32(value, kid)) for kid, value in _pairs(text)})

    @classmethod
    def generate(cls, kid: str) -> OpeningKeys:
        return cls({kid: X25519PrivateKey.generate()})

    def private_text(self) -> str:
        """`kid=base64,…` of the private keys (for a secret store)."""
        from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

        raw = {k: v.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) for k, v in self.keys.items()}
        return ",".join(f"{k}={base64.b64encode(v).decode()}" for k, v in raw.items())

    def public_text(self) -> str:
        """`kid=base64,…` of the public halves (what the sealing side is configured with)."""
        return ",".join(f"{k}={base64.b64encode(_raw(v.public_key())).decode()}" for k, v in self.keys.items())

    def recipients(self) -> Recipients:
        return Recipients({k: _raw(v.public_key()) for k, v in self.keys.items()})

    def open(self, tokens: Iterable[str], context: str) -> str:
        """The secret of the first token a key of ours opens for `context`; SealError when none does."""
        for token in tokens:
            parts = token.split(".")
            if len(parts) != 5 or ".".join(parts[:2]) != PREFIX:
                continue
            kid, ephemeral_text, box = parts[2:]
            key = self.keys.get(kid)
            if key is None:
                continue
            try:
                ephemeral, sealed = _unb64(ephemeral_text), _unb64(box)
                shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
                aead = ChaCha20Poly1305(_key(shared, ephemeral, _raw(key.public_key()), context))
                return aead.decrypt(sealed[:12], sealed[12:], context.encode("utf-8")).decode("utf-8")
            except (InvalidTag, ValueError):
                continue
        raise SealError("没有可用的私钥能打开该密文（密钥不符、内容被改动或用途不符）")


def seal(secret: str, kid: str, recipient: X25519PublicKey, context: str) -> str:
    """`secret` sealed to `recipient` for `context`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw, recipient_raw = _raw(ephemeral.public_key()), _raw(recipient)
    key = _key(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw, context)
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(key).encrypt(nonce, secret.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}.{_check_kid(kid)}.{_b64(ephemeral_raw)}.{_b64(nonce + sealed)}"


def code_context(account_id: str, address: str) -> str:
    """What an enrolment code is sealed for: the account and the one address it may be sent to."""
    return f"enrolment-code|{account_id}|{address}"
