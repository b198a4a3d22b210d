"""A token bucket per caller address: `burst` requests at once, refilled at `per_minute`. Standard library only.

Per process: a deployment running several replicas gives each its own buckets (the edge proxy in front of them may
limit too); buckets idle long enough to be full again are forgotten, so memory follows the active addresses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    per_minute: int
    burst: int
    clock: Callable[[], float]
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # address → (tokens, at)

    def take(self, address: str) -> int:
        """0 if the request may go on, else the seconds to wait before the next one (Retry-After)."""
        now = self.clock()
        rate = self.per_minute / 60.0
        tokens, at = self._buckets.get(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._buckets[address] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:
                self._forget(now, rate)
            return 0
        self._buckets[address] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / rate))

    def _forget(self, now: float, rate: float) -> None:
        full = self.burst / rate if rate > 0 else math.inf
        for address, (_, at) in list(self._buckets.items()):
            if now - at >= full:
                del self._buckets[address]
