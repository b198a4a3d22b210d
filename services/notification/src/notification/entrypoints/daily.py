"""The daily jobs on a timer: every minute the service asks whether today's run is due (the configured time of day
in China Standard Time has passed, `NOTIFICATION.daily_at`), and if so runs the reminders (results and borrowed
archives coming due or overdue) and the escalation as the service itself, in one transaction.

Two replicas firing at once: the first takes a PostgreSQL advisory lock for the transaction and runs; the other
finds it taken and tries again a minute later, when the first has committed, and makes nothing new (every
notification of the jobs is keyed by subject, kind and lead time or level). Each run is counted
(`notification_daily_runs_total{outcome}`) and logged with its figures."""

from __future__ import annotations

import logging
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from prometheus_client import Counter
from sqlalchemy import text

from hrss.workdays import DailyClock, parse_daily_at
from notification.service_layer import handlers
from notification.service_layer.commands import RunEscalations, RunReminders

log = logging.getLogger(__name__)
RUNS = Counter("notification_daily_runs_total", "Daily job runs on the timer", ["outcome"])  # ran, busy, failed
LOCK = "notification.daily"
TICK_SECONDS = 60


def hold_lock(session: Any, name: str) -> bool:
    """Take the transaction's advisory lock `name` if no one holds it (released at commit or rollback)."""
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": name}).scalar())


class DailySchedule(DependencyProvider):  # type: ignore[misc]
    """One `DailyClock` per service container (nameko makes a service instance per worker, so it cannot live on
    the instance); made from the components' `daily_at` at the first tick."""

    def setup(self) -> None:
        self.clock: DailyClock | None = None

    def get_dependency(self, worker_ctx: Any) -> DailySchedule:
        return self

    def of(self, daily_at: str) -> DailyClock:
        if self.clock is None:
            self.clock = DailyClock(parse_daily_at(daily_at))
        return self.clock


class DailyJobs:
    """Mixin of the notification service: the timer entrypoint of the daily jobs."""

    schedule = DailySchedule()
    db: Any

    def _as_service(self) -> Any: ...  # from hrss.web.HttpService

    @timer(interval=TICK_SECONDS)
    def run_daily_jobs(self) -> dict[str, Any] | None:
        ctx = self._as_service()
        clock = self.schedule.of(ctx.components.daily_at)
        day = clock.due(ctx.components.clock())
        if day is None:
            return None
        if not hold_lock(self.db.session, LOCK):
            RUNS.labels("busy").inc()
            log.info("daily jobs of %s: another replica is running them", day)
            return None
        try:
            done = {
                "reminders": handlers.handle(RunReminders(day), ctx),
                "escalations": handlers.handle(RunEscalations(day), ctx),
            }
        except Exception:
            RUNS.labels("failed").inc()
            log.exception("daily jobs of %s failed; tried again at the next tick", day)
            raise
        clock.done(day)
        RUNS.labels("ran").inc()
        log.info("daily jobs of %s ran", day, extra={"daily": done})
        return done
