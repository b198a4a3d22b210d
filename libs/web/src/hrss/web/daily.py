"""Daily jobs on a timer, for any `HttpService`: a nameko `timer` ticks every minute and, once the configured time
of day in China Standard Time has passed (top-level config `DAILY_AT`, "HH:MM"; config.yaml reads `HRSS_DAILY_AT`;
absent or empty: never), runs the service's `daily_jobs(ctx, day)` for today as the service itself, in the worker's
one transaction, once a day per service container (`hrss.workdays.DailyClock`).

The jobs must be idempotent (each keys what it records or sends). Two replicas firing at once: the one that takes
the transaction's PostgreSQL advisory lock `<service>.daily` runs; the other finds it taken and tries again at its
next tick, after the first committed, and makes nothing new. A failed run is tried again at the next tick. Every
run is counted (`hrss_daily_runs_total{service, outcome=ran|busy|failed}`) and logged with what the jobs answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from prometheus_client import Counter
from sqlalchemy import text

from hrss.contracts import utcnow
from hrss.workdays import DailyClock, parse_daily_at

log = logging.getLogger(__name__)
RUNS = Counter("hrss_daily_runs_total", "Daily job runs on the timer", ["service", "outcome"])
TICK_SECONDS = 60


def hold_lock(session: Any, name: str) -> bool:
    """Take the transaction's advisory lock `name` if no one holds it (released at commit or rollback)."""
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": name}).scalar())


def daily_at(value: object) -> str:
    """The configured time of day as "HH:MM". YAML 1.1 (nameko's config loader) reads an unquoted 10:30 as the
    base-60 integer 630, so an integer is turned back into hours and minutes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60:02d}:{value % 60:02d}"
    return str(value or "")


class DailySchedule(DependencyProvider):  # type: ignore[misc]
    """The container's `DailyClock` (nameko makes a service instance per worker, so it cannot live there)."""

    def setup(self) -> None:
        self.clock = DailyClock(parse_daily_at(daily_at(self.container.config.get("DAILY_AT"))))

    def get_dependency(self, worker_ctx: Any) -> DailyClock:
        return self.clock


class DailyJobs:
    """Mixin: define `daily_jobs(ctx, day) -> dict` in the service; the timer runs it (see the module)."""

    daily_clock = DailySchedule()
    db: Any
    name: str
    _as_service: Callable[[], Any]  # from HttpService

    def daily_jobs(self, ctx: Any, day: date) -> dict[str, Any]:
        raise NotImplementedError

    @timer(interval=TICK_SECONDS)
    def run_daily_jobs(self) -> dict[str, Any] | None:
        clock: DailyClock = self.daily_clock  # type: ignore[assignment]
        day = clock.due(utcnow())
        if day is None:
            return None
        if not hold_lock(self.db.session, f"{self.name}.daily"):
            RUNS.labels(self.name, "busy").inc()
            log.info("daily jobs of %s: another replica holds the lock; next tick", day)
            return None
        try:
            done = self.daily_jobs(self._as_service(), day)
        except Exception:
            RUNS.labels(self.name, "failed").inc()
            log.exception("daily jobs of %s failed; tried again at the next tick", day)
            raise
        clock.done(day)
        RUNS.labels(self.name, "ran").inc()
        log.info("daily jobs of %s ran: %s", day, done)
        return done
