"""The visit read model's contract, run over the in-memory fake and the PostgreSQL adapter alike: each event is
kept once, facts are found by visit, and the visit folds from them whatever order they were added in."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from evidence.adapters.visits import AbstractVisitReadModel, SqlAlchemyVisitReadModel
from evidence.domain.visits import STATUS, TEAM, Visit, VisitFact
from evidence_fakes import InMemoryVisitReadModel
from evidence_testkit import migrate
from sqlalchemy.orm import Session

pytestmark = pytest.mark.integration

T0 = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)
NOW = datetime(2027, 4, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "postgresql"])
def model(request, fresh_database) -> Iterator[AbstractVisitReadModel]:  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield InMemoryVisitReadModel()
        return
    migrate(fresh_database)
    engine = sa.create_engine(fresh_database)
    with Session(engine) as session, session.begin():
        yield SqlAlchemyVisitReadModel(session)
    engine.dispose()


def test_each_event_is_kept_once_and_found_by_its_visit(model: AbstractVisitReadModel) -> None:
    visit, other = str(uuid.uuid4()), str(uuid.uuid4())
    one, two = str(uuid.uuid4()), str(uuid.uuid4())
    opened = VisitFact(str(uuid.uuid4()), visit, "130102", TEAM, T0, (one, two))
    model.add([opened, VisitFact(str(uuid.uuid4()), other, "130104", TEAM, T0, (one,))], NOW)
    model.add([opened], NOW)  # delivered again
    assert model.facts(visit) == [opened]
    assert model.get(visit) == Visit(visit, "130102", (one, two))
    assert model.get(str(uuid.uuid4())) is None


def test_the_visit_folds_from_facts_added_in_any_order(model: AbstractVisitReadModel) -> None:
    visit, one, two = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    later_team = VisitFact(str(uuid.uuid4()), visit, "130102", TEAM, T0 + timedelta(hours=1), (two,))
    day = T0 + timedelta(days=1)
    closing = VisitFact(str(uuid.uuid4()), visit, "130102", STATUS, day, status="closed", reason="作废")
    model.add([later_team, closing], NOW)
    model.add([VisitFact(str(uuid.uuid4()), visit, "130102", TEAM, T0, (one, two))], NOW)
    assert model.get(visit) == Visit(visit, "130102", (two,), closed=True, closed_reason="作废")
