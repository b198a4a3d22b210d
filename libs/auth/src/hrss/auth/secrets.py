"""Secrets and personal data encrypted at rest with AES-256-GCM; the key id is stored with each ciphertext for rotation.

The identity service keeps TOTP secrets this way, the registry national ID numbers and phone numbers."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SecretCipherError(ValueError):
    """A key that cannot be read, or a ciphertext no configured key opens."""


class AesGcmSecretCipher:
    """Encrypts with the first key; decrypts with whichever key the ciphertext names."""

    def __init__(
        self, keys: dict[str, bytes], purpose: str = "TOTP 密钥", setting: str = "HRSS_IDENTITY_TOTP_KEY"
    ) -> None:
        self.purpose = purpose
        if not keys:
            raise SecretCipherError(f"未配置{purpose}的加密密钥（{setting}）")
        for kid, key in keys.items():
            if len(key) != 32 or ":" in kid:
                raise SecretCipherError(f"{purpose}加密密钥 {kid} 必须是 32 字节（base64），且 kid 不含冒号")
        self._keys = dict(keys)
        self._current = next(iter(keys))

    @classmethod
    def parse(
        cls, text: str, purpose: str = "TOTP 密钥", setting: str = "HRSS_IDENTITY_TOTP_KEY"
    ) -> AesGcmSecretCipher:
        """Keys from `kid=base64,kid=base64` (the first encrypts)."""
        keys = {}
        for item in filter(None, (part.strip() for part in (text or "").split(","))):
            kid, sep, value = item.partition("=")
            if not sep:
                raise SecretCipherError(f"{purpose}加密密钥格式应为 kid=base64（{setting}）")
            try:
                keys[kid.strip()] = base64.b64decode(value.strip() + "=" * (-len(value.strip()) % 4), validate=True)
            except ValueError:
                raise SecretCipherError(f"{purpose}加密密钥 {kid} 不是有效的 base64") from None
        return cls(keys, purpose, setting)

    def encrypt(self, plaintext: str, associated: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._keys[self._current]).encrypt(nonce, plaintext.encode(), associated.encode())
        return ":".join([self._current, _b64(nonce), _b64(sealed)])

    def decrypt(self, stored: str, associated: str) -> str:
        try:
            kid, nonce, sealed = stored.split(":")
            return AESGCM(self._keys[kid]).decrypt(_unb64(nonce), _unb64(sealed), associated.encode()).decode()
        except Exception:
            raise SecretCipherError(f"无法解密{self.purpose}（密钥已轮换或数据损坏）") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
