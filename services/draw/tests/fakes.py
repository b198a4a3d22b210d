"""In-memory stand-ins for the draw's adapters: `FakeDrawRepository` behaves as `SqlDrawRepository` does (the same
contract suite runs both: tests/integration/test_repository_contract.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from draw.adapters.repository import DrawRepository
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


class DuplicateRow(Exception):
    """A row added twice under the same key (the database refuses it by its primary key)."""


def _text(spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    return value.strip() if isinstance(value, str) else ""


class FakeDrawRepository(DrawRepository):
    def __init__(self) -> None:
        self.tasks: dict[str, ReadyTask] = {}
        self.entity_rows: dict[str, EntityRecord] = {}  # by entity id
        self.inspectors: dict[str, tuple[int, InspectorRecord]] = {}
        self.interests: dict[str, tuple[int, list[str]]] = {}
        self.items: dict[tuple[str, int], CheckItemRecord] = {}
        self.runs: dict[str, DrawRun] = {}
        self.logs: dict[str, dict[int, LogEntry]] = {}
        self.pick_rows: dict[str, dict[int, PickRecord]] = {}
        self.expansions: dict[str, dict[int, dict[str, Any]]] = {}
        self.openings: dict[str, dict[int, ReplacementOpening]] = {}
        self.locked: list[list[str]] = []

    # -- read models -------------------------------------------------------------------------

    def apply_ready_tasks(self, events: Iterable[TaskReadyForDraw]) -> None:
        for e in events:
            task_id = str(e.task.task_id)
            members = [str(m) for m in e.draw_group_members] or [task_id]
            self.tasks.setdefault(task_id, ReadyTask(task_id, e.task.node, members, e.task.model_dump(mode="json")))

    def apply_entities(self, events: Iterable[EntityChanged]) -> None:
        for e in events:
            known = self.entity_rows.get(str(e.entity_id))
            if known is None or e.version > known.version:
                self.entity_rows[str(e.entity_id)] = EntityRecord(
                    str(e.entity_id),
                    e.version,
                    e.uscc,
                    e.name,
                    e.object_type,
                    e.region_code,
                    e.status,
                    list(e.tags),
                    e.credit_grade,
                    e.last_inspected,
                )

    def apply_inspectors(self, events: Iterable[InspectorChanged]) -> None:
        for e in events:
            known = self.inspectors.get(str(e.inspector_id))
            if known is None or e.version > known[0]:
                record = InspectorRecord(
                    str(e.inspector_id),
                    e.credential_no,
                    e.credential_expires,
                    e.name,
                    e.node,
                    e.line,
                    e.pool,
                    e.status,
                    list(e.qualifications),
                    e.station_region,
                    list(e.former_employers),
                )
                self.inspectors[str(e.inspector_id)] = (e.version, record)

    def apply_interests(self, events: Iterable[InterestsChanged]) -> None:
        for e in events:
            known = self.interests.get(str(e.inspector_id))
            if known is None or e.revision > known[0]:
                self.interests[str(e.inspector_id)] = (e.revision, sorted(i.uscc for i in e.interests))

    def apply_check_items(self, events: Iterable[CheckItemChanged]) -> None:
        for e in events:
            key = (str(e.item_id), e.version)
            known = self.items.get(key)
            texts = {"content": _text(e.spec, "content"), "legal_basis": _text(e.spec, "legal_basis")}
            if known is None:
                name = str(e.spec.get("name") or e.number)
                self.items[key] = CheckItemRecord(
                    key[0], e.version, name, e.line, sorted(set(e.qualifications)), **texts
                )
            elif known.content is None:
                self.items[key] = dataclasses.replace(known, **texts)

    def ready_task(self, task_id: str) -> ReadyTask | None:
        return self.tasks.get(task_id)

    def ready_tasks(self, task_ids: Sequence[str]) -> dict[str, ReadyTask]:
        return {t: self.tasks[t] for t in task_ids if t in self.tasks}

    def check_items(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], CheckItemRecord]:
        return {k: self.items[k] for k in set(keys) if k in self.items}

    def entities_in(self, region_prefixes: Sequence[str]) -> list[EntityRecord]:
        return [e for e in self.entity_rows.values() if any(e.region_code.startswith(p) for p in region_prefixes)]

    def entities(self, usccs: Sequence[str]) -> dict[str, EntityRecord]:
        wanted = set(usccs)
        return {e.uscc: e for e in self.entity_rows.values() if e.uscc in wanted}

    def enforcement_staff(self, nodes: Sequence[str]) -> list[InspectorRecord]:
        found = [r for _, r in self.inspectors.values() if r.node in nodes and r.pool == "enforcement"]
        return sorted(found, key=lambda r: r.inspector_id)

    def declared_interests(self, inspector_ids: Sequence[str]) -> list[tuple[str, str]]:
        return sorted((i, u) for i in inspector_ids if i in self.interests for u in self.interests[i][1])

    def inspector_names(self, inspector_ids: Iterable[str]) -> dict[str, str]:
        return {i: self.inspectors[i][1].name for i in set(inspector_ids) if i in self.inspectors}

    # -- draws -------------------------------------------------------------------------------

    def lock_tasks(self, task_ids: Sequence[str]) -> None:
        self.locked.append(list(task_ids))

    def open_draw_of(self, task_ids: Sequence[str]) -> str | None:
        for run in self.runs.values():
            voided = any(e.kind == "voided" for e in self.logs.get(run.draw_id, {}).values())
            if set(run.task_ids) & set(task_ids) and not voided:
                return run.draw_id
        return None

    def add_run(self, run: DrawRun) -> None:
        if run.draw_id in self.runs:
            raise DuplicateRow(run.draw_id)
        self.runs[run.draw_id] = run

    def run(self, draw_id: str, *, lock: bool = False) -> DrawRun | None:
        return self.runs.get(draw_id)

    def draws_of_task(self, task_id: str) -> list[str]:
        found = sorted((r for r in self.runs.values() if task_id in r.task_ids), key=lambda r: r.created_at)
        return [r.draw_id for r in found]

    def log(self, draw_id: str) -> list[LogEntry]:
        return [e for _, e in sorted(self.logs.get(draw_id, {}).items())]

    def add_log(self, draw_id: str, entries: Sequence[LogEntry], actor: str) -> None:
        log = self.logs.setdefault(draw_id, {})
        for e in entries:
            if e.seq in log:
                raise DuplicateRow(f"{draw_id} log {e.seq}")
            log[e.seq] = LogEntry(e.seq, e.kind, e.at, dict(e.body), e.hash)

    def picks(self, draw_id: str) -> list[PickRecord]:
        return [p for _, p in sorted(self.pick_rows.get(draw_id, {}).items())]

    def add_picks(self, draw_id: str, picks: Sequence[PickRecord]) -> None:
        rows = self.pick_rows.setdefault(draw_id, {})
        for p in picks:
            if p.seq in rows:
                raise DuplicateRow(f"{draw_id} pick {p.seq}")
            rows[p.seq] = p

    def picks_by_node(self, draw_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pick in self.pick_rows.get(draw_id, {}).values():
            counts[pick.target_node] = counts.get(pick.target_node, 0) + 1
        return counts

    def expansion_plans(self, draw_id: str) -> list[dict[str, Any]]:
        return [plan for _, plan in sorted(self.expansions.get(draw_id, {}).items())]

    def add_expansion(self, draw_id: str, seq: int, plan: dict[str, Any]) -> None:
        self.expansions.setdefault(draw_id, {})[seq] = plan

    def replacement_openings(self, draw_id: str) -> dict[int, ReplacementOpening]:
        return dict(self.openings.get(draw_id, {}))

    def add_replacement_opening(self, draw_id: str, opening: ReplacementOpening) -> None:
        self.openings.setdefault(draw_id, {})[opening.seq] = opening
