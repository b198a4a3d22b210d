"""Sessions that ended before their access tokens expire: a token of such a session is refused at once.

An access token is signed for 10 minutes and checked by every service alone, with public keys; ending its session
at the identity service (logout, enrolment reset, password change, roles changed, account disabled) would leave it
working until it expires. The identity service announces every ended session (`identity.sessions_ended`); each
process keeps the ones whose tokens may still be alive (`hrss.bus.revocations` feeds it) and the `Authenticator`
refuses their tokens with `auth.token_revoked`. An entry is kept for as long as a token issued before the session
ended can be valid (the access lifetime plus the clock leeway), then dropped: the set stays small.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from hrss.auth.tokens import ACCESS_TTL, LEEWAY

KEEP_SECONDS = ACCESS_TTL + 2 * LEEWAY  # a token issued before its session ended lapses within this


class RevokedSessions:
    """Ended session ids, each kept `keep` seconds after it ended; thread-safe."""

    def __init__(self, *, keep: float = KEEP_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self.keep, self.clock = keep, clock
        self._ended: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, session_ids: Iterable[str], ended_at: float) -> None:
        """Remember sessions that ended at `ended_at` (epoch seconds), unless their tokens have lapsed already."""
        now = self.clock()
        if ended_at + self.keep <= now:
            return
        with self._lock:
            for session_id in session_ids:
                self._ended[session_id] = max(ended_at, self._ended.get(session_id, ended_at))
            self._prune(now)

    def is_revoked(self, session_id: str | None) -> bool:
        """Whether tokens of this session are to be refused."""
        if session_id is None:
            return False
        with self._lock:
            ended_at = self._ended.get(session_id)
        return ended_at is not None and ended_at + self.keep > self.clock()

    def __len__(self) -> int:
        with self._lock:
            self._prune(self.clock())
            return len(self._ended)

    def _prune(self, now: float) -> None:
        expired = [sid for sid, at in self._ended.items() if at + self.keep <= now]
        for sid in expired:
            del self._ended[sid]
