"""Use cases of the checklist (抽查事项清单): add an item, revise it, withdraw it, load an official list.

Every change is a new version; a task refers to (item id, version), which never changes. A node's list is the
items of its own node plus those of the nodes above it; items a node adds are reported upward by the
`registry.check_item_changed` event and are visible to every node above.

Besides its content (the spec, as the document states it) a version carries its line of business (业务条线) and
the qualifications (资格) an inspector needs for it: the draw forms teams of inspectors of the line holding them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.checklist import CheckItemSpec, ChecklistError
from hrss.contracts.errors import FieldError, InvalidRecord
from hrss.contracts.events.registry import CheckItemChanged
from hrss.contracts.lines import LINE_LABELS, BadQualifications, Line, clean_qualifications, line_of_unit
from registry.domain.errors import CheckItemNotFound
from registry.domain.versions import StoredCheckItem
from registry.service_layer.changes import CHECKLIST_KEEPERS
from registry.service_layer.context import Context
from registry.service_layer.entities import Written

ACTIVE, WITHDRAWN = "active", "withdrawn"


class Keep(Enum):
    """A revision that leaves the line or the qualifications as the current version has them."""

    CURRENT = "current"


KEEP = Keep.CURRENT


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


def parse_qualifications(raw: Any) -> tuple[str, ...]:
    """The qualifications an item requires, from a JSON list of tags; `InvalidRecord` naming the field otherwise."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidRecord([FieldError("qualifications", "checklist.qualifications", "所需资格应为列表")])
    try:
        return clean_qualifications(raw)
    except BadQualifications as bad:
        raise InvalidRecord([FieldError("qualifications", "checklist.qualifications", str(bad))]) from None


def version_hash(spec: CheckItemSpec, line: Line | None, status: str, qualifications: tuple[str, ...] = ()) -> str:
    """The hash that tells versions apart: the item's content, its line, its status and the qualifications it
    requires (left out when there are none, so the versions written before items named any keep their hash)."""
    text = f"{spec.content_hash()}|{line.value if line else ''}|{status}"
    if qualifications:
        text += "|" + "\x1e".join(qualifications)
    return hashlib.sha256(text.encode()).hexdigest()


def add_item(
    ctx: Context,
    node: str,
    spec: CheckItemSpec,
    line: Line | None,
    reason: str | None,
    qualifications: tuple[str, ...] = (),
) -> Written:
    """A new item on `node`'s list (version 1); its number must be new on that list."""
    _check_node(node)
    role = ctx.authorize(node, CHECKLIST_KEEPERS)
    number = str(spec.number)
    taken = ctx.repo.check_item_id(node, number)
    if taken is not None:
        message = f"本节点清单已有序号 {number} 的事项，不能再添加“{spec.name}”"
        raise InvalidRecord([FieldError("spec.number", "checklist.number_taken", message)])
    item_id = str(uuid.uuid4())
    _write_version(ctx, item_id, node, number, 1, spec, line, ACTIVE, reason, role, None, qualifications)
    return Written(item_id, 1, created=True, changed=True)


def revise_item(
    ctx: Context,
    item_id: str,
    spec: CheckItemSpec | None,
    line: Line | Keep | None,
    reason: str | None,
    *,
    status: str = ACTIVE,
    qualifications: tuple[str, ...] | Keep = KEEP,
) -> Written:
    """Version n+1 of an item (new content, line or qualifications, or withdrawn); `KEEP` leaves the line or the
    qualifications as they are; the same content again makes no version."""
    current = _item(ctx, item_id)
    item = current
    role = ctx.authorize_found(item.node, CHECKLIST_KEEPERS, CheckItemNotFound(item_id=item_id), seen_from_below=True)
    before = CheckItemSpec.from_json(current.spec)
    spec = spec or before
    if str(spec.number) != item.number:
        message = f"抽查事项“{before.name}”的序号 {item.number} 不能修改"
        raise InvalidRecord([FieldError("spec.number", "checklist.number_immutable", message)])
    new_line = parse_line(current.line) if isinstance(line, Keep) else line
    required = tuple(current.qualifications or ()) if isinstance(qualifications, Keep) else qualifications
    if version_hash(spec, new_line, status, required) == current.content_hash:
        return Written(item_id, current.version, created=False, changed=False)
    if not reason:
        raise InvalidRecord([FieldError("reason", "field.required", f"调整抽查事项“{before.name}”必须说明理由")])
    version, number = current.version + 1, item.number
    _write_version(ctx, item_id, item.node, number, version, spec, new_line, status, reason, role, current, required)
    return Written(item_id, version, created=False, changed=True)


def load_list(
    ctx: Context,
    node: str,
    specs: Iterable[CheckItemSpec],
    line: Line | None,
    reason: str,
    qualifications: tuple[str, ...] = (),
    *,
    lines_from_units: bool = False,
) -> list[dict]:
    """Load an official list onto `node`: new numbers are added, changed ones revised, equal ones left alone.
    Each item's line is `line` if given, else, with `lines_from_units`, that of its first responsible unit
    (`line_of_unit`), else the one it has (none for a new item); every item requires `qualifications`."""
    results = []
    for spec in specs:
        existing = ctx.repo.check_item_id(node, str(spec.number))
        item_line = line or (line_of_unit(spec.responsible_unit) if lines_from_units else None)
        if existing is None:
            written = add_item(ctx, node, spec, item_line, reason, qualifications)
        else:  # a line named before is kept unless this load names one
            kept = item_line if item_line is not None else KEEP
            written = revise_item(ctx, existing, spec, kept, reason, qualifications=qualifications)
            item_line = parse_line(_item(ctx, existing).line)
        line_label = LINE_LABELS[item_line] if item_line else None
        results.append({"number": spec.number, "name": spec.name, "line": line_label, **written.to_dict()})
    return results


def _check_node(node: str) -> None:
    try:
        Node(node)
    except InvalidNodeCode as bad:
        raise InvalidRecord([FieldError("node", "node.invalid", str(bad))]) from None


def _item(ctx: Context, item_id: str) -> StoredCheckItem:
    """The item with its latest version, locked; `CheckItemNotFound` if there is none."""
    item = ctx.repo.lock_check_item(item_id)
    if item is None:
        raise CheckItemNotFound(item_id=item_id)
    return item


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
    before: StoredCheckItem | None,
    qualifications: tuple[str, ...],
) -> None:
    now = ctx.components.clock()
    digest = version_hash(spec, line, status, qualifications)
    spec_json = spec.to_json()
    kept = StoredCheckItem(
        item_id, node, number, version, spec_json, line.value if line else None, qualifications, status, digest
    )
    ctx.repo.add_check_item(kept, at=now, by=ctx.principal.account_id, reason=reason)
    producer = ctx.producing_node(node)
    ctx.uow.publish(
        CheckItemChanged(
            item_id=uuid.UUID(item_id),
            version=version,
            node=node,
            number=number,
            line=line.value if line else None,
            qualifications=list(qualifications),
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
        detail={"node": node, "number": number, "name": spec.name},
    )
