"""Coverage of the checklist by a plan (全覆盖, 004 §8.3): which applicable items are missing, outdated or foreign.

An item applies to a node's plan when it is implemented at the node's level or at a level below it:
- implemented at the node's own level (实施层级 names it): the node plans it for its own tasks;
- implemented only below (a province with items of cities and counties, a city with items of counties): the node
  plans it as *unified* tasks (上级统一抽取, 004 §9.1.1), drawn by the node and dispatched to the implementing nodes
  below it. The province deploys the year's work for the levels below (003 §二, "科学制定年度抽查计划…确保…全覆盖";
  004 §6.3 "自上而下、统一组织、分层实施"; 004 §8.1: cities and counties plan "根据上级制定的抽查计划").
So every level's plan accounts for every item of its list in force: planned, or left out with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hrss.contracts import Level
from hrss.contracts.checklist import CheckItemSpec

if TYPE_CHECKING:
    from planning.domain.plans import Plan, PlannedItem


DEPTH = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}

LEVEL_LABELS = {Level.PROVINCE: "省级", Level.CITY: "市级", Level.COUNTY: "县级"}


def levels_label(levels: Iterable[Level]) -> str:
    """'市级、县级' for (city, county)."""
    return "、".join(LEVEL_LABELS[level] for level in sorted(set(levels), key=DEPTH.__getitem__))


@dataclass(frozen=True)
class ChecklistEntry:
    """A checklist item at its current version, as far as a plan needs to know it."""

    item_id: str
    item_version: int
    name: str
    levels: tuple[Level, ...]

    @classmethod
    def from_spec(cls, item_id: str, item_version: int, spec: CheckItemSpec) -> ChecklistEntry:
        """The entry of a registry item version."""
        return cls(item_id, item_version, spec.name, spec.levels)

    def applies_at(self, level: Level) -> bool:
        """True if a plan at `level` must account for the item: implemented at `level` or below it."""
        return any(DEPTH[own] >= DEPTH[level] for own in self.levels)

    def own_at(self, level: Level) -> bool:
        """True if the item is implemented at `level` itself (实施层级)."""
        return level in self.levels

    def unified_at(self, level: Level) -> bool:
        """True if a node at `level` plans the item only as unified tasks for the levels below it."""
        return self.applies_at(level) and not self.own_at(level)


@dataclass(frozen=True)
class Coverage:
    """What a plan covers of the items applying at its node's level."""

    applicable: tuple[ChecklistEntry, ...]
    missing: tuple[ChecklistEntry, ...]
    outdated: tuple[tuple[PlannedItem, ChecklistEntry], ...]
    not_applicable: tuple[PlannedItem, ...]
    unknown_version: tuple[tuple[PlannedItem, ChecklistEntry], ...] = ()  # planned at a version that never existed
    unified: tuple[ChecklistEntry, ...] = ()  # applicable items implemented only below: planned as unified tasks
    names: Mapping[str, str] = field(default_factory=dict)  # every item of the checklist given, by id

    def name_of(self, item_id: str) -> str | None:
        """The item's name if the checklist given holds it (in force at some node of the lineage)."""
        return self.names.get(item_id)

    @property
    def complete(self) -> bool:
        """True if every applicable item is in the plan."""
        return not self.missing

    def unexplained(self, plan: Plan) -> tuple[ChecklistEntry, ...]:
        """Missing items for which the plan records no reason."""
        return tuple(entry for entry in self.missing if plan.omission_for(entry.item_id) is None)


def coverage(plan: Plan, checklist: Iterable[ChecklistEntry]) -> Coverage:
    """Compare the plan with the checklist: an item applies when it is implemented at the node's level or below.

    An item counts as covered at any version; covered at an older version than the current one, it is also listed
    as outdated (the planner may want to plan the current text); at a version newer than the current one, as an
    unknown version (it never existed), which refuses filing. Planned items that do not apply at this level, or
    are not on the checklist at all, are listed as not applicable: nothing outside the checklist may be inspected.
    """
    level = plan.node.level
    checklist = tuple(checklist)
    applicable = tuple(entry for entry in checklist if entry.applies_at(level))
    current = {entry.item_id: entry for entry in applicable}
    planned = {item.item_id: item for item in plan.items}
    return Coverage(
        applicable=applicable,
        missing=tuple(entry for entry in applicable if entry.item_id not in planned),
        outdated=tuple(
            (item, current[item.item_id])
            for item in plan.items
            if item.item_id in current and item.item_version < current[item.item_id].item_version
        ),
        not_applicable=tuple(item for item in plan.items if item.item_id not in current),
        unknown_version=tuple(
            (item, current[item.item_id])
            for item in plan.items
            if item.item_id in current and item.item_version > current[item.item_id].item_version
        ),
        unified=tuple(entry for entry in applicable if entry.unified_at(level)),
        names={entry.item_id: entry.name for entry in checklist},
    )
