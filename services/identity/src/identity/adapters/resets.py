"""Requests to reset an administrator's enrolment and their approvals in PostgreSQL (append-only tables): a part
of `SqlAlchemyAccountRepository` kept in its own module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session as DbSession

from identity.adapters.orm import reset_approval, reset_request
from identity.domain.model import ResetRequest


class SqlResetRequests:
    """The reset-request methods of the account repository, in the unit of work's session."""

    db: DbSession

    def add_reset_request(self, account_id: str, by: str, at: datetime, reason: str | None) -> int:
        return int(
            self.db.execute(
                insert(reset_request)
                .values(account_id=account_id, requested_by=by, requested_at=at, reason=reason)
                .returning(reset_request.c.id)
            ).scalar_one()
        )

    def latest_reset_request(self, account_id: str) -> ResetRequest | None:
        row = self.db.execute(
            select(reset_request, reset_approval.c.approved_by, reset_approval.c.approved_at)
            .select_from(reset_request.outerjoin(reset_approval, reset_approval.c.request_id == reset_request.c.id))
            .where(reset_request.c.account_id == account_id)
            .order_by(reset_request.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return ResetRequest(
            row.id,
            str(row.account_id),
            row.requested_by,
            row.requested_at,
            row.reason,
            row.approved_by,
            row.approved_at,
        )

    def approve_reset_request(self, request_id: int, by: str, at: datetime) -> None:
        self.db.execute(insert(reset_approval).values(request_id=request_id, approved_by=by, approved_at=at))
