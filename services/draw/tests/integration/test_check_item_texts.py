"""The read model keeps each checklist item version's inspection points and legal basis (revision 0004) against
the real PostgreSQL: a version stored before them gets them when its event comes again, and nothing else of a
stored version changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from draw_testkit import migrate
from sqlalchemy.orm import Session

from hrss.contracts.events.registry import CheckItemChanged

pytestmark = pytest.mark.integration

ITEM = str(uuid.uuid5(uuid.NAMESPACE_URL, "check-item-texts"))


def changed(version: int, name: str, **texts: str) -> CheckItemChanged:
    return CheckItemChanged(
        item_id=ITEM,
        version=version,
        node="130000",
        number=str(version),
        line="labour_inspection",
        status="active",
        spec={"name": name, **texts},
        content_hash=f"{version:064d}",
        changed_at=datetime(2027, 4, 1, tzinfo=UTC),
    )


def test_a_version_keeps_its_points_and_one_stored_before_them_gets_them_once(fresh_database: str) -> None:
    from draw.adapters.read_model import apply_check_items, item_texts

    migrate(fresh_database)
    engine = sa.create_engine(fresh_database)
    with Session(engine) as session, session.begin():
        session.execute(
            sa.text(
                "INSERT INTO draw.check_item_view (item_id, version, node, name, line, qualifications, status) "
                "VALUES (:item, 1, '130000', '劳动用工检查', 'labour_inspection', '{}', 'active')"
            ),
            {"item": ITEM},
        )
        apply_check_items(session, [changed(2, "劳动用工检查", content="1. 劳动合同；2. 工资支付。")])
    with Session(engine) as session, session.begin():
        assert item_texts(session, [(ITEM, 1), (ITEM, 2), (ITEM, 3)]) == {
            (ITEM, 1): {"content": "", "legal_basis": ""},
            (ITEM, 2): {"content": "1. 劳动合同；2. 工资支付。", "legal_basis": ""},
        }
        apply_check_items(
            session,
            [
                changed(1, "改名不生效", content="1. 劳动合同。", legal_basis="《劳动保障监察条例》第十一条"),
                changed(2, "劳动用工检查", content="改写不生效", legal_basis="改写不生效"),
            ],
        )
    with Session(engine) as session:
        assert item_texts(session, [(ITEM, 1), (ITEM, 2)]) == {
            (ITEM, 1): {"content": "1. 劳动合同。", "legal_basis": "《劳动保障监察条例》第十一条"},
            (ITEM, 2): {"content": "1. 劳动合同；2. 工资支付。", "legal_basis": ""},
        }
        names = session.execute(sa.text("SELECT version, name FROM draw.check_item_view ORDER BY version")).all()
        assert [tuple(r) for r in names] == [(1, "劳动用工检查"), (2, "劳动用工检查")]
    engine.dispose()
