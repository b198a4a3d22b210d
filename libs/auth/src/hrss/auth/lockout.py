"""Login lockout and session inactivity: pure policies over stored state and an injected time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hrss.auth.errors import Unauthenticated


def describe_wait(wait: timedelta) -> str:
    """A remaining wait in Chinese, rounded up: "45 秒", "5 分钟", "2 小时 30 分钟"."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


@dataclass(frozen=True)
class LoginState:
    """What the identity service keeps per account between login attempts."""

    failures: tuple[datetime, ...] = ()
    lockouts: int = 0
    locked_until: datetime | None = None
    last_failure: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may be checked at all, and what to tell the user if not."""

    allowed: bool
    code: str = ""
    message: str = ""
    retry_after: timedelta = field(default=timedelta(0))


@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` failures within `window`, lock for `first_lock`, doubling with each lockout."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=5)
    max_lock: timedelta = timedelta(hours=24)
    forget_after: timedelta = timedelta(hours=24)  # a quiet day after the last failure or lock wipes the escalation

    def lock_duration(self, lockouts: int) -> timedelta:
        """How long the `lockouts`-th lockout (1-based) lasts."""
        duration = self.first_lock
        for _ in range(lockouts - 1):  # a loop, not 2**n: an attacker can drive n high enough to overflow
            if duration >= self.max_lock:
                break
            duration *= 2
        return min(duration, self.max_lock)

    def check(self, state: LoginState, now: datetime) -> Verdict:
        """Before verifying a password: refuse while the account is locked (the attempt is not counted)."""
        if state.locked_until is not None and now < state.locked_until:
            wait = state.locked_until - now
            return Verdict(
                False,
                "login.locked",
                f"登录失败次数过多，账号已暂时锁定，请 {describe_wait(wait)}后再试",
                wait,
            )
        return Verdict(True)

    def record_failure(self, state: LoginState, now: datetime) -> tuple[LoginState, Verdict]:
        """After a wrong password or code: the new state, and the message for the user."""
        lockouts = state.lockouts
        quiet_since = max(filter(None, (state.last_failure, state.locked_until)), default=None)
        if quiet_since is not None and now - quiet_since >= self.forget_after:
            lockouts = 0
        recent = (*(t for t in state.failures if now - t < self.window), now)
        if len(recent) >= self.max_failures:
            lockouts += 1
            until = now + self.lock_duration(lockouts)
            locked = LoginState((), lockouts, until, now)
            return locked, self.check(locked, now)
        left = self.max_failures - len(recent)
        message = f"用户名、密码或动态口令错误，再失败 {left} 次账号将被暂时锁定"
        return LoginState(recent, lockouts, None, now), Verdict(False, "login.failed", message)

    def record_success(self, state: LoginState, now: datetime) -> LoginState:
        """After a successful login: failures and escalation are forgotten."""
        return LoginState()


class SessionExpired(Unauthenticated):
    """A session ended by inactivity or by its absolute lifetime."""


@dataclass(frozen=True)
class SessionPolicy:
    """A session ends after `idle_timeout` without activity, and after `max_lifetime` in any case."""

    idle_timeout: timedelta = timedelta(minutes=30)
    max_lifetime: timedelta = timedelta(hours=12)

    def check(self, started_at: datetime, last_seen: datetime, now: datetime) -> None:
        """Raise `SessionExpired` if the session may no longer be used."""
        if now - started_at >= self.max_lifetime:
            raise SessionExpired("session.expired", "登录已超过最长有效期，请重新登录")
        if now - last_seen >= self.idle_timeout:
            raise SessionExpired("session.idle", f"超过 {describe_wait(self.idle_timeout)}未操作，请重新登录")

    def is_active(self, started_at: datetime, last_seen: datetime, now: datetime) -> bool:
        """`check` as a boolean."""
        try:
            self.check(started_at, last_seen, now)
        except SessionExpired:
            return False
        return True

    def touch(self, started_at: datetime, last_seen: datetime, now: datetime) -> datetime:
        """The new `last_seen` after activity in a live session; raises if it had already ended."""
        self.check(started_at, last_seen, now)
        return now
