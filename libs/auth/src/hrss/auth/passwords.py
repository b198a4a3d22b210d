"""Password policy and argon2id hashes that are upgraded when the parameters change."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from hrss.auth.errors import WeakPassword

MIN_LENGTH = 12
MAX_LENGTH = 128  # argon2 takes any length; the cap keeps a login request from costing more than it should


def character_classes(password: str) -> set[str]:
    """The classes a password draws on: lower, upper, digit, other (symbols, spaces, CJK…)."""
    classes = set()
    for char in password:
        if char.isdigit():
            classes.add("digit")
        elif char.islower():
            classes.add("lower")
        elif char.isupper():
            classes.add("upper")
        else:
            classes.add("other")
    return classes


def check_password_policy(password: str, *, login: str | None = None) -> None:
    """Raise `WeakPassword` unless the password is long enough, mixes classes and does not contain the login."""
    normalized = unicodedata.normalize("NFKC", password)
    if len(normalized) < MIN_LENGTH:
        raise WeakPassword("password.too_short", f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(normalized) > MAX_LENGTH:
        raise WeakPassword("password.too_long", f"密码不能超过 {MAX_LENGTH} 个字符")
    if len(character_classes(normalized)) < 2:
        raise WeakPassword("password.single_class", "密码不能只由一类字符组成，请混合使用大小写字母、数字或符号")
    if login and len(login) >= 3 and login.casefold() in normalized.casefold():
        raise WeakPassword("password.contains_login", "密码不能包含登录名")


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost; the defaults are RFC 9106's second recommendation (64 MiB, 3 passes, 4 lanes)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


class Passwords:
    """Hashes and verifies passwords with argon2id; says when a stored hash should be replaced."""

    def __init__(self, parameters: Argon2Parameters | None = None) -> None:
        p = parameters or Argon2Parameters()
        self._hasher = PasswordHasher(
            time_cost=p.time_cost, memory_cost=p.memory_cost_kib, parallelism=p.parallelism, type=Type.ID
        )
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """A new PHC-format argon2id hash (`$argon2id$v=19$m=…`) with a fresh salt."""
        return self._hasher.hash(unicodedata.normalize("NFKC", password))

    def verify(self, stored_hash: str, password: str) -> bool:
        """True if the password matches; a malformed or foreign hash is a mismatch, not a crash."""
        try:
            return self._hasher.verify(stored_hash, unicodedata.normalize("NFKC", password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True if the hash was made with other parameters or another variant than the current ones."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True

    def verify_and_upgrade(self, stored_hash: str, password: str) -> tuple[bool, str | None]:
        """Verify; on success also return a new hash to store when the old one is outdated."""
        if not self.verify(stored_hash, password):
            return False, None
        return True, (self.hash(password) if self.needs_rehash(stored_hash) else None)

    def verify_unknown_account(self, password: str) -> bool:
        """Spend the time of a real verification, so a login for an unknown account is not faster; always False."""
        if self._dummy is None:
            self._dummy = self.hash("unknown-account-placeholder")
        self.verify(self._dummy, password)
        return False
