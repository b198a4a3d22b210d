"""The reporting repository: the read models kept from events, and the node's entries and submitted reports.
`SqlReportingRepository` keeps them in PostgreSQL; tests/fakes.py keeps them in memory; both pass
tests/integration/test_repository_contract.py. Facts are merged in SQL by the rules of domain/merging.py."""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from reporting.adapters.orm import (
    confirmation_fact,
    draw_fact,
    follow_up_fact,
    inspection_fact,
    missed_deadline,
    report_entries,
    report_submission,
    task_fact,
)
from reporting.domain.facts import (
    Confirmation,
    DrawFact,
    Facts,
    FollowUpFact,
    InspectionFact,
    MissedDeadline,
    TaskFact,
    prefix_of,
)


class ReportingRepository(abc.ABC):
    @abc.abstractmethod
    def keep_task(self, fact: TaskFact) -> None:
        """Merged with what is kept (domain.merging.merge_task)."""

    @abc.abstractmethod
    def keep_draw(self, fact: DrawFact) -> None:
        """Merged with what is kept (merge_draw)."""

    @abc.abstractmethod
    def keep_inspection(self, fact: InspectionFact) -> None:
        """A visit's approved result; a lower version than the one kept changes nothing."""

    @abc.abstractmethod
    def keep_confirmation(self, fact: Confirmation) -> None:
        """The first publication record of a result; a second changes nothing."""

    @abc.abstractmethod
    def keep_follow_up(self, fact: FollowUpFact) -> None:
        """Merged with what is kept (merge_follow_up)."""

    @abc.abstractmethod
    def keep_missed(self, fact: MissedDeadline) -> None:
        """Once per task and result."""

    @abc.abstractmethod
    def facts(self, node: str) -> Facts:
        """Every fact of `node`'s subtree (facts named by the node they belong to), and the tasks of the levels
        above that its inspections were drawn for (so that their joint and credit flags count here too)."""

    @abc.abstractmethod
    def add_entries(self, node: str, month: str, entries: dict[str, Any], by: str, at: datetime) -> int:
        """A new version of the node's entries for the month; its number."""

    @abc.abstractmethod
    def entries(self, node: str, month: str) -> tuple[int, dict[str, Any]] | None:
        """The latest version of the node's entries for the month and its number, if any."""

    @abc.abstractmethod
    def add_submission(self, node: str, month: str, record: dict[str, Any]) -> int:
        """A submitted report (entries_version, report, report_sha256, reason, submitted_by, submitted_at); its
        version number (1, 2, …)."""

    @abc.abstractmethod
    def submissions(self, node: str, month: str) -> list[dict[str, Any]]:
        """Every submitted version of the node's report for the month, oldest first."""


def _date_min(column: Any, value: Any) -> Any:
    """The earlier of the kept and the new date, either possibly NULL."""
    return func.least(column, value)


