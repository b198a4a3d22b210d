"""RFC 6238 time-based one-time passwords: secrets, provisioning URIs, verification with replay protection."""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import time
from collections.abc import Callable
from urllib.parse import quote, urlencode

PERIOD = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now: tolerates 30 s of clock drift or a code typed late

_DIGESTS = {"SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512"}


def generate_secret(nbytes: int = 20) -> str:
    """A random base32 secret (160 bits by default, as RFC 4226 recommends), without padding."""
    return base64.b32encode(secrets.token_bytes(nbytes)).decode("ascii").rstrip("=")


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret; spaces, case and missing padding are tolerated."""
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 4226 HOTP value of `counter`, zero-padded to `digits`."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(at: float, period: int = PERIOD) -> int:
    """The RFC 6238 counter for a Unix time."""
    return int(at // period)


def totp(key: bytes, at: float, *, digits: int = DIGITS, period: int = PERIOD, algorithm: str = "SHA1") -> str:
    """RFC 6238 TOTP value at Unix time `at`."""
    return hotp(key, time_step(at, period), digits=digits, algorithm=algorithm)


def verify(
    secret: str,
    code: str,
    *,
    last_step: int | None = None,
    at: float | None = None,
    window: int = WINDOW,
    clock: Callable[[], float] = time.time,
) -> int | None:
    """The time step `code` matches within ±`window` steps, or None.

    Steps at or before `last_step` (the one the account last used) are refused, so a code cannot be replayed;
    the caller stores the returned step as the new `last_step`.
    """
    candidate = code.replace(" ", "")
    if len(candidate) != DIGITS or not candidate.isascii() or not candidate.isdigit():
        return None
    key = decode_secret(secret)
    now_step = time_step(clock() if at is None else at)
    floor = now_step - window if last_step is None else max(now_step - window, last_step + 1)
    matched = None
    for step in range(now_step - window, now_step + window + 1):
        # every candidate is computed and compared, so the time taken does not reveal which step matched
        if hmac.compare_digest(hotp(key, step), candidate) and matched is None and step >= floor:
            matched = step
    return matched


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": PERIOD},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
