"""What a team member needs for each item of a draw, from the checklist (docs/draw.md, "Qualifications").

A checklist item version names its line of business (业务条线) and the qualifications (资格) it requires. An
inspector may serve an item when of a line of the items of its task (a joint task of several lines draws on each
line's staff: 进一次门、查多项事) and holding what the items the entity is inspected for require.

`hrss.drawkit.assignment` knows only qualification tags: a member must hold the union over the entity's items of
`base ∪ by_line[item line]`, a rule frozen into the committed task. The line is expressed in that language: the
rule for line Y is the tag `line:Y` plus the qualifications its items in the draw require, and the roster gives an
inspector of line Z the tag `line:Y` for every line Y that shares a task with Z. So the verifier re-derives and
checks everything with the standard library alone, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from draw.domain.errors import ItemNotKnown

if TYPE_CHECKING:
    from draw.adapters.repository import DrawRepository

LINE_TAG = "line:"
# what every member needed, whatever the items, before the checklist named qualifications: the rule of a draw
# frozen without one
LEGACY_BASE = ("行政执法资格",)


@dataclass(frozen=True)
class ItemNeed:
    """One checklist item version: its name, line of business and required qualifications."""

    name: str
    line: str | None
    qualifications: tuple[str, ...]


def line_tag(line: str) -> str:
    """The roster tag of an inspector who may serve items of `line`."""
    return LINE_TAG + line


def item_needs(repo: DrawRepository, tasks: Sequence[Mapping[str, Any]]) -> dict[tuple[str, int], ItemNeed]:
    """Each task item's version as the checklist states it; `ItemNotKnown` naming the items the draw has not seen yet
    (the registry's event has not arrived: freezing without it would form teams on a guess)."""
    wanted = {(str(i["item_id"]), int(i["item_version"])) for t in tasks for i in t["items"]}
    found = {
        key: ItemNeed(r.name, r.line, tuple(sorted(r.qualifications))) for key, r in repo.check_items(wanted).items()
    }
    names = {(str(i["item_id"]), int(i["item_version"])): str(i["name"]) for t in tasks for i in t["items"]}
    missing = sorted(key for key in wanted if key not in found)
    if missing:
        listed = "、".join(f"“{names[key]}”第 {key[1]} 版" for key in missing)
        raise ItemNotKnown(items=listed)
    return found


def with_checklist_lines(
    tasks: Sequence[Mapping[str, Any]], needs: Mapping[tuple[str, int], ItemNeed]
) -> list[dict[str, Any]]:
    """The tasks as the draw commits to them: each item's `line` is its checklist version's, or, for an item the
    checklist names no line for, the one the task gave it (planning lets a task say it)."""
    return [
        {
            **task,
            "items": [
                {**item, "line": needs[(str(item["item_id"]), int(item["item_version"]))].line or item.get("line")}
                for item in task["items"]
            ],
        }
        for task in tasks
    ]


def task_lines(task: Mapping[str, Any]) -> set[str]:
    return {str(item["line"]) for item in task["items"] if item.get("line")}


def rule(
    base: Iterable[str], tasks: Sequence[Mapping[str, Any]], needs: Mapping[tuple[str, int], ItemNeed]
) -> dict[str, Any]:
    """The rule frozen into the committed task (`hrss.drawkit.assignment.item_requirements`) of the committed
    `tasks` (`with_checklist_lines`): `base` for every item; for the items of line Y, `line:Y` and what they
    require; for the items of no line (key ""), what they require. Items of one line in one draw share its
    requirement: the union of what they require."""
    by_line: dict[str, set[str]] = {}
    for task in tasks:
        for item in task["items"]:
            need = needs[(str(item["item_id"]), int(item["item_version"]))]
            key = str(item.get("line") or "")
            required = by_line.setdefault(key, {line_tag(key)} if key else set())
            required.update(need.qualifications)
    return {"base": sorted(set(base)), "by_line": {key: sorted(q) for key, q in sorted(by_line.items())}}


def line_grants(tasks: Sequence[Mapping[str, Any]]) -> dict[str, frozenset[str]]:
    """Inspector line → the line tags its inspectors carry in this draw: those of every line sharing a task."""
    grants: dict[str, set[str]] = {}
    for task in tasks:
        lines = task_lines(task)
        for line in lines:
            grants.setdefault(line, set()).update(line_tag(other) for other in lines)
    return {line: frozenset(tags) for line, tags in grants.items()}
