"""The port the use cases speak to (`PublicationRepository`) and its SQLAlchemy implementation. The fake in
tests/fakes.py keeps the same promises (tests/integration/test_repository_contract.py runs both)."""

from __future__ import annotations

import abc
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import and_, func, insert, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from publication.adapters import orm
from publication.domain.deadlines import TaskDeadline
from publication.domain.records import Kind, Receipt, RecordVersion

if TYPE_CHECKING:
    from publication.adapters.buffered import BufferedRepository


@dataclass
class ResultState:
    """What publishing reads about some results, loaded at once for a batch of their events (`result_state`)."""

    approved: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # result → version → payload
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)  # result → the decision's payload
    versions: dict[str, list[RecordVersion]] = field(default_factory=dict)  # result → its public versions, oldest first
    changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # result → its corrections, in order
    follow_ups: dict[str, list[tuple[dict[str, Any], dict[str, Any] | None]]] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)  # results with a confirmation


@dataclass
class ResultRows:
    """What a batch of result events writes, in order: the rows `add_approved`, `add_decision`, `add_record`,
    `add_receipt`, `add_withheld` and `add_confirmation` would each write (their keyword arguments)."""

    approved: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    records: list[RecordVersion] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    withheld: list[dict[str, Any]] = field(default_factory=list)
    confirmations: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(vars(self).values())


