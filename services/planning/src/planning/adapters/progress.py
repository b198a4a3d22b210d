"""The facts after the draw, kept as received, and the facts of one task as the lifecycle rules read them.

Each fact is inserted once (a redelivered event finds its row and changes nothing); `visit_progress` follows the
visit's steps in the same transaction. The callers hold the progress lock, so the read-then-write of a visit's
projection never races another.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import Session

from planning.adapters.orm import draw_fact, overdue_fact, result_publication, visit_fact, visit_progress
from planning.domain.task_progress import DrawFacts, TaskFacts, VisitFacts

# which flags of a visit each step sets (a later step implies the earlier ones)
_STEP_FLAGS = {
    "opened": (),
    "started": ("started",),
    "submitted": ("started", "submitted"),
    "returned": ("started", "submitted"),
    "approved": ("started", "submitted", "approved"),
    "closed": ("closed",),
}


def _ids(values: Iterable[object]) -> list[str]:
    return sorted({str(v) for v in values})


def _overlapping(column: Any, task_ids: Collection[str]) -> Any:
    return column.overlap(cast(list(task_ids), ARRAY(String(36))))


def add_draw(
    session: Session,
    *,
    draw_id: str,
    kind: str,
    node: str,
    task_ids: Iterable[object],
    at: datetime,
    event_id: str,
    picks: int | None = None,
    dispatched: dict[str, int] | None = None,
    reason: str | None = None,
) -> None:
    """A draw completed (with what it dispatched to each node) or voided (with the reason)."""
    session.execute(
        upsert(draw_fact)
        .values(
            draw_id=draw_id,
            kind=kind,
            node=node,
            task_ids=_ids(task_ids),
            picks=picks,
            dispatched=dispatched,
            reason=reason,
            at=at,
            event_id=event_id,
        )
        .on_conflict_do_nothing()
    )


def add_visit_step(
    session: Session,
    *,
    event_id: str,
    visit_id: str,
    node: str,
    uscc: str,
    region_code: str,
    task_ids: Iterable[object],
    status: str,
    inspected_on: date | None,
    reason: str | None,
    at: datetime,
) -> None:
    """One step of a visit, and the visit's projection with it."""
    tasks = _ids(task_ids)
    inserted = session.execute(
        upsert(visit_fact)
        .values(
            event_id=event_id,
            visit_id=visit_id,
            node=node,
            uscc=uscc,
            region_code=region_code,
            task_ids=tasks,
            status=status,
            inspected_on=inspected_on,
            reason=reason,
            at=at,
        )
        .on_conflict_do_nothing()
        .returning(visit_fact.c.id)
    ).first()
    if inserted is None:
        return
    known = session.execute(select(visit_progress).where(visit_progress.c.visit_id == visit_id)).first()
    flags = {name: bool(known is not None and getattr(known, name)) for name in ("started", "submitted", "approved")}
    closed = bool(known is not None and known.closed)
    closed_reason = known.closed_reason if known is not None else None
    for name in _STEP_FLAGS[status]:
        if name == "closed":
            closed, closed_reason = True, reason
        else:
            flags[name] = True
    values = {
        "node": node,
        "task_ids": _ids([*tasks, *(known.task_ids if known is not None else [])]),
        "status": status,
        **flags,
        "closed": closed,
        "closed_reason": closed_reason,
        "updated_at": at,
    }
    session.execute(
        upsert(visit_progress)
        .values(visit_id=visit_id, **values)
        .on_conflict_do_update(index_elements=[visit_progress.c.visit_id], set_=values)
    )


def add_publication(session: Session, **values: Any) -> None:
    """The publication record of one approved result (result_id, visit_id, node, task_ids, public, …)."""
    values["task_ids"] = _ids(values["task_ids"])
    session.execute(upsert(result_publication).values(**values).on_conflict_do_nothing())


def add_overdue(session: Session, **values: Any) -> None:
    """A deadline passed (subject_id, kind, node, supervisor, due, detected_on, event_id), recorded once per kind."""
    session.execute(upsert(overdue_fact).values(**values).on_conflict_do_nothing())


def related_tasks(session: Session, task_ids: Iterable[object]) -> list[str]:
    """The tasks given and every task drawn with one of them (a draw group's tasks share their visits)."""
    given = _ids(task_ids)
    rows = session.execute(select(draw_fact.c.task_ids).where(_overlapping(draw_fact.c.task_ids, given))).scalars()
    return _ids([*given, *(task for ids in rows for task in ids)])


def task_facts(session: Session, task_id: str) -> TaskFacts:
    """What is known after the draw of `task_id`: its draws, and the visits of the tasks drawn with it."""
    draws: dict[str, dict[str, Any]] = {}
    for row in session.execute(select(draw_fact).where(_overlapping(draw_fact.c.task_ids, [task_id]))):
        found = draws.setdefault(str(row.draw_id), {"task_ids": frozenset(row.task_ids), "dispatched": {}})
        if row.kind == "voided":
            found["voided"] = True
        else:
            found["dispatched"] = dict(row.dispatched or {})
    draw_facts = tuple(
        DrawFacts(draw_id, d["task_ids"], d["dispatched"], d.get("voided", False))
        for draw_id, d in sorted(draws.items())
    )
    tasks = {task_id, *(t for d in draw_facts if not d.voided for t in d.task_ids)}
    rows = list(session.execute(select(visit_progress).where(_overlapping(visit_progress.c.task_ids, tasks))))
    ids = [str(r.visit_id) for r in rows]
    published: set[str] = set()
    overdue: set[str] = set()
    if ids:
        published = {
            str(v)
            for v in session.execute(
                select(result_publication.c.visit_id).where(result_publication.c.visit_id.in_(ids))
            ).scalars()
        }
        overdue = {
            str(v)
            for v in session.execute(
                select(overdue_fact.c.subject_id).where(
                    overdue_fact.c.kind == "result", overdue_fact.c.subject_id.in_(ids)
                )
            ).scalars()
        }
    visits = tuple(
        VisitFacts(
            visit_id=str(r.visit_id),
            node=r.node,
            task_ids=frozenset(r.task_ids),
            started=r.started,
            submitted=r.submitted,
            approved=r.approved,
            closed=r.closed,
            closed_reason=r.closed_reason,
            published=str(r.visit_id) in published,
            overdue=str(r.visit_id) in overdue,
        )
        for r in sorted(rows, key=lambda r: str(r.visit_id))
    )
    return TaskFacts(task_id, draw_facts, visits)
