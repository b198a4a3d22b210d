"""The fake and the SQL watches (overdue subjects, lent archives) keep the same promises: each test runs on both,
the SQL one on PostgreSQL, so the escalation and reminder tests on the fakes say what production does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from notification.adapters.repository import SqlNotificationRepository
from notification.adapters.watches import WatchRecords
from notification_fakes import FakeNotificationRepository
from notification_testkit import migrate
from sqlalchemy.orm import Session

from hrss.testing.databases import migrated_database


@pytest.fixture(scope="module")
def watch_engine(pg_dsn: str) -> Iterator[sa.Engine]:
    with migrated_database(pg_dsn, "notiwatch", migrate, search_path="notification") as engine:
        yield engine


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def watches(request: pytest.FixtureRequest) -> Iterator[WatchRecords]:
    if request.param == "fake":
        yield FakeNotificationRepository()
        return
    engine = request.getfixturevalue("watch_engine")
    with engine.begin() as connection:
        for table in ("overdue_watch", "borrowing_watch"):
            connection.execute(sa.text(f"DELETE FROM notification.{table}"))
    session = Session(engine)
    try:
        yield SqlNotificationRepository(session)
    finally:
        session.rollback()
        session.close()


def _id() -> str:
    return str(uuid.uuid4())


def test_an_overdue_is_open_until_closed_and_its_first_report_counts(watches: WatchRecords) -> None:
    one, two = _id(), _id()
    watches.keep_overdue(one, "result", "330102", "330100", date(2026, 6, 30), date(2026, 7, 2))
    watches.keep_overdue(two, "publication", "330100", "330000", date(2026, 6, 30), date(2026, 7, 1))
    watches.keep_overdue(one, "result", "330102", "330100", date(2026, 6, 30), date(2026, 7, 9))  # reported again
    assert [(r["subject_id"], r["detected_on"]) for r in watches.open_overdue()] == [
        (two, date(2026, 7, 1)),
        (one, date(2026, 7, 2)),
    ]
    [row] = [r for r in watches.open_overdue() if r["subject_id"] == one]
    assert (row["kind"], row["node"], row["supervisor"], row["due"]) == (
        "result",
        "330102",
        "330100",
        date(2026, 6, 30),
    )
    watches.close_overdue(one, "result")
    watches.close_overdue(two, "result")  # another kind of the same subject: not this one
    assert [r["subject_id"] for r in watches.open_overdue()] == [two]


def test_an_overdue_closed_before_it_is_read_stays_closed(watches: WatchRecords) -> None:
    subject = _id()
    watches.close_overdue(subject, "correction")
    assert watches.open_overdue() == []
    watches.keep_overdue(subject, "correction", "330102", "330100", date(2026, 6, 30), date(2026, 7, 1))
    assert watches.open_overdue() == []


def _lent(n: int, due_back: date) -> dict:  # type: ignore[type-arg]
    return {
        "borrowing_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"watch-borrowing-{n}")),
        "archive_id": _id(),
        "node": "330102",
        "uscc": "91330102MA0000001X",
        "entity_name": f"{n}号公司",
        "version": 1,
        "borrower": "auditor-1",
        "due_back": due_back,
    }


def test_a_loan_is_out_until_returned_and_a_return_read_first_keeps_it_returned(watches: WatchRecords) -> None:
    early, late, back = _lent(1, date(2026, 6, 30)), _lent(2, date(2026, 7, 10)), _lent(3, date(2026, 6, 1))
    watches.keep_borrowing(late, False)
    watches.keep_borrowing(early, False)
    watches.keep_borrowing(early, False)  # redelivered
    watches.keep_borrowing(back, True)  # its return read before its loan
    watches.keep_borrowing(back, False)
    assert watches.borrowings_out(date(2026, 7, 10)) == [early, late]
    assert watches.borrowings_out(date(2026, 7, 9)) == [early]
    watches.keep_borrowing(early, True)
    assert watches.borrowings_out(date(2026, 12, 31)) == [late]
