"""How many failed logins one client address may make before it must wait: a sliding window over the recorded
attempts, so that one caller cannot guess at every account (or lock them all out) from one address."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AddressThrottle:
    """At most `max_failures` failed logins from one address within `window`."""

    max_failures: int = 20
    window: timedelta = timedelta(minutes=15)

    def wait(self, failures: Iterable[datetime], now: datetime) -> timedelta | None:
        """How long the address must wait before its next login is checked; None if it need not."""
        recent = sorted(at for at in failures if now - at < self.window)
        if len(recent) < self.max_failures:
            return None
        # the address may try again once enough of its failures have left the window
        return recent[len(recent) - self.max_failures] + self.window - now
