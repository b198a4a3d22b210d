"""One suite for the registry repository: the in-memory fake the handler tests use and the SQLAlchemy
implementation on PostgreSQL must keep and answer the same."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from registry.adapters.repository import RegistryRepository, SqlRegistryRepository
from registry.domain.entities import CreditGrade, EntityState, EntityStatus, ObjectType
from registry.domain.inspectors import InspectorState, InspectorStatus, Pool
from registry.domain.versions import Change, Interest, Source, StoredCheckItem, StoredEntity, StoredInspector
from registry_fakes import FakeRegistryRepository
from registry_testkit import COUNTY, PROVINCE, components, migrate
from sqlalchemy.orm import Session

from hrss.contracts.lines import Line
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
        yield SqlRegistryRepository(session, components().cipher)
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


def inspector(n: int = 1, **changes: object) -> InspectorState:
    values: dict[str, object] = {
        "credential_no": f"4104022026{n:04d}",
        "credential_expires": date(2030, 12, 31),
        "name": f"张{n}",
        "unit": "新华区劳动保障监察大队",
        "node": COUNTY,
        "line": Line.LABOUR_INSPECTION,
        "position": None,
        "qualifications": ("行政执法资格",),
        "expertise": ("工资支付",),
        "pool": Pool.ENFORCEMENT,
        "status": InspectorStatus.ACTIVE,
        "station_region": None,
        "former_employers": (),
        "national_id": "410402199003071237",
        "phone": "13803751234",
    }
    return InspectorState(**{**values, **changes})  # type: ignore[arg-type]


def kept_inspector(inspector_id: str, version: int, kept: InspectorState) -> StoredInspector:
    return StoredInspector(inspector_id, version, kept, kept.content_hash())


def test_an_inspector_is_found_by_credential_with_its_personal_data_as_it_was_kept(repo: RegistryRepository) -> None:
    key = str(uuid.uuid4())
    assert repo.lock_inspector(key) is None and repo.inspector_id_by_credential(inspector().credential_no) is None
    repo.add_inspector_version(kept_inspector(key, 1, inspector()), change(), first=True)
    transferred = inspector(status=InspectorStatus.TRANSFERRED, phone=None)
    repo.add_inspector_version(kept_inspector(key, 2, transferred), change(), first=False)
    assert repo.inspector_id_by_credential(inspector().credential_no) == key
    assert repo.lock_inspector(key) == kept_inspector(key, 2, transferred)


def test_interests_are_the_latest_declaration_per_entity_and_every_one_counts_as_a_revision(
    repo: RegistryRepository,
) -> None:
    key = str(uuid.uuid4())
    repo.add_inspector_version(kept_inspector(key, 1, inspector()), change(), first=True)
    first, second = state(1).uscc, state(2).uscc
    assert repo.interests(key) == [] and repo.interest_revision(key) == 0
    repo.add_interest(key, Interest(second, "declare", "曾任职", NOW, "a"))
    repo.add_interest(key, Interest(first, "declare", "亲属任职", NOW, "a"))
    repo.add_interest(key, Interest(second, "withdraw", "已离职满三年", NOW, "b"))
    assert repo.interests(key) == [Interest(first, "declare", "亲属任职", NOW, "a")]
    repo.add_interest(key, Interest(second, "declare", "再次任职", NOW, "c"))
    assert [i.uscc for i in repo.interests(key)] == sorted([first, second])
    assert repo.interest_revision(key) == 4


def check_item(item_id: str, version: int, **changes: object) -> StoredCheckItem:
    values: dict[str, object] = {
        "id": item_id,
        "node": COUNTY,
        "number": "3",
        "version": version,
        "spec": {"number": 3, "name": "工资支付情况检查"},
        "line": "labour_inspection",
        "qualifications": ("行政执法资格",),
        "status": "active",
        "content_hash": f"hash-{version}",
    }
    return StoredCheckItem(**{**values, **changes})  # type: ignore[arg-type]


def test_a_check_item_is_listed_by_number_on_its_node_and_read_at_its_latest_version(repo: RegistryRepository) -> None:
    key = str(uuid.uuid4())
    assert repo.check_item_id(COUNTY, "3") is None and repo.lock_check_item(key) is None
    repo.add_check_item(check_item(key, 1), at=NOW, by="a", reason=None)
    withdrawn = check_item(key, 2, status="withdrawn", line=None, qualifications=())
    repo.add_check_item(withdrawn, at=NOW, by="b", reason="不再抽查")
    assert repo.check_item_id(COUNTY, "3") == key and repo.check_item_id(PROVINCE, "3") is None
    assert repo.lock_check_item(key) == withdrawn
