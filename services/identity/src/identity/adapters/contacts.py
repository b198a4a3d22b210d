"""Holders' contacts in PostgreSQL (append-only `account_contact`): a part of `SqlAlchemyAccountRepository` kept in
its own module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DbSession

from identity.adapters.orm import account_contact
from identity.domain.contact import AccountContact


class SqlAccountContacts:
    """The contact methods of the account repository, in the unit of work's session."""

    db: DbSession

    def add_contact(self, contact: AccountContact, by: str, at: datetime) -> int:
        c = account_contact.c
        latest = self.db.execute(select(func.max(c.version)).where(c.account_id == contact.account_id)).scalar()
        version = int(latest or 0) + 1
        self.db.execute(
            insert(account_contact).values(
                account_id=contact.account_id,
                version=version,
                email=contact.email,
                mobile=contact.mobile,
                given_by=by,
                given_at=at,
            )
        )
        return version

    def contact(self, account_id: str) -> AccountContact | None:
        c = account_contact.c
        row = self.db.execute(
            select(account_contact).where(c.account_id == account_id).order_by(c.version.desc()).limit(1)
        ).first()
        if row is None:
            return None
        return AccountContact(str(row.account_id), row.email, row.mobile, row.version, row.given_by, row.given_at)
