"""What the daily job watches besides visits' results, as the use cases see it: overdue subjects until the events
that end them (for escalation) and lent archives until they come back (for their due dates). Part of the
repository (`NotificationRepository` inherits it); the fake in tests/fakes.py passes the same contract suite."""

from __future__ import annotations

import abc
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from notification.adapters.orm import borrowing_watch, overdue_watch


class WatchRecords(abc.ABC):
    @abc.abstractmethod
    def keep_overdue(self, subject_id: str, kind: str, node: str, supervisor: str | None, due: date, on: date) -> None:
        """An overdue subject as first detected (a later report of the same subject and kind changes nothing; one
        closed before its report was read stays closed)."""

    @abc.abstractmethod
    def close_overdue(self, subject_id: str, kind: str) -> None:
        """The subject's deadline was met after all (a result entered, published, a correction closed): kept even
        before the overdue itself is read (topics are not ordered), so that it is never escalated."""

    @abc.abstractmethod
    def open_overdue(self) -> list[dict[str, Any]]:
        """Every reported overdue subject not closed: subject_id, kind, node, supervisor, due, detected_on; by
        detected_on then subject."""

    @abc.abstractmethod
    def keep_borrowing(self, lent: dict[str, Any], returned: bool) -> None:
        """A lent archive (borrowing_id, archive_id, node, uscc, entity_name, version, borrower, due_back); `returned`
        marks it back, and a return read before its loan is kept returned."""

    @abc.abstractmethod
    def borrowings_out(self, last: date) -> list[dict[str, Any]]:
        """Lent archives not back whose due_back is on or before `last`, by due_back then borrowing id."""


class SqlWatchRecords(WatchRecords):
    session: Session

    def keep_overdue(self, subject_id: str, kind: str, node: str, supervisor: str | None, due: date, on: date) -> None:
        w = overdue_watch
        values = {"node": node, "supervisor": supervisor, "due": due, "detected_on": on}
        upsert = pg_insert(w).values(subject_id=subject_id, kind=kind, closed=False, **values)
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["subject_id", "kind"], set_=values, where=w.c.detected_on.is_(None)
            )
        )

    def close_overdue(self, subject_id: str, kind: str) -> None:
        upsert = pg_insert(overdue_watch).values(subject_id=subject_id, kind=kind, closed=True)
        self.session.execute(upsert.on_conflict_do_update(index_elements=["subject_id", "kind"], set_={"closed": True}))

    def open_overdue(self) -> list[dict[str, Any]]:
        w = overdue_watch
        query = (
            select(w.c.subject_id, w.c.kind, w.c.node, w.c.supervisor, w.c.due, w.c.detected_on)
            .where(w.c.closed.is_(False), w.c.detected_on.isnot(None))
            .order_by(w.c.detected_on, w.c.subject_id, w.c.kind)
        )
        return [dict(r._mapping) for r in self.session.execute(query)]

    def keep_borrowing(self, lent: dict[str, Any], returned: bool) -> None:
        upsert = pg_insert(borrowing_watch).values(**lent, returned=returned)
        if returned:
            statement = upsert.on_conflict_do_update(index_elements=["borrowing_id"], set_={"returned": True})
        else:
            statement = upsert.on_conflict_do_nothing()
        self.session.execute(statement)

    def borrowings_out(self, last: date) -> list[dict[str, Any]]:
        b = borrowing_watch
        query = (
            select(*[c for c in b.c if c.name != "returned"])
            .where(b.c.returned.is_(False), b.c.due_back <= last)
            .order_by(b.c.due_back, b.c.borrowing_id)
        )
        return [dict(r._mapping) for r in self.session.execute(query)]
