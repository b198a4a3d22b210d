"""Node settings (节点设置): a node's own, else those of the nearest node above that has set them, else the
platform's defaults. Every change is a new version; the settings a plan or task was checked under stay readable."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hrss.contracts import InvalidNodeCode, Node
from planning.domain.documents import settings_document
from planning.domain.errors import FieldError, InvalidRecord, invalid_node
from planning.domain.settings import MonthDay, NodeSettings
from planning.service_layer.context import Context


@dataclass(frozen=True)
class Effective:
    """The settings in force at a node, and where they come from (the node that set them; None: defaults)."""

    settings: NodeSettings
    source: str | None
    version: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **settings_document(self.settings),
            "general_minimum_label": f"{float(self.settings.general_minimum * 100):g}%",
            "plan_deadline_label": self.settings.plan_deadline.label,
            "source": self.source,
            "version": self.version,
            "inherited": self.source != self.settings.node.code,
        }


def effective_settings(ctx: Context, node: Node) -> Effective:
    """The settings in force at `node`."""
    current: Node | None = node
    while current is not None:
        found = ctx.repo.own_settings(current, node)
        if found is not None:
            return Effective(found[0], current.code, found[1])
        current = current.parent
    return Effective(ctx.components.default_settings(node), None, None)


def parse_settings(node: Node, body: Any) -> NodeSettings:
    """Settings from the API's JSON (deadline 'MM-DD', minimum as a percentage string); every problem at once."""
    errors: list[FieldError] = []
    deadline = MonthDay(0, 0)
    try:
        month, day = (int(p) for p in str(body.plan_deadline).split("-"))
        deadline = MonthDay(month, day)
    except ValueError:
        errors.append(
            FieldError("plan_deadline", "settings.deadline_format", "计划报送截止日期格式应为 MM-DD，如 01-31")
        )
    minimum = Fraction(0)
    try:
        text = str(body.general_minimum).strip().removesuffix("%")
        minimum = Fraction(text) / 100
    except (ValueError, ZeroDivisionError):
        errors.append(FieldError("general_minimum", "settings.minimum_format", "最低抽查比例应为百分数，如 3 或 3%"))
    if errors:
        raise InvalidRecord(errors)
    return NodeSettings(node, deadline, minimum, body.task_number_template.strip(), body.minimum_team_size)


def set_settings(ctx: Context, node_code: str, body: Any, reason: str | None) -> Effective:
    """Version n+1 of `node`'s own settings."""
    try:
        node = Node(node_code)
    except InvalidNodeCode as bad:
        raise invalid_node("node", bad) from None
    role = ctx.authorize(node)
    settings = parse_settings(node, body)
    ctx.repo.lock(f"planning.settings.{node.code}")
    version = ctx.repo.add_settings(settings, ctx.actor, ctx.components.clock(), reason)
    ctx.audit(
        role=role,
        action="settings.set",
        object_type="node_settings",
        object_id=node.code,
        node=node.code,
        version=version,
        reason=reason,
    )
    return Effective(settings, node.code, version)
