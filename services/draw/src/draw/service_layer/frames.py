"""Building the frame of a draw from the read model: every entity in the tasks' draw regions, eligible or
excluded with a reason code, in its stratum (docs/draw-spec.md §4, §6.1); and the plan the draw applies."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from draw.domain.records import EntityRecord
from hrss.contracts import Level, Node
from hrss.drawkit import DrawPlan, FrameEntry, ItemRule
from hrss.drawkit.assignment import pick_node, territorial_node

STATUS_REASONS = {
    "suspended": "closed",
    "deregistered": "deregistered",
    "revoked": "deregistered",
    "moved_out": "moved_out",
}
SHARED_SCOPE = ("draw_regions", "scope", "grade_ratios", "exclude_inspected_within_months")


@dataclass(frozen=True)
class Located:
    """What the dispatch needs of a frame entity beyond its leaf."""

    name: str
    region_code: str


def scopes_differ(tasks: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the tasks drawn together differ in their regions, scope, grade ratios or exclusions: then each
    entity's stratum also names the tasks it is eligible for, and each item is drawn only in its task's strata."""
    return any(task[f] != tasks[0][f] for task in tasks[1:] for f in SHARED_SCOPE)


def _prefix(code: str) -> str:
    node = Node(code)
    return {Level.PROVINCE: code[:2], Level.CITY: code[:4], Level.COUNTY: code}[node.level]


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(day.day, last[month - 1]))


def _reason(row: Any, scope: Mapping[str, Any], cutoff: date | None) -> str:
    if row.status != "active":
        return STATUS_REASONS.get(row.status, "closed")
    if scope["object_types"] and row.object_type not in scope["object_types"]:
        return "out_of_object_types"
    if scope["tags"] and not set(scope["tags"]) & set(row.tags):
        return "not_in_tags"
    if scope["grades"] and row.credit_grade not in scope["grades"]:
        return "out_of_grades"
    if cutoff is not None and row.last_inspected is not None and row.last_inspected > cutoff:
        return "recently_inspected"
    return ""


def _in_regions(region_code: str, prefixes: Sequence[str]) -> bool:
    return any(region_code.startswith(p) for p in prefixes)


def _cutoff(task: Mapping[str, Any], today: date) -> date | None:
    months = task["exclude_inspected_within_months"]
    return _months_before(today, months) if months else None


def region_prefixes(tasks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The region code prefixes of the tasks' draw regions: every entity under one of them is in the frame."""
    return sorted({_prefix(code) for task in tasks for code in task["draw_regions"]})


def build_frame(
    entities: Sequence[EntityRecord], tasks: Sequence[Mapping[str, Any]], today: date
) -> tuple[list[FrameEntry], dict[str, Located]]:
    """The frame of the tasks drawn together, as of `today` (CST date), from `entities`: those in their draw
    regions (`region_prefixes`).

    Tasks of one scope: the stratum is `region|object_type|grade` and the reason that of the scope. Tasks of
    different scopes (docs/draw.md, "Tasks of one group with different scopes"): an entity is eligible if it is for
    one of them, and its stratum is `region|object_type|members|grade`, `members` the 1-based positions of the tasks
    it is eligible for (`1+3`), or `-`; an entity eligible for none has the reason of the first task whose regions
    hold it. The grade is kept in the key if one of the tasks raises its ratio, else it is `*`."""
    differ = scopes_differ(tasks)
    regions = [[_prefix(code) for code in task["draw_regions"]] for task in tasks]
    rows = entities
    cutoffs = [_cutoff(task, today) for task in tasks]
    graded = {g["grade"] for task in tasks for g in task["grade_ratios"]}
    entries, located = [], {}
    for row in rows:
        reasons = [
            _reason(row, task["scope"], cutoff) if _in_regions(row.region_code, mine) else None
            for task, mine, cutoff in zip(tasks, regions, cutoffs, strict=True)
        ]
        members = [str(n) for n, reason in enumerate(reasons, 1) if reason == ""]
        reason = "" if members else next(r for r in reasons if r)
        grade = row.credit_grade if row.credit_grade in graded else "*"
        middle = f"|{'+'.join(members) or '-'}" if differ else ""
        entries.append(
            FrameEntry(
                uscc=row.uscc,
                entity_id=row.entity_id,
                region_code=row.region_code,
                object_type=row.object_type,
                stratum=f"{row.region_code}|{row.object_type}{middle}|{grade}",
                eligible=not reason,
                reason=reason,
                salt=secrets.token_hex(16),
            )
        )
        located[row.uscc] = Located(row.name, row.region_code)
    return entries, located


def _members(stratum: str) -> set[int]:
    """The 0-based positions of the tasks named by a stratum key of a group of different scopes."""
    middle = stratum.split("|")[2]
    return set() if middle == "-" else {int(n) - 1 for n in middle.split("+")}


def draw_plan(tasks: Sequence[Mapping[str, Any]], entries: Sequence[FrameEntry], batch_size: int) -> DrawPlan:
    """Every item of every task (`task_id:item_id`), at its exact ratio; grade ratios replace the fractions in the
    strata of their grade. For tasks of different scopes, each item is drawn only in the strata of the entities
    eligible for its task, at its own task's grade ratios."""
    differ = scopes_differ(tasks)
    strata = sorted({e.stratum for e in entries})
    ratios = [{g["grade"]: Fraction(g["numerator"], g["denominator"]) for g in t["grade_ratios"]} for t in tasks]
    items = []
    for position, (task, grades) in enumerate(zip(tasks, ratios, strict=True)):
        mine = frozenset(s for s in strata if position in _members(s)) if differ else None
        raised = {s: grades[s.rsplit("|", 1)[1]] for s in (mine or ()) if s.rsplit("|", 1)[1] in grades}
        for item in task["items"]:
            ratio = item["ratio"]
            key = f"{task['task_id']}:{item['item_id']}"
            if ratio["kind"] == "fraction":
                fraction, minimum = Fraction(ratio["numerator"], ratio["denominator"]), 0
            else:
                fraction, minimum = None, int(ratio["minimum"])
            items.append(ItemRule(key, fraction, minimum, mine, raised))
    if differ:
        return DrawPlan(tuple(items), {}, batch_size)
    fractions = {s: ratios[0][s.rsplit("|", 1)[1]] for s in strata if not s.endswith("|*")}
    return DrawPlan(tuple(items), fractions, batch_size)


def pick_target(tasks: Sequence[Mapping[str, Any]], items: Sequence[str], region_code: str) -> str:
    """The node that inspects a pick: `target_node` of the first task whose items it was drawn for (the rule the
    verifier checks, hrss.drawkit.assignment.pick_node)."""
    return pick_node(tasks, items, region_code)


def target_node(task: Mapping[str, Any], region_code: str) -> str:
    """The node that inspects an entity (属地实施): the deepest implementing node whose territory holds it; for a
    node's own task, the node itself (hrss.drawkit.assignment.territorial_node)."""
    return territorial_node(task, region_code)
