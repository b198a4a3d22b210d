"""The draw service's own read model: tasks ready for draw (from planning) and the registry's entities,
inspectors and interests (compacted topics: per key, the highest version wins; an older event changes nothing),
and every version of the checklist items seen (a task names the version it uses)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from draw.adapters.orm import check_item_view, entity_view, inspector_view, interests_view, task_view
from hrss.contracts import utcnow
from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged


def _upsert_newer(session: Session, table: Table, key: str, version: str, rows: list[dict[str, Any]]) -> None:
    """Insert each row, or replace the stored one if this one has a higher version; the latest per key first."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        known = latest.get(row[key])
        if known is None or row[version] > known[version]:
            latest[row[key]] = row
    if not latest:
        return
    statement = insert(table).values(list(latest.values()))
    columns = {c.name: statement.excluded[c.name] for c in table.columns if c.name != key}
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c[key]], set_=columns, where=table.c[version] < statement.excluded[version]
        )
    )


def apply_entities(session: Session, events: Iterable[EntityChanged]) -> None:
    rows = [
        {
            "entity_id": str(e.entity_id),
            "version": e.version,
            "uscc": e.uscc,
            "name": e.name,
            "object_type": e.object_type,
            "region_code": e.region_code,
            "status": e.status,
            "tags": list(e.tags),
            "credit_grade": e.credit_grade,
            "last_inspected": e.last_inspected,
        }
        for e in events
    ]
    _upsert_newer(session, entity_view, "entity_id", "version", rows)


def apply_inspectors(session: Session, events: Iterable[InspectorChanged]) -> None:
    rows = [
        {
            "inspector_id": str(e.inspector_id),
            "version": e.version,
            "credential_no": e.credential_no,
            "credential_expires": e.credential_expires,
            "name": e.name,
            "node": e.node,
            "line": e.line,
            "pool": e.pool,
            "status": e.status,
            "qualifications": list(e.qualifications),
            "expertise": list(e.expertise),
            "station_region": e.station_region,
            "former_employers": list(e.former_employers),
        }
        for e in events
    ]
    _upsert_newer(session, inspector_view, "inspector_id", "version", rows)


def apply_interests(session: Session, events: Iterable[InterestsChanged]) -> None:
    rows = [
        {"inspector_id": str(e.inspector_id), "revision": e.revision, "usccs": sorted(i.uscc for i in e.interests)}
        for e in events
    ]
    _upsert_newer(session, interests_view, "inspector_id", "revision", rows)


def _text(spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    return value.strip() if isinstance(value, str) else ""


def apply_check_items(session: Session, events: Iterable[CheckItemChanged]) -> None:
    """Each version once: a version never changes, and older ones stay for the tasks that use them. A version
    stored before its content and legal basis were kept (revision 0004) gets them, once, when its event comes
    again; nothing else of a stored version is touched."""
    rows = {
        (str(e.item_id), e.version): {
            "item_id": str(e.item_id),
            "version": e.version,
            "node": e.node,
            "name": str(e.spec.get("name") or e.number),
            "line": e.line,
            "qualifications": sorted(set(e.qualifications)),
            "status": e.status,
            "content": _text(e.spec, "content"),
            "legal_basis": _text(e.spec, "legal_basis"),
        }
        for e in events
    }
    if not rows:
        return
    statement = insert(check_item_view).values(list(rows.values()))
    table = check_item_view.c
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.item_id, table.version],
            set_={"content": statement.excluded.content, "legal_basis": statement.excluded.legal_basis},
            where=table.content.is_(None),
        )
    )


def item_texts(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, str]]:
    """(item id, version) → its `content` (inspection points) and `legal_basis` as the checklist states them, ""
    when not known: the fields of the dispatched ItemPart."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    table = check_item_view.c
    rows = session.execute(
        select(table.item_id, table.version, table.content, table.legal_basis).where(
            tuple_(table.item_id, table.version).in_(wanted)
        )
    ).all()
    return {(r.item_id, r.version): {"content": r.content or "", "legal_basis": r.legal_basis or ""} for r in rows}


def apply_ready_tasks(session: Session, events: Iterable[TaskReadyForDraw]) -> None:
    """A task, once frozen, never changes: the first event for it is kept."""
    rows = [
        {
            "task_id": str(e.task.task_id),
            "node": e.task.node,
            "draw_group": e.task.draw_group,
            "group_members": [str(m) for m in e.draw_group_members] or [str(e.task.task_id)],
            "task": e.task.model_dump(mode="json"),
            "received_at": utcnow(),
        }
        for e in events
    ]
    if rows:
        session.execute(insert(task_view).values(rows).on_conflict_do_nothing())
