"""TOTP secrets encrypted at rest with AES-256-GCM; the key id is stored with each ciphertext for rotation."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SecretCipherError(ValueError):
    """A key that cannot be read, or a ciphertext no configured key opens."""


class AesGcmSecretCipher:
    """Encrypts with the first key; decrypts with whichever key the ciphertext names."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise SecretCipherError("未配置 TOTP 密钥加密密钥（HRSS_IDENTITY_TOTP_KEY）")
        for kid, key in keys.items():
            if len(key) != 32 or ":" in kid:
                raise SecretCipherError(f"TOTP 加密密钥 {kid} 必须是 32 字节（base64），且 kid 不含冒号")
        self._keys = dict(keys)
        self._current = next(iter(keys))

    @classmethod
    def parse(cls, text: str) -> AesGcmSecretCipher:
        """Keys from `kid=base64,kid=base64` (the first encrypts)."""
        keys = {}
        for item in filter(None, (part.strip() for part in (text or "").split(","))):
            kid, sep, value = item.partition("=")
            if not sep:
                raise SecretCipherError("TOTP 加密密钥格式应为 kid=base64")
            try:
                keys[kid.strip()] = base64.b64decode(value.strip() + "=" * (-len(value.strip()) % 4), validate=True)
            except ValueError:
                raise SecretCipherError(f"TOTP 加密密钥 {kid} 不是有效的 base64") from None
        return cls(keys)

    def encrypt(self, plaintext: str, associated: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._keys[self._current]).encrypt(nonce, plaintext.encode(), associated.encode())
        return ":".join([self._current, _b64(nonce), _b64(sealed)])

    def decrypt(self, stored: str, associated: str) -> str:
        try:
            kid, nonce, sealed = stored.split(":")
            return AESGCM(self._keys[kid]).decrypt(_unb64(nonce), _unb64(sealed), associated.encode()).decode()
        except Exception:
            raise SecretCipherError("无法解密 TOTP 密钥（密钥已轮换或数据损坏）") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
