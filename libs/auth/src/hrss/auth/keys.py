"""Ed25519 signing keys for the identity service and the public key set every service verifies with."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat


class InvalidKey(ValueError):
    """A key or key set that cannot be read from configuration."""


def _decode_key(text: str, what: str) -> bytes:
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKey(f"{what} 不是有效的 base64") from None
    if len(raw) != 32:
        raise InvalidKey(f"{what} 必须是 32 字节的 Ed25519 原始密钥，实际 {len(raw)} 字节")
    return raw


def _encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A private key and its key id (`kid`); held only by the identity service."""

    kid: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, kid: str | None = None) -> SigningKey:
        """A fresh key; the kid defaults to a random one."""
        return cls(kid or secrets.token_hex(4), Ed25519PrivateKey.generate())

    @classmethod
    def from_base64(cls, kid: str, text: str) -> SigningKey:
        """A key from its 32-byte raw private seed in base64."""
        return cls(kid, Ed25519PrivateKey.from_private_bytes(_decode_key(text, f"签名私钥 {kid}")))

    @classmethod
    def parse(cls, text: str) -> SigningKey:
        """A key from a secret-store value `kid=base64 seed` (a service's `AUTH.service_key`)."""
        kid, sep, seed = text.strip().partition("=")
        if not sep or not kid.strip():
            raise InvalidKey("服务签名密钥应为 kid=私钥种子（base64）")
        return cls.from_base64(kid.strip(), seed)

    def private_base64(self) -> str:
        """The raw private seed in base64, for the identity service's secret store."""
        return _encode_key(self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    def public_base64(self) -> str:
        """The raw public key in base64, for every service's `AUTH.public_keys`."""
        return _encode_key(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


class KeySet:
    """The public keys a verifier trusts, by kid; keeping old and new keys side by side lets keys rotate."""

    def __init__(self, keys: Mapping[str, Ed25519PublicKey]) -> None:
        if not keys:
            raise InvalidKey("未配置任何令牌验证公钥（AUTH.public_keys 或 HRSS_AUTH_PUBLIC_KEYS）")
        self._keys = dict(keys)

    @classmethod
    def from_base64(cls, keys: Mapping[str, str]) -> KeySet:
        """Keys from `{kid: base64 raw public key}`."""
        return cls(
            {
                str(kid): Ed25519PublicKey.from_public_bytes(_decode_key(str(text), f"公钥 {kid}"))
                for kid, text in keys.items()
            }
        )

    @classmethod
    def parse(cls, text: str) -> KeySet:
        """Keys from an environment value: a JSON object, or `kid=base64,kid=base64`."""
        text = text.strip()
        if text.startswith("{"):
            try:
                mapping = json.loads(text)
            except json.JSONDecodeError:
                raise InvalidKey("HRSS_AUTH_PUBLIC_KEYS 不是有效的 JSON") from None
            if not isinstance(mapping, dict):
                raise InvalidKey("HRSS_AUTH_PUBLIC_KEYS 必须是 {kid: 公钥} 对象")
            return cls.from_base64(mapping)
        pairs = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            kid, sep, key = item.partition("=")
            if not sep or not kid.strip():
                raise InvalidKey(f"HRSS_AUTH_PUBLIC_KEYS 的条目应为 kid=公钥：{item[:16]!r}")
            pairs[kid.strip()] = key
        return cls.from_base64(pairs)

    @classmethod
    def of(cls, *signing_keys: SigningKey) -> KeySet:
        """The public halves of signing keys (tests and the identity service itself)."""
        return cls({k.kid: k.private.public_key() for k in signing_keys})

    def get(self, kid: str) -> Ed25519PublicKey | None:
        return self._keys.get(kid)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(sorted(self._keys))
