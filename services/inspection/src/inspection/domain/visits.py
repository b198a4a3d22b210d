"""One visit per entity and period (进一次门、查多项事): the rules that merge assignments into it.

- **Key**: node + USCC + period, where the period is the calendar year of the earliest task end of the
  assignment (a joint draw's tasks share their window; separate draws of one year meet in one visit).
- **Tasks and items**: the union by task id; a task arriving again (expansion) adds the items it did not have.
- **Team**: the union of the current teams of every merged assignment, by inspector id, in order of arrival;
  a team change replaces the member only in its own assignment's team.
- **Due**: the earliest task end (results are entered before the task's end, 004 §9.3.2.4).
- **Prior notice**: only if every task allows it; one unannounced task makes the whole visit unannounced,
  because a notice for the visit would reveal it (004 §9.3.2.2).
- A visit whose result has been submitted takes no more tasks: a later assignment opens the next visit of the
  same key (`seq` + 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Member:
    inspector_id: str
    credential_no: str
    name: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"inspector_id": self.inspector_id, "credential_no": self.credential_no, "name": self.name}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Member:
        return cls(str(raw["inspector_id"]), str(raw["credential_no"]), str(raw.get("name") or ""))


@dataclass(frozen=True)
class Item:
    """A checklist item as dispatched: `content` its inspection points (检查要点), `legal_basis` (检查依据), "" if
    the dispatch did not carry them (stored only when known, so earlier visits keep their shape)."""

    item_id: str
    item_version: int
    name: str
    methods: tuple[str, ...] = ()
    content: str = ""
    legal_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        texts = {"content": self.content, "legal_basis": self.legal_basis}
        return {
            "item_id": self.item_id,
            "item_version": self.item_version,
            "name": self.name,
            "methods": list(self.methods),
            **{key: text for key, text in texts.items() if text},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Item:
        return cls(
            str(raw["item_id"]),
            int(raw["item_version"]),
            str(raw["name"]),
            tuple(raw.get("methods") or ()),
            str(raw.get("content") or ""),
            str(raw.get("legal_basis") or ""),
        )


@dataclass(frozen=True)
class Task:
    task_id: str
    number: str | None
    title: str
    end: date
    prior_notice: bool
    start: date | None = None
    items: tuple[Item, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "number": self.number,
            "title": self.title,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat(),
            "prior_notice": self.prior_notice,
            "items": [i.to_dict() for i in self.items],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Task:
        return cls(
            task_id=str(raw["task_id"]),
            number=raw.get("number"),
            title=str(raw["title"]),
            end=date.fromisoformat(raw["end"]),
            prior_notice=bool(raw["prior_notice"]),
            start=date.fromisoformat(raw["start"]) if raw.get("start") else None,
            items=tuple(Item.from_dict(i) for i in raw.get("items") or ()),
        )


def period_of(tasks: Sequence[Task]) -> int:
    """The period an assignment belongs to: the calendar year of its earliest task end."""
    return min(t.end for t in tasks).year


def merge_tasks(existing: Sequence[Task], arriving: Iterable[Task]) -> list[Task]:
    """The union by task id; a known task gains the items it lacked, its other fields stay as first received."""
    merged = {t.task_id: t for t in existing}
    for task in arriving:
        known = merged.get(task.task_id)
        if known is None:
            merged[task.task_id] = task
            continue
        have = {i.item_id for i in known.items}
        extra = tuple(i for i in task.items if i.item_id not in have)
        if extra:
            merged[task.task_id] = replace(known, items=known.items + extra)
    return list(merged.values())


def union_team(teams: Iterable[Sequence[Member]]) -> list[Member]:
    """Every member of every team once, by inspector id, in order of first appearance."""
    seen: dict[str, Member] = {}
    for team in teams:
        for member in team:
            seen.setdefault(member.inspector_id, member)
    return list(seen.values())


def replace_member(team: Sequence[Member], replaced: str, by: Member) -> list[Member]:
    """The team with `replaced` (an inspector id) swapped for `by` in its place; unchanged if absent."""
    out = [by if m.inspector_id == replaced else m for m in team]
    return union_team([out])


def due(tasks: Sequence[Task]) -> date:
    """Results are due before the earliest task end."""
    return min(t.end for t in tasks)


def announced(tasks: Sequence[Task]) -> bool:
    """Prior notice is given only if no task of the visit must be unannounced."""
    return all(t.prior_notice for t in tasks)


def window(tasks: Sequence[Task]) -> tuple[date | None, date]:
    """The dates the visit may take place: from the latest task start to the earliest task end."""
    starts = [t.start for t in tasks if t.start is not None]
    return (max(starts) if starts else None), due(tasks)


def checklist(tasks: Sequence[Task]) -> list[tuple[Task, Item]]:
    """Every (task, item) the record form has a line for, in task then item order."""
    return [(t, i) for t in tasks for i in t.items]
