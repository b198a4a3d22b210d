"""Use case fed by the inspection service: an approved result becomes the entity's last inspection (最近检查日期).

The registry keeps it as a new version of the entity, like any change (history is only ever added), so the
`registry.entity_changed` event carries it to the draw's read model and the "not inspected within N months"
exclusion holds at the next draw. The inspecting node is a county or an upper node whose territory holds the
entity (属地实施); the entity is found by its USCC among those this registry keeps, whichever of its served nodes
holds it. A later result dated earlier never moves the date back, and the same date again makes no version.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date

from hrss.contracts import Node
from hrss.contracts.events.inspection import VisitStatusChanged
from registry.service_layer.context import Context
from registry.service_layer.entities import Written, record_upstream_change

log = logging.getLogger(__name__)

SERVICE_ROLE = "service"


def record_inspection(ctx: Context, event: VisitStatusChanged, event_id: str) -> Written | None:
    """Record `event`'s inspection day as the entity's last inspection if it is an approved result, the entity is
    kept here, the inspecting node's territory holds it, and the day is later than the one recorded; else None."""
    if event.status != "approved" or event.inspected_on is None:
        return None
    row = ctx.repo.lock_entity_by_uscc(event.uscc)
    if row is None:
        return None  # kept by another registry (or not registered at all): nothing to record here
    inspecting = Node(event.node)
    if not (inspecting.contains(Node(row.state.region_code)) or inspecting.contains(Node(event.region_code))):
        log.warning(
            "inspection of an entity outside the inspecting node's territory ignored",
            extra={"uscc": event.uscc, "node": event.node, "region_code": row.state.region_code, "event_id": event_id},
        )
        return None
    before = row.state
    if before.last_inspected is not None and before.last_inspected >= event.inspected_on:
        return Written(row.id, row.version, created=False, changed=False)
    state = dataclasses.replace(before, last_inspected=event.inspected_on)
    return record_upstream_change(
        ctx,
        row,
        state,
        reason=_reason(event.inspected_on, str(event.visit_id), event.node),
        known_at=min(event.at, ctx.components.clock()),
        role=SERVICE_ROLE,
        event_id=event_id,
    )


def _reason(day: date, visit_id: str, node: str) -> str:
    return f"抽查检查结果审核通过：{day.isoformat()} 由节点 {node} 检查（检查记录 {visit_id}）"
