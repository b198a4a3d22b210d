"""The registry's checklist as planning knows it: an item in force on a node's list, and the rule a task's item
must meet (on the node's list, at the version in force)."""

from __future__ import annotations

from dataclasses import dataclass

from hrss.contracts import Node
from hrss.contracts.checklist import CheckItemSpec
from hrss.contracts.lines import Line
from planning.domain.errors import FieldError, InvalidRecord
from planning.domain.plan_coverage import ChecklistEntry

ACTIVE = "active"


@dataclass(frozen=True)
class ItemInForce:
    """One item of a node's list at its latest version."""

    item_id: str
    version: int
    node: str
    line: Line | None
    spec: CheckItemSpec

    @property
    def entry(self) -> ChecklistEntry:
        return ChecklistEntry.from_spec(self.item_id, self.version, self.spec)


def lineage(node: Node) -> list[str]:
    """The node and every node above it: whose items are on its list (the registry's rule)."""
    codes = []
    current: Node | None = node
    while current is not None:
        codes.append(current.code)
        current = current.parent
    return codes


def list_order(items: list[ItemInForce]) -> list[ItemInForce]:
    """Ordered by the node that keeps them (the highest first), then by number."""
    return sorted(items, key=lambda i: (len(i.node.rstrip("0")), i.node, _number_key(i.spec.number)))


def _number_key(number: object) -> tuple[int, str]:
    text = str(number)
    return (int(text), "") if text.isdigit() else (1 << 30, text)


def item_for_task(
    in_force: dict[str, ItemInForce], where: str, item_id: str, version: int | None, name: str | None = None
) -> ItemInForce:
    """The item a task names: on the node's list and in force; a version, if given, must be the one in force.
    `name` is the item's name where another node's list or a withdrawn version holds it (for the message)."""
    item = in_force.get(item_id)
    if item is None:
        what = f"抽查事项“{name}”" if name else f"清单中没有的抽查事项（{item_id[:64]}）"
        message = f"{what}不在本节点适用的抽查事项清单内（或已废止）"
        raise InvalidRecord([FieldError(f"{where}.item_id", "task.item_not_on_checklist", message)])
    if version is not None and version != item.version:
        message = f"抽查事项“{item.spec.name}”现行版本为第 {item.version} 版，不能使用第 {version} 版"
        raise InvalidRecord([FieldError(f"{where}.item_version", "task.item_version_not_in_force", message)])
    return item
