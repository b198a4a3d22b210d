"""The draw's repository: the port its use cases speak to (`DrawRepository`) and its SQLAlchemy adapter.

A draw is a `draw_run` row, its hash-chained `draw_log` entries, its `draw_pick` rows, the plans of its
expansions and the openings of its team replacements, all append-only; the read models it draws from follow
their topics (`draw.adapters.read_model`). The fake with the same behaviour is `tests/fakes.py`; both pass
`tests/integration/test_repository_contract.py`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from draw.adapters import read_model
from draw.adapters.orm import (
    check_item_view,
    draw_expansion,
    draw_log,
    draw_pick,
    draw_replacement_reason,
    draw_run,
    entity_view,
    inspector_view,
    interests_view,
    task_view,
)
from draw.domain.records import (
    CheckItemRecord,
    DrawRun,
    EntityRecord,
    InspectorRecord,
    PickRecord,
    ReadyTask,
    ReplacementOpening,
)
from hrss.contracts.events.planning import TaskReadyForDraw
from hrss.contracts.events.registry import CheckItemChanged, EntityChanged, InspectorChanged, InterestsChanged
from hrss.drawkit.log import LogEntry


class DrawRepository(ABC):
    """The draws and the read models, as the draw's use cases need them."""

    # -- read models (the consumers keep them; the freeze and the dispatch read them) ----------

    @abstractmethod
    def apply_ready_tasks(self, events: Iterable[TaskReadyForDraw]) -> None:
        """Keep each task as first frozen (a later event for it changes nothing)."""

    @abstractmethod
    def apply_entities(self, events: Iterable[EntityChanged]) -> None:
        """Keep the highest version of each entity."""

    @abstractmethod
    def apply_inspectors(self, events: Iterable[InspectorChanged]) -> None:
        """Keep the highest version of each inspector."""

    @abstractmethod
    def apply_interests(self, events: Iterable[InterestsChanged]) -> None:
        """Keep the highest revision of each inspector's declared interests."""

    @abstractmethod
    def apply_check_items(self, events: Iterable[CheckItemChanged]) -> None:
        """Keep every checklist item version once (texts filled once where a stored version lacks them)."""

    @abstractmethod
    def ready_task(self, task_id: str) -> ReadyTask | None:
        """The task as frozen for draw, if its event came."""

    @abstractmethod
    def ready_tasks(self, task_ids: Sequence[str]) -> dict[str, ReadyTask]:
        """Those of `task_ids` frozen for draw, by id."""

    @abstractmethod
    def check_items(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], CheckItemRecord]:
        """The checklist item versions known among `keys` (item id, version)."""

    @abstractmethod
    def entities_in(self, region_prefixes: Sequence[str]) -> list[EntityRecord]:
        """Every entity whose region code starts with one of the prefixes."""

    @abstractmethod
    def entities(self, usccs: Sequence[str]) -> dict[str, EntityRecord]:
        """The entities of these USCCs, by USCC."""

    @abstractmethod
    def enforcement_staff(self, nodes: Sequence[str]) -> list[InspectorRecord]:
        """The enforcement inspectors (not auxiliary experts) of these nodes, by inspector id."""

    @abstractmethod
    def declared_interests(self, inspector_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(inspector id, uscc) for every interest these inspectors declared, sorted."""

    @abstractmethod
    def inspector_names(self, inspector_ids: Iterable[str]) -> dict[str, str]:
        """Inspector id → name, for those known."""

    # -- draws ---------------------------------------------------------------------------------

    @abstractmethod
    def lock_tasks(self, task_ids: Sequence[str]) -> None:
        """Serialise the freezes of these tasks until the transaction ends."""

    @abstractmethod
    def open_draw_of(self, task_ids: Sequence[str]) -> str | None:
        """A draw of one of these tasks that was not voided, if any."""

    @abstractmethod
    def add_run(self, run: DrawRun) -> None: ...

    @abstractmethod
    def run(self, draw_id: str, *, lock: bool = False) -> DrawRun | None:
        """The draw's run; `lock` holds it until the transaction ends (the next step waits)."""

    @abstractmethod
    def draws_of_task(self, task_id: str) -> list[str]:
        """The draws of a task, oldest first."""

    @abstractmethod
    def log(self, draw_id: str) -> list[LogEntry]:
        """The draw's log in seq order."""

    @abstractmethod
    def add_log(self, draw_id: str, entries: Sequence[LogEntry], actor: str) -> None: ...

    @abstractmethod
    def picks(self, draw_id: str) -> list[PickRecord]:
        """The draw's picks in seq order."""

    @abstractmethod
    def add_picks(self, draw_id: str, picks: Sequence[PickRecord]) -> None: ...

    @abstractmethod
    def picks_by_node(self, draw_id: str) -> dict[str, int]:
        """How many of the draw's picks went to each target node."""

    @abstractmethod
    def expansion_plans(self, draw_id: str) -> list[dict[str, Any]]:
        """The plans of the draw's expansions in log order."""

    @abstractmethod
    def add_expansion(self, draw_id: str, seq: int, plan: dict[str, Any]) -> None: ...

    @abstractmethod
    def replacement_openings(self, draw_id: str) -> dict[int, ReplacementOpening]:
        """The reason and salt of each team member replacement, by its log entry's seq."""

    @abstractmethod
    def add_replacement_opening(self, draw_id: str, opening: ReplacementOpening) -> None: ...


def _entity(r: Any) -> EntityRecord:
    return EntityRecord(
        str(r.entity_id),
        r.version,
        r.uscc,
        r.name,
        r.object_type,
        r.region_code,
        r.status,
        list(r.tags),
        r.credit_grade,
        r.last_inspected,
    )


def _pick(r: Any) -> PickRecord:
    return PickRecord(
        r.seq,
        r.uscc,
        r.stratum,
        r.rank,
        r.ticket,
        list(r.items),
        r.batch,
        r.replaces,
        r.target_node,
        str(r.assignment_id),
        list(r.team or []),
    )


class SqlDrawRepository(DrawRepository):
    """The repository on the draw schema (PostgreSQL), in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def apply_ready_tasks(self, events: Iterable[TaskReadyForDraw]) -> None:
        read_model.apply_ready_tasks(self.session, events)

    def apply_entities(self, events: Iterable[EntityChanged]) -> None:
        read_model.apply_entities(self.session, events)

    def apply_inspectors(self, events: Iterable[InspectorChanged]) -> None:
        read_model.apply_inspectors(self.session, events)

    def apply_interests(self, events: Iterable[InterestsChanged]) -> None:
        read_model.apply_interests(self.session, events)

    def apply_check_items(self, events: Iterable[CheckItemChanged]) -> None:
        read_model.apply_check_items(self.session, events)

    def ready_task(self, task_id: str) -> ReadyTask | None:
        found = self.ready_tasks([task_id])
        return found.get(task_id)

    def ready_tasks(self, task_ids: Sequence[str]) -> dict[str, ReadyTask]:
        rows = self.session.execute(select(task_view).where(task_view.c.task_id.in_(list(task_ids))))
        return {
            str(r.task_id): ReadyTask(str(r.task_id), r.node, [str(m) for m in r.group_members], r.task) for r in rows
        }

    def check_items(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], CheckItemRecord]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        table = check_item_view.c
        rows = self.session.execute(select(check_item_view).where(tuple_(table.item_id, table.version).in_(wanted)))
        return {
            (r.item_id, r.version): CheckItemRecord(
                r.item_id, r.version, r.name, r.line, list(r.qualifications), r.content, r.legal_basis
            )
            for r in rows
        }

    def entities_in(self, region_prefixes: Sequence[str]) -> list[EntityRecord]:
        if not region_prefixes:
            return []
        query = select(entity_view).where(or_(*(entity_view.c.region_code.like(p + "%") for p in region_prefixes)))
        return [_entity(r) for r in self.session.execute(query)]

    def entities(self, usccs: Sequence[str]) -> dict[str, EntityRecord]:
        if not usccs:
            return {}
        rows = self.session.execute(select(entity_view).where(entity_view.c.uscc.in_(list(usccs))))
        return {r.uscc: _entity(r) for r in rows}

    def enforcement_staff(self, nodes: Sequence[str]) -> list[InspectorRecord]:
        rows = self.session.execute(
            select(inspector_view)
            .where(inspector_view.c.node.in_(list(nodes)), inspector_view.c.pool == "enforcement")
            .order_by(inspector_view.c.inspector_id)
        )
        return [
            InspectorRecord(
                str(r.inspector_id),
                r.credential_no,
                r.credential_expires,
                r.name,
                r.node,
                r.line,
                r.pool,
                r.status,
                list(r.qualifications),
                r.station_region,
                list(r.former_employers),
            )
            for r in rows
        ]

    def declared_interests(self, inspector_ids: Sequence[str]) -> list[tuple[str, str]]:
        rows = self.session.execute(
            select(interests_view).where(interests_view.c.inspector_id.in_(list(inspector_ids)))
        )
        return sorted((str(r.inspector_id), u) for r in rows for u in r.usccs)

    def inspector_names(self, inspector_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(inspector_ids))
        if not ids:
            return {}
        query = select(inspector_view.c.inspector_id, inspector_view.c.name).where(
            inspector_view.c.inspector_id.in_(ids)
        )
        return {str(r.inspector_id): r.name for r in self.session.execute(query)}

    def lock_tasks(self, task_ids: Sequence[str]) -> None:
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext("draw.freeze." + ",".join(task_ids)))))

    def open_draw_of(self, task_ids: Sequence[str]) -> str | None:
        for row in self.session.execute(select(draw_run.c.draw_id).where(draw_run.c.task_ids.overlap(list(task_ids)))):
            kinds = self.session.execute(select(draw_log.c.kind).where(draw_log.c.draw_id == row.draw_id)).scalars()
            if "voided" not in set(kinds):
                return str(row.draw_id)
        return None

    def add_run(self, run: DrawRun) -> None:
        self.session.execute(insert(draw_run).values(**vars(run)))

    def run(self, draw_id: str, *, lock: bool = False) -> DrawRun | None:
        query = select(draw_run).where(draw_run.c.draw_id == draw_id)
        r = self.session.execute(query.with_for_update() if lock else query).first()
        if r is None:
            return None
        return DrawRun(
            str(r.draw_id),
            r.node,
            [str(t) for t in r.task_ids],
            r.profile,
            r.plan,
            r.task,
            r.snapshot_key,
            r.snapshot_sha256,
            r.frame_size,
            r.created_by,
            r.created_at,
        )

    def draws_of_task(self, task_id: str) -> list[str]:
        query = select(draw_run.c.draw_id).where(draw_run.c.task_ids.any(task_id)).order_by(draw_run.c.created_at)  # type: ignore[arg-type]
        return [str(d) for d in self.session.execute(query).scalars()]

    def log(self, draw_id: str) -> list[LogEntry]:
        query = select(draw_log).where(draw_log.c.draw_id == draw_id).order_by(draw_log.c.seq)
        return [LogEntry(r.seq, r.kind, r.at, r.body, r.hash) for r in self.session.execute(query)]

    def add_log(self, draw_id: str, entries: Sequence[LogEntry], actor: str) -> None:
        rows = [
            {"draw_id": draw_id, "seq": e.seq, "kind": e.kind, "at": e.at, "body": dict(e.body), "hash": e.hash}
            | {"actor": actor}
            for e in entries
        ]
        if rows:
            self.session.execute(insert(draw_log), rows)

    def picks(self, draw_id: str) -> list[PickRecord]:
        query = select(draw_pick).where(draw_pick.c.draw_id == draw_id).order_by(draw_pick.c.seq)
        return [_pick(r) for r in self.session.execute(query)]

    def add_picks(self, draw_id: str, picks: Sequence[PickRecord]) -> None:
        if picks:
            self.session.execute(insert(draw_pick), [{"draw_id": draw_id, **vars(p)} for p in picks])

    def picks_by_node(self, draw_id: str) -> dict[str, int]:
        query = (
            select(draw_pick.c.target_node, func.count())
            .where(draw_pick.c.draw_id == draw_id)
            .group_by(draw_pick.c.target_node)
        )
        return {str(node): int(count) for node, count in self.session.execute(query)}

    def expansion_plans(self, draw_id: str) -> list[dict[str, Any]]:
        query = select(draw_expansion.c.plan).where(draw_expansion.c.draw_id == draw_id).order_by(draw_expansion.c.seq)
        return list(self.session.execute(query).scalars())

    def add_expansion(self, draw_id: str, seq: int, plan: dict[str, Any]) -> None:
        self.session.execute(insert(draw_expansion).values(draw_id=draw_id, seq=seq, plan=plan))

    def replacement_openings(self, draw_id: str) -> dict[int, ReplacementOpening]:
        rows = self.session.execute(select(draw_replacement_reason).where(draw_replacement_reason.c.draw_id == draw_id))
        return {r.seq: ReplacementOpening(r.seq, r.reason, r.salt) for r in rows}

    def add_replacement_opening(self, draw_id: str, opening: ReplacementOpening) -> None:
        self.session.execute(insert(draw_replacement_reason).values(draw_id=draw_id, **vars(opening)))