class PublicationRepository(abc.ABC):
    """Sources, public record versions, withheld results, receipts and entity kinds."""

    def buffered(self) -> BufferedRepository:
        """A batch's view of this repository: its results' state read at once, their rows written at once."""
        from publication.adapters.buffered import BufferedRepository

        return BufferedRepository(self)

    # -- sources -------------------------------------------------------------------------------

    @abc.abstractmethod
    def add_approved(self, result_id: str, version: int, node: str, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        """Keep an approved result version; False if that version was kept already."""

    @abc.abstractmethod
    def approved(self, result_id: str) -> dict[str, Any] | None:
        """The latest approved version's payload, or None."""

    @abc.abstractmethod
    def add_decision(self, result_id: str, node: str, public: bool, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        """Keep the inspecting node's publication decision; False if one was kept already."""

    @abc.abstractmethod
    def decision(self, result_id: str) -> dict[str, Any] | None:
        """The decision's payload, or None."""

    @abc.abstractmethod
    def add_task_source(self, task_id: str, node: str, payload: dict[str, Any], event_id: str) -> None:
        """Keep a task as an event carried it (the next in the task's sequence)."""

    @abc.abstractmethod
    def tasks(self, task_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The latest kept state of each task known, by id."""

    @abc.abstractmethod
    def add_follow_up(self, follow_up_id: str, step: str, result_id: str, node: str, payload: dict[str, Any],
                      event_id: str) -> bool:  # fmt: skip
        """Keep a follow-up's opening or closing (`step`); False if that step was kept already."""

    @abc.abstractmethod
    def follow_ups(self, result_id: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """The result's follow-ups as (opened, closed or None) payloads, in the order they were opened."""

    @abc.abstractmethod
    def add_check_item(self, item_id: str, version: int, node: str, payload: dict[str, Any], event_id: str) -> bool:
        """Keep a checklist item version; False if that version was kept already."""

    @abc.abstractmethod
    def check_items(self, node: str) -> list[dict[str, Any]]:
        """The latest kept version of each checklist item of a node (withdrawn ones too), by number."""

    @abc.abstractmethod
    def add_draw(self, draw_id: str, node: str, task_ids: list[str], payload: dict[str, Any], event_id: str) -> bool:
        """Keep a completed draw; False if it was kept already."""

    @abc.abstractmethod
    def draw(self, draw_id: str) -> dict[str, Any] | None:
        """A completed draw's payload, or None."""

    @abc.abstractmethod
    def draws_naming_task(self, task_id: str) -> list[str]:
        """The ids of the completed draws kept here that drew for the task."""

    @abc.abstractmethod
    def add_dispatch(self, assignment_id: str, draw_id: str, target_node: str, payload: dict[str, Any],
                     event_id: str) -> bool:  # fmt: skip
        """Keep a dispatched entity; False if it was kept already."""

    @abc.abstractmethod
    def dispatches(self, draw_id: str, target_node: str) -> list[dict[str, Any]]:
        """The entities a draw dispatched to a node, by batch and USCC."""

    @abc.abstractmethod
    def set_entity_kinds(self, entities: list[tuple[str, str, int]]) -> None:
        """Entities' object types `(uscc, object type, version)`, each unless a later version is kept already."""

    @abc.abstractmethod
    def entity_kind(self, uscc: str) -> str | None:
        """The object type of the entity with this USCC, or None."""

    # -- the public record ---------------------------------------------------------------------

    @abc.abstractmethod
    def lock_chain(self, node: str) -> None:
        """Serialise the node's publications until the transaction ends (one receipt sequence per node)."""

    @abc.abstractmethod
    def lock_task(self, task_id: str) -> None:
        """Serialise, until the transaction ends, learning a task with publishing the results that name it."""

    @abc.abstractmethod
    def results_naming_task(self, task_id: str) -> list[str]:
        """The ids of the approved results kept here that name the task."""

    @abc.abstractmethod
    def last_receipt(self, node: str) -> Receipt | None:
        """The node's latest receipt, or None."""

    @abc.abstractmethod
    def add_receipt(self, receipt: Receipt) -> None:
        """Append a receipt to its node's chain."""

    @abc.abstractmethod
    def add_record(self, record: RecordVersion) -> None:
        """Append a version of a public record."""

    @abc.abstractmethod
    def versions(self, kind: Kind, record_id: str) -> list[RecordVersion]:
        """Every version of a record, oldest first."""

    @abc.abstractmethod
    def add_withheld(self, result_id: str, node: str, task_ids: list[str], reason: str, source_sha256: str,
                     at: datetime, event_id: str) -> None:  # fmt: skip
        """Record that a result is withheld from the public, with the reason."""

    @abc.abstractmethod
    def withheld(self, node_prefix: str) -> list[dict[str, Any]]:
        """Withheld results of a subtree, newest first."""

    @abc.abstractmethod
    def kind_of(self, record_id: str) -> Kind | None:
        """The kind of a published record, or None."""

    @abc.abstractmethod
    def add_change(self, kind: Kind, record_id: str, change: dict[str, Any]) -> int:
        """Append a correction or withdrawal (type, fields, reason, node, account_id, role, at); its sequence."""

    @abc.abstractmethod
    def changes(self, kind: Kind, record_id: str) -> list[dict[str, Any]]:
        """The record's changes in order (type, fields, reason, node, account_id, role, at as ISO text)."""

    # -- batches (publishing.batch) --------------------------------------------------------------

    @abc.abstractmethod
    def result_state(self, result_ids: Collection[str]) -> ResultState:
        """Everything publishing reads about these results, in a few queries."""

    @abc.abstractmethod
    def entity_kinds(self, usccs: Collection[str]) -> dict[str, str]:
        """The object types of those of the entities that are known, by USCC."""

    @abc.abstractmethod
    def write_results(self, rows: ResultRows) -> None:
        """Write a batch's rows as the single `add_*` calls would, in few statements (a duplicate record version or
        receipt fails as `add_record` / `add_receipt` do; the others are kept once, the first)."""

    @abc.abstractmethod
    def record_versions(self, keys: Collection[tuple[Kind, str, int]]) -> list[RecordVersion]:
        """The versions named (kind, record id, version) that exist, in one query."""

    # -- the deadline ----------------------------------------------------------------------------

    @abc.abstractmethod
    def add_task_deadline(self, deadline: TaskDeadline, event_id: str, at: datetime) -> bool:
        """Keep a task's completion and deadline; False if its completion was kept already (the first counts)."""

    @abc.abstractmethod
    def task_deadlines(self, task_ids: list[str]) -> list[TaskDeadline]:
        """The deadlines of those of the tasks that have completed."""

    @abc.abstractmethod
    def add_confirmation(self, confirmation: dict[str, Any]) -> bool:
        """Keep a result's confirmation (the columns of `result_confirmation`); False if it has one already."""

    @abc.abstractmethod
    def confirmation(self, result_id: str) -> dict[str, Any] | None:
        """A result's confirmation, or None."""

    @abc.abstractmethod
    def deadline_rows(self, node_prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
        """Each (completed task, result naming it) of the results kept for nodes under the prefixes: task_id,
        result_id, node, completed_on, due, provisional, confirmed_at (None: not confirmed), ordered by due."""

    @abc.abstractmethod
    def flag_missed(self, task_id: str, result_id: str, node: str, due: date, detected_on: date,
                    at: datetime) -> bool:  # fmt: skip
        """Record a missed deadline; False if it was recorded already."""

    @abc.abstractmethod
    def missed(self) -> set[tuple[str, str]]:
        """The (task, result) pairs whose missed deadline is recorded."""

    # -- reads ---------------------------------------------------------------------------------

    @abc.abstractmethod
    def results_of_entity(self, uscc: str) -> list[RecordVersion]:
        """The latest version of every published result of an entity, newest publication first."""

    @abc.abstractmethod
    def records(self, kind: Kind, node_prefix: str, year: int | None, limit: int, offset: int,
                result_code: str | None = None) -> list[RecordVersion]:  # fmt: skip
        """The latest version of the records of a kind in a subtree (and year; results: of a category, judged on
        the latest version), newest publication first."""

    @abc.abstractmethod
    def receipts(self, node: str, after: int = 0, limit: int | None = None) -> list[Receipt]:
        """The node's receipts after sequence `after`, in order."""

    @abc.abstractmethod
    def contents_of(self, node: str) -> dict[tuple[str, str, int], dict[str, Any]]:
        """The content of every version the node published, by (kind, record id, version)."""


def _record(row: Any) -> RecordVersion:
    return RecordVersion(
        row.kind, row.record_id, row.version, row.node, row.uscc, row.year, row.content, row.content_sha256,
        row.published_at, row.event_id,
    )  # fmt: skip


def _change(row: Any) -> dict[str, Any]:
    keys = ("type", "fields", "reason", "node", "account_id", "role")
    return {**{k: getattr(row, k) for k in keys}, "at": row.at.isoformat()}


def _receipt(row: Any) -> Receipt:
    return Receipt(
        row.node, row.seq, row.kind, row.record_id, row.version, row.content_sha256, row.issued_at,
        row.previous_sha256, row.receipt_sha256,
    )  # fmt: skip


class SqlPublicationRepository(PublicationRepository):
    """The repository on a SQLAlchemy session (the unit of work's)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_approved(self, result_id: str, version: int, node: str, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        row = dict(result_id=result_id, version=version, node=node, payload=payload, event_id=event_id, received_at=at)
        stmt = pg_insert(orm.approved_result).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def approved(self, result_id: str) -> dict[str, Any] | None:
        t = orm.approved_result
        q = select(t.c.payload).where(t.c.result_id == result_id).order_by(t.c.version.desc()).limit(1)
        return self.session.execute(q).scalar()

    def add_decision(self, result_id: str, node: str, public: bool, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        row = dict(result_id=result_id, node=node, public=public, payload=payload, event_id=event_id, received_at=at)
        stmt = pg_insert(orm.publication_decision).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def decision(self, result_id: str) -> dict[str, Any] | None:
        t = orm.publication_decision
        return self.session.execute(select(t.c.payload).where(t.c.result_id == result_id)).scalar()

    def add_task_source(self, task_id: str, node: str, payload: dict[str, Any], event_id: str) -> None:
        t = orm.task_source
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('publication.task:' || :t))"), {"t": task_id})
        seq = self.session.execute(select(func.coalesce(func.max(t.c.seq), 0)).where(t.c.task_id == task_id)).scalar()
        row = dict(task_id=task_id, seq=int(seq or 0) + 1, node=node, payload=payload, event_id=event_id)
        self.session.execute(insert(t).values(**row))

    def tasks(self, task_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not task_ids:
            return {}
        t = orm.task_source
        q = (
            select(t.c.task_id, t.c.payload)
            .where(t.c.task_id.in_(task_ids))
            .distinct(t.c.task_id)
            .order_by(t.c.task_id, t.c.seq.desc())
        )
        return {row.task_id: row.payload for row in self.session.execute(q)}

    def add_follow_up(self, follow_up_id: str, step: str, result_id: str, node: str, payload: dict[str, Any],
                      event_id: str) -> bool:  # fmt: skip
        row = dict(follow_up_id=follow_up_id, step=step, result_id=result_id, node=node, payload=payload,
                   event_id=event_id)  # fmt: skip
        stmt = pg_insert(orm.follow_up_source).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def follow_ups(self, result_id: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        t = orm.follow_up_source
        rows = self.session.execute(select(t.c.follow_up_id, t.c.step, t.c.payload).where(t.c.result_id == result_id))
        opened: dict[str, dict[str, Any]] = {}
        closed: dict[str, dict[str, Any]] = {}
        for row in rows:
            (opened if row.step == "opened" else closed)[row.follow_up_id] = row.payload
        order = sorted(opened, key=lambda f: (opened[f]["opened_at"], f))
        return [(opened[f], closed.get(f)) for f in order]

    def add_check_item(self, item_id: str, version: int, node: str, payload: dict[str, Any], event_id: str) -> bool:
        row = dict(item_id=item_id, version=version, node=node, payload=payload, event_id=event_id)
        stmt = pg_insert(orm.check_item_source).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def check_items(self, node: str) -> list[dict[str, Any]]:
        t = orm.check_item_source
        q = select(t.c.payload).where(t.c.node == node).distinct(t.c.item_id).order_by(t.c.item_id, t.c.version.desc())
        found = list(self.session.execute(q).scalars())
        return sorted(found, key=lambda p: (p["spec"].get("number", 0), p["number"], p["item_id"]))

    def add_draw(self, draw_id: str, node: str, task_ids: list[str], payload: dict[str, Any], event_id: str) -> bool:
        row = dict(draw_id=draw_id, node=node, task_ids=task_ids, payload=payload, event_id=event_id)
        stmt = pg_insert(orm.draw_source).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def draw(self, draw_id: str) -> dict[str, Any] | None:
        t = orm.draw_source
        return self.session.execute(select(t.c.payload).where(t.c.draw_id == draw_id)).scalar()

    def draws_naming_task(self, task_id: str) -> list[str]:
        t = orm.draw_source
        q = select(t.c.draw_id).where(t.c.task_ids.contains([task_id]))
        return sorted(str(d) for d in self.session.execute(q).scalars())

    def add_dispatch(self, assignment_id: str, draw_id: str, target_node: str, payload: dict[str, Any],
                     event_id: str) -> bool:  # fmt: skip
        row = dict(assignment_id=assignment_id, draw_id=draw_id, target_node=target_node, payload=payload,
                   event_id=event_id)  # fmt: skip
        stmt = pg_insert(orm.dispatch_source).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def dispatches(self, draw_id: str, target_node: str) -> list[dict[str, Any]]:
        t = orm.dispatch_source
        q = select(t.c.payload).where(t.c.draw_id == draw_id, t.c.target_node == target_node)
        return sorted(self.session.execute(q).scalars(), key=lambda p: (p["batch"], p["uscc"], p["assignment_id"]))

    def set_entity_kinds(self, entities: list[tuple[str, str, int]]) -> None:
        latest: dict[str, tuple[str, int]] = {}
        for uscc, object_type, version in entities:  # one row per key in a statement: the highest version
            if uscc not in latest or latest[uscc][1] < version:
                latest[uscc] = (object_type, version)
        if not latest:
            return
        t = orm.entity_kind
        rows = [{"uscc": u, "object_type": o, "entity_version": v} for u, (o, v) in sorted(latest.items())]
        stmt = pg_insert(t).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.uscc],
            set_={"object_type": stmt.excluded.object_type, "entity_version": stmt.excluded.entity_version},
            where=t.c.entity_version < stmt.excluded.entity_version,
        )
        self.session.execute(stmt)

    def entity_kind(self, uscc: str) -> str | None:
        t = orm.entity_kind
        return self.session.execute(select(t.c.object_type).where(t.c.uscc == uscc)).scalar()

    def lock_chain(self, node: str) -> None:
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('publication.chain:' || :n))"), {"n": node})

    def lock_task(self, task_id: str) -> None:
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('publication.task:' || :t))"), {"t": task_id})

    def results_naming_task(self, task_id: str) -> list[str]:
        t = orm.approved_result
        q = select(t.c.result_id).where(t.c.payload["task_ids"].contains([task_id])).distinct()
        return sorted(str(r) for r in self.session.execute(q).scalars())

    def last_receipt(self, node: str) -> Receipt | None:
        t = orm.receipt
        row = self.session.execute(select(t).where(t.c.node == node).order_by(t.c.seq.desc()).limit(1)).first()
        return _receipt(row) if row is not None else None

    def add_receipt(self, receipt: Receipt) -> None:
        self.session.execute(insert(orm.receipt).values(**receipt.__dict__))

    def add_record(self, record: RecordVersion) -> None:
        self.session.execute(insert(orm.public_record).values(**record.__dict__))

    def versions(self, kind: Kind, record_id: str) -> list[RecordVersion]:
        t = orm.public_record
        q = select(t).where(t.c.kind == kind, t.c.record_id == record_id).order_by(t.c.version)
        return [_record(row) for row in self.session.execute(q)]

    def add_withheld(self, result_id: str, node: str, task_ids: list[str], reason: str, source_sha256: str,
                     at: datetime, event_id: str) -> None:  # fmt: skip
        row = dict(
            result_id=result_id, node=node, task_ids=task_ids, reason=reason, source_sha256=source_sha256,
            withheld_at=at, event_id=event_id,
        )  # fmt: skip
        self.session.execute(pg_insert(orm.withheld_result).values(**row).on_conflict_do_nothing())

    def withheld(self, node_prefix: str) -> list[dict[str, Any]]:
        t = orm.withheld_result
        q = (
            select(t)
            .where(t.c.node.startswith(node_prefix, autoescape=True))
            .order_by(t.c.withheld_at.desc(), t.c.result_id)
        )
        return [
            {
                "result_id": r.result_id,
                "node": r.node,
                "task_ids": r.task_ids,
                "reason": r.reason,
                "source_sha256": r.source_sha256,
                "withheld_at": r.withheld_at,
            }
            for r in self.session.execute(q)
        ]

    def kind_of(self, record_id: str) -> Kind | None:
        t = orm.public_record
        found = self.session.execute(select(t.c.kind).where(t.c.record_id == record_id).limit(1)).scalar()
        return cast(Kind, found) if found is not None else None

    def add_change(self, kind: Kind, record_id: str, change: dict[str, Any]) -> int:
        t = orm.record_change
        where = (t.c.kind == kind, t.c.record_id == record_id)
        seq = int(self.session.execute(select(func.coalesce(func.max(t.c.seq), 0)).where(*where)).scalar() or 0) + 1
        self.session.execute(insert(t).values(kind=kind, record_id=record_id, seq=seq, **change))
        return seq

    def changes(self, kind: Kind, record_id: str) -> list[dict[str, Any]]:
        t = orm.record_change
        q = select(t).where(t.c.kind == kind, t.c.record_id == record_id).order_by(t.c.seq)
        return [_change(r) for r in self.session.execute(q)]

    def result_state(self, result_ids: Collection[str]) -> ResultState:
        ids, state = sorted(set(result_ids)), ResultState()
        if ids:
            a, d, r, c = orm.approved_result, orm.publication_decision, orm.public_record, orm.record_change
            for row in self.session.execute(
                select(a.c.result_id, a.c.version, a.c.payload).where(a.c.result_id.in_(ids))
            ):
                state.approved.setdefault(row.result_id, {})[row.version] = row.payload
            for row in self.session.execute(select(d.c.result_id, d.c.payload).where(d.c.result_id.in_(ids))):
                state.decisions[row.result_id] = row.payload
            q = select(r).where(r.c.kind == "result", r.c.record_id.in_(ids)).order_by(r.c.record_id, r.c.version)
            for row in self.session.execute(q):
                state.versions.setdefault(row.record_id, []).append(_record(row))
            q = select(c).where(c.c.kind == "result", c.c.record_id.in_(ids)).order_by(c.c.record_id, c.c.seq)
            for row in self.session.execute(q):
                state.changes.setdefault(row.record_id, []).append(_change(row))
            f = orm.follow_up_source
            q = select(f.c.result_id).where(f.c.result_id.in_(ids)).distinct()
            for found in self.session.execute(q).scalars():  # few results have follow-ups
                state.follow_ups[found] = self.follow_ups(found)
            t = orm.result_confirmation
            state.confirmed = set(self.session.execute(select(t.c.result_id).where(t.c.result_id.in_(ids))).scalars())
        return state

    def entity_kinds(self, usccs: Collection[str]) -> dict[str, str]:
        if not usccs:
            return {}
        k = orm.entity_kind
        q = select(k.c.uscc, k.c.object_type).where(k.c.uscc.in_(sorted(set(usccs))))
        return {row.uscc: row.object_type for row in self.session.execute(q)}

    def write_results(self, rows: ResultRows) -> None:
        kept_once = (
            (orm.approved_result, rows.approved),
            (orm.publication_decision, rows.decisions),
            (orm.withheld_result, rows.withheld),
            (orm.result_confirmation, rows.confirmations),
        )
        for table, found in kept_once:
            if found:  # RETURNING, so that SQLAlchemy sends many rows a statement (else psycopg2 sends row by row)
                key = next(iter(table.primary_key.columns))
                self.session.execute(pg_insert(table).on_conflict_do_nothing().returning(key), found).all()
        if rows.records:
            self.session.execute(insert(orm.public_record), [dict(r.__dict__) for r in rows.records])
        if rows.receipts:
            self.session.execute(insert(orm.receipt), [dict(r.__dict__) for r in rows.receipts])

    def record_versions(self, keys: Collection[tuple[Kind, str, int]]) -> list[RecordVersion]:
        if not keys:
            return []
        t = orm.public_record
        wanted = tuple_(t.c.kind, t.c.record_id, t.c.version).in_(sorted(set(keys)))
        return [_record(row) for row in self.session.execute(select(t).where(wanted))]

    def add_task_deadline(self, deadline: TaskDeadline, event_id: str, at: datetime) -> bool:
        row = {**deadline.__dict__, "event_id": event_id, "received_at": at}
        stmt = pg_insert(orm.task_deadline).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def task_deadlines(self, task_ids: list[str]) -> list[TaskDeadline]:
        if not task_ids:
            return []
        t = orm.task_deadline
        q = select(t.c.task_id, t.c.node, t.c.completed_on, t.c.due, t.c.provisional).where(t.c.task_id.in_(task_ids))
        return [TaskDeadline(*row) for row in self.session.execute(q.order_by(t.c.task_id))]

    def add_confirmation(self, confirmation: dict[str, Any]) -> bool:
        stmt = pg_insert(orm.result_confirmation).values(**confirmation).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def confirmation(self, result_id: str) -> dict[str, Any] | None:
        t = orm.result_confirmation
        row = self.session.execute(select(t).where(t.c.result_id == result_id)).first()
        return dict(row._mapping) if row is not None else None

    def deadline_rows(self, node_prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
        a, d, c = orm.approved_result, orm.task_deadline, orm.result_confirmation
        if not node_prefixes:
            return []
        mine = (
            select(a.c.result_id, a.c.node, a.c.payload["task_ids"].label("task_ids"))
            .where(or_(*(a.c.node.startswith(p, autoescape=True) for p in node_prefixes)))
            .distinct(a.c.result_id)
            .order_by(a.c.result_id, a.c.version.desc())
            .subquery()
        )
        q = (
            select(
                d.c.task_id,
                mine.c.result_id,
                mine.c.node,
                d.c.completed_on,
                d.c.due,
                d.c.provisional,
                c.c.confirmed_at,
            )
            .join(mine, mine.c.task_ids.contains(func.jsonb_build_array(d.c.task_id)))
            .outerjoin(c, c.c.result_id == mine.c.result_id)
            .order_by(d.c.due, d.c.task_id, mine.c.result_id)
        )
        return [dict(row._mapping) for row in self.session.execute(q)]

    def flag_missed(self, task_id: str, result_id: str, node: str, due: date, detected_on: date,
                    at: datetime) -> bool:  # fmt: skip
        row = dict(task_id=task_id, result_id=result_id, node=node, due=due, detected_on=detected_on, detected_at=at)
        stmt = pg_insert(orm.deadline_missed).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], self.session.execute(stmt)).rowcount)

    def missed(self) -> set[tuple[str, str]]:
        t = orm.deadline_missed
        return {(r.task_id, r.result_id) for r in self.session.execute(select(t.c.task_id, t.c.result_id))}

    def _latest(self, *where: Any) -> Any:
        t = orm.public_record
        return (
            select(t)
            .where(*where)
            .distinct(t.c.kind, t.c.record_id)
            .order_by(t.c.kind, t.c.record_id, t.c.version.desc())
            .subquery()
        )

    def results_of_entity(self, uscc: str) -> list[RecordVersion]:
        t = orm.public_record
        latest = self._latest(t.c.kind == "result", t.c.uscc == uscc)
        q = select(latest).order_by(latest.c.published_at.desc(), latest.c.record_id)
        return [_record(row) for row in self.session.execute(q)]

    def records(self, kind: Kind, node_prefix: str, year: int | None, limit: int, offset: int,
                result_code: str | None = None) -> list[RecordVersion]:  # fmt: skip
        t = orm.public_record
        where = [t.c.kind == kind, t.c.node.startswith(node_prefix, autoescape=True)]
        if year is not None:
            where.append(t.c.year == year)
        latest = self._latest(and_(*where))
        q = select(latest)
        if result_code is not None:
            q = q.where(latest.c.content["result_code"].astext == result_code)
        q = q.order_by(latest.c.published_at.desc(), latest.c.record_id).limit(limit).offset(offset)
        return [_record(row) for row in self.session.execute(q)]

    def receipts(self, node: str, after: int = 0, limit: int | None = None) -> list[Receipt]:
        t = orm.receipt
        q = select(t).where(t.c.node == node, t.c.seq > after).order_by(t.c.seq).limit(limit)
        return [_receipt(row) for row in self.session.execute(q)]

    def contents_of(self, node: str) -> dict[tuple[str, str, int], dict[str, Any]]:
        t = orm.public_record
        q = select(t.c.kind, t.c.record_id, t.c.version, t.c.content).where(t.c.node == node)
        return {(r.kind, r.record_id, r.version): r.content for r in self.session.execute(q)}
