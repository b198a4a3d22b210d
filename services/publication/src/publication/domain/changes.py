"""Corrections and withdrawals of a public record (更正、撤回): never edits, but changes kept in order and applied to
the record's content to make its next version, which says what changed and why. Standard library only (plus the
platform's field errors).

A correction replaces top-level fields of the content with new values of the same JSON type; the record's identity
(its kind, node, ids, USCC) is not a field to correct. A withdrawal ends the record: its last version says so and
why, no later version follows, and it leaves public search. Every version made after a change carries the whole
list of changes (`changes`: kind, fields, reason, time), so a correction sticks when the record is republished from
its sources (a follow-up, a task learnt late).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from hrss.contracts.errors import FieldError

ChangeType = Literal["correction", "withdrawal"]
PROTECTED = frozenset(
    {"kind", "node", "uscc", "result_id", "task_id", "plan_id", "draw_id", "changes", "withdrawn", "result_code"}
)
DERIVED = ("changes", "withdrawn")  # what `apply` writes: not part of the content a change is judged against


def base(content: Mapping[str, Any]) -> dict[str, Any]:
    """The content without what the changes added to it."""
    return {k: v for k, v in content.items() if k not in DERIVED}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "other"


def correction_errors(content: Mapping[str, Any], fields: Mapping[str, Any]) -> list[FieldError]:
    """Why these `fields` cannot correct `content` (empty: they can)."""
    errors = []
    if not fields:
        errors.append(FieldError("fields", "correction.empty", "请至少更正一个字段"))
    for name, value in fields.items():
        where = f"fields.{name}"
        if name in PROTECTED:
            errors.append(FieldError(where, "correction.protected", f"字段 {name} 标识该记录，不能更正"))
        elif name not in content:
            errors.append(FieldError(where, "correction.unknown_field", f"该记录没有字段 {name}"))
        elif content[name] is not None and _json_type(value) != _json_type(content[name]):
            errors.append(FieldError(where, "correction.type", f"字段 {name} 应为 {_json_type(content[name])} 类型"))
    if not errors and all(content[name] == value for name, value in fields.items()):
        errors.append(FieldError("fields", "correction.no_change", "更正后的内容与现行版本相同"))
    return errors


def apply(content: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`content` as the changes make it, in order, with the list of changes; withdrawn if one withdrew it."""
    result = base(content)
    if not changes:
        return result
    shown = []
    for change in changes:
        if change["type"] == "correction":
            result.update(change["fields"])
        shown.append(
            {
                "type": change["type"],
                "fields": sorted(change["fields"]),
                "reason": change["reason"],
                "at": change["at"],
            }
        )
        if change["type"] == "withdrawal":
            result["withdrawn"] = {"reason": change["reason"], "at": change["at"]}
    result["changes"] = shown
    return result


def withdrawn(changes: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a withdrawal is among the changes."""
    return any(c["type"] == "withdrawal" for c in changes)
