"""One suite for the registry repository: the in-memory fake the handler tests use and the SQLAlchemy
implementation on PostgreSQL must keep and answer the same."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from fakes import FakeRegistryRepository
from registry.adapters.repository import RegistryRepository, SqlRegistryRepository
from registry.domain.entities import CreditGrade, EntityState, EntityStatus, ObjectType
from registry.domain.versions import Change, Source, StoredEntity
from registry_testkit import COUNTY, migrate
from sqlalchemy.orm import Session

from hrss.contracts.uscc import uscc_with_check

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def state(n: int = 1, **changes: object) -> EntityState:
    values: dict[str, object] = {
        "uscc": uscc_with_check(f"91{COUNTY}{n:09d}"[:17]),
        "name": f"平顶山市测试{n}有限公司",
        "object_type": ObjectType.ENTERPRISE,
        "region_code": COUNTY,
        "industry": "建筑业",
        "address": None,
        "status": EntityStatus.ACTIVE,
        "tags": ("建筑施工企业",),
        "credit_grade": CreditGrade.B,
        "complaint_count": 0,
        "serious_violation": False,
        "last_inspected": None,
    }
    return EntityState(**{**values, **changes})  # type: ignore[arg-type]


def change() -> Change:
    return Change(source=Source.MANUAL, changed_by="tester", known_at=NOW, applied_at=NOW, late=False, reason="测试")


def stored(entity_id: str, version: int, kept: EntityState) -> StoredEntity:
    return StoredEntity(entity_id, version, kept, kept.content_hash())


@pytest.fixture(params=["fake", pytest.param("sql", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[RegistryRepository]:
    if request.param == "fake":
        yield FakeRegistryRepository()
        return
    dsn = request.getfixturevalue("fresh_database")
    migrate(dsn)
    engine = sa.create_engine(dsn)
    session = Session(engine)
    try:
        yield SqlRegistryRepository(session)
    finally:
        session.rollback()
        session.close()
        engine.dispose()


def test_an_unknown_entity_is_none_by_id_and_by_uscc(repo: RegistryRepository) -> None:
    assert repo.lock_entity(str(uuid.uuid4())) is None
    assert repo.lock_entity_by_uscc(state().uscc) is None
    assert repo.entity_id_by_uscc(state().uscc) is None


def test_a_first_version_is_found_by_id_and_by_uscc_as_it_was_kept(repo: RegistryRepository) -> None:
    key = str(uuid.uuid4())
    repo.add_entity_version(stored(key, 1, state()), change(), first=True)
    assert repo.entity_id_by_uscc(state().uscc) == key
    assert repo.lock_entity(key) == stored(key, 1, state())
    assert repo.lock_entity_by_uscc(state().uscc) == stored(key, 1, state())


def test_a_later_version_becomes_the_current_one(repo: RegistryRepository) -> None:
    key, other = str(uuid.uuid4()), str(uuid.uuid4())
    repo.add_entity_version(stored(key, 1, state()), change(), first=True)
    repo.add_entity_version(stored(other, 1, state(2)), change(), first=True)
    later = state(credit_grade=CreditGrade.C, last_inspected=date(2026, 11, 20))
    repo.add_entity_version(stored(key, 2, later), change(), first=False)
    assert repo.lock_entity(key) == stored(key, 2, later)
    assert repo.lock_entity_by_uscc(later.uscc) == stored(key, 2, later)
    assert repo.lock_entity(other) == stored(other, 1, state(2))
