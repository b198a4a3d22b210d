"""Use cases of the checklist (抽查事项清单): add an item, revise it, withdraw it, load an official list.

Every change is a new version; a task refers to (item id, version), which never changes. A node's list is the
items of its own node plus those of the nodes above it; items a node adds are reported upward by the
`registry.check_item_changed` event and are visible to every node above.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select

from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.events.registry import CheckItemChanged
from registry.adapters.orm import check_item, check_item_version
from registry.domain.checklist import CheckItemSpec, ChecklistError
from registry.domain.errors import FieldError, InvalidRecord, NotFound
from registry.domain.lines import LINE_LABELS, Line
from registry.service_layer.changes import CHECKLIST_KEEPERS
from registry.service_layer.context import Context
from registry.service_layer.entities import Written

ACTIVE, WITHDRAWN = "active", "withdrawn"


def parse_spec(raw: Any) -> CheckItemSpec:
    """A checklist item from its JSON form; `InvalidRecord` naming the field otherwise."""
    if not isinstance(raw, Mapping):
        raise InvalidRecord([FieldError("spec", "checklist.spec", "抽查事项内容 spec 应为对象")])
    try:
        return CheckItemSpec.from_json(raw)
    except ChecklistError as bad:
        raise InvalidRecord([FieldError(f"spec.{bad.field}", "checklist.invalid", str(bad))]) from None
    except (KeyError, TypeError, ValueError) as bad:
        raise InvalidRecord([FieldError("spec", "checklist.invalid", f"抽查事项内容有误：{bad}")]) from None


def parse_line(raw: Any) -> Line | None:
    if raw in (None, ""):
        return None
    for line in Line:
        if raw in (line.value, LINE_LABELS[line]):
            return line
    allowed = "、".join(LINE_LABELS.values())
    raise InvalidRecord([FieldError("line", "field.choice", f"业务条线取值无效：{str(raw)[:20]!r}（可选：{allowed}）")])


def version_hash(spec: CheckItemSpec, line: Line | None, status: str) -> str:
    """The hash that tells versions apart: the item's content, its line and its status."""
    return hashlib.sha256(f"{spec.content_hash()}|{line.value if line else ''}|{status}".encode()).hexdigest()


def add_item(ctx: Context, node: str, spec: CheckItemSpec, line: Line | None, reason: str | None) -> Written:
    """A new item on `node`'s list (version 1); its number must be new on that list."""
    _check_node(node)
    role = ctx.authorize(node, CHECKLIST_KEEPERS)
    number = str(spec.number)
    taken = ctx.uow.session.execute(
        select(check_item.c.id).where(check_item.c.node == node, check_item.c.number == number)
    ).scalar_one_or_none()
    if taken is not None:
        raise InvalidRecord(
            [FieldError("spec.number", "checklist.number_taken", f"本节点清单已有序号 {number} 的事项")]
        )
    item_id = str(uuid.uuid4())
    now = ctx.components.clock()
    ctx.uow.session.execute(
        insert(check_item).values(
            id=item_id, node=node, number=number, created_at=now, created_by=ctx.principal.account_id
        )
    )
    _write_version(ctx, item_id, node, number, 1, spec, line, ACTIVE, reason, role, before=None)
    return Written(item_id, 1, created=True, changed=True)


def revise_item(
    ctx: Context,
    item_id: str,
    spec: CheckItemSpec | None,
    line: Line | None,
    reason: str | None,
    *,
    status: str = ACTIVE,
) -> Written:
    """Version n+1 of an item (new content, or withdrawn); the same content again makes no version."""
    item, current = _item(ctx, item_id)
    role = ctx.authorize(item.node, CHECKLIST_KEEPERS)
    spec = spec or CheckItemSpec.from_json(current.spec)
    if str(spec.number) != item.number:
        raise InvalidRecord([FieldError("spec.number", "checklist.number_immutable", "抽查事项序号不能修改")])
    if version_hash(spec, line, status) == current.content_hash:
        return Written(item_id, current.version, created=False, changed=False)
    if not reason:
        raise InvalidRecord([FieldError("reason", "field.required", "调整抽查事项必须说明理由")])
    _write_version(ctx, item_id, item.node, item.number, current.version + 1, spec, line, status, reason, role, current)
    return Written(item_id, current.version + 1, created=False, changed=True)


def load_list(ctx: Context, node: str, specs: Iterable[CheckItemSpec], line: Line | None, reason: str) -> list[dict]:
    """Load an official list onto `node`: new numbers are added, changed ones revised, equal ones left alone."""
    results = []
    for spec in specs:
        existing = ctx.uow.session.execute(
            select(check_item.c.id).where(check_item.c.node == node, check_item.c.number == str(spec.number))
        ).scalar_one_or_none()
        written = (
            add_item(ctx, node, spec, line, reason)
            if existing is None
            else revise_item(ctx, existing, spec, line, reason)
        )
        results.append({"number": spec.number, "name": spec.name, **written.to_dict()})
    return results


def _check_node(node: str) -> None:
    try:
        Node(node)
    except InvalidNodeCode as bad:
        raise InvalidRecord([FieldError("node", "node.invalid", str(bad))]) from None


def _item(ctx: Context, item_id: str) -> tuple[Any, Any]:
    item = ctx.uow.session.execute(select(check_item).where(check_item.c.id == item_id).with_for_update()).first()
    if item is None:
        raise NotFound("checklist.not_found", f"抽查事项 {item_id} 不存在")
    current = ctx.uow.session.execute(
        select(check_item_version)
        .where(check_item_version.c.item_id == item_id)
        .order_by(check_item_version.c.version.desc())
        .limit(1)
    ).first()
    return item, current


def _write_version(
    ctx: Context,
    item_id: str,
    node: str,
    number: str,
    version: int,
    spec: CheckItemSpec,
    line: Line | None,
    status: str,
    reason: str | None,
    role: str,
    before: Any,
) -> None:
    now = ctx.components.clock()
    digest = version_hash(spec, line, status)
    spec_json = spec.to_json()
    ctx.uow.session.execute(
        insert(check_item_version).values(
            item_id=item_id,
            version=version,
            spec=spec_json,
            line=line.value if line else None,
            status=status,
            content_hash=digest,
            changed_at=now,
            changed_by=ctx.principal.account_id,
            reason=reason,
        )
    )
    producer = ctx.producing_node(node)
    ctx.uow.publish(
        CheckItemChanged(
            item_id=uuid.UUID(item_id),
            version=version,
            node=node,
            number=number,
            line=line.value if line else None,
            status=status,
            spec=spec_json,
            content_hash=digest,
            changed_at=now,
        ),
        subject=item_id,
        node=producer,
    )
    ctx.audit(
        role=role,
        action="check_item.add" if before is None else f"check_item.{'withdraw' if status == WITHDRAWN else 'revise'}",
        object_type="check_item",
        object_id=item_id,
        node=producer,
        version=version,
        before_hash=before.content_hash if before is not None else None,
        after_hash=digest,
        reason=reason,
        detail={"node": node, "number": number},
    )
