"""Coverage of the checklist by a plan (全覆盖, 004 §8.3): which applicable items are missing, outdated or foreign."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.domain.checklist import CheckItemSpec

from hrss.contracts import Level

if TYPE_CHECKING:
    from planning.domain.plans import Plan, PlannedItem


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
        """True if the item is implemented at `level` (实施层级)."""
        return level in self.levels


@dataclass(frozen=True)
class Coverage:
    """What a plan covers of the items applying at its node's level."""

    applicable: tuple[ChecklistEntry, ...]
    missing: tuple[ChecklistEntry, ...]
    outdated: tuple[tuple[PlannedItem, ChecklistEntry], ...]
    not_applicable: tuple[PlannedItem, ...]
    unknown_version: tuple[tuple[PlannedItem, ChecklistEntry], ...] = ()  # planned at a version that never existed

    @property
    def complete(self) -> bool:
        """True if every applicable item is in the plan."""
        return not self.missing

    def unexplained(self, plan: Plan) -> tuple[ChecklistEntry, ...]:
        """Missing items for which the plan records no reason."""
        return tuple(entry for entry in self.missing if plan.omission_for(entry.item_id) is None)


def coverage(plan: Plan, checklist: Iterable[ChecklistEntry]) -> Coverage:
    """Compare the plan with the checklist: an item applies when the node's level is among its implementing levels.

    An item counts as covered at any version; covered at an older version than the current one, it is also listed
    as outdated (the planner may want to plan the current text); at a version newer than the current one, as an
    unknown version (it never existed), which refuses filing. Planned items that do not apply at this level, or
    are not on the checklist at all, are listed as not applicable: nothing outside the checklist may be inspected.
    """
    level = plan.node.level
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
    )
