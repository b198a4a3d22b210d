"""The login attempts in PostgreSQL, an append-only table: what the lockout of an account is replayed from, the
TOTP steps already used, and the failures of a client address that the login throttle counts. A part of
`SqlAlchemyAccountRepository` kept in its own module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session as DbSession

from identity.adapters.orm import login_attempt
from identity.domain.model import Attempt

RESTARTS = ("ok", "unlocked")  # a successful login and an administrator's unlock: the lockout replays from there
FAILURES = ("failed", "locked")  # what the throttle of a client address counts


class SqlLoginAttempts:
    """The attempt methods of the account repository, in the unit of work's session."""

    db: DbSession

    def attempts_since_last_success(self, account_id: str, since: datetime) -> list[Attempt]:
        restart = (
            select(func.max(login_attempt.c.at))
            .where(login_attempt.c.account_id == account_id, login_attempt.c.outcome.in_(RESTARTS))
            .scalar_subquery()
        )
        rows = self.db.execute(
            select(login_attempt.c.at, login_attempt.c.outcome, login_attempt.c.totp_step)
            .where(
                login_attempt.c.account_id == account_id,
                login_attempt.c.at >= since,
                or_(restart.is_(None), login_attempt.c.at > restart),
            )
            .order_by(login_attempt.c.at, login_attempt.c.id)
        )
        return [Attempt(r.at, r.outcome, r.totp_step) for r in rows]

    def failures_from(self, client: str, since: datetime) -> list[datetime]:
        rows = self.db.execute(
            select(login_attempt.c.at)
            .where(
                login_attempt.c.client == client,
                login_attempt.c.at >= since,
                login_attempt.c.outcome.in_(FAILURES),
            )
            .order_by(login_attempt.c.at)
        )
        return [r.at for r in rows]

    def last_totp_step(self, account_id: str) -> int | None:
        return self.db.execute(
            select(func.max(login_attempt.c.totp_step)).where(
                login_attempt.c.account_id == account_id, login_attempt.c.outcome.in_(("ok", "enrolled"))
            )
        ).scalar_one()

    def add_attempt(
        self,
        login: str,
        account_id: str | None,
        at: datetime,
        outcome: str,
        totp_step: int | None = None,
        client: str | None = None,
    ) -> None:
        self.db.execute(
            insert(login_attempt).values(
                login=login[:64], account_id=account_id, at=at, outcome=outcome, totp_step=totp_step, client=client
            )
        )
