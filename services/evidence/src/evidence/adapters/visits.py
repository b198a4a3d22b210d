"""The visit read model's port and its PostgreSQL adapter: facts are added (each event once), never changed."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from evidence.adapters import orm
from evidence.domain.visits import Visit, VisitFact, fold


class AbstractVisitReadModel(abc.ABC):
    @abc.abstractmethod
    def add(self, facts: Iterable[VisitFact], received_at: datetime) -> None:
        """Keep each fact once (a fact already kept, by event id, is ignored)."""

    @abc.abstractmethod
    def facts(self, visit_id: str) -> list[VisitFact]:
        """Every fact kept for `visit_id`."""

    def get(self, visit_id: str) -> Visit | None:
        """The visit as its facts say, or None if no team event arrived for it."""
        return fold(self.facts(visit_id))


class SqlAlchemyVisitReadModel(AbstractVisitReadModel):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, facts: Iterable[VisitFact], received_at: datetime) -> None:
        rows = [
            {
                "event_id": f.event_id,
                "visit_id": f.visit_id,
                "node": f.node,
                "kind": f.kind,
                "inspector_ids": list(f.inspector_ids),
                "status": f.status,
                "reason": f.reason,
                "at": f.at,
                "received_at": received_at,
            }
            for f in facts
        ]
        if rows:
            self.session.execute(insert(orm.visit_event).values(rows).on_conflict_do_nothing())

    def facts(self, visit_id: str) -> list[VisitFact]:
        v = orm.visit_event
        found = self.session.execute(select(v).where(v.c.visit_id == visit_id).order_by(v.c.at, v.c.received_at))
        return [
            VisitFact(
                str(r.event_id),
                str(r.visit_id),
                r.node,
                r.kind,
                r.at,
                tuple(r.inspector_ids or ()),
                r.status,
                r.reason,
            )
            for r in found
        ]