class SqlReportingRepository(ReportingRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def keep_task(self, fact: TaskFact) -> None:
        t = task_fact
        values = _row(fact)
        upsert = pg_insert(t).values(**values)
        ex = upsert.excluded
        attributes = {
            k: getattr(ex, k) for k in values if k not in ("task_id", "published_on", "completed_on", "cancelled")
        }
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["task_id"],
                set_={
                    **attributes,
                    "published_on": _date_min(t.c.published_on, ex.published_on),
                    "completed_on": _date_min(t.c.completed_on, ex.completed_on),
                    "cancelled": t.c.cancelled | ex.cancelled,
                },
            )
        )

    def keep_draw(self, fact: DrawFact) -> None:
        d = draw_fact
        upsert = pg_insert(d).values(**_row(fact))
        ex = upsert.excluded
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["draw_id"],
                set_={
                    "eligible": func.coalesce(d.c.eligible, ex.eligible),
                    "picks": func.coalesce(d.c.picks, ex.picks),
                    "completed_on": func.coalesce(d.c.completed_on, ex.completed_on),
                },
            )
        )

    def keep_inspection(self, fact: InspectionFact) -> None:
        i = inspection_fact
        values = _row(fact)
        upsert = pg_insert(i).values(**values)
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["visit_id"],
                set_={k: getattr(upsert.excluded, k) for k in values if k != "visit_id"},
                where=upsert.excluded.version > i.c.version,
            )
        )

    def keep_confirmation(self, fact: Confirmation) -> None:
        self.session.execute(pg_insert(confirmation_fact).values(**_row(fact)).on_conflict_do_nothing())

    def keep_follow_up(self, fact: FollowUpFact) -> None:
        f = follow_up_fact
        upsert = pg_insert(f).values(**_row(fact))
        ex = upsert.excluded
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["follow_up_id"],
                set_={
                    c: func.coalesce(getattr(f.c, c), getattr(ex, c)) for c in ("kind", "opened_on", "due", "closed_on")
                },
            )
        )

    def keep_missed(self, fact: MissedDeadline) -> None:
        self.session.execute(pg_insert(missed_deadline).values(**_row(fact)).on_conflict_do_nothing())

    def facts(self, node: str) -> Facts:
        like = prefix_of(node) + "%"

        def rows(table: Any) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in self.session.execute(select(table).where(table.c.node.like(like)))]

        found = Facts()
        for r in rows(inspection_fact):
            found.inspections[r["visit_id"]] = InspectionFact(**{**r, "task_ids": tuple(r["task_ids"])})
        referred = sorted({t for i in found.inspections.values() for t in i.task_ids})
        t = task_fact
        tasks = select(t).where(t.c.node.like(like) | t.c.task_id.in_(referred))
        for r in (dict(row._mapping) for row in self.session.execute(tasks)):
            found.tasks[r["task_id"]] = TaskFact(
                **{**r, "regions": tuple(r["regions"]), "object_types": tuple(r["object_types"])}
            )
        for r in rows(draw_fact):
            found.draws[r["draw_id"]] = DrawFact(**{**r, "task_ids": tuple(r["task_ids"])})
        for r in rows(confirmation_fact):
            found.confirmations[r["result_id"]] = Confirmation(**r)
        for r in rows(follow_up_fact):
            found.follow_ups[r["follow_up_id"]] = FollowUpFact(**r)
        found.missed = sorted(
            (MissedDeadline(**r) for r in rows(missed_deadline)), key=lambda m: (m.task_id, m.result_id)
        )
        return found

    def add_entries(self, node: str, month: str, entries: dict[str, Any], by: str, at: datetime) -> int:
        version = self._next(report_entries, node, month)
        self.session.execute(
            report_entries.insert().values(
                node=node, month=month, version=version, entries=entries, entered_by=by, entered_at=at
            )
        )
        return version

    def entries(self, node: str, month: str) -> tuple[int, dict[str, Any]] | None:
        e = report_entries
        row = self.session.execute(
            select(e.c.version, e.c.entries)
            .where(and_(e.c.node == node, e.c.month == month))
            .order_by(e.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else (row.version, row.entries)

    def add_submission(self, node: str, month: str, record: dict[str, Any]) -> int:
        version = self._next(report_submission, node, month)
        self.session.execute(report_submission.insert().values(node=node, month=month, version=version, **record))
        return version

    def submissions(self, node: str, month: str) -> list[dict[str, Any]]:
        s = report_submission
        query = select(s).where(and_(s.c.node == node, s.c.month == month)).order_by(s.c.version)
        return [dict(r._mapping) for r in self.session.execute(query)]

    def _next(self, table: Any, node: str, month: str) -> int:
        # one writer per node and month at a time: the version numbers never fork
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"{table.name}:{node}:{month}"))))
        query = select(func.coalesce(func.max(table.c.version), 0)).where(
            and_(table.c.node == node, table.c.month == month)
        )
        return int(self.session.execute(query).scalar_one()) + 1


def _row(fact: Any) -> dict[str, Any]:
    values = dict(vars(fact))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
