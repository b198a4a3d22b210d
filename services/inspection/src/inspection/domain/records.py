"""The inspection record (检查记录表) and its result: what a submission must hold to be accepted (004 §9.3.2).

Every item the visit was drawn for has one line with a result category and the methods used; the overall result
is a category too; at least two inspectors of the visit's team were present (their credential numbers go on the
record); the entity signed or stamped, or the team noted its refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from inspection.domain.errors import FieldError, InvalidRecord
from inspection.domain.visits import Member, Task, checklist


@dataclass(frozen=True)
class Category:
    """A result category (configurable): a stable code, its Chinese label, and whether it needs a follow-up."""

    code: str
    label: str
    problem: bool = False


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("no_problem", "未发现问题"),
    Category("corrected", "发现问题已责令改正", problem=True),
    Category("pending_follow_up", "发现问题待后续处理", problem=True),
    Category("refused", "不配合检查", problem=True),
    Category("unreachable", "通过登记住所无法联系"),
    Category("no_activity", "未发现开展相关经营活动"),
    Category("closed", "已注销/停业"),
)

DEFAULT_METHODS: dict[str, str] = {
    "documentary": "书面审查",
    "on_site": "实地核查",
    "online_comparison": "网上比对",
    "online_monitoring": "网络监测",
    "third_party": "第三方验证",
}

MIN_INSPECTORS = 2


@dataclass(frozen=True)
class ItemLine:
    task_id: str
    item_id: str
    category: str
    findings: str
    methods: tuple[str, ...]


@dataclass(frozen=True)
class Form:
    """A submitted record form, as the inspectors filled it in."""

    inspected_on: date
    present: tuple[str, ...]  # inspector ids
    items: tuple[ItemLine, ...]
    overall: str
    methods: tuple[str, ...]
    entity_signed: bool
    refusal_note: str | None
    public: bool = True
    remarks: str = ""


def check_form(
    form: Form,
    tasks: Sequence[Task],
    team: Sequence[Member],
    categories: Sequence[Category],
    methods: dict[str, str],
    window_start: date | None,
    today: date | None = None,
) -> list[Member]:
    """The members present, if `form` is a complete record for a visit of `tasks` by `team`, inspected within the
    task's window and not after `today` (China Standard Time); else InvalidRecord."""
    errors: list[FieldError] = []
    codes = {c.code for c in categories}
    known = "、".join(f"{c.code}（{c.label}）" for c in categories)
    expected = {(t.task_id, i.item_id) for t, i in checklist(tasks)}
    seen: set[tuple[str, str]] = set()
    for n, line in enumerate(form.items):
        key = (line.task_id, line.item_id)
        where = f"items.{n}"
        if key not in expected:
            errors.append(FieldError(where, "record.item_not_drawn", f"第 {n + 1} 行的事项不在本次检查的抽查事项中"))
        elif key in seen:
            errors.append(FieldError(where, "record.item_repeated", f"第 {n + 1} 行的事项重复填写"))
        seen.add(key)
        if line.category not in codes:
            errors.append(FieldError(f"{where}.category", "record.unknown_category", f"检查结果应为：{known}"))
        if not line.methods:
            errors.append(FieldError(f"{where}.methods", "record.methods_missing", "须填写该事项采用的检查方式"))
        for method in line.methods:
            if method not in methods:
                errors.append(FieldError(f"{where}.methods", "record.unknown_method", f"未知的检查方式 {method}"))
    for task, item in checklist(tasks):
        if (task.task_id, item.item_id) not in seen:
            errors.append(
                FieldError("items", "record.item_missing", f"缺少抽查事项「{item.name}」（{task.title}）的检查结果")
            )
    if form.overall not in codes:
        errors.append(FieldError("overall", "record.unknown_category", f"总体检查结果应为：{known}"))
    for method in form.methods:
        if method not in methods:
            errors.append(FieldError("methods", "record.unknown_method", f"未知的检查方式 {method}"))
    members = {m.inspector_id: m for m in team}
    present: list[Member] = []
    for inspector_id in dict.fromkeys(form.present):
        member = members.get(inspector_id)
        if member is None:
            errors.append(FieldError("present", "record.not_in_team", "到场检查人员须为本次检查组成员"))
        else:
            present.append(member)
    if len(present) < MIN_INSPECTORS:
        errors.append(
            FieldError(
                "present", "record.too_few_inspectors", f"现场检查人员不得少于 {MIN_INSPECTORS} 人，并出示执法证件"
            )
        )
    if form.entity_signed and form.refusal_note:
        errors.append(FieldError("refusal_note", "record.signed_and_refused", "检查对象已签字盖章时不应填写拒签说明"))
    if not form.entity_signed and not (form.refusal_note or "").strip():
        errors.append(
            FieldError(
                "refusal_note", "record.refusal_note_missing", "检查对象拒绝签字或盖章的，须由检查组全体成员签字说明"
            )
        )
    if window_start is not None and form.inspected_on < window_start:
        errors.append(FieldError("inspected_on", "record.before_window", "检查日期早于抽查任务的开始日期"))
    if today is not None and form.inspected_on > today:
        errors.append(FieldError("inspected_on", "record.in_future", f"检查日期不能晚于今天（{today.isoformat()}）"))
    if errors:
        raise InvalidRecord(errors)
    return present


def form_to_dict(form: Form) -> dict[str, Any]:
    return {
        "inspected_on": form.inspected_on.isoformat(),
        "present": list(form.present),
        "items": [
            {
                "task_id": i.task_id,
                "item_id": i.item_id,
                "category": i.category,
                "findings": i.findings,
                "methods": list(i.methods),
            }
            for i in form.items
        ],
        "overall": form.overall,
        "methods": list(form.methods),
        "entity_signed": form.entity_signed,
        "refusal_note": form.refusal_note,
        "public": form.public,
        "remarks": form.remarks,
    }


def form_from_dict(raw: dict[str, Any]) -> Form:
    return Form(
        inspected_on=date.fromisoformat(raw["inspected_on"]),
        present=tuple(raw["present"]),
        items=tuple(
            ItemLine(i["task_id"], i["item_id"], i["category"], i.get("findings") or "", tuple(i["methods"]))
            for i in raw["items"]
        ),
        overall=raw["overall"],
        methods=tuple(raw["methods"]),
        entity_signed=bool(raw["entity_signed"]),
        refusal_note=raw.get("refusal_note"),
        public=bool(raw.get("public", True)),
        remarks=raw.get("remarks") or "",
    )
