"""The deadline queries of the SQL repository: what is due in a subtree, what planning published, and the overdue
flags recorded once each. A part of `SqlInspectionRepository`, kept apart to keep each module short."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from inspection.adapters.orm import (
    follow_up,
    follow_up_step,
    overdue_flag,
    publication,
    published_task,
    result,
    review,
    visit,
    visit_status,
)
from inspection.domain.deadlines import Deadline
from inspection.domain.model import ApprovedResult, OverdueFlag


class SqlDeadlines:
    """Deadline reads and overdue writes in `session`."""

    session: Session

    @staticmethod
    def _in_scope(prefixes: tuple[str, ...], inspector: str | None) -> Any:
        scope = sa.or_(*[visit.c.node.like(p + "%") for p in prefixes])
        return scope if inspector is None else sa.and_(scope, visit.c.inspector_ids.contains([inspector]))

    def result_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        closed = (
            sa.select(visit_status.c.seq)
            .where(visit_status.c.visit_id == visit.c.visit_id, visit_status.c.status == "closed")
            .exists()
        )
        query = (
            sa.select(visit.c.visit_id, visit.c.node, visit.c.due, result.c.result_id, closed.label("closed"))
            .select_from(visit.outerjoin(result, result.c.visit_id == visit.c.visit_id))
            .where(self._in_scope(prefixes, inspector))
        )
        return [
            Deadline(str(r.visit_id), r.node, "result", r.due, r.result_id is not None or bool(r.closed))
            for r in self.session.execute(query)
        ]

    def approved_results(self, prefixes: tuple[str, ...], inspector: str | None) -> list[ApprovedResult]:
        recorded = sa.select(publication.c.result_id).where(publication.c.result_id == result.c.result_id).exists()
        query = (
            sa.select(result.c.result_id, visit.c.node, visit.c.tasks, recorded.label("recorded"))
            .select_from(
                result.join(visit, visit.c.visit_id == result.c.visit_id).join(
                    review, review.c.result_id == result.c.result_id
                )
            )
            .where(self._in_scope(prefixes, inspector), review.c.approved.is_(True))
        )
        return [
            ApprovedResult(str(r.result_id), r.node, list(r.tasks), bool(r.recorded))
            for r in self.session.execute(query)
        ]

    def correction_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        finished = (
            sa.select(follow_up_step.c.follow_up_id)
            .where(follow_up_step.c.follow_up_id == follow_up.c.follow_up_id, follow_up_step.c.kind == "closed")
            .exists()
        )
        own = sa.select(visit.c.visit_id).where(self._in_scope(prefixes, inspector))
        query = sa.select(follow_up.c.follow_up_id, follow_up.c.node, follow_up.c.due, finished.label("closed")).where(
            follow_up.c.kind == "correction",
            follow_up.c.due.isnot(None),
            sa.or_(*[follow_up.c.node.like(p + "%") for p in prefixes]),
            follow_up.c.visit_id.in_(own) if inspector is not None else sa.true(),
        )
        return [
            Deadline(str(r.follow_up_id), r.node, "correction", r.due, bool(r.closed))
            for r in self.session.execute(query)
        ]

    def published_task_ids(self) -> set[str]:
        return {str(t) for t in self.session.execute(sa.select(published_task.c.task_id)).scalars()}

    def mark_task_published(self, task_id: str, at: datetime) -> None:
        self.session.execute(
            pg_insert(published_task).values(task_id=task_id, published_at=at).on_conflict_do_nothing()
        )

    def overdue_recorded(self) -> set[tuple[str, str]]:
        rows = self.session.execute(sa.select(overdue_flag.c.subject_id, overdue_flag.c.kind))
        return {(str(r.subject_id), r.kind) for r in rows}

    def flag_overdue(self, flag: OverdueFlag) -> bool:
        inserted = self.session.execute(
            pg_insert(overdue_flag).values(**asdict(flag)).on_conflict_do_nothing().returning(overdue_flag.c.subject_id)
        ).first()
        return inserted is not None
